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
    let first = linli_node::sync::sync(&n.base, "civil", "sync test", &dir).unwrap();
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
    let idle = linli_node::sync::sync(&n.base, "civil", "sync test", &dir).unwrap();
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
    let second = linli_node::sync::sync(&n.base, "civil", "sync test", &dir).unwrap();
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
    linli_node::sync::sync(&n.base, "public", "t", &dir).unwrap();
    let e = linli_node::sync::sync("http://127.0.0.1:9", "public", "t", &dir).unwrap_err();
    assert_eq!(e.code(), "sync-other-node");
    // A folder that holds files and is no mirror: refused, nothing touched.
    let full = out.path().join("full");
    std::fs::create_dir_all(&full).unwrap();
    std::fs::write(full.join("place.ndjson"), "keep me\n").unwrap();
    let e = linli_node::sync::sync(&n.base, "public", "t", &full).unwrap_err();
    assert_eq!(e.code(), "sync-folder-not-empty");
    assert_eq!(std::fs::read_to_string(full.join("place.ndjson")).unwrap(), "keep me\n");
    let other = out.path().join("other");
    let e = linli_node::sync::sync(&n.base, "wrong-token", "t", &other).unwrap_err();
    assert_eq!(e.code(), "sync-node-error");
    assert!(e.message(false).contains("api-unauthenticated"), "{}", e.message(false));
    assert!(e.message(true).contains("节点出错"));
    assert!(!e.message(false).contains("wrong-token"), "the token is never printed");
}

mod sqlite {
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
