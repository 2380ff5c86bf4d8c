//! Profile vectors, driven as data: a tool that applies sharing profiles loads each valid profile
//! at its level and refuses each invalid one, naming the TOML key of the problem (spec chapter 19,
//! [SHR-001], [SHR-002]).

#![allow(clippy::unwrap_used, clippy::expect_used)]

use linli_conformance::vector::{ProfileCase, Verdict, profile_cases, suite_dir};
use linli_model::codes::CodeTable;

fn check(k: &ProfileCase) -> Result<(), String> {
    let file = format!("{}.toml", k.id);
    match (linli_privacy::Profile::from_toml(&k.profile, &file), k.verdict) {
        (Ok(p), Verdict::Valid) => {
            let level = p.sharing_level.code();
            if Some(level) == k.expected.sharing_level.as_deref() {
                Ok(())
            } else {
                Err(format!("loaded at level {level}, expected {:?}", k.expected.sharing_level))
            }
        }
        (Ok(_), Verdict::Invalid) => Err("loaded; expected a refusal".into()),
        (Err(e), Verdict::Valid) => Err(format!("refused: {e}")),
        (Err(linli_privacy::Error::Profile { file: f, key, .. }), Verdict::Invalid) => {
            if f != file {
                Err(format!("the refusal names file {f}, not {file}"))
            } else if k.expected.key.is_none() || Some(key.as_str()) == k.expected.key.as_deref() {
                // Without an expected key, the position the TOML reader gives is enough [SHR-002].
                Ok(())
            } else {
                Err(format!("refused at key {key}, expected {:?}", k.expected.key))
            }
        }
        (Err(e), Verdict::Invalid) => Err(format!("refused with {} ({e}), not profile-invalid", e.code())),
    }
}

#[test]
fn every_profile_vector_gets_its_verdict() {
    let cases: Vec<ProfileCase> = profile_cases(&suite_dir()).unwrap().into_iter().map(|(_, k)| k).collect();
    assert!(cases.len() >= 10);
    let problems: Vec<String> = cases.iter().filter_map(|k| check(k).err().map(|p| format!("{}: {p}", k.id))).collect();
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
