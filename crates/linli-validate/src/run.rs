//! Validating inputs end to end: read in batches, check records on all cores, fold the results
//! in input order into the report and the dataset index.

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

enum Pending {
    Record(RawRecord),
    Finding(Finding),
}

/// The dataset index: in memory, or spilling to disk within a memory limit.
enum Index {
    Memory(Box<DatasetIndex>),
    Spill(Box<crate::spill::SpillIndex>),
}

impl Index {
    fn declare_external(&mut self, ty: linli_model::RecordType, id: Option<&str>) {
        match self {
            Index::Memory(i) => i.declare_external(ty, id),
            Index::Spill(i) => i.declare_external(ty, id),
        }
    }

    fn require_community_residences(&mut self) {
        match self {
            Index::Memory(i) => i.require_community_residences(),
            Index::Spill(i) => i.require_community_residences(),
        }
    }
}

/// A run within a memory limit: every finding goes to a log on disk, and those the dataset
/// index finds at a record (a repeated id, a person entered twice) to a sorter keyed by where
/// they belong in that log; the report is filled from both at the end, in the order the
/// in-memory run fills it `[VAL-025]`.
struct Spill {
    shared: std::sync::Arc<crate::spill::Shared>,
    budget: usize,
    log: crate::spill::FindingLog,
    at_records: crate::spill::Sorter,
    /// The places of the records counted invalid (`Run::invalid_at` of a run in memory).
    invalid: crate::spill::LocFile,
    error: Option<std::io::Error>,
}

impl Spill {
    fn new(opts: &Options, limit: u64) -> std::io::Result<Self> {
        let shared = crate::spill::Shared::new(opts.spill_dir.as_deref(), opts.spill_stats.clone())?;
        let budget = usize::try_from(limit).unwrap_or(usize::MAX);
        Ok(Spill {
            log: crate::spill::FindingLog::new(&shared)?,
            at_records: crate::spill::Sorter::new(shared.clone(), budget / 8),
            invalid: crate::spill::LocFile::new(&shared)?,
            shared,
            budget,
            error: None,
        })
    }

    fn fail(&mut self, e: std::io::Error) {
        self.error.get_or_insert(e);
    }

    /// Fill the report: the logged findings in order, each record's findings from the dataset
    /// index right after its own.
    fn replay(mut self, report: &mut Report) -> std::io::Result<()> {
        if let Some(e) = self.error.take() {
            return Err(e);
        }
        let mut at_records = self.at_records.finish()?;
        let mut log = self.log.read()?;
        let mut next = at_records.next_rec()?;
        let mut position = 0u64;
        loop {
            let f = self.log.next(&mut log)?;
            while let Some(rec) = &next {
                let slot = crate::spill::Dec(rec).u64();
                if f.is_some() && slot > position {
                    break;
                }
                // Slot, file, line and number within the record come first.
                report.push(self.log.decode(rec.get(24..).unwrap_or_default()));
                next = at_records.next_rec()?;
            }
            match f {
                Some(f) => report.push(f),
                None => break,
            }
            position += 1;
        }
        Ok(())
    }
}

/// A spill error as a run error, in both languages `[VAL-026]`.
fn spill_error(e: &std::io::Error) -> RunError {
    RunError::Input {
        label: String::from("--memory-limit"),
        code: "spill-io",
        zh: format!(
            "无法写入或读取临时文件夹中的排序文件（{}）：请确认临时文件夹（TMPDIR）可写且空间足够",
            linli_model::io_text::describe(e, true).trim_start_matches('：')
        ),
        en: format!(
            "cannot write or read the sorted runs in the temporary folder ({e}): check that the temporary folder (TMPDIR) is writable and has room"
        ),
    }
}

