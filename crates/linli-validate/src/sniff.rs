//! Recognising an input by its leading bytes before it is read as JSON or NDJSON `[DAT-019]`: a
//! spreadsheet, a PDF, an archive or a text in another encoding is named as what it is, with
//! the command that reads it, instead of drawing one syntax error per line.

use std::io::{Read, Seek, SeekFrom};

/// Bytes looked at.
const HEAD: usize = 8 << 10;

/// What an input is, judged from its first bytes (and, for a zip, from its entry names).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Sniffed {
    /// No byte, or only white space and a byte order mark `[DAT-020]`.
    Empty,
    /// JSON text (one document or NDJSON), possibly after a UTF-8 byte order mark.
    Json,
    /// Gzip-compressed JSON text (or a gzip stream that does not decompress: read, and reported
    /// as a read error).
    GzipJson,
    /// A zip archive that is no Office document: a dataset, perhaps `[DAT-021]`.
    Zip,
    /// A tar archive, gzip-compressed or not: a dataset, perhaps `[DAT-021]`.
    Tar {
        /// Whether the tar is gzip-compressed.
        gz: bool,
    },
    /// Something that is not Linli JSON at all.
    Foreign(Foreign),
}

/// Known kinds of input that are not Linli JSON `[DAT-019]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub(crate) enum Foreign {
    /// Comma- or semicolon-separated text.
    Csv,
    /// Tab-separated text.
    Tsv,
    /// An Excel workbook (Office Open XML: a zip with `xl/`).
    Xlsx,
    /// A legacy Office compound file (`.xls`, `.doc`).
    Ole2,
    /// Another Office Open XML document (Word, PowerPoint).
    OfficeDocument,
    /// A PDF document.
    Pdf,
    /// XML or HTML.
    Markup,
    /// Text in UTF-16.
    Utf16,
    /// Text in UTF-32.
    Utf32,
}

impl Foreign {
    /// The stable code of the run error.
    pub(crate) fn code(self) -> &'static str {
        match self {
            Foreign::Csv | Foreign::Tsv => "input-csv",
            Foreign::Xlsx | Foreign::Ole2 => "input-excel",
            Foreign::OfficeDocument => "input-office",
            Foreign::Pdf => "input-pdf",
            Foreign::Markup => "input-xml",
            Foreign::Utf16 | Foreign::Utf32 => "input-encoding",
        }
    }

    /// What it is, in Chinese and English.
    pub(crate) fn what(self) -> (&'static str, &'static str) {
        match self {
            Foreign::Csv => ("CSV 表格（逗号或分号分隔的文本）", "a CSV table (comma- or semicolon-separated text)"),
            Foreign::Tsv => ("制表符分隔的表格文本", "a tab-separated table"),
            Foreign::Xlsx => ("Excel 工作簿（.xlsx）", "an Excel workbook (.xlsx)"),
            Foreign::Ole2 => {
                ("旧版 Office 文件（如 Excel .xls 工作簿）", "a legacy Office file (such as an Excel .xls workbook)")
            }
            Foreign::OfficeDocument => ("Office 文档（Word 或 PowerPoint）", "an Office document (Word or PowerPoint)"),
            Foreign::Pdf => ("PDF 文档", "a PDF document"),
            Foreign::Markup => ("XML 或 HTML 文档", "an XML or HTML document"),
            Foreign::Utf16 => ("UTF-16 编码的文本", "text encoded in UTF-16"),
            Foreign::Utf32 => ("UTF-32 编码的文本", "text encoded in UTF-32"),
        }
    }

    /// What to do instead, in Chinese and English.
    pub(crate) fn hint(self) -> (&'static str, &'static str) {
        match self {
            Foreign::Csv | Foreign::Tsv => (
                "台账请先转换：`linli convert --init-mapping FILE -o mapping.toml` 生成列映射（检查并补全），再用 `linli convert --from csv --mapping mapping.toml FILE -o out.ndjson` 转换，然后校验 out.ndjson",
                "convert a register first: `linli convert --init-mapping FILE -o mapping.toml` writes a column mapping (check and complete it), then `linli convert --from csv --mapping mapping.toml FILE -o out.ndjson`; validate out.ndjson",
            ),
            Foreign::Xlsx | Foreign::Ole2 => (
                "台账请先转换：`linli convert --init-mapping FILE -o mapping.toml` 生成列映射（检查并补全），再用 `linli convert --from xlsx --mapping mapping.toml FILE -o out.ndjson` 转换，然后校验 out.ndjson",
                "convert a register first: `linli convert --init-mapping FILE -o mapping.toml` writes a column mapping (check and complete it), then `linli convert --from xlsx --mapping mapping.toml FILE -o out.ndjson`; validate out.ndjson",
            ),
            Foreign::OfficeDocument | Foreign::Pdf => (
                "校验器只读取 Linli 记录（NDJSON、JSON）、数据集目录及其 zip/tar 压缩包；请向数据提供方索取 Linli 导出",
                "the validator reads Linli records (NDJSON, JSON), dataset directories and zip/tar archives of them; ask the producer for a Linli export",
            ),
            Foreign::Markup => (
                "Open311 XML 可用 `linli convert --from open311-xml 文件 -o 输出.ndjson` 转换；其他 XML 请向数据提供方索取 Linli 导出",
                "Open311 XML converts with `linli convert --from open311-xml FILE -o out.ndjson`; for other XML ask the producer for a Linli export",
            ),
            Foreign::Utf16 | Foreign::Utf32 => (
                "Linli 文件必须是 UTF-8：请另存为 UTF-8（如 `iconv -f UTF-16 -t UTF-8`）",
                "Linli files are UTF-8: save it as UTF-8 (e.g. `iconv -f UTF-16 -t UTF-8`)",
            ),
        }
    }
}

