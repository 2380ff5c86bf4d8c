//! Vector files (spec `spec/30-conformance.md`): document vectors, the registry of case IDs.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::Error;

/// A conformance class: what a vendor claims to implement `[CNF-002]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum Class {
    /// Records frame, conventions, references, extensions.
    Core,
    /// Person and Organization.
    People,
    /// Place.
    Places,
    /// Thing.
    Things,
    /// Event.
    Events,
    /// Case and its state machine.
    Cases,
    /// Adapters from other formats: source input → expected records and loss report.
    Adapters,
    /// Privacy: sharing levels, masking, leak checks.
    Privacy,
    /// An exchange node's HTTP interface (chapter 31), judged only by an `--api` run
    /// `[CNF-072]`.
    Api,
}

impl Class {
    /// The classes that have cases in this version.
    pub const CURRENT: &'static [Class] = &[
        Class::Core,
        Class::People,
        Class::Places,
        Class::Things,
        Class::Events,
        Class::Cases,
        Class::Adapters,
        Class::Privacy,
        Class::Api,
    ];

    /// The classes an adapter can claim: every current class but `api`, which only a run against
    /// a node judges `[CNF-072]`.
    pub const ADAPTER: &'static [Class] = &[
        Class::Core,
        Class::People,
        Class::Places,
        Class::Things,
        Class::Events,
        Class::Cases,
        Class::Adapters,
        Class::Privacy,
    ];

    /// The classes a dataset can be judged on (a dataset target).
    pub const DATASET: &'static [Class] =
        &[Class::Core, Class::People, Class::Places, Class::Things, Class::Events, Class::Cases, Class::Privacy];

    /// The class name in Chinese, for reports.
    pub fn name_zh(self) -> &'static str {
        match self {
            Class::Core => "核心",
            Class::People => "人员与组织",
            Class::Places => "地点",
            Class::Things => "物品",
            Class::Events => "事件",
            Class::Cases => "案件",
            Class::Adapters => "适配器",
            Class::Privacy => "隐私与共享",
            Class::Api => "接口",
        }
    }

    /// The class name as used in paths and reports.
    pub fn name(self) -> &'static str {
        match self {
            Class::Core => "core",
            Class::People => "people",
            Class::Places => "places",
            Class::Things => "things",
            Class::Events => "events",
            Class::Cases => "cases",
            Class::Adapters => "adapters",
            Class::Privacy => "privacy",
            Class::Api => "api",
        }
    }
}

/// A text in both languages.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Bilingual {
    /// Chinese.
    pub zh: String,
    /// English.
    pub en: String,
}

/// Valid or invalid.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Verdict {
    /// Conforms.
    Valid,
    /// Does not conform.
    Invalid,
}

/// A finding a vector expects.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ExpectedFinding {
    /// Finding code (`spec/20-findings.md`, `spec/21-validation.md`).
    pub code: String,
    /// JSON pointer into the record.
    pub pointer: String,
}

/// A document vector: one record and what a conforming validator says of it `[CNF-010]`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "Linli document vector", extend("x-linli-title-zh" = "邻里文档测试向量"))]
pub struct DocumentVector {
    /// Stable case ID, e.g. `PER-V-0007`: never derived from the description, never reused.
    #[schemars(regex(pattern = r"^[A-Z]{3}-V-[0-9]{4}$"))]
    pub id: String,
    /// What the case shows.
    pub description: Bilingual,
    /// The class the case belongs to.
    pub class: Class,
    /// Requirement IDs the case verifies.
    #[schemars(length(min = 1))]
    pub requirements: Vec<String>,
    /// The record.
    pub record: serde_json::Value,
    /// The verdict of a conforming validator (schema and semantic checks).
    pub verdict: Verdict,
    /// The verdict of the JSON Schema alone; every JSON Schema validator MUST agree with it.
    pub schema_verdict: Verdict,
    /// For invalid records: the findings with level `error` (codes and pointers), exactly.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub findings: Vec<ExpectedFinding>,
}

/// One entry of the registry of case IDs `[CNF-011]`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RegistryEntry {
    /// The case ID.
    pub id: String,
    /// `active`, or `retired` (kept so that the ID is never used again).
    pub status: CaseStatus,
    /// Where the case lives, relative to `conformance/`.
    pub path: String,
    /// Why it was retired.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retired_because: Option<String>,
}

