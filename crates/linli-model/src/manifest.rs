//! The manifest of a dataset directory (spec `spec/17-datasets.md`).
//!
//! A dataset directory holds NDJSON files of records and one `manifest.json` that says who made
//! the dataset, for what sharing level, and which files it holds with their record type, record
//! count and SHA-256 digest `[DAT-010]`.

use serde::{Deserialize, Serialize};

use crate::codes::SharingLevel;
use crate::datetime::Timestamp;
use crate::record::RecordType;
use crate::text::{Id, Sha256, Text};

/// File name of the manifest in a dataset directory `[DAT-010]`.
pub const MANIFEST_FILE: &str = "manifest.json";

/// The manifest of a dataset `[DAT-010]`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
#[cfg_attr(feature = "schema", schemars(
    title = "Dataset manifest",
    description = "The manifest.json of a Linli dataset directory [DAT-010].",
    extend("x-linli-title-zh" = "数据集清单")
))]
#[non_exhaustive]
pub struct Manifest {
    /// Version of the Linli standard the dataset follows, e.g. `0.1.0` `[DAT-011]`.
    #[cfg_attr(feature = "schema", schemars(title = "Standard version", extend("x-linli-title-zh" = "标准版本", "pattern" = "^[0-9]+\\.[0-9]+\\.[0-9]+$")))]
    pub standard_version: String,
    /// Who produced the dataset.
    #[cfg_attr(feature = "schema", schemars(title = "Producer", extend("x-linli-title-zh" = "生成方")))]
    pub producer: Producer,
    /// When the dataset was produced.
    #[cfg_attr(feature = "schema", schemars(title = "Created at", extend("x-linli-title-zh" = "生成时间")))]
    pub created_at: Timestamp,
    /// The level at which the dataset may be shared `[DAT-012]`.
    #[cfg_attr(feature = "schema", schemars(title = "Sharing level", extend("x-linli-title-zh" = "共享级别")))]
    pub sharing_level: SharingLevel,
    /// The files of the dataset `[DAT-013]`.
    #[cfg_attr(feature = "schema", schemars(title = "Files", extend("x-linli-title-zh" = "文件")))]
    pub files: Vec<ManifestFile>,
    /// References that point outside the dataset on purpose `[DAT-016]`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[cfg_attr(feature = "schema", schemars(title = "External references", extend("x-linli-title-zh" = "外部引用")))]
    pub external_refs: Vec<ExternalRef>,
    /// How the dataset was protected before sharing: the sharing profile applied `[DAT-017]`.
    #[serde(default, skip_serializing_if = "Option::is_none", deserialize_with = "crate::serde_util::some")]
    #[cfg_attr(feature = "schema", schemars(title = "Protection", extend("x-linli-title-zh" = "保护处理")))]
    pub protection: Option<Protection>,
}

/// The sharing profile applied to a dataset `[DAT-017]`, `[SHR-030]`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
#[cfg_attr(feature = "schema", schemars(title = "Protection", extend("x-linli-title-zh" = "保护处理")))]
#[non_exhaustive]
pub struct Protection {
    /// Name of the sharing profile applied, e.g. `public`.
    #[cfg_attr(feature = "schema", schemars(title = "Profile", extend("x-linli-title-zh" = "共享配置")))]
    pub profile: Text,
    /// Key identifier of the pseudonymisation key (not the key), when values were pseudonymised:
    /// 16 lower-case hexadecimal digits `[SHR-022]`.
    #[serde(default, skip_serializing_if = "Option::is_none", deserialize_with = "crate::serde_util::some")]
    #[cfg_attr(feature = "schema", schemars(title = "Key id", extend("x-linli-title-zh" = "密钥标识", "pattern" = "^[0-9a-f]{16}$")))]
    pub key_id: Option<String>,
    /// When the profile was applied.
    #[cfg_attr(feature = "schema", schemars(title = "Applied at", extend("x-linli-title-zh" = "处理时间")))]
    pub applied_at: Timestamp,
    /// The tool that applied it, with its version.
    #[cfg_attr(feature = "schema", schemars(title = "Tool", extend("x-linli-title-zh" = "处理工具")))]
    pub tool: Text,
}

/// The product that produced a dataset `[DAT-010]`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
#[cfg_attr(feature = "schema", schemars(title = "Producer", extend("x-linli-title-zh" = "生成方")))]
#[non_exhaustive]
pub struct Producer {
    /// Vendor.
    #[cfg_attr(feature = "schema", schemars(title = "Vendor", extend("x-linli-title-zh" = "供应商")))]
    pub vendor: Text,
    /// Product.
    #[cfg_attr(feature = "schema", schemars(title = "Product", extend("x-linli-title-zh" = "产品")))]
    pub product: Text,
    /// Product version; a real version, not `latest` or a branch name `[DAT-010]`.
    #[cfg_attr(feature = "schema", schemars(title = "Product version", extend("x-linli-title-zh" = "产品版本")))]
    pub product_version: Text,
}

/// One file of a dataset `[DAT-013]`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
#[cfg_attr(feature = "schema", schemars(title = "Dataset file", extend("x-linli-title-zh" = "数据文件")))]
#[non_exhaustive]
pub struct ManifestFile {
    /// Path relative to the dataset directory, `/`-separated; MUST NOT be absolute, contain `..`
    /// or pass through a symbolic link `[DAT-014]`.
    #[cfg_attr(feature = "schema", schemars(title = "Path", extend("x-linli-title-zh" = "路径", "pattern" = "^[A-Za-z0-9_][A-Za-z0-9._-]*(/[A-Za-z0-9_][A-Za-z0-9._-]*)*$")))]
    pub path: String,
    /// Type of every record in the file.
    #[cfg_attr(feature = "schema", schemars(title = "Record type", extend("x-linli-title-zh" = "记录类型")))]
    pub record_type: RecordType,
    /// Number of records (lines) in the file.
    #[cfg_attr(feature = "schema", schemars(title = "Record count", extend("x-linli-title-zh" = "记录数")))]
    pub records: u64,
    /// SHA-256 of the file's bytes.
    #[cfg_attr(feature = "schema", schemars(title = "SHA-256", extend("x-linli-title-zh" = "摘要")))]
    pub sha256: Sha256,
}

