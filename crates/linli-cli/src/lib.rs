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
    /// An argument names something that does not exist.
    #[error("{0}")]
    Usage(String),
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
            CliError::Usage(_) => "usage",
            CliError::Privacy { code, .. } | CliError::Adapter { code, .. } | CliError::Conformance { code, .. } => {
                code
            }
        }
    }
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
    /// The bundled reference vendor adapter (speaks the harness protocol on stdin/stdout).
    #[command(hide = true)]
    ReferenceAdapter(conformance_cmd::AdapterArgs),
}

/// Run the command line with `args` (the first is the program name), writing to `out`.
pub fn run(args: impl IntoIterator<Item = OsString>, out: &mut dyn Write) -> Result<ExitCode, CliError> {
    let cli = match Cli::try_parse_from(args) {
        Ok(c) => c,
        Err(e) => {
            let code = if e.use_stderr() { 2 } else { 0 };
            let text = e.render().to_string();
            if code == 0 {
                out.write_all(text.as_bytes()).map_err(CliError::Stdout)?;
            } else {
                eprint!("{text}");
            }
            return Ok(ExitCode::from(code));
        }
    };
    let lang = cli.lang.unwrap_or_else(Lang::from_env);
    match cli.command {
        Command::Schema(a) => schema_cmd::run(&a, lang, out),
        Command::Codes(a) => codes_cmd::run(&a, lang, out),
        Command::Docs(a) => docs_cmd::run(&a, lang, out),
        Command::Validate(a) => validate_cmd::run(&a, lang, out),
        Command::Manifest(a) => manifest_cmd::run(&a, lang, out),
        Command::Generate(a) => generate_cmd::run(&a, lang, out),
        Command::Conformance(a) => conformance_cmd::run_conformance(&a, lang, out),
        Command::Convert(a) => convert_cmd::run(&a, lang, out),
        Command::Mask(a) => mask_cmd::run(&a, lang, out),
        Command::ReferenceAdapter(a) => conformance_cmd::run_adapter(&a),
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
