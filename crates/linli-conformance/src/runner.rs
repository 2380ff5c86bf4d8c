//! The runner: the suite against a vendor's adapter program or an exported dataset
//! (spec `spec/30-conformance.md`).

use std::collections::BTreeMap;
use std::io::{BufRead, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{Receiver, RecvTimeoutError};
use std::time::{Duration, Instant};

use serde::Serialize;
use sha2::Digest;

use crate::protocol::{CaseResponse, PROTOCOL, Product, Request, StartResponse, diff};
use crate::vector::{AdapterVector, Class, DocumentVector, Verdict, adapter_vectors, dataset_cases, document_vectors};

/// Version of the suite (the standard version it tests).
pub const SUITE_VERSION: &str = linli_model::STANDARD_VERSION;

/// What to run the suite against.
#[derive(Debug, Clone)]
pub enum Target {
    /// A vendor's adapter program and its arguments.
    Adapter(Vec<String>),
    /// An exported dataset directory.
    Dataset(PathBuf),
}

/// How to run.
#[derive(Debug, Clone)]
pub struct RunOptions {
    /// The suite folder (`conformance/`).
    pub suite: PathBuf,
    /// Time an adapter has to answer one request.
    pub case_timeout: Duration,
    /// Times a crashed, hung or garbling adapter is restarted before the remaining cases are
    /// given up as errors.
    pub max_restarts: u32,
    /// Longest answer line accepted from an adapter.
    pub max_line_bytes: usize,
    /// All the adapter may write to standard output in one run.
    pub max_output_bytes: u64,
    /// Seed of anything randomised (the order of cases); written into the report.
    pub seed: u64,
    /// Time the whole run against an adapter may take: an adapter that answers just under the
    /// per-answer deadline every time would otherwise hold the judge for hours. Outcomes not
    /// reached in time end `error` `[CNF-040]`.
    pub run_timeout: Duration,
    /// A file that receives what the adapter writes to its standard error (its logs,
    /// `[CNF-030]`), long digit runs masked, at most 16 MiB.
    pub stderr_log: Option<PathBuf>,
}

impl RunOptions {
    /// Defaults for the suite at `suite`.
    pub fn new(suite: PathBuf) -> Self {
        RunOptions {
            suite,
            case_timeout: Duration::from_secs(10),
            max_restarts: 3,
            max_line_bytes: 4 << 20,
            max_output_bytes: 256 << 20,
            seed: 1,
            run_timeout: Duration::from_secs(3600),
            stderr_log: None,
        }
    }
}

/// The outcome of one case `[CNF-040]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Outcome {
    /// The product did what the case expects.
    Pass,
    /// It did not.
    Fail,
    /// The adapter crashed, hung, or answered something malformed.
    Error,
    /// The vendor declared it skips the case (counts against the class).
    Skip,
    /// The case's class is not claimed.
    NotApplicable,
}

/// The result of one case and operation.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct CaseResult {
    /// Outcome ID, `CASE/OP` (`DS-0032/share-public`): what a vendor skip names exactly
    /// `[CNF-003]`.
    pub id: String,
    /// Case ID.
    pub case: String,
    /// Operation (`validate`, `roundtrip`, `export`, `convert`, `share-inter-department`,
    /// `share-public`; `dataset` for a requirement judged on a dataset target).
    pub op: &'static str,
    /// Class.
    pub class: Class,
    /// Requirements the case verifies.
    pub requirements: Vec<String>,
    /// Outcome.
    pub outcome: Outcome,
    /// What happened, in Chinese.
    pub detail_zh: String,
    /// What happened, in English.
    pub detail_en: String,
    /// Milliseconds the adapter took.
    pub ms: u64,
}

/// Verdict of a class.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct ClassVerdict {
    /// The class.
    pub class: Class,
    /// Whether the vendor claims it.
    pub claimed: bool,
    /// `pass`, `fail` or `not-claimed`.
    pub verdict: &'static str,
    /// Outcome counts.
    pub counts: BTreeMap<String, u64>,
}

/// A problem with the run itself rather than with one outcome `[CNF-050]`: it makes the exit
/// code 2.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct RunError {
    /// Stable code, never translated: `suite-refused`, `adapter-start`, `start-refused`,
    /// `adapter-restart`, `run-deadline`, `dataset-unreadable`, `dataset-empty`.
    pub code: &'static str,
    /// What happened, in Chinese.
    pub zh: String,
    /// What happened, in English.
    pub en: String,
}

impl RunError {
    fn new(code: &'static str, zh: impl Into<String>, en: impl Into<String>) -> Self {
        RunError { code, zh: zh.into(), en: en.into() }
    }
}

/// The final summary, `summary.json` `[CNF-050]`.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
#[schemars(title = "Linli conformance run summary", extend("x-linli-title-zh" = "邻里一致性测试结果摘要"))]
pub struct Summary {
    /// Format of this file.
    pub format: &'static str,
    /// Suite version.
    pub suite_version: &'static str,
    /// Runner version.
    pub runner_version: &'static str,
    /// Protocol version.
    pub protocol: &'static str,
    /// SHA-256 over the vector files used.
    pub vectors_sha256: String,
    /// SHA-256 over the schemas used.
    pub schemas_sha256: String,
    /// The target.
    pub target: String,
    /// The product as declared (adapter runs).
    pub product: Option<Product>,
    /// The seed.
    pub seed: u64,
    /// Start (RFC 3339).
    pub started_at: String,
    /// End (RFC 3339).
    pub finished_at: String,
    /// Verdict per class.
    pub classes: Vec<ClassVerdict>,
    /// Verdict per requirement over the cases that ran: `pass` or `fail`.
    pub requirements: BTreeMap<String, &'static str>,
    /// Every case result.
    pub cases: Vec<CaseResult>,
    /// Problems with the run itself (the adapter could not be started, the suite or the
    /// product was refused, …), each with a stable code and a message in both languages.
    pub run_errors: Vec<RunError>,
}

impl Summary {
    /// 0 every claimed class passes; 1 failures; 2 the run could not run or ran nothing.
    pub fn exit_code(&self) -> u8 {
        let ran = self.cases.iter().any(|c| c.outcome != Outcome::NotApplicable);
        if !self.run_errors.is_empty() || !ran {
            2
        } else if self.classes.iter().any(|c| c.claimed && c.verdict != "pass") {
            1
        } else {
            0
        }
    }
}

fn now() -> String {
    let t = time::OffsetDateTime::now_utc();
    linli_model::datetime::Timestamp::from_offset_datetime(t.replace_nanosecond(0).unwrap_or(t)).to_string()
}

/// The `linliFiles2` digest `[CNF-062]`: SHA-256 over, for each file in order of its path
/// relative to `root` (`/`-separated, byte-wise), the path's length (8 bytes, big-endian), the
/// path, the content's length and the content. An unreadable file has the length 2^64 − 1 and no
/// content. Lengths make the digest unambiguous: no two different sets of files share it.
fn digest_files(root: &Path, files: Vec<PathBuf>) -> String {
    let mut named: Vec<(String, PathBuf)> = files
        .into_iter()
        .map(|f| {
            let rel = f.strip_prefix(root).unwrap_or(&f);
            let name = rel.components().map(|c| c.as_os_str().to_string_lossy().into_owned()).collect::<Vec<_>>();
            (name.join("/"), f)
        })
        .collect();
    named.sort();
    let mut h = sha2::Sha256::new();
    for (name, f) in named {
        h.update((name.len() as u64).to_be_bytes());
        h.update(name.as_bytes());
        match linli_model::member::read_regular(&f) {
            Ok(bytes) => {
                h.update((bytes.len() as u64).to_be_bytes());
                h.update(&bytes);
            }
            Err(_) => h.update(u64::MAX.to_be_bytes()),
        }
    }
    linli_validate::input::hex(&h.finalize())
}

