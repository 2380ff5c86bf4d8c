//! Masking files and dataset directories, streaming `[SHR-030]`, `[DAT-017]`: a record file, an
//! NDJSON file or a dataset directory in, the same shape out. Memory grows with the number of
//! places (for community ancestors), not with the input.

use std::fs::File;
use std::io::{BufRead, BufReader, BufWriter, Read, Write};
use std::path::{Path, PathBuf};

use linli_model::RecordType;
use linli_model::check::SharedCode;
use linli_model::codes::CodeTable;
use linli_model::datetime::Timestamp;
use linli_model::manifest::{MANIFEST_FILE, Manifest, ManifestFile, Protection};
use linli_model::text::{Sha256 as Sha256Text, Text};
use serde_json::Value;
use sha2::{Digest, Sha256};

use crate::Error;
use crate::key::{Key, hex};
use crate::leak::Names;
use crate::mask::{Counts, Masker, PlaceIndex};
use crate::profile::Profile;

/// Longest line read, as [DAT-002] allows producers to write.
pub const MAX_LINE_BYTES: usize = 16 << 20;

/// What was masked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum InputKind {
    /// One record (or an array of records) in a `.json` file.
    Record,
    /// An NDJSON file.
    Ndjson,
    /// A dataset directory with a manifest.
    Dataset,
}

/// The result of [`mask_path`].
#[derive(Debug, Clone, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Summary {
    /// Kind of input.
    pub input: InputKind,
    /// Data files written.
    pub files: usize,
    /// Data files whose name was written with its personal numbers masked (`x`) `[SHR-030]`.
    pub renamed: usize,
    /// Files of the dataset directory that its manifest does not list, neither read nor written
    /// `[SHR-033]`: their paths relative to the directory (to be printed with personal numbers
    /// masked), at most [`UNLISTED_SHOWN`].
    pub unlisted: Vec<String>,
    /// How many such files there are.
    pub unlisted_count: usize,
    /// What was done.
    pub counts: Counts,
    /// Profile applied.
    pub profile: String,
    /// Sharing level of the result.
    pub sharing_level: String,
    /// Key id, when a key was used.
    pub key_id: Option<String>,
}

/// How to mask.
#[derive(Debug, Clone)]
pub struct Options<'a> {
    /// The profile.
    pub profile: &'a Profile,
    /// The key, when the profile pseudonymises.
    pub key: Option<&'a Key>,
    /// The time of the run (default: now, in China Standard Time): the `createdAt` and
    /// `protection.appliedAt` of a dataset written, and the reference time whose date ages are
    /// judged on `[SHR-007]`.
    pub created_at: Option<Timestamp>,
    /// Name and version of the tool, for the manifest's `protection`.
    pub tool: Text,
    /// Worker threads for NDJSON files; 0: one per core. The output is the same, byte for byte,
    /// whatever the number `[SHR-063]`.
    pub threads: usize,
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> Error + '_ {
    move |source| Error::Io { path: path.display().to_string(), source }
}

fn serialize(path: &Path) -> impl FnOnce(serde_json::Error) -> Error + '_ {
    move |source| Error::Serialize { path: path.display().to_string(), source }
}

fn bad_record(path: &Path, line: u64, finding: SharedCode, en: impl Into<String>, zh: impl Into<String>) -> Error {
    Error::Input { path: path.display().to_string(), line, finding, zh: zh.into(), en: en.into() }
}

const NOT_A_RECORD_EN: &str = "not a Linli record, refused so that nothing passes unmasked: ";
const NOT_A_RECORD_ZH: &str = "不是 Linli 记录，为免未经处理的内容流出已拒绝：";

/// The records of the input that do not read as Linli records, counted over the whole input so
/// that one run says how many there are and where the first few are `[SHR-033]`.
#[derive(Debug, Default)]
struct Invalid {
    count: u64,
    first: Vec<crate::InvalidRecord>,
}

impl Invalid {
    /// Note `e` when it is a record that does not read; any other error is returned.
    fn note(&mut self, e: Error) -> Result<(), Error> {
        let Error::Input { path, line, finding, zh, en } = e else { return Err(e) };
        self.count += 1;
        if self.first.len() < crate::INVALID_SHOWN {
            // The list says what is wrong; that nothing passes unmasked, the message around it.
            let en = en.strip_prefix(NOT_A_RECORD_EN).map_or(en.clone(), str::to_owned);
            let zh = zh.strip_prefix(NOT_A_RECORD_ZH).map_or(zh.clone(), str::to_owned);
            self.first.push(crate::InvalidRecord { path, line, finding, zh, en });
        }
        Ok(())
    }

    /// The error to stop with, when a record did not read.
    fn error(&mut self, input: &Path) -> Option<Error> {
        (self.count > 0).then(|| Error::InvalidRecords {
            input: input.display().to_string(),
            count: self.count,
            first: std::mem::take(&mut self.first),
        })
    }
}

/// Read the non-blank lines of an NDJSON file (gzip when `gz`), calling `f` with line number and
/// bytes.
/// Called with the 1-based line number and the bytes of each non-blank line.
type LineFn<'a> = dyn FnMut(u64, &[u8]) -> Result<(), Error> + 'a;

/// A file of the input that is not opened `[DAT-014]`: the message names it and says why.
fn refused(path: &Path, e: &linli_model::member::MemberError) -> Error {
    use linli_model::member::Refusal;
    if matches!(e.refusal, Refusal::Unreadable) {
        return Error::Io { path: path.display().to_string(), source: std::io::Error::other(e.message_en()) };
    }
    Error::Refused {
        path: path.display().to_string(),
        zh: format!("{}；未读取，未写出任何内容 [DAT-014]", e.message_zh()),
        en: format!("{}; not read, nothing written [DAT-014]", e.message_en()),
    }
}

/// A file to read, in one or more passes `[DAT-014]`: opened once (a dataset's file by
/// [`linli_model::member::check_member`], one folder at a time and never through a link; a file
/// named on the command line as the regular file it names), and opened again for each pass as
/// that very file. Every pass must read the same bytes — those the manifest's `sha256` gives,
/// for a dataset's file: a file that changes while it is masked, or that is not the file the
/// manifest describes, is refused rather than masked by indexes built from other content.
pub struct Source {
    shown: PathBuf,
    checked: linli_model::member::Checked,
    gz: bool,
    sha256: std::cell::RefCell<Option<String>>,
}

impl Source {
    /// The file `rel` of the dataset directory `root`, whose manifest gives `sha256`.
    pub fn member(root: &Path, rel: &str, sha256: Option<&str>) -> Result<Self, Error> {
        let shown = root.join(rel);
        let (checked, _) = linli_model::member::check_member(root, rel).map_err(|e| refused(&shown, &e))?;
        Ok(Source {
            shown,
            checked,
            gz: rel.ends_with(".gz"),
            sha256: std::cell::RefCell::new(sha256.map(str::to_owned)),
        })
    }

    /// A file named on the command line: a link to it is followed here, once, so that what is
    /// opened is the regular file it names; never a FIFO.
    pub fn named(path: &Path) -> Result<Self, Error> {
        let real = path.canonicalize().map_err(io(path))?;
        let (checked, _) = linli_model::member::check_regular(&real).map_err(|e| refused(path, &e))?;
        let gz = path.extension().is_some_and(|e| e == "gz");
        Ok(Source { shown: path.to_path_buf(), checked, gz, sha256: std::cell::RefCell::new(None) })
    }

    /// The path shown in messages.
    pub fn path(&self) -> &Path {
        &self.shown
    }

    fn open(&self) -> Result<File, Error> {
        self.checked.open().map_err(|e| refused(&self.shown, &e))
    }

