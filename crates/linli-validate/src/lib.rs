//! # linli-validate — checks records against the Linli standard
//!
//! Two layers: the published JSON Schemas (embedded in the binary, compiled once, no network
//! access) and the semantic checks of `linli_model::check`. All use of the `jsonschema` crate is
//! in [`schema_engine`].

pub mod archive;
pub mod codes;
pub mod dataset;
pub mod fields;
pub mod finding;
pub mod input;
pub mod members;
pub mod record;
pub mod report;
pub mod run;
pub mod schema_engine;
mod sniff;
pub mod spill;

pub use finding::Finding;
pub use record::{RecordOutcome, Validator};
pub use report::Report;
pub use run::{Options, RunError, validate_paths};
pub use schema_engine::{SchemaEngine, SchemaViolation};

/// Errors of this crate.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// An embedded schema failed to compile (a build defect, never the user's input).
    #[error("embedded schema {file} does not compile: {message}")]
    SchemaCompile {
        /// The schema file.
        file: &'static str,
        /// The compiler's message.
        message: String,
    },
    /// A report could not be rendered in a format.
    #[error("the report cannot be written as {format}: {message}")]
    Render {
        /// The format (`xlsx`).
        format: &'static str,
        /// Why.
        message: String,
    },
}
