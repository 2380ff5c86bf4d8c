//! A node in the test process: SQLite in a temporary folder (or PostgreSQL when
//! `LINLI_TEST_POSTGRES` is set and asked for), principals of every kind, a fixed key.

#![allow(dead_code, unreachable_pub, missing_docs, clippy::unwrap_used)]

use std::path::{Path, PathBuf};
use std::sync::Arc;

use linli_node::principal::token_hash;
use linli_node::{Config, Node, Principals};

pub const VENDOR: &str = "苏州邻里示例科技有限公司";
pub const KEY: &[u8] = b"linli-node-test-key-0123456789abcdef";

pub struct TestNode {
    pub base: String,
    pub database: Option<Database>,
    pub dir: tempfile::TempDir,
    pub node: Arc<Node>,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Drop for TestNode {
    fn drop(&mut self) {
        if let Some(s) = self.shutdown.take() {
            let _ = s.send(());
        }
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// The token of each principal is its name.
pub fn principals() -> Principals {
    let entry = |name: &str, kind: &str, vendor: Option<&str>, write: &str, read: &str| {
        let vendor = vendor.map(|v| format!("vendor = \"{v}\"\n")).unwrap_or_default();
        format!(
            "[[principal]]\nname = \"{name}\"\nkind = \"{kind}\"\n{vendor}token-sha256 = \"{}\"\nwrite = {write}\nread = \"{read}\"\n\n",
            token_hash(name)
        )
    };
    let all = "[\"Person\", \"Organization\", \"Place\", \"Thing\", \"Event\", \"Case\"]";
    let text = [
        entry("clerk", "department", None, all, "internal"),
        entry("civil", "department", None, "[]", "inter-department"),
        entry("public", "department", None, "[]", "public"),
        entry("acme", "vendor", Some(VENDOR), "[\"Event\", \"Thing\"]", "public"),
        entry("other-vendor", "vendor", Some("另一家公司"), "[\"Event\", \"Thing\"]", "public"),
    ]
    .concat();
    Principals::from_toml(&text, "principals.toml").unwrap()
}

pub fn key() -> linli_privacy::Key {
    linli_privacy::Key::new(KEY, "test").unwrap()
}

pub fn start() -> TestNode {
    start_tuned(|_| {})
}

/// [`start`] with the test limits changed by `tune`.
pub fn start_tuned(tune: fn(&mut Config)) -> TestNode {
    let dir = tempfile::tempdir().unwrap();
    let store: Arc<dyn linli_node::Store> = Arc::new(linli_node::store::sqlite::SqliteStore::open(dir.path()).unwrap());
    start_tuned_with(store, dir, tune)
}

/// A node on a fresh PostgreSQL database of its own, made on the server `LINLI_TEST_POSTGRES`
/// names (a URL whose role may create databases). Unset: `None` with a note — but under CI
/// (env `CI` set) the test fails, so that no back-end is silently skipped there.
pub fn start_postgres() -> Option<TestNode> {
    start_postgres_tuned(|_| {})
}

/// [`start_postgres`] with the test limits changed by `tune`.
pub fn start_postgres_tuned(tune: fn(&mut Config)) -> Option<TestNode> {
    let Ok(url) = std::env::var("LINLI_TEST_POSTGRES") else {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI runs the PostgreSQL back-end: set LINLI_TEST_POSTGRES (.ci/run does)"
        );
        eprintln!("note: LINLI_TEST_POSTGRES is not set: the PostgreSQL run of this test is skipped");
        return None;
    };
    let db = fresh_database(&url);
    let store: Arc<dyn linli_node::Store> =
        Arc::new(linli_node::store::postgres::PostgresStore::connect(&db.url, 4).unwrap());
    let mut n = start_tuned_with(store, tempfile::tempdir().unwrap(), tune);
    n.database = Some(db);
    Some(n)
}

/// A database dropped when the test ends.
pub struct Database {
    pub url: String,
    admin: String,
    name: String,
}

impl Drop for Database {
    fn drop(&mut self) {
        if let Ok(mut c) = postgres::Client::connect(&self.admin, postgres::NoTls) {
            let _ = c.batch_execute(&format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.name));
        }
    }
}

pub fn fresh_database(admin: &str) -> Database {
    let mut b = [0u8; 8];
    getrandom::fill(&mut b).unwrap();
    let name = format!("linli_t_{}", linli_model::support::hex::encode(&b));
    let mut c = postgres::Client::connect(admin, postgres::NoTls).unwrap();
    c.batch_execute(&format!("CREATE DATABASE {name}")).unwrap();
    // The same server and role, the new database: the URL's path is the database.
    let (head, tail) = match admin.find('?') {
        Some(i) => admin.split_at(i),
        None => (admin, ""),
    };
    let base = head.rsplit_once('/').map_or(head, |(b, _)| b);
    Database { url: format!("{base}/{name}{tail}"), admin: admin.to_owned(), name }
}

pub fn start_with(store: Arc<dyn linli_node::Store>, dir: tempfile::TempDir) -> TestNode {
    start_tuned_with(store, dir, |_| {})
}

/// The test limits: 1 MiB bodies, 4 MiB uploads, 2 s idle, 5 s a body; then `tune`.
pub fn start_tuned_with(store: Arc<dyn linli_node::Store>, dir: tempfile::TempDir, tune: fn(&mut Config)) -> TestNode {
    let work = dir.path().join("work");
    std::fs::create_dir_all(&work).unwrap();
    let mut config = Config::new(work, "sqlite");
    config.max_body = 1 << 20;
    config.max_upload = 4 << 20;
    config.idle = std::time::Duration::from_secs(2);
    config.body_deadline = std::time::Duration::from_secs(5);
    tune(&mut config);
    let node = Arc::new(Node::new(store, principals(), Some(key()), config).unwrap());
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    let (addr_tx, addr_rx) = std::sync::mpsc::channel();
    let n = Arc::clone(&node);
    let thread = std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
        rt.block_on(async move {
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
            addr_tx.send(listener.local_addr().unwrap()).unwrap();
            linli_node::serve(n, listener, async move {
                let _ = rx.await;
            })
            .await
            .unwrap();
        });
    });
    let addr = addr_rx.recv().unwrap();
    TestNode { base: format!("http://{addr}"), database: None, dir, node, shutdown: Some(tx), thread: Some(thread) }
}

