//! # linli-faulty-node — the reference exchange node with one deliberate fault
//!
//! The `api` conformance class (issue 18, spec chapter 31) must fail a node that breaks chapter
//! 31. This crate serves the reference node of `linli-node` — its router, store, validator and
//! masking unchanged — with exactly one fault injected around it, never by patching it:
//!
//! | fault | what the node does wrong | requirement broken |
//! |---|---|---|
//! | `none` | nothing: the reference node as `linli serve` serves it | — |
//! | `skip-validation` | a write the node refuses as `422 api-invalid-record` is stored anyway and answered `201`/`200` (single `PUT` and batch lines) | `[API-010]` |
//! | `leak-public` | reads, listings and the feed of a caller at level `public` are served from the `internal` view: raw ID numbers, phones and names (a listing by place is still refused) | `[API-030]`, `[API-034]` |
//! | `lose-feed` | the feed hands out a change's position *before* the write commits (as a store on a database sequence taken outside the transaction does), so under concurrent writes a change can commit after a later one was read and a reader that resumes from `next` never sees it; with one writer at a time nothing is lost | `[API-020]` |
//! | `ignore-if-match` | `If-Match` is ignored on `PUT` and `DELETE`: no `412` | `[API-013]` |
//! | `hang` | `GET /v1/records/Thing/{id}` never answers (the connection stays open) | `[API-040]` |
//!
//! How each is injected: `skip-validation`, `leak-public` and `hang` are axum layers in front of
//! [`linli_node::api::router`]; `lose-feed` and `ignore-if-match` are [`Store`] wrappers around
//! the real store ([`FeedLosingStore`], [`IfMatchIgnoringStore`]).

use std::collections::{BTreeMap, HashMap};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use linli_model::RecordType;
use linli_model::codes::{CodeTable, SharingLevel};
use linli_node::store::{
    AuditEntry, DeleteOutcome, ListQuery, NewRecord, Precondition, PutOutcome, Store, StoreError, StoredRecord,
};
use linli_node::{ApiError, Code, Node};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

/// The fault a node is served with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Fault {
    /// No fault: the reference node.
    None,
    /// Invalid records stored and acknowledged.
    SkipValidation,
    /// Raw records returned to public readers.
    LeakPublic,
    /// Feed positions taken before commit: changes lost under concurrent writes.
    LoseFeed,
    /// `If-Match` ignored.
    IgnoreIfMatch,
    /// `GET` of a Thing never answered.
    Hang,
}

impl Fault {
    /// Every fault, `none` first.
    pub const ALL: [Fault; 6] =
        [Fault::None, Fault::SkipValidation, Fault::LeakPublic, Fault::LoseFeed, Fault::IgnoreIfMatch, Fault::Hang];

    /// Its name on the command line.
    pub fn name(self) -> &'static str {
        match self {
            Fault::None => "none",
            Fault::SkipValidation => "skip-validation",
            Fault::LeakPublic => "leak-public",
            Fault::LoseFeed => "lose-feed",
            Fault::IgnoreIfMatch => "ignore-if-match",
            Fault::Hang => "hang",
        }
    }
}

impl std::str::FromStr for Fault {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self, Error> {
        Fault::ALL.into_iter().find(|f| f.name() == s).ok_or_else(|| Error::UnknownFault(s.to_owned()))
    }
}

/// Why a faulty node could not be made or served.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// `--fault` names no fault.
    #[error(
        "unknown fault {0:?} (none, skip-validation, leak-public, lose-feed, ignore-if-match, hang) / 未知的故障 {0:?}"
    )]
    UnknownFault(String),
    /// The node (store, principals, views, binding).
    #[error(transparent)]
    Node(#[from] linli_node::Error),
    /// The masking key.
    #[error("mask key / 掩码密钥: {0}")]
    Key(String),
    /// Reading or writing a file, serving.
    #[error("{what} / {what_zh}: {source}")]
    Io {
        /// What was being done, in English.
        what: &'static str,
        /// The same, in Chinese.
        what_zh: &'static str,
        /// The error.
        #[source]
        source: std::io::Error,
    },
}

impl Error {
    /// The stable code of the error.
    pub fn code(&self) -> &'static str {
        match self {
            Error::UnknownFault(_) => "faulty-unknown-fault",
            Error::Node(_) => "faulty-node",
            Error::Key(_) => "faulty-key",
            Error::Io { .. } => "faulty-io",
        }
    }
}