/// A reference that resolves outside the dataset `[DAT-016]`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
#[cfg_attr(feature = "schema", schemars(title = "External reference", extend("x-linli-title-zh" = "外部引用")))]
#[non_exhaustive]
pub struct ExternalRef {
    /// Record type.
    #[serde(rename = "type")]
    #[cfg_attr(feature = "schema", schemars(title = "Record type", extend("x-linli-title-zh" = "记录类型")))]
    pub record_type: RecordType,
    /// Record id; absent: every record of the type is external.
    #[serde(default, skip_serializing_if = "Option::is_none", deserialize_with = "crate::serde_util::some")]
    #[cfg_attr(feature = "schema", schemars(title = "Id", extend("x-linli-title-zh" = "标识")))]
    pub id: Option<Id>,
}

impl Manifest {
    /// A manifest of the current standard version ([`crate::STANDARD_VERSION`]) with no external
    /// references and no protection; add them with [`Manifest::with_external_refs`] and
    /// [`Manifest::with_protection`] `[DAT-010]`.
    pub fn new(
        producer: Producer,
        created_at: Timestamp,
        sharing_level: SharingLevel,
        files: Vec<ManifestFile>,
    ) -> Self {
        Manifest {
            standard_version: crate::STANDARD_VERSION.to_owned(),
            producer,
            created_at,
            sharing_level,
            files,
            external_refs: Vec::new(),
            protection: None,
        }
    }
}

crate::setters::with_setters!(Manifest {
    val standard_version => with_standard_version: String,
    vec external_refs => with_external_refs: ExternalRef,
    opt protection => with_protection: Protection,
});

impl Protection {
    /// The profile `profile` applied at `applied_at` by `tool`, without a key id.
    pub fn new(profile: Text, applied_at: Timestamp, tool: Text) -> Self {
        Protection { profile, key_id: None, applied_at, tool }
    }
}

crate::setters::with_setters!(Protection {
    opt key_id => with_key_id: String,
});

impl Producer {
    /// The product `product` of `vendor`, at `product_version` `[DAT-010]`.
    pub fn new(vendor: Text, product: Text, product_version: Text) -> Self {
        Producer { vendor, product, product_version }
    }
}

impl ManifestFile {
    /// The file at `path` (relative, `/`-separated `[DAT-014]`) holding `records` records of
    /// `record_type`, with the SHA-256 of its bytes `[DAT-013]`.
    pub fn new(path: impl Into<String>, record_type: RecordType, records: u64, sha256: Sha256) -> Self {
        ManifestFile { path: path.into(), record_type, records, sha256 }
    }
}

impl ExternalRef {
    /// Every record of `record_type` is outside the dataset `[DAT-016]`.
    pub fn every(record_type: RecordType) -> Self {
        ExternalRef { record_type, id: None }
    }

    /// The record (`record_type`, `id`) is outside the dataset `[DAT-016]`.
    pub fn record(record_type: RecordType, id: Id) -> Self {
        ExternalRef { record_type, id: Some(id) }
    }
}

/// Why a manifest path is refused `[DAT-014]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum PathError {
    /// Absolute, empty, or with a backslash or drive letter.
    NotRelative,
    /// Has a `..` or `.` segment, or an empty one.
    Escapes,
    /// A segment has a character outside `A-Z a-z 0-9 . _ -` or starts with `.` or `-`.
    Characters,
}

/// Check a manifest path's text (symbolic links are checked against the file system by the
/// validator) `[DAT-014]`.
pub fn check_path(path: &str) -> Result<(), PathError> {
    if path.is_empty() || path.starts_with('/') || path.contains('\\') || path.contains(':') {
        return Err(PathError::NotRelative);
    }
    if path.split('/').any(|seg| seg.is_empty() || seg == "." || seg == "..") {
        return Err(PathError::Escapes);
    }
    // The same rule as the schema's pattern for `path`.
    let ok_segment = |seg: &str| {
        let b = seg.as_bytes();
        (b[0].is_ascii_alphanumeric() || b[0] == b'_')
            && b.iter().all(|c| c.is_ascii_alphanumeric() || matches!(c, b'.' | b'_' | b'-'))
    };
    if !path.split('/').all(ok_segment) {
        return Err(PathError::Characters);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths() {
        assert_eq!(check_path("person.ndjson"), Ok(()));
        assert_eq!(check_path("2024/05/event.ndjson"), Ok(()));
        assert_eq!(check_path("../etc/passwd"), Err(PathError::Escapes));
        assert_eq!(check_path("a/../../b"), Err(PathError::Escapes));
        assert_eq!(check_path("a//b"), Err(PathError::Escapes));
        assert_eq!(check_path("/etc/passwd"), Err(PathError::NotRelative));
        assert_eq!(check_path("C:\\x"), Err(PathError::NotRelative));
        assert_eq!(check_path(""), Err(PathError::NotRelative));
        assert_eq!(check_path("thing data.ndjson"), Err(PathError::Characters));
        assert_eq!(check_path(".hidden"), Err(PathError::Characters));
        assert_eq!(check_path("数据.ndjson"), Err(PathError::Characters));
    }
}
