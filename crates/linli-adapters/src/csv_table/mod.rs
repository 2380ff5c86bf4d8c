//! Department registers (台账) in CSV and Excel ⇄ canonical records, driven by a column mapping
//! (`spec/18-adapters.md` 18.2).
//!
//! Communities and departments keep their registers as spreadsheets: 人口信息登记表, 房屋信息表,
//! 出租房屋台账, 车辆登记表, 单位（场所）登记表, 养老服务对象名册 — one row per person, room, vehicle
//! or organization, Chinese headers that differ from office to office, labels instead of codes,
//! dates and phone numbers written every which way, often in GBK, often with a title row above
//! the header.
//!
//! - A [`Mapping`] (TOML) says which column goes to which *target* ([`targets::catalogue`],
//!   `linli convert --list-targets`): Person, the row's Place chain (community → compound →
//!   building → unit → floor → room, de-duplicated over the whole register), Thing (vehicles,
//!   devices) and Organization targets. One row may give several records, which refer to each
//!   other (the person lives in the row's room; the vehicle belongs to the person).
//! - [`init::init_mapping`] writes a mapping skeleton from a register's header and sample rows
//!   (`linli convert --init-mapping`).
//! - [`Register`] reads a register as a stream: memory stays flat in the number of rows (what it
//!   keeps is the set of places written and, when an id column is mapped, a hash per id).
//!   [`read_register`] collects everything for small inputs.
//! - A row converts whole or not at all: a refused row (every reason a [`RowFinding`]) goes to a
//!   rejects file the clerk can open and correct ([`write_rejects_row`]), never into the output.
//! - [`write_table`] writes Persons back as a table with the same mapping.
//!
//! The mapping file format, every target, and the reading rules are normative in chapter 18;
//! Table 18-1 there is generated from [`targets::catalogue_markdown`].

use crate::codes::Code;
pub mod init;
mod mapping;
mod read;
mod row;
mod source;
pub mod targets;
mod values;
mod write;

use std::collections::VecDeque;
use std::io::{BufRead, BufReader, Read, Seek, Write};

pub use mapping::Mapping;
pub use read::{ReadSeek, Register, read_register, read_table, read_xlsx};
pub use row::{Converter, REASON_COLUMN, RowOutcome, header_key};
pub use source::{MAX_COLUMNS, MAX_QUOTED_LINES, MAX_UNCLOSED_QUOTES, TableKind};
pub use write::{WrittenTable, neutralise_cell, write_table, write_table_raw};

use linli_model::Record;
use source::Item;

use crate::{Error, LossReport};

/// The extension namespace unmapped cells are kept under.
pub(crate) const NAMESPACE: &str = "csv";

/// The number of rows at the top of a register searched for the header row (title rows above
/// it are skipped) [ADP-015].
pub const HEADER_SEARCH_ROWS: usize = 10;

/// A problem with one row (or, with `row` 0, the whole file).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct RowFinding {
    /// Row number, 1-based as a spreadsheet shows it; 0 for the file as a whole.
    pub row: usize,
    /// The column header, when one column is concerned.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub column: Option<String>,
    /// Stable code, e.g. `csv-bad-date`.
    pub code: Code,
    /// Chinese explanation (never a cell value: values may be personal).
    pub message_zh: String,
    /// English explanation.
    pub message_en: String,
}

impl RowFinding {
    pub(crate) fn new(row: usize, column: Option<&str>, code: Code, zh: String, en: String) -> Self {
        RowFinding { row, column: column.map(str::to_owned), code, message_zh: zh, message_en: en }
    }
}

/// A refused row: its number, its cells as read, and why. Its `Debug` form shows the number of
/// cells, never their values (they may be personal).
#[derive(Clone)]
pub struct RefusedRow {
    /// Row number.
    pub row: usize,
    /// The cells as read.
    pub cells: Vec<String>,
    /// The reasons (at least one).
    pub reasons: Vec<RowFinding>,
}

impl std::fmt::Debug for RefusedRow {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RefusedRow")
            .field("row", &self.row)
            .field("cells", &self.cells.len())
            .field("reasons", &self.reasons)
            .finish()
    }
}

