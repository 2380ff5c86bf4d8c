//! FIWARE Smart Data Models as NGSI-LD (and NGSI-v2) entities ⇄ canonical records
//! (`spec/18-adapters.md` section 18.3).
//!
//! Which record an entity type becomes is data: the mapping files of [`mapping`] (one TOML file
//! per Smart Data Models family, plus a user's file) [ADP-021]. Types mapped with `builtin` are
//! read by the detailed readers documented below; every other mapped type by the generic reader
//! of section 18.3.3 (Place, Thing, Event with measurements, Person, Organization, Case). Bodies
//! (one entity, arrays, notifications, NGSI-v2 batch operations, FeatureCollections) are read by
//! [`read_entities`] [ADP-022]; NGSI-v2 attributes by the same code [ADP-024].
//!
//! The built-in types:
//!
//! | FIWARE entity type                      | Linli record                                      |
//! |-----------------------------------------|---------------------------------------------------|
//! | `Building`                              | [`Place`](linli_model::Place) of kind `building`  |
//! | `Device`                                | [`Thing`](linli_model::Thing), kind from `deviceCategory` / `controlledProperty` |
//! | `Camera`                                | Thing of kind `device.camera`                     |
//! | `Alert`                                 | [`Event`](linli_model::Event)                     |
//! | `service_requests` (Open311), `IssueReporting` | [`Case`](linli_model::Case)                |
//!
//! Both representations are read: *normalized* (every attribute an object
//! `{"type": "Property" | "Relationship" | "GeoProperty", "value" | "object": …, "observedAt"?, "unitCode"?}`,
//! NGSI-v2 types such as `Text`, `DateTime` or `geo:json` are accepted too, as are JSON-LD
//! `{"@type": "DateTime", "@value": …}` values) and *key-values* (plain values), one entity, a
//! GeoJSON Feature whose `properties` are the attributes, or an array of them
//! ([`from_ngsi_batch`]). [`to_ngsi`] writes NGSI-LD in either [`Form`].
//!
//! # Identifiers
//!
//! A record `X` of FIWARE type `T` is written with the id `urn:ngsi-ld:T:X`, except that an
//! id that already starts with `urn:ngsi-ld:` but not with `urn:ngsi-ld:T:` is written as it
//! is. Reading strips one leading `urn:ngsi-ld:T:` (T the entity's type) and otherwise keeps
//! the id whole (Linli ids allow `:`). So canonical → NGSI → canonical always gives the same
//! id back. An id that is not a URN (NGSI-v2 style, e.g. `Alert:1`) is kept whole and reported
//! as normalised (`fiware-id-not-urn`); written as NGSI-LD it becomes `urn:ngsi-ld:<T>:Alert:1`
//! with `T` the type the record is written as, so that the round trip keeps it. An id that is not a
//! valid Linli id (a space, too long) has every other character replaced by `-`; the original
//! goes to `meta.sourceId` (finding `fiware-id-invalid`). References are written as
//! `urn:ngsi-ld:<type>:<id>` with the FIWARE type (`Building`, `Device`, `Alert`,
//! `service_requests`, `Person`, `Organization`); reading also accepts the Linli type names.
//!
//! # Attributes
//!
//! | Linli member                    | FIWARE attribute                                              |
//! |---------------------------------|---------------------------------------------------------------|
//! | `meta.createdAt`, `updatedAt`   | `dateCreated`, `dateModified` (also NGSI-LD `createdAt`, `modifiedAt` when those are absent) |
//! | Place `name`, `geometry`, `address` | `name`, `location`, `address` (schema.org PostalAddress: `addressRegion` ⇄ province, `addressLocality` ⇄ city, `district`, `streetAddress` ⇄ road, `streetNr` ⇄ doorNumber; `fullText` is derived from these) |
//! | Thing `name`, `serialNumber`, `firmwareVersion`, `location` | the same names |
//! | Thing `status`                  | `deviceState`, when it is a Linli status code                 |
//! | Thing `owner`                   | `owner` (one URN of a Person or Organization)                 |
//! | Thing `installDate`             | `dateInstalled` (date part; written at `T00:00:00Z`)          |
//! | Thing `kind`                    | `deviceCategory` `meter` → smart meter; `controlledProperty` all `smoke` → smoke sensor, all `temperature` → temperature sensor, all consumption/energy → smart meter; otherwise `device.other`; `Camera` → `device.camera` |
//! | Event `category`                | `category` + `subCategory`: a few pairs match (`health`/`fallenPatient` ⇄ `alarm.fall_detected`, `security`/`buildingFire` ⇄ `alarm.smoke`); a `subCategory` that is a Linli event category code is read as that code (and is how other categories are written); otherwise `other.other` with the originals kept |
//! | Event `occurredAt`, `endedAt`   | `dateIssued`, `validTo`                                       |
//! | Event `severity`                | `severity` (`informational` ⇄ `info`)                         |
//! | Event `source`, `description`, `location` | `alertSource` (Relationship), `description`, `location` |
//! | Case (service_requests) `description`, `reportedAt`, `deadline`, `location`, `category` | `description`, `requested_datetime`, `expected_datetime`, `location`, `service_code` when it is a Linli case category code |
//! | Case (IssueReporting) `title`, `description`, `reportedAt`, `location`, `category` | `title`, `comments`, `observationDateTime`, `location`, `category` when it is a Linli case category code |
//!
//! Every other attribute is kept, exactly as it was given (normalized attribute object or
//! plain value), in `extensions.fiware.<name>` ([`LossKind::KeptInExtensions`]); so is
//! `@context` (`extensions.fiware.@context`), the members of `address` that have no Linli
//! part (`extensions.fiware.address`), and the sub-attributes (`observedAt`, `unitCode`, …) of
//! a mapped attribute (`extensions.fiware.@metadata.<name>`). On the way out these are written
//! back; a kept attribute wins over the one derived from the record.
//!
//! # Defaults (reported as [`LossKind::Normalised`])
//!
//! `meta.source` vendor `FIWARE`, product the entity type; `meta.version` 1;
//! `meta.classification` `internal`; a missing `dateCreated` is [`FromNgsi::default_time`],
//! a missing `dateModified` is `dateCreated`; a Place without `name` is named by its id; a
//! Device whose kind cannot be chosen is `device.other`; an Alert without `severity` is `info`,
//! without `dateIssued` it occurred at `dateCreated`; a Case has channel `other`, status
//! `reported` and one history step to `reported` at `reportedAt` (its report time, else
//! `dateCreated`), category `other.other` unless given as above, and a title from
//! `service_name`, else the description, else the id.
//!
//! # Faults in the input
//!
//! A value of the wrong JSON type (`fiware-attribute-type`, also for a `Property` where a
//! `Relationship` is required, or a known attribute of the wrong type), a time without offset
//! (`fiware-time-without-offset`: read as UTC, normalised), a malformed time
//! (`fiware-time-invalid`), an invalid geometry (`fiware-geometry-invalid`), times out of order
//! (`fiware-time-order`) or a bad id (`fiware-id-invalid`) give a warning [`Finding`] with the
//! JSON pointer into the input; the value is then kept in `extensions.fiware`
//! ([`LossKind::Rejected`]) and the record is still converted.
//!
//! # Writing
//!
//! [`to_ngsi`] writes the attributes above. Its loss report names, as
//! [`LossKind::NotRepresentable`], exactly the members of the record that would not come back
//! when the entity is read again: it reads its own output back and compares.

