//! A faulty node in a child process (its own data folder), and plain HTTP calls to it.

#![allow(dead_code, unreachable_pub, missing_docs, clippy::unwrap_used)]

use std::io::BufRead;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

pub struct Running {
    pub base: String,
    pub dir: tempfile::TempDir,
    child: Child,
}

impl Drop for Running {
    fn drop(&mut self) {
        // The child this test started, by its own handle.
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Running {
    pub fn token(&self, name: &str) -> String {
        std::fs::read_to_string(self.dir.path().join("tokens").join(format!("{name}.token"))).unwrap().trim().to_owned()
    }
    pub fn token_file(&self, name: &str) -> PathBuf {
        self.dir.path().join("tokens").join(format!("{name}.token"))
    }
    /// The writer (internal, writes every type).
    pub fn clerk(&self) -> String {
        self.token("clerk")
    }
    /// The public reader.
    pub fn public(&self) -> String {
        self.token("open-data")
    }
}

/// Start `linli-faulty-node --fault FAULT` on a free port and wait for its line.
pub fn start(fault: &str, extra: &[&str]) -> Running {
    let dir = tempfile::tempdir().unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_linli-faulty-node"))
        .args(["--fault", fault, "--listen", "127.0.0.1:0", "--data"])
        .arg(dir.path())
        .args(extra)
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap();
    let mut line = String::new();
    std::io::BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
    let base = line
        .split_whitespace()
        .find(|w| w.starts_with("http://"))
        .unwrap_or_else(|| panic!("no address in {line:?}"))
        .trim_end_matches('/')
        .to_owned();
    Running { base, dir, child }
}

pub fn agent(deadline: Duration) -> ureq::Agent {
    ureq::Agent::config_builder().http_status_as_error(false).timeout_global(Some(deadline)).build().into()
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

/// One request; `Err` when no answer came within `deadline` (or the connection failed).
pub fn try_call(
    a: &ureq::Agent,
    method: &str,
    url: &str,
    token: &str,
    headers: &[(&str, &str)],
    body: Option<&[u8]>,
) -> Result<Answer, ureq::Error> {
    let mut b = ureq::http::Request::builder()
        .method(method)
        .uri(url)
        .header("Authorization", format!("Bearer {token}"))
        .header("X-Linli-Purpose", "test");
    for (k, v) in headers {
        b = b.header(*k, *v);
    }
    let resp = match body {
        Some(bytes) => a.run(b.body(bytes.to_vec()).unwrap()),
        None => a.run(b.body(()).unwrap()),
    }?;
    let status = resp.status().as_u16();
    let headers = resp.headers().iter().map(|(k, v)| (k.to_string(), v.to_str().unwrap_or("").to_owned())).collect();
    let body = resp.into_body().with_config().limit(1 << 30).read_to_vec()?;
    Ok(Answer { status, headers, body })
}

pub fn call(method: &str, url: &str, token: &str, headers: &[(&str, &str)], body: Option<&[u8]>) -> Answer {
    try_call(&agent(Duration::from_secs(120)), method, url, token, headers, body).unwrap()
}

pub fn example(name: &str) -> serde_json::Value {
    let p = Path::new(env!("CARGO_MANIFEST_DIR")).join("../records").join(name);
    serde_json::from_str(&std::fs::read_to_string(p).unwrap()).unwrap()
}
