//! Judging a `share` case (class `privacy`, `[CNF-036]`): the product exported records at a
//! sharing level, pseudonymising with the test key the harness sent and judging ages at the
//! reference time the harness sent. The export must be a clean dataset at that level holding the
//! same records, whose manifest states the reference time, the profile and the key id of the key
//! sent; its pseudonyms, birth periods, rounded coordinates and communities must be those the
//! spec's rules give for the values sent; the members no profile touches must come back unchanged;
//! and none of the raw values the level forbids may appear anywhere in it.
//!
//! The expectations are computed here from the rules of chapter 19 (HMAC-SHA256 with the `hmac`
//! crate directly, not through `linli-privacy`, the implementation the reference adapter uses);
//! `conformance/tools/share_known_answers.py` computes the same values with Python's standard
//! library, and the tests hold the two together.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use hmac::{Hmac, Mac};
use serde_json::Value;
use sha2::{Digest, Sha256};

use crate::protocol::{CaseResponse, Request};
use crate::runner::{CaseResult, ExportUnchecked, Outcome, dataset_findings, dataset_records, listed};
use crate::vector::{Class, DocumentVector, Verdict, dataset_cases};

/// The requirements every share case verifies, besides those its dataset case cites.
const SHARE_REQUIREMENTS: &[&str] = &[
    "CNF-036", "DAT-017", "DAT-018", "SHR-003", "SHR-015", "SHR-020", "SHR-021", "SHR-022", "SHR-024", "SHR-030",
    "SHR-050", "SHR-007", "SHR-060", "SHR-061", "SHR-062",
];

/// The test key the harness sends for a case `[CNF-036]`: different per case, so that a product
/// that keeps a key of its own is caught by the key id and by the tokens.
pub(crate) fn test_key(case: &str) -> String {
    format!("linli-conformance-test-key/{case}")
}

/// The key id of `key` `[SHR-022]`: the first 16 lower-case hexadecimal digits of
/// SHA-256(`linli-key-id` 0x1F key).
pub(crate) fn key_id(key: &[u8]) -> String {
    let mut h = Sha256::new();
    h.update(b"linli-key-id\x1f");
    h.update(key);
    linli_model::support::hex::encode(&h.finalize())[..16].to_owned()
}

/// The token of `value` in `domain` under `key` `[SHR-020]`: HMAC-SHA256(key, domain 0x1F value)
/// in 64 lower-case hexadecimal digits.
pub(crate) fn token(key: &[u8], domain: &str, value: &str) -> String {
    let Ok(mut mac) = <Hmac<Sha256> as Mac>::new_from_slice(key) else {
        return String::new();
    };
    mac.update(domain.as_bytes());
    mac.update(b"\x1f");
    mac.update(value.as_bytes());
    linli_model::support::hex::encode(&mac.finalize().into_bytes())
}

/// The five-year band `[SHR-012]` holding `year`: from the year divisible by five at or before it.
pub(crate) fn five_year_band(year: i32) -> (i32, i32) {
    let start = year - year.rem_euclid(5);
    (start, start + 4)
}

/// `x` rounded to `decimals` places, halves away from zero `[SHR-014]`.
pub(crate) fn round_to(x: f64, decimals: i32) -> f64 {
    let f = 10f64.powi(decimals);
    (x * f).round() / f
}

/// The share cases of a suite, with the reference time of each.
pub(crate) struct Shares {
    /// One pseudo-vector per share case (class `privacy`), its `record` the records to send.
    pub(crate) vectors: Vec<DocumentVector>,
    /// Case ID → the reference time: the `createdAt` of the case's dataset manifest.
    times: BTreeMap<String, String>,
}

/// The share sources: the export cases, and the `internal` dataset cases whose only findings
/// are the free-text warnings of [SHR-040] and [SHR-041] (free text holding numbers, which a
/// product must mask when it shares `[SHR-042]`).
fn sources(suite: &Path, exports: &[DocumentVector]) -> (Vec<DocumentVector>, BTreeMap<String, String>) {
    let mut out: Vec<DocumentVector> = exports.to_vec();
    let mut times = BTreeMap::new();
    // A suite whose dataset cases do not read is refused before any case runs (the coverage
    // gate, `suite-refused` [CNF-020]): the default, no dataset cases, is then never judged.
    for (dir, case) in dataset_cases(suite).unwrap_or_default() {
        let manifest: Value = crate::runner::read_text_result(&dir.join("dataset/manifest.json"))
            .ok()
            .and_then(|t| serde_json::from_str(&t).ok())
            .unwrap_or(Value::Null);
        if let Some(t) = manifest.get("createdAt").and_then(Value::as_str) {
            times.insert(case.id.clone(), t.to_owned());
        }
        let free_text_only = !case.expected.is_empty()
            && case.expected.iter().all(|f| matches!(f.code.as_str(), "free-text-mobile" | "free-text-id-number"));
        let internal = manifest.get("sharingLevel").and_then(Value::as_str) == Some("internal");
        let external = manifest.get("externalRefs").and_then(Value::as_array).is_some_and(|a| !a.is_empty());
        if free_text_only && internal && !external && !case.dataset_checks {
            out.push(DocumentVector {
                id: case.id,
                description: case.description,
                class: Class::Core,
                requirements: case.requirements,
                record: Value::Array(dataset_records(&dir.join("dataset"))),
                verdict: Verdict::Valid,
                schema_verdict: Verdict::Valid,
                findings: Vec::new(),
            });
        }
    }
    (out, times)
}

impl Shares {
    /// Every export case, and every dataset case of [`sources`], as a share case.
    pub(crate) fn new(suite: &Path, exports: &[DocumentVector]) -> Shares {
        let (sources, times) = sources(suite, exports);
        let vectors = sources
            .into_iter()
            .map(|v| {
                let mut requirements: Vec<String> = SHARE_REQUIREMENTS.iter().map(|s| (*s).to_owned()).collect();
                for r in &v.requirements {
                    if (r.starts_with("PRI-") || r.starts_with("SHR-")) && !requirements.contains(r) {
                        requirements.push(r.clone());
                    }
                }
                DocumentVector { class: Class::Privacy, requirements, ..v }
            })
            .collect();
        Shares { vectors, times }
    }

