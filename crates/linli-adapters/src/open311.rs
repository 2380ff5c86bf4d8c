//! Open311 GeoReport v2 (JSON): service requests ⇄ [`Case`].
//!
//! # Field mapping
//!
//! | Open311               | Linli case                                                         |
//! |-----------------------|--------------------------------------------------------------------|
//! | `service_request_id`  | `id` (required; must be a valid Linli id)                          |
//! | `status`, `status_notes` | `status` and a synthesised legal `history` (see below)          |
//! | `service_code`        | `category`, through a [`CategoryMap`]                              |
//! | `service_name`        | `title` on the way in; the category's Chinese label on the way out |
//! | `description`         | `description`                                                      |
//! | `requested_datetime`  | `reportedAt` (required)                                            |
//! | `updated_datetime`    | `meta.updatedAt`                                                   |
//! | `expected_datetime`   | `deadline`                                                         |
//! | `lat`, `long`         | `location` (WGS-84)                                                |
//! | everything else (`agency_responsible`, `service_notice`, `address`, `address_id`, `zipcode`, `media_url`, foreign members) | `extensions.open311.<name>` |
//!
//! # Status
//!
//! Open311 knows only `open` and `closed`. On the way out a case is `closed` when its status is
//! `closed` and `open` otherwise; `status_notes` carries the detail: the Linli status code and
//! its Chinese label, e.g. `in-progress 处置中` (plus `(rejected 不予受理)` for a case closed
//! after a rejection).
//!
//! On the way in, `status_notes` starting with a Linli status code that agrees with `status`
//! gives that status; otherwise `closed` becomes `closed` through `reported → accepted →
//! dispatched → in-progress → resolved → verified → closed`, or through `reported → rejected →
//! closed` when the notes say it was rejected (`rejected`, `不予受理`, `驳回`); `open` becomes
//! `reported`, `accepted` when the notes say so (`accepted`, `已受理`) or `rejected` when they
//! say it was rejected. Every synthesised step after `reported` is reported as
//! [`LossKind::Normalised`]; the notes themselves become the note of the last step.
//!
//! # Times
//!
//! Times keep their offsets. A time without an offset is read in the zone of
//! [`Options::zone`] (UTC unless the mapping file declares `zone = "+08:00"`) and reported as
//! [`LossKind::Normalised`] `[ADP-072]`.
//! A space in place of the `T` between date and time is accepted.
//!
//! # Findings
//!
//! Problems are [`LossKind::Rejected`] entries of the loss report, with a JSON pointer into the
//! input and a stable code: `open311-not-object`, `open311-missing-id`, `open311-bad-id`,
//! `open311-missing-requested-datetime`, `open311-bad-time`, `open311-unknown-status`,
//! `open311-bad-coordinate`, `open311-bad-text`. A request without a usable id or
//! `requested_datetime` is not converted; any other rejected value is kept, as given, in
//! `extensions.open311` and the request still converts.

use crate::codes::Code;
use crate::coords::Datum;
use crate::loss::token;
use crate::rules::{self, Located, ZoneRule};
use crate::{Loss, LossKind, LossReport};
use linli_model::codes::{CaseCategory, CaseChannel, CaseStatus, CodeTable, DataClassification};
use linli_model::datetime::Timestamp;
use linli_model::geo::Point;
use linli_model::text::{Id, Namespace, Text, escape_controls};
use linli_model::{Case, Meta};
use serde_json::{Map, Value};

/// The extension namespace Open311 fields are kept under.
pub const NAMESPACE: &str = "open311";

/// Members of an Open311 request converted into canonical members (the others are kept in
/// extensions).
const MAPPED: &[&str] = &[
    "service_request_id",
    "status",
    "status_notes",
    "service_code",
    "service_name",
    "description",
    "requested_datetime",
    "updated_datetime",
    "expected_datetime",
    "lat",
    "long",
];

/// Words in `status_notes` that say a request was rejected.
const REJECTED_WORDS: &[&str] = &["rejected", "不予受理", "驳回"];
/// Words in `status_notes` that say a request was accepted.
const ACCEPTED_WORDS: &[&str] = &["accepted", "已受理"];

/// Two-way table between Open311 `service_code`s and Linli case categories.
///
/// The default table maps every Linli case-category code to itself (`environment.garbage` ↔
/// `environment.garbage`). Entries added with [`CategoryMap::insert`] take precedence on the way
/// out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CategoryMap {
    /// `(service_code, category)` pairs, the preferred code of a category first.
    entries: Vec<(String, CaseCategory)>,
}

impl Default for CategoryMap {
    fn default() -> Self {
        CategoryMap { entries: CaseCategory::ALL.iter().map(|c| (c.code().to_owned(), *c)).collect() }
    }
}

impl CategoryMap {
    /// A table without any entry: every service code is unknown and every category is written
    /// as its Linli code.
    pub fn empty() -> Self {
        CategoryMap { entries: Vec::new() }
    }

    /// Map `service_code` to `category` (replacing an earlier entry for that code); the code
    /// becomes the preferred one for the category on the way out.
    pub fn insert(&mut self, service_code: impl Into<String>, category: CaseCategory) {
        let code = service_code.into();
        self.entries.retain(|(c, _)| *c != code);
        self.entries.insert(0, (code, category));
    }

    /// The category of a service code, if the table knows the code.
    pub fn category(&self, service_code: &str) -> Option<CaseCategory> {
        self.entries.iter().find(|(c, _)| c == service_code).map(|(_, cat)| *cat)
    }

    /// The service code of a category: the preferred entry, else the Linli code.
    pub fn service_code(&self, category: CaseCategory) -> String {
        self.entries
            .iter()
            .find(|(_, cat)| *cat == category)
            .map_or_else(|| category.code().to_owned(), |(c, _)| c.clone())
    }
}

/// How Open311 requests are read.
#[derive(Debug, Clone)]
pub struct Options {
    /// Service codes ⇄ categories.
    pub categories: CategoryMap,
    /// The zone of times written without an offset [ADP-072]: UTC unless the mapping file
    /// declares `zone = "+08:00"` (section 18.4).
    pub zone: ZoneRule,
    /// The datum of `lat` / `long` (WGS-84 unless `--datum` says otherwise) [ADP-070].
    pub datum: Datum,
    /// `meta.source.vendor` of the cases produced.
    pub vendor: Text,
    /// `meta.source.product` of the cases produced.
    pub product: Text,
    /// `meta.classification` of the cases produced (default `restricted`).
    pub classification: DataClassification,
    /// `channel` of the cases produced (default `other`).
    pub channel: CaseChannel,
}

