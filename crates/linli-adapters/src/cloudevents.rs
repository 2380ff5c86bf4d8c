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
//! # Reading
//!
//! `specversion` must be `1.0`; `data` must be a Linli Event (`data_base64` is refused: Linli
//! events are JSON); `id`, `type` and (when present) `time` must agree with `data.id`,
//! `data.category` and `data.occurredAt`, otherwise the CloudEvent is an error. Extension
//! attributes (any attribute other than `id`, `source`, `specversion`, `type`,
//! `datacontenttype`, `dataschema`, `subject`, `time`, `data`, `data_base64`) are kept in the
//! event's `extensions.cloudevents`, as are `source`, `subject`, `dataschema` and
//! `datacontenttype` when they differ from what the scheme above derives from the event
//! ([`LossKind::KeptInExtensions`]). A `datacontenttype` that is not JSON is an error.
//!
//! Loss `source` pointers point into the CloudEvent (prefixed with `/<i>` in a batch);
//! `target` pointers point into the converted event.

use crate::loss::token;
use linli_model::Event;
use linli_model::codes::CodeTable;
use linli_model::datetime::Timestamp;
use serde_json::{Map, Value};

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
pub fn event_to_cloudevent(e: &Event) -> Value {
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
    // Serialising an event into a JSON value cannot fail: every map key is a string.
    ce.insert("data".into(), serde_json::to_value(e).unwrap_or_default());
    Value::Object(ce)
}

/// The CloudEvents JSON batch (a JSON array) of some events.
pub fn events_to_batch(events: &[Event]) -> Value {
    Value::Array(events.iter().map(event_to_cloudevent).collect())
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
    let derived = event_to_cloudevent(&event);
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
            code: "cloudevents-attribute-kept",
            message_zh: format!("CloudEvent 属性 `{name}` 不属于 Linli 事件，已保存在扩展 `{NAMESPACE}` 中"),
            message_en: format!(
                "CloudEvent attribute `{name}` is not part of a Linli event; kept in extensions `{NAMESPACE}`"
            ),
        });
    }
    serde_json::from_value(Value::Object(data)).map_err(|e| format!("{base}/data: not a valid event: {e}"))
}
