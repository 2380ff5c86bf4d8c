//! The class `api` (spec 30, [CNF-072]–[CNF-076]): the reference node passes every outcome, and
//! hostile servers (a hang, a flood, a redirect, malformed JSON, a wrong content type, an https
//! URL) end their cases `error` while the run goes on.

#![allow(clippy::unwrap_used)]

use std::io::{Read, Write};
use std::net::TcpListener;
use std::sync::Arc;
use std::time::Duration;

use linli_conformance::runner::{ApiTarget, Outcome, RunOptions, Summary, Target, run};
use linli_conformance::vector::{Class, suite_dir};

struct Node {
    base: String,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
    _dir: tempfile::TempDir,
}

impl Drop for Node {
    fn drop(&mut self) {
        if let Some(s) = self.shutdown.take() {
            let _ = s.send(());
        }
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// The reference node on SQLite in a temporary folder: the token of each principal is its name.
fn node() -> Node {
    let entry = |name: &str, write: &str, read: &str| {
        format!(
            "[[principal]]\nname = \"{name}\"\nkind = \"department\"\ntoken-sha256 = \"{}\"\nwrite = {write}\nread = \"{read}\"\n\n",
            linli_node::principal::token_hash(name)
        )
    };
    let all = "[\"Person\", \"Organization\", \"Place\", \"Thing\", \"Event\", \"Case\"]";
    let text =
        [entry("clerk", all, "internal"), entry("civil", "[]", "inter-department"), entry("open", "[]", "public")]
            .concat();
    let principals = linli_node::Principals::from_toml(&text, "principals.toml").unwrap();
    let dir = tempfile::tempdir().unwrap();
    let store: Arc<dyn linli_node::Store> = Arc::new(linli_node::store::sqlite::SqliteStore::open(dir.path()).unwrap());
    let work = dir.path().join("work");
    std::fs::create_dir_all(&work).unwrap();
    let config = linli_node::Config::new(work, "sqlite");
    let key = linli_privacy::Key::new(b"linli-api-class-test-key-0123456789", "test").unwrap();
    let node = Arc::new(linli_node::Node::new(store, principals, Some(key), config).unwrap());
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    let (addr_tx, addr_rx) = std::sync::mpsc::channel();
    let thread = std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
        rt.block_on(async move {
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
            addr_tx.send(listener.local_addr().unwrap()).unwrap();
            linli_node::serve(node, listener, async move {
                let _ = rx.await;
            })
            .await
            .unwrap();
        });
    });
    let addr = addr_rx.recv().unwrap();
    Node { base: format!("http://{addr}"), shutdown: Some(tx), thread: Some(thread), _dir: dir }
}

fn target(url: &str, readers: bool) -> Target {
    Target::Api(ApiTarget {
        url: url.to_owned(),
        token: "clerk".into(),
        token_inter_department: readers.then(|| "civil".into()),
        token_public: readers.then(|| "open".into()),
    })
}

fn run_against(t: &Target, timeout: Duration) -> Summary {
    let mut opts = RunOptions::new(suite_dir());
    opts.case_timeout = timeout;
    opts.max_answer_bytes = 1 << 20;
    run(t, &opts, &mut |_| {})
}

fn not_passing(s: &Summary) -> Vec<String> {
    s.cases
        .iter()
        .filter(|c| c.outcome != Outcome::Pass)
        .map(|c| format!("{} {}: {}", c.id, c.outcome.name(), c.detail_en))
        .collect()
}

