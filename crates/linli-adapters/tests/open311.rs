#![allow(clippy::unwrap_used, clippy::expect_used)]
//! Open311 GeoReport v2 adapter: fixtures, bad input and round trips.

use std::collections::BTreeSet;

use linli_adapters::open311::{self, CategoryMap, Options};
use linli_adapters::{LossKind, LossReport};
use linli_model::check::{Level, check_record};
use linli_model::codes::{CaseCategory, CaseStatus, CodeTable};
use linli_model::text::Text;
use linli_model::{Case, Record};
use quickcheck::QuickCheck;
use serde_json::{Value, json};

fn fixture(name: &str) -> Value {
    let path = format!("{}/../../examples/adapters/open311/{name}", env!("CARGO_MANIFEST_DIR"));
    serde_json::from_str(&std::fs::read_to_string(&path).expect("fixture readable")).expect("fixture is JSON")
}

fn options() -> Options {
    Options::new(Text::new("姑苏区12345").unwrap(), Text::new("Open311 网关").unwrap())
}

fn assert_valid(case: &Case) {
    let record = Record::from(case.clone());
    let errors: Vec<_> =
        check_record(&record, &Default::default()).into_iter().filter(|f| f.level == Level::Error).collect();
    assert!(errors.is_empty(), "{}: {errors:?}", case.id);
    let text = serde_json::to_string(&record).unwrap();
    let back: Record = serde_json::from_str(&text).unwrap();
    assert_eq!(back, record);
}

fn rejected(report: &LossReport) -> Vec<(&str, &str)> {
    report.of(LossKind::Rejected).map(|l| (l.source.as_str(), l.code.as_str())).collect()
}

fn statuses(c: &Case) -> Vec<CaseStatus> {
    c.history().iter().map(|t| t.to).collect()
}

#[test]
fn fixtures_convert_into_valid_cases() {
    let (cases, report) = open311::requests_to_cases(&fixture("requests.json"), &options());
    assert!(rejected(&report).is_empty(), "{report:?}");
    assert_eq!(cases.len(), 3);
    for c in &cases {
        assert_valid(c);
    }
    use CaseStatus::*;
    // open + 已受理 → accepted.
    let c = &cases[0];
    assert_eq!(c.id.as_str(), "HQ-2024-000123");
    assert_eq!(statuses(c), [Reported, Accepted]);
    assert_eq!(c.category, CaseCategory::Garbage);
    assert_eq!(c.title.as_str(), "垃圾堆放");
    assert_eq!(c.reported_at.to_string(), "2024-05-02T09:12:30+08:00");
    assert_eq!(c.meta.updated_at.to_string(), "2024-05-02T10:05:00+08:00");
    assert_eq!(c.deadline.unwrap().to_string(), "2024-05-05T18:00:00+08:00");
    let p = c.location.as_ref().unwrap().coordinates;
    assert_eq!((p.lng, p.lat), (120.5853, 31.3262));
    let ext = &c.extensions.0.iter().find(|(ns, _)| ns.as_str() == "open311").unwrap().1;
    for name in ["agency_responsible", "service_notice", "address", "address_id", "zipcode", "media_url"] {
        assert!(ext.contains_key(name), "{name}");
        assert!(
            report.entries.iter().any(|l| l.source == format!("/0/{name}") && l.kind == LossKind::KeptInExtensions)
        );
    }
    assert!(report.entries.iter().any(|l| l.source == "/0/media_url" && l.code == "open311-media-kept"));
    // closed → the full legal path, each synthesised step reported.
    assert_eq!(statuses(&cases[1]), [Reported, Accepted, Dispatched, InProgress, Resolved, Verified, Closed]);
    let steps = report.entries.iter().filter(|l| l.source == "/1/status" && l.kind == LossKind::Normalised).count();
    assert_eq!(steps, 6);
    assert_eq!(cases[1].history().last().unwrap().note.as_ref().unwrap().as_str(), "路灯已修复，居民确认");
    // closed + 不予受理 → rejected → closed; unknown service code; time without offset.
    let c = &cases[2];
    assert_eq!(statuses(c), [Reported, Rejected, Closed]);
    assert_eq!(c.category, CaseCategory::Other);
    let ext = &c.extensions.0.iter().find(|(ns, _)| ns.as_str() == "open311").unwrap().1;
    assert_eq!(ext["service_code"], "N-07");
    // Zone-less: the Open311 rule is UTC unless the mapping file declares +08:00 [ADP-072].
    assert_eq!(c.reported_at.to_string(), "2024-04-22T23:10:05Z");
    assert!(report.entries.iter().any(|l| l.source == "/2/requested_datetime"
        && l.kind == LossKind::Normalised
        && l.code == "open311-time-without-offset"));

    // A single request object converts too.
    let (one, report) = open311::request_to_case(&fixture("request.json"), &options());
    assert!(rejected(&report).is_empty());
    assert_eq!(one.as_ref(), Some(&cases[0]));
}

