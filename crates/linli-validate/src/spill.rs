//! Dataset checks in bounded memory (`linli validate --memory-limit SIZE`) `[VAL-025]`
//! `[VAL-026]`.
//!
//! Instead of the in-memory index of [`crate::dataset`], every fact the dataset-level checks
//! need (an id defined, a reference, a residence, a household member, a person's identifier, a
//! place's or organization's parent) is written as one small binary record into an external
//! sorter: records are kept in memory up to the budget, sorted and written as a run to a private
//! temporary folder; at the end the runs are merged (k-way, in several passes when there are
//! more runs than the budget has room for read buffers) so that all facts about one key arrive
//! together, in input order. Keys are compared byte by byte, never by hash alone.
//!
//! The findings are the same, in the same order, as those of the in-memory index: each record
//! carries the sequence number of its first mention, which is the order in which the in-memory
//! index numbers its keys, and the findings that the in-memory index reports at a record
//! (`duplicate-id`, `duplicate-person`) are put back, when the report is written, right after
//! that record's own findings (see `run.rs`).
//!
//! What stays in memory besides the budget: the interned JSON pointers (a few dozen) and, for
//! the hierarchy walks, 5 bytes per Place and Organization record plus the walk's 2 bytes per
//! node. The places of records that repeat an id and of invalid records are on disk too.

use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::fs::File;
use std::io::{self, BufReader, BufWriter, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use linli_model::check::Level;
use linli_model::codes::{CodeTable, IdentifierScheme, PlaceKind};
use linli_model::{Record, RecordType};

use crate::dataset::{self, Loc, Pointers, on_cycle, type_index};
use crate::finding::Finding;

/// Parse a memory size: a whole number of bytes, or with a unit `K`, `M`, `G`, `T` (powers of
/// 1024; `KB`, `KiB`, `MB`, `MiB`, … read the same; any case). `None` for anything else, for
/// zero and for sizes that overflow.
pub fn parse_size(text: &str) -> Option<u64> {
    let t = text.trim();
    let split = t.find(|c: char| !c.is_ascii_digit()).unwrap_or(t.len());
    let (digits, unit) = t.split_at(split);
    if digits.is_empty() {
        return None;
    }
    let n: u64 = digits.parse().ok()?;
    let shift = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "b" => 0,
        "k" | "kb" | "kib" => 10,
        "m" | "mb" | "mib" => 20,
        "g" | "gb" | "gib" => 30,
        "t" | "tb" | "tib" => 40,
        _ => return None,
    };
    let v = n.checked_mul(1u64 << shift)?;
    (v > 0).then_some(v)
}

/// The counters of a run's spilling, for tests and benchmarks.
#[derive(Debug, Default)]
pub struct SpillStats {
    /// Sorted runs written to disk.
    pub runs: AtomicU64,
    /// Merges of runs into a longer run (when there are more runs than one merge can read).
    pub merges: AtomicU64,
    /// Bytes written to the temporary folder.
    pub bytes: AtomicU64,
    /// The temporary folders created (each removed when the run ends).
    pub folders: AtomicU64,
}

/// The temporary folder and the counters, shared by the sorters of one run.
pub(crate) struct Shared {
    dir: crate::archive::PrivateDir,
    next: AtomicU64,
    stats: Arc<SpillStats>,
}

impl Shared {
    /// A private folder (mode 0700, removed when dropped and on Ctrl-C) in `parent`, or in the
    /// system's temporary folder.
    pub(crate) fn new(parent: Option<&Path>, stats: Arc<SpillStats>) -> io::Result<Arc<Self>> {
        let dir = crate::archive::PrivateDir::create("linli-spill-", parent)?;
        stats.folders.fetch_add(1, Ordering::Relaxed);
        Ok(Arc::new(Shared { dir, next: AtomicU64::new(0), stats }))
    }

    fn file(&self) -> io::Result<(PathBuf, File)> {
        let n = self.next.fetch_add(1, Ordering::Relaxed);
        let path = self.dir.path().join(format!("{n}.run"));
        let f = std::fs::OpenOptions::new().write(true).create_new(true).open(&path)?;
        Ok((path, f))
    }
}

/// Read buffer per run being merged.
const READ_BUF: usize = 32 << 10;
/// Most runs read at once by one merge.
const MAX_FAN_IN: usize = 64;
/// Bookkeeping per record held in memory (its span).
const SPAN: usize = std::mem::size_of::<(usize, u32)>();

fn write_rec(w: &mut impl Write, rec: &[u8]) -> io::Result<()> {
    let len = u32::try_from(rec.len()).map_err(|_| io::Error::other("record too long"))?;
    w.write_all(&len.to_le_bytes())?;
    w.write_all(rec)
}

fn read_rec(r: &mut impl Read) -> io::Result<Option<Vec<u8>>> {
    let mut len = [0u8; 4];
    match r.read_exact(&mut len) {
        Ok(()) => {}
        Err(e) if e.kind() == io::ErrorKind::UnexpectedEof => return Ok(None),
        Err(e) => return Err(e),
    }
    let mut v = vec![0u8; u32::from_le_bytes(len) as usize];
    r.read_exact(&mut v)?;
    Ok(Some(v))
}

/// An external sorter of byte strings, in byte order.
pub(crate) struct Sorter {
    shared: Arc<Shared>,
    budget: usize,
    data: Vec<u8>,
    spans: Vec<(usize, u32)>,
    runs: Vec<PathBuf>,
}

