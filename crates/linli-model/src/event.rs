//! 事 Event (spec `spec/14-event.md`).

use serde::{Deserialize, Serialize};

use crate::codes::{EventCategory, Severity};
use crate::common::{Extensions, Meta};
use crate::datetime::Timestamp;
use crate::geo::Point;
use crate::reference::{CaseRef, PlaceRef, SubjectRef, ThingRef};
use crate::tag::const_tag;
use crate::text::{Id, MediaType, Sha256, Text, UnitCode, Uri};

const_tag!(
    /// The constant `"Event"`.
    EventTag, "Event"
);

/// Something that happened at a time and place: an alarm, a passage, a reading, a patrol
/// finding `[EVT-001]`.
///
/// ```
/// # use linli_model::{Meta, codes::DataClassification, text::Text};
/// # let meta = Meta::new(Text::new("示例科技")?, Text::new("智慧社区平台")?,
/// #     "2024-05-01T09:00:00+08:00".parse()?, DataClassification::Internal);
/// use linli_model::codes::{EventCategory, Severity};
/// use linli_model::reference::PlaceRef;
/// use linli_model::{Event, Record, text::Id};
///
/// let alarm = Event::new(
///     Id::new("E-20240521-0014")?,
///     meta,
///     EventCategory::Smoke,
///     "2024-05-21T10:48:36+08:00".parse()?,
///     Severity::High,
/// )
/// .with_place(PlaceRef::to(Id::new("L-ROOM-302")?));
/// let record = Record::from(alarm);
/// assert!(linli_model::check::check_record(&record, &Default::default()).is_empty());
/// let json = serde_json::to_string(&record)?;
/// assert!(json.contains(r#""category":"alarm.smoke""#));
/// assert_eq!(Record::from_json_str(&json)?, record);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
#[cfg_attr(feature = "schema", schemars(
    title = "Event",
    description = "Something that happened: an alarm, a passage, a reading, a patrol finding [EVT-001].",
    extend("x-linli-title-zh" = "事件")
))]
#[non_exhaustive]
pub struct Event {
    /// Always `Event`.
    #[serde(rename = "type")]
    #[cfg_attr(feature = "schema", schemars(title = "Record type", extend("x-linli-title-zh" = "记录类型")))]
    pub record_type: EventTag,
    /// Identifier of the record `[CON-010]`.
    #[cfg_attr(feature = "schema", schemars(title = "Id", extend("x-linli-title-zh" = "标识")))]
    pub id: Id,
    /// Record metadata.
    #[cfg_attr(feature = "schema", schemars(title = "Metadata", extend("x-linli-title-zh" = "元数据")))]
    pub meta: Meta,
    /// Category `[EVT-003]`.
    #[cfg_attr(feature = "schema", schemars(title = "Category", extend("x-linli-title-zh" = "事件类别")))]
    pub category: EventCategory,
    /// When it happened (or began) `[EVT-004]`.
    #[cfg_attr(feature = "schema", schemars(title = "Occurred at", extend("x-linli-title-zh" = "发生时间")))]
    pub occurred_at: Timestamp,
    /// When it ended; not before `occurredAt` `[EVT-004]`.
    #[serde(default, skip_serializing_if = "Option::is_none", deserialize_with = "crate::serde_util::some")]
    #[cfg_attr(feature = "schema", schemars(title = "Ended at", extend("x-linli-title-zh" = "结束时间")))]
    pub ended_at: Option<Timestamp>,
    /// Severity `[EVT-006]`.
    #[cfg_attr(feature = "schema", schemars(title = "Severity", extend("x-linli-title-zh" = "严重程度")))]
    pub severity: Severity,
    /// Where it happened; personal, since a place may be a home `[PRI-001]`.
    #[serde(default, skip_serializing_if = "Option::is_none", deserialize_with = "crate::serde_util::some")]
    #[cfg_attr(feature = "schema", schemars(title = "Place", extend("x-linli-title-zh" = "发生地点", "x-linli-sensitivity" = "personal")))]
    pub place: Option<PlaceRef>,
    /// Exact location in WGS-84 `[CON-030]`.
    #[serde(default, skip_serializing_if = "Option::is_none", deserialize_with = "crate::serde_util::some")]
    #[cfg_attr(feature = "schema", schemars(title = "Location", extend("x-linli-title-zh" = "位置", "x-linli-sensitivity" = "personal")))]
    pub location: Option<Point>,
    /// The device or thing that reported it `[EVT-005]`.
    #[serde(default, skip_serializing_if = "Option::is_none", deserialize_with = "crate::serde_util::some")]
    #[cfg_attr(feature = "schema", schemars(title = "Source", extend("x-linli-title-zh" = "来源设备")))]
    pub source: Option<ThingRef>,
    /// People and things the event is about. Together with time and place these form location
    /// tracks: sensitive (PIPL art. 28) `[EVT-007]`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[cfg_attr(feature = "schema", schemars(title = "Subjects", extend("x-linli-title-zh" = "涉及对象", "x-linli-sensitivity" = "sensitive")))]
    pub subjects: Vec<SubjectRef>,
    /// Free-text description; MUST NOT hold identity numbers `[EVT-010]`.
    #[serde(default, skip_serializing_if = "Option::is_none", deserialize_with = "crate::serde_util::some")]
    #[cfg_attr(feature = "schema", schemars(title = "Description", extend("x-linli-title-zh" = "描述", "x-linli-sensitivity" = "personal")))]
    pub description: Option<Text>,
    /// Measured values `[EVT-008]`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[cfg_attr(feature = "schema", schemars(title = "Measurements", extend("x-linli-title-zh" = "测量值")))]
    pub measurements: Vec<Measurement>,
    /// Pictures, clips and other media, by reference with a digest; face pictures are
    /// biometric data `[EVT-009]`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[cfg_attr(feature = "schema", schemars(title = "Media", extend("x-linli-title-zh" = "媒体", "x-linli-sensitivity" = "sensitive")))]
    pub media: Vec<Media>,
    /// The case opened for this event, if any.
    #[serde(default, skip_serializing_if = "Option::is_none", deserialize_with = "crate::serde_util::some")]
    #[cfg_attr(feature = "schema", schemars(title = "Case", extend("x-linli-title-zh" = "关联案件")))]
    pub case: Option<CaseRef>,
    /// Vendor extensions `[COR-040]`.
    #[serde(default, skip_serializing_if = "Extensions::is_empty")]
    #[cfg_attr(feature = "schema", schemars(title = "Extensions", extend("x-linli-title-zh" = "扩展")))]
    pub extensions: Extensions,
}

