//! `linli mask`: apply a sharing profile to a record, an NDJSON file or a dataset directory
//! (spec `spec/19-sharing.md`).

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use linli_model::codes::CodeTable;
use linli_privacy::profile::BUILT_IN;
use linli_privacy::{Key, Profile};

use crate::{CliError, Lang};

/// Arguments of `linli mask`.
#[derive(Debug, clap::Args)]
#[command(after_help = "The pseudonymisation key is read from --key-file FILE or the environment variable \
LINLI_MASK_KEY (at least 16 bytes); it is never accepted on the command line and never written to the output.\n\
An OUT ending in .gz is written gzip-compressed. Every record must read as a Linli record; one that does not \
is refused.\n\
Every masked record is checked against the leak checks of the sharing level the profile declares (those of the \
built-in profile of that level, whatever the profile is named); a record that would fail stops the run \
(output-not-conforming) and nothing is written.\n\
An existing output file is refused unless --force is given; a dataset is written into a new or empty \
folder (a folder that holds anything is never replaced, nor one inside the input dataset). Files of a dataset \
folder that its manifest does not list are neither read nor written; the summary names them.\n\
Exit codes: 0 masked; 2 usage, profile, key, input, output-not-conforming or I/O error (nothing usable was \
written: a partial output file, or the output directory the run created, is removed).")]
pub struct MaskArgs {
    /// A built-in profile (internal, inter-department, public) or the path of a profile TOML file
    #[arg(long, value_name = "NAME|FILE", required_unless_present = "list_profiles")]
    pub profile: Option<String>,
    /// File holding the pseudonymisation key (else LINLI_MASK_KEY)
    #[arg(long, value_name = "FILE")]
    pub key_file: Option<PathBuf>,
    /// List the built-in profiles and exit
    #[arg(long)]
    pub list_profiles: bool,
    /// A record file (.json), an NDJSON file or a dataset directory
    #[arg(value_name = "IN", required_unless_present = "list_profiles")]
    pub input: Option<PathBuf>,
    /// The output file, or a new directory for a dataset
    #[arg(short, long, value_name = "OUT", required_unless_present = "list_profiles")]
    pub output: Option<PathBuf>,
    /// Replace an existing output file (a folder that holds anything is never replaced)
    #[arg(long)]
    pub force: bool,
    /// The reference time of the run (RFC 3339 with offset): the `createdAt` of a dataset written
    /// and the date ages are judged on [SHR-007] (default: now, in China Standard Time). The
    /// exchange node's export at a level is this command's output with the export's time here
    /// [API-032].
    #[arg(long, value_name = "TIME")]
    pub created_at: Option<String>,
    /// Worker threads (0: one per core); the output is the same whatever the number
    #[arg(long, value_name = "N", default_value_t = 0)]
    pub threads: usize,
}

fn fail(e: &linli_privacy::Error, lang: Lang) -> CliError {
    // An I/O error says in the run's language what went wrong, by its kind [CON-055].
    if let linli_privacy::Error::Io { path, source } = e {
        return CliError::Privacy {
            code: e.code(),
            message: format!("{path}{}", crate::io_message(source, lang == Lang::Zh)),
        };
    }
    CliError::Privacy { code: e.code(), message: e.message(lang == Lang::Zh) }
}

