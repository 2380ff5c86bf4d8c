//! What JSON text must be before any reader looks at its values `[CON-002]`.
//!
//! serde_json, like most JSON readers, keeps the last of two members with one name, and a typed
//! reader that buffers its input (an untagged enum, a map of extensions) never sees the first. So
//! a record `{"type":"Point","coordinates":[999,999],"coordinates":[120.5,31.3]}` would be judged
//! by its last member while a consumer that keeps the first reads a value nobody checked.
//! [`check_text`] walks the text once, before it is read, and refuses a member name given twice
//! in any object at any depth — the record, a geometry, an extension — and nesting deeper than
//! [`MAX_DEPTH`]. Every Linli reader of records calls it (through [`crate::Record::from_json_str`]).

use std::borrow::Cow;
use std::collections::HashSet;
use std::fmt;

use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};

/// The deepest nesting of arrays and objects a record may have, the record object itself being
/// level 1 `[CON-002]`. Readers accept every record within it, extensions included `[COR-041]`.
pub const MAX_DEPTH: usize = 100;

/// What is wrong with JSON text before its values are read `[CON-002]`.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum TextProblem {
    /// A member name is given twice in one object: `pointer` is the second occurrence.
    DuplicateMember {
        /// JSON pointer (RFC 6901) to the repeated member.
        pointer: String,
    },
    /// Arrays and objects nest deeper than [`MAX_DEPTH`]: `pointer` is the first value too deep.
    TooDeep {
        /// JSON pointer to the first array or object beyond the limit.
        pointer: String,
    },
}

impl fmt::Display for TextProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TextProblem::DuplicateMember { pointer } => {
                write!(f, "member given twice in one object at `{}`", crate::text::escape_controls(pointer))
            }
            TextProblem::TooDeep { pointer } => write!(
                f,
                "arrays and objects nest deeper than {MAX_DEPTH} levels at `{}`",
                crate::text::escape_controls(pointer)
            ),
        }
    }
}

/// Checks JSON text for repeated member names and excessive nesting `[CON-002]`.
///
/// Returns `Ok(())` when neither is found, including for text that is not JSON at all: its
/// syntax is the parser's to report.
pub fn check_text(text: &str) -> Result<(), TextProblem> {
    // Nearly every record is clean: a byte scan says so at a fraction of the cost of the walk
    // below. It answers "clean" only when it has seen the whole text, no name twice and no deep
    // nesting; anything else (an escaped name, a large object, text it cannot follow) goes to
    // the walk, which finds the problem and its pointer.
    if Scan::clean(text.as_bytes()) {
        return Ok(());
    }
    check_text_walk(text)
}

/// [`check_text`] without the byte scan: the walk over serde_json's reading of the text.
fn check_text_walk(text: &str) -> Result<(), TextProblem> {
    let mut state = State { path: Vec::new(), keys: Vec::new(), found: None };
    let mut de = serde_json::Deserializer::from_str(text);
    let _ = Walk { state: &mut state, depth: 0 }.deserialize(&mut de);
    match state.found {
        Some(p) => Err(p),
        None => Ok(()),
    }
}

/// A byte scan of JSON text that recognises text free of repeated member names and of deep
/// nesting. `clean` is conservative: `true` means [`check_text_walk`] finds nothing; `false`
/// means only "ask the walk". Member names are compared as raw bytes, which equals comparing
/// their values when neither holds an escape (names with an escape send the text to the walk).
struct Scan<'a> {
    b: &'a [u8],
    i: usize,
    /// Spans of the member names of the objects being read, innermost last.
    keys: Vec<(usize, usize)>,
}

/// The high bit of the lowest byte of `word` equal to `byte` is set, and no bit below it.
fn byte_in(word: u64, byte: u8) -> u64 {
    const ONES: u64 = 0x0101_0101_0101_0101;
    let x = word ^ (ONES * u64::from(byte));
    x.wrapping_sub(ONES) & !x & (ONES << 7)
}

