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
