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
    /// The problem list as CSV (UTF-8 with BOM; opens in Excel and WPS): every finding, one row each
    Csv,
    /// The problem list as an Excel workbook, with a summary sheet (needs -o or a pipe)
    Xlsx,
}

impl Format {
    /// Problem lists list every finding unless told otherwise; reports list examples.
    fn is_problem_list(self) -> bool {
        matches!(self, Format::Csv | Format::Xlsx)
    }
}

/// Level at which findings make the verdict FAIL and the exit code 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FailOn {
    /// Only errors fail (default)
    Error,
    /// Warnings fail too
    Warning,
    /// Every finding fails, information too
    Info,
}

impl FailOn {
    fn level(self) -> Level {
        match self {
            FailOn::Error => Level::Error,
            FailOn::Warning => Level::Warning,
            FailOn::Info => Level::Info,
        }
    }
}

/// Arguments of `linli validate`.
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Inputs: a record (.json, one object or an array), NDJSON (.ndjson, .jsonl; one record per line), \
gzip-compressed NDJSON (.gz), a dataset directory with manifest.json (or that manifest.json), or a zip, tar or \
tar.gz archive of a dataset. CSV, Excel, PDF and other files are recognised by their bytes and refused (exit 2).\n\n\
Every report format gives the same verdict: exit code, the text's last line (结论 / Result), the JSON's \
`valid`, JUnit's failures and the HTML page all follow --fail-on.\n\
Exit codes: 0 no findings at or above --fail-on; 1 such findings; 2 usage or I/O error.\n\
退出码：0 无达到 --fail-on 级别的问题；1 有此类问题；2 用法或读写错误。\n\n\
Rules for --pick/--skip: a finding code (schema-required), a requirement ID (PER-003) or either with * \
(schema-*); `linli codes --findings` lists them."
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
    /// List at most N findings in all; every rule found still gets one example (all are counted)
    /// [default: 1000; csv, xlsx: 1000000]
    #[arg(long, value_name = "N")]
    pub max_findings: Option<usize>,
    /// List at most N findings of each rule, 0 for no limit (all are counted)
    /// [default: 20; csv, xlsx: 0]
    #[arg(long, value_name = "N")]
    pub max_per_rule: Option<usize>,
    /// Check only these rules (codes, requirement IDs, `*` patterns; comma-separated or repeated)
    #[arg(long, value_name = "RULE", value_delimiter = ',')]
    pub pick: Vec<String>,
    /// Do not check these rules (codes, requirement IDs, `*` patterns)
    #[arg(long, value_name = "RULE", value_delimiter = ',')]
    pub skip: Vec<String>,
    /// The verdict is FAIL (exit code 1) when there are findings at or above this level
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
    /// Most bytes a zip or tar(.gz) archive of a dataset, or a gzip file, may hold uncompressed
    /// (default 1 GiB)
    #[arg(long, value_name = "BYTES", default_value_t = linli_validate::archive::DEFAULT_MAX_BYTES)]
    pub max_archive_bytes: u64,
    /// Memory for the dataset checks (ids, references, households, hierarchies), e.g. 512M or
    /// 2G: beyond it they spill to sorted runs in a private temporary folder (TMPDIR), removed
    /// afterwards; the findings are the same. Peak memory stays under SIZE plus a base of about
    /// 100 MiB
    #[arg(long, value_name = "SIZE")]
    pub memory_limit: Option<String>,
}

/// The smallest `--memory-limit`: below it the read buffers of the merge alone would not fit.
const MIN_MEMORY_LIMIT: u64 = 1 << 20;