impl Options {
    /// Options for requests from the system `vendor` / `product`, with the default category
    /// table, UTC for times without an offset, WGS-84 coordinates, classification `restricted`
    /// and channel `other`.
    pub fn new(vendor: Text, product: Text) -> Self {
        Options {
            categories: CategoryMap::default(),
            zone: ZoneRule::Utc,
            datum: Datum::Wgs84,
            vendor,
            product,
            classification: DataClassification::Restricted,
            channel: CaseChannel::Other,
        }
    }
}

/// The mapping file of `linli convert --from open311 --mapping FILE` (section 18.4, [ADP-032]).
#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct MappingFile {
    /// `UTC` (the default) or `+08:00`: the zone of times without an offset.
    #[serde(default)]
    zone: Option<String>,
    /// `service_code` → Linli case-category code.
    #[serde(default)]
    service_code: std::collections::BTreeMap<String, String>,
}

impl Options {
    /// Apply a mapping file (TOML) [ADP-032]: `[service_code]` entries (`"<service_code>" =
    /// "<Linli case-category code>"`) take precedence over the built-in table (of several codes
    /// of one category, the first in code point order is the one written), and `zone`
    /// (`"UTC"` or `"+08:00"`) sets the zone of times without an offset. An unknown key, an
    /// unknown category code or zone is an error naming it.
    pub fn apply_mapping(&mut self, toml_text: &str) -> Result<(), crate::Error> {
        let bad = |problems: Vec<String>| crate::Error::Mapping { format: "open311", problems };
        let file: MappingFile = toml::from_str(toml_text).map_err(|e| bad(vec![crate::toml_problem(toml_text, &e)]))?;
        // Every problem of the file is reported; nothing is applied unless there is none.
        let mut problems = Vec::new();
        let mut categories = Vec::new();
        for (code, category) in file.service_code {
            match CaseCategory::from_code(&category) {
                Some(c) => categories.push((code, c)),
                None => {
                    problems.push(crate::not_in_table::<CaseCategory>(&format!("service_code.\"{code}\""), &category))
                }
            }
        }
        let zone = match file.zone.as_deref().map(str::trim) {
            None => None,
            Some(z) if z.eq_ignore_ascii_case("utc") || z == "Z" || z == "+00:00" => Some(ZoneRule::Utc),
            Some("+08:00" | "+0800" | "Asia/Shanghai") => Some(ZoneRule::ChinaStandardTime),
            Some(z) => {
                problems.push(format!("zone: `{z}` is not UTC or +08:00"));
                None
            }
        };
        if !problems.is_empty() {
            return Err(bad(problems));
        }
        // Inserted last to first, so that of several codes of one category the first in code
        // point order is the preferred one on writing [ADP-032].
        for (code, c) in categories.into_iter().rev() {
            self.categories.insert(code, c);
        }
        if let Some(z) = zone {
            self.zone = z;
        }
        Ok(())
    }
}

/// Members of a GeoReport v2 service request, of a POST response or of an error response: a
/// document with none of them is not Open311 ([ADP-076]).
const SHAPE_MEMBERS: &[&str] = &[
    "service_request_id",
    "service_code",
    "service_name",
    "requested_datetime",
    "updated_datetime",
    "status",
    "status_notes",
    "token",
    "service_notice",
    "description",
];

/// Whether a JSON document has the shape of GeoReport v2 service requests (an array, empty or
/// with an object with a request member, or one such object) [ADP-076].
pub fn looks_like_requests(doc: &Value) -> bool {
    let request = |v: &Value| v.as_object().is_some_and(|o| SHAPE_MEMBERS.iter().any(|m| o.contains_key(*m)));
    match doc {
        Value::Array(items) => items.is_empty() || items.iter().any(request),
        other => request(other),
    }
}

// ---------------------------------------------------------------------------------------------
// Linli → Open311

/// The Open311 service request of a case, with the members of the case Open311 cannot hold.
pub fn case_to_request(case: &Case, categories: &CategoryMap) -> (Value, LossReport) {
    let mut report = LossReport::default();
    let req = write_request(case, categories, "", &mut report);
    (req, report)
}

/// The Open311 JSON array of some cases; loss `source` pointers start with `/<i>`.
pub fn cases_to_requests(cases: &[Case], categories: &CategoryMap) -> (Value, LossReport) {
    let mut report = LossReport::default();
    let reqs = cases.iter().enumerate().map(|(i, c)| write_request(c, categories, &format!("/{i}"), &mut report));
    (Value::Array(reqs.collect()), report)
}

fn not_representable(report: &mut LossReport, base: &str, member: &str, zh: &str, en: &str) {
    report.push(Loss {
        kind: LossKind::NotRepresentable,
        source: format!("{base}{member}"),
        target: None,
        code: Code::Open311NotRepresentable,
        message_zh: format!("Open311 服务请求无法表示{zh}"),
        message_en: format!("an Open311 service request cannot hold {en}"),
    });
}

/// The `status_notes` written for a case.
fn status_notes(case: &Case) -> String {
    let s = case.status();
    let mut notes = format!("{} {}", s.code(), s.label_zh());
    if s == CaseStatus::Closed && case.history().iter().any(|t| t.to == CaseStatus::Rejected) {
        let r = CaseStatus::Rejected;
        notes.push_str(&format!(" ({} {})", r.code(), r.label_zh()));
    }
    notes
}

