//! The generator of the schemas and the drift check (feature `schema`).

use schemars::generate::SchemaSettings;
use schemars::transform::{RestrictFormats, Transform, transform_subschemas};
use schemars::{JsonSchema, Schema};
use serde_json::{Map, Value, json};

use super::{SCHEMA_BASE, STANDARD_VERSION, VOCABULARY};
use crate::codes::CodeTable;
use crate::record::RecordType;
use crate::{Case, Event, Organization, Person, Place, Thing};

/// One generated schema file.
#[derive(Debug, Clone)]
pub struct SchemaFile {
    /// File name, e.g. `person.schema.json`.
    pub file_name: String,
    /// The schema.
    pub schema: Value,
}

impl SchemaFile {
    /// The schema as the bytes committed in `schemas/`: pretty JSON (two spaces, as
    /// `serde_json::to_string_pretty` writes it) with a final newline. Written through the
    /// `Display` of a `Value`, which cannot fail — its keys are strings and it is written to
    /// memory — so that no error needs hiding (an empty file was written on one before).
    pub fn to_pretty_json(&self) -> String {
        format!("{:#}\n", self.schema)
    }
}

/// Removes `null` alternatives: Linli never uses `null` `[CON-003]`.
#[derive(Debug, Clone)]
struct NoNull;

impl Transform for NoNull {
    fn transform(&mut self, schema: &mut Schema) {
        if let Some(obj) = schema.as_object_mut() {
            if let Some(Value::Array(types)) = obj.get_mut("type") {
                types.retain(|t| t != "null");
                if types.len() == 1 {
                    let t = types.remove(0);
                    obj.insert("type".into(), t);
                }
            }
            if let Some(Value::Array(any)) = obj.get("anyOf") {
                let kept: Vec<Value> =
                    any.iter().filter(|s| s.get("type") != Some(&Value::String("null".into()))).cloned().collect();
                if kept.len() == 1 && any.len() == 2 {
                    obj.remove("anyOf");
                    if let Some(Value::Object(inner)) = kept.into_iter().next() {
                        for (k, v) in inner {
                            obj.entry(k).or_insert(v);
                        }
                    }
                }
            }
            if obj.get("default") == Some(&Value::Null) {
                obj.remove("default");
            }
        }
        transform_subschemas(self, schema);
    }
}

fn settings() -> SchemaSettings {
    // Only the formats Linli uses survive (each paired with a pattern); schemars' own
    // (`uint32`, `double`, ...) are not JSON Schema formats. Explicit, so that the bundle's
    // definitions keep theirs too.
    let mut formats = RestrictFormats::default();
    formats.infer_from_meta_schema = false;
    formats.allowed_formats = ["date-time", "date"].into_iter().map(std::borrow::Cow::Borrowed).collect();
    SchemaSettings::draft2020_12().with_transform(NoNull).with_transform(formats)
}

fn record_schema<T: JsonSchema>(ty: RecordType) -> Value {
    let mut schema = settings().into_generator().into_root_schema_for::<T>();
    let file = format!("{}.schema.json", ty.schema_stem());
    schema.insert("$id".into(), format!("{SCHEMA_BASE}{file}").into());
    schema.insert("x-linli-standard-version".into(), STANDARD_VERSION.into());
    schema.to_value()
}

/// The common bundle: every definition, and a root that accepts any one record `[CON-061]`.
fn common_schema() -> Value {
    let mut generator = settings().into_generator();
    let refs: Vec<Value> = vec![
        generator.subschema_for::<Person>().to_value(),
        generator.subschema_for::<Organization>().to_value(),
        generator.subschema_for::<Place>().to_value(),
        generator.subschema_for::<Thing>().to_value(),
        generator.subschema_for::<Event>().to_value(),
        generator.subschema_for::<Case>().to_value(),
    ];
    let defs = generator.take_definitions(true);
    let mut root = json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": format!("{SCHEMA_BASE}common.schema.json"),
        "title": "Linli record (any of the six types)",
        "x-linli-title-zh": "邻里记录（六类之一）",
        "description": "Any Linli record; the `type` member selects the record type [COR-002]. $defs holds every shared definition.",
        "x-linli-standard-version": STANDARD_VERSION,
        "type": "object",
        "required": ["type"],
        "properties": {
            "type": {
                "type": "string",
                "title": "Record type",
                "x-linli-title-zh": "记录类型",
                "enum": RecordType::ALL.iter().map(|t| t.code()).collect::<Vec<_>>(),
                "x-linli-labels": RecordType::ALL.iter().map(|t| (t.code().to_owned(), json!({"zh-CN": t.label_zh(), "en": t.label_en()}))).collect::<Map<String, Value>>(),
            }
        },
        "oneOf": refs,
    });
    if let Some(obj) = root.as_object_mut() {
        obj.insert("$defs".into(), Value::Object(defs));
    }
    root
}

/// Every schema file of `schemas/`, generated from the types, plus `vocabulary.json`.
pub fn all_schema_files() -> Vec<SchemaFile> {
    let mut files: Vec<SchemaFile> = RecordType::ALL
        .iter()
        .map(|ty| SchemaFile { file_name: format!("{}.schema.json", ty.schema_stem()), schema: schema_for(*ty) })
        .collect();
    files.push(SchemaFile { file_name: "common.schema.json".into(), schema: common_schema() });
    let mut manifest = settings().into_generator().into_root_schema_for::<crate::manifest::Manifest>();
    manifest.insert("$id".into(), format!("{SCHEMA_BASE}manifest.schema.json").into());
    manifest.insert("x-linli-standard-version".into(), STANDARD_VERSION.into());
    files.push(SchemaFile { file_name: "manifest.schema.json".into(), schema: manifest.to_value() });
    files.push(SchemaFile { file_name: "vocabulary.json".into(), schema: json!(VOCABULARY) });
    files
}