/// `--memory-limit SIZE` in bytes, or a usage error in both languages `[VAL-025]`.
fn memory_limit(text: &str) -> Result<u64, CliError> {
    let shown = crate::printable(text);
    match linli_validate::spill::parse_size(text) {
        Some(n) if n >= MIN_MEMORY_LIMIT => Ok(n),
        Some(_) => Err(CliError::usage(
            format!("--memory-limit {shown} 太小：至少为 1M"),
            format!("--memory-limit {shown} is too small: the least is 1M"),
        )),
        None => Err(CliError::usage(
            format!(
                "--memory-limit 的值 `{shown}` 不是内存大小：应为整数加单位 K、M、G 或 T（按 1024 进位），例如 512M、2G"
            ),
            format!(
                "--memory-limit `{shown}` is not a memory size: give a whole number with a unit K, M, G or T (powers of 1024), e.g. 512M or 2G"
            ),
        )),
    }
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
        let table = DivisionTable::from_csv_path(path).map_err(|e| {
            let zh = match &e {
                linli_model::Error::DivisionTable { path, line, problem } => {
                    // No line (the table as a whole): the default, no words, says no place.
                    let at = line.map(|l| format!("第 {l} 行：")).unwrap_or_default();
                    format!("{path}：行政区划表无法读取：{at}{}", problem.message(true))
                }
                other => format!("行政区划表无法读取：{other}"),
            };
            CliError::usage(zh, e.to_string())
        })?;
        validator = validator.with_divisions(table);
    }
    let rules = linli_validate::report::RuleFilter::new(args.pick.clone(), args.skip.clone()).map_err(|e| {
        CliError::Usage(match lang {
            Lang::Zh => {
                format!("`{}` 不是校验器的问题代码或要求编号（--pick/--skip；见 linli codes --findings）", e.pattern)
            }
            Lang::En => format!("{e} (--pick/--skip; see linli codes --findings)"),
        })
    })?;
    if args.format == Format::Xlsx && args.output.is_none() && std::io::stdout().is_terminal() {
        return Err(CliError::Usage(match lang {
            Lang::Zh => "xlsx 是二进制文件，不能输出到终端：请用 -o 文件.xlsx".to_owned(),
            Lang::En => "xlsx is a binary file and is not written to a terminal: give -o FILE.xlsx".to_owned(),
        }));
    }
    // The report written over an input would destroy the data it reports on.
    if let Some(out) = args.output.as_deref().and_then(|o| std::fs::canonicalize(o).ok()) {
        if let Some(input) = args.paths.iter().find(|p| std::fs::canonicalize(p).is_ok_and(|p| p == out)) {
            let name = crate::printable(&input.display().to_string());
            return Err(CliError::Usage(match lang {
                Lang::Zh => format!("-o 指向输入文件 {name}：报告会覆盖它，请另选输出文件"),
                Lang::En => format!("-o names the input {name}: the report would overwrite it; choose another file"),
            }));
        }
    }
    let memory_limit = args.memory_limit.as_deref().map(memory_limit).transpose()?;
    let list_all = args.format.is_problem_list();
    let bar = progress_bar(args);
    let mut opts = Options {
        max_findings: args.max_findings.unwrap_or(if list_all { 1_000_000 } else { 1000 }),
        max_per_rule: args.max_per_rule.unwrap_or(if list_all { 0 } else { 20 }),
        rules,
        fail_on: args.fail_on.level(),
        threads: args.threads,
        max_line_bytes: args.max_line_bytes,
        dataset_checks: args.dataset,
        progress: None,
        max_archive_bytes: args.max_archive_bytes,
        memory_limit,
        ..Options::default()
    };
    if let Some(b) = bar.clone() {
        opts.progress = Some(Box::new(move |n| b.set_position(n)));
    }
    let report = validate_paths(&args.paths, &validator, &opts).map_err(|e| match e {
        linli_validate::RunError::Io { path, source } => CliError::Io { path, source },
        e @ linli_validate::RunError::Input { code, .. } => {
            CliError::Adapter { code, message: e.message(lang == Lang::Zh) }
        }
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
    let bytes: Vec<u8> = match args.format {
        Format::Text => report::render_text(&report, rlang, color).into_bytes(),
        Format::Json => {
            let mut s = report.to_json().map_err(|e| CliError::usage(e.message(true), e.to_string()))?;
            s.push('\n');
            s.into_bytes()
        }
        Format::Junit => report::render_junit(&report, rlang).into_bytes(),
        Format::Html => report::render_html(&report, rlang).into_bytes(),
        Format::Csv => {
            report::render_csv(&report, rlang).map_err(|e| CliError::usage(e.message(true), e.to_string()))?
        }
        Format::Xlsx => report::render_xlsx(&report, rlang).map_err(|e| {
            CliError::usage(format!("无法写出 xlsx 工作簿：{e}"), format!("cannot write the xlsx workbook: {e}"))
        })?,
    };
    match &args.output {
        Some(path) => std::fs::write(path, bytes).map_err(|source| CliError::Io { path: path.clone(), source })?,
        None => out.write_all(&bytes).map_err(CliError::Stdout)?,
    }
    if list_all && report.findings_omitted > 0 {
        // The problem list is not the whole story: say so where a person looks.
        eprintln!(
            "{}",
            match lang {
                Lang::Zh => format!(
                    "linli: 问题清单只列出了 {} 处，另有 {} 处未列出（用 --max-findings、--max-per-rule 调整）",
                    report.findings.len(),
                    report.findings_omitted
                ),
                Lang::En => format!(
                    "linli: the problem list holds {} findings; {} more are not listed (see --max-findings, --max-per-rule)",
                    report.findings.len(),
                    report.findings_omitted
                ),
            }
        );
    }
    // One verdict: the exit code says what every report says `[VAL-020]`.
    Ok(if report.valid { ExitCode::SUCCESS } else { ExitCode::from(1) })
}
