//! The errors of `linli convert` and `linli mask` about records that do not read: like the
//! validator's findings — the file, the line, the member's JSON pointer (into the input array
//! when the input is one), a stable code, a message in the chosen language — and never a
//! personal number, whatever separates its digits `[PRI-011]`, `[ADP-004]`, `[DAT-014]`.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::PathBuf;
use std::process::ExitCode;

mod support;
use support::{root, run};

fn temp(tag: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("linli-convert-errors-{tag}-{}", std::process::id()));
    std::fs::create_dir_all(&d).unwrap();
    d
}

/// A valid record (a resident), as a JSON value.
fn person() -> serde_json::Value {
    let text = std::fs::read_to_string(root().join("examples/records/person-resident.json")).unwrap();
    serde_json::from_str(&text).unwrap()
}

/// An ID number and a mobile number with their digits separated by `sep`, one by one.
fn spread(sep: char) -> [String; 2] {
    let join = |s: &str| s.chars().map(String::from).collect::<Vec<_>>().join(&sep.to_string());
    [join("11010519491231002X"), join("13812345678")]
}

/// Whether `text` shows any of the planted numbers by its middle digits, separators dropped, or
/// a separator escaped (as a reader's message quotes a string).
fn leaks(text: &str) -> bool {
    let joined: String = text.chars().filter(|c| !c.is_whitespace() && !matches!(c, '\u{200b}' | '\u{ad}')).collect();
    ["19491231", "1234567", "38123456"].iter().any(|d| joined.contains(d)) || text.contains("\\u{")
}

