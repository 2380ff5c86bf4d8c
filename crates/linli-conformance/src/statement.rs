//! The signed result statement (`spec/30-conformance.md` §30.7, `[CNF-060]`–`[CNF-065]`): an
//! in-toto Statement v1 with the test-result predicate, whose subjects are the suite, the schemas
//! and the product, in a DSSE envelope signed with Ed25519.
//!
//! An admission office keeps the envelope and the public key; [`verify`] checks the signature,
//! the statement type and the digests against a suite folder, a `summary.json` and the product.
//! Keys are read from standard files (PKCS#8 PEM private keys as `openssl genpkey -algorithm
//! ed25519` writes them, SPKI PEM public keys); key material is never printed.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use base64::Engine;
use ed25519_dalek::Signer;
use ed25519_dalek::pkcs8::spki::der::pem::LineEnding;
use ed25519_dalek::pkcs8::spki::der::zeroize::Zeroizing;
use ed25519_dalek::pkcs8::{DecodePrivateKey, DecodePublicKey, EncodePrivateKey, EncodePublicKey};
pub use ed25519_dalek::{SigningKey, VerifyingKey};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use sha2::Digest;

use crate::Error;
use crate::runner::{Outcome, Summary, Target, schemas_digest, tree_digest, vectors_digest};

/// `_type` of an in-toto Statement v1.
pub const STATEMENT_TYPE: &str = "https://in-toto.io/Statement/v1";
/// `predicateType` of the in-toto test-result predicate.
pub const PREDICATE_TYPE: &str = "https://in-toto.io/attestation/test-result/v0.1";
/// DSSE `payloadType` of an in-toto statement.
pub const PAYLOAD_TYPE: &str = "application/vnd.in-toto+json";
/// Name of the envelope file next to `summary.json`.
pub const STATEMENT_FILE: &str = "statement.intoto.json";
/// Subject name of the suite's vector files.
pub const SUBJECT_VECTORS: &str = "linli-conformance-vectors";
/// Subject name of the schemas.
pub const SUBJECT_SCHEMAS: &str = "linli-schemas";
/// Name of the `configuration` entry that binds `summary.json`.
pub const SUMMARY_NAME: &str = "summary.json";
/// Digest algorithm name of the runner's digest over a set of files `[CNF-062]`: lowercase hex
/// SHA-256 over, for each file in path order, its file name (UTF-8) and then its bytes.
pub const FILES_DIGEST: &str = "linliFiles2";
/// Digest algorithm name of plain SHA-256 over one file's bytes.
pub const SHA256: &str = "sha256";

/// A DSSE envelope (`[CNF-061]`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Envelope {
    /// The serialized statement, base64 (standard or URL-safe alphabet accepted).
    pub payload: String,
    /// Always [`PAYLOAD_TYPE`].
    #[serde(rename = "payloadType")]
    pub payload_type: String,
    /// One signature per key.
    pub signatures: Vec<EnvelopeSignature>,
}

/// One signature of an envelope.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EnvelopeSignature {
    /// Hint only, never trusted: lowercase hex SHA-256 of the signer's SPKI DER public key.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub keyid: String,
    /// Base64 of the 64-byte Ed25519 signature over [`pae`] of the payload type and payload.
    pub sig: String,
}

/// An in-toto Statement v1 with the test-result predicate (`[CNF-060]`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Statement {
    /// Always [`STATEMENT_TYPE`].
    #[serde(rename = "_type")]
    pub statement_type: String,
    /// The suite, the schemas and the product (`[CNF-062]`).
    pub subject: Vec<ResourceDescriptor>,
    /// Always [`PREDICATE_TYPE`].
    #[serde(rename = "predicateType")]
    pub predicate_type: String,
    /// The result (`[CNF-063]`).
    pub predicate: TestResult,
}

/// An in-toto ResourceDescriptor (the members this statement uses).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ResourceDescriptor {
    /// Name, unique within the list.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub name: String,
    /// Algorithm → lowercase hex digest.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub digest: BTreeMap<String, String>,
    /// Media type.
    #[serde(rename = "mediaType", default, skip_serializing_if = "Option::is_none")]
    pub media_type: Option<String>,
    /// Informative members.
    #[serde(default, skip_serializing_if = "Map::is_empty")]
    pub annotations: Map<String, Value>,
}

