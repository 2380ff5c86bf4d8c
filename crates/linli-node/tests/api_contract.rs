//! Answers of the exchange API that spec chapter 31 and `spec/openapi.json` fix: the 422 of an
//! invalid record carries the error body of every error answer with the report `[API-010]`,
//! `[API-040]`; a DELETE under `If-None-Match` is refused and deletes nothing `[API-013]`; a
//! batch line over the limit is refused even when it arrives whole in one chunk `[API-014]`; a
//! body over the limit is refused `[API-041]`.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::Arc;

use serde_json::Value;

struct Server {
    base: String,
    token: String,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    // Dropped after `stop` has been sent: the server ends with the runtime.
    _rt: tokio::runtime::Runtime,
    _dir: tempfile::TempDir,
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Some(s) = self.stop.take() {
            let _ = s.send(());
        }
    }
}

fn server() -> Server {
    server_with(|_| {})
}

fn server_with(tune: impl FnOnce(&mut linli_node::Config)) -> Server {
    let dir = tempfile::tempdir().unwrap();
    let token = linli_node::principal::new_token().unwrap();
    let toml = format!(
        "[[principal]]\nname = \"clerk\"\nkind = \"department\"\ntoken-sha256 = \"{}\"\nwrite = [\"Person\", \"Place\"]\nread = \"internal\"\n",
        linli_node::principal::token_hash(&token)
    );
    let principals = linli_node::Principals::from_toml(&toml, "principals.toml").unwrap();
    let store = Arc::new(linli_node::store::sqlite::SqliteStore::open(&dir.path().join("db")).unwrap());
    let key = linli_privacy::Key::new(&[9u8; 32], "test").unwrap();
    let mut config = linli_node::Config::new(dir.path().to_path_buf(), "sqlite");
    tune(&mut config);
    let node = Arc::new(linli_node::Node::new(store, principals, Some(key), config).unwrap());
    let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(1).enable_all().build().unwrap();
    let listener = rt.block_on(tokio::net::TcpListener::bind("127.0.0.1:0")).unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    rt.spawn(linli_node::serve(node, listener, async {
        let _ = stopped.await;
    }));
    Server { base, token, stop: Some(stop), _rt: rt, _dir: dir }
}

fn send(s: &Server, method: &str, path: &str, headers: &[(&str, &str)], body: &str) -> (u16, Value) {
    let (status, text) = send_text(s, method, path, headers, body);
    (status, serde_json::from_str(&text).unwrap_or(Value::Null))
}

fn send_text(s: &Server, method: &str, path: &str, headers: &[(&str, &str)], body: &str) -> (u16, String) {
    let agent: ureq::Agent = ureq::Agent::config_builder().http_status_as_error(false).build().into();
    let mut b = ureq::http::Request::builder()
        .method(method)
        .uri(format!("{}{path}", s.base))
        .header("Authorization", format!("Bearer {}", s.token))
        .header("X-Linli-Purpose", "test");
    for (k, v) in headers {
        b = b.header(*k, *v);
    }
    let mut resp = agent.run(b.body(body.to_owned()).unwrap()).unwrap();
    let status = resp.status().as_u16();
    (status, resp.body_mut().read_to_string().unwrap())
}

fn place() -> String {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../examples/datasets/gusu-huqiu/place.ndjson");
    std::fs::read_to_string(path).unwrap().lines().next().unwrap().to_owned()
}

#[test]
fn an_invalid_record_is_refused_with_the_error_body_and_the_report() {
    let s = server();
    let (status, body) = send(&s, "PUT", "/v1/records/Person/P-1", &[], r#"{"type":"Person","id":"P-1"}"#);
    assert_eq!(status, 422);
    assert_eq!(body["code"], "api-invalid-record");
    assert_eq!(body["status"], 422);
    assert_eq!(body["requirement"], "API-010");
    assert!(body["message_zh"].as_str().is_some_and(|m| !m.is_empty()), "{body}");
    assert!(body["message_en"].as_str().is_some_and(|m| !m.is_empty()), "{body}");
    let findings = body["report"]["findings"].as_array().expect("the report's findings");
    assert!(findings.iter().any(|f| f["level"] == "error"), "{body}");
    let (status, _) = send(&s, "GET", "/v1/records/Person/P-1", &[], "");
    assert_eq!(status, 404, "nothing stored");
}

#[test]
fn a_delete_under_if_none_match_is_refused_and_deletes_nothing() {
    let s = server();
    let rec = place();
    let v: Value = serde_json::from_str(&rec).unwrap();
    let path = format!("/v1/records/Place/{}", v["id"].as_str().unwrap());
    let (status, _) = send(&s, "PUT", &path, &[], &rec);
    assert_eq!(status, 201);
    let (status, body) = send(&s, "DELETE", &path, &[("If-None-Match", "*")], "");
    assert_eq!((status, body["code"].as_str()), (400, Some("api-bad-header")), "{body}");
    let (status, _) = send(&s, "GET", &path, &[], "");
    assert_eq!(status, 200, "the record is still there");
    let (status, _) = send(&s, "DELETE", &path, &[], "");
    assert_eq!(status, 204);
}

#[test]
fn a_batch_line_over_the_limit_is_refused_even_when_it_arrives_whole() {
    let s = server_with(|c| c.max_body = 200);
    let long = "x".repeat(300);
    let body = format!("{long}\n{{}}\n");
    let (status, text) = send_text(&s, "POST", "/v1/records", &[("Content-Type", "application/x-ndjson")], &body);
    assert_eq!(status, 200, "{text}");
    let lines: Vec<Value> = text.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(lines.len(), 2, "{text}");
    assert_eq!((lines[0]["line"].as_u64(), lines[0]["status"].as_u64()), (Some(1), Some(413)), "{text}");
    assert_eq!(lines[0]["code"], "api-line-too-long");
    assert_eq!((lines[1]["line"].as_u64(), lines[1]["status"].as_u64()), (Some(2), Some(422)), "{text}");
}

#[test]
fn a_body_over_the_limit_is_refused_and_nothing_stored() {
    let s = server_with(|c| c.max_body = 200);
    let rec = place();
    assert!(rec.len() > 200, "the example place is longer than the limit");
    let v: Value = serde_json::from_str(&rec).unwrap();
    let path = format!("/v1/records/Place/{}", v["id"].as_str().unwrap());
    let (status, body) = send(&s, "PUT", &path, &[], &rec);
    assert_eq!((status, body["code"].as_str()), (413, Some("api-too-large")), "{body}");
    assert_eq!(body["requirement"], "API-041");
    let (status, _) = send(&s, "GET", &path, &[], "");
    assert_eq!(status, 404, "nothing stored");
}
