//! # linli-synth — synthetic Linli datasets
//!
//! `linli generate` builds a valid synthetic community dataset of any size: a place hierarchy
//! down to rooms in 姑苏区 (320508), households of residents with resident ID numbers whose check
//! characters, birth dates and genders agree, organizations, devices, a day of events and cases
//! at every stage of their lifecycle. The same seed gives the same bytes.
//!
//! With a defect rate, a share of the records carries exactly one seeded defect of a known kind,
//! each producing exactly one finding with a known code; the [`Summary`] counts them, so a test
//! (or a vendor) can check that a validator reports exactly the seeded defects.

use std::collections::{BTreeMap, HashMap};
use std::io::Write;
use std::path::{Path, PathBuf};

use linli_model::case::{Assignee, Case, Evaluation, Rating};
use linli_model::codes::{
    CareTag, CaseCategory, CaseChannel, CaseStatus, CodeTable, DataClassification, EthnicGroup, EventCategory, Gender,
    IdentifierScheme, OrganizationKind, PlaceKind, Relationship, ResidenceKind, RoomUse, Severity, SharingLevel,
    ThingKind, ThingStatus,
};
use linli_model::datetime::{Date, Timestamp};
use linli_model::event::{Event, Measurement};
use linli_model::manifest::{MANIFEST_FILE, Manifest, ManifestFile, Producer};
use linli_model::person::{Household, Identifier, Residence};
use linli_model::place::StandardAddress;
use linli_model::reference::Ref;
use linli_model::text::{CreditCode, DivisionCode, HouseholdId, Id, PhoneNumber, Sha256, Text, UnitCode};
use linli_model::{Meta, Organization, Person, Place, RecordType, Thing};
use rand_core::{Rng, SeedableRng};
use serde_json::Value;
use sha2::Digest;

/// Errors of the generator.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// Writing the output failed.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// The configuration is out of range.
    #[error("{0}")]
    Config(String),
}

/// Which record types to generate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Mix {
    /// A whole community: all six types, references resolving.
    Community,
    /// Person records only (their residences point to rooms that are not in the output), for
    /// benchmarks of record-level validation.
    PersonsOnly,
}

/// What to generate.
#[derive(Debug, Clone)]
pub struct Config {
    /// Number of records (approximately the total; exactly for [`Mix::PersonsOnly`]).
    pub records: u64,
    /// Seed: the same seed gives the same output.
    pub seed: u64,
    /// Share of records, 0.0–1.0, that carry one seeded defect.
    pub defect_rate: f64,
    /// Record types.
    pub mix: Mix,
    /// Threads that write the records out as JSON; 0: one per core. The output is the same,
    /// byte for byte, whatever the number.
    pub threads: usize,
}

/// What was generated.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct Summary {
    /// The seed.
    pub seed: u64,
    /// Records per type.
    pub records: BTreeMap<String, u64>,
    /// Seeded defects per finding code they must produce.
    pub defects: BTreeMap<String, u64>,
    /// Files written, relative to the output directory.
    pub files: Vec<String>,
}

/// The kinds of seeded defect, each with the finding code it produces.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Defect {
    IdCheckCharacter,
    PhoneShape,
    UnknownGender,
    MissingName,
    UnknownMember,
    TimeWithoutOffset,
    DuplicatePerson,
    UnresolvedRef,
    DuplicateId,
    EventTimeOrder,
    IllegalTransition,
    UnknownThingKind,
}

impl Defect {
    /// The code it produces: a semantic check's ([`FindingCode`]) or one the validator shares with
    /// this crate ([`SharedCode`]), typed, so that a mistyped code does not compile.
    fn code(self) -> &'static str {
        use linli_model::check::{FindingCode, SharedCode};
        match self {
            Defect::IdCheckCharacter => FindingCode::IdNumberCheckCharacter.as_str(),
            Defect::PhoneShape => FindingCode::PhoneShape.as_str(),
            Defect::UnknownGender | Defect::UnknownThingKind => SharedCode::SchemaCode.as_str(),
            Defect::MissingName => SharedCode::SchemaRequired.as_str(),
            Defect::UnknownMember => SharedCode::SchemaUnknownMember.as_str(),
            Defect::TimeWithoutOffset => SharedCode::SchemaTimestamp.as_str(),
            Defect::DuplicatePerson => SharedCode::DuplicatePerson.as_str(),
            Defect::UnresolvedRef => SharedCode::RefUnresolved.as_str(),
            Defect::DuplicateId => SharedCode::DuplicateId.as_str(),
            Defect::EventTimeOrder => FindingCode::TimeOrder.as_str(),
            Defect::IllegalTransition => FindingCode::CaseTransitionIllegal.as_str(),
        }
    }
}

const SURNAMES: &[&str] = &[
    "王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡", "郭", "何", "高", "林",
    "罗", "郑", "梁", "谢", "宋", "唐", "许", "韩", "冯", "邓", "曹", "彭", "曾", "肖", "田", "董", "袁", "潘", "蒋",
    "蔡", "顾",
];
const GIVEN_M: &[&str] = &[
    "伟", "强", "磊", "军", "洋", "勇", "杰", "涛", "明", "超", "建国", "志强", "国华", "文博", "子轩", "浩然", "宇航",
    "俊杰",
];
const GIVEN_F: &[&str] = &[
    "芳", "娜", "秀英", "敏", "静", "丽", "艳", "娟", "霞", "玉兰", "桂英", "秀兰", "雨涵", "欣怡", "梓涵", "诗琪",
    "佳怡", "婉清",
];
const ROADS: &[&str] = &["山塘街", "虎丘路", "白莲浜路", "留园路", "广济北路", "桐泾北路"];
/// Address codes of resident IDs: today's 姑苏区 and the districts it was merged from.
const ID_AREAS: &[&str] = &["320508", "320503", "320504", "320505", "320506", "320507"];

