//! The report cases of the suite (`conformance/reports/*.json`) run against `linli validate`:
//! for each, the JSON report says exactly what the case expects, and every other format says
//! the same — one verdict, the rules in one order with their examples, every finding naming its
//! record, the manifest on top, and one problem-list row per finding listed `[VAL-020]`–`[VAL-024]`.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::process::ExitCode;

use linli_conformance::vector::{ReportCase, report_cases};

mod support;
use support::{root, run};

fn args(case: &ReportCase, format: &str, lang: &str) -> Vec<String> {
    let mut a: Vec<String> = ["--lang", lang, "validate", "--format", format].map(String::from).to_vec();
    let o = &case.options;
    if let Some(f) = &o.fail_on {
        a.extend(["--fail-on".into(), f.clone()]);
    }
    if let Some(n) = o.max_per_rule {
        a.extend(["--max-per-rule".into(), n.to_string()]);
    }
    if let Some(n) = o.max_findings {
        a.extend(["--max-findings".into(), n.to_string()]);
    }
    for p in &o.pick {
        a.extend(["--pick".into(), p.clone()]);
    }
    for p in &o.skip {
        a.extend(["--skip".into(), p.clone()]);
    }
    if let Some(m) = &o.memory_limit {
        a.extend(["--memory-limit".into(), m.clone()]);
    }
    let suite = root().join("conformance");
    a.extend(case.inputs.iter().map(|i| suite.join(i).display().to_string()));
    a
}

fn run_case(case: &ReportCase, format: &str, lang: &str) -> (ExitCode, String) {
    let a = args(case, format, lang);
    let refs: Vec<&str> = a.iter().map(String::as_str).collect();
    run(&refs)
}

