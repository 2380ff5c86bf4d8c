//! The one trait every crate's table of stable codes implements: a finding is made from a typed
//! code of a table (the model's semantic codes, the validator's, the adapters'), never from a
//! string, so that a mistyped code does not compile.

/// A code of one of the workspace's code tables.
pub trait TableCode: Copy {
    /// The stable code as reported (`schema-required`, `fiware-id-invalid`).
    fn as_code_str(self) -> &'static str;
}

impl TableCode for crate::check::FindingCode {
    fn as_code_str(self) -> &'static str {
        self.as_str()
    }
}

/// Declares a crate's table of stable codes: the typed enum (`as_str`, `info`, `Display`,
/// [`TableCode`]) and the constant table of its rows, from one list, so that the enum and the
/// table cannot disagree and every crate's table is built the same way.
///
/// Each entry is `Variant = "code", field, field, …;`. The fields are whatever the crate's row
/// holds; a row macro of the calling crate, named after `=` in the `const` line, turns
/// `("code", field, …)` into a row value, and `(@doc field, …)` into the text after the code in
/// the variant's documentation (a string literal or `concat!`). The enum's variants are in table
/// order, so `info` is an index.
///
/// ```
/// pub struct Row {
///     pub code: &'static str,
///     pub title_en: &'static str,
/// }
/// macro_rules! row {
///     (@doc $en:literal) => { $en };
///     ($code:literal, $en:literal) => { Row { code: $code, title_en: $en } };
/// }
/// linli_model::support::code::code_table! {
///     /// A code of the example's table.
///     pub enum Code;
///     /// Every code of the example.
///     pub const CODES: [Row] = row!;
///     Broken = "example-broken", "Something is broken";
/// }
/// assert_eq!(Code::Broken.as_str(), "example-broken");
/// assert_eq!(Code::Broken.info().title_en, "Something is broken");
/// assert_eq!(Code::Broken.to_string(), "example-broken");
/// assert_eq!(Code::from_code("example-broken"), Some(Code::Broken));
/// assert_eq!(Code::from_code("example-mended"), None);
/// assert_eq!(CODES.len(), 1);
/// ```
#[doc(inline)]
pub use crate::__code_table as code_table;

#[doc(hidden)]
#[macro_export]
macro_rules! __code_table {
    (
        $(#[$enum_meta:meta])*
        $vis:vis enum $Code:ident;
        $(#[$table_meta:meta])*
        $tvis:vis const $CODES:ident: [$Row:ty] = $row:ident!;
        $($variant:ident = $code:literal $(, $field:tt)*;)+
    ) => {
        $(#[$enum_meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        $vis enum $Code {
            $(#[doc = concat!("`", $code, "` ", $row!(@doc $($field),*))] $variant,)+
        }

        impl $Code {
            /// The stable code as reported.
            pub fn as_str(self) -> &'static str {
                match self {
                    $($Code::$variant => $code,)+
                }
            }

            /// The code whose stable form is `code`, if the table has it: for a code that went
            /// through a string-typed structure (a model `Finding`) on its way.
            pub fn from_code(code: &str) -> ::core::option::Option<Self> {
                match code {
                    $($code => ::core::option::Option::Some($Code::$variant),)+
                    _ => ::core::option::Option::None,
                }
            }

            /// Its row of the table.
            pub fn info(self) -> &'static $Row {
                &$CODES[self as usize]
            }
        }

        impl ::core::fmt::Display for $Code {
            fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl $crate::support::code::TableCode for $Code {
            fn as_code_str(self) -> &'static str {
                self.as_str()
            }
        }

        $(#[$table_meta])*
        $tvis const $CODES: &[$Row] = &[$($row!($code $(, $field)*)),+];
    };
}
