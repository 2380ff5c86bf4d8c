//! A dataset mailed as a zip or tar(.gz) archive `[DAT-021]`: the entries are streamed once,
//! each checked (no absolute path, no `..`, no link, hard link or device, no name twice) and
//! written under limits `[DAT-022]` into a private temporary folder (mode 0700, removed when the
//! run ends), which is then validated as the dataset directory it holds. The bytes written are
//! the entries' bytes, so the manifest's digests and counts are checked against the entries.

use crate::codes::Code;
use std::collections::HashSet;
use std::io::{Read, Write};
use std::path::Path;

use linli_model::check::Level;

use crate::finding::Finding;

/// Limits against archive bombs `[DAT-022]`.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Uncompressed bytes of all entries together.
    pub max_bytes: u64,
    /// Entries (files, folders and refused entries alike).
    pub max_entries: u64,
    /// Uncompressed size of an entry over its compressed size (over the whole stream for a
    /// tar.gz), checked once more than [`RATIO_FLOOR`] bytes are out.
    pub max_ratio: u64,
}

/// Default total of uncompressed bytes: 1 GiB.
pub const DEFAULT_MAX_BYTES: u64 = 1 << 30;
/// Default number of entries.
pub const DEFAULT_MAX_ENTRIES: u64 = 10_000;
/// Default compression ratio.
pub const DEFAULT_MAX_RATIO: u64 = 200;
/// Bytes below which the ratio is not judged (a small file of white space compresses well).
pub const RATIO_FLOOR: u64 = 1 << 20;

impl Default for Limits {
    fn default() -> Self {
        Limits { max_bytes: DEFAULT_MAX_BYTES, max_entries: DEFAULT_MAX_ENTRIES, max_ratio: DEFAULT_MAX_RATIO }
    }
}

/// Why an archive could not be read as a whole: the run stops (exit 2).
#[derive(Debug)]
pub(crate) struct ArchiveError {
    pub(crate) code: &'static str,
    pub(crate) zh: String,
    pub(crate) en: String,
}

impl std::fmt::Display for ArchiveError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.en)
    }
}

impl std::error::Error for ArchiveError {}

/// A decompressed stream read under `limits` `[DAT-022]`: more than `max_bytes` out, or more than
/// `max_ratio` times the compressed bytes read so far (`compressed`) once more than
/// [`RATIO_FLOOR`] bytes are out, is an error holding the [`ArchiveError`] (`archive-limit`).
pub(crate) struct Bounded<R> {
    inner: R,
    limits: Limits,
    compressed: std::rc::Rc<std::cell::Cell<u64>>,
    out: u64,
}

impl<R> Bounded<R> {
    pub(crate) fn new(inner: R, limits: Limits, compressed: std::rc::Rc<std::cell::Cell<u64>>) -> Self {
        Bounded { inner, limits, compressed, out: 0 }
    }
}

impl<R: Read> Read for Bounded<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.out += n as u64;
        if self.out > self.limits.max_bytes {
            return Err(std::io::Error::other(ArchiveError::limit(
                format!("解压后超过 {} 字节", self.limits.max_bytes),
                format!("more than {} bytes uncompressed", self.limits.max_bytes),
            )));
        }
        if self.out > RATIO_FLOOR && self.out > self.compressed.get().max(1).saturating_mul(self.limits.max_ratio) {
            return Err(std::io::Error::other(ArchiveError::limit(
                format!("压缩比超过 {}:1", self.limits.max_ratio),
                format!("compressed more than {}:1", self.limits.max_ratio),
            )));
        }
        Ok(n)
    }
}

impl ArchiveError {
    fn limit(zh: String, en: String) -> Self {
        ArchiveError {
            code: "archive-limit",
            zh: format!(
                "{zh}；疑为压缩炸弹，未校验（确属正常数据时可用 --max-archive-bytes 提高总量限制，或解压后校验文件夹）"
            ),
            en: format!(
                "{en}; possibly an archive bomb, not validated (if the data is genuine, raise the total with --max-archive-bytes, or extract it and validate the folder)"
            ),
        }
    }

    fn unreadable(what: impl std::fmt::Display) -> Self {
        ArchiveError {
            code: "archive-unreadable",
            zh: format!("压缩包无法读取：{what}（仅支持未加密、store 或 deflate 压缩的 zip，以及 tar、tar.gz）"),
            en: format!(
                "the archive cannot be read: {what} (zip without encryption, stored or deflated, tar and tar.gz are read)"
            ),
        }
    }