/// The test-result predicate (`[CNF-063]`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TestResult {
    /// `PASSED` (every claimed class passes) or `FAILED`.
    pub result: String,
    /// `summary.json` of the run, with its SHA-256 and the run's settings as annotations.
    pub configuration: Vec<ResourceDescriptor>,
    /// Where the run's logs are (not set by the reference runner).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// Outcome IDs (`CASE/OP`) that passed.
    #[serde(rename = "passedTests", default)]
    pub passed_tests: Vec<String>,
    /// Always empty: the suite has no warning outcome.
    #[serde(rename = "warnedTests", default)]
    pub warned_tests: Vec<String>,
    /// Outcome IDs that failed, ended in error, or were skipped by the vendor.
    #[serde(rename = "failedTests", default)]
    pub failed_tests: Vec<String>,
}

/// DSSE's pre-authentication encoding: `"DSSEv1" SP LEN(type) SP type SP LEN(body) SP body`,
/// the bytes that are signed `[CNF-061]`.
pub fn pae(payload_type: &str, body: &[u8]) -> Vec<u8> {
    let mut out = format!("DSSEv1 {} {payload_type} {} ", payload_type.len(), body.len()).into_bytes();
    out.extend_from_slice(body);
    out
}

/// Lowercase hex SHA-256 of `bytes`.
pub fn sha256_hex(bytes: &[u8]) -> String {
    linli_model::support::hex::encode(&sha2::Sha256::digest(bytes))
}

/// The key id of a public key: lowercase hex SHA-256 of its DER SubjectPublicKeyInfo (what
/// `openssl pkey -pubin -in pub.pem -outform DER | sha256sum` prints).
pub fn keyid(key: &VerifyingKey) -> Result<String, Error> {
    key.to_public_key_der().map(|d| sha256_hex(d.as_bytes())).map_err(|e| Error::Sign { detail: e.to_string() })
}

fn key_error(path: &Path, message: &str) -> Error {
    Error::Key { path: path.display().to_string(), message: message.to_owned() }
}

/// Read an Ed25519 private key from a PKCS#8 PEM file (`-----BEGIN PRIVATE KEY-----`). The
/// file's text is wiped from memory after parsing; errors never quote it.
pub fn read_signing_key(path: &Path) -> Result<SigningKey, Error> {
    let bytes = Zeroizing::new(crate::read_regular(path, 64 << 10).map_err(|e| key_error(path, &e.to_string()))?);
    let text = Zeroizing::new(String::from_utf8_lossy(&bytes).into_owned());
    SigningKey::from_pkcs8_pem(text.trim())
        .map_err(|_| key_error(path, "not an Ed25519 private key in PKCS#8 PEM (`openssl genpkey -algorithm ed25519`)"))
}

/// Read an Ed25519 public key from an SPKI PEM file (`-----BEGIN PUBLIC KEY-----`).
pub fn read_verifying_key(path: &Path) -> Result<VerifyingKey, Error> {
    let text =
        String::from_utf8_lossy(&crate::read_regular(path, 64 << 10).map_err(|e| key_error(path, &e.to_string()))?)
            .into_owned();
    VerifyingKey::from_public_key_pem(text.trim())
        .map_err(|_| key_error(path, "not an Ed25519 public key in SPKI PEM (`openssl pkey -pubout`)"))
}

