//! Reading by mapping file (section 18.3.3) and the bodies entities arrive in (section 18.3.1):
//! one entity, an array (batch), a notification (`{"subscriptionId", "data": […]}` of Orion,
//! Orion-LD, Stellio, Scorpio, Cygnus and QuantumLeap), an NGSI-v2 batch operation
//! (`{"actionType", "entities": […]}`) or a GeoJSON FeatureCollection.

use crate::codes::Code;
use linli_model::check::Finding;
use linli_model::codes::CodeTable;
use linli_model::datetime::Timestamp;
use linli_model::text::{Id, Text, UnitCode};
use linli_model::{Record, RecordType};
use serde_json::{Map, Value, json};

use super::mapping::{Target, TypeMapping};
use super::{FromNgsi, NAMESPACE, Reader, Refusal, convert, read_address, ref_type};
use crate::loss::token;
use crate::rules::{ZoneRule, read_time_str};
use crate::{LossKind, LossReport};

/// What reading a body gives.
#[derive(Debug, Clone, Default)]
pub struct Entities {
    /// The records, in input order.
    pub records: Vec<Record>,
    /// The loss report (pointers into the body).
    pub loss: LossReport,
    /// Faults in the input of records that were converted.
    pub findings: Vec<Finding>,
    /// Entities not converted, one per reason: entities of the same unmapped type give one
    /// refusal, at the first of them [ADP-021].
    pub refused: Vec<Refusal>,
    /// The JSON pointer of the entity each record was read from, parallel to `records`.
    pub sources: Vec<String>,
}

/// Members of a wrapper kept with every record it carried.
const ENVELOPE: &str = "@envelope";

/// Read a body of NGSI-LD or NGSI-v2 entities (section 18.3.1).
pub fn read_entities(input: &Value, opts: &FromNgsi) -> Entities {
    let mut out = Entities::default();
    let (items, prefix, envelope): (Vec<&Value>, String, Map<String, Value>) = match input {
        Value::Array(xs) => (xs.iter().collect(), String::new(), Map::new()),
        Value::Object(o) => {
            let list = ["data", "entities", "features"]
                .iter()
                .find_map(|k| o.get(*k).and_then(Value::as_array).map(|xs| (*k, xs)))
                .filter(|(k, _)| match *k {
                    "data" => {
                        o.contains_key("subscriptionId")
                            || o.get("type").and_then(Value::as_str) == Some("Notification")
                    }
                    "entities" => !o.contains_key("id"),
                    _ => o.get("type").and_then(Value::as_str) == Some("FeatureCollection"),
                });
            match list {
                Some((k, xs)) => {
                    let env: Map<String, Value> =
                        o.iter().filter(|(m, _)| m.as_str() != k).map(|(m, v)| (m.clone(), v.clone())).collect();
                    (xs.iter().collect(), format!("/{k}"), env)
                }
                None => (vec![input], String::new(), Map::new()),
            }
        }
        _ => (vec![input], String::new(), Map::new()),
    };
    let single = !input.is_array() && prefix.is_empty();
    let mut unmapped: Vec<(String, usize)> = Vec::new();
    for (i, e) in items.into_iter().enumerate() {
        let base = if single { String::new() } else { format!("{prefix}/{i}") };
        match convert(e, &base, opts) {
            Ok((r, mut l, mut f)) => {
                let r = if envelope.is_empty() { r } else { with_envelope(r, &envelope, &mut l) };
                out.records.push(r);
                out.sources.push(base.clone());
                out.loss.entries.append(&mut l.entries);
                out.findings.append(&mut f);
            }
            Err(refusal) if refusal.code == Code::FiwareUnmappedType => {
                // One finding per unmapped type, however many entities have it.
                match unmapped.iter_mut().find(|(en, _)| *en == refusal.en) {
                    Some((_, n)) => *n += 1,
                    None => {
                        unmapped.push((refusal.en.clone(), 1));
                        out.refused.push(refusal);
                    }
                }
            }
            Err(refusal) => out.refused.push(refusal),
        }
    }
    for r in &mut out.refused {
        if let Some((_, n)) = unmapped.iter().find(|(en, n)| *en == r.en && *n > 1) {
            r.en.push_str(&format!(" ({n} entities of this type)"));
            r.zh.push_str(&format!("（此类型实体 {n} 个）"));
        }
    }
    out
}