impl Run<'_> {
    fn file_id(&mut self, label: &str) -> u32 {
        self.files.push(label.to_owned());
        u32::try_from(self.files.len() - 1).unwrap_or(u32::MAX)
    }

    /// A new dataset index: in memory, or spilling when the run has a memory limit.
    fn new_index(&mut self) -> Index {
        match self.spill.as_ref() {
            Some(s) => Index::Spill(Box::new(crate::spill::SpillIndex::new(s.shared.clone(), s.budget))),
            None => Index::Memory(Box::default()),
        }
    }

    /// Run the whole-dataset checks of the current index, if any, and drop it.
    fn finish_index(&mut self) {
        if let Some(Index::Spill(index)) = self.index.take_if(|i| matches!(i, Index::Spill(_))) {
            self.finish_spilled(*index);
            return;
        }
        if let Some(Index::Memory(index)) = self.index.take() {
            let found = index.finish(&self.files);
            // The record each finding is at, by its place: type and id on every finding `[VAL-022]`.
            let at: std::collections::HashSet<Loc> = found.iter().filter_map(|(loc, _)| *loc).collect();
            let records = index.records_at(&at);
            for (loc, mut f) in found {
                if let (Some(l), Some((ty, _))) = (loc, loc.and_then(|l| records.get(&l))) {
                    // A record in error at the level of the dataset is an invalid record.
                    if f.level == Level::Error && self.report.checks(&f) && self.invalid_at.insert(l) {
                        self.report.recount_invalid(Some(*ty));
                    }
                }
                if let Some((ty, id)) = loc.and_then(|l| records.get(&l)) {
                    if f.record_type.is_none() {
                        f.record_type = Some(*ty);
                    }
                    if f.record_id.is_none() {
                        f.record_id = Some(id.to_string());
                    }
                }
                let (file, line) = match loc {
                    Some(l) if (l.file as usize) < self.files.len() => {
                        (self.files[l.file as usize].clone(), Some(l.line))
                    }
                    _ => (String::from("-"), None),
                };
                self.push(f, &file, line);
            }
        }
    }

    /// The whole-dataset checks of a spilled index: as [`Run::finish_index`] does for one in
    /// memory, and the findings at records kept aside for [`Spill::replay`].
    fn finish_spilled(&mut self, index: crate::spill::SpillIndex) {
        let Some(spill) = self.spill.as_mut() else { return };
        let (report, files) = (&mut self.report, &self.files);
        // The records that a dataset-level error makes invalid, unless they are already: joined
        // with the places of the invalid records when the index is done.
        let mut candidates = crate::spill::Sorter::new(spill.shared.clone(), spill.budget / 8);
        let mut at_record = |item: crate::spill::Out| -> std::io::Result<()> {
            match item {
                crate::spill::Out::AtRecord { slot, sub, loc, ty, id, mut finding } => {
                    finding.record_type = Some(ty);
                    finding.record_id = Some(id);
                    // As in [`Run::fold`]: an error there makes its record invalid.
                    if finding.level == Level::Error && report.checks(&finding) {
                        candidates.push(&crate::spill::invalid_candidate(loc, ty))?;
                    }
                    finding.file = Some(files.get(loc.file as usize).cloned().unwrap_or_default());
                    if finding.line.is_none() {
                        finding.line = Some(loc.line);
                    }
                    let mut e = crate::spill::Enc::default();
                    e.u64(slot).u32(loc.file).u64(loc.line).u32(sub);
                    e.0.extend_from_slice(&spill.log.encode(&finding));
                    spill.at_records.push(&e.0)
                }
                crate::spill::Out::Dataset { loc, record, finding: mut f } => {
                    if let (Some(l), Some((ty, _))) = (loc, &record) {
                        if f.level == Level::Error && report.checks(&f) {
                            candidates.push(&crate::spill::invalid_candidate(l, *ty))?;
                        }
                    }
                    if let Some((ty, id)) = record {
                        if f.record_type.is_none() {
                            f.record_type = Some(ty);
                        }
                        if f.record_id.is_none() {
                            f.record_id = Some(id);
                        }
                    }
                    match loc {
                        Some(l) if (l.file as usize) < files.len() => {
                            f.file = Some(files[l.file as usize].clone());
                            if f.line.is_none() {
                                f.line = Some(l.line);
                            }
                        }
                        _ => f.file = Some(String::from("-")),
                    }
                    spill.log.push(&f)
                }
            }
        };
        let found = index.finish(files, &mut at_record);
        let recounted = found.and_then(|()| {
            let mut invalid = spill.invalid.read()?.peekable();
            let mut candidates = candidates.finish()?;
            let mut last = None;
            while let Some(c) = candidates.next_rec()? {
                let (loc, ty) = crate::spill::read_candidate(&c);
                if last == Some(loc) {
                    continue;
                }
                last = Some(loc);
                // Both in order of place: skip the invalid records before this one.
                let key = |l: Loc| (l.file, l.line);
                while let Some(Ok(l)) = invalid.peek() {
                    if key(*l) >= key(loc) {
                        break;
                    }
                    invalid.next();
                }
                match invalid.peek() {
                    Some(Ok(l)) if *l == loc => {}
                    Some(Err(_)) => {
                        if let Some(Err(e)) = invalid.next() {
                            return Err(e);
                        }
                    }
                    _ => report.recount_invalid(Some(ty)),
                }
            }
            Ok(())
        });
        if let Err(e) = recounted {
            spill.fail(e);
        }
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

    /// Fold one checked batch into the report and the dataset index, in input order.
    fn fold(
        &mut self,
        batch: Vec<Pending>,
        outcomes: Vec<Option<Checked>>,
        file: &str,
        file_id: u32,
        expect: Option<linli_model::RecordType>,
    ) {
        for (p, outcome) in batch.into_iter().zip(outcomes) {
            match (p, outcome) {
                (Pending::Finding(mut f), _) => {
                    // A line that could not be read at all still counts as an invalid record.
                    if matches!(f.code.as_ref(), "invalid-utf8" | "line-too-long") {
                        let checked = self.report.checks(&f);
                        self.report.count_record(None, !checked, None);
                    }
                    // A file that a manifest lists may hold no record: [DAT-002] says SHOULD.
                    if f.code == "empty-input" && expect.is_some() {
                        f.level = Level::Warning;
                    }
                    // Lines in another encoding: one finding with a count [DAT-023].
                    if let ("invalid-utf8", Some(line)) = (f.code.as_ref(), f.line) {
                        self.repeat(Repeated::Encoding, line, || f);
                        continue;
                    }
                    self.push(f, file, None);
                }
                (Pending::Record(raw), Some(mut out)) => {
                    // The manifest says another type: one mistake of the manifest (or of the
                    // file), reported once with a count when the file ends [DAT-023]; the record
                    // is still invalid.
                    let mut wrong_type = false;
                    if let (Some(want), Some(got)) = (expect, out.record_type) {
                        if want != got {
                            // Unless that rule is not checked (`--skip`) [VAL-023].
                            wrong_type = self.report.rule_filter.keeps("manifest-record-type", Some("DAT-013"));
                            let id = out.id.clone();
                            self.repeat(Repeated::RecordType { want, got }, raw.line, || {
                                let mut f = Finding::new(
                                    "manifest-record-type",
                                    Level::Error,
                                    Some("DAT-013"),
                                    String::new(),
                                    String::new(),
                                )
                                .at("/type");
                                f.record_type = Some(got);
                                f.record_id = id;
                                f
                            });
                        }
                    }
                    if let (Some((profile, today)), Some(record)) = (&self.sharing, out.record.as_deref()) {
                        out.findings.extend(crate::record::raw_value_findings(record, profile, *today));
                        out.findings.extend(crate::record::name_findings(record, &self.names));
                    }
                    if let Some(Index::Spill(index)) = self.index.as_mut() {
                        // What the index finds at this record goes after the record's own
                        // findings: the log position they end at.
                        let own = out.findings.iter().filter(|f| self.report.checks(f)).count() as u64;
                        let slot = self.spill.as_ref().map_or(0, |s| s.log.len()) + own;
                        let loc = Loc { file: file_id, line: raw.line };
                        match (out.record.as_deref(), out.record_type, out.id.as_deref()) {
                            (Some(record), _, _) => index.add(record, loc, slot),
                            (None, Some(ty), Some(id)) => index.add_id(ty, id, loc, slot),
                            _ => {}
                        }
                    }
                    if let Some(Index::Memory(index)) = self.index.as_mut() {
                        let loc = Loc { file: file_id, line: raw.line };
                        match (out.record.as_deref(), out.record_type, out.id.as_deref()) {
                            (Some(record), _, _) => {
                                for mut f in index.add(record, loc, &self.files) {
                                    f.record_type = Some(record.record_type());
                                    f.record_id = Some(record.id().to_string());
                                    out.findings.push(f);
                                }
                            }
                            // Not readable as a record, but its type and id are known: it still
                            // takes its id, so references to it resolve and a repeat is caught.
                            (None, Some(ty), Some(id)) => {
                                if let Some(mut f) = index.add_id(ty, id, loc, &self.files) {
                                    f.record_type = Some(ty);
                                    f.record_id = Some(id.to_owned());
                                    out.findings.push(f);
                                }
                            }
                            _ => {}
                        }
                    }
                    // Rules not checked (`--pick`, `--skip`) neither count nor make the record
                    // invalid `[VAL-023]`; every finding names its record `[VAL-022]`.
                    let before = out.findings.len();
                    out.findings.retain(|f| self.report.checks(f));
                    self.report.findings_filtered += (before - out.findings.len()) as u64;
                    for f in &mut out.findings {
                        if f.record_type.is_none() {
                            f.record_type = out.record_type;
                        }
                        if f.record_id.is_none() {
                            f.record_id.clone_from(&out.id);
                        }
                    }
                    let valid = !wrong_type && !out.findings.iter().any(|f| f.level == Level::Error);
                    if !valid && self.index.is_some() {
                        let loc = Loc { file: file_id, line: raw.line };
                        match self.spill.as_mut() {
                            Some(s) => {
                                if let Err(e) = s.invalid.push(loc) {
                                    s.fail(e);
                                }
                            }
                            None => {
                                self.invalid_at.insert(loc);
                            }
                        }
                    }
                    self.report.count_record(out.record_type, valid, out.members);
                    for f in out.findings {
                        self.push(f, file, Some(raw.line));
                    }
                }
                (Pending::Record(_), None) => {}
            }
        }
    }

    /// Read and validate one file ([`Run::file_read`]), then report the manifest-level
    /// mistakes seen in its records once each, with a count `[DAT-023]`.
    fn file(
        &mut self,
        path: Source<'_>,
        label: &str,
        kind: InputKind,
        expect: Option<linli_model::RecordType>,
    ) -> std::io::Result<FileStats> {
        self.repeats.clear();
        let stats = self.file_read(path, label, kind, expect);
        self.flush_repeats(label);
        stats
    }

    /// Read and validate one file: a reader thread cuts the input into batches, `threads`
    /// workers check whole batches, and this thread folds the results back in input order. All
    /// channels are bounded, so memory stays flat in the size of the input.
    fn file_read(
        &mut self,
        path: Source<'_>,
        label: &str,
        kind: InputKind,
        expect: Option<linli_model::RecordType>,
    ) -> std::io::Result<FileStats> {
        let file_id = self.file_id(label);
        let workers = self.threads.max(1);
        let validator = self.validator;
        let keep_records = self.index.is_some();
        let max_line = self.opts.max_line_bytes;
        let hash = expect.is_some();
        if workers == 1 {
            return self.file_inline(path, label, file_id, kind, expect);
        }
        if kind == InputKind::Ndjson {
            return self.file_chunks(path, label, file_id, expect);
        }
        let mut result = Ok(FileStats::default());
        std::thread::scope(|scope| {
            let (work_tx, work_rx) = std::sync::mpsc::sync_channel::<(u64, Vec<Pending>)>(workers * 2);
            let (done_tx, done_rx) =
                std::sync::mpsc::sync_channel::<(u64, Vec<Pending>, Vec<Option<Checked>>)>(workers * 2);
            let reader = scope.spawn(move || {
                let mut batch: Vec<Pending> = Vec::with_capacity(BATCH_RECORDS);
                let mut bytes = 0usize;
                let mut seq = 0u64;
                let mut sink = |item: Item| {
                    match item {
                        Item::Record(r) => {
                            bytes += r.text.len();
                            batch.push(Pending::Record(r));
                        }
                        Item::Finding(f) => batch.push(Pending::Finding(f)),
                    }
                    if batch.len() >= BATCH_RECORDS || bytes >= BATCH_BYTES {
                        let full = std::mem::replace(&mut batch, Vec::with_capacity(BATCH_RECORDS));
                        let _ = work_tx.send((seq, full));
                        seq += 1;
                        bytes = 0;
                    }
                };
                let r = match kind {
                    InputKind::Json => input::read_json_file(path.open()?, &mut sink),
                    InputKind::NdjsonGz => input::read_ndjson_file(path.open()?, true, max_line, hash, &mut sink),
                    _ => input::read_ndjson_file(path.open()?, false, max_line, hash, &mut sink),
                };
                if !batch.is_empty() {
                    let _ = work_tx.send((seq, batch));
                }
                r
            });
            let work_rx = std::sync::Arc::new(std::sync::Mutex::new(work_rx));
            for _ in 0..workers {
                let rx = std::sync::Arc::clone(&work_rx);
                let tx = done_tx.clone();
                scope.spawn(move || {
                    loop {
                        let job = match rx.lock() {
                            Ok(guard) => guard.recv(),
                            Err(_) => return,
                        };
                        let Ok((seq, batch)) = job else { return };
                        let mut batch = batch;
                        let checked: Vec<Option<Checked>> =
                            batch.iter().map(|p| check(validator, p, keep_records)).collect();
                        for p in &mut batch {
                            if let Pending::Record(r) = p {
                                r.text = String::new();
                            }
                        }
                        if tx.send((seq, batch, checked)).is_err() {
                            return;
                        }
                    }
                });
            }
            drop(done_tx);
            // Fold in input order; batches that finish early wait in `ahead`.
            let mut next = 0u64;
            let mut ahead = std::collections::BTreeMap::new();
            for (seq, batch, checked) in done_rx {
                ahead.insert(seq, (batch, checked));
                while let Some((batch, checked)) = ahead.remove(&next) {
                    let bytes: u64 = batch
                        .iter()
                        .map(|p| if let Pending::Record(r) = p { r.text.len() as u64 + 1 } else { 0 })
                        .sum();
                    self.fold(batch, checked, label, file_id, expect);
                    self.bytes_done += bytes;
                    if let Some(p) = &self.opts.progress {
                        p(self.bytes_done);
                    }
                    next += 1;
                }
            }
            result = reader.join().unwrap_or_else(|_| Err(std::io::Error::other("reader thread failed")));
        });
        result
    }
}

