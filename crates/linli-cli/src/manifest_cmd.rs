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
    /// Vendor that produced the dataset
    #[arg(long)]
    pub vendor: String,
    /// Product that produced the dataset
    #[arg(long)]
    pub product: String,
    /// Product version (a real version, not `latest`)
    #[arg(long)]
    pub product_version: String,
    /// Sharing level: internal, inter-department or public
    #[arg(long, default_value = "internal")]
    pub sharing_level: String,
    /// Creation time (RFC 3339 with offset); default: now
    #[arg(long)]
    pub created_at: Option<String>,
    /// Write DIR/manifest.json instead of printing it
    #[arg(long)]
    pub write: bool,
}

fn text(s: &str, what: &str) -> Result<Text, CliError> {
    Text::new(s).map_err(|e| CliError::Usage(format!("--{what}: {e}")))
}

/// Run `linli manifest`.
pub(crate) fn run(args: &ManifestArgs, lang: Lang, out: &mut dyn Write) -> Result<ExitCode, CliError> {
    let level = SharingLevel::from_code(&args.sharing_level).ok_or_else(|| {
        CliError::Usage(format!(
            "--sharing-level `{}`: expected internal, inter-department or public",
            args.sharing_level
        ))
    })?;
    let created_at = match &args.created_at {
        Some(s) => s.parse().map_err(|e: linli_model::Error| CliError::Usage(format!("--created-at: {e}")))?,
        None => linli_model::datetime::Timestamp::from_offset_datetime(
            time::OffsetDateTime::now_utc().replace_nanosecond(0).unwrap_or_else(|_| time::OffsetDateTime::now_utc()),
        ),
    };
    let producer = Producer {
        vendor: text(&args.vendor, "vendor")?,
        product: text(&args.product, "product")?,
        product_version: text(&args.product_version, "product-version")?,
    };
    let manifest =
        linli_validate::dataset::build_manifest(&args.dir, producer, level, created_at).map_err(CliError::Usage)?;
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
    let mut json = serde_json::to_string_pretty(&manifest).unwrap_or_default();
    json.push('\n');
    if args.write {
        let path = args.dir.join(MANIFEST_FILE);
        std::fs::write(&path, json).map_err(|source| CliError::Io { path: path.clone(), source })?;
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
