//! The embedded store: SQLite (its bundled copy) in write-ahead-log mode, one writer connection
//! and a few reader connections. `synchronous = NORMAL`: a write acknowledged survives the
//! node's process being killed (the log is in the operating system's hands at commit); a
//! power cut may lose the last writes, as the spec allows for the embedded store `[API-050]`.

use std::path::Path;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use linli_model::RecordType;
use rusqlite::{Connection, OptionalExtension, params};

use super::{
    AuditEntry, Decision, DeleteOutcome, ListQuery, NewRecord, Precondition, PutOutcome, SCHEMA_VERSION, Store,
    StoreError, StoredRecord, decide, guard_allows, owner_of, type_code, type_of,
};

/// The migrations, in order; the store's `user_version` says how many have run.
const MIGRATIONS: &[&str] = &[
    // 1: records with tombstones, places, audit.
    "CREATE TABLE record (
        type TEXT NOT NULL,
        id TEXT NOT NULL,
        body TEXT,
        etag TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        seq INTEGER NOT NULL UNIQUE,
        PRIMARY KEY (type, id)
    ) WITHOUT ROWID;
    CREATE TABLE record_place (
        type TEXT NOT NULL,
        id TEXT NOT NULL,
        place TEXT NOT NULL,
        PRIMARY KEY (place, type, id)
    ) WITHOUT ROWID;
    CREATE TABLE feed_head (one INTEGER PRIMARY KEY CHECK (one = 1), seq INTEGER NOT NULL);
    INSERT INTO feed_head VALUES (1, 0);
    CREATE TABLE audit (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        entry TEXT NOT NULL
    );
    CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
    CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;",
    // 2: each row keeps its owning vendor, tombstones too [API-002]. Tombstones written before
    // this migration have no body to take it from: their owner stays unknown.
    "ALTER TABLE record ADD COLUMN owner TEXT;
    UPDATE record SET owner = json_extract(body, '$.meta.source.vendor')
        WHERE body IS NOT NULL AND json_valid(body) AND json_type(body, '$.meta.source.vendor') = 'text';",
];

/// The embedded store.
pub struct SqliteStore {
    writer: Mutex<Connection>,
    readers: Vec<Mutex<Connection>>,
    next: AtomicUsize,
}

impl std::fmt::Debug for SqliteStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SqliteStore").field("readers", &self.readers.len()).finish_non_exhaustive()
    }
}

fn e(err: rusqlite::Error) -> StoreError {
    StoreError::sqlite(err)
}

fn open(path: &Path) -> Result<Connection, StoreError> {
    let c = Connection::open(path).map_err(e)?;
    c.busy_timeout(std::time::Duration::from_secs(30)).map_err(e)?;
    c.pragma_update(None, "journal_mode", "WAL").map_err(e)?;
    c.pragma_update(None, "synchronous", "NORMAL").map_err(e)?;
    c.pragma_update(None, "foreign_keys", "ON").map_err(e)?;
    Ok(c)
}

impl SqliteStore {
    /// Open (or create) the store in `dir` (file `linli.db`), bringing its layout up to date.
    pub fn open(dir: &Path) -> Result<Self, StoreError> {
        crate::create_private_dir(dir).map_err(|err| StoreError::sqlite(format!("{}: {err}", dir.display())))?;
        let path = dir.join("linli.db");
        // A new store file is made owner-only before SQLite opens it; SQLite gives its
        // write-ahead log and shared-memory files the mode of the database file [API-073].
        if !path.exists() {
            match crate::write_private(&path, b"") {
                Ok(()) => {}
                Err(err) if err.kind() == std::io::ErrorKind::AlreadyExists => {}
                Err(err) => return Err(StoreError::sqlite(format!("{}: {err}", path.display()))),
            }
        }
        let mut w = open(&path)?;
        migrate(&mut w)?;
        let readers = (0..4).map(|_| open(&path).map(Mutex::new)).collect::<Result<Vec<_>, _>>()?;
        Ok(SqliteStore { writer: Mutex::new(w), readers, next: AtomicUsize::new(0) })
    }

