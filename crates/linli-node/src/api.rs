//! The HTTP interface of spec chapter 31: routes, authentication, bodies read within limits, and
//! every answer — success or error — in the shapes the spec gives.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use axum::body::Body;
use axum::extract::rejection::{PathRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use base64::Engine;
use futures_util::StreamExt;
use linli_model::RecordType;
use linli_model::codes::{CodeTable, SharingLevel};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use crate::Node;
use crate::error::{ApiError, Code};
use crate::principal::Principal;
use crate::store::{AuditEntry, DeleteOutcome, ListQuery, NewRecord, Precondition, PutOutcome, StoredRecord};

type Shared = Arc<Node>;
type ApiResult = Result<Response, ApiError>;

/// The router of a node.
pub fn router(node: Shared) -> Router {
    Router::new()
        .route("/", get(page))
        .route("/healthz", get(healthz))
        .route("/openapi.json", get(openapi))
        .route("/v1/status", get(status))
        .route("/v1/records", get(list).post(batch))
        .route("/v1/records/{type}/{id}", get(read).put(put).delete(delete))
        .route("/v1/changes", get(changes))
        .route("/v1/export", get(export))
        .route("/v1/report", get(report))
        .route("/v1/check", axum::routing::post(check))
        .fallback(|| async { ApiError::new(Code::NoRoute) })
        .method_not_allowed_fallback(|| async { ApiError::new(Code::MethodNotAllowed) })
        .layer(axum::middleware::map_response(no_store))
        .layer(axum::middleware::from_fn_with_state(Arc::clone(&node), head_limits))
        .layer(axum::middleware::from_fn(close_unless_body_read))
        .with_state(node)
}

/// Every answer — records, audit data, errors alike — is `Cache-Control: no-store`, so that no
/// cache on the way or in a browser keeps a copy of what a caller was allowed to read `[API-076]`.
async fn no_store(mut r: Response) -> Response {
    r.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    r
}

/// An answer given before the request's body was read to its end — a refusal before the body
/// (`401`, `403`, `405`, `413`, …) — says `Connection: close` `[API-040]`. The connection cannot be
/// used for another request until the rest of that body has been read, which the node does not
/// do; without the header hyper would close it after the answer, and a client that kept it for
/// its next request (as HTTP/1.1 allows) would find it gone ("peer disconnected"). A chunked
/// body whose last chunk comes in a later packet than the head is the usual case.
async fn close_unless_body_read(req: axum::extract::Request, next: axum::middleware::Next) -> Response {
    use axum::body::HttpBody;
    if req.body().is_end_stream() {
        return next.run(req).await;
    }
    let read = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let flag = Arc::clone(&read);
    let (parts, body) = req.into_parts();
    let end = futures_util::stream::poll_fn(move |_| {
        flag.store(true, std::sync::atomic::Ordering::SeqCst);
        std::task::Poll::Ready(None)
    });
    let body = Body::from_stream(body.into_data_stream().chain(end));
    let mut r = next.run(axum::extract::Request::from_parts(parts, body)).await;
    if !read.load(std::sync::atomic::Ordering::SeqCst) {
        r.headers_mut().insert(header::CONNECTION, HeaderValue::from_static("close"));
    }
    r
}

/// A request target over [`crate::Config::max_uri`] is `414` `api-uri-too-long`, header fields
/// over [`crate::Config::max_header_bytes`] `431` `api-headers-too-large`, both before anything
/// else is done `[API-078]`.
async fn head_limits(
    State(node): State<Shared>,
    req: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    let uri_len = req.uri().path_and_query().map_or(0, |p| p.as_str().len());
    if uri_len > node.config.max_uri {
        let max = node.config.max_uri;
        return ApiError::with(Code::UriTooLong, format!("上限 {max} 字节"), format!("the limit is {max} bytes"))
            .into_response();
    }
    let head: usize = req.headers().iter().map(|(k, v)| k.as_str().len() + v.len() + 4).sum();
    if head > node.config.max_header_bytes {
        let max = node.config.max_header_bytes;
        return ApiError::with(Code::HeadersTooLarge, format!("上限 {max} 字节"), format!("the limit is {max} bytes"))
            .into_response();
    }
    next.run(req).await
}

/// A permit of a heavy request (export, report, check, batch), or `503` `api-busy` when
/// [`crate::Config::max_heavy`] of them are running `[API-071]`.
fn heavy(node: &Shared) -> Result<tokio::sync::OwnedSemaphorePermit, ApiError> {
    Arc::clone(&node.heavy).try_acquire_owned().map_err(|_| {
        ApiError::with(
            Code::Busy,
            "同时进行的导出、报告、检查与批量写入已达上限",
            "as many exports, reports, checks and batches as the node allows are running",
        )
    })
}

async fn page() -> Response {
    let mut r = Html(crate::page::PAGE).into_response();
    // The page loads nothing from elsewhere and sends nothing elsewhere.
    r.headers_mut().insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static("default-src 'self'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; frame-src 'self'; form-action 'none'"),
    );
    r
}

async fn healthz() -> Response {
    Json(json!({"status": "ok"})).into_response()
}

async fn openapi() -> Response {
    ([(header::CONTENT_TYPE, "application/json")], crate::openapi::document_text()).into_response()
}

/// The principal whose bearer token the request carries `[API-001]`.
fn auth<'a>(node: &'a Node, headers: &HeaderMap) -> Result<&'a Principal, ApiError> {
    let token = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer ").or_else(|| v.strip_prefix("bearer ")))
        .ok_or_else(|| ApiError::new(Code::Unauthenticated))?;
    node.principals.authenticate(token).ok_or_else(|| ApiError::new(Code::Unauthenticated))
}

fn record_type(code: &str) -> Result<RecordType, ApiError> {
    RecordType::from_code(code).ok_or_else(|| {
        ApiError::with(
            Code::UnknownType,
            "类型须为 Person、Organization、Place、Thing、Event 或 Case 之一",
            "the type must be one of Person, Organization, Place, Thing, Event, Case",
        )
    })
}

/// A record path whose segments are not UTF-8 text once percent-decoded names no record: `404`
/// `api-not-found` `[API-011]`.
fn path_error(_: PathRejection) -> ApiError {
    ApiError::with(
        Code::NotFound,
        "路径解码后不是 UTF-8 文本，不指向任何记录",
        "the path is not UTF-8 text once percent-decoded and names no record",
    )
}

/// The query's parameters, each at most once: a repeated one (`limit=1&limit=2`) is `400`
/// `api-bad-query`, not read as one of its values `[API-016]`.
fn unique_params(q: Result<Query<Vec<(String, String)>>, QueryRejection>) -> Result<HashMap<String, String>, ApiError> {
    let Query(pairs) = q.map_err(query_error)?;
    let mut out = HashMap::with_capacity(pairs.len());
    for (k, v) in pairs {
        if out.contains_key(&k) {
            let k: String = k.chars().filter(char::is_ascii_alphanumeric).take(40).collect();
            return Err(ApiError::with(
                Code::BadQuery,
                format!("参数 {k} 重复"),
                format!("the parameter {k} is repeated"),
            ));
        }
        out.insert(k, v);
    }
    Ok(out)
}

fn query_error(e: QueryRejection) -> ApiError {
    // The parser's message names the parameter, not a record value.
    ApiError::with(Code::BadQuery, e.body_text(), e.body_text())
}

async fn blocking<T: Send + 'static>(f: impl FnOnce() -> Result<T, ApiError> + Send + 'static) -> Result<T, ApiError> {
    tokio::task::spawn_blocking(f).await.map_err(|_| ApiError::new(Code::Internal))?
}

