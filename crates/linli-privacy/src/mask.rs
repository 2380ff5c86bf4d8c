//! Applying a profile to one record `[SHR-010]`–`[SHR-014]`: the record as a JSON value, its
//! marked members from `linli_model::sensitivity` (through the profile), one action each.

use std::collections::HashMap;

use linli_model::RecordType;
use linli_model::check::{id_number, mask_middle};
use linli_model::codes::CodeTable;
use linli_model::datetime::Date;
use linli_model::text::PhoneNumber;
use serde_json::{Map, Value};

use crate::Error;
use crate::key::Key;
use crate::leak::Names;
use crate::profile::{Action, Generalisation, Kind, Member, Profile};

/// What masking did, counted per member occurrence.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct Counts {
    /// Records masked.
    pub records: u64,
    /// Members left as they were.
    pub kept: u64,
    /// Members masked.
    pub masked: u64,
    /// Members generalised.
    pub generalised: u64,
    /// Members pseudonymised.
    pub pseudonymised: u64,
    /// Members dropped (including `extensions`).
    pub dropped: u64,
    /// Residences dropped because no community ancestor was known `[SHR-013]`.
    pub residences_unresolved: u64,
    /// Persons treated as under fourteen `[PRI-007]`.
    pub minors: u64,
}

impl Counts {
    /// Add another count.
    pub fn add(&mut self, o: &Counts) {
        self.records += o.records;
        self.kept += o.kept;
        self.masked += o.masked;
        self.generalised += o.generalised;
        self.pseudonymised += o.pseudonymised;
        self.dropped += o.dropped;
        self.residences_unresolved += o.residences_unresolved;
        self.minors += o.minors;
    }
}

/// Place ids with their kind and parent, to find the community a residence lies in `[SHR-013]`.
/// Memory grows with the number of places only.
#[derive(Debug, Clone, Default)]
pub struct PlaceIndex {
    places: HashMap<String, (Option<String>, Option<String>)>,
    /// The community of every place, worked out once on first use.
    communities: std::sync::OnceLock<HashMap<String, String>>,
}

impl PlaceIndex {
    /// Remember a Place record (other values are ignored).
    pub fn add(&mut self, v: &Value) {
        if v.get("type").and_then(Value::as_str) != Some("Place") {
            return;
        }
        let Some(id) = v.get("id").and_then(Value::as_str) else { return };
        let kind = v.get("kind").and_then(Value::as_str).map(str::to_owned);
        let parent = v.pointer("/parent/id").and_then(Value::as_str).map(str::to_owned);
        self.places.insert(id.to_owned(), (kind, parent));
        self.communities = std::sync::OnceLock::new();
    }

    /// Remember a place from its parts.
    pub fn insert(&mut self, id: String, kind: Option<String>, parent: Option<String>) {
        self.places.insert(id, (kind, parent));
        self.communities = std::sync::OnceLock::new();
    }

    /// The `kind` of a known place.
    pub fn kind_of(&self, id: &str) -> Option<&str> {
        self.places.get(id).and_then(|(kind, _)| kind.as_deref())
    }

    /// Number of places known.
    pub fn len(&self) -> usize {
        self.places.len()
    }

    /// Whether no place is known.
    pub fn is_empty(&self) -> bool {
        self.places.is_empty()
    }

    /// The id of the place itself or its nearest ancestor of kind `community`, however far up
    /// `[SHR-020]`; `None` when the chain ends, leaves the known places or loops first.
    pub fn community_of(&self, id: &str) -> Option<&str> {
        self.communities.get_or_init(|| self.all_communities()).get(id).map(String::as_str)
    }

