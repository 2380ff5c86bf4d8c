//! Constrained strings (spec `spec/02-conventions.md`).
//!
//! Each type here is a string with a pattern and/or length limits. The *same* pattern text is
//! used by serde when reading and written into the JSON Schema, so that the Rust types and the
//! schemas can never disagree on what is a legal value `[CON-004]`. Patterns use only ASCII
//! character classes (`[0-9]`, never `\d`), which every regex dialect in use (ECMA-262 with the
//! `u` flag, Python `re`, Rust `regex`) reads the same way.

/// Declare a string newtype with a pattern and optional length limits.
macro_rules! constrained_string {
    (
        $(#[$meta:meta])*
        $name:ident, pattern: $pattern:expr, min: $min:expr, max: $max:expr,
        title: $title:literal, zh: $zh:literal
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $name(String);

        impl $name {
            /// The pattern (also written into the JSON Schema), if any.
            pub const PATTERN: Option<&'static str> = $pattern;
            /// Minimum length in Unicode scalar values.
            pub const MIN_LEN: usize = $min;
            /// Maximum length in Unicode scalar values.
            pub const MAX_LEN: usize = $max;

            /// Check `value` and wrap it.
            pub fn new(value: impl Into<String>) -> Result<Self, $crate::Error> {
                let value = value.into();
                match check_text(&value, Self::regex(), Self::MIN_LEN, Self::MAX_LEN) {
                    Ok(()) => Ok($name(value)),
                    Err(reason) => Err($crate::Error::InvalidText {
                        kind: stringify!($name),
                        value: $crate::text::truncate(&value, 64),
                        reason,
                    }),
                }
            }

            /// The compiled pattern, built once per process.
            fn regex() -> Option<&'static regex::Regex> {
                static RE: ::std::sync::LazyLock<Option<regex::Regex>> =
                    ::std::sync::LazyLock::new(|| {
                        // The patterns are constants of this crate; a test compiles every one.
                        #[allow(clippy::expect_used)]
                        $pattern.map(|p| regex::Regex::new(p).expect("constant pattern compiles"))
                    });
                RE.as_ref()
            }

            /// The string.
            pub fn as_str(&self) -> &str {
                &self.0
            }

            /// The string, owned.
            pub fn into_string(self) -> String {
                self.0
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }

        impl ::std::str::FromStr for $name {
            type Err = $crate::Error;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Self::new(s)
            }
        }

        impl TryFrom<&str> for $name {
            type Error = $crate::Error;
            fn try_from(s: &str) -> Result<Self, Self::Error> {
                Self::new(s)
            }
        }

        impl ::serde::Serialize for $name {
            fn serialize<S: ::serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(&self.0)
            }
        }

        impl<'de> ::serde::Deserialize<'de> for $name {
            fn deserialize<D: ::serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let s = <::std::borrow::Cow<'de, str> as ::serde::Deserialize>::deserialize(d)?;
                match check_text(&s, Self::regex(), Self::MIN_LEN, Self::MAX_LEN) {
                    Ok(()) => Ok($name(s.into_owned())),
                    Err(reason) => Err(<D::Error as ::serde::de::Error>::custom(format_args!(
                        "invalid {}: {}",
                        stringify!($name),
                        reason
                    ))),
                }
            }
        }

        impl ::schemars::JsonSchema for $name {
            fn schema_name() -> ::std::borrow::Cow<'static, str> {
                stringify!($name).into()
            }
            fn schema_id() -> ::std::borrow::Cow<'static, str> {
                concat!("linli::text::", stringify!($name)).into()
            }
            fn json_schema(_: &mut ::schemars::SchemaGenerator) -> ::schemars::Schema {
                let mut schema = ::schemars::json_schema!({
                    "type": "string",
                    "title": $title,
                    "x-linli-title-zh": $zh,
                });
                if let Some(p) = Self::PATTERN {
                    schema.insert("pattern".into(), p.into());
                }
                if Self::MIN_LEN > 0 {
                    schema.insert("minLength".into(), Self::MIN_LEN.into());
                }
                if Self::MAX_LEN < usize::MAX {
                    schema.insert("maxLength".into(), Self::MAX_LEN.into());
                }
                schema
            }
        }
    };
}

/// Check a string against a pattern and length limits (in Unicode scalar values, as JSON Schema
/// counts them). Returns a short English reason on failure.
pub(crate) fn check_text(value: &str, pattern: Option<&regex::Regex>, min: usize, max: usize) -> Result<(), String> {
    let len = value.chars().count();
    if len < min {
        return Err(format!("shorter than {min} characters"));
    }
    if len > max {
        return Err(format!("longer than {max} characters"));
    }
    if let Some(re) = pattern {
        if !re.is_match(value) {
            return Err(format!("does not match pattern {}", re.as_str()));
        }
    }
    Ok(())
}

/// Cut `s` to at most `max` characters, marking the cut with `…`.
pub fn truncate(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_owned()
    } else {
        let mut out: String = s.chars().take(max.saturating_sub(1)).collect();
        out.push('…');
        out
    }
}

constrained_string! {
    /// Identifier of a record `[CON-010]`: 1–128 characters from `A–Z a–z 0–9 . _ : ~ -`,
    /// starting with a letter or digit. Unique per record type within a dataset.
    Id, pattern: Some("^[A-Za-z0-9][A-Za-z0-9._:~-]{0,127}$"), min: 1, max: 128,
    title: "Record identifier", zh: "记录标识"
}

constrained_string! {
    /// Free text that must not be blank: names, titles `[CON-005]`. "Blank" means made only of
    /// Unicode `White_Space` characters and U+FEFF, spelled out as an explicit class because `\s`
    /// differs between regex dialects.
    Text, pattern: Some("[^\\t-\\r \\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000\\ufeff]"), min: 1, max: 2000,
    title: "Text", zh: "文本"
}

