//! GeoJSON (RFC 7946): [`Place`] ⇄ Feature / FeatureCollection (`spec/18-adapters.md` §18.7,
//! [ADP-060]–[ADP-068]).
//!
//! # Writing
//!
//! A place becomes a Feature whose `id` is the place id, whose `geometry` is the place's
//! geometry (`null` when it has none) and whose `properties` are every other member of the
//! place exactly as in its canonical JSON (`type`, `meta`, `kind`, `name`, `parent`, …,
//! `extensions`). Nothing is lost on the way out.
//!
//! # Reading
//!
//! [`read`] takes a FeatureCollection, a Feature or a bare geometry. A Feature is *Linli-shaped*
//! when its `properties` have `type` `"Place"` and an object `meta` (what the writer emits): it is
//! read strictly ([`feature_to_place`]), so a round trip gives the place back exactly. Any other
//! Feature is *foreign*: its properties are mapped by the built-in property table
//! ([`BUILTIN_PROPERTIES`]) and the user's mapping file ([`PropertyMapping`]), everything else is
//! kept in `extensions.geojson` ([`LossKind::KeptInExtensions`]). Geometries are read position by
//! position with [`crate::rules::locate`] in the declared datum; ECharts' compressed coordinates
//! (`"UTF8Encoding": true`) are decoded first ([`decode_echarts`]).
//!
//! Loss `source` pointers point into the input (prefixed with `/features/<i>` in a
//! collection); `target` pointers point into the converted place.

use crate::codes::Code;
use std::collections::HashSet;

use crate::loss::token;
use linli_model::Place;
use serde_json::{Map, Value};
use sha2::{Digest, Sha256};

use crate::convert::{AdapterFinding, ReadOptions};
use crate::coords::Datum;
use crate::rules::{Located, locate};
use crate::{Error, Loss, LossKind, LossReport};

const FORMAT: &str = "GeoJSON";
/// The extension namespace foreign data is kept under.
const NAMESPACE: &str = "geojson";
/// Members of a place carried in a Feature's `properties`.
const PROPERTY_MEMBERS: &[&str] = &[
    "type",
    "meta",
    "kind",
    "name",
    "parent",
    "divisionCode",
    "address",
    "roomUse",
    "area",
    "rentalStatus",
    "extensions",
];
/// Members of a place a Feature must carry in `properties`.
const REQUIRED_PROPERTIES: &[&str] = &["type", "meta", "kind", "name"];
/// Members of a Feature object itself.
const FEATURE_MEMBERS: &[&str] = &["type", "id", "geometry", "properties"];

/// The GeoJSON Feature of a place; the loss report is always empty.
pub fn place_to_feature(place: &Place) -> (Value, LossReport) {
    // Serialising a place into a JSON value cannot fail: every map key is a string.
    let mut properties = match serde_json::to_value(place) {
        Ok(Value::Object(m)) => m,
        _ => Map::new(),
    };
    let id = properties.remove("id").unwrap_or(Value::Null);
    let geometry = properties.remove("geometry").unwrap_or(Value::Null);
    let mut feature = Map::new();
    feature.insert("type".into(), "Feature".into());
    feature.insert("id".into(), id);
    feature.insert("geometry".into(), geometry);
    feature.insert("properties".into(), Value::Object(properties));
    (Value::Object(feature), LossReport::default())
}

/// The GeoJSON FeatureCollection of some places; the loss report is always empty.
pub fn places_to_collection(places: &[Place]) -> (Value, LossReport) {
    let features: Vec<Value> = places.iter().map(|p| place_to_feature(p).0).collect();
    let mut fc = Map::new();
    fc.insert("type".into(), "FeatureCollection".into());
    fc.insert("features".into(), Value::Array(features));
    (Value::Object(fc), LossReport::default())
}

/// The place of a GeoJSON Feature, with what could not be carried over unchanged.
///
/// Fails when the input is not a Feature, has no `id`, or its properties lack a required place
/// member or do not form a valid place; the message names the JSON pointer.
pub fn feature_to_place(feature: &Value) -> Result<(Place, LossReport), Error> {
    let mut report = LossReport::default();
    convert_feature(feature, "", &mut report)
        .map(|p| (p, report))
        .map_err(|message| Error::Input { format: FORMAT, message })
}

/// The places of a GeoJSON FeatureCollection, with the loss report of all of them and one
/// message (starting with the JSON pointer) per Feature that could not be converted. The other
/// Features are still converted.
pub fn collection_to_places(fc: &Value) -> (Vec<Place>, LossReport, Vec<String>) {
    let mut places = Vec::new();
    let mut report = LossReport::default();
    let mut errors = Vec::new();
    match fc.get("type").and_then(Value::as_str) {
        Some("FeatureCollection") => {}
        _ => errors.push("/type: a FeatureCollection must have `type` \"FeatureCollection\"".to_owned()),
    }
    let Some(features) = fc.get("features").and_then(Value::as_array) else {
        errors.push("/features: a FeatureCollection must have an array `features`".to_owned());
        return (places, report, errors);
    };
    for (i, feature) in features.iter().enumerate() {
        let mut one = LossReport::default();
        match convert_feature(feature, &format!("/features/{i}"), &mut one) {
            Ok(place) => {
                places.push(place);
                report.entries.append(&mut one.entries);
            }
            Err(e) => errors.push(e),
        }
    }
    (places, report, errors)
}

fn kept(report: &mut LossReport, base: &str, name: &str) {
    report.push(Loss {
        kind: LossKind::KeptInExtensions,
        source: format!("{base}/properties/{}", token(name)),
        target: Some(format!("/extensions/{NAMESPACE}/{}", token(name))),
        code: Code::GeojsonPropertyKept,
        message_zh: format!("GeoJSON 属性 `{name}` 不是 Linli 地点的成员，已保存在扩展 `{NAMESPACE}` 中"),
        message_en: format!("GeoJSON property `{name}` is not a Linli place member; kept in extensions `{NAMESPACE}`"),
    });
}