/// The digest of the vector files of the suite folder `suite` (`vectors_sha256` of the summary,
/// `[CNF-050]`; the suite subject of a result statement, `[CNF-062]`).
pub fn vectors_digest(suite: &Path) -> String {
    digest_files(
        suite,
        [files_under(&suite.join("vectors"), "json"), files_under(&suite.join("adapters"), "json")].concat(),
    )
}

/// The digest of the schemas next to the suite folder `suite` (`schemas_sha256`, `[CNF-050]`, `[CNF-062]`).
pub fn schemas_digest(suite: &Path) -> String {
    let schemas = suite.join("../schemas");
    digest_files(&schemas, files_under(&schemas, "json"))
}

/// The same digest over every file under `dir` (an exported dataset, `[CNF-062]`).
pub fn tree_digest(dir: &Path) -> String {
    digest_files(dir, files_under(dir, ""))
}

/// The text of a file the product wrote: only a regular file, never through a link, never
/// blocking on a FIFO ([`linli_model::member::open_regular`], `[DAT-014]`); empty when refused.
pub(crate) fn read_text(path: &Path) -> String {
    read_text_result(path).unwrap_or_default()
}

/// [`read_text`], with the reason when the file is not read.
pub(crate) fn read_text_result(path: &Path) -> Result<String, linli_model::member::MemberError> {
    linli_model::member::read_regular(path).map(|b| String::from_utf8_lossy(&b).into_owned())
}

/// Regular files under `dir` with extension `ext` (every one when `ext` is empty). Links are
/// never followed, and FIFOs, sockets and devices are left out: a product writes the folders
/// the judge reads, and a link to `/` or a FIFO named `x.ndjson` must not hang it.
fn files_under(dir: &Path, ext: &str) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).into_iter().flatten().flatten() {
            // The entry's own type: a link is a link, whatever it points to.
            let Ok(ft) = e.file_type() else { continue };
            let p = e.path();
            if ft.is_dir() {
                stack.push(p);
            } else if ft.is_file() && (ext.is_empty() || p.extension().is_some_and(|x| x == ext)) {
                out.push(p);
            }
        }
    }
    out
}

/// Most entries an export or share directory may hold.
const MAX_EXPORT_ENTRIES: usize = 10_000;

/// Why the directory a product wrote for an `export` or `share` case is not judged at all
/// `[CNF-034]`: it is no longer a directory of its own (replaced by a link), or it holds a link,
/// a FIFO, a socket or a device (reading one could block the judge or leave the folder), more
/// than [`MAX_EXPORT_ENTRIES`] entries, or more bytes than `max_bytes`.
pub(crate) fn export_not_plain(dir: &Path, max_bytes: u64) -> Option<String> {
    match std::fs::symlink_metadata(dir) {
        Ok(m) if m.file_type().is_dir() => {}
        _ => return Some(format!("{} is no longer a directory (removed or replaced by a link)", dir.display())),
    }
    let (mut entries, mut bytes) = (0usize, 0u64);
    let mut odd = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).into_iter().flatten().flatten() {
            entries += 1;
            if entries > MAX_EXPORT_ENTRIES {
                return Some(format!("more than {MAX_EXPORT_ENTRIES} entries"));
            }
            let rel = e.path().strip_prefix(dir).map(|p| p.display().to_string()).unwrap_or_default();
            match e.file_type() {
                Ok(t) if t.is_dir() => stack.push(e.path()),
                Ok(t) if t.is_file() => {
                    bytes = bytes.saturating_add(e.metadata().map(|m| m.len()).unwrap_or(0));
                    if bytes > max_bytes {
                        return Some(format!("more than {max_bytes} bytes"));
                    }
                }
                _ => odd.push(rel),
            }
        }
    }
    if odd.is_empty() {
        None
    } else {
        odd.sort();
        Some(format!("entries that are neither regular files nor folders (links, FIFOs, sockets, devices): {odd:?}"))
    }
}

/// What the adapter's reader thread hands over.
enum Line {
    Text(String),
    TooLong,
    Eof,
}

/// A running adapter process.
struct Session {
    child: Child,
    stdin: ChildStdin,
    lines: Receiver<Line>,
    /// How many bytes the adapter wrote to its standard error.
    stderr_bytes: std::sync::Arc<std::sync::atomic::AtomicU64>,
}

/// An adapter's log may quote the records it was sent: every run of 11 or more digits (a phone
/// or an identity number, with a final `X`) is masked before the log reaches a report [PRI-004].
fn mask_long_numbers(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut run = String::new();
    let flush = |run: &mut String, out: &mut String| {
        if run.chars().count() >= 11 {
            out.push_str(&linli_model::check::mask_middle(run));
        } else {
            out.push_str(run);
        }
        run.clear();
    };
    for c in text.chars() {
        if c.is_ascii_digit() || (matches!(c, 'X' | 'x') && !run.is_empty()) {
            run.push(c);
        } else {
            flush(&mut run, &mut out);
            out.push(c);
        }
    }
    flush(&mut run, &mut out);
    out
}

/// Longest stderr line read at once.
const STDERR_LINE: u64 = 64 << 10;

/// Most bytes of the adapter's standard error written to the log.
const STDERR_LOG_MAX: u64 = 16 << 20;

