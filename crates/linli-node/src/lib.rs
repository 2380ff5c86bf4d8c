//! # linli-node — the Linli exchange node (`linli serve`, spec chapter 31)
//!
//! One shared, current copy of the records of several departments and vendors: records in and
//! out over HTTP (validated on the way in `[API-010]`), a change feed any consumer can resume
//! `[API-020]`, every read masked to the caller's sharing level `[API-030]` and written to an
//! append-only audit log `[API-031]`, the whole store as a masked dataset `[API-032]` and its
//! dataset-level report `[API-033]`. Storage is SQLite embedded (the default) or PostgreSQL,
//! behind one trait, [`store::Store`].

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

pub mod api;
pub mod dataset;
pub mod error;
mod lines;
pub mod openapi;
mod page;
pub mod principal;
pub mod store;
pub mod sync;
pub mod view;

pub use error::{ApiError, Code};
pub use principal::{Principal, Principals};
pub use store::Store;

/// Clock helpers: node times in UTC, to the second.
pub(crate) mod clock {
    /// Now, RFC 3339 in UTC.
    pub(crate) fn now_utc() -> String {
        linli_model::support::clock::now_utc().to_string()
    }
}

/// The limits and places of a node.
#[derive(Debug, Clone)]
pub struct Config {
    /// The largest body of a `PUT` (and the longest line of a batch) `[API-014]`, `[API-040]`.
    pub max_body: usize,
    /// The largest upload to the clerk's check.
    pub max_upload: usize,
    /// How long the node waits for the next part of a body before it ends the request.
    pub idle: Duration,
    /// Where exports and checks are written while they are made.
    pub work_dir: PathBuf,
    /// `sqlite` or `postgres`, for `/v1/status`.
    pub storage_label: &'static str,
}

impl Config {
    /// The defaults: 16 MiB records, 256 MiB uploads, 30 s idle.
    pub fn new(work_dir: PathBuf, storage_label: &'static str) -> Self {
        Config { max_body: 16 << 20, max_upload: 256 << 20, idle: Duration::from_secs(30), work_dir, storage_label }
    }
}

/// A node: its store, callers, validator and views.
pub struct Node {
    /// The storage.
    pub store: Arc<dyn Store>,
    /// The callers.
    pub principals: Principals,
    /// The validator writes pass through.
    pub validator: linli_validate::Validator,
    /// Masking to each level.
    pub views: view::Views,
    /// Woken on each write, for long polls.
    pub changed: tokio::sync::Notify,
    /// Limits.
    pub config: Config,
}

impl std::fmt::Debug for Node {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Node")
            .field("principals", &self.principals.len())
            .field("config", &self.config)
            .finish_non_exhaustive()
    }
}

/// Why a node could not start.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The store.
    #[error(transparent)]
    Store(#[from] store::StoreError),
    /// The principals file.
    #[error(transparent)]
    Principals(#[from] principal::PrincipalsError),
    /// Views (profiles, key).
    #[error(transparent)]
    View(#[from] view::ViewError),
    /// The validator.
    #[error("validator: {0}")]
    Validator(String),
    /// Binding or serving.
    #[error("{what}: {source}")]
    Io {
        /// What was being done.
        what: String,
        /// The error.
        #[source]
        source: std::io::Error,
    },
}

impl Node {
    /// A node over `store`.
    pub fn new(
        store: Arc<dyn Store>,
        principals: Principals,
        key: Option<linli_privacy::Key>,
        config: Config,
    ) -> Result<Self, Error> {
        let validator = linli_validate::Validator::new().map_err(|e| Error::Validator(e.to_string()))?;
        Ok(Node {
            store,
            principals,
            validator,
            views: view::Views::new(key)?,
            changed: tokio::sync::Notify::new(),
            config,
        })
    }
}

/// Serve `node` on `listener` until `shutdown` resolves; then stop accepting, let the requests
/// in flight finish (at most 30 s) and return. Each connection must send a request's head
/// within [`Config::idle`] (else it is closed), and its body at the pace `Config::idle` sets
/// per part (else `408`, `api-slow-client`) `[API-040]`.
pub async fn serve(
    node: Arc<Node>,
    listener: tokio::net::TcpListener,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> Result<(), Error> {
    let idle = node.config.idle;
    let app = api::router(node);
    let graceful = hyper_util::server::graceful::GracefulShutdown::new();
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        let stream = tokio::select! {
            r = listener.accept() => match r {
                Ok((s, _)) => s,
                // Out of file descriptors and the like: wait a little, go on serving.
                Err(_) => {
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let _ = stream.set_nodelay(true);
        let svc = hyper_util::service::TowerToHyperService::new(app.clone());
        let mut b = hyper::server::conn::http1::Builder::new();
        b.timer(hyper_util::rt::TokioTimer::new()).header_read_timeout(idle);
        let conn = b.serve_connection(hyper_util::rt::TokioIo::new(stream), svc);
        let conn = graceful.watch(conn);
        tokio::spawn(async move {
            let _ = conn.await;
        });
    }
    let _ = tokio::time::timeout(Duration::from_secs(30), graceful.shutdown()).await;
    Ok(())
}

/// Bind `addr`.
pub async fn bind(addr: SocketAddr) -> Result<tokio::net::TcpListener, Error> {
    tokio::net::TcpListener::bind(addr).await.map_err(|source| Error::Io { what: format!("binding {addr}"), source })
}

/// The files of a new data folder: a principals file with three callers (one per read level)
/// whose tokens are written to `DIR/tokens/NAME.token` (mode 0600), and a random masking key in
/// `DIR/mask.key`. Returns the principals file. Nothing is replaced.
pub fn init_data_dir(dir: &Path) -> Result<PathBuf, Error> {
    let io = |what: &str| {
        let what = what.to_owned();
        move |source| Error::Io { what, source }
    };
    let file = dir.join("principals.toml");
    std::fs::create_dir_all(dir.join("tokens")).map_err(io("creating the data folder"))?;
    let key = dir.join("mask.key");
    if !key.exists() {
        let mut b = [0u8; 32];
        getrandom::fill(&mut b)
            .map_err(|e| Error::Io { what: "random key".into(), source: std::io::Error::other(e.to_string()) })?;
        write_private(&key, linli_model::support::hex::encode(&b).as_bytes()).map_err(io("writing mask.key"))?;
    }
    if file.exists() {
        return Ok(file);
    }
    let mut text = String::from(
        "# Callers of this node (spec chapter 31, [API-002]). Tokens are stored only as SHA-256 hashes;\n\
         # the tokens themselves were written once to tokens/NAME.token.\n",
    );
    for (name, read, write) in [
        ("clerk", "internal", "[\"Person\", \"Organization\", \"Place\", \"Thing\", \"Event\", \"Case\"]"),
        ("civil-affairs", "inter-department", "[]"),
        ("open-data", "public", "[]"),
    ] {
        let token = principal::new_token().map_err(io("random token"))?;
        write_private(&dir.join("tokens").join(format!("{name}.token")), token.as_bytes())
            .map_err(io("writing a token"))?;
        text.push_str(&format!(
            "\n[[principal]]\nname = \"{name}\"\nkind = \"department\"\ntoken-sha256 = \"{}\"\nwrite = {write}\nread = \"{read}\"\n",
            principal::token_hash(&token)
        ));
    }
    std::fs::write(&file, text).map_err(io("writing principals.toml"))?;
    Ok(file)
}

pub(crate) fn write_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    let mut o = std::fs::OpenOptions::new();
    o.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        o.mode(0o600);
    }
    o.open(path)?.write_all(bytes)
}
