//! CloudEvents 1.0, structured JSON mode: [`Event`] ⇄ CloudEvent.
//!
//! # Type scheme
//!
//! A Linli event becomes one CloudEvent with these attributes:
//!
//! | attribute         | value                                                                |
//! |-------------------|----------------------------------------------------------------------|
//! | `specversion`     | `1.0`                                                                |
//! | `id`              | the event `id`                                                       |
//! | `type`            | `org.linli.event.` + the event category code, e.g. `org.linli.event.alarm.smoke` |
//! | `source`          | `/linli/things/<thing id>` when the event has a `source` thing; otherwise `/linli/<vendor>/<product>` from `meta.source` |
//! | `time`            | `occurredAt`                                                         |
//! | `datacontenttype` | `application/json`                                                   |
//! | `dataschema`      | the Event schema `$id`, `https://schema.linli.org.cn/0.1/event.schema.json` |
//! | `subject`         | the `place` id, only when the event has a place                      |
//! | `data`            | the whole canonical Event record                                     |
//!
//! In `source` every path segment (thing id, vendor, product) is percent-encoded: each UTF-8
//! byte outside `A-Z a-z 0-9 . _ ~ -` becomes `%XX` (upper-case hex).
//!
//! # Reading (`spec/18-adapters.md` §18.6)
//!
//! [`read`] takes one CloudEvent or a batch. A *Linli-shaped* CloudEvent (`type` starting
//! [`TYPE_PREFIX`], `data` an object with `type` `"Event"`) is read strictly
//! ([`cloudevent_to_event`], [ADP-050]): `specversion` must be `1.0`; `data` must be a Linli Event;
//! `id`, `type` and (when present) `time` must agree with `data.id`, `data.category` and
//! `data.occurredAt`, otherwise the CloudEvent is an error. Extension attributes and `source`,
//! `subject`, `dataschema`, `datacontenttype` when they differ from what writing derives are kept in
//! `extensions.cloudevents` ([`LossKind::KeptInExtensions`]).
//!
//! Any other CloudEvent is *foreign* ([ADP-051]–[ADP-057]): its category comes from the user's
//! type-mapping file, then the built-in one ([`BUILTIN_TYPES`], [`TypeMapping`]), else
//! [`DEFAULT_CATEGORY`]; its time is read with [`crate::rules::read_time`] (zone rule UTC; absent →
//! the time of conversion); `data` (any JSON type) and a decoded `data_base64`, `source`, `subject`
//! and every other attribute are kept in `extensions.cloudevents`; an id that is not a Linli id is
//! replaced by `ce-<hash>` (the original in `meta.sourceId`). A JSON object without `specversion`
//! is not CloudEvents (the Azure Event Grid schema is named when recognised).
//!
//! Loss `source` pointers point into the CloudEvent (prefixed with `/<i>` in a batch);
//! `target` pointers point into the converted event.

use crate::codes::Code;
use crate::loss::token;
use linli_model::Event;
use linli_model::codes::CodeTable;
use linli_model::datetime::Timestamp;
use serde_json::{Map, Value};
use sha2::Digest as _;

use crate::{Error, Loss, LossKind, LossReport};

const FORMAT: &str = "CloudEvents";
/// The extension namespace CloudEvent attributes are kept under.
const NAMESPACE: &str = "cloudevents";
/// Prefix of every CloudEvent `type` written for a Linli event.
pub const TYPE_PREFIX: &str = "org.linli.event.";
/// The core context attributes and data members of CloudEvents 1.0 (JSON format).
const CORE: &[&str] =
    &["id", "source", "specversion", "type", "datacontenttype", "dataschema", "subject", "time", "data", "data_base64"];
/// Members a Linli event must have, checked first so the error names the pointer.
const REQUIRED_DATA: &[&str] = &["type", "id", "meta", "category", "occurredAt", "severity"];

/// The Event schema `$id`, the `dataschema` of every CloudEvent written.
pub fn event_schema_id() -> String {
    format!("{}event.schema.json", linli_model::schema::SCHEMA_BASE)
}

