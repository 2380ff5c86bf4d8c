//! 情/案件 Case: a governance work order (spec `spec/15-case.md`).

use serde::{Deserialize, Serialize};

use crate::codes::{CaseCategory, CaseChannel, CaseStatus};
use crate::common::{Extensions, Meta};
use crate::datetime::Timestamp;
use crate::geo::Point;
use crate::reference::{ActorRef, EventRef, OrganizationRef, PersonRef, PlaceRef};
use crate::tag::const_tag;
use crate::text::{Id, Text};

const_tag!(
    /// The constant `"Case"`.
    CaseTag, "Case"
);

/// A governance work order (案件): reported, handled, verified and closed under a normative
/// state machine `[CAS-001]`, `[CAS-006]`.
///
/// ```
/// # use linli_model::{Meta, codes::DataClassification, text::Text};
/// # let meta = Meta::new(Text::new("示例科技")?, Text::new("智慧社区平台")?,
/// #     "2024-05-01T09:00:00+08:00".parse()?, DataClassification::Internal);
/// use linli_model::codes::{CaseCategory, CaseChannel, CaseStatus};
/// use linli_model::{Case, Record, text::Id};
///
/// let mut case = Case::reported(
///     Id::new("C-2024-0001")?,
///     meta,
///     CaseCategory::Garbage,
///     CaseChannel::GridPatrol,
///     Text::new("3幢门口垃圾堆放")?,
///     "2024-05-01T09:00:00+08:00".parse()?,
/// );
/// // The status changes only by transition(), which keeps the history [CAS-007] and refuses
/// // what the state machine does not allow [CAS-006].
/// case.transition(CaseStatus::Accepted, "2024-05-01T09:10:00+08:00".parse()?, None, None)?;
/// assert!(case.transition(CaseStatus::Closed, "2024-05-01T09:20:00+08:00".parse()?, None, None).is_err());
/// assert_eq!(case.status(), CaseStatus::Accepted);
/// assert_eq!(case.history().len(), 2);
/// let record = Record::from(case);
/// let json = serde_json::to_string(&record)?;
/// assert_eq!(Record::from_json_str(&json)?, record);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
#[cfg_attr(feature = "schema", schemars(
    title = "Case",
    description = "A governance work order handled under the case state machine [CAS-001].",
    extend("x-linli-title-zh" = "案件")
))]
#[non_exhaustive]
pub struct Case {
    /// Always `Case`.
    #[serde(rename = "type")]
    #[cfg_attr(feature = "schema", schemars(title = "Record type", extend("x-linli-title-zh" = "记录类型")))]
    pub record_type: CaseTag,
    /// Identifier of the record `[CON-010]`.
    #[cfg_attr(feature = "schema", schemars(title = "Id", extend("x-linli-title-zh" = "标识")))]
    pub id: Id,
    /// Record metadata.
    #[cfg_attr(feature = "schema", schemars(title = "Metadata", extend("x-linli-title-zh" = "元数据")))]
    pub meta: Meta,
    /// Category `[CAS-004]`.
    #[cfg_attr(feature = "schema", schemars(title = "Category", extend("x-linli-title-zh" = "案件类别")))]
    pub category: CaseCategory,
    /// How the case arrived `[CAS-003]`.
    #[cfg_attr(feature = "schema", schemars(title = "Channel", extend("x-linli-title-zh" = "来源渠道")))]
    pub channel: CaseChannel,
    /// Short title.
    #[cfg_attr(feature = "schema", schemars(title = "Title", extend("x-linli-title-zh" = "标题")))]
    pub title: Text,
    /// Description as reported; MUST NOT hold identity numbers `[CAS-012]`.
    #[serde(default, skip_serializing_if = "Option::is_none", deserialize_with = "crate::serde_util::some")]
    #[cfg_attr(feature = "schema", schemars(title = "Description", extend("x-linli-title-zh" = "描述", "x-linli-sensitivity" = "personal")))]
    pub description: Option<Text>,
    /// When it was reported `[CAS-008]`.
    #[cfg_attr(feature = "schema", schemars(title = "Reported at", extend("x-linli-title-zh" = "上报时间")))]
    pub reported_at: Timestamp,
    /// Who reported it; absent when reported anonymously `[CAS-009]`.
    #[serde(default, skip_serializing_if = "Option::is_none", deserialize_with = "crate::serde_util::some")]
    #[cfg_attr(feature = "schema", schemars(title = "Reporter", extend("x-linli-title-zh" = "上报人", "x-linli-sensitivity" = "personal")))]
    pub reporter: Option<PersonRef>,
    /// `true` when the reporter asked to stay anonymous; then `reporter` MUST be absent `[CAS-009]`.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    #[cfg_attr(feature = "schema", schemars(title = "Anonymous", extend("x-linli-title-zh" = "匿名上报")))]
    pub anonymous: bool,
    /// Where; personal, since a place may be a home `[PRI-001]`.
    #[serde(default, skip_serializing_if = "Option::is_none", deserialize_with = "crate::serde_util::some")]
    #[cfg_attr(feature = "schema", schemars(title = "Place", extend("x-linli-title-zh" = "地点", "x-linli-sensitivity" = "personal")))]
    pub place: Option<PlaceRef>,
    /// Exact location in WGS-84 `[CON-030]`.
    #[serde(default, skip_serializing_if = "Option::is_none", deserialize_with = "crate::serde_util::some")]
    #[cfg_attr(feature = "schema", schemars(title = "Location", extend("x-linli-title-zh" = "位置", "x-linli-sensitivity" = "personal")))]
    pub location: Option<Point>,
    /// Events that led to the case.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[cfg_attr(feature = "schema", schemars(title = "Related events", extend("x-linli-title-zh" = "关联事件")))]
    pub events: Vec<EventRef>,
    /// Current status; equal to the last step of `history` `[CAS-005]`, `[CAS-007]`.
    #[cfg_attr(feature = "schema", schemars(title = "Status", extend("x-linli-title-zh" = "状态")))]
    status: CaseStatus,
    /// Every status change, oldest first; the first goes to `reported` `[CAS-007]`.
    #[cfg_attr(feature = "schema", schemars(title = "History", extend("x-linli-title-zh" = "流转记录")))]
    history: Vec<Transition>,
    /// Who handles the case `[CAS-010]`.
    #[serde(default, skip_serializing_if = "Option::is_none", deserialize_with = "crate::serde_util::some")]
    #[cfg_attr(feature = "schema", schemars(title = "Assignee", extend("x-linli-title-zh" = "处置责任方")))]
    pub assignee: Option<Assignee>,
    /// When it must be resolved.
    #[serde(default, skip_serializing_if = "Option::is_none", deserialize_with = "crate::serde_util::some")]
    #[cfg_attr(feature = "schema", schemars(title = "Deadline", extend("x-linli-title-zh" = "处置时限")))]
    pub deadline: Option<Timestamp>,
    /// How it was resolved.
    #[serde(default, skip_serializing_if = "Option::is_none", deserialize_with = "crate::serde_util::some")]
    #[cfg_attr(feature = "schema", schemars(title = "Resolution", extend("x-linli-title-zh" = "处置结果")))]
    pub resolution: Option<Text>,
    /// The resident's evaluation (居民考评) `[CAS-011]`.
    #[serde(default, skip_serializing_if = "Option::is_none", deserialize_with = "crate::serde_util::some")]
    #[cfg_attr(feature = "schema", schemars(title = "Evaluation", extend("x-linli-title-zh" = "居民评价")))]
    pub evaluation: Option<Evaluation>,
    /// Vendor extensions `[COR-040]`.
    #[serde(default, skip_serializing_if = "Extensions::is_empty")]
    #[cfg_attr(feature = "schema", schemars(title = "Extensions", extend("x-linli-title-zh" = "扩展")))]
    pub extensions: Extensions,
}

