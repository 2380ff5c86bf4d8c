//! One register row → its records (Table 18-1) `[ADP-011]`, `[ADP-014]`, `[ADP-016]`.
//!
//! A row is converted whole or refused whole: a mapped cell that cannot be converted, a missing
//! required cell, or a record that fails the semantic checks refuses the row, and every reason
//! is a finding; the row goes to the rejects file, never into the output [ADP-004].

use crate::codes::Code;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::hash::{Hash, Hasher};

use linli_model::check::{credit_code, id_number, phone};
use linli_model::codes::{
    CareTag, CodeTable, Education, EthnicGroup, Gender, IdentifierScheme, OrganizationKind, PlaceKind, PlateColor,
    PoliticalStatus, Relationship, RentalStatus, ResidenceKind, RoomUse, ThingKind, ThingStatus,
};
use linli_model::datetime::Date;
use linli_model::organization::Contact;
use linli_model::person::{Household, Identifier, Residence};
use linli_model::reference::{ActorRef, PersonRef, PlaceRef};
use linli_model::text::{
    CountryCode, CreditCode, DeviceCode, DivisionCode, HouseholdId, Id, Namespace, PhoneNumber, Text,
};
use linli_model::thing::Vehicle;
use linli_model::{Organization, Person, Place, Record, RecordType, Thing};
use serde_json::{Map, Value};
use sha2::Digest;

use super::mapping::Mapping;
use super::targets::{PLACE_LEVELS, Slot, Target};
use super::values::{bare_address, clean_phone, half_width, items, lookup, parse_address, parse_date};
use super::{NAMESPACE, RowFinding};
use crate::loss::token;
use crate::{Loss, LossKind};

/// The header of the rejects file's reason column; a register column of this title is ignored
/// on reading, so that a corrected rejects file converts with the same mapping [ADP-016].
pub const REASON_COLUMN: &str = "拒收原因";

/// What one row gives.
#[derive(Debug)]
pub enum RowOutcome {
    /// The records of the row (new places first), and its loss entries.
    Converted {
        /// The records.
        records: Vec<Record>,
        /// Loss entries (kept columns, normalised values).
        loss: Vec<Loss>,
        /// Notes about the row that do not refuse it (a personal-looking value not kept).
        notes: Vec<RowFinding>,
    },
    /// The row is refused: why (at least one finding).
    Refused(Vec<RowFinding>),
    /// A row whose cells are all empty: skipped.
    Empty,
}

/// Normalised header text for matching a mapping's headers to a register's: full-width forms
/// made ASCII, stars, blanks and bracketed remarks (`(必填)`, `【】`) removed, lower case.
pub fn header_key(h: &str) -> String {
    let h = half_width(h.trim_start_matches('\u{feff}'));
    let mut out = String::with_capacity(h.len());
    let mut depth = 0usize;
    for c in h.chars() {
        match c {
            '(' | '[' | '【' | '〔' | '（' | '［' => depth += 1,
            ')' | ']' | '】' | '〕' | '）' | '］' => depth = depth.saturating_sub(1),
            '*' | '※' | '★' | '＊' | ':' | '：' => {}
            c if c.is_whitespace() => {}
            c if depth == 0 => out.extend(c.to_lowercase()),
            _ => {}
        }
    }
    out
}

/// Per-column plan, fixed once the header is known.
#[derive(Debug, Clone)]
struct Column {
    header: String,
    target: Option<Target>,
    /// An unmapped column whose header marks it personal, or the reason column: not kept.
    skip: bool,
}

/// The conversion state of one register: the header plan and what has been written so far
/// (places and ids), which is all the memory a stream of rows needs.
pub struct Converter {
    /// The mapping, its columns and value maps keyed by the register's own headers.
    mapping: Mapping,
    columns: Vec<Column>,
    /// Per column: a finding about a personal-looking value of this unmapped column was made.
    reported: Vec<bool>,
    /// Defaults for targets without a column in this register.
    defaults: Vec<(Target, String)>,
    /// The places written so far.
    places: PlaceState,
    /// Ids given by id columns (hashes), per slot, for the duplicate check.
    ids: HashSet<u64>,
    has_id_column: bool,
    /// The previous row's address text read for a `residences.<kind>` cell, and what it read as.
    address_cache: Option<(String, Value)>,
}

fn hash64(parts: &[&str]) -> u64 {
    let mut h = std::collections::hash_map::DefaultHasher::new();
    parts.hash(&mut h);
    h.finish()
}

/// The cells of one slot of a row, converted.
#[derive(Default)]
struct Cells<'a> {
    values: BTreeMap<Target, (&'a str, &'a str)>,
}