impl Sorter {
    pub(crate) fn new(shared: Arc<Shared>, budget: usize) -> Self {
        Sorter { shared, budget: budget.max(4096), data: Vec::new(), spans: Vec::new(), runs: Vec::new() }
    }

    pub(crate) fn push(&mut self, rec: &[u8]) -> io::Result<()> {
        let full = self.data.len() + rec.len() > self.data.capacity() || self.spans.len() == self.spans.capacity();
        if full && !self.spans.is_empty() {
            self.flush()?;
        }
        if self.data.capacity() == 0 {
            // Reserved once: growing by doubling would briefly hold two copies.
            self.data.reserve_exact(self.budget / 5 * 4);
            self.spans.reserve_exact(self.budget / 5 / SPAN);
        }
        let start = self.data.len();
        self.data.extend_from_slice(rec);
        self.spans.push((start, rec.len() as u32));
        Ok(())
    }

    fn sort(&mut self) {
        let data = &self.data;
        // A span is what `push` appended to `data`: the default (empty) is never taken.
        let at = |s: &(usize, u32)| data.get(s.0..s.0 + s.1 as usize).unwrap_or_default();
        self.spans.sort_unstable_by(|a, b| at(a).cmp(at(b)));
    }

    fn flush(&mut self) -> io::Result<()> {
        self.sort();
        let (path, f) = self.shared.file()?;
        let mut w = BufWriter::with_capacity(READ_BUF, f);
        let mut bytes = 0u64;
        for &(s, l) in &self.spans {
            // A span is what `push` appended to `data`: the default (empty) is never taken.
            write_rec(&mut w, self.data.get(s..s + l as usize).unwrap_or_default())?;
            bytes += 4 + u64::from(l);
        }
        w.flush()?;
        self.shared.stats.runs.fetch_add(1, Ordering::Relaxed);
        self.shared.stats.bytes.fetch_add(bytes, Ordering::Relaxed);
        self.runs.push(path);
        self.data.clear();
        self.spans.clear();
        Ok(())
    }

    /// All records pushed, in byte order.
    pub(crate) fn finish(mut self) -> io::Result<Merged> {
        if self.runs.is_empty() {
            self.sort();
            return Ok(Merged::Memory { data: self.data, spans: self.spans.into_iter(), _keep: self.shared });
        }
        if !self.spans.is_empty() {
            self.flush()?;
        }
        self.data = Vec::new();
        self.spans = Vec::new();
        let fan_in = (self.budget / (2 * READ_BUF)).clamp(2, MAX_FAN_IN);
        let mut runs = std::mem::take(&mut self.runs);
        while runs.len() > fan_in {
            let group: Vec<PathBuf> = runs.drain(..fan_in).collect();
            let mut m = Merge::open(group)?;
            let (path, f) = self.shared.file()?;
            let mut w = BufWriter::with_capacity(READ_BUF, f);
            let mut bytes = 0u64;
            while let Some(r) = m.next_rec()? {
                write_rec(&mut w, &r)?;
                bytes += 4 + r.len() as u64;
            }
            w.flush()?;
            self.shared.stats.merges.fetch_add(1, Ordering::Relaxed);
            self.shared.stats.bytes.fetch_add(bytes, Ordering::Relaxed);
            runs.push(path);
        }
        Ok(Merged::Disk(Merge::open(runs)?))
    }
}

/// A k-way merge of sorted runs; each run's file is removed when the merge is dropped.
pub(crate) struct Merge {
    readers: Vec<BufReader<File>>,
    heap: BinaryHeap<Reverse<(Vec<u8>, usize)>>,
    paths: Vec<PathBuf>,
}

impl Merge {
    fn open(paths: Vec<PathBuf>) -> io::Result<Self> {
        let mut m = Merge { readers: Vec::new(), heap: BinaryHeap::new(), paths };
        for p in &m.paths {
            m.readers.push(BufReader::with_capacity(READ_BUF, File::open(p)?));
        }
        for i in 0..m.readers.len() {
            if let Some(r) = read_rec(&mut m.readers[i])? {
                m.heap.push(Reverse((r, i)));
            }
        }
        Ok(m)
    }

    fn next_rec(&mut self) -> io::Result<Option<Vec<u8>>> {
        let Some(Reverse((rec, i))) = self.heap.pop() else { return Ok(None) };
        if let Some(next) = self.readers.get_mut(i).map(read_rec).transpose()?.flatten() {
            self.heap.push(Reverse((next, i)));
        }
        Ok(Some(rec))
    }
}

impl Drop for Merge {
    fn drop(&mut self) {
        self.readers.clear();
        for p in &self.paths {
            let _ = std::fs::remove_file(p);
        }
    }
}

/// The records of a [`Sorter`], in order.
pub(crate) enum Merged {
    /// Everything fitted in the budget: never written.
    Memory { data: Vec<u8>, spans: std::vec::IntoIter<(usize, u32)>, _keep: Arc<Shared> },
    /// Merged from runs on disk.
    Disk(Merge),
}

impl Merged {
    pub(crate) fn next_rec(&mut self) -> io::Result<Option<Vec<u8>>> {
        match self {
            Merged::Memory { data, spans, .. } => {
                // A span is what `push` appended to `data`: the default (empty) is never taken.
                Ok(spans.next().map(|(s, l)| data.get(s..s + l as usize).unwrap_or_default().to_vec()))
            }
            Merged::Disk(m) => m.next_rec(),
        }
    }
}

/// Writing the fields of a record; numbers big-endian so that byte order is number order.
#[derive(Default)]
pub(crate) struct Enc(pub(crate) Vec<u8>);

