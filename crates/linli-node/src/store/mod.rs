//! Storage: one trait, [`Store`], with two back-ends, [`sqlite::SqliteStore`] (embedded, the
//! default) and [`postgres::PostgresStore`]. Both pass the same tests (`tests/store.rs`).
//!
//! A store keeps one row per record, tombstones included: the row carries the record's
//! canonical JSON, its ETag, the node time of its last change and its place in the change feed
//! (`seq`). Each write takes the next `seq` inside its own transaction, and writes are
//! serialised on that counter, so that a change becomes visible only after every change before
//! it `[API-020]`.

use linli_model::RecordType;
use linli_model::codes::CodeTable;

pub mod postgres;
pub mod sqlite;

/// The version of the storage layout; migrations bring an older store up to it.
pub const SCHEMA_VERSION: i64 = 2;

/// A record as stored.
#[derive(Clone, PartialEq, Eq)]
pub struct StoredRecord {
    /// Its type.
    pub record_type: RecordType,
    /// Its id.
    pub id: String,
    /// Its canonical JSON (members in key order, no white space); `None` for a tombstone.
    pub body: Option<String>,
    /// Its stored digest: the hex SHA-256 of `body` (empty for a tombstone). Never sent as it is:
    /// the node sends [`crate::api::etag_out`] of it, which cannot be computed without the node's
    /// key `[API-012]`.
    pub etag: String,
    /// The node's time of the last change, RFC 3339 in UTC.
    pub updated_at: String,
    /// The change's place in the feed.
    pub seq: u64,
}

impl std::fmt::Debug for StoredRecord {
    // The body holds personal data: never printed `[PRI-011]`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StoredRecord")
            .field("record_type", &self.record_type)
            .field("etag", &self.etag)
            .field("seq", &self.seq)
            .field("deleted", &self.body.is_none())
            .finish_non_exhaustive()
    }
}

/// A record to write.
#[derive(Clone)]
pub struct NewRecord {
    /// Its type.
    pub record_type: RecordType,
    /// Its id.
    pub id: String,
    /// Its canonical JSON.
    pub body: String,
    /// Its stored digest (hex SHA-256 of `body`).
    pub etag: String,
    /// The places it lies at (`/place/id`, a Person's `/residences/*/place/id`), for `?place=`.
    pub places: Vec<String>,
}

impl std::fmt::Debug for NewRecord {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NewRecord")
            .field("record_type", &self.record_type)
            .field("etag", &self.etag)
            .finish_non_exhaustive()
    }
}

/// The condition a write is made on `[API-013]`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Precondition {
    /// None.
    #[default]
    None,
    /// `If-Match`: the stored digest must be this one (the API maps the ETag it was sent back
    /// to the digest it was computed from).
    IfMatch(String),
    /// `If-Match: *`: a live record must be stored `[API-077]`.
    IfMatchAny,
    /// `If-None-Match: *`: the record must not exist.
    IfNoneMatchAny,
}

/// What a write did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PutOutcome {
    /// A new record (or one that was deleted): `201`.
    Created {
        /// The new change's place in the feed.
        seq: u64,
    },
    /// A changed record: `200`.
    Updated {
        /// The new change's place in the feed.
        seq: u64,
    },
    /// The same record again: `200`, no change `[API-012]`.
    Unchanged,
    /// The precondition failed: `412`, nothing stored.
    PreconditionFailed,
    /// The stored record (live or deleted) belongs to another vendor than the write's owner
    /// guard: `403`, nothing stored `[API-002]`.
    Forbidden,
}

/// What a delete did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DeleteOutcome {
    /// Deleted: a tombstone at `seq`.
    Deleted {
        /// The tombstone's place in the feed.
        seq: u64,
    },
    /// No such record (or already deleted).
    NotFound,
    /// The precondition failed.
    PreconditionFailed,
    /// The stored record belongs to another vendor than the owner guard `[API-002]`.
    Forbidden,
}

/// A listing query `[API-016]`.
#[derive(Debug, Clone, Default)]
pub struct ListQuery {
    /// Only this type.
    pub record_type: Option<RecordType>,
    /// Only records changed at or after this node time (RFC 3339, UTC).
    pub updated_since: Option<String>,
    /// Only records at this place.
    pub place: Option<String>,
    /// Records after this (type, id), in (type, id) order.
    pub after: Option<(RecordType, String)>,
    /// At most this many.
    pub limit: usize,
}

/// One entry of the audit log `[API-031]`.
#[derive(Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AuditEntry {
    /// Its place in the log (given by the store).
    #[serde(default)]
    pub seq: u64,
    /// When, RFC 3339 in UTC.
    pub at: String,
    /// The principal's name.
    pub principal: String,
    /// What was done: `read`, `list`, `changes`, `export`.
    pub action: String,
    /// The sharing level the records were returned at.
    pub level: String,
    /// The purpose declared in `X-Linli-Purpose`.
    pub purpose: Option<String>,
    /// The records returned, as `Type/id`.
    pub records: Vec<String>,
    /// For a write or delete, the result for each of `records`, in their order: `created`,
    /// `updated`, `unchanged`, `deleted`, or the code it was refused with `[API-080]`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub results: Vec<String>,
    /// Of `records`, those withheld from the reader `[API-034]`, `[API-080]`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub withheld: Vec<String>,
}

impl std::fmt::Debug for AuditEntry {
    // Record ids are not personal, but a purpose is free text: kept out of Debug.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AuditEntry")
            .field("seq", &self.seq)
            .field("principal", &self.principal)
            .field("action", &self.action)
            .field("records", &self.records.len())
            .finish_non_exhaustive()
    }
}

