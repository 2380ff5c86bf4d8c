//! Validating one record: a typed fast path, and the schema to explain what is wrong.
//!
//! A record that the typed model reads is valid against its schema whenever the semantic checks
//! also pass (a property test, `serde_and_semantic_acceptance_implies_schema_acceptance`, holds
//! the two to that). So the validator first reads the record straight into the model types and
//! runs the semantic checks. Only when that fails does it parse a `serde_json::Value` and ask the
//! JSON Schema for every violation, so that each is reported with its pointer.

use crate::codes::Code;
use std::borrow::Cow;

use linli_model::check::{self, Context, DivisionTable, Level};
use linli_model::codes::CodeTable;
use linli_model::record::RecordParseError;
use linli_model::{Record, RecordType};
use serde_json::Value;

use crate::finding::Finding;
use crate::schema_engine::SchemaEngine;

/// What validating one record found.
#[derive(Debug, Clone, Default)]
pub struct RecordOutcome {
    /// The record type, when the record names a known one.
    pub record_type: Option<RecordType>,
    /// The record id, when it has a string `id`.
    pub id: Option<String>,
    /// The parsed record, when the typed model could read it.
    pub record: Option<Record>,
    /// Findings, without file or line (the caller adds them).
    pub findings: Vec<Finding>,
}

impl RecordOutcome {
    /// Whether no finding is an error.
    pub fn is_valid(&self) -> bool {
        !self.findings.iter().any(|f| f.level == Level::Error)
    }
}

/// A leak as a finding; its value is already masked `[PRI-004]`.
fn leak_finding(l: linli_privacy::leak::Leak, ty: RecordType, id: &str) -> Finding {
    let mut f = Finding::new(l.code, l.level, Some(l.requirement), l.message_zh, l.message_en);
    f.pointer = l.pointer;
    f.record_type = Some(ty);
    f.record_id = Some(id.to_owned());
    f.value = l.value;
    f
}

/// `id-holds-personal-number` for the record's `/id` and `/meta/sourceId` of a record read only
/// as JSON (it breaks its schema) `[CON-013]`; the value masked `[PRI-004]`.
fn id_leaks(v: &Value, ty: RecordType, id: Option<&str>) -> Vec<Finding> {
    let ids: Vec<(String, String)> = ["/id", "/meta/sourceId"]
        .into_iter()
        .filter_map(|p| Some((p.to_owned(), v.pointer(p)?.as_str()?.to_owned())))
        .collect();
    linli_privacy::leak::id_texts_holding_numbers(&ids)
        .into_iter()
        .map(|l| {
            // No id: the default empty id is replaced just below by none, never reported.
            let mut f = leak_finding(l, ty, id.unwrap_or_default());
            f.record_id = id.map(str::to_owned);
            f
        })
        .collect()
}

/// Values of a record in a shared dataset that the built-in profile of its sharing level would
/// have changed `[SHR-050]`.
pub fn raw_value_findings(
    record: &Record,
    profile: &linli_privacy::Profile,
    today: linli_model::datetime::Date,
) -> Vec<Finding> {
    let ty = record.record_type();
    linli_privacy::leak::raw_values(record, profile, today)
        .into_iter()
        .map(|l| leak_finding(l, ty, record.id().as_str()))
        .collect()
}

/// The names of a shared dataset's persons and contacts that a record's free text holds
/// (`shared-person-name`) `[SHR-052]`; the name is never part of the finding.
pub fn name_findings(record: &Record, names: &linli_privacy::leak::Names) -> Vec<Finding> {
    let ty = record.record_type();
    linli_privacy::leak::names_in_text(record, names)
        .into_iter()
        .map(|l| leak_finding(l, ty, record.id().as_str()))
        .collect()
}

/// Validates records: schema + semantic checks.
#[derive(Debug)]
pub struct Validator {
    engine: SchemaEngine,
    divisions: Option<DivisionTable>,
}