/// One status change of a case `[CAS-007]`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
#[cfg_attr(feature = "schema", schemars(title = "Status transition", extend("x-linli-title-zh" = "状态流转")))]
#[non_exhaustive]
pub struct Transition {
    /// When.
    #[cfg_attr(feature = "schema", schemars(title = "At", extend("x-linli-title-zh" = "时间")))]
    pub at: Timestamp,
    /// Who made the change.
    #[serde(default, skip_serializing_if = "Option::is_none", deserialize_with = "crate::serde_util::some")]
    #[cfg_attr(feature = "schema", schemars(title = "Actor", extend("x-linli-title-zh" = "操作方")))]
    pub actor: Option<ActorRef>,
    /// Status before; absent for the first step only.
    #[serde(default, skip_serializing_if = "Option::is_none", deserialize_with = "crate::serde_util::some")]
    #[cfg_attr(feature = "schema", schemars(title = "From", extend("x-linli-title-zh" = "原状态")))]
    pub from: Option<CaseStatus>,
    /// Status after.
    #[cfg_attr(feature = "schema", schemars(title = "To", extend("x-linli-title-zh" = "新状态")))]
    pub to: CaseStatus,
    /// Note, e.g. why it was rejected.
    #[serde(default, skip_serializing_if = "Option::is_none", deserialize_with = "crate::serde_util::some")]
    #[cfg_attr(feature = "schema", schemars(title = "Note", extend("x-linli-title-zh" = "备注", "x-linli-sensitivity" = "personal")))]
    pub note: Option<Text>,
}