#[test]
fn the_mapping_file_gives_categories_and_the_zone() {
    let mut opts = options();
    let toml = "zone = \"+08:00\"\n[service_code]\n\"4ffa9cad6018277d4000007b\" = \"facility.damage\"\n";
    opts.apply_mapping(toml).unwrap();
    let req = json!({"service_request_id": "R1", "status": "open", "requested_datetime": "2024-04-22T23:10:05",
        "service_code": "4ffa9cad6018277d4000007b", "service_name": "Alley Light Out"});
    let (c, report) = open311::request_to_case(&req, &opts);
    let c = c.unwrap();
    assert_eq!(c.reported_at.to_string(), "2024-04-22T23:10:05+08:00");
    assert_eq!(c.category, CaseCategory::FacilityDamage);
    assert!(report.entries.iter().all(|l| l.code != "open311-unknown-service-code"));
    for bad in ["zone = \"+09:00\"", "[service_code]\nx = \"road.pothole\"", "colour = 1"] {
        assert!(options().apply_mapping(bad).is_err(), "{bad}");
    }
}

#[test]
fn zero_swapped_and_text_coordinates_empty_names_and_responses_are_reported() {
    let reqs = json!([
        {"service_request_id": "A", "requested_datetime": "2024-05-02T09:12:30Z", "lat": 0, "long": 0, "service_name": ""},
        {"service_request_id": "B", "requested_datetime": "2024-05-02T09:12:30Z", "lat": "121.4", "long": "31.2", "service_name": null},
        {"service_request_id": "C", "requested_datetime": 1714640000, "lat": 31.3, "long": 120.6},
        {"service_request_id": "293944", "service_notice": "inspect within 24 hours", "account_id": null},
        {"code": 403, "description": "Invalid api_key"}
    ]);
    let mut opts = options();
    opts.datum = linli_adapters::coords::Datum::Gcj02;
    let (cases, report) = open311::requests_to_cases(&reqs, &opts);
    assert_eq!(cases.len(), 3);
    assert!(cases[0].location.is_none());
    let p = cases[1].location.as_ref().unwrap().coordinates;
    assert!((p.lng - 121.4).abs() < 0.01 && (p.lat - 31.2).abs() < 0.01, "swapped, then converted");
    let q = cases[2].location.as_ref().unwrap().coordinates;
    assert!((q.lng - 120.6).abs() > 1e-4, "GCJ-02 converted");
    let has = |at: &str, code: &str| report.entries.iter().any(|l| l.source == at && l.code == code);
    assert!(has("/0/lat", "open311-position-unknown"));
    assert!(has("/0/service_name", "open311-null-absent") && has("/0/service_name", "open311-default-title"));
    assert!(has("/1/lat", "open311-coordinate-text") && has("/1/lat", "open311-coordinates-swapped"));
    assert!(has("/1/service_name", "open311-null-absent"));
    assert!(has("/2/lat", "open311-coordinates-to-wgs84") && has("/2/requested_datetime", "open311-time-form"));
    assert_eq!(rejected(&report), [("/3", "open311-post-response"), ("/4", "open311-error-response")]);
    for c in &cases {
        assert_valid(c);
    }
}

