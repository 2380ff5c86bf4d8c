//! GA/T 1400 (公安视频图像信息应用系统, 视图库) JSON: captures and capture devices ⇄ [`Event`]s
//! and [`Thing`]s.
//!
//! # Reading
//!
//! [`read()`] accepts the upload wrappers `FaceListObject`, `PersonListObject`,
//! `MotorVehicleListObject`, `NonMotorVehicleListObject`, `APEListObject` and
//! `TollgateListObject` (several may sit side by side in one document), and the notification
//! wrapper `SubscribeNotificationListObject`, whose `SubscribeNotificationObject` items carry
//! `FaceObjectList`, `PersonObjectList`, `MotorVehicleObjectList`,
//! `NonMotorVehicleObjectList`, `APEObjectList` and `TollgateObjectList`. A notification gives
//! the same records as the upload wrapper of the same objects; the notification's own fields
//! (`NotificationID`, `SubscribeID`, …) are reported as [`LossKind::NotRepresentable`].
//!
//! | GA/T 1400                        | Linli                                                     |
//! |----------------------------------|-----------------------------------------------------------|
//! | `APEObject`                      | Thing `device.camera`, id `gat1400:<ApeID>`, `deviceCode` = `ApeID`, `name`, `model`, `location` from `Longitude`/`Latitude`, `status` from `IsOnline` (`1` online, `2` offline) |
//! | `TollgateObject`                 | Thing `device.barrier-gate`, id `gat1400:<TollgateID>`, `deviceCode`, `name`, `location` |
//! | `FaceObject`                     | Event `capture.face`, id `gat1400:face:<FaceID>`, `occurredAt` from `FaceAppearTime` (else `LocationMarkTime`), `endedAt` from `FaceDisAppearTime` |
//! | `PersonObject`                   | Event `capture.face`, id `gat1400:person:<PersonID>`, `occurredAt` from `PersonAppearTime` (else `LocationMarkTime`), `endedAt` from `PersonDisAppearTime` |
//! | `MotorVehicleObject`             | Event `capture.vehicle`, id `gat1400:motor:<MotorVehicleID>`, `occurredAt` from `PassTime` (else `AppearTime`, `MarkTime`), `endedAt` from `DisappearTime`; plus a Thing `vehicle.motor` with `PlateNo`/`PlateColor`, as the event's subject |
//! | `NonMotorVehicleObject`          | Event `capture.vehicle`, id `gat1400:non-motor:<NonMotorVehicleID>`, times as for motor vehicles; plus a Thing `vehicle.non-motor` |
//! | `DeviceID` (first 20 characters) | the event's `source`, a reference to Thing `gat1400:<DeviceID>` |
//! | `SubImageList.SubImageInfoObject[]` | `media`: `{uri: "urn:gat1400:image:<ImageID>", sha256 of the decoded Data, mediaType from FileFormat}`; the image bytes are never copied |
//! | any other field                  | `extensions.gat1400.<field>` (with `SubImageList` kept without `Data`) |
//!
//! A vehicle Thing's id is `gat1400:plate:<16 hex digits of the SHA-256 of the plate>`, so
//! every capture of one plate refers to one Thing; a vehicle without a plate gets
//! `gat1400:vehicle:<object id>`. GA/T 1400 colour codes (GA 24.8) map to plate colours: `1`
//! black, `2` white, `5` blue, `6` yellow, `9` green; any other code becomes `other`, the code
//! kept in extensions.
//!
//! Times are `yyyyMMddHHmmss` in China Standard Time and become RFC 3339 with `+08:00`.
//!
//! # Findings
//!
//! Problems are [`LossKind::Rejected`] entries with a JSON pointer and a stable code:
//! `gat1400-bad-time` (an object whose capture time is illegal is not converted; a bad end time
//! is kept in extensions), `gat1400-missing-time`, `gat1400-bad-id` (an ID not of the GA/T 1400
//! shape: 20-digit device IDs; 41-character image/source IDs = device ID + 2-digit type +
//! 14-digit time + 5-digit serial; 48-character object IDs = source ID + 2-digit object type +
//! 5-digit serial — the object still converts when its ID is a usable Linli id, the ID kept in
//! extensions), `gat1400-missing-id`, `gat1400-bad-base64`, `gat1400-bad-coordinate`,
//! `gat1400-not-object`, `gat1400-unknown-wrapper`.
//!
//! # Writing
//!
//! [`write()`] turns `capture.face` and `capture.vehicle` events and camera / barrier-gate
//! Things back into the upload wrappers: ids, `DeviceID`, times (in `+08:00`; another offset or
//! a fraction of a second is [`LossKind::Normalised`]), plates from the subject vehicle Thing,
//! images from `extensions.gat1400.SubImageList` (or the media references). Image data cannot
//! be restored ([`LossKind::NotRepresentable`]), nor can Linli members GA/T 1400 has no field
//! for.

use crate::loss::token;
use std::collections::BTreeSet;

use base64::Engine;
use linli_model::codes::{CodeTable, DataClassification, EventCategory, PlateColor, Severity, ThingKind, ThingStatus};
use linli_model::datetime::Timestamp;
use linli_model::event::Media;
use linli_model::geo::Point;
use linli_model::reference::Ref;
use linli_model::text::{DeviceCode, Id, MediaType, Namespace, Sha256, Text, Uri};
use linli_model::thing::Vehicle;
use linli_model::{Event, Meta, Thing};
use serde_json::{Map, Value};
use sha2::Digest;
use time::UtcOffset;
use time::macros::offset;

