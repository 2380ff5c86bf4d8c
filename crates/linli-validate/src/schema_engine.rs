//! The JSON Schema layer: the committed `schemas/*.schema.json` (through the crate's `schemas`
//! link to the top-level folder, which `cargo package` turns into copies), embedded at build time and
//! compiled once. This module is the only user of the `jsonschema` crate (pinned in the
//! workspace, built without default features: no network, no file resolution).

use linli_model::RecordType;
use serde_json::Value;

use crate::Error;

/// The committed record schemas, embedded at build time.
const EMBEDDED: [(RecordType, &str, &str); 6] = [
    (RecordType::Person, "person.schema.json", include_str!("../schemas/person.schema.json")),
    (RecordType::Organization, "organization.schema.json", include_str!("../schemas/organization.schema.json")),
    (RecordType::Place, "place.schema.json", include_str!("../schemas/place.schema.json")),
    (RecordType::Thing, "thing.schema.json", include_str!("../schemas/thing.schema.json")),
    (RecordType::Event, "event.schema.json", include_str!("../schemas/event.schema.json")),
    (RecordType::Case, "case.schema.json", include_str!("../schemas/case.schema.json")),
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
    /// For an `enum` whose codes are those of a code table: that table's name.
    pub code_table: Option<&'static str>,
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

/// What a pattern of the schemas asks for, in words (English, Chinese) `[CON-054]`; `None` for a
/// pattern without words here (the message then gives the pattern).
fn pattern_words(pattern: &str) -> Option<(&'static str, &'static str)> {
    use linli_model::datetime::{DATE_PATTERN, TIMESTAMP_PATTERN};
    if pattern == TIMESTAMP_PATTERN {
        return Some((
            "a time YYYY-MM-DDThh:mm:ss[.f] with Z or an offset, such as 2024-05-01T08:30:00+08:00",
            "形如 2024-05-01T08:30:00+08:00 的时间（YYYY-MM-DDThh:mm:ss[.f]，带 Z 或时区偏移）",
        ));
    }
    if pattern == DATE_PATTERN {
        return Some((
            "a date YYYY-MM-DD (month 01–12, day 01–31), such as 2024-05-01",
            "形如 2024-05-01 的日期（YYYY-MM-DD，月 01–12，日 01–31）",
        ));
    }
    Some(match pattern {
        "^[A-Za-z0-9][A-Za-z0-9._:~-]{0,127}$" => (
            "an id of 1 to 128 characters A–Z a–z 0–9 . _ : ~ -, starting with a letter or digit",
            "1 至 128 个字符的标识，只用 A–Z a–z 0–9 . _ : ~ -，以字母或数字开头",
        ),
        "[^\\t-\\r \\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000\\ufeff]" => {
            ("a text that is not empty or white space only", "不为空、也不只有空白字符的文本")
        }
        "^[a-z][a-z0-9-]{1,31}$" => {
            ("2 to 32 characters a–z 0–9 -, starting with a letter", "2 至 32 个字符，只用 a–z 0–9 -，以字母开头")
        }
        "^\\+?[0-9][0-9*-]{2,19}$" => (
            "a telephone number of 3 to 20 digits and -, an optional leading +, such as 138xxxxxxxx or 0512-6723xxxx",
            "3 至 20 位的电话号码（数字和 -，可以 + 开头），如 138xxxxxxxx 或 0512-6723xxxx",
        ),
        "^[0-9a-f]{64}$" => ("64 lower-case hexadecimal digits (a SHA-256)", "64 位小写十六进制数字（SHA-256）"),
        "^[0-9a-f]{16}$" => ("16 lower-case hexadecimal digits", "16 位小写十六进制数字"),
        "^[a-z0-9][a-z0-9!#$&.+^_-]*/[a-z0-9][a-z0-9!#$&.+^_-]*$" => {
            ("a media type in lower case, such as image/jpeg", "小写的媒体类型，如 image/jpeg")
        }
        "^[A-Za-z][A-Za-z0-9+.-]*:[!-~]+$" => (
            "a URI with its scheme and no spaces, such as https://example.org/a.jpg",
            "带协议名、不含空格的 URI，如 https://example.org/a.jpg",
        ),
        "^[A-Z]{3}$" => {
            ("three capital letters (ISO 3166-1 alpha-3), such as CHN", "3 个大写字母（ISO 3166-1 三字母代码），如 CHN")
        }
        "^[A-Z0-9]{2,3}$" => ("2 or 3 capital letters or digits", "2 或 3 个大写字母或数字"),
        "^[0-9]{6}([0-9]{3}([0-9]{3})?)?$" => (
            "a division code of 6, 9 or 12 digits (GB/T 2260), such as 320508",
            "6、9 或 12 位数字的行政区划代码（GB/T 2260），如 320508",
        ),
        "^[0-9]{20}$" => ("20 digits", "20 位数字"),
        "^[0-9A-Za-z-]{1,32}$" => ("1 to 32 letters, digits or -", "1 至 32 个字母、数字或 -"),
        "^[0-9A-HJ-NPQRTUWXY]{2}[0-9]{6}[0-9A-HJ-NPQRTUWXY]{10}$" => (
            "a unified social credit code: 18 digits and capital letters other than I O Z S V (GB 32100)",
            "统一社会信用代码：18 位数字和大写字母（不用 I O Z S V，GB 32100）",
        ),
        "^[A-Za-z0-9_][A-Za-z0-9._-]*(/[A-Za-z0-9_][A-Za-z0-9._-]*)*$" => (
            "a relative path of segments of A–Z a–z 0–9 . _ - joined by /",
            "由 / 连接、每段只用 A–Z a–z 0–9 . _ - 的相对路径",
        ),
        "^[0-9]+\\.[0-9]+\\.[0-9]+$" => {
            ("a version MAJOR.MINOR.PATCH, such as 0.1.0", "MAJOR.MINOR.PATCH 形式的版本号，如 0.1.0")
        }
        _ => return None,
    })
}

/// What a value that breaks the Timestamp form lacks, when its shape tells (never quoting it):
/// a time without offset, or a space where the `T` goes `[CON-054]`.
fn timestamp_hint(instance: &Value) -> Option<(String, String)> {
    let s = instance.as_str()?;
    let b = s.as_bytes();
    let digits = |r: std::ops::Range<usize>| b.get(r).is_some_and(|d| d.iter().all(u8::is_ascii_digit));
    let date_ok = b.len() >= 16 && digits(0..4) && b[4] == b'-' && digits(5..7) && b[7] == b'-' && digits(8..10);
    if !date_ok || !digits(11..13) || b[13] != b':' || !digits(14..16) {
        return None;
    }
    if b[10] == b' ' {
        return Some((
            "the date and the time are joined by a space: write T between them, and Z or an offset such as +08:00 at the end".into(),
            "日期与时间之间是空格：请改用 T 连接，并在末尾带 Z 或 +08:00 这样的时区偏移".into(),
        ));
    }
    if b[10] != b'T' {
        return None;
    }
    // Nothing after the minutes but seconds and their fraction: the offset is what is missing.
    let rest = &b[16..];
    let seconds_only = rest.is_empty()
        || (rest.len() >= 3
            && rest[0] == b':'
            && digits(17..19)
            && (rest.len() == 3 || (rest[3] == b'.' && rest.len() > 4 && rest[4..].iter().all(u8::is_ascii_digit))));
    if seconds_only {
        return Some((
            "time without offset: add +08:00 (Beijing time) or Z (UTC), as in 2024-05-01T08:30:00+08:00".into(),
            "时间缺少时区偏移：请加 +08:00（北京时间）或 Z（UTC），如 2024-05-01T08:30:00+08:00".into(),
        ));
    }
    None
}

/// Every code table, built once.
pub(crate) fn tables() -> &'static [linli_model::codes::TableInfo] {
    static TABLES: std::sync::LazyLock<Vec<linli_model::codes::TableInfo>> =
        std::sync::LazyLock::new(linli_model::codes::all_tables);
    &TABLES
}

