//! Validating inputs end to end: read in batches, check records on all cores, fold the results
//! in input order into the report and the dataset index.

mod chunks;
mod index;
mod inputs;
mod manifest;
mod read;
#[cfg(test)]
mod tests;

use crate::codes::Code;
use std::path::{Path, PathBuf};
use std::time::Instant;

use linli_model::check::Level;
use linli_model::manifest::{MANIFEST_FILE, Manifest};

use crate::dataset::{DatasetIndex, Loc};
use crate::finding::Finding;
use crate::input::{self, FileStats, InputKind, Item, RawRecord};
use crate::members::present_mask;
use crate::record::{RecordOutcome, Validator};
use crate::report::{DatasetSummary, InputSummary, Limits, Report, RuleFilter};

use self::index::{Index, Spill, spill_error};
use self::inputs::{Source, dataset, folder_file, folder_has_data, not_linli_finding, plain_file, read_error};
use self::manifest::{data_files, dataset_dir};
use self::read::{Checked, Pending, check};

/// How to run.
pub struct Options {
    /// Findings listed in the report at most (all are counted); the first finding of every rule
    /// is listed even beyond it `[VAL-021]`.
    pub max_findings: usize,
    /// Findings listed per rule at most; `0` for no limit per rule `[VAL-021]`.
    pub max_per_rule: usize,
    /// The rules checked (`--pick`, `--skip`) `[VAL-023]`.
    pub rules: RuleFilter,
    /// The level at which a finding makes the verdict FAIL (`--fail-on`) `[VAL-020]`.
    pub fail_on: Level,
    /// Worker threads; 0 = one per core.
    pub threads: usize,
    /// Longest line read, in bytes; longer lines are a finding and skipped.
    pub max_line_bytes: usize,
    /// Run the dataset-level checks over all inputs together even when none is a dataset
    /// directory.
    pub dataset_checks: bool,
    /// Called with the number of bytes read so far (for a progress bar).
    pub progress: Option<Box<dyn Fn(u64) + Sync + Send>>,
    /// Most bytes a zip or tar archive may hold uncompressed `[DAT-022]`.
    pub max_archive_bytes: u64,
    /// Memory for the dataset-level checks (`--memory-limit`): with a limit they keep their
    /// facts as sorted runs in a private temporary folder and merge them at the end, with the
    /// same findings in the same order as without `[VAL-025]` `[VAL-026]`.
    pub memory_limit: Option<u64>,
    /// Where that temporary folder is made (the system's temporary folder when `None`).
    pub spill_dir: Option<PathBuf>,
    /// What spilling did (runs written, merges), for tests and benchmarks.
    pub spill_stats: std::sync::Arc<crate::spill::SpillStats>,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            max_findings: 1000,
            max_per_rule: 20,
            rules: RuleFilter::default(),
            fail_on: Level::Error,
            threads: 0,
            max_line_bytes: 16 << 20,
            dataset_checks: false,
            progress: None,
            max_archive_bytes: crate::archive::DEFAULT_MAX_BYTES,
            memory_limit: None,
            spill_dir: None,
            spill_stats: std::sync::Arc::default(),
        }
    }
}

impl std::fmt::Debug for Options {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Options")
            .field("max_findings", &self.max_findings)
            .field("max_per_rule", &self.max_per_rule)
            .field("rules", &self.rules)
            .field("fail_on", &self.fail_on)
            .field("threads", &self.threads)
            .field("max_line_bytes", &self.max_line_bytes)
            .field("dataset_checks", &self.dataset_checks)
            .field("max_archive_bytes", &self.max_archive_bytes)
            .field("memory_limit", &self.memory_limit)
            .finish()
    }
}