impl Session {
    fn spawn(cmd: &[String], opts: &RunOptions) -> Result<Session, String> {
        let (prog, args) = cmd.split_first().ok_or("empty adapter command")?;
        let mut command = Command::new(prog);
        command.args(args).stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped());
        // A process group of its own, so that whatever the adapter starts is stopped with it.
        #[cfg(unix)]
        std::os::unix::process::CommandExt::process_group(&mut command, 0);
        let mut child = command.spawn().map_err(|e| format!("cannot start `{prog}`: {e}"))?;
        let stdin = child.stdin.take().ok_or("no stdin")?;
        let stdout = child.stdout.take().ok_or("no stdout")?;
        let stderr = child.stderr.take().ok_or("no stderr")?;
        let stderr_bytes = std::sync::Arc::new(std::sync::atomic::AtomicU64::new(0));
        let counted = std::sync::Arc::clone(&stderr_bytes);
        let mut log = opts.stderr_log.as_ref().and_then(|p| {
            let mut o = std::fs::OpenOptions::new();
            o.create(true).append(true);
            // The adapter's logs may quote the records it was sent: the owner's eyes only.
            #[cfg(unix)]
            std::os::unix::fs::OpenOptionsExt::mode(&mut o, 0o600);
            o.open(p).ok().map(std::io::BufWriter::new)
        });
        std::thread::spawn(move || {
            let mut r = std::io::BufReader::new(stderr);
            let mut line = Vec::new();
            let mut logged = 0u64;
            loop {
                line.clear();
                // One line at a time (at most STDERR_LINE bytes of it), so that long numbers are
                // masked whole before anything is written.
                match std::io::Read::take(&mut r, STDERR_LINE).read_until(b'\n', &mut line) {
                    Ok(0) | Err(_) => break,
                    Ok(_) => {}
                }
                let masked = mask_long_numbers(&String::from_utf8_lossy(&line));
                if let Some(w) = log.as_mut() {
                    if logged < STDERR_LOG_MAX {
                        logged += masked.len() as u64;
                        let _ = w.write_all(masked.as_bytes()).and_then(|()| w.flush());
                        if logged >= STDERR_LOG_MAX {
                            let _ = w.write_all(b"\n[linli: log cut here, the adapter wrote more]\n");
                            let _ = w.flush();
                        }
                    }
                }
                counted.fetch_add(line.len() as u64, std::sync::atomic::Ordering::Relaxed);
            }
        });
        let (tx, rx) = std::sync::mpsc::channel();
        let (max_line, max_total) = (opts.max_line_bytes, opts.max_output_bytes);
        std::thread::spawn(move || {
            let mut r = std::io::BufReader::new(stdout);
            let mut total = 0u64;
            loop {
                let mut buf = Vec::new();
                let mut too_long = false;
                loop {
                    let chunk = match r.fill_buf() {
                        Ok(c) => c,
                        Err(_) => {
                            let _ = tx.send(Line::Eof);
                            return;
                        }
                    };
                    if chunk.is_empty() {
                        let _ = tx.send(if buf.is_empty() {
                            Line::Eof
                        } else {
                            Line::Text(String::from_utf8_lossy(&buf).into_owned())
                        });
                        return;
                    }
                    let (part, done) = match chunk.iter().position(|b| *b == b'\n') {
                        Some(i) => (&chunk[..i], Some(i + 1)),
                        None => (chunk, None),
                    };
                    if buf.len() + part.len() > max_line {
                        too_long = true;
                    } else if !too_long {
                        buf.extend_from_slice(part);
                    }
                    let n = done.unwrap_or(chunk.len());
                    total += n as u64;
                    r.consume(n);
                    if total > max_total {
                        let _ = tx.send(Line::TooLong);
                        return;
                    }
                    if done.is_some() {
                        break;
                    }
                }
                let msg = if too_long { Line::TooLong } else { Line::Text(String::from_utf8_lossy(&buf).into_owned()) };
                if tx.send(msg).is_err() {
                    return;
                }
            }
        });
        Ok(Session { child, stdin, lines: rx, stderr_bytes })
    }

    /// Send a request and wait for one answer line.
    fn ask(&mut self, req: &Request, timeout: Duration) -> Result<String, String> {
        let mut line = serde_json::to_string(req).map_err(|e| e.to_string())?;
        line.push('\n');
        self.stdin
            .write_all(line.as_bytes())
            .and_then(|()| self.stdin.flush())
            .map_err(|e| format!("the adapter stopped reading: {e}"))?;
        match self.lines.recv_timeout(timeout) {
            Ok(Line::Text(t)) => Ok(t),
            Ok(Line::TooLong) => Err("the adapter wrote more than the output cap".into()),
            Ok(Line::Eof) | Err(RecvTimeoutError::Disconnected) => Err(self.exited()),
            Err(RecvTimeoutError::Timeout) => Err(format!("no answer within {} ms", timeout.as_millis())),
        }
    }

    /// Why the adapter stopped answering: its exit status and the last lines of its standard error.
    fn exited(&mut self) -> String {
        // The stderr reader may still be draining what the adapter wrote just before it died.
        std::thread::sleep(Duration::from_millis(50));
        let status = match self.child.try_wait() {
            Ok(Some(s)) => format!(" ({s})"),
            _ => String::new(),
        };
        // Its logs are not quoted: they may hold the records it was sent (names, numbers in any
        // form). They are in the private log file of the run.
        match self.stderr_bytes.load(std::sync::atomic::Ordering::Relaxed) {
            0 => format!("the adapter exited{status}"),
            n => format!("the adapter exited{status}; it wrote {n} bytes to its standard error (adapter-stderr.log)"),
        }
    }

    /// Stop the adapter and every process it started (its process group): a child left running
    /// could keep writing into the export directories of a later run.
    fn kill(mut self) {
        #[cfg(unix)]
        let _ = Command::new("kill")
            .args(["-KILL", "--", &format!("-{}", self.child.id())])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status();
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn class_of_requirement(r: &str) -> Class {
    match &r[..3.min(r.len())] {
        "PER" | "ORG" => Class::People,
        "PLA" => Class::Places,
        "THG" => Class::Things,
        "EVT" => Class::Events,
        "CAS" => Class::Cases,
        "PRI" | "SHR" => Class::Privacy,
        "ADP" => Class::Adapters,
        _ => Class::Core,
    }
}

/// Run the suite against `target`, calling `event` with every case result as it is decided (the
/// JSON-lines log), and return the summary.
pub fn run(target: &Target, opts: &RunOptions, event: &mut dyn FnMut(&serde_json::Value)) -> Summary {
    let started_at = now();
    // A suite whose files break their rules is refused: nothing is judged by a broken judge.
    let vectors: Vec<DocumentVector> = match document_vectors(&opts.suite) {
        Ok(v) => v.into_iter().map(|(_, v)| v).collect(),
        Err(e) => return failed_run(target, opts, started_at, suite_refused(format!("{e} [CNF-010]"))),
    };
    let adapters: Vec<AdapterVector> = match adapter_vectors(&opts.suite) {
        Ok(v) => v.into_iter().map(|(_, v)| v).collect(),
        Err(e) => return failed_run(target, opts, started_at, suite_refused(format!("{e} [CNF-013]"))),
    };
    if let Some(dup) = duplicate_case_id(&opts.suite, &vectors, &adapters) {
        return failed_run(target, opts, started_at, suite_refused(format!("case ID {dup} is used twice [CNF-011]")));
    }
    if let Err(problems) = coverage_gate(&opts.suite, &vectors, &adapters) {
        return failed_run(
            target,
            opts,
            started_at,
            suite_refused(format!("the coverage gate fails: {problems} [CNF-020]")),
        );
    }
    let mut summary = Summary {
        format: "linli-conformance-summary/1",
        suite_version: SUITE_VERSION,
        runner_version: env!("CARGO_PKG_VERSION"),
        protocol: PROTOCOL,
        vectors_sha256: vectors_digest(&opts.suite),
        schemas_sha256: schemas_digest(&opts.suite),
        target: target_name(target),
        product: None,
        seed: opts.seed,
        started_at,
        finished_at: String::new(),
        classes: Vec::new(),
        requirements: BTreeMap::new(),
        cases: Vec::new(),
        run_errors: Vec::new(),
    };
    event(
        &serde_json::json!({"event": "run-started", "target": summary.target, "suite": SUITE_VERSION, "seed": opts.seed}),
    );
    let claimed = match target {
        Target::Adapter(cmd) => run_adapter(cmd, opts, &vectors, &adapters, &mut summary, event),
        Target::Dataset(dir) => run_dataset(dir, &opts.suite.join("../spec"), &mut summary, event),
    };
    finish(&mut summary, &claimed);
    summary.finished_at = now();
    event(&serde_json::json!({"event": "run-finished", "exit_code": summary.exit_code()}));
    summary
}

/// The coverage gate over the suite and the spec beside it (`SUITE/../spec`) `[CNF-020]`: the
/// problems, joined, when it fails.
fn coverage_gate(suite: &Path, vectors: &[DocumentVector], adapters: &[AdapterVector]) -> Result<(), String> {
    use crate::coverage::{Cases, coverage, exemptions, gate, requirements};
    let text = |e: crate::Error| e.to_string();
    let reqs = requirements(&suite.join("../spec")).map_err(text)?;
    let datasets: Vec<_> = dataset_cases(suite).map_err(text)?.into_iter().map(|(_, c)| c).collect();
    let runner: Vec<_> = crate::vector::runner_cases(suite).map_err(text)?.into_iter().map(|(_, c)| c).collect();
    let statements: Vec<_> = crate::vector::statement_cases(suite).map_err(text)?.into_iter().map(|(_, c)| c).collect();
    let profiles: Vec<_> = crate::vector::profile_cases(suite).map_err(text)?.into_iter().map(|(_, c)| c).collect();
    let reports: Vec<_> = crate::vector::report_cases(suite).map_err(text)?.into_iter().map(|(_, c)| c).collect();
    let exempt = exemptions(suite).map_err(text)?;
    let cases = Cases {
        vectors,
        datasets: &datasets,
        adapters,
        runner: &runner,
        statements: &statements,
        profiles: &profiles,
        reports: &reports,
    };
    let problems = gate(&reqs, &coverage(&reqs, cases, &exempt), &exempt);
    if problems.is_empty() { Ok(()) } else { Err(problems.join("; ")) }
}

/// A case ID used by two cases of the suite, if any `[CNF-011]`.
fn duplicate_case_id(suite: &Path, vectors: &[DocumentVector], adapters: &[AdapterVector]) -> Option<String> {
    let mut seen = std::collections::BTreeSet::new();
    let datasets = dataset_cases(suite).unwrap_or_default();
    let ids = vectors
        .iter()
        .map(|v| v.id.as_str())
        .chain(adapters.iter().map(|a| a.id.as_str()))
        .chain(datasets.iter().map(|(_, c)| c.id.as_str()));
    for id in ids {
        if !seen.insert(id) {
            return Some(id.to_owned());
        }
    }
    None
}

fn target_name(target: &Target) -> String {
    match target {
        Target::Adapter(cmd) => format!("adapter: {}", cmd.join(" ")),
        Target::Dataset(d) => format!("dataset: {}", d.display()),
    }
}

/// The suite breaks its own rules: nothing is judged by a broken judge.
fn suite_refused(detail: String) -> RunError {
    RunError::new(
        "suite-refused",
        format!("测试套件不符合其自身规则，拒绝运行：{detail}"),
        format!("the suite breaks its own rules and is not run: {detail}"),
    )
}

fn failed_run(target: &Target, opts: &RunOptions, started_at: String, why: RunError) -> Summary {
    Summary {
        format: "linli-conformance-summary/1",
        suite_version: SUITE_VERSION,
        runner_version: env!("CARGO_PKG_VERSION"),
        protocol: PROTOCOL,
        vectors_sha256: String::new(),
        schemas_sha256: String::new(),
        target: target_name(target),
        product: None,
        seed: opts.seed,
        started_at,
        finished_at: now(),
        classes: Vec::new(),
        requirements: BTreeMap::new(),
        cases: Vec::new(),
        run_errors: vec![why],
    }
}

/// A small deterministic shuffle (splitmix64) so that the case order depends on the seed only.
fn shuffle<T>(items: &mut [T], seed: u64) {
    let mut s = seed;
    let mut next = || {
        s = s.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = s;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    };
    for i in (1..items.len()).rev() {
        let j = (next() % (i as u64 + 1)) as usize;
        items.swap(i, j);
    }
}

/// Class names in a `start` answer that are no class of the specification (e.g. `dataset`), quoted.
fn unknown_classes(answer: &str) -> Option<String> {
    let v: serde_json::Value = serde_json::from_str(answer).ok()?;
    let bad: Vec<String> = v
        .get("classes")?
        .as_array()?
        .iter()
        .filter(|c| serde_json::from_value::<Class>((*c).clone()).is_err())
        .map(|c| c.to_string())
        .collect();
    (!bad.is_empty()).then(|| bad.join(", "))
}

fn start(cmd: &[String], opts: &RunOptions, seq: &mut u64) -> Result<(Session, StartResponse), String> {
    let mut s = Session::spawn(cmd, opts)?;
    *seq += 1;
    let req = Request::Start { seq: *seq, protocol: PROTOCOL.into(), suite: SUITE_VERSION.into(), seed: opts.seed };
    // Starting may take longer than answering a case (loading, a busy machine): at least 10 s.
    let answer = match s.ask(&req, opts.case_timeout.max(Duration::from_secs(10))) {
        Ok(a) => a,
        Err(e) => {
            s.kill();
            return Err(format!("start: {e}"));
        }
    };
    if let Some(unknown) = unknown_classes(&answer) {
        s.kill();
        return Err(format!(
            "start: {unknown} is not a class of this specification; the classes are {} [CNF-002]",
            Class::CURRENT.iter().map(|c| c.name()).collect::<Vec<_>>().join(", ")
        ));
    }
    match serde_json::from_str::<StartResponse>(&answer) {
        Ok(r) if r.seq == *seq => Ok((s, r)),
        Ok(r) => {
            s.kill();
            Err(format!("start: the answer echoes seq {} instead of {}", r.seq, *seq))
        }
        Err(e) => {
            s.kill();
            Err(format!("start: malformed answer: {e}"))
        }
    }
}

/// A control character (C0, DEL, C1) or an invisible formatting one (zero-width, bidirectional
/// overrides, soft hyphen, byte order mark).
fn invisible(c: char) -> bool {
    c.is_control()
        || matches!(c, '\u{ad}' | '\u{200b}'..='\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2060}'..='\u{2064}' | '\u{2066}'..='\u{2069}' | '\u{feff}')
}

/// Why the suite cannot run against what the adapter declared at `start` `[CNF-031]`: a version
/// that is not definite, a standard version the suite does not test, no class or a reserved one,
/// a skip that names no case or outcome of the suite, or one without a reason.
fn refuse_start(hello: &StartResponse, plan: &Plan<'_>) -> Vec<RunError> {
    let mut out = Vec::new();
    let mut refuse = |zh: String, en: String| out.push(RunError::new("start-refused", zh, en));
    let p = &hello.product;
    for (member, text) in [("vendor", &p.vendor), ("name", &p.name), ("version", &p.version)] {
        // Terminal escapes, carriage returns and invisible characters make a report show what
        // is not there (`latest` followed by a zero-width space is not a definite version).
        if text.chars().any(invisible) {
            refuse(
                format!("产品声明的 {member} {text:?} 含控制字符或不可见字符 [CNF-031]"),
                format!("product {member} {text:?} holds control or invisible characters [CNF-031]"),
            );
        }
    }
    let v = p.version.trim().to_ascii_lowercase();
    if v.is_empty() || matches!(v.as_str(), "latest" | "main" | "master" | "head" | "dev" | "snapshot" | "unknown") {
        refuse(
            format!("产品版本 {:?} 不是确定的版本号 [CNF-031]", p.version),
            format!("product version {:?} is not a definite version [CNF-031]", p.version),
        );
    }
    if !hello.standard_versions.iter().any(|s| s == SUITE_VERSION) {
        refuse(
            format!(
                "产品声明实现的标准版本为 {:?}；本测试套件检验的是 {SUITE_VERSION} 版 [CNF-031]",
                hello.standard_versions
            ),
            format!(
                "the product implements standard versions {:?}; this suite tests version {SUITE_VERSION} [CNF-031]",
                hello.standard_versions
            ),
        );
    }
    if hello.classes.is_empty() {
        refuse("产品未声明任何测试类别 [CNF-002]".into(), "the product claims no class [CNF-002]".into());
    }
    for c in &hello.classes {
        if !Class::CURRENT.contains(c) {
            refuse(
                format!("测试类别 `{}` 为保留类别，本测试套件尚无其用例 [CNF-002]", c.name()),
                format!("class `{}` is reserved: this suite has no cases for it yet [CNF-002]", c.name()),
            );
        }
    }
    let outcomes = plan.outcomes();
    for s in &hello.skips {
        if !outcomes.iter().any(|(v, op)| s.case == v.id || s.case == format!("{}/{op}", v.id)) {
            refuse(
                format!("跳过声明 {:?} 未指向本测试套件的任何用例或结果 [CNF-003]", s.case),
                format!("skip {:?} names no case or outcome of this suite [CNF-003]", s.case),
            );
        }
        if s.reason.chars().any(invisible) {
            refuse(
                format!("跳过声明 {:?} 的理由含控制字符或不可见字符 [CNF-003]", s.case),
                format!("the reason of skip {:?} holds control or invisible characters [CNF-003]", s.case),
            );
        }
        if s.reason.trim().is_empty() {
            refuse(
                format!("跳过声明 {:?} 没有给出理由 [CNF-003]", s.case),
                format!("skip {:?} has no reason [CNF-003]", s.case),
            );
        }
    }
    out
}

fn run_adapter(
    cmd: &[String],
    opts: &RunOptions,
    vectors: &[DocumentVector],
    adapters: &[AdapterVector],
    summary: &mut Summary,
    event: &mut dyn FnMut(&serde_json::Value),
) -> Vec<Class> {
    let mut seq = 0u64;
    let (session, hello) = match start(cmd, opts, &mut seq) {
        Ok(x) => x,
        Err(e) => {
            summary.run_errors.push(RunError::new("adapter-start", format!("适配器未能开始会话：{e}"), e));
            return Vec::new();
        }
    };
    // The product as declared goes into the summary even when the run is refused [CNF-050].
    summary.product = Some(hello.product.clone());
    event(&serde_json::json!({"event": "adapter-started", "product": hello.product, "classes": hello.classes}));
    let plan = Plan::new(&opts.suite, vectors, adapters);
    let refusals = refuse_start(&hello, &plan);
    if !refusals.is_empty() {
        summary.run_errors.extend(refusals);
        session.kill();
        return Vec::new();
    }
    let claimed = hello.classes.clone();
    let skips: BTreeMap<String, String> = hello.skips.iter().map(|s| (s.case.clone(), s.reason.clone())).collect();
    let mut work = plan.outcomes();
    let by_id: BTreeMap<&str, &AdapterVector> = adapters.iter().map(|a| (a.id.as_str(), a)).collect();
    shuffle(&mut work, opts.seed);
    let mut session = Some(session);
    let mut restarts = 0u32;
    // A deadline beyond what the clock can hold is no deadline.
    let deadline = Instant::now()
        .checked_add(opts.run_timeout)
        .unwrap_or_else(|| Instant::now() + Duration::from_secs(100 * 365 * 24 * 3600));
    for (v, op) in work {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero()
            && let Some(s) = session.take()
        {
            s.kill();
            let secs = opts.run_timeout.as_secs();
            summary.run_errors.push(RunError::new(
                "run-deadline",
                format!("运行超过了 {secs} 秒的时限，未执行的结果记为出错 [CNF-040]"),
                format!(
                    "the run took longer than its deadline of {secs} s; the outcomes not reached are errors [CNF-040]"
                ),
            ));
        }
        let mut result = CaseResult {
            id: format!("{}/{op}", v.id),
            case: v.id.clone(),
            op,
            class: v.class,
            requirements: v.requirements.clone(),
            outcome: Outcome::NotApplicable,
            detail_zh: String::new(),
            detail_en: String::new(),
            ms: 0,
        };
        if !claimed.contains(&v.class) {
            result.detail_zh = "未声明该测试类别".into();
            result.detail_en = "class not claimed".into();
        } else if let Some(reason) = skips.get(&result.id).or_else(|| skips.get(&v.id)) {
            result.outcome = Outcome::Skip;
            // The vendor's own words, with long digit runs masked as in every report [PRI-004].
            let reason = mask_long_numbers(reason);
            result.detail_zh = format!("厂商声明跳过：{reason}");
            result.detail_en = format!("skipped by the vendor: {reason}");
        } else if left.is_zero() {
            result.outcome = Outcome::Error;
            result.detail_zh = "运行已超过总时限，未执行".into();
            result.detail_en = "not run: the run had passed its deadline".into();
        } else if session.is_none() {
            result.outcome = Outcome::Error;
            result.detail_zh = "适配器已多次失败，不再重启".into();
            result.detail_en = "the adapter failed too often and was not restarted again".into();
        } else if let Some(s) = session.as_mut() {
            seq += 1;
            let export_dir = export_dir(opts.seed, seq);
            if op == "export" || op.starts_with("share-") {
                let _ = create_export_dir(&export_dir);
            }
            let req = match (op, by_id.get(v.id.as_str())) {
                ("convert", Some(a)) => Request::Convert {
                    seq,
                    case: a.id.clone(),
                    from: a.from.clone(),
                    to: a.to.clone(),
                    input: a.input.clone(),
                    input_base64: a.input_base64.clone(),
                    mapping: a.mapping.clone(),
                    options: a.options.clone(),
                },
                ("validate", _) => Request::Validate { seq, case: v.id.clone(), record: v.record.clone() },
                (op, _) if op.starts_with("share-") => {
                    plan.shares.request(v, op.trim_start_matches("share-"), seq, &export_dir)
                }
                ("export", _) => Request::Export {
                    seq,
                    case: v.id.clone(),
                    records: v.record.as_array().cloned().unwrap_or_default(),
                    directory: export_dir.display().to_string(),
                },
                _ => Request::Roundtrip { seq, case: v.id.clone(), record: v.record.clone() },
            };
            let t0 = Instant::now();
            let answer = s.ask(&req, opts.case_timeout.min(left));
            result.ms = u64::try_from(t0.elapsed().as_millis()).unwrap_or(u64::MAX);
            let judged = answer.and_then(|a| {
                let r: CaseResponse = serde_json::from_str(&a).map_err(|e| format!("malformed answer: {e}"))?;
                if r.seq != seq || r.case != v.id {
                    return Err(format!("the answer echoes seq {} case {} instead of {seq} {}", r.seq, r.case, v.id));
                }
                Ok(r)
            });
            // What the product wrote is looked at without following anything first [CNF-034].
            let plain_dir = (op == "export" || op.starts_with("share-"))
                .then(|| export_not_plain(&export_dir, opts.max_output_bytes))
                .flatten();
            match judged {
                Err(e) => {
                    result.outcome = Outcome::Error;
                    result.detail_zh = format!("适配器出错：{e}");
                    result.detail_en = format!("adapter error: {e}");
                    // Contain it: kill and restart, within the cap.
                    if let Some(s) = session.take() {
                        s.kill();
                    }
                    if restarts < opts.max_restarts {
                        restarts += 1;
                        event(&serde_json::json!({"event": "adapter-restarted", "after": v.id, "restarts": restarts}));
                        match start(cmd, opts, &mut seq) {
                            // The product that comes back must still be one the run accepts [CNF-031].
                            Ok((s, again)) => {
                                let refusals = refuse_start(&again, &plan);
                                if refusals.is_empty() && again.product == hello.product {
                                    session = Some(s);
                                } else {
                                    s.kill();
                                    summary.run_errors.extend(refusals);
                                    summary.run_errors.push(RunError::new(
                                        "adapter-restart",
                                        "重启后的适配器声明了另一产品或不可接受的内容，不再继续 [CNF-031]",
                                        "the restarted adapter declared another product or what the run refuses; it is not used [CNF-031]",
                                    ));
                                }
                            }
                            Err(e) => summary.run_errors.push(RunError::new(
                                "adapter-restart",
                                format!("适配器重启失败：{e}"),
                                format!("restart: {e}"),
                            )),
                        }
                    }
                }
                Ok(r) if r.error.is_some() => {
                    // The product said it could not do it: an error of the case [CNF-040].
                    let e = r.error.as_deref().unwrap_or_default();
                    result.outcome = Outcome::Error;
                    result.detail_zh = format!("产品报告无法完成：{e}");
                    result.detail_en = format!("the product reported it could not do it: {e}");
                }
                Ok(_) if (op == "export" || op.starts_with("share-")) && plain_dir.is_some() => {
                    let why = plain_dir.unwrap_or_default();
                    result.outcome = Outcome::Fail;
                    result.detail_zh = format!("导出目录不是普通的数据集目录，未读取：{why} [CNF-034]");
                    result.detail_en =
                        format!("the export directory is not a plain dataset folder and was not read: {why} [CNF-034]");
                }
                Ok(r) if op == "export" => judge_export(v, &r, &export_dir, &mut result),
                Ok(r) if op.starts_with("share-") => {
                    plan.shares.judge(v, op.trim_start_matches("share-"), &r, &export_dir, &mut result);
                }
                Ok(r) if op == "convert" => match by_id.get(v.id.as_str()) {
                    Some(a) => crate::convert::judge_convert(a, &r, &mut result),
                    None => result.outcome = Outcome::Error,
                },
                Ok(r) => judge(v, op, &r, &mut result),
            }
            if op == "export" || op.starts_with("share-") {
                let _ = std::fs::remove_dir_all(&export_dir);
            }
        }
        event(&serde_json::to_value(&result).unwrap_or_default());
        summary.cases.push(result);
    }
    if let Some(mut s) = session {
        seq += 1;
        let _ = s.ask(&Request::Stop { seq }, Duration::from_secs(2));
        s.kill();
    }
    summary.cases.sort_by(|a, b| a.id.cmp(&b.id));
    claimed
}

fn judge(v: &DocumentVector, op: &str, r: &CaseResponse, result: &mut CaseResult) {
    if let Some(e) = &r.error {
        result.outcome = Outcome::Fail;
        result.detail_zh = format!("产品无法处理：{e}");
        result.detail_en = format!("the product could not do it: {e}");
        return;
    }
    match op {
        "validate" => {
            let want = v.verdict == Verdict::Valid;
            match r.accepted {
                Some(got) if got == want => {
                    result.outcome = Outcome::Pass;
                    result.detail_zh = if want {
                        "正确地接受了有效记录".into()
                    } else {
                        "正确地拒绝了无效记录".into()
                    };
                    result.detail_en =
                        if want { "accepted a valid record".into() } else { "rejected an invalid record".into() };
                }
                Some(got) => {
                    // Say what the vector is about, so that the vendor need not look it up.
                    let expected: Vec<String> =
                        v.findings.iter().map(|f| format!("{} {}", f.code, f.pointer)).collect();
                    let (zh, en) = if got {
                        (
                            format!("接受了无效记录（应报告：{}）", expected.join("；")),
                            format!("accepted an invalid record (expected: {})", expected.join("; ")),
                        )
                    } else {
                        ("拒绝了有效记录".to_owned(), "rejected a valid record".to_owned())
                    };
                    result.outcome = Outcome::Fail;
                    result.detail_zh = format!("{zh} — {}", v.description.zh);
                    result.detail_en = format!("{en} — {}", v.description.en);
                }
                None => {
                    result.outcome = Outcome::Error;
                    result.detail_zh = "应答缺少 accepted".into();
                    result.detail_en = "the answer has no `accepted`".into();
                }
            }
        }
        _ => match &r.record {
            Some(back) => {
                let d = diff(&v.record, back);
                if d.is_empty() {
                    result.outcome = Outcome::Pass;
                    result.detail_zh = "往返转换后记录不变".into();
                    result.detail_en = "the record came back unchanged".into();
                } else {
                    result.outcome = Outcome::Fail;
                    result.detail_zh =
                        format!("往返转换改变了记录：丢失 {:?}，新增 {:?}，改变 {:?}", d.lost, d.added, d.changed);
                    result.detail_en = format!(
                        "the round trip changed the record: lost {:?}, added {:?}, changed {:?}",
                        d.lost, d.added, d.changed
                    );
                }
            }
            None => {
                result.outcome = Outcome::Error;
                result.detail_zh = "应答缺少 record".into();
                result.detail_en = "the answer has no `record`".into();
            }
        },
    }
}

/// What a run against an adapter sends: every outcome of the suite, by the table of operations
/// per class in chapter 30 `[CNF-003]`.
struct Plan<'a> {
    /// Document vectors: `validate` each, `roundtrip` each valid one (their own class).
    vectors: &'a [DocumentVector],
    /// Valid self-contained dataset cases as `export` cases (class `core`).
    exports: Vec<DocumentVector>,
    /// The share cases (class `privacy`) with their keys and reference times.
    shares: crate::share::Shares,
    /// Adapter vectors as `convert` cases (class `adapters`).
    converts: Vec<DocumentVector>,
}

