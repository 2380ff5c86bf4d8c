//! # linli-adapters — from what vendors speak today, to Linli and back
//!
//! One module per format. Every conversion returns the records together with a [`LossReport`]:
//! source fields that had no canonical home (kept in `extensions`), fields that could not be
//! represented in the target, and values that were normalised (a coordinate transformed, a
//! local time given an offset). An adapter never drops a field silently.

pub mod cloudevents;
pub mod codes;
pub mod convert;
pub mod coords;
pub mod csv_table;
pub mod fiware;
pub mod gat1400;
pub mod geojson;
mod loss;
pub mod open311;
pub mod rules;

pub use loss::{Loss, LossKind, LossReport};

/// Errors of the adapters: input that cannot be converted at all (individual problems are
/// findings in the loss report).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The input is not what the format requires.
    #[error("{format}: {message}")]
    Input {
        /// The format.
        format: &'static str,
        /// What is wrong, with the JSON pointer or row where it applies.
        message: String,
    },
}

impl Error {
    /// Stable code of the error.
    pub fn code(&self) -> &'static str {
        match self {
            Error::Input { .. } => "adapter-input",
        }
    }

    /// The message in Chinese (`zh`) or English; the detail (from the parser that refused the
    /// input) is quoted as it is.
    pub fn message(&self, zh: bool) -> String {
        match self {
            Error::Input { format, message } if zh => format!("{format}：输入无法转换：{message}"),
            Error::Input { .. } => self.to_string(),
        }
    }
}
