//! The README's *Vendor quick start (Rust)* is the crate-level doctest "Vendor quick start" of
//! `src/lib.rs`, line for line (issue 16): the doctest compiles and runs it, this test keeps the
//! two the same. Both files are read at run time, so the crate still packages (`cargo package`
//! does not ship the workspace README); the test is meant to run in the repository.

#![allow(clippy::unwrap_used, clippy::expect_used)]

fn rust_block_after<'a>(text: &'a str, heading: &str) -> Vec<&'a str> {
    let start = text.find(heading).unwrap_or_else(|| panic!("no `{heading}`"));
    text[start..]
        .lines()
        .skip_while(|l| !l.trim_start().starts_with("```rust") && l.trim() != "```" && !l.ends_with("```"))
        .skip(1)
        .take_while(|l| !l.trim().ends_with("```"))
        .collect()
}

#[test]
fn readme_quick_start_is_the_doctest() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let readme = std::fs::read_to_string(dir.join("../../README.md")).expect("the workspace README");
    let lib = std::fs::read_to_string(dir.join("src/lib.rs")).expect("src/lib.rs");
    let readme_code = rust_block_after(&readme, "## Vendor quick start (Rust)\n\n```toml");
    let readme_code: Vec<&str> = readme_code.into_iter().skip_while(|l| !l.starts_with("```rust")).skip(1).collect();
    let doc: Vec<String> = lib
        .lines()
        .filter_map(|l| l.strip_prefix("//!"))
        .map(|l| l.strip_prefix(' ').unwrap_or(l).to_owned())
        .collect();
    let doc = doc.join("\n");
    let doc_code: Vec<&str> = rust_block_after(&doc, "## Vendor quick start")
        .into_iter()
        .filter(|l| !(l.starts_with("# ") || *l == "#"))
        .collect();
    assert!(!readme_code.is_empty(), "no code in the README's quick start");
    assert_eq!(readme_code, doc_code, "README quick start and the lib.rs doctest differ");
}
