//! GCJ-02 / BD-09 / WGS-84 coordinate conversion.
//!
//! Linli's canonical datum is WGS-84 (CGCS2000 is treated as identical at map precision).
//! Chinese map vendors publish coordinates in GCJ-02 (AMap, Tencent; the "Mars" coordinates)
//! or BD-09 (Baidu). This module converts between the three using the widely published
//! GCJ-02 forward algorithm (Krasovsky 1940 ellipsoid) and the usual BD-09 formulas. The
//! inverses are refined iteratively, so a round trip is accurate to about 1e-9 degrees
//! (far better than a centimetre).
//!
//! All functions take and return `(lng, lat)` in degrees. Points outside the rough rectangle
//! around China (see [`in_china`]) are returned unchanged by every function, since the
//! obfuscation is only applied inside China.

use std::f64::consts::PI;

/// Semi-major axis of the Krasovsky 1940 ellipsoid, in metres.
const A: f64 = 6_378_245.0;
/// First eccentricity squared of the Krasovsky 1940 ellipsoid.
/// (The published value 0.00669342162296594323, rounded to the same `f64`.)
const EE: f64 = 0.006_693_421_622_965_943;
/// Baidu's scaled pi: `PI * 3000 / 180`.
const X_PI: f64 = PI * 3000.0 / 180.0;
/// Round-trip tolerance of the iterative inverses, in degrees.
const TOLERANCE: f64 = 1e-9;
/// Maximum number of refinement steps of the iterative inverses.
const MAX_ITERATIONS: usize = 30;

/// Whether a point lies within the common rough rectangle around China
/// (lng 72.004–137.8347, lat 0.8293–55.8271), where GCJ-02 and BD-09 apply.
///
/// Points outside this rectangle (and non-finite values) are left unchanged by all
/// conversions of this module.
#[must_use]
pub fn in_china(lng: f64, lat: f64) -> bool {
    (72.004..=137.8347).contains(&lng) && (0.8293..=55.8271).contains(&lat)
}

fn transform_lat(x: f64, y: f64) -> f64 {
    let mut ret = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * x.abs().sqrt();
    ret += (20.0 * (6.0 * x * PI).sin() + 20.0 * (2.0 * x * PI).sin()) * 2.0 / 3.0;
    ret += (20.0 * (y * PI).sin() + 40.0 * (y / 3.0 * PI).sin()) * 2.0 / 3.0;
    ret += (160.0 * (y / 12.0 * PI).sin() + 320.0 * (y * PI / 30.0).sin()) * 2.0 / 3.0;
    ret
}

fn transform_lng(x: f64, y: f64) -> f64 {
    let mut ret = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * x.abs().sqrt();
    ret += (20.0 * (6.0 * x * PI).sin() + 20.0 * (2.0 * x * PI).sin()) * 2.0 / 3.0;
    ret += (20.0 * (x * PI).sin() + 40.0 * (x / 3.0 * PI).sin()) * 2.0 / 3.0;
    ret += (150.0 * (x / 12.0 * PI).sin() + 300.0 * (x / 30.0 * PI).sin()) * 2.0 / 3.0;
    ret
}

/// The GCJ-02 offset `(dlng, dlat)` at a WGS-84 point, without the China check.
fn gcj_offset(lng: f64, lat: f64) -> (f64, f64) {
    let dlat = transform_lat(lng - 105.0, lat - 35.0);
    let dlng = transform_lng(lng - 105.0, lat - 35.0);
    let rad_lat = lat / 180.0 * PI;
    let magic = 1.0 - EE * rad_lat.sin() * rad_lat.sin();
    let sqrt_magic = magic.sqrt();
    let dlat = (dlat * 180.0) / ((A * (1.0 - EE)) / (magic * sqrt_magic) * PI);
    let dlng = (dlng * 180.0) / (A / sqrt_magic * rad_lat.cos() * PI);
    (dlng, dlat)
}

/// Iteratively inverts `forward` at `target` by fixed-point refinement, starting from
/// `initial`, until the round trip is within [`TOLERANCE`] or [`MAX_ITERATIONS`] is reached.
fn invert(forward: impl Fn(f64, f64) -> (f64, f64), target: (f64, f64), initial: (f64, f64)) -> (f64, f64) {
    let (mut lng, mut lat) = initial;
    for _ in 0..MAX_ITERATIONS {
        let (f_lng, f_lat) = forward(lng, lat);
        let (e_lng, e_lat) = (f_lng - target.0, f_lat - target.1);
        if e_lng.abs() < TOLERANCE && e_lat.abs() < TOLERANCE {
            break;
        }
        lng -= e_lng;
        lat -= e_lat;
    }
    (lng, lat)
}

/// Converts a WGS-84 point to GCJ-02 (AMap, Tencent). Points outside China are unchanged.
#[must_use]
pub fn wgs84_to_gcj02(lng: f64, lat: f64) -> (f64, f64) {
    if !in_china(lng, lat) {
        return (lng, lat);
    }
    let (dlng, dlat) = gcj_offset(lng, lat);
    (lng + dlng, lat + dlat)
}

