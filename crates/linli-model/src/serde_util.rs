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

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    /// Every optional member refuses `null`, as its schema does (`Option` alone would read it as
    /// absent): the model never accepts what the schema rejects [CON-003].
    #[test]
    fn optional_members_refuse_null() {
        let media = serde_json::json!({"uri": "https://media.example.cn/1.jpg", "mediaType": "image/jpeg"});
        assert!(serde_json::from_value::<crate::event::Media>(media.clone()).is_ok());
        let mut with_null = media;
        with_null["sha256"] = serde_json::Value::Null;
        assert!(serde_json::from_value::<crate::event::Media>(with_null).is_err());
    }
}