impl Enc {
    pub(crate) fn u8(&mut self, v: u8) -> &mut Self {
        self.0.push(v);
        self
    }
    pub(crate) fn u32(&mut self, v: u32) -> &mut Self {
        self.0.extend_from_slice(&v.to_be_bytes());
        self
    }
    pub(crate) fn u64(&mut self, v: u64) -> &mut Self {
        self.0.extend_from_slice(&v.to_be_bytes());
        self
    }
    pub(crate) fn bytes(&mut self, v: &[u8]) -> &mut Self {
        self.u32(v.len() as u32);
        self.0.extend_from_slice(v);
        self
    }
    fn loc(&mut self, l: Loc) -> &mut Self {
        self.u32(l.file).u64(l.line)
    }
}

/// Reading them back; a short record reads as zeros and empty strings (never a panic).
pub(crate) struct Dec<'a>(pub(crate) &'a [u8]);

impl<'a> Dec<'a> {
    fn take(&mut self, n: usize) -> &'a [u8] {
        let n = n.min(self.0.len());
        let (a, b) = self.0.split_at(n);
        self.0 = b;
        a
    }
    pub(crate) fn u8(&mut self) -> u8 {
        self.take(1).first().copied().unwrap_or(0)
    }
    pub(crate) fn u32(&mut self) -> u32 {
        let mut b = [0u8; 4];
        let t = self.take(4);
        b[..t.len()].copy_from_slice(t);
        u32::from_be_bytes(b)
    }
    pub(crate) fn u64(&mut self) -> u64 {
        let mut b = [0u8; 8];
        let t = self.take(8);
        b[..t.len()].copy_from_slice(t);
        u64::from_be_bytes(b)
    }
    pub(crate) fn bytes(&mut self) -> &'a [u8] {
        let n = self.u32() as usize;
        self.take(n)
    }
    pub(crate) fn str(&mut self) -> &'a str {
        // The spill files hold this run's own records, in a folder only its user can read; every string in
        // them was written from a `str`, so the default (empty) is never taken.
        std::str::from_utf8(self.bytes()).unwrap_or_default()
    }
    fn loc(&mut self) -> Loc {
        Loc { file: self.u32(), line: self.u64() }
    }
}

/// Key spaces of the fact records.
const SPACE_ID: u8 = 0;
const SPACE_HOUSEHOLD: u8 = 1;
const SPACE_IDENTITY: u8 = 2;
/// Facts about an id.
const EV_DEF: u8 = 0;
const EV_EXTERNAL: u8 = 1;
const EV_REF: u8 = 2;
const EV_RESIDENCE: u8 = 3;
const EV_PLACE: u8 = 4;
const EV_ORG: u8 = 5;
/// A person in a household; a person's identifier.
const EV_MEMBER: u8 = 6;
const EV_IDENT: u8 = 7;

fn record_type(i: u8) -> RecordType {
    RecordType::ALL.get(i as usize).copied().unwrap_or(RecordType::Person)
}

fn place_kind(i: u8) -> PlaceKind {
    PlaceKind::ALL.get(i as usize).copied().unwrap_or(PlaceKind::Community)
}

/// What [`SpillIndex::finish`] hands back, in this order: first every finding found at a
/// record, then the whole-dataset findings in report order.
pub(crate) enum Out {
    /// A finding that the in-memory index reports with the record at `loc`: it goes right after
    /// that record's own findings, which end before the log position `slot`; `sub` orders the
    /// findings of one record.
    AtRecord { slot: u64, sub: u32, loc: Loc, ty: RecordType, id: String, finding: Finding },
    /// A whole-dataset finding, with the record defined at its place when there is one.
    Dataset { loc: Option<Loc>, record: Option<(RecordType, String)>, finding: Finding },
}

/// The dataset index in bounded memory: facts spilled as sorted runs, merged at the end.
pub(crate) struct SpillIndex {
    shared: Arc<Shared>,
    budget: usize,
    facts: Sorter,
    seq: u64,
    pointers: Pointers,
    external_types: Vec<RecordType>,
    residences_at_community: bool,
    /// The first error writing the runs: reported when the run ends.
    pub(crate) error: Option<io::Error>,
}

/// The facts about one id, gathered from its records in input order.
#[derive(Default)]
struct IdFacts {
    first_seq: u64,
    first_def: Option<Loc>,
    external: bool,
    refs: u32,
    first_ref: Option<(Loc, u32, u8, Vec<u8>)>,
    residences: u32,
    first_residence: Option<(Loc, u32, Vec<u8>)>,
    place: Option<(u8, Option<Vec<u8>>)>,
    org: Option<Option<Vec<u8>>>,
}

/// "No parent" in the hierarchy arrays.
const NONE: u32 = u32::MAX;

/// A finding's record prefixed with its place, to be sorted by place.
fn located(loc: Loc, rec: &[u8]) -> Vec<u8> {
    let mut e = Enc::default();
    e.loc(loc);
    e.0.extend_from_slice(rec);
    e.0
}

/// Whole-dataset findings before they are put in order: categories in report order.
const CAT_UNRESOLVED: u8 = 0;
const CAT_RESIDENCE: u8 = 1;
const CAT_HOUSEHOLD: u8 = 2;
const CAT_PLACE: u8 = 3;
const CAT_ORG: u8 = 4;

/// The place and organization hierarchies: per node its kind, parent (an index, or `NONE`), and
/// in a file, in node order, the node's first sequence number, place and id.
struct Hierarchy {
    kind: Vec<u8>,
    parent: Vec<u32>,
    nodes: BufWriter<File>,
    path: PathBuf,
}

