//! The exchange API of spec chapter 31, over HTTP against a node in the test process.

#![allow(missing_docs, clippy::unwrap_used)]

mod common;

use common::{TestNode, VENDOR, call, example_lines, load_examples};
use serde_json::{Value, json};

fn person_line() -> String {
    example_lines().into_iter().find(|l| l.starts_with("{\"type\":\"Person\",\"id\":\"P-0001\"")).unwrap()
}

fn event(id: &str, vendor: &str) -> String {
    let line = example_lines().into_iter().find(|l| l.starts_with("{\"type\":\"Event\"")).unwrap();
    let mut v: Value = serde_json::from_str(&line).unwrap();
    v["id"] = json!(id);
    v["meta"]["source"]["vendor"] = json!(vendor);
    v.to_string()
}

/// Raw personal values of the example persons: ID numbers, phones and names.
fn raw_values() -> Vec<String> {
    let mut out = Vec::new();
    for l in example_lines() {
        let v: Value = serde_json::from_str(&l).unwrap();
        if v["type"] != "Person" {
            continue;
        }
        if let Some(n) = v["name"].as_str() {
            out.push(n.to_owned());
        }
        for i in v["identifiers"].as_array().into_iter().flatten() {
            out.push(i["value"].as_str().unwrap().to_owned());
        }
        for p in v["phones"].as_array().into_iter().flatten() {
            out.push(p.as_str().unwrap().to_owned());
        }
    }
    assert!(out.len() > 40, "the examples have persons with names, numbers and phones");
    out
}

fn assert_no_raw(text: &str, what: &str) {
    for raw in raw_values() {
        assert!(!text.contains(&raw), "{what}: a raw personal value reached a non-internal reader");
    }
}

fn requests_without_a_known_token_are_refused_with_a_stable_code(n: TestNode) {
    let url = format!("{}/v1/records/Person/P-0001", n.base);
    for token in [None, Some("nobody"), Some("")] {
        let a = call("GET", &url, token, &[], None);
        assert_eq!(a.status, 401);
        let v = a.json();
        assert_eq!(v["code"], "api-unauthenticated");
        assert!(v["message_zh"].as_str().unwrap().contains("令牌"));
        assert!(v["message_en"].as_str().unwrap().contains("token"));
    }
    // Open without a token: health, the OpenAPI document and the clerk page.
    assert_eq!(call("GET", &format!("{}/healthz", n.base), None, &[], None).status, 200);
    assert_eq!(call("GET", &format!("{}/openapi.json", n.base), None, &[], None).status, 200);
    assert_eq!(call("GET", &format!("{}/", n.base), None, &[], None).status, 200);
}

fn put_creates_is_idempotent_updates_and_honours_if_match(n: TestNode) {
    let url = format!("{}/v1/records/Person/P-0001", n.base);
    let body = person_line();
    let a = call("PUT", &url, Some("clerk"), &[], Some(body.as_bytes()));
    assert_eq!(a.status, 201, "{}", a.text());
    let etag = a.header("etag").unwrap().to_owned();
    assert_eq!(a.json()["status"], "created");
    // The same record with its members in another order: unchanged, same ETag, no change in the feed.
    let v: Value = serde_json::from_str(&body).unwrap();
    let reordered = serde_json::to_string_pretty(&v).unwrap();
    let b = call("PUT", &url, Some("clerk"), &[], Some(reordered.as_bytes()));
    assert_eq!(b.status, 200);
    assert_eq!(b.json()["status"], "unchanged");
    assert_eq!(b.header("etag"), Some(etag.as_str()));
    let feed = call("GET", &format!("{}/v1/changes", n.base), Some("public"), &[], None).json();
    assert_eq!(feed["changes"].as_array().unwrap().len(), 1, "an identical re-write adds no change");
    // A changed record with a stale If-Match: 412 and nothing stored.
    let mut changed = v.clone();
    changed["education"] = json!("21");
    let changed = changed.to_string();
    let stale = "\"0000000000000000000000000000000000000000000000000000000000000000\"";
    let c = call("PUT", &url, Some("clerk"), &[("If-Match", stale)], Some(changed.as_bytes()));
    assert_eq!(c.status, 412);
    assert_eq!(c.code(), "api-precondition-failed");
    let got = call("GET", &url, Some("clerk"), &[("X-Linli-Purpose", "test")], None);
    assert_eq!(got.header("etag"), Some(etag.as_str()), "the stale write stored nothing");
    // With the right If-Match: updated, a new ETag.
    let d = call("PUT", &url, Some("clerk"), &[("If-Match", etag.as_str())], Some(changed.as_bytes()));
    assert_eq!(d.status, 200, "{}", d.text());
    assert_eq!(d.json()["status"], "updated");
    assert_ne!(d.header("etag"), Some(etag.as_str()));
    // If-None-Match: * on an existing record.
    let e = call("PUT", &url, Some("clerk"), &[("If-None-Match", "*")], Some(changed.as_bytes()));
    assert_eq!(e.status, 412);
    // A malformed If-Match.
    let f = call("PUT", &url, Some("clerk"), &[("If-Match", "abc")], Some(changed.as_bytes()));
    assert_eq!(f.status, 400);
    assert_eq!(f.code(), "api-bad-header");
    // A list of ETags is no one quoted ETag, even when it begins and ends with a quote (found by
    // the conformance class api, AP-0004).
    let list = format!("{etag}, \"x\"");
    let g = call("PUT", &url, Some("clerk"), &[("If-Match", list.as_str())], Some(changed.as_bytes()));
    assert_eq!(g.status, 400, "{}", g.text());
    assert_eq!(g.code(), "api-bad-header");
}

fn invalid_records_are_refused_with_the_validators_findings_and_nothing_is_stored(n: TestNode) {
    let mut v: Value = serde_json::from_str(&person_line()).unwrap();
    v["gender"] = json!("7");
    v["birthDate"] = json!("1938-02-30");
    let a = call(
        "PUT",
        &format!("{}/v1/records/Person/P-0001", n.base),
        Some("clerk"),
        &[],
        Some(v.to_string().as_bytes()),
    );
    assert_eq!(a.status, 422, "{}", a.text());
    let body = a.json();
    assert_eq!(body["code"], "api-invalid-record");
    let report = &body["report"];
    assert_eq!(report["valid"], false);
    let codes: Vec<&str> = report["findings"].as_array().unwrap().iter().map(|f| f["code"].as_str().unwrap()).collect();
    assert!(codes.len() >= 2, "{codes:?}");
    // The report is the validator's JSON report: it reads against the report schema.
    let schema = linli_validate::report::report_schema();
    assert_eq!(
        schema["properties"].as_object().unwrap().keys().filter(|k| report.get(k.as_str()).is_none()).count(),
        0
    );
    assert_eq!(call("GET", &format!("{}/v1/records/Person/P-0001", n.base), Some("public"), &[], None).status, 404);
    // Not JSON at all: still the validator's findings.
    let b = call("PUT", &format!("{}/v1/records/Person/P-0001", n.base), Some("clerk"), &[], Some(b"{not json"));
    assert_eq!(b.status, 422);
    // The body names another record than the path.
    let c = call(
        "PUT",
        &format!("{}/v1/records/Person/P-9999", n.base),
        Some("clerk"),
        &[],
        Some(person_line().as_bytes()),
    );
    assert_eq!(c.status, 422);
    assert_eq!(c.code(), "api-path-mismatch");
    let d = call("PUT", &format!("{}/v1/records/Robot/R-1", n.base), Some("clerk"), &[], Some(b"{}"));
    assert_eq!(d.status, 404);
    assert_eq!(d.code(), "api-unknown-type");
}

fn vendors_write_only_their_own_records_and_readers_not_at_all(n: TestNode) {
    let url = |id: &str| format!("{}/v1/records/Event/{id}", n.base);
    let own = call("PUT", &url("E-ACME-1"), Some("acme"), &[], Some(event("E-ACME-1", VENDOR).as_bytes()));
    assert_eq!(own.status, 201, "{}", own.text());
    let foreign = call("PUT", &url("E-ACME-2"), Some("acme"), &[], Some(event("E-ACME-2", "另一家公司").as_bytes()));
    assert_eq!(foreign.status, 403);
    assert_eq!(foreign.code(), "api-forbidden");
    let person =
        call("PUT", &format!("{}/v1/records/Person/P-0001", n.base), Some("acme"), &[], Some(person_line().as_bytes()));
    assert_eq!(person.status, 403, "a vendor without the Person scope");
    let reader = call("PUT", &url("E-ACME-3"), Some("public"), &[], Some(event("E-ACME-3", VENDOR).as_bytes()));
    assert_eq!(reader.status, 403);
    // Another vendor may not take acme's record over by writing it as its own.
    let takeover =
        call("PUT", &url("E-ACME-1"), Some("other-vendor"), &[], Some(event("E-ACME-1", "另一家公司").as_bytes()));
    assert_eq!(takeover.status, 403, "{}", takeover.text());
    let batch = call(
        "POST",
        &format!("{}/v1/records", n.base),
        Some("other-vendor"),
        &[],
        Some(event("E-ACME-1", "另一家公司").as_bytes()),
    );
    assert!(batch.text().contains("\"status\":403"), "{}", batch.text());
    // Another vendor may not delete acme's record; acme may.
    assert_eq!(call("DELETE", &url("E-ACME-1"), Some("other-vendor"), &[], None).status, 403);
    assert_eq!(call("DELETE", &url("E-ACME-1"), Some("acme"), &[], None).status, 204);
}

