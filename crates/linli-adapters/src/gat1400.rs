//! GA/T 1400 (公安视频图像信息应用系统, 视图库) JSON: captures and capture devices ⇄ [`Event`]s
//! and [`Thing`]s.
//!
//! # Reading
//!
//! [`read()`] follows `spec/18-adapters.md` section 18.5 ([ADP-040]–[ADP-043], Tables 18-10 to
//! 18-10c): the upload wrappers (`FaceListObject`, `PersonListObject`,
//! `MotorVehicleListObject`, `NonMotorVehicleListObject`, `APEListObject` / `DeviceList`,
//! `TollgateListObject`), the notification wrapper `SubscribeNotificationListObject`, and the
//! smart-community extension (`/VIID/Community/*`: `PersonInfoListObject` → Person,
//! `CarInfoList` → vehicle Thing with its owner, `DoorDeviceListObject` / `DoorInfoListObject` →
//! `device.access-gate`, `AccessRecordListObject` → `access.pass` / `access.denied` Events).
//! Names are matched exactly, else without regard to ASCII case (Java and Go platforms write
//! `faceListObject`, `deviceID`).
//!
//! What platforms actually send is read by the shared rules of [`crate::rules`]: `null` and `""`
//! are absent (`gat1400-null-absent`, so `FaceAppearTime` → `LocationMarkTime` → `ShotTime` →
//! the image's `ShotTime` fall-backs are taken); every time form (`yyyyMMddHHmmss[SSS]`,
//! `yyyy-MM-dd HH:mm:ss`, epoch milliseconds) with China Standard Time for a time without zone
//! (`gat1400-time-zone-assumed`); `0,0` is unknown; `Longitude` / `Latitude` in the declared
//! datum. Images with base64 `Data` are referenced by `urn:gat1400:image:<ImageID>` and the
//! digest of the bytes; images given only by `StoragePath` or a URL member are media without
//! digest ([EVT-009]); the bytes are never copied ([ADP-041]). Names, identity numbers and
//! telephone numbers are carried only in Person members that mark them, never in extensions
//! ([ADP-042]), and no message quotes them. Everything else is kept in `extensions.gat1400`.
//!
//! Problems are [`LossKind::Rejected`] entries with a JSON pointer and a stable code (the
//! `gat1400-*` codes of [`crate::codes`]); a malformed ID (`DeviceID` `"11111"`, a 33-character
//! `FaceID`) is a finding but the object converts when its id is a usable Linli id, the raw ID
//! kept in extensions.
//!
//! # Writing
//!
//! [`write()`] turns `capture.face` and `capture.vehicle` events and camera / barrier-gate
//! Things back into the upload wrappers: ids, `DeviceID`, times (in `+08:00`; another offset or
//! a fraction of a second is [`LossKind::Normalised`]), plates from the subject vehicle Thing,
//! images from `extensions.gat1400.SubImageList` (or the media references). Image data cannot
//! be restored ([`LossKind::NotRepresentable`]), nor can Linli members GA/T 1400 has no field
//! for.

use crate::codes::Code;
use crate::loss::token;
use std::collections::{BTreeMap, BTreeSet};

use base64::Engine;
use linli_model::check::id_number;
use linli_model::codes::{
    CodeTable, DataClassification, EventCategory, Gender, IdentifierScheme, PlateColor, Severity, ThingKind,
    ThingStatus,
};
use linli_model::datetime::Date;
use linli_model::datetime::Timestamp;
use linli_model::event::Media;
use linli_model::geo::Point;
use linli_model::reference::Ref;
use linli_model::text::{CountryCode, DeviceCode, Id, MediaType, Namespace, PhoneNumber, Sha256, Text, Uri};
use linli_model::thing::Vehicle;
use linli_model::{Event, Meta, Person, Thing};
use serde_json::{Map, Value};
use sha2::Digest;

use crate::coords::Datum;
use crate::rules::{self, ZoneRule};
use crate::{Loss, LossKind, LossReport};

/// The extension namespace GA/T 1400 fields are kept under.
pub const NAMESPACE: &str = "gat1400";
/// China Standard Time, the zone of GA/T 1400 times without one.
const CST: time::UtcOffset = rules::CST;

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
    /// The datum of `Longitude` / `Latitude` (platforms often use GCJ-02 or BD-09) [ADP-070].
    pub datum: Datum,
}

impl Options {
    /// Options for data from `vendor` / `product` received at `received_at`.
    pub fn new(vendor: Text, product: Text, received_at: Timestamp) -> Self {
        Options { vendor, product, received_at, classification: DataClassification::Restricted, datum: Datum::Wgs84 }
    }
}

/// The records of a GA/T 1400 document.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Records {
    /// Capture devices, checkpoints and captured vehicles.
    pub things: Vec<Thing>,
    /// Residents of the community person register and owners of registered vehicles.
    pub persons: Vec<Person>,
    /// Captures and access passages.
    pub events: Vec<Event>,
    /// Where each Thing was read from: the JSON pointer of its object (of the capture, for a
    /// captured vehicle), parallel to `things`.
    pub thing_at: Vec<String>,
    /// Where each Person was read from, parallel to `persons`.
    pub person_at: Vec<String>,
    /// Where each Event was read from, parallel to `events`.
    pub event_at: Vec<String>,
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
            Kind::Face => (&["FaceAppearTime", "LocationMarkTime", "ShotTime"], "FaceDisAppearTime"),
            Kind::Person => (&["PersonAppearTime", "LocationMarkTime", "ShotTime"], "PersonDisAppearTime"),
            Kind::Motor => (&["PassTime", "AppearTime", "MarkTime", "ShotTime"], "DisappearTime"),
            Kind::NonMotor => (&["AppearTime", "MarkTime", "ShotTime"], "DisappearTime"),
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

/// A `yyyyMMddHHmmss` time (exactly 14 digits) in China Standard Time, as IDs embed it.
pub fn parse_time(s: &str) -> Option<Timestamp> {
    if s.len() != 14 || !digits(s) {
        return None;
    }
    rules::read_time_str(s, ZoneRule::ChinaStandardTime).map(|t| t.at)
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

fn finding(report: &mut LossReport, source: String, target: Option<String>, code: Code, zh: String, en: String) {
    report.push(Loss { kind: LossKind::Rejected, source, target, code, message_zh: zh, message_en: en });
}

fn note(
    report: &mut LossReport,
    kind: LossKind,
    source: String,
    target: Option<String>,
    code: Code,
    zh: String,
    en: String,
) {
    report.push(Loss { kind, source, target, code, message_zh: zh, message_en: en });
}

/// The kinds of objects read, the capture and device objects of [`Kind`] and the
/// smart-community extension (`/VIID/Community/*`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ReadKind {
    /// An object of the base standard.
    Base(Kind),
    /// `PersonInfoObject`: a resident of the person register.
    Resident,
    /// `CarInfo`: a vehicle of the vehicle register.
    CarInfo,
    /// `DoorDeviceObject`: an access controller.
    DoorDevice,
    /// `DoorInfoObject`: a door (access point).
    DoorInfo,
    /// `AccessRecordObject`: one passage through a door.
    Access,
}

impl ReadKind {
    const ALL: [ReadKind; 11] = [
        ReadKind::Base(Kind::Face),
        ReadKind::Base(Kind::Person),
        ReadKind::Base(Kind::Motor),
        ReadKind::Base(Kind::NonMotor),
        ReadKind::Base(Kind::Ape),
        ReadKind::Base(Kind::Tollgate),
        ReadKind::Resident,
        ReadKind::CarInfo,
        ReadKind::DoorDevice,
        ReadKind::DoorInfo,
        ReadKind::Access,
    ];