impl Run<'_> {
    /// One thread: read, check and fold a few records at a time, so that each line is parsed
    /// while it is still in the cache.
    fn file_inline(
        &mut self,
        path: Source<'_>,
        label: &str,
        file_id: u32,
        kind: InputKind,
        expect: Option<linli_model::RecordType>,
    ) -> std::io::Result<FileStats> {
        const INLINE_BATCH: usize = 32;
        let keep_records = self.index.is_some();
        let max_line = self.opts.max_line_bytes;
        let hash = expect.is_some();
        let mut batch: Vec<Pending> = Vec::with_capacity(INLINE_BATCH);
        let run_batch = |run: &mut Self, batch: Vec<Pending>| {
            let validator = run.validator;
            let bytes: u64 =
                batch.iter().map(|p| if let Pending::Record(r) = p { r.text.len() as u64 + 1 } else { 0 }).sum();
            let checked: Vec<Option<Checked>> = batch.iter().map(|p| check(validator, p, keep_records)).collect();
            run.fold(batch, checked, label, file_id, expect);
            run.bytes_done += bytes;
            if let Some(p) = &run.opts.progress {
                p(run.bytes_done);
            }
        };
        let mut sink = |item: Item| {
            batch.push(match item {
                Item::Record(r) => Pending::Record(r),
                Item::Finding(f) => Pending::Finding(f),
            });
            if batch.len() >= INLINE_BATCH {
                let full = std::mem::replace(&mut batch, Vec::with_capacity(INLINE_BATCH));
                run_batch(self, full);
            }
        };
        let stats = match kind {
            InputKind::Json => input::read_json_file(path.open()?, &mut sink),
            InputKind::NdjsonGz => input::read_ndjson_file(path.open()?, true, max_line, hash, &mut sink),
            _ => input::read_ndjson_file(path.open()?, false, max_line, hash, &mut sink),
        };
        if !batch.is_empty() {
            run_batch(self, batch);
        }
        stats
    }
}

