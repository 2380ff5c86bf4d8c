//! The node's error answers `[API-040]`: every one is `application/json`
//! `{"code":…,"status":…,"message_zh":…,"message_en":…}` with a stable code from [`CODES`].

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

/// One documented error code of the exchange API.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ApiCode {
    /// The stable code.
    pub code: &'static str,
    /// The HTTP status it is answered with.
    pub status: u16,
    /// The requirement of spec chapter 31 it follows.
    pub requirement: &'static str,
    /// Chinese title.
    pub title_zh: &'static str,
    /// English title.
    pub title_en: &'static str,
}

macro_rules! row {
    (@doc $status:literal, $req:literal, $zh:literal, $en:literal) => {
        concat!("(", $req, ", HTTP ", stringify!($status), "): ", $en)
    };
    ($code:literal, $status:literal, $req:literal, $zh:literal, $en:literal) => {
        ApiCode { code: $code, status: $status, requirement: $req, title_zh: $zh, title_en: $en }
    };
}

linli_model::support::code::code_table! {
    /// An error code of the exchange API.
    pub enum Code;
    /// Every error code of the exchange API, in the order of spec chapter 31.
    pub const CODES: [ApiCode] = row!;
    Unauthenticated = "api-unauthenticated", 401, "API-001", "未提供令牌或令牌无效", "No token, or an unknown token";
    Forbidden = "api-forbidden", 403, "API-002", "调用方无权执行此操作", "The caller may not do this";
    Invalid = "api-invalid-record", 422, "API-010", "记录未通过校验，未存储", "The record failed validation and was not stored";
    PathMismatch = "api-path-mismatch", 422, "API-011", "记录的类型或标识与路径不符", "The record's type or id differs from the path";
    NotJson = "api-not-json", 400, "API-011", "请求体不是一个 JSON 对象", "The body is not one JSON object";
    PreconditionFailed = "api-precondition-failed", 412, "API-013", "前提条件不成立（ETag 不符或记录已存在），未存储", "The precondition failed (ETag differs, or the record exists); nothing stored";
    BadHeader = "api-bad-header", 400, "API-013", "请求头格式不正确", "A request header is malformed";
    LineTooLong = "api-line-too-long", 413, "API-014", "批量写入中的一行超过长度上限", "A line of the batch is longer than the limit";
    NotFound = "api-not-found", 404, "API-015", "记录不存在或已删除", "No such record, or it was deleted";
    BadQuery = "api-bad-query", 400, "API-016", "查询参数不正确", "A query parameter is malformed";
    BadCursor = "api-bad-cursor", 400, "API-016", "游标无效", "The cursor is malformed";
    Withheld = "api-withheld", 451, "API-034", "记录经掩码后仍未通过该级别的泄露检查，不予提供", "Masked, the record would still fail the leak checks of the level; withheld";
    LevelTooHigh = "api-level-not-allowed", 403, "API-032", "所请求的共享级别高于调用方的读取级别", "The level asked for is above the caller's read level";
    PurposeRequired = "api-purpose-required", 400, "API-031", "读取内部级别的个人信息须在 X-Linli-Purpose 中说明用途", "Reading personal data at level internal needs a purpose in X-Linli-Purpose";
    UnknownType = "api-unknown-type", 404, "API-011", "未知的记录类型", "Unknown record type";
    TooLarge = "api-too-large", 413, "API-041", "请求体超过长度上限", "The body is larger than the limit";
    SlowClient = "api-slow-client", 408, "API-041", "请求体发送过慢，已中止", "The body arrived too slowly; the request was ended";
    UnsupportedMedia = "api-unsupported-media-type", 415, "API-014", "不支持的内容类型", "Unsupported content type";
    MethodNotAllowed = "api-method-not-allowed", 405, "API-040", "此路径不支持该方法", "The method is not allowed on this path";
    NoRoute = "api-no-route", 404, "API-040", "没有这个接口", "No such endpoint";
    UploadUnreadable = "api-upload-unreadable", 422, "API-035", "上传的文件无法作为导出读取（不是 NDJSON、JSON、zip 或 tar.gz 数据集）", "The upload does not read as an export (NDJSON, JSON, a zip or tar.gz dataset)";
    Unavailable = "api-unavailable", 503, "API-040", "存储暂不可用，请稍后重试", "The store is unavailable; try again later";
    Internal = "api-internal", 503, "API-040", "节点内部错误，请稍后重试（未存储任何内容）", "An internal error of the node; try again later (nothing was stored)";
    Busy = "api-busy", 503, "API-071", "节点繁忙（同时进行的导出、报告、检查或批量写入已达上限，或连接数已满），请稍后重试", "The node is busy (too many exports, reports, checks or batches at once, or too many connections); try again later";
    UriTooLong = "api-uri-too-long", 414, "API-078", "请求地址过长", "The request URL is too long";
    HeadersTooLarge = "api-headers-too-large", 431, "API-078", "请求头过大", "The request header fields are too large";
    PurposeInvalid = "api-purpose-invalid", 400, "API-081", "X-Linli-Purpose 格式不正确（为空、含控制字符或格式字符、或超过 200 个字符）", "X-Linli-Purpose is malformed (empty, control or format characters, or over 200 characters)";
}

