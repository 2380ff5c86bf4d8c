#![allow(clippy::unwrap_used, clippy::expect_used)]
//! GA/T 1400 adapter: fixtures, notifications, bad input and the way back.

use linli_adapters::gat1400::{self, Options, Records};
use linli_adapters::{LossKind, LossReport};
use linli_model::check::{Level, check_record};
use linli_model::codes::{EventCategory, PlateColor, ThingKind, ThingStatus};
use linli_model::text::Text;
use linli_model::{Event, Record, Thing};
use serde_json::{Value, json};

fn fixture(name: &str) -> Value {
    let path = format!("{}/../../examples/adapters/gat1400/{name}", env!("CARGO_MANIFEST_DIR"));
    serde_json::from_str(&std::fs::read_to_string(&path).expect("fixture readable")).expect("fixture is JSON")
}

fn options() -> Options {
    Options::new(
        Text::new("海康威视").unwrap(),
        Text::new("视图库").unwrap(),
        "2024-05-02T00:00:00+08:00".parse().unwrap(),
    )
}

fn assert_valid(records: &Records) {
    let all = records
        .things
        .iter()
        .cloned()
        .map(Record::from)
        .chain(records.persons.iter().cloned().map(Record::from))
        .chain(records.events.iter().cloned().map(Record::from));
    for record in all {
        let errors: Vec<_> =
            check_record(&record, &Default::default()).into_iter().filter(|f| f.level == Level::Error).collect();
        assert!(errors.is_empty(), "{errors:?}");
        let back: Record = serde_json::from_str(&serde_json::to_string(&record).unwrap()).unwrap();
        assert_eq!(back, record);
    }
}

fn rejected(report: &LossReport) -> Vec<(&str, &str)> {
    report.of(LossKind::Rejected).map(|l| (l.source.as_str(), l.code.as_str())).collect()
}

fn kept(ext: &linli_model::Extensions) -> &serde_json::Map<String, Value> {
    ext.0.iter().find(|(ns, _)| ns.as_str() == "gat1400").unwrap().1
}

const FIXTURES: &[&str] = &[
    "apes.json",
    "tollgates.json",
    "faces.json",
    "persons.json",
    "motor-vehicles.json",
    "non-motor-vehicles.json",
    "notification.json",
];

#[test]
fn fixtures_convert_into_valid_records() {
    for name in FIXTURES {
        let (records, report) = gat1400::read(&fixture(name), &options());
        assert!(rejected(&report).is_empty(), "{name}: {report:?}");
        assert!(!records.things.is_empty() || !records.events.is_empty(), "{name}");
        assert_valid(&records);
    }
}

#[test]
fn devices() {
    let (r, report) = gat1400::read(&fixture("apes.json"), &options());
    assert_eq!(r.things.len(), 2);
    let cam = &r.things[0];
    assert_eq!(cam.id.as_str(), "gat1400:32050800001320000017");
    assert_eq!(cam.kind, ThingKind::Camera);
    assert_eq!(cam.device_code.as_ref().unwrap().as_str(), "32050800001320000017");
    assert_eq!(cam.name.as_ref().unwrap().as_str(), "虎丘社区3幢2单元门口人脸抓拍机");
    assert_eq!(cam.status, Some(ThingStatus::Online));
    assert_eq!(r.things[1].status, Some(ThingStatus::Offline));
    let p = cam.location.as_ref().unwrap().coordinates;
    assert_eq!((p.lng, p.lat), (120.5853, 31.3262));
    assert_eq!(kept(&cam.extensions)["IPAddr"], "10.32.5.17");
    assert!(report.entries.iter().any(|l| l.source == "/APEListObject/APEObject/0/IPAddr"
        && l.kind == LossKind::KeptInExtensions
        && l.target.as_deref() == Some("/extensions/gat1400/IPAddr")));

    let (r, _) = gat1400::read(&fixture("tollgates.json"), &options());
    let gate = &r.things[0];
    assert_eq!(gate.kind, ThingKind::BarrierGate);
    assert_eq!(gate.device_code.as_ref().unwrap().as_str(), "32050800001210000001");
    assert_eq!(gate.location.as_ref().unwrap().coordinates.lat, 31.3276);
}

