//! The dataset index as it was before it was packed (issue 15): a `HashMap` of `(type, id)`
//! strings. Kept here, unchanged, as the reference the packed index is held to.

#![allow(dead_code, missing_docs, clippy::all, clippy::pedantic)]

use std::collections::HashMap;
use std::hash::{BuildHasher, Hash, Hasher};

use linli_model::check::Level;
use linli_model::codes::{CodeTable, IdentifierScheme, PlaceKind};
use linli_model::{Record, RecordType};

use linli_validate::Finding;
use linli_validate::dataset::{Loc, on_cycle};

#[derive(Debug, Default)]
struct Key {
    defined: Option<Loc>,
    /// First place the key was referred to, with the pointer, and how often.
    first_ref: Option<(Loc, Box<str>)>,
    refs: u32,
    /// For places: kind and parent key.
    place: Option<(PlaceKind, Option<u32>)>,
    /// For organizations: parent key.
    org_parent: Option<u32>,
    /// For places in a dataset at `public`: the first residence that refers to it (with its
    /// pointer), and how many do `[SHR-051]`.
    residence_ref: Option<(Loc, Box<str>)>,
    residence_refs: u32,
}

/// The dataset index, filled record by record in input order.
#[derive(Debug)]
pub(crate) struct OldIndex {
    keys: HashMap<(RecordType, Box<str>), u32>,
    entries: Vec<Key>,
    /// Hash of (scheme, value) of person identifiers → first person that had it.
    identities: HashMap<u64, (Loc, Box<str>)>,
    households: HashMap<Box<str>, (u32, Loc)>,
    external_types: Vec<RecordType>,
    hash_state: std::collections::hash_map::RandomState,
    /// Whether residences must refer to communities (a dataset at `public`, `[SHR-051]`).
    residences_at_community: bool,
}

impl Default for OldIndex {
    fn default() -> Self {
        OldIndex {
            keys: HashMap::new(),
            entries: Vec::new(),
            identities: HashMap::new(),
            households: HashMap::new(),
            external_types: Vec::new(),
            hash_state: std::collections::hash_map::RandomState::new(),
            residences_at_community: false,
        }
    }
}

pub(crate) type LocatedFinding = (Option<Loc>, Finding);

impl OldIndex {
    /// Declare references to `ty` external (they need not resolve), or one `(ty, id)` when `id`
    /// is given `[DAT-016]`.
    pub(crate) fn declare_external(&mut self, ty: RecordType, id: Option<&str>) {
        match id {
            None => self.external_types.push(ty),
            Some(id) => {
                let k = self.key(ty, id);
                self.entries[k as usize].defined.get_or_insert(Loc { file: u32::MAX, line: 0 });
            }
        }
    }

    /// Require every residence to refer to a Place of kind `community`: the dataset is shared
    /// at `public` `[SHR-051]`.
    pub(crate) fn require_community_residences(&mut self) {
        self.residences_at_community = true;
    }

    fn key(&mut self, ty: RecordType, id: &str) -> u32 {
        if let Some(k) = self.keys.get(&(ty, Box::from(id))) {
            return *k;
        }
        let k = u32::try_from(self.entries.len()).unwrap_or(u32::MAX);
        self.keys.insert((ty, Box::from(id)), k);
        self.entries.push(Key::default());
        k
    }

    /// Number of distinct ids known (records and reference targets).
    pub(crate) fn distinct_ids(&self) -> usize {
        self.entries.len()
    }

    /// Register a record's id, also for a record that the typed model could not read but whose
    /// `type` and `id` are known; returns a `duplicate-id` finding when the id was seen before
    /// `[DAT-003]`.
    pub(crate) fn add_id(&mut self, ty: RecordType, id: &str, loc: Loc, files: &[String]) -> Option<Finding> {
        let k = self.key(ty, id);
        match self.entries[k as usize].defined {
            Some(first) if first.file != u32::MAX => {
                let name = files.get(first.file as usize).map_or("-", String::as_str);
                Some(
                    Finding::new(
                        linli_validate::codes::Code::DuplicateId,
                        Level::Error,
                        Some("DAT-003"),
                        format!("{ty} 标识 `{id}` 重复（首次出现于 {name}:{}）", first.line),
                        format!("{ty} id `{id}` appears again (first at {name}:{})", first.line),
                    )
                    .at("/id"),
                )
            }
            _ => {
                self.entries[k as usize].defined = Some(loc);
                None
            }
        }
    }

