//! Where a register's rows come from: CSV text read as a stream (encoding detected, RFC 4180
//! quoting, line numbers kept for findings) or an Excel sheet (`.xlsx`, `.xls`, `.xlsb`, `.ods`,
//! read through calamine), and what kind of file the bytes are `[ADP-010]`, `[ADP-015]`.

use crate::codes::Code;
use std::collections::VecDeque;
use std::io::{BufRead, Read, Seek, SeekFrom};

use super::RowFinding;

/// The most lines one quoted cell may span: a quote still open after that many lines is an
/// unclosed quote, so that one stray quote cannot make the reader hold the rest of a large file
/// [ADP-011].
pub const MAX_QUOTED_LINES: usize = 100;

/// After this many unclosed quotes, quotes no longer span lines: every later line is one row
/// (text that is full of stray quotes would otherwise be read again and again) [ADP-011].
pub const MAX_UNCLOSED_QUOTES: usize = 100;

/// The kind of file, from its first bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TableKind {
    /// Text: CSV (or TSV).
    Csv,
    /// A ZIP container: an Office Open XML workbook (`.xlsx`) or an OpenDocument sheet.
    Xlsx,
    /// An OLE compound file: a legacy Excel workbook (`.xls`).
    Xls,
}

impl TableKind {
    /// What `bytes` are: `PK\x03\x04` → a ZIP workbook, `D0 CF 11 E0` → a legacy workbook,
    /// anything else text.
    pub fn sniff(bytes: &[u8]) -> TableKind {
        if bytes.starts_with(b"PK\x03\x04") {
            TableKind::Xlsx
        } else if bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]) {
            TableKind::Xls
        } else {
            TableKind::Csv
        }
    }

    /// Its name, as `--from` spells it.
    pub fn name(self) -> &'static str {
        match self {
            TableKind::Csv => "csv",
            TableKind::Xlsx => "xlsx",
            TableKind::Xls => "xls",
        }
    }
}

