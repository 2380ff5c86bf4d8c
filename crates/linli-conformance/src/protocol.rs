//! The harness protocol (spec `spec/30-conformance.md`, schemas in `conformance/protocol/`).
//!
//! The harness drives a vendor's adapter program over JSON lines: one request per line on the
//! adapter's standard input, one response per line on its standard output (standard error is
//! logs). The adapter never judges; the harness does. Every response echoes the request's `seq`
//! and, for case operations, its `case`.

use serde::{Deserialize, Serialize};

use crate::vector::{Class, ConvertOptions};

/// The protocol version spoken by this harness `[CNF-030]`.
pub const PROTOCOL: &str = "linli-harness/1";

/// A request from the harness.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(tag = "op", rename_all = "lowercase", deny_unknown_fields)]
#[schemars(title = "Harness request", extend("x-linli-title-zh" = "测试工具请求"))]
pub enum Request {
    /// Begin a session.
    Start {
        /// Sequence number, echoed in the response.
        seq: u64,
        /// Protocol version, [`PROTOCOL`].
        protocol: String,
        /// Version of the suite.
        suite: String,
        /// Seed of anything randomised in the run.
        seed: u64,
    },
    /// Does the product accept this record?
    Validate {
        /// Sequence number.
        seq: u64,
        /// Case ID.
        case: String,
        /// The record.
        record: serde_json::Value,
    },
    /// Take this record into the product's own form and give it back.
    Roundtrip {
        /// Sequence number.
        seq: u64,
        /// Case ID.
        case: String,
        /// The record.
        record: serde_json::Value,
    },
    /// Take these records in, then export them as a Linli dataset (NDJSON files and
    /// `manifest.json`) into `directory`, which exists and is empty.
    Export {
        /// Sequence number.
        seq: u64,
        /// Case ID.
        case: String,
        /// The records.
        records: Vec<serde_json::Value>,
        /// Where to write the dataset.
        directory: String,
    },
    /// Convert an input from one format to another (class `adapters`): from a vendor format to
    /// canonical records (`to` = `linli`), or canonical records to a vendor format.
    Convert {
        /// Sequence number.
        seq: u64,
        /// Case ID.
        case: String,
        /// Source format.
        from: String,
        /// Target format.
        to: String,
        /// The input (a JSON document, CSV text as a string, or an array of records).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        input: Option<serde_json::Value>,
        /// The input as bytes, base64 (instead of `input`).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        input_base64: Option<String>,
        /// The mapping file (TOML text), per format: the column mapping of a table (`csv`, `xlsx`,
        /// or writing `csv`); the format's own mapping file otherwise (Open311: `service_code` →
        /// category and `zone`, `spec/18-adapters.md` [ADP-032]).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        mapping: Option<String>,
        /// Options.
        #[serde(default)]
        options: ConvertOptions,
    },
    /// Take these records in, then export them at a sharing level (class `privacy`): a Linli
    /// dataset in `directory` whose manifest declares `level` and that holds nothing the level
    /// forbids (`spec/19-sharing.md`), pseudonymised with `key` and with ages judged at
    /// `reference_time`, which is also the manifest's `createdAt` `[CNF-036]`.
    Share {
        /// Sequence number.
        seq: u64,
        /// Case ID.
        case: String,
        /// Sharing level: `inter-department` or `public`.
        level: String,
        /// The records.
        records: Vec<serde_json::Value>,
        /// Where to write the dataset (exists, empty).
        directory: String,
        /// The test key for this case: its UTF-8 bytes (at least 16) are the pseudonymisation
        /// key `[SHR-020]`, instead of the product's own key `[SHR-021]`; never written out.
        #[schemars(length(min = 16))]
        key: String,
        /// The reference time (a Timestamp): ages (under fourteen, `[PRI-007]`) are judged on
        /// its date, and the export's manifest states it as `createdAt` `[SHR-007]`.
        #[schemars(regex(
            pattern = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]{1,9})?(Z|[+-][0-9]{2}:[0-9]{2})$"
        ))]
        reference_time: String,
    },
    /// End the session; the adapter answers and exits.
    Stop {
        /// Sequence number.
        seq: u64,
    },
}

