//! Reading a register: the header row found and the columns planned against the mapping, then
//! the rows streamed from CSV or a sheet, each converted or refused whole `[ADP-010]`,
//! `[ADP-011]`, `[ADP-015]`.

use super::*;
use crate::codes::Code;

pub(super) trait RowSource: Iterator<Item = Item> {
    fn consumed(&self) -> u64;
}

impl<R: BufRead> RowSource for source::CsvRows<R> {
    fn consumed(&self) -> u64 {
        source::CsvRows::consumed(self)
    }
}

pub(super) struct ExcelRows {
    rows: std::iter::Enumerate<std::vec::IntoIter<Vec<String>>>,
    total: u64,
    done: u64,
}

impl Iterator for ExcelRows {
    type Item = Item;
    fn next(&mut self) -> Option<Item> {
        let (i, r) = self.rows.next()?;
        self.done += 1;
        Some(Item::Row(i + 1, r))
    }
}

impl RowSource for ExcelRows {
    fn consumed(&self) -> u64 {
        self.done.min(self.total)
    }
}

/// A register opened for reading: the header found and planned, the rows streamed
/// ([`Iterator`] of [`RegisterItem`]).
pub struct Register<'a> {
    rows: Box<dyn RowSource + 'a>,
    pending: VecDeque<Item>,
    converter: Converter,
    /// Findings about the header (duplicate or missing columns, personal columns not kept, an
    /// unknown forced encoding).
    pub header_findings: Vec<RowFinding>,
    /// Loss entries about the file and the rows above the header (`csv-title-row-skipped` at
    /// `/N`, `csv-format-detected` at the empty pointer).
    pub header_loss: Vec<crate::Loss>,
    /// The encoding read, or `xlsx`/`xls`.
    pub encoding: &'static str,
    /// The kind of file read.
    pub kind: TableKind,
    /// The row number of the header.
    pub header_row: usize,
    total: u64,
    /// The header's width (workbook rows are fitted to it).
    width: usize,
}

/// A workbook row made as wide as the header: a sheet keeps no trailing empty cells, and a
/// cell right of the header's last title that is empty is no cell at all.
pub(super) fn fit(mut cells: Vec<String>, width: usize) -> Vec<String> {
    while cells.len() > width && cells.last().is_some_and(|c| c.trim().is_empty()) {
        cells.pop();
    }
    if cells.len() < width && !cells.iter().all(|c| c.trim().is_empty()) {
        cells.resize(width, String::new());
    }
    cells
}

/// A reader that can be read and rewound (a file, a byte slice).
pub trait ReadSeek: Read + Seek {}
impl<T: Read + Seek> ReadSeek for T {}

