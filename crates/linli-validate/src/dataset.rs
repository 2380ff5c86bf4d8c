//! Dataset-level checks: what no JSON Schema validator can see, because it spans records
//! (spec `spec/17-datasets.md`).
//!
//! Memory is proportional to the number of distinct ids (records and the targets of
//! references), persons with identifiers, households and places — never to the number of
//! references or to the size of the input. For each id the index keeps its type and a few bytes
//! of bookkeeping; references that do not resolve are reported once per missing target, with the
//! number of times and the first place it was referred to.

use crate::codes::Code;
use std::collections::HashMap;
use std::hash::{BuildHasher, Hash, Hasher};

use hashbrown::HashTable;
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

/// Elements per chunk of a [`Chunked`] vector: growing never copies what is stored, so the
/// index never holds two copies of itself while it grows.
const CHUNK: usize = 1 << 16;

/// A vector of small `Copy` values stored in fixed chunks.
#[derive(Debug, Default)]
struct Chunked<T> {
    chunks: Vec<Box<[T]>>,
    len: usize,
}

impl<T: Copy + Default> Chunked<T> {
    fn push(&mut self, v: T) {
        if self.len % CHUNK == 0 {
            self.chunks.push(vec![T::default(); CHUNK].into_boxed_slice());
        }
        let (c, i) = (self.len / CHUNK, self.len % CHUNK);
        if let Some(slot) = self.chunks.get_mut(c).and_then(|c| c.get_mut(i)) {
            *slot = v;
        }
        self.len += 1;
    }
    fn get(&self, at: usize) -> T {
        // `at` is an index `push` handed out, below `len`: the default is never taken.
        self.chunks.get(at / CHUNK).and_then(|c| c.get(at % CHUNK)).copied().unwrap_or_default()
    }
    fn set(&mut self, at: usize, v: T) {
        if let Some(slot) = self.chunks.get_mut(at / CHUNK).and_then(|c| c.get_mut(at % CHUNK)) {
            *slot = v;
        }
    }
}

/// Bytes per chunk of the string arena; a longer string gets a chunk of its own.
const ARENA_CHUNK: usize = 1 << 20;
/// In a string reference: the length field's value for "the whole chunk" (a long string).
const LONG: u64 = (1 << 20) - 1;

/// The ids, one after the other in chunks of 1 MiB; a string is named by a `u64`:
/// chunk (21 bits), record type (3 bits), offset (20 bits), length (20 bits).
#[derive(Debug, Default)]
struct Arena {
    chunks: Vec<Vec<u8>>,
}

impl Arena {
    fn push(&mut self, ty: u8, s: &str) -> u64 {
        let b = s.as_bytes();
        let long = b.len() as u64 >= LONG;
        let fits = self.chunks.last().is_some_and(|c| c.capacity() - c.len() >= b.len());
        if long || !fits {
            self.chunks.push(Vec::with_capacity(if long { b.len() } else { ARENA_CHUNK }));
        }
        let c = self.chunks.len() - 1;
        let chunk = &mut self.chunks[c];
        let off = chunk.len() as u64;
        chunk.extend_from_slice(b);
        let len = if long { LONG } else { b.len() as u64 };
        ((c as u64) << 43) | (u64::from(ty) << 40) | (off << 20) | len
    }
    fn get(&self, r: u64) -> (u8, &str) {
        let (c, ty, off, len) = ((r >> 43) as usize, ((r >> 40) & 7) as u8, ((r >> 20) & 0xF_FFFF) as usize, r & LONG);
        let chunk = self.chunks.get(c).map_or(&[][..], Vec::as_slice);
        // A reference `push` made names bytes inside its chunk: the default (empty) is never taken.
        let bytes = if len == LONG { chunk } else { chunk.get(off..off + len as usize).unwrap_or_default() };
        // Only whole `str`s are stored, so the default (an empty id) is never taken.
        (ty, std::str::from_utf8(bytes).unwrap_or_default())
    }
}

/// What a key's location word says: the two top bits.
const TAG_NONE: u64 = 0;
const TAG_DEFINED: u64 = 1;
const TAG_REFERRED: u64 = 2;
const TAG_EXTERNAL: u64 = 3;
/// Below the tag: one bit "location kept aside", then file (21 bits) and line (40 bits).
const LOC_ASIDE: u64 = 1 << 61;
const FILE_BITS: u32 = 21;
const LINE_BITS: u32 = 40;

