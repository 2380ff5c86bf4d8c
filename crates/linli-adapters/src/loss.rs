//! The loss report of a conversion.

use serde::Serialize;

/// What happened to one source or target field.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum LossKind {
    /// A source field with no canonical home, kept in `extensions` (nothing lost).
    KeptInExtensions,
    /// A field the target format cannot represent (lost in that direction).
    NotRepresentable,
    /// A value changed form on the way (a coordinate transformed, a time given an offset).
    Normalised,
    /// A value that could not be converted; the record was kept without it and a finding raised.
    Rejected,
}

/// One entry of a loss report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Loss {
    /// What happened.
    pub kind: LossKind,
    /// Where, in the source (JSON pointer, or `row N column C` for tables).
    pub source: String,
    /// Where, in the target (JSON pointer), if anywhere.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub target: Option<String>,
    /// Stable code, e.g. `coordinate-gcj02-to-wgs84`.
    pub code: &'static str,
    /// Chinese explanation.
    pub message_zh: String,
    /// English explanation.
    pub message_en: String,
}

/// Everything a conversion did not carry over unchanged.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct LossReport {
    /// The entries, in the order they arose.
    pub entries: Vec<Loss>,
}

impl LossReport {
    /// Record one entry.
    pub fn push(&mut self, loss: Loss) {
        self.entries.push(loss);
    }

    /// Whether nothing was lost, kept aside or changed.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The entries of one kind.
    pub fn of(&self, kind: LossKind) -> impl Iterator<Item = &Loss> {
        self.entries.iter().filter(move |l| l.kind == kind)
    }
}

/// `name` as one JSON Pointer reference token (RFC 6901: `~` → `~0`, `/` → `~1`), for the
/// `source` and `target` pointers of loss entries.
pub(crate) fn token(name: &str) -> String {
    name.replace('~', "~0").replace('/', "~1")
}
