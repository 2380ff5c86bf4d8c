//! One recognition of personal numbers in text, for every output of every tool `[PRI-011]`,
//! `[CON-072]`, and for the leak checks and the masker `[SHR-040]`–`[SHR-042]`.
//!
//! Findings mask the values of marked members by their marks (`[PRI-004]`), but a personal number
//! can sit anywhere else: in an id that breaks the id pattern, in an unknown member name, in a
//! value of an unmarked member, in a file name, in free text. [`personal_numbers`] finds them all,
//! with their byte spans and what they read as; [`redact`] masks every one of them and
//! [`for_output`] also escapes the characters that would act on a terminal. The leak checks of
//! `linli-privacy` report (and its masker masks) those that read as a resident ID number or a
//! mobile number — the same function, so that what one finds the other finds.
//!
//! A *digit* is an ASCII or full-width digit or a Chinese numeral written for a digit
//! ([`digit_value`]: `一三八…`, `幺`, `〇`, `零`, the capitals `壹贰叁…`); digits in Chinese
//! numerals and the others never stand in one group or one run (`13812345678三次` holds the mobile
//! number). A *digit group* is a maximal sequence of digits; a *digit run* is a
//! sequence of groups where two groups are joined by a *joiner*: any number of white-space and
//! invisible characters ([`is_soft_separator`]) around at most one visible separator (a dot or a
//! dash of [`is_number_separator`]) — `139 - 1234 - 5678`, `139 -1234-5678`, `138  1234`,
//! `138\r\n1234` —, optionally ended by `X`/`x` after such a joiner or none (whatever follows
//! the `X`). Two visible separators (`138--1234`, `138-.1234`) and any other character (`/`, `,`,
//! `_`, `(`) end a run. A number is a run of whole groups
//! (never part of a group: `913812345678` holds no mobile number); its digits are counted with
//! the separators dropped. First, from the left and the longest first, the runs that read as
//! * a resident ID number: 17 digits and a check character (a digit, or that final `X`) that is
//!   right, with a birth date that exists and lies in 1900–2099 ([`NumberKind::ResidentId`]);
//! * a mainland mobile number: 11 digits starting `1[3-9]`, or 13 starting `86` and then such a
//!   number ([`NumberKind::Mobile`]);
//!
//! then, in the groups left, each run that as a whole (or else each group alone) has
//! * 10 to 12 digits starting `0` (a landline with its area code), or 15 to 19 digits, or 17
//!   and an `X` (a resident ID number of either generation whatever its check character, a bank
//!   card) ([`NumberKind::Other`]).
//!
//! Division codes (6, 9 or 12 digits never starting with `0`), device codes (20 digits), times and
//! coordinates are left as they are.

use std::borrow::Cow;

/// Whether `c` may stand between two digits of one number `[SHR-062]`: every Unicode `White_Space`
/// character, the invisible characters of [`is_invisible`], dots (`.` U+002E, U+00B7, U+30FB,
/// U+FF0E, U+FF65), hyphens and dashes (`-` U+002D, U+2010–U+2015, U+2212, U+FE58, U+FE63,
/// U+FF0D), and `/` is not one.
pub fn is_number_separator(c: char) -> bool {
    c.is_whitespace()
        || is_invisible(c)
        || matches!(
            c,
            '.' | '\u{b7}' | '\u{30fb}' | '\u{ff0e}' | '\u{ff65}' | '-' | '\u{2010}'
                ..='\u{2015}' | '\u{2212}' | '\u{fe58}' | '\u{fe63}' | '\u{ff0d}'
        )
}

/// The invisible separators `[SHR-062]`: the zero-width characters U+200B–U+200D, U+2060, U+FEFF
/// and the soft hyphen U+00AD. They read as nothing: any number of them may stand between two
/// digits, besides one visible separator.
pub fn is_invisible(c: char) -> bool {
    matches!(c, '\u{200b}' | '\u{200c}' | '\u{200d}' | '\u{2060}' | '\u{feff}' | '\u{ad}')
}

/// The separators of which any number may stand between two digit groups `[SHR-062]`: every
/// Unicode `White_Space` character (`\r\n` among them) and the invisible ones of
/// [`is_invisible`]. The other separators of [`is_number_separator`] — dots and dashes — are
/// *visible*: at most one of them joins two groups.
pub fn is_soft_separator(c: char) -> bool {
    c.is_whitespace() || is_invisible(c)
}

