//! Geometry: a GeoJSON (RFC 7946) subset, `[CON-030]`–`[CON-033]`.
//!
//! Coordinates are `[longitude, latitude]` or `[longitude, latitude, altitude]` in WGS-84
//! (CGCS2000 is accepted as equivalent at community scale). GCJ-02 and BD-09 are never
//! canonical `[CON-031]`: adapters convert them.

use serde::{Deserialize, Deserializer, Serialize};

/// A GeoJSON position: `[lng, lat]` or `[lng, lat, alt]` with `lng` in −180…180 and `lat` in
/// −90…90 `[CON-030]`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(into = "Vec<f64>")]
pub struct Position {
    /// Longitude in degrees, −180…180.
    pub lng: f64,
    /// Latitude in degrees, −90…90.
    pub lat: f64,
    /// Altitude in metres, if known.
    pub alt: Option<f64>,
}

impl Position {
    /// A position, checked for range.
    pub fn new(lng: f64, lat: f64) -> Result<Self, crate::Error> {
        let p = Position { lng, lat, alt: None };
        p.check().map(|()| p)
    }

    fn check(&self) -> Result<(), crate::Error> {
        let ok = self.lng.is_finite()
            && self.lat.is_finite()
            && (-180.0..=180.0).contains(&self.lng)
            && (-90.0..=90.0).contains(&self.lat)
            && self.alt.is_none_or(f64::is_finite);
        if ok { Ok(()) } else { Err(crate::Error::InvalidPosition { lng: self.lng, lat: self.lat }) }
    }

    /// Whether the position lies in the rough bounding box of China (73–136 °E, 3–54 °N): a
    /// Linli dataset with points elsewhere usually has swapped or shifted coordinates.
    pub fn in_china_bbox(&self) -> bool {
        (73.0..=136.0).contains(&self.lng) && (3.0..=54.0).contains(&self.lat)
    }
}

impl From<Position> for Vec<f64> {
    fn from(p: Position) -> Self {
        match p.alt {
            Some(a) => vec![p.lng, p.lat, a],
            None => vec![p.lng, p.lat],
        }
    }
}

impl<'de> Deserialize<'de> for Position {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let v = <Vec<f64>>::deserialize(d)?;
        let p = match v.as_slice() {
            [lng, lat] => Position { lng: *lng, lat: *lat, alt: None },
            [lng, lat, alt] => Position { lng: *lng, lat: *lat, alt: Some(*alt) },
            _ => {
                return Err(serde::de::Error::custom(
                    "a position has 2 or 3 numbers: [longitude, latitude, altitude?]",
                ));
            }
        };
        p.check().map_err(serde::de::Error::custom)?;
        Ok(p)
    }
}

#[cfg(feature = "schema")]
impl schemars::JsonSchema for Position {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Position".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        let lng = serde_json::json!({ "type": "number", "minimum": -180, "maximum": 180 });
        let lat = serde_json::json!({ "type": "number", "minimum": -90, "maximum": 90 });
        schemars::json_schema!({
            "type": "array",
            "title": "Position [longitude, latitude, altitude?] (WGS-84)",
            "x-linli-title-zh": "坐标 [经度, 纬度, 高程?]（WGS-84）",
            "oneOf": [
                { "prefixItems": [lng, lat], "items": false, "minItems": 2 },
                { "prefixItems": [lng, lat, { "type": "number" }], "items": false, "minItems": 3 }
            ],
        })
    }
}

/// A GeoJSON Point geometry `[CON-032]`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "schema", schemars(title = "Point (GeoJSON)", extend("x-linli-title-zh" = "点（GeoJSON）")))]
pub struct Point {
    /// Always `Point`.
    #[serde(rename = "type")]
    #[cfg_attr(feature = "schema", schemars(title = "Geometry type", extend("x-linli-title-zh" = "几何类型")))]
    pub geometry_type: PointTag,
    /// The position.
    #[cfg_attr(feature = "schema", schemars(title = "Coordinates", extend("x-linli-title-zh" = "坐标")))]
    pub coordinates: Position,
}

impl Point {
    /// A point at `lng`, `lat` (checked for range).
    pub fn new(lng: f64, lat: f64) -> Result<Self, crate::Error> {
        Ok(Point { geometry_type: PointTag, coordinates: Position::new(lng, lat)? })
    }
}

/// A linear ring: at least four positions, the last equal to the first `[CON-032]` (closure is
/// a semantic check).
pub type LinearRing = Vec<Position>;

