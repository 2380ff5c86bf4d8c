//! Each fault does what it says, seen over plain HTTP; each scenario also runs against `--fault
//! none` (the reference node), which must behave as spec chapter 31 says, so that every test
//! can fail both ways.

#![allow(clippy::unwrap_used)]

mod common;

use std::collections::BTreeSet;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use common::{Running, agent, call, example, start, try_call};
use serde_json::Value;

const ID_NUMBER: &str = "320508197806234733";
const PHONE: &str = "13962117845";
const NAME: &str = "沈建华";

fn put(n: &Running, ty: &str, id: &str, body: &Value, headers: &[(&str, &str)]) -> common::Answer {
    let url = format!("{}/v1/records/{ty}/{id}", n.base);
    call("PUT", &url, &n.clerk(), headers, Some(body.to_string().as_bytes()))
}

/// The example Person without `meta`: a schema error, so invalid [API-010].
fn invalid_person() -> Value {
    let mut p = example("person-resident.json");
    p.as_object_mut().unwrap().remove("meta");
    p
}

// ---- skip-validation [API-010]

/// (status of the PUT, code, status of reading it back).
fn write_invalid(fault: &str) -> (u16, String, u16) {
    let n = start(fault, &[]);
    let w = put(&n, "Person", "P-0002", &invalid_person(), &[]);
    let code = if w.status >= 400 { w.code() } else { String::new() };
    let r = call("GET", &format!("{}/v1/records/Person/P-0002", n.base), &n.clerk(), &[], None);
    (w.status, code, r.status)
}

#[test]
fn the_reference_node_refuses_an_invalid_record_and_stores_nothing() {
    assert_eq!(write_invalid("none"), (422, "api-invalid-record".to_owned(), 404));
}

#[test]
fn skip_validation_stores_an_invalid_record_and_answers_201() {
    assert_eq!(write_invalid("skip-validation"), (201, String::new(), 200));
}

/// The statuses of a batch's results: a valid Thing, then the invalid Person.
fn batch_statuses(fault: &str) -> Vec<(u64, u64)> {
    let n = start(fault, &[]);
    let body = format!("{}\n{}\n", example("thing-camera.json"), invalid_person());
    let a = call(
        "POST",
        &format!("{}/v1/records", n.base),
        &n.clerk(),
        &[("Content-Type", "application/x-ndjson")],
        Some(body.as_bytes()),
    );
    assert_eq!(a.status, 200, "{}", a.text());
    a.text()
        .lines()
        .map(|l| {
            let v: Value = serde_json::from_str(l).unwrap();
            (v["line"].as_u64().unwrap(), v["status"].as_u64().unwrap())
        })
        .collect()
}

#[test]
fn skip_validation_stores_invalid_batch_lines_too() {
    assert_eq!(batch_statuses("none"), vec![(1, 201), (2, 422)]);
    assert_eq!(batch_statuses("skip-validation"), vec![(1, 201), (2, 201)]);
}

// ---- leak-public [API-030]

/// What a public reader receives of the example Person: by a read, a listing and the feed.
fn public_reads(fault: &str) -> Vec<(u16, Option<String>, String)> {
    let n = start(fault, &[]);
    assert_eq!(put(&n, "Person", "P-0002", &example("person-resident.json"), &[]).status, 201);
    let p = n.public();
    let read = call("GET", &format!("{}/v1/records/Person/P-0002", n.base), &p, &[], None);
    let list = call("GET", &format!("{}/v1/records?type=Person", n.base), &p, &[], None);
    let feed = call("GET", &format!("{}/v1/changes", n.base), &p, &[], None);
    [read, list, feed].into_iter().map(|a| (a.status, a.header("x-linli-level").map(str::to_owned), a.text())).collect()
}

fn raw_values(text: &str) -> Vec<&'static str> {
    [ID_NUMBER, PHONE, NAME].into_iter().filter(|v| text.contains(v)).collect()
}

#[test]
fn the_reference_node_gives_a_public_reader_no_raw_value() {
    for (i, (status, level, text)) in public_reads("none").into_iter().enumerate() {
        assert_eq!(status, 200, "answer {i}: {text}");
        assert!(text.contains("P-0002"), "answer {i} lacks the record: {text}");
        assert_eq!(raw_values(&text), Vec::<&str>::new(), "answer {i}");
        if i == 0 {
            assert_eq!(level.as_deref(), Some("public"));
        }
    }
}

#[test]
fn leak_public_gives_a_public_reader_the_raw_record() {
    for (i, (status, level, text)) in public_reads("leak-public").into_iter().enumerate() {
        assert_eq!(status, 200, "answer {i}: {text}");
        assert_eq!(raw_values(&text), vec![ID_NUMBER, PHONE, NAME], "answer {i}");
        if i == 0 {
            // It still says it answered at level public.
            assert_eq!(level.as_deref(), Some("public"));
        }
    }
}

#[test]
fn leak_public_still_refuses_a_public_listing_by_place() {
    for fault in ["none", "leak-public"] {
        let n = start(fault, &[]);
        let a = call("GET", &format!("{}/v1/records?place=L-ROOM-1-1-302", n.base), &n.public(), &[], None);
        assert_eq!((a.status, a.code()), (403, "api-forbidden".to_owned()), "{fault}");
    }
}

// ---- ignore-if-match [API-013]

