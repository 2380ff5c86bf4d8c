//! JSON Schema generation (spec `spec/02-conventions.md` §Schemas, `[CON-060]`–`[CON-063]`).
//!
//! The schemas in `schemas/` are generated from the types of this crate and never edited by
//! hand: a test regenerates them and fails on any difference. Each record schema is
//! self-contained (its own `$defs`, no reference to another file), draft 2020-12, with a
//! versioned `$id`. The custom keywords are listed in [`VOCABULARY`].
//!
//! The constants are always here; the generator ([`all_schema_files`], [`schema_for`],
//! [`walk_members`]) and the drift check ([`drift`]) are tooling, behind the `schema` feature
//! (which brings in `schemars`): a vendor who only reads and writes records does not need them.

/// Version of the Linli standard these types implement.
pub const STANDARD_VERSION: &str = "0.1.0";

/// Base of every schema `$id`: `{SCHEMA_BASE}{file}`.
pub const SCHEMA_BASE: &str = "https://schema.linli.org.cn/0.1/";

/// The custom keywords the schemas use `[CON-062]`. Validators with a strict mode (ajv) must be
/// told about them: `ajv.addVocabulary(require("./schemas/vocabulary.json"))`.
pub const VOCABULARY: &[&str] =
    &["x-linli-title-zh", "x-linli-labels", "x-linli-sensitivity", "x-linli-standard-version"];

#[cfg(feature = "schema")]
mod generate;
#[cfg(feature = "schema")]
pub use generate::{SchemaFile, all_schema_files, drift, schema_for, walk_members};
