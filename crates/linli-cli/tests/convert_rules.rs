//! `linli convert`: exit codes 0/1/2, the `--from` hint, `--datum` refusal and the per-format
//! `--mapping` (`spec/18-adapters.md` 18.8, [ADP-075]–[ADP-077]; 18.4 [ADP-032]).

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::PathBuf;
use std::process::ExitCode;

mod support;
use support::{root, run};

fn corpus(name: &str) -> String {
    root().join("crates/linli-adapters/tests/corpus/open311").join(name).display().to_string()
}

fn temp(tag: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("linli-convert-rules-{tag}-{}", std::process::id()));
    std::fs::create_dir_all(&d).unwrap();
    d
}

#[test]
fn exit_0_when_every_record_converted_with_notes_and_a_mapping_gives_categories() {
    let dir = temp("ok");
    let out = dir.join("out.ndjson");
    let o = out.display().to_string();
    let (code, text) = run(&[
        "--lang",
        "en",
        "convert",
        "--from",
        "open311",
        "--mapping",
        &corpus("chicago-mapping.toml"),
        &corpus("chicago-requests.json"),
        "-o",
        &o,
    ]);
    assert_eq!(code, ExitCode::SUCCESS, "{text}");
    assert!(text.contains("read 3 records, wrote 3"), "{text}");
    let written = std::fs::read_to_string(&out).unwrap();
    assert!(written.contains("\"category\":\"facility.damage\""), "{written}");
    assert!(written.contains("\"category\":\"environment.sanitation\""), "{written}");
    // Zone-less times, 0,0 and text coordinates are notes: still exit 0.
    let (code, text) = run(&[
        "convert",
        "--from",
        "open311",
        "--mapping",
        &corpus("platform-mapping.toml"),
        "--datum",
        "gcj02",
        &corpus("platform-zoneless.json"),
        "-o",
        &o,
    ]);
    assert_eq!(code, ExitCode::SUCCESS, "{text}");
    let written = std::fs::read_to_string(&out).unwrap();
    assert!(written.contains("\"reportedAt\":\"2024-05-03T08:41:09+08:00\""), "{written}");
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn exit_1_when_records_were_refused() {
    let dir = temp("refused");
    let o = dir.join("out.ndjson").display().to_string();
    let (code, text) = run(&["--lang", "en", "convert", "--from", "open311", &corpus("post-response.json"), "-o", &o]);
    assert_eq!(code, ExitCode::from(1), "{text}");
    assert!(text.contains("error[open311-post-response]"), "{text}");
    let (code, text) = run(&["convert", "--from", "open311-xml", &corpus("fixmystreet-requests.xml"), "-o", &o]);
    assert_eq!(code, ExitCode::from(1), "{text}");
    std::fs::remove_dir_all(&dir).ok();
}

/// Every record refused: nothing to write, so no output — neither an empty file nor an empty
/// dataset directory, which would read as a conversion that found nothing — and the summary says
/// so, in both languages.
#[test]
fn no_output_is_written_when_every_record_is_refused() {
    let dir = temp("all-refused");
    let input = dir.join("bad.ndjson");
    std::fs::write(&input, "{\"type\":\"Person\",\"id\":\"P-1\"}\nnot json\n").unwrap();
    let input = input.display().to_string();
    for (lang, said) in [("en", "every record was refused"), ("zh", "所有记录均被拒绝")] {
        for out in ["out.ndjson", "out-dir", "out.geojson"] {
            let o = dir.join(format!("{lang}-{out}"));
            let to = if out.ends_with("geojson") { "geojson" } else { "linli" };
            let os = o.display().to_string();
            let (code, text) = run(&["--lang", lang, "convert", "--from", "linli", "--to", to, &input, "-o", &os]);
            assert_eq!(code, ExitCode::from(1), "{text}");
            assert!(text.contains(said) && text.contains("read 0 records, wrote 0") == (lang == "en"), "{text}");
            assert!(!o.exists(), "{lang} {out}: {text}");
        }
    }
    // A register whose every row is refused (streamed: the output is opened before the first row).
    let mapping = root().join("examples/adapters/csv/population-register.toml").display().to_string();
    let register = dir.join("bad.csv");
    std::fs::write(
        &register,
        "人员编号,姓名,性别,民族,出生日期,公民身份号码,联系电话,户籍地址,现住址,户号,与户主关系,政治面貌\n\
         RK1,王丽,火星人,汉,明天,1,2,,,3,4,5\n",
    )
    .unwrap();
    let register = register.display().to_string();
    for out in ["reg.ndjson", "reg-dir"] {
        let o = dir.join(out);
        let os = o.display().to_string();
        let (code, text) =
            run(&["--lang", "en", "convert", "--from", "csv", "--mapping", &mapping, &register, "-o", &os]);
        assert_eq!(code, ExitCode::from(1), "{text}");
        assert!(text.contains("every record was refused"), "{text}");
        assert!(!o.exists(), "{out}: {text}");
    }
    // Refused with some records converted: those are written.
    let input2 = dir.join("some.ndjson");
    let good = std::fs::read_to_string(root().join("examples/datasets/gusu-huqiu/organization.ndjson")).unwrap();
    std::fs::write(&input2, format!("{good}not json\n")).unwrap();
    let o = dir.join("some.ndjson.out.ndjson");
    let (code, text) = run(&[
        "--lang",
        "en",
        "convert",
        "--from",
        "linli",
        &input2.display().to_string(),
        "-o",
        &o.display().to_string(),
    ]);
    assert_eq!(code, ExitCode::from(1), "{text}");
    assert!(!text.contains("every record was refused"), "{text}");
    assert_eq!(std::fs::read_to_string(&o).unwrap().lines().count(), 2, "{text}");
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn exit_2_with_a_hint_when_the_input_is_another_format() {
    let dir = temp("wrong");
    let o = dir.join("out.ndjson").display().to_string();
    let input = corpus("wrong-format-cloudevent.json");
    let (code, text) = run(&["--lang", "en", "convert", "--from", "open311", &input, "-o", &o]);
    assert_eq!(code, ExitCode::from(2), "{text}");
    assert!(text.starts_with("error[adapter-wrong-format]:") && text.contains("try --from cloudevents"), "{text}");
    let (code, text) = run(&["--lang", "zh", "convert", "--from", "open311", &input, "-o", &o]);
    assert_eq!(code, ExitCode::from(2), "{text}");
    assert!(text.contains("请改用 --from cloudevents"), "{text}");
    // Open311 XML read as JSON: the hint names the XML form.
    let (code, text) = run(&["convert", "--from", "open311", &corpus("toronto-requests.xml"), "-o", &o]);
    assert_eq!(code, ExitCode::from(2), "{text}");
    assert!(text.contains("--from open311-xml"), "{text}");
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn a_datum_is_refused_where_there_are_no_coordinates() {
    let dir = temp("datum");
    let o = dir.join("out.ndjson").display().to_string();
    let mapping = root().join("examples/adapters/csv/population-register.toml").display().to_string();
    let input = root().join("examples/adapters/csv/population-register.csv").display().to_string();
    let (code, text) =
        run(&["--lang", "en", "convert", "--from", "csv", "--mapping", &mapping, "--datum", "gcj02", &input, "-o", &o]);
    assert_eq!(code, ExitCode::from(2), "{text}");
    assert!(text.starts_with("error[adapter-datum-not-honoured]:") && text.contains("--datum gcj02"), "{text}");
    let (code, text) =
        run(&["convert", "--from", "open311", "--datum", "mars", &corpus("chicago-single.json"), "-o", &o]);
    assert_eq!(code, ExitCode::from(2), "{text}");
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn a_bad_open311_mapping_is_a_usage_error_naming_the_entry() {
    let dir = temp("mapping");
    let o = dir.join("out.ndjson").display().to_string();
    let m = dir.join("bad.toml");
    std::fs::write(&m, "[service_code]\n\"4ffa\" = \"road.pothole\"\n").unwrap();
    let m = m.display().to_string();
    let (code, text) = run(&[
        "--lang",
        "en",
        "convert",
        "--from",
        "open311",
        "--mapping",
        &m,
        &corpus("chicago-single.json"),
        "-o",
        &o,
    ]);
    assert_eq!(code, ExitCode::from(2), "{text}");
    assert!(text.starts_with("error[adapter-mapping]:") && text.contains("road.pothole"), "{text}");
    // The mapping file is named, not the input, with the code table and the command listing it.
    assert!(text.contains(&m) && !text.contains("chicago-single.json"), "{text}");
    assert!(text.contains("linli codes case-category"), "{text}");
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn a_bad_ngsi_ld_mapping_names_the_mapping_file_and_every_problem() {
    let dir = temp("ngsi-mapping");
    let o = dir.join("out.ndjson").display().to_string();
    let input = dir.join("in.json");
    std::fs::write(&input, r#"{"id": "urn:ngsi-ld:Hive:1", "type": "Hive"}"#).unwrap();
    let input = input.display().to_string();
    let m = dir.join("types.toml");
    let bad =
        "[types.Hive]\nrecord = \"Thing\"\nkind = \"nope\"\n[types.Swarm]\nrecord = \"Event\"\ncategory = \"bogus\"\n";
    std::fs::write(&m, bad).unwrap();
    let m = m.display().to_string();
    let args = ["--lang", "en", "convert", "--from", "ngsi-ld", "--mapping", &m, &input, "-o", &o];
    let (code, text) = run(&args);
    assert_eq!(code, ExitCode::from(2), "{text}");
    assert!(text.starts_with("error[adapter-mapping]:") && text.contains(&m) && !text.contains("in.json"), "{text}");
    assert!(text.contains("linli codes thing-kind") && text.contains("linli codes event-category"), "{text}");
    // A TOML syntax error gives its line and column.
    std::fs::write(&m, "[types.Hive]\nrecord = \"Thing\"\nkind = \n").unwrap();
    let (code, text) = run(&args);
    assert_eq!(code, ExitCode::from(2), "{text}");
    assert!(text.contains("line 3 column"), "{text}");
    std::fs::remove_dir_all(&dir).ok();
}

/// [ADP-032]: `--mapping` works when writing Open311 (JSON and XML) from canonical records: a
/// read → write round trip with the city's mapping file gives each request its own code back,
/// also where two codes share one category (Street Light Out and Pothole are both
/// `facility.damage`).
#[test]
fn an_open311_mapping_restores_the_city_codes_on_writing() {
    let dir = temp("open311-back");
    let cases = dir.join("cases.ndjson").display().to_string();
    let mapping = corpus("chicago-mapping.toml");
    let (code, text) =
        run(&["convert", "--from", "open311", "--mapping", &mapping, &corpus("chicago-requests.json"), "-o", &cases]);
    assert_eq!(code, ExitCode::SUCCESS, "{text}");
    let original: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(corpus("chicago-requests.json")).unwrap()).unwrap();
    let codes = |v: &serde_json::Value| -> Vec<String> {
        v.as_array().unwrap().iter().map(|q| q["service_code"].as_str().unwrap().to_owned()).collect()
    };
    for to in ["open311", "open311-xml"] {
        let back = dir.join(format!("back.{to}")).display().to_string();
        let (code, text) = run(&[
            "--lang",
            "en",
            "convert",
            "--from",
            "linli",
            "--to",
            to,
            "--mapping",
            &mapping,
            &cases,
            "-o",
            &back,
        ]);
        assert_eq!(code, ExitCode::SUCCESS, "{to}: {text}");
        let written = std::fs::read_to_string(&back).unwrap();
        if to == "open311" {
            assert_eq!(codes(&serde_json::from_str(&written).unwrap()), codes(&original));
        } else {
            for c in codes(&original) {
                assert!(written.contains(&format!("<service_code>{c}</service_code>")), "{c}: {written}");
            }
        }
    }
    // A mapping for another writer is still a usage error.
    let (code, text) =
        run(&["convert", "--from", "linli", "--to", "geojson", "--mapping", &mapping, &cases, "-o", &cases]);
    assert_eq!(code, ExitCode::from(2), "{text}");
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn a_given_conversion_time_makes_the_output_reproducible() {
    let dir = temp("received-at");
    let input = root().join("crates/linli-adapters/tests/corpus/geojson/datav-district-multipolygon.json");
    let input = input.display().to_string();
    let (a, b) = (dir.join("a.ndjson"), dir.join("b.ndjson"));
    for out in [&a, &b] {
        let (code, text) = run(&[
            "--lang",
            "en",
            "convert",
            "--from",
            "geojson",
            "--received-at",
            "2024-05-22T09:00:00+08:00",
            &input,
            "-o",
            &out.display().to_string(),
        ]);
        assert_eq!(code, ExitCode::SUCCESS, "{text}");
    }
    let (a, b) = (std::fs::read_to_string(&a).unwrap(), std::fs::read_to_string(&b).unwrap());
    assert_eq!(a, b);
    assert!(a.contains("\"createdAt\":\"2024-05-22T09:00:00+08:00\""), "{a}");
    let (code, text) = run(&[
        "convert",
        "--from",
        "geojson",
        "--received-at",
        "yesterday",
        &input,
        "-o",
        &dir.join("c.ndjson").display().to_string(),
    ]);
    assert_eq!(code, ExitCode::from(2));
    assert!(text.contains("--received-at"), "{text}");
}

/// `convert --from linli` refuses, as an adapter does [ADP-004], a record whose id, source id or
/// reference id holds a personal number [CON-013]: it is not written, exit 1, and the message
/// gives the code and pointer, never the number.
#[test]
fn convert_from_linli_refuses_ids_holding_personal_numbers() {
    let dir = temp("personal-ids");
    let text = std::fs::read_to_string(root().join("examples/datasets/gusu-huqiu/case.ndjson")).unwrap();
    let first: serde_json::Value = serde_json::from_str(text.lines().next().unwrap()).unwrap();
    let mut by_id = first.clone();
    by_id["id"] = "C-11010519491231002X".into();
    let mut by_ref = first.clone();
    by_ref["id"] = "C-2".into();
    by_ref["events"][0]["id"] = "E-138.1234.5678".into();
    let input = dir.join("in.ndjson");
    let lines: Vec<String> = [&first, &by_id, &by_ref].iter().map(|v| v.to_string()).collect();
    std::fs::write(&input, lines.join("\n") + "\n").unwrap();
    let out = dir.join("out.ndjson");
    let (code, text) = run(&[
        "--lang",
        "en",
        "convert",
        "--from",
        "linli",
        &input.display().to_string(),
        "-o",
        &out.display().to_string(),
    ]);
    assert_eq!(code, ExitCode::from(1), "{text}");
    // As the validator names a member: file:line, code, pointer [ADP-004].
    let i = input.display().to_string();
    assert!(text.contains("id-holds-personal-number"), "{text}");
    assert!(text.contains(&format!("{i}:2: error[adapter-record-invalid] /id: ")), "{text}");
    assert!(text.contains(&format!("{i}:3: error[adapter-record-invalid] /events/0/id: ")), "{text}");
    assert!(!text.contains("11010519491231002X") && !text.contains("1234.5678"), "{text}");
    let written = std::fs::read_to_string(&out).unwrap();
    assert_eq!(written.lines().count(), 1, "{written}");
    assert!(written.contains("C-2024-0517") && !written.contains("11010519491231002X") && !written.contains("5678"));
    std::fs::remove_dir_all(&dir).ok();
}