fn write_request(case: &Case, categories: &CategoryMap, base: &str, report: &mut LossReport) -> Value {
    let mut req = Map::new();
    req.insert("service_request_id".into(), case.id.as_str().into());
    let closed = case.status() == CaseStatus::Closed;
    req.insert("status".into(), if closed { "closed" } else { "open" }.into());
    req.insert("status_notes".into(), status_notes(case).into());
    let kept = case.extensions.0.iter().find(|(ns, _)| ns.as_str() == NAMESPACE).map(|(_, m)| m);
    // A kept `service_code` is the city's own code: written back when the case is still in
    // `other.other` or when the table maps that code to the case's category [ADP-032]; the kept
    // `service_name` goes with it.
    let kept_code = kept
        .and_then(|m| m.get("service_code"))
        .and_then(Value::as_str)
        .filter(|c| case.category == CaseCategory::Other || categories.category(c) == Some(case.category));
    let kept_name = kept.and_then(|m| m.get("service_name")).and_then(Value::as_str).filter(|_| kept_code.is_some());
    let code = kept_code.map_or_else(|| categories.service_code(case.category), str::to_owned);
    let service_name = kept_name.unwrap_or(case.category.label_zh());
    req.insert("service_code".into(), code.into());
    req.insert("service_name".into(), service_name.into());
    if let Some(d) = &case.description {
        req.insert("description".into(), d.as_str().into());
    }
    req.insert("requested_datetime".into(), case.reported_at.to_string().into());
    req.insert("updated_datetime".into(), case.meta.updated_at.to_string().into());
    if let Some(d) = &case.deadline {
        req.insert("expected_datetime".into(), d.to_string().into());
    }
    if let Some(p) = &case.location {
        req.insert("lat".into(), p.coordinates.lat.into());
        req.insert("long".into(), p.coordinates.lng.into());
        if p.coordinates.alt.is_some() {
            not_representable(report, base, "/location/coordinates/2", "高程", "an altitude");
        }
    }
    // Fields kept from an earlier Open311 import go back where they came from.
    for (name, v) in kept.into_iter().flatten() {
        let written = match name.as_str() {
            "service_code" => kept_code.is_some(),
            "service_name" => kept_name.is_some(),
            _ => false,
        };
        if written {
            continue;
        }
        if req.contains_key(name) {
            report.push(Loss {
                kind: LossKind::NotRepresentable,
                source: format!("{base}/extensions/{NAMESPACE}/{}", token(name)),
                target: None,
                code: Code::Open311ExtensionConflict,
                message_zh: format!("扩展字段 `{name}` 与已写出的 Open311 字段冲突"),
                message_en: format!("extension field `{name}` conflicts with an Open311 field already written"),
            });
        } else {
            req.insert(name.clone(), v.clone());
        }
    }
    if case.title.as_str() != service_name {
        not_representable(
            report,
            base,
            "/title",
            "标题（service_name 为类别名称）",
            "a title (service_name is the category name)",
        );
    }
    not_representable(report, base, "/meta", "元数据（仅更新时间）", "record metadata (only updatedAt)");
    not_representable(report, base, "/channel", "来源渠道", "a channel");
    not_representable(report, base, "/history", "流转记录（仅当前状态）", "a history (only the current status)");
    let optional: [(&str, bool, &str, &str); 7] = [
        ("/reporter", case.reporter.is_some(), "上报人", "a reporter"),
        ("/anonymous", case.anonymous, "匿名标记", "the anonymous flag"),
        ("/place", case.place.is_some(), "地点引用", "a place reference"),
        ("/events", !case.events.is_empty(), "关联事件", "related events"),
        ("/assignee", case.assignee.is_some(), "处置责任方", "an assignee"),
        ("/resolution", case.resolution.is_some(), "处置结果", "a resolution"),
        ("/evaluation", case.evaluation.is_some(), "居民评价", "an evaluation"),
    ];
    for (member, present, zh, en) in optional {
        if present {
            not_representable(report, base, member, zh, en);
        }
    }
    for ns in case.extensions.0.keys().filter(|ns| ns.as_str() != NAMESPACE) {
        not_representable(
            report,
            base,
            &format!("/extensions/{}", token(ns.as_str())),
            "厂商扩展",
            "vendor extensions",
        );
    }
    Value::Object(req)
}

// ---------------------------------------------------------------------------------------------
// Open311 → Linli

/// The case of one Open311 service request, or `None` when it has no usable
/// `service_request_id` or `requested_datetime`; findings are the
/// [`LossKind::Rejected`] entries of the report.
pub fn request_to_case(request: &Value, options: &Options) -> (Option<Case>, LossReport) {
    let mut report = LossReport::default();
    let case = convert(request, "", options, &mut report);
    (case, report)
}

/// The cases of an Open311 JSON array of service requests (a single request object is accepted
/// too); pointers start with `/<i>`. Requests that cannot be converted are left out with a
/// finding; the others still convert.
pub fn requests_to_cases(requests: &Value, options: &Options) -> (Vec<Case>, LossReport) {
    let (cases, report) = requests_to_cases_at(requests, options);
    (cases.into_iter().map(|(c, _)| c).collect(), report)
}

/// [`requests_to_cases`], each case with the pointer of the request it was read from (`/<i>` in
/// an array, `""` for one request).
pub(crate) fn requests_to_cases_at(requests: &Value, options: &Options) -> (Vec<(Case, String)>, LossReport) {
    let mut report = LossReport::default();
    let cases = match requests {
        Value::Array(items) => items
            .iter()
            .enumerate()
            .filter_map(|(i, r)| {
                let at = format!("/{i}");
                convert(r, &at, options, &mut report).map(|c| (c, at))
            })
            .collect(),
        other => convert(other, "", options, &mut report).into_iter().map(|c| (c, String::new())).collect(),
    };
    (cases, report)
}

fn reject(report: &mut LossReport, source: String, target: Option<String>, code: Code, zh: String, en: String) {
    report.push(Loss { kind: LossKind::Rejected, source, target, code, message_zh: zh, message_en: en });
}

/// Reject the value of `name`, keeping it in `ext`.
fn reject_kept(
    report: &mut LossReport,
    ext: &mut Map<String, Value>,
    base: &str,
    name: &str,
    v: &Value,
    code: Code,
    why_en: &str,
) {
    ext.insert(name.to_owned(), v.clone());
    reject(
        report,
        format!("{base}/{}", token(name)),
        Some(format!("/extensions/{NAMESPACE}/{}", token(name))),
        code,
        format!("Open311 字段 `{name}` 无法转换（{why_en}），原值保存在扩展 `{NAMESPACE}` 中"),
        format!("Open311 field `{name}` cannot be converted ({why_en}); kept as given in extensions `{NAMESPACE}`"),
    );
}

