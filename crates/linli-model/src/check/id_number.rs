//! GB 11643-1999 citizen identity numbers (公民身份号码) `[PER-008]`.
//!
//! Eighteen characters: a six-digit address code, an eight-digit birth date `YYYYMMDD`, a
//! three-digit sequence code (odd for men, even for women) and a check character computed with
//! ISO 7064 MOD 11-2 (`X` stands for 10).

use crate::codes::{CodeTable, Gender, Province};
use crate::datetime::Date;

/// Weights of ISO 7064 MOD 11-2 for the 17 digits.
const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
/// Check character for each remainder 0..=10.
const CHECK: [u8; 11] = *b"10X98765432";

/// What is wrong with an identity number.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum IdNumberError {
    /// Not 17 ASCII digits followed by a digit or `X`.
    Shape,
    /// The embedded birth date does not exist.
    BirthDate,
    /// The check character is wrong; holds the expected one.
    CheckCharacter {
        /// The character the first 17 digits call for.
        expected: char,
    },
}

/// A parsed, valid GB 11643 number.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IdNumber {
    /// Embedded birth date.
    pub birth_date: Date,
    /// Gender from the sequence code (odd: male; even: female).
    pub gender: Gender,
    /// Province of the address code, if it is a known one.
    pub province: Option<Province>,
}

/// The check character for 17 leading digits; `None` if they are not 17 ASCII digits.
pub fn check_character(first17: &str) -> Option<char> {
    let b = first17.as_bytes();
    if b.len() != 17 || !b.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let sum: u32 = b.iter().zip(WEIGHTS).map(|(d, w)| u32::from(d - b'0') * w).sum();
    CHECK.get((sum % 11) as usize).map(|c| char::from(*c))
}

/// Whether `value` is a masked resident ID number `[PER-019]`: 18 characters, at least one of
/// them `*`, the others digits, and the last a digit, `X` or `*`. Its check character is not
/// checked.
pub fn is_masked(value: &str) -> bool {
    let b = value.as_bytes();
    b.len() == 18
        && b.contains(&b'*')
        && b[..17].iter().all(|c| c.is_ascii_digit() || *c == b'*')
        && (b[17].is_ascii_digit() || b[17] == b'X' || b[17] == b'*')
}

/// Parse and check a resident ID number.
pub fn parse(value: &str) -> Result<IdNumber, IdNumberError> {
    let b = value.as_bytes();
    if b.len() != 18 || !b[..17].iter().all(u8::is_ascii_digit) || !(b[17].is_ascii_digit() || b[17] == b'X') {
        return Err(IdNumberError::Shape);
    }
    let num = |r: std::ops::Range<usize>| b[r].iter().fold(0u32, |acc, d| acc * 10 + u32::from(d - b'0'));
    let (year, month, day) = (num(6..10), num(10..12), num(12..14));
    let birth_date = match (i32::try_from(year), u8::try_from(month), u8::try_from(day)) {
        (Ok(y), Ok(m), Ok(d)) => Date::from_ymd(y, m, d).ok_or(IdNumberError::BirthDate)?,
        _ => return Err(IdNumberError::BirthDate),
    };
    let expected = check_character(&value[..17]).ok_or(IdNumberError::Shape)?;
    if char::from(b[17]) != expected {
        return Err(IdNumberError::CheckCharacter { expected });
    }
    let gender = if (b[16] - b'0') % 2 == 1 { Gender::Male } else { Gender::Female };
    Ok(IdNumber { birth_date, gender, province: Province::from_code(&value[..2]) })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn valid_numbers_from_the_issue() {
        for (n, birth, gender) in [
            ("11010519491231002X", "1949-12-31", Gender::Female),
            ("321083197812162119", "1978-12-16", Gender::Male),
            ("33010219200403064X", "1920-04-03", Gender::Female),
        ] {
            let id = parse(n).unwrap_or_else(|e| panic!("{n}: {e:?}"));
            assert_eq!(id.birth_date.to_string(), birth);
            assert_eq!(id.gender, gender);
            assert!(id.province.is_some());
        }
    }

    #[test]
    fn wrong_check_character_is_refused() {
        assert_eq!(
            parse("330502198807024471"),
            Err(IdNumberError::CheckCharacter { expected: check_character("33050219880702447").unwrap() })
        );
    }

    #[test]
    fn masked_numbers() {
        assert!(is_masked("3205**********1234"));
        assert!(is_masked("1101**********002X"));
        assert!(!is_masked("11010519491231002X"));
        assert!(!is_masked("3205*********1234"));
        assert!(!is_masked("3205****A*****1234"));
    }

    #[test]
    fn bad_shapes_and_dates() {
        assert_eq!(parse("11010519491231002x"), Err(IdNumberError::Shape));
        assert_eq!(parse("1101051949123100"), Err(IdNumberError::Shape));
        assert_eq!(parse("11010519491331002X"), Err(IdNumberError::BirthDate));
        assert_eq!(parse("110105194902300020"), Err(IdNumberError::BirthDate));
        assert_eq!(parse("１10105194912310020"), Err(IdNumberError::Shape));
    }
}
