//! A hostile product against the judge: adapters that try to hang the runner, or to make it read
//! outside the folder it handed out, through what they leave in an `export` directory. The
//! adapters are small shell scripts (POSIX `sh`, `sed`, `mkfifo`, `ln`), written here.

#![cfg(unix)]
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::PathBuf;
use std::time::Duration;

use linli_conformance::runner::{Outcome, RunOptions, SUITE_VERSION, Summary, Target, run};

/// An adapter that claims `core`, accepts every record, echoes every round trip as `{}` (a
/// failure, which does not matter here) and, for an `export`, does what `$1` says to the
/// directory instead of writing a dataset.
fn script(dir: &std::path::Path) -> PathBuf {
    let path = dir.join("adapter.sh");
    let text = format!(
        r#"#!/bin/sh
mode="$1"
while IFS= read -r line; do
  op=$(printf '%s' "$line" | sed -n 's/^{{"op":"\([a-z-]*\)".*/\1/p')
  seq=$(printf '%s' "$line" | sed -n 's/^{{"op":"[a-z-]*","seq":\([0-9]*\).*/\1/p')
  case=$(printf '%s' "$line" | sed -n 's/^{{"op":"[a-z-]*","seq":[0-9]*,"case":"\([^"]*\)".*/\1/p')
  dir=$(printf '%s' "$line" | sed -n 's/.*"directory":"\([^"]*\)"}}$/\1/p')
  case "$op" in
    start) if [ "$mode" = orphan ]; then (while :; do sleep 0.2; done) >/dev/null 2>&1 & echo $! > "$0.orphan"; fi
      printf '{{"seq":%s,"product":{{"vendor":"v","name":"n","version":"1.0"}},"standard_versions":["{SUITE_VERSION}"],"classes":["core"]}}\n' "$seq" ;;
    stop) printf '{{"seq":%s}}\n' "$seq"; exit 0 ;;
    export)
      case "$mode" in
        fifo) mkfifo "$dir/zz.ndjson"; mkfifo "$dir/manifest.json" ;;
        links) ln -s / "$dir/root"; ln -s . "$dir/a"; ln -s . "$dir/b" ;;
        replace) rm -rf "$dir"; ln -s / "$dir" ;;
      esac
      printf '{{"seq":%s,"case":"%s"}}\n' "$seq" "$case" ;;
    roundtrip) [ "$mode" = slow ] && sleep 0.5; printf '{{"seq":%s,"case":"%s","record":{{}}}}\n' "$seq" "$case" ;;
    *) [ "$mode" = slow ] && sleep 0.5; printf '{{"seq":%s,"case":"%s","accepted":true}}\n' "$seq" "$case" ;;
  esac
done
"#
    );
    std::fs::write(&path, text).unwrap();
    path
}

/// Run the suite against the script in `mode`, in a thread: a judge that hangs fails the test
/// instead of the test run.
fn run_in(mode: &str) -> Summary {
    run_with(mode, Duration::from_secs(3600))
}

fn run_with(mode: &str, run_timeout: Duration) -> Summary {
    let dir = std::env::temp_dir().join(format!("linli-hostile-{}-{mode}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let target = Target::Adapter(vec!["sh".into(), script(&dir).display().to_string(), mode.into()]);
    let mut opts = RunOptions::new(linli_conformance::vector::suite_dir());
    opts.case_timeout = Duration::from_secs(20);
    opts.run_timeout = run_timeout;
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(run(&target, &opts, &mut |_| {}));
    });
    let summary = rx.recv_timeout(Duration::from_secs(240)).unwrap_or_else(|_| panic!("mode {mode}: the judge hangs"));
    if mode == "orphan" {
        // What the adapter started must not outlive the run: it could write into the export
        // directories of the next vendor's run.
        let pid = std::fs::read_to_string(dir.join("adapter.sh.orphan")).unwrap();
        // Running: `kill -0` succeeds and, where /proc tells, the process is no zombie waiting
        // for a parent to reap it. A kill takes a moment to land.
        let running = || {
            let exists = std::process::Command::new("kill").args(["-0", pid.trim()]).status().unwrap().success();
            let zombie = std::fs::read_to_string(format!("/proc/{}/stat", pid.trim()))
                .map(|st| st.rsplit_once(')').is_some_and(|(_, rest)| rest.trim_start().starts_with('Z')))
                .unwrap_or(false);
            exists && !zombie
        };
        let t0 = std::time::Instant::now();
        while running() && t0.elapsed() < Duration::from_secs(3) {
            std::thread::sleep(Duration::from_millis(100));
        }
        let alive = running();
        let _ = std::process::Command::new("kill").args(["-KILL", pid.trim()]).status();
        assert!(!alive, "the adapter's child {} outlived the run", pid.trim());
    }
    let _ = std::fs::remove_dir_all(&dir);
    summary
}

fn exports_fail_unread(s: &Summary, mode: &str) {
    assert!(s.run_errors.is_empty(), "{mode}: {:?}", s.run_errors);
    let exports: Vec<_> = s.cases.iter().filter(|c| c.op == "export").collect();
    assert!(!exports.is_empty());
    for c in exports {
        assert_eq!(c.outcome, Outcome::Fail, "{mode}: {} {}", c.id, c.detail_en);
        assert!(c.detail_en.contains("not a plain dataset folder"), "{mode}: {} {}", c.id, c.detail_en);
    }
}

#[test]
fn fifos_in_an_export_do_not_hang_the_judge() {
    exports_fail_unread(&run_in("fifo"), "fifo");
}

#[test]
fn links_in_an_export_are_not_followed() {
    exports_fail_unread(&run_in("links"), "links");
}

#[test]
fn an_export_directory_replaced_by_a_link_is_not_read() {
    exports_fail_unread(&run_in("replace"), "replace");
}

#[test]
fn an_adapter_that_answers_slowly_every_time_cannot_hold_the_judge_past_the_run_deadline() {
    // 180 outcomes at 0.5 s each would take 90 s; the run's deadline is 3 s.
    let t0 = std::time::Instant::now();
    let s = run_with("slow", Duration::from_secs(3));
    assert!(t0.elapsed() < Duration::from_secs(30), "took {:?}", t0.elapsed());
    assert_eq!(s.exit_code(), 2, "{:?}", s.run_errors);
    assert!(s.run_errors.iter().any(|e| e.en.contains("deadline") && e.code == "run-deadline"), "{:?}", s.run_errors);
    let late = s.cases.iter().filter(|c| c.detail_en.contains("passed its deadline")).count();
    assert!(late > 100, "{late} outcomes not run");
    assert!(s.cases.iter().all(|c| c.class.name() != "core" || c.outcome != Outcome::NotApplicable));
}

#[test]
fn children_of_the_adapter_do_not_outlive_the_run() {
    let s = run_in("orphan");
    assert!(s.run_errors.is_empty(), "{:?}", s.run_errors);
}
