//! Leak checks `[SHR-040]`–`[SHR-050]`: pure functions that find personal information where a
//! shared dataset must not have it.
//!
//! * [`scan_text`] finds resident ID numbers (valid check character, plausible birth date) and
//!   mainland mobile numbers in free text, and [`scan_record`] applies it to the free-text
//!   members of a record (`[EVT-010]`, `[CAS-012]`, `[SHR-040]`, `[SHR-041]`).
//! * [`raw_values`] finds, for a sharing level, values that the built-in profile of that level
//!   would have changed and that are still there in raw form `[SHR-050]`.
//!
//! Every [`Leak`] carries the value masked by the [PRI-004] table, never in full.

use linli_model::check::{Level, id_number, mask_middle};
use linli_model::datetime::Date;
use linli_model::redact::is_number_separator;
use linli_model::{Record, RecordType};
use serde_json::Value;

use crate::key::is_token;
use crate::mask::{band, is_minor, visit};
use crate::profile::{Action, Generalisation, Kind, Profile};

/// One leak found.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Leak {
    /// Stable code.
    pub code: &'static str,
    /// Level.
    pub level: Level,
    /// The requirement it breaks.
    pub requirement: &'static str,
    /// JSON pointer into the record.
    pub pointer: String,
    /// The value, masked `[PRI-004]`.
    pub value: Option<String>,
    /// Message in Chinese.
    pub message_zh: String,
    /// Message in English.
    pub message_en: String,
}

/// Stable codes of the leak checks, with level, requirement and titles (for the validator's
/// code table).
pub const CODES: &[(&str, Level, &str, &str, &str)] = &[
    (
        "event-text-id-number",
        Level::Error,
        "EVT-010",
        "事件描述中含有居民身份证号码",
        "Event description holds a resident ID number",
    ),
    (
        "case-text-id-number",
        Level::Error,
        "CAS-012",
        "案件描述中含有居民身份证号码",
        "Case description holds a resident ID number",
    ),
    (
        "free-text-id-number",
        Level::Warning,
        "SHR-040",
        "自由文本中含有居民身份证号码",
        "Free text holds a resident ID number",
    ),
    (
        "free-text-mobile",
        Level::Warning,
        "SHR-041",
        "自由文本中含有手机号码",
        "Free text holds a mobile telephone number",
    ),
    (
        "id-holds-personal-number",
        Level::Error,
        "CON-013",
        "记录标识、来源标识或引用的标识中含有身份证号码或手机号码",
        "A record id, meta.sourceId or reference id holds a resident ID or mobile number",
    ),
    (
        "shared-raw-value",
        Level::Error,
        "SHR-050",
        "共享级别不允许的原始个人信息",
        "Raw personal information that the sharing level does not allow",
    ),
    (
        "shared-person-name",
        Level::Error,
        "SHR-052",
        "自由文本中含有本数据集人员或联系人的姓名",
        "Free text holds the name of a person or contact of the dataset",
    ),
];

fn leak(code: &'static str, pointer: String, value: Option<String>) -> Leak {
    let (level, requirement, zh, en) =
        CODES.iter().find(|c| c.0 == code).map(|c| (c.1, c.2, c.3, c.4)).unwrap_or((Level::Error, "SHR-050", "", ""));
    Leak { code, level, requirement, pointer, value, message_zh: zh.to_owned(), message_en: en.to_owned() }
}

/// What [`scan_text`] found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum TextHitKind {
    /// An 18-character resident ID number with a valid check character.
    ResidentId,
    /// A mainland mobile number.
    Mobile,
}

/// A number found in free text: its kind and byte range.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TextHit {
    /// Kind.
    pub kind: TextHitKind,
    /// Byte offset of the first character.
    pub start: usize,
    /// Byte offset after the last character.
    pub end: usize,
}

fn is_mobile(d: &[u8]) -> bool {
    d.len() == 11 && d[0] == b'1' && (b'3'..=b'9').contains(&d[1]) && d.iter().all(u8::is_ascii_digit)
}

