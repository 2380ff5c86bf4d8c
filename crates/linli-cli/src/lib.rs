//! The `linli` command line, as a library so that it can be tested.
//!
//! Exit codes: `0` success, `1` the command ran and found a difference or problem (e.g.
//! `linli schema --check` found drift), `2` usage or I/O error.

use std::ffi::OsString;
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

mod codes_cmd;
mod conformance_cmd;
mod convert_cmd;
mod docs_cmd;
mod generate_cmd;
mod manifest_cmd;
mod mask_cmd;
mod register_cmd;
mod schema_cmd;
mod serve_cmd;
mod statement_cmd;
mod validate_cmd;

/// Errors of the command line.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CliError {
    /// Reading or writing a file failed.
    #[error("{path}: {source}")]
    Io {
        /// The file or folder.
        path: PathBuf,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
    /// Writing to standard output failed.
    #[error("standard output: {0}")]
    Stdout(#[source] std::io::Error),
    /// A usage error whose text is already in the run's language, or has no words to translate.
    /// Prefer [`CliError::usage`], which carries both languages.
    #[error("{0}")]
    Usage(String),
    /// A usage error (an argument names something that does not exist, options that do not go
    /// together, an input that does not read) in both languages; [`run`] keeps the run's language
    /// `[CON-055]`. Made by [`CliError::usage`].
    #[error("{en}")]
    UsageIn {
        /// The message in Chinese.
        zh: String,
        /// The message in English.
        en: String,
    },
    /// A usage error with a stable code of its own (`adapter-empty`, `suite-not-found`), in both
    /// languages; [`run`] keeps the run's language `[CON-055]`.
    #[error("{en}")]
    Coded {
        /// Stable code, never translated.
        code: &'static str,
        /// The message in Chinese.
        zh: String,
        /// The message in English.
        en: String,
    },
    /// An error already put into the run's language by [`run`] (an I/O error, say): its stable
    /// code and the message.
    #[error("{message}")]
    Said {
        /// Stable code (`io`, `stdout`).
        code: &'static str,
        /// The message in the run's language.
        message: String,
    },
    /// `linli mask` failed: the privacy crate's own stable code and its message in the chosen
    /// language.
    #[error("{message}")]
    Privacy {
        /// Stable code (`profile-invalid`, `key-missing`, `input-invalid`, ...).
        code: &'static str,
        /// The message, in zh-CN or English.
        message: String,
    },
    /// `linli convert` could not read its input or mapping at all: the adapters' own stable code
    /// (`adapter-input`) and the message in the chosen language.
    #[error("{message}")]
    Adapter {
        /// Stable code.
        code: &'static str,
        /// The message, in zh-CN or English.
        message: String,
    },
    /// A value could not be written as JSON (a map whose keys are not strings, a number JSON
    /// cannot hold): reported, never an empty line or document in its place.
    #[error("cannot write JSON: {0}")]
    Serialize(#[source] serde_json::Error),
    /// `linli conformance` could not read a key, a statement or a file to check it against: the
    /// conformance crate's own stable code (`key-invalid`, `input-unreadable`) and the message.
    #[error("{message}")]
    Conformance {
        /// Stable code.
        code: &'static str,
        /// The message, in zh-CN or English.
        message: String,
    },
}

impl CliError {
    /// Stable code of the error, for scripts.
    pub fn code(&self) -> &'static str {
        match self {
            CliError::Io { .. } => "io",
            CliError::Stdout(_) => "stdout",
            CliError::Serialize(_) => "serialize",
            CliError::Usage(_) | CliError::UsageIn { .. } => "usage",
            CliError::Privacy { code, .. }
            | CliError::Adapter { code, .. }
            | CliError::Conformance { code, .. }
            | CliError::Coded { code, .. }
            | CliError::Said { code, .. } => code,
        }
    }

    /// A usage error in Chinese and English `[CON-055]`.
    pub fn usage(zh: impl Into<String>, en: impl Into<String>) -> CliError {
        CliError::UsageIn { zh: zh.into(), en: en.into() }
    }

    /// The error in `lang` `[CON-055]`: a usage error keeps the message of that language; an I/O
    /// error says in that language what went wrong, by its kind ([`io_message`]), keeping the
    /// system's error number for support. Other errors are already in the run's language.
    pub fn in_lang(self, lang: Lang) -> CliError {
        let zh = lang == Lang::Zh;
        match self {
            CliError::UsageIn { zh: z, en } => CliError::Usage(if zh { z } else { en }),
            CliError::Coded { code, zh: z, en } => CliError::Said { code, message: if zh { z } else { en } },
            CliError::Io { path, source } => {
                CliError::Said { code: "io", message: format!("{}{}", path.display(), io_message(&source, zh)) }
            }
            // A reader that stopped reading is no error to put into words (see `main_with_args`).
            CliError::Stdout(e) if e.kind() != std::io::ErrorKind::BrokenPipe => CliError::Said {
                code: "stdout",
                message: format!("{}{}", if zh { "标准输出" } else { "standard output" }, io_message(&e, zh)),
            },
            CliError::Serialize(e) if zh => {
                CliError::Said { code: "serialize", message: format!("无法写为 JSON：{e}") }
            }
            other => other,
        }
    }
}

/// `value` as one line of JSON; a failure is an error ([`CliError::Serialize`]), never an empty
/// line.
pub(crate) fn to_json<T: serde::Serialize + ?Sized>(value: &T) -> Result<String, CliError> {
    serde_json::to_string(value).map_err(CliError::Serialize)
}

/// `value` as indented JSON; a failure is an error ([`CliError::Serialize`]), never an empty
/// document.
pub(crate) fn to_json_pretty<T: serde::Serialize + ?Sized>(value: &T) -> Result<String, CliError> {
    serde_json::to_string_pretty(value).map_err(CliError::Serialize)
}

/// A model error (an option's value that breaks its type) in Chinese: what is wrong and what is
/// expected; the English is its `Display`.
pub(crate) fn model_error_zh(e: &linli_model::Error) -> String {
    use linli_model::Error as E;
    match e {
        E::InvalidText { value, reason, .. } => {
            let why = if let Some(n) = reason.strip_prefix("shorter than ").and_then(|r| r.strip_suffix(" characters"))
            {
                format!("少于 {n} 个字符")
            } else if let Some(n) = reason.strip_prefix("longer than ").and_then(|r| r.strip_suffix(" characters")) {
                format!("多于 {n} 个字符")
            } else if let Some(p) = reason.strip_prefix("does not match pattern ") {
                format!("不符合格式 {p}")
            } else {
                reason.clone()
            };
            format!("文本 `{value}` 不合要求：{why}")
        }
        E::InvalidTime { value, reason } => format!("时间 `{value}` 无效：{}", reason.message_zh()),
        E::UnknownCode { table, code } => format!("代码表 `{table}` 中没有代码 `{code}`"),
        other => other.to_string(),
    }
}

/// Where and why JSON did not read, in Chinese (`第 1 行第 691 列：JSON 不完整（被截断）`),
/// serde's own English words kept after it for the detail; the English is serde's text.
pub(crate) fn json_error_zh(e: &serde_json::Error) -> String {
    use serde_json::error::Category;
    let what = match e.classify() {
        Category::Io => "读取失败",
        Category::Syntax => "JSON 语法错误",
        Category::Data => "内容与要求的结构不符",
        Category::Eof => "JSON 不完整（被截断）",
    };
    format!("第 {} 行第 {} 列：{what}（{e}）", e.line(), e.column())
}

/// What an I/O error says, in Chinese (`zh`) or English, starting with its separator: see
/// [`linli_model::io_text::describe`] `[CON-055]`.
pub fn io_message(e: &std::io::Error, zh: bool) -> String {
    linli_model::io_text::describe(e, zh)
}

/// Language of messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Lang {
    /// 简体中文
    Zh,
    /// English
    En,
}

