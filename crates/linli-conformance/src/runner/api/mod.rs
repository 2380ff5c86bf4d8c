//! The api target: the class `api` against a live exchange node over HTTP (spec chapter 31),
//! `[CNF-072]`–`[CNF-075]`. The cases are `conformance/api/AP-*.json` (what each shows and
//! cites) and the checks of this module (what each sends and judges), plus one outcome
//! `VECTOR/api-write` per document vector.

mod cases;
mod http;

use std::time::Instant;

use serde_json::{Value, json};
use sha2::Digest;

use super::{CaseResult, Outcome, RunError, RunOptions, Summary, case_event, listed};
use crate::vector::{ApiCase, Class, DocumentVector, Verdict};

pub(crate) use self::http::{Answer, Broken, Http, check_url, shown_url};

/// An exchange node to run the class `api` against `[CNF-072]`. The tokens are never written
/// into a report or an event, and `Debug` does not show them.
#[derive(Clone)]
pub struct ApiTarget {
    /// The node's base URL, `http://HOST:PORT` (a path prefix is allowed). An `https` URL is
    /// refused with the run error `api-target`: the runner has no TLS stack.
    pub url: String,
    /// The writer's token: write scopes for all six record types, any source (a department), and
    /// read level `internal`.
    pub token: String,
    /// A token of read level `inter-department`; without it the cases that need it are `skip`.
    pub token_inter_department: Option<String>,
    /// A token of read level `public` (no write scopes); without it the cases that need it are
    /// `skip`.
    pub token_public: Option<String>,
}

impl ApiTarget {
    /// The URL as reports show it: without user information (`user:password@`), which is never
    /// written `[CNF-075]`.
    pub fn shown_url(&self) -> String {
        shown_url(&self.url)
    }
}

impl std::fmt::Debug for ApiTarget {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ApiTarget")
            .field("url", &self.shown_url())
            .field("token", &"<hidden>")
            .field("token_inter_department", &self.token_inter_department.as_ref().map(|_| "<hidden>"))
            .field("token_public", &self.token_public.as_ref().map(|_| "<hidden>"))
            .finish()
    }
}

/// The purpose the runner declares on every read at level `internal` `[API-031]`.
pub(crate) const PURPOSE: &str = "linli-conformance";

/// What a case found wrong, in both languages. No message quotes a record value or a token.
#[derive(Default)]
pub(crate) struct Check {
    zh: Vec<String>,
    en: Vec<String>,
}

impl Check {
    pub(crate) fn fail(&mut self, zh: impl Into<String>, en: impl Into<String>) {
        self.zh.push(zh.into());
        self.en.push(en.into());
    }

    pub(crate) fn ok(&self) -> bool {
        self.en.is_empty()
    }

    /// The answer has status `want`; otherwise a failure naming the status and the code found.
    pub(crate) fn status(&mut self, a: &Answer, want: &[u16], req: &str) -> bool {
        if want.contains(&a.status) {
            return true;
        }
        let code = error_code(a);
        let wants = want.iter().map(u16::to_string).collect::<Vec<_>>().join("/");
        self.fail(
            format!("{} 应答 HTTP {}{code}，应为 {wants} [{req}]", a.what, a.status),
            format!("{} answered HTTP {}{code}, expected {wants} [{req}]", a.what, a.status),
        );
        false
    }

    /// The answer is the error `status` `code` with the error body of `[API-040]`.
    pub(crate) fn error(&mut self, a: &Answer, status: u16, code: &str, req: &str) -> Result<(), Broken> {
        self.error_of(a, status, &[code], req)
    }

