//! Nothing is read outside a dataset directory `[DAT-014]`: each kind of file a manifest may
//! not name — a link to a file outside or inside, a link to a folder, a FIFO, a directory, `..`,
//! an absolute path — draws its finding and is never opened.

#![cfg(unix)]
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::os::unix::fs::symlink;
use std::path::{Path, PathBuf};

use linli_validate::{Options, Report, Validator, validate_paths};
use sha2::Digest;

const THING: &str = r#"{"type":"Thing","id":"T-1","meta":{"source":{"vendor":"V","product":"P"},"createdAt":"2024-05-01T09:00:00+08:00","updatedAt":"2024-05-01T09:00:00+08:00","version":1,"classification":"internal"},"kind":"device.camera"}"#;

struct Tmp(PathBuf);

impl Tmp {
    /// `root/ds/` holds a valid `thing.ndjson`; `root/outside.ndjson` and
    /// `root/elsewhere/thing.ndjson` lie outside it.
    fn new(name: &str) -> Self {
        let p = std::env::temp_dir().join(format!("linli-members-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&p);
        std::fs::create_dir_all(p.join("ds/sub")).unwrap();
        std::fs::create_dir_all(p.join("elsewhere")).unwrap();
        let line = format!("{THING}\n");
        std::fs::write(p.join("ds/thing.ndjson"), &line).unwrap();
        std::fs::write(p.join("outside.ndjson"), &line).unwrap();
        std::fs::write(p.join("elsewhere/thing.ndjson"), &line).unwrap();
        Tmp(p)
    }
    fn ds(&self) -> PathBuf {
        self.0.join("ds")
    }
    /// A manifest listing `thing.ndjson` and `path` (with the digest of a valid one-line file).
    fn manifest(&self, path: &str) {
        let sha = linli_validate::input::hex(&sha2::Sha256::digest(format!("{THING}\n").as_bytes()));
        let entry = |p: &str| format!(r#"{{"path":"{p}","recordType":"Thing","records":1,"sha256":"{sha}"}}"#);
        let m = format!(
            r#"{{"standardVersion":"0.1.0","producer":{{"vendor":"V","product":"P","productVersion":"1.0"}},"createdAt":"2024-05-01T09:00:00+08:00","sharingLevel":"internal","files":[{},{}]}}"#,
            entry("thing.ndjson"),
            entry(path)
        );
        std::fs::write(self.ds().join("manifest.json"), m).unwrap();
    }
}

impl Drop for Tmp {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Validate in a thread: a FIFO opened by the validator would block it for ever.
fn validate(dir: &Path) -> Report {
    let dir = dir.to_path_buf();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let v = Validator::new().unwrap();
        let opts = Options { threads: 1, ..Options::default() };
        let _ = tx.send(validate_paths(&[dir], &v, &opts).unwrap());
    });
    let r = rx.recv_timeout(std::time::Duration::from_secs(60)).expect("the validator hangs");
    for f in &r.findings {
        linli_validate::codes::check_documented(&f.code, f.requirement).unwrap();
    }
    r
}

fn mkfifo(path: &Path) {
    assert!(std::process::Command::new("mkfifo").arg(path).status().unwrap().success());
}

/// The findings at the manifest entry `/files/1/path`, and whether any record was read from
/// the file it names (the record of `thing.ndjson` is `T-1`; every other file holds `T-1` too,
/// so a second input summary would show it was read).
fn findings_for_second(r: &Report) -> Vec<String> {
    r.findings.iter().filter(|f| f.pointer == "/files/1/path").map(|f| f.code.to_string()).collect()
}

#[test]
fn each_kind_of_path_outside_a_regular_file_inside_is_refused() {
    type Make = dyn Fn(&Tmp);
    let cases: &[(&str, &str, &Make)] = &[
        ("link-out.ndjson", "manifest-path-symlink", &|t| {
            symlink(t.0.join("outside.ndjson"), t.ds().join("link-out.ndjson")).unwrap()
        }),
        ("link-in.ndjson", "manifest-path-symlink", &|t| {
            symlink(t.ds().join("thing.ndjson"), t.ds().join("link-in.ndjson")).unwrap()
        }),
        ("escape/thing.ndjson", "manifest-path-symlink", &|t| {
            symlink(t.0.join("elsewhere"), t.ds().join("escape")).unwrap()
        }),
        ("pipe.ndjson", "manifest-path-not-regular", &|t| mkfifo(&t.ds().join("pipe.ndjson"))),
        ("sub", "manifest-path-not-regular", &|_| {}),
        ("../outside.ndjson", "manifest-path-escapes", &|_| {}),
        ("/etc/passwd", "manifest-path-escapes", &|_| {}),
        ("none.ndjson", "manifest-file-missing", &|_| {}),
    ];
    for (path, code, make) in cases {
        let t = Tmp::new("kinds");
        make(&t);
        t.manifest(path);
        let r = validate(&t.ds());
        assert_eq!(findings_for_second(&r), vec![code.to_string()], "{path}: {:#?}", r.findings);
        // Only thing.ndjson was read.
        let read: Vec<&str> = r.inputs.iter().filter(|i| i.records > 0).map(|i| i.path.as_str()).collect();
        assert_eq!(read.len(), 1, "{path}: {read:?}");
        assert!(read[0].ends_with("ds/thing.ndjson"), "{path}: {read:?}");
        let f = r.findings.iter().find(|f| f.pointer == "/files/1/path").unwrap();
        assert!(f.message_en.contains(path) && f.message_zh.contains(path), "{f:?}");
    }
}

#[test]
fn a_manifest_that_is_a_link_or_a_fifo_is_not_read() {
    for kind in ["link", "fifo"] {
        let t = Tmp::new(kind);
        t.manifest("thing.ndjson");
        let m = t.ds().join("manifest.json");
        if kind == "link" {
            std::fs::rename(&m, t.0.join("outside-manifest.json")).unwrap();
            symlink(t.0.join("outside-manifest.json"), &m).unwrap();
        } else {
            std::fs::remove_file(&m).unwrap();
            mkfifo(&m);
        }
        let r = validate(&t.ds());
        let codes: Vec<&str> = r.findings.iter().map(|f| f.code.as_ref()).collect();
        let want = if kind == "link" { "manifest-path-symlink" } else { "manifest-path-not-regular" };
        assert!(codes.contains(&want), "{kind}: {codes:?}");
        assert!(r.findings.iter().any(|f| f.level == linli_model::check::Level::Error), "{kind}");
    }
}

#[test]
fn a_manifest_starting_with_a_bom_is_warned_about() {
    let t = Tmp::new("bom");
    t.manifest("thing.ndjson");
    let m = t.ds().join("manifest.json");
    let text = std::fs::read_to_string(&m).unwrap();
    // Only thing.ndjson, listed once.
    let text = text.replace(r#"},{"path":"thing.ndjson""#, r#"},{"path":"thing2.ndjson""#);
    std::fs::copy(t.ds().join("thing.ndjson"), t.ds().join("thing2.ndjson")).unwrap();
    std::fs::write(&m, format!("\u{feff}{text}")).unwrap();
    let r = validate(&t.ds());
    let bom: Vec<_> = r.findings.iter().filter(|f| f.code == "utf8-bom").collect();
    assert_eq!(bom.len(), 1, "{:#?}", r.findings);
    assert!(bom[0].file.as_deref().is_some_and(|f| f.ends_with("manifest.json")), "{:?}", bom[0]);
    assert_eq!(bom[0].level, linli_model::check::Level::Warning);
}

#[test]
fn a_manifest_giving_a_member_twice_is_invalid() {
    let t = Tmp::new("dup");
    t.manifest("thing.ndjson");
    let m = t.ds().join("manifest.json");
    let text = std::fs::read_to_string(&m).unwrap().replacen(
        r#""sharingLevel":"internal""#,
        r#""sharingLevel":"public","sharingLevel":"internal""#,
        1,
    );
    std::fs::write(&m, text).unwrap();
    let r = validate(&t.ds());
    let f = r.findings.iter().find(|f| f.code == "manifest-invalid").expect("a finding");
    assert!(f.message_en.contains("/sharingLevel"), "{f:?}");
}
