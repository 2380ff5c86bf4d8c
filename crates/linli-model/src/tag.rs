//! Constant tags: zero-sized types that (de)serialize as one fixed string, such as a record's
//! `"type": "Person"` `[COR-002]`.

/// Declare a zero-sized type that serializes as `$value` and accepts nothing else.
macro_rules! const_tag {
    ($(#[$meta:meta])* $name:ident, $value:literal) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $name;

        impl $name {
            /// The constant.
            pub const VALUE: &'static str = $value;
        }

        impl ::serde::Serialize for $name {
            fn serialize<S: ::serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str($value)
            }
        }

        impl<'de> ::serde::Deserialize<'de> for $name {
            fn deserialize<D: ::serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let s = <::std::borrow::Cow<'de, str> as ::serde::Deserialize>::deserialize(d)?;
                if s == $value {
                    Ok($name)
                } else {
                    Err(<D::Error as ::serde::de::Error>::custom(format_args!(
                        "expected \"{}\", found \"{}\"",
                        $value,
                        $crate::Redacted::new($crate::text::truncate(&s, 32))
                    )))
                }
            }
        }

        #[cfg(feature = "schema")]
        impl ::schemars::JsonSchema for $name {
            fn inline_schema() -> bool {
                true
            }
            fn schema_name() -> ::std::borrow::Cow<'static, str> {
                stringify!($name).into()
            }
            fn json_schema(_: &mut ::schemars::SchemaGenerator) -> ::schemars::Schema {
                ::schemars::json_schema!({ "type": "string", "const": $value })
            }
        }

        #[cfg(any(test, feature = "quickcheck"))]
        impl ::quickcheck::Arbitrary for $name {
            fn arbitrary(_: &mut ::quickcheck::Gen) -> Self {
                $name
            }
        }
    };
}

pub(crate) use const_tag;
