//! Loops of parents are found however long they are, and chains of any length cost linear time
//! and no stack `[PLA-004]`, `[ORG-008]`; `mask --profile public` finds a residence's community
//! however far up it is `[SHR-020]`.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use linli_model::Record;
use linli_validate::dataset::{DatasetIndex, Loc};

const META: &str = r#""meta":{"source":{"vendor":"V","product":"P"},"createdAt":"2024-05-01T09:00:00+08:00","updatedAt":"2024-05-01T09:00:00+08:00","version":1,"classification":"internal"}"#;

fn place(id: usize, kind: &str, parent: Option<usize>) -> String {
    let parent = parent.map(|p| format!(r#","parent":{{"type":"Place","id":"L-{p}"}}"#)).unwrap_or_default();
    format!(r#"{{"type":"Place","id":"L-{id}",{META},"kind":"{kind}","name":"地点{id}"{parent}}}"#)
}

fn organization(id: usize, parent: Option<usize>) -> String {
    let parent = parent.map(|p| format!(r#","parent":{{"type":"Organization","id":"O-{p}"}}"#)).unwrap_or_default();
    format!(r#"{{"type":"Organization","id":"O-{id}",{META},"name":"组织{id}","kind":"enterprise"{parent}}}"#)
}

/// The codes of the whole-dataset findings for `lines`, with how often each was given.
fn finish(lines: &[String]) -> std::collections::BTreeMap<String, usize> {
    let files = vec!["x.ndjson".to_owned()];
    let mut index = DatasetIndex::default();
    for (i, l) in lines.iter().enumerate() {
        let r = Record::from_json_str(l).unwrap_or_else(|e| panic!("{l}: {e}"));
        index.add(&r, Loc { file: 0, line: i as u64 + 1 }, &files);
    }
    let mut out = std::collections::BTreeMap::new();
    for (_, f) in index.finish(&files) {
        *out.entry(f.code.to_string()).or_insert(0) += 1;
    }
    out
}

#[test]
fn loops_of_organizations_are_found_at_any_length() {
    for n in [1usize, 2, 64, 65, 66, 1000, 100_000] {
        // O-0 → O-1 → … → O-(n-1) → O-0, and a tail O-n → O-0 that is not on the loop.
        let mut lines: Vec<String> = (0..n).map(|i| organization(i, Some((i + 1) % n))).collect();
        lines.push(organization(n, Some(0)));
        let found = finish(&lines);
        assert_eq!(found.get("organization-parent-cycle"), Some(&n), "loop of {n}: {found:?}");
    }
}

#[test]
fn loops_of_places_are_found_at_any_length() {
    for n in [2usize, 64, 65, 66, 1000, 100_000] {
        let mut lines: Vec<String> = (0..n).map(|i| place(i, "building", Some((i + 1) % n))).collect();
        lines.push(place(n, "room", Some(0)));
        let found = finish(&lines);
        assert_eq!(found.get("place-hierarchy-cycle"), Some(&n), "loop of {n}: {found:?}");
    }
}

#[test]
fn a_chain_of_100000_has_no_loop() {
    let n = 100_000;
    let orgs: Vec<String> = (0..n).map(|i| organization(i, (i + 1 < n).then_some(i + 1))).collect();
    let found = finish(&orgs);
    assert_eq!(found.get("organization-parent-cycle"), None, "{found:?}");
    let places: Vec<String> = (0..n).map(|i| place(i, "building", (i + 1 < n).then_some(i + 1))).collect();
    let found = finish(&places);
    assert_eq!(found.get("place-hierarchy-cycle"), None, "{found:?}");
}

#[test]
fn the_community_of_a_place_is_found_however_far_up() {
    let mut index = linli_privacy::mask::PlaceIndex::default();
    let n = 100_000usize;
    // L-0 (room) → L-1 → … → L-(n-1) (community); and a loop L-a ↔ L-b with no community.
    for i in 0..n {
        let kind = if i + 1 == n { "community" } else { "building" };
        index.insert(format!("L-{i}"), Some(kind.to_owned()), (i + 1 < n).then(|| format!("L-{}", i + 1)));
    }
    index.insert("L-a".into(), Some("building".into()), Some("L-b".into()));
    index.insert("L-b".into(), Some("building".into()), Some("L-a".into()));
    let top = format!("L-{}", n - 1);
    for i in [0, 1, 64, 65, n / 2, n - 2, n - 1] {
        assert_eq!(index.community_of(&format!("L-{i}")), Some(top.as_str()), "L-{i}");
    }
    assert_eq!(index.community_of("L-a"), None);
    assert_eq!(index.community_of("L-unknown"), None);
}
