#![allow(clippy::unwrap_used, clippy::expect_used)]
//! CSV / Excel adapter: the example population register (GBK, UTF-8, with BOM, Excel), broken
//! rows and values, and a round trip of every field the format can hold.

use linli_adapters::LossKind;
use linli_adapters::csv_table::{Mapping, TableResult, read_table, read_xlsx, write_table};
use linli_model::codes::{CodeTable, EthnicGroup, Gender, IdentifierScheme, PoliticalStatus, Relationship};
use linli_model::{Person, Record};
use quickcheck::{QuickCheck, TestResult};
use serde_json::{Value, json};

fn rt(bytes: &[u8], m: &Mapping, enc: Option<&str>) -> TableResult {
    read_table(bytes, m, enc).expect("the register opens")
}

fn rx(bytes: &[u8], m: &Mapping) -> TableResult {
    read_xlsx(bytes, m).expect("the workbook opens")
}

fn fixture(name: &str) -> Vec<u8> {
    let path = format!("{}/../../examples/adapters/csv/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&path).expect("fixture readable")
}

fn mapping() -> Mapping {
    Mapping::from_toml(&String::from_utf8(fixture("population-register.toml")).unwrap()).expect("mapping valid")
}

fn persons(r: &TableResult) -> Vec<&Person> {
    r.records
        .iter()
        .map(|r| match r {
            Record::Person(p) => p,
            other => panic!("not a person: {other:?}"),
        })
        .collect()
}

/// Every record is valid (no semantic finding at all) and survives JSON.
fn assert_valid(r: &TableResult) {
    for record in &r.records {
        let findings = linli_model::check::check_record(record, &Default::default());
        assert!(findings.is_empty(), "{}: {findings:?}", record.id());
        let json = serde_json::to_string(record).unwrap();
        assert_eq!(&Record::from_json_str(&json).unwrap(), record);
    }
}

fn csv_ext<'a>(p: &'a Person, column: &str) -> Option<&'a Value> {
    p.extensions.0.iter().find(|(k, _)| k.as_str() == "csv").and_then(|(_, m)| m.get(column))
}

fn codes(r: &TableResult) -> Vec<(usize, &'static str)> {
    r.findings.iter().map(|f| (f.row, f.code.as_str())).collect()
}

fn utf8_register() -> String {
    String::from_utf8(fixture("population-register.csv")).unwrap()
}

