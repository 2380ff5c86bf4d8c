//! The runner's HTTP client for the class `api`: one deadline per request, a cap on every
//! answer, no redirect followed, no proxy, no TLS `[CNF-075]`. A request that ends without an
//! answer the case can judge is [`Broken`]: the case ends `error` and the run goes on.

use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant};

use serde_json::Value;

/// Why a request gave no answer a case can judge (the case ends `error`), in both languages.
/// Never holds a token or a record value.
#[derive(Debug, Clone)]
pub(crate) struct Broken {
    pub(crate) zh: String,
    pub(crate) en: String,
}

impl Broken {
    pub(crate) fn new(zh: impl Into<String>, en: impl Into<String>) -> Self {
        Broken { zh: zh.into(), en: en.into() }
    }
}

/// An answer of the node.
#[derive(Debug, Clone)]
pub(crate) struct Answer {
    /// The request, `METHOD /path` (for details; never the query's values of a cursor).
    pub(crate) what: String,
    pub(crate) status: u16,
    pub(crate) headers: Vec<(String, String)>,
    pub(crate) body: Vec<u8>,
}

impl Answer {
    /// A header's value (the first of that name).
    pub(crate) fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }

    /// The media type of the answer, lower case, without parameters.
    pub(crate) fn media_type(&self) -> String {
        self.header("content-type").and_then(|c| c.split(';').next()).unwrap_or("").trim().to_ascii_lowercase()
    }

    /// The body as one JSON value: the media type must be `application/json` and the body JSON
    /// `[API-004]`; otherwise the answer cannot be judged.
    pub(crate) fn json(&self) -> Result<Value, Broken> {
        let mt = self.media_type();
        if mt != "application/json" {
            return Err(Broken::new(
                format!(
                    "{} 的应答（HTTP {}）内容类型为 {:?}，应为 application/json [API-004]",
                    self.what, self.status, mt
                ),
                format!(
                    "{} answered HTTP {} with content type {:?}, not application/json [API-004]",
                    self.what, self.status, mt
                ),
            ));
        }
        serde_json::from_slice(&self.body).map_err(|e| {
            Broken::new(
                format!("{} 的应答（HTTP {}）不是 JSON：{e} [API-004]", self.what, self.status),
                format!("{} answered HTTP {} with a body that is not JSON: {e} [API-004]", self.what, self.status),
            )
        })
    }

    /// The body as NDJSON values `[API-004]`.
    pub(crate) fn ndjson(&self) -> Result<Vec<Value>, Broken> {
        let mt = self.media_type();
        if mt != "application/x-ndjson" {
            return Err(Broken::new(
                format!("{} 的应答内容类型为 {:?}，应为 application/x-ndjson [API-004]", self.what, mt),
                format!("{} answered with content type {:?}, not application/x-ndjson [API-004]", self.what, mt),
            ));
        }
        let text = std::str::from_utf8(&self.body).map_err(|_| {
            Broken::new(format!("{} 的应答不是 UTF-8", self.what), format!("{} answered non-UTF-8", self.what))
        })?;
        let mut out = Vec::new();
        for (i, line) in text.split('\n').enumerate() {
            let line = line.strip_suffix('\r').unwrap_or(line);
            if line.trim().is_empty() {
                continue;
            }
            out.push(serde_json::from_str(line).map_err(|e| {
                Broken::new(
                    format!("{} 的应答第 {} 行不是 JSON：{e}", self.what, i + 1),
                    format!("{} answered a line {} that is not JSON: {e}", self.what, i + 1),
                )
            })?);
        }
        Ok(out)
    }

    /// The ETag header without its quotes, when it is one quoted value.
    pub(crate) fn etag(&self) -> Option<String> {
        let e = self.header("etag")?.trim();
        e.strip_prefix('"').and_then(|x| x.strip_suffix('"')).map(str::to_owned)
    }
}