/// Shards of the id tables: a shard grows on its own, so growing never needs twice the memory.
const SHARDS: usize = 256;

fn shard_of(h: u64) -> usize {
    ((h >> 32) as usize) % SHARDS
}

/// Interned `(type, id)` keys, numbered in the order they were first met: per key 16 bytes (a
/// string reference and a location word) plus the id itself and about 6 bytes of hash table.
#[derive(Debug)]
struct Keys {
    shards: Vec<HashTable<u32>>,
    state: std::collections::hash_map::RandomState,
    strs: Chunked<u64>,
    locs: Chunked<u64>,
    arena: Arena,
    /// Locations too far out to pack (more than 2 million files or 10¹² lines).
    aside: Vec<Loc>,
}

impl Default for Keys {
    fn default() -> Self {
        Keys {
            shards: (0..SHARDS).map(|_| HashTable::new()).collect(),
            state: std::collections::hash_map::RandomState::new(),
            strs: Chunked::default(),
            locs: Chunked::default(),
            arena: Arena::default(),
            aside: Vec::new(),
        }
    }
}

pub(crate) fn type_index(ty: RecordType) -> u8 {
    RecordType::ALL.iter().position(|t| *t == ty).unwrap_or(0) as u8
}

impl Keys {
    fn hash(&self, ty: u8, id: &str) -> u64 {
        let mut h = self.state.build_hasher();
        ty.hash(&mut h);
        id.hash(&mut h);
        h.finish()
    }

    fn len(&self) -> usize {
        self.strs.len
    }

    /// The key's number, adding it when new.
    fn key(&mut self, ty: u8, id: &str) -> u32 {
        let h = self.hash(ty, id);
        let Keys { shards, state, strs, arena, locs, .. } = self;
        let shard = &mut shards[shard_of(h)];
        let eq = |k: &u32| arena.get(strs.get(*k as usize)) == (ty, id);
        if let Some(k) = shard.find(h, eq) {
            return *k;
        }
        let k = u32::try_from(strs.len).unwrap_or(u32::MAX);
        let rehash = |k: &u32| {
            let (t, s) = arena.get(strs.get(*k as usize));
            let mut hs = state.build_hasher();
            t.hash(&mut hs);
            s.hash(&mut hs);
            hs.finish()
        };
        shard.insert_unique(h, k, rehash);
        let r = arena.push(ty, id);
        strs.push(r);
        locs.push(TAG_NONE << 62);
        k
    }

    fn id(&self, k: u32) -> (RecordType, &str) {
        let (t, s) = self.arena.get(self.strs.get(k as usize));
        (RecordType::ALL.get(t as usize).copied().unwrap_or(RecordType::Person), s)
    }

    fn tag(&self, k: u32) -> u64 {
        self.locs.get(k as usize) >> 62
    }

    fn loc(&self, k: u32) -> Loc {
        let w = self.locs.get(k as usize);
        if w & LOC_ASIDE != 0 {
            return self.aside.get((w & (LOC_ASIDE - 1)) as usize).copied().unwrap_or(Loc { file: 0, line: 0 });
        }
        Loc { file: ((w >> LINE_BITS) & ((1 << FILE_BITS) - 1)) as u32, line: w & ((1 << LINE_BITS) - 1) }
    }

    fn set(&mut self, k: u32, tag: u64, loc: Loc) {
        let packed = if u64::from(loc.file) < (1 << FILE_BITS) && loc.line < (1 << LINE_BITS) {
            (u64::from(loc.file) << LINE_BITS) | loc.line
        } else {
            self.aside.push(loc);
            LOC_ASIDE | (self.aside.len() as u64 - 1)
        };
        self.locs.set(k as usize, (tag << 62) | packed);
    }
}

/// Interned JSON pointers (few distinct ones in a dataset).
#[derive(Debug, Default)]
pub(crate) struct Pointers {
    ids: HashMap<Box<str>, u32>,
    all: Vec<Box<str>>,
}

impl Pointers {
    pub(crate) fn id(&mut self, p: &str) -> u32 {
        if let Some(i) = self.ids.get(p) {
            return *i;
        }
        let i = u32::try_from(self.all.len()).unwrap_or(u32::MAX);
        self.all.push(Box::from(p));
        self.ids.insert(Box::from(p), i);
        i
    }
    pub(crate) fn get(&self, i: u32) -> &str {
        self.all.get(i as usize).map_or("", |p| &**p)
    }
}

/// "No parent" in the place and organization logs.
const NO_PARENT: u32 = u32::MAX;

