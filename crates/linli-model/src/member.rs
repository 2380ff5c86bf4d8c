//! Opening the files of a dataset directory without ever reading outside it `[DAT-014]`.
//!
//! Every tool that reads a dataset — the validator, the masker, the conformance runner — opens
//! `manifest.json` and the data files the manifest lists here. It opens only a *regular file
//! inside the dataset directory*: it refuses a path that is not a relative path of the allowed
//! characters ([`crate::manifest::check_path`]), a path any of whose components is a symbolic
//! link (even one that points inside the directory: [DAT-014] says a path MUST NOT pass through
//! one), a directory, a FIFO, a socket and a device.
//!
//! There is no window between the check and the read. [`check_member`] opens the path one
//! folder at a time, each relative to the folder opened before and with `O_NOFOLLOW`
//! (`openat`), so no link is followed below the dataset directory even when a folder is
//! swapped for a link meanwhile; the file itself is opened with `O_NOFOLLOW | O_NONBLOCK` (a
//! FIFO never blocks) and its handle checked to be the regular file that was looked at. A
//! reader that needs the file again — the validator's threads each read a part of it, the
//! masker reads a file in several passes — opens it through [`Checked::open`], which refuses
//! anything but that very file (same device and inode).
//!
//! A hard link is an ordinary regular file, the same file under a second name; it is read like
//! any other (Linux lets a user hard-link only files that user may read and write, unless
//! `fs.protected_hardlinks` is off).
//!
//! [`open_regular`] is the same without the path rules, for a file found by listing a directory
//! (its name may not follow [DAT-014], but it must still be a regular file and not a link).

use std::fs::{File, Metadata};
use std::path::{Path, PathBuf};

use crate::manifest::{PathError, check_path};

/// Why a file of a dataset was not opened `[DAT-014]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Refusal {
    /// Absolute, empty, or with a backslash or a drive letter.
    NotRelative,
    /// A `..` or `.` segment, or an empty one.
    Escapes,
    /// A character outside `A-Z a-z 0-9 . _ -`, or a segment starting with `.` or `-`.
    Characters,
    /// The path passes through a symbolic link (the file itself or a folder on the way).
    Symlink,
    /// Nothing is there (or a folder on the way is not a folder).
    Missing,
    /// A directory.
    Directory,
    /// A FIFO (named pipe): reading it could block for ever.
    Fifo,
    /// A socket.
    Socket,
    /// A block or character device.
    Device,
    /// Something else that is not a regular file.
    NotRegular,
    /// The real path lies outside the dataset directory.
    Outside,
    /// The file was replaced between the check and the open.
    Changed,
    /// The file could not be opened or its type read (permissions, I/O error).
    Unreadable,
}

impl Refusal {
    /// Stable code, never translated.
    pub fn code(self) -> &'static str {
        match self {
            Refusal::NotRelative => "not-relative",
            Refusal::Escapes => "escapes",
            Refusal::Characters => "characters",
            Refusal::Symlink => "symlink",
            Refusal::Missing => "missing",
            Refusal::Directory => "directory",
            Refusal::Fifo => "fifo",
            Refusal::Socket => "socket",
            Refusal::Device => "device",
            Refusal::NotRegular => "not-regular",
            Refusal::Outside => "outside",
            Refusal::Changed => "changed",
            Refusal::Unreadable => "unreadable",
        }
    }

    fn zh(self) -> &'static str {
        match self {
            Refusal::NotRelative => "不是数据集目录内的相对路径",
            Refusal::Escapes => "含有 `..`、`.` 或空的路径段，会越出数据集目录",
            Refusal::Characters => "含有不允许的字符（只允许 A-Z a-z 0-9 . _ -），或有路径段以 `.` 或 `-` 开头",
            Refusal::Symlink => "经过符号链接（数据集中的路径不得经过符号链接）",
            Refusal::Missing => "不存在",
            Refusal::Directory => "是目录，不是普通文件",
            Refusal::Fifo => "是命名管道（FIFO），不是普通文件；未打开",
            Refusal::Socket => "是套接字，不是普通文件",
            Refusal::Device => "是设备文件，不是普通文件",
            Refusal::NotRegular => "不是普通文件",
            Refusal::Outside => "实际位置在数据集目录之外",
            Refusal::Changed => "在检查与打开之间被替换",
            Refusal::Unreadable => "无法打开",
        }
    }

    fn en(self) -> &'static str {
        match self {
            Refusal::NotRelative => "is not a relative path inside the dataset directory",
            Refusal::Escapes => "has a `..`, `.` or empty segment and would leave the dataset directory",
            Refusal::Characters => "has characters outside A-Z a-z 0-9 . _ -, or a segment that starts with `.` or `-`",
            Refusal::Symlink => "goes through a symbolic link (a dataset path must not)",
            Refusal::Missing => "does not exist",
            Refusal::Directory => "is a directory, not a regular file",
            Refusal::Fifo => "is a FIFO (named pipe), not a regular file; not opened",
            Refusal::Socket => "is a socket, not a regular file",
            Refusal::Device => "is a device, not a regular file",
            Refusal::NotRegular => "is not a regular file",
            Refusal::Outside => "lies outside the dataset directory",
            Refusal::Changed => "was replaced between the check and the open",
            Refusal::Unreadable => "cannot be opened",
        }
    }
}

