//! Code tables (spec chapter `spec/09-code-tables.md`).
//!
//! Every enumerated value in Linli is a *code* from one of these tables. Codes are exchanged
//! exactly as listed and are never translated; each code carries a zh-CN and an English label
//! for people. All tables are declared here, in one place, with the `code_table!` macro (the crate's own), which
//! gives each table the same behaviour:
//!
//! * serde (de)serialization as the code string, rejecting any other string `[CON-034]`;
//! * a JSON Schema with `enum` plus the `x-linli-labels` keyword carrying both labels;
//! * the [`CodeTable`] trait for lookup, iteration and labels;
//! * a quickcheck `Arbitrary` impl behind the `quickcheck` feature.

use std::fmt;

mod care;
mod case;
mod classification;
mod division;
mod education;
mod ethnic;
mod event;
mod gender;
mod identity;
mod organization;
mod place;
mod political;
mod relationship;
mod thing;

pub use care::CareTag;
pub use case::{CaseCategory, CaseChannel, CaseStatus};
pub use classification::{DataClassification, Sensitivity, SharingLevel};
pub use division::{DivisionShapeError, Province, division_code_shape};
pub use education::Education;
pub use ethnic::EthnicGroup;
pub use event::{EventCategory, Severity};
pub use gender::Gender;
pub use identity::{IdentifierScheme, ResidenceKind};
pub use organization::OrganizationKind;
pub use place::{PlaceKind, RentalStatus, RoomUse};
pub use political::PoliticalStatus;
pub use relationship::Relationship;
pub use thing::{PlateColor, ThingKind, ThingStatus};

/// Behaviour shared by every code table.
pub trait CodeTable: Sized + Copy + Eq + fmt::Debug + 'static {
    /// Machine name of the table, e.g. `gender` (used in `spec/` and reports).
    const TABLE: &'static str;
    /// The standard the table follows, e.g. `GB/T 2261.1-2003`, or `Linli` for Linli's own.
    const STANDARD: &'static str;
    /// Chinese name of the table.
    const TITLE_ZH: &'static str;
    /// English name of the table.
    const TITLE_EN: &'static str;
    /// Every code, in table order.
    const ALL: &'static [Self];
    /// The code as exchanged.
    fn code(self) -> &'static str;
    /// Chinese label.
    fn label_zh(self) -> &'static str;
    /// English label.
    fn label_en(self) -> &'static str;
    /// Look a code up; `None` when the table has no such code.
    fn from_code(code: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|c| c.code() == code)
    }
}

/// A code table rendered as data (for `linli codes`, the spec and reports).
#[derive(Debug, Clone, serde::Serialize)]
pub struct TableInfo {
    /// Machine name.
    pub table: &'static str,
    /// Source standard.
    pub standard: &'static str,
    /// Chinese title.
    pub title_zh: &'static str,
    /// English title.
    pub title_en: &'static str,
    /// `(code, zh, en)` rows.
    pub codes: Vec<(&'static str, &'static str, &'static str)>,
}

impl TableInfo {
    /// Describe the table `T`.
    pub fn of<T: CodeTable>() -> Self {
        TableInfo {
            table: T::TABLE,
            standard: T::STANDARD,
            title_zh: T::TITLE_ZH,
            title_en: T::TITLE_EN,
            codes: T::ALL.iter().map(|c| (c.code(), c.label_zh(), c.label_en())).collect(),
        }
    }
}

/// Every code table of the standard, in spec order.
pub fn all_tables() -> Vec<TableInfo> {
    vec![
        TableInfo::of::<crate::record::RecordType>(),
        TableInfo::of::<Gender>(),
        TableInfo::of::<EthnicGroup>(),
        TableInfo::of::<Relationship>(),
        TableInfo::of::<Education>(),
        TableInfo::of::<PoliticalStatus>(),
        TableInfo::of::<IdentifierScheme>(),
        TableInfo::of::<ResidenceKind>(),
        TableInfo::of::<CareTag>(),
        TableInfo::of::<OrganizationKind>(),
        TableInfo::of::<PlaceKind>(),
        TableInfo::of::<RoomUse>(),
        TableInfo::of::<RentalStatus>(),
        TableInfo::of::<ThingKind>(),
        TableInfo::of::<ThingStatus>(),
        TableInfo::of::<PlateColor>(),
        TableInfo::of::<EventCategory>(),
        TableInfo::of::<Severity>(),
        TableInfo::of::<CaseCategory>(),
        TableInfo::of::<CaseStatus>(),
        TableInfo::of::<CaseChannel>(),
        TableInfo::of::<DataClassification>(),
        TableInfo::of::<Sensitivity>(),
        TableInfo::of::<SharingLevel>(),
        TableInfo::of::<Province>(),
    ]
}

/// Declare a code table: an enum whose variants are codes with zh-CN and English labels.
///
/// ```text
/// code_table! {
///     /// Doc comment of the enum.
///     pub enum Gender: table "gender", standard "GB/T 2261.1-2003", zh "性别", en "Gender" {
///         /// doc of the variant (optional)
///         Male = "1", "男性", "Male";
///     }
/// }
/// ```
macro_rules! code_table {
    (
        $(#[$meta:meta])*
        pub enum $name:ident : table $table:literal, standard $std:literal, zh $tzh:literal, en $ten:literal {
            $( $(#[$vmeta:meta])* $variant:ident = $code:literal, $zh:literal, $en:literal; )+
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[non_exhaustive]
        pub enum $name {
            $( $(#[$vmeta])* #[doc = concat!("`", $code, "` ", $zh, " / ", $en)] $variant, )+
        }

        impl $crate::codes::CodeTable for $name {
            const TABLE: &'static str = $table;
            const STANDARD: &'static str = $std;
            const TITLE_ZH: &'static str = $tzh;
            const TITLE_EN: &'static str = $ten;
            const ALL: &'static [Self] = &[ $( $name::$variant, )+ ];
            fn code(self) -> &'static str {
                match self { $( $name::$variant => $code, )+ }
            }
            fn label_zh(self) -> &'static str {
                match self { $( $name::$variant => $zh, )+ }
            }
            fn label_en(self) -> &'static str {
                match self { $( $name::$variant => $en, )+ }
            }
            fn from_code(code: &str) -> Option<Self> {
                match code { $( $code => Some($name::$variant), )+ _ => None }
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str($crate::codes::CodeTable::code(*self))
            }
        }

        impl ::std::str::FromStr for $name {
            type Err = $crate::Error;
            fn from_str(s: &str) -> ::std::result::Result<Self, Self::Err> {
                <$name as $crate::codes::CodeTable>::from_code(s).ok_or_else(|| $crate::Error::UnknownCode {
                    table: $table,
                    code: $crate::Redacted::new($crate::text::truncate(s, 64)),
                })
            }
        }

        impl ::serde::Serialize for $name {
            fn serialize<S: ::serde::Serializer>(&self, s: S) -> ::std::result::Result<S::Ok, S::Error> {
                s.serialize_str($crate::codes::CodeTable::code(*self))
            }
        }

        impl<'de> ::serde::Deserialize<'de> for $name {
            fn deserialize<D: ::serde::Deserializer<'de>>(d: D) -> ::std::result::Result<Self, D::Error> {
                struct V;
                impl ::serde::de::Visitor<'_> for V {
                    type Value = $name;
                    fn expecting(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                        write!(f, "a code of table `{}` ({})", $table, $std)
                    }
                    fn visit_str<E: ::serde::de::Error>(self, v: &str) -> ::std::result::Result<$name, E> {
                        <$name as $crate::codes::CodeTable>::from_code(v).ok_or_else(|| {
                            E::custom(format_args!(
                                "unknown code `{}` in table `{}`",
                                $crate::Redacted::new($crate::text::truncate(v, 64)),
                                $table
                            ))
                        })
                    }
                }
                d.deserialize_str(V)
            }
        }

        #[cfg(feature = "schema")]
        impl ::schemars::JsonSchema for $name {
            fn schema_name() -> ::std::borrow::Cow<'static, str> {
                stringify!($name).into()
            }
            fn schema_id() -> ::std::borrow::Cow<'static, str> {
                concat!("linli::codes::", stringify!($name)).into()
            }
            fn json_schema(_: &mut ::schemars::SchemaGenerator) -> ::schemars::Schema {
                $crate::codes::code_schema::<$name>()
            }
        }

        #[cfg(any(test, feature = "quickcheck"))]
        impl ::quickcheck::Arbitrary for $name {
            fn arbitrary(g: &mut ::quickcheck::Gen) -> Self {
                *g.choose(<$name as $crate::codes::CodeTable>::ALL).expect("code tables are never empty")
            }
        }
    };
}