    /// Upload wrapper names (compared without regard to ASCII case).
    fn wrappers(self) -> &'static [&'static str] {
        match self {
            ReadKind::Base(Kind::Face) => &["FaceListObject", "FaceList"],
            ReadKind::Base(Kind::Person) => &["PersonListObject", "PersonList"],
            ReadKind::Base(Kind::Motor) => &["MotorVehicleListObject", "MotorVehicleList"],
            ReadKind::Base(Kind::NonMotor) => &["NonMotorVehicleListObject", "NonMotorVehicleList"],
            ReadKind::Base(Kind::Ape) => &["APEListObject", "APEList", "DeviceListObject", "DeviceList"],
            ReadKind::Base(Kind::Tollgate) => &["TollgateListObject", "TollgateList"],
            ReadKind::Resident => {
                &["PersonInfoListObject", "PersonInfoList", "CommunityPersonListObject", "CommunityPersonList"]
            }
            ReadKind::CarInfo => &["CarInfoListObject", "CarInfoList"],
            ReadKind::DoorDevice => &["DoorDeviceListObject", "DoorDeviceList"],
            ReadKind::DoorInfo => &["DoorInfoListObject", "DoorInfoList"],
            ReadKind::Access => &["AccessRecordListObject", "AccessRecordList"],
        }
    }

    /// The array member inside the wrapper.
    fn items(self) -> &'static [&'static str] {
        match self {
            ReadKind::Base(Kind::Ape) => &["APEObject", "APE", "DeviceObject", "Device"],
            ReadKind::Base(k) => match k {
                Kind::Face => &["FaceObject", "Face"],
                Kind::Person => &["PersonObject", "Person"],
                Kind::Motor => &["MotorVehicleObject", "MotorVehicle"],
                Kind::NonMotor => &["NonMotorVehicleObject", "NonMotorVehicle"],
                _ => &["TollgateObject", "Tollgate"],
            },
            ReadKind::Resident => &["PersonInfoObject", "PersonInfo", "CommunityPersonObject", "CommunityPerson"],
            ReadKind::CarInfo => &["CarInfo", "CarInfoObject"],
            ReadKind::DoorDevice => &["DoorDeviceObject", "DoorDevice"],
            ReadKind::DoorInfo => &["DoorInfoObject", "DoorInfo"],
            ReadKind::Access => &["AccessRecordObject", "AccessRecord"],
        }
    }

    /// The list member of a `SubscribeNotificationObject`.
    fn notified(self) -> &'static [&'static str] {
        match self {
            ReadKind::Base(Kind::Face) => &["FaceObjectList"],
            ReadKind::Base(Kind::Person) => &["PersonObjectList"],
            ReadKind::Base(Kind::Motor) => &["MotorVehicleObjectList"],
            ReadKind::Base(Kind::NonMotor) => &["NonMotorVehicleObjectList"],
            ReadKind::Base(Kind::Ape) => &["APEObjectList", "DeviceList"],
            ReadKind::Base(Kind::Tollgate) => &["TollgateObjectList"],
            ReadKind::Resident => &["PersonInfoObjectList"],
            ReadKind::CarInfo => &["CarInfoObjectList"],
            ReadKind::DoorDevice => &["DoorDeviceObjectList"],
            ReadKind::DoorInfo => &["DoorInfoObjectList"],
            ReadKind::Access => &["AccessRecordObjectList"],
        }
    }

    /// The object name used in messages.
    fn object(self) -> &'static str {
        self.items().first().copied().unwrap_or("object")
    }

    /// Fields holding values about a person that no member of the record produced marks:
    /// never kept in extensions [ADP-042].
    fn sensitive(self) -> &'static [&'static str] {
        match self {
            ReadKind::Base(Kind::Face | Kind::Person | Kind::Motor | Kind::NonMotor) => &[
                "Name",
                "UsedName",
                "Alias",
                "IDNumber",
                "Phone",
                "OwnerName",
                "OwnerIDNumber",
                "OwnerPhone",
                "DriverName",
                "DriverIDNumber",
            ],
            ReadKind::Resident => &["UsedName", "Alias"],
            ReadKind::Access => &["Name", "PersonName", "IDNumber", "CredentialNo", "Phone", "PhoneNo", "CardNo"],
            _ => &[],
        }
    }
}

fn same(a: &str, b: &str) -> bool {
    a.eq_ignore_ascii_case(b)
}

/// The members of one object, without those that count as absent ([`rules::is_absent`]); names
/// are looked up exactly, then without regard to ASCII case (platforms write `deviceID`,
/// `faceAppearTime`).
struct Fields<'a> {
    members: Vec<(&'a str, &'a Value)>,
}

impl<'a> Fields<'a> {
    fn get(&self, name: &str) -> Option<&'a Value> {
        self.entry(name).map(|(_, v)| v)
    }
    fn key(&self, name: &str) -> Option<&'a str> {
        self.entry(name).map(|(k, _)| k)
    }
    fn entry(&self, name: &str) -> Option<(&'a str, &'a Value)> {
        self.members
            .iter()
            .find(|(k, _)| *k == name)
            .or_else(|| self.members.iter().find(|(k, _)| same(k, name)))
            .copied()
    }
    /// A string member, or a number written as digits (platforms write both).
    fn text(&self, name: &str) -> Option<String> {
        match self.get(name)? {
            Value::String(s) => Some(s.trim().to_owned()),
            Value::Number(n) => Some(n.to_string()),
            _ => None,
        }
    }
    /// The first of `names` present, with its value.
    fn first(&self, names: &[&str]) -> Option<(&'a str, &'a Value)> {
        names.iter().find_map(|n| self.entry(n))
    }
}

/// No images.
static EMPTY: Vec<Value> = Vec::new();

/// State of one reading.
struct Reader<'a> {
    options: &'a Options,
    report: LossReport,
    records: Records,
    /// Ids of the vehicle Things already produced, with their index in `records.things`.
    vehicles: BTreeMap<String, usize>,
    /// The JSON pointer of the object being read.
    at: String,
}

/// The records of a GA/T 1400 document (upload or notification wrappers, and the
/// smart-community extension), with the loss report; findings are its [`LossKind::Rejected`]
/// entries. Objects that cannot be converted are left out; the others still convert.
pub fn read(doc: &Value, options: &Options) -> (Records, LossReport) {
    let mut r = Reader {
        options,
        report: LossReport::default(),
        records: Records::default(),
        vehicles: BTreeMap::new(),
        at: String::new(),
    };
    let Some(root) = doc.as_object() else {
        let (zh, en) = ("文档必须是 JSON 对象".to_owned(), "the document must be a JSON object".to_owned());
        finding(&mut r.report, String::new(), None, Code::Gat1400NotObject, zh, en);
        return (r.records, r.report);
    };
    for (name, v) in root {
        let p = format!("/{}", token(name));
        if let Some(kind) = ReadKind::ALL.iter().copied().find(|k| k.wrappers().iter().any(|w| same(w, name))) {
            r.list(kind, v, &p);
        } else if same(name, "SubscribeNotificationListObject") || same(name, "SubscribeNotificationList") {
            r.notifications(v, &p);
        } else {
            let (zh, en) = (
                format!("未知的 GA/T 1400 包装对象 `{name}`，其内容未转换"),
                format!("unknown GA/T 1400 wrapper `{name}`; its content is not converted"),
            );
            finding(&mut r.report, p, None, Code::Gat1400UnknownWrapper, zh, en);
        }
    }
    (r.records, r.report)
}