/// Objects with more members than this go to the walk (its hash set keeps it linear).
const SCAN_KEYS: usize = 64;

impl<'a> Scan<'a> {
    fn clean(b: &'a [u8]) -> bool {
        let mut s = Scan { b, i: 0, keys: Vec::with_capacity(32) };
        s.value(0) && {
            s.ws();
            s.i == b.len()
        }
    }

    fn ws(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.b.get(self.i) {
            self.i += 1;
        }
    }

    /// A value at nesting `depth` (the containers around it).
    fn value(&mut self, depth: usize) -> bool {
        self.ws();
        match self.b.get(self.i) {
            Some(b'{') => depth < MAX_DEPTH && self.object(depth + 1),
            Some(b'[') => depth < MAX_DEPTH && self.array(depth + 1),
            Some(b'"') => self.string().is_some(),
            Some(_) => self.scalar(),
            None => false,
        }
    }

    /// A string from its opening quote: the span of its content and whether it holds an escape.
    fn string(&mut self) -> Option<(usize, usize, bool)> {
        let start = self.i + 1;
        let mut at = start;
        let mut escaped = false;
        loop {
            // Eight bytes at a time: the first quote or backslash among them, if any.
            let mut k = at;
            while let Some(chunk) = self.b.get(k..k + 8) {
                let mut word = [0u8; 8];
                word.copy_from_slice(chunk);
                let hit = byte_in(u64::from_le_bytes(word), b'"') | byte_in(u64::from_le_bytes(word), b'\\');
                if hit != 0 {
                    k += (hit.trailing_zeros() / 8) as usize;
                    break;
                }
                k += 8;
            }
            while !matches!(*self.b.get(k)?, b'"' | b'\\') {
                k += 1;
            }
            if self.b[k] == b'"' {
                self.i = k + 1;
                return Some((start, k, escaped));
            }
            // A backslash and the character it escapes; `\uXXXX` holds no quote or backslash.
            escaped = true;
            at = k + 2;
            if at > self.b.len() {
                return None;
            }
        }
    }

    /// A number, `true`, `false` or `null`: the bytes up to the next delimiter (the parser judges them).
    fn scalar(&mut self) -> bool {
        let start = self.i;
        while let Some(&c) = self.b.get(self.i) {
            if matches!(c, b',' | b'}' | b']' | b':' | b' ' | b'\t' | b'\n' | b'\r' | b'"' | b'{' | b'[') {
                break;
            }
            self.i += 1;
        }
        self.i > start
    }

    fn array(&mut self, depth: usize) -> bool {
        self.i += 1;
        self.ws();
        if self.b.get(self.i) == Some(&b']') {
            self.i += 1;
            return true;
        }
        loop {
            if !self.value(depth) {
                return false;
            }
            self.ws();
            match self.b.get(self.i) {
                Some(b',') => self.i += 1,
                Some(b']') => {
                    self.i += 1;
                    return true;
                }
                _ => return false,
            }
        }
    }

    fn object(&mut self, depth: usize) -> bool {
        self.i += 1;
        self.ws();
        if self.b.get(self.i) == Some(&b'}') {
            self.i += 1;
            return true;
        }
        let first = self.keys.len();
        // A bit per name (from its length and its first and last bytes): two names can be equal
        // only when their bits are; the bytes are compared then.
        let mut seen = 0u64;
        loop {
            self.ws();
            if self.b.get(self.i) != Some(&b'"') {
                return false;
            }
            let Some((start, end, false)) = self.string() else { return false };
            let name = &self.b[start..end];
            let bit = 1u64
                << ((name.len() as u64)
                    .wrapping_mul(31)
                    .wrapping_add(u64::from(name.first().copied().unwrap_or(0)))
                    .wrapping_add(u64::from(name.last().copied().unwrap_or(0)).wrapping_mul(7))
                    & 63);
            let b = self.b;
            if self.keys.len() - first >= SCAN_KEYS
                || (seen & bit != 0 && self.keys[first..].iter().any(|&(s, e)| &b[s..e] == name))
            {
                return false;
            }
            seen |= bit;
            self.keys.push((start, end));
            self.ws();
            if self.b.get(self.i) != Some(&b':') {
                return false;
            }
            self.i += 1;
            if !self.value(depth) {
                return false;
            }
            self.ws();
            match self.b.get(self.i) {
                Some(b',') => self.i += 1,
                Some(b'}') => {
                    self.i += 1;
                    self.keys.truncate(first);
                    return true;
                }
                _ => return false,
            }
        }
    }
}

