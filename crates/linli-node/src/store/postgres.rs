//! The PostgreSQL store, for deployments that outgrow one machine: several nodes behind a load
//! balancer on one database `[API-051]`. Writes take the next change number by updating the one
//! row of `feed_head` inside their transaction: the row's lock orders the writers of every node,
//! so a change commits only after every change before it `[API-020]`.

use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use linli_model::RecordType;
use postgres::{Client, NoTls};

use super::{
    AuditEntry, Decision, DeleteOutcome, ListQuery, NewRecord, Precondition, PutOutcome, SCHEMA_VERSION, Store,
    StoreError, StoredRecord, decide, guard_allows, owner_of, type_code, type_of,
};

/// The migrations, in order; `linli_schema_version` says how many have run.
const MIGRATIONS: &[&str] = &[
    // 1: records with tombstones, places, audit.
    "CREATE TABLE record (
        type TEXT COLLATE \"C\" NOT NULL,
        id TEXT COLLATE \"C\" NOT NULL,
        body TEXT,
        etag TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        seq BIGINT NOT NULL UNIQUE,
        PRIMARY KEY (type, id)
    );
    CREATE TABLE record_place (
        type TEXT NOT NULL,
        id TEXT NOT NULL,
        place TEXT NOT NULL,
        PRIMARY KEY (place, type, id)
    );
    CREATE TABLE feed_head (one INTEGER PRIMARY KEY CHECK (one = 1), seq BIGINT NOT NULL);
    INSERT INTO feed_head VALUES (1, 0);
    CREATE TABLE audit (seq BIGSERIAL PRIMARY KEY, entry TEXT NOT NULL);
    CREATE FUNCTION linli_audit_append_only() RETURNS trigger LANGUAGE plpgsql AS
        $$ BEGIN RAISE EXCEPTION 'the audit log is append-only'; END $$;
    CREATE TRIGGER audit_append_only BEFORE UPDATE OR DELETE ON audit
        FOR EACH ROW EXECUTE FUNCTION linli_audit_append_only();",
    // 2: each row keeps its owning vendor, tombstones too [API-002]. Tombstones written before
    // this migration have no body to take it from: their owner stays unknown.
    "ALTER TABLE record ADD COLUMN owner TEXT;
    UPDATE record SET owner = body::jsonb #>> '{meta,source,vendor}' WHERE body IS NOT NULL;",
];

/// The PostgreSQL store.
pub struct PostgresStore {
    /// To connect again (never printed: it may hold a password).
    url: String,
    clients: Vec<Mutex<Client>>,
    next: AtomicUsize,
}

impl std::fmt::Debug for PostgresStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PostgresStore").field("connections", &self.clients.len()).finish_non_exhaustive()
    }
}

fn e(err: postgres::Error) -> StoreError {
    // The server's own message (its Display alone says only "db error"); not its detail, which
    // may quote the values of a row.
    match err.as_db_error() {
        Some(db) => StoreError::postgres(format!("{} {}: {}", db.severity(), db.code().code(), db.message())),
        None => StoreError::postgres(err),
    }
}

/// Begin a write: take the feed counter's row lock first. Every writer (of every node on the
/// database) then runs one at a time, so that
/// - what a write reads of a record is its latest committed state: two writers racing to create
///   one record with `If-None-Match: *` cannot both see it absent and both answer `201`;
/// - a batch never holds a record's row lock while waiting for the counter that another batch
///   holds while waiting for that record (a deadlock, which failed one of them);
/// - changes commit in the order of their `seq` `[API-020]`.
fn lock_feed(tx: &mut postgres::Transaction<'_>) -> Result<(), StoreError> {
    tx.execute("SELECT seq FROM feed_head WHERE one = 1 FOR UPDATE", &[]).map_err(e)?;
    Ok(())
}

