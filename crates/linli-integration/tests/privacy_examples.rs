//! The built-in profiles on the example dataset, keys and tokens, and the leak checks as the
//! validator reports them.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use linli_model::RecordType;
use linli_model::codes::CodeTable;
use linli_privacy::leak::CODES;
use linli_privacy::{Error, Key, Options, Profile, mask_path};
use serde_json::Value;

fn example() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../examples/datasets/gusu-huqiu")
}

fn tmp(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("linli-privacy-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

fn key(bytes: &[u8]) -> Key {
    Key::new(bytes, "test").unwrap()
}

fn tool() -> linli_model::text::Text {
    linli_model::text::Text::new("linli-privacy tests").unwrap()
}

fn mask(profile: &str, k: Option<&Key>, out: &Path) -> Result<linli_privacy::Summary, Error> {
    let profile = Profile::built_in(profile).unwrap();
    let opts = Options { profile: &profile, key: k, created_at: None, tool: tool(), threads: 0 };
    mask_path(&example(), out, &opts)
}

fn validate(dir: &Path) -> linli_validate::Report {
    let validator = linli_validate::Validator::new().unwrap();
    let opts = linli_validate::Options { max_findings: 100_000, max_per_rule: 0, ..Default::default() };
    linli_validate::validate_paths(&[dir.to_path_buf()], &validator, &opts).unwrap()
}

fn lines(dir: &Path) -> Vec<Value> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.extension().is_some_and(|x| x == "ndjson") {
            for l in std::fs::read_to_string(&p).unwrap().lines().filter(|l| !l.trim().is_empty()) {
                out.push(serde_json::from_str(l).unwrap());
            }
        }
    }
    out
}

/// Every string at or under a marked member (and in `extensions`), and every string elsewhere.
fn strings(records: &[Value]) -> (BTreeSet<String>, String) {
    fn walk(v: &Value, ptr: &str, ty: RecordType, marked: bool, sens: &mut BTreeSet<String>, other: &mut String) {
        let here = marked
            || linli_model::sensitivity::classify(ty, ptr).is_some()
            || ptr == "/extensions"
            || ptr.starts_with("/extensions/");
        match v {
            // The residence kind (and the type of the reference) is kept by the community
            // generalisation on purpose [SHR-013].
            Value::String(_)
                if ptr.starts_with("/residences/") && (ptr.ends_with("/kind") || ptr.ends_with("/type")) => {}
            Value::String(s) => {
                if here {
                    sens.insert(s.clone());
                } else {
                    other.push_str(s);
                    other.push('\n');
                }
            }
            Value::Array(a) => {
                for (i, x) in a.iter().enumerate() {
                    walk(x, &format!("{ptr}/{i}"), ty, here, sens, other);
                }
            }
            Value::Object(m) => {
                for (k, x) in m {
                    if ptr.starts_with("/extensions") {
                        // Member names of extensions are vendor data too.
                        sens.insert(k.clone());
                    }
                    walk(x, &format!("{ptr}/{k}"), ty, here, sens, other);
                }
            }
            Value::Number(n) if !here => {
                other.push_str(&n.to_string());
                other.push('\n');
            }
            _ => {}
        }
    }
    let (mut sens, mut other) = (BTreeSet::new(), String::new());
    for r in records {
        let ty = r["type"].as_str().and_then(RecordType::from_code).unwrap();
        walk(r, "", ty, false, &mut sens, &mut other);
    }
    (sens, other)
}

/// Every data file of the output (the manifest holds fresh digests and times, not data).
fn output_bytes(dir: &Path) -> String {
    let mut all = String::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.file_name().is_some_and(|n| n != "manifest.json") {
            all.push_str(&std::fs::read_to_string(p).unwrap());
        }
    }
    all
}

fn leak_codes(report: &linli_validate::Report) -> Vec<String> {
    report.findings.iter().filter(|f| CODES.iter().any(|c| c.as_str() == f.code)).map(|f| format!("{f:?}")).collect()
}

#[test]
fn every_built_in_profile_gives_a_valid_dataset_without_leaks() {
    let k = key(b"an example key of 32 bytes......");
    for name in ["internal", "inter-department", "public"] {
        let out = tmp(name);
        let s = mask(name, Some(&k), &out).unwrap();
        assert_eq!(s.counts.records, 120, "{name}");
        let report = validate(&out);
        assert_eq!(report.errors, 0, "{name}: {:#?}", report.findings);
        assert!(leak_codes(&report).is_empty(), "{name}: {:?}", leak_codes(&report));
        assert_eq!(report.records, 120);
        let manifest: Value =
            serde_json::from_str(&std::fs::read_to_string(out.join("manifest.json")).unwrap()).unwrap();
        assert_eq!(manifest["sharingLevel"], name);
        assert_eq!(manifest["protection"]["profile"], name);
        let with_key = name == "inter-department";
        assert_eq!(manifest["protection"]["keyId"].as_str(), with_key.then_some(k.id()), "{name}");
        // The key itself is nowhere in the output.
        assert!(!output_bytes(&out).contains("an example key"), "{name}");
        let _ = std::fs::remove_dir_all(&out);
    }
}