/// Convert one Feature; pointers in the error and in `report` start with `base`.
fn convert_feature(feature: &Value, base: &str, report: &mut LossReport) -> Result<Place, String> {
    let Some(obj) = feature.as_object() else {
        return Err(format!("{}: a Feature must be a JSON object", if base.is_empty() { "(root)" } else { base }));
    };
    if obj.get("type").and_then(Value::as_str) != Some("Feature") {
        return Err(format!("{base}/type: a Feature must have `type` \"Feature\""));
    }
    let id = match obj.get("id") {
        Some(Value::String(s)) => Value::String(s.clone()),
        Some(Value::Number(n)) if linli_model::text::Id::new(n.to_string()).is_ok() => {
            report.push(Loss {
                kind: LossKind::Normalised,
                source: format!("{base}/id"),
                target: Some("/id".into()),
                code: Code::GeojsonNumericId,
                message_zh: format!("数字 Feature 标识 {n} 已转为字符串"),
                message_en: format!("numeric Feature id {n} turned into a string"),
            });
            Value::String(n.to_string())
        }
        _ => return Err(format!("{base}/id: a Feature must have a string or number `id` (the place id)")),
    };
    if let Some(Err(e)) = id.as_str().map(linli_model::text::Id::new) {
        return Err(format!("{base}/id: not a valid place id: {e}"));
    }
    let mut record = match obj.get("properties") {
        Some(Value::Object(m)) => m.clone(),
        Some(Value::Null) | None => Map::new(),
        Some(_) => return Err(format!("{base}/properties: `properties` must be an object or null")),
    };
    if let Some(missing) = REQUIRED_PROPERTIES.iter().find(|m| !record.contains_key(**m)) {
        return Err(format!("{base}/properties/{missing}: missing place member `{missing}`"));
    }

    // Foreign data kept under `extensions.geojson`, in the order it is found.
    let mut foreign = Map::new();
    let names: Vec<String> = record.keys().filter(|k| !PROPERTY_MEMBERS.contains(&k.as_str())).cloned().collect();
    for name in names {
        if let Some(v) = record.remove(&name) {
            kept(report, base, &name);
            foreign.insert(name, v);
        }
    }
    for (name, _) in obj.iter().filter(|(k, _)| !FEATURE_MEMBERS.contains(&k.as_str())) {
        report.push(Loss {
            kind: LossKind::NotRepresentable,
            source: format!("{base}/{}", token(name)),
            target: None,
            code: Code::GeojsonMemberDropped,
            message_zh: format!("Feature 成员 `{name}` 在 Linli 地点中没有对应位置"),
            message_en: format!("Feature member `{name}` has no place in a Linli place"),
        });
    }
    match obj.get("geometry") {
        None | Some(Value::Null) => {}
        Some(g)
            if matches!(g.get("type").and_then(Value::as_str), Some("Point" | "Polygon" | "MultiPolygon"))
                && serde_json::from_value::<linli_model::geo::Geometry>(g.clone()).is_ok() =>
        {
            record.insert("geometry".into(), g.clone());
        }
        Some(g) => {
            if foreign.contains_key("geometry") {
                return Err(format!(
                    "{base}/geometry: cannot be kept in extensions: property `geometry` is already there"
                ));
            }
            let kind = g.get("type").and_then(Value::as_str).unwrap_or("?");
            report.push(Loss {
                kind: LossKind::NotRepresentable,
                source: format!("{base}/geometry"),
                target: Some(format!("/extensions/{NAMESPACE}/geometry")),
                code: Code::GeojsonGeometryNotRepresentable,
                message_zh: format!("几何 `{kind}` 不是有效的点、多边形或多多边形，已保存在扩展 `{NAMESPACE}` 中"),
                message_en: format!(
                    "geometry `{kind}` is not a valid Point, Polygon or MultiPolygon; kept in extensions `{NAMESPACE}`"
                ),
            });
            foreign.insert("geometry".into(), g.clone());
        }
    }
    if !foreign.is_empty() {
        let extensions = record.entry("extensions").or_insert_with(|| Value::Object(Map::new()));
        let Some(extensions) = extensions.as_object_mut() else {
            return Err(format!("{base}/properties/extensions: `extensions` must be an object"));
        };
        let ns = extensions.entry(NAMESPACE).or_insert_with(|| Value::Object(Map::new()));
        let Some(ns) = ns.as_object_mut() else {
            return Err(format!("{base}/properties/extensions/{NAMESPACE}: must be an object"));
        };
        for (name, v) in foreign {
            if ns.contains_key(&name) {
                return Err(format!(
                    "{base}/properties/{}: cannot be kept in extensions: `extensions.{NAMESPACE}.{name}` already exists",
                    token(&name)
                ));
            }
            ns.insert(name, v);
        }
    }
    record.insert("id".into(), id);
    serde_json::from_value(Value::Object(record)).map_err(|e| format!("{base}/properties: not a valid place: {e}"))
}

// ---------------------------------------------------------------------------------------------
// Reading any GeoJSON [ADP-062]–[ADP-068]

/// The built-in property table [ADP-063]: property keys (exact, case-sensitive) and the place
/// member each gives, in order of precedence. The first key present with a value wins; the
/// others are kept in extensions.
pub const BUILTIN_PROPERTIES: &[(&str, Member)] = &[
    ("name", Member::Name),
    ("NAME", Member::Name),
    ("Name", Member::Name),
    ("名称", Member::Name),
    ("title", Member::Name),
    ("adcode", Member::DivisionCode),
    ("ADCODE", Member::DivisionCode),
    ("行政区划代码", Member::DivisionCode),
    ("id", Member::Id),
    ("address", Member::Address),
    ("地址", Member::Address),
    ("level", Member::Level),
    ("area", Member::Area),
    ("面积", Member::Area),
];

/// A place member a property can give [ADP-063].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Member {
    /// `name`, a text.
    Name,
    /// `divisionCode`: 6, 9 or 12 digits, a string or an integer.
    DivisionCode,
    /// `id` when the Feature has none.
    Id,
    /// `address.fullText`.
    Address,
    /// `kind`, from a DataV/Amap `level` (`province`, `city`, `district`, `street`).
    Level,
    /// `kind`, a place-kind code.
    Kind,
    /// `area` in square metres, a number greater than zero.
    Area,
}

impl Member {
    fn parse(s: &str) -> Option<Member> {
        Some(match s {
            "name" => Member::Name,
            "divisionCode" => Member::DivisionCode,
            "id" => Member::Id,
            "address" => Member::Address,
            "level" => Member::Level,
            "kind" => Member::Kind,
            "area" => Member::Area,
            _ => return None,
        })
    }
}

/// The place kind of a foreign Feature when nothing gives one [ADP-064].
pub const DEFAULT_KIND: &str = "poi";

/// A user's property mapping (`ReadOptions::format_mapping`, TOML) [ADP-063]:
///
/// ```toml
/// kind = "compound"          # place kind of every foreign Feature (optional)
/// [properties]               # property key → place member
/// "小区名称" = "name"
/// "区划代码" = "divisionCode"
/// ```
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PropertyMapping {
    /// Place kind of every foreign Feature.
    pub kind: Option<String>,
    /// Property key → member; consulted before the built-in table.
    pub properties: Vec<(String, Member)>,
}