/// Percent-encode every UTF-8 byte outside `A-Za-z0-9._~-`.
fn encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'~' | b'-') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// The CloudEvent `source` of an event (see the module documentation).
pub fn source_of(e: &Event) -> String {
    match &e.source {
        Some(thing) => format!("/linli/things/{}", encode(thing.id.as_str())),
        None => {
            let s = &e.meta.source;
            format!("/linli/{}/{}", encode(s.vendor.as_str()), encode(s.product.as_str()))
        }
    }
}

/// The CloudEvent of an event, in structured JSON mode.
pub fn event_to_cloudevent(e: &Event) -> Result<Value, Error> {
    let mut ce = Map::new();
    ce.insert("specversion".into(), "1.0".into());
    ce.insert("id".into(), e.id.as_str().into());
    ce.insert("source".into(), source_of(e).into());
    ce.insert("type".into(), format!("{TYPE_PREFIX}{}", e.category.code()).into());
    ce.insert("time".into(), e.occurred_at.to_string().into());
    ce.insert("datacontenttype".into(), "application/json".into());
    ce.insert("dataschema".into(), event_schema_id().into());
    if let Some(place) = &e.place {
        ce.insert("subject".into(), place.id.as_str().into());
    }
    // Serialising an event into a JSON value cannot fail (every map key is a string); should it,
    // the event is refused, never written with empty data.
    let data = serde_json::to_value(e)
        .map_err(|err| Error::Input { format: "cloudevents", message: format!("cannot be written as JSON: {err}") })?;
    ce.insert("data".into(), data);
    Ok(Value::Object(ce))
}

/// The CloudEvents JSON batch (a JSON array) of some events.
pub fn events_to_batch(events: &[Event]) -> Result<Value, Error> {
    Ok(Value::Array(events.iter().map(event_to_cloudevent).collect::<Result<_, _>>()?))
}

/// The event of a structured-mode CloudEvent, with what could not be carried over unchanged.
///
/// Fails when the CloudEvent is not version 1.0, carries no JSON `data`, its `data` is not a
/// Linli event, or `id`, `type` or `time` disagree with the data; the message names the JSON
/// pointer.
pub fn cloudevent_to_event(ce: &Value) -> Result<(Event, LossReport), Error> {
    let mut report = LossReport::default();
    convert(ce, "", &mut report).map(|e| (e, report)).map_err(|message| Error::Input { format: FORMAT, message })
}

/// The events of a CloudEvents JSON batch, with the loss report of all of them and one message
/// (starting with the JSON pointer) per CloudEvent that could not be converted. The other
/// CloudEvents are still converted.
pub fn batch_to_events(v: &Value) -> (Vec<Event>, LossReport, Vec<String>) {
    let mut events = Vec::new();
    let mut report = LossReport::default();
    let mut errors = Vec::new();
    let Some(batch) = v.as_array() else {
        errors.push("(root): a CloudEvents batch must be a JSON array".to_owned());
        return (events, report, errors);
    };
    for (i, ce) in batch.iter().enumerate() {
        let mut one = LossReport::default();
        match convert(ce, &format!("/{i}"), &mut one) {
            Ok(e) => {
                events.push(e);
                report.entries.append(&mut one.entries);
            }
            Err(e) => errors.push(e),
        }
    }
    (events, report, errors)
}

fn is_json_media_type(t: &str) -> bool {
    // split always yields a first part; the default empty essence is never used.
    let essence = t.split(';').next().unwrap_or_default().trim().to_ascii_lowercase();
    essence == "application/json" || essence.ends_with("+json")
}

