//! CSV and Excel exports (人口登记表 and the like) ⇄ canonical records, driven by a column mapping.
//!
//! Community systems export their registers as spreadsheets: one row per person, one column per
//! attribute, Chinese headers, Chinese labels instead of codes, dates and phone numbers written
//! every which way, often in GBK. A [`Mapping`] says which column goes where; [`read_table`]
//! (CSV) and [`read_xlsx`] (first sheet of an Excel workbook) turn the rows into [`Record`]s.
//! [`write_table`] writes Persons back as a CSV table with the same mapping (`[ADP-013]`).
//! Only `Person` records are produced so far.
//!
//! # The mapping file (TOML)
//!
//! ```toml
//! record = "Person"            # record type produced by every row (required; only "Person")
//! idPrefix = "P"               # generated ids are "<idPrefix>-<row>" (optional, default "row")
//! delimiter = ","              # field delimiter, one ASCII character (optional, default ",")
//!
//! [meta]                       # the `meta` of every record (required)
//! vendor = "某某科技有限公司"   # meta.source.vendor (required)
//! product = "社区人口管理系统"  # meta.source.product (required)
//! version = "2.3"              # meta.source.version (optional)
//! classification = "restricted"  # meta.classification, a data-classification code (required)
//! createdAt = "2024-05-01T09:00:00+08:00"  # RFC 3339; meta.createdAt and meta.updatedAt (required)
//!
//! [columns]                    # column header → target (see the table below)
//! "姓名" = "name"
//! "公民身份号码" = "identifiers.resident-id"
//!
//! [values."性别"]              # value map of one column (by header): cell text → code
//! "男" = "1"
//! ```
//!
//! Targets (Person):
//!
//! | target | value | transform |
//! |---|---|---|
//! | `id` | record id | an empty cell gives the generated id `<idPrefix>-<row>` |
//! | `name` | `name` (required: a row without it is not converted) | trimmed |
//! | `gender`, `ethnicGroup`, `education`, `politicalStatus` | the code | code lookup (below) |
//! | `household.relationship` | `household.relationship` | code lookup (GB/T 4761) |
//! | `careTags` | `careTags` | list; code lookup of each item |
//! | `nationality` | `nationality` (ISO 3166-1 alpha-3) | value map, else the cell itself |
//! | `birthDate` | `birthDate` | date (below) |
//! | `identifiers.<scheme>` | an identifier of that identifier-scheme code, e.g. `identifiers.resident-id` | resident IDs: full-width digits → ASCII, `x` → `X`, GB 11643 check |
//! | `phones` | `phones` | list; phone cleaning (below) |
//! | `residences.<kind>` | address text of a residence of that residence-kind code, e.g. `residences.registered` | address parsing (below); kept in extensions |
//! | `residences.<kind>.place` | id of the Place of that residence | gives `residences[] = {place, kind}` |
//! | `household.householdId` | `household.householdId` (户号) | — (a household needs both members) |
//!
//! Every cell is trimmed first; an empty cell is absent. Lists (`phones`, `careTags`) are split
//! at `;` `；` `,` `，` `、` `/` and whitespace between items.
//!
//! **Code lookup**: the column's value map first (`[values."<header>"]`, explicit overrides),
//! then the code itself (`1`, `01`), then the table's Chinese label (`汉族`, `户主`, `长子`), then
//! its English label (case-insensitive). Value maps are checked when the mapping is read: every
//! value must be a code of the column's table.
//!
//! **Dates**: `1990-01-02`, `1990/1/2`, `1990.1.2`, `19900102`, `1990年1月2日` (full-width digits
//! too) all become `1990-01-02`; a trailing time of day (`1990-01-02 00:00:00`) is dropped.
//!
//! **Phones**: spaces and full-width characters are normalised (`１３８ １２３４ ５６７８` →
//! `13812345678`); a `+86`, `0086`, `86-` or `86 ` prefix is removed when what is left is a
//! mainland mobile or landline number. A number that still has no known shape is rejected.
//!
//! **Addresses**: there is no Place id in a register, so the address text is kept in
//! `extensions.csv.<header>` as `{"residenceKind": "<kind>", "address": <StandardAddress>}`.
//! The StandardAddress always has `fullText`; when the text reads as 省 市 区/县 街道/镇/乡 社区/村
//! 路/街/巷 号 小区 幢/栋 单元 层 室 (each part optional, in that order) its parts are filled in too.
//!
//! # What happens to each cell
//!
//! - A column without a target: its non-empty cells go into `extensions.csv.<header>` as text,
//!   [`LossKind::KeptInExtensions`] (`csv-column-kept`).
//! - A value changed on the way (date, phone, ID number written differently): [`LossKind::Normalised`].
//! - A value that cannot be converted (unknown label, bad date, wrong ID check character, bad
//!   phone): the record is kept without it, the raw text goes into `extensions.csv.<header>`,
//!   [`LossKind::Rejected`] and a [`RowFinding`].
//!
//! Finding codes: `csv-malformed` (ragged row, unclosed quote: the row is skipped),
//! `csv-encoding` (undecodable bytes, replaced by U+FFFD; unknown forced encoding),
//! `csv-missing-required` (no name: the row is skipped), `csv-missing-column` (a mapped column
//! is not in the header), `csv-unknown-label`, `csv-bad-date`, `csv-bad-id-number`,
//! `csv-bad-phone`, `csv-bad-value` (a value the target cannot hold), `csv-bad-record-id` (an
//! invalid id: the generated id is used), `csv-household-incomplete` (户号 without 与户主关系 or
//! the reverse), `csv-duplicate-column` (a repeated header: the later column is renamed
//! `<header> (2)`, …), `csv-empty` (no header row), `xlsx-unreadable` (not an Excel workbook).
//!
//! Rows are numbered from 1, the header being row 1, as a spreadsheet shows them; row 0 means
//! the file as a whole.

use crate::loss::token;
use std::collections::BTreeMap;
use std::sync::LazyLock;

use linli_model::check::{id_number, phone};
use linli_model::codes::{
    CareTag, CodeTable, DataClassification, Education, EthnicGroup, Gender, IdentifierScheme, PoliticalStatus,
    Relationship, ResidenceKind,
};
use linli_model::datetime::{Date, Timestamp};
use linli_model::person::{Household, Identifier, Residence};
use linli_model::place::StandardAddress;
use linli_model::reference::PlaceRef;
use linli_model::text::{CountryCode, HouseholdId, Id, Namespace, PhoneNumber, Text};
use linli_model::{Meta, Person, Record, RecordType};
use regex::Regex;
use serde::Deserialize;
use serde_json::{Map, Value};