/// A storage error: the back-end's message, which names no record value.
#[derive(Debug, thiserror::Error)]
#[error("{backend}: {message}")]
pub struct StoreError {
    /// `sqlite` or `postgres`.
    pub backend: &'static str,
    /// What failed.
    pub message: String,
}

impl StoreError {
    pub(crate) fn sqlite(e: impl std::fmt::Display) -> Self {
        StoreError { backend: "sqlite", message: e.to_string() }
    }
    pub(crate) fn postgres(e: impl std::fmt::Display) -> Self {
        StoreError { backend: "postgres", message: e.to_string() }
    }
}

/// The storage of a node. Every method is synchronous; the server calls them on blocking
/// threads.
pub trait Store: Send + Sync + 'static {
    /// Write records, each with its precondition, in one transaction; one outcome per record in
    /// order. A record whose precondition fails is not written and does not undo the others.
    fn put_many(&self, records: &[(NewRecord, Precondition)]) -> Result<Vec<PutOutcome>, StoreError> {
        self.put_many_as(records, None)
    }
    /// [`Store::put_many`] with an owner guard: when `guard` is a vendor, a record whose stored row
    /// (live or tombstone) is owned by another vendor is not written ([`PutOutcome::Forbidden`]).
    /// The owner is read under the write's own lock, so that no write between the check and the
    /// write can slip in `[API-002]`. A stored row keeps its owner (the `meta.source.vendor` of
    /// its last body) when it is deleted.
    fn put_many_as(
        &self,
        records: &[(NewRecord, Precondition)],
        guard: Option<&str>,
    ) -> Result<Vec<PutOutcome>, StoreError>;
    /// The owning vendor of a stored row, live or deleted (`None` for none or unknown)
    /// `[API-002]`.
    fn owner(&self, ty: RecordType, id: &str) -> Result<Option<String>, StoreError>;
    /// The record (or its tombstone).
    fn get(&self, ty: RecordType, id: &str) -> Result<Option<StoredRecord>, StoreError>;
    /// Delete a record: a tombstone in the feed.
    fn delete(&self, ty: RecordType, id: &str, pre: &Precondition) -> Result<DeleteOutcome, StoreError> {
        self.delete_as(ty, id, pre, None)
    }
    /// [`Store::delete`] with an owner guard, checked in the delete's transaction `[API-002]`.
    fn delete_as(
        &self,
        ty: RecordType,
        id: &str,
        pre: &Precondition,
        guard: Option<&str>,
    ) -> Result<DeleteOutcome, StoreError>;
    /// Live records in (type, id) order.
    fn list(&self, q: &ListQuery) -> Result<Vec<StoredRecord>, StoreError>;
    /// Changes (records and tombstones, each at its latest change) after `since`, oldest first.
    fn changes(&self, since: u64, limit: usize) -> Result<Vec<StoredRecord>, StoreError>;
    /// The latest change's `seq` (0 for an empty store).
    fn head(&self) -> Result<u64, StoreError>;
    /// Live records by type.
    fn counts(&self) -> Result<Vec<(RecordType, u64)>, StoreError>;
    /// Append to the audit log; returns the entry's place in it.
    fn append_audit(&self, e: &AuditEntry) -> Result<u64, StoreError>;
    /// Audit entries after `after`, oldest first.
    fn audit(&self, after: u64, limit: usize) -> Result<Vec<AuditEntry>, StoreError>;
}

/// Put one record.
pub fn put_one(store: &dyn Store, r: NewRecord, pre: Precondition) -> Result<PutOutcome, StoreError> {
    put_one_as(store, r, pre, None)
}

/// Put one record, under `guard` (see [`Store::put_many_as`]).
pub fn put_one_as(
    store: &dyn Store,
    r: NewRecord,
    pre: Precondition,
    guard: Option<&str>,
) -> Result<PutOutcome, StoreError> {
    let mut out = store.put_many_as(&[(r, pre)], guard)?;
    out.pop().ok_or_else(|| StoreError { backend: "store", message: "no outcome for a write".into() })
}

/// The type code as stored.
pub(crate) fn type_code(ty: RecordType) -> &'static str {
    ty.code()
}

/// The type of a stored code.
pub(crate) fn type_of(code: &str, backend: &'static str) -> Result<RecordType, StoreError> {
    RecordType::from_code(code)
        .ok_or_else(|| StoreError { backend, message: format!("unknown record type {code:?} in the store") })
}

/// What a write on an existing row decides.
pub(crate) fn decide(existing: Option<(&str, bool)>, new_etag: &str, pre: &Precondition) -> Decision {
    // existing: (etag, deleted)
    let live = existing.filter(|(_, deleted)| !deleted).map(|(e, _)| e);
    match pre {
        Precondition::IfMatch(want) if live != Some(want.as_str()) => return Decision::Fail,
        Precondition::IfNoneMatchAny if live.is_some() => return Decision::Fail,
        Precondition::IfMatchAny if live.is_none() => return Decision::Fail,
        _ => {}
    }
    match live {
        Some(e) if e == new_etag => Decision::Unchanged,
        Some(_) => Decision::Update,
        None => Decision::Create,
    }
}

/// See [`decide`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Decision {
    Fail,
    Unchanged,
    Update,
    Create,
}

/// The owner of a body: its `meta.source.vendor` `[API-002]`.
pub(crate) fn owner_of(body: &str) -> Option<String> {
    serde_json::from_str::<serde_json::Value>(body)
        .ok()?
        .pointer("/meta/source/vendor")
        .and_then(serde_json::Value::as_str)
        .map(str::to_owned)
}

/// Whether a write under `guard` may touch a row owned by `owner`.
pub(crate) fn guard_allows(guard: Option<&str>, owner: Option<&str>) -> bool {
    match (guard, owner) {
        (Some(g), Some(o)) => g == o,
        _ => true,
    }
}
