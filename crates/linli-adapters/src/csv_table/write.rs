//! Canonical Persons → a register table with the same mapping, the reverse of reading
//! `[ADP-013]` (Table 18-3).

use crate::codes::Code;
use std::collections::BTreeMap;

use linli_model::codes::{CodeTable, IdentifierScheme, ResidenceKind};
use linli_model::{Person, Record};
use serde_json::{Map, Value};

use super::NAMESPACE;
use super::mapping::Mapping;
use super::row::{Converter, RowOutcome};
use super::targets::Target;
use super::values::lookup;
use crate::{Error, Loss, LossKind, LossReport};

const FORMAT: &str = "csv";

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
        Target::PersonId => (0, 0),
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
        Target::ResidenceKind => (15, 0),
        // Columns of other records stay empty: a Person row cannot hold them.
        _ => (16, 0),
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

/// Write Persons as a table with `mapping`, the reverse of [`super::read_table`]: one row per Person, the
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
///
/// No cell starts a formula [ADP-081]: a cell starting with `=`, `+`, `-`, `@`, a tab or a
/// carriage return is written with a leading `'` ([`neutralise_cell`]) and reported `normalised`
/// (`csv-cell-neutralised`); [`write_table_raw`] writes the cells as they are.
pub fn write_table(records: &[Record], mapping: &Mapping, encoding: Option<&str>) -> Result<WrittenTable, Error> {
    write_table_as(records, mapping, encoding, true)
}

/// [`write_table`] without neutralising formula cells: an exact round trip, for a consumer that
/// never opens the file in a spreadsheet program (`linli convert --csv-raw-cells`).
pub fn write_table_raw(records: &[Record], mapping: &Mapping, encoding: Option<&str>) -> Result<WrittenTable, Error> {
    write_table_as(records, mapping, encoding, false)
}

/// A cell as a spreadsheet program cannot take it for a formula [ADP-081] (as `linli validate
/// --format csv` writes its cells, [VAL-024]): with a leading `'` when it starts with `=`, `+`,
/// `-`, `@`, a tab or a carriage return.
pub fn neutralise_cell(cell: &str) -> std::borrow::Cow<'_, str> {
    if cell.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        std::borrow::Cow::Owned(format!("'{cell}"))
    } else {
        std::borrow::Cow::Borrowed(cell)
    }
}

