//! The OpenAPI 3.1 document of the exchange API (spec chapter 31), generated from the code: the
//! operations from [`OPERATIONS`] (a test checks the table against [`crate::api::router`], both
//! ways), the error answers of each operation from [`crate::error::CODES`] (each code with its
//! status), the records' schemas from `linli_model::schema` (the `$defs` of
//! `common.schema.json` as components) and the validation report's schema from
//! `linli_validate::report::report_schema`. Committed as `spec/openapi.json`
//! ([`committed_drift`]); served at `/openapi.json`.

use linli_model::RecordType;
use linli_model::codes::{CodeTable, SharingLevel};
use serde_json::{Map, Value, json};

use crate::error::{CODES, Code};

/// One operation of the API: what the router answers and the document describes.
#[derive(Debug, Clone, Copy)]
pub struct Operation {
    /// The method, lower case as OpenAPI writes it.
    pub method: &'static str,
    /// The path template, with `{type}` and `{id}` as axum and OpenAPI write them.
    pub path: &'static str,
    /// The operation id.
    pub id: &'static str,
    /// The requirement of chapter 31 it follows.
    pub requirement: &'static str,
    /// Summary, English.
    pub en: &'static str,
    /// Summary, Chinese.
    pub zh: &'static str,
    /// Whether it needs a bearer token `[API-001]`.
    pub auth: bool,
    /// The error codes it answers with, besides those of every authenticated operation
    /// ([`AUTH_ERRORS`]).
    pub errors: &'static [Code],
}

/// The errors every authenticated operation may answer with: no token, the store unavailable,
/// an internal error.
pub const AUTH_ERRORS: &[Code] = &[Code::Unauthenticated, Code::Unavailable, Code::Internal];

/// The errors every operation may answer with: a URL or header fields over the limits
/// `[API-078]`, a connection over `--max-connections` `[API-072]`.
pub const EVERY_ERRORS: &[Code] = &[Code::UriTooLong, Code::HeadersTooLarge, Code::Busy];