use crate::{Loss, LossKind, LossReport};

/// The extension namespace GA/T 1400 fields are kept under.
pub const NAMESPACE: &str = "gat1400";
/// China Standard Time, the offset of every GA/T 1400 time.
const CST: UtcOffset = offset!(+8);

/// How GA/T 1400 documents are read.
#[derive(Debug, Clone)]
pub struct Options {
    /// `meta.source.vendor` of the records produced.
    pub vendor: Text,
    /// `meta.source.product` of the records produced.
    pub product: Text,
    /// `meta.createdAt` / `meta.updatedAt` of the records produced: when the data was received.
    pub received_at: Timestamp,
    /// `meta.classification` of the records produced (default `restricted`: faces and plates).
    pub classification: DataClassification,
}

impl Options {
    /// Options for data from `vendor` / `product` received at `received_at`.
    pub fn new(vendor: Text, product: Text, received_at: Timestamp) -> Self {
        Options { vendor, product, received_at, classification: DataClassification::Restricted }
    }
}

/// The records of a GA/T 1400 document.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Records {
    /// Capture devices, checkpoints and captured vehicles.
    pub things: Vec<Thing>,
    /// Captures.
    pub events: Vec<Event>,
}

/// The kinds of objects GA/T 1400 carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Face,
    Person,
    Motor,
    NonMotor,
    Ape,
    Tollgate,
}

impl Kind {
    const ALL: [Kind; 6] = [Kind::Face, Kind::Person, Kind::Motor, Kind::NonMotor, Kind::Ape, Kind::Tollgate];

    /// The object name, e.g. `FaceObject`.
    fn object(self) -> &'static str {
        match self {
            Kind::Face => "FaceObject",
            Kind::Person => "PersonObject",
            Kind::Motor => "MotorVehicleObject",
            Kind::NonMotor => "NonMotorVehicleObject",
            Kind::Ape => "APEObject",
            Kind::Tollgate => "TollgateObject",
        }
    }
    /// The upload wrapper, e.g. `FaceListObject`.
    fn upload(self) -> &'static str {
        match self {
            Kind::Face => "FaceListObject",
            Kind::Person => "PersonListObject",
            Kind::Motor => "MotorVehicleListObject",
            Kind::NonMotor => "NonMotorVehicleListObject",
            Kind::Ape => "APEListObject",
            Kind::Tollgate => "TollgateListObject",
        }
    }
    /// The list inside a notification, e.g. `FaceObjectList`.
    fn notified(self) -> &'static str {
        match self {
            Kind::Face => "FaceObjectList",
            Kind::Person => "PersonObjectList",
            Kind::Motor => "MotorVehicleObjectList",
            Kind::NonMotor => "NonMotorVehicleObjectList",
            Kind::Ape => "APEObjectList",
            Kind::Tollgate => "TollgateObjectList",
        }
    }
    /// The ID field.
    fn id_field(self) -> &'static str {
        match self {
            Kind::Face => "FaceID",
            Kind::Person => "PersonID",
            Kind::Motor => "MotorVehicleID",
            Kind::NonMotor => "NonMotorVehicleID",
            Kind::Ape => "ApeID",
            Kind::Tollgate => "TollgateID",
        }
    }
    /// The prefix of the Linli id.
    fn id_prefix(self) -> &'static str {
        match self {
            Kind::Face => "gat1400:face:",
            Kind::Person => "gat1400:person:",
            Kind::Motor => "gat1400:motor:",
            Kind::NonMotor => "gat1400:non-motor:",
            Kind::Ape | Kind::Tollgate => "gat1400:",
        }
    }
    /// Capture-time fields, the preferred first, and the end-time field.
    fn times(self) -> (&'static [&'static str], &'static str) {
        match self {
            Kind::Face => (&["FaceAppearTime", "LocationMarkTime"], "FaceDisAppearTime"),
            Kind::Person => (&["PersonAppearTime", "LocationMarkTime"], "PersonDisAppearTime"),
            Kind::Motor => (&["PassTime", "AppearTime", "MarkTime"], "DisappearTime"),
            Kind::NonMotor => (&["AppearTime", "MarkTime"], "DisappearTime"),
            Kind::Ape | Kind::Tollgate => (&[], ""),
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Codes, times and IDs

/// GA 24.8 colour code → Linli plate colour.
const PLATE_COLORS: &[(&str, PlateColor)] = &[
    ("1", PlateColor::Black),
    ("2", PlateColor::White),
    ("5", PlateColor::Blue),
    ("6", PlateColor::Yellow),
    ("9", PlateColor::Green),
];

/// The Linli plate colour of a GA/T 1400 colour code, if it has one.
pub fn plate_color(code: &str) -> Option<PlateColor> {
    PLATE_COLORS.iter().find(|(c, _)| *c == code).map(|(_, p)| *p)
}

/// The GA/T 1400 colour code of a plate colour (`99`, other, when there is none).
pub fn plate_color_code(color: PlateColor) -> &'static str {
    PLATE_COLORS.iter().find(|(_, p)| *p == color).map_or("99", |(c, _)| c)
}

