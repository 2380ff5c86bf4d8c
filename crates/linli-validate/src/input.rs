//! Reading inputs: NDJSON (plain or gzip), JSON documents (one record or an array), with
//! bounded memory and a finding — never a panic — for every malformed line.

use crate::codes::Code;
use std::io::{BufRead, Read};
use std::path::Path;

use linli_model::check::Level;
use sha2::{Digest, Sha256};

use crate::finding::Finding;

/// What kind of input a path is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum InputKind {
    /// A JSON document: one record, or an array of records.
    Json,
    /// Newline-delimited JSON, one record per line.
    Ndjson,
    /// Gzip-compressed NDJSON.
    NdjsonGz,
    /// A dataset directory with `manifest.json`.
    Dataset,
}

impl InputKind {
    /// Decide from the path: a directory is a dataset; `.gz` is gzip NDJSON; `.json`, `.jsonld`
    /// and `.geojson` a JSON document; anything else NDJSON. The validator looks at the bytes
    /// first (`crate::sniff`): gzip is recognised by its magic number whatever the name.
    pub fn of(path: &Path) -> InputKind {
        // A name that is not UTF-8 (or none): the default empty name reads as NDJSON, like any name not
        // listed here; the bytes are sniffed first anyway.
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or_default().to_ascii_lowercase();
        if path.is_dir() {
            InputKind::Dataset
        } else if name.ends_with(".gz") {
            InputKind::NdjsonGz
        } else if [".json", ".jsonld", ".geojson"].iter().any(|ext| name.ends_with(ext)) {
            // NGSI-LD and GeoJSON documents are JSON documents; read as such (their records are
            // then judged as Linli records).
            InputKind::Json
        } else {
            InputKind::Ndjson
        }
    }
}

/// One record's text and where it starts.
#[derive(Debug, Clone)]
pub struct RawRecord {
    /// 1-based line of the record's first character.
    pub line: u64,
    /// The JSON text.
    pub text: String,
}

/// What reading a file produced, item by item.
#[derive(Debug)]
pub enum Item {
    /// A record to validate.
    Record(RawRecord),
    /// A problem with the input itself (the line is skipped; reading goes on).
    Finding(Finding),
}

/// Totals of one file.
#[derive(Debug, Clone, Default)]
pub struct FileStats {
    /// Bytes read (before decompression for gzip input, the decompressed byte count).
    pub bytes: u64,
    /// Lines read.
    pub lines: u64,
    /// Records handed on (non-blank lines, or array elements).
    pub records: u64,
    /// Blank lines skipped.
    pub blank_lines: u64,
    /// The first blank line, if any.
    pub first_blank: Option<u64>,
    /// SHA-256 of the file's bytes as stored (compressed for gzip).
    pub sha256: String,
}

fn input_finding(code: Code, level: Level, req: &'static str, line: u64, zh: String, en: String) -> Finding {
    let mut f = Finding::new(code, level, Some(req), zh, en);
    f.line = Some(line);
    f
}

/// The warning for a leading byte order mark.
pub(crate) fn bom_finding() -> Finding {
    input_finding(
        Code::Utf8Bom,
        Level::Warning,
        "CON-002",
        1,
        "文件以 UTF-8 BOM 开头（已忽略）".into(),
        "the file starts with a UTF-8 byte order mark (ignored)".into(),
    )
}

/// The error for an input without a single record `[DAT-002]`: an empty file, or one of only
/// white space (a dataset's listed file draws it as a warning, see `run`).
pub(crate) fn empty_finding(line: u64) -> Finding {
    input_finding(
        Code::EmptyInput,
        Level::Error,
        "DAT-002",
        line,
        "输入中没有记录（文件为空或只有空白）：Linli 数据文件每行一条 JSON 记录".into(),
        "the input holds no record (the file is empty or only white space): a Linli data file holds one JSON record per line".into(),
    )
}

/// A reader that hashes everything read through it.
struct Hashing<R> {
    inner: R,
    hasher: Option<Sha256>,
    bytes: u64,
}

impl<R: Read> Read for Hashing<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        if let Some(h) = &mut self.hasher {
            h.update(&buf[..n]);
        }
        self.bytes += n as u64;
        Ok(n)
    }
}