#[test]
fn gbk_register_converts() {
    let bytes = fixture("population-register-gbk.csv");
    assert!(std::str::from_utf8(&bytes).is_err(), "the fixture is really GBK");
    let r = rt(&bytes, &mapping(), None);
    assert_eq!(r.encoding, "gb18030");
    assert!(r.findings.is_empty(), "{:?}", r.findings);
    assert_eq!(r.records.len(), 8);
    assert_valid(&r);
    let ps = persons(&r);

    let head = ps[0];
    assert_eq!(head.id.as_str(), "RK0001");
    assert_eq!(head.name.as_str(), "沈建国");
    assert_eq!(head.gender, Some(Gender::Male));
    assert_eq!(head.ethnic_group, Some(EthnicGroup::Han));
    assert_eq!(head.birth_date.unwrap().to_string(), "1978-12-16");
    assert_eq!(head.resident_id(), Some("321083197812162119"));
    assert_eq!(head.phones[0].as_str(), "13812345678");
    let h = head.household.as_ref().unwrap();
    assert_eq!((h.household_id.as_str(), h.relationship), ("502201001", Relationship::HouseholdHead));
    assert_eq!(head.political_status, Some(PoliticalStatus::from_code("01").unwrap()));
    assert_eq!(head.meta.source.product.as_str(), "社区人口管理系统");
    assert_eq!(head.meta.created_at.to_string(), "2024-05-01T09:00:00+08:00");
    // The unmapped column 备注 is kept.
    assert_eq!(csv_ext(head, "备注"), Some(&json!("楼长")));
    // The registered address, split into its parts.
    let addr = &csv_ext(head, "户籍地址").unwrap();
    assert_eq!(addr["residenceKind"], "registered");
    let a = &addr["address"];
    assert_eq!(a["fullText"], "江苏省苏州市姑苏区虎丘街道虎丘社区山塘街88号新庄小区3幢2单元501室");
    for (part, v) in [
        ("province", "江苏省"),
        ("city", "苏州市"),
        ("district", "姑苏区"),
        ("subDistrict", "虎丘街道"),
        ("community", "虎丘社区"),
        ("road", "山塘街"),
        ("doorNumber", "88号"),
        ("compound", "新庄小区"),
        ("building", "3幢"),
        ("unit", "2单元"),
        ("room", "501室"),
    ] {
        assert_eq!(a[part], v, "{part}");
    }

    // Labels, value-map overrides, dates and phones written every which way.
    let by_name = |n: &str| *ps.iter().find(|p| p.name.as_str() == n).unwrap();
    let wang = by_name("王丽");
    assert_eq!(wang.ethnic_group, Some(EthnicGroup::Han)); // "汉" via the value map
    assert_eq!(wang.household.as_ref().unwrap().relationship, Relationship::Wife);
    assert_eq!(wang.birth_date.unwrap().to_string(), "1980-03-05");
    assert_eq!(wang.phones[0].as_str(), "13912345678"); // "+86 139 1234 5678"
    let shen = by_name("沈浩");
    assert_eq!(shen.household.as_ref().unwrap().relationship, Relationship::EldestSon);
    assert_eq!(shen.phones[0].as_str(), "13712345678"); // full-width digits
    let li = by_name("李秀英");
    assert_eq!((li.gender, li.ethnic_group), (Some(Gender::Female), Some(EthnicGroup::Hui)));
    assert_eq!(li.birth_date.unwrap().to_string(), "1949-12-31"); // 1949年12月31日
    assert_eq!(li.household.as_ref().unwrap().relationship, Relationship::Mother);
    let a = &csv_ext(li, "户籍地址").unwrap()["address"];
    assert_eq!((&a["province"], &a["city"], &a["district"]), (&Value::Null, &json!("北京市"), &json!("朝阳区")));
    assert_eq!((&a["road"], &a["doorNumber"]), (&json!("建国路"), &json!("12号")));
    let chen = by_name("陈桂兰");
    assert_eq!(chen.birth_date.unwrap().to_string(), "1920-04-03"); // 1920.4.3
    assert!(chen.phones.is_empty());
    assert_eq!(chen.ethnic_group, Some(EthnicGroup::Manchu));
    let ming = by_name("陈明");
    let phones: Vec<_> = ming.phones.iter().map(|p| p.as_str()).collect();
    assert_eq!(phones, ["15012345678", "0512-68881234"]);
    assert_eq!(ming.household.as_ref().unwrap().relationship, Relationship::SonsSon);
    // No 人员编号: the id is generated from the row (the header is row 1).
    let liu = by_name("刘芳");
    assert_eq!(liu.id.as_str(), "P-8");
    assert_eq!(liu.birth_date.unwrap().to_string(), "1990-01-02");
    assert_eq!(by_name("张伟").household.as_ref().unwrap().relationship, Relationship::Husband);

    // The loss report: 4 remarks and 16 addresses kept, values normalised, nothing rejected.
    let kept: Vec<_> = r.loss.of(LossKind::KeptInExtensions).collect();
    assert_eq!(kept.iter().filter(|l| l.code == "csv-column-kept").count(), 4);
    assert_eq!(kept.iter().filter(|l| l.code == "csv-address-kept").count(), 16);
    assert!(
        kept.iter().any(|l| l.source == "row 2 column 备注" && l.target.as_deref() == Some("/extensions/csv/备注"))
    );
    assert_eq!(r.loss.of(LossKind::Rejected).count(), 0);
    let normalised: Vec<_> = r.loss.of(LossKind::Normalised).collect();
    assert!(normalised.iter().any(|l| l.source == "row 2 column 出生日期" && l.code == "csv-date-normalised"));
    assert!(normalised.iter().any(|l| l.source == "row 3 column 联系电话" && l.code == "csv-phone-cleaned"));
    assert!(!normalised.iter().any(|l| l.source == "row 4 column 出生日期")); // already 2005-07-21
    // Full-width digits made half-width are a change of how the number is written [ADP-012].
    assert!(normalised.iter().any(|l| l.source == "row 4 column 联系电话" && l.code == "csv-phone-cleaned"));
    // A landline already written the canonical way is not.
    assert!(!normalised.iter().any(|l| l.source == "row 5 column 联系电话"));

    // Forcing the encoding gives the same records.
    let forced = rt(&bytes, &mapping(), Some("gbk"));
    assert_eq!(forced.encoding, "GBK");
    assert_eq!(forced.records, r.records);
}