/// The next part of a body: within the node's idle time `[API-041]` and before `deadline`
/// `[API-072]`, else `408` `api-slow-client`.
async fn next_chunk(
    node: &Node,
    stream: &mut axum::body::BodyDataStream,
    deadline: tokio::time::Instant,
) -> Result<Option<axum::body::Bytes>, ApiError> {
    let now = tokio::time::Instant::now();
    let left = deadline.saturating_duration_since(now);
    let wait = left.min(node.config.idle);
    match tokio::time::timeout(wait, stream.next()).await {
        Ok(Some(Ok(c))) => Ok(Some(c)),
        Ok(None) => Ok(None),
        Ok(Some(Err(_))) => Err(ApiError::new(Code::SlowClient)),
        Err(_) if wait < node.config.idle => {
            let secs = node.config.body_deadline.as_secs();
            Err(ApiError::with(
                Code::SlowClient,
                format!("请求体未在 {secs} 秒内送达"),
                format!("the body did not arrive within {secs} s"),
            ))
        }
        Err(_) => Err(ApiError::new(Code::SlowClient)),
    }
}

fn too_large(limit: usize) -> ApiError {
    ApiError::with(Code::TooLarge, format!("上限 {limit} 字节"), format!("the limit is {limit} bytes"))
}

/// Read a body of at most `limit` bytes; each chunk must arrive within the node's idle time,
/// the whole body within its body deadline.
async fn read_body(node: &Node, body: Body, limit: usize) -> Result<Vec<u8>, ApiError> {
    let mut stream = body.into_data_stream();
    let deadline = tokio::time::Instant::now() + node.config.body_deadline;
    let mut out = Vec::new();
    while let Some(chunk) = next_chunk(node, &mut stream, deadline).await? {
        if out.len() + chunk.len() > limit {
            return Err(too_large(limit));
        }
        out.extend_from_slice(&chunk);
    }
    Ok(out)
}

/// Write a body of at most `limit` bytes to `file` as it arrives, under the limits of
/// [`read_body`]: an upload is never held in memory whole `[API-070]`. Returns its first bytes
/// (at most 4) for recognising its format.
async fn spool_body(node: &Node, body: Body, limit: usize, file: &mut std::fs::File) -> Result<Vec<u8>, ApiError> {
    use std::io::Write;
    let mut stream = body.into_data_stream();
    let deadline = tokio::time::Instant::now() + node.config.body_deadline;
    let mut len = 0usize;
    let mut first = Vec::new();
    while let Some(chunk) = next_chunk(node, &mut stream, deadline).await? {
        len += chunk.len();
        if len > limit {
            return Err(too_large(limit));
        }
        if first.len() < 4 {
            first.extend(chunk.iter().take(4 - first.len()));
        }
        // Parts are at most a few tens of KiB: written to the page cache, not waited on.
        file.write_all(&chunk).map_err(|e| {
            eprintln!("linli serve: spooling an upload: {e}");
            ApiError::new(Code::Internal)
        })?;
    }
    Ok(first)
}

/// The stored digest of a canonical body: never sent, see [`etag_out`].
fn digest_of(body: &str) -> String {
    linli_model::support::hex::encode(&Sha256::digest(body.as_bytes()))
}

/// The ETag a record is sent with: HMAC-SHA256, keyed with the node's secret, of its stored
/// digest — opaque, and not computable from the record's content without the secret, so that a
/// reader of a masked record cannot test guesses of what was masked against it `[API-012]`.
/// The same stored form gives the same ETag on every node sharing the key.
pub fn etag_out(node: &Node, digest: &str) -> String {
    node.etag_key.token("linli-etag", digest)
}

/// The precondition as the store judges it: an `If-Match` ETag is mapped back to the stored
/// digest it was made from (one that matches no live record stays one that matches none). The
/// store compares digests under its write lock, so a change between this read and the write
/// still fails the write `[API-013]`.
pub fn stored_precondition(node: &Node, ty: RecordType, id: &str, pre: Precondition) -> Result<Precondition, ApiError> {
    let Precondition::IfMatch(sent) = pre else { return Ok(pre) };
    let digest = node
        .store
        .get(ty, id)?
        .filter(|r| r.body.is_some() && etag_out(node, &r.etag) == sent)
        .map_or_else(|| "-".to_owned(), |r| r.etag);
    Ok(Precondition::IfMatch(digest))
}

fn quoted(etag: &str) -> HeaderValue {
    HeaderValue::from_str(&format!("\"{etag}\"")).unwrap_or(HeaderValue::from_static("\"\""))
}

fn precondition(headers: &HeaderMap) -> Result<Precondition, ApiError> {
    let bad = || ApiError::with(Code::BadHeader, "If-Match 须为带引号的 ETag", "If-Match must be a quoted ETag");
    if let Some(v) = headers.get(header::IF_MATCH) {
        let s = v.to_str().map_err(|_| bad())?.trim();
        if s == "*" {
            return Ok(Precondition::IfMatchAny);
        }
        let inner = s.strip_prefix('"').and_then(|s| s.strip_suffix('"')).ok_or_else(bad)?;
        // One quoted ETag: a list (`"a", "b"`) is refused, not read as the ETag `a", "b`.
        if inner.contains('"') {
            return Err(bad());
        }
        return Ok(Precondition::IfMatch(inner.to_owned()));
    }
    if let Some(v) = headers.get(header::IF_NONE_MATCH) {
        if v.to_str().map(str::trim).ok() == Some("*") {
            return Ok(Precondition::IfNoneMatchAny);
        }
        return Err(ApiError::with(Code::BadHeader, "If-None-Match 只支持 *", "If-None-Match supports only *"));
    }
    Ok(Precondition::None)
}

/// The places a record lies at (`place.id`, each `residences[].place.id`), as the store indexes
/// them for the listing filter `?place=` `[API-016]`.
pub fn places_of(v: &Value) -> Vec<String> {
    let mut out = Vec::new();
    if let Some(p) = v.pointer("/place/id").and_then(Value::as_str) {
        out.push(p.to_owned());
    }
    for r in v.get("residences").and_then(Value::as_array).into_iter().flatten() {
        if let Some(p) = r.pointer("/place/id").and_then(Value::as_str) {
            out.push(p.to_owned());
        }
    }
    out
}

/// One record checked for writing: the outcome of validation, scopes and path.
enum Checked {
    Ok(NewRecord),
    Refused(ApiError, Option<Value>),
}

/// Validate a record body for writing by `who`, expecting `want` as (type, id) when given.
fn check_record(
    node: &Node,
    who: &Principal,
    text: &str,
    line: Option<u64>,
    want: Option<(RecordType, &str)>,
) -> Checked {
    if let Err(e) = may_write(node, who, text, want) {
        return Checked::Refused(e, None);
    }
    let outcome = node.validator.validate_str(text);
    if let (Some((ty, id)), Some(got_ty), Some(got_id)) = (want, outcome.record_type, outcome.id.as_deref()) {
        if ty != got_ty || id != got_id {
            return Checked::Refused(ApiError::new(Code::PathMismatch), None);
        }
    }
    if !outcome.is_valid() {
        let report = validation_report(outcome.findings, outcome.record_type, line);
        return Checked::Refused(ApiError::new(Code::Invalid), Some(report));
    }
    let (Some(ty), Some(id)) = (outcome.record_type, outcome.id) else {
        return Checked::Refused(ApiError::new(Code::NotJson), None);
    };
    let Ok(v) = serde_json::from_str::<Value>(text) else {
        return Checked::Refused(ApiError::new(Code::NotJson), None);
    };
    let vendor = v.pointer("/meta/source/vendor").and_then(Value::as_str);
    if !who.may_write(ty, vendor) {
        return Checked::Refused(
            ApiError::with(
                Code::Forbidden,
                "此调用方不能写入这一类型，或记录的 meta.source.vendor 不是它自己",
                "this caller may not write this type, or the record's meta.source.vendor is not its own",
            ),
            None,
        );
    }
    // serde_json's map keeps members in key order: the canonical form.
    let body = v.to_string();
    let etag = digest_of(&body);
    Checked::Ok(NewRecord { record_type: ty, id, places: places_of(&v), body, etag })
}

