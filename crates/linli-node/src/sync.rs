//! `linli sync URL DIR`: mirror a node into a dataset directory `[API-021]`.
//!
//! The first run reads the change feed from its start; each run keeps the feed cursor it reached
//! in `DIR/.linli-sync.json`, so the next one asks only for the changes since. The folder is a
//! Linli dataset: one NDJSON file per record type (records in id order), and a manifest at the
//! caller's read level. Data files are written whole and renamed into place before the cursor is
//! saved, so a run that is stopped part-way leaves the last complete state and fetches again.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::Path;

use linli_model::RecordType;
use linli_model::codes::{CodeTable, SharingLevel};
use linli_model::manifest::MANIFEST_FILE;
use serde_json::Value;

/// The cursor file.
pub const STATE_FILE: &str = ".linli-sync.json";

/// What a sync did.
#[derive(Debug, Clone, Default)]
pub struct SyncSummary {
    /// Changes read.
    pub changes: u64,
    /// Of which upserts.
    pub upserts: u64,
    /// Of which deletes.
    pub deletes: u64,
    /// Of the upserts, those the node withheld at the caller's level (`withheld`, [API-034]):
    /// not in the folder.
    pub withheld: u64,
    /// Records in the folder now.
    pub records: u64,
    /// The cursor kept.
    pub cursor: String,
}

/// Why a sync failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SyncError {
    /// The node could not be reached or answered with an error.
    #[error("{url}: {message}")]
    Node {
        /// The URL asked.
        url: String,
        /// The status or transport error, and the node's code.
        message: String,
    },
    /// The folder belongs to another node.
    #[error("{dir}: mirrors {other}, not this node")]
    OtherNode {
        /// The folder.
        dir: String,
        /// The node it mirrors.
        other: String,
    },
    /// The folder holds files and is no mirror (no cursor file): nothing is overwritten.
    #[error("{dir}: holds files and is not a mirror made by linli sync; give a new or empty folder")]
    NotEmpty {
        /// The folder.
        dir: String,
    },
    /// A file could not be read or written.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: String,
        /// The error.
        #[source]
        source: std::io::Error,
    },
    /// The folder mirrors the node at another read level than the token's `[API-021]`: synced
    /// on, it would hold records of both levels under one manifest (raw values labelled public).
    #[error("{dir}: mirrors the node at level {mirror}, but the token reads at level {token}; give another folder")]
    LevelChanged {
        /// The folder.
        dir: String,
        /// The level the folder holds.
        mirror: String,
        /// The token's read level.
        token: String,
    },
    /// The URL carries a user name or password, which would be kept in the cursor file
    /// `[API-021]`: the token goes in `--token-file`.
    #[error("the node's URL carries a user name or password; give it without them (the token goes in --token-file)")]
    UrlCredentials,
    /// The token's read level is internal and no purpose was given `[API-082]`.
    #[error(
        "the token reads at level internal: give the purpose of this copy with --purpose (it goes to the node's audit log)"
    )]
    PurposeRequired,
    /// What the node sent does not read.
    #[error("{0}")]
    Protocol(String),
}

impl SyncError {
    /// The stable code.
    pub fn code(&self) -> &'static str {
        match self {
            SyncError::Node { .. } => "sync-node-error",
            SyncError::OtherNode { .. } => "sync-other-node",
            SyncError::NotEmpty { .. } => "sync-folder-not-empty",
            SyncError::Io { .. } => "io",
            SyncError::PurposeRequired => "sync-purpose-required",
            SyncError::LevelChanged { .. } => "sync-level-changed",
            SyncError::UrlCredentials => "sync-url-credentials",
            SyncError::Protocol(_) => "sync-protocol",
        }
    }

    /// The message in Chinese (`zh`) or English.
    pub fn message(&self, zh: bool) -> String {
        match (self, zh) {
            (SyncError::Node { url, message }, true) => format!("{url}：节点出错：{message}"),
            (SyncError::OtherNode { dir, other }, true) => format!("{dir}：这个目录镜像的是 {other}，不是这个节点"),
            (SyncError::NotEmpty { dir }, true) => {
                format!("{dir}：目录中已有文件，且不是 linli sync 生成的镜像；请给出新的或空的目录")
            }
            (SyncError::Io { path, source }, true) => format!("{path}：读写失败：{source}"),
            (SyncError::Protocol(m), true) => format!("节点的应答无法读取：{m}"),
            (SyncError::LevelChanged { dir, mirror, token }, true) => {
                format!("{dir}：这个目录按 {mirror} 级别镜像节点，而该令牌的读取级别为 {token}；请给出另一个目录")
            }
            (SyncError::UrlCredentials, true) => {
                "节点地址中含有用户名或密码；请去掉后再给出（令牌用 --token-file 给出）".to_owned()
            }
            (SyncError::PurposeRequired, true) => {
                "该令牌的读取级别为 internal：请用 --purpose 说明这次复制的用途（会写入节点的审计日志）".to_owned()
            }
            (e, false) => e.to_string(),
        }
    }
}

