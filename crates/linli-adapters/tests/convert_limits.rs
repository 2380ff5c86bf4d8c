//! What no reader may write, whatever it read [ADP-004]: a second record with an id already
//! written, a record nested deeper than a validator parses, a record longer than one NDJSON line
//! may be; and input arithmetic that overflows is bad input, not a panic.

use linli_adapters::convert::{Format, MAX_RECORD_DEPTH, ReadOptions, read};
use linli_model::datetime::Timestamp;
use serde_json::json;

fn opts() -> ReadOptions {
    ReadOptions::new(Timestamp::parse("2024-05-22T09:00:00+08:00").expect("time"))
}

fn codes(c: &linli_adapters::convert::Converted) -> Vec<&str> {
    c.findings.iter().map(|f| f.code.as_str()).collect()
}

#[test]
fn a_second_record_with_the_same_id_is_not_written() {
    let doc = json!([
        {"id": "urn:ngsi-ld:Person:1", "type": "Person", "name": {"type": "Property", "value": "甲"}},
        {"id": "urn:ngsi-ld:Person:1", "type": "Person", "name": {"type": "Property", "value": "乙"}}
    ]);
    let c = read(Format::NgsiLd, doc.to_string().as_bytes(), &opts()).expect("reads");
    assert_eq!(c.records.len(), 1);
    assert_eq!(codes(&c), ["adapter-duplicate-id"]);
    assert!(!c.all_converted());
    // The message names the position, never a value of the record.
    assert!(c.findings.iter().all(|f| !f.message_en.contains('乙') && !f.message_zh.contains('乙')));
}

#[test]
fn a_record_nested_too_deep_is_not_written() {
    let mut v = json!(1);
    for _ in 0..MAX_RECORD_DEPTH {
        v = json!([v]);
    }
    let doc = json!({"specversion": "1.0", "id": "e1", "type": "x.y", "source": "/s", "data": v});
    let c = read(Format::Cloudevents, doc.to_string().as_bytes(), &opts()).expect("reads");
    assert!(c.records.is_empty());
    assert_eq!(codes(&c), ["adapter-record-too-large"]);
    // Shallower data is written.
    let doc = json!({"specversion": "1.0", "id": "e1", "type": "x.y", "source": "/s", "data": [[[1]]]});
    let c = read(Format::Cloudevents, doc.to_string().as_bytes(), &opts()).expect("reads");
    assert_eq!(c.records.len(), 1);
}

#[test]
fn a_record_longer_than_an_ndjson_line_may_be_is_not_written() {
    let big = "x".repeat(linli_adapters::convert::MAX_RECORD_BYTES);
    let doc = json!({"specversion": "1.0", "id": "e1", "type": "x.y", "source": "/s", "data": big});
    let c = read(Format::Cloudevents, doc.to_string().as_bytes(), &opts()).expect("reads");
    assert!(c.records.is_empty());
    assert_eq!(codes(&c), ["adapter-record-too-large"]);
}

#[test]
fn echarts_offsets_that_overflow_are_bad_input() {
    let doc = json!({"type": "FeatureCollection", "UTF8Encoding": true, "features": [
        {"type": "Feature", "id": "a", "properties": {"name": "x"},
         "geometry": {"type": "Polygon", "coordinates": ["BBBBBBBB"], "encodeOffsets": [[i64::MAX, 0]]}}]});
    let c = read(Format::Geojson, doc.to_string().as_bytes(), &opts()).expect("reads");
    assert!(c.records.is_empty());
    assert_eq!(codes(&c), ["geojson-echarts-undecodable"]);
}

#[test]
fn deeply_nested_open311_xml_is_bad_input_not_a_stack_overflow() {
    let n = 200_000;
    let doc = format!(
        "<service_requests><request><service_request_id>1</service_request_id>{}x{}</request></service_requests>",
        "<a>".repeat(n),
        "</a>".repeat(n)
    );
    let e = read(Format::Open311Xml, doc.as_bytes(), &opts()).expect_err("refused");
    assert_eq!(e.code(), "adapter-input");
}

/// [ADP-078] at any depth, in every reader that keeps members in extensions (attack review).
#[test]
fn nested_personal_members_are_never_kept() {
    let phone = "13800138003";
    let cases = [
        (
            Format::Geojson,
            json!({"type": "Feature", "id": "a", "geometry": {"type": "Point", "coordinates": [116.4, 39.9]},
                   "properties": {"name": "x", "owner": {"phone": phone, "note": "ok"}, "list": [{"password": "hunter2"}]}}),
        ),
        (
            Format::Open311,
            json!([{"service_request_id": "1", "status": "open", "requested_datetime": "2024-05-01T10:00:00+08:00",
                    "attributes": {"tel_no": phone, "note": "ok"}}]),
        ),
        (
            Format::Gat1400,
            json!({"APEListObject": {"APEObject": [{"ApeID": "33010299011190000253", "Name": "东门",
                   "Ext": {"LXDH": phone, "note": "ok"}}]}}),
        ),
    ];
    for (format, doc) in cases {
        let c = read(format, doc.to_string().as_bytes(), &opts()).expect("reads");
        assert_eq!(c.records.len(), 1, "{format:?}: {:?}", codes(&c));
        let out = serde_json::to_string(&c.records).expect("json");
        assert!(!out.contains(phone) && !out.contains("hunter2"), "{format:?}: {out}");
        assert!(out.contains("\"note\":\"ok\""), "{format:?}: the rest is kept: {out}");
        assert!(c.loss.entries.iter().any(|l| l.code.as_str().ends_with("-sensitive-not-kept")), "{format:?}");
    }
}