    /// The reference time of a case: its dataset's `createdAt`.
    fn reference_time(&self, case: &str) -> String {
        self.times.get(case).cloned().unwrap_or_else(|| "2024-05-22T00:00:00+08:00".to_owned())
    }

    /// The `share` request of a case at `level` `[CNF-036]`.
    pub(crate) fn request(&self, v: &DocumentVector, level: &str, seq: u64, dir: &Path) -> Request {
        Request::Share {
            seq,
            case: v.id.clone(),
            level: level.to_owned(),
            // Export and share vectors are made by `export_cases` with `record` the array of the
            // dataset's records: the default, no records, is never taken.
            records: v.record.as_array().cloned().unwrap_or_default(),
            directory: dir.display().to_string(),
            key: test_key(&v.id),
            reference_time: self.reference_time(&v.id),
        }
    }

    /// Judge the dataset the product wrote into `dir` for a `share` case at `level`.
    pub(crate) fn judge(&self, v: &DocumentVector, level: &str, r: &CaseResponse, dir: &Path, result: &mut CaseResult) {
        if let Some(e) = &r.error {
            result.outcome = Outcome::Fail;
            result.detail_zh = format!("产品无法按共享级别导出：{e}");
            result.detail_en = format!("the product could not share: {e}");
            return;
        }
        let key = test_key(&v.id);
        let reference = self.reference_time(&v.id);
        // Export and share vectors are made by `export_cases` with `record` the array of the
        // dataset's records: the default, no records, is never taken.
        let sent: Vec<Value> = v.record.as_array().cloned().unwrap_or_default();
        let mut p = Problems::default();
        let back = dataset_records(dir);
        // A key id is needed when the export holds a pseudonymised value `[DAT-017]`.
        let pseudonymised = back.iter().any(|b| {
            b.get("household").is_some()
                || b.get("identifiers")
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
                    .any(|i| i["scheme"] == "pseudonym")
        });
        judge_manifest(dir, &Expected { level, reference: &reference, key: &key, pseudonymised }, &mut p);
        // The validator's checks, leak checks included (they follow the declared level).
        match dataset_findings(dir) {
            Err(ExportUnchecked::NoValidator(e) | ExportUnchecked::Unreadable(e)) => {
                p.add(format!("导出目录无法读取：{e}"), format!("the export cannot be read: {e}"));
            }
            Ok(found) if !found.is_empty() => {
                p.add(
                    format!("校验发现问题：{}", listed(&found, true)),
                    format!("validation findings: {}", listed(&found, false)),
                );
            }
            Ok(_) => {}
        }
        let mut want: Vec<_> = sent.iter().map(type_id).collect();
        let mut got: Vec<_> = back.iter().map(type_id).collect();
        want.sort();
        got.sort();
        if want != got {
            p.add(
                format!("记录的类型与标识不同：发出 {} 条，导出 {} 条", want.len(), got.len()),
                format!("record types and ids differ: {} sent, {} exported", want.len(), got.len()),
            );
        }
        let reference_date = linli_model::datetime::Timestamp::parse(&reference).ok().map(|t| t.local_date());
        judge_values(&sent, &back, &Judged { level, key: key.as_bytes(), reference_date }, &mut p);
        // The key itself never in the export `[SHR-021]`.
        if files_contain(dir, key.as_bytes()) {
            p.add("导出中出现了密钥本身".into(), "the key itself appears in the export".into());
        }
        let leaked: Vec<String> = {
            let forbidden = forbidden(&sent, level);
            let mut texts = Vec::new();
            for b in &back {
                strings(b, &mut texts);
            }
            leaked(&forbidden, &texts)
        };
        if !leaked.is_empty() {
            p.add(
                format!("导出中仍有原始的个人信息：{}", listed(&leaked, true)),
                format!("raw personal information left in the export: {}", listed(&leaked, false)),
            );
        }
        // Names of the persons and contacts sent, in kept free text: the check `linli mask`
        // runs on what it writes `[SHR-043]`, `[SHR-052]`.
        for (ty, id, pointer) in names_left(&sent, &back, level) {
            p.add(
                format!("{ty} `{id}`：{pointer} 中仍有所发人员或联系人的姓名"),
                format!("{ty} `{id}`: {pointer} still holds the name of a person or contact sent"),
            );
        }
        if p.en.is_empty() {
            result.outcome = Outcome::Pass;
            result.detail_zh = format!("按 {level} 级别导出的数据集有效、无泄露，记录完整，假名、泛化与密钥标识正确");
            result.detail_en = format!(
                "a clean dataset at level {level}: no leak, every record present, pseudonyms, generalisations and key id right"
            );
        } else {
            result.outcome = Outcome::Fail;
            result.detail_zh = p.zh.join("；");
            result.detail_en = p.en.join("; ");
        }
    }
}

/// What is wrong with an export, in Chinese and English. No message quotes a personal value in
/// full `[PRI-004]`.
#[derive(Default)]
struct Problems {
    zh: Vec<String>,
    en: Vec<String>,
}

impl Problems {
    fn add(&mut self, zh: String, en: String) {
        self.zh.push(zh);
        self.en.push(en);
    }
}

/// What the manifest of a share export must state.
struct Expected<'a> {
    level: &'a str,
    reference: &'a str,
    key: &'a str,
    /// Whether the export holds pseudonymised values (then `protection.keyId` is required).
    pseudonymised: bool,
}