/// Who handles a case: an organization, a person, or both `[CAS-010]`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
#[cfg_attr(feature = "schema", schemars(title = "Assignee", extend("x-linli-title-zh" = "处置责任方")))]
#[non_exhaustive]
pub struct Assignee {
    /// Responsible organization.
    #[serde(default, skip_serializing_if = "Option::is_none", deserialize_with = "crate::serde_util::some")]
    #[cfg_attr(feature = "schema", schemars(title = "Organization", extend("x-linli-title-zh" = "责任单位")))]
    pub organization: Option<OrganizationRef>,
    /// Responsible person.
    #[serde(default, skip_serializing_if = "Option::is_none", deserialize_with = "crate::serde_util::some")]
    #[cfg_attr(feature = "schema", schemars(title = "Person", extend("x-linli-title-zh" = "责任人")))]
    pub person: Option<PersonRef>,
}

/// The resident's evaluation of how a case was handled (居民考评) `[CAS-011]`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
#[cfg_attr(feature = "schema", schemars(title = "Evaluation", extend("x-linli-title-zh" = "居民评价")))]
#[non_exhaustive]
pub struct Evaluation {
    /// Rating from 1 (very dissatisfied) to 5 (very satisfied).
    #[cfg_attr(feature = "schema", schemars(title = "Rating", extend("x-linli-title-zh" = "评分")))]
    pub rating: Rating,
    /// Comment.
    #[serde(default, skip_serializing_if = "Option::is_none", deserialize_with = "crate::serde_util::some")]
    #[cfg_attr(feature = "schema", schemars(title = "Comment", extend("x-linli-title-zh" = "评价内容", "x-linli-sensitivity" = "personal")))]
    pub comment: Option<Text>,
    /// When the evaluation was given.
    #[serde(default, skip_serializing_if = "Option::is_none", deserialize_with = "crate::serde_util::some")]
    #[cfg_attr(feature = "schema", schemars(title = "At", extend("x-linli-title-zh" = "评价时间")))]
    pub at: Option<Timestamp>,
}

/// A rating from 1 to 5 `[CAS-011]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct Rating(u8);

impl Rating {
    /// A rating, 1–5.
    pub fn new(v: u8) -> Result<Self, crate::Error> {
        if (1..=5).contains(&v) {
            Ok(Rating(v))
        } else {
            Err(crate::Error::OutOfRange { what: "rating", value: i64::from(v), min: 1, max: 5 })
        }
    }
    /// The value.
    pub fn get(self) -> u8 {
        self.0
    }
}

