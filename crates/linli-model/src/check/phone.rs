//! Telephone number shapes `[PER-010]`.

/// The recognised shape of a telephone number.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum PhoneShape {
    /// Mainland mobile: 11 digits starting `1[3-9]`.
    Mobile,
    /// Mainland landline: area code `0xx`/`0xxx`, optional `-`, 7–8 digits; or 7–8 local digits.
    Landline,
    /// Service number: `1xxxx` (e.g. 12345), `95xxx`/`96xxx`, 400/800 numbers.
    Service,
    /// International, E.164: `+` and 8–15 digits.
    International,
}

/// Whether a telephone number is masked: some of its digits after the first character are
/// replaced by `*` `[PER-018]`. A masked number's shape is not checked.
pub fn is_masked(s: &str) -> bool {
    s.contains('*')
}

/// Classify a telephone number, or `None` if it has no known shape.
pub fn classify(s: &str) -> Option<PhoneShape> {
    let b = s.as_bytes();
    let all_digits = |x: &[u8]| !x.is_empty() && x.iter().all(u8::is_ascii_digit);
    if let Some(rest) = s.strip_prefix('+') {
        let digits: String = rest.chars().filter(|c| *c != '-').collect();
        if let Some(cn) = digits.strip_prefix("86") {
            // +86 then a mainland number without the trunk 0.
            return match classify(cn) {
                Some(PhoneShape::Mobile) => Some(PhoneShape::Mobile),
                // A landline without its trunk 0; of area codes starting with 1 only 10 (Beijing).
                _ if (9..=11).contains(&cn.len())
                    && all_digits(cn.as_bytes())
                    && !cn.starts_with('0')
                    && (!cn.starts_with('1') || cn.starts_with("10")) =>
                {
                    Some(PhoneShape::Landline)
                }
                _ => None,
            };
        }
        return ((8..=15).contains(&digits.len()) && all_digits(digits.as_bytes()) && !digits.starts_with('0'))
            .then_some(PhoneShape::International);
    }
    // Mobile numbers: 11 digits, or grouped 3-4-4 with hyphens (138-1234-5678).
    let grouped = b.len() == 13
        && b[3] == b'-'
        && b[8] == b'-'
        && b.iter().enumerate().all(|(i, c)| i == 3 || i == 8 || c.is_ascii_digit());
    let plain = b.len() == 11 && all_digits(b);
    if (plain || grouped) && b[0] == b'1' && (b'3'..=b'9').contains(&b[1]) {
        return Some(PhoneShape::Mobile);
    }
    if let Some((area, local)) = s.split_once('-') {
        return (area.starts_with('0')
            && (3..=4).contains(&area.len())
            && all_digits(area.as_bytes())
            && (7..=8).contains(&local.len())
            && all_digits(local.as_bytes())
            && !local.starts_with('0'))
        .then_some(PhoneShape::Landline);
    }
    if !all_digits(b) {
        return None;
    }
    if b[0] == b'0' && (10..=12).contains(&b.len()) && b[1] != b'0' {
        return Some(PhoneShape::Landline);
    }
    if (7..=8).contains(&b.len()) && b[0] != b'0' && b[0] != b'1' {
        return Some(PhoneShape::Landline);
    }
    if (b.len() == 5 && b[0] == b'1')
        || (b.len() == 5 && (s.starts_with("95") || s.starts_with("96")))
        || (b.len() == 10 && (s.starts_with("400") || s.starts_with("800")))
        || matches!(s, "110" | "119" | "120" | "122")
    {
        return Some(PhoneShape::Service);
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shapes() {
        assert_eq!(classify("13812345678"), Some(PhoneShape::Mobile));
        assert_eq!(classify("+8613812345678"), Some(PhoneShape::Mobile));
        assert_eq!(classify("0512-65221234"), Some(PhoneShape::Landline));
        assert_eq!(classify("051265221234"), Some(PhoneShape::Landline));
        assert_eq!(classify("65221234"), Some(PhoneShape::Landline));
        assert_eq!(classify("12345"), Some(PhoneShape::Service));
        assert_eq!(classify("95588"), Some(PhoneShape::Service));
        assert_eq!(classify("4008123123"), Some(PhoneShape::Service));
        assert_eq!(classify("+14155552671"), Some(PhoneShape::International));
        assert_eq!(classify("138-1234-5678"), Some(PhoneShape::Mobile));
        assert_eq!(classify("1381-234-5678"), None);
        assert_eq!(classify("13-81234-5678"), None);
        assert_eq!(classify("+86-138-1234-5678"), Some(PhoneShape::Mobile));
        assert_eq!(classify("+861065221234"), Some(PhoneShape::Landline));
        assert_eq!(classify("+8651265221234"), Some(PhoneShape::Landline));
        assert_eq!(classify("+8612812345678"), None);
        assert_eq!(classify("12812345678"), None);
        assert_eq!(classify("1381234567"), None);
        assert_eq!(classify("0512-0522123"), None);
        assert_eq!(classify("123"), None);
    }
}