/// The ASCII digit that `c` reads as in a personal number `[SHR-041]`: an ASCII digit, a
/// full-width digit (U+FF10–U+FF19), or a Chinese numeral character written for a digit, as a
/// number read out or typed by a hotline operator is (`一三八一二三四五六七八`): `〇` and `零` for 0,
/// `幺` for 1 (how a 1 is read out in a phone number), `一` to `九`, and the capital numerals
/// `壹 贰 叁 肆 伍 陆 柒 捌 玖` (`貳 參 陸` too). Positional characters (`十 百 千 万`) are
/// none: a number written with them (`一百三十八`) is a quantity, not a digit string.
pub fn digit_value(c: char) -> Option<u8> {
    let d = match c {
        '0'..='9' => return Some(c as u8),
        '\u{ff10}'..='\u{ff19}' => return Some(b'0' + (u32::from(c) - 0xff10) as u8),
        '〇' | '零' => 0,
        '一' | '幺' | '壹' => 1,
        '二' | '贰' | '貳' => 2,
        '三' | '叁' | '參' => 3,
        '四' | '肆' => 4,
        '五' | '伍' => 5,
        '六' | '陆' | '陸' => 6,
        '七' | '柒' => 7,
        '八' | '捌' => 8,
        '九' | '玖' => 9,
        _ => return None,
    };
    Some(b'0' + d)
}

fn digit(c: char) -> Option<u8> {
    digit_value(c)
}

/// `X` or `x`, ASCII or full-width: the check character 10 of a resident ID number.
fn is_x(c: char) -> bool {
    matches!(c, 'X' | 'x' | '\u{ff38}' | '\u{ff58}')
}

/// What a personal number found in text reads as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum NumberKind {
    /// A resident ID number whose check character is right and whose birth date exists and lies
    /// in 1900–2099 `[SHR-040]`.
    ResidentId,
    /// A mainland mobile number, or `86` and one `[SHR-041]`.
    Mobile,
    /// Another number that reads as personal `[PRI-011]`: a landline with its area code, 15 to
    /// 19 digits (an older or wrong resident ID number, a bank card), 17 digits and an `X`.
    Other,
}

/// A personal number in a text: what it reads as, where it stands, its characters. Its `Debug`
/// shows the number masked, never in full `[PRI-011]`.
#[derive(Clone, PartialEq, Eq)]
pub struct PersonalNumber {
    /// What it reads as.
    pub kind: NumberKind,
    /// Byte offset of its first character (a digit) in the text.
    pub start: usize,
    /// Byte offset after its last character (a digit or the `X`).
    pub end: usize,
    plain: [u8; 20],
    len: u8,
}

impl PersonalNumber {
    /// Its ASCII digits, separators dropped, and a final `X` — the number in full: never print
    /// it, print [`PersonalNumber::masked`].
    pub fn plain(&self) -> &str {
        std::str::from_utf8(&self.plain[..usize::from(self.len)]).unwrap_or("")
    }

    /// The number masked by the table of `[PRI-004]`, applied to [`PersonalNumber::plain`].
    pub fn masked(&self) -> String {
        crate::check::mask_middle(self.plain())
    }
}

impl std::fmt::Debug for PersonalNumber {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PersonalNumber")
            .field("kind", &self.kind)
            .field("start", &self.start)
            .field("end", &self.end)
            .field("masked", &self.masked())
            .finish()
    }
}

/// One digit group of a run: its byte span and its digits in the run's buffer.
#[derive(Clone, Copy)]
struct Group {
    start: usize,
    end: usize,
    from: usize,
    to: usize,
    /// Joined to the group before by a dot (in a run of two groups: a decimal fraction,
    /// `2.1668771521199393`, never an *other* number).
    after_dot: bool,
}

/// A digit run being read: its groups, their digits, and the byte offset after a final `X`.
#[derive(Default)]
struct Run {
    groups: Vec<Group>,
    digits: Vec<u8>,
    x_end: Option<usize>,
}

