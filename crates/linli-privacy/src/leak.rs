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

use linli_model::check::{Level, SharedCode, mask_middle};
use linli_model::datetime::Date;
use linli_model::redact::{NumberKind, personal_numbers};
use linli_model::{Record, RecordType};
use serde_json::Value;

use crate::key::is_token;
use crate::mask::{band, is_minor, visit};
use crate::profile::{Action, Generalisation, Kind, Profile};

/// One leak found.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Leak {
    /// Stable code, of the table the validator shares with this crate.
    pub code: SharedCode,
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

/// The codes of the leak checks; their level, requirement and titles are rows of the table the
/// validator shares with this crate ([`SharedCode`]).
pub const CODES: &[SharedCode] = &[
    SharedCode::EventTextIdNumber,
    SharedCode::CaseTextIdNumber,
    SharedCode::FreeTextIdNumber,
    SharedCode::FreeTextMobile,
    SharedCode::IdHoldsPersonalNumber,
    SharedCode::SharedRawValue,
    SharedCode::SharedPersonName,
];

fn leak(code: SharedCode, pointer: String, value: Option<String>) -> Leak {
    Leak {
        code,
        level: code.level(),
        requirement: code.requirement(),
        pointer,
        value,
        message_zh: code.title_zh().to_owned(),
        message_en: code.title_en().to_owned(),
    }
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

/// A number found by [`scan_text`], written for a report or for the masked text: its digits (and
/// a leading `+`, a final `X`) without separators, masked by the [PRI-004] table.
pub fn mask_number(found: &str) -> String {
    let plain: String = found
        .chars()
        .filter_map(|c| match c {
            '+' | '\u{ff0b}' => Some('+'),
            'X' | 'x' | '\u{ff38}' | '\u{ff58}' => Some('X'),
            c => linli_model::redact::digit_value(c).map(char::from),
        })
        .collect();
    mask_middle(&plain)
}

/// Find resident ID numbers and mobile numbers in free text `[SHR-040]`, `[SHR-041]`: the
/// numbers of [`linli_model::redact::personal_numbers`] — the one recognition that redaction
/// uses too `[PRI-011]` — that read as a resident ID number (check character right, birth date in
/// 1900–2099) or a mobile number, in ASCII or full-width digits, their groups joined by invisible
/// characters and at most one other separator of the set of `[SHR-062]`, not part of a longer
/// group of digits. Offsets are into `s`, from the first digit to the last digit or `X`.
pub fn scan_text(s: &str) -> Vec<TextHit> {
    personal_numbers(s)
        .into_iter()
        .filter_map(|p| {
            let kind = match p.kind {
                NumberKind::ResidentId => TextHitKind::ResidentId,
                NumberKind::Mobile => TextHitKind::Mobile,
                _ => return None,
            };
            Some(TextHit { kind, start: p.start, end: p.end })
        })
        .collect()
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
            for (i, t) in c.history().iter().enumerate() {
                push(format!("/history/{i}/note"), t.note.as_ref());
            }
            push("/evaluation/comment".into(), c.evaluation.as_ref().and_then(|e| e.comment.as_ref()));
        }
    }
    out
}

/// The ids of a record that hold a resident ID or mobile number (`id-holds-personal-number`,
/// `[CON-013]`): its `id`, its `meta.sourceId` and the `id` of every reference, as [`scan_text`]
/// reads them. The validator reports these at every level, and the masker's self-check refuses
/// them, since no profile changes an id `[SHR-024]`, `[SHR-032]`.
pub fn ids_holding_numbers(record: &Record) -> Vec<Leak> {
    let mut out = Vec::new();
    // Pointers are written only for an id that holds a number: nearly none do, and a record has
    // many references.
    let mut scan = |pointer: &dyn Fn() -> String, text: &str| {
        for hit in scan_text(text) {
            let value = text.get(hit.start..hit.end).map(mask_number);
            out.push(leak(SharedCode::IdHoldsPersonalNumber, pointer(), value));
        }
    };
    // Ids are copied into every reference and carry no marks `[CON-013]`.
    scan(&|| "/id".to_owned(), record.id().as_str());
    if let Some(s) = record.meta().source_id.as_ref() {
        scan(&|| "/meta/sourceId".to_owned(), s.as_str());
    }
    // A reference repeats the id of the record it names: the same rule at its `id` member.
    record.for_each_ref(&mut |ptr, _, rid| scan(&|| format!("{ptr}/id"), rid.as_str()));
    out
}

