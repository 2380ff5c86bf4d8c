//! `linli sync URL DIR` `[API-021]`: a node mirrored into a dataset folder, incrementally.

#![allow(missing_docs, clippy::unwrap_used)]

mod common;

use common::{TestNode, call, example_lines, load_examples};

fn lines_of(dir: &std::path::Path, file: &str) -> Vec<String> {
    std::fs::read_to_string(dir.join(file)).map(|t| t.lines().map(str::to_owned).collect()).unwrap_or_default()
}

fn sync_mirrors_the_node_and_later_runs_fetch_only_the_changes(n: TestNode) {
    load_examples(&n);
    let out = tempfile::tempdir().unwrap();
    let dir = out.path().join("mirror");
    let first = linli_node::sync::sync(&n.base, "civil", Some("sync test"), &dir).unwrap();
    assert_eq!(first.changes, 120);
    assert_eq!(first.records, 120);
    assert_eq!(lines_of(&dir, "person.ndjson").len(), 36);
    // The mirror is a Linli dataset at the reader's level, and it validates.
    let manifest: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("manifest.json")).unwrap()).unwrap();
    assert_eq!(manifest["sharingLevel"], "inter-department");
    let report = linli_validate::validate_paths(
        std::slice::from_ref(&dir),
        &linli_validate::Validator::new().unwrap(),
        &linli_validate::Options { dataset_checks: true, ..Default::default() },
    )
    .unwrap();
    assert_eq!(report.records, 120);
    assert!(report.valid, "{}", report.to_json().unwrap());
    // Nothing new: nothing fetched.
    let idle = linli_node::sync::sync(&n.base, "civil", Some("sync test"), &dir).unwrap();
    assert_eq!(idle.changes, 0);
    assert_eq!(idle.records, 120);
    // One update, one delete, one new record: three changes, and the folder follows.
    let thing = example_lines().into_iter().find(|l| l.starts_with("{\"type\":\"Thing\"")).unwrap();
    let mut v: serde_json::Value = serde_json::from_str(&thing).unwrap();
    let id = v["id"].as_str().unwrap().to_owned();
    v["id"] = serde_json::json!("T-NEW-0001");
    let put = call(
        "PUT",
        &format!("{}/v1/records/Thing/T-NEW-0001", n.base),
        Some("clerk"),
        &[],
        Some(v.to_string().as_bytes()),
    );
    assert_eq!(put.status, 201, "{}", put.text());
    assert_eq!(call("DELETE", &format!("{}/v1/records/Thing/{id}", n.base), Some("clerk"), &[], None).status, 204);
    let second = linli_node::sync::sync(&n.base, "civil", Some("sync test"), &dir).unwrap();
    assert_eq!((second.changes, second.upserts, second.deletes), (2, 1, 1));
    assert_eq!(second.records, 120);
    let things = lines_of(&dir, "thing.ndjson");
    assert!(things.iter().any(|l| l.contains("T-NEW-0001")));
    assert!(!things.iter().any(|l| l.contains(&format!("\"id\":\"{id}\""))));
    // The audit log saw the reads with their purpose.
    let audit = n.node.store.audit(0, 1000).unwrap();
    assert!(audit.iter().any(|e| e.principal == "civil" && e.purpose.as_deref() == Some("sync test")));
}

fn sync_refuses_a_folder_that_mirrors_another_node_and_reports_node_errors(n: TestNode) {
    let out = tempfile::tempdir().unwrap();
    let dir = out.path().join("mirror");
    linli_node::sync::sync(&n.base, "public", Some("t"), &dir).unwrap();
    let e = linli_node::sync::sync("http://127.0.0.1:9", "public", Some("t"), &dir).unwrap_err();
    assert_eq!(e.code(), "sync-other-node");
    // A folder that holds files and is no mirror: refused, nothing touched.
    let full = out.path().join("full");
    std::fs::create_dir_all(&full).unwrap();
    std::fs::write(full.join("place.ndjson"), "keep me\n").unwrap();
    let e = linli_node::sync::sync(&n.base, "public", Some("t"), &full).unwrap_err();
    assert_eq!(e.code(), "sync-folder-not-empty");
    assert_eq!(std::fs::read_to_string(full.join("place.ndjson")).unwrap(), "keep me\n");
    let other = out.path().join("other");
    let e = linli_node::sync::sync(&n.base, "wrong-token", Some("t"), &other).unwrap_err();
    assert_eq!(e.code(), "sync-node-error");
    assert!(e.message(false).contains("api-unauthenticated"), "{}", e.message(false));
    assert!(e.message(true).contains("节点出错"));
    assert!(!e.message(false).contains("wrong-token"), "the token is never printed");
}

