//! 物 Thing (spec `spec/13-thing.md`).

use serde::{Deserialize, Serialize};

use crate::codes::{PlateColor, ThingKind, ThingStatus};
use crate::common::{Extensions, Meta};
use crate::datetime::Date;
use crate::geo::Point;
use crate::reference::{ActorRef, OrganizationRef, PlaceRef};
use crate::tag::const_tag;
use crate::text::{DeviceCode, Id, Text};

const_tag!(
    /// The constant `"Thing"`.
    ThingTag, "Thing"
);

/// A thing: a device, a vehicle or a public facility (部件) `[THG-001]`.
///
/// ```
/// # use linli_model::{Meta, codes::DataClassification, text::Text};
/// # let meta = Meta::new(Text::new("示例科技")?, Text::new("智慧社区平台")?,
/// #     "2024-05-01T09:00:00+08:00".parse()?, DataClassification::Internal);
/// use linli_model::codes::ThingKind;
/// use linli_model::reference::PlaceRef;
/// use linli_model::{Record, Thing, text::Id};
///
/// let sensor = Thing::new(Id::new("T-SMOKE-302")?, meta, ThingKind::SmokeSensor)
///     .with_name(Text::new("302室烟感")?)
///     .with_place(PlaceRef::to(Id::new("L-ROOM-302")?));
/// let record = Record::from(sensor);
/// assert!(linli_model::check::check_record(&record, &Default::default()).is_empty());
/// let json = serde_json::to_string(&record)?;
/// assert!(json.contains(r#""kind":"device.smoke-sensor""#));
/// assert_eq!(Record::from_json_str(&json)?, record);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
#[cfg_attr(feature = "schema", schemars(
    title = "Thing",
    description = "A device, a vehicle or a public facility [THG-001].",
    extend("x-linli-title-zh" = "物品")
))]
#[non_exhaustive]
pub struct Thing {
    /// Always `Thing`.
    #[serde(rename = "type")]
    #[cfg_attr(feature = "schema", schemars(title = "Record type", extend("x-linli-title-zh" = "记录类型")))]
    pub record_type: ThingTag,
    /// Identifier of the record `[CON-010]`.
    #[cfg_attr(feature = "schema", schemars(title = "Id", extend("x-linli-title-zh" = "标识")))]
    pub id: Id,
    /// Record metadata.
    #[cfg_attr(feature = "schema", schemars(title = "Metadata", extend("x-linli-title-zh" = "元数据")))]
    pub meta: Meta,
    /// Kind of thing `[THG-003]`.
    #[cfg_attr(feature = "schema", schemars(title = "Kind", extend("x-linli-title-zh" = "物品类型")))]
    pub kind: ThingKind,
    /// Name or label, e.g. `3幢2单元门禁`; personal, since vendors name a resident's own device
    /// after its owner (`张三的智能手环`) `[PRI-001]`.
    #[serde(default, skip_serializing_if = "Option::is_none", deserialize_with = "crate::serde_util::some")]
    #[cfg_attr(feature = "schema", schemars(title = "Name", extend("x-linli-title-zh" = "名称", "x-linli-sensitivity" = "personal")))]
    pub name: Option<Text>,
    /// Manufacturer.
    #[serde(default, skip_serializing_if = "Option::is_none", deserialize_with = "crate::serde_util::some")]
    #[cfg_attr(feature = "schema", schemars(title = "Manufacturer", extend("x-linli-title-zh" = "制造商")))]
    pub manufacturer: Option<Text>,
    /// Model.
    #[serde(default, skip_serializing_if = "Option::is_none", deserialize_with = "crate::serde_util::some")]
    #[cfg_attr(feature = "schema", schemars(title = "Model", extend("x-linli-title-zh" = "型号")))]
    pub model: Option<Text>,
    /// Serial number.
    #[serde(default, skip_serializing_if = "Option::is_none", deserialize_with = "crate::serde_util::some")]
    #[cfg_attr(feature = "schema", schemars(title = "Serial number", extend("x-linli-title-zh" = "序列号")))]
    pub serial_number: Option<Text>,
    /// Firmware version.
    #[serde(default, skip_serializing_if = "Option::is_none", deserialize_with = "crate::serde_util::some")]
    #[cfg_attr(feature = "schema", schemars(title = "Firmware version", extend("x-linli-title-zh" = "固件版本")))]
    pub firmware_version: Option<Text>,
    /// National device code (GB/T 28181 / GA/T 1400), for devices only `[THG-005]`.
    #[serde(default, skip_serializing_if = "Option::is_none", deserialize_with = "crate::serde_util::some")]
    #[cfg_attr(feature = "schema", schemars(title = "National device code", extend("x-linli-title-zh" = "国标设备编码")))]
    pub device_code: Option<DeviceCode>,
    /// Operating status `[THG-006]`.
    #[serde(default, skip_serializing_if = "Option::is_none", deserialize_with = "crate::serde_util::some")]
    #[cfg_attr(feature = "schema", schemars(title = "Status", extend("x-linli-title-zh" = "运行状态")))]
    pub status: Option<ThingStatus>,
    /// Where the thing is installed or kept; personal, since a place may be a home `[PRI-001]`.
    #[serde(default, skip_serializing_if = "Option::is_none", deserialize_with = "crate::serde_util::some")]
    #[cfg_attr(feature = "schema", schemars(title = "Place", extend("x-linli-title-zh" = "所在地点", "x-linli-sensitivity" = "personal")))]
    pub place: Option<PlaceRef>,
    /// Exact location in WGS-84 `[CON-030]`.
    #[serde(default, skip_serializing_if = "Option::is_none", deserialize_with = "crate::serde_util::some")]
    #[cfg_attr(feature = "schema", schemars(title = "Location", extend("x-linli-title-zh" = "位置")))]
    pub location: Option<Point>,
    /// Owner: an organization, or a person (a resident's car or e-bike) `[THG-007]`.
    #[serde(default, skip_serializing_if = "Option::is_none", deserialize_with = "crate::serde_util::some")]
    #[cfg_attr(feature = "schema", schemars(title = "Owner", extend("x-linli-title-zh" = "所有者", "x-linli-sensitivity" = "personal")))]
    pub owner: Option<ActorRef>,
    /// Operator or maintainer.
    #[serde(default, skip_serializing_if = "Option::is_none", deserialize_with = "crate::serde_util::some")]
    #[cfg_attr(feature = "schema", schemars(title = "Operator", extend("x-linli-title-zh" = "运维单位")))]
    pub operator: Option<OrganizationRef>,
    /// Date of installation.
    #[serde(default, skip_serializing_if = "Option::is_none", deserialize_with = "crate::serde_util::some")]
    #[cfg_attr(feature = "schema", schemars(title = "Install date", extend("x-linli-title-zh" = "安装日期")))]
    pub install_date: Option<Date>,
    /// Vehicle details; present only for kinds `vehicle.*` `[THG-008]`.
    #[serde(default, skip_serializing_if = "Option::is_none", deserialize_with = "crate::serde_util::some")]
    #[cfg_attr(feature = "schema", schemars(title = "Vehicle", extend("x-linli-title-zh" = "车辆信息")))]
    pub vehicle: Option<Vehicle>,
    /// Vendor extensions `[COR-040]`.
    #[serde(default, skip_serializing_if = "Extensions::is_empty")]
    #[cfg_attr(feature = "schema", schemars(title = "Extensions", extend("x-linli-title-zh" = "扩展")))]
    pub extensions: Extensions,
}

