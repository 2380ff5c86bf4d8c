//! The six record types and the [`Record`] enum over them `[COR-001]`–`[COR-003]`.

use serde::{Deserialize, Serialize};

use crate::case::Case;
use crate::common::Meta;
use crate::event::Event;
use crate::organization::Organization;
use crate::person::Person;
use crate::place::Place;
use crate::text::Id;
use crate::thing::Thing;

crate::code_table! {
    /// The type of a record, the value of its `type` member `[COR-002]`.
    pub enum RecordType: table "record-type", standard "Linli", zh "记录类型", en "Record type" {
        Person = "Person", "人员", "Person";
        Organization = "Organization", "组织", "Organization";
        Place = "Place", "地点", "Place";
        Thing = "Thing", "物品", "Thing";
        Event = "Event", "事件", "Event";
        Case = "Case", "案件", "Case";
    }
}

impl RecordType {
    /// File stem of the record type's schema, e.g. `person` for `person.schema.json`.
    pub fn schema_stem(self) -> &'static str {
        match self {
            RecordType::Person => "person",
            RecordType::Organization => "organization",
            RecordType::Place => "place",
            RecordType::Thing => "thing",
            RecordType::Event => "event",
            RecordType::Case => "case",
        }
    }
}

/// Any Linli record. Reads the `type` member first and then the record of that type, so a
/// record is parsed once and errors name the real record type `[COR-002]`.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
#[allow(clippy::large_enum_variant)]
pub enum Record {
    /// 人员
    Person(Person),
    /// 组织
    Organization(Organization),
    /// 地点
    Place(Place),
    /// 物品
    Thing(Thing),
    /// 事件
    Event(Event),
    /// 案件
    Case(Case),
}

impl Record {
    /// The record's type.
    pub fn record_type(&self) -> RecordType {
        match self {
            Record::Person(_) => RecordType::Person,
            Record::Organization(_) => RecordType::Organization,
            Record::Place(_) => RecordType::Place,
            Record::Thing(_) => RecordType::Thing,
            Record::Event(_) => RecordType::Event,
            Record::Case(_) => RecordType::Case,
        }
    }

    /// The record's id.
    pub fn id(&self) -> &Id {
        match self {
            Record::Person(r) => &r.id,
            Record::Organization(r) => &r.id,
            Record::Place(r) => &r.id,
            Record::Thing(r) => &r.id,
            Record::Event(r) => &r.id,
            Record::Case(r) => &r.id,
        }
    }

    /// The record's metadata.
    pub fn meta(&self) -> &Meta {
        match self {
            Record::Person(r) => &r.meta,
            Record::Organization(r) => &r.meta,
            Record::Place(r) => &r.meta,
            Record::Thing(r) => &r.meta,
            Record::Event(r) => &r.meta,
            Record::Case(r) => &r.meta,
        }
    }

    /// Parse one record from JSON text: the `type` member decides the record type.
    ///
    /// Records written by Linli tools (and most others) start with `{"type":"…"`; for those the
    /// type is read off the first bytes and the record is parsed once. Otherwise the `type`
    /// member is looked up in a first pass.
    ///
    /// The text is first checked for member names given twice and for nesting deeper than
    /// [`crate::json::MAX_DEPTH`] at any depth `[CON-002]` ([`crate::json::check_text`]).
    pub fn from_json_str(s: &str) -> Result<Self, RecordParseError> {
        // The common case first: a record whose type leads and whose reading vouches for the
        // text (no member name twice, no deep nesting; see `strict::from_str_checked`) is read
        // once. Anything else is read the long way below, which gives the same answer.
        let leading = s
            .trim_start()
            .strip_prefix("{\"type\":\"")
            .and_then(|rest| rest.split_once('"'))
            .map(|(t, _)| t)
            .and_then(<RecordType as crate::codes::CodeTable>::from_code);
        if let Some(ty) = leading {
            let read = match ty {
                RecordType::Person => crate::strict::from_str_checked(s).map(|(r, sure)| (Record::Person(r), sure)),
                RecordType::Organization => {
                    crate::strict::from_str_checked(s).map(|(r, sure)| (Record::Organization(r), sure))
                }
                RecordType::Place => crate::strict::from_str_checked(s).map(|(r, sure)| (Record::Place(r), sure)),
                RecordType::Thing => crate::strict::from_str_checked(s).map(|(r, sure)| (Record::Thing(r), sure)),
                RecordType::Event => crate::strict::from_str_checked(s).map(|(r, sure)| (Record::Event(r), sure)),
                RecordType::Case => crate::strict::from_str_checked(s).map(|(r, sure)| (Record::Case(r), sure)),
            };
            if let Ok((record, true)) = read {
                return Ok(record);
            }
        }
        Self::from_json_str_checked_first(s)
    }