/// The vendor format a JSON object that is no Linli record looks like, by the members its format
/// requires, and the `linli convert --from` value that reads it [DAT-019].
fn vendor_format(obj: &serde_json::Map<String, Value>) -> Option<(&'static str, &'static str)> {
    const GEOJSON: &[&str] = &[
        "Feature",
        "FeatureCollection",
        "Point",
        "MultiPoint",
        "LineString",
        "MultiLineString",
        "Polygon",
        "MultiPolygon",
        "GeometryCollection",
    ];
    let ty = obj.get("type").and_then(Value::as_str);
    if ty.is_some_and(|t| GEOJSON.contains(&t)) {
        Some(("GeoJSON", "geojson"))
    } else if obj.contains_key("specversion") {
        Some(("CloudEvents", "cloudevents"))
    } else if obj.contains_key("@context")
        || obj.get("id").and_then(Value::as_str).is_some_and(|id| id.starts_with("urn:ngsi-ld:"))
        || obj.contains_key("subscriptionId")
        || obj.values().any(|v| v.as_object().is_some_and(|a| a.contains_key("type") && a.contains_key("value")))
    {
        Some(("NGSI-LD / NGSI-v2", "ngsi-ld"))
    } else if obj.contains_key("service_request_id") || obj.contains_key("service_code") {
        Some(("Open311", "open311"))
    } else if obj.keys().any(|k| k.ends_with("ListObject") || k.ends_with("InfoList")) {
        Some(("GA/T 1400", "gat1400"))
    } else {
        None
    }
}

/// The message of a record without a Linli type, with what to do when it looks like a vendor
/// format: convert it first.
fn with_vendor_hint(zh: &str, en: &str, obj: &serde_json::Map<String, Value>) -> (String, String) {
    match vendor_format(obj) {
        Some((name, from)) => (
            format!(
                "{zh}；这像是 {name} 数据，不是 Linli 记录：请先用 `linli convert --from {from}` 转换，再校验其输出"
            ),
            format!(
                "{en}; this looks like {name}, not a Linli record: convert it first with `linli convert --from {from}`, then validate the output"
            ),
        ),
        None => (zh.to_owned(), en.to_owned()),
    }
}

/// A finding for JSON that could not be read, with a specific code where serde says why.
fn json_error(e: &serde_json::Error) -> Finding {
    let msg = e.to_string();
    let (code, zh) = if msg.contains("recursion limit") {
        (Code::JsonTooDeep, "JSON 嵌套过深")
    } else if msg.contains("number out of range") {
        (Code::JsonNumberRange, "数值超出可表示的范围")
    } else if e.is_eof() {
        (Code::JsonTruncated, "JSON 不完整（行或文件被截断）")
    } else {
        (Code::JsonSyntax, "JSON 语法错误")
    };
    // serde's place is within the record's own text (line 1 of an NDJSON line), not the file's:
    // said so in each language, serde's own words after it [CON-055].
    let at = format!(" at line {} column {}", e.line(), e.column());
    let (zh_text, en_text) = match msg.strip_suffix(&at) {
        Some(words) if e.line() > 0 => (
            format!("{zh}：记录内第 {} 行第 {} 列（{words}）", e.line(), e.column()),
            format!("malformed JSON at line {} column {} of the record: {words}", e.line(), e.column()),
        ),
        _ => (format!("{zh}：{msg}"), format!("malformed JSON: {msg}")),
    };
    let mut f = Finding::new(code, Level::Error, Some("CON-002"), zh_text, en_text);
    f.pointer = String::new();
    f
}