/// An internal token needs a purpose [API-082]; a purpose in Chinese reaches the audit log.
fn sync_needs_a_purpose_at_internal_and_goes_on_past_withheld_records(n: TestNode) {
    load_examples(&n);
    let out = tempfile::tempdir().unwrap();
    let dir = out.path().join("mirror");
    let e = linli_node::sync::sync(&n.base, "clerk", None, &dir).unwrap_err();
    assert_eq!(e.code(), "sync-purpose-required");
    assert!(e.message(false).contains("--purpose") && e.message(true).contains("--purpose"));
    assert!(!dir.exists(), "nothing touched");
    // Below internal the purpose is `sync` when none is given.
    let public = linli_node::sync::sync(&n.base, "public", None, &dir).unwrap();
    assert_eq!((public.records, public.withheld), (120, 0));
    let audit = n.node.store.audit(0, 1000).unwrap();
    assert!(audit.iter().any(|e| e.principal == "public" && e.purpose.as_deref() == Some("sync")));
    // With a purpose, internal mirrors everything.
    let internal = out.path().join("internal");
    let all = linli_node::sync::sync(&n.base, "clerk", Some("核查 copy"), &internal).unwrap();
    assert_eq!((all.records, all.withheld), (120, 0));
    let audit = n.node.store.audit(0, 1000).unwrap();
    assert!(audit.iter().any(|e| e.principal == "clerk" && e.purpose.as_deref() == Some("核查 copy")));
}

/// A folder mirrored at one level is never synced on with a token of another: it would hold raw
/// records under a public manifest [API-021]. A URL with a password is refused before anything.
fn sync_never_relabels_a_mirror_at_another_level(n: TestNode) {
    load_examples(&n);
    let out = tempfile::tempdir().unwrap();
    let dir = out.path().join("mirror");
    linli_node::sync::sync(&n.base, "clerk", Some("核查"), &dir).unwrap();
    let persons = std::fs::read_to_string(dir.join("person.ndjson")).unwrap();
    let manifest = std::fs::read_to_string(dir.join("manifest.json")).unwrap();
    for token in ["public", "civil"] {
        let e = linli_node::sync::sync(&n.base, token, Some("t"), &dir).unwrap_err();
        assert_eq!(e.code(), "sync-level-changed", "{}", e.message(false));
        assert!(e.message(false).contains("internal") && e.message(true).contains("另一个目录"), "{}", e.message(true));
    }
    // A cursor file of an earlier version, without the level: the manifest says it.
    let state_path = dir.join(".linli-sync.json");
    let mut state: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&state_path).unwrap()).unwrap();
    assert_eq!(state["level"], "internal");
    state.as_object_mut().unwrap().remove("level");
    std::fs::write(&state_path, state.to_string()).unwrap();
    let e = linli_node::sync::sync(&n.base, "public", Some("t"), &dir).unwrap_err();
    assert_eq!(e.code(), "sync-level-changed");
    assert_eq!(std::fs::read_to_string(dir.join("person.ndjson")).unwrap(), persons, "nothing touched");
    assert_eq!(std::fs::read_to_string(dir.join("manifest.json")).unwrap(), manifest, "nothing relabelled");
    // The same level goes on.
    assert_eq!(linli_node::sync::sync(&n.base, "clerk", Some("核查"), &dir).unwrap().changes, 0);
    // user:password@ in the URL would be kept in the cursor file.
    let with_password = n.base.replacen("http://", "http://someone:secret@", 1);
    let fresh = out.path().join("fresh");
    let e = linli_node::sync::sync(&with_password, "public", Some("t"), &fresh).unwrap_err();
    assert_eq!(e.code(), "sync-url-credentials");
    assert!(!e.message(false).contains("secret") && !e.message(true).contains("secret"));
    assert!(!fresh.exists(), "nothing made");
    // Spellings a URL parser still reads as user and password (second attack review).
    for odd in ["http:///someone:secret@127.0.0.1:9", "http:/\\someone:secret@127.0.0.1:9"] {
        let e = linli_node::sync::sync(odd, "public", Some("t"), &fresh).unwrap_err();
        assert_eq!(e.code(), "sync-url-credentials", "{odd}");
        assert!(!e.message(false).contains("secret"), "{odd}");
    }
}

mod sqlite {
    #[test]
    fn sync_never_relabels_a_mirror_at_another_level() {
        super::sync_never_relabels_a_mirror_at_another_level(crate::common::start());
    }
    #[test]
    fn sync_needs_a_purpose_at_internal_and_goes_on_past_withheld_records() {
        super::sync_needs_a_purpose_at_internal_and_goes_on_past_withheld_records(crate::common::start());
    }
    #[test]
    fn sync_mirrors_the_node_and_later_runs_fetch_only_the_changes() {
        super::sync_mirrors_the_node_and_later_runs_fetch_only_the_changes(crate::common::start());
    }
    #[test]
    fn sync_refuses_a_folder_that_mirrors_another_node_and_reports_node_errors() {
        super::sync_refuses_a_folder_that_mirrors_another_node_and_reports_node_errors(crate::common::start());
    }
}