/// Read an Open311 time by the shared rules ([`rules::read_time`], [ADP-071]); a time without an
/// offset is read in [`Options::zone`] and reported (`open311-time-without-offset`), one in
/// another form (epoch, compact digits) is reported (`open311-time-form`); `Err(why)` when it is
/// not a time.
fn read_time(v: &Value, ptr: &str, options: &Options, report: &mut LossReport) -> Result<Timestamp, &'static str> {
    let Some(t) = rules::read_time(v, options.zone) else {
        return Err(if v.is_string() { "not an ISO 8601 date-time" } else { "not a string" });
    };
    if t.zone_assumed {
        let zone = options.zone.label();
        report.push(Loss {
            kind: LossKind::Normalised,
            source: ptr.to_owned(),
            target: None,
            code: Code::Open311TimeWithoutOffset,
            message_zh: format!("时间没有时区偏移，按 {zone} 处理（Open311 的时区规则）"),
            message_en: format!("the time has no offset; read as {zone} (the Open311 zone rule)"),
        });
    } else if t.changed_form() {
        report.push(Loss {
            kind: LossKind::Normalised,
            source: ptr.to_owned(),
            target: None,
            code: Code::Open311TimeForm,
            message_zh: "时间以纪元秒/毫秒或纯数字写出，已转为 RFC 3339".to_owned(),
            message_en: "the time is written as epoch seconds/milliseconds or digits; converted to RFC 3339".to_owned(),
        });
    }
    Ok(t.at)
}

fn has_word(notes: &str, words: &[&str]) -> bool {
    let lower = notes.to_lowercase();
    words.iter().any(|w| lower.contains(w))
}

/// The Linli status a request is in, from `status` and `status_notes`.
fn status_of(closed: bool, notes: Option<&str>) -> (CaseStatus, bool) {
    let named = notes.and_then(|n| n.split_whitespace().next()).and_then(CaseStatus::from_code);
    let rejected = notes.is_some_and(|n| has_word(n, REJECTED_WORDS));
    match named {
        Some(s) if (s == CaseStatus::Closed) == closed => (s, rejected),
        _ if closed => (CaseStatus::Closed, rejected),
        _ if rejected => (CaseStatus::Rejected, true),
        _ if notes.is_some_and(|n| has_word(n, ACCEPTED_WORDS)) => (CaseStatus::Accepted, false),
        _ => (CaseStatus::Reported, false),
    }
}

/// The legal steps after `reported` that lead to `to`.
fn path_to(to: CaseStatus, via_rejection: bool) -> Vec<CaseStatus> {
    use CaseStatus::*;
    const MAIN: [CaseStatus; 6] = [Accepted, Dispatched, InProgress, Resolved, Verified, Closed];
    match to {
        Reported => Vec::new(),
        Rejected => vec![Rejected],
        Closed if via_rejection => vec![Rejected, Closed],
        Reopened => vec![Accepted, Dispatched, InProgress, Resolved, Verified, Reopened],
        _ => {
            let n = MAIN.iter().position(|s| *s == to).map_or(0, |i| i + 1);
            MAIN.iter().take(n).copied().collect()
        }
    }
}

