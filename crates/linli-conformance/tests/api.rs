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
/// per connection, until the test ends.
fn hostile(answer: Option<&'static [u8]>, flood: bool) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut s) = stream else { continue };
            std::thread::spawn(move || {
                let mut buf = [0u8; 65536];
                let _ = s.set_read_timeout(Some(Duration::from_millis(200)));
                // Read the request head (and whatever body comes with it).
                let _ = s.read(&mut buf);
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