/// What the digits `d` (and a final `X` when `x`) read as first: a resident ID number or a
/// mobile number.
fn strong(d: &[u8], x: bool) -> Option<NumberKind> {
    let mobile = |d: &[u8]| d.len() == 11 && d[0] == b'1' && (b'3'..=b'9').contains(&d[1]);
    match d.len() {
        17 | 18 if (d.len() == 17) == x => {
            let mut id = [b'X'; 18];
            id[..d.len()].copy_from_slice(d);
            let id = std::str::from_utf8(&id).ok()?;
            let parsed = crate::check::id_number::parse(id).ok()?;
            (1900..=2099).contains(&parsed.birth_date.year()).then_some(NumberKind::ResidentId)
        }
        11 if mobile(d) => Some(NumberKind::Mobile),
        13 if d.starts_with(b"86") && mobile(&d[2..]) => Some(NumberKind::Mobile),
        _ => None,
    }
}

/// Whether the digits `d` (and a final `X` when `x`) read as another personal number.
fn weak(d: &[u8], x: bool) -> bool {
    let n = d.len();
    (x && n == 17) || (n > 0 && d[0] == b'0' && (10..=12).contains(&n)) || (15..=19).contains(&n)
}

impl Run {
    fn digits_of(&self, a: usize, b: usize) -> &[u8] {
        &self.digits[self.groups[a].from..self.groups[b].to]
    }

    fn number(&self, kind: NumberKind, a: usize, b: usize, x: bool) -> PersonalNumber {
        let d = self.digits_of(a, b);
        let mut plain = [0u8; 20];
        plain[..d.len()].copy_from_slice(d);
        let mut len = d.len();
        if x {
            plain[len] = b'X';
            len += 1;
        }
        let end = match (x, self.x_end) {
            (true, Some(e)) => e,
            _ => self.groups[b].end,
        };
        PersonalNumber { kind, start: self.groups[a].start, end, plain, len: len as u8 }
    }

    /// The personal numbers of the run, appended to `out`; the run is emptied.
    fn finish(&mut self, out: &mut Vec<PersonalNumber>) {
        let n = self.groups.len();
        if n == 0 {
            return;
        }
        let x_after = |b: usize, len: usize| b == n - 1 && self.x_end.is_some() && len == 17;
        let first = out.len();
        // Resident ID and mobile numbers, from the left, the longest first.
        let mut covered = vec![false; n];
        let mut a = 0;
        while a < n {
            let mut best = None;
            for b in a..n {
                let d = self.digits_of(a, b);
                if d.len() > 18 {
                    break;
                }
                let x = x_after(b, d.len());
                if let Some(kind) = strong(d, x) {
                    best = Some((b, kind, x));
                }
            }
            match best {
                Some((b, kind, x)) => {
                    out.push(self.number(kind, a, b, x));
                    covered[a..=b].iter_mut().for_each(|c| *c = true);
                    a = b + 1;
                }
                None => a += 1,
            }
        }
        // Other numbers in what is left: a stretch of groups as a whole, else each group alone. A
        // run of two groups joined by a dot is a decimal number (a coordinate, a measurement):
        // its fraction is no other number (a number written with several dots still is one).
        if n == 2 && self.groups[1].after_dot {
            covered[1] = true;
        }
        let mut a = 0;
        while a < n {
            if covered[a] {
                a += 1;
                continue;
            }
            let mut b = a;
            while b + 1 < n && !covered[b + 1] {
                b += 1;
            }
            let d = self.digits_of(a, b);
            let x = x_after(b, d.len());
            if d.len() <= 19 && weak(d, x) {
                out.push(self.number(NumberKind::Other, a, b, x));
            } else if b > a {
                for g in a..=b {
                    let d = self.digits_of(g, g);
                    let x = x_after(g, d.len());
                    if weak(d, x) {
                        out.push(self.number(NumberKind::Other, g, g, x));
                    }
                }
            }
            a = b + 1;
        }
        out[first..].sort_by_key(|p| p.start);
        self.groups.clear();
        self.digits.clear();
        self.x_end = None;
    }
}

