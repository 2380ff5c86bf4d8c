//! What must hold for ANY input to the record reader, the manifest reader, the dataset reader and
//! the masker (issue 13, item 9), shared by the cargo-fuzz targets `record`, `manifest`, `dataset`
//! and `mask` (`fuzz/fuzz_targets/*.rs`) and the replay test on stable Rust
//! (`tests/fuzz_corpus.rs`), both of which include this file with `#[path]`.
//!
//! The invariants are about robustness and privacy, never about which findings a record gets
//! (the checks change; these must not):
//! * nothing panics; a hang is caught by the fuzzer's `-timeout`;
//! * every finding has a code documented with the requirement it cites
//!   ([`linli_validate::codes::check_documented`]) and a message in both languages;
//! * a record the validator calls valid serialises and re-reads ([`Record::from_json_str`]) to an
//!   equal record that the validator calls valid again; so does any record the typed reader reads;
//! * a manifest that reads serialises and re-reads to an equal manifest;
//! * no report of the validator (every format) and no error of the masker prints a personal
//!   number of the input `[PRI-004]`, `[PRI-011]`: a digit run (see [`secrets`]) of 17 digits and a
//!   check character that passes the ID-number check, or an 11-digit mainland mobile number;
//! * masking at each built-in level leaves no value that the level's profile would have changed
//!   (`leak::raw_values` reports nothing, `[SHR-050]`), or `mask` refuses with an error and leaves
//!   no output.

#![allow(dead_code, unreachable_pub, clippy::unwrap_used, clippy::expect_used)]

use std::io::Cursor;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use linli_model::Record;
use linli_model::check::{id_number, phone};
use linli_model::datetime::Timestamp;
use linli_model::manifest::{MANIFEST_FILE, Manifest};
use linli_privacy::mask::Counts;
use linli_privacy::{Key, Masker, Profile};
use linli_validate::report::{Lang, Report, render_html, render_junit, render_text};
use linli_validate::{Finding, Validator};

/// Every fuzz target of this file: its name (directory under `fuzz/corpus/`, binary under
/// `fuzz/fuzz_targets/`).
pub const TARGETS: &[&str] = &["record", "manifest", "dataset", "mask"];

/// The byte that splits a `dataset` input into the manifest and data files (never in UTF-8 text).
pub const SEPARATOR: u8 = 0xff;

/// Data files of a `dataset` input at most.
pub const MAX_FILES: usize = 4;

/// Records of one input that the `record` and `mask` targets check one by one, at most (the rest
/// is still read).
pub const MAX_RECORDS: usize = 32;

/// The fixed time of a masking run (the `createdAt` it writes; ages are judged on its date).
pub const RUN_AT: &str = "2024-05-22T09:00:00+08:00";

/// The built-in profiles, one per sharing level.
pub const LEVELS: &[&str] = &["internal", "inter-department", "public"];

/// The fixed pseudonymisation key of the `mask` target.
pub const KEY: &[u8] = b"linli fuzz key, not a secret";

/// Everything an input is checked with, built once (the schemas take a while to compile).
pub struct Fixture {
    /// The validator.
    pub validator: Validator,
    /// The built-in profiles of [`LEVELS`].
    pub profiles: Vec<Profile>,
    /// The key.
    pub key: Key,
    /// [`RUN_AT`].
    pub run_at: Timestamp,
}

