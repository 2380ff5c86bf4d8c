//! Every real payload and every corpus sample gets its expected outcome (issue 11, [ADP-004]).
//!
//! Inputs, per format directory `<dir>` (`ngsi-ld`, `ngsi-v2`, `gat1400`, `geojson`,
//! `cloudevents`, `open311`, `csv`):
//! - `../shared/fixtures/real-payloads/<dir>/*`: public payloads nobody here wrote (read in
//!   place, never copied into the repository); keyed `real/<file>`;
//! - `tests/corpus/<dir>/*`: the repository's own corpus, written in the shapes real producers
//!   emit (each file's model named in that directory's `SOURCES.md`); keyed `corpus/<file>`.
//!   Files ending `.toml` there are mapping files, not samples.
//!
//! Expectations: `tests/expected/<dir>.json`, an object keyed as above; each entry holds
//! - `from`: the `--from` format name;
//! - optional `mapping` (a mapping file in `tests/corpus/<dir>/`, given as the format's own
//!   mapping) and `datum` (`wgs84`, `gcj02`, `bd09`);
//! - `records`: the number of records of each type, e.g. `{"Place": 1}` (`{}` when none);
//! - `loss` and `findings`: the distinct loss-report codes and finding codes, sorted;
//! - `refused`: the error code when the input as a whole is refused (then nothing else), or
//!   absent;
//! - optional `note`: why the outcome is what the spec says (kept by blessing).
//!
//! Every file must have an entry and every entry a file. Whatever the expectation, every record
//! a reader returns must validate (schema and semantic checks) [ADP-004].
//!
//! `LINLI_BLESS=ngsi-ld,geojson cargo test -p linli-adapters --test real_payloads` rewrites the
//! expectation files of those directories from the current outcomes (keeping `from`, `mapping`,
//! `datum` and `note`); review every change: an expectation states what the spec says. The test
//! prints, per directory, how many samples convert to valid records cleanly, with findings, or are refused.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use linli_adapters::convert::{Format, ReadOptions, read};
use linli_model::datetime::Timestamp;
use serde_json::{Map, Value, json};

const DIRS: &[&str] = &["ngsi-ld", "ngsi-v2", "gat1400", "geojson", "cloudevents", "open311", "csv"];

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn shared() -> PathBuf {
    let p = root().join("../shared/fixtures/real-payloads");
    assert!(
        p.is_dir(),
        "{} is missing: the real payloads are read from ../shared beside the project root",
        p.display()
    );
    p
}

fn files(dir: &Path) -> Vec<PathBuf> {
    let Ok(rd) = std::fs::read_dir(dir) else { return Vec::new() };
    let mut v: Vec<PathBuf> = rd
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_file())
        .filter(|p| {
            let name = p.file_name().and_then(|n| n.to_str()).unwrap_or("");
            !name.ends_with(".toml") && !name.ends_with(".md") && !name.starts_with('.')
        })
        .collect();
    v.sort();
    v
}

fn default_from(dir: &str, file: &str) -> &'static str {
    match dir {
        "ngsi-ld" | "ngsi-v2" => "ngsi-ld",
        "open311" if file.ends_with(".xml") => "open311-xml",
        "open311" => "open311",
        "gat1400" => "gat1400",
        "geojson" => "geojson",
        "cloudevents" => "cloudevents",
        _ => "csv",
    }
}

/// The outcome of reading one sample, as an expectation entry (without `from`, `note`, …).
fn outcome(dir: &str, key: &str, path: &Path, entry: &Map<String, Value>) -> (Value, usize, bool) {
    let from = entry.get("from").and_then(Value::as_str).unwrap_or_else(|| default_from(dir, key));
    let format = Format::parse(from).unwrap_or_else(|| panic!("{dir}/{key}: unknown format {from}"));
    let received = Timestamp::parse("2026-01-01T00:00:00+08:00").expect("fixed time");
    let mut opts = ReadOptions::new(received);
    if let Some(m) = entry.get("mapping").and_then(Value::as_str) {
        let p = root().join("crates/linli-adapters/tests/corpus").join(dir).join(m);
        opts.format_mapping = Some(std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display())));
    }
    if let Some(d) = entry.get("datum").and_then(Value::as_str) {
        opts.datum = linli_adapters::coords::Datum::parse(d).unwrap_or_else(|| panic!("{dir}/{key}: datum {d}"));
    }
    let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let converted = match read(format, &bytes, &opts) {
        Ok(c) => c,
        Err(e) => return (json!({ "refused": e.code() }), 0, false),
    };
    let validator = linli_validate::record::Validator::new().expect("validator");
    let mut counts: BTreeMap<String, usize> = BTreeMap::new();
    for (i, r) in converted.records.iter().enumerate() {
        let v = serde_json::to_value(r).expect("records serialise");
        let o = validator.validate_value(&v);
        assert!(o.is_valid(), "{dir}/{key}: record {i} is not valid [ADP-004]: {:?}", o.findings);
        *counts.entry(r.record_type().to_string()).or_default() += 1;
    }
    let mut loss: Vec<&str> = converted.loss.entries.iter().map(|l| l.code.as_str()).collect();
    loss.sort_unstable();
    loss.dedup();
    let mut findings: Vec<&str> = converted.findings.iter().map(|f| f.code.as_str()).collect();
    findings.sort_unstable();
    findings.dedup();
    let n = converted.records.len();
    (json!({ "records": counts, "loss": loss, "findings": findings }), n, findings.is_empty())
}