/// Every personal number in `s`, in the order they stand, not overlapping (see the module
/// documentation for what is one) `[PRI-011]`, `[SHR-040]`, `[SHR-041]`.
pub fn personal_numbers(s: &str) -> Vec<PersonalNumber> {
    let mut out = Vec::new();
    // Fewer than ten digits cannot hold a personal number.
    if s.chars().filter(|c| digit(*c).is_some()).take(10).count() < 10 {
        return out;
    }
    let mut run = Run::default();
    // Between two groups: whether a separator was seen, and whether a visible one (a dot or a
    // dash; white space and invisible characters may stand around it in any number).
    let (mut gap, mut visible, mut dot) = (false, false, false);
    // Whether the run is written in Chinese numerals: a digit of the other writing ends it, so
    // that `13812345678三次` (called three times) still holds the mobile number.
    let mut han = false;
    for (i, c) in s.char_indices() {
        let end = i + c.len_utf8();
        if let Some(d) = digit(c) {
            let c_han = !c.is_ascii_digit() && !matches!(c, '\u{ff10}'..='\u{ff19}');
            if c_han != han {
                run.finish(&mut out);
                dot = false;
                han = c_han;
            }
            match run.groups.last_mut() {
                Some(g) if !gap => {
                    g.end = end;
                    g.to += 1;
                }
                _ => {
                    let at = run.digits.len();
                    run.groups.push(Group { start: i, end, from: at, to: at + 1, after_dot: dot });
                }
            }
            run.digits.push(d);
            (gap, visible, dot) = (false, false, false);
            continue;
        }
        if run.groups.is_empty() {
            continue;
        }
        if is_soft_separator(c) {
            gap = true;
            continue;
        }
        if is_number_separator(c) && !visible {
            (gap, visible, dot) = (true, true, matches!(c, '.' | '\u{b7}' | '\u{30fb}' | '\u{ff0e}' | '\u{ff65}'));
            continue;
        }
        if is_x(c) {
            run.x_end = Some(end);
        }
        run.finish(&mut out);
        (gap, visible, dot) = (false, false, false);
    }
    run.finish(&mut out);
    out
}

/// Whether `s[start..end]` lies inside a key id or a digest: a token of exactly 16, 32, 40 or 64
/// lower-case hexadecimal characters `0-9 a-f`, with no ASCII letter or digit just before or
/// after it, that holds a letter before the digits and a letter after them
/// (`3bfb86b1bce3ff0608168429cae1…`). Such digits are no personal number `[PRI-011]`; a number at
/// the edge of the token (`8619622688993abc`) still is.
fn in_digest(s: &str, start: usize, end: usize) -> bool {
    let b = s.as_bytes();
    let hex = |c: &u8| c.is_ascii_digit() || (b'a'..=b'f').contains(c);
    if !b[start..end].iter().all(hex) {
        return false;
    }
    let from = b[..start].iter().rposition(|c| !hex(c)).map_or(0, |i| i + 1);
    let to = b[end..].iter().position(|c| !hex(c)).map_or(b.len(), |i| end + i);
    let alnum_at = |i: usize| b.get(i).is_some_and(u8::is_ascii_alphanumeric);
    matches!(to - from, 16 | 32 | 40 | 64)
        && b[from..start].iter().any(u8::is_ascii_lowercase)
        && b[end..to].iter().any(u8::is_ascii_lowercase)
        && (from == 0 || !alnum_at(from - 1))
        && !alnum_at(to)
}

/// `s` with every personal number of [`personal_numbers`] masked by the table of `[PRI-004]`
/// (its digits, separators dropped).
pub fn redact(s: &str) -> Cow<'_, str> {
    // Printing only: the digits of a key id or a digest are printed as they are; the checks and
    // the masker, which read `personal_numbers`, still find a number there `[PRI-011]`.
    mask_numbers(s, true)
}

/// [`redact`] without the exemption of key ids and digests: for a record id, whose hex-looking
/// token is no digest (`P-a13812345678bcde` is refused by [CON-013]) `[PRI-011]`.
pub fn redact_id(s: &str) -> Cow<'_, str> {
    mask_numbers(s, false)
}

fn mask_numbers(s: &str, digests_exempt: bool) -> Cow<'_, str> {
    let mut found = personal_numbers(s);
    if digests_exempt {
        found.retain(|p| !in_digest(s, p.start, p.end));
    }
    if found.is_empty() {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len());
    let mut copied = 0;
    for p in &found {
        out.push_str(&s[copied..p.start]);
        out.push_str(&p.masked());
        copied = p.end;
    }
    out.push_str(&s[copied..]);
    Cow::Owned(out)
}