/// Zero-width characters: invisible, so a number split by them reads as one run of digits. They
/// are among the separators of [`is_number_separator`] `[SHR-062]`.
fn is_invisible(c: char) -> bool {
    matches!(c, '\u{200b}' | '\u{200c}' | '\u{200d}' | '\u{2060}' | '\u{feff}') && is_number_separator(c)
}

/// Full-width digits and `Ｘ`/`ｘ` read as their ASCII forms, every separator of
/// [`is_number_separator`] as one space — the zero-width ones as nothing at all —, every other
/// character as one placeholder byte. Gives the folded bytes and, for each, the byte offset in `s`
/// where its character starts (plus `s.len()` at the end).
fn fold(s: &str) -> (String, Vec<usize>) {
    let mut folded = String::with_capacity(s.len());
    let mut at = Vec::with_capacity(s.len() + 1);
    for (i, c) in s.char_indices() {
        let f = match c {
            '\u{ff10}'..='\u{ff19}' => char::from_u32(u32::from(c) - 0xfee0).unwrap_or('#'),
            '\u{ff38}' => 'X',
            '\u{ff58}' => 'x',
            '\u{ff0b}' => '+',
            c if is_invisible(c) => continue,
            c if is_number_separator(c) => ' ',
            // Other ASCII spacing (none is left: ASCII white space is a separator) and letters.
            c if c.is_ascii() => c,
            _ => '#',
        };
        folded.push(f);
        at.push(i);
    }
    at.push(s.len());
    (folded, at)
}

/// A number found by [`scan_text`], written for a report or for the masked text: its digits (and
/// a leading `+`, a final `X`) without separators, masked by the [PRI-004] table.
pub fn mask_number(found: &str) -> String {
    let plain: String = found
        .chars()
        .filter_map(|c| match c {
            '0'..='9' | '+' => Some(c),
            '\u{ff10}'..='\u{ff19}' => char::from_u32(u32::from(c) - 0xfee0),
            '\u{ff0b}' => Some('+'),
            'X' | 'x' | '\u{ff38}' | '\u{ff58}' => Some('X'),
            _ => None,
        })
        .collect();
    mask_middle(&plain)
}

/// Find resident ID numbers and mobile numbers in free text `[SHR-040]`, `[SHR-041]`, written
/// in ASCII or full-width digits.
///
/// A resident ID number is a run of exactly 17 digits followed by a digit, `X` or `x`, not
/// part of a longer run of digits, whose check character is right and whose birth date exists and
/// lies in 1900–2099. A mobile number is `1[3-9]` and nine more digits, alone, grouped 3-4-4, or
/// after `+86`, not part of a longer run of digits. A resident ID number written in groups
/// (`1101 0519 4912 3100 2X`, `110105.19491231.002X`) is found too. Groups are joined by one
/// separator of [`is_number_separator`] (spaces of every kind, dots, hyphens and dashes); the
/// zero-width separators are invisible and read as nothing, so that digits split by them are one
/// run `[SHR-041]`. Offsets are into `s`.
pub fn scan_text(s: &str) -> Vec<TextHit> {
    let (folded, at) = fold(s);
    let mut hits = scan_ascii(&folded);
    for h in &mut hits {
        h.start = at.get(h.start).copied().unwrap_or(s.len());
        h.end = at.get(h.end).copied().unwrap_or(s.len());
    }
    hits
}