/// Bytes per chunk of a plain NDJSON file checked in parallel.
const CHUNK_BYTES: u64 = 1 << 20;

/// One chunk as checked by a worker: its items with lines counted from the chunk's start.
struct DoneChunk {
    index: u64,
    items: Vec<Pending>,
    checked: Vec<Option<Checked>>,
    stats: FileStats,
}

/// Where chunk `k` of a file of `len` bytes starts: just after the first newline at or after
/// `k * CHUNK_BYTES - 1` (so that a chunk begins at a line start), or `len`.
fn chunk_start(file: &std::fs::File, k: u64, len: u64) -> std::io::Result<u64> {
    use std::io::{BufRead, Seek, SeekFrom};
    if k == 0 {
        return Ok(0);
    }
    let nominal = k.saturating_mul(CHUNK_BYTES);
    if nominal >= len {
        return Ok(len);
    }
    let mut f = file;
    f.seek(SeekFrom::Start(nominal - 1))?;
    let mut r = std::io::BufReader::with_capacity(1 << 16, f);
    let mut pos = nominal - 1;
    loop {
        let buf = r.fill_buf()?;
        if buf.is_empty() {
            return Ok(len);
        }
        if let Some(i) = memchr::memchr(b'\n', buf) {
            return Ok(pos + i as u64 + 1);
        }
        let n = buf.len();
        pos += n as u64;
        r.consume(n);
    }
}

impl Run<'_> {
    /// A plain NDJSON file on several cores: workers take 1 MiB chunks (cut at line starts),
    /// each reads, parses and checks its chunk where it lies in the cache; this thread folds the
    /// chunks in order, numbering lines as it goes. Workers stay at most a few chunks ahead of
    /// the fold, so memory stays flat in the size of the file.
    fn file_chunks(
        &mut self,
        path: Source<'_>,
        label: &str,
        file_id: u32,
        expect: Option<linli_model::RecordType>,
    ) -> std::io::Result<FileStats> {
        use std::io::{Read, Seek, SeekFrom};
        use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
        let workers = self.threads.max(1);
        let len = path.len()?;
        let chunks = len.div_ceil(CHUNK_BYTES).max(1);
        let validator = self.validator;
        let keep_records = self.index.is_some();
        let max_line = self.opts.max_line_bytes;
        let next = AtomicU64::new(0);
        let folded = std::sync::Mutex::new(0u64);
        let advanced = std::sync::Condvar::new();
        let failed = AtomicBool::new(false);
        let window = (workers as u64) * 2;
        let mut total = FileStats::default();
        let mut error: Option<std::io::Error> = None;
        let mut sha = None;
        std::thread::scope(|scope| {
            // The digest, when a manifest needs it, is one sequential pass of its own.
            let hasher = expect.is_some().then(|| {
                scope.spawn(move || -> std::io::Result<String> {
                    let mut f = path.open()?;
                    let mut h = <sha2::Sha256 as sha2::Digest>::new();
                    let mut buf = vec![0u8; 1 << 16];
                    loop {
                        let n = f.read(&mut buf)?;
                        if n == 0 {
                            break;
                        }
                        sha2::Digest::update(&mut h, &buf[..n]);
                    }
                    Ok(input::hex(&sha2::Digest::finalize(h)))
                })
            });
            let (tx, rx) = std::sync::mpsc::channel::<std::io::Result<DoneChunk>>();
            for _ in 0..workers {
                let tx = tx.clone();
                let (next, folded, advanced, failed) = (&next, &folded, &advanced, &failed);
                scope.spawn(move || {
                    let work = |k: u64| -> std::io::Result<DoneChunk> {
                        let file = path.open()?;
                        let start = chunk_start(&file, k, len)?;
                        let end = chunk_start(&file, k + 1, len)?;
                        let mut f = &file;
                        f.seek(SeekFrom::Start(start))?;
                        let reader = std::io::BufReader::with_capacity(1 << 16, f.take(end.saturating_sub(start)));
                        let mut items = Vec::with_capacity((end.saturating_sub(start) / 256) as usize + 8);
                        let stats = input::read_lines(reader, max_line, start == 0, &mut |item| {
                            items.push(match item {
                                Item::Record(r) => Pending::Record(r),
                                Item::Finding(f) => Pending::Finding(f),
                            });
                        })?;
                        let checked = items.iter().map(|p| check(validator, p, keep_records)).collect();
                        // The text is no longer needed: free it on the thread that made it.
                        for p in &mut items {
                            if let Pending::Record(r) = p {
                                r.text = String::new();
                            }
                        }
                        Ok(DoneChunk { index: k, items, checked, stats })
                    };
                    loop {
                        let k = next.fetch_add(1, Ordering::SeqCst);
                        if k >= chunks || failed.load(Ordering::SeqCst) {
                            return;
                        }
                        // Stay within `window` chunks of the fold.
                        if let Ok(mut done) = folded.lock() {
                            while k >= *done + window && !failed.load(Ordering::SeqCst) {
                                done = match advanced.wait(done) {
                                    Ok(d) => d,
                                    Err(_) => return,
                                };
                            }
                        }
                        let r = work(k);
                        let stop = r.is_err();
                        if tx.send(r).is_err() || stop {
                            return;
                        }
                    }
                });
            }
            drop(tx);
            let mut ahead = std::collections::BTreeMap::new();
            let mut want = 0u64;
            for r in rx {
                let chunk = match r {
                    Ok(c) => c,
                    Err(e) => {
                        failed.store(true, Ordering::SeqCst);
                        advanced.notify_all();
                        error.get_or_insert(e);
                        continue;
                    }
                };
                ahead.insert(chunk.index, chunk);
                while let Some(mut c) = ahead.remove(&want) {
                    let offset = total.lines;
                    for item in &mut c.items {
                        match item {
                            Pending::Record(r) => r.line += offset,
                            Pending::Finding(f) => f.line = f.line.map(|l| l + offset),
                        }
                    }
                    let bytes = c.stats.bytes;
                    self.fold(c.items, c.checked, label, file_id, expect);
                    total.bytes += c.stats.bytes;
                    total.lines += c.stats.lines;
                    total.records += c.stats.records;
                    total.blank_lines += c.stats.blank_lines;
                    if total.first_blank.is_none() {
                        total.first_blank = c.stats.first_blank.map(|l| l + offset);
                    }
                    self.bytes_done += bytes;
                    if let Some(p) = &self.opts.progress {
                        p(self.bytes_done);
                    }
                    want += 1;
                    if let Ok(mut done) = folded.lock() {
                        *done = want;
                    }
                    advanced.notify_all();
                }
            }
            if let Some(h) = hasher {
                sha = Some(h.join().unwrap_or_else(|_| Err(std::io::Error::other("hasher thread failed"))));
            }
        });
        if let Some(e) = error {
            return Err(e);
        }
        if let Some(h) = sha {
            total.sha256 = h?;
        }
        for mut f in input::tail_findings(&total) {
            if f.code == "empty-input" && expect.is_some() {
                f.level = Level::Warning;
            }
            self.push(f, label, None);
        }
        Ok(total)
    }
}