/// An error answer.
#[derive(Debug)]
pub struct ApiError {
    /// The code.
    pub code: Code,
    /// A detail in Chinese, appended to the title (never a record value).
    pub detail_zh: String,
    /// The same detail in English.
    pub detail_en: String,
}

impl ApiError {
    /// An error with the code's title only.
    pub fn new(code: Code) -> Self {
        ApiError { code, detail_zh: String::new(), detail_en: String::new() }
    }

    /// An error with a detail in both languages.
    pub fn with(code: Code, zh: impl Into<String>, en: impl Into<String>) -> Self {
        ApiError { code, detail_zh: zh.into(), detail_en: en.into() }
    }

    /// The HTTP status.
    pub fn status(&self) -> StatusCode {
        StatusCode::from_u16(self.code.info().status).unwrap_or(StatusCode::SERVICE_UNAVAILABLE)
    }

    /// The JSON body.
    pub fn body(&self) -> serde_json::Value {
        let info = self.code.info();
        let join = |title: &str, detail: &str, sep: &str| {
            if detail.is_empty() { title.to_owned() } else { format!("{title}{sep}{detail}") }
        };
        serde_json::json!({
            "code": info.code,
            "status": info.status,
            "requirement": info.requirement,
            "message_zh": join(info.title_zh, &self.detail_zh, "："),
            "message_en": join(info.title_en, &self.detail_en, ": "),
        })
    }
}

impl From<crate::store::StoreError> for ApiError {
    fn from(e: crate::store::StoreError) -> Self {
        // The back-end's message goes to the node's log, not to the caller.
        eprintln!("linli serve: store error: {e}");
        ApiError::new(Code::Unavailable)
    }
}

/// The file of chapter 31 and its markers around Table 31-1.
pub const CHAPTER: &str = "31-exchange-api.md";
const BEGIN: &str = "<!-- BEGIN GENERATED: api codes -->\n";
const END: &str = "<!-- END GENERATED: api codes -->";

/// Table 31-1, every error code of [`CODES`] with its status and requirement, as Markdown.
pub fn codes_markdown() -> String {
    let mut md = String::from("| code | HTTP | requirement | 含义 | meaning |\n|---|---|---|---|---|\n");
    for c in CODES.iter() {
        md.push_str(&format!(
            "| `{}` | {} | [{}] | {} | {} |\n",
            c.code, c.status, c.requirement, c.title_zh, c.title_en
        ));
    }
    md
}

