//! `linli validate` recognises its inputs by their bytes before it reads them (issue 14, part 4):
//! what it does not read stops the run with exit code 2, a stable code and a hint in the chosen
//! language; a dataset mailed as a zip is validated as the dataset.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

mod support;
use support::{root, run};

struct Tmp(PathBuf);

impl Tmp {
    fn new(name: &str) -> Self {
        let p = std::env::temp_dir().join(format!("linli-cli-inputs-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&p);
        std::fs::create_dir_all(&p).unwrap();
        Tmp(p)
    }
    fn file(&self, name: &str, bytes: &[u8]) -> String {
        let p = self.0.join(name);
        std::fs::write(&p, bytes).unwrap();
        p.display().to_string()
    }
}

impl Drop for Tmp {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn zip_dir(dir: &Path, out: &Path) {
    let mut w = zip::ZipWriter::new(std::fs::File::create(out).unwrap());
    let opts = zip::write::SimpleFileOptions::default();
    let mut names: Vec<_> = std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().path()).collect();
    names.sort();
    for p in names {
        w.start_file(p.file_name().unwrap().to_string_lossy(), opts).unwrap();
        w.write_all(&std::fs::read(&p).unwrap()).unwrap();
    }
    w.finish().unwrap();
}

#[test]
fn a_csv_register_exits_2_with_the_convert_hint_in_both_languages() {
    let t = Tmp::new("csv");
    let csv = t.file("人口登记表.csv", "姓名,身份证号\n示例,x\n".as_bytes());
    let (code, en) = run(&["--lang", "en", "validate", &csv]);
    assert_eq!(code, ExitCode::from(2));
    assert!(en.starts_with("error[input-csv]"), "{en}");
    assert!(en.contains("linli convert --from csv") && en.contains("--init-mapping"), "{en}");
    let (code, zh) = run(&["--lang", "zh", "validate", &csv]);
    assert_eq!(code, ExitCode::from(2));
    assert!(zh.contains("error[input-csv]") && zh.contains("台账请先转换"), "{zh}");
}

#[test]
fn other_kinds_exit_2_with_their_codes() {
    let t = Tmp::new("kinds");
    for (name, bytes, want) in [
        ("a.pdf", &b"%PDF-1.4\n"[..], "input-pdf"),
        ("a.xls", &b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1\0\0"[..], "input-excel"),
        ("a.xml", &b"<?xml version=\"1.0\"?><a/>"[..], "input-xml"),
    ] {
        let (code, out) = run(&["--lang", "en", "validate", &t.file(name, bytes)]);
        assert_eq!(code, ExitCode::from(2), "{name}");
        assert!(out.starts_with(&format!("error[{want}]")), "{name}: {out}");
    }
    let (code, out) = run(&["--lang", "en", "validate", &t.0.join("").display().to_string()]);
    // The folder holds only files that are not Linli records.
    assert_eq!(code, ExitCode::from(2));
    assert!(out.starts_with("error[input-no-data]"), "{out}");
    let empty = Tmp::new("empty-dir");
    let (code, out) = run(&["--lang", "zh", "validate", &empty.0.display().to_string()]);
    assert_eq!(code, ExitCode::from(2));
    assert!(out.starts_with("error[input-empty-folder]") && out.contains("manifest.json"), "{out}");
}

#[test]
fn a_file_name_holding_an_id_number_is_masked_in_the_error() {
    let t = Tmp::new("named");
    let csv = t.file("11010519491231002X.csv", b"a,b\n1,2\n");
    let (code, out) = run(&["--lang", "en", "validate", &csv]);
    assert_eq!(code, ExitCode::from(2));
    assert!(!out.contains("11010519491231002X"), "{out}");
}

#[test]
fn an_empty_file_fails() {
    let t = Tmp::new("empty");
    let (code, out) = run(&["--lang", "en", "validate", &t.file("in.ndjson", b"")]);
    assert_eq!(code, ExitCode::from(1), "{out}");
    assert!(out.contains("error[empty-input]"), "{out}");
}

#[test]
fn a_zipped_dataset_and_a_bare_manifest_validate_as_the_dataset() {
    let dir = root().join("examples/datasets/gusu-huqiu");
    let t = Tmp::new("zip");
    let zip = t.0.join("export.zip");
    zip_dir(&dir, &zip);
    let (code, out) = run(&["--lang", "en", "validate", "--format", "json", &zip.display().to_string()]);
    assert_eq!(code, ExitCode::SUCCESS, "{out}");
    assert!(out.contains("export.zip!/person.ndjson"), "{out:.2000}");
    let (code, out) = run(&["--lang", "en", "validate", &dir.join("manifest.json").display().to_string()]);
    assert_eq!(code, ExitCode::SUCCESS, "{out}");
    // Over a lowered limit: exit 2, and the flag is named.
    let (code, out) = run(&["--lang", "en", "validate", "--max-archive-bytes", "100", &zip.display().to_string()]);
    assert_eq!(code, ExitCode::from(2));
    assert!(out.starts_with("error[archive-limit]") && out.contains("--max-archive-bytes"), "{out}");
}

#[test]
fn the_report_is_never_written_over_an_input() {
    let t = Tmp::new("overwrite");
    let data = "{\"type\":\"Thing\"}\n";
    let input = t.file("export.ndjson", data.as_bytes());
    for format in ["text", "csv"] {
        let (code, out) = run(&["--lang", "en", "validate", "--format", format, "-o", &input, &input]);
        assert_eq!(code, ExitCode::from(2), "{out}");
        assert!(out.contains("-o names the input") && out.contains("export.ndjson"), "{out}");
        assert_eq!(std::fs::read_to_string(&input).unwrap(), data, "the input is untouched");
    }
    // The same file by another spelling.
    let other = t.0.join(".").join("export.ndjson").display().to_string();
    let (code, _) = run(&["--lang", "zh", "validate", "-o", &other, &input]);
    assert_eq!(code, ExitCode::from(2));
    assert_eq!(std::fs::read_to_string(&input).unwrap(), data);
}