#[test]
fn a_record_that_does_not_read_is_named_by_file_line_pointer_and_code_with_the_value_masked() {
    let dir = temp("unreadable");
    for sep in ['\u{a0}', '\u{3000}', '\u{200b}', '\u{ad}', ' '] {
        for number in spread(sep) {
            let mut bad = person();
            bad["meta"]["version"] = serde_json::Value::String(number);
            let input = dir.join("one.ndjson");
            std::fs::write(&input, format!("{}\n{}\n", person(), bad)).unwrap();
            let input = input.display().to_string();
            let o = dir.join("out.ndjson").display().to_string();
            for (lang, level, words) in [("en", "error", "integer"), ("zh", "错误", "整数")] {
                let (code, text) = run(&["--lang", lang, "convert", "--from", "linli", &input, "-o", &o]);
                assert_eq!(code, ExitCode::from(1), "{text}");
                let line = text.lines().find(|l| l.contains("[schema-type]")).unwrap_or_else(|| panic!("{text}"));
                assert!(line.contains(&format!("{input}:2: {level}[schema-type] /meta/version: ")), "{line}");
                assert!(line.contains(words) && line.contains("[CON-004]"), "{line}");
                assert!(!leaks(&text), "{sep:?} {lang}: {text}");
                assert!(!text.contains("invalid type") && !text.contains("u32"), "{text}");
            }
        }
    }
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn refused_records_of_a_json_array_are_named_by_their_place_in_the_input() {
    let dir = temp("array");
    let mut unreadable = person();
    unreadable["meta"]["version"] = "x".into();
    let mut unknown = person();
    unknown["bogus13812345678"] = 1.into();
    let mut id = person();
    id["id"] = "P-11010519491231002X".into();
    let items = serde_json::json!([person(), unreadable, person(), unknown, id]);
    let input = dir.join("records.json");
    std::fs::write(&input, serde_json::to_string_pretty(&items).unwrap()).unwrap();
    let input = input.display().to_string();
    let o = dir.join("out.ndjson").display().to_string();
    let (code, text) = run(&["--lang", "en", "convert", "--from", "linli", &input, "-o", &o]);
    assert_eq!(code, ExitCode::from(1), "{text}");
    assert!(text.contains("read 2 records, wrote 2"), "{text}");
    // The line each item starts on in the pretty-printed array.
    let pretty = serde_json::to_string_pretty(&items).unwrap();
    let starts: Vec<usize> = pretty.lines().enumerate().filter(|(_, l)| *l == "  {").map(|(i, _)| i + 1).collect();
    assert_eq!(starts.len(), 5);
    assert!(text.contains(&format!("{input}:{}: error[schema-type] /1/meta/version: ", starts[1])), "{text}");
    assert!(text.contains(&format!("{input}:{}: error[schema-unknown-member] /3: ", starts[3])), "{text}");
    // The privacy refusal: item 4 of the input (not "record 2 read"), its line and pointer.
    let refusal = text.lines().find(|l| l.contains("adapter-record-invalid")).unwrap_or_else(|| panic!("{text}"));
    assert!(refusal.contains(&format!("{input}:{}: error[adapter-record-invalid] /4/id: ", starts[4])), "{refusal}");
    assert!(refusal.contains("id-holds-personal-number") && refusal.contains("[ADP-004]"), "{refusal}");
    assert!(!refusal.contains("counting from 0"), "{refusal}");
    assert!(!leaks(&text), "{text}");
    // In Chinese, the same places.
    let (_, zh) = run(&["--lang", "zh", "convert", "--from", "linli", &input, "-o", &o]);
    assert!(zh.contains("错误[adapter-record-invalid] /4/id: ") && zh.contains("未写出"), "{zh}");
    assert!(zh.contains("错误[schema-unknown-member] /3: 标准未定义的成员"), "{zh}");
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn a_dataset_directory_is_read_through_its_manifest() {
    let dir = temp("dataset");
    let dataset = root().join("examples/datasets/gusu-huqiu");
    let o = dir.join("all.ndjson");
    let os = o.display().to_string();
    let (code, text) = run(&["--lang", "en", "convert", "--from", "linli", &dataset.display().to_string(), "-o", &os]);
    assert_eq!(code, ExitCode::SUCCESS, "{text}");
    let manifest: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dataset.join("manifest.json")).unwrap()).unwrap();
    let listed: u64 = manifest["files"].as_array().unwrap().iter().map(|f| f["records"].as_u64().unwrap()).sum();
    assert!(text.contains(&format!("read {listed} records, wrote {listed}")), "{text}");
    assert_eq!(std::fs::read_to_string(&o).unwrap().lines().count() as u64, listed);

    // A listed file that is a symbolic link is not followed [DAT-014].
    #[cfg(unix)]
    {
        let copy = dir.join("copy");
        std::fs::create_dir_all(&copy).unwrap();
        for entry in std::fs::read_dir(&dataset).unwrap() {
            let entry = entry.unwrap();
            std::fs::copy(entry.path(), copy.join(entry.file_name())).unwrap();
        }
        let outside = dir.join("outside.ndjson");
        std::fs::copy(copy.join("person.ndjson"), &outside).unwrap();
        std::fs::remove_file(copy.join("person.ndjson")).unwrap();
        std::os::unix::fs::symlink(&outside, copy.join("person.ndjson")).unwrap();
        let (code, text) = run(&["--lang", "en", "convert", "--from", "linli", &copy.display().to_string(), "-o", &os]);
        assert_eq!(code, ExitCode::from(2), "{text}");
        assert!(text.contains("person.ndjson") && text.contains("link"), "{text}");
    }
    // A directory without a manifest is no dataset.
    let (code, text) = run(&["--lang", "en", "convert", "--from", "linli", &dir.display().to_string(), "-o", &os]);
    assert_eq!(code, ExitCode::from(2), "{text}");
    assert!(text.contains("manifest.json") && !text.contains("Is a directory"), "{text}");
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn the_loss_report_and_vendor_findings_mask_numbers_and_name_the_file() {
    let dir = temp("loss");
    let text = std::fs::read_to_string(root().join("examples/adapters/open311/requests.json")).unwrap();
    let mut requests: serde_json::Value = serde_json::from_str(&text).unwrap();
    requests[0]["service_code"] = "11010519491231002X".into();
    let input = dir.join("requests.json");
    std::fs::write(&input, requests.to_string()).unwrap();
    let input = input.display().to_string();
    let o = dir.join("out.ndjson").display().to_string();
    let loss = dir.join("loss.json");
    let (_, text) =
        run(&["convert", "--from", "open311", &input, "-o", &o, "--loss-report", &loss.display().to_string()]);
    let report = std::fs::read_to_string(&loss).unwrap();
    assert!(report.contains("1101**********002X"), "{report}");
    assert!(!leaks(&report) && !leaks(&text), "{report}\n{text}");
    // A vendor finding names the input file.
    let post = root().join("crates/linli-adapters/tests/corpus/open311/post-response.json").display().to_string();
    let (_, text) = run(&["--lang", "en", "convert", "--from", "open311", &post, "-o", &o]);
    assert!(text.contains(&format!("{post}: error[open311-post-response] /0: ")), "{text}");
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn mask_names_the_member_of_a_record_that_does_not_read_in_both_languages() {
    let dir = temp("mask");
    let key = dir.join("key");
    std::fs::write(&key, "a-secret-key-of-at-least-32-bytes-long!!").unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&key, std::fs::Permissions::from_mode(0o600)).unwrap();
    }
    let key = key.display().to_string();
    let mut bad_id = person();
    bad_id["id"] = "P 1101 0519 4912 3100 2X".into();
    let mut unknown = person();
    unknown["bogus13812345678"] = 1.into();
    let mut named = person();
    named["张三丰"] = 1.into();
    let mut version = person();
    version["meta"]["version"] = spread('\u{a0}')[0].clone().into();
    for (n, (record, pointer, zh)) in [
        (bad_id, "/id", "值不符合要求"),
        (unknown, "/bogus138****5678", "标准未定义的成员"),
        // A member name that may be a person's name is not shown at all.
        (named, "/…", "标准未定义的成员"),
        (version, "/meta/version", "JSON 类型错误"),
    ]
    .into_iter()
    .enumerate()
    {
        for (ext, content) in
            [("ndjson", format!("{record}\n")), ("json", serde_json::json!([person(), record]).to_string())]
        {
            let input = dir.join(format!("in{n}.{ext}"));
            std::fs::write(&input, content).unwrap();
            let input = input.display().to_string();
            for lang in ["zh", "en"] {
                let out = dir.join(format!("out{n}-{lang}.{ext}")).display().to_string();
                let args = ["--lang", lang, "mask", "--profile", "public", "--key-file", &key, &input, "-o", &out];
                let (code, text) = run(&args);
                assert_eq!(code, ExitCode::from(2), "{text}");
                assert!(text.starts_with("error[input-invalid]: "), "{text}");
                let at = if lang == "zh" { format!("（`{pointer}`）") } else { format!(" at `{pointer}`") };
                assert!(text.contains(&at), "{lang} {ext}: {text}");
                if lang == "zh" {
                    assert!(text.contains(zh) && !text.contains("unknown field"), "{text}");
                    assert!(!text.contains("invalid Id") && !text.contains("invalid type"), "{text}");
                    assert!(!text.contains("expected"), "{text}");
                }
                assert!(!text.contains("line 1 column") && !leaks(&text) && !text.contains("张三丰"), "{text}");
            }
        }
    }
    std::fs::remove_dir_all(&dir).ok();
}

