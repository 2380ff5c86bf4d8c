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
    /// How many heavy requests (export, report, check, batch) run at once; more answer `503`
    /// `api-busy` `[API-071]`.
    pub max_heavy: usize,
    /// The longest a `PUT` body or a check upload, or one line of a batch, may take to arrive
    /// (`408` `api-slow-client` after) `[API-072]`.
    pub body_deadline: Duration,
    /// How many connections are served at once; one more is answered `503` `api-busy` and
    /// closed `[API-072]`.
    pub max_connections: usize,
    /// The longest request target (path and query), in bytes `[API-078]`.
    pub max_uri: usize,
    /// The largest request head's header fields (names and values), in bytes `[API-078]`.
    pub max_header_bytes: usize,
    /// The bytes of batch lines held before they are validated and written as one group
    /// `[API-014]`.
    pub batch_group_bytes: usize,
}

impl Config {
    /// The defaults: 16 MiB records, 256 MiB uploads, 30 s idle, 4 heavy requests, 300 s a
    /// body, 512 connections, 8 KiB URLs, 64 KiB of header fields, batch groups of 8 MiB.
    pub fn new(work_dir: PathBuf, storage_label: &'static str) -> Self {
        Config {
            max_body: 16 << 20,
            max_upload: 256 << 20,
            idle: Duration::from_secs(30),
            work_dir,
            storage_label,
            max_heavy: 4,
            body_deadline: Duration::from_secs(300),
            max_connections: 512,
            max_uri: 8 << 10,
            max_header_bytes: 64 << 10,
            batch_group_bytes: 8 << 20,
        }
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
    /// Permits of heavy requests `[API-071]`.
    pub heavy: Arc<tokio::sync::Semaphore>,
    /// The secret the ETags are keyed with `[API-012]`: the masking key (all nodes on one
    /// database share it, as they share their masking), or without one a random key of this
    /// process.
    pub(crate) etag_key: linli_privacy::Key,
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
    /// Another node holds the lock of the data folder `[API-074]`.
    #[error("{0}: the data folder is in use by another linli serve")]
    InUse(PathBuf),
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
        let etag_key = match &key {
            Some(k) => k.clone(),
            None => {
                let mut b = [0u8; 32];
                getrandom::fill(&mut b).map_err(|e| Error::Io {
                    what: "random key".into(),
                    source: std::io::Error::other(e.to_string()),
                })?;
                linli_privacy::Key::new(&b, "random").map_err(|e| Error::Io {
                    what: "random key".into(),
                    source: std::io::Error::other(e.to_string()),
                })?
            }
        };
        Ok(Node {
            etag_key,
            store,
            principals,
            validator,
            views: view::Views::new(key)?,
            changed: tokio::sync::Notify::new(),
            heavy: Arc::new(tokio::sync::Semaphore::new(config.max_heavy)),
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
    let config = node.config.clone();
    serve_router(&config, api::router(node), listener, shutdown).await
}

/// Serve `app` as [`serve`] serves a node's router, with `config`'s limits: the hook through
/// which `examples/faulty-node` serves [`api::router`] with a deliberate fault layered around it.
pub async fn serve_router(
    config: &Config,
    app: axum::Router,
    listener: tokio::net::TcpListener,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> Result<(), Error> {
    let idle = config.idle;
    let connections = Arc::new(tokio::sync::Semaphore::new(config.max_connections));
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
        let Ok(permit) = Arc::clone(&connections).try_acquire_owned() else {
            // One connection too many: answered `api-busy` and closed `[API-072]`.
            tokio::spawn(refuse_connection(stream));
            continue;
        };
        let svc = hyper_util::service::TowerToHyperService::new(app.clone());
        let mut b = hyper::server::conn::http1::Builder::new();
        // Heads up to hyper's buffer are read, so that the router answers a long URL or large
        // header fields with its own JSON error `[API-078]`.
        b.timer(hyper_util::rt::TokioTimer::new()).header_read_timeout(idle).max_headers(1000);
        let conn = b.serve_connection(hyper_util::rt::TokioIo::new(stream), svc);
        let conn = graceful.watch(conn);
        tokio::spawn(async move {
            let _ = conn.await;
            drop(permit);
        });
    }
    let _ = tokio::time::timeout(Duration::from_secs(30), graceful.shutdown()).await;
    Ok(())
}

/// Answer `api-busy` on a connection over `--max-connections` and close it; what the client
/// sent meanwhile is read and dropped first (at most 64 KiB, 2 s), so that closing does not reset
/// the connection before the client has read the answer.
async fn refuse_connection(mut stream: tokio::net::TcpStream) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let _ = tokio::time::timeout(Duration::from_secs(2), async {
        let _ = stream.write_all(&error::busy_answer()).await;
        let _ = stream.shutdown().await;
        let mut buf = [0u8; 4096];
        let mut seen = 0;
        while seen < 64 << 10 {
            match stream.read(&mut buf).await {
                Ok(0) | Err(_) => break,
                Ok(n) => seen += n,
            }
        }
    })
    .await;
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
    create_private_dir(dir).map_err(io("creating the data folder"))?;
    create_private_dir(&dir.join("tokens")).map_err(io("creating the data folder"))?;
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
    write_private(&file, text.as_bytes()).map_err(io("writing principals.toml"))?;
    Ok(file)
}

/// Create `dir` (and its parents) if missing; a folder this creates is readable by its owner only
/// (mode 0700 on unix) `[API-073]`. An existing folder is left as it is.
pub fn create_private_dir(dir: &Path) -> std::io::Result<()> {
    let mut b = std::fs::DirBuilder::new();
    b.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        b.mode(0o700);
    }
    b.create(dir)
}

/// Take the lock of the data folder, `DIR/linli.lock` (an operating-system file lock, `flock`,
/// released when the returned file is dropped or the process ends) `[API-074]`: a second node on
/// the same folder gets [`Error::InUse`]. (On other systems than unix the file is made but not
/// locked.)
pub fn lock_data_dir(dir: &Path) -> Result<std::fs::File, Error> {
    create_private_dir(dir).map_err(|source| Error::Io { what: "creating the data folder".into(), source })?;
    let path = dir.join("linli.lock");
    let mut o = std::fs::OpenOptions::new();
    o.read(true).write(true).create(true).truncate(false);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        o.mode(0o600);
    }
    let f = o.open(&path).map_err(|source| Error::Io { what: format!("opening {}", path.display()), source })?;
    #[cfg(unix)]
    match rustix::fs::flock(&f, rustix::fs::FlockOperation::NonBlockingLockExclusive) {
        Ok(()) => {}
        Err(e) if e == rustix::io::Errno::WOULDBLOCK => return Err(Error::InUse(dir.to_path_buf())),
        Err(e) => return Err(Error::Io { what: format!("locking {}", path.display()), source: e.into() }),
    }
    Ok(f)
}

/// Write a new file readable by its owner only (mode 0600 on unix) `[API-073]`.
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
