//! Object-only structs.
//!
//! serde's derived `Deserialize` for a struct also accepts the sequence form (`[5]` reads as
//! `{"rating": 5}`); JSON Schema, and so the Linli schemas, never do `[COR-001]`. [`Strict`]
//! wraps a deserializer so that every struct, at every depth, must be a JSON object: each
//! `deserialize_struct` becomes `deserialize_map`, and every nested deserializer is wrapped in
//! turn. Untagged enums buffer their input outside the wrapper, so they read their content
//! with their own object check (see [`crate::geo::Geometry`]).

use std::fmt;

use serde::de::{self, DeserializeSeed, Deserializer, EnumAccess, MapAccess, SeqAccess, VariantAccess, Visitor};

/// A deserializer whose structs accept only the map form.
pub(crate) struct Strict<D>(pub(crate) D);

/// A visitor, seed or access wrapped so that what it reads nested is [`Strict`] as well.
pub(crate) struct Wrap<X>(X);

macro_rules! forward_de {
    ($($method:ident)*) => {$(
        fn $method<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, D::Error> {
            self.0.$method(Wrap(visitor))
        }
    )*};
}

impl<'de, D: Deserializer<'de>> Deserializer<'de> for Strict<D> {
    type Error = D::Error;

    forward_de! {
        deserialize_any deserialize_bool deserialize_i8 deserialize_i16 deserialize_i32
        deserialize_i64 deserialize_i128 deserialize_u8 deserialize_u16 deserialize_u32
        deserialize_u64 deserialize_u128 deserialize_f32 deserialize_f64 deserialize_char
        deserialize_str deserialize_string deserialize_bytes deserialize_byte_buf
        deserialize_option deserialize_unit deserialize_seq deserialize_map
        deserialize_identifier
    }

    fn deserialize_unit_struct<V: Visitor<'de>>(self, name: &'static str, visitor: V) -> Result<V::Value, D::Error> {
        self.0.deserialize_unit_struct(name, Wrap(visitor))
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(self, name: &'static str, visitor: V) -> Result<V::Value, D::Error> {
        self.0.deserialize_newtype_struct(name, Wrap(visitor))
    }

    fn deserialize_tuple<V: Visitor<'de>>(self, len: usize, visitor: V) -> Result<V::Value, D::Error> {
        self.0.deserialize_tuple(len, Wrap(visitor))
    }

    fn deserialize_tuple_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        len: usize,
        visitor: V,
    ) -> Result<V::Value, D::Error> {
        self.0.deserialize_tuple_struct(name, len, Wrap(visitor))
    }

    /// The point of the wrapper: a struct is read as a map, never as a sequence.
    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, D::Error> {
        self.0.deserialize_map(Wrap(visitor))
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        name: &'static str,
        variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, D::Error> {
        self.0.deserialize_enum(name, variants, Wrap(visitor))
    }

    /// What is skipped is not seen: the text is not vouched for (see [`from_str_checked`]).
    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, D::Error> {
        text_guard::unsure();
        self.0.deserialize_ignored_any(Wrap(visitor))
    }

    fn is_human_readable(&self) -> bool {
        self.0.is_human_readable()
    }
}

macro_rules! forward_visit {
    ($($method:ident: $ty:ty)*) => {$(
        fn $method<E: de::Error>(self, v: $ty) -> Result<Self::Value, E> {
            self.0.$method(v)
        }
    )*};
}

