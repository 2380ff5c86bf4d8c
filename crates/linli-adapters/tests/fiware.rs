#![allow(clippy::unwrap_used, clippy::expect_used)]
//! FIWARE NGSI-LD adapter: every shared fixture, round trips, faulty inputs.

use std::path::PathBuf;

use linli_adapters::coords::Datum;
use linli_adapters::fiware::{self, Form, FromNgsi};
use linli_adapters::{LossKind, LossReport};
use linli_model::check::{Finding, Level, check_record};
use linli_model::codes::{CaseStatus, PlaceKind};
use linli_model::{Case, Event, Place, Record, Thing};
use quickcheck::{QuickCheck, TestResult};
use serde_json::{Value, json};

fn opts() -> FromNgsi {
    FromNgsi::new("2024-05-01T09:00:00+08:00".parse().unwrap())
}

fn fixtures_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/fixtures/fiware")
}

/// Every `*/examples/*.json` and `*.jsonld` fixture, with its contents. Fails (never skips)
/// when the fixtures are missing.
fn fixtures() -> Vec<(String, Value)> {
    let dir = fixtures_dir();
    assert!(
        dir.is_dir(),
        "FIWARE fixtures not found at {} (expected shared/fixtures/fiware beside the repository)",
        dir.display()
    );
    let mut out = Vec::new();
    for model in std::fs::read_dir(&dir).unwrap() {
        let examples = model.unwrap().path().join("examples");
        if !examples.is_dir() {
            continue;
        }
        for f in std::fs::read_dir(&examples).unwrap() {
            let p = f.unwrap().path();
            if matches!(p.extension().and_then(|e| e.to_str()), Some("json" | "jsonld")) {
                let text = std::fs::read_to_string(&p).unwrap();
                let v: Value = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
                out.push((p.strip_prefix(&dir).unwrap().display().to_string(), v));
            }
        }
    }
    out.sort_by(|a, b| a.0.cmp(&b.0));
    assert!(out.len() >= 28, "expected the FIWARE example files in {}, found {}", dir.display(), out.len());
    out
}

fn fixture(name: &str) -> Value {
    fixtures().into_iter().find(|(n, _)| n == name).unwrap_or_else(|| panic!("fixture {name}")).1
}

fn list(findings: &[Finding]) -> String {
    findings.iter().map(|f| format!("{} {} {}", f.code, f.pointer, f.message_en)).collect::<Vec<_>>().join("\n  ")
}

fn has(findings: &[Finding], code: &str, pointer: &str) -> bool {
    findings.iter().any(|f| f.code == code && f.pointer == pointer)
}

/// Whether every member of `a` is in `b` with the same value (objects member by member).
fn comes_back(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => x.iter().all(|(k, v)| y.get(k).is_some_and(|w| comes_back(v, w))),
        _ => a == b,
    }
}

fn fiware_ext(r: &Record) -> serde_json::Map<String, Value> {
    let v = serde_json::to_value(r).unwrap();
    v["extensions"]["fiware"].as_object().cloned().unwrap_or_default()
}

fn assert_valid(name: &str, r: &Record, findings: &[Finding]) {
    let errors: Vec<_> = check_record(r, &Default::default()).into_iter().filter(|f| f.level == Level::Error).collect();
    assert!(errors.is_empty(), "{name}: {errors:?}\n  findings: {}", list(findings));
    let text = serde_json::to_string(r).unwrap();
    assert_eq!(&Record::from_json_str(&text).unwrap(), r, "{name}: serde round trip");
    assert!(!text.contains("null"), "{name}: null in output {text}");
}

#[test]
fn every_fixture_converts() {
    for (name, entity) in fixtures() {
        let (record, loss, findings) = fiware::from_ngsi(&entity, &opts()).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_valid(&name, &record, &findings);
        assert!(findings.iter().all(|f| f.level != Level::Error), "{name}: {}", list(&findings));
        // Nothing is dropped: every attribute is mapped, kept, or rejected into the extensions.
        assert!(loss.of(LossKind::KeptInExtensions).count() > 0, "{name}");
        // Writing it back in both forms and reading that again gives the same record.
        for form in [Form::Normalized, Form::KeyValues] {
            let (out, lost) = fiware::to_ngsi(&record, form);
            let text = serde_json::to_string(&out).unwrap();
            assert!(!text.contains("null"), "{name}: null in {text}");
            let (back, _, _) = fiware::from_ngsi(&out, &opts()).unwrap();
            let mut a = serde_json::to_value(&record).unwrap();
            let mut b = serde_json::to_value(&back).unwrap();
            for l in lost.of(LossKind::NotRepresentable) {
                remove(&mut a, &l.source);
                remove(&mut b, &l.source);
            }
            // Every member not reported comes back unchanged (the lost-member rule of chapter
            // 18: what reading back adds is not a loss of the record).
            assert!(comes_back(&a, &b), "{name} {form:?}: {:?}\n  left: {a}\n right: {b}", lost);
        }
        eprintln!("{name}: {}\n  {}", record.id(), list(&findings));
    }
}