#[test]
fn fixtures_go_back_out_with_their_extensions() {
    let (cases, _) = open311::requests_to_cases(&fixture("requests.json"), &options());
    let (out, report) = open311::cases_to_requests(&cases, &CategoryMap::default());
    let original = fixture("requests.json");
    for name in ["agency_responsible", "service_notice", "address", "address_id", "zipcode", "media_url", "lat", "long"]
    {
        assert_eq!(out[0][name], original[0][name], "{name}");
    }
    assert_eq!(out[0]["status"], "open");
    assert_eq!(out[0]["status_notes"], "accepted 已受理");
    assert_eq!(out[1]["status"], "closed");
    assert_eq!(out[2]["status_notes"], "closed 已结案 (rejected 不予受理)");
    assert_eq!(out[2]["service_code"], "N-07");
    assert_eq!(out[2]["requested_datetime"], "2024-04-22T23:10:05Z");
    assert!(report.entries.iter().all(|l| l.kind == LossKind::NotRepresentable));
    // ... and in again: the same cases, except the title (service_name is the category name out)
    // and the history notes (status_notes is the status out).
    let (again, _) = open311::requests_to_cases(&out, &options());
    for (a, c) in again.iter().zip(&cases) {
        // The history is changed only through `transition()`: the notes are dropped from its JSON.
        let strip = |c: &Case| {
            let mut c = c.clone();
            c.title = Text::new("-").unwrap();
            let mut v = serde_json::to_value(&c).unwrap();
            for t in v["history"].as_array_mut().unwrap() {
                t.as_object_mut().unwrap().remove("note");
            }
            v
        };
        assert_eq!(strip(a), strip(c));
    }
}

#[test]
fn category_map_is_two_way() {
    let mut map = CategoryMap::default();
    map.insert("LJ-01", CaseCategory::Garbage);
    assert_eq!(map.category("LJ-01"), Some(CaseCategory::Garbage));
    assert_eq!(map.category("environment.garbage"), Some(CaseCategory::Garbage));
    assert_eq!(map.service_code(CaseCategory::Garbage), "LJ-01");
    assert_eq!(map.service_code(CaseCategory::Noise), "environment.noise");
    assert_eq!(CategoryMap::empty().category("environment.noise"), None);
    let mut opts = options();
    opts.categories = map;
    let (c, _) = open311::request_to_case(
        &json!({"service_request_id": "R1", "service_code": "LJ-01", "requested_datetime": "2024-04-22T23:10:05+08:00"}),
        &opts,
    );
    assert_eq!(c.unwrap().category, CaseCategory::Garbage);
}

#[test]
fn bad_requests_give_findings_and_good_ones_convert() {
    let reqs = json!([
        {"status": "open", "requested_datetime": "2024-05-02T09:12:30+08:00"},
        {"service_request_id": "R-2", "status": "open", "requested_datetime": "2024-05-02T09:12:30+08:00", "lat": 95.0, "long": 120.5},
        {"service_request_id": "R-3", "status": "pending", "requested_datetime": "2024-05-02T09:12:30+08:00"},
        {"service_request_id": "R-4", "status": "open", "requested_datetime": "yesterday"},
        {"service_request_id": "R 5", "status": "open", "requested_datetime": "2024-05-02T09:12:30+08:00"},
        {"service_request_id": "R-6", "status": "closed", "requested_datetime": "2024-05-02T09:12:30+08:00", "expected_datetime": "soon"},
        "not a request"
    ]);
    let (cases, report) = open311::requests_to_cases(&reqs, &options());
    let found = rejected(&report);
    for expected in [
        ("/0/service_request_id", "open311-missing-id"),
        ("/1/lat", "open311-bad-coordinate"),
        ("/2/status", "open311-unknown-status"),
        ("/3/requested_datetime", "open311-bad-time"),
        ("/4/service_request_id", "open311-bad-id"),
        ("/5/expected_datetime", "open311-bad-time"),
        ("/6", "open311-not-object"),
    ] {
        assert!(found.contains(&expected), "{expected:?} not in {found:?}");
    }
    let ids: Vec<&str> = cases.iter().map(|c| c.id.as_str()).collect();
    assert_eq!(ids, ["R-2", "R-3", "R-6"]);
    for c in &cases {
        assert_valid(c);
    }
    // Rejected values are kept as given.
    let ext = |c: &Case| c.extensions.0.values().next().cloned().unwrap();
    assert_eq!(ext(&cases[0])["lat"], 95.0);
    assert!(cases[0].location.is_none());
    assert_eq!(ext(&cases[1])["status"], "pending");
    assert_eq!(cases[1].status(), CaseStatus::Reported);
    assert_eq!(cases[2].status(), CaseStatus::Closed);
    assert!(cases[2].deadline.is_none());
}