    /// The answer is the error `status` with one of `codes` and the error body of `[API-040]`
    /// (where two requirements of chapter 31 name different codes for one request).
    pub(crate) fn error_of(&mut self, a: &Answer, status: u16, codes: &[&str], req: &str) -> Result<(), Broken> {
        let code = codes.join("/");
        if a.status != status {
            let found = error_code(a);
            self.fail(
                format!("{} 应答 HTTP {}{found}，应为 {status} {code} [{req}]", a.what, a.status),
                format!("{} answered HTTP {}{found}, expected {status} {code} [{req}]", a.what, a.status),
            );
            return Ok(());
        }
        let v = a.json()?;
        let got = v.get("code").and_then(Value::as_str).unwrap_or("");
        if !codes.contains(&got) {
            let got = code_shown(got);
            self.fail(
                format!("{} 应答 HTTP {status} 的代码为 {got:?}，应为 {code} [{req}]", a.what),
                format!("{} answered HTTP {status} with code {got:?}, expected {code} [{req}]", a.what),
            );
        }
        self.error_body(a, &v);
        Ok(())
    }

    /// The members of every error body `[API-040]`.
    pub(crate) fn error_body(&mut self, a: &Answer, v: &Value) {
        let missing: Vec<String> = ["code", "requirement", "message_zh", "message_en"]
            .into_iter()
            .filter(|m| !v.get(*m).is_some_and(Value::is_string))
            .chain(v.get("status").is_none_or(|s| s.as_u64() != Some(u64::from(a.status))).then_some("status"))
            .map(str::to_owned)
            .collect();
        if !missing.is_empty() {
            self.fail(
                format!("{} 的错误应答缺少或错写成员：{} [API-040]", a.what, listed(&missing, true)),
                format!("{}: the error body lacks or misstates: {} [API-040]", a.what, listed(&missing, false)),
            );
        }
    }
}

/// ` (code X)` of an answer whose body is a JSON object with a string `code`, else empty; the code
/// as [`code_shown`] shows it.
fn error_code(a: &Answer) -> String {
    // No readable code: the default, nothing, is added to the detail.
    serde_json::from_slice::<Value>(&a.body)
        .ok()
        .and_then(|v| v.get("code").and_then(Value::as_str).map(|c| format!(" {}", code_shown(c))))
        .unwrap_or_default()
}

/// Most characters of a code (an error code, a status word, an `op`) a report quotes.
const CODE_MAX: usize = 64;

/// A code a server answered, as a report may quote it: 1 to [`CODE_MAX`] characters of
/// `[a-z0-9-]` (every code of chapter 31 is such), else `(not a code)` — never the text itself,
/// which may hold a token or a personal value `[CNF-075]`.
pub(crate) fn code_shown(code: &str) -> String {
    let ok = !code.is_empty()
        && code.len() <= CODE_MAX
        && code.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
    if ok { code.to_owned() } else { "(not a code)".to_owned() }
}

/// What the runner quotes of a server's answers, masked before it reaches a report, an event
/// or the terminal `[CNF-068]` `[CNF-075]`: every token of the run replaced by `[token]`, the
/// personal values of the records the run sends (the document vectors, the share sources),
/// personal numbers in any form and long digit runs masked, and the text cut to
/// [`super::mask::ADAPTER_TEXT_MAX`] characters.
pub(crate) struct Quote {
    /// The run's tokens, longest first.
    tokens: Vec<String>,
    sent: super::mask::Sent,
}

impl Quote {
    pub(crate) fn new(target: &ApiTarget, records: &[&Value]) -> Self {
        let mut tokens: Vec<String> =
            [Some(&target.token), target.token_inter_department.as_ref(), target.token_public.as_ref()]
                .into_iter()
                .flatten()
                .map(|t| t.trim().to_owned())
                .filter(|t| !t.is_empty())
                .collect();
        tokens.sort_by_key(|t| std::cmp::Reverse(t.len()));
        let sent = super::mask::Sent::default();
        for r in records {
            sent.add(&json!({"record": r}));
        }
        Quote { tokens, sent }
    }

    /// `text` as a report may hold it.
    pub(crate) fn text(&self, text: &str) -> String {
        let mut t = text.to_owned();
        for tok in &self.tokens {
            if t.contains(tok.as_str()) {
                t = t.replace(tok.as_str(), "[token]");
            }
        }
        super::mask::cap(&self.sent.mask(&t))
    }