#[test]
fn fixture_faults_are_reported() {
    // floorsBelowGround is a Boolean here, an integer elsewhere.
    let (r, loss, f) = fiware::from_ngsi(&fixture("Building/examples/example-normalized.json"), &opts()).unwrap();
    assert!(has(&f, "fiware-attribute-type", "/floorsBelowGround/value"), "{}", list(&f));
    assert_eq!(fiware_ext(&r)["floorsBelowGround"], false);
    assert!(loss.entries.iter().any(|l| l.source == "/floorsBelowGround"));
    let Record::Place(p) = &r else { panic!() };
    assert_eq!(p.kind, PlaceKind::Building);
    assert_eq!(p.id.as_str(), "building-a85e3da145c1");
    assert_eq!(p.meta.source.vendor.as_str(), "FIWARE");
    assert_eq!(p.meta.source.product.as_str(), "Building");
    assert_eq!(p.meta.created_at.to_string(), "2016-08-08T10:18:16Z");
    let a = p.address.as_ref().unwrap();
    assert_eq!(a.city.as_ref().unwrap().as_str(), "London");
    assert_eq!(a.road.as_ref().unwrap().as_str(), "25 Walbrook");
    assert_eq!(fiware_ext(&r)["address"], json!({"postalCode": "EC4N 8AF"}));
    assert!(matches!(p.geometry, Some(linli_model::geo::Geometry::Polygon(_))));
    // The same building in NGSI-LD: the URN prefix is stripped, @context kept.
    let (r, _, f) = fiware::from_ngsi(&fixture("Building/examples/example-normalized.jsonld"), &opts()).unwrap();
    assert!(!has(&f, "fiware-attribute-type", "/floorsBelowGround/value"));
    assert_eq!(r.id().as_str(), "building-a85e3da145c1");
    assert!(fiware_ext(&r)["@context"].is_array());
    assert!(r.meta().created_at == opts().default_time);

    // dateCreated without time zone: read as UTC, reported and normalised.
    let (r, loss, f) = fiware::from_ngsi(&fixture("Alert/examples/example-normalized.json"), &opts()).unwrap();
    // A time without offset is read as UTC and reported as normalised, not as a fault [ADP-072].
    assert!(!has(&f, "fiware-time-without-offset", "/dateCreated/value"), "{}", list(&f));
    assert!(loss.of(LossKind::Normalised).any(|l| l.code == "fiware-time-without-offset"));
    assert_eq!(r.meta().created_at.to_string(), "2019-06-06T12:06:06Z");
    let Record::Event(e) = &r else { panic!() };
    assert_eq!(e.category.to_string(), "other.other");
    assert_eq!(fiware_ext(&r)["category"], "traffic");
    assert_eq!(fiware_ext(&r)["subCategory"], "trafficJam");
    assert_eq!(e.occurred_at.to_string(), "2017-01-02T09:25:55Z");
    assert_eq!(e.ended_at.unwrap().to_string(), "2017-01-02T10:25:55Z");
    assert_eq!(e.severity.to_string(), "high");
    assert_eq!(e.id.as_str(), "Alert:1");
    assert!(loss.of(LossKind::Normalised).any(|l| l.code == "fiware-id-not-urn"));
    assert_eq!(fiware::to_ngsi(&r, Form::KeyValues).0["id"], "urn:ngsi-ld:Alert:Alert:1");

    // validTo before dateIssued.
    let (r, _, f) = fiware::from_ngsi(&fixture("Alert/examples/example-agriAlert.json"), &opts()).unwrap();
    assert!(has(&f, "fiware-time-order", "/validTo"), "{}", list(&f));
    assert_eq!(fiware_ext(&r)["validTo"], "2017-03-28T10:25:55.00Z");
    assert!(fiware_ext(&r)["location"]["type"] == "Polygon", "a polygon is no event location");

    // Latitude 91 where the longitude fits as latitude: swapped (Agartala), and an id with
    // spaces.
    let (r, loss, f) = fiware::from_ngsi(&fixture("Camera/examples/example-normalized.json"), &opts()).unwrap();
    assert!(loss.of(LossKind::Normalised).any(|l| l.code == "fiware-coordinates-swapped" && l.source == "/location"));
    let Record::Thing(t) = &r else { panic!() };
    let p = t.location.as_ref().unwrap().coordinates;
    assert_eq!((p.lng, p.lat), (91.28076, 23.831796));
    assert!(has(&f, "fiware-id-invalid", "/id"), "{}", list(&f));
    // Changed, so the digest of the original follows (distinct ids stay distinct).
    assert!(r.id().as_str().starts_with("urn:ngsi-ld:Smart-Data-Models-Camera-"), "{}", r.id().as_str());
    assert_eq!(r.meta().source_id.as_ref().unwrap().as_str(), "urn:ngsi-ld:Smart Data Models-Camera");
    let Record::Thing(t) = &r else { panic!() };
    assert_eq!(t.kind.to_string(), "device.camera");

    // A malformed time.
    let (r, _, f) =
        fiware::from_ngsi(&fixture("service_requests/examples/example-normalized.jsonld"), &opts()).unwrap();
    assert!(has(&f, "fiware-time-invalid", "/expected_datetime/value/@value"), "{}", list(&f));
    let Record::Case(c) = &r else { panic!() };
    assert!(c.deadline.is_none());
    assert_eq!(c.title.as_str(), "Aceras");
    assert_eq!(c.reported_at.to_string(), "2010-04-14T06:37:38-08:00");
    assert_eq!(c.history().len(), 1);
    assert_eq!(c.status(), CaseStatus::Reported);
    assert_eq!(fiware_ext(&r)["status"], "closed");
}