struct Rand(rand_chacha::ChaCha8Rng);

impl Rand {
    fn below(&mut self, n: u64) -> u64 {
        if n == 0 { 0 } else { self.0.next_u64() % n }
    }
    fn chance(&mut self, p: f64) -> bool {
        (self.0.next_u64() >> 11) as f64 / (1u64 << 53) as f64 <= p && p > 0.0
    }
    fn pick<'a, T>(&mut self, xs: &'a [T]) -> &'a T {
        &xs[self.below(xs.len() as u64) as usize]
    }
}

fn text(s: impl Into<String>) -> Text {
    // Generated strings are never blank.
    Text::new(s).unwrap_or_else(|_| unreachable!("generated text is valid"))
}

fn id(s: impl Into<String>) -> Id {
    Id::new(s).unwrap_or_else(|_| unreachable!("generated id is valid"))
}

fn ts(unix: i64) -> Timestamp {
    let dt = time::OffsetDateTime::from_unix_timestamp(unix)
        .unwrap_or(time::OffsetDateTime::UNIX_EPOCH)
        .to_offset(time::macros::offset!(+8));
    Timestamp::from_offset_datetime(dt)
}

/// 2024-05-01T00:00:00+08:00
const T0: i64 = 1_714_492_800;
/// 2024-05-21T00:00:00+08:00, the day of the events.
const EVENT_DAY: i64 = 1_716_220_800;

/// The output files, written in the order records are made, each hashed as it is written.
struct Files {
    dir: PathBuf,
    files: Vec<(RecordType, String, std::io::BufWriter<std::fs::File>, sha2::Sha256, u64)>,
}

impl Files {
    fn writer(&mut self, ty: RecordType) -> Result<usize, Error> {
        if let Some(i) = self.files.iter().position(|f| f.0 == ty) {
            return Ok(i);
        }
        let name = format!("{}.ndjson", ty.schema_stem());
        let path = self.dir.join(&name);
        let file = std::fs::File::create(&path).map_err(|source| Error::Io { path, source })?;
        self.files.push((ty, name, std::io::BufWriter::with_capacity(1 << 20, file), sha2::Sha256::new(), 0));
        Ok(self.files.len() - 1)
    }

    /// Write one line (`bytes` ends with its line break).
    fn line(&mut self, ty: RecordType, bytes: &[u8]) -> Result<(), Error> {
        let i = self.writer(ty)?;
        let f = &mut self.files[i];
        f.2.write_all(bytes).map_err(|source| Error::Io { path: self.dir.join(&f.1), source })?;
        f.3.update(bytes);
        f.4 += 1;
        Ok(())
    }
}

/// A record made, to be written out as one line of JSON.
enum Rec {
    Person(Box<Person>, Option<Defect>),
    Organization(Box<Organization>),
    Place(Box<Place>),
    Thing(Box<Thing>, Option<Defect>),
    Event(Box<Event>),
    Value(Value),
}

/// A record as JSON, with `defect` (if any) applied to it first.
fn json_of<T: serde::Serialize>(record: &T, defect: Option<Defect>, out: &mut Vec<u8>) {
    match defect {
        None => {
            let _ = serde_json::to_writer(&mut *out, record);
        }
        Some(d) => {
            let mut v = serde_json::to_value(record).unwrap_or(Value::Null);
            apply(&mut v, d);
            let _ = serde_json::to_writer(&mut *out, &v);
        }
    }
}

impl Rec {
    /// Append the record's line to `out`.
    fn write(&self, out: &mut Vec<u8>) {
        match self {
            Rec::Person(r, d) => json_of(r.as_ref(), *d, out),
            Rec::Organization(r) => json_of(r.as_ref(), None, out),
            Rec::Place(r) => json_of(r.as_ref(), None, out),
            Rec::Thing(r, d) => json_of(r.as_ref(), *d, out),
            Rec::Event(r) => json_of(r.as_ref(), None, out),
            Rec::Value(v) => json_of(v, None, out),
        }
        out.push(b'\n');
    }
}

/// Records handed to the workers at a time.
const BATCH: usize = 2048;

/// A batch of records made, numbered in the order made.
type Made = (u64, Vec<(RecordType, Rec)>);
/// A batch as JSON: the lines and where each ends.
type Written = (u64, Vec<u8>, Vec<(RecordType, usize)>);

/// Where the records made go: written at once (one thread), or batched to workers that write
/// them as JSON while the next are made, a writer thread putting the lines into the files in the
/// order made. At most a few batches are in flight: memory stays flat in the number of records.
enum Out {
    Inline(Files, Vec<u8>),
    Pipeline { batch: Vec<(RecordType, Rec)>, index: u64, tx: std::sync::mpsc::SyncSender<Made> },
}

impl Out {
    fn push(&mut self, ty: RecordType, rec: Rec) -> Result<(), Error> {
        match self {
            Out::Inline(files, buf) => {
                buf.clear();
                rec.write(buf);
                files.line(ty, buf)
            }
            Out::Pipeline { batch, index, tx } => {
                batch.push((ty, rec));
                if batch.len() >= BATCH {
                    let full = std::mem::replace(batch, Vec::with_capacity(BATCH));
                    tx.send((*index, full)).map_err(|_| stopped())?;
                    *index += 1;
                }
                Ok(())
            }
        }
    }

    /// Hand out the last batch; the files, when written here.
    fn finish(self) -> Result<Option<Files>, Error> {
        match self {
            Out::Inline(files, _) => Ok(Some(files)),
            Out::Pipeline { batch, index, tx } => {
                if !batch.is_empty() {
                    tx.send((index, batch)).map_err(|_| stopped())?;
                }
                Ok(None)
            }
        }
    }
}

/// The writer stopped (its own error is reported).
fn stopped() -> Error {
    Error::Io { path: PathBuf::new(), source: std::io::Error::other("the writer thread stopped") }
}