/// A new key pair from the operating system's random source: the private key as PKCS#8 PEM
/// (wiped when dropped) and the public key as SPKI PEM.
pub fn generate_key() -> Result<(Zeroizing<String>, String), Error> {
    let mut seed = Zeroizing::new([0u8; 32]);
    getrandom::fill(seed.as_mut_slice())
        .map_err(|e| Error::Key { path: "(random source)".into(), message: e.to_string() })?;
    let key = SigningKey::from_bytes(&seed);
    // PKCS#8 v1 (the private key only), as OpenSSL writes it: OpenSSL 3.0 cannot read the v2
    // form with the public key attached.
    let private = ed25519_dalek::pkcs8::KeypairBytes { secret_key: *seed, public_key: None }
        .to_pkcs8_pem(LineEnding::LF)
        .map_err(|e| Error::Key { path: "(new key)".into(), message: e.to_string() })?;
    let public = key
        .verifying_key()
        .to_public_key_pem(LineEnding::LF)
        .map_err(|e| Error::Key { path: "(new key)".into(), message: e.to_string() })?;
    Ok((private, public))
}

/// Where the program of an adapter command is: as given when it contains a path separator,
/// otherwise the first executable file of that name in the directories of `PATH`.
pub fn resolve_program(program: &str) -> Option<PathBuf> {
    let p = Path::new(program);
    if program.contains('/') || program.contains(std::path::MAIN_SEPARATOR) {
        return p.is_file().then(|| p.to_path_buf());
    }
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path).map(|d| d.join(program)).find(|c| is_executable(c))
}

#[cfg(unix)]
fn is_executable(p: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(p).is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
}

#[cfg(not(unix))]
fn is_executable(p: &Path) -> bool {
    p.is_file()
}

fn annotations(pairs: &[(&str, Value)]) -> Map<String, Value> {
    pairs.iter().map(|(k, v)| ((*k).to_owned(), v.clone())).collect()
}

fn digest_set(algorithm: &str, hex: String) -> BTreeMap<String, String> {
    BTreeMap::from([(algorithm.to_owned(), hex)])
}

/// The product subject: the declared vendor, name and version, with the SHA-256 of the adapter's
/// program, or the files digest of a dataset. `None` when there is nothing to digest (the
/// program cannot be found).
fn product_subject(summary: &Summary, target: &Target) -> Option<ResourceDescriptor> {
    let (name, mut notes) = match &summary.product {
        Some(p) => (
            format!("{}/{}@{}", p.vendor, p.name, p.version),
            annotations(&[
                ("vendor", Value::from(p.vendor.as_str())),
                ("name", Value::from(p.name.as_str())),
                ("version", Value::from(p.version.as_str())),
            ]),
        ),
        None => ("undeclared".to_owned(), Map::new()),
    };
    let digest = match target {
        Target::Adapter(cmd) => {
            let program = resolve_program(cmd.first()?)?;
            let bytes = std::fs::read(&program).ok()?;
            // A program resolved to a file always has a file name: the default is never taken.
            let file = program.file_name().map(|f| f.to_string_lossy().into_owned()).unwrap_or_default();
            notes.insert("program".into(), Value::from(file));
            digest_set(SHA256, sha256_hex(&bytes))
        }
        Target::Dataset(dir) => {
            notes.insert("kind".into(), Value::from("dataset"));
            digest_set(FILES_DIGEST, tree_digest(dir))
        }
        // A node: named by its URL, with what `/v1/status` said, bound to the OpenAPI document it
        // served `[CNF-076]`; left out when it served none.
        Target::Api(api) => {
            let node = summary.node.as_ref()?;
            notes.insert("kind".into(), Value::from("api"));
            notes.insert("url".into(), Value::from(api.shown_url()));
            for (k, v) in [("nodeVersion", &node.version), ("storage", &node.storage)] {
                if let Some(v) = v {
                    notes.insert(k.into(), Value::from(v.as_str()));
                }
            }
            let sha = node.openapi_sha256.clone()?;
            if summary.product.is_none() {
                return Some(ResourceDescriptor {
                    name: format!("api:{}", api.shown_url()),
                    digest: digest_set(SHA256, sha),
                    media_type: None,
                    annotations: notes,
                });
            }
            digest_set(SHA256, sha)
        }
    };
    Some(ResourceDescriptor { name, digest, media_type: None, annotations: notes })
}

/// Annotation `role` of the subjects that are files named in the adapter command.
pub const ROLE_ADAPTER_FILE: &str = "adapter-file";