fn convert(v: &Value, base: &str, options: &Options, report: &mut LossReport) -> Option<Case> {
    let here = if base.is_empty() { "(root)".to_owned() } else { base.to_owned() };
    let Some(obj) = v.as_object() else {
        reject(
            report,
            base.to_owned(),
            None,
            Code::Open311NotObject,
            format!("{here}：服务请求必须是 JSON 对象"),
            format!("{here}: a service request must be a JSON object"),
        );
        return None;
    };
    // `null` and `""` stand for absent [ADP-074]: each is reported once and then ignored.
    for (name, _) in obj.iter().filter(|(_, v)| rules::is_absent(v)) {
        report.push(Loss {
            kind: LossKind::Normalised,
            source: format!("{base}/{}", token(name)),
            target: None,
            code: Code::Open311NullAbsent,
            message_zh: format!("`{name}` 为 null 或空，按缺省处理"),
            message_en: format!("`{name}` is null or empty; read as absent"),
        });
    }
    let field = |name: &str| obj.get(name).filter(|v| !rules::is_absent(v));
    let ptr = |name: &str| format!("{base}/{name}");
    // A POST response ([ADP-033]): an id or token, perhaps a notice and an account, nothing a
    // request has besides; an error response: `code` and `description` only.
    let present: Vec<&str> = obj.iter().filter(|(_, v)| !rules::is_absent(v)).map(|(k, _)| k.as_str()).collect();
    let only = |allowed: &[&str]| !present.is_empty() && present.iter().all(|k| allowed.contains(k));
    if only(&["service_request_id", "token", "service_notice", "account_id"]) {
        let (zh, en) = (
            format!(
                "{here}：这是 GeoReport v2 提交请求（POST）的回应（编号或令牌、通知），不是服务请求；请读取 GET /requests 的结果"
            ),
            format!(
                "{here}: a GeoReport v2 POST response (an id or token and a notice), not a service request; read the result of GET /requests"
            ),
        );
        reject(report, base.to_owned(), None, Code::Open311PostResponse, zh, en);
        return None;
    }
    if only(&["code", "description"]) && field("code").is_some() {
        let (zh, en) = (
            format!("{here}：这是 GeoReport v2 错误回应（code、description），不是服务请求"),
            format!("{here}: a GeoReport v2 error response (code, description), not a service request"),
        );
        reject(report, base.to_owned(), None, Code::Open311ErrorResponse, zh, en);
        return None;
    }

    let id = match field("service_request_id") {
        None => {
            let p = ptr("service_request_id");
            let (zh, en) = ("缺少 service_request_id".to_owned(), "missing service_request_id".to_owned());
            reject(report, p, None, Code::Open311MissingId, zh, en);
            return None;
        }
        Some(Value::String(s)) => Id::new(s.as_str()).ok(),
        Some(Value::Number(n)) => Id::new(n.to_string()).ok(),
        Some(_) => None,
    };
    let Some(id) = id else {
        let (zh, en) = (
            "service_request_id 不是有效的 Linli 标识".to_owned(),
            "service_request_id is not a valid Linli id".to_owned(),
        );
        reject(report, ptr("service_request_id"), None, Code::Open311BadId, zh, en);
        return None;
    };
    let reported_at =
        match field("requested_datetime").map(|t| read_time(t, &ptr("requested_datetime"), options, report)) {
            Some(Ok(t)) => t,
            None => {
                let (zh, en) = ("缺少 requested_datetime".to_owned(), "missing requested_datetime".to_owned());
                reject(report, ptr("requested_datetime"), None, Code::Open311MissingRequestedDatetime, zh, en);
                return None;
            }
            Some(Err(why)) => {
                let (zh, en) = (format!("requested_datetime 无法解析（{why}）"), format!("requested_datetime: {why}"));
                reject(report, ptr("requested_datetime"), None, Code::Open311BadTime, zh, en);
                return None;
            }
        };

    let mut ext = Map::new();
    let text = |name: &str, ext: &mut Map<String, Value>, report: &mut LossReport| match field(name) {
        None => None,
        Some(v) => {
            let t = v.as_str().and_then(|s| Text::new(s).ok());
            if t.is_none() {
                reject_kept(report, ext, base, name, v, Code::Open311BadText, "not a valid text");
            }
            t
        }
    };

    // Category.
    let code = field("service_code").and_then(Value::as_str);
    let category = match code {
        Some(c) if options.categories.category(c).is_some_and(|cat| cat.code() != c) => {
            // The mapping file turned the city's code into a category: the code (and the name
            // the city gives the service) are kept, so that two codes of one category can be
            // told apart and written back [ADP-032].
            for name in ["service_code", "service_name"] {
                let Some(v) = field(name).filter(|v| v.is_string()) else { continue };
                ext.insert(name.to_owned(), v.clone());
                report.push(Loss {
                    kind: LossKind::KeptInExtensions,
                    source: ptr(name),
                    target: Some(format!("/extensions/{NAMESPACE}/{name}")),
                    code: Code::Open311ServiceCodeKept,
                    message_zh: format!(
                        "映射文件将服务代码归入类别，原 `{name}` 保存在扩展 `{NAMESPACE}` 中，写出时还原"
                    ),
                    message_en: format!(
                        "the mapping file turned the service code into a category; the original `{name}` is kept in extensions `{NAMESPACE}` and written back"
                    ),
                });
            }
            options.categories.category(c).unwrap_or(CaseCategory::Other)
        }
        Some(c) => options.categories.category(c).unwrap_or_else(|| {
            ext.insert("service_code".into(), c.into());
            report.push(Loss {
                kind: LossKind::KeptInExtensions,
                source: ptr("service_code"),
                target: Some(format!("/extensions/{NAMESPACE}/service_code")),
                code: Code::Open311UnknownServiceCode,
                message_zh: format!("未知的服务代码 `{c}` 归入 other.other，原代码保存在扩展 `{NAMESPACE}` 中"),
                message_en: format!(
                    "unknown service code `{c}` mapped to other.other; kept in extensions `{NAMESPACE}`"
                ),
            });
            CaseCategory::Other
        }),
        None => {
            if let Some(v) = field("service_code") {
                reject_kept(report, &mut ext, base, "service_code", v, Code::Open311BadText, "not a string");
            }
            CaseCategory::Other
        }
    };
    let title = text("service_name", &mut ext, report).unwrap_or_else(|| {
        report.push(Loss {
            kind: LossKind::Normalised,
            source: ptr("service_name"),
            target: Some("/title".to_owned()),
            code: Code::Open311DefaultTitle,
            message_zh: "没有可用的 service_name，标题取类别的中文名称".to_owned(),
            message_en: "no usable service_name; the title is the category's Chinese label".to_owned(),
        });
        Text::new(category.label_zh()).unwrap_or_else(|_| options.product.clone())
    });
    let description = text("description", &mut ext, report);

    // Times.
    let mut time = |name: &str, ext: &mut Map<String, Value>| {
        let v = field(name)?;
        match read_time(v, &ptr(name), options, report) {
            Ok(t) => Some(t),
            Err(why) => {
                reject_kept(report, ext, base, name, v, Code::Open311BadTime, why);
                None
            }
        }
    };
    let updated_at = time("updated_datetime", &mut ext);
    let deadline = time("expected_datetime", &mut ext);

    let mut meta = Meta::new(options.vendor.clone(), options.product.clone(), reported_at, options.classification);
    if let Some(u) = updated_at {
        meta.updated_at = u;
        if u.cmp_instant(&reported_at).is_lt() {
            meta.created_at = u;
        }
    }
    let mut case = Case::reported(id, meta, category, options.channel, title, reported_at);
    case.description = description;
    case.deadline = deadline;

    // Location, by the shared rules [ADP-070], [ADP-073].
    match (field("lat"), field("long")) {
        (None, None) => {}
        (lat, lng) => match (lat.and_then(rules::number), lng.and_then(rules::number)) {
            (Some(la), Some(lo)) => {
                let mut note = |code: Code, zh: &str, en: &str| {
                    report.push(Loss {
                        kind: LossKind::Normalised,
                        source: ptr("lat"),
                        target: Some("/location".to_owned()),
                        code,
                        message_zh: zh.to_owned(),
                        message_en: en.to_owned(),
                    });
                };
                if lat.is_some_and(Value::is_string) || lng.is_some_and(Value::is_string) {
                    note(
                        Code::Open311CoordinateText,
                        "坐标以文本写出，已读为数值",
                        "coordinates written as text; read as numbers",
                    );
                }
                match rules::locate(lo, la, options.datum) {
                    Located::At { lng, lat, converted, swapped } => {
                        if swapped {
                            note(
                                Code::Open311CoordinatesSwapped,
                                "lat 与 long 写反（纬度超出 ±90），已交换",
                                "lat and long given the other way round (the latitude is beyond ±90); swapped",
                            );
                        }
                        if converted {
                            note(
                                Code::Open311CoordinatesToWgs84,
                                "坐标已按声明的坐标系换算为 WGS-84",
                                "coordinates converted from the declared datum to WGS-84",
                            );
                        }
                        case.location = Point::new(lng, lat).ok();
                    }
                    Located::Unknown => note(
                        Code::Open311PositionUnknown,
                        "坐标为 0,0（表示未知），不作为位置",
                        "coordinates 0,0 (the usual way of writing unknown); no location",
                    ),
                    _ => {
                        for (name, v) in [("lat", lat), ("long", lng)] {
                            if let Some(v) = v {
                                let why = "latitude must be −90…90 and longitude −180…180";
                                reject_kept(report, &mut ext, base, name, v, Code::Open311BadCoordinate, why);
                            }
                        }
                    }
                }
            }
            _ => {
                for (name, v) in [("lat", lat), ("long", lng)] {
                    if let Some(v) = v {
                        let why = "latitude must be −90…90 and longitude −180…180, both given";
                        reject_kept(report, &mut ext, base, name, v, Code::Open311BadCoordinate, why);
                    }
                }
                if lat.is_none() || lng.is_none() {
                    let missing = if lat.is_none() { "lat" } else { "long" };
                    let (zh, en) = (format!("缺少 `{missing}`"), format!("`{missing}` is missing"));
                    reject(report, ptr(missing), None, Code::Open311BadCoordinate, zh, en);
                }
            }
        },
    }

    // Status.
    let notes = field("status_notes").and_then(Value::as_str).filter(|s| !s.trim().is_empty());
    if let Some(v) = field("status_notes").filter(|v| !v.is_string()) {
        reject_kept(report, &mut ext, base, "status_notes", v, Code::Open311BadText, "not a string");
    }
    let closed = match field("status") {
        Some(Value::String(s)) if s == "open" => Some(false),
        Some(Value::String(s)) if s == "closed" => Some(true),
        None => None,
        Some(v) => {
            reject_kept(
                report,
                &mut ext,
                base,
                "status",
                v,
                Code::Open311UnknownStatus,
                "status must be open or closed",
            );
            None
        }
    };
    let (status, via_rejection) = status_of(closed.unwrap_or(false), notes);
    let status = if closed.is_none() { CaseStatus::Reported } else { status };
    let step_at = updated_at.filter(|u| u.cmp_instant(&reported_at).is_ge()).unwrap_or(reported_at);
    for to in path_to(status, via_rejection) {
        // Each step of the path is legal after the one before.
        let _ = case.transition(to, step_at, None, None);
        report.push(Loss {
            kind: LossKind::Normalised,
            source: ptr("status"),
            target: Some(format!("/history/{}", case.history().len().saturating_sub(1))),
            code: Code::Open311StatusStepSynthesised,
            message_zh: format!("由 Open311 状态推定的流转步骤：{} {}", to.code(), to.label_zh()),
            message_en: format!("status step synthesised from the Open311 status: {}", to.code()),
        });
    }
    if let Some(n) = notes {
        case.set_latest_note(Text::new(n).ok());
    }

    // Everything else is kept, but for personal or secret members (the requester's `email`,
    // `phone`, `first_name`, `last_name`), which extensions cannot mark [ADP-078].
    for (name, v) in obj.iter().filter(|(k, v)| !MAPPED.contains(&k.as_str()) && !rules::is_absent(v)) {
        let at = format!("{base}/{}", token(name));
        if rules::is_sensitive_member(name) {
            report.push(rules::sensitive_not_kept(Code::Open311SensitiveNotKept, at));
            continue;
        }
        let mut v = v.clone();
        for p in rules::strip_sensitive(&mut v, &at) {
            report.push(rules::sensitive_not_kept(Code::Open311SensitiveNotKept, p));
        }
        ext.insert(name.clone(), v);
        let code = if name == "media_url" { Code::Open311MediaKept } else { Code::Open311FieldKept };
        let why_zh = if name == "media_url" { "（Linli 案件没有媒体成员）" } else { "" };
        let why_en = if name == "media_url" { " (a Linli case has no media member)" } else { "" };
        report.push(Loss {
            kind: LossKind::KeptInExtensions,
            source: format!("{base}/{}", token(name)),
            target: Some(format!("/extensions/{NAMESPACE}/{}", token(name))),
            code,
            message_zh: format!(
                "Open311 字段 `{name}` 在 Linli 案件中没有对应成员{why_zh}，已保存在扩展 `{NAMESPACE}` 中"
            ),
            message_en: format!(
                "Open311 field `{name}` has no Linli case member{why_en}; kept in extensions `{NAMESPACE}`"
            ),
        });
    }
    if !ext.is_empty() {
        if let Ok(ns) = Namespace::new(NAMESPACE) {
            case.extensions.0.insert(ns, ext);
        }
    }
    Some(case)
}

