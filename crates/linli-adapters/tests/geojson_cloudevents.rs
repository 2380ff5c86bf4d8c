#![allow(clippy::unwrap_used, clippy::expect_used)]
//! GeoJSON and CloudEvents adapters: round trips and foreign inputs.

use linli_adapters::{LossKind, cloudevents, geojson};
use linli_model::{Event, Place};
use quickcheck::{QuickCheck, TestResult};
use serde_json::{Value, json};

fn example<T: serde::de::DeserializeOwned>(name: &str) -> T {
    let path = format!("{}/../../examples/records/{name}", env!("CARGO_MANIFEST_DIR"));
    serde_json::from_str(&std::fs::read_to_string(&path).expect("example readable")).expect("example valid")
}

fn places() -> Vec<Place> {
    vec![example("place-community.json"), example("place-room.json")]
}

fn events() -> Vec<Event> {
    vec![example("event-smoke-alarm.json"), example("event-access-pass.json")]
}

// ---------------------------------------------------------------------------------------------
// GeoJSON

fn place_round_trips(p: &Place) -> bool {
    let (f, loss) = geojson::place_to_feature(p);
    let (back, loss2) = geojson::feature_to_place(&f).expect("own feature converts");
    // Through text too: what is written is what is read.
    let text = serde_json::to_string(&f).expect("json");
    let (back2, _) = geojson::feature_to_place(&serde_json::from_str(&text).expect("json")).expect("converts");
    loss.is_empty() && loss2.is_empty() && &back == p && &back2 == p
}

#[test]
fn example_places_round_trip() {
    for p in places() {
        assert!(place_round_trips(&p), "{}", p.id);
    }
    let (f, _) = geojson::place_to_feature(&places()[0]);
    assert_eq!(f["type"], "Feature");
    assert_eq!(f["id"], "L-COMM-HUQIU");
    assert_eq!(f["geometry"]["type"], "Polygon");
    assert_eq!(f["properties"]["kind"], "community");
    assert!(f["properties"].get("id").is_none() && f["properties"].get("geometry").is_none());
    let (f, _) = geojson::place_to_feature(&places()[1]);
    assert_eq!(f["geometry"], Value::Null);
    assert_eq!(f["properties"]["rentalStatus"], "owner-occupied");
}

#[test]
fn example_collection_round_trips() {
    let (fc, loss) = geojson::places_to_collection(&places());
    assert!(loss.is_empty());
    assert_eq!(fc["type"], "FeatureCollection");
    let (back, loss, errors) = geojson::collection_to_places(&fc);
    assert!(errors.is_empty() && loss.is_empty());
    assert_eq!(back, places());
}

#[test]
fn arbitrary_places_round_trip() {
    fn prop(p: Place) -> bool {
        place_round_trips(&p)
    }
    QuickCheck::new().tests(300).quickcheck(prop as fn(Place) -> bool);
}

#[test]
fn arbitrary_collections_round_trip() {
    fn prop(ps: Vec<Place>) -> TestResult {
        let (fc, _) = geojson::places_to_collection(&ps);
        let (back, loss, errors) = geojson::collection_to_places(&fc);
        TestResult::from_bool(back == ps && loss.is_empty() && errors.is_empty())
    }
    QuickCheck::new().tests(50).quickcheck(prop as fn(Vec<Place>) -> TestResult);
}

#[test]
fn foreign_properties_are_kept_in_extensions() {
    let (mut f, _) = geojson::place_to_feature(&places()[1]);
    f["properties"]["osm_id"] = json!(123_456);
    f["properties"]["fill/colour"] = json!("#ff0000");
    let (p, loss) = geojson::feature_to_place(&f).unwrap();
    let ns = &p.extensions.0.iter().find(|(k, _)| k.as_str() == "geojson").unwrap().1;
    assert_eq!(ns["osm_id"], json!(123_456));
    assert_eq!(ns["fill/colour"], json!("#ff0000"));
    let kept: Vec<_> = loss.of(LossKind::KeptInExtensions).collect();
    assert_eq!(kept.len(), 2);
    assert!(
        kept.iter()
            .any(|l| l.source == "/properties/osm_id" && l.target.as_deref() == Some("/extensions/geojson/osm_id"))
    );
    assert!(kept.iter().any(|l| l.source == "/properties/fill~1colour"));
    assert_eq!(loss.entries.len(), 2);
    // The rest of the place is untouched.
    let mut without = p.clone();
    without.extensions = places()[1].extensions.clone();
    assert_eq!(without, places()[1]);
}