/// A step of the path to the value being read.
enum Step<'de> {
    Member(Cow<'de, str>),
    Index(usize),
}

struct State<'de> {
    path: Vec<Step<'de>>,
    /// The member names of every object being read, innermost last.
    keys: Vec<Cow<'de, str>>,
    found: Option<TextProblem>,
}

impl State<'_> {
    fn pointer(&self, last: Option<&str>) -> String {
        let mut out = String::new();
        let mut push = |s: &str| {
            out.push('/');
            for c in s.chars() {
                match c {
                    '~' => out.push_str("~0"),
                    '/' => out.push_str("~1"),
                    c => out.push(c),
                }
            }
        };
        for step in &self.path {
            match step {
                Step::Member(m) => push(m),
                Step::Index(i) => push(&i.to_string()),
            }
        }
        if let Some(l) = last {
            push(l);
        }
        out
    }
}

/// Objects with more members than this are checked with a hash set; smaller ones by a scan.
const SCAN_LIMIT: usize = 16;

struct Walk<'a, 'de> {
    state: &'a mut State<'de>,
    depth: usize,
}

impl<'de> DeserializeSeed<'de> for Walk<'_, 'de> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

/// Reads a member name, borrowed from the text when it has no escapes.
struct Key;

impl<'de> DeserializeSeed<'de> for Key {
    type Value = Cow<'de, str>;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_str(Key)
    }
}

impl<'de> Visitor<'de> for Key {
    type Value = Cow<'de, str>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a member name")
    }

    fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
        Ok(Cow::Borrowed(v))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        Ok(Cow::Owned(v.to_owned()))
    }
}

impl<'de> Walk<'_, 'de> {
    /// Enters an array or object; refuses one level too deep.
    fn enter<E: de::Error>(&mut self) -> Result<usize, E> {
        let depth = self.depth + 1;
        if depth > MAX_DEPTH {
            self.state.found = Some(TextProblem::TooDeep { pointer: self.state.pointer(None) });
            return Err(E::custom("too deep"));
        }
        Ok(depth)
    }
}

impl<'de> Visitor<'de> for Walk<'_, 'de> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_bool<E>(self, _: bool) -> Result<(), E> {
        Ok(())
    }
    fn visit_i64<E>(self, _: i64) -> Result<(), E> {
        Ok(())
    }
    fn visit_u64<E>(self, _: u64) -> Result<(), E> {
        Ok(())
    }
    fn visit_f64<E>(self, _: f64) -> Result<(), E> {
        Ok(())
    }
    fn visit_str<E>(self, _: &str) -> Result<(), E> {
        Ok(())
    }
    fn visit_unit<E>(self) -> Result<(), E> {
        Ok(())
    }
    fn visit_none<E>(self) -> Result<(), E> {
        Ok(())
    }

    fn visit_seq<A: SeqAccess<'de>>(mut self, mut seq: A) -> Result<(), A::Error> {
        let depth = self.enter()?;
        let mut i = 0;
        loop {
            self.state.path.push(Step::Index(i));
            let more = seq.next_element_seed(Walk { state: self.state, depth })?;
            self.state.path.pop();
            if more.is_none() {
                return Ok(());
            }
            i += 1;
        }
    }

    fn visit_map<A: MapAccess<'de>>(mut self, mut map: A) -> Result<(), A::Error> {
        let depth = self.enter()?;
        let start = self.state.keys.len();
        let mut set: Option<HashSet<Cow<'de, str>>> = None;
        while let Some(key) = map.next_key_seed(Key)? {
            let seen = match &mut set {
                Some(s) => !s.insert(key.clone()),
                None => self.state.keys[start..].contains(&key),
            };
            if seen {
                self.state.found = Some(TextProblem::DuplicateMember { pointer: self.state.pointer(Some(&key)) });
                return Err(de::Error::custom("duplicate member"));
            }
            if set.is_none() && self.state.keys.len() - start >= SCAN_LIMIT {
                let mut s: HashSet<Cow<'de, str>> = self.state.keys.drain(start..).collect();
                s.insert(key.clone());
                set = Some(s);
            } else if set.is_none() {
                self.state.keys.push(key.clone());
            }
            self.state.path.push(Step::Member(key));
            map.next_value_seed(Walk { state: self.state, depth })?;
            self.state.path.pop();
        }
        self.state.keys.truncate(start);
        Ok(())
    }
}