/// The members of a case an Open311 request cannot hold, as the outward loss report must name
/// them.
fn not_held(c: &Case) -> BTreeSet<String> {
    let mut s: BTreeSet<String> = ["/meta", "/channel", "/history"].iter().map(|m| m.to_string()).collect();
    let optional = [
        ("/title", c.title.as_str() != c.category.label_zh()),
        ("/reporter", c.reporter.is_some()),
        ("/anonymous", c.anonymous),
        ("/place", c.place.is_some()),
        ("/events", !c.events.is_empty()),
        ("/assignee", c.assignee.is_some()),
        ("/resolution", c.resolution.is_some()),
        ("/evaluation", c.evaluation.is_some()),
        ("/location/coordinates/2", c.location.as_ref().is_some_and(|p| p.coordinates.alt.is_some())),
    ];
    s.extend(optional.iter().filter(|(_, p)| *p).map(|(m, _)| m.to_string()));
    s.extend(c.extensions.0.keys().map(|ns| format!("/extensions/{ns}")));
    s
}

fn round_trips(c: Case) -> bool {
    let (req, loss) = open311::case_to_request(&c, &CategoryMap::default());
    let named: BTreeSet<String> = loss.entries.iter().map(|l| l.source.clone()).collect();
    assert!(loss.entries.iter().all(|l| l.kind == LossKind::NotRepresentable));
    assert_eq!(named, not_held(&c), "{}", serde_json::to_string(&req).unwrap());
    // Through text, as a peer would receive it.
    let req: Value = serde_json::from_str(&serde_json::to_string(&req).unwrap()).unwrap();
    let (back, loss) = open311::request_to_case(&req, &options());
    assert!(rejected(&loss).is_empty(), "{loss:?}");
    assert!(loss.entries.iter().all(|l| l.code == "open311-status-step-synthesised"));
    let back = back.expect("converts");
    assert_valid(&back);
    assert_eq!(back.id, c.id);
    assert_eq!(back.category, c.category);
    assert_eq!(back.description, c.description);
    assert_eq!(back.reported_at, c.reported_at);
    assert_eq!(back.deadline, c.deadline);
    assert_eq!(back.meta.updated_at, c.meta.updated_at);
    assert_eq!(back.status(), c.status());
    assert_eq!(
        back.history().iter().any(|t| t.to == CaseStatus::Rejected) && c.status() == CaseStatus::Closed,
        c.history().iter().any(|t| t.to == CaseStatus::Rejected) && c.status() == CaseStatus::Closed
    );
    let lnglat = |c: &Case| c.location.as_ref().map(|p| (p.coordinates.lng, p.coordinates.lat));
    assert_eq!(lnglat(&back), lnglat(&c));
    assert_eq!(back.title.as_str(), c.category.label_zh());
    true
}

#[test]
fn quickcheck_cases_round_trip_through_open311() {
    QuickCheck::new().tests(300).quickcheck(round_trips as fn(Case) -> bool);
}