use crate::{Error, Loss, LossKind, LossReport};

const FORMAT: &str = "CSV mapping";
/// The extension namespace unmapped and rejected cells are kept under.
const NAMESPACE: &str = "csv";

/// Where a column goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Target {
    Id,
    Name,
    Gender,
    EthnicGroup,
    Education,
    PoliticalStatus,
    Relationship,
    CareTags,
    Nationality,
    BirthDate,
    Identifier(IdentifierScheme),
    Phones,
    ResidenceAddress(ResidenceKind),
    ResidencePlace(ResidenceKind),
    HouseholdId,
}

impl Target {
    fn parse(s: &str) -> Option<Target> {
        Some(match s {
            "id" => Target::Id,
            "name" => Target::Name,
            "gender" => Target::Gender,
            "ethnicGroup" => Target::EthnicGroup,
            "education" => Target::Education,
            "politicalStatus" => Target::PoliticalStatus,
            "household.relationship" => Target::Relationship,
            "household.householdId" => Target::HouseholdId,
            "careTags" => Target::CareTags,
            "nationality" => Target::Nationality,
            "birthDate" => Target::BirthDate,
            "phones" => Target::Phones,
            _ => {
                if let Some(scheme) = s.strip_prefix("identifiers.") {
                    return IdentifierScheme::from_code(scheme).map(Target::Identifier);
                }
                let kind = s.strip_prefix("residences.")?;
                return match kind.strip_suffix(".place") {
                    Some(kind) => ResidenceKind::from_code(kind).map(Target::ResidencePlace),
                    None => ResidenceKind::from_code(kind).map(Target::ResidenceAddress),
                };
            }
        })
    }

