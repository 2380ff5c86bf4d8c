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
    let opts = linli_privacy::Options { profile: &profile, key: key.as_ref(), created_at: None, tool };
    let s = linli_privacy::mask_path(input, output, &opts).map_err(|e| fail(&e, lang))?;
    let c = &s.counts;
    let key_text = s.key_id.as_deref().unwrap_or("-");
    // The profile's name comes from its file, the output's from the command line: printed as
    // every text from outside is [PRI-011] [CON-072].
    let profile_name = crate::printable(&s.profile);
    let output_name = crate::printable(&output.display().to_string());
    let msg = if zh {
        format!(
            "已按共享配置 `{}`（共享级别 {}）处理 {} 条记录，写入 {}（{} 个文件）\n  保留 {}，掩码 {}，泛化 {}，假名化 {}，删除 {}；无法归入社区而删除的居住信息 {}；按未满十四周岁处理的人员 {}\n  密钥标识 {}\n",
            profile_name,
            s.sharing_level,
            c.records,
            output_name,
            s.files,
            c.kept,
            c.masked,
            c.generalised,
            c.pseudonymised,
            c.dropped,
            c.residences_unresolved,
            c.minors,
            key_text
        )
    } else {
        format!(
            "masked {} records with profile `{}` (sharing level {}) into {} ({} files)\n  kept {}, masked {}, generalised {}, pseudonymised {}, dropped {}; residences dropped for want of a community {}; persons treated as under 14 {}\n  key id {}\n",
            c.records,
            profile_name,
            s.sharing_level,
            output_name,
            s.files,
            c.kept,
            c.masked,
            c.generalised,
            c.pseudonymised,
            c.dropped,
            c.residences_unresolved,
            c.minors,
            key_text
        )
    };
    out.write_all(msg.as_bytes()).map_err(CliError::Stdout)?;
    Ok(ExitCode::SUCCESS)
}
