//! 人 Person (spec `spec/10-person.md`).

use serde::{Deserialize, Serialize};

use crate::codes::{
    CareTag, Education, EthnicGroup, Gender, IdentifierScheme, PoliticalStatus, Relationship, ResidenceKind,
};
use crate::common::{Extensions, Meta};
use crate::datetime::Date;
use crate::reference::PlaceRef;
use crate::tag::const_tag;
use crate::text::{CountryCode, HouseholdId, Id, PhoneNumber, Text};

const_tag!(
    /// The constant `"Person"`.
    PersonTag, "Person"
);

/// A natural person: a resident, a worker, a visitor `[PER-001]`.
///
/// ```
/// # use linli_model::{Meta, codes::DataClassification, text::Text};
/// # let meta = Meta::new(Text::new("示例科技")?, Text::new("智慧社区平台")?,
/// #     "2024-05-01T09:00:00+08:00".parse()?, DataClassification::Internal);
/// use linli_model::codes::{Gender, IdentifierScheme};
/// use linli_model::person::Identifier;
/// use linli_model::{Person, Record, text::Id};
///
/// let p = Person::new(Id::new("P-0001")?, meta, Text::new("王秀英")?)
///     .with_gender(Gender::Female)
///     .with_birth_date("1949-12-31".parse()?)
///     .with_identifiers([Identifier::new(IdentifierScheme::ResidentId, Text::new("11010519491231002X")?)]);
/// // Debug masks every text — the name, identifier values, telephone numbers — [PRI-011]; the
/// // birth date and the members of `extensions` print as they are: log no record.
/// assert!(!format!("{p:?}").contains("王秀英"));
/// assert!(!format!("{p:?}").contains("11010519491231002X"));
/// assert!(format!("{p:?}").contains("1949-12-31"));
/// let record = Record::from(p);
/// assert!(linli_model::check::check_record(&record, &Default::default()).is_empty());
/// // Written and read back, the record is the same.
/// let json = serde_json::to_string(&record)?;
/// assert_eq!(Record::from_json_str(&json)?, record);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
#[cfg_attr(feature = "schema", schemars(
    title = "Person",
    description = "A natural person: resident, worker or visitor [PER-001].",
    extend("x-linli-title-zh" = "人员")
))]
#[non_exhaustive]
pub struct Person {
    /// Always `Person`.
    #[serde(rename = "type")]
    #[cfg_attr(feature = "schema", schemars(title = "Record type", extend("x-linli-title-zh" = "记录类型")))]
    pub record_type: PersonTag,
    /// Identifier of the record `[CON-010]`.
    #[cfg_attr(feature = "schema", schemars(title = "Id", extend("x-linli-title-zh" = "标识")))]
    pub id: Id,
    /// Record metadata.
    #[cfg_attr(feature = "schema", schemars(title = "Metadata", extend("x-linli-title-zh" = "元数据")))]
    pub meta: Meta,
    /// Name as on the identity document `[PER-004]`.
    #[cfg_attr(feature = "schema", schemars(title = "Name", extend("x-linli-title-zh" = "姓名", "x-linli-sensitivity" = "personal")))]
    pub name: Text,
    /// Gender, GB/T 2261.1 `[PER-005]`.
    #[serde(default, skip_serializing_if = "Option::is_none", deserialize_with = "crate::serde_util::some")]
    #[cfg_attr(feature = "schema", schemars(title = "Gender", extend("x-linli-title-zh" = "性别", "x-linli-sensitivity" = "personal")))]
    pub gender: Option<Gender>,
    /// Date of birth `[PER-006]`.
    #[serde(default, skip_serializing_if = "Option::is_none", deserialize_with = "crate::serde_util::some")]
    #[cfg_attr(feature = "schema", schemars(title = "Date of birth", extend("x-linli-title-zh" = "出生日期", "x-linli-sensitivity" = "personal")))]
    pub birth_date: Option<Date>,
    /// A generalised date of birth: the period it lies in, e.g. a year or a five-year band
    /// `[PER-017]`.
    #[serde(default, skip_serializing_if = "Option::is_none", deserialize_with = "crate::serde_util::some")]
    #[cfg_attr(feature = "schema", schemars(title = "Birth period", extend("x-linli-title-zh" = "出生时段", "x-linli-sensitivity" = "personal")))]
    pub birth_period: Option<BirthPeriod>,
    /// Identity documents `[PER-007]`, `[PER-008]`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[cfg_attr(feature = "schema", schemars(title = "Identifiers", extend("x-linli-title-zh" = "证件", "x-linli-sensitivity" = "sensitive")))]
    pub identifiers: Vec<Identifier>,
    /// Ethnic group, GB/T 3304 `[PER-009]`.
    #[serde(default, skip_serializing_if = "Option::is_none", deserialize_with = "crate::serde_util::some")]
    #[cfg_attr(feature = "schema", schemars(title = "Ethnic group", extend("x-linli-title-zh" = "民族", "x-linli-sensitivity" = "sensitive")))]
    pub ethnic_group: Option<EthnicGroup>,
    /// Nationality, ISO 3166-1 alpha-3 `[PER-009]`.
    #[serde(default, skip_serializing_if = "Option::is_none", deserialize_with = "crate::serde_util::some")]
    #[cfg_attr(feature = "schema", schemars(title = "Nationality", extend("x-linli-title-zh" = "国籍", "x-linli-sensitivity" = "personal")))]
    pub nationality: Option<CountryCode>,
    /// Telephone numbers `[PER-010]`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[cfg_attr(feature = "schema", schemars(title = "Telephone numbers", extend("x-linli-title-zh" = "联系电话", "x-linli-sensitivity" = "personal")))]
    pub phones: Vec<PhoneNumber>,
    /// Places the person lives at, and how `[PER-011]`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[cfg_attr(feature = "schema", schemars(title = "Residences", extend("x-linli-title-zh" = "居住信息", "x-linli-sensitivity" = "personal")))]
    pub residences: Vec<Residence>,
    /// Household membership `[PER-012]`, `[PER-013]`.
    #[serde(default, skip_serializing_if = "Option::is_none", deserialize_with = "crate::serde_util::some")]
    #[cfg_attr(feature = "schema", schemars(title = "Household", extend("x-linli-title-zh" = "户", "x-linli-sensitivity" = "personal")))]
    pub household: Option<Household>,
    /// Education level, GB/T 4658.
    #[serde(default, skip_serializing_if = "Option::is_none", deserialize_with = "crate::serde_util::some")]
    #[cfg_attr(feature = "schema", schemars(title = "Education", extend("x-linli-title-zh" = "学历", "x-linli-sensitivity" = "personal")))]
    pub education: Option<Education>,
    /// Political status, GB/T 4762.
    #[serde(default, skip_serializing_if = "Option::is_none", deserialize_with = "crate::serde_util::some")]
    #[cfg_attr(feature = "schema", schemars(title = "Political status", extend("x-linli-title-zh" = "政治面貌", "x-linli-sensitivity" = "personal")))]
    pub political_status: Option<PoliticalStatus>,
    /// Care and assistance tags `[PER-014]`: health, disability, hardship, minors — sensitive.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[cfg_attr(feature = "schema", schemars(title = "Care tags", extend("x-linli-title-zh" = "关爱标签", "x-linli-sensitivity" = "sensitive")))]
    pub care_tags: Vec<CareTag>,
    /// Vendor extensions `[COR-040]`.
    #[serde(default, skip_serializing_if = "Extensions::is_empty")]
    #[cfg_attr(feature = "schema", schemars(title = "Extensions", extend("x-linli-title-zh" = "扩展")))]
    pub extensions: Extensions,
}