#[test]
fn utf8_with_and_without_bom() {
    let gbk = rt(&fixture("population-register-gbk.csv"), &mapping(), None);
    let plain = rt(&fixture("population-register.csv"), &mapping(), None);
    assert_eq!(plain.encoding, "UTF-8");
    let mut bom = b"\xEF\xBB\xBF".to_vec();
    bom.extend(fixture("population-register.csv"));
    let with_bom = rt(&bom, &mapping(), None);
    assert_eq!(with_bom.encoding, "UTF-8");
    // A byte-order mark wins over a wrong forced encoding.
    let forced = rt(&bom, &mapping(), Some("gbk"));
    for r in [&plain, &with_bom, &forced] {
        assert!(r.findings.is_empty(), "{:?}", r.findings);
        assert_eq!(r.records, gbk.records);
        assert_eq!(r.loss, gbk.loss);
    }
}

#[test]
fn malformed_rows_are_reported_and_the_others_convert() {
    let text = utf8_register();
    let mut lines: Vec<&str> = text.lines().collect();
    // Row 3 ragged (a field missing), row 5 with an unclosed quote.
    let ragged = lines[2].rsplit_once(',').unwrap().0.to_owned();
    let unclosed = lines[4].replacen(",李秀英,", ",\"李秀英,", 1);
    lines[2] = &ragged;
    lines[4] = &unclosed;
    let r = rt(lines.join("\n").as_bytes(), &mapping(), None);
    assert_eq!(codes(&r), [(3, "csv-malformed"), (5, "csv-malformed")]);
    assert!(r.findings[1].message_en.contains("unclosed quote"));
    let names: Vec<_> = persons(&r).iter().map(|p| p.name.as_str().to_owned()).collect();
    assert_eq!(names, ["沈建国", "沈浩", "陈桂兰", "陈明", "刘芳", "张伟"]);
    assert_valid(&r);
    // Row numbers after the bad rows are still right.
    assert_eq!(persons(&r)[4].id.as_str(), "P-8");

    // An unclosed quote on the last line.
    let last = format!("{}\n9,\"赵六,男", text.trim_end());
    let r = rt(last.as_bytes(), &mapping(), None);
    assert_eq!(codes(&r), [(10, "csv-malformed")]);
    assert_eq!(r.records.len(), 8);
}

/// The register with one cell replaced: (row as numbered by the findings, column, new value).
fn edited(row: usize, column: &str, value: &str) -> String {
    let text = utf8_register();
    let mut rows: Vec<Vec<String>> =
        text.lines().map(|l| l.split(',').map(str::to_owned).collect()).collect::<Vec<_>>();
    let col = rows[0].iter().position(|h| h == column).unwrap();
    rows[row - 1][col] = value.to_owned();
    rows.iter().map(|r| r.join(",")).collect::<Vec<_>>().join("\n")
}

/// One value that cannot be converted: the row is refused whole (one finding naming the
/// column, never the value), it is among the refused rows with its cells as read (for the
/// rejects file), and the other rows convert [ADP-016].
fn assert_rejected(text: &str, row: usize, column: &str, code: &str, raw: &str) -> TableResult {
    let r = rt(text.as_bytes(), &mapping(), None);
    assert_eq!(codes(&r), [(row, code)], "{:?}", r.findings);
    assert_eq!(r.findings[0].column.as_deref(), Some(column));
    assert!(!r.findings[0].message_zh.contains(raw) || raw.is_empty() || raw == "户主", "no value in a message");
    assert_eq!(r.records.len(), 7);
    assert_valid(&r);
    assert!(persons(&r).iter().all(|p| p.id.as_str() != format!("P-{row}")));
    assert_eq!(r.refused.len(), 1);
    assert_eq!(r.refused[0].row, row);
    let col = r.header.iter().position(|h| h == column).unwrap();
    assert_eq!(r.refused[0].cells[col], raw);
    assert_eq!(r.loss.of(LossKind::Rejected).count(), 0);
    r
}