impl PostgresStore {
    /// Connect to `url` (`postgres://user@host/db`) with `connections` connections, bringing the
    /// layout up to date. The URL's password, if any, is never printed.
    pub fn connect(url: &str, connections: usize) -> Result<Self, StoreError> {
        let mut first = Client::connect(url, NoTls).map_err(e)?;
        migrate(&mut first)?;
        let mut clients = vec![Mutex::new(first)];
        for _ in 1..connections.max(2) {
            clients.push(Mutex::new(Client::connect(url, NoTls).map_err(e)?));
        }
        Ok(PostgresStore { url: url.to_owned(), clients, next: AtomicUsize::new(0) })
    }

    /// A connection of the pool. One the server has closed (a restart of the database, a
    /// connection ended by its administrator or an idle timeout) is replaced by a new one: the
    /// call that found it closed failed, the next ones work.
    fn client(&self) -> Result<std::sync::MutexGuard<'_, Client>, StoreError> {
        let n = self.clients.len();
        let start = self.next.fetch_add(1, Ordering::Relaxed);
        let mut g = (0..n)
            .find_map(|i| self.clients[(start + i) % n].try_lock().ok())
            .unwrap_or_else(|| self.clients[start % n].lock().unwrap_or_else(std::sync::PoisonError::into_inner));
        if g.is_closed() {
            *g = Client::connect(&self.url, NoTls).map_err(e)?;
        }
        Ok(g)
    }
}

fn migrate(c: &mut Client) -> Result<(), StoreError> {
    let mut tx = c.transaction().map_err(e)?;
    // One node migrates at a time.
    tx.execute("SELECT pg_advisory_xact_lock(7261616)", &[]).map_err(e)?;
    tx.batch_execute("CREATE TABLE IF NOT EXISTS linli_schema_version (version BIGINT NOT NULL)").map_err(e)?;
    let have: i64 = match tx.query_opt("SELECT version FROM linli_schema_version", &[]).map_err(e)? {
        Some(r) => r.get(0),
        None => {
            tx.execute("INSERT INTO linli_schema_version VALUES (0)", &[]).map_err(e)?;
            0
        }
    };
    if have > SCHEMA_VERSION {
        return Err(StoreError::postgres(format!(
            "the store's layout is version {have}, newer than this node's {SCHEMA_VERSION}: use a newer linli"
        )));
    }
    for (i, sql) in MIGRATIONS.iter().enumerate().skip(usize::try_from(have).unwrap_or(0)) {
        tx.batch_execute(sql).map_err(e)?;
        let v = i64::try_from(i + 1).unwrap_or(i64::MAX);
        tx.execute("UPDATE linli_schema_version SET version = $1", &[&v]).map_err(e)?;
    }
    tx.commit().map_err(e)
}

fn stored(r: &postgres::Row) -> Result<StoredRecord, StoreError> {
    let t: String = r.get(0);
    let seq: i64 = r.get(5);
    Ok(StoredRecord {
        record_type: type_of(&t, "postgres")?,
        id: r.get(1),
        body: r.get(2),
        etag: r.get(3),
        updated_at: r.get(4),
        seq: u64::try_from(seq).unwrap_or(0),
    })
}

fn i(n: u64) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

fn u(n: i64) -> u64 {
    u64::try_from(n).unwrap_or(0)
}