/// A `yyyyMMddHHmmss` time in China Standard Time.
pub fn parse_time(s: &str) -> Option<Timestamp> {
    if s.len() != 14 || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let n = |a: usize, b: usize| s.get(a..b).and_then(|x| x.parse::<u16>().ok());
    let year = i32::from(n(0, 4)?);
    let month = time::Month::try_from(u8::try_from(n(4, 6)?).ok()?).ok()?;
    let day = u8::try_from(n(6, 8)?).ok()?;
    let date = time::Date::from_calendar_date(year, month, day).ok()?;
    let t = time::Time::from_hms(
        u8::try_from(n(8, 10)?).ok()?,
        u8::try_from(n(10, 12)?).ok()?,
        u8::try_from(n(12, 14)?).ok()?,
    )
    .ok()?;
    Some(Timestamp::from_offset_datetime(time::PrimitiveDateTime::new(date, t).assume_offset(CST)))
}

/// A timestamp as `yyyyMMddHHmmss` in China Standard Time, and whether that changed it (another
/// offset, or a fraction of a second dropped).
pub fn format_time(t: &Timestamp) -> (String, bool) {
    let dt = t.as_offset_datetime();
    let cst = dt.to_offset(CST);
    let s = format!(
        "{:04}{:02}{:02}{:02}{:02}{:02}",
        cst.year(),
        u8::from(cst.month()),
        cst.day(),
        cst.hour(),
        cst.minute(),
        cst.second()
    );
    (s, dt.offset() != CST || dt.nanosecond() != 0)
}

fn digits(s: &str) -> bool {
    s.bytes().all(|b| b.is_ascii_digit())
}

/// Whether `s` is a 20-digit device ID.
pub fn is_device_id(s: &str) -> bool {
    s.len() == 20 && digits(s)
}

/// Whether `s` is a 41-character source or image ID: device ID, 2-digit type, 14-digit time,
/// 5-digit serial.
pub fn is_source_id(s: &str) -> bool {
    s.len() == 41 && digits(s) && s.get(..20).is_some_and(is_device_id) && s.get(22..36).and_then(parse_time).is_some()
}

/// Whether `s` is a 48-character object ID: source ID, 2-digit object type, 5-digit serial.
pub fn is_object_id(s: &str) -> bool {
    s.len() == 48 && digits(s) && s.get(..41).is_some_and(is_source_id)
}

// ---------------------------------------------------------------------------------------------
// Reading

fn finding(
    report: &mut LossReport,
    source: String,
    target: Option<String>,
    code: &'static str,
    zh: String,
    en: String,
) {
    report.push(Loss { kind: LossKind::Rejected, source, target, code, message_zh: zh, message_en: en });
}

/// State of one reading.
struct Reader<'a> {
    options: &'a Options,
    report: LossReport,
    records: Records,
    /// Ids of the vehicle Things already produced.
    vehicles: BTreeSet<String>,
}

/// The records of a GA/T 1400 document (upload or notification wrappers), with the loss report;
/// findings are its [`LossKind::Rejected`] entries. Objects that cannot be converted are left
/// out; the others still convert.
pub fn read(doc: &Value, options: &Options) -> (Records, LossReport) {
    let mut r =
        Reader { options, report: LossReport::default(), records: Records::default(), vehicles: BTreeSet::new() };
    let Some(root) = doc.as_object() else {
        let (zh, en) = ("文档必须是 JSON 对象".to_owned(), "the document must be a JSON object".to_owned());
        finding(&mut r.report, String::new(), None, "gat1400-not-object", zh, en);
        return (r.records, r.report);
    };
    for (name, v) in root {
        if let Some(kind) = Kind::ALL.iter().copied().find(|k| k.upload() == name) {
            r.list(kind, v, &format!("/{}", token(name)));
        } else if name == "SubscribeNotificationListObject" {
            r.notifications(v, "/SubscribeNotificationListObject");
        } else {
            let (zh, en) = (format!("未知的 GA/T 1400 对象 `{name}`"), format!("unknown GA/T 1400 wrapper `{name}`"));
            finding(&mut r.report, format!("/{}", token(name)), None, "gat1400-unknown-wrapper", zh, en);
        }
    }
    (r.records, r.report)
}