impl<'a> Register<'a> {
    /// Open a register for reading with `mapping`. `input` is read as a stream when it is CSV;
    /// a workbook is read whole. Fails when the input is unusable as a whole: an unreadable
    /// workbook, no header row, or a header lacking most of the mapping's columns
    /// ([`Error::ColumnsMissing`], [ADP-017]), before any row is converted.
    pub fn open(mut input: Box<dyn ReadSeek + 'a>, mapping: &Mapping, opts: &RegisterOptions) -> Result<Self, Error> {
        let io = |e: std::io::Error| Error::Input { format: "csv", message: e.to_string() };
        let total = input.seek(std::io::SeekFrom::End(0)).map_err(io)?;
        input.seek(std::io::SeekFrom::Start(0)).map_err(io)?;
        let mut head = [0u8; 8];
        let mut got = 0;
        while got < head.len() {
            // `got` < 8, the buffer's length: the default empty slice is never taken.
            match input.read(head.get_mut(got..).unwrap_or_default()).map_err(io)? {
                0 => break,
                n => got += n,
            }
        }
        input.seek(std::io::SeekFrom::Start(0)).map_err(io)?;
        // `got` <= 8, the buffer's length: the default empty slice is never taken.
        let kind = TableKind::sniff(head.get(..got).unwrap_or_default());
        let mut header_findings = Vec::new();
        let mut header_loss = Vec::new();
        if let Some(expected) = opts.expected.filter(|e| *e != kind) {
            header_loss.push(crate::Loss {
                kind: crate::LossKind::Normalised,
                source: String::new(),
                target: None,
                code: Code::CsvFormatDetected,
                message_zh: format!(
                    "按 --from {} 读取，但文件内容是 {}，已按 {} 读取",
                    expected.name(),
                    kind_zh(kind),
                    kind.name()
                ),
                message_en: format!(
                    "read as --from {}, but the bytes are {}; read as {}",
                    expected.name(),
                    kind_en(kind),
                    kind.name()
                ),
            });
        }
        let (rows, encoding, merges): (Box<dyn RowSource + 'a>, &'static str, Vec<calamine::Dimensions>) = match kind {
            TableKind::Csv => {
                let (enc, bom, f) = source::detect_encoding(&mut input, opts.encoding.as_deref())?;
                header_findings.extend(f);
                let reader = BufReader::with_capacity(1 << 16, input);
                (Box::new(source::CsvRows::new(reader, enc, bom, mapping.delimiter)), enc.name(), Vec::new())
            }
            TableKind::Xlsx | TableKind::Xls => {
                let mut bytes = Vec::new();
                input.read_to_end(&mut bytes).map_err(io)?;
                let sheet = opts.sheet.as_deref().or(mapping.sheet());
                let s = source::excel_rows(&bytes, sheet).map_err(|e| Error::Input {
                    format: kind.name(),
                    message: format!("not a readable workbook: {e}"),
                })?;
                if s.beyond > 0 {
                    header_loss.push(crate::Loss {
                        kind: crate::LossKind::NotRepresentable,
                        source: String::new(),
                        target: None,
                        code: Code::CsvCellsBeyondColumns,
                        message_zh: format!(
                            "工作表第 {} 列以右（或第 1048576 行以下）有 {} 个非空单元格，未读取",
                            source::MAX_COLUMNS,
                            s.beyond
                        ),
                        message_en: format!(
                            "{} non-empty cells right of column {} (or below row 1048576) not read",
                            s.beyond,
                            source::MAX_COLUMNS
                        ),
                    });
                }
                let n = s.rows.len() as u64;
                let rows = ExcelRows { rows: s.rows.into_iter().enumerate(), total: n, done: 0 };
                let enc = if kind == TableKind::Xls { "xls" } else { "xlsx" };
                (Box::new(rows), enc, s.merges)
            }
        };
        let total = if kind == TableKind::Csv { total } else { 0 };
        let mut rows = rows;
        // The header: the row among the first few that carries most of the mapping's headers.
        let mut head: Vec<Item> = Vec::new();
        let mut data_rows = 0;
        for item in rows.by_ref() {
            if matches!(item, Item::Row(..)) {
                data_rows += 1;
            }
            head.push(item);
            if data_rows >= HEADER_SEARCH_ROWS {
                break;
            }
        }
        // Merged cells above and in the header: every cell of a merged region reads as its
        // top-left cell.
        for d in &merges {
            let text = head.iter().find_map(|i| match i {
                Item::Row(n, cells) if *n == d.start.0 as usize + 1 => cells.get(d.start.1 as usize).cloned(),
                _ => None,
            });
            let Some(text) = text else { continue };
            for item in &mut head {
                if let Item::Row(n, cells) = item {
                    let r = *n as u32 - 1;
                    if (d.start.0..=d.end.0).contains(&r) {
                        for c in d.start.1..=d.end.1 {
                            if let Some(cell) = cells.get_mut(c as usize) {
                                cell.clone_from(&text);
                            }
                        }
                    }
                }
            }
        }
        // Columns left out (`-`) are titles of the register too.
        let keys: Vec<String> = mapping.columns.keys().chain(&mapping.ignored).map(|h| header_key(h)).collect();
        let score = |cells: &[String]| cells.iter().filter(|c| keys.contains(&header_key(c))).count();
        let candidates: Vec<(usize, usize)> = head
            .iter()
            .enumerate()
            .filter_map(|(i, item)| match item {
                Item::Row(n, cells) if !cells.iter().all(|c| c.trim().is_empty()) => Some((i, *n)),
                _ => None,
            })
            .collect();
        let chosen = match mapping.header_row {
            Some(h) => candidates.iter().find(|(_, n)| *n == h).map(|(i, _)| *i),
            None => {
                let best = candidates
                    .iter()
                    .map(|(i, _)| match head.get(*i) {
                        Some(Item::Row(_, cells)) => (score(cells), *i),
                        _ => (0, *i),
                    })
                    .fold(None::<(usize, usize)>, |acc, (s, i)| match acc {
                        Some((bs, _)) if bs >= s => acc,
                        _ => Some((s, i)),
                    });
                match best {
                    Some((s, i)) if s > 0 => Some(i),
                    _ => candidates.first().map(|(i, _)| *i),
                }
            }
        };
        let Some(chosen) = chosen else {
            return Err(Error::Input {
                format: kind.name(),
                message: match mapping.header_row {
                    Some(h) => format!("row {h} (headerRow) is not a non-empty row of the table"),
                    None => "the table has no header row".to_owned(),
                },
            });
        };
        let mut pending: VecDeque<Item> = VecDeque::new();
        let mut header: Option<(usize, Vec<String>)> = None;
        for (i, item) in head.into_iter().enumerate() {
            match item {
                Item::Row(n, cells) if i < chosen => {
                    if !cells.iter().all(|c| c.trim().is_empty()) {
                        header_loss.push(crate::Loss {
                            kind: crate::LossKind::Normalised,
                            source: format!("row {n}"),
                            target: None,
                            code: Code::CsvTitleRowSkipped,
                            message_zh: "表头之上的标题行，已跳过".into(),
                            message_en: "a title row above the header; skipped".into(),
                        });
                    }
                }
                Item::Row(n, cells) if i == chosen => header = Some((n, cells)),
                Item::Finding(f) | Item::Broken(_, _, f) if i < chosen => header_findings.push(f),
                other => pending.push_back(other),
            }
        }
        let Some((header_row, mut header_cells)) = header else {
            return Err(Error::Input { format: kind.name(), message: "the table has no header row".into() });
        };
        // A two-level header: a merged cell over several columns with their own titles in the
        // row below; those columns are titled `parent/child` [ADP-015].
        let spans: Vec<&calamine::Dimensions> = merges
            .iter()
            .filter(|d| d.start.0 as usize + 1 == header_row && d.end.1 > d.start.1 && d.end.0 == d.start.0)
            .collect();
        if !spans.is_empty() {
            if let Some(Item::Row(_, below)) = pending.front() {
                let below = below.clone();
                let mut used = false;
                for d in &spans {
                    for c in d.start.1..=d.end.1 {
                        let (Some(child), Some(parent)) = (below.get(c as usize), header_cells.get_mut(c as usize))
                        else {
                            continue;
                        };
                        if !child.trim().is_empty() {
                            *parent = format!("{}/{}", parent.trim(), child.trim());
                            used = true;
                        }
                    }
                }
                if used {
                    pending.pop_front();
                }
            }
        }
        if kind != TableKind::Csv {
            while header_cells.last().is_some_and(|c| c.trim().is_empty()) {
                header_cells.pop();
            }
        }
        let (converter, findings) = Converter::new(mapping, &header_cells, header_row);
        header_findings.extend(findings);
        check_columns(mapping, &converter)?;
        let width = converter.header().len();
        Ok(Register {
            rows,
            pending,
            converter,
            header_findings,
            header_loss,
            encoding,
            kind,
            header_row,
            total,
            width,
        })
    }