/// Convert one CloudEvent; pointers in the error and in `report` start with `base`.
fn convert(ce: &Value, base: &str, report: &mut LossReport) -> Result<Event, String> {
    let Some(obj) = ce.as_object() else {
        return Err(format!("{}: a CloudEvent must be a JSON object", if base.is_empty() { "(root)" } else { base }));
    };
    if obj.get("specversion").and_then(Value::as_str) != Some("1.0") {
        return Err(format!("{base}/specversion: must be \"1.0\""));
    }
    if obj.contains_key("data_base64") {
        return Err(format!("{base}/data_base64: binary data is not a Linli event (Linli events are JSON)"));
    }
    match obj.get("datacontenttype") {
        None => {}
        Some(Value::String(t)) if is_json_media_type(t) => {}
        Some(_) => return Err(format!("{base}/datacontenttype: must be a JSON media type")),
    }
    let Some(Value::Object(data)) = obj.get("data") else {
        return Err(format!("{base}/data: must be a Linli Event (a JSON object)"));
    };
    if let Some(missing) = REQUIRED_DATA.iter().find(|m| !data.contains_key(**m)) {
        return Err(format!("{base}/data/{missing}: missing event member `{missing}`"));
    }
    let event: Event = serde_json::from_value(Value::Object(data.clone()))
        .map_err(|e| format!("{base}/data: not a valid event: {e}"))?;

    if obj.get("id").and_then(Value::as_str) != Some(event.id.as_str()) {
        return Err(format!("{base}/id: must equal data.id `{}`", event.id));
    }
    let ty = format!("{TYPE_PREFIX}{}", event.category.code());
    if obj.get("type").and_then(Value::as_str) != Some(ty.as_str()) {
        return Err(format!("{base}/type: must be `{ty}` (from data.category)"));
    }
    match obj.get("time") {
        None => {}
        Some(Value::String(t)) if Timestamp::parse(t).is_ok_and(|t| t == event.occurred_at) => {}
        Some(_) => return Err(format!("{base}/time: must equal data.occurredAt `{}`", event.occurred_at)),
    }

    // Attributes the event does not carry: extension attributes, and derived attributes whose
    // value differs from what the scheme would write.
    let derived = event_to_cloudevent(&event).map_err(|e| format!("{base}: {e}"))?;
    let mut foreign: Vec<(&String, &Value)> = Vec::new();
    for (name, v) in obj {
        let keep = if CORE.contains(&name.as_str()) {
            matches!(name.as_str(), "source" | "subject" | "dataschema" | "datacontenttype")
                && derived.get(name) != Some(v)
        } else {
            true
        };
        if keep {
            foreign.push((name, v));
        }
    }
    if foreign.is_empty() {
        return Ok(event);
    }
    let mut data = data.clone();
    let extensions = data.entry("extensions").or_insert_with(|| Value::Object(Map::new()));
    let ns = extensions
        .as_object_mut()
        .map(|e| e.entry(NAMESPACE).or_insert_with(|| Value::Object(Map::new())))
        .and_then(Value::as_object_mut)
        .ok_or_else(|| format!("{base}/data/extensions/{NAMESPACE}: must be an object"))?;
    for (name, v) in foreign {
        if ns.contains_key(name) {
            return Err(format!(
                "{base}/{}: cannot be kept in extensions: `extensions.{NAMESPACE}.{name}` already exists",
                token(name)
            ));
        }
        ns.insert(name.clone(), v.clone());
        report.push(Loss {
            kind: LossKind::KeptInExtensions,
            source: format!("{base}/{}", token(name)),
            target: Some(format!("/extensions/{NAMESPACE}/{}", token(name))),
            code: Code::CloudeventsAttributeKept,
            message_zh: format!("CloudEvent 属性 `{name}` 不属于 Linli 事件，已保存在扩展 `{NAMESPACE}` 中"),
            message_en: format!(
                "CloudEvent attribute `{name}` is not part of a Linli event; kept in extensions `{NAMESPACE}`"
            ),
        });
    }
    serde_json::from_value(Value::Object(data)).map_err(|e| format!("{base}/data: not a valid event: {e}"))
}

// ---------------------------------------------------------------------------------------------
// Reading any CloudEvent [ADP-051]–[ADP-057]

/// The built-in type-mapping file [ADP-053].
pub const BUILTIN_TYPES: &str = include_str!("../mappings/cloudevents/types.toml");
/// The category of a CloudEvent no mapping names [ADP-053].
pub const DEFAULT_CATEGORY: &str = "other.other";
/// The severity of a CloudEvent when its mapping gives none [ADP-053].
pub const DEFAULT_SEVERITY: &str = "info";

/// One entry of a type-mapping file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TypeRule {
    /// The exact type, or a prefix when `prefix`.
    pub pattern: String,
    /// Whether `pattern` is a prefix (written with a trailing `*`).
    pub prefix: bool,
    /// The event category code.
    pub category: String,
    /// The severity code, if the mapping gives one.
    pub severity: Option<String>,
}

/// A type-mapping file (TOML, `[types]`: type or `prefix*` → category or
/// `{ category, severity }`) [ADP-053].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TypeMapping {
    /// The rules, in file order.
    pub rules: Vec<TypeRule>,
}