fn a_batch_answers_one_line_per_input_line_in_order_and_refusals_do_not_undo_others(n: TestNode) {
    let mut lines = example_lines()[..5].to_vec();
    lines.insert(2, "{\"type\":\"Person\",\"id\":\"P-BAD\"}".to_owned());
    lines.insert(4, String::new());
    lines.push("not json".to_owned());
    let body = lines.join("\n");
    let a = call(
        "POST",
        &format!("{}/v1/records", n.base),
        Some("clerk"),
        &[("Content-Type", "application/x-ndjson")],
        Some(body.as_bytes()),
    );
    assert_eq!(a.status, 200);
    assert_eq!(a.header("content-type"), Some("application/x-ndjson"));
    let results: Vec<Value> = a.text().lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    let line_numbers: Vec<u64> = results.iter().map(|r| r["line"].as_u64().unwrap()).collect();
    // Blank line 5 has no result; every other line has one, in order.
    assert_eq!(line_numbers, vec![1, 2, 3, 4, 6, 7, 8]);
    let statuses: Vec<u64> = results.iter().map(|r| r["status"].as_u64().unwrap()).collect();
    assert_eq!(statuses, vec![201, 201, 422, 201, 201, 201, 422]);
    assert!(results[2]["findings"].as_array().is_some_and(|f| !f.is_empty()), "{}", results[2]);
    let status = call("GET", &format!("{}/v1/status", n.base), Some("public"), &[], None).json();
    let total: u64 = status["counts"].as_object().unwrap().values().map(|v| v.as_u64().unwrap()).sum();
    assert_eq!(total, 5);
    // The same batch again: unchanged.
    let again = call(
        "POST",
        &format!("{}/v1/records", n.base),
        Some("clerk"),
        &[],
        Some(example_lines()[..5].join("\n").as_bytes()),
    );
    assert!(again.text().lines().all(|l| l.contains("\"unchanged\"")), "{}", again.text());
    // A wrong content type.
    let ct =
        call("POST", &format!("{}/v1/records", n.base), Some("clerk"), &[("Content-Type", "image/png")], Some(b"x"));
    assert_eq!(ct.status, 415);
}

fn a_line_over_the_limit_is_refused_and_the_batch_goes_on(n: TestNode) {
    // The test node's limit is 1 MiB.
    let long = format!("{{\"pad\":\"{}\"}}", "x".repeat(1_200_000));
    let lines = [example_lines()[0].clone(), long, example_lines()[1].clone()];
    let a = call("POST", &format!("{}/v1/records", n.base), Some("clerk"), &[], Some(lines.join("\n").as_bytes()));
    let results: Vec<Value> = a.text().lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(results.len(), 3, "{}", a.text());
    assert_eq!(results[1]["code"], "api-line-too-long");
    assert_eq!(results[1]["line"], 2);
    assert_eq!(results[0]["status"], 201);
    assert_eq!(results[2]["status"], 201);
    assert_eq!(results[2]["line"], 3);
    // A single record over the limit.
    let big = call("PUT", &format!("{}/v1/records/Person/P-1", n.base), Some("clerk"), &[], Some(lines[1].as_bytes()));
    assert_eq!(big.status, 413);
    assert_eq!(big.code(), "api-too-large");
}

fn reads_are_masked_to_the_callers_level_and_public_readers_never_see_raw_values(n: TestNode) {
    load_examples(&n);
    // Internal: the raw record, with a purpose.
    let url = format!("{}/v1/records/Person/P-0001", n.base);
    let no_purpose = call("GET", &url, Some("clerk"), &[], None);
    assert_eq!(no_purpose.status, 400);
    assert_eq!(no_purpose.code(), "api-purpose-required");
    let internal = call("GET", &url, Some("clerk"), &[("X-Linli-Purpose", "%E6%A0%B8%E6%9F%A5")], None);
    assert_eq!(internal.status, 200);
    let stored: Value = serde_json::from_str(&person_line()).unwrap();
    assert_eq!(internal.json(), stored, "internal reads the record as written");
    assert_eq!(internal.header("x-linli-level"), Some("internal"));
    // Public and inter-department: no raw value anywhere, in single reads, listings and the feed.
    for who in ["public", "civil"] {
        let one = call("GET", &url, Some(who), &[], None);
        assert_eq!(one.status, 200);
        assert_no_raw(&one.text(), who);
        let mut cursor: Option<String> = None;
        let mut seen = 0;
        loop {
            let u = match &cursor {
                Some(c) => format!("{}/v1/records?limit=7&cursor={c}", n.base),
                None => format!("{}/v1/records?limit=7", n.base),
            };
            let page = call("GET", &u, Some(who), &[], None);
            assert_eq!(page.status, 200, "{}", page.text());
            assert_no_raw(&page.text(), who);
            let v = page.json();
            seen += v["records"].as_array().unwrap().len();
            match v["next"].as_str() {
                Some(c) => cursor = Some(c.to_owned()),
                None => break,
            }
        }
        assert_eq!(seen, example_lines().len(), "paging returns every record once");
        let feed = call("GET", &format!("{}/v1/changes?limit=1000", n.base), Some(who), &[], None);
        assert_no_raw(&feed.text(), who);
        assert_eq!(feed.json()["changes"].as_array().unwrap().len(), example_lines().len());
    }
    // The audit log names who read what, and the purpose.
    let audit = n.node.store.audit(0, 1000).unwrap();
    let read = audit.iter().find(|e| e.principal == "clerk" && e.action == "read").unwrap();
    assert_eq!(read.purpose.as_deref(), Some("核查"));
    assert_eq!(read.records, vec!["Person/P-0001".to_owned()]);
    assert!(audit.iter().any(|e| e.principal == "public" && e.action == "list" && e.level == "public"));
    assert!(audit.iter().any(|e| e.principal == "civil" && e.action == "changes"));
}

fn listings_filter_by_type_place_and_time_and_refuse_bad_cursors(n: TestNode) {
    load_examples(&n);
    let get = |q: &str| call("GET", &format!("{}/v1/records?{q}", n.base), Some("public"), &[], None);
    let persons = get("type=Person&limit=1000").json();
    assert_eq!(persons["records"].as_array().unwrap().len(), 36);
    assert!(persons["next"].is_null());
    let ids: Vec<&str> = persons["records"].as_array().unwrap().iter().map(|r| r["id"].as_str().unwrap()).collect();
    let mut sorted = ids.clone();
    sorted.sort();
    assert_eq!(ids, sorted, "in id order");
    // Above internal the place filter is refused (it would tell where a masked record lies).
    let refused = get("place=L-FAC-EBIKE-SHED&limit=1000");
    assert_eq!(refused.status, 403);
    assert_eq!(refused.code(), "api-forbidden");
    let at_shed = call(
        "GET",
        &format!("{}/v1/records?place=L-FAC-EBIKE-SHED&limit=1000", n.base),
        Some("clerk"),
        &[("X-Linli-Purpose", "test")],
        None,
    )
    .json();
    let expected = example_lines()
        .iter()
        .filter(|l| l.contains("\"place\":{\"type\":\"Place\",\"id\":\"L-FAC-EBIKE-SHED\"}"))
        .count();
    assert!(expected > 0);
    assert_eq!(at_shed["records"].as_array().unwrap().len(), expected);
    // An offset that takes the time out of range in UTC: a coded refusal, not a dropped connection.
    assert_eq!(get("updatedSince=9999-12-31T23:59:59-12:00").code(), "api-bad-query");
    assert_eq!(get("updatedSince=2999-01-01T00:00:00%2B08:00").json()["records"].as_array().unwrap().len(), 0);
    assert_eq!(get("updatedSince=2000-01-01T00:00:00Z&limit=1000").json()["records"].as_array().unwrap().len(), 120);
    for bad in [
        "cursor=zzz",
        "cursor=k1.!!!",
        "limit=0",
        "limit=1001",
        "limit=x",
        "updatedSince=yesterday",
        "type=Robot",
        "colour=red",
    ] {
        let a = get(bad);
        assert!(a.status == 400 || a.status == 404, "{bad}: {}", a.status);
        assert!(a.code().starts_with("api-"), "{bad}: {}", a.text());
    }
    assert_eq!(get("cursor=zzz").code(), "api-bad-cursor");
}

