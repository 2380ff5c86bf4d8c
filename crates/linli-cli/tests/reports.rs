//! Reports of `linli validate` for a department's day (issue 14): one verdict in every format,
//! examples of every rule, the record on every finding, the manifest on top, and a problem list
//! (CSV, Excel) to send back to the vendor.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::OnceLock;

mod support;
use support::{root, run};

fn path(p: &str) -> String {
    root().join(p).display().to_string()
}

struct Tmp(PathBuf);

impl Tmp {
    fn new(name: &str) -> Tmp {
        let d = std::env::temp_dir().join(format!("linli-reports-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&d);
        std::fs::create_dir_all(&d).unwrap();
        Tmp(d)
    }
    fn path(&self, name: &str) -> PathBuf {
        self.0.join(name)
    }
}

impl Drop for Tmp {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A generated dataset of about 3,000 records, 10 % of them with a seeded defect, made once.
fn defective() -> &'static Path {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let d = std::env::temp_dir().join(format!("linli-reports-defective-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&d);
        let (code, out) =
            run(&["generate", "--records", "3000", "--seed", "14", "--defects", "0.1", "-o", d.to_str().unwrap()]);
        assert_eq!(code, ExitCode::SUCCESS, "{out}");
        d
    })
}

fn json(args: &[&str]) -> (ExitCode, serde_json::Value) {
    let mut all = vec!["--lang", "en", "validate", "--format", "json"];
    all.extend_from_slice(args);
    let (code, out) = run(&all);
    (code, serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {out}")))
}

/// An NDJSON file whose only finding is at level info (a blank line between two valid records).
fn info_only(t: &Tmp) -> String {
    let people = std::fs::read_to_string(root().join("examples/datasets/gusu-huqiu/person.ndjson")).unwrap();
    let mut lines = people.lines();
    let text = format!("{}\n\n{}\n", lines.next().unwrap(), lines.next().unwrap());
    let p = t.path("info.ndjson");
    std::fs::write(&p, text).unwrap();
    p.display().to_string()
}

#[test]
fn every_format_gives_the_same_verdict_for_every_fail_level() {
    let t = Tmp::new("verdict");
    let inputs = [
        ("clean", path("examples/datasets/gusu-huqiu")),
        ("warning", path("conformance/datasets/duplicate-person/dataset")),
        ("error", path("conformance/datasets/record-bad-id-number/dataset")),
        ("info", info_only(&t)),
    ];
    let mut seen = BTreeMap::new();
    for (name, input) in &inputs {
        for fail_on in ["error", "warning", "info"] {
            let base = ["--lang", "en", "validate", "--fail-on", fail_on];
            let with = |format: &str| {
                let mut a = base.to_vec();
                a.extend(["--format", format, input.as_str()]);
                run(&a)
            };
            let (code, text) = with("text");
            let pass = code == ExitCode::SUCCESS;
            assert!(pass || code == ExitCode::from(1), "{name} {fail_on}: {text}");
            let last = text.lines().last().unwrap();
            assert!(last.starts_with(if pass { "Result: PASS" } else { "Result: FAIL" }), "{name} {fail_on}: {last}");
            let (c, j) = with("json");
            let j: serde_json::Value = serde_json::from_str(&j).unwrap();
            assert_eq!((c, j["valid"].as_bool()), (code, Some(pass)), "{name} {fail_on} json");
            assert_eq!(j["fail_on"], fail_on);
            let (c, x) = with("junit");
            let failures = x.split("failures=\"").nth(1).unwrap().split('"').next().unwrap().to_owned();
            assert_eq!((c, failures == "0"), (code, pass), "{name} {fail_on} junit: {x}");
            let (c, h) = with("html");
            assert_eq!(c, code, "{name} {fail_on} html");
            assert!(h.contains(&format!("id=\"verdict\" data-valid=\"{pass}\"")), "{name} {fail_on}: html");
            assert!(h.contains(if pass { "<strong>PASS</strong>" } else { "<strong>FAIL</strong>" }));
            let (c, _) = with("csv");
            assert_eq!(c, code, "{name} {fail_on} csv");
            // zh says the same.
            let (c, zh) = run(&["--lang", "zh", "validate", "--fail-on", fail_on, input.as_str()]);
            assert_eq!(c, code);
            let last = zh.lines().last().unwrap();
            assert!(last.starts_with(if pass { "结论：合格" } else { "结论：不合格" }), "{last}");
            seen.insert((*name, fail_on), pass);
        }
    }
    // And the verdicts are the right ones: each input fails exactly from its worst level down.
    let want = [
        (("clean", "error"), true),
        (("clean", "warning"), true),
        (("clean", "info"), true),
        (("warning", "error"), true),
        (("warning", "warning"), false),
        (("warning", "info"), false),
        (("error", "error"), false),
        (("error", "warning"), false),
        (("error", "info"), false),
        (("info", "error"), true),
        (("info", "warning"), true),
        (("info", "info"), false),
    ];
    assert_eq!(seen, want.into_iter().collect());
}

#[test]
fn warnings_are_visible_in_junit_even_when_they_do_not_fail() {
    let warn = path("conformance/datasets/duplicate-person/dataset");
    let (code, x) = run(&["--lang", "en", "validate", "--format", "junit", &warn]);
    assert_eq!(code, ExitCode::SUCCESS);
    assert!(x.contains("failures=\"0\""), "{x}");
    assert!(x.contains("classname=\"linli.validate.warning\" name=\"duplicate-person — "), "{x}");
    assert!(x.contains("<system-out>"), "{x}");
    let (code, x) = run(&["--lang", "en", "validate", "--format", "junit", "--fail-on", "warning", &warn]);
    assert_eq!(code, ExitCode::from(1));
    assert!(x.contains("<failure type=\"duplicate-person\""), "{x}");
}

#[test]
fn every_rule_found_has_examples_and_counting_is_never_capped() {
    let d = defective().to_str().unwrap();
    let (code, r) = json(&["--max-per-rule", "2", "--max-findings", "5", d]);
    assert_eq!(code, ExitCode::from(1));
    let rules = r["rules"].as_array().unwrap();
    assert!(rules.len() >= 6, "{rules:?}");
    let mut total = 0;
    let mut listed = 0;
    for rule in rules {
        let (count, n) = (rule["count"].as_u64().unwrap(), rule["listed"].as_u64().unwrap());
        assert!((1..=2).contains(&n) && n <= count, "{rule}");
        let code = rule["code"].as_str().unwrap();
        let in_list = r["findings"].as_array().unwrap().iter().filter(|f| f["code"] == code).count() as u64;
        assert_eq!(in_list, n, "{code}");
        total += count;
        listed += n;
    }
    assert_eq!(total, r["errors"].as_u64().unwrap() + r["warnings"].as_u64().unwrap() + r["infos"].as_u64().unwrap());
    assert_eq!(r["findings_omitted"].as_u64().unwrap(), total - listed);
    // Rules in one order: level, count (most first), code; findings grouped in that order.
    let order: Vec<(u8, std::cmp::Reverse<u64>, &str)> = rules
        .iter()
        .map(|x| {
            let lvl = match x["level"].as_str().unwrap() {
                "error" => 0,
                "warning" => 1,
                _ => 2,
            };
            (lvl, std::cmp::Reverse(x["count"].as_u64().unwrap()), x["code"].as_str().unwrap())
        })
        .collect();
    let mut sorted = order.clone();
    sorted.sort();
    assert_eq!(order, sorted);
    let codes: Vec<&str> = rules.iter().map(|x| x["code"].as_str().unwrap()).collect();
    let mut grouped: Vec<&str> =
        r["findings"].as_array().unwrap().iter().map(|f| f["code"].as_str().unwrap()).collect();
    grouped.dedup();
    assert_eq!(grouped, codes);

    // The same rules, in the same order, each with its examples, in text and HTML.
    let (_, text) = run(&["--lang", "en", "validate", "--max-per-rule", "2", d]);
    let heads: Vec<&str> = text
        .lines()
        .filter(|l| l.starts_with("error ") || l.starts_with("warning ") || l.starts_with("info "))
        .map(|l| l.split([' ', ':']).nth(1).unwrap())
        .collect();
    assert_eq!(heads, codes, "{text}");
    let (_, html) = run(&["--lang", "en", "validate", "--format", "html", "--max-per-rule", "2", d]);
    let sections: Vec<&str> = html.split("<details class=\"rule\"").skip(1).collect();
    assert_eq!(sections.len(), codes.len());
    for (s, code) in sections.iter().zip(&codes) {
        assert!(s.starts_with(&format!(" data-code=\"{code}\"")), "{s}");
        let body = s.split("</details>").next().unwrap();
        assert!(body.contains("<tr class=\"finding\">"), "a rule without an example: {body}");
    }
}

#[test]
fn pick_and_skip_choose_the_rules_checked() {
    let bad = path("conformance/datasets/record-bad-id-number/dataset");
    let (code, r) = json(&["--skip", "id-number-check-character", &bad]);
    assert_eq!(code, ExitCode::SUCCESS);
    assert_eq!(
        (r["valid"].as_bool(), r["errors"].as_u64(), r["findings_filtered"].as_u64()),
        (Some(true), Some(0), Some(1))
    );
    assert_eq!(r["records_invalid"], 0, "a finding not checked makes no record invalid");
    let (_, text) = run(&["--lang", "en", "validate", "--skip", "PER-008", &bad]);
    assert!(text.contains("some rules not checked") && text.contains("Result: PASS"), "{text}");

    let d = defective().to_str().unwrap();
    let (_, r) = json(&["--pick", "schema-*,PER-008", d]);
    let rules: Vec<&str> = r["rules"].as_array().unwrap().iter().map(|x| x["code"].as_str().unwrap()).collect();
    assert!(!rules.is_empty());
    for x in r["rules"].as_array().unwrap() {
        let code = x["code"].as_str().unwrap();
        assert!(code.starts_with("schema-") || x["requirement"] == "PER-008", "{code}");
    }
    assert!(r["findings_filtered"].as_u64().unwrap() > 0);

    for bad_rule in ["no-such-rule", "XYZ-999", "schema-requried"] {
        let (code, out) = run(&["--lang", "en", "validate", "--pick", bad_rule, &bad]);
        assert_eq!(code, ExitCode::from(2), "{bad_rule}: {out}");
        assert!(out.contains(bad_rule) && out.contains("error[usage]"), "{out}");
    }
}

#[test]
fn every_finding_names_its_record_and_the_manifest_is_on_top() {
    let d = defective().to_str().unwrap();
    let (_, r) = json(&["--max-per-rule", "0", "--max-findings", "100000", d]);
    let findings = r["findings"].as_array().unwrap();
    assert!(findings.len() > 100);
    for f in findings {
        assert!(f["record_type"].is_string() && f["record_id"].is_string(), "{f}");
    }
    let ds = &r["datasets"][0];
    assert_eq!((ds["vendor"].as_str(), ds["sharing_level"].as_str()), (Some("Linli"), Some("internal")));
    assert!(ds["created_at"].as_str().unwrap().starts_with("20"));

    let (_, text) = run(&["--lang", "en", "validate", "--max-per-rule", "0", "--max-findings", "100000", d]);
    assert!(text.starts_with("dataset ") && text.lines().next().unwrap().contains("sharing level internal"), "{text}");
    let (_, csv) = run(&["--lang", "en", "validate", "--format", "csv", d]);
    let (_, html) =
        run(&["--lang", "en", "validate", "--format", "html", "--max-per-rule", "0", "--max-findings", "100000", d]);
    assert!(html.contains("<table id=\"datasets\">"));
    for f in findings.iter().step_by(7) {
        let record = format!("{} {}", f["record_type"].as_str().unwrap(), f["record_id"].as_str().unwrap());
        let at = format!("{}:{}:", f["file"].as_str().unwrap(), f["line"]);
        assert!(text.lines().any(|l| l.contains(&at) && l.contains(&record)), "text lacks {at} {record}");
        let row = format!(
            "{},{},{},{}",
            f["file"].as_str().unwrap(),
            f["line"],
            f["record_type"].as_str().unwrap(),
            f["record_id"].as_str().unwrap()
        );
        assert!(csv.contains(&row), "csv lacks {row}");
        assert!(html.contains(&format!("<td><code>{record}</code></td>")), "html lacks {record}");
    }
    let (_, x) = run(&["--lang", "en", "validate", "--format", "junit", d]);
    assert!(x.contains("<property name=\"producer\" value=\"Linli / linli generate "), "{x}");
}

#[test]
fn the_csv_problem_list_opens_in_excel_and_lists_every_finding() {
    let d = defective().to_str().unwrap();
    let (code, csv) = run(&["--lang", "zh", "validate", "--format", "csv", d]);
    assert_eq!(code, ExitCode::from(1));
    assert!(csv.starts_with('\u{feff}'), "a byte order mark, for Excel and WPS");
    assert!(csv.contains("\r\n"));
    let (_, r) = json(&[d]);
    let total = r["errors"].as_u64().unwrap() + r["warnings"].as_u64().unwrap() + r["infos"].as_u64().unwrap();
    let mut rd = csv::ReaderBuilder::new().from_reader(csv.trim_start_matches('\u{feff}').as_bytes());
    let head = rd.headers().unwrap().clone();
    assert_eq!(head.len(), 13);
    assert_eq!(&head[0], "文件 File");
    assert_eq!(&head[3], "记录编号 Record ID");
    let rows: Vec<csv::StringRecord> = rd.records().map(Result::unwrap).collect();
    assert_eq!(rows.len() as u64, total, "every finding, not examples");
    for row in &rows {
        assert_eq!(row.len(), 13);
        assert!(!row[8].is_empty() && !row[10].is_empty() && !row[11].is_empty(), "{row:?}");
        for cell in row.iter() {
            assert!(!cell.starts_with(['=', '+', '@']), "{cell}");
        }
    }
    // Member names in both languages where the member is known.
    assert!(rows.iter().any(|r| &r[4] == "/identifiers/0/value" && !r[5].is_empty() && !r[6].is_empty()));
    // No ID number in full: the values of personal members are masked.
    for row in rows.iter().filter(|r| &r[8] == "id-number-check-character") {
        assert!(row[12].contains("****"), "{row:?}");
    }
}

#[test]
fn the_excel_problem_list_has_the_problems_and_a_summary() {
    use calamine::{Reader, Xlsx};
    let t = Tmp::new("xlsx");
    let out = t.path("problems.xlsx");
    let d = defective().to_str().unwrap();
    let (code, text) = run(&["--lang", "zh", "validate", "--format", "xlsx", "-o", out.to_str().unwrap(), d]);
    assert_eq!(code, ExitCode::from(1), "{text}");
    let (_, csv) = run(&["--lang", "zh", "validate", "--format", "csv", d]);
    let csv_rows = csv.lines().count();
    let mut book: Xlsx<_> = calamine::open_workbook(&out).unwrap();
    assert_eq!(book.sheet_names(), ["问题 Problems", "汇总 Summary"]);
    let problems = book.worksheet_range("问题 Problems").unwrap();
    assert_eq!(problems.height(), csv_rows);
    assert_eq!(problems.get((0, 0)).unwrap().to_string(), "文件 File");
    let summary = book.worksheet_range("汇总 Summary").unwrap();
    let first = summary.get((0, 1)).unwrap().to_string();
    assert!(first.starts_with("结论：不合格"), "{first}");
}

/// A name written into an id — the record's own (`张三`), a reference's (`李四`), a
/// `meta.sourceId` (`王秀英-01`) — breaks [CON-010]/[CON-013], and no digit rule finds it: every
/// format names the record and shows the value masked (`张*`), never the name `[PRI-011]`. So is
/// a name written as a member name or where a time belongs.
#[test]
fn a_name_written_into_an_id_is_masked_in_every_format() {
    let t = Tmp::new("name-in-id");
    let mut event: serde_json::Value =
        serde_json::from_slice(&std::fs::read(root().join("examples/records/event-smoke-alarm.json")).unwrap())
            .unwrap();
    event["id"] = "张三".into();
    event["place"]["id"] = "李四".into();
    event["meta"]["sourceId"] = "王秀英-01".into();
    let mut other = event.clone();
    other["id"] = "赵六六".into();
    // A name as a member name and where a time belongs (found by review).
    other["钱七七"] = 1.into();
    other["meta"]["createdAt"] = "孙八八".into();
    let input = t.path("names.ndjson");
    std::fs::write(&input, format!("{event}\n{other}\n")).unwrap();
    let names = ["张三", "李四", "王秀英", "赵六六", "钱七七", "孙八八"];
    for format in ["text", "json", "junit", "html", "csv"] {
        for lang in ["zh", "en"] {
            let out = t.path(&format!("report.{format}"));
            let (code, _) = run(&[
                "--lang",
                lang,
                "validate",
                "--format",
                format,
                "-o",
                out.to_str().unwrap(),
                input.to_str().unwrap(),
            ]);
            assert_eq!(code, ExitCode::from(1), "{format} {lang}");
            let text = std::fs::read_to_string(&out).unwrap();
            for name in names {
                assert!(!text.contains(name), "{format} {lang}: {name} printed:\n{text}");
            }
            // The record is still named: its type and the masked id.
            assert!(text.contains("张*"), "{format} {lang}: the masked id is missing:\n{text}");
        }
    }
}