    /// A short text (a version, a storage name): quoted, then cut to `max` characters.
    pub(crate) fn short(&self, text: &str, max: usize) -> String {
        let t = self.text(text);
        if t.chars().count() <= max { t } else { format!("{}…", t.chars().take(max).collect::<String>()) }
    }
}

/// What every check has at hand.
pub(crate) struct Ctx<'a> {
    pub(crate) http: Http,
    pub(crate) target: &'a ApiTarget,
    /// Part of every id the run makes, so that runs against one node do not meet.
    pub(crate) nonce: String,
    /// The suite folder (the share sources of the level cases).
    pub(crate) suite: &'a std::path::Path,
    /// The per-request deadline.
    pub(crate) deadline: std::time::Duration,
}

impl Ctx<'_> {
    /// A record id of this run for case `case`, number `n`.
    pub(crate) fn id(&self, case: &str, n: usize) -> String {
        format!("api-{}-{}-{n:04}", self.nonce, case.to_ascii_lowercase().replace('-', ""))
    }

    /// A request of the writer (read level `internal`: with the purpose).
    pub(crate) fn writer(&self, method: &str, path: &str, body: Option<Vec<u8>>) -> Result<Answer, Broken> {
        self.http.send(method, path, Some(&self.target.token), &[("X-Linli-Purpose", PURPOSE)], body)
    }

    /// `PUT` of a record at its own type and id, with extra headers.
    pub(crate) fn put(&self, rec: &Value, headers: &[(&str, &str)]) -> Result<Answer, Broken> {
        let path = record_path(rec).unwrap_or_else(|| "/v1/records/-/-".to_owned());
        let mut h = vec![("Content-Type", "application/json")];
        h.extend_from_slice(headers);
        self.http.send("PUT", &path, Some(&self.target.token), &h, Some(rec.to_string().into_bytes()))
    }

    /// `GET` of one record by the writer.
    pub(crate) fn get(&self, ty: &str, id: &str) -> Result<Answer, Broken> {
        self.writer("GET", &format!("/v1/records/{ty}/{id}"), None)
    }

    /// The feed cursor of the latest change, from `/v1/status` `[API-005]`.
    pub(crate) fn feed_head(&self) -> Result<String, Broken> {
        let a = self.writer("GET", "/v1/status", None)?;
        let v = a.json()?;
        v.get("feed").and_then(Value::as_str).map(str::to_owned).ok_or_else(|| {
            Broken::new(
                "GET /v1/status 的应答没有字符串成员 feed [API-005]",
                "GET /v1/status answered without a string member feed [API-005]",
            )
        })
    }
}

/// `/v1/records/TYPE/ID` of a record whose type is a record type code and whose id can stand in
/// a path as it is (the pattern of [CON-010]).
pub(crate) fn record_path(rec: &Value) -> Option<String> {
    let ty = rec.get("type").and_then(Value::as_str)?;
    <linli_model::RecordType as linli_model::codes::CodeTable>::from_code(ty)?;
    let id = rec.get("id").and_then(Value::as_str)?;
    let ok = !id.is_empty()
        && id.len() <= 128
        && id.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | ':' | '~' | '-'))
        && id.starts_with(|c: char| c.is_ascii_alphanumeric());
    ok.then(|| format!("/v1/records/{ty}/{id}"))
}

/// The SHA-256 of a record's stored form (members
/// in byte order of their names, no white space), which an ETag must not be `[API-012]`. Only for records without fractions (the text
/// of a number is not fixed by the chapter).
pub(crate) fn etag_of(rec: &Value) -> String {
    // serde_json's map keeps members in byte order of their names: the stored form.
    linli_model::support::hex::encode(&sha2::Sha256::digest(rec.to_string().as_bytes()))
}