struct Gen {
    rng: Rand,
    cfg: Config,
    out: Out,
    summary: Summary,
    id_seq: HashMap<(usize, i64), u32>,
    /// Resident ID, birth date and gender of some persons, for duplicate-person defects.
    earlier_ids: Vec<(String, Date, Gender)>,
    earlier_person_ids: Vec<String>,
    missing_refs: u64,
}

impl Gen {
    fn meta(&mut self, classification: DataClassification) -> Meta {
        let created = ts(T0 - 86_400 * 365 + self.rng.below(86_400 * 300) as i64);
        let mut m = Meta::new(text("苏州邻里示例科技有限公司"), text("社区综合治理平台"), created, classification);
        if self.rng.chance(0.3) {
            m.updated_at = ts(created.unix_timestamp() + self.rng.below(86_400 * 60) as i64);
            m.version = std::num::NonZeroU32::new(2 + self.rng.below(5) as u32).unwrap_or(std::num::NonZeroU32::MIN);
        }
        m
    }

    /// Write a record; its defect (if any) is applied to its JSON first.
    fn emit(&mut self, ty: RecordType, record: Rec) -> Result<(), Error> {
        if let Rec::Person(_, Some(d)) | Rec::Thing(_, Some(d)) = &record {
            *self.summary.defects.entry(d.code().to_owned()).or_default() += 1;
        }
        *self.summary.records.entry(ty.to_string()).or_default() += 1;
        self.out.push(ty, record)
    }

    fn resident_id(&mut self, birth: Date, gender: Gender) -> String {
        let area = self.rng.below(ID_AREAS.len() as u64) as usize;
        let days = birth.as_time_date().to_julian_day() as i64;
        let seq = self.id_seq.entry((area, days)).or_insert(0);
        let n = *seq;
        *seq += 1;
        // Three-digit sequence: the last digit is odd for men, even for women; 500 per day and area.
        let parity = u32::from(gender == Gender::Male);
        let code = (n % 500) * 2 + parity;
        let first17 = format!("{}{:04}{:02}{:02}{:03}", ID_AREAS[area], birth.year(), birth.month(), birth.day(), code);
        let check = linli_model::check::id_number::check_character(&first17).unwrap_or('0');
        format!("{first17}{check}")
    }

    /// Write one person; returns whether other records may refer to it by `pid`.
    fn person(&mut self, pid: &str, room: &str, hh: &str, rel: Relationship, age: (i32, i32)) -> Result<bool, Error> {
        let gender = match rel {
            Relationship::Husband | Relationship::Father => Gender::Male,
            Relationship::Wife | Relationship::Mother | Relationship::EldestDaughter | Relationship::OnlyDaughter => {
                Gender::Female
            }
            Relationship::EldestSon | Relationship::OnlySon => Gender::Male,
            _ => {
                if self.rng.chance(0.5) {
                    Gender::Male
                } else {
                    Gender::Female
                }
            }
        };
        let year = 2024 - age.0 - self.rng.below((age.1 - age.0 + 1) as u64) as i32;
        let birth = Date::from_ymd(year, 1 + self.rng.below(12) as u8, 1 + self.rng.below(28) as u8)
            .unwrap_or_else(|| unreachable!("days 1-28 exist"));
        let surname = *self.rng.pick(SURNAMES);
        let given = if gender == Gender::Male { *self.rng.pick(GIVEN_M) } else { *self.rng.pick(GIVEN_F) };
        let mut p = Person::new(id(pid), self.meta(DataClassification::Restricted), text(format!("{surname}{given}")));
        p.gender = Some(gender);
        p.birth_date = Some(birth);
        let rid = self.resident_id(birth, gender);
        p.identifiers.push(Identifier::new(IdentifierScheme::ResidentId, text(rid.clone())));
        p.ethnic_group = Some(if self.rng.chance(0.95) { EthnicGroup::Han } else { *self.rng.pick(EthnicGroup::ALL) });
        p.nationality = linli_model::text::CountryCode::new("CHN").ok();
        if year < 2010 {
            let phone = format!(
                "1{}{:09}",
                self.rng.pick(&["38", "39", "50", "58", "86", "88", "77"]),
                self.rng.below(1_000_000_000)
            );
            p.phones.push(PhoneNumber::new(&phone[..11]).unwrap_or_else(|_| unreachable!("valid mobile")));
        }
        let mut residence = Residence::new(
            Ref::to(id(room)),
            if self.rng.chance(0.85) { ResidenceKind::Registered } else { ResidenceKind::Tenant },
        );
        residence.since = Date::from_ymd(2000 + self.rng.below(24) as i32, 1 + self.rng.below(12) as u8, 1);
        p.residences.push(residence);
        p.household =
            Some(Household::new(HouseholdId::new(hh).unwrap_or_else(|_| unreachable!("valid household id")), rel));
        if year < 1950 && self.rng.chance(0.4) {
            p.care_tags.push(CareTag::ElderlyAdvanced);
        }
        // Defects that keep the record a well-formed Person except for one thing.
        let mut defect = self.pick_person_defect(rel);
        if defect == Some(Defect::DuplicatePerson) {
            match self.earlier_ids.last().cloned() {
                Some((other_id, b, g)) => {
                    p.identifiers[0].value = text(other_id);
                    p.birth_date = Some(b);
                    p.gender = Some(g);
                    p.name = text(format!("{surname}{given}"));
                }
                None => defect = None,
            }
        }
        if defect == Some(Defect::DuplicateId) {
            match self.earlier_person_ids.last().cloned() {
                // The earlier person is a head in another household: the duplicate keeps its
                // own, non-head membership, so no household check is disturbed.
                Some(other) if !rel_is_head(rel) && other != pid => p.id = id(other),
                _ => defect = None,
            }
        }
        if defect == Some(Defect::UnresolvedRef) {
            self.missing_refs += 1;
            p.residences[0].place = Ref::to(id(format!("L-MISSING-{}", self.missing_refs)));
        }
        if defect == Some(Defect::PhoneShape) {
            p.phones = vec![PhoneNumber::new("1234567").unwrap_or_else(|_| unreachable!("matches the pattern"))];
        }
        if self.earlier_ids.len() < 64 || self.rng.chance(0.01) {
            if self.earlier_ids.len() >= 64 {
                self.earlier_ids.remove(0);
            }
            self.earlier_ids.push((rid, birth, gender));
        }
        if rel_is_head(rel) && defect.is_none() {
            if self.earlier_person_ids.len() >= 16 {
                self.earlier_person_ids.remove(0);
            }
            self.earlier_person_ids.push(pid.to_owned());
        }
        // Structural defects are applied to the JSON.
        let json_defect = match defect {
            Some(
                d @ (Defect::IdCheckCharacter
                | Defect::UnknownGender
                | Defect::MissingName
                | Defect::UnknownMember
                | Defect::TimeWithoutOffset),
            ) => Some(d),
            _ => None,
        };
        if let Some(d) = defect.filter(|d| json_defect != Some(*d)) {
            *self.summary.defects.entry(d.code().to_owned()).or_default() += 1;
        }
        let referable = p.id.as_str() == pid;
        self.emit(RecordType::Person, Rec::Person(Box::new(p), json_defect))?;
        Ok(referable)
    }

