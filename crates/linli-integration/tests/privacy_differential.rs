//! The fast masking path against the reference path (each record read into a `serde_json::Value`
//! and masked on one thread): the same bytes for the same key and profile, on one thread and on
//! several, in batches of any size — files and dataset folders, manifest included — and the same
//! errors, codes and counts for input that does not read `[SHR-063]`.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};

use linli_model::Record;
use linli_model::datetime::Timestamp;
use linli_privacy::dataset::{mask_path_batched, mask_path_reference};
use linli_privacy::{Error, Key, Options, Profile};
use quickcheck::{QuickCheck, TestResult};

const PROFILES: [&str; 2] = ["public", "inter-department"];

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn tmp(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("linli-privacy-diff-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn key() -> Key {
    Key::new(b"differential test key, 32 bytes.", "test").unwrap()
}

/// One run: what it wrote (every file under `out`, by relative path, or the file itself) or its
/// error (code and message in both languages), and its summary as JSON.
#[derive(Debug, PartialEq, Eq)]
enum Outcome {
    Written { files: Vec<(String, Vec<u8>)>, summary: String },
    Failed { code: &'static str, en: String, zh: String },
}

fn read_tree(out: &Path) -> Vec<(String, Vec<u8>)> {
    if out.is_file() {
        return vec![(String::new(), std::fs::read(out).unwrap())];
    }
    let mut files = Vec::new();
    let mut todo = vec![out.to_path_buf()];
    while let Some(d) = todo.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                todo.push(p);
            } else {
                files.push((p.strip_prefix(out).unwrap().display().to_string(), std::fs::read(&p).unwrap()));
            }
        }
    }
    files.sort();
    files
}

/// The engine of a run: the reference, or the fast path with so many threads and batch bytes.
#[derive(Debug, Clone, Copy)]
enum Engine {
    Reference,
    Fast { threads: usize, batch: usize },
}

fn run(engine: Engine, profile: &str, input: &Path, out: &Path) -> Outcome {
    let _ = std::fs::remove_dir_all(out);
    let _ = std::fs::remove_file(out);
    let profile = Profile::built_in(profile).unwrap();
    let k = key();
    let opts = Options {
        profile: &profile,
        key: Some(&k),
        // The manifest's times are the run's: fixed, so that runs compare.
        created_at: Some(Timestamp::parse("2024-06-01T10:00:00+08:00").unwrap()),
        tool: linli_model::text::Text::new("differential").unwrap(),
        threads: match engine {
            Engine::Reference => 1,
            Engine::Fast { threads, .. } => threads,
        },
    };
    let result = match engine {
        Engine::Reference => mask_path_reference(input, out, &opts),
        Engine::Fast { batch, .. } => mask_path_batched(input, out, &opts, batch),
    };
    match result {
        Ok(s) => Outcome::Written { files: read_tree(out), summary: serde_json::to_string(&s).unwrap() },
        Err(e) => Outcome::Failed { code: e.code(), en: e.message(false), zh: e.message(true) },
    }
}

const ENGINES: [Engine; 4] = [
    Engine::Fast { threads: 1, batch: 1 << 20 },
    Engine::Fast { threads: 2, batch: 1 << 20 },
    Engine::Fast { threads: 2, batch: 1 },
    Engine::Fast { threads: 3, batch: 700 },
];

/// Every engine gives what the reference gives; returns that.
fn all_agree(dir: &Path, profile: &str, input: &Path) -> Outcome {
    let reference = run(Engine::Reference, profile, input, &dir.join("reference"));
    for engine in ENGINES {
        let fast = run(engine, profile, input, &dir.join("fast"));
        assert!(
            fast == reference,
            "{profile} {engine:?} on {}:\nfast {fast:?}\nreference {reference:?}",
            input.display()
        );
    }
    reference
}

/// The records of the conformance vectors, the example records and the example dataset, one
/// line each (the vectors' invalid records among them).
fn corpus() -> Vec<String> {
    let mut lines = Vec::new();
    let mut dirs = vec![root().join("conformance/vectors")];
    while let Some(d) = dirs.pop() {
        let mut entries: Vec<PathBuf> = std::fs::read_dir(&d).unwrap().map(|e| e.unwrap().path()).collect();
        entries.sort();
        for p in entries {
            if p.is_dir() {
                dirs.push(p);
            } else if p.extension().is_some_and(|e| e == "json") {
                let v: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&p).unwrap()).unwrap();
                if let Some(r) = v.get("record") {
                    lines.push(serde_json::to_string(r).unwrap());
                }
            }
        }
    }
    let mut records: Vec<PathBuf> =
        std::fs::read_dir(root().join("examples/records")).unwrap().map(|e| e.unwrap().path()).collect();
    records.sort();
    for p in records {
        let v: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&p).unwrap()).unwrap();
        lines.push(serde_json::to_string(&v).unwrap());
    }
    let mut files: Vec<PathBuf> = std::fs::read_dir(root().join("examples/datasets/gusu-huqiu"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "ndjson"))
        .collect();
    files.sort();
    for p in files {
        lines.extend(std::fs::read_to_string(&p).unwrap().lines().filter(|l| !l.trim().is_empty()).map(str::to_owned));
    }
    lines
}