fn check(case: &ReportCase) -> Result<(), String> {
    let id = &case.id;
    let want_code = ExitCode::from(case.expected.exit_code);
    let (code, json) = run_case(case, "json", "en");
    if code != want_code {
        return Err(format!("{id}: exit code {code:?}, expected {}: {json}", case.expected.exit_code));
    }
    if case.expected.exit_code == 2 {
        let want = format!("error[{}]", case.expected.run_error.as_deref().unwrap_or("usage"));
        if !json.contains(&want) {
            return Err(format!("{id}: refused without {want}: {json}"));
        }
        return Ok(());
    }
    let r: serde_json::Value = serde_json::from_str(&json).map_err(|e| format!("{id}: {e}"))?;
    // Within a memory limit the report is the one without, timing aside [VAL-025].
    if case.options.memory_limit.is_some() {
        let mut unlimited = case.clone();
        unlimited.options.memory_limit = None;
        let (c, other) = run_case(&unlimited, "json", "en");
        let untimed = |text: &str| {
            let mut v: serde_json::Value = serde_json::from_str(text).unwrap_or_default();
            for k in ["started_at", "duration_ms"] {
                v[k] = serde_json::Value::Null;
            }
            v
        };
        if c != code || untimed(&other) != untimed(&json) {
            return Err(format!("{id}: the report within --memory-limit differs from the one without"));
        }
        for format in ["text", "csv"] {
            if run_case(case, format, "zh") != run_case(&unlimited, format, "zh") {
                return Err(format!("{id}: the {format} report within --memory-limit differs from the one without"));
            }
        }
    }
    let pass = case.expected.exit_code == 0;
    if r["valid"].as_bool() != Some(pass) {
        return Err(format!("{id}: JSON valid is {}, the exit code says {pass}", r["valid"]));
    }
    let rules: Vec<(String, String, u64, u64)> = r["rules"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| {
            (
                x["code"].as_str().unwrap().to_owned(),
                x["level"].as_str().unwrap().to_owned(),
                x["count"].as_u64().unwrap(),
                x["listed"].as_u64().unwrap(),
            )
        })
        .collect();
    let want: Vec<(String, String, u64, u64)> =
        case.expected.rules.iter().map(|x| (x.code.clone(), x.level.clone(), x.count, x.listed)).collect();
    if rules != want {
        return Err(format!("{id}: rules {rules:?}, expected {want:?}"));
    }
    for (name, got, want) in [
        ("records_invalid", r["records_invalid"].as_u64(), case.expected.records_invalid),
        ("findings_filtered", r["findings_filtered"].as_u64(), case.expected.findings_filtered),
    ] {
        if want.is_some() && got != want {
            return Err(format!("{id}: {name} is {got:?}, expected {want:?}"));
        }
    }
    if !case.expected.datasets.is_empty() {
        let got: Vec<(String, String)> = r["datasets"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| (d["vendor"].as_str().unwrap().to_owned(), d["sharing_level"].as_str().unwrap().to_owned()))
            .collect();
        let want: Vec<(String, String)> =
            case.expected.datasets.iter().map(|d| (d.vendor.clone(), d.sharing_level.clone())).collect();
        if got != want {
            return Err(format!("{id}: datasets {got:?}, expected {want:?}"));
        }
    }
    let findings = r["findings"].as_array().unwrap();
    let codes: Vec<&str> = rules.iter().map(|x| x.0.as_str()).collect();
    // A finding at a line of a data file is about a record: it names the record [VAL-022].
    let about_records: Vec<&serde_json::Value> = findings
        .iter()
        .filter(|f| f["line"].is_u64() && !f["file"].as_str().unwrap_or("").ends_with("manifest.json"))
        .collect();
    for f in &about_records {
        if !f["record_type"].is_string() || !f["record_id"].is_string() {
            return Err(format!("{id}: a finding without its record: {f}"));
        }
    }

    // Text: the same rules in the same order, each with its listed findings; the verdict last.
    let (c, text) = run_case(case, "text", "en");
    let heads: Vec<&str> = text
        .lines()
        .filter(|l| l.starts_with("error ") || l.starts_with("warning ") || l.starts_with("info "))
        .map(|l| l.split([' ', ':']).nth(1).unwrap())
        .collect();
    let last = text.lines().last().unwrap_or("");
    if c != code || heads != codes || !last.starts_with(if pass { "Result: PASS" } else { "Result: FAIL" }) {
        return Err(format!("{id}: text disagrees ({c:?}, {heads:?}, {last}):\n{text}"));
    }
    for f in &about_records {
        let record = format!("{} {}", f["record_type"].as_str().unwrap(), f["record_id"].as_str().unwrap());
        if !text.lines().any(|l| l.contains(&record) && l.contains(f["code"].as_str().unwrap())) {
            return Err(format!("{id}: text does not name {record}"));
        }
    }
    let (c, zh) = run_case(case, "text", "zh");
    let last = zh.lines().last().unwrap_or("");
    if c != code || !last.starts_with(if pass { "结论：合格" } else { "结论：不合格" }) {
        return Err(format!("{id}: zh text disagrees: {last}"));
    }
    // Datasets on top, before the first rule.
    if !r["datasets"].as_array().unwrap().is_empty() && !text.starts_with("dataset ") {
        return Err(format!("{id}: the text does not start with the datasets:\n{text}"));
    }

    // JUnit: failures 0 exactly on PASS; a test case per rule.
    let (c, xml) = run_case(case, "junit", "en");
    let failures = xml.split("failures=\"").nth(1).and_then(|s| s.split('"').next()).unwrap_or("?");
    if c != code || (failures == "0") != pass {
        return Err(format!("{id}: JUnit disagrees ({failures} failures)"));
    }
    for rule in &codes {
        if !xml.contains(&format!("name=\"{rule} — ")) {
            return Err(format!("{id}: JUnit has no test case for {rule}"));
        }
    }

    // HTML: the verdict first, the rules in order, each with its examples.
    let (c, html) = run_case(case, "html", "en");
    if c != code || !html.contains(&format!("id=\"verdict\" data-valid=\"{pass}\"")) {
        return Err(format!("{id}: HTML disagrees"));
    }
    let sections: Vec<&str> =
        html.split("<details class=\"rule\" data-code=\"").skip(1).map(|s| s.split('"').next().unwrap()).collect();
    if sections != codes {
        return Err(format!("{id}: HTML rules {sections:?}, expected {codes:?}"));
    }
    let rows = html.matches("<tr class=\"finding\">").count();
    if rows != findings.len() {
        return Err(format!("{id}: HTML lists {rows} findings, JSON {}", findings.len()));
    }

    // The problem list: a BOM, a header, one row per finding listed, in report order [VAL-024].
    let (c, csv) = run_case(case, "csv", "en");
    if c != code || !csv.starts_with('\u{feff}') {
        return Err(format!("{id}: CSV disagrees or has no byte order mark"));
    }
    let mut rd = csv::ReaderBuilder::new().from_reader(csv.trim_start_matches('\u{feff}').as_bytes());
    let rows: Vec<csv::StringRecord> = rd.records().map(Result::unwrap).collect();
    let listed_all: u64 = rules.iter().map(|x| x.2).sum();
    // The problem list lists every finding by default, unless the case sets the limits.
    let limited = case.options.max_per_rule.is_some() || case.options.max_findings.is_some();
    let want_rows = if limited { findings.len() as u64 } else { listed_all };
    if rows.len() as u64 != want_rows {
        return Err(format!("{id}: CSV has {} rows, expected {want_rows}", rows.len()));
    }
    let mut order: Vec<&str> = rows.iter().map(|r| &r[8]).collect();
    order.dedup();
    if order != codes {
        return Err(format!("{id}: CSV rule order {order:?}, expected {codes:?}"));
    }
    Ok(())
}

#[test]
fn every_report_case_of_the_suite() {
    let cases = report_cases(&root().join("conformance")).unwrap();
    assert!(cases.len() >= 9, "the suite has its report cases");
    let failures: Vec<String> = cases.iter().filter_map(|(_, c)| check(c).err()).collect();
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}
