//! The Chinese messages of the FIWARE reader are Chinese: every loss entry and finding of every
//! NGSI-LD and NGSI-v2 sample (the corpus and the shared real payloads) has a `message_zh`
//! without a run of three or more English words outside backticks (code names, member names
//! and values quoted in backticks may stay as they are) [ADP-003].
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};

use linli_adapters::convert::{Format, ReadOptions, read};
use linli_model::datetime::Timestamp;
use serde_json::{Map, Value};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The longest run of ASCII words (two letters or more) outside backticks, counting words
/// separated only by spaces and punctuation that is not Chinese.
fn longest_english_run(text: &str) -> (usize, String) {
    let mut outside = String::new();
    for (i, part) in text.split('`').enumerate() {
        // Odd parts are quoted; replace them by a Chinese placeholder that breaks a run.
        outside.push_str(if i % 2 == 0 { part } else { "码" });
    }
    // A Chinese character (or other non-ASCII one) is a token of its own that breaks a run.
    let outside: String =
        outside.chars().map(|c| if c.is_ascii() { c.to_string() } else { format!(" {c} ") }).collect();
    let (mut best, mut best_run, mut run, mut words) = (0, String::new(), String::new(), 0);
    for token in outside.split(|c: char| c.is_whitespace() || ",;:.()=/".contains(c)) {
        let word = !token.is_empty() && token.len() >= 2 && token.chars().all(|c| c.is_ascii_alphabetic() || c == '-');
        let breaks = !token.is_ascii();
        if word {
            words += 1;
            run.push_str(token);
            run.push(' ');
            if words > best {
                best = words;
                best_run.clone_from(&run);
            }
        } else if breaks || !token.is_empty() {
            words = 0;
            run.clear();
        }
    }
    (best, best_run)
}

#[test]
fn the_checker_sees_english() {
    assert!(longest_english_run("已规范化：id `X` is not an NGSI-LD URN; written back as `y`").0 >= 3);
    assert!(longest_english_run("已规范化：location converted to WGS-84").0 >= 3);
    assert!(longest_english_run("没有 `dateCreated`：创建时间 `meta.createdAt` 取转换时间").0 < 3);
    assert!(longest_english_run("`location` 已从 GCJ-02 转换为 WGS-84").0 < 3);
}

#[test]
fn every_fiware_message_zh_is_chinese() {
    let shared = root().join("../shared/fixtures/real-payloads");
    assert!(shared.is_dir(), "{} is missing: the real payloads are read from ../shared", shared.display());
    let mut checked = 0;
    let mut bad = Vec::new();
    for dir in ["ngsi-ld", "ngsi-v2"] {
        let expected = root().join(format!("crates/linli-adapters/tests/expected/{dir}.json"));
        let entries: Map<String, Value> =
            serde_json::from_str(&std::fs::read_to_string(&expected).expect("expectation file")).expect("JSON");
        for (key, entry) in &entries {
            let path: PathBuf = match key.split_once('/') {
                Some(("corpus", f)) => root().join("crates/linli-adapters/tests/corpus").join(dir).join(f),
                Some(("real", f)) => shared.join(dir).join(f),
                _ => panic!("{dir}: unexpected key {key}"),
            };
            let from = entry.get("from").and_then(Value::as_str).unwrap_or("ngsi-ld");
            let Some(format) = Format::parse(from) else { panic!("{key}: format {from}") };
            if !matches!(format, Format::NgsiLd | Format::NgsiLdKeyValues) {
                continue;
            }
            let mut opts = ReadOptions::new(Timestamp::parse("2026-01-01T00:00:00+08:00").expect("time"));
            if let Some(m) = entry.get("mapping").and_then(Value::as_str) {
                let p = root().join("crates/linli-adapters/tests/corpus").join(dir).join(m);
                opts.format_mapping = Some(std::fs::read_to_string(p).expect("mapping file"));
            }
            if let Some(d) = entry.get("datum").and_then(Value::as_str) {
                opts.datum = linli_adapters::coords::Datum::parse(d).expect("datum");
            }
            let bytes = std::fs::read(Path::new(&path)).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            let Ok(c) = read(format, &bytes, &opts) else { continue };
            let messages = c
                .loss
                .entries
                .iter()
                .map(|l| (l.code.as_str(), &l.message_zh))
                .chain(c.findings.iter().map(|f| (f.code.as_str(), &f.message_zh)));
            for (code, zh) in messages {
                checked += 1;
                let (n, run) = longest_english_run(zh);
                if n >= 3 {
                    bad.push(format!("{dir}/{key} [{code}] {zh}  <- {run}"));
                }
            }
        }
    }
    assert!(checked > 100, "only {checked} messages checked");
    bad.sort();
    bad.dedup();
    assert!(bad.is_empty(), "{} zh messages with English in them:\n{}", bad.len(), bad.join("\n"));
}
