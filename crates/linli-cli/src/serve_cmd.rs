//! `linli serve`, `linli audit` and `linli sync`: the exchange node of spec chapter 31.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use crate::{CliError, Lang};

/// Arguments of `linli serve`.
#[derive(Debug, clap::Args)]
#[command(
    after_help = "With only --data DIR the node keeps its records in DIR/linli.db (SQLite) and, on first start, \
writes DIR/principals.toml with three callers (clerk: internal, civil-affairs: inter-department, open-data: public), \
their tokens in DIR/tokens/NAME.token and a masking key in DIR/mask.key.\n\
With --database postgres://… the records are kept in PostgreSQL (several nodes may share one database); \
--principals and --key-file (or LINLI_MASK_KEY) are then required.\n\
The API is described at /openapi.json; a page for clerks is at /."
)]
pub struct ServeArgs {
    /// Data folder (SQLite store, principals, tokens, key, work files)
    #[arg(long, value_name = "DIR", default_value = "linli-data")]
    pub data: PathBuf,
    /// Keep the records in PostgreSQL instead of SQLite (postgres://user@host/db)
    #[arg(long, value_name = "URL")]
    pub database: Option<String>,
    /// The principals file (default DIR/principals.toml, created on first start)
    #[arg(long, value_name = "FILE")]
    pub principals: Option<PathBuf>,
    /// The masking key file (default DIR/mask.key, created on first start; else LINLI_MASK_KEY)
    #[arg(long, value_name = "FILE")]
    pub key_file: Option<PathBuf>,
    /// Address to listen on
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1:8080")]
    pub listen: std::net::SocketAddr,
    /// Largest record body (and batch line), in bytes
    #[arg(long, value_name = "BYTES", default_value_t = 16 << 20)]
    pub max_body: usize,
    /// Worker threads (0: one per core)
    #[arg(long, value_name = "N", default_value_t = 0)]
    pub threads: usize,
    /// Heavy requests (export, report, check, batch) served at once; more answer 503 api-busy
    #[arg(long, value_name = "N", default_value_t = 4, value_parser = clap::value_parser!(u32).range(1..))]
    pub max_heavy: u32,
    /// Seconds a record body or an upload (or one line of a batch) may take to arrive; slower: 408
    #[arg(long, value_name = "SECS", default_value_t = 300, value_parser = clap::value_parser!(u64).range(1..))]
    pub body_deadline: u64,
    /// Connections served at once; one more is answered 503 api-busy and closed
    #[arg(long, value_name = "N", default_value_t = 512, value_parser = clap::value_parser!(u32).range(1..))]
    pub max_connections: u32,
}

/// Arguments of `linli principal`.
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Adds a caller to a node's principals file (default DIR/principals.toml) with a new random token, \
written once to DIR/tokens/NAME.token (readable by its owner only); the principals file keeps only the token's \
SHA-256 ([API-001], [API-002]). Hand the token file to the caller; a running node reads the principals file at start, \
so restart it. `list` prints each caller's name, kind, vendor, write scopes and read level (never a token or its hash). \
`remove --name NAME` deletes the caller's entry and its token file; the node drops it at its next start ([API-083]).\n\
Example: linli principal add --name acme-iot --kind vendor --vendor \"苏州邻里示例科技有限公司\" --write Event,Thing --read public"
)]
pub struct PrincipalArgs {
    /// What to do: add, list or remove
    #[arg(value_name = "ACTION", value_parser = ["add", "list", "remove"])]
    pub action: String,
    /// Data folder of the node
    #[arg(long, value_name = "DIR", default_value = "linli-data")]
    pub data: PathBuf,
    /// The principals file (default DIR/principals.toml)
    #[arg(long, value_name = "FILE")]
    pub principals: Option<PathBuf>,
    /// The caller's name (letters, digits, - _ .), as the audit log records it (add, remove)
    #[arg(long)]
    pub name: Option<String>,
    /// vendor (writes only records whose meta.source.vendor is --vendor) or department (add)
    #[arg(long, value_parser = ["vendor", "department"])]
    pub kind: Option<String>,
    /// A vendor's name, exactly as its records give meta.source.vendor
    #[arg(long)]
    pub vendor: Option<String>,
    /// Record types it may write, comma-separated (Person,Organization,Place,Thing,Event,Case)
    #[arg(long, value_delimiter = ',', value_name = "TYPES")]
    pub write: Vec<String>,
    /// Its read level: internal, inter-department or public (add)
    #[arg(long, value_name = "LEVEL", value_parser = ["internal", "inter-department", "public"])]
    pub read: Option<String>,
}