/// Compare `files` with the files of the same names in `dir`; returns one line per file that is
/// missing or differs, and per `*.json` file in `dir` that is not generated (empty: no drift).
pub fn drift(files: &[SchemaFile], dir: &std::path::Path) -> Vec<String> {
    let mut out = Vec::new();
    for f in files {
        let path = dir.join(&f.file_name);
        match std::fs::read_to_string(&path) {
            Ok(text) if text == f.to_pretty_json() => {}
            Ok(_) => out.push(format!("{}: differs from the types", path.display())),
            Err(e) => out.push(format!("{}: {e}", path.display())),
        }
    }
    if let Ok(entries) = std::fs::read_dir(dir) {
        let mut extra: Vec<String> = entries
            .filter_map(|e| e.ok())
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| n.ends_with(".json") && !files.iter().any(|f| &f.file_name == n))
            .collect();
        extra.sort();
        out.extend(extra.into_iter().map(|n| format!("{}: not generated from the types", dir.join(n).display())));
    }
    out
}

/// The schema of one record type.
pub fn schema_for(ty: RecordType) -> Value {
    match ty {
        RecordType::Person => record_schema::<Person>(ty),
        RecordType::Organization => record_schema::<Organization>(ty),
        RecordType::Place => record_schema::<Place>(ty),
        RecordType::Thing => record_schema::<Thing>(ty),
        RecordType::Event => record_schema::<Event>(ty),
        RecordType::Case => record_schema::<Case>(ty),
    }
}

/// Walk a schema and call `f(pointer_pattern, node)` for every member node, following `$ref`s
/// into `$defs`. Array items appear as `*` in the pattern, e.g. `/identifiers/*/value`.
pub fn walk_members(root: &Value, f: &mut dyn FnMut(&str, &Map<String, Value>)) {
    fn resolve<'a>(root: &'a Value, node: &'a Value) -> &'a Value {
        let mut node = node;
        for _ in 0..16 {
            match node.get("$ref").and_then(Value::as_str) {
                Some(r) => match r.strip_prefix('#').and_then(|p| root.pointer(p)) {
                    Some(target) => node = target,
                    None => return node,
                },
                None => return node,
            }
        }
        node
    }
    fn go(root: &Value, node: &Value, path: &mut String, depth: usize, f: &mut dyn FnMut(&str, &Map<String, Value>)) {
        if depth > 24 {
            return;
        }
        if let Some(obj) = node.as_object() {
            f(path, obj);
        }
        let target = resolve(root, node);
        if let Some(obj) = target.as_object() {
            if !std::ptr::eq(target, node) {
                f(path, obj);
            }
            if let Some(Value::Object(props)) = obj.get("properties") {
                for (k, sub) in props {
                    let len = path.len();
                    path.push('/');
                    path.push_str(k);
                    go(root, sub, path, depth + 1, f);
                    path.truncate(len);
                }
            }
            if let Some(items) = obj.get("items").filter(|i| i.is_object()) {
                let len = path.len();
                path.push_str("/*");
                go(root, items, path, depth + 1, f);
                path.truncate(len);
            }
            for key in ["anyOf", "oneOf", "allOf"] {
                if let Some(Value::Array(alts)) = obj.get(key) {
                    for alt in alts {
                        go(root, alt, path, depth + 1, f);
                    }
                }
            }
        }
    }
    let mut path = String::new();
    go(root, root, &mut path, 0, f);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_schema_is_2020_12_with_a_versioned_id() {
        for f in all_schema_files() {
            if f.file_name == "vocabulary.json" {
                continue;
            }
            assert_eq!(f.schema["$schema"], "https://json-schema.org/draft/2020-12/schema", "{}", f.file_name);
            assert_eq!(f.schema["$id"], format!("{SCHEMA_BASE}{}", f.file_name));
        }
    }

    #[test]
    fn the_bundle_keeps_the_formats_of_the_record_schemas() {
        let files = all_schema_files();
        let common = &files.iter().find(|f| f.file_name == "common.schema.json").unwrap().schema;
        assert_eq!(common["$defs"]["Timestamp"]["format"], "date-time");
        assert_eq!(common["$defs"]["Date"]["format"], "date");
        let person = &files.iter().find(|f| f.file_name == "person.schema.json").unwrap().schema;
        assert_eq!(person["$defs"]["Timestamp"], common["$defs"]["Timestamp"]);
        let text = serde_json::to_string(common).unwrap();
        assert!(!text.contains("uint32") && !text.contains("\"double\""));
    }

    #[test]
    fn no_null_anywhere() {
        for f in all_schema_files() {
            let text = serde_json::to_string(&f.schema).unwrap();
            assert!(!text.contains("\"null\""), "{} mentions null", f.file_name);
        }
    }

    #[test]
    fn only_declared_custom_keywords() {
        fn visit(v: &Value, found: &mut std::collections::BTreeSet<String>) {
            match v {
                Value::Object(m) => {
                    for (k, sub) in m {
                        if k.starts_with("x-") {
                            found.insert(k.clone());
                            // The value of a custom keyword is data, not a schema.
                            continue;
                        }
                        visit(sub, found);
                    }
                }
                Value::Array(a) => a.iter().for_each(|s| visit(s, found)),
                _ => {}
            }
        }
        let mut found = std::collections::BTreeSet::new();
        for f in all_schema_files() {
            visit(&f.schema, &mut found);
        }
        let declared: std::collections::BTreeSet<String> = VOCABULARY.iter().map(|s| s.to_string()).collect();
        assert_eq!(found, declared);
    }
}