impl Hierarchy {
    fn new(shared: &Shared) -> io::Result<Self> {
        let (path, f) = shared.file()?;
        Ok(Hierarchy { kind: Vec::new(), parent: Vec::new(), nodes: BufWriter::with_capacity(READ_BUF, f), path })
    }

    fn add(&mut self, kind: u8, seq: u64, loc: Loc, id: &[u8]) -> io::Result<u32> {
        let i = u32::try_from(self.kind.len()).map_err(|_| io::Error::other("too many places"))?;
        self.kind.push(kind);
        self.parent.push(NONE);
        let mut e = Enc::default();
        e.u64(seq).loc(loc).bytes(id);
        write_rec(&mut self.nodes, &e.0)?;
        Ok(i)
    }

    /// The nodes' records, in node order.
    fn read(&mut self) -> io::Result<BufReader<File>> {
        self.nodes.flush()?;
        Ok(BufReader::with_capacity(READ_BUF, File::open(&self.path)?))
    }
}

impl SpillIndex {
    pub(crate) fn new(shared: Arc<Shared>, budget: usize) -> Self {
        SpillIndex {
            facts: Sorter::new(shared.clone(), budget / 2),
            shared,
            budget,
            seq: 0,
            pointers: Pointers::default(),
            external_types: Vec::new(),
            residences_at_community: false,
            error: None,
        }
    }

    /// Write one fact: key space, key, its sequence number, its kind and what follows.
    fn fact(&mut self, space: u8, key: &[&[u8]], ev: u8, rest: impl FnOnce(&mut Enc)) {
        if self.error.is_some() {
            return;
        }
        let mut e = Enc::default();
        let len: usize = key.iter().map(|k| k.len()).sum();
        e.u8(space).u32(len as u32);
        for k in key {
            e.0.extend_from_slice(k);
        }
        e.u64(self.seq).u8(ev);
        self.seq += 1;
        rest(&mut e);
        if let Err(err) = self.facts.push(&e.0) {
            self.error = Some(err);
        }
    }

    fn id_fact(&mut self, ty: RecordType, id: &str, ev: u8, rest: impl FnOnce(&mut Enc)) {
        self.fact(SPACE_ID, &[&[type_index(ty)], id.as_bytes()], ev, rest);
    }

    /// See [`dataset::DatasetIndex::declare_external`].
    pub(crate) fn declare_external(&mut self, ty: RecordType, id: Option<&str>) {
        match id {
            None => self.external_types.push(ty),
            Some(id) => self.id_fact(ty, id, EV_EXTERNAL, |_| {}),
        }
    }

    /// See [`dataset::DatasetIndex::require_community_residences`].
    pub(crate) fn require_community_residences(&mut self) {
        self.residences_at_community = true;
    }

    /// A record's id (see [`dataset::DatasetIndex::add_id`]); a repeat is found at the end.
    pub(crate) fn add_id(&mut self, ty: RecordType, id: &str, loc: Loc, slot: u64) {
        self.id_fact(ty, id, EV_DEF, |e| {
            e.loc(loc).u64(slot);
        });
    }

    /// A record the typed model could read (see [`dataset::DatasetIndex::add`]).
    pub(crate) fn add(&mut self, record: &Record, loc: Loc, slot: u64) {
        let ty = record.record_type();
        let id = record.id().as_str();
        self.add_id(ty, id, loc, slot);
        let mut refs: Vec<(u32, RecordType, String)> = Vec::new();
        record.for_each_ref(&mut |ptr, rty, rid| refs.push((self.pointers.id(&ptr), rty, rid.as_str().to_owned())));
        for (ptr, rty, rid) in refs {
            self.id_fact(rty, &rid, EV_REF, |e| {
                e.loc(loc).u32(ptr).u8(type_index(ty)).bytes(id.as_bytes());
            });
        }
        match record {
            Record::Person(p) => {
                for (i, ident) in p.identifiers.iter().enumerate() {
                    let scheme = ident.scheme.code().as_bytes();
                    let resident = u8::from(ident.scheme == IdentifierScheme::ResidentId);
                    let mut key = Enc::default();
                    key.bytes(scheme);
                    self.fact(SPACE_IDENTITY, &[&key.0, ident.value.as_str().as_bytes()], EV_IDENT, |e| {
                        e.loc(loc).u64(slot).u32(i as u32 + 1).u8(resident).bytes(id.as_bytes());
                    });
                }
                if self.residences_at_community {
                    for (i, r) in p.residences.iter().enumerate() {
                        let ptr = self.pointers.id(&format!("/residences/{i}/place"));
                        self.id_fact(RecordType::Place, r.place.id.as_str(), EV_RESIDENCE, |e| {
                            e.loc(loc).u32(ptr).bytes(id.as_bytes());
                        });
                    }
                }
                if let Some(h) = &p.household {
                    let head = u8::from(h.is_head());
                    self.fact(SPACE_HOUSEHOLD, &[h.household_id.as_str().as_bytes()], EV_MEMBER, |e| {
                        e.loc(loc).u8(head).bytes(id.as_bytes());
                    });
                }
            }
            Record::Place(p) => {
                let parent = p.parent.as_ref().filter(|r| r.id.as_str() != id).map(|r| r.id.as_str().to_owned());
                let kind = PlaceKind::ALL.iter().position(|x| *x == p.kind).unwrap_or(0) as u8;
                self.id_fact(ty, id, EV_PLACE, |e| {
                    e.u8(kind).u8(u8::from(parent.is_some())).bytes(parent.as_deref().unwrap_or("").as_bytes());
                });
            }
            Record::Organization(o) => {
                let parent = o.parent.as_ref().map(|r| r.id.as_str().to_owned());
                self.id_fact(ty, id, EV_ORG, |e| {
                    e.u8(u8::from(parent.is_some())).bytes(parent.as_deref().unwrap_or("").as_bytes());
                });
            }
            _ => {}
        }
    }