impl TypeMapping {
    /// Parses a mapping file; the error names the key that is wrong.
    pub fn parse(text: &str) -> Result<Self, Error> {
        let bad = |m: String| Error::Mapping { format: FORMAT, problems: vec![m] };
        let v: toml::Table = text.parse().map_err(|e| bad(crate::toml_problem(text, &e)))?;
        let mut out = TypeMapping::default();
        for (k, v) in &v {
            let Some(t) = v.as_table().filter(|_| k == "types") else {
                return Err(bad(format!("`{k}`: unknown key (expected a table `[types]`)")));
            };
            for (pattern, rule) in t {
                let (category, severity) = match rule {
                    toml::Value::String(c) => (c.clone(), None),
                    toml::Value::Table(r) => (
                        // a rule without `category` maps to no category: the default empty code is refused just below as not a code of the table.
                        r.get("category").and_then(toml::Value::as_str).unwrap_or_default().to_owned(),
                        r.get("severity").and_then(toml::Value::as_str).map(str::to_owned),
                    ),
                    _ => return Err(bad(format!("types.{pattern}: must be a category code or a table"))),
                };
                if serde_json::from_value::<linli_model::codes::EventCategory>(Value::String(category.clone())).is_err()
                {
                    return Err(bad(crate::not_in_table::<linli_model::codes::EventCategory>(
                        &format!("types.{pattern}"),
                        &category,
                    )));
                }
                if let Some(s) = &severity {
                    if serde_json::from_value::<linli_model::codes::Severity>(Value::String(s.clone())).is_err() {
                        return Err(bad(crate::not_in_table::<linli_model::codes::Severity>(
                            &format!("types.{pattern}"),
                            s,
                        )));
                    }
                }
                let (pattern, prefix) = match pattern.strip_suffix('*') {
                    Some(p) => (p.to_owned(), true),
                    None => (pattern.clone(), false),
                };
                out.rules.push(TypeRule { pattern, prefix, category, severity });
            }
        }
        Ok(out)
    }

    /// The rule for a type: an exact rule first, else the longest matching prefix.
    pub fn find(&self, ty: &str) -> Option<&TypeRule> {
        self.rules.iter().find(|r| !r.prefix && r.pattern == ty).or_else(|| {
            self.rules.iter().filter(|r| r.prefix && ty.starts_with(&r.pattern)).max_by_key(|r| r.pattern.len())
        })
    }
}

/// What reading CloudEvents gives.
#[derive(Debug, Default)]
pub struct ReadOutcome {
    /// The events, in input order.
    pub events: Vec<Event>,
    /// The JSON pointer of the CloudEvent each event was read from (`/<i>` in a batch, empty for
    /// one CloudEvent), parallel to `events`.
    pub sources: Vec<String>,
    /// Everything not carried over unchanged.
    pub loss: LossReport,
    /// CloudEvents not converted and rejected values.
    pub findings: Vec<crate::convert::AdapterFinding>,
}

/// Whether a CloudEvent is Linli-shaped: its `type` starts with [`TYPE_PREFIX`] and its `data`
/// is an object with `type` `"Event"` [ADP-051].
fn linli_shaped(ce: &Value) -> bool {
    ce.get("type").and_then(Value::as_str).is_some_and(|t| t.starts_with(TYPE_PREFIX))
        && ce.get("data").and_then(|d| d.get("type")).and_then(Value::as_str) == Some("Event")
}