    /// Whether `code` is a code of the table this target looks values up in (`None`: the target
    /// has no value map).
    fn accepts_code(self, code: &str) -> Option<bool> {
        fn has<T: CodeTable>(code: &str) -> Option<bool> {
            Some(T::from_code(code).is_some())
        }
        match self {
            Target::Gender => has::<Gender>(code),
            Target::EthnicGroup => has::<EthnicGroup>(code),
            Target::Education => has::<Education>(code),
            Target::PoliticalStatus => has::<PoliticalStatus>(code),
            Target::Relationship => has::<Relationship>(code),
            Target::CareTags => has::<CareTag>(code),
            Target::Nationality => Some(CountryCode::new(code).is_ok()),
            _ => None,
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct MappingFile {
    record: String,
    #[serde(default)]
    id_prefix: Option<String>,
    #[serde(default)]
    delimiter: Option<String>,
    meta: MetaFile,
    #[serde(default)]
    columns: BTreeMap<String, String>,
    #[serde(default)]
    values: BTreeMap<String, BTreeMap<String, String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct MetaFile {
    vendor: String,
    product: String,
    #[serde(default)]
    version: Option<String>,
    classification: String,
    created_at: String,
}

/// A column mapping: which column of a table goes where in the records (format in the module
/// documentation).
#[derive(Debug, Clone)]
pub struct Mapping {
    record_type: RecordType,
    meta: Meta,
    id_prefix: String,
    delimiter: u8,
    columns: BTreeMap<String, Target>,
    values: BTreeMap<String, BTreeMap<String, String>>,
}

impl Mapping {
    /// Read a mapping from TOML text; fails with a message naming the offending key.
    pub fn from_toml(text: &str) -> Result<Mapping, Error> {
        let bad = |message: String| Error::Input { format: FORMAT, message };
        let file: MappingFile = toml::from_str(text).map_err(|e| bad(e.to_string()))?;
        let record_type = RecordType::from_code(&file.record)
            .filter(|t| *t == RecordType::Person)
            .ok_or_else(|| bad(format!("record: `{}` is not supported (only `Person`)", file.record)))?;
        let text = |key: &str, v: String| Text::new(v).map_err(|e| bad(format!("meta.{key}: {e}")));
        let classification = DataClassification::from_code(&file.meta.classification)
            .ok_or_else(|| bad(format!("meta.classification: unknown code `{}`", file.meta.classification)))?;
        let at = Timestamp::parse(&file.meta.created_at).map_err(|e| bad(format!("meta.createdAt: {e}")))?;
        let mut meta =
            Meta::new(text("vendor", file.meta.vendor)?, text("product", file.meta.product)?, at, classification);
        meta.source.version = file.meta.version.map(|v| text("version", v)).transpose()?;
        let id_prefix = file.id_prefix.unwrap_or_else(|| "row".to_owned());
        Id::new(format!("{id_prefix}-1")).map_err(|e| bad(format!("idPrefix: `{id_prefix}-1` is not an id: {e}")))?;
        let delimiter = match file.delimiter.as_deref().map(str::as_bytes) {
            None => b',',
            Some([d]) if d.is_ascii() && !matches!(d, b'"' | b'\n' | b'\r') => *d,
            Some(_) => return Err(bad("delimiter: must be one ASCII character other than `\"` or a newline".into())),
        };
        let mut columns = BTreeMap::new();
        for (header, target) in file.columns {
            let t = Target::parse(&target)
                .ok_or_else(|| bad(format!("columns.\"{header}\": unknown target `{target}`")))?;
            columns.insert(header, t);
        }
        for (header, map) in &file.values {
            let Some(target) = columns.get(header) else {
                return Err(bad(format!("values.\"{header}\": the column has no target in [columns]")));
            };
            for (label, code) in map {
                match target.accepts_code(code) {
                    None => return Err(bad(format!("values.\"{header}\": the column's target takes no value map"))),
                    Some(false) => {
                        return Err(bad(format!(
                            "values.\"{header}\".\"{label}\": `{code}` is not a code of the target"
                        )));
                    }
                    Some(true) => {}
                }
            }
        }
        Ok(Mapping { record_type, meta, id_prefix, delimiter, columns, values: file.values })
    }

    /// The record type every row becomes.
    pub fn record_type(&self) -> RecordType {
        self.record_type
    }
}

/// A problem with one row (or, with `row` 0, the whole file).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct RowFinding {
    /// Row number, 1-based, the header being row 1; 0 for the file as a whole.
    pub row: usize,
    /// The column header, when one column is concerned.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub column: Option<String>,
    /// Stable code, e.g. `csv-bad-date`.
    pub code: &'static str,
    /// Chinese explanation.
    pub message_zh: String,
    /// English explanation.
    pub message_en: String,
}

/// What reading a table gives.
#[derive(Debug, Clone, Default)]
pub struct TableResult {
    /// One record per converted row, in row order.
    pub records: Vec<Record>,
    /// Everything not carried over unchanged.
    pub loss: LossReport,
    /// Problems, by row.
    pub findings: Vec<RowFinding>,
    /// The text encoding read (`UTF-8`, `GBK`, `gb18030`, …), `xlsx` for an Excel workbook.
    pub encoding: &'static str,
}

impl TableResult {
    fn finding(&mut self, row: usize, column: Option<&str>, code: &'static str, zh: String, en: String) {
        self.findings.push(RowFinding { row, column: column.map(str::to_owned), code, message_zh: zh, message_en: en });
    }
}

/// Read a CSV export with `mapping`. `encoding` forces a text encoding by its WHATWG label
/// (`utf-8`, `gbk`, `gb18030`, …); a byte-order mark wins over it. Without either, valid UTF-8
/// is read as UTF-8 and anything else as GB18030 (a superset of GBK and GB2312).
pub fn read_table(bytes: &[u8], mapping: &Mapping, encoding: Option<&str>) -> TableResult {
    let mut out = TableResult::default();
    let text = decode(bytes, encoding, &mut out);
    let rows = split_csv(&text, mapping.delimiter, &mut out);
    convert_rows(rows, mapping, &mut out);
    out.findings.sort_by_key(|f| f.row);
    out
}

/// Read the first sheet of an Excel workbook (`.xlsx`) with `mapping`; cells are turned into
/// text (whole numbers without a fraction, dates as `YYYY-MM-DD`) and then read like CSV cells.
/// Input that is not a workbook gives one `xlsx-unreadable` finding and no records.
pub fn read_xlsx(bytes: &[u8], mapping: &Mapping) -> TableResult {
    use calamine::Reader;
    let mut out = TableResult { encoding: "xlsx", ..TableResult::default() };
    let range = calamine::open_workbook_from_rs::<calamine::Xlsx<_>, _>(std::io::Cursor::new(bytes))
        .map_err(|e| e.to_string())
        .and_then(|mut wb| match wb.worksheet_range_at(0) {
            Some(r) => r.map_err(|e| e.to_string()),
            None => Err("the workbook has no sheet".to_owned()),
        });
    match range {
        Ok(range) => {
            let rows = range.rows().enumerate().map(|(i, r)| (i + 1, r.iter().map(cell_text).collect())).collect();
            convert_rows(rows, mapping, &mut out);
        }
        Err(e) => out.finding(
            0,
            None,
            "xlsx-unreadable",
            format!("不是可读取的 Excel 工作簿：{e}"),
            format!("not a readable Excel workbook: {e}"),
        ),
    }
    out
}

/// The text of one Excel cell.
fn cell_text(cell: &calamine::Data) -> String {
    use calamine::Data;
    match cell {
        Data::Empty => String::new(),
        Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
        Data::Int(i) => i.to_string(),
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{f:.0}"),
        Data::Float(f) => f.to_string(),
        Data::Bool(b) => b.to_string(),
        Data::DateTime(d) => excel_date(d.as_f64()).unwrap_or_else(|| d.as_f64().to_string()),
        Data::Error(e) => format!("#{e:?}"),
    }
}

/// An Excel serial date (1900 date system) as `YYYY-MM-DD`, with `THH:MM:SS` when it has a time.
fn excel_date(serial: f64) -> Option<String> {
    if !(1.0..2_958_466.0).contains(&serial) {
        return None;
    }
    let epoch = time::Date::from_calendar_date(1899, time::Month::December, 30).ok()?;
    let secs = (serial * 86_400.0).round() as i64;
    let dt = epoch.midnight().checked_add(time::Duration::seconds(secs))?;
    let date = format!("{:04}-{:02}-{:02}", dt.year(), u8::from(dt.month()), dt.day());
    Some(match dt.time() == time::Time::MIDNIGHT {
        true => date,
        false => format!("{date}T{:02}:{:02}:{:02}", dt.hour(), dt.minute(), dt.second()),
    })
}

// ---------------------------------------------------------------------------------------------
// Decoding and splitting

fn decode(bytes: &[u8], label: Option<&str>, out: &mut TableResult) -> String {
    let forced = label.and_then(|l| {
        let e = encoding_rs::Encoding::for_label(l.trim().as_bytes());
        if e.is_none() {
            out.finding(
                0,
                None,
                "csv-encoding",
                format!("未知的字符编码 `{l}`，改为自动识别"),
                format!("unknown encoding `{l}`; detecting instead"),
            );
        }
        e
    });
    let (bom, bom_len) = match encoding_rs::Encoding::for_bom(bytes) {
        Some((e, n)) => (Some(e), n),
        None => (None, 0),
    };
    let body = bytes.get(bom_len..).unwrap_or_default();
    // A byte-order mark is unambiguous and wins over a forced encoding.
    let enc = bom.or(forced).unwrap_or_else(|| match std::str::from_utf8(body) {
        Ok(_) => encoding_rs::UTF_8,
        Err(_) => encoding_rs::GB18030,
    });
    out.encoding = enc.name();
    // Decode line by line so that undecodable bytes can be reported with their line. A line
    // feed never occurs inside a multi-byte character of UTF-8, GBK or GB18030.
    let mut text = String::with_capacity(body.len());
    for (i, line) in body.split_inclusive(|b| *b == b'\n').enumerate() {
        let (s, had_errors) = enc.decode_without_bom_handling(line);
        if had_errors {
            out.finding(
                i + 1,
                None,
                "csv-encoding",
                format!("第 {} 行含有无法按 {} 解码的字节，已替换为 U+FFFD", i + 1, enc.name()),
                format!("line {} has bytes that are not {}; replaced by U+FFFD", i + 1, enc.name()),
            );
        }
        text.push_str(&s);
    }
    text
}

/// Split CSV text into `(row number, cells)`, the header first. Malformed records are reported
/// and left out; an unclosed quote costs only its own line.
fn split_csv(text: &str, delimiter: u8, out: &mut TableResult) -> Vec<(usize, Vec<String>)> {
    let mut rows = Vec::new();
    let mut row = 0;
    let mut offset = 0;
    'restart: while offset < text.len() {
        let rest = text.get(offset..).unwrap_or_default();
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .delimiter(delimiter)
            .from_reader(rest.as_bytes());
        let mut record = csv::StringRecord::new();
        loop {
            let start = usize::try_from(reader.position().byte()).unwrap_or(usize::MAX);
            match reader.read_record(&mut record) {
                Ok(false) => break 'restart,
                Ok(true) => {}
                Err(e) => {
                    out.finding(
                        row + 1,
                        None,
                        "csv-malformed",
                        format!("CSV 格式错误：{e}"),
                        format!("malformed CSV: {e}"),
                    );
                    break 'restart;
                }
            }
            row += 1;
            let end = usize::try_from(reader.position().byte()).unwrap_or(usize::MAX);
            let raw = rest.get(start..end).unwrap_or_default();
            let body = raw.trim_end_matches(['\r', '\n']);
            let d = char::from(delimiter);
            let opens_quote = body.starts_with('"') || body.contains(&format!("{d}\""));
            if body.matches('"').count() % 2 == 1 && opens_quote && (body.contains('\n') || end >= rest.len()) {
                out.finding(
                    row,
                    None,
                    "csv-malformed",
                    "引号未闭合，本行未转换".to_owned(),
                    "unclosed quote; the row is not converted".to_owned(),
                );
                // Start again on the line after the one the quote was opened on.
                match body.find('\n') {
                    Some(nl) => {
                        offset += start + nl + 1;
                        continue 'restart;
                    }
                    None => break 'restart,
                }
            }
            rows.push((row, record.iter().map(str::to_owned).collect()));
        }
    }
    rows
}

// ---------------------------------------------------------------------------------------------
// Rows to records

fn convert_rows(rows: Vec<(usize, Vec<String>)>, mapping: &Mapping, out: &mut TableResult) {
    let mut rows = rows.into_iter();
    let Some((_, header_cells)) = rows.next() else {
        out.finding(0, None, "csv-empty", "表格没有表头行".to_owned(), "the table has no header row".to_owned());
        return;
    };
    let mut header: Vec<String> = Vec::with_capacity(header_cells.len());
    for h in header_cells {
        let h = h.trim_start_matches('\u{feff}').trim();
        // A repeated header gets a suffix, so no cell is lost; it is then kept in extensions.
        let name = (1..)
            .map(|n| if n == 1 { h.to_owned() } else { format!("{h} ({n})") })
            .find(|c| !header.contains(c))
            .unwrap_or_default();
        if name != h {
            out.finding(
                1,
                Some(h),
                "csv-duplicate-column",
                format!("列 `{h}` 重复，后一列改名为 `{name}`"),
                format!("column `{h}` repeats; the later one is renamed `{name}`"),
            );
        }
        header.push(name);
    }
    for column in mapping.columns.keys().filter(|c| !header.contains(c)) {
        out.finding(
            1,
            Some(column),
            "csv-missing-column",
            format!("映射中的列 `{column}` 不在表头中"),
            format!("mapped column `{column}` is not in the header"),
        );
    }
    for (row, cells) in rows {
        if cells.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        if cells.len() != header.len() {
            out.finding(
                row,
                None,
                "csv-malformed",
                format!("本行有 {} 个字段，表头有 {} 个；本行未转换", cells.len(), header.len()),
                format!("the row has {} fields, the header {}; the row is not converted", cells.len(), header.len()),
            );
            continue;
        }
        let cells: Vec<(&str, &str)> = header.iter().map(String::as_str).zip(cells.iter().map(|c| c.trim())).collect();
        if let Some(p) = convert_row(row, &cells, mapping, out) {
            out.records.push(Record::Person(p));
        }
    }
}

/// The conversion of one row: the row number, its `extensions.csv` and where to report.
struct RowCtx<'a> {
    row: usize,
    ext: Map<String, Value>,
    loss: LossReport,
    out: &'a mut TableResult,
}

impl RowCtx<'_> {
    fn source(&self, column: &str) -> String {
        format!("row {} column {column}", self.row)
    }