/// Status of a case ID.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum CaseStatus {
    /// In use.
    Active,
    /// No longer in use; the ID stays taken.
    Retired,
}

/// The registry of every case ID ever used.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Registry {
    /// The cases, by ID.
    pub cases: Vec<RegistryEntry>,
}

/// The `conformance/` folder of the repository this crate was built in: for tests and tools in
/// a checkout. An installed program uses the embedded copy ([`crate::bundle::Bundle`]).
pub fn suite_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../conformance")
}

fn read_json<T: serde::de::DeserializeOwned>(path: &Path) -> Result<T, Error> {
    // A suite file is a regular file of at most 64 MiB: a FIFO among the vectors must not hang.
    let bytes = crate::read_regular(path, 64 << 20)
        .map_err(|e| Error::Suite { path: path.display().to_string(), message: e.to_string() })?;
    serde_json::from_slice(&bytes)
        .map_err(|e| Error::Suite { path: path.display().to_string(), message: e.to_string() })
}

/// Every document vector under `dir/vectors/<class>/`, sorted by ID, with its path.
pub fn document_vectors(dir: &Path) -> Result<Vec<(PathBuf, DocumentVector)>, Error> {
    let mut out = Vec::new();
    let vectors = dir.join("vectors");
    let classes = std::fs::read_dir(&vectors)
        .map_err(|e| Error::Suite { path: vectors.display().to_string(), message: e.to_string() })?;
    for class in classes.flatten() {
        if !class.path().is_dir() {
            continue;
        }
        let files = std::fs::read_dir(class.path())
            .map_err(|e| Error::Suite { path: class.path().display().to_string(), message: e.to_string() })?;
        for f in files.flatten() {
            let p = f.path();
            if p.extension().is_some_and(|x| x == "json") {
                let v: DocumentVector = read_json(&p)?;
                out.push((p, v));
            }
        }
    }
    out.sort_by(|a, b| a.1.id.cmp(&b.1.id));
    Ok(out)
}

/// The registry, `dir/registry.json`.
pub fn registry(dir: &Path) -> Result<Registry, Error> {
    read_json(&dir.join("registry.json"))
}

/// A dataset case, `dir/datasets/<case>/case.json` (see `linli-validate`'s dataset tests).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "Linli dataset case", extend("x-linli-title-zh" = "邻里数据集测试用例"))]
pub struct DatasetCase {
    /// Stable case ID, e.g. `DS-0007`.
    #[schemars(regex(pattern = r"^DS-[0-9]{4}$"))]
    pub id: String,
    /// What the case shows.
    pub description: Bilingual,
    /// Requirement IDs the case verifies.
    #[schemars(length(min = 1))]
    pub requirements: Vec<String>,
    /// Check all files together as one dataset even without a manifest (`--dataset`).
    #[serde(default)]
    pub dataset_checks: bool,
    /// The findings of level warning or error, exactly; empty for a conforming dataset.
    pub expected: Vec<DatasetFinding>,
}

/// A finding a dataset case expects.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DatasetFinding {
    /// Finding code.
    pub code: String,
    /// File relative to the dataset directory.
    pub file: String,
    /// 1-based line; absent: any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line: Option<u64>,
    /// JSON pointer; absent: any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pointer: Option<String>,
}

/// Every dataset case under `dir/datasets/`, sorted by ID, with its folder.
pub fn dataset_cases(dir: &Path) -> Result<Vec<(PathBuf, DatasetCase)>, Error> {
    let mut out = Vec::new();
    let root = dir.join("datasets");
    let entries = std::fs::read_dir(&root)
        .map_err(|e| Error::Suite { path: root.display().to_string(), message: e.to_string() })?;
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            let c: DatasetCase = read_json(&p.join("case.json"))?;
            out.push((p, c));
        }
    }
    out.sort_by(|a, b| a.1.id.cmp(&b.1.id));
    Ok(out)
}