/// The client: a base URL and the limits of the run.
pub(crate) struct Http {
    agent: ureq::Agent,
    base: String,
    max_body: u64,
    deadline: Duration,
    /// Requests that ran past the deadline so far.
    hangs: AtomicU32,
    /// After this many, no more requests are sent: the node has stopped answering.
    max_hangs: u32,
    /// The run's deadline `[CNF-040]`: no request is sent after it, and none waits past it.
    run_end: Option<Instant>,
}

/// A URL as it may be shown in a report: the user information of its authority
/// (`user:password@`) left out, and at most 200 characters `[CNF-075]`.
pub(crate) fn shown_url(url: &str) -> String {
    let shown = match url.split_once("://") {
        Some((scheme, rest)) => {
            let (authority, path) = rest.split_at(rest.find(['/', '?', '#']).unwrap_or(rest.len()));
            match authority.rsplit_once('@') {
                Some((_, host)) => format!("{scheme}://{host}{path}"),
                None => url.to_owned(),
            }
        }
        None => url.to_owned(),
    };
    let shown: String = shown.chars().filter(|c| !c.is_control()).collect();
    if shown.chars().count() > 200 { format!("{}…", shown.chars().take(200).collect::<String>()) } else { shown }
}

/// Whether the authority of `url` holds user information (`user:password@host`).
fn has_userinfo(url: &str) -> bool {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    rest[..rest.find(['/', '?', '#']).unwrap_or(rest.len())].contains('@')
}

/// Why a base URL cannot be a target (the run error `api-target`). No message repeats user
/// information of the URL `[CNF-075]`.
pub(crate) fn check_url(url: &str) -> Result<String, Broken> {
    if has_userinfo(url) {
        return Err(Broken::new(
            "--api 的地址中含有用户名或口令（user:password@）：令牌只能经 --token-file 提供，地址中不得含任何凭据；该地址不写入任何报告 [CNF-072] [CNF-075]",
            "the --api URL holds a user name or password (user:password@): a token is given only with --token-file, never in the URL; the URL is written into no report [CNF-072] [CNF-075]",
        ));
    }
    let shown = shown_url(url);
    let lower = url.to_ascii_lowercase();
    if lower.starts_with("https://") {
        return Err(Broken::new(
            format!(
                "{shown}：本测试工具不含 TLS，不能连接 https 地址；请在节点所在机器上以 http://127.0.0.1:端口 运行，或经本地 TLS 终止代理 [CNF-075]"
            ),
            format!(
                "{shown}: this runner has no TLS stack and cannot reach an https URL; run it where the node runs, against http://127.0.0.1:PORT, or through a local TLS-terminating proxy [CNF-075]"
            ),
        ));
    }
    let Some(rest) = lower.strip_prefix("http://") else {
        return Err(Broken::new(
            format!("{shown:?} 不是 http:// 地址 [CNF-072]"),
            format!("{shown:?} is not an http:// URL [CNF-072]"),
        ));
    };
    let host = rest.split('/').next().unwrap_or("");
    if host.is_empty() || url.chars().any(|c| c.is_control() || c == ' ') {
        return Err(Broken::new(
            format!("{shown:?} 中没有可用的主机名 [CNF-072]"),
            format!("{shown:?} names no usable host [CNF-072]"),
        ));
    }
    Ok(url.trim_end_matches('/').to_owned())
}

impl Http {
    pub(crate) fn new(base: String, deadline: Duration, max_body: u64, max_hangs: u32) -> Self {
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_global(Some(deadline))
            // The chapter defines no redirect: none is followed, on or off the host.
            .max_redirects(0)
            .proxy(None)
            .max_response_header_size(64 * 1024)
            .build()
            .into();
        Http { agent, base, max_body, deadline, hangs: AtomicU32::new(0), max_hangs, run_end: None }
    }

    /// The same client, sending nothing after `end` and waiting for no answer past it: a case
    /// that reaches the run's deadline in the middle of a loop ends `error` there `[CNF-040]`.
    pub(crate) fn with_run_deadline(mut self, end: Instant) -> Self {
        self.run_end = Some(end);
        self
    }

