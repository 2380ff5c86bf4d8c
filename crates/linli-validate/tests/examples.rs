//! Everything under `examples/` is valid: every record file and every line of every dataset
//! passes serde, its schema and the semantic checks, and each dataset holds together (ids
//! unique per type, every reference resolves, one head per household).

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};

use linli_model::check::{Context, check_record};
use linli_model::codes::CodeTable;
use linli_model::{Record, RecordType};
use linli_validate::SchemaEngine;
use serde_json::Value;

fn examples_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples")
}

fn files_with(dir: &Path, ext: &str) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).unwrap_or_else(|e| panic!("{}: {e}", d.display())) {
            let p = entry.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == ext) {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

/// Problems with one record, as `file:line: message` strings.
fn record_problems(engine: &SchemaEngine, where_: &str, v: &Value) -> Vec<String> {
    let mut out = Vec::new();
    let ty = v.get("type").and_then(Value::as_str).and_then(RecordType::from_code);
    let Some(ty) = ty else {
        return vec![format!("{where_}: no valid `type`")];
    };
    for violation in engine.violations(ty, v) {
        out.push(format!("{where_}: schema: {} {}", violation.pointer, violation.message_en));
    }
    match Record::from_value(v.clone()) {
        Ok(r) => {
            for f in check_record(&r, &Context::default()) {
                out.push(format!("{where_}: {} at {}: {}", f.code, f.pointer, f.message_en));
            }
            let back = serde_json::to_value(&r).unwrap();
            if &back != v {
                out.push(format!("{where_}: does not round-trip unchanged (not in canonical form)"));
            }
        }
        Err(e) => out.push(format!("{where_}: serde: {e}")),
    }
    out
}

#[test]
fn record_examples_are_valid() {
    let engine = SchemaEngine::new().unwrap();
    let files = files_with(&examples_dir().join("records"), "json");
    let mut types = BTreeSet::new();
    let mut problems = Vec::new();
    for f in &files {
        let text = std::fs::read_to_string(f).unwrap();
        let v: Value = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", f.display()));
        if let Some(t) = v.get("type").and_then(Value::as_str) {
            types.insert(t.to_owned());
        }
        problems.extend(record_problems(&engine, &f.display().to_string(), &v));
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    let all: BTreeSet<String> = RecordType::ALL.iter().map(|t| t.code().to_owned()).collect();
    assert_eq!(types, all, "examples/records must hold at least one record of every type");
}

/// Collect every `{type, id}` reference in a document, with its pointer.
fn refs(v: &Value, at: &str, out: &mut Vec<(String, String, String)>) {
    match v {
        Value::Object(m) => {
            if m.len() == 2 {
                if let (Some(Value::String(t)), Some(Value::String(id))) = (m.get("type"), m.get("id")) {
                    if at.is_empty() {
                        // The record itself is not a reference.
                    } else {
                        out.push((at.to_owned(), t.clone(), id.clone()));
                        return;
                    }
                }
            }
            for (k, sub) in m {
                if k == "extensions" {
                    continue;
                }
                refs(sub, &format!("{at}/{k}"), out);
            }
        }
        Value::Array(a) => {
            for (i, sub) in a.iter().enumerate() {
                refs(sub, &format!("{at}/{i}"), out);
            }
        }
        _ => {}
    }
}

#[test]
fn example_datasets_are_valid_and_hold_together() {
    let engine = SchemaEngine::new().unwrap();
    let dirs: Vec<PathBuf> = std::fs::read_dir(examples_dir().join("datasets"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .collect();
    assert!(!dirs.is_empty(), "examples/datasets holds no dataset");
    for dir in dirs {
        let mut problems = Vec::new();
        let mut ids: HashMap<String, BTreeSet<String>> = HashMap::new();
        let mut all_refs = Vec::new();
        let mut counts: BTreeMap<String, usize> = BTreeMap::new();
        let mut heads: BTreeMap<String, usize> = BTreeMap::new();
        for f in files_with(&dir, "ndjson") {
            let text = std::fs::read_to_string(&f).unwrap();
            for (i, line) in text.lines().enumerate() {
                let where_ = format!("{}:{}", f.display(), i + 1);
                let v: Value = match serde_json::from_str(line) {
                    Ok(v) => v,
                    Err(e) => {
                        problems.push(format!("{where_}: {e}"));
                        continue;
                    }
                };
                problems.extend(record_problems(&engine, &where_, &v));
                let ty = v["type"].as_str().unwrap_or_default().to_owned();
                let id = v["id"].as_str().unwrap_or_default().to_owned();
                *counts.entry(ty.clone()).or_default() += 1;
                if !ids.entry(ty.clone()).or_default().insert(id.clone()) {
                    problems.push(format!("{where_}: duplicate {ty} id {id}"));
                }
                if let Some(h) = v.get("household") {
                    let hid = h["householdId"].as_str().unwrap_or_default().to_owned();
                    let head = matches!(h["relationship"].as_str(), Some("01" | "02"));
                    *heads.entry(hid).or_default() += usize::from(head);
                }
                let mut rs = Vec::new();
                refs(&v, "", &mut rs);
                all_refs.extend(rs.into_iter().map(|r| (where_.clone(), r)));
            }
        }
        for (where_, (ptr, ty, id)) in &all_refs {
            if !ids.get(ty).is_some_and(|s| s.contains(id)) {
                problems.push(format!("{where_}: reference {ptr} to {ty} {id} does not resolve"));
            }
        }
        for (hid, n) in &heads {
            if *n != 1 {
                problems.push(format!("household {hid} has {n} heads"));
            }
        }
        assert!(problems.is_empty(), "{}:\n{}", dir.display(), problems.join("\n"));
        for t in RecordType::ALL {
            assert!(counts.get(t.code()).copied().unwrap_or(0) > 0, "{}: no {t} records", dir.display());
        }
    }
}