/// Reads one CloudEvent or a batch (JSON array) [ADP-051]. A single object without
/// `specversion` is not CloudEvents at all (an error naming what is missing).
pub fn read(json: &Value, opts: &crate::convert::ReadOptions) -> Result<ReadOutcome, Error> {
    let builtin = TypeMapping::parse(BUILTIN_TYPES)?;
    let user = match &opts.format_mapping {
        Some(t) => TypeMapping::parse(t)?,
        None => TypeMapping::default(),
    };
    let mut out = ReadOutcome::default();
    let items: Vec<(String, &Value)> = match json {
        Value::Array(xs) => xs.iter().enumerate().map(|(i, x)| (format!("/{i}"), x)).collect(),
        Value::Object(o) => {
            if !o.contains_key("specversion") {
                let hint = if o.contains_key("eventType") && o.contains_key("eventTime") {
                    " (it has `eventType` and `eventTime`: the Azure Event Grid event schema, not CloudEvents; \
                     subscribe with the CloudEvents 1.0 schema instead)"
                } else {
                    ""
                };
                return Err(Error::Input {
                    format: FORMAT,
                    message: format!("/specversion: missing; not a CloudEvent{hint}"),
                });
            }
            vec![(String::new(), json)]
        }
        _ => {
            return Err(Error::Input {
                format: FORMAT,
                message: "(root): CloudEvents JSON is one object or a batch array".into(),
            });
        }
    };
    for (base, ce) in items {
        if linli_shaped(ce) {
            let mut one = LossReport::default();
            match convert(ce, &base, &mut one) {
                Ok(e) => {
                    out.events.push(e);
                    out.loss.entries.append(&mut one.entries);
                }
                Err(e) => out.findings.extend(crate::convert::not_converted(Code::CloudeventsNotConverted, vec![e])),
            }
        } else {
            foreign(ce, &base, &user, &builtin, opts, &mut out);
        }
        out.sources.resize(out.events.len(), base);
    }
    Ok(out)
}

/// A personal or secret member left out [ADP-078].
fn not_kept(loss: &mut LossReport, at: String) {
    loss.push(crate::rules::sensitive_not_kept(Code::CloudeventsSensitiveNotKept, at));
}

fn kept_attr(loss: &mut LossReport, base: &str, name: &str) {
    loss.push(Loss {
        kind: LossKind::KeptInExtensions,
        source: format!("{base}/{}", token(name)),
        target: Some(format!("/extensions/{NAMESPACE}/{}", token(name))),
        code: Code::CloudeventsAttributeKept,
        message_zh: format!("CloudEvent 属性 `{name}` 已保存在扩展 `{NAMESPACE}` 中"),
        message_en: format!("CloudEvent attribute `{name}` kept in extensions `{NAMESPACE}`"),
    });
}

fn note(
    loss: &mut LossReport,
    kind: LossKind,
    source: String,
    target: Option<&str>,
    code: Code,
    zh: String,
    en: String,
) {
    loss.push(Loss { kind, source, target: target.map(str::to_owned), code, message_zh: zh, message_en: en });
}