mod postgres {
    #[test]
    fn sync_never_relabels_a_mirror_at_another_level() {
        if let Some(n) = crate::common::start_postgres() {
            super::sync_never_relabels_a_mirror_at_another_level(n);
        }
    }
    #[test]
    fn sync_needs_a_purpose_at_internal_and_goes_on_past_withheld_records() {
        if let Some(n) = crate::common::start_postgres() {
            super::sync_needs_a_purpose_at_internal_and_goes_on_past_withheld_records(n);
        }
    }
    #[test]
    fn sync_mirrors_the_node_and_later_runs_fetch_only_the_changes() {
        if let Some(n) = crate::common::start_postgres() {
            super::sync_mirrors_the_node_and_later_runs_fetch_only_the_changes(n);
        }
    }
    #[test]
    fn sync_refuses_a_folder_that_mirrors_another_node_and_reports_node_errors() {
        if let Some(n) = crate::common::start_postgres() {
            super::sync_refuses_a_folder_that_mirrors_another_node_and_reports_node_errors(n);
        }
    }
}

/// A node (a stand-in: the client's side is under test) whose feed carries a withheld change
/// [API-034]: the sync counts it, leaves it out of the folder, removes the copy an earlier run
/// wrote, and goes on to the changes after it [API-082].
#[test]
fn sync_goes_on_past_a_withheld_change_and_drops_the_older_copy() {
    use axum::routing::get;
    let thing = example_lines().into_iter().find(|l| l.starts_with("{\"type\":\"Thing\"")).unwrap();
    let v: serde_json::Value = serde_json::from_str(&thing).unwrap();
    let id = v["id"].as_str().unwrap().to_owned();
    let mut other = v.clone();
    other["id"] = serde_json::json!("T-OTHER");
    let upsert = |seq: u64, id: &str, rec: &serde_json::Value| {
        serde_json::json!({"seq": seq.to_string(), "op": "upsert", "type": "Thing", "id": id, "etag": "e",
            "updatedAt": "2026-01-01T00:00:00Z", "record": rec})
    };
    // Two feeds in turn: the record, then (after its change) withheld, followed by another record.
    let first = serde_json::json!({"changes": [upsert(1, &id, &v)], "next": "f1.1"});
    let second = serde_json::json!({"changes": [
        {"seq": "2", "op": "upsert", "type": "Thing", "id": id, "etag": "e2", "updatedAt": "2026-01-01T00:00:00Z",
         "withheld": "shared-raw-value"},
        upsert(3, "T-OTHER", &other)], "next": "f1.3"});
    // The second feed only once the first run is over.
    let later = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let flag = std::sync::Arc::clone(&later);
    let app = axum::Router::new()
        .route(
            "/v1/status",
            get(|| async {
                axum::Json(serde_json::json!({"principal": "p", "readLevel": "public", "counts": {}, "feed": "f1.3",
                    "storage": "sqlite", "version": "0"}))
            }),
        )
        .route(
            "/v1/changes",
            get(move |q: axum::extract::Query<std::collections::HashMap<String, String>>| {
                let (first, second) = (first.clone(), second.clone());
                let later = flag.load(std::sync::atomic::Ordering::SeqCst);
                async move {
                    axum::Json(match q.get("since").map(String::as_str) {
                        None => first,
                        Some("f1.1") if later => second,
                        Some(c) => serde_json::json!({"changes": [], "next": c}),
                    })
                }
            }),
        );
    let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(1).enable_all().build().unwrap();
    let listener = rt.block_on(tokio::net::TcpListener::bind("127.0.0.1:0")).unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    rt.spawn(async move { axum::serve(listener, app).await });
    let out = tempfile::tempdir().unwrap();
    let dir = out.path().join("mirror");
    let a = linli_node::sync::sync(&base, "t", None, &dir).unwrap();
    assert_eq!((a.records, a.withheld), (1, 0));
    assert!(lines_of(&dir, "thing.ndjson")[0].contains(&id));
    later.store(true, std::sync::atomic::Ordering::SeqCst);
    let b = linli_node::sync::sync(&base, "t", None, &dir).unwrap();
    assert_eq!((b.changes, b.upserts, b.withheld, b.records), (2, 2, 1, 1), "{b:?}");
    let things = lines_of(&dir, "thing.ndjson");
    assert_eq!(things.len(), 1);
    assert!(things[0].contains("T-OTHER") && !things[0].contains(&format!("\"{id}\"")), "{things:?}");
    assert!(std::fs::read_to_string(dir.join(".linli-sync.json")).unwrap().contains("f1.3"));
}