use crate::codes::Code;
use crate::loss::token;
use linli_model::check::{Finding, Level};
use linli_model::codes::{CaseCategory, CodeTable, EventCategory, ThingStatus};
use linli_model::datetime::Timestamp;
use linli_model::geo::Geometry;
use linli_model::text::{Id, Text};
use linli_model::{Record, RecordType};
use serde_json::{Map, Value, json};

use crate::coords::Datum;
use crate::rules::{Located, ZoneRule, is_absent, locate, read_time_str};
use crate::{Error, Loss, LossKind, LossReport};

mod entity;
pub mod mapping;
mod read;
mod write;

use mapping::{Registry, Target, TypeMapping};
pub use read::{Entities, read_entities};
pub use write::{to_ngsi, to_ngsi_batch};

use entity::{convert, defaults_of_case, root_label};

const FORMAT: &str = "FIWARE NGSI-LD";
/// The extension namespace FIWARE attributes are kept under.
const NAMESPACE: &str = "fiware";
const URN: &str = "urn:ngsi-ld:";
/// Extension member holding the sub-attributes of mapped attributes.
const METADATA: &str = "@metadata";
/// Vendor written into `meta.source` of every record read.
pub const VENDOR: &str = "FIWARE";

/// Options of reading.
#[derive(Debug, Clone)]
pub struct FromNgsi {
    /// The time used where the entity has none (`dateCreated` and what defaults to it),
    /// typically the time of the conversion.
    pub default_time: Timestamp,
    /// The datum of the coordinates in the input (WGS-84 by default); GCJ-02 and BD-09 are
    /// converted to WGS-84 and reported as normalised.
    pub datum: Datum,
    /// The type mappings (section 18.3); `None` is the built-in files ([`Registry::builtin`]).
    pub mapping: Option<std::sync::Arc<Registry>>,
}

impl FromNgsi {
    /// Options with a default time, WGS-84 coordinates and the built-in mapping files.
    pub fn new(default_time: Timestamp) -> Self {
        FromNgsi { default_time, datum: Datum::Wgs84, mapping: None }
    }

    /// The registry of mapped types in use.
    pub fn registry(&self) -> &Registry {
        self.mapping.as_deref().unwrap_or_else(|| Registry::builtin())
    }
}

/// The NGSI-LD representation written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Form {
    /// Every attribute an object with `type` and `value` or `object`.
    Normalized,
    /// Plain values (`options=keyValues`).
    KeyValues,
}

/// The FIWARE entity types read and written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Model {
    Building,
    Device,
    Camera,
    Alert,
    ServiceRequest,
    IssueReporting,
}

impl Model {
    fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "Building" => Model::Building,
            "Device" => Model::Device,
            "Camera" => Model::Camera,
            "Alert" => Model::Alert,
            "service_requests" => Model::ServiceRequest,
            "IssueReporting" => Model::IssueReporting,
            _ => return None,
        })
    }

    fn name(self) -> &'static str {
        match self {
            Model::Building => "Building",
            Model::Device => "Device",
            Model::Camera => "Camera",
            Model::Alert => "Alert",
            Model::ServiceRequest => "service_requests",
            Model::IssueReporting => "IssueReporting",
        }
    }
}

/// JSON type expected of a known FIWARE attribute.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Text,
    Number,
    Integer,
    Boolean,
    Array,
    Object,
    Time,
}

impl Kind {
    fn fits(self, v: &Value) -> bool {
        match self {
            Kind::Text | Kind::Time => v.is_string(),
            Kind::Number => v.is_number(),
            Kind::Integer => v.is_i64() || v.is_u64(),
            Kind::Boolean => v.is_boolean(),
            Kind::Array => v.is_array(),
            Kind::Object => v.is_object(),
        }
    }

    fn name(self) -> &'static str {
        match self {
            Kind::Text => "text",
            Kind::Number => "number",
            Kind::Integer => "integer",
            Kind::Boolean => "boolean",
            Kind::Array => "array",
            Kind::Object => "object",
            Kind::Time => "date-time text",
        }
    }

    fn name_zh(self) -> &'static str {
        match self {
            Kind::Text => "文本",
            Kind::Number => "数值",
            Kind::Integer => "整数",
            Kind::Boolean => "布尔值",
            Kind::Array => "数组",
            Kind::Object => "对象",
            Kind::Time => "日期时间文本",
        }
    }
}