#[test]
fn face_captures() {
    let (r, report) = gat1400::read(&fixture("faces.json"), &options());
    assert!(r.things.is_empty());
    assert_eq!(r.events.len(), 2);
    let e = &r.events[0];
    assert_eq!(e.category, EventCategory::FaceCapture);
    assert_eq!(e.id.as_str(), "gat1400:face:320508000013200000170220240501083015000010600001");
    assert_eq!(e.occurred_at.to_string(), "2024-05-01T08:30:15+08:00");
    assert_eq!(e.ended_at.unwrap().to_string(), "2024-05-01T08:30:18+08:00");
    assert_eq!(e.source.as_ref().unwrap().id.as_str(), "gat1400:32050800001320000017");
    assert_eq!(e.media.len(), 2);
    let m = &e.media[0];
    assert_eq!(m.uri.as_str(), "urn:gat1400:image:32050800001320000017022024050108301500001");
    assert_eq!(m.media_type.as_str(), "image/jpeg");
    // The digest is that of the decoded bytes; the bytes are not in the record.
    use base64::Engine;
    use sha2::Digest;
    let data =
        fixture("faces.json")["FaceListObject"]["FaceObject"][0]["SubImageList"]["SubImageInfoObject"][0]["Data"]
            .as_str()
            .unwrap()
            .to_owned();
    let bytes = base64::engine::general_purpose::STANDARD.decode(&data).unwrap();
    let hex: String = sha2::Sha256::digest(&bytes).iter().map(|b| format!("{b:02x}")).collect();
    assert_eq!(m.sha256.as_ref().map(|s| s.as_str()), Some(hex.as_str()));
    let json = serde_json::to_string(e).unwrap();
    assert!(!json.contains(&data));
    assert!(json.contains("StoragePath"), "the image metadata is kept");
    assert_eq!(kept(&e.extensions)["GenderCode"], "2");
    assert!(kept(&e.extensions).contains_key("SourceID"));
    assert!(report.entries.iter().any(|l| l.code == "gat1400-image-by-reference"
        && l.source == "/FaceListObject/FaceObject/0/SubImageList/SubImageInfoObject/1/Data"));

    let (r, _) = gat1400::read(&fixture("persons.json"), &options());
    assert_eq!(r.events[0].category, EventCategory::FaceCapture);
    assert!(r.events[0].id.as_str().starts_with("gat1400:person:"));
}

#[test]
fn vehicle_captures() {
    let (r, _) = gat1400::read(&fixture("motor-vehicles.json"), &options());
    assert_eq!(r.events.len(), 2);
    assert_eq!(r.things.len(), 2);
    let e = &r.events[0];
    assert_eq!(e.category, EventCategory::VehicleCapture);
    assert_eq!(e.occurred_at.to_string(), "2024-05-01T17:45:01+08:00");
    let car = &r.things[0];
    assert_eq!(e.subjects[0].id, car.id);
    assert_eq!(car.kind, ThingKind::MotorVehicle);
    let v = car.vehicle.as_ref().unwrap();
    assert_eq!(v.plate_number.as_ref().unwrap().as_str(), "苏E7G3K5");
    assert_eq!(v.plate_color, Some(PlateColor::Blue));
    assert_eq!(r.things[1].vehicle.as_ref().unwrap().plate_color, Some(PlateColor::Green));
    assert_eq!(kept(&e.extensions)["TollgateID"], "32050800001210000001");

    let (r, _) = gat1400::read(&fixture("non-motor-vehicles.json"), &options());
    assert_eq!(r.things[0].kind, ThingKind::NonMotorVehicle);
    assert_eq!(r.things[0].vehicle.as_ref().unwrap().plate_color, Some(PlateColor::White));
    assert!(r.events[0].id.as_str().starts_with("gat1400:non-motor:"));
}

#[test]
fn one_plate_is_one_thing() {
    let mut doc = fixture("motor-vehicles.json");
    let objs = doc["MotorVehicleListObject"]["MotorVehicleObject"].as_array_mut().unwrap();
    objs[1]["PlateNo"] = "苏E7G3K5".into();
    let (r, _) = gat1400::read(&doc, &options());
    assert_eq!(r.things.len(), 1);
    assert_eq!(r.events[0].subjects, r.events[1].subjects);
}

