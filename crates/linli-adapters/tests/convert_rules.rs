#![allow(clippy::unwrap_used, clippy::expect_used)]
//! The rules `convert::read` applies to every reader (`spec/18-adapters.md` 18.8): the datum,
//! the wrong-format refusal and its hint, and [ADP-004] (no invalid record is returned).

use linli_adapters::Error;
use linli_adapters::convert::{Format, ReadOptions, read, sniff};
use linli_adapters::coords::Datum;
use linli_model::datetime::Timestamp;
use serde_json::json;

fn opts() -> ReadOptions {
    ReadOptions::new(Timestamp::parse("2026-01-01T00:00:00+08:00").unwrap())
}

#[test]
fn sniff_knows_the_shapes_of_every_format() {
    let cases: Vec<(Vec<u8>, Option<Format>)> = vec![
        (br#"{"specversion":"1.0","id":"1","source":"/x","type":"t"}"#.to_vec(), Some(Format::Cloudevents)),
        (br#"[{"specversion":"1.0"}]"#.to_vec(), Some(Format::Cloudevents)),
        (br#"{"type":"FeatureCollection","features":[]}"#.to_vec(), Some(Format::Geojson)),
        (br#"{"type":"MultiPolygon","coordinates":[]}"#.to_vec(), Some(Format::Geojson)),
        (br#"{"id":"urn:ngsi-ld:Parking:1","type":"OffStreetParking"}"#.to_vec(), Some(Format::NgsiLd)),
        (
            br#"{"subscriptionId":"s","type":"Notification","data":[{"id":"x","type":"T"}]}"#.to_vec(),
            Some(Format::NgsiLd),
        ),
        (br#"{"id":"Room1","type":"Room","temperature":{"type":"Number","value":23}}"#.to_vec(), Some(Format::NgsiLd)),
        (br#"[{"service_request_id":"1","status":"open"}]"#.to_vec(), Some(Format::Open311)),
        (b"<?xml version=\"1.0\"?><service_requests><request/></service_requests>".to_vec(), Some(Format::Open311Xml)),
        (br#"{"FaceListObject":{"FaceObject":[]}}"#.to_vec(), Some(Format::Gat1400)),
        ("姓名,性别,身份证号\n张三,男,x\n".as_bytes().to_vec(), Some(Format::Csv)),
        (b"PK\x03\x04rest".to_vec(), Some(Format::Xlsx)),
        (b"this is not anything".to_vec(), None),
        (b"{\"a\":1}".to_vec(), None),
        (Vec::new(), None),
    ];
    for (bytes, want) in cases {
        assert_eq!(sniff(&bytes), want, "{}", String::from_utf8_lossy(&bytes));
    }
}

#[test]
fn another_format_is_refused_with_a_hint_at_it() {
    let ce = br#"{"specversion":"1.0","id":"e1","source":"/x","type":"com.example.t","data":{}}"#;
    let e = read(Format::Open311, ce, &opts()).unwrap_err();
    assert_eq!(e.code(), "adapter-wrong-format");
    assert!(matches!(e, Error::NotThisFormat { looks_like: Some(Format::Cloudevents), .. }));
    assert!(e.message(false).contains("try --from cloudevents"), "{}", e.message(false));
    assert!(e.message(true).contains("请改用 --from cloudevents"), "{}", e.message(true));
    // XML given to the JSON reader: the hint names the XML form.
    let xml = b"<service_requests><request><service_request_id>1</service_request_id></request></service_requests>";
    let e = read(Format::Open311, xml, &opts()).unwrap_err();
    assert!(matches!(e, Error::NotThisFormat { looks_like: Some(Format::Open311Xml), .. }), "{e}");
    // JSON of no known shape: refused, no hint.
    let e = read(Format::Open311, br#"{"hello":"world"}"#, &opts()).unwrap_err();
    assert!(matches!(e, Error::NotThisFormat { looks_like: None, .. }), "{e}");
    // Not JSON and nothing else either: the input error as before.
    assert_eq!(read(Format::Open311, b"garbage", &opts()).unwrap_err().code(), "adapter-input");
    // An empty array is no request at all, not another format.
    assert!(read(Format::Open311, b"[]", &opts()).unwrap().records.is_empty());
}

#[test]
fn a_datum_is_refused_by_a_format_without_coordinates() {
    let mut o = opts();
    o.datum = Datum::Gcj02;
    let e = read(Format::Csv, "姓名\n张三\n".as_bytes(), &o).unwrap_err();
    assert_eq!(e.code(), "adapter-datum-not-honoured");
    assert!(e.message(false).contains("--datum gcj02") && e.message(true).contains("此格式不含坐标"));
    // Open311 honours it.
    let req =
        br#"[{"service_request_id":"R1","requested_datetime":"2024-05-01T09:00:00+08:00","lat":31.3,"long":120.6}]"#;
    let c = read(Format::Open311, req, &o).unwrap();
    assert!(c.loss.entries.iter().any(|l| l.code == "open311-coordinates-to-wgs84"));
}

#[test]
fn a_record_that_fails_the_semantic_checks_is_not_returned() {
    // A Linli-shaped CloudEvent whose event ends before it occurs [ADP-004].
    let ce = json!({
        "specversion": "1.0", "id": "E-1", "source": "/linli/things/T-1", "type": "org.linli.event.alarm.smoke",
        "time": "2024-05-21T10:48:36+08:00", "datacontenttype": "application/json",
        "data": {
            "type": "Event", "id": "E-1", "category": "alarm.smoke", "severity": "high",
            "occurredAt": "2024-05-21T10:48:36+08:00", "endedAt": "2024-05-21T09:00:00+08:00",
            "meta": {"classification": "internal", "createdAt": "2024-05-21T10:48:36+08:00",
                     "updatedAt": "2024-05-21T10:48:36+08:00", "version": 1,
                     "source": {"vendor": "示例", "product": "物联感知平台"}}
        }
    });
    let bytes = serde_json::to_vec(&ce).unwrap();
    let c = read(Format::Cloudevents, &bytes, &opts()).unwrap();
    assert!(c.records.is_empty(), "the invalid event is not written");
    let f = c.findings.iter().find(|f| f.code == "adapter-record-invalid").expect("finding");
    assert!(f.message_en.contains("record 0") && f.message_en.contains("/endedAt"), "{}", f.message_en);
    assert!(!f.message_en.contains("09:00"), "no value in the message");
    assert!(!c.all_converted());
}

/// A refused Open311 request is named by its place in the input, not by its place among the
/// records read (requests refused before it are not records) [ADP-004].
#[test]
fn a_refused_open311_request_is_named_by_its_place_in_the_input() {
    let ok = |id: &str, description: &str| {
        json!({"service_request_id": id, "requested_datetime": "2024-05-01T09:00:00+08:00", "status": "open",
               "description": description, "lat": 31.3, "long": 120.6})
    };
    let post = json!({"service_request_id": "638344", "service_notice": "x", "account_id": null});
    let doc =
        json!([ok("R0", "路灯坏了"), post, ok("R2", "井盖缺失"), post, ok("R4", "报修人身份证 11010519491231002X")]);
    let c = read(Format::Open311, doc.to_string().as_bytes(), &opts()).unwrap();
    assert_eq!(c.records.len(), 2);
    assert_eq!(c.sources, ["/0", "/2"], "the records kept, with where they were read from");
    let f = c.findings.iter().find(|f| f.code == "adapter-record-invalid").expect("finding");
    assert_eq!(f.at, "/4");
    assert!(f.message_en.contains("input `/4`") && f.message_zh.contains("输入 `/4`"), "{}", f.message_en);
    assert!(f.message_en.contains("case-text-id-number") && !f.message_en.contains("19491231"), "{}", f.message_en);
}

#[test]
fn notes_and_normalised_values_do_not_count_as_refusals() {
    let req = br#"[{"service_request_id":"R1","requested_datetime":"2024-05-01 09:00:00","lat":0,"long":0}]"#;
    let c = read(Format::Open311, req, &opts()).unwrap();
    assert_eq!(c.records.len(), 1);
    assert!(c.all_converted(), "{:?}", c.findings);
    let bad = br#"[{"service_request_id":"R1","requested_datetime":"2024-05-01T09:00:00Z","status":"pending"}]"#;
    assert!(!read(Format::Open311, bad, &opts()).unwrap().all_converted());
}

/// [ADP-080]: a number a double cannot hold is not rounded silently. Before, a 20-digit device
/// code came out as 3.402000000132e19 with only a `kept-in-extensions` entry.
#[test]
fn numbers_not_read_exactly_are_kept_as_text_or_reported() {
    let gj = br#"{"type":"Feature","geometry":{"type":"Point","coordinates":[120.5,31.30000000000000000001]},
        "properties":{"name":"Gate","kind":"building","deviceCode":34020000001320000001}}"#;
    let out = read(Format::Geojson, gj, &opts()).unwrap();
    let place = serde_json::to_value(&out.records[0]).unwrap();
    let ext = place["extensions"].to_string();
    assert!(ext.contains(r#""34020000001320000001""#), "{ext}");
    let codes: Vec<_> = out.loss.entries.iter().filter(|l| l.code.as_str() == "adapter-number-not-exact").collect();
    assert_eq!(codes.len(), 2, "{:?}", out.loss);
    assert_eq!(codes[0].source, "/geometry/coordinates/1");
    assert_eq!(codes[1].source, "/properties/deviceCode");
    assert!(codes.iter().all(|l| l.kind == linli_adapters::LossKind::Normalised));
    // Every JSON reader: a CloudEvent's data too.
    let ce = br#"{"specversion":"1.0","id":"e1","source":"/x","type":"com.example.t","data":{"n":123456789012345678901234}}"#;
    let out = read(Format::Cloudevents, ce, &opts()).unwrap();
    assert!(out.loss.entries.iter().any(|l| l.code.as_str() == "adapter-number-not-exact" && l.source == "/data/n"));
    // Exact numbers give no entry.
    let fine = br#"{"type":"Feature","geometry":{"type":"Point","coordinates":[120.5,31.3]},"properties":{"name":"G","kind":"building","n":18446744073709551615}}"#;
    let out = read(Format::Geojson, fine, &opts()).unwrap();
    assert!(out.loss.entries.iter().all(|l| l.code.as_str() != "adapter-number-not-exact"), "{:?}", out.loss);
}