#[test]
fn devices_and_issues() {
    let (r, _, f) = fiware::from_ngsi(&fixture("Device/examples/example.jsonld"), &opts()).unwrap();
    assert!(f.is_empty(), "{}", list(&f));
    let Record::Thing(t) = &r else { panic!() };
    assert_eq!(t.id.as_str(), "device-9845A");
    assert_eq!(t.kind.to_string(), "device.other");
    assert_eq!(t.serial_number.as_ref().unwrap().as_str(), "9845A");
    assert_eq!(fiware_ext(&r)["controlledProperty"], json!(["fillingLevel", "temperature"]));
    let (r, _, _) = fiware::from_ngsi(&fixture("IssueReporting/examples/example-normalized.jsonld"), &opts()).unwrap();
    let Record::Case(c) = &r else { panic!() };
    assert_eq!(c.title.as_str(), "Road maintenance");
    assert_eq!(c.description.as_ref().unwrap().as_str(), "Road not in proper condition");
    assert_eq!(c.reported_at.to_string(), "2021-03-11T15:51:02+05:30");
    assert_eq!(c.history()[0].at, c.reported_at);
    let (out, lost) = fiware::to_ngsi(&r, Form::Normalized);
    assert_eq!(out["type"], "IssueReporting");
    assert_eq!(out["title"], json!({"type": "Property", "value": "Road maintenance"}));
    assert!(lost.is_empty(), "{lost:?}");

    // Kinds chosen from the categories and controlled properties.
    let kind = |e: Value| match fiware::from_ngsi(&e, &opts()).unwrap().0 {
        Record::Thing(t) => t.kind.to_string(),
        _ => panic!(),
    };
    assert_eq!(kind(json!({"id": "d", "type": "Device", "controlledProperty": ["smoke"]})), "device.smoke-sensor");
    assert_eq!(kind(json!({"id": "d", "type": "Device", "deviceCategory": ["meter"]})), "device.smart-meter");
    assert_eq!(
        kind(json!({"id": "d", "type": "Device", "controlledProperty": ["temperature", "temperature"]})),
        "device.temperature-sensor"
    );
    assert_eq!(
        kind(json!({"id": "d", "type": "Device", "controlledProperty": ["temperature", "smoke"]})),
        "device.other"
    );
}

#[test]
fn alert_categories_map() {
    let e = json!({"id": "urn:ngsi-ld:Alert:a1", "type": "Alert", "category": "health", "subCategory": "fallenPatient",
                   "dateIssued": "2024-05-01T08:00:00+08:00", "severity": "critical"});
    let (r, _, f) = fiware::from_ngsi(&e, &opts()).unwrap();
    assert!(f.is_empty());
    let Record::Event(ev) = &r else { panic!() };
    assert_eq!(ev.category.to_string(), "alarm.fall_detected");
    assert_eq!(ev.id.as_str(), "a1");
    assert!(fiware_ext(&r).is_empty());
    let (out, lost) = fiware::to_ngsi(&r, Form::KeyValues);
    assert_eq!(out["category"], "health");
    assert_eq!(out["subCategory"], "fallenPatient");
    assert_eq!(out["id"], "urn:ngsi-ld:Alert:a1");
    assert!(lost.is_empty(), "{lost:?}");
}