/// The dataset index, filled record by record in input order.
///
/// Memory is proportional to the number of distinct ids (records and the targets of
/// references), persons with identifiers, households and places — never to the number of
/// references or to the size of the input. Each id is kept once, in an arena, with 16 bytes of
/// bookkeeping; a reference is remembered only while its target is not (yet) in the dataset.
#[derive(Debug)]
pub struct DatasetIndex {
    keys: Keys,
    /// Keys referred to but not (yet) defined: the first reference's pointer and how many.
    /// The first reference's place is the key's location word (tagged `TAG_REFERRED`).
    pending: HashMap<u32, (u32, u32)>,
    pointers: Pointers,
    /// Each Place record's key, parent key (or `NO_PARENT`) and kind, in input order.
    places: Chunked<(u32, u32, u8)>,
    /// Each Organization record's key and parent key (or `NO_PARENT`), in input order.
    orgs: Chunked<(u32, u32)>,
    /// Hash of (scheme, value) of person identifiers → the key of the first person that had it.
    /// Sharded like the keys, so that growing never holds two copies of a large table; an
    /// entry is the hash in two halves and the key: 12 bytes, not the 16 of `(u64, u32)`.
    identities: Vec<HashTable<[u32; 3]>>,
    /// For identities first seen on a record that repeats an id: that record's place.
    identity_locs: HashMap<u64, Loc>,
    /// Household ids (the type field unused), first place met, and the number of heads.
    households: Keys,
    heads: Chunked<u32>,
    /// Places referred to by residences at `public`: first residence, its pointer, how many.
    residence_refs: HashMap<u32, (Loc, u32, u32)>,
    external_types: Vec<RecordType>,
    hash_state: std::collections::hash_map::RandomState,
    /// Whether residences must refer to communities (a dataset at `public`, `[SHR-051]`).
    residences_at_community: bool,
}

impl Default for DatasetIndex {
    fn default() -> Self {
        DatasetIndex {
            keys: Keys::default(),
            pending: HashMap::new(),
            pointers: Pointers::default(),
            places: Chunked::default(),
            orgs: Chunked::default(),
            identities: (0..SHARDS).map(|_| HashTable::new()).collect(),
            identity_locs: HashMap::new(),
            households: Keys::default(),
            heads: Chunked::default(),
            residence_refs: HashMap::new(),
            external_types: Vec::new(),
            hash_state: std::collections::hash_map::RandomState::new(),
            residences_at_community: false,
        }
    }
}

/// A finding located by file index and line; the caller turns the index into a file name.
pub type LocatedFinding = (Option<Loc>, Finding);

/// The kind and parent of each place, last record wins, sorted by key.
fn last_by_key<T: Copy + Default>(log: &Chunked<T>, key: impl Fn(&T) -> u32) -> Vec<T> {
    let mut v: Vec<T> = (0..log.len).map(|i| log.get(i)).collect();
    // Stable: of the records with one key, the last one stays last.
    v.sort_by_key(|e| key(e));
    let mut out: Vec<T> = Vec::with_capacity(v.len());
    for e in v {
        match out.last_mut() {
            Some(last) if key(last) == key(&e) => *last = e,
            _ => out.push(e),
        }
    }
    out
}

impl DatasetIndex {
    /// Declare references to `ty` external (they need not resolve), or one `(ty, id)` when `id`
    /// is given `[DAT-016]`.
    pub fn declare_external(&mut self, ty: RecordType, id: Option<&str>) {
        match id {
            None => self.external_types.push(ty),
            Some(id) => {
                let k = self.keys.key(type_index(ty), id);
                if matches!(self.keys.tag(k), TAG_NONE | TAG_REFERRED) {
                    self.pending.remove(&k);
                    self.keys.set(k, TAG_EXTERNAL, Loc { file: 0, line: 0 });
                }
            }
        }
    }

    /// Require every residence to refer to a Place of kind `community`: the dataset is shared
    /// at `public` `[SHR-051]`.
    pub fn require_community_residences(&mut self) {
        self.residences_at_community = true;
    }

    /// Number of distinct ids known (records and reference targets).
    pub fn distinct_ids(&self) -> usize {
        self.keys.len()
    }

    /// Where key `k` is defined, as the findings name it (an external id: nowhere in the files).
    fn defined(&self, k: u32) -> Option<Loc> {
        match self.keys.tag(k) {
            TAG_DEFINED => Some(self.keys.loc(k)),
            TAG_EXTERNAL => Some(Loc { file: u32::MAX, line: 0 }),
            _ => None,
        }
    }