    fn reader(&self) -> std::sync::MutexGuard<'_, Connection> {
        // Try each reader once without waiting, then wait on one in turn.
        let n = self.readers.len();
        let start = self.next.fetch_add(1, Ordering::Relaxed);
        for i in 0..n {
            if let Ok(g) = self.readers[(start + i) % n].try_lock() {
                return g;
            }
        }
        self.readers[start % n].lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    fn writer(&self) -> std::sync::MutexGuard<'_, Connection> {
        self.writer.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

fn migrate(c: &mut Connection) -> Result<(), StoreError> {
    let have: i64 = c.pragma_query_value(None, "user_version", |r| r.get(0)).map_err(e)?;
    if have > SCHEMA_VERSION {
        return Err(StoreError::sqlite(format!(
            "the store's layout is version {have}, newer than this node's {SCHEMA_VERSION}: use a newer linli"
        )));
    }
    for (i, sql) in MIGRATIONS.iter().enumerate().skip(usize::try_from(have).unwrap_or(0)) {
        let tx = c.transaction().map_err(e)?;
        tx.execute_batch(sql).map_err(e)?;
        tx.pragma_update(None, "user_version", i64::try_from(i + 1).unwrap_or(i64::MAX)).map_err(e)?;
        tx.commit().map_err(e)?;
    }
    Ok(())
}

fn now() -> String {
    crate::clock::now_utc()
}

fn row(r: &rusqlite::Row<'_>) -> rusqlite::Result<(String, String, Option<String>, String, String, i64)> {
    Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?))
}

fn stored(t: (String, String, Option<String>, String, String, i64)) -> Result<StoredRecord, StoreError> {
    Ok(StoredRecord {
        record_type: type_of(&t.0, "sqlite")?,
        id: t.1,
        body: t.2,
        etag: t.3,
        updated_at: t.4,
        seq: u64::try_from(t.5).unwrap_or(0),
    })
}

fn seq_i(seq: u64) -> i64 {
    i64::try_from(seq).unwrap_or(i64::MAX)
}