constrained_string! {
    /// Vendor namespace of an `extensions` member `[COR-040]`: lower-case letters, digits and
    /// `-`, 2–32 characters, starting with a letter.
    Namespace, pattern: Some("^[a-z][a-z0-9-]{1,31}$"), min: 2, max: 32,
    title: "Extension namespace", zh: "扩展命名空间"
}

constrained_string! {
    /// A telephone number as written `[PER-010]`: digits with an optional leading `+` and
    /// optional `-` separators. Its finer shape (mainland mobile, landline, service number or
    /// E.164) is a semantic check.
    PhoneNumber, pattern: Some("^\\+?[0-9][0-9-]{2,19}$"), min: 3, max: 21,
    title: "Telephone number", zh: "电话号码"
}

constrained_string! {
    /// ISO 3166-1 alpha-3 country code, e.g. `CHN` `[PER-009]`.
    CountryCode, pattern: Some("^[A-Z]{3}$"), min: 3, max: 3,
    title: "Country (ISO 3166-1 alpha-3)", zh: "国家和地区代码"
}

constrained_string! {
    /// Administrative division code `[PLA-006]`: GB/T 2260 six digits, or the nine- or
    /// twelve-digit statistical extension (street / community level).
    DivisionCode, pattern: Some("^[0-9]{6}([0-9]{3}([0-9]{3})?)?$"), min: 6, max: 12,
    title: "Administrative division code", zh: "行政区划代码"
}

constrained_string! {
    /// Unified social credit code, GB 32100-2015 `[ORG-003]`: 18 characters from
    /// `0-9A-HJ-NPQRTUWXY`. The check character is a semantic check.
    CreditCode, pattern: Some("^[0-9A-HJ-NPQRTUWXY]{2}[0-9]{6}[0-9A-HJ-NPQRTUWXY]{10}$"), min: 18, max: 18,
    title: "Unified social credit code", zh: "统一社会信用代码"
}

constrained_string! {
    /// UN/CEFACT Recommendation 20 unit code, e.g. `CEL` (°C), `P1` (%), `MTR` `[EVT-008]`.
    UnitCode, pattern: Some("^[A-Z0-9]{2,3}$"), min: 2, max: 3,
    title: "Unit code (UN/CEFACT Rec. 20)", zh: "计量单位代码"
}

constrained_string! {
    /// Lower-case hexadecimal SHA-256 digest `[EVT-009]`.
    Sha256, pattern: Some("^[0-9a-f]{64}$"), min: 64, max: 64,
    title: "SHA-256 digest", zh: "SHA-256摘要"
}

constrained_string! {
    /// Media type (RFC 6838), e.g. `image/jpeg` `[EVT-009]`.
    MediaType, pattern: Some("^[a-z0-9][a-z0-9!#$&.+^_-]*/[a-z0-9][a-z0-9!#$&.+^_-]*$"), min: 3, max: 127,
    title: "Media type", zh: "媒体类型"
}

constrained_string! {
    /// An absolute URI in ASCII (non-ASCII characters percent-encoded) `[EVT-009]`.
    Uri, pattern: Some("^[A-Za-z][A-Za-z0-9+.-]*:[!-~]+$"), min: 3, max: 2048,
    title: "URI", zh: "统一资源标识符"
}

constrained_string! {
    /// National device code (GB/T 28181 / GA/T 1400): 20 digits `[THG-005]`.
    DeviceCode, pattern: Some("^[0-9]{20}$"), min: 20, max: 20,
    title: "National device code (GB/T 28181)", zh: "国标设备编码"
}

constrained_string! {
    /// Household number (户号) as issued by the registering authority `[PER-012]`.
    HouseholdId, pattern: Some("^[0-9A-Za-z-]{1,32}$"), min: 1, max: 32,
    title: "Household number", zh: "户号"
}

/// Every constrained-string pattern, for the test that compiles them all.
pub const ALL_PATTERNS: &[Option<&str>] = &[
    Id::PATTERN,
    Text::PATTERN,
    Namespace::PATTERN,
    PhoneNumber::PATTERN,
    CountryCode::PATTERN,
    DivisionCode::PATTERN,
    CreditCode::PATTERN,
    UnitCode::PATTERN,
    Sha256::PATTERN,
    MediaType::PATTERN,
    Uri::PATTERN,
    DeviceCode::PATTERN,
    HouseholdId::PATTERN,
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn all_patterns_compile() {
        for p in ALL_PATTERNS.iter().flatten() {
            assert!(regex::Regex::new(p).is_ok(), "{p}");
        }
    }

    #[test]
    fn ids() {
        assert!(Id::new("P-0001").is_ok());
        assert!(Id::new("urn:ngsi-ld:Building:001").is_ok());
        assert!(Id::new("").is_err());
        assert!(Id::new("-lead").is_err());
        assert!(Id::new("has space").is_err());
        assert!(Id::new("x".repeat(129)).is_err());
        assert!(serde_json::from_str::<Id>("\"a/b\"").is_err());
    }

    #[test]
    fn text_must_not_be_blank() {
        assert!(Text::new("张三").is_ok());
        assert!(Text::new("").is_err());
        assert!(Text::new("  \t").is_err());
        assert!(Text::new("x".repeat(2001)).is_err());
    }

    #[test]
    fn truncation_marks_the_cut() {
        assert_eq!(truncate("abc", 3), "abc");
        assert_eq!(truncate("abcdef", 4), "abc…");
        assert_eq!(truncate("一二三四五", 3), "一二…");
    }
}
