//! The committed `schemas/` are exactly what the types generate.

#![allow(clippy::unwrap_used, clippy::expect_used)]
#![cfg(feature = "schema")]

use std::path::{Path, PathBuf};

use linli_model::schema::{all_schema_files, drift};

fn schemas_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../schemas")
}

#[test]
fn committed_schemas_match_the_types() {
    let problems = drift(&all_schema_files(), &schemas_dir());
    assert!(
        problems.is_empty(),
        "schemas/ is out of date; run `cargo run -p linli-cli -- schema --write schemas/`:\n{}",
        problems.join("\n")
    );
}

#[test]
fn drift_is_detected_when_a_type_changes() {
    // Simulate a type that gained a member without regenerating the schemas.
    let mut files = all_schema_files();
    let person = files.iter_mut().find(|f| f.file_name == "person.schema.json").unwrap();
    person.schema["properties"]["nickname"] = serde_json::json!({"type": "string"});
    let problems = drift(&files, &schemas_dir());
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert!(problems[0].contains("person.schema.json"));
}

#[test]
fn a_stray_file_in_schemas_is_detected() {
    let dir = std::env::temp_dir().join(format!("linli-drift-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let files = all_schema_files();
    for f in &files {
        std::fs::write(dir.join(&f.file_name), f.to_pretty_json()).unwrap();
    }
    assert!(drift(&files, &dir).is_empty());
    std::fs::write(dir.join("hand-written.schema.json"), "{}").unwrap();
    let problems = drift(&files, &dir);
    std::fs::remove_dir_all(&dir).unwrap();
    assert_eq!(problems.len(), 1, "{problems:?}");
}

#[test]
fn every_record_type_field_and_code_has_both_labels() {
    fn visit(v: &serde_json::Value, path: &str, problems: &mut Vec<String>) {
        let Some(obj) = v.as_object() else { return };
        if let Some(serde_json::Value::Object(props)) = obj.get("properties") {
            for (k, sub) in props {
                let has_en = sub.get("title").and_then(|t| t.as_str()).is_some_and(|t| !t.is_empty());
                let has_zh = sub.get("x-linli-title-zh").and_then(|t| t.as_str()).is_some_and(|t| !t.is_empty());
                if !(has_en && has_zh) {
                    problems.push(format!("{path}/properties/{k}"));
                }
            }
        }
        if let Some(serde_json::Value::Array(codes)) = obj.get("enum") {
            let labels = obj.get("x-linli-labels");
            for c in codes {
                let c = c.as_str().unwrap_or_default();
                let l = labels.and_then(|l| l.get(c));
                let ok = l.is_some_and(|l| l.get("zh-CN").is_some() && l.get("en").is_some());
                if !ok {
                    problems.push(format!("{path}: code {c}"));
                }
            }
        }
        for (k, sub) in obj {
            if k == "x-linli-labels" || k == "properties" {
                if k == "properties" {
                    if let Some(m) = sub.as_object() {
                        for (pk, ps) in m {
                            visit(ps, &format!("{path}/properties/{pk}"), problems);
                        }
                    }
                }
                continue;
            }
            if let Some(m) = sub.as_object() {
                if k == "$defs" {
                    for (dk, ds) in m {
                        visit(ds, &format!("{path}/$defs/{dk}"), problems);
                    }
                } else {
                    visit(sub, &format!("{path}/{k}"), problems);
                }
            } else if let Some(a) = sub.as_array() {
                for (i, s) in a.iter().enumerate() {
                    visit(s, &format!("{path}/{k}/{i}"), problems);
                }
            }
        }
    }
    for f in all_schema_files() {
        if f.file_name == "vocabulary.json" {
            continue;
        }
        let root_ok = f.schema.get("title").is_some() && f.schema.get("x-linli-title-zh").is_some();
        assert!(root_ok, "{} has no zh/en title", f.file_name);
        let mut problems = Vec::new();
        visit(&f.schema, &f.file_name, &mut problems);
        assert!(problems.is_empty(), "{} lacks labels at:\n{}", f.file_name, problems.join("\n"));
    }
}
