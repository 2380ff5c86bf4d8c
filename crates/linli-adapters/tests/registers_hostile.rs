//! Hostile registers (attack review of issue 12): each once hung the reader, exhausted memory or
//! let a personal value through. Every case must finish, and finish with the right outcome.

use linli_adapters::csv_table::{Mapping, RegisterOptions, TableResult, read_register};

const MAPPING: &str = r#"
[meta]
vendor = "v"
product = "p"
classification = "restricted"
createdAt = "2024-06-01T09:00:00+08:00"
[columns]
"姓名" = "person.name"
"社区" = "place.community"
"#;

fn mapping(extra: &str) -> Mapping {
    Mapping::from_toml(&format!("{MAPPING}{extra}")).expect("mapping")
}

fn read(bytes: &[u8], m: &Mapping) -> TableResult {
    read_register(bytes, m, &RegisterOptions::default()).expect("the register opens")
}

fn codes(r: &TableResult) -> Vec<&'static str> {
    r.findings.iter().map(|f| f.code.as_str()).collect()
}

#[test]
fn a_far_away_cell_in_a_workbook_costs_nothing_and_is_reported() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/hostile/far-cell-xfd1048576.xlsx");
    let bytes = std::fs::read(path).expect("fixture");
    let r = read(&bytes, &mapping(""));
    assert_eq!(r.records.len(), 2, "one person and one place");
    assert!(r.loss.entries.iter().any(|l| l.code == "csv-cells-beyond-columns"));
}

#[test]
fn thousands_of_repeated_titles_are_renamed_in_linear_time() {
    let text = format!("姓名,社区{}\n张三,X{}\n", ",".repeat(5000), ",".repeat(5000));
    let r = read(text.as_bytes(), &mapping(""));
    assert_eq!(r.header.len(), 5002);
    assert_eq!(r.header[3], " (2)");
    assert_eq!(r.records.len(), 2);
}

#[test]
fn text_full_of_stray_quotes_is_read_once() {
    let mut text = String::from("姓名,社区\n");
    for _ in 0..3000 {
        text.push_str("a\"b,\"c\n");
    }
    let r = read(text.as_bytes(), &mapping(""));
    // The first unclosed quotes cost their rows; afterwards every line is a row of its own.
    let malformed = codes(&r).iter().filter(|c| **c == "csv-malformed").count();
    assert_eq!(malformed, linli_adapters::csv_table::MAX_UNCLOSED_QUOTES);
    assert!(r.records.len() > 2000, "{}", r.records.len());
}

#[test]
fn utf16_text_is_refused_as_a_whole() {
    let mut bytes = vec![0xFF, 0xFE];
    for u in "姓名,社区\n张三,X\n".encode_utf16() {
        bytes.extend(u.to_le_bytes());
    }
    let e = read_register(&bytes, &mapping(""), &RegisterOptions::default()).expect_err("refused");
    assert_eq!(e.code(), "adapter-input");
    assert!(e.to_string().contains("UTF-16"));
}

#[test]
fn control_characters_and_personal_numbers_in_place_names_refuse_the_row() {
    let text = "姓名,社区\n张\u{202e}三,X\n李四,320508196804121319社区\n王五,Y\n";
    let r = read(text.as_bytes(), &mapping(""));
    assert_eq!(codes(&r), ["csv-bad-value", "csv-bad-value"]);
    assert_eq!(r.refused.iter().map(|x| x.row).collect::<Vec<_>>(), [2, 3]);
    assert_eq!(r.records.len(), 2);
}

#[test]
fn an_unmapped_cell_holding_an_id_number_in_its_text_is_not_kept() {
    let text = "姓名,社区,备注\n张三,X,身份证320508196804121319\n";
    let r = read(text.as_bytes(), &mapping(""));
    let json = serde_json::to_string(&r.records).expect("json");
    assert!(!json.contains("320508196804121319"), "{json}");
    assert_eq!(codes(&r), ["csv-sensitive-value-not-kept"]);
}

#[test]
fn two_columns_on_one_single_valued_target_are_a_mapping_error() {
    let e = Mapping::from_toml(&format!("{MAPPING}\"名字\" = \"name\"\n")).expect_err("refused");
    assert!(e.to_string().contains("person.name takes one column"), "{e}");
}

#[test]
fn one_place_id_given_to_two_places_refuses_the_later_row() {
    let m = mapping("\"房号\" = \"place.room\"\n\"房屋编号\" = \"place.id\"\n");
    let text = "姓名,社区,房号,房屋编号\n张三,虎丘社区,301,R1\n李四,虎丘社区,301,R1\n王五,枫桥社区,101,R1\n";
    let r = read(text.as_bytes(), &m);
    assert_eq!(codes(&r), ["csv-place-conflict"]);
    assert_eq!(r.refused.iter().map(|x| x.row).collect::<Vec<_>>(), [4]);
}

#[test]
fn a_refused_row_debug_form_carries_no_cell_value() {
    let text = "姓名,社区\n张三\u{202e},X\n";
    let r = read(text.as_bytes(), &mapping(""));
    let debug = format!("{:?}", r.refused);
    assert!(debug.contains("cells: 2") && !debug.contains("张三"), "{debug}");
}

#[test]
fn an_overlong_place_name_refuses_the_row_and_a_mapping_of_left_out_columns_only_is_an_error() {
    let m = mapping("\"房号\" = \"place.room\"\n");
    let text = format!("姓名,社区,房号\n张三,X,{}\n", "9".repeat(3000));
    let r = read(text.as_bytes(), &m);
    assert_eq!(codes(&r), ["csv-bad-value"]);
    assert!(r.records.is_empty());
    let only_left_out = "[meta]\nvendor = \"v\"\nproduct = \"p\"\nclassification = \"restricted\"\n\
        createdAt = \"2024-06-01T09:00:00+08:00\"\n[columns]\n\"序号\" = \"-\"\n";
    let e = Mapping::from_toml(only_left_out).expect_err("refused");
    assert!(e.to_string().contains("maps no column to a target"), "{e}");
}