/// `--to` lists only what is written, each described as written. Before, `--to xlsx` was
/// offered and then refused, and `--to csv` was described as `--from csv` ("a workbook given
/// here is read as one").
#[test]
fn to_offers_only_the_formats_written() {
    let (code, text) = run(&["convert", "--from", "linli", "--to", "xlsx", "in.json"]);
    assert_eq!(code, ExitCode::from(2));
    assert!(!text.contains("adapter-"), "refused by the argument parser, not by a writer: {text}");
    use clap::CommandFactory;
    let mut cli = linli_cli::Cli::command();
    let convert = cli.find_subcommand_mut("convert").unwrap();
    let to = convert.get_arguments().find(|a| a.get_id() == "to").unwrap();
    let to: String = to
        .get_possible_values()
        .iter()
        .map(|v| format!("{}: {}\n", v.get_name(), v.get_help().map(ToString::to_string).unwrap_or_default()))
        .collect();
    assert!(!to.contains("xlsx:") && !to.contains("a workbook given here"), "{to}");
    assert!(to.contains("csv:"), "{to}");
}

/// Under `--lang zh` the sentences are Chinese (codes stay codes). Before, the wrong-format
/// detail, the CloudEvents input error and the summary's loss kinds were English.
#[test]
fn chinese_output_has_no_english_sentences() {
    let d = temp("zh");
    let gat = d.join("gat.json");
    std::fs::write(&gat, r#"{"FaceListObject":{"FaceObject":[]}}"#).unwrap();
    let (_, text) = run(&["--lang", "zh", "convert", "--from", "ngsi-ld", gat.to_str().unwrap()]);
    assert!(text.contains("没有任何内容能按此格式读取") && !text.contains("nothing of it"), "{text}");
    let ce = d.join("ce.json");
    std::fs::write(&ce, r#"{"a":1}"#).unwrap();
    let (_, text) = run(&["--lang", "zh", "convert", "--from", "cloudevents", ce.to_str().unwrap()]);
    assert!(text.contains("不是 CloudEvent") && !text.contains("missing; not a"), "{text}");
    let gj = d.join("gj.json");
    std::fs::write(
        &gj,
        r#"{"type":"Feature","geometry":{"type":"Point","coordinates":[120.5,31.3]},"properties":{"name":"门","kind":"building","colour":"red"}}"#,
    )
    .unwrap();
    let out = d.join("out.ndjson");
    let (_, text) =
        run(&["--lang", "zh", "convert", "--from", "geojson", gj.to_str().unwrap(), "-o", out.to_str().unwrap()]);
    assert!(text.contains("保存在扩展中 kept-in-extensions"), "{text}");
    let _ = std::fs::remove_dir_all(&d);
}
