//! Lower-case hexadecimal: digests, keyed hashes, file names made from bytes.

const DIGITS: &[u8; 16] = b"0123456789abcdef";

/// `bytes` as lower-case hexadecimal, two digits a byte.
pub fn encode(bytes: &[u8]) -> String {
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        s.push(char::from(DIGITS[usize::from(b >> 4)]));
        s.push(char::from(DIGITS[usize::from(b & 15)]));
    }
    s
}

/// The bytes of hexadecimal text (either case), or `None` when `text` has an odd length or a
/// character that is no hexadecimal digit.
pub fn decode(text: &str) -> Option<Vec<u8>> {
    let digit = |c: u8| char::from(c).to_digit(16).and_then(|d| u8::try_from(d).ok());
    let bytes = text.as_bytes();
    if bytes.len() % 2 != 0 {
        return None;
    }
    bytes.chunks_exact(2).map(|p| Some(digit(p[0])? << 4 | digit(p[1])?)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_values() {
        assert_eq!(encode(&[]), "");
        assert_eq!(encode(&[0x00, 0x0f, 0xa5, 0xff]), "000fa5ff");
        assert_eq!(decode("000FA5ff"), Some(vec![0x00, 0x0f, 0xa5, 0xff]));
        assert_eq!(decode("abc"), None, "odd length");
        assert_eq!(decode("0g"), None, "not a digit");
        assert_eq!(decode("+1"), None, "a sign is no digit");
    }

    quickcheck::quickcheck! {
        /// Encoding then decoding gives the bytes back; the text is two lower-case digits a byte.
        fn round_trip(bytes: Vec<u8>) -> bool {
            let text = encode(&bytes);
            text.len() == 2 * bytes.len()
                && text.bytes().all(|c| c.is_ascii_digit() || (b'a'..=b'f').contains(&c))
                && decode(&text) == Some(bytes)
        }

        /// Encoding agrees with the standard library's formatting.
        fn same_as_format(bytes: Vec<u8>) -> bool {
            encode(&bytes) == bytes.iter().map(|b| format!("{b:02x}")).collect::<String>()
        }
    }
}