    /// Each place's community: every place is walked over once (a walk stops at a place already
    /// answered), so the work is linear in the number of places, whatever the depth.
    fn all_communities(&self) -> HashMap<String, String> {
        let mut answer: HashMap<&str, Option<&str>> = HashMap::with_capacity(self.places.len());
        let mut path: Vec<&str> = Vec::new();
        let mut on_path: std::collections::HashSet<&str> = std::collections::HashSet::new();
        for start in self.places.keys() {
            if answer.contains_key(start.as_str()) {
                continue;
            }
            path.clear();
            on_path.clear();
            let mut cur = start.as_str();
            let found = loop {
                if let Some(a) = answer.get(cur) {
                    break *a;
                }
                let Some((kind, parent)) = self.places.get(cur) else { break None };
                if kind.as_deref() == Some("community") {
                    answer.insert(cur, Some(cur));
                    break Some(cur);
                }
                if !on_path.insert(cur) {
                    break None; // a loop: no community above
                }
                path.push(cur);
                match parent.as_deref() {
                    Some(p) => cur = p,
                    None => break None,
                }
            };
            for p in &path {
                answer.insert(p, found);
            }
        }
        answer.into_iter().filter_map(|(k, v)| v.map(|v| (k.to_owned(), v.to_owned()))).collect()
    }
}

/// Today in China (UTC+8), for the age of persons `[PRI-007]`.
pub fn today() -> Date {
    linli_model::support::clock::today_china()
}

/// The date of birth a Person value reveals: `birthDate`, else a valid resident ID number, else
/// the start of `birthPeriod` (the oldest the person can be: a period is treated as that of a
/// minor only when all of it is, so that a generalised adult stays an adult).
fn birth_of(v: &Value) -> Option<Date> {
    if let Some(d) = v.get("birthDate").and_then(Value::as_str).and_then(|s| Date::parse(s).ok()) {
        return Some(d);
    }
    if let Some(ids) = v.get("identifiers").and_then(Value::as_array) {
        for i in ids {
            if i.get("scheme").and_then(Value::as_str) == Some("resident-id") {
                if let Some(Ok(id)) = i.get("value").and_then(Value::as_str).map(id_number::parse) {
                    return Some(id.birth_date);
                }
            }
        }
    }
    v.pointer("/birthPeriod/start").and_then(Value::as_str).and_then(|s| Date::parse(s).ok())
}

/// Whether a Person value is of someone under fourteen on `today` `[PRI-007]`.
pub fn is_minor(v: &Value, today: Date) -> bool {
    birth_of(v).is_some_and(|b| (today.year() - 14, today.month(), today.day()) < (b.year(), b.month(), b.day()))
}

/// Mask a string, showing `start` and `end` characters (default: the [PRI-004] table).
pub fn mask_text(s: &str, start: Option<usize>, end: Option<usize>) -> String {
    match (start, end) {
        (None, None) => mask_middle(s),
        _ => {
            let n = s.chars().count();
            let (a, b) = (start.unwrap_or(0), end.unwrap_or(0));
            if a.saturating_add(b) >= n {
                return mask_middle(s);
            }
            s.chars().enumerate().map(|(i, c)| if i < a || i >= n - b { c } else { '*' }).collect()
        }
    }
}

/// Mask a name or a free text `[SHR-011]`: the characters shown at the start and the end, and
/// between them a run of `*` whose length does not depend on how many characters it hides — `***`
/// when `keepStart`/`keepEnd` decide or nothing is shown, else as many `*` as the shortest value
/// of the [PRI-004] table's row hides (`张*`; `王*英` for 3 to 6 characters; `苏E***45` for 7 to
/// 10; four `*` from 11). A masked name tells no more of the length than the row of the table.
pub fn mask_name(s: &str, start: Option<usize>, end: Option<usize>) -> String {
    let chars: Vec<char> = s.chars().collect();
    let n = chars.len();
    if n == 0 {
        return String::new();
    }
    let explicit = match (start, end) {
        (None, None) => None,
        (a, b) => Some((a.unwrap_or(0), b.unwrap_or(0))).filter(|(a, b)| a.saturating_add(*b) < n),
    };
    let (head, tail, stars) = match explicit {
        Some((a, b)) => (a, b, 3),
        None => {
            let (a, b) = linli_model::check::mask_shown(n);
            let stars = match n {
                1 => 3,
                2..=6 => 1,
                7..=10 => 3,
                _ => 4,
            };
            (a, b, stars)
        }
    };
    let mut out: String = chars[..head].iter().collect();
    out.extend(std::iter::repeat_n('*', stars));
    out.extend(&chars[n - tail..]);
    out
}