impl Lang {
    /// The language from `LC_ALL`, `LC_MESSAGES` or `LANG`: Chinese when it starts with `zh`.
    pub fn from_env() -> Lang {
        for var in ["LC_ALL", "LC_MESSAGES", "LANG"] {
            if let Ok(v) = std::env::var(var) {
                if !v.is_empty() {
                    return if v.to_ascii_lowercase().starts_with("zh") { Lang::Zh } else { Lang::En };
                }
            }
        }
        Lang::En
    }
}

/// Linli (邻里): data-exchange standard for smart communities.
#[derive(Debug, Parser)]
#[command(name = "linli", version, about, long_about = None)]
pub struct Cli {
    /// Language of messages (default: from LANG / LC_ALL)
    #[arg(long, global = true, value_enum)]
    pub lang: Option<Lang>,
    /// What to do
    #[command(subcommand)]
    pub command: Command,
}

/// Subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Print or write the JSON Schemas generated from the canonical types.
    Schema(schema_cmd::SchemaArgs),
    /// List the code tables (codes never translated; labels in zh-CN and English).
    Codes(codes_cmd::CodesArgs),
    /// Write or check the generated chapters of spec/ (code tables, finding codes).
    Docs(docs_cmd::DocsArgs),
    /// Validate records, NDJSON files and dataset directories against the standard.
    Validate(validate_cmd::ValidateArgs),
    /// Write the manifest.json of a dataset directory (file list, record types, counts, SHA-256).
    Manifest(manifest_cmd::ManifestArgs),
    /// Generate a synthetic community dataset, optionally with seeded defects of known kinds.
    Generate(generate_cmd::GenerateArgs),
    /// Run the conformance suite against a vendor's adapter or an exported dataset.
    Conformance(conformance_cmd::ConformanceArgs),
    /// Convert between Linli and what vendors speak (GeoJSON, CloudEvents, ...), with a loss report.
    Convert(convert_cmd::ConvertArgs),
    /// Apply a sharing profile (mask, generalise, pseudonymise, drop) to records or a dataset.
    Mask(mask_cmd::MaskArgs),
    /// Run the exchange node: records in and out over HTTP, a change feed, reads masked to each caller's level.
    Serve(serve_cmd::ServeArgs),
    /// Add, list or remove the callers (vendors, departments) of a node's principals file.
    Principal(serve_cmd::PrincipalArgs),
    /// Print the audit log of a node (who read which records, when, for what purpose).
    Audit(serve_cmd::AuditArgs),
    /// Mirror a node into a dataset folder, fetching only the changes since the last run.
    Sync(serve_cmd::SyncArgs),
}

