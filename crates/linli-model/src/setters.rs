//! `with_*` setters for the optional members of records and their parts: builders that consume
//! and return the value, so that a vendor never writes a struct literal and a minor version may
//! add an optional member without breaking anyone `[CON-063]`.

/// Declare `with_*` setters: `opt` sets an `Option` member, `vec` replaces a list member with
/// what an iterator yields, `val` sets a plain member.
macro_rules! with_setters {
    ($ty:ty { $( $kind:ident $field:ident => $setter:ident : $t:ty ),* $(,)? }) => {
        impl $ty {
            $( $crate::setters::with_setters!(@one $kind $field $setter $t); )*
        }
    };
    (@one opt $field:ident $setter:ident $t:ty) => {
        #[doc = concat!("Set `", stringify!($field), "`.")]
        #[must_use]
        pub fn $setter(mut self, value: $t) -> Self {
            self.$field = Some(value);
            self
        }
    };
    (@one vec $field:ident $setter:ident $t:ty) => {
        #[doc = concat!("Set `", stringify!($field), "` to the items given, replacing what it held.")]
        #[must_use]
        pub fn $setter(mut self, items: impl IntoIterator<Item = $t>) -> Self {
            self.$field = items.into_iter().collect();
            self
        }
    };
    (@one val $field:ident $setter:ident $t:ty) => {
        #[doc = concat!("Set `", stringify!($field), "`.")]
        #[must_use]
        pub fn $setter(mut self, value: $t) -> Self {
            self.$field = value;
            self
        }
    };
}

pub(crate) use with_setters;