/// Mask a telephone number so that it stays a valid (masked) number `[PER-018]`.
fn mask_phone(s: &str, start: Option<usize>, end: Option<usize>) -> String {
    let m = mask_text(s, start, end);
    if m.contains('*') && PhoneNumber::new(m.as_str()).is_ok() {
        return m;
    }
    let m = mask_middle(s);
    if m.contains('*') && PhoneNumber::new(m.as_str()).is_ok() {
        return m;
    }
    // Keep only the first digit (and a leading `+`).
    let keep = if s.starts_with('+') { 2 } else { 1 };
    s.chars().enumerate().map(|(i, c)| if i < keep || c == '-' { c } else { '*' }).collect()
}

/// The period a date of birth is generalised to `[SHR-012]`.
pub fn band(g: Generalisation, start: Date, end: Date) -> Option<(Date, Date)> {
    let (y0, y1) = match g {
        Generalisation::Year => (start.year(), end.year()),
        // Years begin at 0001 `[CON-022]`: the first band is 0001–0004.
        Generalisation::FiveYearBand => ((start.year().div_euclid(5) * 5).max(1), end.year().div_euclid(5) * 5 + 4),
        _ => return None,
    };
    Some((Date::from_ymd(y0, 1, 1)?, Date::from_ymd(y1, 12, 31)?))
}

fn period_value(start: Date, end: Date) -> Value {
    let mut m = Map::new();
    m.insert("start".into(), Value::String(start.to_string()));
    m.insert("end".into(), Value::String(end.to_string()));
    Value::Object(m)
}

/// `x` rounded to `decimals` decimals `[SHR-014]`; the result's shortest text has at most that
/// many (what [`crate::leak`] counts).
pub(crate) fn round(x: f64, decimals: u8) -> f64 {
    let f = 10f64.powi(i32::from(decimals));
    let r = (x * f).round() / f;
    // Read back from its text with `decimals` places, so that no binary remainder is left.
    format!("{r:.prec$}", prec = usize::from(decimals)).parse().unwrap_or(r)
}

/// Call `f` with the object, member name and concrete JSON pointer of the object for every match
/// of a pointer pattern (`*` matches every array index).
/// Called with the object, the member name and the concrete pointer of the object (the
/// member's pointer is that, `/` and the name).
pub(crate) type MemberFn<'a> = dyn FnMut(&mut Map<String, Value>, &str, &str) + 'a;

pub(crate) fn visit(v: &mut Value, segs: &[&str], f: &mut MemberFn<'_>) {
    fn go(v: &mut Value, segs: &[&str], path: &mut String, f: &mut MemberFn<'_>) {
        match segs {
            [] => {}
            [last] => {
                if let Value::Object(m) = v {
                    if m.contains_key(*last) {
                        f(m, last, path);
                    }
                }
            }
            ["*", rest @ ..] => {
                if let Value::Array(items) = v {
                    for (i, item) in items.iter_mut().enumerate() {
                        let len = path.len();
                        path.push_str(&format!("/{i}"));
                        go(item, rest, path, f);
                        path.truncate(len);
                    }
                }
            }
            [seg, rest @ ..] => {
                if let Some(child) = v.get_mut(*seg) {
                    let len = path.len();
                    path.push('/');
                    path.push_str(seg);
                    go(child, rest, path, f);
                    path.truncate(len);
                }
            }
        }
    }
    go(v, segs, &mut String::new(), f);
}

/// Applies a profile to records.
#[derive(Debug)]
pub struct Masker<'a> {
    profile: &'a Profile,
    key: Option<&'a Key>,
    places: Option<&'a PlaceIndex>,
    names: Option<&'a Names>,
    today: Date,
}

impl<'a> Masker<'a> {
    /// A masker; a profile that pseudonymises needs a key `[SHR-021]`.
    pub fn new(profile: &'a Profile, key: Option<&'a Key>) -> Result<Self, Error> {
        if key.is_none() && profile.needs_key() {
            return Err(Error::MissingKey { profile: profile.name.clone() });
        }
        Ok(Masker { profile, key, places: None, names: None, today: today() })
    }