/// An identity document number with its scheme `[PER-007]`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
#[cfg_attr(feature = "schema", schemars(title = "Identifier", extend("x-linli-title-zh" = "证件")))]
#[non_exhaustive]
pub struct Identifier {
    /// Kind of document.
    #[cfg_attr(feature = "schema", schemars(title = "Scheme", extend("x-linli-title-zh" = "证件类型")))]
    pub scheme: IdentifierScheme,
    /// Document number. For `resident-id` it MUST be a valid GB 11643 number `[PER-008]`.
    #[cfg_attr(feature = "schema", schemars(title = "Number", extend("x-linli-title-zh" = "证件号码", "x-linli-sensitivity" = "sensitive")))]
    pub value: Text,
    /// Issuing authority or country.
    #[serde(default, skip_serializing_if = "Option::is_none", deserialize_with = "crate::serde_util::some")]
    #[cfg_attr(feature = "schema", schemars(title = "Issuer", extend("x-linli-title-zh" = "签发机关")))]
    pub issuer: Option<Text>,
}

/// A period a date of birth lies in, both ends included `[PER-017]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
#[cfg_attr(feature = "schema", schemars(title = "Birth period", extend("x-linli-title-zh" = "出生时段")))]
#[non_exhaustive]
pub struct BirthPeriod {
    /// First day of the period.
    #[cfg_attr(feature = "schema", schemars(title = "Start", extend("x-linli-title-zh" = "起始日期")))]
    pub start: Date,
    /// Last day of the period; not before `start`.
    #[cfg_attr(feature = "schema", schemars(title = "End", extend("x-linli-title-zh" = "截止日期")))]
    pub end: Date,
}