#[test]
fn unknown_label() {
    assert_rejected(&edited(3, "民族", "火星族"), 3, "民族", "csv-unknown-label", "火星族");
    assert_rejected(&edited(2, "性别", "M?"), 2, "性别", "csv-unknown-label", "M?");
    // Codes and English labels are understood too.
    let r = rt(edited(2, "性别", "male").as_bytes(), &mapping(), None);
    assert!(r.findings.is_empty());
    assert_eq!(persons(&r)[0].gender, Some(Gender::Male));
    let r = rt(edited(2, "民族", "01").as_bytes(), &mapping(), None);
    assert_eq!(persons(&r)[0].ethnic_group, Some(EthnicGroup::Han));
}

#[test]
fn bad_date() {
    for bad in ["1978/13/16", "1978年2月30日", "16.12.1978", "去年"] {
        assert_rejected(&edited(2, "出生日期", bad), 2, "出生日期", "csv-bad-date", bad);
    }
}

#[test]
fn wrong_id_check_character() {
    let r = assert_rejected(
        &edited(2, "公民身份号码", "321083197812162118"),
        2,
        "公民身份号码",
        "csv-bad-id-number",
        "321083197812162118",
    );
    assert!(r.findings[0].message_en.contains("wrong check character"));
    // A lower-case x is normalised, not rejected.
    let r = rt(edited(5, "公民身份号码", "11010519491231002x").as_bytes(), &mapping(), None);
    assert!(r.findings.is_empty());
    assert_eq!(persons(&r)[3].resident_id(), Some("11010519491231002X"));
    assert!(
        r.loss
            .of(LossKind::Normalised)
            .any(|l| l.code == "csv-id-number-normalised" && l.target.as_deref() == Some("/identifiers/0/value"))
    );
}

#[test]
fn bad_phone_and_incomplete_household() {
    assert_rejected(&edited(2, "联系电话", "138123"), 2, "联系电话", "csv-bad-phone", "138123");
    assert_rejected(&edited(2, "户号", ""), 2, "与户主关系", "csv-household-incomplete", "户主");
}

#[test]
fn missing_name_skips_only_that_row() {
    let r = rt(edited(4, "姓名", "").as_bytes(), &mapping(), None);
    assert_eq!(codes(&r), [(4, "csv-missing-required")]);
    assert_eq!(r.records.len(), 7);
    assert_valid(&r);
}

#[test]
fn unmapped_column_is_kept_and_reported() {
    let text = utf8_register().replace("备注\r\n", "备注,楼栋长备注\r\n").replace(",楼长\r\n", ",楼长,好人\r\n");
    let text =
        text.lines().map(|l| if l.ends_with("备注") || l.ends_with("好人") { l.to_owned() } else { format!("{l},") });
    let text: Vec<String> = text.collect();
    let r = rt(text.join("\n").as_bytes(), &mapping(), None);
    assert!(r.findings.is_empty(), "{:?}", r.findings);
    assert_eq!(csv_ext(persons(&r)[0], "楼栋长备注"), Some(&json!("好人")));
    let kept: Vec<_> = r.loss.of(LossKind::KeptInExtensions).filter(|l| l.source.contains("楼栋长备注")).collect();
    assert_eq!(kept.len(), 1);
    assert_eq!(kept[0].target.as_deref(), Some("/extensions/csv/楼栋长备注"));
    // A repeated header: the later column is renamed and kept.
    let r = rt(utf8_register().replace("备注\r\n", "户号\r\n").as_bytes(), &mapping(), None);
    assert_eq!(codes(&r), [(1, "csv-duplicate-column")]);
    assert_eq!(persons(&r)[0].name.as_str(), "沈建国");
    assert_eq!(csv_ext(persons(&r)[0], "户号 (2)"), Some(&json!("楼长")));
    // An unmapped column whose title marks it personal is not kept: one finding, no value.
    let r = rt(utf8_register().replace("备注\r\n", "姓名\r\n").as_bytes(), &mapping(), None);
    assert_eq!(codes(&r), [(1, "csv-duplicate-column"), (1, "csv-sensitive-column-not-kept")]);
    assert_eq!(csv_ext(persons(&r)[0], "姓名 (2)"), None);
    // An unmapped column holding mobile numbers is not kept either: a note once, a loss entry per cell.
    let r = rt(utf8_register().replace(",楼长\r\n", ",13912345678\r\n").as_bytes(), &mapping(), None);
    assert_eq!(codes(&r), [(2, "csv-sensitive-value-not-kept")]);
    assert_eq!(csv_ext(persons(&r)[0], "备注"), None);
    assert_eq!(r.loss.entries.iter().filter(|l| l.code == "csv-sensitive-value-not-kept").count(), 1);
    // A mapped column missing from the header is reported once.
    let r = rt(utf8_register().replace("户号", "户编号").as_bytes(), &mapping(), None);
    assert!(r.findings.iter().any(|f| f.row == 1 && f.code == "csv-missing-column"));
}

