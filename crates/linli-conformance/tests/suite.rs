//! The conformance suite holds together: vector files follow their schema, every case ID is in
//! the registry (and none is reused), every document vector gets exactly its expected verdict
//! and findings from Linli's validator and its expected schema-only verdict, every cited
//! requirement exists, and every MUST requirement is covered (the coverage gate).

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use linli_conformance::coverage::{Cases, coverage, coverage_markdown, exemptions, gate, requirements};
use linli_conformance::vector::{
    CaseStatus, Verdict, adapter_vectors, dataset_cases, document_vectors, profile_cases, registry, report_cases,
    runner_cases, statement_cases, suite_dir, suite_schemas,
};
use linli_model::check::Level;
use linli_model::codes::CodeTable;
use linli_validate::{SchemaEngine, Validator};

fn spec_dir() -> std::path::PathBuf {
    suite_dir().join("../spec")
}

/// Whether `var` asks this test to rewrite the committed file instead of comparing with it; a
/// set variable fails the test in CI ([`linli_model::support::bless`]).
fn bless(var: &str) -> bool {
    linli_model::support::bless::requested(var).unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn suite_schemas_are_generated_and_vector_files_follow_them() {
    let dir = suite_dir().join("schemas");
    if bless("LINLI_WRITE_SUITE_SCHEMAS") {
        for (name, schema) in suite_schemas() {
            std::fs::write(dir.join(name), format!("{}\n", serde_json::to_string_pretty(&schema).unwrap())).unwrap();
        }
    }
    for (name, schema) in suite_schemas() {
        let committed: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(dir.join(name)).unwrap_or_default())
                .unwrap_or(serde_json::Value::Null);
        assert_eq!(
            committed, schema,
            "conformance/schemas/{name} is out of date; run `LINLI_WRITE_SUITE_SCHEMAS=1 cargo test -p linli-conformance --test suite`"
        );
    }
    let schemas: BTreeMap<&str, serde_json::Value> = suite_schemas().into_iter().collect();
    let mut problems = Vec::new();
    // Every case file of every kind against the schema of its kind.
    let dir = suite_dir();
    let files: Vec<(&str, Vec<std::path::PathBuf>)> = vec![
        ("document-vector.schema.json", (document_vectors(&dir).unwrap().into_iter().map(|(p, _)| p).collect())),
        (
            "dataset-case.schema.json",
            (dataset_cases(&dir).unwrap().into_iter().map(|(p, _)| p.join("case.json")).collect()),
        ),
        ("adapter-vector.schema.json", (adapter_vectors(&dir).unwrap().into_iter().map(|(p, _)| p).collect())),
        ("runner-case.schema.json", (runner_cases(&dir).unwrap().into_iter().map(|(p, _)| p).collect())),
        ("profile-vector.schema.json", (profile_cases(&dir).unwrap().into_iter().map(|(p, _)| p).collect())),
        ("statement-vector.schema.json", (statement_cases(&dir).unwrap().into_iter().map(|(p, _)| p).collect())),
        ("report-case.schema.json", (report_cases(&dir).unwrap().into_iter().map(|(p, _)| p).collect())),
        (
            "api-case.schema.json",
            (linli_conformance::vector::api_cases(&dir).unwrap().into_iter().map(|(p, _)| p).collect()),
        ),
    ];
    for (schema, list) in files {
        assert!(!list.is_empty(), "no files for {schema}");
        for path in list {
            let v: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
            for e in SchemaEngine::violations_against(&schemas[schema], &v).unwrap() {
                problems.push(format!("{}: {e}", path.display()));
            }
        }
    }
    let reg: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(suite_dir().join("registry.json")).unwrap()).unwrap();
    for e in SchemaEngine::violations_against(&schemas["registry.schema.json"], &reg).unwrap() {
        problems.push(format!("registry.json: {e}"));
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn every_case_id_is_registered_and_never_reused() {
    let dir = suite_dir();
    let reg = registry(&dir).unwrap();
    let mut seen = BTreeSet::new();
    for e in &reg.cases {
        assert!(seen.insert(e.id.clone()), "{} is registered twice", e.id);
        let exists = dir.join(&e.path).exists();
        match e.status {
            CaseStatus::Active => assert!(exists, "{}: active but {} does not exist", e.id, e.path),
            CaseStatus::Retired => {
                assert!(!exists && e.retired_because.is_some(), "{}: retired but still present or without reason", e.id)
            }
        }
    }
    let active: BTreeMap<&str, &str> =
        reg.cases.iter().filter(|e| e.status == CaseStatus::Active).map(|e| (e.id.as_str(), e.path.as_str())).collect();
    let mut ids = BTreeSet::new();
    for (path, v) in document_vectors(&dir).unwrap() {
        assert!(ids.insert(v.id.clone()), "case id {} used twice", v.id);
        let rel = path.strip_prefix(&dir).unwrap().to_string_lossy().into_owned();
        assert_eq!(
            active.get(v.id.as_str()).copied(),
            Some(rel.as_str()),
            "{} is not registered as active at {rel}",
            v.id
        );
        let folder = path.parent().and_then(|p| p.file_name()).unwrap().to_string_lossy().into_owned();
        assert_eq!(folder, v.class.name(), "{}: class {} but in folder {folder}", v.id, v.class.name());
    }
    for (path, c) in dataset_cases(&dir).unwrap() {
        assert!(ids.insert(c.id.clone()), "case id {} used twice", c.id);
        let rel = path.strip_prefix(&dir).unwrap().to_string_lossy().into_owned();
        assert_eq!(
            active.get(c.id.as_str()).copied(),
            Some(rel.as_str()),
            "{} is not registered as active at {rel}",
            c.id
        );
    }
    let reqs: BTreeSet<String> = requirements(&spec_dir()).unwrap().into_iter().map(|r| r.id).collect();
    for (path, a) in adapter_vectors(&dir).unwrap() {
        assert!(ids.insert(a.id.clone()), "case id {} used twice", a.id);
        let rel = path.strip_prefix(&dir).unwrap().to_string_lossy().into_owned();
        assert_eq!(
            active.get(a.id.as_str()).copied(),
            Some(rel.as_str()),
            "{} is not registered as active at {rel}",
            a.id
        );
        assert_eq!(path.file_stem().unwrap().to_string_lossy(), a.id, "{}: the file is named after the case", a.id);
        for r in &a.requirements {
            assert!(reqs.contains(r), "{}: cites unknown requirement {r}", a.id);
        }
        // Exactly one of records (to linli) and output (to a format) is expected.
        assert_eq!(a.expected.records.is_some(), a.to == "linli", "{}: records iff to linli", a.id);
        assert_eq!(a.expected.output.is_some(), a.to != "linli", "{}: output iff to a format", a.id);
        assert!(a.input.is_some() != a.input_base64.is_some(), "{}: one of input and input_base64", a.id);
    }
    for (path, k) in profile_cases(&dir).unwrap() {
        assert!(ids.insert(k.id.clone()), "case id {} used twice", k.id);
        let rel = path.strip_prefix(&dir).unwrap().to_string_lossy().into_owned();
        assert_eq!(active.get(k.id.as_str()).copied(), Some(rel.as_str()), "{} is not registered at {rel}", k.id);
        for r in &k.requirements {
            assert!(reqs.contains(r), "{}: cites unknown requirement {r}", k.id);
        }
    }
    for (path, k) in statement_cases(&dir).unwrap() {
        assert!(ids.insert(k.id.clone()), "case id {} used twice", k.id);
        let rel = path.strip_prefix(&dir).unwrap().to_string_lossy().into_owned();
        assert_eq!(active.get(k.id.as_str()).copied(), Some(rel.as_str()), "{} is not registered at {rel}", k.id);
        for r in &k.requirements {
            assert!(reqs.contains(r), "{}: cites unknown requirement {r}", k.id);
        }
    }
    for (path, k) in report_cases(&dir).unwrap() {
        assert!(ids.insert(k.id.clone()), "case id {} used twice", k.id);
        let rel = path.strip_prefix(&dir).unwrap().to_string_lossy().into_owned();
        assert_eq!(active.get(k.id.as_str()).copied(), Some(rel.as_str()), "{} is not registered at {rel}", k.id);
        assert_eq!(path.file_stem().unwrap().to_string_lossy(), k.id, "{}: the file is named after the case", k.id);
        for r in &k.requirements {
            assert!(reqs.contains(r), "{}: cites unknown requirement {r}", k.id);
        }
        for input in &k.inputs {
            assert!(dir.join(input).exists(), "{}: input {input} is not in the suite", k.id);
        }
    }
    for (path, k) in runner_cases(&dir).unwrap() {
        assert!(ids.insert(k.id.clone()), "case id {} used twice", k.id);
        let rel = path.strip_prefix(&dir).unwrap().to_string_lossy().into_owned();
        assert_eq!(
            active.get(k.id.as_str()).copied(),
            Some(rel.as_str()),
            "{} is not registered as active at {rel}",
            k.id
        );
        assert_eq!(path.file_stem().unwrap().to_string_lossy(), k.id, "{}: the file is named after the case", k.id);
        for r in &k.requirements {
            assert!(reqs.contains(r), "{}: cites unknown requirement {r}", k.id);
        }
    }
    for (path, k) in linli_conformance::vector::api_cases(&dir).unwrap() {
        assert!(ids.insert(k.id.clone()), "case id {} used twice", k.id);
        let rel = path.strip_prefix(&dir).unwrap().to_string_lossy().into_owned();
        assert_eq!(active.get(k.id.as_str()).copied(), Some(rel.as_str()), "{} is not registered at {rel}", k.id);
        assert_eq!(path.file_stem().unwrap().to_string_lossy(), k.id, "{}: the file is named after the case", k.id);
        for r in &k.requirements {
            assert!(reqs.contains(r), "{}: cites unknown requirement {r}", k.id);
        }
    }
    let unregistered: Vec<&&str> = active.keys().filter(|id| !ids.contains(**id)).collect();
    assert!(unregistered.is_empty(), "registered as active but not found: {unregistered:?}");
}

#[test]
fn every_document_vector_gets_its_expected_verdict_and_findings() {
    let validator = Validator::new().unwrap();
    let reqs: BTreeSet<String> = requirements(&spec_dir()).unwrap().into_iter().map(|r| r.id).collect();
    let mut problems = Vec::new();
    let vectors = document_vectors(&suite_dir()).unwrap();
    assert!(!vectors.is_empty());
    for (path, v) in &vectors {
        let name = format!("{} ({})", v.id, path.file_name().unwrap().to_string_lossy());
        for r in &v.requirements {
            if !reqs.contains(r) {
                problems.push(format!("{name}: cites unknown requirement {r}"));
            }
        }
        let out = validator.validate_value(&v.record);
        let errors: BTreeSet<(String, String)> = out
            .findings
            .iter()
            .filter(|f| f.level == Level::Error)
            .map(|f| (f.code.to_string(), f.pointer.clone()))
            .collect();
        let verdict = if errors.is_empty() { Verdict::Valid } else { Verdict::Invalid };
        if verdict != v.verdict {
            problems.push(format!("{name}: verdict {verdict:?}, expected {:?}; findings {errors:?}", v.verdict));
        }
        let want: BTreeSet<(String, String)> = v.findings.iter().map(|f| (f.code.clone(), f.pointer.clone())).collect();
        if errors != want {
            problems.push(format!("{name}: findings {errors:?}, expected {want:?}"));
        }
        let ty = v.record.get("type").and_then(|t| t.as_str()).and_then(linli_model::RecordType::from_code);
        let schema_ok = ty.is_some_and(|ty| validator.engine().is_valid(ty, &v.record));
        let schema_verdict = if schema_ok { Verdict::Valid } else { Verdict::Invalid };
        if schema_verdict != v.schema_verdict {
            problems.push(format!("{name}: schema-only verdict {schema_verdict:?}, expected {:?}", v.schema_verdict));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn coverage_gate_and_table() {
    let dir = suite_dir();
    let reqs = requirements(&spec_dir()).unwrap();
    let vectors: Vec<_> = document_vectors(&dir).unwrap().into_iter().map(|(_, v)| v).collect();
    let datasets: Vec<_> = dataset_cases(&dir).unwrap().into_iter().map(|(_, c)| c).collect();
    let adapters: Vec<_> = adapter_vectors(&dir).unwrap().into_iter().map(|(_, a)| a).collect();
    let runner: Vec<_> = runner_cases(&dir).unwrap().into_iter().map(|(_, c)| c).collect();
    let exempt = exemptions(&dir).unwrap();
    let statements: Vec<_> = statement_cases(&dir).unwrap().into_iter().map(|(_, c)| c).collect();
    let profiles: Vec<_> = profile_cases(&dir).unwrap().into_iter().map(|(_, c)| c).collect();
    let reports: Vec<_> = report_cases(&dir).unwrap().into_iter().map(|(_, c)| c).collect();
    let api: Vec<_> = linli_conformance::vector::api_cases(&dir).unwrap().into_iter().map(|(_, c)| c).collect();
    let cases = Cases {
        vectors: &vectors,
        datasets: &datasets,
        adapters: &adapters,
        runner: &runner,
        statements: &statements,
        profiles: &profiles,
        reports: &reports,
        api: &api,
    };
    let cov = coverage(&reqs, cases, &exempt);
    let md = coverage_markdown(&reqs, &cov);
    let committed = std::fs::read_to_string(dir.join("COVERAGE.md")).unwrap_or_default();
    if bless("LINLI_WRITE_COVERAGE") {
        std::fs::write(dir.join("COVERAGE.md"), &md).unwrap();
    } else {
        assert!(
            committed == md,
            "conformance/COVERAGE.md is out of date; run `LINLI_WRITE_COVERAGE=1 cargo test -p linli-conformance --test suite`"
        );
    }
    let problems = gate(&reqs, &cov, &exempt);
    assert!(problems.is_empty(), "coverage gate:\n{}", problems.join("\n"));
}

#[allow(dead_code)]
fn unused(_: &Path) {}

#[test]
fn protocol_schemas_are_generated() {
    let dir = suite_dir().join("protocol");
    for (name, schema) in linli_conformance::protocol::protocol_schemas() {
        let path = dir.join(name);
        if bless("LINLI_WRITE_SUITE_SCHEMAS") {
            std::fs::write(&path, format!("{}\n", serde_json::to_string_pretty(&schema).unwrap())).unwrap();
        }
        let committed: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap_or_default())
            .unwrap_or(serde_json::Value::Null);
        assert_eq!(
            committed, schema,
            "conformance/protocol/{name} is out of date; run `LINLI_WRITE_SUITE_SCHEMAS=1 cargo test -p linli-conformance --test suite`"
        );
    }
}

#[test]
fn requests_and_answers_follow_the_protocol_schemas() {
    use linli_conformance::protocol::{CaseResponse, Request, protocol_schemas};
    let schemas: BTreeMap<&str, serde_json::Value> = protocol_schemas().into_iter().collect();
    let req = serde_json::to_value(Request::Validate {
        seq: 1,
        case: "PER-V-0001".into(),
        record: serde_json::json!({"type": "Person"}),
    })
    .unwrap();
    assert!(SchemaEngine::violations_against(&schemas["request.schema.json"], &req).unwrap().is_empty());
    let bad = serde_json::json!({"op": "validate", "seq": "one"});
    assert!(!SchemaEngine::violations_against(&schemas["request.schema.json"], &bad).unwrap().is_empty());
    let ans =
        serde_json::to_value(CaseResponse { accepted: Some(true), ..CaseResponse::new(1, "PER-V-0001") }).unwrap();
    assert!(SchemaEngine::violations_against(&schemas["case-response.schema.json"], &ans).unwrap().is_empty());
    // `null` is no answer: the schema refuses it, as the runner does [CNF-030].
    for member in ["accepted", "record", "records", "loss", "findings", "error"] {
        let null = serde_json::json!({"seq": 1, "case": "PER-V-0001", member: null});
        let problems = SchemaEngine::violations_against(&schemas["case-response.schema.json"], &null).unwrap();
        assert!(!problems.is_empty(), "{member}: null accepted by the schema");
    }
    let convert = serde_json::to_value(Request::Convert {
        seq: 2,
        case: "AD-0001".into(),
        from: "csv".into(),
        to: "linli".into(),
        input: Some(serde_json::json!("姓名\n张三\n")),
        input_base64: None,
        mapping: Some("record = \"Person\"".into()),
        options: Default::default(),
    })
    .unwrap();
    assert!(SchemaEngine::violations_against(&schemas["request.schema.json"], &convert).unwrap().is_empty());
    let ans = serde_json::json!({"seq": 2, "case": "AD-0001", "records": [],
        "loss": [{"kind": "normalised", "code": "csv-date-normalised", "pointer": "/2/出生日期", "source": "row 2 column 出生日期", "message_en": "…"}],
        "findings": [{"code": "csv-malformed", "at": "row 3"}]});
    assert!(SchemaEngine::violations_against(&schemas["case-response.schema.json"], &ans).unwrap().is_empty());
    let bad = serde_json::json!({"seq": 2, "case": "AD-0001", "loss": [{"kind": "normalised"}]});
    assert!(!SchemaEngine::violations_against(&schemas["case-response.schema.json"], &bad).unwrap().is_empty());
}

#[test]
fn runner_cases_are_derived_from_the_suite_data() {
    // The expectations of the runner cases follow from the vectors and datasets they run over; a
    // change to those must be carried into them (conformance/tools/runner_cases.py).
    let out = std::process::Command::new("python3")
        .arg(suite_dir().join("tools/runner_cases.py"))
        .arg("--check")
        .output()
        .expect("python3 is needed to check the runner cases");
    assert!(out.status.success(), "{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
}