#[test]
fn the_reference_node_passes_every_api_outcome() {
    let n = node();
    let s = run_against(&target(&n.base, true), Duration::from_secs(30));
    assert!(s.run_errors.is_empty(), "{:?}", s.run_errors);
    assert_eq!(not_passing(&s), Vec::<String>::new());
    let api = s.classes.iter().find(|c| c.class == Class::Api).unwrap();
    assert!(api.claimed && api.verdict == "pass", "{api:?}");
    // Every case file and every document vector has its outcome.
    let ids: Vec<&str> = s.cases.iter().map(|c| c.id.as_str()).collect();
    for id in ["AP-0001/api", "AP-0004/api", "COR-V-0003/api-write", "CON-V-0087/api-write"] {
        assert!(ids.contains(&id), "{id} missing");
    }
    assert_eq!(s.exit_code(), 0);
    // What the node said of itself binds the statement's product subject [CNF-076].
    let node = s.node.as_ref().unwrap();
    assert_eq!(node.storage.as_deref(), Some("sqlite"));
    assert!(node.openapi_sha256.as_deref().is_some_and(|h| h.len() == 64));
    // The statement's product subject: the node by URL, bound to the OpenAPI document it served.
    let t = target(&n.base, true);
    let summary_json = serde_json::to_vec(&s).unwrap();
    let st = linli_conformance::statement::statement(&s, &t, &suite_dir(), &summary_json);
    let v = serde_json::to_value(&st).unwrap();
    let product = v["subject"].as_array().unwrap().iter().find(|d| d["annotations"]["kind"] == "api").unwrap().clone();
    assert_eq!(product["name"], format!("api:{}", n.base));
    assert_eq!(product["annotations"]["storage"], "sqlite");
    let openapi = ureq::get(&format!("{}/openapi.json", n.base)).call().unwrap().into_body().read_to_vec().unwrap();
    let want = linli_model::support::hex::encode(&<sha2::Sha256 as sha2::Digest>::digest(&openapi));
    assert_eq!(product["digest"]["sha256"], want);
    let text = serde_json::to_string(&v).unwrap() + &String::from_utf8_lossy(&summary_json);
    assert!(!text.contains("Bearer") && !text.contains("\"clerk\""), "no token in the statement or the summary");
    // The page names the node tested, not a product through the harness [CNF-076].
    let html = linli_conformance::report::html(&s, &|_| None);
    assert!(html.contains("Node") && html.contains(node.openapi_sha256.as_deref().unwrap()), "no node in the page");
    assert!(html.contains(&n.base) && html.contains("storage sqlite"));
    assert!(!html.contains("Product") && !html.contains(s.protocol), "harness fields in an api page");
}

#[test]
fn an_https_url_is_a_run_error_and_nothing_is_judged() {
    let s = run_against(&target("https://127.0.0.1:9/", true), Duration::from_secs(1));
    assert_eq!(s.run_errors.iter().map(|e| e.code).collect::<Vec<_>>(), ["api-target"]);
    assert!(s.run_errors[0].en.contains("TLS"), "{:?}", s.run_errors);
    assert!(s.cases.is_empty());
    assert_eq!(s.exit_code(), 2);
    let s = run_against(&target("ftp://127.0.0.1/", true), Duration::from_secs(1));
    assert_eq!(s.run_errors.iter().map(|e| e.code).collect::<Vec<_>>(), ["api-target"]);
}

#[test]
fn the_tokens_are_never_in_the_summary() {
    let t = Target::Api(ApiTarget {
        url: "https://127.0.0.1:9".into(),
        token: "lt_secret_writer_token".into(),
        token_inter_department: Some("lt_secret_civil".into()),
        token_public: Some("lt_secret_open".into()),
    });
    let s = run_against(&t, Duration::from_secs(1));
    let text = serde_json::to_string(&s).unwrap() + &format!("{t:?}");
    assert!(!text.contains("lt_secret"), "{text}");
}

/// A server that answers every request with `answer` (or, `None`, never answers), one thread
/// per connection, until the test ends — but `GET /healthz` and `GET /v1/status` as a node does
/// (the level of the test's tokens; `version` as given), so that the run gets past its check of
/// the target and the tokens [CNF-072].
fn hostile(answer: Option<&'static [u8]>, flood: bool) -> String {
    hostile_with(answer, flood, "1.0")
}

fn hostile_with(answer: Option<&'static [u8]>, flood: bool, version: &'static str) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut s) = stream else { continue };
            std::thread::spawn(move || {
                let mut buf = [0u8; 65536];
                let _ = s.set_read_timeout(Some(Duration::from_millis(200)));
                // Read the request head (and whatever body comes with it).
                let n = s.read(&mut buf).unwrap_or(0);
                let head = String::from_utf8_lossy(&buf[..n]).into_owned();
                let level = if head.contains("Bearer civil") {
                    "inter-department"
                } else if head.contains("Bearer open") {
                    "public"
                } else {
                    "internal"
                };
                let good = if head.starts_with("GET /healthz ") {
                    Some(serde_json::json!({"status": "ok"}))
                } else if head.starts_with("GET /v1/status ") {
                    Some(serde_json::json!({"readLevel": level, "version": version, "storage": version, "feed": "1"}))
                } else {
                    None
                };
                if let Some(v) = good {
                    let body = v.to_string();
                    let _ = s.write_all(
                        format!(
                            "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\nContent-Length: {}\r\n\r\n{body}",
                            body.len()
                        )
                        .as_bytes(),
                    );
                    return;
                }
                match answer {
                    None => std::thread::sleep(Duration::from_secs(30)),
                    Some(a) => {
                        let _ = s.write_all(a);
                        if flood {
                            let chunk = vec![b'['; 64 * 1024];
                            while s.write_all(&chunk).is_ok() {}
                        }
                    }
                }
            });
        }
    });
    url
}