impl Request {
    /// The sequence number.
    pub fn seq(&self) -> u64 {
        match self {
            Request::Start { seq, .. }
            | Request::Validate { seq, .. }
            | Request::Roundtrip { seq, .. }
            | Request::Export { seq, .. }
            | Request::Convert { seq, .. }
            | Request::Share { seq, .. }
            | Request::Stop { seq } => *seq,
        }
    }
}

/// The product under test, as the adapter declares it `[CNF-031]`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Product {
    /// Vendor.
    pub vendor: String,
    /// Product name.
    pub name: String,
    /// Product version: a definite version, never `latest`, `main` or the like.
    pub version: String,
}

/// A case the vendor declares it skips, with a reason (counts against the class).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Skip {
    /// A case ID (every outcome of the case) or an outcome ID `CASE/OP` (that outcome) `[CNF-003]`.
    pub case: String,
    /// Why.
    pub reason: String,
}

/// The answer to `start`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "Answer to start", extend("x-linli-title-zh" = "对 start 的应答"))]
pub struct StartResponse {
    /// The request's `seq`.
    pub seq: u64,
    /// The product.
    pub product: Product,
    /// Versions of the standard the product implements.
    pub standard_versions: Vec<String>,
    /// The classes the vendor claims.
    pub classes: Vec<Class>,
    /// Cases the vendor skips.
    #[serde(default)]
    pub skips: Vec<Skip>,
}

/// The answer to a case operation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "Answer to a case", extend("x-linli-title-zh" = "对测试用例的应答"))]
pub struct CaseResponse {
    /// The request's `seq`.
    pub seq: u64,
    /// The request's `case`.
    pub case: String,
    /// For `validate`: whether the product accepts the record (`true` or `false`, never `null`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "bool")]
    pub accepted: Option<bool>,
    /// For `roundtrip`: the record as the product gives it back (a JSON object).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "serde_json::Map<String, serde_json::Value>")]
    pub record: Option<serde_json::Value>,
    /// For `convert` to `linli`: the records.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "Vec<serde_json::Value>")]
    pub records: Option<Vec<serde_json::Value>>,
    /// For `convert` to another format: the output document (a string for CSV text).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub output: Option<serde_json::Value>,
    /// For `convert`: the loss report.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "Vec<ReportedLoss>")]
    pub loss: Option<Vec<ReportedLoss>>,
    /// For `convert`: the findings about the input.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "Vec<ReportedFinding>")]
    pub findings: Option<Vec<ReportedFinding>>,
    /// The product could not do what was asked: the outcome of the case is `error` `[CNF-040]`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "String")]
    pub error: Option<String>,
}

impl CaseResponse {
    /// An answer to case `case` that says nothing yet.
    pub fn new(seq: u64, case: impl Into<String>) -> Self {
        CaseResponse {
            seq,
            case: case.into(),
            accepted: None,
            record: None,
            records: None,
            output: None,
            loss: None,
            findings: None,
            error: None,
        }
    }
}

/// A loss-report entry as an adapter reports it (`spec/18-adapters.md`, [ADP-002]); further
/// members (messages) are allowed and ignored. The harness compares `kind`, `code` and
/// `pointer` `[CNF-035]`; `source` and `target` are informative.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ReportedLoss {
    /// `kept-in-extensions`, `not-representable`, `normalised` or `rejected`.
    pub kind: String,
    /// Stable code (`spec/22-adapter-codes.md`).
    pub code: String,
    /// Where in the source, as the JSON pointer `spec/22-adapter-codes.md` defines (for a table,
    /// `/R/C`: row number as a spreadsheet shows it, column header).
    pub pointer: String,
    /// Where in the source, as people read it (informative, not compared).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// Where in the target (informative, not compared).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target: Option<String>,
}