    /// Merge the runs and hand back the findings (see [`Out`]).
    pub(crate) fn finish(self, files: &[String], out: &mut dyn FnMut(Out) -> io::Result<()>) -> io::Result<()> {
        if let Some(e) = self.error {
            return Err(e);
        }
        let SpillIndex { shared, budget, facts, pointers, external_types, residences_at_community, .. } = self;
        let name = |l: Loc| files.get(l.file as usize).map_or("-", String::as_str).to_owned();
        let mut merged = facts.finish()?;
        // The places of records that repeat an id, and the findings at the places of records
        // (sorted by place, to be joined with them); then all findings, sorted in report order.
        let mut repeats = Sorter::new(shared.clone(), budget / 16);
        let mut at_places = Sorter::new(shared.clone(), budget / 16);
        let mut found = Sorter::new(shared.clone(), budget / 8);
        let mut links = Sorter::new(shared.clone(), budget / 8);
        let mut places = Hierarchy::new(&shared)?;
        let mut orgs = Hierarchy::new(&shared)?;

        // One group of facts at a time: all facts about one key, in input order.
        let mut group: Option<(u8, Vec<u8>)> = None;
        let mut idf = IdFacts::default();
        // Households: first place, first member, heads; identities: first place, person.
        let mut member: Option<(u64, Loc, Vec<u8>, u32)> = None;
        let mut ident: Option<(Loc, Vec<u8>)> = None;

        let finish_group = |space: u8,
                            key: &[u8],
                            idf: &mut IdFacts,
                            member: &mut Option<(u64, Loc, Vec<u8>, u32)>,
                            found: &mut Sorter,
                            links: &mut Sorter,
                            places: &mut Hierarchy,
                            orgs: &mut Hierarchy|
         -> io::Result<()> {
            match space {
                SPACE_ID => {
                    let f = std::mem::take(idf);
                    // A key is a type byte and the id (this run's own record): the default (no id) is never
                    // taken.
                    let (ty, id) = (key.first().copied().unwrap_or(0), key.get(1..).unwrap_or_default());
                    let rtype = record_type(ty);
                    if let Some((loc, ptr, rty, rid)) = &f.first_ref {
                        if f.first_def.is_none() && !f.external && !external_types.contains(&rtype) {
                            let mut e = Enc::default();
                            e.u8(CAT_UNRESOLVED).u64(f.first_seq).u8(0).loc(*loc).u32(*ptr).u32(f.refs);
                            e.u8(ty).bytes(id).u8(*rty).bytes(rid);
                            found.push(&located(*loc, &e.0))?;
                        }
                    }
                    if let (Some((loc, ptr, rid)), Some((kind, _))) = (&f.first_residence, &f.place) {
                        if residences_at_community && place_kind(*kind) != PlaceKind::Community {
                            let mut e = Enc::default();
                            e.u8(CAT_RESIDENCE).u64(f.first_seq).u8(0).loc(*loc).u32(*ptr).u32(f.residences);
                            e.u8(*kind).bytes(rid);
                            found.push(&located(*loc, &e.0))?;
                        }
                    }
                    let def = f.first_def.unwrap_or(Loc { file: u32::MAX, line: 0 });
                    if let Some((kind, parent)) = &f.place {
                        let i = places.add(*kind, f.first_seq, def, id)?;
                        let mut e = Enc::default();
                        e.u8(0).bytes(id).u8(0).u32(i);
                        links.push(&e.0)?;
                        if let Some(p) = parent {
                            let mut e = Enc::default();
                            e.u8(0).bytes(p).u8(1).u32(i);
                            links.push(&e.0)?;
                        }
                    }
                    if let Some(parent) = &f.org {
                        let i = orgs.add(0, f.first_seq, def, id)?;
                        let mut e = Enc::default();
                        e.u8(1).bytes(id).u8(0).u32(i);
                        links.push(&e.0)?;
                        if let Some(p) = parent {
                            let mut e = Enc::default();
                            e.u8(1).bytes(p).u8(1).u32(i);
                            links.push(&e.0)?;
                        }
                    }
                }
                SPACE_HOUSEHOLD => {
                    if let Some((seq, loc, rid, heads)) = member.take() {
                        if heads != 1 {
                            // Households in the order they were first met.
                            let mut e = Enc::default();
                            e.u8(CAT_HOUSEHOLD).u32(loc.file).u64(loc.line).u64(seq).u32(heads);
                            e.bytes(key).bytes(&rid);
                            found.push(&located(loc, &e.0))?;
                        }
                    }
                }
                _ => {}
            }
            Ok(())
        };

        while let Some(rec) = merged.next_rec()? {
            let mut d = Dec(&rec);
            let space = d.u8();
            let key = d.bytes();
            let seq = d.u64();
            let ev = d.u8();
            let new = group.as_ref().is_none_or(|(s, k)| *s != space || k.as_slice() != key);
            if new {
                if let Some((s, k)) = group.take() {
                    finish_group(s, &k, &mut idf, &mut member, &mut at_places, &mut links, &mut places, &mut orgs)?;
                }
                group = Some((space, key.to_vec()));
                idf.first_seq = seq;
                ident = None;
            }
            match ev {
                EV_DEF => {
                    let (loc, slot) = (d.loc(), d.u64());
                    match idf.first_def {
                        None => idf.first_def = Some(loc),
                        Some(first) => {
                            let ty = record_type(key.first().copied().unwrap_or(0));
                            // A key is a type byte and the id, written from a `str`: the default (no id) is
                            // never taken.
                            let id = std::str::from_utf8(key.get(1..).unwrap_or_default()).unwrap_or_default();
                            repeats.push(&Enc::default().loc(loc).0)?;
                            let finding = dataset::duplicate_id(ty, id, &name(first), first.line);
                            out(Out::AtRecord { slot, sub: 0, loc, ty, id: id.to_owned(), finding })?;
                        }
                    }
                }
                EV_EXTERNAL => idf.external = true,
                EV_REF => {
                    idf.refs = idf.refs.saturating_add(1);
                    if idf.first_ref.is_none() {
                        let (loc, ptr, rty) = (d.loc(), d.u32(), d.u8());
                        idf.first_ref = Some((loc, ptr, rty, d.bytes().to_vec()));
                    }
                }
                EV_RESIDENCE => {
                    idf.residences = idf.residences.saturating_add(1);
                    if idf.first_residence.is_none() {
                        let (loc, ptr) = (d.loc(), d.u32());
                        idf.first_residence = Some((loc, ptr, d.bytes().to_vec()));
                    }
                }
                EV_PLACE => {
                    let (kind, has) = (d.u8(), d.u8());
                    let parent = d.bytes();
                    idf.place = Some((kind, (has == 1).then(|| parent.to_vec())));
                }
                EV_ORG => {
                    let has = d.u8();
                    let parent = d.bytes();
                    idf.org = Some((has == 1).then(|| parent.to_vec()));
                }
                EV_MEMBER => {
                    let (loc, head) = (d.loc(), d.u8());
                    match &mut member {
                        Some(m) => m.3 = m.3.saturating_add(u32::from(head)),
                        None => member = Some((seq, loc, d.bytes().to_vec(), u32::from(head))),
                    }
                }
                EV_IDENT => {
                    let (loc, slot, sub, resident) = (d.loc(), d.u64(), d.u32(), d.u8());
                    let person = d.bytes();
                    match &ident {
                        None => ident = Some((loc, person.to_vec())),
                        Some((first, first_id)) if first_id.as_slice() != person => {
                            // Ids in the spill files were written from `str`s: the default (empty) is never
                            // taken.
                            let first_id = std::str::from_utf8(first_id).unwrap_or_default();
                            let finding = dataset::duplicate_person(
                                resident == 1,
                                first_id,
                                &name(*first),
                                first.line,
                                sub as usize - 1,
                            );
                            // Ids in the spill files were written from `str`s: the default (empty) is never
                            // taken.
                            let id = std::str::from_utf8(person).unwrap_or_default().to_owned();
                            out(Out::AtRecord { slot, sub, loc, ty: RecordType::Person, id, finding })?;
                        }
                        Some(_) => {}
                    }
                }
                _ => {}
            }
        }
        if let Some((s, k)) = group.take() {
            finish_group(s, &k, &mut idf, &mut member, &mut at_places, &mut links, &mut places, &mut orgs)?;
        }
        drop(merged);

        // A finding at the place of a record that repeats an id names no record: that place
        // defines no id. Both lists in order of place.
        let mut repeats = repeats.finish()?;
        let mut at_places = at_places.finish()?;
        let mut repeat = repeats.next_rec()?;
        while let Some(rec) = at_places.next_rec()? {
            let (key, rest) = rec.split_at(12.min(rec.len()));
            while repeat.as_deref().is_some_and(|r| r < key) {
                repeat = repeats.next_rec()?;
            }
            let mut e = Enc(rest.to_vec());
            e.u8(u8::from(repeat.as_deref() == Some(key)));
            found.push(&e.0)?;
        }
        drop((repeats, at_places));

        // The parents: each place's (organization's) parent id joined with the place of that id.
        let mut links = links.finish()?;
        let mut current: Option<(u8, Vec<u8>, u32)> = None;
        while let Some(rec) = links.next_rec()? {
            let mut d = Dec(&rec);
            let (which, id, tag, i) = (d.u8(), d.bytes(), d.u8(), d.u32());
            if current.as_ref().is_none_or(|(w, k, _)| *w != which || k.as_slice() != id) {
                current = Some((which, id.to_vec(), NONE));
            }
            let h = if which == 0 { &mut places } else { &mut orgs };
            match (tag, &mut current) {
                (0, Some(c)) => c.2 = i,
                (_, Some(c)) => {
                    if let Some(p) = h.parent.get_mut(i as usize) {
                        *p = c.2;
                    }
                }
                _ => {}
            }
        }
        drop(links);

        // The hierarchy checks, node by node in key order; put in report order below.
        for (which, h) in [(0u8, &mut places), (1u8, &mut orgs)] {
            let parent = std::mem::take(&mut h.parent);
            let cycle = on_cycle(parent.len(), |i| parent.get(i).copied().filter(|p| *p != NONE));
            let mut nodes = h.read()?;
            for (i, &p) in parent.iter().enumerate() {
                let Some(node) = read_rec(&mut nodes)? else { break };
                let mut d = Dec(&node);
                let (seq, loc, id) = (d.u64(), d.loc(), d.bytes());
                let kind = h.kind.get(i).copied().unwrap_or(0);
                if which == 0 && p != NONE {
                    let pkind = h.kind.get(p as usize).copied().unwrap_or(0);
                    if !place_kind(kind).may_have_parent(place_kind(pkind)) {
                        let mut e = Enc::default();
                        e.u8(CAT_PLACE).u8(0).u64(seq).loc(loc).u8(kind).u8(pkind).bytes(id);
                        found.push(&e.0)?;
                    }
                }
                if cycle.get(i).copied().unwrap_or(false) {
                    let mut e = Enc::default();
                    let cat = if which == 0 { CAT_PLACE } else { CAT_ORG };
                    e.u8(cat).u8(1).u64(seq).loc(loc).u8(kind).u8(0).bytes(id);
                    found.push(&e.0)?;
                }
            }
            let _ = std::fs::remove_file(&h.path);
        }

        // The whole-dataset findings in report order; a finding at the place of a record that
        // repeats an id names no record (that place defines no id).
        let mut found = found.finish()?;
        while let Some(rec) = found.next_rec()? {
            let mut d = Dec(&rec);
            let cat = d.u8();
            let at = |rty: RecordType, rid: &[u8], repeat: u8| {
                // Ids in the spill files were written from `str`s: the default (empty) is never taken.
                (repeat == 0).then(|| (rty, std::str::from_utf8(rid).unwrap_or_default().to_owned()))
            };
            let item = match cat {
                CAT_UNRESOLVED | CAT_RESIDENCE => {
                    let _ = (d.u64(), d.u8());
                    let (loc, ptr, n) = (d.loc(), d.u32(), d.u32());
                    if cat == CAT_UNRESOLVED {
                        let (ty, id) = (record_type(d.u8()), d.str());
                        let (rty, rid) = (record_type(d.u8()), d.bytes());
                        let finding = dataset::ref_unresolved(ty, id, n, pointers.get(ptr));
                        Out::Dataset { loc: Some(loc), record: at(rty, rid, d.u8()), finding }
                    } else {
                        let kind = place_kind(d.u8());
                        let rid = d.bytes();
                        let finding = dataset::residence_not_community(kind, n, pointers.get(ptr));
                        Out::Dataset { loc: Some(loc), record: at(RecordType::Person, rid, d.u8()), finding }
                    }
                }
                CAT_HOUSEHOLD => {
                    let (file, line, _, heads) = (d.u32(), d.u64(), d.u64(), d.u32());
                    let loc = Loc { file, line };
                    let (hid, rid) = (d.str(), d.bytes());
                    let finding = dataset::household_head(hid, heads);
                    Out::Dataset { loc: Some(loc), record: at(RecordType::Person, rid, d.u8()), finding }
                }
                _ => {
                    let (what, _, loc, kind, pkind) = (d.u8(), d.u64(), d.loc(), d.u8(), d.u8());
                    let id = d.str().to_owned();
                    let (finding, ty) = match (cat, what) {
                        (CAT_PLACE, 0) => {
                            (dataset::place_order(place_kind(kind), place_kind(pkind)), RecordType::Place)
                        }
                        (CAT_PLACE, _) => (dataset::place_cycle(), RecordType::Place),
                        _ => (dataset::organization_cycle(), RecordType::Organization),
                    };
                    Out::Dataset { loc: Some(loc), record: Some((ty, id)), finding }
                }
            };
            out(item)?;
        }
        Ok(())
    }
}

