//! `linli manifest`: write the manifest of a dataset directory.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use linli_model::codes::{CodeTable, SharingLevel};
use linli_model::manifest::{MANIFEST_FILE, Producer};
use linli_model::text::Text;

use crate::{CliError, Lang};

/// Arguments of `linli manifest`.
#[derive(Debug, clap::Args)]
pub struct ManifestArgs {
    /// The dataset directory (its *.ndjson, *.jsonl and *.ndjson.gz files are listed, in sub-folders too;
    /// symbolic links, FIFOs and devices are left out and named on standard error)
    #[arg(value_name = "DIR")]
    pub dir: PathBuf,
    /// Vendor that produced the dataset (default: the existing manifest's)
    #[arg(long)]
    pub vendor: Option<String>,
    /// Product that produced the dataset (default: the existing manifest's)
    #[arg(long)]
    pub product: Option<String>,
    /// Product version, a real version, not `latest` (default: the existing manifest's)
    #[arg(long)]
    pub product_version: Option<String>,
    /// Sharing level: internal, inter-department or public (default: the existing manifest's, else
    /// internal). An existing manifest's `protection` and `externalRefs` are kept too, so that
    /// `validate` still checks a shared dataset at its level after its files were relisted [DAT-017]
    #[arg(long)]
    pub sharing_level: Option<String>,
    /// Creation time (RFC 3339 with offset); default: now
    #[arg(long)]
    pub created_at: Option<String>,
    /// Write DIR/manifest.json instead of printing it
    #[arg(long)]
    pub write: bool,
}

fn text(s: &str, what: &str) -> Result<Text, CliError> {
    Text::new(s)
        .map_err(|e| CliError::usage(format!("--{what}：{}", crate::model_error_zh(&e)), format!("--{what}: {e}")))
}