fn deletes_leave_a_tombstone_in_the_feed_and_the_feed_resumes_from_any_cursor(n: TestNode) {
    load_examples(&n);
    let feed = |since: Option<&str>| {
        let u = match since {
            Some(c) => format!("{}/v1/changes?since={c}&limit=50", n.base),
            None => format!("{}/v1/changes?limit=50", n.base),
        };
        call("GET", &u, Some("public"), &[], None).json()
    };
    // Read the whole feed in pages.
    let mut cursor: Option<String> = None;
    let mut seqs = Vec::new();
    loop {
        let page = feed(cursor.as_deref());
        let changes = page["changes"].as_array().unwrap().clone();
        if changes.is_empty() {
            break;
        }
        seqs.extend(changes.iter().map(|c| c["seq"].as_str().unwrap().parse::<u64>().unwrap()));
        cursor = Some(page["next"].as_str().unwrap().to_owned());
    }
    assert_eq!(seqs, (1..=120).collect::<Vec<u64>>());
    let url = format!("{}/v1/records/Thing/T-EBIKE-PILE-01", n.base);
    assert_eq!(call("DELETE", &url, Some("clerk"), &[], None).status, 204);
    assert_eq!(call("DELETE", &url, Some("clerk"), &[], None).status, 404);
    assert_eq!(call("GET", &url, Some("public"), &[], None).status, 404);
    let after = feed(cursor.as_deref());
    let changes = after["changes"].as_array().unwrap();
    assert_eq!(changes.len(), 1);
    assert_eq!(changes[0]["op"], "delete");
    assert_eq!(changes[0]["id"], "T-EBIKE-PILE-01");
    assert!(changes[0].get("record").is_none());
    assert_eq!(feed(Some("f1.x"))["code"], "api-bad-cursor");
}

fn a_long_poll_returns_when_a_change_arrives(n: TestNode) {
    let base = n.base.clone();
    let waiter = std::thread::spawn(move || {
        let t = std::time::Instant::now();
        let a = call("GET", &format!("{base}/v1/changes?wait=20"), Some("public"), &[], None);
        (a.json(), t.elapsed())
    });
    std::thread::sleep(std::time::Duration::from_millis(500));
    let put = call(
        "PUT",
        &format!("{}/v1/records/Person/P-0001", n.base),
        Some("clerk"),
        &[],
        Some(person_line().as_bytes()),
    );
    assert_eq!(put.status, 201);
    let (v, took) = waiter.join().unwrap();
    assert_eq!(v["changes"].as_array().unwrap().len(), 1, "{v}");
    // Woken by the write, well before the 20 s wait ran out.
    assert!(took < std::time::Duration::from_secs(15), "{took:?}");
    // With nothing to wait for, wait=0 answers at once with no change and the same cursor.
    let next = v["next"].as_str().unwrap();
    let empty = call("GET", &format!("{}/v1/changes?since={next}&wait=0", n.base), Some("public"), &[], None).json();
    assert_eq!(empty["changes"].as_array().unwrap().len(), 0);
    assert_eq!(empty["next"], next);
    let bad = call("GET", &format!("{}/v1/changes?wait=61", n.base), Some("public"), &[], None);
    assert_eq!(bad.status, 400);
}

fn export_at_a_level_is_byte_identical_to_linli_mask_over_the_stores_dataset(n: TestNode) {
    load_examples(&n);
    let at = "2024-06-01T09:00:00+08:00";
    // The store's dataset, built here from what was written (spec: one file per type, canonical
    // lines in id order, manifest by build_manifest with the node as producer).
    let raw = tempfile::tempdir().unwrap();
    let mut by_type: std::collections::BTreeMap<String, Vec<(String, String)>> = Default::default();
    for l in example_lines() {
        let v: Value = serde_json::from_str(&l).unwrap();
        let stem = v["type"].as_str().unwrap().to_lowercase();
        by_type.entry(stem).or_default().push((v["id"].as_str().unwrap().to_owned(), v.to_string()));
    }
    for (stem, mut rows) in by_type {
        rows.sort();
        let text: String = rows.into_iter().map(|(_, l)| l + "\n").collect();
        std::fs::write(raw.path().join(format!("{stem}.ndjson")), text).unwrap();
    }
    let producer = linli_node::dataset::producer().unwrap();
    let manifest = linli_validate::dataset::build_manifest(
        raw.path(),
        producer,
        linli_model::codes::SharingLevel::Internal,
        at.parse().unwrap(),
    )
    .unwrap();
    std::fs::write(raw.path().join("manifest.json"), serde_json::to_string_pretty(&manifest).unwrap()).unwrap();
    for level in ["public", "inter-department", "internal"] {
        let who = match level {
            "public" => "public",
            "inter-department" => "civil",
            _ => "clerk",
        };
        let a = call(
            "GET",
            &format!("{}/v1/export?level={level}&at={}", n.base, at.replace('+', "%2B")),
            Some(who),
            &[("X-Linli-Purpose", "export-test")],
            None,
        );
        assert_eq!(a.status, 200, "{level}: {}", a.text());
        assert_eq!(a.header("content-type"), Some("application/x-tar"));
        // What linli mask writes for the same dataset, key and time.
        let out = tempfile::tempdir().unwrap();
        let masked = out.path().join("m");
        let profile = linli_privacy::Profile::built_in(level).unwrap();
        let key = common::key();
        let opts = linli_privacy::Options {
            profile: &profile,
            key: Some(&key),
            created_at: Some(at.parse().unwrap()),
            tool: linli_model::text::Text::new(format!("linli mask {}", env!("CARGO_PKG_VERSION"))).unwrap(),
            threads: 2,
        };
        linli_privacy::mask_path(raw.path(), &masked, &opts).unwrap();
        let mut want: Vec<(String, Vec<u8>)> = std::fs::read_dir(&masked)
            .unwrap()
            .map(|e| {
                let p = e.unwrap().path();
                (p.file_name().unwrap().to_str().unwrap().to_owned(), std::fs::read(&p).unwrap())
            })
            .collect();
        want.sort();
        let mut got = Vec::new();
        let mut ar = tar::Archive::new(a.body.as_slice());
        for e in ar.entries().unwrap() {
            let mut e = e.unwrap();
            let name = e.path().unwrap().to_str().unwrap().to_owned();
            let mut b = Vec::new();
            std::io::Read::read_to_end(&mut e, &mut b).unwrap();
            got.push((name, b));
        }
        assert_eq!(got.len(), want.len(), "{level}");
        for ((gn, gb), (wn, wb)) in got.iter().zip(&want) {
            assert_eq!(gn, wn);
            assert!(gb == wb, "{level}: {gn} differs from linli mask's");
        }
        if level != "internal" {
            assert_no_raw(&String::from_utf8_lossy(&a.body), level);
        }
    }
    // A reference time to come would judge minors as adults: refused.
    let future =
        call("GET", &format!("{}/v1/export?level=public&at=2099-01-01T00:00:00Z", n.base), Some("public"), &[], None);
    assert_eq!(future.status, 400);
    assert_eq!(future.code(), "api-bad-query");
    // A public reader may not export at a higher level.
    let up = call("GET", &format!("{}/v1/export?level=internal", n.base), Some("public"), &[], None);
    assert_eq!(up.status, 403);
    assert_eq!(up.code(), "api-level-not-allowed");
}

fn the_report_runs_the_dataset_checks_over_the_store(n: TestNode) {
    load_examples(&n);
    let public = call("GET", &format!("{}/v1/report", n.base), Some("public"), &[], None);
    assert_eq!(public.status, 403, "the report speaks of the raw store: internal only");
    let a = call("GET", &format!("{}/v1/report", n.base), Some("clerk"), &[], None);
    assert_eq!(a.status, 200, "{}", a.text());
    let r = a.json();
    assert_eq!(r["records"], 120);
    assert_eq!(r["dataset_checks"], true);
    assert_eq!(r["valid"], true, "{}", a.text());
    // A dangling reference is a dataset-level finding.
    let mut v: Value = serde_json::from_str(&event("E-DANGLING", VENDOR)).unwrap();
    v["place"] = json!({"type": "Place", "id": "L-NOWHERE"});
    let put = call(
        "PUT",
        &format!("{}/v1/records/Event/E-DANGLING", n.base),
        Some("clerk"),
        &[],
        Some(v.to_string().as_bytes()),
    );
    assert_eq!(put.status, 201, "{}", put.text());
    let r = call("GET", &format!("{}/v1/report", n.base), Some("clerk"), &[], None).json();
    assert_eq!(r["valid"], false);
    let text = r.to_string();
    assert!(!text.contains("/tmp/") && !text.contains(".linli-report-"), "no work path in the report");
}

fn the_clerk_check_validates_an_upload_and_stores_nothing(n: TestNode) {
    let body = example_lines().join("\n");
    let a = call(
        "POST",
        &format!("{}/v1/check?format=json&name=export.ndjson", n.base),
        Some("public"),
        &[],
        Some(body.as_bytes()),
    );
    assert_eq!(a.status, 200, "{}", a.text());
    assert_eq!(a.json()["records"], 120);
    let html = call("POST", &format!("{}/v1/check?lang=zh", n.base), Some("public"), &[], Some(body.as_bytes()));
    assert!(html.header("content-type").unwrap().starts_with("text/html"));
    assert!(html.text().contains("<html"));
    let status = call("GET", &format!("{}/v1/status", n.base), Some("public"), &[], None).json();
    assert!(status["counts"].as_object().unwrap().is_empty(), "nothing stored");
}