/// The type the Smart Data Models schemas give an attribute not mapped to a Linli member.
fn known_kind(model: Option<Model>, name: &str) -> Option<Kind> {
    use Kind::*;
    let common = match name {
        "name" | "description" | "alternateName" | "dataProvider" | "source" => Some(Text),
        "dateCreated" | "dateModified" => Some(Time),
        "owner" | "seeAlso" => Some(Array),
        _ => None,
    };
    let Some(model) = model else { return common };
    let specific = match (model, name) {
        (Model::Building, "floorsAboveGround" | "floorsBelowGround") => Some(Integer),
        (Model::Building, "collapseRisk" | "peopleCapacity" | "peopleOccupancy") => Some(Number),
        (Model::Building, "category" | "occupier" | "openingHours") => Some(Array),
        (Model::Building, "mapUrl") => Some(Text),
        (
            Model::Device,
            "controlledAsset" | "ipAddress" | "configuration" | "controlledProperty" | "deviceCategory",
        ) => Some(Array),
        (
            Model::Device,
            "mnc" | "mcc" | "hardwareVersion" | "softwareVersion" | "osVersion" | "value" | "deviceState" | "provider"
            | "relativePosition" | "direction",
        ) => Some(Text),
        (Model::Device, "distance" | "depth" | "rssi" | "batteryLevel") => Some(Number),
        (Model::Device, "dstAware") => Some(Boolean),
        (
            Model::Device,
            "dateFirstUsed" | "dateManufactured" | "dateLastCalibration" | "dateLastValueReported" | "dateObserved",
        ) => Some(Time),
        (
            Model::Camera,
            "cameraName" | "cameraUsage" | "streamURL" | "cameraType" | "streamName" | "mediaURL" | "imageSnapshot",
        ) => Some(Text),
        (Model::Camera, "startDateTime" | "endDateTime") => Some(Time),
        (Model::Camera, "cameraOrientation") => Some(Object),
        (Model::Camera, "cameraNum") => Some(Number),
        (Model::Camera, "on") => Some(Boolean),
        (Model::Alert, "data") => Some(Object),
        (Model::Alert, "validFrom") => Some(Time),
        (Model::Alert, "category" | "subCategory" | "alertSource") => Some(Text),
        (Model::IssueReporting, "observationDateTime") => Some(Time),
        (Model::IssueReporting, _) if common.is_none() && name != "location" && name != "address" => Some(Text),
        (Model::ServiceRequest, "requested_datetime" | "updated_datetime" | "expected_datetime") => Some(Time),
        (Model::ServiceRequest, "attributes") => Some(Array),
        (
            Model::ServiceRequest,
            "service_request_id" | "jurisdiction_id" | "service_code" | "service_name" | "agency_responsible"
            | "service_notice" | "status" | "status_notes" | "media_url" | "address_string",
        ) => Some(Text),
        _ => None,
    };
    specific.or(common)
}

/// A finding with its Chinese and English detail (the Chinese one is prefixed with the code's
/// Chinese title).
fn finding(
    code: Code,
    requirement: &'static str,
    pointer: &str,
    value: Option<&Value>,
    zh: String,
    en: String,
) -> Finding {
    let value = value.map(|v| match v {
        Value::String(s) => linli_model::text::truncate(s, 64),
        other => linli_model::text::truncate(&other.to_string(), 64),
    });
    let title = match code {
        Code::FiwareAttributeType => "FIWARE 属性类型错误",
        Code::FiwareTimeWithoutOffset => "时间缺少时区偏移，按 UTC 处理",
        Code::FiwareTimeInvalid => "时间格式错误",
        Code::FiwareTimeOrder => "时间先后顺序错误",
        Code::FiwareGeometryInvalid => "几何无效",
        _ => "FIWARE 标识不是有效的 Linli 标识",
    };
    let f = Finding::from_parts(code.as_str(), Level::Warning, requirement, pointer, format!("{title}：{zh}"), en);
    match value {
        Some(v) => f.value(v),
        None => f,
    }
}

/// Whether a value is a normalized attribute object: NGSI-LD (`type` and `value`, `object` or
/// `languageMap`) or NGSI-v2 (`value` with only `type` and `metadata` beside it; Orion writes
/// `{"value": …}` without `type` too).
fn is_attribute(v: &Value) -> bool {
    v.as_object().is_some_and(|o| {
        let ld = o.get("type").is_some_and(Value::is_string)
            && (o.contains_key("value") || o.contains_key("object") || o.contains_key("languageMap"));
        let v2 = o.contains_key("value")
            && o.keys().all(|k| matches!(k.as_str(), "type" | "value" | "metadata"))
            && o.get("type").is_none_or(Value::is_string)
            && o.get("metadata").is_none_or(Value::is_object);
        ld || v2
    })
}

/// `{"@type": …, "@value": v}` → `v`; also `{"@type": "DateTime", "value": v}`, which several
/// Smart Data Models examples write.
fn unwrap_ld(v: &Value) -> &Value {
    ld_value(v).map_or(v, |(_, inner)| inner)
}

/// The key (`@value` or `value`) and the value of a JSON-LD value object.
fn ld_value(v: &Value) -> Option<(&'static str, &Value)> {
    let o = v.as_object()?;
    if let Some(inner) = o.get("@value") {
        return Some(("@value", inner));
    }
    match (o.get("@type"), o.get("value")) {
        (Some(Value::String(_)), Some(inner)) if o.len() == 2 => Some(("value", inner)),
        _ => None,
    }
}

/// An NGSI-v2 `geo:point` (`"lat, lng"`, declared or as a key-value string) as a GeoJSON
/// Point (`[lng, lat]`).
fn geo_point(a: &Attr) -> Option<Value> {
    let s = a.value.as_str()?;
    if a.declared.as_deref().is_some_and(|d| d != "geo:point") {
        return None;
    }
    let (lat, lng) = s.split_once(',')?;
    let (lat, lng) = (lat.trim().parse::<f64>().ok()?, lng.trim().parse::<f64>().ok()?);
    Some(json!({"type": "Point", "coordinates": [lng, lat]}))
}