impl Reader<'_> {
    fn not_object(&mut self, ptr: &str, what: &str) {
        let (zh, en) = (format!("{what} 必须是 JSON 对象"), format!("{what} must be a JSON object"));
        finding(&mut self.report, ptr.to_owned(), None, "gat1400-not-object", zh, en);
    }

    /// A `{"<Kind>Object": [...]}` list at `ptr`.
    fn list(&mut self, kind: Kind, v: &Value, ptr: &str) {
        let items = v.get(kind.object());
        let Some(items) = items.and_then(Value::as_array) else {
            let (zh, en) = (format!("缺少数组 `{}`", kind.object()), format!("missing array `{}`", kind.object()));
            finding(&mut self.report, format!("{ptr}/{}", kind.object()), None, "gat1400-not-object", zh, en);
            return;
        };
        for (i, item) in items.iter().enumerate() {
            let p = format!("{ptr}/{}/{i}", kind.object());
            match item.as_object() {
                Some(obj) => match kind {
                    Kind::Ape | Kind::Tollgate => self.device(kind, obj, &p),
                    _ => self.capture(kind, obj, &p),
                },
                None => self.not_object(&p, kind.object()),
            }
        }
    }

    fn notifications(&mut self, v: &Value, ptr: &str) {
        let Some(items) = v.get("SubscribeNotificationObject").and_then(Value::as_array) else {
            let (zh, en) = (
                "缺少数组 `SubscribeNotificationObject`".to_owned(),
                "missing array `SubscribeNotificationObject`".to_owned(),
            );
            finding(&mut self.report, format!("{ptr}/SubscribeNotificationObject"), None, "gat1400-not-object", zh, en);
            return;
        };
        for (i, n) in items.iter().enumerate() {
            let p = format!("{ptr}/SubscribeNotificationObject/{i}");
            let Some(obj) = n.as_object() else {
                self.not_object(&p, "SubscribeNotificationObject");
                continue;
            };
            for (name, v) in obj {
                if let Some(kind) = Kind::ALL.iter().copied().find(|k| k.notified() == name) {
                    self.list(kind, v, &format!("{p}/{}", token(name)));
                } else {
                    self.report.push(Loss {
                        kind: LossKind::NotRepresentable,
                        source: format!("{p}/{}", token(name)),
                        target: None,
                        code: "gat1400-notification-field",
                        message_zh: format!("通知字段 `{name}` 不属于任何 Linli 记录"),
                        message_en: format!("notification field `{name}` belongs to no Linli record"),
                    });
                }
            }
        }
    }

    fn meta(&self) -> Meta {
        let o = self.options;
        Meta::new(o.vendor.clone(), o.product.clone(), o.received_at, o.classification)
    }

    /// Check an ID field; `Some(id)` when present as a string. A malformed ID gets a finding.
    fn check_id(
        &mut self,
        obj: &Map<String, Value>,
        field: &str,
        shape: fn(&str) -> bool,
        ptr: &str,
    ) -> Option<String> {
        let v = obj.get(field)?;
        let s = v.as_str().map(str::to_owned);
        if !s.as_deref().is_some_and(shape) {
            finding(
                &mut self.report,
                format!("{ptr}/{field}"),
                Some(format!("/extensions/{NAMESPACE}/{field}")),
                "gat1400-bad-id",
                format!("`{field}` 不符合 GA/T 1400 编码规则，原值保存在扩展中"),
                format!("`{field}` does not have the GA/T 1400 shape; kept in extensions"),
            );
        }
        s
    }

    /// A decimal degree from a number or a numeric string.
    fn coordinate(v: Option<&Value>) -> Option<f64> {
        match v? {
            Value::Number(n) => n.as_f64(),
            Value::String(s) => s.trim().parse().ok(),
            _ => None,
        }
    }

    /// `location` from `Longitude` / `Latitude`; both fields are consumed when they convert.
    fn location(&mut self, obj: &Map<String, Value>, ptr: &str, consumed: &mut Vec<&'static str>) -> Option<Point> {
        if obj.get("Longitude").is_none() && obj.get("Latitude").is_none() {
            return None;
        }
        let lng = Self::coordinate(obj.get("Longitude"));
        let lat = Self::coordinate(obj.get("Latitude"));
        match (lng, lat) {
            (Some(lng), Some(lat)) if Point::new(lng, lat).is_ok() => {
                consumed.extend(["Longitude", "Latitude"]);
                Point::new(lng, lat).ok()
            }
            _ => {
                finding(
                    &mut self.report,
                    format!("{ptr}/Latitude"),
                    Some(format!("/extensions/{NAMESPACE}/Latitude")),
                    "gat1400-bad-coordinate",
                    "经纬度缺失或超出范围，原值保存在扩展中".to_owned(),
                    "Longitude/Latitude missing or out of range; kept in extensions".to_owned(),
                );
                None
            }
        }
    }

    /// Everything not consumed goes to `extensions.gat1400`.
    fn keep(&mut self, obj: &Map<String, Value>, consumed: &[&str], ptr: &str) -> linli_model::Extensions {
        let mut ext = Map::new();
        for (name, v) in obj.iter().filter(|(k, _)| !consumed.contains(&k.as_str())) {
            let v = if name == "SubImageList" { strip_data(v) } else { v.clone() };
            ext.insert(name.clone(), v);
            let at = format!("{ptr}/{}", token(name));
            // A rejected value is kept as given and has its one loss entry already [ADP-004].
            if self.report.entries.iter().any(|l| l.kind == LossKind::Rejected && l.source == at) {
                continue;
            }
            self.report.push(Loss {
                kind: LossKind::KeptInExtensions,
                source: at,
                target: Some(format!("/extensions/{NAMESPACE}/{}", token(name))),
                code: "gat1400-field-kept",
                message_zh: format!("GA/T 1400 字段 `{name}` 已保存在扩展 `{NAMESPACE}` 中"),
                message_en: format!("GA/T 1400 field `{name}` kept in extensions `{NAMESPACE}`"),
            });
        }
        let mut out = linli_model::Extensions::default();
        if let (false, Ok(ns)) = (ext.is_empty(), Namespace::new(NAMESPACE)) {
            out.0.insert(ns, ext);
        }
        out
    }

    /// The Linli id of an object: `<prefix><ID>` when that is a valid id.
    fn record_id(&mut self, kind: Kind, raw: Option<&str>, ptr: &str) -> Option<Id> {
        let id = raw.and_then(|r| Id::new(format!("{}{r}", kind.id_prefix())).ok());
        if id.is_none() {
            let field = kind.id_field();
            let (code, zh, en) = match raw {
                None => (
                    "gat1400-missing-id",
                    format!("缺少 `{field}`，对象未转换"),
                    format!("missing `{field}`; object not converted"),
                ),
                Some(_) => (
                    "gat1400-bad-id",
                    format!("`{field}` 无法作为标识，对象未转换"),
                    format!("`{field}` cannot be an id; object not converted"),
                ),
            };
            finding(&mut self.report, format!("{ptr}/{field}"), None, code, zh, en);
        }
        id
    }

    fn device(&mut self, kind: Kind, obj: &Map<String, Value>, ptr: &str) {
        let field = kind.id_field();
        let raw = self.check_id(obj, field, is_device_id, ptr);
        let Some(id) = self.record_id(kind, raw.as_deref(), ptr) else { return };
        let thing_kind = if kind == Kind::Ape { ThingKind::Camera } else { ThingKind::BarrierGate };
        let mut t = Thing::new(id, self.meta(), thing_kind);
        let mut consumed: Vec<&'static str> = Vec::new();
        if let Some(code) = raw.as_deref().and_then(|r| DeviceCode::new(r).ok()) {
            t.device_code = Some(code);
            consumed.push(field);
        }
        let text = |name: &str| obj.get(name).and_then(Value::as_str).and_then(|s| Text::new(s).ok());
        if let Some(name) = text("Name") {
            t.name = Some(name);
            consumed.push("Name");
        }
        if let (Kind::Ape, Some(model)) = (kind, text("Model")) {
            t.model = Some(model);
            consumed.push("Model");
        }
        if kind == Kind::Ape {
            let status = match obj.get("IsOnline").and_then(Value::as_str) {
                Some("1") => Some(ThingStatus::Online),
                Some("2") => Some(ThingStatus::Offline),
                _ => None,
            };
            if status.is_some() {
                t.status = status;
                consumed.push("IsOnline");
            }
        }
        t.location = self.location(obj, ptr, &mut consumed);
        t.extensions = self.keep(obj, &consumed, ptr);
        self.records.things.push(t);
    }

    fn capture(&mut self, kind: Kind, obj: &Map<String, Value>, ptr: &str) {
        let field = kind.id_field();
        let raw = self.check_id(obj, field, is_object_id, ptr);
        if obj.contains_key("SourceID") {
            self.check_id(obj, "SourceID", is_source_id, ptr);
        }
        let device = self.check_id(obj, "DeviceID", is_device_id, ptr);
        let Some(id) = self.record_id(kind, raw.as_deref(), ptr) else { return };
        let mut consumed: Vec<&'static str> = Vec::new();
        if raw.as_deref().is_some_and(is_object_id) {
            consumed.push(field);
        }

        // Capture time.
        let (candidates, end_field) = kind.times();
        let Some(&time_field) = candidates.iter().find(|f| obj.contains_key(**f)) else {
            let (zh, en) = (
                format!("缺少抓拍时间（{}），对象未转换", candidates.join("/")),
                format!("no capture time ({}); object not converted", candidates.join("/")),
            );
            finding(&mut self.report, ptr.to_owned(), None, "gat1400-missing-time", zh, en);
            return;
        };
        let Some(occurred_at) = obj.get(time_field).and_then(Value::as_str).and_then(parse_time) else {
            let (zh, en) = (
                format!("`{time_field}` 不是合法的 yyyyMMddHHmmss 时间，对象未转换"),
                format!("`{time_field}` is not a valid yyyyMMddHHmmss time; object not converted"),
            );
            finding(&mut self.report, format!("{ptr}/{time_field}"), None, "gat1400-bad-time", zh, en);
            return;
        };
        consumed.push(time_field);
        let category = if matches!(kind, Kind::Face | Kind::Person) {
            EventCategory::FaceCapture
        } else {
            EventCategory::VehicleCapture
        };
        let mut e = Event::new(id, self.meta(), category, occurred_at, Severity::Info);
        if let Some(end) = obj.get(end_field) {
            match end.as_str().and_then(parse_time) {
                Some(t) if t.cmp_instant(&occurred_at).is_ge() => {
                    e.ended_at = Some(t);
                    consumed.push(end_field);
                }
                _ => finding(
                    &mut self.report,
                    format!("{ptr}/{end_field}"),
                    Some(format!("/extensions/{NAMESPACE}/{end_field}")),
                    "gat1400-bad-time",
                    format!("`{end_field}` 不是合法时间或早于抓拍时间，原值保存在扩展中"),
                    format!("`{end_field}` is not a valid time or is before the capture; kept in extensions"),
                ),
            }
        }
        // The capturing device: the first 20 characters of DeviceID.
        if let Some(dev) = device.as_deref().and_then(|d| d.get(..20)).filter(|d| is_device_id(d)) {
            if let Ok(tid) = Id::new(format!("gat1400:{dev}")) {
                e.source = Some(Ref::to(tid));
                if device.as_deref().is_some_and(is_device_id) {
                    consumed.push("DeviceID");
                }
            }
        }
        if matches!(kind, Kind::Motor | Kind::NonMotor) {
            self.vehicle(kind, obj, raw.as_deref().unwrap_or_default(), &mut e, &mut consumed);
        }
        self.images(obj, ptr, &mut e);
        e.extensions = self.keep(obj, &consumed, ptr);
        self.records.events.push(e);
    }

    /// The vehicle Thing of a vehicle capture, as the event's subject.
    fn vehicle(
        &mut self,
        kind: Kind,
        obj: &Map<String, Value>,
        object_id: &str,
        e: &mut Event,
        consumed: &mut Vec<&'static str>,
    ) {
        let no_plate = obj.get("HasPlate").and_then(Value::as_str) == Some("0");
        let plate = obj.get("PlateNo").and_then(Value::as_str).and_then(|s| Text::new(s).ok()).filter(|_| !no_plate);
        let id = match &plate {
            Some(p) => {
                let hash = hex(&sha2::Sha256::digest(p.as_str().as_bytes()));
                Id::new(format!("gat1400:plate:{}", hash.get(..16).unwrap_or_default()))
            }
            None => Id::new(format!("gat1400:vehicle:{object_id}")),
        };
        let Ok(id) = id else { return };
        if let Ok(r) = Ref::new(linli_model::RecordType::Thing, id.clone()) {
            e.subjects.push(r);
        }
        let color_code = obj.get("PlateColor").and_then(Value::as_str);
        let color = color_code.map(|c| plate_color(c).unwrap_or(PlateColor::Other));
        if plate.is_some() {
            consumed.push("PlateNo");
        }
        // An unknown colour code becomes `other`; the code itself stays in extensions.
        if color.is_some_and(|c| c != PlateColor::Other) {
            consumed.push("PlateColor");
        }
        if !self.vehicles.insert(id.as_str().to_owned()) {
            return;
        }
        let thing_kind = if kind == Kind::Motor { ThingKind::MotorVehicle } else { ThingKind::NonMotorVehicle };
        let mut t = Thing::new(id, self.meta(), thing_kind);
        if plate.is_some() || color.is_some() {
            t.vehicle = Some(Vehicle { plate_number: plate, plate_color: color });
        }
        self.records.things.push(t);
    }

    /// Media references for `SubImageList.SubImageInfoObject[]`.
    fn images(&mut self, obj: &Map<String, Value>, ptr: &str, e: &mut Event) {
        let list = obj.get("SubImageList").and_then(|l| l.get("SubImageInfoObject")).and_then(Value::as_array);
        for (j, img) in list.into_iter().flatten().enumerate() {
            let p = format!("{ptr}/SubImageList/SubImageInfoObject/{j}");
            let image_id = img.get("ImageID").and_then(Value::as_str);
            if img.get("ImageID").is_some() && !image_id.is_some_and(is_source_id) {
                let (zh, en) = (
                    "`ImageID` 不符合 GA/T 1400 编码规则".to_owned(),
                    "`ImageID` does not have the GA/T 1400 shape".to_owned(),
                );
                finding(&mut self.report, format!("{p}/ImageID"), None, "gat1400-bad-id", zh, en);
            }
            let Some(data) = img.get("Data") else { continue };
            let compact: String = data.as_str().unwrap_or("!").chars().filter(|c| !c.is_ascii_whitespace()).collect();
            let Ok(bytes) = base64::engine::general_purpose::STANDARD.decode(compact.as_bytes()) else {
                let (zh, en) = ("图片数据不是合法的 base64".to_owned(), "image Data is not valid base64".to_owned());
                finding(&mut self.report, format!("{p}/Data"), None, "gat1400-bad-base64", zh, en);
                continue;
            };
            let sha = hex(&sha2::Sha256::digest(&bytes));
            let uri = match image_id.filter(|i| Uri::new(format!("urn:gat1400:image:{i}")).is_ok()) {
                Some(i) => format!("urn:gat1400:image:{i}"),
                None => format!("urn:gat1400:image:sha256:{sha}"),
            };
            let format = img.get("FileFormat").and_then(Value::as_str).unwrap_or("Jpeg");
            let media = (Uri::new(uri), Sha256::new(sha), MediaType::new(media_type(format)));
            if let (Ok(uri), Ok(sha256), Ok(media_type)) = media {
                e.media.push(Media { uri, sha256, media_type });
                self.report.push(Loss {
                    kind: LossKind::NotRepresentable,
                    source: format!("{p}/Data"),
                    target: Some(format!("/media/{}", e.media.len().saturating_sub(1))),
                    code: "gat1400-image-by-reference",
                    message_zh: "图片数据不复制进记录，仅保留引用和 SHA-256 摘要".to_owned(),
                    message_en: "image bytes are not copied into the record; kept by reference with a SHA-256 digest"
                        .to_owned(),
                });
            }
        }
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The media type of a GA/T 1400 `FileFormat`.
fn media_type(format: &str) -> &'static str {
    match format.to_ascii_lowercase().as_str() {
        "jpeg" | "jpg" => "image/jpeg",
        "png" => "image/png",
        "bmp" => "image/bmp",
        "gif" => "image/gif",
        "tiff" | "tif" => "image/tiff",
        _ => "application/octet-stream",
    }
}