/// The manifest: the level, the reference time as `createdAt`, `protection` with the key id of
/// the key sent `[DAT-017]`, `[DAT-018]`, `[SHR-022]`, `[SHR-007]`.
fn judge_manifest(dir: &Path, e: &Expected<'_>, p: &mut Problems) {
    let (level, reference, key) = (e.level, e.reference, e.key);
    let manifest: Value = crate::runner::read_text_result(&dir.join(linli_model::manifest::MANIFEST_FILE))
        .ok()
        .and_then(|t| serde_json::from_str(&t).ok())
        .unwrap_or(Value::Null);
    let declared = manifest.get("sharingLevel").and_then(Value::as_str).unwrap_or("(none)");
    if declared != level {
        p.add(
            format!("清单声明的共享级别为 {declared}，应为 {level}"),
            format!("the manifest declares sharing level {declared}, not {level}"),
        );
    }
    let ts = |s: Option<&str>| s.and_then(|s| linli_model::datetime::Timestamp::parse(s).ok());
    let created = ts(manifest.get("createdAt").and_then(Value::as_str));
    let want = ts(Some(reference));
    if created.is_none() || created.zip(want).is_some_and(|(a, b)| a.cmp_instant(&b) != std::cmp::Ordering::Equal) {
        p.add(
            format!("清单的 createdAt 不是请求给出的参考时间 {reference}"),
            format!("the manifest's createdAt is not the reference time {reference} of the request"),
        );
    }
    match manifest.get("protection") {
        None => p.add("清单缺少 protection".into(), "the manifest has no protection".into()),
        Some(prot) => {
            let want = key_id(key.as_bytes());
            match prot.get("keyId").and_then(Value::as_str) {
                // Never quoted: it may be a key.
                Some(k) if k != want => p.add(
                    format!("protection.keyId 不是所发测试密钥的密钥标识 {want}"),
                    format!("protection.keyId is not {want}, the key id of the test key sent"),
                ),
                None if e.pseudonymised => p.add(
                    format!("导出含假名化的值，但 protection 缺少 keyId（应为 {want}）"),
                    format!("the export holds pseudonymised values but protection has no keyId (it should be {want})"),
                ),
                _ => {}
            }
        }
    }
}

fn type_id(r: &Value) -> (String, String) {
    // A record without a string type or id gets the default, empty, which matches no record
    // sent: it is then reported as one that was not sent.
    let s = |k: &str| r.get(k).and_then(Value::as_str).unwrap_or_default().to_owned();
    (s("type"), s("id"))
}

fn date_of(s: &str) -> Option<linli_model::datetime::Date> {
    linli_model::datetime::Date::parse(s).ok()
}

/// The members of each record type that no built-in profile touches: neither marked (chapter
/// 16) nor free text (which [SHR-042] may mask), nor `meta` or `extensions`. They come back as
/// they were sent `[SHR-015]`, `[SHR-024]`.
fn untouched(ty: &str, member: &str) -> bool {
    let touched: &[&str] = match ty {
        "Person" => &[
            "name",
            "gender",
            "birthDate",
            "birthPeriod",
            "identifiers",
            "ethnicGroup",
            "nationality",
            "phones",
            "residences",
            "household",
            "education",
            "politicalStatus",
            "careTags",
        ],
        "Organization" => &["name", "legalRepresentative", "contacts"],
        "Place" => &["name", "address"],
        "Thing" => &["name", "place", "owner", "vehicle"],
        "Event" => &["place", "location", "subjects", "description", "media"],
        "Case" => &["title", "description", "resolution", "reporter", "place", "location", "history", "evaluation"],
        _ => &[],
    };
    !touched.contains(&member) && member != "meta" && member != "extensions"
}

/// Whether a member came back as it was sent, as a consumer reads it: an absent member is the
/// same as an empty array, an empty object or `false` `[CON-007]`.
fn same_member(sent: Option<&Value>, back: Option<&Value>) -> bool {
    let empty = |v: &Value| match v {
        Value::Array(a) => a.is_empty(),
        Value::Object(o) => o.is_empty(),
        Value::Bool(b) => !b,
        _ => false,
    };
    match (sent, back) {
        (Some(a), Some(b)) => same(a, b),
        (Some(v), None) | (None, Some(v)) => empty(v),
        (None, None) => true,
    }
}

/// Equal values, with timestamps compared as instants `[CON-024]` and numbers by value
/// `[CON-008]`; object members by [`same_member`].
fn same(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::String(x), Value::String(y)) if x != y => {
            let t = |s: &str| linli_model::datetime::Timestamp::parse(s).ok();
            t(x).zip(t(y)).is_some_and(|(x, y)| x.cmp_instant(&y) == std::cmp::Ordering::Equal)
        }
        (Value::Number(x), Value::Number(y)) => x.as_f64() == y.as_f64(),
        (Value::Array(x), Value::Array(y)) => x.len() == y.len() && x.iter().zip(y).all(|(x, y)| same(x, y)),
        (Value::Object(x), Value::Object(y)) => {
            x.iter().all(|(k, v)| same_member(Some(v), y.get(k)))
                && y.iter().all(|(k, v)| x.contains_key(k) || same_member(None, Some(v)))
        }
        _ => a == b,
    }
}

/// The nearest Place of kind `community` on the parent chain of `id` (itself included), from the
/// Places sent `[SHR-013]`.
fn community_of<'a>(places: &'a BTreeMap<&str, &Value>, id: &'a str) -> Option<&'a str> {
    // However far up; a loop ends the walk.
    let mut cur = id;
    let mut seen = std::collections::HashSet::new();
    while seen.insert(cur) {
        let p = places.get(cur)?;
        if p.get("kind").and_then(Value::as_str) == Some("community") {
            return Some(cur);
        }
        cur = p.pointer("/parent/id").and_then(Value::as_str)?;
    }
    None
}

/// Whether `coords` are `sent` rounded to `decimals` (or, with `None`, unchanged), and 2-D
/// when rounded.
fn coordinates_right(sent: &Value, back: &Value, decimals: Option<i32>) -> bool {
    let nums = |v: &Value| -> Vec<f64> {
        v.get("coordinates").and_then(Value::as_array).into_iter().flatten().filter_map(Value::as_f64).collect()
    };
    let (s, b) = (nums(sent), nums(back));
    match decimals {
        None => s == b,
        Some(d) => b.len() == 2 && s.len() >= 2 && (0..2).all(|i| (round_to(s[i], d) - b[i]).abs() < 1e-9),
    }
}

/// The values the spec's rules give for what was sent: tokens with the key sent `[SHR-020]`,
/// `[SHR-023]`; birth periods holding the birth date `[SHR-012]`; coordinates rounded to three
/// decimals at `public` `[SHR-014]`; residences at `public` the right community `[SHR-013]`;
/// untouched members unchanged `[SHR-015]`. A member the export lacks is not judged here: a
/// product may treat more strongly than the built-in profile `[SHR-060]`, and what the level
/// requires to be gone the validator checks.
/// The level, key and reference date a share case is judged by.
struct Judged<'a> {
    level: &'a str,
    key: &'a [u8],
    /// The date of the reference time, for ages `[SHR-007]`.
    reference_date: Option<linli_model::datetime::Date>,
}