fn outcome(s: &Summary, id: &str) -> Outcome {
    s.cases.iter().find(|c| c.id == id).map(|c| c.outcome).unwrap()
}

fn assert_errors_and_goes_on(s: &Summary, what: &str, word: &str) {
    assert!(s.run_errors.is_empty(), "{what}: {:?}", s.run_errors);
    // The run went on: every outcome is there, none passes.
    assert!(s.cases.iter().any(|c| c.id.ends_with("/api-write")), "{what}: the run stopped");
    assert!(s.cases.iter().all(|c| c.outcome != Outcome::Pass), "{what}: {:?}", not_passing(s));
    for id in ["AP-0001/api", "AP-0003/api", "COR-V-0003/api-write"] {
        assert_eq!(outcome(s, id), Outcome::Error, "{what}: {id}");
    }
    let d = &s.cases.iter().find(|c| c.id == "AP-0001/api").unwrap().detail_en;
    assert!(d.contains(word), "{what}: {d}");
    assert_eq!(s.exit_code(), 1);
}

#[test]
fn a_hanging_server_ends_its_cases_in_error_and_the_run_goes_on() {
    let url = hostile(None, false);
    let s = run_against(&target(&url, true), Duration::from_millis(300));
    assert_errors_and_goes_on(&s, "hang", "deadline");
}