    /// Resolve residences to communities with these places.
    pub fn with_places(mut self, places: &'a PlaceIndex) -> Self {
        self.places = Some(places);
        self
    }

    /// Mask these names (of the dataset's persons and contacts) wherever they stand in free text
    /// that is kept, at every level but `internal` `[SHR-043]`.
    pub fn with_names(mut self, names: &'a Names) -> Self {
        self.names = Some(names);
        self
    }

    /// Compute ages on this day instead of today.
    pub fn with_today(mut self, today: Date) -> Self {
        self.today = today;
        self
    }

    /// The profile.
    pub fn profile(&self) -> &Profile {
        self.profile
    }

    /// Mask one record given as a JSON value; returns its type. A value that is not an object
    /// with a known `type` is refused (the caller says where it was).
    pub fn mask_value(&self, v: &mut Value, counts: &mut Counts) -> Result<RecordType, Error> {
        let ty = v.get("type").and_then(Value::as_str).and_then(RecordType::from_code).ok_or(Error::NotARecord)?;
        self.mask_record(ty, v, counts);
        Ok(ty)
    }

    /// Mask one record of type `ty` in place.
    pub fn mask_record(&self, ty: RecordType, v: &mut Value, counts: &mut Counts) {
        counts.records += 1;
        let minor = ty == RecordType::Person && is_minor(v, self.today);
        if minor {
            counts.minors += 1;
        }
        let members = self.profile.members(ty);
        // `birthPeriod` first: a generalised `birthDate` then writes its band into it.
        let order = members.iter().filter(|m| m.kind == Kind::BirthPeriod).chain(
            members.iter().filter(|m| m.kind != Kind::BirthPeriod && m.kind != Kind::Covered && m.kind != Kind::Group),
        );
        for m in members.iter().filter(|m| m.kind == Kind::Group) {
            if self.profile.resolve(m, minor) == Action::Drop {
                self.apply(m, Action::Drop, v, counts);
            }
        }
        for m in order {
            let action = self.profile.resolve(m, minor);
            self.apply(m, action, v, counts);
        }
        if self.profile.extensions == Action::Drop {
            if let Some(obj) = v.as_object_mut() {
                if obj.remove("extensions").is_some() {
                    counts.dropped += 1;
                }
            }
        }
        // Every number that reads as personal — identity and mobile numbers, and also landlines,
        // 15 to 19 digits (a resident ID number with a wrong check character, a bank card) — in
        // free text that is kept is masked where it stands `[SHR-042]`, `[PRI-011]`.
        if self.profile.sharing_level != linli_model::codes::SharingLevel::Internal {
            for pattern in crate::leak::free_text_members(ty) {
                let segments: Vec<&str> = pattern.trim_start_matches('/').split('/').collect();
                scrub(v, &segments, counts, &|s| {
                    linli_model::redact::personal_numbers(s).into_iter().map(|n| (n.start, n.end, n.masked())).collect()
                });
                // The names of the dataset's persons and contacts, as a fixed mask `[SHR-043]`.
                if let Some(names) = self.names.filter(|n| !n.is_empty()) {
                    scrub(v, &segments, counts, &|s| {
                        names.find(s).into_iter().map(|(a, b)| (a, b, String::from("***"))).collect()
                    });
                }
            }
            self.scrub_other_strings(ty, v, counts);
            // A `meta.sourceId` not of the form of an id, or holding a name of the dataset, may
            // name the person: dropped `[SHR-065]` — unless it holds a resident ID or mobile
            // number: then it stays, and the self-check refuses the record `[CON-013]`.
            if let Some(meta) = v.get_mut("meta").and_then(Value::as_object_mut) {
                let named = |s: &str| self.names.is_some_and(|n| !n.find(s).is_empty());
                let droppable =
                    |s: &str| (!crate::leak::id_form(s) || named(s)) && crate::leak::scan_text(s).is_empty();
                if meta.get("sourceId").and_then(Value::as_str).is_some_and(droppable) {
                    meta.remove("sourceId");
                    counts.dropped += 1;
                }
            }
        }
    }

