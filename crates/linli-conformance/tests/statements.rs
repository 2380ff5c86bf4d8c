//! Statement vectors, driven as data: every verifier of signed result statements must reach each
//! vector's verdict (spec 30.7, [CNF-066]). The vectors were signed by OpenSSL, not by this crate
//! (`conformance/tools/statement_vectors.py`).

#![allow(clippy::unwrap_used, clippy::expect_used)]

use ed25519_dalek::VerifyingKey;
use ed25519_dalek::pkcs8::DecodePublicKey;
use linli_conformance::statement::{Against, verify};
use linli_conformance::vector::{StatementCase, Verdict, statement_cases, suite_dir};

fn check(k: &StatementCase, scratch: &std::path::Path) -> Result<(), String> {
    let key = VerifyingKey::from_public_key_pem(&k.public_key).map_err(|e| format!("public key: {e}"))?;
    let mut against = Against::default();
    if let Some(a) = &k.against {
        against.summary = a.summary.as_ref().map(|s| s.as_bytes().to_vec());
        for (name, text) in &a.adapter_files {
            let p = scratch.join(name);
            std::fs::write(&p, text).unwrap();
            against.adapter_files.push(p);
        }
    }
    let envelope = serde_json::to_vec(&k.envelope).unwrap();
    match (verify(&envelope, &key, &against), &k.expected.code, &k.expected.result) {
        (Ok(v), None, Some(result)) if &v.statement.predicate.result == result => Ok(()),
        (Ok(v), code, result) => {
            Err(format!("verified with result {}, expected {code:?} {result:?}", v.statement.predicate.result))
        }
        (Err(e), Some(code), None) if e.code() == code => Ok(()),
        (Err(e), code, _) => Err(format!("refused with {} ({e}), expected {code:?}", e.code())),
    }
}

#[test]
fn every_statement_vector_gets_its_verdict() {
    let cases: Vec<StatementCase> = statement_cases(&suite_dir()).unwrap().into_iter().map(|(_, k)| k).collect();
    assert!(cases.len() >= 10);
    assert!(cases.iter().any(|k| k.verdict == Verdict::Valid) && cases.iter().any(|k| k.verdict == Verdict::Invalid));
    let scratch = std::env::temp_dir().join(format!("linli-statement-vectors-{}", std::process::id()));
    let mut problems = Vec::new();
    for k in &cases {
        let _ = std::fs::remove_dir_all(&scratch);
        std::fs::create_dir_all(&scratch).unwrap();
        assert_eq!(k.verdict == Verdict::Valid, k.expected.code.is_none(), "{}: a valid vector has no code", k.id);
        if let Err(p) = check(k, &scratch) {
            problems.push(format!("{}: {p}", k.id));
        }
    }
    let _ = std::fs::remove_dir_all(&scratch);
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