impl Converter {
    /// Plan the conversion for a header row. Returns the converter and the header findings
    /// (duplicate columns, missing mapped columns, personal columns not kept).
    pub fn new(mapping: &Mapping, header_cells: &[String], header_row: usize) -> (Converter, Vec<RowFinding>) {
        let mut findings = Vec::new();
        let mut names: Vec<String> = Vec::with_capacity(header_cells.len());
        // Titles taken, and the next suffix to try for each title: linear in the number of
        // columns, however many repeat.
        let mut taken: HashSet<String> = HashSet::new();
        let mut next: HashMap<String, usize> = HashMap::new();
        for h in header_cells {
            let h = h.trim_start_matches('\u{feff}').trim();
            let name = if taken.contains(h) {
                let n = next.entry(h.to_owned()).or_insert(2);
                loop {
                    let candidate = format!("{h} ({n})");
                    *n += 1;
                    if !taken.contains(&candidate) {
                        break candidate;
                    }
                }
            } else {
                h.to_owned()
            };
            taken.insert(name.clone());
            if name != h {
                findings.push(RowFinding::new(
                    header_row,
                    Some(h),
                    Code::CsvDuplicateColumn,
                    format!("列 `{h}` 重复，后一列改名为 `{name}`"),
                    format!("column `{h}` repeats; the later one is renamed `{name}`"),
                ));
            }
            names.push(name);
        }
        // Each mapped header to a register column: the same title, else the same title once
        // stars, blanks, full-width forms and bracketed remarks are set aside.
        let mut rekeyed = mapping.clone();
        rekeyed.columns.clear();
        rekeyed.values.clear();
        let mut target_of: Vec<Option<Target>> = vec![None; names.len()];
        let mut missing: Vec<&str> = Vec::new();
        let keys: Vec<String> = names.iter().map(|n| header_key(n)).collect();
        for (h, t) in &mapping.columns {
            let at = names.iter().position(|n| n == h).or_else(|| {
                let k = header_key(h);
                names.iter().zip(&keys).enumerate().position(|(i, (n, nk))| {
                    target_of.get(i).is_some_and(Option::is_none) && !mapping.columns.contains_key(n) && *nk == k
                })
            });
            match at.filter(|i| target_of.get(*i).is_some_and(Option::is_none)) {
                Some(i) => {
                    if let Some(slot) = target_of.get_mut(i) {
                        *slot = Some(*t);
                    }
                    if let Some(name) = names.get(i) {
                        rekeyed.columns.insert(name.clone(), *t);
                        if let Some(v) = mapping.values.get(h) {
                            rekeyed.values.insert(name.clone(), v.clone());
                        }
                    }
                }
                None => missing.push(h),
            }
        }
        let mut columns: Vec<Column> =
            names.iter().zip(&target_of).map(|(h, t)| Column { header: h.clone(), target: *t, skip: false }).collect();
        let ignored_keys: HashSet<String> = mapping.ignored.iter().map(|i| header_key(i)).collect();
        for c in &mut columns {
            if c.target.is_some() {
                continue;
            }
            let ignored = mapping.ignored.contains(&c.header)
                || (!mapping.ignored.is_empty() && ignored_keys.contains(&header_key(&c.header)));
            if c.header == REASON_COLUMN || ignored {
                c.skip = true;
            } else if crate::rules::is_sensitive_member(&c.header) {
                c.skip = true;
                findings.push(RowFinding::new(
                    header_row,
                    Some(&c.header),
                    Code::CsvSensitiveColumnNotKept,
                    "列名表明是个人信息，但映射没有为它指定目标：此列不保存（扩展没有敏感标记）；请在映射中指定目标".to_owned(),
                    "the column's title marks it personal but the mapping gives it no target: not kept (extensions carry no sensitivity mark); map it".to_owned(),
                ));
            }
        }
        for header in missing {
            findings.push(RowFinding::new(
                header_row,
                Some(header),
                Code::CsvMissingColumn,
                format!("映射中的列 `{header}` 不在表头中"),
                format!("mapped column `{header}` is not in the header"),
            ));
        }
        let mapped: Vec<Target> = columns.iter().filter_map(|c| c.target).collect();
        let defaults = mapping.defaults.iter().map(|(t, v)| (*t, v.clone())).collect();
        let has_id_column = mapped.iter().any(|t| matches!(t, Target::PersonId | Target::ThingId | Target::OrgId));
        (
            Converter {
                mapping: rekeyed,
                reported: vec![false; columns.len()],
                columns,
                defaults,
                places: PlaceState::default(),
                ids: HashSet::new(),
                has_id_column,
                address_cache: None,
            },
            findings,
        )
    }

    /// The targets of the register's columns.
    pub fn targets(&self) -> Vec<Target> {
        self.columns.iter().filter_map(|c| c.target).collect()
    }

    /// Whether a register column has a target.
    pub fn is_mapped(&self, header: &str) -> bool {
        self.columns.iter().any(|c| c.header == header && c.target.is_some())
    }

    /// The header as read (repeated titles renamed).
    pub fn header(&self) -> Vec<String> {
        self.columns.iter().map(|c| c.header.clone()).collect()
    }

