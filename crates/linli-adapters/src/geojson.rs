//! GeoJSON (RFC 7946): [`Place`] ⇄ Feature / FeatureCollection.
//!
//! A place becomes a Feature whose `id` is the place id, whose `geometry` is the place's
//! geometry (`null` when it has none) and whose `properties` are every other member of the
//! place exactly as in its canonical JSON (`type`, `meta`, `kind`, `name`, `parent`, …,
//! `extensions`). Nothing is lost on the way out.
//!
//! On the way in, Features written by other systems are accepted too:
//!
//! - a property that is not a member of a Linli place is kept in `extensions.geojson.<name>`
//!   ([`LossKind::KeptInExtensions`]);
//! - a geometry other than a valid `Point` or `Polygon` (a `MultiPolygon`, a `LineString`, …)
//!   cannot be a place's geometry: it is kept in `extensions.geojson.geometry`
//!   ([`LossKind::NotRepresentable`]);
//! - a foreign member of the Feature object itself (e.g. `bbox`) has no home and is reported
//!   as [`LossKind::NotRepresentable`] without a target;
//! - a Feature without an `id`, or whose properties lack `type`, `meta`, `kind` or `name`, is
//!   an error naming the JSON pointer.
//!
//! Loss `source` pointers point into the input (prefixed with `/features/<i>` in a
//! collection); `target` pointers point into the converted place.

use crate::loss::token;
use linli_model::Place;
use serde_json::{Map, Value};

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
        code: "geojson-property-kept",
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
                code: "geojson-numeric-id",
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
            code: "geojson-member-dropped",
            message_zh: format!("Feature 成员 `{name}` 在 Linli 地点中没有对应位置"),
            message_en: format!("Feature member `{name}` has no place in a Linli place"),
        });
    }
    match obj.get("geometry") {
        None | Some(Value::Null) => {}
        Some(g)
            if matches!(g.get("type").and_then(Value::as_str), Some("Point" | "Polygon"))
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
                code: "geojson-geometry-not-representable",
                message_zh: format!("几何 `{kind}` 不是有效的点或多边形，已保存在扩展 `{NAMESPACE}` 中"),
                message_en: format!(
                    "geometry `{kind}` is not a valid Point or Polygon; kept in extensions `{NAMESPACE}`"
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