    /// Call `f` on every line (1-based number, bytes without the line end); then check that the
    /// bytes read are those of every other pass, and of the manifest.
    fn each_line(&self, f: &mut LineFn<'_>) -> Result<(), Error> {
        let sha = each_line(&self.shown, self.open()?, self.gz, f)?;
        let mut expected = self.sha256.borrow_mut();
        match expected.as_deref() {
            Some(e) if e != sha => Err(Error::Refused {
                path: self.shown.display().to_string(),
                zh: "文件内容与清单的 SHA-256 不符，或在读取过程中被改动；未写出任何内容（先用 `linli validate` 检查数据集）[DAT-013]"
                    .into(),
                en: "the file's bytes differ from the manifest's SHA-256, or changed while being read; nothing written (check the dataset with `linli validate` first) [DAT-013]"
                    .into(),
            }),
            Some(_) => Ok(()),
            None => {
                *expected = Some(sha);
                Ok(())
            }
        }
    }
}

/// Reads through, hashing what it reads.
struct HashingReader<R> {
    inner: R,
    hasher: Sha256,
}

impl<R: Read> Read for HashingReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.hasher.update(&buf[..n]);
        Ok(n)
    }
}

/// Call `f` on every line of `file`; returns the SHA-256 of the file's bytes (all of them, read
/// to the end).
fn each_line(path: &Path, file: File, gz: bool, f: &mut LineFn<'_>) -> Result<String, Error> {
    let mut hashing = HashingReader { inner: file, hasher: Sha256::new() };
    let raw: Box<dyn Read + '_> =
        if gz { Box::new(flate2::read::MultiGzDecoder::new(&mut hashing)) } else { Box::new(&mut hashing) };
    let mut r = BufReader::with_capacity(1 << 20, raw);
    lines(path, &mut r, f)?;
    drop(r);
    // What a decoder left unread still counts.
    std::io::copy(&mut hashing, &mut std::io::sink()).map_err(io(path))?;
    Ok(hex(&hashing.hasher.finalize()))
}

fn lines(path: &Path, r: &mut dyn BufRead, f: &mut LineFn<'_>) -> Result<(), Error> {
    let mut buf = Vec::new();
    let mut n = 0u64;
    loop {
        buf.clear();
        let got = (&mut *r).take(MAX_LINE_BYTES as u64 + 2).read_until(b'\n', &mut buf).map_err(io(path))?;
        if got == 0 {
            return Ok(());
        }
        n += 1;
        if buf.len() > MAX_LINE_BYTES + 1 && !buf.ends_with(b"\n") {
            return Err(bad_record(path, n, SharedCode::LineTooLong, "line longer than 16 MiB", "行超过 16 MiB"));
        }
        let mut line: &[u8] = &buf;
        if n == 1 {
            line = line.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(line);
        }
        while let [rest @ .., b'\n' | b'\r'] = line {
            line = rest;
        }
        if line.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        f(n, line)?;
    }
}

fn parse(path: &Path, line: u64, bytes: &[u8]) -> Result<Value, Error> {
    // A member given twice would be read as its last value only: refused before it is read
    // `[CON-002]` (nesting is checked record by record, in `check_record`).
    if let Err(p @ linli_model::json::TextProblem::DuplicateMember { .. }) =
        std::str::from_utf8(bytes).map_or(Ok(()), linli_model::json::check_text)
    {
        return Err(text_problem(path, line, &p));
    }
    serde_json::from_slice(bytes).map_err(|e| {
        // The parser's own words quote no value, but they are English: the Chinese message says
        // the same by the kind of error and the column.
        let col = e.column();
        if e.is_eof() {
            bad_record(
                path,
                line,
                SharedCode::JsonTruncated,
                format!("JSON ends early (truncated) at column {col}"),
                format!("JSON 不完整（在第 {col} 列中断）"),
            )
        } else {
            let en = linli_model::redact::redact(&without_values(&e.to_string())).into_owned();
            let en = match en.rfind(" at line ") {
                Some(i) => en[..i].to_owned(),
                None => en,
            };
            bad_record(
                path,
                line,
                SharedCode::JsonSyntax,
                format!("not JSON: {en} at column {col}"),
                format!("JSON 语法错误（第 {col} 列）"),
            )
        }
    })
}

/// A record refused for a member given twice or nesting too deep `[CON-002]`; the pointer's
/// personal numbers masked `[PRI-011]`.
fn text_problem(path: &Path, line: u64, p: &linli_model::json::TextProblem) -> Error {
    let en = linli_model::redact::redact(&p.to_string()).into_owned();
    let (finding, zh) = match p {
        linli_model::json::TextProblem::DuplicateMember { pointer } => (
            SharedCode::JsonDuplicateKey,
            format!("同一对象中成员名出现两次（`{}`），无法确定取哪个值", linli_model::redact::for_output(pointer)),
        ),
        _ => (SharedCode::JsonTooDeep, format!("数组与对象嵌套超过 {} 层", linli_model::json::MAX_DEPTH)),
    };
    bad_record(path, line, finding, format!("{NOT_A_RECORD_EN}{en}"), format!("{NOT_A_RECORD_ZH}{zh}"))
}

/// Refuse a value that does not read as a Linli record (a member of the wrong shape, an unknown
/// member, no known `type`): masking works on the shapes the schemas give, and a member of any
/// other shape would pass through unmasked. `text` is the value's JSON text when at hand. The
/// message names the member by its JSON pointer and says what is wrong in both languages,
/// never quoting a value `[PRI-011]`.
fn check_record(path: &Path, line: u64, v: &Value, text: Option<&[u8]>) -> Result<(), Error> {
    let text = text.and_then(|t| std::str::from_utf8(t).ok());
    let read = match text {
        Some(t) => linli_model::Record::from_json_str(t),
        None => linli_model::Record::from_value(v.clone()),
    };
    let Err(e) = read else { return Ok(()) };
    if let linli_model::record::RecordParseError::Text(p) = &e {
        return Err(text_problem(path, line, p));
    }
    // Where the reader stopped, as a JSON pointer: read from the text (a value of a JSON array is
    // written out and read again, so that its position is known).
    let (e, pointer) = match text {
        Some(t) => {
            let p = e.pointer_in(t);
            (e, p)
        }
        // A value that does not serialise (none does: a `Value` has string keys) is refused all
        // the same, without a pointer.
        None => match serde_json::to_string(v) {
            Ok(t) => match linli_model::Record::from_json_str(&t) {
                Err(again) => {
                    let p = again.pointer_in(&t);
                    (again, p)
                }
                Ok(_) => (e, String::new()),
            },
            Err(_) => (e, String::new()),
        },
    };
    let pointer = linli_model::redact::for_output(&pointer_without_values(&pointer)).into_owned();
    let (finding, en, zh) = match &e {
        linli_model::record::RecordParseError::MissingType => {
            (SharedCode::MissingRecordType, "no string member `type`".to_owned(), "缺少字符串成员 `type`".to_owned())
        }
        linli_model::record::RecordParseError::UnknownType(_) => {
            (SharedCode::UnknownRecordType, "unknown `type`".to_owned(), "`type` 不是记录类型".to_owned())
        }
        other => reader_words(&other.to_string()),
    };
    let (at_en, at_zh) = if pointer.is_empty() {
        (String::new(), String::new())
    } else {
        (format!(" at `{pointer}`"), format!("（`{pointer}`）"))
    };
    Err(bad_record(
        path,
        line,
        finding,
        format!("{NOT_A_RECORD_EN}{en}{at_en}"),
        format!("{NOT_A_RECORD_ZH}{zh}{at_zh}"),
    ))
}

