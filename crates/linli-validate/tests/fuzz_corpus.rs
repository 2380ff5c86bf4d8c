#![allow(clippy::unwrap_used, clippy::expect_used)]
//! Replays the committed fuzz corpus of the record reader, the manifest reader, the dataset
//! reader and the masker on stable Rust, as an ordinary test (issue 13, item 9): every file of
//! `fuzz/corpus/<target>/` (the minimised corpus of the cargo-fuzz target of that name) and of
//! `tests/regressions/<target>/` (inputs that once broke an invariant) is checked with the
//! invariants the fuzz targets assert (`tests/support/fuzz_invariants.rs`, shared with the
//! targets). A corpus directory that is missing or empty fails the test: the replay must never
//! pass by reading nothing.

#[path = "support/fuzz_invariants.rs"]
mod invariants;

use std::path::{Path, PathBuf};
use std::sync::LazyLock;

static FIXTURE: LazyLock<invariants::Fixture> = LazyLock::new(invariants::Fixture::new);

fn files(dir: &Path) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir) else { return Vec::new() };
    let mut out: Vec<PathBuf> = entries
        .map(|e| e.expect("directory entry").path())
        .filter(|p| p.is_file() && !p.file_name().is_some_and(|n| n.to_string_lossy().starts_with('.')))
        .collect();
    out.sort();
    out
}

fn check(target: &str, bytes: &[u8]) {
    let fx = &*FIXTURE;
    match target {
        "record" => invariants::check_record(fx, bytes),
        "manifest" => invariants::check_manifest(bytes),
        "dataset" => invariants::check_dataset(fx, bytes),
        "mask" => invariants::check_mask(fx, bytes),
        other => panic!("unknown fuzz target {other}"),
    }
}

fn replay(target: &str, paths: &[PathBuf]) {
    for path in paths {
        let bytes = std::fs::read(path).expect("corpus file readable");
        let outcome = std::panic::catch_unwind(|| check(target, &bytes));
        assert!(outcome.is_ok(), "{target}: invariant broken by {}", path.display());
    }
}

fn corpus_dir(target: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fuzz/corpus").join(target)
}

fn replay_corpus(target: &str) {
    let dir = corpus_dir(target);
    let paths = files(&dir);
    assert!(!paths.is_empty(), "{target}: fuzz corpus {} is missing or empty", dir.display());
    replay(target, &paths);
}

#[test]
fn record_corpus_replays() {
    replay_corpus("record");
}

#[test]
fn manifest_corpus_replays() {
    replay_corpus("manifest");
}

#[test]
fn dataset_corpus_replays() {
    replay_corpus("dataset");
}

#[test]
fn mask_corpus_replays() {
    replay_corpus("mask");
}

#[test]
fn regression_inputs_replay() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/regressions");
    for target in invariants::TARGETS {
        replay(target, &files(&root.join(target)));
    }
    // Every directory of regressions names a target (a misspelt one would be skipped silently).
    if let Ok(entries) = std::fs::read_dir(&root) {
        for e in entries {
            let name = e.expect("directory entry").file_name().to_string_lossy().into_owned();
            assert!(
                invariants::TARGETS.contains(&name.as_str()) || name.starts_with('.') || name == "README.md",
                "tests/regressions/{name} is not a fuzz target"
            );
        }
    }
}

#[test]
fn every_fuzz_target_has_a_binary() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fuzz/fuzz_targets");
    for target in invariants::TARGETS {
        let file = dir.join(format!("{target}.rs"));
        assert!(file.is_file(), "{} missing", file.display());
    }
}

/// The invariants themselves catch what they are about: a personal number in a report, and
/// nothing in one that only masks it.
#[test]
fn the_privacy_invariant_sees_a_personal_number() {
    let input = br#"{"id":"P-1","note":"11010519491231002X 138 1234 5678"}"#;
    let secrets = invariants::secrets(input);
    assert_eq!(secrets.len(), 2, "an ID number and a mobile number");
    for shown in ["id 11010519491231002X", "tel 13812345678", "tel 138\u{a0}1234\u{a0}5678"] {
        let caught = std::panic::catch_unwind(|| invariants::assert_no_secret(&secrets, shown, "test"));
        assert!(caught.is_err(), "not caught: {shown}");
    }
    invariants::assert_no_secret(&secrets, "id 1101**********002X tel 138****5678", "test");
    // A wrong check character is no ID number; 12 digits are no mobile number.
    assert!(invariants::secrets(b"110105194912310021 138123456789").is_empty());
}