/// The `FileFormat` of a media type.
fn file_format(media_type: &str) -> &'static str {
    match media_type {
        "image/png" => "Png",
        "image/bmp" => "Bmp",
        "image/gif" => "Gif",
        "image/tiff" => "Tiff",
        _ => "Jpeg",
    }
}

/// `SubImageList` without the image bytes.
fn strip_data(v: &Value) -> Value {
    let mut v = v.clone();
    if let Some(list) = v.get_mut("SubImageInfoObject").and_then(Value::as_array_mut) {
        for img in list.iter_mut().filter_map(Value::as_object_mut) {
            img.remove("Data");
        }
    }
    v
}

// ---------------------------------------------------------------------------------------------
// Writing

fn lost(report: &mut LossReport, source: String, code: &'static str, zh: String, en: String) {
    report.push(Loss { kind: LossKind::NotRepresentable, source, target: None, code, message_zh: zh, message_en: en });
}

fn kept_fields(ext: &linli_model::Extensions) -> Map<String, Value> {
    ext.0.iter().find(|(ns, _)| ns.as_str() == NAMESPACE).map(|(_, m)| m.clone()).unwrap_or_default()
}

fn other_namespaces(ext: &linli_model::Extensions, base: &str, report: &mut LossReport) {
    for ns in ext.0.keys().filter(|ns| ns.as_str() != NAMESPACE) {
        let (zh, en) =
            ("GA/T 1400 无法表示其他厂商扩展".to_owned(), "GA/T 1400 cannot hold other vendor extensions".to_owned());
        lost(report, format!("{base}/extensions/{}", token(ns.as_str())), "gat1400-not-representable", zh, en);
    }
}

