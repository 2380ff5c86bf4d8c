//! A dataset target is judged only on the classes it holds evidence for `[CNF-003]`: a vendor
//! who hands in a dataset of one Place must not get `people`, `cases` or `privacy` passed for
//! want of anything to fail.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;

use linli_conformance::runner::{RunOptions, Summary, Target, run};
use sha2::Digest;

fn verdicts(s: &Summary) -> Vec<(String, &'static str)> {
    s.classes.iter().map(|c| (c.class.name().to_owned(), c.verdict)).collect()
}

fn verdict(s: &Summary, class: &str) -> &'static str {
    s.classes.iter().find(|c| c.class.name() == class).map(|c| c.verdict).unwrap()
}

#[test]
fn a_dataset_of_one_place_passes_places_and_core_only() {
    let suite = linli_conformance::vector::suite_dir();
    let minimal = suite.join("datasets/valid-minimal/dataset");
    let place = std::fs::read_to_string(minimal.join("place.ndjson")).unwrap();
    let line = format!("{}\n", place.lines().next().unwrap());
    let dir = std::env::temp_dir().join(format!("linli-one-place-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("place.ndjson"), &line).unwrap();
    let manifest = serde_json::json!({
        "standardVersion": linli_conformance::runner::SUITE_VERSION,
        "producer": {"vendor": "v", "product": "p", "productVersion": "1.0"},
        "createdAt": "2024-05-22T08:00:00+08:00",
        "sharingLevel": "internal",
        "files": [{"path": "place.ndjson", "recordType": "Place", "records": 1,
                   "sha256": linli_validate::input::hex(&sha2::Sha256::digest(line.as_bytes()))}]
    });
    std::fs::write(dir.join("manifest.json"), manifest.to_string()).unwrap();
    let s = run(&Target::Dataset(dir.clone()), &RunOptions::new(suite.clone()), &mut |_| {});
    let _ = std::fs::remove_dir_all(&dir);
    assert!(s.run_errors.is_empty(), "{:?}", s.run_errors);
    for class in ["core", "places"] {
        assert_eq!(verdict(&s, class), "pass", "{:?}", verdicts(&s));
    }
    for class in ["people", "things", "events", "cases", "privacy"] {
        assert_eq!(verdict(&s, class), "not-claimed", "{:?}", verdicts(&s));
    }
    // The full minimal dataset (internal) is judged on every record class, not on privacy.
    let s = run(&Target::Dataset(minimal.to_path_buf()), &RunOptions::new(suite), &mut |_| {});
    for class in ["core", "people", "places", "things", "events", "cases"] {
        assert_eq!(verdict(&s, class), "pass", "{:?}", verdicts(&s));
    }
    assert_eq!(verdict(&s, "privacy"), "not-claimed");
    assert!(Path::new(&minimal).is_dir());
}

#[test]
fn a_manifest_finding_is_placed_at_the_manifest_without_a_line_zero() {
    let suite = linli_conformance::vector::suite_dir();
    let minimal = suite.join("datasets/valid-minimal/dataset");
    let dir = std::env::temp_dir().join(format!("linli-manifest-place-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    for e in std::fs::read_dir(&minimal).unwrap() {
        let e = e.unwrap();
        std::fs::copy(e.path(), dir.join(e.file_name())).unwrap();
    }
    let mut m: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("manifest.json")).unwrap()).unwrap();
    m["files"][0]["records"] = serde_json::json!(m["files"][0]["records"].as_u64().unwrap() + 1);
    std::fs::write(dir.join("manifest.json"), m.to_string()).unwrap();
    let s = run(&Target::Dataset(dir.clone()), &RunOptions::new(suite), &mut |_| {});
    let _ = std::fs::remove_dir_all(&dir);
    let details: Vec<&str> = s.cases.iter().map(|c| c.detail_en.as_str()).filter(|d| d.contains("manifest")).collect();
    assert!(
        details.iter().any(|d| d.contains("manifest.json /files/0/records manifest-count-mismatch")),
        "{details:?}"
    );
    assert!(details.iter().all(|d| !d.contains("manifest.json:0")), "{details:?}");
}