impl Store for SqliteStore {
    fn put_many_as(
        &self,
        records: &[(NewRecord, Precondition)],
        guard: Option<&str>,
    ) -> Result<Vec<PutOutcome>, StoreError> {
        let mut c = self.writer();
        let tx = c.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate).map_err(e)?;
        let mut out = Vec::with_capacity(records.len());
        let at = now();
        for (r, pre) in records {
            let ty = type_code(r.record_type);
            let existing: Option<(String, bool, Option<String>)> = tx
                .query_row(
                    "SELECT etag, body IS NULL, owner FROM record WHERE type = ?1 AND id = ?2",
                    params![ty, r.id],
                    |x| Ok((x.get(0)?, x.get(1)?, x.get(2)?)),
                )
                .optional()
                .map_err(e)?;
            // Under the writer's lock, in the write's transaction [API-002].
            if !guard_allows(guard, existing.as_ref().and_then(|x| x.2.as_deref())) {
                out.push(PutOutcome::Forbidden);
                continue;
            }
            let d = decide(existing.as_ref().map(|(t, d, _)| (t.as_str(), *d)), &r.etag, pre);
            if matches!(d, Decision::Fail | Decision::Unchanged) {
                out.push(if d == Decision::Fail { PutOutcome::PreconditionFailed } else { PutOutcome::Unchanged });
                continue;
            }
            let seq: i64 =
                tx.query_row("UPDATE feed_head SET seq = seq + 1 RETURNING seq", [], |x| x.get(0)).map_err(e)?;
            tx.execute(
                "INSERT INTO record (type, id, body, etag, updated_at, seq, owner) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
                 ON CONFLICT (type, id) DO UPDATE SET body = excluded.body, etag = excluded.etag,
                 updated_at = excluded.updated_at, seq = excluded.seq, owner = excluded.owner",
                params![ty, r.id, r.body, r.etag, at, seq, owner_of(&r.body)],
            )
            .map_err(e)?;
            tx.execute("DELETE FROM record_place WHERE type = ?1 AND id = ?2", params![ty, r.id]).map_err(e)?;
            for p in &r.places {
                tx.execute(
                    "INSERT OR IGNORE INTO record_place (type, id, place) VALUES (?1, ?2, ?3)",
                    params![ty, r.id, p],
                )
                .map_err(e)?;
            }
            let seq = u64::try_from(seq).unwrap_or(0);
            out.push(if d == Decision::Create { PutOutcome::Created { seq } } else { PutOutcome::Updated { seq } });
        }
        tx.commit().map_err(e)?;
        Ok(out)
    }

    fn owner(&self, ty: RecordType, id: &str) -> Result<Option<String>, StoreError> {
        let c = self.reader();
        let o: Option<Option<String>> = c
            .query_row("SELECT owner FROM record WHERE type = ?1 AND id = ?2", params![type_code(ty), id], |x| x.get(0))
            .optional()
            .map_err(e)?;
        Ok(o.flatten())
    }

    fn get(&self, ty: RecordType, id: &str) -> Result<Option<StoredRecord>, StoreError> {
        let c = self.reader();
        let r = c
            .query_row(
                "SELECT type, id, body, etag, updated_at, seq FROM record WHERE type = ?1 AND id = ?2",
                params![type_code(ty), id],
                row,
            )
            .optional()
            .map_err(e)?;
        r.map(stored).transpose()
    }

    fn delete_as(
        &self,
        ty: RecordType,
        id: &str,
        pre: &Precondition,
        guard: Option<&str>,
    ) -> Result<DeleteOutcome, StoreError> {
        let mut c = self.writer();
        let tx = c.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate).map_err(e)?;
        let live: Option<(String, Option<String>)> = tx
            .query_row(
                "SELECT etag, owner FROM record WHERE type = ?1 AND id = ?2 AND body IS NOT NULL",
                params![type_code(ty), id],
                |x| Ok((x.get(0)?, x.get(1)?)),
            )
            .optional()
            .map_err(e)?;
        let Some((etag, owner)) = live else {
            return Ok(if matches!(pre, Precondition::IfMatch(_) | Precondition::IfMatchAny) {
                DeleteOutcome::PreconditionFailed
            } else {
                DeleteOutcome::NotFound
            });
        };
        if !guard_allows(guard, owner.as_deref()) {
            return Ok(DeleteOutcome::Forbidden);
        }
        if let Precondition::IfMatch(want) = pre {
            if *want != etag {
                return Ok(DeleteOutcome::PreconditionFailed);
            }
        }
        let seq: i64 = tx.query_row("UPDATE feed_head SET seq = seq + 1 RETURNING seq", [], |x| x.get(0)).map_err(e)?;
        tx.execute(
            "UPDATE record SET body = NULL, etag = '', updated_at = ?3, seq = ?4 WHERE type = ?1 AND id = ?2",
            params![type_code(ty), id, now(), seq],
        )
        .map_err(e)?;
        tx.execute("DELETE FROM record_place WHERE type = ?1 AND id = ?2", params![type_code(ty), id]).map_err(e)?;
        tx.commit().map_err(e)?;
        Ok(DeleteOutcome::Deleted { seq: u64::try_from(seq).unwrap_or(0) })
    }

    fn list(&self, q: &ListQuery) -> Result<Vec<StoredRecord>, StoreError> {
        let c = self.reader();
        let mut sql = String::from("SELECT r.type, r.id, r.body, r.etag, r.updated_at, r.seq FROM record r");
        let mut args: Vec<Box<dyn rusqlite::ToSql>> = Vec::new();
        let mut conds = vec!["r.body IS NOT NULL".to_owned()];
        if let Some(p) = &q.place {
            sql.push_str(" JOIN record_place p ON p.type = r.type AND p.id = r.id");
            args.push(Box::new(p.clone()));
            conds.push(format!("p.place = ?{}", args.len()));
        }
        if let Some(t) = q.record_type {
            args.push(Box::new(type_code(t)));
            conds.push(format!("r.type = ?{}", args.len()));
        }
        if let Some(s) = &q.updated_since {
            args.push(Box::new(s.clone()));
            conds.push(format!("r.updated_at >= ?{}", args.len()));
        }
        if let Some((t, id)) = &q.after {
            args.push(Box::new(type_code(*t)));
            let a = args.len();
            args.push(Box::new(id.clone()));
            conds.push(format!("(r.type > ?{a} OR (r.type = ?{a} AND r.id > ?{}))", args.len()));
        }
        args.push(Box::new(i64::try_from(q.limit).unwrap_or(i64::MAX)));
        sql.push_str(&format!(" WHERE {} ORDER BY r.type, r.id LIMIT ?{}", conds.join(" AND "), args.len()));
        let mut st = c.prepare_cached(&sql).map_err(e)?;
        let rows = st
            .query_map(rusqlite::params_from_iter(args.iter().map(|b| b.as_ref())), row)
            .map_err(e)?
            .collect::<Result<Vec<_>, _>>()
            .map_err(e)?;
        rows.into_iter().map(stored).collect()
    }

    fn changes(&self, since: u64, limit: usize) -> Result<Vec<StoredRecord>, StoreError> {
        let c = self.reader();
        let mut st = c
            .prepare_cached(
                "SELECT type, id, body, etag, updated_at, seq FROM record WHERE seq > ?1 ORDER BY seq LIMIT ?2",
            )
            .map_err(e)?;
        let rows = st
            .query_map(params![seq_i(since), i64::try_from(limit).unwrap_or(i64::MAX)], row)
            .map_err(e)?
            .collect::<Result<Vec<_>, _>>()
            .map_err(e)?;
        rows.into_iter().map(stored).collect()
    }

    fn head(&self) -> Result<u64, StoreError> {
        let c = self.reader();
        let s: i64 = c.query_row("SELECT seq FROM feed_head", [], |x| x.get(0)).map_err(e)?;
        Ok(u64::try_from(s).unwrap_or(0))
    }

    fn counts(&self) -> Result<Vec<(RecordType, u64)>, StoreError> {
        let c = self.reader();
        let mut st = c
            .prepare_cached("SELECT type, count(*) FROM record WHERE body IS NOT NULL GROUP BY type ORDER BY type")
            .map_err(e)?;
        let rows = st
            .query_map([], |x| Ok((x.get::<_, String>(0)?, x.get::<_, i64>(1)?)))
            .map_err(e)?
            .collect::<Result<Vec<_>, _>>()
            .map_err(e)?;
        rows.into_iter().map(|(t, n)| Ok((type_of(&t, "sqlite")?, u64::try_from(n).unwrap_or(0)))).collect()
    }

    fn append_audit(&self, entry: &AuditEntry) -> Result<u64, StoreError> {
        let text = serde_json::to_string(entry).map_err(StoreError::sqlite)?;
        let c = self.writer();
        c.execute("INSERT INTO audit (entry) VALUES (?1)", params![text]).map_err(e)?;
        Ok(u64::try_from(c.last_insert_rowid()).unwrap_or(0))
    }

    fn audit(&self, after: u64, limit: usize) -> Result<Vec<AuditEntry>, StoreError> {
        let c = self.reader();
        let mut st =
            c.prepare_cached("SELECT seq, entry FROM audit WHERE seq > ?1 ORDER BY seq LIMIT ?2").map_err(e)?;
        let rows = st
            .query_map(params![seq_i(after), i64::try_from(limit).unwrap_or(i64::MAX)], |x| {
                Ok((x.get::<_, i64>(0)?, x.get::<_, String>(1)?))
            })
            .map_err(e)?
            .collect::<Result<Vec<_>, _>>()
            .map_err(e)?;
        rows.into_iter()
            .map(|(seq, text)| {
                let mut a: AuditEntry = serde_json::from_str(&text).map_err(StoreError::sqlite)?;
                a.seq = u64::try_from(seq).unwrap_or(0);
                Ok(a)
            })
            .collect()
    }
}