/// Arguments of `linli audit`.
#[derive(Debug, clap::Args)]
#[command(after_help = "Prints the node's audit log, one JSON object a line, oldest first: time, principal, action, \
level, purpose and the records returned ([API-031]); writes and deletes with each record's result, reads with the \
records withheld ([API-080]).")]
pub struct AuditArgs {
    /// Data folder of a SQLite node
    #[arg(long, value_name = "DIR", default_value = "linli-data", conflicts_with = "database")]
    pub data: PathBuf,
    /// A PostgreSQL node's database
    #[arg(long, value_name = "URL")]
    pub database: Option<String>,
    /// Only entries after this one
    #[arg(long, value_name = "N", default_value_t = 0)]
    pub after: u64,
}

/// Arguments of `linli sync`.
#[derive(Debug, clap::Args)]
#[command(after_help = "Mirrors a node into a dataset folder: the first run fetches every change, later runs only \
those since the cursor kept in DIR/.linli-sync.json ([API-021]). The records are those the token's read level \
allows; the folder is a Linli dataset (manifest.json and one NDJSON file per type).")]
pub struct SyncArgs {
    /// The node, e.g. http://127.0.0.1:8080
    #[arg(value_name = "URL")]
    pub url: String,
    /// The dataset folder
    #[arg(value_name = "DIR")]
    pub dir: PathBuf,
    /// File holding the bearer token (else LINLI_TOKEN)
    #[arg(long, value_name = "FILE")]
    pub token_file: Option<PathBuf>,
    /// The purpose declared to the node (X-Linli-Purpose); required when the token reads at level
    /// internal, else `sync` when not given
    #[arg(long, value_name = "TEXT")]
    pub purpose: Option<String>,
}

fn said(code: &'static str, zh: impl Into<String>, en: impl Into<String>) -> CliError {
    CliError::Coded { code, zh: zh.into(), en: en.into() }
}

fn node_err(e: &linli_node::Error) -> CliError {
    match e {
        linli_node::Error::Principals(p) => said("principals-invalid", p.zh.clone(), p.en.clone()),
        linli_node::Error::InUse(dir) => {
            let shown = crate::printable(&dir.display().to_string());
            said(
                "data-folder-in-use",
                format!("数据文件夹 {shown} 正由另一个 linli serve 使用（{shown}/linli.lock 已被锁定）"),
                format!("the data folder {shown} is in use by another linli serve ({shown}/linli.lock is locked)"),
            )
        }
        other => said("serve-failed", format!("节点无法启动：{other}"), format!("the node could not start: {other}")),
    }
}

fn open_store(
    data: &std::path::Path,
    database: Option<&str>,
) -> Result<(Arc<dyn linli_node::Store>, &'static str), CliError> {
    let fail = |e: linli_node::store::StoreError| {
        said("store-unavailable", format!("存储无法打开：{e}"), format!("the store could not be opened: {e}"))
    };
    Ok(match database {
        Some(url) => (Arc::new(linli_node::store::postgres::PostgresStore::connect(url, 8).map_err(fail)?), "postgres"),
        None => (Arc::new(linli_node::store::sqlite::SqliteStore::open(data).map_err(fail)?), "sqlite"),
    })
}

