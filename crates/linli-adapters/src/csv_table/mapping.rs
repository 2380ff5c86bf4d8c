//! The mapping file of a register (TOML) `[ADP-011]`, `[ADP-014]`: every problem in it is
//! reported at once, an unknown target with the closest valid ones.

use std::collections::{BTreeMap, BTreeSet};

use linli_model::codes::{CodeTable, DataClassification};
use linli_model::datetime::Timestamp;
use linli_model::text::{Id, Text};
use linli_model::{Meta, RecordType};
use serde::Deserialize;

use super::targets::{Slot, Target, closest};
use crate::Error;

const FORMAT: &str = "csv";

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct MappingFile {
    #[serde(default)]
    record: Option<String>,
    #[serde(default)]
    id_prefix: Option<String>,
    #[serde(default)]
    delimiter: Option<String>,
    #[serde(default)]
    sheet: Option<toml::Value>,
    #[serde(default)]
    header_row: Option<usize>,
    meta: MetaFile,
    #[serde(default)]
    ids: BTreeMap<String, String>,
    #[serde(default)]
    columns: BTreeMap<String, String>,
    #[serde(default)]
    values: BTreeMap<String, BTreeMap<String, String>>,
    #[serde(default)]
    defaults: BTreeMap<String, String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct MetaFile {
    vendor: String,
    product: String,
    #[serde(default)]
    version: Option<String>,
    classification: String,
    created_at: String,
}

/// A column mapping: which column of a register goes where, in which records (format in the
/// module documentation and `spec/18-adapters.md` 18.2).
#[derive(Debug, Clone)]
pub struct Mapping {
    pub(crate) primary: Slot,
    pub(crate) meta: Meta,
    pub(crate) id_prefix: BTreeMap<Slot, String>,
    pub(crate) delimiter: u8,
    pub(crate) sheet: Option<String>,
    pub(crate) header_row: Option<usize>,
    pub(crate) columns: BTreeMap<String, Target>,
    pub(crate) values: BTreeMap<String, BTreeMap<String, String>>,
    pub(crate) defaults: BTreeMap<Target, String>,
    /// Columns left out on purpose (target `-`).
    pub(crate) ignored: BTreeSet<String>,
}

/// What `--init-mapping` writes for `meta.vendor`, which only a person can know: a mapping
/// still holding it is refused [ADP-018].
pub(crate) const PLACEHOLDER: &str = "待填写 / to be filled in";

impl Mapping {
    /// Read a mapping from TOML text. Every problem is reported in one [`Error::Mapping`]: the
    /// TOML line and column of a syntax error, each unknown target with the closest valid ones
    /// (and where the full list is), each value map naming a code outside its table.
    pub fn from_toml(text: &str) -> Result<Mapping, Error> {
        let file: MappingFile = toml::from_str(text)
            .map_err(|e| Error::Mapping { format: FORMAT, problems: vec![crate::toml_problem(text, &e)] })?;
        let mut problems: Vec<String> = Vec::new();
        let classification = DataClassification::from_code(&file.meta.classification);
        if classification.is_none() {
            problems.push(crate::not_in_table::<DataClassification>("meta.classification", &file.meta.classification));
        }
        let at = Timestamp::parse(&file.meta.created_at)
            .map_err(|e| problems.push(format!("meta.createdAt: {e} (RFC 3339 with an offset)")))
            .ok();
        let mut text_of = |key: &str, v: &str| Text::new(v).map_err(|e| problems.push(format!("meta.{key}: {e}"))).ok();
        // The skeleton's placeholder is no vendor: a mapping still holding it is not filled in
        // [ADP-018], and would write it into every record.
        let unfilled = file.meta.vendor.trim() == PLACEHOLDER;
        let vendor = if unfilled { None } else { text_of("vendor", &file.meta.vendor) };
        let product = text_of("product", &file.meta.product);
        let version = file.meta.version.as_deref().and_then(|v| text_of("version", v));
        if unfilled {
            problems.push(format!(
                "meta.vendor: still `{PLACEHOLDER}` as --init-mapping wrote it; fill in the name of the system's vendor / \
                 仍是 --init-mapping 写入的占位文字，请填写系统供应商名称"
            ));
        }

        let delimiter = match file.delimiter.as_deref().map(str::as_bytes) {
            None => b',',
            Some([d]) if d.is_ascii() && !matches!(d, b'"' | b'\n' | b'\r') => *d,
            Some(_) => {
                problems.push("delimiter: must be one ASCII character other than `\"` or a newline".into());
                b','
            }
        };
        let sheet = match file.sheet {
            None => None,
            Some(toml::Value::String(s)) => Some(s),
            Some(toml::Value::Integer(i)) if i >= 1 => Some(i.to_string()),
            Some(_) => {
                problems.push("sheet: a sheet name or a 1-based sheet number".into());
                None
            }
        };
        if file.header_row == Some(0) {
            problems.push("headerRow: rows are numbered from 1".into());
        }

        let mut columns = BTreeMap::new();
        let mut ignored = BTreeSet::new();
        let mut unknown = false;
        for (header, target) in &file.columns {
            if target.trim() == "-" {
                ignored.insert(header.clone());
                continue;
            }
            match Target::parse(target) {
                Some(t) => {
                    columns.insert(header.clone(), t);
                }
                None => {
                    unknown = true;
                    problems.push(format!(
                        "columns.\"{header}\": unknown target `{target}` (closest: {})",
                        closest(target, 3).join(", ")
                    ));
                }
            }
        }
        // A target other than a list (phones, identifiers, residences) takes one column: a second
        // column's cells would have nowhere to go.
        let mut by_target: BTreeMap<Target, Vec<&str>> = BTreeMap::new();
        for (h, t) in &columns {
            by_target.entry(*t).or_default().push(h.as_str());
        }
        for (t, hs) in &by_target {
            let list = matches!(
                t,
                Target::Phones | Target::Identifier(_) | Target::ResidenceAddress(_) | Target::ResidencePlace(_)
            );
            if hs.len() > 1 && !list {
                problems.push(format!(
                    "columns {}: {} takes one column (map the others to another target, or to \"-\" to leave them out)",
                    hs.iter().map(|h| format!("\"{h}\"")).collect::<Vec<_>>().join(", "),
                    t.name()
                ));
            }
        }
        let mut defaults = BTreeMap::new();
        for (target, value) in &file.defaults {
            match Target::parse(target) {
                None => {
                    unknown = true;
                    problems.push(format!(
                        "defaults.\"{target}\": unknown target (closest: {})",
                        closest(target, 3).join(", ")
                    ));
                }
                Some(t)
                    if t.personal()
                        || matches!(t, Target::PersonId | Target::PlaceId | Target::ThingId | Target::OrgId) =>
                {
                    problems.push(format!("defaults.\"{target}\": an id or personal member takes no default"));
                }
                Some(t) => {
                    if t.accepts_code(value) == Some(false) {
                        problems.push(format!(
                            "defaults.\"{target}\": `{value}` is not a code of the table `{}` (list it with `linli codes {0}`)",
                            t.table().unwrap_or("ISO 3166-1 alpha-3")
                        ));
                    }
                    defaults.insert(t, value.clone());
                }
            }
        }
        if unknown {
            let all: Vec<String> = Target::all().into_iter().map(Target::name).collect();
            problems.push(format!(
                "the valid targets are (`linli convert --list-targets` describes each): {}",
                all.join(", ")
            ));
        }
        for (header, map) in &file.values {
            let Some(target) = columns.get(header) else {
                if ignored.contains(header) {
                    problems.push(format!("values.\"{header}\": the column is left out (`-`)"));
                } else if !file.columns.contains_key(header) {
                    problems.push(format!("values.\"{header}\": the column has no target in [columns]"));
                }
                continue;
            };
            for (label, code) in map {
                match target.accepts_code(code) {
                    None => {
                        problems.push(format!("values.\"{header}\": the column's target takes no value map"));
                        break;
                    }
                    Some(false) => problems.push(format!(
                        "values.\"{header}\".\"{label}\": `{code}` is not a code of the table `{}` (list it with `linli codes {0}`)",
                        target.table().unwrap_or("ISO 3166-1 alpha-3")
                    )),
                    Some(true) => {}
                }
            }
        }

        // The slots the mapping fills, and the primary one (the row's record, which keeps the
        // unmapped columns).
        let slots: BTreeSet<Slot> = columns.values().chain(defaults.keys()).map(|t| t.slot()).collect();
        let primary = match file.record.as_deref() {
            Some(r) => match [Slot::Person, Slot::Place, Slot::Thing, Slot::Organization]
                .into_iter()
                .find(|s| s.record_type() == r)
            {
                Some(s) => s,
                None => {
                    let valid = RecordType::from_code(r).is_some();
                    problems.push(format!(
                        "record: `{r}` {} (Person, Place, Thing or Organization)",
                        if valid { "is not read from a register" } else { "is not a record type" }
                    ));
                    Slot::Person
                }
            },
            None => [Slot::Person, Slot::Organization, Slot::Thing, Slot::Place]
                .into_iter()
                .find(|s| slots.contains(s))
                .unwrap_or(Slot::Person),
        };
        if !slots.is_empty() && !slots.contains(&primary) {
            problems.push(format!("record: `{}` but no column maps to it", primary.record_type()));
        }
        if columns.is_empty() && !unknown {
            problems.push("[columns] maps no column to a target (`-` only leaves columns out)".into());
        }
        if slots.contains(&Slot::Person) && !columns.values().any(|t| *t == Target::Name) {
            problems.push("a Person needs a `person.name` column".into());
        }
        if slots.contains(&Slot::Organization) && !columns.values().any(|t| *t == Target::OrgName) {
            problems.push("an Organization needs an `organization.name` column".into());
        }
        let has_level = columns.values().chain(defaults.keys()).any(|t| matches!(t, Target::PlaceLevel(_)));
        if slots.contains(&Slot::Place) && !has_level {
            problems.push("a Place needs at least one level column (place.community … place.room)".into());
        }
        if columns.values().any(|t| *t == Target::ResidenceKind) && !slots.contains(&Slot::Place) {
            problems.push("person.residence.kind needs the row's place (place.community … place.room columns)".into());
        }

        let mut id_prefix = BTreeMap::new();
        let legacy = file.id_prefix.clone().unwrap_or_else(|| "row".to_owned());
        for (slot, default) in [
            (Slot::Person, legacy.as_str()),
            (Slot::Place, "place"),
            (Slot::Thing, "thing"),
            (Slot::Organization, "org"),
        ] {
            id_prefix.insert(slot, default.to_owned());
        }
        for (key, prefix) in &file.ids {
            match [Slot::Person, Slot::Place, Slot::Thing, Slot::Organization].into_iter().find(|s| s.prefix() == key) {
                Some(s) => {
                    id_prefix.insert(s, prefix.clone());
                }
                None => problems.push(format!("ids.{key}: expected person, place, thing or organization")),
            }
        }
        for (slot, prefix) in &id_prefix {
            if Id::new(format!("{prefix}-1")).is_err() {
                problems.push(format!("id prefix of {}: `{prefix}-1` is not an id", slot.record_type()));
            }
        }

        if !problems.is_empty() {
            return Err(Error::Mapping { format: FORMAT, problems });
        }
        let (Some(vendor), Some(product), Some(at), Some(classification)) = (vendor, product, at, classification)
        else {
            return Err(Error::Mapping { format: FORMAT, problems: vec!["meta: incomplete".into()] });
        };
        let mut meta = Meta::new(vendor, product, at, classification);
        meta.source.version = version;
        Ok(Mapping {
            primary,
            meta,
            id_prefix,
            delimiter,
            sheet,
            header_row: file.header_row,
            columns,
            values: file.values,
            defaults,
            ignored,
        })
    }

    /// The record type every row becomes (the row's primary record; a row may give other
    /// records too).
    pub fn record_type(&self) -> RecordType {
        match self.primary {
            Slot::Person => RecordType::Person,
            Slot::Place => RecordType::Place,
            Slot::Thing => RecordType::Thing,
            Slot::Organization => RecordType::Organization,
        }
    }

    /// The record types one row can give.
    pub fn record_types(&self) -> Vec<RecordType> {
        let slots: BTreeSet<Slot> = self.columns.values().chain(self.defaults.keys()).map(|t| t.slot()).collect();
        slots
            .into_iter()
            .map(|s| match s {
                Slot::Person => RecordType::Person,
                Slot::Place => RecordType::Place,
                Slot::Thing => RecordType::Thing,
                Slot::Organization => RecordType::Organization,
            })
            .collect()
    }

    /// The mapped column headers with their targets.
    pub fn columns(&self) -> impl Iterator<Item = (&str, Target)> {
        self.columns.iter().map(|(h, t)| (h.as_str(), *t))
    }

    /// The sheet of a workbook to read (`sheet` in the file), if one is named.
    pub fn sheet(&self) -> Option<&str> {
        self.sheet.as_deref()
    }
}