/// [`scan_text`] on text whose every character is one byte.
fn scan_ascii(s: &str) -> Vec<TextHit> {
    let b = s.as_bytes();
    let mut hits = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if !b[i].is_ascii_digit() {
            i += 1;
            continue;
        }
        let start = i;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
        let run = &b[start..i];
        // A resident ID number.
        let with_x = run.len() == 17 && matches!(b.get(i), Some(b'X' | b'x'));
        if run.len() == 18 || with_x {
            let end = if with_x { i + 1 } else { i };
            let candidate = s[start..end].to_ascii_uppercase();
            if let Ok(id) = id_number::parse(&candidate) {
                if (1900..=2099).contains(&id.birth_date.year()) {
                    hits.push(TextHit { kind: TextHitKind::ResidentId, start, end });
                }
            }
            continue;
        }
        // A mobile number, plain or after +86.
        if is_mobile(run) {
            hits.push(TextHit { kind: TextHitKind::Mobile, start, end: i });
            continue;
        }
        if run.len() == 13 && run.starts_with(b"86") && start > 0 && b[start - 1] == b'+' && is_mobile(&run[2..]) {
            hits.push(TextHit { kind: TextHitKind::Mobile, start: start - 1, end: i });
            continue;
        }
        // Grouped 3-4-4.
        if run.len() == 3 && run[0] == b'1' && (b'3'..=b'9').contains(&run[1]) {
            let sep = b.get(i).copied();
            if sep == Some(b' ') {
                let g = |from: usize| -> Option<usize> {
                    let d = b.get(from..from + 4)?;
                    d.iter().all(u8::is_ascii_digit).then_some(from + 4)
                };
                if let Some(j) = g(i + 1) {
                    if b.get(j) == Some(&b' ') {
                        if let Some(k) = g(j + 1) {
                            if !b.get(k).is_some_and(u8::is_ascii_digit) {
                                hits.push(TextHit { kind: TextHitKind::Mobile, start, end: k });
                                i = k;
                            }
                        }
                    }
                }
            }
        }
    }
    hits.extend(grouped_ids(b));
    hits.sort_by_key(|h| h.start);
    hits
}

/// Resident ID numbers written in groups (`3205 0419 3802 1431 1X`, `320504-19380214-311X`): a
/// span of digits in groups joined by one separator each (folded to a space), ending in a digit or `X`, not
/// next to another digit, whose digits are 17 plus a check character that is right.
fn grouped_ids(b: &[u8]) -> Vec<TextHit> {
    let mut hits = Vec::new();
    let mut i = 0;
    while i < b.len() {
        let starts = b[i].is_ascii_digit() && (i == 0 || !b[i - 1].is_ascii_digit());
        if !starts {
            i += 1;
            continue;
        }
        let (mut j, mut digits, mut separated) = (i, String::new(), false);
        loop {
            while j < b.len() && b[j].is_ascii_digit() {
                digits.push(char::from(b[j]));
                j += 1;
            }
            match (b.get(j), b.get(j + 1)) {
                (Some(b' '), Some(d)) if d.is_ascii_digit() && digits.len() < 18 => {
                    separated = true;
                    j += 1;
                }
                (Some(b'X' | b'x'), _) if digits.len() == 17 => {
                    digits.push('X');
                    j += 1;
                    break;
                }
                _ => break,
            }
        }
        let alone = !b.get(j).is_some_and(|c| c.is_ascii_digit() || c.is_ascii_alphabetic());
        if separated && alone && digits.len() == 18 {
            if let Ok(id) = id_number::parse(&digits) {
                if (1900..=2099).contains(&id.birth_date.year()) {
                    hits.push(TextHit { kind: TextHitKind::ResidentId, start: i, end: j });
                }
            }
        }
        i = j.max(i + 1);
    }
    hits
}

/// The free-text members of a record type, as pointer patterns (`*`: any array index); the same
/// members as [`free_text`] gives (a test holds the two together); the masker walks these.
pub(crate) fn free_text_members(ty: RecordType) -> &'static [&'static str] {
    match ty {
        RecordType::Organization => &["/name", "/contacts/*/role"],
        RecordType::Place => &["/name", "/address/fullText"],
        RecordType::Thing => &["/name"],
        RecordType::Event => &["/description"],
        RecordType::Case => &["/title", "/description", "/resolution", "/history/*/note", "/evaluation/comment"],
        _ => &[],
    }
}