#[test]
fn notification_gives_the_upload_result() {
    let (from_notification, report) = gat1400::read(&fixture("notification.json"), &options());
    let mut upload = serde_json::Map::new();
    for name in ["faces.json", "motor-vehicles.json"] {
        upload.extend(fixture(name).as_object().unwrap().clone());
    }
    let (from_upload, _) = gat1400::read(&Value::Object(upload), &options());
    // The same records (read from other places of the input).
    let records = |r: &gat1400::Records| (r.things.clone(), r.persons.clone(), r.events.clone());
    assert_eq!(records(&from_notification), records(&from_upload));
    assert_eq!(from_notification.events.len(), 4);
    let p = "/SubscribeNotificationListObject/SubscribeNotificationObject/0/NotificationID";
    assert!(report.entries.iter().any(|l| l.source == p && l.kind == LossKind::NotRepresentable));
}

#[test]
fn bad_objects_give_findings_and_good_ones_convert() {
    let mut doc = fixture("faces.json");
    let good = doc["FaceListObject"]["FaceObject"][0].clone();
    let objs = doc["FaceListObject"]["FaceObject"].as_array_mut().unwrap();
    // 2: illegal capture time → not converted.
    let mut bad_time = good.clone();
    bad_time["FaceAppearTime"] = "20240231083015".into();
    // 3: malformed IDs → converted, IDs kept.
    let mut bad_ids = good.clone();
    bad_ids["FaceID"] = "3205080000132000001702".into();
    bad_ids["SourceID"] = "32050800001320000017".into();
    bad_ids["DeviceID"] = "3205-0800".into();
    // 4: bad base64 → converted without that image.
    let mut bad_data = good.clone();
    bad_data["FaceID"] = "320508000013200000170220240501083015000010600009".into();
    bad_data["SubImageList"]["SubImageInfoObject"][0]["Data"] = "not base64!!".into();
    // 5: bad end time → kept in extensions.
    let mut bad_end = good.clone();
    bad_end["FaceID"] = "320508000013200000170220240501083015000010600010".into();
    bad_end["FaceDisAppearTime"] = "2024-05-01 08:30".into();
    // 6: no capture time at all.
    let mut no_time = good.clone();
    no_time.as_object_mut().unwrap().remove("FaceAppearTime");
    no_time.as_object_mut().unwrap().remove("LocationMarkTime");
    // (without images, whose `ShotTime` would be the fall-back)
    no_time.as_object_mut().unwrap().remove("SubImageList");
    // 7: not an object.
    objs.extend([bad_time, bad_ids, bad_data, bad_end, no_time, json!(42)]);
    doc["Unknown"] = json!({});

    let (r, report) = gat1400::read(&doc, &options());
    let found = rejected(&report);
    let p = "/FaceListObject/FaceObject";
    for expected in [
        (format!("{p}/2/FaceAppearTime"), "gat1400-bad-time"),
        (format!("{p}/3/FaceID"), "gat1400-bad-id"),
        (format!("{p}/3/SourceID"), "gat1400-bad-id"),
        (format!("{p}/3/DeviceID"), "gat1400-bad-id"),
        (format!("{p}/4/SubImageList/SubImageInfoObject/0/Data"), "gat1400-bad-base64"),
        (format!("{p}/5/FaceDisAppearTime"), "gat1400-bad-time"),
        (format!("{p}/6"), "gat1400-missing-time"),
        (format!("{p}/7"), "gat1400-not-object"),
        ("/Unknown".to_owned(), "gat1400-unknown-wrapper"),
    ] {
        assert!(found.contains(&(expected.0.as_str(), expected.1)), "{expected:?} not in {found:?}");
    }
    assert_valid(&r);
    let ids: Vec<&str> = r.events.iter().map(|e| e.id.as_str()).collect();
    assert_eq!(ids.len(), 5, "{ids:?}");
    let bad_ids = &r.events[2];
    assert_eq!(bad_ids.id.as_str(), "gat1400:face:3205080000132000001702");
    assert_eq!(kept(&bad_ids.extensions)["FaceID"], "3205080000132000001702");
    assert_eq!(kept(&bad_ids.extensions)["DeviceID"], "3205-0800");
    assert!(bad_ids.source.is_none());
    // The image whose Data is not base64 is still referenced by its StoragePath, without digest.
    assert_eq!(r.events[3].media.len(), 2);
    assert!(r.events[3].media[0].sha256.is_none() && r.events[3].media[0].uri.as_str().starts_with("http"));
    assert!(r.events[4].ended_at.is_none());
    assert_eq!(kept(&r.events[4].extensions)["FaceDisAppearTime"], "2024-05-01 08:30");
}