/// What a worker found for one record, in a compact form for the fold.
struct Checked {
    record_type: Option<linli_model::RecordType>,
    /// The id, kept only for the dataset index.
    id: Option<String>,
    /// The record, kept only for the dataset index.
    record: Option<Box<linli_model::Record>>,
    findings: Vec<Finding>,
    /// Members present, when the typed model read the record.
    members: Option<u64>,
}

/// Check one pending item on a worker. Everything per record happens here: parse, check, note
/// the members present; the record itself is dropped at once unless the dataset index needs it.
fn check(validator: &Validator, p: &Pending, keep_records: bool) -> Option<Checked> {
    match p {
        Pending::Record(r) => {
            let out: RecordOutcome = validator.validate_str(&r.text);
            let members = out.record.as_ref().map(|rec| present_mask(rec.record_type(), rec));
            Some(Checked {
                record_type: out.record_type,
                id: if keep_records { out.id } else { None },
                record: if keep_records { out.record.map(Box::new) } else { None },
                findings: out.findings,
                members,
            })
        }
        Pending::Finding(_) => None,
    }
}

fn now_rfc3339() -> String {
    let now = time::OffsetDateTime::now_utc();
    linli_model::datetime::Timestamp::from_offset_datetime(now.replace_nanosecond(0).unwrap_or(now)).to_string()
}

/// Validate `inputs` (files and dataset directories) and return the report.
pub fn validate_paths(inputs: &[PathBuf], validator: &Validator, opts: &Options) -> Result<Report, RunError> {
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
                    "manifest-missing",
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
    let mut report = run.report;
    report.finalize();
    report.duration_ms = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
    Ok(report)
}

/// Check `root` as a dataset of its own (`before`: findings about how it was found, such as the
/// refused entries of an archive).
fn dataset(run: &mut Run<'_>, root: &Path, label: &str, before: Vec<Finding>) -> Result<(), RunError> {
    run.report.dataset_checks = true;
    let inner = run.new_index();
    let outer = run.index.replace(inner);
    for f in before {
        let file = f.file.clone().unwrap_or_default();
        run.push(f, &file, None);
    }
    let done = dataset_dir(run, root, label);
    run.sharing = None;
    run.names = linli_privacy::leak::Names::default();
    done?;
    run.finish_index();
    run.index = outer;
    Ok(())
}

/// A folder without a manifest must hold data to check: a run error otherwise, saying what was
/// expected [DAT-020].
fn folder_has_data(root: &Path, label: &str) -> Result<(), RunError> {
    const EXPECTED_ZH: &str =
        "应为含 manifest.json 的数据集目录，或含 Linli 记录文件（.ndjson、.json、.ndjson.gz）的文件夹";
    const EXPECTED_EN: &str = "expected a dataset directory with manifest.json, or a folder of Linli record files (.ndjson, .json, .ndjson.gz)";
    let files = data_files(root);
    if files.is_empty() {
        return Err(RunError::input(
            label,
            "input-empty-folder",
            format!("文件夹中没有文件：{EXPECTED_ZH}"),
            format!("the folder holds no file: {EXPECTED_EN}"),
        ));
    }
    let mut foreign = Vec::new();
    for rel in &files {
        let Ok((_, mut file)) = linli_model::member::check_regular(&root.join(rel)) else {
            // A FIFO or a device: reported when the folder is read.
            return Ok(());
        };
        match crate::sniff::sniff(&mut file) {
            Ok(crate::sniff::Sniffed::Foreign(f)) => foreign.push(f),
            _ => return Ok(()),
        }
    }
    let mut kinds: Vec<&str> = foreign.iter().map(|f| f.what().1).collect();
    kinds.dedup();
    let mut kinds_zh: Vec<&str> = foreign.iter().map(|f| f.what().0).collect();
    kinds_zh.dedup();
    let hint = foreign[0].hint();
    Err(RunError::input(
        label,
        "input-no-data",
        format!(
            "文件夹中没有 manifest.json，也没有 Linli 数据文件（{} 个文件：{}）：{EXPECTED_ZH}。{}",
            files.len(),
            kinds_zh.join("、"),
            hint.0
        ),
        format!(
            "the folder has no manifest.json and no Linli data file ({} file(s): {}): {EXPECTED_EN}. Hint: {}",
            files.len(),
            kinds.join(", "),
            hint.1
        ),
    ))
}

/// A file to read, and how to open it (again: several threads each read a part of a file).
#[derive(Clone, Copy)]
enum Source<'a> {
    /// A file named on the command line, opened as named.
    Named(&'a Path),
    /// A file of a dataset or a folder, checked and opened once: opened again only as that very
    /// file `[DAT-014]`.
    Checked(&'a linli_model::member::Checked),
}

impl Source<'_> {
    fn open(self) -> std::io::Result<std::fs::File> {
        match self {
            Source::Named(p) => std::fs::File::open(p),
            Source::Checked(c) => c.open_io(),
        }
    }

    fn len(self) -> std::io::Result<u64> {
        match self {
            Source::Named(p) => Ok(std::fs::metadata(p)?.len()),
            Source::Checked(c) => Ok(c.len()),
        }
    }
}

/// The finding for a file that could not be read to its end.
fn read_error(e: &std::io::Error) -> Finding {
    Finding::new("read-error", Level::Error, Some("DAT-002"), format!("读取失败：{e}"), format!("read failed: {e}"))
}

impl DatasetSummary {
    /// What a manifest says about its dataset.
    fn of(label: &str, m: &Manifest) -> Self {
        DatasetSummary {
            path: label.to_owned(),
            vendor: m.producer.vendor.to_string(),
            product: m.producer.product.to_string(),
            product_version: m.producer.product_version.to_string(),
            sharing_level: m.sharing_level,
            created_at: m.created_at.to_string(),
            standard_version: m.standard_version.clone(),
        }
    }
}

impl InputSummary {
    /// An input that was read, with its statistics.
    fn read(path: String, kind: InputKind, stats: FileStats) -> Self {
        InputSummary { path, kind, bytes: stats.bytes, records: stats.records, sha256: stats.sha256 }
    }
}