    /// Mask, where they stand, the resident ID and mobile numbers of [`crate::leak::scan_text`]
    /// in every string of the record that no member of the profile lists, that is no free-text
    /// member (scrubbed already) and no id — `id`, `meta.sourceId`, the `id` of an object with a
    /// `type` (a reference), which are never changed `[SHR-024]` — as in free text `[SHR-064]`.
    fn scrub_other_strings(&self, ty: RecordType, v: &mut Value, counts: &mut Counts) {
        let mut found = Vec::new();
        crate::leak::strings(v, &mut Vec::new(), &mut found);
        let mut fixes = Vec::new();
        for (path, s) in found {
            let id = match path.as_slice() {
                [one] => one == "id",
                [meta, source_id] if meta == "meta" && source_id == "sourceId" => true,
                [parent @ .., last] if last == "id" => {
                    let ptr = crate::leak::pointer_of(parent);
                    v.pointer(&ptr).and_then(|o| o.get("type")).is_some_and(Value::is_string)
                }
                _ => false,
            };
            if id || crate::leak::under_marked(self.profile, ty, &path) {
                continue;
            }
            let hits = crate::leak::scan_text(s);
            if !hits.is_empty() {
                let mut masked = s.to_owned();
                for h in hits.iter().rev() {
                    masked.replace_range(h.start..h.end, &crate::leak::mask_number(&s[h.start..h.end]));
                }
                fixes.push((crate::leak::pointer_of(&path), masked));
            }
        }
        for (ptr, masked) in fixes {
            if let Some(slot) = v.pointer_mut(&ptr) {
                *slot = Value::String(masked);
                counts.masked += 1;
            }
        }
    }

    fn token(&self, domain: &str, value: &str) -> String {
        // `Masker::new` refuses a profile that pseudonymises without a key.
        self.key.map(|k| k.token(domain, value)).unwrap_or_else(|| mask_middle(value))
    }

