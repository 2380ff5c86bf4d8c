//! Small helpers every crate of the workspace shares, kept here because linli-model is below
//! every other crate (no dependency cycle can reach them): lower-case hexadecimal ([`hex`]), the
//! structural comparison of two JSON values ([`json_diff`]), text made safe for XML and HTML
//! ([`xml`]), the clock ([`clock`]) and the tests' bless mode ([`bless`]). One copy each, so that a fix reaches every user.
//!
//! Not part of the vendor API: hidden from the documentation and free to change.

pub mod bless;
pub mod clock;
pub mod code;
pub mod hex;
pub mod json_diff;
pub mod xml;