/// Chapter 31 with Table 31-1 put between its markers (`linli docs --write spec/`); `None` when
/// the markers are missing.
pub fn splice_chapter(chapter: &str) -> Option<String> {
    let a = chapter.find(BEGIN)? + BEGIN.len();
    let b = chapter.get(a..)?.find(END)? + a;
    Some(format!("{}{}{}", chapter.get(..a)?, codes_markdown(), chapter.get(b..)?))
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut r = (self.status(), axum::Json(self.body())).into_response();
        if self.code == Code::Busy {
            // When to ask again `[API-071]`.
            r.headers_mut().insert(axum::http::header::RETRY_AFTER, axum::http::HeaderValue::from_static("5"));
        }
        r
    }
}

/// The whole raw HTTP/1.1 answer of `api-busy` for a connection the node will not serve
/// (`--max-connections`, `[API-072]`): written before any request is read, then the
/// connection is closed.
pub fn busy_answer() -> Vec<u8> {
    let body = ApiError::with(Code::Busy, "连接数已达上限", "the node has as many connections as it allows")
        .body()
        .to_string();
    format!(
        "HTTP/1.1 503 Service Unavailable\r\ncontent-type: application/json\r\nretry-after: 5\r\ncache-control: no-store\r\nconnection: close\r\ncontent-length: {}\r\n\r\n{body}",
        body.len()
    )
    .into_bytes()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use super::*;

    #[test]
    fn chapter_31_carries_the_generated_table_of_codes() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../spec/31-exchange-api.md");
        let text = std::fs::read_to_string(path).expect("spec/31-exchange-api.md is readable");
        let spliced = splice_chapter(&text).expect("chapter 31 has the markers of Table 31-1");
        assert!(
            spliced == text,
            "{path}: Table 31-1 is out of date: run `cargo run -p linli-cli -- docs --write spec/`"
        );
        for c in CODES.iter() {
            assert!(
                text.contains(&format!("**[{}]**", c.requirement)),
                "{} cites {}, not defined in chapter 31",
                c.code,
                c.requirement
            );
        }
    }

    /// Every code of Table 31-1 is answered somewhere in the node's code (not only documented),
    /// and every `api-…` code chapter 31 speaks of is in the table.
    #[test]
    fn every_code_is_emitted_and_every_code_the_chapter_names_is_in_the_table() {
        let own = include_str!("error.rs");
        let table = &own[own.find("pub const CODES").unwrap()..own.find("/// An error answer.").unwrap()];
        // `Variant = "api-code", …` lines of the table.
        let variants: Vec<(&str, &str)> = table
            .lines()
            .filter_map(|l| {
                let (v, rest) = l.trim().split_once(" = \"")?;
                Some((v, rest.split('"').next()?))
            })
            .collect();
        assert_eq!(variants.len(), CODES.len(), "every row of the table read");
        let emitting = [
            include_str!("api.rs"),
            include_str!("lib.rs"),
            include_str!("view.rs"),
            include_str!("dataset.rs"),
            &own[own.find("/// An error answer.").unwrap()..],
        ]
        .concat();
        for (v, code) in &variants {
            assert!(emitting.contains(&format!("Code::{v}")), "{code} (Code::{v}) is in Table 31-1 but never answered");
        }
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../spec/31-exchange-api.md");
        let chapter = std::fs::read_to_string(path).unwrap();
        for (i, _) in chapter.match_indices("`api-") {
            let code: String = chapter[i + 1..].chars().take_while(|c| c.is_ascii_lowercase() || *c == '-').collect();
            assert!(CODES.iter().any(|c| c.code == code), "chapter 31 names {code}, which is not in Table 31-1");
        }
    }

    #[test]
    fn codes_are_unique_and_never_500() {
        let mut seen = std::collections::BTreeSet::new();
        for c in CODES.iter() {
            assert!(seen.insert(c.code), "{} twice", c.code);
            assert!(c.code.starts_with("api-"), "{}", c.code);
            assert!((400..600).contains(&c.status) && c.status != 500, "{} {}", c.code, c.status);
        }
    }
}