    /// Convert one data row.
    pub fn row(&mut self, row: usize, raw: &[String]) -> RowOutcome {
        if raw.iter().all(|c| c.trim().is_empty()) {
            return RowOutcome::Empty;
        }
        if raw.len() != self.columns.len() {
            return RowOutcome::Refused(vec![RowFinding::new(
                row,
                None,
                Code::CsvMalformed,
                format!("本行有 {} 个字段，表头有 {} 个；本行未转换", raw.len(), self.columns.len()),
                format!(
                    "the row has {} fields, the header {}; the row is not converted",
                    raw.len(),
                    self.columns.len()
                ),
            )]);
        }
        let mut b = RowBuild { row, reasons: Vec::new(), loss: Vec::new(), notes: Vec::new(), ext: Map::new() };
        let mut cells: Cells<'_> = Cells::default();
        let mut multi: Vec<(Target, &str, &str)> = Vec::new();
        for (i, (col, cell)) in self.columns.iter().zip(raw).enumerate() {
            // Zero-width characters and byte-order marks around a cell are no content.
            let v = cell.trim_matches(|c: char| c.is_whitespace() || matches!(c, '\u{200b}' | '\u{feff}'));
            if v.is_empty() || col.skip {
                continue;
            }
            match col.target {
                Some(t) => {
                    // The row is refused; the cell still counts as given (no "missing" reason).
                    if has_control(v) {
                        b.reason(
                            Some(&col.header),
                            Code::CsvBadValue,
                            "含有控制字符或文字方向控制符".into(),
                            "holds control characters or text-direction controls".into(),
                        );
                    }
                    if matches!(
                        t,
                        Target::Identifier(_)
                            | Target::ResidenceAddress(_)
                            | Target::ResidencePlace(_)
                            | Target::Phones
                    ) {
                        multi.push((t, col.header.as_str(), v));
                    } else {
                        cells.values.insert(t, (col.header.as_str(), v));
                    }
                }
                None => {
                    if looks_personal(v) || !linli_privacy::leak::scan_text(v).is_empty() {
                        b.loss.push(Loss {
                            kind: LossKind::NotRepresentable,
                            source: format!("row {row} column {}", col.header),
                            target: None,
                            code: Code::CsvSensitiveValueNotKept,
                            message_zh: "未映射的列中的值像身份号码或手机号码，不保存在扩展中".into(),
                            message_en: "a value of an unmapped column looks like an ID or mobile number; not kept in extensions".into(),
                        });
                        if let Some(seen @ false) = self.reported.get_mut(i) {
                            *seen = true;
                            b.notes.push(RowFinding::new(
                                row,
                                Some(&col.header),
                                Code::CsvSensitiveValueNotKept,
                                "未映射的列中有像身份号码或手机号码的值：这些值不保存（本列其后各行同样处理，见损失报告）；请在映射中为此列指定目标".into(),
                                "an unmapped column holds values that look like ID or mobile numbers: they are not kept (nor in later rows; see the loss report); map the column".into(),
                            ));
                        }
                    } else {
                        b.ext.insert(col.header.clone(), Value::String(v.to_owned()));
                        b.loss.push(Loss {
                            kind: LossKind::KeptInExtensions,
                            source: format!("row {row} column {}", col.header),
                            target: Some(format!("/extensions/{NAMESPACE}/{}", token(&col.header))),
                            code: Code::CsvColumnKept,
                            message_zh: format!("列 `{}` 没有映射目标，已保存在扩展 `{NAMESPACE}` 中", col.header),
                            message_en: format!(
                                "column `{}` has no mapping target; kept in extensions `{NAMESPACE}`",
                                col.header
                            ),
                        });
                    }
                }
            }
        }
        for (t, v) in &self.defaults {
            cells.values.entry(*t).or_insert(("", v.as_str()));
        }
        let slots: Vec<Slot> = Slot::ALL
            .into_iter()
            .filter(|s| {
                cells.values.keys().any(|t| t.slot() == *s && !is_defaulted(&cells, *t))
                    || multi.iter().any(|(t, _, _)| t.slot() == *s)
                    || *s == self.mapping.primary
            })
            .collect();
        let mapping = &self.mapping;
        let mut records: Vec<Record> = Vec::new();
        // Places first: the others refer to the row's place.
        let mut row_place: Option<Id> = None;
        let mut new_places: Vec<Place> = Vec::new();
        let mut place_attrs: Option<(u64, [u64; 5])> = None;
        if slots.contains(&Slot::Place) {
            match self.places.places_of(&self.mapping, &mut b, &cells) {
                Some((places, deepest, attrs)) => {
                    row_place = Some(deepest);
                    new_places = places;
                    place_attrs = Some(attrs);
                }
                None if mapping.primary == Slot::Place => {}
                None => {}
            }
        }
        let mut person_id: Option<Id> = None;
        if slots.contains(&Slot::Person) {
            if let Some(p) = person(&mut b, mapping, &cells, &multi, row_place.as_ref(), &mut self.address_cache) {
                person_id = Some(p.id.clone());
                records.push(Record::Person(p));
            }
        }
        if slots.contains(&Slot::Organization) {
            if let Some(o) = organization(&mut b, mapping, &cells, person_id.as_ref(), row_place.as_ref()) {
                records.push(Record::Organization(o));
            }
        }
        if slots.contains(&Slot::Thing) {
            if let Some(t) = thing(&mut b, mapping, &cells, person_id.as_ref(), row_place.as_ref()) {
                records.push(Record::Thing(t));
            }
        }
        // The unmapped columns go with the row's primary record.
        if !b.ext.is_empty() {
            let ext = std::mem::take(&mut b.ext);
            let ns = Namespace::new(NAMESPACE).ok();
            let target = records.iter_mut().find(|r| slot_of(r) == mapping.primary);
            match (target, ns) {
                (Some(r), Some(ns)) => {
                    extensions_of(r).0.insert(ns, ext);
                }
                (None, Some(ns)) if mapping.primary == Slot::Place => {
                    // A place written earlier is refused above (csv-duplicate-place).
                    if let Some(p) = new_places.last_mut().filter(|p| Some(&p.id) == row_place.as_ref()) {
                        p.extensions.0.insert(ns, ext);
                    }
                }
                _ => {}
            }
        }
        let ctx = linli_model::check::Context::default();
        let mut all: Vec<Record> = new_places.into_iter().map(Record::Place).collect();
        all.extend(records);
        for r in &all {
            for (code, pointer) in crate::convert::record_errors(r, &ctx) {
                b.reason(
                    None,
                    Code::AdapterRecordInvalid,
                    format!("{} 记录未通过语义检查 `{code}`（{pointer}）", r.record_type()),
                    format!("the {} record fails the semantic check `{code}` at `{pointer}`", r.record_type()),
                );
            }
        }
        // Ids from id columns: one record per id and type [DAT-003].
        if self.has_id_column && b.reasons.is_empty() {
            for r in &all {
                let slot = slot_of(r);
                if slot != Slot::Place && !self.ids.insert(hash64(&[slot.prefix(), r.id().as_str()])) {
                    b.reason(
                        None,
                        Code::AdapterDuplicateId,
                        format!("{} 记录的标识与前面的行相同", r.record_type()),
                        format!("the {} record has the id of an earlier row's", r.record_type()),
                    );
                }
            }
        }
        if !b.reasons.is_empty() {
            self.places.last_row = None;
            self.places.pending = None;
            return RowOutcome::Refused(b.reasons);
        }
        if let Some(p) = self.places.pending.take() {
            self.places.last_row = Some(p);
        }
        // Only now are the row's places recorded as written.
        // What was written first stays: a row that gives other attributes is refused above.
        if let Some((id, attrs)) = place_attrs {
            self.places.written.entry(id).or_insert(attrs);
        }
        for r in &all {
            if let Record::Place(p) = r {
                self.places.written.entry(hash64(&[p.id.as_str()])).or_insert([0; 5]);
            }
        }
        RowOutcome::Converted { records: all, loss: b.loss, notes: b.notes }
    }
}

/// The places of a row not written yet (largest first), the id of the row's place, and (its id
/// hash, the hashes of its attributes).
type RowPlaces = (Vec<Place>, Id, (u64, [u64; 5]));