/// A foreign CloudEvent [ADP-052]–[ADP-057].
fn foreign(
    ce: &Value,
    base: &str,
    user: &TypeMapping,
    builtin: &TypeMapping,
    opts: &crate::convert::ReadOptions,
    out: &mut ReadOutcome,
) {
    use crate::convert::AdapterFinding;
    let fail = |out: &mut ReadOutcome, code: Code, at: String, zh: String, en: String| {
        out.findings.push(AdapterFinding {
            code,
            at,
            message_zh: format!("此 CloudEvent 未转换：{zh}"),
            message_en: format!("not converted: {en}"),
        });
    };
    let Some(obj) = ce.as_object() else {
        return fail(
            out,
            Code::CloudeventsNotConverted,
            base.to_owned(),
            "不是 JSON 对象".into(),
            "not a JSON object".into(),
        );
    };
    match obj.get("specversion") {
        Some(Value::String(v)) if v == "1.0" => {}
        None => {
            return fail(
                out,
                Code::CloudeventsMissingAttribute,
                format!("{base}/specversion"),
                "缺少 `specversion`，不是 CloudEvent".into(),
                "`specversion` is missing: not a CloudEvent".into(),
            );
        }
        Some(_) => {
            return fail(
                out,
                Code::CloudeventsUnsupportedSpecversion,
                format!("{base}/specversion"),
                "只读取 CloudEvents 1.0（`specversion` \"1.0\"）".into(),
                "only CloudEvents 1.0 (`specversion` \"1.0\") is read".into(),
            );
        }
    }
    for attr in ["id", "source", "type"] {
        if obj.get(attr).and_then(Value::as_str).is_none_or(str::is_empty) {
            return fail(
                out,
                Code::CloudeventsMissingAttribute,
                format!("{base}/{attr}"),
                format!("必需属性 `{attr}` 缺失或不是非空字符串"),
                format!("required attribute `{attr}` is missing or not a non-empty string"),
            );
        }
    }
    // an attribute absent or not a string is the default empty text, which every check below treats as missing.
    let s = |k: &str| obj.get(k).and_then(Value::as_str).unwrap_or_default();
    let (ce_id, ce_type, ce_source) = (s("id"), s("type"), s("source"));
    let mut loss = LossReport::default();
    let mut ext = Map::new();

    // Id [ADP-054]: the CloudEvent id when it is a valid Linli id, else a generated one.
    let mut meta_source_id = None;
    let id = if linli_model::text::Id::new(ce_id).is_ok() {
        ce_id.to_owned()
    } else {
        let digest = sha2::Sha256::digest(format!("{ce_source}\n{ce_id}").as_bytes());
        let made: String = digest.iter().take(8).map(|b| format!("{b:02x}")).collect();
        let made = format!("ce-{made}");
        note(
            &mut loss,
            LossKind::Normalised,
            format!("{base}/id"),
            Some("/id"),
            Code::CloudeventsIdGenerated,
            format!("CloudEvent id 不是有效的 Linli 标识，改用 `{made}`，原值保存在 meta.sourceId"),
            format!("the CloudEvent id is not a valid Linli id; `{made}` used, the original kept in meta.sourceId"),
        );
        meta_source_id = Some(ce_id.to_owned());
        made
    };

    // Category and severity [ADP-053].
    let (category, severity) = if let Some(code) = ce_type
        .strip_prefix(TYPE_PREFIX)
        .filter(|c| serde_json::from_value::<linli_model::codes::EventCategory>(Value::String((*c).to_owned())).is_ok())
    {
        (code.to_owned(), None)
    } else if let Some(r) = user.find(ce_type).or_else(|| builtin.find(ce_type)) {
        (r.category.clone(), r.severity.clone())
    } else {
        note(
            &mut loss,
            LossKind::Normalised,
            format!("{base}/type"),
            Some("/category"),
            Code::CloudeventsDefaultCategory,
            format!("类型映射中没有此 CloudEvent 类型，类别记为 `{DEFAULT_CATEGORY}`"),
            format!("no type mapping names this CloudEvent type; category `{DEFAULT_CATEGORY}`"),
        );
        (DEFAULT_CATEGORY.to_owned(), None)
    };
    let severity = severity.unwrap_or_else(|| {
        note(
            &mut loss,
            LossKind::Normalised,
            format!("{base}/type"),
            Some("/severity"),
            Code::CloudeventsDefaultSeverity,
            format!("类型映射没有给出严重程度，使用 `{DEFAULT_SEVERITY}`"),
            format!("the type mapping gives no severity; `{DEFAULT_SEVERITY}` used"),
        );
        DEFAULT_SEVERITY.to_owned()
    });

    // Time [ADP-055].
    let occurred = match obj.get("time") {
        Some(v) if !crate::rules::is_absent(v) => match crate::rules::read_time(v, crate::rules::ZoneRule::Utc) {
            Some(t) => {
                if t.zone_assumed {
                    note(
                        &mut loss,
                        LossKind::Normalised,
                        format!("{base}/time"),
                        Some("/occurredAt"),
                        Code::CloudeventsTimeWithoutOffset,
                        "时间缺少时区偏移，按 UTC 处理".into(),
                        "a time without a zone offset, read as UTC".into(),
                    );
                } else if t.changed_form() {
                    note(
                        &mut loss,
                        LossKind::Normalised,
                        format!("{base}/time"),
                        Some("/occurredAt"),
                        Code::CloudeventsTimeNormalised,
                        "时间已改写为 RFC 3339".into(),
                        "the time rewritten as RFC 3339".into(),
                    );
                }
                t.at
            }
            None => {
                note(
                    &mut loss,
                    LossKind::Rejected,
                    format!("{base}/time"),
                    Some(&format!("/extensions/{NAMESPACE}/time")),
                    Code::CloudeventsBadTime,
                    "`time` 不是有效时间，保存在扩展中，发生时间取转换时间".into(),
                    "`time` is not a valid time; kept in extensions, the time of conversion used".into(),
                );
                ext.insert("time".into(), v.clone());
                opts.received_at
            }
        },
        _ => {
            note(
                &mut loss,
                LossKind::Normalised,
                format!("{base}/time"),
                Some("/occurredAt"),
                Code::CloudeventsDefaultTime,
                "没有 `time`，发生时间取转换时间".into(),
                "no `time`; the time of conversion is the time it occurred".into(),
            );
            opts.received_at
        }
    };

    // Data [ADP-056] and every other attribute [ADP-057].
    let content_type = obj.get("datacontenttype").and_then(Value::as_str);
    let json_content = content_type.is_none_or(is_json_media_type);
    for (name, v) in obj {
        match name.as_str() {
            // `type` is kept too: the category it gave may be shared by many types [ADP-057].
            "specversion" | "id" | "time" => {}
            _ if crate::rules::is_absent(v) => {
                note(
                    &mut loss,
                    LossKind::Normalised,
                    format!("{base}/{}", token(name)),
                    None,
                    Code::CloudeventsNullAbsent,
                    format!("属性 `{name}` 为 null 或空，按缺失处理"),
                    format!("attribute `{name}` is null or empty: read as absent"),
                );
            }
            "data_base64" => {
                use base64::Engine as _;
                let decoded = v.as_str().and_then(|s| base64::engine::general_purpose::STANDARD.decode(s.trim()).ok());
                let json =
                    decoded.as_deref().filter(|_| json_content).and_then(|b| serde_json::from_slice::<Value>(b).ok());
                match (decoded, json) {
                    (Some(_), Some(data)) => {
                        note(
                            &mut loss,
                            LossKind::Normalised,
                            format!("{base}/data_base64"),
                            Some(&format!("/extensions/{NAMESPACE}/data")),
                            Code::CloudeventsDataBase64Decoded,
                            "data_base64 解码为 JSON，保存为扩展中的 data".into(),
                            "data_base64 decoded as JSON and kept as data in extensions".into(),
                        );
                        ext.insert("data".into(), data);
                    }
                    (Some(_), None) => {
                        kept_attr(&mut loss, base, name);
                        ext.insert(name.clone(), v.clone());
                    }
                    (None, _) => {
                        note(
                            &mut loss,
                            LossKind::Rejected,
                            format!("{base}/data_base64"),
                            Some(&format!("/extensions/{NAMESPACE}/data_base64")),
                            Code::CloudeventsBadBase64,
                            "data_base64 不是有效的 base64，原文保存在扩展中".into(),
                            "data_base64 is not valid base64; kept as given in extensions".into(),
                        );
                        ext.insert(name.clone(), v.clone());
                    }
                }
            }
            _ if crate::rules::is_sensitive_member(name) => {
                not_kept(&mut loss, format!("{base}/{}", token(name)));
            }
            _ => {
                kept_attr(&mut loss, base, name);
                ext.insert(name.clone(), v.clone());
            }
        }
    }
    // Personal or secret members inside `data` are not kept either [ADP-078] (pointers of
    // decoded `data_base64` are into the decoded value, under `/data`).
    if let Some(data) = ext.get_mut("data") {
        for at in crate::rules::strip_sensitive(data, &format!("{base}/data")) {
            not_kept(&mut loss, at);
        }
    }
    let mut meta = serde_json::json!({
        "source": { "vendor": "CloudEvents", "product": "CloudEvents 1.0" },
        "createdAt": opts.received_at.to_string(),
        "updatedAt": opts.received_at.to_string(),
        "version": 1,
        "classification": "internal",
    });
    if let Some(sid) = meta_source_id.filter(|s| linli_model::text::Text::new(s.clone()).is_ok()) {
        meta["sourceId"] = sid.into();
    }
    let mut record = serde_json::json!({
        "type": "Event",
        "id": id,
        "meta": meta,
        "category": category,
        "occurredAt": occurred.to_string(),
        "severity": severity,
    });
    if !ext.is_empty() {
        record["extensions"] = serde_json::json!({ NAMESPACE: ext });
    }
    match serde_json::from_value::<Event>(record) {
        Ok(e) => {
            for l in loss.of(LossKind::Rejected) {
                out.findings.push(AdapterFinding {
                    code: l.code,
                    at: l.source.clone(),
                    message_zh: l.message_zh.clone(),
                    message_en: l.message_en.clone(),
                });
            }
            out.events.push(e);
            out.loss.entries.append(&mut loss.entries);
        }
        Err(e) => fail(
            out,
            Code::CloudeventsNotConverted,
            base.to_owned(),
            format!("不是有效的事件：{e}"),
            format!("not a valid event: {e}"),
        ),
    }
}
