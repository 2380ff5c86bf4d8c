//! `linli convert`: the summary says how many records were read, written and left out because
//! the target format cannot hold them [ADP-077]; a dataset read is what its manifest says
//! [DAT-013] [DAT-014]; what is written is its owner's only.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use support::{root, run};

fn example() -> PathBuf {
    root().join("examples/datasets/gusu-huqiu")
}

fn tmp(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("linli-cli-convert-counts-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn s(p: &Path) -> String {
    p.display().to_string()
}

/// How to count the records a written document holds.
type Count = fn(&serde_json::Value) -> usize;

#[test]
fn the_summary_says_how_many_records_were_read_written_and_left_out() {
    let dir = tmp("summary");
    // (format, records the output holds, how to count them in the output)
    let cases: [(&str, usize, Count); 3] = [
        ("open311", 6, |v| v.as_array().unwrap().len()),
        ("geojson", 28, |v| v["features"].as_array().unwrap().len()),
        ("cloudevents", 30, |v| v.as_array().unwrap().len()),
    ];
    for (to, held, count) in cases {
        let o = dir.join(format!("out.{to}"));
        let (code, text) =
            run(&["--lang", "en", "convert", "--from", "linli", "--to", to, &s(&example()), "-o", &s(&o)]);
        assert_eq!(code, ExitCode::SUCCESS, "{text}");
        let v: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&o).unwrap()).unwrap();
        assert_eq!(count(&v), held, "{to}");
        assert!(text.contains(&format!("read 120 records, wrote {held};")), "{text}");
        assert!(!text.contains("converted 120"), "{text}");
        let left = 120 - held;
        assert!(text.contains(&format!("{left} records not written: {to} cannot represent them")), "{text}");
        assert!(text.contains("not-representable"), "{text}");
        let (code, text) =
            run(&["--lang", "zh", "convert", "--from", "linli", "--to", to, &s(&example()), "-o", &s(&o)]);
        assert_eq!(code, ExitCode::SUCCESS, "{text}");
        assert!(text.contains(&format!("读取 120 条记录，写出 {held} 条")), "{text}");
        assert!(text.contains(&format!("{left} 条记录无法以 {to} 表示")), "{text}");
    }
    // Canonical Linli holds every record: nothing said about records left out.
    let o = dir.join("all.ndjson");
    let (code, text) = run(&["--lang", "en", "convert", "--from", "linli", &s(&example()), "-o", &s(&o)]);
    assert_eq!(code, ExitCode::SUCCESS, "{text}");
    assert!(text.contains("read 120 records, wrote 120;") && !text.contains("not written"), "{text}");
    std::fs::remove_dir_all(&dir).ok();
}

#[cfg(unix)]
#[test]
fn what_convert_writes_is_its_owners_only() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tmp("modes");
    let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    let ds = dir.join("new/ds");
    let (code, text) = run(&["--lang", "en", "convert", "--from", "linli", &s(&example()), "-o", &s(&ds)]);
    assert_eq!(code, ExitCode::SUCCESS, "{text}");
    assert_eq!(mode(&ds) & 0o077, 0, "{:o}", mode(&ds));
    for e in std::fs::read_dir(&ds).unwrap() {
        let p = e.unwrap().path();
        assert_eq!(mode(&p), 0o600, "{}", p.display());
    }
    // A file that was there with another mode is written 0600 too, and so is the loss report.
    let one = dir.join("one.geojson");
    std::fs::write(&one, "old").unwrap();
    std::fs::set_permissions(&one, std::fs::Permissions::from_mode(0o644)).unwrap();
    let loss = dir.join("loss.json");
    let args =
        ["convert", "--from", "linli", "--to", "geojson", &s(&example()), "-o", &s(&one), "--loss-report", &s(&loss)];
    let (code, text) = run(&args);
    assert_eq!(code, ExitCode::SUCCESS, "{text}");
    assert_eq!(mode(&one), 0o600);
    assert_eq!(mode(&loss), 0o600);
    std::fs::remove_dir_all(&dir).ok();
}

/// A copy of the example dataset in `dir/name`.
fn copy(dir: &Path, name: &str) -> PathBuf {
    let to = dir.join(name);
    std::fs::create_dir_all(&to).unwrap();
    for e in std::fs::read_dir(example()).unwrap() {
        let p = e.unwrap().path();
        std::fs::copy(&p, to.join(p.file_name().unwrap())).unwrap();
    }
    to
}

fn edit_manifest(ds: &Path, f: impl FnOnce(&mut serde_json::Value)) {
    let p = ds.join("manifest.json");
    let mut m: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&p).unwrap()).unwrap();
    f(&mut m);
    std::fs::write(&p, serde_json::to_string_pretty(&m).unwrap()).unwrap();
}