/// Read NDJSON from `reader`, calling `sink` for every record or input problem, in order. Lines
/// longer than `max_line` bytes are skipped without being held in memory.
pub fn read_ndjson<R: BufRead>(reader: R, max_line: usize, sink: &mut dyn FnMut(Item)) -> std::io::Result<FileStats> {
    let stats = read_lines(reader, max_line, true, sink)?;
    for f in tail_findings(&stats) {
        sink(Item::Finding(f));
    }
    Ok(stats)
}

/// The findings about a whole file that can only be given at its end: blank lines, no record.
pub fn tail_findings(stats: &FileStats) -> Vec<Finding> {
    let mut out = Vec::new();
    if let Some(first) = stats.first_blank {
        out.push(input_finding(
            Code::BlankLines,
            Level::Info,
            "DAT-002",
            first,
            format!("跳过了 {} 个空行（第一个在第 {first} 行）", stats.blank_lines),
            format!("{} blank line(s) skipped (the first at line {first})", stats.blank_lines),
        ));
    }
    if stats.records == 0 {
        out.push(empty_finding(stats.lines.max(1)));
    }
    out
}

/// Read lines of NDJSON; line numbers count from 1 at the start of `reader`. `at_file_start`
/// says whether `reader` starts at the beginning of the file (where a byte order mark may be).
pub fn read_lines<R: BufRead>(
    mut reader: R,
    max_line: usize,
    at_file_start: bool,
    sink: &mut dyn FnMut(Item),
) -> std::io::Result<FileStats> {
    let mut stats = FileStats::default();
    let mut buf: Vec<u8> = Vec::with_capacity(4096);
    let mut line_no = 0u64;
    loop {
        buf.clear();
        let mut too_long = false;
        let mut saw_any = false;
        // Read one line, holding at most `max_line` bytes of it.
        loop {
            let available = match reader.fill_buf() {
                Ok(b) => b,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            };
            if available.is_empty() {
                break;
            }
            saw_any = true;
            let (chunk, done) = match memchr::memchr(b'\n', available) {
                Some(i) => (&available[..=i], true),
                None => (available, false),
            };
            let n = chunk.len();
            if !too_long {
                if buf.len() + n > max_line.saturating_add(2) {
                    too_long = true;
                    buf.clear();
                } else {
                    buf.extend_from_slice(chunk);
                }
            }
            stats.bytes += n as u64;
            reader.consume(n);
            if done {
                break;
            }
        }
        if !saw_any {
            break;
        }
        line_no += 1;
        stats.lines += 1;
        if too_long {
            sink(Item::Finding(input_finding(
                Code::LineTooLong,
                Level::Error,
                "DAT-002",
                line_no,
                format!("该行超过 {max_line} 字节，未校验"),
                format!("line longer than {max_line} bytes; not checked"),
            )));
            stats.records += 1;
            continue;
        }
        if at_file_start && line_no == 1 && buf.starts_with(b"\xEF\xBB\xBF") {
            buf.drain(..3);
            {
                sink(Item::Finding(bom_finding()));
            }
        }
        while matches!(buf.last(), Some(b'\n' | b'\r')) {
            buf.pop();
        }
        if buf.iter().all(u8::is_ascii_whitespace) {
            stats.blank_lines += 1;
            stats.first_blank.get_or_insert(line_no);
            continue;
        }
        stats.records += 1;
        // Hand the line over without copying it; the next line gets a fresh buffer.
        let capacity = buf.len().max(256) + 64;
        let line = std::mem::replace(&mut buf, Vec::with_capacity(capacity));
        match String::from_utf8(line) {
            Ok(text) => sink(Item::Record(RawRecord { line: line_no, text })),
            Err(e) => {
                let e = e.utf8_error();
                sink(Item::Finding(input_finding(
                    Code::InvalidUtf8,
                    Level::Error,
                    "CON-002",
                    line_no,
                    format!("第 {} 字节处不是有效的 UTF-8", e.valid_up_to() + 1),
                    format!("not valid UTF-8 at byte {} of the line", e.valid_up_to() + 1),
                )))
            }
        }
    }
    Ok(stats)
}

