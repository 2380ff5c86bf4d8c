//! The signed result statement (spec §30.7, [CNF-060]–[CNF-065]): a statement from
//! `linli conformance run --sign-key` verifies with `linli conformance verify`, and every kind of
//! tampering is refused with its own stable code.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU32, Ordering};

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use serde_json::Value;

// linli-cli's own test helpers (running `linli` in-process), one file for both crates: the
// reference adapter may use linli-cli, never the other way round.
#[path = "../../../crates/linli-cli/tests/support/mod.rs"]
mod support;
use support::{root, run};

/// A fresh folder under the target directory.
fn scratch(name: &str) -> PathBuf {
    static N: AtomicU32 = AtomicU32::new(0);
    let d = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!(
        "statement-{}-{}-{name}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    ));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn s(p: &Path) -> String {
    p.display().to_string()
}

/// The reference adapter's program (the adapter the statements are about).
fn adapter_bin() -> String {
    env!("CARGO_BIN_EXE_linli-reference-adapter").to_owned()
}

/// One signed run of the reference adapter (classes core and people, to keep it short), shared by
/// the tests: (folder with keys/ and out/, the reports folder).
struct Signed {
    dir: PathBuf,
    out: PathBuf,
}

impl Signed {
    fn public(&self) -> String {
        s(&self.dir.join("keys/signing-key.pub.pem"))
    }
    fn statement(&self) -> PathBuf {
        self.out.join("statement.intoto.json")
    }
    fn envelope(&self) -> Value {
        serde_json::from_str(&std::fs::read_to_string(self.statement()).unwrap()).unwrap()
    }
}

fn signed() -> &'static Signed {
    static RUN: OnceLock<Signed> = OnceLock::new();
    RUN.get_or_init(|| {
        let dir = scratch("run");
        let (code, text) = run(&["--lang", "en", "conformance", "keygen", "--out", &s(&dir.join("keys"))]);
        assert_eq!(code, ExitCode::SUCCESS, "{text}");
        let out = dir.join("out");
        let adapter = format!("{} --classes core,people", adapter_bin());
        let key = s(&dir.join("keys/signing-key.pem"));
        let (code, text) =
            run(&["--lang", "en", "conformance", "run", "--adapter", &adapter, "--out", &s(&out), "--sign-key", &key]);
        assert_eq!(code, ExitCode::SUCCESS, "{text}");
        Signed { dir, out }
    })
}

/// `verify` of `statement` with the run's public key and the extra arguments.
fn verify(statement: &Path, public: &str, extra: &[&str]) -> (ExitCode, String) {
    let st = s(statement);
    let mut args = vec!["--lang", "en", "conformance", "verify", &st, "--public-key", public];
    args.extend_from_slice(extra);
    run(&args)
}

fn payload(envelope: &Value) -> Value {
    let body = STANDARD.decode(envelope["payload"].as_str().unwrap()).unwrap();
    serde_json::from_slice(&body).unwrap()
}

/// Write `envelope` as a new statement file in a fresh folder.
fn write_envelope(envelope: &Value, name: &str) -> PathBuf {
    let p = scratch(name).join("statement.intoto.json");
    std::fs::write(&p, serde_json::to_string_pretty(envelope).unwrap()).unwrap();
    p
}

fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let target = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_tree(&e.path(), &target);
        } else {
            std::fs::copy(e.path(), &target).unwrap();
        }
    }
}

/// A copy of the suite's vector files and the schemas beside it, as `verify --suite` reads them.
fn copied_suite(name: &str) -> PathBuf {
    let d = scratch(name);
    for sub in ["conformance/vectors", "conformance/adapters", "schemas"] {
        copy_tree(&root().join(sub), &d.join(sub));
    }
    d.join("conformance")
}

fn sha256_of(path: &Path) -> String {
    linli_conformance::statement::sha256_hex(&std::fs::read(path).unwrap())
}