/// [`ids_holding_numbers`] for ids given as (pointer, text) — those of a record read only as
/// JSON, because it breaks its schema (`[CON-070]` item 4).
pub fn id_texts_holding_numbers(ids: &[(String, String)]) -> Vec<Leak> {
    let mut out = Vec::new();
    for (pointer, text) in ids {
        for hit in scan_text(text) {
            let value = text.get(hit.start..hit.end).map(mask_number);
            out.push(leak(SharedCode::IdHoldsPersonalNumber, pointer.clone(), value));
        }
    }
    out
}

/// Scan the ids of a record ([`ids_holding_numbers`]) and its free-text members for identity and
/// mobile numbers.
pub fn scan_record(record: &Record) -> Vec<Leak> {
    let ty = record.record_type();
    let mut out = ids_holding_numbers(record);
    for (pointer, text) in free_text(record) {
        for hit in scan_text(text) {
            let value = text.get(hit.start..hit.end).map(mask_number);
            let code = match (hit.kind, ty, pointer.as_str()) {
                (TextHitKind::ResidentId, RecordType::Event, "/description") => SharedCode::EventTextIdNumber,
                (TextHitKind::ResidentId, RecordType::Case, "/description") => SharedCode::CaseTextIdNumber,
                (TextHitKind::ResidentId, _, _) => SharedCode::FreeTextIdNumber,
                (TextHitKind::Mobile, _, _) => SharedCode::FreeTextMobile,
            };
            out.push(leak(code, pointer.clone(), value));
        }
    }
    out
}

/// Every string value of `v` (object members and array items, member names not included), with
/// the segments of its JSON pointer, unescaped.
pub(crate) fn strings<'v>(v: &'v Value, path: &mut Vec<String>, out: &mut Vec<(Vec<String>, &'v str)>) {
    match v {
        Value::String(s) => out.push((path.clone(), s)),
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                path.push(i.to_string());
                strings(item, path, out);
                path.pop();
            }
        }
        Value::Object(m) => {
            for (k, item) in m {
                path.push(k.clone());
                strings(item, path, out);
                path.pop();
            }
        }
        _ => {}
    }
}

/// The JSON pointer (RFC 6901) of `segments`.
pub(crate) fn pointer_of(segments: &[String]) -> String {
    segments.iter().map(|s| format!("/{}", s.replace('~', "~0").replace('/', "~1"))).collect()
}

/// Whether `path` lies at or inside a member of `ty` that `profile` lists (a marked member, whose
/// treatment the profile decides `[SHR-050]`).
pub(crate) fn under_marked(profile: &Profile, ty: RecordType, path: &[String]) -> bool {
    profile.members(ty).iter().any(|m| {
        m.segments.len() <= path.len()
            && m.segments.iter().zip(path).all(|(p, s)| *p == s || (*p == "*" && s.parse::<usize>().is_ok()))
    })
}

/// Whether `s` has the form of an id `[CON-010]`.
pub(crate) fn id_form(s: &str) -> bool {
    linli_model::text::Id::FAST.is_some_and(|m| m(s))
}

/// The *other strings* of a record `[SHR-064]`: every string value of its JSON form `v` that is not
/// in a member the level's built-in `profile` lists (whose treatment the profile decides), not a
/// free-text member of [`free_text`] (scanned by `[SHR-042]` already), and not an id — the record's
/// `id`, its `meta.sourceId`, the `id` of a reference, which [`ids_holding_numbers`] scans. With
/// their pointers.
pub(crate) fn other_strings<'v>(record: &Record, v: &'v Value, profile: &Profile) -> Vec<(String, &'v str)> {
    let ty = record.record_type();
    let mut skip: std::collections::HashSet<String> =
        free_text(record).into_iter().map(|(p, _)| p).chain(["/id".to_owned(), "/meta/sourceId".to_owned()]).collect();
    record.for_each_ref(&mut |ptr, _, _| {
        skip.insert(format!("{ptr}/id"));
    });
    let mut all = Vec::new();
    strings(v, &mut Vec::new(), &mut all);
    all.into_iter()
        .filter(|(path, _)| !under_marked(profile, ty, path))
        .map(|(path, s)| (pointer_of(&path), s))
        .filter(|(p, _)| !skip.contains(p))
        .collect()
}