// ---------------------------------------------------------------------------------------------
// Round trips canonical → NGSI → canonical

/// Remove the member at a JSON pointer, if there is one.
fn remove(v: &mut Value, pointer: &str) {
    let tokens: Vec<String> = pointer.split('/').skip(1).map(|t| t.replace("~1", "/").replace("~0", "~")).collect();
    let Some((last, path)) = tokens.split_last() else { return };
    let mut cur = v;
    for t in path {
        match cur.get_mut(t.as_str()) {
            Some(next) => cur = next,
            None => return,
        }
    }
    if let Some(o) = cur.as_object_mut() {
        o.remove(last.as_str());
    }
}

/// Members of each record type that NGSI cannot hold (pointer prefixes).
fn not_held(r: &Record) -> Vec<&'static str> {
    let mut v = vec![
        "/meta/source/vendor",
        "/meta/source/product",
        "/meta/source/version",
        "/meta/sourceId",
        "/meta/version",
        "/meta/classification",
        "/extensions/",
    ];
    v.extend(match r {
        Record::Place(_) => &[
            "/parent",
            "/divisionCode",
            "/roomUse",
            "/area",
            "/rentalStatus",
            "/address/subDistrict",
            "/address/community",
            "/address/compound",
            "/address/building",
            "/address/unit",
            "/address/floor",
            "/address/room",
            "/address/fullText",
        ][..],
        Record::Thing(_) => &["/kind", "/manufacturer", "/model", "/deviceCode", "/place", "/operator", "/vehicle"][..],
        Record::Event(_) => &["/place", "/subjects", "/measurements", "/media", "/case"][..],
        Record::Case(_) => &[
            "/channel",
            "/reporter",
            "/anonymous",
            "/place",
            "/events",
            "/status",
            "/history",
            "/assignee",
            "/resolution",
            "/evaluation",
            "/title",
        ][..],
        _ => &[][..],
    });
    v
}

fn round_trips(record: Record) -> TestResult {
    for form in [Form::Normalized, Form::KeyValues] {
        let (out, lost) = fiware::to_ngsi(&record, form);
        let text = serde_json::to_string(&out).unwrap();
        if text.contains("null") {
            return TestResult::error(format!("null in {text}"));
        }
        let (back, _, findings) = fiware::from_ngsi(&serde_json::from_str(&text).unwrap(), &opts()).unwrap();
        if !findings.is_empty() {
            return TestResult::error(format!("findings on own output: {}", list(&findings)));
        }
        if check_record(&back, &Default::default()).iter().any(|f| f.level == Level::Error) {
            return TestResult::error(format!("invalid record back: {back:?}"));
        }
        let allowed = not_held(&record);
        let mut a = serde_json::to_value(&record).unwrap();
        let mut b = serde_json::to_value(&back).unwrap();
        for l in &lost.entries {
            if l.kind != LossKind::NotRepresentable {
                return TestResult::error(format!("unexpected loss {l:?}"));
            }
            if !allowed.iter().any(|p| l.source.starts_with(p)) {
                return TestResult::error(format!("{form:?}: NGSI should hold {} ({lost:?})", l.source));
            }
            remove(&mut a, &l.source);
            remove(&mut b, &l.source);
        }
        remove(&mut a, "/extensions");
        remove(&mut b, "/extensions");
        if a != b {
            return TestResult::error(format!("{form:?}: differs beyond the loss report\n{a}\n{b}\n{lost:?}"));
        }
        // Exactly: every reported member really differs.
        let full_back = serde_json::to_value(&back).unwrap();
        let full = serde_json::to_value(&record).unwrap();
        for l in &lost.entries {
            if full.pointer(&l.source) == full_back.pointer(&l.source) {
                return TestResult::error(format!("{form:?}: {} reported but it came back", l.source));
            }
        }
    }
    TestResult::passed()
}

#[test]
fn arbitrary_buildings_round_trip() {
    fn prop(mut p: Place) -> TestResult {
        p.kind = PlaceKind::Building;
        round_trips(Record::Place(p))
    }
    QuickCheck::new().tests(300).quickcheck(prop as fn(Place) -> TestResult);
}

#[test]
fn arbitrary_things_round_trip() {
    fn prop(t: Thing) -> TestResult {
        round_trips(Record::Thing(t))
    }
    QuickCheck::new().tests(300).quickcheck(prop as fn(Thing) -> TestResult);
}

#[test]
fn arbitrary_events_round_trip() {
    fn prop(e: Event) -> TestResult {
        round_trips(Record::Event(e))
    }
    QuickCheck::new().tests(300).quickcheck(prop as fn(Event) -> TestResult);
}