impl<'a> Plan<'a> {
    fn new(suite: &Path, vectors: &'a [DocumentVector], adapters: &[AdapterVector]) -> Self {
        let exports = export_cases(suite);
        let shares = crate::share::Shares::new(suite, &exports);
        let converts = adapters
            .iter()
            .map(|a| DocumentVector {
                id: a.id.clone(),
                description: a.description.clone(),
                class: Class::Adapters,
                requirements: a.requirements.clone(),
                record: serde_json::Value::Null,
                verdict: Verdict::Valid,
                schema_verdict: Verdict::Valid,
                findings: Vec::new(),
            })
            .collect();
        Plan { vectors, exports, shares, converts }
    }

    /// Every (case, operation) of the suite, in file order.
    fn outcomes(&self) -> Vec<(&DocumentVector, &'static str)> {
        let mut work: Vec<(&DocumentVector, &'static str)> = Vec::new();
        for v in self.vectors {
            work.push((v, "validate"));
            if v.verdict == Verdict::Valid {
                work.push((v, "roundtrip"));
            }
        }
        work.extend(self.exports.iter().map(|v| (v, "export")));
        for v in &self.shares.vectors {
            work.push((v, "share-inter-department"));
            work.push((v, "share-public"));
        }
        work.extend(self.converts.iter().map(|v| (v, "convert")));
        work
    }
}

/// The valid dataset cases, each as a pseudo-vector whose `record` is the array of its records.
fn export_cases(suite: &Path) -> Vec<DocumentVector> {
    let mut out = Vec::new();
    for (dir, case) in dataset_cases(suite).unwrap_or_default() {
        // Only self-contained valid datasets: the export request carries no external references.
        let manifest = read_text(&dir.join("dataset/manifest.json"));
        let external = serde_json::from_str::<serde_json::Value>(&manifest)
            .ok()
            .and_then(|m| m.get("externalRefs").and_then(|x| x.as_array()).map(|a| !a.is_empty()))
            .unwrap_or(false);
        if !case.expected.is_empty() || case.dataset_checks || external {
            continue;
        }
        let records = dataset_records(&dir.join("dataset"));
        out.push(DocumentVector {
            id: case.id,
            description: case.description,
            class: Class::Core,
            requirements: {
                let mut r = case.requirements;
                r.push("CNF-034".into());
                r
            },
            record: serde_json::Value::Array(records),
            verdict: Verdict::Valid,
            schema_verdict: Verdict::Valid,
            findings: Vec::new(),
        });
    }
    out
}

fn export_dir(seed: u64, seq: u64) -> PathBuf {
    // Unique per process and call: several runs may share a process (the tests do). The random
    // part makes the name unguessable, so that nothing can be planted there before the case.
    static N: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let n = N.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let mut r = [0u8; 8];
    let _ = getrandom::fill(&mut r);
    let r = linli_validate::input::hex(&r);
    std::env::temp_dir().join(format!("linli-conformance-{}-{n}-{seed}-{seq}-{r}", std::process::id()))
}

/// Create the empty directory of an `export` or `share` case: new (never one found there), and
/// readable by its owner only where the platform has modes.
fn create_export_dir(dir: &Path) -> std::io::Result<()> {
    let mut b = std::fs::DirBuilder::new();
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut b, 0o700);
    b.create(dir)
}

