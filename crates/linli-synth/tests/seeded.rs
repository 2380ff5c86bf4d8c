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
    let s =
        generate(&Config { records: 3000, seed: 11, defect_rate: 0.0, mix: Mix::Community, threads: 0 }, &dir).unwrap();
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
        let s = generate(&Config { records: 5000, seed, defect_rate: 0.05, mix, threads: 0 }, &dir).unwrap();
        assert!(s.defects.values().sum::<u64>() > 100, "too few defects seeded: {:?}", s.defects);
        let (found, _) = counts(&dir);
        assert_eq!(found, s.defects, "seed {seed}");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}

#[test]
fn the_same_seed_gives_the_same_bytes() {
    let (a, b, c) = (tmp("same-a"), tmp("same-b"), tmp("same-c"));
    let cfg = Config { records: 1500, seed: 42, defect_rate: 0.02, mix: Mix::Community, threads: 0 };
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

/// One thread or several: the same files, byte for byte, and the same summary — for both mixes,
/// with defects, over many batches of records.
#[test]
fn the_same_seed_gives_the_same_bytes_on_any_number_of_threads() {
    for (mix, records) in [(Mix::Community, 12_000), (Mix::PersonsOnly, 5_000), (Mix::Community, 9)] {
        let mut runs = Vec::new();
        for threads in [1, 2, 3] {
            let dir = tmp(&format!("threads-{records}-{threads}"));
            let s = generate(&Config { records, seed: 77, defect_rate: 0.03, mix, threads }, &dir).unwrap();
            let mut files: Vec<(String, Vec<u8>)> = std::fs::read_dir(&dir)
                .unwrap()
                .map(|e| e.unwrap().path())
                .map(|p| (p.file_name().unwrap().to_string_lossy().into_owned(), std::fs::read(&p).unwrap()))
                .collect();
            files.sort();
            assert!(files.len() >= 2, "{files:?}");
            runs.push((threads, serde_json::to_string(&s).unwrap(), files));
            std::fs::remove_dir_all(&dir).unwrap();
        }
        for (threads, summary, files) in &runs[1..] {
            assert_eq!(summary, &runs[0].1, "{mix:?} {records}: summary on {threads} threads");
            for ((name, a), (name_b, b)) in files.iter().zip(&runs[0].2) {
                assert_eq!(name, name_b);
                assert!(a == b, "{mix:?} {records}: {name} differs on {threads} threads");
            }
            assert_eq!(files.len(), runs[0].2.len());
        }
    }
}

#[test]
fn bad_configuration_is_an_error() {
    let dir = tmp("bad");
    assert!(
        generate(&Config { records: 10, seed: 1, defect_rate: 1.5, mix: Mix::Community, threads: 0 }, &dir).is_err()
    );
    assert!(
        generate(&Config { records: 0, seed: 1, defect_rate: 0.0, mix: Mix::Community, threads: 0 }, &dir).is_err()
    );
}