/// Whether `c` is dropped when names are matched `[SHR-043]`: a Unicode `Default_Ignorable_Code_Point`
/// (zero-width characters, the soft hyphen, joiners, direction marks, variation selectors, the
/// invisible separators of `[SHR-062]` among them) — it does not show, so it cannot tell two
/// spellings apart.
fn is_ignorable(c: char) -> bool {
    linli_model::redact::is_invisible(c)
        || matches!(
            c,
            '\u{34f}'
                | '\u{61c}'
                | '\u{115f}'
                | '\u{1160}'
                | '\u{17b4}'
                | '\u{17b5}'
                | '\u{180b}'..='\u{180f}'
                | '\u{200b}'..='\u{200f}'
                | '\u{202a}'..='\u{202e}'
                | '\u{2060}'..='\u{206f}'
                | '\u{3164}'
                | '\u{fe00}'..='\u{fe0f}'
                | '\u{ffa0}'
                | '\u{fff0}'..='\u{fff8}'
                | '\u{1bca0}'..='\u{1bca3}'
                | '\u{1d173}'..='\u{1d17a}'
                | '\u{e0000}'..='\u{e0fff}'
        )
}

/// Whether `c` is a dot that stands between the parts of a name (`阿卜杜·热合曼`) `[SHR-043]`:
/// `.` U+002E, `·` U+00B7, U+0387, U+16EB, `•` U+2022, `‧` U+2027, U+2219, U+22C5, U+2E31,
/// `・` U+30FB, `．` U+FF0E, `･` U+FF65.
fn is_name_dot(c: char) -> bool {
    matches!(
        c,
        '.' | '\u{b7}'
            | '\u{387}'
            | '\u{16eb}'
            | '\u{2022}'
            | '\u{2027}'
            | '\u{2219}'
            | '\u{22c5}'
            | '\u{2e31}'
            | '\u{30fb}'
            | '\u{ff0e}'
            | '\u{ff65}'
    )
}

/// The character a name is matched on `[SHR-043]`: `None` for one that is dropped (an ignorable
/// character, white space, a name dot), full-width ASCII (U+FF01–U+FF5E) as ASCII, ASCII letters
/// in lower case.
fn fold_char(c: char) -> Option<char> {
    if is_ignorable(c) || c.is_whitespace() || is_name_dot(c) {
        return None;
    }
    let c = match c {
        '\u{ff01}'..='\u{ff5e}' => char::from_u32(u32::from(c) - 0xfee0).unwrap_or(c),
        c => c,
    };
    Some(c.to_ascii_lowercase())
}

/// `s` folded for matching names ([`fold_char`]), and for each byte of the folded text the byte
/// span in `s` of the character it came from.
struct Folded {
    text: String,
    spans: Vec<(usize, usize)>,
}

impl Folded {
    fn new(s: &str) -> Self {
        let mut text = String::with_capacity(s.len());
        let mut spans = Vec::with_capacity(s.len());
        for (i, c) in s.char_indices() {
            if let Some(f) = fold_char(c) {
                text.push(f);
                spans.extend(std::iter::repeat_n((i, i + c.len_utf8()), f.len_utf8()));
            }
        }
        Folded { text, spans }
    }
}

/// The names of a dataset's own persons and contacts — a Person's `name`, an Organization's
/// `/contacts/*/name` — to find them in free text `[SHR-043]`, `[SHR-052]`. Names and text are
/// matched folded (character by character): invisible characters, white space and name dots dropped,
/// full-width ASCII as ASCII, ASCII letters in either case — so that `朱\u{200b}秀兰`, `朱 秀 兰`,
/// `LiLei`, `Li\u{a0}Lei`, `ＬＩ ＬＥＩ`, `阿卜杜•热合曼` are found for `朱秀兰`, `Li Lei` and
/// `阿卜杜·热合曼`, and the whole span they cover in the text is given. A name of fewer than two
/// characters so folded is not looked for (one character is part of too many words), nor one
/// already masked (holding `*`) or pseudonymised; a name that begins (ends) with an ASCII letter or
/// digit is found only where no ASCII letter or digit (full-width ones too, invisible characters
/// passed over) stands before (after) it. Its `Debug` shows how many names it holds, never a name
/// `[PRI-004]`.
#[derive(Clone, Default)]
pub struct Names {
    /// The names, folded.
    names: std::collections::HashSet<String>,
    automaton: std::sync::OnceLock<Option<aho_corasick::AhoCorasick>>,
}