impl<'de, V: Visitor<'de>> Visitor<'de> for Wrap<V> {
    type Value = V::Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.expecting(f)
    }

    forward_visit! {
        visit_bool: bool visit_i8: i8 visit_i16: i16 visit_i32: i32 visit_i64: i64 visit_i128: i128
        visit_u8: u8 visit_u16: u16 visit_u32: u32 visit_u64: u64 visit_u128: u128
        visit_f32: f32 visit_f64: f64 visit_char: char visit_str: &str visit_borrowed_str: &'de str
        visit_string: String visit_bytes: &[u8] visit_borrowed_bytes: &'de [u8] visit_byte_buf: Vec<u8>
    }

    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        self.0.visit_none()
    }

    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        self.0.visit_unit()
    }

    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        self.0.visit_some(Strict(d))
    }

    fn visit_newtype_struct<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        self.0.visit_newtype_struct(Strict(d))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Self::Value, A::Error> {
        text_guard::enter();
        let read = self.0.visit_seq(Wrap(seq));
        text_guard::leave();
        read
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
        text_guard::enter();
        let read = self.0.visit_map(Names::new(map));
        text_guard::leave();
        read
    }

    fn visit_enum<A: EnumAccess<'de>>(self, data: A) -> Result<Self::Value, A::Error> {
        self.0.visit_enum(Wrap(data))
    }
}

impl<'de, S: DeserializeSeed<'de>> DeserializeSeed<'de> for Wrap<S> {
    type Value = S::Value;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        self.0.deserialize(Strict(d))
    }
}

impl<'de, A: SeqAccess<'de>> SeqAccess<'de> for Wrap<A> {
    type Error = A::Error;

    fn next_element_seed<T: DeserializeSeed<'de>>(&mut self, seed: T) -> Result<Option<T::Value>, A::Error> {
        self.0.next_element_seed(Wrap(seed))
    }

    fn size_hint(&self) -> Option<usize> {
        self.0.size_hint()
    }
}

impl<'de, A: EnumAccess<'de>> EnumAccess<'de> for Wrap<A> {
    type Error = A::Error;
    type Variant = Wrap<A::Variant>;

    fn variant_seed<T: DeserializeSeed<'de>>(self, seed: T) -> Result<(T::Value, Self::Variant), A::Error> {
        self.0.variant_seed(Wrap(seed)).map(|(v, variant)| (v, Wrap(variant)))
    }
}

impl<'de, A: VariantAccess<'de>> VariantAccess<'de> for Wrap<A> {
    type Error = A::Error;

    fn unit_variant(self) -> Result<(), A::Error> {
        self.0.unit_variant()
    }

    fn newtype_variant_seed<T: DeserializeSeed<'de>>(self, seed: T) -> Result<T::Value, A::Error> {
        self.0.newtype_variant_seed(Wrap(seed))
    }

    fn tuple_variant<V: Visitor<'de>>(self, len: usize, visitor: V) -> Result<V::Value, A::Error> {
        self.0.tuple_variant(len, Wrap(visitor))
    }

    fn struct_variant<V: Visitor<'de>>(
        self,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, A::Error> {
        self.0.struct_variant(fields, Wrap(visitor))
    }
}

/// Reads `T` from JSON text like [`from_str`] and says whether the reading vouches for the text
/// as [`crate::json::check_text`] would: `true` when every object of the text was read with
/// its member names seen (none twice) and nothing nested deeper than [`crate::json::MAX_DEPTH`].
/// `false` means only "not vouched for": the caller checks the text itself.
pub(crate) fn from_str_checked<'a, T: serde::Deserialize<'a>>(s: &'a str) -> Result<(T, bool), serde_json::Error> {
    text_guard::reset();
    let read = from_str(s);
    let sure = text_guard::sure();
    read.map(|v| (v, sure))
}

/// Reads `T` from JSON text with object-only structs, rejecting trailing characters.
pub(crate) fn from_str<'a, T: serde::Deserialize<'a>>(s: &'a str) -> Result<T, serde_json::Error> {
    let mut de = serde_json::Deserializer::from_str(s);
    let value = T::deserialize(Strict(&mut de))?;
    de.end()?;
    Ok(value)
}

/// Reads `T` from a JSON value with object-only structs.
pub(crate) fn from_value<T: serde::de::DeserializeOwned>(v: serde_json::Value) -> Result<T, serde_json::Error> {
    // A value already read from text (a geometry, read once as a map) says nothing of the text.
    let saved = text_guard::save();
    let read = T::deserialize(Strict(v));
    text_guard::restore(saved);
    read
}

/// What the reading of one text has seen (thread-local: a reading runs on one thread).
mod text_guard {
    use std::cell::Cell;