#[test]
fn arrays_round_trip() {
    let cases: Vec<Case> = (0..5).map(|_| quickcheck::Arbitrary::arbitrary(&mut quickcheck::Gen::new(10))).collect();
    let (reqs, loss) = open311::cases_to_requests(&cases, &CategoryMap::default());
    assert_eq!(reqs.as_array().unwrap().len(), 5);
    assert!(loss.entries.iter().any(|l| l.source.starts_with("/4/")));
    let (back, loss) = open311::requests_to_cases(&reqs, &options());
    assert!(rejected(&loss).is_empty());
    let ids = |cs: &[Case]| cs.iter().map(|c| c.id.clone()).collect::<Vec<_>>();
    assert_eq!(ids(&back), ids(&cases));
}

// ---------------------------------------------------------------------------------------------
// The XML form

/// Canonical → Open311 JSON → XML → JSON gives the same requests (empty members aside), and so
/// the same cases.
fn xml_round_trips(c: Case) -> bool {
    let (json, _) = open311::cases_to_requests(std::slice::from_ref(&c), &CategoryMap::default());
    let (xml, loss) = open311::requests_to_xml(&json).unwrap();
    let back = open311::requests_from_xml(&xml).unwrap();
    let mut want = json.clone();
    for r in want.as_array_mut().unwrap() {
        r.as_object_mut().unwrap().retain(|_, v| v.as_str().is_none_or(|s| !s.trim().is_empty()));
    }
    let (a, _) = open311::requests_to_cases(&back, &options());
    let (b, _) = open311::requests_to_cases(&want, &options());
    back == want && loss.is_empty() && a == b
}

#[test]
fn quickcheck_cases_round_trip_through_open311_xml() {
    QuickCheck::new().tests(300).quickcheck(xml_round_trips as fn(Case) -> bool);
}