/// The one finding of a record whose text breaks [`linli_model::json::check_text`] `[CON-002]`;
/// its type and id are kept when neither is the member at fault (for the dataset checks).
fn text_problem(p: &linli_model::json::TextProblem, text: &str) -> RecordOutcome {
    use linli_model::json::{MAX_DEPTH, TextProblem};
    let f = match p {
        TextProblem::DuplicateMember { pointer } => Finding::new(
            Code::JsonDuplicateKey,
            Level::Error,
            Some("CON-002"),
            "对象中同一成员名出现两次（各读取方可能取不同的值）",
            "a member name is given twice in one object (readers may take different values)",
        )
        .at(pointer.clone()),
        TextProblem::TooDeep { .. } => Finding::new(
            Code::JsonTooDeep,
            Level::Error,
            Some("CON-002"),
            format!("JSON 数组与对象嵌套超过 {MAX_DEPTH} 层"),
            format!("arrays and objects nest deeper than {MAX_DEPTH} levels"),
        ),
        _ => Finding::new(Code::JsonSyntax, Level::Error, Some("CON-002"), p.to_string(), p.to_string()),
    };
    let at_fault = |m: &str| matches!(p, TextProblem::DuplicateMember { pointer } if pointer == m);
    let mut out = RecordOutcome { findings: vec![f], ..Default::default() };
    if let Ok(Value::Object(obj)) = serde_json::from_str(text) {
        if !at_fault("/type") {
            out.record_type = obj.get("type").and_then(Value::as_str).and_then(RecordType::from_code);
        }
        if !at_fault("/id") {
            out.id = obj.get("id").and_then(Value::as_str).map(str::to_owned);
        }
    }
    for f in &mut out.findings {
        f.record_type = out.record_type;
        f.record_id.clone_from(&out.id);
    }
    out
}

/// Code and requirement for a schema violation, by the table of `[CON-070]`.
fn schema_code(keyword: &str, pointer: &str, time_form: Option<&str>) -> (&'static str, &'static str) {
    match (keyword, time_form) {
        ("additionalProperties" | "unevaluatedProperties", _) => (Code::SchemaUnknownMember.as_str(), "COR-003"),
        ("required", _) => (Code::SchemaRequired.as_str(), "CON-006"),
        ("type", _) => (Code::SchemaType.as_str(), "CON-004"),
        ("const", _) if pointer.is_empty() || pointer == "/type" => (Code::SchemaRecordType.as_str(), "COR-002"),
        // The `type` of a geometry is a GeoJSON type, not a record type.
        ("const" | "enum", _)
            if pointer.ends_with("/type")
                && !pointer.ends_with("/geometry/type")
                && !pointer.ends_with("/location/type") =>
        {
            (Code::SchemaRefType.as_str(), "COR-021")
        }
        ("enum", _) => (Code::SchemaCode.as_str(), "CON-034"),
        ("const", _) => (Code::SchemaType.as_str(), "CON-004"),
        (_, Some("date")) => (Code::SchemaDate.as_str(), "CON-022"),
        (_, Some(_)) => (Code::SchemaTimestamp.as_str(), "CON-020"),
        ("pattern" | "minLength" | "maxLength", _) => (Code::SchemaPattern.as_str(), "CON-004"),
        // The schema's bound on a Place's area is the semantic check `place-area`.
        ("exclusiveMinimum", _) if pointer == "/area" => {
            (linli_model::check::FindingCode::PlaceArea.as_str(), "PLA-011")
        }
        ("minimum" | "maximum" | "exclusiveMinimum" | "exclusiveMaximum", _) => (Code::SchemaRange.as_str(), "CON-004"),
        ("propertyNames", _) => (Code::SchemaExtensionNamespace.as_str(), "COR-040"),
        _ => (Code::SchemaStructure.as_str(), "CON-004"),
    }
}

/// Which of several violations at one location is reported `[CON-070]`: the lowest rank.
fn schema_rank(keyword: &str, time_form: Option<&str>) -> u8 {
    match (keyword, time_form) {
        ("required" | "additionalProperties", _) => 0,
        ("type", _) => 1,
        ("const" | "enum", _) => 2,
        (_, Some(_)) => 3,
        ("pattern" | "minLength" | "maxLength", _) => 4,
        ("minimum" | "maximum" | "exclusiveMinimum" | "exclusiveMaximum", _) => 5,
        _ => 6,
    }
}

/// The members whose schema type is `integer` `[CON-008]`.
const INTEGER_MEMBERS: [&str; 2] = ["/meta/version", "/evaluation/rating"];

