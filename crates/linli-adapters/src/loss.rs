//! The loss report of a conversion.

use crate::codes::Code;
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

/// One entry of a loss report. Serialised with `pointer` ([`Loss::pointer`], what chapter 22
/// defines and the conformance suite compares) besides the fields below.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Loss {
    /// What happened.
    pub kind: LossKind,
    /// Where, in the source, as people read it: a JSON pointer, or `row R column C` / `row R`
    /// for tables. [`Loss::pointer`] gives it as the JSON pointer that `spec/22-adapter-codes.md`
    /// defines (what the conformance suite compares).
    pub source: String,
    /// Where, in the target (JSON pointer), if anywhere.
    pub target: Option<String>,
    /// Stable code, e.g. `coordinate-gcj02-to-wgs84`.
    pub code: Code,
    /// Chinese explanation.
    pub message_zh: String,
    /// English explanation.
    pub message_en: String,
}

impl Serialize for Loss {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut s = serializer.serialize_struct("Loss", 7)?;
        s.serialize_field("kind", &self.kind)?;
        s.serialize_field("pointer", &self.pointer())?;
        s.serialize_field("source", &self.source)?;
        if let Some(t) = &self.target {
            s.serialize_field("target", t)?;
        }
        s.serialize_field("code", &self.code)?;
        s.serialize_field("message_zh", &self.message_zh)?;
        s.serialize_field("message_en", &self.message_en)?;
        s.end()
    }
}

impl Loss {
    /// Where, in the source, as a JSON pointer (RFC 6901) as `spec/22-adapter-codes.md` defines
    /// it: unchanged for JSON sources and for canonical records being written; for a table,
    /// `row R column C` becomes `/R/C` and `row R` becomes `/R` (R the row number as a
    /// spreadsheet shows it, the header being row 1; C the column header as one reference token).
    pub fn pointer(&self) -> String {
        let Some(rest) = self.source.strip_prefix("row ") else {
            return self.source.clone();
        };
        let digits = rest.chars().take_while(char::is_ascii_digit).count();
        let (row, tail) = rest.split_at(digits);
        if row.is_empty() {
            return self.source.clone();
        }
        match tail.strip_prefix(" column ") {
            Some(column) => format!("/{row}/{}", token(column)),
            None if tail.is_empty() => format!("/{row}"),
            None => self.source.clone(),
        }
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    fn at(source: &str) -> String {
        Loss {
            kind: LossKind::Normalised,
            source: source.into(),
            target: None,
            code: Code::CsvDateNormalised,
            message_zh: String::new(),
            message_en: String::new(),
        }
        .pointer()
    }

    #[test]
    fn pointers_of_table_cells_rows_and_json_members() {
        assert_eq!(at("row 2 column 出生日期"), "/2/出生日期");
        assert_eq!(at("row 12 column a/b~c"), "/12/a~1b~0c");
        assert_eq!(at("row 7"), "/7");
        assert_eq!(at("/features/0/properties/fill~1colour"), "/features/0/properties/fill~1colour");
        assert_eq!(at("/0"), "/0");
        assert_eq!(at("row x"), "row x");
    }

    #[test]
    fn a_serialised_entry_carries_its_pointer() {
        let l = Loss {
            kind: LossKind::Normalised,
            source: "row 2 column 出生日期".into(),
            target: Some("/birthDate".into()),
            code: Code::CsvDateNormalised,
            message_zh: "日期".into(),
            message_en: "date".into(),
        };
        let v = serde_json::to_value(&l).unwrap_or_default();
        assert_eq!(v["pointer"], "/2/出生日期");
        assert_eq!(v["source"], "row 2 column 出生日期");
        assert_eq!(v["kind"], "normalised");
        assert_eq!(v["target"], "/birthDate");
        let none = Loss { target: None, ..l };
        assert!(serde_json::to_value(&none).unwrap_or_default().get("target").is_none());
    }
}
