//! Properties of masking over arbitrary valid records (linli-model's generators).

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::Write;

use linli_model::Record;
use linli_privacy::mask::Counts;
use linli_privacy::{Key, Masker, Options, Profile, mask_path};
use quickcheck::{QuickCheck, TestResult};

fn qc() -> QuickCheck {
    QuickCheck::new().tests(200).max_tests(2000)
}

fn key() -> Key {
    Key::new(b"property test key 0123", "test").unwrap()
}

/// Masking never changes `type` or `id`, and the result still reads as a Linli record with no
/// semantic error; masking twice changes nothing more.
#[test]
fn masking_keeps_type_and_id_and_validity() {
    fn prop(r: Record) -> TestResult {
        let k = key();
        let original = serde_json::to_value(&r).unwrap();
        for name in ["internal", "inter-department", "public"] {
            let profile = Profile::built_in(name).unwrap();
            let masker = Masker::new(&profile, Some(&k)).unwrap();
            let mut v = original.clone();
            let mut counts = Counts::default();
            masker.mask_value(&mut v, &mut counts).unwrap();
            if v["type"] != original["type"] || v["id"] != original["id"] {
                return TestResult::error(format!("{name}: type or id changed: {v}"));
            }
            let masked = match Record::from_value(v.clone()) {
                Ok(m) => m,
                Err(e) => return TestResult::error(format!("{name}: {e}\n{v}")),
            };
            let errors: Vec<_> = linli_model::check::check_record(&masked, &Default::default())
                .into_iter()
                .filter(|f| f.level == linli_model::check::Level::Error)
                .collect();
            if !errors.is_empty() {
                return TestResult::error(format!("{name}: {errors:?}\n{v}"));
            }
            let mut again = v.clone();
            masker.mask_value(&mut again, &mut Counts::default()).unwrap();
            if name != "inter-department" && again != v {
                // Pseudonymising a masked name again gives a new token; the other profiles are
                // idempotent.
                return TestResult::error(format!("{name}: not idempotent\n{v}\n{again}"));
            }
            // What the profile of the level would change is gone.
            let leaks = linli_privacy::leak::raw_values(&masked, &profile, linli_privacy::mask::today());
            if !leaks.is_empty() {
                return TestResult::error(format!("{name}: {leaks:?}\n{v}"));
            }
        }
        TestResult::passed()
    }
    qc().quickcheck(prop as fn(Record) -> TestResult);
}

/// An NDJSON file of arbitrary records keeps its number of records and their order.
#[test]
fn masking_a_file_keeps_the_number_of_records() {
    fn prop(records: Vec<Record>) -> TestResult {
        let dir = std::env::temp_dir().join(format!("linli-privacy-prop-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let (input, output) = (dir.join("in.ndjson"), dir.join("out.ndjson"));
        let mut f = std::fs::File::create(&input).unwrap();
        for r in &records {
            writeln!(f, "{}", serde_json::to_string(r).unwrap()).unwrap();
        }
        drop(f);
        let k = key();
        let profile = Profile::built_in("public").unwrap();
        let tool = linli_model::text::Text::new("t").unwrap();
        let s =
            mask_path(&input, &output, &Options { profile: &profile, key: Some(&k), created_at: None, tool }).unwrap();
        let text = std::fs::read_to_string(&output).unwrap();
        let out: Vec<Record> = text.lines().map(|l| Record::from_json_str(l).unwrap()).collect();
        let same = out.len() == records.len()
            && s.counts.records == records.len() as u64
            && out.iter().zip(&records).all(|(a, b)| a.id() == b.id() && a.record_type() == b.record_type());
        TestResult::from_bool(same)
    }
    QuickCheck::new().tests(30).quickcheck(prop as fn(Vec<Record>) -> TestResult);
}