/// Run the command line with `args` (the first is the program name), writing to `out`.
///
/// An error comes back in the run's language (`--lang`, else `LC_ALL` / `LC_MESSAGES` / `LANG`)
/// `[CON-055]`: its `Display` is the message to print after `error[code]: `.
pub fn run(args: impl IntoIterator<Item = OsString>, out: &mut dyn Write) -> Result<ExitCode, CliError> {
    let args: Vec<OsString> = args.into_iter().collect();
    let cli = match Cli::try_parse_from(&args) {
        Ok(c) => c,
        Err(e) => {
            let code = if e.use_stderr() { 2 } else { 0 };
            let text = e.render().to_string();
            if code == 0 {
                out.write_all(text.as_bytes()).map_err(CliError::Stdout)?;
            } else {
                // clap speaks English only: under Chinese, a line in Chinese first, with the
                // stable code, then clap's own text (its usage line and hints).
                if lang_of_args(&args) == Lang::Zh {
                    eprintln!("linli: error[usage]: {}", printable(&clap_zh(&e)));
                }
                eprint!("{text}");
            }
            return Ok(ExitCode::from(code));
        }
    };
    let lang = cli.lang.unwrap_or_else(Lang::from_env);
    dispatch(cli.command, lang, out).map_err(|e| e.in_lang(lang))
}

/// The language of a command line clap could not read: the last `--lang zh|en` (`--lang=zh`)
/// among the arguments, else the environment's.
pub fn lang_of_args(args: &[OsString]) -> Lang {
    let mut lang = None;
    let mut it = args.iter().skip(1).map(|a| a.to_str().unwrap_or(""));
    while let Some(a) = it.next() {
        if a == "--" {
            break;
        }
        let v = if a == "--lang" { it.next() } else { a.strip_prefix("--lang=") };
        match v {
            Some("zh") => lang = Some(Lang::Zh),
            Some("en") => lang = Some(Lang::En),
            _ => {}
        }
    }
    lang.unwrap_or_else(Lang::from_env)
}

/// One line in Chinese saying what clap found wrong with the command line (clap has no Chinese
/// messages): the common kinds by name, with the argument and value concerned.
fn clap_zh(e: &clap::Error) -> String {
    use clap::error::{ContextKind, ContextValue, ErrorKind as K};
    let ctx = |k: ContextKind| -> String {
        match e.get(k) {
            Some(ContextValue::String(s)) => s.clone(),
            Some(ContextValue::Strings(v)) => v.join("、"),
            Some(ContextValue::StyledStr(s)) => s.to_string(),
            Some(ContextValue::StyledStrs(v)) => v.iter().map(ToString::to_string).collect::<Vec<_>>().join("、"),
            Some(ContextValue::Number(n)) => n.to_string(),
            _ => String::new(),
        }
    };
    let arg = ctx(ContextKind::InvalidArg);
    let with_arg = |s: &str| if arg.is_empty() { s.to_owned() } else { format!("{s}：{arg}") };
    let mut line = match e.kind() {
        K::MissingRequiredArgument => with_arg("缺少必需的参数"),
        K::UnknownArgument => with_arg("未知的选项或参数"),
        K::InvalidSubcommand => format!("未知的子命令：{}", ctx(ContextKind::InvalidSubcommand)),
        K::MissingSubcommand | K::DisplayHelpOnMissingArgumentOrSubcommand => "缺少子命令".to_owned(),
        K::InvalidValue | K::ValueValidation => {
            let value = ctx(ContextKind::InvalidValue);
            let mut s = format!("参数 {arg} 的值 `{value}` 无效");
            let valid = ctx(ContextKind::ValidValue);
            if !valid.is_empty() {
                s.push_str(&format!("；可选值：{valid}"));
            }
            s
        }
        K::ArgumentConflict => format!("参数 {arg} 不能与 {} 同时使用", ctx(ContextKind::PriorArg)),
        K::TooManyValues | K::TooFewValues | K::WrongNumberOfValues => with_arg("参数的值的个数不对"),
        K::NoEquals => with_arg("参数的值须用 `=` 给出"),
        K::InvalidUtf8 => "参数不是有效的 UTF-8 文本".to_owned(),
        _ => "命令行有误".to_owned(),
    };
    let suggested = ctx(ContextKind::SuggestedArg);
    if !suggested.is_empty() {
        line.push_str(&format!("（是否想用 {suggested}？）"));
    }
    let suggested = ctx(ContextKind::SuggestedSubcommand);
    if !suggested.is_empty() {
        line.push_str(&format!("（是否想用 {suggested}？）"));
    }
    line.push_str("；以下为英文说明");
    line
}