/// An adapter vector, `conformance/adapters/<id>.json`: a source input in a vendor format, and
/// the records, loss report and findings a conforming adapter gives for it `[CNF-013]`; its
/// expectations are derived from the tables of `spec/18-adapters.md` (see
/// `conformance/adapters/REVIEW.md`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "Linli adapter vector", extend("x-linli-title-zh" = "邻里适配器测试向量"))]
pub struct AdapterVector {
    /// Stable case ID, e.g. `AD-0007`: never derived from the description, never reused.
    #[schemars(regex(pattern = r"^AD-[0-9]{4}$"))]
    pub id: String,
    /// What the case shows.
    pub description: Bilingual,
    /// Requirement IDs the case verifies.
    #[schemars(length(min = 1))]
    pub requirements: Vec<String>,
    /// The source format (`csv`, `geojson`, `cloudevents`, `ngsi-ld`, `open311`, `gat1400`, …),
    /// or `linli` when the input is canonical records to be written in `to`.
    pub from: String,
    /// The target format; `linli` for canonical records.
    pub to: String,
    /// The input: the JSON document, a CSV text as a string, or (from `linli`) an array of
    /// records. Absent when `input_base64` is given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub input: Option<serde_json::Value>,
    /// The input as bytes (a GBK table, a workbook), base64.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub input_base64: Option<String>,
    /// The mapping file (TOML text), per format: the column mapping of a table (`csv`, `xlsx`,
    /// or writing `csv`); the format's own mapping file otherwise (Open311: `service_code` →
    /// category and `zone`, `spec/18-adapters.md` [ADP-032]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mapping: Option<String>,
    /// Conversion options.
    #[serde(default)]
    pub options: ConvertOptions,
    /// What a conforming adapter gives.
    pub expected: ExpectedConversion,
}

/// Options of a conversion.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ConvertOptions {
    /// Text encoding of a table (WHATWG label); detected when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub encoding: Option<String>,
    /// Datum of the input coordinates: `wgs84` (default), `gcj02` or `bd09`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub datum: Option<String>,
    /// The time of the conversion (RFC 3339), used where the input has none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub received_at: Option<String>,
}

/// The expected result of a conversion.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ExpectedConversion {
    /// To `linli`: the records, in order (`meta` is not compared: it names the producer).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub records: Option<Vec<serde_json::Value>>,
    /// To another format: the output document (a string for CSV text).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub output: Option<serde_json::Value>,
    /// The loss report as a multiset of (`kind`, `code`, `pointer`), exactly; order does not
    /// matter, and a product's informative `source` text and `target` are not compared.
    pub loss: Vec<ExpectedLoss>,
    /// The findings, exactly (order does not matter). Empty for a clean conversion.
    pub findings: Vec<ExpectedAdapterFinding>,
}

/// An expected loss-report entry.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ExpectedLoss {
    /// `kept-in-extensions`, `not-representable`, `normalised` or `rejected`.
    pub kind: String,
    /// Code (`spec/22-adapter-codes.md`).
    pub code: String,
    /// Where in the source, as the JSON pointer `spec/22-adapter-codes.md` defines for the
    /// format (for a table `/R/C`: the row number as a spreadsheet shows it, the column header).
    pub pointer: String,
}

/// An expected adapter finding.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ExpectedAdapterFinding {
    /// Code (`spec/22-adapter-codes.md`).
    pub code: String,
    /// Where: JSON pointer, `row R`, `row R column C` or `file`.
    pub at: String,
}

/// Every JSON file directly under `dir/sub`, read as `T`, sorted by case ID, with its path.
fn cases_in<T: serde::de::DeserializeOwned>(
    dir: &Path,
    sub: &str,
    id: fn(&T) -> &str,
) -> Result<Vec<(PathBuf, T)>, Error> {
    let root = dir.join(sub);
    let mut out = Vec::new();
    let files = std::fs::read_dir(&root)
        .map_err(|e| Error::Suite { path: root.display().to_string(), message: e.to_string() })?;
    for f in files.flatten() {
        let p = f.path();
        if p.extension().is_some_and(|x| x == "json") {
            let v: T = read_json(&p)?;
            out.push((p, v));
        }
    }
    out.sort_by(|a, b| id(&a.1).cmp(id(&b.1)));
    Ok(out)
}

/// Every adapter vector under `dir/adapters/`, sorted by ID, with its path.
pub fn adapter_vectors(dir: &Path) -> Result<Vec<(PathBuf, AdapterVector)>, Error> {
    cases_in(dir, "adapters", |c: &AdapterVector| c.id.as_str())
}