fn write_lines(path: &Path, lines: &[String]) {
    let mut text = lines.join("\n");
    text.push('\n');
    std::fs::write(path, text).unwrap();
}

/// All the corpus in one file: records that do not read make the run fail the same way, on every
/// engine. Then the records the reference masks, one file: the same bytes.
#[test]
fn the_corpus_masks_as_the_reference_does() {
    let dir = tmp("corpus");
    let lines = corpus();
    assert!(lines.len() > 300, "{}", lines.len());
    let input = dir.join("all.ndjson");
    write_lines(&input, &lines);
    for profile in PROFILES {
        assert!(matches!(all_agree(&dir, profile, &input), Outcome::Failed { code: "input-invalid", .. }));
    }
    // Each record alone through the reference: those it masks make the file compared byte for byte.
    let reads: Vec<String> = lines.iter().filter(|l| Record::from_json_str(l).is_ok()).cloned().collect();
    for profile in PROFILES {
        let mut kept = Vec::new();
        let one = dir.join("one.ndjson");
        for l in &reads {
            write_lines(&one, std::slice::from_ref(l));
            if matches!(run(Engine::Reference, profile, &one, &dir.join("one-out")), Outcome::Written { .. }) {
                kept.push(l.clone());
            }
        }
        assert!(kept.len() > 150, "{profile}: {}", kept.len());
        // Together, records may change one another's masking (names, places): a record that
        // then does not conform is left out, as the reference says, until the file masks.
        let good = dir.join(format!("good-{profile}.ndjson"));
        loop {
            write_lines(&good, &kept);
            match run(Engine::Reference, profile, &good, &dir.join("good-out")) {
                Outcome::Failed { code: "output-not-conforming", en, .. } => {
                    let at = format!("good-{profile}.ndjson:");
                    let line: usize =
                        en[en.find(&at).unwrap() + at.len()..].split(':').next().unwrap().parse().unwrap();
                    kept.remove(line - 1);
                }
                _ => break,
            }
        }
        let got = all_agree(&dir, profile, &good);
        let Outcome::Written { files, .. } = got else { panic!("{profile}: {got:?}") };
        assert_eq!(files[0].1.iter().filter(|b| **b == b'\n').count(), kept.len());
    }
    std::fs::remove_dir_all(&dir).ok();
}

/// Dataset folders: the example dataset and a generated community, clean and with seeded
/// defects; every file and the manifest the same.
#[test]
fn dataset_folders_mask_as_the_reference_does() {
    let dir = tmp("datasets");
    let example = root().join("examples/datasets/gusu-huqiu");
    for profile in PROFILES {
        assert!(matches!(all_agree(&dir, profile, &example), Outcome::Written { .. }));
    }
    let clean = dir.join("gen-clean");
    linli_synth::generate(
        &linli_synth::Config { records: 3000, seed: 5, defect_rate: 0.0, mix: linli_synth::Mix::Community, threads: 0 },
        &clean,
    )
    .unwrap();
    let defects = dir.join("gen-defects");
    linli_synth::generate(
        &linli_synth::Config {
            records: 2000,
            seed: 6,
            defect_rate: 0.05,
            mix: linli_synth::Mix::Community,
            threads: 0,
        },
        &defects,
    )
    .unwrap();
    for profile in PROFILES {
        match all_agree(&dir, profile, &clean) {
            Outcome::Written { files, .. } => assert!(files.len() >= 7, "{files:?}"),
            other => panic!("{profile}: {other:?}"),
        }
        match all_agree(&dir, profile, &defects) {
            Outcome::Failed { code, en, .. } => assert_eq!(code, "input-invalid", "{en}"),
            other => panic!("{profile}: {other:?}"),
        }
        // A single NDJSON file of the generated persons, too.
        let persons = clean.join("person.ndjson");
        assert!(matches!(all_agree(&dir, profile, &persons), Outcome::Written { .. }));
    }
    std::fs::remove_dir_all(&dir).ok();
}

