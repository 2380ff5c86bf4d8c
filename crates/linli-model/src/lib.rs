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
//! let p = Person::new(Id::new("P-0001").unwrap(), meta, Text::new("张三").unwrap())
//!     .with_gender(Gender::Female)
//!     .with_birth_date("1949-12-31".parse().unwrap())
//!     .with_identifiers([Identifier::new(
//!         IdentifierScheme::ResidentId,
//!         Text::new("11010519491231002X").unwrap(),
//!     )]);
//! let record = Record::from(p);
//! let json = serde_json::to_string(&record).unwrap();
//! assert!(json.starts_with(r#"{"type":"Person","id":"P-0001""#));
//! let findings = linli_model::check::check_record(&record, &Default::default());
//! assert!(findings.is_empty(), "{findings:?}");
//! ```
//!
//! ## Vendor quick start
//!
//! The code of the README's *Vendor quick start (Rust)*, run as a doctest (a test keeps the two
//! the same: `tests/readme.rs`):
//!
//! ```
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! use linli_model::codes::{DataClassification, Gender, IdentifierScheme};
//! use linli_model::person::Identifier;
//! use linli_model::text::{Id, Text};
//! use linli_model::{Meta, Person, Record};
//!
//! let meta = Meta::new(
//!     Text::new("示例科技")?,                      // vendor
//!     Text::new("智慧社区平台")?,                  // product
//!     "2024-05-01T09:00:00+08:00".parse()?,        // created = updated
//!     DataClassification::Restricted,
//! );
//! // Records are built with a constructor (the required members) and `with_*` setters (the
//! // optional ones): a minor version may add a member without breaking this code [CON-063].
//! let p = Person::new(Id::new("P-0001")?, meta, Text::new("张三")?)
//!     .with_gender(Gender::Female)
//!     .with_birth_date("1949-12-31".parse()?)
//!     .with_identifiers([Identifier::new(IdentifierScheme::ResidentId, Text::new("11010519491231002X")?)]);
//!
//! let record = Record::from(p);
//! let json = serde_json::to_string(&record)?;                  // {"type":"Person","id":"P-0001",...}
//! let findings = linli_model::check::check_record(&record, &Default::default());
//! assert!(findings.is_empty());                                 // check characters, dates, ... all agree
//! # Ok(())
//! # }
//! ```

pub mod case;
pub mod check;
pub mod codes;
pub mod common;
pub mod datetime;
#[cfg(feature = "docs")]
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
pub(crate) use codes::code_table;
mod strict;
#[doc(hidden)]
pub mod support;
mod tag;
pub mod text;
pub mod thing;

#[cfg(any(test, feature = "quickcheck"))]
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