#[test]
fn arbitrary_cases_round_trip() {
    fn prop(c: Case) -> TestResult {
        round_trips(Record::Case(c))
    }
    QuickCheck::new().tests(300).quickcheck(prop as fn(Case) -> TestResult);
}

#[test]
fn held_members_are_not_reported() {
    // A record holding only what NGSI can hold, with FIWARE defaults: nothing is lost.
    let (r, _, _) = fiware::from_ngsi(
        &json!({"id": "urn:ngsi-ld:Device:T-1", "type": "Device", "name": "烟感", "controlledProperty": ["smoke"],
                "deviceState": "online", "owner": ["urn:ngsi-ld:Organization:O-1"], "dateInstalled": "2023-04-05T00:00:00Z",
                "location": {"type": "Point", "coordinates": [120.6, 31.3]},
                "dateCreated": "2024-05-01T09:00:00+08:00", "dateModified": "2024-05-02T09:00:00+08:00"}),
        &opts(),
    )
    .unwrap();
    let Record::Thing(t) = &r else { panic!() };
    assert_eq!(t.owner.as_ref().unwrap().id.as_str(), "O-1");
    assert_eq!(t.install_date.unwrap().to_string(), "2023-04-05");
    for form in [Form::Normalized, Form::KeyValues] {
        let (out, lost) = fiware::to_ngsi(&r, form);
        assert!(lost.is_empty(), "{lost:?}");
        assert_eq!(fiware::from_ngsi(&out, &opts()).unwrap().0, r);
    }
    let (out, _) = fiware::to_ngsi(&r, Form::Normalized);
    assert_eq!(out["owner"], json!({"type": "Relationship", "object": ["urn:ngsi-ld:Organization:O-1"]}));
    assert_eq!(out["location"]["type"], "GeoProperty");
    assert_eq!(out["dateInstalled"]["value"], json!({"@type": "DateTime", "@value": "2023-04-05T00:00:00Z"}));
}

// ---------------------------------------------------------------------------------------------
// Faulty inputs

#[test]
fn wrong_attribute_types_are_findings() {
    let e = json!({
        "id": "urn:ngsi-ld:Alert:a2", "type": "Alert",
        "alertSource": {"type": "Property", "value": "urn:ngsi-ld:Device:cam-1"},
        "severity": {"type": "Property", "value": 3},
        "description": {"type": "Property", "value": ["not", "text"]},
        "location": {"type": "GeoProperty", "value": "31.3, 120.6"},
        "dateIssued": {"type": "Property", "value": 1_714_000_000},
        "dateCreated": "2024-05-02T00:00:00Z", "dateModified": "2024-05-01T00:00:00Z"
    });
    let (r, loss, f) = fiware::from_ngsi(&e, &opts()).unwrap();
    assert!(has(&f, "fiware-attribute-type", "/alertSource/type"), "{}", list(&f));
    assert!(has(&f, "fiware-attribute-type", "/severity/value"), "{}", list(&f));
    assert!(has(&f, "fiware-attribute-type", "/description/value"), "{}", list(&f));
    assert!(has(&f, "fiware-geometry-invalid", "/location/value"), "{}", list(&f));
    assert!(has(&f, "fiware-attribute-type", "/dateIssued/value"), "{}", list(&f));
    assert!(has(&f, "fiware-time-order", "/dateModified"), "{}", list(&f));
    assert_valid("wrong types", &r, &f);
    let Record::Event(ev) = &r else { panic!() };
    assert_eq!(ev.source.as_ref().unwrap().id.as_str(), "cam-1");
    assert!(ev.description.is_none() && ev.location.is_none());
    let ext = fiware_ext(&r);
    for k in ["severity", "description", "location", "dateIssued"] {
        assert!(ext.contains_key(k), "{k} kept");
        assert!(loss.of(LossKind::Rejected).any(|l| l.source == format!("/{k}")), "{k} rejected");
    }

    // A string where a number is required, a Boolean where text is.
    let b = json!({"id": "b", "type": "Building", "floorsAboveGround": "7", "name": true, "mapUrl": null});
    let (r, _, f) = fiware::from_ngsi(&b, &opts()).unwrap();
    assert!(has(&f, "fiware-attribute-type", "/floorsAboveGround"), "{}", list(&f));
    assert!(has(&f, "fiware-attribute-type", "/name"), "{}", list(&f));
    let Record::Place(p) = &r else { panic!() };
    assert_eq!(p.name.as_str(), "b");
    assert_eq!(fiware_ext(&r)["floorsAboveGround"], "7");
    assert!(!fiware_ext(&r).contains_key("mapUrl"), "a null attribute is absent");
    assert_valid("building", &r, &f);
}