#[test]
fn multipolygon_is_a_place_geometry_and_a_linestring_is_kept() {
    let (mut f, _) = geojson::place_to_feature(&places()[0]);
    let multi = json!({
        "type": "MultiPolygon",
        "coordinates": [[[[120.0, 31.0], [120.1, 31.0], [120.1, 31.1], [120.0, 31.0]]]]
    });
    f["geometry"] = multi.clone();
    let (p, loss) = geojson::feature_to_place(&f).unwrap();
    assert!(matches!(p.geometry, Some(linli_model::geo::Geometry::MultiPolygon(_))));
    assert!(loss.is_empty());
    // It round-trips.
    let (back, _) = geojson::feature_to_place(&geojson::place_to_feature(&p).0).unwrap();
    assert_eq!(back, p);

    let line = json!({"type": "LineString", "coordinates": [[120.0, 31.0], [120.1, 31.1]]});
    f["geometry"] = line.clone();
    let (p, loss) = geojson::feature_to_place(&f).unwrap();
    assert!(p.geometry.is_none());
    let ns = &p.extensions.0.iter().find(|(k, _)| k.as_str() == "geojson").unwrap().1;
    assert_eq!(ns["geometry"], line);
    let lost: Vec<_> = loss.of(LossKind::NotRepresentable).collect();
    assert_eq!(lost.len(), 1);
    assert_eq!(lost[0].source, "/geometry");
    assert_eq!(lost[0].target.as_deref(), Some("/extensions/geojson/geometry"));
}

#[test]
fn missing_required_property_is_an_error() {
    let (mut f, _) = geojson::place_to_feature(&places()[1]);
    f["properties"].as_object_mut().unwrap().remove("kind");
    let err = geojson::feature_to_place(&f).unwrap_err().to_string();
    assert!(err.contains("/properties/kind"), "{err}");

    let (mut f, _) = geojson::place_to_feature(&places()[1]);
    f.as_object_mut().unwrap().remove("id");
    let err = geojson::feature_to_place(&f).unwrap_err().to_string();
    assert!(err.contains("/id"), "{err}");

    assert!(geojson::feature_to_place(&json!({"type": "Point", "coordinates": [120.0, 31.0]})).is_err());
    assert!(geojson::feature_to_place(&json!(42)).is_err());
}

#[test]
fn foreign_feature_members_are_reported() {
    let (mut f, _) = geojson::place_to_feature(&places()[0]);
    f["bbox"] = json!([120.57, 31.32, 120.59, 31.34]);
    let (p, loss) = geojson::feature_to_place(&f).unwrap();
    assert_eq!(p, places()[0]);
    let lost: Vec<_> = loss.of(LossKind::NotRepresentable).collect();
    assert_eq!(lost.len(), 1);
    assert_eq!(lost[0].source, "/bbox");
}

#[test]
fn collection_with_a_bad_feature_converts_the_others() {
    let (mut fc, _) = geojson::places_to_collection(&places());
    fc["features"][0]["properties"].as_object_mut().unwrap().remove("name");
    fc["features"][1]["properties"]["colour"] = json!("red");
    let (ps, loss, errors) = geojson::collection_to_places(&fc);
    assert_eq!(ps.len(), 1);
    assert_eq!(ps[0].id, places()[1].id);
    assert_eq!(errors.len(), 1);
    assert!(errors[0].starts_with("/features/0/properties/name"), "{}", errors[0]);
    assert_eq!(loss.entries.len(), 1);
    assert_eq!(loss.entries[0].source, "/features/1/properties/colour");

    let (ps, _, errors) = geojson::collection_to_places(&json!({"type": "FeatureCollection"}));
    assert!(ps.is_empty() && !errors.is_empty());
}

// ---------------------------------------------------------------------------------------------
// CloudEvents

fn event_round_trips(e: &Event) -> bool {
    let ce = cloudevents::event_to_cloudevent(e).unwrap();
    let (back, loss) = cloudevents::cloudevent_to_event(&ce).expect("own CloudEvent converts");
    loss.is_empty() && &back == e
}

#[test]
fn example_events_round_trip() {
    for e in events() {
        assert!(event_round_trips(&e), "{}", e.id);
    }
    let ce = cloudevents::event_to_cloudevent(&events()[0]).unwrap();
    assert_eq!(ce["specversion"], "1.0");
    assert_eq!(ce["id"], "E-20240521-0014");
    assert_eq!(ce["type"], "org.linli.event.alarm.smoke");
    assert_eq!(ce["source"], "/linli/things/T-SMOKE-2-2-302");
    assert_eq!(ce["time"], "2024-05-21T10:48:36+08:00");
    assert_eq!(ce["subject"], "L-ROOM-2-2-302");
    assert_eq!(ce["datacontenttype"], "application/json");
    assert_eq!(ce["dataschema"], "https://schema.linli.org.cn/0.1/event.schema.json");
    assert_eq!(ce["data"], serde_json::to_value(&events()[0]).unwrap());
}

#[test]
fn source_without_thing_uses_vendor_and_product() {
    let mut e = events()[1].clone();
    e.source = None;
    let ce = cloudevents::event_to_cloudevent(&e).unwrap();
    let vendor =
        "%E8%8B%8F%E5%B7%9E%E9%82%BB%E9%87%8C%E7%A4%BA%E4%BE%8B%E7%A7%91%E6%8A%80%E6%9C%89%E9%99%90%E5%85%AC%E5%8F%B8";
    let source = ce["source"].as_str().unwrap();
    assert!(source.starts_with(&format!("/linli/{vendor}/%E7%89%A9")), "{source}");
    assert!(source.bytes().all(|b| b.is_ascii_alphanumeric() || b"/%._~-".contains(&b)));
    assert!(event_round_trips(&e));
}

