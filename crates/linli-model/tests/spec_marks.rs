//! The member tables of the spec (chapters 10–15, column "Sensitivity") say exactly what the
//! types mark `[PRI-001]`: the marks are written once, on the types, and the spec a vendor
//! implements from must not say otherwise.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use linli_model::RecordType;
use linli_model::codes::{CodeTable, Sensitivity};
use linli_model::sensitivity::fields;

const CHAPTERS: [(&str, RecordType); 6] = [
    ("10-person.md", RecordType::Person),
    ("11-organization.md", RecordType::Organization),
    ("12-place.md", RecordType::Place),
    ("13-thing.md", RecordType::Thing),
    ("14-event.md", RecordType::Event),
    ("15-case.md", RecordType::Case),
];

/// Every row of every member table: (pointer pattern, the column's text).
fn rows(text: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut prefix: Option<String> = None;
    let mut in_table = false;
    for line in text.lines() {
        if line.starts_with("| Member | Type | Required | Sensitivity") {
            in_table = true;
            continue;
        }
        if in_table && line.starts_with('|') {
            let cells: Vec<&str> = line.split('|').map(str::trim).collect();
            let Some(name) = cells.get(1).and_then(|c| c.strip_prefix('`')).and_then(|c| c.strip_suffix('`')) else {
                continue;
            };
            let base = prefix.clone().unwrap_or_default();
            out.push((format!("{base}/{name}"), cells[4].to_owned()));
            continue;
        }
        in_table = false;
        // "**Vehicle** (车辆信息), the member `vehicle`:" / "…, the items of `identifiers`:"
        if let Some(rest) = line.split(", the member `").nth(1) {
            prefix = rest.split('`').next().map(|m| format!("/{m}"));
        } else if let Some(rest) = line.split(", the items of `").nth(1) {
            prefix = rest.split('`').next().map(|m| format!("/{m}/*"));
        }
    }
    out
}

#[test]
fn the_spec_tables_say_what_the_types_mark() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../spec");
    let mut wrong = Vec::new();
    let mut seen = 0;
    for (file, ty) in CHAPTERS {
        let text = std::fs::read_to_string(dir.join(file)).unwrap();
        for (pointer, column) in rows(&text) {
            seen += 1;
            let marked = fields(ty).iter().find(|f| f.pointer == pointer).map(|f| f.sensitivity);
            // "sensitive (inherited)": the member lies inside a member marked so.
            if let Some(class) = column.strip_suffix(" (inherited)") {
                let class = Sensitivity::from_code(class).unwrap_or_else(|| panic!("{file} {pointer}: `{class}`"));
                let concrete = pointer.replace('*', "0");
                if !fields(ty).iter().any(|f| f.sensitivity == class && f.pointer != pointer && f.covers(&concrete)) {
                    wrong.push(format!(
                        "{file} {ty} {pointer}: the spec says {class:?} (inherited), no marked member holds it"
                    ));
                }
                continue;
            }
            let said = match column.as_str() {
                "—" | "-" | "" => None,
                other => Some(Sensitivity::from_code(other).unwrap_or_else(|| panic!("{file} {pointer}: `{other}`"))),
            };
            if said != marked {
                wrong.push(format!("{file} {ty} {pointer}: the spec says {said:?}, the types mark {marked:?}"));
            }
        }
    }
    assert!(seen > 80, "only {seen} rows read: has the table layout changed?");
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}
