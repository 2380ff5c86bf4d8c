//! The runner: the suite against a vendor's adapter program or an exported dataset
//! (spec `spec/30-conformance.md`).

mod adapter;
mod api;
mod dataset;
mod files;
mod judge;
mod mask;
pub(crate) mod plan;
mod process;
mod work;

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

pub use self::api::ApiTarget;
pub(crate) use self::dataset::{ExportUnchecked, dataset_findings, dataset_records};
pub(crate) use self::files::{export_not_plain, read_text, read_text_result};
pub use self::files::{schemas_digest, tree_digest, vectors_digest};
pub use self::process::kill_adapters;
pub use self::work::remove_work_dirs;

use self::adapter::{run_adapter, unknown_classes};
use self::dataset::run_dataset;
use self::files::files_under;
use self::judge::{judge, judge_export};
use self::mask::Sent;
use self::plan::{Plan, shuffle};
use self::process::{invisible, mask_long_numbers, start};

/// Version of the suite (the standard version it tests).
pub const SUITE_VERSION: &str = linli_model::STANDARD_VERSION;

/// What to run the suite against.
#[derive(Debug, Clone)]
pub enum Target {
    /// A vendor's adapter program and its arguments.
    Adapter(Vec<String>),
    /// An exported dataset directory.
    Dataset(PathBuf),
    /// A live exchange node (chapter 31): the class `api` `[CNF-072]`.
    Api(ApiTarget),
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
    /// The folder the case directories of `export` and `share` cases are made in `[CNF-067]`:
    /// one left there by a run that was killed is removed at the start, and the folder is
    /// removed at the end (and by [`remove_work_dirs`] on an interrupt). `None`: a new private
    /// folder in the system's temporary folder, which a killed run leaves behind.
    pub work_dir: Option<PathBuf>,
    /// The longest answer read from a node in an api run (a flood is cut there and the case
    /// ends `error`) `[CNF-075]`.
    pub max_answer_bytes: u64,
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
            work_dir: None,
            max_answer_bytes: 64 << 20,
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

impl Outcome {
    /// The outcome as the reports write it (`not-applicable`).
    pub fn name(self) -> &'static str {
        match self {
            Outcome::Pass => "pass",
            Outcome::Fail => "fail",
            Outcome::Error => "error",
            Outcome::Skip => "skip",
            Outcome::NotApplicable => "not-applicable",
        }
    }
}

/// A case result as an event of the JSON-lines log `[CNF-050]`; should it not serialise, an
/// event that says so with the case's ID, never a `null` line.
fn case_event(result: &CaseResult) -> serde_json::Value {
    serde_json::to_value(result).unwrap_or_else(|e| {
        serde_json::json!({"event": "case-unwritable", "id": result.id, "outcome": result.outcome.name(), "error": e.to_string()})
    })
}

/// What an exchange node said of itself at the start of an api run `[CNF-076]`.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct NodeSeen {
    /// The base URL.
    pub url: String,
    /// `version` of `GET /v1/status`, if it answered.
    pub version: Option<String>,
    /// `storage` of `GET /v1/status`, if it answered.
    pub storage: Option<String>,
    /// SHA-256 (lower-case hex) of the bytes of `GET /openapi.json`, if it answered `200`.
    pub openapi_sha256: Option<String>,
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
    /// `adapter-restart`, `run-deadline`, `dataset-unreadable`, `dataset-not-directory`,
    /// `dataset-empty`, `work-dir`, `api-target`, `api-token`.
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
    /// The node as it answered (api runs) `[CNF-076]`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub node: Option<NodeSeen>,
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
    /// The overall verdict `[CNF-071]`: `pass` when every claimed class passes (exit code 0),
    /// `fail` when a claimed class fails (1), `no-verdict` when the run could not run or ran
    /// nothing (2).
    pub verdict: &'static str,
}

impl Summary {
    /// The overall verdict of [`Summary::exit_code`]: `pass`, `fail` or `no-verdict` `[CNF-071]`.
    pub fn overall(&self) -> &'static str {
        match self.exit_code() {
            0 => "pass",
            1 => "fail",
            _ => "no-verdict",
        }
    }

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

/// A list for a report's detail `[CNF-070]`: the items joined, in Chinese by `、`, in English by
/// `, `; `无` / `none` when there is none. The items are the same in both languages.
pub(crate) fn listed(items: &[String], zh: bool) -> String {
    match (items.is_empty(), zh) {
        (true, true) => "无".to_owned(),
        (true, false) => "none".to_owned(),
        (false, true) => items.join("、"),
        (false, false) => items.join(", "),
    }
}