    fn kept(&mut self, column: &str, raw: &str) {
        self.ext.insert(column.to_owned(), Value::String(raw.to_owned()));
        self.loss.push(Loss {
            kind: LossKind::KeptInExtensions,
            source: self.source(column),
            target: Some(format!("/extensions/{NAMESPACE}/{}", token(column))),
            code: "csv-column-kept",
            message_zh: format!("列 `{column}` 没有映射目标，已保存在扩展 `{NAMESPACE}` 中"),
            message_en: format!("column `{column}` has no mapping target; kept in extensions `{NAMESPACE}`"),
        });
    }

    /// Keep a value that cannot be converted in extensions, with a loss entry and a finding.
    fn reject(&mut self, column: &str, raw: &str, code: &'static str, zh: String, en: String) {
        self.ext.insert(column.to_owned(), Value::String(raw.to_owned()));
        self.loss.push(Loss {
            kind: LossKind::Rejected,
            source: self.source(column),
            target: Some(format!("/extensions/{NAMESPACE}/{}", token(column))),
            code,
            message_zh: format!("{zh}；原值保存在扩展 `{NAMESPACE}` 中"),
            message_en: format!("{en}; the raw value is kept in extensions `{NAMESPACE}`"),
        });
        self.out.finding(self.row, Some(column), code, zh, en);
    }

    fn normalised(&mut self, column: &str, target: &str, from: &str, to: &str, code: &'static str) {
        self.loss.push(Loss {
            kind: LossKind::Normalised,
            source: self.source(column),
            target: Some(target.to_owned()),
            code,
            message_zh: format!("`{from}` 已规范为 `{to}`"),
            message_en: format!("`{from}` normalised to `{to}`"),
        });
    }

    fn unknown_label(&mut self, column: &str, raw: &str, table: &str) {
        self.reject(
            column,
            raw,
            "csv-unknown-label",
            format!("`{raw}` 不是代码表 {table} 的代码或名称，也不在值映射中"),
            format!("`{raw}` is neither a code nor a label of code table {table}, nor in the value map"),
        );
    }

    fn bad_value(&mut self, column: &str, raw: &str, what: &str, e: impl std::fmt::Display) {
        self.reject(
            column,
            raw,
            "csv-bad-value",
            format!("`{raw}` 不能作为 {what}：{e}"),
            format!("`{raw}` cannot be {what}: {e}"),
        );
    }
}