fn forbidden(zh: &str, en: &str) -> ApiError {
    ApiError::with(Code::Forbidden, zh, en)
}

/// Whether `who` may make this write, judged before the body is validated, so that a caller
/// refused learns nothing from the validator's findings `[API-075]`: the type of the path and of
/// the body (as far as it reads as JSON) must be in its write scopes and, for a vendor, the
/// body's `meta.source.vendor` its own `[API-002]` (that the stored record, live or deleted, is not
/// another vendor's is judged by the store under the write's lock: [`owner_guard`]). A body that
/// is not JSON at all is left to validation.
fn may_write(node: &Node, who: &Principal, text: &str, want: Option<(RecordType, &str)>) -> Result<(), ApiError> {
    let scope = || forbidden("此调用方不能写入这一类型", "this caller may not write this type");
    if who.write.is_empty() || want.is_some_and(|(ty, _)| !who.write.contains(&ty)) {
        return Err(scope());
    }
    let Ok(v) = serde_json::from_str::<Value>(text) else { return Ok(()) };
    let body_type = v.get("type").and_then(Value::as_str).and_then(RecordType::from_code);
    if body_type.is_some_and(|ty| !who.write.contains(&ty)) {
        return Err(scope());
    }
    if who.kind != crate::principal::Kind::Vendor {
        return Ok(());
    }
    let vendor = v.pointer("/meta/source/vendor").and_then(Value::as_str);
    if who.vendor.is_none() || who.vendor.as_deref() != vendor {
        return Err(forbidden(
            "记录的 meta.source.vendor 不是此调用方自己",
            "the record's meta.source.vendor is not this caller's own",
        ));
    }
    // The stored record's owner (live or deleted), looked at here so that the refusal comes
    // before validation [API-075]; the store judges it again in the write's transaction, which is
    // what holds against a concurrent write [API-002].
    let ty = want.map(|(t, _)| t).or(body_type);
    let id = want.map(|(_, id)| id.to_owned()).or_else(|| v.get("id").and_then(Value::as_str).map(str::to_owned));
    let (Some(ty), Some(id)) = (ty, id) else { return Ok(()) };
    if !crate::store::guard_allows(owner_guard(who), node.store.owner(ty, &id)?.as_deref()) {
        return Err(owned_by_other());
    }
    Ok(())
}

/// The vendor a vendor's writes and deletes must match on the stored row (live or deleted),
/// checked by the store in the write's transaction `[API-002]`; `None` for a department. A vendor
/// principal without a vendor matches no owner.
fn owner_guard(who: &Principal) -> Option<&str> {
    (who.kind == crate::principal::Kind::Vendor).then(|| who.vendor.as_deref().unwrap_or("\u{0}"))
}

fn owned_by_other() -> ApiError {
    forbidden("已存储的记录属于另一供应商", "the stored record belongs to another vendor")
}

/// The findings of one record as the JSON report of `linli validate --format json` `[API-010]`.
fn validation_report(findings: Vec<linli_validate::Finding>, ty: Option<RecordType>, line: Option<u64>) -> Value {
    let mut r = linli_validate::Report::new(linli_model::support::clock::now_utc().to_string());
    for mut f in findings {
        f.file = Some("-".into());
        if f.line.is_none() {
            f.line = Some(line.unwrap_or(1));
        }
        r.push(f);
    }
    r.count_record(ty, false, None);
    r.finalize();
    serde_json::to_value(&r).unwrap_or(Value::Null)
}

async fn put(
    State(node): State<Shared>,
    path: Result<Path<(String, String)>, PathRejection>,
    headers: HeaderMap,
    body: Body,
) -> ApiResult {
    let who = auth(&node, &headers)?.clone();
    let Path((ty, id)) = path.map_err(path_error)?;
    let ty = record_type(&ty)?;
    if !who.write.contains(&ty) {
        // Refused before the body is read or validated [API-075]; the refusal is audited [API-080].
        let n = Arc::clone(&node);
        let rec = format!("{}/{id}", ty.code());
        blocking(move || audit_writes(&n, &who, "write", vec![(rec, Code::Forbidden.as_str().to_owned())])).await?;
        return Err(forbidden("此调用方不能写入这一类型", "this caller may not write this type"));
    }
    let pre = precondition(&headers)?;
    let bytes = read_body(&node, body, node.config.max_body).await?;
    let text =
        String::from_utf8(bytes).map_err(|_| ApiError::with(Code::NotJson, "不是 UTF-8 文本", "not UTF-8 text"))?;
    let n = Arc::clone(&node);
    blocking(move || {
        let name = format!("{}/{id}", ty.code());
        let refused = |e: &ApiError| audit_writes(&n, &who, "write", vec![(name.clone(), e.code.as_str().to_owned())]);
        let rec = match check_record(&n, &who, &text, None, Some((ty, &id))) {
            Checked::Ok(r) => r,
            Checked::Refused(e, Some(report)) => {
                refused(&e)?;
                // The error body of every error answer `[API-040]`, with the report `[API-010]`.
                let mut body = e.body();
                body["report"] = report;
                return Ok((e.status(), Json(body)).into_response());
            }
            Checked::Refused(e, None) => {
                refused(&e)?;
                return Err(e);
            }
        };
        let etag = etag_out(&n, &rec.etag);
        let pre = stored_precondition(&n, ty, &id, pre)?;
        let outcome = crate::store::put_one_as(n.store.as_ref(), rec, pre, owner_guard(&who))?;
        let (status, word, seq) = match outcome {
            PutOutcome::Created { seq } => (StatusCode::CREATED, "created", Some(seq)),
            PutOutcome::Updated { seq } => (StatusCode::OK, "updated", Some(seq)),
            PutOutcome::Unchanged => (StatusCode::OK, "unchanged", None),
            PutOutcome::PreconditionFailed => {
                let e = ApiError::new(Code::PreconditionFailed);
                refused(&e)?;
                return Err(e);
            }
            PutOutcome::Forbidden => {
                let e = owned_by_other();
                refused(&e)?;
                return Err(e);
            }
        };
        audit_writes(&n, &who, "write", vec![(name.clone(), word.to_owned())])?;
        if seq.is_some() {
            n.changed.notify_waiters();
        }
        let mut r = (status, Json(json!({"type": ty.code(), "id": id, "etag": etag, "status": word}))).into_response();
        r.headers_mut().insert(header::ETAG, quoted(&etag));
        Ok(r)
    })
    .await
}

