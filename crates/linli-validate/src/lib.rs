//! # linli-validate — checks records against the Linli standard
//!
//! Two layers: the published JSON Schemas (embedded in the binary, compiled once, no network
//! access) and the semantic checks of `linli_model::check`. All use of the `jsonschema` crate is
//! in [`schema_engine`].
//!
//! ## Writing, checking and reading a dataset
//!
//! A dataset is a directory of NDJSON files, one record type each, and a `manifest.json`
//! `[DAT-010]`: write the records, let [`dataset::build_manifest`] count and digest the files,
//! check the whole with [`validate_paths`] (schemas, semantic checks, references across files
//! `[DAT-004]`), and read the records back with [`linli_model::Record::from_json_str`].
//!
//! ```
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! use linli_model::codes::{DataClassification, Gender, PlaceKind, SharingLevel};
//! use linli_model::manifest::{MANIFEST_FILE, Producer};
//! use linli_model::text::{Id, Text};
//! use linli_model::{Meta, Person, Place, Record};
//! use linli_validate::{Options, Validator, dataset::build_manifest, validate_paths};
//!
//! let dir = std::env::temp_dir().join(format!("linli-doc-dataset-{}", std::process::id()));
//! std::fs::create_dir_all(&dir)?;
//! let meta = || -> Result<Meta, linli_model::Error> {
//!     Ok(Meta::new(Text::new("示例科技")?, Text::new("智慧社区平台")?,
//!         "2024-05-01T09:00:00+08:00".parse()?, DataClassification::Internal))
//! };
//!
//! // Write: one NDJSON file per record type.
//! let building = Place::new(Id::new("L-BLD-3")?, meta()?, PlaceKind::Building, Text::new("3幢")?);
//! let person = Person::new(Id::new("P-0001")?, meta()?, Text::new("王秀英")?).with_gender(Gender::Female);
//! for (file, record) in [("places.ndjson", Record::from(building)), ("persons.ndjson", Record::from(person))] {
//!     std::fs::write(dir.join(file), format!("{}\n", serde_json::to_string(&record)?))?;
//! }
//! let producer = Producer::new(Text::new("示例科技")?, Text::new("智慧社区平台")?, Text::new("2.8.0")?);
//! let manifest = build_manifest(&dir, producer, SharingLevel::Internal, "2024-05-02T08:00:00+08:00".parse()?)?;
//! std::fs::write(dir.join(MANIFEST_FILE), serde_json::to_string_pretty(&manifest)?)?;
//!
//! // Check: the whole dataset, as `linli validate DIR` does.
//! let report = validate_paths(&[dir.clone()], &Validator::new()?, &Options::default())?;
//! assert!(report.valid, "{}", report.to_json()?);
//!
//! // Read: every line is one record.
//! let text = std::fs::read_to_string(dir.join("persons.ndjson"))?;
//! let records = text.lines().map(Record::from_json_str).collect::<Result<Vec<_>, _>>()?;
//! assert_eq!(records[0].id().as_str(), "P-0001");
//! # std::fs::remove_dir_all(&dir)?;
//! # Ok(())
//! # }
//! ```

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
    /// A schema given to [`SchemaEngine::violations_against`] does not compile.
    #[error("the schema does not compile: {message}")]
    SchemaInvalid {
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
    /// A reported finding code is documented nowhere: neither among the validator's codes nor
    /// among the model's semantic codes (a defect of what reported it).
    #[error("code `{code}` is not documented")]
    UndocumentedCode {
        /// The code.
        code: String,
    },
    /// A reported finding cites another requirement than the one its code is documented with.
    #[error("code `{code}` cites {}, the table says {documented}", cited.as_deref().unwrap_or("no requirement"))]
    RequirementMismatch {
        /// The code.
        code: String,
        /// The requirement the finding cites, if any.
        cited: Option<String>,
        /// The requirement its documentation gives.
        documented: &'static str,
    },
}

impl Error {
    /// Stable code, never translated.
    pub fn code(&self) -> &'static str {
        match self {
            Error::SchemaCompile { .. } => "schema-compile",
            Error::SchemaInvalid { .. } => "schema-invalid",
            Error::Render { .. } => "render",
            Error::UndocumentedCode { .. } => "code-undocumented",
            Error::RequirementMismatch { .. } => "code-requirement-mismatch",
        }
    }

    /// The message in Chinese (`zh`) or English.
    pub fn message(&self, zh: bool) -> String {
        if !zh {
            return self.to_string();
        }
        match self {
            Error::SchemaCompile { file, message } => format!("内置模式 {file} 无法编译：{message}"),
            Error::SchemaInvalid { message } => format!("所给模式无法编译：{message}"),
            Error::Render { format, message } => format!("报告无法写成 {format}：{message}"),
            Error::UndocumentedCode { code } => format!("问题代码 `{code}` 没有文档"),
            Error::RequirementMismatch { code, cited, documented } => format!(
                "问题代码 `{code}` 引用了 {}，代码表中为 {documented}",
                cited.as_deref().unwrap_or("空的要求编号")
            ),
        }
    }
}
