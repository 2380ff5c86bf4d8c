//! Dataset-level checks: what no JSON Schema validator can see, because it spans records
//! (spec `spec/17-datasets.md`).
//!
//! Memory is proportional to the number of distinct ids (records and the targets of
//! references), persons with identifiers, households and places — never to the number of
//! references or to the size of the input. For each id the index keeps its type and a few bytes
//! of bookkeeping; references that do not resolve are reported once per missing target, with the
//! number of times and the first place it was referred to.

use std::collections::HashMap;
use std::hash::{BuildHasher, Hash, Hasher};

use linli_model::check::Level;
use linli_model::codes::{CodeTable, IdentifierScheme, PlaceKind};
use linli_model::{Record, RecordType};

use crate::finding::Finding;

/// Where something is: file index (into the report's inputs) and line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Loc {
    /// Index of the file in the run's file list.
    pub file: u32,
    /// 1-based line.
    pub line: u64,
}

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
pub struct DatasetIndex {
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

impl Default for DatasetIndex {
    fn default() -> Self {
        DatasetIndex {
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

/// A finding located by file index and line; the caller turns the index into a file name.
pub type LocatedFinding = (Option<Loc>, Finding);

impl DatasetIndex {
    /// Declare references to `ty` external (they need not resolve), or one `(ty, id)` when `id`
    /// is given `[DAT-016]`.
    pub fn declare_external(&mut self, ty: RecordType, id: Option<&str>) {
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
    pub fn require_community_residences(&mut self) {
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
    pub fn distinct_ids(&self) -> usize {
        self.entries.len()
    }

    /// Register a record's id, also for a record that the typed model could not read but whose
    /// `type` and `id` are known; returns a `duplicate-id` finding when the id was seen before
    /// `[DAT-003]`.
    pub fn add_id(&mut self, ty: RecordType, id: &str, loc: Loc, files: &[String]) -> Option<Finding> {
        let k = self.key(ty, id);
        match self.entries[k as usize].defined {
            Some(first) if first.file != u32::MAX => {
                let name = files.get(first.file as usize).map_or("-", String::as_str);
                Some(
                    Finding::new(
                        "duplicate-id",
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
    pub fn add(&mut self, record: &Record, loc: Loc, files: &[String]) -> Vec<Finding> {
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
                                    "duplicate-person",
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
    pub fn records_at(&self, locs: &std::collections::HashSet<Loc>) -> HashMap<Loc, (RecordType, &str)> {
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
    pub fn finish(&self, _files: &[String]) -> Vec<LocatedFinding> {
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
                            "ref-unresolved",
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
                            "shared-residence-not-community",
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
                        "household-head",
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
                            "place-hierarchy-order",
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
                        "place-hierarchy-cycle",
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
                        "organization-parent-cycle",
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

/// Which of `n` nodes lie on a cycle of the graph where each node has at most one successor
/// (`next`): each node is visited once, without recursion, so a chain of any length costs time
/// linear in its length and no stack `[PLA-004]`, `[ORG-008]`.
pub fn on_cycle(n: usize, next: impl Fn(usize) -> Option<u32>) -> Vec<bool> {
    // 0: not seen; 1: on the path being walked; 2: done.
    let mut state = vec![0u8; n];
    let mut cycle = vec![false; n];
    let mut path: Vec<usize> = Vec::new();
    for start in 0..n {
        if state[start] != 0 {
            continue;
        }
        path.clear();
        let mut cur = Some(start);
        while let Some(c) = cur {
            match state[c] {
                0 => {
                    state[c] = 1;
                    path.push(c);
                    cur = next(c).map(|x| x as usize).filter(|&x| x < n);
                }
                1 => {
                    // Back on the path: the nodes from `c` to the end form the loop.
                    if let Some(at) = path.iter().position(|&p| p == c) {
                        for &p in &path[at..] {
                            cycle[p] = true;
                        }
                    }
                    break;
                }
                _ => break,
            }
        }
        for &p in &path {
            state[p] = 2;
        }
    }
    cycle
}

/// The data files of a dataset directory (`*.ndjson`, `*.jsonl`, `*.ndjson.gz`), in sub-folders
/// too, as sorted `/`-separated relative paths; and what was left out because a manifest may
/// not list it `[DAT-014]`: symbolic links (never followed), FIFOs, sockets and devices, each
/// with the reason's code (`symlink`, `not-regular`), and other files (`not-data`). Names
/// starting with `.` are not looked at.
pub fn data_file_paths(dir: &std::path::Path) -> (Vec<String>, Vec<(String, &'static str)>) {
    let (mut names, mut skipped) = (Vec::new(), Vec::new());
    let mut stack = vec![(dir.to_path_buf(), String::new())];
    while let Some((d, prefix)) = stack.pop() {
        for e in std::fs::read_dir(&d).into_iter().flatten().flatten() {
            let name = e.file_name().to_string_lossy().into_owned();
            if name.starts_with('.') {
                continue;
            }
            let rel = if prefix.is_empty() { name.clone() } else { format!("{prefix}/{name}") };
            let Ok(t) = e.file_type() else { continue };
            let data = name.ends_with(".ndjson") || name.ends_with(".jsonl") || name.ends_with(".ndjson.gz");
            if t.is_dir() {
                stack.push((e.path(), rel));
            } else if t.is_file() {
                if data {
                    names.push(rel);
                } else if rel != linli_model::manifest::MANIFEST_FILE {
                    skipped.push((rel, "not-data"));
                }
            } else if t.is_symlink() {
                skipped.push((rel, "symlink"));
            } else if data {
                skipped.push((rel, "not-regular"));
            }
        }
    }
    names.sort();
    skipped.sort();
    (names, skipped)
}

/// Why [`build_manifest`] could not build a manifest, in Chinese and English (the `Display` text).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{en}")]
pub struct ManifestError {
    /// The message in Chinese.
    pub zh: String,
    /// The message in English.
    pub en: String,
}

impl From<ManifestError> for String {
    fn from(e: ManifestError) -> String {
        e.en
    }
}

impl ManifestError {
    fn new(zh: String, en: String) -> Self {
        ManifestError { zh, en }
    }
}

/// Build the manifest of a dataset directory from its data files (`*.ndjson`, `*.jsonl`,
/// `*.ndjson.gz`): path, record type (all records of a file must share one), record count and
/// SHA-256 `[DAT-013]`.
pub fn build_manifest(
    dir: &std::path::Path,
    producer: linli_model::manifest::Producer,
    sharing_level: linli_model::codes::SharingLevel,
    created_at: linli_model::datetime::Timestamp,
) -> Result<linli_model::manifest::Manifest, ManifestError> {
    use linli_model::manifest::{Manifest, ManifestFile};
    std::fs::read_dir(dir).map_err(|e| {
        ManifestError::new(
            format!("{}{}", dir.display(), linli_model::io_text::describe(&e, true)),
            format!("{}: {e}", dir.display()),
        )
    })?;
    let (names, _) = data_file_paths(dir);
    let mut files = Vec::new();
    for name in names {
        if linli_model::manifest::check_path(&name).is_err() {
            return Err(ManifestError::new(
                format!("{name}：数据集文件名只能用 A-Z a-z 0-9 . _ - [DAT-014]"),
                format!("{name}: a dataset file name may only use A-Z a-z 0-9 . _ - [DAT-014]"),
            ));
        }
        let (_, file) = linli_model::member::check_member(dir, &name)
            .map_err(|e| ManifestError::new(e.message_zh(), e.message_en()))?;
        let mut types: Vec<RecordType> = Vec::new();
        let mut problem = None;
        let stats = crate::input::read_ndjson_file(file, name.ends_with(".gz"), 16 << 20, true, &mut |item| {
            if let crate::input::Item::Record(r) = item {
                #[derive(serde::Deserialize)]
                struct Peek {
                    #[serde(rename = "type")]
                    t: Option<String>,
                }
                match serde_json::from_str::<Peek>(&r.text)
                    .ok()
                    .and_then(|p| p.t)
                    .and_then(|t| RecordType::from_code(&t))
                {
                    Some(t) if !types.contains(&t) => types.push(t),
                    Some(_) => {}
                    None => {
                        problem.get_or_insert(ManifestError::new(
                            format!(
                                "{name}:{}：记录没有已知的类型（`type` 应为 {}之一）",
                                r.line,
                                RecordType::ALL.iter().map(|t| format!("{} ", t.code())).collect::<String>()
                            ),
                            format!(
                                "{name}:{}: no known record type (`type` should be one of {})",
                                r.line,
                                RecordType::ALL.iter().map(|t| t.code()).collect::<Vec<_>>().join(", ")
                            ),
                        ));
                    }
                }
            }
        })
        .map_err(|e| {
            let path = dir.join(&name);
            ManifestError::new(
                format!("{}{}", path.display(), linli_model::io_text::describe(&e, true)),
                format!("{}: {e}", path.display()),
            )
        })?;
        if let Some(p) = problem {
            return Err(p);
        }
        let record_type = match types.as_slice() {
            [t] => *t,
            [] => return Err(ManifestError::new(format!("{name}：没有记录"), format!("{name}: holds no record"))),
            _ => {
                return Err(ManifestError::new(
                    format!("{name}：混有多种记录类型 {types:?}；一个数据集文件只能有一种类型"),
                    format!("{name}: mixes record types {types:?}; a dataset file holds one type"),
                ));
            }
        };
        files.push(ManifestFile {
            path: name,
            record_type,
            records: stats.records,
            sha256: linli_model::text::Sha256::new(stats.sha256)
                .map_err(|e| ManifestError::new(e.to_string(), e.to_string()))?,
        });
    }
    Ok(Manifest {
        standard_version: linli_model::STANDARD_VERSION.to_owned(),
        producer,
        created_at,
        sharing_level,
        files,
        external_refs: Vec::new(),
        protection: None,
    })
}