/// The JSON pointer (RFC 6901) of the value a reader was at when it stopped at `line` and
/// `column` of `text` (serde_json's position of an error: 1-based line, column in bytes). The
/// member whose name or value was last read, or the array element; `""` for the whole text.
/// For a reader's error that names no member (`invalid type: …`, `unknown field …`): what it
/// concerns, so that a message can point at it instead of quoting a position or a value.
pub fn pointer_at(text: &str, line: usize, column: usize) -> String {
    let start = if line <= 1 { 0 } else { text.match_indices('\n').nth(line - 2).map_or(text.len(), |(i, _)| i + 1) };
    let end = start.saturating_add(column).min(text.len());
    pointer_before(&text.as_bytes()[..end])
}

/// One level of the path [`pointer_before`] reads.
enum Frame {
    /// An object: the member name last read, and whether a name comes next.
    Object(Option<String>, bool),
    /// An array: the index of the element being read.
    Array(usize),
}

/// The pointer of the value being read after the bytes `b` of a JSON text.
fn pointer_before(b: &[u8]) -> String {
    let mut stack: Vec<Frame> = Vec::new();
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'"' => {
                let from = i;
                i += 1;
                while i < b.len() && b[i] != b'"' {
                    i += if b[i] == b'\\' { 2 } else { 1 };
                }
                if let Some(Frame::Object(key, want)) = stack.last_mut()
                    && *want
                {
                    let raw = std::str::from_utf8(&b[from..(i + 1).min(b.len())]).unwrap_or("\"\"");
                    *key =
                        Some(serde_json::from_str::<String>(raw).unwrap_or_else(|_| raw.trim_matches('"').to_owned()));
                    *want = false;
                }
            }
            b'{' => stack.push(Frame::Object(None, true)),
            b'[' => stack.push(Frame::Array(0)),
            b'}' | b']' => {
                stack.pop();
            }
            b',' => match stack.last_mut() {
                Some(Frame::Object(key, want)) => {
                    *key = None;
                    *want = true;
                }
                Some(Frame::Array(n)) => *n += 1,
                None => {}
            },
            _ => {}
        }
        i += 1;
    }
    let mut out = String::new();
    for f in &stack {
        let step = match f {
            Frame::Object(Some(k), _) => k.replace('~', "~0").replace('/', "~1"),
            Frame::Object(None, _) => break,
            Frame::Array(n) => n.to_string(),
        };
        out.push('/');
        out.push_str(&step);
    }
    out
}

/// A number of JSON text that a reader holding numbers as `i64`, `u64` or `f64` (serde_json
/// without `arbitrary_precision`, most JSON libraries) does not hold exactly: read, it is another
/// number. Found by [`inexact_numbers`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InexactNumber {
    /// JSON pointer (RFC 6901) to the number.
    pub pointer: String,
    /// The number as written.
    pub text: String,
    /// Whether it is written as an integer (no fraction, no exponent): one outside the `i64` and
    /// `u64` ranges, such as a 20-digit device code.
    pub integer: bool,
}