/// The name of the hidden internal caller through which `leak-public` serves public readers.
pub const LEAK_PRINCIPAL: &str = "faulty-node-internal-view";

/// The principals, the store and the fault a node is made of; see [`build`].
pub struct Parts {
    /// The real store.
    pub store: Arc<dyn Store>,
    /// The principals file's text (`[API-003]`).
    pub principals_toml: String,
    /// The masking key.
    pub key: Option<linli_privacy::Key>,
    /// The node's limits and work folder.
    pub config: linli_node::Config,
    /// The fault.
    pub fault: Fault,
    /// `lose-feed`: how long a write whose feed position is odd waits between taking it and
    /// committing (even ones commit at once), so that concurrent writers commit out of order.
    pub feed_window: Duration,
}

impl std::fmt::Debug for Parts {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Parts").field("fault", &self.fault).finish_non_exhaustive()
    }
}

/// The node and the router that serves it with its fault.
pub fn build(parts: Parts) -> Result<(Arc<Node>, axum::Router), Error> {
    let Parts { store, principals_toml, key, config, fault, feed_window } = parts;
    let store: Arc<dyn Store> = match fault {
        Fault::LoseFeed => Arc::new(FeedLosingStore::new(store, feed_window).map_err(linli_node::Error::from)?),
        Fault::IgnoreIfMatch => Arc::new(IfMatchIgnoringStore(store)),
        _ => store,
    };
    let mut text = principals_toml;
    let mut leak_token = None;
    if fault == Fault::LeakPublic {
        let token = linli_node::principal::new_token().map_err(|source| Error::Io {
            what: "making a token",
            what_zh: "生成令牌",
            source,
        })?;
        text.push_str(&format!(
            "\n[[principal]]\nname = \"{LEAK_PRINCIPAL}\"\nkind = \"department\"\ntoken-sha256 = \"{}\"\nwrite = []\nread = \"internal\"\n",
            linli_node::principal::token_hash(&token)
        ));
        leak_token = Some(token);
    }
    let principals = linli_node::Principals::from_toml(&text, "principals.toml").map_err(linli_node::Error::from)?;
    let node = Arc::new(Node::new(store, principals, key, config)?);
    let router = linli_node::api::router(Arc::clone(&node));
    let router = match (fault, leak_token) {
        (Fault::SkipValidation, _) => {
            router.layer(axum::middleware::from_fn_with_state(Arc::clone(&node), skip_validation))
        }
        (Fault::LeakPublic, Some(token)) => router.layer(axum::middleware::from_fn_with_state(
            Arc::new(Leak { node: Arc::clone(&node), token }),
            leak_public,
        )),
        (Fault::Hang, _) => router.layer(axum::middleware::from_fn(hang)),
        _ => router,
    };
    // The answers a fault makes itself say `Cache-Control: no-store` too, as the node's do `[API-076]`.
    Ok((node, router.layer(axum::middleware::map_response(no_store))))
}

async fn no_store(mut r: Response) -> Response {
    r.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    r
}

// ---------------------------------------------------------------------------------------------
// hang

/// `hang`: a `GET` of one Thing waits for ever; everything else is answered.
async fn hang(req: Request, next: Next) -> Response {
    if req.method() == Method::GET && req.uri().path().starts_with("/v1/records/Thing/") {
        std::future::pending::<()>().await;
    }
    next.run(req).await
}

// ---------------------------------------------------------------------------------------------
// leak-public

struct Leak {
    node: Arc<Node>,
    token: String,
}

fn bearer(headers: &HeaderMap) -> Option<&str> {
    headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer ").or_else(|| v.strip_prefix("bearer ")))
}

/// `leak-public`: a public reader's reads, listings and feed requests are made with the hidden
/// internal caller's token (and a purpose), and the answer still says level `public`. Only the
/// masking is skipped: a listing by place is left to the node, which refuses it to a public
/// reader `[API-016]`, so that this variant breaks `[API-030]` and nothing else.
async fn leak_public(State(leak): State<Arc<Leak>>, mut req: Request, next: Next) -> Response {
    let path = req.uri().path();
    let by_place = req.uri().query().is_some_and(|q| q.split('&').any(|p| p == "place" || p.starts_with("place=")));
    let reads = req.method() == Method::GET && !by_place && (path.starts_with("/v1/records") || path == "/v1/changes");
    let public = bearer(req.headers())
        .and_then(|t| leak.node.principals.authenticate(t))
        .is_some_and(|p| p.read == SharingLevel::Public);
    if !(reads && public) {
        return next.run(req).await;
    }
    let Ok(auth) = HeaderValue::from_str(&format!("Bearer {}", leak.token)) else { return next.run(req).await };
    let headers = req.headers_mut();
    headers.insert(header::AUTHORIZATION, auth);
    let blank = headers.get("x-linli-purpose").and_then(|v| v.to_str().ok()).is_none_or(|v| v.trim().is_empty());
    if blank {
        headers.insert("x-linli-purpose", HeaderValue::from_static("faulty-node"));
    }
    let mut resp = next.run(req).await;
    if resp.headers().contains_key("x-linli-level") {
        resp.headers_mut().insert("x-linli-level", HeaderValue::from_static("public"));
    }
    resp
}