#[test]
fn a_signed_statement_from_a_run_verifies() {
    let r = signed();
    let summary = s(&r.out.join("summary.json"));
    let (code, text) =
        verify(&r.statement(), &r.public(), &["--summary", &summary, "--adapter-binary", &adapter_bin()]);
    assert_eq!(code, ExitCode::SUCCESS, "{text}");
    assert!(text.starts_with("valid: signed by key "), "{text}");
    assert!(text.contains("result: PASSED"), "{text}");
    assert!(
        text.contains(
            "digests checked: linli-conformance-vectors, linli-schemas, summary.json, Linli/reference adapter@"
        ),
        "{text}"
    );

    // The envelope and statement are the standard shapes, with the subjects of [CNF-062].
    let env = r.envelope();
    assert_eq!(env["payloadType"], "application/vnd.in-toto+json");
    assert_eq!(env["signatures"].as_array().unwrap().len(), 1);
    let st = payload(&env);
    assert_eq!(st["_type"], "https://in-toto.io/Statement/v1");
    assert_eq!(st["predicateType"], "https://in-toto.io/attestation/test-result/v0.1");
    let names: Vec<&str> = st["subject"].as_array().unwrap().iter().map(|d| d["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["linli-conformance-vectors", "linli-schemas", "Linli/reference adapter@0.1.0"]);
    let summary_json: Value = serde_json::from_str(&std::fs::read_to_string(&summary).unwrap()).unwrap();
    assert_eq!(st["subject"][0]["digest"]["linliFiles2"], summary_json["vectors_sha256"]);
    assert_eq!(st["subject"][1]["digest"]["linliFiles2"], summary_json["schemas_sha256"]);
    assert_eq!(st["subject"][2]["digest"]["sha256"].as_str().unwrap(), sha256_of(Path::new(&adapter_bin())));
    let p = &st["predicate"];
    assert_eq!(p["result"], "PASSED");
    assert_eq!(p["configuration"][0]["name"], "summary.json");
    assert_eq!(p["configuration"][0]["digest"]["sha256"].as_str().unwrap(), sha256_of(Path::new(&summary)));
    assert_eq!(p["configuration"][0]["annotations"]["startedAt"], summary_json["started_at"]);
    assert!(p["configuration"][0]["annotations"]["finishedAt"].as_str().unwrap().ends_with('Z'));
    assert_eq!(p["failedTests"].as_array().unwrap().len(), 0);
    let passed: Vec<&str> = p["passedTests"].as_array().unwrap().iter().map(|t| t.as_str().unwrap()).collect();
    let mut ran: Vec<&str> = summary_json["cases"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["outcome"] == "pass")
        .map(|c| c["id"].as_str().unwrap())
        .collect();
    ran.sort_unstable();
    assert_eq!(passed, ran);
    assert!(passed.iter().any(|t| t.ends_with("/roundtrip")), "{passed:?}");
    // Outcome IDs of classes not claimed are in neither list.
    assert!(!passed.iter().any(|t| t.starts_with("AD-")), "{passed:?}");

    // A copy of the suite somewhere else has the same digests.
    let copy = copied_suite("same-suite");
    let (code, text) = verify(&r.statement(), &r.public(), &["--suite", &s(&copy)]);
    assert_eq!(code, ExitCode::SUCCESS, "{text}");
}

#[test]
fn the_key_id_is_the_sha256_of_the_public_key_der() {
    let r = signed();
    let pem = std::fs::read_to_string(r.public()).unwrap();
    let b64: String = pem.lines().filter(|l| !l.starts_with("-----")).collect();
    let der = STANDARD.decode(b64).unwrap();
    assert_eq!(der.len(), 44, "Ed25519 SPKI is 44 bytes");
    let env = r.envelope();
    assert_eq!(env["signatures"][0]["keyid"].as_str().unwrap(), linli_conformance::statement::sha256_hex(&der));
}

#[test]
fn a_tampered_payload_fails() {
    let r = signed();
    let mut env = r.envelope();
    let mut st = payload(&env);
    // Hide one passed test among the failures: the signature no longer covers the payload.
    let first = st["predicate"]["passedTests"].as_array_mut().unwrap().remove(0);
    st["predicate"]["failedTests"].as_array_mut().unwrap().push(first);
    env["payload"] = Value::from(STANDARD.encode(serde_json::to_vec(&st).unwrap()));
    let (code, text) = verify(&write_envelope(&env, "payload"), &r.public(), &[]);
    assert_eq!(code, ExitCode::from(1), "{text}");
    assert!(text.starts_with("invalid: error[statement-signature-invalid]"), "{text}");
}

#[test]
fn a_tampered_signature_fails() {
    let r = signed();
    let mut env = r.envelope();
    let mut sig = STANDARD.decode(env["signatures"][0]["sig"].as_str().unwrap()).unwrap();
    sig[10] ^= 0x01;
    env["signatures"][0]["sig"] = Value::from(STANDARD.encode(&sig));
    let (code, text) = verify(&write_envelope(&env, "sig"), &r.public(), &[]);
    assert_eq!(code, ExitCode::from(1), "{text}");
    assert!(text.contains("error[statement-signature-invalid]"), "{text}");
    // A signature that is not even 64 bytes is refused the same way.
    env["signatures"][0]["sig"] = Value::from("AAAA");
    let (code, text) = verify(&write_envelope(&env, "sig-short"), &r.public(), &[]);
    assert_eq!(code, ExitCode::from(1), "{text}");
    assert!(text.contains("error[statement-signature-invalid]"), "{text}");
}

#[test]
fn another_key_fails() {
    let r = signed();
    let other = scratch("other-key");
    let (code, text) = run(&["conformance", "keygen", "--out", &s(&other)]);
    assert_eq!(code, ExitCode::SUCCESS, "{text}");
    let (code, text) = verify(&r.statement(), &s(&other.join("signing-key.pub.pem")), &[]);
    assert_eq!(code, ExitCode::from(1), "{text}");
    assert!(text.contains("error[statement-signature-invalid]"), "{text}");
    // The message names both key ids, so that the office sees which key signed.
    // (As every output prints it: a run of digits in the hex that reads as a phone or ID number is
    // masked [CON-072], so the key id is looked for as it is printed.)
    let signer = r.envelope()["signatures"][0]["keyid"].as_str().unwrap().to_owned();
    let printed = linli_model::redact::for_output(&signer).into_owned();
    assert!(text.contains(&printed), "{text}");
}

#[test]
fn a_changed_vector_file_fails() {
    let r = signed();
    let copy = copied_suite("changed-vector");
    let people = copy.join("vectors/people");
    let file = std::fs::read_dir(&people).unwrap().next().unwrap().unwrap().path();
    let mut text = std::fs::read_to_string(&file).unwrap();
    text.push(' ');
    std::fs::write(&file, text).unwrap();
    let (code, text) = verify(&r.statement(), &r.public(), &["--suite", &s(&copy)]);
    assert_eq!(code, ExitCode::from(1), "{text}");
    assert!(text.contains("error[statement-digest-mismatch]: linli-conformance-vectors:"), "{text}");
}

#[test]
fn a_changed_schema_fails() {
    let r = signed();
    let copy = copied_suite("changed-schema");
    let schemas = copy.join("../schemas");
    let file = std::fs::read_dir(&schemas)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.extension().is_some_and(|x| x == "json"))
        .unwrap();
    std::fs::remove_file(file).unwrap();
    let (code, text) = verify(&r.statement(), &r.public(), &["--suite", &s(&copy)]);
    assert_eq!(code, ExitCode::from(1), "{text}");
    assert!(text.contains("error[statement-digest-mismatch]: linli-schemas:"), "{text}");
}

#[test]
fn a_changed_summary_fails() {
    let r = signed();
    let d = scratch("summary");
    let changed = d.join("summary.json");
    let text = std::fs::read_to_string(r.out.join("summary.json")).unwrap();
    std::fs::write(&changed, text.replacen("\"seed\": 1", "\"seed\": 2", 1)).unwrap();
    assert_ne!(sha256_of(&changed), sha256_of(&r.out.join("summary.json")));
    let (code, text) = verify(&r.statement(), &r.public(), &["--summary", &s(&changed)]);
    assert_eq!(code, ExitCode::from(1), "{text}");
    assert!(text.contains("error[statement-digest-mismatch]: summary.json:"), "{text}");
}

#[test]
fn another_adapter_program_fails() {
    let r = signed();
    let other = root().join("Cargo.toml");
    let (code, text) = verify(&r.statement(), &r.public(), &["--adapter-binary", &s(&other)]);
    assert_eq!(code, ExitCode::from(1), "{text}");
    assert!(text.contains("error[statement-digest-mismatch]: Linli/reference adapter@0.1.0:"), "{text}");
}

#[test]
fn a_statement_of_another_type_fails_even_when_signed() {
    let r = signed();
    let key = linli_conformance::statement::read_signing_key(&r.dir.join("keys/signing-key.pem")).unwrap();
    let mut st: linli_conformance::statement::Statement = serde_json::from_value(payload(&r.envelope())).unwrap();
    st.predicate_type = "https://slsa.dev/provenance/v1".into();
    let env = serde_json::to_value(linli_conformance::statement::sign(&st, &key).unwrap()).unwrap();
    let (code, text) = verify(&write_envelope(&env, "type"), &r.public(), &[]);
    assert_eq!(code, ExitCode::from(1), "{text}");
    assert!(text.contains("error[statement-type-invalid]"), "{text}");
    // And the payload type is checked before anything else.
    let mut env = r.envelope();
    env["payloadType"] = Value::from("application/json");
    let (code, text) = verify(&write_envelope(&env, "payload-type"), &r.public(), &[]);
    assert_eq!(code, ExitCode::from(1), "{text}");
    assert!(text.contains("error[statement-payload-type]"), "{text}");
}

#[test]
fn unreadable_inputs_exit_2_and_garbage_is_invalid() {
    let r = signed();
    let d = scratch("garbage");
    let (code, text) = verify(&d.join("missing.json"), &r.public(), &[]);
    assert_eq!(code, ExitCode::from(2), "{text}");
    let not_a_key = s(&root().join("Cargo.toml"));
    let (code, text) = verify(&r.statement(), &not_a_key, &[]);
    assert_eq!(code, ExitCode::from(2), "{text}");
    assert!(text.contains("error[key-invalid]"), "{text}");
    let garbage = d.join("statement.intoto.json");
    std::fs::write(&garbage, "{\"payload\": 1}").unwrap();
    let (code, text) = verify(&garbage, &r.public(), &[]);
    assert_eq!(code, ExitCode::from(1), "{text}");
    assert!(text.contains("error[statement-malformed]"), "{text}");
    // Chinese reason, same code.
    let st = s(&garbage);
    let (code, text) = run(&["--lang", "zh", "conformance", "verify", &st, "--public-key", &r.public()]);
    assert_eq!(code, ExitCode::from(1), "{text}");
    assert!(text.starts_with("无效：error[statement-malformed]: 结果声明无法读取"), "{text}");
}

#[test]
fn a_bad_sign_key_stops_before_the_run() {
    let d = scratch("bad-key");
    let out = d.join("out");
    let (code, text) = run(&[
        "conformance",
        "run",
        "--dataset",
        &s(&root().join("examples/datasets/gusu-huqiu")),
        "--out",
        &s(&out),
        "--sign-key",
        &s(&root().join("Cargo.toml")),
    ]);
    assert_eq!(code, ExitCode::from(2), "{text}");
    assert!(text.contains("error[key-invalid]"), "{text}");
    assert!(!out.join("summary.json").exists());
}

#[test]
fn a_dataset_run_binds_the_dataset_files() {
    let r = signed();
    let d = scratch("dataset");
    let data = d.join("data");
    copy_tree(&root().join("examples/datasets/gusu-huqiu"), &data);
    let out = d.join("out");
    let key = s(&r.dir.join("keys/signing-key.pem"));
    let (code, text) =
        run(&["--lang", "en", "conformance", "run", "--dataset", &s(&data), "--out", &s(&out), "--sign-key", &key]);
    assert_eq!(code, ExitCode::SUCCESS, "{text}");
    let statement = out.join("statement.intoto.json");
    let (code, text) = verify(&statement, &r.public(), &["--dataset", &s(&data)]);
    assert_eq!(code, ExitCode::SUCCESS, "{text}");
    let st = payload(&serde_json::from_str(&std::fs::read_to_string(&statement).unwrap()).unwrap());
    assert_eq!(st["subject"][2]["annotations"]["kind"], "dataset");
    // One changed byte in one file of the dataset.
    let file = std::fs::read_dir(&data)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.extension().is_some_and(|x| x == "ndjson"))
        .unwrap();
    let mut bytes = std::fs::read(&file).unwrap();
    bytes.push(b'\n');
    std::fs::write(&file, bytes).unwrap();
    let (code, text) = verify(&statement, &r.public(), &["--dataset", &s(&data)]);
    assert_eq!(code, ExitCode::from(1), "{text}");
    assert!(text.contains("error[statement-digest-mismatch]"), "{text}");
}