impl Store for PostgresStore {
    fn put_many_as(
        &self,
        records: &[(NewRecord, Precondition)],
        guard: Option<&str>,
    ) -> Result<Vec<PutOutcome>, StoreError> {
        let mut c = self.client()?;
        let mut tx = c.transaction().map_err(e)?;
        lock_feed(&mut tx)?;
        let mut out = Vec::with_capacity(records.len());
        let at = crate::clock::now_utc();
        for (r, pre) in records {
            let ty = type_code(r.record_type);
            // Writers are ordered by the feed counter's lock, taken above.
            let existing = tx
                .query_opt(
                    "SELECT etag, body IS NULL, owner FROM record WHERE type = $1 AND id = $2 FOR UPDATE",
                    &[&ty, &r.id],
                )
                .map_err(e)?
                .map(|x| (x.get::<_, String>(0), x.get::<_, bool>(1), x.get::<_, Option<String>>(2)));
            // Under the feed lock, in the write's transaction [API-002].
            if !guard_allows(guard, existing.as_ref().and_then(|x| x.2.as_deref())) {
                out.push(PutOutcome::Forbidden);
                continue;
            }
            let d = decide(existing.as_ref().map(|(t, d, _)| (t.as_str(), *d)), &r.etag, pre);
            if matches!(d, Decision::Fail | Decision::Unchanged) {
                out.push(if d == Decision::Fail { PutOutcome::PreconditionFailed } else { PutOutcome::Unchanged });
                continue;
            }
            let seq: i64 = tx.query_one("UPDATE feed_head SET seq = seq + 1 RETURNING seq", &[]).map_err(e)?.get(0);
            tx.execute(
                "INSERT INTO record (type, id, body, etag, updated_at, seq, owner) VALUES ($1, $2, $3, $4, $5, $6, $7)
                 ON CONFLICT (type, id) DO UPDATE SET body = excluded.body, etag = excluded.etag,
                 updated_at = excluded.updated_at, seq = excluded.seq, owner = excluded.owner",
                &[&ty, &r.id, &r.body, &r.etag, &at, &seq, &owner_of(&r.body)],
            )
            .map_err(e)?;
            tx.execute("DELETE FROM record_place WHERE type = $1 AND id = $2", &[&ty, &r.id]).map_err(e)?;
            for p in &r.places {
                tx.execute(
                    "INSERT INTO record_place (type, id, place) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
                    &[&ty, &r.id, p],
                )
                .map_err(e)?;
            }
            out.push(if d == Decision::Create {
                PutOutcome::Created { seq: u(seq) }
            } else {
                PutOutcome::Updated { seq: u(seq) }
            });
        }
        tx.commit().map_err(e)?;
        Ok(out)
    }

    fn owner(&self, ty: RecordType, id: &str) -> Result<Option<String>, StoreError> {
        let mut c = self.client()?;
        let r =
            c.query_opt("SELECT owner FROM record WHERE type = $1 AND id = $2", &[&type_code(ty), &id]).map_err(e)?;
        Ok(r.and_then(|r| r.get::<_, Option<String>>(0)))
    }

    fn get(&self, ty: RecordType, id: &str) -> Result<Option<StoredRecord>, StoreError> {
        let mut c = self.client()?;
        let r = c
            .query_opt(
                "SELECT type, id, body, etag, updated_at, seq FROM record WHERE type = $1 AND id = $2",
                &[&type_code(ty), &id],
            )
            .map_err(e)?;
        r.as_ref().map(stored).transpose()
    }

    fn delete_as(
        &self,
        ty: RecordType,
        id: &str,
        pre: &Precondition,
        guard: Option<&str>,
    ) -> Result<DeleteOutcome, StoreError> {
        let mut c = self.client()?;
        let mut tx = c.transaction().map_err(e)?;
        lock_feed(&mut tx)?;
        let t = type_code(ty);
        let live: Option<(String, Option<String>)> = tx
            .query_opt(
                "SELECT etag, owner FROM record WHERE type = $1 AND id = $2 AND body IS NOT NULL FOR UPDATE",
                &[&t, &id],
            )
            .map_err(e)?
            .map(|r| (r.get(0), r.get(1)));
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
        let seq: i64 = tx.query_one("UPDATE feed_head SET seq = seq + 1 RETURNING seq", &[]).map_err(e)?.get(0);
        tx.execute(
            "UPDATE record SET body = NULL, etag = '', updated_at = $3, seq = $4 WHERE type = $1 AND id = $2",
            &[&t, &id, &crate::clock::now_utc(), &seq],
        )
        .map_err(e)?;
        tx.execute("DELETE FROM record_place WHERE type = $1 AND id = $2", &[&t, &id]).map_err(e)?;
        tx.commit().map_err(e)?;
        Ok(DeleteOutcome::Deleted { seq: u(seq) })
    }