#[test]
fn undecodable_bytes_are_reported() {
    let mut bytes = fixture("population-register.csv");
    let at = bytes.windows(6).position(|w| w == "楼长".as_bytes()).unwrap();
    bytes[at] = 0xFF;
    let r = rt(&bytes, &mapping(), Some("utf-8"));
    assert_eq!(r.encoding, "UTF-8");
    assert_eq!(codes(&r), [(2, "csv-encoding")]);
    assert_eq!(r.records.len(), 8);
    let r = rt(&fixture("population-register.csv"), &mapping(), Some("klingon"));
    assert_eq!(codes(&r), [(0, "csv-encoding")]);
    assert_eq!(r.records.len(), 8);
}

#[test]
fn xlsx_register_converts() {
    let r = rx(&fixture("population-register.xlsx"), &mapping());
    assert_eq!(r.encoding, "xlsx");
    let missing: Vec<_> =
        r.findings.iter().map(|f| (f.row, f.code.as_str())).filter(|f| f.1 != "csv-missing-column").collect();
    assert!(missing.is_empty(), "{:?}", r.findings);
    assert_eq!(r.records.len(), 2);
    assert_valid(&r);
    let ps = persons(&r);
    assert_eq!(ps[0].birth_date.unwrap().to_string(), "1978-12-16"); // a date cell
    assert_eq!(ps[0].phones[0].as_str(), "13812345678"); // a number cell
    assert_eq!(ps[0].household.as_ref().unwrap().household_id.as_str(), "502201001");
    assert_eq!(ps[1].birth_date.unwrap().to_string(), "1949-12-31");
    assert_eq!(csv_ext(ps[0], "备注"), Some(&json!("楼长")));

    // A workbook that cannot be read is an error for the whole input.
    let e = read_xlsx(b"PK\x03\x04 not a workbook", &mapping()).unwrap_err();
    assert_eq!(e.code(), "adapter-input");
    // Text given as a workbook is read as what it is, with a note.
    let r = rx(&fixture("population-register.csv"), &mapping());
    assert!(codes(&r).is_empty());
    assert!(r.loss.entries.iter().any(|l| l.code == "csv-format-detected" && l.pointer().is_empty()));
    assert_eq!(r.records.len(), 8);
    // And a workbook given as CSV too.
    let r = rt(&fixture("population-register.xlsx"), &mapping(), None);
    assert!(r.loss.entries.iter().any(|l| l.code == "csv-format-detected"));
    assert_eq!(r.records.len(), 2);
}

#[test]
fn bad_mappings_are_errors() {
    let base = String::from_utf8(fixture("population-register.toml")).unwrap();
    for (from, to) in [
        ("\"姓名\" = \"name\"", "\"姓名\" = \"fullName\""),
        ("\"未知\" = \"0\"", "\"未知\" = \"7\""),
        ("record = \"Person\"", "record = \"Thing\""),
        ("classification = \"restricted\"", "classification = \"secret\""),
        ("idPrefix = \"P\"", "idPrefix = \"中\""),
    ] {
        assert!(base.contains(from));
        assert!(Mapping::from_toml(&base.replace(from, to)).is_err(), "{to}");
    }
}

// ---------------------------------------------------------------------------------------------
// Round trip: canonical → CSV row → canonical

const ROUND_TRIP_MAPPING: &str = r#"
record = "Person"
[meta]
vendor = "v"
product = "p"
classification = "internal"
createdAt = "2025-01-01T00:00:00Z"
[columns]
id = "id"
name = "name"
gender = "gender"
birth = "birthDate"
ethnic = "ethnicGroup"
nationality = "nationality"
education = "education"
political = "politicalStatus"
care = "careTags"
phones = "phones"
hid = "household.householdId"
rel = "household.relationship"
"#;