/// A runner case, `conformance/runner/<ID>.json`: the judge's own test. A known variant of the
/// reference adapter (a conforming product that behaves differently, or one with a known fault)
/// is run through the suite, and the runner MUST reach the verdicts the case states `[CNF-021]`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "Linli runner case", extend("x-linli-title-zh" = "邻里测试工具自检用例"))]
pub struct RunnerCase {
    /// Stable case ID, e.g. `RUN-0007`.
    #[schemars(regex(pattern = r"^RUN-[0-9]{4}$"))]
    pub id: String,
    /// What the case shows.
    pub description: Bilingual,
    /// Requirement IDs the case verifies.
    #[schemars(length(min = 1))]
    pub requirements: Vec<String>,
    /// `valid`: the product conforms (the run must not fail it); `invalid`: it does not (the run
    /// must catch it, exactly where the case says).
    pub verdict: Verdict,
    /// The arguments of the `linli-reference-adapter` program that make the product
    /// (`--fault NAME`, `--classes a,b`, `--skip ID=REASON`; none: the conforming adapter).
    pub adapter: Vec<String>,
    /// The seed of the run.
    #[serde(default = "one")]
    pub seed: u64,
    /// The deadline of one answer, in milliseconds (default 10 000).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timeout_ms: Option<u64>,
    /// Restarts of a failing adapter (default 3).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_restarts: Option<u32>,
    /// Changes made to a copy of the suite before the run (a broken vector file, a reused case
    /// ID), to show that the runner refuses a suite that breaks its own rules.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub suite_patch: Vec<SuitePatch>,
    /// What the runner must report.
    pub expected: RunnerExpectation,
}

/// One change to a JSON file of a copy of the suite.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SuitePatch {
    /// The file, relative to `conformance/`.
    pub file: String,
    /// JSON pointer of the member to set or remove.
    pub pointer: String,
    /// The new value; absent: the member is removed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<serde_json::Value>,
}

fn one() -> u64 {
    1
}

/// The verdicts a runner case expects.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RunnerExpectation {
    /// The exit code of the run (0, 1 or 2, [CNF-050]).
    pub exit_code: u8,
    /// The verdict of each class named (`pass`, `fail` or `not-claimed`); classes not named are
    /// not checked.
    #[serde(default)]
    pub classes: std::collections::BTreeMap<String, String>,
    /// Outcomes of single outcome IDs (`EVT-V-0001/roundtrip`).
    #[serde(default)]
    pub outcomes: std::collections::BTreeMap<String, String>,
    /// The outcome of every outcome of an operation (`roundtrip`) that `outcomes` does not name.
    #[serde(default)]
    pub ops: std::collections::BTreeMap<String, String>,
    /// The outcome of every other outcome of a claimed class; absent: not checked.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub others: Option<String>,
    /// Texts (requirement IDs) each of which some run error must contain; empty: no run error.
    #[serde(default)]
    pub run_errors: Vec<String>,
}

/// An api case, `conformance/api/<ID>.json`: one check of an exchange node's HTTP interface
/// (chapter 31) that the runner makes against a live node `[CNF-072]`. The file names the case,
/// what it shows and the requirements it verifies; what it sends is the runner's, by case ID
/// (chapter 30 lists each case's requests and judgement).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "Linli api case", extend("x-linli-title-zh" = "邻里数据交换接口测试用例"))]
pub struct ApiCase {
    /// Stable case ID, e.g. `AP-0004`.
    #[schemars(regex(pattern = r"^AP-[0-9]{4}$"))]
    pub id: String,
    /// What the case shows.
    pub description: Bilingual,
    /// Requirement IDs the case verifies.
    #[schemars(length(min = 1))]
    pub requirements: Vec<String>,
    /// The halves of coverage the case exercises `[CNF-020]`: `valid` when it checks that the
    /// node carries out requests the chapter allows, `invalid` when it checks that the node
    /// refuses what the chapter refuses or does not do what the chapter forbids.
    #[schemars(length(min = 1))]
    pub halves: Vec<Verdict>,
    /// The tokens the case needs besides the writer's: `inter-department`, `public`. A run
    /// without one of them reports the case `skip`, with the reason.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub needs: Vec<String>,
}

/// Every api case under `dir/api/`, sorted by ID, with its path.
pub fn api_cases(dir: &Path) -> Result<Vec<(PathBuf, ApiCase)>, Error> {
    cases_in(dir, "api", |c: &ApiCase| c.id.as_str())
}