#[test]
fn a_dataset_is_converted_only_when_it_is_what_its_manifest_says() {
    let dir = tmp("manifest");
    let file_of = |m: &mut serde_json::Value, path: &str| -> usize {
        m["files"].as_array().unwrap().iter().position(|f| f["path"] == path).unwrap()
    };
    // Bytes changed after the manifest was written.
    let changed = copy(&dir, "changed");
    std::fs::write(changed.join("place.ndjson"), {
        let mut t = std::fs::read_to_string(changed.join("place.ndjson")).unwrap();
        t.push('\n');
        t
    })
    .unwrap();
    // A count that is not the file's (the digest made right).
    let counted = copy(&dir, "counted");
    edit_manifest(&counted, |m| {
        let i = file_of(m, "place.ndjson");
        m["files"][i]["records"] = 3.into();
    });
    // A file declared as another record type.
    let typed = copy(&dir, "typed");
    edit_manifest(&typed, |m| {
        let i = file_of(m, "place.ndjson");
        m["files"][i]["recordType"] = "Thing".into();
    });
    // A file listed twice.
    let twice = copy(&dir, "twice");
    edit_manifest(&twice, |m| {
        let i = file_of(m, "place.ndjson");
        let again = m["files"][i].clone();
        m["files"].as_array_mut().unwrap().push(again);
    });
    for (ds, code_word) in [
        (&changed, "manifest-hash-mismatch"),
        (&counted, "manifest-count-mismatch"),
        (&typed, "manifest-record-type"),
        (&twice, "manifest-duplicate-file"),
    ] {
        for (lang, words) in [("en", "nothing converted"), ("zh", "未转换任何记录")] {
            let o = dir.join(format!("out-{lang}.ndjson"));
            let (code, text) = run(&["--lang", lang, "convert", "--from", "linli", &s(ds), "-o", &s(&o)]);
            assert_eq!(code, ExitCode::from(2), "{text}");
            assert!(text.starts_with(&format!("error[{code_word}]: ")), "{text}");
            assert!(text.contains(words) && text.contains("place.ndjson") && text.contains("[DAT-013]"), "{text}");
            assert!(!o.exists(), "{text}");
        }
    }
    std::fs::remove_dir_all(&dir).ok();
}

#[cfg(unix)]
#[test]
fn a_linked_dataset_file_is_refused_with_its_code() {
    let dir = tmp("link");
    let ds = copy(&dir, "ds");
    std::fs::rename(ds.join("place.ndjson"), dir.join("place.ndjson")).unwrap();
    std::os::unix::fs::symlink(dir.join("place.ndjson"), ds.join("place.ndjson")).unwrap();
    let o = dir.join("out.ndjson");
    let (code, text) = run(&["--lang", "en", "convert", "--from", "linli", &s(&ds), "-o", &s(&o)]);
    assert_eq!(code, ExitCode::from(2), "{text}");
    assert!(text.starts_with("error[manifest-path-symlink]: ") && text.contains("[DAT-014]"), "{text}");
    assert!(!text.contains("error[usage]") && !o.exists(), "{text}");
    std::fs::remove_dir_all(&dir).ok();
}

/// An error of a register row names the register, as every other reader's errors name their
/// input, in both languages.
#[test]
fn a_register_error_names_the_register() {
    let dir = tmp("register");
    let registers = root().join("examples/adapters/registers");
    let text = std::fs::read_to_string(registers.join("elderly.csv")).unwrap();
    let bad = dir.join("elderly-bad.csv");
    let mut lines: Vec<&str> = text.lines().take(3).collect();
    lines.push("99,王五,男,x");
    std::fs::write(&bad, lines.join("\n") + "\n").unwrap();
    let mapping = s(&registers.join("elderly.toml"));
    for lang in ["en", "zh"] {
        let o = dir.join(format!("out-{lang}.ndjson"));
        let (code, out) =
            run(&["--lang", lang, "convert", "--from", "csv", "--mapping", &mapping, &s(&bad), "-o", &s(&o)]);
        assert_eq!(code, ExitCode::from(1), "{out}");
        let at = if lang == "zh" { "第 4 行" } else { "row 4" };
        assert!(out.contains(&format!("{}: error[csv-malformed] {at}", s(&bad))), "{out}");
    }
    std::fs::remove_dir_all(&dir).ok();
}

/// The education labels registers write (大学本科, 初中, 大专, 高中, …) are understood: the
/// mapping skeleton leaves no gap for them, and the register converts with it unedited.
#[test]
fn common_education_labels_are_mapped() {
    let dir = tmp("education");
    let reg = dir.join("reg.csv");
    std::fs::write(&reg, "姓名,性别,文化程度\n赵一,男,大学本科\n钱二,女,初中\n孙三,男,大专\n李四,女,高中\n").unwrap();
    let mapping = dir.join("reg.toml");
    let (code, out) = run(&["--lang", "en", "convert", "--init-mapping", &s(&reg), "-o", &s(&mapping)]);
    assert_eq!(code, ExitCode::SUCCESS, "{out}");
    let skeleton = std::fs::read_to_string(&mapping).unwrap();
    assert!(skeleton.contains("person.education"), "{skeleton}");
    // The vendor is for a person to fill in [ADP-018].
    std::fs::write(&mapping, skeleton.replace("待填写 / to be filled in", "某某科技")).unwrap();
    // No label left for the clerk to fill in, none held back as a possible name.
    assert!(!skeleton.contains("to fill in:") && !skeleton.contains("read as names"), "{skeleton}");
    let o = dir.join("out.ndjson");
    let (code, out) =
        run(&["--lang", "en", "convert", "--from", "csv", "--mapping", &s(&mapping), &s(&reg), "-o", &s(&o)]);
    assert_eq!(code, ExitCode::SUCCESS, "{out}");
    let education: Vec<String> = std::fs::read_to_string(&o)
        .unwrap()
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .filter(|v| v["type"] == "Person")
        .map(|v| v["education"].as_str().unwrap_or_default().to_owned())
        .collect();
    assert_eq!(education, ["20", "70", "30", "60"], "{out}");
    std::fs::remove_dir_all(&dir).ok();
}
