//! Which Linli record a FIWARE entity type becomes: the mapping files ([ADP-021], [ADP-023],
//! `spec/18-adapters.md` section 18.3).
//!
//! The mapping lives in data, one TOML file per Smart Data Models family, under
//! `crates/linli-adapters/mappings/fiware/` (embedded at build time and listed in [`FAMILIES`]).
//! A user-supplied file in the same format (`linli convert --mapping FILE`,
//! [`crate::convert::ReadOptions::format_mapping`]) adds types or overrides built-in ones.
//!
//! ```toml
//! family = "Environment"
//!
//! [types.AirQualityObserved]
//! record = "Event"                 # Place, Thing, Event, Person, Organization, Case, or none
//! category = "sensor.reading"      # Event / Case category code
//! members = { occurredAt = ["dateObserved", "observationDateTime"], location = "location", source = "refDevice" }
//! measurements = { temperature = { quantity = "temperature", unit = "CEL" } }
//! ```
//!
//! - `record = "none"` with `reason` (and `reason_zh`): a type with no Linli home, refused with
//!   that reason (`fiware-type-no-linli-home`).
//! - `builtin = "Building" | "Device" | "Camera" | "Alert" | "service_requests" | "IssueReporting"`:
//!   the type is read by the detailed reader of chapter 18.3.2 (kept for the six types read
//!   before the mapping files existed); `record` must agree with it.
//! - `kind`: Place kind or Thing kind code; `category`: Event or Case category code;
//!   `severity`: Event severity code; all checked against the code tables when the file is read.
//! - `members`: Linli member → attribute name, or a list of names (the first present is used).
//! - `measurements`: attribute → quantity and UN/CEFACT unit; only an Event holds measurements.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use linli_model::RecordType;
use linli_model::codes::{CaseCategory, CodeTable, EventCategory, OrganizationKind, PlaceKind, Severity, ThingKind};
use linli_model::text::UnitCode;
use serde::Deserialize;

/// The built-in mapping files: family name and TOML text [ADP-021].
pub const FAMILIES: &[(&str, &str)] = &[
    ("Alert", include_str!("../../mappings/fiware/alert.toml")),
    ("Building", include_str!("../../mappings/fiware/building.toml")),
    ("Device", include_str!("../../mappings/fiware/device.toml")),
    ("Environment", include_str!("../../mappings/fiware/environment.toml")),
    ("IssueReporting", include_str!("../../mappings/fiware/issue-reporting.toml")),
    ("Parking", include_str!("../../mappings/fiware/parking.toml")),
    ("PersonOrganization", include_str!("../../mappings/fiware/person-organization.toml")),
    ("PointOfInterest", include_str!("../../mappings/fiware/point-of-interest.toml")),
    ("Streetlighting", include_str!("../../mappings/fiware/streetlighting.toml")),
    ("WasteManagement", include_str!("../../mappings/fiware/waste-management.toml")),
];

/// The record a mapped type becomes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    /// A Linli record of this type.
    Record(RecordType),
    /// No Linli home: entities of the type are refused with the file's reason.
    None,
}

/// One or several attribute names.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(untagged)]
enum Names {
    One(String),
    Many(Vec<String>),
}

/// A measured attribute.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Measure {
    /// The quantity written in `Event.measurements[].quantity`.
    pub quantity: String,
    /// The UN/CEFACT Rec. 20 unit when the attribute has no `unitCode`.
    pub unit: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawType {
    record: String,
    builtin: Option<String>,
    kind: Option<String>,
    category: Option<String>,
    severity: Option<String>,
    reason: Option<String>,
    reason_zh: Option<String>,
    #[serde(default)]
    members: BTreeMap<String, Names>,
    #[serde(default)]
    measurements: BTreeMap<String, Measure>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    family: Option<String>,
    #[serde(default)]
    types: BTreeMap<String, RawType>,
}

/// How one entity type is read.
#[derive(Debug, Clone, PartialEq)]
pub struct TypeMapping {
    /// The family (file) it comes from.
    pub family: String,
    /// The record it becomes.
    pub target: Target,
    /// The detailed reader used, for the six built-in types.
    pub builtin: Option<String>,
    /// Place or Thing kind.
    pub kind: Option<String>,
    /// Event or Case category.
    pub category: Option<String>,
    /// Event severity.
    pub severity: Option<String>,
    /// Why a type without a Linli home is refused (English, Chinese).
    pub reason: Option<(String, String)>,
    /// Linli member → attribute names, first present wins.
    pub members: BTreeMap<String, Vec<String>>,
    /// Measured attributes.
    pub measurements: BTreeMap<String, Measure>,
}