#[test]
fn unconvertible_entities_are_errors() {
    let err = |v: Value| fiware::from_ngsi(&v, &opts()).unwrap_err().to_string();
    assert!(err(json!(42)).contains("(root)"));
    assert!(err(json!({"type": "Building"})).contains("/id"));
    assert!(err(json!({"id": "x"})).contains("/type"));
    assert!(err(json!({"id": "x", "type": "Beekeeper"})).contains("/type"));
    assert!(err(json!({"id": "x", "type": "DeviceModel"})).contains("no Linli record"));
    assert!(err(json!({"id": "   ", "type": "Building"})).contains("/id"));
}

#[test]
fn batch_converts_the_good_entities() {
    let mut all: Vec<Value> = fixtures().into_iter().map(|(_, v)| v).collect();
    let n = all.len();
    all.insert(1, json!({"id": "x", "type": "Nope"}));
    let (records, loss, _, errors) = fiware::from_ngsi_batch(&Value::Array(all), &opts());
    assert_eq!(records.len(), n);
    assert_eq!(errors.len(), 1);
    assert!(errors[0].starts_with("/1/type"), "{}", errors[0]);
    assert!(loss.entries.iter().all(|l| l.source.starts_with('/')));
    let (out, report) = fiware::to_ngsi_batch(&records, Form::KeyValues);
    assert_eq!(out.as_array().unwrap().len(), n);
    let (back, _, _, errors) = fiware::from_ngsi_batch(&out, &opts());
    assert!(errors.is_empty());
    assert_eq!(back.len(), n);
    let _: &LossReport = &report;
}

#[test]
fn gcj02_coordinates_are_converted() {
    let e = json!({"id": "b", "type": "Building", "location": {"type": "Point", "coordinates": [120.6, 31.3]}});
    let o = FromNgsi { datum: Datum::Gcj02, ..opts() };
    let (r, loss, _) = fiware::from_ngsi(&e, &o).unwrap();
    let Record::Place(p) = &r else { panic!() };
    let pos = p.geometry.as_ref().unwrap().positions()[0];
    assert_eq!((pos.lng, pos.lat), Datum::Gcj02.to_wgs84(120.6, 31.3));
    assert!(loss.of(LossKind::Normalised).any(|l| l.source == "/location" && l.target.as_deref() == Some("/geometry")));
}

#[test]
fn sub_attributes_are_kept_and_written_back() {
    let e = json!({"id": "urn:ngsi-ld:Device:d", "type": "Device",
        "serialNumber": {"type": "Property", "value": "S1", "observedAt": "2024-05-01T00:00:00Z"},
        "batteryLevel": {"type": "Property", "value": 0.5, "unitCode": "P1"}});
    let (r, _, f) = fiware::from_ngsi(&e, &opts()).unwrap();
    assert!(f.is_empty(), "{}", list(&f));
    assert_eq!(fiware_ext(&r)["@metadata"]["serialNumber"]["observedAt"], "2024-05-01T00:00:00Z");
    let (out, lost) = fiware::to_ngsi(&r, Form::Normalized);
    assert_eq!(out["serialNumber"]["observedAt"], "2024-05-01T00:00:00Z");
    assert_eq!(out["batteryLevel"], e["batteryLevel"]);
    assert!(lost.is_empty(), "{lost:?}");
    let (out, lost) = fiware::to_ngsi(&r, Form::KeyValues);
    assert_eq!(out["serialNumber"], "S1");
    assert_eq!(out["batteryLevel"], 0.5);
    assert!(lost.of(LossKind::NotRepresentable).any(|l| l.source.starts_with("/extensions/fiware/")));
}

// Mapping files, bodies and NGSI-v2 (spec 18.3.1-18.3.5, issue 11)

fn read_with(input: Value, mapping: Option<&str>) -> Result<linli_adapters::convert::Converted, linli_adapters::Error> {
    use linli_adapters::convert::{Format, ReadOptions, read};
    let mut o = ReadOptions::new("2024-05-01T09:00:00+08:00".parse().unwrap());
    o.format_mapping = mapping.map(str::to_owned);
    read(Format::NgsiLd, input.to_string().as_bytes(), &o)
}