/// `POST /v1/records`: an NDJSON batch, read as a stream `[API-014]`.
async fn batch(State(node): State<Shared>, headers: HeaderMap, body: Body) -> ApiResult {
    let who = auth(&node, &headers)?.clone();
    if let Some(ct) = headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()) {
        let base = ct.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
        if !matches!(
            base.as_str(),
            "application/x-ndjson" | "application/ndjson" | "application/jsonl" | "text/plain" | ""
        ) {
            return Err(ApiError::with(
                Code::UnsupportedMedia,
                "批量写入须为 application/x-ndjson",
                "a batch must be application/x-ndjson",
            ));
        }
    }
    // A caller with no write scopes could write no line: refused before its body is read and
    // before it takes a heavy request's place [API-014], [API-075].
    if who.write.is_empty() {
        return Err(forbidden("此调用方没有写入范围", "this caller may write no record type"));
    }
    let _permit = heavy(&node)?;
    let mut stream = body.into_data_stream();
    let mut out: Vec<u8> = Vec::new();
    let mut pending_bytes = 0usize;
    let mut splitter = crate::lines::Splitter::new(node.config.max_body);
    let mut pieces = Vec::new();
    let mut pending: Vec<(u64, String)> = Vec::new();
    // Each line must arrive within the body deadline, counted from the end of the line before
    // [API-072]: a batch's length is not limited [API-014], its pace is.
    let mut deadline = tokio::time::Instant::now() + node.config.body_deadline;
    loop {
        let end = match next_chunk(&node, &mut stream, deadline).await? {
            Some(c) => {
                splitter.push(&c, &mut pieces);
                false
            }
            None => {
                splitter.finish(&mut pieces);
                true
            }
        };
        // Blank lines are no progress: they do not put the deadline off [API-072].
        let mut got_lines = false;
        for p in std::mem::take(&mut pieces) {
            match p {
                crate::lines::Piece::Line(n, bytes) => {
                    pending_bytes += bytes.len();
                    got_lines |= take_line(bytes, n, &mut pending);
                }
                crate::lines::Piece::TooLong(n) => {
                    got_lines = true;
                    pending.push((n, String::from(TOO_LONG)));
                }
            }
            // A group is written at 256 lines or `batch_group_bytes`, whichever comes first,
            // judged line by line: what a batch holds in memory is bounded by bytes too [API-014].
            if pending.len() >= 256 || pending_bytes >= node.config.batch_group_bytes {
                pending_bytes = 0;
                let lines = std::mem::take(&mut pending);
                let n = Arc::clone(&node);
                let w = who.clone();
                let results = blocking(move || write_lines(&n, &w, lines)).await?;
                out.extend_from_slice(&results);
            }
        }
        if end && !pending.is_empty() {
            let lines = std::mem::take(&mut pending);
            let n = Arc::clone(&node);
            let w = who.clone();
            let results = blocking(move || write_lines(&n, &w, lines)).await?;
            out.extend_from_slice(&results);
        }
        if got_lines {
            // Counted from here: the time the node spent writing is not the client's.
            deadline = tokio::time::Instant::now() + node.config.body_deadline;
        }
        if end {
            break;
        }
    }
    Ok(([(header::CONTENT_TYPE, "application/x-ndjson")], out).into_response())
}

/// Markers of lines refused before validation (a line of text never holds NUL).
const NOT_UTF8: &str = "\u{0}not-utf8";
const TOO_LONG: &str = "\u{0}too-long";

fn push_result(out: &mut Vec<u8>, v: Value) {
    out.extend_from_slice(v.to_string().as_bytes());
    out.push(b'\n');
}

/// A whole line of a batch: blank lines are passed over, others wait to be written in order.
/// Whether the line was not blank.
fn take_line(bytes: Vec<u8>, line: u64, pending: &mut Vec<(u64, String)>) -> bool {
    let trimmed = bytes.strip_suffix(b"\r").unwrap_or(&bytes);
    if trimmed.iter().all(u8::is_ascii_whitespace) {
        return false;
    }
    match String::from_utf8(trimmed.to_vec()) {
        Ok(s) => pending.push((line, s)),
        Err(_) => {
            // Results are in input order: lines waiting are flushed in order by `write_lines`,
            // so a line refused here waits with them.
            pending.push((line, String::from(NOT_UTF8)));
        }
    }
    true
}

/// Validate and write a group of batch lines in one transaction; their results in order.
fn write_lines(node: &Node, who: &Principal, lines: Vec<(u64, String)>) -> Result<Vec<u8>, ApiError> {
    let mut out = Vec::new();
    let mut results: Vec<Option<Value>> = Vec::with_capacity(lines.len());
    let mut writes = Vec::new();
    let mut slots = Vec::new();
    // What the audit log is told, line by line [API-080].
    let mut audited: Vec<(usize, String, String)> = Vec::new();
    for (i, (line, text)) in lines.iter().enumerate() {
        if text == NOT_UTF8 || text == TOO_LONG {
            let e = ApiError::new(if text == NOT_UTF8 { Code::NotJson } else { Code::LineTooLong });
            results.push(Some(json!({"line": line, "status": e.status().as_u16(), "code": e.code.as_str()})));
            audited.push((i, "?/?".into(), e.code.as_str().to_owned()));
            continue;
        }
        match check_record(node, who, text, Some(*line), None) {
            Checked::Ok(r) => {
                results.push(None);
                slots.push((i, r.record_type, r.id.clone(), etag_out(node, &r.etag)));
                writes.push((r, Precondition::None));
            }
            Checked::Refused(e, report) => {
                audited.push((i, named_in(text), e.code.as_str().to_owned()));
                let mut v = json!({"line": line, "status": e.status().as_u16(), "code": e.code.as_str()});
                if let Some(report) = report {
                    v["findings"] = report.get("findings").cloned().unwrap_or(Value::Null);
                }
                results.push(Some(v));
            }
        }
    }
    let outcomes = if writes.is_empty() { Vec::new() } else { node.store.put_many_as(&writes, owner_guard(who))? };
    let mut changed = false;
    for ((i, ty, id, etag), o) in slots.into_iter().zip(outcomes) {
        let (status, word) = match o {
            PutOutcome::Created { .. } => (201, "created"),
            PutOutcome::Updated { .. } => (200, "updated"),
            PutOutcome::Unchanged => (200, "unchanged"),
            PutOutcome::PreconditionFailed => (412, "precondition-failed"),
            PutOutcome::Forbidden => {
                let e = owned_by_other();
                audited.push((i, format!("{}/{id}", ty.code()), e.code.as_str().to_owned()));
                results[i] = Some(json!({"line": lines[i].0, "status": e.status().as_u16(), "code": e.code.as_str()}));
                continue;
            }
        };
        changed |= status == 201 || word == "updated";
        audited.push((i, format!("{}/{id}", ty.code()), word.to_owned()));
        results[i] = Some(
            json!({"line": lines[i].0, "status": status, "type": ty.code(), "id": id, "etag": etag, "result": word}),
        );
    }
    if changed {
        node.changed.notify_waiters();
    }
    // In line order.
    audited.sort_by_key(|(i, _, _)| *i);
    audit_writes(node, who, "write", audited.into_iter().map(|(_, r, x)| (r, x)).collect())?;
    for v in results.into_iter().flatten() {
        push_result(&mut out, v);
    }
    Ok(out)
}

/// The purpose of a read `[API-031]`: required at level internal.
fn purpose(who: &Principal, headers: &HeaderMap) -> Result<Option<String>, ApiError> {
    let p = purpose_opt(headers)?;
    if p.is_none() && who.read == SharingLevel::Internal {
        return Err(ApiError::new(Code::PurposeRequired));
    }
    Ok(p)
}

fn percent_decode(b: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' && i + 2 < b.len() {
            let h = std::str::from_utf8(&b[i + 1..i + 3]).ok().and_then(|s| u8::from_str_radix(s, 16).ok());
            if let Some(h) = h {
                out.push(h);
                i += 3;
                continue;
            }
        }
        out.push(b[i]);
        i += 1;
    }
    out
}

fn audit(
    node: &Node,
    who: &Principal,
    action: &str,
    level: SharingLevel,
    purpose: Option<String>,
    records: Vec<String>,
) -> Result<(), ApiError> {
    audit_entry(node, who, action, level, purpose, records, Vec::new(), Vec::new())
}