impl TypeMapping {
    /// The attribute names of a Linli member.
    pub fn member(&self, m: &str) -> &[String] {
        self.members.get(m).map_or(&[], Vec::as_slice)
    }
}

/// The members a mapping may name, per record type.
fn allowed_members(t: RecordType) -> &'static [&'static str] {
    match t {
        RecordType::Place => &["name", "geometry", "address"],
        RecordType::Thing => &["name", "serialNumber", "manufacturer", "model", "firmwareVersion", "location", "owner"],
        RecordType::Event => &["occurredAt", "endedAt", "location", "source", "description"],
        RecordType::Person => &["name"],
        RecordType::Organization => &["name"],
        RecordType::Case => &["title", "description", "reportedAt", "location"],
        _ => &[],
    }
}

const BUILTINS: &[(&str, RecordType)] = &[
    ("Building", RecordType::Place),
    ("Device", RecordType::Thing),
    ("Camera", RecordType::Thing),
    ("Alert", RecordType::Event),
    ("service_requests", RecordType::Case),
    ("IssueReporting", RecordType::Case),
];

/// The registry of mapped types: the built-in files, then the user's file.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Registry {
    types: BTreeMap<String, TypeMapping>,
}

impl Registry {
    /// The built-in mapping files. They are checked by the tests; a file that does not parse
    /// leaves its types unmapped rather than failing every conversion.
    pub fn builtin() -> &'static Registry {
        static R: OnceLock<Registry> = OnceLock::new();
        R.get_or_init(|| {
            let mut r = Registry::default();
            for (family, text) in FAMILIES {
                let _ = r.add(text, family);
            }
            r
        })
    }

    /// The built-in files with a user's file added; its types override built-in ones
    /// [ADP-021]. Fails with every problem of the file (TOML line and column where the parser
    /// gives one; a code not in its code table with the table's name).
    pub fn with_user(text: &str) -> Result<Registry, Vec<String>> {
        let mut r = Registry::builtin().clone();
        r.add(text, "user")?;
        Ok(r)
    }

    /// Parse one mapping file and add its types; on error nothing is added and every problem
    /// of the file is returned.
    pub fn add(&mut self, text: &str, default_family: &str) -> Result<(), Vec<String>> {
        let raw: RawFile = toml::from_str(text).map_err(|e| vec![crate::toml_problem(text, &e)])?;
        let family = raw.family.unwrap_or_else(|| default_family.to_owned());
        let mut parsed = Vec::new();
        let mut problems = Vec::new();
        for (name, t) in raw.types {
            match check(&name, &family, t) {
                Ok(m) => parsed.push((name.clone(), m)),
                Err(mut p) => problems.append(&mut p),
            }
        }
        if !problems.is_empty() {
            return Err(problems);
        }
        self.types.extend(parsed);
        Ok(())
    }

    /// The mapping of an entity type, by its short name or an IRI ending in `#Name` or `/Name`.
    pub fn get(&self, ty: &str) -> Option<&TypeMapping> {
        self.types.get(ty).or_else(|| self.types.get(short_type(ty)))
    }

    /// The built-in mapping files as the table of `spec/18-adapters.md` section 18.3 (Table
    /// 18-5b): one row per type, by family; the spec reproduces it and a test keeps the two equal.
    pub fn markdown_table(&self) -> String {
        let mut rows: Vec<(&str, &str, &TypeMapping)> =
            self.types.iter().map(|(n, m)| (m.family.as_str(), n.as_str(), m)).collect();
        rows.sort_by(|a, b| (a.0, a.1.to_lowercase()).cmp(&(b.0, b.1.to_lowercase())));
        let mut md = String::from(
            "| family | entity type | record | kind / category / severity | members (Linli ← attributes, first present) | measurements (attribute → quantity [unit]) |\n|---|---|---|---|---|---|\n",
        );
        for (family, name, m) in rows {
            let record = match (m.target, &m.builtin) {
                (Target::None, _) => "none".to_owned(),
                (Target::Record(rt), Some(b)) => format!("{} (Table 18-5, `{b}`)", rt.code()),
                (Target::Record(rt), None) => rt.code().to_owned(),
            };
            let codes: Vec<String> = [&m.kind, &m.category, &m.severity]
                .iter()
                .filter_map(|c| c.as_ref().map(|c| format!("`{c}`")))
                .collect();
            let members: Vec<String> = m
                .members
                .iter()
                .map(|(k, v)| {
                    let names: Vec<String> = v.iter().map(|n| format!("`{n}`")).collect();
                    format!("`{k}` ← {}", names.join(", "))
                })
                .collect();
            let measures: Vec<String> =
                m.measurements.iter().map(|(a, x)| format!("`{a}` → {} [{}]", x.quantity, x.unit)).collect();
            let reason = m.reason.as_ref().map(|(en, _)| format!("refused: {en}"));
            md.push_str(&format!(
                "| {family} | `{name}` | {record} | {} | {} | {} |\n",
                codes.join(", "),
                reason.unwrap_or_else(|| members.join("; ")),
                measures.join("; ")
            ));
        }
        md
    }

    /// Every mapped type, sorted by name.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &TypeMapping)> {
        self.types.iter().map(|(k, v)| (k.as_str(), v))
    }
}