fn strip_prefix<'a>(id: &'a str, prefix: &str) -> &'a str {
    id.strip_prefix(prefix).unwrap_or(id)
}

/// The GA/T 1400 upload document of some Things and Events: `APEListObject`,
/// `TollgateListObject`, `FaceListObject`, `PersonListObject`, `MotorVehicleListObject` and
/// `NonMotorVehicleListObject` (only those that have objects). Loss `source` pointers are
/// `/things/<i>/…` and `/events/<i>/…` (indexes into `things` and `events`; `convert::write`
/// turns them into pointers into the records it was given).
pub fn write(things: &[Thing], events: &[Event]) -> (Value, LossReport) {
    let mut report = LossReport::default();
    let mut lists: Vec<(Kind, Vec<Value>)> = Kind::ALL.iter().map(|k| (*k, Vec::new())).collect();
    let mut push = |kind: Kind, v: Value| {
        if let Some((_, l)) = lists.iter_mut().find(|(k, _)| *k == kind) {
            l.push(v);
        }
    };
    let mut referenced: BTreeSet<&str> = BTreeSet::new();
    for (i, e) in events.iter().enumerate() {
        let base = format!("/events/{i}");
        if let Some((kind, obj)) = write_event(e, things, &base, &mut report) {
            referenced.extend(e.subjects.iter().map(|s| s.id.as_str()));
            push(kind, obj);
        }
    }
    for (i, t) in things.iter().enumerate() {
        let base = format!("/things/{i}");
        match t.kind {
            ThingKind::Camera => push(Kind::Ape, write_device(Kind::Ape, t, &base, &mut report)),
            ThingKind::BarrierGate => push(Kind::Tollgate, write_device(Kind::Tollgate, t, &base, &mut report)),
            ThingKind::MotorVehicle | ThingKind::NonMotorVehicle if referenced.contains(t.id.as_str()) => {}
            k => lost(
                &mut report,
                base,
                "gat1400-thing-kind",
                format!("GA/T 1400 上传对象无法表示物品类型 {}", k.code()),
                format!("no GA/T 1400 upload object holds a thing of kind {}", k.code()),
            ),
        }
    }
    let mut doc = Map::new();
    for (kind, list) in lists.into_iter().filter(|(_, l)| !l.is_empty()) {
        let mut inner = Map::new();
        inner.insert(kind.object().into(), Value::Array(list));
        doc.insert(kind.upload().into(), Value::Object(inner));
    }
    (Value::Object(doc), report)
}