/// The places of the records counted invalid, in input order — which is their order by file
/// and line, so a file rather than a set in memory.
pub(crate) struct LocFile {
    w: BufWriter<File>,
    path: PathBuf,
}

impl LocFile {
    pub(crate) fn new(shared: &Shared) -> io::Result<Self> {
        let (path, f) = shared.file()?;
        Ok(LocFile { w: BufWriter::with_capacity(READ_BUF, f), path })
    }

    pub(crate) fn push(&mut self, l: Loc) -> io::Result<()> {
        self.w.write_all(&l.file.to_be_bytes())?;
        self.w.write_all(&l.line.to_be_bytes())
    }

    /// The places written so far, in order.
    pub(crate) fn read(&mut self) -> io::Result<impl Iterator<Item = io::Result<Loc>>> {
        self.w.flush()?;
        let mut r = BufReader::with_capacity(READ_BUF, File::open(&self.path)?);
        Ok(std::iter::from_fn(move || {
            let mut b = [0u8; 12];
            match r.read_exact(&mut b) {
                Ok(()) => Some(Ok(Dec(&b).loc())),
                Err(e) if e.kind() == io::ErrorKind::UnexpectedEof => None,
                Err(e) => Some(Err(e)),
            }
        }))
    }
}

/// A record that a dataset-level error makes invalid, as a sortable key: place, then type.
pub(crate) fn invalid_candidate(l: Loc, ty: RecordType) -> Vec<u8> {
    let mut e = Enc::default();
    e.loc(l).u8(type_index(ty));
    e.0
}