/// Every record of the NDJSON files under `dir`, ordered by type and id.
pub(crate) fn dataset_records(dir: &Path) -> Vec<serde_json::Value> {
    let mut records = Vec::new();
    for f in files_under(dir, "ndjson") {
        let text = read_text(&f);
        records.extend(
            text.lines()
                .filter(|l| !l.trim().is_empty())
                .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok()),
        );
    }
    records.sort_by_key(|r| (r["type"].as_str().unwrap_or("").to_owned(), r["id"].as_str().unwrap_or("").to_owned()));
    records
}

/// Why an exported directory could not be checked.
pub(crate) enum ExportUnchecked {
    /// The validator could not be built (a defect of the harness).
    NoValidator(String),
    /// The directory could not be read as a dataset.
    Unreadable(String),
}

/// The warning- and error-level findings `linli validate` gives for the dataset in `dir`, one
/// line each (code, file, line, pointer).
pub(crate) fn dataset_findings(dir: &Path) -> Result<Vec<String>, ExportUnchecked> {
    let validator = linli_validate::Validator::new().map_err(|e| ExportUnchecked::NoValidator(e.to_string()))?;
    let opts = linli_validate::Options { max_findings: 20, threads: 1, ..linli_validate::Options::default() };
    let report = linli_validate::validate_paths(&[dir.to_path_buf()], &validator, &opts)
        .map_err(|e| ExportUnchecked::Unreadable(e.to_string()))?;
    Ok(report
        .findings
        .iter()
        .filter(|f| f.level != linli_model::check::Level::Info)
        .map(|f| format!("{} {} {}", f.code, place(f), f.pointer))
        .collect())
}