// ---------------------------------------------------------------------------------------------
// The XML form of GeoReport v2

/// Read the XML form of GeoReport v2 (`<service_requests><request>…`) into the JSON form that
/// [`requests_to_cases`] reads: one object per `request`, one member per child element, an
/// empty element as `""` (absent, reported `open311-null-absent` [ADP-074]), `lat` and `long`
/// as numbers when they read as numbers (otherwise kept as text and then rejected with a
/// pointer). A child element with elements of its own (`extended_attributes`, `media_urls` of
/// servers with extensions) becomes an object of its children, a name repeated becoming an
/// array, and is kept in the extensions like any other member ([ADP-031]). Text is trimmed;
/// character and predefined entity references are resolved. A document that is not well-formed
/// XML is an error naming the cause; so is nesting deeper than 64 elements.
///
/// Attributes are read too, never dropped [ADP-031]: an attribute `a` of a `request` element
/// becomes its member `@a`; of an element `e` inside a request, a member `e@a` beside `e`
/// (`<lat datum="gcj02">` gives `lat@datum`), so that the reader keeps them in the extensions
/// like any other member. Use [`requests_from_xml_with_loss`] to learn of the attributes of
/// `<service_requests>` itself, which belong to no request.
pub fn requests_from_xml(text: &str) -> Result<Value, crate::Error> {
    requests_from_xml_with_loss(text).map(|(v, _)| v)
}