impl<'de> Deserialize<'de> for Rating {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let v = u8::deserialize(d)?;
        Rating::new(v).map_err(serde::de::Error::custom)
    }
}

#[cfg(feature = "schema")]
impl schemars::JsonSchema for Rating {
    fn inline_schema() -> bool {
        true
    }
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Rating".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({ "type": "integer", "minimum": 1, "maximum": 5 })
    }
}

impl Case {
    /// A newly reported case: status `reported`, one history step.
    pub fn reported(
        id: Id,
        meta: Meta,
        category: CaseCategory,
        channel: CaseChannel,
        title: Text,
        reported_at: Timestamp,
    ) -> Self {
        Case {
            record_type: CaseTag,
            id,
            meta,
            category,
            channel,
            title,
            description: None,
            reported_at,
            reporter: None,
            anonymous: false,
            place: None,
            location: None,
            events: Vec::new(),
            status: CaseStatus::Reported,
            history: vec![Transition {
                at: reported_at,
                actor: None,
                from: None,
                to: CaseStatus::Reported,
                note: None,
            }],
            assignee: None,
            deadline: None,
            resolution: None,
            evaluation: None,
            extensions: Extensions::default(),
        }
    }

    /// Current status; equal to the last step of [`Case::history`] `[CAS-005]`, `[CAS-007]`.
    pub fn status(&self) -> CaseStatus {
        self.status
    }

    /// Every status change, oldest first; the first goes to `reported` `[CAS-007]`. Changed only
    /// by [`Case::transition`].
    pub fn history(&self) -> &[Transition] {
        &self.history
    }

    /// Set the note of the latest step of the history (the first step, `reported`, of a case
    /// that has not moved yet): the note only, the statuses and times of the history stay as
    /// [`Case::transition`] made them `[CAS-007]`.
    pub fn set_latest_note(&mut self, note: Option<Text>) {
        if let Some(last) = self.history.last_mut() {
            last.note = note;
        }
    }

    /// Move the case to `to` at `at`, appending to the history; refuses an illegal transition
    /// `[CAS-006]`.
    pub fn transition(
        &mut self,
        to: CaseStatus,
        at: Timestamp,
        actor: Option<ActorRef>,
        note: Option<Text>,
    ) -> Result<(), crate::Error> {
        if !self.status.may_become(to) {
            return Err(crate::Error::IllegalTransition { from: self.status, to });
        }
        self.history.push(Transition { at, actor, from: Some(self.status), to, note });
        self.status = to;
        Ok(())
    }
}

crate::setters::with_setters!(Case {
    opt description => with_description: Text,
    opt reporter => with_reporter: PersonRef,
    val anonymous => with_anonymous: bool,
    opt place => with_place: PlaceRef,
    opt location => with_location: Point,
    vec events => with_events: EventRef,
    opt assignee => with_assignee: Assignee,
    opt deadline => with_deadline: Timestamp,
    opt resolution => with_resolution: Text,
    opt evaluation => with_evaluation: Evaluation,
    val extensions => with_extensions: Extensions,
});

impl Assignee {
    /// An assignee with neither organization nor person yet (give at least one `[CAS-010]`).
    pub fn new() -> Self {
        Assignee { organization: None, person: None }
    }
}

impl Default for Assignee {
    fn default() -> Self {
        Assignee::new()
    }
}

crate::setters::with_setters!(Assignee {
    opt organization => with_organization: OrganizationRef,
    opt person => with_person: PersonRef,
});

impl Evaluation {
    /// A rating with no comment or time `[CAS-011]`.
    pub fn new(rating: Rating) -> Self {
        Evaluation { rating, comment: None, at: None }
    }
}

crate::setters::with_setters!(Evaluation {
    opt comment => with_comment: Text,
    opt at => with_at: Timestamp,
});