/// The macro is the crate's own: code tables are declared here, never by a vendor (issue 16).
pub(crate) use code_table;

/// The JSON Schema of a code table: `enum` plus both labels of every code.
#[cfg(feature = "schema")]
pub fn code_schema<T: CodeTable>() -> schemars::Schema {
    let codes: Vec<&str> = T::ALL.iter().map(|c| c.code()).collect();
    let mut labels = serde_json::Map::new();
    for c in T::ALL {
        labels.insert(c.code().to_owned(), serde_json::json!({ "zh-CN": c.label_zh(), "en": c.label_en() }));
    }
    schemars::json_schema!({
        "type": "string",
        "title": T::TITLE_EN,
        "description": format!("Code table `{}` ({}).", T::TABLE, T::STANDARD),
        "x-linli-title-zh": T::TITLE_ZH,
        "enum": codes,
        "x-linli-labels": labels,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn every_table_has_unique_codes_and_both_labels() {
        let tables = all_tables();
        let mut names = HashSet::new();
        for t in &tables {
            assert!(names.insert(t.table), "table name {} repeated", t.table);
            assert!(!t.codes.is_empty(), "{} is empty", t.table);
            let mut seen = HashSet::new();
            for (code, zh, en) in &t.codes {
                assert!(seen.insert(*code), "{}: code {code} repeated", t.table);
                assert!(!zh.trim().is_empty() && !en.trim().is_empty(), "{}: {code}", t.table);
                assert!(
                    zh.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)),
                    "{}: zh label of {code} has no Chinese: {zh}",
                    t.table
                );
                assert!(en.is_ascii(), "{}: en label of {code} is not ASCII: {en}", t.table);
            }
        }
    }

    #[test]
    fn codes_round_trip_through_serde_and_from_str() {
        fn check<T: CodeTable + serde::Serialize + serde::de::DeserializeOwned + std::str::FromStr>() {
            for c in T::ALL {
                let json = serde_json::to_string(c).expect("serialize");
                assert_eq!(json, format!("\"{}\"", c.code()));
                let back: T = serde_json::from_str(&json).expect("deserialize");
                assert_eq!(back, *c);
                assert!(c.code().parse::<T>().is_ok());
            }
            assert!(serde_json::from_str::<T>("\"no-such-code\"").is_err());
            assert!("no-such-code".parse::<T>().is_err());
        }
        check::<Gender>();
        check::<EthnicGroup>();
        check::<Relationship>();
        check::<EventCategory>();
        check::<CaseStatus>();
        check::<Province>();
    }
}