/// The free-text members of a record, with their pointers `[SHR-040]`.
pub fn free_text(record: &Record) -> Vec<(String, &str)> {
    let mut out: Vec<(String, &str)> = Vec::new();
    fn add<'r>(out: &mut Vec<(String, &'r str)>, p: String, t: Option<&'r linli_model::text::Text>) {
        if let Some(t) = t {
            out.push((p, t.as_str()));
        }
    }
    let mut push = |p: String, t| add(&mut out, p, t);
    match record {
        Record::Person(_) => {}
        Record::Organization(o) => {
            push("/name".into(), Some(&o.name));
            for (i, c) in o.contacts.iter().enumerate() {
                push(format!("/contacts/{i}/role"), Some(&c.role));
            }
        }
        Record::Place(p) => {
            push("/name".into(), Some(&p.name));
            push("/address/fullText".into(), p.address.as_ref().map(|a| &a.full_text));
        }
        Record::Thing(t) => push("/name".into(), t.name.as_ref()),
        Record::Event(e) => push("/description".into(), e.description.as_ref()),
        Record::Case(c) => {
            push("/title".into(), Some(&c.title));
            push("/description".into(), c.description.as_ref());
            push("/resolution".into(), c.resolution.as_ref());
            for (i, t) in c.history.iter().enumerate() {
                push(format!("/history/{i}/note"), t.note.as_ref());
            }
            push("/evaluation/comment".into(), c.evaluation.as_ref().and_then(|e| e.comment.as_ref()));
        }
    }
    out
}

/// Scan the free-text members of a record for identity and mobile numbers.
pub fn scan_record(record: &Record) -> Vec<Leak> {
    let ty = record.record_type();
    let mut out = Vec::new();
    // Ids are copied into every reference and carry no marks `[CON-013]`.
    let meta_source = record.meta().source_id.as_ref().map(|t| t.as_str());
    // A reference repeats the id of the record it names: the same rule at its `id` member.
    let mut ids: Vec<(String, String)> = vec![("/id".to_owned(), record.id().as_str().to_owned())];
    if let Some(s) = meta_source {
        ids.push(("/meta/sourceId".to_owned(), s.to_owned()));
    }
    record.for_each_ref(&mut |ptr, _, rid| ids.push((format!("{ptr}/id"), rid.as_str().to_owned())));
    for (pointer, text) in &ids {
        for hit in scan_text(text) {
            let value = text.get(hit.start..hit.end).map(mask_number);
            out.push(leak("id-holds-personal-number", pointer.clone(), value));
        }
    }
    for (pointer, text) in free_text(record) {
        for hit in scan_text(text) {
            let value = text.get(hit.start..hit.end).map(mask_number);
            let code = match (hit.kind, ty, pointer.as_str()) {
                (TextHitKind::ResidentId, RecordType::Event, "/description") => "event-text-id-number",
                (TextHitKind::ResidentId, RecordType::Case, "/description") => "case-text-id-number",
                (TextHitKind::ResidentId, _, _) => "free-text-id-number",
                (TextHitKind::Mobile, _, _) => "free-text-mobile",
            };
            out.push(leak(code, pointer.clone(), value));
        }
    }
    out
}

/// The names of a dataset's own persons and contacts — a Person's `name`, an Organization's
/// `/contacts/*/name` — to find them in free text `[SHR-043]`, `[SHR-052]`. A name shorter than
/// two characters is not looked for (one character is part of too many words), nor one already
/// masked (holding `*`) or pseudonymised; a name of ASCII letters is found only as a whole word,
/// ignoring case. Its `Debug` shows how many names it holds, never a name `[PRI-004]`.
#[derive(Clone, Default)]
pub struct Names {
    names: std::collections::HashSet<String>,
    automaton: std::sync::OnceLock<Option<aho_corasick::AhoCorasick>>,
}

impl std::fmt::Debug for Names {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Names").field("count", &self.names.len()).finish()
    }
}

impl Names {
    /// Remember one name (ignored when too short, masked or a token).
    pub fn add(&mut self, name: &str) {
        let name = name.trim();
        if name.chars().count() < 2 || name.contains('*') || is_token(name) {
            return;
        }
        if self.names.insert(name.to_owned()) {
            self.automaton = std::sync::OnceLock::new();
        }
    }

    /// Remember the names a record gives: a Person's `name`, an Organization's contacts' names.
    pub fn add_record(&mut self, v: &Value) {
        match v.get("type").and_then(Value::as_str) {
            Some("Person") => {
                if let Some(n) = v.get("name").and_then(Value::as_str) {
                    self.add(n);
                }
            }
            Some("Organization") => {
                for c in v.get("contacts").and_then(Value::as_array).into_iter().flatten() {
                    if let Some(n) = c.get("name").and_then(Value::as_str) {
                        self.add(n);
                    }
                }
            }
            _ => {}
        }
    }