/// An error in the middle of a file (a line too long for the reader, a record that does not
/// conform once masked) comes out as on one thread: the first in input order.
#[test]
fn the_first_error_in_input_order_wins() {
    let dir = tmp("errors");
    let lines = corpus();
    let reads: Vec<String> = lines
        .iter()
        .filter(|l| l.contains("\"type\":\"Person\"") && Record::from_json_str(l).is_ok())
        .cloned()
        .collect();
    // A Person whose id holds a resident ID number cannot be shared [CON-013]: output-not-conforming.
    let bad_id = reads[0].replacen("\"id\":\"", "\"id\":\"110105194912310029-", 1);
    let mut mixed: Vec<String> = Vec::new();
    for i in 0..60 {
        mixed.push(reads[i % reads.len()].clone());
    }
    mixed.insert(40, bad_id.clone());
    mixed.insert(50, "{\"type\":\"Person\"".to_owned());
    let input = dir.join("mixed.ndjson");
    write_lines(&input, &mixed);
    for profile in PROFILES {
        let got = all_agree(&dir, profile, &input);
        assert!(matches!(got, Outcome::Failed { .. }), "{got:?}");
    }
    // A line longer than 16 MiB after a record that does not conform.
    let mut long = mixed[..45].to_vec();
    long.push(format!("{{\"type\":\"Person\",\"name\":\"{}\"}}", "x".repeat(17 << 20)));
    write_lines(&input, &long);
    let got = all_agree(&dir, "public", &input);
    assert!(matches!(&got, Outcome::Failed { .. }), "{got:?}");
    std::fs::remove_dir_all(&dir).ok();
}

/// Arbitrary valid records: the same bytes on every engine.
#[test]
fn arbitrary_records_mask_as_the_reference_does() {
    fn prop(records: Vec<Record>) -> TestResult {
        if records.is_empty() {
            return TestResult::discard();
        }
        let dir = tmp("quickcheck");
        let lines: Vec<String> = records.iter().map(|r| serde_json::to_string(r).unwrap()).collect();
        let input = dir.join("in.ndjson");
        write_lines(&input, &lines);
        for profile in PROFILES {
            let reference = run(Engine::Reference, profile, &input, &dir.join("r"));
            for engine in [Engine::Fast { threads: 1, batch: 1 << 20 }, Engine::Fast { threads: 2, batch: 300 }] {
                let fast = run(engine, profile, &input, &dir.join("f"));
                if fast != reference {
                    return TestResult::error(format!("{profile} {engine:?}:\n{fast:?}\n{reference:?}"));
                }
            }
        }
        std::fs::remove_dir_all(&dir).ok();
        TestResult::passed()
    }
    QuickCheck::new().tests(40).quickcheck(prop as fn(Vec<Record>) -> TestResult);
}

/// Not a test of the engines but of this file's helper: two different outputs do not compare equal.
#[test]
fn outcomes_that_differ_are_told_apart() {
    let a = Outcome::Written { files: vec![(String::new(), b"a\n".to_vec())], summary: String::new() };
    let b = Outcome::Written { files: vec![(String::new(), b"b\n".to_vec())], summary: String::new() };
    assert_ne!(a, b);
    let _ = Error::OutputExists { path: String::new() };
}

/// Gzip in and out: the same bytes on every engine (the compressed output too: the same lines are
/// written in the same pieces).
#[test]
fn gzip_input_and_output_mask_as_the_reference_does() {
    use std::io::Write;
    let dir = tmp("gzip");
    let generated = dir.join("gen");
    linli_synth::generate(
        &linli_synth::Config {
            records: 3000,
            seed: 8,
            defect_rate: 0.0,
            mix: linli_synth::Mix::PersonsOnly,
            threads: 0,
        },
        &generated,
    )
    .unwrap();
    let input = dir.join("persons.ndjson.gz");
    let mut gz = flate2::write::GzEncoder::new(std::fs::File::create(&input).unwrap(), flate2::Compression::fast());
    gz.write_all(&std::fs::read(generated.join("person.ndjson")).unwrap()).unwrap();
    gz.finish().unwrap();
    for profile in PROFILES {
        let reference = run(Engine::Reference, profile, &input, &dir.join("r.ndjson.gz"));
        match &reference {
            Outcome::Written { files, .. } => assert!(files[0].1.starts_with(&[0x1f, 0x8b]), "{profile}: not gzip"),
            other => panic!("{profile}: {other:?}"),
        }
        for engine in ENGINES {
            let fast = run(engine, profile, &input, &dir.join("f.ndjson.gz"));
            assert!(fast == reference, "{profile} {engine:?}");
        }
    }
    std::fs::remove_dir_all(&dir).ok();
}