/// The encoding of CSV bytes [ADP-010]: a byte-order mark wins; else the forced encoding; else
/// UTF-8 when the whole input is valid UTF-8 (checked in chunks, without holding it), otherwise
/// GB18030 when the whole input is valid GB18030. Returns the encoding, the length of the
/// byte-order mark, and a finding for an unknown forced label. The reader is left at its start.
///
/// Refused as a whole: UTF-16 text (a UTF-16 byte-order mark, `adapter-input`), and bytes that
/// are not text (`csv-not-text`, [`crate::Error::NotText`]) — a NUL byte anywhere (no register
/// in UTF-8 or GB18030 holds one; a binary file, or UTF-16/32 without a byte-order mark, does),
/// or, when the encoding is detected, bytes valid neither as UTF-8 nor as GB18030; the error
/// names the byte offset and line of the first such byte. A forced encoding decodes what it can
/// (bad bytes become U+FFFD with a `csv-encoding` finding per line).
pub(crate) fn detect_encoding<R: Read + Seek>(
    input: &mut R,
    forced: Option<&str>,
) -> Result<(&'static encoding_rs::Encoding, usize, Option<RowFinding>), crate::Error> {
    let io = |e: std::io::Error| crate::Error::Input { format: "csv", message: e.to_string() };
    let mut finding = None;
    let forced = forced.and_then(|l| {
        let e = encoding_rs::Encoding::for_label(l.trim().as_bytes());
        if e.is_none() {
            finding = Some(RowFinding::new(
                0,
                None,
                Code::CsvEncoding,
                format!("未知的字符编码 `{}`，改为自动识别", l.escape_debug()),
                format!("unknown encoding `{}`; detecting instead", l.escape_debug()),
            ));
        }
        e
    });
    input.seek(SeekFrom::Start(0)).map_err(io)?;
    let mut head = [0u8; 3];
    let mut got = 0;
    while got < 3 {
        // `got` < 3, the buffer's length: the default empty slice is never taken.
        match input.read(head.get_mut(got..).unwrap_or_default()).map_err(io)? {
            0 => break,
            n => got += n,
        }
    }
    // `got` <= 3, the buffer's length: the default empty slice is never taken.
    let bom = encoding_rs::Encoding::for_bom(head.get(..got).unwrap_or_default());
    input.seek(SeekFrom::Start(0)).map_err(io)?;
    if let Some((e, _)) = bom {
        if e == encoding_rs::UTF_16LE || e == encoding_rs::UTF_16BE {
            return Err(crate::Error::Input {
                format: "csv",
                message: "UTF-16 text (Excel's \"Unicode text\") is not read: save the register as CSV in UTF-8 or GBK, or as xlsx".into(),
            });
        }
    }
    let forced_utf16 = forced.is_some_and(|e| e == encoding_rs::UTF_16LE || e == encoding_rs::UTF_16BE);
    // One pass: the first NUL byte, and whether the whole input is valid UTF-8. A character cut
    // at a chunk border is carried over.
    let mut buf = vec![0u8; 1 << 20];
    let mut carry: Vec<u8> = Vec::new();
    let mut utf8 = true;
    let mut offset: u64 = 0;
    loop {
        let n = input.read(&mut buf).map_err(io)?;
        let chunk = &buf[..n.min(buf.len())];
        if n == 0 {
            utf8 &= carry.is_empty();
            break;
        }
        if let Some(at) = chunk.iter().position(|b| *b == 0).filter(|_| !forced_utf16) {
            return Err(not_text(input, offset + at as u64, true).map_err(io)?);
        }
        offset += n as u64;
        if utf8 {
            carry.extend_from_slice(chunk);
            match std::str::from_utf8(&carry) {
                Ok(_) => carry.clear(),
                Err(e) if e.error_len().is_none() => {
                    let keep = carry.split_off(e.valid_up_to());
                    carry = keep;
                }
                Err(_) => utf8 = false,
            }
        }
    }
    input.seek(SeekFrom::Start(0)).map_err(io)?;
    if let Some((e, n)) = bom {
        return Ok((e, n, finding));
    }
    if let Some(e) = forced {
        return Ok((e, 0, finding));
    }
    if utf8 {
        return Ok((encoding_rs::UTF_8, 0, finding));
    }
    if let Some(at) = first_undecodable(input, encoding_rs::GB18030).map_err(io)? {
        return Err(not_text(input, at, false).map_err(io)?);
    }
    input.seek(SeekFrom::Start(0)).map_err(io)?;
    Ok((encoding_rs::GB18030, 0, finding))
}

/// The byte offset of the first byte of `input` (from its start) that `enc` cannot decode, if any.
fn first_undecodable<R: Read + Seek>(
    input: &mut R,
    enc: &'static encoding_rs::Encoding,
) -> std::io::Result<Option<u64>> {
    use encoding_rs::DecoderResult;
    input.seek(SeekFrom::Start(0))?;
    let mut decoder = enc.new_decoder_without_bom_handling();
    let mut buf = vec![0u8; 1 << 16];
    let mut out = String::new();
    let mut pos: u64 = 0;
    loop {
        let n = input.read(&mut buf)?;
        let last = n == 0;
        let mut src = &buf[..n.min(buf.len())];
        loop {
            out.clear();
            out.reserve(decoder.max_utf8_buffer_length_without_replacement(src.len()).unwrap_or(src.len() * 4 + 16));
            let (result, read) = decoder.decode_to_string_without_replacement(src, &mut out, last);
            match result {
                DecoderResult::InputEmpty => {
                    pos += read as u64;
                    break;
                }
                DecoderResult::OutputFull => {
                    pos += read as u64;
                    src = &src[read.min(src.len())..];
                }
                DecoderResult::Malformed(bad, after) => {
                    return Ok(Some((pos + read as u64).saturating_sub(u64::from(bad) + u64::from(after))));
                }
            }
        }
        if last {
            return Ok(None);
        }
    }
}

