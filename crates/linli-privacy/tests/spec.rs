//! The table of built-in profiles in `spec/19-sharing.md` is generated from the profile files.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::PathBuf;

const BEGIN: &str = "<!-- BEGIN built-in profiles";
const END: &str = "<!-- END built-in profiles -->";

/// Whether `var` asks this test to rewrite the committed file instead of comparing with it. Never
/// in CI (`CI` set): there a set variable would make the comparison pass whatever the file holds,
/// so it fails the test instead.
fn bless(var: &str) -> bool {
    bless_mode(var, std::env::var_os(var), std::env::var_os("CI")).unwrap_or_else(|e| panic!("{e}"))
}

fn bless_mode(var: &str, write: Option<std::ffi::OsString>, ci: Option<std::ffi::OsString>) -> Result<bool, String> {
    match (write, ci) {
        (None, _) => Ok(false),
        (Some(_), Some(ci)) => Err(format!(
            "{var} is set in CI (CI={}): the committed file would be rewritten, not checked",
            ci.to_string_lossy()
        )),
        (Some(_), None) => Ok(true),
    }
}

#[test]
fn a_bless_variable_fails_the_test_in_ci() {
    let set = || Some(std::ffi::OsString::from("1"));
    assert_eq!(bless_mode("LINLI_WRITE_X", None, None), Ok(false));
    assert_eq!(bless_mode("LINLI_WRITE_X", None, Some("true".into())), Ok(false));
    assert_eq!(bless_mode("LINLI_WRITE_X", set(), None), Ok(true));
    let e = bless_mode("LINLI_WRITE_X", set(), Some("true".into())).unwrap_err();
    assert!(e.starts_with("LINLI_WRITE_X is set in CI (CI=true)"), "{e}");
}

#[test]
fn chapter_19_table_matches_the_profile_files() {
    let write = bless("LINLI_WRITE_SPEC");
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../spec/19-sharing.md");
    let text = std::fs::read_to_string(&path).unwrap();
    let start = text.find(BEGIN).expect("begin marker");
    let start = start + text[start..].find('\n').expect("end of begin line") + 1;
    let end = text.find(END).expect("end marker");
    let table = linli_privacy::profile::built_in_table().unwrap();
    let want = format!("\n{table}\n");
    if text[start..end] != want {
        if write {
            let new = format!("{}{}{}", &text[..start], want, &text[end..]);
            std::fs::write(&path, new).unwrap();
        } else {
            panic!(
                "spec/19-sharing.md: the table of built-in profiles is out of date; run `LINLI_WRITE_SPEC=1 cargo test -p linli-privacy --test spec`"
            );
        }
    }
}