#[test]
fn ids_and_times() {
    assert!(gat1400::is_device_id("32050800001320000017"));
    assert!(!gat1400::is_device_id("3205080000132000001X"));
    assert!(gat1400::is_source_id("32050800001320000017022024050108301500001"));
    assert!(!gat1400::is_source_id("32050800001320000017022024139908301500001"));
    assert!(gat1400::is_object_id("320508000013200000170220240501083015000010600001"));
    assert_eq!(gat1400::parse_time("20240501083015").unwrap().to_string(), "2024-05-01T08:30:15+08:00");
    assert!(gat1400::parse_time("20240229250000").is_none());
    assert!(gat1400::parse_time("2024050108301").is_none());
    let (s, changed) = gat1400::format_time(&"2024-05-01T00:30:15Z".parse().unwrap());
    assert_eq!((s.as_str(), changed), ("20240501083015", true));
    let (_, changed) = gat1400::format_time(&"2024-05-01T08:30:15+08:00".parse().unwrap());
    assert!(!changed);
    assert_eq!(gat1400::plate_color("5"), Some(PlateColor::Blue));
    assert_eq!(gat1400::plate_color_code(PlateColor::YellowGreen), "99");
}

fn without_media(mut events: Vec<Event>) -> Vec<Event> {
    for e in &mut events {
        e.media.clear();
    }
    events
}

#[test]
fn records_go_back_into_upload_wrappers() {
    let mut all = serde_json::Map::new();
    for name in &FIXTURES[..6] {
        all.extend(fixture(name).as_object().unwrap().clone());
    }
    let doc = Value::Object(all);
    let (r, _) = gat1400::read(&doc, &options());
    let (out, loss) = gat1400::write(&r.things, &r.events);
    for wrapper in [
        "APEListObject",
        "TollgateListObject",
        "FaceListObject",
        "PersonListObject",
        "MotorVehicleListObject",
        "NonMotorVehicleListObject",
    ] {
        assert!(out.get(wrapper).is_some(), "{wrapper}");
    }
    let face = &out["FaceListObject"]["FaceObject"][0];
    assert_eq!(face["FaceID"], doc["FaceListObject"]["FaceObject"][0]["FaceID"]);
    assert_eq!(face["FaceAppearTime"], "20240501083015");
    assert_eq!(face["DeviceID"], "32050800001320000017");
    assert!(face["SubImageList"]["SubImageInfoObject"][0].get("Data").is_none());
    let car = &out["MotorVehicleListObject"]["MotorVehicleObject"][0];
    assert_eq!(car["PlateNo"], "苏E7G3K5");
    assert_eq!(car["PlateColor"], "5");
    assert_eq!(out["APEListObject"]["APEObject"][0]["IsOnline"], "1");
    assert_eq!(out["TollgateListObject"]["TollgateObject"][0]["TollgateID"], "32050800001210000001");
    assert!(loss.entries.iter().any(|l| l.code == "gat1400-image-data-not-restorable"
        && l.kind == LossKind::NotRepresentable
        && l.source == "/events/0/media"));
    // In again: the same records, except the images, whose bytes did not travel.
    let (back, report) = gat1400::read(&out, &options());
    assert!(rejected(&report).is_empty(), "{report:?}");
    let mut things = back.things.clone();
    let mut expected = r.things.clone();
    let key = |t: &Thing| t.id.clone();
    things.sort_by_key(key);
    expected.sort_by_key(key);
    assert_eq!(things, expected);
    let mut events = without_media(back.events);
    let mut expected = without_media(r.events);
    events.sort_by_key(|e| e.id.clone());
    expected.sort_by_key(|e| e.id.clone());
    assert_eq!(events, expected);
}