    thread_local! {
        static DEPTH: Cell<usize> = const { Cell::new(0) };
        static UNSURE: Cell<bool> = const { Cell::new(false) };
    }

    pub(super) fn reset() {
        DEPTH.with(|d| d.set(0));
        UNSURE.with(|u| u.set(false));
    }

    pub(super) fn enter() {
        let depth = DEPTH.with(|d| {
            d.set(d.get() + 1);
            d.get()
        });
        if depth > crate::json::MAX_DEPTH {
            unsure();
        }
    }

    pub(super) fn leave() {
        DEPTH.with(|d| d.set(d.get().saturating_sub(1)));
    }

    pub(super) fn unsure() {
        UNSURE.with(|u| u.set(true));
    }

    pub(super) fn save() -> (usize, bool) {
        (DEPTH.with(Cell::get), UNSURE.with(Cell::get))
    }

    pub(super) fn restore((depth, unsure): (usize, bool)) {
        DEPTH.with(|d| d.set(depth));
        UNSURE.with(|u| u.set(unsure));
    }

    pub(super) fn sure() -> bool {
        !UNSURE.with(Cell::get)
    }
}

/// Names kept inline per object; more go to a vector.
const INLINE_NAMES: usize = 16;

/// A map being read: its member names so far, to see a name given twice `[CON-002]`. Names are
/// borrowed from the text; a name with an escape (read as a passing `&str`) is not kept, and
/// the text is not vouched for.
struct Names<'de, A> {
    map: A,
    inline: [&'de str; INLINE_NAMES],
    len: usize,
    more: Vec<&'de str>,
    /// A bit per name (from its length and first byte): names are compared only when bits meet.
    bits: u64,
}

impl<'de, A> Names<'de, A> {
    fn new(map: A) -> Self {
        Names { map, inline: [""; INLINE_NAMES], len: 0, more: Vec::new(), bits: 0 }
    }

    /// Keeps `name`; false when it was there already.
    fn insert(&mut self, name: &'de str) -> bool {
        let first = u64::from(name.as_bytes().first().copied().unwrap_or(0));
        let bit = 1u64 << ((name.len() as u64).wrapping_mul(31).wrapping_add(first) & 63);
        if self.bits & bit != 0
            && (self.inline[..self.len.min(INLINE_NAMES)].contains(&name) || self.more.contains(&name))
        {
            return false;
        }
        self.bits |= bit;
        if self.len < INLINE_NAMES {
            self.inline[self.len] = name;
        } else {
            self.more.push(name);
        }
        self.len += 1;
        true
    }
}

impl<'de, A: MapAccess<'de>> MapAccess<'de> for Names<'de, A> {
    type Error = A::Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(&mut self, seed: K) -> Result<Option<K::Value>, A::Error> {
        let mut name = None;
        let key = self.map.next_key_seed(NameSeed { seed, name: &mut name })?;
        if key.is_some() {
            match name {
                Some(name) => {
                    if !self.insert(name) {
                        text_guard::unsure();
                    }
                }
                // A name with an escape, or read as something other than a string: not seen.
                None => text_guard::unsure(),
            }
        }
        Ok(key)
    }

    fn next_value_seed<T: DeserializeSeed<'de>>(&mut self, seed: T) -> Result<T::Value, A::Error> {
        self.map.next_value_seed(Wrap(seed))
    }

    fn size_hint(&self) -> Option<usize> {
        self.map.size_hint()
    }
}

/// Reads a member name through `seed`, keeping the name it was given as text.
struct NameSeed<'n, 'de, S> {
    seed: S,
    name: &'n mut Option<&'de str>,
}

impl<'de, S: DeserializeSeed<'de>> DeserializeSeed<'de> for NameSeed<'_, 'de, S> {
    type Value = S::Value;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        self.seed.deserialize(NameDe { d, name: self.name })
    }
}

struct NameDe<'n, 'de, D> {
    d: D,
    name: &'n mut Option<&'de str>,
}