/// [`crate::Error::NotText`] for the byte at `offset`, with its line (1 + the line feeds before it).
fn not_text<R: Read + Seek>(input: &mut R, offset: u64, nul: bool) -> std::io::Result<crate::Error> {
    input.seek(SeekFrom::Start(0))?;
    let mut line = 1u64;
    let mut left = offset;
    let mut buf = vec![0u8; 1 << 16];
    while left > 0 {
        let want = usize::try_from(left).map_or(buf.len(), |l| l.min(buf.len()));
        let n = input.read(&mut buf[..want])?;
        if n == 0 {
            break;
        }
        line += buf[..n.min(want)].iter().filter(|b| **b == b'\n').count() as u64;
        left -= n as u64;
    }
    input.seek(SeekFrom::Start(0))?;
    Ok(crate::Error::NotText { offset, line, nul })
}

/// One item a row source yields.
pub(crate) enum Item {
    /// A row: its number (the header is row 1 when it is the first) and its cells, untrimmed.
    Row(usize, Vec<String>),
    /// A problem with a row or a line.
    Finding(RowFinding),
    /// A row that cannot be split (an unclosed quote): its number, the text of its first line,
    /// and why.
    Broken(usize, String, RowFinding),
}

impl std::fmt::Debug for Item {
    /// The number of a row and of its cells, never their values.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Item::Row(n, cells) => write!(f, "Row({n}, {} cells)", cells.len()),
            Item::Finding(x) => write!(f, "Finding({x:?})"),
            Item::Broken(n, _, x) => write!(f, "Broken({n}, {x:?})"),
        }
    }
}

/// CSV rows read as a stream: memory holds one row (and, while a quoted cell spans lines, the
/// lines of that row).
pub(crate) struct CsvRows<R> {
    input: R,
    enc: &'static encoding_rs::Encoding,
    delimiter: u8,
    /// Physical lines read so far.
    line: usize,
    /// Decoded lines to read again (after an unclosed quote), before the input.
    replay: VecDeque<(usize, String)>,
    /// Rows (records) counted so far.
    row: usize,
    /// Bytes of the input consumed.
    consumed: u64,
    findings: VecDeque<RowFinding>,
    skip_bom: usize,
    raw: Vec<u8>,
    /// Unclosed quotes met so far.
    unclosed: usize,
}

impl<R: BufRead> CsvRows<R> {
    pub(crate) fn new(input: R, enc: &'static encoding_rs::Encoding, bom_len: usize, delimiter: u8) -> Self {
        CsvRows {
            input,
            enc,
            delimiter,
            line: 0,
            replay: VecDeque::new(),
            row: 0,
            consumed: 0,
            findings: VecDeque::new(),
            skip_bom: bom_len,
            raw: Vec::new(),
            unclosed: 0,
        }
    }

    /// Bytes of the input read so far (for a progress bar).
    pub(crate) fn consumed(&self) -> u64 {
        self.consumed
    }

    /// The next decoded line (with its line terminator), from the replay queue or the input.
    fn next_line(&mut self) -> Option<(usize, String)> {
        if let Some(l) = self.replay.pop_front() {
            return Some(l);
        }
        self.raw.clear();
        let n = match self.input.read_until(b'\n', &mut self.raw) {
            Ok(0) => return None,
            Ok(n) => n,
            Err(e) => {
                self.line += 1;
                self.findings.push_back(RowFinding::new(
                    self.line,
                    None,
                    Code::CsvMalformed,
                    format!("读取失败：{e}"),
                    format!("cannot read: {e}"),
                ));
                return None;
            }
        };
        self.consumed += n as u64;
        self.line += 1;
        let bytes = match std::mem::take(&mut self.skip_bom) {
            0 => self.raw.as_slice(),
            // `k` is the byte-order mark's length, within the first line: the default empty line is never taken.
            k => self.raw.get(k..).unwrap_or_default(),
        };
        let (text, bad) = if self.enc == encoding_rs::UTF_8 {
            match std::str::from_utf8(bytes) {
                Ok(s) => (s.to_owned(), false),
                Err(_) => (String::from_utf8_lossy(bytes).into_owned(), true),
            }
        } else {
            let (s, had_errors) = self.enc.decode_without_bom_handling(bytes);
            (s.into_owned(), had_errors)
        };
        if bad {
            self.undecodable();
        }
        Some((self.line, text))
    }