#[test]
fn public_output_holds_no_original_personal_value() {
    let input = lines(&example());
    let (sensitive, elsewhere) = strings(&input);
    // A value also found outside the marked members (a code like `01` in a time, a place id that a
    // residence refers to) is not a leak of that member.
    let watched: Vec<&String> =
        sensitive.iter().filter(|s| s.chars().count() >= 2 && !elsewhere.contains(s.as_str())).collect();
    assert!(watched.len() > 100, "{}", watched.len());
    let out = tmp("public-scan");
    mask("public", None, &out).unwrap();
    let bytes = output_bytes(&out);
    let survived: Vec<&&String> = watched.iter().filter(|s| bytes.contains(s.as_str())).collect();
    assert!(survived.is_empty(), "{survived:?}");
    let _ = std::fs::remove_dir_all(&out);
}

#[test]
fn inter_department_output_holds_no_identity_number_and_no_full_phone() {
    let input = lines(&example());
    let mut watched = Vec::new();
    for r in &input {
        for i in r["identifiers"].as_array().into_iter().flatten() {
            watched.push(i["value"].as_str().unwrap().to_owned());
        }
        for p in r["phones"].as_array().into_iter().flatten() {
            watched.push(p.as_str().unwrap().to_owned());
        }
        for c in r["contacts"].as_array().into_iter().flatten() {
            if let Some(p) = c["phone"].as_str() {
                watched.push(p.to_owned());
            }
        }
    }
    assert!(watched.len() > 30, "{}", watched.len());
    let out = tmp("inter-scan");
    mask("inter-department", Some(&key(b"0123456789abcdef")), &out).unwrap();
    let bytes = output_bytes(&out);
    for w in &watched {
        assert!(!bytes.contains(w.as_str()), "{w} survived");
    }
    let _ = std::fs::remove_dir_all(&out);
}

fn tokens(dir: &Path) -> Vec<String> {
    lines(dir)
        .iter()
        .flat_map(|r| r["identifiers"].as_array().cloned().unwrap_or_default())
        .map(|i| {
            assert_eq!(i["scheme"], "pseudonym");
            i["value"].as_str().unwrap().to_owned()
        })
        .collect()
}

#[test]
fn same_key_same_tokens_different_key_different_tokens() {
    let (a, b, c) = (tmp("key-a"), tmp("key-b"), tmp("key-c"));
    mask("inter-department", Some(&key(b"first key, 16+ bytes")), &a).unwrap();
    mask("inter-department", Some(&key(b"first key, 16+ bytes")), &b).unwrap();
    mask("inter-department", Some(&key(b"second key, 16+ bytes")), &c).unwrap();
    let (ta, tb, tc) = (tokens(&a), tokens(&b), tokens(&c));
    assert!(ta.len() > 20);
    assert_eq!(ta, tb);
    assert_eq!(ta.len(), tc.len());
    assert!(ta.iter().zip(&tc).all(|(x, y)| x != y));
    // Every data file is byte for byte the same with the same key.
    for f in ["person.ndjson", "case.ndjson", "event.ndjson"] {
        assert_eq!(std::fs::read(a.join(f)).unwrap(), std::fs::read(b.join(f)).unwrap(), "{f}");
    }
    for d in [a, b, c] {
        let _ = std::fs::remove_dir_all(d);
    }
}

#[test]
fn missing_key_is_a_clear_error_and_nothing_is_written() {
    let out = tmp("no-key");
    let e = mask("inter-department", None, &out).unwrap_err();
    assert_eq!(e.code(), "key-missing");
    assert!(e.message(false).contains("LINLI_MASK_KEY"), "{e}");
    assert!(e.message(true).contains("密钥"), "{}", e.message(true));
    assert!(!out.exists());
    // A key that is too short is refused.
    assert_eq!(Key::new(b"short", "x").unwrap_err().code(), "key-too-short");
}