/// [`redact`], then [`crate::text::escape_controls`]: what every plain-text output prints of a
/// text that came from an input.
pub fn for_output(s: &str) -> Cow<'_, str> {
    match redact(s) {
        Cow::Borrowed(b) => crate::text::escape_controls(b),
        Cow::Owned(o) => Cow::Owned(crate::text::escape_controls(&o).into_owned()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn personal_numbers_are_masked_wherever_they_are() {
        assert_eq!(redact("P-330502198807024471"), "P-3305**********4471");
        assert_eq!(redact("/extensions/acme/13812345678"), "/extensions/acme/138****5678");
        assert_eq!(redact("11010519491231002X."), "1101**********002X.");
        assert_eq!(redact("id 1101\u{200b}0519\u{200b}4912\u{200b}3100\u{200b}2X"), "id 1101**********002X");
        assert_eq!(redact("138\u{a0}1234\u{a0}5678"), "138****5678");
        assert_eq!(redact("+86 138-1234-5678"), "+8613*****5678");
        assert_eq!(redact("3.3050.2198.8070.2447.1"), "3305**********4471");
        assert_eq!(redact("０５１２－６７８９１２３４"), "0512****1234");
        assert_eq!(redact("6222 0212 3456 7890 123"), "6222***********0123");
        // A number glued by a separator to other digits (found by the `record` fuzz target).
        assert_eq!(redact("2023-32050819800315462X09-12"), "2023-3205**********462X09-12");
        assert_eq!(redact("1-13812345678-2"), "1-138****5678-2");
    }

    #[test]
    fn numbers_in_chinese_numerals_are_found_and_masked() {
        // Read out on a hotline and typed as heard: 幺 for 1, 〇 and 零 for 0, capitals too.
        assert_eq!(redact("回电 幺三八一二三四五六七八 王先生"), "回电 138****5678 王先生");
        assert_eq!(redact("电话一三八 一二三四 五六七八"), "电话138****5678");
        assert_eq!(redact("壹叁捌壹贰叁肆伍陆柒捌"), "138****5678");
        assert_eq!(redact("身份证三二〇五〇八一九九〇〇一〇一一二三二"), "身份证3205**********1232");
        assert_eq!(redact("身份证三二零五零八一九九零零一零一一二三二"), "身份证3205**********1232");
        // A numeral of the other writing ends a number: `三次` is "three times".
        assert_eq!(redact("拨打13812345678三次未接通"), "拨打138****5678三次未接通");
        assert_eq!(redact("拨打幺三八一二三四五六七八3次"), "拨打138****56783次");
        let found = personal_numbers("住户幺三八一二三四五六七八");
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].kind, NumberKind::Mobile);
        // Dates, counts and positional numerals are no numbers.
        for s in
            ["二〇二四年五月二十一日", "一百三十八万二千三百四十五", "一一二三四五六七八九十", "第一二三四五六七八九组"]
        {
            assert_eq!(redact(s), s, "{s}");
        }
    }

    #[test]
    fn digests_and_key_ids_are_no_personal_numbers() {
        // A SHA-256 with a run of ten digits that reads as a landline, a key id with a mobile.
        let sha = "3bfb86b1bce3ff0608168429cae1e6b646b27affb9f07da6d77f5a51430b5ed2";
        assert_eq!(redact(&format!("sha256 {sha}, ok")), format!("sha256 {sha}, ok"));
        assert_eq!(redact("key id a13812345678bcde"), "key id a13812345678bcde");
        // Printing only: the checks and the masker still find the number (found by review).
        assert_eq!(personal_numbers("a13812345678bcde").len(), 1);
        assert_eq!(redact_id("P-a13812345678bcde"), "P-a138****5678bcde");
        // Not a digest: another length, upper case, no letter, or glued to more letters.
        assert_eq!(redact("a13812345678bcd"), "a138****5678bcd");
        assert_eq!(redact("8619622688993abc"), "8619*****8993abc");
        assert_eq!(redact("A13812345678BCDE"), "A138****5678BCDE");
        assert_ne!(redact("1381234567800000"), "1381234567800000");
        assert_ne!(redact("xa13812345678bcde"), "xa13812345678bcde");
        assert_ne!(redact("a13812345678bcdeg"), "a13812345678bcdeg");
    }

    #[test]
    fn numbers_in_any_grouping_and_separator_of_the_set_are_masked() {
        // Mobiles grouped 3-8, 7-4, 4-4-3, 3-3-5, one separator per digit; tab and newline.
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
            "138\u{ad} 1234\u{200b}-\u{ad}5678",
        ] {
            assert_eq!(redact(&format!("电话{s}。")), "电话138****5678。", "{s:?}");
        }
        assert_eq!(redact("8613912345678"), "8613*****5678");
        // An ID number 17-1, and its X after a separator.
        assert_eq!(redact("证件11010519491231002-X号"), "证件1101**********002X号");
        assert_eq!(redact("证件11010519491231002X号"), "证件1101**********002X号");
        // Two visible separators in a row end a number.
        assert_eq!(redact("138--1234-5678"), "138--1234-5678");
        assert_eq!(redact("138-.1234-5678"), "138-.1234-5678");
    }

    #[test]
    fn decimal_fractions_are_no_other_numbers() {
        // Coordinates and measurements are left as they are; ID and mobile numbers written with
        // dots are still found.
        for s in ["[2.1668771521199393, 41.38302235796602]", "[40.0,11.0]", "温度 23.123456789012345 度"] {
            assert_eq!(redact(s), s, "{s}");
        }
        assert_eq!(redact("电话 139.1234.5678"), "电话 139****5678");
        assert_eq!(redact("0512-6789-1234"), "0512****1234");
    }

    #[test]
    fn white_space_around_one_visible_separator_joins_groups() {
        // Spaces around one dash, on one side or both, several spaces, a line break.
        for s in [
            "139 - 1234 - 5678",
            "139 -1234-5678",
            "139- 1234 -5678",
            "139  1234   5678",
            "139\r\n1234\r\n5678",
            "139 \u{200b}-\u{a0} 1234\u{3000}\u{3000}5678",
            "139 \u{ff0d} 1234 \u{30fb} 5678",
        ] {
            assert_eq!(redact(&format!("电话{s}。")), "电话139****5678。", "{s:?}");
        }
        assert_eq!(redact("证件11010519491231002 - X号"), "证件1101**********002X号");
        assert_eq!(redact("证件110105 - 19491231 - 002 X号"), "证件1101**********002X号");
        // Not joiners: a slash, a comma, an underscore, a parenthesis; two visible separators
        // even with spaces between them.
        for s in ["139/1234/5678", "139,1234,5678", "139_1234_5678", "139(1234)5678", "139 - - 1234 - 5678"] {
            assert_eq!(redact(s), s, "{s:?}");
        }
        // 17 digits whose `X` stands after two visible separators: no resident ID number.
        let kinds: Vec<NumberKind> = personal_numbers("11010519491231002 - - X").iter().map(|p| p.kind).collect();
        assert_eq!(kinds, [NumberKind::Other]);
    }

    #[test]
    fn what_a_number_reads_as() {
        let kinds = |s: &str| personal_numbers(s).iter().map(|p| (p.kind, p.masked())).collect::<Vec<_>>();
        // An ID number is not also a mobile inside it (`19491231002`).
        assert_eq!(kinds("110105 19491231002X"), [(NumberKind::ResidentId, "1101**********002X".to_owned())]);
        assert_eq!(kinds("110105-19491231002-X"), [(NumberKind::ResidentId, "1101**********002X".to_owned())]);
        // A year glued to a mobile: the mobile.
        assert_eq!(kinds("2023-138-1234-5678"), [(NumberKind::Mobile, "138****5678".to_owned())]);
        // A wrong check character: another number, masked all the same.
        assert_eq!(kinds("110105194912310021"), [(NumberKind::Other, "1101**********0021".to_owned())]);
        assert_eq!(kinds("0512-6789-1234"), [(NumberKind::Other, "0512****1234".to_owned())]);
        // An `X` is the check character whatever follows it: a word cannot hide the number.
        assert_eq!(kinds("11010519491231002Xiao"), [(NumberKind::ResidentId, "1101**********002X".to_owned())]);
        assert_eq!(kinds("12345678901234567 x"), [(NumberKind::Other, "1234**********567X".to_owned())]);
        // Debug never shows the number.
        let p = &personal_numbers("电话13812345678")[0];
        assert!(!format!("{p:?}").contains("13812345678"));
        assert_eq!(p.plain(), "13812345678");
        assert_eq!((p.start, p.end), (6, 17));
    }

    #[test]
    fn other_numbers_are_kept() {
        for s in [
            "320508001002",
            "32050800100200000000",
            "2024-05-01T09:00:00+08:00",
            "[120.5, 31.3]",
            "line 123456789",
            "12 34 56 78 90 12",
            "P-0001",
            "13812345678901234567890",
        ] {
            assert_eq!(redact(s), s, "{s}");
        }
    }

    #[test]
    fn output_escapes_controls() {
        assert_eq!(for_output("a\u{1b}[2Kb\r\n13812345678"), "a\\u{1b}[2Kb\\r\\n138****5678");
    }
}