#[test]
fn xml_requests_read_like_json_ones() {
    let xml = r#"<?xml version="1.0" encoding="utf-8"?>
<service_requests>
  <request>
    <service_request_id>HQ-2024-000123</service_request_id>
    <status>open</status>
    <status_notes/>
    <service_code>environment.garbage</service_code>
    <service_name>垃圾堆放 &amp; 杂物</service_name>
    <requested_datetime>2024-05-02T09:12:30+08:00</requested_datetime>
    <lat>31.3262</lat>
    <long>120.5853</long>
  </request>
  <request>
    <service_request_id>HQ-2024-000124</service_request_id>
    <status>open</status>
    <requested_datetime>2024-05-02T09:12:30+08:00</requested_datetime>
    <lat>north</lat>
    <long>120.5853</long>
  </request>
</service_requests>"#;
    let v = open311::requests_from_xml(xml).unwrap();
    assert_eq!(v[0]["lat"], json!(31.3262));
    assert_eq!(v[0]["service_name"], json!("垃圾堆放 & 杂物"));
    assert_eq!(v[0]["status_notes"], json!(""), "an empty element is kept as empty text");
    let (cases, report) = open311::requests_to_cases(&v, &options());
    assert!(report.entries.iter().any(|l| l.source == "/0/status_notes" && l.code == "open311-null-absent"));
    assert_eq!(cases.len(), 2);
    assert_eq!(rejected(&report), [("/1/lat", "open311-bad-coordinate"), ("/1/long", "open311-bad-coordinate")]);
    for bad in [
        "<service_requests><request>",
        "not xml at all <",
        "<service_requests><request><a>1</b></request></service_requests>",
    ] {
        assert!(open311::requests_from_xml(bad).is_err(), "{bad}");
    }
    // Nested elements (servers with extensions) are read as objects, repeated names as arrays.
    let nested = "<service_requests><request><service_request_id>7</service_request_id><extended_attributes>\
        <title>Roska</title><media_urls><media_url>https://e.example/a.jpg</media_url>\
        <media_url>https://e.example/b.jpg</media_url></media_urls></extended_attributes></request></service_requests>";
    let v = open311::requests_from_xml(nested).unwrap();
    assert_eq!(
        v[0]["extended_attributes"],
        json!({"title": "Roska", "media_urls": {"media_url": ["https://e.example/a.jpg", "https://e.example/b.jpg"]}})
    );
    // A foreign non-scalar member is written as JSON text, and said so.
    let (xml, loss) = open311::requests_to_xml(&json!([{"service_request_id": "X-1", "tags": ["a", "b"]}])).unwrap();
    assert!(
        xml.contains("<tags>[&quot;a&quot;,&quot;b&quot;]</tags>") || xml.contains(r#"<tags>["a","b"]</tags>"#),
        "{xml}"
    );
    assert_eq!(loss.entries.len(), 1);
    assert_eq!((loss.entries[0].code.as_str(), loss.entries[0].source.as_str()), ("open311-xml-json-text", "/0/tags"));
}

/// [ADP-032]: a mapping file turns city codes into categories on reading, keeping the original
/// `service_code` and `service_name`, so that two codes of one category are told apart; on
/// writing with the same file, each case gets its city's code back.
#[test]
fn mapped_service_codes_are_kept_and_written_back() {
    let toml = "[service_code]\n\"SAN-01\" = \"environment.garbage\"\n\"SAN-02\" = \"environment.garbage\"\n";
    let mut opts = options();
    opts.apply_mapping(toml).unwrap();
    let reqs = json!([
        {"service_request_id": "R1", "service_code": "SAN-01", "service_name": "Missed pickup",
         "requested_datetime": "2024-05-01T09:00:00Z", "status": "open"},
        {"service_request_id": "R2", "service_code": "SAN-02", "service_name": "Overflowing bin",
         "requested_datetime": "2024-05-01T09:00:00Z", "status": "open"},
        {"service_request_id": "R3", "service_code": "environment.garbage",
         "requested_datetime": "2024-05-01T09:00:00Z", "status": "open"}
    ]);
    let (cases, report) = open311::requests_to_cases(&reqs, &opts);
    assert!(rejected(&report).is_empty(), "{report:?}");
    assert!(cases.iter().all(|c| c.category == CaseCategory::Garbage));
    let has = |at: &str, code: &str| report.entries.iter().any(|l| l.source == at && l.code == code);
    for at in ["/0/service_code", "/0/service_name", "/1/service_code", "/1/service_name"] {
        assert!(has(at, "open311-service-code-kept"), "{at}");
    }
    // A Linli code maps to itself: nothing to keep.
    assert!(report.entries.iter().all(|l| !(l.source.starts_with("/2/") && l.kind == LossKind::KeptInExtensions)));

    let mut table = options();
    table.apply_mapping(toml).unwrap();
    let (out, loss) = open311::cases_to_requests(&cases, &table.categories);
    let pairs: Vec<(&str, &str)> = out
        .as_array()
        .unwrap()
        .iter()
        .map(|q| (q["service_code"].as_str().unwrap(), q["service_name"].as_str().unwrap()))
        .collect();
    assert_eq!(pairs, [("SAN-01", "Missed pickup"), ("SAN-02", "Overflowing bin"), ("SAN-01", "垃圾堆放")]);
    assert!(loss.entries.iter().all(|l| l.code != "open311-extension-conflict" && !l.source.ends_with("/title")));

    // Without the table the category's code is written and the kept code reported, not dropped.
    let (out, loss) = open311::cases_to_requests(&cases, &CategoryMap::default());
    assert_eq!(out[0]["service_code"], "environment.garbage");
    assert!(
        loss.entries
            .iter()
            .any(|l| l.source == "/0/extensions/open311/service_code" && l.code == "open311-extension-conflict")
    );
}

/// `open311-media-kept` says why the URL is kept: a case has no media member (a digest is
/// optional since [EVT-009]).
#[test]
fn media_url_message_names_the_real_reason() {
    let req = json!({"service_request_id": "R1", "requested_datetime": "2024-05-01T09:00:00Z",
        "media_url": "http://x.example/a.jpg"});
    let (_, report) = open311::request_to_case(&req, &options());
    let l = report.entries.iter().find(|l| l.code == "open311-media-kept").unwrap();
    assert!(l.message_en.contains("no media member") && !l.message_en.contains("SHA-256"), "{}", l.message_en);
    assert!(l.message_zh.contains("没有媒体成员") && !l.message_zh.contains("SHA-256"), "{}", l.message_zh);
}

/// A kept member whose name is not an XML element name is not written and is reported
/// `open311-xml-name` [ADP-031]; the rest of the document is written (it used to come out empty).
/// Names beyond what a fourth-edition XML parser (expat) reads are refused too: `\u{10000}x`, `\u{9FA6}`.
#[test]
fn a_member_name_xml_cannot_hold_is_reported_not_dropped() {
    let json = json!([{"service_request_id": "X-1", "bad name": "v", "1st": "w", "a:b": "x", "状态": "好", "\u{10000}x": "y", "\u{9FA6}": "z"}]);
    let (xml, loss) = open311::requests_to_xml(&json).unwrap();
    assert!(xml.contains("<service_request_id>X-1</service_request_id>"), "{xml}");
    assert!(xml.contains("<状态>好</状态>"), "{xml}");
    let back = open311::requests_from_xml(&xml).unwrap();
    assert_eq!(back[0]["service_request_id"], "X-1");
    let mut got: Vec<(&str, &str)> = loss.entries.iter().map(|l| (l.code.as_str(), l.source.as_str())).collect();
    got.sort();
    assert_eq!(
        got,
        [
            ("open311-xml-name", "/0/1st"),
            ("open311-xml-name", "/0/a:b"),
            ("open311-xml-name", "/0/bad name"),
            ("open311-xml-name", "/0/\u{9FA6}"),
            ("open311-xml-name", "/0/\u{10000}x"),
        ]
    );
    assert!(loss.entries.iter().all(|l| l.kind == linli_adapters::LossKind::NotRepresentable));
}

/// Whatever the member names, the XML is written and reads back; every name is either written or
/// reported, never dropped silently.
#[test]
fn any_member_name_is_written_or_reported() {
    fn prop(names: Vec<String>) -> bool {
        let mut request = serde_json::Map::new();
        request.insert("service_request_id".into(), json!("X-1"));
        for n in &names {
            request.insert(n.clone(), json!("v"));
        }
        let Ok((xml, loss)) = open311::requests_to_xml(&json!([request])) else { return false };
        let Ok(back) = open311::requests_from_xml(&xml) else { return false };
        request.keys().all(|k| {
            let reported = loss.entries.iter().any(|l| {
                l.code == "open311-xml-name" && l.source == format!("/0/{}", k.replace('~', "~0").replace('/', "~1"))
            });
            if open311::is_xml_name(k) { back[0].get(k).is_some() && !reported } else { reported }
        })
    }
    quickcheck::QuickCheck::new().tests(300).quickcheck(prop as fn(Vec<String>) -> bool);
}

/// [ADP-031]: the characters XML 1.0 allows but a parser would lose (a carriage return becomes a
/// line feed) or a terminal would obey (DEL, C1 such as U+0085, bidirectional controls) are
/// written as character references and read back exactly, with no loss entry; a character XML
/// 1.0 forbids is written as U+FFFD and reported `open311-xml-char-replaced` (it used to be
/// replaced silently).
#[test]
fn xml_text_keeps_what_xml_can_hold_and_reports_what_it_cannot() {
    let kept = "a\rb\u{7f}c\u{85}d\u{202e}e\u{2028}f\tg\nh&<>\"'";
    let json = json!([{"service_request_id": "X-1", "description": kept, "note": "x\u{1}y\u{fffe}z\u{1}"}]);
    let (xml, loss) = open311::requests_to_xml(&json).unwrap();
    assert!(
        xml.contains("<description>a&#13;b&#127;c&#133;d&#8238;e&#8232;f\tg\nh&amp;&lt;&gt;\"'</description>"),
        "{xml}"
    );
    assert!(xml.contains("<note>x\u{fffd}y\u{fffd}z\u{fffd}</note>"), "{xml}");
    assert!(xml.chars().all(linli_model::support::xml::is_xml_char), "{xml:?}");
    let back = open311::requests_from_xml(&xml).unwrap();
    assert_eq!(back[0]["description"], kept);
    assert_eq!(loss.entries.len(), 1, "{loss:?}");
    let l = &loss.entries[0];
    assert_eq!(
        (l.kind, l.code.as_str(), l.source.as_str()),
        (LossKind::NotRepresentable, "open311-xml-char-replaced", "/0/note")
    );
    assert!(l.message_en.contains("U+0001, U+FFFE") && !l.message_en.contains('x'), "{}", l.message_en);
}

/// [ADP-031]: a `null` member is not written (XML has no null) and is reported `open311-xml-null`
/// (it used to be dropped silently).
#[test]
fn a_null_member_is_reported_in_xml() {
    let (xml, loss) = open311::requests_to_xml(&json!([{"service_request_id": "X-1", "zipcode": null}])).unwrap();
    assert!(!xml.contains("zipcode"), "{xml}");
    let got: Vec<_> = loss.entries.iter().map(|l| (l.kind, l.code.as_str(), l.source.as_str())).collect();
    assert_eq!(got, [(LossKind::NotRepresentable, "open311-xml-null", "/0/zipcode")]);
}

/// [ADP-031]: no request gives `<service_requests></service_requests>`, as the spec writes the
/// document (the empty container, as every target writes for an empty input), not
/// `<service_requests/>`; it reads back as no request.
#[test]
fn no_request_is_the_empty_list_in_xml() {
    let (xml, loss) = open311::requests_to_xml(&json!([])).unwrap();
    assert_eq!(xml, "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<service_requests></service_requests>\n");
    assert!(loss.is_empty());
    assert_eq!(open311::requests_from_xml(&xml).unwrap(), json!([]));
}

/// [ADP-031]: XML attributes are read, never dropped silently. Before, `datum="gcj02"`,
/// `code="x"`, `foo="1"` and `total="5"` appeared nowhere, neither in output nor loss report.
#[test]
fn xml_attributes_are_kept_or_reported() {
    let xml = r#"<service_requests total="5"><request foo="1"><service_request_id>A-1</service_request_id>
        <status>open</status><service_name>路灯</service_name><requested_datetime>2024-05-02T09:12:30+08:00</requested_datetime>
        <lat datum="gcj02">31.3262</lat><long>120.5853</long><zipcode code="x"/></request><request foo="2"/></service_requests>"#;
    let (v, loss) = open311::requests_from_xml_with_loss(xml).unwrap();
    assert_eq!(v[0]["@foo"], json!("1"));
    assert_eq!(v[0]["lat@datum"], json!("gcj02"));
    assert_eq!(v[0]["lat"], json!(31.3262));
    assert_eq!(v[0]["zipcode@code"], json!("x"));
    assert_eq!(v[1], json!({"@foo": "2"}));
    let entries: Vec<_> = loss.entries.iter().map(|l| (l.source.as_str(), l.code.as_str(), l.kind)).collect();
    assert_eq!(entries, [("/@total", "open311-xml-attribute-not-read", LossKind::NotRepresentable)]);
    // Through the reader: the attributes of a request are kept in its extensions.
    let out = linli_adapters::convert::read(
        linli_adapters::convert::Format::Open311Xml,
        xml.as_bytes(),
        &linli_adapters::convert::ReadOptions::new(
            linli_model::datetime::Timestamp::parse("2026-01-01T00:00:00+08:00").unwrap(),
        ),
    )
    .unwrap();
    let case = serde_json::to_value(&out.records[0]).unwrap();
    let ext = &case["extensions"]["open311"];
    assert_eq!(ext["lat@datum"], json!("gcj02"), "{case}");
    assert_eq!(ext["@foo"], json!("1"), "{case}");
    assert!(out.loss.entries.iter().any(|l| l.code.as_str() == "open311-xml-attribute-not-read"));
}