/// Every operation of the API, in the order of chapter 31.
pub const OPERATIONS: &[Operation] = &[
    Operation {
        method: "get",
        path: "/",
        id: "clerkPage",
        requirement: "API-060",
        en: "The clerk's page: check an export, see the store's counts and feed position",
        zh: "办事员页面：检查导出文件，查看各类记录数与变更流位置",
        auth: false,
        errors: &[],
    },
    Operation {
        method: "get",
        path: "/healthz",
        id: "health",
        requirement: "API-001",
        en: "Liveness: the node answers",
        zh: "存活检查：节点在应答",
        auth: false,
        errors: &[],
    },
    Operation {
        method: "get",
        path: "/openapi.json",
        id: "openapi",
        requirement: "API-001",
        en: "This document",
        zh: "本文档",
        auth: false,
        errors: &[],
    },
    Operation {
        method: "get",
        path: "/v1/status",
        id: "status",
        requirement: "API-001",
        en: "The caller, its read level, live records by type and the feed's head",
        zh: "调用方、其读取级别、各类有效记录数与变更流的最新位置",
        auth: true,
        errors: &[],
    },
    Operation {
        method: "put",
        path: "/v1/records/{type}/{id}",
        id: "putRecord",
        requirement: "API-010",
        en: "Write one record (validated; idempotent; If-Match / If-None-Match)",
        zh: "写入一条记录（经校验；幂等；支持 If-Match / If-None-Match）",
        auth: true,
        errors: &[
            Code::NoRoute,
            Code::UnknownType,
            Code::BadHeader,
            Code::TooLarge,
            Code::SlowClient,
            Code::NotJson,
            Code::Invalid,
            Code::PathMismatch,
            Code::Forbidden,
            Code::PreconditionFailed,
        ],
    },
    Operation {
        method: "post",
        path: "/v1/records",
        id: "writeBatch",
        requirement: "API-014",
        en: "Write a batch of records (NDJSON in, one NDJSON result per line out)",
        zh: "批量写入（NDJSON 输入，每行一条 NDJSON 结果）",
        auth: true,
        errors: &[Code::UnsupportedMedia, Code::SlowClient],
    },
    Operation {
        method: "get",
        path: "/v1/records/{type}/{id}",
        id: "getRecord",
        requirement: "API-015",
        en: "Read one record, masked to the caller's level",
        zh: "读取一条记录（按调用方级别掩码）",
        auth: true,
        errors: &[
            Code::NoRoute,
            Code::UnknownType,
            Code::PurposeRequired,
            Code::PurposeInvalid,
            Code::NotFound,
            Code::Withheld,
        ],
    },
    Operation {
        method: "get",
        path: "/v1/records",
        id: "listRecords",
        requirement: "API-016",
        en: "List records in (type, id) order, a page at a time",
        zh: "按（类型，标识）顺序分页列出记录",
        auth: true,
        errors: &[
            Code::BadQuery,
            Code::BadCursor,
            Code::UnknownType,
            Code::PurposeRequired,
            Code::PurposeInvalid,
            Code::Forbidden,
        ],
    },
    Operation {
        method: "delete",
        path: "/v1/records/{type}/{id}",
        id: "deleteRecord",
        requirement: "API-017",
        en: "Delete one record (a tombstone in the change feed)",
        zh: "删除一条记录（在变更流中留下墓碑）",
        auth: true,
        errors: &[
            Code::NoRoute,
            Code::UnknownType,
            Code::BadHeader,
            Code::Forbidden,
            Code::NotFound,
            Code::PreconditionFailed,
        ],
    },
    Operation {
        method: "get",
        path: "/v1/changes",
        id: "changes",
        requirement: "API-020",
        en: "The change feed after a cursor, oldest first (long poll with wait)",
        zh: "游标之后的变更，按先后顺序（wait 为长轮询）",
        auth: true,
        errors: &[Code::BadQuery, Code::BadCursor, Code::PurposeRequired, Code::PurposeInvalid],
    },
    Operation {
        method: "get",
        path: "/v1/export",
        id: "export",
        requirement: "API-032",
        en: "The whole store as a dataset masked to a level (tar)",
        zh: "按共享级别掩码后的整个数据集（tar）",
        auth: true,
        errors: &[Code::BadQuery, Code::LevelTooHigh, Code::PurposeRequired, Code::PurposeInvalid],
    },
    Operation {
        method: "get",
        path: "/v1/report",
        id: "report",
        requirement: "API-033",
        en: "The dataset-level checks over the current store",
        zh: "对当前存储的数据集级检查报告",
        auth: true,
        errors: &[Code::Forbidden],
    },
    Operation {
        method: "post",
        path: "/v1/check",
        id: "check",
        requirement: "API-035",
        en: "Check an uploaded file or dataset as linli validate does; nothing is stored",
        zh: "按 linli validate 的方式检查上传的文件或数据集；不存储任何内容",
        auth: true,
        errors: &[Code::Forbidden, Code::BadQuery, Code::TooLarge, Code::SlowClient, Code::UploadUnreadable],
    },
];

/// The committed copy of the document, relative to the repository.
pub const COMMITTED: &str = "spec/openapi.json";

/// The document as JSON text, as served at `/openapi.json`.
pub fn document_text() -> String {
    document().to_string()
}

/// The document as committed: pretty, with a trailing newline.
pub fn document_pretty() -> String {
    format!("{:#}\n", document())
}

/// How the committed document differs from the generated one, with the command that brings it
/// up to date; `None` when they agree.
pub fn committed_drift(committed: Option<&str>) -> Option<String> {
    let want = document_pretty();
    match committed {
        Some(text) if text == want => None,
        Some(_) => Some(format!(
            "{COMMITTED}：与代码生成的文档不一致 / differs from the document the code generates; run `LINLI_WRITE_OPENAPI=1 cargo test -p linli-node --lib openapi` and commit it"
        )),
        None => Some(format!(
            "{COMMITTED}：缺失 / missing; run `LINLI_WRITE_OPENAPI=1 cargo test -p linli-node --lib openapi` and commit it"
        )),
    }
}

fn type_codes() -> Vec<&'static str> {
    RecordType::ALL.iter().map(|t| t.code()).collect()
}

fn level_codes() -> Vec<&'static str> {
    [SharingLevel::Internal, SharingLevel::InterDepartment, SharingLevel::Public].iter().map(|l| l.code()).collect()
}