/// `https://…#OffStreetParking`, `https://…/OffStreetParking` or `sdm:OffStreetParking` →
/// `OffStreetParking`.
pub fn short_type(ty: &str) -> &str {
    let cut = ty.rfind(['#', '/']).map_or(ty, |i| ty.get(i + 1..).unwrap_or(ty));
    match cut.rsplit_once(':') {
        Some((_, rest)) if !rest.is_empty() => rest,
        _ => cut,
    }
}

fn check(name: &str, family: &str, t: RawType) -> Result<TypeMapping, Vec<String>> {
    let at = format!("types.{name}");
    let mut problems: Vec<String> = Vec::new();
    let mut bad = |what: String| problems.push(format!("{at}: {what}"));
    let target = if t.record == "none" {
        if t.reason.is_none() {
            bad("`record = \"none\"` needs a `reason`".into());
        }
        Target::None
    } else {
        match RecordType::from_code(&t.record).filter(|r| !allowed_members(*r).is_empty()) {
            Some(rt) => Target::Record(rt),
            None => {
                let given = &t.record;
                bad(format!("`record` `{given}` must be Place, Thing, Event, Person, Organization, Case or none"));
                Target::None
            }
        }
    };
    if let Some(b) = &t.builtin {
        match BUILTINS.iter().find(|(n, _)| n == b) {
            Some((_, rt)) if target == Target::Record(*rt) => {}
            _ => bad(format!("`builtin` `{b}` names no built-in reader of that record type")),
        }
    }
    let rt = match target {
        Target::Record(rt) => Some(rt),
        Target::None => None,
    };
    let ctx = |key: &str| format!("types.{name}.{key}");
    if let Some(k) = &t.kind {
        let problem = match rt {
            Some(RecordType::Place) => {
                PlaceKind::from_code(k).is_none().then(|| crate::not_in_table::<PlaceKind>(&ctx("kind"), k))
            }
            Some(RecordType::Thing) => {
                ThingKind::from_code(k).is_none().then(|| crate::not_in_table::<ThingKind>(&ctx("kind"), k))
            }
            Some(RecordType::Organization) => OrganizationKind::from_code(k)
                .is_none()
                .then(|| crate::not_in_table::<OrganizationKind>(&ctx("kind"), k)),
            _ => Some(format!("{}: a `kind` is only given to a Place, Thing or Organization", ctx("kind"))),
        };
        problems.extend(problem);
    }
    if let Some(c) = &t.category {
        let problem = match rt {
            Some(RecordType::Event) => {
                EventCategory::from_code(c).is_none().then(|| crate::not_in_table::<EventCategory>(&ctx("category"), c))
            }
            Some(RecordType::Case) => {
                CaseCategory::from_code(c).is_none().then(|| crate::not_in_table::<CaseCategory>(&ctx("category"), c))
            }
            _ => Some(format!("{}: a `category` is only given to an Event or Case", ctx("category"))),
        };
        problems.extend(problem);
    }
    if let Some(s) = &t.severity {
        if rt != Some(RecordType::Event) {
            problems.push(format!("{}: a `severity` is only given to an Event", ctx("severity")));
        } else if Severity::from_code(s).is_none() {
            problems.push(crate::not_in_table::<Severity>(&ctx("severity"), s));
        }
    }
    if t.builtin.is_none() && matches!(rt, Some(RecordType::Place | RecordType::Thing)) && t.kind.is_none() {
        problems.push(format!("{at}: a Place or Thing needs a `kind`"));
    }
    let mut members = BTreeMap::new();
    for (m, names) in t.members {
        if t.builtin.is_some() || !rt.is_some_and(|r| allowed_members(r).contains(&m.as_str())) {
            problems.push(format!("{}: member `{m}` cannot be mapped for this record type", ctx("members")));
        }
        let names = match names {
            Names::One(n) => vec![n],
            Names::Many(v) => v,
        };
        members.insert(m, names);
    }
    for (a, m) in &t.measurements {
        if rt != Some(RecordType::Event) || t.builtin.is_some() {
            problems.push(format!(
                "{}: measurement `{a}`: only an Event read by mapping holds measurements",
                ctx("measurements")
            ));
        }
        if UnitCode::new(&m.unit).is_err() || m.quantity.trim().is_empty() {
            problems.push(format!(
                "{}: measurement `{a}`: unit must be a UN/CEFACT code, quantity non-empty",
                ctx("measurements")
            ));
        }
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    let reason = t.reason.map(|en| {
        let zh = t.reason_zh.unwrap_or_else(|| en.clone());
        (en, zh)
    });
    Ok(TypeMapping {
        family: family.to_owned(),
        target,
        builtin: t.builtin,
        kind: t.kind,
        category: t.category,
        severity: t.severity,
        reason,
        members,
        measurements: t.measurements,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_builtin_file_parses() {
        for (family, text) in FAMILIES {
            let mut r = Registry::default();
            assert_eq!(r.add(text, family), Ok(()), "{family}");
        }
        let r = Registry::builtin();
        assert!(r.get("OffStreetParking").is_some());
        assert!(r.get("https://smartdatamodels.org/dataModel.Parking/OffStreetParking").is_some());
        assert_eq!(r.get("Building").and_then(|t| t.builtin.as_deref()), Some("Building"));
    }

    /// The spec reproduces the built-in files' table (section 18.3, Table 18-5b).
    #[test]
    fn the_spec_reproduces_the_mapping_files() {
        let table = Registry::builtin().markdown_table();
        let spec_path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../spec/18-adapters.md");
        let spec = std::fs::read_to_string(spec_path).unwrap_or_default();
        if std::env::var_os("LINLI_PRINT_FIWARE_TABLE").is_some() {
            println!("{table}");
        }
        assert!(spec.contains(&table), "spec/18-adapters.md section 18.3 must reproduce Table 18-5b:\n{table}");
    }

    #[test]
    fn a_user_file_adds_and_overrides() {
        let r = Registry::with_user(
            "[types.Beekeeper]\nrecord = \"Person\"\n[types.WasteContainer]\nrecord = \"Thing\"\nkind = \"facility.other\"\n",
        )
        .unwrap_or_default();
        assert_eq!(r.get("Beekeeper").map(|t| t.target), Some(Target::Record(RecordType::Person)));
        assert_eq!(r.get("WasteContainer").and_then(|t| t.kind.as_deref()), Some("facility.other"));
        for bad in [
            "[types.X]\nrecord = \"Spaceship\"",
            "[types.X]\nrecord = \"Thing\"\nkind = \"nope\"",
            "[types.X]\nrecord = \"Thing\"",
            "[types.X]\nrecord = \"none\"",
            "[types.X]\nrecord = \"Place\"\nkind = \"poi\"\nmembers = { occurredAt = \"x\" }",
            "[types.X]\nrecord = \"Event\"\ncategory = \"sensor.reading\"\nmeasurements = { t = { quantity = \"t\", unit = \"degrees\" } }",
            "[types.X]\nrecord = \"Event\"\nbogus = 1",
        ] {
            assert!(Registry::with_user(bad).is_err(), "{bad}");
        }
    }

    /// Every problem of a user file is reported, with the TOML line of a syntax error and the
    /// code table of a code not in it.
    #[test]
    fn a_bad_user_file_reports_every_problem() {
        let text =
            "[types.A]\nrecord = \"Thing\"\nkind = \"nope\"\n[types.B]\nrecord = \"Event\"\ncategory = \"bogus\"\n";
        let problems = Registry::with_user(text).err().unwrap_or_default();
        assert_eq!(problems.len(), 2, "{problems:?}");
        assert!(problems[0].contains("types.A.kind") && problems[0].contains("linli codes thing-kind"), "{problems:?}");
        assert!(problems[1].contains("types.B.category") && problems[1].contains("linli codes event-category"));
        let problems = Registry::with_user("[types.A]\nrecord = \"Thing\"\nkind = \n").err().unwrap_or_default();
        assert!(problems.first().is_some_and(|p| p.starts_with("line 3 column")), "{problems:?}");
    }
}