    /// Whether the run's deadline has passed.
    pub(crate) fn past_run_deadline(&self) -> bool {
        self.run_end.is_some_and(|e| Instant::now() >= e)
    }

    /// The base URL.
    pub(crate) fn base(&self) -> &str {
        &self.base
    }

    /// Send one request; `path` starts with `/` and may hold a query.
    pub(crate) fn send(
        &self,
        method: &str,
        path: &str,
        token: Option<&str>,
        headers: &[(&str, &str)],
        body: Option<Vec<u8>>,
    ) -> Result<Answer, Broken> {
        // The path without its query (cursors, tokens of nothing), personal numbers in an id
        // masked: what every detail names the request by [PRI-004].
        let what = format!("{method} {}", linli_model::redact::for_output(path.split('?').next().unwrap_or(path)));
        let hung = self.hangs.load(Ordering::Relaxed);
        if hung >= self.max_hangs {
            return Err(Broken::new(
                format!("{what} 未发送：节点已有 {hung} 个请求超过每个请求的时限未应答，视为停止应答 [CNF-075]"),
                format!(
                    "{what} not sent: {hung} requests already ran past the per-request deadline; the node is taken to have stopped answering [CNF-075]"
                ),
            ));
        }
        // The run's deadline: nothing sent after it, no answer awaited past it [CNF-040].
        let timeout = match self.run_end {
            Some(end) => {
                let left = end.saturating_duration_since(Instant::now());
                if left.is_zero() {
                    return Err(run_deadline(&what));
                }
                left.min(self.deadline)
            }
            None => self.deadline,
        };
        let mut b = ureq::http::Request::builder().method(method).uri(format!("{}{path}", self.base));
        if let Some(t) = token {
            b = b.header("Authorization", format!("Bearer {t}"));
        }
        for (k, v) in headers {
            b = b.header(*k, *v);
        }
        let transport = |e: ureq::Error| {
            if self.past_run_deadline() { run_deadline(&what) } else { self.transport(&what, e) }
        };
        let resp = match body {
            Some(bytes) => {
                b.body(bytes).map_err(|e| bad_request(&what, &e)).and_then(|r| self.run(r, timeout).map_err(transport))
            }
            None => {
                b.body(()).map_err(|e| bad_request(&what, &e)).and_then(|r| self.run(r, timeout).map_err(transport))
            }
        }?;
        let status = resp.status().as_u16();
        let headers: Vec<(String, String)> = resp
            .headers()
            .iter()
            .map(|(k, v)| (k.as_str().to_owned(), String::from_utf8_lossy(v.as_bytes()).into_owned()))
            .collect();
        if (300..400).contains(&status) {
            let to =
                headers.iter().find(|(k, _)| k.eq_ignore_ascii_case("location")).map(|(_, v)| v.as_str()).unwrap_or("");
            // Only a host name as it may be written (letters, digits, `.-:[]`, at most 100
            // characters), never the user information or the path of the Location [CNF-075].
            let host = to.split("//").nth(1).and_then(|r| r.split(['/', '?', '#']).next()).unwrap_or("");
            let host = host.rsplit('@').next().unwrap_or("");
            let host = if !host.is_empty()
                && host.len() <= 100
                && host.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':' | '[' | ']'))
            {
                linli_model::redact::for_output(host).into_owned()
            } else {
                "(not a host)".to_owned()
            };
            return Err(Broken::new(
                format!("{what} 应答重定向（HTTP {status}，至 {host:?}）；本测试工具不跟随任何重定向 [CNF-075]"),
                format!(
                    "{what} answered a redirect (HTTP {status}, to {host:?}); the runner follows no redirect [CNF-075]"
                ),
            ));
        }
        let body = resp.into_body().with_config().limit(self.max_body).read_to_vec().map_err(transport)?;
        Ok(Answer { what, status, headers, body })
    }

    fn run(
        &self,
        r: ureq::http::Request<impl ureq::AsSendBody>,
        timeout: Duration,
    ) -> Result<ureq::http::Response<ureq::Body>, ureq::Error> {
        self.agent.run(self.agent.configure_request(r).timeout_global(Some(timeout)).build())
    }

    fn transport(&self, what: &str, e: ureq::Error) -> Broken {
        match e {
            ureq::Error::Timeout(_) => {
                self.hangs.fetch_add(1, Ordering::Relaxed);
                let ms = self.deadline.as_millis();
                Broken::new(
                    format!("{what} 在每个请求的时限 {ms} 毫秒内未完成应答 [CNF-075]"),
                    format!("{what} was not answered within the per-request deadline of {ms} ms [CNF-075]"),
                )
            }
            ureq::Error::BodyExceedsLimit(n) => Broken::new(
                format!("{what} 的应答超过上限 {n} 字节，已中止读取 [CNF-075]"),
                format!("{what} answered more than the cap of {n} bytes; reading stopped [CNF-075]"),
            ),
            other => {
                Broken::new(format!("{what} 失败：{other} [CNF-075]"), format!("{what} failed: {other} [CNF-075]"))
            }
        }
    }
}