    /// [`Record::from_json_str`] the long way: the text checked by [`crate::json::check_text`],
    /// then read.
    fn from_json_str_checked_first(s: &str) -> Result<Self, RecordParseError> {
        crate::json::check_text(s).map_err(RecordParseError::Text)?;
        #[derive(Deserialize)]
        struct Peek<'a> {
            #[serde(rename = "type", borrow)]
            record_type: Option<std::borrow::Cow<'a, str>>,
        }
        let leading = s
            .trim_start()
            .strip_prefix("{\"type\":\"")
            .and_then(|rest| rest.split_once('"'))
            .map(|(t, _)| t)
            .and_then(<RecordType as crate::codes::CodeTable>::from_code);
        let ty = match leading {
            Some(ty) => ty,
            None => {
                let peek: Peek<'_> = serde_json::from_str(s).map_err(RecordParseError::Json)?;
                let ty = peek.record_type.ok_or(RecordParseError::MissingType)?;
                <RecordType as crate::codes::CodeTable>::from_code(&ty)
                    .ok_or_else(|| RecordParseError::UnknownType(crate::text::truncate(&ty, 64)))?
            }
        };
        let r = match ty {
            RecordType::Person => crate::strict::from_str(s).map(Record::Person),
            RecordType::Organization => crate::strict::from_str(s).map(Record::Organization),
            RecordType::Place => crate::strict::from_str(s).map(Record::Place),
            RecordType::Thing => crate::strict::from_str(s).map(Record::Thing),
            RecordType::Event => crate::strict::from_str(s).map(Record::Event),
            RecordType::Case => crate::strict::from_str(s).map(Record::Case),
        };
        r.map_err(RecordParseError::Json)
    }

    /// Parse one record from a JSON value.
    pub fn from_value(v: serde_json::Value) -> Result<Self, RecordParseError> {
        let ty = match v.get("type") {
            Some(serde_json::Value::String(t)) => t.clone(),
            _ => return Err(RecordParseError::MissingType),
        };
        let ty = <RecordType as crate::codes::CodeTable>::from_code(&ty)
            .ok_or_else(|| RecordParseError::UnknownType(crate::text::truncate(&ty, 64)))?;
        let r = match ty {
            RecordType::Person => crate::strict::from_value(v).map(Record::Person),
            RecordType::Organization => crate::strict::from_value(v).map(Record::Organization),
            RecordType::Place => crate::strict::from_value(v).map(Record::Place),
            RecordType::Thing => crate::strict::from_value(v).map(Record::Thing),
            RecordType::Event => crate::strict::from_value(v).map(Record::Event),
            RecordType::Case => crate::strict::from_value(v).map(Record::Case),
        };
        r.map_err(RecordParseError::Json)
    }
}

/// Why a record could not be read. Its `Display` and `Debug` print no personal number in full:
/// what the JSON reader quotes of the input (``invalid type: integer `13812345678` ``) is masked by
/// [`crate::redact::redact`], and an unknown `type` that is not of the id form is masked by the
/// table of `[PRI-004]` (it may be a name) `[PRI-011]`.
#[derive(thiserror::Error)]
#[non_exhaustive]
pub enum RecordParseError {
    /// The JSON is malformed or does not fit the record type.
    #[error("{}", crate::redact::redact(&.0.to_string()))]
    Json(#[source] serde_json::Error),
    /// A member name given twice, or nesting too deep `[CON-002]`.
    #[error("{0}")]
    Text(crate::json::TextProblem),
    /// No string `type` member.
    #[error("the record has no string member `type`")]
    MissingType,
    /// `type` is not one of the six record types.
    #[error("unknown record type `{}`", shown_type(.0))]
    UnknownType(String),
}

/// An unknown `type` as messages print it: as it is when of the id form `[CON-010]` (with its
/// personal numbers masked), else masked by the table of `[PRI-004]` `[PRI-011]`.
fn shown_type(t: &str) -> String {
    if crate::text::Id::FAST.is_some_and(|m| m(t)) {
        crate::redact::redact(t).into_owned()
    } else {
        crate::check::mask_middle(t)
    }
}

impl std::fmt::Debug for RecordParseError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let (variant, shown) = match self {
            RecordParseError::Json(e) => ("Json", format!("{e:?}")),
            RecordParseError::Text(p) => ("Text", format!("{p:?}")),
            RecordParseError::MissingType => return f.write_str("MissingType"),
            RecordParseError::UnknownType(t) => ("UnknownType", shown_type(t)),
        };
        f.debug_tuple(variant).field(&crate::redact::redact(&shown)).finish()
    }
}