/// What reading a whole register gives ([`read_register`]).
#[derive(Debug, Clone, Default)]
pub struct TableResult {
    /// The records of the converted rows, in row order (a row's new places first).
    pub records: Vec<Record>,
    /// Everything not carried over unchanged.
    pub loss: LossReport,
    /// Problems and notes, by row.
    pub findings: Vec<RowFinding>,
    /// The text encoding read (`UTF-8`, `GBK`, `gb18030`, …); `xlsx` or `xls` for a workbook.
    pub encoding: &'static str,
    /// The header as read (repeated titles renamed).
    pub header: Vec<String>,
    /// The refused rows, for a rejects file.
    pub refused: Vec<RefusedRow>,
}

/// How to read a register.
#[derive(Debug, Clone, Default)]
pub struct RegisterOptions {
    /// Force a text encoding (WHATWG label) for CSV; a byte-order mark wins over it.
    pub encoding: Option<String>,
    /// The sheet of a workbook (name or 1-based number); else the mapping's `sheet`, else the
    /// first.
    pub sheet: Option<String>,
    /// The kind of file the caller expects (`--from`); the bytes decide, and a different kind
    /// gives a note `csv-format-detected`.
    pub expected: Option<TableKind>,
}

/// One item of a register stream. Its `Debug` form shows a row's number of cells, never their
/// values.
pub enum RegisterItem {
    /// A data row and what it gave.
    Row {
        /// Row number as a spreadsheet shows it.
        row: usize,
        /// The cells as read.
        cells: Vec<String>,
        /// The conversion.
        outcome: RowOutcome,
    },
    /// A finding about the file or a line (undecodable bytes, an unclosed quote).
    Finding(RowFinding),
}

impl std::fmt::Debug for RegisterItem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            RegisterItem::Row { row, cells, outcome } => {
                f.debug_struct("Row").field("row", row).field("cells", &cells.len()).field("outcome", outcome).finish()
            }
            RegisterItem::Finding(x) => f.debug_tuple("Finding").field(x).finish(),
        }
    }
}

/// The reasons of a refused row as one cell of the rejects file, in Chinese: `列「C」：…；…`.
pub fn reasons_zh(reasons: &[RowFinding]) -> String {
    reasons
        .iter()
        .map(|r| match &r.column {
            Some(c) => format!("列「{c}」：{}（{}）", r.message_zh, r.code),
            None => format!("{}（{}）", r.message_zh, r.code),
        })
        .collect::<Vec<_>>()
        .join("；")
}

/// Write one line of a rejects file: the cells as read (a row shorter than the header's `width`
/// padded with empty cells; a row that could not be split is its first line as one cell) and
/// the reason, as CSV in `enc` [ADP-016]; a cell starting a formula with a leading `'` [ADP-081]. The header line is written the same way, with
/// [`REASON_COLUMN`] as its reason.
pub fn write_rejects_row(
    out: &mut dyn Write,
    enc: &'static encoding_rs::Encoding,
    width: usize,
    cells: &[String],
    reason: &str,
) -> std::io::Result<()> {
    let mut w = csv::WriterBuilder::new().flexible(true).from_writer(Vec::new());
    let mut record: Vec<&str> = cells.iter().map(String::as_str).collect();
    // A row shorter than the header is padded, so that the reason stands under its title.
    while record.len() < width {
        record.push("");
    }
    record.push(reason);
    // No cell starts a formula [ADP-081], as in every table written.
    let record: Vec<std::borrow::Cow<'_, str>> = record.into_iter().map(write::neutralise_cell).collect();
    w.write_record(record.iter().map(|c| c.as_ref())).map_err(std::io::Error::other)?;
    let line = w.into_inner().map_err(|e| std::io::Error::other(e.to_string()))?;
    if enc == encoding_rs::UTF_8 {
        out.write_all(&line)
    } else {
        let text = String::from_utf8_lossy(&line);
        let (bytes, _, _) = enc.encode(&text);
        out.write_all(&bytes)
    }
}