/// Statuses of: a PUT under a stale If-Match, then a DELETE under a stale If-Match.
fn stale_if_match(fault: &str) -> (u16, u16) {
    let n = start(fault, &[]);
    let thing = example("thing-camera.json");
    let first = put(&n, "Thing", "T-CAM-01", &thing, &[]);
    assert_eq!(first.status, 201);
    let etag = first.header("etag").unwrap().to_owned();
    let mut changed = thing.clone();
    changed["firmwareVersion"] = Value::from("V5.8.0");
    assert_eq!(put(&n, "Thing", "T-CAM-01", &changed, &[("If-Match", &etag)]).status, 200);
    // `etag` is now stale.
    let mut again = thing;
    again["firmwareVersion"] = Value::from("V5.9.0");
    let w = put(&n, "Thing", "T-CAM-01", &again, &[("If-Match", &etag)]);
    let d = call("DELETE", &format!("{}/v1/records/Thing/T-CAM-01", n.base), &n.clerk(), &[("If-Match", &etag)], None);
    (w.status, d.status)
}

#[test]
fn the_reference_node_refuses_stale_if_match() {
    assert_eq!(stale_if_match("none"), (412, 412));
}

#[test]
fn ignore_if_match_writes_and_deletes_under_a_stale_etag() {
    assert_eq!(stale_if_match("ignore-if-match"), (200, 204));
}

// ---- hang [API-040]

/// Whether a read of a Thing, and of a Person, is answered within 5 s.
fn answered(fault: &str) -> (bool, bool) {
    let n = start(fault, &[]);
    assert_eq!(put(&n, "Thing", "T-CAM-01", &example("thing-camera.json"), &[]).status, 201);
    assert_eq!(put(&n, "Person", "P-0002", &example("person-resident.json"), &[]).status, 201);
    let a = agent(Duration::from_secs(5));
    let thing = try_call(&a, "GET", &format!("{}/v1/records/Thing/T-CAM-01", n.base), &n.clerk(), &[], None);
    let person = try_call(&a, "GET", &format!("{}/v1/records/Person/P-0002", n.base), &n.clerk(), &[], None);
    (thing.is_ok_and(|t| t.status == 200), person.is_ok_and(|p| p.status == 200))
}

#[test]
fn the_reference_node_answers_every_read() {
    assert_eq!(answered("none"), (true, true));
}

#[test]
fn hang_never_answers_a_read_of_a_thing() {
    assert_eq!(answered("hang"), (false, true));
}

// ---- lose-feed [API-020]

/// `writers` threads each write `per` new Things at once while a reader follows the feed from
/// the start, always resuming from the `next` it received. Returns (ids written, ids the reader
/// saw, ids a fresh read of the whole feed holds afterwards).
fn follow_feed(fault: &str, writers: usize, per: usize) -> (BTreeSet<String>, BTreeSet<String>, BTreeSet<String>) {
    let n = Arc::new(start(fault, &["--feed-window-ms", "100"]));
    let done = Arc::new(AtomicBool::new(false));
    let reader = {
        let (n, done) = (Arc::clone(&n), Arc::clone(&done));
        std::thread::spawn(move || {
            let mut seen = BTreeSet::new();
            let mut next = String::from("f1.0");
            loop {
                // Read once more after the writers are done: what was acknowledged is then in.
                let last = done.load(Ordering::SeqCst);
                loop {
                    let url = format!("{}/v1/changes?since={next}&limit=1000", n.base);
                    let v = call("GET", &url, &n.clerk(), &[], None).json();
                    let changes = v["changes"].as_array().unwrap();
                    for c in changes {
                        seen.insert(c["id"].as_str().unwrap().to_owned());
                    }
                    next = v["next"].as_str().unwrap().to_owned();
                    if changes.is_empty() {
                        break;
                    }
                }
                if last {
                    return seen;
                }
            }
        })
    };
    let threads: Vec<_> = (0..writers)
        .map(|w| {
            let n = Arc::clone(&n);
            std::thread::spawn(move || {
                let mut ids = Vec::new();
                for i in 0..per {
                    let id = format!("T-W{w}-{i:02}");
                    let mut t = example("thing-camera.json");
                    t["id"] = Value::from(id.clone());
                    let a = put(&n, "Thing", &id, &t, &[]);
                    assert_eq!(a.status, 201, "{}", a.text());
                    ids.push(id);
                }
                ids
            })
        })
        .collect();
    let written: BTreeSet<String> = threads.into_iter().flat_map(|t| t.join().unwrap()).collect();
    done.store(true, Ordering::SeqCst);
    let seen = reader.join().unwrap();
    let v = call("GET", &format!("{}/v1/changes?limit=1000", n.base), &n.clerk(), &[], None).json();
    let fresh = v["changes"].as_array().unwrap().iter().map(|c| c["id"].as_str().unwrap().to_owned()).collect();
    (written, seen, fresh)
}

#[test]
fn the_reference_feed_loses_nothing_under_concurrent_writes() {
    let (written, seen, fresh) = follow_feed("none", 4, 10);
    assert_eq!(written.len(), 40);
    assert_eq!(seen, written);
    assert_eq!(fresh, written);
}

#[test]
fn lose_feed_loses_changes_under_concurrent_writes_only() {
    let (written, seen, fresh) = follow_feed("lose-feed", 4, 10);
    assert_eq!(written.len(), 40);
    // Every change is in the feed in the end: only a reader following it during the writes
    // misses some.
    assert_eq!(fresh, written);
    let lost: Vec<_> = written.difference(&seen).collect();
    assert!(!lost.is_empty(), "the reader saw all {} changes", seen.len());
    // One writer at a time: nothing lost.
    let (written, seen, fresh) = follow_feed("lose-feed", 1, 20);
    assert_eq!(written.len(), 20);
    assert_eq!(seen, written);
    assert_eq!(fresh, written);
}

#[test]
fn an_unknown_fault_is_refused_with_its_code() {
    let dir = tempfile::tempdir().unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_linli-faulty-node"))
        .args(["--fault", "teleport", "--data"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("error[faulty-unknown-fault]"), "{err}");
    assert!(err.contains("未知的故障"), "{err}");
}