fn dispatch(command: Command, lang: Lang, out: &mut dyn Write) -> Result<ExitCode, CliError> {
    match command {
        Command::Schema(a) => schema_cmd::run(&a, lang, out),
        Command::Codes(a) => codes_cmd::run(&a, lang, out),
        Command::Docs(a) => docs_cmd::run(&a, lang, out),
        Command::Validate(a) => validate_cmd::run(&a, lang, out),
        Command::Manifest(a) => manifest_cmd::run(&a, lang, out),
        Command::Generate(a) => generate_cmd::run(&a, lang, out),
        Command::Conformance(a) => conformance_cmd::run_conformance(&a, lang, out),
        Command::Convert(a) => convert_cmd::run(&a, lang, out),
        Command::Mask(a) => mask_cmd::run(&a, lang, out),
        Command::Serve(a) => serve_cmd::serve(&a, lang, out),
        Command::Audit(a) => serve_cmd::audit(&a, lang, out),
        Command::Principal(a) => serve_cmd::principal(&a, lang, out),
        Command::Sync(a) => serve_cmd::sync(&a, lang, out),
    }
}

/// A progress bar over `total` bytes, on standard error.
pub(crate) fn bytes_bar(total: u64) -> indicatif::ProgressBar {
    let bar = indicatif::ProgressBar::new(total);
    if let Ok(style) =
        indicatif::ProgressStyle::with_template("{spinner} {bytes}/{total_bytes} {bytes_per_sec} {wide_bar} {eta}")
    {
        bar.set_style(style);
    }
    bar
}

/// Text that came from outside (an adapter's answer, a statement not yet verified, an error that
/// quotes an input) made safe to print: personal numbers masked `[PRI-011]` and control characters
/// (escape sequences, carriage returns, bell) written as `\u{..}` escapes instead of being obeyed
/// `[CON-072]` — [`linli_model::redact::for_output`].
pub(crate) fn printable(text: &str) -> String {
    linli_model::redact::for_output(text).into_owned()
}

/// Entry point used by `main`: runs, prints errors to stderr, maps them to exit code 2.
pub fn main_with_args(args: impl IntoIterator<Item = OsString>) -> ExitCode {
    // Interrupted (Ctrl-C, SIGTERM, SIGHUP — ctrlc's `termination` feature): archives being
    // validated were extracted to private folders that would outlive the process; they are
    // removed, then the shell's 128 + SIGINT [DAT-022]. A second installation (the library run
    // twice in one process) is refused and not needed. A conformance run's adapter, in a process
    // group of its own that the terminal's Ctrl-C does not reach, is killed with its group, then
    // the work folder, which holds the records sent to it, is removed [CNF-067].
    let _ = ctrlc::set_handler(|| {
        linli_validate::archive::remove_extracted();
        linli_conformance::runner::kill_adapters();
        linli_conformance::runner::remove_work_dirs();
        std::process::exit(130);
    });
    let stdout = std::io::stdout();
    let mut lock = stdout.lock();
    match run(args, &mut lock) {
        Ok(code) => code,
        // A reader that stopped reading (`linli conformance list | head`): no message, but not a
        // success either — what was to be said was not said (the shell's 128 + SIGPIPE).
        Err(CliError::Stdout(e)) if e.kind() == std::io::ErrorKind::BrokenPipe => ExitCode::from(141),
        Err(e) => {
            let _ = lock.flush();
            eprintln!("linli: error[{}]: {}", e.code(), printable(&e.to_string()));
            ExitCode::from(2)
        }
    }
}
