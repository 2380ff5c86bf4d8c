//! What must hold for ANY input to a reader (issue 11, item 9), shared by the cargo-fuzz targets
//! (`fuzz/fuzz_targets/*.rs`) and the replay test on stable Rust (`tests/fuzz_corpus.rs`), both of
//! which include this file with `#[path]`.
//!
//! For every target: `linli_adapters::convert::read` with fixed options does not panic; when it
//! gives records, every record serialises and re-parses (strict reading, [`Record::from_json_str`])
//! to an equal value; every finding and every loss entry has a non-empty code that is in
//! [`linli_adapters::codes::CODES`] and a message in both languages; the loss report serialises.
//! A hang is caught by the fuzzer's `-timeout`.
//!
//! [`check_valid`] adds [ADP-004]: no record has a semantic finding of level error
//! (`linli_model::check::check_record`; `convert::read` refuses such records). The fuzz targets
//! and the replay test check it always, unless the environment variable `LINLI_FUZZ_SKIP_ADP004`
//! is set (to look for crashes alone).

#![allow(dead_code, unreachable_pub)]

use linli_adapters::codes::CODES;
use linli_adapters::convert::{Format, ReadOptions, read};
use linli_adapters::csv_table::Mapping;
use linli_model::Record;
use linli_model::datetime::Timestamp;

/// Every fuzz target: its name (directory under `fuzz/corpus/`, binary under `fuzz/fuzz_targets/`)
/// and the format it reads.
pub const TARGETS: &[(&str, Format)] = &[
    ("ngsi_ld", Format::NgsiLd),
    ("gat1400", Format::Gat1400),
    ("geojson", Format::Geojson),
    ("cloudevents", Format::Cloudevents),
    ("open311", Format::Open311),
    ("open311_xml", Format::Open311Xml),
    ("csv", Format::Csv),
];

/// The fixed time of conversion every target reads with.
pub const RECEIVED_AT: &str = "2024-05-22T09:00:00+08:00";

/// The fixed column mapping of the `csv` target: the headers of the example population register
/// (`examples/adapters/csv/`, so that its rows and the CSV conformance vectors are useful seeds),
/// every other kind of target once, a value map, and the default delimiter (see the `csv_table`
/// module documentation).
pub const CSV_MAPPING: &str = r#"
record = "Person"
idPrefix = "P"

[meta]
vendor = "Fuzz"
product = "Register"
classification = "restricted"
createdAt = "2024-05-01T09:00:00+08:00"

[columns]
"人员编号" = "id"
"姓名" = "name"
"性别" = "gender"
"民族" = "ethnicGroup"
"出生日期" = "birthDate"
"公民身份号码" = "identifiers.resident-id"
"联系电话" = "phones"
"户籍地址" = "residences.registered"
"现住址" = "residences.permanent"
"住所" = "residences.permanent.place"
"户号" = "household.householdId"
"与户主关系" = "household.relationship"
"政治面貌" = "politicalStatus"
"关爱" = "careTags"
"国籍" = "nationality"
"学历" = "education"

[values."性别"]
"男" = "1"
"女" = "2"
"#;

/// The fixed options of a target.
pub fn options(format: Format) -> ReadOptions {
    let at = Timestamp::parse(RECEIVED_AT).expect("fixed timestamp parses");
    let mut opts = ReadOptions::new(at);
    if format == Format::Csv {
        opts.mapping = Some(Mapping::from_toml(CSV_MAPPING).expect("fixed mapping reads"));
    }
    opts
}

fn known(code: &str) -> bool {
    !code.is_empty() && CODES.iter().any(|c| c.code == code)
}

/// Read `bytes` as `format` and check every invariant; panics (naming the one that failed) when
/// one does not hold.
pub fn check(format: Format, bytes: &[u8], opts: &ReadOptions) {
    check_valid(format, bytes, opts, true);
}

/// Whether the fuzz targets also check [ADP-004] (yes, unless `LINLI_FUZZ_SKIP_ADP004` is set).
pub fn adp004_from_env() -> bool {
    std::env::var_os("LINLI_FUZZ_SKIP_ADP004").is_none()
}

/// [`check`], and with `adp004` also: no record has a semantic finding of level error [ADP-004].
pub fn check_valid(format: Format, bytes: &[u8], opts: &ReadOptions, adp004: bool) {
    let converted = match read(format, bytes, opts) {
        Ok(c) => c,
        Err(e) => {
            assert!(!e.code().is_empty(), "error without a code");
            assert!(!e.message(true).is_empty() && !e.message(false).is_empty(), "error without a message");
            return;
        }
    };
    for (i, record) in converted.records.iter().enumerate() {
        let json = match serde_json::to_string(record) {
            Ok(j) => j,
            Err(e) => panic!("record {i} does not serialise: {e}"),
        };
        match Record::from_json_str(&json) {
            Ok(back) => assert!(&back == record, "record {i} re-parses to a different value: {json}"),
            Err(e) => panic!("record {i} does not re-parse ({e}): {json}"),
        }
        if adp004 {
            let errors: Vec<_> = linli_model::check::check_record(record, &Default::default())
                .into_iter()
                .filter(|f| f.level == linli_model::check::Level::Error)
                .map(|f| (f.code, f.pointer)) // never the value: it may be personal data
                .collect();
            assert!(errors.is_empty(), "record {i} is not valid [ADP-004]: {errors:?}");
        }
    }
    for f in &converted.findings {
        assert!(known(f.code.as_str()), "finding code `{}` is not in codes::CODES", f.code.as_str());
        assert!(
            !f.message_zh.is_empty() && !f.message_en.is_empty(),
            "finding `{}` without a message",
            f.code.as_str()
        );
    }
    for l in &converted.loss.entries {
        assert!(known(l.code.as_str()), "loss code `{}` is not in codes::CODES", l.code.as_str());
        assert!(
            !l.message_zh.is_empty() && !l.message_en.is_empty(),
            "loss entry `{}` without a message",
            l.code.as_str()
        );
    }
    if let Err(e) = serde_json::to_string(&converted.loss) {
        panic!("loss report does not serialise: {e}");
    }
}