// ---------------------------------------------------------------------------------------------
// skip-validation

/// The stored form and ETag of a JSON object `[API-012]` (serde_json keeps members in key order).
fn stored_form(v: &Value) -> (String, String) {
    let body = v.to_string();
    let etag = linli_model::support::hex::encode(&Sha256::digest(body.as_bytes()));
    (body, etag)
}

fn precondition(headers: &HeaderMap) -> Precondition {
    if let Some(v) = headers.get(header::IF_MATCH).and_then(|v| v.to_str().ok()) {
        if v.trim() == "*" {
            return Precondition::IfMatchAny;
        }
        if let Some(inner) = v.trim().strip_prefix('"').and_then(|s| s.strip_suffix('"')) {
            return Precondition::IfMatch(inner.to_owned());
        }
    }
    if headers.get(header::IF_NONE_MATCH).and_then(|v| v.to_str().ok()).map(str::trim) == Some("*") {
        return Precondition::IfNoneMatchAny;
    }
    Precondition::None
}

/// Write a record the validator refused, as `who` (write scopes still apply). `None` when it is
/// no JSON object or `who` may not write it: the node's refusal stands.
fn write_unchecked(
    node: &Node,
    token: Option<&str>,
    text: &[u8],
    path: Option<(RecordType, String)>,
    pre: Precondition,
) -> Option<Result<(RecordType, String, String, PutOutcome), ApiError>> {
    let who = node.principals.authenticate(token?)?;
    let v: Value = serde_json::from_slice(text).ok()?;
    if !v.is_object() {
        return None;
    }
    let (ty, id) = match path {
        Some(p) => p,
        None => (
            RecordType::from_code(v.get("type")?.as_str()?)?,
            v.get("id")?.as_str().filter(|s| !s.is_empty())?.to_owned(),
        ),
    };
    let vendor = v.pointer("/meta/source/vendor").and_then(Value::as_str);
    if !who.may_write(ty, vendor) {
        return None;
    }
    let (body, digest) = stored_form(&v);
    // The ETag as the node sends it, and an If-Match mapped back to the stored digest [API-012].
    let etag = linli_node::api::etag_out(node, &digest);
    let pre = match linli_node::api::stored_precondition(node, ty, &id, pre) {
        Ok(p) => p,
        Err(e) => return Some(Err(e)),
    };
    let rec = NewRecord { record_type: ty, id: id.clone(), places: linli_node::api::places_of(&v), body, etag: digest };
    Some(linli_node::store::put_one(node.store.as_ref(), rec, pre).map(|o| (ty, id, etag, o)).map_err(ApiError::from))
}

async fn collect(body: Body, limit: usize) -> Result<axum::body::Bytes, Response> {
    axum::body::to_bytes(body, limit).await.map_err(|_| ApiError::new(Code::TooLarge).into_response())
}