    fn undecodable(&mut self) {
        let (line, name) = (self.line, self.enc.name());
        self.findings.push_back(RowFinding::new(
            line,
            None,
            Code::CsvEncoding,
            format!("第 {line} 行含有无法按 {name} 解码的字节，已替换为 U+FFFD"),
            format!("line {line} has bytes that are not {name}; replaced by U+FFFD"),
        ));
    }
}

/// Where a scan of CSV text stands.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Quote {
    /// At the start of a field.
    FieldStart,
    /// In an unquoted field.
    Plain,
    /// In a quoted field.
    Open,
    /// Just after a quote inside a quoted field (it closes the field unless another follows).
    MaybeClosed,
}

/// Split one record's text (its line breaks included) into fields, RFC 4180: a field that starts
/// with `"` is quoted, `""` in it is a quote, and whatever follows its closing quote up to the
/// delimiter is kept as text. Returns whether a quote is still open at the end.
fn split_record(text: &str, delimiter: char, fields: &mut Vec<String>) -> bool {
    let body = text.strip_suffix('\n').unwrap_or(text);
    let body = body.strip_suffix('\r').unwrap_or(body);
    fields.clear();
    // Most rows quote nothing: split at the delimiter.
    if !body.contains('"') {
        fields.extend(body.split(delimiter).map(str::to_owned));
        return false;
    }
    let mut field = String::new();
    let mut state = Quote::FieldStart;
    for c in body.chars() {
        state = match (state, c) {
            (Quote::FieldStart | Quote::Plain | Quote::MaybeClosed, c) if c == delimiter => {
                fields.push(std::mem::take(&mut field));
                Quote::FieldStart
            }
            (Quote::FieldStart, '"') => Quote::Open,
            (Quote::Open, '"') => Quote::MaybeClosed,
            (Quote::MaybeClosed, '"') => {
                field.push('"');
                Quote::Open
            }
            (Quote::Open, c) => {
                field.push(c);
                Quote::Open
            }
            (_, c) => {
                field.push(c);
                Quote::Plain
            }
        };
    }
    fields.push(field);
    state == Quote::Open
}

/// Whether a quote is open at the end of `line`, starting from `open`.
fn still_open(line: &str, delimiter: char, open: bool) -> bool {
    if !open && !line.contains('"') {
        return false;
    }
    let mut state = if open { Quote::Open } else { Quote::FieldStart };
    for c in line.chars() {
        state = match (state, c) {
            (Quote::FieldStart | Quote::Plain | Quote::MaybeClosed, c) if c == delimiter => Quote::FieldStart,
            (Quote::FieldStart, '"') => Quote::Open,
            (Quote::Open, '"') => Quote::MaybeClosed,
            (Quote::MaybeClosed, '"') => Quote::Open,
            (Quote::Open, _) => Quote::Open,
            (Quote::FieldStart | Quote::Plain | Quote::MaybeClosed, _) => Quote::Plain,
        };
    }
    state == Quote::Open
}

impl<R: BufRead> Iterator for CsvRows<R> {
    type Item = Item;