    /// Number of different names held.
    pub fn len(&self) -> usize {
        self.names.len()
    }

    /// Whether no name is held.
    pub fn is_empty(&self) -> bool {
        self.names.is_empty()
    }

    /// Byte ranges of the names in `text`, leftmost-longest, not overlapping. The automaton is
    /// built at the first call after the last [`Names::add`].
    pub fn find(&self, text: &str) -> Vec<(usize, usize)> {
        if self.names.is_empty() {
            return Vec::new();
        }
        let built = self.automaton.get_or_init(|| {
            aho_corasick::AhoCorasick::builder()
                .match_kind(aho_corasick::MatchKind::LeftmostLongest)
                .ascii_case_insensitive(true)
                .build(&self.names)
                .ok()
        });
        let Some(ac) = built else { return Vec::new() };
        let word = |c: Option<char>| c.is_some_and(|c| c.is_ascii_alphanumeric());
        ac.find_iter(text)
            .filter(|m| {
                let (a, b) = (m.start(), m.end());
                let first = text[a..].chars().next();
                let last = text[..b].chars().next_back();
                let before = text[..a].chars().next_back();
                let after = text[b..].chars().next();
                !((word(first) && word(before)) || (word(last) && word(after)))
            })
            .map(|m| (m.start(), m.end()))
            .collect()
    }
}

/// The names of `names` in the free-text members of a record of a shared dataset
/// (`shared-person-name`, `[SHR-052]`): one leak per member holding any, the name never shown.
pub fn names_in_text(record: &Record, names: &Names) -> Vec<Leak> {
    if names.is_empty() {
        return Vec::new();
    }
    free_text(record)
        .into_iter()
        .filter(|(_, text)| !names.find(text).is_empty())
        .map(|(pointer, _)| leak("shared-person-name", pointer, None))
        .collect()
}

/// Characters [PRI-004] shows of a value of `n` characters.
fn table_shows(n: usize) -> usize {
    let (head, tail) = linli_model::check::mask_shown(n);
    head + tail
}

/// Whether a value that a `mask` action should have treated shows more characters than the action
/// allows: no `*` at all, or more visible characters than `keepStart` + `keepEnd` (or the [PRI-004]
/// table) `[SHR-011]`, `[SHR-050]`. A telephone number's `+` and `-` are not counted, and its
/// masking may fall back to the table.
fn shows_too_much(s: &str, keep_start: Option<usize>, keep_end: Option<usize>, phone: bool) -> bool {
    if !s.contains('*') {
        return true;
    }
    let n = s.chars().count();
    let rule = match (keep_start, keep_end) {
        (None, None) => table_shows(n),
        (a, b) => {
            let ab = a.unwrap_or(0).saturating_add(b.unwrap_or(0));
            if ab >= n { table_shows(n) } else { ab }
        }
    };
    let allowed = if phone { rule.max(table_shows(n)).max(1) } else { rule };
    let visible = s.chars().filter(|c| *c != '*' && !(phone && matches!(c, '+' | '-'))).count();
    visible > allowed
}

fn masked_string(v: &Value) -> Option<String> {
    v.as_str().map(mask_middle)
}

/// Whether `x` has more than `decimals` decimals, counted exactly: the digits after the point of
/// the shortest text that reads back as `x` (Rust's `Display` of `f64`, never in exponent form),
/// so that `120.5840000001` has ten and `120.584` three `[SHR-014]`, `[SHR-050]`.
pub(crate) fn has_more_decimals(x: f64, decimals: u8) -> bool {
    let text = format!("{x}");
    text.split_once('.').is_some_and(|(_, frac)| frac.len() > usize::from(decimals))
}

fn aligned(g: Generalisation, p: &Value) -> bool {
    let get = |k: &str| p.get(k).and_then(Value::as_str).and_then(|s| Date::parse(s).ok());
    match (get("start"), get("end")) {
        (Some(a), Some(b)) => band(g, a, b) == Some((a, b)),
        _ => false,
    }
}

