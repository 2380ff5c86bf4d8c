//! Which top-level members a record has, for completeness statistics.
//!
//! Optional members that have no value are skipped when a record is serialized, so the names
//! the serializer is handed are exactly the members present. This serializer collects those
//! names and never serializes a value, so it costs a few comparisons per member.

use serde::ser::{self, Impossible, Serialize, SerializeStruct};

/// The member names of a record type, from its schema, sorted; a record's members are reported
/// as a bit mask over this list.
pub fn member_names(ty: linli_model::RecordType) -> &'static [&'static str] {
    use std::sync::LazyLock;
    static NAMES: LazyLock<Vec<(linli_model::RecordType, Vec<&'static str>)>> = LazyLock::new(|| {
        <linli_model::RecordType as linli_model::codes::CodeTable>::ALL
            .iter()
            .map(|ty| {
                let schema = linli_model::schema::schema_for(*ty);
                let mut names: Vec<&'static str> = schema
                    .get("properties")
                    .and_then(|p| p.as_object())
                    .map(|p| p.keys().map(|k| &*Box::leak(k.clone().into_boxed_str())).collect())
                    // Every record schema has `properties`; one without would have no member names, the
                    // default empty list.
                    .unwrap_or_default();
                names.sort_unstable();
                (*ty, names)
            })
            .collect()
    });
    NAMES.iter().find(|(t, _)| *t == ty).map(|(_, n)| n.as_slice()).unwrap_or(&[])
}

/// For each record type, a direct-mapped cache from the address of a member-name string to its
/// index: serde hands over the same `&'static str` for a member every time, so after the first
/// record a member is found with one load and one comparison. Each entry packs the index (top
/// byte) and the address (low 56 bits) into one atomic word, so concurrent updates never tear.
struct Cache {
    entries: [std::sync::atomic::AtomicU64; 256],
}

static SEEN: [Cache; 6] = [const { Cache { entries: [const { std::sync::atomic::AtomicU64::new(0) }; 256] } }; 6];

const ADDR_BITS: u64 = (1 << 56) - 1;

/// The members present in `record` of type `ty`, as a bit mask over [`member_names`].
pub fn present_mask<T: Serialize>(ty: linli_model::RecordType, record: &T) -> u64 {
    let slot =
        <linli_model::RecordType as linli_model::codes::CodeTable>::ALL.iter().position(|t| *t == ty).unwrap_or(0);
    let mut mask = Mask { names: member_names(ty), seen: &SEEN[slot.min(5)], bits: 0 };
    // Only structs reach here; anything else yields no names.
    let _ = record.serialize(Collector { names: &mut mask });
    mask.bits
}

/// The names of the members in `mask`.
pub fn names_in(ty: linli_model::RecordType, mask: u64) -> impl Iterator<Item = &'static str> {
    member_names(ty).iter().enumerate().filter(move |(i, _)| *i < 64 && mask & (1 << i) != 0).map(|(_, n)| *n)
}

struct Mask {
    names: &'static [&'static str],
    seen: &'static Cache,
    bits: u64,
}

impl Mask {
    fn index(&self, key: &'static str) -> Option<usize> {
        use std::sync::atomic::Ordering::Relaxed;
        let addr = key.as_ptr() as u64 & ADDR_BITS;
        let slot = ((addr ^ (addr >> 8) ^ key.len() as u64) & 255) as usize;
        let entry = self.seen.entries[slot].load(Relaxed);
        if entry != 0 && entry & ADDR_BITS == addr {
            return Some((entry >> 56) as usize);
        }
        let i = self.names.binary_search(&key).ok().filter(|i| *i < 64)?;
        self.seen.entries[slot].store(addr | ((i as u64) << 56), Relaxed);
        Some(i)
    }
}

#[derive(Debug)]
struct Unsupported;

impl std::fmt::Display for Unsupported {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("not a struct")
    }
}

impl std::error::Error for Unsupported {}

impl ser::Error for Unsupported {
    fn custom<T: std::fmt::Display>(_: T) -> Self {
        Unsupported
    }
}

struct Collector<'a> {
    names: &'a mut Mask,
}