/// The places of a register written so far: all the memory de-duplication needs.
#[derive(Default)]
struct PlaceState {
    /// Id hash → hashes of the use, rental status, area and address written with it (0: none;
    /// all 0 for a place written as a larger level of another row's place).
    /// level of another row's place).
    written: HashMap<u64, [u64; 5]>,
    /// The previous row's place levels and their ids.
    level_cache: Vec<(PlaceKind, String, Id)>,
    /// The previous converted row's place cells, the id of its place and that id's hash (only
    /// when the row gave nothing but the levels).
    last_row: Option<([String; 6], Id, u64)>,
    /// This row's, until the row converts.
    pending: Option<([String; 6], Id, u64)>,
}

impl PlaceState {
    /// The row's place chain: the places not written yet (largest first), the id of the row's
    /// place, and (its id hash, the hash of its attribute cells). Only places not written yet
    /// are built; the ids of the previous row's levels are reused while the levels agree.
    fn places_of(&mut self, m: &Mapping, b: &mut RowBuild, cells: &Cells<'_>) -> Option<RowPlaces> {
        // The members of a household follow each other: a row that names the same places as the
        // previous converted row, and nothing else about them, needs nothing computed.
        let raw = PLACE_LEVELS.map(|k| cells.values.get(&Target::PlaceLevel(k)).map_or("", |(_, v)| *v));
        let other = [
            Target::PlaceId,
            Target::DivisionCode,
            Target::PlaceAddress,
            Target::RoomUse,
            Target::RentalStatus,
            Target::Area,
        ]
        .iter()
        .any(|t| cells.values.contains_key(t));
        if !other && m.primary != Slot::Place {
            if let Some((last_raw, id, hash)) = &self.last_row {
                if last_raw.iter().zip(raw).all(|(a, b)| a == b) {
                    return Some((Vec::new(), id.clone(), (*hash, [0; 5])));
                }
            }
        }
        self.pending = None;
        let found = self.chain(m, b, cells)?;
        if !other && m.primary != Slot::Place {
            self.pending = Some((raw.map(str::to_owned), found.1.clone(), found.2.0));
        }
        Some(found)
    }

    fn chain(&mut self, m: &Mapping, b: &mut RowBuild, cells: &Cells<'_>) -> Option<RowPlaces> {
        let levels: Vec<(PlaceKind, String)> = PLACE_LEVELS
            .iter()
            .filter_map(|k| cells.values.get(&Target::PlaceLevel(*k)).map(|(_, v)| (*k, level_name(*k, v))))
            .collect();
        if levels.is_empty() {
            if cells.values.keys().any(|t| t.slot() == Slot::Place && !is_defaulted(cells, *t)) {
                b.reason(
                    None,
                    Code::CsvMissingRequired,
                    "本行有地点属性，但没有任何一级地点名称（小区、楼栋、单元、房号等）".into(),
                    "the row has place attributes but no place level (compound, building, unit, room …)".into(),
                );
            } else if m.primary == Slot::Place {
                b.reason(None, Code::CsvMissingRequired, "本行没有地点名称".into(), "the row names no place".into());
            }
            return None;
        }
        let prefix = m.id_prefix.get(&Slot::Place).map_or("place", String::as_str);
        let n = levels.len();
        // The ids of the levels: generated from the path, reused from the previous row while
        // its levels are the same.
        let mut ids: Vec<Id> = Vec::with_capacity(n);
        let mut path = String::new();
        let mut same = true;
        for (i, (kind, name)) in levels.iter().enumerate() {
            if i > 0 {
                path.push('\u{1f}');
            }
            path.push_str(kind.code());
            path.push('\u{1f}');
            path.push_str(name);
            same &= self.level_cache.get(i).is_some_and(|(k, nm, _)| k == kind && nm == name);
            let explicit = if i + 1 == n { cells.values.get(&Target::PlaceId) } else { None };
            let id = match (explicit, same) {
                (Some((h, v)), _) => match Id::new(*v) {
                    Ok(id) => id,
                    Err(_) => {
                        b.reason(
                            Some(h),
                            Code::CsvBadRecordId,
                            "不是有效的地点标识".into(),
                            "not a valid place id".into(),
                        );
                        return None;
                    }
                },
                (None, true) => match self.level_cache.get(i) {
                    Some((_, _, id)) => id.clone(),
                    None => return None,
                },
                (None, false) => {
                    // Letters only, so that no id can hold a run of digits that reads as an ID or
                    // mobile number [CON-013].
                    let digest = sha2::Sha256::digest(path.as_bytes());
                    let mut id = String::with_capacity(prefix.len() + 17);
                    id.push_str(prefix);
                    id.push('-');
                    id.extend(digest.iter().take(8).flat_map(|b| [b >> 4, b & 0xf]).map(|n| char::from(b'a' + n)));
                    match Id::new(id) {
                        Ok(id) => id,
                        Err(_) => return None,
                    }
                }
            };
            ids.push(id);
        }
        if !same || self.level_cache.len() != n {
            self.level_cache = levels.iter().zip(&ids).map(|((k, nm), id)| (*k, nm.clone(), id.clone())).collect();
        }
        // The smallest place's attributes, compared with what was written with it: a value this
        // row gives that differs (none written included) is a conflict [ADP-014].
        let deepest = ids.last().cloned()?;
        let deepest_hash = hash64(&[deepest.as_str()]);
        // a place chain with no level names no place: the default empty name is refused below (csv-missing-required).
        let name = levels.last().map(|(_, n)| n.as_str()).unwrap_or_default();
        let kind = levels.last().map_or(PlaceKind::Room, |(k, _)| *k);
        let Ok(name_text) = Text::new(name) else {
            b.reason(
                None,
                Code::CsvBadValue,
                "地点名称无效（过长或为空）".into(),
                "not a valid place name (too long or empty)".into(),
            );
            return None;
        };
        let mut scratch = Place::new(deepest.clone(), m.meta.clone(), kind, name_text);
        scratch.address = None;
        place_attributes(b, m, cells, &mut scratch);
        let h = |text: Option<&str>| text.map_or(0, |t| hash64(&[t]).max(1));
        let area = scratch.area.map(|a| a.to_bits().to_string());
        let attrs = [
            h(scratch.room_use.map(|c| c.code())),
            h(scratch.rental_status.map(|c| c.code())),
            h(area.as_deref()),
            h(scratch.address.as_ref().map(|a| a.full_text.as_str())),
            // The path of levels: one `place.id` given to places of another path is a conflict.
            h(Some(path.as_str())),
        ];
        if let Some(seen) = self.written.get(&deepest_hash) {
            let other_path = seen[4] != 0 && seen[4] != attrs[4];
            let other_attrs = attrs.iter().zip(seen).take(4).any(|(now, before)| *now != 0 && now != before);
            if other_path {
                b.reason(
                    None,
                    Code::CsvPlaceConflict,
                    "本行的地点标识已由前面的行用于另一地点（小区、楼栋、单元、房号不同）".into(),
                    "the row's place id was given by an earlier row to another place (other compound, building, unit or room)".into(),
                );
            } else if other_attrs {
                b.reason(
                    None,
                    Code::CsvPlaceConflict,
                    "本行给出的地点属性（用途、出租状态、面积、地址）与前面行写出的同一地点不同".into(),
                    "the row gives its place a use, rental status, area or address other than an earlier row wrote"
                        .into(),
                );
            } else if m.primary == Slot::Place {
                b.reason(
                    None,
                    Code::CsvDuplicatePlace,
                    "本行的地点已由前面的行写出".into(),
                    "the row's place was written by an earlier row".into(),
                );
            }
        }
        let mut out = Vec::new();
        let mut address_parts = String::new();
        for (i, ((kind, name), id)) in levels.iter().zip(&ids).enumerate() {
            address_parts.push_str(name);
            if self.written.contains_key(&hash64(&[id.as_str()])) {
                continue;
            }
            let Ok(name_text) = Text::new(name.as_str()) else {
                b.reason(None, Code::CsvBadValue, "地点名称无效".into(), "not a valid place name".into());
                return None;
            };
            if !linli_privacy::leak::scan_text(name).is_empty() {
                b.reason(
                    None,
                    Code::CsvBadValue,
                    "地点名称中有像身份号码或手机号码的数字".into(),
                    "a place name holds digits that read as an ID or mobile number".into(),
                );
                return None;
            }
            let mut place = Place::new(id.clone(), m.meta.clone(), *kind, name_text);
            place.parent = i.checked_sub(1).and_then(|p| ids.get(p)).cloned().map(PlaceRef::to);
            place.address = Text::new(address_parts.as_str()).ok().map(|full_text| {
                let mut a = bare_address(full_text);
                fill_levels(&mut a, &levels, i);
                a
            });
            if i == 0 {
                if let Some((h, v)) = cells.values.get(&Target::DivisionCode) {
                    match DivisionCode::new(half_width(v).into_owned()) {
                        Ok(d) => place.division_code = Some(d),
                        Err(_) => b.reason(
                            Some(h),
                            Code::CsvBadValue,
                            "不是有效的区划代码（6、9 或 12 位数字）".into(),
                            "not a division code (6, 9 or 12 digits)".into(),
                        ),
                    }
                }
            }
            if i + 1 == n {
                place.room_use = scratch.room_use;
                place.rental_status = scratch.rental_status;
                place.area = scratch.area;
                if scratch.address.is_some() {
                    place.address = scratch.address.take();
                }
            }
            out.push(place);
        }
        Some((out, deepest, (deepest_hash, attrs)))
    }
}