/// Errors that stop a run before it can report: the input does not exist or cannot be opened.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum RunError {
    /// An input path cannot be read.
    #[error("{path}: {source}")]
    Io {
        /// The path.
        path: PathBuf,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// The worker pool could not start.
    #[error("worker threads: {0}")]
    Threads(String),
    /// A validator could not be built.
    #[error(transparent)]
    Validator(#[from] crate::Error),
    /// An input is not something the validator reads — a CSV table, a workbook, a PDF, an
    /// archive without a dataset, an empty folder — or an archive breaks a limit `[DAT-019]`
    /// `[DAT-020]` `[DAT-021]` `[DAT-022]`. The code is one of [`crate::codes::RUN_ERRORS`]; the
    /// messages name the input (personal numbers in its name masked) and say what to do.
    #[error("{label}: {en}")]
    Input {
        /// The input as named, personal numbers masked.
        label: String,
        /// Stable code.
        code: &'static str,
        /// Message in Chinese, with the hint.
        zh: String,
        /// Message in English, with the hint.
        en: String,
    },
}

impl RunError {
    /// The message in Chinese (`zh`) or English, naming the input.
    pub fn message(&self, zh: bool) -> String {
        match self {
            RunError::Input { label, zh: z, en, .. } => format!("{label}: {}", if zh { z } else { en }),
            other => other.to_string(),
        }
    }

    fn input(label: &str, code: &'static str, zh: String, en: String) -> Self {
        RunError::Input { label: linli_model::redact::redact(label).into_owned(), code, zh, en }
    }

    fn foreign(label: &str, f: crate::sniff::Foreign) -> Self {
        let (what_zh, what_en) = f.what();
        let (hint_zh, hint_en) = f.hint();
        RunError::input(
            label,
            f.code(),
            format!(
                "{}，不是 Linli 记录（NDJSON 或 JSON），未校验。{hint_zh}",
                crate::finding::zh_then("这是", what_zh)
            ),
            format!("this is {what_en}, not Linli records (NDJSON or JSON); not validated. Hint: {hint_en}"),
        )
    }
}

/// Records are handed from the reader to the checkers in batches small enough to stay in the
/// processor's cache between reading and parsing.
const BATCH_RECORDS: usize = 512;
const BATCH_BYTES: usize = 512 << 10;

struct Run<'a> {
    validator: &'a Validator,
    opts: &'a Options,
    threads: usize,
    report: Report,
    index: Option<Index>,
    /// With `--memory-limit`: the temporary folder, the findings in push order and those found
    /// at records, put back in their place when the run ends `[VAL-025]`.
    spill: Option<Spill>,
    files: Vec<String>,
    bytes_done: u64,
    /// In a dataset whose manifest declares a sharing level other than `internal`: the built-in
    /// profile of that level and the day ages are computed on (the date of the manifest's
    /// `createdAt`, `[SHR-007]`), for the leak check `[SHR-050]`.
    sharing: Option<(linli_privacy::Profile, linli_model::datetime::Date)>,
    /// In such a dataset: the names its persons and contacts still give in full, looked for in
    /// free text `[SHR-052]`.
    names: linli_privacy::leak::Names,
    /// In a dataset: where the records counted invalid are, so that a record the dataset-level
    /// checks find in error is counted invalid once.
    invalid_at: std::collections::HashSet<Loc>,
    /// The manifest-level mistakes of the file being read, reported once each with a count when
    /// the file ends `[DAT-023]`.
    repeats: Vec<Repeat>,
    /// Bytes of checked results a file's workers may hold ahead of the fold
    /// ([`chunks::IN_FLIGHT_BYTES`]; lower in tests).
    in_flight_cap: u64,
    /// What that bound saw, over all files.
    flow: chunks::FlowStats,
}

/// One manifest- or file-level mistake seen in records of a file: the first finding, its line,
/// and how many records show it `[DAT-023]`.
struct Repeat {
    what: Repeated,
    first: Finding,
    line: u64,
    count: u64,
}

/// The mistakes collapsed `[DAT-023]`.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Repeated {
    /// The manifest declares the file as `want`, its records are `got` (`manifest-record-type`).
    RecordType { want: linli_model::RecordType, got: linli_model::RecordType },
    /// Lines that are not UTF-8: a file in another encoding (`invalid-utf8`).
    Encoding,
}

impl Run<'_> {
    /// Note one more record showing `what`; `first` makes the finding when it is the first.
    fn repeat(&mut self, what: Repeated, line: u64, first: impl FnOnce() -> Finding) {
        match self.repeats.iter_mut().find(|r| r.what == what) {
            Some(r) => r.count += 1,
            None => self.repeats.push(Repeat { what, first: first(), line, count: 1 }),
        }
    }

    /// The findings of the repeats of the file that ended, one each with its count.
    fn flush_repeats(&mut self, label: &str) {
        for r in std::mem::take(&mut self.repeats) {
            let (n, line) = (r.count, r.line);
            let mut f = r.first;
            match r.what {
                Repeated::RecordType { want, got } => {
                    f.message_zh = format!(
                        "清单声明此文件为 {want}，但其中 {n} 条记录的类型为 {got}（第一条在第 {line} 行）：清单的 recordType 或文件有误"
                    );
                    f.message_en = format!(
                        "the manifest declares this file as {want}, but {n} record(s) of this file are {got} records (the first at line {line}): the manifest's recordType or the file is wrong"
                    );
                }
                // One bad line keeps its own message (where in the line).
                Repeated::Encoding if n == 1 => {}
                Repeated::Encoding => {
                    f.message_zh = format!(
                        "{n} 行不是有效的 UTF-8（第一处在第 {line} 行）：文件可能是 GBK、GB18030 等其他编码，请另存为 UTF-8"
                    );
                    f.message_en = format!(
                        "{n} lines are not valid UTF-8 (the first at line {line}): the file is probably in another encoding such as GBK or GB18030; save it as UTF-8"
                    );
                }
            }
            self.push(f, label, Some(line));
        }
    }
}