#[test]
fn a_flooding_server_is_cut_at_the_cap() {
    let url = hostile(Some(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n"), true);
    let s = run_against(&target(&url, true), Duration::from_secs(20));
    assert_errors_and_goes_on(&s, "flood", "cap");
}

#[test]
fn a_redirect_is_never_followed() {
    let url = hostile(
        Some(b"HTTP/1.1 302 Found\r\nLocation: http://elsewhere.example/v1/status\r\nContent-Length: 0\r\n\r\n"),
        false,
    );
    let s = run_against(&target(&url, true), Duration::from_secs(5));
    assert_errors_and_goes_on(&s, "redirect", "redirect");
    assert!(detail(&s, "AP-0001/api").contains("elsewhere.example"));
    // A Location whose host is no host name, with user information: neither is quoted.
    let url = hostile(
        Some("HTTP/1.1 302 Found\r\nLocation: http://lt_stolen:320504193802143110@周建国.example/v1\r\nContent-Length: 0\r\n\r\n".as_bytes()),
        false,
    );
    let s = run_against(&target(&url, true), Duration::from_secs(5));
    let text = serde_json::to_string(&s).unwrap();
    for raw in ["lt_stolen", "320504193802143110", "周建国"] {
        assert!(!text.contains(raw), "{raw} quoted");
    }
    assert!(detail(&s, "AP-0001/api").contains("(not a host)"), "{}", detail(&s, "AP-0001/api"));
}

#[test]
fn malformed_json_and_a_wrong_content_type_end_in_error() {
    let url = hostile(
        Some(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 9\r\n\r\n{\"status\""),
        false,
    );
    let s = run_against(&target(&url, true), Duration::from_secs(5));
    assert_errors_and_goes_on(&s, "malformed JSON", "not JSON");
    let url = hostile(
        Some(b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 15\r\n\r\n{\"status\":\"ok\"}"),
        false,
    );
    let s = run_against(&target(&url, true), Duration::from_secs(5));
    assert_errors_and_goes_on(&s, "content type", "content type");
}

/// A request as the proxy received it.
struct Req {
    method: String,
    path: String,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

/// An answer as the proxy sends it on.
struct Resp {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

type Hook = fn(&mut Req, Option<&mut Resp>);

/// A proxy in front of `upstream` that lets `hook` change each request (called with `None`)
/// and each answer: a node made faulty from the outside.
fn proxy(upstream: String, hook: Hook) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(s) = stream else { continue };
            let upstream = upstream.clone();
            std::thread::spawn(move || serve_proxied(s, &upstream, hook));
        }
    });
    url
}

fn serve_proxied(mut s: std::net::TcpStream, upstream: &str, hook: Hook) {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .max_redirects(0)
        .proxy(None)
        .timeout_global(Some(Duration::from_secs(60)))
        .build()
        .into();
    let mut buf: Vec<u8> = Vec::new();
    loop {
        // The head.
        let head_end = loop {
            if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
                break i;
            }
            let mut chunk = [0u8; 65536];
            match s.read(&mut chunk) {
                Ok(0) | Err(_) => return,
                Ok(n) => buf.extend_from_slice(&chunk[..n]),
            }
        };
        let head = String::from_utf8_lossy(&buf[..head_end]).into_owned();
        buf.drain(..head_end + 4);
        let mut lines = head.split("\r\n");
        let mut first = lines.next().unwrap_or("").split(' ');
        let (method, path) = (first.next().unwrap_or("").to_owned(), first.next().unwrap_or("").to_owned());
        let headers: Vec<(String, String)> =
            lines.filter_map(|l| l.split_once(':').map(|(k, v)| (k.trim().to_owned(), v.trim().to_owned()))).collect();
        let len: usize = headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case("content-length"))
            .and_then(|(_, v)| v.parse().ok())
            .unwrap_or(0);
        while buf.len() < len {
            let mut chunk = [0u8; 65536];
            match s.read(&mut chunk) {
                Ok(0) | Err(_) => return,
                Ok(n) => buf.extend_from_slice(&chunk[..n]),
            }
        }
        let body: Vec<u8> = buf.drain(..len).collect();
        let mut req = Req { method, path, headers, body };
        hook(&mut req, None);
        let mut b = ureq::http::Request::builder().method(req.method.as_str()).uri(format!("{upstream}{}", req.path));
        for (k, v) in &req.headers {
            if !["host", "content-length", "connection", "transfer-encoding"].contains(&k.to_ascii_lowercase().as_str())
            {
                b = b.header(k.as_str(), v.as_str());
            }
        }
        let answer = if req.body.is_empty() && req.method != "PUT" && req.method != "POST" {
            agent.run(b.body(()).unwrap())
        } else {
            agent.run(b.body(req.body.clone()).unwrap())
        };
        let Ok(answer) = answer else { return };
        let status = answer.status().as_u16();
        let headers: Vec<(String, String)> = answer
            .headers()
            .iter()
            .filter(|(k, _)| !["content-length", "connection", "transfer-encoding"].contains(&k.as_str()))
            .map(|(k, v)| (k.to_string(), v.to_str().unwrap_or("").to_owned()))
            .collect();
        let body = answer.into_body().with_config().limit(1 << 30).read_to_vec().unwrap_or_default();
        let mut resp = Resp { status, headers, body };
        hook(&mut req, Some(&mut resp));
        let mut out = format!("HTTP/1.1 {} X\r\n", resp.status);
        for (k, v) in &resp.headers {
            out.push_str(&format!("{k}: {v}\r\n"));
        }
        out.push_str(&format!("Content-Length: {}\r\n\r\n", resp.body.len()));
        if s.write_all(out.as_bytes()).is_err() || s.write_all(&resp.body).is_err() {
            return;
        }
    }
}

fn detail(s: &Summary, id: &str) -> String {
    s.cases.iter().find(|c| c.id == id).map(|c| c.detail_en.clone()).unwrap()
}

/// The outcomes that did not pass, by ID.
fn failing(s: &Summary) -> Vec<String> {
    s.cases.iter().filter(|c| c.outcome != Outcome::Pass).map(|c| c.id.clone()).collect()
}

#[test]
fn the_proxy_alone_changes_nothing() {
    let n = node();
    let url = proxy(n.base.clone(), |_, _| {});
    let s = run_against(&target(&url, true), Duration::from_secs(30));
    assert_eq!(not_passing(&s), Vec::<String>::new());
}