/// A measured value with its unit `[EVT-008]`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
#[cfg_attr(feature = "schema", schemars(title = "Measurement", extend("x-linli-title-zh" = "测量值")))]
#[non_exhaustive]
pub struct Measurement {
    /// What was measured, e.g. `temperature`, `gasConcentration`, `waterPressure`.
    #[cfg_attr(feature = "schema", schemars(title = "Quantity", extend("x-linli-title-zh" = "测量项")))]
    pub quantity: Text,
    /// The value.
    #[cfg_attr(feature = "schema", schemars(title = "Value", extend("x-linli-title-zh" = "数值")))]
    pub value: f64,
    /// UN/CEFACT Rec. 20 unit code, e.g. `CEL`, `P1`, `KPA`.
    #[cfg_attr(feature = "schema", schemars(title = "Unit", extend("x-linli-title-zh" = "单位")))]
    pub unit_code: UnitCode,
}

/// A media object held elsewhere, by reference `[EVT-009]`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
#[cfg_attr(feature = "schema", schemars(title = "Media reference", extend("x-linli-title-zh" = "媒体引用")))]
#[non_exhaustive]
pub struct Media {
    /// Where the object can be fetched.
    #[cfg_attr(feature = "schema", schemars(title = "URI", extend("x-linli-title-zh" = "地址")))]
    pub uri: Uri,
    /// SHA-256 of the object's bytes: required when the producer had the bytes, absent when it
    /// knows the object only by its URI `[EVT-009]`.
    #[serde(default, skip_serializing_if = "Option::is_none", deserialize_with = "crate::serde_util::some")]
    #[cfg_attr(feature = "schema", schemars(title = "SHA-256", extend("x-linli-title-zh" = "摘要")))]
    pub sha256: Option<Sha256>,
    /// Media type, e.g. `image/jpeg`.
    #[cfg_attr(feature = "schema", schemars(title = "Media type", extend("x-linli-title-zh" = "媒体类型")))]
    pub media_type: MediaType,
}

impl Event {
    /// An event with only the required members.
    pub fn new(id: Id, meta: Meta, category: EventCategory, occurred_at: Timestamp, severity: Severity) -> Self {
        Event {
            record_type: EventTag,
            id,
            meta,
            category,
            occurred_at,
            ended_at: None,
            severity,
            place: None,
            location: None,
            source: None,
            subjects: Vec::new(),
            description: None,
            measurements: Vec::new(),
            media: Vec::new(),
            case: None,
            extensions: Extensions::default(),
        }
    }
}

crate::setters::with_setters!(Event {
    opt ended_at => with_ended_at: Timestamp,
    opt place => with_place: PlaceRef,
    opt location => with_location: Point,
    opt source => with_source: ThingRef,
    vec subjects => with_subjects: SubjectRef,
    opt description => with_description: Text,
    vec measurements => with_measurements: Measurement,
    vec media => with_media: Media,
    opt case => with_case: CaseRef,
    val extensions => with_extensions: Extensions,
});

impl Measurement {
    /// `value` of `quantity` in `unit_code` `[EVT-008]`.
    pub fn new(quantity: Text, value: f64, unit_code: UnitCode) -> Self {
        Measurement { quantity, value, unit_code }
    }
}

impl Media {
    /// A media object at `uri` of `media_type`, without digest `[EVT-009]`.
    pub fn new(uri: Uri, media_type: MediaType) -> Self {
        Media { uri, sha256: None, media_type }
    }
}

crate::setters::with_setters!(Media {
    opt sha256 => with_sha256: Sha256,
});
