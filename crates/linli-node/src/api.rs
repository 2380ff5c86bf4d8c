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
        .with_state(node)
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

fn path_error(_: PathRejection) -> ApiError {
    ApiError::new(Code::NoRoute)
}

fn query_error(e: QueryRejection) -> ApiError {
    // The parser's message names the parameter, not a record value.
    ApiError::with(Code::BadQuery, e.body_text(), e.body_text())
}

async fn blocking<T: Send + 'static>(f: impl FnOnce() -> Result<T, ApiError> + Send + 'static) -> Result<T, ApiError> {
    tokio::task::spawn_blocking(f).await.map_err(|_| ApiError::new(Code::Internal))?
}

/// Read a body of at most `limit` bytes; each chunk must arrive within the node's idle time.
async fn read_body(node: &Node, body: Body, limit: usize) -> Result<Vec<u8>, ApiError> {
    let mut stream = body.into_data_stream();
    let mut out = Vec::new();
    loop {
        let next =
            tokio::time::timeout(node.config.idle, stream.next()).await.map_err(|_| ApiError::new(Code::SlowClient))?;
        let Some(chunk) = next else { break };
        let chunk = chunk.map_err(|_| ApiError::new(Code::SlowClient))?;
        if out.len() + chunk.len() > limit {
            return Err(ApiError::with(
                Code::TooLarge,
                format!("上限 {limit} 字节"),
                format!("the limit is {limit} bytes"),
            ));
        }
        out.extend_from_slice(&chunk);
    }
    Ok(out)
}

fn etag_of(body: &str) -> String {
    linli_model::support::hex::encode(&Sha256::digest(body.as_bytes()))
}

fn quoted(etag: &str) -> HeaderValue {
    HeaderValue::from_str(&format!("\"{etag}\"")).unwrap_or(HeaderValue::from_static("\"\""))
}

