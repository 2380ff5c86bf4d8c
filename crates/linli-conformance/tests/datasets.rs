//! Dataset vectors: `conformance/datasets/<case>/case.json` names a small dataset (in the case's
//! `dataset/` folder) and the exact findings `linli validate` must report for it — no more, no
//! fewer. Each dataset-level check and each manifest defect has a vector of its own.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};

use linli_validate::{Options, Validator, validate_paths};

use linli_conformance::vector::{DatasetCase as Case, DatasetFinding as Expected};

fn cases_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../conformance/datasets")
}

#[test]
fn every_dataset_vector_gives_exactly_its_findings() {
    let validator = Validator::new().unwrap();
    let mut dirs: Vec<PathBuf> =
        std::fs::read_dir(cases_dir()).unwrap().map(|e| e.unwrap().path()).filter(|p| p.is_dir()).collect();
    dirs.sort();
    assert!(dirs.len() >= 15, "only {} dataset vectors", dirs.len());
    let mut failures = Vec::new();
    let mut ids = std::collections::BTreeSet::new();
    for dir in dirs {
        let case: Case = serde_json::from_str(&std::fs::read_to_string(dir.join("case.json")).unwrap())
            .unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
        assert!(!case.description.zh.is_empty() && !case.description.en.is_empty());
        assert!(ids.insert(case.id.clone()), "case id {} repeated", case.id);
        let data = dir.join("dataset");
        let opts = Options { dataset_checks: case.dataset_checks, threads: 1, ..Options::default() };
        let report = validate_paths(std::slice::from_ref(&data), &validator, &opts).unwrap();
        for f in &report.findings {
            if let Err(e) = linli_validate::codes::check_documented(&f.code, f.requirement) {
                failures.push(format!("{}: {e}", case.id));
            }
        }
        let prefix = format!("{}/", data.display());
        let got: Vec<Expected> = report
            .findings
            .iter()
            .filter(|f| f.level != linli_model::check::Level::Info)
            .map(|f| Expected {
                code: f.code.to_string(),
                file: f.file.as_deref().unwrap_or("-").trim_start_matches(&prefix).to_owned(),
                line: f.line,
                pointer: Some(f.pointer.clone()),
            })
            .collect();
        // Each expected finding takes one reported finding; a line or pointer the vector leaves
        // out matches any.
        let mut taken = vec![false; got.len()];
        let mut want = Vec::new();
        for w in &case.expected {
            let hit = got.iter().enumerate().position(|(i, g)| {
                !taken[i]
                    && g.code == w.code
                    && g.file == w.file
                    && (w.line.is_none() || w.line == g.line)
                    && (w.pointer.is_none() || w.pointer == g.pointer)
            });
            match hit {
                Some(i) => taken[i] = true,
                None => want.push(w.clone()),
            }
        }
        let unexpected: Vec<&Expected> = got.iter().zip(&taken).filter(|(_, t)| !**t).map(|(g, _)| g).collect();
        if !unexpected.is_empty() || !want.is_empty() {
            failures.push(format!(
                "{} ({}):\n  missing: {want:?}\n  unexpected: {unexpected:?}",
                case.id,
                dir.display()
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn validation_chapter_is_up_to_date() {
    let (name, markdown) = linli_validate::codes::validation_chapter();
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../spec").join(name);
    let text = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(text == markdown, "{} is out of date; run `cargo run -p linli-cli -- docs --write spec/`", path.display());
}

#[test]
fn json_reports_follow_the_committed_report_schema() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../schemas/reports/validation-report.schema.json");
    let committed: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    assert_eq!(
        committed,
        linli_validate::report::report_schema(),
        "run `cargo run -p linli-cli -- schema --write schemas/`"
    );
    // A report with findings of every kind of location.
    let v = Validator::new().unwrap();
    let report =
        validate_paths(&[cases_dir().join("manifest-path-characters/dataset")], &v, &Options::default()).unwrap();
    assert!(!report.findings.is_empty());
    let json: serde_json::Value = serde_json::from_str(&report.to_json().unwrap()).unwrap();
    let errors = linli_validate::SchemaEngine::violations_against(&committed, &json).unwrap();
    assert!(errors.is_empty(), "{errors:?}");
    // And the schema is not vacuous.
    let mut broken = json.clone();
    broken["records"] = serde_json::json!("many");
    assert!(!linli_validate::SchemaEngine::violations_against(&committed, &broken).unwrap().is_empty());
}