    fn io(e: std::io::Error) -> Self {
        ArchiveError::unreadable(e)
    }
}

/// The folders extracted archives are in while they live: what [`remove_extracted`] removes.
static LIVE: std::sync::Mutex<Vec<std::path::PathBuf>> = std::sync::Mutex::new(Vec::new());

/// A private folder holding an archive's entries: removed when dropped, and listed meanwhile so
/// that an interrupted run can remove it too ([`remove_extracted`]).
pub(crate) struct PrivateDir(Option<tempfile::TempDir>);

impl PrivateDir {
    fn new(dir: tempfile::TempDir) -> Self {
        if let Ok(mut live) = LIVE.lock() {
            live.push(dir.path().to_path_buf());
        }
        PrivateDir(Some(dir))
    }

    /// A new private folder named `prefix…` in `parent` (the system's temporary folder when
    /// `None`): mode 0700 on Unix, removed when dropped and by [`remove_extracted`].
    pub(crate) fn create(prefix: &str, parent: Option<&Path>) -> std::io::Result<Self> {
        let mut builder = tempfile::Builder::new();
        builder.prefix(prefix);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            builder.permissions(std::fs::Permissions::from_mode(0o700));
        }
        let dir = match parent {
            Some(p) => builder.tempdir_in(p)?,
            None => builder.tempdir()?,
        };
        Ok(PrivateDir::new(dir))
    }

    /// The folder.
    pub(crate) fn path(&self) -> &Path {
        self.0.as_ref().map_or(Path::new(""), |d| d.path())
    }
}

impl Drop for PrivateDir {
    fn drop(&mut self) {
        if let Some(dir) = self.0.take() {
            if let Ok(mut live) = LIVE.lock() {
                live.retain(|p| p != dir.path());
            }
            drop(dir);
        }
    }
}

/// Remove every folder that archives are extracted into at this moment, for a run that is
/// interrupted (Ctrl-C) before it could drop them: the entries are personal data `[DAT-022]`.
/// A program calls it from its signal handler, then exits.
pub fn remove_extracted() {
    // A lock held by the interrupted thread is not waited for: the folders are then left, as
    // they would be without this call.
    if let Ok(live) = LIVE.try_lock() {
        for p in live.iter() {
            let _ = std::fs::remove_dir_all(p);
        }
    }
}

/// An archive written out: the folder, where in it the dataset is, and the entries refused.
pub(crate) struct Extracted {
    /// The private folder; removed when dropped.
    pub(crate) dir: PrivateDir,
    /// The dataset's folder inside the archive: `""` for the root, or its one top folder;
    /// `None` when no `manifest.json` is at either place.
    pub(crate) root: Option<String>,
    /// A finding for each refused entry, its `file` the entry's name.
    pub(crate) refused: Vec<Finding>,
}

/// The archive kinds read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    Zip,
    Tar { gz: bool },
}

fn refusal(code: Code, zh: String, en: String, name: &str) -> Finding {
    let mut f = Finding::new(code, Level::Error, Some("DAT-021"), zh, en);
    f.file = Some(name.to_owned());
    f
}

/// The checked components of an entry name, or why it is refused.
fn entry_components(name: &str) -> Result<Vec<&str>, Box<Finding>> {
    let trimmed = name.strip_suffix('/').unwrap_or(name);
    let bad = |why_zh: &str, why_en: &str| {
        Box::new(refusal(
            Code::ArchiveEntryPath,
            format!("压缩包条目的路径{why_zh}，未解压"),
            format!("the archive entry's path {why_en}; not extracted"),
            name,
        ))
    };
    if trimmed.starts_with('/') {
        return Err(bad("为绝对路径", "is absolute"));
    }
    if trimmed.chars().any(|c| c == '\\' || c.is_control()) {
        return Err(bad("含反斜杠或控制字符", "holds a backslash or a control character"));
    }
    // `./export/person.ndjson` (what `tar -C dir .` writes) is `export/person.ndjson`.
    let parts: Vec<&str> = trimmed.split('/').filter(|p| !p.is_empty() && *p != ".").collect();
    if parts.contains(&"..") {
        return Err(bad("含 `..`", "climbs out with `..`"));
    }
    // A drive letter (`C:`) or another colon would name a place outside on some systems.
    if parts.iter().any(|p| p.contains(':')) {
        return Err(bad("含冒号（盘符）", "holds a colon (a drive letter)"));
    }
    if parts.is_empty() {
        return Err(bad("为空", "is empty"));
    }
    Ok(parts)
}