/// A finding about a conversion's input; further members (messages) are allowed and ignored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ReportedFinding {
    /// Stable code.
    pub code: String,
    /// Where: JSON pointer, `row R`, `row R column C` or `file`.
    pub at: String,
}

/// The answer to `stop`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct StopResponse {
    /// The request's `seq`.
    pub seq: u64,
}

/// The protocol's JSON Schemas, committed in `conformance/protocol/`.
pub fn protocol_schemas() -> Vec<(&'static str, serde_json::Value)> {
    fn one<T: schemars::JsonSchema>(file: &str) -> serde_json::Value {
        let mut s = schemars::generate::SchemaSettings::draft2020_12().into_generator().into_root_schema_for::<T>();
        s.insert("$id".into(), format!("{}conformance/protocol/{file}", linli_model::schema::SCHEMA_BASE).into());
        s.insert("x-linli-protocol".into(), PROTOCOL.into());
        s.to_value()
    }
    vec![
        ("request.schema.json", one::<Request>("request.schema.json")),
        ("start-response.schema.json", one::<StartResponse>("start-response.schema.json")),
        ("case-response.schema.json", one::<CaseResponse>("case-response.schema.json")),
        ("stop-response.schema.json", one::<StopResponse>("stop-response.schema.json")),
    ]
}

/// Differences between the record sent and the record given back by a round trip: members lost,
/// added or changed, as JSON pointers `[CNF-033]`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Diff {
    /// Present in what was sent, absent in what came back.
    pub lost: Vec<String>,
    /// Absent in what was sent, present in what came back.
    pub added: Vec<String>,
    /// Present in both with different values.
    pub changed: Vec<String>,
}

impl Diff {
    /// Whether the two were equal.
    pub fn is_empty(&self) -> bool {
        self.lost.is_empty() && self.added.is_empty() && self.changed.is_empty()
    }
}

/// The records without `meta`, which names the producer and is not compared in `convert` cases
/// `[CNF-035]`.
pub fn without_meta(records: &[serde_json::Value]) -> serde_json::Value {
    serde_json::Value::Array(
        records
            .iter()
            .map(|r| {
                let mut r = r.clone();
                if let Some(o) = r.as_object_mut() {
                    o.remove("meta");
                }
                r
            })
            .collect(),
    )
}

/// Compare what was sent with what came back, under the comparison rules of chapter 30
/// ([CNF-033]: [CON-007] empty members as absent, [CON-024] Timestamps as instants, [CON-008]
/// integers as integers); see [`crate::compare`].
pub fn diff(sent: &serde_json::Value, back: &serde_json::Value) -> Diff {
    crate::compare::diff(sent, back)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn diff_names_lost_added_and_changed_members() {
        let a = json!({"type": "Person", "name": "张三", "phones": ["138", "139"], "meta": {"version": 1}});
        let b = json!({"type": "Person", "phones": ["138"], "meta": {"version": 2}, "nick": "x"});
        let d = diff(&a, &b);
        assert_eq!(d.lost, vec!["/name", "/phones/1"]);
        assert_eq!(d.added, vec!["/nick"]);
        assert_eq!(d.changed, vec!["/meta/version"]);
        assert!(diff(&a, &a).is_empty());
        assert!(diff(&json!({"v": 1}), &json!({"v": 1.0})).is_empty());
        assert!(diff(&json!({"v": 1, "e": []}), &json!({"v": 1.0})).is_empty());
    }

    #[test]
    fn requests_are_tagged_by_op() {
        let r = Request::Validate { seq: 3, case: "PER-V-0001".into(), record: json!({}) };
        let s = serde_json::to_string(&r).unwrap_or_default();
        assert_eq!(s, r#"{"op":"validate","seq":3,"case":"PER-V-0001","record":{}}"#);
        assert!(serde_json::from_str::<Request>(r#"{"op":"explode","seq":1}"#).is_err());
    }
}