pub fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(std::time::Duration::from_secs(60)))
        .build()
        .into()
}

pub struct Answer {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Answer {
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&self.body)))
    }
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }
    pub fn code(&self) -> String {
        self.json()["code"].as_str().unwrap_or("").to_owned()
    }
}

pub fn call(method: &str, url: &str, token: Option<&str>, headers: &[(&str, &str)], body: Option<&[u8]>) -> Answer {
    let a = agent();
    let mut b = ureq::http::Request::builder().method(method).uri(url);
    if let Some(t) = token {
        b = b.header("Authorization", format!("Bearer {t}"));
    }
    for (k, v) in headers {
        b = b.header(*k, *v);
    }
    let resp = match body {
        Some(bytes) => a.run(b.body(bytes.to_vec()).unwrap()),
        None => a.run(b.body(()).unwrap()),
    }
    .unwrap();
    let status = resp.status().as_u16();
    let headers = resp.headers().iter().map(|(k, v)| (k.to_string(), v.to_str().unwrap_or("").to_owned())).collect();
    let body = resp.into_body().with_config().limit(1 << 30).read_to_vec().unwrap();
    Answer { status, headers, body }
}

pub fn examples() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/datasets/gusu-huqiu")
}

/// Every line of the example dataset's files, in file-name order.
pub fn example_lines() -> Vec<String> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(examples())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "ndjson"))
        .collect();
    files.sort();
    files
        .iter()
        .flat_map(|f| std::fs::read_to_string(f).unwrap().lines().map(str::to_owned).collect::<Vec<_>>())
        .collect()
}

pub fn load_examples(n: &TestNode) {
    let body = example_lines().join("\n");
    let a = call(
        "POST",
        &format!("{}/v1/records", n.base),
        Some("clerk"),
        &[("Content-Type", "application/x-ndjson")],
        Some(body.as_bytes()),
    );
    assert_eq!(a.status, 200, "{}", a.text());
    for line in a.text().lines() {
        let v: serde_json::Value = serde_json::from_str(line).unwrap();
        assert_eq!(v["status"], 201, "{line}");
    }
}