/// What an entry's size is judged against for the compression ratio.
#[derive(Clone, Copy)]
enum Ratio<'a> {
    /// The entry's own compressed size (zip).
    Entry(u64),
    /// The compressed bytes of the whole stream read so far, against all bytes out (tar.gz).
    Stream(&'a std::cell::Cell<u64>),
    /// Not compressed (tar).
    None,
}

/// Where entries go: checked names, the budget, the folder.
struct Sink {
    dir: PrivateDir,
    limits: Limits,
    entries: u64,
    bytes: u64,
    files: HashSet<String>,
    refused: Vec<Finding>,
}

impl Sink {
    fn new(limits: Limits) -> Result<Self, ArchiveError> {
        // The entries are personal data: the folder is the user's alone (mode 0700 on Unix;
        // tempfile would otherwise create it with the default mode, 0755 under umask 022).
        let mut builder = tempfile::Builder::new();
        builder.prefix("linli-archive-");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            builder.permissions(std::fs::Permissions::from_mode(0o700));
        }
        let dir = PrivateDir::new(builder.tempdir().map_err(ArchiveError::io)?);
        Ok(Sink { dir, limits, entries: 0, bytes: 0, files: HashSet::new(), refused: Vec::new() })
    }

    fn count_entry(&mut self) -> Result<(), ArchiveError> {
        self.entries += 1;
        if self.entries > self.limits.max_entries {
            return Err(too_many(self.limits.max_entries));
        }
        Ok(())
    }

    /// Whether the entry is to be skipped without a word (macOS resource forks).
    fn ignored(name: &str) -> bool {
        name == "__MACOSX" || name.starts_with("__MACOSX/")
    }

    fn refuse(&mut self, f: Finding) {
        self.refused.push(f);
    }

    fn dir_entry(&mut self, name: &str) {
        let parts = match entry_components(name) {
            Ok(p) => p,
            // `./`: the archive's root, already there.
            Err(_) if name.split('/').all(|p| p.is_empty() || p == ".") && !name.starts_with('/') => return,
            Err(f) => return self.refuse(*f),
        };
        let path = parts.iter().fold(self.dir.path().to_path_buf(), |p, c| p.join(c));
        if std::fs::create_dir_all(&path).is_err() {
            self.refuse(in_the_way(name));
        }
    }

    /// Write a regular file's bytes from `reader`, judging the compression ratio by `ratio`.
    fn file_entry(&mut self, name: &str, reader: &mut dyn Read, ratio: Ratio<'_>) -> Result<(), ArchiveError> {
        let parts = match entry_components(name) {
            Ok(p) => p,
            Err(f) => {
                self.refuse(*f);
                return Ok(());
            }
        };
        let key = parts.join("/");
        if !self.files.insert(key) {
            self.refuse(refusal(
                Code::ArchiveEntryDuplicate,
                "压缩包中已有同名条目，此条目未解压".into(),
                "an entry of this name came earlier in the archive; this one is not extracted".into(),
                name,
            ));
            return Ok(());
        }
        let path = parts.iter().fold(self.dir.path().to_path_buf(), |p, c| p.join(c));
        if let Some(parent) = path.parent() {
            if std::fs::create_dir_all(parent).is_err() {
                self.refuse(in_the_way(name));
                return Ok(());
            }
        }
        let mut out = match std::fs::OpenOptions::new().write(true).create_new(true).open(&path) {
            Ok(f) => f,
            Err(_) => {
                self.refuse(in_the_way(name));
                return Ok(());
            }
        };
        let room = self.limits.max_bytes.saturating_sub(self.bytes);
        let mut limited = reader.take(room.saturating_add(1));
        let mut buf = vec![0u8; 64 << 10];
        let mut written = 0u64;
        loop {
            let n = match limited.read(&mut buf) {
                Ok(0) => break,
                Ok(n) => n,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(ArchiveError::io(e)),
            };
            written += n as u64;
            if written > room {
                return Err(self.too_large());
            }
            let (out_bytes, in_bytes) = match ratio {
                Ratio::Entry(c) => (written, c),
                Ratio::Stream(c) => (self.bytes + written, c.get()),
                Ratio::None => (0, 0),
            };
            if out_bytes > RATIO_FLOOR && out_bytes > in_bytes.max(1).saturating_mul(self.limits.max_ratio) {
                return Err(ArchiveError::limit(
                    format!("压缩比超过 {}:1", self.limits.max_ratio),
                    format!("compressed more than {}:1", self.limits.max_ratio),
                ));
            }
            out.write_all(&buf[..n]).map_err(ArchiveError::io)?;
        }
        self.bytes += written;
        Ok(())
    }

    fn too_large(&self) -> ArchiveError {
        ArchiveError::limit(
            format!("解压后超过 {} 字节", self.limits.max_bytes),
            format!("more than {} bytes uncompressed", self.limits.max_bytes),
        )
    }

    fn finish(self) -> Extracted {
        let root = dataset_root(self.dir.path(), &self.files);
        Extracted { dir: self.dir, root, refused: self.refused }
    }
}