impl std::fmt::Debug for Names {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Names").field("count", &self.names.len()).finish()
    }
}

impl Names {
    /// Remember one name (ignored when too short once folded, masked or a token).
    pub fn add(&mut self, name: &str) {
        let name = name.trim();
        if name.contains('*') || is_token(name) {
            return;
        }
        let folded = Folded::new(name).text;
        if folded.chars().count() < 2 {
            return;
        }
        if self.names.insert(folded) {
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

    /// Number of different names held (as folded).
    pub fn len(&self) -> usize {
        self.names.len()
    }

    /// Whether no name is held.
    pub fn is_empty(&self) -> bool {
        self.names.is_empty()
    }

    /// Byte ranges of the names in `text`, leftmost-longest, not overlapping, each from the first
    /// to the last character of the name as written (what was dropped between them included).
    /// The automaton is built at the first call after the last [`Names::add`].
    pub fn find(&self, text: &str) -> Vec<(usize, usize)> {
        if self.names.is_empty() {
            return Vec::new();
        }
        let built = self.automaton.get_or_init(|| {
            aho_corasick::AhoCorasick::builder()
                .match_kind(aho_corasick::MatchKind::LeftmostLongest)
                .build(&self.names)
                .ok()
        });
        let Some(ac) = built else { return Vec::new() };
        let folded = Folded::new(text);
        // An ASCII letter or digit, full-width or not.
        let word = |c: Option<char>| c.and_then(fold_char).is_some_and(|c| c.is_ascii_alphanumeric());
        // The character before (after) a byte offset of `text`, ignorable characters passed over.
        let before = |at: usize| text[..at].chars().rev().find(|c| !is_ignorable(*c));
        let after = |at: usize| text[at..].chars().find(|c| !is_ignorable(*c));
        let mut out = Vec::new();
        let mut from = 0;
        while from < folded.text.len() {
            let input = aho_corasick::Input::new(&folded.text).range(from..);
            let Some(m) = ac.find(input) else { break };
            let (a, b) = (folded.spans[m.start()].0, folded.spans[m.end() - 1].1);
            let first = folded.text[m.start()..].chars().next();
            let last = folded.text[..m.end()].chars().next_back();
            let glued = (word(first) && word(before(a))) || (word(last) && word(after(b)));
            if glued {
                // Look again from the next character: a shorter name may start inside.
                from = m.start() + first.map_or(1, char::len_utf8);
            } else {
                out.push((a, b));
                from = m.end();
            }
        }
        out
    }
}

/// The names of `names` in the free-text members and the `meta.sourceId` of a record of a shared
/// dataset (`shared-person-name`, `[SHR-052]`): one leak per member holding any, the name never
/// shown.
pub fn names_in_text(record: &Record, names: &Names) -> Vec<Leak> {
    if names.is_empty() {
        return Vec::new();
    }
    let source_id = record.meta().source_id.as_ref().map(|s| ("/meta/sourceId".to_owned(), s.as_str()));
    free_text(record)
        .into_iter()
        .chain(source_id)
        .filter(|(_, text)| !names.find(text).is_empty())
        .map(|(pointer, _)| leak(SharedCode::SharedPersonName, pointer, None))
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
    // `visit` only reads here: what is asked of the whole record is asked before.
    let minor = ty == RecordType::Person && is_minor(&v, today);
    let extensions = v.get("extensions").is_some_and(|e| e.as_object().is_none_or(|o| !o.is_empty()));
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
            // A name is never shown, not even masked (`钱*敏` tells two of its three characters).
            let shown = m.kind != Kind::Text;
            let mut found = |p: String, value: Option<String>| {
                out.push(leak(SharedCode::SharedRawValue, p, value.filter(|_| shown)))
            };
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
    // Identity and mobile numbers left in free text the profile keeps `[SHR-042]`, and in every
    // other string that no marked member holds `[SHR-064]`.
    if profile.sharing_level != linli_model::codes::SharingLevel::Internal {
        let texts = free_text(typed).into_iter().map(|(p, t)| (p, t.to_owned()));
        let others = other_strings(typed, &v, profile).into_iter().map(|(p, t)| (p, t.to_owned()));
        for (pointer, text) in texts.chain(others) {
            for hit in scan_text(&text) {
                let value = text.get(hit.start..hit.end).map(mask_number);
                out.push(leak(SharedCode::SharedRawValue, pointer.clone(), value));
            }
        }
        // A `meta.sourceId` not of the form of an id may be a name: dropped by the masker, and
        // never shown `[SHR-065]`.
        if typed.meta().source_id.as_ref().is_some_and(|s| !id_form(s.as_str())) {
            out.push(leak(SharedCode::SharedRawValue, "/meta/sourceId".into(), None));
        }
    }
    if profile.extensions == Action::Drop && extensions {
        out.push(leak(SharedCode::SharedRawValue, "/extensions".into(), None));
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
    fn numbers_in_other_strings_and_a_source_id_that_is_no_id_are_raw_values() {
        let meta = |source_id: &str| {
            Record::from_json_str(&format!(
                r#"{{"type":"Person","id":"P-1","name":"***","meta":{{"source":{{"vendor":"13962117845","product":"320508197806234733","version":"138 1234 5678"}},"createdAt":"2024-05-01T09:00:00+08:00","updatedAt":"2024-05-01T09:00:00+08:00","version":1,"classification":"restricted","sourceId":"{source_id}"}}}}"#
            ))
            .unwrap_or_else(|e| panic!("{e}"))
        };
        let today = Date::parse("2024-05-01").unwrap_or_else(|e| panic!("{e}"));
        for level in ["public", "inter-department"] {
            let profile = Profile::built_in(level).unwrap_or_else(|e| panic!("{e}"));
            let found = |r: &Record| {
                let mut p: Vec<(String, Option<String>)> =
                    raw_values(r, &profile, today).into_iter().map(|l| (l.pointer, l.value)).collect();
                p.sort();
                p
            };
            assert_eq!(
                found(&meta("沈建华")),
                [
                    ("/meta/source/product".to_owned(), Some("3205**********4733".to_owned())),
                    ("/meta/source/vendor".to_owned(), Some("139****7845".to_owned())),
                    ("/meta/source/version".to_owned(), Some("138****5678".to_owned())),
                    ("/meta/sourceId".to_owned(), None),
                ],
                "{level}"
            );
            assert_eq!(found(&meta("RK00000002")).len(), 3, "{level}");
        }
        let internal = Profile::built_in("internal").unwrap_or_else(|e| panic!("{e}"));
        assert!(raw_values(&meta("沈建华"), &internal, today).is_empty());
        // The person-name check covers `meta.sourceId` [SHR-052].
        let mut names = Names::default();
        names.add("沈建华");
        let leaks = names_in_text(&meta("沈建华"), &names);
        assert_eq!(leaks.iter().map(|l| l.pointer.as_str()).collect::<Vec<_>>(), ["/meta/sourceId"]);
        assert!(leaks[0].value.is_none());
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
        // An `X` after 17 digits is their check character whatever follows: a word or a digit
        // after it does not hide the number.
        assert_eq!(scan_text("1101 0519 4912 3100 2Xiao").len(), 1);
        assert_eq!(scan_text("1101 0519 4912 3100 2X7").len(), 1);
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
        // Typed as read out on a hotline, in Chinese numerals: found, and masked in ASCII digits.
        let m = "回电幺三八 一二三四 五六七八";
        let hit = scan_text(m)[0];
        assert_eq!(hit.kind, TextHitKind::Mobile);
        assert_eq!(mask_number(&m[hit.start..hit.end]), "138****5678");
        let id = "证件三二〇五〇八一九九〇〇一〇一一二三二";
        assert_eq!(scan_text(id)[0].kind, TextHitKind::ResidentId);
        // Dates, decimals and numbers that fail the checksum or the prefix are not numbers.
        assert!(scan_text("2024.05.01 处理 12.5 平方米").is_empty());
        assert!(scan_text("坐标 120.58361234 31.29871234").is_empty());
        assert!(scan_text("110105.19491231.0021").is_empty());
        assert!(scan_text("128.1234.5678").is_empty());
        // A slash is not a separator.
        assert!(scan_text("138/1234/5678").is_empty());
    }

    #[test]
    fn scan_finds_what_redact_masks_in_any_grouping() {
        // Mobiles grouped 3-8, 7-4, 4-4-3, 3-3-5, one separator per digit; U+3000, U+FF0E,
        // the soft hyphen, tab and newline between groups; 86 without `+`.
        for s in [
            "138 12345678",
            "1381234-5678",
            "1381-2345-678",
            "138.123.45678",
            "1 3 8 1 2 3 4 5 6 7 8",
            "138\t1234\n5678",
            "138\u{3000}12345678",
            "138\u{ff0e}1234\u{ff0e}5678",
            "138\u{ad}1234\u{ad}5678",
            "8613812345678",
        ] {
            let text = format!("回电{s}。");
            let hits = scan_text(&text);
            assert_eq!(hits.len(), 1, "{s:?}");
            assert_eq!(hits[0].kind, TextHitKind::Mobile, "{s:?}");
            let masked = mask_number(&text[hits[0].start..hits[0].end]);
            assert!(masked == "138****5678" || masked == "8613*****5678", "{s:?}: {masked}");
            assert_eq!(linli_model::redact::redact(&text), format!("回电{masked}。"));
        }
        // An ID number 17-1; no mobile reported inside an ID number.
        for s in ["11010519491231002-X", "110105 19491231002X", "110105\u{ad}19491231002X"] {
            let hits = scan_text(s);
            assert_eq!(hits.len(), 1, "{s:?}");
            assert_eq!(hits[0].kind, TextHitKind::ResidentId, "{s:?}");
            assert_eq!(mask_number(&s[hits[0].start..hits[0].end]), "1101**********002X");
        }
    }

    fn found<'t>(names: &Names, text: &'t str) -> Vec<&'t str> {
        names.find(text).into_iter().map(|(a, b)| &text[a..b]).collect()
    }

    #[test]
    fn names_written_slightly_differently_are_found_whole() {
        let mut names = Names::default();
        for n in ["朱秀兰", "Li Lei", "欧阳 娜娜", "阿卜杜·热合曼", "AB"] {
            names.add(n);
        }
        for (text, name) in [
            ("来电人朱\u{200b}秀兰反映", "朱\u{200b}秀兰"),
            ("来电人朱\u{ad}秀\u{2060}兰反映", "朱\u{ad}秀\u{2060}兰"),
            ("来电人朱 秀 兰反映", "朱 秀 兰"),
            ("来电人朱\u{3000}秀兰反映", "朱\u{3000}秀兰"),
            ("caller Li\u{a0}Lei said", "Li\u{a0}Lei"),
            ("caller LiLei said", "LiLei"),
            ("caller Li  Lei said", "Li  Lei"),
            ("caller LI LEI said", "LI LEI"),
            ("caller ＬＩ ＬＥＩ said", "ＬＩ ＬＥＩ"),
            ("来电人欧阳娜娜反映", "欧阳娜娜"),
            ("来电人阿卜杜热合曼反映", "阿卜杜热合曼"),
            ("来电人阿卜杜•热合曼反映", "阿卜杜•热合曼"),
            ("来电人阿卜杜‧热合曼反映", "阿卜杜‧热合曼"),
            ("来电人阿卜杜.热合曼反映", "阿卜杜.热合曼"),
            ("户主ＡＢ已搬离", "ＡＢ"),
            ("户主ab已搬离", "ab"),
        ] {
            assert_eq!(found(&names, text), [name], "{text:?}");
        }
        // What stands around the name is kept: the span is from its first to its last character.
        assert_eq!(names.find(" \u{200b}朱秀兰\u{200b} "), [(4, 13)]);
        // An ASCII name still only as a whole word, invisible characters passed over.
        for text in ["ABC", "xAB", "LiLeiming", "CaliLei", "Ａ\u{200b}AB", "ＡＢ\u{200b}c"] {
            assert!(names.find(text).is_empty(), "{text:?}");
        }
        // A glued match does not hide a whole one after it.
        assert_eq!(found(&names, "LiLeim Li Lei"), ["Li Lei"]);
        // Other text is left alone.
        for text in ["朱秀", "秀兰花开", "Li, Lei", "Li-Lei", "阿卜杜/热合曼"] {
            assert!(names.find(text).is_empty(), "{text:?}");
        }
        // Names of fewer than two characters once folded are not looked for.
        let mut short = Names::default();
        for n in ["朱", "A ", "·李", "Ｂ\u{200b}", " . "] {
            short.add(n);
        }
        assert!(short.is_empty());
        // Different spellings of one name are one name.
        let mut one = Names::default();
        for n in ["Li Lei", "LiLei", "ＬＩ\u{3000}ＬＥＩ"] {
            one.add(n);
        }
        assert_eq!(one.len(), 1);
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