    /// Add one record that the typed model could read. Returns the findings that can be decided
    /// at once (a repeated id, a person entered twice).
    pub(crate) fn add(&mut self, record: &Record, loc: Loc, files: &[String]) -> Vec<Finding> {
        let name = |l: &Loc| files.get(l.file as usize).map_or("-", String::as_str).to_owned();
        let ty = record.record_type();
        let id = record.id().as_str();
        let k = self.key(ty, id);
        let mut out: Vec<Finding> = self.add_id(ty, id, loc, files).into_iter().collect();
        let mut refs = Vec::new();
        record.for_each_ref(&mut |ptr, rty, rid| refs.push((ptr, rty, rid.as_str().to_owned())));
        for (ptr, rty, rid) in refs {
            let rk = self.key(rty, &rid);
            let e = &mut self.entries[rk as usize];
            e.refs = e.refs.saturating_add(1);
            if e.first_ref.is_none() {
                e.first_ref = Some((loc, ptr.into_boxed_str()));
            }
        }
        match record {
            Record::Person(p) => {
                for (i, ident) in p.identifiers.iter().enumerate() {
                    let mut h = self.hash_state.build_hasher();
                    // Other documents than the resident ID are compared by scheme and value too.
                    ident.scheme.code().hash(&mut h);
                    ident.value.as_str().hash(&mut h);
                    let hv = h.finish();
                    match self.identities.get(&hv) {
                        Some((first, first_id)) if first_id.as_ref() != id => {
                            let scheme = if ident.scheme == IdentifierScheme::ResidentId {
                                "居民身份证号码"
                            } else {
                                "证件号码"
                            };
                            out.push(
                                Finding::new(
                                    linli_validate::codes::Code::DuplicatePerson,
                                    Level::Warning,
                                    Some("DAT-015"),
                                    format!(
                                        "重复录入：{scheme}与人员 `{first_id}`（{}:{}）相同",
                                        name(first),
                                        first.line
                                    ),
                                    format!(
                                        "entered twice: same identifier as person `{first_id}` ({}:{})",
                                        name(first),
                                        first.line
                                    ),
                                )
                                .at(format!("/identifiers/{i}/value")),
                            );
                        }
                        Some(_) => {}
                        None => {
                            self.identities.insert(hv, (loc, Box::from(id)));
                        }
                    }
                }
                if self.residences_at_community {
                    for (i, r) in p.residences.iter().enumerate() {
                        let rk = self.key(RecordType::Place, r.place.id.as_str());
                        let e = &mut self.entries[rk as usize];
                        e.residence_refs = e.residence_refs.saturating_add(1);
                        if e.residence_ref.is_none() {
                            e.residence_ref = Some((loc, format!("/residences/{i}/place").into_boxed_str()));
                        }
                    }
                }
                if let Some(h) = &p.household {
                    let e = self.households.entry(Box::from(h.household_id.as_str())).or_insert((0, loc));
                    if h.is_head() {
                        e.0 += 1;
                    }
                }
            }
            Record::Place(p) => {
                // A place that is its own parent is reported by the record check already.
                let parent = p
                    .parent
                    .as_ref()
                    .filter(|r| r.id.as_str() != id)
                    .map(|r| self.key(RecordType::Place, r.id.as_str()));
                self.entries[k as usize].place = Some((p.kind, parent));
            }
            Record::Organization(o) => {
                let parent = o.parent.as_ref().map(|r| self.key(RecordType::Organization, r.id.as_str()));
                self.entries[k as usize].org_parent = parent;
            }
            _ => {}
        }
        out
    }

    /// The type and id of the records defined at `locs` (one pass over the index).
    pub(crate) fn records_at(&self, locs: &std::collections::HashSet<Loc>) -> HashMap<Loc, (RecordType, &str)> {
        let mut out = HashMap::new();
        if locs.is_empty() {
            return out;
        }
        for ((ty, id), k) in &self.keys {
            if let Some(loc) = self.entries[*k as usize].defined {
                if locs.contains(&loc) {
                    out.insert(loc, (*ty, &**id));
                }
            }
        }
        out
    }