/// The code table whose codes are exactly `options` (an `enum` of the schemas).
fn code_table_of(options: &Value) -> Option<&'static linli_model::codes::TableInfo> {
    let opts: Vec<&str> = options.as_array()?.iter().map(Value::as_str).collect::<Option<_>>()?;
    tables().iter().find(|t| t.codes.len() == opts.len() && t.codes.iter().all(|(c, _, _)| opts.contains(c)))
}

/// How many codes a message lists before it sends the reader to `linli codes`.
const LISTED_CODES: usize = 12;

/// What an `enum` asks for, in words (English, Chinese) `[CON-054]`: the table and its codes with
/// their labels, or the first of them and where to find the rest.
fn enum_words(options: &Value) -> (String, String) {
    match code_table_of(options) {
        Some(t) => {
            let shown = t.codes.iter().take(LISTED_CODES);
            let en: Vec<String> = shown.clone().map(|(c, _, en)| format!("{c} ({en})")).collect();
            let zh: Vec<String> = shown.map(|(c, zh, _)| format!("{c}（{zh}）")).collect();
            let (more_en, more_zh) = if t.codes.len() > LISTED_CODES {
                (
                    format!(", … (all {}: linli codes {})", t.codes.len(), t.table),
                    format!("……（共 {} 个：linli codes {}）", t.codes.len(), t.table),
                )
            } else {
                (String::new(), String::new())
            };
            (
                format!(
                    "not a code of the table `{}` ({}, {}); expected one of {}{more_en}",
                    t.table,
                    t.title_en,
                    t.standard,
                    en.join(", ")
                ),
                format!(
                    "不是代码表 `{}`（{}，{}）中的代码；应为 {}{more_zh} 之一",
                    t.table,
                    t.title_zh,
                    t.standard,
                    zh.join("、")
                ),
            )
        }
        None => {
            let list: Vec<String> = options
                .as_array()
                .map(|a| a.iter().take(LISTED_CODES).map(|v| v.to_string()).collect())
                // `enum` is an array in every schema (JSON Schema requires it): the default, no values
                // listed, is never taken.
                .unwrap_or_default();
            (
                format!("not one of the allowed values; expected one of {}", list.join(", ")),
                format!("不是允许的值；应为 {} 之一", list.join("、")),
            )
        }
    }
}

