//! The crate's error type, and [`Redacted`]: how a value that may be personal sits in an error
//! or a finding without ever being printed `[PRI-004]`.

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
        /// The code given, redacted when printed: [`Redacted::expose`] gives it.
        code: Redacted,
    },
    /// A string that breaks its pattern or length limits.
    #[error("invalid {kind} `{value}`: {reason}")]
    InvalidText {
        /// The constrained-string type.
        kind: &'static str,
        /// The value, truncated to 64 characters and redacted when printed: [`Redacted::expose`]
        /// gives it.
        value: Redacted,
        /// Why.
        reason: String,
    },
    /// A time or date that is not RFC 3339 as Linli requires.
    #[error("invalid time `{value}`: {reason}")]
    InvalidTime {
        /// The value, truncated to 64 characters and redacted when printed:
        /// [`Redacted::expose`] gives it.
        value: Redacted,
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
    // No line (the file as a whole): the default empty text names none.
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

impl Error {
    /// The value the error is about, unredacted, for a caller who asks for it (and then answers
    /// for where it goes `[PRI-004]`): the text of [`Error::InvalidText`] and
    /// [`Error::InvalidTime`], the code of [`Error::UnknownCode`]. `Display` and `Debug` never
    /// show it whole.
    pub fn raw_value(&self) -> Option<&str> {
        match self {
            Error::InvalidText { value, .. } | Error::InvalidTime { value, .. } => Some(value.expose()),
            Error::UnknownCode { code, .. } => Some(code.expose()),
            _ => None,
        }
    }
}

/// A value that may be personal — a name, a phone number, an ID number — kept in an error or a
/// finding. Its `Display`, `Debug` and `Serialize` show only the masked form of `[PRI-004]`
/// (`3205**********1234`, `138****5678`, `张*`); [`Redacted::expose`] gives the value itself to a
/// caller who asks for it.
///
/// ```
/// let e = linli_model::text::PhoneNumber::new("1381234567x").unwrap_err();
/// assert!(!e.to_string().contains("1381234567x"));
/// assert!(!format!("{e:?}").contains("1381234567x"));
/// assert_eq!(e.raw_value(), Some("1381234567x"));
/// ```
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Redacted(String);

impl Redacted {
    /// Keep `value`, redacted when printed.
    pub fn new(value: impl Into<String>) -> Self {
        Redacted(value.into())
    }

    /// The value itself, unredacted: the caller answers for where it goes `[PRI-004]`.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// The value itself, owned (see [`Redacted::expose`]).
    pub fn into_exposed(self) -> String {
        self.0
    }

    /// The masked form that `Display` shows: the first and last few characters of `[PRI-004]`,
    /// the rest as `*`.
    pub fn masked(&self) -> String {
        crate::check::mask_middle(&self.0)
    }

    /// Length of the value in characters.
    pub fn char_len(&self) -> usize {
        self.0.chars().count()
    }
}

impl std::fmt::Display for Redacted {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.masked())
    }
}

impl std::fmt::Debug for Redacted {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Redacted({:?}, {} chars)", self.masked(), self.char_len())
    }
}

impl serde::Serialize for Redacted {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.masked())
    }
}
