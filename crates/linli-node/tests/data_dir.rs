//! The node's data folder: owner-only modes [API-073] and one node per folder [API-074].

#![allow(missing_docs, clippy::unwrap_used)]

/// The data folder and what holds secrets or records are readable by their owner only.
#[cfg(unix)]
#[test]
fn the_data_folder_and_its_secrets_and_store_are_owner_only() {
    use std::os::unix::fs::PermissionsExt;
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("nested/data");
    let _lock = linli_node::lock_data_dir(&dir).unwrap();
    linli_node::init_data_dir(&dir).unwrap();
    let store = linli_node::store::sqlite::SqliteStore::open(&dir).unwrap();
    // A write, so that SQLite has made its log and shared-memory files.
    let rec = linli_node::store::NewRecord {
        record_type: linli_model::RecordType::Place,
        id: "L-1".into(),
        body: "{}".into(),
        etag: "e".into(),
        places: vec![],
    };
    linli_node::store::put_one(&store, rec, linli_node::store::Precondition::None).unwrap();
    let mode = |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&dir), 0o700, "the data folder");
    assert_eq!(mode(&dir.join("tokens")), 0o700, "tokens/");
    let mut files = vec!["principals.toml", "mask.key", "linli.lock", "linli.db", "linli.db-wal", "linli.db-shm"]
        .into_iter()
        .map(|f| dir.join(f))
        .collect::<Vec<_>>();
    for t in std::fs::read_dir(dir.join("tokens")).unwrap() {
        files.push(t.unwrap().path());
    }
    assert_eq!(files.len(), 9, "three tokens");
    for f in files {
        assert_eq!(mode(&f), 0o600, "{}", f.display());
    }
}

/// A second lock on the same folder is refused while the first is held, and granted after.
#[test]
fn a_second_node_on_one_data_folder_is_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let first = linli_node::lock_data_dir(tmp.path()).unwrap();
    match linli_node::lock_data_dir(tmp.path()) {
        Err(linli_node::Error::InUse(d)) => assert_eq!(d, tmp.path()),
        other => panic!("expected InUse, got {other:?}"),
    }
    // Another folder is free.
    let other = tempfile::tempdir().unwrap();
    assert!(linli_node::lock_data_dir(other.path()).is_ok());
    drop(first);
    assert!(linli_node::lock_data_dir(tmp.path()).is_ok(), "free again once the first node ends");
}