/// Whether the number lexeme `s` is read exactly: an integer within the `i64` or `u64` range,
/// or a number whose nearest `f64` prints back as the same decimal number (`0.1`, `1.50`, `1e2`
/// are exact in this sense; `0.10000000000000001` and `1e400` are not).
pub fn number_is_exact(s: &str) -> bool {
    if !s.contains(['.', 'e', 'E']) {
        return s.parse::<i64>().is_ok() || s.parse::<u64>().is_ok();
    }
    match s.parse::<f64>() {
        Ok(f) if f.is_finite() => decimal(s).is_some_and(|d| decimal(&format!("{f:e}")) == Some(d)),
        _ => false,
    }
}

/// A decimal number lexeme as (negative, significant digits without leading or trailing zeros,
/// power of ten of the last digit); zero as (false, "", 0). `None` for what is not a number.
fn decimal(s: &str) -> Option<(bool, String, i64)> {
    let (neg, s) = match s.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, s),
    };
    let (mantissa, exp) = match s.find(['e', 'E']) {
        Some(i) => (&s[..i], s[i + 1..].trim_start_matches('+').parse::<i64>().ok()?),
        None => (s, 0),
    };
    let (int, frac) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    if !int.bytes().chain(frac.bytes()).all(|b| b.is_ascii_digit()) {
        return None;
    }
    let digits = format!("{int}{frac}");
    let lead = digits.len() - digits.trim_start_matches('0').len();
    let digits = &digits[lead..];
    let trimmed = digits.trim_end_matches('0');
    if trimmed.is_empty() {
        return Some((false, String::new(), 0));
    }
    let trail = (digits.len() - trimmed.len()) as i64;
    let power = exp.checked_sub(frac.len() as i64)?.checked_add(trail)?;
    Some((neg, trimmed.to_owned(), power))
}

/// Every number of JSON `text` that is not read exactly ([`number_is_exact`]), in text order,
/// with its pointer. Text that is not JSON gives what was found before the first problem (its
/// syntax is the parser's to report); nesting deeper than the parser's limit is not followed.
pub fn inexact_numbers(text: &str) -> Vec<InexactNumber> {
    let mut n = Numbers { b: text.as_bytes(), text, i: 0, path: Vec::new(), out: Vec::new() };
    n.value(0);
    n.out
}

struct Numbers<'a> {
    b: &'a [u8],
    text: &'a str,
    i: usize,
    path: Vec<String>,
    out: Vec<InexactNumber>,
}