#[test]
fn a_user_mapping_file_adds_and_overrides_types() {
    let hive = json!({"id": "urn:ngsi-ld:Beehive:h3", "type": "Beehive",
        "temperature": {"type": "Property", "value": 34.6, "unitCode": "CEL"}});
    let refused = read_with(hive.clone(), None).unwrap();
    assert!(refused.records.is_empty());
    assert_eq!(refused.findings.len(), 1);
    assert_eq!(refused.findings[0].code, "fiware-unmapped-type");
    assert!(refused.findings[0].message_en.contains("Beehive") && refused.findings[0].message_en.contains("--mapping"));
    let file = "[types.Beehive]\nrecord = \"Event\"\ncategory = \"sensor.reading\"\n\
                measurements = { temperature = { quantity = \"temperature\", unit = \"CEL\" } }\n\
                [types.WasteContainer]\nrecord = \"Thing\"\nkind = \"facility.other\"\n";
    let got = read_with(hive, Some(file)).unwrap();
    let Record::Event(e) = &got.records[0] else { panic!("{:?}", got.records) };
    assert_eq!((e.measurements[0].value, e.measurements[0].unit_code.as_str()), (34.6, "CEL"));
    let bin = json!({"id": "b", "type": "WasteContainer"});
    let Record::Thing(t) = &read_with(bin, Some(file)).unwrap().records[0] else { panic!() };
    assert_eq!(t.kind.to_string(), "facility.other");
    let err = read_with(json!({"id": "x", "type": "X"}), Some("[types.X]\nrecord = \"Spaceship\"")).unwrap_err();
    assert_eq!(err.code(), "adapter-mapping");
}

#[test]
fn a_notification_of_unknown_entities_gives_one_finding() {
    let data: Vec<Value> = (0..20)
        .map(|i| {
            json!({"id": format!("Room{i}"), "type": "Room",
        "temperature": {"type": "Float", "value": "26.5", "metadata": {}}})
        })
        .collect();
    let got = read_with(json!({"subscriptionId": "s1", "data": data}), None).unwrap();
    assert!(got.records.is_empty());
    assert_eq!(got.findings.len(), 1, "{:?}", got.findings);
    assert_eq!(got.findings[0].at, "/data/0/type");
    assert!(got.findings[0].message_en.contains("20 entities"));
}

#[test]
fn ngsi_v2_geo_point_and_metadata() {
    let e = json!({"subscriptionId": "s", "data": [{"id": "WeatherObserved-1", "type": "WeatherObserved",
        "location": {"type": "geo:point", "value": "41.64, -4.75", "metadata": {}},
        "temperature": {"type": "Number", "value": 19.6, "metadata": {"unitCode": {"type": "Text", "value": "FAH"}}},
        "dateObserved": {"type": "DateTime", "value": "2024-05-01T18:00:00.00Z", "metadata": {}}}]});
    let got = read_with(e, None).unwrap();
    assert!(got.findings.is_empty(), "{:?}", got.findings);
    let Record::Event(ev) = &got.records[0] else { panic!() };
    let p = ev.location.as_ref().unwrap().coordinates;
    assert_eq!((p.lng, p.lat), (-4.75, 41.64));
    assert_eq!(ev.measurements[0].unit_code.as_str(), "FAH", "the attribute's unitCode wins");
    assert_eq!(serde_json::to_value(&ev.extensions).unwrap()["fiware"]["@envelope"]["subscriptionId"], "s");
}

#[test]
fn findings_about_people_do_not_quote_values() {
    let got =
        read_with(json!({"id": "p1", "type": "Person", "name": "张三", "dateCreated": "Zhang San"}), None).unwrap();
    assert_eq!(got.records.len(), 1);
    assert!(!got.findings.is_empty());
    for f in &got.findings {
        assert!(!f.message_en.contains("Zhang") && !f.message_zh.contains("Zhang"), "{f:?}");
    }
}

#[test]
fn a_language_property_gives_its_chinese_text() {
    let e = json!({"id": "urn:ngsi-ld:Museum:m1", "type": "Museum",
        "name": {"type": "LanguageProperty", "languageMap": {"en": "Zhejiang Museum", "zh": "浙江省博物馆"}}});
    let got = read_with(e, None).unwrap();
    assert!(got.findings.is_empty(), "{:?}", got.findings);
    let Record::Place(p) = &got.records[0] else { panic!() };
    assert_eq!(p.name.as_str(), "浙江省博物馆");
    let ext = serde_json::to_value(&p.extensions).unwrap();
    assert_eq!(ext["fiware"]["@metadata"]["name"]["languageMap"]["en"], "Zhejiang Museum");
}