/// Every runner case under `dir/runner/`, sorted by ID, with its path.
pub fn runner_cases(dir: &Path) -> Result<Vec<(PathBuf, RunnerCase)>, Error> {
    cases_in(dir, "runner", |c: &RunnerCase| c.id.as_str())
}

/// A statement vector, `conformance/statements/<ID>.json`: a signed result statement (30.7) and
/// the verdict every verifier MUST reach on it `[CNF-066]`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "Linli statement vector", extend("x-linli-title-zh" = "邻里结果声明测试向量"))]
pub struct StatementCase {
    /// Stable case ID, e.g. `ST-0003`.
    #[schemars(regex(pattern = r"^ST-[0-9]{4}$"))]
    pub id: String,
    /// What the case shows.
    pub description: Bilingual,
    /// Requirement IDs the case verifies.
    #[schemars(length(min = 1))]
    pub requirements: Vec<String>,
    /// `valid`: the statement verifies; `invalid`: a verifier must reject it.
    pub verdict: Verdict,
    /// The trusted public key (SPKI PEM).
    pub public_key: String,
    /// The DSSE envelope.
    pub envelope: serde_json::Value,
    /// What the statement is checked against, besides the signature.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub against: Option<StatementAgainst>,
    /// The verdict.
    pub expected: StatementExpectation,
}

/// Files a statement vector's digests are checked against, given as their text.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct StatementAgainst {
    /// The text of the run's `summary.json`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub summary: Option<String>,
    /// Files the adapter command named: file name → text.
    #[serde(default, skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    pub adapter_files: std::collections::BTreeMap<String, String>,
}

/// What a verifier must say of a statement vector.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct StatementExpectation {
    /// For a valid vector: the predicate's `result` (`PASSED` or `FAILED`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub result: Option<String>,
    /// For an invalid vector: the code of the first failure ([CNF-064]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
}

/// Every statement vector under `dir/statements/`, sorted by ID, with its path.
pub fn statement_cases(dir: &Path) -> Result<Vec<(PathBuf, StatementCase)>, Error> {
    cases_in(dir, "statements", |c: &StatementCase| c.id.as_str())
}

/// A profile vector, `conformance/profiles/<ID>.json`: a sharing profile (chapter 19) and whether a
/// tool MUST load it or refuse it, and with which key named `[SHR-002]`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "Linli profile vector", extend("x-linli-title-zh" = "邻里共享配置测试向量"))]
pub struct ProfileCase {
    /// Stable case ID, e.g. `PF-0003`.
    #[schemars(regex(pattern = r"^PF-[0-9]{4}$"))]
    pub id: String,
    /// What the case shows.
    pub description: Bilingual,
    /// Requirement IDs the case verifies.
    #[schemars(length(min = 1))]
    pub requirements: Vec<String>,
    /// `valid`: a tool loads the profile; `invalid`: it refuses it before reading any record.
    pub verdict: Verdict,
    /// The profile, TOML text.
    pub profile: String,
    /// What the tool says.
    pub expected: ProfileExpectation,
}

/// What a tool must say of a profile vector.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ProfileExpectation {
    /// For a valid profile: its sharing level.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sharing_level: Option<String>,
    /// For an invalid profile: the TOML key the refusal names (`rule[0].action`); absent: the
    /// refusal names the file and a key or a position.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key: Option<String>,
}

/// Every profile vector under `dir/profiles/`, sorted by ID, with its path.
pub fn profile_cases(dir: &Path) -> Result<Vec<(PathBuf, ProfileCase)>, Error> {
    cases_in(dir, "profiles", |c: &ProfileCase| c.id.as_str())
}

/// A report case, `conformance/reports/<ID>.json`: inputs of the suite, the options of
/// `linli validate`, and what its report MUST say in every format `[CNF-015]` `[VAL-020]`–`[VAL-024]`. A
/// validator written in another language can run the same cases against its own reports.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "Linli report case", extend("x-linli-title-zh" = "邻里校验报告测试用例"))]
pub struct ReportCase {
    /// Stable case ID, e.g. `REP-0003`.
    #[schemars(regex(pattern = r"^REP-[0-9]{4}$"))]
    pub id: String,
    /// What the case shows.
    pub description: Bilingual,
    /// Requirement IDs the case verifies.
    #[schemars(length(min = 1))]
    pub requirements: Vec<String>,
    /// `valid`: the report's verdict is PASS; `invalid`: it is FAIL, or the options are refused.
    pub verdict: Verdict,
    /// Inputs, relative to `conformance/` (dataset directories or files).
    #[schemars(length(min = 1))]
    pub inputs: Vec<String>,
    /// Options of the run.
    #[serde(default)]
    pub options: ReportOptions,
    /// What the report says.
    pub expected: ReportExpectation,
}

