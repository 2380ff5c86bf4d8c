//! GB 32100-2015 unified social credit codes (统一社会信用代码) `[ORG-003]`.
//!
//! Eighteen characters from the 31-character alphabet `0-9A-HJ-NPQRTUWXY` (no I, O, S, V, Z);
//! the last is a check character: `31 - (Σ value(cᵢ)·wᵢ mod 31)` (31 maps to 0).

/// The code alphabet; a character's value is its index.
const ALPHABET: &[u8; 31] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";
/// Weights for the first 17 characters: 3^i mod 31.
const WEIGHTS: [u32; 17] = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

fn value(c: u8) -> Option<u32> {
    ALPHABET.iter().position(|a| *a == c).and_then(|p| u32::try_from(p).ok())
}

/// The check character for the first 17 characters, or `None` if they are not 17 characters
/// of the alphabet.
pub fn check_character(first17: &str) -> Option<char> {
    let b = first17.as_bytes();
    if b.len() != 17 {
        return None;
    }
    let mut sum = 0u32;
    for (c, w) in b.iter().zip(WEIGHTS) {
        sum += value(*c)? * w;
    }
    let check = (31 - sum % 31) % 31;
    ALPHABET.get(check as usize).map(|c| char::from(*c))
}

/// Whether `code` is 18 characters of the alphabet with a correct check character; on a wrong
/// check character returns the expected one.
pub fn verify(code: &str) -> Result<(), Option<char>> {
    if code.len() != 18 || !code.is_ascii() {
        return Err(None);
    }
    let expected = check_character(&code[..17]).ok_or(None)?;
    if code.as_bytes()[17] == expected as u8 { Ok(()) } else { Err(Some(expected)) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weights_are_powers_of_three() {
        let mut w = 1u32;
        for expected in WEIGHTS {
            assert_eq!(w, expected);
            w = w * 3 % 31;
        }
    }

    #[test]
    fn codes_from_the_issue() {
        assert_eq!(verify("91310115591693856A"), Ok(()));
        assert_eq!(verify("91350200776049653A"), Ok(()));
        assert!(matches!(verify("91350203M0001QAY9B"), Err(Some(_))));
        assert_eq!(verify("9135020"), Err(None));
        assert_eq!(verify("91350203M0001QAYIB"), Err(None));
    }
}
