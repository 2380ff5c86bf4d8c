//! The suite, the spec and the schemas this build was made from, embedded (issue 16): an
//! installed `linli` runs `linli conformance run` from any directory without the repository.
//!
//! The runner reads a suite folder with `../spec` and `../schemas` beside it; [`Bundle::extract`]
//! writes the embedded copy to a fresh private folder laid out that way, removed when the
//! [`Bundle`] is dropped. The copy is made by `build.rs` from the top-level `conformance/`,
//! `spec/` and `schemas/` (single source of truth; `tests/bundle.rs` checks it is identical).

use std::path::{Path, PathBuf};

use crate::Error;

mod embedded {
    include!(concat!(env!("OUT_DIR"), "/bundle.rs"));
}

/// The embedded files: path relative to the bundle root (`conformance/…`, `spec/…`,
/// `schemas/…`, with `/`) and bytes.
pub fn files() -> impl Iterator<Item = (&'static str, &'static [u8])> {
    embedded::FILES.iter().copied()
}

/// The embedded symbolic links (a dataset case whose member is a link): path and target.
pub fn links() -> impl Iterator<Item = (&'static str, &'static str)> {
    embedded::LINKS.iter().copied()
}

/// An extracted bundle; the folder is removed on drop.
#[derive(Debug)]
pub struct Bundle {
    dir: tempfile::TempDir,
}

impl Bundle {
    /// Write the embedded suite, spec and schemas to a new private folder under the system's
    /// temporary directory.
    pub fn extract() -> Result<Bundle, Error> {
        let dir = tempfile::Builder::new()
            .prefix("linli-suite-")
            .tempdir()
            .map_err(|e| Error::Suite { path: std::env::temp_dir().display().to_string(), message: e.to_string() })?;
        let io = |p: &Path, e: std::io::Error| Error::Suite { path: p.display().to_string(), message: e.to_string() };
        for (rel, bytes) in files() {
            let path = dir.path().join(rel);
            if let Some(parent) = path.parent() {
                std::fs::create_dir_all(parent).map_err(|e| io(parent, e))?;
            }
            std::fs::write(&path, bytes).map_err(|e| io(&path, e))?;
        }
        for (rel, target) in links() {
            let path = dir.path().join(rel);
            if let Some(parent) = path.parent() {
                std::fs::create_dir_all(parent).map_err(|e| io(parent, e))?;
            }
            link(target, &path).map_err(|e| io(&path, e))?;
        }
        Ok(Bundle { dir })
    }

    /// The root of the extracted bundle (holds `conformance/`, `spec/`, `schemas/`).
    pub fn root(&self) -> &Path {
        self.dir.path()
    }

    /// The suite folder, for [`crate::runner::RunOptions::new`].
    pub fn suite(&self) -> PathBuf {
        self.dir.path().join("conformance")
    }
}

#[cfg(unix)]
fn link(target: &str, path: &Path) -> std::io::Result<()> {
    std::os::unix::fs::symlink(target, path)
}

#[cfg(not(unix))]
fn link(target: &str, path: &Path) -> std::io::Result<()> {
    // Without symbolic links the member is a copy; the case about links is then not what it
    // tests on this platform.
    let from = path.parent().map(|p| p.join(target)).unwrap_or_else(|| PathBuf::from(target));
    std::fs::copy(from, path).map(|_| ())
}