/// Look a cell up in a code table: value map, code, Chinese label, English label.
fn lookup<T: CodeTable>(raw: &str, map: Option<&BTreeMap<String, String>>) -> Option<T> {
    if let Some(code) = map.and_then(|m| m.get(raw)) {
        return T::from_code(code);
    }
    T::from_code(raw)
        .or_else(|| T::ALL.iter().copied().find(|c| c.label_zh() == raw))
        .or_else(|| T::ALL.iter().copied().find(|c| c.label_en().eq_ignore_ascii_case(raw)))
}

/// Split a list cell into its items.
fn items(raw: &str) -> impl Iterator<Item = &str> {
    raw.split([';', '；', ',', '，', '、', '/']).map(str::trim).filter(|s| !s.is_empty())
}

/// Full-width ASCII forms (`０`–`９`, `Ａ`, `－`, `＋`, U+3000) to ASCII.
fn half_width(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '\u{3000}' => ' ',
            '\u{ff01}'..='\u{ff5e}' => char::from_u32(u32::from(c) - 0xfee0).unwrap_or(c),
            _ => c,
        })
        .collect()
}

fn convert_row(row: usize, cells: &[(&str, &str)], mapping: &Mapping, out: &mut TableResult) -> Option<Person> {
    let target_of = |column: &str| mapping.columns.get(column).copied();
    let name = cells.iter().find(|(c, v)| target_of(c) == Some(Target::Name) && !v.is_empty());
    let Some(name) = name.and_then(|(_, v)| Text::new(*v).ok()) else {
        out.finding(
            row,
            None,
            "csv-missing-required",
            "缺少姓名，本行未转换".to_owned(),
            "no name; the row is not converted".to_owned(),
        );
        return None;
    };
    let generated = Id::new(format!("{}-{row}", mapping.id_prefix)).ok()?;
    let mut p = Person::new(generated, mapping.meta.clone(), name);
    let mut ctx = RowCtx { row, ext: Map::new(), loss: LossReport::default(), out };
    let (mut household_id, mut relationship) = (None, None);
    for &(column, raw) in cells {
        if raw.is_empty() {
            continue;
        }
        let Some(target) = target_of(column) else {
            ctx.kept(column, raw);
            continue;
        };
        let map = mapping.values.get(column);
        match target {
            Target::Name => {}
            Target::Id => match Id::new(raw) {
                Ok(id) => p.id = id,
                Err(e) => ctx.reject(
                    column,
                    raw,
                    "csv-bad-record-id",
                    format!("`{raw}` 不是有效的标识（{e}），改用 `{}`", p.id),
                    format!("`{raw}` is not a valid id ({e}); `{}` used instead", p.id),
                ),
            },
            Target::Gender => match lookup::<Gender>(raw, map) {
                Some(g) => p.gender = Some(g),
                None => ctx.unknown_label(column, raw, Gender::TABLE),
            },
            Target::EthnicGroup => match lookup::<EthnicGroup>(raw, map) {
                Some(g) => p.ethnic_group = Some(g),
                None => ctx.unknown_label(column, raw, EthnicGroup::TABLE),
            },
            Target::Education => match lookup::<Education>(raw, map) {
                Some(g) => p.education = Some(g),
                None => ctx.unknown_label(column, raw, Education::TABLE),
            },
            Target::PoliticalStatus => match lookup::<PoliticalStatus>(raw, map) {
                Some(g) => p.political_status = Some(g),
                None => ctx.unknown_label(column, raw, PoliticalStatus::TABLE),
            },
            Target::Relationship => match lookup::<Relationship>(raw, map) {
                Some(r) => relationship = Some((column, raw, r)),
                None => ctx.unknown_label(column, raw, Relationship::TABLE),
            },
            Target::CareTags => {
                let tags: Option<Vec<CareTag>> = items(raw).map(|i| lookup::<CareTag>(i, map)).collect();
                match tags {
                    Some(tags) => p.care_tags = tags,
                    None => ctx.unknown_label(column, raw, CareTag::TABLE),
                }
            }
            Target::Nationality => {
                let code = map.and_then(|m| m.get(raw)).map_or(raw, String::as_str);
                match CountryCode::new(code) {
                    Ok(c) => p.nationality = Some(c),
                    Err(_) => ctx.unknown_label(column, raw, "ISO 3166-1 alpha-3"),
                }
            }
            Target::BirthDate => match parse_date(raw) {
                Some(d) => {
                    if d.to_string() != raw {
                        ctx.normalised(column, "/birthDate", raw, &d.to_string(), "csv-date-normalised");
                    }
                    p.birth_date = Some(d);
                }
                None => ctx.reject(
                    column,
                    raw,
                    "csv-bad-date",
                    format!("`{raw}` 不是可识别的日期"),
                    format!("`{raw}` is not a recognisable date"),
                ),
            },
            Target::Identifier(scheme) => convert_identifier(&mut ctx, &mut p, column, raw, scheme),
            Target::Phones => convert_phones(&mut ctx, &mut p, column, raw),
            Target::ResidenceAddress(kind) => {
                let address = parse_address(raw);
                let mut v = Map::new();
                v.insert("residenceKind".into(), Value::String(kind.code().to_owned()));
                v.insert("address".into(), serde_json::to_value(&address).unwrap_or(Value::Null));
                ctx.ext.insert(column.to_owned(), Value::Object(v));
                ctx.loss.push(Loss {
                    kind: LossKind::KeptInExtensions,
                    source: ctx.source(column),
                    target: Some(format!("/extensions/{NAMESPACE}/{}", token(column))),
                    code: "csv-address-kept",
                    message_zh: format!("地址文本没有地点标识，已作为标准地址保存在扩展 `{NAMESPACE}` 中"),
                    message_en: format!(
                        "address text without a place id; kept as a standard address in extensions `{NAMESPACE}`"
                    ),
                });
            }
            Target::ResidencePlace(kind) => match Id::new(raw) {
                Ok(id) => p.residences.push(Residence { place: PlaceRef::to(id), kind, since: None, until: None }),
                Err(e) => ctx.bad_value(column, raw, "地点标识 / a place id", e),
            },
            Target::HouseholdId => match HouseholdId::new(raw) {
                Ok(h) => household_id = Some((column, raw, h)),
                Err(e) => ctx.bad_value(column, raw, "户号 / a household number", e),
            },
        }
    }
    match (household_id, relationship) {
        (Some((_, _, household_id)), Some((_, _, relationship))) => {
            p.household = Some(Household { household_id, relationship });
        }
        (Some((column, raw, _)), None) | (None, Some((column, raw, _))) => ctx.reject(
            column,
            raw,
            "csv-household-incomplete",
            "户籍关系需要户号和与户主关系两项，本行只有一项".to_owned(),
            "a household membership needs both the household number and the relationship; the row has one".to_owned(),
        ),
        (None, None) => {}
    }
    let RowCtx { ext, mut loss, out, .. } = ctx;
    if !ext.is_empty() {
        if let Ok(ns) = Namespace::new(NAMESPACE) {
            p.extensions.0.insert(ns, ext);
        }
    }
    out.loss.entries.append(&mut loss.entries);
    Some(p)
}