/// The birth date a sent Person shows: `birthDate`, else a valid resident ID number, else the
/// start of `birthPeriod` `[SHR-005]`.
fn birth_of(r: &Value) -> Option<linli_model::datetime::Date> {
    if let Some(d) = r.get("birthDate").and_then(Value::as_str).and_then(date_of) {
        return Some(d);
    }
    for i in r.get("identifiers").and_then(Value::as_array).into_iter().flatten() {
        if i["scheme"] == "resident-id" {
            if let Some(Ok(id)) = i["value"].as_str().map(linli_model::check::id_number::parse) {
                return Some(id.birth_date);
            }
        }
    }
    r.pointer("/birthPeriod/start").and_then(Value::as_str).and_then(date_of)
}

/// Under fourteen on `on`: the fourteenth birthday falls after it `[PRI-007]`, `[SHR-007]`.
fn under_fourteen(birth: linli_model::datetime::Date, on: linli_model::datetime::Date) -> bool {
    (on.year() - 14, on.month(), on.day()) < (birth.year(), birth.month(), birth.day())
}

/// The top-level members of a Person that the built-in profile of `level` drops for a person
/// under fourteen `[SHR-005]`: what the export of a minor must not hold, even when nothing left
/// in the exported record shows the age any more (the validator cannot tell; the judge knows
/// what was sent).
fn dropped_for_minors(level: &str) -> Vec<&'static str> {
    let Some(level) = <linli_model::codes::SharingLevel as linli_model::codes::CodeTable>::from_code(level) else {
        return Vec::new();
    };
    let Ok(profile) = linli_privacy::Profile::for_level(level) else { return Vec::new() };
    profile
        .members(linli_model::RecordType::Person)
        .iter()
        .filter(|m| m.segments.len() == 1 && profile.resolve(m, true) == linli_privacy::Action::Drop)
        .filter_map(|m| m.segments.first().copied())
        .collect()
}

fn judge_values(sent: &[Value], back: &[Value], j: &Judged<'_>, p: &mut Problems) {
    let (level, key) = (j.level, j.key);
    let public = level == "public";
    let minor_drops = dropped_for_minors(level);
    let by_key: BTreeMap<(String, String), &Value> = back.iter().map(|b| (type_id(b), b)).collect();
    let places: BTreeMap<&str, &Value> = sent
        .iter()
        .filter(|r| r.get("type").and_then(Value::as_str) == Some("Place"))
        .filter_map(|r| r.get("id").and_then(Value::as_str).map(|id| (id, r)))
        .collect();
    for s in sent {
        let (ty, id) = type_id(s);
        let Some(b) = by_key.get(&(ty.clone(), id.clone())) else { continue };
        let at = format!("{ty} `{id}`");
        let mut bad = |what_zh: &str, what_en: &str| p.add(format!("{at}：{what_zh}"), format!("{at}: {what_en}"));
        // Untouched members unchanged.
        for (m, sv) in s.as_object().into_iter().flatten() {
            if untouched(&ty, m) && !same_member(Some(sv), b.get(m)) {
                bad(&format!("未标注的成员 /{m} 被改变或删除"), &format!("unmarked member /{m} changed or removed"));
            }
        }
        if ty == "Person" {
            // A person under fourteen at the reference time: what the level drops for minors is gone.
            if birth_of(s).zip(j.reference_date).is_some_and(|(b, on)| under_fourteen(b, on)) {
                for m in minor_drops.iter().filter(|m| b.get(**m).is_some()) {
                    bad(
                        &format!("参考时间时未满十四周岁者的 /{m} 应删除"),
                        &format!("/{m} of a person under fourteen at the reference time must be dropped"),
                    );
                }
            }
            // Pseudonyms: each `pseudonym` identifier the export holds is the token of one sent.
            let tokens: BTreeSet<String> = s
                .get("identifiers")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(|i| {
                    let scheme = i.get("scheme").and_then(Value::as_str)?;
                    let value = i.get("value").and_then(Value::as_str)?;
                    Some(if scheme == "pseudonym" { value.to_owned() } else { token(key, scheme, value) })
                })
                .collect();
            for i in b.get("identifiers").and_then(Value::as_array).into_iter().flatten() {
                if i.get("scheme").and_then(Value::as_str) == Some("pseudonym")
                    && !i.get("value").and_then(Value::as_str).is_some_and(|v| tokens.contains(v))
                {
                    bad(
                        "假名不是以所发密钥计算的 HMAC-SHA256",
                        "a pseudonym is not the HMAC-SHA256 under the key sent",
                    );
                }
            }
            let sent_household = s.pointer("/household/householdId").and_then(Value::as_str);
            if let (Some(h), Some(got)) = (sent_household, b.pointer("/household/householdId").and_then(Value::as_str))
            {
                if got != &token(key, "household", h)[..32] {
                    bad(
                        "户号假名不是以所发密钥计算的标记前 32 位",
                        "the household pseudonym is not the first 32 digits of its token under the key sent",
                    );
                }
            }
            // Birth periods hold the birth date (or the period) sent.
            let birth = s.get("birthDate").and_then(Value::as_str).and_then(date_of).map(|d| (d, d)).or_else(|| {
                let g = |k: &str| s.pointer(&format!("/birthPeriod/{k}")).and_then(Value::as_str).and_then(date_of);
                g("start").zip(g("end"))
            });
            let period = {
                let g = |k: &str| b.pointer(&format!("/birthPeriod/{k}")).and_then(Value::as_str).and_then(date_of);
                g("start").zip(g("end"))
            };
            if let (Some((a, z)), Some((start, end))) = (birth, period) {
                // At `public` a birth date becomes exactly its five-year band.
                let band = s.get("birthDate").and_then(Value::as_str).and_then(date_of).filter(|_| public).map(|d| {
                    let (y0, y1) = five_year_band(d.year());
                    (linli_model::datetime::Date::from_ymd(y0, 1, 1), linli_model::datetime::Date::from_ymd(y1, 12, 31))
                });
                let wrong = match band {
                    Some((y0, y1)) => y0 != Some(start) || y1 != Some(end),
                    None => !(start <= a && z <= end),
                };
                if wrong {
                    bad(
                        "出生时段不是所发出生日期的时段（公开级别：其五年区间）",
                        "the birth period is not that of the birth date sent (at public: its five-year band)",
                    );
                }
            }
            // Residences: unchanged below `public`; at `public` the nearest community of one sent.
            if let Some(rs) = b.get("residences").and_then(Value::as_array) {
                let sent_rs: Vec<&Value> =
                    s.get("residences").and_then(Value::as_array).into_iter().flatten().collect();
                for r in rs {
                    // A residence without a place id: the default, empty, matches no residence sent.
                    let place = r.pointer("/place/id").and_then(Value::as_str).unwrap_or_default();
                    let ok = if public {
                        sent_rs.iter().any(|x| {
                            x.pointer("/place/id").and_then(Value::as_str).and_then(|pid| community_of(&places, pid))
                                == Some(place)
                                && x.get("kind") == r.get("kind")
                        }) && r.get("since").is_none()
                            && r.get("until").is_none()
                    } else {
                        sent_rs.iter().any(|x| same(x, r))
                    };
                    if !ok {
                        bad(
                            "居住地不是所发居住地（公开级别：其最近的社区）",
                            "a residence is not one sent (at public: the nearest community of one sent)",
                        );
                    }
                }
            }
        }
        if ty == "Event" || ty == "Case" {
            if let (Some(sl), Some(bl)) = (s.get("location"), b.get("location")) {
                if !coordinates_right(sl, bl, public.then_some(3)) {
                    bad(
                        "坐标不是所发坐标（公开级别：取整到三位小数且无高度）",
                        "the coordinates are not those sent (at public: rounded to three decimals, no altitude)",
                    );
                }
            }
        }
    }
}