impl From<PathError> for Refusal {
    fn from(e: PathError) -> Self {
        match e {
            PathError::NotRelative => Refusal::NotRelative,
            PathError::Escapes => Refusal::Escapes,
            PathError::Characters => Refusal::Characters,
        }
    }
}

/// A file of a dataset that was not opened, and why `[DAT-014]`.
#[derive(Debug)]
pub struct MemberError {
    /// The path as given (relative to the dataset directory for [`open_member`]).
    pub path: String,
    /// Why it was refused.
    pub refusal: Refusal,
    /// The I/O error behind [`Refusal::Unreadable`] or [`Refusal::Missing`], if any.
    pub source: Option<std::io::Error>,
}

impl MemberError {
    fn new(path: &str, refusal: Refusal) -> Self {
        MemberError { path: path.to_owned(), refusal, source: None }
    }

    fn io(path: &str, e: std::io::Error) -> Self {
        let refusal = match e.kind() {
            std::io::ErrorKind::NotFound | std::io::ErrorKind::NotADirectory => Refusal::Missing,
            _ => Refusal::Unreadable,
        };
        MemberError { path: path.to_owned(), refusal, source: Some(e) }
    }

    /// The message in Chinese: the path, and why it was not opened.
    pub fn message_zh(&self) -> String {
        match &self.source {
            Some(e) if self.refusal == Refusal::Unreadable => {
                format!("`{}` {}{}", self.path, self.refusal.zh(), crate::io_text::describe(e, true))
            }
            _ => format!("`{}` {}", self.path, self.refusal.zh()),
        }
    }

    /// The message in English: the path, and why it was not opened.
    pub fn message_en(&self) -> String {
        match &self.source {
            Some(e) if self.refusal == Refusal::Unreadable => format!("`{}` {}: {e}", self.path, self.refusal.en()),
            _ => format!("`{}` {}", self.path, self.refusal.en()),
        }
    }

    /// As an I/O error (kind `InvalidInput`, or the underlying error's kind), for readers whose
    /// interface is `std::io`.
    pub fn into_io(self) -> std::io::Error {
        // The refusal itself is the payload (its text is the English message), so that a reader
        // who wants the Chinese message can take it back out with `downcast_ref`.
        let kind = self.source.as_ref().map_or(std::io::ErrorKind::InvalidInput, std::io::Error::kind);
        std::io::Error::new(kind, self)
    }
}

impl std::fmt::Display for MemberError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message_en())
    }
}

impl std::error::Error for MemberError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.source.as_ref().map(|e| e as &(dyn std::error::Error + 'static))
    }
}

/// What a file's own type (not following a link) says.
fn refusal_of(m: &Metadata) -> Option<Refusal> {
    let t = m.file_type();
    if t.is_file() {
        return None;
    }
    if t.is_symlink() {
        return Some(Refusal::Symlink);
    }
    if t.is_dir() {
        return Some(Refusal::Directory);
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if t.is_fifo() {
            return Some(Refusal::Fifo);
        }
        if t.is_socket() {
            return Some(Refusal::Socket);
        }
        if t.is_block_device() || t.is_char_device() {
            return Some(Refusal::Device);
        }
    }
    Some(Refusal::NotRegular)
}

