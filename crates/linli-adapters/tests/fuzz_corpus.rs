#![allow(clippy::unwrap_used, clippy::expect_used)]
//! Replays the committed fuzz corpus on stable Rust, as an ordinary test (issue 11, item 9):
//! every file of `fuzz/corpus/<target>/` (the minimised corpus of the cargo-fuzz target of that
//! name) and of `tests/regressions/<target>/` (minimised inputs that once broke a reader) is read
//! with the target's format and fixed options, and the invariants the fuzz targets assert are
//! checked (`tests/support/fuzz_invariants.rs`, shared with the targets; ADP-004 checked too
//! set, also [ADP-004]). A corpus directory that is missing or empty fails the test: the replay
//! must never pass by reading nothing.

#[path = "support/fuzz_invariants.rs"]
mod invariants;

use std::path::{Path, PathBuf};

fn files(dir: &Path) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir) else { return Vec::new() };
    let mut out: Vec<PathBuf> = entries
        .map(|e| e.expect("directory entry").path())
        .filter(|p| p.is_file() && !p.file_name().is_some_and(|n| n.to_string_lossy().starts_with('.')))
        .collect();
    out.sort();
    out
}

fn replay(target: &str, format: linli_adapters::convert::Format, paths: &[PathBuf]) {
    let opts = invariants::options(format);
    let adp004 = invariants::adp004_from_env();
    for path in paths {
        let bytes = std::fs::read(path).expect("corpus file readable");
        let outcome = std::panic::catch_unwind(|| invariants::check_valid(format, &bytes, &opts, adp004));
        assert!(outcome.is_ok(), "{target}: invariant broken by {}", path.display());
    }
}

#[test]
fn committed_fuzz_corpus_replays() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let corpus = root.join("../../fuzz/corpus");
    let mut total = 0;
    for &(target, format) in invariants::TARGETS {
        let dir = corpus.join(target);
        let paths = files(&dir);
        assert!(!paths.is_empty(), "{target}: fuzz corpus {} is missing or empty", dir.display());
        replay(target, format, &paths);
        total += paths.len();
    }
    assert!(total > 0);
}

#[test]
fn regression_inputs_replay() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/regressions");
    for &(target, format) in invariants::TARGETS {
        replay(target, format, &files(&root.join(target)));
    }
    // Every directory of regressions names a target (a misspelt one would be skipped silently).
    if let Ok(entries) = std::fs::read_dir(&root) {
        for e in entries {
            let name = e.expect("directory entry").file_name().to_string_lossy().into_owned();
            assert!(
                invariants::TARGETS.iter().any(|(t, _)| *t == name) || name.starts_with('.') || name == "README.md",
                "tests/regressions/{name} is not a fuzz target"
            );
        }
    }
}

#[test]
fn every_fuzz_target_has_a_binary() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fuzz/fuzz_targets");
    for (target, _) in invariants::TARGETS {
        let file = dir.join(format!("{target}.rs"));
        assert!(file.is_file(), "{} missing", file.display());
    }
}