#[test]
fn a_feed_that_loses_changes_fails_the_feed_case_only() {
    let n = node();
    // Changes of some of AP-0006's records never shown, the cursor still moving past them.
    let url = proxy(n.base.clone(), |req, resp| {
        let Some(resp) = resp else { return };
        if !req.path.starts_with("/v1/changes") || resp.status != 200 {
            return;
        }
        let mut v: serde_json::Value = serde_json::from_slice(&resp.body).unwrap();
        if let Some(a) = v["changes"].as_array_mut() {
            a.retain(|c| !c["id"].as_str().is_some_and(|id| id.contains("ap0006") && id.ends_with('7')));
        }
        resp.body = v.to_string().into_bytes();
    });
    let s = run_against(&target(&url, true), Duration::from_secs(30));
    assert_eq!(failing(&s), ["AP-0006/api"], "{:?}", not_passing(&s));
    assert_eq!(outcome(&s, "AP-0006/api"), Outcome::Fail);
    assert!(detail(&s, "AP-0006/api").contains("never appeared in the feed"), "{}", detail(&s, "AP-0006/api"));
}

#[test]
fn a_node_that_ignores_if_match_fails_the_precondition_case_only() {
    let n = node();
    let url = proxy(n.base.clone(), |req, resp| {
        if resp.is_none() {
            req.headers
                .retain(|(k, _)| !k.eq_ignore_ascii_case("if-match") && !k.eq_ignore_ascii_case("if-none-match"));
        }
    });
    let s = run_against(&target(&url, true), Duration::from_secs(30));
    assert_eq!(failing(&s), ["AP-0004/api"], "{:?}", not_passing(&s));
    assert!(detail(&s, "AP-0004/api").contains("412"), "{}", detail(&s, "AP-0004/api"));
}

#[test]
fn a_node_that_gives_public_readers_raw_values_fails_the_public_level_case() {
    let n = node();
    // The public reader served as the internal one: raw values, labelled public.
    let url = proxy(n.base.clone(), |req, resp| match resp {
        None => {
            let public = req.headers.iter().any(|(k, v)| k.eq_ignore_ascii_case("authorization") && v == "Bearer open");
            if public && req.method == "GET" && req.path.starts_with("/v1/records") && !req.path.contains("place=") {
                req.headers.retain(|(k, _)| !k.eq_ignore_ascii_case("authorization"));
                req.headers.push(("Authorization".into(), "Bearer clerk".into()));
                req.headers.push(("X-Linli-Purpose".into(), "test".into()));
                req.headers.push(("X-Proxied-Public".into(), "1".into()));
            }
        }
        Some(resp) => {
            if req.headers.iter().any(|(k, _)| k == "X-Proxied-Public") {
                resp.headers.retain(|(k, _)| !k.eq_ignore_ascii_case("x-linli-level"));
                resp.headers.push(("X-Linli-Level".into(), "public".into()));
            }
        }
    });
    let s = run_against(&target(&url, true), Duration::from_secs(30));
    assert_eq!(failing(&s), ["AP-0009/api"], "{:?}", not_passing(&s));
    let d = detail(&s, "AP-0009/api");
    assert!(d.contains("received raw personal information"), "{d}");
    // Masked in the detail: no raw number of the share sources.
    assert!(!d.contains("32050"), "{d}");
}

#[test]
fn cases_that_need_a_missing_reader_token_are_skipped_with_the_reason() {
    let n = node();
    let s = run_against(&target(&n.base, false), Duration::from_secs(30));
    let skipped: Vec<&str> = s.cases.iter().filter(|c| c.outcome == Outcome::Skip).map(|c| c.id.as_str()).collect();
    assert_eq!(skipped, ["AP-0008/api", "AP-0009/api", "AP-0010/api", "AP-0013/api"]);
    assert!(detail(&s, "AP-0009/api").contains("--token-file-public"));
    // A skip counts against the class [CNF-002].
    assert_eq!(s.exit_code(), 1);
    assert!(
        s.cases.iter().filter(|c| c.outcome != Outcome::Skip).all(|c| c.outcome == Outcome::Pass),
        "{:?}",
        not_passing(&s)
    );
}

