//! What the CLI test files share: the workspace root and running `linli` in-process. The
//! reference adapter's tests use this file too (`#[path]`), so that there is one copy.

#![allow(dead_code)]

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// The workspace root.
pub(crate) fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Runs `linli ARGS` in-process: the exit code and what it wrote (an error as `error[code]: …`,
/// exit code 2, as `main` reports it).
pub(crate) fn run(args: &[&str]) -> (ExitCode, String) {
    let mut out = Vec::new();
    let argv: Vec<OsString> = std::iter::once("linli").chain(args.iter().copied()).map(OsString::from).collect();
    let code = match linli_cli::run(argv, &mut out) {
        Ok(c) => c,
        Err(e) => {
            out.extend(format!("error[{}]: {e}", e.code()).into_bytes());
            ExitCode::from(2)
        }
    };
    (code, String::from_utf8(out).expect("linli writes UTF-8"))
}

/// A fresh folder `linli-TAG-PID` in the system's temporary folder.
pub(crate) fn fresh_temp(tag: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("linli-{tag}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).expect("temporary folder");
    d
}

/// The `--adapter` command that runs the Python script `script` with the suite's standard
/// version and `args` (each quoted) after it; `$PYTHON` or `python3`.
pub(crate) fn python_adapter(script: &Path, args: &[&str]) -> String {
    let python = std::env::var("PYTHON").unwrap_or_else(|_| "python3".to_owned());
    let version = linli_conformance::runner::SUITE_VERSION;
    let quoted: Vec<String> = args.iter().map(|a| format!("'{a}'")).collect();
    format!("{python} -B '{}' {version} {}", script.display(), quoted.join(" "))
}

/// Wait until `marker` holds something, which the adapter run by `child` writes when it has
/// reached the case a test is about; panics should `child` end first. No time is asserted: the
/// bound only ends the test should the run never get there.
pub(crate) fn wait_for_marker(child: &mut std::process::Child, marker: &Path) -> String {
    for _ in 0..6000 {
        if let Ok(t) = std::fs::read_to_string(marker) {
            if !t.is_empty() {
                return t;
            }
        }
        if let Some(status) = child.try_wait().expect("linli runs") {
            panic!("linli ended ({status}) before the adapter reached the case");
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    panic!("the adapter never reached the case");
}
