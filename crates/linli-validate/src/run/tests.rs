//! The bound on what a file's workers hold ahead of the fold `[VAL-026]`, asserted by what the
//! flow control counted (no timing).

use super::*;

/// A file of `lines` records that draw findings each, about `bytes` long in all.
fn file_of_findings(dir: &Path, lines: usize) -> PathBuf {
    let path = dir.join("findings.ndjson");
    let line = format!("{{\"a\":\"{}\"}}\n", "x".repeat(100));
    std::fs::write(&path, line.repeat(lines)).unwrap();
    path
}

#[test]
fn the_workers_never_hold_more_than_the_cap_plus_one_segment_ahead_of_the_fold() {
    let dir = tempfile::tempdir().unwrap();
    // 4 chunks of 1 MiB, each record drawing a finding.
    let path = file_of_findings(dir.path(), 40_000);
    assert!(std::fs::metadata(&path).unwrap().len() > 3 * chunks::CHUNK_BYTES);
    let validator = Validator::new().unwrap();
    let cap = 1 << 20;
    let opts = Options { threads: 2, ..Options::default() };
    let (report, flow) = validate_bounded(std::slice::from_ref(&path), &validator, &opts, cap).unwrap();
    // Far more went through than the cap: the bound did the work.
    assert!(flow.total > 20 * cap, "{flow:?}");
    assert!(flow.segments > 4, "{flow:?}");
    assert!(flow.max_segment > 0 && flow.max_segment < cap, "{flow:?}");
    assert!(flow.peak <= cap + flow.max_segment, "{flow:?}");
    // And the report is that of one thread, which holds nothing ahead.
    let one = Options { threads: 1, ..Options::default() };
    let (alone, _) = validate_bounded(std::slice::from_ref(&path), &validator, &one, cap).unwrap();
    assert_eq!(report.records, 40_000);
    assert_eq!(report.records, alone.records);
    assert_eq!((report.errors, report.warnings), (alone.errors, alone.warnings));
    assert!(report.errors >= 40_000);
    assert_eq!(
        report.findings.iter().map(|f| (f.code.to_string(), f.line)).collect::<Vec<_>>(),
        alone.findings.iter().map(|f| (f.code.to_string(), f.line)).collect::<Vec<_>>()
    );
}