/// Back from [`invalid_candidate`].
pub(crate) fn read_candidate(b: &[u8]) -> (Loc, RecordType) {
    let mut d = Dec(b);
    (d.loc(), record_type(d.u8()))
}

/// The findings pushed into the report while a run spills, in push order, on disk: replayed
/// into the report at the end with the findings found at records put back in their place.
pub(crate) struct FindingLog {
    w: Option<BufWriter<File>>,
    path: PathBuf,
    len: u64,
    requirements: Vec<&'static str>,
}

const LEVELS: [Level; 3] = [Level::Info, Level::Warning, Level::Error];

impl FindingLog {
    pub(crate) fn new(shared: &Shared) -> io::Result<Self> {
        let (path, f) = shared.file()?;
        Ok(FindingLog { w: Some(BufWriter::with_capacity(READ_BUF, f)), path, len: 0, requirements: Vec::new() })
    }

    /// Findings written so far.
    pub(crate) fn len(&self) -> u64 {
        self.len
    }

    /// A finding as bytes (the requirement as a number into this log's table).
    pub(crate) fn encode(&mut self, f: &Finding) -> Vec<u8> {
        let mut e = Enc::default();
        let req = match f.requirement {
            None => u32::MAX,
            Some(r) => match self.requirements.iter().position(|x| *x == r) {
                Some(i) => i as u32,
                None => {
                    self.requirements.push(r);
                    self.requirements.len() as u32 - 1
                }
            },
        };
        let opt = |e: &mut Enc, s: &Option<String>| {
            e.u8(u8::from(s.is_some())).bytes(s.as_deref().unwrap_or("").as_bytes());
        };
        e.bytes(f.code.as_bytes()).u8(LEVELS.iter().position(|l| *l == f.level).unwrap_or(0) as u8).u32(req);
        opt(&mut e, &f.file);
        e.u8(u8::from(f.line.is_some())).u64(f.line.unwrap_or(0));
        e.bytes(f.pointer.as_bytes());
        e.u8(f.record_type.map_or(u8::MAX, type_index));
        opt(&mut e, &f.record_id);
        opt(&mut e, &f.value);
        e.bytes(f.message_zh.as_bytes()).bytes(f.message_en.as_bytes());
        e.0
    }