fn precondition(headers: &HeaderMap) -> Result<Precondition, ApiError> {
    let bad = || ApiError::with(Code::BadHeader, "If-Match 须为带引号的 ETag", "If-Match must be a quoted ETag");
    if let Some(v) = headers.get(header::IF_MATCH) {
        let s = v.to_str().map_err(|_| bad())?.trim();
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

/// The places a record lies at, for `?place=`.
fn places_of(v: &Value) -> Vec<String> {
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
    // A vendor may not take over another vendor's record: the stored record (live or deleted)
    // must be its own too [API-002].
    if who.kind == crate::principal::Kind::Vendor {
        let stored_vendor = match node.store.get(ty, &id) {
            Ok(Some(r)) => r
                .body
                .as_deref()
                .and_then(|b| serde_json::from_str::<Value>(b).ok())
                .and_then(|s| s.pointer("/meta/source/vendor").and_then(Value::as_str).map(str::to_owned)),
            Ok(None) => None,
            Err(e) => return Checked::Refused(e.into(), None),
        };
        if stored_vendor.is_some_and(|sv| Some(sv.as_str()) != vendor) {
            return Checked::Refused(
                ApiError::with(
                    Code::Forbidden,
                    "已存储的记录属于另一供应商",
                    "the stored record belongs to another vendor",
                ),
                None,
            );
        }
    }
    // serde_json's map keeps members in key order: the canonical form.
    let body = v.to_string();
    let etag = etag_of(&body);
    Checked::Ok(NewRecord { record_type: ty, id, places: places_of(&v), body, etag })
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
    let pre = precondition(&headers)?;
    let bytes = read_body(&node, body, node.config.max_body).await?;
    let text =
        String::from_utf8(bytes).map_err(|_| ApiError::with(Code::NotJson, "不是 UTF-8 文本", "not UTF-8 text"))?;
    let n = Arc::clone(&node);
    blocking(move || {
        let rec = match check_record(&n, &who, &text, None, Some((ty, &id))) {
            Checked::Ok(r) => r,
            Checked::Refused(e, Some(report)) => {
                // The error body of every error answer `[API-040]`, with the report `[API-010]`.
                let mut body = e.body();
                body["report"] = report;
                return Ok((e.status(), Json(body)).into_response());
            }
            Checked::Refused(e, None) => return Err(e),
        };
        let etag = rec.etag.clone();
        let outcome = crate::store::put_one(n.store.as_ref(), rec, pre)?;
        let (status, word, seq) = match outcome {
            PutOutcome::Created { seq } => (StatusCode::CREATED, "created", Some(seq)),
            PutOutcome::Updated { seq } => (StatusCode::OK, "updated", Some(seq)),
            PutOutcome::Unchanged => (StatusCode::OK, "unchanged", None),
            PutOutcome::PreconditionFailed => return Err(ApiError::new(Code::PreconditionFailed)),
        };
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
    let mut stream = body.into_data_stream();
    let mut out: Vec<u8> = Vec::new();
    let mut splitter = crate::lines::Splitter::new(node.config.max_body);
    let mut pieces = Vec::new();
    let mut pending: Vec<(u64, String)> = Vec::new();
    loop {
        let next =
            tokio::time::timeout(node.config.idle, stream.next()).await.map_err(|_| ApiError::new(Code::SlowClient))?;
        let end = match next {
            Some(Ok(c)) => {
                splitter.push(&c, &mut pieces);
                false
            }
            Some(Err(_)) => return Err(ApiError::new(Code::SlowClient)),
            None => {
                splitter.finish(&mut pieces);
                true
            }
        };
        for p in pieces.drain(..) {
            match p {
                crate::lines::Piece::Line(n, bytes) => take_line(bytes, n, &mut pending),
                crate::lines::Piece::TooLong(n) => pending.push((n, String::from(TOO_LONG))),
            }
        }
        if pending.len() >= 256 || (end && !pending.is_empty()) {
            let lines = std::mem::take(&mut pending);
            let n = Arc::clone(&node);
            let w = who.clone();
            let results = blocking(move || write_lines(&n, &w, lines)).await?;
            out.extend_from_slice(&results);
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
fn take_line(bytes: Vec<u8>, line: u64, pending: &mut Vec<(u64, String)>) {
    let trimmed = bytes.strip_suffix(b"\r").unwrap_or(&bytes);
    if trimmed.iter().all(u8::is_ascii_whitespace) {
        return;
    }
    match String::from_utf8(trimmed.to_vec()) {
        Ok(s) => pending.push((line, s)),
        Err(_) => {
            // Results are in input order: lines waiting are flushed in order by `write_lines`,
            // so a line refused here waits with them.
            pending.push((line, String::from(NOT_UTF8)));
        }
    }
}

/// Validate and write a group of batch lines in one transaction; their results in order.
fn write_lines(node: &Node, who: &Principal, lines: Vec<(u64, String)>) -> Result<Vec<u8>, ApiError> {
    let mut out = Vec::new();
    let mut results: Vec<Option<Value>> = Vec::with_capacity(lines.len());
    let mut writes = Vec::new();
    let mut slots = Vec::new();
    for (i, (line, text)) in lines.iter().enumerate() {
        if text == NOT_UTF8 || text == TOO_LONG {
            let e = ApiError::new(if text == NOT_UTF8 { Code::NotJson } else { Code::LineTooLong });
            results.push(Some(json!({"line": line, "status": e.status().as_u16(), "code": e.code.as_str()})));
            continue;
        }
        match check_record(node, who, text, Some(*line), None) {
            Checked::Ok(r) => {
                results.push(None);
                slots.push((i, r.record_type, r.id.clone(), r.etag.clone()));
                writes.push((r, Precondition::None));
            }
            Checked::Refused(e, report) => {
                let mut v = json!({"line": line, "status": e.status().as_u16(), "code": e.code.as_str()});
                if let Some(report) = report {
                    v["findings"] = report.get("findings").cloned().unwrap_or(Value::Null);
                }
                results.push(Some(v));
            }
        }
    }
    let outcomes = if writes.is_empty() { Vec::new() } else { node.store.put_many(&writes)? };
    let mut changed = false;
    for ((i, ty, id, etag), o) in slots.into_iter().zip(outcomes) {
        let (status, word) = match o {
            PutOutcome::Created { .. } => (201, "created"),
            PutOutcome::Updated { .. } => (200, "updated"),
            PutOutcome::Unchanged => (200, "unchanged"),
            PutOutcome::PreconditionFailed => (412, "precondition-failed"),
        };
        changed |= status == 201 || word == "updated";
        results[i] = Some(
            json!({"line": lines[i].0, "status": status, "type": ty.code(), "id": id, "etag": etag, "result": word}),
        );
    }
    if changed {
        node.changed.notify_waiters();
    }
    for v in results.into_iter().flatten() {
        push_result(&mut out, v);
    }
    Ok(out)
}

/// The purpose of a read `[API-031]`: required at level internal.
fn purpose(who: &Principal, headers: &HeaderMap) -> Result<Option<String>, ApiError> {
    let p = purpose_opt(headers).filter(|s| !s.is_empty());
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
    };
    node.store.append_audit(&entry)?;
    Ok(())
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
                return Err(ApiError::with(
                    Code::Withheld,
                    format!("首个问题 {code}"),
                    format!("first finding {code}"),
                ));
            }
        };
        audit(&n, &who, "read", who.read, purpose, vec![format!("{}/{}", ty.code(), id)])?;
        let mut resp = Json(v).into_response();
        resp.headers_mut().insert(header::ETAG, quoted(&r.etag));
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
    Ok((RecordType::from_code(&t).ok_or_else(bad)?, id))
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
    q: Result<Query<HashMap<String, String>>, QueryRejection>,
    headers: HeaderMap,
) -> ApiResult {
    let who = auth(&node, &headers)?.clone();
    let Query(q) = q.map_err(query_error)?;
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
        audit(
            &n,
            &who,
            "list",
            who.read,
            purpose,
            page.iter().map(|r| format!("{}/{}", r.record_type.code(), r.id)).collect(),
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
        // A vendor deletes only its own records: judged on the stored record.
        let stored = n.store.get(ty, &id)?;
        let vendor = stored
            .as_ref()
            .and_then(|r| r.body.as_deref())
            .and_then(|b| serde_json::from_str::<Value>(b).ok())
            .and_then(|v| v.pointer("/meta/source/vendor").and_then(Value::as_str).map(str::to_owned));
        if !who.write.contains(&ty)
            || (stored.as_ref().is_some_and(|r| r.body.is_some()) && !who.may_write(ty, vendor.as_deref()))
        {
            return Err(ApiError::new(Code::Forbidden));
        }
        match n.store.delete(ty, &id, &pre)? {
            DeleteOutcome::Deleted { .. } => {
                n.changed.notify_waiters();
                Ok(StatusCode::NO_CONTENT.into_response())
            }
            DeleteOutcome::NotFound => Err(ApiError::new(Code::NotFound)),
            DeleteOutcome::PreconditionFailed => Err(ApiError::new(Code::PreconditionFailed)),
        }
    })
    .await
}

/// A record of a listing: the masked record, or where it is withheld, its type, id and the
/// code of the finding that withheld it `[API-034]`.
fn listed(m: crate::view::Masked, r: &StoredRecord) -> Value {
    match m {
        crate::view::Masked::Record(v) => v,
        crate::view::Masked::Withheld(code) => json!({"type": r.record_type.code(), "id": r.id, "withheld": code}),
    }
}

fn change_json(r: &StoredRecord, masker: &crate::view::LevelMasker<'_>) -> Value {
    match &r.body {
        Some(b) => {
            let mut v = json!({"seq": r.seq.to_string(), "op": "upsert", "type": r.record_type.code(), "id": r.id, "etag": r.etag, "updatedAt": r.updated_at});
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

fn decode_feed(c: &str) -> Result<u64, ApiError> {
    c.strip_prefix("f1.").and_then(|s| s.parse::<u64>().ok()).ok_or_else(|| ApiError::new(Code::BadCursor))
}

async fn changes(
    State(node): State<Shared>,
    q: Result<Query<HashMap<String, String>>, QueryRejection>,
    headers: HeaderMap,
) -> ApiResult {
    let who = auth(&node, &headers)?.clone();
    let Query(q) = q.map_err(query_error)?;
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
                let list: Vec<Value> = page.iter().map(|r| change_json(r, &masker)).collect();
                let records = page
                    .iter()
                    .filter(|r| r.body.is_some())
                    .map(|r| format!("{}/{}", r.record_type.code(), r.id))
                    .collect();
                audit(&n, &w, "changes", w.read, purpose, records)?;
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
    q: Result<Query<HashMap<String, String>>, QueryRejection>,
    headers: HeaderMap,
) -> ApiResult {
    let who = auth(&node, &headers)?.clone();
    let Query(q) = q.map_err(query_error)?;
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
    let purpose = if level == SharingLevel::Internal { purpose(&who, &headers)? } else { purpose_opt(&headers) };
    let n = Arc::clone(&node);
    let file = blocking(move || {
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
/// header), trimmed, at most 200 characters.
fn purpose_opt(headers: &HeaderMap) -> Option<String> {
    headers
        .get("x-linli-purpose")
        .map(|v| String::from_utf8_lossy(&percent_decode(v.as_bytes())).trim().chars().take(200).collect())
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
    let n = Arc::clone(&node);
    blocking(move || {
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
async fn check(
    State(node): State<Shared>,
    q: Result<Query<HashMap<String, String>>, QueryRejection>,
    headers: HeaderMap,
    body: Body,
) -> ApiResult {
    let _who = auth(&node, &headers)?;
    let Query(q) = q.map_err(query_error)?;
    known_params(&q, &["format", "lang", "name"])?;
    let html = q.get("format").is_none_or(|f| f == "html");
    let zh = q.get("lang").is_none_or(|l| l != "en");
    let bytes = read_body(&node, body, node.config.max_upload).await?;
    let ext = match q.get("name").map(|s| s.to_ascii_lowercase()) {
        Some(n) if n.ends_with(".zip") => "zip",
        Some(n) if n.ends_with(".tar.gz") || n.ends_with(".tgz") => "tar.gz",
        Some(n) if n.ends_with(".tar") => "tar",
        Some(n) if n.ends_with(".json") => "json",
        Some(n) if n.ends_with(".ndjson.gz") || n.ends_with(".jsonl.gz") => "ndjson.gz",
        _ if bytes.starts_with(b"PK") => "zip",
        _ if bytes.starts_with(&[0x1f, 0x8b]) => "tar.gz",
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
        .filter(|n| !n.starts_with('.') && n.ends_with(ext) && n.len() <= 200)
        .unwrap_or_else(|| format!("upload.{ext}"));
    let n = Arc::clone(&node);
    blocking(move || {
        let tmp = tempfile::Builder::new()
            .prefix(".linli-check-")
            .tempdir_in(&n.config.work_dir)
            .map_err(|_| ApiError::new(Code::Internal))?;
        let file = tmp.path().join(&name);
        std::fs::write(&file, &bytes).map_err(|_| ApiError::new(Code::Internal))?;
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