/// The wrapper's other members (`subscriptionId`, `notifiedAt`, `@context`, `actionType`, …)
/// kept in `extensions.fiware.@envelope` of each record it carried.
fn with_envelope(r: Record, envelope: &Map<String, Value>, loss: &mut LossReport) -> Record {
    let Ok(mut v) = serde_json::to_value(&r) else { return r };
    let Some(o) = v.as_object_mut() else { return r };
    let ext = o.entry("extensions").or_insert_with(|| json!({}));
    let Some(ext) = ext.as_object_mut() else { return r };
    let ns = ext.entry(NAMESPACE).or_insert_with(|| json!({}));
    let Some(ns) = ns.as_object_mut() else { return r };
    ns.insert(ENVELOPE.into(), Value::Object(envelope.clone()));
    match Record::from_value(v) {
        Ok(with) => {
            for k in envelope.keys() {
                loss.push(crate::Loss {
                    kind: LossKind::KeptInExtensions,
                    source: format!("/{}", token(k)),
                    target: Some(format!("/extensions/{NAMESPACE}/{ENVELOPE}/{}", token(k))),
                    code: Code::FiwareEnvelopeKept,
                    message_zh: format!("通知或批量包装的成员 `{k}` 已保存在每条记录的扩展中"),
                    message_en: format!(
                        "member `{k}` of the notification or batch wrapper kept in each record's extensions"
                    ),
                });
            }
            with
        }
        Err(_) => r,
    }
}

/// The first of `names` that is present.
fn present<'n>(r: &Reader<'_>, names: &'n [String]) -> Option<&'n str> {
    names.iter().map(String::as_str).find(|n| r.peek(n).is_some())
}

fn text(r: &mut Reader<'_>, names: &[String]) -> Option<String> {
    let n = present(r, names)?;
    r.text(n)
}

fn time(r: &mut Reader<'_>, names: &[String]) -> Option<(Timestamp, super::Attr)> {
    let n = present(r, names)?;
    r.time_attr(n)
}

/// A reference to a record of type `want` from a URN `urn:ngsi-ld:<T>:<id>` (or a one-element
/// array of one), `T` a type mapped to `want`; anything else is kept in the extensions.
fn reference(r: &mut Reader<'_>, names: &[String], want: &[RecordType]) -> Option<Value> {
    let n = present(r, names)?;
    let a = r.take(n)?;
    let urn = match &a.value {
        Value::String(s) => Some(s.as_str()),
        Value::Array(xs) if xs.len() == 1 => xs.first().and_then(Value::as_str),
        _ => None,
    };
    let parsed =
        urn.and_then(|u| u.strip_prefix(super::URN)).and_then(|rest| rest.split_once(':')).and_then(|(t, id)| {
            let rt = ref_type(t).or_else(|| match r.opts.registry().get(t).map(|m| m.target) {
                Some(Target::Record(rt)) => Some(rt),
                _ => None,
            })?;
            Some((rt, Id::new(id).ok()?))
        });
    match parsed.filter(|(t, _)| want.contains(t)) {
        Some((t, id)) => {
            r.accept(&a);
            Some(json!({"type": t.code(), "id": id.as_str()}))
        }
        None => {
            r.keep(a);
            None
        }
    }
}

/// An ISO 8601 interval `start/end` (both RFC 3339 or zone-less, read as UTC) in the first
/// present of `names`, with end not before start; the attribute is taken and the change of form
/// reported.
fn interval(r: &mut Reader<'_>, names: &[String]) -> Option<(Timestamp, Timestamp)> {
    let n = present(r, names)?;
    let (a, b) = r.peek(n)?.as_str()?.split_once('/')?;
    let start = read_time_str(a, ZoneRule::Utc)?;
    let end = read_time_str(b, ZoneRule::Utc)?;
    if end.at.cmp_instant(&start.at).is_lt() {
        return None;
    }
    let attr = r.take(n)?;
    let zh = format!("`{n}` 是时间区间：起点作为 `occurredAt`，终点作为 `endedAt`");
    let en = format!("`{n}` is an interval: its start is occurredAt, its end endedAt");
    r.normalised(&attr.at, "/occurredAt", Code::FiwareTimeInterval, zh, en);
    if start.zone_assumed || end.zone_assumed {
        let (zh, en) =
            (format!("`{n}` 没有时区偏移，按 UTC 读取"), format!("`{n}` has no time zone offset; read as UTC"));
        r.note(LossKind::Normalised, &attr.at, None, Code::FiwareTimeWithoutOffset, zh, en);
    }
    r.accept(&attr);
    Some((start.at, end.at))
}