/// A well-formed GeoJSON geometry of a type a Linli geometry cannot hold (yet).
fn other_geometry(v: &Value) -> bool {
    let ty = v.get("type").and_then(Value::as_str);
    matches!(ty, Some("LineString" | "MultiPoint" | "MultiLineString" | "GeometryCollection"))
        && (v.get("coordinates").is_some_and(Value::is_array) || v.get("geometries").is_some_and(Value::is_array))
}

/// The two numbers of a GeoJSON Point.
fn point_coordinates(v: &Value) -> Option<(f64, f64)> {
    if v.get("type").and_then(Value::as_str) != Some("Point") {
        return None;
    }
    match v.get("coordinates").and_then(Value::as_array).map(Vec::as_slice) {
        Some([x, y, ..]) => Some((x.as_f64()?, y.as_f64()?)),
        _ => None,
    }
}

/// One attribute taken from the entity.
struct Attr {
    name: String,
    /// As given.
    raw: Value,
    /// The plain value.
    value: Value,
    /// Declared `type` of a normalized attribute.
    declared: Option<String>,
    /// Sub-attributes of a normalized attribute (`observedAt`, `unitCode`, …).
    metadata: Map<String, Value>,
    /// Pointer to the attribute.
    at: String,
    /// Pointer to the plain value.
    ptr: String,
}

impl Attr {
    fn new(name: String, at: String, raw: Value) -> Self {
        let mut a = Attr { name, value: raw.clone(), declared: None, metadata: Map::new(), ptr: at.clone(), at, raw };
        if let (true, Some(o)) = (is_attribute(&a.raw), a.raw.as_object()) {
            let key = if o.contains_key("value") {
                "value"
            } else if o.contains_key("object") {
                "object"
            } else {
                ""
            };
            a.declared = o.get("type").and_then(Value::as_str).map(str::to_owned);
            if !key.is_empty() {
                a.ptr = format!("{}/{key}", a.at);
                let v = o.get(key).unwrap_or(&Value::Null);
                if let Some((k, _)) = ld_value(v) {
                    a.ptr.push('/');
                    a.ptr.push_str(k);
                }
                a.value = unwrap_ld(v).clone();
            }
            for (k, v) in o {
                // An empty NGSI-v2 `metadata` says nothing.
                let empty = k == "metadata" && v.as_object().is_some_and(Map::is_empty);
                if !matches!(k.as_str(), "type" | "value" | "object") && !empty {
                    a.metadata.insert(k.clone(), v.clone());
                }
            }
            // A LanguageProperty: its text in Chinese, else English, else the first language;
            // the whole map stays in the metadata kept.
            if key.is_empty() {
                if let Some((lang, text)) = o.get("languageMap").and_then(Value::as_object).and_then(|m| {
                    ["zh", "zh-CN", "en"]
                        .iter()
                        .find_map(|l| m.get(*l).filter(|t| t.is_string()).map(|t| ((*l).to_owned(), t)))
                        .or_else(|| m.iter().find(|(_, t)| t.is_string()).map(|(l, t)| (l.clone(), t)))
                }) {
                    a.ptr = format!("{}/languageMap/{}", a.at, token(&lang));
                    a.value = text.clone();
                }
            }
        } else if let Some((k, inner)) = ld_value(&a.raw) {
            // Key-values with a JSON-LD value object.
            a.ptr = format!("{}/{k}", a.at);
            a.value = inner.clone();
        }
        a
    }

    /// What is kept in the extensions: the plain value when the attribute says nothing more
    /// (no sub-attributes, a `Property` or NGSI-v2 value type), else the attribute as given.
    fn kept(&self) -> Value {
        let plain = self.declared.as_deref().is_none_or(|d| {
            !d.starts_with("geo:")
                && !matches!(
                    d,
                    "Relationship"
                        | "Reference"
                        | "GeoProperty"
                        | "LanguageProperty"
                        | "VocabProperty"
                        | "ListProperty"
                        | "ListRelationship"
                )
        });
        if plain && self.metadata.is_empty() { self.value.clone() } else { self.raw.clone() }
    }

    /// Whether a normalized attribute is declared as an NGSI-LD kind other than `expected`.
    fn misdeclared(&self, expected: &str) -> bool {
        self.declared
            .as_deref()
            .is_some_and(|d| matches!(d, "Property" | "Relationship" | "GeoProperty") && d != expected)
    }
}

/// The state of reading one entity.
struct Reader<'a> {
    opts: &'a FromNgsi,
    model: Option<Model>,
    /// The record is a Person or Organization: finding values are not quoted.
    personal: bool,
    attrs: Vec<Attr>,
    ext: Map<String, Value>,
    metadata: Map<String, Value>,
    report: LossReport,
    findings: Vec<Finding>,
}