#[test]
fn keygen_writes_an_owner_only_private_key_and_never_prints_it() {
    let d = scratch("keygen");
    let (code, text) = run(&["--lang", "en", "conformance", "keygen", "--out", &s(&d)]);
    assert_eq!(code, ExitCode::SUCCESS, "{text}");
    let private = std::fs::read_to_string(d.join("signing-key.pem")).unwrap();
    assert!(private.starts_with("-----BEGIN PRIVATE KEY-----\n"), "PKCS#8 PEM");
    let body: String = private.lines().filter(|l| !l.starts_with("-----")).collect();
    assert!(!text.contains(&body) && !text.contains("PRIVATE KEY"), "{text}");
    assert!(std::fs::read_to_string(d.join("signing-key.pub.pem")).unwrap().starts_with("-----BEGIN PUBLIC KEY-----"));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(d.join("signing-key.pem")).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    // Never overwrites a key.
    let (code, text) = run(&["conformance", "keygen", "--out", &s(&d)]);
    assert_eq!(code, ExitCode::from(2), "{text}");
    assert_eq!(std::fs::read_to_string(d.join("signing-key.pem")).unwrap(), private);
}

/// The format is standard: a key from `openssl genpkey` signs, and `openssl pkeyutl` verifies
/// the signature over the PAE built by hand (README, "For admission offices").
#[test]
fn openssl_keys_sign_and_openssl_verifies() {
    use std::process::Command;
    // Not skipped when openssl is missing: the test fails and says what it needs.
    let version = Command::new("openssl").arg("version").output();
    assert!(version.is_ok_and(|v| v.status.success()), "this test needs the openssl command (apt-get install openssl)");
    let d = scratch("openssl");
    let key = d.join("vendor.pem");
    let public = d.join("vendor.pub.pem");
    let ok = |c: &mut Command| assert!(c.status().unwrap().success(), "{c:?}");
    ok(Command::new("openssl").args(["genpkey", "-algorithm", "ed25519", "-out"]).arg(&key));
    ok(Command::new("openssl").args(["pkey", "-pubout", "-in"]).arg(&key).arg("-out").arg(&public));
    let out = d.join("out");
    let (code, text) = run(&[
        "conformance",
        "run",
        "--dataset",
        &s(&root().join("examples/datasets/gusu-huqiu")),
        "--out",
        &s(&out),
        "--sign-key",
        &s(&key),
    ]);
    assert_eq!(code, ExitCode::SUCCESS, "{text}");
    let statement = out.join("statement.intoto.json");
    let (code, text) = verify(&statement, &s(&public), &[]);
    assert_eq!(code, ExitCode::SUCCESS, "{text}");
    let env: Value = serde_json::from_str(&std::fs::read_to_string(&statement).unwrap()).unwrap();
    let body = STANDARD.decode(env["payload"].as_str().unwrap()).unwrap();
    let ty = env["payloadType"].as_str().unwrap();
    let mut pae = format!("DSSEv1 {} {ty} {} ", ty.len(), body.len()).into_bytes();
    pae.extend_from_slice(&body);
    std::fs::write(d.join("pae.bin"), &pae).unwrap();
    std::fs::write(d.join("sig.bin"), STANDARD.decode(env["signatures"][0]["sig"].as_str().unwrap()).unwrap()).unwrap();
    let verified = Command::new("openssl")
        .args(["pkeyutl", "-verify", "-pubin", "-rawin", "-inkey"])
        .arg(&public)
        .arg("-in")
        .arg(d.join("pae.bin"))
        .arg("-sigfile")
        .arg(d.join("sig.bin"))
        .output()
        .unwrap();
    assert!(verified.status.success(), "{}", String::from_utf8_lossy(&verified.stdout));
    // And the key id is what `openssl pkey -outform DER | sha256sum` gives.
    let der = Command::new("openssl").args(["pkey", "-pubin", "-outform", "DER", "-in"]).arg(&public).output().unwrap();
    assert_eq!(env["signatures"][0]["keyid"].as_str().unwrap(), linli_conformance::statement::sha256_hex(&der.stdout));
    // A flipped byte of the PAE fails with openssl too (the check can fail).
    pae[7] ^= 1;
    std::fs::write(d.join("pae.bin"), &pae).unwrap();
    let refused = Command::new("openssl")
        .args(["pkeyutl", "-verify", "-pubin", "-rawin", "-inkey"])
        .arg(&public)
        .arg("-in")
        .arg(d.join("pae.bin"))
        .arg("-sigfile")
        .arg(d.join("sig.bin"))
        .output()
        .unwrap();
    assert!(!refused.status.success());
}