impl RecordParseError {
    /// The JSON pointer of what the error concerns in `text`, the JSON text the record was read
    /// from by [`Record::from_json_str`]: the member a reader stopped at ([`crate::json::pointer_at`]),
    /// the repeated or too deep member, `/type`; `""` for the record as a whole.
    pub fn pointer_in(&self, text: &str) -> String {
        match self {
            RecordParseError::Json(e) if e.line() > 0 => crate::json::pointer_at(text, e.line(), e.column()),
            RecordParseError::Json(_) => String::new(),
            RecordParseError::Text(
                crate::json::TextProblem::DuplicateMember { pointer } | crate::json::TextProblem::TooDeep { pointer },
            ) => pointer.clone(),
            RecordParseError::MissingType | RecordParseError::UnknownType(_) => "/type".to_owned(),
        }
    }
}

impl<'de> Deserialize<'de> for Record {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let v = serde_json::Value::deserialize(d)?;
        Record::from_value(v).map_err(serde::de::Error::custom)
    }
}

macro_rules! record_from {
    ($($t:ident),+) => {$(
        impl From<$t> for Record {
            fn from(r: $t) -> Self {
                Record::$t(r)
            }
        }
    )+};
}
record_from!(Person, Organization, Place, Thing, Event, Case);

impl Record {
    /// Call `f(pointer, type, id)` for every reference the record holds `[COR-020]`.
    pub fn for_each_ref(&self, f: &mut dyn FnMut(String, RecordType, &Id)) {
        use crate::reference::{Ref, RefTarget};
        fn one<T: RefTarget>(f: &mut dyn FnMut(String, RecordType, &Id), ptr: &str, r: &Option<Ref<T>>) {
            if let Some(r) = r {
                f(ptr.to_owned(), r.record_type(), &r.id);
            }
        }
        fn many<T: RefTarget>(f: &mut dyn FnMut(String, RecordType, &Id), ptr: &str, rs: &[Ref<T>]) {
            for (i, r) in rs.iter().enumerate() {
                f(format!("{ptr}/{i}"), r.record_type(), &r.id);
            }
        }
        match self {
            Record::Person(p) => {
                for (i, r) in p.residences.iter().enumerate() {
                    f(format!("/residences/{i}/place"), r.place.record_type(), &r.place.id);
                }
            }
            Record::Organization(o) => {
                one(f, "/place", &o.place);
                one(f, "/parent", &o.parent);
                one(f, "/legalRepresentative", &o.legal_representative);
                for (i, c) in o.contacts.iter().enumerate() {
                    one(f, &format!("/contacts/{i}/person"), &c.person);
                }
            }
            Record::Place(p) => one(f, "/parent", &p.parent),
            Record::Thing(t) => {
                one(f, "/place", &t.place);
                one(f, "/owner", &t.owner);
                one(f, "/operator", &t.operator);
            }
            Record::Event(e) => {
                one(f, "/place", &e.place);
                one(f, "/source", &e.source);
                many(f, "/subjects", &e.subjects);
                one(f, "/case", &e.case);
            }
            Record::Case(c) => {
                one(f, "/reporter", &c.reporter);
                one(f, "/place", &c.place);
                many(f, "/events", &c.events);
                for (i, t) in c.history().iter().enumerate() {
                    one(f, &format!("/history/{i}/actor"), &t.actor);
                }
                if let Some(a) = &c.assignee {
                    one(f, "/assignee/organization", &a.organization);
                    one(f, "/assignee/person", &a.person);
                }
            }
        }
    }
}

#[cfg(test)]
mod error_tests {
    use super::*;