/// A copy of the example dataset with one line changed and the manifest rebuilt.
fn variant(name: &str, file: &str, edit: &dyn Fn(&mut Value), level: &str) -> PathBuf {
    let dir = tmp(name);
    std::fs::create_dir_all(&dir).unwrap();
    for e in std::fs::read_dir(example()).unwrap() {
        let p = e.unwrap().path();
        let n = p.file_name().unwrap().to_str().unwrap().to_owned();
        if n == "manifest.json" {
            continue;
        }
        let text = std::fs::read_to_string(&p).unwrap();
        let text = if n == file {
            let mut ls: Vec<String> = text.lines().map(str::to_owned).collect();
            let mut v: Value = serde_json::from_str(&ls[0]).unwrap();
            edit(&mut v);
            ls[0] = serde_json::to_string(&v).unwrap();
            ls.join("\n") + "\n"
        } else {
            text
        };
        std::fs::write(dir.join(&n), text).unwrap();
    }
    let mut m: Value =
        serde_json::from_str(&std::fs::read_to_string(example().join("manifest.json")).unwrap()).unwrap();
    let built = linli_validate::dataset::build_manifest(
        &dir,
        serde_json::from_value(m["producer"].clone()).unwrap(),
        linli_model::codes::SharingLevel::from_code(level).unwrap(),
        serde_json::from_value(m["createdAt"].clone()).unwrap(),
    )
    .unwrap();
    let ext = m["externalRefs"].take();
    let mut built = serde_json::to_value(built).unwrap();
    if !ext.is_null() {
        built["externalRefs"] = ext;
    }
    std::fs::write(dir.join("manifest.json"), serde_json::to_string_pretty(&built).unwrap()).unwrap();
    dir
}