#[test]
fn other_offsets_are_converted_to_china_time() {
    let (mut r, _) = gat1400::read(&fixture("faces.json"), &options());
    let mut e = r.events.remove(0);
    e.occurred_at = "2024-05-01T00:30:15Z".parse().unwrap();
    e.ended_at = None;
    let (out, loss) = gat1400::write(&[], &[e]);
    assert_eq!(out["FaceListObject"]["FaceObject"][0]["FaceAppearTime"], "20240501083015");
    assert!(loss.entries.iter().any(|l| l.kind == LossKind::Normalised
        && l.source == "/events/0/occurredAt"
        && l.code == "gat1400-time-to-cst"));
    // Other categories and thing kinds have no upload object.
    let smoke = Event::new(
        "E-1".parse().unwrap(),
        r.events[0].meta.clone(),
        EventCategory::Smoke,
        "2024-05-01T00:30:15Z".parse().unwrap(),
        linli_model::codes::Severity::High,
    );
    let sensor = Thing::new("T-1".parse().unwrap(), r.events[0].meta.clone(), ThingKind::SmokeSensor);
    let (out, loss) = gat1400::write(&[sensor], &[smoke]);
    assert_eq!(out, json!({}));
    assert!(loss.entries.iter().any(|l| l.source == "/events/0" && l.code == "gat1400-event-category"));
    assert!(loss.entries.iter().any(|l| l.source == "/things/0" && l.code == "gat1400-thing-kind"));
}

fn codes(report: &LossReport) -> Vec<(&str, &str)> {
    report.entries.iter().map(|l| (l.source.as_str(), l.code.as_str())).collect()
}

/// [ADP-074], Table 18-10a: `null` and `""` are absent, so the documented fall-back is taken, and
/// empty IDs draw no bad-id finding; every time form by the +08:00 rule.
#[test]
fn nulls_are_absent_and_fall_backs_are_taken() {
    let doc = json!({"FaceListObject": {"FaceObject": [
        {"FaceID": "330106000013200000110220240315083012000010600001", "DeviceID": "", "SourceID": null,
         "FaceAppearTime": null, "LocationMarkTime": "2024-03-15 08:30:12", "FaceDisAppearTime": 1_710_462_614_000_i64},
        {"FaceID": "330106000013200000110220240315083012000010600002", "faceAppearTime": "20240315083012345"},
        {"FaceID": "330106000013200000110220240315083012000010600003",
         "SubImageList": {"SubImageInfoObject": [{"ShotTime": "", "Data": null}, {"ShotTime": "20240315083013"}]}}
    ]}});
    let (r, report) = gat1400::read(&doc, &options());
    assert!(rejected(&report).is_empty(), "{report:?}");
    assert_valid(&r);
    assert_eq!(r.events[0].occurred_at.to_string(), "2024-03-15T08:30:12+08:00");
    assert_eq!(
        r.events[0].ended_at.map(|t| t.to_string()).as_deref(),
        Some("2024-03-15T08:30:14+08:00"),
        "an epoch time in the zone rule's offset"
    );
    assert_eq!(r.events[1].occurred_at.to_string(), "2024-03-15T08:30:12.345+08:00");
    assert_eq!(r.events[2].occurred_at.to_string(), "2024-03-15T08:30:13+08:00");
    let c = codes(&report);
    let p = "/FaceListObject/FaceObject";
    for want in [
        (format!("{p}/0/FaceAppearTime"), "gat1400-null-absent"),
        (format!("{p}/0/DeviceID"), "gat1400-null-absent"),
        (format!("{p}/0/LocationMarkTime"), "gat1400-time-zone-assumed"),
        (format!("{p}/0/FaceDisAppearTime"), "gat1400-time-epoch"),
        (format!("{p}/2/SubImageList/SubImageInfoObject/1/ShotTime"), "gat1400-time-from-image"),
    ] {
        assert!(c.contains(&(want.0.as_str(), want.1)), "{want:?} not in {c:?}");
    }
    assert!(r.events.iter().all(|e| e.extensions.0.values().all(|m| !m.contains_key("FaceAppearTime"))));
}

