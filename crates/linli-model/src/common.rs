//! Members shared by every record: `meta`, `extensions` `[COR-010]`, `[COR-040]`.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::codes::DataClassification;
use crate::datetime::Timestamp;
use crate::text::{Namespace, Text};

/// The system a record comes from `[COR-011]`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
#[cfg_attr(feature = "schema", schemars(title = "Source system", extend("x-linli-title-zh" = "来源系统")))]
#[non_exhaustive]
pub struct SourceSystem {
    /// Vendor (company) that makes the system.
    #[cfg_attr(feature = "schema", schemars(title = "Vendor", extend("x-linli-title-zh" = "供应商")))]
    pub vendor: Text,
    /// Product name.
    #[cfg_attr(feature = "schema", schemars(title = "Product", extend("x-linli-title-zh" = "产品")))]
    pub product: Text,
    /// Product version.
    #[serde(default, skip_serializing_if = "Option::is_none", deserialize_with = "crate::serde_util::some")]
    #[cfg_attr(feature = "schema", schemars(title = "Product version", extend("x-linli-title-zh" = "产品版本")))]
    pub version: Option<Text>,
}

/// Record metadata `[COR-010]`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
#[cfg_attr(feature = "schema", schemars(title = "Record metadata", extend("x-linli-title-zh" = "记录元数据")))]
#[non_exhaustive]
pub struct Meta {
    /// The system the record comes from.
    #[cfg_attr(feature = "schema", schemars(title = "Source system", extend("x-linli-title-zh" = "来源系统")))]
    pub source: SourceSystem,
    /// Identifier of the record in the source system, if it differs from `id`.
    #[serde(default, skip_serializing_if = "Option::is_none", deserialize_with = "crate::serde_util::some")]
    #[cfg_attr(feature = "schema", schemars(title = "Id in the source system", extend("x-linli-title-zh" = "源系统标识")))]
    pub source_id: Option<Text>,
    /// When the record was created `[COR-013]`.
    #[cfg_attr(feature = "schema", schemars(title = "Created at", extend("x-linli-title-zh" = "创建时间")))]
    pub created_at: Timestamp,
    /// When the record was last updated; not before `createdAt` `[COR-013]`.
    #[cfg_attr(feature = "schema", schemars(title = "Updated at", extend("x-linli-title-zh" = "更新时间")))]
    pub updated_at: Timestamp,
    /// Version of the record, 1 for the first, increased by one on every change `[COR-014]`.
    #[cfg_attr(feature = "schema", schemars(title = "Record version", extend("x-linli-title-zh" = "记录版本"), range(min = 1, max = 4294967295u32)))]
    pub version: std::num::NonZeroU32,
    /// Classification of the record as a whole `[COR-012]`.
    #[cfg_attr(feature = "schema", schemars(title = "Data classification", extend("x-linli-title-zh" = "数据分级")))]
    pub classification: DataClassification,
}

impl Meta {
    /// Metadata for a first version created and updated at `at`.
    pub fn new(vendor: Text, product: Text, at: Timestamp, classification: DataClassification) -> Self {
        Meta {
            source: SourceSystem { vendor, product, version: None },
            source_id: None,
            created_at: at,
            updated_at: at,
            version: std::num::NonZeroU32::MIN,
            classification,
        }
    }
}

/// Vendor extensions: the only legal home for non-standard data `[COR-040]`. Keys are vendor
/// namespaces, values are JSON objects owned by that vendor.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Extensions(pub BTreeMap<Namespace, serde_json::Map<String, serde_json::Value>>);

impl Extensions {
    /// Whether there are no extensions.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

#[cfg(feature = "schema")]
impl schemars::JsonSchema for Extensions {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Extensions".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "type": "object",
            "title": "Vendor extensions",
            "x-linli-title-zh": "厂商扩展",
            "description": "Non-standard data, one object per vendor namespace [COR-040].",
            "propertyNames": {
                "pattern": Namespace::PATTERN,
                "minLength": Namespace::MIN_LEN,
                "maxLength": Namespace::MAX_LEN,
            },
            "additionalProperties": { "type": "object" },
        })
    }
}

impl SourceSystem {
    /// `product` of `vendor`, version unknown `[COR-011]`.
    pub fn new(vendor: Text, product: Text) -> Self {
        SourceSystem { vendor, product, version: None }
    }
}

crate::setters::with_setters!(SourceSystem {
    opt version => with_version: Text,
});

crate::setters::with_setters!(Meta {
    opt source_id => with_source_id: Text,
    val source => with_source: SourceSystem,
    val updated_at => with_updated_at: Timestamp,
    val version => with_version: std::num::NonZeroU32,
});
