//! The crate's error type.

use crate::codes::CaseStatus;
use crate::datetime::TimeError;
use crate::record::RecordType;

/// Errors from constructing or reading model values.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A code that is not in its table.
    #[error("unknown code `{code}` in table `{table}`")]
    UnknownCode {
        /// The table.
        table: &'static str,
        /// The code given.
        code: String,
    },
    /// A string that breaks its pattern or length limits.
    #[error("invalid {kind} `{value}`: {reason}")]
    InvalidText {
        /// The constrained-string type.
        kind: &'static str,
        /// The value, truncated.
        value: String,
        /// Why.
        reason: String,
    },
    /// A time or date that is not RFC 3339 as Linli requires.
    #[error("invalid time `{value}`: {reason}")]
    InvalidTime {
        /// The value, truncated.
        value: String,
        /// Why.
        reason: TimeError,
    },
    /// A coordinate out of range.
    #[error("position out of range: longitude {lng}, latitude {lat}")]
    InvalidPosition {
        /// Longitude.
        lng: f64,
        /// Latitude.
        lat: f64,
    },
    /// A number out of its range.
    #[error("{what} {value} is outside {min}..={max}")]
    OutOfRange {
        /// What.
        what: &'static str,
        /// The value.
        value: i64,
        /// Minimum.
        min: i64,
        /// Maximum.
        max: i64,
    },
    /// A reference to a record type the field does not allow.
    #[error("a reference here may point to {expected:?}, not {found}")]
    RefType {
        /// Allowed types.
        expected: &'static [RecordType],
        /// The type given.
        found: RecordType,
    },
    /// A case status change the state machine forbids.
    #[error("a case may not go from `{from}` to `{to}`")]
    IllegalTransition {
        /// Current status.
        from: CaseStatus,
        /// Requested status.
        to: CaseStatus,
    },
    /// A division table file could not be read `[PLA-006]`.
    #[error("division table {path}{}: {problem}", line.map(|l| format!(", line {l}")).unwrap_or_default())]
    DivisionTable {
        /// The file.
        path: String,
        /// The line where it applies (1 is the header), if one does.
        line: Option<u64>,
        /// What went wrong.
        problem: crate::check::DivisionTableProblem,
    },
    /// Schema generation failed (a bug in the types).
    #[error("schema generation: {0}")]
    Schema(String),
}