    fn list(&self, q: &ListQuery) -> Result<Vec<StoredRecord>, StoreError> {
        let mut c = self.client()?;
        let mut sql = String::from("SELECT r.type, r.id, r.body, r.etag, r.updated_at, r.seq FROM record r");
        let mut args: Vec<Box<dyn postgres::types::ToSql + Sync>> = Vec::new();
        let mut conds = vec!["r.body IS NOT NULL".to_owned()];
        if let Some(p) = &q.place {
            sql.push_str(" JOIN record_place p ON p.type = r.type AND p.id = r.id");
            args.push(Box::new(p.clone()));
            conds.push(format!("p.place = ${}", args.len()));
        }
        if let Some(t) = q.record_type {
            args.push(Box::new(type_code(t).to_owned()));
            conds.push(format!("r.type = ${}", args.len()));
        }
        if let Some(s) = &q.updated_since {
            args.push(Box::new(s.clone()));
            conds.push(format!("r.updated_at >= ${}", args.len()));
        }
        if let Some((t, id)) = &q.after {
            args.push(Box::new(type_code(*t).to_owned()));
            let a = args.len();
            args.push(Box::new(id.clone()));
            // The columns compare bytes (collation "C"), as SQLite's do: the same listing on both.
            conds.push(format!("(r.type > ${a} OR (r.type = ${a} AND r.id > ${}))", args.len()));
        }
        args.push(Box::new(i(q.limit as u64)));
        sql.push_str(&format!(" WHERE {} ORDER BY r.type, r.id LIMIT ${}", conds.join(" AND "), args.len()));
        let refs: Vec<&(dyn postgres::types::ToSql + Sync)> = args.iter().map(|b| b.as_ref()).collect();
        let rows = c.query(sql.as_str(), &refs).map_err(e)?;
        rows.iter().map(stored).collect()
    }

    fn changes(&self, since: u64, limit: usize) -> Result<Vec<StoredRecord>, StoreError> {
        let mut c = self.client()?;
        let rows = c
            .query(
                "SELECT type, id, body, etag, updated_at, seq FROM record WHERE seq > $1 ORDER BY seq LIMIT $2",
                &[&i(since), &i(limit as u64)],
            )
            .map_err(e)?;
        rows.iter().map(stored).collect()
    }

    fn head(&self) -> Result<u64, StoreError> {
        let mut c = self.client()?;
        let s: i64 = c.query_one("SELECT seq FROM feed_head", &[]).map_err(e)?.get(0);
        Ok(u(s))
    }

    fn counts(&self) -> Result<Vec<(RecordType, u64)>, StoreError> {
        let mut c = self.client()?;
        let rows = c
            .query("SELECT type, count(*) FROM record WHERE body IS NOT NULL GROUP BY type ORDER BY type", &[])
            .map_err(e)?;
        rows.iter().map(|r| Ok((type_of(&r.get::<_, String>(0), "postgres")?, u(r.get::<_, i64>(1))))).collect()
    }

    fn append_audit(&self, entry: &AuditEntry) -> Result<u64, StoreError> {
        let text = serde_json::to_string(entry).map_err(StoreError::postgres)?;
        let mut c = self.client()?;
        let seq: i64 = c.query_one("INSERT INTO audit (entry) VALUES ($1) RETURNING seq", &[&text]).map_err(e)?.get(0);
        Ok(u(seq))
    }

    fn audit(&self, after: u64, limit: usize) -> Result<Vec<AuditEntry>, StoreError> {
        let mut c = self.client()?;
        let rows = c
            .query("SELECT seq, entry FROM audit WHERE seq > $1 ORDER BY seq LIMIT $2", &[&i(after), &i(limit as u64)])
            .map_err(e)?;
        rows.iter()
            .map(|r| {
                let mut a: AuditEntry = serde_json::from_str(&r.get::<_, String>(1)).map_err(StoreError::postgres)?;
                a.seq = u(r.get::<_, i64>(0));
                Ok(a)
            })
            .collect()
    }
}