    /// The header as read.
    pub fn header(&self) -> Vec<String> {
        self.converter.header()
    }

    /// Bytes of the input read so far and the total (CSV; a workbook reports 0).
    pub fn progress(&self) -> (u64, u64) {
        (self.rows.consumed(), self.total)
    }
}

pub(super) fn kind_zh(k: TableKind) -> &'static str {
    match k {
        TableKind::Csv => "文本表格（CSV）",
        TableKind::Xlsx => "Excel 工作簿（xlsx）",
        TableKind::Xls => "旧版 Excel 工作簿（xls）",
    }
}

pub(super) fn kind_en(k: TableKind) -> &'static str {
    match k {
        TableKind::Csv => "a text table (CSV)",
        TableKind::Xlsx => "an Excel workbook (xlsx)",
        TableKind::Xls => "a legacy Excel workbook (xls)",
    }
}

/// [ADP-017]: when more than half of the mapping's columns, or the column of the row's
/// required name, are not in the header, nothing is converted; the error names each missing
/// column with the header that looks most like it.
pub(super) fn check_columns(mapping: &Mapping, conv: &Converter) -> Result<(), Error> {
    let header = conv.header();
    let present: Vec<targets::Target> = conv.targets();
    let missing: Vec<(&String, &targets::Target)> =
        mapping.columns.iter().filter(|(_, t)| !present.contains(t)).collect();
    if missing.is_empty() {
        return Ok(());
    }
    let required = match mapping.primary {
        targets::Slot::Person => Some(targets::Target::Name),
        targets::Slot::Organization => Some(targets::Target::OrgName),
        _ => None,
    };
    let lacks_required = required.is_some_and(|r| missing.iter().any(|(_, t)| **t == r));
    if missing.len() * 2 <= mapping.columns.len() && !lacks_required {
        return Ok(());
    }
    let unmapped: Vec<&String> = header.iter().filter(|h| !conv.is_mapped(h)).collect();
    let suggestions = missing
        .iter()
        .map(|(h, t)| {
            let by_synonym = unmapped.iter().find(|u| init::guess_target(u) == Some(**t));
            let key = header_key(h);
            let len = key.chars().count();
            // A title within a third of its length of edits (at least one), and never one that
            // reads as a personal value: a wrong header row holds data.
            let by_spelling = unmapped
                .iter()
                .filter(|u| !row::looks_personal(u) && !init::looks_like_name(u))
                .map(|u| (targets::distance(&key, &header_key(u)), u))
                .filter(|(d, _)| *d <= 1.max(len / 3) && *d < len)
                .min_by_key(|(d, _)| *d)
                .map(|(_, u)| u);
            ((*h).clone(), by_synonym.or(by_spelling).map(|u| (**u).clone()))
        })
        .collect();
    Err(Error::ColumnsMissing { mapped: mapping.columns.len(), missing: suggestions })
}