/// Whether a target's value in `cells` comes from `[defaults]` (no header).
fn is_defaulted(cells: &Cells<'_>, t: Target) -> bool {
    cells.values.get(&t).is_some_and(|(h, _)| h.is_empty())
}

/// The name of a place level: a bare number gets its level's suffix (3 → 3栋).
fn level_name(kind: PlaceKind, v: &str) -> String {
    let v = v.trim();
    let bare = !v.is_empty() && half_width(v).chars().all(|c| c.is_ascii_alphanumeric() || c == '-');
    let suffix = match kind {
        PlaceKind::Building => "栋",
        PlaceKind::Unit => "单元",
        PlaceKind::Floor => "层",
        PlaceKind::Room => "室",
        _ => "",
    };
    if bare { format!("{v}{suffix}") } else { v.to_owned() }
}

fn fill_levels(a: &mut linli_model::place::StandardAddress, levels: &[(PlaceKind, String)], upto: usize) {
    for (kind, name) in levels.iter().take(upto + 1) {
        let t = Text::new(name.as_str()).ok();
        match kind {
            PlaceKind::Community => a.community = t,
            PlaceKind::Compound => a.compound = t,
            PlaceKind::Building => a.building = t,
            PlaceKind::Unit => a.unit = t,
            PlaceKind::Floor => a.floor = t,
            PlaceKind::Room => a.room = t,
            _ => {}
        }
    }
}

fn place_attributes(b: &mut RowBuild, m: &Mapping, cells: &Cells<'_>, place: &mut Place) {
    let get = |t| cells.values.get(&t).copied();
    if let Some((h, v)) = get(Target::RoomUse) {
        if let Some(c) = b.code::<RoomUse>(h, v, values(m, h)) {
            place.room_use = Some(c);
        }
    }
    if let Some((h, v)) = get(Target::RentalStatus) {
        if let Some(c) = b.code::<RentalStatus>(h, v, values(m, h)) {
            place.rental_status = Some(c);
        }
    }
    if let Some((h, v)) = get(Target::Area) {
        let t = half_width(v);
        let t = t.trim_end_matches("平方米").trim_end_matches("㎡").trim_end_matches("m2").trim();
        match t.parse::<f64>() {
            Ok(a) if a.is_finite() && a >= 0.0 => place.area = Some(a),
            _ => b.reason(
                Some(h),
                Code::CsvBadValue,
                "面积应为非负数（平方米）".into(),
                "an area is a number of square metres, not negative".into(),
            ),
        }
    }
    if let Some((_, v)) = get(Target::PlaceAddress) {
        place.address = parse_address(v);
    }
}

/// The slot a record fills.
fn slot_of(r: &Record) -> Slot {
    match r.record_type() {
        RecordType::Place => Slot::Place,
        RecordType::Thing => Slot::Thing,
        RecordType::Organization => Slot::Organization,
        _ => Slot::Person,
    }
}