    /// The reader's errors quote the input: `Display` and `Debug` mask what they quote `[PRI-011]`.
    #[test]
    fn parse_errors_print_no_personal_number_nor_name() {
        let e = Record::from_json_str(r#"{"type":"Person","id":"P-1","name":13812345678}"#).unwrap_err();
        for shown in [e.to_string(), format!("{e:?}")] {
            assert!(!shown.contains("13812345678"), "{shown}");
            assert!(shown.contains("138****5678"), "{shown}");
        }
        let e = Record::from_json_str(r#"{"type":"沈建华"}"#).unwrap_err();
        for shown in [e.to_string(), format!("{e:?}")] {
            assert!(!shown.contains("沈建华"), "{shown}");
        }
        assert_eq!(e.to_string(), "unknown record type `沈*华`");
        let e = Record::from_json_str(r#"{"type":"Robot"}"#).unwrap_err();
        assert_eq!(e.to_string(), "unknown record type `Robot`");
    }
}

#[cfg(test)]
mod fast_read_tests {
    use super::*;
    use quickcheck::{Arbitrary, Gen};

    /// A valid record as text, with one of the changes a reader must see through: a member
    /// given twice (at the top, in `meta`, in an extension, with an escaped name), nesting past
    /// the limit inside an extension, an unknown member, or none.
    #[derive(Clone, Debug)]
    struct Text(String);

    impl Arbitrary for Text {
        fn arbitrary(g: &mut Gen) -> Self {
            let record = match u8::arbitrary(g) % 6 {
                0 => Record::Person(crate::Person::arbitrary(g)),
                1 => Record::Organization(crate::Organization::arbitrary(g)),
                2 => Record::Place(crate::Place::arbitrary(g)),
                3 => Record::Thing(crate::Thing::arbitrary(g)),
                4 => Record::Event(crate::Event::arbitrary(g)),
                _ => Record::Case(crate::Case::arbitrary(g)),
            };
            let mut t = serde_json::to_string(&record).unwrap_or_default();
            let deep = format!("{}1{}", "[".repeat(crate::json::MAX_DEPTH), "]".repeat(crate::json::MAX_DEPTH));
            let change = u8::arbitrary(g) % 9;
            let insert_after = |t: &mut String, at: &str, what: &str| {
                if let Some(i) = t.find(at) {
                    t.insert_str(i + at.len(), what);
                }
            };
            match change {
                0 => insert_after(&mut t, "{", "\"id\":\"x.y\","),
                1 => insert_after(&mut t, "\"meta\":{", "\"version\":1,"),
                2 => insert_after(&mut t, "\"meta\":{", "\"\\u0076ersion\":1,"),
                3 => {
                    let ext = ",\"extensions\":{\"acme\":{\"a\":1,\"b\":{\"c\":1,\"c\":2}}}}";
                    t.pop();
                    t.push_str(ext);
                }
                4 => {
                    let ext = format!(",\"extensions\":{{\"acme\":{{\"a\":{deep}}}}}}}");
                    t.pop();
                    t.push_str(&ext);
                }
                5 => insert_after(&mut t, "{", "\"unknownMember\":true,"),
                6 => insert_after(&mut t, "\"meta\":{", "\"x\":{\"y\":1,\"y\":1},"),
                _ => {}
            }
            Text(t)
        }
    }

    fn same(a: &Result<Record, RecordParseError>, b: &Result<Record, RecordParseError>) -> bool {
        match (a, b) {
            (Ok(a), Ok(b)) => a == b,
            (Err(a), Err(b)) => a.to_string() == b.to_string(),
            _ => false,
        }
    }

    quickcheck::quickcheck! {
        /// Read once or the long way, the same record or the same error.
        fn the_one_pass_reading_agrees_with_the_long_way(t: Text) -> bool {
            same(&Record::from_json_str(&t.0), &Record::from_json_str_checked_first(&t.0))
        }

        /// And the one pass vouches for every valid record (the long way is the exception).
        fn valid_records_are_read_in_one_pass(p: crate::Person, e: crate::Event, pl: crate::Place) -> bool {
            let sure = |t: String, f: fn(&str) -> bool| f(&t);
            sure(serde_json::to_string(&Record::Person(p)).unwrap_or_default(), |t| {
                matches!(crate::strict::from_str_checked::<crate::Person>(t), Ok((_, true)))
            }) && sure(serde_json::to_string(&Record::Event(e)).unwrap_or_default(), |t| {
                matches!(crate::strict::from_str_checked::<crate::Event>(t), Ok((_, true)))
            }) && sure(serde_json::to_string(&Record::Place(pl)).unwrap_or_default(), |t| {
                matches!(crate::strict::from_str_checked::<crate::Place>(t), Ok((_, true)))
            })
        }
    }

    #[test]
    fn what_the_one_pass_cannot_vouch_for() {
        let mut v = serde_json::to_value(Record::Person(crate::Person::arbitrary(&mut Gen::new(10)))).unwrap();
        v.as_object_mut().unwrap().remove("extensions");
        let p = serde_json::to_string(&v).unwrap();
        assert!(matches!(crate::strict::from_str_checked::<crate::Person>(&p), Ok((_, true))));
        let with = |at: &str, what: &str| {
            let i = p.find(at).unwrap() + at.len();
            format!("{}{}{}", &p[..i], what, &p[i..])
        };
        // An extension member twice is not an error of the typed reading: only the guard sees it.
        let dup_ext = format!("{},\"extensions\":{{\"acme\":{{\"k\":1,\"k\":2}}}}}}", &p[..p.len() - 1]);
        assert!(matches!(crate::strict::from_str_checked::<crate::Person>(&dup_ext), Ok((_, false))));
        assert!(matches!(Record::from_json_str(&dup_ext), Err(RecordParseError::Text(_))));
        let deep = "[".repeat(101) + "]".repeat(101).as_str();
        let deep_ext = format!("{},\"extensions\":{{\"acme\":{{\"k\":{deep}}}}}}}", &p[..p.len() - 1]);
        assert!(matches!(Record::from_json_str(&deep_ext), Err(RecordParseError::Text(_))));
        assert!(Record::from_json_str(&with("\"meta\":{", "\"version\":1,")).is_err());
    }
}