/// Messages for a violation, without the offending value `[PRI-004]`: what is wrong and what is
/// expected `[CON-054]`. `instance` (the value) is only looked at, for the form of a time.
fn describe(kind: &jsonschema::error::ValidationErrorKind, instance: &Value) -> (String, String) {
    use jsonschema::error::ValidationErrorKind as K;
    let limit = |v: &dyn std::fmt::Display| v.to_string();
    match kind {
        K::AdditionalProperties { unexpected } | K::UnevaluatedProperties { unexpected } => {
            let list = unexpected
                .iter()
                .map(|u| format!("`{}`", linli_model::text::truncate(&crate::finding::shown(u), 40)))
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
        K::Enum { options } => enum_words(options),
        K::Constant { expected_value } => (format!("must be {expected_value}"), format!("必须为 {expected_value}")),
        K::Type { kind } => {
            let (en, zh) = type_names(kind);
            (format!("wrong JSON type; expected {en}"), crate::finding::zh_then("JSON 类型错误，应为", &zh))
        }
        K::Pattern { .. } | K::Format { .. } if time_form(kind) == Some("date-time") => timestamp_hint(instance)
            .unwrap_or_else(|| {
                // `pattern_words` knows this pattern: the default (no words) is never taken.
                let (en, zh) = pattern_words(linli_model::datetime::TIMESTAMP_PATTERN).unwrap_or_default();
                (format!("not a valid time; expected {en}"), crate::finding::zh_then("不是有效的时间；应为", zh))
            }),
        K::Pattern { .. } | K::Format { .. } if time_form(kind) == Some("date") => {
            // `pattern_words` knows this pattern: the default (no words) is never taken.
            let (en, zh) = pattern_words(linli_model::datetime::DATE_PATTERN).unwrap_or_default();
            (format!("not a valid date; expected {en}"), crate::finding::zh_then("不是有效的日期；应为", zh))
        }
        K::Pattern { pattern } => match pattern_words(pattern) {
            Some((en, zh)) => {
                (format!("not of the expected form; expected {en}"), crate::finding::zh_then("形式不对；应为", zh))
            }
            None => (format!("does not match the pattern {pattern}"), format!("不符合格式 {pattern}")),
        },
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
                let (en, zh) = describe(e.kind(), e.instance());
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
    pub fn violations_against(schema: &Value, instance: &Value) -> Result<Vec<String>, Error> {
        let v = jsonschema::options()
            .with_draft(jsonschema::Draft::Draft202012)
            .should_validate_formats(true)
            .build(schema)
            .map_err(|e| Error::SchemaInvalid { message: e.to_string() })?;
        Ok(v.iter_errors(instance)
            .map(|e| format!("{}: {}", e.instance_path().as_str(), describe(e.kind(), e.instance()).0))
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
                let (message_en, message_zh) = describe(e.kind(), e.instance());
                SchemaViolation {
                    pointer: e.instance_path().as_str().to_owned(),
                    keyword: e.kind().keyword().to_owned(),
                    schema_path: e.schema_path().as_str().to_owned(),
                    message_en,
                    message_zh,
                    time_form: time_form(e.kind()),
                    code_table: match e.kind() {
                        jsonschema::error::ValidationErrorKind::Enum { options } => {
                            code_table_of(options).map(|t| t.table)
                        }
                        _ => None,
                    },
                }
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Another schema: its violations, or the crate's typed error when it does not compile.
    #[test]
    fn violations_against_another_schema_or_a_typed_error() {
        let schema = serde_json::json!({"type": "object", "required": ["a"]});
        assert_eq!(
            SchemaEngine::violations_against(&schema, &serde_json::json!({"a": 1})).unwrap(),
            Vec::<String>::new()
        );
        assert_eq!(SchemaEngine::violations_against(&schema, &serde_json::json!({})).unwrap().len(), 1);
        let e = SchemaEngine::violations_against(&serde_json::json!({"type": 3}), &serde_json::json!({})).unwrap_err();
        assert!(matches!(e, Error::SchemaInvalid { .. }), "{e:?}");
        assert_eq!(e.code(), "schema-invalid");
        assert!(e.to_string().starts_with("the schema does not compile: "), "{e}");
        assert!(e.message(true).starts_with("所给模式无法编译："), "{e}");
    }

    #[test]
    fn embedded_schemas_compile_and_reject_garbage() {
        let engine = SchemaEngine::new().unwrap();
        for ty in [RecordType::Person, RecordType::Case] {
            let v = engine.violations(ty, &serde_json::json!({"type": "Nope"}));
            assert!(!v.is_empty());
            assert!(v.iter().any(|x| x.keyword == "required"), "{v:?}");
        }
    }

    #[test]
    fn every_pattern_of_the_schemas_is_said_in_words() {
        // [CON-054]: no message falls back to quoting a regular expression.
        for (_, file, text) in EMBEDDED {
            let schema: Value = serde_json::from_str(text).unwrap();
            let mut stack = vec![&schema];
            while let Some(v) = stack.pop() {
                match v {
                    Value::Object(o) => {
                        if let Some(Value::String(p)) = o.get("pattern") {
                            assert!(pattern_words(p).is_some(), "{file}: pattern {p} has no words");
                        }
                        stack.extend(o.values());
                    }
                    Value::Array(a) => stack.extend(a),
                    _ => {}
                }
            }
        }
    }

    #[test]
    fn a_time_says_what_it_lacks_without_quoting_it() {
        let hint = |s: &str| timestamp_hint(&Value::String(s.into())).map(|(en, _)| en);
        for s in ["2024-05-01T08:30", "2024-05-01T08:30:00", "2024-05-01T08:30:00.123"] {
            assert!(hint(s).is_some_and(|h| h.starts_with("time without offset: add +08:00")), "{s}");
        }
        assert!(hint("2024-05-01 08:30:00+08:00").is_some_and(|h| h.contains("write T")));
        // Broken otherwise: the general form is given instead.
        for s in ["2024-05-01T08:30:0", "2024-5-01T08:30:00", "2024-05-01T08:30:00+0800", "08:30"] {
            assert_eq!(hint(s), None, "{s}");
        }
        let engine = SchemaEngine::new().unwrap();
        let rec =
            serde_json::json!({"type": "Person", "id": "P-1", "meta": {"createdAt": "2024-05-01 08:30:00+08:00"}});
        let v = engine.violations(RecordType::Person, &rec);
        let t = v.iter().find(|x| x.pointer == "/meta/createdAt" && x.time_form.is_some()).unwrap();
        assert!(t.message_zh.contains("日期与时间之间是空格") && !t.message_en.contains("2024-05-01 08"), "{t:?}");
    }

    #[test]
    fn an_enum_names_its_table_and_lists_its_codes() {
        let (en, zh) = enum_words(&serde_json::json!(["0", "1", "2", "9"]));
        assert!(en.starts_with("not a code of the table `gender` (Gender, GB/T 2261.1"), "{en}");
        assert!(en.ends_with("expected one of 0 (Unknown), 1 (Male), 2 (Female), 9 (Unspecified)"), "{en}");
        assert!(zh.contains("应为 0（未知的性别）、1（男性）、2（女性）、9（未说明的性别） 之一"), "{zh}");
        // A long table: the first twelve and where the rest are.
        let ethnic: Vec<&str> = linli_model::codes::all_tables()
            .into_iter()
            .find(|t| t.table == "ethnic-group")
            .unwrap()
            .codes
            .iter()
            .map(|c| c.0)
            .collect();
        let (en, zh) = enum_words(&serde_json::json!(ethnic));
        assert!(en.contains("12 (Dong), … (all 58: linli codes ethnic-group)") && !en.contains("13 ("), "{en}");
        assert!(zh.contains("（共 58 个：linli codes ethnic-group）"), "{zh}");
        // An enum that is no code table: its values.
        let (en, _) = enum_words(&serde_json::json!(["Point", "Polygon"]));
        assert_eq!(en, "not one of the allowed values; expected one of \"Point\", \"Polygon\"");
    }
}