fn convert_identifier(ctx: &mut RowCtx<'_>, p: &mut Person, column: &str, raw: &str, scheme: IdentifierScheme) {
    let pointer = format!("/identifiers/{}/value", p.identifiers.len());
    let value = match scheme {
        IdentifierScheme::ResidentId => {
            let v = half_width(raw).replace(' ', "").to_ascii_uppercase();
            if let Err(e) = id_number::parse(&v) {
                let (zh, en) = match e {
                    id_number::IdNumberError::CheckCharacter { expected } => {
                        (format!("校验码错误，应为 {expected}"), format!("wrong check character, expected {expected}"))
                    }
                    id_number::IdNumberError::BirthDate => {
                        ("出生日期不存在".to_owned(), "the birth date does not exist".to_owned())
                    }
                    _ => ("应为 17 位数字加 1 位数字或 X".to_owned(), "expected 17 digits and a digit or X".to_owned()),
                };
                ctx.reject(
                    column,
                    raw,
                    "csv-bad-id-number",
                    format!("公民身份号码无效：{zh}"),
                    format!("invalid resident ID number: {en}"),
                );
                return;
            }
            if v != raw {
                ctx.normalised(column, &pointer, raw, &v, "csv-id-number-normalised");
            }
            v
        }
        _ => raw.to_owned(),
    };
    match Text::new(value) {
        Ok(value) => p.identifiers.push(Identifier { scheme, value, issuer: None }),
        Err(e) => ctx.bad_value(column, raw, "证件号码 / an identifier", e),
    }
}

fn convert_phones(ctx: &mut RowCtx<'_>, p: &mut Person, column: &str, raw: &str) {
    let mut bad = Vec::new();
    for item in items(&half_width(raw)) {
        let cleaned = clean_phone(item);
        match PhoneNumber::new(cleaned.as_str()) {
            Ok(n) if phone::classify(n.as_str()).is_some() => {
                // Compared with the cell as written: full-width digits made half-width are a
                // change too [ADP-012].
                if cleaned != item || !raw.contains(item) {
                    let pointer = format!("/phones/{}", p.phones.len());
                    ctx.normalised(column, &pointer, item, &cleaned, "csv-phone-cleaned");
                }
                p.phones.push(n);
            }
            _ => bad.push(item.to_owned()),
        }
    }
    if !bad.is_empty() {
        let list = bad.join("、");
        ctx.reject(
            column,
            raw,
            "csv-bad-phone",
            format!("`{list}` 不是可识别的电话号码"),
            format!("`{list}` is not a recognisable telephone number"),
        );
    }
}

/// Clean one telephone number (already half-width): drop blanks and brackets, and a country
/// prefix when a mainland number is left.
fn clean_phone(s: &str) -> String {
    let s: String = s.chars().filter(|c| !c.is_whitespace() && !matches!(c, '(' | ')')).collect();
    let s = s.replace(['—', '–'], "-");
    let mainland =
        |n: &str| matches!(phone::classify(n), Some(phone::PhoneShape::Mobile | phone::PhoneShape::Landline));
    for prefix in ["+86-", "+86", "0086-", "0086", "86-"] {
        if let Some(rest) = s.strip_prefix(prefix) {
            if mainland(rest) {
                return rest.to_owned();
            }
        }
    }
    // `86` glued to a mobile number: 8613812345678.
    if s.len() == 13 {
        if let Some(rest) = s.strip_prefix("86") {
            if matches!(phone::classify(rest), Some(phone::PhoneShape::Mobile)) {
                return rest.to_owned();
            }
        }
    }
    s
}

/// Parse a date written as `1990-01-02`, `1990/1/2`, `1990.1.2`, `19900102` or `1990年1月2日`.
fn parse_date(raw: &str) -> Option<Date> {
    let s = half_width(raw);
    let s = s.split([' ', 'T']).next().unwrap_or_default();
    let num = |t: &str| t.parse::<u32>().ok().filter(|_| t.bytes().all(|b| b.is_ascii_digit()));
    let (y, m, d) = if s.len() == 8 && s.bytes().all(|b| b.is_ascii_digit()) {
        (s.get(..4)?, s.get(4..6)?, s.get(6..)?)
    } else {
        let s = s.strip_suffix('日').unwrap_or(s);
        let mut parts = s.split(['-', '/', '.', '年', '月']);
        let (y, m, d) = (parts.next()?, parts.next()?, parts.next()?);
        if parts.next().is_some() || y.len() != 4 || !(1..=2).contains(&m.len()) || !(1..=2).contains(&d.len()) {
            return None;
        }
        (y, m, d)
    };
    let (y, m, d) = (num(y)?, num(m)?, num(d)?);
    Date::from_ymd(i32::try_from(y).ok()?, u8::try_from(m).ok()?, u8::try_from(d).ok()?)
}

static ADDRESS: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(concat!(
        r"^(?P<province>.+?(?:省|自治区|特别行政区))?",
        r"(?P<city>.+?(?:市|自治州|地区|盟))?",
        r"(?P<district>.+?(?:区|县|旗|市))?",
        r"(?P<subDistrict>.+?(?:街道|镇|乡))?",
        r"(?P<community>.+?(?:社区|村))?",
        r"(?P<road>.+?(?:路|街|巷|弄|道))?",
        r"(?P<doorNumber>[0-9０-９]+(?:[-之][0-9０-９]+)?号)?",
        r"(?P<compound>.+?(?:小区|花园|家园|新村|公寓|苑))?",
        r"(?P<building>[0-9０-９A-Za-z一二三四五六七八九十]+(?:幢|栋|号楼))?",
        r"(?P<unit>[0-9０-９一二三四五六七八九十]+单元)?",
        r"(?P<floor>[0-9０-９]+层)?",
        r"(?P<room>[0-9０-９A-Za-z-]+室?)?$",
    ))
    .ok()
});