/// Whether any file under `dir` holds `needle`.
fn files_contain(dir: &Path, needle: &[u8]) -> bool {
    let Ok(entries) = std::fs::read_dir(dir) else { return false };
    entries.flatten().any(|e| {
        let p = e.path();
        if p.is_dir() {
            files_contain(&p, needle)
        } else {
            linli_model::member::read_regular(&p)
                .is_ok_and(|b| !needle.is_empty() && b.windows(needle.len()).any(|w| w == needle))
        }
    })
}

/// The values that must not leave, raw, at any level above `internal`: identity numbers,
/// telephone numbers (persons' and contacts'), contact names, plate numbers, whatever a media
/// item or `extensions` holds (dropped at both levels), and the identity and mobile numbers in
/// free text `[SHR-042]`; at `public` also the names of persons. Values masked (`*`) or
/// pseudonymised already are not raw and are left out.
pub(crate) fn forbidden(records: &[Value], level: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let mut add = |v: Option<&Value>, min: usize| {
        if let Some(s) = v.and_then(Value::as_str) {
            if s.chars().count() >= min && !s.contains('*') {
                out.insert(s.to_owned());
            }
        }
    };
    for r in records {
        for i in r.get("identifiers").and_then(Value::as_array).into_iter().flatten() {
            if i.get("scheme").and_then(Value::as_str) != Some("pseudonym") {
                add(i.get("value"), 2);
            }
        }
        for p in r.get("phones").and_then(Value::as_array).into_iter().flatten() {
            add(Some(p), 2);
        }
        for c in r.get("contacts").and_then(Value::as_array).into_iter().flatten() {
            add(c.get("phone"), 2);
            add(c.get("name"), 2);
        }
        add(r.pointer("/vehicle/plateNumber"), 2);
        let mut held = Vec::new();
        for m in ["media", "extensions"] {
            if let Some(v) = r.get(m) {
                strings(v, &mut held);
            }
        }
        for s in held {
            add(Some(&Value::String(s.to_owned())), 6);
        }
        if level == "public" && r.get("type").and_then(Value::as_str) == Some("Person") {
            add(r.get("name"), 2);
        }
        if let Ok(typed) = serde_json::from_value::<linli_model::Record>(r.clone()) {
            for (_, text) in linli_privacy::leak::free_text(&typed) {
                for hit in linli_privacy::leak::scan_text(text) {
                    add(text.get(hit.start..hit.end).map(|n| Value::String(n.to_owned())).as_ref(), 2);
                }
            }
        }
    }
    out
}

/// The values of `forbidden` that `texts` hold, masked ([`linli_model::check::mask_middle`]),
/// however a node wrote them: a personal number found by [`linli_model::redact::personal_numbers`]
/// (separators, full-width digits, Chinese numerals) whose digits are those of a value, or a value
/// found once white space, invisible and format characters, dots and dashes are removed from both
/// (`周·建·国`, `周\u{200b}建\u{200b}国`) `[SHR-042]` `[SHR-062]`. The one judgement of a leak of
/// the classes `share` and `api` `[CNF-036]`.
pub(crate) fn leaked(forbidden: &BTreeSet<String>, texts: &[&str]) -> Vec<String> {
    // Each text as written and as decoded: a value percent-encoded, written as `\u0033` escapes
    // inside a string, or in the decimal digits of another script is still the value.
    let read: Vec<String> = texts.iter().flat_map(|t| [(*t).to_owned(), decoded(t)]).collect();
    let squeezed: Vec<String> = read.iter().map(|t| squeeze(t)).collect();
    let numbers: BTreeSet<String> = read
        .iter()
        .flat_map(|t| linli_model::redact::personal_numbers(t))
        .map(|n| n.plain().to_ascii_uppercase())
        .collect();
    forbidden
        .iter()
        .filter(|f| {
            let s = squeeze(f);
            let as_number = linli_model::redact::personal_numbers(f)
                .iter()
                .any(|n| numbers.contains(&n.plain().to_ascii_uppercase()));
            as_number || (!s.is_empty() && squeezed.iter().any(|t| t.contains(s.as_str())))
        })
        .map(|f| linli_model::check::mask_middle(f))
        .collect::<BTreeSet<String>>()
        .into_iter()
        .collect()
}

