//! # linli-conformance — the Linli conformance suite
//!
//! Procurement runs this suite against a vendor's dataset, adapter or API before admitting the
//! vendor (准入). The suite is data: language-neutral JSON vectors under `conformance/`, each with
//! a stable case ID that is never reused, the requirement IDs of `spec/` it verifies, and the
//! expected verdict. This crate reads the vectors, checks their coverage of the spec's MUST
//! requirements, and runs them.

pub mod bundle;
pub mod compare;
mod convert;
pub mod coverage;
pub mod protocol;
pub mod report;
pub mod runner;
mod share;
pub mod statement;
pub mod vector;

/// Errors of the suite.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A suite file could not be read.
    #[error("{path}: {message}")]
    Suite {
        /// The file.
        path: String,
        /// What is wrong.
        message: String,
    },
    /// A key file is missing or not an Ed25519 key in PEM (`[CNF-061]`). Never quotes the file.
    #[error("{path}: {message}")]
    Key {
        /// The key file.
        path: String,
        /// What is wrong.
        message: String,
    },
    /// A file to check a statement against could not be read.
    #[error("{path}: {message}")]
    Unreadable {
        /// The file.
        path: String,
        /// What is wrong.
        message: String,
    },
    /// A result statement is not a DSSE envelope holding an in-toto statement (`[CNF-064]`).
    #[error("the statement cannot be read: {detail}")]
    StatementMalformed {
        /// What is wrong.
        detail: String,
    },
    /// The envelope's `payloadType` is not `application/vnd.in-toto+json` (`[CNF-064]`).
    #[error("the envelope's payloadType is `{found}`, not application/vnd.in-toto+json")]
    StatementPayloadType {
        /// The payload type found.
        found: String,
    },
    /// No signature of the envelope verifies with the public key (`[CNF-064]`).
    #[error("no signature verifies with the public key (key id {keyid}; signatures name {found:?})")]
    StatementSignatureInvalid {
        /// Key id of the public key given.
        keyid: String,
        /// Key ids the signatures name (hints only).
        found: Vec<String>,
    },
    /// The statement's `_type` or `predicateType` is not the one of `[CNF-060]`.
    #[error("the statement's {member} is `{found}`")]
    StatementType {
        /// `_type` or `predicateType`.
        member: &'static str,
        /// The value found.
        found: String,
    },
    /// A subject or `configuration` entry to check is not in the statement (`[CNF-064]`).
    #[error("the statement has no subject `{subject}`")]
    StatementSubjectMissing {
        /// The subject or entry name.
        subject: String,
    },
    /// A digest recomputed from the files differs from the statement's (`[CNF-064]`).
    #[error("{subject}: the statement says {algorithm} {expected}, the files give {actual}")]
    StatementDigestMismatch {
        /// The subject or entry name.
        subject: String,
        /// The digest algorithm (`sha256`, `linliFiles2`).
        algorithm: String,
        /// The digest in the statement.
        expected: String,
        /// The digest of the files.
        actual: String,
    },
    /// The statement or the key id could not be encoded for signing (never expected: reported
    /// instead of signing an empty payload, `[CNF-061]`).
    #[error("the statement cannot be signed: {detail}")]
    Sign {
        /// What failed.
        detail: String,
    },
}

impl Error {
    /// Stable code of the error, for scripts and reports.
    pub fn code(&self) -> &'static str {
        match self {
            Error::Suite { .. } => "suite-unreadable",
            Error::Key { .. } => "key-invalid",
            Error::Unreadable { .. } => "input-unreadable",
            Error::StatementMalformed { .. } => "statement-malformed",
            Error::StatementPayloadType { .. } => "statement-payload-type",
            Error::StatementSignatureInvalid { .. } => "statement-signature-invalid",
            Error::StatementType { .. } => "statement-type-invalid",
            Error::StatementSubjectMissing { .. } => "statement-subject-missing",
            Error::StatementDigestMismatch { .. } => "statement-digest-mismatch",
            Error::Sign { .. } => "statement-unsignable",
        }
    }

    /// The message in Chinese (`zh`) or English.
    pub fn message(&self, zh: bool) -> String {
        if !zh {
            return self.to_string();
        }
        match self {
            Error::Suite { path, message } => format!("{path}：套件文件无法读取：{message}"),
            Error::Key { path, message } => format!("{path}：密钥文件无效（{message}）"),
            Error::Unreadable { path, message } => format!("{path}：无法读取：{message}"),
            Error::StatementMalformed { detail } => format!("结果声明无法读取：{detail}"),
            Error::StatementPayloadType { found } => {
                format!("信封的 payloadType 为 `{found}`，应为 application/vnd.in-toto+json")
            }
            Error::StatementSignatureInvalid { keyid, found } => {
                format!("没有任何签名能用该公钥验证通过（公钥标识 {keyid}；签名所称标识 {found:?}）")
            }
            Error::StatementType { member, found } => format!("结果声明的 {member} 为 `{found}`"),
            Error::StatementSubjectMissing { subject } => format!("结果声明中没有 `{subject}` 这一项"),
            Error::StatementDigestMismatch { subject, algorithm, expected, actual } => {
                format!("{subject}：结果声明中的 {algorithm} 为 {expected}，文件实际为 {actual}")
            }
            Error::Sign { detail } => format!("结果声明无法签名：{detail}"),
        }
    }
}

/// Read a file that must be a regular file of at most `max` bytes: a FIFO, a device or a file
/// that grows without end must not hang the judge or exhaust its memory.
pub fn read_regular(path: &std::path::Path, max: u64) -> std::io::Result<Vec<u8>> {
    use std::io::Read;
    let meta = std::fs::metadata(path)?;
    if !meta.is_file() {
        return Err(std::io::Error::new(std::io::ErrorKind::InvalidInput, "not a regular file"));
    }
    let too_big = || std::io::Error::new(std::io::ErrorKind::InvalidData, format!("larger than {max} bytes"));
    if meta.len() > max {
        return Err(too_big());
    }
    let mut out = Vec::new();
    std::fs::File::open(path)?.take(max + 1).read_to_end(&mut out)?;
    if out.len() as u64 > max {
        return Err(too_big());
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    #[test]
    fn only_regular_files_of_bounded_size_are_read() {
        let dir = std::env::temp_dir().join(format!("linli-read-regular-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("dir");
        let f = dir.join("a.json");
        std::fs::write(&f, "12345").expect("write");
        assert_eq!(super::read_regular(&f, 5).expect("read"), b"12345");
        assert!(super::read_regular(&f, 4).is_err());
        assert!(super::read_regular(&dir, 100).is_err(), "a folder is not read");
        assert!(super::read_regular(std::path::Path::new("/dev/zero"), 100).is_err(), "a device is not read");
        let _ = std::fs::remove_dir_all(&dir);
    }
}