/// Read a file of NDJSON (gzip-compressed when `gz`); with `hash`, also compute the SHA-256 of
/// the stored bytes (for manifest checks). A gzip stream is read under the limits of an archive
/// `[DAT-022]` (1 GiB out, and 200:1 once more than 1 MiB is out): beyond them reading stops with
/// an error whose inner error is the limit's ([`gzip_limit`] tells it).
pub fn read_ndjson_file(
    file: std::fs::File,
    gz: bool,
    max_line: usize,
    hash: bool,
    sink: &mut dyn FnMut(Item),
) -> std::io::Result<FileStats> {
    read_ndjson_file_within(file, gz, max_line, hash, crate::archive::DEFAULT_MAX_BYTES, sink)
}

/// [`read_ndjson_file`] with at most `max_bytes` out of a gzip stream (`--max-archive-bytes`).
pub(crate) fn read_ndjson_file_within(
    file: std::fs::File,
    gz: bool,
    max_line: usize,
    hash: bool,
    max_bytes: u64,
    sink: &mut dyn FnMut(Item),
) -> std::io::Result<FileStats> {
    let compressed = std::rc::Rc::new(std::cell::Cell::new(0u64));
    let counted = crate::archive::Counting { inner: file, count: std::rc::Rc::clone(&compressed) };
    let mut hashing = Hashing { inner: counted, hasher: hash.then(Sha256::new), bytes: 0 };
    let mut stats = if gz {
        let decoder = flate2::read::MultiGzDecoder::new(&mut hashing);
        let limits = crate::archive::Limits { max_bytes, ..Default::default() };
        let bounded = crate::archive::Bounded::new(decoder, limits, compressed);
        read_ndjson(std::io::BufReader::with_capacity(1 << 16, bounded), max_line, sink)?
    } else {
        read_ndjson(std::io::BufReader::with_capacity(1 << 16, &mut hashing), max_line, sink)?
    };
    // Drain whatever a decoder left unread, so the digest covers the whole file.
    std::io::copy(&mut hashing, &mut std::io::sink())?;
    if let Some(h) = hashing.hasher {
        stats.sha256 = hex(&h.finalize());
    }
    Ok(stats)
}

/// The limit a gzip stream broke, when that is why reading `e` failed `[DAT-022]`: its code
/// (`archive-limit`) and messages in Chinese and English.
pub fn gzip_limit(e: &std::io::Error) -> Option<(&'static str, &str, &str)> {
    let a = e.get_ref()?.downcast_ref::<crate::archive::ArchiveError>()?;
    Some((a.code, &a.zh, &a.en))
}

/// Lower-case hexadecimal ([`linli_model::support::hex::encode`]).
pub fn hex(bytes: &[u8]) -> String {
    linli_model::support::hex::encode(bytes)
}

/// Read a JSON document: one record, or an array of records (each element reported with the
/// line where it starts).
pub fn read_json_file(mut file: std::fs::File, sink: &mut dyn FnMut(Item)) -> std::io::Result<FileStats> {
    let mut bytes = Vec::new();
    std::io::Read::read_to_end(&mut file, &mut bytes)?;
    let mut stats = FileStats { bytes: bytes.len() as u64, sha256: hex(&Sha256::digest(&bytes)), ..Default::default() };
    let mut body: &[u8] = &bytes;
    if let Some(rest) = body.strip_prefix(b"\xEF\xBB\xBF") {
        body = rest;
        sink(Item::Finding(bom_finding()));
    }
    let text = match std::str::from_utf8(body) {
        Ok(t) => t,
        Err(e) => {
            let line = 1 + body[..e.valid_up_to()].iter().filter(|b| **b == b'\n').count() as u64;
            sink(Item::Finding(input_finding(
                Code::InvalidUtf8,
                Level::Error,
                "CON-002",
                line,
                "文件不是有效的 UTF-8".into(),
                "the file is not valid UTF-8".into(),
            )));
            return Ok(stats);
        }
    };
    stats.lines = text.lines().count() as u64;
    let line_of = |offset: usize| 1 + text.as_bytes()[..offset].iter().filter(|b| **b == b'\n').count() as u64;
    let start = text.len() - text.trim_start().len();
    match text.as_bytes().get(start) {
        None => sink(Item::Finding(empty_finding(1))),
        Some(b'[') => match serde_json::from_str::<Vec<&serde_json::value::RawValue>>(text) {
            Ok(items) => {
                for raw in items {
                    let offset = raw.get().as_ptr() as usize - text.as_ptr() as usize;
                    stats.records += 1;
                    sink(Item::Record(RawRecord { line: line_of(offset), text: raw.get().to_owned() }));
                }
            }
            // The array as a whole does not read: the same codes as for one record `[CON-070]`.
            Err(e) => {
                let (code, zh) = if e.to_string().contains("recursion limit") {
                    (Code::JsonTooDeep, "JSON 嵌套过深")
                } else if e.is_eof() {
                    (Code::JsonTruncated, "JSON 不完整（文件被截断）")
                } else {
                    (Code::JsonSyntax, "JSON 语法错误")
                };
                sink(Item::Finding(input_finding(
                    code,
                    Level::Error,
                    "CON-002",
                    e.line() as u64,
                    format!("{zh}：{e}"),
                    format!("malformed JSON: {e}"),
                )))
            }
        },
        Some(_) => {
            stats.records = 1;
            sink(Item::Record(RawRecord { line: line_of(start), text: text.to_owned() }));
        }
    }
    Ok(stats)
}

