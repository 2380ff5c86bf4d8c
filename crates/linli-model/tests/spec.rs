//! `spec/` is consistent: requirement IDs are defined once, every ID cited anywhere (spec, code,
//! conformance vectors) is defined, every finding code cites a defined requirement, and the
//! generated chapters are up to date.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use linli_model::check::FindingCode;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn files(dir: &Path, exts: &[&str], out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let p = e.path();
        let name = p.file_name().and_then(|n| n.to_str()).unwrap_or_default();
        if p.is_dir() {
            if name != "target" && name != "node_modules" && !name.starts_with('.') {
                files(&p, exts, out);
            }
        } else if p.extension().and_then(|x| x.to_str()).is_some_and(|x| exts.contains(&x)) {
            out.push(p);
        }
    }
}

/// `id -> (file, definition text)` for every bold requirement ID (`**[PER-0NN]**` form) in spec/.
fn definitions() -> BTreeMap<String, (PathBuf, String)> {
    let def = regex::Regex::new(r"\*\*\[([A-Z]{3}-[0-9]{3})\]\*\*").unwrap();
    let mut out = BTreeMap::new();
    let mut dupes = Vec::new();
    let mut md = Vec::new();
    files(&root().join("spec"), &["md"], &mut md);
    md.sort();
    for f in md {
        let text = std::fs::read_to_string(&f).unwrap();
        for para in text.split("\n\n").flat_map(|p| p.split("\n- ")) {
            for c in def.captures_iter(para) {
                let id = c[1].to_owned();
                if out.insert(id.clone(), (f.clone(), para.to_owned())).is_some() {
                    dupes.push(id);
                }
            }
        }
    }
    assert!(dupes.is_empty(), "requirement IDs defined more than once: {dupes:?}");
    out
}

#[test]
fn requirement_ids_are_unique_and_normative() {
    let defs = definitions();
    assert!(defs.len() >= 50, "only {} requirements defined in spec/", defs.len());
    let rfc2119 = regex::Regex::new(r"(?-u:\b)(MUST|SHOULD|MAY|REQUIRED|SHALL)(?-u:\b)").unwrap();
    let weak: Vec<&String> = defs.iter().filter(|(_, (_, t))| !rfc2119.is_match(t)).map(|(id, _)| id).collect();
    assert!(weak.is_empty(), "requirements without an RFC 2119 keyword: {weak:?}");
}

#[test]
fn every_cited_id_is_defined() {
    let defs = definitions();
    let cite = regex::Regex::new(r"\[([A-Z]{3}-[0-9]{3})\]").unwrap();
    let mut paths = Vec::new();
    for dir in ["spec", "crates", "conformance", "examples", "README.md"] {
        let p = root().join(dir);
        if p.is_file() {
            paths.push(p);
        } else {
            files(&p, &["md", "rs", "json", "toml"], &mut paths);
        }
    }
    let mut missing = BTreeSet::new();
    for f in paths {
        let text = std::fs::read_to_string(&f).unwrap_or_default();
        for c in cite.captures_iter(&text) {
            if !defs.contains_key(&c[1]) {
                missing.insert(format!("{} cites [{}]", f.strip_prefix(root()).unwrap_or(&f).display(), &c[1]));
            }
        }
    }
    assert!(missing.is_empty(), "undefined requirement IDs:\n{}", missing.into_iter().collect::<Vec<_>>().join("\n"));
}

#[test]
fn every_finding_code_cites_a_defined_requirement() {
    let defs = definitions();
    for c in FindingCode::ALL {
        assert!(defs.contains_key(c.requirement()), "{} cites undefined {}", c.as_str(), c.requirement());
    }
}

/// Needs the `docs` feature (the generator); CI runs `--all-features`.
#[cfg(feature = "docs")]
#[test]
fn generated_chapters_are_up_to_date() {
    for c in linli_model::docs::generated_chapters() {
        let path = root().join("spec").join(c.file_name);
        let text = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            text == c.markdown,
            "{} is out of date; run `cargo run -p linli-cli -- docs --write spec/`",
            path.display()
        );
    }
}

/// The table of marked members in chapter 16 lists exactly the marks the schemas carry.
#[test]
fn privacy_chapter_lists_exactly_the_schema_marks() {
    use linli_model::RecordType;
    use linli_model::codes::CodeTable;
    let text = std::fs::read_to_string(root().join("spec/16-privacy.md")).unwrap();
    let row = regex::Regex::new(r"^\| (\w+) \| `([^`]+)` \| (personal|sensitive) \|").unwrap();
    let mut in_spec = BTreeSet::new();
    for line in text.lines() {
        if let Some(c) = row.captures(line) {
            in_spec.insert((c[1].to_owned(), c[2].to_owned(), c[3].to_owned()));
        }
    }
    let mut in_schema = BTreeSet::new();
    for ty in RecordType::ALL {
        for f in linli_model::sensitivity::fields(*ty) {
            in_schema.insert((ty.code().to_owned(), f.pointer.clone(), f.sensitivity.code().to_owned()));
        }
    }
    assert_eq!(in_spec, in_schema, "spec/16-privacy.md and the schema marks differ");
}