/// Replace `#/$defs/` in every `$ref` under `v` by `to`.
fn rebase_refs(v: &mut Value, to: &str) {
    match v {
        Value::Object(m) => {
            for (k, x) in m.iter_mut() {
                if k == "$ref" {
                    if let Value::String(s) = x {
                        if let Some(rest) = s.strip_prefix("#/$defs/") {
                            *s = format!("{to}{rest}");
                        }
                    }
                } else {
                    rebase_refs(x, to);
                }
            }
        }
        Value::Array(a) => a.iter_mut().for_each(|x| rebase_refs(x, to)),
        _ => {}
    }
}

/// An embedded JSON Schema: its `$id` kept as `x-linli-schema`, its `$schema` dropped (the
/// document's dialect is OpenAPI 3.1's, a superset of draft 2020-12).
fn embed(mut schema: Value) -> Value {
    if let Some(m) = schema.as_object_mut() {
        m.remove("$schema");
        if let Some(id) = m.remove("$id") {
            m.insert("x-linli-schema".into(), id);
        }
    }
    schema
}

/// The components' schemas: every `$defs` entry of `common.schema.json` (the six records and
/// what they share) under its own name, `Record` (any of the six), the validation report, and
/// the API's own bodies.
fn schemas() -> Map<String, Value> {
    let mut out = Map::new();
    let common = linli_model::schema::all_schema_files()
        .into_iter()
        .find(|f| f.file_name == "common.schema.json")
        .map(|f| f.schema);
    if let Some(mut common) = common {
        rebase_refs(&mut common, "#/components/schemas/");
        let mut common = embed(common);
        if let Some(Value::Object(defs)) = common.as_object_mut().and_then(|m| m.remove("$defs")) {
            out.extend(defs);
        }
        out.insert("Record".into(), common);
    }
    let mut report = linli_validate::report::report_schema();
    rebase_refs(&mut report, "#/components/schemas/ValidationReport/$defs/");
    out.insert("ValidationReport".into(), embed(report));
    let codes: Vec<&str> = CODES.iter().map(|c| c.code).collect();
    let cursor = |zh: &str, en: &str| json!({"type": "string", "description": format!("{en} ({zh})")});
    for (name, schema) in [
        (
            "Error",
            json!({
                "type": "object",
                "description": "Every error answer [API-040] (每个错误应答).",
                "required": ["code", "status", "requirement", "message_zh", "message_en"],
                "properties": {
                    "code": {"type": "string", "enum": codes},
                    "status": {"type": "integer"},
                    "requirement": {"type": "string", "pattern": "^API-[0-9]{3}$"},
                    "message_zh": {"type": "string"},
                    "message_en": {"type": "string"},
                    "report": {"$ref": "#/components/schemas/ValidationReport", "description": "With api-invalid-record only: the findings as linli validate --format json reports them [API-010]."}
                }
            }),
        ),
        (
            "MaskedRecord",
            json!({
                "type": "object",
                "description": "A record masked by the built-in profile of the caller's read level [API-030]; at level internal it is the stored record (schema Record). In a listing, a record withheld because it would still leak is {type, id, withheld} [API-034]. 按调用方读取级别掩码后的记录。",
                "required": ["type", "id"],
                "properties": {"type": {"type": "string", "enum": type_codes()}, "id": {"type": "string"}, "withheld": {"type": "string", "description": "The code of the first leak finding of a withheld record [API-034]."}}
            }),
        ),
        ("ListCursor", cursor("列表游标，对调用方不透明", "A listing cursor, opaque to the caller [API-016]")),
        ("FeedCursor", cursor("变更流游标，对调用方不透明", "A feed cursor, opaque to the caller [API-020]")),
        (
            "RecordPage",
            json!({
                "type": "object",
                "required": ["records", "next"],
                "properties": {
                    "records": {"type": "array", "items": {"$ref": "#/components/schemas/MaskedRecord"}},
                    "next": {"oneOf": [{"$ref": "#/components/schemas/ListCursor"}, {"type": "null"}]}
                }
            }),
        ),
        (
            "WriteResult",
            json!({
                "type": "object",
                "required": ["type", "id", "etag", "status"],
                "properties": {
                    "type": {"type": "string", "enum": type_codes()},
                    "id": {"type": "string"},
                    "etag": {"type": "string", "pattern": "^[0-9a-f]{64}$"},
                    "status": {"type": "string", "enum": ["created", "updated", "unchanged"]}
                }
            }),
        ),
        (
            "BatchResult",
            json!({
                "type": "object",
                "description": "One line of a batch's answer [API-014]: a written line has type, id, etag and result; a refused line has code (and findings for api-invalid-record).",
                "required": ["line", "status"],
                "properties": {
                    "line": {"type": "integer", "minimum": 1},
                    "status": {"type": "integer", "enum": [200, 201, 400, 403, 412, 413, 422]},
                    "type": {"type": "string", "enum": type_codes()},
                    "id": {"type": "string"},
                    "etag": {"type": "string", "pattern": "^[0-9a-f]{64}$"},
                    "result": {"type": "string", "enum": ["created", "updated", "unchanged", "precondition-failed"]},
                    "code": {"type": "string", "enum": codes},
                    "findings": {"type": "array", "items": {"$ref": "#/components/schemas/ValidationReport/$defs/Finding"}}
                }
            }),
        ),
        (
            "Change",
            json!({
                "type": "object",
                "required": ["seq", "op", "type", "id", "updatedAt"],
                "properties": {
                    "seq": {"type": "string", "pattern": "^[0-9]+$"},
                    "op": {"type": "string", "enum": ["upsert", "delete"]},
                    "type": {"type": "string", "enum": type_codes()},
                    "id": {"type": "string"},
                    "etag": {"type": "string", "pattern": "^[0-9a-f]{64}$"},
                    "updatedAt": {"type": "string", "format": "date-time"},
                    "record": {"$ref": "#/components/schemas/MaskedRecord"},
                    "withheld": {"type": "string", "description": "Instead of record: the code of the first leak finding of a withheld record [API-034]."}
                }
            }),
        ),
        (
            "ChangePage",
            json!({
                "type": "object",
                "required": ["changes", "next"],
                "properties": {
                    "changes": {"type": "array", "items": {"$ref": "#/components/schemas/Change"}},
                    "next": {"$ref": "#/components/schemas/FeedCursor"}
                }
            }),
        ),
        (
            "Status",
            json!({
                "type": "object",
                "required": ["principal", "readLevel", "counts", "feed", "storage", "version"],
                "properties": {
                    "principal": {"type": "string"},
                    "readLevel": {"type": "string", "enum": level_codes()},
                    "counts": {"type": "object", "propertyNames": {"enum": type_codes()}, "additionalProperties": {"type": "integer", "minimum": 0}},
                    "feed": {"$ref": "#/components/schemas/FeedCursor"},
                    "storage": {"type": "string", "enum": ["sqlite", "postgres"]},
                    "version": {"type": "string"}
                }
            }),
        ),
    ] {
        out.insert(name.to_owned(), schema);
    }
    out
}