/// The first code point of each run of ten Unicode decimal digits (general category Nd) but the
/// ASCII and full-width ones, which the personal-number reading already knows.
const ND_ZEROS: &[u32] = &[
    0x0660, 0x06F0, 0x07C0, 0x0966, 0x09E6, 0x0A66, 0x0AE6, 0x0B66, 0x0BE6, 0x0C66, 0x0CE6, 0x0D66, 0x0DE6, 0x0E50,
    0x0ED0, 0x0F20, 0x1040, 0x1090, 0x17E0, 0x1810, 0x1946, 0x19D0, 0x1A80, 0x1A90, 0x1B50, 0x1BB0, 0x1C40, 0x1C50,
    0xA620, 0xA8D0, 0xA900, 0xA9D0, 0xA9F0, 0xAA50, 0xABF0, 0x104A0, 0x10D30, 0x11066, 0x110F0, 0x11136, 0x111D0,
    0x112F0, 0x11450, 0x114D0, 0x11650, 0x116C0, 0x11730, 0x118E0, 0x11950, 0x11C50, 0x11D50, 0x11DA0, 0x11F50,
    0x16A60, 0x16AC0, 0x16B50, 0x1D7CE, 0x1D7D8, 0x1D7E2, 0x1D7EC, 0x1D7F6, 0x1E140, 0x1E2F0, 0x1E4F0, 0x1E950,
    0x1FBF0,
];

/// `text` with `%XX` percent-encoding and literal `\uXXXX` escapes (surrogate pairs too) decoded
/// and every Unicode decimal digit read as its ASCII digit `[CNF-036]`.
fn decoded(text: &str) -> String {
    // Percent-encoding: the bytes decoded, what is not UTF-8 kept as U+FFFD.
    let bytes = text.as_bytes();
    let mut raw = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            if let (Some(h), Some(l)) = (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                raw.push((h * 16 + l) as u8);
                i += 3;
                continue;
            }
        }
        raw.push(bytes[i]);
        i += 1;
    }
    let text = String::from_utf8_lossy(&raw);
    // `\uXXXX` written as text.
    let chars: Vec<char> = text.chars().collect();
    let unit = |at: usize| -> Option<u32> {
        if chars.get(at) == Some(&'\\') && matches!(chars.get(at + 1), Some('u' | 'U')) {
            let h: String = chars.get(at + 2..at + 6)?.iter().collect();
            u32::from_str_radix(&h, 16).ok()
        } else {
            None
        }
    };
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < chars.len() {
        if let Some(u) = unit(i) {
            let (c, used) = match (u, unit(i + 6)) {
                (0xD800..=0xDBFF, Some(lo @ 0xDC00..=0xDFFF)) => {
                    (char::from_u32(0x10000 + ((u - 0xD800) << 10) + (lo - 0xDC00)), 12)
                }
                _ => (char::from_u32(u), 6),
            };
            if let Some(c) = c {
                out.push(c);
                i += used;
                continue;
            }
        }
        let c = chars[i];
        let cp = u32::from(c);
        let digit = ND_ZEROS.iter().find(|z| (**z..**z + 10).contains(&cp)).and_then(|z| char::from_digit(cp - z, 10));
        out.push(digit.unwrap_or(c));
        i += 1;
    }
    out
}

/// `text` without the characters a node may put between those of a value: white space, the
/// separators of personal numbers ([`linli_model::redact::is_number_separator`]: dots, dashes,
/// invisible characters) and the format characters of Unicode (direction marks and the like).
fn squeeze(text: &str) -> String {
    text.chars()
        .filter(|c| {
            !linli_model::redact::is_number_separator(*c)
                && !matches!(c, '\u{180e}' | '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2061}'..='\u{2064}' | '\u{2066}'..='\u{206f}' | '\u{061c}' | '\u{fff9}'..='\u{fffb}')
        })
        .collect()
}

/// The free-text members of the records exported that hold the name of a person or contact
/// sent (type, id, pointer; never the name), as the self-check of `linli mask` finds them
/// (`linli_privacy::leak::names_in_text` with the names of [`linli_privacy::leak::Names`])
/// `[SHR-043]`, `[SHR-052]`. At `internal` names may stay.
pub(crate) fn names_left(sent: &[Value], back: &[Value], level: &str) -> Vec<(String, String, String)> {
    if level == "internal" {
        return Vec::new();
    }
    let mut names = linli_privacy::leak::Names::default();
    sent.iter().for_each(|r| names.add_record(r));
    let mut out = Vec::new();
    for b in back {
        let Ok(typed) = serde_json::from_value::<linli_model::Record>(b.clone()) else { continue };
        for l in linli_privacy::leak::names_in_text(&typed, &names) {
            let (ty, id) = type_id(b);
            out.push((ty, linli_model::redact::for_output(&id).into_owned(), l.pointer));
        }
    }
    out
}