/// Whether two metadata describe the same file.
fn same_file(a: &Metadata, b: &Metadata) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        a.dev() == b.dev() && a.ino() == b.ino()
    }
    #[cfg(not(unix))]
    {
        a.len() == b.len() && a.modified().ok() == b.modified().ok()
    }
}

/// The flags of every open here: read only, never through a link at the last component, never
/// blocking on a FIFO, never becoming the controlling terminal, not inherited by a child.
#[cfg(unix)]
fn read_flags() -> rustix::fs::OFlags {
    use rustix::fs::OFlags;
    OFlags::RDONLY | OFlags::NOFOLLOW | OFlags::NONBLOCK | OFlags::NOCTTY | OFlags::CLOEXEC
}

/// The refusal for an `open` with `O_NOFOLLOW` that failed.
#[cfg(unix)]
fn open_error(label: &str, e: rustix::io::Errno) -> MemberError {
    // `O_NOFOLLOW` on a link that appeared since the check.
    if e == rustix::io::Errno::LOOP {
        return MemberError::new(label, Refusal::Symlink);
    }
    MemberError::io(label, e.into())
}

/// Open `path` for reading without following a link at its last component and without
/// blocking on a FIFO; the handle's own metadata is checked: a regular file, the one `before`
/// describes.
fn open_checked(path: &Path, label: &str, before: &Metadata) -> Result<File, MemberError> {
    #[cfg(unix)]
    let file =
        File::from(rustix::fs::open(path, read_flags(), rustix::fs::Mode::empty()).map_err(|e| open_error(label, e))?);
    #[cfg(not(unix))]
    let file = File::open(path).map_err(|e| MemberError::io(label, e))?;
    let after = file.metadata().map_err(|e| MemberError::io(label, e))?;
    if let Some(r) = refusal_of(&after) {
        return Err(MemberError::new(label, r));
    }
    if !same_file(before, &after) {
        return Err(MemberError::new(label, Refusal::Changed));
    }
    Ok(file)
}

/// A file that was checked and opened once, and that readers may open again — several
/// threads, several passes — as *that same file*: each [`Checked::open`] opens the path again
/// and refuses what it gets unless it is the very file (device and inode) opened first
/// (`Refusal::Changed`), so a file, or a folder on the way, swapped for a link, a FIFO or
/// another file after the check is never read.
#[derive(Debug)]
pub struct Checked {
    path: PathBuf,
    label: String,
    meta: Metadata,
    /// Held open so that the file's inode is not reused while this lives.
    _pin: File,
}

impl Checked {
    /// The full path (the dataset directory joined with the member's path).
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The size in bytes when it was checked.
    pub fn len(&self) -> u64 {
        self.meta.len()
    }

    /// Whether the file was empty when it was checked.
    pub fn is_empty(&self) -> bool {
        self.meta.len() == 0
    }

    /// Open the file again: only when the path still leads to the file that was checked.
    pub fn open(&self) -> Result<File, MemberError> {
        open_checked(&self.path, &self.label, &self.meta)
    }

    /// Open the file again, as an I/O error when that fails.
    pub fn open_io(&self) -> std::io::Result<File> {
        self.open().map_err(MemberError::into_io)
    }
}

/// Open a file found by listing a directory: only a regular file, never through a link at its
/// last component, never blocking on a FIFO. `path` is used as given (no dataset path rules).
pub fn open_regular(path: &Path) -> Result<File, MemberError> {
    Ok(check_regular(path)?.1)
}

/// [`open_regular`], keeping what is needed to open the same file again.
pub fn check_regular(path: &Path) -> Result<(Checked, File), MemberError> {
    let label = path.display().to_string();
    let before = std::fs::symlink_metadata(path).map_err(|e| MemberError::io(&label, e))?;
    if let Some(r) = refusal_of(&before) {
        return Err(MemberError::new(&label, r));
    }
    let file = open_checked(path, &label, &before)?;
    let meta = file.metadata().map_err(|e| MemberError::io(&label, e))?;
    let pin = file.try_clone().map_err(|e| MemberError::io(&label, e))?;
    Ok((Checked { path: path.to_path_buf(), label, meta, _pin: pin }, file))
}