impl Reader<'_> {
    fn not_object(&mut self, ptr: &str, what: &str) {
        let (zh, en) = (format!("{what} 必须是 JSON 对象"), format!("{what} must be a JSON object"));
        finding(&mut self.report, ptr.to_owned(), None, Code::Gat1400NotObject, zh, en);
    }

    /// A wrapper `{"<Kind>Object": [...]}` (or the array itself) at `ptr`.
    fn list(&mut self, kind: ReadKind, v: &Value, ptr: &str) {
        let (items, base): (Vec<&Value>, String) = match v {
            Value::Array(a) => (a.iter().collect(), ptr.to_owned()),
            Value::Object(o) => match o.iter().find(|(k, _)| kind.items().iter().any(|n| same(n, k))) {
                Some((k, Value::Array(a))) => (a.iter().collect(), format!("{ptr}/{}", token(k))),
                Some((k, one @ Value::Object(_))) => {
                    let p = format!("{ptr}/{}", token(k));
                    self.object(kind, one, &p);
                    return;
                }
                _ => {
                    let obj = kind.object();
                    let (zh, en) = (format!("缺少数组 `{obj}`"), format!("missing array `{obj}`"));
                    finding(&mut self.report, format!("{ptr}/{obj}"), None, Code::Gat1400NotObject, zh, en);
                    return;
                }
            },
            _ => {
                self.not_object(ptr, kind.wrappers().first().copied().unwrap_or("wrapper"));
                return;
            }
        };
        for (i, item) in items.into_iter().enumerate() {
            self.object(kind, item, &format!("{base}/{i}"));
        }
    }

    fn object(&mut self, kind: ReadKind, item: &Value, p: &str) {
        p.clone_into(&mut self.at);
        let Some(obj) = item.as_object() else {
            self.not_object(p, kind.object());
            return;
        };
        let f = self.fields(obj, p);
        match kind {
            ReadKind::Base(k @ (Kind::Ape | Kind::Tollgate)) => self.device(k, &f, p),
            ReadKind::Base(k) => self.capture(k, &f, p),
            ReadKind::Resident => self.resident(&f, p),
            ReadKind::CarInfo => self.car(&f, p),
            ReadKind::DoorDevice | ReadKind::DoorInfo => self.door(kind, &f, p),
            ReadKind::Access => self.access(&f, p),
        }
    }

    fn notifications(&mut self, v: &Value, ptr: &str) {
        let items = v
            .as_object()
            .and_then(|o| o.iter().find(|(k, _)| same(k, "SubscribeNotificationObject")).map(|(k, v)| (k.clone(), v)));
        let Some((key, Value::Array(items))) = items else {
            let (zh, en) = (
                "缺少数组 `SubscribeNotificationObject`".to_owned(),
                "missing array `SubscribeNotificationObject`".to_owned(),
            );
            finding(
                &mut self.report,
                format!("{ptr}/SubscribeNotificationObject"),
                None,
                Code::Gat1400NotObject,
                zh,
                en,
            );
            return;
        };
        for (i, n) in items.iter().enumerate() {
            let p = format!("{ptr}/{}/{i}", token(&key));
            let Some(obj) = n.as_object() else {
                self.not_object(&p, "SubscribeNotificationObject");
                continue;
            };
            for (name, v) in obj {
                if rules::is_absent(v) {
                    self.absent(&format!("{p}/{}", token(name)), name);
                } else if let Some(kind) =
                    ReadKind::ALL.iter().copied().find(|k| k.notified().iter().any(|w| same(w, name)))
                {
                    self.list(kind, v, &format!("{p}/{}", token(name)));
                } else {
                    note(
                        &mut self.report,
                        LossKind::NotRepresentable,
                        format!("{p}/{}", token(name)),
                        None,
                        Code::Gat1400NotificationField,
                        format!("通知字段 `{name}` 不属于任何 Linli 记录"),
                        format!("notification field `{name}` belongs to no Linli record"),
                    );
                }
            }
        }
    }

    fn absent(&mut self, at: &str, name: &str) {
        note(
            &mut self.report,
            LossKind::Normalised,
            at.to_owned(),
            None,
            Code::Gat1400NullAbsent,
            format!("字段 `{name}` 为 null 或空字符串，按缺失处理"),
            format!("field `{name}` is null or empty and is read as absent"),
        );
    }

    /// The members of `obj` that are present; each absent one reported [ADP-074].
    fn fields<'o>(&mut self, obj: &'o Map<String, Value>, ptr: &str) -> Fields<'o> {
        let mut members = Vec::new();
        for (k, v) in obj {
            if rules::is_absent(v) {
                self.absent(&format!("{ptr}/{}", token(k)), k);
            } else {
                members.push((k.as_str(), v));
            }
        }
        Fields { members }
    }

    fn meta(&self) -> Meta {
        let o = self.options;
        Meta::new(o.vendor.clone(), o.product.clone(), o.received_at, o.classification)
    }

    /// Check an ID field; `Some(id)` when present. A malformed ID gets a finding.
    fn check_id(&mut self, f: &Fields<'_>, field: &str, shape: fn(&str) -> bool, ptr: &str) -> Option<String> {
        let key = f.key(field)?;
        let s = f.text(field);
        if !s.as_deref().is_some_and(shape) {
            finding(
                &mut self.report,
                format!("{ptr}/{}", token(key)),
                Some(format!("/extensions/{NAMESPACE}/{}", token(key))),
                Code::Gat1400BadId,
                format!("`{key}` 不符合 GA/T 1400 编码规则，原值保存在扩展中"),
                format!("`{key}` does not have the GA/T 1400 shape; kept in extensions"),
            );
        }
        s
    }

    /// `location` from `Longitude` / `Latitude` in the declared datum [ADP-070], [ADP-073];
    /// both fields are consumed unless they are out of range.
    fn location(&mut self, f: &Fields<'_>, ptr: &str, consumed: &mut Vec<String>) -> Option<Point> {
        let (lng_key, lat_key) = (f.key("Longitude"), f.key("Latitude"));
        if lng_key.is_none() && lat_key.is_none() {
            return None;
        }
        let lng = f.get("Longitude").and_then(rules::number);
        let lat = f.get("Latitude").and_then(rules::number);
        let at = format!("{ptr}/{}", token(lat_key.or(lng_key).unwrap_or("Latitude")));
        let bad = |r: &mut Self| {
            finding(
                &mut r.report,
                at.clone(),
                Some(format!("/extensions/{NAMESPACE}/Latitude")),
                Code::Gat1400BadCoordinate,
                "经纬度缺失或超出范围，原值保存在扩展中".to_owned(),
                "Longitude/Latitude missing or out of range; kept in extensions".to_owned(),
            );
        };
        let (Some(lng), Some(lat)) = (lng, lat) else {
            bad(self);
            return None;
        };
        let located = rules::locate(lng, lat, self.options.datum);
        consumed.extend([lng_key, lat_key].into_iter().flatten().map(str::to_owned));
        match located {
            rules::Located::At { lng, lat, converted, swapped } => {
                let Ok(point) = Point::new(lng, lat) else {
                    bad(self);
                    return None;
                };
                if converted {
                    note(
                        &mut self.report,
                        LossKind::Normalised,
                        at.clone(),
                        Some("/location".into()),
                        Code::Gat1400CoordinateDatum,
                        format!("坐标按声明的 {} 转换为 WGS-84", datum_label(self.options.datum)),
                        format!(
                            "coordinates converted from the declared {} to WGS-84",
                            datum_label(self.options.datum)
                        ),
                    );
                }
                if swapped {
                    note(
                        &mut self.report,
                        LossKind::Normalised,
                        at,
                        Some("/location".into()),
                        Code::Gat1400CoordinateSwapped,
                        "经度和纬度写反，已交换".to_owned(),
                        "longitude and latitude were given the other way round; swapped".to_owned(),
                    );
                }
                Some(point)
            }
            rules::Located::Unknown => {
                note(
                    &mut self.report,
                    LossKind::Normalised,
                    at,
                    None,
                    Code::Gat1400LocationUnknown,
                    "经纬度 0,0 表示未知，不作为位置".to_owned(),
                    "Longitude/Latitude 0,0 means unknown; no location".to_owned(),
                );
                None
            }
            _ => {
                consumed.retain(|k| Some(k.as_str()) != lng_key && Some(k.as_str()) != lat_key);
                bad(self);
                None
            }
        }
    }

    /// Everything present and not consumed goes to `extensions.gat1400`; values about a person
    /// that no member marks are not kept [ADP-042].
    fn keep(&mut self, kind: ReadKind, f: &Fields<'_>, consumed: &[String], ptr: &str) -> linli_model::Extensions {
        let mut ext = Map::new();
        for (name, v) in f.members.iter().filter(|(k, _)| !consumed.iter().any(|c| c == k)) {
            let at = format!("{ptr}/{}", token(name));
            if kind.sensitive().iter().any(|s| same(s, name)) || crate::rules::is_sensitive_member(name) {
                note(
                    &mut self.report,
                    LossKind::NotRepresentable,
                    at,
                    None,
                    Code::Gat1400SensitiveNotKept,
                    format!("个人信息字段 `{name}` 不保存在扩展中（扩展无法标记敏感级别）"),
                    format!("personal field `{name}` is not kept in extensions (extensions cannot mark it sensitive)"),
                );
                continue;
            }
            if same(name, "PhotoData") || same(name, "Data") || same(name, "FaceData") {
                note(
                    &mut self.report,
                    LossKind::NotRepresentable,
                    at,
                    None,
                    Code::Gat1400PhotoNotCopied,
                    format!("图像数据 `{name}` 不复制进记录"),
                    format!("image bytes `{name}` are not copied into the record"),
                );
                continue;
            }
            let mut v = if same(name, "SubImageList") { self.kept_sub_images(v, &at) } else { (*v).clone() };
            for p in crate::rules::strip_sensitive(&mut v, &at) {
                self.report.push(crate::rules::sensitive_not_kept(Code::Gat1400SensitiveNotKept, p));
            }
            ext.insert((*name).to_owned(), v);
            // A rejected value is kept as given and has its one loss entry already [ADP-004].
            if self.report.entries.iter().any(|l| l.kind == LossKind::Rejected && l.source == at) {
                continue;
            }
            self.report.push(Loss {
                kind: LossKind::KeptInExtensions,
                source: at,
                target: Some(format!("/extensions/{NAMESPACE}/{}", token(name))),
                code: Code::Gat1400FieldKept,
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

    /// `SubImageList` as it is kept in extensions: without the image bytes (`Data`) and without
    /// the members of its `SubImageInfoObject`s that are absent. Each absent member is reported
    /// `gat1400-null-absent`, and `Data` that no media entry reported (an object whose images
    /// are not read as media) `gat1400-photo-not-copied`: nothing leaves silently [ADP-041],
    /// [ADP-074]. `at` is the pointer of the `SubImageList` member.
    fn kept_sub_images(&mut self, v: &Value, at: &str) -> Value {
        let mut v = v.clone();
        let Some(obj) = v.as_object_mut() else { return v };
        for (inner, list) in obj.iter_mut().filter(|(k, _)| same(k, "SubImageInfoObject")) {
            let base = format!("{at}/{}", token(inner));
            let images: Vec<(String, &mut Map<String, Value>)> = match list {
                Value::Array(items) => items
                    .iter_mut()
                    .enumerate()
                    .filter_map(|(j, img)| img.as_object_mut().map(|o| (format!("{base}/{j}"), o)))
                    .collect(),
                Value::Object(one) => vec![(base.clone(), one)],
                _ => Vec::new(),
            };
            for (p, img) in images {
                img.retain(|k, member| {
                    let here = format!("{p}/{}", token(k));
                    if rules::is_absent(member) {
                        self.absent(&here, k);
                        return false;
                    }
                    if same(k, "Data") {
                        if !self.report.entries.iter().any(|l| l.source == here) {
                            note(
                                &mut self.report,
                                LossKind::NotRepresentable,
                                here,
                                None,
                                Code::Gat1400PhotoNotCopied,
                                format!("图像数据 `{k}` 不复制进记录"),
                                format!("image bytes `{k}` are not copied into the record"),
                            );
                        }
                        return false;
                    }
                    true
                });
            }
        }
        v
    }

    /// The Linli id `<prefix><ID>` of an object, when that is a valid id; else a finding.
    fn record_id(&mut self, object: &str, field: &str, prefix: &str, raw: Option<&str>, ptr: &str) -> Option<Id> {
        let id = raw.and_then(|r| Id::new(format!("{prefix}{r}")).ok());
        if id.is_none() {
            let (code, zh, en) = match raw {
                None => (
                    Code::Gat1400MissingId,
                    format!("{object} 缺少 `{field}`，对象未转换"),
                    format!("{object} without `{field}`; object not converted"),
                ),
                Some(_) => (
                    Code::Gat1400BadId,
                    format!("`{field}` 无法作为标识，对象未转换"),
                    format!("`{field}` cannot be an id; object not converted"),
                ),
            };
            finding(&mut self.report, format!("{ptr}/{field}"), None, code, zh, en);
        }
        id
    }

    /// A time member read by the format's zone rule (China Standard Time) [ADP-071],
    /// [ADP-072]; `Err(())` when present but not a time.
    fn time(&mut self, key: &str, v: &Value, ptr: &str, target: &str) -> Result<Timestamp, ()> {
        let Some(t) = rules::read_time(v, ZoneRule::ChinaStandardTime) else { return Err(()) };
        let at = format!("{ptr}/{}", token(key));
        if t.zone_assumed {
            note(
                &mut self.report,
                LossKind::Normalised,
                at,
                Some(target.to_owned()),
                Code::Gat1400TimeZoneAssumed,
                format!("`{key}` 没有时区，按北京时间（+08:00）读取"),
                format!("`{key}` has no zone; read as China Standard Time (+08:00)"),
            );
        } else if t.form != rules::TimeForm::Rfc3339 {
            note(
                &mut self.report,
                LossKind::Normalised,
                at,
                Some(target.to_owned()),
                Code::Gat1400TimeEpoch,
                format!("`{key}` 是 Unix 时间戳，已转为 RFC 3339"),
                format!("`{key}` is a Unix timestamp; converted to RFC 3339"),
            );
        }
        Ok(t.at)
    }

    /// The capture time from the first present of `candidates`, else the `ShotTime` of the first
    /// image that has one (a `gat1400-time-from-image` entry). `None` after a finding.
    fn occurred(
        &mut self,
        object: &str,
        f: &Fields<'_>,
        candidates: &[&str],
        ptr: &str,
        consumed: &mut Vec<String>,
    ) -> Option<Timestamp> {
        if let Some((key, v)) = f.first(candidates) {
            let Ok(t) = self.time(key, v, ptr, "/occurredAt") else {
                let (zh, en) = (
                    format!("`{key}` 不是可识别的时间，对象未转换"),
                    format!("`{key}` is not a time in a known form; object not converted"),
                );
                finding(&mut self.report, format!("{ptr}/{}", token(key)), None, Code::Gat1400BadTime, zh, en);
                return None;
            };
            consumed.push(key.to_owned());
            return Some(t);
        }
        let (key, inner, images) = sub_images(f).unwrap_or(("", "", &EMPTY));
        for (j, img) in images.iter().enumerate() {
            let Some(shot) = image_member(img, "ShotTime") else { continue };
            let Some(t) = rules::read_time(shot, ZoneRule::ChinaStandardTime) else { continue };
            let shot_key =
                img.as_object().and_then(|o| o.keys().find(|k| same(k, "ShotTime"))).map_or("ShotTime", String::as_str);
            note(
                &mut self.report,
                LossKind::Normalised,
                format!("{ptr}/{}/{}/{j}/{}", token(key), token(inner), token(shot_key)),
                Some("/occurredAt".into()),
                Code::Gat1400TimeFromImage,
                format!("{object} 没有抓拍时间（{}），取图像的拍摄时间（北京时间）", candidates.join("/")),
                format!(
                    "{object} has no capture time ({}); the image's ShotTime is used (China Standard Time)",
                    candidates.join("/")
                ),
            );
            return Some(t.at);
        }
        let (zh, en) = (
            format!("缺少时间（{}），对象未转换", candidates.join("/")),
            format!("no time ({}); object not converted", candidates.join("/")),
        );
        finding(&mut self.report, ptr.to_owned(), None, Code::Gat1400MissingTime, zh, en);
        None
    }

    fn device(&mut self, kind: Kind, f: &Fields<'_>, ptr: &str) {
        let field = kind.id_field();
        let raw = self.check_id(f, field, is_device_id, ptr);
        let Some(id) = self.record_id(kind.object(), field, "gat1400:", raw.as_deref(), ptr) else { return };
        let thing_kind = if kind == Kind::Ape { ThingKind::Camera } else { ThingKind::BarrierGate };
        let mut t = Thing::new(id, self.meta(), thing_kind);
        let mut consumed: Vec<String> = Vec::new();
        let take = |name: &str, consumed: &mut Vec<String>| -> Option<Text> {
            let key = f.key(name)?;
            let v = f.text(name).and_then(|s| Text::new(s).ok())?;
            consumed.push(key.to_owned());
            Some(v)
        };
        if let Some(code) = raw.as_deref().filter(|r| is_device_id(r)).and_then(|r| DeviceCode::new(r).ok()) {
            t.device_code = Some(code);
            consumed.extend(f.key(field).map(str::to_owned));
        }
        t.name = take("Name", &mut consumed);
        if kind == Kind::Ape {
            t.model = take("Model", &mut consumed);
            let status = match f.text("IsOnline").as_deref() {
                Some("1") => Some(ThingStatus::Online),
                Some("2" | "0") => Some(ThingStatus::Offline),
                _ => None,
            };
            if status.is_some() {
                t.status = status;
                consumed.extend(f.key("IsOnline").map(str::to_owned));
            }
        }
        t.location = self.location(f, ptr, &mut consumed);
        t.extensions = self.keep(ReadKind::Base(kind), f, &consumed, ptr);
        self.records.things.push(t);
        self.records.thing_at.push(self.at.clone());
    }

    fn capture(&mut self, kind: Kind, f: &Fields<'_>, ptr: &str) {
        let field = kind.id_field();
        let raw = self.check_id(f, field, is_object_id, ptr);
        if f.key("SourceID").is_some() {
            self.check_id(f, "SourceID", is_source_id, ptr);
        }
        let device = self.check_id(f, "DeviceID", is_device_id, ptr);
        let Some(id) = self.record_id(kind.object(), field, kind.id_prefix(), raw.as_deref(), ptr) else { return };
        let mut consumed: Vec<String> = Vec::new();
        if raw.as_deref().is_some_and(is_object_id) {
            consumed.extend(f.key(field).map(str::to_owned));
        }
        let (candidates, end_field) = kind.times();
        let Some(occurred_at) = self.occurred(kind.object(), f, candidates, ptr, &mut consumed) else { return };
        let category = if matches!(kind, Kind::Face | Kind::Person) {
            EventCategory::FaceCapture
        } else {
            EventCategory::VehicleCapture
        };
        let mut e = Event::new(id, self.meta(), category, occurred_at, Severity::Info);
        self.ended(f, end_field, ptr, &mut e, &mut consumed);
        // The capturing device: the first 20 characters of DeviceID.
        if let Some(dev) = device.as_deref().and_then(|d| d.get(..20)).filter(|d| is_device_id(d)) {
            if let Ok(tid) = Id::new(format!("gat1400:{dev}")) {
                e.source = Some(Ref::to(tid));
                if device.as_deref().is_some_and(is_device_id) {
                    consumed.extend(f.key("DeviceID").map(str::to_owned));
                }
            }
        }
        if matches!(kind, Kind::Motor | Kind::NonMotor) {
            // an object without its id: the default empty id; the vehicle Thing's id comes from the plate, else from this id (an id that does not check makes no Thing).
            self.vehicle(kind, f, raw.as_deref().unwrap_or_default(), &mut e, &mut consumed);
        }
        // Where the capture was taken, in the declared datum [ADP-070], [ADP-073].
        e.location = self.location(f, ptr, &mut consumed);
        self.images(f, ptr, &mut e, &mut consumed);
        e.extensions = self.keep(ReadKind::Base(kind), f, &consumed, ptr);
        self.records.events.push(e);
        self.records.event_at.push(self.at.clone());
    }

    /// `endedAt` from `end_field`; a bad one is a finding, the value kept.
    fn ended(&mut self, f: &Fields<'_>, end_field: &str, ptr: &str, e: &mut Event, consumed: &mut Vec<String>) {
        let Some((key, end)) = f.entry(end_field) else { return };
        let mut scratch = LossReport::default();
        std::mem::swap(&mut scratch, &mut self.report);
        let t = self.time(key, end, ptr, "/endedAt");
        std::mem::swap(&mut scratch, &mut self.report);
        match t {
            Ok(t) if t.cmp_instant(&e.occurred_at).is_ge() => {
                self.report.entries.extend(scratch.entries);
                e.ended_at = Some(t);
                consumed.push(key.to_owned());
            }
            _ => finding(
                &mut self.report,
                format!("{ptr}/{}", token(key)),
                Some(format!("/extensions/{NAMESPACE}/{}", token(key))),
                Code::Gat1400BadTime,
                format!("`{key}` 不是可识别的时间或早于开始时间，原值保存在扩展中"),
                format!("`{key}` is not a time in a known form or is before the start; kept in extensions"),
            ),
        }
    }

    /// The vehicle Thing of a vehicle capture or register entry: its id, created once.
    fn vehicle_thing(
        &mut self,
        kind: Kind,
        f: &Fields<'_>,
        object_id: &str,
        consumed: &mut Vec<String>,
    ) -> Option<(Id, usize)> {
        let no_plate = f.text("HasPlate").as_deref() == Some("0");
        let plate = f.text("PlateNo").and_then(|s| Text::new(s).ok()).filter(|_| !no_plate);
        let id = match &plate {
            Some(p) => {
                let hash = linli_model::support::hex::encode(&sha2::Sha256::digest(p.as_str().as_bytes()));
                // a SHA-256 hex digest has 64 characters: the default empty prefix is never taken.
                Id::new(format!("gat1400:plate:{}", hash.get(..16).unwrap_or_default()))
            }
            None => Id::new(format!("gat1400:vehicle:{object_id}")),
        };
        let id = id.ok()?;
        let color_code = f.text("PlateColor");
        let color = color_code.as_deref().map(|c| plate_color(c).unwrap_or(PlateColor::Other));
        if plate.is_some() {
            consumed.extend(f.key("PlateNo").map(str::to_owned));
        }
        // An unknown colour code becomes `other`; the code itself stays in extensions.
        if color.is_some_and(|c| c != PlateColor::Other) {
            consumed.extend(f.key("PlateColor").map(str::to_owned));
        }
        if let Some(&i) = self.vehicles.get(id.as_str()) {
            return Some((id, i));
        }
        let thing_kind = if kind == Kind::Motor { ThingKind::MotorVehicle } else { ThingKind::NonMotorVehicle };
        let mut t = Thing::new(id.clone(), self.meta(), thing_kind);
        if plate.is_some() || color.is_some() {
            let mut vehicle = Vehicle::new();
            vehicle.plate_number = plate;
            vehicle.plate_color = color;
            t.vehicle = Some(vehicle);
        }
        self.records.things.push(t);
        self.records.thing_at.push(self.at.clone());
        let i = self.records.things.len() - 1;
        self.vehicles.insert(id.as_str().to_owned(), i);
        Some((id, i))
    }

    /// The vehicle Thing of a vehicle capture, as the event's subject.
    fn vehicle(&mut self, kind: Kind, f: &Fields<'_>, object_id: &str, e: &mut Event, consumed: &mut Vec<String>) {
        let Some((id, _)) = self.vehicle_thing(kind, f, object_id, consumed) else { return };
        if let Ok(r) = Ref::new(linli_model::RecordType::Thing, id) {
            e.subjects.push(r);
        }
    }

    /// Media references for `SubImageList.SubImageInfoObject[]` and the URL fields
    /// (`StorageUrl1`…`5`, `FaceUrl`, …) [ADP-041].
    fn images(&mut self, f: &Fields<'_>, ptr: &str, e: &mut Event, consumed: &mut Vec<String>) {
        let (list_key, inner, list) = sub_images(f).unwrap_or(("", "", &EMPTY));
        for (j, img) in list.iter().enumerate() {
            let p = format!("{ptr}/{}/{}/{j}", token(list_key), token(inner));
            let present = |name: &str| image_member(img, name);
            let key_of = |name: &str| {
                img.as_object().and_then(|o| o.keys().find(|k| same(k, name))).map_or(name, String::as_str).to_owned()
            };
            let image_id = present("ImageID").and_then(Value::as_str);
            if present("ImageID").is_some() && !image_id.is_some_and(is_source_id) {
                let (zh, en) = (
                    "`ImageID` 不符合 GA/T 1400 编码规则".to_owned(),
                    "`ImageID` does not have the GA/T 1400 shape".to_owned(),
                );
                finding(
                    &mut self.report,
                    format!("{p}/{}", token(&key_of("ImageID"))),
                    None,
                    Code::Gat1400BadId,
                    zh,
                    en,
                );
            }
            let format = present("FileFormat").and_then(Value::as_str);
            let url = present("StoragePath").and_then(Value::as_str);
            if let Some(data) = present("Data") {
                let compact: String =
                    data.as_str().unwrap_or("!").chars().filter(|c| !c.is_ascii_whitespace()).collect();
                match base64::engine::general_purpose::STANDARD.decode(compact.as_bytes()) {
                    Ok(bytes) => {
                        let at = format!("{p}/{}", token(&key_of("Data")));
                        self.embedded(&bytes, image_id, format.unwrap_or("Jpeg"), &at, e);
                        continue;
                    }
                    Err(_) => {
                        let (zh, en) =
                            ("图片数据不是合法的 base64".to_owned(), "image Data is not valid base64".to_owned());
                        let at = format!("{p}/{}", token(&key_of("Data")));
                        finding(&mut self.report, at, None, Code::Gat1400BadBase64, zh, en);
                    }
                }
            }
            if let Some(url) = url {
                self.by_url(url, format, &format!("{p}/{}", token(&key_of("StoragePath"))), e);
            }
        }
        let urls: Vec<(&str, &Value)> =
            f.members.iter().filter(|(k, _)| is_url_field(k)).map(|(k, v)| (*k, *v)).collect();
        for (k, v) in urls {
            if let Some(url) = v.as_str() {
                if self.by_url(url, None, &format!("{ptr}/{}", token(k)), e) {
                    consumed.push(k.to_owned());
                }
            }
        }
    }

    /// A media item for decoded image bytes: `urn:gat1400:image:<ImageID>` with the digest; `at`
    /// is the `Data` member.
    fn embedded(&mut self, bytes: &[u8], image_id: Option<&str>, format: &str, at: &str, e: &mut Event) {
        let sha = linli_model::support::hex::encode(&sha2::Sha256::digest(bytes));
        let uri = match image_id.filter(|i| Uri::new(format!("urn:gat1400:image:{i}")).is_ok()) {
            Some(i) => format!("urn:gat1400:image:{i}"),
            None => format!("urn:gat1400:image:sha256:{sha}"),
        };
        let media = (Uri::new(uri), Sha256::new(sha), MediaType::new(media_type(format)));
        if let (Ok(uri), Ok(sha256), Ok(media_type)) = media {
            e.media.push(Media::new(uri, media_type).with_sha256(sha256));
            self.report.push(Loss {
                kind: LossKind::NotRepresentable,
                source: at.to_owned(),
                target: Some(format!("/media/{}", e.media.len().saturating_sub(1))),
                code: Code::Gat1400ImageByReference,
                message_zh: "图片数据不复制进记录，仅保留引用和 SHA-256 摘要".to_owned(),
                message_en: "image bytes are not copied into the record; kept by reference with a SHA-256 digest"
                    .to_owned(),
            });
        }
    }

    /// A media item for an image known only by its URL (no digest, [EVT-009]); `false` after a
    /// finding.
    fn by_url(&mut self, url: &str, format: Option<&str>, at: &str, e: &mut Event) -> bool {
        let mt = format.map_or_else(|| media_type_of_url(url), media_type);
        let uri = Uri::new(url.trim()).ok().filter(|u| !u.as_str().to_ascii_lowercase().starts_with("data:"));
        let (Some(uri), Ok(media_type)) = (uri, MediaType::new(mt)) else {
            let (zh, en) = (
                "图像地址不是绝对 URI，未作为媒体引用（原值保存在扩展中）".to_owned(),
                "the image location is not an absolute URI; no media reference (kept in extensions)".to_owned(),
            );
            finding(&mut self.report, at.to_owned(), None, Code::Gat1400BadImageUri, zh, en);
            return false;
        };
        if e.media.iter().any(|m| m.uri == uri) {
            return true;
        }
        e.media.push(Media::new(uri, media_type));
        note(
            &mut self.report,
            LossKind::Normalised,
            at.to_owned(),
            Some(format!("/media/{}", e.media.len().saturating_sub(1))),
            Code::Gat1400ImageUrlOnly,
            "图像只有存储地址，媒体引用没有 SHA-256 摘要".to_owned(),
            "the image is given only by its storage URL; the media reference has no SHA-256 digest".to_owned(),
        );
        true
    }

    /// A person of the community person register (`PersonInfoObject`) → Person.
    fn resident(&mut self, f: &Fields<'_>, ptr: &str) {
        let object = "PersonInfoObject";
        let raw = self.check_id(f, "PersonID", is_device_id, ptr);
        let Some(id) = self.record_id(object, "PersonID", "gat1400:resident:", raw.as_deref(), ptr) else { return };
        let mut consumed: Vec<String> = f.key("PersonID").map(str::to_owned).into_iter().collect();
        let Some(name) = f.text("Name").and_then(|n| Text::new(n).ok()) else {
            let (zh, en) =
                (format!("{object} 缺少 `Name`，对象未转换"), format!("{object} without `Name`; object not converted"));
            finding(&mut self.report, format!("{ptr}/Name"), None, Code::Gat1400MissingName, zh, en);
            return;
        };
        consumed.extend(f.key("Name").map(str::to_owned));
        let mut p = Person::new(id, self.meta(), name);
        self.personal(f, ptr, ["IDType", "IDNumber", "GenderCode", "Phone", "Birthday"], &mut p, &mut consumed);
        if let Some(c) = f.text("NationalityCode").and_then(|c| CountryCode::new(c).ok()) {
            p.nationality = Some(c);
            consumed.extend(f.key("NationalityCode").map(str::to_owned));
        }
        p.extensions = self.keep(ReadKind::Resident, f, &consumed, ptr);
        // A vehicle owner read earlier with the same id is the same person: the register wins.
        match self.records.persons.iter().position(|q| q.id == p.id) {
            Some(i) => {
                self.records.persons[i] = p;
                if let Some(at) = self.records.person_at.get_mut(i) {
                    at.clone_from(&self.at);
                }
            }
            None => {
                self.records.persons.push(p);
                self.records.person_at.push(self.at.clone());
            }
        }
    }

    /// Identity document, gender, telephone and date of birth of a person, from the fields
    /// `[type, number, gender, phone, birthday]`; a value that fails its check is a finding and
    /// is not kept (it is sensitive) [ADP-042].
    fn personal(&mut self, f: &Fields<'_>, ptr: &str, names: [&str; 5], p: &mut Person, consumed: &mut Vec<String>) {
        let [type_field, number_field, gender_field, phone_field, birth_field] = names;
        let mut id_gender = None;
        if let (Some(key), Some(number)) = (f.key(number_field), f.text(number_field)) {
            consumed.push(key.to_owned());
            consumed.extend(f.key(type_field).map(str::to_owned));
            let scheme = match f.text(type_field).as_deref() {
                None | Some("111" | "112" | "113" | "114") => Some(IdentifierScheme::ResidentId),
                Some("414" | "411" | "412" | "413" | "415") => Some(IdentifierScheme::Passport),
                Some(_) => Some(IdentifierScheme::Other),
            };
            let ok = match scheme {
                Some(IdentifierScheme::ResidentId) => match id_number::parse(&number) {
                    Ok(parsed) => {
                        id_gender = Some(parsed.gender);
                        if p.birth_date.is_none() {
                            p.birth_date = Some(parsed.birth_date);
                        }
                        true
                    }
                    Err(_) => false,
                },
                _ => true,
            };
            match (ok, scheme, Text::new(number)) {
                (true, Some(scheme), Ok(value)) => {
                    p.identifiers.push(linli_model::person::Identifier::new(scheme, value));
                }
                _ => finding(
                    &mut self.report,
                    format!("{ptr}/{}", token(key)),
                    None,
                    Code::Gat1400BadIdNumber,
                    format!("`{key}` 不是有效的证件号码，未保留（敏感信息）"),
                    format!("`{key}` is not a valid identity number; not kept (sensitive)"),
                ),
            }
        }
        if let (Some(key), Some(code)) = (f.key(gender_field), f.text(gender_field)) {
            match Gender::from_code(&code) {
                Some(g @ (Gender::Male | Gender::Female)) if id_gender.is_some_and(|i| i != g) => finding(
                    &mut self.report,
                    format!("{ptr}/{}", token(key)),
                    Some(format!("/extensions/{NAMESPACE}/{}", token(key))),
                    Code::Gat1400GenderMismatch,
                    format!("`{key}` 与证件号码不一致，原值保存在扩展中"),
                    format!("`{key}` disagrees with the identity number; kept in extensions"),
                ),
                Some(g) => {
                    p.gender = Some(g);
                    consumed.push(key.to_owned());
                }
                None => {}
            }
        }
        if p.gender.is_none() {
            p.gender = id_gender;
        }
        if let (Some(key), Some(phone)) = (f.key(phone_field), f.text(phone_field)) {
            consumed.push(key.to_owned());
            match PhoneNumber::new(phone) {
                Ok(n) => p.phones.push(n),
                Err(_) => finding(
                    &mut self.report,
                    format!("{ptr}/{}", token(key)),
                    None,
                    Code::Gat1400BadPhone,
                    format!("`{key}` 不是有效的电话号码，未保留（个人信息）"),
                    format!("`{key}` is not a valid telephone number; not kept (personal)"),
                ),
            }
        }
        if let (Some(key), Some(b)) = (f.key(birth_field), f.text(birth_field)) {
            let date = b.get(..10).and_then(|d| Date::parse(d).ok()).or_else(|| {
                let d = b.get(..8)?;
                Date::parse(&format!("{}-{}-{}", d.get(..4)?, d.get(4..6)?, d.get(6..8)?)).ok()
            });
            match date {
                Some(d) if p.birth_date.is_none_or(|x| x == d) => {
                    p.birth_date = Some(d);
                    consumed.push(key.to_owned());
                }
                _ => {
                    // A date of birth is personal: not kept where nothing marks it [ADP-042].
                    consumed.push(key.to_owned());
                    finding(
                        &mut self.report,
                        format!("{ptr}/{}", token(key)),
                        None,
                        Code::Gat1400BadTime,
                        format!("`{key}` 不是有效日期或与证件号码不一致，未保留（个人信息）"),
                        format!(
                            "`{key}` is not a valid date or disagrees with the identity number; not kept (personal)"
                        ),
                    );
                }
            }
        }
    }

    /// A vehicle of the community vehicle register (`CarInfo`) → Thing `vehicle.motor`, with its
    /// owner as a Person when the owner is named.
    fn car(&mut self, f: &Fields<'_>, ptr: &str) {
        let raw = self.check_id(f, "CarInfoID", is_device_id, ptr);
        let mut consumed: Vec<String> = Vec::new();
        if f.text("PlateNo").is_none() && raw.is_none() {
            let (zh, en) = (
                "CarInfo 既无 `PlateNo` 也无 `CarInfoID`，对象未转换".to_owned(),
                "CarInfo with neither `PlateNo` nor `CarInfoID`; object not converted".to_owned(),
            );
            finding(&mut self.report, format!("{ptr}/CarInfoID"), None, Code::Gat1400MissingId, zh, en);
            return;
        }
        // an object without its id: the default empty id; the vehicle Thing's id comes from the plate, else from this id (an id that does not check makes no Thing).
        let Some((_, i)) = self.vehicle_thing(Kind::Motor, f, raw.as_deref().unwrap_or_default(), &mut consumed) else {
            let (zh, en) = (
                "`CarInfoID` 无法作为标识，对象未转换".to_owned(),
                "`CarInfoID` cannot be an id; object not converted".to_owned(),
            );
            finding(&mut self.report, format!("{ptr}/CarInfoID"), None, Code::Gat1400BadId, zh, en);
            return;
        };
        if raw.as_deref().is_some_and(is_device_id) && f.text("PlateNo").is_some() {
            // The register's own ID stays in extensions; the plate names the vehicle.
        }
        if let Some(owner) = f.text("OwnerName").and_then(|n| Text::new(n).ok()) {
            let owner_id = f
                .text("OwnerID")
                .map(|o| format!("gat1400:resident:{o}"))
                .or_else(|| raw.as_ref().map(|r| format!("gat1400:owner:{r}")));
            if let Some(pid) = owner_id.and_then(|o| Id::new(o).ok()) {
                consumed.extend(f.key("OwnerName").map(str::to_owned));
                consumed.extend(f.key("OwnerID").map(str::to_owned));
                let mut p = Person::new(pid.clone(), self.meta(), owner);
                self.personal(
                    f,
                    ptr,
                    ["OwnerIDType", "OwnerIDNumber", "GenderCode", "OwnerPhone", "OwnerBirthday"],
                    &mut p,
                    &mut consumed,
                );
                if !self.records.persons.iter().any(|q| q.id == p.id) {
                    self.records.persons.push(p);
                    self.records.person_at.push(self.at.clone());
                }
                if let (Some(t), Ok(r)) =
                    (self.records.things.get_mut(i), Ref::new(linli_model::RecordType::Person, pid))
                {
                    t.owner = Some(r);
                }
            }
        }
        for s in ["OwnerName", "OwnerIDNumber", "OwnerPhone", "OwnerIDType"] {
            if let Some(k) = f.key(s).filter(|k| !consumed.iter().any(|c| c == k)) {
                note(
                    &mut self.report,
                    LossKind::NotRepresentable,
                    format!("{ptr}/{}", token(k)),
                    None,
                    Code::Gat1400SensitiveNotKept,
                    format!("个人信息字段 `{k}` 没有车主人员记录可容纳，不保存"),
                    format!("personal field `{k}` has no owner Person to hold it; not kept"),
                );
                consumed.push(k.to_owned());
            }
        }
        let ext = self.keep(ReadKind::CarInfo, f, &consumed, ptr);
        if let Some(t) = self.records.things.get_mut(i) {
            for (ns, m) in ext.0 {
                t.extensions.0.entry(ns).or_default().extend(m);
            }
        }
    }

    /// An access controller (`DoorDeviceObject`) or a door (`DoorInfoObject`) → Thing
    /// `device.access-gate`.
    fn door(&mut self, kind: ReadKind, f: &Fields<'_>, ptr: &str) {
        let (object, field, prefix) = if kind == ReadKind::DoorDevice {
            ("DoorDeviceObject", "DeviceID", "gat1400:")
        } else {
            ("DoorInfoObject", "DoorID", "gat1400:door:")
        };
        let raw = self.check_id(f, field, is_device_id, ptr);
        let Some(id) = self.record_id(object, field, prefix, raw.as_deref(), ptr) else { return };
        let mut t = Thing::new(id, self.meta(), ThingKind::AccessGate);
        let mut consumed: Vec<String> = Vec::new();
        if kind == ReadKind::DoorDevice {
            if let Some(code) = raw.as_deref().filter(|r| is_device_id(r)).and_then(|r| DeviceCode::new(r).ok()) {
                t.device_code = Some(code);
                consumed.extend(f.key(field).map(str::to_owned));
            }
        } else if raw.as_deref().is_some_and(is_device_id) {
            consumed.extend(f.key(field).map(str::to_owned));
        }
        let take = |name: &str, consumed: &mut Vec<String>| -> Option<Text> {
            let key = f.key(name)?;
            let v = f.text(name).and_then(|s| Text::new(s).ok())?;
            consumed.push(key.to_owned());
            Some(v)
        };
        t.name = take("Name", &mut consumed);
        if kind == ReadKind::DoorDevice {
            t.manufacturer = take("Manufacturer", &mut consumed);
            t.model = take("DeviceType", &mut consumed);
            t.firmware_version = take("DeviceVersion", &mut consumed);
            t.serial_number = take("DeviceNo", &mut consumed);
        }
        t.location = self.location(f, ptr, &mut consumed);
        t.extensions = self.keep(kind, f, &consumed, ptr);
        self.records.things.push(t);
        self.records.thing_at.push(self.at.clone());
    }

    /// One passage through a door (`AccessRecordObject`) → Event `access.pass` (`OpenResult`
    /// absent or `0`) or `access.denied`.
    fn access(&mut self, f: &Fields<'_>, ptr: &str) {
        let object = "AccessRecordObject";
        let Some((field, _)) = f.first(&["RecordID", "AccessRecordID", "ID"]) else {
            let (zh, en) = (
                format!("{object} 缺少 `RecordID`，对象未转换"),
                format!("{object} without `RecordID`; object not converted"),
            );
            finding(&mut self.report, format!("{ptr}/RecordID"), None, Code::Gat1400MissingId, zh, en);
            return;
        };
        let raw = f.text(field);
        let Some(id) = self.record_id(object, field, "gat1400:access:", raw.as_deref(), ptr) else { return };
        let mut consumed = vec![field.to_owned()];
        let times = ["PassTime", "OpenTime", "AccessTime", "RecordTime"];
        let Some(occurred_at) = self.occurred(object, f, &times, ptr, &mut consumed) else { return };
        let denied = match f.get("OpenResult") {
            None => false,
            Some(v) => rules::number(v).is_none_or(|n| n != 0.0),
        };
        consumed.extend(f.key("OpenResult").map(str::to_owned));
        let category = if denied { EventCategory::AccessDenied } else { EventCategory::AccessPass };
        let mut e = Event::new(id, self.meta(), category, occurred_at, Severity::Info);
        let device = self.check_id(f, "DeviceID", is_device_id, ptr);
        let source = match device.as_deref().filter(|d| is_device_id(d)) {
            Some(d) => {
                consumed.extend(f.key("DeviceID").map(str::to_owned));
                Id::new(format!("gat1400:{d}")).ok()
            }
            None => {
                let door = f.text("DoorID").and_then(|d| Id::new(format!("gat1400:door:{d}")).ok());
                if door.is_some() {
                    consumed.extend(f.key("DoorID").map(str::to_owned));
                }
                door
            }
        };
        e.source = source.map(Ref::to);
        if let Some(pid) = f.text("PersonID").and_then(|p| Id::new(format!("gat1400:resident:{p}")).ok()) {
            if let Ok(r) = Ref::new(linli_model::RecordType::Person, pid) {
                e.subjects.push(r);
                consumed.extend(f.key("PersonID").map(str::to_owned));
            }
        }
        e.location = self.location(f, ptr, &mut consumed);
        self.images(f, ptr, &mut e, &mut consumed);
        e.extensions = self.keep(ReadKind::Access, f, &consumed, ptr);
        self.records.events.push(e);
        self.records.event_at.push(self.at.clone());
    }
}

/// How a datum is written in messages.
fn datum_label(d: Datum) -> &'static str {
    match d {
        Datum::Wgs84 => "WGS-84",
        Datum::Gcj02 => "GCJ-02",
        Datum::Bd09 => "BD-09",
    }
}

/// The `SubImageList.SubImageInfoObject` array of an object, with the names as the source wrote
/// them (matched without regard to ASCII case).
fn sub_images<'a>(f: &Fields<'a>) -> Option<(&'a str, &'a str, &'a Vec<Value>)> {
    let (list_key, list) = f.entry("SubImageList")?;
    let (inner, items) = list.as_object()?.iter().find(|(k, _)| same(k, "SubImageInfoObject"))?;
    Some((list_key, inner.as_str(), items.as_array()?))
}

/// A member of an image object, exactly or without regard to ASCII case, unless absent.
fn image_member<'a>(img: &'a Value, name: &str) -> Option<&'a Value> {
    let o = img.as_object()?;
    o.get(name).or_else(|| o.iter().find(|(k, _)| same(k, name)).map(|(_, v)| v)).filter(|v| !rules::is_absent(v))
}