/// A small valid Place of this run (the shape of COR-V-0003), named `name`.
pub(crate) fn place(id: &str, name: &str) -> Value {
    json!({
        "type": "Place",
        "id": id,
        "meta": {
            "source": {"vendor": "苏州邻里示例科技有限公司", "product": "社区综合治理平台"},
            "createdAt": "2024-05-06T08:30:00+08:00",
            "updatedAt": "2024-05-06T08:30:00+08:00",
            "version": 1,
            "classification": "internal"
        },
        "kind": "building",
        "name": name
    })
}

/// The api cases the runner has checks for, by ID.
pub(crate) fn implemented() -> Vec<&'static str> {
    cases::CHECKS.iter().map(|(id, _)| *id).collect()
}

/// Every outcome of the class `api`: (outcome ID, class) `[CNF-003]`.
pub(crate) fn outcomes(api: &[ApiCase], vectors: &[DocumentVector]) -> Vec<String> {
    api.iter().map(|c| format!("{}/api", c.id)).chain(vectors.iter().map(|v| format!("{}/api-write", v.id))).collect()
}

/// The api cases of the suite, refused when one has no check or a file does not read.
pub(crate) fn suite_cases(suite: &std::path::Path) -> Result<Vec<ApiCase>, String> {
    let cases: Vec<ApiCase> =
        crate::vector::api_cases(suite).map_err(|e| e.to_string())?.into_iter().map(|(_, c)| c).collect();
    let known = implemented();
    for c in &cases {
        if !known.contains(&c.id.as_str()) {
            return Err(format!("api case {} has no check in this runner [CNF-072]", c.id));
        }
        for n in &c.needs {
            if !matches!(n.as_str(), "inter-department" | "public") {
                return Err(format!("api case {}: `needs` names {n:?}, not a token of the run [CNF-072]", c.id));
            }
        }
    }
    Ok(cases)
}