/// Open `rel` below `root` one folder at a time, each opened relative to the one before with
/// `O_NOFOLLOW`: no symbolic link is ever followed below `root`, and what the walk reaches lies
/// inside `root` whatever is renamed or swapped meanwhile.
#[cfg(unix)]
fn walk(root: &Path, rel: &str) -> Result<File, MemberError> {
    use rustix::fs::{AtFlags, FileType, Mode, OFlags};
    let io = |e: rustix::io::Errno| MemberError::io(rel, e.into());
    let dir_flags = OFlags::RDONLY | OFlags::DIRECTORY | OFlags::CLOEXEC;
    // The root itself may be reached through a link.
    let mut dir = rustix::fs::open(root, dir_flags, Mode::empty()).map_err(io)?;
    let segments: Vec<&str> = rel.split('/').collect();
    for (i, seg) in segments.iter().enumerate() {
        let st = rustix::fs::statat(&dir, *seg, AtFlags::SYMLINK_NOFOLLOW).map_err(io)?;
        let kind = FileType::from_raw_mode(st.st_mode);
        if i + 1 < segments.len() {
            match kind {
                FileType::Directory => {}
                FileType::Symlink => return Err(MemberError::new(rel, Refusal::Symlink)),
                _ => return Err(MemberError::new(rel, Refusal::Missing)),
            }
            dir = rustix::fs::openat(&dir, *seg, dir_flags | OFlags::NOFOLLOW, Mode::empty()).map_err(|e| {
                if e == rustix::io::Errno::NOTDIR {
                    MemberError::new(rel, Refusal::Changed)
                } else {
                    open_error(rel, e)
                }
            })?;
            continue;
        }
        let refusal = match kind {
            FileType::RegularFile => None,
            FileType::Symlink => Some(Refusal::Symlink),
            FileType::Directory => Some(Refusal::Directory),
            FileType::Fifo => Some(Refusal::Fifo),
            FileType::Socket => Some(Refusal::Socket),
            FileType::BlockDevice | FileType::CharacterDevice => Some(Refusal::Device),
            FileType::Unknown => Some(Refusal::NotRegular),
        };
        if let Some(r) = refusal {
            return Err(MemberError::new(rel, r));
        }
        let file =
            File::from(rustix::fs::openat(&dir, *seg, read_flags(), Mode::empty()).map_err(|e| open_error(rel, e))?);
        let after = file.metadata().map_err(|e| MemberError::io(rel, e))?;
        if let Some(r) = refusal_of(&after) {
            return Err(MemberError::new(rel, r));
        }
        use std::os::unix::fs::MetadataExt;
        if (after.dev(), after.ino()) != (st.st_dev as u64, st.st_ino as u64) {
            return Err(MemberError::new(rel, Refusal::Changed));
        }
        return Ok(file);
    }
    Err(MemberError::new(rel, Refusal::NotRelative))
}

/// Without `openat`: check every component, then open the file and check the handle.
#[cfg(not(unix))]
fn walk(root: &Path, rel: &str) -> Result<File, MemberError> {
    let mut p = root.to_path_buf();
    let segments: Vec<&str> = rel.split('/').collect();
    for (i, seg) in segments.iter().enumerate() {
        p.push(seg);
        let m = std::fs::symlink_metadata(&p).map_err(|e| MemberError::io(rel, e))?;
        let last = i + 1 == segments.len();
        if m.file_type().is_symlink() {
            return Err(MemberError::new(rel, Refusal::Symlink));
        }
        if !last && !m.file_type().is_dir() {
            return Err(MemberError::new(rel, Refusal::Missing));
        }
        if last {
            if let Some(r) = refusal_of(&m) {
                return Err(MemberError::new(rel, r));
            }
        }
    }
    let real_root = root.canonicalize().map_err(|e| MemberError::io(rel, e))?;
    let real = p.canonicalize().map_err(|e| MemberError::io(rel, e))?;
    if !real.starts_with(&real_root) || real == real_root {
        return Err(MemberError::new(rel, Refusal::Outside));
    }
    let before = std::fs::symlink_metadata(&p).map_err(|e| MemberError::io(rel, e))?;
    open_checked(&p, rel, &before)
}