/// The files the adapter command names after its program (a script run by an interpreter, a
/// configuration file), each a subject with its SHA-256, named by the argument as given.
fn adapter_files(target: &Target) -> Vec<ResourceDescriptor> {
    let Target::Adapter(cmd) = target else { return Vec::new() };
    let mut out: Vec<ResourceDescriptor> = Vec::new();
    for arg in cmd.iter().skip(1) {
        if out.iter().any(|d| &d.name == arg) {
            continue;
        }
        let Some(bytes) = Path::new(arg).is_file().then(|| std::fs::read(arg).ok()).flatten() else { continue };
        out.push(ResourceDescriptor {
            name: arg.clone(),
            digest: digest_set(SHA256, sha256_hex(&bytes)),
            media_type: None,
            annotations: annotations(&[("role", Value::from(ROLE_ADAPTER_FILE))]),
        });
    }
    out
}

/// The statement of a finished run `[CNF-060]`–`[CNF-063]`: `summary_json` is the exact content of
/// the `summary.json` written for `summary`, `suite` the suite folder the run used.
pub fn statement(summary: &Summary, target: &Target, suite: &Path, summary_json: &[u8]) -> Statement {
    let or_recompute = |have: &str, f: fn(&Path) -> String| if have.is_empty() { f(suite) } else { have.to_owned() };
    let mut subject = vec![
        ResourceDescriptor {
            name: SUBJECT_VECTORS.into(),
            digest: digest_set(FILES_DIGEST, or_recompute(&summary.vectors_sha256, vectors_digest)),
            media_type: None,
            annotations: annotations(&[("suiteVersion", Value::from(summary.suite_version))]),
        },
        ResourceDescriptor {
            name: SUBJECT_SCHEMAS.into(),
            digest: digest_set(FILES_DIGEST, or_recompute(&summary.schemas_sha256, schemas_digest)),
            ..ResourceDescriptor::default()
        },
    ];
    subject.extend(product_subject(summary, target));
    subject.extend(adapter_files(target));
    let id = |c: &crate::runner::CaseResult| c.id.clone();
    let mut passed: Vec<String> = summary.cases.iter().filter(|c| c.outcome == Outcome::Pass).map(id).collect();
    let mut failed: Vec<String> = summary
        .cases
        .iter()
        .filter(|c| matches!(c.outcome, Outcome::Fail | Outcome::Error | Outcome::Skip))
        .map(id)
        .collect();
    passed.sort();
    failed.sort();
    let classes: Map<String, Value> =
        summary.classes.iter().map(|c| (c.class.name().to_owned(), Value::from(c.verdict))).collect();
    let summary_entry = ResourceDescriptor {
        name: SUMMARY_NAME.into(),
        digest: digest_set(SHA256, sha256_hex(summary_json)),
        media_type: Some("application/json".into()),
        annotations: annotations(&[
            ("format", Value::from(summary.format)),
            ("suiteVersion", Value::from(summary.suite_version)),
            ("runnerVersion", Value::from(summary.runner_version)),
            ("protocol", Value::from(summary.protocol)),
            ("seed", Value::from(summary.seed)),
            ("startedAt", Value::from(summary.started_at.as_str())),
            ("finishedAt", Value::from(summary.finished_at.as_str())),
            ("classes", Value::Object(classes)),
            ("exitCode", Value::from(summary.exit_code())),
        ]),
    };
    Statement {
        statement_type: STATEMENT_TYPE.into(),
        subject,
        predicate_type: PREDICATE_TYPE.into(),
        predicate: TestResult {
            result: if summary.exit_code() == 0 { "PASSED" } else { "FAILED" }.into(),
            configuration: vec![summary_entry],
            url: None,
            passed_tests: passed,
            warned_tests: Vec::new(),
            failed_tests: failed,
        },
    }
}

