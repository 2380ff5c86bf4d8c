//! The second reference adapter, written in Python from the specification alone
//! (`examples/python-adapter/`), passes every class it claims, and claims at least the classes
//! it is known to pass. CI has `python3`; without it this test fails, it is not skipped.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::PathBuf;
use std::process::Command;
use std::time::Duration;

use linli_conformance::runner::{Outcome, RunOptions, Summary, Target, run};
use linli_conformance::vector::suite_dir;

/// Classes the Python adapter passes today; it must keep claiming (and passing) them.
const MUST_CLAIM: &[&str] = &["core", "people", "places", "things", "events", "cases", "privacy"];

fn python() -> String {
    let python = std::env::var("PYTHON").unwrap_or_else(|_| "python3".to_owned());
    let out = Command::new(&python).arg("--version").output();
    match out {
        Ok(o) if o.status.success() => python,
        _ => {
            panic!("`{python} --version` failed: the Python adapter test needs Python 3.11 (set PYTHON to choose one)")
        }
    }
}

fn adapter_path() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../examples/python-adapter/adapter.py")
}

fn run_python_adapter() -> Summary {
    // `-B`: no bytecode files written into the source tree.
    let cmd = vec![python(), "-B".to_owned(), adapter_path().display().to_string()];
    let mut opts = RunOptions::new(suite_dir());
    opts.case_timeout = Duration::from_secs(20);
    opts.max_restarts = 0;
    opts.seed = 11;
    run(&Target::Adapter(cmd), &opts, &mut |_| {})
}

#[test]
fn the_python_adapter_passes_every_class_it_claims() {
    assert!(adapter_path().is_file(), "{} is missing", adapter_path().display());
    let s = run_python_adapter();
    assert!(s.run_errors.is_empty(), "the run could not proceed: {:?}", s.run_errors);
    assert_eq!(s.product.as_ref().map(|p| p.name.as_str()), Some("linli-python-adapter"));

    let claimed: Vec<&str> = s.classes.iter().filter(|c| c.claimed).map(|c| c.class.name()).collect();
    for class in MUST_CLAIM {
        assert!(claimed.contains(class), "the Python adapter no longer claims `{class}` (claims {claimed:?})");
    }

    let bad: Vec<String> = s
        .cases
        .iter()
        .filter(|c| claimed.contains(&c.class.name()) && c.outcome != Outcome::Pass)
        .map(|c| format!("{} {} [{}] {:?}: {}", c.case, c.op, c.class.name(), c.outcome, c.detail_en))
        .collect();
    assert!(bad.is_empty(), "{} cases of claimed classes did not pass:\n{}", bad.len(), bad.join("\n"));

    for c in s.classes.iter().filter(|c| c.claimed) {
        assert_eq!(c.verdict, "pass", "class {}: {:?}", c.class.name(), c.counts);
        let passed = c.counts.get("pass").copied().unwrap_or(0);
        assert!(passed > 0, "class {} claimed but no case ran: {:?}", c.class.name(), c.counts);
    }
    // Cases of unclaimed classes are not applicable, never judged.
    assert!(s.cases.iter().filter(|c| !claimed.contains(&c.class.name())).all(|c| c.outcome == Outcome::NotApplicable));
    // Every operation of the claimed classes ran.
    for op in ["validate", "roundtrip", "export", "share-inter-department", "share-public"] {
        assert!(s.cases.iter().any(|c| c.op == op && c.outcome == Outcome::Pass), "no `{op}` case passed");
    }
    assert_eq!(s.exit_code(), 0);
}

#[test]
fn the_python_adapter_reproduces_the_worked_examples_of_the_spec() {
    let tests = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../examples/python-adapter/tests");
    let out = Command::new(python())
        .args(["-B", "-m", "unittest", "discover", "-s"])
        .arg(&tests)
        .output()
        .expect("run python3 -m unittest");
    let log = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "the Python adapter's known-answer tests failed:\n{log}");
    assert!(log.contains("OK"), "{log}");
}
