//! Division codes against China's own list: the NBS statistical division codes (2023) in
//! `../shared/data/admin-divisions/`, beside the repository like the FIWARE fixtures the adapter
//! tests read (nothing of it is copied here) `[PLA-006]`.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::path::PathBuf;
use std::process::ExitCode;

use linli_model::codes::{CodeTable, Province, division_code_shape};
use support::{root, run};

fn shared(file: &str) -> PathBuf {
    let dir = root().join("../shared/data/admin-divisions");
    assert!(
        dir.is_dir(),
        "division codes not found at {} (expected shared/data/admin-divisions beside the repository)",
        dir.display()
    );
    dir.join(file)
}

/// The rows of one file of the list, each as column name → value.
fn rows(file: &str) -> Vec<std::collections::HashMap<String, String>> {
    let mut r = csv::Reader::from_path(shared(file)).unwrap();
    let headers = r.headers().unwrap().clone();
    r.records()
        .map(|row| headers.iter().map(str::to_owned).zip(row.unwrap().iter().map(str::to_owned)).collect())
        .collect()
}

/// Every province of the list is a province code of Linli's table, under the same name.
#[test]
fn every_province_of_the_list_is_a_province_code_of_the_same_name() {
    let provinces = rows("provinces.csv");
    assert_eq!(provinces.len(), 31, "the 31 provinces of the mainland");
    for p in &provinces {
        let province = Province::from_code(&p["code"]).unwrap_or_else(|| panic!("{p:?}: not a province code"));
        assert_eq!(province.label_zh(), p["name"], "{p:?}");
    }
}

/// Every county-level (6-digit) and township-level (9-digit) code of the list has the shape Linli
/// requires and names the province the list gives it: the shape check refuses no real code.
#[test]
fn every_county_and_township_code_of_the_list_is_well_shaped() {
    for (file, len, at_least) in [("areas.csv", 6, 2900), ("streets.csv", 9, 40_000)] {
        let list = rows(file);
        assert!(list.len() >= at_least, "{file}: {} codes", list.len());
        for row in &list {
            let code = &row["code"];
            assert_eq!(code.len(), len, "{file}: {row:?}");
            let province = division_code_shape(code).unwrap_or_else(|e| panic!("{file}: {code}: {e}"));
            assert_eq!(province.code(), row["provinceCode"], "{file}: {row:?}");
            linli_model::text::DivisionCode::new(code.as_str()).unwrap();
        }
    }
}

/// With the list given as `--divisions`, a real code (虎丘街道) is known and a well-shaped code the
/// list does not have is reported `division-code-unknown`; without it, neither is reported.
#[test]
fn validate_with_the_list_knows_real_codes_and_reports_made_up_ones() {
    let dir = std::env::temp_dir().join(format!("linli-divisions-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let example: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(root().join("examples/records/place-community.json")).unwrap())
            .unwrap();
    let mut lines = String::new();
    for (id, code) in [("L-REAL", "320508022"), ("L-MADE-UP", "320508099")] {
        let mut place = example.clone();
        place["id"] = id.into();
        place["divisionCode"] = code.into();
        lines += &format!("{place}\n");
    }
    let file = dir.join("places.ndjson");
    std::fs::write(&file, lines).unwrap();
    let file = file.display().to_string();
    let streets = shared("streets.csv").display().to_string();
    let (code, out) = run(&["--lang", "en", "validate", "--divisions", &streets, &file]);
    assert_eq!(code, ExitCode::SUCCESS, "a warning only: {out}");
    assert_eq!(out.matches("[division-code-unknown]").count(), 1, "{out}");
    assert!(out.contains("[division-code-unknown] Place L-MADE-UP /divisionCode"), "{out}");
    assert!(!out.contains("Place L-REAL"), "{out}");
    let (code, out) = run(&["--lang", "en", "validate", &file]);
    assert_eq!(code, ExitCode::SUCCESS, "{out}");
    assert!(!out.contains("division-code-unknown"), "{out}");
    std::fs::remove_dir_all(&dir).ok();
}

/// A table that does not read is a usage error that names the line and what is wrong, in each
/// language.
#[test]
fn a_division_table_that_does_not_read_names_the_line_in_each_language() {
    let dir = std::env::temp_dir().join(format!("linli-divisions-bad-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let table = dir.join("d.csv");
    std::fs::write(&table, "code,name\n320508,姑苏区\nabc,b\n").unwrap();
    let (table, file) = (table.display().to_string(), root().join("examples/records").display().to_string());
    let (code, en) = run(&["--lang", "en", "validate", "--divisions", &table, &file]);
    assert_eq!(code, ExitCode::from(2), "{en}");
    assert_eq!(en, format!("error[usage]: division table {table}, line 3: `abc` is not a division code"));
    let (code, zh) = run(&["--lang", "zh", "validate", "--divisions", &table, &file]);
    assert_eq!(code, ExitCode::from(2), "{zh}");
    assert_eq!(zh, format!("error[usage]: {table}：行政区划表无法读取：第 3 行：`abc` 不是行政区划代码"));
    std::fs::remove_dir_all(&dir).ok();
}