    fn apply(&self, m: &Member, action: Action, v: &mut Value, counts: &mut Counts) {
        visit(v, &m.segments, &mut |obj, name, _| {
            match action {
                Action::Keep => {
                    counts.kept += 1;
                    return;
                }
                Action::Drop => {
                    obj.remove(name);
                    counts.dropped += 1;
                    return;
                }
                _ => {}
            }
            let Some(val) = obj.get_mut(name) else { return };
            match (m.kind, action) {
                (Kind::Text, Action::Mask { keep_start, keep_end }) => {
                    for_strings(val, &mut |s| mask_name(s, keep_start, keep_end));
                    counts.masked += 1;
                }
                (Kind::Text, Action::Pseudonymise) => {
                    for_strings(val, &mut |s| self.token("text", s));
                    counts.pseudonymised += 1;
                }
                (Kind::Phone, Action::Mask { keep_start, keep_end }) => {
                    for_strings(val, &mut |s| mask_phone(s, keep_start, keep_end));
                    counts.masked += 1;
                }
                (Kind::Identifiers, Action::Mask { keep_start, keep_end }) => {
                    for item in val.as_array_mut().into_iter().flatten() {
                        if item.get("scheme").and_then(Value::as_str) == Some("pseudonym") {
                            continue;
                        }
                        if let Some(Value::String(s)) = item.get_mut("value") {
                            let mut masked = mask_text(s, keep_start, keep_end);
                            if !masked.contains('*') {
                                masked = mask_middle(s);
                            }
                            *s = masked;
                        }
                    }
                    counts.masked += 1;
                }
                (Kind::Identifiers, Action::Pseudonymise) => {
                    for item in val.as_array_mut().into_iter().flatten() {
                        let scheme = item.get("scheme").and_then(Value::as_str).unwrap_or("").to_owned();
                        let value = item.get("value").and_then(Value::as_str).unwrap_or("");
                        // Already a token: kept. A `pseudonym` whose value is no token may be a
                        // raw number under another name: pseudonymised like any other [SHR-050].
                        if scheme == "pseudonym" && crate::key::is_token(value) {
                            continue;
                        }
                        let token = self.token(&scheme, value);
                        let mut out = Map::new();
                        out.insert("scheme".into(), Value::String("pseudonym".into()));
                        out.insert("value".into(), Value::String(token));
                        *item = Value::Object(out);
                    }
                    counts.pseudonymised += 1;
                }
                (Kind::Household, Action::Pseudonymise) => {
                    if let Some(Value::String(s)) = val.get_mut("householdId") {
                        let token = self.token("household", s);
                        *s = token.get(..32).unwrap_or(&token).to_owned();
                    }
                    counts.pseudonymised += 1;
                }
                (Kind::BirthPeriod, Action::Generalise(g)) => {
                    let parsed = (
                        val.get("start").and_then(Value::as_str).and_then(|s| Date::parse(s).ok()),
                        val.get("end").and_then(Value::as_str).and_then(|s| Date::parse(s).ok()),
                    );
                    if let (Some(a), Some(b)) = parsed {
                        if let Some((s, e)) = band(g, a, b) {
                            *val = period_value(s, e);
                            counts.generalised += 1;
                        }
                    }
                }
                (Kind::BirthDate, Action::Generalise(g)) => {
                    let date = val.as_str().and_then(|s| Date::parse(s).ok());
                    obj.remove(name);
                    counts.generalised += 1;
                    let Some(d) = date else { return };
                    let (mut lo, mut hi) = (d, d);
                    if let Some(p) = obj.get("birthPeriod") {
                        let get = |k: &str| p.get(k).and_then(Value::as_str).and_then(|s| Date::parse(s).ok());
                        if let (Some(a), Some(b)) = (get("start"), get("end")) {
                            lo = lo.min(a);
                            hi = hi.max(b);
                        }
                    }
                    if let Some((s, e)) = band(g, lo, hi) {
                        obj.insert("birthPeriod".into(), period_value(s, e));
                    }
                }
                (Kind::Residences, Action::Generalise(Generalisation::Community)) => {
                    // A record read as a Linli record has an array here; were it not, the default
                    // (no items) writes no residence rather than one not generalised.
                    let items = val.as_array().cloned().unwrap_or_default();
                    let mut out: Vec<Value> = Vec::new();
                    for item in items {
                        let place = item.pointer("/place/id").and_then(Value::as_str);
                        let community = place.and_then(|p| self.places.and_then(|ix| ix.community_of(p)));
                        let Some(c) = community else {
                            counts.residences_unresolved += 1;
                            continue;
                        };
                        let mut r = Map::new();
                        r.insert("place".into(), serde_json::json!({ "type": "Place", "id": c }));
                        r.insert("kind".into(), item.get("kind").cloned().unwrap_or(Value::Null));
                        let r = Value::Object(r);
                        if !out.contains(&r) {
                            out.push(r);
                        }
                    }
                    counts.generalised += 1;
                    if out.is_empty() {
                        obj.remove(name);
                    } else {
                        *val = Value::Array(out);
                    }
                }
                (Kind::Point, Action::Generalise(Generalisation::Round { decimals })) => {
                    if let Some(Value::Array(c)) = val.get_mut("coordinates") {
                        c.truncate(2);
                        for x in c.iter_mut() {
                            if let Some(f) = x.as_f64() {
                                if let Some(n) = serde_json::Number::from_f64(round(f, decimals)) {
                                    *x = Value::Number(n);
                                }
                            }
                        }
                    }
                    counts.generalised += 1;
                }
                // Actions that do not apply to a kind are resolved to `drop` by the profile.
                _ => {
                    obj.remove(name);
                    counts.dropped += 1;
                }
            }
        });
    }
}

/// Replacements in one string: byte ranges, in order and not overlapping, with their new text.
type Replacements<'f> = dyn Fn(&str) -> Vec<(usize, usize, String)> + 'f;