/// A standard address from address text: always `fullText`, the parts where the text allows.
fn parse_address(raw: &str) -> Option<StandardAddress> {
    let full_text = Text::new(raw).ok()?;
    let mut a = StandardAddress {
        province: None,
        city: None,
        district: None,
        sub_district: None,
        community: None,
        road: None,
        door_number: None,
        compound: None,
        building: None,
        unit: None,
        floor: None,
        room: None,
        full_text,
    };
    if let Some(caps) = ADDRESS.as_ref().and_then(|re| re.captures(raw)) {
        let part = |name: &str| caps.name(name).and_then(|m| Text::new(m.as_str()).ok());
        a.province = part("province");
        a.city = part("city");
        a.district = part("district");
        a.sub_district = part("subDistrict");
        a.community = part("community");
        a.road = part("road");
        a.door_number = part("doorNumber");
        a.compound = part("compound");
        a.building = part("building");
        a.unit = part("unit");
        a.floor = part("floor");
        a.room = part("room");
    }
    Some(a)
}

// ---------------------------------------------------------------------------------------------
// Records to a table

/// What writing a table gives.
#[derive(Debug, Clone, Default)]
pub struct WrittenTable {
    /// The table, encoded (UTF-8 with a byte-order mark unless another encoding was asked for).
    pub bytes: Vec<u8>,
    /// Members of the records the table cannot hold (`source` pointers start with `/<i>`, the
    /// index of the record in the input).
    pub loss: LossReport,
    /// Data rows written (one per Person).
    pub rows: usize,
}

/// The order columns are written in: the order of the targets in the module documentation.
fn column_rank(t: Target) -> (u8, usize) {
    let scheme = |s| IdentifierScheme::ALL.iter().position(|x| *x == s).unwrap_or(usize::MAX);
    let kind = |k| ResidenceKind::ALL.iter().position(|x| *x == k).unwrap_or(usize::MAX);
    match t {
        Target::Id => (0, 0),
        Target::Name => (1, 0),
        Target::Gender => (2, 0),
        Target::EthnicGroup => (3, 0),
        Target::BirthDate => (4, 0),
        Target::Identifier(s) => (5, scheme(s)),
        Target::Phones => (6, 0),
        Target::ResidenceAddress(k) => (7, kind(k)),
        Target::ResidencePlace(k) => (8, kind(k)),
        Target::HouseholdId => (9, 0),
        Target::Relationship => (10, 0),
        Target::Nationality => (11, 0),
        Target::Education => (12, 0),
        Target::PoliticalStatus => (13, 0),
        Target::CareTags => (14, 0),
    }
}

/// The text written for a code: a label of the column's value map, the table's Chinese label,
/// or the code itself — the first one that reads back as the same code.
fn code_cell<T: CodeTable + PartialEq>(code: T, map: Option<&BTreeMap<String, String>>) -> String {
    let from_map = map.into_iter().flatten().filter(|(_, c)| *c == code.code()).map(|(l, _)| l.as_str());
    from_map
        .chain([code.label_zh(), code.code()])
        .find(|candidate| lookup::<T>(candidate, map) == Some(code))
        .unwrap_or(code.code())
        .to_owned()
}

/// Write Persons as a table with `mapping`, the reverse of [`read_table`]: one row per Person, the
/// mapped columns in the order of the targets' table above, then the columns kept in
/// `extensions.csv` (unmapped columns of an earlier import) in the order first met. Codes are
/// written as the value map's label or the code table's Chinese label; a value an earlier import
/// rejected (kept raw in `extensions.csv.<header>`) goes back into its column.
///
/// `encoding` is a WHATWG label (`utf-8`, `gbk`, `gb18030`); the default is UTF-8 with a
/// byte-order mark, which spreadsheet programs recognise. Every member a row cannot hold is a
/// [`LossKind::NotRepresentable`] entry (`csv-not-representable`), found by reading the row
/// back and comparing; records of other types are `csv-record-type-not-representable`; a
/// character the encoding lacks is `csv-encoding-unrepresentable` (it is written as `&#NNNN;`).
pub fn write_table(records: &[Record], mapping: &Mapping, encoding: Option<&str>) -> Result<WrittenTable, Error> {
    let enc = match encoding {
        None => encoding_rs::UTF_8,
        Some(l) => encoding_rs::Encoding::for_label(l.trim().as_bytes())
            .ok_or_else(|| Error::Input { format: FORMAT, message: format!("unknown encoding `{l}`") })?,
    };
    let mut columns: Vec<(&String, Target)> = mapping.columns.iter().map(|(h, t)| (h, *t)).collect();
    columns.sort_by_key(|(h, t)| (column_rank(*t), h.as_str()));
    let mut header: Vec<String> = columns.iter().map(|(h, _)| (*h).clone()).collect();
    for r in records {
        if let Record::Person(p) = r {
            for key in csv_extensions(p).into_iter().flat_map(|m| m.keys()) {
                if !header.contains(key) {
                    header.push(key.clone());
                }
            }
        }
    }
    let mut out = WrittenTable::default();
    let mut w = csv::WriterBuilder::new().delimiter(mapping.delimiter).from_writer(Vec::new());
    let io = |e: csv::Error| Error::Input { format: FORMAT, message: e.to_string() };
    w.write_record(&header).map_err(io)?;
    // The record each written row comes from, for the loss pointers [ADP-002].
    let mut row_record: Vec<usize> = Vec::new();
    for (i, r) in records.iter().enumerate() {
        let Record::Person(p) = r else {
            out.loss.push(Loss {
                kind: LossKind::NotRepresentable,
                source: format!("/{i}"),
                target: None,
                code: "csv-record-type-not-representable",
                message_zh: format!("表格只能容纳 Person 记录，{} 记录 `{}` 未写出", r.record_type(), r.id()),
                message_en: format!(
                    "the table holds Person records only; {} `{}` not written",
                    r.record_type(),
                    r.id()
                ),
            });
            continue;
        };
        let row = out.rows + 2;
        row_record.push(i);
        let cells = person_cells(p, &columns, &header, mapping);
        lost_in_row(p, &header, &cells, row, mapping, &format!("/{i}"), &mut out.loss);
        w.write_record(&cells).map_err(io)?;
        out.rows += 1;
    }
    let text = w.into_inner().map_err(|e| Error::Input { format: FORMAT, message: e.to_string() })?;
    let text = String::from_utf8(text).map_err(|e| Error::Input { format: FORMAT, message: e.to_string() })?;
    if enc == encoding_rs::UTF_8 {
        out.bytes = [b"\xEF\xBB\xBF".as_slice(), text.as_bytes()].concat();
    } else {
        for (n, line) in text.split_inclusive('\n').enumerate() {
            let (bytes, _, unmappable) = enc.encode(line);
            if unmappable {
                // The header comes from the mapping and the kept columns: the input as a whole.
                let source = match n.checked_sub(1).and_then(|k| row_record.get(k)) {
                    Some(i) => format!("/{i}"),
                    None => String::new(),
                };
                out.loss.push(Loss {
                    kind: LossKind::NotRepresentable,
                    source,
                    target: Some(format!("row {}", n + 1)),
                    code: "csv-encoding-unrepresentable",
                    message_zh: format!("第 {} 行有 {} 无法表示的字符，已写为 &#NNNN;", n + 1, enc.name()),
                    message_en: format!(
                        "row {} has characters {} cannot represent; written as &#NNNN;",
                        n + 1,
                        enc.name()
                    ),
                });
            }
            out.bytes.extend_from_slice(&bytes);
        }
    }
    Ok(out)
}

