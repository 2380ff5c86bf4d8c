//! One redaction for every output of every tool `[PRI-011]`, `[CON-072]`.
//!
//! Findings mask the values of marked members by their marks (`[PRI-004]`), but a personal number
//! can sit anywhere else: in an id that breaks the id pattern, in an unknown member name, in a
//! value of an unmarked member, in a file name. [`redact`] masks, in any text a tool prints, every
//! run of digits that reads as a personal number — whatever its check character — and
//! [`for_output`] also escapes the characters that would act on a terminal.
//!
//! A *digit run* is a maximal sequence of digits (ASCII or full-width) in which two digits may be
//! separated by one separator of [`is_number_separator`], optionally ended by `X`/`x` after 17
//! digits. A run is masked with the table of `[PRI-004]` (by its count of digits, separators
//! dropped) when it has:
//! * 11 digits starting `1[3-9]` (a mainland mobile number), or 13 starting `861[3-9]`;
//! * 10 to 12 digits starting `0` (a landline with its area code);
//! * 15 to 19 digits or 17 and an `X` (a resident ID number of either generation, a bank card).
//!
//! Division codes (6, 9 or 12 digits never starting with `0`), device codes (20 digits), times and
//! coordinates are left as they are.

use std::borrow::Cow;

/// Whether `c` may stand between two digits of one number `[SHR-062]`: every Unicode `White_Space`
/// character, the zero-width characters (U+200B–U+200D, U+2060, U+FEFF), dots (`.` U+002E,
/// U+00B7, U+30FB, U+FF0E, U+FF65), hyphens and dashes (`-` U+002D, U+2010–U+2015, U+2212,
/// U+FE58, U+FE63, U+FF0D), and `/` is not one.
pub fn is_number_separator(c: char) -> bool {
    c.is_whitespace()
        || matches!(
            c,
            '\u{200b}'
                | '\u{200c}'
                | '\u{200d}'
                | '\u{2060}'
                | '\u{feff}'
                | '.'
                | '\u{b7}'
                | '\u{30fb}'
                | '\u{ff0e}'
                | '\u{ff65}'
                | '-'
                | '\u{2010}'..='\u{2015}' | '\u{2212}' | '\u{fe58}' | '\u{fe63}' | '\u{ff0d}'
        )
}

/// The ASCII digit of an ASCII or full-width digit.
fn digit(c: char) -> Option<u8> {
    match c {
        '0'..='9' => Some(c as u8),
        '\u{ff10}'..='\u{ff19}' => Some(b'0' + (u32::from(c) - 0xff10) as u8),
        _ => None,
    }
}

/// Whether a run of these digits (and a final `X` when `x`) is a personal number.
fn personal(d: &[u8], x: bool) -> bool {
    let n = d.len();
    if x {
        return n == 17;
    }
    let mobile = |d: &[u8]| d.len() == 11 && d[0] == b'1' && (b'3'..=b'9').contains(&d[1]);
    mobile(d)
        || (n == 13 && d.starts_with(b"86") && mobile(&d[2..]))
        || (d[0] == b'0' && (10..=12).contains(&n))
        || (15..=19).contains(&n)
}

/// `s` with every personal number masked by the table of `[PRI-004]`.
pub fn redact(s: &str) -> Cow<'_, str> {
    // Fast path: fewer than ten digits cannot hold a personal number.
    if s.chars().filter(|c| digit(*c).is_some()).take(10).count() < 10 {
        return Cow::Borrowed(s);
    }
    let chars: Vec<(usize, char)> = s.char_indices().collect();
    let mut out = String::new();
    let mut copied = 0; // byte offset in `s` up to which `out` holds the text
    let mut i = 0;
    while i < chars.len() {
        let Some(first) = digit(chars[i].1) else {
            i += 1;
            continue;
        };
        // A run starts here unless a digit and a separator precede it (then it was scanned).
        let mut digits = vec![first];
        let mut j = i + 1;
        let mut x = false;
        loop {
            match chars.get(j).map(|c| c.1) {
                Some(c) if digit(c).is_some() => {
                    digits.extend(digit(c));
                    j += 1;
                }
                Some(c) if is_number_separator(c) && chars.get(j + 1).is_some_and(|n| digit(n.1).is_some()) => {
                    j += 1;
                }
                Some('X' | 'x' | '\u{ff38}' | '\u{ff58}') if digits.len() == 17 => {
                    // Only when no letter or digit follows: `…X` ends the number.
                    if !chars.get(j + 1).is_some_and(|n| n.1.is_alphanumeric()) {
                        x = true;
                        j += 1;
                    }
                    break;
                }
                _ => break,
            }
        }
        if personal(&digits, x) {
            mask_span(s, &chars, (i, j), &digits, x, &mut out, &mut copied);
        } else {
            // The run as a whole is no personal number, but a part of it between separators
            // may be one: `2023-32050819800315462X09` is a year, an ID number and more digits
            // (here a final `X` may be followed by a digit, not by a letter).
            let mut k = i;
            while k < j {
                if digit(chars[k].1).is_none() {
                    k += 1;
                    continue;
                }
                let mut end = k;
                let mut part = Vec::new();
                while end < j {
                    match digit(chars[end].1) {
                        Some(d) => part.push(d),
                        None => break,
                    }
                    end += 1;
                }
                let part_x = part.len() == 17
                    && matches!(chars.get(end).map(|c| c.1), Some('X' | 'x' | '\u{ff38}' | '\u{ff58}'))
                    && !chars.get(end + 1).is_some_and(|n| n.1.is_alphabetic());
                let end = if part_x { end + 1 } else { end };
                if part.len() < digits.len() && personal(&part, part_x) {
                    mask_span(s, &chars, (k, end), &part, part_x, &mut out, &mut copied);
                }
                k = end;
            }
        }
        i = j.max(i + 1);
    }
    if copied == 0 {
        Cow::Borrowed(s)
    } else {
        out.push_str(&s[copied..]);
        Cow::Owned(out)
    }
}

/// Append to `out` the text of `s` from `copied` to the span (`chars` indices, end excluded),
/// then the span's number masked.
fn mask_span(
    s: &str,
    chars: &[(usize, char)],
    (from, to): (usize, usize),
    digits: &[u8],
    x: bool,
    out: &mut String,
    copied: &mut usize,
) {
    let start = chars[from].0;
    let end = chars.get(to).map_or(s.len(), |c| c.0);
    if start < *copied {
        return;
    }
    out.push_str(&s[*copied..start]);
    let mut plain: String = digits.iter().map(|d| char::from(*d)).collect();
    if x {
        plain.push('X');
    }
    out.push_str(&crate::check::mask_middle(&plain));
    *copied = end;
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