impl Validator {
    /// A validator with the embedded schemas.
    pub fn new() -> Result<Self, crate::Error> {
        Ok(Validator { engine: SchemaEngine::new()?, divisions: None })
    }

    /// Also report division codes absent from `table` `[PLA-006]`.
    pub fn with_divisions(mut self, table: DivisionTable) -> Self {
        self.divisions = Some(table);
        self
    }

    /// The schema engine.
    pub fn engine(&self) -> &SchemaEngine {
        &self.engine
    }

    /// Validate one record given as JSON text.
    pub fn validate_str(&self, text: &str) -> RecordOutcome {
        match Record::from_json_str(text) {
            Ok(record) => self.checked(record),
            // A member given twice or nesting too deep: the record means nothing certain, so
            // nothing else is reported `[CON-070]` item 5.
            Err(RecordParseError::Text(p)) => text_problem(&p, text),
            // The typed reader skips unknown members without a depth limit, so its syntax errors
            // can be less precise: read the text again as a value to say exactly what is wrong.
            Err(typed) => match serde_json::from_str::<Value>(text) {
                Ok(v) => self.explain(&v, Some(&typed)),
                Err(e) => RecordOutcome { findings: vec![json_error(&e)], ..Default::default() },
            },
        }
    }

    /// Validate one record given as a JSON value.
    pub fn validate_value(&self, v: &Value) -> RecordOutcome {
        match Record::from_value(v.clone()) {
            Ok(record) => self.checked(record),
            Err(e) => self.explain(v, Some(&e)),
        }
    }

    /// The record was read by the typed model: run the semantic checks. The schema has nothing
    /// to add here: every constraint the schema states beyond what the typed model enforces is
    /// also a semantic check (the property `serde_and_semantic_acceptance_implies_schema_acceptance`
    /// holds the layers to that), so a typed record breaks the schema only where a semantic
    /// finding already points.
    fn checked(&self, record: Record) -> RecordOutcome {
        let ty = record.record_type();
        let id = record.id().as_str().to_owned();
        let ctx = Context { divisions: self.divisions.as_ref() };
        let mut findings: Vec<Finding> = check::check_record(&record, &ctx)
            .iter()
            .map(|f| Finding::from((f, Some(ty), Some(id.as_str()))))
            .collect();
        // Identity and mobile numbers in free text `[EVT-010]`, `[CAS-012]`, `[SHR-040]`, `[SHR-041]`.
        findings
            .extend(linli_privacy::leak::scan_record(&record).into_iter().map(|l| leak_finding(l, ty, id.as_str())));
        RecordOutcome { record_type: Some(ty), id: Some(id), record: Some(record), findings }
    }

    /// Schema violations as findings, one per member: when a value breaks several keywords (a
    /// time without offset breaks both `format` and `pattern`), the most telling one is kept.
    fn schema_findings(&self, ty: RecordType, id: Option<&str>, v: &Value) -> Vec<Finding> {
        let mut violations = self.engine.violations(ty, v);
        // Stable: keeps the validator's order among violations of equal rank (only `required`,
        // which are all kept, and keywords that map to one code).
        violations.sort_by(|a, b| {
            a.pointer
                .cmp(&b.pointer)
                .then(schema_rank(&a.keyword, a.time_form).cmp(&schema_rank(&b.keyword, b.time_form)))
        });
        violations.dedup_by(|later, first| {
            later.pointer == first.pointer && later.keyword != "required" && later.keyword != "additionalProperties"
        });
        violations
            .into_iter()
            .map(|s| {
                let (code, req) = schema_code(&s.keyword, &s.pointer, s.time_form);
                let mut f = Finding::with_code(code, Level::Error, Some(req), s.message_zh, s.message_en);
                f.pointer = s.pointer;
                f.record_type = Some(ty);
                f.record_id = id.map(str::to_owned);
                if let Some(val) = v.pointer(&f.pointer) {
                    let text = match val {
                        Value::String(s) => Cow::Borrowed(s.as_str()),
                        Value::Object(_) | Value::Array(_) => Cow::Borrowed(""),
                        other => Cow::Owned(other.to_string()),
                    };
                    if !text.is_empty() {
                        f = if s.keyword == "enum" {
                            // A code is shown in full where it cannot be personal data [PRI-004].
                            let table =
                                s.code_table.and_then(|n| crate::schema_engine::tables().iter().find(|t| t.table == n));
                            f.with_code_value(&text, table)
                        } else {
                            f.with_value(&text)
                        };
                    }
                }
                f
            })
            .collect()
    }