/// A file found in a folder: read only when it is a regular file. A FIFO, a socket or a device
/// would block the validator or never end; it is reported as unreadable instead.
fn folder_file(run: &mut Run<'_>, path: &Path, label: &str) -> Result<(), RunError> {
    match linli_model::member::check_regular(path) {
        Ok((checked, _)) => plain_file(run, path, Source::Checked(&checked), label, false),
        Err(e) => {
            let e = std::io::Error::new(std::io::ErrorKind::InvalidInput, e.message_en());
            run.push(read_error(&e), label, None);
            Ok(())
        }
    }
}

/// The finding for a file of a folder or a dataset that is not read: it is not Linli records
/// [DAT-019].
fn not_linli_finding(err: RunError) -> Finding {
    let (zh, en) = match err {
        RunError::Input { zh, en, .. } => (zh, en),
        other => (other.to_string(), other.to_string()),
    };
    Finding::new("input-not-linli", Level::Error, Some("DAT-019"), zh, en)
}

/// Read one file given on the command line (`top`) or found in a folder without a manifest,
/// after looking at its first bytes [DAT-019]: what is not Linli records stops the run when
/// given on the command line, and is a finding about the file in a folder.
fn plain_file(run: &mut Run<'_>, path: &Path, src: Source<'_>, label: &str, top: bool) -> Result<(), RunError> {
    use crate::sniff::Sniffed;
    let by_name = InputKind::of(path);
    let summary = |kind| InputSummary { path: label.to_owned(), kind, bytes: 0, records: 0, sha256: String::new() };
    let sniffed = match src.open().and_then(|mut f| crate::sniff::sniff(&mut f)) {
        Ok(s) => s,
        Err(e) => {
            run.push(read_error(&e), label, None);
            run.report.inputs.push(summary(by_name));
            return Ok(());
        }
    };
    let kind = match sniffed {
        // Nothing to read: an error about the file [DAT-020].
        Sniffed::Empty => {
            run.file_id(label);
            run.push(input::empty_finding(1), label, None);
            run.report.inputs.push(summary(by_name));
            return Ok(());
        }
        Sniffed::GzipJson => InputKind::NdjsonGz,
        Sniffed::Json if by_name == InputKind::NdjsonGz => InputKind::Ndjson,
        Sniffed::Json => by_name,
        Sniffed::Zip | Sniffed::Tar { .. } => {
            let kind = match sniffed {
                Sniffed::Tar { gz } => crate::archive::Kind::Tar { gz },
                _ => crate::archive::Kind::Zip,
            };
            return match archive(run, src, label, kind) {
                Err(e @ RunError::Input { .. }) if !top => {
                    run.push(not_linli_finding(e), label, None);
                    Ok(())
                }
                other => other,
            };
        }
        Sniffed::Foreign(f) if top => return Err(RunError::foreign(label, f)),
        Sniffed::Foreign(f) => {
            run.push(not_linli_finding(RunError::foreign(label, f)), label, None);
            run.report.inputs.push(summary(by_name));
            return Ok(());
        }
    };
    match run.file(src, label, kind, None) {
        Ok(stats) => run.report.inputs.push(InputSummary::read(label.to_owned(), kind, stats)),
        Err(e) => {
            let f = read_error(&e);
            run.push(f, label, None);
            run.report.inputs.push(summary(kind));
        }
    }
    Ok(())
}

/// A zip or tar(.gz) archive: written out under limits and checked as the dataset it holds
/// [DAT-021] [DAT-022]. Its files are labelled `ARCHIVE!/path`.
fn archive(run: &mut Run<'_>, src: Source<'_>, label: &str, kind: crate::archive::Kind) -> Result<(), RunError> {
    let limits = crate::archive::Limits { max_bytes: run.opts.max_archive_bytes, ..Default::default() };
    let file = src.open().map_err(|source| RunError::Io { path: PathBuf::from(label), source })?;
    let extracted =
        crate::archive::extract(file, kind, limits).map_err(|e| RunError::input(label, e.code, e.zh, e.en))?;
    let Some(root) = extracted.root.as_deref() else {
        return Err(RunError::input(
            label,
            "input-archive",
            "压缩包中没有数据集：根目录或唯一的顶层文件夹中没有 manifest.json，未校验。请解压后校验其中的文件，或用 `linli manifest` 为数据集目录写清单后重新打包".into(),
            "the archive holds no dataset: no manifest.json at its root or in its one top folder; not validated. Extract it and validate its files, or write the dataset directory's manifest with `linli manifest` and pack it again".into(),
        ));
    };
    let inner = if root.is_empty() { format!("{label}!") } else { format!("{label}!/{root}") };
    let before = extracted
        .refused
        .into_iter()
        .map(|mut f| {
            f.file = Some(format!("{label}!/{}", f.file.as_deref().unwrap_or_default()));
            f
        })
        .collect();
    let dir = extracted.dir.path().join(root);
    let done = dataset(run, &dir, &inner, before);
    drop(extracted.dir);
    done
}

fn manifest_finding(
    code: &'static str,
    level: Level,
    req: &'static str,
    zh: String,
    en: String,
    pointer: String,
) -> Finding {
    Finding::new(code, level, Some(req), zh, en).at(pointer)
}

/// The finding for a dataset file that is not opened [DAT-013] [DAT-014].
fn member_finding(e: &linli_model::member::MemberError, pointer: String) -> Finding {
    use linli_model::member::Refusal;
    let (code, req) = match e.refusal {
        Refusal::Characters => ("manifest-path-characters", "DAT-014"),
        Refusal::NotRelative | Refusal::Escapes | Refusal::Outside => ("manifest-path-escapes", "DAT-014"),
        Refusal::Symlink | Refusal::Changed => ("manifest-path-symlink", "DAT-014"),
        Refusal::Missing => ("manifest-file-missing", "DAT-013"),
        Refusal::Unreadable => ("read-error", "DAT-002"),
        _ => ("manifest-path-not-regular", "DAT-014"),
    };
    manifest_finding(code, Level::Error, req, e.message_zh(), e.message_en(), pointer)
}

/// Data files in a dataset directory (not following links), relative `/`-separated paths.
fn data_files(root: &Path) -> Vec<String> {
    let mut out = Vec::new();
    let mut stack = vec![(root.to_path_buf(), String::new())];
    while let Some((dir, prefix)) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for e in entries.flatten() {
            let name = e.file_name().to_string_lossy().into_owned();
            if name.starts_with('.') {
                continue;
            }
            let rel = if prefix.is_empty() { name.clone() } else { format!("{prefix}/{name}") };
            let Ok(ft) = e.file_type() else { continue };
            // Links are never followed; a listed path through one is reported on its own.
            if ft.is_symlink() {
                continue;
            }
            if ft.is_dir() {
                stack.push((e.path(), rel));
            } else if rel != MANIFEST_FILE {
                out.push(rel);
            }
        }
    }
    out.sort();
    out
}