fn write_device(kind: Kind, t: &Thing, base: &str, report: &mut LossReport) -> Value {
    let mut obj = kept_fields(&t.extensions);
    let code = t
        .device_code
        .as_ref()
        .map_or_else(|| strip_prefix(t.id.as_str(), "gat1400:").to_owned(), |c| c.as_str().to_owned());
    if !is_device_id(&code) {
        let (zh, en) = ("没有 20 位国标设备编码".to_owned(), "no 20-digit national device code".to_owned());
        report.push(Loss {
            kind: LossKind::Normalised,
            source: format!("{base}/id"),
            target: None,
            code: "gat1400-no-device-code",
            message_zh: zh,
            message_en: en,
        });
    }
    obj.insert(kind.id_field().into(), code.as_str().into());
    if let Some(n) = &t.name {
        obj.insert("Name".into(), n.as_str().into());
    }
    if let Some(p) = &t.location {
        obj.insert("Longitude".into(), p.coordinates.lng.into());
        obj.insert("Latitude".into(), p.coordinates.lat.into());
    }
    // Reading the object back gives the id `gat1400:<device ID>` and GA/T 1400's own `meta`.
    let mut missing: Vec<(&str, bool)> = vec![
        ("/id", t.id.as_str() != format!("gat1400:{code}")),
        ("/meta", true),
        ("/manufacturer", t.manufacturer.is_some()),
        ("/serialNumber", t.serial_number.is_some()),
        ("/firmwareVersion", t.firmware_version.is_some()),
        ("/place", t.place.is_some()),
        ("/owner", t.owner.is_some()),
        ("/operator", t.operator.is_some()),
        ("/installDate", t.install_date.is_some()),
    ];
    if kind == Kind::Ape {
        if let Some(m) = &t.model {
            obj.insert("Model".into(), m.as_str().into());
        }
        let online = match t.status {
            Some(ThingStatus::Online) => Some("1"),
            Some(ThingStatus::Offline) => Some("2"),
            Some(_) => {
                missing.push(("/status", true));
                None
            }
            None => None,
        };
        if let Some(v) = online {
            obj.insert("IsOnline".into(), v.into());
        }
    } else {
        missing.push(("/model", t.model.is_some()));
        missing.push(("/status", t.status.is_some()));
    }
    for (member, _) in missing.into_iter().filter(|(_, p)| *p) {
        let (zh, en) =
            (format!("{} 无法表示 {member}", kind.object()), format!("{} cannot hold {member}", kind.object()));
        lost(report, format!("{base}{member}"), "gat1400-not-representable", zh, en);
    }
    other_namespaces(&t.extensions, base, report);
    Value::Object(obj)
}