#[derive(serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
struct State {
    url: String,
    cursor: String,
    /// The read level the folder was mirrored at; absent in a folder of an earlier version, whose
    /// manifest says it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    level: Option<String>,
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> SyncError + '_ {
    move |source| SyncError::Io { path: path.display().to_string(), source }
}

/// The purpose sent when none is given, below level internal.
pub const DEFAULT_PURPOSE: &str = "sync";

fn get_json(agent: &ureq::Agent, url: &str, token: &str, purpose: &str) -> Result<Value, SyncError> {
    let fail = |m: String| SyncError::Node { url: url.to_owned(), message: m };
    // Sent percent-encoded: a header carries only visible ASCII [API-031].
    let purpose: String = purpose
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b" -_.".contains(&b) {
                char::from(b).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect();
    let resp = agent
        .get(url)
        .header("Authorization", &format!("Bearer {token}"))
        .header("X-Linli-Purpose", &purpose)
        .call()
        .map_err(|e| fail(e.to_string()))?;
    let status = resp.status().as_u16();
    let text = resp.into_body().with_config().limit(1 << 30).read_to_string().map_err(|e| fail(e.to_string()))?;
    let v: Value = serde_json::from_str(&text).map_err(|e| SyncError::Protocol(e.to_string()))?;
    if status != 200 {
        let code = v.get("code").and_then(Value::as_str).unwrap_or("?");
        return Err(fail(format!("HTTP {status} {code}")));
    }
    Ok(v)
}

/// Mirror the node at `base` into `dir` with `token`, declaring `purpose` (required when the
/// token reads at level internal; else [`DEFAULT_PURPOSE`] when `None`) `[API-082]`. A record
/// the node withholds at the token's level is counted in [`SyncSummary::withheld`] and left out
/// of the folder (an older copy of it removed), and the sync goes on.
pub fn sync(base: &str, token: &str, purpose: Option<&str>, dir: &Path) -> Result<SyncSummary, SyncError> {
    let base = base.trim_end_matches('/');
    // `scheme://user:password@host` (or a spelling a URL parser reads so, `http:///u:pw@host`):
    // kept in the cursor file and quoted by errors, the password would be on disk and on screen.
    // A node's base URL holds no `@` at all.
    if base.contains('@') {
        return Err(SyncError::UrlCredentials);
    }
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(std::time::Duration::from_secs(120)))
        .build()
        .into();
    let state_path = dir.join(STATE_FILE);
    let state: Option<State> = match std::fs::read_to_string(&state_path) {
        Ok(t) => Some(serde_json::from_str(&t).map_err(|e| SyncError::Protocol(format!("{STATE_FILE}: {e}")))?),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
        Err(e) => return Err(io(&state_path)(e)),
    };
    // A folder that holds anything and was never a mirror is not overwritten.
    let holds_files = match std::fs::read_dir(dir) {
        Ok(mut d) => d.next().is_some(),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => false,
        Err(e) => return Err(io(dir)(e)),
    };
    if state.is_none() && holds_files {
        return Err(SyncError::NotEmpty { dir: dir.display().to_string() });
    }
    if let Some(s) = &state {
        if s.url != base {
            return Err(SyncError::OtherNode { dir: dir.display().to_string(), other: s.url.clone() });
        }
    }
    // The caller's level before the folder is made: nothing is touched when it cannot go on.
    let status = get_json(&agent, &format!("{base}/v1/status"), token, purpose.unwrap_or(DEFAULT_PURPOSE))?;
    let level = status
        .get("readLevel")
        .and_then(Value::as_str)
        .and_then(SharingLevel::from_code)
        .ok_or_else(|| SyncError::Protocol("status without readLevel".into()))?;
    // A folder mirrored at another level is never relabelled: it would hold the records of both
    // levels under one manifest [API-021].
    if let Some(s) = &state {
        let mirror = match &s.level {
            Some(l) => Some(l.clone()),
            None => std::fs::read_to_string(dir.join(MANIFEST_FILE))
                .ok()
                .and_then(|t| serde_json::from_str::<Value>(&t).ok())
                .and_then(|m| m.get("sharingLevel").and_then(Value::as_str).map(str::to_owned)),
        };
        match mirror {
            Some(m) if m == level.code() => {}
            m => {
                return Err(SyncError::LevelChanged {
                    dir: dir.display().to_string(),
                    mirror: m.unwrap_or_else(|| "?".to_owned()),
                    token: level.code().to_owned(),
                });
            }
        }
    }
    let purpose = match purpose {
        Some(p) => p,
        None if level == SharingLevel::Internal => return Err(SyncError::PurposeRequired),
        None => DEFAULT_PURPOSE,
    };
    std::fs::create_dir_all(dir).map_err(io(dir))?;
    // The records the folder holds now.
    let mut records: BTreeMap<(RecordType, String), String> = BTreeMap::new();
    if state.is_some() {
        for ty in RecordType::ALL {
            let p = dir.join(format!("{}.ndjson", ty.schema_stem()));
            let text = match std::fs::read_to_string(&p) {
                Ok(t) => t,
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
                Err(e) => return Err(io(&p)(e)),
            };
            for line in text.lines().filter(|l| !l.trim().is_empty()) {
                let v: Value =
                    serde_json::from_str(line).map_err(|e| SyncError::Protocol(format!("{}: {e}", p.display())))?;
                let id = v
                    .get("id")
                    .and_then(Value::as_str)
                    .ok_or_else(|| SyncError::Protocol(format!("{}: a record without id", p.display())))?
                    .to_owned();
                records.insert((*ty, id), line.to_owned());
            }
        }
    }
    let mut cursor = state.map(|s| s.cursor);
    let mut sum = SyncSummary::default();
    loop {
        let url = match &cursor {
            Some(c) => format!("{base}/v1/changes?limit=1000&since={c}"),
            None => format!("{base}/v1/changes?limit=1000"),
        };
        let page = get_json(&agent, &url, token, purpose)?;
        let changes =
            page.get("changes").and_then(Value::as_array).ok_or_else(|| SyncError::Protocol("no changes".into()))?;
        let next =
            page.get("next").and_then(Value::as_str).ok_or_else(|| SyncError::Protocol("no next".into()))?.to_owned();
        for c in changes {
            let ty = c.get("type").and_then(Value::as_str).and_then(RecordType::from_code);
            let id = c.get("id").and_then(Value::as_str);
            let (Some(ty), Some(id)) = (ty, id) else {
                return Err(SyncError::Protocol("a change without type or id".into()));
            };
            sum.changes += 1;
            match c.get("op").and_then(Value::as_str) {
                Some("delete") => {
                    sum.deletes += 1;
                    records.remove(&(ty, id.to_owned()));
                }
                Some("upsert") if c.get("withheld").is_some() => {
                    // Masked, it would still leak at this level [API-034]: not mirrored, and an
                    // older copy is no longer the record's state.
                    sum.upserts += 1;
                    sum.withheld += 1;
                    records.remove(&(ty, id.to_owned()));
                }
                Some("upsert") => {
                    sum.upserts += 1;
                    let r = c.get("record").ok_or_else(|| SyncError::Protocol("an upsert without record".into()))?;
                    records.insert((ty, id.to_owned()), r.to_string());
                }
                _ => return Err(SyncError::Protocol("a change of unknown op".into())),
            }
        }
        let done = changes.is_empty() || cursor.as_deref() == Some(next.as_str());
        cursor = Some(next);
        if done {
            break;
        }
    }
    // Write each type's file whole, then the manifest, then the cursor.
    for ty in RecordType::ALL {
        let p = dir.join(format!("{}.ndjson", ty.schema_stem()));
        let lines: Vec<&String> =
            records.range((*ty, String::new())..).take_while(|((t, _), _)| t == ty).map(|(_, l)| l).collect();
        if lines.is_empty() {
            match std::fs::remove_file(&p) {
                Ok(()) => {}
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => return Err(io(&p)(e)),
            }
            continue;
        }
        let mut tmp = tempfile::NamedTempFile::new_in(dir).map_err(io(dir))?;
        {
            let mut w = std::io::BufWriter::new(tmp.as_file_mut());
            for l in lines {
                w.write_all(l.as_bytes()).map_err(io(&p))?;
                w.write_all(b"\n").map_err(io(&p))?;
            }
            w.flush().map_err(io(&p))?;
        }
        tmp.persist(&p).map_err(|e| io(&p)(e.error))?;
    }
    sum.records = records.len() as u64;
    let producer = crate::dataset::producer().map_err(|e| SyncError::Protocol(e.to_string()))?;
    let now = linli_model::support::clock::now_china();
    let manifest = linli_validate::dataset::build_manifest(dir, producer, level, now)
        .map_err(|e| SyncError::Protocol(e.to_string()))?;
    // The node masked the records to the reader's level: the manifest says how [SHR-022].
    let manifest = match status.get("protection") {
        Some(p) => {
            let text = |k: &str| {
                p.get(k)
                    .and_then(Value::as_str)
                    .and_then(|s| linli_model::text::Text::new(s).ok())
                    .ok_or_else(|| SyncError::Protocol(format!("status.protection without {k}")))
            };
            let mut prot = linli_model::manifest::Protection::new(text("profile")?, now, text("tool")?);
            if let Some(k) = p.get("keyId").and_then(Value::as_str) {
                prot = prot.with_key_id(k.to_owned());
            }
            manifest.with_protection(prot)
        }
        None => manifest,
    };
    let mtext = serde_json::to_string_pretty(&manifest).map_err(|e| SyncError::Protocol(e.to_string()))?;
    let mp = dir.join(MANIFEST_FILE);
    std::fs::write(&mp, mtext).map_err(io(&mp))?;
    let cursor = cursor.ok_or_else(|| SyncError::Protocol("the feed gave no cursor".into()))?;
    let st = serde_json::to_string(&State {
        url: base.to_owned(),
        cursor: cursor.clone(),
        level: Some(level.code().to_owned()),
    })
    .map_err(|e| SyncError::Protocol(e.to_string()))?;
    std::fs::write(&state_path, st).map_err(io(&state_path))?;
    sum.cursor = cursor;
    Ok(sum)
}