/// Whether `var` asks this test to rewrite the committed file instead of comparing with it; a
/// set variable fails the test in CI ([`linli_model::support::bless`]).
fn bless(var: &str) -> bool {
    linli_model::support::bless::requested(var).unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn every_sample_gets_its_expected_outcome() {
    let bless: Vec<String> = if bless("LINLI_BLESS") {
        std::env::var("LINLI_BLESS")
            .map(|s| s.split(',').map(str::trim).filter(|s| !s.is_empty()).map(str::to_owned).collect())
            .unwrap_or_default()
    } else {
        Vec::new()
    };
    let shared = shared();
    let mut failures = Vec::new();
    let mut summary = Vec::new();
    for dir in DIRS {
        let exp_path = root().join("crates/linli-adapters/tests/expected").join(format!("{dir}.json"));
        let expected: Map<String, Value> = std::fs::read_to_string(&exp_path)
            .ok()
            .map(|s| serde_json::from_str(&s).unwrap_or_else(|e| panic!("{}: {e}", exp_path.display())))
            .unwrap_or_default();
        let mut samples: Vec<(String, PathBuf)> = Vec::new();
        let total =
            files(&shared.join(dir)).len() + files(&root().join("crates/linli-adapters/tests/corpus").join(dir)).len();
        for p in files(&shared.join(dir)) {
            samples.push((format!("real/{}", p.file_name().and_then(|n| n.to_str()).unwrap_or("")), p));
        }
        for p in files(&root().join("crates/linli-adapters/tests/corpus").join(dir)) {
            samples.push((format!("corpus/{}", p.file_name().and_then(|n| n.to_str()).unwrap_or("")), p));
        }
        let mut blessed = Map::new();
        // Per origin (real, corpus): samples, clean conversions, conversions with findings.
        let mut tally = [[0usize; 3]; 2];
        for (key, path) in &samples {
            let entry = expected.get(key).and_then(Value::as_object).cloned().unwrap_or_default();
            let (got, n, clean) = outcome(dir, key, path, &entry);
            let t = &mut tally[usize::from(!key.starts_with("real/"))];
            t[0] += 1;
            t[1] += usize::from(n > 0 && clean);
            t[2] += usize::from(n > 0 && !clean);
            let mut want = entry.clone();
            let keep: Vec<(String, Value)> = ["from", "mapping", "datum", "note"]
                .iter()
                .filter_map(|k| want.remove(*k).map(|v| ((*k).to_owned(), v)))
                .collect();
            if bless.iter().any(|b| b == dir) {
                let mut e = Map::new();
                e.insert("from".into(), json!(default_from(dir, key)));
                e.extend(keep);
                if let Value::Object(g) = got {
                    e.extend(g);
                }
                blessed.insert(key.clone(), Value::Object(e));
                continue;
            }
            if entry.is_empty() {
                failures.push(format!("{dir}/{key}: no expectation in {} (got {got})", exp_path.display()));
            } else if Value::Object(want.clone()) != got {
                failures.push(format!("{dir}/{key}:\n    expected {}\n    got      {got}", Value::Object(want)));
            }
        }
        for key in expected.keys() {
            if !samples.iter().any(|(k, _)| k == key) && !bless.iter().any(|b| b == dir) {
                failures.push(format!("{dir}: expectation {key} names no file"));
            }
        }
        if bless.iter().any(|b| b == dir) {
            let text = serde_json::to_string_pretty(&Value::Object(blessed)).expect("json") + "\n";
            std::fs::create_dir_all(exp_path.parent().expect("parent")).expect("mkdir");
            std::fs::write(&exp_path, text).expect("write expectations");
        }
        let [[real, real_clean, real_part], [corpus, corpus_clean, corpus_part]] = tally;
        summary.push(format!(
            "{dir:<12} {total:>3} samples | real: {real_clean}/{real} clean, {real_part} with findings, {} refused | \
             corpus: {corpus_clean}/{corpus} clean, {corpus_part} with findings, {} refused",
            real - real_clean - real_part,
            corpus - corpus_clean - corpus_part
        ));
    }
    println!(
        "samples converting to valid records (clean: no finding; with findings: some objects or values refused):\n  {}",
        summary.join("\n  ")
    );
    assert!(
        failures.is_empty(),
        "{} samples differ from their expectation:\n  {}",
        failures.len(),
        failures.join("\n  ")
    );
}
