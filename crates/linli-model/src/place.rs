//! 地 Place (spec `spec/12-place.md`).

use serde::{Deserialize, Serialize};

use crate::codes::{PlaceKind, RentalStatus, RoomUse};
use crate::common::{Extensions, Meta};
use crate::geo::Geometry;
use crate::reference::PlaceRef;
use crate::tag::const_tag;
use crate::text::{DivisionCode, Id, Text};

const_tag!(
    /// The constant `"Place"`.
    PlaceTag, "Place"
);

/// A place in the hierarchy from province down to room, or a facility or point of interest
/// `[PLA-001]`.
///
/// ```
/// # use linli_model::{Meta, codes::DataClassification, text::Text};
/// # let meta = Meta::new(Text::new("示例科技")?, Text::new("智慧社区平台")?,
/// #     "2024-05-01T09:00:00+08:00".parse()?, DataClassification::Internal);
/// use linli_model::codes::PlaceKind;
/// use linli_model::reference::PlaceRef;
/// use linli_model::{Place, Record, text::Id};
///
/// // A building, inside its compound (a reference by type and id [COR-020]).
/// let building = Place::new(Id::new("L-BLD-3")?, meta, PlaceKind::Building, Text::new("3幢")?)
///     .with_parent(PlaceRef::to(Id::new("L-CPD-1")?));
/// let record = Record::from(building);
/// assert!(linli_model::check::check_record(&record, &Default::default()).is_empty());
/// let json = serde_json::to_string(&record)?;
/// assert!(json.contains(r#""parent":{"type":"Place","id":"L-CPD-1"}"#));
/// assert_eq!(Record::from_json_str(&json)?, record);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
#[cfg_attr(feature = "schema", schemars(
    title = "Place",
    description = "A place from province down to room, or a facility or point of interest [PLA-001].",
    extend("x-linli-title-zh" = "地点")
))]
#[non_exhaustive]
pub struct Place {
    /// Always `Place`.
    #[serde(rename = "type")]
    #[cfg_attr(feature = "schema", schemars(title = "Record type", extend("x-linli-title-zh" = "记录类型")))]
    pub record_type: PlaceTag,
    /// Identifier of the record `[CON-010]`.
    #[cfg_attr(feature = "schema", schemars(title = "Id", extend("x-linli-title-zh" = "标识")))]
    pub id: Id,
    /// Record metadata.
    #[cfg_attr(feature = "schema", schemars(title = "Metadata", extend("x-linli-title-zh" = "元数据")))]
    pub meta: Meta,
    /// Kind of place `[PLA-003]`.
    #[cfg_attr(feature = "schema", schemars(title = "Kind", extend("x-linli-title-zh" = "地点类型")))]
    pub kind: PlaceKind,
    /// Name, e.g. 虎丘社区, 3幢, 2单元, 501室.
    #[cfg_attr(feature = "schema", schemars(title = "Name", extend("x-linli-title-zh" = "名称")))]
    pub name: Text,
    /// The enclosing place; its kind ranks above this one's `[PLA-004]`.
    #[serde(default, skip_serializing_if = "Option::is_none", deserialize_with = "crate::serde_util::some")]
    #[cfg_attr(feature = "schema", schemars(title = "Parent", extend("x-linli-title-zh" = "上级地点")))]
    pub parent: Option<PlaceRef>,
    /// Administrative division code (GB/T 2260, or the 9/12-digit statistical code) `[PLA-006]`.
    #[serde(default, skip_serializing_if = "Option::is_none", deserialize_with = "crate::serde_util::some")]
    #[cfg_attr(feature = "schema", schemars(title = "Division code", extend("x-linli-title-zh" = "行政区划代码")))]
    pub division_code: Option<DivisionCode>,
    /// Standard address (一标三实) `[PLA-007]`.
    #[serde(default, skip_serializing_if = "Option::is_none", deserialize_with = "crate::serde_util::some")]
    #[cfg_attr(feature = "schema", schemars(title = "Standard address", extend("x-linli-title-zh" = "标准地址")))]
    pub address: Option<StandardAddress>,
    /// Geometry in WGS-84 `[CON-030]`.
    #[serde(default, skip_serializing_if = "Option::is_none", deserialize_with = "crate::serde_util::some")]
    #[cfg_attr(feature = "schema", schemars(title = "Geometry", extend("x-linli-title-zh" = "几何")))]
    pub geometry: Option<Geometry>,
    /// Use of a room `[PLA-010]`.
    #[serde(default, skip_serializing_if = "Option::is_none", deserialize_with = "crate::serde_util::some")]
    #[cfg_attr(feature = "schema", schemars(title = "Room use", extend("x-linli-title-zh" = "房屋用途")))]
    pub room_use: Option<RoomUse>,
    /// Floor area in square metres, greater than zero `[PLA-011]`.
    #[serde(default, skip_serializing_if = "Option::is_none", deserialize_with = "crate::serde_util::some")]
    #[cfg_attr(feature = "schema", schemars(title = "Area (m²)", extend("x-linli-title-zh" = "面积（平方米）", "exclusiveMinimum" = 0)))]
    pub area: Option<f64>,
    /// Rental status of a room `[PLA-010]`.
    #[serde(default, skip_serializing_if = "Option::is_none", deserialize_with = "crate::serde_util::some")]
    #[cfg_attr(feature = "schema", schemars(title = "Rental status", extend("x-linli-title-zh" = "出租状态")))]
    pub rental_status: Option<RentalStatus>,
    /// Vendor extensions `[COR-040]`.
    #[serde(default, skip_serializing_if = "Extensions::is_empty")]
    #[cfg_attr(feature = "schema", schemars(title = "Extensions", extend("x-linli-title-zh" = "扩展")))]
    pub extensions: Extensions,
}