    fn next(&mut self) -> Option<Item> {
        if let Some(f) = self.findings.pop_front() {
            return Some(Item::Finding(f));
        }
        let delimiter = char::from(self.delimiter);
        let (first_line, first) = self.next_line()?;
        let mut open = still_open(&first, delimiter, false);
        if !open || self.unclosed >= MAX_UNCLOSED_QUOTES {
            self.row += 1;
            let mut fields = Vec::new();
            split_record(&first, delimiter, &mut fields);
            return Some(Item::Row(self.row, fields));
        }
        // A quoted cell spans lines: gather them until it closes.
        let mut lines = vec![(first_line, first)];
        while open && lines.len() < MAX_QUOTED_LINES {
            let Some((n, l)) = self.next_line() else { break };
            open = still_open(&l, delimiter, true);
            lines.push((n, l));
        }
        self.row += 1;
        if open {
            // Unclosed: the row is not converted; reading resumes on the line after the one the
            // quote opened on [ADP-011].
            self.unclosed += 1;
            let row = self.row;
            let mut lines = lines.into_iter();
            // a record has at least one line; the default empty text is never taken.
            let first = lines.next().map(|(_, l)| l).unwrap_or_default();
            let mut rest = lines.collect::<VecDeque<_>>();
            rest.extend(std::mem::take(&mut self.replay));
            self.replay = rest;
            let first = first.trim_end_matches(['\r', '\n']).to_owned();
            return Some(Item::Broken(
                row,
                first,
                RowFinding::new(
                    row,
                    None,
                    Code::CsvMalformed,
                    "引号未闭合，本行未转换".to_owned(),
                    "unclosed quote; the row is not converted".to_owned(),
                ),
            ));
        }
        let text: String = lines.into_iter().map(|(_, l)| l).collect();
        let mut fields = Vec::new();
        split_record(&text, delimiter, &mut fields);
        Some(Item::Row(self.row, fields))
    }
}

/// An Excel sheet's rows as text, with merged header cells filled in. `sheet` is a sheet name
/// or a 1-based index; the first sheet otherwise.
pub(crate) fn excel_rows(bytes: &[u8], sheet: Option<&str>) -> Result<ExcelSheet, String> {
    use calamine::Reader;
    let mut wb = calamine::open_workbook_auto_from_rs(std::io::Cursor::new(bytes)).map_err(|e| e.to_string())?;
    let names = wb.sheet_names();
    let name = match sheet {
        None => names.first().cloned().ok_or_else(|| "the workbook has no sheet".to_owned())?,
        Some(s) => match names.iter().find(|n| n.as_str() == s) {
            Some(n) => n.clone(),
            None => match s.parse::<usize>().ok().and_then(|i| i.checked_sub(1)).and_then(|i| names.get(i)) {
                Some(n) => n.clone(),
                None => return Err(format!("no sheet `{s}`; the sheets are: {}", names.join(", "))),
            },
        },
    };
    let merges: Vec<calamine::Dimensions> = match &mut wb {
        // a sheet without merged cells (or whose merge list cannot be read) has none: the default empty list.
        calamine::Sheets::Xlsx(x) => x.worksheet_merge_cells(&name).and_then(Result::ok).unwrap_or_default(),
        // a sheet without merged cells has none: the default empty list.
        calamine::Sheets::Xls(x) => x.worksheet_merge_cells(&name).unwrap_or_default(),
        _ => Vec::new(),
    };
    // Rows hold their cells up to the last non-empty one, and no further than MAX_COLUMNS: a
    // stray cell far to the right or below costs nothing (a dense grid of such a sheet would
    // not fit in memory).
    let mut rows: Vec<Vec<String>> = Vec::new();
    let mut beyond = 0usize;
    let mut put = |rows: &mut Vec<Vec<String>>, (r, c): (u32, u32), text: String| {
        if text.is_empty() {
            return;
        }
        let (r, c) = (r as usize, c as usize);
        if c >= MAX_COLUMNS || r >= MAX_ROWS {
            beyond += 1;
            return;
        }
        if rows.len() <= r {
            rows.resize_with(r + 1, Vec::new);
        }
        if let Some(row) = rows.get_mut(r) {
            if row.len() <= c {
                row.resize(c + 1, String::new());
            }
            if let Some(cell) = row.get_mut(c) {
                *cell = text;
            }
        }
    };
    match &mut wb {
        calamine::Sheets::Xlsx(x) => {
            let mut cells = x.worksheet_cells_reader(&name).map_err(|e| e.to_string())?;
            while let Some(cell) = cells.next_cell().map_err(|e| e.to_string())? {
                let text = cell_text(&calamine::Data::from(cell.get_value().clone()));
                put(&mut rows, cell.get_position(), text);
            }
        }
        _ => {
            let range = wb.worksheet_range(&name).map_err(|e| e.to_string())?;
            for cell in range.used_cells() {
                let (r, c, v) = cell;
                let (r0, c0) = range.start().unwrap_or((0, 0));
                put(&mut rows, (r as u32 + r0, c as u32 + c0), cell_text(v));
            }
        }
    }
    Ok(ExcelSheet { rows, merges, beyond })
}