    /// The checks that need the whole dataset: unresolved references, households without exactly
    /// one head, and the place hierarchy (order of kinds, cycles).
    pub(crate) fn finish(&self, _files: &[String]) -> Vec<LocatedFinding> {
        let mut out = Vec::new();
        let mut by_key: Vec<(&(RecordType, Box<str>), &u32)> = self.keys.iter().collect();
        by_key.sort_by_key(|(_, k)| **k);
        for ((ty, id), k) in &by_key {
            let e = &self.entries[**k as usize];
            if e.defined.is_none() && !self.external_types.contains(ty) {
                if let Some((loc, ptr)) = &e.first_ref {
                    out.push((
                        Some(*loc),
                        Finding::new(
                            linli_validate::codes::Code::RefUnresolved,
                            Level::Error,
                            Some("DAT-004"),
                            format!("引用的 {ty} `{id}` 不在数据集中（共被引用 {} 次，此处为第一次）", e.refs),
                            format!(
                                "referenced {ty} `{id}` is not in the dataset ({} reference(s); this is the first)",
                                e.refs
                            ),
                        )
                        .at(ptr.to_string()),
                    ));
                }
            }
        }
        // At `public`, a residence refers to a community: one finding per place of another kind,
        // at the first residence that refers to it `[SHR-051]`. A place not in the dataset
        // cannot be judged (it is unresolved, or declared external).
        for (_, k) in &by_key {
            let e = &self.entries[**k as usize];
            if let (Some((loc, ptr)), Some((kind, _))) = (&e.residence_ref, e.place) {
                if kind != PlaceKind::Community {
                    out.push((
                        Some(*loc),
                        Finding::new(
                            linli_validate::codes::Code::SharedResidenceNotCommunity,
                            Level::Error,
                            Some("SHR-051"),
                            format!(
                                "公开级别的数据集中，居住地须泛化到社区，此处为{}（{}）（共 {} 处居住地指向该地点）",
                                kind.label_zh(),
                                kind.code(),
                                e.residence_refs
                            ),
                            format!(
                                "in a dataset at public a residence is generalised to its community; this one is a {} ({} residence(s) refer to that place)",
                                kind.code(),
                                e.residence_refs
                            ),
                        )
                        .at(ptr.to_string()),
                    ));
                }
            }
        }
        let mut households: Vec<_> = self.households.iter().collect();
        households.sort_by_key(|(_, (_, loc))| (loc.file, loc.line));
        for (hid, (heads, loc)) in households {
            if *heads != 1 {
                out.push((
                    Some(*loc),
                    Finding::new(
                        linli_validate::codes::Code::HouseholdHead,
                        Level::Error,
                        Some("PER-013"),
                        format!("户 `{hid}` 有 {heads} 个户主（应恰好 1 个）"),
                        format!("household `{hid}` has {heads} heads (exactly one is required)"),
                    )
                    .at("/household/householdId"),
                ));
            }
        }
        // Place hierarchy: the parent's kind must rank above; no cycles.
        for (_, k) in &by_key {
            let e = &self.entries[**k as usize];
            let Some((kind, Some(parent))) = e.place else {
                continue;
            };
            let loc = e.defined;
            if let Some((pkind, _)) = self.entries[parent as usize].place {
                if !kind.may_have_parent(pkind) {
                    out.push((
                        loc,
                        Finding::new(
                            linli_validate::codes::Code::PlaceHierarchyOrder,
                            Level::Error,
                            Some("PLA-004"),
                            format!(
                                "{}（{}）不能位于{}（{}）之下",
                                kind.label_zh(),
                                kind.code(),
                                pkind.label_zh(),
                                pkind.code()
                            ),
                            format!("a {} cannot sit under a {}", kind.code(), pkind.code()),
                        )
                        .at("/parent"),
                    ));
                }
            }
        }
        // Cycles: every place on one is reported, however long the loop `[PLA-004]`.
        let on_place_cycle = on_cycle(self.entries.len(), |k| self.entries[k].place.and_then(|(_, p)| p));
        for (_, k) in &by_key {
            if on_place_cycle[**k as usize] {
                out.push((
                    self.entries[**k as usize].defined,
                    Finding::new(
                        linli_validate::codes::Code::PlaceHierarchyCycle,
                        Level::Error,
                        Some("PLA-004"),
                        "上级地点链构成循环",
                        "the chain of parent places loops back to this place",
                    )
                    .at("/parent"),
                ));
            }
        }
        // And every organization on a loop of parents `[ORG-008]`.
        let on_org_cycle = on_cycle(self.entries.len(), |k| self.entries[k].org_parent);
        for (_, k) in &by_key {
            if on_org_cycle[**k as usize] && self.entries[**k as usize].org_parent.is_some() {
                out.push((
                    self.entries[**k as usize].defined,
                    Finding::new(
                        linli_validate::codes::Code::OrganizationParentCycle,
                        Level::Error,
                        Some("ORG-008"),
                        "上级组织链构成循环",
                        "the chain of parent organizations loops back to this organization",
                    )
                    .at("/parent"),
                ));
            }
        }
        out
    }
}