fn the_clerk_check_names_the_upload_as_the_clerk_did_and_never_the_nodes_folders(n: TestNode) {
    // A dataset as a .tar.gz.
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    {
        let mut t = tar::Builder::new(&mut gz);
        for e in std::fs::read_dir(common::examples()).unwrap() {
            let p = e.unwrap().path();
            t.append_path_with_name(&p, format!("gusu/{}", p.file_name().unwrap().to_str().unwrap())).unwrap();
        }
        t.finish().unwrap();
    }
    let bytes = gz.finish().unwrap();
    let a = call(
        "POST",
        &format!("{}/v1/check?format=json&name=C%3A%5Cexports%5Cgusu.tar.gz", n.base),
        Some("public"),
        &[],
        Some(&bytes),
    );
    assert_eq!(a.status, 200, "{}", a.text());
    let text = a.text();
    assert_eq!(a.json()["records"], 120, "{text}");
    assert!(text.contains("gusu.tar.gz"), "the clerk's name: {text}");
    assert!(!text.contains(".linli-check-") && !text.contains(n.dir.path().to_str().unwrap()), "{text}");
    // Not an archive at all, named as one.
    let b = call(
        "POST",
        &format!("{}/v1/check?name=broken.zip", n.base),
        Some("public"),
        &[],
        Some(b"PK\x03\x04 not really"),
    );
    assert_eq!(b.status, 422, "{}", b.text());
    assert_eq!(b.code(), "api-upload-unreadable");
    assert!(!b.text().contains(".linli-check-"), "{}", b.text());
}

fn unknown_paths_and_methods_answer_json_errors(n: TestNode) {
    let a = call("GET", &format!("{}/v2/whatever", n.base), Some("clerk"), &[], None);
    assert_eq!(a.status, 404);
    assert_eq!(a.code(), "api-no-route");
    let b = call("PATCH", &format!("{}/v1/records/Person/P-1", n.base), Some("clerk"), &[], Some(b"{}"));
    assert_eq!(b.status, 405);
    assert_eq!(b.code(), "api-method-not-allowed");
    // Every code of the table is documented with both languages.
    for c in linli_node::error::CODES {
        assert!(
            c.code.starts_with("api-")
                && !c.title_zh.is_empty()
                && !c.title_en.is_empty()
                && c.requirement.starts_with("API-")
        );
    }
}

fn a_slow_client_is_cut_off_with_a_stable_code(n: TestNode) {
    use std::io::{Read, Write};
    let addr = n.base.trim_start_matches("http://").to_owned();
    let mut s = std::net::TcpStream::connect(&addr).unwrap();
    s.set_read_timeout(Some(std::time::Duration::from_secs(30))).unwrap();
    // Headers promise 1000 bytes; 10 arrive, then nothing (the test node waits 2 s).
    write!(s, "PUT /v1/records/Person/P-1 HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer clerk\r\nContent-Length: 1000\r\n\r\n{{\"type\":\"P").unwrap();
    let mut answer = String::new();
    let _ = s.read_to_string(&mut answer);
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
    assert!(answer.contains("api-slow-client"));
}

fn a_client_that_never_finishes_its_request_head_is_disconnected(n: TestNode) {
    use std::io::{Read, Write};
    let addr = n.base.trim_start_matches("http://").to_owned();
    let mut s = std::net::TcpStream::connect(&addr).unwrap();
    s.set_read_timeout(Some(std::time::Duration::from_secs(20))).unwrap();
    let t = std::time::Instant::now();
    write!(s, "GET /v1/status HTTP/1.1\r\nHost: x\r\nAuthori").unwrap();
    let mut buf = Vec::new();
    // The test node allows 2 s for a request head: the node ends the connection, long before
    // the client's own 20 s.
    let r = s.read_to_end(&mut buf);
    assert!(r.is_ok(), "closed by the node, not timed out by the client: {r:?}");
    assert!(t.elapsed() < std::time::Duration::from_secs(15), "{:?}", t.elapsed());
    // The node still serves others.
    assert_eq!(call("GET", &format!("{}/healthz", n.base), None, &[], None).status, 200);
}

fn a_public_read_whose_residence_has_no_community_drops_or_withholds_it_never_shows_the_room(n: TestNode) {
    let place = example_lines().into_iter().find(|l| l.starts_with("{\"type\":\"Place\"")).unwrap();
    let mut room: Value = serde_json::from_str(&place).unwrap();
    room["id"] = json!("L-LONELY-ROOM");
    room["kind"] = json!("room");
    room.as_object_mut().unwrap().remove("parent");
    let put = call(
        "PUT",
        &format!("{}/v1/records/Place/L-LONELY-ROOM", n.base),
        Some("clerk"),
        &[],
        Some(room.to_string().as_bytes()),
    );
    assert_eq!(put.status, 201, "{}", put.text());
    let mut p: Value = serde_json::from_str(&person_line()).unwrap();
    p["residences"][0]["place"]["id"] = json!("L-LONELY-ROOM");
    let put = call(
        "PUT",
        &format!("{}/v1/records/Person/P-0001", n.base),
        Some("clerk"),
        &[],
        Some(p.to_string().as_bytes()),
    );
    assert_eq!(put.status, 201, "{}", put.text());
    let a = call("GET", &format!("{}/v1/records/Person/P-0001", n.base), Some("public"), &[], None);
    assert_eq!(a.status, 200);
    assert!(!a.text().contains("L-LONELY-ROOM"));
}

fn invalid_event(id: &str, vendor: &str) -> String {
    let mut v: Value = serde_json::from_str(&event(id, vendor)).unwrap();
    v["occurredAt"] = json!("yesterday");
    v.to_string()
}

fn writes_a_caller_may_not_make_are_refused_before_validation(n: TestNode) {
    let bad_person = {
        let mut v: Value = serde_json::from_str(&person_line()).unwrap();
        v["gender"] = json!("7");
        v.to_string()
    };
    let put = |who: &str, path: &str, body: &str| {
        call("PUT", &format!("{}/v1/records/{path}", n.base), Some(who), &[], Some(body.as_bytes()))
    };
    let refused = |a: &common::Answer, what: &str| {
        assert_eq!(a.status, 403, "{what}: {}", a.text());
        assert_eq!(a.code(), "api-forbidden", "{what}");
        assert!(a.json().get("report").is_none(), "{what}: no findings for a forbidden write");
    };
    // A type outside the scopes, a reader with no scopes, another vendor's name: 403, not 422.
    refused(&put("acme", "Person/P-0001", &bad_person), "type not in scopes");
    refused(&put("civil", "Event/E-X1", &invalid_event("E-X1", VENDOR)), "no write scopes");
    refused(&put("acme", "Event/E-X1", &invalid_event("E-X1", "另一家公司")), "another vendor");
    // The body's type counts too, not only the path's.
    refused(&put("acme", "Event/P-0001", &bad_person), "body type not in scopes");
    // Another vendor's stored record.
    let theirs = put("clerk", "Event/E-THEIRS", &event("E-THEIRS", "另一家公司"));
    assert_eq!(theirs.status, 201, "{}", theirs.text());
    refused(&put("acme", "Event/E-THEIRS", &invalid_event("E-THEIRS", VENDOR)), "another vendor's stored record");
    // Its own record, invalid: the findings, as before.
    let own = put("acme", "Event/E-X2", &invalid_event("E-X2", VENDOR));
    assert_eq!(own.status, 422, "{}", own.text());
    assert!(own.json()["report"]["findings"].as_array().is_some_and(|f| !f.is_empty()));
    // A batch judges each line the same way.
    let body = [bad_person.clone(), invalid_event("E-THEIRS", VENDOR), invalid_event("E-X3", VENDOR)].join("\n");
    let a = call("POST", &format!("{}/v1/records", n.base), Some("acme"), &[], Some(body.as_bytes()));
    assert_eq!(a.status, 200);
    let lines: Vec<Value> = a.text().lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(lines.len(), 3);
    for l in &lines[..2] {
        assert_eq!(l["status"], 403, "{l}");
        assert!(l.get("findings").is_none(), "{l}");
    }
    assert_eq!(lines[2]["status"], 422, "{}", lines[2]);
    assert!(lines[2]["findings"].as_array().is_some_and(|f| !f.is_empty()));
}