/// An adapter run by an interpreter (`sh adapter.sh`): the program is found on `PATH`, and the
/// script the command names is bound too, so that a changed script is caught.
#[test]
fn an_interpreted_adapter_binds_its_script() {
    let r = signed();
    let d = scratch("script");
    let script = d.join("adapter.sh");
    std::fs::write(&script, format!("exec {} --classes core\n", adapter_bin())).unwrap();
    let out = d.join("out");
    let adapter = format!("sh {}", s(&script));
    let key = s(&r.dir.join("keys/signing-key.pem"));
    let (code, text) =
        run(&["--lang", "en", "conformance", "run", "--adapter", &adapter, "--out", &s(&out), "--sign-key", &key]);
    assert_eq!(code, ExitCode::SUCCESS, "{text}");
    assert!(text.contains("signed statement: "), "{text}");
    let statement = out.join("statement.intoto.json");
    let st = payload(&serde_json::from_str(&std::fs::read_to_string(&statement).unwrap()).unwrap());
    let sh =
        std::env::split_paths(&std::env::var_os("PATH").unwrap()).map(|p| p.join("sh")).find(|p| p.is_file()).unwrap();
    assert_eq!(st["subject"][2]["digest"]["sha256"].as_str().unwrap(), sha256_of(&sh));
    assert_eq!(st["subject"][3]["name"].as_str().unwrap(), s(&script));
    assert_eq!(st["subject"][3]["annotations"]["role"], "adapter-file");
    let (code, text) = verify(&statement, &r.public(), &["--adapter-binary", &s(&sh), "--adapter-file", &s(&script)]);
    assert_eq!(code, ExitCode::SUCCESS, "{text}");
    assert!(text.contains(&format!("Linli/reference adapter@0.1.0, {}", s(&script))), "{text}");
    // The same script elsewhere is found by its file name; a changed one is not accepted.
    let moved = scratch("script-moved").join("adapter.sh");
    std::fs::write(&moved, format!("exec {}\n", adapter_bin())).unwrap();
    let (code, text) = verify(&statement, &r.public(), &["--adapter-file", &s(&moved)]);
    assert_eq!(code, ExitCode::from(1), "{text}");
    assert!(text.contains("error[statement-digest-mismatch]"), "{text}");
    let (code, text) =
        verify(&statement, &r.public(), &["--adapter-file", &root().join("Cargo.toml").display().to_string()]);
    assert_eq!(code, ExitCode::from(1), "{text}");
    assert!(text.contains("error[statement-subject-missing]"), "{text}");
}

