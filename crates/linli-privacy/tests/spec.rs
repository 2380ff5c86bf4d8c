//! The table of built-in profiles in `spec/19-sharing.md` is generated from the profile files.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::PathBuf;

const BEGIN: &str = "<!-- BEGIN built-in profiles";
const END: &str = "<!-- END built-in profiles -->";

/// Whether `var` asks this test to rewrite the committed file instead of comparing with it; a
/// set variable fails the test in CI ([`linli_model::support::bless`]).
fn bless(var: &str) -> bool {
    linli_model::support::bless::requested(var).unwrap_or_else(|e| panic!("{e}"))
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