fn too_many(max: u64) -> ArchiveError {
    ArchiveError::limit(format!("压缩包条目超过 {max} 个"), format!("the archive has more than {max} entries"))
}

fn in_the_way(name: &str) -> Finding {
    refusal(
        Code::ArchiveEntryPath,
        "压缩包条目无法放置（同名的文件或文件夹已存在），未解压".into(),
        "the archive entry cannot be placed (a file or folder of that name is in the way); not extracted".into(),
        name,
    )
}

fn link_refused(name: &str, what_zh: &str, what_en: &str) -> Finding {
    refusal(
        Code::ArchiveEntryType,
        format!("压缩包条目是{what_zh}，未解压"),
        format!("the archive entry is a {what_en}; not extracted"),
        name,
    )
}

/// `manifest.json` at the root, or in the one top folder that holds every file.
fn dataset_root(dir: &Path, files: &HashSet<String>) -> Option<String> {
    use linli_model::manifest::MANIFEST_FILE;
    if files.contains(MANIFEST_FILE) {
        return Some(String::new());
    }
    let mut tops = files.iter().map(|f| f.split_once('/').map_or(f.as_str(), |(t, _)| t));
    let first = tops.next()?;
    if tops.all(|t| t == first) && files.contains(&format!("{first}/{MANIFEST_FILE}")) && dir.join(first).is_dir() {
        return Some(first.to_owned());
    }
    None
}

/// Extract `file` under `limits`.
pub(crate) fn extract(file: std::fs::File, kind: Kind, limits: Limits) -> Result<Extracted, ArchiveError> {
    match kind {
        Kind::Zip => extract_zip(file, limits),
        Kind::Tar { gz } => {
            let read = std::rc::Rc::new(std::cell::Cell::new(0u64));
            let counted = Counting { inner: std::io::BufReader::new(file), count: std::rc::Rc::clone(&read) };
            if gz {
                extract_tar(flate2::read::MultiGzDecoder::new(counted), limits, Some(&read))
            } else {
                extract_tar(counted, limits, None)
            }
        }
    }
}

/// The names of the central directory starting at `start`, as stored (at most `max` + 1 of
/// them). The zip reader keeps one entry per name — the last — so a name stored twice is only
/// seen here.
fn central_names(reader: &mut (impl Read + std::io::Seek), start: u64, max: u64) -> std::io::Result<Vec<String>> {
    reader.seek(std::io::SeekFrom::Start(start))?;
    let mut names = Vec::new();
    let mut header = [0u8; 46];
    while (names.len() as u64) <= max {
        if reader.read_exact(&mut header).is_err() || header[..4] != *b"PK\x01\x02" {
            break;
        }
        let field = |at: usize| u64::from(u16::from_le_bytes([header[at], header[at + 1]]));
        let mut name = vec![0u8; field(28) as usize];
        reader.read_exact(&mut name)?;
        names.push(String::from_utf8_lossy(&name).into_owned());
        let skip = field(30) + field(32);
        reader.seek(std::io::SeekFrom::Current(skip as i64))?;
    }
    Ok(names)
}

