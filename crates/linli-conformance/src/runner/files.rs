//! The files of the suite and of an export: listed without following links, read only when
//! regular, digested `[CNF-062]`.

use super::*;

/// The `linliFiles2` digest `[CNF-062]`: SHA-256 over, for each file in order of its path
/// relative to `root` (`/`-separated, byte-wise), the path's length (8 bytes, big-endian), the
/// path, the content's length and the content. An unreadable file has the length 2^64 − 1 and no
/// content. Lengths make the digest unambiguous: no two different sets of files share it.
pub(super) fn digest_files(root: &Path, files: Vec<PathBuf>) -> String {
    let mut named: Vec<(String, PathBuf)> = files
        .into_iter()
        .map(|f| {
            let rel = f.strip_prefix(root).unwrap_or(&f);
            let name = rel.components().map(|c| c.as_os_str().to_string_lossy().into_owned()).collect::<Vec<_>>();
            (name.join("/"), f)
        })
        .collect();
    named.sort();
    let mut h = sha2::Sha256::new();
    for (name, f) in named {
        h.update((name.len() as u64).to_be_bytes());
        h.update(name.as_bytes());
        match linli_model::member::read_regular(&f) {
            Ok(bytes) => {
                h.update((bytes.len() as u64).to_be_bytes());
                h.update(&bytes);
            }
            Err(_) => h.update(u64::MAX.to_be_bytes()),
        }
    }
    linli_model::support::hex::encode(&h.finalize())
}

/// The digest of the vector files of the suite folder `suite` (`vectors_sha256` of the summary,
/// `[CNF-050]`; the suite subject of a result statement, `[CNF-062]`).
pub fn vectors_digest(suite: &Path) -> String {
    digest_files(
        suite,
        [files_under(&suite.join("vectors"), "json"), files_under(&suite.join("adapters"), "json")].concat(),
    )
}

/// The digest of the schemas next to the suite folder `suite` (`schemas_sha256`, `[CNF-050]`, `[CNF-062]`).
pub fn schemas_digest(suite: &Path) -> String {
    let schemas = suite.join("../schemas");
    digest_files(&schemas, files_under(&schemas, "json"))
}

/// The same digest over every file under `dir` (an exported dataset, `[CNF-062]`).
pub fn tree_digest(dir: &Path) -> String {
    digest_files(dir, files_under(dir, ""))
}

/// The text of a file the product wrote: only a regular file, never through a link, never
/// blocking on a FIFO ([`linli_model::member::open_regular`], `[DAT-014]`); empty when refused.
pub(crate) fn read_text(path: &Path) -> String {
    // Refused or unreadable: the default, empty text, which the judge then finds wanting
    // (callers that must say why use `read_text_result`).
    read_text_result(path).unwrap_or_default()
}

/// [`read_text`], with the reason when the file is not read.
pub(crate) fn read_text_result(path: &Path) -> Result<String, linli_model::member::MemberError> {
    linli_model::member::read_regular(path).map(|b| String::from_utf8_lossy(&b).into_owned())
}

/// Regular files under `dir` with extension `ext` (every one when `ext` is empty). Links are
/// never followed, and FIFOs, sockets and devices are left out: a product writes the folders
/// the judge reads, and a link to `/` or a FIFO named `x.ndjson` must not hang it.
pub(super) fn files_under(dir: &Path, ext: &str) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).into_iter().flatten().flatten() {
            // The entry's own type: a link is a link, whatever it points to.
            let Ok(ft) = e.file_type() else { continue };
            let p = e.path();
            if ft.is_dir() {
                stack.push(p);
            } else if ft.is_file() && (ext.is_empty() || p.extension().is_some_and(|x| x == ext)) {
                out.push(p);
            }
        }
    }
    out
}

/// Most entries an export or share directory may hold.
pub(super) const MAX_EXPORT_ENTRIES: usize = 10_000;

/// Why the directory a product wrote for an `export` or `share` case is not judged at all
/// `[CNF-034]`: it is no longer a directory of its own (replaced by a link), or it holds a link,
/// a FIFO, a socket or a device (reading one could block the judge or leave the folder), more
/// than [`MAX_EXPORT_ENTRIES`] entries, or more bytes than `max_bytes`.
pub(crate) fn export_not_plain(dir: &Path, max_bytes: u64) -> Option<String> {
    match std::fs::symlink_metadata(dir) {
        Ok(m) if m.file_type().is_dir() => {}
        _ => return Some(format!("{} is no longer a directory (removed or replaced by a link)", dir.display())),
    }
    let (mut entries, mut bytes) = (0usize, 0u64);
    let mut odd = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).into_iter().flatten().flatten() {
            entries += 1;
            if entries > MAX_EXPORT_ENTRIES {
                return Some(format!("more than {MAX_EXPORT_ENTRIES} entries"));
            }
            // Every entry is under `dir`, so the prefix strips: the default is never taken.
            let rel = e.path().strip_prefix(dir).map(|p| p.display().to_string()).unwrap_or_default();
            match e.file_type() {
                Ok(t) if t.is_dir() => stack.push(e.path()),
                Ok(t) if t.is_file() => {
                    bytes = bytes.saturating_add(e.metadata().map(|m| m.len()).unwrap_or(0));
                    if bytes > max_bytes {
                        return Some(format!("more than {max_bytes} bytes"));
                    }
                }
                _ => odd.push(rel),
            }
        }
    }
    if odd.is_empty() {
        None
    } else {
        odd.sort();
        Some(format!("entries that are neither regular files nor folders (links, FIFOs, sockets, devices): {odd:?}"))
    }
}
