//! Embeds the conformance suite, the spec and the schemas (`bundle/`: links to the top-level
//! `conformance/`, `spec/` and `schemas/` in the repository, copies in a packaged crate) so that
//! an installed `linli` runs the suite from any directory (issue 16). The top-level folders stay
//! the only source: nothing here is edited by hand.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

fn walk(root: &Path, rel: &Path, files: &mut Vec<PathBuf>, links: &mut Vec<(PathBuf, PathBuf)>) {
    let dir = root.join(rel);
    let mut entries: Vec<_> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap_or_else(|e| panic!("{}: {e}", dir.display())).file_name())
        .collect();
    entries.sort();
    for name in entries {
        let rel = rel.join(&name);
        let path = root.join(&rel);
        let meta = std::fs::symlink_metadata(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        if meta.file_type().is_symlink() && rel.components().count() > 1 {
            // A link inside the suite is part of a case (a dataset member that is a link).
            let target = std::fs::read_link(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            links.push((rel, target));
        } else if path.is_dir() {
            walk(root, &rel, files, links);
        } else {
            files.push(rel);
        }
    }
}

fn main() {
    let manifest = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"));
    let root = manifest.join("bundle");
    let (mut files, mut links) = (Vec::new(), Vec::new());
    for top in ["conformance", "spec", "schemas"] {
        println!("cargo::rerun-if-changed=bundle/{top}");
        walk(&root, Path::new(top), &mut files, &mut links);
    }
    let mut out = String::from("/// Every file of the bundle: path (with `/`) and bytes.\n");
    out.push_str("pub(crate) static FILES: &[(&str, &[u8])] = &[\n");
    for f in &files {
        let rel = f.to_str().expect("suite paths are UTF-8").replace('\\', "/");
        let abs = root.join(f);
        let _ = writeln!(out, "    ({rel:?}, include_bytes!({:?})),", abs.to_str().expect("UTF-8 path"));
    }
    out.push_str("];\n/// Every symbolic link of the bundle: path and target.\n");
    out.push_str("pub(crate) static LINKS: &[(&str, &str)] = &[\n");
    for (l, t) in &links {
        let _ = writeln!(out, "    ({:?}, {:?}),", l.to_str().expect("UTF-8 path"), t.to_str().expect("UTF-8 path"));
    }
    out.push_str("];\n");
    let dest = PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR")).join("bundle.rs");
    std::fs::write(&dest, out).unwrap_or_else(|e| panic!("{}: {e}", dest.display()));
}