/// The unit of a measured attribute: its `unitCode` (NGSI-LD) or `metadata.unitCode.value`
/// (NGSI-v2) when that is a UN/CEFACT code.
/// The attribute's own unit: `Ok(None)` when it gives none, `Err(())` when the one it gives is
/// not a UN/CEFACT Rec. 20 code.
fn unit_of(a: &super::Attr) -> Result<Option<String>, ()> {
    let m = &a.metadata;
    let given = m.get("unitCode").and_then(Value::as_str).or_else(|| {
        let u = m.get("metadata")?.get("unitCode")?;
        u.get("value").and_then(Value::as_str).or_else(|| u.as_str())
    });
    match given {
        None => Ok(None),
        Some(g) => UnitCode::new(g).map(|_| Some(g.to_owned())).map_err(|_| ()),
    }
}

/// The members of a record of a type read by mapping file (section 18.3.3).
pub(super) fn mapped(
    r: &mut Reader<'_>,
    tm: &TypeMapping,
    id: &str,
    created: Timestamp,
    ab: &str,
) -> Vec<(String, Value)> {
    let mut out: Vec<(String, Value)> = Vec::new();
    let Target::Record(rt) = tm.target else { return out };
    let mut put = |k: &str, v: Option<Value>| {
        if let Some(v) = v {
            out.push((k.to_owned(), v));
        }
    };
    let s = |v: Option<String>| v.map(Value::String);
    put("type", Some(json!(rt.code())));
    let named = |r: &mut Reader<'_>, member: &str| -> String {
        text(r, tm.member(member)).unwrap_or_else(|| {
            let at = format!("{ab}/{}", tm.member(member).first().map_or("name", String::as_str));
            let zh = format!("没有名称：`{member}` 取实体标识");
            r.normalised(
                &at,
                &format!("/{member}"),
                Code::FiwareDefaultName,
                zh,
                format!("no name: {member} = the id"),
            );
            id.to_owned()
        })
    };
    match rt {
        RecordType::Place => {
            put("kind", tm.kind.clone().map(Value::String));
            let name = named(r, "name");
            put("name", Some(Value::String(name)));
            if let Some(n) = present(r, tm.member("geometry")).map(str::to_owned) {
                put("geometry", r.geometry(&n, "/geometry", false));
            }
            if tm.member("address").iter().any(|n| n == "address") {
                put("address", read_address(r));
            }
        }
        RecordType::Thing => {
            put("kind", tm.kind.clone().map(Value::String));
            for m in ["name", "serialNumber", "manufacturer", "model", "firmwareVersion"] {
                put(m, s(text(r, tm.member(m))));
            }
            if let Some(n) = present(r, tm.member("location")).map(str::to_owned) {
                put("location", r.geometry(&n, "/location", true));
            }
            put("owner", reference(r, tm.member("owner"), &[RecordType::Person, RecordType::Organization]));
        }
        RecordType::Person => {
            let name = named(r, "name");
            put("name", Some(Value::String(name)));
        }
        RecordType::Organization => {
            put("kind", Some(Value::String(tm.kind.clone().unwrap_or_else(|| "other".into()))));
            let name = named(r, "name");
            put("name", Some(Value::String(name)));
        }
        RecordType::Event => {
            put("category", Some(Value::String(tm.category.clone().unwrap_or_else(|| "other.other".into()))));
            // An ISO 8601 interval `start/end` gives both times.
            let interval = interval(r, tm.member("occurredAt"));
            let occurred = match interval.as_ref().map(|(s, _)| *s).or_else(|| {
                time(r, tm.member("occurredAt")).map(|(t, a)| {
                    r.accept(&a);
                    t
                })
            }) {
                Some(t) => t,
                None => {
                    let at = format!("{ab}/{}", tm.member("occurredAt").first().map_or("dateObserved", String::as_str));
                    let zh = "没有观测时间：发生时间 `occurredAt` 取 `meta.createdAt`";
                    let en = "no time of observation: occurredAt = meta.createdAt";
                    r.normalised(&at, "/occurredAt", Code::FiwareDefaultTime, zh, en);
                    created
                }
            };
            put("occurredAt", Some(Value::String(occurred.to_string())));
            if let Some((_, end)) = interval {
                put("endedAt", Some(Value::String(end.to_string())));
            }
            match time(r, tm.member("endedAt")).filter(|_| interval.is_none()) {
                Some((end, a)) if end.cmp_instant(&occurred).is_lt() => {
                    let zh = format!("`{}` {end} 早于观测时间 {occurred}", a.name);
                    let en = format!("`{}` {end} is before the time of the observation {occurred}", a.name);
                    r.reject(a, Code::FiwareTimeOrder, "CON-023", zh, en);
                }
                Some((end, a)) => {
                    r.accept(&a);
                    put("endedAt", Some(Value::String(end.to_string())));
                }
                None => {}
            }
            let severity = match &tm.severity {
                Some(sev) => sev.clone(),
                None => {
                    let zh = "映射文件未给出严重程度：`severity` 设为 `info`";
                    let en = "the mapping file gives no severity: severity = info";
                    r.normalised(ab, "/severity", Code::FiwareDefaultSeverity, zh, en);
                    "info".into()
                }
            };
            put("severity", Some(Value::String(severity)));
            if let Some(n) = present(r, tm.member("location")).map(str::to_owned) {
                put("location", r.geometry(&n, "/location", true));
            }
            put("source", reference(r, tm.member("source"), &[RecordType::Thing]));
            put("description", s(text(r, tm.member("description"))));
            let mut readings = Vec::new();
            for (attr, m) in &tm.measurements {
                let Some(a) = r.take(attr) else { continue };
                let Some(value) = a.value.as_f64().filter(|v| v.is_finite()) else {
                    r.keep_not_number(a);
                    continue;
                };
                let target = format!("/measurements/{}/unitCode", readings.len());
                let Ok(given) = unit_of(&a) else {
                    // A unit the source gives but that is no unit code: never relabelled.
                    let zh = format!("`{attr}` 的 `unitCode` 不是 UN/CEFACT 单位代码：不作为测量值");
                    let en = format!("the unitCode of `{attr}` is not a UN/CEFACT unit code: not a measurement");
                    r.reject(a, Code::FiwareBadUnit, "EVT-008", zh, en);
                    continue;
                };
                let unit = given.unwrap_or_else(|| {
                    let zh = format!("`{attr}` 没有 `unitCode`：使用映射文件给出的单位 `{}`", m.unit);
                    let en = format!("`{attr}` has no unitCode; the mapping file's unit `{}` is used", m.unit);
                    r.normalised(&a.at, &target, Code::FiwareUnitDefault, zh, en);
                    m.unit.clone()
                });
                r.accept(&a);
                readings.push(json!({"quantity": m.quantity, "value": value, "unitCode": unit}));
            }
            if !readings.is_empty() {
                put("measurements", Some(Value::Array(readings)));
            }
        }
        RecordType::Case => {
            let category = tm.category.clone().unwrap_or_else(|| {
                r.normalised(
                    &format!("{ab}/category"),
                    "/category",
                    Code::FiwareDefaultCategory,
                    "映射文件未给出类别：`category` 设为 `other.other`",
                    "the mapping file gives no category: category = other.other",
                );
                "other.other".into()
            });
            put("category", Some(Value::String(category)));
            let description = text(r, tm.member("description"));
            let title = match text(r, tm.member("title")) {
                Some(t) => t,
                None => {
                    let t = description
                        .as_ref()
                        .map(|d| d.chars().take(100).collect::<String>())
                        .filter(|t| Text::new(t.as_str()).is_ok())
                        .unwrap_or_else(|| id.to_owned());
                    let zh = "没有标题：`title` 取描述的前 100 个字符或实体标识";
                    let en = "no title: title = the first 100 characters of the description, or the id";
                    r.normalised(ab, "/title", Code::FiwareDefaultTitle, zh, en);
                    t
                }
            };
            put("title", Some(Value::String(title)));
            put("description", s(description));
            let reported = match time(r, tm.member("reportedAt")) {
                Some((t, a)) => {
                    r.accept(&a);
                    t
                }
                None => {
                    let zh = "没有上报时间：`reportedAt` 取 `meta.createdAt`";
                    let en = "no time of report: reportedAt = meta.createdAt";
                    r.normalised(ab, "/reportedAt", Code::FiwareDefaultTime, zh, en);
                    created
                }
            };
            put("reportedAt", Some(Value::String(reported.to_string())));
            put("channel", Some("other".into()));
            put("status", Some("reported".into()));
            put("history", Some(json!([{"at": reported.to_string(), "to": "reported"}])));
            super::defaults_of_case(r, ab);
            if let Some(n) = present(r, tm.member("location")).map(str::to_owned) {
                put("location", r.geometry(&n, "/location", true));
            }
        }
        _ => {}
    }
    out
}