/// Check and open the file `rel` (a manifest path, `/`-separated) of the dataset directory
/// `root` — only when it is a regular file inside `root` reached without a symbolic link
/// `[DAT-014]` — and keep what is needed to open that same file again ([`Checked::open`]).
/// Never blocks on a FIFO.
pub fn check_member(root: &Path, rel: &str) -> Result<(Checked, File), MemberError> {
    check_path(rel).map_err(|e| MemberError::new(rel, e.into()))?;
    let file = walk(root, rel)?;
    let meta = file.metadata().map_err(|e| MemberError::io(rel, e))?;
    let path = rel.split('/').fold(root.to_path_buf(), |p, seg| p.join(seg));
    let pin = file.try_clone().map_err(|e| MemberError::io(rel, e))?;
    Ok((Checked { path, label: rel.to_owned(), meta, _pin: pin }, file))
}

/// Open the file `rel` (a manifest path, `/`-separated) of the dataset directory `root` for
/// reading — only when it is a regular file inside `root` reached without a symbolic link
/// `[DAT-014]`; see the module documentation. Never blocks on a FIFO.
pub fn open_member(root: &Path, rel: &str) -> Result<File, MemberError> {
    Ok(check_member(root, rel)?.1)
}

/// Read the whole of a dataset file as bytes, opened by [`open_member`].
pub fn read_member(root: &Path, rel: &str) -> Result<Vec<u8>, MemberError> {
    use std::io::Read;
    let mut f = open_member(root, rel)?;
    let mut out = Vec::new();
    f.read_to_end(&mut out).map_err(|e| MemberError::io(rel, e))?;
    Ok(out)
}

/// Read the whole of a file found by listing a directory, opened by [`open_regular`].
pub fn read_regular(path: &Path) -> Result<Vec<u8>, MemberError> {
    use std::io::Read;
    let mut f = open_regular(path)?;
    let mut out = Vec::new();
    f.read_to_end(&mut out).map_err(|e| MemberError::io(&path.display().to_string(), e))?;
    Ok(out)
}

