//! 组织 Organization (spec `spec/11-organization.md`).

use serde::{Deserialize, Serialize};

use crate::codes::OrganizationKind;
use crate::common::{Extensions, Meta};
use crate::reference::{OrganizationRef, PersonRef, PlaceRef};
use crate::tag::const_tag;
use crate::text::{CreditCode, Id, PhoneNumber, Text};

const_tag!(
    /// The constant `"Organization"`.
    OrganizationTag, "Organization"
);

/// An organization: a committee, an office, a department, a company `[ORG-001]`.
///
/// ```
/// # use linli_model::{Meta, codes::DataClassification, text::Text};
/// # let meta = Meta::new(Text::new("示例科技")?, Text::new("智慧社区平台")?,
/// #     "2024-05-01T09:00:00+08:00".parse()?, DataClassification::Internal);
/// use linli_model::codes::OrganizationKind;
/// use linli_model::{Organization, Record, text::Id};
///
/// let org = Organization::new(
///     Id::new("O-RC-01")?,
///     meta,
///     Text::new("姑苏区平江街道平江社区居民委员会")?,
///     OrganizationKind::ResidentCommittee,
/// );
/// let record = Record::from(org);
/// assert!(linli_model::check::check_record(&record, &Default::default()).is_empty());
/// let json = serde_json::to_string(&record)?;
/// assert!(json.contains(r#""kind":"resident-committee""#));
/// assert_eq!(Record::from_json_str(&json)?, record);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
#[cfg_attr(feature = "schema", schemars(
    title = "Organization",
    description = "A committee, office, department, company or social organization [ORG-001].",
    extend("x-linli-title-zh" = "组织")
))]
#[non_exhaustive]
pub struct Organization {
    /// Always `Organization`.
    #[serde(rename = "type")]
    #[cfg_attr(feature = "schema", schemars(title = "Record type", extend("x-linli-title-zh" = "记录类型")))]
    pub record_type: OrganizationTag,
    /// Identifier of the record `[CON-010]`.
    #[cfg_attr(feature = "schema", schemars(title = "Id", extend("x-linli-title-zh" = "标识")))]
    pub id: Id,
    /// Record metadata.
    #[cfg_attr(feature = "schema", schemars(title = "Metadata", extend("x-linli-title-zh" = "元数据")))]
    pub meta: Meta,
    /// Registered name.
    #[cfg_attr(feature = "schema", schemars(title = "Name", extend("x-linli-title-zh" = "名称")))]
    pub name: Text,
    /// Kind of organization `[ORG-004]`.
    #[cfg_attr(feature = "schema", schemars(title = "Kind", extend("x-linli-title-zh" = "组织类型")))]
    pub kind: OrganizationKind,
    /// Unified social credit code, GB 32100 `[ORG-003]`.
    #[serde(default, skip_serializing_if = "Option::is_none", deserialize_with = "crate::serde_util::some")]
    #[cfg_attr(feature = "schema", schemars(title = "Unified social credit code", extend("x-linli-title-zh" = "统一社会信用代码")))]
    pub credit_code: Option<CreditCode>,
    /// Where the organization sits.
    #[serde(default, skip_serializing_if = "Option::is_none", deserialize_with = "crate::serde_util::some")]
    #[cfg_attr(feature = "schema", schemars(title = "Place", extend("x-linli-title-zh" = "所在地点")))]
    pub place: Option<PlaceRef>,
    /// Parent organization (e.g. the sub-district office of a resident committee).
    #[serde(default, skip_serializing_if = "Option::is_none", deserialize_with = "crate::serde_util::some")]
    #[cfg_attr(feature = "schema", schemars(title = "Parent organization", extend("x-linli-title-zh" = "上级组织")))]
    pub parent: Option<OrganizationRef>,
    /// Legal representative `[ORG-005]`.
    #[serde(default, skip_serializing_if = "Option::is_none", deserialize_with = "crate::serde_util::some")]
    #[cfg_attr(feature = "schema", schemars(title = "Legal representative", extend("x-linli-title-zh" = "法定代表人", "x-linli-sensitivity" = "personal")))]
    pub legal_representative: Option<PersonRef>,
    /// Contact points `[ORG-006]`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[cfg_attr(feature = "schema", schemars(title = "Contacts", extend("x-linli-title-zh" = "联系人", "x-linli-sensitivity" = "personal")))]
    pub contacts: Vec<Contact>,
    /// Vendor extensions `[COR-040]`.
    #[serde(default, skip_serializing_if = "Extensions::is_empty")]
    #[cfg_attr(feature = "schema", schemars(title = "Extensions", extend("x-linli-title-zh" = "扩展")))]
    pub extensions: Extensions,
}

/// A contact point of an organization `[ORG-006]`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
#[cfg_attr(feature = "schema", schemars(title = "Contact", extend("x-linli-title-zh" = "联系人")))]
#[non_exhaustive]
pub struct Contact {
    /// Role, e.g. 书记, 主任, 值班电话.
    #[cfg_attr(feature = "schema", schemars(title = "Role", extend("x-linli-title-zh" = "职务")))]
    pub role: Text,
    /// Name of the person (absent for a desk or hotline).
    #[serde(default, skip_serializing_if = "Option::is_none", deserialize_with = "crate::serde_util::some")]
    #[cfg_attr(feature = "schema", schemars(title = "Name", extend("x-linli-title-zh" = "姓名", "x-linli-sensitivity" = "personal")))]
    pub name: Option<Text>,
    /// Telephone number `[PER-010]`.
    #[serde(default, skip_serializing_if = "Option::is_none", deserialize_with = "crate::serde_util::some")]
    #[cfg_attr(feature = "schema", schemars(title = "Telephone", extend("x-linli-title-zh" = "电话", "x-linli-sensitivity" = "personal")))]
    pub phone: Option<PhoneNumber>,
    /// The person, if recorded as a Person.
    #[serde(default, skip_serializing_if = "Option::is_none", deserialize_with = "crate::serde_util::some")]
    #[cfg_attr(feature = "schema", schemars(title = "Person", extend("x-linli-title-zh" = "人员")))]
    pub person: Option<PersonRef>,
}

impl Organization {
    /// An organization with only the required members.
    pub fn new(id: Id, meta: Meta, name: Text, kind: OrganizationKind) -> Self {
        Organization {
            record_type: OrganizationTag,
            id,
            meta,
            name,
            kind,
            credit_code: None,
            place: None,
            parent: None,
            legal_representative: None,
            contacts: Vec::new(),
            extensions: Extensions::default(),
        }
    }
}

crate::setters::with_setters!(Organization {
    opt credit_code => with_credit_code: CreditCode,
    opt place => with_place: PlaceRef,
    opt parent => with_parent: OrganizationRef,
    opt legal_representative => with_legal_representative: PersonRef,
    vec contacts => with_contacts: Contact,
    val extensions => with_extensions: Extensions,
});

impl Contact {
    /// A contact in `role`, with nothing else yet.
    pub fn new(role: Text) -> Self {
        Contact { role, name: None, phone: None, person: None }
    }
}

crate::setters::with_setters!(Contact {
    opt name => with_name: Text,
    opt phone => with_phone: PhoneNumber,
    opt person => with_person: PersonRef,
});