fn extensions_of(r: &mut Record) -> &mut linli_model::Extensions {
    match r {
        Record::Person(p) => &mut p.extensions,
        Record::Place(p) => &mut p.extensions,
        Record::Thing(t) => &mut t.extensions,
        Record::Organization(o) => &mut o.extensions,
        Record::Event(e) => &mut e.extensions,
        Record::Case(c) => &mut c.extensions,
    }
}

/// Whether a cell holds control characters (a tab and line breaks aside) or text-direction
/// controls, which no register value needs and which can disguise what a value reads as.
fn has_control(v: &str) -> bool {
    v.chars().any(|c| {
        (c.is_control() && !matches!(c, '\t' | '\n' | '\r'))
            || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{200e}' | '\u{200f}')
    })
}

/// Whether a cell of an unmapped column looks like a resident ID number or a mobile number.
pub(crate) fn looks_personal(v: &str) -> bool {
    let s: String = half_width(v).chars().filter(|c| !c.is_whitespace() && *c != '-').collect();
    let s = s.to_ascii_uppercase();
    match s.len() {
        18 => id_number::parse(&s).is_ok(),
        11 | 13 | 14 => matches!(phone::classify(&clean_phone(&s)), Some(phone::PhoneShape::Mobile)),
        _ => false,
    }
}

/// A row being converted: its reasons for refusal, loss entries and kept columns.
struct RowBuild {
    row: usize,
    reasons: Vec<RowFinding>,
    loss: Vec<Loss>,
    notes: Vec<RowFinding>,
    ext: Map<String, Value>,
}

impl RowBuild {
    fn reason(&mut self, column: Option<&str>, code: Code, zh: String, en: String) {
        let column = column.filter(|c| !c.is_empty());
        self.reasons.push(RowFinding::new(self.row, column, code, zh, en));
    }

    fn normalised(&mut self, column: &str, target: String, code: Code) {
        if column.is_empty() {
            return;
        }
        self.loss.push(Loss {
            kind: LossKind::Normalised,
            source: format!("row {} column {column}", self.row),
            target: Some(target),
            code,
            message_zh: "写法已规范".into(),
            message_en: "written another way; normalised".into(),
        });
    }

    /// Code lookup; an unknown label refuses the row (the value is not printed: it may be
    /// personal, and the rejects file has it).
    fn code<C: CodeTable>(&mut self, column: &str, v: &str, map: Option<&BTreeMap<String, String>>) -> Option<C> {
        let c = lookup::<C>(v, map);
        if c.is_none() {
            self.reason(
                Some(column),
                Code::CsvUnknownLabel,
                format!("不是代码表 {} 的代码或名称，也不在值映射中（`linli codes {0}` 列出代码；可在映射的 [values] 中补充）", C::TABLE),
                format!("neither a code nor a label of code table {}, nor in the value map (`linli codes {0}` lists it; add it under [values])", C::TABLE),
            );
        }
        c
    }

    fn date(&mut self, column: &str, v: &str, pointer: &str) -> Option<Date> {
        match parse_date(v) {
            Some(d) => {
                if d.to_string() != v {
                    self.normalised(column, pointer.to_owned(), Code::CsvDateNormalised);
                }
                Some(d)
            }
            None => {
                self.reason(
                    Some(column),
                    Code::CsvBadDate,
                    "不是可识别的日期".into(),
                    "not a recognisable date".into(),
                );
                None
            }
        }
    }

    fn phone(&mut self, column: &str, item: &str, raw: &str, pointer: String) -> Option<PhoneNumber> {
        let cleaned = clean_phone(item);
        match PhoneNumber::new(cleaned.as_str()) {
            Ok(n) if phone::classify(n.as_str()).is_some() => {
                if cleaned != item || !raw.contains(item) {
                    self.normalised(column, pointer, Code::CsvPhoneCleaned);
                }
                Some(n)
            }
            _ => {
                self.reason(
                    Some(column),
                    Code::CsvBadPhone,
                    "不是可识别的电话号码".into(),
                    "not a recognisable telephone number".into(),
                );
                None
            }
        }
    }
}

fn values<'a>(m: &'a Mapping, column: &str) -> Option<&'a BTreeMap<String, String>> {
    m.values.get(column)
}

fn row_id(b: &mut RowBuild, m: &Mapping, slot: Slot, cell: Option<(&str, &str)>) -> Option<Id> {
    match cell {
        Some((h, v)) => match Id::new(v) {
            Ok(id) => Some(id),
            Err(_) => {
                b.reason(Some(h), Code::CsvBadRecordId, "不是有效的记录标识".into(), "not a valid record id".into());
                None
            }
        },
        None => {
            let prefix = m.id_prefix.get(&slot).map_or("row", String::as_str);
            Id::new(format!("{prefix}-{}", b.row)).ok()
        }
    }
}