/// Where a finding is: `file:line`, or the file alone for a finding of a whole file (a manifest's,
/// which has no line), never `file:0`.
fn place(f: &linli_validate::finding::Finding) -> String {
    let file = f.file.as_deref().unwrap_or("-");
    match f.line {
        Some(line) if line > 0 => format!("{file}:{line}"),
        _ => file.to_owned(),
    }
}

/// An export case: the directory must hold a dataset that `linli validate` accepts, with exactly
/// the records sent, unchanged.
fn judge_export(v: &DocumentVector, r: &CaseResponse, dir: &Path, result: &mut CaseResult) {
    if let Some(e) = &r.error {
        result.outcome = Outcome::Fail;
        result.detail_zh = format!("产品无法导出：{e}");
        result.detail_en = format!("the product could not export: {e}");
        return;
    }
    let errors = match dataset_findings(dir) {
        Ok(found) => found,
        Err(ExportUnchecked::NoValidator(e)) => {
            result.outcome = Outcome::Error;
            result.detail_en = e;
            return;
        }
        Err(ExportUnchecked::Unreadable(e)) => {
            result.outcome = Outcome::Fail;
            result.detail_zh = format!("导出目录无法读取：{e}");
            result.detail_en = format!("the export cannot be read: {e}");
            return;
        }
    };
    let d = diff(&v.record, &serde_json::Value::Array(dataset_records(dir)));
    if errors.is_empty() && d.is_empty() {
        result.outcome = Outcome::Pass;
        result.detail_zh = "导出的数据集有效，记录完整无变化".into();
        result.detail_en = "the export is a valid dataset holding the records unchanged".into();
    } else {
        result.outcome = Outcome::Fail;
        result.detail_zh = format!(
            "导出的数据集有问题：{:?}；记录差异：丢失 {:?}，新增 {:?}，改变 {:?}",
            errors, d.lost, d.added, d.changed
        );
        result.detail_en = format!(
            "the export has problems: {:?}; records: lost {:?}, added {:?}, changed {:?}",
            errors, d.lost, d.added, d.changed
        );
    }
}

