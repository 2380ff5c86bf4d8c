//! The JSON Schema layer: the committed `schemas/*.schema.json`, embedded at build time and
//! compiled once. This module is the only user of the `jsonschema` crate (pinned in the
//! workspace, built without default features: no network, no file resolution).

use linli_model::RecordType;
use serde_json::Value;

use crate::Error;

/// The committed record schemas, embedded at build time.
const EMBEDDED: [(RecordType, &str, &str); 6] = [
    (RecordType::Person, "person.schema.json", include_str!("../../../schemas/person.schema.json")),
    (RecordType::Organization, "organization.schema.json", include_str!("../../../schemas/organization.schema.json")),
    (RecordType::Place, "place.schema.json", include_str!("../../../schemas/place.schema.json")),
    (RecordType::Thing, "thing.schema.json", include_str!("../../../schemas/thing.schema.json")),
    (RecordType::Event, "event.schema.json", include_str!("../../../schemas/event.schema.json")),
    (RecordType::Case, "case.schema.json", include_str!("../../../schemas/case.schema.json")),
];

/// One schema violation.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct SchemaViolation {
    /// JSON pointer into the instance.
    pub pointer: String,
    /// The schema keyword that failed, e.g. `required`, `enum`, `pattern`.
    pub keyword: String,
    /// Location in the schema.
    pub schema_path: String,
    /// The validator's message (English).
    pub message: String,
}

/// Compiled validators for the six record schemas.
pub struct SchemaEngine {
    validators: Vec<(RecordType, jsonschema::Validator)>,
}

impl std::fmt::Debug for SchemaEngine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SchemaEngine").field("schemas", &self.validators.len()).finish()
    }
}

impl SchemaEngine {
    /// Compile the embedded schemas, with `format` asserted.
    pub fn new() -> Result<Self, Error> {
        let mut validators = Vec::with_capacity(EMBEDDED.len());
        for (ty, file, text) in EMBEDDED {
            let schema: Value = serde_json::from_str(text).map_err(|e| Error::SchemaCompile {
                file,
                message: e.to_string(),
            })?;
            let v = jsonschema::options()
                .with_draft(jsonschema::Draft::Draft202012)
                .should_validate_formats(true)
                .build(&schema)
                .map_err(|e| Error::SchemaCompile {
                    file,
                    message: e.to_string(),
                })?;
            validators.push((ty, v));
        }
        Ok(SchemaEngine { validators })
    }

    fn validator(&self, ty: RecordType) -> Option<&jsonschema::Validator> {
        self.validators.iter().find(|(t, _)| *t == ty).map(|(_, v)| v)
    }

    /// Whether `instance` is valid against the schema of `ty`.
    pub fn is_valid(&self, ty: RecordType, instance: &Value) -> bool {
        self.validator(ty).is_some_and(|v| v.is_valid(instance))
    }

    /// Every violation of the schema of `ty`.
    pub fn violations(&self, ty: RecordType, instance: &Value) -> Vec<SchemaViolation> {
        let Some(v) = self.validator(ty) else { return Vec::new() };
        v.iter_errors(instance)
            .map(|e| SchemaViolation {
                pointer: e.instance_path().as_str().to_owned(),
                keyword: e.kind().keyword().to_owned(),
                schema_path: e.schema_path().as_str().to_owned(),
                message: e.to_string(),
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_schemas_compile_and_reject_garbage() {
        let engine = SchemaEngine::new().unwrap();
        for ty in [RecordType::Person, RecordType::Case] {
            let v = engine.violations(ty, &serde_json::json!({"type": "Nope"}));
            assert!(!v.is_empty());
            assert!(v.iter().any(|x| x.keyword == "required"), "{v:?}");
        }
    }
}
