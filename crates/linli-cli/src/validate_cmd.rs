//! `linli validate`: records, NDJSON files and dataset directories.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::ValueEnum;
use linli_model::check::{DivisionTable, Level};
use linli_validate::report::{self, Lang as ReportLang};
use linli_validate::{Options, Validator, validate_paths};

use crate::{CliError, Lang};

/// Output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Human-readable text (coloured on a terminal)
    Text,
    /// The full report as JSON (schema: schemas/reports/validation-report.schema.json)
    Json,
    /// JUnit XML, for CI systems
    Junit,
    /// One self-contained HTML page
    Html,
}

/// Level at which findings make the exit code 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FailOn {
    /// Only errors fail (default)
    Error,
    /// Warnings fail too
    Warning,
}

/// Arguments of `linli validate`.
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Inputs: a record (.json, one object or an array), NDJSON (.ndjson, .jsonl; one record per line), \
gzip-compressed NDJSON (.gz), or a dataset directory with manifest.json.\n\n\
Exit codes: 0 no findings at or above --fail-on; 1 such findings; 2 usage or I/O error.\n\
退出码：0 无达到 --fail-on 级别的问题；1 有此类问题；2 用法或读写错误。"
)]
pub struct ValidateArgs {
    /// Files or dataset directories to validate
    #[arg(value_name = "PATH", required = true)]
    pub paths: Vec<PathBuf>,
    /// Output format
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
    /// Write the report to FILE instead of standard output
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// List at most N findings (all are counted)
    #[arg(long, value_name = "N", default_value_t = 1000)]
    pub max_findings: usize,
    /// Exit with 1 when there are findings at or above this level
    #[arg(long, value_enum, default_value_t = FailOn::Error)]
    pub fail_on: FailOn,
    /// Worker threads (0: one per core)
    #[arg(long, value_name = "N", default_value_t = 0)]
    pub threads: usize,
    /// Check references, duplicates and households across all inputs, as one dataset
    /// (always on for dataset directories)
    #[arg(long)]
    pub dataset: bool,
    /// A full division-code table (CSV with `code` and `name` columns); unknown codes are reported
    #[arg(long, value_name = "CSV")]
    pub divisions: Option<PathBuf>,
    /// Longest line read, in bytes; longer lines are reported and skipped
    #[arg(long, value_name = "BYTES", default_value_t = 16 << 20)]
    pub max_line_bytes: usize,
    /// Never show a progress bar
    #[arg(long)]
    pub no_progress: bool,
}

fn progress_bar(args: &ValidateArgs) -> Option<indicatif::ProgressBar> {
    if args.no_progress || !std::io::stderr().is_terminal() {
        return None;
    }
    let total: u64 = args
        .paths
        .iter()
        .map(|p| if p.is_dir() { dir_size(p) } else { std::fs::metadata(p).map(|m| m.len()).unwrap_or(0) })
        .sum();
    if total < (32 << 20) {
        return None;
    }
    Some(crate::bytes_bar(total))
}

fn dir_size(p: &std::path::Path) -> u64 {
    std::fs::read_dir(p)
        .map(|rd| rd.flatten().filter_map(|e| e.metadata().ok()).filter(|m| m.is_file()).map(|m| m.len()).sum())
        .unwrap_or(0)
}

/// Run `linli validate`.
pub(crate) fn run(args: &ValidateArgs, lang: Lang, out: &mut dyn Write) -> Result<ExitCode, CliError> {
    let mut validator = Validator::new()
        .map_err(|e| CliError::usage(format!("无法建立校验器：{e}"), format!("cannot build the validator: {e}")))?;
    if let Some(path) = &args.divisions {
        // A table that cannot be opened is an I/O error, said by its kind [CON-055].
        std::fs::File::open(path).map_err(|source| CliError::Io { path: path.clone(), source })?;
        let table = DivisionTable::from_csv_path(path).map_err(|e| match e {
            linli_model::Error::DivisionTable { path, message } => CliError::usage(
                format!("{path}：行政区划表无法读取：{message}"),
                format!("division table {path}: {message}"),
            ),
            other => CliError::usage(format!("行政区划表无法读取：{other}"), other.to_string()),
        })?;
        validator = validator.with_divisions(table);
    }
    let bar = progress_bar(args);
    let mut opts = Options {
        max_findings: args.max_findings,
        threads: args.threads,
        max_line_bytes: args.max_line_bytes,
        dataset_checks: args.dataset,
        progress: None,
    };
    if let Some(b) = bar.clone() {
        opts.progress = Some(Box::new(move |n| b.set_position(n)));
    }
    let report = validate_paths(&args.paths, &validator, &opts).map_err(|e| match e {
        linli_validate::RunError::Io { path, source } => CliError::Io { path, source },
        other => CliError::usage(format!("无法校验：{other}"), other.to_string()),
    })?;
    if let Some(b) = bar {
        b.finish_and_clear();
    }
    let rlang = match lang {
        Lang::Zh => ReportLang::Zh,
        Lang::En => ReportLang::En,
    };
    let color = args.output.is_none() && std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none();
    let text = match args.format {
        Format::Text => report::render_text(&report, rlang, color),
        Format::Json => {
            let mut s = report.to_json();
            s.push('\n');
            s
        }
        Format::Junit => report::render_junit(&report, rlang),
        Format::Html => report::render_html(&report, rlang),
    };
    match &args.output {
        Some(path) => std::fs::write(path, text).map_err(|source| CliError::Io { path: path.clone(), source })?,
        None => out.write_all(text.as_bytes()).map_err(CliError::Stdout)?,
    }
    let failing = match args.fail_on {
        FailOn::Error => report.errors > 0,
        FailOn::Warning => report.errors > 0 || report.warnings > 0,
    };
    let _ = Level::Error;
    Ok(if failing { ExitCode::from(1) } else { ExitCode::SUCCESS })
}
