//! The sample department registers of `examples/adapters/registers/` (issue 12): each register
//! kind, in each of its three forms (CSV in UTF-8, CSV in GBK, an Excel workbook), converts
//! every row with its ready mapping, into records that validate clean as a dataset (schema,
//! semantic and dataset-level checks: residences, parents, owners and legal representatives
//! resolve); the three forms give the same records; and `--init-mapping` on each sample, with no
//! edit, maps every column the ready mapping maps, to the same target, and converts every row.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use linli_adapters::csv_table::init::{InitOptions, init_mapping};
use linli_adapters::csv_table::{Mapping, RegisterOptions, TableResult, header_key, read_register};
use linli_model::RecordType;
use linli_model::check::Level;
use linli_model::codes::CodeTable;

/// Each register kind and the record type of its rows.
const KINDS: &[(&str, RecordType)] = &[
    ("population", RecordType::Person),
    ("houses", RecordType::Place),
    ("rentals", RecordType::Person),
    ("vehicles", RecordType::Thing),
    ("organizations", RecordType::Organization),
    ("elderly", RecordType::Person),
];

/// The three forms of each sample.
const FORMS: &[&str] = &["{}.csv", "{}-gbk.csv", "{}.xlsx"];

const CREATED_AT: &str = "2024-06-01T09:00:00+08:00";

fn dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/adapters/registers")
}

fn file(kind: &str, form: &str) -> String {
    form.replace("{}", kind)
}