impl Reader<'_> {
    fn take(&mut self, name: &str) -> Option<Attr> {
        let i = self.attrs.iter().position(|a| a.name == name)?;
        Some(self.attrs.remove(i))
    }

    fn peek(&self, name: &str) -> Option<&Value> {
        self.attrs.iter().find(|a| a.name == name).map(|a| &a.value)
    }

    /// The attribute was mapped: keep its sub-attributes.
    fn accept(&mut self, a: &Attr) {
        if !a.metadata.is_empty() {
            self.metadata.insert(a.name.clone(), Value::Object(a.metadata.clone()));
            let target = format!("/extensions/{NAMESPACE}/{METADATA}/{}", token(&a.name));
            let zh =
                format!("FIWARE 属性 `{}` 的元数据（子属性）已保存在扩展 `{NAMESPACE}` 的 `{METADATA}` 中", a.name);
            let en = format!(
                "the metadata (sub-attributes) of FIWARE attribute `{}` kept in extensions `{NAMESPACE}` under `{METADATA}`",
                a.name
            );
            self.note(LossKind::KeptInExtensions, &a.at, Some(target), Code::FiwareMetadataKept, zh, en);
        }
    }

    fn loss(&mut self, kind: LossKind, source: &str, target: Option<String>, code: Code, what: &str) {
        let (zh, en) = match kind {
            LossKind::KeptInExtensions => (
                format!("FIWARE 属性 `{what}` 在 Linli 中没有对应成员，已保存在扩展 `{NAMESPACE}` 中"),
                format!("FIWARE attribute `{what}` has no Linli member; kept in extensions `{NAMESPACE}`"),
            ),
            LossKind::Rejected => (
                format!("FIWARE 属性 `{what}` 的值无法转换，已保存在扩展 `{NAMESPACE}` 中"),
                format!(
                    "the value of FIWARE attribute `{what}` could not be converted; kept in extensions `{NAMESPACE}`"
                ),
            ),
            _ => (format!("FIWARE 属性 `{what}` 已规范化"), format!("FIWARE attribute `{what}` normalised")),
        };
        self.note(kind, source, target, code, zh, en);
    }

    /// A loss entry with its own Chinese and English message.
    fn note(&mut self, kind: LossKind, source: &str, target: Option<String>, code: Code, zh: String, en: String) {
        self.report.push(Loss { kind, source: source.to_owned(), target, code, message_zh: zh, message_en: en });
    }

    /// A normalised value: `zh` and `en` say what was done.
    fn normalised(&mut self, source: &str, target: &str, code: Code, zh: impl Into<String>, en: impl Into<String>) {
        self.note(LossKind::Normalised, source, Some(target.to_owned()), code, zh.into(), en.into());
    }

    /// Keep an attribute without Linli home in the extensions, checking its type; a personal or
    /// secret one is left out [ADP-078].
    fn keep(&mut self, a: Attr) {
        if crate::rules::is_sensitive_member(&a.name) {
            self.not_kept(&a.at);
            return;
        }
        if let Some(kind) = known_kind(self.model, &a.name) {
            if !kind.fits(&a.value) {
                // A known attribute of the wrong type is rejected (kept as given, with a
                // finding), like a mapped one: one loss entry, `rejected` [ADP-020].
                let zh = format!("`{}` 应为{}", a.name, kind.name_zh());
                let en = format!("`{}` should be {}", a.name, kind.name());
                self.reject(a, Code::FiwareAttributeType, "COR-040", zh, en);
                return;
            }
        }
        let target = format!("/extensions/{NAMESPACE}/{}", token(&a.name));
        self.loss(LossKind::KeptInExtensions, &a.at, Some(target), Code::FiwareAttributeKept, &a.name);
        let mut v = a.kept();
        for at in crate::rules::strip_sensitive(&mut v, &a.at) {
            self.not_kept(&at);
        }
        self.ext.insert(a.name, v);
    }

    /// A personal or secret member left out of the extensions [ADP-078].
    fn not_kept(&mut self, at: &str) {
        self.note(
            LossKind::NotRepresentable,
            at,
            None,
            Code::FiwareSensitiveNotKept,
            "成员名表明是个人信息或密钥，不保存在扩展中（扩展没有敏感标记）".into(),
            "the member's name marks it as personal or secret; not kept in extensions (which carry no sensitivity mark)"
                .into(),
        );
    }

    /// A measured attribute whose value is not a number: kept in the extensions.
    fn keep_not_number(&mut self, a: Attr) {
        let target = format!("/extensions/{NAMESPACE}/{}", token(&a.name));
        let zh = format!("测量属性 `{}` 的值不是数值，不作为测量值，已保存在扩展 `{NAMESPACE}` 中", a.name);
        let en = format!(
            "the value of measured attribute `{}` is not a number: not a measurement; kept in extensions `{NAMESPACE}`",
            a.name
        );
        self.note(LossKind::KeptInExtensions, &a.at, Some(target), Code::FiwareAttributeKept, zh, en);
        let v = a.kept();
        self.ext.insert(a.name, v);
    }

    /// A mapped attribute whose value cannot be used: finding, kept in the extensions.
    fn reject(&mut self, a: Attr, code: Code, requirement: &'static str, zh: String, en: String) {
        // The value of a Person's or Organization's attribute may be a name: never quoted.
        let value = if self.personal { None } else { Some(&a.value) };
        self.findings.push(finding(code, requirement, &a.ptr, value, zh, en));
        let target = format!("/extensions/{NAMESPACE}/{}", token(&a.name));
        self.loss(LossKind::Rejected, &a.at, Some(target), code, &a.name);
        let v = a.kept();
        self.ext.insert(a.name, v);
    }

    fn wrong_declaration(&mut self, a: &Attr, expected: &str) {
        if a.misdeclared(expected) {
            let declared = a.declared.as_deref().unwrap_or("?");
            let zh = format!("`{}` 声明为 `{declared}`，此处要求 `{expected}`", a.name);
            let en = format!("`{}` is a {declared} where a {expected} is required", a.name);
            let at = format!("{}/type", a.at);
            self.findings.push(finding(Code::FiwareAttributeType, "COR-040", &at, a.raw.get("type"), zh, en));
        }
    }

    fn text(&mut self, name: &str) -> Option<String> {
        let a = self.take(name)?;
        match a.value.as_str().map(Text::new) {
            Some(Ok(t)) => {
                self.wrong_declaration(&a, "Property");
                self.accept(&a);
                Some(t.into_string())
            }
            _ => {
                let zh = format!("`{name}` 应为非空白、至多 2000 个字符的文本");
                let en = format!("`{name}` should be a non-blank text of at most 2000 characters");
                self.reject(a, Code::FiwareAttributeType, "COR-040", zh, en);
                None
            }
        }
    }

    fn time(&mut self, name: &str) -> Option<Timestamp> {
        let (t, a) = self.time_attr(name)?;
        self.accept(&a);
        Some(t)
    }

    /// A time attribute, not yet accepted (a time without offset is read as UTC).
    fn time_attr(&mut self, name: &str) -> Option<(Timestamp, Attr)> {
        let a = self.take(name)?;
        let Some(s) = a.value.as_str() else {
            let (zh, en) = (format!("`{name}` 应为日期时间文本"), format!("`{name}` should be a date-time text"));
            self.reject(a, Code::FiwareAttributeType, "CON-020", zh, en);
            return None;
        };
        // Times without an offset are UTC in NGSI [ADP-025]; the shared reading rules.
        match read_time_str(s, ZoneRule::Utc) {
            Some(t) => {
                if t.zone_assumed {
                    let zh = format!("`{name}` 没有时区偏移，按 UTC 读取：{}", t.at);
                    let en = format!("`{name}` has no time zone offset; read as UTC: {}", t.at);
                    self.note(LossKind::Normalised, &a.at, None, Code::FiwareTimeWithoutOffset, zh, en);
                } else if t.changed_form() {
                    let zh = format!("`{name}` 已按 RFC 3339 时间读取：{}", t.at);
                    let en = format!("`{name}` read as an RFC 3339 time: {}", t.at);
                    self.note(LossKind::Normalised, &a.at, None, Code::FiwareTimeNormalised, zh, en);
                }
                Some((t.at, a))
            }
            None => {
                let zh = format!("`{name}` 不是 RFC 3339 日期时间");
                self.reject(
                    a,
                    Code::FiwareTimeInvalid,
                    "CON-020",
                    zh,
                    format!("`{name}` is not an RFC 3339 date-time"),
                );
                None
            }
        }
    }

    /// A GeoJSON geometry in WGS-84; `point_only` keeps a valid polygon in the extensions.
    /// An NGSI-v2 `geo:point` (`"lat, lng"`) is read as a Point; a valid GeoJSON geometry of
    /// another type (LineString, MultiPoint, …) is kept in the extensions; a point at `0,0`
    /// is no location [ADP-025].
    fn geometry(&mut self, name: &str, target: &str, point_only: bool) -> Option<Value> {
        let mut a = self.take(name)?;
        if let Some(p) = geo_point(&a) {
            a.value = p;
            let zh = format!("`{name}` 是 NGSI-v2 的 geo:point（\"纬度, 经度\"），已读作 GeoJSON Point [经度, 纬度]");
            let en = format!("`{name}` is an NGSI-v2 geo:point \"lat, lng\"; read as a GeoJSON Point [lng, lat]");
            self.normalised(&a.at, target, Code::FiwareGeoPoint, zh, en);
        }
        if other_geometry(&a.value) {
            let gt = a.value.get("type").and_then(Value::as_str).unwrap_or("?");
            let zh = format!("`{name}` 是 GeoJSON `{gt}`，Linli 此处只接受点或面，已保存在扩展 `{NAMESPACE}` 中");
            let en = format!(
                "`{name}` is a GeoJSON `{gt}`, which Linli does not take here; kept in extensions `{NAMESPACE}`"
            );
            let target = format!("/extensions/{NAMESPACE}/{}", token(&a.name));
            self.note(LossKind::KeptInExtensions, &a.at, Some(target), Code::FiwareGeometryKept, zh, en);
            let v = a.kept();
            self.ext.insert(a.name, v);
            return None;
        }
        if let Some((lng, lat)) = point_coordinates(&a.value) {
            match locate(lng, lat, Datum::Wgs84) {
                Located::Unknown => {
                    let target = format!("/extensions/{NAMESPACE}/{}", token(&a.name));
                    let zh = format!("`{name}` 为 0,0，表示位置未知：不设位置");
                    let en = format!("`{name}` is 0,0, which means unknown: no location");
                    self.note(LossKind::Normalised, &a.at, Some(target), Code::FiwareLocationUnknown, zh, en);
                    let v = a.kept();
                    self.ext.insert(a.name, v);
                    return None;
                }
                Located::At { lng: x, lat: y, swapped: true, .. } => {
                    a.value = json!({"type": "Point", "coordinates": [x, y]});
                    let zh = format!("`{name}` 把纬度写在经度之前，已交换");
                    let en = format!("`{name}` gave latitude before longitude; swapped");
                    self.normalised(&a.at, target, Code::FiwareCoordinatesSwapped, zh, en);
                }
                _ => {}
            }
        }
        let parsed = serde_json::from_value::<Geometry>(a.value.clone()).ok().filter(|g| match g {
            Geometry::Point(_) => true,
            Geometry::Polygon(p) => {
                !p.coordinates.is_empty() && p.coordinates.iter().all(|r| r.len() >= 4 && r.first() == r.last())
            }
            Geometry::MultiPolygon(m) => {
                !m.coordinates.is_empty()
                    && m.coordinates
                        .iter()
                        .all(|p| !p.is_empty() && p.iter().all(|r| r.len() >= 4 && r.first() == r.last()))
            }
        });
        let Some(mut g) = parsed else {
            let zh = format!("`{name}` 不是 WGS-84 范围内有效的 GeoJSON 点或面");
            let en = format!("`{name}` is not a valid GeoJSON Point or Polygon in WGS-84 range");
            self.reject(a, Code::FiwareGeometryInvalid, "CON-032", zh, en);
            return None;
        };
        if point_only && matches!(g, Geometry::Polygon(_) | Geometry::MultiPolygon(_)) {
            self.keep(a);
            return None;
        }
        self.wrong_declaration(&a, "GeoProperty");
        if self.opts.datum != Datum::Wgs84 {
            let f = |p: &mut linli_model::geo::Position| {
                let (lng, lat) = self.opts.datum.to_wgs84(p.lng, p.lat);
                p.lng = lng;
                p.lat = lat;
            };
            g.positions_mut().into_iter().for_each(f);
            let datum = self.opts.datum.label();
            let zh = format!("`{name}` 已从 {datum} 转换为 WGS-84");
            let en = format!("`{name}` converted from {datum} to WGS-84");
            self.normalised(&a.at, target, Code::FiwareCoordinatesToWgs84, zh, en);
        }
        self.accept(&a);
        serde_json::to_value(g).ok()
    }

    /// A reference `{"type", "id"}` from a URN (or a one-element array of one) naming one of
    /// `allowed`; anything else is kept in the extensions.
    fn reference(&mut self, name: &str, allowed: &[RecordType]) -> Option<Value> {
        let a = self.take(name)?;
        let urn = match &a.value {
            Value::String(s) => Some(s.as_str()),
            Value::Array(xs) if xs.len() == 1 => xs.first().and_then(Value::as_str),
            _ => None,
        };
        match urn.and_then(parse_ref).filter(|(t, _)| allowed.contains(t)) {
            Some((t, id)) => {
                self.wrong_declaration(&a, "Relationship");
                self.accept(&a);
                Some(json!({"type": t.code(), "id": id.as_str()}))
            }
            None => {
                self.keep(a);
                None
            }
        }
    }

    /// Keep every attribute not taken.
    fn keep_rest(&mut self) {
        for a in std::mem::take(&mut self.attrs) {
            self.keep(a);
        }
    }
}