fn now() -> String {
    linli_model::support::clock::now_utc().to_string()
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
        node: None,
        seed: opts.seed,
        started_at,
        finished_at: String::new(),
        classes: Vec::new(),
        requirements: BTreeMap::new(),
        cases: Vec::new(),
        run_errors: Vec::new(),
        verdict: "no-verdict",
    };
    event(
        &serde_json::json!({"event": "run-started", "target": summary.target, "suite": SUITE_VERSION, "seed": opts.seed}),
    );
    let claimed = match target {
        Target::Adapter(cmd) => match work::WorkDir::create(opts.work_dir.as_deref()) {
            Ok(work) => run_adapter(cmd, opts, work.path(), &vectors, &adapters, &mut summary, event),
            Err(e) => {
                let at = opts.work_dir.as_deref().map_or_else(std::env::temp_dir, Path::to_path_buf);
                let describe = linli_model::io_text::describe;
                summary.run_errors.push(RunError::new(
                    "work-dir",
                    format!("无法建立用例目录所在的工作目录 {}{} [CNF-067]", at.display(), describe(&e, true)),
                    format!(
                        "cannot make the work folder of the case directories {}{} [CNF-067]",
                        at.display(),
                        describe(&e, false)
                    ),
                ));
                Vec::new()
            }
        },
        Target::Dataset(dir) => run_dataset(dir, &opts.suite.join("../spec"), &mut summary, event),
        Target::Api(api) => api::run_api(api, opts, &vectors, &mut summary, event),
    };
    finish(&mut summary, &claimed);
    summary.verdict = summary.overall();
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
    let api: Vec<_> = crate::vector::api_cases(suite).map_err(text)?.into_iter().map(|(_, c)| c).collect();
    let exempt = exemptions(suite).map_err(text)?;
    let cases = Cases {
        vectors,
        datasets: &datasets,
        adapters,
        runner: &runner,
        statements: &statements,
        profiles: &profiles,
        reports: &reports,
        api: &api,
    };
    let problems = gate(&reqs, &coverage(&reqs, cases, &exempt), &exempt);
    if problems.is_empty() { Ok(()) } else { Err(problems.join("; ")) }
}

/// A case ID used by two cases of the suite, if any `[CNF-011]`.
fn duplicate_case_id(suite: &Path, vectors: &[DocumentVector], adapters: &[AdapterVector]) -> Option<String> {
    let mut seen = std::collections::BTreeSet::new();
    // A suite whose dataset cases do not read is refused before any case runs (the coverage
    // gate, `suite-refused` [CNF-020]): the default, no dataset cases, is then never judged.
    let datasets = dataset_cases(suite).unwrap_or_default();
    // Likewise the api cases (the coverage gate reads them first): the default is never judged.
    let api = crate::vector::api_cases(suite).unwrap_or_default();
    let ids = vectors
        .iter()
        .map(|v| v.id.as_str())
        .chain(adapters.iter().map(|a| a.id.as_str()))
        .chain(datasets.iter().map(|(_, c)| c.id.as_str()))
        .chain(api.iter().map(|(_, c)| c.id.as_str()));
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
        // The URL only: the tokens are never written into a report.
        Target::Api(a) => format!("api: {}", a.shown_url()),
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
        node: None,
        seed: opts.seed,
        started_at,
        finished_at: now(),
        classes: Vec::new(),
        requirements: BTreeMap::new(),
        cases: Vec::new(),
        run_errors: vec![why],
        verdict: "no-verdict",
    }
}

fn finish(summary: &mut Summary, claimed: &[Class]) {
    for class in Class::CURRENT {
        let mut counts: BTreeMap<String, u64> = BTreeMap::new();
        for c in summary.cases.iter().filter(|c| c.class == *class) {
            *counts.entry(c.outcome.name().to_owned()).or_default() += 1;
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
    // The class `api`, run against a node (`--api`) `[CNF-072]`.
    let api = api::suite_cases(suite)
        .map_err(|message| crate::Error::Suite { path: suite.join("api").display().to_string(), message })?;
    out.extend(api::outcomes(&api, &vectors).into_iter().map(|id| (id, Class::Api)));
    out.sort();
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::adapter::{create_export_dir, export_dir, refuse_start};
    use super::*;

    #[cfg(unix)]
    #[test]
    fn export_directories_are_new_unguessable_and_private() {
        use std::os::unix::fs::PermissionsExt;
        let tmp = std::env::temp_dir();
        let (a, b) = (export_dir(&tmp, 1, 5), export_dir(&tmp, 1, 5));
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
        assert_eq!(tree_digest(&one), linli_model::support::hex::encode(&sha2::Sha256::digest(&input)));
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
                "api" | "api-write" => &[Class::Api],
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