fn work_entries(n: &TestNode) -> Vec<String> {
    std::fs::read_dir(n.dir.path().join("work"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect()
}

fn the_check_is_for_departments_and_leaves_no_spooled_upload(n: TestNode) {
    let body = example_lines().join("\n");
    let url = format!("{}/v1/check?format=json", n.base);
    let vendor = call("POST", &url, Some("acme"), &[], Some(body.as_bytes()));
    assert_eq!(vendor.status, 403, "{}", vendor.text());
    assert_eq!(vendor.code(), "api-forbidden");
    let dept = call("POST", &url, Some("civil"), &[], Some(body.as_bytes()));
    assert_eq!(dept.status, 200, "{}", dept.text());
    assert_eq!(dept.json()["records"], 120);
    assert!(work_entries(&n).is_empty(), "no upload kept: {:?}", work_entries(&n));
    // An upload that does not read: refused, and removed too.
    let bad = call("POST", &format!("{url}&name=x.zip"), Some("civil"), &[], Some(b"PK\x03\x04 no"));
    assert_eq!(bad.status, 422, "{}", bad.text());
    assert!(work_entries(&n).is_empty(), "no upload kept: {:?}", work_entries(&n));
    // (An upload over the limit is the unit test `api::tests::an_upload_over_the_limit_...`:
    // over HTTP the client would be cut off mid-send.)
}

fn answers_with_records_or_audit_data_are_not_stored_by_caches(n: TestNode) {
    load_examples(&n);
    let purpose = [("X-Linli-Purpose", "cache-test")];
    for (path, who) in [
        ("/v1/records/Person/P-0001", "public"),
        ("/v1/records/Person/P-0001", "clerk"),
        ("/v1/records", "civil"),
        ("/v1/changes", "public"),
        ("/v1/export", "public"),
        ("/v1/report", "clerk"),
        ("/v1/status", "public"),
        ("/v1/records/Person/P-NONE", "public"),
        ("/v1/records/Person/P-0001", "nobody"),
    ] {
        let a = call("GET", &format!("{}{path}", n.base), Some(who), &purpose, None);
        assert_eq!(a.header("cache-control"), Some("no-store"), "{path} as {who}: {}", a.status);
    }
}

fn heavy_requests_beyond_the_bound_are_busy_and_others_go_on(n: TestNode) {
    load_examples(&n);
    let all = u32::try_from(n.node.config.max_heavy).unwrap();
    let held = std::sync::Arc::clone(&n.node.heavy).try_acquire_many_owned(all).unwrap();
    let lines = example_lines();
    let batch = lines[..3].join("\n");
    for (method, path, who, body) in [
        ("GET", "/v1/export", "public", None),
        ("GET", "/v1/report", "clerk", None),
        ("POST", "/v1/check?format=json", "civil", Some(batch.as_bytes())),
        ("POST", "/v1/records", "clerk", Some(batch.as_bytes())),
    ] {
        let a = call(method, &format!("{}{path}", n.base), Some(who), &[], body);
        assert_eq!(a.status, 503, "{path}: {}", a.text());
        assert_eq!(a.code(), "api-busy", "{path}");
        assert_eq!(a.header("retry-after"), Some("5"), "{path}");
    }
    // Light requests are served meanwhile; a caller refused anyway gets its own code.
    assert_eq!(call("GET", &format!("{}/v1/records/Person/P-0001", n.base), Some("public"), &[], None).status, 200);
    assert_eq!(call("GET", &format!("{}/v1/report", n.base), Some("public"), &[], None).code(), "api-forbidden");
    drop(held);
    assert_eq!(call("GET", &format!("{}/v1/export", n.base), Some("public"), &[], None).status, 200);
}

fn a_body_slower_than_the_deadline_is_cut_off_though_each_part_is_in_time(n: TestNode) {
    use std::io::{Read, Write};
    let addr = n.base.trim_start_matches("http://").to_owned();
    let mut s = std::net::TcpStream::connect(&addr).unwrap();
    s.set_read_timeout(Some(std::time::Duration::from_secs(60))).unwrap();
    write!(
        s,
        "PUT /v1/records/Person/P-1 HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer clerk\r\nContent-Length: 1000\r\n\r\n"
    )
    .unwrap();
    // One byte a second: within the idle time (2 s) each time, never the whole body within
    // the deadline (5 s). The writer stops when the node has answered and closed.
    let mut w = s.try_clone().unwrap();
    let writer = std::thread::spawn(move || {
        for _ in 0..30 {
            if w.write_all(b" ").is_err() {
                break;
            }
            std::thread::sleep(std::time::Duration::from_secs(1));
        }
    });
    let mut answer = Vec::new();
    let _ = s.read_to_end(&mut answer);
    let answer = String::from_utf8_lossy(&answer);
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
    assert!(answer.contains("api-slow-client") && answer.contains("within 5 s"), "{answer}");
    drop(s);
    writer.join().unwrap();
    let got =
        call("GET", &format!("{}/v1/records/Person/P-1", n.base), Some("clerk"), &[("X-Linli-Purpose", "t")], None);
    assert_eq!(got.status, 404, "nothing stored");
}

fn if_match_star_writes_only_over_a_live_record(n: TestNode) {
    let url = format!("{}/v1/records/Person/P-0001", n.base);
    let star = [("If-Match", "*")];
    let body = person_line();
    let a = call("PUT", &url, Some("clerk"), &star, Some(body.as_bytes()));
    assert_eq!(a.status, 412, "no record yet: {}", a.text());
    assert_eq!(a.code(), "api-precondition-failed");
    assert_eq!(call("GET", &url, Some("clerk"), &[("X-Linli-Purpose", "t")], None).status, 404, "nothing stored");
    assert_eq!(call("PUT", &url, Some("clerk"), &[], Some(body.as_bytes())).status, 201);
    let mut v: Value = serde_json::from_str(&body).unwrap();
    v["education"] = json!("21");
    let b = call("PUT", &url, Some("clerk"), &star, Some(v.to_string().as_bytes()));
    assert_eq!(b.status, 200, "{}", b.text());
    assert_eq!(b.json()["status"], "updated");
    assert_eq!(call("DELETE", &url, Some("clerk"), &star, None).status, 204);
    // A tombstone is no live record.
    assert_eq!(call("DELETE", &url, Some("clerk"), &star, None).status, 412);
    assert_eq!(call("PUT", &url, Some("clerk"), &star, Some(body.as_bytes())).status, 412);
}

fn a_long_url_and_large_headers_answer_json_errors(n: TestNode) {
    let long = format!("{}/v1/records?cursor={}", n.base, "a".repeat(9000));
    let a = call("GET", &long, Some("clerk"), &[("X-Linli-Purpose", "t")], None);
    assert_eq!(a.status, 414, "{}", a.text());
    assert_eq!(a.code(), "api-uri-too-long");
    assert!(a.header("content-type").unwrap().starts_with("application/json"));
    let pad = "x".repeat(70_000);
    let b = call("GET", &format!("{}/v1/status", n.base), Some("clerk"), &[("X-Pad", pad.as_str())], None);
    assert_eq!(b.status, 431, "{}", b.text());
    assert_eq!(b.code(), "api-headers-too-large");
    assert!(b.json()["message_en"].as_str().unwrap().contains("65536"));
    // Within the limits, the same requests are served.
    let c = call("GET", &format!("{}/v1/status", n.base), Some("clerk"), &[("X-Pad", &pad[..1000])], None);
    assert_eq!(c.status, 200);
}

fn a_malformed_purpose_is_refused_at_every_level(n: TestNode) {
    load_examples(&n);
    let url = format!("{}/v1/records/Person/P-0001", n.base);
    let long = "目".repeat(201);
    let long_enc: String = long.bytes().map(|b| format!("%{b:02X}")).collect();
    for who in ["clerk", "public"] {
        // Also format characters (attack finding 6): a zero-width space alone, a right-to-left
        // override, a soft hyphen, a byte order mark, a word joiner.
        for bad in [
            "   ",
            "a%0Ab",
            "%FF%FE",
            "a%00",
            long_enc.as_str(),
            "%E2%80%8B",
            "%E2%80%AEtset",
            "%C2%AD",
            "%EF%BB%BF",
            "audit%E2%81%A0check",
            // Blank fillers, a braille blank, a lone combining mark, a variation selector, a
            // line separator, a private-use character, a noncharacter (second attack review).
            "%E3%85%A4",
            "%E1%85%9F%EF%BE%A0",
            "%E2%A0%80",
            "%CC%81",
            "%EF%B8%8F",
            "ok%E2%80%A8ok",
            "audit%EE%80%80",
            "%EF%B7%90check",
        ] {
            let a = call("GET", &url, Some(who), &[("X-Linli-Purpose", bad)], None);
            assert_eq!(a.status, 400, "{who} {bad}: {}", a.text());
            assert_eq!(a.code(), "api-purpose-invalid", "{who} {bad}");
        }
    }
    // A purpose quoting an ID number and a phone is kept with both masked (second attack review).
    let quoting = "check%20320508198712180011%2013812345678";
    assert_eq!(call("GET", &url, Some("clerk"), &[("X-Linli-Purpose", quoting)], None).status, 200);
    let audit = n.node.store.audit(0, 100_000).unwrap();
    let kept = audit.iter().rev().find_map(|e| e.purpose.clone().filter(|p| p.starts_with("check "))).unwrap();
    assert!(
        !kept.contains("320508198712180011") && !kept.contains("13812345678") && kept.contains("138****5678"),
        "{kept}"
    );
    // A combining mark on a letter is text: café written with U+0301.
    assert_eq!(call("GET", &url, Some("clerk"), &[("X-Linli-Purpose", "cafe%CC%81")], None).status, 200);
    let ok_enc: String = "目".repeat(200).bytes().map(|b| format!("%{b:02X}")).collect();
    assert_eq!(call("GET", &url, Some("clerk"), &[("X-Linli-Purpose", ok_enc.as_str())], None).status, 200);
}

/// `--max-connections 1`: with one connection open, the next is answered `api-busy` and closed
/// [API-072]; once it is closed, requests are served again.
fn a_connection_over_the_bound_is_answered_busy(n: TestNode) {
    use std::io::{Read, Write};
    let addr = n.base.trim_start_matches("http://").to_owned();
    let mut a = std::net::TcpStream::connect(&addr).unwrap();
    a.set_read_timeout(Some(std::time::Duration::from_secs(30))).unwrap();
    write!(a, "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n").unwrap();
    let mut got = Vec::new();
    let mut buf = [0u8; 1024];
    while !String::from_utf8_lossy(&got).contains("{\"status\":\"ok\"}") {
        let k = a.read(&mut buf).unwrap();
        assert!(k > 0, "the first connection is served");
        got.extend_from_slice(&buf[..k]);
    }
    // The first connection stays open (keep-alive): the second is one too many.
    let b = call("GET", &format!("{}/healthz", n.base), None, &[], None);
    assert_eq!(b.status, 503, "{}", b.text());
    assert_eq!(b.code(), "api-busy");
    assert_eq!(b.header("retry-after"), Some("5"));
    drop(a);
    // The slot frees when the node sees the first connection end.
    let served = (0..200).any(|_| {
        std::thread::sleep(std::time::Duration::from_millis(50));
        call("GET", &format!("{}/healthz", n.base), None, &[], None).status == 200
    });
    assert!(served, "served again once the first connection closed");
}

#[test]
fn batch_groups_are_bounded_by_bytes_sqlite() {
    batch_groups_are_bounded_by_bytes(common::start_tuned(|c| c.batch_group_bytes = 1));
}

#[test]
fn batch_groups_are_bounded_by_bytes_postgres() {
    if let Some(n) = common::start_postgres_tuned(|c| c.batch_group_bytes = 1) {
        batch_groups_are_bounded_by_bytes(n);
    }
}

#[test]
fn a_connection_over_the_bound_is_answered_busy_sqlite() {
    a_connection_over_the_bound_is_answered_busy(common::start_tuned(|c| c.max_connections = 1));
}

#[test]
fn a_connection_over_the_bound_is_answered_busy_postgres() {
    if let Some(n) = common::start_postgres_tuned(|c| c.max_connections = 1) {
        a_connection_over_the_bound_is_answered_busy(n);
    }
}

/// Writes and deletes are audited with each record's result, and reads that withheld records
/// name them [API-080].
fn writes_deletes_and_withheld_reads_are_audited(n: TestNode) {
    let base = &n.base;
    let person = person_line();
    let url = format!("{base}/v1/records/Person/P-0001");
    assert_eq!(call("PUT", &url, Some("clerk"), &[], Some(person.as_bytes())).status, 201);
    assert_eq!(call("PUT", &url, Some("clerk"), &[], Some(person.as_bytes())).status, 200);
    assert_eq!(call("PUT", &url, Some("acme"), &[], Some(person.as_bytes())).status, 403);
    let theirs = event("E-THEIRS", "另一家公司");
    let put = call("PUT", &format!("{base}/v1/records/Event/E-THEIRS"), Some("acme"), &[], Some(theirs.as_bytes()));
    assert_eq!(put.status, 403);
    assert_eq!(call("DELETE", &url, Some("clerk"), &[], None).status, 204);
    assert_eq!(call("DELETE", &url, Some("clerk"), &[], None).status, 404);
    let mut bad: Value = serde_json::from_str(&person).unwrap();
    bad["gender"] = json!("7");
    let batch = [person.clone(), bad.to_string(), "not json".to_owned()].join("\n");
    assert_eq!(call("POST", &format!("{base}/v1/records"), Some("clerk"), &[], Some(batch.as_bytes())).status, 200);
    // A record validation would refuse (its id holds an ID number), put straight into the
    // store: withheld from every reader above internal.
    let thing = example_lines().into_iter().find(|l| l.starts_with("{\"type\":\"Thing\"")).unwrap();
    let mut t: Value = serde_json::from_str(&thing).unwrap();
    let leaky = "T-32050419380214311X";
    t["id"] = json!(leaky);
    let body = t.to_string();
    let rec = linli_node::store::NewRecord {
        record_type: linli_model::RecordType::Thing,
        id: leaky.into(),
        etag: "0".repeat(64),
        body,
        places: vec![],
    };
    n.node.store.put_many(&[(rec, linli_node::store::Precondition::None)]).unwrap();
    let read = call("GET", &format!("{base}/v1/records/Thing/{leaky}"), Some("public"), &[], None);
    assert_eq!(read.status, 451, "{}", read.text());
    let list = call("GET", &format!("{base}/v1/records?type=Thing"), Some("civil"), &[], None).json();
    assert!(list["records"].as_array().unwrap().iter().any(|r| r["id"] == leaky && r["withheld"].is_string()));
    let log = n.node.store.audit(0, 1000).unwrap();
    let find = |who: &str, action: &str, rec: &str| {
        log.iter()
            .filter(|e| e.principal == who && e.action == action)
            .flat_map(|e| e.records.iter().zip(&e.results).filter(|(r, _)| *r == rec).map(|(_, x)| x.clone()))
            .collect::<Vec<_>>()
    };
    assert_eq!(find("clerk", "write", "Person/P-0001"), ["created", "unchanged", "created", "api-invalid-record"]);
    assert_eq!(find("acme", "write", "Person/P-0001"), ["api-forbidden"]);
    assert_eq!(find("acme", "write", "Event/E-THEIRS"), ["api-forbidden"]);
    assert_eq!(find("clerk", "delete", "Person/P-0001"), ["deleted", "api-not-found"]);
    assert_eq!(find("clerk", "write", "?/?"), ["api-invalid-record"], "a line that is not JSON");
    let withheld = |who: &str, action: &str| {
        log.iter().any(|e| e.principal == who && e.action == action && e.withheld == [leaky.replace("T-", "Thing/T-")])
    };
    assert!(withheld("public", "read"), "the withheld read is audited");
    assert!(withheld("civil", "list"), "the listing names what it withheld");
    // Writes carry no purpose and are at the caller's level.
    assert!(log.iter().filter(|e| e.action == "write").all(|e| e.purpose.is_none()));
}

/// The head of the node's answer on a raw connection, read up to the blank line.
fn raw_head(n: &TestNode, request: &str) -> String {
    use std::io::{Read, Write};
    let mut s = std::net::TcpStream::connect(n.base.trim_start_matches("http://")).unwrap();
    s.set_read_timeout(Some(std::time::Duration::from_secs(30))).unwrap();
    s.write_all(request.as_bytes()).unwrap();
    let mut got = Vec::new();
    let mut b = [0u8; 1];
    while !got.ends_with(b"\r\n\r\n") {
        assert_eq!(s.read(&mut b).unwrap(), 1, "the node answers: {}", String::from_utf8_lossy(&got));
        got.push(b[0]);
    }
    String::from_utf8(got).unwrap().to_ascii_lowercase()
}

/// An answer given before the request's body was read says `Connection: close`, so that a client
/// does not send its next request on a connection the node is closing; an answer after the
/// whole body keeps the connection [API-040].
fn an_answer_before_the_body_is_read_closes_the_connection(n: TestNode) {
    // A chunked body whose last chunk has not come: refused unread (no token; a type outside the scopes).
    for auth in ["", "Authorization: Bearer acme\r\n"] {
        let head = raw_head(
            &n,
            &format!(
                "PUT /v1/records/Person/P-1 HTTP/1.1\r\nHost: x\r\n{auth}Transfer-Encoding: chunked\r\n\r\n2\r\n{{}}\r\n"
            ),
        );
        assert!(head.starts_with("http/1.1 40"), "{head}");
        assert!(head.contains("connection: close"), "{head}");
    }
    // Read whole and refused on its content: the connection stays.
    let head = raw_head(
        &n,
        "PUT /v1/records/Person/P-1 HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer clerk\r\nContent-Length: 2\r\n\r\n{}",
    );
    assert!(head.starts_with("http/1.1 422"), "{head}");
    assert!(!head.contains("connection: close"), "{head}");
    // No body at all: the connection stays.
    let head = raw_head(&n, "GET /v1/records/Person/P-1 HTTP/1.1\r\nHost: x\r\n\r\n");
    assert!(head.starts_with("http/1.1 401") && !head.contains("connection: close"), "{head}");
}

/// The ETag is keyed with the node's secret: not the SHA-256 of the stored form (nor of the body
/// sent), so that a masked reader cannot test guesses of the hidden digits against it; the same at
/// every level and in the feed, stable for an identical re-write; If-Match takes it and not the
/// digest it was made from `[API-012]`, `[API-015]`, `[API-020]` (attack finding 1, t9.py).
fn etags_are_keyed_with_the_nodes_secret_and_not_computable_from_the_record(n: TestNode) {
    use sha2::Digest;
    let sha = |b: &str| linli_model::support::hex::encode(&sha2::Sha256::digest(b.as_bytes()));
    let url = format!("{}/v1/records/Person/P-0001", n.base);
    let body = person_line();
    let canonical = serde_json::from_str::<Value>(&body).unwrap().to_string();
    let a = call("PUT", &url, Some("clerk"), &[], Some(body.as_bytes()));
    assert_eq!(a.status, 201, "{}", a.text());
    let etag = a.header("etag").unwrap().trim_matches('"').to_owned();
    assert_eq!(etag.len(), 64);
    assert_ne!(etag, sha(&canonical), "the ETag is not the SHA-256 of the stored form");
    assert_ne!(etag, sha(&body), "the ETag is not the SHA-256 of the body sent");
    // The same ETag at every level and in the feed.
    for who in ["clerk", "civil", "public"] {
        let g = call("GET", &url, Some(who), &[("X-Linli-Purpose", "test")], None);
        assert_eq!(g.status, 200, "{who}: {}", g.text());
        assert_eq!(g.header("etag").map(|e| e.trim_matches('"')), Some(etag.as_str()), "{who}");
        let f = call("GET", &format!("{}/v1/changes", n.base), Some(who), &[("X-Linli-Purpose", "test")], None);
        assert_eq!(f.json()["changes"][0]["etag"], json!(etag), "{who}");
    }
    // An identical re-write: the same ETag.
    let b = call("PUT", &url, Some("clerk"), &[], Some(body.as_bytes()));
    assert_eq!((b.status, b.json()["etag"].clone()), (200, json!(etag)));
    // If-Match with the digest the ETag was made from: refused; with the ETag: written.
    let mut v: Value = serde_json::from_str(&body).unwrap();
    v["education"] = json!("21");
    let changed = v.to_string();
    let digest = format!("\"{}\"", sha(&canonical));
    let c = call("PUT", &url, Some("clerk"), &[("If-Match", digest.as_str())], Some(changed.as_bytes()));
    assert_eq!(c.status, 412, "{}", c.text());
    let d = call("DELETE", &url, Some("clerk"), &[("If-Match", digest.as_str())], None);
    assert_eq!(d.status, 412, "{}", d.text());
    let quoted = format!("\"{etag}\"");
    let e = call("PUT", &url, Some("clerk"), &[("If-Match", quoted.as_str())], Some(changed.as_bytes()));
    assert_eq!(e.status, 200, "{}", e.text());
    let new = e.json()["etag"].as_str().unwrap().to_owned();
    assert_ne!(new, sha(&serde_json::from_str::<Value>(&changed).unwrap().to_string()));
    let q = format!("\"{new}\"");
    assert_eq!(call("DELETE", &url, Some("clerk"), &[("If-Match", quoted.as_str())], None).status, 412);
    assert_eq!(call("DELETE", &url, Some("clerk"), &[("If-Match", q.as_str())], None).status, 204);
}

/// A deleted record stays its vendor's: another vendor can neither write over its tombstone by
/// PUT nor by a batch line; its own vendor can `[API-002]` (attack finding 2, t3.py).
fn a_deleted_record_stays_its_vendors(n: TestNode) {
    let url = format!("{}/v1/records/Event/E-TOMB-1", n.base);
    assert_eq!(call("PUT", &url, Some("acme"), &[], Some(event("E-TOMB-1", VENDOR).as_bytes())).status, 201);
    assert_eq!(call("DELETE", &url, Some("acme"), &[], None).status, 204);
    let theirs = event("E-TOMB-1", "另一家公司");
    let put = call("PUT", &url, Some("other-vendor"), &[], Some(theirs.as_bytes()));
    assert_eq!((put.status, put.code()), (403, "api-forbidden".to_owned()), "{}", put.text());
    let batch = call("POST", &format!("{}/v1/records", n.base), Some("other-vendor"), &[], Some(theirs.as_bytes()));
    assert_eq!(batch.status, 200);
    let line: Value = serde_json::from_str(batch.text().lines().next().unwrap()).unwrap();
    assert_eq!((line["status"].clone(), line["code"].clone()), (json!(403), json!("api-forbidden")), "{line}");
    assert_eq!(call("GET", &url, Some("clerk"), &[("X-Linli-Purpose", "t")], None).status, 404, "still deleted");
    // Its own vendor writes it again.
    assert_eq!(call("PUT", &url, Some("acme"), &[], Some(event("E-TOMB-1", VENDOR).as_bytes())).status, 201);
}

/// Two vendors creating one record at once: the owner is judged in the write's transaction, so
/// exactly one of them writes it and the other is refused, never both `[API-002]` (attack
/// finding 3, t4.py: 24 of 150 overwrites while the check ran before the transaction).
fn two_vendors_racing_to_create_one_record_never_both_write(n: TestNode) {
    for i in 0..40 {
        let id = format!("E-RACE-{i}");
        let url = format!("{}/v1/records/Event/{id}", n.base);
        let go = std::sync::Arc::new(std::sync::Barrier::new(2));
        let racer = |token: &'static str, vendor: &'static str| {
            let (url, body, go) = (url.clone(), event(&id, vendor), std::sync::Arc::clone(&go));
            std::thread::spawn(move || {
                go.wait();
                call("PUT", &url, Some(token), &[], Some(body.as_bytes())).status
            })
        };
        let (a, b) = (racer("acme", VENDOR), racer("other-vendor", "另一家公司"));
        let mut got = [a.join().unwrap(), b.join().unwrap()];
        got.sort_unstable();
        assert_eq!(got, [201, 403], "{id}: one writes, the other is refused");
        let stored = call("GET", &url, Some("clerk"), &[("X-Linli-Purpose", "t")], None).json();
        let winner = if got[0] == 201 { stored["meta"]["source"]["vendor"].clone() } else { Value::Null };
        assert!(winner == json!(VENDOR) || winner == json!("另一家公司"), "{winner}");
    }
}

/// A batch from a caller with no write scopes is refused `403` before its body is read and before
/// it takes a heavy request's place: with every place taken it is still `403`, not `503`, and the
/// connection is closed `[API-014]`, `[API-075]` (attack findings 4 and 5, t5.py and t7.py).
fn a_batch_from_a_caller_with_no_write_scopes_is_refused_before_its_body(n: TestNode) {
    let all = u32::try_from(n.node.config.max_heavy).unwrap();
    let held = std::sync::Arc::clone(&n.node.heavy).try_acquire_many_owned(all).unwrap();
    let head = raw_head(
        &n,
        "POST /v1/records HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer public\r\nTransfer-Encoding: chunked\r\n\r\n1\r\n\n\r\n",
    );
    assert!(head.starts_with("http/1.1 403") && head.contains("connection: close"), "{head}");
    drop(held);
}

/// Blank lines are no progress in a batch: a body of nothing but line breaks, each in time, is cut
/// off at the body deadline (5 s in the tests), not kept open for ever `[API-072]` (attack
/// finding 5, t5.py: a line break every 20 s held a heavy place indefinitely).
fn blank_lines_do_not_put_a_batchs_deadline_off(n: TestNode) {
    use std::io::{Read, Write};
    let addr = n.base.trim_start_matches("http://").to_owned();
    let mut s = std::net::TcpStream::connect(&addr).unwrap();
    s.set_read_timeout(Some(std::time::Duration::from_secs(60))).unwrap();
    write!(
        s,
        "POST /v1/records HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer clerk\r\nTransfer-Encoding: chunked\r\n\r\n"
    )
    .unwrap();
    let mut w = s.try_clone().unwrap();
    let writer = std::thread::spawn(move || {
        for _ in 0..30 {
            if w.write_all(b"1\r\n\n\r\n").is_err() {
                break;
            }
            std::thread::sleep(std::time::Duration::from_secs(1));
        }
    });
    let mut answer = Vec::new();
    let _ = s.read_to_end(&mut answer);
    let answer = String::from_utf8_lossy(&answer);
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
    assert!(answer.contains("api-slow-client") && answer.contains("within 5 s"), "{answer}");
    drop(s);
    writer.join().unwrap();
}

/// The ids of refused writes and deletes are kept in the audit log with personal numbers masked and
/// control and format characters escaped `[API-080]` (attack finding 7).
fn refused_ids_reach_the_audit_log_masked_and_escaped(n: TestNode) {
    let number = "32050419380214311X";
    let path = format!("{}/v1/records/Person/P-{number}%E2%80%AEx", n.base);
    assert_eq!(call("PUT", &path, Some("acme"), &[], Some(b"{}")).status, 403);
    assert_eq!(call("DELETE", &path, Some("acme"), &[], None).status, 403);
    let log = n.node.store.audit(0, 1000).unwrap();
    let refused: Vec<&String> = log.iter().filter(|e| e.principal == "acme").flat_map(|e| &e.records).collect();
    assert_eq!(refused.len(), 2, "{refused:?}");
    for r in refused {
        assert!(r.starts_with("Person/P-") && !r.contains(number) && !r.contains("2050419380214311"), "{r}");
        assert!(!r.contains('\u{202e}') && r.contains("\\u{202e}"), "{r}");
    }
}

/// Cursors only as the node writes them, each parameter at most once, and a record path that is
/// not UTF-8 once decoded `404` `api-not-found` `[API-016]`, `[API-020]`, `[API-011]` (attack
/// finding 8).
fn cursors_parameters_and_paths_are_read_exactly(n: TestNode) {
    load_examples(&n);
    let get = |path: &str| call("GET", &format!("{}{path}", n.base), Some("public"), &[], None);
    for since in ["f1.%2B5", "f1.05", "f1.", "f1.-1", "f1.%205"] {
        let a = get(&format!("/v1/changes?since={since}"));
        assert_eq!((a.status, a.code()), (400, "api-bad-cursor".to_owned()), "{since}");
    }
    assert_eq!(get("/v1/changes?since=f1.0").status, 200);
    assert_eq!(get("/v1/changes?since=f1.5").status, 200);
    for q in ["/v1/changes?limit=1&limit=2", "/v1/records?limit=1&limit=2", "/v1/records?type=Person&type=Place"] {
        let a = get(q);
        assert_eq!((a.status, a.code()), (400, "api-bad-query".to_owned()), "{q}");
    }
    // A listing cursor spelt otherwise (a base64 padding, another JSON spacing): refused.
    let page = get("/v1/records?limit=1").json();
    let next = page["next"].as_str().unwrap().to_owned();
    assert_eq!(get(&format!("/v1/records?limit=1&cursor={next}")).status, 200);
    use base64::Engine;
    let spaced = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(b"[ \"Person\", \"P-0001\" ]");
    for c in [format!("{next}%3D"), format!("k1.{spaced}")] {
        let a = get(&format!("/v1/records?limit=1&cursor={c}"));
        assert_eq!((a.status, a.code()), (400, "api-bad-cursor".to_owned()), "{c}");
    }
    // Both framings of a body: the HTTP library reads the chunked one and closes the connection
    // after the answer, so no rest of the body is read as a request of its own.
    let head = raw_head(
        &n,
        "POST /v1/records HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer clerk\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
    );
    assert!(head.starts_with("http/1.1 200") && head.contains("connection: close"), "{head}");
    for method in ["GET", "DELETE"] {
        let a = call(
            method,
            &format!("{}/v1/records/Person/%FF%FE", n.base),
            Some("clerk"),
            &[("X-Linli-Purpose", "t")],
            None,
        );
        assert_eq!((a.status, a.code()), (404, "api-not-found".to_owned()), "{method}");
    }
}

/// A batch's lines are written in groups bounded by bytes as well as by lines: with groups of at
/// most 1 byte each line is a group of its own, one audit entry each `[API-014]`, `[API-080]`
/// (attack finding 4, t7.py: 256 lines of up to 16 MiB were held at once).
fn batch_groups_are_bounded_by_bytes(n: TestNode) {
    let lines: Vec<String> = (1..=3).map(|i| event(&format!("E-GROUP-{i}"), VENDOR)).collect();
    // One write, so that every line of the batch below arrives in the part the node reads first.
    let body = lines.join("\n");
    let a = call("POST", &format!("{}/v1/records", n.base), Some("clerk"), &[], Some(body.as_bytes()));
    assert_eq!(a.status, 200, "{}", a.text());
    assert_eq!(a.text().lines().count(), 3, "{}", a.text());
    let groups = n.node.store.audit(0, 100).unwrap().into_iter().filter(|e| e.action == "write").count();
    assert_eq!(groups, 3, "each line over the byte bound is written as a group of its own");
}

/// Every scenario above on both back-ends [API-050], [API-051].
macro_rules! on_both_backends {
    ($($name:ident),+ $(,)?) => {
        mod sqlite {
            $(#[test]
            fn $name() {
                super::$name(crate::common::start());
            })+
        }
        mod postgres {
            $(#[test]
            fn $name() {
                if let Some(n) = crate::common::start_postgres() {
                    super::$name(n);
                }
            })+
        }
    };
}

on_both_backends!(
    the_clerk_check_names_the_upload_as_the_clerk_did_and_never_the_nodes_folders,
    a_client_that_never_finishes_its_request_head_is_disconnected,
    requests_without_a_known_token_are_refused_with_a_stable_code,
    put_creates_is_idempotent_updates_and_honours_if_match,
    invalid_records_are_refused_with_the_validators_findings_and_nothing_is_stored,
    vendors_write_only_their_own_records_and_readers_not_at_all,
    a_batch_answers_one_line_per_input_line_in_order_and_refusals_do_not_undo_others,
    a_line_over_the_limit_is_refused_and_the_batch_goes_on,
    reads_are_masked_to_the_callers_level_and_public_readers_never_see_raw_values,
    listings_filter_by_type_place_and_time_and_refuse_bad_cursors,
    deletes_leave_a_tombstone_in_the_feed_and_the_feed_resumes_from_any_cursor,
    a_long_poll_returns_when_a_change_arrives,
    export_at_a_level_is_byte_identical_to_linli_mask_over_the_stores_dataset,
    the_report_runs_the_dataset_checks_over_the_store,
    the_clerk_check_validates_an_upload_and_stores_nothing,
    unknown_paths_and_methods_answer_json_errors,
    a_public_read_whose_residence_has_no_community_drops_or_withholds_it_never_shows_the_room,
    a_slow_client_is_cut_off_with_a_stable_code,
    writes_a_caller_may_not_make_are_refused_before_validation,
    the_check_is_for_departments_and_leaves_no_spooled_upload,
    answers_with_records_or_audit_data_are_not_stored_by_caches,
    heavy_requests_beyond_the_bound_are_busy_and_others_go_on,
    a_body_slower_than_the_deadline_is_cut_off_though_each_part_is_in_time,
    if_match_star_writes_only_over_a_live_record,
    a_long_url_and_large_headers_answer_json_errors,
    a_malformed_purpose_is_refused_at_every_level,
    writes_deletes_and_withheld_reads_are_audited,
    an_answer_before_the_body_is_read_closes_the_connection,
    etags_are_keyed_with_the_nodes_secret_and_not_computable_from_the_record,
    a_deleted_record_stays_its_vendors,
    two_vendors_racing_to_create_one_record_never_both_write,
    a_batch_from_a_caller_with_no_write_scopes_is_refused_before_its_body,
    blank_lines_do_not_put_a_batchs_deadline_off,
    refused_ids_reach_the_audit_log_masked_and_escaped,
    cursors_parameters_and_paths_are_read_exactly,
);

/// Two nodes on one PostgreSQL database, as behind a load balancer [API-051]: what one writes,
/// the other reads and its feed carries — a long poll on the other node wakes within its
/// polling interval — and concurrent writers through both leave one gap-free feed.
#[test]
fn two_nodes_on_one_postgres_database_share_records_and_one_feed() {
    let Ok(admin) = std::env::var("LINLI_TEST_POSTGRES") else {
        assert!(std::env::var_os("CI").is_none(), "CI runs the PostgreSQL back-end: set LINLI_TEST_POSTGRES");
        eprintln!("note: LINLI_TEST_POSTGRES is not set: skipped");
        return;
    };
    let db = common::fresh_database(&admin);
    let node = || {
        let store: std::sync::Arc<dyn linli_node::Store> =
            std::sync::Arc::new(linli_node::store::postgres::PostgresStore::connect(&db.url, 4).unwrap());
        common::start_with(store, tempfile::tempdir().unwrap())
    };
    let (a, b) = (node(), node());
    let b_base = b.base.clone();
    let waiter = std::thread::spawn(move || {
        call("GET", &format!("{b_base}/v1/changes?wait=20"), Some("public"), &[], None).json()
    });
    std::thread::sleep(std::time::Duration::from_millis(300));
    assert_eq!(
        call(
            "PUT",
            &format!("{}/v1/records/Person/P-0001", a.base),
            Some("clerk"),
            &[],
            Some(person_line().as_bytes())
        )
        .status,
        201
    );
    let seen = waiter.join().unwrap();
    assert_eq!(seen["changes"][0]["id"], "P-0001", "{seen}");
    // Both nodes share the masking key, so they give the record one ETag [API-012].
    let etag = |base: &str| {
        let url = format!("{base}/v1/records/Person/P-0001");
        call("GET", &url, Some("public"), &[], None).header("etag").map(str::to_owned)
    };
    assert!(etag(&a.base).is_some());
    assert_eq!(etag(&a.base), etag(&b.base), "one ETag on every node of one database");
    assert_eq!(seen["changes"][0]["etag"].as_str().map(|e| format!("\"{e}\"")), etag(&a.base));
    assert_eq!(call("GET", &format!("{}/v1/records/Person/P-0001", b.base), Some("public"), &[], None).status, 200);
    // Writers through both nodes at once.
    let lines: Vec<String> = example_lines();
    let halves = [(a.base.clone(), lines[..60].to_vec()), (b.base.clone(), lines[60..].to_vec())];
    let writers: Vec<_> = halves
        .into_iter()
        .map(|(base, part)| {
            std::thread::spawn(move || {
                for l in part {
                    let v: Value = serde_json::from_str(&l).unwrap();
                    let url =
                        format!("{base}/v1/records/{}/{}", v["type"].as_str().unwrap(), v["id"].as_str().unwrap());
                    let r = call("PUT", &url, Some("clerk"), &[], Some(l.as_bytes()));
                    assert!(r.status == 201 || r.status == 200, "{}", r.text());
                }
            })
        })
        .collect();
    for w in writers {
        w.join().unwrap();
    }
    let feed = call("GET", &format!("{}/v1/changes?limit=1000", a.base), Some("public"), &[], None).json();
    let seqs: Vec<u64> =
        feed["changes"].as_array().unwrap().iter().map(|c| c["seq"].as_str().unwrap().parse().unwrap()).collect();
    assert_eq!(seqs.len(), 120);
    // P-0001 was written twice (unchanged the second time): 120 changes, seqs 1..=120 after compaction.
    assert!(seqs.windows(2).all(|w| w[0] < w[1]));
    assert_eq!(*seqs.last().unwrap(), 120);
}