/// A standard address (一标三实 标准地址) in structured parts plus the full text `[PLA-007]`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
#[cfg_attr(feature = "schema", schemars(title = "Standard address", extend("x-linli-title-zh" = "标准地址")))]
#[non_exhaustive]
pub struct StandardAddress {
    /// Province (省).
    #[serde(default, skip_serializing_if = "Option::is_none", deserialize_with = "crate::serde_util::some")]
    #[cfg_attr(feature = "schema", schemars(title = "Province", extend("x-linli-title-zh" = "省")))]
    pub province: Option<Text>,
    /// City (市).
    #[serde(default, skip_serializing_if = "Option::is_none", deserialize_with = "crate::serde_util::some")]
    #[cfg_attr(feature = "schema", schemars(title = "City", extend("x-linli-title-zh" = "市")))]
    pub city: Option<Text>,
    /// District or county (区县).
    #[serde(default, skip_serializing_if = "Option::is_none", deserialize_with = "crate::serde_util::some")]
    #[cfg_attr(feature = "schema", schemars(title = "District", extend("x-linli-title-zh" = "区县")))]
    pub district: Option<Text>,
    /// Sub-district or town (街道/乡镇).
    #[serde(default, skip_serializing_if = "Option::is_none", deserialize_with = "crate::serde_util::some")]
    #[cfg_attr(feature = "schema", schemars(title = "Sub-district", extend("x-linli-title-zh" = "街道乡镇")))]
    pub sub_district: Option<Text>,
    /// Community or village (社区/村).
    #[serde(default, skip_serializing_if = "Option::is_none", deserialize_with = "crate::serde_util::some")]
    #[cfg_attr(feature = "schema", schemars(title = "Community", extend("x-linli-title-zh" = "社区村")))]
    pub community: Option<Text>,
    /// Road or street (路/街/巷).
    #[serde(default, skip_serializing_if = "Option::is_none", deserialize_with = "crate::serde_util::some")]
    #[cfg_attr(feature = "schema", schemars(title = "Road", extend("x-linli-title-zh" = "街路巷")))]
    pub road: Option<Text>,
    /// Door number on the road (门牌号), e.g. `88号`.
    #[serde(default, skip_serializing_if = "Option::is_none", deserialize_with = "crate::serde_util::some")]
    #[cfg_attr(feature = "schema", schemars(title = "Door number", extend("x-linli-title-zh" = "门牌号")))]
    pub door_number: Option<Text>,
    /// Residential compound (小区).
    #[serde(default, skip_serializing_if = "Option::is_none", deserialize_with = "crate::serde_util::some")]
    #[cfg_attr(feature = "schema", schemars(title = "Compound", extend("x-linli-title-zh" = "小区")))]
    pub compound: Option<Text>,
    /// Building (楼栋), e.g. `3幢`.
    #[serde(default, skip_serializing_if = "Option::is_none", deserialize_with = "crate::serde_util::some")]
    #[cfg_attr(feature = "schema", schemars(title = "Building", extend("x-linli-title-zh" = "楼栋")))]
    pub building: Option<Text>,
    /// Unit (单元), e.g. `2单元`.
    #[serde(default, skip_serializing_if = "Option::is_none", deserialize_with = "crate::serde_util::some")]
    #[cfg_attr(feature = "schema", schemars(title = "Unit", extend("x-linli-title-zh" = "单元")))]
    pub unit: Option<Text>,
    /// Floor (楼层), e.g. `5层`.
    #[serde(default, skip_serializing_if = "Option::is_none", deserialize_with = "crate::serde_util::some")]
    #[cfg_attr(feature = "schema", schemars(title = "Floor", extend("x-linli-title-zh" = "楼层")))]
    pub floor: Option<Text>,
    /// Room (户室), e.g. `501室`.
    #[serde(default, skip_serializing_if = "Option::is_none", deserialize_with = "crate::serde_util::some")]
    #[cfg_attr(feature = "schema", schemars(title = "Room", extend("x-linli-title-zh" = "户室")))]
    pub room: Option<Text>,
    /// The whole address as one line, from the province down `[PLA-007]`.
    #[cfg_attr(feature = "schema", schemars(title = "Full address", extend("x-linli-title-zh" = "完整地址")))]
    pub full_text: Text,
}