fn dataset_dir(run: &mut Run<'_>, root: &Path, label: &str) -> Result<(), RunError> {
    let manifest_path = root.join(MANIFEST_FILE);
    let manifest_label = format!("{label}/{MANIFEST_FILE}");
    run.report.inputs.push(InputSummary {
        path: label.to_owned(),
        kind: InputKind::Dataset,
        bytes: 0,
        records: 0,
        sha256: String::new(),
    });
    // The manifest is opened like the files it lists: a regular file, not a link, never a FIFO
    // that could block [DAT-014].
    let manifest: Option<Manifest> = match linli_model::member::read_member(root, MANIFEST_FILE).map(String::from_utf8)
    {
        Err(e) if e.refusal == linli_model::member::Refusal::Missing => {
            run.push(
                manifest_finding(
                    "manifest-missing",
                    Level::Error,
                    "DAT-010",
                    "数据集目录缺少 manifest.json；仍将校验其中的数据文件".into(),
                    "the dataset directory has no manifest.json; its data files are still checked".into(),
                    String::new(),
                ),
                &manifest_label,
                None,
            );
            None
        }
        Err(e) if e.refusal == linli_model::member::Refusal::Unreadable => {
            return Err(RunError::Io { path: manifest_path, source: e.into_io() });
        }
        // A link, a FIFO, a directory …: not opened [DAT-014]; the files are checked one by one.
        Err(e) => {
            run.push(member_finding(&e, String::new()), &manifest_label, None);
            None
        }
        // Bytes that are not UTF-8 are no JSON text: a finding about the dataset, not a failure
        // to read it (its data files are still checked).
        Ok(Err(_)) => {
            run.push(
                manifest_finding(
                    "manifest-syntax",
                    Level::Error,
                    "DAT-010",
                    "manifest.json 无效：不是有效的 UTF-8".into(),
                    "manifest.json is not valid: not valid UTF-8".into(),
                    String::new(),
                ),
                &manifest_label,
                None,
            );
            None
        }
        Ok(Ok(text)) => {
            // A byte order mark is reported as for a data file [CON-002].
            let body = match text.strip_prefix('\u{feff}') {
                Some(rest) => {
                    run.push(input::bom_finding(), &manifest_label, None);
                    rest
                }
                None => text.as_str(),
            };
            read_manifest(run, body, &manifest_label)
        }
    };
    let Some(manifest) = manifest else {
        // Validate what is there, guessing each file's kind from its name.
        for rel in data_files(root) {
            folder_file(run, &root.join(&rel), &format!("{label}/{rel}"))?;
        }
        return Ok(());
    };
    check_manifest_header(run, &manifest, &manifest_label);
    run.report.datasets.push(DatasetSummary::of(label, &manifest));
    if manifest.sharing_level != linli_model::codes::SharingLevel::Internal {
        // The built-in profiles are part of the binary; one that does not load is a build defect
        // that the tests of linli-privacy catch.
        // Ages are judged on the date of the manifest's `createdAt`, never on the day the
        // validator runs `[SHR-007]`.
        run.sharing = linli_privacy::Profile::for_level(manifest.sharing_level)
            .ok()
            .map(|p| (p, manifest.created_at.local_date()));
    }
    if run.sharing.is_some() {
        // A first pass over the persons and organizations: the names still given in full
        // `[SHR-052]`. Only files the main pass will read; what fails there is reported there.
        for entry in &manifest.files {
            let named =
                matches!(entry.record_type, linli_model::RecordType::Person | linli_model::RecordType::Organization);
            if !named {
                continue;
            }
            if let Ok(src) = linli_privacy::dataset::Source::member(root, &entry.path, None) {
                let _ = linli_privacy::dataset::names_of(&src, &mut run.names);
            }
        }
    }
    if let Some(index) = run.index.as_mut() {
        if manifest.sharing_level == linli_model::codes::SharingLevel::Public {
            index.require_community_residences();
        }
        for ext in &manifest.external_refs {
            index.declare_external(ext.record_type, ext.id.as_ref().map(|i| i.as_str()));
        }
    }
    let mut listed = Vec::new();
    for (i, entry) in manifest.files.iter().enumerate() {
        let ptr = format!("/files/{i}/path");
        if listed.contains(&entry.path) {
            run.push(
                manifest_finding(
                    "manifest-duplicate-file",
                    Level::Error,
                    "DAT-013",
                    format!("文件 `{}` 在清单中重复列出", entry.path),
                    format!("file `{}` is listed twice", entry.path),
                    ptr,
                ),
                &manifest_label,
                None,
            );
            continue;
        }
        listed.push(entry.path.clone());
        // Only a regular file inside the directory, reached without a link, is opened [DAT-014].
        let (checked, mut opened) = match linli_model::member::check_member(root, &entry.path) {
            Ok(c) => c,
            Err(e) => {
                run.push(member_finding(&e, ptr), &manifest_label, None);
                continue;
            }
        };
        let file_label = format!("{label}/{}", entry.path);
        // Its bytes say what it is, whatever its name [DAT-019]: gzip is read as gzip, and a
        // table, a workbook or an archive is not read at all.
        use crate::sniff::Sniffed;
        let kind = match crate::sniff::sniff(&mut opened) {
            Ok(Sniffed::GzipJson) => InputKind::NdjsonGz,
            Ok(Sniffed::Foreign(f)) => {
                run.push(not_linli_finding(RunError::foreign(&file_label, f)), &file_label, None);
                continue;
            }
            Ok(Sniffed::Zip | Sniffed::Tar { .. }) => {
                let e = RunError::input(
                    &file_label,
                    "input-archive",
                    "这是压缩包，不是数据文件：数据集中的数据文件须为 NDJSON（可用 gzip 压缩）".into(),
                    "this is an archive, not a data file: the data files of a dataset are NDJSON (gzip allowed)".into(),
                );
                run.push(not_linli_finding(e), &file_label, None);
                continue;
            }
            _ => InputKind::Ndjson,
        };
        drop(opened);
        match run.file(Source::Checked(&checked), &file_label, kind, Some(entry.record_type)) {
            Ok(stats) => {
                if stats.sha256 != entry.sha256.as_str() {
                    run.push(
                        manifest_finding(
                            "manifest-hash-mismatch",
                            Level::Error,
                            "DAT-013",
                            format!("文件 `{}` 的 SHA-256 与清单不符（实际 {}）", entry.path, stats.sha256),
                            format!("SHA-256 of `{}` differs from the manifest (actual {})", entry.path, stats.sha256),
                            format!("/files/{i}/sha256"),
                        ),
                        &manifest_label,
                        None,
                    );
                }
                if stats.records != entry.records {
                    run.push(
                        manifest_finding(
                            "manifest-count-mismatch",
                            Level::Error,
                            "DAT-013",
                            format!("文件 `{}` 有 {} 条记录，清单写 {}", entry.path, stats.records, entry.records),
                            format!(
                                "`{}` holds {} records, the manifest says {}",
                                entry.path, stats.records, entry.records
                            ),
                            format!("/files/{i}/records"),
                        ),
                        &manifest_label,
                        None,
                    );
                }
                run.report.inputs.push(InputSummary::read(file_label, kind, stats));
            }
            Err(e) => {
                let f = read_error(&e);
                run.push(f, &file_label, None);
            }
        }
    }
    for rel in data_files(root) {
        if !listed.contains(&rel) {
            run.push(
                manifest_finding(
                    "manifest-extra-file",
                    Level::Error,
                    "DAT-013",
                    format!("文件 `{rel}` 不在清单中"),
                    format!("file `{rel}` is not listed in the manifest"),
                    "/files".into(),
                ),
                &manifest_label,
                None,
            );
        }
    }
    Ok(())
}