fn param(name: &str, at: &str, required: bool, schema: Value, en: &str) -> Value {
    json!({"name": name, "in": at, "required": required, "schema": schema, "description": en})
}

fn purpose_header() -> Value {
    param(
        "X-Linli-Purpose",
        "header",
        false,
        json!({"type": "string"}),
        "The purpose of the read, written to the audit log; required at read level internal; may be percent-encoded UTF-8 [API-031].",
    )
}

fn type_path() -> Value {
    param("type", "path", true, json!({"type": "string", "enum": type_codes()}), "The record type [COR-002].")
}

fn id_path() -> Value {
    param("id", "path", true, schema_ref("Id"), "The record id [CON-010].")
}

fn json_body(schema: Value) -> Value {
    json!({"application/json": {"schema": schema}})
}

fn schema_ref(name: &str) -> Value {
    json!({"$ref": format!("#/components/schemas/{name}")})
}

fn etag_header() -> Value {
    json!({"ETag": {"description": "The record's ETag, quoted: opaque, keyed with a secret of the node, the same at every level [API-012].", "schema": {"type": "string"}}})
}

/// Parameters, request body and success answers of an operation.
fn details(op: &Operation) -> (Vec<Value>, Option<Value>, Map<String, Value>) {
    let mut ok = Map::new();
    let (params, body) = match op.id {
        "clerkPage" => {
            ok.insert(
                "200".into(),
                json!({"description": "The page (HTML)", "content": {"text/html": {"schema": {"type": "string"}}}}),
            );
            (vec![], None)
        }
        "health" => {
            ok.insert("200".into(), json!({"description": "OK", "content": json_body(json!({"type": "object", "required": ["status"], "properties": {"status": {"const": "ok"}}}))}));
            (vec![], None)
        }
        "openapi" => {
            ok.insert(
                "200".into(),
                json!({"description": "This document", "content": json_body(json!({"type": "object"}))}),
            );
            (vec![], None)
        }
        "status" => {
            ok.insert("200".into(), json!({"description": "The status", "content": json_body(schema_ref("Status"))}));
            (vec![], None)
        }
        "putRecord" => {
            let written = |d: &str| json!({"description": d, "headers": etag_header(), "content": json_body(schema_ref("WriteResult"))});
            ok.insert("200".into(), written("Updated, or unchanged (no change in the feed) [API-012]"));
            ok.insert("201".into(), written("Created [API-012]"));
            (
                vec![
                    type_path(),
                    id_path(),
                    param(
                        "If-Match",
                        "header",
                        false,
                        json!({"type": "string"}),
                        "Write only if the stored ETag is this one (quoted) [API-013].",
                    ),
                    param(
                        "If-None-Match",
                        "header",
                        false,
                        json!({"type": "string", "enum": ["*"]}),
                        "Write only if the record does not exist [API-013].",
                    ),
                ],
                Some(json!({"required": true, "content": json_body(schema_ref("Record"))})),
            )
        }
        "writeBatch" => {
            ok.insert(
                "200".into(),
                json!({"description": "One result per non-blank input line, in input order [API-014]", "content": {"application/x-ndjson": {"schema": {"type": "string", "x-linli-line-schema": "#/components/schemas/BatchResult"}}}}),
            );
            (
                vec![],
                Some(
                    json!({"required": true, "description": "One record per line (NDJSON); blank lines are passed over.", "content": {
                        "application/x-ndjson": {"schema": {"type": "string", "x-linli-line-schema": "#/components/schemas/Record"}}
                    }}),
                ),
            )
        }
        "getRecord" => {
            ok.insert(
                "200".into(),
                json!({"description": "The record masked to the caller's level [API-015], [API-030]", "headers": {
                    "ETag": {"description": "The stored record's ETag [API-012].", "schema": {"type": "string"}},
                    "X-Linli-Level": {"description": "The level the record was masked to.", "schema": {"type": "string", "enum": level_codes()}}
                }, "content": json_body(schema_ref("MaskedRecord"))}),
            );
            (vec![type_path(), id_path(), purpose_header()], None)
        }
        "listRecords" => {
            ok.insert(
                "200".into(),
                json!({"description": "A page of records [API-016]", "content": json_body(schema_ref("RecordPage"))}),
            );
            (
                vec![
                    param("type", "query", false, json!({"type": "string", "enum": type_codes()}), "Only this type."),
                    param(
                        "updatedSince",
                        "query",
                        false,
                        json!({"type": "string", "format": "date-time"}),
                        "Only records changed at or after this time (RFC 3339 with offset).",
                    ),
                    param(
                        "place",
                        "query",
                        false,
                        json!({"type": "string"}),
                        "Only records at this place (place.id, or a Person's residences[].place.id).",
                    ),
                    param(
                        "limit",
                        "query",
                        false,
                        json!({"type": "integer", "minimum": 1, "maximum": 1000, "default": 100}),
                        "Page size.",
                    ),
                    param("cursor", "query", false, schema_ref("ListCursor"), "The next of the previous page."),
                    purpose_header(),
                ],
                None,
            )
        }
        "deleteRecord" => {
            ok.insert("204".into(), json!({"description": "Deleted: a tombstone in the feed [API-017]"}));
            (
                vec![
                    type_path(),
                    id_path(),
                    param(
                        "If-Match",
                        "header",
                        false,
                        json!({"type": "string"}),
                        "Delete only if the stored ETag is this one (quoted) [API-013].",
                    ),
                ],
                None,
            )
        }
        "changes" => {
            ok.insert("200".into(), json!({"description": "The changes after the cursor [API-020]", "content": json_body(schema_ref("ChangePage"))}));
            (
                vec![
                    param(
                        "since",
                        "query",
                        false,
                        schema_ref("FeedCursor"),
                        "The next of the previous answer (or the feed of /v1/status); absent: from the start.",
                    ),
                    param(
                        "limit",
                        "query",
                        false,
                        json!({"type": "integer", "minimum": 1, "maximum": 1000, "default": 100}),
                        "Changes per answer.",
                    ),
                    param(
                        "wait",
                        "query",
                        false,
                        json!({"type": "integer", "minimum": 0, "maximum": 60, "default": 0}),
                        "Seconds to hold the request while there is no change (long poll) [API-022].",
                    ),
                    purpose_header(),
                ],
                None,
            )
        }
        "export" => {
            ok.insert(
                "200".into(),
                json!({"description": "The store's dataset masked to the level, as a tar [API-032]", "headers": {
                    "X-Linli-Created-At": {"description": "The reference time (the manifest's createdAt).", "schema": {"type": "string", "format": "date-time"}},
                    "Content-Disposition": {"schema": {"type": "string"}}
                }, "content": {"application/x-tar": {"schema": {"type": "string", "contentMediaType": "application/x-tar"}}}}),
            );
            (
                vec![
                    param(
                        "level",
                        "query",
                        false,
                        json!({"type": "string", "enum": level_codes()}),
                        "The sharing level; at most the caller's read level, which is the default.",
                    ),
                    param(
                        "at",
                        "query",
                        false,
                        json!({"type": "string", "format": "date-time"}),
                        "The reference time (RFC 3339 with offset); default now.",
                    ),
                    purpose_header(),
                ],
                None,
            )
        }
        "report" => {
            ok.insert("200".into(), json!({"description": "The report of linli validate over the store's dataset [API-033]", "content": json_body(schema_ref("ValidationReport"))}));
            (vec![], None)
        }
        "check" => {
            ok.insert(
                "200".into(),
                json!({"description": "The report (HTML with format=html, the default; JSON otherwise)", "content": {
                    "text/html": {"schema": {"type": "string"}},
                    "application/json": {"schema": schema_ref("ValidationReport")}
                }}),
            );
            (
                vec![
                    param(
                        "format",
                        "query",
                        false,
                        json!({"type": "string", "enum": ["html", "json"], "default": "html"}),
                        "The report's format.",
                    ),
                    param(
                        "lang",
                        "query",
                        false,
                        json!({"type": "string", "enum": ["zh", "en"], "default": "zh"}),
                        "The HTML report's language.",
                    ),
                    param(
                        "name",
                        "query",
                        false,
                        json!({"type": "string"}),
                        "The uploaded file's name: .zip, .tar.gz, .tgz, .tar, .json or NDJSON.",
                    ),
                ],
                Some(
                    json!({"required": true, "content": {"application/octet-stream": {"schema": {"type": "string", "contentMediaType": "application/octet-stream"}}}}),
                ),
            )
        }
        _ => (vec![], None),
    };
    (params, body, ok)
}