/// Run the class `api` against `target`; the classes judged (`api`).
pub(super) fn run_api(
    target: &ApiTarget,
    opts: &RunOptions,
    vectors: &[DocumentVector],
    summary: &mut Summary,
    event: &mut dyn FnMut(&Value),
) -> Vec<Class> {
    let base = match check_url(&target.url) {
        Ok(b) => b,
        Err(b) => {
            summary.run_errors.push(RunError::new("api-target", b.zh, b.en));
            return Vec::new();
        }
    };
    let cases = match suite_cases(&opts.suite) {
        Ok(c) => c,
        Err(e) => {
            summary.run_errors.push(super::suite_refused(e));
            return Vec::new();
        }
    };
    let started = Instant::now();
    let http =
        Http::new(base, opts.case_timeout, opts.max_answer_bytes, 3).with_run_deadline(started + opts.run_timeout);
    // Everything quoted of the node is masked with the values the run sends [CNF-068].
    let shares = crate::share::Shares::new(&opts.suite, &super::plan::export_cases(&opts.suite));
    let records: Vec<&Value> = vectors
        .iter()
        .map(|v| &v.record)
        .chain(shares.vectors.iter().flat_map(|v| v.record.as_array().into_iter().flatten()))
        .collect();
    let quote = Quote::new(target, &records);
    let refused = preflight(&http, target, &quote);
    if !refused.is_empty() {
        for e in &refused {
            event(&json!({"event": "run-error", "code": e.code, "message_zh": e.zh, "message_en": e.en}));
        }
        summary.run_errors.extend(refused);
        return Vec::new();
    }
    // The run's ids: from the seed and the node's feed head, so that two runs against one node
    // never write the same id, and nothing else is random [CNF-041].
    let status = http
        .send("GET", "/v1/status", Some(&target.token), &[("X-Linli-Purpose", PURPOSE)], None)
        .ok()
        .filter(|a| a.status == 200)
        .and_then(|a| a.json().ok());
    let text = |m: &str| status.as_ref().and_then(|v| v.get(m)).and_then(Value::as_str).map(str::to_owned);
    // A node that did not answer: the default, no head, still gives the seed's ids.
    let head = status.as_ref().and_then(|v| v.get("feed")).map(Value::to_string).unwrap_or_default();
    let openapi = http.send("GET", "/openapi.json", None, &[], None).ok().filter(|a| a.status == 200);
    summary.node = Some(super::NodeSeen {
        url: http.base().to_owned(),
        version: text("version").map(|v| quote.short(&v, 100)),
        storage: text("storage").map(|v| quote.short(&v, 100)),
        openapi_sha256: openapi.map(|a| linli_model::support::hex::encode(&sha2::Sha256::digest(&a.body))),
    });
    let nonce = {
        let d = sha2::Sha256::digest(format!("{}\n{head}", opts.seed).as_bytes());
        linli_model::support::hex::encode(&d[..4])
    };
    let ctx = Ctx { http, target, nonce, suite: &opts.suite, deadline: opts.case_timeout };
    event(&json!({"event": "api-started", "url": ctx.http.base()}));
    let mut deadline_hit = false;
    let push = |r: CaseResult, summary: &mut Summary, event: &mut dyn FnMut(&Value)| {
        event(&case_event(&r));
        summary.cases.push(r);
    };
    for case in &cases {
        let mut r = result(&case.id, "api", case.requirements.clone());
        if started.elapsed() > opts.run_timeout {
            deadline_hit = true;
            late(&mut r);
        } else if let Some(missing) = case.needs.iter().find(|n| token_of(target, n).is_none()) {
            r.outcome = Outcome::Skip;
            r.detail_zh = format!("未提供 {missing} 级别的令牌（--token-file-{missing}），本用例未运行");
            r.detail_en = format!("no token of read level {missing} was given (--token-file-{missing}); not run");
        } else {
            let t = Instant::now();
            let check = cases::CHECKS.iter().find(|(id, _)| *id == case.id).map(|(_, f)| *f);
            if let Some(f) = check {
                let mut c = Check::default();
                let res = f(&ctx, &mut c);
                conclude(&mut r, res, c, &case.description, &quote);
            }
            r.ms = t.elapsed().as_millis() as u64;
        }
        push(r, summary, event);
    }
    for v in vectors {
        let mut reqs = v.requirements.clone();
        reqs.extend(["API-010".to_owned(), "CNF-073".to_owned()]);
        let mut r = result(&v.id, "api-write", reqs);
        r.class = Class::Api;
        if started.elapsed() > opts.run_timeout {
            deadline_hit = true;
            late(&mut r);
        } else {
            let t = Instant::now();
            let mut c = Check::default();
            let res = cases::api_write(&ctx, v, &mut c);
            let what = match v.verdict {
                Verdict::Valid => crate::vector::Bilingual {
                    zh: "写入后读回，与所写记录相同".into(),
                    en: "written and read back equal to the record written".into(),
                },
                Verdict::Invalid => crate::vector::Bilingual {
                    zh: "被拒绝（422 api-invalid-record），校验报告的错误与用例相同".into(),
                    en: "refused (422 api-invalid-record) with the expected error findings".into(),
                },
            };
            conclude(&mut r, res, c, &what, &quote);
            r.ms = t.elapsed().as_millis() as u64;
        }
        push(r, summary, event);
    }
    if deadline_hit || ctx.http.past_run_deadline() {
        summary.run_errors.push(RunError::new(
            "run-deadline",
            format!("运行超过时限 {} 秒，未完成的结果记为 error [CNF-040]", opts.run_timeout.as_secs()),
            format!(
                "the run exceeded its deadline of {} s; outcomes not reached are errors [CNF-040]",
                opts.run_timeout.as_secs()
            ),
        ));
    }
    vec![Class::Api]
}