fn round_trip_mapping() -> String {
    let mut m = ROUND_TRIP_MAPPING.to_owned();
    for s in IdentifierScheme::ALL {
        m.push_str(&format!("\"id-{0}\" = \"identifiers.{0}\"\n", s.code()));
    }
    for k in linli_model::codes::ResidenceKind::ALL {
        m.push_str(&format!("\"at-{0}\" = \"residences.{0}.place\"\n", k.code()));
    }
    m
}

/// The columns of the round-trip mapping and a person's cells.
fn row_of(p: &Person) -> (Vec<String>, Vec<String>) {
    let mut cols: Vec<(String, String)> = vec![
        ("id".into(), p.id.to_string()),
        ("name".into(), p.name.to_string()),
        ("gender".into(), p.gender.map(|c| c.code().to_owned()).unwrap_or_default()),
        ("birth".into(), p.birth_date.map(|d| d.to_string()).unwrap_or_default()),
        ("ethnic".into(), p.ethnic_group.map(|c| c.code().to_owned()).unwrap_or_default()),
        ("nationality".into(), p.nationality.as_ref().map(|c| c.to_string()).unwrap_or_default()),
        ("education".into(), p.education.map(|c| c.code().to_owned()).unwrap_or_default()),
        ("political".into(), p.political_status.map(|c| c.code().to_owned()).unwrap_or_default()),
        ("care".into(), p.care_tags.iter().map(|c| c.code()).collect::<Vec<_>>().join(",")),
        ("phones".into(), p.phones.iter().map(|c| c.as_str()).collect::<Vec<_>>().join(";")),
        ("hid".into(), p.household.as_ref().map(|h| h.household_id.to_string()).unwrap_or_default()),
        ("rel".into(), p.household.as_ref().map(|h| h.relationship.code().to_owned()).unwrap_or_default()),
    ];
    for s in IdentifierScheme::ALL {
        let v = p.identifiers.iter().find(|i| i.scheme == *s).map(|i| i.value.to_string());
        cols.push((format!("id-{}", s.code()), v.unwrap_or_default()));
    }
    for k in linli_model::codes::ResidenceKind::ALL {
        let v = p.residences.iter().find(|r| r.kind == *k).map(|r| r.place.id.to_string());
        cols.push((format!("at-{}", k.code()), v.unwrap_or_default()));
    }
    cols.into_iter().unzip()
}

/// What of a person the format holds: one identifier per scheme without issuer, one residence
/// per kind without dates, the mapping's meta, no extensions, no birth period.
fn projection(p: &Person, meta: &linli_model::Meta) -> Person {
    let mut q = p.clone();
    q.meta = meta.clone();
    q.extensions = Default::default();
    q.birth_period = None;
    q.identifiers = IdentifierScheme::ALL
        .iter()
        .filter_map(|s| p.identifiers.iter().find(|i| i.scheme == *s))
        .map(|i| linli_model::person::Identifier::new(i.scheme, i.value.clone()))
        .collect();
    q.residences = linli_model::codes::ResidenceKind::ALL
        .iter()
        .filter_map(|k| p.residences.iter().find(|r| r.kind == *k))
        .map(|r| linli_model::person::Residence::new(r.place.clone(), r.kind))
        .collect();
    q
}

#[test]
fn arbitrary_persons_round_trip() {
    fn prop(p: Person) -> TestResult {
        let mapping = Mapping::from_toml(&round_trip_mapping()).unwrap();
        let (header, cells) = row_of(&p);
        let mut w = csv::Writer::from_writer(Vec::new());
        w.write_record(&header).unwrap();
        w.write_record(&cells).unwrap();
        let bytes = w.into_inner().unwrap();
        let r = rt(&bytes, &mapping, None);
        let Some(Record::Person(back)) = r.records.first() else {
            return TestResult::error(format!("no record: {:?}", r.findings));
        };
        let expected = projection(&p, &back.meta);
        if back.meta.source.vendor.as_str() != "v" {
            return TestResult::failed();
        }
        TestResult::from_bool(r.findings.is_empty() && r.loss.is_empty() && r.records.len() == 1 && back == &expected)
    }
    QuickCheck::new().tests(300).quickcheck(prop as fn(Person) -> TestResult);
}

// ---------------------------------------------------------------------------------------------
// Writing: canonical → CSV (write_table) → canonical