/// Every string in a JSON value.
pub(crate) fn strings<'a>(v: &'a Value, out: &mut Vec<&'a str>) {
    match v {
        Value::String(s) => out.push(s),
        Value::Array(a) => a.iter().for_each(|x| strings(x, out)),
        Value::Object(o) => o.values().for_each(|x| strings(x, out)),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_raw_value_is_a_leak_whatever_stands_between_its_characters() {
        let forbidden: BTreeSet<String> =
            ["周建国", "320504193802143110", "13812345678", "苏E12345"].into_iter().map(str::to_owned).collect();
        let leaks = |text: &str| leaked(&forbidden, &[text]);
        for text in [
            "周建国",
            "周\u{200b}建\u{200b}国",
            "周·建·国",
            "周 建-国",
            "周\u{200e}建国",
            "3·2·0·5·0·4·1·9·3·8·0·2·1·4·3·1·1·0",
            "3\u{200b}2\u{200b}0504193802143110",
            "１３８１２３４５６７８",
            "一三八一二三四五六七八",
            "138-1234-5678",
            "苏E·12345",
            // Encoded: percent-encoding, `\u` escapes written as text, digits of other scripts.
            "%33%32%30%35%30%34%31%39%33%38%30%32%31%34%33%31%31%30",
            "%E5%91%A8%E5%BB%BA%E5%9B%BD",
            "\\u0031\\u0033\\u0038\\u0031\\u0032\\u0033\\u0034\\u0035\\u0036\\u0037\\u0038",
            "\\u5468\\u5efa\\u56fd",
            "\u{663}\u{662}\u{660}\u{665}\u{660}\u{664}\u{661}\u{669}\u{663}\u{668}\u{660}\u{662}\u{661}\u{664}\u{663}\u{661}\u{661}\u{660}",
            "\u{1d7cf}\u{1d7d1}\u{1d7d6}\u{1d7cf}\u{1d7d0}\u{1d7d1}\u{1d7d2}\u{1d7d3}\u{1d7d4}\u{1d7d5}\u{1d7d6}",
        ] {
            assert_eq!(leaks(text).len(), 1, "{text}");
        }
        // A surrogate pair written as text is one character.
        assert_eq!(decoded("\\ud842\\udfb7"), "\u{20bb7}");
        // A stray `%` or `\u` is kept as it is.
        assert_eq!(decoded("100% \\uZZ %4"), "100% \\uZZ %4");
        // Masked, or another person's number: no leak.
        for text in ["周*国", "320***********3110", "13912345678", "苏E*****5", "周建军"] {
            assert!(leaks(text).is_empty(), "{text}");
        }
        // What is reported is masked.
        assert_eq!(leaks("周·建·国"), ["周*国"]);
    }

    /// The known answers of `conformance/tools/share-known-answers.json`, computed with Python's
    /// `hmac` and `hashlib` by `conformance/tools/share_known_answers.py`, never by this code.
    #[test]
    fn the_judge_computes_what_python_computes() {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../conformance/tools/share-known-answers.json");
        let text = crate::runner::read_text(&path);
        let ka: Value = serde_json::from_str(&text).unwrap_or(Value::Null);
        let mut checked = 0;
        for k in ka["keys"].as_array().into_iter().flatten() {
            let key = k["key"].as_str().unwrap_or_default();
            assert_eq!(key_id(key.as_bytes()), k["keyId"].as_str().unwrap_or_default(), "key id of {key}");
            checked += 1;
        }
        for t in ka["tokens"].as_array().into_iter().flatten() {
            let s = |n: &str| t[n].as_str().unwrap_or_default().to_owned();
            assert_eq!(token(s("key").as_bytes(), &s("domain"), &s("value")), s("token"), "token {}", s("domain"));
            checked += 1;
        }
        for c in ka["cases"].as_array().into_iter().flatten() {
            let case = c["case"].as_str().unwrap_or_default();
            assert_eq!(test_key(case), c["key"].as_str().unwrap_or_default());
            checked += 1;
        }
        for b in ka["bands"].as_array().into_iter().flatten() {
            let y = b["year"].as_i64().and_then(|y| i32::try_from(y).ok()).unwrap_or(0);
            let want = (b["start"].as_i64().unwrap_or(0), b["end"].as_i64().unwrap_or(0));
            let got = five_year_band(y);
            assert_eq!((i64::from(got.0), i64::from(got.1)), want, "band of {y}");
            checked += 1;
        }
        for r in ka["rounded"].as_array().into_iter().flatten() {
            let x = r["value"].as_f64().unwrap_or(f64::NAN);
            assert!((round_to(x, 3) - r["rounded"].as_f64().unwrap_or(f64::NAN)).abs() < 1e-9, "{x}");
            checked += 1;
        }
        // Communities and minors of DS-0038, from its records.
        let records = dataset_records(&crate::vector::suite_dir().join("datasets/share-every-member/dataset"));
        let places: BTreeMap<&str, &Value> = records
            .iter()
            .filter(|r| r["type"] == "Place")
            .filter_map(|r| r["id"].as_str().map(|id| (id, r)))
            .collect();
        for (room, community) in ka["communities"].as_object().into_iter().flatten() {
            assert_eq!(community_of(&places, room), community.as_str(), "community of {room}");
            checked += 1;
        }
        let on = ka["minorsAt"]["referenceTime"]
            .as_str()
            .and_then(|t| linli_model::datetime::Timestamp::parse(t).ok())
            .map(|t| t.local_date());
        for (list, minor) in [("under14", true), ("adults", false)] {
            for id in ka["minorsAt"][list].as_array().into_iter().flatten() {
                let r = records.iter().find(|r| r["type"] == "Person" && r["id"] == *id);
                let got = r.and_then(birth_of).zip(on).map(|(b, on)| under_fourteen(b, on));
                assert_eq!(got, Some(minor), "{id}");
                checked += 1;
            }
        }
        assert!(checked >= 25, "only {checked} known answers");
    }

    /// The example of spec chapter 19 `[SHR-022]`, `[SHR-020]`.
    #[test]
    fn the_example_of_the_spec() {
        assert_eq!(key_id(b"0123456789abcdef"), "1eb13412fef3131c");
        assert_eq!(
            token(b"0123456789abcdef", "resident-id", "11010519491231002X"),
            "9c948c2ac0931d56892843d5888e2785a8af40619406fed123d53cf6bab0626e"
        );
    }

    #[test]
    fn a_wrong_token_a_wrong_band_and_unrounded_coordinates_are_caught() {
        let key = b"linli-conformance-test-key/DS-9999";
        let sent = vec![
            serde_json::json!({"type": "Person", "id": "P1", "name": "张三", "birthDate": "1978-06-23",
                "identifiers": [{"scheme": "resident-id", "value": "11010519491231002X"}]}),
            serde_json::json!({"type": "Event", "id": "E1", "category": "x", "location": {"type": "Point", "coordinates": [120.123456, 31.654321]}}),
        ];
        let right = vec![
            serde_json::json!({"type": "Person", "id": "P1", "name": "**", "birthPeriod": {"start": "1975-01-01", "end": "1979-12-31"},
                "identifiers": [{"scheme": "pseudonym", "value": token(key, "resident-id", "11010519491231002X")}]}),
            serde_json::json!({"type": "Event", "id": "E1", "category": "x", "location": {"type": "Point", "coordinates": [120.123, 31.654]}}),
        ];
        let mut p = Problems::default();
        let j = Judged { level: "public", key, reference_date: linli_model::datetime::Date::parse("2024-06-01").ok() };
        judge_values(&sent, &right, &j, &mut p);
        assert!(p.en.is_empty(), "{:?}", p.en);
        let wrong = vec![
            serde_json::json!({"type": "Person", "id": "P1", "name": "**", "birthPeriod": {"start": "1980-01-01", "end": "1984-12-31"},
                "identifiers": [{"scheme": "pseudonym", "value": token(b"another-key-of-16-bytes", "resident-id", "11010519491231002X")}]}),
            serde_json::json!({"type": "Event", "id": "E1", "category": "y", "location": {"type": "Point", "coordinates": [120.1235, 31.654]}}),
        ];
        let mut p = Problems::default();
        judge_values(&sent, &wrong, &j, &mut p);
        assert_eq!(p.en.len(), 4, "{:?}", p.en);
        assert!(p.en.iter().all(|m| !m.contains("11010519491231002X")), "{:?}", p.en);
    }

    /// Names of the persons and contacts sent, left in kept free text of the export, are found
    /// at both levels, also an ASCII name in another case; the problem names the member, not the
    /// name `[SHR-052]`.
    #[test]
    fn names_sent_left_in_kept_free_text_are_caught() {
        let sent = vec![
            serde_json::json!({"type": "Person", "id": "P1", "name": "顾福生"}),
            serde_json::json!({"type": "Person", "id": "P2", "name": "Li Lei"}),
            serde_json::json!({"type": "Organization", "id": "O1", "name": "物业", "contacts": [{"name": "黄志刚", "role": "经理"}]}),
            serde_json::json!({"type": "Case", "id": "C1", "category": "x", "title": "顾福生家烟感报警"}),
        ];
        let case = std::fs::read_to_string(
            Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/datasets/gusu-huqiu/case.ndjson"),
        )
        .unwrap_or_default();
        let case: Value = serde_json::from_str(case.lines().next().unwrap_or_default()).unwrap_or(Value::Null);
        let back = |title: &str| {
            let mut c = case.clone();
            c["id"] = "C1".into();
            c["title"] = title.into();
            c["resolution"] = "已处理".into();
            vec![
                serde_json::json!({"type": "Person", "id": "P1", "name": "***"}),
                serde_json::json!({"type": "Person", "id": "P2", "name": "***"}),
                serde_json::json!({"type": "Organization", "id": "O1", "name": "物业"}),
                c,
            ]
        };
        for level in ["inter-department", "public"] {
            for title in ["顾福生家烟感报警", "物业黄志刚到场", "called LI LEI back"] {
                let found = names_left(&sent, &back(title), level);
                assert_eq!(found, vec![("Case".to_owned(), "C1".to_owned(), "/title".to_owned())], "{level} {title}");
            }
            assert!(names_left(&sent, &back("***家烟感报警"), level).is_empty());
            assert!(names_left(&sent, &back("ALILEIA"), level).is_empty());
        }
        assert!(names_left(&sent, &back("顾福生家烟感报警"), "internal").is_empty());
    }

    /// A person under fourteen at the reference time whose export keeps what the level drops
    /// for minors fails, even though nothing left in the record shows the age `[SHR-005]`,
    /// `[SHR-007]`; the same record two months later (fourteen) passes.
    #[test]
    fn minors_are_judged_at_the_reference_date_from_what_was_sent() {
        let sent = vec![
            serde_json::json!({"type": "Person", "id": "P-C", "name": "王芳芳", "gender": "2", "birthDate": "2010-07-15"}),
        ];
        let back = vec![serde_json::json!({"type": "Person", "id": "P-C", "name": "王*芳", "gender": "2"})];
        let at = |d: &str| Judged {
            level: "inter-department",
            key: b"k",
            reference_date: linli_model::datetime::Date::parse(d).ok(),
        };
        let mut p = Problems::default();
        judge_values(&sent, &back, &at("2024-06-01"), &mut p);
        assert_eq!(
            p.en,
            vec!["Person `P-C`: /gender of a person under fourteen at the reference time must be dropped"]
        );
        let mut p = Problems::default();
        judge_values(&sent, &back, &at("2024-07-15"), &mut p);
        assert!(p.en.is_empty(), "{:?}", p.en);
        assert!(dropped_for_minors("inter-department").contains(&"residences"));
        assert!(dropped_for_minors("public").contains(&"gender"));
    }

    /// Every share request the harness sends follows the committed protocol schema, carries the
    /// case's test key and, as reference time, the `createdAt` of the case's dataset manifest.
    #[test]
    fn share_requests_follow_the_protocol_and_carry_key_and_reference_time() {
        let suite = crate::vector::suite_dir();
        let schema: Value = serde_json::from_str(
            &std::fs::read_to_string(suite.join("protocol/request.schema.json")).unwrap_or_default(),
        )
        .unwrap_or(Value::Null);
        let shares = Shares::new(&suite, &[]);
        // Without export cases, the sources are the free-text ones (DS-0039).
        assert!(shares.vectors.iter().any(|v| v.id == "DS-0039"), "no free-text source");
        let every = Shares::new(&suite, &shares.vectors);
        for v in &every.vectors {
            for level in ["inter-department", "public"] {
                let req = serde_json::to_value(every.request(v, level, 9, Path::new("/tmp/x"))).unwrap_or(Value::Null);
                let errors = linli_validate::SchemaEngine::violations_against(&schema, &req).unwrap_or_default();
                assert!(errors.is_empty(), "{}: {errors:?}", v.id);
                assert_eq!(req["key"], test_key(&v.id));
                assert!(req["key"].as_str().is_some_and(|k| k.len() >= 16));
            }
        }
        let ds39 = every
            .vectors
            .iter()
            .find(|v| v.id == "DS-0039")
            .map(|v| every.request(v, "public", 1, Path::new("/tmp/x")));
        let Some(Request::Share { reference_time, .. }) = ds39 else { panic!("no share request") };
        assert_eq!(reference_time, "2024-06-01T09:00:00+08:00");
    }

    /// Untouched members are compared as a consumer reads them: times as instants, absent as
    /// empty or `false` `[CON-007]`, `[CON-024]`; a real change still counts.
    #[test]
    fn untouched_members_compare_as_consumers_read_them() {
        let sent = vec![serde_json::json!({"type": "Case", "id": "C1", "anonymous": false, "events": [],
            "reportedAt": "2024-05-21T10:48:40+08:00", "channel": "hotline-12345"})];
        let utc = vec![
            serde_json::json!({"type": "Case", "id": "C1", "reportedAt": "2024-05-21T02:48:40Z", "channel": "hotline-12345"}),
        ];
        let j = Judged { level: "public", key: b"k", reference_date: None };
        let mut p = Problems::default();
        judge_values(&sent, &utc, &j, &mut p);
        assert!(p.en.is_empty(), "{:?}", p.en);
        let moved = vec![
            serde_json::json!({"type": "Case", "id": "C1", "reportedAt": "2024-05-21T02:48:41Z", "channel": "resident-app"}),
        ];
        let mut p = Problems::default();
        judge_values(&sent, &moved, &j, &mut p);
        assert_eq!(p.en.len(), 2, "{:?}", p.en);
    }
}