    fn pick_person_defect(&mut self, rel: Relationship) -> Option<Defect> {
        if !self.rng.chance(self.cfg.defect_rate) {
            return None;
        }
        let community = self.cfg.mix == Mix::Community;
        // Record-level defects first (the persons-only mix draws from the first six), then the
        // dataset-level ones that only a whole community dataset can show.
        const ALL: [Defect; 9] = [
            Defect::IdCheckCharacter,
            Defect::PhoneShape,
            Defect::UnknownGender,
            Defect::MissingName,
            Defect::UnknownMember,
            Defect::TimeWithoutOffset,
            Defect::DuplicatePerson,
            Defect::UnresolvedRef,
            Defect::DuplicateId,
        ];
        let kinds: &[Defect] = match (community, rel_is_head(rel)) {
            (true, false) => &ALL,
            // Heads stay readable, so that every household keeps exactly one head.
            (true, true) => &[Defect::IdCheckCharacter, Defect::PhoneShape, Defect::UnresolvedRef],
            (false, false) => &ALL[..6],
            (false, true) => &ALL[..2],
        };
        let d = *self.rng.pick(kinds);
        Some(d)
    }
}

fn rel_is_head(rel: Relationship) -> bool {
    matches!(rel, Relationship::HouseholdHead | Relationship::Oneself)
}

/// Apply a JSON-level defect.
fn apply(v: &mut Value, d: Defect) {
    let Some(obj) = v.as_object_mut() else { return };
    match d {
        Defect::IdCheckCharacter => {
            if let Some(Value::String(s)) = obj.get_mut("identifiers").and_then(|i| i.pointer_mut("/0/value")) {
                let last = s.pop().unwrap_or('0');
                // Any other check character is wrong.
                s.push(if last == '0' { '1' } else { '0' });
            }
        }
        Defect::UnknownGender => {
            obj.insert("gender".into(), Value::String("3".into()));
        }
        Defect::MissingName => {
            obj.remove("name");
        }
        Defect::UnknownMember => {
            obj.insert("nickname".into(), Value::String("小名".into()));
        }
        Defect::TimeWithoutOffset => {
            if let Some(Value::String(s)) = obj.get_mut("meta").and_then(|m| m.get_mut("createdAt")) {
                s.truncate(19);
            }
        }
        Defect::UnknownThingKind => {
            obj.insert("kind".into(), Value::String("device.toaster".into()));
        }
        _ => {}
    }
}