/// Serialize `statement` and sign it into a DSSE envelope `[CNF-061]`.
pub fn sign(statement: &Statement, key: &SigningKey) -> Result<Envelope, Error> {
    // A statement of plain strings, numbers and maps serializes; should it not, nothing is
    // signed (an empty payload signed would be a valid signature over nothing).
    let body = serde_json::to_vec(statement).map_err(|e| Error::Sign { detail: e.to_string() })?;
    let sig = key.sign(&pae(PAYLOAD_TYPE, &body));
    Ok(Envelope {
        payload: base64::engine::general_purpose::STANDARD.encode(&body),
        payload_type: PAYLOAD_TYPE.into(),
        signatures: vec![EnvelopeSignature {
            keyid: keyid(&key.verifying_key())?,
            sig: base64::engine::general_purpose::STANDARD.encode(sig.to_bytes()),
        }],
    })
}

/// What to check a statement's digests against (each optional).
#[derive(Debug, Clone, Default)]
pub struct Against {
    /// A suite folder: the vectors and schemas subjects are recomputed from it.
    pub suite: Option<PathBuf>,
    /// The content of the run's `summary.json`.
    pub summary: Option<Vec<u8>>,
    /// The adapter's program: its SHA-256 must be the product subject's.
    pub adapter_binary: Option<PathBuf>,
    /// The exported dataset folder of a dataset run.
    pub dataset: Option<PathBuf>,
    /// Files the adapter command named (a script, a configuration): each must be an
    /// adapter-file subject of the same file name and SHA-256.
    pub adapter_files: Vec<PathBuf>,
}

/// A statement that verified.
#[derive(Debug, Clone)]
pub struct Verified {
    /// The statement.
    pub statement: Statement,
    /// The key id of the key that verified it.
    pub keyid: String,
    /// What was compared, by subject or entry name.
    pub checked: Vec<String>,
    /// What the statement names that was not compared (nothing to compare it with was given),
    /// by subject or entry name and what it is `[CNF-064]`: a verifier says so, so that a reader
    /// does not take a signature over a product for a check of the product.
    pub unchecked: Vec<(String, Unchecked)>,
}

/// What a subject or entry that was not compared is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unchecked {
    /// The suite's vectors or schemas.
    Suite,
    /// The product: its program (adapter run) or its dataset (dataset run).
    Product {
        /// A dataset run's product.
        dataset: bool,
    },
    /// A file of the adapter command (role `adapter-file`).
    AdapterFile,
    /// The node of an api run: the OpenAPI document it served `[CNF-076]`.
    Node,
    /// `summary.json`.
    Summary,
}

/// Decode base64 in the standard or URL-safe alphabet, padded or not (DSSE allows either).
fn decode_base64(text: &str) -> Option<Vec<u8>> {
    use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD, URL_SAFE, URL_SAFE_NO_PAD};
    [STANDARD, STANDARD_NO_PAD, URL_SAFE, URL_SAFE_NO_PAD].iter().find_map(|e| e.decode(text).ok())
}

fn malformed(detail: &str) -> Error {
    Error::StatementMalformed { detail: detail.to_owned() }
}

fn expect_digest(
    statement: &Statement,
    subject: &str,
    algorithm: &str,
    actual: String,
    in_configuration: bool,
) -> Result<(), Error> {
    let list = if in_configuration { &statement.predicate.configuration } else { &statement.subject };
    let entry = list
        .iter()
        .find(|d| d.name == subject)
        .ok_or_else(|| Error::StatementSubjectMissing { subject: subject.to_owned() })?;
    let expected = entry
        .digest
        .get(algorithm)
        .ok_or_else(|| Error::StatementSubjectMissing { subject: format!("{subject} ({algorithm})") })?;
    if !expected.eq_ignore_ascii_case(&actual) {
        return Err(Error::StatementDigestMismatch {
            subject: subject.to_owned(),
            algorithm: algorithm.to_owned(),
            expected: expected.clone(),
            actual,
        });
    }
    Ok(())
}