/// The most columns read from a workbook sheet (a register has far fewer); non-empty cells
/// beyond are counted and reported [ADP-015].
pub const MAX_COLUMNS: usize = 1024;

/// The most rows read from a workbook sheet (Excel's own limit).
pub(crate) const MAX_ROWS: usize = 1_048_576;

/// An Excel sheet read whole (a sheet holds at most 1,048,576 rows).
pub(crate) struct ExcelSheet {
    /// Rows from spreadsheet row 1.
    pub rows: Vec<Vec<String>>,
    /// Merged regions, 0-based (row, column).
    pub merges: Vec<calamine::Dimensions>,
    /// Non-empty cells beyond [`MAX_COLUMNS`] or [`MAX_ROWS`], not read.
    pub beyond: usize,
}

/// The text of one Excel cell: whole numbers without a fraction, dates as `YYYY-MM-DD`.
fn cell_text(cell: &calamine::Data) -> String {
    use calamine::Data;
    match cell {
        Data::Empty => String::new(),
        Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
        Data::Int(i) => i.to_string(),
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{f:.0}"),
        Data::Float(f) => f.to_string(),
        Data::Bool(b) => b.to_string(),
        Data::DateTime(d) => super::values::excel_date(d.as_f64()).unwrap_or_else(|| d.as_f64().to_string()),
        Data::Error(e) => format!("#{e:?}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows(text: &str) -> Vec<String> {
        let r = CsvRows::new(std::io::Cursor::new(text.as_bytes().to_vec()), encoding_rs::UTF_8, 0, b',');
        r.map(|i| match i {
            Item::Row(n, c) => format!("{n}:{}", c.join("|")),
            Item::Finding(f) | Item::Broken(_, _, f) => format!("{}!{}", f.row, f.code),
        })
        .collect()
    }

    #[test]
    fn rfc4180_quotes_and_line_breaks_in_cells() {
        assert_eq!(rows("a,b\n\"x,1\",\"say \"\"hi\"\"\"\n"), ["1:a|b", "2:x,1|say \"hi\""]);
        assert_eq!(rows("a,b\r\n\"two\nlines\",c\r\nd,e"), ["1:a|b", "2:two\nlines|c", "3:d|e"]);
        assert_eq!(rows("a,b\nx\"y,z\n"), ["1:a|b", "2:x\"y|z"], "a quote inside an unquoted cell is text");
    }

    #[test]
    fn an_unclosed_quote_costs_its_own_row_and_reading_resumes_on_the_next_line() {
        assert_eq!(rows("h1,h2\n\"open,1\nok,2\nok,3\n"), ["1:h1|h2", "2!csv-malformed", "3:ok|2", "4:ok|3"]);
    }

    #[test]
    fn sniffing_the_kind_of_table() {
        assert_eq!(TableKind::sniff(b"PK\x03\x04rest"), TableKind::Xlsx);
        assert_eq!(TableKind::sniff(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1, 0]), TableKind::Xls);
        assert_eq!(TableKind::sniff("姓名,性别".as_bytes()), TableKind::Csv);
    }
}