fn write_event(e: &Event, things: &[Thing], base: &str, report: &mut LossReport) -> Option<(Kind, Value)> {
    let id = e.id.as_str();
    let subject = e.subjects.iter().find_map(|s| things.iter().find(|t| t.id == s.id));
    let kind = match e.category {
        EventCategory::FaceCapture if id.starts_with(Kind::Person.id_prefix()) => Kind::Person,
        EventCategory::FaceCapture => Kind::Face,
        EventCategory::VehicleCapture
            if id.starts_with(Kind::NonMotor.id_prefix())
                || subject.is_some_and(|t| t.kind == ThingKind::NonMotorVehicle) =>
        {
            Kind::NonMotor
        }
        EventCategory::VehicleCapture => Kind::Motor,
        c => {
            lost(
                report,
                base.to_owned(),
                "gat1400-event-category",
                format!("GA/T 1400 上传对象无法表示事件类别 {}", c.code()),
                format!("no GA/T 1400 upload object holds an event of category {}", c.code()),
            );
            return None;
        }
    };
    let mut obj = kept_fields(&e.extensions);
    obj.insert(kind.id_field().into(), strip_prefix(id, kind.id_prefix()).into());
    if let Some(src) = &e.source {
        obj.insert("DeviceID".into(), strip_prefix(src.id.as_str(), "gat1400:").into());
    }
    let (times, end_field) = kind.times();
    let time_field = times.first().copied().unwrap_or("LocationMarkTime");
    for (field, t, member) in
        [(time_field, Some(&e.occurred_at), "/occurredAt"), (end_field, e.ended_at.as_ref(), "/endedAt")]
    {
        let Some(t) = t else { continue };
        let (s, changed) = format_time(t);
        if changed {
            report.push(Loss {
                kind: LossKind::Normalised,
                source: format!("{base}{member}"),
                target: Some(format!("/{}/{}/{field}", kind.upload(), kind.object())),
                code: "gat1400-time-to-cst",
                message_zh: format!("时间 {t} 转为北京时间 {s}（精确到秒）"),
                message_en: format!("time {t} converted to China Standard Time {s} (whole seconds)"),
            });
        }
        obj.insert(field.into(), s.into());
    }
    if let Some(v) = subject.and_then(|t| t.vehicle.as_ref()) {
        if let Some(p) = &v.plate_number {
            obj.insert("PlateNo".into(), p.as_str().into());
            obj.insert("HasPlate".into(), "1".into());
        }
        if let Some(c) = v.plate_color {
            if !(c == PlateColor::Other && obj.contains_key("PlateColor")) {
                obj.insert("PlateColor".into(), plate_color_code(c).into());
            }
            if plate_color(plate_color_code(c)) != Some(c) && c != PlateColor::Other {
                let (zh, en) = (
                    format!("号牌颜色 {} 在 GA/T 1400 中记为其他（99）", c.code()),
                    format!("plate colour {} written as other (99)", c.code()),
                );
                report.push(Loss {
                    kind: LossKind::Normalised,
                    source: format!("{base}/subjects"),
                    target: None,
                    code: "gat1400-plate-color",
                    message_zh: zh,
                    message_en: en,
                });
            }
        }
    }
    if !e.media.is_empty() {
        if !obj.contains_key("SubImageList") {
            let images: Vec<Value> = e
                .media
                .iter()
                .map(|m| {
                    let mut img = Map::new();
                    let uri = m.uri.as_str();
                    img.insert("ImageID".into(), strip_prefix(uri, "urn:gat1400:image:").into());
                    img.insert("FileFormat".into(), file_format(m.media_type.as_str()).into());
                    Value::Object(img)
                })
                .collect();
            let mut list = Map::new();
            list.insert("SubImageInfoObject".into(), Value::Array(images));
            obj.insert("SubImageList".into(), Value::Object(list));
        }
        let (zh, en) = (
            "图片数据无法还原（记录中只有引用和摘要）".to_owned(),
            "image data cannot be restored (the record holds only references and digests)".to_owned(),
        );
        lost(report, format!("{base}/media"), "gat1400-image-data-not-restorable", zh, en);
    }
    let subjects_lost = e.subjects.iter().any(|s| subject.is_none_or(|t| t.id != s.id));
    let missing = [
        // Reading the object back gives the id `<prefix><object ID>`.
        ("/id", !id.starts_with(kind.id_prefix())),
        ("/meta", true),
        ("/severity", true),
        ("/place", e.place.is_some()),
        ("/location", e.location.is_some()),
        ("/description", e.description.is_some()),
        ("/measurements", !e.measurements.is_empty()),
        ("/case", e.case.is_some()),
        ("/subjects", subjects_lost),
    ];
    for (member, _) in missing.into_iter().filter(|(_, p)| *p) {
        let (zh, en) =
            (format!("{} 无法表示 {member}", kind.object()), format!("{} cannot hold {member}", kind.object()));
        lost(report, format!("{base}{member}"), "gat1400-not-representable", zh, en);
    }
    other_namespaces(&e.extensions, base, report);
    Some((kind, Value::Object(obj)))
}