/// Read up to `HEAD` bytes from the start of `file`.
fn head(file: &mut impl Read) -> std::io::Result<Vec<u8>> {
    let mut buf = Vec::with_capacity(HEAD);
    file.take(HEAD as u64).read_to_end(&mut buf)?;
    Ok(buf)
}

/// Recognise `file` (read from its start; left at an unspecified position).
pub(crate) fn sniff(file: &mut std::fs::File) -> std::io::Result<Sniffed> {
    file.seek(SeekFrom::Start(0))?;
    let bytes = head(file)?;
    let whole = bytes.len() < HEAD;
    if bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(b"PK\x05\x06") {
        file.seek(SeekFrom::Start(0))?;
        return Ok(zip_kind(file));
    }
    if bytes.starts_with(&[0x1f, 0x8b]) {
        file.seek(SeekFrom::Start(0))?;
        // What decompresses before the stream ends or breaks is judged: a cut tar.gz is still
        // a tar; a stream that yields nothing is read as gzip NDJSON and reported there.
        let mut inner = Vec::with_capacity(HEAD);
        let mut decoder = flate2::read::MultiGzDecoder::new(&mut *file).take(HEAD as u64);
        let mut buf = [0u8; 4096];
        let broken = loop {
            match decoder.read(&mut buf) {
                Ok(0) => break false,
                Ok(n) => inner.extend_from_slice(&buf[..n]),
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(_) => break true,
            }
        };
        if is_tar(&inner) {
            return Ok(Sniffed::Tar { gz: true });
        }
        if broken && inner.is_empty() {
            return Ok(Sniffed::GzipJson);
        }
        return Ok(match text_kind(&inner, !broken && inner.len() < HEAD) {
            Sniffed::Foreign(f) => Sniffed::Foreign(f),
            _ => Sniffed::GzipJson,
        });
    }
    if is_tar(&bytes) {
        return Ok(Sniffed::Tar { gz: false });
    }
    Ok(text_kind(&bytes, whole))
}

fn is_tar(bytes: &[u8]) -> bool {
    bytes.get(257..262) == Some(b"ustar")
}

/// A zip: an Office document by its entries, else a plain zip.
fn zip_kind(file: &mut std::fs::File) -> Sniffed {
    let Ok(archive) = zip::ZipArchive::new(&mut *file) else {
        // Not readable as a zip: the archive reader says why.
        return Sniffed::Zip;
    };
    let names: Vec<&str> = archive.file_names().collect();
    let office = names.contains(&"[Content_Types].xml");
    if office && names.iter().any(|n| n.starts_with("xl/")) {
        Sniffed::Foreign(Foreign::Xlsx)
    } else if office {
        Sniffed::Foreign(Foreign::OfficeDocument)
    } else if names.contains(&"mimetype") && names.contains(&"content.xml") {
        // OpenDocument (WPS and LibreOffice spreadsheets saved as .ods).
        Sniffed::Foreign(Foreign::OfficeDocument)
    } else {
        Sniffed::Zip
    }
}