fn person(
    b: &mut RowBuild,
    m: &Mapping,
    cells: &Cells<'_>,
    multi: &[(Target, &str, &str)],
    place: Option<&Id>,
    address_cache: &mut Option<(String, Value)>,
) -> Option<Person> {
    let get = |t| cells.values.get(&t).copied();
    let Some((name_col, name)) = get(Target::Name) else {
        b.reason(None, Code::CsvMissingRequired, "缺少姓名".into(), "no name".into());
        return None;
    };
    let name = match Text::new(name) {
        Ok(n) => n,
        Err(_) => {
            b.reason(Some(name_col), Code::CsvBadValue, "姓名无效".into(), "not a valid name".into());
            return None;
        }
    };
    let id = row_id(b, m, Slot::Person, get(Target::PersonId))?;
    let mut p = Person::new(id, m.meta.clone(), name);
    if let Some((h, v)) = get(Target::Gender) {
        p.gender = b.code::<Gender>(h, v, values(m, h));
    }
    if let Some((h, v)) = get(Target::EthnicGroup) {
        p.ethnic_group = b.code::<EthnicGroup>(h, v, values(m, h));
    }
    if let Some((h, v)) = get(Target::Education) {
        p.education = b.code::<Education>(h, v, values(m, h));
    }
    if let Some((h, v)) = get(Target::PoliticalStatus) {
        p.political_status = b.code::<PoliticalStatus>(h, v, values(m, h));
    }
    if let Some((h, v)) = get(Target::CareTags) {
        let tags: Option<Vec<CareTag>> = items(v).map(|i| lookup::<CareTag>(i, values(m, h))).collect();
        match tags {
            Some(t) => p.care_tags = t,
            None => b.reason(
                Some(h),
                Code::CsvUnknownLabel,
                format!("有一项不是代码表 {} 的代码或名称，也不在值映射中", CareTag::TABLE),
                format!("an item is neither a code nor a label of code table {}, nor in the value map", CareTag::TABLE),
            ),
        }
    }
    if let Some((h, v)) = get(Target::Nationality) {
        let code = values(m, h).and_then(|x| x.get(v)).map_or(v, String::as_str);
        match CountryCode::new(code) {
            Ok(c) => p.nationality = Some(c),
            Err(_) => b.reason(
                Some(h),
                Code::CsvUnknownLabel,
                "不是 ISO 3166-1 三字母国家代码，也不在值映射中".into(),
                "not an ISO 3166-1 alpha-3 country code, nor in the value map".into(),
            ),
        }
    }
    if let Some((h, v)) = get(Target::BirthDate) {
        p.birth_date = b.date(h, v, "/birthDate");
    }
    for (t, h, v) in multi {
        match t {
            Target::Identifier(scheme) => identifier(b, &mut p, h, v, *scheme),
            Target::Phones => {
                let hw = half_width(v);
                for item in items(&hw) {
                    let pointer = format!("/phones/{}", p.phones.len());
                    if let Some(n) = b.phone(h, item, v, pointer) {
                        p.phones.push(n);
                    }
                }
            }
            Target::ResidenceAddress(kind) => {
                let mut x = Map::new();
                x.insert("residenceKind".into(), Value::String(kind.code().to_owned()));
                // Members of a household share an address: the previous row's reading is reused.
                let address = match address_cache {
                    Some((text, value)) if text == v => value.clone(),
                    _ => {
                        let value = serde_json::to_value(parse_address(v)).unwrap_or(Value::Null);
                        *address_cache = Some(((*v).to_owned(), value.clone()));
                        value
                    }
                };
                x.insert("address".into(), address);
                b.ext.insert((*h).to_owned(), Value::Object(x));
                b.loss.push(Loss {
                    kind: LossKind::KeptInExtensions,
                    source: format!("row {} column {h}", b.row),
                    target: Some(format!("/extensions/{NAMESPACE}/{}", token(h))),
                    code: Code::CsvAddressKept,
                    message_zh: format!("地址文本没有地点标识，已作为标准地址保存在扩展 `{NAMESPACE}` 中"),
                    message_en: format!(
                        "address text without a place id; kept as a standard address in extensions `{NAMESPACE}`"
                    ),
                });
            }
            Target::ResidencePlace(kind) => match Id::new(*v) {
                Ok(id) => p.residences.push(Residence::new(PlaceRef::to(id), *kind)),
                Err(_) => {
                    b.reason(Some(h), Code::CsvBadValue, "不是有效的地点标识".into(), "not a valid place id".into())
                }
            },
            _ => {}
        }
    }
    if let Some(place) = place {
        let kind = match get(Target::ResidenceKind) {
            Some((h, v)) => b.code::<ResidenceKind>(h, v, values(m, h)),
            None => Some(ResidenceKind::Permanent),
        };
        if let Some(kind) = kind {
            p.residences.push(Residence::new(PlaceRef::to(place.clone()), kind));
        }
    }
    let hid = get(Target::HouseholdId);
    let rel = get(Target::Relationship);
    match (hid, rel) {
        (Some((hh, hv)), Some((rh, rv))) => {
            let r = b.code::<Relationship>(rh, rv, values(m, rh));
            match (HouseholdId::new(half_width(hv).into_owned()), r) {
                (Ok(household_id), Some(relationship)) => {
                    p.household = Some(Household::new(household_id, relationship))
                }
                (Err(_), _) => b.reason(
                    Some(hh),
                    Code::CsvBadValue,
                    "户号只能由字母、数字和 - 组成（至多 32 个）".into(),
                    "a household number is letters, digits and - (at most 32)".into(),
                ),
                _ => {}
            }
        }
        (Some((h, _)), None) | (None, Some((h, _))) => b.reason(
            Some(h),
            Code::CsvHouseholdIncomplete,
            "户籍关系需要户号和与户主关系两项，本行只有一项".into(),
            "a household membership needs both the household number and the relationship; the row has one".into(),
        ),
        (None, None) => {}
    }
    Some(p)
}

fn identifier(b: &mut RowBuild, p: &mut Person, column: &str, raw: &str, scheme: IdentifierScheme) {
    let pointer = format!("/identifiers/{}/value", p.identifiers.len());
    let value = match scheme {
        IdentifierScheme::ResidentId => {
            let v = half_width(raw).replace(' ', "").to_ascii_uppercase();
            if let Err(e) = id_number::parse(&v) {
                let (zh, en) = match e {
                    id_number::IdNumberError::CheckCharacter { .. } => ("校验码错误", "wrong check character"),
                    id_number::IdNumberError::BirthDate => ("出生日期不存在", "the birth date does not exist"),
                    _ => ("应为 17 位数字加 1 位数字或 X", "expected 17 digits and a digit or X"),
                };
                b.reason(
                    Some(column),
                    Code::CsvBadIdNumber,
                    format!("公民身份号码无效：{zh}"),
                    format!("invalid resident ID number: {en}"),
                );
                return;
            }
            if v != raw {
                b.normalised(column, pointer, Code::CsvIdNumberNormalised);
            }
            v
        }
        _ => raw.to_owned(),
    };
    match Text::new(value) {
        Ok(value) => p.identifiers.push(Identifier::new(scheme, value)),
        Err(_) => b.reason(Some(column), Code::CsvBadValue, "证件号码无效".into(), "not a valid identifier".into()),
    }
}