/// A place a person lives at `[PER-011]`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
#[cfg_attr(feature = "schema", schemars(title = "Residence", extend("x-linli-title-zh" = "居住信息")))]
#[non_exhaustive]
pub struct Residence {
    /// The place (usually a room).
    #[cfg_attr(feature = "schema", schemars(title = "Place", extend("x-linli-title-zh" = "地点")))]
    pub place: PlaceRef,
    /// How the person is tied to the place.
    #[cfg_attr(feature = "schema", schemars(title = "Kind", extend("x-linli-title-zh" = "居住类型")))]
    pub kind: ResidenceKind,
    /// Since when.
    #[serde(default, skip_serializing_if = "Option::is_none", deserialize_with = "crate::serde_util::some")]
    #[cfg_attr(feature = "schema", schemars(title = "Since", extend("x-linli-title-zh" = "起始日期")))]
    pub since: Option<Date>,
    /// Until when (absent while current); not before `since` `[PER-011]`.
    #[serde(default, skip_serializing_if = "Option::is_none", deserialize_with = "crate::serde_util::some")]
    #[cfg_attr(feature = "schema", schemars(title = "Until", extend("x-linli-title-zh" = "截止日期")))]
    pub until: Option<Date>,
}

/// Membership of a registered household `[PER-012]`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
#[cfg_attr(feature = "schema", schemars(title = "Household membership", extend("x-linli-title-zh" = "户籍关系")))]
#[non_exhaustive]
pub struct Household {
    /// Household number (户号).
    #[cfg_attr(feature = "schema", schemars(title = "Household number", extend("x-linli-title-zh" = "户号")))]
    pub household_id: HouseholdId,
    /// Relationship to the head of the household, GB/T 4761; the head is `02` `[PER-013]`.
    #[cfg_attr(feature = "schema", schemars(title = "Relationship to head", extend("x-linli-title-zh" = "与户主关系")))]
    pub relationship: Relationship,
}

impl Identifier {
    /// A document number of `scheme`, without issuer.
    pub fn new(scheme: IdentifierScheme, value: Text) -> Self {
        Identifier { scheme, value, issuer: None }
    }
}

impl Household {
    /// Whether this member is the head of the household (GB/T 4761 `01` 本人 or `02` 户主).
    pub fn is_head(&self) -> bool {
        matches!(self.relationship, Relationship::Oneself | Relationship::HouseholdHead)
    }
}

impl Person {
    /// A person with only the required members.
    pub fn new(id: Id, meta: Meta, name: Text) -> Self {
        Person {
            record_type: PersonTag,
            id,
            meta,
            name,
            gender: None,
            birth_date: None,
            birth_period: None,
            identifiers: Vec::new(),
            ethnic_group: None,
            nationality: None,
            phones: Vec::new(),
            residences: Vec::new(),
            household: None,
            education: None,
            political_status: None,
            care_tags: Vec::new(),
            extensions: Extensions::default(),
        }
    }

    /// The resident ID number, if the person has one.
    pub fn resident_id(&self) -> Option<&str> {
        self.identifiers.iter().find(|i| i.scheme == IdentifierScheme::ResidentId).map(|i| i.value.as_str())
    }
}

crate::setters::with_setters!(Person {
    opt gender => with_gender: Gender,
    opt birth_date => with_birth_date: Date,
    opt birth_period => with_birth_period: BirthPeriod,
    vec identifiers => with_identifiers: Identifier,
    opt ethnic_group => with_ethnic_group: EthnicGroup,
    opt nationality => with_nationality: CountryCode,
    vec phones => with_phones: PhoneNumber,
    vec residences => with_residences: Residence,
    opt household => with_household: Household,
    opt education => with_education: Education,
    opt political_status => with_political_status: PoliticalStatus,
    vec care_tags => with_care_tags: CareTag,
    val extensions => with_extensions: Extensions,
});

crate::setters::with_setters!(Identifier {
    opt issuer => with_issuer: Text,
});

impl BirthPeriod {
    /// The period from `start` to `end`, both included; a period that ends before it starts is
    /// reported by the checks `[PER-017]`.
    pub fn new(start: Date, end: Date) -> Self {
        BirthPeriod { start, end }
    }
}

impl Residence {
    /// Living at `place` as `kind`, with no dates `[PER-011]`.
    pub fn new(place: PlaceRef, kind: ResidenceKind) -> Self {
        Residence { place, kind, since: None, until: None }
    }
}

crate::setters::with_setters!(Residence {
    opt since => with_since: Date,
    opt until => with_until: Date,
});

impl Household {
    /// Membership of household `household_id` as `relationship` to its head `[PER-012]`.
    pub fn new(household_id: HouseholdId, relationship: Relationship) -> Self {
        Household { household_id, relationship }
    }
}