/// [`requests_from_xml`], with a `not-representable` loss entry `open311-xml-attribute-not-read`
/// for each attribute of the `<service_requests>` element (`total="5"`): no request holds it.
pub fn requests_from_xml_with_loss(text: &str) -> Result<(Value, LossReport), crate::Error> {
    /// The deepest element nesting read.
    const MAX_XML_DEPTH: usize = 64;
    use quick_xml::events::Event;
    let bad = |message: String| crate::Error::Input { format: "Open311 XML", message };
    let mut reader = quick_xml::Reader::from_str(text.trim_start_matches('\u{feff}'));
    let mut stack: Vec<XmlFrame> = Vec::new();
    let mut root: Option<(String, Value)> = None;
    let mut loss = LossReport::default();
    let name_of = |raw: &[u8]| String::from_utf8_lossy(raw).into_owned();
    let attributes_of = |e: &quick_xml::events::BytesStart<'_>| -> Result<Vec<(String, Value)>, crate::Error> {
        e.attributes()
            .map(|a| {
                let a = a.map_err(|e| bad(e.to_string()))?;
                let value = a.unescape_value().map_err(|e| bad(e.to_string()))?;
                Ok((name_of(a.key.as_ref()), Value::String(value.into_owned())))
            })
            .collect()
    };
    loop {
        let event = reader.read_event().map_err(|e| bad(e.to_string()))?;
        // An element without children or text (`<x/>`) is read as `<x></x>`.
        let (event, empty) = match event {
            Event::Empty(e) => (Event::Start(e), true),
            e => (e, false),
        };
        match event {
            // GeoReport v2 nests a few levels; deeper input would build a value too deep to hold
            // or drop without exhausting the stack.
            Event::Start(_) if stack.len() >= MAX_XML_DEPTH => {
                return Err(bad(format!("elements nested deeper than {MAX_XML_DEPTH}")));
            }
            Event::Start(e) => {
                let attrs = attributes_of(&e)?;
                if stack.is_empty() {
                    for (a, _) in &attrs {
                        loss.push(Loss {
                            kind: LossKind::NotRepresentable,
                            source: format!("/@{}", token(a)),
                            target: None,
                            code: Code::Open311XmlAttributeNotRead,
                            message_zh: format!(
                                "<service_requests> 元素的属性 `{}` 不属于任何请求，未读取",
                                escape_controls(a)
                            ),
                            message_en: format!(
                                "attribute `{}` of the <service_requests> element belongs to no request; not read",
                                escape_controls(a)
                            ),
                        });
                    }
                }
                stack.push((name_of(e.name().as_ref()), Vec::new(), String::new(), attrs));
                if !empty {
                    continue;
                }
                if let Some(done) = end_element(&mut stack, &mut root) {
                    return Err(bad(done));
                }
            }
            Event::Text(t) => {
                if let Some(top) = stack.last_mut() {
                    top.2.push_str(&t.decode().map_err(|e| bad(e.to_string()))?);
                }
            }
            Event::CData(t) => {
                if let Some(top) = stack.last_mut() {
                    top.2.push_str(&t.decode().map_err(|e| bad(e.to_string()))?);
                }
            }
            Event::GeneralRef(r) => {
                let Some(top) = stack.last_mut() else { continue };
                match r.resolve_char_ref().map_err(|e| bad(e.to_string()))? {
                    Some(c) => top.2.push(c),
                    None => {
                        let name = r.decode().map_err(|e| bad(e.to_string()))?;
                        let resolved = quick_xml::escape::resolve_predefined_entity(&name)
                            .ok_or_else(|| bad(format!("unknown entity `&{name};`")))?;
                        top.2.push_str(resolved);
                    }
                }
            }
            Event::End(_) => {
                if let Some(done) = end_element(&mut stack, &mut root) {
                    return Err(bad(done));
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    if !stack.is_empty() {
        return Err(bad("the document ends inside an element".into()));
    }
    let doc = match root {
        Some((_, Value::Object(doc))) => doc,
        // `<service_requests></service_requests>` (what the writer gives for no request) reads
        // like `<service_requests/>`: no request.
        Some((_, Value::String(_))) => Map::new(),
        _ => return Err(bad("no <service_requests> element with <request> elements".into())),
    };
    let requests = match doc.get("request") {
        Some(Value::Array(items)) => items.clone(),
        Some(one) => vec![one.clone()],
        None => Vec::new(),
    };
    let requests = requests
        .into_iter()
        .map(|r| match r {
            Value::Object(obj) => Value::Object(
                obj.into_iter()
                    .map(|(k, v)| {
                        let v = match (k.as_str(), v) {
                            ("lat" | "long", Value::String(t)) => t
                                .trim()
                                .parse::<f64>()
                                .ok()
                                .and_then(serde_json::Number::from_f64)
                                .map_or(Value::String(t), Value::Number),
                            (_, v) => v,
                        };
                        (k, v)
                    })
                    .collect(),
            ),
            // `<request/>` or `<request>text</request>`: a request without members.
            _ => Value::Object(Map::new()),
        })
        .collect();
    Ok((Value::Array(requests), loss))
}

/// An XML element being read: its name, its children in order, its text, its attributes.
type XmlFrame = (String, Vec<(String, Value)>, String, Vec<(String, Value)>);

/// The element on top of `stack` ends: its value goes to its parent (or is the root), its
/// attributes as members (`@a` of a `request`, `e@a` beside any other element `e`). An error
/// message when there is no element to end.
fn end_element(stack: &mut Vec<XmlFrame>, root: &mut Option<(String, Value)>) -> Option<String> {
    let Some((name, children, text, attrs)) = stack.pop() else { return Some("unbalanced end tag".into()) };
    // A `request` element (the root's child) holds its attributes as `@a` members.
    let is_request = stack.len() == 1;
    let value = if is_request && !attrs.is_empty() {
        let mut members: Vec<(String, Value)> = attrs.iter().map(|(a, v)| (format!("@{a}"), v.clone())).collect();
        members.extend(children);
        grouped(members)
    } else if children.is_empty() {
        Value::String(text.trim().to_owned())
    } else {
        grouped(children)
    };
    match stack.last_mut() {
        Some(top) => {
            top.1.push((name.clone(), value));
            if !is_request {
                top.1.extend(attrs.into_iter().map(|(a, v)| (format!("{name}@{a}"), v)));
            }
        }
        None => *root = Some((name, value)),
    }
    None
}

/// Children of an XML element as a JSON object; a name given more than once becomes an array.
fn grouped(children: Vec<(String, Value)>) -> Value {
    let mut out = Map::new();
    for (k, v) in children {
        match out.get_mut(&k) {
            // XML gives no arrays of its own: an array here is a name already repeated.
            Some(Value::Array(items)) => items.push(v),
            Some(existing) => {
                let first = existing.take();
                *existing = Value::Array(vec![first, v]);
            }
            None => {
                out.insert(k, v);
            }
        }
    }
    Value::Object(out)
}

/// Write the JSON form of service requests (as [`cases_to_requests`] gives them) in the XML form
/// [ADP-031]: `<?xml …?>`, a line feed, `<service_requests>`, each request as `<request>` with its
/// members as elements in code point order of their names, `</service_requests>` and a line feed
/// (no request: `<service_requests></service_requests>`). Every member is a scalar there:
///
/// - a member that is not (a foreign array or object kept in the extensions) is written as its
///   JSON text, [`LossKind::Normalised`] (`open311-xml-json-text`);
/// - a member whose name is not an XML element name ([`is_xml_name`]) is not written,
///   [`LossKind::NotRepresentable`] (`open311-xml-name`);
/// - a `null` member is not written (XML has no null; an empty element reads as `""`),
///   [`LossKind::NotRepresentable`] (`open311-xml-null`);
/// - text is escaped by [`xml_text`]; a character XML 1.0 forbids is written as U+FFFD,
///   [`LossKind::NotRepresentable`] (`open311-xml-char-replaced`, once per member).
///
/// The pointers are `/<i>/<member>` into the requests given. Never an error today; the `Result`
/// is kept for the writers' common shape.
pub fn requests_to_xml(requests: &Value) -> Result<(String, LossReport), crate::Error> {
    let mut report = LossReport::default();
    let mut xml = String::from("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<service_requests>");
    for (i, r) in requests.as_array().into_iter().flatten().enumerate() {
        let mut lost = |code: Code, k: &str, zh: String, en: String| {
            report.push(Loss {
                // Only `open311-xml-json-text` changes a value that is still written.
                kind: if code == Code::Open311XmlJsonText { LossKind::Normalised } else { LossKind::NotRepresentable },
                source: format!("/{i}/{}", token(k)),
                target: None,
                code,
                message_zh: zh,
                message_en: en,
            });
        };
        // Code point order of the names, whatever order the object keeps.
        let members: std::collections::BTreeMap<&String, &Value> = r.as_object().into_iter().flatten().collect();
        xml.push_str("<request>");
        for (k, v) in members {
            if !is_xml_name(k) {
                lost(
                    Code::Open311XmlName,
                    k,
                    "成员名不是 XML 元素名，在 XML 中无法写出".to_owned(),
                    "the member's name is not an XML element name; not written in XML".to_owned(),
                );
                continue;
            }
            let text = match v {
                Value::String(s) => s.clone(),
                Value::Number(n) => n.to_string(),
                Value::Bool(b) => b.to_string(),
                Value::Null => {
                    lost(
                        Code::Open311XmlNull,
                        k,
                        format!("`{k}` 为 null，XML 无法表示 null（空元素读作空字符串），未写出"),
                        format!("`{k}` is null, which XML cannot hold (an empty element reads as \"\"); not written"),
                    );
                    continue;
                }
                other => {
                    lost(
                        Code::Open311XmlJsonText,
                        k,
                        format!("`{k}` 不是标量，在 XML 中写为 JSON 文本"),
                        format!("`{k}` is not a scalar; written as JSON text in XML"),
                    );
                    other.to_string()
                }
            };
            let (escaped, replaced) = xml_text(&text);
            if !replaced.is_empty() {
                let list = replaced.iter().map(|c| format!("U+{:04X}", u32::from(*c))).collect::<Vec<_>>().join(", ");
                lost(
                    Code::Open311XmlCharReplaced,
                    k,
                    format!("`{k}` 含有 XML 1.0 不允许的字符（{list}），写为 U+FFFD"),
                    format!("`{k}` holds characters XML 1.0 does not allow ({list}); written as U+FFFD"),
                );
            }
            xml.push_str(&format!("<{k}>{escaped}</{k}>"));
        }
        xml.push_str("</request>");
    }
    xml.push_str("</service_requests>\n");
    Ok((xml, report))
}

/// The text of an element of the XML written [ADP-031], and the characters that could not be
/// written (each distinct one once, in order of first appearance):
///
/// - `&`, `<`, `>` as `&amp;`, `&lt;`, `&gt;`;
/// - the characters XML 1.0 allows that a reader would lose or a terminal obey — carriage return
///   (a parser turns a literal one into a line feed), DEL, the C1 controls (U+0085 among them),
///   U+061C, U+200E, U+200F, U+2028, U+2029, U+202A–U+202E and U+2066–U+2069 — as decimal
///   character references (`&#13;`), which every parser gives back as the character [CON-072];
/// - the characters XML 1.0 forbids (the C0 controls but tab, line feed and carriage return;
///   U+FFFE, U+FFFF) as U+FFFD: no XML 1.0 document can hold them;
/// - every other character as itself.
pub fn xml_text(text: &str) -> (String, Vec<char>) {
    use linli_model::support::xml::is_xml_char;
    let mut out = String::with_capacity(text.len());
    let mut replaced = Vec::new();
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '\n' | '\t' => out.push(c),
            c if !is_xml_char(c) => {
                if !replaced.contains(&c) {
                    replaced.push(c);
                }
                out.push('\u{FFFD}');
            }
            c if linli_model::text::is_terminal_control(c) => out.push_str(&format!("&#{};", u32::from(c))),
            c => out.push(c),
        }
    }
    (out, replaced)
}

/// Whether `name` can be an element's name in the XML written [ADP-031]: a letter (ASCII), `_` or
/// a CJK unified ideograph of U+4E00–U+9FA5, then any of those, ASCII digits, `-` and `.` — names
/// that every XML 1.0 parser accepts, those that read names by the fourth edition's tables (such
/// as expat) included.
pub fn is_xml_name(name: &str) -> bool {
    fn start(c: char) -> bool {
        matches!(c, 'A'..='Z' | '_' | 'a'..='z' | '\u{4E00}'..='\u{9FA5}')
    }
    let mut chars = name.chars();
    chars.next().is_some_and(start) && chars.all(|c| start(c) || matches!(c, '-' | '.' | '0'..='9'))
}
