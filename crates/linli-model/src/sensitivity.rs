//! Where personal information sits in each record type `[PRI-001]`–`[PRI-003]`.
//!
//! The marks are written once, on the fields of the Rust types (`x-linli-sensitivity`), and
//! travel into the schemas from there. This module reads them back out of the generated schemas,
//! so tools that mask, export or report data use exactly the marks the schemas publish.

use std::sync::LazyLock;

use crate::codes::{CodeTable, Sensitivity};
use crate::record::RecordType;

/// A member of a record type that holds personal information.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct SensitiveField {
    /// JSON pointer pattern from the record root; `*` stands for any array index, e.g.
    /// `/identifiers/*/value`.
    pub pointer: String,
    /// Its class.
    pub sensitivity: Sensitivity,
}

impl SensitiveField {
    /// Whether a concrete JSON pointer (e.g. `/identifiers/0/value`) is this field or lies
    /// inside it.
    pub fn covers(&self, pointer: &str) -> bool {
        let mut pat = self.pointer.split('/');
        let mut ptr = pointer.split('/');
        loop {
            match (pat.next(), ptr.next()) {
                (None, _) => return true,
                (Some(_), None) => return false,
                (Some("*"), Some(seg)) => {
                    if seg.parse::<usize>().is_err() {
                        return false;
                    }
                }
                (Some(a), Some(b)) => {
                    if a != b {
                        return false;
                    }
                }
            }
        }
    }
}

/// The marks of every record type, as the generated schemas carry them: kept in step with the
/// types by the test `marks_are_the_schemas_marks` (feature `schema`), which prints this table
/// anew when a mark changes — so that checking a record needs no schema generator.
const MARKS: &[(RecordType, &str, Sensitivity)] = &[
    (RecordType::Person, "/birthDate", Sensitivity::Personal),
    (RecordType::Person, "/birthPeriod", Sensitivity::Personal),
    (RecordType::Person, "/careTags", Sensitivity::Sensitive),
    (RecordType::Person, "/education", Sensitivity::Personal),
    (RecordType::Person, "/ethnicGroup", Sensitivity::Sensitive),
    (RecordType::Person, "/gender", Sensitivity::Personal),
    (RecordType::Person, "/household", Sensitivity::Personal),
    (RecordType::Person, "/identifiers", Sensitivity::Sensitive),
    (RecordType::Person, "/identifiers/*/value", Sensitivity::Sensitive),
    (RecordType::Person, "/name", Sensitivity::Personal),
    (RecordType::Person, "/nationality", Sensitivity::Personal),
    (RecordType::Person, "/phones", Sensitivity::Personal),
    (RecordType::Person, "/politicalStatus", Sensitivity::Personal),
    (RecordType::Person, "/residences", Sensitivity::Personal),
    (RecordType::Organization, "/contacts", Sensitivity::Personal),
    (RecordType::Organization, "/contacts/*/name", Sensitivity::Personal),
    (RecordType::Organization, "/contacts/*/phone", Sensitivity::Personal),
    (RecordType::Organization, "/legalRepresentative", Sensitivity::Personal),
    (RecordType::Thing, "/name", Sensitivity::Personal),
    (RecordType::Thing, "/owner", Sensitivity::Personal),
    (RecordType::Thing, "/place", Sensitivity::Personal),
    (RecordType::Thing, "/vehicle/plateNumber", Sensitivity::Personal),
    (RecordType::Event, "/description", Sensitivity::Personal),
    (RecordType::Event, "/location", Sensitivity::Personal),
    (RecordType::Event, "/media", Sensitivity::Sensitive),
    (RecordType::Event, "/place", Sensitivity::Personal),
    (RecordType::Event, "/subjects", Sensitivity::Sensitive),
    (RecordType::Case, "/description", Sensitivity::Personal),
    (RecordType::Case, "/evaluation/comment", Sensitivity::Personal),
    (RecordType::Case, "/history/*/note", Sensitivity::Personal),
    (RecordType::Case, "/location", Sensitivity::Personal),
    (RecordType::Case, "/place", Sensitivity::Personal),
    (RecordType::Case, "/reporter", Sensitivity::Personal),
];

static FIELDS: LazyLock<Vec<(RecordType, Vec<SensitiveField>)>> = LazyLock::new(|| {
    RecordType::ALL
        .iter()
        .map(|ty| {
            let found = MARKS
                .iter()
                .filter(|(t, _, _)| t == ty)
                .map(|(_, p, s)| SensitiveField { pointer: (*p).to_owned(), sensitivity: *s })
                .collect();
            (*ty, found)
        })
        .collect()
});

/// The marks read out of the generated schemas, in the order the schemas give them.
#[cfg(feature = "schema")]
pub fn marks_from_schemas() -> Vec<(RecordType, SensitiveField)> {
    let mut out = Vec::new();
    for ty in RecordType::ALL {
        let schema = crate::schema::schema_for(*ty);
        let mut found: Vec<SensitiveField> = Vec::new();
        crate::schema::walk_members(&schema, &mut |path, node| {
            if let Some(s) = node.get("x-linli-sensitivity").and_then(|v| v.as_str()).and_then(Sensitivity::from_code) {
                if !found.iter().any(|f| f.pointer == path) {
                    found.push(SensitiveField { pointer: path.to_owned(), sensitivity: s });
                }
            }
        });
        out.extend(found.into_iter().map(|f| (*ty, f)));
    }
    out
}

/// The personal-information members of a record type, as its schema marks them.
pub fn fields(ty: RecordType) -> &'static [SensitiveField] {
    FIELDS.iter().find(|(t, _)| *t == ty).map(|(_, f)| f.as_slice()).unwrap_or(&[])
}