fn write_table_as(
    records: &[Record],
    mapping: &Mapping,
    encoding: Option<&str>,
    neutralise: bool,
) -> Result<WrittenTable, Error> {
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
    let safe = |cells: &[String]| -> Vec<String> {
        cells.iter().map(|c| if neutralise { neutralise_cell(c).into_owned() } else { c.clone() }).collect()
    };
    w.write_record(safe(&header)).map_err(io)?;
    // The record each written row comes from, for the loss pointers [ADP-002].
    let mut row_record: Vec<usize> = Vec::new();
    for (i, r) in records.iter().enumerate() {
        let Record::Person(p) = r else {
            out.loss.push(Loss {
                kind: LossKind::NotRepresentable,
                source: format!("/{i}"),
                target: None,
                code: Code::CsvRecordTypeNotRepresentable,
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
        let written = safe(&cells);
        for ((w, c), h) in written.iter().zip(&cells).zip(&header) {
            if w != c {
                out.loss.push(Loss {
                    kind: LossKind::Normalised,
                    source: format!("/{i}"),
                    target: Some(format!("row {row} column {h}")),
                    code: Code::CsvCellNeutralised,
                    message_zh: format!("第 {row} 行「{h}」列的值以公式字符开头，已加前导 '，以免表格软件当作公式执行"),
                    message_en: format!(
                        "row {row} column {h} starts with a formula character; written with a leading ' so that no spreadsheet runs it"
                    ),
                });
            }
        }
        w.write_record(&written).map_err(io)?;
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
                    code: Code::CsvEncodingUnrepresentable,
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
            Target::PersonId => p.id.to_string(),
            Target::Name => p.name.to_string(),
            // an absent member is an empty cell: the default empty string is what the register writes.
            Target::Gender => p.gender.map(|c| code_cell(c, map)).unwrap_or_default(),
            // an absent member is an empty cell: the default empty string is what the register writes.
            Target::EthnicGroup => p.ethnic_group.map(|c| code_cell(c, map)).unwrap_or_default(),
            // an absent member is an empty cell: the default empty string is what the register writes.
            Target::Education => p.education.map(|c| code_cell(c, map)).unwrap_or_default(),
            // an absent member is an empty cell: the default empty string is what the register writes.
            Target::PoliticalStatus => p.political_status.map(|c| code_cell(c, map)).unwrap_or_default(),
            // an absent member is an empty cell: the default empty string is what the register writes.
            Target::Relationship => p.household.as_ref().map(|h| code_cell(h.relationship, map)).unwrap_or_default(),
            // an absent member is an empty cell: the default empty string is what the register writes.
            Target::HouseholdId => p.household.as_ref().map(|h| h.household_id.to_string()).unwrap_or_default(),
            Target::CareTags => p.care_tags.iter().map(|c| code_cell(*c, map)).collect::<Vec<_>>().join("；"),
            Target::Nationality => p
                .nationality
                .as_ref()
                .map(|c| {
                    let label = map.into_iter().flatten().find(|(_, v)| v.as_str() == c.as_str()).map(|(l, _)| l);
                    label.map_or_else(|| c.to_string(), Clone::clone)
                })
                // an absent member is an empty cell: the default empty string is what the register writes.
                .unwrap_or_default(),
            // an absent member is an empty cell: the default empty string is what the register writes.
            Target::BirthDate => p.birth_date.map(|d| d.to_string()).unwrap_or_default(),
            Target::Identifier(scheme) => {
                let next = (0..p.identifiers.len())
                    .find(|i| !used_ids.contains(i) && p.identifiers.get(*i).is_some_and(|x| x.scheme == scheme));
                next.map(|i| {
                    used_ids.push(i);
                    // an absent member is an empty cell: the default empty string is what the register writes.
                    p.identifiers.get(i).map(|x| x.value.to_string()).unwrap_or_default()
                })
                // an absent member is an empty cell: the default empty string is what the register writes.
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
                    // an absent member is an empty cell: the default empty string is what the register writes.
                    p.residences.get(i).map(|x| x.place.id.to_string()).unwrap_or_default()
                })
                // an absent member is an empty cell: the default empty string is what the register writes.
                .unwrap_or_default()
            }
            Target::ResidenceAddress(kind) => ext
                .and_then(|m| m.get(h.as_str()))
                .filter(|v| v.get("residenceKind").and_then(Value::as_str) == Some(kind.code()))
                .and_then(|v| v.pointer("/address/fullText"))
                .and_then(Value::as_str)
                // an absent member is an empty cell: the default empty string is what the register writes.
                .unwrap_or_default()
                .to_owned(),
            _ => String::new(),
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
    let (mut conv, _) = Converter::new(mapping, header, 1);
    let back = match conv.row(row, cells) {
        RowOutcome::Converted { records, .. } => records.into_iter().find_map(|r| match r {
            Record::Person(p) => Some(p),
            _ => None,
        }),
        _ => None,
    };
    let original = serde_json::to_value(p).unwrap_or(Value::Null);
    let back = back.and_then(|b| serde_json::to_value(b).ok()).unwrap_or(Value::Null);
    // What the table cannot hold: the members that do not come back ([ADP-002], chapter 18).
    for ptr in linli_model::support::json_diff::lost_members(&original, &back) {
        loss.push(Loss {
            kind: LossKind::NotRepresentable,
            source: format!("{base}{ptr}"),
            target: None,
            code: Code::CsvNotRepresentable,
            message_zh: format!("按此映射，表格无法表示 `{ptr}`"),
            message_en: format!("with this mapping, the table cannot hold `{ptr}`"),
        });
    }
}