impl Run<'_> {
    fn file_id(&mut self, label: &str) -> u32 {
        self.files.push(label.to_owned());
        u32::try_from(self.files.len() - 1).unwrap_or(u32::MAX)
    }

    fn push(&mut self, mut f: Finding, file: &str, line: Option<u64>) {
        f.file = Some(file.to_owned());
        if f.line.is_none() {
            f.line = line;
        }
        self.emit(f);
    }

    /// Into the report, or into the log when spilling.
    fn emit(&mut self, f: Finding) {
        match self.spill.as_mut() {
            Some(s) => {
                if let Err(e) = s.log.push(&f) {
                    s.fail(e);
                }
            }
            None => self.report.push(f),
        }
    }
}

fn now_rfc3339() -> String {
    linli_model::support::clock::now_utc().to_string()
}

/// Validate `inputs` (files and dataset directories) and return the report.
pub fn validate_paths(inputs: &[PathBuf], validator: &Validator, opts: &Options) -> Result<Report, RunError> {
    validate_bounded(inputs, validator, opts, chunks::IN_FLIGHT_BYTES).map(|(report, _)| report)
}

/// [`validate_paths`] with `cap` bytes of checked results in flight between a file's workers
/// and the fold, and what that bound saw.
fn validate_bounded(
    inputs: &[PathBuf],
    validator: &Validator,
    opts: &Options,
    cap: u64,
) -> Result<(Report, chunks::FlowStats), RunError> {
    let started = Instant::now();
    let threads =
        if opts.threads == 0 { std::thread::available_parallelism().map_or(1, |n| n.get()) } else { opts.threads };
    let mut run = Run {
        validator,
        opts,
        threads,
        report: Report::new(now_rfc3339()),
        index: None,
        spill: match opts.memory_limit {
            Some(limit) => Some(Spill::new(opts, limit).map_err(|e| spill_error(&e))?),
            None => None,
        },
        files: Vec::new(),
        bytes_done: 0,
        sharing: None,
        names: linli_privacy::leak::Names::default(),
        invalid_at: std::collections::HashSet::new(),
        repeats: Vec::new(),
        in_flight_cap: cap,
        flow: chunks::FlowStats::default(),
    };
    if opts.dataset_checks {
        run.index = Some(run.new_index());
    }
    run.report.dataset_checks = opts.dataset_checks;
    run.report.limits = Limits { max_findings: opts.max_findings as u64, max_per_rule: opts.max_per_rule as u64 };
    run.report.rule_filter = opts.rules.clone();
    run.report.fail_on = opts.fail_on;
    for path in inputs {
        let meta = std::fs::metadata(path).map_err(|source| RunError::Io { path: path.clone(), source })?;
        let label = path.display().to_string();
        // A FIFO, a socket or a device (`/dev/zero`, `<(zcat …)`) cannot be looked at and read
        // again, and may never end: refused by its kind, as in a folder [DAT-019].
        if !meta.is_file() && !meta.is_dir() {
            return Err(RunError::input(
                &label,
                "input-not-file",
                "既不是普通文件也不是文件夹（命名管道、设备等），未校验：请先把数据保存为文件".into(),
                "neither a regular file nor a folder (a FIFO, a device or the like); not validated: save the data to a file first".into(),
            ));
        }
        // A bare `manifest.json`: its folder is the dataset, labelled as when the folder is
        // given [DAT-020].
        if meta.is_file() && path.file_name().is_some_and(|n| n == MANIFEST_FILE) {
            let dir = match path.parent() {
                Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
                _ => PathBuf::from("."),
            };
            let label = dir.display().to_string();
            dataset(&mut run, &dir, &label, Vec::new())?;
            continue;
        }
        if meta.is_dir() {
            let has_manifest = std::fs::symlink_metadata(path.join(MANIFEST_FILE)).is_ok();
            if !has_manifest {
                folder_has_data(path, &label)?;
            }
            if has_manifest || opts.dataset_checks {
                dataset(&mut run, path, &label, Vec::new())?;
            } else {
                // A folder of record files: each file on its own.
                let mut f = Finding::new(
                    Code::ManifestMissing,
                    Level::Info,
                    Some("DAT-010"),
                    "目录中没有 manifest.json：逐个文件校验，不作为数据集（需要时用 --dataset）",
                    "no manifest.json in the folder: its files are checked one by one, not as a dataset (use --dataset for that)",
                );
                f.file = Some(format!("{label}/{MANIFEST_FILE}"));
                run.emit(f);
                for rel in data_files(path) {
                    let p = path.join(&rel);
                    folder_file(&mut run, &p, &format!("{label}/{rel}"))?;
                }
            }
            continue;
        }
        plain_file(&mut run, path, Source::Named(path), &label, true)?;
    }
    run.finish_index();
    if let Some(spill) = run.spill.take() {
        spill.replay(&mut run.report).map_err(|e| spill_error(&e))?;
    }
    let flow = run.flow;
    let mut report = run.report;
    report.finalize();
    report.duration_ms = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
    Ok((report, flow))
}