/// Replace, in the strings at `segments` under `v`, what `find` finds (identity and mobile
/// numbers, names).
fn scrub(v: &mut Value, segments: &[&str], counts: &mut Counts, find: &Replacements<'_>) {
    match segments.split_first() {
        None => {
            if let Value::String(s) = v {
                let hits = find(s);
                if !hits.is_empty() {
                    let mut out = s.clone();
                    for (start, end, with) in hits.iter().rev() {
                        if out.get(*start..*end).is_some() {
                            out.replace_range(*start..*end, with);
                        }
                    }
                    *s = out;
                    counts.masked += 1;
                }
            }
        }
        Some((&"*", rest)) => {
            for item in v.as_array_mut().into_iter().flatten() {
                scrub(item, rest, counts, find);
            }
        }
        Some((name, rest)) => {
            if let Some(next) = v.get_mut(*name) {
                scrub(next, rest, counts, find);
            }
        }
    }
}

/// Replace every string in `v` (a string or an array of strings) by `f(string)`.
fn for_strings(v: &mut Value, f: &mut dyn FnMut(&str) -> String) {
    match v {
        Value::String(s) => *s = f(s),
        Value::Array(items) => {
            for item in items {
                if let Value::String(s) = item {
                    *s = f(s);
                }
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masks_keep_values_valid() {
        assert_eq!(mask_text("张三", None, None), "张*");
        assert_eq!(mask_text("张三丰", Some(0), Some(0)), "***");
        assert_eq!(mask_phone("13812345678", None, None), "138****5678");
        assert_eq!(mask_phone("0512-65221234", Some(0), Some(0)), "0512*****1234");
        assert!(PhoneNumber::new(mask_phone("110", Some(0), Some(0))).is_ok());
        assert_eq!(round(120.5836, 3), 120.584);
        // Shows no more than the default table, however large the profile's numbers.
        assert_eq!(mask_text("顾福生", Some(usize::MAX), Some(1)), "顾*生");
    }

    /// A value that is not a record is the crate's typed error, with its code and both messages,
    /// and is left as it was.
    #[test]
    fn a_value_without_a_known_type_is_not_a_record() -> Result<(), Error> {
        let profile = crate::Profile::built_in("public")?;
        let masker = Masker::new(&profile, None)?;
        for mut v in [serde_json::json!({"name": "张三"}), serde_json::json!({"type": "Robot"}), serde_json::json!(3)]
        {
            let before = v.clone();
            let e = masker.mask_value(&mut v, &mut Counts::default()).unwrap_err();
            assert!(matches!(e, Error::NotARecord), "{e:?}");
            assert_eq!(e.code(), "input-invalid");
            assert_eq!(e.to_string(), "not a record: no known `type`");
            assert_eq!(e.message(true), "不是记录：缺少已知的 `type`");
            assert_eq!(v, before);
        }
        Ok(())
    }

    /// Personal numbers in strings no marked member holds (`meta.source`) are masked in place at
    /// every level above `internal`, and a `meta.sourceId` that is no id (a name) is dropped; ids
    /// and an id-form `sourceId` are kept `[SHR-064]`, `[SHR-065]`.
    #[test]
    fn numbers_in_other_strings_are_masked_and_a_source_id_that_is_no_id_is_dropped() -> Result<(), Error> {
        let record = |source_id: &str| {
            serde_json::json!({"type": "Person", "id": "P-13812345678", "name": "沈建华",
                "meta": {"source": {"vendor": "13962117845", "product": "320508197806234733", "version": "1.2.3"},
                    "createdAt": "2024-05-01T09:00:00+08:00", "updatedAt": "2024-05-01T09:00:00+08:00",
                    "version": 1, "classification": "restricted", "sourceId": source_id}})
        };
        let mut names = Names::default();
        names.add("沈建华");
        for level in ["public", "inter-department"] {
            let profile = crate::Profile::built_in(level)?;
            let key = Key::new(b"0123456789abcdef0123", "test")?;
            let masker = Masker::new(&profile, Some(&key))?.with_names(&names);
            let mut v = record("沈建华");
            masker.mask_value(&mut v, &mut Counts::default())?;
            assert_eq!(v.pointer("/meta/source/vendor"), Some(&Value::from("139****7845")), "{level}");
            assert_eq!(v.pointer("/meta/source/product"), Some(&Value::from("3205**********4733")), "{level}");
            assert_eq!(v.pointer("/meta/source/version"), Some(&Value::from("1.2.3")), "{level}");
            assert_eq!(v.pointer("/meta/sourceId"), None, "{level}");
            // Ids are never changed [SHR-024]; the self-check refuses one that holds a number.
            assert_eq!(v.pointer("/id"), Some(&Value::from("P-13812345678")), "{level}");
            for kept in ["RK00000002", "13-A"] {
                let mut v = record(kept);
                masker.mask_value(&mut v, &mut Counts::default())?;
                assert_eq!(v.pointer("/meta/sourceId"), Some(&Value::from(kept)), "{level}");
            }
            // An id-form sourceId that holds a name of the dataset is dropped too.
            let mut ascii = Names::default();
            ascii.add("LiLei");
            let masker = Masker::new(&profile, Some(&key))?.with_names(&ascii);
            let mut v = record("RK-LiLei");
            masker.mask_value(&mut v, &mut Counts::default())?;
            assert_eq!(v.pointer("/meta/sourceId"), None, "{level}");
        }
        // `internal` changes nothing of them.
        let profile = crate::Profile::built_in("internal")?;
        let masker = Masker::new(&profile, None)?;
        let mut v = record("沈建华");
        masker.mask_value(&mut v, &mut Counts::default())?;
        assert_eq!(v.pointer("/meta/source/vendor"), Some(&Value::from("13962117845")));
        assert_eq!(v.pointer("/meta/sourceId"), Some(&Value::from("沈建华")));
        Ok(())
    }

    #[test]
    fn masked_names_do_not_tell_their_length() {
        // Nothing shown: always three stars.
        for name in ["张", "张三", "欧阳秀英", "爱新觉罗·溥仪"] {
            assert_eq!(mask_name(name, Some(0), Some(0)), "***", "{name}");
        }
        assert_eq!(mask_name("张", None, None), "***");
        // The table's row decides what is shown; the stars are those of the row's shortest value.
        assert_eq!(mask_name("张三", None, None), "张*");
        assert_eq!(mask_name("王秀英", None, None), "王*英");
        assert_eq!(mask_name("欧阳秀英", None, None), "欧*英");
        assert_eq!(mask_name("阿不都热合曼", None, None), "阿*曼");
        assert_eq!(mask_name("苏E12345", None, None), "苏E***45");
        assert_eq!(mask_name("苏州塔影物业管理有限公司", None, None), "苏州塔影****有限公司");
        // keepStart / keepEnd: fixed three stars; showing everything falls back to the table.
        assert_eq!(mask_name("欧阳秀英", Some(1), Some(0)), "欧***");
        assert_eq!(mask_name("张三", Some(1), Some(1)), "张*");
    }

    #[test]
    fn bands() {
        let d = |s: &str| Date::parse(s).unwrap();
        let (s, e) = band(Generalisation::FiveYearBand, d("0003-06-23"), d("0003-06-23")).unwrap();
        assert_eq!((s.to_string(), e.to_string()), ("0001-01-01".to_owned(), "0004-12-31".to_owned()));
        let (s, e) = band(Generalisation::FiveYearBand, d("1978-06-23"), d("1978-06-23")).unwrap();
        assert_eq!((s.to_string(), e.to_string()), ("1975-01-01".into(), "1979-12-31".into()));
        let (s, e) = band(Generalisation::Year, d("1978-06-23"), d("1978-06-23")).unwrap();
        assert_eq!((s.to_string(), e.to_string()), ("1978-01-01".into(), "1978-12-31".into()));
    }

    #[test]
    fn minors() {
        let today = Date::parse("2024-05-01").unwrap();
        assert!(is_minor(&serde_json::json!({"birthDate": "2010-05-02"}), today));
        assert!(!is_minor(&serde_json::json!({"birthDate": "2010-05-01"}), today));
        assert!(!is_minor(&serde_json::json!({"birthPeriod": {"start": "2005-01-01", "end": "2014-12-31"}}), today));
        assert!(is_minor(&serde_json::json!({"birthPeriod": {"start": "2015-01-01", "end": "2019-12-31"}}), today));
    }
}