/// `skip-validation`: the request goes to the node; where the node refuses a record as invalid
/// (`422 api-invalid-record`), the record is stored anyway and the answer is the one of a valid
/// write.
async fn skip_validation(State(node): State<Arc<Node>>, req: Request, next: Next) -> Response {
    let path = req.uri().path().to_owned();
    let single = req.method() == Method::PUT && path.starts_with("/v1/records/");
    let batch = req.method() == Method::POST && path == "/v1/records";
    if !(single || batch) {
        return next.run(req).await;
    }
    let (parts, body) = req.into_parts();
    let headers = parts.headers.clone();
    let limit = if single { node.config.max_body } else { 1 << 30 };
    let bytes = match collect(body, limit).await {
        Ok(b) => b,
        Err(r) => return r,
    };
    let resp = next.run(Request::from_parts(parts, Body::from(bytes.clone()))).await;
    let token = bearer(&headers).map(str::to_owned);
    if single {
        if resp.status() != StatusCode::UNPROCESSABLE_ENTITY {
            return resp;
        }
        let (rparts, rbody) = resp.into_parts();
        let rbytes = match collect(rbody, usize::MAX).await {
            Ok(b) => b,
            Err(r) => return r,
        };
        let invalid =
            serde_json::from_slice::<Value>(&rbytes).ok().is_some_and(|v| v["code"] == Code::Invalid.as_str());
        let target = path
            .strip_prefix("/v1/records/")
            .and_then(|p| p.split_once('/'))
            .and_then(|(t, id)| Some((RecordType::from_code(t)?, id.to_owned())));
        if invalid && target.is_some() {
            let n = Arc::clone(&node);
            let pre = precondition(&headers);
            let done = tokio::task::spawn_blocking(move || write_unchecked(&n, token.as_deref(), &bytes, target, pre))
                .await
                .ok()
                .flatten();
            if let Some(done) = done {
                return match done {
                    Ok((ty, id, etag, outcome)) => single_answer(&node, ty, &id, &etag, outcome),
                    Err(e) => e.into_response(),
                };
            }
        }
        return Response::from_parts(rparts, Body::from(rbytes));
    }
    // A batch: each result line refused as invalid is written and answered as written.
    if resp.status() != StatusCode::OK {
        return resp;
    }
    let (rparts, rbody) = resp.into_parts();
    let rbytes = match collect(rbody, usize::MAX).await {
        Ok(b) => b,
        Err(r) => return r,
    };
    let n = Arc::clone(&node);
    let out = tokio::task::spawn_blocking(move || rewrite_batch(&n, token.as_deref(), &bytes, &rbytes)).await;
    match out {
        Ok(Ok(out)) => Response::from_parts(rparts, Body::from(out)),
        Ok(Err(e)) => e.into_response(),
        Err(_) => ApiError::new(Code::Internal).into_response(),
    }
}

fn single_answer(node: &Node, ty: RecordType, id: &str, etag: &str, outcome: PutOutcome) -> Response {
    let (status, word) = match outcome {
        PutOutcome::Created { .. } => (StatusCode::CREATED, "created"),
        PutOutcome::Updated { .. } => (StatusCode::OK, "updated"),
        PutOutcome::Unchanged => (StatusCode::OK, "unchanged"),
        PutOutcome::PreconditionFailed => return ApiError::new(Code::PreconditionFailed).into_response(),
        PutOutcome::Forbidden => return ApiError::new(Code::Forbidden).into_response(),
    };
    if word != "unchanged" {
        node.changed.notify_waiters();
    }
    let mut r =
        (status, axum::Json(json!({"type": ty.code(), "id": id, "etag": etag, "status": word}))).into_response();
    if let Ok(v) = HeaderValue::from_str(&format!("\"{etag}\"")) {
        r.headers_mut().insert(header::ETAG, v);
    }
    r
}

fn rewrite_batch(node: &Node, token: Option<&str>, input: &[u8], results: &[u8]) -> Result<Vec<u8>, ApiError> {
    let lines: Vec<&[u8]> = input.split(|b| *b == b'\n').collect();
    let mut out = Vec::with_capacity(results.len());
    let mut changed = false;
    for r in results.split(|b| *b == b'\n').filter(|l| !l.is_empty()) {
        let mut replaced = None;
        if let Ok(v) = serde_json::from_slice::<Value>(r) {
            let line = v["line"].as_u64().unwrap_or(0);
            let text = usize::try_from(line).ok().and_then(|l| lines.get(l.wrapping_sub(1)));
            if v["code"] == Code::Invalid.as_str() {
                let text = text.map(|t| t.strip_suffix(b"\r").unwrap_or(t));
                if let Some(done) = text.and_then(|t| write_unchecked(node, token, t, None, Precondition::None)) {
                    let (ty, id, etag, outcome) = done?;
                    let (status, word) = match outcome {
                        PutOutcome::Created { .. } => (201, "created"),
                        PutOutcome::Updated { .. } => (200, "updated"),
                        PutOutcome::Unchanged => (200, "unchanged"),
                        PutOutcome::PreconditionFailed => (412, "precondition-failed"),
                        PutOutcome::Forbidden => (403, "forbidden"),
                    };
                    changed |= status == 201 || word == "updated";
                    replaced = Some(
                        json!({"line": line, "status": status, "type": ty.code(), "id": id, "etag": etag, "result": word}),
                    );
                }
            }
        }
        match replaced {
            Some(v) => out.extend_from_slice(v.to_string().as_bytes()),
            None => out.extend_from_slice(r),
        }
        out.push(b'\n');
    }
    if changed {
        node.changed.notify_waiters();
    }
    Ok(out)
}

