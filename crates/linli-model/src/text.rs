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
        $name:ident, pattern: $pattern:expr, fast: $fast:expr, min: $min:expr, max: $max:expr,
        title: $title:literal, zh: $zh:literal
    ) => {
        $(#[$meta])*
        #[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $name(String);

        /// Masked as `[PRI-004]` masks (`张*`, `138****5678`): a name, phone or ID number held in
        /// a record never reaches a log through `Debug`; [`Self::as_str`] gives the value.
        impl ::std::fmt::Debug for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                write!(f, "{}({:?})", stringify!($name), $crate::check::mask_middle(&self.0))
            }
        }

        impl $name {
            /// The pattern (also written into the JSON Schema), if any.
            pub const PATTERN: Option<&'static str> = $pattern;
            /// Minimum length in Unicode scalar values.
            pub const MIN_LEN: usize = $min;
            /// Maximum length in Unicode scalar values.
            pub const MAX_LEN: usize = $max;
            /// A hand-written matcher that says exactly what [`Self::PATTERN`] says (a test
            /// compares them on many strings): what checks a value, instead of a regex. Every
            /// type with a pattern has one (a test says so); without one, no value would pass.
            pub const FAST: Option<fn(&str) -> bool> = $fast;

            /// Check `value` and wrap it.
            pub fn new(value: impl Into<String>) -> Result<Self, $crate::Error> {
                let value = value.into();
                match check_text(&value, Self::FAST, Self::PATTERN, Self::MIN_LEN, Self::MAX_LEN) {
                    Ok(()) => Ok($name(value)),
                    Err(reason) => Err($crate::Error::InvalidText {
                        kind: stringify!($name),
                        value: $crate::Redacted::new($crate::text::truncate(&value, 64)),
                        reason,
                    }),
                }
            }

            /// The compiled pattern, built once per process: the tests compare it with the
            /// matcher [`Self::FAST`], which is what checks a value (no regex engine at run time).
            #[cfg(test)]
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
                match check_text(&s, Self::FAST, Self::PATTERN, Self::MIN_LEN, Self::MAX_LEN) {
                    Ok(()) => Ok($name(s.into_owned())),
                    Err(reason) => Err(<D::Error as ::serde::de::Error>::custom(format_args!(
                        "invalid {}: {}",
                        stringify!($name),
                        reason
                    ))),
                }
            }
        }

        #[cfg(feature = "schema")]
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
pub(crate) fn check_text(
    value: &str,
    fast: Option<fn(&str) -> bool>,
    pattern: Option<&str>,
    min: usize,
    max: usize,
) -> Result<(), String> {
    // A character takes 1 to 4 bytes: count characters only when the byte length cannot decide.
    let bytes = value.len();
    let too_short = bytes < min || (bytes < min.saturating_mul(4) && value.chars().count() < min);
    if too_short {
        return Err(format!("shorter than {min} characters"));
    }
    let too_long = bytes > max && value.chars().count() > max;
    if too_long {
        return Err(format!("longer than {max} characters"));
    }
    let matches = fast.map_or(pattern.is_none(), |f| f(value));
    if !matches {
        let p = pattern.unwrap_or("");
        return Err(format!("does not match pattern {p}"));
    }
    Ok(())
}