/// Append one entry to the audit log (nothing when `records` is empty) `[API-031]`, `[API-080]`.
#[allow(clippy::too_many_arguments)]
fn audit_entry(
    node: &Node,
    who: &Principal,
    action: &str,
    level: SharingLevel,
    purpose: Option<String>,
    records: Vec<String>,
    results: Vec<String>,
    withheld: Vec<String>,
) -> Result<(), ApiError> {
    if records.is_empty() {
        return Ok(());
    }
    let entry = AuditEntry {
        seq: 0,
        at: linli_model::support::clock::now_utc().to_string(),
        principal: who.name.clone(),
        action: action.to_owned(),
        level: level.code().to_owned(),
        purpose,
        records,
        results,
        withheld,
    };
    node.store.append_audit(&entry)?;
    Ok(())
}

/// The audit entry of writes or deletes: each record with its result `[API-080]`. The level is
/// the caller's read level; writes carry no purpose.
fn audit_writes(node: &Node, who: &Principal, action: &str, done: Vec<(String, String)>) -> Result<(), ApiError> {
    let (records, results) = done.into_iter().map(|(r, x)| (audit_name(&r), x)).unzip();
    audit_entry(node, who, action, who.read, None, records, results, Vec::new())
}

/// A `Type/id` of a write or delete as the audit log keeps it: the id is as sent, and a refused
/// one may be anything — personal numbers in it are masked (`linli_model::redact::redact_id`),
/// control and format characters written as `\u{…}` escapes, so that the log neither keeps an
/// ID number nor reads otherwise than what was sent `[API-080]`, `[PRI-011]`.
fn audit_name(name: &str) -> String {
    let masked = linli_model::redact::redact_id(name);
    let mut out = String::with_capacity(masked.len());
    for c in masked.chars() {
        if c.is_control() || is_format_char(c) || c == '\\' {
            out.push_str(&c.escape_unicode().to_string());
        } else {
            out.push(c);
        }
    }
    out
}

/// `Type/id` as a body gives them, for the audit of a refused write (`?` where it does not say).
fn named_in(text: &str) -> String {
    let v = serde_json::from_str::<Value>(text).ok();
    let get = |k: &str| v.as_ref().and_then(|v| v.get(k)).and_then(Value::as_str).map(str::to_owned);
    let id: String = get("id").unwrap_or_else(|| "?".into()).chars().filter(|c| !c.is_control()).take(200).collect();
    format!("{}/{id}", get("type").and_then(|t| RecordType::from_code(&t)).map_or("?", |t| t.code()))
}

async fn read(
    State(node): State<Shared>,
    path: Result<Path<(String, String)>, PathRejection>,
    headers: HeaderMap,
) -> ApiResult {
    let who = auth(&node, &headers)?.clone();
    let Path((ty, id)) = path.map_err(path_error)?;
    let ty = record_type(&ty)?;
    let purpose = purpose(&who, &headers)?;
    let n = Arc::clone(&node);
    blocking(move || {
        let Some(r) = n.store.get(ty, &id)? else { return Err(ApiError::new(Code::NotFound)) };
        let Some(body) = &r.body else { return Err(ApiError::new(Code::NotFound)) };
        let masker = n.views.masker(n.store.as_ref(), who.read)?;
        let v = match masker.mask(body) {
            crate::view::Masked::Record(v) => v,
            crate::view::Masked::Withheld(code) => {
                // A read that returned nothing, because the record was withheld, is audited too [API-080].
                let rec = format!("{}/{}", ty.code(), id);
                audit_entry(&n, &who, "read", who.read, purpose, vec![rec.clone()], Vec::new(), vec![rec])?;
                return Err(ApiError::with(
                    Code::Withheld,
                    format!("首个问题 {code}"),
                    format!("first finding {code}"),
                ));
            }
        };
        audit(&n, &who, "read", who.read, purpose, vec![format!("{}/{}", ty.code(), id)])?;
        let mut resp = Json(v).into_response();
        resp.headers_mut().insert(header::ETAG, quoted(&etag_out(&n, &r.etag)));
        resp.headers_mut().insert("x-linli-level", HeaderValue::from_static(level_str(who.read)));
        Ok(resp)
    })
    .await
}

fn level_str(l: SharingLevel) -> &'static str {
    l.code()
}

impl From<crate::view::ViewError> for ApiError {
    fn from(e: crate::view::ViewError) -> Self {
        eprintln!("linli serve: {e}");
        ApiError::new(Code::Internal)
    }
}

const CURSOR_PREFIX: &str = "k1.";

fn encode_cursor(ty: RecordType, id: &str) -> String {
    let raw = json!([ty.code(), id]).to_string().into_bytes();
    format!("{CURSOR_PREFIX}{}", base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(raw))
}

fn decode_cursor(c: &str) -> Result<(RecordType, String), ApiError> {
    let bad = || ApiError::new(Code::BadCursor);
    let b64 = c.strip_prefix(CURSOR_PREFIX).ok_or_else(bad)?;
    let raw = base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(b64).map_err(|_| bad())?;
    let (t, id): (String, String) = serde_json::from_slice(&raw).map_err(|_| bad())?;
    let ty = RecordType::from_code(&t).ok_or_else(bad)?;
    // Exactly as the node writes it: another spelling of the same position is no cursor.
    if encode_cursor(ty, &id) != c {
        return Err(bad());
    }
    Ok((ty, id))
}

fn limit_of(q: &HashMap<String, String>, default: usize, max: usize) -> Result<usize, ApiError> {
    match q.get("limit") {
        None => Ok(default),
        Some(s) => match s.parse::<usize>() {
            Ok(n) if (1..=max).contains(&n) => Ok(n),
            _ => Err(ApiError::with(
                Code::BadQuery,
                format!("limit 须在 1 到 {max} 之间"),
                format!("limit must be 1 to {max}"),
            )),
        },
    }
}

fn known_params(q: &HashMap<String, String>, known: &[&str]) -> Result<(), ApiError> {
    if let Some(k) = q.keys().find(|k| !known.contains(&k.as_str())) {
        let k: String = k.chars().filter(char::is_ascii_alphanumeric).take(40).collect();
        return Err(ApiError::with(Code::BadQuery, format!("未知参数 {k}"), format!("unknown parameter {k}")));
    }
    Ok(())
}

async fn list(
    State(node): State<Shared>,
    q: Result<Query<Vec<(String, String)>>, QueryRejection>,
    headers: HeaderMap,
) -> ApiResult {
    let who = auth(&node, &headers)?.clone();
    let q = unique_params(q)?;
    known_params(&q, &["type", "updatedSince", "place", "limit", "cursor"])?;
    let limit = limit_of(&q, 100, 1000)?;
    let record_type = q.get("type").map(|t| record_type(t)).transpose()?;
    let updated_since = q
        .get("updatedSince")
        .map(|s| {
            s.parse::<linli_model::datetime::Timestamp>()
                .ok()
                .and_then(|t| t.as_offset_datetime().checked_to_offset(time::UtcOffset::UTC))
                .map(|t| linli_model::datetime::Timestamp::from_offset_datetime(t).to_string())
                .ok_or_else(|| {
                    ApiError::with(
                        Code::BadQuery,
                        "updatedSince 须为带时区的 RFC 3339 时间",
                        "updatedSince must be an RFC 3339 time with offset",
                    )
                })
        })
        .transpose()?;
    let after = q.get("cursor").map(|c| decode_cursor(c)).transpose()?;
    let purpose = purpose(&who, &headers)?;
    // The filter runs on stored places: above internal it would tell where a masked record lies
    // (a room the record itself shows only as its community) [API-016].
    if q.contains_key("place") && who.read != SharingLevel::Internal {
        return Err(ApiError::with(
            Code::Forbidden,
            "按地点筛选只对内部级别的调用方开放",
            "filtering by place is open to callers at level internal only",
        ));
    }
    let query = ListQuery { record_type, updated_since, place: q.get("place").cloned(), after, limit };
    let n = Arc::clone(&node);
    blocking(move || {
        let page = n.store.list(&query)?;
        let next = if page.len() == limit { page.last().map(|r| encode_cursor(r.record_type, &r.id)) } else { None };
        let masker = n.views.masker(n.store.as_ref(), who.read)?;
        let records: Vec<Value> =
            page.iter().filter_map(|r| r.body.as_deref().map(|b| listed(masker.mask(b), r))).collect();
        let withheld = withheld_in(&records, "withheld");
        audit_entry(
            &n,
            &who,
            "list",
            who.read,
            purpose,
            page.iter().map(|r| format!("{}/{}", r.record_type.code(), r.id)).collect(),
            Vec::new(),
            withheld,
        )?;
        Ok(Json(json!({"records": records, "next": next})).into_response())
    })
    .await
}