// ---------------------------------------------------------------------------------------------
// ignore-if-match

/// `ignore-if-match`: a store that drops `If-Match` (an ETag or `*`) from every write and delete
/// (and so never answers `412` to it). `If-None-Match: *` is still honoured.
pub struct IfMatchIgnoringStore(pub Arc<dyn Store>);

fn without_if_match(pre: &Precondition) -> Precondition {
    match pre {
        Precondition::IfMatch(_) | Precondition::IfMatchAny => Precondition::None,
        other => other.clone(),
    }
}

impl Store for IfMatchIgnoringStore {
    fn put_many_as(
        &self,
        records: &[(NewRecord, Precondition)],
        guard: Option<&str>,
    ) -> Result<Vec<PutOutcome>, StoreError> {
        let records: Vec<_> = records.iter().map(|(r, p)| (r.clone(), without_if_match(p))).collect();
        self.0.put_many_as(&records, guard)
    }
    fn owner(&self, ty: RecordType, id: &str) -> Result<Option<String>, StoreError> {
        self.0.owner(ty, id)
    }
    fn get(&self, ty: RecordType, id: &str) -> Result<Option<StoredRecord>, StoreError> {
        self.0.get(ty, id)
    }
    fn delete_as(
        &self,
        ty: RecordType,
        id: &str,
        pre: &Precondition,
        guard: Option<&str>,
    ) -> Result<DeleteOutcome, StoreError> {
        self.0.delete_as(ty, id, &without_if_match(pre), guard)
    }
    fn list(&self, q: &ListQuery) -> Result<Vec<StoredRecord>, StoreError> {
        self.0.list(q)
    }
    fn changes(&self, since: u64, limit: usize) -> Result<Vec<StoredRecord>, StoreError> {
        self.0.changes(since, limit)
    }
    fn head(&self) -> Result<u64, StoreError> {
        self.0.head()
    }
    fn counts(&self) -> Result<Vec<(RecordType, u64)>, StoreError> {
        self.0.counts()
    }
    fn append_audit(&self, e: &AuditEntry) -> Result<u64, StoreError> {
        self.0.append_audit(e)
    }
    fn audit(&self, after: u64, limit: usize) -> Result<Vec<AuditEntry>, StoreError> {
        self.0.audit(after, limit)
    }
}

// ---------------------------------------------------------------------------------------------
// lose-feed

/// The feed as `lose-feed` keeps it: each record at the position of its latest change.
#[derive(Default)]
struct Feed {
    by_seq: BTreeMap<u64, (RecordType, String)>,
    by_record: HashMap<(&'static str, String), u64>,
}

impl Feed {
    fn record(&mut self, seq: u64, ty: RecordType, id: &str) {
        if let Some(old) = self.by_record.insert((ty.code(), id.to_owned()), seq) {
            self.by_seq.remove(&old);
        }
        self.by_seq.insert(seq, (ty, id.to_owned()));
    }
}

/// `lose-feed`: a store whose change feed is its own, with the classic bug of a feed position
/// taken from a counter *outside* the write's transaction (a database sequence's `nextval`, an
/// atomic counter) instead of inside it `[API-051]`. Each write that will change something
/// takes its position first, then — for odd positions, after [`Parts::feed_window`] — commits
/// through the real store, and only then becomes visible in the feed at that position. Two
/// writers at once can therefore commit out of order: a reader that read position 6 and resumes
/// after it never sees position 5 committed later `[API-020]`. One writer at a time sees every
/// change in order (a write that changes nothing takes no position).
pub struct FeedLosingStore {
    inner: Arc<dyn Store>,
    handed_out: AtomicU64,
    feed: Mutex<Feed>,
    window: Duration,
}

impl FeedLosingStore {
    /// Wrap `inner`, whose feed so far becomes this store's feed.
    pub fn new(inner: Arc<dyn Store>, window: Duration) -> Result<Self, StoreError> {
        let mut feed = Feed::default();
        let mut since = 0;
        loop {
            let page = inner.changes(since, 1000)?;
            let Some(last) = page.last() else { break };
            since = last.seq;
            for r in &page {
                feed.record(r.seq, r.record_type, &r.id);
            }
        }
        Ok(FeedLosingStore { inner, handed_out: AtomicU64::new(since), feed: Mutex::new(feed), window })
    }

