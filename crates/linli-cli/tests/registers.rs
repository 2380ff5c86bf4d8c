//! `linli convert` of registers (CSV, Excel): streaming conversion, the rejects file, the
//! loss report, `--init-mapping`, `--list-targets`, the stop when most columns are missing
//! (spec 18.2, ADP-014..019).

mod support;

use std::process::ExitCode;

use support::{root, run};

fn tmp(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("linli-registers-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

const MAPPING: &str = r#"
[ids]
person = "P"
place = "PL"

[meta]
vendor = "测试"
product = "人口登记"
classification = "restricted"
createdAt = "2026-01-01T00:00:00+08:00"

[columns]
"姓名*" = "person.name"
"身份证号*" = "person.identifiers.resident-id"
"性别" = "person.gender"
"手机号" = "person.phones"
"出生日期" = "person.birthDate"
"小区" = "place.compound"
"楼栋" = "place.building"
"单元" = "place.unit"
"房号" = "place.room"
"人口类型" = "person.residence.kind"

[values."人口类型"]
"户籍人口" = "registered"
"流动人口" = "floating"
"#;

const REGISTER: &str = "\
某某社区实有人口登记表,,,,,,,,,,
姓名*,身份证号*,性别,手机号,出生日期,小区,楼栋,单元,房号,人口类型,备注
沈建国,321083197812162119,男,13812345678,1978/12/16,幸福小区,3,2,502,户籍人口,楼长
李秀英,11010519491231002X,女,13912345678,1949-12-31,幸福小区,3,2,502,户籍人口,
王五,11010519491231002X,女,139123,1949-12-31,幸福小区,3,2,601,流动人口,
赵六,110105195001010012,男,13712345678,1950-01-01,幸福小区,5,1,101,火星人口,
";

fn write_inputs(dir: &std::path::Path) -> (String, String) {
    let m = dir.join("m.toml");
    let r = dir.join("register.csv");
    std::fs::write(&m, MAPPING).expect("write mapping");
    std::fs::write(&r, REGISTER).expect("write register");
    (m.display().to_string(), r.display().to_string())
}

#[test]
fn a_register_converts_to_persons_and_one_place_chain_and_refused_rows_go_to_the_rejects_file() {
    let dir = tmp("convert");
    let (m, r) = write_inputs(&dir);
    let out = dir.join("out");
    let loss = dir.join("loss.json");
    let (code, text) = run(&[
        "--lang",
        "en",
        "convert",
        "--from",
        "csv",
        "--mapping",
        &m,
        &r,
        "-o",
        &out.display().to_string(),
        "--loss-report",
        &loss.display().to_string(),
    ]);
    assert_eq!(code, ExitCode::from(1), "{text}");
    assert!(text.contains("(2 rows; 2 rows refused)"), "{text}");
    // No value of a refused row is printed, only where and why.
    assert!(!text.contains("139123") && !text.contains("火星"), "{text}");
    // Persons and the place chain (compound, building, unit, room) written once.
    let persons = std::fs::read_to_string(out.join("person.ndjson")).expect("persons");
    let places = std::fs::read_to_string(out.join("place.ndjson")).expect("places");
    assert_eq!(persons.lines().count(), 2);
    assert_eq!(places.lines().count(), 4, "{places}");
    let room: serde_json::Value = serde_json::from_str(places.lines().last().unwrap_or_default()).expect("json");
    assert_eq!(room["kind"], "room");
    assert_eq!(room["name"], "502室");
    let p: serde_json::Value = serde_json::from_str(persons.lines().next().unwrap_or_default()).expect("json");
    assert_eq!(p["residences"][0]["place"]["id"], room["id"]);
    assert_eq!(p["residences"][0]["kind"], "registered");
    assert_eq!(p["extensions"]["csv"]["备注"], "楼长");
    // The dataset validates, references included.
    let (code, v) = run(&["--lang", "en", "validate", &out.display().to_string()]);
    assert_eq!(code, ExitCode::SUCCESS, "{v}");
    // The rejects file: the header, the two refused rows as read, the reason in Chinese.
    let rejects = std::fs::read_to_string(dir.join("out.rejects.csv")).expect("rejects file");
    let lines: Vec<&str> = rejects.lines().collect();
    assert_eq!(lines.len(), 3, "{rejects}");
    assert!(lines[0].trim_start_matches('\u{feff}').starts_with("姓名*,身份证号*"), "{rejects}");
    assert!(lines[0].ends_with(",拒收原因"));
    assert!(lines[1].starts_with("王五,") && lines[1].contains("列「手机号」") && lines[1].contains("csv-bad-phone"));
    assert!(lines[2].starts_with("赵六,") && lines[2].contains("csv-unknown-label"));
    // The loss report: entries, the errors, the count of records.
    let report: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&loss).expect("loss report")).expect("loss report is JSON");
    assert_eq!(report["records"], 6);
    let errors = report["errors"].as_array().expect("errors");
    assert_eq!(errors.iter().filter(|e| e.as_str().is_some_and(|e| e.contains(".csv: error["))).count(), 2);
    let entries = report["loss"]["entries"].as_array().expect("entries");
    assert!(entries.iter().any(|e| e["code"] == "csv-title-row-skipped" && e["pointer"] == "/1"));
    assert!(entries.iter().any(|e| e["code"] == "csv-column-kept" && e["pointer"] == "/3/备注"));

    // The corrected rejects file converts with the same mapping (the reason column is ignored).
    let fixed = rejects.replace(",139123,", ",13912345699,").replace("火星人口", "流动人口");
    let fixed_path = dir.join("fixed.csv");
    std::fs::write(&fixed_path, fixed).expect("write");
    let out2 = dir.join("again.ndjson");
    let (code, text) = run(&[
        "--lang",
        "en",
        "convert",
        "--from",
        "csv",
        "--mapping",
        &m,
        &fixed_path.display().to_string(),
        "-o",
        &out2.display().to_string(),
    ]);
    assert_eq!(code, ExitCode::SUCCESS, "{text}");
    assert!(text.contains("(2 rows; 0 rows refused)"), "{text}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn most_columns_missing_stops_before_any_row_with_suggestions() {
    let dir = tmp("missing");
    let (m, _) = write_inputs(&dir);
    let other = "公民身份证号,名字,性别\n11010519491231002X,李秀英,女\n";
    let r = dir.join("other.csv");
    std::fs::write(&r, other).expect("write");
    let out = dir.join("o.ndjson");
    let (code, text) = run(&[
        "--lang",
        "zh",
        "convert",
        "--from",
        "csv",
        "--mapping",
        &m,
        &r.display().to_string(),
        "-o",
        &out.display().to_string(),
    ]);
    assert_eq!(code, ExitCode::from(2), "{text}");
    assert!(text.contains("error[csv-columns-missing]"), "{text}");
    assert!(text.contains("`身份证号*`（表中是否为 `公民身份证号`？）"), "{text}");
    assert!(!out.exists(), "nothing written");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn init_mapping_writes_a_skeleton_that_converts_the_register() {
    let dir = tmp("init");
    let (_, r) = write_inputs(&dir);
    let skeleton = dir.join("skeleton.toml");
    let (code, text) = run(&["--lang", "en", "convert", "--init-mapping", &r, "-o", &skeleton.display().to_string()]);
    assert_eq!(code, ExitCode::SUCCESS, "{text}");
    let toml = std::fs::read_to_string(&skeleton).expect("skeleton");
    for line in [
        "# 表头在第 2 行",
        "\"姓名*\" = \"person.name\"",
        "\"身份证号*\" = \"person.identifiers.resident-id\"",
        "\"房号\" = \"place.room\"",
        "\"人口类型\" = \"person.residence.kind\"",
        "# \"火星人口\" = \"?\"",
    ] {
        assert!(toml.contains(line), "{line} in\n{toml}");
    }
    // [ADP-018]: the placeholder vendor is not written into records; the conversion is refused
    // naming the mapping file and the key. Before, it exited 0 with the placeholder in every record.
    let out = dir.join("out.ndjson");
    let convert = |lang: &str| {
        run(&[
            "--lang",
            lang,
            "convert",
            "--from",
            "csv",
            "--mapping",
            &skeleton.display().to_string(),
            &r,
            "-o",
            &out.display().to_string(),
        ])
    };
    let (code, text) = convert("en");
    assert_eq!(code, ExitCode::from(2), "{text}");
    assert!(
        text.contains("adapter-mapping") && text.contains("skeleton.toml") && text.contains("meta.vendor"),
        "{text}"
    );
    assert!(!out.exists());
    let toml = toml.replace("vendor = \"待填写 / to be filled in\"", "vendor = \"某某科技\"");
    std::fs::write(&skeleton, &toml).unwrap();
    let (code, text) = convert("en");
    assert!(code != ExitCode::from(2), "{text}");
    let m = linli_adapters::csv_table::Mapping::from_toml(&toml).expect("the skeleton is a valid mapping");
    assert_eq!(m.columns().count(), 10, "{toml}");
    // An existing file (perhaps an edited mapping) is never overwritten.
    let (code, text) = run(&["--lang", "en", "convert", "--init-mapping", &r, "-o", &skeleton.display().to_string()]);
    assert_eq!(code, ExitCode::from(2), "{text}");
    assert!(text.contains("exists: not overwritten"), "{text}");
    // Standard output without -o.
    let (code, text) = run(&["convert", "--init-mapping", &r]);
    assert_eq!(code, ExitCode::SUCCESS);
    assert!(text.contains("[columns]"));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn the_list_of_targets_is_printed_in_both_languages() {
    let (code, en) = run(&["--lang", "en", "convert", "--list-targets"]);
    assert_eq!(code, ExitCode::SUCCESS);
    for t in ["person.identifiers.resident-id", "place.room", "thing.plateNumber", "organization.creditCode"] {
        assert!(en.contains(t), "{t}");
    }
    assert!(en.contains("[personal]"));
    let (_, zh) = run(&["--lang", "zh", "convert", "--list-targets"]);
    assert!(zh.contains("[个人信息]") && zh.contains("代码查找"));
}

#[test]
fn an_unknown_target_lists_the_closest_and_all_targets_at_once() {
    let dir = tmp("unknown");
    let (_, r) = write_inputs(&dir);
    let bad = MAPPING.replace("\"person.name\"", "\"person.nme\"").replace("\"place.room\"", "\"place.rooms\"");
    let m = dir.join("bad.toml");
    std::fs::write(&m, bad).expect("write");
    let (code, text) = run(&[
        "--lang",
        "en",
        "convert",
        "--from",
        "csv",
        "--mapping",
        &m.display().to_string(),
        &r,
        "-o",
        &dir.join("o.ndjson").display().to_string(),
    ]);
    assert_eq!(code, ExitCode::from(2));
    assert!(text.contains("unknown target `person.nme` (closest: person.name"), "{text}");
    assert!(text.contains("unknown target `place.rooms` (closest: place.room"), "{text}");
    assert!(text.contains("the valid targets are"), "{text}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_workbook_named_csv_is_read_as_a_workbook_with_a_note() {
    let dir = tmp("xlsx");
    let xlsx = root().join("examples/adapters/csv/population-register.xlsx");
    let renamed = dir.join("register.csv");
    std::fs::copy(&xlsx, &renamed).expect("copy");
    let m = root().join("examples/adapters/csv/population-register.toml");
    let (code, text) = run(&[
        "--lang",
        "en",
        "convert",
        "--from",
        "csv",
        "--mapping",
        &m.display().to_string(),
        &renamed.display().to_string(),
        "-o",
        &dir.join("o.ndjson").display().to_string(),
    ]);
    assert!(text.contains("normalised csv-format-detected"), "{text}");
    assert!(text.contains("converted 2 records"), "{text}");
    // The three columns the workbook lacks are reported; nothing else is refused.
    assert_eq!(code, ExitCode::from(1), "{text}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_column_left_out_on_purpose_a_ragged_row_and_an_unclosed_quote_in_the_rejects_file() {
    let dir = tmp("ragged");
    // 备注 is left out on purpose; a short row and an unclosed quote are refused into the rejects file.
    let mapping = format!("{MAPPING}\"备注\" = \"-\"\n");
    let m2 = dir.join("m2.toml");
    std::fs::write(
        &m2,
        mapping
            .replace("[values.\"人口类型\"]\n", "")
            .replace("\"户籍人口\" = \"registered\"\n\"流动人口\" = \"floating\"\n", ""),
    )
    .expect("write");
    let register = "姓名*,身份证号*,性别,手机号,出生日期,小区,楼栋,单元,房号,人口类型,备注\n\
沈建国,321083197812162119,男,13812345678,1978/12/16,幸福小区,3,2,502,户籍人口,楼长\n\
李秀英,11010519491231002X,女\n\
\"王五,11010519491231002X,女,13912345678,1949-12-31,幸福小区,3,2,601,流动人口,\n\
赵六,110105195001010012,男,13712345678,1950-01-01,幸福小区,5,1,101,户籍人口,\n";
    let r = dir.join("ragged.csv");
    std::fs::write(&r, register).expect("write");
    let out = dir.join("out");
    let (code, text) = run(&[
        "--lang",
        "en",
        "convert",
        "--from",
        "csv",
        "--mapping",
        &m2.display().to_string(),
        &r.display().to_string(),
        "-o",
        &out.display().to_string(),
    ]);
    assert_eq!(code, ExitCode::from(1), "{text}");
    assert!(text.contains("(2 rows; 2 rows refused)"), "{text}");
    let persons = std::fs::read_to_string(out.join("person.ndjson")).expect("persons");
    assert!(!persons.contains("楼长"), "a column mapped to - is not kept");
    let rejects = std::fs::read_to_string(dir.join("out.rejects.csv")).expect("rejects beside the directory");
    let lines: Vec<&str> = rejects.lines().collect();
    assert_eq!(lines.len(), 3, "{rejects}");
    // The short row is padded: the reason stands in the 12th column, under 拒收原因.
    assert!(lines[1].starts_with("李秀英,11010519491231002X,女,,,,,,,,,"), "{rejects}");
    assert!(lines[2].contains("王五") && lines[2].contains("csv-malformed"), "{rejects}");
    // A later run that refuses nothing removes the stale rejects file.
    let clean = "姓名*,身份证号*,性别,手机号,出生日期,小区,楼栋,单元,房号,人口类型,备注\n\
沈建国,321083197812162119,男,13812345678,1978/12/16,幸福小区,3,2,502,户籍人口,楼长\n";
    std::fs::write(&r, clean).expect("write");
    let (code, text) = run(&[
        "convert",
        "--from",
        "csv",
        "--mapping",
        &m2.display().to_string(),
        &r.display().to_string(),
        "-o",
        &out.display().to_string(),
    ]);
    assert_eq!(code, ExitCode::SUCCESS, "{text}");
    assert!(!dir.join("out.rejects.csv").exists());
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn the_rejects_file_never_replaces_the_register_the_mapping_or_a_link_target() {
    let dir = tmp("rejects-safety");
    let (m, r) = write_inputs(&dir);
    let before = std::fs::read(&r).expect("register");
    let out = dir.join("o.ndjson").display().to_string();
    for target in [r.clone(), m.clone()] {
        let (code, text) =
            run(&["--lang", "en", "convert", "--from", "csv", "--mapping", &m, &r, "-o", &out, "--rejects", &target]);
        assert_eq!(code, ExitCode::from(2), "{text}");
        assert!(text.contains("is the input or the mapping"), "{text}");
    }
    assert_eq!(std::fs::read(&r).expect("register"), before);
    #[cfg(unix)]
    {
        let victim = dir.join("victim.txt");
        std::fs::write(&victim, "keep").expect("write");
        std::os::unix::fs::symlink(&victim, dir.join("o.ndjson.rejects.csv")).expect("link");
        let (code, text) = run(&["--lang", "en", "convert", "--from", "csv", "--mapping", &m, &r, "-o", &out]);
        assert_eq!(code, ExitCode::from(2), "{text}");
        assert!(text.contains("symbolic link"), "{text}");
        assert_eq!(std::fs::read_to_string(&victim).expect("victim"), "keep");
    }
    let _ = std::fs::remove_dir_all(&dir);
}