/// The Linli record type of a FIWARE (or Linli) type name in a reference.
fn ref_type(t: &str) -> Option<RecordType> {
    Some(match t {
        "Building" | "Place" => RecordType::Place,
        "Device" | "Camera" | "Thing" => RecordType::Thing,
        "Alert" | "Event" => RecordType::Event,
        "service_requests" | "IssueReporting" | "Open311ServiceRequest" | "Case" => RecordType::Case,
        "Person" => RecordType::Person,
        "Organization" => RecordType::Organization,
        _ => return None,
    })
}

/// The FIWARE type name written in references to a record type.
fn fiware_ref_type(t: RecordType) -> &'static str {
    match t {
        RecordType::Place => "Building",
        RecordType::Thing => "Device",
        RecordType::Event => "Alert",
        RecordType::Case => "service_requests",
        RecordType::Person => "Person",
        RecordType::Organization => "Organization",
        other => other.code(),
    }
}

fn parse_ref(urn: &str) -> Option<(RecordType, Id)> {
    let (t, id) = urn.strip_prefix(URN)?.split_once(':')?;
    Some((ref_type(t)?, Id::new(id).ok()?))
}

/// The NGSI id of a record id of FIWARE type `ty` (see the module documentation).
fn entity_id(ty: &str, id: &str) -> String {
    let prefix = format!("{URN}{ty}:");
    if id.starts_with(URN) && !id.starts_with(&prefix) { id.to_owned() } else { format!("{prefix}{id}") }
}

