//! The folder the case directories of a run are made in `[CNF-067]`: what an adapter is sent
//! in an `export` or `share` case holds records (maybe personal), and a run that is killed must
//! not leave them where nothing cleans them.

use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// The work folders of the runs alive in this process: what [`remove_work_dirs`] removes.
static LIVE: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

/// A run's work folder: private (0700 on Unix), removed when dropped, and listed meanwhile so
/// that an interrupted run can remove it too ([`remove_work_dirs`]).
pub(crate) struct WorkDir {
    path: PathBuf,
    /// The folder when it is a fresh one in the system's temporary folder.
    _temp: Option<tempfile::TempDir>,
}

impl WorkDir {
    /// The work folder at `at`, where one left by an earlier run that was killed is removed
    /// first, with whatever it held; else a new folder in the system's temporary folder.
    pub(crate) fn create(at: Option<&Path>) -> std::io::Result<WorkDir> {
        let (path, temp) = match at {
            Some(p) => {
                // `remove_dir_all` removes a symbolic link itself, never what it points to.
                match std::fs::remove_dir_all(p) {
                    Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                    Err(e) if e.kind() == std::io::ErrorKind::NotADirectory => std::fs::remove_file(p)?,
                    other => other?,
                }
                let mut b = std::fs::DirBuilder::new();
                #[cfg(unix)]
                std::os::unix::fs::DirBuilderExt::mode(&mut b, 0o700);
                b.create(p)?;
                (p.to_path_buf(), None)
            }
            None => {
                let mut b = tempfile::Builder::new();
                b.prefix("linli-conformance-");
                #[cfg(unix)]
                {
                    use std::os::unix::fs::PermissionsExt;
                    b.permissions(std::fs::Permissions::from_mode(0o700));
                }
                let t = b.tempdir()?;
                (t.path().to_path_buf(), Some(t))
            }
        };
        if let Ok(mut live) = LIVE.lock() {
            live.push(path.clone());
        }
        Ok(WorkDir { path, _temp: temp })
    }

    /// The folder.
    pub(crate) fn path(&self) -> &Path {
        &self.path
    }
}

impl Drop for WorkDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.path);
        if let Ok(mut live) = LIVE.lock() {
            live.retain(|p| p != &self.path);
        }
    }
}

/// Remove the work folders of the runs alive in this process, with the case directories in
/// them: for a handler of SIGINT / SIGTERM / SIGHUP, just before the process ends `[CNF-067]`.
/// The adapters are stopped first ([`super::kill_adapters`]), so that none writes into a
/// folder being removed or outlives the run.
pub fn remove_work_dirs() {
    super::kill_adapters();
    // A lock held by the interrupted thread is not waited for: the folders are then left, and
    // the next run into the same folder removes them.
    if let Ok(live) = LIVE.try_lock() {
        for p in live.iter() {
            let _ = std::fs::remove_dir_all(p);
        }
    }
}