/// [ADP-041], [EVT-009]: an image known only by its URL is a media item without digest; written
/// back as a `StoragePath`.
#[test]
fn url_only_images_are_media_without_digest() {
    let doc = json!({"FaceListObject": {"FaceObject": [{
        "FaceID": "330106000013200000110220240315083012000010600001", "FaceAppearTime": "20240315083012",
        "SubImageList": {"SubImageInfoObject": [
            {"ImageID": "33010600001320000011022024031508301200001", "StoragePath": "http://10.1.2.3/a.png", "Data": null},
            {"StoragePath": "relative/path.jpg"}]}}]}});
    let (r, report) = gat1400::read(&doc, &options());
    assert_valid(&r);
    let m = &r.events[0].media;
    assert_eq!(m.len(), 1);
    assert_eq!(
        (m[0].uri.as_str(), m[0].media_type.as_str(), m[0].sha256.is_none()),
        ("http://10.1.2.3/a.png", "image/png", true)
    );
    assert!(codes(&report).iter().any(|(_, c)| *c == "gat1400-image-url-only"));
    assert_eq!(
        rejected(&report),
        vec![("/FaceListObject/FaceObject/0/SubImageList/SubImageInfoObject/1/StoragePath", "gat1400-bad-image-uri")]
    );
    let mut e = r.events[0].clone();
    e.extensions = Default::default();
    let (out, _) = gat1400::write(&[], &[e]);
    let img = &out["FaceListObject"]["FaceObject"][0]["SubImageList"]["SubImageInfoObject"][0];
    assert_eq!(img["StoragePath"], "http://10.1.2.3/a.png");
    assert!(img.get("ImageID").is_none());
}

/// [ADP-073], [ADP-070]: 0,0 is unknown; a declared GCJ-02 position is converted.
#[test]
fn zero_zero_is_unknown_and_the_datum_is_honoured() {
    let doc = json!({"APEListObject": {"APEObject": [
        {"ApeID": "33010600001320000011", "Longitude": 0, "Latitude": 0},
        {"ApeID": "33010600001320000012", "Longitude": "120.1551", "Latitude": "30.2741"}]}});
    let mut o = options();
    o.datum = linli_adapters::coords::Datum::Gcj02;
    let (r, report) = gat1400::read(&doc, &o);
    assert_valid(&r);
    assert!(r.things[0].location.is_none());
    let p = r.things[1].location.as_ref().unwrap();
    assert!((p.coordinates.lng - 120.1551).abs() > 1e-4 && (p.coordinates.lng - 120.1551).abs() < 0.01);
    let c = codes(&report);
    assert!(c.contains(&("/APEListObject/APEObject/0/Latitude", "gat1400-location-unknown")));
    assert!(c.contains(&("/APEListObject/APEObject/1/Latitude", "gat1400-coordinate-datum")));
    assert!(r.things[1].extensions.0.is_empty(), "both coordinates consumed");
}

/// [ADP-043], [ADP-042]: the smart-community registers and access records; personal values are
/// marked in Person members and never kept in extensions or quoted in messages.
#[test]
fn community_registers_and_access_records() {
    let id = "330106198506123021";
    let doc = json!({
        "CarInfoList": {"CarInfo": [{"CarInfoID": "33010600007020000001", "PlateNo": "浙A9Z3Q7", "PlateColor": "5",
            "OwnerID": "33010600007010000001", "OwnerName": "测试居民甲", "OwnerIDNumber": id, "OwnerPhone": "13900001234"}]},
        "PersonInfoListObject": {"PersonInfoObject": [{"PersonID": "33010600007010000001", "Name": "测试居民甲",
            "IDType": "111", "IDNumber": id, "Phone": "13900001234", "PhotoData": "aGVsbG8="}]},
        "DoorDeviceListObject": {"DoorDeviceObject": [{"DeviceID": "33010600001250000002", "Name": "东门",
            "Manufacturer": "dihu", "DeviceNo": "10D07A002224002", "Longitude": 0, "Latitude": 0}]},
        "AccessRecordListObject": {"AccessRecordObject": [{"RecordID": "1", "DeviceID": "33010600001250000002",
            "PersonID": "33010600007010000001", "Name": "测试居民甲", "IDNumber": id, "OpenTime": "2024-03-15 20:51:06",
            "OpenResult": "1"}]}
    });
    let (r, report) = gat1400::read(&doc, &options());
    assert_valid(&r);
    // One Person although the owner and the resident are the same person.
    assert_eq!(r.persons.len(), 1, "{:?}", r.persons);
    let person = &r.persons[0];
    assert_eq!(person.id.as_str(), "gat1400:resident:33010600007010000001");
    assert!(person.extensions.0.values().all(|m| !m.contains_key("PhotoData")));
    let car = r.things.iter().find(|t| t.kind == ThingKind::MotorVehicle).unwrap();
    assert_eq!(car.owner.as_ref().map(|o| o.id.as_str()), Some(person.id.as_str()));
    let door = r.things.iter().find(|t| t.kind == ThingKind::AccessGate).unwrap();
    assert!(door.location.is_none() && door.serial_number.is_some());
    assert_eq!(r.events[0].category, EventCategory::AccessDenied);
    let json = serde_json::to_string(&r.events).unwrap() + &serde_json::to_string(&r.things).unwrap();
    assert!(!json.contains(id) && !json.contains("测试居民甲") && !json.contains("13900001234"));
    for l in &report.entries {
        for text in [&l.message_zh, &l.message_en] {
            assert!(!text.contains(id) && !text.contains("测试居民甲") && !text.contains("1390000"), "{text}");
        }
    }
}