/// Converts a GCJ-02 point to WGS-84, by iterating the forward transform until the round
/// trip error is below 1e-9 degrees (at most 30 iterations). Points outside China are
/// unchanged.
#[must_use]
pub fn gcj02_to_wgs84(lng: f64, lat: f64) -> (f64, f64) {
    if !in_china(lng, lat) {
        return (lng, lat);
    }
    let (dlng, dlat) = gcj_offset(lng, lat);
    invert(wgs84_to_gcj02, (lng, lat), (lng - dlng, lat - dlat))
}

/// The BD-09 forward formula, without the China check.
fn bd_forward(lng: f64, lat: f64) -> (f64, f64) {
    let z = (lng * lng + lat * lat).sqrt() + 0.000_02 * (lat * X_PI).sin();
    let theta = lat.atan2(lng) + 0.000_003 * (lng * X_PI).cos();
    (z * theta.cos() + 0.0065, z * theta.sin() + 0.006)
}

/// The usual closed-form approximate BD-09 inverse, without the China check.
fn bd_inverse_approx(lng: f64, lat: f64) -> (f64, f64) {
    let x = lng - 0.0065;
    let y = lat - 0.006;
    let z = (x * x + y * y).sqrt() - 0.000_02 * (y * X_PI).sin();
    let theta = y.atan2(x) - 0.000_003 * (x * X_PI).cos();
    (z * theta.cos(), z * theta.sin())
}

/// Converts a GCJ-02 point to BD-09 (Baidu). Points outside China are unchanged.
#[must_use]
pub fn gcj02_to_bd09(lng: f64, lat: f64) -> (f64, f64) {
    if !in_china(lng, lat) {
        return (lng, lat);
    }
    bd_forward(lng, lat)
}

/// Converts a BD-09 point to GCJ-02: the usual closed-form inverse, refined iteratively so
/// that BD-09 → GCJ-02 → BD-09 round-trips to 1e-9 degrees. Points outside China are
/// unchanged.
#[must_use]
pub fn bd09_to_gcj02(lng: f64, lat: f64) -> (f64, f64) {
    if !in_china(lng, lat) {
        return (lng, lat);
    }
    invert(bd_forward, (lng, lat), bd_inverse_approx(lng, lat))
}

/// Converts a WGS-84 point to BD-09 (via GCJ-02). Points outside China are unchanged.
#[must_use]
pub fn wgs84_to_bd09(lng: f64, lat: f64) -> (f64, f64) {
    if !in_china(lng, lat) {
        return (lng, lat);
    }
    let (g_lng, g_lat) = wgs84_to_gcj02(lng, lat);
    bd_forward(g_lng, g_lat)
}

/// Converts a BD-09 point to WGS-84 (via GCJ-02). Points outside China are unchanged.
#[must_use]
pub fn bd09_to_wgs84(lng: f64, lat: f64) -> (f64, f64) {
    if !in_china(lng, lat) {
        return (lng, lat);
    }
    let (g_lng, g_lat) = bd09_to_gcj02(lng, lat);
    gcj02_to_wgs84(g_lng, g_lat)
}

/// A geodetic datum (coordinate system) in which a source publishes coordinates.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Datum {
    /// WGS-84 (GPS), Linli's canonical datum; CGCS2000 is treated as identical.
    Wgs84,
    /// GCJ-02, the obfuscated "Mars" coordinates of AMap and Tencent maps.
    Gcj02,
    /// BD-09, Baidu's further offset of GCJ-02.
    Bd09,
}

impl Datum {
    /// Parses a datum name, case-insensitively: `"wgs84"`, `"wgs-84"` or `"cgcs2000"` →
    /// [`Datum::Wgs84`]; `"gcj02"` or `"gcj-02"` → [`Datum::Gcj02`]; `"bd09"` or `"bd-09"` →
    /// [`Datum::Bd09`]. Surrounding whitespace is ignored. Returns `None` for anything else.
    #[must_use]
    pub fn parse(name: &str) -> Option<Self> {
        match name.trim().to_ascii_lowercase().as_str() {
            "wgs84" | "wgs-84" | "cgcs2000" => Some(Self::Wgs84),
            "gcj02" | "gcj-02" => Some(Self::Gcj02),
            "bd09" | "bd-09" => Some(Self::Bd09),
            _ => None,
        }
    }

    /// The datum's name as people write it: `WGS-84`, `GCJ-02` or `BD-09`.
    #[must_use]
    pub fn label(self) -> &'static str {
        match self {
            Self::Wgs84 => "WGS-84",
            Self::Gcj02 => "GCJ-02",
            Self::Bd09 => "BD-09",
        }
    }

    /// Converts a point `(lng, lat)` given in this datum to WGS-84.
    #[must_use]
    pub fn to_wgs84(self, lng: f64, lat: f64) -> (f64, f64) {
        match self {
            Self::Wgs84 => (lng, lat),
            Self::Gcj02 => gcj02_to_wgs84(lng, lat),
            Self::Bd09 => bd09_to_wgs84(lng, lat),
        }
    }

    /// Converts a WGS-84 point `(lng, lat)` to this datum.
    #[must_use]
    pub fn from_wgs84(self, lng: f64, lat: f64) -> (f64, f64) {
        match self {
            Self::Wgs84 => (lng, lat),
            Self::Gcj02 => wgs84_to_gcj02(lng, lat),
            Self::Bd09 => wgs84_to_bd09(lng, lat),
        }
    }
}

// Tests: tests/coords.rs (the published vectors, inverse accuracy on a grid and by quickcheck,
// BD-09 round trips, points outside China, datum names).