/// The options of a report case's run.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ReportOptions {
    /// `--fail-on` (`error`, `warning`, `info`); absent: `error`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fail_on: Option<String>,
    /// `--max-per-rule`; absent: the default (20).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_per_rule: Option<u64>,
    /// `--max-findings`; absent: the default (1000).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_findings: Option<u64>,
    /// `--pick` patterns.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub pick: Vec<String>,
    /// `--skip` patterns.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub skip: Vec<String>,
    /// `--memory-limit` (e.g. `1M`): the dataset checks spill to disk; the report is the one of
    /// the run without it, timing aside `[VAL-025]`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub memory_limit: Option<String>,
}

/// One rule of a report, as a report case expects it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ExpectedRule {
    /// Finding code.
    pub code: String,
    /// Level shown.
    pub level: String,
    /// Findings counted.
    pub count: u64,
    /// Findings listed.
    pub listed: u64,
}

/// What a report case's report says.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ReportExpectation {
    /// Exit code: 0 PASS, 1 FAIL, 2 the options or inputs are refused (then nothing else is
    /// checked).
    pub exit_code: u8,
    /// With exit code 2: the code of the run error the tool prints (`error[CODE]`); absent:
    /// `usage`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub run_error: Option<String>,
    /// The rules found, exactly and in report order `[VAL-022]`.
    #[serde(default)]
    pub rules: Vec<ExpectedRule>,
    /// Records with an error.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub records_invalid: Option<u64>,
    /// Findings of rules not checked (`--pick`, `--skip`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub findings_filtered: Option<u64>,
    /// The vendor and sharing level of each dataset's manifest, in input order `[VAL-022]`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub datasets: Vec<ExpectedDataset>,
}

/// What a report shows of a dataset's manifest.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ExpectedDataset {
    /// The producer's vendor.
    pub vendor: String,
    /// The sharing level's code.
    pub sharing_level: String,
}

/// Every report case under `dir/reports/`, sorted by ID, with its path.
pub fn report_cases(dir: &Path) -> Result<Vec<(PathBuf, ReportCase)>, Error> {
    cases_in(dir, "reports", |c: &ReportCase| c.id.as_str())
}

/// The JSON Schemas of the suite's own files, committed under `conformance/schemas/`.
pub fn suite_schemas() -> Vec<(&'static str, serde_json::Value)> {
    fn one<T: schemars::JsonSchema>(file: &str) -> serde_json::Value {
        let mut s = schemars::generate::SchemaSettings::draft2020_12().into_generator().into_root_schema_for::<T>();
        s.insert("$id".into(), format!("{}conformance/{file}", linli_model::schema::SCHEMA_BASE).into());
        s.to_value()
    }
    vec![
        ("document-vector.schema.json", one::<DocumentVector>("document-vector.schema.json")),
        ("dataset-case.schema.json", one::<DatasetCase>("dataset-case.schema.json")),
        ("adapter-vector.schema.json", one::<AdapterVector>("adapter-vector.schema.json")),
        ("registry.schema.json", one::<Registry>("registry.schema.json")),
        ("runner-case.schema.json", one::<RunnerCase>("runner-case.schema.json")),
        ("statement-vector.schema.json", one::<StatementCase>("statement-vector.schema.json")),
        ("profile-vector.schema.json", one::<ProfileCase>("profile-vector.schema.json")),
        ("report-case.schema.json", one::<ReportCase>("report-case.schema.json")),
        ("api-case.schema.json", one::<ApiCase>("api-case.schema.json")),
        ("summary.schema.json", {
            let mut s = schemars::generate::SchemaSettings::draft2020_12()
                .for_serialize()
                .into_generator()
                .into_root_schema_for::<crate::runner::Summary>();
            s.insert(
                "$id".into(),
                format!("{}conformance/summary.schema.json", linli_model::schema::SCHEMA_BASE).into(),
            );
            s.to_value()
        }),
    ]
}
