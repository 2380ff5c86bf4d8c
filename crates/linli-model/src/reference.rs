//! References between records `[COR-020]`–`[COR-022]`.
//!
//! A reference is always an object `{"type": "...", "id": "..."}`, never a bare string, so a
//! reader knows what kind of record it points to without looking it up. Each field that holds a
//! reference says which record types it may point to; `Ref<Place>` only accepts `"Place"`.

use std::fmt;
use std::hash::{Hash, Hasher};
use std::marker::PhantomData;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::record::RecordType;
use crate::text::Id;

/// What a [`Ref`] may point to.
pub trait RefTarget: 'static {
    /// The record types a reference of this kind may name.
    const ALLOWED: &'static [RecordType];
    /// Name of the reference type in the schemas' `$defs`.
    const SCHEMA_NAME: &'static str;
    /// English title.
    const TITLE_EN: &'static str;
    /// Chinese title.
    const TITLE_ZH: &'static str;
}

/// A typed reference to another record `[COR-020]`.
pub struct Ref<T: RefTarget> {
    /// Type of the record referred to; always one of `T::ALLOWED`.
    record_type: RecordType,
    /// Id of the record referred to.
    pub id: Id,
    _target: PhantomData<fn() -> T>,
}

impl<T: RefTarget> Ref<T> {
    /// A reference to the record `(record_type, id)`; fails when `T` may not point to
    /// `record_type`.
    pub fn new(record_type: RecordType, id: Id) -> Result<Self, crate::Error> {
        if T::ALLOWED.contains(&record_type) {
            Ok(Ref { record_type, id, _target: PhantomData })
        } else {
            Err(crate::Error::RefType { expected: T::ALLOWED, found: record_type })
        }
    }

    /// Type of the record referred to.
    pub fn record_type(&self) -> RecordType {
        self.record_type
    }

    /// Forget the target restriction.
    pub fn erase(&self) -> Ref<AnyRecord> {
        Ref { record_type: self.record_type, id: self.id.clone(), _target: PhantomData }
    }
}

impl<T: RefTarget + SingleTarget> Ref<T> {
    /// A reference to the record with `id` of the one type `T` names.
    pub fn to(id: Id) -> Self {
        Ref { record_type: T::ALLOWED[0], id, _target: PhantomData }
    }
}

/// Marker for targets that name exactly one record type.
pub trait SingleTarget {}

impl<T: RefTarget> Clone for Ref<T> {
    fn clone(&self) -> Self {
        Ref { record_type: self.record_type, id: self.id.clone(), _target: PhantomData }
    }
}

impl<T: RefTarget> PartialEq for Ref<T> {
    fn eq(&self, other: &Self) -> bool {
        self.record_type == other.record_type && self.id == other.id
    }
}

impl<T: RefTarget> Eq for Ref<T> {}

impl<T: RefTarget> Hash for Ref<T> {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.record_type.hash(state);
        self.id.hash(state);
    }
}

impl<T: RefTarget> fmt::Debug for Ref<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Ref({}:{})", self.record_type, self.id)
    }
}

impl<T: RefTarget> fmt::Display for Ref<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.record_type, self.id)
    }
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRef {
    #[serde(rename = "type")]
    record_type: RecordType,
    id: Id,
}

impl<T: RefTarget> Serialize for Ref<T> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        RawRef { record_type: self.record_type, id: self.id.clone() }.serialize(s)
    }
}

impl<'de, T: RefTarget> Deserialize<'de> for Ref<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let raw = RawRef::deserialize(d)?;
        Ref::new(raw.record_type, raw.id).map_err(serde::de::Error::custom)
    }
}