fn organization(
    b: &mut RowBuild,
    m: &Mapping,
    cells: &Cells<'_>,
    person: Option<&Id>,
    place: Option<&Id>,
) -> Option<Organization> {
    let get = |t| cells.values.get(&t).copied();
    let Some((nh, name)) = get(Target::OrgName) else {
        b.reason(None, Code::CsvMissingRequired, "缺少机构名称".into(), "no organization name".into());
        return None;
    };
    let Ok(name) = Text::new(name) else {
        b.reason(Some(nh), Code::CsvBadValue, "机构名称无效".into(), "not a valid organization name".into());
        return None;
    };
    let kind = match get(Target::OrgKind) {
        Some((h, v)) => b.code::<OrganizationKind>(h, v, values(m, h))?,
        None => {
            b.reason(
                None,
                Code::CsvMissingRequired,
                "缺少组织类型（列或 [defaults] 中的 organization.kind）".into(),
                "no organization kind (a column or organization.kind under [defaults])".into(),
            );
            return None;
        }
    };
    let id = row_id(b, m, Slot::Organization, get(Target::OrgId))?;
    let mut o = Organization::new(id, m.meta.clone(), name, kind);
    if let Some((h, v)) = get(Target::CreditCode) {
        let c = half_width(v).replace(' ', "").to_ascii_uppercase();
        match (CreditCode::new(c.as_str()), credit_code::verify(&c)) {
            (Ok(code), Ok(())) => {
                if c != v {
                    b.normalised(h, "/creditCode".into(), Code::CsvCreditCodeNormalised);
                }
                o.credit_code = Some(code);
            }
            _ => b.reason(
                Some(h),
                Code::CsvBadCreditCode,
                "统一社会信用代码无效（18 位，校验码按 GB 32100）".into(),
                "not a valid unified social credit code (18 characters, GB 32100 check)".into(),
            ),
        }
    }
    let contact_name = get(Target::ContactName);
    let contact_phone = get(Target::ContactPhone);
    if contact_name.is_some() || contact_phone.is_some() {
        let name = contact_name.and_then(|(h, v)| match Text::new(v) {
            Ok(t) => Some(t),
            Err(_) => {
                b.reason(Some(h), Code::CsvBadValue, "联系人姓名无效".into(), "not a valid contact name".into());
                None
            }
        });
        let phone = contact_phone.and_then(|(h, v)| b.phone(h, &half_width(v), v, "/contacts/0/phone".into()));
        if let Ok(role) = Text::new("联系人") {
            let mut contact = Contact::new(role);
            contact.name = name;
            contact.phone = phone;
            o.contacts.push(contact);
        }
    }
    o.legal_representative = person.cloned().map(PersonRef::to);
    o.place = place.cloned().map(PlaceRef::to);
    Some(o)
}

fn thing(b: &mut RowBuild, m: &Mapping, cells: &Cells<'_>, person: Option<&Id>, place: Option<&Id>) -> Option<Thing> {
    let get = |t| cells.values.get(&t).copied();
    let kind = match get(Target::ThingKind) {
        Some((h, v)) => b.code::<ThingKind>(h, v, values(m, h))?,
        None => {
            b.reason(
                None,
                Code::CsvMissingRequired,
                "缺少物品类型（列或 [defaults] 中的 thing.kind）".into(),
                "no thing kind (a column or thing.kind under [defaults])".into(),
            );
            return None;
        }
    };
    let id = row_id(b, m, Slot::Thing, get(Target::ThingId))?;
    let mut t = Thing::new(id, m.meta.clone(), kind);
    let text = |b: &mut RowBuild, cell: Option<(&str, &str)>| -> Option<Text> {
        let (h, v) = cell?;
        match Text::new(v) {
            Ok(t) => Some(t),
            Err(_) => {
                b.reason(Some(h), Code::CsvBadValue, "文本无效".into(), "not valid text".into());
                None
            }
        }
    };
    t.name = text(b, get(Target::ThingName));
    t.manufacturer = text(b, get(Target::Manufacturer));
    t.model = text(b, get(Target::Model));
    t.serial_number = text(b, get(Target::SerialNumber));
    if let Some((h, v)) = get(Target::DeviceCode) {
        match DeviceCode::new(half_width(v).into_owned()) {
            Ok(c) => t.device_code = Some(c),
            Err(_) => b.reason(
                Some(h),
                Code::CsvBadValue,
                "设备编码应为 20 位数字".into(),
                "a device code is 20 digits".into(),
            ),
        }
    }
    if let Some((h, v)) = get(Target::ThingStatus) {
        t.status = b.code::<ThingStatus>(h, v, values(m, h));
    }
    if let Some((h, v)) = get(Target::InstallDate) {
        t.install_date = b.date(h, v, "/installDate");
    }
    let plate = get(Target::PlateNumber);
    let color = get(Target::PlateColor);
    if plate.is_some() || color.is_some() {
        let plate_number = plate.and_then(|(h, v)| {
            let p: String =
                half_width(v).chars().filter(|c| !c.is_whitespace() && !matches!(c, '·' | '-' | '•')).collect();
            let p = p.to_uppercase();
            if p != v {
                b.normalised(h, "/vehicle/plateNumber".into(), Code::CsvPlateNormalised);
            }
            match Text::new(p) {
                Ok(t) => Some(t),
                Err(_) => {
                    b.reason(Some(h), Code::CsvBadValue, "号牌号码无效".into(), "not a valid plate number".into());
                    None
                }
            }
        });
        let plate_color = color.and_then(|(h, v)| b.code::<PlateColor>(h, v, values(m, h)));
        let mut vehicle = Vehicle::new();
        vehicle.plate_number = plate_number;
        vehicle.plate_color = plate_color;
        t.vehicle = Some(vehicle);
    }
    if let Some(p) = person {
        t.owner = ActorRef::new(RecordType::Person, p.clone()).ok();
    }
    t.place = place.cloned().map(PlaceRef::to);
    Some(t)
}