/// Before any case: the node answers `/healthz` as a Linli node does, and each token of the run
/// is one of the node's, of the read level its option names (`--token-file` internal,
/// `--token-file-inter-department`, `--token-file-public`) `[CNF-072]`. A mistake of the one who
/// runs the suite is a run error (`api-target`, `api-token`), never a failure of the node.
fn preflight(http: &Http, target: &ApiTarget, quote: &Quote) -> Vec<RunError> {
    let shown = target.shown_url();
    let h = match http.send("GET", "/healthz", None, &[], None) {
        Ok(a) => a,
        Err(b) => {
            return vec![RunError::new(
                "api-target",
                format!("{shown} 无应答：{}；节点是否在运行？地址应为 http://主机:端口 [CNF-072]", quote.text(&b.zh)),
                format!(
                    "nothing answered at {shown}: {}; is the node running, and is the URL http://HOST:PORT? [CNF-072]",
                    quote.text(&b.en)
                ),
            )];
        }
    };
    let healthy = h.status == 200
        && h.json().ok().and_then(|v| v.get("status").and_then(Value::as_str).map(str::to_owned)).as_deref()
            == Some("ok");
    if !healthy {
        return vec![not_a_node(&shown, &h)];
    }
    let mut errors = Vec::new();
    let tokens = [
        ("--token-file", Some(target.token.as_str()), "internal"),
        ("--token-file-inter-department", target.token_inter_department.as_deref(), "inter-department"),
        ("--token-file-public", target.token_public.as_deref(), "public"),
    ];
    for (option, token, want) in tokens {
        let Some(token) = token else { continue };
        let a = match http.send("GET", "/v1/status", Some(token), &[("X-Linli-Purpose", PURPOSE)], None) {
            Ok(a) => a,
            Err(b) => {
                errors.push(RunError::new(
                    "api-target",
                    format!("{shown} 对 GET /v1/status 无可用应答：{} [CNF-072]", quote.text(&b.zh)),
                    format!("{shown} gave no usable answer to GET /v1/status: {} [CNF-072]", quote.text(&b.en)),
                ));
                return errors;
            }
        };
        if a.status == 401 {
            errors.push(RunError::new(
                "api-token",
                format!("节点拒绝了 {option} 中的令牌（HTTP 401）：它不是该节点的令牌 [CNF-072]"),
                format!("the node refused the token of {option} (HTTP 401): it is not a token of this node [CNF-072]"),
            ));
            continue;
        }
        let level = match (a.status, a.json()) {
            (200, Ok(v)) => v.get("readLevel").and_then(Value::as_str).map(code_shown),
            _ => None,
        };
        match level {
            None => {
                errors.push(not_a_node(&shown, &a));
                return errors;
            }
            Some(l) if l == want => {}
            Some(l) => {
                let need = if want == "internal" {
                    (
                        "写入方令牌须为 internal 级别、可写全部六种记录类型",
                        "the writer token must have read level internal and write all six record types",
                    )
                } else {
                    ("", "")
                };
                errors.push(RunError::new(
                    "api-token",
                    format!("{option} 中令牌的读取级别为 {l}，应为 {want}。{} [CNF-072]", need.0),
                    format!("the token of {option} has read level {l}, not {want}. {} [CNF-072]", need.1),
                ));
            }
        }
    }
    errors
}

/// The run error of a URL whose answers are not a Linli node's.
fn not_a_node(shown: &str, a: &Answer) -> RunError {
    RunError::new(
        "api-target",
        format!(
            "{shown} 不是 Linli 交换节点：{} 应答 HTTP {}，与第 31 章不符；请给出节点的根地址（http://主机:端口，不含 /v1）[CNF-072]",
            a.what, a.status
        ),
        format!(
            "{shown} is not a Linli exchange node: {} answered HTTP {}, not as chapter 31 says; give the node's base URL (http://HOST:PORT, without /v1) [CNF-072]",
            a.what, a.status
        ),
    )
}

fn token_of<'a>(t: &'a ApiTarget, level: &str) -> Option<&'a str> {
    match level {
        "inter-department" => t.token_inter_department.as_deref(),
        "public" => t.token_public.as_deref(),
        _ => Some(&t.token),
    }
}