/// Wrappers in other spellings, and unknown ones refused by name.
#[test]
fn wrapper_spellings() {
    let doc = json!({
        "faceListObject": {"faceObject": {"faceID": "330106000013200000110220240315083012000010600001",
            "faceAppearTime": "20240315083012"}},
        "DeviceList": {"Device": [{"ApeID": "33010600001320000011"}]},
        "ResponseStatusListObject": {}
    });
    let (r, report) = gat1400::read(&doc, &options());
    assert_eq!((r.events.len(), r.things.len()), (1, 1));
    assert_eq!(rejected(&report), vec![("/ResponseStatusListObject", "gat1400-unknown-wrapper")]);
    assert!(report.entries.iter().any(|l| l.message_en.contains("ResponseStatusListObject")));
}

/// No input panics the reader, and whatever it returns is valid: the fixtures with members set
/// to `null`, `""`, numbers and odd strings.
#[test]
fn mutated_fixtures_never_panic_quickcheck() {
    fn prop(seed: Vec<(u8, u8)>) -> bool {
        let mut doc = fixture("faces.json");
        let replacements = [
            json!(null),
            json!(""),
            json!(0),
            json!("2024-02-30 25:00:00"),
            json!(1_710_462_614_000_i64),
            json!("图片数据"),
            json!([]),
            json!({}),
        ];
        if let Some(obj) = doc["FaceListObject"]["FaceObject"][0].as_object_mut() {
            let keys: Vec<String> = obj.keys().cloned().collect();
            for (k, v) in seed {
                let key = &keys[usize::from(k) % keys.len()];
                obj.insert(key.clone(), replacements[usize::from(v) % replacements.len()].clone());
            }
        }
        let (r, _) = gat1400::read(&doc, &options());
        assert_valid(&r);
        true
    }
    quickcheck::QuickCheck::new().tests(300).quickcheck(prop as fn(Vec<(u8, u8)>) -> bool);
}

