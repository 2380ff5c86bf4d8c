//! A generated dataset is valid, the same seed gives the same bytes, and with seeded defects the
//! validator reports exactly the seeded defects: the same count for every finding code.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeMap;
use std::path::PathBuf;

use linli_synth::{Config, Mix, generate};
use linli_validate::{Options, Validator, validate_paths};

fn tmp(name: &str) -> PathBuf {
    let p = std::env::temp_dir().join(format!("linli-synth-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&p);
    p
}

fn counts(dir: &PathBuf) -> (BTreeMap<String, u64>, u64) {
    let v = Validator::new().unwrap();
    let r = validate_paths(std::slice::from_ref(dir), &v, &Options { max_findings: usize::MAX, ..Options::default() })
        .unwrap();
    for f in &r.findings {
        linli_validate::codes::check_documented(&f.code, f.requirement).unwrap();
    }
    let by_code = r
        .rules
        .iter()
        .filter(|c| c.level != linli_model::check::Level::Info)
        .map(|c| (c.code.clone(), c.count))
        .collect();
    (by_code, r.records)
}

#[test]
fn a_clean_dataset_validates_clean() {
    let dir = tmp("clean");
    let s = generate(&Config { records: 3000, seed: 11, defect_rate: 0.0, mix: Mix::Community }, &dir).unwrap();
    let (found, records) = counts(&dir);
    assert!(found.is_empty(), "{found:?}");
    assert_eq!(records, s.records.values().sum::<u64>());
    for t in ["Person", "Organization", "Place", "Thing", "Event", "Case"] {
        assert!(s.records.get(t).copied().unwrap_or(0) > 0, "no {t}");
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn seeded_defects_are_reported_exactly() {
    for (seed, mix) in [(1, Mix::Community), (2, Mix::Community), (3, Mix::PersonsOnly)] {
        let dir = tmp(&format!("defects-{seed}"));
        let s = generate(&Config { records: 5000, seed, defect_rate: 0.05, mix }, &dir).unwrap();
        assert!(s.defects.values().sum::<u64>() > 100, "too few defects seeded: {:?}", s.defects);
        let (found, _) = counts(&dir);
        assert_eq!(found, s.defects, "seed {seed}");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}

#[test]
fn the_same_seed_gives_the_same_bytes() {
    let (a, b, c) = (tmp("same-a"), tmp("same-b"), tmp("same-c"));
    let cfg = Config { records: 1500, seed: 42, defect_rate: 0.02, mix: Mix::Community };
    generate(&cfg, &a).unwrap();
    generate(&cfg, &b).unwrap();
    generate(&Config { seed: 43, ..cfg }, &c).unwrap();
    for f in ["person.ndjson", "event.ndjson", "case.ndjson", "manifest.json"] {
        let (x, y, z) =
            (std::fs::read(a.join(f)).unwrap(), std::fs::read(b.join(f)).unwrap(), std::fs::read(c.join(f)).unwrap());
        assert_eq!(x, y, "{f} differs between two runs with the same seed");
        if f != "manifest.json" {
            assert_ne!(x, z, "{f} is the same for another seed");
        }
    }
    for d in [a, b, c] {
        std::fs::remove_dir_all(d).unwrap();
    }
}

#[test]
fn bad_configuration_is_an_error() {
    let dir = tmp("bad");
    assert!(generate(&Config { records: 10, seed: 1, defect_rate: 1.5, mix: Mix::Community }, &dir).is_err());
    assert!(generate(&Config { records: 0, seed: 1, defect_rate: 0.0, mix: Mix::Community }, &dir).is_err());
}