#[cfg(feature = "schema")]
impl<T: RefTarget> schemars::JsonSchema for Ref<T> {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        T::SCHEMA_NAME.into()
    }
    fn json_schema(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
        let mut id = generator.subschema_for::<Id>();
        id.insert("title".into(), "Id of the record referred to".into());
        id.insert("x-linli-title-zh".into(), "被引用记录的标识".into());
        let types: Vec<&str> = T::ALLOWED.iter().map(|t| crate::codes::CodeTable::code(*t)).collect();
        let mut type_schema = if types.len() == 1 {
            serde_json::json!({ "type": "string", "const": types[0] })
        } else {
            let labels: serde_json::Map<String, serde_json::Value> = T::ALLOWED
                .iter()
                .map(|t| {
                    use crate::codes::CodeTable;
                    (t.code().to_owned(), serde_json::json!({ "zh-CN": t.label_zh(), "en": t.label_en() }))
                })
                .collect();
            serde_json::json!({ "type": "string", "enum": types, "x-linli-labels": labels })
        };
        type_schema["title"] = "Type of the record referred to".into();
        type_schema["x-linli-title-zh"] = "被引用记录的类型".into();
        schemars::json_schema!({
            "type": "object",
            "title": T::TITLE_EN,
            "x-linli-title-zh": T::TITLE_ZH,
            "properties": {
                "type": type_schema,
                "id": id,
            },
            "required": ["type", "id"],
            "additionalProperties": false,
        })
    }
}

macro_rules! ref_target {
    ($(#[$m:meta])* $marker:ident, [$($t:ident),+], $schema:literal, $en:literal, $zh:literal $(, $single:ident)?) => {
        $(#[$m])*
        #[derive(Debug)]
        pub enum $marker {}
        impl RefTarget for $marker {
            const ALLOWED: &'static [RecordType] = &[$(RecordType::$t),+];
            const SCHEMA_NAME: &'static str = $schema;
            const TITLE_EN: &'static str = $en;
            const TITLE_ZH: &'static str = $zh;
        }
        $(impl $single for $marker {})?
    };
}

ref_target!(
    /// Target marker: a Person.
    PersonTarget, [Person], "PersonRef", "Reference to a person", "人员引用", SingleTarget
);
ref_target!(
    /// Target marker: an Organization.
    OrganizationTarget, [Organization], "OrganizationRef", "Reference to an organization", "组织引用", SingleTarget
);
ref_target!(
    /// Target marker: a Place.
    PlaceTarget, [Place], "PlaceRef", "Reference to a place", "地点引用", SingleTarget
);
ref_target!(
    /// Target marker: a Thing.
    ThingTarget, [Thing], "ThingRef", "Reference to a thing", "物品引用", SingleTarget
);
ref_target!(
    /// Target marker: an Event.
    EventTarget, [Event], "EventRef", "Reference to an event", "事件引用", SingleTarget
);
ref_target!(
    /// Target marker: a Case.
    CaseTarget, [Case], "CaseRef", "Reference to a case", "案件引用", SingleTarget
);
ref_target!(
    /// Target marker: the subject of an event, a Person or a Thing.
    SubjectTarget, [Person, Thing], "SubjectRef", "Reference to a subject (person or thing)", "对象引用（人员或物品）"
);
ref_target!(
    /// Target marker: someone who acts, a Person or an Organization.
    ActorTarget, [Person, Organization], "ActorRef", "Reference to an actor (person or organization)", "主体引用（人员或组织）"
);
ref_target!(
    /// Target marker: any record.
    AnyRecord, [Person, Organization, Place, Thing, Event, Case], "AnyRef", "Reference to a record", "记录引用"
);

/// A reference to a Person.
pub type PersonRef = Ref<PersonTarget>;
/// A reference to an Organization.
pub type OrganizationRef = Ref<OrganizationTarget>;
/// A reference to a Place.
pub type PlaceRef = Ref<PlaceTarget>;
/// A reference to a Thing.
pub type ThingRef = Ref<ThingTarget>;
/// A reference to an Event.
pub type EventRef = Ref<EventTarget>;
/// A reference to a Case.
pub type CaseRef = Ref<CaseTarget>;
/// A reference to a Person or a Thing.
pub type SubjectRef = Ref<SubjectTarget>;
/// A reference to a Person or an Organization.
pub type ActorRef = Ref<ActorTarget>;