fn result(case: &str, op: &'static str, requirements: Vec<String>) -> CaseResult {
    CaseResult {
        id: format!("{case}/{op}"),
        case: case.to_owned(),
        op,
        class: Class::Api,
        requirements,
        outcome: Outcome::Error,
        detail_zh: String::new(),
        detail_en: String::new(),
        ms: 0,
    }
}

fn late(r: &mut CaseResult) {
    r.outcome = Outcome::Error;
    r.detail_zh = "运行已超过时限，本结果未运行 [CNF-040]".into();
    r.detail_en = "the run's deadline had passed; not run [CNF-040]".into();
}

/// At most this many problems are listed in an outcome's detail; the rest are counted.
const MAX_LISTED: usize = 8;

/// The outcome of a case from what its check found; every detail masked and cut by `quote`: it
/// may quote the node.
fn conclude(r: &mut CaseResult, res: Result<(), Broken>, c: Check, what: &crate::vector::Bilingual, quote: &Quote) {
    outcome_of(r, res, c, what);
    // A pass shows the runner's own words only; every other detail may quote the node.
    if r.outcome != Outcome::Pass {
        r.detail_zh = quote.text(&r.detail_zh);
        r.detail_en = quote.text(&r.detail_en);
    }
}

fn outcome_of(r: &mut CaseResult, res: Result<(), Broken>, mut c: Check, what: &crate::vector::Bilingual) {
    if c.en.len() > MAX_LISTED {
        let more = c.en.len() - MAX_LISTED;
        c.zh.truncate(MAX_LISTED);
        c.en.truncate(MAX_LISTED);
        c.zh.push(format!("另有 {more} 处问题"));
        c.en.push(format!("and {more} more problems"));
    }
    match res {
        Err(b) => {
            r.outcome = Outcome::Error;
            let mut zh = c.zh;
            let mut en = c.en;
            zh.push(b.zh);
            en.push(b.en);
            r.detail_zh = zh.join("；");
            r.detail_en = en.join("; ");
        }
        Ok(()) if c.ok() => {
            r.outcome = Outcome::Pass;
            r.detail_zh = what.zh.clone();
            r.detail_en = what.en.clone();
        }
        Ok(()) => {
            r.outcome = Outcome::Fail;
            r.detail_zh = c.zh.join("；");
            r.detail_en = c.en.join("; ");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_api_case_without_a_check_or_with_an_unknown_token_refuses_the_suite() {
        let dir = tempfile::tempdir().expect("temp");
        std::fs::create_dir_all(dir.path().join("api")).expect("dir");
        let case = |id: &str, needs: &str| {
            format!(
                r#"{{"id":"{id}","description":{{"zh":"甲","en":"a"}},"requirements":["API-001"],"halves":["valid"],"needs":[{needs}]}}"#
            )
        };
        std::fs::write(dir.path().join("api/AP-0001.json"), case("AP-0001", "\"public\"")).expect("write");
        assert_eq!(suite_cases(dir.path()).expect("known").len(), 1);
        std::fs::write(dir.path().join("api/AP-9999.json"), case("AP-9999", "")).expect("write");
        let e = suite_cases(dir.path()).expect_err("no check for AP-9999");
        assert!(e.contains("AP-9999 has no check"), "{e}");
        std::fs::remove_file(dir.path().join("api/AP-9999.json")).expect("rm");
        std::fs::write(dir.path().join("api/AP-0002.json"), case("AP-0002", "\"root\"")).expect("write");
        assert!(suite_cases(dir.path()).expect_err("unknown token").contains("\"root\""));
    }

    #[test]
    fn the_etag_is_the_sha256_of_the_stored_form() {
        // Members in byte order of their names, no white space: {"a":1,"b":"x"}.
        let v = json!({"b": "x", "a": 1});
        assert_eq!(etag_of(&v), linli_model::support::hex::encode(&sha2::Sha256::digest(br#"{"a":1,"b":"x"}"#)));
    }
}