macro_rules! forward_name_de {
    ($($method:ident)*) => {$(
        fn $method<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, D::Error> {
            self.d.$method(NameVisit { visitor, name: self.name })
        }
    )*};
}

impl<'de, D: Deserializer<'de>> Deserializer<'de> for NameDe<'_, 'de, D> {
    type Error = D::Error;

    forward_name_de! {
        deserialize_any deserialize_bool deserialize_i8 deserialize_i16 deserialize_i32
        deserialize_i64 deserialize_i128 deserialize_u8 deserialize_u16 deserialize_u32
        deserialize_u64 deserialize_u128 deserialize_f32 deserialize_f64 deserialize_char
        deserialize_str deserialize_string deserialize_bytes deserialize_byte_buf
        deserialize_option deserialize_unit deserialize_seq deserialize_map
        deserialize_identifier deserialize_ignored_any
    }

    fn deserialize_unit_struct<V: Visitor<'de>>(self, name: &'static str, visitor: V) -> Result<V::Value, D::Error> {
        self.d.deserialize_unit_struct(name, NameVisit { visitor, name: self.name })
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(self, name: &'static str, visitor: V) -> Result<V::Value, D::Error> {
        self.d.deserialize_newtype_struct(name, NameVisit { visitor, name: self.name })
    }

    fn deserialize_tuple<V: Visitor<'de>>(self, len: usize, visitor: V) -> Result<V::Value, D::Error> {
        self.d.deserialize_tuple(len, NameVisit { visitor, name: self.name })
    }

    fn deserialize_tuple_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        len: usize,
        visitor: V,
    ) -> Result<V::Value, D::Error> {
        self.d.deserialize_tuple_struct(name, len, NameVisit { visitor, name: self.name })
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, D::Error> {
        self.d.deserialize_struct(name, fields, NameVisit { visitor, name: self.name })
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        name: &'static str,
        variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, D::Error> {
        self.d.deserialize_enum(name, variants, NameVisit { visitor, name: self.name })
    }

    fn is_human_readable(&self) -> bool {
        self.d.is_human_readable()
    }
}

/// A visitor of a member name: a name given as text is kept, everything is passed on.
struct NameVisit<'n, 'de, V> {
    visitor: V,
    name: &'n mut Option<&'de str>,
}

macro_rules! forward_name_visit {
    ($($method:ident: $ty:ty)*) => {$(
        fn $method<E: de::Error>(self, v: $ty) -> Result<Self::Value, E> {
            self.visitor.$method(v)
        }
    )*};
}

impl<'de, V: Visitor<'de>> Visitor<'de> for NameVisit<'_, 'de, V> {
    type Value = V::Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.visitor.expecting(f)
    }

    forward_name_visit! {
        visit_bool: bool visit_i8: i8 visit_i16: i16 visit_i32: i32 visit_i64: i64 visit_i128: i128
        visit_u8: u8 visit_u16: u16 visit_u32: u32 visit_u64: u64 visit_u128: u128
        visit_f32: f32 visit_f64: f64 visit_char: char
        visit_bytes: &[u8] visit_borrowed_bytes: &'de [u8] visit_byte_buf: Vec<u8>
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        self.visitor.visit_str(v)
    }

    fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
        *self.name = Some(v);
        self.visitor.visit_borrowed_str(v)
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
        self.visitor.visit_string(v)
    }

    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        self.visitor.visit_none()
    }

    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        self.visitor.visit_unit()
    }

    fn visit_some<D2: Deserializer<'de>>(self, d: D2) -> Result<Self::Value, D2::Error> {
        self.visitor.visit_some(d)
    }

    fn visit_newtype_struct<D2: Deserializer<'de>>(self, d: D2) -> Result<Self::Value, D2::Error> {
        self.visitor.visit_newtype_struct(d)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Self::Value, A::Error> {
        self.visitor.visit_seq(seq)
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
        self.visitor.visit_map(map)
    }

    fn visit_enum<A: EnumAccess<'de>>(self, data: A) -> Result<Self::Value, A::Error> {
        self.visitor.visit_enum(data)
    }
}