/// The run's deadline passed before or during a request: the case ends `error` `[CNF-040]`.
fn run_deadline(what: &str) -> Broken {
    Broken::new(
        format!("{what}：运行已到时限（--max-run-secs），本用例在此中止 [CNF-040]"),
        format!("{what}: the run reached its deadline (--max-run-secs); the case stopped here [CNF-040]"),
    )
}

fn bad_request(what: &str, e: &dyn std::fmt::Display) -> Broken {
    Broken::new(format!("{what} 无法组成请求：{e}"), format!("{what} cannot be made into a request: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_plain_http_urls_with_a_host_are_targets() {
        assert_eq!(check_url("http://127.0.0.1:8080/").ok().as_deref(), Some("http://127.0.0.1:8080"));
        assert_eq!(check_url("HTTP://node.example/base").ok().as_deref(), Some("HTTP://node.example/base"));
        for bad in [
            "https://127.0.0.1:8080",
            "ftp://x",
            "127.0.0.1:8080",
            "http://",
            "http://user@host/",
            "http://a b/",
            "https://u:p@h/",
            "ftp://u:p@h/",
        ] {
            assert!(check_url(bad).is_err(), "{bad}");
        }
        assert!(check_url("https://x").err().is_some_and(|b| b.en.contains("TLS")));
        // User information: refused as such, never repeated.
        for bad in ["http://user:s3cret@127.0.0.1:8080/", "https://user:s3cret@node.example", "ftp://user:s3cret@x"] {
            let b = check_url(bad).unwrap_err();
            assert!(
                b.en.contains("user name or password") && !b.en.contains("s3cret") && !b.zh.contains("s3cret"),
                "{b:?}"
            );
        }
        assert_eq!(shown_url("http://user:s3cret@127.0.0.1:8080/v1"), "http://127.0.0.1:8080/v1");
        assert_eq!(shown_url("http://127.0.0.1:8080/a@b"), "http://127.0.0.1:8080/a@b");
    }

    #[test]
    fn a_request_is_named_without_its_query_and_without_personal_numbers() {
        // Nothing listens on port 9 of the loopback: the request fails at once.
        let http = Http::new("http://127.0.0.1:9".into(), Duration::from_secs(2), 1024, 3);
        let b =
            http.send("GET", "/v1/records/Person/P-32050419380214311X?cursor=k1.secret", None, &[], None).unwrap_err();
        assert!(!b.en.contains("32050419380214311X") && !b.zh.contains("32050419380214311X"), "{b:?}");
        assert!(!b.en.contains("k1.secret"), "{b:?}");
        assert!(b.en.starts_with("GET /v1/records/Person/"), "{b:?}");
    }
}