#[cfg(all(test, unix))]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;
    use std::os::unix::fs::symlink;

    struct Tmp(PathBuf);
    impl Tmp {
        fn new(name: &str) -> Self {
            let p = std::env::temp_dir().join(format!("linli-member-{}-{name}", std::process::id()));
            let _ = std::fs::remove_dir_all(&p);
            std::fs::create_dir_all(p.join("ds/sub")).unwrap();
            std::fs::write(p.join("ds/a.ndjson"), "{}\n").unwrap();
            std::fs::write(p.join("ds/sub/b.ndjson"), "{}\n").unwrap();
            std::fs::write(p.join("outside.ndjson"), "secret\n").unwrap();
            std::fs::create_dir_all(p.join("elsewhere")).unwrap();
            std::fs::write(p.join("elsewhere/c.ndjson"), "secret\n").unwrap();
            Tmp(p)
        }
        fn ds(&self) -> PathBuf {
            self.0.join("ds")
        }
    }
    impl Drop for Tmp {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }

    fn refusal(root: &Path, rel: &str) -> Refusal {
        open_member(root, rel).expect_err(rel).refusal
    }

    #[test]
    fn regular_files_inside_open() {
        let t = Tmp::new("ok");
        assert!(open_member(&t.ds(), "a.ndjson").is_ok());
        assert!(open_member(&t.ds(), "sub/b.ndjson").is_ok());
        assert_eq!(read_member(&t.ds(), "a.ndjson").unwrap(), b"{}\n");
    }

    #[test]
    fn each_kind_is_refused() {
        let t = Tmp::new("kinds");
        let ds = t.ds();
        symlink(t.0.join("outside.ndjson"), ds.join("out-link.ndjson")).unwrap();
        symlink(ds.join("a.ndjson"), ds.join("in-link.ndjson")).unwrap();
        symlink(t.0.join("elsewhere"), ds.join("escape")).unwrap();
        symlink("sub", ds.join("inner")).unwrap();
        assert!(std::process::Command::new("mkfifo").arg(ds.join("pipe.ndjson")).status().unwrap().success());
        assert_eq!(refusal(&ds, "out-link.ndjson"), Refusal::Symlink);
        assert_eq!(refusal(&ds, "in-link.ndjson"), Refusal::Symlink);
        assert_eq!(refusal(&ds, "escape/c.ndjson"), Refusal::Symlink);
        assert_eq!(refusal(&ds, "inner/b.ndjson"), Refusal::Symlink);
        assert_eq!(refusal(&ds, "pipe.ndjson"), Refusal::Fifo);
        assert_eq!(refusal(&ds, "sub"), Refusal::Directory);
        assert_eq!(refusal(&ds, "../outside.ndjson"), Refusal::Escapes);
        assert_eq!(refusal(&ds, "/etc/passwd"), Refusal::NotRelative);
        assert_eq!(refusal(&ds, "none.ndjson"), Refusal::Missing);
        assert_eq!(refusal(&ds, "a.ndjson/x"), Refusal::Missing);
        assert_eq!(refusal(&ds, "数据.ndjson"), Refusal::Characters);
        assert_eq!(refusal(Path::new("/dev"), "null"), Refusal::Device);
        // Listing: links and FIFOs refused, regular files open.
        assert_eq!(open_regular(&ds.join("pipe.ndjson")).unwrap_err().refusal, Refusal::Fifo);
        assert_eq!(open_regular(&ds.join("in-link.ndjson")).unwrap_err().refusal, Refusal::Symlink);
        assert!(open_regular(&ds.join("a.ndjson")).is_ok());
    }

    #[test]
    fn a_root_reached_through_a_link_is_fine() {
        // The dataset directory itself may be given through a link; its members may not be.
        let t = Tmp::new("root-link");
        symlink(t.ds(), t.0.join("ds-link")).unwrap();
        assert!(open_member(&t.0.join("ds-link"), "sub/b.ndjson").is_ok());
    }

    #[test]
    fn a_checked_file_is_never_read_once_swapped() {
        let t = Tmp::new("swap");
        let ds = t.ds();
        std::fs::write(t.0.join("elsewhere/b.ndjson"), "secret\n").unwrap();
        let (checked, _) = check_member(&ds, "sub/b.ndjson").unwrap();
        assert!(checked.open().is_ok(), "the same file opens again");
        // The folder on the way swapped for a link to a folder outside holding a file of that name.
        std::fs::rename(ds.join("sub"), ds.join("sub-old")).unwrap();
        symlink(t.0.join("elsewhere"), ds.join("sub")).unwrap();
        assert_eq!(checked.open().unwrap_err().refusal, Refusal::Changed);
        assert_eq!(refusal(&ds, "sub/b.ndjson"), Refusal::Symlink);
        // The file swapped for a FIFO: refused, and the open does not block.
        std::fs::remove_file(ds.join("sub")).unwrap();
        std::fs::rename(ds.join("sub-old"), ds.join("sub")).unwrap();
        let (checked, _) = check_member(&ds, "sub/b.ndjson").unwrap();
        std::fs::remove_file(ds.join("sub/b.ndjson")).unwrap();
        assert!(std::process::Command::new("mkfifo").arg(ds.join("sub/b.ndjson")).status().unwrap().success());
        assert_eq!(checked.open().unwrap_err().refusal, Refusal::Fifo);
        // Swapped for another regular file: the same name is not the same file.
        std::fs::remove_file(ds.join("sub/b.ndjson")).unwrap();
        std::fs::write(ds.join("sub/b.ndjson"), "{}\n").unwrap();
        assert_eq!(checked.open().unwrap_err().refusal, Refusal::Changed);
    }

    #[test]
    fn messages_are_bilingual_and_name_the_file() {
        let t = Tmp::new("msg");
        let e = open_member(&t.ds(), "sub").unwrap_err();
        assert!(e.message_en().contains("`sub`") && e.message_en().contains("directory"));
        assert!(e.message_zh().contains("`sub`") && e.message_zh().contains("目录"));
        assert_eq!(e.refusal.code(), "directory");
    }
}