/// Verify an envelope `[CNF-064]`: the payload type, an Ed25519 signature by `key` over the PAE,
/// the statement and predicate types, and the digests of everything given in `against`. The
/// first failure is returned, in that order.
pub fn verify(envelope: &[u8], key: &VerifyingKey, against: &Against) -> Result<Verified, Error> {
    let env: Envelope =
        serde_json::from_slice(envelope).map_err(|e| malformed(&format!("not a DSSE envelope: {e}")))?;
    if env.payload_type != PAYLOAD_TYPE {
        return Err(Error::StatementPayloadType { found: env.payload_type });
    }
    let body = decode_base64(&env.payload).ok_or_else(|| malformed("payload is not base64"))?;
    let signed = pae(&env.payload_type, &body);
    let ok = env.signatures.iter().any(|s| {
        decode_base64(&s.sig)
            .and_then(|b| ed25519_dalek::Signature::from_slice(&b).ok())
            .is_some_and(|sig| key.verify_strict(&signed, &sig).is_ok())
    });
    let want = keyid(key)?;
    if !ok {
        return Err(Error::StatementSignatureInvalid {
            keyid: want,
            found: env.signatures.iter().map(|s| s.keyid.clone()).collect(),
        });
    }
    let statement: Statement =
        serde_json::from_slice(&body).map_err(|e| malformed(&format!("payload is not a statement: {e}")))?;
    if statement.statement_type != STATEMENT_TYPE {
        return Err(Error::StatementType { member: "_type", found: statement.statement_type });
    }
    if statement.predicate_type != PREDICATE_TYPE {
        return Err(Error::StatementType { member: "predicateType", found: statement.predicate_type });
    }
    let mut checked = Vec::new();
    if let Some(suite) = &against.suite {
        expect_digest(&statement, SUBJECT_VECTORS, FILES_DIGEST, vectors_digest(suite), false)?;
        expect_digest(&statement, SUBJECT_SCHEMAS, FILES_DIGEST, schemas_digest(suite), false)?;
        checked.extend([SUBJECT_VECTORS.to_owned(), SUBJECT_SCHEMAS.to_owned()]);
    }
    if let Some(summary) = &against.summary {
        expect_digest(&statement, SUMMARY_NAME, SHA256, sha256_hex(summary), true)?;
        checked.push(SUMMARY_NAME.to_owned());
    }
    let product = product_name(&statement).unwrap_or("product").to_owned();
    if let Some(bin) = &against.adapter_binary {
        let bytes = crate::read_regular(bin, 4 << 30)
            .map_err(|e| Error::Unreadable { path: bin.display().to_string(), message: e.to_string() })?;
        expect_digest(&statement, &product, SHA256, sha256_hex(&bytes), false)?;
        checked.push(product.clone());
    }
    if let Some(dir) = &against.dataset {
        expect_digest(&statement, &product, FILES_DIGEST, tree_digest(dir), false)?;
        checked.push(product);
    }
    for file in &against.adapter_files {
        let bytes = crate::read_regular(file, 4 << 30)
            .map_err(|e| Error::Unreadable { path: file.display().to_string(), message: e.to_string() })?;
        let actual = sha256_hex(&bytes);
        let same_name: Vec<&ResourceDescriptor> = statement
            .subject
            .iter()
            .filter(|d| d.annotations.get("role").and_then(Value::as_str) == Some(ROLE_ADAPTER_FILE))
            .filter(|d| Path::new(&d.name).file_name() == file.file_name())
            .collect();
        let Some(first) = same_name.first() else {
            return Err(Error::StatementSubjectMissing { subject: file.display().to_string() });
        };
        if !same_name.iter().any(|d| d.digest.get(SHA256).is_some_and(|h| h.eq_ignore_ascii_case(&actual))) {
            return Err(Error::StatementDigestMismatch {
                subject: first.name.clone(),
                algorithm: SHA256.to_owned(),
                // A subject with no sha256 digest: the default, empty, is what the statement holds.
                expected: first.digest.get(SHA256).cloned().unwrap_or_default(),
                actual,
            });
        }
        checked.push(first.name.clone());
    }
    let mut unchecked: Vec<(String, Unchecked)> = Vec::new();
    for d in statement.subject.iter().filter(|d| !checked.contains(&d.name)) {
        let kind = if d.name == SUBJECT_VECTORS || d.name == SUBJECT_SCHEMAS {
            Unchecked::Suite
        } else if d.annotations.get("role").and_then(Value::as_str) == Some(ROLE_ADAPTER_FILE) {
            Unchecked::AdapterFile
        } else if d.annotations.get("kind").and_then(Value::as_str) == Some("api") {
            Unchecked::Node
        } else {
            Unchecked::Product { dataset: d.annotations.get("kind").and_then(Value::as_str) == Some("dataset") }
        };
        unchecked.push((d.name.clone(), kind));
    }
    if !checked.iter().any(|c| c == SUMMARY_NAME)
        && statement.predicate.configuration.iter().any(|d| d.name == SUMMARY_NAME)
    {
        unchecked.push((SUMMARY_NAME.to_owned(), Unchecked::Summary));
    }
    Ok(Verified { statement, keyid: want, checked, unchecked })
}