#[test]
fn arbitrary_persons_written_and_read_back() {
    fn prop(p: Person) -> TestResult {
        let mapping = Mapping::from_toml(&round_trip_mapping()).unwrap();
        let written = write_table(&[Record::Person(p.clone())], &mapping, None).unwrap();
        let r = rt(&written.bytes, &mapping, None);
        let Some(Record::Person(back)) = r.records.first() else {
            return TestResult::error(format!("no record: {:?}", r.findings));
        };
        let expected = projection(&p, &back.meta);
        if back != &expected || r.records.len() != 1 || !r.findings.is_empty() {
            return TestResult::error(format!("{back:?}\n!=\n{expected:?}\n{:?}", r.findings));
        }
        // The loss report names exactly the members the projection changed.
        let (a, b) = (serde_json::to_value(&p).unwrap(), serde_json::to_value(&expected).unwrap());
        let changed: std::collections::BTreeSet<String> = a
            .as_object()
            .unwrap()
            .iter()
            .filter(|(k, v)| b.get(k.as_str()) != Some(v))
            .map(|(k, _)| k.clone())
            .collect();
        let reported: std::collections::BTreeSet<String> = written
            .loss
            .entries
            .iter()
            .map(|l| {
                assert_eq!(l.kind, LossKind::NotRepresentable);
                assert_eq!(l.code.as_str(), "csv-not-representable");
                l.source.trim_start_matches("/0/").split('/').next().unwrap().to_owned()
            })
            .collect();
        if changed != reported {
            return TestResult::error(format!("changed {changed:?}, reported {reported:?}"));
        }
        TestResult::passed()
    }
    QuickCheck::new().tests(300).quickcheck(prop as fn(Person) -> TestResult);
}

#[test]
fn the_register_written_back_reads_the_same_in_utf8_and_gbk() {
    let m = mapping();
    let first = rt(&fixture("population-register.csv"), &m, None);
    assert!(first.records.len() >= 2);
    for encoding in [None, Some("gbk"), Some("gb18030")] {
        let written = write_table(&first.records, &m, encoding).unwrap();
        assert!(written.loss.is_empty(), "{encoding:?}: {:?}", written.loss);
        assert_eq!(written.rows, first.records.len());
        if encoding.is_none() {
            assert!(written.bytes.starts_with(b"\xEF\xBB\xBF"), "UTF-8 is written with a BOM");
        } else {
            assert!(std::str::from_utf8(&written.bytes).is_err(), "GBK bytes are not UTF-8");
        }
        let again = rt(&written.bytes, &m, encoding);
        assert_eq!(again.records, first.records, "{encoding:?}");
        // Nothing but the normalisations of the first import is reported the second time.
        assert!(again.loss.of(LossKind::Normalised).count() < first.loss.of(LossKind::Normalised).count());
        // The labels are written as the register writes them.
        let text = encoding_rs::GB18030.decode(&written.bytes).0;
        let header = text.lines().next().unwrap().trim_start_matches('\u{feff}');
        assert!(header.starts_with("人员编号,姓名,性别,民族,出生日期,公民身份号码,联系电话"), "{header}");
        assert!(text.contains(",男,") && text.contains("户主") && text.contains("楼长"), "{text}");
    }
}

#[test]
fn writing_reports_what_a_table_cannot_hold() {
    let m = mapping();
    let mut recs = rt(&fixture("population-register.csv"), &m, None).records;
    let Some(Record::Person(p)) = recs.first_mut() else { panic!() };
    p.care_tags.push(linli_model::codes::CareTag::ALL[0]);
    let place: Value = serde_json::from_str(include_str!("../../../examples/records/place-room.json")).unwrap();
    recs.push(Record::from_value(place).unwrap());
    let w = write_table(&recs, &m, None).unwrap();
    let got: Vec<(&str, &str)> = w.loss.entries.iter().map(|l| (l.code.as_str(), l.source.as_str())).collect();
    assert_eq!(
        got,
        [
            ("csv-not-representable", "/0/careTags"),
            ("csv-record-type-not-representable", &*format!("/{}", recs.len() - 1))
        ]
    );
    assert_eq!(w.rows, recs.len() - 1);
    // A character GBK lacks is reported, not silently replaced.
    let Some(Record::Person(p)) = recs.first_mut() else { panic!() };
    p.name = linli_model::text::Text::new("沈建国😀").unwrap();
    let w = write_table(&recs[..1], &m, Some("gbk")).unwrap();
    assert!(
        // The pointer names the record in the input (chapter 22); the output row is its target.
        w.loss.entries.iter().any(|l| l.code == "csv-encoding-unrepresentable"
            && l.source == "/0"
            && l.target.as_deref() == Some("row 2")),
        "{:?}",
        w.loss
    );
    assert!(write_table(&recs, &m, Some("klingon")).is_err());
}

