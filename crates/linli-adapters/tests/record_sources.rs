//! A record refused after it was read is named by its place in the input (the Feature,
//! CloudEvent, entity or GA/T 1400 object), not by its place among the records read: items not
//! converted before it are not records [ADP-004].

#![allow(clippy::unwrap_used, clippy::expect_used)]

use linli_adapters::convert::{Converted, Format, ReadOptions, read};
use linli_model::datetime::Timestamp;
use serde_json::json;

fn opts() -> ReadOptions {
    ReadOptions::new(Timestamp::parse("2024-05-21T12:00:00+08:00").unwrap())
}

/// The one `adapter-record-invalid` finding: it is at `at`, and its message names the input.
fn refused_at(c: &Converted, at: &str) {
    let f = c.findings.iter().find(|f| f.code == "adapter-record-invalid").expect("a refused record");
    assert_eq!(f.at, at, "{}", f.message_en);
    assert!(f.message_en.contains(&format!("input `{at}`")), "{}", f.message_en);
    assert!(f.message_zh.contains(&format!("输入 `{at}`")), "{}", f.message_zh);
    assert!(!f.message_en.contains("13812345678"), "no value: {}", f.message_en);
    assert_eq!(c.sources.len(), c.records.len(), "sources parallel to the records kept");
}

#[test]
fn an_ngsi_entity_is_named_by_its_place_in_the_batch() {
    let doc = json!([
        {"id": "urn:ngsi-ld:Unknownish:1", "type": "Unknownish"},
        {"id": "urn:ngsi-ld:Building:B1", "type": "Building", "name": {"type": "Property", "value": "B"}},
        {"id": "urn:ngsi-ld:Building:13812345678", "type": "Building", "name": {"type": "Property", "value": "C"}}
    ]);
    let c = read(Format::NgsiLd, doc.to_string().as_bytes(), &opts()).unwrap();
    assert_eq!(c.records.len(), 1);
    assert_eq!(c.sources, ["/1"]);
    refused_at(&c, "/2");
}

#[test]
fn a_geojson_feature_is_named_by_its_place_in_the_collection() {
    let doc = json!({"type": "FeatureCollection", "features": [
        {"type": "Feature", "id": "A1", "geometry": null, "properties": {"type": "Place", "meta": {}}},
        {"type": "Feature", "id": "B1", "geometry": {"type": "Point", "coordinates": [120.6, 31.3]}, "properties": {"name": "B"}},
        {"type": "Feature", "id": "13812345678", "geometry": {"type": "Point", "coordinates": [120.6, 31.3]}, "properties": {"name": "C"}}
    ]});
    let c = read(Format::Geojson, doc.to_string().as_bytes(), &opts()).unwrap();
    assert_eq!(c.records.len(), 1, "{:?}", c.findings);
    assert_eq!(c.sources, ["/features/1"]);
    refused_at(&c, "/features/2");
}

#[test]
fn a_cloudevent_is_named_by_its_place_in_the_batch() {
    let event = |id: &str, ended: &str| {
        json!({
            "specversion": "1.0", "id": id, "source": "/linli/things/T-1", "type": "org.linli.event.alarm.smoke",
            "time": "2024-05-21T10:48:36+08:00", "datacontenttype": "application/json",
            "data": {
                "type": "Event", "id": id, "category": "alarm.smoke", "severity": "high",
                "occurredAt": "2024-05-21T10:48:36+08:00", "endedAt": ended,
                "meta": {"classification": "internal", "createdAt": "2024-05-21T10:48:36+08:00",
                         "updatedAt": "2024-05-21T10:48:36+08:00", "version": 1,
                         "source": {"vendor": "示例", "product": "物联感知平台"}}
            }
        })
    };
    let mut unreadable = event("E-0", "2024-05-21T11:00:00+08:00");
    unreadable["id"] = "another".into();
    let doc = json!([unreadable, event("E-1", "2024-05-21T11:00:00+08:00"), event("E-2", "2024-05-21T09:00:00+08:00")]);
    let c = read(Format::Cloudevents, doc.to_string().as_bytes(), &opts()).unwrap();
    assert_eq!(c.records.len(), 1, "{:?}", c.findings);
    assert_eq!(c.sources, ["/1"]);
    refused_at(&c, "/2");
}

#[test]
fn gat1400_records_know_the_object_they_were_read_from() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/adapters/gat1400");
    for name in ["faces.json", "motor-vehicles.json", "persons.json", "apes.json", "notification.json"] {
        let bytes = std::fs::read(dir.join(name)).unwrap();
        let c = read(Format::Gat1400, &bytes, &opts()).unwrap();
        assert!(!c.records.is_empty(), "{name}");
        assert_eq!(c.sources.len(), c.records.len(), "{name}");
        let doc: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
        for at in &c.sources {
            assert!(doc.pointer(at).is_some_and(serde_json::Value::is_object), "{name}: {at}");
        }
    }
}
