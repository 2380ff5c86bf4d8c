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
    /// What is wrong, in English; never contains the instance value (it may be sensitive).
    pub message_en: String,
    /// What is wrong, in Chinese; never contains the instance value.
    pub message_zh: String,
    /// `date-time` or `date` when the failing keyword is the `pattern` or the `format` of a
    /// Timestamp or a Date `[CON-070]`.
    pub time_form: Option<&'static str>,
}

/// Whether a failing keyword belongs to a Timestamp (`date-time`) or a Date (`date`): its
/// `format`, or its `pattern`, which is the Timestamp or the Date pattern `[CON-070]`.
fn time_form(kind: &jsonschema::error::ValidationErrorKind) -> Option<&'static str> {
    use jsonschema::error::ValidationErrorKind as K;
    use linli_model::datetime::{DATE_PATTERN, TIMESTAMP_PATTERN};
    match kind {
        K::Format { format } if format == "date-time" => Some("date-time"),
        K::Format { format } if format == "date" => Some("date"),
        K::Pattern { pattern } if pattern == TIMESTAMP_PATTERN => Some("date-time"),
        K::Pattern { pattern } if pattern == DATE_PATTERN => Some("date"),
        _ => None,
    }
}

/// The JSON type(s) a `type` keyword asks for, in words: English and Chinese.
fn type_names(kind: &jsonschema::error::TypeKind) -> (String, String) {
    use jsonschema::JsonType as T;
    let one = |t: T| match t {
        T::Null => ("null", "null"),
        T::Boolean => ("a boolean (true or false)", "布尔值（true 或 false）"),
        T::Integer => ("an integer", "整数"),
        T::Number => ("a number", "数值"),
        T::String => ("a string", "字符串"),
        T::Array => ("an array", "数组"),
        T::Object => ("an object", "对象"),
    };
    let types: Vec<T> = match kind {
        jsonschema::error::TypeKind::Single(t) => vec![*t],
        jsonschema::error::TypeKind::Multiple(set) => set.iter().collect(),
    };
    let en: Vec<&str> = types.iter().map(|t| one(*t).0).collect();
    let zh: Vec<&str> = types.iter().map(|t| one(*t).1).collect();
    (en.join(" or "), zh.join("或"))
}

/// Of the forms an `anyOf`/`oneOf` offers, the one whose `type` member the value matched (the
/// only form with no error at a `/type`): its first error; `None` when that is not one form.
fn chosen_form<'c>(
    context: &'c [Vec<jsonschema::ValidationError<'static>>],
) -> Option<&'c jsonschema::ValidationError<'static>> {
    let at_type = |e: &jsonschema::ValidationError<'_>| e.instance_path().as_str().ends_with("/type");
    let mut matched = context.iter().filter(|errors| !errors.iter().any(&at_type));
    let errors = matched.next()?;
    if matched.next().is_some() {
        return None;
    }
    errors.first()
}