#[cfg(test)]
mod tests {
    use super::*;

    type Collected = (Vec<(u64, String)>, Vec<(String, Option<u64>)>, FileStats);

    #[test]
    fn an_array_file_that_does_not_read_gets_the_code_of_why() {
        let dir = std::env::temp_dir().join(format!("linli-input-array-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        for (text, code) in [(r#"[{"type":"Person"}"#, "json-truncated"), ("[1,,2]", "json-syntax")] {
            let p = dir.join("a.json");
            std::fs::write(&p, text).unwrap();
            let mut codes = Vec::new();
            read_json_file(std::fs::File::open(&p).unwrap(), &mut |item| {
                if let Item::Finding(f) = item {
                    codes.push(f.code.to_string());
                }
            })
            .unwrap();
            assert_eq!(codes, [code], "{text:.20}");
        }
        std::fs::remove_dir_all(&dir).ok();
    }

    fn collect(input: &[u8], max: usize) -> Collected {
        let mut recs = Vec::new();
        let mut finds = Vec::new();
        let stats = read_ndjson(input, max, &mut |i| match i {
            Item::Record(r) => recs.push((r.line, r.text)),
            Item::Finding(f) => finds.push((f.code.to_string(), f.line)),
        })
        .unwrap();
        (recs, finds, stats)
    }

    #[test]
    fn crlf_bom_blank_and_last_line() {
        let (recs, finds, stats) = collect(b"\xEF\xBB\xBF{\"a\":1}\r\n\r\n  \n{\"b\":2}", 1 << 20);
        assert_eq!(recs, vec![(1, "{\"a\":1}".to_owned()), (4, "{\"b\":2}".to_owned())]);
        assert_eq!(finds, vec![("utf8-bom".to_owned(), Some(1)), ("blank-lines".to_owned(), Some(2))]);
        assert_eq!(stats.records, 2);
        assert_eq!(stats.blank_lines, 2);
    }

    #[test]
    fn invalid_utf8_and_long_lines_are_findings_and_reading_goes_on() {
        let mut input = b"{\"a\":1}\n\xff\xfe\n".to_vec();
        input.extend(std::iter::repeat_n(b'x', 100));
        input.extend(b"\n{\"c\":3}\n");
        let (recs, finds, _) = collect(&input, 50);
        assert_eq!(recs.iter().map(|r| r.0).collect::<Vec<_>>(), vec![1, 4]);
        assert_eq!(finds, vec![("invalid-utf8".to_owned(), Some(2)), ("line-too-long".to_owned(), Some(3))]);
    }

    #[test]
    fn empty_input_is_a_finding() {
        let (recs, finds, _) = collect(b"", 100);
        assert!(recs.is_empty());
        assert_eq!(finds, vec![("empty-input".to_owned(), Some(1))]);
    }
}