/// [ADP-070], [ADP-073], section 18.5 "Positions": every capture kind gives `location` from
/// `Longitude` / `Latitude` (any ASCII case, numbers or numeric strings) in the declared datum;
/// `0,0` is unknown, a converted or swapped pair is reported, and nothing stays in extensions.
#[test]
fn captures_give_a_location_in_the_declared_datum() {
    let doc = json!({
        "MotorVehicleListObject": {"MotorVehicleObject": [
            {"MotorVehicleID": "650100000011900000010220230512093012000010200001", "InfoKind": 1,
             "DeviceID": "65010000001190000001", "PlateNo": "苏E12345", "PassTime": "20230512093012",
             "Longitude": 120.62, "Latitude": 31.31}]},
        "FaceListObject": {"FaceObject": [
            {"FaceID": "650100000011900000010220230512093012000010600001", "FaceAppearTime": "20230512093012",
             "longitude": "0", "latitude": "0"}]},
        "PersonListObject": {"PersonObject": [
            {"PersonID": "650100000011900000010220230512093012000010100001", "PersonAppearTime": "20230512093012",
             "Longitude": "31.31", "Latitude": "120.62"}]},
        "NonMotorVehicleListObject": {"NonMotorVehicleObject": [
            {"NonMotorVehicleID": "650100000011900000010220230512093012000010300001", "AppearTime": "20230512093012",
             "LONGITUDE": 120.62, "LATITUDE": 31.31}]}
    });
    let mut o = options();
    o.datum = linli_adapters::coords::Datum::Gcj02;
    let (r, report) = gat1400::read(&doc, &o);
    assert!(rejected(&report).is_empty(), "{report:?}");
    assert_valid(&r);
    let at = |prefix: &str| r.events.iter().find(|e| e.id.as_str().starts_with(prefix)).unwrap();
    for prefix in ["gat1400:motor:", "gat1400:person:", "gat1400:non-motor:"] {
        let p = at(prefix).location.as_ref().unwrap_or_else(|| panic!("{prefix} has a location")).coordinates;
        // GCJ-02 → WGS-84 moves the point a few hundred metres, no more.
        assert!((p.lng - 120.62).abs() > 1e-4 && (p.lng - 120.62).abs() < 0.01, "{prefix}: {p:?}");
        assert!((p.lat - 31.31).abs() < 0.01, "{prefix}: {p:?}");
        let ext = at(prefix).extensions.0.values().flat_map(|m| m.keys()).map(|k| k.to_ascii_lowercase());
        assert!(ext.clone().all(|k| k != "longitude" && k != "latitude"), "{prefix} consumed both");
    }
    assert!(at("gat1400:face:").location.is_none());
    let c = codes(&report);
    for want in [
        ("/MotorVehicleListObject/MotorVehicleObject/0/Latitude", "gat1400-coordinate-datum"),
        ("/FaceListObject/FaceObject/0/latitude", "gat1400-location-unknown"),
        ("/PersonListObject/PersonObject/0/Latitude", "gat1400-coordinate-swapped"),
        ("/NonMotorVehicleListObject/NonMotorVehicleObject/0/LATITUDE", "gat1400-coordinate-datum"),
    ] {
        assert!(c.contains(&want), "{want:?} not in {c:?}");
    }
    // Written back, the capture carries its (WGS-84) position again.
    let motor = at("gat1400:motor:").clone();
    let (out, loss) = gat1400::write(&r.things, std::slice::from_ref(&motor));
    let obj = &out["MotorVehicleListObject"]["MotorVehicleObject"][0];
    let p = motor.location.as_ref().unwrap().coordinates;
    assert_eq!((obj["Longitude"].as_f64(), obj["Latitude"].as_f64()), (Some(p.lng), Some(p.lat)));
    assert!(loss.entries.iter().all(|l| !l.source.ends_with("/location")), "{loss:?}");
}

/// [ADP-074], [ADP-041]: an absent member of a `SubImageInfoObject` (a nested `"Data": null`
/// included) is reported and left out of the kept `SubImageList`; image bytes of an object whose
/// images are not read as media are reported too. Nothing leaves silently.
#[test]
fn absent_sub_image_members_are_reported() {
    let doc = json!({
        "FaceListObject": {"FaceObject": [{
            "FaceID": "650100000011900000010220230512093012000010600001", "FaceAppearTime": "20230512093012",
            "SubImageList": {"SubImageInfoObject": [
                {"ImageID": "65010000001190000001022023051209301200001", "Data": null, "Type": "14",
                 "StoragePath": "http://img.example.cn/a.jpg", "ShotTime": ""}]}}]},
        "APEListObject": {"APEObject": [{
            "ApeID": "65010000001190000001",
            "SubImageList": {"SubImageInfoObject": {"Type": "01", "Data": "aGVsbG8="}}}]}
    });
    let (r, report) = gat1400::read(&doc, &options());
    assert!(rejected(&report).is_empty(), "{report:?}");
    assert_valid(&r);
    let c = codes(&report);
    let img = "/FaceListObject/FaceObject/0/SubImageList/SubImageInfoObject/0";
    for want in [
        (format!("{img}/Data"), "gat1400-null-absent"),
        (format!("{img}/ShotTime"), "gat1400-null-absent"),
        ("/APEListObject/APEObject/0/SubImageList/SubImageInfoObject/Data".to_owned(), "gat1400-photo-not-copied"),
    ] {
        assert!(c.contains(&(want.0.as_str(), want.1)), "{want:?} not in {c:?}");
    }
    let kept_list = &kept(&r.events[0].extensions)["SubImageList"]["SubImageInfoObject"][0];
    assert_eq!(kept_list.as_object().unwrap().keys().collect::<Vec<_>>(), ["ImageID", "StoragePath", "Type"]);
    let ape = &kept(&r.things[0].extensions)["SubImageList"]["SubImageInfoObject"];
    assert_eq!(ape, &json!({"Type": "01"}));
}