/// Messages for a violation, without the offending value `[PRI-004]`.
fn describe(kind: &jsonschema::error::ValidationErrorKind) -> (String, String) {
    use jsonschema::error::ValidationErrorKind as K;
    let limit = |v: &dyn std::fmt::Display| v.to_string();
    match kind {
        K::AdditionalProperties { unexpected } | K::UnevaluatedProperties { unexpected } => {
            let list = unexpected
                .iter()
                .map(|u| format!("`{}`", linli_model::text::truncate(u, 40)))
                .collect::<Vec<_>>()
                .join(", ");
            (
                format!("member(s) not defined by the standard: {list} (non-standard data belongs in `extensions`)"),
                format!("标准未定义的成员：{list}（非标准数据应放在 `extensions` 中）"),
            )
        }
        K::Required { property } => {
            let p = property.as_str().map(str::to_owned).unwrap_or_else(|| property.to_string());
            (format!("required member `{p}` is missing"), format!("缺少必填成员 `{p}`"))
        }
        K::Enum { .. } => ("not a code of the table".into(), "不是代码表中的代码".into()),
        K::Constant { expected_value } => (format!("must be {expected_value}"), format!("必须为 {expected_value}")),
        K::Type { kind } => {
            let (en, zh) = type_names(kind);
            (format!("wrong JSON type; expected {en}"), format!("JSON 类型错误，应为{zh}"))
        }
        K::Pattern { pattern } => (format!("does not match the pattern {pattern}"), format!("不符合格式 {pattern}")),
        K::Format { format } => (format!("not a valid `{format}`"), format!("不是有效的 `{format}`")),
        K::MinLength { limit: l } => {
            (format!("shorter than {} characters", limit(l)), format!("少于 {} 个字符", limit(l)))
        }
        K::MaxLength { limit: l } => {
            (format!("longer than {} characters", limit(l)), format!("超过 {} 个字符", limit(l)))
        }
        K::Minimum { limit: l } => (format!("less than the minimum {l}"), format!("小于最小值 {l}")),
        K::Maximum { limit: l } => (format!("greater than the maximum {l}"), format!("大于最大值 {l}")),
        K::ExclusiveMinimum { limit: l } => (format!("must be greater than {l}"), format!("必须大于 {l}")),
        K::ExclusiveMaximum { limit: l } => (format!("must be less than {l}"), format!("必须小于 {l}")),
        K::MinItems { limit: l } => (format!("fewer than {l} items"), format!("少于 {l} 项")),
        K::MaxItems { limit: l } => (format!("more than {l} items"), format!("多于 {l} 项")),
        K::FalseSchema => ("no value is allowed here (too many items?)".into(), "此处不允许有值（项数过多？）".into()),
        K::OneOfNotValid { context } | K::AnyOf { context } => match chosen_form(context) {
            // The form whose `type` the value names (a GeoJSON `Point`, say): what is wrong in it.
            Some(e) => {
                let (en, zh) = describe(e.kind());
                let at = e.instance_path().as_str().to_owned();
                (
                    format!("matches none of the allowed forms; in the form its `type` names, {at}: {en}"),
                    format!("不符合任何允许的形式；按其 `type` 所指的形式，{at}：{zh}"),
                )
            }
            None => ("matches none of the allowed forms".into(), "不符合任何允许的形式".into()),
        },
        K::OneOfMultipleValid { .. } => {
            ("matches more than one of the allowed forms".into(), "同时符合多个允许的形式".into())
        }
        K::PropertyNames { .. } => (
            "a member name is not allowed (extension namespaces: ^[a-z][a-z0-9-]{1,31}$)".into(),
            "成员名称不合法（扩展命名空间须符合 ^[a-z][a-z0-9-]{1,31}$）".into(),
        ),
        K::UniqueItems => ("items are not unique".into(), "数组项重复".into()),
        other => (format!("violates `{}`", other.keyword()), format!("违反 `{}` 约束", other.keyword())),
    }
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
            let schema: Value =
                serde_json::from_str(text).map_err(|e| Error::SchemaCompile { file, message: e.to_string() })?;
            let v = jsonschema::options()
                .with_draft(jsonschema::Draft::Draft202012)
                .should_validate_formats(true)
                .build(&schema)
                .map_err(|e| Error::SchemaCompile { file, message: e.to_string() })?;
            validators.push((ty, v));
        }
        Ok(SchemaEngine { validators })
    }

    fn validator(&self, ty: RecordType) -> Option<&jsonschema::Validator> {
        self.validators.iter().find(|(t, _)| *t == ty).map(|(_, v)| v)
    }

    /// Violations of `instance` against any other schema (e.g. the report schema), compiled for
    /// this call; an error when the schema does not compile.
    pub fn violations_against(schema: &Value, instance: &Value) -> Result<Vec<String>, String> {
        let v = jsonschema::options()
            .with_draft(jsonschema::Draft::Draft202012)
            .should_validate_formats(true)
            .build(schema)
            .map_err(|e| e.to_string())?;
        Ok(v.iter_errors(instance)
            .map(|e| format!("{}: {}", e.instance_path().as_str(), describe(e.kind()).0))
            .collect())
    }

    /// Whether `instance` is valid against the schema of `ty`.
    pub fn is_valid(&self, ty: RecordType, instance: &Value) -> bool {
        self.validator(ty).is_some_and(|v| v.is_valid(instance))
    }

    /// Every violation of the schema of `ty`.
    pub fn violations(&self, ty: RecordType, instance: &Value) -> Vec<SchemaViolation> {
        let Some(v) = self.validator(ty) else {
            return Vec::new();
        };
        v.iter_errors(instance)
            .map(|e| {
                let (message_en, message_zh) = describe(e.kind());
                SchemaViolation {
                    pointer: e.instance_path().as_str().to_owned(),
                    keyword: e.kind().keyword().to_owned(),
                    schema_path: e.schema_path().as_str().to_owned(),
                    message_en,
                    message_zh,
                    time_form: time_form(e.kind()),
                }
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