/// A dataset target: validate the export, and judge each class by the findings on its
/// requirements.
fn run_dataset(
    dir: &Path,
    spec: &Path,
    summary: &mut Summary,
    event: &mut dyn FnMut(&serde_json::Value),
) -> Vec<Class> {
    let validator = match linli_validate::Validator::new() {
        Ok(v) => v,
        Err(e) => {
            summary.run_errors.push(RunError::new("dataset-unreadable", format!("无法建立校验器：{e}"), e.to_string()));
            return Vec::new();
        }
    };
    let opts = linli_validate::Options {
        max_findings: usize::MAX,
        max_per_rule: 0,
        dataset_checks: true,
        ..linli_validate::Options::default()
    };
    let report = match linli_validate::validate_paths(&[dir.to_path_buf()], &validator, &opts) {
        Ok(r) => r,
        Err(e) => {
            summary.run_errors.push(RunError::new("dataset-unreadable", format!("数据集无法读取：{e}"), e.to_string()));
            return Vec::new();
        }
    };
    if report.records == 0 {
        summary.run_errors.push(RunError::new("dataset-empty", "数据集中没有任何记录", "the dataset holds no record"));
    }
    let mut by_req: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for f in report.findings.iter().filter(|f| f.level == linli_model::check::Level::Error) {
        if let Some(r) = f.requirement {
            by_req.entry(r.to_owned()).or_default().push(format!("{} {} {}", place(f), f.pointer, f.code));
        }
    }
    // A class is judged when the dataset holds what it is about, or when a finding cites it.
    let mut judged = dataset_classes(dir);
    for r in by_req.keys() {
        let class = class_of_requirement(r);
        if Class::DATASET.contains(&class) && !judged.contains(&class) {
            judged.push(class);
        }
    }
    let reqs = crate::coverage::requirements(spec).unwrap_or_default();
    for r in reqs {
        let class = class_of_requirement(&r.id);
        if !Class::DATASET.contains(&class) || r.id.starts_with("CNF-") {
            // Requirements on conversions, on the suite and its runner, and on verifiers are not
            // judged from a dataset.
            continue;
        }
        let fails = by_req.get(&r.id);
        let outcome = if !judged.contains(&class) {
            Outcome::NotApplicable
        } else if fails.is_some() {
            Outcome::Fail
        } else {
            Outcome::Pass
        };
        let result = CaseResult {
            id: format!("{}/dataset", r.id),
            case: r.id.clone(),
            op: "dataset",
            class,
            requirements: vec![r.id.clone()],
            outcome,
            detail_zh: if outcome == Outcome::NotApplicable {
                "数据集中没有该类别涉及的内容，不评判".into()
            } else {
                fails
                    .map(|f| {
                        format!("{} 处违反：{}", f.len(), f.iter().take(5).cloned().collect::<Vec<_>>().join("; "))
                    })
                    .unwrap_or_else(|| "未发现违反".into())
            },
            detail_en: if outcome == Outcome::NotApplicable {
                "the dataset holds nothing this class is about: not judged".into()
            } else {
                fails
                    .map(|f| {
                        format!("{} violations: {}", f.len(), f.iter().take(5).cloned().collect::<Vec<_>>().join("; "))
                    })
                    .unwrap_or_else(|| "no violation found".into())
            },
            ms: 0,
        };
        event(&serde_json::to_value(&result).unwrap_or_default());
        summary.cases.push(result);
    }
    judged
}

/// The classes a dataset target holds evidence for `[CNF-003]`, so
/// that a dataset of one Place does not pass `people` for want of people. `core`: any record;
/// `people`: a Person or an Organization; `places`: a Place; `things`: a Thing; `events`: an
/// Event; `cases`: a Case; `privacy`: a manifest that declares a sharing level other than
/// `internal` (the leak checks apply only then).
fn dataset_classes(dir: &Path) -> Vec<Class> {
    let records = dataset_records(dir);
    let has = |types: &[&str]| records.iter().any(|r| r["type"].as_str().is_some_and(|t| types.contains(&t)));
    let manifest = Some(read_text(&dir.join(linli_model::manifest::MANIFEST_FILE)))
        .and_then(|t| serde_json::from_str::<serde_json::Value>(t.trim_start_matches('\u{feff}')).ok());
    let shared = manifest
        .as_ref()
        .and_then(|m| m.get("sharingLevel"))
        .and_then(serde_json::Value::as_str)
        .is_some_and(|l| l != "internal");
    let mut out = Vec::new();
    for class in Class::DATASET {
        let evidence = match class {
            Class::Core => !records.is_empty(),
            Class::People => has(&["Person", "Organization"]),
            Class::Places => has(&["Place"]),
            Class::Things => has(&["Thing"]),
            Class::Events => has(&["Event"]),
            Class::Cases => has(&["Case"]),
            Class::Privacy => shared,
            Class::Adapters | Class::Api => false,
        };
        if evidence {
            out.push(*class);
        }
    }
    out
}

