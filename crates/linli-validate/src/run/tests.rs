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

fn gzip(path: &Path, bytes: &[u8]) {
    use std::io::Write;
    let mut e = flate2::write::GzEncoder::new(std::fs::File::create(path).unwrap(), flate2::Compression::best());
    e.write_all(bytes).unwrap();
    e.finish().unwrap();
}

fn code_of(r: Result<Report, RunError>) -> Option<&'static str> {
    match r {
        Err(RunError::Input { code, .. }) => Some(code),
        _ => None,
    }
}

#[test]
fn a_gzip_file_is_read_under_the_limits_of_an_archive() {
    let dir = tempfile::tempdir().unwrap();
    let validator = Validator::new().unwrap();
    // 4 MiB of newlines in a few KiB: beyond 200:1 once 1 MiB is out.
    let bomb = dir.path().join("bomb.ndjson.gz");
    gzip(&bomb, &vec![b'\n'; 4 << 20]);
    assert!(std::fs::metadata(&bomb).unwrap().len() < 1 << 20);
    for threads in [1, 2] {
        let opts = Options { threads, ..Options::default() };
        assert_eq!(code_of(validate_paths(std::slice::from_ref(&bomb), &validator, &opts)), Some("archive-limit"));
    }
    // Under the ratio, but more bytes out than --max-archive-bytes allows.
    let mut text = String::new();
    for i in 0..200u32 {
        text.push_str(&format!("{{\"type\":\"Thing\",\"id\":\"t-{}\"}}\n", i.wrapping_mul(2_654_435_761)));
    }
    let plain = dir.path().join("things.ndjson.gz");
    gzip(&plain, text.as_bytes());
    let opts = Options { threads: 1, max_archive_bytes: 1000, ..Options::default() };
    assert_eq!(code_of(validate_paths(std::slice::from_ref(&plain), &validator, &opts)), Some("archive-limit"));
    let opts = Options { threads: 1, ..Options::default() };
    assert_eq!(code_of(validate_paths(std::slice::from_ref(&plain), &validator, &opts)), None);
    // In a dataset too: the run stops.
    let ds = dir.path().join("ds");
    std::fs::create_dir(&ds).unwrap();
    std::fs::copy(&bomb, ds.join("bomb.ndjson.gz")).unwrap();
    let opts = Options { threads: 1, dataset_checks: true, ..Options::default() };
    assert_eq!(code_of(validate_paths(std::slice::from_ref(&ds), &validator, &opts)), Some("archive-limit"));
}