async fn delete(
    State(node): State<Shared>,
    path: Result<Path<(String, String)>, PathRejection>,
    headers: HeaderMap,
) -> ApiResult {
    let who = auth(&node, &headers)?.clone();
    let Path((ty, id)) = path.map_err(path_error)?;
    let ty = record_type(&ty)?;
    let pre = precondition(&headers)?;
    if pre == Precondition::IfNoneMatchAny {
        // `If-None-Match: *` asks that the record not exist: a delete under it has nothing to do `[API-013]`.
        return Err(ApiError::with(
            Code::BadHeader,
            "DELETE 不接受 If-None-Match",
            "If-None-Match is not accepted on DELETE",
        ));
    }
    let n = Arc::clone(&node);
    blocking(move || {
        let name = format!("{}/{id}", ty.code());
        // Every delete, done or refused, is audited [API-080].
        let refused = |e: ApiError| {
            audit_writes(&n, &who, "delete", vec![(name.clone(), e.code.as_str().to_owned())])?;
            Err(e)
        };
        if !who.write.contains(&ty) {
            return refused(ApiError::new(Code::Forbidden));
        }
        let pre = stored_precondition(&n, ty, &id, pre)?;
        // A vendor deletes only its own records: judged by the store on the stored record, in the
        // delete's transaction [API-002].
        match n.store.delete_as(ty, &id, &pre, owner_guard(&who))? {
            DeleteOutcome::Deleted { .. } => {
                n.changed.notify_waiters();
                audit_writes(&n, &who, "delete", vec![(name.clone(), "deleted".to_owned())])?;
                Ok(StatusCode::NO_CONTENT.into_response())
            }
            DeleteOutcome::NotFound => refused(ApiError::new(Code::NotFound)),
            DeleteOutcome::PreconditionFailed => refused(ApiError::new(Code::PreconditionFailed)),
            DeleteOutcome::Forbidden => refused(owned_by_other()),
        }
    })
    .await
}

/// `Type/id` of the entries of a listing or feed page that carry `key` (withheld) `[API-080]`.
fn withheld_in(entries: &[Value], key: &str) -> Vec<String> {
    entries
        .iter()
        .filter(|v| v.get(key).is_some())
        .filter_map(|v| Some(format!("{}/{}", v.get("type")?.as_str()?, v.get("id")?.as_str()?)))
        .collect()
}

/// A record of a listing: the masked record, or where it is withheld, its type, id and the
/// code of the finding that withheld it `[API-034]`.
fn listed(m: crate::view::Masked, r: &StoredRecord) -> Value {
    match m {
        crate::view::Masked::Record(v) => v,
        crate::view::Masked::Withheld(code) => json!({"type": r.record_type.code(), "id": r.id, "withheld": code}),
    }
}

fn change_json(node: &Node, r: &StoredRecord, masker: &crate::view::LevelMasker<'_>) -> Value {
    match &r.body {
        Some(b) => {
            let mut v = json!({"seq": r.seq.to_string(), "op": "upsert", "type": r.record_type.code(), "id": r.id, "etag": etag_out(node, &r.etag), "updatedAt": r.updated_at});
            match masker.mask(b) {
                crate::view::Masked::Record(rec) => v["record"] = rec,
                crate::view::Masked::Withheld(code) => v["withheld"] = json!(code),
            }
            v
        }
        None => {
            json!({"seq": r.seq.to_string(), "op": "delete", "type": r.record_type.code(), "id": r.id, "updatedAt": r.updated_at})
        }
    }
}

fn feed_cursor(seq: u64) -> String {
    format!("f1.{seq}")
}

/// A feed cursor, exactly as [`feed_cursor`] writes it: `f1.` and a decimal number without sign or
/// leading zero `[API-020]`.
fn decode_feed(c: &str) -> Result<u64, ApiError> {
    c.strip_prefix("f1.")
        .filter(|s| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()) && (*s == "0" || !s.starts_with('0')))
        .and_then(|s| s.parse::<u64>().ok())
        .ok_or_else(|| ApiError::new(Code::BadCursor))
}

async fn changes(
    State(node): State<Shared>,
    q: Result<Query<Vec<(String, String)>>, QueryRejection>,
    headers: HeaderMap,
) -> ApiResult {
    let who = auth(&node, &headers)?.clone();
    let q = unique_params(q)?;
    known_params(&q, &["since", "limit", "wait"])?;
    let since = q.get("since").map(|c| decode_feed(c)).transpose()?.unwrap_or(0);
    let limit = limit_of(&q, 100, 1000)?;
    let wait = match q.get("wait") {
        None => 0,
        Some(s) => match s.parse::<u64>() {
            Ok(n) if n <= 60 => n,
            _ => return Err(ApiError::with(Code::BadQuery, "wait 须在 0 到 60 之间", "wait must be 0 to 60")),
        },
    };
    let purpose = purpose(&who, &headers)?;
    let deadline = tokio::time::Instant::now() + Duration::from_secs(wait);
    loop {
        // Registered before the read, so that a write between the read and the wait wakes it.
        let notified = node.changed.notified();
        let n = Arc::clone(&node);
        let page = blocking(move || Ok(n.store.changes(since, limit)?)).await?;
        if !page.is_empty() || tokio::time::Instant::now() >= deadline {
            let n = Arc::clone(&node);
            let w = who.clone();
            return blocking(move || {
                let masker = n.views.masker(n.store.as_ref(), w.read)?;
                let next = page.last().map_or(since, |r| r.seq);
                let list: Vec<Value> = page.iter().map(|r| change_json(&n, r, &masker)).collect();
                let records = page
                    .iter()
                    .filter(|r| r.body.is_some())
                    .map(|r| format!("{}/{}", r.record_type.code(), r.id))
                    .collect();
                let withheld = withheld_in(&list, "withheld");
                audit_entry(&n, &w, "changes", w.read, purpose, records, Vec::new(), withheld)?;
                Ok(Json(json!({"changes": list, "next": feed_cursor(next)})).into_response())
            })
            .await;
        }
        // Woken by a write on this node, or after a second for writes by other nodes.
        let step = deadline.saturating_duration_since(tokio::time::Instant::now()).min(Duration::from_secs(1));
        let _ = tokio::time::timeout(step, notified).await;
    }
}

