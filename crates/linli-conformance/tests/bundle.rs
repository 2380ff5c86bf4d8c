//! The embedded suite is the top-level one (single source of truth, issue 16): every file of
//! `conformance/`, `spec/` and `schemas/` is embedded byte for byte, nothing else is, and an
//! extracted bundle is a suite the runner reads as it reads the repository's.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use linli_conformance::bundle::{self, Bundle};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Every file under `dir` (links kept apart): path relative to `base`, with `/`.
fn tree(base: &Path, dir: &Path, files: &mut BTreeMap<String, Vec<u8>>, links: &mut BTreeMap<String, String>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let path = e.unwrap().path();
        let rel = path.strip_prefix(base).unwrap().to_str().unwrap().replace('\\', "/");
        let meta = std::fs::symlink_metadata(&path).unwrap();
        if meta.file_type().is_symlink() {
            links.insert(rel, std::fs::read_link(&path).unwrap().to_str().unwrap().to_owned());
        } else if meta.is_dir() {
            tree(base, &path, files, links);
        } else {
            files.insert(rel, std::fs::read(&path).unwrap());
        }
    }
}

fn top_level(base: &Path) -> (BTreeMap<String, Vec<u8>>, BTreeMap<String, String>) {
    let (mut files, mut links) = (BTreeMap::new(), BTreeMap::new());
    for top in ["conformance", "spec", "schemas"] {
        tree(base, &base.join(top), &mut files, &mut links);
    }
    (files, links)
}

#[test]
fn the_embedded_files_are_the_top_level_folders_byte_for_byte() {
    let (files, links) = top_level(&root());
    let embedded: BTreeMap<String, Vec<u8>> = bundle::files().map(|(p, b)| (p.to_owned(), b.to_vec())).collect();
    let missing: Vec<_> = files.keys().filter(|p| !embedded.contains_key(*p)).collect();
    let extra: Vec<_> = embedded.keys().filter(|p| !files.contains_key(*p)).collect();
    let changed: Vec<_> =
        files.iter().filter(|(p, b)| embedded.get(*p).is_some_and(|e| e != *b)).map(|(p, _)| p).collect();
    assert!(
        missing.is_empty() && extra.is_empty() && changed.is_empty(),
        "the embedded bundle differs from the top-level folders (rebuild: build.rs embeds them)\n\
         missing {missing:?}\nextra {extra:?}\nchanged {changed:?}"
    );
    assert!(files.len() > 900, "the walk found the suite ({} files)", files.len());
    let embedded_links: BTreeMap<String, String> = bundle::links().map(|(p, t)| (p.to_owned(), t.to_owned())).collect();
    assert_eq!(embedded_links, links);
    assert!(!links.is_empty(), "the suite's one dataset member that is a link is embedded as a link");
}

#[test]
fn an_extracted_bundle_is_the_same_tree_and_the_same_suite() {
    let bundle = Bundle::extract().unwrap();
    assert_eq!(top_level(bundle.root()), top_level(&root()));
    let ours = linli_conformance::runner::list_outcomes(&bundle.suite()).unwrap();
    let repo = linli_conformance::runner::list_outcomes(&linli_conformance::vector::suite_dir()).unwrap();
    assert_eq!(ours, repo);
    assert!(ours.len() > 100);
    assert_eq!(
        linli_conformance::runner::schemas_digest(&bundle.suite()),
        linli_conformance::runner::schemas_digest(&linli_conformance::vector::suite_dir())
    );
    let root = bundle.root().to_path_buf();
    drop(bundle);
    assert!(!root.exists(), "the extracted folder is removed with the bundle");
}

#[test]
fn the_comparison_sees_a_changed_byte() {
    // The check above is not vacuous: a tree with one byte changed is not equal.
    let (mut files, links) = top_level(&root());
    let (first, bytes) = files.iter_mut().next().unwrap();
    bytes.push(b'\n');
    let first = first.clone();
    assert_ne!((files, links), top_level(&root()), "{first} changed");
}

#[test]
fn the_validators_schemas_are_the_top_level_ones() {
    // linli-validate embeds schemas/ through its `schemas` link: the same bytes as the bundle's.
    for (path, bytes) in bundle::files().filter(|(p, _)| p.starts_with("schemas/")) {
        let crate_copy = root().join("crates/linli-validate").join(path);
        assert_eq!(std::fs::read(&crate_copy).unwrap(), bytes, "{}", crate_copy.display());
    }
}