impl PropertyMapping {
    /// Parses a mapping file; the error names what is wrong.
    pub fn parse(text: &str) -> Result<Self, Error> {
        let bad = |m: String| Error::Mapping { format: "geojson", problems: vec![m] };
        let v: toml::Table = text.parse().map_err(|e| bad(crate::toml_problem(text, &e)))?;
        let mut out = PropertyMapping::default();
        for (k, v) in &v {
            match (k.as_str(), v) {
                ("kind", toml::Value::String(s)) => {
                    if serde_json::from_value::<linli_model::codes::PlaceKind>(Value::String(s.clone())).is_err() {
                        return Err(bad(crate::not_in_table::<linli_model::codes::PlaceKind>("kind", s)));
                    }
                    out.kind = Some(s.clone());
                }
                ("properties", toml::Value::Table(t)) => {
                    for (key, m) in t {
                        let member = m.as_str().and_then(Member::parse).ok_or_else(|| {
                            bad(format!(
                                "properties.{key}: must be one of name, divisionCode, id, address, level, kind, area"
                            ))
                        })?;
                        out.properties.push((key.clone(), member));
                    }
                }
                _ => return Err(bad(format!("`{k}`: unknown key (expected `kind` and `[properties]`)"))),
            }
        }
        Ok(out)
    }
}

/// What reading a GeoJSON document gives: places, the loss report and findings.
#[derive(Debug, Default)]
pub struct ReadOutcome {
    /// The places, in input order.
    pub places: Vec<Place>,
    /// The JSON pointer of the Feature each place was read from (`/features/<i>`, empty for a
    /// lone Feature or geometry), parallel to `places`.
    pub sources: Vec<String>,
    /// Everything not carried over unchanged.
    pub loss: LossReport,
    /// Features not converted and rejected values.
    pub findings: Vec<AdapterFinding>,
}

fn finding(code: Code, at: impl Into<String>, zh: String, en: String) -> AdapterFinding {
    AdapterFinding { code, at: at.into(), message_zh: zh, message_en: en }
}

/// The pointer of the first member name that occurs twice in one object of the JSON text
/// (RFC 8259 §4: names SHOULD be unique; a parser keeps only one of them) [ADP-062].
pub fn first_duplicate_member(bytes: &[u8]) -> Option<String> {
    use serde::de::{DeserializeSeed, MapAccess, SeqAccess, Visitor};
    struct Walk<'a>(&'a mut Option<String>, String);
    impl<'de> DeserializeSeed<'de> for Walk<'_> {
        type Value = ();
        fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
            d.deserialize_any(self)
        }
    }
    impl<'de> Visitor<'de> for Walk<'_> {
        type Value = ();
        fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("JSON")
        }
        fn visit_bool<E>(self, _: bool) -> Result<(), E> {
            Ok(())
        }
        fn visit_i64<E>(self, _: i64) -> Result<(), E> {
            Ok(())
        }
        fn visit_u64<E>(self, _: u64) -> Result<(), E> {
            Ok(())
        }
        fn visit_f64<E>(self, _: f64) -> Result<(), E> {
            Ok(())
        }
        fn visit_str<E>(self, _: &str) -> Result<(), E> {
            Ok(())
        }
        fn visit_unit<E>(self) -> Result<(), E> {
            Ok(())
        }
        fn visit_seq<A: SeqAccess<'de>>(self, mut a: A) -> Result<(), A::Error> {
            let mut i = 0usize;
            while a.next_element_seed(Walk(&mut *self.0, format!("{}/{i}", self.1)))?.is_some() {
                i += 1;
            }
            Ok(())
        }
        fn visit_map<A: MapAccess<'de>>(self, mut a: A) -> Result<(), A::Error> {
            let mut seen = HashSet::new();
            while let Some(k) = a.next_key::<String>()? {
                let at = format!("{}/{}", self.1, token(&k));
                if !seen.insert(k) && self.0.is_none() {
                    *self.0 = Some(at.clone());
                }
                a.next_value_seed(Walk(&mut *self.0, at))?;
            }
            Ok(())
        }
    }
    let body = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let mut found = None;
    let mut de = serde_json::Deserializer::from_slice(body);
    Walk(&mut found, String::new()).deserialize(&mut de).ok()?;
    found
}

/// Decodes ECharts' compressed coordinates in place (`"UTF8Encoding": true`, ECharts
/// `parseGeoJson`) [ADP-068]: each ring is a string of UTF-16 code-unit pairs; each code unit
/// minus 64 is zig-zag decoded, added to the previous value (starting at the ring's
/// `encodeOffsets` pair) and divided by `UTF8Scale` (default 1024). Returns the pointers of the
/// geometries decoded, or the pointer and reason of the first one that cannot be.
pub fn decode_echarts(fc: &mut Value) -> Result<Vec<String>, (String, String)> {
    let scale = fc.get("UTF8Scale").and_then(Value::as_f64).filter(|s| *s > 0.0).unwrap_or(1024.0);
    let mut done = Vec::new();
    let Some(features) = fc.get_mut("features").and_then(Value::as_array_mut) else { return Ok(done) };
    for (i, f) in features.iter_mut().enumerate() {
        let at = format!("/features/{i}/geometry");
        let Some(g) = f.get_mut("geometry").and_then(Value::as_object_mut) else { continue };
        // a geometry without a string `type`: the default empty type matches no geometry type and is left as it is.
        let ty = g.get("type").and_then(Value::as_str).unwrap_or_default().to_owned();
        let offsets = g.remove("encodeOffsets").unwrap_or(Value::Null);
        let Some(coords) = g.get_mut("coordinates") else { continue };
        let ring = |s: &Value, off: &Value, p: &str| -> Result<Value, (String, String)> {
            let bad = |why: &str| (p.to_owned(), why.to_owned());
            let Some(s) = s.as_str() else { return Ok(s.clone()) };
            let (Some(x0), Some(y0)) = (off.get(0).and_then(Value::as_i64), off.get(1).and_then(Value::as_i64)) else {
                return Err(bad("no encodeOffsets pair for this ring"));
            };
            let units: Vec<u16> = s.encode_utf16().collect();
            if units.len() % 2 != 0 {
                return Err(bad("an encoded ring has an odd number of code units"));
            }
            let (mut x, mut y) = (x0, y0);
            let mut out = Vec::with_capacity(units.len() / 2);
            for pair in units.chunks_exact(2) {
                let zz = |u: u16| {
                    let v = i64::from(u) - 64;
                    (v >> 1) ^ -(v & 1)
                };
                // Offsets come from the input: an overflow is bad input, not a panic.
                let (Some(nx), Some(ny)) = (x.checked_add(zz(pair[0])), y.checked_add(zz(pair[1]))) else {
                    return Err(bad("an encoded ring runs out of range"));
                };
                (x, y) = (nx, ny);
                out.push(serde_json::json!([x as f64 / scale, y as f64 / scale]));
            }
            Ok(Value::Array(out))
        };
        match (ty.as_str(), coords) {
            ("Polygon", Value::Array(rings)) => {
                for (r, v) in rings.iter_mut().enumerate() {
                    *v = ring(v, offsets.get(r).unwrap_or(&Value::Null), &format!("{at}/coordinates/{r}"))?;
                }
            }
            ("MultiPolygon", Value::Array(polys)) => {
                for (k, poly) in polys.iter_mut().enumerate() {
                    let Some(rings) = poly.as_array_mut() else { continue };
                    for (r, v) in rings.iter_mut().enumerate() {
                        let off = offsets.get(k).and_then(|o| o.get(r)).unwrap_or(&Value::Null);
                        *v = ring(v, off, &format!("{at}/coordinates/{k}/{r}"))?;
                    }
                }
            }
            _ => continue,
        }
        done.push(at);
    }
    Ok(done)
}

