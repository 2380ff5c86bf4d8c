//! Serde helpers.
//!
//! Optional members are *absent* when they have no value; `null` is not a value in Linli
//! `[CON-003]`. Serde would read `null` as `None`, so every optional member is read through
//! [`some`], which refuses `null`, and the schemas carry no `null` type either.

use serde::{Deserialize, Deserializer};

/// Read a present optional member: `null` is an error.
pub(crate) fn some<'de, D, T>(d: D) -> Result<Option<T>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    T::deserialize(d).map(Some)
}