/// Generate a dataset into `dir` (created if missing): one NDJSON file per record type and a
/// `manifest.json`. The records are made on this thread, in one sequence from the seed; with more
/// than one thread, workers write them out as JSON meanwhile and a writer puts the lines into the
/// files in the order made — the same bytes whatever the number of threads.
pub fn generate(cfg: &Config, dir: &Path) -> Result<Summary, Error> {
    if !(0.0..=1.0).contains(&cfg.defect_rate) {
        return Err(Error::Config(format!("defect rate {} is not within 0..=1", cfg.defect_rate)));
    }
    if cfg.records == 0 {
        return Err(Error::Config("the number of records must be at least 1".into()));
    }
    std::fs::create_dir_all(dir).map_err(|source| Error::Io { path: dir.to_path_buf(), source })?;
    let threads = match cfg.threads {
        0 => std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get),
        n => n,
    };
    let files = Files { dir: dir.to_path_buf(), files: Vec::new() };
    let make = |out: Out| {
        let mut g = Gen {
            rng: Rand(rand_chacha::ChaCha8Rng::seed_from_u64(cfg.seed)),
            cfg: cfg.clone(),
            out,
            summary: Summary { seed: cfg.seed, ..Default::default() },
            id_seq: HashMap::new(),
            earlier_ids: Vec::new(),
            earlier_person_ids: Vec::new(),
            missing_refs: 0,
        };
        let made = match cfg.mix {
            Mix::PersonsOnly => persons_only(&mut g),
            Mix::Community => community(&mut g),
        };
        (made, g.summary, g.out)
    };
    if threads <= 1 {
        let (made, summary, out) = make(Out::Inline(files, Vec::with_capacity(4096)));
        made?;
        let files = out.finish()?.unwrap_or_else(|| unreachable!("written inline"));
        return finish(cfg.mix, summary, files, dir);
    }
    let workers = threads;
    let (made_tx, made_rx) = std::sync::mpsc::sync_channel::<Made>(workers * 2);
    let (written_tx, written_rx) = std::sync::mpsc::sync_channel::<Written>(workers * 2);
    // Held by the workers only: once they have all stopped, making stops too.
    let made_rx = std::sync::Arc::new(std::sync::Mutex::new(made_rx));
    std::thread::scope(|scope| {
        for _ in 0..workers {
            let (made_rx, written_tx) = (std::sync::Arc::clone(&made_rx), written_tx.clone());
            scope.spawn(move || {
                loop {
                    let next = match made_rx.lock() {
                        Ok(rx) => rx.recv(),
                        Err(_) => return,
                    };
                    let Ok((index, batch)) = next else { return };
                    let mut bytes = Vec::with_capacity(batch.len() * 600);
                    let mut ends = Vec::with_capacity(batch.len());
                    for (ty, rec) in &batch {
                        rec.write(&mut bytes);
                        ends.push((*ty, bytes.len()));
                    }
                    if written_tx.send((index, bytes, ends)).is_err() {
                        return;
                    }
                }
            });
        }
        drop(written_tx);
        drop(made_rx);
        let writer = scope.spawn(move || -> Result<Files, Error> {
            let mut files = files;
            let mut ahead = BTreeMap::new();
            let mut next = 0u64;
            for (index, bytes, ends) in written_rx {
                ahead.insert(index, (bytes, ends));
                while let Some((bytes, ends)) = ahead.remove(&next) {
                    let mut start = 0;
                    for (ty, end) in ends {
                        // `ends` are the ends of the lines written to `bytes`, in order: the default
                        // (an empty line) is never taken.
                        files.line(ty, bytes.get(start..end).unwrap_or_default())?;
                        start = end;
                    }
                    next += 1;
                }
            }
            Ok(files)
        });
        let (made, summary, out) = make(Out::Pipeline { batch: Vec::with_capacity(BATCH), index: 0, tx: made_tx });
        let handed = out.finish();
        // The writer's own error first: a send fails only once it has stopped.
        let files = writer.join().unwrap_or_else(|_| Err(stopped()))?;
        made?;
        handed?;
        finish(cfg.mix, summary, files, dir)
    })
}

fn persons_only(g: &mut Gen) -> Result<(), Error> {
    let mut made = 0u64;
    let mut hh = 0u64;
    while made < g.cfg.records {
        hh += 1;
        let room = format!("L-ROOM-{hh:07}");
        let hid = format!("5022{hh:07}");
        let size = (1 + g.rng.below(4)).min(g.cfg.records - made);
        for m in 0..size {
            let rel = match m {
                0 => Relationship::HouseholdHead,
                1 => Relationship::Wife,
                2 => Relationship::EldestSon,
                _ => Relationship::EldestDaughter,
            };
            let age = if m < 2 { (30, 85) } else { (2, 25) };
            g.person(&format!("P-{:08}", made + 1), &room, &hid, rel, age)?;
            made += 1;
        }
    }
    Ok(())
}

struct Plan {
    communities: u64,
    grids_per: u64,
    compounds_per: u64,
    buildings_per: u64,
    units_per: u64,
    rooms_per: u64,
}

/// Compounds, units and rooms are numbered in the order they are made (0, 1, ...); their ids
/// are worked out from the number, so that no list of them is kept.
impl Plan {
    fn compounds(&self) -> u64 {
        self.communities * self.grids_per * self.compounds_per
    }

    fn units(&self) -> u64 {
        self.compounds() * self.buildings_per * self.units_per
    }

    fn rooms(&self) -> u64 {
        self.units() * self.rooms_per
    }

    fn compound_id(&self, i: u64) -> String {
        let cp = i % self.compounds_per + 1;
        let gr = (i / self.compounds_per) % self.grids_per + 1;
        let c = i / self.compounds_per / self.grids_per + 1;
        format!("L-C{c:03}-G{gr}-P{cp}")
    }

    fn unit_id(&self, i: u64) -> String {
        let u = i % self.units_per + 1;
        let b = (i / self.units_per) % self.buildings_per + 1;
        format!("{}-B{b}-U{u}", self.compound_id(i / self.units_per / self.buildings_per))
    }

    fn room_id(&self, i: u64) -> String {
        let r = i % self.rooms_per;
        format!("{}-{}{:02}", self.unit_id(i / self.rooms_per), 1 + r / 2, 1 + r % 2)
    }

    fn place_id(&self, at: At) -> String {
        match at {
            At::Unit(i) => self.unit_id(i),
            At::Compound(i) => self.compound_id(i),
        }
    }
}

/// Where a device is: a unit or a compound, by number.
#[derive(Debug, Clone, Copy)]
enum At {
    Unit(u64),
    Compound(u64),
}

/// The persons other records may refer to, without a list of them: persons are numbered 1, 2,
/// ... as made, and only those that may not be referred to (a duplicate id) are kept.
#[derive(Debug, Default)]
struct Persons {
    count: u64,
    /// Numbers of the persons that may not be referred to, in increasing order.
    skipped: Vec<u64>,
}

impl Persons {
    fn is_empty(&self) -> bool {
        self.count == 0
    }

    fn len(&self) -> u64 {
        self.count
    }

    /// The id of the `i`-th (0-based) person that may be referred to: the least `n` with
    /// `i + 1` such persons up to it.
    fn nth(&self, i: u64) -> String {
        let mut n = i + 1;
        loop {
            let next = i + 1 + self.skipped.partition_point(|s| *s <= n) as u64;
            if next == n {
                return format!("P-{n:07}");
            }
            n = next;
        }
    }
}

