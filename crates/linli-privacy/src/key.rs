//! The pseudonymisation key and tokens `[SHR-020]`–`[SHR-023]`: HMAC-SHA256 with a key the user
//! supplies in a file or in the environment, never on the command line, never in the output.

use std::path::Path;

use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};

use crate::Error;

/// The environment variable that may hold the key `[SHR-021]`.
pub const KEY_ENV: &str = "LINLI_MASK_KEY";

/// Shortest key accepted, in bytes `[SHR-021]`.
pub const MIN_KEY_BYTES: usize = 16;

/// Separator between the domain and the value in the hashed input (U+001F unit separator).
const SEP: char = '\u{1f}';

/// A pseudonymisation key. Its bytes are never printed: `Debug` shows the key id only.
#[derive(Clone)]
pub struct Key {
    mac: Hmac<Sha256>,
    id: String,
}

impl std::fmt::Debug for Key {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Key(id {})", self.id)
    }
}

impl Key {
    /// A key from its bytes; shorter than [`MIN_KEY_BYTES`] is refused.
    pub fn new(bytes: &[u8], source: &str) -> Result<Key, Error> {
        if bytes.len() < MIN_KEY_BYTES {
            return Err(Error::KeyTooShort { source_name: source.to_owned(), len: bytes.len() });
        }
        let mac = <Hmac<Sha256> as Mac>::new_from_slice(bytes)
            .map_err(|_| Error::KeyTooShort { source_name: source.to_owned(), len: bytes.len() })?;
        let mut h = Sha256::new();
        h.update(b"linli-key-id\x1f");
        h.update(bytes);
        let id = hex(&h.finalize())[..16].to_owned();
        Ok(Key { mac, id })
    }

    /// The key from a file (one trailing line break is not part of the key), or else from
    /// [`KEY_ENV`]; `None` when neither is given.
    pub fn from_file_or_env(file: Option<&Path>) -> Result<Option<Key>, Error> {
        if let Some(path) = file {
            let mut bytes =
                std::fs::read(path).map_err(|source| Error::Io { path: path.display().to_string(), source })?;
            if bytes.ends_with(b"\n") {
                bytes.pop();
                if bytes.ends_with(b"\r") {
                    bytes.pop();
                }
            }
            return Key::new(&bytes, &path.display().to_string()).map(Some);
        }
        match std::env::var_os(KEY_ENV) {
            Some(v) if !v.is_empty() => Key::new(v.as_encoded_bytes(), KEY_ENV).map(Some),
            _ => Ok(None),
        }
    }

    /// The key id: the first 16 hex digits of SHA-256(`linli-key-id` U+001F key) `[SHR-022]`.
    pub fn id(&self) -> &str {
        &self.id
    }

    /// The token of `value` in `domain`: lower-case hex HMAC-SHA256(key, domain U+001F value)
    /// `[SHR-020]`.
    pub fn token(&self, domain: &str, value: &str) -> String {
        let mut mac = self.mac.clone();
        mac.update(domain.as_bytes());
        let mut sep = [0u8; 4];
        mac.update(SEP.encode_utf8(&mut sep).as_bytes());
        mac.update(value.as_bytes());
        hex(&mac.finalize().into_bytes())
    }
}

pub(crate) use linli_model::support::hex::encode as hex;

/// Whether `s` looks like a token: 64 lower-case hex digits.
pub fn is_token(s: &str) -> bool {
    linli_model::check::is_pseudonym_token(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_stable_and_keyed() {
        let a = Key::new(b"0123456789abcdef", "t").unwrap();
        let b = Key::new(b"0123456789abcdeF", "t").unwrap();
        let t = a.token("resident-id", "11010519491231002X");
        assert!(is_token(&t));
        assert_eq!(t, a.token("resident-id", "11010519491231002X"));
        assert_ne!(t, b.token("resident-id", "11010519491231002X"));
        assert_ne!(t, a.token("passport", "11010519491231002X"));
        assert_eq!(a.id().len(), 16);
        assert_ne!(a.id(), b.id());
        assert!(!format!("{a:?}").contains("0123456789abcdef"));
    }

    /// The example of spec chapter 19, computed independently (Python `hmac`, `hashlib`).
    #[test]
    fn the_example_of_the_spec() {
        let k = Key::new(b"0123456789abcdef", "t").unwrap();
        assert_eq!(k.id(), "1eb13412fef3131c");
        assert_eq!(
            k.token("resident-id", "11010519491231002X"),
            "9c948c2ac0931d56892843d5888e2785a8af40619406fed123d53cf6bab0626e"
        );
    }

    #[test]
    fn short_keys_are_refused() {
        assert!(matches!(Key::new(b"short", "t"), Err(Error::KeyTooShort { len: 5, .. })));
    }
}