/// Hand-written matchers for the patterns, one per constrained string.
mod fast {
    /// `^[a-z0-9][a-z0-9!#$&.+^_-]*/[a-z0-9][a-z0-9!#$&.+^_-]*$`
    pub(super) fn media_type(s: &str) -> bool {
        fn part(p: &[u8]) -> bool {
            let first = |c: &u8| c.is_ascii_lowercase() || c.is_ascii_digit();
            p.first().is_some_and(first) && p[1..].iter().all(|c| first(c) || b"!#$&.+^_-".contains(c))
        }
        match s.as_bytes().iter().position(|&c| c == b'/') {
            Some(i) => part(&s.as_bytes()[..i]) && part(&s.as_bytes()[i + 1..]),
            None => false,
        }
    }
    /// `^[A-Za-z][A-Za-z0-9+.-]*:[!-~]+$`
    pub(super) fn uri(s: &str) -> bool {
        let b = s.as_bytes();
        let Some(colon) = b.iter().position(|&c| c == b':') else { return false };
        let (scheme, rest) = (&b[..colon], &b[colon + 1..]);
        scheme.first().is_some_and(u8::is_ascii_alphabetic)
            && scheme[1..].iter().all(|c| c.is_ascii_alphanumeric() || matches!(c, b'+' | b'.' | b'-'))
            && !rest.is_empty()
            && rest.iter().all(|c| (b'!'..=b'~').contains(c))
    }
    fn all(s: &str, f: impl Fn(u8) -> bool) -> bool {
        s.bytes().all(f)
    }
    fn digits(s: &str) -> bool {
        all(s, |b| b.is_ascii_digit())
    }
    /// `^[A-Za-z0-9][A-Za-z0-9._:~-]{0,127}$`
    pub(super) fn id(s: &str) -> bool {
        let b = s.as_bytes();
        (1..=128).contains(&b.len())
            && b[0].is_ascii_alphanumeric()
            && b[1..].iter().all(|c| c.is_ascii_alphanumeric() || matches!(c, b'.' | b'_' | b':' | b'~' | b'-'))
    }
    /// Unicode `White_Space` plus U+FEFF: the characters the `Text` pattern excludes.
    fn blank(c: char) -> bool {
        matches!(c, '\t'..='\r' | ' ' | '\u{85}' | '\u{a0}' | '\u{1680}' | '\u{2000}'..='\u{200a}' | '\u{2028}' | '\u{2029}' | '\u{202f}' | '\u{205f}' | '\u{3000}' | '\u{feff}')
    }
    /// `[^<White_Space and U+FEFF>]`: at least one character that is not blank.
    pub(super) fn text(s: &str) -> bool {
        s.chars().any(|c| !blank(c))
    }
    /// `^[a-z][a-z0-9-]{1,31}$`
    pub(super) fn namespace(s: &str) -> bool {
        let b = s.as_bytes();
        (2..=32).contains(&b.len())
            && b[0].is_ascii_lowercase()
            && b[1..].iter().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == b'-')
    }
    /// `^\+?[0-9][0-9*-]{2,19}$`
    pub(super) fn phone(s: &str) -> bool {
        let b = s.strip_prefix('+').unwrap_or(s).as_bytes();
        (3..=20).contains(&b.len())
            && b[0].is_ascii_digit()
            && b[1..].iter().all(|c| c.is_ascii_digit() || *c == b'-' || *c == b'*')
    }
    /// `^[A-Z]{3}$`
    pub(super) fn country(s: &str) -> bool {
        s.len() == 3 && all(s, |b| b.is_ascii_uppercase())
    }
    /// `^[0-9]{6}([0-9]{3}([0-9]{3})?)?$`
    pub(super) fn division(s: &str) -> bool {
        matches!(s.len(), 6 | 9 | 12) && digits(s)
    }
    fn credit_char(b: u8) -> bool {
        b.is_ascii_digit() || (b.is_ascii_uppercase() && !matches!(b, b'I' | b'O' | b'S' | b'V' | b'Z'))
    }
    /// `^[0-9A-HJ-NPQRTUWXY]{2}[0-9]{6}[0-9A-HJ-NPQRTUWXY]{10}$`
    pub(super) fn credit(s: &str) -> bool {
        let b = s.as_bytes();
        b.len() == 18
            && b[..2].iter().all(|c| credit_char(*c))
            && b[2..8].iter().all(u8::is_ascii_digit)
            && b[8..].iter().all(|c| credit_char(*c))
    }
    /// `^[A-Z0-9]{2,3}$`
    pub(super) fn unit(s: &str) -> bool {
        (2..=3).contains(&s.len()) && all(s, |b| b.is_ascii_uppercase() || b.is_ascii_digit())
    }
    /// `^[0-9a-f]{64}$`
    pub(super) fn sha256(s: &str) -> bool {
        s.len() == 64 && all(s, |b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
    }
    /// `^[0-9]{20}$`
    pub(super) fn device(s: &str) -> bool {
        s.len() == 20 && digits(s)
    }
    /// `^[0-9A-Za-z-]{1,32}$`
    pub(super) fn household(s: &str) -> bool {
        (1..=32).contains(&s.len()) && all(s, |b| b.is_ascii_alphanumeric() || b == b'-')
    }
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

/// Whether `c` may change what a terminal shows beyond itself: C0 and C1 control characters,
/// DEL, line and paragraph separators, and the bidirectional controls (U+061C, U+200E, U+200F,
/// U+202A–U+202E, U+2066–U+2069).
pub fn is_terminal_control(c: char) -> bool {
    c.is_control()
        || matches!(c, '\u{61c}' | '\u{200e}' | '\u{200f}' | '\u{2028}' | '\u{2029}')
        || ('\u{202a}'..='\u{202e}').contains(&c)
        || ('\u{2066}'..='\u{2069}').contains(&c)
}

/// Writes every character of [`is_terminal_control`] as an escape (`\n`, `\r`, `\t`, else
/// `\u{1b}`), so that text taken from an input can never move the cursor, erase a line or forge
/// a line of a report `[CON-072]`. A backslash is doubled only when the text holds an escaped
/// character, so that ordinary text reads as it is.
pub fn escape_controls(s: &str) -> std::borrow::Cow<'_, str> {
    if !s.chars().any(is_terminal_control) {
        return std::borrow::Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\\' => out.push_str("\\\\"),
            c if is_terminal_control(c) => {
                use std::fmt::Write as _;
                let _ = write!(out, "\\u{{{:x}}}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    std::borrow::Cow::Owned(out)
}

constrained_string! {
    /// Identifier of a record `[CON-010]`: 1–128 characters from `A–Z a–z 0–9 . _ : ~ -`,
    /// starting with a letter or digit. Unique per record type within a dataset.
    Id, pattern: Some("^[A-Za-z0-9][A-Za-z0-9._:~-]{0,127}$"), fast: Some(fast::id), min: 1, max: 128,
    title: "Record identifier", zh: "记录标识"
}

constrained_string! {
    /// Free text that must not be blank: names, titles `[CON-005]`. "Blank" means made only of
    /// Unicode `White_Space` characters and U+FEFF, spelled out as an explicit class because `\s`
    /// differs between regex dialects.
    Text, pattern: Some("[^\\t-\\r \\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000\\ufeff]"), fast: Some(fast::text), min: 1, max: 2000,
    title: "Text", zh: "文本"
}

constrained_string! {
    /// Vendor namespace of an `extensions` member `[COR-040]`: lower-case letters, digits and
    /// `-`, 2–32 characters, starting with a letter.
    Namespace, pattern: Some("^[a-z][a-z0-9-]{1,31}$"), fast: Some(fast::namespace), min: 2, max: 32,
    title: "Extension namespace", zh: "扩展命名空间"
}

constrained_string! {
    /// A telephone number as written `[PER-010]`: digits with an optional leading `+` and
    /// optional `-` separators; digits after the first may be masked with `*` `[PER-018]`. Its
    /// finer shape (mainland mobile, landline, service number or E.164) is a semantic check.
    PhoneNumber, pattern: Some("^\\+?[0-9][0-9*-]{2,19}$"), fast: Some(fast::phone), min: 3, max: 21,
    title: "Telephone number", zh: "电话号码"
}

constrained_string! {
    /// ISO 3166-1 alpha-3 country code, e.g. `CHN` `[PER-009]`.
    CountryCode, pattern: Some("^[A-Z]{3}$"), fast: Some(fast::country), min: 3, max: 3,
    title: "Country (ISO 3166-1 alpha-3)", zh: "国家和地区代码"
}

constrained_string! {
    /// Administrative division code `[PLA-006]`: GB/T 2260 six digits, or the nine- or
    /// twelve-digit statistical extension (street / community level).
    DivisionCode, pattern: Some("^[0-9]{6}([0-9]{3}([0-9]{3})?)?$"), fast: Some(fast::division), min: 6, max: 12,
    title: "Administrative division code", zh: "行政区划代码"
}

constrained_string! {
    /// Unified social credit code, GB 32100-2015 `[ORG-003]`: 18 characters from
    /// `0-9A-HJ-NPQRTUWXY`. The check character is a semantic check.
    CreditCode, pattern: Some("^[0-9A-HJ-NPQRTUWXY]{2}[0-9]{6}[0-9A-HJ-NPQRTUWXY]{10}$"), fast: Some(fast::credit), min: 18, max: 18,
    title: "Unified social credit code", zh: "统一社会信用代码"
}

constrained_string! {
    /// UN/CEFACT Recommendation 20 unit code, e.g. `CEL` (°C), `P1` (%), `MTR` `[EVT-008]`.
    UnitCode, pattern: Some("^[A-Z0-9]{2,3}$"), fast: Some(fast::unit), min: 2, max: 3,
    title: "Unit code (UN/CEFACT Rec. 20)", zh: "计量单位代码"
}

constrained_string! {
    /// Lower-case hexadecimal SHA-256 digest `[EVT-009]`.
    Sha256, pattern: Some("^[0-9a-f]{64}$"), fast: Some(fast::sha256), min: 64, max: 64,
    title: "SHA-256 digest", zh: "SHA-256摘要"
}

constrained_string! {
    /// Media type (RFC 6838), e.g. `image/jpeg` `[EVT-009]`.
    MediaType, pattern: Some("^[a-z0-9][a-z0-9!#$&.+^_-]*/[a-z0-9][a-z0-9!#$&.+^_-]*$"), fast: Some(fast::media_type), min: 3, max: 127,
    title: "Media type", zh: "媒体类型"
}

constrained_string! {
    /// An absolute URI in ASCII (non-ASCII characters percent-encoded) `[EVT-009]`.
    Uri, pattern: Some("^[A-Za-z][A-Za-z0-9+.-]*:[!-~]+$"), fast: Some(fast::uri), min: 3, max: 2048,
    title: "URI", zh: "统一资源标识符"
}

constrained_string! {
    /// National device code (GB/T 28181 / GA/T 1400): 20 digits `[THG-005]`.
    DeviceCode, pattern: Some("^[0-9]{20}$"), fast: Some(fast::device), min: 20, max: 20,
    title: "National device code (GB/T 28181)", zh: "国标设备编码"
}

constrained_string! {
    /// Household number (户号) as issued by the registering authority `[PER-012]`.
    HouseholdId, pattern: Some("^[0-9A-Za-z-]{1,32}$"), fast: Some(fast::household), min: 1, max: 32,
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

    /// What checks a value is the matcher: a type with a pattern and none would refuse all.
    #[test]
    fn every_pattern_has_a_matcher() {
        macro_rules! each { ($($t:ident),+) => {$(
            assert_eq!($t::PATTERN.is_some(), $t::FAST.is_some(), "{}", stringify!($t));
        )+}; }
        each!(
            Id,
            Text,
            Namespace,
            PhoneNumber,
            CountryCode,
            DivisionCode,
            CreditCode,
            UnitCode,
            Sha256,
            MediaType,
            Uri,
            DeviceCode,
            HouseholdId
        );
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

    /// Characters that matter to the patterns (and some that do not).
    const ALPHABET: &[char] = &[
        'a', 'f', 'g', 'z', 'A', 'F', 'I', 'O', 'S', 'V', 'Z', 'X', '0', '1', '9', '.', '_', ':', '~', '-', '+', '/',
        ' ', '\t', '\n', '\r', '\u{85}', '\u{a0}', '\u{2007}', '\u{200b}', '\u{3000}', '\u{feff}', '张', '１', '😀',
        '!', '#', '$', '&', '^', '%',
    ];

    /// A matcher to compare with a pattern: its type's name, the hand-written matcher, the pattern
    /// and the longest string worth trying.
    type Matcher = (&'static str, fn(&str) -> bool, &'static regex::Regex, usize);

    /// Every type with a hand-written matcher: each must have both the matcher and the pattern.
    fn matchers() -> Vec<Matcher> {
        macro_rules! each {
            ($($t:ident, $max:expr);+) => {vec![$(
                (stringify!($t), $t::FAST.expect("a hand-written matcher"), $t::regex().expect("a pattern"), $max),
            )+]};
        }
        each!(Id, 130; Text, 6; Namespace, 34; PhoneNumber, 22; CountryCode, 4; DivisionCode, 13;
              CreditCode, 19; UnitCode, 4; Sha256, 66; DeviceCode, 21; HouseholdId, 34; MediaType, 12;
              Uri, 12)
    }

    /// The first string on which a matcher and its pattern disagree, of 50 per matcher built from
    /// `seed` alone: the seed reported by a failure gives the same strings again.
    fn disagreement(seed: u64, matchers: &[Matcher]) -> Option<String> {
        use quickcheck::{Arbitrary, Gen};
        let mut g = Gen::from_size_and_seed(64, seed);
        for (name, fast, re, max) in matchers {
            for _ in 0..50 {
                let n = usize::arbitrary(&mut g) % (max + 1);
                let s: String = (0..n).map(|_| *g.choose(ALPHABET).unwrap_or(&'a')).collect();
                if fast(&s) != re.is_match(&s) {
                    return Some(format!("seed {seed}: {name}: {s:?}: fast {} regex {}", fast(&s), re.is_match(&s)));
                }
            }
        }
        None
    }

    fn agree(seed: u64) -> quickcheck::TestResult {
        match disagreement(seed, &matchers()) {
            Some(e) => quickcheck::TestResult::error(e),
            None => quickcheck::TestResult::passed(),
        }
    }

    /// A deliberately wrong matcher (a division code of any six characters) is caught, and the
    /// seed of the failure reproduces it: the same string, the same message.
    #[test]
    fn a_wrong_matcher_is_caught_and_its_seed_reproduces_the_failure() {
        fn six_chars(s: &str) -> bool {
            s.chars().count() == 6
        }
        fn against_wrong(seed: u64) -> quickcheck::TestResult {
            let re = DivisionCode::regex().expect("a pattern");
            match disagreement(seed, &[("DivisionCode", six_chars, re, 13)]) {
                Some(e) => quickcheck::TestResult::error(e),
                None => quickcheck::TestResult::passed(),
            }
        }
        let failure = quickcheck::QuickCheck::new()
            .tests(400)
            .quicktest(against_wrong as fn(u64) -> quickcheck::TestResult)
            .expect_err("a matcher that accepts any six characters disagrees with the pattern");
        let text = format!("{failure:?}");
        let seed: u64 = text
            .split("seed ")
            .nth(1)
            .and_then(|rest| rest.split(':').next())
            .and_then(|n| n.parse().ok())
            .expect("the failure names its seed");
        let re = DivisionCode::regex().expect("a pattern");
        let again = disagreement(seed, &[("DivisionCode", six_chars, re, 13)]).expect("the seed reproduces it");
        // The failure is printed with `Debug`: the message inside it is escaped once more.
        let escaped = format!("{again:?}");
        assert!(text.contains(escaped.trim_matches('"')), "{text}\n{again}");
        assert_eq!(disagreement(seed, &matchers()), None, "the right matchers agree on the same strings");
    }

    /// Every hand-written matcher says exactly what its pattern says, on strings built from the
    /// characters that matter (and some that do not), from a seed quickcheck reports on failure.
    #[test]
    fn fast_matchers_agree_with_the_patterns() {
        quickcheck::QuickCheck::new().tests(400).quickcheck(agree as fn(u64) -> quickcheck::TestResult);
        // And on the edges, where random strings rarely land.
        for s in [
            "",
            "a",
            "A",
            "0",
            "a-",
            "-a",
            "aa",
            "AAA",
            "AAAA",
            "123456",
            "123456789",
            "123456789012",
            "1234567890",
            "91350200776049653A",
            "91350200776049653I",
            "+123",
            "+12",
            "12-",
            "0-0",
            "ab-cd",
            "a/b",
            "a/",
            "/b",
            "a/b/c",
            "A/b",
            "a:b",
            "a:",
            ":b",
            "1a:b",
            "a+.-:~",
            "a:b c",
            "image/svg+xml",
            "https://example.org/x?y=1#z",
        ] {
            macro_rules! edge { ($($t:ident),+) => {$(
                if let (Some(fast), Some(re)) = ($t::FAST, $t::regex()) {
                    assert_eq!(fast(s), re.is_match(s), "{} {:?}", stringify!($t), s);
                }
            )+}; }
            edge!(
                Id,
                Text,
                Namespace,
                PhoneNumber,
                CountryCode,
                DivisionCode,
                CreditCode,
                UnitCode,
                Sha256,
                DeviceCode,
                HouseholdId,
                MediaType,
                Uri
            );
        }
        let long_id = "a".repeat(128);
        assert_eq!(fast::id(&long_id), Id::regex().is_some_and(|r| r.is_match(&long_id)));
        assert_eq!(fast::id(&"a".repeat(129)), Id::regex().is_some_and(|r| r.is_match(&"a".repeat(129))));
        assert!(fast::sha256(&"a".repeat(64)));
    }

    #[test]
    fn truncation_marks_the_cut() {
        assert_eq!(truncate("abc", 3), "abc");
        assert_eq!(truncate("abcdef", 4), "abc…");
        assert_eq!(truncate("一二三四五", 3), "一二…");
    }
}