/// Plate of a vehicle `[THG-008]`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
#[cfg_attr(feature = "schema", schemars(title = "Vehicle", extend("x-linli-title-zh" = "车辆信息")))]
#[non_exhaustive]
pub struct Vehicle {
    /// Plate number, e.g. `苏E12345`; absent for a non-motor vehicle without a plate.
    #[serde(default, skip_serializing_if = "Option::is_none", deserialize_with = "crate::serde_util::some")]
    #[cfg_attr(feature = "schema", schemars(title = "Plate number", extend("x-linli-title-zh" = "号牌号码", "x-linli-sensitivity" = "personal")))]
    pub plate_number: Option<Text>,
    /// Plate colour.
    #[serde(default, skip_serializing_if = "Option::is_none", deserialize_with = "crate::serde_util::some")]
    #[cfg_attr(feature = "schema", schemars(title = "Plate colour", extend("x-linli-title-zh" = "号牌颜色")))]
    pub plate_color: Option<PlateColor>,
}

impl Thing {
    /// A thing with only the required members.
    pub fn new(id: Id, meta: Meta, kind: ThingKind) -> Self {
        Thing {
            record_type: ThingTag,
            id,
            meta,
            kind,
            name: None,
            manufacturer: None,
            model: None,
            serial_number: None,
            firmware_version: None,
            device_code: None,
            status: None,
            place: None,
            location: None,
            owner: None,
            operator: None,
            install_date: None,
            vehicle: None,
            extensions: Extensions::default(),
        }
    }
}

crate::setters::with_setters!(Thing {
    opt name => with_name: Text,
    opt manufacturer => with_manufacturer: Text,
    opt model => with_model: Text,
    opt serial_number => with_serial_number: Text,
    opt firmware_version => with_firmware_version: Text,
    opt device_code => with_device_code: DeviceCode,
    opt status => with_status: ThingStatus,
    opt place => with_place: PlaceRef,
    opt location => with_location: Point,
    opt owner => with_owner: ActorRef,
    opt operator => with_operator: OrganizationRef,
    opt install_date => with_install_date: Date,
    opt vehicle => with_vehicle: Vehicle,
    val extensions => with_extensions: Extensions,
});

impl Vehicle {
    /// Vehicle details with nothing set yet.
    pub fn new() -> Self {
        Vehicle { plate_number: None, plate_color: None }
    }
}

impl Default for Vehicle {
    fn default() -> Self {
        Vehicle::new()
    }
}

crate::setters::with_setters!(Vehicle {
    opt plate_number => with_plate_number: Text,
    opt plate_color => with_plate_color: PlateColor,
});