/// `id` made a Linli id (section 18.3, Table 18-5 `id`): every character not allowed in a Linli
/// id replaced by `-`, leading characters that are not ASCII letters or digits dropped, and —
/// as any of that changes it — `-` and the first 16 hex digits of the SHA-256 of the original id
/// appended (the text before cut to 111 characters; nothing left, nothing appended), so that two ids that differ only in what is
/// replaced (`urn:ngsi-ld:Person:张三`, `…:李四`) stay two ids.
fn sanitize_id(id: &str) -> String {
    use sha2::Digest as _;
    let s: String = id
        .chars()
        .map(|c| if is_id_char(c) { c } else { '-' })
        .skip_while(|c| !c.is_ascii_alphanumeric())
        .take(128)
        .collect();
    if s == id {
        return s;
    }
    let digest = sha2::Sha256::digest(id.as_bytes());
    let hex: String = digest.iter().take(8).map(|b| format!("{b:02x}")).collect();
    let head: String = s.chars().take(111).collect();
    // Nothing of the id left: not made an id at all (the entity is refused).
    if head.is_empty() { head } else { format!("{head}-{hex}") }
}

/// A character a Linli id may hold.
fn is_id_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | ':' | '~' | '-')
}

/// `id` as a message may show it [PRI-004]: every character a Linli id may not hold (a name in
/// Chinese characters, say) masked with `*`.
fn masked_id(id: &str) -> String {
    id.chars().map(|c| if is_id_char(c) { c } else { '*' }).collect()
}

/// Event category pairs with a FIWARE counterpart.
const EVENT_PAIRS: &[(&str, &str, &str)] =
    &[("health", "fallenPatient", "alarm.fall_detected"), ("security", "buildingFire", "alarm.smoke")];

/// The FIWARE `category` (and `subCategory`) written for a Linli event category.
fn alert_category(code: &str) -> (&'static str, String) {
    if let Some((c, s, _)) = EVENT_PAIRS.iter().find(|(_, _, l)| *l == code) {
        return (c, (*s).to_owned());
    }
    // split always yields a first part: the default empty family is never taken.
    let family = match code.split('.').next().unwrap_or_default() {
        "vehicle" => "traffic",
        "sensor" => "environment",
        "care" => "health",
        _ => "security",
    };
    (family, code.to_owned())
}

/// The Linli thing kind of a Device from its categories and controlled properties.
fn device_kind(categories: Option<&Value>, properties: Option<&Value>) -> &'static str {
    let strings = |v: Option<&Value>| -> Vec<String> {
        match v {
            Some(Value::Array(xs)) => xs.iter().filter_map(Value::as_str).map(str::to_owned).collect(),
            Some(Value::String(s)) => vec![s.clone()],
            _ => Vec::new(),
        }
    };
    if strings(categories).iter().any(|c| c == "meter") {
        return "device.smart-meter";
    }
    let kinds: Vec<&str> = strings(properties)
        .iter()
        .map(|p| match p.as_str() {
            "smoke" => "device.smoke-sensor",
            "temperature" => "device.temperature-sensor",
            "electricityConsumption" | "gasConsumption" | "waterConsumption" | "energy" => "device.smart-meter",
            _ => "device.other",
        })
        .collect();
    match kinds.first() {
        Some(first) if kinds.iter().all(|k| k == first) => first,
        _ => "device.other",
    }
}

/// `fullText` of an address from its parts: Chinese order without separators when any part
/// is not ASCII, otherwise street first, comma-separated.
fn full_text(parts: &Map<String, Value>) -> Option<String> {
    let get = |k: &str| parts.get(k).and_then(Value::as_str);
    let order = ["province", "city", "district", "road", "doorNumber"];
    let present: Vec<&str> = order.iter().filter_map(|k| get(k)).collect();
    if present.is_empty() {
        return None;
    }
    if present.iter().any(|p| !p.is_ascii()) {
        return Some(present.concat());
    }
    let street = match (get("road"), get("doorNumber")) {
        (Some(r), Some(n)) => Some(format!("{n} {r}")),
        (r, n) => r.or(n).map(str::to_owned),
    };
    let line: Vec<String> = street
        .into_iter()
        .chain(["district", "city", "province"].iter().filter_map(|k| get(k).map(str::to_owned)))
        .collect();
    Some(line.join(", "))
}