/// Reads a GeoJSON document: a FeatureCollection, a Feature or a bare geometry [ADP-062].
/// `bytes` is the text `json` was parsed from (for the duplicate-member check).
pub fn read(json: &Value, bytes: &[u8], opts: &ReadOptions) -> Result<ReadOutcome, Error> {
    let mapping = match &opts.format_mapping {
        Some(t) => PropertyMapping::parse(t)?,
        None => PropertyMapping::default(),
    };
    let mut out = ReadOutcome::default();
    if let Some(at) = first_duplicate_member(bytes) {
        out.findings.push(finding(
            Code::GeojsonDuplicateMember,
            at.clone(),
            format!("成员名 `{at}` 在同一对象中出现两次，无法确定取值；输入未转换"),
            format!("member `{at}` occurs twice in one object, so its value is ambiguous; nothing converted"),
        ));
        return Ok(out);
    }
    let Some(obj) = json.as_object() else {
        return Err(Error::Input {
            format: FORMAT,
            message: "(root): a GeoJSON document must be a JSON object".into(),
        });
    };
    // a Feature without a string `type`: the default empty type is no GeoJSON type and is refused below.
    let ty = obj.get("type").and_then(Value::as_str).unwrap_or_default();
    let ctx = Ctx { mapping: &mapping, datum: opts.datum, received_at: opts.received_at };
    match ty {
        "FeatureCollection" => {
            let mut fc = json.clone();
            if obj.get("UTF8Encoding") == Some(&Value::Bool(true)) {
                match decode_echarts(&mut fc) {
                    Ok(done) => {
                        for at in done {
                            out.loss.push(Loss {
                                kind: LossKind::Normalised,
                                source: at,
                                target: Some("/geometry".into()),
                                code: Code::GeojsonEchartsDecoded,
                                message_zh: "ECharts 压缩坐标（UTF8Encoding）已解码".into(),
                                message_en: "ECharts compressed coordinates (UTF8Encoding) decoded".into(),
                            });
                        }
                    }
                    Err((at, why)) => {
                        out.loss.entries.clear();
                        out.findings.push(finding(
                            Code::GeojsonEchartsUndecodable,
                            at,
                            format!("ECharts 压缩坐标无法解码：{why}"),
                            format!("ECharts compressed coordinates cannot be decoded: {why}"),
                        ));
                        return Ok(out);
                    }
                }
            }
            for (name, _) in
                obj.iter().filter(|(k, _)| !matches!(k.as_str(), "type" | "features" | "UTF8Encoding" | "UTF8Scale"))
            {
                out.loss.push(Loss {
                    kind: LossKind::NotRepresentable,
                    source: format!("/{}", token(name)),
                    target: None,
                    code: Code::GeojsonMemberDropped,
                    message_zh: format!("FeatureCollection 成员 `{name}` 在 Linli 地点中没有对应位置"),
                    message_en: format!("FeatureCollection member `{name}` has no place in a Linli place"),
                });
            }
            let Some(features) = fc.get("features").and_then(Value::as_array) else {
                out.findings.push(finding(
                    Code::GeojsonNotConverted,
                    "/features",
                    "FeatureCollection 必须有数组 `features`".into(),
                    "a FeatureCollection must have an array `features`".into(),
                ));
                return Ok(out);
            };
            for (i, f) in features.iter().enumerate() {
                let at = format!("/features/{i}");
                ctx.one(f, &at, &mut out);
                out.sources.resize(out.places.len(), at);
            }
        }
        "Feature" if !linli_shaped(json) && ngsi_ld_shaped(json) => {
            return Err(Error::Input {
                format: FORMAT,
                message: "(root): an NGSI-LD entity in its GeoJSON form (a urn:ngsi-ld: id or a GeoProperty geometry), not a place: read it with `--from ngsi-ld`".into(),
            });
        }
        "Feature" => ctx.one(json, "", &mut out),
        "Point" | "Polygon" | "MultiPolygon" | "LineString" | "MultiPoint" | "MultiLineString"
        | "GeometryCollection" => {
            let mut f = Map::new();
            f.insert("type".into(), "Feature".into());
            f.insert("geometry".into(), json.clone());
            f.insert("properties".into(), Value::Null);
            ctx.feature(&Value::Object(f), "", true, &mut out);
        }
        _ => {
            return Err(Error::Input {
                format: FORMAT,
                message: format!(
                    "/type: `{ty}` is not a GeoJSON object type (FeatureCollection, Feature or a geometry); not GeoJSON"
                ),
            });
        }
    }
    out.sources.resize(out.places.len(), String::new());
    Ok(out)
}

struct Ctx<'a> {
    mapping: &'a PropertyMapping,
    datum: Datum,
    received_at: linli_model::datetime::Timestamp,
}

/// Whether a Feature is Linli-shaped: `properties.type` is `"Place"` and `properties.meta` an
/// object [ADP-061].
fn linli_shaped(f: &Value) -> bool {
    let p = f.get("properties");
    p.and_then(|p| p.get("type")).and_then(Value::as_str) == Some("Place")
        && p.and_then(|p| p.get("meta")).is_some_and(Value::is_object)
}

/// Whether the whole input is NGSI-LD entities in their GeoJSON representation: such a Feature,
/// or a non-empty FeatureCollection of nothing else; `convert::read` reads it with the NGSI-LD
/// reader [ADP-062].
pub fn is_ngsi_ld_body(json: &Value) -> bool {
    let one = |f: &Value| !linli_shaped(f) && ngsi_ld_shaped(f);
    match json.get("type").and_then(Value::as_str) {
        Some("Feature") => one(json),
        Some("FeatureCollection") => json.get("features").and_then(Value::as_array).is_some_and(|fs| {
            !fs.is_empty() && fs.iter().all(|f| f.get("type").and_then(Value::as_str) == Some("Feature") && one(f))
        }),
        _ => false,
    }
}