    pub(crate) fn decode(&self, b: &[u8]) -> Finding {
        let mut d = Dec(b);
        let code = d.str().to_owned();
        let level = LEVELS.get(d.u8() as usize).copied().unwrap_or(Level::Error);
        let req = d.u32();
        let opt = |d: &mut Dec<'_>| {
            let has = d.u8() == 1;
            let s = d.str().to_owned();
            has.then_some(s)
        };
        let file = opt(&mut d);
        let (has_line, line) = (d.u8() == 1, d.u64());
        let pointer = d.str().to_owned();
        let ty = d.u8();
        let record_id = opt(&mut d);
        let value = opt(&mut d);
        let (zh, en) = (d.str().to_owned(), d.str().to_owned());
        let mut f = Finding::with_code(code, level, self.requirements.get(req as usize).copied(), zh, en).at(pointer);
        f.file = file;
        f.line = has_line.then_some(line);
        f.record_type = (ty != u8::MAX).then(|| record_type(ty));
        f.record_id = record_id;
        f.value = value;
        f
    }

    pub(crate) fn push(&mut self, f: &Finding) -> io::Result<()> {
        let rec = self.encode(f);
        if let Some(w) = self.w.as_mut() {
            write_rec(w, &rec)?;
        }
        self.len += 1;
        Ok(())
    }

    /// The findings in push order.
    pub(crate) fn read(&mut self) -> io::Result<BufReader<File>> {
        if let Some(mut w) = self.w.take() {
            w.flush()?;
        }
        Ok(BufReader::with_capacity(READ_BUF, File::open(&self.path)?))
    }

    pub(crate) fn next(&self, r: &mut BufReader<File>) -> io::Result<Option<Finding>> {
        Ok(read_rec(r)?.map(|b| self.decode(&b)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_parse_with_binary_units() {
        assert_eq!(parse_size("512M"), Some(512 << 20));
        assert_eq!(parse_size("2G"), Some(2 << 30));
        assert_eq!(parse_size("2g"), Some(2 << 30));
        assert_eq!(parse_size("64KiB"), Some(64 << 10));
        assert_eq!(parse_size("1 MB"), Some(1 << 20));
        assert_eq!(parse_size("4096"), Some(4096));
        assert_eq!(parse_size("1T"), Some(1 << 40));
        for bad in ["", "M", "0", "0M", "-1G", "1.5G", "12X", "G12", "99999999999999999999", "16777216T", "1 G B"] {
            assert_eq!(parse_size(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn the_sorter_merges_many_runs_in_several_passes() {
        let stats = Arc::new(SpillStats::default());
        let parent = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let shared = Shared::new(Some(parent.path()), stats.clone()).unwrap_or_else(|e| panic!("{e}"));
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(shared.dir.path()).map(|m| m.permissions().mode()).unwrap_or(0);
            assert_eq!(mode & 0o777, 0o700, "the spill folder is the user's alone");
        }
        let mut s = Sorter::new(shared.clone(), 4096);
        let mut want: Vec<Vec<u8>> = Vec::new();
        let mut x: u64 = 7;
        for _ in 0..20_000 {
            x = x.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            let rec = format!("{:x}", x >> (x % 50)).into_bytes();
            s.push(&rec).unwrap_or_else(|e| panic!("{e}"));
            want.push(rec);
        }
        want.sort();
        let mut m = s.finish().unwrap_or_else(|e| panic!("{e}"));
        let mut got = Vec::new();
        while let Some(r) = m.next_rec().unwrap_or_else(|e| panic!("{e}")) {
            got.push(r);
        }
        assert_eq!(got, want);
        assert!(stats.runs.load(Ordering::Relaxed) > 10);
        assert!(stats.merges.load(Ordering::Relaxed) > 1);
        drop(m);
        drop(shared);
        assert_eq!(std::fs::read_dir(parent.path()).map(|d| d.count()).unwrap_or(1), 0, "folder removed");
    }
}