/// A JSON pointer with each member name that is not a short ASCII word (as the schemas' names
/// are) shown as `…`: an unknown member's name may be personal — a name, a number — and the
/// messages of the masker hold none `[PRI-011]`. Array indices stay.
fn pointer_without_values(pointer: &str) -> String {
    let word = |s: &str| {
        s.len() <= 40
            && (s.bytes().all(|b| b.is_ascii_digit())
                || s.starts_with(|c: char| c.is_ascii_alphabetic())
                    && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-'))
    };
    pointer.split('/').skip(1).fold(String::new(), |mut out, token| {
        out.push('/');
        out.push_str(if word(token) { token } else { "…" });
        out
    })
}

/// What a reader's message says: the code `linli validate` gives that kind of error, in English
/// (its words, values left out, no position) and in Chinese (by the kind of error).
fn reader_words(msg: &str) -> (SharedCode, String, String) {
    // A member name the reader quotes can hold a number: masked like a value [PRI-011].
    let en = linli_model::redact::redact(&without_values(msg)).into_owned();
    let en = match en.rfind(" at line ") {
        Some(i) if en[i..].contains(" column ") => en[..i].to_owned(),
        _ => en,
    };
    let (finding, zh) = if en.starts_with("unknown field") {
        (SharedCode::SchemaUnknownMember, "标准未定义的成员（非标准数据应放在 `extensions` 中）".to_owned())
    } else if let Some(rest) = en.strip_prefix("missing field ") {
        (SharedCode::SchemaRequired, format!("缺少必需的成员 {rest}"))
    } else if en.starts_with("invalid type") {
        (SharedCode::SchemaType, "JSON 类型错误".to_owned())
    } else if en.starts_with("unknown variant") || en.starts_with("unknown code") {
        (SharedCode::SchemaCode, "不是允许的代码值".to_owned())
    } else if en.starts_with("invalid length") {
        (SharedCode::SchemaStructure, "数组长度不符合要求".to_owned())
    } else if en.starts_with("invalid") {
        (SharedCode::SchemaPattern, "值不符合要求".to_owned())
    } else {
        (SharedCode::RecordStructure, "形状不符合模式".to_owned())
    };
    (finding, en, zh)
}

/// A reader's message with the values it quotes left out: a value of the wrong shape may be
/// personal (an ID number given as a string, a phone number as an integer). Names of members and
/// types (short ASCII words) stay; quoted text, numbers and long digit runs become `…`.
pub fn without_values(msg: &str) -> String {
    let (body, at) = match msg.rfind(" at line ") {
        Some(i) => msg.split_at(i),
        None => (msg, ""),
    };
    let word = |s: &str| {
        s.len() <= 40
            && s.starts_with(|c: char| c.is_ascii_alphabetic())
            && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
    };
    let mut out = String::with_capacity(body.len());
    let mut chars = body.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' | '`' => {
                let mut inner = String::new();
                let mut escaped = false;
                let mut closed = false;
                for d in chars.by_ref() {
                    if d == c && !escaped {
                        closed = true;
                        break;
                    }
                    escaped = c == '"' && d == '\\' && !escaped;
                    inner.push(d);
                }
                out.push(c);
                out.push_str(if closed && word(&inner) { &inner } else { "…" });
                if closed {
                    out.push(c);
                }
            }
            '0'..='9' => {
                let mut run = String::from(c);
                while let Some(d) = chars.next_if(char::is_ascii_digit) {
                    run.push(d);
                }
                out.push_str(if run.len() >= 6 { "…" } else { &run });
            }
            _ => out.push(c),
        }
    }
    out.push_str(at);
    out
}

/// Create `dir` and the folders above it that are missing, readable by their owner only (0700 on
/// Unix), as the output folder itself `[SHR-030]`.
fn owner_only_dirs(dir: &Path) -> std::io::Result<()> {
    let mut b = std::fs::DirBuilder::new();
    b.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut b, 0o700);
    b.create(dir)
}

/// Whether an output file is written gzip-compressed: its name ends in `.gz`.
fn is_gz(path: &Path) -> bool {
    path.extension().is_some_and(|e| e == "gz")
}

/// Write an output file through `body` (gzip when its name ends in `.gz`); returns what `body`
/// returned and the SHA-256 of the file's bytes. On any error the file is removed, so that
/// nothing half-written is left.
fn write_output<T>(out: &Path, body: impl FnOnce(&mut dyn Write) -> Result<T, Error>) -> Result<(T, String), Error> {
    // Written beside its place and renamed into it when whole: a run that fails leaves the file
    // that was there (if any) as it was, and never a part of the output `[SHR-032]`.
    let dir = out.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    // Readable by its owner only (0600), while it is written and after: it may hold personal data
    // until its owner decides who may read it `[SHR-030]`.
    let mut part = tempfile::Builder::new().prefix(".linli-mask-").suffix(".part").tempfile_in(dir).map_err(io(out))?;
    let (t, sha) = {
        let mut w = Hashing { inner: BufWriter::with_capacity(1 << 20, part.as_file_mut()), sha: Sha256::new() };
        let t = if is_gz(out) {
            let mut gz = flate2::write::GzEncoder::new(&mut w, flate2::Compression::default());
            let t = body(&mut gz)?;
            gz.finish().map_err(io(out))?;
            t
        } else {
            body(&mut w)?
        };
        w.inner.into_inner().map_err(|e| io(out)(e.into_error()))?;
        (t, hex(&w.sha.finalize()))
    };
    part.as_file().sync_all().map_err(io(out))?;
    part.persist(out).map_err(|e| io(out)(e.error))?;
    Ok((t, sha))
}

/// Collect the places of an NDJSON file.
fn places_of(src: &Source, index: &mut PlaceIndex) -> Result<(), Error> {
    #[derive(serde::Deserialize)]
    struct Peek {
        #[serde(rename = "type")]
        t: Option<String>,
        id: Option<String>,
        kind: Option<String>,
        parent: Option<ParentPeek>,
    }
    #[derive(serde::Deserialize)]
    struct ParentPeek {
        id: Option<String>,
    }
    let place = memchr::memmem::Finder::new(b"\"Place\"");
    src.each_line(&mut |_, line| {
        // Only a line that names the type Place somewhere can be a Place record.
        if place.find(line).is_none() {
            return Ok(());
        }
        if let Ok(p) = serde_json::from_slice::<Peek>(line) {
            if let (Some("Place"), Some(id)) = (p.t.as_deref(), p.id) {
                index.insert(id, p.kind, p.parent.and_then(|x| x.id));
            }
        }
        Ok(())
    })
}

/// Collect the names of the persons and contacts of an NDJSON file (gzip when `gz`) `[SHR-043]`,
/// `[SHR-052]`: a Person's `name`, an Organization's `/contacts/*/name`. Lines that do not read
/// as such records are passed over.
pub fn names_of(src: &Source, names: &mut Names) -> Result<(), Error> {
    #[derive(serde::Deserialize)]
    struct Peek {
        #[serde(rename = "type")]
        t: Option<String>,
        name: Option<String>,
        #[serde(default)]
        contacts: Vec<ContactPeek>,
    }
    #[derive(serde::Deserialize)]
    struct ContactPeek {
        name: Option<String>,
    }
    let name = memchr::memmem::Finder::new(b"\"name\"");
    src.each_line(&mut |_, line| {
        if name.find(line).is_none() {
            return Ok(());
        }
        // A line of another shape is refused by the masking pass itself.
        if let Ok(p) = serde_json::from_slice::<Peek>(line) {
            match p.t.as_deref() {
                Some("Person") => names.add(p.name.as_deref().unwrap_or("")),
                Some("Organization") => p.contacts.iter().filter_map(|c| c.name.as_deref()).for_each(|n| names.add(n)),
                _ => {}
            }
        }
        Ok(())
    })
}

/// What one line gives the indexes: a Place's id, kind and parent; the names of a Person or of
/// an Organization's contacts.
type Found = (Option<(String, Option<String>, Option<String>)>, Vec<String>);

/// One pass over `src` on `threads` workers collecting what [`places_of`] (when `places`) and
/// [`names_of`] (when `names`) collect, the same way: lines read as they do, results taken in
/// input order.
fn places_and_names(
    src: &Source,
    mut places: Option<&mut PlaceIndex>,
    mut names: Option<&mut Names>,
    run: Run,
) -> Result<(), Error> {
    #[derive(serde::Deserialize)]
    struct PlacePeek {
        #[serde(rename = "type")]
        t: Option<String>,
        id: Option<String>,
        kind: Option<String>,
        parent: Option<ParentPeek>,
    }
    #[derive(serde::Deserialize)]
    struct ParentPeek {
        id: Option<String>,
    }
    #[derive(serde::Deserialize)]
    struct NamePeek {
        #[serde(rename = "type")]
        t: Option<String>,
        name: Option<String>,
        #[serde(default)]
        contacts: Vec<ContactPeek>,
    }
    #[derive(serde::Deserialize)]
    struct ContactPeek {
        name: Option<String>,
    }
    /// Both at once: when it reads, each of the two reads the same.
    #[derive(serde::Deserialize)]
    struct BothPeek {
        #[serde(rename = "type")]
        t: Option<String>,
        id: Option<String>,
        kind: Option<String>,
        parent: Option<ParentPeek>,
        name: Option<String>,
        #[serde(default)]
        contacts: Vec<ContactPeek>,
    }
    let (want_places, want_names) = (places.is_some(), names.is_some());
    let place = memchr::memmem::Finder::new(b"\"Place\"");
    let name = memchr::memmem::Finder::new(b"\"name\"");
    let one = |line: &[u8]| -> Found {
        let mut found: Found = (None, Vec::new());
        // Only a line that names the type Place somewhere can be a Place record.
        let (is_place, is_named) = (want_places && place.find(line).is_some(), want_names && name.find(line).is_some());
        if is_place && is_named {
            if let Ok(p) = serde_json::from_slice::<BothPeek>(line) {
                if let (Some("Place"), Some(id)) = (p.t.as_deref(), p.id) {
                    found.0 = Some((id, p.kind, p.parent.and_then(|x| x.id)));
                }
                match p.t.as_deref() {
                    Some("Person") => found.1.extend(p.name),
                    Some("Organization") => found.1.extend(p.contacts.into_iter().filter_map(|c| c.name)),
                    _ => {}
                }
                return found;
            }
        }
        if is_place {
            if let Ok(p) = serde_json::from_slice::<PlacePeek>(line) {
                if let (Some("Place"), Some(id)) = (p.t.as_deref(), p.id) {
                    found.0 = Some((id, p.kind, p.parent.and_then(|x| x.id)));
                }
            }
        }
        // A line of another shape is refused by the masking pass itself.
        if is_named {
            if let Ok(p) = serde_json::from_slice::<NamePeek>(line) {
                match p.t.as_deref() {
                    Some("Person") => found.1.extend(p.name),
                    Some("Organization") => found.1.extend(p.contacts.into_iter().filter_map(|c| c.name)),
                    _ => {}
                }
            }
        }
        found
    };
    let mut take = |found: Found| {
        if let (Some(index), Some((id, kind, parent))) = (places.as_deref_mut(), found.0) {
            index.insert(id, kind, parent);
        }
        if let Some(names) = names.as_deref_mut() {
            found.1.iter().for_each(|n| names.add(n));
        }
    };
    if run.threads <= 1 {
        return src.each_line(&mut |_, line| {
            take(one(line));
            Ok(())
        });
    }
    // A batch's ranges are its own lines, inside its text: the default (an empty line, which
    // names nothing) is never taken.
    let map =
        |b: Batch| -> Vec<Found> { b.lines.into_iter().map(|(_, r)| one(b.text.get(r).unwrap_or_default())).collect() };
    par_lines(src, run.threads, run.batch_bytes, &map, &mut |found: Vec<Found>| {
        found.into_iter().for_each(&mut take);
        Ok(())
    })
}

/// The leak checks of the sharing level a profile declares — those of the level's built-in
/// profile, whatever the profile's name —, and the check of ids `[CON-013]`, run on every masked
/// record before it is written, so that `mask` never writes what a validator of that level
/// rejects `[SHR-032]`.
struct SelfCheck<'a> {
    declared: &'a Profile,
    built_in: Option<Profile>,
    today: linli_model::datetime::Date,
    names: &'a Names,
    places: &'a PlaceIndex,
}

impl<'a> SelfCheck<'a> {
    fn new(opts: &'a Options<'_>, names: &'a Names, places: &'a PlaceIndex) -> Result<Self, Error> {
        let level = opts.profile.sharing_level;
        let built_in = match level {
            linli_model::codes::SharingLevel::Internal => None,
            _ => Some(Profile::for_level(level)?),
        };
        Ok(SelfCheck { declared: opts.profile, built_in, today: run_time(opts).local_date(), names, places })
    }

    fn check(&self, path: &Path, line: u64, v: &Value) -> Result<(), Error> {
        let Some(built_in) = &self.built_in else { return Ok(()) };
        let fail = |pointer: &str, finding: SharedCode| Error::NotConforming {
            path: path.display().to_string(),
            line,
            profile: linli_model::redact::for_output(&self.declared.name).into_owned(),
            level: CodeTable::code(self.declared.sharing_level),
            pointer: linli_model::redact::for_output(pointer).into_owned(),
            finding,
        };
        let record = linli_model::Record::from_value(v.clone()).map_err(|_| fail("", SharedCode::RecordStructure))?;
        // Ids are never changed `[SHR-024]`: one that holds a personal number is refused, as a
        // validator reports it at every level `[CON-013]`.
        let ids = crate::leak::ids_holding_numbers(&record);
        let leaks = crate::leak::raw_values(&record, built_in, self.today);
        let names = crate::leak::names_in_text(&record, self.names);
        if let Some(l) = ids.into_iter().chain(leaks).chain(names).next() {
            return Err(fail(&l.pointer, l.code));
        }
        // At `public`, residences refer to communities `[SHR-051]`.
        if self.declared.sharing_level == linli_model::codes::SharingLevel::Public {
            for (i, r) in v.get("residences").and_then(Value::as_array).into_iter().flatten().enumerate() {
                let kind = r.pointer("/place/id").and_then(Value::as_str).and_then(|id| self.places.kind_of(id));
                if kind.is_some_and(|k| k != "community") {
                    return Err(fail(&format!("/residences/{i}/place"), SharedCode::SharedResidenceNotCommunity));
                }
            }
        }
        Ok(())
    }
}

/// A writer that counts and hashes what passes through.
struct Hashing<W: Write> {
    inner: W,
    sha: Sha256,
}

impl<W: Write> Write for Hashing<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.sha.update(&buf[..n]);
        Ok(n)
    }
    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

/// Mask an NDJSON file into `out` (gzip when its name ends in `.gz`); returns the record count,
/// the SHA-256 of the file written and the record types seen. A record that does not read is
/// noted in `invalid` and the file read to its end; when `stop`, the file is then not written.
/// On error `out` is removed.
fn mask_ndjson(
    how: &How<'_>,
    src: &Source,
    out: &Path,
    counts: &mut Counts,
    invalid: &mut Invalid,
    stop: bool,
) -> Result<(u64, String, Vec<RecordType>), Error> {
    let ((records, types), sha) = write_output(out, |w| {
        let done = mask_lines(how, src, out, w, counts, invalid)?;
        match stop.then(|| invalid.error(src.path())).flatten() {
            Some(e) => Err(e),
            None => Ok(done),
        }
    })?;
    Ok((records, sha, types))
}

/// How records are masked: the fast path, or the one-thread reference path it must match byte for
/// byte (the oracle of the differential tests).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Engine {
    /// [`mask_line_fast`] on [`Options::threads`] workers.
    Fast,
    /// [`mask_line_reference`] on this thread.
    Reference,
}

/// How a run masks: threads and engine.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Run {
    threads: usize,
    engine: Engine,
    /// Bytes of input lines per batch handed to a worker.
    batch_bytes: usize,
}

/// What became of one line of an NDJSON file.
enum Outcome {
    /// Masked: its output line is `out[start..end]` of the batch.
    Masked { ty: RecordType, start: usize, end: usize },
    /// The line does not read as a Linli record: noted `[SHR-033]`.
    Invalid(Error),
    /// Masking it failed (`output-not-conforming`, ...): the run stops there, unless a record
    /// before it did not read.
    Failed(Error),
}

/// Lines handed to a worker: their numbers and bytes.
struct Batch {
    index: u64,
    text: Vec<u8>,
    lines: Vec<(u64, std::ops::Range<usize>)>,
}

/// A batch as masked: one outcome per line, the output lines, what masking did.
struct Done {
    out: Vec<u8>,
    items: Vec<(u64, Outcome)>,
    counts: Counts,
}

/// Bytes of input lines per batch.
const BATCH_BYTES: usize = 1 << 20;

/// The per-line masking function of an engine.
type LineMasker = fn(&Masker<'_>, &SelfCheck<'_>, &Path, u64, &[u8], &mut Counts, &mut Vec<u8>) -> Outcome;

/// Mask one line the reference way: read into a `serde_json::Value` (refused unless it reads as a
/// Linli record), mask the value, check it, write it with [`write_record`].
fn mask_line_reference(
    masker: &Masker<'_>,
    check: &SelfCheck<'_>,
    input: &Path,
    n: u64,
    line: &[u8],
    counts: &mut Counts,
    out: &mut Vec<u8>,
) -> Outcome {
    let read = parse(input, n, line).and_then(|v| check_record(input, n, &v, Some(line)).map(|()| v));
    let mut v = match read {
        Ok(v) => v,
        Err(e) => return Outcome::Invalid(e),
    };
    let ty = match masker.mask_value(&mut v, counts) {
        Ok(ty) => ty,
        Err(e) => {
            return Outcome::Failed(bad_record(
                input,
                n,
                SharedCode::MissingRecordType,
                e.to_string(),
                e.message(true),
            ));
        }
    };
    if let Err(e) = check.check(input, n, &v) {
        return Outcome::Failed(e);
    }
    let start = out.len();
    // Writing into memory does not fail.
    let _ = write_record(out, &v);
    Outcome::Masked { ty, start, end: out.len() }
}

/// Mask one line, the fast way; the output is that of [`mask_line_reference`], byte for byte.
fn mask_line_fast(
    masker: &Masker<'_>,
    check: &SelfCheck<'_>,
    input: &Path,
    n: u64,
    line: &[u8],
    counts: &mut Counts,
    out: &mut Vec<u8>,
) -> Outcome {
    // The way of a record that reads: the text checked once [CON-002] and read into the typed
    // model (which is what `check_record` asks), then into a value. Anything else — a record
    // that does not read, whatever the reason — goes the reference way, which says why.
    let read = std::str::from_utf8(line).ok().filter(|t| linli_model::Record::from_json_str(t).is_ok());
    let Some(mut v) = read.and_then(|t| serde_json::from_str::<Value>(t).ok()) else {
        return mask_line_reference(masker, check, input, n, line, counts, out);
    };
    let ty = match masker.mask_value(&mut v, counts) {
        Ok(ty) => ty,
        Err(e) => {
            return Outcome::Failed(bad_record(
                input,
                n,
                SharedCode::MissingRecordType,
                e.to_string(),
                e.message(true),
            ));
        }
    };
    if let Err(e) = check.check(input, n, &v) {
        return Outcome::Failed(e);
    }
    let start = out.len();
    // Writing into memory does not fail.
    let _ = write_record(out, &v);
    Outcome::Masked { ty, start, end: out.len() }
}

/// Mask the lines of a batch.
fn mask_batch(masker: &Masker<'_>, check: &SelfCheck<'_>, input: &Path, f: LineMasker, b: Batch) -> Done {
    let mut out = Vec::with_capacity(b.text.len() + b.text.len() / 8);
    let mut counts = Counts::default();
    let mut items = Vec::with_capacity(b.lines.len());
    for (n, range) in b.lines {
        // A batch's ranges are its own lines, inside its text: the default (an empty line,
        // refused as not JSON) is never taken.
        let line = b.text.get(range).unwrap_or_default();
        items.push((n, f(masker, check, input, n, line, &mut counts, &mut out)));
    }
    Done { out, items, counts }
}

/// What the fold of the outcomes, in input order, has gathered for one file.
struct Fold<'a, 'w> {
    w: &'w mut dyn Write,
    out: &'a Path,
    counts: &'a mut Counts,
    invalid: &'a mut Invalid,
    records: u64,
    types: Vec<RecordType>,
}

impl Fold<'_, '_> {
    /// Take the outcomes of a batch, in order: as the one-thread run would, line by line.
    fn take(
        &mut self,
        items: impl IntoIterator<Item = (u64, Outcome)>,
        out: &[u8],
        counts: &Counts,
    ) -> Result<(), Error> {
        for (_, outcome) in items {
            match outcome {
                // Noted, and the input read on, so that the run says how many there are `[SHR-033]`.
                Outcome::Invalid(e) => self.invalid.note(e)?,
                // Once a record did not read, nothing will be written: what is left is only read.
                _ if self.invalid.count > 0 => {}
                Outcome::Failed(e) => return Err(e),
                Outcome::Masked { ty, start, end } => {
                    if !self.types.contains(&ty) {
                        self.types.push(ty);
                    }
                    // `start..end` is what masking this line wrote to `out`, so the default (nothing
                    // written) is never taken.
                    self.w.write_all(out.get(start..end).unwrap_or_default()).map_err(io(self.out))?;
                    self.records += 1;
                }
            }
        }
        if self.invalid.count == 0 {
            self.counts.add(counts);
        }
        Ok(())
    }
}

/// What masks the lines of a file, and how.
struct How<'a> {
    masker: &'a Masker<'a>,
    check: &'a SelfCheck<'a>,
    run: Run,
}

fn mask_lines(
    how: &How<'_>,
    src: &Source,
    out: &Path,
    w: &mut dyn Write,
    counts: &mut Counts,
    invalid: &mut Invalid,
) -> Result<(u64, Vec<RecordType>), Error> {
    let (masker, check, run) = (how.masker, how.check, how.run);
    let input = src.path();
    let f: LineMasker = match run.engine {
        Engine::Fast => mask_line_fast,
        Engine::Reference => mask_line_reference,
    };
    let mut fold = Fold { w, out, counts, invalid, records: 0, types: Vec::new() };
    if run.threads <= 1 {
        // One thread: each line masked and written as it is read.
        let mut buf: Vec<u8> = Vec::with_capacity(4096);
        src.each_line(&mut |n, line| {
            buf.clear();
            let mut counts = Counts::default();
            // Once a record did not read, the rest is only read and checked, not masked.
            let outcome = if fold.invalid.count > 0 {
                match parse(input, n, line).and_then(|v| check_record(input, n, &v, Some(line))) {
                    Ok(()) => return Ok(()),
                    Err(e) => Outcome::Invalid(e),
                }
            } else {
                f(masker, check, input, n, line, &mut counts, &mut buf)
            };
            fold.take([(n, outcome)], &buf, &counts)
        })?;
    } else {
        mask_lines_parallel(masker, check, src, f, run, &mut fold)?;
    }
    fold.w.flush().map_err(io(out))?;
    Ok((fold.records, fold.types))
}

/// Several threads: this thread reads the lines (hashing what it reads, as one thread does) and
/// hands them out in batches; workers mask whole batches; this thread takes the results back in
/// input order and writes them. Errors come out as on one thread: the first in input order.
fn mask_lines_parallel(
    masker: &Masker<'_>,
    check: &SelfCheck<'_>,
    src: &Source,
    f: LineMasker,
    run: Run,
    fold: &mut Fold<'_, '_>,
) -> Result<(), Error> {
    let input = src.path();
    par_lines(src, run.threads, run.batch_bytes, &|b| mask_batch(masker, check, input, f, b), &mut |d: Done| {
        fold.take(d.items, &d.out, &d.counts)
    })
}

/// Read the lines of `src` on this thread (hashing what it reads, as [`Source::each_line`] does)
/// and hand them out in batches of about [`BATCH_BYTES`]; `threads` workers `map` whole
/// batches; this thread `fold`s the results in input order. At most a few batches are in flight,
/// so memory stays flat in the size of the input. The first error in input order is returned:
/// that of `fold`, else that of reading (a line too long comes after the lines before it).
fn par_lines<R: Send>(
    src: &Source,
    threads: usize,
    batch_bytes: usize,
    map: &(dyn Fn(Batch) -> R + Sync),
    fold: &mut dyn FnMut(R) -> Result<(), Error>,
) -> Result<(), Error> {
    use std::collections::BTreeMap;
    use std::sync::mpsc;
    let in_flight_max = (threads as u64) * 2 + 2;
    let (work_tx, work_rx) = mpsc::channel::<Batch>();
    let (done_tx, done_rx) = mpsc::channel::<(u64, R)>();
    let work_rx = std::sync::Mutex::new(work_rx);
    std::thread::scope(|scope| {
        for _ in 0..threads {
            let done_tx = done_tx.clone();
            let work_rx = &work_rx;
            scope.spawn(move || {
                loop {
                    let next = match work_rx.lock() {
                        Ok(rx) => rx.recv(),
                        Err(_) => return,
                    };
                    let Ok(batch) = next else { return };
                    let index = batch.index;
                    if done_tx.send((index, map(batch))).is_err() {
                        return;
                    }
                }
            });
        }
        drop(done_tx);
        let mut ahead: BTreeMap<u64, R> = BTreeMap::new();
        let (mut sent, mut folded) = (0u64, 0u64);
        // The first error of the fold, in input order.
        let mut failed: Option<Error> = None;
        // Take back what is done, in order, while `wait(folded)` says so; false once failed.
        let mut drain = |sent: u64, folded: &mut u64, failed: &mut Option<Error>, all: bool| -> bool {
            while failed.is_none() && (if all { *folded < sent } else { sent - *folded >= in_flight_max }) {
                match done_rx.recv() {
                    Ok((i, r)) => {
                        ahead.insert(i, r);
                    }
                    Err(_) => {
                        *failed = Some(Error::Io {
                            path: src.path().display().to_string(),
                            source: std::io::Error::other("a worker thread stopped"),
                        });
                        break;
                    }
                }
                while let Some(r) = ahead.remove(folded) {
                    *folded += 1;
                    if let Err(e) = fold(r) {
                        *failed = Some(e);
                        break;
                    }
                }
            }
            failed.is_none()
        };
        let new_batch = |index| Batch { index, text: Vec::with_capacity(batch_bytes + 4096), lines: Vec::new() };
        let mut batch = new_batch(0);
        let read = src.each_line(&mut |n, line| {
            let start = batch.text.len();
            batch.text.extend_from_slice(line);
            batch.lines.push((n, start..batch.text.len()));
            if batch.text.len() >= batch_bytes {
                let full = std::mem::replace(&mut batch, new_batch(sent + 1));
                sent += 1;
                let _ = work_tx.send(full);
                // Stay within a few batches of the fold; stop reading at the first error.
                if !drain(sent, &mut folded, &mut failed, false) {
                    return Err(Error::Io { path: String::new(), source: std::io::Error::other("stopped") });
                }
            }
            Ok(())
        });
        // Lines read before a reader's error (a line too long) come before it.
        if failed.is_none() && !batch.lines.is_empty() {
            sent += 1;
            let _ = work_tx.send(batch);
        }
        drop(work_tx);
        drain(sent, &mut folded, &mut failed, true);
        match failed {
            Some(e) => Err(e),
            None => read,
        }
    })
}

/// Write a record on one line with `type`, `id` and `meta` first, as producers usually do; the
/// other members follow in name order.
fn write_record(w: &mut dyn Write, v: &Value) -> std::io::Result<()> {
    const FIRST: [&str; 3] = ["type", "id", "meta"];
    let Value::Object(m) = v else {
        serde_json::to_writer(&mut *w, v)?;
        return w.write_all(b"\n");
    };
    let mut sep = b'{';
    let keys = FIRST
        .iter()
        .copied()
        .filter(|k| m.contains_key(*k))
        .chain(m.keys().map(String::as_str).filter(|k| !FIRST.contains(k)));
    for k in keys {
        w.write_all(&[sep])?;
        sep = b',';
        serde_json::to_writer(&mut *w, k)?;
        w.write_all(b":")?;
        serde_json::to_writer(&mut *w, &m[k])?;
    }
    if sep == b'{' {
        w.write_all(b"{")?;
    }
    w.write_all(b"}\n")
}

fn now() -> Timestamp {
    linli_model::support::clock::now_china()
}

/// Mask `input` (a `.json` record file, an NDJSON file or a dataset directory) into `output`
/// (a file, gzip-compressed when its name ends in `.gz`, or a new directory for a dataset).
///
/// Every record must read as a Linli record; one that does not is refused with
/// [`Error::Input`]. On any error nothing usable is left: the output file, or the output
/// directory this call created (or the contents it wrote into an empty one), is removed.
pub fn mask_path(input: &Path, output: &Path, opts: &Options<'_>) -> Result<Summary, Error> {
    let threads = match opts.threads {
        0 => std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get),
        n => n,
    };
    mask_path_with(input, output, opts, Run { threads, engine: Engine::Fast, batch_bytes: BATCH_BYTES })
}

/// [`mask_path`] with batches of about `batch_bytes` bytes of input lines (so that tests see many
/// batches in a small file).
#[doc(hidden)]
pub fn mask_path_batched(
    input: &Path,
    output: &Path,
    opts: &Options<'_>,
    batch_bytes: usize,
) -> Result<Summary, Error> {
    let threads = match opts.threads {
        0 => std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get),
        n => n,
    };
    mask_path_with(input, output, opts, Run { threads, engine: Engine::Fast, batch_bytes: batch_bytes.max(1) })
}

/// [`mask_path`] the reference way — each record read into a `serde_json::Value`, masked and
/// checked on one thread, whatever [`Options::threads`] says — which the fast path matches byte
/// for byte, errors and counts included (the oracle of the differential tests).
#[doc(hidden)]
pub fn mask_path_reference(input: &Path, output: &Path, opts: &Options<'_>) -> Result<Summary, Error> {
    mask_path_with(input, output, opts, Run { threads: 1, engine: Engine::Reference, batch_bytes: BATCH_BYTES })
}

fn mask_path_with(input: &Path, output: &Path, opts: &Options<'_>, run: Run) -> Result<Summary, Error> {
    let mut counts = Counts::default();
    let mut places = PlaceIndex::default();
    let mut summary = Summary {
        input: InputKind::Ndjson,
        files: 1,
        renamed: 0,
        unlisted: Vec::new(),
        unlisted_count: 0,
        counts,
        profile: opts.profile.name.clone(),
        sharing_level: linli_model::codes::CodeTable::code(opts.profile.sharing_level).to_owned(),
        key_id: key_id(opts),
    };
    // Refused before anything is read: a profile that pseudonymises needs a key.
    Masker::new(opts.profile, opts.key)?;
    if same_place(input, output) {
        return Err(Error::OutputIsInput { path: output.display().to_string() });
    }
    if input.is_dir() && inside(input, output) {
        return Err(Error::OutputInsideInput {
            path: output.display().to_string(),
            input: input.display().to_string(),
        });
    }
    if input.is_dir() {
        summary.input = InputKind::Dataset;
        let (files, renamed, listed) = mask_dataset(input, output, opts, &mut counts, run)?;
        summary.files = files;
        summary.renamed = renamed;
        (summary.unlisted, summary.unlisted_count) = unlisted(input, &listed);
    } else if input.extension().is_some_and(|e| e == "json") {
        summary.input = InputKind::Record;
        let mut text = String::new();
        Source::named(input)?.open()?.read_to_string(&mut text).map_err(io(input))?;
        let mut v = parse(input, 1, text.trim_start_matches('\u{feff}').as_bytes())?;
        let mut names = Names::default();
        for item in v.as_array().into_iter().flatten() {
            places.add(item);
            names.add_record(item);
        }
        places.add(&v);
        names.add_record(&v);
        let masker = with_today(Masker::new(opts.profile, opts.key)?.with_places(&places).with_names(&names), opts);
        let check = SelfCheck::new(opts, &names, &places)?;
        let items: Vec<&mut Value> = match &mut v {
            Value::Array(a) => a.iter_mut().collect(),
            other => vec![other],
        };
        let mut invalid = Invalid::default();
        for (i, item) in items.iter().enumerate() {
            if let Err(e) = check_record(input, i as u64 + 1, item, None) {
                invalid.note(e)?;
            }
        }
        if let Some(e) = invalid.error(input) {
            return Err(e);
        }
        for (i, item) in items.into_iter().enumerate() {
            masker.mask_value(item, &mut counts).map_err(|e| {
                bad_record(input, i as u64 + 1, SharedCode::MissingRecordType, e.to_string(), e.message(true))
            })?;
            check.check(input, i as u64 + 1, item)?;
        }
        let mut text = serde_json::to_string_pretty(&v).map_err(serialize(output))?;
        text.push('\n');
        write_output(output, |w| w.write_all(text.as_bytes()).map_err(io(output)))?;
    } else {
        let src = Source::named(input)?;
        let mut names = Names::default();
        if run.engine == Engine::Reference {
            places_of(&src, &mut places)?;
            if shares(opts) {
                names_of(&src, &mut names)?;
            }
        } else {
            // One pass for both.
            places_and_names(&src, Some(&mut places), shares(opts).then_some(&mut names), run)?;
        }
        let masker = with_today(Masker::new(opts.profile, opts.key)?.with_places(&places).with_names(&names), opts);
        let check = SelfCheck::new(opts, &names, &places)?;
        let mut invalid = Invalid::default();
        let how = How { masker: &masker, check: &check, run };
        mask_ndjson(&how, &src, output, &mut counts, &mut invalid, true)?;
    }
    summary.counts = counts;
    Ok(summary)
}

/// Whether the profile's level is above `internal`: names are then looked for in free text.
fn shares(opts: &Options<'_>) -> bool {
    opts.profile.sharing_level != linli_model::codes::SharingLevel::Internal
}

/// The key id, when the profile pseudonymises `[DAT-017]`.
fn key_id(opts: &Options<'_>) -> Option<String> {
    opts.key.filter(|_| opts.profile.needs_key()).map(|k| k.id().to_owned())
}

/// Ages are judged on the date of the run's time, the `createdAt` of what is written `[SHR-007]`.
fn with_today<'a>(m: Masker<'a>, opts: &Options<'_>) -> Masker<'a> {
    m.with_today(run_time(opts).local_date())
}

/// The run's time: [`Options::created_at`], else now.
fn run_time(opts: &Options<'_>) -> Timestamp {
    opts.created_at.unwrap_or_else(now)
}

/// How many unlisted files a [`Summary`] names.
pub const UNLISTED_SHOWN: usize = 10;

/// The files of the dataset directory `dir` that are neither its manifest nor listed in it (paths
/// relative to `dir`, `/`-separated, sorted; at most [`UNLISTED_SHOWN`]) and how many there are.
/// Links are not followed; hidden files and folders (a name starting with `.`) are left out, as
/// are more than a few thousand entries.
fn unlisted(dir: &Path, listed: &[String]) -> (Vec<String>, usize) {
    let mut found = Vec::new();
    let mut todo = vec![(dir.to_path_buf(), String::new())];
    let mut seen = 0usize;
    while let Some((d, prefix)) = todo.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else { continue };
        for e in entries.flatten() {
            seen += 1;
            if seen > 10_000 {
                break;
            }
            let name = e.file_name().to_string_lossy().into_owned();
            if name.starts_with('.') {
                continue;
            }
            let rel = format!("{prefix}{name}");
            match e.file_type() {
                Ok(t) if t.is_dir() => todo.push((e.path(), format!("{rel}/"))),
                Ok(_) if rel != MANIFEST_FILE && !listed.contains(&rel) => found.push(rel),
                _ => {}
            }
        }
    }
    found.sort();
    let count = found.len();
    found.truncate(UNLISTED_SHOWN);
    (found, count)
}

/// Whether `output` (existing or not) lies inside the directory `dir`.
fn inside(dir: &Path, output: &Path) -> bool {
    let Ok(dir) = dir.canonicalize() else { return false };
    let output = if output.is_absolute() {
        output.to_path_buf()
    } else {
        match std::env::current_dir() {
            Ok(cwd) => cwd.join(output),
            Err(_) => return false,
        }
    };
    // The nearest ancestor that exists, resolved; the rest as written.
    for a in output.ancestors() {
        if let Ok(real) = a.canonicalize() {
            // What is left is resolved as written: `..` steps up (nothing on the way exists).
            let mut at = real;
            for c in output.strip_prefix(a).unwrap_or(Path::new("")).components() {
                match c {
                    std::path::Component::ParentDir => {
                        at.pop();
                    }
                    std::path::Component::Normal(n) => at.push(n),
                    _ => {}
                }
            }
            return at.starts_with(&dir);
        }
    }
    false
}

fn same_place(a: &Path, b: &Path) -> bool {
    match (a.canonicalize(), b.canonicalize()) {
        (Ok(x), Ok(y)) => x == y,
        _ => false,
    }
}

/// Mask a dataset directory: returns the data files written, how many of their names were masked,
/// and the paths the manifest lists.
fn mask_dataset(
    input: &Path,
    output: &Path,
    opts: &Options<'_>,
    counts: &mut Counts,
    run: Run,
) -> Result<(usize, usize, Vec<String>), Error> {
    let manifest_path = input.join(MANIFEST_FILE);
    // The manifest and every file it lists: regular files inside the directory, reached
    // without a link, checked before anything is read or written `[DAT-014]`.
    let bytes = linli_model::member::read_member(input, MANIFEST_FILE).map_err(|e| refused(&manifest_path, &e))?;
    let text = String::from_utf8(bytes).map_err(|e| Error::Manifest {
        path: manifest_path.display().to_string(),
        zh: format!("清单不是 UTF-8：{e}"),
        en: format!("the manifest is not UTF-8: {e}"),
    })?;
    let manifest: Manifest =
        serde_json::from_str(text.trim_start_matches('\u{feff}')).map_err(|e| Error::Manifest {
            path: manifest_path.display().to_string(),
            zh: format!("清单无效：{e}"),
            en: format!("invalid manifest: {e}"),
        })?;
    let mut sources = Vec::with_capacity(manifest.files.len());
    for f in &manifest.files {
        match Source::member(input, &f.path, Some(f.sha256.as_str())) {
            Ok(src) => sources.push(src),
            Err(Error::Refused { zh, en, .. }) => {
                return Err(Error::Refused {
                    path: manifest_path.display().to_string(),
                    zh: format!("清单列出的文件 {zh}"),
                    en: format!("listed file {en}"),
                });
            }
            Err(e) => return Err(e),
        }
    }
    // Output is written uncompressed: `a.ndjson.gz` becomes `a.ndjson`, so a manifest that lists
    // both (or two names that differ in case only, one file on Windows and macOS) is refused
    // rather than have one overwrite the other.
    // Above `internal`, two names that differ only in a personal number are written alike.
    let mut seen: std::collections::HashMap<String, (usize, &str)> = std::collections::HashMap::new();
    let mut renamed = 0;
    for (i, f) in manifest.files.iter().enumerate() {
        let rel = out_rel(&f.path, shares(opts));
        if rel != f.path.strip_suffix(".gz").unwrap_or(&f.path) {
            renamed += 1;
        }
        if let Some((first, first_name)) = seen.insert(rel.to_lowercase(), (i + 1, &f.path)) {
            return Err(Error::OutputNamesCollide {
                path: manifest_path.display().to_string(),
                first,
                second: i + 1,
                // Names from the manifest: personal numbers masked, as in every message of this
                // crate; the positions tell the two apart [PRI-011].
                first_name: linli_model::redact::for_output(first_name).into_owned(),
                second_name: linli_model::redact::for_output(&f.path).into_owned(),
                rel,
            });
        }
    }
    let listed: Vec<String> = manifest.files.iter().map(|f| f.path.clone()).collect();
    if output.exists() && std::fs::read_dir(output).map_err(io(output))?.next().is_some() {
        return Err(Error::OutputExists { path: output.display().to_string() });
    }
    // Written into a new folder beside the output and renamed into place when whole: a run that
    // fails leaves no part of its output `[SHR-032]`. Parents this run creates are removed then.
    let parent = output.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let created = parent.ancestors().take_while(|a| !a.as_os_str().is_empty() && !a.exists()).last();
    let created = created.map(Path::to_path_buf);
    // Created readable by their owner only, as the output folder itself `[SHR-030]`.
    owner_only_dirs(parent).map_err(io(parent))?;
    let result = (|| {
        let mut builder = tempfile::Builder::new();
        builder.prefix(".linli-mask-").suffix(".part");
        // Its owner only (0700): see `write_output`.
        #[cfg(unix)]
        builder.permissions(std::os::unix::fs::PermissionsExt::from_mode(0o700));
        let part = builder.tempdir_in(parent).map_err(io(output))?;
        let files = write_dataset(input, &sources, part.path(), opts, counts, manifest, run)?;
        // An empty output folder that exists is replaced.
        if output.is_dir() {
            std::fs::remove_dir(output).map_err(io(output))?;
        }
        std::fs::rename(part.path(), output).map_err(io(output))?;
        // Renamed away: nothing left for the guard to remove.
        let _ = part.keep();
        Ok(files)
    })();
    if result.is_err() {
        if let Some(dir) = &created {
            let _ = std::fs::remove_dir_all(dir);
        }
    }
    result.map(|files| (files, renamed, listed))
}

/// The path a manifest entry is written to: `.gz` removed, as output is uncompressed; above
/// `internal` (`shared`), every personal number in it masked with `x` — a path allows no `*`
/// ([DAT-014]) — so that a file named after a resident does not carry the number into the shared
/// dataset `[SHR-030]`.
fn out_rel(path: &str, shared: bool) -> String {
    let path = path.strip_suffix(".gz").unwrap_or(path);
    if !shared {
        return path.to_owned();
    }
    let mut out = String::with_capacity(path.len());
    let mut at = 0;
    for n in linli_model::redact::personal_numbers(path) {
        out.push_str(&path[at..n.start]);
        out.push_str(&n.masked().replace('*', "x"));
        at = n.end;
    }
    out.push_str(&path[at..]);
    out
}

fn write_dataset(
    input: &Path,
    sources: &[Source],
    output: &Path,
    opts: &Options<'_>,
    counts: &mut Counts,
    manifest: Manifest,
    run: Run,
) -> Result<usize, Error> {
    let mut places = PlaceIndex::default();
    for (f, src) in manifest.files.iter().zip(sources) {
        if f.record_type == RecordType::Place {
            match run.engine {
                Engine::Reference => places_of(src, &mut places)?,
                Engine::Fast => places_and_names(src, Some(&mut places), None, run)?,
            }
        }
    }
    // The names of the persons and contacts, to mask them in free text `[SHR-043]`.
    let mut names = Names::default();
    if shares(opts) {
        let named = |t: RecordType| matches!(t, RecordType::Person | RecordType::Organization);
        for (f, src) in manifest.files.iter().zip(sources) {
            if named(f.record_type) {
                match run.engine {
                    Engine::Reference => names_of(src, &mut names)?,
                    Engine::Fast => places_and_names(src, None, Some(&mut names), run)?,
                }
            }
        }
    }
    let masker = with_today(Masker::new(opts.profile, opts.key)?.with_places(&places).with_names(&names), opts);
    let check = SelfCheck::new(opts, &names, &places)?;
    let how = How { masker: &masker, check: &check, run };
    let mut files = Vec::new();
    let mut invalid = Invalid::default();
    for (f, src) in manifest.files.iter().zip(sources) {
        // Output is written uncompressed.
        let rel = out_rel(&f.path, shares(opts));
        let out: PathBuf = output.join(&rel);
        if let Some(dir) = out.parent() {
            owner_only_dirs(dir).map_err(io(dir))?;
        }
        let (records, sha, types) = mask_ndjson(&how, src, &out, counts, &mut invalid, false)?;
        if types.iter().any(|t| *t != f.record_type) {
            return Err(Error::Manifest {
                path: src.path().display().to_string(),
                zh: format!("文件中有不是 {} 的记录 [DAT-013]", f.record_type),
                en: format!("the file holds records that are not {} [DAT-013]", f.record_type),
            });
        }
        let sha256 = Sha256Text::new(sha).map_err(|e| Error::Manifest {
            path: out.display().to_string(),
            zh: e.to_string(),
            en: e.to_string(),
        })?;
        files.push(ManifestFile::new(rel, f.record_type, records, sha256));
    }
    if let Some(e) = invalid.error(input) {
        return Err(e);
    }
    let tool = opts.tool.clone();
    let profile = Text::new(opts.profile.name.as_str()).map_err(|e| Error::Profile {
        file: opts.profile.name.clone(),
        key: "name".into(),
        zh: e.to_string(),
        en: e.to_string(),
    })?;
    let at = run_time(opts);
    let out_manifest = Manifest::new(manifest.producer, at, opts.profile.sharing_level, files)
        .with_standard_version(manifest.standard_version)
        .with_external_refs(manifest.external_refs)
        .with_protection({
            let p = Protection::new(profile, at, tool);
            match key_id(opts) {
                Some(k) => p.with_key_id(k),
                None => p,
            }
        });
    let path = output.join(MANIFEST_FILE);
    let mut json = serde_json::to_string_pretty(&out_manifest).map_err(serialize(&path))?;
    json.push('\n');
    write_output(&path, |w| w.write_all(json.as_bytes()).map_err(io(&path)))?;
    Ok(out_manifest.files.len())
}