    /// Register a record's id, also for a record that the typed model could not read but whose
    /// `type` and `id` are known; returns a `duplicate-id` finding when the id was seen before
    /// `[DAT-003]`.
    pub fn add_id(&mut self, ty: RecordType, id: &str, loc: Loc, files: &[String]) -> Option<Finding> {
        let k = self.keys.key(type_index(ty), id);
        if self.keys.tag(k) == TAG_DEFINED {
            let first = self.keys.loc(k);
            let name = files.get(first.file as usize).map_or("-", String::as_str);
            return Some(duplicate_id(ty, id, name, first.line));
        }
        self.pending.remove(&k);
        self.keys.set(k, TAG_DEFINED, loc);
        None
    }

    /// Add one record that the typed model could read. Returns the findings that can be decided
    /// at once (a repeated id, a person entered twice).
    pub fn add(&mut self, record: &Record, loc: Loc, files: &[String]) -> Vec<Finding> {
        let name = |l: &Loc| files.get(l.file as usize).map_or("-", String::as_str).to_owned();
        let ty = record.record_type();
        let id = record.id().as_str();
        let mut out: Vec<Finding> = self.add_id(ty, id, loc, files).into_iter().collect();
        let k = self.keys.key(type_index(ty), id);
        record.for_each_ref(&mut |ptr, rty, rid| {
            let rk = self.keys.key(type_index(rty), rid.as_str());
            match self.keys.tag(rk) {
                TAG_NONE => {
                    let p = self.pointers.id(&ptr);
                    self.pending.insert(rk, (p, 1));
                    self.keys.set(rk, TAG_REFERRED, loc);
                }
                TAG_REFERRED => {
                    if let Some(e) = self.pending.get_mut(&rk) {
                        e.1 = e.1.saturating_add(1);
                    }
                }
                _ => {}
            }
        });
        match record {
            Record::Person(p) => {
                for (i, ident) in p.identifiers.iter().enumerate() {
                    let mut h = self.hash_state.build_hasher();
                    // Other documents than the resident ID are compared by scheme and value too.
                    ident.scheme.code().hash(&mut h);
                    ident.value.as_str().hash(&mut h);
                    let hv = h.finish();
                    let (hi, lo) = ((hv >> 32) as u32, hv as u32);
                    let shard = &mut self.identities[shard_of(hv)];
                    match shard.find(hv, |e| e[0] == hi && e[1] == lo).map(|e| e[2]) {
                        Some(first_k) if first_k != k => {
                            let first = self.identity_locs.get(&hv).copied().unwrap_or_else(|| self.keys.loc(first_k));
                            let first_id = self.keys.id(first_k).1;
                            let resident = ident.scheme == IdentifierScheme::ResidentId;
                            out.push(duplicate_person(resident, first_id, &name(&first), first.line, i));
                        }
                        Some(_) => {}
                        None => {
                            shard.insert_unique(hv, [hi, lo, k], |e| (u64::from(e[0]) << 32) | u64::from(e[1]));
                            // Usually the person's own place; kept aside when this record
                            // repeats an id seen before.
                            if self.keys.loc(k) != loc {
                                self.identity_locs.insert(hv, loc);
                            }
                        }
                    }
                }
                if self.residences_at_community {
                    for (i, r) in p.residences.iter().enumerate() {
                        let rk = self.keys.key(type_index(RecordType::Place), r.place.id.as_str());
                        match self.residence_refs.get_mut(&rk) {
                            Some(e) => e.2 = e.2.saturating_add(1),
                            None => {
                                let ptr = self.pointers.id(&format!("/residences/{i}/place"));
                                self.residence_refs.insert(rk, (loc, ptr, 1));
                            }
                        }
                    }
                }
                if let Some(h) = &p.household {
                    let hk = self.households.key(0, h.household_id.as_str());
                    if hk as usize == self.heads.len {
                        self.heads.push(0);
                        self.households.set(hk, TAG_DEFINED, loc);
                    }
                    if h.is_head() {
                        self.heads.set(hk as usize, self.heads.get(hk as usize).saturating_add(1));
                    }
                }
            }
            Record::Place(p) => {
                // A place that is its own parent is reported by the record check already.
                let parent = p
                    .parent
                    .as_ref()
                    .filter(|r| r.id.as_str() != id)
                    .map_or(NO_PARENT, |r| self.keys.key(type_index(RecordType::Place), r.id.as_str()));
                let kind = PlaceKind::ALL.iter().position(|x| *x == p.kind).unwrap_or(0) as u8;
                self.places.push((k, parent, kind));
            }
            Record::Organization(o) => {
                let parent = o
                    .parent
                    .as_ref()
                    .map_or(NO_PARENT, |r| self.keys.key(type_index(RecordType::Organization), r.id.as_str()));
                self.orgs.push((k, parent));
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
        for k in 0..self.keys.len() as u32 {
            if let Some(loc) = self.defined(k) {
                if locs.contains(&loc) {
                    out.insert(loc, self.keys.id(k));
                }
            }
        }
        out
    }

    /// The checks that need the whole dataset: unresolved references, households without exactly
    /// one head, and the place hierarchy (order of kinds, cycles).
    pub fn finish(&self, _files: &[String]) -> Vec<LocatedFinding> {
        let mut out = Vec::new();
        let kind_of = |i: u8| PlaceKind::ALL.get(i as usize).copied().unwrap_or(PlaceKind::Community);
        let mut pending: Vec<(u32, (u32, u32))> = self.pending.iter().map(|(k, v)| (*k, *v)).collect();
        pending.sort_unstable_by_key(|(k, _)| *k);
        for (k, (ptr, refs)) in pending {
            let (ty, id) = self.keys.id(k);
            if self.keys.tag(k) != TAG_REFERRED || self.external_types.contains(&ty) {
                continue;
            }
            out.push((Some(self.keys.loc(k)), ref_unresolved(ty, id, refs, self.pointers.get(ptr))));
        }
        let places = last_by_key(&self.places, |p| p.0);
        let place_at = |k: u32| places.binary_search_by_key(&k, |p| p.0).ok();
        // At `public`, a residence refers to a community: one finding per place of another kind,
        // at the first residence that refers to it `[SHR-051]`. A place not in the dataset
        // cannot be judged (it is unresolved, or declared external).
        let mut residences: Vec<(u32, (Loc, u32, u32))> = self.residence_refs.iter().map(|(k, v)| (*k, *v)).collect();
        residences.sort_unstable_by_key(|(k, _)| *k);
        for (k, (loc, ptr, n)) in residences {
            let Some(at) = place_at(k) else { continue };
            let kind = kind_of(places[at].2);
            if kind != PlaceKind::Community {
                out.push((Some(loc), residence_not_community(kind, n, self.pointers.get(ptr))));
            }
        }
        // Households in the order they were first met (stable: ties keep that order).
        let mut households: Vec<u32> = (0..self.heads.len as u32).collect();
        households.sort_by_key(|h| {
            let l = self.households.loc(*h);
            (l.file, l.line)
        });
        for h in households {
            let heads = self.heads.get(h as usize);
            if heads != 1 {
                let hid = self.households.id(h).1;
                out.push((Some(self.households.loc(h)), household_head(hid, heads)));
            }
        }
        // Place hierarchy: the parent's kind must rank above; no cycles.
        for &(k, parent, kind) in &places {
            if parent == NO_PARENT {
                continue;
            }
            let kind = kind_of(kind);
            if let Some(at) = place_at(parent) {
                let pkind = kind_of(places[at].2);
                if !kind.may_have_parent(pkind) {
                    out.push((self.defined(k), place_order(kind, pkind)));
                }
            }
        }
        // Cycles: every place on one is reported, however long the loop `[PLA-004]`.
        let on_place_cycle = on_cycle(places.len(), |i| places.get(i).and_then(|p| place_at(p.1)).map(|at| at as u32));
        for (i, &(k, _, _)) in places.iter().enumerate() {
            if on_place_cycle[i] {
                out.push((self.defined(k), place_cycle()));
            }
        }
        // And every organization on a loop of parents `[ORG-008]`.
        let orgs = last_by_key(&self.orgs, |o| o.0);
        let org_at = |k: u32| orgs.binary_search_by_key(&k, |o| o.0).ok();
        let on_org_cycle = on_cycle(orgs.len(), |i| orgs.get(i).and_then(|o| org_at(o.1)).map(|at| at as u32));
        for (i, &(k, parent)) in orgs.iter().enumerate() {
            if on_org_cycle[i] && parent != NO_PARENT {
                out.push((self.defined(k), organization_cycle()));
            }
        }
        out
    }
}

/// `duplicate-id`: the record repeats the id of the record at `name:line` `[DAT-003]`.
pub(crate) fn duplicate_id(ty: RecordType, id: &str, name: &str, line: u64) -> Finding {
    Finding::new(
        Code::DuplicateId,
        Level::Error,
        Some("DAT-003"),
        format!("{ty} 标识 `{id}` 重复（首次出现于 {name}:{line}）"),
        format!("{ty} id `{id}` appears again (first at {name}:{line})"),
    )
    .at("/id")
}

/// `duplicate-person`: identifier `i` of the person is that of person `first_id` at
/// `name:line` `[DAT-015]`.
pub(crate) fn duplicate_person(resident: bool, first_id: &str, name: &str, line: u64, i: usize) -> Finding {
    let scheme = if resident { "居民身份证号码" } else { "证件号码" };
    Finding::new(
        Code::DuplicatePerson,
        Level::Warning,
        Some("DAT-015"),
        format!("重复录入：{scheme}与人员 `{first_id}`（{name}:{line}）相同"),
        format!("entered twice: same identifier as person `{first_id}` ({name}:{line})"),
    )
    .at(format!("/identifiers/{i}/value"))
}

/// `ref-unresolved`: `refs` references to `(ty, id)`, which is not in the dataset `[DAT-004]`.
pub(crate) fn ref_unresolved(ty: RecordType, id: &str, refs: u32, pointer: &str) -> Finding {
    Finding::new(
        Code::RefUnresolved,
        Level::Error,
        Some("DAT-004"),
        format!("引用的 {ty} `{id}` 不在数据集中（共被引用 {refs} 次，此处为第一次）"),
        format!("referenced {ty} `{id}` is not in the dataset ({refs} reference(s); this is the first)"),
    )
    .at(pointer.to_owned())
}

/// `shared-residence-not-community`: `n` residences refer to a place of `kind` `[SHR-051]`.
pub(crate) fn residence_not_community(kind: PlaceKind, n: u32, pointer: &str) -> Finding {
    Finding::new(
        Code::SharedResidenceNotCommunity,
        Level::Error,
        Some("SHR-051"),
        format!(
            "公开级别的数据集中，居住地须泛化到社区，此处为{}（{}）（共 {} 处居住地指向该地点）",
            kind.label_zh(),
            kind.code(),
            n
        ),
        format!(
            "in a dataset at public a residence is generalised to its community; this one is a {} ({} residence(s) refer to that place)",
            kind.code(),
            n
        ),
    )
    .at(pointer.to_owned())
}

/// `household-head`: household `hid` has `heads` heads `[PER-013]`.
pub(crate) fn household_head(hid: &str, heads: u32) -> Finding {
    Finding::new(
        Code::HouseholdHead,
        Level::Error,
        Some("PER-013"),
        format!("户 `{hid}` 有 {heads} 个户主（应恰好 1 个）"),
        format!("household `{hid}` has {heads} heads (exactly one is required)"),
    )
    .at("/household/householdId")
}

/// `place-hierarchy-order`: a place of `kind` under one of `pkind` `[PLA-004]`.
pub(crate) fn place_order(kind: PlaceKind, pkind: PlaceKind) -> Finding {
    Finding::new(
        Code::PlaceHierarchyOrder,
        Level::Error,
        Some("PLA-004"),
        format!("{}（{}）不能位于{}（{}）之下", kind.label_zh(), kind.code(), pkind.label_zh(), pkind.code()),
        format!("a {} cannot sit under a {}", kind.code(), pkind.code()),
    )
    .at("/parent")
}

/// `place-hierarchy-cycle` `[PLA-004]`.
pub(crate) fn place_cycle() -> Finding {
    Finding::new(
        Code::PlaceHierarchyCycle,
        Level::Error,
        Some("PLA-004"),
        "上级地点链构成循环",
        "the chain of parent places loops back to this place",
    )
    .at("/parent")
}

/// `organization-parent-cycle` `[ORG-008]`.
pub(crate) fn organization_cycle() -> Finding {
    Finding::new(
        Code::OrganizationParentCycle,
        Level::Error,
        Some("ORG-008"),
        "上级组织链构成循环",
        "the chain of parent organizations loops back to this organization",
    )
    .at("/parent")
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
        let sha256 = linli_model::text::Sha256::new(stats.sha256)
            .map_err(|e| ManifestError::new(e.to_string(), e.to_string()))?;
        files.push(ManifestFile::new(name, record_type, stats.records, sha256));
    }
    Ok(Manifest::new(producer, created_at, sharing_level, files))
}