    /// Whether writing `r` under `pre` would change the store now (as the real store decides).
    fn would_change(&self, r: &NewRecord, pre: &Precondition) -> Result<bool, StoreError> {
        let stored = self.inner.get(r.record_type, &r.id)?;
        let live = stored.as_ref().filter(|s| s.body.is_some()).map(|s| s.etag.as_str());
        Ok(match pre {
            Precondition::IfMatch(want) if live != Some(want.as_str()) => false,
            Precondition::IfMatchAny if live.is_none() => false,
            Precondition::IfNoneMatchAny if live.is_some() => false,
            _ => live != Some(r.etag.as_str()),
        })
    }

    /// Take `n` positions; the first of them.
    fn take(&self, n: u64) -> u64 {
        let first = self.handed_out.fetch_add(n, Ordering::SeqCst) + 1;
        if n > 0 && first % 2 == 1 {
            std::thread::sleep(self.window);
        }
        first
    }

    fn feed(&self) -> std::sync::MutexGuard<'_, Feed> {
        self.feed.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl Store for FeedLosingStore {
    fn owner(&self, ty: RecordType, id: &str) -> Result<Option<String>, StoreError> {
        self.inner.owner(ty, id)
    }
    fn put_many_as(
        &self,
        records: &[(NewRecord, Precondition)],
        guard: Option<&str>,
    ) -> Result<Vec<PutOutcome>, StoreError> {
        let mut n = 0;
        for (r, pre) in records {
            n += u64::from(self.would_change(r, pre)?);
        }
        let first = self.take(n);
        let mut positions = first..first + n;
        let mut out = self.inner.put_many_as(records, guard)?;
        let mut feed = self.feed();
        for ((r, _), o) in records.iter().zip(out.iter_mut()) {
            if let PutOutcome::Created { seq } | PutOutcome::Updated { seq } = o {
                // More changes than foreseen (another writer got in between): one more position.
                let at = positions.next().unwrap_or_else(|| self.handed_out.fetch_add(1, Ordering::SeqCst) + 1);
                *seq = at;
                feed.record(at, r.record_type, &r.id);
            }
        }
        Ok(out)
    }
    fn get(&self, ty: RecordType, id: &str) -> Result<Option<StoredRecord>, StoreError> {
        self.inner.get(ty, id)
    }
    fn delete_as(
        &self,
        ty: RecordType,
        id: &str,
        pre: &Precondition,
        guard: Option<&str>,
    ) -> Result<DeleteOutcome, StoreError> {
        let stored = self.inner.get(ty, id)?;
        let live = stored.as_ref().filter(|s| s.body.is_some()).map(|s| s.etag.as_str());
        let will = match pre {
            Precondition::IfMatch(want) => live == Some(want.as_str()),
            Precondition::None | Precondition::IfMatchAny | Precondition::IfNoneMatchAny => live.is_some(),
        };
        let at = self.take(u64::from(will));
        let mut out = self.inner.delete_as(ty, id, pre, guard)?;
        if let DeleteOutcome::Deleted { seq } = &mut out {
            let at = if will { at } else { self.handed_out.fetch_add(1, Ordering::SeqCst) + 1 };
            *seq = at;
            self.feed().record(at, ty, id);
        }
        Ok(out)
    }
    fn list(&self, q: &ListQuery) -> Result<Vec<StoredRecord>, StoreError> {
        self.inner.list(q)
    }
    fn changes(&self, since: u64, limit: usize) -> Result<Vec<StoredRecord>, StoreError> {
        let entries: Vec<(u64, (RecordType, String))> =
            self.feed().by_seq.range(since.saturating_add(1)..).take(limit).map(|(s, k)| (*s, k.clone())).collect();
        let mut out = Vec::with_capacity(entries.len());
        for (seq, (ty, id)) in entries {
            if let Some(mut r) = self.inner.get(ty, &id)? {
                r.seq = seq;
                out.push(r);
            }
        }
        Ok(out)
    }
    fn head(&self) -> Result<u64, StoreError> {
        Ok(self.feed().by_seq.last_key_value().map_or(0, |(s, _)| *s))
    }
    fn counts(&self) -> Result<Vec<(RecordType, u64)>, StoreError> {
        self.inner.counts()
    }
    fn append_audit(&self, e: &AuditEntry) -> Result<u64, StoreError> {
        self.inner.append_audit(e)
    }
    fn audit(&self, after: u64, limit: usize) -> Result<Vec<AuditEntry>, StoreError> {
        self.inner.audit(after, limit)
    }
}