fn community(g: &mut Gen) -> Result<(), Error> {
    // About half of the records are persons, 2.8 to a household, a household to a room.
    let persons_goal = (g.cfg.records / 2).max(4);
    let rooms_goal = (persons_goal * 10 / 28).max(2);
    let plan = if rooms_goal <= 24 {
        Plan {
            communities: 1,
            grids_per: 1,
            compounds_per: 1,
            buildings_per: 1,
            units_per: 2,
            rooms_per: rooms_goal.div_ceil(2),
        }
    } else {
        let units = rooms_goal.div_ceil(12);
        let buildings = units.div_ceil(2);
        let compounds = buildings.div_ceil(4);
        let grids = compounds.div_ceil(2);
        let communities = grids.div_ceil(3);
        Plan {
            communities,
            grids_per: grids.div_ceil(communities),
            compounds_per: 2,
            buildings_per: 4,
            units_per: 2,
            rooms_per: 12,
        }
    };
    let place = |g: &mut Gen,
                 pid: String,
                 kind: PlaceKind,
                 name: String,
                 parent: Option<&str>,
                 code: Option<&str>|
     -> Result<(), Error> {
        let mut p = Place::new(id(pid), g.meta(DataClassification::Internal), kind, text(name));
        p.parent = parent.map(|x| Ref::to(id(x)));
        p.division_code = code.and_then(|c| DivisionCode::new(c).ok());
        g.emit(RecordType::Place, Rec::Place(Box::new(p)))
    };
    place(g, "L-JS".into(), PlaceKind::Province, "江苏省".into(), None, Some("320000"))?;
    place(g, "L-SZ".into(), PlaceKind::City, "苏州市".into(), Some("L-JS"), Some("320500"))?;
    place(g, "L-GS".into(), PlaceKind::District, "姑苏区".into(), Some("L-SZ"), Some("320508"))?;
    place(g, "L-HQ".into(), PlaceKind::SubDistrict, "虎丘街道".into(), Some("L-GS"), Some("320508022"))?;
    // Organizations: the sub-district office, one committee per community, one company per compound.
    let org = |g: &mut Gen,
               oid: &str,
               name: String,
               kind: OrganizationKind,
               place: &str,
               parent: Option<&str>|
     -> Result<(), Error> {
        let mut o = Organization::new(id(oid), g.meta(DataClassification::Public), text(name), kind);
        o.place = Some(Ref::to(id(place)));
        o.parent = parent.map(|p| Ref::to(id(p)));
        let org_code: String =
            (0..9).map(|_| char::from(b"0123456789ABCDEFGHJKLMNPQRTUWXY"[g.rng.below(31) as usize])).collect();
        let prefix = if kind == OrganizationKind::PropertyManagement { "91" } else { "55" };
        let first17 = format!("{prefix}320508{org_code}");
        let check = linli_model::check::credit_code::check_character(&first17).unwrap_or('0');
        o.credit_code = CreditCode::new(format!("{first17}{check}")).ok();
        g.emit(RecordType::Organization, Rec::Organization(Box::new(o)))
    };
    org(g, "O-SD-HQ", "虎丘街道办事处".into(), OrganizationKind::SubDistrictOffice, "L-HQ", None)?;
    for c in 1..=plan.communities {
        let cid = format!("L-C{c:03}");
        place(
            g,
            cid.clone(),
            PlaceKind::Community,
            format!("虎丘第{c}社区"),
            Some("L-HQ"),
            Some(&format!("320508022{:03}", c % 1000)),
        )?;
        org(
            g,
            &format!("O-RC-{c:03}"),
            format!("虎丘第{c}社区居民委员会"),
            OrganizationKind::ResidentCommittee,
            &cid,
            Some("O-SD-HQ"),
        )?;
        for gr in 1..=plan.grids_per {
            let gid = format!("{cid}-G{gr}");
            place(g, gid.clone(), PlaceKind::Grid, format!("第{gr}网格"), Some(&cid), None)?;
            for cp in 1..=plan.compounds_per {
                let pid = format!("{gid}-P{cp}");
                let name = *g.rng.pick(&["塔影", "白莲", "山塘", "留园", "枫桥"]);
                place(g, pid.clone(), PlaceKind::Compound, format!("{name}苑"), Some(&gid), None)?;
                org(
                    g,
                    &format!("O-PM-{c:03}{gr}{cp}"),
                    format!("苏州{name}物业管理有限公司"),
                    OrganizationKind::PropertyManagement,
                    &pid,
                    None,
                )?;
                for b in 1..=plan.buildings_per {
                    let bid = format!("{pid}-B{b}");
                    place(g, bid.clone(), PlaceKind::Building, format!("{b}幢"), Some(&pid), None)?;
                    for u in 1..=plan.units_per {
                        let uid = format!("{bid}-U{u}");
                        place(g, uid.clone(), PlaceKind::Unit, format!("{u}单元"), Some(&bid), None)?;
                        for r in 0..plan.rooms_per {
                            let rid = format!("{uid}-{}{:02}", 1 + r / 2, 1 + r % 2);
                            let mut p = Place::new(
                                id(rid.clone()),
                                g.meta(DataClassification::Internal),
                                PlaceKind::Room,
                                text(format!("{}{:02}室", 1 + r / 2, 1 + r % 2)),
                            );
                            p.parent = Some(Ref::to(id(uid.clone())));
                            p.room_use = Some(RoomUse::Residential);
                            p.area = Some(60.0 + g.rng.below(80) as f64 + 0.5);
                            // The members in the order the generator has always drawn them
                            // (road, door number, then the road of the full text): same bytes
                            // for a seed.
                            let road = text(*g.rng.pick(ROADS));
                            let door_number = text(format!("{}号", 1 + g.rng.below(300)));
                            let full_text = text(format!(
                                "江苏省苏州市姑苏区虎丘街道{}{b}幢{u}单元{}{:02}室",
                                g.rng.pick(ROADS),
                                1 + r / 2,
                                1 + r % 2
                            ));
                            p.address = Some(
                                StandardAddress::new(full_text)
                                    .with_province(text("江苏省"))
                                    .with_city(text("苏州市"))
                                    .with_district(text("姑苏区"))
                                    .with_sub_district(text("虎丘街道"))
                                    .with_community(text(format!("虎丘第{c}社区")))
                                    .with_road(road)
                                    .with_door_number(door_number)
                                    .with_building(text(format!("{b}幢")))
                                    .with_unit(text(format!("{u}单元")))
                                    .with_room(text(format!("{}{:02}室", 1 + r / 2, 1 + r % 2))),
                            );
                            g.emit(RecordType::Place, Rec::Place(Box::new(p)))?;
                        }
                    }
                }
            }
        }
    }
    // Persons, household by household.
    let mut persons = Persons::default();
    let mut n = 0u64;
    for i in 0..plan.rooms() {
        let room = &plan.room_id(i);
        let hid = format!("5022{:07}", i + 1);
        let size = 1 + g.rng.below(4);
        let shape: &[(Relationship, (i32, i32))] = match size {
            1 => &[(Relationship::HouseholdHead, (65, 95))],
            2 => &[(Relationship::HouseholdHead, (30, 80)), (Relationship::Wife, (30, 80))],
            3 => &[
                (Relationship::HouseholdHead, (30, 55)),
                (Relationship::Wife, (30, 55)),
                (Relationship::OnlySon, (2, 25)),
            ],
            _ => &[
                (Relationship::HouseholdHead, (35, 60)),
                (Relationship::Wife, (35, 60)),
                (Relationship::EldestDaughter, (5, 30)),
                (Relationship::Mother, (60, 90)),
            ],
        };
        for (rel, age) in shape {
            n += 1;
            let pid = format!("P-{n:07}");
            if g.person(&pid, room, &hid, *rel, *age)? {
                persons.count += 1;
            } else {
                persons.skipped.push(n);
            }
        }
    }
    // Things: an access gate and a smoke sensor per unit, a camera per compound.
    let mut things: Vec<(u64, ThingKind, At)> = Vec::new();
    let mut thing_no = 0u64;
    for ui in 0..plan.units() {
        let unit = &plan.unit_id(ui);
        for kind in [ThingKind::AccessGate, ThingKind::SmokeSensor] {
            thing_no += 1;
            let tid = format!("T-{thing_no:07}");
            let mut t = Thing::new(id(tid.clone()), g.meta(DataClassification::Internal), kind);
            t.name = Some(text(format!("{}{}", unit, kind.label_zh())));
            t.status = Some(if g.rng.chance(0.95) { ThingStatus::Online } else { ThingStatus::Offline });
            t.place = Some(Ref::to(id(unit.clone())));
            t.manufacturer = Some(text(*g.rng.pick(&["海康威视", "大华", "宇视"])));
            let defect = (g.rng.chance(g.cfg.defect_rate)).then_some(Defect::UnknownThingKind);
            g.emit(RecordType::Thing, Rec::Thing(Box::new(t), defect))?;
            if defect.is_none() {
                things.push((thing_no, kind, At::Unit(ui)));
            }
        }
    }
    for ci in 0..plan.compounds() {
        let compound = &plan.compound_id(ci);
        thing_no += 1;
        let tid = format!("T-{thing_no:07}");
        let mut t = Thing::new(id(tid.clone()), g.meta(DataClassification::Internal), ThingKind::Camera);
        t.place = Some(Ref::to(id(compound.clone())));
        t.device_code =
            linli_model::text::DeviceCode::new(format!("32050800001320{:06}", things.len() % 1_000_000)).ok();
        g.emit(RecordType::Thing, Rec::Thing(Box::new(t), None))?;
        things.push((thing_no, ThingKind::Camera, At::Compound(ci)));
    }
    // Events: a day of passages, readings and alarms.
    let events_goal = (g.cfg.records / 5).max(1);
    // Per event (numbered as made), the device it came from.
    let mut events: Vec<u32> = Vec::new();
    for e in 0..events_goal {
        let which = g.rng.below(things.len() as u64) as usize;
        let Some(&(thing, kind, at)) = things.get(which) else { break };
        let (tid, place) = (format!("T-{thing:07}"), plan.place_id(at));
        let at = ts(EVENT_DAY + 6 * 3600 + (e * 57_600 / events_goal) as i64);
        let (category, severity) = match kind {
            ThingKind::AccessGate => (EventCategory::AccessPass, Severity::Info),
            ThingKind::SmokeSensor if g.rng.chance(0.05) => (EventCategory::Smoke, Severity::High),
            ThingKind::SmokeSensor => (EventCategory::SensorReading, Severity::Info),
            _ if g.rng.chance(0.1) => (EventCategory::FireLaneBlocked, Severity::Medium),
            _ => (EventCategory::VehiclePass, Severity::Info),
        };
        let eid = format!("E-{:08}", e + 1);
        let mut ev = Event::new(id(eid.clone()), g.meta(DataClassification::Restricted), category, at, severity);
        ev.source = Some(Ref::to(id(tid)));
        ev.place = Some(Ref::to(id(place.clone())));
        if category == EventCategory::AccessPass && !persons.is_empty() {
            let who = persons.nth(g.rng.below(persons.len()));
            ev.subjects
                .push(Ref::new(RecordType::Person, id(who)).unwrap_or_else(|_| unreachable!("persons are subjects")));
        }
        if category == EventCategory::SensorReading {
            ev.measurements.push(Measurement::new(
                text("smokeObscuration"),
                (g.rng.below(50) as f64) / 10.0,
                UnitCode::new("P1").unwrap_or_else(|_| unreachable!("valid unit code")),
            ));
        }
        let defect = g.rng.chance(g.cfg.defect_rate);
        if defect {
            ev.ended_at = Some(ts(at.unix_timestamp() - 60));
            *g.summary.defects.entry(Defect::EventTimeOrder.code().to_owned()).or_default() += 1;
        } else if g.rng.chance(0.2) {
            ev.ended_at = Some(ts(at.unix_timestamp() + 30));
        }
        g.emit(RecordType::Event, Rec::Event(Box::new(ev)))?;
        events.push(u32::try_from(which).unwrap_or(u32::MAX));
    }
    // Cases at every stage.
    let cases_goal = (g.cfg.records / 25).max(1);
    let stages: &[&[CaseStatus]] = &[
        &[],
        &[CaseStatus::Accepted],
        &[CaseStatus::Accepted, CaseStatus::Dispatched],
        &[CaseStatus::Accepted, CaseStatus::Dispatched, CaseStatus::InProgress],
        &[CaseStatus::Accepted, CaseStatus::Dispatched, CaseStatus::InProgress, CaseStatus::Resolved],
        &[
            CaseStatus::Accepted,
            CaseStatus::Dispatched,
            CaseStatus::InProgress,
            CaseStatus::Resolved,
            CaseStatus::Verified,
            CaseStatus::Closed,
        ],
        &[CaseStatus::Rejected, CaseStatus::Closed],
    ];
    for c in 0..cases_goal {
        let reported = ts(EVENT_DAY + 8 * 3600 + (c * 3600 * 10 / cases_goal) as i64);
        let mut case = Case::reported(
            id(format!("C-{:07}", c + 1)),
            g.meta(DataClassification::Restricted),
            *g.rng.pick(CaseCategory::ALL),
            *g.rng.pick(CaseChannel::ALL),
            text(*g.rng.pick(&[
                "楼道堆放杂物",
                "电动车违规充电",
                "路灯不亮",
                "井盖破损",
                "噪音扰民",
                "消防通道被占用",
            ])),
            reported,
        );
        let which = g.rng.below(events.len() as u64) as usize;
        let event = events.get(which).and_then(|t| things.get(*t as usize));
        if let Some(&(_, _, at)) = event {
            let (eid, place) = (format!("E-{:08}", which + 1), plan.place_id(at));
            case.events.push(Ref::to(id(eid)));
            case.place = Some(Ref::to(id(place)));
        }
        if !persons.is_empty() && g.rng.chance(0.6) {
            case.reporter = Some(Ref::to(id(persons.nth(g.rng.below(persons.len())))));
        } else {
            case.anonymous = true;
        }
        let path = *g.rng.pick(stages);
        let mut at = reported.unix_timestamp();
        for s in path {
            at += 600 + g.rng.below(7200) as i64;
            let _ = case.transition(*s, ts(at), None, None);
        }
        if path.len() >= 2 && path[0] == CaseStatus::Accepted {
            case.assignee =
                Some(Assignee::new().with_organization(Ref::to(id(format!("O-RC-{:03}", 1 + c % plan.communities)))));
        }
        if case.status() == CaseStatus::Closed && path.len() > 2 && g.rng.chance(0.7) {
            case.evaluation = Some(
                Evaluation::new(Rating::new(3 + g.rng.below(3) as u8).unwrap_or_else(|_| unreachable!("3..=5")))
                    .with_at(ts(at + 3600)),
            );
        }
        let mut v = serde_json::to_value(&case).unwrap_or(Value::Null);
        if g.rng.chance(g.cfg.defect_rate) {
            // reported → closed is not a transition the state machine allows.
            // A case's history always holds its first step, to `reported` [CAS-007]: the default
            // (no time) is never taken.
            let last = case.history().last().map(|t| t.at.to_string()).unwrap_or_default();
            let from = case.status();
            let to = CaseStatus::ALL
                .iter()
                .copied()
                .find(|s| !from.may_become(*s) && *s != from)
                .unwrap_or(CaseStatus::Reported);
            if let Some(h) = v.get_mut("history").and_then(Value::as_array_mut) {
                h.push(serde_json::json!({"at": last, "from": from.code(), "to": to.code()}));
            }
            v["status"] = Value::String(to.code().to_owned());
            // A case whose status went back before `resolved` must not keep its evaluation.
            if let Some(o) = v.as_object_mut() {
                o.remove("evaluation");
            }
            *g.summary.defects.entry(Defect::IllegalTransition.code().to_owned()).or_default() += 1;
        }
        g.emit(RecordType::Case, Rec::Value(v))?;
    }
    Ok(())
}