impl Numbers<'_> {
    fn ws(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.b.get(self.i) {
            self.i += 1;
        }
    }

    fn pointer(&self) -> String {
        let mut out = String::new();
        for step in &self.path {
            out.push('/');
            out.push_str(&step.replace('~', "~0").replace('/', "~1"));
        }
        out
    }

    /// A string from its opening quote, decoded; `None` when it does not end.
    fn string(&mut self) -> Option<String> {
        let start = self.i;
        self.i += 1;
        let mut escaped = false;
        loop {
            match self.b.get(self.i)? {
                b'"' => break,
                b'\\' => {
                    escaped = true;
                    self.i += 2;
                }
                _ => self.i += 1,
            }
        }
        self.i += 1;
        let raw = self.text.get(start..self.i)?;
        if escaped { serde_json::from_str::<String>(raw).ok() } else { Some(raw[1..raw.len() - 1].to_owned()) }
    }

    /// A value at nesting `depth`; `false` when the text cannot be followed further.
    fn value(&mut self, depth: usize) -> bool {
        self.ws();
        match self.b.get(self.i) {
            Some(b'{' | b'[') if depth >= 128 => false,
            Some(b'{') => {
                self.i += 1;
                self.ws();
                if self.b.get(self.i) == Some(&b'}') {
                    self.i += 1;
                    return true;
                }
                loop {
                    self.ws();
                    if self.b.get(self.i) != Some(&b'"') {
                        return false;
                    }
                    let Some(name) = self.string() else { return false };
                    self.ws();
                    if self.b.get(self.i) != Some(&b':') {
                        return false;
                    }
                    self.i += 1;
                    self.path.push(name);
                    let ok = self.value(depth + 1);
                    self.path.pop();
                    if !ok {
                        return false;
                    }
                    self.ws();
                    match self.b.get(self.i) {
                        Some(b',') => self.i += 1,
                        Some(b'}') => {
                            self.i += 1;
                            return true;
                        }
                        _ => return false,
                    }
                }
            }
            Some(b'[') => {
                self.i += 1;
                self.ws();
                if self.b.get(self.i) == Some(&b']') {
                    self.i += 1;
                    return true;
                }
                let mut index = 0usize;
                loop {
                    self.path.push(index.to_string());
                    let ok = self.value(depth + 1);
                    self.path.pop();
                    if !ok {
                        return false;
                    }
                    index += 1;
                    self.ws();
                    match self.b.get(self.i) {
                        Some(b',') => self.i += 1,
                        Some(b']') => {
                            self.i += 1;
                            return true;
                        }
                        _ => return false,
                    }
                }
            }
            Some(b'"') => self.string().is_some(),
            Some(b'-' | b'0'..=b'9') => {
                let start = self.i;
                while let Some(b'-' | b'+' | b'.' | b'e' | b'E' | b'0'..=b'9') = self.b.get(self.i) {
                    self.i += 1;
                }
                let lexeme = &self.text[start..self.i];
                if !number_is_exact(lexeme) {
                    self.out.push(InexactNumber {
                        pointer: self.pointer(),
                        text: lexeme.to_owned(),
                        integer: !lexeme.contains(['.', 'e', 'E']),
                    });
                }
                true
            }
            Some(_) => {
                while let Some(b'a'..=b'z') = self.b.get(self.i) {
                    self.i += 1;
                }
                true
            }
            None => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dup(text: &str) -> Option<String> {
        match check_text(text) {
            Err(TextProblem::DuplicateMember { pointer }) => Some(pointer),
            Err(other) => panic!("{other}"),
            Ok(()) => None,
        }
    }

    #[test]
    fn numbers_read_as_other_numbers_are_found() {
        for exact in [
            "0",
            "-0",
            "9223372036854775807",
            "18446744073709551615",
            "-9223372036854775808",
            "0.1",
            "1.50",
            "1e2",
            "120.123456",
            "-0.0",
            "1E-7",
        ] {
            assert!(number_is_exact(exact), "{exact}");
        }
        for inexact in [
            "34020000001320000001",
            "-9223372036854775809",
            "0.10000000000000001",
            "1e400",
            "1e-400",
            "9007199254740993.0",
        ] {
            assert!(!number_is_exact(inexact), "{inexact}");
        }
        let found = inexact_numbers(
            r#"{"a~b":[1,{"deviceCode":34020000001320000001}],"x\u0041":0.10000000000000001,"ok":1.5,"s":"99999999999999999999999"}"#,
        );
        assert_eq!(
            found,
            vec![
                InexactNumber {
                    pointer: "/a~0b/1/deviceCode".into(),
                    text: "34020000001320000001".into(),
                    integer: true
                },
                InexactNumber { pointer: "/xA".into(), text: "0.10000000000000001".into(), integer: false },
            ]
        );
        assert!(inexact_numbers("[1, 2").is_empty());
        assert!(inexact_numbers(&"[".repeat(10_000)).is_empty());
    }

    #[test]
    fn duplicates_are_found_at_every_depth() {
        assert_eq!(dup(r#"{"type":"Person","type":"Place"}"#).as_deref(), Some("/type"));
        assert_eq!(
            dup(r#"{"geometry":{"type":"Point","coordinates":[999,999],"coordinates":[120.5,31.3]}}"#).as_deref(),
            Some("/geometry/coordinates")
        );
        assert_eq!(dup(r#"{"extensions":{"acme":{"a":1},"acme":{"b":2}}}"#).as_deref(), Some("/extensions/acme"));
        assert_eq!(dup(r#"{"a":[{"x":1},{"x":1,"y":2,"x":3}]}"#).as_deref(), Some("/a/1/x"));
        // An escaped name is the same name.
        assert_eq!(dup(r#"{"type":1,"\u0074ype":2}"#).as_deref(), Some("/type"));
        // `/` and `~` in names are escaped in the pointer.
        assert_eq!(dup(r#"{"a/b~":{"k":1,"k":1}}"#).as_deref(), Some("/a~1b~0/k"));
        assert_eq!(dup(r#"{"a":{"k":1},"b":{"k":1}}"#), None);
        assert_eq!(dup(r#"[{"k":1},{"k":1}]"#), None);
    }

    #[test]
    fn large_objects_are_checked_too() {
        let members: Vec<String> = (0..1000).map(|i| format!("\"m{i}\":{i}")).collect();
        let ok = format!("{{{}}}", members.join(","));
        assert_eq!(dup(&ok), None);
        let bad = format!("{{{},\"m17\":0}}", members.join(","));
        assert_eq!(dup(&bad).as_deref(), Some("/m17"));
        let bad = format!("{{{},\"m999\":0}}", members.join(","));
        assert_eq!(dup(&bad).as_deref(), Some("/m999"));
    }

    #[test]
    fn nesting_is_limited() {
        let deep = |n: usize| format!("{}{}", "[".repeat(n), "]".repeat(n));
        assert_eq!(check_text(&deep(MAX_DEPTH)), Ok(()));
        assert!(matches!(check_text(&deep(MAX_DEPTH + 1)), Err(TextProblem::TooDeep { .. })));
        assert!(matches!(check_text(&deep(100_000)), Err(TextProblem::TooDeep { .. })));
    }

    #[test]
    fn the_pointer_of_a_readers_position() {
        let text = "{\"type\":\"Person\",\"meta\":{\"version\":\"1 2\"},\"a/b\":[1,{\"x\":2}]}";
        let at = |needle: &str| {
            let end = text.find(needle).unwrap() + needle.len();
            pointer_at(text, 1, end)
        };
        assert_eq!(at("\"1 2\""), "/meta/version");
        assert_eq!(at("\"a/b\""), "/a~1b");
        assert_eq!(at("{\"x\""), "/a~1b/1/x");
        assert_eq!(at("\"type\""), "/type");
        assert_eq!(pointer_at(text, 1, 1), "");
        // Later lines: the column counts from the line's start.
        assert_eq!(pointer_at("[\n{\"k\":\n\"v\"}]", 3, 3), "/0/k");
        // Past the end or on a line that is not there: the end of the text.
        assert_eq!(pointer_at("{\"k\":1", 9, 9), "/k");
    }

    #[test]
    fn malformed_text_is_left_to_the_parser() {
        assert_eq!(check_text("{\"a\":"), Ok(()));
        assert_eq!(check_text(""), Ok(()));
        assert_eq!(check_text("{\"a\":1,,}"), Ok(()));
    }

    /// JSON-like text from a small alphabet, so that repeated names, escapes, deep nesting and
    /// broken syntax are all frequent.
    #[derive(Clone, Debug)]
    struct JsonIsh(String);

    impl quickcheck::Arbitrary for JsonIsh {
        fn arbitrary(g: &mut quickcheck::Gen) -> Self {
            // One choice in 24 is broken syntax; names come from three letters, so repeats are common.
            fn broken(g: &mut quickcheck::Gen) -> bool {
                u8::arbitrary(g) % 24 == 0
            }
            fn value(g: &mut quickcheck::Gen, depth: usize, out: &mut String) {
                if broken(g) {
                    out.push_str(g.choose(&[",", "]", "}", ":", "\"", "{", "[", "x", ""]).unwrap());
                    return;
                }
                match u8::arbitrary(g) % if depth > 6 { 2 } else { 5 } {
                    0 => out.push_str(g.choose(&["1", "-2.5e3", "true", "null"]).unwrap()),
                    1 => out.push_str(
                        g.choose(&[
                            "\"a\"",
                            "\"\\u0061\"",
                            "\"q\\\"\"",
                            "\"中文\"",
                            "\"\\\\\"",
                            "\"0123456789\\\"abcdefghij\"",
                            "\"苏州市姑苏区平江街道\\n\\\\0123\"",
                        ])
                        .unwrap(),
                    ),
                    2 | 3 => {
                        out.push('{');
                        for k in 0..usize::arbitrary(g) % 5 {
                            if k > 0 {
                                out.push_str(if broken(g) { "" } else { g.choose(&[",", " , "]).unwrap() });
                            }
                            out.push_str(g.choose(&["\"a\"", "\"b\"", "\"c\"", "\"a/b\"", "\"\\u0061\""]).unwrap());
                            out.push_str(if broken(g) { "" } else { g.choose(&[":", " : "]).unwrap() });
                            value(g, depth + 1, out);
                        }
                        out.push_str(if broken(g) { "" } else { "}" });
                    }
                    _ => {
                        out.push('[');
                        for k in 0..usize::arbitrary(g) % 4 {
                            if k > 0 {
                                out.push(',');
                            }
                            value(g, depth + 1, out);
                        }
                        out.push_str(if broken(g) { "" } else { "]" });
                    }
                }
            }
            let mut out = String::new();
            if bool::arbitrary(g) && bool::arbitrary(g) {
                // Nesting near the limit.
                let n = MAX_DEPTH - 2 + usize::arbitrary(g) % 5;
                out.push_str(&"[".repeat(n));
                value(g, 7, &mut out);
                out.push_str(&"]".repeat(n));
            } else {
                value(g, 0, &mut out);
            }
            JsonIsh(out)
        }
    }

    quickcheck::quickcheck! {
        /// The byte scan never changes the answer: with it or without it, the same problem at
        /// the same pointer, or none.
        fn the_byte_scan_agrees_with_the_walk(t: JsonIsh) -> bool {
            check_text(&t.0) == check_text_walk(&t.0)
        }

        /// And on every valid record: clean, found clean by the scan alone.
        fn valid_records_pass_the_byte_scan(p: crate::Person, e: crate::Event, o: crate::Organization) -> bool {
            [serde_json::to_string(&p), serde_json::to_string(&e), serde_json::to_string(&o)]
                .into_iter()
                .all(|t| t.is_ok_and(|t| Scan::clean(t.as_bytes()) && check_text_walk(&t).is_ok()))
        }
    }

    quickcheck::quickcheck! {
        /// The eight-byte string scan ends where a byte-by-byte reading of the string ends.
        fn the_string_scan_ends_where_a_plain_reading_does(body: Vec<u8>) -> bool {
            let mut text = vec![b'"'];
            text.extend(body.iter().map(|&c| if c % 7 == 0 { b'"' } else if c % 11 == 0 { b'\\' } else { c }));
            let mut plain = None;
            let mut k = 1;
            while k < text.len() {
                match text[k] {
                    b'"' => {
                        plain = Some(k);
                        break;
                    }
                    b'\\' => k += 2,
                    _ => k += 1,
                }
            }
            let mut scan = Scan { b: &text, i: 0, keys: Vec::new() };
            scan.string().map(|(_, end, _)| end) == plain
        }
    }

    #[test]
    fn the_byte_scan_leaves_problems_to_the_walk() {
        for text in [
            r#"{"type":"Person","type":"Place"}"#,
            r#"{"a":{"k":1,"k":2}}"#,
            r#"{"type":1,"\u0074ype":2}"#,
            r#"{"a":1,,}"#,
            r#"{"a":"unterminated}"#,
        ] {
            assert!(!Scan::clean(text.as_bytes()), "{text}");
        }
        let deep = |n: usize| format!("{}{}", "[".repeat(n), "]".repeat(n));
        assert!(Scan::clean(deep(MAX_DEPTH).as_bytes()));
        assert!(!Scan::clean(deep(MAX_DEPTH + 1).as_bytes()));
        assert!(Scan::clean(r#" {"a" : [1, "x\"y", {"b":null}], "b":{"a":true}} "#.as_bytes()));
    }
}