/// [ADP-010]: bytes that are not text are refused as a whole (`csv-not-text`) with the byte
/// offset and line of the first offending byte, instead of being read as rows of garbage (a
/// binary file with tabs came out as a TSV); GBK text with tabs still reads as a table.
#[test]
fn bytes_that_are_not_text_are_refused_with_offset_and_line() {
    let m = mapping();
    // A NUL byte (a binary file, or UTF-16 without a byte-order mark), tabs and all.
    let binary = b"\x89PNG\t\x1a\n\tIHDR\x00\x00\x10\t\xff";
    match read_table(binary, &m, None) {
        Err(e @ linli_adapters::Error::NotText { offset: 12, line: 2, nul: true }) => {
            assert_eq!(e.code(), "csv-not-text");
            assert!(e.message(false).contains("byte offset 12 (line 2)"), "{}", e.message(false));
            assert!(e.message(true).contains("第 2 行（字节偏移 12）"), "{}", e.message(true));
        }
        other => panic!("{:?}", other.map(|r| r.records.len())),
    }
    // Valid neither as UTF-8 nor as GB18030 (0xFF is no GB18030 lead byte); forced, it is read.
    let neither = "姓名\t性别\n".as_bytes().iter().chain(b"a\t\xff\xfe\n").copied().collect::<Vec<u8>>();
    match read_table(&neither, &m, None) {
        Err(e @ linli_adapters::Error::NotText { offset: 16, line: 2, nul: false }) => {
            assert!(e.message(false).contains("--encoding"), "{}", e.message(false));
        }
        other => panic!("{:?}", other.map(|r| r.records.len())),
    }
    // (The mapping's columns are not in this header: what matters is that the bytes are read.)
    let not_text =
        |r: &Result<TableResult, linli_adapters::Error>| matches!(r, Err(linli_adapters::Error::NotText { .. }));
    assert!(!not_text(&read_table(&neither, &m, Some("gb18030"))));
    // GBK text with tabs is a table (read, not refused).
    let (gbk, _, _) = encoding_rs::GBK.encode("姓名\t性别\n张三\t男\n");
    assert!(std::str::from_utf8(&gbk).is_err());
    assert!(!not_text(&read_table(&gbk, &m, None)));
}

/// [ADP-081]: no cell written starts a formula. Before, a name `=HYPERLINK(…)` was written raw
/// and a spreadsheet program opening the file ran it.
#[test]
fn cells_that_start_a_formula_are_neutralised() {
    let m = mapping();
    let mut recs = rt(&fixture("population-register.csv"), &m, None).records;
    recs.truncate(1);
    let Some(Record::Person(p)) = recs.first_mut() else { panic!() };
    p.name = linli_model::text::Text::new("=HYPERLINK(\"http://x.example\",\"a\")").unwrap();
    let w = write_table(&recs, &m, None).unwrap();
    let text = String::from_utf8_lossy(&w.bytes);
    assert!(text.contains("\"'=HYPERLINK("), "{text}");
    assert!(!text.contains(",=HYPERLINK") && !text.contains("\"=HYPERLINK"), "{text}");
    assert!(w.loss.entries.iter().any(|l| l.code == "csv-cell-neutralised" && l.source == "/0"), "{:?}", w.loss);
    // The opt-out writes it as it is, with no entry.
    let raw = linli_adapters::csv_table::write_table_raw(&recs, &m, None).unwrap();
    assert!(String::from_utf8_lossy(&raw.bytes).contains("\"=HYPERLINK("));
    assert!(raw.loss.entries.iter().all(|l| l.code != "csv-cell-neutralised"));
    // The rejects file too.
    let mut out = Vec::new();
    linli_adapters::csv_table::write_rejects_row(&mut out, encoding_rs::UTF_8, 2, &["=1+1".into(), "@x".into()], "r")
        .unwrap();
    assert_eq!(String::from_utf8(out).unwrap(), "'=1+1,'@x,r\n");
    assert_eq!(linli_adapters::csv_table::neutralise_cell("-3"), "'-3");
    assert_eq!(linli_adapters::csv_table::neutralise_cell("张三"), "张三");
}