/// Run `linli manifest`.
pub(crate) fn run(args: &ManifestArgs, lang: Lang, out: &mut dyn Write) -> Result<ExitCode, CliError> {
    // An existing manifest is the base: its producer, level, protection and external references
    // stay unless an option says otherwise; only the files (and the time) are new.
    let existing: Option<linli_model::manifest::Manifest> =
        match linli_model::member::read_member(&args.dir, MANIFEST_FILE) {
            Ok(bytes) => {
                Some(serde_json::from_slice(bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&bytes)).map_err(|e| {
                    let path = args.dir.join(MANIFEST_FILE);
                    CliError::usage(
                        format!(
                            "{}：现有的清单无法读取（{}）；删除或修正它后才能写新的清单",
                            path.display(),
                            crate::json_error_zh(&e)
                        ),
                        format!(
                            "{}: the existing manifest does not read ({e}); remove it, or fix it, to write a new one",
                            path.display()
                        ),
                    )
                })?)
            }
            Err(e) if e.refusal == linli_model::member::Refusal::Missing => None,
            Err(e) => {
                return Err(CliError::usage(
                    format!("{}：{}", MANIFEST_FILE, e.message_zh()),
                    format!("{}: {}", MANIFEST_FILE, e.message_en()),
                ));
            }
        };
    let level = match (&args.sharing_level, &existing) {
        (Some(code), _) => SharingLevel::from_code(code).ok_or_else(|| {
            CliError::usage(
                format!("--sharing-level `{code}`：应为 internal、inter-department 或 public"),
                format!("--sharing-level `{code}`: expected internal, inter-department or public"),
            )
        })?,
        (None, Some(m)) => m.sharing_level,
        (None, None) => SharingLevel::Internal,
    };
    let created_at = match &args.created_at {
        Some(s) => s.parse().map_err(|e: linli_model::Error| {
            CliError::usage(format!("--created-at：{}", crate::model_error_zh(&e)), format!("--created-at: {e}"))
        })?,
        None => linli_model::support::clock::now_utc(),
    };
    let field = |given: &Option<String>, what: &str, old: Option<&Text>| -> Result<Text, CliError> {
        match (given, old) {
            (Some(s), _) => text(s, what),
            (None, Some(t)) => Ok(t.clone()),
            (None, None) => Err(CliError::usage(
                format!("需要 --{what}：{} 中没有可从中读取它的清单（manifest.json）", args.dir.display()),
                format!("--{what} is needed: {} has no manifest to take it from", args.dir.display()),
            )),
        }
    };
    let old = existing.as_ref().map(|m| &m.producer);
    let producer = Producer::new(
        field(&args.vendor, "vendor", old.map(|p| &p.vendor))?,
        field(&args.product, "product", old.map(|p| &p.product))?,
        field(&args.product_version, "product-version", old.map(|p| &p.product_version))?,
    );
    let mut manifest = linli_validate::dataset::build_manifest(&args.dir, producer, level, created_at)
        .map_err(|e| CliError::usage(e.zh, e.en))?;
    if let Some(old) = existing {
        manifest.external_refs = old.external_refs;
        // The statement of how the data was treated stays with the level it was made for.
        let same_level = old.sharing_level == level;
        if same_level {
            manifest.protection = old.protection;
        }
        let kept = match (lang, same_level) {
            (Lang::Zh, true) => "沿用现有清单的生产者、共享级别、protection 与 externalRefs（可用选项覆盖）\n",
            (Lang::Zh, false) => {
                "沿用现有清单的生产者与 externalRefs；共享级别已改变，原 protection 不再适用，未写入 [DAT-017]\n"
            }
            (Lang::En, true) => {
                "kept from the existing manifest: producer, sharing level, protection and externalRefs (options override them)\n"
            }
            (Lang::En, false) => {
                "kept from the existing manifest: producer and externalRefs; the sharing level changed, so its protection no longer applies and is not written [DAT-017]\n"
            }
        };
        eprint!("{kept}");
    }
    // What a manifest may not list is left out, and said [DAT-014].
    let (_, skipped) = linli_validate::dataset::data_file_paths(&args.dir);
    for (rel, why) in &skipped {
        let rel = crate::printable(rel);
        let msg = match (lang, *why) {
            (Lang::Zh, "not-data") => format!(
                "未列出 `{rel}`：不是数据文件（*.ndjson、*.jsonl、*.ndjson.gz）；validate 会报告 manifest-extra-file [DAT-013]\n"
            ),
            (_, "not-data") => format!(
                "not listed `{rel}`: not a data file (*.ndjson, *.jsonl, *.ndjson.gz); validate will report manifest-extra-file [DAT-013]\n"
            ),
            (Lang::Zh, "symlink") => format!("未列出 `{rel}`：是符号链接（数据集中的路径不得经过符号链接）[DAT-014]\n"),
            (Lang::Zh, _) => format!("未列出 `{rel}`：不是普通文件（命名管道、套接字或设备）[DAT-014]\n"),
            (_, "symlink") => {
                format!("not listed `{rel}`: a symbolic link (a dataset path must not go through one) [DAT-014]\n")
            }
            _ => format!("not listed `{rel}`: not a regular file (a FIFO, socket or device) [DAT-014]\n"),
        };
        eprint!("{msg}");
    }
    let mut json = crate::to_json_pretty(&manifest)?;
    json.push('\n');
    if args.write {
        let path = args.dir.join(MANIFEST_FILE);
        // Written beside its place and renamed in: a link put where the manifest was is replaced,
        // never written through, and a failed write leaves the old manifest whole.
        let io = |source| CliError::Io { path: path.clone(), source };
        let mut part = tempfile::Builder::new().prefix(".linli-manifest-").tempfile_in(&args.dir).map_err(io)?;
        part.write_all(json.as_bytes()).map_err(io)?;
        part.persist(&path).map_err(|e| io(e.error))?;
        let msg = match lang {
            Lang::Zh => format!("已写入 {}（{} 个文件）\n", path.display(), manifest.files.len()),
            Lang::En => format!("wrote {} ({} files)\n", path.display(), manifest.files.len()),
        };
        out.write_all(msg.as_bytes()).map_err(CliError::Stdout)?;
    } else {
        out.write_all(json.as_bytes()).map_err(CliError::Stdout)?;
    }
    Ok(ExitCode::SUCCESS)
}