struct Fields<'a> {
    names: &'a mut Mask,
}

impl SerializeStruct for Fields<'_> {
    type Ok = ();
    type Error = Unsupported;
    fn serialize_field<T: ?Sized + Serialize>(&mut self, key: &'static str, _: &T) -> Result<(), Unsupported> {
        if let Some(i) = self.names.index(key) {
            self.names.bits |= 1 << i;
        }
        Ok(())
    }
    fn end(self) -> Result<(), Unsupported> {
        Ok(())
    }
}

macro_rules! unsupported {
    ($($f:ident($($t:ty),*)),* $(,)?) => {$(
        fn $f(self, $(_: $t),*) -> Result<(), Unsupported> { Err(Unsupported) }
    )*};
}

impl<'a> ser::Serializer for Collector<'a> {
    type Ok = ();
    type Error = Unsupported;
    type SerializeSeq = Impossible<(), Unsupported>;
    type SerializeTuple = Impossible<(), Unsupported>;
    type SerializeTupleStruct = Impossible<(), Unsupported>;
    type SerializeTupleVariant = Impossible<(), Unsupported>;
    type SerializeMap = Impossible<(), Unsupported>;
    type SerializeStruct = Fields<'a>;
    type SerializeStructVariant = Impossible<(), Unsupported>;

    unsupported!(
        serialize_bool(bool),
        serialize_i8(i8),
        serialize_i16(i16),
        serialize_i32(i32),
        serialize_i64(i64),
        serialize_u8(u8),
        serialize_u16(u16),
        serialize_u32(u32),
        serialize_u64(u64),
        serialize_f32(f32),
        serialize_f64(f64),
        serialize_char(char),
        serialize_str(&str),
        serialize_bytes(&[u8]),
        serialize_none(),
        serialize_unit(),
        serialize_unit_struct(&'static str),
        serialize_unit_variant(&'static str, u32, &'static str),
    );

    fn serialize_some<T: ?Sized + Serialize>(self, v: &T) -> Result<(), Unsupported> {
        v.serialize(self)
    }
    fn serialize_newtype_struct<T: ?Sized + Serialize>(self, _: &'static str, v: &T) -> Result<(), Unsupported> {
        v.serialize(self)
    }
    fn serialize_newtype_variant<T: ?Sized + Serialize>(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        v: &T,
    ) -> Result<(), Unsupported> {
        v.serialize(self)
    }
    fn serialize_seq(self, _: Option<usize>) -> Result<Self::SerializeSeq, Unsupported> {
        Err(Unsupported)
    }
    fn serialize_tuple(self, _: usize) -> Result<Self::SerializeTuple, Unsupported> {
        Err(Unsupported)
    }
    fn serialize_tuple_struct(self, _: &'static str, _: usize) -> Result<Self::SerializeTupleStruct, Unsupported> {
        Err(Unsupported)
    }
    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleVariant, Unsupported> {
        Err(Unsupported)
    }
    fn serialize_map(self, _: Option<usize>) -> Result<Self::SerializeMap, Unsupported> {
        Err(Unsupported)
    }
    fn serialize_struct(self, _: &'static str, _: usize) -> Result<Self::SerializeStruct, Unsupported> {
        Ok(Fields { names: self.names })
    }
    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeStructVariant, Unsupported> {
        Err(Unsupported)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use linli_model::Record;

    #[test]
    fn lists_exactly_the_members_present() {
        let text = r#"{"type":"Thing","id":"T-1","meta":{"source":{"vendor":"V","product":"P"},"createdAt":"2024-05-01T09:00:00+08:00","updatedAt":"2024-05-01T09:00:00+08:00","version":1,"classification":"internal"},"kind":"device.camera","status":"online"}"#;
        let r = Record::from_json_str(text).unwrap();
        let mask = present_mask(r.record_type(), &r);
        let mut names: Vec<&str> = names_in(r.record_type(), mask).collect();
        names.sort_unstable();
        assert_eq!(names, ["id", "kind", "meta", "status", "type"]);
        assert!(member_names(r.record_type()).len() <= 64);
    }
}