impl Fixture {
    /// Build it.
    pub fn new() -> Fixture {
        Fixture {
            validator: Validator::new().expect("embedded schemas compile"),
            profiles: LEVELS.iter().map(|n| Profile::built_in(n).expect("built-in profile")).collect(),
            key: Key::new(KEY, "fuzz").expect("fixed key"),
            run_at: Timestamp::parse(RUN_AT).expect("fixed timestamp"),
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Personal numbers

/// The ASCII digit of an ASCII or full-width digit.
fn digit(c: char) -> Option<char> {
    match c {
        '0'..='9' => Some(c),
        '\u{ff10}'..='\u{ff19}' => char::from_u32(u32::from(c) - 0xff10 + u32::from(b'0')),
        _ => None,
    }
}

/// The characters of `s` with every run of 32 or more hexadecimal digits (a SHA-256 digest, a
/// token, a household pseudonym: what a report prints of files and what masking writes) made one
/// `#`: the digits of a digest are no personal number.
fn without_digests(s: &str) -> Vec<char> {
    let chars: Vec<char> = s.chars().collect();
    let mut out = Vec::with_capacity(chars.len());
    let mut i = 0;
    while i < chars.len() {
        let n = chars[i..].iter().take_while(|c| c.is_ascii_hexdigit()).count();
        if n >= 32 {
            out.push('#');
            i += n;
        } else if n > 0 {
            out.extend_from_slice(&chars[i..i + n]);
            i += n;
        } else {
            out.push(chars[i]);
            i += 1;
        }
    }
    out
}

/// The digit runs of `s` (digests left out, [`without_digests`]), each as its ASCII digits (and
/// a final `X`): once with separators between digits allowed
/// (`linli_model::redact::is_number_separator`, as the redaction reads them) and once without.
fn digit_runs(s: &str) -> Vec<String> {
    let chars = without_digests(s);
    let mut out = Vec::new();
    for joined in [true, false] {
        let mut i = 0;
        while i < chars.len() {
            if digit(chars[i]).is_none() {
                i += 1;
                continue;
            }
            let mut run = String::new();
            let mut j = i;
            while j < chars.len() {
                if let Some(d) = digit(chars[j]) {
                    run.push(d);
                    j += 1;
                } else if joined
                    && linli_model::redact::is_number_separator(chars[j])
                    && chars.get(j + 1).and_then(|c| digit(*c)).is_some()
                {
                    j += 1;
                } else {
                    break;
                }
            }
            if run.len() == 17 && matches!(chars.get(j), Some('X' | 'x' | '\u{ff38}' | '\u{ff58}')) {
                run.push('X');
                j += 1;
            }
            out.push(run);
            i = j;
        }
    }
    out
}

/// Whether a digit run is a personal number: 17 digits and the right check character, or a
/// mainland mobile number (the project's own checks).
fn personal(run: &str) -> bool {
    (run.len() == 18 && id_number::check_character(&run[..17]).is_some_and(|c| run.ends_with(c)))
        || (run.len() == 11 && phone::classify(run) == Some(phone::PhoneShape::Mobile))
}

/// The personal numbers of an input (read as UTF-8, invalid bytes replaced).
pub fn secrets(input: &[u8]) -> Vec<String> {
    let mut out: Vec<String> =
        digit_runs(&String::from_utf8_lossy(input)).into_iter().filter(|r| personal(r)).collect();
    out.sort();
    out.dedup();
    out
}

/// Panics when `text` (something a tool prints) shows one of `secrets`; `what` says where, and
/// the message never shows the number itself.
pub fn assert_no_secret(secrets: &[String], text: &str, what: &str) {
    if secrets.is_empty() {
        return;
    }
    for run in digit_runs(text) {
        if secrets.contains(&run) {
            panic!("{what} shows a personal number of the input ({} digits) [PRI-004]", run.len());
        }
    }
}

/// Panics unless `f` (as a report prints it) has a documented code, messages in both languages
/// and shows no personal number of the input.
pub fn check_finding(f: &Finding, secrets: &[String]) {
    if let Err(e) = linli_validate::codes::check_documented(&f.code, f.requirement) {
        panic!("finding: {e}");
    }
    assert!(!f.message_zh.is_empty() && !f.message_en.is_empty(), "finding `{}` without a message", f.code);
    let shown = f.clone().redacted();
    let what = format!("finding `{}`", f.code);
    for s in [&shown.pointer, &shown.message_zh, &shown.message_en]
        .into_iter()
        .chain([shown.file.as_ref(), shown.record_id.as_ref(), shown.value.as_ref()].into_iter().flatten())
    {
        assert_no_secret(secrets, s, &what);
    }
}

// ---------------------------------------------------------------------------------------------
// record

/// A record serialises and re-reads to an equal record.
fn round_trip(record: &Record, what: &str) -> String {
    let json = serde_json::to_string(record).unwrap_or_else(|e| panic!("{what}: record does not serialise: {e}"));
    match Record::from_json_str(&json) {
        Ok(back) => assert!(&back == record, "{what}: record re-reads to a different value"),
        Err(e) => panic!("{what}: record does not re-read: {}", linli_model::redact::redact(&e.to_string())),
    }
    json
}

/// One record's text: the typed reader and the validator.
fn check_text(fx: &Fixture, text: &str, secrets: &[String]) {
    if let Ok(record) = Record::from_json_str(text) {
        round_trip(&record, "typed reader");
    }
    let out = fx.validator.validate_str(text);
    for f in &out.findings {
        check_finding(f, secrets);
    }
    if out.is_valid() {
        let record = out.record.as_ref().expect("a record the validator calls valid was read");
        let json = round_trip(record, "valid record");
        let again = fx.validator.validate_str(&json);
        let errors: Vec<_> = again
            .findings
            .iter()
            .filter(|f| f.level == linli_model::check::Level::Error)
            .map(|f| (f.code.clone(), linli_model::redact::redact(&f.pointer).into_owned()))
            .collect();
        assert!(errors.is_empty(), "a valid record serialised is no longer valid: {errors:?}");
    }
}

/// Target `record`: the NDJSON reader of `linli validate` and the validator on every line, and
/// the whole input as one JSON text when it is UTF-8.
pub fn check_record(fx: &Fixture, bytes: &[u8]) {
    let secrets = secrets(bytes);
    let mut texts = Vec::new();
    let mut found = Vec::new();
    linli_validate::input::read_ndjson(Cursor::new(bytes), 1 << 16, &mut |item| match item {
        linli_validate::input::Item::Record(r) => texts.push(r.text),
        linli_validate::input::Item::Finding(f) => found.push(f),
    })
    .expect("reading from memory does not fail");
    for f in &found {
        check_finding(f, &secrets);
    }
    for text in texts.iter().take(MAX_RECORDS) {
        check_text(fx, text, &secrets);
    }
    if let Ok(text) = std::str::from_utf8(bytes) {
        if texts.len() != 1 || texts[0] != text {
            check_text(fx, text, &secrets);
        }
    }
}

// ---------------------------------------------------------------------------------------------
// manifest

/// Target `manifest`: the manifest reader (as `linli validate` and `linli mask` read
/// `manifest.json`) gives a manifest or an error, and a manifest read re-reads equal.
pub fn check_manifest(bytes: &[u8]) {
    let Ok(text) = std::str::from_utf8(bytes) else { return };
    let text = text.trim_start_matches('\u{feff}');
    let _ = linli_model::json::check_text(text);
    match serde_json::from_str::<Manifest>(text) {
        Ok(m) => {
            let json = serde_json::to_string(&m).expect("a manifest serialises");
            let back: Manifest = serde_json::from_str(&json).expect("a manifest re-reads");
            assert!(back == m, "a manifest re-reads to a different value");
            for f in &m.files {
                let _ = linli_model::manifest::check_path(&f.path);
            }
        }
        Err(e) => {
            assert!(!e.to_string().is_empty(), "an error without a message");
        }
    }
}

// ---------------------------------------------------------------------------------------------
// dataset and mask: temporary directories

/// A fresh directory under the system's temporary directory, removed when dropped.
pub struct TempDir(PathBuf);

impl TempDir {
    /// A new empty directory.
    pub fn new(what: &str) -> TempDir {
        static N: AtomicU64 = AtomicU64::new(0);
        let n = N.fetch_add(1, Ordering::Relaxed);
        let dir = std::env::temp_dir().join(format!("linli-fuzz-{what}-{}-{n}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("temporary directory");
        TempDir(dir)
    }

    /// Its path.
    pub fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// The paths the manifest text lists (when it reads as JSON and the paths are safe to write),
/// else `data-<i>.ndjson`.
fn listed_paths(manifest: &[u8], n: usize) -> Vec<String> {
    let listed: Vec<String> = serde_json::from_slice::<serde_json::Value>(manifest)
        .ok()
        .and_then(|v| v.get("files").and_then(|f| f.as_array()).cloned())
        .into_iter()
        .flatten()
        .filter_map(|f| f.get("path").and_then(|p| p.as_str()).map(str::to_owned))
        .filter(|p| linli_model::manifest::check_path(p).is_ok() && p != MANIFEST_FILE && p.len() < 100)
        .collect();
    let mut out: Vec<String> = Vec::new();
    for i in 0..n {
        let name = listed.get(i).cloned().unwrap_or_else(|| format!("data-{i}.ndjson"));
        // A path that is a prefix directory of another, or listed twice, gets its own name.
        let clash =
            out.iter().any(|o| *o == name || o.starts_with(&format!("{name}/")) || name.starts_with(&format!("{o}/")));
        out.push(if clash { format!("data-{i}.ndjson") } else { name });
    }
    out
}

/// Target `dataset`: the input is a manifest and up to [`MAX_FILES`] data files separated by
/// [`SEPARATOR`]; the files get the manifest's paths in order. `linli validate`'s dataset
/// reader (`validate_paths` on the directory) gives a report whose findings are documented and
/// none of whose renderings shows a personal number of the input.
pub fn check_dataset(fx: &Fixture, bytes: &[u8]) {
    let secrets = secrets(bytes);
    let mut parts = bytes.split(|b| *b == SEPARATOR);
    let manifest = parts.next().unwrap_or_default();
    let data: Vec<&[u8]> = parts.take(MAX_FILES).collect();
    let dir = TempDir::new("dataset");
    std::fs::write(dir.path().join(MANIFEST_FILE), manifest).expect("write manifest");
    for (name, d) in listed_paths(manifest, data.len()).iter().zip(&data) {
        let p = dir.path().join(name);
        if let Some(parent) = p.parent() {
            std::fs::create_dir_all(parent).expect("create folder");
        }
        std::fs::write(&p, d).expect("write data file");
    }
    let opts = linli_validate::Options { threads: 1, max_line_bytes: 1 << 16, ..Default::default() };
    let report = linli_validate::validate_paths(&[dir.path().to_path_buf()], &fx.validator, &opts)
        .expect("an existing dataset directory is validated");
    check_report(&report, &secrets);
}

/// Every finding of a report is documented, and no rendering shows a personal number.
pub fn check_report(report: &Report, secrets: &[String]) {
    for f in &report.findings {
        check_finding(f, secrets);
    }
    let json = report.to_json().unwrap();
    serde_json::from_str::<serde_json::Value>(&json).expect("the JSON report is JSON");
    assert_no_secret(secrets, &json, "JSON report");
    for lang in [Lang::Zh, Lang::En] {
        assert_no_secret(secrets, &render_text(report, lang, false), "text report");
        assert_no_secret(secrets, &render_junit(report, lang), "JUnit report");
        assert_no_secret(secrets, &render_html(report, lang), "HTML report");
    }
}

// ---------------------------------------------------------------------------------------------
// mask

/// Target `mask`: every line that reads as a record is masked at each built-in level (the
/// `Masker`), and the whole input as the one data file of a dataset (`mask_path`).
pub fn check_mask(fx: &Fixture, bytes: &[u8]) {
    let secrets = secrets(bytes);
    let today = fx.run_at.local_date();
    let mut first_type = None;
    for line in bytes.split(|b| *b == b'\n').take(MAX_RECORDS) {
        let Ok(text) = std::str::from_utf8(line) else { continue };
        // `mask` refuses what does not read as a Linli record.
        if Record::from_json_str(text).is_err() {
            continue;
        }
        let value: serde_json::Value = serde_json::from_str(text).expect("a record is JSON");
        for (name, profile) in LEVELS.iter().zip(&fx.profiles) {
            let masker = Masker::new(profile, Some(&fx.key)).expect("masker").with_today(today);
            let mut v = value.clone();
            let ty = masker.mask_value(&mut v, &mut Counts::default()).expect("a record has a known type");
            first_type.get_or_insert(ty);
            let masked = match Record::from_value(v) {
                Ok(m) => m,
                Err(e) => {
                    panic!("{name}: a masked record does not read: {}", linli_model::redact::redact(&e.to_string()))
                }
            };
            let leaks: Vec<_> = linli_privacy::leak::raw_values(&masked, profile, today)
                .into_iter()
                .map(|l| (l.code, linli_model::redact::redact(&l.pointer).into_owned()))
                .collect();
            assert!(leaks.is_empty(), "{name}: masked record keeps raw values [SHR-050]: {leaks:?}");
        }
    }
    // The whole input as the one file of a dataset.
    let ty = first_type.unwrap_or(linli_model::RecordType::Person);
    for (name, profile) in LEVELS.iter().zip(&fx.profiles) {
        mask_dataset(fx, bytes, ty, name, profile, &secrets);
    }
}

fn mask_dataset(
    fx: &Fixture,
    bytes: &[u8],
    ty: linli_model::RecordType,
    name: &str,
    profile: &Profile,
    secrets: &[String],
) {
    let dir = TempDir::new("mask");
    let input = dir.path().join("in");
    std::fs::create_dir(&input).expect("input folder");
    let manifest = serde_json::json!({
        "standardVersion": linli_model::schema::STANDARD_VERSION,
        "producer": {"vendor": "Fuzz", "product": "Fuzz", "productVersion": "1.0.0"},
        "createdAt": RUN_AT,
        "sharingLevel": "internal",
        "files": [{"path": "data.ndjson", "recordType": ty, "records": 1, "sha256": "0".repeat(64)}],
    });
    std::fs::write(input.join(MANIFEST_FILE), manifest.to_string()).expect("write manifest");
    std::fs::write(input.join("data.ndjson"), bytes).expect("write data");
    let output = dir.path().join("out");
    let tool = linli_model::text::Text::new("linli fuzz").expect("tool name");
    let opts = linli_privacy::Options { profile, key: Some(&fx.key), created_at: Some(fx.run_at), tool, threads: 0 };
    match linli_privacy::mask_path(&input, &output, &opts) {
        Err(e) => {
            assert!(!e.code().is_empty(), "{name}: error without a code");
            for zh in [true, false] {
                let m = e.message(zh);
                assert!(!m.is_empty(), "{name}: error without a message");
                assert_no_secret(secrets, &m, &format!("{name}: mask error `{}`", e.code()));
            }
            assert!(!output.exists(), "{name}: mask refused but left its output");
        }
        Ok(_) => {
            let text = std::fs::read_to_string(output.join(MANIFEST_FILE)).expect("mask wrote a manifest");
            let m: Manifest = serde_json::from_str(&text).expect("the manifest mask wrote reads");
            assert!(m.sharing_level == profile.sharing_level, "{name}: manifest declares another level");
            let today = fx.run_at.local_date();
            for f in &m.files {
                let data = std::fs::read_to_string(output.join(&f.path)).expect("mask wrote the data file");
                for line in data.lines().filter(|l| !l.trim().is_empty()) {
                    let record = match Record::from_json_str(line) {
                        Ok(r) => r,
                        Err(e) => panic!(
                            "{name}: a masked record does not read: {}",
                            linli_model::redact::redact(&e.to_string())
                        ),
                    };
                    let leaks: Vec<_> = linli_privacy::leak::raw_values(&record, profile, today)
                        .into_iter()
                        .map(|l| (l.code, linli_model::redact::redact(&l.pointer).into_owned()))
                        .collect();
                    assert!(leaks.is_empty(), "{name}: masked dataset keeps raw values [SHR-050]: {leaks:?}");
                }
            }
        }
    }
}