#[test]
fn batch_round_trips() {
    let batch = cloudevents::events_to_batch(&events()).unwrap();
    assert!(batch.is_array());
    let (back, loss, errors) = cloudevents::batch_to_events(&batch);
    assert!(errors.is_empty() && loss.is_empty());
    assert_eq!(back, events());
}

#[test]
fn arbitrary_events_round_trip() {
    fn prop(e: Event) -> bool {
        event_round_trips(&e)
    }
    QuickCheck::new().tests(300).quickcheck(prop as fn(Event) -> bool);
}

#[test]
fn arbitrary_batches_round_trip() {
    fn prop(es: Vec<Event>) -> bool {
        let text = serde_json::to_string(&cloudevents::events_to_batch(&es).unwrap()).unwrap();
        let (back, loss, errors) = cloudevents::batch_to_events(&serde_json::from_str(&text).unwrap());
        back == es && loss.is_empty() && errors.is_empty()
    }
    QuickCheck::new().tests(50).quickcheck(prop as fn(Vec<Event>) -> bool);
}

#[test]
fn extension_attribute_is_kept() {
    let mut ce = cloudevents::event_to_cloudevent(&events()[0]).unwrap();
    let tp = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
    ce["traceparent"] = json!(tp);
    let (e, loss) = cloudevents::cloudevent_to_event(&ce).unwrap();
    let ns = &e.extensions.0.iter().find(|(k, _)| k.as_str() == "cloudevents").unwrap().1;
    assert_eq!(ns["traceparent"], tp);
    assert_eq!(loss.entries.len(), 1);
    let l = &loss.entries[0];
    assert_eq!(l.kind, LossKind::KeptInExtensions);
    assert_eq!(l.source, "/traceparent");
    assert_eq!(l.target.as_deref(), Some("/extensions/cloudevents/traceparent"));
    let mut without = e.clone();
    without.extensions = events()[0].extensions.clone();
    assert_eq!(without, events()[0]);
}

#[test]
fn differing_source_is_kept() {
    let mut ce = cloudevents::event_to_cloudevent(&events()[1]).unwrap();
    ce["source"] = json!("urn:vendor:gate-controller");
    let (_, loss) = cloudevents::cloudevent_to_event(&ce).unwrap();
    assert_eq!(loss.of(LossKind::KeptInExtensions).map(|l| l.source.as_str()).collect::<Vec<_>>(), ["/source"]);
}

#[test]
fn inconsistent_cloudevents_are_errors() {
    let good = cloudevents::event_to_cloudevent(&events()[0]).unwrap();
    let check = |f: &dyn Fn(&mut Value), pointer: &str| {
        let mut ce = good.clone();
        f(&mut ce);
        let err = cloudevents::cloudevent_to_event(&ce).unwrap_err().to_string();
        assert!(err.contains(pointer), "{pointer}: {err}");
    };
    check(&|ce| ce["id"] = json!("E-OTHER"), "/id");
    check(&|ce| ce["type"] = json!("org.linli.event.alarm.gas_leak"), "/type");
    check(&|ce| ce["time"] = json!("2024-05-21T10:48:37+08:00"), "/time");
    check(&|ce| ce["specversion"] = json!("0.3"), "/specversion");
    check(&|ce| ce["data"]["category"] = json!("nonsense"), "/data");
    check(&|ce| _ = ce["data"].as_object_mut().unwrap().remove("meta"), "/data/meta");
    check(
        &|ce| {
            let o = ce.as_object_mut().unwrap();
            o.remove("data");
            o.insert("data_base64".into(), json!("eyJ9"));
        },
        "/data_base64",
    );
    check(&|ce| ce["datacontenttype"] = json!("application/octet-stream"), "/datacontenttype");
}

#[test]
fn batch_with_a_bad_event_converts_the_others() {
    let mut batch = cloudevents::events_to_batch(&events()).unwrap();
    batch[0]["id"] = json!("E-MISMATCH");
    batch[1]["traceparent"] = json!("00-abc");
    let (es, loss, errors) = cloudevents::batch_to_events(&batch);
    assert_eq!(es.len(), 1);
    assert_eq!(es[0].id, events()[1].id);
    assert_eq!(errors.len(), 1);
    assert!(errors[0].starts_with("/0/id"), "{}", errors[0]);
    assert_eq!(loss.entries.len(), 1);
    assert_eq!(loss.entries[0].source, "/1/traceparent");

    let (es, _, errors) = cloudevents::batch_to_events(&json!({"not": "an array"}));
    assert!(es.is_empty() && errors.len() == 1);
}