/// schema.org PostalAddress member ⇄ StandardAddress part.
const ADDRESS_PARTS: &[(&str, &str)] = &[
    ("addressRegion", "province"),
    ("addressLocality", "city"),
    ("district", "district"),
    ("streetAddress", "road"),
    ("streetNr", "doorNumber"),
];

/// Read `address` into a StandardAddress; members without a part are kept.
fn read_address(r: &mut Reader<'_>) -> Option<Value> {
    let a = r.take("address")?;
    let Some(obj) = a.value.as_object() else {
        let zh = "`address` 应为对象（schema.org PostalAddress）".to_owned();
        let en = "`address` should be an object (schema.org PostalAddress)".to_owned();
        r.reject(a, Code::FiwareAttributeType, "PLA-007", zh, en);
        return None;
    };
    let mut parts = Map::new();
    let mut rest = Map::new();
    for (k, v) in obj {
        match (ADDRESS_PARTS.iter().find(|(f, _)| f == k), v.as_str().map(Text::new)) {
            (Some((_, part)), Some(Ok(t))) => {
                parts.insert((*part).to_owned(), Value::String(t.into_string()));
            }
            _ => {
                rest.insert(k.clone(), v.clone());
            }
        }
    }
    let Some(full) = full_text(&parts) else {
        r.keep(a);
        return None;
    };
    parts.insert("fullText".into(), Value::String(full));
    for k in rest.keys() {
        let target = format!("/extensions/{NAMESPACE}/address/{}", token(k));
        r.loss(
            LossKind::KeptInExtensions,
            &format!("{}/{}", a.ptr, token(k)),
            Some(target),
            Code::FiwareAddressKept,
            k,
        );
    }
    if !rest.is_empty() {
        r.ext.insert("address".into(), Value::Object(rest));
    }
    r.wrong_declaration(&a, "Property");
    r.accept(&a);
    Some(Value::Object(parts))
}

/// Read one NGSI entity into a canonical record, with the loss report and the findings about
/// faults in the input (each with a JSON pointer into the entity).
///
/// Fails when the input is not an object, has no string `id` or `type`, or its type is not
/// one of `Building`, `Device`, `Camera`, `Alert`, `service_requests`, `IssueReporting`.
pub fn from_ngsi(entity: &Value, opts: &FromNgsi) -> Result<(Record, LossReport, Vec<Finding>), Error> {
    convert(entity, "", opts).map_err(|r| Error::Input { format: FORMAT, message: r.line() })
}

/// Read a JSON array of entities (or one entity). Pointers are prefixed with `/<i>`. Entities
/// that cannot be converted give one message each (starting with the JSON pointer); the others
/// are still converted.
pub fn from_ngsi_batch(input: &Value, opts: &FromNgsi) -> (Vec<Record>, LossReport, Vec<Finding>, Vec<String>) {
    let mut records = Vec::new();
    let mut report = LossReport::default();
    let mut findings = Vec::new();
    let mut errors = Vec::new();
    let one = [input.clone()];
    let (items, prefix) = match input {
        Value::Array(xs) => (xs.as_slice(), true),
        _ => (&one[..], false),
    };
    for (i, e) in items.iter().enumerate() {
        let base = if prefix { format!("/{i}") } else { String::new() };
        match convert(e, &base, opts) {
            Ok((r, mut l, mut f)) => {
                records.push(r);
                report.entries.append(&mut l.entries);
                findings.append(&mut f);
            }
            Err(e) => errors.push(e.line()),
        }
    }
    (records, report, findings, errors)
}

/// Why an entity is not converted: a stable code, the JSON pointer and the message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    /// `fiware-not-converted`, `fiware-unmapped-type` or `fiware-type-no-linli-home`.
    pub code: Code,
    /// JSON pointer into the input.
    pub at: String,
    /// English message.
    pub en: String,
    /// Chinese message.
    pub zh: String,
}

impl Refusal {
    fn new(at: &str, en: &str, zh: &str) -> Self {
        Refusal { code: Code::FiwareNotConverted, at: at.to_owned(), en: en.to_owned(), zh: zh.to_owned() }
    }

    /// No mapping file maps any of the entity's types [ADP-021].
    fn unmapped(at: &str, types: &[&str]) -> Self {
        let names: Vec<String> =
            types.iter().map(|t| format!("`{}`", linli_model::text::truncate(mapping::short_type(t), 64))).collect();
        let names = names.join(", ");
        Refusal {
            code: Code::FiwareUnmappedType,
            at: at.to_owned(),
            en: format!(
                "entity type {names} is not mapped: no FIWARE mapping file maps it to a Linli record; add it with a mapping file (`linli convert --mapping FILE`, spec chapter 18 section 18.3)"
            ),
            zh: format!(
                "实体类型 {names} 没有映射：没有 FIWARE 映射文件把它映射到 Linli 记录；可用映射文件添加（`linli convert --mapping FILE`，规范第 18 章 18.3 节）"
            ),
        }
    }

    /// A mapped type with no Linli home [ADP-021].
    fn no_home(at: &str, ty: &str, m: &TypeMapping) -> Self {
        // A mapping entry without a reason says no more than that (no dangling colon).
        let (en, zh) = match &m.reason {
            Some((en, zh)) => (format!(": {en}"), format!("：{zh}")),
            None => (String::new(), String::new()),
        };
        Refusal {
            code: Code::FiwareTypeNoLinliHome,
            at: at.to_owned(),
            en: format!("entity type `{ty}` has no Linli record{en}"),
            zh: format!("实体类型 `{ty}` 没有对应的 Linli 记录{zh}"),
        }
    }

    /// `<pointer>: <message>`, `(root)` for the input as a whole.
    pub fn line(&self) -> String {
        format!("{}: {}", root_label(&self.at), self.en)
    }
}