/// The `extensions.csv` of a Person.
fn csv_extensions(p: &Person) -> Option<&Map<String, Value>> {
    p.extensions.0.iter().find(|(ns, _)| ns.as_str() == NAMESPACE).map(|(_, m)| m)
}

/// The cells of one Person's row.
fn person_cells(p: &Person, columns: &[(&String, Target)], header: &[String], mapping: &Mapping) -> Vec<String> {
    let ext = csv_extensions(p);
    let mut cells = vec![String::new(); header.len()];
    let (mut used_ids, mut used_res, mut phones_written) = (Vec::new(), Vec::new(), false);
    for (n, (h, t)) in columns.iter().enumerate() {
        let map = mapping.values.get(*h);
        let cell = match *t {
            Target::Id => p.id.to_string(),
            Target::Name => p.name.to_string(),
            Target::Gender => p.gender.map(|c| code_cell(c, map)).unwrap_or_default(),
            Target::EthnicGroup => p.ethnic_group.map(|c| code_cell(c, map)).unwrap_or_default(),
            Target::Education => p.education.map(|c| code_cell(c, map)).unwrap_or_default(),
            Target::PoliticalStatus => p.political_status.map(|c| code_cell(c, map)).unwrap_or_default(),
            Target::Relationship => p.household.as_ref().map(|h| code_cell(h.relationship, map)).unwrap_or_default(),
            Target::HouseholdId => p.household.as_ref().map(|h| h.household_id.to_string()).unwrap_or_default(),
            Target::CareTags => p.care_tags.iter().map(|c| code_cell(*c, map)).collect::<Vec<_>>().join("；"),
            Target::Nationality => p
                .nationality
                .as_ref()
                .map(|c| {
                    let label = map.into_iter().flatten().find(|(_, v)| v.as_str() == c.as_str()).map(|(l, _)| l);
                    label.map_or_else(|| c.to_string(), Clone::clone)
                })
                .unwrap_or_default(),
            Target::BirthDate => p.birth_date.map(|d| d.to_string()).unwrap_or_default(),
            Target::Identifier(scheme) => {
                let next = (0..p.identifiers.len())
                    .find(|i| !used_ids.contains(i) && p.identifiers.get(*i).is_some_and(|x| x.scheme == scheme));
                next.map(|i| {
                    used_ids.push(i);
                    p.identifiers.get(i).map(|x| x.value.to_string()).unwrap_or_default()
                })
                .unwrap_or_default()
            }
            Target::Phones if !phones_written => {
                phones_written = true;
                p.phones.iter().map(|x| x.as_str()).collect::<Vec<_>>().join(";")
            }
            Target::Phones => String::new(),
            Target::ResidencePlace(kind) => {
                let next = (0..p.residences.len())
                    .find(|i| !used_res.contains(i) && p.residences.get(*i).is_some_and(|x| x.kind == kind));
                next.map(|i| {
                    used_res.push(i);
                    p.residences.get(i).map(|x| x.place.id.to_string()).unwrap_or_default()
                })
                .unwrap_or_default()
            }
            Target::ResidenceAddress(kind) => ext
                .and_then(|m| m.get(h.as_str()))
                .filter(|v| v.get("residenceKind").and_then(Value::as_str) == Some(kind.code()))
                .and_then(|v| v.pointer("/address/fullText"))
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_owned(),
        };
        if let Some(slot) = cells.get_mut(n) {
            *slot = cell;
        }
    }
    // Raw values an import kept: unmapped columns, and rejected cells of mapped ones.
    for (n, h) in header.iter().enumerate() {
        if let (Some(slot), Some(Value::String(raw))) = (cells.get_mut(n), ext.and_then(|m| m.get(h.as_str()))) {
            if slot.is_empty() {
                slot.clone_from(raw);
            }
        }
    }
    cells
}

/// Read a written row back and report every member of `p` that did not survive.
fn lost_in_row(
    p: &Person,
    header: &[String],
    cells: &[String],
    row: usize,
    mapping: &Mapping,
    base: &str,
    loss: &mut LossReport,
) {
    let mut scratch = TableResult::default();
    let pairs: Vec<(&str, &str)> = header.iter().map(String::as_str).zip(cells.iter().map(|c| c.trim())).collect();
    let back = convert_row(row, &pairs, mapping, &mut scratch);
    let original = serde_json::to_value(p).unwrap_or(Value::Null);
    let back = back.and_then(|b| serde_json::to_value(b).ok()).unwrap_or(Value::Null);
    let mut lost = Vec::new();
    diff(&original, &back, String::new(), &mut lost);
    for ptr in lost {
        loss.push(Loss {
            kind: LossKind::NotRepresentable,
            source: format!("{base}{ptr}"),
            target: None,
            code: "csv-not-representable",
            message_zh: format!("按此映射，表格无法表示 `{ptr}`"),
            message_en: format!("with this mapping, the table cannot hold `{ptr}`"),
        });
    }
}

/// The lost members of `a` (under `at`) against the read-back `b` ([ADP-002], chapter 18): a
/// member `b` lacks, or whose value differs; objects are compared member by member, every
/// other value (arrays included) as a whole. Members only `b` has are not losses.
fn diff(a: &Value, b: &Value, at: String, out: &mut Vec<String>) {
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => {
            for (k, v) in x {
                let p = format!("{at}/{}", token(k));
                match y.get(k) {
                    Some(w) => diff(v, w, p, out),
                    None => out.push(p),
                }
            }
        }
        _ if a != b => out.push(if at.is_empty() { "/".to_owned() } else { at }),
        _ => {}
    }
}
