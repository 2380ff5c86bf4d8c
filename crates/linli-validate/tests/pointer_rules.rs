//! `[CON-071]`: every semantic finding that a document vector of the suite draws points where
//! chapter 20 says its code points (the column *pointer*, `FindingCode::pointer_rule`).

use std::path::{Path, PathBuf};

use linli_model::check::FindingCode;
use linli_validate::Validator;

fn vector_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).expect("the vectors folder") {
        let p = e.expect("a folder entry").path();
        if p.is_dir() {
            vector_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "json") {
            out.push(p);
        }
    }
}

/// The pointer patterns of a rule: its back-quoted parts (`""` the root), `N`, `R` and `P` standing
/// for indexes.
fn patterns(rule: &str) -> Vec<&str> {
    rule.split('`')
        .skip(1)
        .step_by(2)
        .map(|p| if p == "\"\"" { "" } else { p })
        .filter(|p| p.is_empty() || p.starts_with('/'))
        .collect()
}

/// Whether `pointer` matches `pattern`, segment by segment.
fn matches(pattern: &str, pointer: &str) -> bool {
    let (a, b): (Vec<&str>, Vec<&str>) = (pattern.split('/').collect(), pointer.split('/').collect());
    a.len() == b.len()
        && a.iter().zip(&b).all(|(p, s)| {
            p == s || (matches!(*p, "N" | "R" | "P") && !s.is_empty() && s.bytes().all(|c| c.is_ascii_digit()))
        })
}

#[test]
fn semantic_findings_point_where_chapter_20_says() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../conformance/vectors");
    let mut files = Vec::new();
    vector_files(&root, &mut files);
    assert!(files.len() > 100, "{}", files.len());
    let validator = Validator::new().unwrap();
    let mut seen = 0;
    let mut wrong = Vec::new();
    for f in files {
        let v: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&f).unwrap()).unwrap();
        for finding in validator.validate_value(&v["record"]).findings {
            let Some(code) = FindingCode::from_code(&finding.code) else { continue };
            seen += 1;
            if !patterns(code.pointer_rule()).iter().any(|p| matches(p, &finding.pointer)) {
                wrong.push(format!("{}: {} at {:?}", f.display(), finding.code, finding.pointer));
            }
        }
    }
    assert!(seen > 40, "only {seen} semantic findings");
    assert!(wrong.is_empty(), "{wrong:#?}");
}

#[test]
fn every_pointer_rule_names_a_pointer() {
    for c in FindingCode::ALL {
        assert!(!patterns(c.pointer_rule()).is_empty(), "{}", c.as_str());
    }
}

/// The table of `[CON-071]` in spec/02: each dataset or manifest code with its pointer patterns.
fn dataset_pointer_table() -> Vec<(String, Vec<String>)> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../spec/02-conventions.md");
    let text = std::fs::read_to_string(path).expect("spec/02");
    let from = text.find("**[CON-071]**").expect("[CON-071] is defined");
    let mut rows = Vec::new();
    for line in text[from..].lines().skip(1) {
        if line.starts_with("**[") || line.starts_with("## ") {
            break;
        }
        let cells: Vec<&str> = line.split('|').map(str::trim).collect();
        if cells.len() != 5 || !cells[1].starts_with('`') {
            continue;
        }
        let pointers: Vec<String> = patterns(cells[3]).into_iter().map(str::to_owned).collect();
        for code in cells[1].split('`').skip(1).step_by(2) {
            rows.push((code.to_owned(), pointers.clone()));
        }
    }
    rows
}

#[test]
fn dataset_findings_point_where_con_071_says() {
    let table = dataset_pointer_table();
    assert!(table.len() >= 20, "{table:?}");
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../conformance/datasets");
    let mut seen = 0;
    let mut wrong = Vec::new();
    for e in std::fs::read_dir(&root).expect("the datasets folder") {
        let case = e.expect("a folder entry").path().join("case.json");
        let Ok(text) = std::fs::read_to_string(&case) else { continue };
        let v: serde_json::Value = serde_json::from_str(&text).expect("case.json is JSON");
        for f in v["expected"].as_array().into_iter().flatten() {
            let (code, pointer) = (f["code"].as_str().unwrap_or_default(), f["pointer"].as_str().unwrap_or_default());
            let Some((_, pats)) = table.iter().find(|(c, _)| c == code) else { continue };
            seen += 1;
            // `ref-unresolved` points at whichever reference member refers to the missing record.
            let ok = if code == "ref-unresolved" {
                pointer.starts_with('/')
            } else {
                pats.iter().any(|p| matches(p, pointer))
            };
            if !ok {
                wrong.push(format!("{}: {code} at {pointer:?}", case.display()));
            }
        }
    }
    assert!(seen >= 15, "only {seen} dataset findings checked");
    assert!(wrong.is_empty(), "{wrong:#?}");
}
