//! `linli-faulty-node`: the reference exchange node (`linli serve` on SQLite) with one deliberate
//! fault, for the `api` conformance class's tests (issue 18 part 4). Not part of `linli`.
//!
//! `linli-faulty-node --fault lose-feed --data DIR [--listen 127.0.0.1:0]` prepares `DIR` as
//! `linli serve --data DIR` does on its first start (principals `clerk`, `civil-affairs`,
//! `open-data`, their tokens in `DIR/tokens/NAME.token`, a masking key), prints one line
//! `linli-faulty-node: serving on http://ADDR/ (fault NAME)` and serves until killed.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use clap::Parser;
use linli_faulty_node::{Error, Fault, Parts, build};

/// The reference exchange node with one deliberate fault (for conformance tests only).
#[derive(Debug, Parser)]
#[command(name = "linli-faulty-node", version)]
struct Args {
    /// The fault: none, skip-validation, leak-public, lose-feed, ignore-if-match or hang
    #[arg(long, default_value = "none")]
    fault: String,
    /// Data folder (SQLite store, principals, tokens, key, work files), prepared on first start
    #[arg(long, value_name = "DIR")]
    data: PathBuf,
    /// Address to listen on (port 0: any free port, printed)
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1:0")]
    listen: std::net::SocketAddr,
    /// lose-feed: milliseconds a write at an odd feed position waits before it commits
    #[arg(long, value_name = "MS", default_value_t = 50)]
    feed_window_ms: u64,
}

fn io(what: &'static str, what_zh: &'static str) -> impl FnOnce(std::io::Error) -> Error {
    move |source| Error::Io { what, what_zh, source }
}

fn run(args: &Args) -> Result<(), Error> {
    let fault: Fault = args.fault.parse()?;
    let principals_file = linli_node::init_data_dir(&args.data)?;
    let principals_toml =
        std::fs::read_to_string(&principals_file).map_err(io("reading principals.toml", "读取 principals.toml"))?;
    let key = linli_privacy::Key::from_file_or_env(Some(&args.data.join("mask.key")))
        .map_err(|e| Error::Key(e.message(false)))?;
    let store = Arc::new(linli_node::store::sqlite::SqliteStore::open(&args.data).map_err(linli_node::Error::from)?);
    let work = args.data.join("work");
    std::fs::create_dir_all(&work).map_err(io("creating the work folder", "创建工作目录"))?;
    let config = linli_node::Config::new(work, "sqlite");
    let (node, router) = build(Parts {
        store,
        principals_toml,
        key,
        config,
        fault,
        feed_window: Duration::from_millis(args.feed_window_ms),
    })?;
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(io("starting the runtime", "启动运行时"))?;
    rt.block_on(async {
        let listener = linli_node::bind(args.listen).await?;
        let addr = listener.local_addr().map_err(io("reading the address", "读取地址"))?;
        let mut out = std::io::stdout();
        let _ = writeln!(out, "linli-faulty-node: serving on http://{addr}/ (fault {})", fault.name());
        let _ = out.flush();
        // The reference node's own accept loop (head deadline, connection limit); a stop waits
        // at most 30 s for the requests in flight, a hung one included.
        linli_node::serve_router(&node.config, router, listener, stop()).await?;
        Ok(())
    })
}

async fn stop() {
    #[cfg(unix)]
    if let Ok(mut term) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
        tokio::select! {
            _ = tokio::signal::ctrl_c() => {}
            _ = term.recv() => {}
        }
        return;
    }
    let _ = tokio::signal::ctrl_c().await;
}

fn main() -> ExitCode {
    let args = Args::parse();
    match run(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error[{}]: {e}", e.code());
            ExitCode::from(2)
        }
    }
}