/// Values of a record that `profile` would have changed and that are still there in raw form
/// `[SHR-050]`, identity and mobile numbers in kept free text among them `[SHR-042]`. Residences
/// generalised to a community cannot be told from the record alone and are not checked.
pub fn raw_values(typed: &Record, profile: &Profile, today: Date) -> Vec<Leak> {
    let ty = typed.record_type();
    // The marked members are found by pointer in the record's JSON form; `visit` walks it.
    let mut v = serde_json::to_value(typed).unwrap_or(Value::Null);
    let record = &v.clone();
    let minor = ty == RecordType::Person && is_minor(record, today);
    let mut out = Vec::new();
    for m in profile.members(ty) {
        if m.kind == Kind::Covered {
            continue;
        }
        let action = profile.resolve(m, minor);
        if action == Action::Keep {
            continue;
        }
        visit(&mut v, &m.segments, &mut |obj, name, parent| {
            let at = &format!("{parent}/{name}");
            let Some(val) = obj.get(name) else { return };
            let base = |i: Option<usize>| match i {
                Some(i) => format!("{at}/{i}"),
                None => at.to_owned(),
            };
            let mut found = |p: String, value: Option<String>| out.push(leak("shared-raw-value", p, value));
            match (m.kind, action) {
                (_, Action::Drop) => found(base(None), masked_string(val)),
                (Kind::Text | Kind::Phone, Action::Mask { keep_start, keep_end }) => {
                    let phone = m.kind == Kind::Phone;
                    let raw = |s: &Value| s.as_str().is_some_and(|s| shows_too_much(s, keep_start, keep_end, phone));
                    match val {
                        Value::Array(items) => {
                            for (i, s) in items.iter().enumerate() {
                                if raw(s) {
                                    found(base(Some(i)), masked_string(s));
                                }
                            }
                        }
                        s if raw(s) => found(base(None), masked_string(s)),
                        _ => {}
                    }
                }
                (Kind::Text, Action::Pseudonymise) if val.as_str().is_some_and(|s| !is_token(s)) => {
                    found(base(None), masked_string(val));
                }
                (Kind::Identifiers, Action::Mask { .. } | Action::Pseudonymise) => {
                    for (i, item) in val.as_array().into_iter().flatten().enumerate() {
                        let scheme = item.get("scheme").and_then(Value::as_str);
                        let value = item.get("value").and_then(Value::as_str).unwrap_or("");
                        let raw = if scheme == Some("pseudonym") {
                            !is_token(value)
                        } else if let Action::Mask { keep_start, keep_end } = action {
                            shows_too_much(value, keep_start, keep_end, false)
                        } else {
                            true
                        };
                        if raw {
                            found(format!("{at}/{i}/value"), Some(mask_middle(value)));
                        }
                    }
                }
                (Kind::Household, Action::Pseudonymise) => {
                    let id = val.get("householdId").and_then(Value::as_str).unwrap_or("");
                    if !(id.len() == 32 && id.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))) {
                        found(format!("{at}/householdId"), Some(mask_middle(id)));
                    }
                }
                (Kind::BirthDate, Action::Generalise(_)) => found(base(None), masked_string(val)),
                (Kind::BirthPeriod, Action::Generalise(g)) if !aligned(g, val) => found(base(None), None),
                (Kind::Point, Action::Generalise(Generalisation::Round { decimals })) => {
                    let coords = val.get("coordinates").and_then(Value::as_array);
                    if coords.is_some_and(|c| {
                        c.len() > 2 || c.iter().any(|x| x.as_f64().is_some_and(|x| has_more_decimals(x, decimals)))
                    }) {
                        found(format!("{at}/coordinates"), None);
                    }
                }
                _ => {}
            }
        });
    }
    // Identity and mobile numbers left in free text the profile keeps `[SHR-042]`.
    if profile.sharing_level != linli_model::codes::SharingLevel::Internal {
        for (pointer, text) in free_text(typed) {
            for hit in scan_text(text) {
                let value = text.get(hit.start..hit.end).map(mask_number);
                out.push(leak("shared-raw-value", pointer.clone(), value));
            }
        }
    }
    if profile.extensions == Action::Drop
        && record.get("extensions").is_some_and(|e| e.as_object().is_none_or(|o| !o.is_empty()))
    {
        out.push(leak("shared-raw-value", "/extensions".into(), None));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn person(extra: &str) -> Record {
        // A Person needs a name; one masked as inter-department masks it.
        let extra = if extra.contains(r#""name""#) { extra.to_owned() } else { format!(r#","name":"张*"{extra}"#) };
        let text = format!(
            r#"{{"type":"Person","id":"P-1","meta":{{"source":{{"vendor":"V","product":"P"}},"createdAt":"2024-05-01T09:00:00+08:00","updatedAt":"2024-05-01T09:00:00+08:00","version":1,"classification":"restricted"}}{extra}}}"#
        );
        Record::from_json_str(&text).unwrap_or_else(|e| panic!("{e}"))
    }

    fn raw(level: &str, extra: &str) -> Vec<String> {
        let profile = Profile::built_in(level).unwrap_or_else(|e| panic!("{e}"));
        let today = Date::parse("2024-05-01").unwrap_or_else(|e| panic!("{e}"));
        raw_values(&person(extra), &profile, today).into_iter().map(|l| l.pointer).collect()
    }

    #[test]
    fn free_text_and_its_pointer_patterns_agree() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../../examples/records");
        let mut seen = 0;
        for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
            let text = std::fs::read_to_string(entry.path()).unwrap_or_default();
            let record = Record::from_json_str(&text).unwrap_or_else(|e| panic!("{e}"));
            let patterns = free_text_members(record.record_type());
            for (pointer, _) in free_text(&record) {
                seen += 1;
                let matches = patterns.iter().any(|p| {
                    let (a, b): (Vec<&str>, Vec<&str>) = (p.split('/').collect(), pointer.split('/').collect());
                    a.len() == b.len()
                        && a.iter().zip(&b).all(|(x, y)| x == y || (*x == "*" && y.parse::<usize>().is_ok()))
                });
                assert!(matches, "{pointer} of {} has no pattern", record.record_type());
            }
        }
        assert!(seen >= 10, "{seen}");
    }

    #[test]
    fn a_mask_that_shows_more_than_the_level_allows_is_raw() {
        // public shows nothing of a name; inter-department follows the [PRI-004] table.
        assert_eq!(raw("public", r#","name":"张*丰""#), ["/name"]);
        assert!(raw("public", r#","name":"***""#).is_empty());
        assert!(raw("inter-department", r#","name":"张*丰""#).is_empty());
        assert_eq!(raw("inter-department", r#","name":"张三丰*""#), ["/name"]);
        assert_eq!(raw("inter-department", r#","phones":["1381234567*"]"#), ["/phones/0"]);
        assert!(raw("inter-department", r#","phones":["138****5678"]"#).is_empty());
        // A masked identity number counts as raw where the level pseudonymises.
        let masked = r#","identifiers":[{"scheme":"resident-id","value":"1101**********002X"}]"#;
        assert_eq!(raw("inter-department", masked), ["/identifiers/0/value"]);
    }

    #[test]
    fn decimals_are_counted_exactly() {
        assert!(!has_more_decimals(120.584, 3));
        assert!(!has_more_decimals(31.3, 3));
        assert!(!has_more_decimals(120.0, 0));
        assert!(!has_more_decimals(-0.001, 3));
        // Within 1e-9 of three decimals, yet ten of them.
        assert!(has_more_decimals(120.5840000001, 3));
        assert!(has_more_decimals(31.2990000000005, 3));
        assert!(has_more_decimals(0.0001, 3));
        assert!(has_more_decimals(1e-7, 6));
        // Every coordinate the masker rounds passes.
        for x in [120.58361234, -179.99951, 0.00049, 89.9999999, 31.2985] {
            for d in 0..=6u8 {
                assert!(!has_more_decimals(crate::mask::round(x, d), d), "{x} {d}");
            }
        }
    }

    #[test]
    fn finds_valid_id_numbers_only() {
        let hits = scan_text("住户身份证11010519491231002X，电话未通");
        assert_eq!(hits.len(), 1);
        assert_eq!(hits[0].kind, TextHitKind::ResidentId);
        // Wrong check character.
        assert!(scan_text("身份证110105194912310021").is_empty());
        // Written in groups, or in full-width digits.
        assert_eq!(scan_text("证件 1101 0519 4912 3100 2X 已核").len(), 1);
        assert_eq!(scan_text("证件 110105-19491231-002X").len(), 1);
        assert_eq!(scan_text("证件 １１０１０５１９４９１２３１００２Ｘ").len(), 1);
        // Mobiles grouped 3-4-4, with either separator.
        assert_eq!(scan_text("回电 138-1234 5678").len(), 1);
        assert_eq!(scan_text("回电 138 1234-5678").len(), 1);
        assert!(scan_text("编号 138-1234-56789").is_empty());
        // Grouped digits whose check character is wrong, or that run on, are not.
        assert!(scan_text("1101 0519 4912 3100 21").is_empty());
        assert!(scan_text("1101 0519 4912 3100 2X7").is_empty());
        // Lower-case x is still a leak.
        assert_eq!(scan_text("11010519491231002x").len(), 1);
        // Inside a longer run of digits.
        assert!(scan_text("1234567890110105194912310020").is_empty());
    }

    #[test]
    fn numbers_split_by_any_separator_of_the_one_set_are_found() {
        // Zero-width spaces anywhere: invisible, the digits read as one run.
        let id = "1101\u{200b}0519\u{200b}4912\u{200b}3100\u{200b}2X";
        assert_eq!(scan_text(id).len(), 1);
        assert_eq!(scan_text("住户110\u{feff}10519491231002X").len(), 1);
        assert_eq!(scan_text("电话1381\u{200d}2345678").len(), 1);
        // No-break spaces, ideographic spaces, thin spaces, dots, dashes between groups.
        assert_eq!(scan_text("回电 138\u{a0}1234\u{a0}5678").len(), 1);
        assert_eq!(scan_text("回电 138\u{3000}1234\u{202f}5678").len(), 1);
        assert_eq!(scan_text("回电 138.1234.5678").len(), 1);
        assert_eq!(scan_text("回电 138\u{2014}1234\u{2212}5678").len(), 1);
        assert_eq!(scan_text("证件 110105.19491231.002X").len(), 1);
        assert_eq!(scan_text("证件 1101・0519・4912・3100・2X").len(), 1);
        assert_eq!(scan_text("证件 110105\u{2010}19491231\u{2010}002X").len(), 1);
        // The value reported or written shows the masked digits only, never a separator.
        let hit = scan_text(id)[0];
        assert_eq!(mask_number(&id[hit.start..hit.end]), "1101**********002X");
        let m = "138\u{a0}1234\u{a0}5678";
        let hit = scan_text(m)[0];
        assert_eq!(mask_number(&m[hit.start..hit.end]), "138****5678");
        // Dates, decimals and numbers that fail the checksum or the prefix are not numbers.
        assert!(scan_text("2024.05.01 处理 12.5 平方米").is_empty());
        assert!(scan_text("坐标 120.58361234 31.29871234").is_empty());
        assert!(scan_text("110105.19491231.0021").is_empty());
        assert!(scan_text("128.1234.5678").is_empty());
        // A slash is not a separator.
        assert!(scan_text("138/1234/5678").is_empty());
    }

    #[test]
    fn finds_mobiles() {
        assert_eq!(scan_text("请联系13812345678").len(), 1);
        assert_eq!(scan_text("请联系138-1234-5678。").len(), 1);
        assert_eq!(scan_text("请联系138 1234 5678").len(), 1);
        assert_eq!(scan_text("+8613812345678").len(), 1);
        assert!(scan_text("流水号913812345678").is_empty());
        assert!(scan_text("12812345678").is_empty());
        assert!(scan_text("拨打12345热线").is_empty());
    }
}
