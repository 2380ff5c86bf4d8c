//! # linli-conformance — the Linli conformance suite
//!
//! Procurement runs this suite against a vendor's dataset, adapter or API before admitting the
//! vendor (准入). The suite is data: language-neutral JSON vectors under `conformance/`, each with
//! a stable case ID that is never reused, the requirement IDs of `spec/` it verifies, and the
//! expected verdict. This crate reads the vectors, checks their coverage of the spec's MUST
//! requirements, and runs them.

mod convert;
pub mod coverage;
pub mod protocol;
pub mod report;
pub mod runner;
mod share;
pub mod vector;

/// Errors of the suite.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A suite file could not be read.
    #[error("{path}: {message}")]
    Suite {
        /// The file.
        path: String,
        /// What is wrong.
        message: String,
    },
}