/// Run `linli serve`.
pub(crate) fn serve(args: &ServeArgs, lang: Lang, out: &mut dyn Write) -> Result<ExitCode, CliError> {
    let zh = lang == Lang::Zh;
    // One node per data folder [API-074]: held until the process ends.
    let _lock = linli_node::lock_data_dir(&args.data).map_err(|e| node_err(&e))?;
    let principals_file = match (&args.principals, &args.database) {
        (Some(p), _) => p.clone(),
        (None, None) => linli_node::init_data_dir(&args.data).map_err(|e| node_err(&e))?,
        (None, Some(_)) => {
            return Err(said(
                "principals-required",
                "使用 PostgreSQL 时须给出 --principals",
                "--principals is required with --database",
            ));
        }
    };
    linli_node::create_private_dir(&args.data).map_err(|source| CliError::Io { path: args.data.clone(), source })?;
    let principals = linli_node::Principals::load(&principals_file).map_err(|e| node_err(&e.into()))?;
    let key_file = args.key_file.clone().or_else(|| {
        let k = args.data.join("mask.key");
        (args.database.is_none() && k.exists() && std::env::var_os("LINLI_MASK_KEY").is_none()).then_some(k)
    });
    let key = linli_privacy::Key::from_file_or_env(key_file.as_deref())
        .map_err(|e| CliError::Privacy { code: e.code(), message: e.message(zh) })?;
    let (store, label) = open_store(&args.data, args.database.as_deref())?;
    let work = args.data.join("work");
    linli_node::create_private_dir(&work).map_err(|source| CliError::Io { path: work.clone(), source })?;
    let mut config = linli_node::Config::new(work, label);
    config.max_body = args.max_body;
    config.max_heavy = args.max_heavy as usize;
    config.body_deadline = std::time::Duration::from_secs(args.body_deadline);
    config.max_connections = args.max_connections as usize;
    let node = Arc::new(linli_node::Node::new(store, principals, key, config).map_err(|e| node_err(&e))?);
    let mut rt = tokio::runtime::Builder::new_multi_thread();
    rt.enable_all();
    if args.threads > 0 {
        rt.worker_threads(args.threads);
    }
    let rt = rt.build().map_err(|source| CliError::Io { path: PathBuf::from("runtime"), source })?;
    // The node (its store: a PostgreSQL client blocks on a runtime of its own when dropped) is
    // dropped here, after the runtime, never inside it: the last reference dropped by a task of
    // the runtime panicked now and then at shutdown.
    let kept = Arc::clone(&node);
    let served = rt.block_on(async {
        let listener = linli_node::bind(args.listen).await.map_err(|e| node_err(&e))?;
        let addr = listener.local_addr().map_err(|source| CliError::Io { path: PathBuf::from("listen"), source })?;
        let line = if zh {
            format!(
                "linli serve：在 http://{addr}/ 上服务（存储 {label}，调用方 {}）；按 Ctrl-C 停止\n",
                node.principals.len()
            )
        } else {
            format!(
                "linli serve: serving on http://{addr}/ (storage {label}, {} principals); Ctrl-C stops\n",
                node.principals.len()
            )
        };
        out.write_all(line.as_bytes()).map_err(CliError::Stdout)?;
        out.flush().map_err(CliError::Stdout)?;
        // Ctrl-C or SIGTERM: stop accepting, finish the requests in flight, exit.
        let shutdown = async {
            #[cfg(unix)]
            {
                let term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate());
                match term {
                    Ok(mut term) => {
                        tokio::select! {
                            _ = tokio::signal::ctrl_c() => {}
                            _ = term.recv() => {}
                        }
                    }
                    Err(_) => {
                        let _ = tokio::signal::ctrl_c().await;
                    }
                }
            }
            #[cfg(not(unix))]
            {
                let _ = tokio::signal::ctrl_c().await;
            }
        };
        linli_node::serve(node, listener, shutdown).await.map_err(|e| node_err(&e))
    });
    rt.shutdown_timeout(std::time::Duration::from_secs(10));
    drop(kept);
    served?;
    Ok(ExitCode::SUCCESS)
}

/// Run `linli principal add|list|remove`.
pub(crate) fn principal(args: &PrincipalArgs, lang: Lang, out: &mut dyn Write) -> Result<ExitCode, CliError> {
    use linli_model::codes::CodeTable;
    let zh = lang == Lang::Zh;
    let file = args.principals.clone().unwrap_or_else(|| args.data.join("principals.toml"));
    let needs = |what: &str, v: &Option<String>| {
        v.clone().ok_or_else(|| {
            said(
                "usage",
                format!("principal {} 须给出 --{what}", args.action),
                format!("principal {} needs --{what}", args.action),
            )
        })
    };
    match args.action.as_str() {
        "list" => {
            // Names, kinds, vendors, scopes and levels only: never a token or its hash [API-083].
            let all = linli_node::Principals::load(&file).map_err(|e| said("principals-invalid", e.zh, e.en))?;
            let mut text = String::new();
            for p in all.iter() {
                let kind = match p.kind {
                    linli_node::principal::Kind::Vendor => "vendor",
                    linli_node::principal::Kind::Department => "department",
                };
                let write: Vec<&str> = p.write.iter().map(|t| t.code()).collect();
                text.push_str(&format!(
                    "{}\t{kind}\t{}\twrite={}\tread={}\n",
                    crate::printable(&p.name),
                    crate::printable(p.vendor.as_deref().unwrap_or("-")),
                    if write.is_empty() { "-".to_owned() } else { write.join(",") },
                    p.read.code()
                ));
            }
            out.write_all(text.as_bytes()).map_err(CliError::Stdout)?;
            return Ok(ExitCode::SUCCESS);
        }
        "remove" => {
            let name = needs("name", &args.name)?;
            linli_node::principal::remove(&file, &args.data.join("tokens"), &name)
                .map_err(|e| said("principals-invalid", e.zh, e.en))?;
            let name = crate::printable(&name);
            let line = if zh {
                format!("已删除调用方 {name} 及其令牌文件。请重启节点使其生效。\n")
            } else {
                format!("removed principal {name} and its token file. Restart the node to take it out.\n")
            };
            out.write_all(line.as_bytes()).map_err(CliError::Stdout)?;
            return Ok(ExitCode::SUCCESS);
        }
        _ => {}
    }
    let name = needs("name", &args.name)?;
    let kind_arg = needs("kind", &args.kind)?;
    let read_arg = needs("read", &args.read)?;
    let mut write = Vec::new();
    for w in &args.write {
        let ty = linli_model::RecordType::from_code(w.trim()).ok_or_else(|| {
            let w = crate::printable(w);
            said("usage", format!("未知的记录类型 {w}"), format!("unknown record type {w}"))
        })?;
        write.push(ty);
    }
    let kind = if kind_arg == "vendor" {
        linli_node::principal::Kind::Vendor
    } else {
        linli_node::principal::Kind::Department
    };
    if kind == linli_node::principal::Kind::Vendor && args.vendor.is_none() {
        return Err(said("usage", "--kind vendor 须给出 --vendor", "--kind vendor needs --vendor"));
    }
    let read = linli_model::codes::SharingLevel::from_code(&read_arg).ok_or_else(|| {
        said(
            "usage",
            "--read 须为 internal、inter-department 或 public",
            "--read must be internal, inter-department or public",
        )
    })?;
    let p = linli_node::principal::NewPrincipal { name: name.clone(), kind, vendor: args.vendor.clone(), write, read };
    let token_file = linli_node::principal::add(&file, &args.data.join("tokens"), &p)
        .map_err(|e| said("principals-invalid", e.zh.clone(), e.en.clone()))?;
    let shown = crate::printable(&token_file.display().to_string());
    let line = if zh {
        format!("已添加调用方 {name}；令牌已写入 {shown}（仅本人可读）。请重启节点使其生效。\n")
    } else {
        format!("added principal {name}; its token is in {shown} (owner-only). Restart the node to take it in.\n")
    };
    out.write_all(line.as_bytes()).map_err(CliError::Stdout)?;
    Ok(ExitCode::SUCCESS)
}