fn mapping(kind: &str) -> Mapping {
    let path = dir().join(format!("{kind}.toml"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    Mapping::from_toml(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn bytes(name: &str) -> Vec<u8> {
    let path = dir().join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Read a sample with a mapping; fail on any refused row or any finding but a note.
fn convert(name: &str, mapping: &Mapping) -> TableResult {
    let r = read_register(&bytes(name), mapping, &RegisterOptions::default()).unwrap_or_else(|e| panic!("{name}: {e}"));
    let rows: Vec<String> = r.refused.iter().map(|x| format!("row {}: {:?}", x.row, x.reasons)).collect();
    assert!(rows.is_empty(), "{name}: rows refused:\n{}", rows.join("\n"));
    let findings: Vec<String> =
        r.findings.iter().map(|f| format!("row {} {:?} {}: {}", f.row, f.column, f.code, f.message_en)).collect();
    assert!(findings.is_empty(), "{name}: findings:\n{}", findings.join("\n"));
    r
}

fn json_lines(r: &TableResult) -> Vec<serde_json::Value> {
    r.records.iter().map(|x| serde_json::to_value(x).unwrap()).collect()
}

/// Write the records as a dataset (one file per record type, a manifest) and validate it with
/// the dataset-level checks; return the findings that are not `info`.
fn validate(name: &str, r: &TableResult) -> Vec<String> {
    let out = std::env::temp_dir().join(format!("linli-registers-{}-{}", std::process::id(), name.replace('.', "_")));
    let _ = std::fs::remove_dir_all(&out);
    std::fs::create_dir_all(&out).unwrap();
    let mut files: BTreeMap<String, String> = BTreeMap::new();
    for rec in &r.records {
        let line = serde_json::to_string(rec).unwrap();
        let f = files.entry(format!("{}.ndjson", rec.record_type().code().to_ascii_lowercase())).or_default();
        f.push_str(&line);
        f.push('\n');
    }
    for (f, text) in &files {
        std::fs::write(out.join(f), text).unwrap();
    }
    let producer = linli_model::manifest::Producer::new(
        linli_model::text::Text::new("linli tests").unwrap(),
        linli_model::text::Text::new("registers").unwrap(),
        linli_model::text::Text::new("1.0").unwrap(),
    );
    let manifest = linli_validate::dataset::build_manifest(
        &out,
        producer,
        linli_model::codes::SharingLevel::Internal,
        linli_model::datetime::Timestamp::parse(CREATED_AT).unwrap(),
    )
    .unwrap();
    std::fs::write(out.join(linli_model::manifest::MANIFEST_FILE), serde_json::to_string_pretty(&manifest).unwrap())
        .unwrap();
    let validator = linli_validate::Validator::new().unwrap();
    let opts = linli_validate::Options { dataset_checks: true, threads: 1, ..Default::default() };
    let report = linli_validate::validate_paths(std::slice::from_ref(&out), &validator, &opts).unwrap();
    let _ = std::fs::remove_dir_all(&out);
    assert!(report.dataset_checks, "{name}: the dataset-level checks ran");
    assert_eq!(report.records, r.records.len() as u64, "{name}: every record was read back");
    report
        .findings
        .iter()
        .filter(|f| f.level != Level::Info)
        .map(|f| format!("{} {} {}: {}", f.code, f.record_id.as_deref().unwrap_or("-"), f.pointer, f.message_en))
        .collect()
}

#[test]
fn every_sample_register_converts_every_row_in_each_form_to_the_same_records() {
    for (kind, primary) in KINDS {
        let m = mapping(kind);
        assert_eq!(m.record_type(), *primary, "{kind}.toml");
        let mut first: Option<(String, Vec<serde_json::Value>)> = None;
        for form in FORMS {
            let name = file(kind, form);
            let r = convert(&name, &m);
            assert!(r.records.iter().filter(|x| x.record_type() == *primary).count() >= 10, "{name}: ≥ 10 rows");
            let json = json_lines(&r);
            match &first {
                None => first = Some((name, json)),
                Some((n0, j0)) => {
                    assert_eq!(j0.len(), json.len(), "{name} and {n0}: as many records");
                    for (a, b) in j0.iter().zip(&json) {
                        assert_eq!(a, b, "{name} and {n0} give different records");
                    }
                }
            }
        }
    }
}

#[test]
fn every_sample_register_validates_clean_as_a_dataset() {
    let mut failures = Vec::new();
    for (kind, _) in KINDS {
        let m = mapping(kind);
        for form in FORMS {
            let name = file(kind, form);
            let r = convert(&name, &m);
            for f in validate(&name, &r) {
                failures.push(format!("{name}: {f}"));
            }
        }
    }
    assert!(failures.is_empty(), "findings:\n{}", failures.join("\n"));
}

#[test]
fn the_samples_reference_their_places_owners_and_representatives() {
    use linli_model::Record;
    for (kind, _) in KINDS {
        let r = convert(&file(kind, "{}.csv"), &mapping(kind));
        let places: Vec<&Record> = r.records.iter().filter(|x| x.record_type() == RecordType::Place).collect();
        assert!(!places.is_empty(), "{kind}: the row's places are written");
        for rec in &r.records {
            match rec {
                Record::Person(p) => assert!(!p.residences.is_empty(), "{kind}: {} lives in the row's room", p.id),
                Record::Thing(t) => {
                    assert!(t.owner.is_some() && t.place.is_some() && t.vehicle.is_some(), "{kind}: {}", t.id)
                }
                Record::Organization(o) => {
                    assert!(o.legal_representative.is_some() && o.place.is_some(), "{kind}: {}", o.id);
                    assert!(o.credit_code.is_some(), "{kind}: {}", o.id);
                }
                _ => {}
            }
        }
    }
    // Co-tenants and household members share one room: each place is written once.
    for kind in ["population", "rentals"] {
        let r = convert(&file(kind, "{}.csv"), &mapping(kind));
        let mut ids: Vec<&str> =
            r.records.iter().filter(|x| x.record_type() == RecordType::Place).map(|x| x.id().as_str()).collect();
        let n = ids.len();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), n, "{kind}: a place written twice");
    }
}

#[test]
fn init_mapping_on_each_sample_maps_every_column_of_its_ready_mapping_and_converts_every_row() {
    let mut failures = Vec::new();
    for (kind, primary) in KINDS {
        let ready = mapping(kind);
        for form in FORMS {
            let name = file(kind, form);
            let opts =
                InitOptions { file_name: Some(name.clone()), created_at: CREATED_AT.into(), ..Default::default() };
            let text = init_mapping(&bytes(&name), &opts).unwrap_or_else(|e| panic!("{name}: {e}"));
            // The vendor is the one thing left to fill in [ADP-018]: refused until it is.
            let unfilled = Mapping::from_toml(&text).expect_err("the placeholder vendor is refused");
            assert_eq!(unfilled.code(), "adapter-mapping");
            assert!(unfilled.to_string().contains("meta.vendor"), "{unfilled}");
            let text = text.replace("vendor = \"待填写 / to be filled in\"", "vendor = \"苏州邻里示例科技有限公司\"");
            let skeleton = Mapping::from_toml(&text).unwrap_or_else(|e| panic!("{name}: skeleton: {e}\n{text}"));
            assert_eq!(skeleton.record_type(), *primary, "{name}: the skeleton's record\n{text}");
            let got: BTreeMap<String, String> = skeleton.columns().map(|(h, t)| (header_key(h), t.name())).collect();
            for (h, t) in ready.columns() {
                match got.get(&header_key(h)) {
                    Some(g) if *g == t.name() => {}
                    Some(g) => failures.push(format!("{name}: column `{h}`: skeleton {g}, ready {}", t.name())),
                    None => failures.push(format!("{name}: column `{h}` ({}) not mapped by the skeleton", t.name())),
                }
            }
            // The skeleton as written converts every row.
            let r = read_register(&bytes(&name), &skeleton, &RegisterOptions::default())
                .unwrap_or_else(|e| panic!("{name}: with the skeleton: {e}\n{text}"));
            for x in &r.refused {
                failures.push(format!("{name}: with the skeleton, row {} refused: {:?}", x.row, x.reasons));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