/// Whether a Feature is an NGSI-LD entity in its GeoJSON representation (ETSI GS CIM 009): an
/// id starting `urn:ngsi-ld:`, or a geometry `{"type": "GeoProperty", "value": …}` [ADP-062].
fn ngsi_ld_shaped(f: &Value) -> bool {
    f.get("id").and_then(Value::as_str).is_some_and(|id| id.starts_with("urn:ngsi-ld:"))
        || f.get("geometry").and_then(|g| g.get("type")).and_then(Value::as_str) == Some("GeoProperty")
}

/// The first 16 hexadecimal digits of the SHA-256 of `text`.
fn short_hash(text: &str) -> String {
    Sha256::digest(text.as_bytes()).iter().take(8).map(|b| format!("{b:02x}")).collect()
}

impl Ctx<'_> {
    fn one(&self, f: &Value, base: &str, out: &mut ReadOutcome) {
        if linli_shaped(f) {
            let mut one = LossReport::default();
            match convert_feature(f, base, &mut one) {
                Ok(mut place) => {
                    if let Some(g) = place.geometry.as_mut() {
                        self.datum_of(g, &format!("{base}/geometry"), &mut one);
                    }
                    out.places.push(place);
                    out.loss.entries.append(&mut one.entries);
                }
                Err(e) => out.findings.extend(crate::convert::not_converted(Code::GeojsonNotConverted, vec![e])),
            }
        } else {
            self.feature(f, base, false, out);
        }
    }

    /// Converts a valid Linli geometry declared in `self.datum` to WGS-84 in place.
    fn datum_of(&self, g: &mut linli_model::geo::Geometry, at: &str, loss: &mut LossReport) {
        if self.datum == Datum::Wgs84 {
            return;
        }
        for p in g.positions_mut() {
            if let Located::At { lng, lat, .. } = locate(p.lng, p.lat, self.datum) {
                p.lng = lng;
                p.lat = lat;
            }
        }
        loss.push(coordinates_converted(at, self.datum));
    }

    /// A foreign Feature (or a bare geometry wrapped as one when `bare`) [ADP-062]–[ADP-067].
    fn feature(&self, f: &Value, base: &str, bare: bool, out: &mut ReadOutcome) {
        let here = |p: &str| format!("{base}{p}");
        let not_converted = |out: &mut ReadOutcome, code: Code, at: String, zh: String, en: String| {
            out.findings.push(finding(code, at, format!("此 Feature 未转换：{zh}"), format!("not converted: {en}")));
        };
        let Some(obj) = f.as_object() else {
            let at = if base.is_empty() { String::new() } else { base.to_owned() };
            return not_converted(
                out,
                Code::GeojsonNotConverted,
                at,
                "Feature 必须是 JSON 对象".into(),
                "a Feature must be a JSON object".into(),
            );
        };
        if obj.get("type").and_then(Value::as_str) != Some("Feature") {
            return not_converted(
                out,
                Code::GeojsonNotConverted,
                here("/type"),
                "`type` 必须是 \"Feature\"".into(),
                "a Feature must have `type` \"Feature\"".into(),
            );
        }
        if ngsi_ld_shaped(f) {
            return not_converted(
                out,
                Code::GeojsonNgsiLdEntity,
                here(""),
                "这是 GeoJSON 形式的 NGSI-LD 实体（urn:ngsi-ld: 标识或 GeoProperty 几何），请用 `--from ngsi-ld` 读取".into(),
                "this is an NGSI-LD entity in its GeoJSON form (a urn:ngsi-ld: id or a GeoProperty geometry): read it with `--from ngsi-ld`".into(),
            );
        }
        let mut loss = LossReport::default();
        let props = match obj.get("properties") {
            Some(Value::Object(m)) => m.clone(),
            Some(Value::Null) | None => Map::new(),
            Some(_) => {
                return not_converted(
                    out,
                    Code::GeojsonBadProperties,
                    here("/properties"),
                    "`properties` 必须是对象或 null（RFC 7946 §3.2）".into(),
                    "`properties` must be an object or null (RFC 7946 §3.2)".into(),
                );
            }
        };
        // The Feature id [ADP-065].
        let mut source_id = None;
        let mut id = match obj.get("id") {
            None | Some(Value::Null) => None,
            Some(Value::String(s)) => Some((s.clone(), here("/id"))),
            Some(Value::Number(n)) => Some((n.to_string(), here("/id"))),
            Some(_) => {
                return not_converted(
                    out,
                    Code::GeojsonBadId,
                    here("/id"),
                    "Feature 的 `id` 必须是字符串或数字（RFC 7946 §3.2）".into(),
                    "a Feature `id` must be a string or a number (RFC 7946 §3.2)".into(),
                );
            }
        };
        if matches!(obj.get("id"), Some(Value::Number(_))) {
            loss.push(Loss {
                kind: LossKind::Normalised,
                source: here("/id"),
                target: Some("/id".into()),
                code: Code::GeojsonNumericId,
                message_zh: "数字 Feature 标识已转为字符串".into(),
                message_en: "numeric Feature id turned into a string".into(),
            });
        }

        // Properties → members [ADP-063].
        let mut record = Map::new();
        let mut foreign = Map::new();
        let mut taken: HashSet<Member> = HashSet::new();
        let mut rejected_keys: HashSet<String> = HashSet::new();
        let mut kind_from: Option<(String, String)> = None;
        let member_of = |key: &str| -> Option<Member> {
            self.mapping
                .properties
                .iter()
                .find(|(k, _)| k == key)
                .map(|(_, m)| *m)
                .or_else(|| BUILTIN_PROPERTIES.iter().find(|(k, _)| *k == key).map(|(_, m)| *m))
        };
        // Keys in precedence order: the user's first, then the built-in table, then the rest.
        let mut keys: Vec<&String> = props.keys().collect();
        let rank = |k: &str| -> usize {
            self.mapping
                .properties
                .iter()
                .position(|(m, _)| m == k)
                .or_else(|| BUILTIN_PROPERTIES.iter().position(|(m, _)| *m == k).map(|p| p + 1000))
                .unwrap_or(usize::MAX)
        };
        keys.sort_by_key(|k| rank(k));
        for key in keys {
            let v = &props[key];
            let at = here(&format!("/properties/{}", token(key)));
            let member = member_of(key).filter(|m| !(taken.contains(m) || (*m == Member::Id && id.is_some())));
            let Some(member) = member else {
                foreign.insert(key.clone(), v.clone());
                continue;
            };
            if crate::rules::is_absent(v) {
                loss.push(Loss {
                    kind: LossKind::Normalised,
                    source: at,
                    target: None,
                    code: Code::GeojsonNullAbsent,
                    message_zh: format!("属性 `{key}` 为 null 或空，按缺失处理"),
                    message_en: format!("property `{key}` is null or empty: read as absent"),
                });
                continue;
            }
            let text = match v {
                Value::String(s) => Some(s.trim().to_owned()),
                Value::Number(n) if matches!(member, Member::DivisionCode | Member::Id) && n.is_u64() => {
                    Some(n.to_string())
                }
                _ => None,
            };
            let ok = match member {
                Member::Name => text.as_deref().filter(|t| linli_model::text::Text::new(*t).is_ok()).map(|t| {
                    record.insert("name".into(), t.into());
                }),
                Member::DivisionCode => {
                    text.as_deref().filter(|t| linli_model::codes::division_code_shape(t).is_ok()).map(|t| {
                        record.insert("divisionCode".into(), t.into());
                    })
                }
                Member::Id => text.map(|t| id = Some((t, at.clone()))),
                Member::Address => text.as_deref().filter(|t| linli_model::text::Text::new(*t).is_ok()).map(|t| {
                    record.insert("address".into(), serde_json::json!({ "fullText": t }));
                }),
                Member::Area => v.as_f64().filter(|a| *a > 0.0 && a.is_finite()).map(|a| {
                    record.insert("area".into(), a.into());
                }),
                Member::Level | Member::Kind => {
                    let code = match (member, text.as_deref()) {
                        (Member::Level, Some("province")) => Some("province"),
                        (Member::Level, Some("city")) => Some("city"),
                        (Member::Level, Some("district")) => Some("district"),
                        (Member::Level, Some("street")) => Some("sub-district"),
                        (Member::Kind, Some(t)) => Some(t),
                        _ => None,
                    };
                    code.filter(|c| {
                        serde_json::from_value::<linli_model::codes::PlaceKind>(Value::String((*c).to_owned())).is_ok()
                    })
                    .map(|c| kind_from = Some((c.to_owned(), at.clone())))
                }
            };
            if ok.is_some() {
                taken.insert(member);
                if matches!(member, Member::Level | Member::Kind) {
                    taken.extend([Member::Level, Member::Kind]);
                }
            } else {
                loss.push(Loss {
                    kind: LossKind::Rejected,
                    source: at,
                    target: Some(format!("/extensions/{NAMESPACE}/{}", token(key))),
                    code: Code::GeojsonBadPropertyValue,
                    message_zh: format!("属性 `{key}` 的值不能作为地点成员（类型或格式不符），已保存在扩展中"),
                    message_en: format!(
                        "property `{key}` has a value that cannot be the place member (wrong type or form); kept in extensions"
                    ),
                });
                foreign.insert(key.clone(), v.clone());
                rejected_keys.insert(key.clone());
            }
        }

        // Geometry [ADP-066], [ADP-067].
        let geometry = obj.get("geometry").unwrap_or(&Value::Null);
        let mut kept_geometry = None;
        let geom = if geometry.is_null() {
            None
        } else {
            match self.geometry(geometry, &here("/geometry"), &mut loss) {
                Ok(g) => {
                    if g.is_none() && loss.entries.iter().any(|l| l.code == Code::GeojsonGeometryNotRepresentable) {
                        kept_geometry = Some(geometry.clone());
                    }
                    g
                }
                Err((code, at, zh, en)) => {
                    loss.push(Loss {
                        kind: LossKind::Rejected,
                        source: at,
                        target: Some(format!("/extensions/{NAMESPACE}/geometry")),
                        code,
                        message_zh: format!("{zh}；几何已保存在扩展中"),
                        message_en: format!("{en}; the geometry is kept in extensions"),
                    });
                    kept_geometry = Some(geometry.clone());
                    None
                }
            }
        };
        if bare && geom.is_none() {
            let rejected: Vec<_> = loss.entries.iter().filter(|l| l.kind == LossKind::Rejected).cloned().collect();
            for l in rejected {
                out.findings.push(finding(l.code, l.source, l.message_zh, l.message_en));
            }
            return not_converted(
                out,
                Code::GeojsonNotConverted,
                String::new(),
                "单独的几何不是 Linli 地点能容纳的几何，没有可转换的内容".into(),
                "a bare geometry that no Linli place geometry can hold has nothing to convert".into(),
            );
        }

        if props.is_empty() && geom.is_none() && kept_geometry.is_none() && !bare {
            return not_converted(
                out,
                Code::GeojsonEmptyFeature,
                here(""),
                "Feature 既没有几何也没有属性，没有可转换的内容".into(),
                "the Feature has neither a geometry nor any property: nothing to convert".into(),
            );
        }
        // The place id [ADP-065].
        let id = match id {
            Some((s, _)) if linli_model::text::Id::new(s.clone()).is_ok() => s,
            Some((s, at)) => {
                let made = format!("geojson-{}", short_hash(&s));
                loss.push(Loss {
                    kind: LossKind::Normalised,
                    source: at,
                    target: Some("/id".into()),
                    code: Code::GeojsonIdGenerated,
                    message_zh: format!("标识不是有效的 Linli 标识，改用生成的 `{made}`，原值保存在 meta.sourceId"),
                    message_en: format!(
                        "the id is not a valid Linli id; `{made}` generated, the original kept in meta.sourceId"
                    ),
                });
                source_id = Some(s);
                made
            }
            None => {
                // A division code identifies a division, not a facility within it [ADP-065].
                let kind = self.mapping.kind.as_deref().or(kind_from.as_ref().map(|(k, _)| k.as_str()));
                let division = matches!(kind, Some("province" | "city" | "district" | "sub-district" | "community"));
                let made = match record.get("divisionCode").and_then(Value::as_str).filter(|_| division) {
                    Some(code) => code.to_owned(),
                    None => format!("geojson-{}", short_hash(&f.to_string())),
                };
                loss.push(Loss {
                    kind: LossKind::Normalised,
                    source: here("/id"),
                    target: Some("/id".into()),
                    code: Code::GeojsonIdGenerated,
                    message_zh: format!("Feature 没有标识，使用 `{made}`"),
                    message_en: format!("the Feature has no id; `{made}` used"),
                });
                made
            }
        };
        if !record.contains_key("name") {
            loss.push(Loss {
                kind: LossKind::Normalised,
                source: here("/properties"),
                target: Some("/name".into()),
                code: Code::GeojsonDefaultName,
                message_zh: "没有名称属性，以标识作为名称".into(),
                message_en: "no name property; the id is used as the name".into(),
            });
            record.insert("name".into(), id.clone().into());
        }
        let kind = match (&self.mapping.kind, kind_from) {
            (Some(k), _) => k.clone(),
            (None, Some((k, _))) => k,
            (None, None) => {
                loss.push(Loss {
                    kind: LossKind::Normalised,
                    source: here("/properties"),
                    target: Some("/kind".into()),
                    code: Code::GeojsonDefaultKind,
                    message_zh: format!("没有地点类型，使用默认值 `{DEFAULT_KIND}`"),
                    message_en: format!("no place kind; the default `{DEFAULT_KIND}` is used"),
                });
                DEFAULT_KIND.to_owned()
            }
        };
        for (name, _) in obj.iter().filter(|(k, _)| !FEATURE_MEMBERS.contains(&k.as_str())) {
            loss.push(Loss {
                kind: LossKind::NotRepresentable,
                source: here(&format!("/{}", token(name))),
                target: None,
                code: Code::GeojsonMemberDropped,
                message_zh: format!("Feature 成员 `{name}` 在 Linli 地点中没有对应位置"),
                message_en: format!("Feature member `{name}` has no place in a Linli place"),
            });
        }
        // Personal or secret properties are not kept [ADP-078].
        for name in foreign.keys().filter(|k| crate::rules::is_sensitive_member(k)).cloned().collect::<Vec<_>>() {
            foreign.remove(&name);
            loss.push(crate::rules::sensitive_not_kept(
                Code::GeojsonSensitiveNotKept,
                here(&format!("/properties/{}", token(&name))),
            ));
        }
        for (name, v) in foreign.iter_mut() {
            for p in crate::rules::strip_sensitive(v, &here(&format!("/properties/{}", token(name)))) {
                loss.push(crate::rules::sensitive_not_kept(Code::GeojsonSensitiveNotKept, p));
            }
        }
        for name in foreign.keys().filter(|k| !rejected_keys.contains(*k)) {
            kept(&mut loss, base, name);
        }
        if let Some(g) = kept_geometry {
            if foreign.contains_key("geometry") {
                return not_converted(
                    out,
                    Code::GeojsonNotConverted,
                    here("/geometry"),
                    "几何无法保存在扩展中：属性 `geometry` 已在那里".into(),
                    "the geometry cannot be kept in extensions: property `geometry` is already there".into(),
                );
            }
            foreign.insert("geometry".into(), g);
        }
        record.insert("type".into(), "Place".into());
        record.insert("id".into(), id.into());
        record.insert("kind".into(), kind.into());
        let mut meta = serde_json::json!({
            "source": { "vendor": "GeoJSON", "product": "RFC 7946" },
            "createdAt": self.received_at.to_string(),
            "updatedAt": self.received_at.to_string(),
            "version": 1,
            "classification": "internal",
        });
        if let Some(s) = source_id.filter(|s| linli_model::text::Text::new(s.clone()).is_ok()) {
            meta["sourceId"] = s.into();
        }
        record.insert("meta".into(), meta);
        if let Some(g) = geom {
            match serde_json::to_value(g) {
                Ok(v) => {
                    record.insert("geometry".into(), v);
                }
                // Cannot happen for a checked geometry; should it, the Feature is refused, never
                // converted without its geometry.
                Err(e) => {
                    return not_converted(
                        out,
                        Code::GeojsonNotConverted,
                        here("/geometry"),
                        format!("几何无法写出：{e}"),
                        format!("the geometry cannot be written: {e}"),
                    );
                }
            }
        }
        if !foreign.is_empty() {
            record.insert("extensions".into(), serde_json::json!({ NAMESPACE: foreign }));
        }
        match serde_json::from_value::<Place>(Value::Object(record)) {
            Ok(p) => {
                for l in loss.of(LossKind::Rejected) {
                    out.findings.push(finding(l.code, l.source.clone(), l.message_zh.clone(), l.message_en.clone()));
                }
                out.places.push(p);
                out.loss.entries.append(&mut loss.entries);
            }
            Err(e) => not_converted(
                out,
                Code::GeojsonNotConverted,
                here("/properties"),
                format!("不是有效的地点：{e}"),
                format!("not a valid place: {e}"),
            ),
        }
    }

    /// A Linli geometry from a GeoJSON one, positions read by [`locate`] in the declared datum;
    /// `Ok(None)` when the geometry is of a type no place can hold (kept in extensions).
    #[allow(clippy::type_complexity)]
    fn geometry(
        &self,
        g: &Value,
        at: &str,
        loss: &mut LossReport,
    ) -> Result<Option<linli_model::geo::Geometry>, (Code, String, String, String)> {
        let bad = |at: String, zh: &str, en: &str| (Code::GeojsonBadGeometry, at, zh.to_owned(), en.to_owned());
        let Some(obj) = g.as_object() else {
            return Err(bad(at.to_owned(), "几何必须是对象", "a geometry must be an object"));
        };
        // a geometry without a string `type`: the default empty type is refused below as not a geometry type.
        let ty = obj.get("type").and_then(Value::as_str).unwrap_or_default();
        for (name, _) in obj.iter().filter(|(k, _)| !matches!(k.as_str(), "type" | "coordinates" | "geometries")) {
            loss.push(Loss {
                kind: LossKind::NotRepresentable,
                source: format!("{at}/{}", token(name)),
                target: None,
                code: Code::GeojsonMemberDropped,
                message_zh: format!("几何成员 `{name}` 在 Linli 几何中没有对应位置"),
                message_en: format!("geometry member `{name}` has no place in a Linli geometry"),
            });
        }
        let coords = obj.get("coordinates").unwrap_or(&Value::Null);
        let mut state = Positions::default();
        let value = match ty {
            "Point" => {
                serde_json::json!({ "type": "Point", "coordinates": self.position(coords, &format!("{at}/coordinates"), &mut state)? })
            }
            "Polygon" => {
                serde_json::json!({ "type": "Polygon", "coordinates": self.rings(coords, &format!("{at}/coordinates"), &mut state, loss)? })
            }
            "MultiPolygon" => {
                let Some(polys) = coords.as_array().filter(|p| !p.is_empty()) else {
                    return Err(bad(
                        format!("{at}/coordinates"),
                        "多多边形没有多边形",
                        "a MultiPolygon without polygons",
                    ));
                };
                let mut out = Vec::new();
                for (k, p) in polys.iter().enumerate() {
                    out.push(self.rings(p, &format!("{at}/coordinates/{k}"), &mut state, loss)?);
                }
                serde_json::json!({ "type": "MultiPolygon", "coordinates": out })
            }
            "GeometryCollection" => {
                // a GeometryCollection without `geometries`: the default empty list, refused below as holding no polygon.
                let members = obj.get("geometries").and_then(Value::as_array).cloned().unwrap_or_default();
                let all_polygons = !members.is_empty()
                    && members
                        .iter()
                        .all(|m| matches!(m.get("type").and_then(Value::as_str), Some("Polygon" | "MultiPolygon")));
                if members.len() == 1 {
                    return self.geometry(&members[0], &format!("{at}/geometries/0"), loss);
                }
                if !all_polygons {
                    loss.push(not_representable(at, "GeometryCollection"));
                    return Ok(None);
                }
                let mut polys = Vec::new();
                for (i, m) in members.iter().enumerate() {
                    match self.geometry(m, &format!("{at}/geometries/{i}"), loss)? {
                        Some(linli_model::geo::Geometry::Polygon(p)) => polys.push(p.coordinates),
                        Some(linli_model::geo::Geometry::MultiPolygon(mp)) => polys.extend(mp.coordinates),
                        _ => {}
                    }
                }
                loss.push(Loss {
                    kind: LossKind::Normalised,
                    source: at.to_owned(),
                    target: Some("/geometry".into()),
                    code: Code::GeojsonGeometryMerged,
                    message_zh: "多边形组成的 GeometryCollection 合并为一个多多边形".into(),
                    message_en: "a GeometryCollection of polygons merged into one MultiPolygon".into(),
                });
                let coordinates = serde_json::to_value(polys).map_err(|e| {
                    (
                        Code::GeojsonBadGeometry,
                        at.to_owned(),
                        format!("几何无法写出：{e}"),
                        format!("the geometry cannot be written: {e}"),
                    )
                })?;
                serde_json::json!({ "type": "MultiPolygon", "coordinates": coordinates })
            }
            "LineString" | "MultiPoint" | "MultiLineString" => {
                loss.push(not_representable(at, ty));
                return Ok(None);
            }
            _ => return Err(bad(format!("{at}/type"), "不是 GeoJSON 几何类型", "not a GeoJSON geometry type")),
        };
        if state.unknown {
            // A Point at 0,0: the usual way of writing "unknown" [ADP-073].
            loss.push(Loss {
                kind: LossKind::Normalised,
                source: format!("{at}/coordinates"),
                target: None,
                code: Code::GeojsonZeroPosition,
                message_zh: "坐标 0,0 表示未知位置，地点没有几何".into(),
                message_en: "position 0,0 means an unknown location; the place has no geometry".into(),
            });
            return Ok(None);
        }
        if state.swapped {
            loss.push(Loss {
                kind: LossKind::Normalised,
                source: format!("{at}/coordinates"),
                target: Some("/geometry/coordinates".into()),
                code: Code::GeojsonSwappedPosition,
                message_zh: "经纬度顺序颠倒，已纠正".into(),
                message_en: "latitude and longitude were swapped; put right".into(),
            });
        }
        if self.datum != Datum::Wgs84 {
            // Reported for every geometry read in another datum, moved or not [ADP-070].
            loss.push(coordinates_converted(at, self.datum));
        }
        serde_json::from_value(value)
            .map(Some)
            .map_err(|e| bad(at.to_owned(), &format!("几何无效：{e}"), &format!("invalid geometry: {e}")))
    }

    #[allow(clippy::type_complexity)]
    fn position(&self, v: &Value, at: &str, st: &mut Positions) -> Result<Value, (Code, String, String, String)> {
        let bad = || {
            (
                Code::GeojsonBadCoordinate,
                at.to_owned(),
                "坐标不是 [经度, 纬度] 范围内的数字".to_owned(),
                "the position is not [longitude, latitude] numbers in range".to_owned(),
            )
        };
        let a = v.as_array().filter(|a| a.len() == 2 || a.len() == 3).ok_or_else(bad)?;
        let (Some(x), Some(y)) = (a[0].as_f64(), a[1].as_f64()) else { return Err(bad()) };
        match locate(x, y, self.datum) {
            Located::At { lng, lat, swapped, .. } => {
                st.swapped |= swapped;
                let mut p = vec![Value::from(lng), Value::from(lat)];
                if let Some(alt) = a.get(2) {
                    p.push(Value::from(alt.as_f64().ok_or_else(bad)?));
                }
                Ok(Value::Array(p))
            }
            Located::Unknown if !st.in_ring => {
                st.unknown = true;
                Ok(serde_json::json!([0.0, 0.0]))
            }
            _ => Err(bad()),
        }
    }

    #[allow(clippy::type_complexity)]
    fn rings(
        &self,
        v: &Value,
        at: &str,
        st: &mut Positions,
        loss: &mut LossReport,
    ) -> Result<Value, (Code, String, String, String)> {
        let bad = |at: String| {
            (
                Code::GeojsonBadGeometry,
                at,
                "多边形的环无效（至少 4 个位置）".to_owned(),
                "a polygon ring is invalid (at least 4 positions)".to_owned(),
            )
        };
        let rings = v.as_array().filter(|r| !r.is_empty()).ok_or_else(|| bad(at.to_owned()))?;
        let mut out = Vec::new();
        st.in_ring = true;
        for (r, ring) in rings.iter().enumerate() {
            let ra = format!("{at}/{r}");
            let ps = ring.as_array().ok_or_else(|| bad(ra.clone()))?;
            let mut pos = Vec::new();
            for (j, p) in ps.iter().enumerate() {
                pos.push(self.position(p, &format!("{ra}/{j}"), st)?);
            }
            if pos.first() != pos.last() {
                if let Some(first) = pos.first().cloned() {
                    pos.push(first);
                    loss.push(Loss {
                        kind: LossKind::Normalised,
                        source: ra.clone(),
                        target: None,
                        code: Code::GeojsonRingClosed,
                        message_zh: "多边形的环未闭合，已补上首个位置".into(),
                        message_en: "an open polygon ring closed by repeating its first position".into(),
                    });
                }
            }
            if pos.len() < 4 {
                return Err(bad(ra));
            }
            out.push(Value::Array(pos));
        }
        Ok(Value::Array(out))
    }
}

#[derive(Default)]
struct Positions {
    swapped: bool,
    unknown: bool,
    in_ring: bool,
}

fn not_representable(at: &str, ty: &str) -> Loss {
    Loss {
        kind: LossKind::NotRepresentable,
        source: at.to_owned(),
        target: Some(format!("/extensions/{NAMESPACE}/geometry")),
        code: Code::GeojsonGeometryNotRepresentable,
        message_zh: format!("几何 `{ty}` 不是 Linli 地点的几何（点、多边形、多多边形），已保存在扩展 `{NAMESPACE}` 中"),
        message_en: format!(
            "geometry `{ty}` is not a place geometry (Point, Polygon, MultiPolygon); kept in extensions `{NAMESPACE}`"
        ),
    }
}

fn coordinates_converted(at: &str, datum: Datum) -> Loss {
    Loss {
        kind: LossKind::Normalised,
        source: at.to_owned(),
        target: Some("/geometry".into()),
        code: Code::GeojsonCoordinatesToWgs84,
        message_zh: format!("坐标已从 {} 转换为 WGS-84", datum.label()),
        message_en: format!("coordinates converted from {} to WGS-84", datum.label()),
    }
}
