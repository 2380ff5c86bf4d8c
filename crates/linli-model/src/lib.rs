//! # linli-model — the canonical model of Linli (邻里)
//!
//! Linli is an open data-exchange standard for smart communities. This crate holds its
//! canonical model: the five key elements of community governance — people (人, with
//! organizations), places (地), things (物), events (事) and cases (情/案件) — as strict serde
//! types, the code tables they use, the semantic checks that a JSON Schema cannot express, and
//! the generator of the published JSON Schemas.
//!
//! The normative text is in `spec/` of the repository; items here cite its requirement IDs in
//! square brackets, e.g. `[PER-008]`. The key words MUST, SHOULD and MAY are used as in RFC 2119.
//!
//! ```
//! use linli_model::{Person, Meta, Record, codes::{DataClassification, Gender}, text::{Id, Text}};
//! use linli_model::person::Identifier;
//! use linli_model::codes::IdentifierScheme;
//!
//! let meta = Meta::new(
//!     Text::new("示例科技").unwrap(),
//!     Text::new("智慧社区平台").unwrap(),
//!     "2024-05-01T09:00:00+08:00".parse().unwrap(),
//!     DataClassification::Restricted,
//! );
//! let mut p = Person::new(Id::new("P-0001").unwrap(), meta, Text::new("张三").unwrap());
//! p.gender = Some(Gender::Female);
//! p.birth_date = Some("1949-12-31".parse().unwrap());
//! p.identifiers.push(Identifier {
//!     scheme: IdentifierScheme::ResidentId,
//!     value: Text::new("11010519491231002X").unwrap(),
//!     issuer: None,
//! });
//! let record = Record::from(p);
//! let json = serde_json::to_string(&record).unwrap();
//! assert!(json.starts_with(r#"{"type":"Person","id":"P-0001""#));
//! let findings = linli_model::check::check_record(&record, &Default::default());
//! assert!(findings.is_empty(), "{findings:?}");
//! ```

pub mod case;
pub mod check;
pub mod codes;
pub mod common;
pub mod datetime;
pub mod docs;
mod error;
pub mod event;
pub mod geo;
pub mod io_text;
pub mod json;
pub mod manifest;
pub mod member;
pub mod organization;
pub mod person;
pub mod place;
pub mod record;
pub mod redact;
pub mod reference;
pub mod schema;
pub mod sensitivity;
mod serde_util;
mod setters;
mod strict;
mod tag;
pub mod text;
pub mod thing;

#[cfg(feature = "quickcheck")]
pub mod arbitrary;

pub use case::Case;
pub use common::{Extensions, Meta};
pub use error::{Error, Redacted};
pub use event::Event;
pub use organization::Organization;
pub use person::Person;
pub use place::Place;
pub use record::{Record, RecordType};
pub use schema::STANDARD_VERSION;
pub use thing::Thing;