/// The messages say what happened: metadata of a measured attribute kept, a measured value that
/// is not a number kept, the default used for a missing time, an NGSI-v2 id kept whole.
#[test]
fn fiware_messages_say_what_happened() {
    let input = json!({
        "id": "AirQualityObserved:Plaza1",
        "type": "AirQualityObserved",
        "dateObserved": {"type": "DateTime", "value": "2024-05-01T08:00:00Z"},
        "no2": {"type": "Number", "value": 22, "metadata": {"unitCode": {"type": "Text", "value": "GQ"}}},
        "so2": {"type": "Text", "value": "12.4"}
    });
    let got = read_with(input, None).unwrap();
    let msg = |code: &str, at: &str| {
        got.loss
            .entries
            .iter()
            .find(|l| l.code == code && l.source.ends_with(at))
            .map(|l| (l.message_en.clone(), l.message_zh.clone()))
            .unwrap_or_else(|| panic!("no {code} at {at}: {:?}", got.loss.entries))
    };
    let (en, zh) = msg("fiware-metadata-kept", "/no2");
    assert!(en.contains("metadata") && !en.contains("no Linli member"), "{en}");
    assert!(zh.contains("元数据"), "{zh}");
    let (en, zh) = msg("fiware-attribute-kept", "/so2");
    assert!(en.contains("not a number") && !en.contains("no Linli member"), "{en}");
    assert!(zh.contains("不是数值"), "{zh}");
    let (en, zh) = msg("fiware-default-time", "/dateModified");
    assert!(en.contains("meta.updatedAt = meta.createdAt"), "{en}");
    assert!(zh.contains("更新时间") && zh.contains("创建时间"), "{zh}");
    let (en, zh) = msg("fiware-id-not-urn", "/id");
    assert!(!en.contains("AirQualityObserved:AirQualityObserved"), "{en}");
    assert!(zh.contains("不是 NGSI-LD URN"), "{zh}");
}

/// A unit the source gives that is no UN/CEFACT code is never relabelled with the mapping file's
/// unit: the attribute is rejected and kept (spec 18.3.3, attack review).
#[test]
fn a_measurement_with_a_unit_that_is_no_unit_code_is_rejected_not_relabelled() {
    use linli_adapters::convert::{Format, ReadOptions, read};
    let doc = serde_json::json!({"id": "urn:ngsi-ld:AirQualityObserved:gusu-01", "type": "AirQualityObserved",
        "dateObserved": {"type": "Property", "value": {"@type": "DateTime", "@value": "2024-05-01T08:00:00Z"}},
        "no2": {"type": "Property", "value": 22, "unitCode": "ppb-ish"},
        "temperature": {"type": "Property", "value": 21.5, "unitCode": "CEL"}});
    let opts = ReadOptions::new(linli_model::datetime::Timestamp::parse("2024-05-22T09:00:00+08:00").unwrap());
    let c = read(Format::NgsiLd, doc.to_string().as_bytes(), &opts).unwrap();
    assert_eq!(
        c.findings.iter().map(|f| (f.code.as_str(), f.at.as_str())).collect::<Vec<_>>(),
        [("fiware-bad-unit", "/no2/value")]
    );
    let v = serde_json::to_value(&c.records[0]).unwrap();
    assert_eq!(v["measurements"], serde_json::json!([{"quantity": "temperature", "value": 21.5, "unitCode": "CEL"}]));
    assert_eq!(v["extensions"]["fiware"]["no2"]["unitCode"], "ppb-ish");
}

/// Table 18-5 `id`: two ids that differ only in characters a Linli id cannot hold stay two ids,
/// and the finding does not show the name in them [PRI-004]. Before, `…:Person:张三` and
/// `…:Person:李四` both became `urn:ngsi-ld:Person:--`, the second refused as a duplicate, and
/// the message printed `张三` in clear.
#[test]
fn ids_with_chinese_characters_stay_distinct_and_masked() {
    let person = |id: &str| json!({"id": id, "type": "Person", "name": {"type": "Property", "value": "P"}});
    let batch = json!([person("urn:ngsi-ld:Person:张三"), person("urn:ngsi-ld:Person:李四")]);
    let (records, _, findings, _) = fiware::from_ngsi_batch(&batch, &opts());
    assert_eq!(records.len(), 2, "{}", list(&findings));
    assert_ne!(records[0].id(), records[1].id());
    for r in &records {
        assert!(r.id().as_str().starts_with("urn:ngsi-ld:Person:---"), "{}", r.id().as_str());
        assert!(linli_model::text::Id::new(r.id().as_str()).is_ok());
    }
    assert_eq!(records[0].meta().source_id.as_ref().unwrap().as_str(), "urn:ngsi-ld:Person:张三");
    let shown = format!("{findings:?}");
    assert!(!shown.contains("张三") && !shown.contains("李四"), "{shown}");
    assert!(shown.contains("urn:ngsi-ld:Person:**"), "{shown}");
}