/// A failing run and a refused run are signed too: the statement says FAILED and lists the
/// failed outcomes, and it verifies (valid means authentic and unchanged, not passed).
#[test]
fn failed_and_refused_runs_are_signed_as_failed() {
    let r = signed();
    let key = s(&r.dir.join("keys/signing-key.pem"));
    for (fault, exit) in [("drop-field", 1u8), ("latest", 2)] {
        let out = scratch(fault).join("out");
        let adapter = format!("{} --classes core --fault {fault}", adapter_bin());
        let (code, text) =
            run(&["--lang", "en", "conformance", "run", "--adapter", &adapter, "--out", &s(&out), "--sign-key", &key]);
        assert_eq!(code, ExitCode::from(exit), "{fault}: {text}");
        let statement = out.join("statement.intoto.json");
        let st = payload(&serde_json::from_str(&std::fs::read_to_string(&statement).unwrap()).unwrap());
        assert_eq!(st["predicate"]["result"], "FAILED", "{fault}");
        assert_eq!(st["predicate"]["configuration"][0]["annotations"]["exitCode"], exit, "{fault}");
        let summary: Value = serde_json::from_str(&std::fs::read_to_string(out.join("summary.json")).unwrap()).unwrap();
        let mut bad: Vec<String> = summary["cases"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|c| ["fail", "error", "skip"].contains(&c["outcome"].as_str().unwrap()))
            .map(|c| c["id"].as_str().unwrap().to_owned())
            .collect();
        bad.sort();
        let failed: Vec<String> =
            st["predicate"]["failedTests"].as_array().unwrap().iter().map(|t| t.as_str().unwrap().to_owned()).collect();
        assert_eq!(failed, bad, "{fault}");
        if fault == "drop-field" {
            assert!(!failed.is_empty());
        }
        let summary_path = s(&out.join("summary.json"));
        let (code, text) = verify(&statement, &r.public(), &["--summary", &summary_path]);
        assert_eq!(code, ExitCode::SUCCESS, "{fault}: {text}");
        assert!(text.contains("result: FAILED"), "{text}");
        // An office that admits on the exit code asks for a pass.
        let (code, text) = verify(&statement, &r.public(), &["--summary", &summary_path, "--require-pass"]);
        assert_eq!(code, ExitCode::from(1), "{fault}: {text}");
        assert!(text.contains("error[statement-result-failed]"), "{text}");
    }
    // A passed run passes --require-pass.
    let (code, text) = verify(&r.statement(), &r.public(), &["--require-pass"]);
    assert_eq!(code, ExitCode::SUCCESS, "{text}");
}