fn extract_zip(file: std::fs::File, limits: Limits) -> Result<Extracted, ArchiveError> {
    let archive = zip::ZipArchive::new(std::io::BufReader::new(file)).map_err(ArchiveError::unreadable)?;
    let start = archive.central_directory_start();
    let mut reader = archive.into_inner();
    let names = central_names(&mut reader, start, limits.max_entries).map_err(ArchiveError::io)?;
    let mut archive = zip::ZipArchive::new(reader).map_err(ArchiveError::unreadable)?;
    let mut sink = Sink::new(limits)?;
    if archive.len().max(names.len()) as u64 > limits.max_entries {
        return Err(too_many(limits.max_entries));
    }
    // A name stored twice: unzip tools differ on which entry they keep, so neither is.
    let mut seen = std::collections::HashMap::<&str, usize>::new();
    for n in &names {
        *seen.entry(n.as_str()).or_default() += 1;
    }
    for _ in archive.len()..names.len() {
        sink.count_entry()?;
    }
    for i in 0..archive.len() {
        let mut entry = archive.by_index(i).map_err(ArchiveError::unreadable)?;
        let name = String::from_utf8_lossy(entry.name_raw()).into_owned();
        sink.count_entry()?;
        if Sink::ignored(&name) {
            continue;
        }
        if let Some(&times) = seen.get(name.as_str()).filter(|n| **n > 1) {
            sink.refuse(refusal(
                Code::ArchiveEntryDuplicate,
                format!("压缩包中有 {times} 个同名条目，无法确定取哪一个，均未解压"),
                format!("the archive holds {times} entries of this name; which one is meant cannot be told, none is extracted"),
                &name,
            ));
            continue;
        }
        // The Unix file type, when the archive states one: only folders and regular files.
        let mode = entry.unix_mode().map(|m| m & 0o170_000);
        if entry.is_symlink() || mode.is_some_and(|m| m != 0 && m != 0o100_000 && m != 0o040_000) {
            sink.refuse(link_refused(&name, "链接、设备或管道", "link, device or FIFO"));
            continue;
        }
        if entry.is_dir() {
            sink.dir_entry(&name);
            continue;
        }
        let compressed = entry.compressed_size();
        sink.file_entry(&name, &mut entry, Ratio::Entry(compressed))?;
    }
    Ok(sink.finish())
}

/// A reader that counts the bytes read through it (the compressed size of a tar.gz or a gzip
/// file).
pub(crate) struct Counting<R> {
    pub(crate) inner: R,
    pub(crate) count: std::rc::Rc<std::cell::Cell<u64>>,
}

impl<R: Read> Read for Counting<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.count.set(self.count.get() + n as u64);
        Ok(n)
    }
}

fn extract_tar<R: Read>(
    reader: R,
    limits: Limits,
    compressed: Option<&std::cell::Cell<u64>>,
) -> Result<Extracted, ArchiveError> {
    let mut sink = Sink::new(limits)?;
    let ratio = compressed.map_or(Ratio::None, Ratio::Stream);
    let mut archive = tar::Archive::new(reader);
    let entries = archive.entries().map_err(ArchiveError::io)?;
    for entry in entries {
        let mut entry = entry.map_err(ArchiveError::io)?;
        sink.count_entry()?;
        let name = String::from_utf8_lossy(&entry.path_bytes()).into_owned();
        if Sink::ignored(&name) {
            continue;
        }
        use tar::EntryType as T;
        match entry.header().entry_type() {
            T::Regular | T::Continuous => sink.file_entry(&name, &mut entry, ratio)?,
            T::Directory => sink.dir_entry(&name),
            T::Symlink => sink.refuse(link_refused(&name, "符号链接", "symbolic link")),
            T::Link => sink.refuse(link_refused(&name, "硬链接", "hard link")),
            T::Char | T::Block => sink.refuse(link_refused(&name, "设备文件", "device")),
            T::Fifo => sink.refuse(link_refused(&name, "命名管道", "FIFO")),
            _ => sink.refuse(link_refused(&name, "不支持的条目类型", "kind of entry that is not read")),
        }
    }
    Ok(sink.finish())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(unix)]
    #[test]
    fn the_private_folder_is_mode_0700() {
        use std::os::unix::fs::PermissionsExt;
        let sink = Sink::new(Limits::default()).unwrap();
        let mode = std::fs::metadata(sink.dir.path()).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o700, "{mode:o}");
    }
}