/// The strongest class that covers a concrete pointer in a record of type `ty`, if any.
pub fn classify(ty: RecordType, pointer: &str) -> Option<Sensitivity> {
    fields(ty).iter().filter(|f| f.covers(pointer)).map(|f| f.sensitivity).max()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The table the checks use is the schemas' marks, mark for mark; on a difference the test
    /// prints the table to paste into `MARKS`.
    #[cfg(feature = "schema")]
    #[test]
    fn marks_are_the_schemas_marks() {
        let want = marks_from_schemas();
        let have: Vec<(RecordType, SensitiveField)> =
            MARKS.iter().map(|(t, p, s)| (*t, SensitiveField { pointer: (*p).to_owned(), sensitivity: *s })).collect();
        if want != have {
            let mut table = String::new();
            for (t, f) in &want {
                table.push_str(&format!(
                    "    (RecordType::{t:?}, {:?}, Sensitivity::{:?}),\n",
                    f.pointer, f.sensitivity
                ));
            }
            panic!("MARKS in sensitivity.rs differs from the schemas' marks; it should read:\n{table}");
        }
    }

    #[test]
    fn person_marks_come_from_the_types() {
        let f = fields(RecordType::Person);
        let get = |p: &str| f.iter().find(|x| x.pointer == p).map(|x| x.sensitivity);
        assert_eq!(get("/name"), Some(Sensitivity::Personal));
        assert_eq!(get("/identifiers"), Some(Sensitivity::Sensitive));
        assert_eq!(get("/identifiers/*/value"), Some(Sensitivity::Sensitive));
        assert_eq!(get("/careTags"), Some(Sensitivity::Sensitive));
        assert_eq!(get("/phones"), Some(Sensitivity::Personal));
        assert_eq!(get("/id"), None);
    }

    #[test]
    fn classify_concrete_pointers() {
        assert_eq!(classify(RecordType::Person, "/identifiers/0/value"), Some(Sensitivity::Sensitive));
        assert_eq!(classify(RecordType::Person, "/phones/1"), Some(Sensitivity::Personal));
        assert_eq!(classify(RecordType::Person, "/meta/version"), None);
        assert_eq!(classify(RecordType::Event, "/media/0/uri"), Some(Sensitivity::Sensitive));
        assert_eq!(classify(RecordType::Place, "/name"), None);
    }
}

#[cfg(test)]
mod completeness {
    use super::*;

    /// The policy: these members hold personal information and MUST be marked `[PRI-001]`.
    /// (A test oracle, written independently of the marks on the types.)
    const EXPECTED: &[(RecordType, &str, Sensitivity)] = &[
        (RecordType::Person, "/name", Sensitivity::Personal),
        (RecordType::Person, "/gender", Sensitivity::Personal),
        (RecordType::Person, "/birthDate", Sensitivity::Personal),
        (RecordType::Person, "/birthPeriod", Sensitivity::Personal),
        (RecordType::Person, "/identifiers", Sensitivity::Sensitive),
        (RecordType::Person, "/identifiers/*/value", Sensitivity::Sensitive),
        (RecordType::Person, "/ethnicGroup", Sensitivity::Sensitive),
        (RecordType::Person, "/nationality", Sensitivity::Personal),
        (RecordType::Person, "/phones", Sensitivity::Personal),
        (RecordType::Person, "/residences", Sensitivity::Personal),
        (RecordType::Person, "/household", Sensitivity::Personal),
        (RecordType::Person, "/education", Sensitivity::Personal),
        (RecordType::Person, "/politicalStatus", Sensitivity::Personal),
        (RecordType::Person, "/careTags", Sensitivity::Sensitive),
        (RecordType::Organization, "/legalRepresentative", Sensitivity::Personal),
        (RecordType::Organization, "/contacts", Sensitivity::Personal),
        (RecordType::Organization, "/contacts/*/name", Sensitivity::Personal),
        (RecordType::Organization, "/contacts/*/phone", Sensitivity::Personal),
        (RecordType::Thing, "/name", Sensitivity::Personal),
        (RecordType::Thing, "/place", Sensitivity::Personal),
        (RecordType::Thing, "/owner", Sensitivity::Personal),
        (RecordType::Thing, "/vehicle/plateNumber", Sensitivity::Personal),
        (RecordType::Event, "/subjects", Sensitivity::Sensitive),
        (RecordType::Event, "/media", Sensitivity::Sensitive),
        (RecordType::Event, "/place", Sensitivity::Personal),
        (RecordType::Event, "/location", Sensitivity::Personal),
        (RecordType::Event, "/description", Sensitivity::Personal),
        (RecordType::Case, "/reporter", Sensitivity::Personal),
        (RecordType::Case, "/place", Sensitivity::Personal),
        (RecordType::Case, "/location", Sensitivity::Personal),
        (RecordType::Case, "/description", Sensitivity::Personal),
        (RecordType::Case, "/history/*/note", Sensitivity::Personal),
        (RecordType::Case, "/evaluation/comment", Sensitivity::Personal),
    ];

    #[test]
    fn every_personal_member_is_marked() {
        for (ty, ptr, class) in EXPECTED {
            let got = fields(*ty).iter().find(|f| f.pointer == *ptr).map(|f| f.sensitivity);
            assert_eq!(got, Some(*class), "{ty} {ptr}");
        }
    }

    #[test]
    fn nothing_is_marked_that_the_policy_does_not_name() {
        for ty in RecordType::ALL {
            for f in fields(*ty) {
                assert!(
                    EXPECTED.iter().any(|(t, p, _)| t == ty && *p == f.pointer),
                    "{ty} {} is marked but not in the policy",
                    f.pointer
                );
            }
        }
    }
}