/// Whether a member names an image URL: `StorageUrl1`…`StorageUrl5`, `FaceUrl`, `BkgUrl`,
/// `PicUrl`, `ImageUrl`, `PhotoUrl`, `SceneUrl`.
fn is_url_field(name: &str) -> bool {
    let l = name.to_ascii_lowercase();
    (l.starts_with("storageurl") && l.len() <= 11)
        || ["faceurl", "bkgurl", "picurl", "imageurl", "photourl", "sceneurl"].contains(&l.as_str())
}

/// The media type of an image URL by its file extension (`application/octet-stream` when there
/// is none known).
fn media_type_of_url(url: &str) -> &'static str {
    let path = url.split(['?', '#']).next().unwrap_or(url);
    let ext = path.rsplit_once('.').map(|(_, e)| e).unwrap_or("");
    match media_type(ext) {
        "application/octet-stream" if ext.is_empty() => "application/octet-stream",
        m => m,
    }
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

// ---------------------------------------------------------------------------------------------
// Writing

fn lost(report: &mut LossReport, source: String, code: Code, zh: String, en: String) {
    report.push(Loss { kind: LossKind::NotRepresentable, source, target: None, code, message_zh: zh, message_en: en });
}

fn kept_fields(ext: &linli_model::Extensions) -> Map<String, Value> {
    // a record without GA/T 1400 extensions has none: the default empty map.
    ext.0.iter().find(|(ns, _)| ns.as_str() == NAMESPACE).map(|(_, m)| m.clone()).unwrap_or_default()
}