/// Run `linli audit`.
pub(crate) fn audit(args: &AuditArgs, _lang: Lang, out: &mut dyn Write) -> Result<ExitCode, CliError> {
    if args.database.is_none() && !args.data.join("linli.db").exists() {
        let shown = crate::printable(&args.data.display().to_string());
        return Err(said(
            "store-unavailable",
            format!("{shown}：没有节点数据（linli.db）"),
            format!("{shown}: no node data (linli.db)"),
        ));
    }
    let (store, _) = open_store(&args.data, args.database.as_deref())?;
    let mut after = args.after;
    loop {
        let page = store.audit(after, 1000).map_err(|e| said("store-unavailable", e.to_string(), e.to_string()))?;
        let Some(last) = page.last() else { break };
        after = last.seq;
        let mut text = String::new();
        for e in &page {
            text.push_str(&serde_json::to_string(e).map_err(|e| said("io", e.to_string(), e.to_string()))?);
            text.push('\n');
        }
        out.write_all(text.as_bytes()).map_err(CliError::Stdout)?;
    }
    Ok(ExitCode::SUCCESS)
}

/// Run `linli sync`.
pub(crate) fn sync(args: &SyncArgs, lang: Lang, out: &mut dyn Write) -> Result<ExitCode, CliError> {
    let zh = lang == Lang::Zh;
    let token = match &args.token_file {
        Some(f) => std::fs::read_to_string(f).map_err(|source| CliError::Io { path: f.clone(), source })?,
        None => std::env::var("LINLI_TOKEN").map_err(|_| {
            said("token-missing", "须给出 --token-file 或 LINLI_TOKEN", "give --token-file or LINLI_TOKEN")
        })?,
    };
    let s = linli_node::sync::sync(&args.url, token.trim(), args.purpose.as_deref(), &args.dir)
        .map_err(|e| said(e.code(), e.message(true), e.message(false)))?;
    let line = if zh {
        format!(
            "已同步：{} 条变更（{} 条写入，{} 条删除），现有 {} 条记录；游标 {}\n",
            s.changes, s.upserts, s.deletes, s.records, s.cursor
        ) + &if s.withheld > 0 {
            format!("节点在此级别扣留了 {} 条记录（掩码后仍会泄露，[API-034]），未写入目录\n", s.withheld)
        } else {
            String::new()
        }
    } else {
        format!(
            "synced: {} changes ({} upserts, {} deletes), {} records now; cursor {}\n",
            s.changes, s.upserts, s.deletes, s.records, s.cursor
        ) + &if s.withheld > 0 {
            format!(
                "{} records withheld by the node at this level (they would leak even masked, [API-034]); not in the folder\n",
                s.withheld
            )
        } else {
            String::new()
        }
    };
    out.write_all(line.as_bytes()).map_err(CliError::Stdout)?;
    Ok(ExitCode::SUCCESS)
}