impl Iterator for Register<'_> {
    type Item = RegisterItem;

    fn next(&mut self) -> Option<RegisterItem> {
        let item = match self.pending.pop_front() {
            Some(i) => i,
            None => self.rows.next()?,
        };
        Some(match item {
            Item::Finding(f) => RegisterItem::Finding(f),
            Item::Broken(row, line, f) => {
                RegisterItem::Row { row, cells: vec![line], outcome: RowOutcome::Refused(vec![f]) }
            }
            Item::Row(row, cells) => {
                let cells = if self.kind == TableKind::Csv { cells } else { fit(cells, self.width) };
                let outcome = self.converter.row(row, &cells);
                RegisterItem::Row { row, cells, outcome }
            }
        })
    }
}

/// Read a whole register (CSV or a workbook, recognised by its bytes) into memory: for small
/// inputs, tests and the conformance suite. Large registers are read with [`Register`].
pub fn read_register(bytes: &[u8], mapping: &Mapping, opts: &RegisterOptions) -> Result<TableResult, Error> {
    let reg = Register::open(Box::new(std::io::Cursor::new(bytes)), mapping, opts)?;
    let mut out = TableResult {
        encoding: reg.encoding,
        header: reg.header(),
        findings: reg.header_findings.clone(),
        loss: LossReport { entries: reg.header_loss.clone() },
        ..TableResult::default()
    };
    for item in reg {
        match item {
            RegisterItem::Finding(f) => out.findings.push(f),
            RegisterItem::Row { outcome: RowOutcome::Empty, .. } => {}
            RegisterItem::Row { outcome: RowOutcome::Converted { records, loss, notes }, .. } => {
                out.records.extend(records);
                out.loss.entries.extend(loss);
                out.findings.extend(notes);
            }
            RegisterItem::Row { row, cells, outcome: RowOutcome::Refused(reasons) } => {
                out.findings.extend(reasons.iter().cloned());
                out.refused.push(RefusedRow { row, cells, reasons });
            }
        }
    }
    out.findings.sort_by_key(|f| f.row);
    Ok(out)
}

/// Read a CSV register with `mapping` (the encoding forced by its WHATWG label, else detected).
/// A workbook given here is recognised by its bytes and read as one, with a note.
pub fn read_table(bytes: &[u8], mapping: &Mapping, encoding: Option<&str>) -> Result<TableResult, Error> {
    let opts = RegisterOptions { encoding: encoding.map(str::to_owned), sheet: None, expected: Some(TableKind::Csv) };
    read_register(bytes, mapping, &opts)
}

/// Read an Excel workbook (`.xlsx`, `.xls`) with `mapping`, the mapping's sheet or the first.
pub fn read_xlsx(bytes: &[u8], mapping: &Mapping) -> Result<TableResult, Error> {
    let opts = RegisterOptions { encoding: None, sheet: None, expected: Some(TableKind::Xlsx) };
    let kind = TableKind::sniff(bytes);
    let opts = if kind == TableKind::Xls { RegisterOptions { expected: None, ..opts } } else { opts };
    read_register(bytes, mapping, &opts)
}