    /// The typed model could not read the value: say why, member by member, from the schema.
    fn explain(&self, v: &Value, typed: Option<&RecordParseError>) -> RecordOutcome {
        let Some(obj) = v.as_object() else {
            return RecordOutcome {
                findings: vec![Finding::new(
                    Code::NotAnObject,
                    Level::Error,
                    Some("COR-001"),
                    "记录必须是 JSON 对象",
                    "a record must be a JSON object",
                )],
                ..Default::default()
            };
        };
        let id = obj.get("id").and_then(Value::as_str).map(str::to_owned);
        let ty = match obj.get("type") {
            Some(Value::String(t)) => match RecordType::from_code(t) {
                Some(ty) => ty,
                None => {
                    let (zh, en) = with_vendor_hint(
                        "未知的记录类型（应为 Person、Organization、Place、Thing、Event、Case 之一）",
                        "unknown record type (expected one of Person, Organization, Place, Thing, Event, Case)",
                        obj,
                    );
                    let f = Finding::new(Code::UnknownRecordType, Level::Error, Some("COR-002"), zh, en)
                        .at("/type")
                        .with_value(t);
                    return RecordOutcome { id, findings: vec![f], ..Default::default() };
                }
            },
            _ => {
                let (zh, en) =
                    with_vendor_hint("记录缺少字符串成员 `type`", "the record has no string member `type`", obj);
                let f = Finding::new(Code::MissingRecordType, Level::Error, Some("COR-002"), zh, en).at("/type");
                return RecordOutcome { id, findings: vec![f], ..Default::default() };
            }
        };
        let mut findings = self.schema_findings(ty, id.as_deref(), v);
        if !findings.is_empty() {
            // A personal number in an id is reported whatever else is wrong: an id that breaks
            // the id pattern is the likeliest to hold one `[CON-013]`, `[CON-070]` item 4.
            findings.extend(id_leaks(v, ty, id.as_deref()));
        }
        if findings.is_empty() {
            // The schema accepts what the typed model refuses (e.g. `1.0` where an integer
            // belongs, or a member given twice): report the model's reason.
            let reason = match (typed, Record::from_value(v.clone())) {
                (Some(e), _) => e.to_string(),
                (None, Err(e)) => e.to_string(),
                (None, Ok(_)) => String::from("unknown"),
            };
            let (code, req) = if reason.contains("duplicate field") {
                (Code::JsonDuplicateKey, "CON-002")
            } else {
                (Code::RecordStructure, "CON-004")
            };
            // serde's position is that of the value as re-read, not of the input: left out.
            let reason = match reason.rfind(" at line ") {
                Some(i) if reason[i..].contains(" column ") => reason[..i].to_owned(),
                _ => reason,
            };
            // The reader quotes the value, escaped (`\u{a0}` for a separator), where redaction
            // would not see a number: values left out `[PRI-011]`.
            let reason = linli_privacy::dataset::without_values(&reason);
            let mut f = Finding::new(
                code,
                Level::Error,
                Some(req),
                format!("记录结构不符合标准：{reason}"),
                format!("the record does not fit the standard: {reason}"),
            );
            // An integer written with a fraction or an exponent is the one such case in this
            // version: point at it and say so `[CON-008]`, `[CON-070]`.
            if let Some(p) = INTEGER_MEMBERS
                .iter()
                .filter(|_| code == Code::RecordStructure)
                .find(|p| v.pointer(p).and_then(Value::as_number).is_some_and(|n| n.is_f64()))
            {
                f = Finding::new(
                    code,
                    Level::Error,
                    Some(req),
                    "整数必须只用数字书写，不带小数部分或指数（写 `1`，不写 `1.0` 或 `1e0`）[CON-008]",
                    "an integer must be written with digits only, without a fraction or an exponent (`1`, not `1.0` or `1e0`) [CON-008]",
                )
                .at(*p);
            }
            f.record_type = Some(ty);
            f.record_id = id.clone();
            findings.push(f);
        }
        RecordOutcome { record_type: Some(ty), id, record: None, findings }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v() -> Validator {
        Validator::new().unwrap()
    }

    const PERSON: &str = r#"{"type":"Person","id":"P-1","meta":{"source":{"vendor":"V","product":"P"},"createdAt":"2024-05-01T09:00:00+08:00","updatedAt":"2024-05-01T09:00:00+08:00","version":1,"classification":"restricted"},"name":"张三","identifiers":[{"scheme":"resident-id","value":"330502198807024471"}]}"#;

    #[test]
    fn an_integer_written_with_a_fraction_is_named_as_such() {
        let out = v().validate_str(&PERSON.replace(r#""version":1,"#, r#""version":1.0,"#));
        assert_eq!(out.findings.len(), 1, "{:?}", out.findings);
        let f = &out.findings[0];
        assert_eq!((f.code.as_ref(), f.pointer.as_str()), ("record-structure", "/meta/version"));
        assert!(f.message_en.contains("[CON-008]") && f.message_zh.contains("[CON-008]"), "{}", f.message_en);
        assert!(f.message_en.contains("digits only") && !f.message_en.contains("line 1"), "{}", f.message_en);
        assert!(f.message_zh.contains("整数"), "{}", f.message_zh);
    }

    #[test]
    fn an_id_that_breaks_its_pattern_is_still_scanned_for_personal_numbers() {
        let out = v().validate_str(&PERSON.replace(r#""id":"P-1""#, r#""id":"P 11010519491231002X""#));
        let codes: Vec<(&str, &str)> = out.findings.iter().map(|f| (f.code.as_ref(), f.pointer.as_str())).collect();
        assert!(codes.contains(&("schema-pattern", "/id")), "{codes:?}");
        let leak = out.findings.iter().find(|f| f.code == "id-holds-personal-number").expect("CON-013 finding");
        assert_eq!((leak.pointer.as_str(), leak.requirement), ("/id", Some("CON-013")));
        let shown = leak.value.as_deref().unwrap_or_default();
        assert!(!shown.contains("19491231"), "value not masked: {shown}");
    }

    #[test]
    fn a_wrong_json_type_is_named_in_words() {
        let out = v().validate_str(&PERSON.replace(r#""name":"张三""#, r#""name":"张三","gender":1"#));
        let f = out.findings.iter().find(|f| f.code == "schema-type").expect("schema-type");
        assert_eq!(f.pointer, "/gender");
        assert!(f.message_en.ends_with("expected a string"), "{}", f.message_en);
        assert!(f.message_zh.ends_with("应为字符串"), "{}", f.message_zh);
    }

    #[test]
    fn wrong_check_character_is_found_and_masked() {
        let out = v().validate_str(PERSON);
        assert_eq!(out.record_type, Some(RecordType::Person));
        assert_eq!(out.findings.len(), 1, "{:?}", out.findings);
        let f = &out.findings[0];
        assert_eq!(f.code, "id-number-check-character");
        assert_eq!(f.pointer, "/identifiers/0/value");
        assert_eq!(f.value.as_deref(), Some("3305**********4471"));
        assert!(!out.is_valid());
    }

    #[test]
    fn schema_explains_what_serde_refuses() {
        let text = PERSON.replace(r#""name":"张三""#, r#""name":"张三","nickname":"x","gender":"7""#);
        let out = v().validate_str(&text);
        let codes: Vec<&str> = out.findings.iter().map(|f| f.code.as_ref()).collect();
        assert!(codes.contains(&"schema-unknown-member"), "{codes:?}");
        assert!(codes.contains(&"schema-code"), "{codes:?}");
        let g = out.findings.iter().find(|f| f.code == "schema-code").unwrap();
        assert_eq!(g.pointer, "/gender");
        // Gender is personal information, but a code is not: the value is shown in full
        // [PRI-004], and the message lists the codes the table has [CON-054].
        assert_eq!(g.value.as_deref(), Some("7"));
        assert!(
            g.message_en.contains("table `gender`") && g.message_en.contains("1 (Male), 2 (Female)"),
            "{}",
            g.message_en
        );
        assert!(
            g.message_zh.contains("代码表 `gender`") && g.message_zh.contains("1（男性）、2（女性）"),
            "{}",
            g.message_zh
        );
    }

    #[test]
    fn a_code_is_shown_in_full_and_what_could_be_personal_stays_masked() {
        // (value in `gender`, as shown)
        let cases = [
            ("M", "M"),
            ("男性", "男性"),
            ("female", "female"),
            ("unknown-x", "unknown-x"),
            // An ID number, a mobile number, a name, a word that could be a name in pinyin.
            ("330502198807024471", "3305**********4471"),
            ("13812345678", "138****5678"),
            ("王秀英", "王*英"),
            ("王", "*"),
            ("wangxiuying", "wan****ying"),
        ];
        for (given, shown) in cases {
            let text = PERSON.replace(r#""name":"张三""#, &format!(r#""name":"张三","gender":"{given}""#));
            let out = v().validate_str(&text);
            let g = out.findings.iter().find(|f| f.code == "schema-code").unwrap_or_else(|| panic!("{given}: {out:?}"));
            assert_eq!(g.value.as_deref(), Some(shown), "{given}");
        }
        // The ID number itself, where a finding quotes it, stays masked.
        let out = v().validate_str(PERSON);
        assert_eq!(out.findings[0].value.as_deref(), Some("3305**********4471"));
    }

    #[test]
    fn semantic_findings_say_what_was_expected_without_the_value() {
        // (change to the record, code, expected words en, zh) [CON-054]
        let cases = [
            (
                "330502198807024471",
                "33050219880702447",
                "id-number-shape",
                "expected 18 characters: 17 digits",
                "应为 18 位",
            ),
            (
                "330502198807024471",
                "330502198807024472",
                "id-number-check-character",
                "the last character should be the GB 11643 check",
                "最后一位应为前 17 位按 GB 11643 算出的校验码",
            ),
            (
                r#""name":"张三""#,
                r#""name":"张三","phones":["999999999999"]"#,
                "phone-shape",
                "expected an 11-digit mobile number",
                "应为 11 位手机号码",
            ),
        ];
        for (from, to, code, en, zh) in cases {
            let out = v().validate_str(&PERSON.replace(from, to));
            let f = out.findings.iter().find(|f| f.code == code).unwrap_or_else(|| panic!("{code}: {out:?}"));
            assert!(f.message_en.contains(en) && f.message_zh.contains(zh), "{f:?}");
            for m in [&f.message_en, &f.message_zh] {
                assert!(!m.contains("3305021988") && !m.contains("999999999999"), "{m}");
            }
        }
    }

    #[test]
    fn truncated_json_gives_its_place_within_the_record_in_each_language() {
        let out = v().validate_str(r#"{"type":"Person","id":"P-1""#);
        let f = &out.findings[0];
        assert_eq!(f.code, "json-truncated");
        assert!(
            f.message_en.starts_with("malformed JSON at line 1 column 27 of the record: EOF while parsing"),
            "{}",
            f.message_en
        );
        assert!(
            f.message_zh.starts_with("JSON 不完整（行或文件被截断）：记录内第 1 行第 27 列（EOF while parsing"),
            "{}",
            f.message_zh
        );
    }

    #[test]
    fn a_time_without_offset_is_told_to_add_one() {
        let meta = PERSON.replacen("+08:00", "", 1);
        let out = v().validate_str(&meta);
        let f = out.findings.iter().find(|f| f.code == "schema-timestamp").unwrap_or_else(|| panic!("{out:?}"));
        assert!(f.message_en.starts_with("time without offset: add +08:00"), "{}", f.message_en);
        assert!(f.message_zh.starts_with("时间缺少时区偏移：请加 +08:00"), "{}", f.message_zh);
    }

    #[test]
    fn sensitive_values_never_appear_in_messages() {
        let text = PERSON.replace("330502198807024471", "33050219880702447");
        let out = v().validate_str(&text);
        for f in &out.findings {
            assert!(!f.message_en.contains("33050219880702447"), "{f:?}");
            assert!(!f.message_zh.contains("33050219880702447"), "{f:?}");
            assert!(f.value.as_deref().is_none_or(|v| !v.contains("0219880702")), "{f:?}");
        }
    }

    #[test]
    fn bad_inputs_are_findings_not_panics() {
        let val = v();
        for (text, code) in [
            ("{", "json-truncated"),
            ("{]", "json-syntax"),
            ("[]", "not-an-object"),
            ("42", "not-an-object"),
            (r#"{"id":"x"}"#, "missing-record-type"),
            (r#"{"type":"Dog"}"#, "unknown-record-type"),
            (r#"{"type":"Person"}"#, "schema-required"),
        ] {
            let out = val.validate_str(text);
            assert!(out.findings.iter().any(|f| f.code == code), "{text}: {:?}", out.findings);
        }
    }

    #[test]
    fn integer_written_as_float_is_explained() {
        let text =
            PERSON.replace(r#""version":1"#, r#""version":1.0"#).replace("330502198807024471", "321083197812162119");
        let out = v().validate_str(&text);
        assert_eq!(out.findings.len(), 1, "{:?}", out.findings);
        assert_eq!(out.findings[0].code, "record-structure");
        assert_eq!(out.findings[0].pointer, "/meta/version");
    }

    /// `[CON-070]`: one code per location, chosen by the table; `[CON-009]`: `$` is the end.
    #[test]
    fn schema_findings_follow_the_table() {
        let val = v();
        let ok = PERSON.replace("330502198807024471", "321083197812162119");
        assert!(val.validate_str(&ok).findings.is_empty());
        for (from, to, code, pointer) in [
            (r#""id":"P-1""#, r#""id":"P-1\n""#, "schema-pattern", "/id"),
            (r#""id":"P-1""#, r#""id":"P-1\r\n""#, "schema-pattern", "/id"),
            (
                r#""createdAt":"2024-05-01T09:00:00+08:00""#,
                r#""createdAt":"2024-05-01t09:00:00+08:00""#,
                "schema-timestamp",
                "/meta/createdAt",
            ),
            (
                r#""createdAt":"2024-05-01T09:00:00+08:00""#,
                r#""createdAt":"2024-05-01T09:00:00+08:00\n""#,
                "schema-timestamp",
                "/meta/createdAt",
            ),
            (
                r#""createdAt":"2024-05-01T09:00:00+08:00""#,
                r#""createdAt":"2024-05-01T09:00:00""#,
                "schema-timestamp",
                "/meta/createdAt",
            ),
            (r#""name":"张三""#, r#""name":"张三","birthDate":"1978-12-16\n""#, "schema-date", "/birthDate"),
            (r#""name":"张三""#, r#""name":"张三","gender":1"#, "schema-type", "/gender"),
            (r#""version":1,"#, r#""version":1,"tenant":"x","shard":2,"#, "schema-unknown-member", "/meta"),
            (
                r#""name":"张三""#,
                r#""name":"张三","extensions":{"Hik":{},"X":{}}"#,
                "schema-extension-namespace",
                "/extensions",
            ),
            (r#""type":"Person""#, r#""type":1"#, "missing-record-type", "/type"),
        ] {
            let text = ok.replace(from, to);
            assert_ne!(text, ok, "{to}");
            let out = val.validate_str(&text);
            let got: Vec<(&str, &str)> = out.findings.iter().map(|f| (f.code.as_ref(), f.pointer.as_str())).collect();
            assert_eq!(got, vec![(code, pointer)], "{to}");
        }
    }
}