/// Run `linli mask`.
pub(crate) fn run(args: &MaskArgs, lang: Lang, out: &mut dyn Write) -> Result<ExitCode, CliError> {
    let zh = lang == Lang::Zh;
    if args.list_profiles {
        let mut text = String::new();
        for (name, _) in BUILT_IN {
            let p = Profile::built_in(name).map_err(|e| fail(&e, lang))?;
            let desc = if zh { &p.description_zh } else { &p.description_en };
            let key = match (p.needs_key(), zh) {
                (true, true) => "（需要密钥）",
                (true, false) => " (needs a key)",
                _ => "",
            };
            text.push_str(&format!("{name:<18} {:<18} {desc}{key}\n", p.sharing_level.code()));
        }
        out.write_all(text.as_bytes()).map_err(CliError::Stdout)?;
        return Ok(ExitCode::SUCCESS);
    }
    let (Some(profile), Some(input), Some(output)) = (&args.profile, &args.input, &args.output) else {
        return Err(CliError::usage("需要 --profile、输入 IN 和 -o 输出 OUT", "--profile, IN and -o OUT are required"));
    };
    // An output file that exists is replaced only when asked, as a non-empty output folder is
    // never replaced [SHR-033].
    if output.is_file() && (!args.force || input.is_dir()) {
        let shown = crate::printable(&output.display().to_string());
        let message = match (zh, input.is_dir()) {
            (true, true) => format!("{shown}：已存在同名文件；数据集写入一个新的或空的目录"),
            (false, true) => {
                format!("{shown}: a file of this name exists; a dataset is written into a new or empty folder")
            }
            (true, false) => format!("{shown}：输出文件已存在；如要替换，请加 --force"),
            (false, false) => format!("{shown}: the output file exists; give --force to replace it"),
        };
        return Err(CliError::Privacy { code: "output-exists", message });
    }
    let profile = Profile::load(profile).map_err(|e| fail(&e, lang))?;
    // The key is read only when the profile pseudonymises: a key given for nothing (in the
    // environment, say) is neither checked nor recorded.
    let key = if profile.needs_key() {
        Key::from_file_or_env(args.key_file.as_deref()).map_err(|e| fail(&e, lang))?
    } else {
        None
    };
    let tool = linli_model::text::Text::new(format!("linli mask {}", env!("CARGO_PKG_VERSION")))
        .map_err(|e| CliError::usage(crate::model_error_zh(&e), e.to_string()))?;
    let created_at = match &args.created_at {
        None => None,
        Some(t) => Some(t.parse::<linli_model::datetime::Timestamp>().map_err(|_| {
            CliError::usage(
                "--created-at 须为带时区的 RFC 3339 时间，如 2024-05-22T08:00:00+08:00",
                "--created-at must be an RFC 3339 time with offset, e.g. 2024-05-22T08:00:00+08:00",
            )
        })?),
    };
    let opts = linli_privacy::Options { profile: &profile, key: key.as_ref(), created_at, tool, threads: args.threads };
    let s = linli_privacy::mask_path(input, output, &opts).map_err(|e| fail(&e, lang))?;
    out.write_all(summary(&s, output, zh).as_bytes()).map_err(CliError::Stdout)?;
    Ok(ExitCode::SUCCESS)
}

/// The name of a file a manifest does not list, as printed: personal numbers masked, and each
/// run of characters other than ASCII letters, digits, `.`, `_`, `-` and `/` shown as `…`.
fn unlisted_name(name: &str) -> String {
    let masked = crate::printable(name);
    let mut out = String::with_capacity(masked.len());
    let mut hidden = false;
    for c in masked.chars() {
        if c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-' | '/' | '*') {
            out.push(c);
            hidden = false;
        } else if !hidden {
            out.push('…');
            hidden = true;
        }
    }
    out
}