/// Read the manifest's text: a member given twice is refused like in a record [CON-002].
fn read_manifest(run: &mut Run<'_>, body: &str, manifest_label: &str) -> Option<Manifest> {
    if let Err(linli_model::json::TextProblem::DuplicateMember { pointer }) = linli_model::json::check_text(body) {
        run.push(
            manifest_finding(
                "manifest-invalid",
                Level::Error,
                "DAT-010",
                format!("manifest.json 中同一对象的成员名 `{pointer}` 出现两次"),
                format!("manifest.json gives the member `{pointer}` twice in one object"),
                // Manifest-wide findings point at the manifest itself [CON-071].
                String::new(),
            ),
            manifest_label,
            None,
        );
        return None;
    }
    match serde_json::from_str::<Manifest>(body) {
        Ok(m) => Some(m),
        Err(e) => {
            let syntax = e.is_syntax() || e.is_eof();
            let code = if syntax { "manifest-syntax" } else { "manifest-invalid" };
            // The place in each language, serde's own words after it in parentheses [CON-055].
            let msg = e.to_string();
            let at = format!(" at line {} column {}", e.line(), e.column());
            let words = msg.strip_suffix(&at).unwrap_or(&msg);
            let what_zh = if syntax { "不是合法的 JSON" } else { "不符合清单的格式" };
            let zh = if e.line() > 0 {
                format!("manifest.json {what_zh}：第 {} 行第 {} 列（{words}）", e.line(), e.column())
            } else {
                format!("manifest.json {what_zh}（{words}）")
            };
            let mut f = manifest_finding(
                code,
                Level::Error,
                "DAT-010",
                zh,
                format!("manifest.json is not valid: {e}"),
                String::new(),
            );
            f.line = Some(e.line() as u64);
            run.push(f, manifest_label, None);
            None
        }
    }
}

fn check_manifest_header(run: &mut Run<'_>, m: &Manifest, label: &str) {
    let ours: Vec<&str> = linli_model::STANDARD_VERSION.split('.').collect();
    let theirs: Vec<&str> = m.standard_version.split('.').collect();
    if theirs.len() != 3 || theirs.iter().any(|p| p.parse::<u32>().is_err()) {
        run.push(
            manifest_finding(
                "manifest-standard-version",
                Level::Error,
                "DAT-011",
                format!("标准版本 `{}` 不是 主.次.修订 形式", m.standard_version),
                format!("standard version `{}` is not MAJOR.MINOR.PATCH", m.standard_version),
                "/standardVersion".into(),
            ),
            label,
            None,
        );
    } else if theirs[..2] != ours[..2] {
        run.push(
            manifest_finding(
                "manifest-standard-version",
                Level::Warning,
                "DAT-011",
                format!("数据集遵循标准 {}，校验器实现 {}", m.standard_version, linli_model::STANDARD_VERSION),
                format!(
                    "the dataset follows standard {}, this validator implements {}",
                    m.standard_version,
                    linli_model::STANDARD_VERSION
                ),
                "/standardVersion".into(),
            ),
            label,
            None,
        );
    }
    let v = m.producer.product_version.as_str().to_ascii_lowercase();
    if matches!(v.as_str(), "latest" | "main" | "master" | "head" | "dev" | "snapshot") {
        run.push(
            manifest_finding(
                "manifest-product-version",
                Level::Warning,
                "DAT-010",
                format!("产品版本 `{v}` 不是确定的版本"),
                format!("product version `{v}` is not a definite version"),
                "/producer/productVersion".into(),
            ),
            label,
            None,
        );
    }
    // What the manifest says of how the data was treated `[DAT-017]`; above `internal` it must
    // say it `[DAT-018]`.
    use linli_model::codes::CodeTable;
    if m.protection.is_none() && m.sharing_level != linli_model::codes::SharingLevel::Internal {
        run.push(
            manifest_finding(
                "manifest-protection-missing",
                Level::Error,
                "DAT-018",
                format!("共享级别为 `{}` 的数据集清单缺少 protection（所用共享配置）", m.sharing_level.code()),
                format!(
                    "a dataset at sharing level `{}` has no protection in its manifest (the profile applied)",
                    m.sharing_level.code()
                ),
                "/protection".into(),
            ),
            label,
            None,
        );
    }
    if let Some(p) = &m.protection {
        if let Some(k) = &p.key_id {
            if !(k.len() == 16 && k.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))) {
                // Never quoted: a tool that writes something else here may have written the key.
                run.push(
                    manifest_finding(
                        "manifest-protection",
                        Level::Error,
                        "DAT-017",
                        "protection.keyId 不是密钥标识（16 位小写十六进制）；清单中不得写入密钥".into(),
                        "protection.keyId is not a key id (16 lower-case hexadecimal digits); a manifest must never hold the key".into(),
                        "/protection/keyId".into(),
                    ),
                    label,
                    None,
                );
            }
        }
        let built_in = linli_model::codes::SharingLevel::from_code(p.profile.as_str());
        if built_in.is_some_and(|level| level != m.sharing_level) {
            run.push(
                manifest_finding(
                    "manifest-protection",
                    Level::Error,
                    "DAT-017",
                    format!("内置共享配置 `{}` 与清单的共享级别 `{}` 不符", p.profile, m.sharing_level.code()),
                    format!(
                        "the built-in profile `{}` does not give the manifest's sharing level `{}`",
                        p.profile,
                        m.sharing_level.code()
                    ),
                    "/protection/profile".into(),
                ),
                label,
                None,
            );
        }
    }
}