fn finish(summary: &mut Summary, claimed: &[Class]) {
    for class in Class::CURRENT {
        let mut counts: BTreeMap<String, u64> = BTreeMap::new();
        for c in summary.cases.iter().filter(|c| c.class == *class) {
            let k =
                serde_json::to_value(c.outcome).ok().and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_default();
            *counts.entry(k).or_default() += 1;
        }
        let is_claimed = claimed.contains(class);
        let bad = summary
            .cases
            .iter()
            .any(|c| c.class == *class && matches!(c.outcome, Outcome::Fail | Outcome::Error | Outcome::Skip));
        let any = summary.cases.iter().any(|c| c.class == *class && c.outcome == Outcome::Pass);
        summary.classes.push(ClassVerdict {
            class: *class,
            claimed: is_claimed,
            verdict: if !is_claimed {
                "not-claimed"
            } else if bad || !any {
                "fail"
            } else {
                "pass"
            },
            counts,
        });
    }
    for c in &summary.cases {
        if matches!(c.outcome, Outcome::NotApplicable) {
            continue;
        }
        for r in &c.requirements {
            let e = summary.requirements.entry(r.clone()).or_insert("pass");
            if matches!(c.outcome, Outcome::Fail | Outcome::Error | Outcome::Skip) {
                *e = "fail";
            }
        }
    }
}

/// Every outcome of the suite against an adapter, for listing: (outcome ID, class) `[CNF-003]`.
pub fn list_outcomes(suite: &Path) -> Result<Vec<(String, Class)>, crate::Error> {
    let vectors: Vec<DocumentVector> = document_vectors(suite)?.into_iter().map(|(_, v)| v).collect();
    let adapters: Vec<AdapterVector> = adapter_vectors(suite)?.into_iter().map(|(_, a)| a).collect();
    let plan = Plan::new(suite, &vectors, &adapters);
    let mut out: Vec<(String, Class)> =
        plan.outcomes().into_iter().map(|(v, op)| (format!("{}/{op}", v.id), v.class)).collect();
    out.sort();
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(unix)]
    #[test]
    fn export_directories_are_new_unguessable_and_private() {
        use std::os::unix::fs::PermissionsExt;
        let (a, b) = (export_dir(1, 5), export_dir(1, 5));
        assert_ne!(a.file_name(), b.file_name());
        create_export_dir(&a).expect("new");
        assert_eq!(std::fs::metadata(&a).expect("dir").permissions().mode() & 0o777, 0o700);
        assert!(create_export_dir(&a).is_err(), "an existing directory is never reused");
        let _ = std::fs::remove_dir(&a);
    }

    #[test]
    fn long_numbers_in_an_adapter_log_are_masked() {
        let masked = mask_long_numbers("bad record 32050819800315462X phone 13812345678 seq 42 at 2024");
        assert!(!masked.contains("32050819800315462X") && !masked.contains("13812345678"), "{masked}");
        assert!(masked.contains("seq 42 at 2024"), "{masked}");
        assert!(masked.contains('*'), "{masked}");
    }

    #[test]
    fn the_files_digest_is_unambiguous() {
        let root = std::env::temp_dir().join(format!("linli-digest-{}", std::process::id()));
        let one = root.join("one");
        let two = root.join("two");
        let three = root.join("three/sub");
        for d in [&one, &two, &three] {
            std::fs::create_dir_all(d).expect("dir");
        }
        // The same bytes, split differently between two files, or moved to another folder.
        std::fs::write(one.join("a.ndjson"), "b.ndjson{\"x\":1}\n").expect("write");
        std::fs::write(two.join("a.ndjson"), "").expect("write");
        std::fs::write(two.join("b.ndjson"), "{\"x\":1}\n").expect("write");
        std::fs::write(three.join("a.ndjson"), "b.ndjson{\"x\":1}\n").expect("write");
        let (d1, d2, d3) = (tree_digest(&one), tree_digest(&two), tree_digest(&root.join("three")));
        assert_ne!(d1, d2);
        assert_ne!(d1, d3, "a file moved into a sub-folder changes the digest");
        // Known answer, computed by hand from the definition: one file `a` holding `x`.
        std::fs::remove_dir_all(&one).expect("rm");
        std::fs::create_dir_all(&one).expect("dir");
        std::fs::write(one.join("a"), "x").expect("write");
        let mut input = Vec::new();
        input.extend_from_slice(&1u64.to_be_bytes());
        input.extend_from_slice(b"a");
        input.extend_from_slice(&1u64.to_be_bytes());
        input.extend_from_slice(b"x");
        assert_eq!(tree_digest(&one), linli_validate::input::hex(&sha2::Sha256::digest(&input)));
        let _ = std::fs::remove_dir_all(&root);
    }

    #[test]
    fn names_that_are_no_class_are_named_in_the_refusal() {
        let answer = r#"{"seq":1,"product":{"vendor":"v","name":"n","version":"1"},"standard_versions":["0.1.0"],"classes":["core","dataset","API"]}"#;
        assert_eq!(unknown_classes(answer).as_deref(), Some(r#""dataset", "API""#));
        assert_eq!(unknown_classes(r#"{"classes":["core","api"]}"#), None, "api is a class, refused later as reserved");
    }

    #[test]
    fn a_product_declared_with_control_or_invisible_characters_is_refused() {
        let suite = crate::vector::suite_dir();
        let vectors: Vec<DocumentVector> =
            document_vectors(&suite).expect("suite").into_iter().map(|(_, v)| v).collect();
        let plan = Plan::new(&suite, &vectors, &[]);
        let hello = |vendor: &str, name: &str, version: &str| StartResponse {
            seq: 1,
            product: Product { vendor: vendor.into(), name: name.into(), version: version.into() },
            standard_versions: vec![SUITE_VERSION.into()],
            classes: vec![Class::Places],
            skips: Vec::new(),
        };
        assert!(refuse_start(&hello("v", "n", "1.0"), &plan).is_empty());
        // A skip reason is the vendor's text too: no control or invisible characters in it.
        let case = plan.outcomes()[0].0.id.clone();
        for (reason, refused) in [("not yet", false), ("not\u{202e}yet", true), ("\u{1b}[2Kok", true)] {
            let mut h = hello("v", "n", "1.0");
            h.skips = vec![crate::protocol::Skip { case: case.clone(), reason: reason.into() }];
            assert_eq!(!refuse_start(&h, &plan).is_empty(), refused, "{reason:?}");
        }
        for (vendor, name, version) in [
            ("v", "n", "latest\u{200b}"),
            ("v", "n", "latest\r\u{1b}[2K1.0"),
            ("v", "n\u{1b}[31m", "1.0"),
            ("v\u{202e}", "n", "1.0"),
            ("v", "n", "1.0\u{0}"),
        ] {
            let why = refuse_start(&hello(vendor, name, version), &plan);
            assert!(!why.is_empty(), "{vendor:?} {name:?} {version:?} accepted");
            assert!(
                why.iter().all(|w| !w.en.chars().any(char::is_control) && !w.zh.chars().any(char::is_control)),
                "{why:?}"
            );
            assert!(why.iter().all(|w| w.code == "start-refused"));
        }
    }

    #[test]
    fn the_plan_follows_the_table_of_operations_per_class() {
        let suite = crate::vector::suite_dir();
        let outcomes = list_outcomes(&suite).expect("suite");
        let ids: BTreeMap<&str, Class> = outcomes.iter().map(|(id, c)| (id.as_str(), *c)).collect();
        assert_eq!(ids.len(), outcomes.len(), "outcome IDs are unique");
        for (id, class) in &outcomes {
            let (_, op) = id.split_once('/').expect("CASE/OP");
            let expected: &[Class] = match op {
                "export" => &[Class::Core],
                "share-inter-department" | "share-public" => &[Class::Privacy],
                "convert" => &[Class::Adapters],
                "validate" | "roundtrip" => {
                    &[Class::Core, Class::People, Class::Places, Class::Things, Class::Events, Class::Cases]
                }
                other => panic!("unknown operation {other}"),
            };
            assert!(expected.contains(class), "{id} in class {}", class.name());
        }
        // Every export case is also shared at both levels.
        for (id, _) in outcomes.iter().filter(|(id, _)| id.ends_with("/export")) {
            let case = id.trim_end_matches("/export");
            assert!(ids.contains_key(format!("{case}/share-public").as_str()));
            assert!(ids.contains_key(format!("{case}/share-inter-department").as_str()));
        }
    }
}