fn finish(mix: Mix, mut summary: Summary, out: Files, dir: &Path) -> Result<Summary, Error> {
    let mut files = Vec::new();
    for (ty, name, mut w, hasher, n) in out.files {
        w.flush().map_err(|source| Error::Io { path: dir.join(&name), source })?;
        let digest = hasher.finalize();
        let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
        files.push(ManifestFile::new(
            name.clone(),
            ty,
            n,
            Sha256::new(hex).unwrap_or_else(|_| unreachable!("64 hex digits")),
        ));
        summary.files.push(name);
    }
    files.sort_by(|a, b| a.path.cmp(&b.path));
    summary.files.sort();
    let producer = Producer::new(text("Linli"), text("linli generate"), text(env!("CARGO_PKG_VERSION")));
    let manifest = Manifest::new(producer, ts(T0 + 21 * 86_400), SharingLevel::Internal, files)
        // Persons-only output refers to rooms it does not hold.
        .with_external_refs(
            (mix == Mix::PersonsOnly).then(|| linli_model::manifest::ExternalRef::every(RecordType::Place)),
        );
    let path = dir.join(MANIFEST_FILE);
    // A manifest that does not serialise is an error naming the file, never an empty manifest.
    let mut json =
        serde_json::to_string_pretty(&manifest).map_err(|e| Error::Io { path: path.clone(), source: e.into() })?;
    json.push('\n');
    std::fs::write(&path, json).map_err(|source| Error::Io { path, source })?;
    Ok(summary)
}