async fn status(State(node): State<Shared>, headers: HeaderMap) -> ApiResult {
    let who = auth(&node, &headers)?.clone();
    let n = Arc::clone(&node);
    blocking(move || {
        let counts: serde_json::Map<String, Value> =
            n.store.counts()?.into_iter().map(|(t, c)| (t.code().to_owned(), json!(c))).collect();
        let head = n.store.head()?;
        // What a mirror at the caller's level names as its protection [API-021], [SHR-022].
        let profile = n.views.profile(who.read);
        let key_id = if profile.needs_key() { n.views.key().map(|k| k.id().to_owned()) } else { None };
        Ok(Json(json!({
            "protection": {"profile": profile.name, "keyId": key_id, "tool": format!("linli serve {}", env!("CARGO_PKG_VERSION"))},
            "principal": who.name,
            "readLevel": who.read.code(),
            "counts": counts,
            "feed": feed_cursor(head),
            "storage": n.config.storage_label,
            "version": env!("CARGO_PKG_VERSION"),
        }))
        .into_response())
    })
    .await
}

async fn export(
    State(node): State<Shared>,
    q: Result<Query<Vec<(String, String)>>, QueryRejection>,
    headers: HeaderMap,
) -> ApiResult {
    let who = auth(&node, &headers)?.clone();
    let q = unique_params(q)?;
    known_params(&q, &["level", "at"])?;
    let level = match q.get("level") {
        None => who.read,
        Some(l) => crate::dataset::level(l).ok_or_else(|| {
            ApiError::with(
                Code::BadQuery,
                "level 须为 internal、inter-department 或 public",
                "level must be internal, inter-department or public",
            )
        })?,
    };
    if crate::view::rank(level) > crate::view::rank(who.read) {
        return Err(ApiError::new(Code::LevelTooHigh));
    }
    let at = match q.get("at") {
        None => linli_model::support::clock::now_china(),
        Some(s) => {
            let at: linli_model::datetime::Timestamp = s.parse().map_err(|_| {
                ApiError::with(
                    Code::BadQuery,
                    "at 须为带时区的 RFC 3339 时间",
                    "at must be an RFC 3339 time with offset",
                )
            })?;
            // Ages are judged on `at` [SHR-007]: a time to come would show minors as adults.
            if at.as_offset_datetime() > linli_model::support::clock::now_utc().as_offset_datetime() {
                return Err(ApiError::with(Code::BadQuery, "at 不能晚于现在", "at cannot be later than now"));
            }
            at
        }
    };
    let purpose = if level == SharingLevel::Internal { purpose(&who, &headers)? } else { purpose_opt(&headers)? };
    let permit = heavy(&node)?;
    let n = Arc::clone(&node);
    let file = blocking(move || {
        let _permit = permit;
        let head = n.store.head()?;
        let f = crate::dataset::export_tar(n.store.as_ref(), &n.views, level, at, &n.config.work_dir).map_err(|e| {
            eprintln!("linli serve: export failed: {e}");
            ApiError::new(Code::Internal)
        })?;
        audit(&n, &who, "export", level, purpose, vec![format!("*@{}", feed_cursor(head))])?;
        Ok(f)
    })
    .await?;
    // Streamed from the temporary file (removed once sent), in parts of 256 KiB.
    let reader = file.reopen().map_err(|_| ApiError::new(Code::Internal))?;
    let len = reader.metadata().map(|m| m.len()).ok();
    let stream = futures_util::stream::unfold(Some((reader, file)), |state| async move {
        let (mut reader, file) = state?;
        let read = tokio::task::spawn_blocking(move || {
            let mut buf = vec![0u8; 256 << 10];
            let n = std::io::Read::read(&mut reader, &mut buf);
            (reader, buf, n)
        })
        .await;
        match read {
            Ok((reader, mut buf, Ok(n))) if n > 0 => {
                buf.truncate(n);
                Some((Ok::<_, std::io::Error>(buf), Some((reader, file))))
            }
            Ok((_, _, Err(e))) => Some((Err(e), None)),
            _ => None,
        }
    });
    let mut r = ([(header::CONTENT_TYPE, "application/x-tar")], Body::from_stream(stream)).into_response();
    if let Some(len) = len.and_then(|l| HeaderValue::from_str(&l.to_string()).ok()) {
        r.headers_mut().insert(header::CONTENT_LENGTH, len);
    }
    if let Ok(v) = HeaderValue::from_str(&at.to_string()) {
        r.headers_mut().insert("x-linli-created-at", v);
    }
    r.headers_mut()
        .insert(header::CONTENT_DISPOSITION, HeaderValue::from_static("attachment; filename=\"linli-export.tar\""));
    Ok(r)
}

/// The declared purpose as sent (percent-encoding carries one written in Chinese through a
/// header), trimmed. A header that is sent must hold one: UTF-8 once decoded, not empty, no
/// control character, at most 200 characters; else `400` `api-purpose-invalid` `[API-081]`.
fn purpose_opt(headers: &HeaderMap) -> Result<Option<String>, ApiError> {
    let Some(v) = headers.get("x-linli-purpose") else { return Ok(None) };
    let bad = |zh: &str, en: &str| ApiError::with(Code::PurposeInvalid, zh, en);
    let decoded = String::from_utf8(percent_decode(v.as_bytes()))
        .map_err(|_| bad("解码后不是 UTF-8 文本", "not UTF-8 text once percent-decoded"))?;
    let p = decoded.trim();
    if p.is_empty() {
        return Err(bad("为空", "empty"));
    }
    if p.chars().any(char::is_control) {
        return Err(bad("含控制字符", "holds a control character"));
    }
    // Invisible or reordering characters: a zero-width space alone would pass for a purpose, a
    // right-to-left override would make the audit log read otherwise than what was sent.
    if p.chars().any(is_format_char) {
        return Err(bad("含格式字符（不可见或改变方向的字符）", "holds a format character (invisible or reordering)"));
    }
    // Line and paragraph separators, private-use characters and noncharacters: no reader of the
    // audit log sees what they say.
    if p.chars().any(is_unreadable_char) {
        return Err(bad(
            "含行或段落分隔符、私用区字符或非字符",
            "holds a line or paragraph separator, a private-use character or a noncharacter",
        ));
    }
    // Blank fillers and combining marks alone (U+3164 HANGUL FILLER, U+2800 BRAILLE BLANK, a lone
    // U+0301) show nothing: a purpose has at least one character that is seen.
    if p.chars().all(|c| c.is_whitespace() || is_blank_or_mark(c)) {
        return Err(bad("没有可见的字符", "has no visible character"));
    }
    if p.chars().count() > 200 {
        return Err(bad("超过 200 个字符", "longer than 200 characters"));
    }
    // A purpose that quotes an ID number or a phone ("核查 3205…"): kept masked, as an id is
    // ([PRI-011]), so that the audit log holds no personal number.
    Ok(Some(linli_model::redact::redact(p).into_owned()))
}

/// Line and paragraph separators (Zl, Zp), private-use characters (Co) and noncharacters
/// `[API-081]`.
fn is_unreadable_char(c: char) -> bool {
    let cp = u32::from(c);
    matches!(c, '\u{2028}' | '\u{2029}' | '\u{e000}'..='\u{f8ff}' | '\u{fdd0}'..='\u{fdef}')
        || cp >= 0xF0000
        || (cp & 0xFFFE) == 0xFFFE
}

/// Characters that show nothing by themselves: the blank fillers and variation selectors of
/// Default_Ignorable_Code_Point that are not format characters, the braille blank, and the
/// combining diacritical marks `[API-081]`.
fn is_blank_or_mark(c: char) -> bool {
    matches!(c,
        '\u{34f}' | '\u{115f}' | '\u{1160}' | '\u{17b4}' | '\u{17b5}' | '\u{180b}'..='\u{180f}' | '\u{2800}'
        | '\u{3164}' | '\u{fe00}'..='\u{fe0f}' | '\u{ffa0}' | '\u{e0100}'..='\u{e01ef}'
        | '\u{300}'..='\u{36f}' | '\u{1ab0}'..='\u{1aff}' | '\u{1dc0}'..='\u{1dff}' | '\u{20d0}'..='\u{20ff}'
        | '\u{fe20}'..='\u{fe2f}' | '\u{3099}' | '\u{309a}')
}