#[test]
fn a_planted_id_number_in_a_case_description_is_caught() {
    let set = |text: &'static str| move |v: &mut Value| v["description"] = Value::String(text.into());
    let dir = variant("planted", "case.ndjson", &set("烟感报警，户主身份证32050419380214311X"), "internal");
    let report = validate(&dir);
    let f: Vec<_> = report.findings.iter().filter(|f| f.code == "case-text-id-number").collect();
    assert_eq!(f.len(), 1, "{:#?}", report.findings);
    assert_eq!(f[0].pointer, "/description");
    assert_eq!(f[0].requirement, Some("CAS-012"));
    assert_eq!(f[0].value.as_deref(), Some("3205**********311X"));
    // Not in full anywhere in the report.
    assert!(!serde_json::to_string(&report).unwrap().contains("32050419380214311X"));
    let _ = std::fs::remove_dir_all(&dir);

    // A wrong check character is not an identity number.
    let dir = variant("planted-wrong", "case.ndjson", &set("工单号 320504193802143110"), "internal");
    assert!(leak_codes(&validate(&dir)).is_empty());
    let _ = std::fs::remove_dir_all(&dir);

    // A mobile number inside a longer run of digits is not one; a mobile alone is a warning.
    let dir = variant("planted-run", "case.ndjson", &set("流水号 2024051913962117845001"), "internal");
    assert!(leak_codes(&validate(&dir)).is_empty());
    let _ = std::fs::remove_dir_all(&dir);
    let dir = variant("planted-mobile", "case.ndjson", &set("请回电 13962117845"), "internal");
    let r = validate(&dir);
    assert!(r.findings.iter().any(|f| f.code == "free-text-mobile" && f.value.as_deref() == Some("139****7845")));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn raw_values_in_a_shared_dataset_are_reported() {
    // The unmasked example declared `public`: every raw personal value is a finding.
    let dir = variant("declared-public", "person.ndjson", &|_| {}, "public");
    let report = validate(&dir);
    let raw: Vec<_> = report.findings.iter().filter(|f| f.code == "shared-raw-value").collect();
    assert!(raw.len() > 100, "{}", raw.len());
    assert!(raw.iter().any(|f| f.pointer == "/identifiers" && f.record_id.as_deref() == Some("P-0001")));
    assert!(raw.iter().any(|f| f.pointer == "/birthDate"));
    assert!(!serde_json::to_string(&report).unwrap().contains("32050419380214311X"));
    let _ = std::fs::remove_dir_all(&dir);

    // Declared inter-department: identity numbers not pseudonymised, phones not masked.
    let dir = variant("declared-inter", "person.ndjson", &|_| {}, "inter-department");
    let report = validate(&dir);
    let raw: BTreeSet<String> = report
        .findings
        .iter()
        .filter(|f| f.code == "shared-raw-value" && f.record_id.as_deref() == Some("P-0001"))
        .map(|f| f.pointer.clone())
        .collect();
    assert!(raw.contains("/identifiers/0/value"), "{raw:?}");
    assert!(raw.contains("/phones/0"), "{raw:?}");
    assert!(raw.contains("/name"), "{raw:?}");
    assert!(!raw.contains("/birthDate"), "{raw:?}");
    let _ = std::fs::remove_dir_all(&dir);
}

/// Stricter than the test above: the name of every person, every identity number and every
/// telephone number of the input is looked for anywhere in the public output, inside unmarked
/// text too (a device named after its owner, a title quoting a number).
#[test]
fn public_output_names_no_person_anywhere() {
    let input = lines(&example());
    let mut watched: Vec<String> = Vec::new();
    for r in &input {
        if r["type"] == "Person" {
            watched.extend(r["name"].as_str().map(str::to_owned));
        }
        for i in r["identifiers"].as_array().into_iter().flatten() {
            watched.extend(i["value"].as_str().map(str::to_owned));
        }
        for p in r["phones"].as_array().into_iter().flatten() {
            watched.extend(p.as_str().map(str::to_owned));
        }
    }
    assert!(watched.len() > 60, "{}", watched.len());
    let out = tmp("public-names");
    mask("public", None, &out).unwrap();
    let bytes = output_bytes(&out);
    let survived: Vec<&String> = watched.iter().filter(|s| bytes.contains(s.as_str())).collect();
    assert!(survived.is_empty(), "{survived:?}");
    let _ = std::fs::remove_dir_all(&out);
}

/// Numbers in kept free text are masked where they stand `[SHR-042]`, full-width ones too.
#[test]
fn numbers_in_kept_free_text_are_masked_at_every_shared_level() {
    let dir = tmp("scrub-in");
    std::fs::create_dir_all(&dir).unwrap();
    let case = r#"{"type":"Case","id":"C-1","meta":{"source":{"vendor":"V","product":"P"},"createdAt":"2024-05-01T09:00:00+08:00","updatedAt":"2024-05-01T09:00:00+08:00","version":1,"classification":"internal"},"category":"environment.garbage","channel":"hotline-12345","title":"居民 320505194511200007 反映","resolution":"已回电 139-6211-7845，另见 １３９６２１１７８４５","reportedAt":"2024-05-01T09:00:00+08:00","status":"reported","history":[{"at":"2024-05-01T09:00:00+08:00","to":"reported"}]}"#;
    let input = dir.join("case.ndjson");
    std::fs::write(&input, format!("{case}\n")).unwrap();
    let k = key(b"an example key of 32 bytes......");
    for name in ["inter-department", "public"] {
        let out = dir.join(format!("{name}.ndjson"));
        let profile = linli_privacy::Profile::built_in(name).unwrap();
        let opts = linli_privacy::Options {
            profile: &profile,
            key: Some(&k),
            created_at: None,
            tool: linli_model::text::Text::new("test").unwrap(),
            threads: 0,
        };
        linli_privacy::mask_path(&input, &out, &opts).unwrap();
        let text = std::fs::read_to_string(&out).unwrap();
        for raw in ["320505194511200007", "139-6211-7845", "１３９６２１１７８４５"] {
            assert!(!text.contains(raw), "{name}: {raw} in {text}");
        }
        assert!(text.contains("3205**********0007"), "{name}: {text}");
    }
    let _ = std::fs::remove_dir_all(&dir);
}

/// Ages are judged on the date of the `createdAt` written, never on the day the tool runs
/// `[SHR-007]`: DS-0038's P-C is 13 on 2024-06-01 (fourteen from 2024-07-15).
#[test]
fn ages_are_judged_on_the_date_of_the_created_at_written() {
    let input = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../conformance/datasets/share-every-member/dataset");
    let profile = Profile::built_in("inter-department").unwrap();
    let k = key(b"linli-conformance-test-key/DS-0038");
    let person = |at: &str| -> Value {
        let out = tmp(&format!("age-{}", &at[..10]));
        let created_at = Some(linli_model::datetime::Timestamp::parse(at).unwrap());
        mask_path(&input, &out, &Options { profile: &profile, key: Some(&k), created_at, tool: tool(), threads: 0 })
            .unwrap();
        let manifest: Value =
            serde_json::from_str(&std::fs::read_to_string(out.join("manifest.json")).unwrap()).unwrap();
        assert_eq!(manifest["createdAt"], at);
        assert_eq!(manifest["protection"]["appliedAt"], at);
        // The key id of the key, from Python (conformance/tools/share-known-answers.json).
        assert_eq!(manifest["protection"]["keyId"], known_key_id("linli-conformance-test-key/DS-0038"));
        let p = lines(&out).into_iter().find(|r| r["id"] == "P-C").unwrap();
        let _ = std::fs::remove_dir_all(&out);
        p
    };
    // Under fourteen: every marked member sensitive, so gender, birth date and residences go.
    let minor = person("2024-06-01T09:00:00+08:00");
    assert!(minor.get("gender").is_none() && minor.get("birthDate").is_none() && minor.get("residences").is_none());
    // Fourteen: an adult, whose gender, birth date and residences inter-department keeps.
    let adult = person("2024-07-15T09:00:00+08:00");
    assert_eq!(adult["gender"], "2");
    assert_eq!(adult["birthDate"], "2010-07-15");
    assert!(adult.get("residences").is_some());
}

fn known_key_id(key: &str) -> String {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../conformance/tools/share-known-answers.json");
    let ka: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    ka["keys"].as_array().unwrap().iter().find(|k| k["key"] == key).unwrap()["keyId"].as_str().unwrap().to_owned()
}