/// The error answers of an operation, one per status, each naming its codes.
fn error_responses(op: &Operation) -> Map<String, Value> {
    let mut codes: Vec<Code> = op.errors.to_vec();
    if op.auth {
        codes.extend_from_slice(AUTH_ERRORS);
    }
    codes.extend_from_slice(EVERY_ERRORS);
    let mut by_status: std::collections::BTreeMap<u16, Vec<Code>> = std::collections::BTreeMap::new();
    for c in codes {
        by_status.entry(c.info().status).or_default().push(c);
    }
    by_status
        .into_iter()
        .map(|(status, codes)| {
            let names: Vec<&str> = codes.iter().map(|c| c.as_str()).collect();
            let desc = codes
                .iter()
                .map(|c| format!("{} ({}): {} / {}", c.as_str(), c.info().requirement, c.info().title_en, c.info().title_zh))
                .collect::<Vec<_>>()
                .join("; ");
            let schema = json!({"allOf": [schema_ref("Error"), {"properties": {"code": {"enum": names}, "status": {"const": status}}}]});
            (status.to_string(), json!({"description": desc, "content": json_body(schema)}))
        })
        .collect()
}

/// The document.
pub fn document() -> Value {
    let mut paths = Map::new();
    for op in OPERATIONS {
        let (params, body, mut responses) = details(op);
        responses.extend(error_responses(op));
        let mut o = json!({
            "operationId": op.id,
            "summary": op.en,
            "description": format!("{} [{}]", op.zh, op.requirement),
            "x-linli-requirement": op.requirement,
            "responses": responses,
        });
        if !params.is_empty() {
            o["parameters"] = Value::Array(params);
        }
        if let Some(b) = body {
            o["requestBody"] = b;
        }
        if !op.auth {
            o["security"] = json!([]);
        }
        let item = paths.entry(op.path.to_owned()).or_insert_with(|| json!({}));
        item[op.method] = o;
    }
    json!({
        "openapi": "3.1.0",
        "info": {
            "title": "Linli exchange API",
            "summary": "数据交换接口 — spec chapter 31",
            "description": "The exchange node's HTTP interface (spec/31-exchange-api.md). Generated from the code of linli-node; the error codes and their statuses are those of Table 31-1. 数据交换节点的 HTTP 接口（规范第 31 章），由代码生成。",
            "version": env!("CARGO_PKG_VERSION"),
            "license": {"name": "Apache-2.0 OR MIT", "identifier": "Apache-2.0 OR MIT"}
        },
        "security": [{"bearer": []}],
        "paths": paths,
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer", "description": "A caller's token [API-001]."}},
            "schemas": schemas()
        }
    })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use std::collections::BTreeSet;
    use std::path::PathBuf;
    use std::sync::Arc;

    use super::*;

    fn committed_path() -> PathBuf {
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..").join(COMMITTED)
    }

    #[test]
    fn the_committed_document_is_the_generated_one() {
        let write = linli_model::support::bless::requested("LINLI_WRITE_OPENAPI").unwrap_or_else(|e| panic!("{e}"));
        let path = committed_path();
        let text = std::fs::read_to_string(&path).ok();
        if let Some(msg) = committed_drift(text.as_deref()) {
            if write {
                std::fs::write(&path, document_pretty()).unwrap();
            } else {
                panic!("{msg}");
            }
        }
    }

    #[test]
    fn drift_is_reported_with_the_command_that_fixes_it() {
        assert!(committed_drift(Some(&document_pretty())).is_none());
        let changed = document_pretty().replacen("\"3.1.0\"", "\"3.0.0\"", 1);
        let msg = committed_drift(Some(&changed)).expect("a changed file is drift");
        assert!(msg.contains("LINLI_WRITE_OPENAPI=1"), "{msg}");
        assert!(committed_drift(None).is_some());
    }

    #[test]
    fn every_ref_resolves_inside_the_document_and_every_code_is_in_it() {
        let doc = document();
        fn walk(v: &Value, doc: &Value, bad: &mut Vec<String>) {
            match v {
                Value::Object(m) => {
                    for (k, x) in m {
                        if k == "$ref" || k == "x-linli-line-schema" {
                            let s = x.as_str().unwrap();
                            let p = s.strip_prefix('#').unwrap_or("?");
                            if doc.pointer(p).is_none() {
                                bad.push(s.to_owned());
                            }
                        } else {
                            walk(x, doc, bad);
                        }
                    }
                }
                Value::Array(a) => a.iter().for_each(|x| walk(x, doc, bad)),
                _ => {}
            }
        }
        let mut bad = Vec::new();
        walk(&doc, &doc, &mut bad);
        assert!(bad.is_empty(), "unresolved: {bad:?}");
        let enumerated = doc.pointer("/components/schemas/Error/properties/code/enum").unwrap();
        assert_eq!(enumerated.as_array().unwrap().len(), CODES.len());
        // Each code the operations answer with appears with its own status.
        let text = document_text();
        for op in OPERATIONS {
            for c in op.errors {
                let r = &doc["paths"][op.path][op.method]["responses"][c.info().status.to_string()];
                assert!(r["description"].as_str().unwrap().contains(c.as_str()), "{} {} {}", op.method, op.path, c);
            }
        }
        assert!(text.contains("\"Person\""));
    }

    /// The methods `api::router` routes on each path, read from its source: every `.route(…)`
    /// line with the methods chained on it.
    fn routed_in_source() -> BTreeSet<(String, String)> {
        let src = include_str!("api.rs");
        let start = src.find("pub fn router").unwrap();
        let end = start + src[start..].find(".with_state").unwrap();
        let mut out = BTreeSet::new();
        for line in src[start..end].lines().map(str::trim).filter(|l| l.starts_with(".route(\"")) {
            let path = line[".route(\"".len()..].split('"').next().unwrap().to_owned();
            for m in ["get", "put", "post", "delete", "patch"] {
                if line.contains(&format!("{m}(")) {
                    out.insert((m.to_owned(), path.clone()));
                }
            }
        }
        out
    }

    #[test]
    fn the_table_names_exactly_the_routes_of_the_router_source() {
        let documented: BTreeSet<(String, String)> =
            OPERATIONS.iter().map(|o| (o.method.to_owned(), o.path.to_owned())).collect();
        let routed = routed_in_source();
        assert!(routed.len() >= 10, "the router's source was read: {routed:?}");
        assert_eq!(documented, routed);
    }

    fn node(dir: &std::path::Path) -> Arc<crate::Node> {
        let store = Arc::new(crate::store::sqlite::SqliteStore::open(&dir.join("db")).unwrap());
        let key = linli_privacy::Key::new(&[7u8; 32], "test").unwrap();
        let config = crate::Config::new(dir.to_path_buf(), "sqlite");
        Arc::new(crate::Node::new(store, crate::Principals::default(), Some(key), config).unwrap())
    }

    /// Ask the node at `base` for `method path` without a token; the status and the code of its
    /// error answer (if any).
    fn ask(agent: &ureq::Agent, base: &str, method: &str, path: &str) -> (u16, Option<String>) {
        let req = ureq::http::Request::builder()
            .method(method.to_ascii_uppercase().as_str())
            .uri(format!("{base}{path}"))
            .body(())
            .unwrap();
        let mut resp = agent.run(req).unwrap();
        let status = resp.status().as_u16();
        let text = resp.body_mut().read_to_string().unwrap();
        let code = serde_json::from_str::<Value>(&text)
            .ok()
            .and_then(|v| v.get("code").and_then(Value::as_str).map(str::to_owned));
        (status, code)
    }

    #[test]
    fn the_router_answers_every_documented_operation_and_nothing_else() {
        let dir = tempfile::tempdir().unwrap();
        let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(1).enable_all().build().unwrap();
        let listener = rt.block_on(tokio::net::TcpListener::bind("127.0.0.1:0")).unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let server = rt.spawn(crate::serve(node(dir.path()), listener, async {
            let _ = stopped.await;
        }));
        let agent: ureq::Agent = ureq::Agent::config_builder().http_status_as_error(false).build().into();
        let concrete = |p: &str| p.replace("{type}", "Person").replace("{id}", "P-1");
        for op in OPERATIONS {
            let (status, code) = ask(&agent, &base, op.method, &concrete(op.path));
            assert!(
                !matches!(code.as_deref(), Some("api-no-route" | "api-method-not-allowed")),
                "{} {}: {status} {code:?}",
                op.method,
                op.path
            );
            if op.auth {
                assert_eq!((status, code.as_deref()), (401, Some("api-unauthenticated")), "{} {}", op.method, op.path);
            } else {
                assert_eq!(status, 200, "{} {}", op.method, op.path);
            }
        }
        // Other methods on the documented paths are not allowed (HEAD follows GET in HTTP).
        let paths: BTreeSet<&str> = OPERATIONS.iter().map(|o| o.path).collect();
        for p in paths {
            for m in ["get", "put", "post", "delete", "patch"] {
                if OPERATIONS.iter().any(|o| o.path == p && o.method == m) {
                    continue;
                }
                let (status, code) = ask(&agent, &base, m, &concrete(p));
                assert_eq!((status, code.as_deref()), (405, Some("api-method-not-allowed")), "{m} {p}");
            }
        }
        for p in
            ["/v1", "/v1/", "/v2/records", "/v1/records/Person", "/v1/records/Person/P-1/x", "/v1/audit", "/index.html"]
        {
            let (status, code) = ask(&agent, &base, "get", p);
            assert_eq!((status, code.as_deref()), (404, Some("api-no-route")), "{p}");
        }
        let _ = stop.send(());
        rt.block_on(server).unwrap().unwrap();
    }
}