/// Whether `c` is of the Unicode general category Cf (format) `[API-081]`.
fn is_format_char(c: char) -> bool {
    matches!(c,
        '\u{ad}' | '\u{600}'..='\u{605}' | '\u{61c}' | '\u{6dd}' | '\u{70f}' | '\u{890}'..='\u{891}' | '\u{8e2}'
        | '\u{180e}' | '\u{200b}'..='\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2060}'..='\u{2064}'
        | '\u{2066}'..='\u{206f}' | '\u{feff}' | '\u{fff9}'..='\u{fffb}' | '\u{110bd}' | '\u{110cd}'
        | '\u{13430}'..='\u{1343f}' | '\u{1bca0}'..='\u{1bca3}' | '\u{1d173}'..='\u{1d17a}' | '\u{e0001}'
        | '\u{e0020}'..='\u{e007f}')
}

async fn report(State(node): State<Shared>, headers: HeaderMap) -> ApiResult {
    let who = auth(&node, &headers)?;
    // The report speaks of the raw store (household numbers, shared identifiers): internal only.
    if who.read != SharingLevel::Internal {
        return Err(ApiError::with(
            Code::Forbidden,
            "数据集报告只对内部级别的调用方开放",
            "the dataset report is open to callers at level internal only",
        ));
    }
    let permit = heavy(&node)?;
    let n = Arc::clone(&node);
    blocking(move || {
        let _permit = permit;
        let r = crate::dataset::report(n.store.as_ref(), &n.validator, &n.config.work_dir).map_err(|e| {
            eprintln!("linli serve: report failed: {e}");
            ApiError::new(Code::Internal)
        })?;
        Ok(Json(r).into_response())
    })
    .await
}

/// `POST /v1/check`: the clerk's upload — an NDJSON file, a zip or tar.gz dataset — checked as
/// `linli validate` checks it; nothing is stored. `?format=html` (default) or `json`; `lang`.
/// Departments only; the upload is written to a temporary file as it arrives `[API-070]`.
async fn check(
    State(node): State<Shared>,
    q: Result<Query<Vec<(String, String)>>, QueryRejection>,
    headers: HeaderMap,
    body: Body,
) -> ApiResult {
    let who = auth(&node, &headers)?;
    if who.kind != crate::principal::Kind::Department {
        return Err(forbidden("检查上传只对部门调用方开放", "the check of an upload is open to departments only"));
    }
    let q = unique_params(q)?;
    known_params(&q, &["format", "lang", "name"])?;
    let html = q.get("format").is_none_or(|f| f == "html");
    let zh = q.get("lang").is_none_or(|l| l != "en");
    let permit = heavy(&node)?;
    let internal = |e: std::io::Error| {
        eprintln!("linli serve: check: {e}");
        ApiError::new(Code::Internal)
    };
    // Removed with everything in it when the request ends, answered or not.
    let tmp = tempfile::Builder::new().prefix(".linli-check-").tempdir_in(&node.config.work_dir).map_err(internal)?;
    let spool = tmp.path().join("upload.part");
    let mut file = std::fs::File::create(&spool).map_err(internal)?;
    let first = spool_body(&node, body, node.config.max_upload, &mut file).await?;
    drop(file);
    let ext = match q.get("name").map(|s| s.to_ascii_lowercase()) {
        Some(n) if n.ends_with(".zip") => "zip",
        Some(n) if n.ends_with(".tar.gz") || n.ends_with(".tgz") => "tar.gz",
        Some(n) if n.ends_with(".tar") => "tar",
        Some(n) if n.ends_with(".json") => "json",
        Some(n) if n.ends_with(".ndjson.gz") || n.ends_with(".jsonl.gz") => "ndjson.gz",
        _ if first.starts_with(b"PK") => "zip",
        _ if first.starts_with(&[0x1f, 0x8b]) => "tar.gz",
        _ => "ndjson",
    };
    // The report names the file as the clerk chose it (its last part, in letters, digits and
    // `._-` only), or `upload.EXT`.
    let name = q
        .get("name")
        .map(|n| n.rsplit(['/', '\\']).next().unwrap_or("").to_owned())
        .map(|n| {
            n.chars()
                .map(|c| if c.is_alphanumeric() || matches!(c, '.' | '_' | '-') { c } else { '_' })
                .collect::<String>()
        })
        .filter(|n| !n.starts_with('.') && n.ends_with(ext) && n.len() <= 200 && n != "upload.part")
        .unwrap_or_else(|| format!("upload.{ext}"));
    let n = Arc::clone(&node);
    blocking(move || {
        let _permit = permit;
        let file = tmp.path().join(&name);
        std::fs::rename(&spool, &file).map_err(internal)?;
        let opts = linli_validate::Options { dataset_checks: true, threads: 1, ..Default::default() };
        let prefix = format!("{}/", tmp.path().display());
        let mut r = match linli_validate::validate_paths(std::slice::from_ref(&file), &n.validator, &opts) {
            Ok(r) => r,
            Err(e) => {
                // Said without the node's own folders.
                return Err(ApiError::with(
                    Code::UploadUnreadable,
                    e.message(true).replace(&prefix, ""),
                    e.message(false).replace(&prefix, ""),
                ));
            }
        };
        crate::dataset::relative(&mut r, &prefix);
        if html {
            let lang = if zh { linli_validate::report::Lang::Zh } else { linli_validate::report::Lang::En };
            Ok(Html(linli_validate::report::render_html(&r, lang)).into_response())
        } else {
            Ok(Json(r).into_response())
        }
    })
    .await
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use super::*;

    /// An upload over the limit is refused `413` as it is spooled, and the partial file is removed
    /// with its folder `[API-070]`, `[API-041]`.
    #[test]
    fn an_upload_over_the_limit_is_refused_and_its_partial_spool_removed() {
        let dir = tempfile::tempdir().unwrap();
        let store = Arc::new(crate::store::sqlite::SqliteStore::open(dir.path()).unwrap());
        let work = dir.path().join("work");
        std::fs::create_dir_all(&work).unwrap();
        let mut config = crate::Config::new(work.clone(), "sqlite");
        config.max_upload = 1000;
        let token = "clerk-token";
        let toml = format!(
            "[[principal]]\nname = \"clerk\"\nkind = \"department\"\ntoken-sha256 = \"{}\"\nwrite = []\nread = \"public\"\n",
            crate::principal::token_hash(token)
        );
        let principals = crate::Principals::from_toml(&toml, "p.toml").unwrap();
        let key = linli_privacy::Key::new(&[9u8; 32], "test").unwrap();
        let node = Arc::new(Node::new(store, principals, Some(key), config).unwrap());
        let mut headers = HeaderMap::new();
        headers.insert(header::AUTHORIZATION, HeaderValue::from_str(&format!("Bearer {token}")).unwrap());
        let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        let over = rt.block_on(check(
            State(Arc::clone(&node)),
            Ok(Query(Vec::new())),
            headers.clone(),
            Body::from(vec![b'{'; 1001]),
        ));
        let e = over.expect_err("refused");
        assert_eq!(e.code, Code::TooLarge);
        assert_eq!(std::fs::read_dir(&work).unwrap().count(), 0, "no partial upload kept");
        // At the limit: read and checked.
        let at = rt.block_on(check(State(node), Ok(Query(Vec::new())), headers, Body::from(vec![b' '; 1000])));
        assert!(at.is_ok());
        assert_eq!(std::fs::read_dir(&work).unwrap().count(), 0, "nothing kept after the answer");
    }
}