/// What `linli mask` says it did, in one language: the records, the output (as given, or said to
/// be shown masked when its name holds a personal number), the files of a dataset, the counters
/// that are not zero, the key id when a key was used, the files renamed and those not listed.
fn summary(s: &linli_privacy::Summary, output: &std::path::Path, zh: bool) -> String {
    let c = &s.counts;
    // The profile's name comes from its file, the output's from the command line: printed as
    // every text from outside is [PRI-011] [CON-072].
    let profile_name = crate::printable(&s.profile);
    let given = output.display().to_string();
    let output_name = crate::printable(&given);
    let masked_note = match (output_name != given, zh) {
        (false, _) => "",
        (true, true) => "（此处显示时已掩码其中的个人号码；磁盘上的名称与命令行所给的相同）",
        (true, false) => " (shown here with its personal numbers masked; on disk it has the name you gave)",
    };
    let dataset = s.input == linli_privacy::dataset::InputKind::Dataset;
    let files = match (dataset, zh, s.files) {
        (false, _, _) => String::new(),
        (true, true, n) => format!("（{n} 个文件）"),
        (true, false, 1) => " (1 file)".to_owned(),
        (true, false, n) => format!(" ({n} files)"),
    };
    let mut text = if zh {
        format!(
            "已按共享配置 `{profile_name}`（共享级别 {}）处理 {} 条记录，写入 {output_name}{masked_note}{files}\n",
            s.sharing_level, c.records
        )
    } else {
        let records = if c.records == 1 { "record" } else { "records" };
        format!(
            "masked {} {records} with profile `{profile_name}` (sharing level {}) into {output_name}{masked_note}{files}\n",
            c.records, s.sharing_level
        )
    };
    // Members: kept always; the others only when something was done.
    let mut parts = vec![if zh { format!("保留 {}", c.kept) } else { format!("kept {}", c.kept) }];
    for (n, zh_word, en_word) in [
        (c.masked, "掩码", "masked"),
        (c.generalised, "泛化", "generalised"),
        (c.pseudonymised, "假名化", "pseudonymised"),
        (c.dropped, "删除", "dropped"),
    ] {
        if n > 0 {
            parts.push(if zh { format!("{zh_word} {n}") } else { format!("{en_word} {n}") });
        }
    }
    if zh {
        text.push_str(&format!("  成员：{}\n", parts.join("，")));
    } else {
        text.push_str(&format!("  members: {}\n", parts.join(", ")));
    }
    if c.residences_unresolved > 0 {
        text.push_str(&if zh {
            format!("  无法归入社区而删除的居住信息 {}\n", c.residences_unresolved)
        } else {
            format!("  residences dropped for want of a community: {}\n", c.residences_unresolved)
        });
    }
    if c.minors > 0 {
        text.push_str(&if zh {
            format!("  按未满十四周岁处理的人员 {}\n", c.minors)
        } else {
            format!("  persons treated as under 14: {}\n", c.minors)
        });
    }
    if let Some(k) = &s.key_id {
        text.push_str(&if zh { format!("  密钥标识 {k}\n") } else { format!("  key id {k}\n") });
    }
    if s.renamed > 0 {
        text.push_str(&if zh {
            format!("  {} 个文件名中的个人号码已以 x 掩码 [SHR-030]\n", s.renamed)
        } else {
            format!("  {} file names had their personal numbers masked with x [SHR-030]\n", s.renamed)
        });
    }
    if s.unlisted_count > 0 {
        // Names from the folder may be a resident's: personal numbers masked [PRI-011], and
        // every run of characters a dataset path may not hold ([DAT-014]: a Chinese name, say)
        // shown as `…`.
        let names: Vec<String> = s.unlisted.iter().map(|n| unlisted_name(n)).collect();
        let more = s.unlisted_count - names.len();
        let list = names.join(", ");
        text.push_str(&match (zh, more) {
            (true, 0) => format!(
                "  跳过清单未列出的 {} 个文件（未读取、未写出）：{list} [SHR-033]\n",
                s.unlisted_count
            ),
            (true, m) => format!(
                "  跳过清单未列出的 {} 个文件（未读取、未写出）：{list} 等（另有 {m} 个）[SHR-033]\n",
                s.unlisted_count
            ),
            (false, 0) => format!(
                "  skipped {} file{} of the folder that the manifest does not list (not read, not written): {list} [SHR-033]\n",
                s.unlisted_count,
                if s.unlisted_count == 1 { "" } else { "s" }
            ),
            (false, m) => format!(
                "  skipped {} files of the folder that the manifest does not list (not read, not written): {list} and {m} more [SHR-033]\n",
                s.unlisted_count
            ),
        });
    }
    text
}