fn other_namespaces(ext: &linli_model::Extensions, base: &str, report: &mut LossReport) {
    for ns in ext.0.keys().filter(|ns| ns.as_str() != NAMESPACE) {
        let (zh, en) =
            ("GA/T 1400 无法表示其他厂商扩展".to_owned(), "GA/T 1400 cannot hold other vendor extensions".to_owned());
        lost(report, format!("{base}/extensions/{}", token(ns.as_str())), Code::Gat1400NotRepresentable, zh, en);
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
                Code::Gat1400ThingKind,
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
            code: Code::Gat1400NoDeviceCode,
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
        lost(report, format!("{base}{member}"), Code::Gat1400NotRepresentable, zh, en);
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
                Code::Gat1400EventCategory,
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
                code: Code::Gat1400TimeToCst,
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
                    code: Code::Gat1400PlateColor,
                    message_zh: zh,
                    message_en: en,
                });
            }
        }
    }
    if let Some(p) = &e.location {
        obj.insert("Longitude".into(), p.coordinates.lng.into());
        obj.insert("Latitude".into(), p.coordinates.lat.into());
        if p.coordinates.alt.is_some() {
            let (zh, en) =
                (format!("{} 无法表示高程", kind.object()), format!("{} cannot hold an altitude", kind.object()));
            lost(report, format!("{base}/location/coordinates/2"), Code::Gat1400NotRepresentable, zh, en);
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
                    match uri.strip_prefix("urn:gat1400:image:") {
                        Some(id) => img.insert("ImageID".into(), id.into()),
                        // An image known by its URL (no digest) is written as its storage path.
                        None => img.insert("StoragePath".into(), uri.into()),
                    };
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
        lost(report, format!("{base}/media"), Code::Gat1400ImageDataNotRestorable, zh, en);
    }
    let subjects_lost = e.subjects.iter().any(|s| subject.is_none_or(|t| t.id != s.id));
    let missing = [
        // Reading the object back gives the id `<prefix><object ID>`.
        ("/id", !id.starts_with(kind.id_prefix())),
        ("/meta", true),
        ("/severity", true),
        ("/place", e.place.is_some()),
        ("/description", e.description.is_some()),
        ("/measurements", !e.measurements.is_empty()),
        ("/case", e.case.is_some()),
        ("/subjects", subjects_lost),
    ];
    for (member, _) in missing.into_iter().filter(|(_, p)| *p) {
        let (zh, en) =
            (format!("{} 无法表示 {member}", kind.object()), format!("{} cannot hold {member}", kind.object()));
        lost(report, format!("{base}{member}"), Code::Gat1400NotRepresentable, zh, en);
    }
    other_namespaces(&e.extensions, base, report);
    Some((kind, Value::Object(obj)))
}