/// A node that echoes into every answer the run's token, an ID number, a name and a phone number
/// (as its error `code`, its status word, its `version`), and a code of 1 MB.
#[test]
fn what_a_hostile_node_says_is_masked_and_cut_in_every_report() {
    let secret = "lt_writer_secret_0123456789abcdef";
    let said = format!("{secret} 320504193802143110 周建国 138 1234 5678");
    let body = serde_json::json!({
        "code": format!("{said} {}", "x".repeat(1 << 20)),
        "status": said, "version": said, "storage": said, "feed": "1",
        "readLevel": "internal", "principal": "p", "counts": {},
        "requirement": said, "message_zh": said, "message_en": said,
    })
    .to_string();
    let answer = format!(
        "HTTP/1.1 400 Bad\r\nContent-Type: application/json\r\nConnection: close\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    );
    let said: &'static str = Box::leak(said.into_boxed_str());
    let url = hostile_with(Some(Box::leak(answer.into_bytes().into_boxed_slice())), false, said);
    let t = Target::Api(ApiTarget { url, token: secret.into(), token_inter_department: None, token_public: None });
    let mut opts = RunOptions::new(suite_dir());
    opts.case_timeout = Duration::from_secs(5);
    opts.max_answer_bytes = 4 << 20;
    let mut events = Vec::new();
    let s = run(&t, &opts, &mut |e| events.push(e.to_string()));
    let text = serde_json::to_string(&s).unwrap() + &events.concat();
    for raw in [secret, "320504193802143110", "周建国", "1234 5678", "xxxxxxxxxx"] {
        assert!(!text.contains(raw), "{raw} in the reports");
    }
    // Bounded: a 1 MB code does not make the reports grow with it.
    assert!(text.len() < 2_000_000, "{} bytes", text.len());
    assert!(s.cases.iter().all(|c| c.outcome != Outcome::Pass));
    // The code is shown as no code (GET requests: the server reads no body, and answers them all).
    assert!(s.cases.iter().any(|c| c.detail_en.contains("(not a code)")), "{:?}", not_passing(&s));
}

/// Every string of personal data with a zero-width space between its characters: no raw value
/// is a substring of the answer any more.
fn spread(v: &mut serde_json::Value, key: &str) {
    match v {
        serde_json::Value::Object(o) => o.iter_mut().for_each(|(k, x)| spread(x, k)),
        serde_json::Value::Array(a) => a.iter_mut().for_each(|x| spread(x, key)),
        serde_json::Value::String(s)
            if ![
                "type",
                "id",
                "etag",
                "seq",
                "next",
                "op",
                "classification",
                "scheme",
                "kind",
                "updatedAt",
                "createdAt",
            ]
            .contains(&key)
                && s.chars().count() > 1 =>
        {
            *s = s.chars().map(String::from).collect::<Vec<_>>().join("\u{200b}");
        }
        _ => {}
    }
}

#[test]
fn raw_values_with_a_zero_width_space_between_their_characters_are_a_leak() {
    let n = node();
    // The inter-department reader served as the internal one, each value spread out.
    let url = proxy(n.base.clone(), |req, resp| match resp {
        None => {
            let civil = req.headers.iter().any(|(k, v)| k.eq_ignore_ascii_case("authorization") && v == "Bearer civil");
            if civil
                && req.method == "GET"
                && (req.path.starts_with("/v1/records") || req.path.starts_with("/v1/changes"))
            {
                req.headers.retain(|(k, _)| !k.eq_ignore_ascii_case("authorization"));
                req.headers.push(("Authorization".into(), "Bearer clerk".into()));
                req.headers.push(("X-Linli-Purpose".into(), "test".into()));
                req.headers.push(("X-Proxied-Civil".into(), "1".into()));
            }
        }
        Some(resp) => {
            if req.headers.iter().any(|(k, _)| k == "X-Proxied-Civil") && resp.status == 200 {
                let mut v: serde_json::Value = serde_json::from_slice(&resp.body).unwrap();
                spread(&mut v, "");
                resp.body = v.to_string().into_bytes();
                resp.headers.retain(|(k, _)| !k.eq_ignore_ascii_case("x-linli-level"));
                resp.headers.push(("X-Linli-Level".into(), "inter-department".into()));
            }
        }
    });
    let s = run_against(&target(&url, true), Duration::from_secs(30));
    assert_eq!(failing(&s), ["AP-0008/api"], "{:?}", not_passing(&s));
    let d = detail(&s, "AP-0008/api");
    assert!(d.contains("received raw personal information"), "{d}");
}

/// A node whose feed and listing never end: every answer holds a change and a record and a `next`.
/// The run's deadline stops the case in its loop; the cases after it are not run [CNF-040].
#[test]
fn an_endless_feed_is_stopped_by_the_run_deadline_inside_its_case() {
    let body = serde_json::json!({
        "changes": [{"seq": "1", "op": "upsert", "type": "Place", "id": "x", "etag": "e", "record": {}}],
        "records": [{"type": "Place", "id": "x"}],
        "next": "k1", "feed": "k1", "status": "ok", "readLevel": "internal", "principal": "p",
        "storage": "sqlite", "version": "1", "counts": {},
    })
    .to_string();
    let answer = format!(
        "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    );
    let url = hostile(Some(Box::leak(answer.into_bytes().into_boxed_slice())), false);
    let mut opts = RunOptions::new(suite_dir());
    opts.case_timeout = Duration::from_secs(5);
    opts.run_timeout = Duration::from_secs(3);
    let s = run(&target(&url, false), &opts, &mut |_| {});
    // The case that was in its loop at the deadline ends error, saying so.
    let cut: Vec<&str> = s
        .cases
        .iter()
        .filter(|c| c.outcome == Outcome::Error && c.detail_en.contains("reached its deadline"))
        .map(|c| c.id.as_str())
        .collect();
    assert_eq!(cut.len(), 1, "{:?}", not_passing(&s));
    assert!(["AP-0005/api", "AP-0006/api", "AP-0007/api"].contains(&cut[0]), "{cut:?}");
    // Every outcome after it: not run.
    assert_eq!(outcome(&s, "COR-V-0003/api-write"), Outcome::Error);
    assert!(detail(&s, "COR-V-0003/api-write").contains("not run"));
    assert!(s.run_errors.iter().any(|e| e.code == "run-deadline"), "{:?}", s.run_errors);
    assert_eq!(s.exit_code(), 2);
}

#[test]
fn a_url_with_a_user_and_password_is_refused_and_never_written() {
    let s = run_against(&target("http://clerk:pa55word-secret@127.0.0.1:9/", false), Duration::from_secs(1));
    assert_eq!(s.run_errors.iter().map(|e| e.code).collect::<Vec<_>>(), ["api-target"]);
    assert!(s.run_errors[0].en.contains("user name or password"), "{:?}", s.run_errors);
    assert_eq!(s.exit_code(), 2);
    let t = target("http://clerk:pa55word-secret@127.0.0.1:9/", false);
    let text = serde_json::to_string(&s).unwrap() + &format!("{t:?}");
    assert!(!text.contains("pa55word"), "{text}");
    let Target::Api(a) = &t else { unreachable!() };
    assert_eq!(a.shown_url(), "http://127.0.0.1:9/");
}

/// The codes of a run's errors, and nothing judged: exit 2, no verdict.
fn refused(t: &Target) -> Vec<&'static str> {
    let mut events = Vec::new();
    let s = run(t, &RunOptions::new(suite_dir()), &mut |e| events.push(e.clone()));
    assert!(s.cases.is_empty(), "{:?}", not_passing(&s));
    assert_eq!(s.exit_code(), 2);
    assert_eq!(s.verdict, "no-verdict");
    let logged: Vec<String> =
        events.iter().filter(|e| e["event"] == "run-error").map(|e| e["code"].as_str().unwrap().to_owned()).collect();
    let codes: Vec<&'static str> = s.run_errors.iter().map(|e| e.code).collect();
    assert_eq!(logged, codes);
    codes
}

#[test]
fn a_wrong_token_or_url_is_a_run_error_not_a_failure_of_the_node() {
    let n = node();
    let api = |url: &str, token: &str, civil: Option<&str>, open: Option<&str>| {
        Target::Api(ApiTarget {
            url: url.to_owned(),
            token: token.into(),
            token_inter_department: civil.map(str::to_owned),
            token_public: open.map(str::to_owned),
        })
    };
    // The public reader's token given as the writer's; an unknown token.
    assert_eq!(refused(&api(&n.base, "open", None, None)), ["api-token"]);
    assert_eq!(refused(&api(&n.base, "nobody", None, None)), ["api-token"]);
    // Reader tokens swapped: both of the wrong level.
    assert_eq!(refused(&api(&n.base, "clerk", Some("open"), Some("civil"))), ["api-token", "api-token"]);
    // Nothing listens; a URL that is not the node's base.
    assert_eq!(refused(&api("http://127.0.0.1:9", "clerk", None, None)), ["api-target"]);
    assert_eq!(refused(&api(&format!("{}/v1/", n.base), "clerk", None, None)), ["api-target"]);
    // The right tokens: judged.
    let s = run_against(&api(&n.base, "clerk", Some("civil"), Some("open")), Duration::from_secs(30));
    assert!(s.run_errors.is_empty() && !s.cases.is_empty(), "{:?}", s.run_errors);
}