impl Place {
    /// A place with only the required members.
    pub fn new(id: Id, meta: Meta, kind: PlaceKind, name: Text) -> Self {
        Place {
            record_type: PlaceTag,
            id,
            meta,
            kind,
            name,
            parent: None,
            division_code: None,
            address: None,
            geometry: None,
            room_use: None,
            area: None,
            rental_status: None,
            extensions: Extensions::default(),
        }
    }
}

crate::setters::with_setters!(Place {
    opt parent => with_parent: PlaceRef,
    opt division_code => with_division_code: DivisionCode,
    opt address => with_address: StandardAddress,
    opt geometry => with_geometry: Geometry,
    opt room_use => with_room_use: RoomUse,
    opt area => with_area: f64,
    opt rental_status => with_rental_status: RentalStatus,
    val extensions => with_extensions: Extensions,
});

impl StandardAddress {
    /// An address given only as its full text; the parts are set with the `with_*` setters.
    pub fn new(full_text: Text) -> Self {
        StandardAddress {
            province: None,
            city: None,
            district: None,
            sub_district: None,
            community: None,
            road: None,
            door_number: None,
            compound: None,
            building: None,
            unit: None,
            floor: None,
            room: None,
            full_text,
        }
    }
}

crate::setters::with_setters!(StandardAddress {
    opt province => with_province: Text,
    opt city => with_city: Text,
    opt district => with_district: Text,
    opt sub_district => with_sub_district: Text,
    opt community => with_community: Text,
    opt road => with_road: Text,
    opt door_number => with_door_number: Text,
    opt compound => with_compound: Text,
    opt building => with_building: Text,
    opt unit => with_unit: Text,
    opt floor => with_floor: Text,
    opt room => with_room: Text,
});