/// Judge decoded-or-plain leading bytes as text; `whole` says they are the whole input.
fn text_kind(bytes: &[u8], whole: bool) -> Sniffed {
    if bytes.starts_with(b"%PDF-") {
        return Sniffed::Foreign(Foreign::Pdf);
    }
    if bytes.starts_with(&[0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]) {
        return Sniffed::Foreign(Foreign::Ole2);
    }
    if bytes.starts_with(&[0xff, 0xfe, 0, 0]) || bytes.starts_with(&[0, 0, 0xfe, 0xff]) {
        return Sniffed::Foreign(Foreign::Utf32);
    }
    if bytes.starts_with(&[0xff, 0xfe]) || bytes.starts_with(&[0xfe, 0xff]) {
        return Sniffed::Foreign(Foreign::Utf16);
    }
    let body = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    // UTF-16 without a byte order mark: ASCII characters alternate with zero bytes.
    if body.len() >= 4 {
        let pairs = &body[..body.len().min(64) & !1];
        let zero_odd = pairs.chunks(2).all(|p| p[1] == 0 && p[0] != 0);
        let zero_even = pairs.chunks(2).all(|p| p[0] == 0 && p[1] != 0);
        if zero_odd || zero_even {
            return Sniffed::Foreign(Foreign::Utf16);
        }
    }
    let start = body.iter().position(|b| !b.is_ascii_whitespace());
    let Some(start) = start else {
        return if whole { Sniffed::Empty } else { Sniffed::Json };
    };
    let rest = &body[start..];
    match rest[0] {
        b'{' | b'[' => Sniffed::Json,
        b'<' => Sniffed::Foreign(Foreign::Markup),
        _ => {
            let line = &rest[..memchr::memchr(b'\n', rest).unwrap_or(rest.len())];
            if line.contains(&b'\t') {
                Sniffed::Foreign(Foreign::Tsv)
            } else if line.contains(&b',')
                || line.contains(&b';')
                || memchr::memmem::find(line, "，".as_bytes()).is_some()
            {
                Sniffed::Foreign(Foreign::Csv)
            } else {
                // Some other text: read as NDJSON, each line reported as what it is.
                Sniffed::Json
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_kinds() {
        let cases: &[(&[u8], Sniffed)] = &[
            (b"", Sniffed::Empty),
            (b"\xEF\xBB\xBF \n\t", Sniffed::Empty),
            (b"  {\"type\":\"Person\"}", Sniffed::Json),
            (b"\xEF\xBB\xBF[1]", Sniffed::Json),
            ("姓名,身份证号\n张三,1".as_bytes(), Sniffed::Foreign(Foreign::Csv)),
            (b"a;b\n", Sniffed::Foreign(Foreign::Csv)),
            (b"a\tb\n", Sniffed::Foreign(Foreign::Tsv)),
            (b"<?xml version=\"1.0\"?><a/>", Sniffed::Foreign(Foreign::Markup)),
            (b"%PDF-1.7\n", Sniffed::Foreign(Foreign::Pdf)),
            (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1\0\0", Sniffed::Foreign(Foreign::Ole2)),
            (b"\xff\xfe{\0\"\0", Sniffed::Foreign(Foreign::Utf16)),
            (b"{\0\"\0t\0y\0", Sniffed::Foreign(Foreign::Utf16)),
            (b"\xff\xfe\0\0{\0\0\0", Sniffed::Foreign(Foreign::Utf32)),
            (b"hello\n", Sniffed::Json),
        ];
        for (bytes, want) in cases {
            assert_eq!(text_kind(bytes, true), *want, "{:?}", String::from_utf8_lossy(bytes));
        }
        // White space that fills the whole head: not known to be empty; read and judged there.
        assert_eq!(text_kind(&[b' '; HEAD], false), Sniffed::Json);
    }
}