/// A GeoJSON Polygon geometry: an outer ring and optional holes `[CON-032]`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "schema", schemars(title = "Polygon (GeoJSON)", extend("x-linli-title-zh" = "多边形（GeoJSON）")))]
pub struct Polygon {
    /// Always `Polygon`.
    #[serde(rename = "type")]
    #[cfg_attr(feature = "schema", schemars(title = "Geometry type", extend("x-linli-title-zh" = "几何类型")))]
    pub geometry_type: PolygonTag,
    /// Rings: the first is the outer boundary, the others are holes.
    #[cfg_attr(feature = "schema", schemars(title = "Rings", extend("x-linli-title-zh" = "环")))]
    pub coordinates: Vec<LinearRing>,
}

/// A GeoJSON MultiPolygon geometry: several polygons, each an outer ring and optional holes,
/// e.g. a district made of a mainland part and islands `[CON-032]`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "schema", schemars(title = "MultiPolygon (GeoJSON)", extend("x-linli-title-zh" = "多多边形（GeoJSON）")))]
pub struct MultiPolygon {
    /// Always `MultiPolygon`.
    #[serde(rename = "type")]
    #[cfg_attr(feature = "schema", schemars(title = "Geometry type", extend("x-linli-title-zh" = "几何类型")))]
    pub geometry_type: MultiPolygonTag,
    /// Polygons, each a list of rings: the first the outer boundary, the others holes.
    #[cfg_attr(feature = "schema", schemars(title = "Polygons", extend("x-linli-title-zh" = "多边形")))]
    pub coordinates: Vec<Vec<LinearRing>>,
}

/// The geometry of a place: a point, a polygon or a multi-polygon `[CON-032]`.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(untagged)]
#[cfg_attr(feature = "schema", schemars(
    title = "Geometry (GeoJSON Point, Polygon or MultiPolygon)",
    extend("x-linli-title-zh" = "几何（GeoJSON 点、多边形或多多边形）")
))]
pub enum Geometry {
    /// A point.
    Point(Point),
    /// A polygon.
    Polygon(Polygon),
    /// Several polygons (a boundary in parts) `[CON-032]`.
    MultiPolygon(MultiPolygon),
}

/// Reads a JSON object and picks the variant by its `type` member; the sequence form that
/// serde's untagged enums would also accept is refused `[COR-001]`.
impl<'de> Deserialize<'de> for Geometry {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        use serde::de::Error as _;
        let map = serde_json::Map::<String, serde_json::Value>::deserialize(d)?;
        let v = serde_json::Value::Object(map);
        let read = match v.get("type").and_then(serde_json::Value::as_str) {
            Some("Polygon") => crate::strict::from_value(v).map(Geometry::Polygon),
            Some("MultiPolygon") => crate::strict::from_value(v).map(Geometry::MultiPolygon),
            _ => crate::strict::from_value(v).map(Geometry::Point),
        };
        read.map_err(D::Error::custom)
    }
}

impl Geometry {
    /// Every position of the geometry.
    pub fn positions(&self) -> Vec<Position> {
        match self {
            Geometry::Point(p) => vec![p.coordinates],
            Geometry::Polygon(p) => p.coordinates.iter().flatten().copied().collect(),
            Geometry::MultiPolygon(m) => m.coordinates.iter().flatten().flatten().copied().collect(),
        }
    }

    /// Every position of the geometry, to change in place (e.g. a datum conversion).
    pub fn positions_mut(&mut self) -> Vec<&mut Position> {
        match self {
            Geometry::Point(p) => vec![&mut p.coordinates],
            Geometry::Polygon(p) => p.coordinates.iter_mut().flatten().collect(),
            Geometry::MultiPolygon(m) => m.coordinates.iter_mut().flatten().flatten().collect(),
        }
    }

    /// The rings of the geometry as (polygon index, ring index, ring): a Point has none, a
    /// Polygon's polygon index is always 0.
    pub fn rings(&self) -> Vec<(usize, usize, &LinearRing)> {
        match self {
            Geometry::Point(_) => Vec::new(),
            Geometry::Polygon(p) => p.coordinates.iter().enumerate().map(|(i, r)| (0, i, r)).collect(),
            Geometry::MultiPolygon(m) => m
                .coordinates
                .iter()
                .enumerate()
                .flat_map(|(k, poly)| poly.iter().enumerate().map(move |(i, r)| (k, i, r)))
                .collect(),
        }
    }
}

crate::tag::const_tag!(
    /// The constant `"Point"`.
    PointTag, "Point"
);
crate::tag::const_tag!(
    /// The constant `"Polygon"`.
    PolygonTag, "Polygon"
);
crate::tag::const_tag!(
    /// The constant `"MultiPolygon"`.
    MultiPolygonTag, "MultiPolygon"
);
