//! Bad input is refused and leaves nothing behind: profile bounds, records of unexpected shape,
//! gzip output, colliding dataset paths.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use linli_privacy::mask::Counts;
use linli_privacy::{Error, Key, Masker, Options, Profile, mask_path};
use serde_json::Value;

fn example() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../examples/datasets/gusu-huqiu")
}

fn tmp(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("linli-privacy-hardening-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn run(profile: &str, input: &Path, output: &Path) -> Result<linli_privacy::Summary, Error> {
    let profile = Profile::built_in(profile).unwrap();
    let key = Key::new(b"hardening test key 0123", "test").unwrap();
    let tool = linli_model::text::Text::new("linli-privacy tests").unwrap();
    mask_path(input, output, &Options { profile: &profile, key: Some(&key), created_at: None, tool, threads: 0 })
}

const HEAD: &str = "name = \"x\"\nsharingLevel = \"public\"\n[defaults]\npersonal = \"mask\"\nsensitive = \"drop\"\nextensions = \"drop\"\n";

fn rule(extra: &str) -> String {
    format!("{HEAD}[[rule]]\ntype = \"Person\"\npointer = \"/name\"\naction = \"mask\"\n{extra}")
}

fn profile_err(text: &str) -> (String, String, String) {
    match Profile::from_toml(text, "my.toml") {
        Err(e @ Error::Profile { .. }) => {
            let Error::Profile { file, key, .. } = &e else { unreachable!() };
            assert_eq!(file, "my.toml");
            assert_eq!(e.code(), "profile-invalid");
            (key.clone(), e.message(false), e.message(true))
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn keep_start_and_keep_end_above_64_are_refused_when_the_profile_loads() {
    for (extra, key) in [
        ("keepStart = 18446744073709551615\n", "rule[0].keepStart"),
        ("keepStart = 9223372036854775807\n", "rule[0].keepStart"),
        ("keepStart = 65\n", "rule[0].keepStart"),
        ("keepStart = 1\nkeepEnd = 9223372036854775807\n", "rule[0].keepEnd"),
        ("keepEnd = 65\n", "rule[0].keepEnd"),
        ("keepEnd = -1\n", "rule[0].keepEnd"),
    ] {
        let (k, en, zh) = profile_err(&rule(extra));
        assert_eq!(k, key, "{extra}: {en}");
        assert!(en.contains("my.toml") && en.contains(key) && en.contains("64"), "{en}");
        assert!(zh.contains("my.toml") && zh.contains(key) && zh.contains("64"), "{zh}");
    }
    // 64 is allowed, and masking with the largest values neither panics nor unmasks wrongly.
    let p = Profile::from_toml(&rule("keepStart = 64\nkeepEnd = 64\n"), "my.toml").unwrap();
    let masker = Masker::new(&p, None).unwrap();
    let mut v = serde_json::json!({"type": "Person", "id": "P-1", "name": "张三"});
    masker.mask_value(&mut v, &mut Counts::default()).unwrap();
    assert_ne!(v["name"], "张三");
}

/// An NDJSON file: a good Person first, then `bad` on line 2.
fn ndjson_with(dir: &Path, bad: &str) -> PathBuf {
    let good = std::fs::read_to_string(example().join("person.ndjson")).unwrap();
    let input = dir.join("in.ndjson");
    std::fs::write(&input, format!("{}\n{bad}\n", good.lines().next().unwrap())).unwrap();
    input
}

const BAD_SHAPES: &[(&str, &str)] = &[
    (r#"{"type":"Person","id":"P-9","name":"张三","identifiers":"11010519491231002X"}"#, "11010519491231002X"),
    (r#"{"type":"Person","id":"P-9","name":"张三","phones":[13812345678]}"#, "13812345678"),
    (r#"{"type":"Organization","id":"O-9","name":"某公司","kind":"enterprise","contacts":{"name":"张三"}}"#, "张三"),
    (r#"{"type":"Person","id":"P-9","name":"张三","birthDate":19780623}"#, "19780623"),
];

#[test]
fn records_of_unexpected_shape_are_refused_and_nothing_is_written() {
    let dir = tmp("shape");
    for (profile, gz) in [("public", false), ("inter-department", true), ("internal", false)] {
        for (bad, secret) in BAD_SHAPES {
            let input = ndjson_with(&dir, bad);
            let output = dir.join(if gz { "out.ndjson.gz" } else { "out.ndjson" });
            let e = run(profile, &input, &output).unwrap_err();
            assert_eq!(e.code(), "input-invalid", "{profile} {bad}: {e}");
            let (en, zh) = (e.message(false), e.message(true));
            let at = format!("{}:2", input.display());
            assert!(en.contains(&at) && en.contains("not a Linli record"), "{en}");
            assert!(zh.contains(&at) && zh.contains("不是 Linli 记录"), "{zh}");
            // The message never repeats the personal value.
            assert!(!en.contains(secret) && !zh.contains(secret), "{en} / {zh}");
            assert!(!output.exists(), "{profile} {bad}: partial output left behind");
        }
    }
    // A record file (.json) likewise.
    for (bad, _) in BAD_SHAPES {
        let input = dir.join("in.json");
        std::fs::write(&input, format!("[{bad}]")).unwrap();
        let output = dir.join("out.json");
        let e = run("public", &input, &output).unwrap_err();
        assert_eq!(e.code(), "input-invalid", "{bad}: {e}");
        assert!(e.message(false).contains(&format!("{}:1", input.display())), "{e}");
        assert!(!output.exists());
    }
    std::fs::remove_dir_all(&dir).ok();
}

/// A copy of the example dataset with `bad` appended to person.ndjson and the manifest rebuilt.
fn dataset_with(dir: &Path, bad: &str) -> PathBuf {
    let input = dir.join("in");
    std::fs::create_dir_all(&input).unwrap();
    for e in std::fs::read_dir(example()).unwrap() {
        let p = e.unwrap().path();
        std::fs::copy(&p, input.join(p.file_name().unwrap())).unwrap();
    }
    let mut f = std::fs::OpenOptions::new().append(true).open(input.join("person.ndjson")).unwrap();
    writeln!(f, "{bad}").unwrap();
    drop(f);
    let m: Value = serde_json::from_str(&std::fs::read_to_string(example().join("manifest.json")).unwrap()).unwrap();
    let mut built = serde_json::to_value(
        linli_validate::dataset::build_manifest(
            &input,
            serde_json::from_value(m["producer"].clone()).unwrap(),
            linli_model::codes::SharingLevel::Internal,
            serde_json::from_value(m["createdAt"].clone()).unwrap(),
        )
        .unwrap(),
    )
    .unwrap();
    if !m["externalRefs"].is_null() {
        built["externalRefs"] = m["externalRefs"].clone();
    }
    std::fs::write(input.join("manifest.json"), serde_json::to_string_pretty(&built).unwrap()).unwrap();
    input
}

#[test]
fn a_dataset_with_a_bad_record_leaves_no_output_behind() {
    let dir = tmp("dataset-shape");
    let input = dataset_with(&dir, BAD_SHAPES[0].0);
    // A new directory (and the parents the run created) is removed.
    let output = dir.join("new").join("out");
    let e = run("public", &input, &output).unwrap_err();
    assert_eq!(e.code(), "input-invalid", "{e}");
    assert!(e.message(false).contains("person.ndjson:"), "{e}");
    assert!(!dir.join("new").exists(), "partial output left behind");
    // An empty directory that existed before stays, empty.
    let output = dir.join("empty");
    std::fs::create_dir_all(&output).unwrap();
    let e = run("public", &input, &output).unwrap_err();
    assert_eq!(e.code(), "input-invalid", "{e}");
    assert!(output.is_dir());
    assert_eq!(std::fs::read_dir(&output).unwrap().count(), 0, "partial output left behind");
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn a_gz_output_is_gzip() {
    let dir = tmp("gz");
    let input = example().join("person.ndjson");
    let plain = dir.join("out.ndjson");
    let gz = dir.join("out.ndjson.gz");
    let a = run("public", &input, &plain).unwrap();
    let b = run("public", &input, &gz).unwrap();
    assert_eq!(a.counts.records, b.counts.records);
    let bytes = std::fs::read(&gz).unwrap();
    assert_eq!(&bytes[..2], b"\x1f\x8b", "not gzip");
    let mut text = String::new();
    flate2::read::MultiGzDecoder::new(&bytes[..]).read_to_string(&mut text).unwrap();
    assert_eq!(text, std::fs::read_to_string(&plain).unwrap());
    // A record file, too.
    let record = dir.join("one.json");
    std::fs::write(&record, std::fs::read_to_string(&input).unwrap().lines().next().unwrap()).unwrap();
    run("public", &record, &dir.join("one.out.json.gz")).unwrap();
    let mut text = String::new();
    flate2::read::MultiGzDecoder::new(std::fs::File::open(dir.join("one.out.json.gz")).unwrap())
        .read_to_string(&mut text)
        .unwrap();
    assert_ne!(serde_json::from_str::<Value>(&text).unwrap()["name"], "顾福生");
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn a_manifest_with_colliding_output_paths_is_refused() {
    let dir = tmp("collide");
    let input = dir.join("in");
    std::fs::create_dir_all(&input).unwrap();
    for e in std::fs::read_dir(example()).unwrap() {
        let p = e.unwrap().path();
        std::fs::copy(&p, input.join(p.file_name().unwrap())).unwrap();
    }
    let person = std::fs::read(input.join("person.ndjson")).unwrap();
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    enc.write_all(&person).unwrap();
    std::fs::write(input.join("person.ndjson.gz"), enc.finish().unwrap()).unwrap();
    let mut m: Value = serde_json::from_str(&std::fs::read_to_string(input.join("manifest.json")).unwrap()).unwrap();
    let files = m["files"].as_array_mut().unwrap();
    let mut twin = files.iter().find(|f| f["path"] == "person.ndjson").unwrap().clone();
    twin["path"] = "person.ndjson.gz".into();
    files.push(twin);
    std::fs::write(input.join("manifest.json"), serde_json::to_string_pretty(&m).unwrap()).unwrap();
    let output = dir.join("out");
    let e = run("public", &input, &output).unwrap_err();
    assert_eq!(e.code(), "output-name-collision", "{e}");
    let (en, zh) = (e.message(false), e.message(true));
    assert!(en.contains("person.ndjson.gz") && en.contains("person.ndjson`"), "{en}");
    assert!(zh.contains("person.ndjson.gz"), "{zh}");
    assert!(!output.exists());
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn a_member_given_twice_is_refused_not_read_as_its_last_value() {
    // The first `name` would be kept unmasked by a reader that takes the last value only, or
    // the validator and the masker would disagree on what the record says [CON-002].
    let dir = tmp("dup");
    for bad in [
        r#"{"type":"Person","id":"P-9","name":"张三","name":"李四"}"#,
        r#"{"type":"Person","id":"P-9","name":"张三","extensions":{"x.y":{"a":"13912345678","a":"1"}}}"#,
    ] {
        for file in ["in.ndjson", "in.json"] {
            let input = dir.join(file);
            let text = if file.ends_with(".json") { format!("[{bad}]") } else { format!("{bad}\n") };
            std::fs::write(&input, text).unwrap();
            let output = dir.join(file.replace("in", "out"));
            let e = run("public", &input, &output).unwrap_err();
            assert_eq!(e.code(), "input-invalid", "{bad}: {e}");
            let (en, zh) = (e.message(false), e.message(true));
            assert!(en.contains("twice") && zh.contains("两次"), "{en} / {zh}");
            assert!(!en.contains("13912345678") && !zh.contains("张三"), "{en} / {zh}");
            assert!(!output.exists());
        }
    }
    std::fs::remove_dir_all(&dir).ok();
}

/// A copy of the example dataset in `dir/in`, its `person.ndjson` moved to `dir/outside/` and
/// `make` applied; the manifest's entry for it renamed to `listed`.
#[cfg(unix)]
fn dataset_reaching_out(dir: &Path, listed: &str, make: &dyn Fn(&Path, &Path)) -> PathBuf {
    let input = dir.join("in");
    let outside = dir.join("outside");
    std::fs::create_dir_all(&input).unwrap();
    std::fs::create_dir_all(&outside).unwrap();
    for e in std::fs::read_dir(example()).unwrap() {
        let p = e.unwrap().path();
        std::fs::copy(&p, input.join(p.file_name().unwrap())).unwrap();
    }
    std::fs::rename(input.join("person.ndjson"), outside.join("person.ndjson")).unwrap();
    make(&input, &outside);
    let m = std::fs::read_to_string(input.join("manifest.json")).unwrap();
    std::fs::write(input.join("manifest.json"), m.replace("\"person.ndjson\"", &format!("\"{listed}\""))).unwrap();
    input
}

/// Mask in a thread: a FIFO opened by the masker would block it for ever.
#[cfg(unix)]
fn run_within(profile: &'static str, input: PathBuf, output: PathBuf) -> Result<linli_privacy::Summary, Error> {
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(run(profile, &input, &output));
    });
    rx.recv_timeout(std::time::Duration::from_secs(60)).expect("mask hangs")
}

#[cfg(unix)]
#[test]
fn mask_reads_nothing_outside_the_dataset() {
    use std::os::unix::fs::symlink;
    type Make = dyn Fn(&Path, &Path);
    let kinds: &[(&str, &str, &Make)] = &[
        // The hole: a link to a file outside was copied, unmasked at `internal`.
        ("link to a file outside", "person.ndjson", &|i, o| {
            symlink(o.join("person.ndjson"), i.join("person.ndjson")).unwrap()
        }),
        ("link to a file inside", "p.ndjson", &|i, o| {
            std::fs::copy(o.join("person.ndjson"), i.join("person.ndjson")).unwrap();
            symlink(i.join("person.ndjson"), i.join("p.ndjson")).unwrap();
        }),
        ("folder link leading out", "escape/person.ndjson", &|i, o| symlink(o, i.join("escape")).unwrap()),
        ("FIFO", "person.ndjson", &|i, _| {
            assert!(std::process::Command::new("mkfifo").arg(i.join("person.ndjson")).status().unwrap().success());
        }),
        ("directory", "person.ndjson", &|i, _| std::fs::create_dir(i.join("person.ndjson")).unwrap()),
        ("dot-dot", "../outside/person.ndjson", &|_, _| {}),
        ("absolute", "/etc/passwd", &|_, _| {}),
    ];
    for (what, listed, make) in kinds {
        for profile in ["internal", "public"] {
            let dir = tmp("outside");
            let input = dataset_reaching_out(&dir, listed, make);
            let output = dir.join("out");
            let e = run_within(profile, input.clone(), output.clone()).unwrap_err();
            assert_eq!(e.code(), "input-refused", "{what} {profile}: {e}");
            let (en, zh) = (e.message(false), e.message(true));
            assert!(en.contains(listed) && en.contains("DAT-014"), "{what}: {en}");
            assert!(zh.contains(listed) && zh.contains("DAT-014"), "{what}: {zh}");
            assert!(!output.exists(), "{what} {profile}: output written");
            std::fs::remove_dir_all(&dir).ok();
        }
    }
}

#[cfg(unix)]
#[test]
fn a_file_named_on_the_command_line_may_be_a_link_but_not_a_fifo() {
    let dir = tmp("cmdline");
    std::os::unix::fs::symlink(example().join("person.ndjson"), dir.join("link.ndjson")).unwrap();
    run("public", &dir.join("link.ndjson"), &dir.join("out.ndjson")).unwrap();
    assert!(dir.join("out.ndjson").is_file());
    assert!(std::process::Command::new("mkfifo").arg(dir.join("pipe.ndjson")).status().unwrap().success());
    let e = run_within("public", dir.join("pipe.ndjson"), dir.join("out2.ndjson")).unwrap_err();
    assert_eq!(e.code(), "input-refused", "{e}");
    assert!(!dir.join("out2.ndjson").exists());
    std::fs::remove_dir_all(&dir).ok();
}

/// What is masked is the file the manifest describes: a file whose bytes differ from the
/// manifest's SHA-256 (edited after the manifest was written, or while the run reads it in
/// several passes) is refused, rather than masked by place and name indexes built from other
/// bytes and then given a fresh, matching manifest.
#[test]
fn a_file_that_is_not_the_one_the_manifest_describes_is_refused() {
    let dir = tmp("sha");
    let input = dataset_with(&dir, "");
    run("internal", &input, &dir.join("ok")).expect("the dataset as its manifest describes it is masked");
    let mut f = std::fs::OpenOptions::new().append(true).open(input.join("place.ndjson")).unwrap();
    writeln!(f).unwrap();
    drop(f);
    for profile in ["internal", "public"] {
        let output = dir.join(format!("out-{profile}"));
        let e = run(profile, &input, &output).unwrap_err();
        assert_eq!(e.code(), "input-refused", "{e}");
        assert!(e.message(false).contains("place.ndjson") && e.message(false).contains("SHA-256"), "{e}");
        assert!(e.message(true).contains("SHA-256"), "{e}");
        assert!(!output.exists(), "{profile}: output written");
    }
    std::fs::remove_dir_all(&dir).ok();
}

/// Output is written beside its place and renamed into it when whole: a run that fails leaves an
/// output file that was there as it was, and no part file anywhere.
#[test]
fn a_failed_run_leaves_the_previous_output_as_it_was() {
    let dir = tmp("atomic");
    let output = dir.join("out.ndjson");
    std::fs::write(&output, "previous\n").unwrap();
    let input = ndjson_with(&dir, BAD_SHAPES[0].0);
    run("public", &input, &output).unwrap_err();
    assert_eq!(std::fs::read_to_string(&output).unwrap(), "previous\n", "the previous output was lost");
    // A dataset: an empty output folder stays, and nothing is left beside it.
    let input = dataset_with(&dir, BAD_SHAPES[1].0);
    let out_dir = dir.join("out-dataset");
    std::fs::create_dir(&out_dir).unwrap();
    run("public", &input, &out_dir).unwrap_err();
    assert_eq!(std::fs::read_dir(&out_dir).unwrap().count(), 0);
    let left: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains(".part") || n.starts_with(".linli"))
        .collect();
    assert!(left.is_empty(), "part files left: {left:?}");
    // And a run that succeeds replaces the file and fills the empty folder.
    let good = dir.join("good.ndjson");
    std::fs::copy(example().join("person.ndjson"), &good).unwrap();
    run("public", &good, &output).unwrap();
    assert_ne!(std::fs::read_to_string(&output).unwrap(), "previous\n");
    std::fs::remove_dir_all(&out_dir).unwrap();
    std::fs::create_dir(&out_dir).unwrap();
    let input = dataset_with(&dir.join("again"), "");
    run("public", &input, &out_dir).unwrap();
    assert!(out_dir.join("manifest.json").is_file());
    std::fs::remove_dir_all(&dir).ok();
}

/// What mask writes — and its part while it writes — is readable by its owner only.
#[cfg(unix)]
#[test]
fn output_is_readable_by_its_owner_only() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tmp("mode");
    let input = dataset_with(&dir, "");
    let output = dir.join("out");
    run("internal", &input, &output).unwrap();
    assert_eq!(std::fs::metadata(&output).unwrap().permissions().mode() & 0o777, 0o700);
    for f in ["person.ndjson", "manifest.json"] {
        assert_eq!(std::fs::metadata(output.join(f)).unwrap().permissions().mode() & 0o777, 0o600, "{f}");
    }
    let file = dir.join("one.ndjson");
    run("internal", &example().join("person.ndjson"), &file).unwrap();
    assert_eq!(std::fs::metadata(&file).unwrap().permissions().mode() & 0o777, 0o600);
    std::fs::remove_dir_all(&dir).ok();
}

/// Every record that does not read is counted, over every file of a dataset; the first few are
/// listed with their line and the validator's code, each message in one language and without a
/// value, and the message says to run `linli validate` `[SHR-033]`.
#[test]
fn every_invalid_record_is_counted_and_the_first_few_are_listed_in_one_language() {
    let dir = tmp("many-invalid");
    let bad = [
        BAD_SHAPES[0].0,
        BAD_SHAPES[1].0,
        r#"{"type":"Person","id":"P-7"}"#,
        BAD_SHAPES[3].0,
        r#"{"type":"Person","id":"P-6","name":"王五","extra":1}"#,
        r#"{"type":"Person","id":"P-5","name":"赵六","gender":"unknown-code"}"#,
    ];
    let input = dataset_with(&dir, &bad.join("\n"));
    // And one in another file, that does not even parse: the manifest given its new digest.
    let mut f = std::fs::OpenOptions::new().append(true).open(input.join("place.ndjson")).unwrap();
    writeln!(f, r#"{{"type":"Place","id":"PL-9","name":"李四","phones":["13812345678"]"#).unwrap();
    drop(f);
    let digest = {
        use sha2::Digest;
        let bytes = std::fs::read(input.join("place.ndjson")).unwrap();
        sha2::Sha256::digest(&bytes).iter().map(|b| format!("{b:02x}")).collect::<String>()
    };
    let mut m: Value = serde_json::from_str(&std::fs::read_to_string(input.join("manifest.json")).unwrap()).unwrap();
    for f in m["files"].as_array_mut().unwrap() {
        if f["path"] == "place.ndjson" {
            f["sha256"] = Value::from(digest.clone());
        }
    }
    std::fs::write(input.join("manifest.json"), serde_json::to_string_pretty(&m).unwrap()).unwrap();
    let output = dir.join("out");
    let e = run("public", &input, &output).unwrap_err();
    assert_eq!(e.code(), "input-invalid", "{e}");
    let Error::InvalidRecords { count, first, .. } = &e else { panic!("{e:?}") };
    assert_eq!(*count, 7, "{e}");
    assert_eq!(first.len(), linli_privacy::INVALID_SHOWN, "{e}");
    let codes: Vec<&str> = first.iter().map(|r| r.finding.as_str()).collect();
    assert_eq!(codes, ["schema-type", "schema-type", "schema-required", "schema-type", "schema-unknown-member"], "{e}");
    let (en, zh) = (e.message(false), e.message(true));
    assert!(en.contains("7 records are not Linli records") && en.contains("linli validate"), "{en}");
    assert!(zh.contains("7 条记录不是 Linli 记录") && zh.contains("linli validate") && zh.contains("前 5 条"), "{zh}");
    // One language each: the Chinese message quotes none of the parser's English words.
    for english in ["missing field", "invalid type", "EOF", "not JSON", "expected"] {
        assert!(!zh.contains(english), "{zh}");
    }
    for secret in ["11010519491231002X", "13812345678", "19780623", "李四", "张三"] {
        assert!(!en.contains(secret) && !zh.contains(secret), "{en} / {zh}");
    }
    assert!(!output.exists(), "partial output left behind");
    std::fs::remove_dir_all(&dir).ok();
}