/// The name of the product subject: the first that is neither the vectors, nor the schemas,
/// nor a file of the adapter command.
pub fn product_name(statement: &Statement) -> Option<&str> {
    statement
        .subject
        .iter()
        .find(|d| {
            d.name != SUBJECT_VECTORS
                && d.name != SUBJECT_SCHEMAS
                && d.annotations.get("role").and_then(Value::as_str) != Some(ROLE_ADAPTER_FILE)
        })
        .map(|d| d.name.as_str())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[test]
    fn pae_is_the_dsse_spec_example() {
        // secure-systems-lab/dsse protocol.md, "Test Vectors".
        assert_eq!(
            pae("http://example.com/HelloWorld", b"hello world"),
            b"DSSEv1 29 http://example.com/HelloWorld 11 hello world".to_vec()
        );
        assert_eq!(pae("", b""), b"DSSEv1 0  0 ".to_vec());
    }

    #[test]
    fn a_program_without_a_slash_is_found_on_path() {
        let sh = resolve_program("sh").unwrap();
        assert!(sh.is_absolute() && sh.ends_with("sh"), "{}", sh.display());
        assert_eq!(resolve_program("linli-no-such-program-here"), None);
        assert_eq!(resolve_program("./linli-no-such-program-here"), None);
        assert_eq!(resolve_program(&sh.display().to_string()), Some(sh));
    }

    #[test]
    fn a_signed_statement_round_trips_and_the_signature_covers_the_pae() {
        let key = SigningKey::from_bytes(&[7; 32]);
        let st = Statement {
            statement_type: STATEMENT_TYPE.into(),
            subject: vec![ResourceDescriptor {
                name: "x".into(),
                digest: digest_set(SHA256, sha256_hex(b"x")),
                ..ResourceDescriptor::default()
            }],
            predicate_type: PREDICATE_TYPE.into(),
            predicate: TestResult {
                result: "PASSED".into(),
                configuration: Vec::new(),
                url: None,
                passed_tests: vec!["A/validate".into()],
                warned_tests: Vec::new(),
                failed_tests: Vec::new(),
            },
        };
        let env = sign(&st, &key).unwrap();
        let bytes = serde_json::to_vec(&env).unwrap();
        let v = verify(&bytes, &key.verifying_key(), &Against::default()).unwrap();
        assert_eq!(v.statement, st);
        assert_eq!(v.keyid, env.signatures[0].keyid);
        // A signature over the bare payload (no PAE) is refused.
        let body = base64::engine::general_purpose::STANDARD.decode(&env.payload).unwrap();
        let mut bare = env.clone();
        bare.signatures[0].sig = base64::engine::general_purpose::STANDARD.encode(key.sign(&body).to_bytes());
        let e = verify(&serde_json::to_vec(&bare).unwrap(), &key.verifying_key(), &Against::default()).unwrap_err();
        assert_eq!(e.code(), "statement-signature-invalid");
        // URL-safe base64 is accepted as DSSE requires.
        let mut url = env.clone();
        url.payload = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(&body);
        assert!(verify(&serde_json::to_vec(&url).unwrap(), &key.verifying_key(), &Against::default()).is_ok());
    }

    #[test]
    fn lengths_are_bytes_not_characters() {
        assert_eq!(pae("t", "邻里".as_bytes()), "DSSEv1 1 t 6 邻里".as_bytes().to_vec());
    }
}
