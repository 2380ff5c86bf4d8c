//! Integration tests of the WGS-84 / GCJ-02 / BD-09 conversions.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use linli_adapters::coords::{
    Datum, bd09_to_gcj02, bd09_to_wgs84, gcj02_to_bd09, gcj02_to_wgs84, in_china, wgs84_to_bd09, wgs84_to_gcj02,
};
use quickcheck::{QuickCheck, TestResult};

/// A point as (lat, lng) — note the order, the reverse of the functions' (lng, lat).
type LatLng = (f64, f64);

/// Published vectors: (WGS-84 lat, lng) → (GCJ-02 lat, lng).
const VECTORS: [(&str, LatLng, LatLng); 3] = [
    ("Shanghai", (31.177_427_6, 121.527_210_6), (31.175_303_983_645_97, 121.531_541_859_215)),
    ("Shenzhen", (22.543_847, 113.912_316), (22.540_796_131_694_766, 113.917_176_480_836_3)),
    ("Beijing", (39.911_954, 116.377_817), (39.913_345_455_360_69, 116.384_047_224_556_57)),
];

fn grid() -> impl Iterator<Item = (f64, f64)> {
    (0..=24).flat_map(|i| (0..=12).map(move |j| (75.0 + 2.5 * f64::from(i), 20.0 + 2.5 * f64::from(j))))
}

fn close(a: (f64, f64), b: (f64, f64), tol: f64) -> bool {
    (a.0 - b.0).abs() < tol && (a.1 - b.1).abs() < tol
}

#[test]
fn wgs84_to_gcj02_matches_vectors() {
    for (name, (lat, lng), (g_lat, g_lng)) in VECTORS {
        let got = wgs84_to_gcj02(lng, lat);
        assert!(close(got, (g_lng, g_lat), 1e-6), "{name}: {got:?} vs ({g_lng}, {g_lat})");
        assert_eq!(Datum::Gcj02.from_wgs84(lng, lat), got);
    }
}

#[test]
fn gcj02_to_wgs84_inverts_vectors() {
    for (name, (lat, lng), (g_lat, g_lng)) in VECTORS {
        let got = gcj02_to_wgs84(g_lng, g_lat);
        assert!(close(got, (lng, lat), 1e-7), "{name}: {got:?}");
        assert!(close(Datum::Gcj02.to_wgs84(g_lng, g_lat), (lng, lat), 1e-7));
    }
}

#[test]
fn gcj02_inverse_within_a_centimetre_on_grid() {
    for (lng, lat) in grid() {
        assert!(in_china(lng, lat));
        let (g_lng, g_lat) = wgs84_to_gcj02(lng, lat);
        assert!((g_lng, g_lat) != (lng, lat), "no offset at ({lng}, {lat})");
        let back = gcj02_to_wgs84(g_lng, g_lat);
        assert!(close(back, (lng, lat), 1e-7), "({lng}, {lat}) -> {back:?}");
    }
}

#[test]
fn gcj02_inverse_within_a_centimetre_quickcheck() {
    fn prop(a: u32, b: u32) -> TestResult {
        // Points well inside the rectangle, so the GCJ-02 image is inside as well.
        let lng = 73.0 + 63.0 * f64::from(a) / f64::from(u32::MAX);
        let lat = 2.0 + 52.0 * f64::from(b) / f64::from(u32::MAX);
        let (g_lng, g_lat) = wgs84_to_gcj02(lng, lat);
        TestResult::from_bool(close(gcj02_to_wgs84(g_lng, g_lat), (lng, lat), 1e-7))
    }
    QuickCheck::new().tests(2000).quickcheck(prop as fn(u32, u32) -> TestResult);
}

#[test]
fn bd09_round_trips() {
    for (lng, lat) in grid() {
        let bd = gcj02_to_bd09(lng, lat);
        assert!(bd != (lng, lat));
        let gcj = bd09_to_gcj02(bd.0, bd.1);
        assert!(close(gcj, (lng, lat), 1e-8), "({lng}, {lat}) -> {gcj:?}");
        // bd09 -> gcj02 -> bd09 to 1e-9.
        assert!(close(gcj02_to_bd09(gcj.0, gcj.1), bd, 1e-9));

        let wbd = wgs84_to_bd09(lng, lat);
        assert!(close(bd09_to_wgs84(wbd.0, wbd.1), (lng, lat), 1e-7));
        assert_eq!(Datum::Bd09.from_wgs84(lng, lat), wbd);
        assert!(close(Datum::Bd09.to_wgs84(wbd.0, wbd.1), (lng, lat), 1e-7));
    }
}

#[test]
fn bd09_known_offset_is_plausible() {
    // Baidu is offset by roughly +0.0065 lng / +0.006 lat from GCJ-02.
    let (lng, lat) = (116.404, 39.915);
    let (b_lng, b_lat) = gcj02_to_bd09(lng, lat);
    assert!((b_lng - lng - 0.0065).abs() < 0.002);
    assert!((b_lat - lat - 0.006).abs() < 0.002);
}

#[test]
fn points_outside_china_unchanged() {
    let tokyo = (139.69, 35.69);
    let london = (-0.12, 51.5);
    for p in [tokyo, london, (150.0, -33.9), (72.0, 30.0), (100.0, 56.0)] {
        assert!(!in_china(p.0, p.1));
        assert_eq!(wgs84_to_gcj02(p.0, p.1), p);
        assert_eq!(gcj02_to_wgs84(p.0, p.1), p);
        assert_eq!(gcj02_to_bd09(p.0, p.1), p);
        assert_eq!(bd09_to_gcj02(p.0, p.1), p);
        assert_eq!(wgs84_to_bd09(p.0, p.1), p);
        assert_eq!(bd09_to_wgs84(p.0, p.1), p);
        for d in [Datum::Wgs84, Datum::Gcj02, Datum::Bd09] {
            assert_eq!(d.to_wgs84(p.0, p.1), p);
            assert_eq!(d.from_wgs84(p.0, p.1), p);
        }
    }
    assert!(in_china(116.4, 39.9));
}

#[test]
fn wgs84_datum_is_identity() {
    for (lng, lat) in grid() {
        assert_eq!(Datum::Wgs84.to_wgs84(lng, lat), (lng, lat));
        assert_eq!(Datum::Wgs84.from_wgs84(lng, lat), (lng, lat));
    }
}

#[test]
fn datum_parse() {
    for s in ["wgs84", "WGS84", "wgs-84", "WGS-84", "cgcs2000", "CGCS2000"] {
        assert_eq!(Datum::parse(s), Some(Datum::Wgs84), "{s}");
    }
    for s in ["gcj02", "GCJ02", "gcj-02", "GCJ-02"] {
        assert_eq!(Datum::parse(s), Some(Datum::Gcj02), "{s}");
    }
    for s in ["bd09", "BD09", "bd-09", "Bd-09"] {
        assert_eq!(Datum::parse(s), Some(Datum::Bd09), "{s}");
    }
    for s in ["", "utm", "epsg:4326", "gcj", "bd09ll"] {
        assert_eq!(Datum::parse(s), None, "{s}");
    }
}
