//! The judge's own test, driven as data: every runner case of `conformance/runner/` runs a known
//! variant of the reference adapter through the suite, and the runner must reach exactly the
//! verdicts the case states (spec 30, [CNF-021]).

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};
use std::time::Duration;

use linli_conformance::runner::{Outcome, RunOptions, Summary, Target, run};
use linli_conformance::vector::{RunnerCase, runner_cases, suite_dir};

fn outcome_name(o: Outcome) -> String {
    serde_json::to_value(o).unwrap().as_str().unwrap().to_owned()
}

/// Copy a folder, keeping symbolic links as links.
fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap().flatten() {
        let (src, dst) = (e.path(), to.join(e.file_name()));
        let meta = std::fs::symlink_metadata(&src).unwrap();
        if meta.file_type().is_symlink() {
            std::os::unix::fs::symlink(std::fs::read_link(&src).unwrap(), &dst).unwrap();
        } else if meta.is_dir() {
            copy_dir(&src, &dst);
        } else {
            std::fs::copy(&src, &dst).unwrap();
        }
    }
}

/// The suite the case runs on: the repository's, or a patched copy (beside a copy of `schemas/`
/// and `spec/`, which the runner reads too).
fn suite_for(k: &RunnerCase) -> (PathBuf, Option<PathBuf>) {
    if k.suite_patch.is_empty() {
        return (suite_dir(), None);
    }
    let root = std::env::temp_dir().join(format!("linli-runner-case-{}-{}", k.id, std::process::id()));
    let _ = std::fs::remove_dir_all(&root);
    for dir in ["conformance", "schemas", "spec"] {
        copy_dir(&suite_dir().join("..").join(dir), &root.join(dir));
    }
    for p in &k.suite_patch {
        let file = root.join("conformance").join(&p.file);
        let mut doc: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
        let (parent, last) = p.pointer.rsplit_once('/').unwrap();
        let obj = doc.pointer_mut(parent).unwrap().as_object_mut().unwrap();
        match &p.value {
            Some(v) => obj.insert(last.to_owned(), v.clone()),
            None => obj.remove(last),
        };
        std::fs::write(&file, serde_json::to_string_pretty(&doc).unwrap()).unwrap();
    }
    (root.join("conformance"), Some(root))
}

fn run_case(k: &RunnerCase) -> Summary {
    let mut cmd = vec![env!("CARGO_BIN_EXE_linli-reference-adapter").to_owned()];
    cmd.extend(k.adapter.iter().cloned());
    let (suite, tmp) = suite_for(k);
    let mut opts = RunOptions::new(suite);
    opts.seed = k.seed;
    if let Some(ms) = k.timeout_ms {
        opts.case_timeout = Duration::from_millis(ms);
    }
    if let Some(n) = k.max_restarts {
        opts.max_restarts = n;
    }
    let summary = run(&Target::Adapter(cmd), &opts, &mut |_| {});
    if let Some(tmp) = tmp {
        let _ = std::fs::remove_dir_all(tmp);
    }
    summary
}

/// Every way the summary differs from what the case expects.
fn check(k: &RunnerCase, s: &Summary) -> Vec<String> {
    let mut out = Vec::new();
    let e = &k.expected;
    if s.exit_code() != e.exit_code {
        out.push(format!("exit code {}, expected {} (run errors {:?})", s.exit_code(), e.exit_code, s.run_errors));
    }
    if s.seed != k.seed {
        out.push(format!("the report gives seed {}, the run had {}", s.seed, k.seed));
    }
    for (class, want) in &e.classes {
        match s.classes.iter().find(|c| c.class.name() == class) {
            Some(c) if c.verdict == want => {}
            Some(c) => out.push(format!("class {class}: {}, expected {want}", c.verdict)),
            None => out.push(format!("class {class} not in the summary")),
        }
    }
    for (id, want) in &e.outcomes {
        match s.cases.iter().find(|c| &c.id == id) {
            Some(c) if &outcome_name(c.outcome) == want => {}
            Some(c) => out.push(format!("{id}: {}, expected {want}: {}", outcome_name(c.outcome), c.detail_en)),
            None => out.push(format!("{id}: no such outcome in the run")),
        }
    }
    for c in s.cases.iter().filter(|c| c.outcome != Outcome::NotApplicable && !e.outcomes.contains_key(&c.id)) {
        let want = e.ops.get(c.op).or(e.others.as_ref());
        if let Some(want) = want {
            if &outcome_name(c.outcome) != want {
                out.push(format!("{}: {}, expected {want}: {}", c.id, outcome_name(c.outcome), c.detail_en));
            }
        }
    }
    for op in e.ops.keys() {
        if !s.cases.iter().any(|c| c.op == op && c.outcome != Outcome::NotApplicable) {
            out.push(format!("no outcome of operation {op} ran"));
        }
    }
    if e.run_errors.is_empty() && !s.run_errors.is_empty() {
        out.push(format!("unexpected run errors {:?}", s.run_errors));
    }
    for want in &e.run_errors {
        if !s.run_errors.iter().any(|r| r.en.contains(want.as_str()) && r.zh.contains(want.as_str())) {
            out.push(format!("no run error cites {want}: {:?}", s.run_errors));
        }
    }
    out
}

#[test]
fn every_runner_case_gets_its_verdicts() {
    let cases: Vec<RunnerCase> = runner_cases(&suite_dir()).unwrap().into_iter().map(|(_, k)| k).collect();
    assert!(cases.len() >= 20, "{} runner cases", cases.len());
    // Two at a time: each run is one adapter process.
    let problems: Vec<String> = std::thread::scope(|scope| {
        let halves: Vec<Vec<&RunnerCase>> =
            vec![cases.iter().step_by(2).collect(), cases.iter().skip(1).step_by(2).collect()];
        let handles: Vec<_> = halves
            .into_iter()
            .map(|half| {
                scope.spawn(move || {
                    half.into_iter()
                        .flat_map(|k| check(k, &run_case(k)).into_iter().map(move |p| format!("{}: {p}", k.id)))
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        handles.into_iter().flat_map(|h| h.join().unwrap()).collect()
    });
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn a_runner_case_can_fail() {
    // The checker is not vacuous: the reference adapter does not give the verdicts of a faulty one.
    let cases: Vec<RunnerCase> = runner_cases(&suite_dir()).unwrap().into_iter().map(|(_, k)| k).collect();
    let utc = cases.iter().find(|k| k.adapter.iter().any(|a| a == "utc")).unwrap().clone();
    let mut lying = cases.iter().find(|k| k.adapter.iter().any(|a| a == "float-int")).unwrap().clone();
    lying.adapter = utc.adapter.clone();
    let problems = check(&lying, &run_case(&lying));
    assert!(problems.iter().any(|p| p.contains("exit code 0, expected 1")), "{problems:?}");
    assert!(problems.iter().any(|p| p.contains("/roundtrip: pass, expected fail")), "{problems:?}");
}
