//! The packed dataset index gives the same findings, in the same order, as the index it
//! replaced (kept in `old_index/`), on random record streams full of dataset-level defects:
//! repeated ids, unresolved and forward references, persons entered twice, households without
//! or with several heads, places under the wrong kind of parent, loops of places and of
//! organizations, residences at `public`, external references `[DAT-003]` `[DAT-004]`
//! `[DAT-015]` `[DAT-016]` `[PER-013]` `[PLA-004]` `[ORG-008]` `[SHR-051]`.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod old_index;

use linli_model::{Record, RecordType};
use linli_validate::dataset::{DatasetIndex, Loc};

#[path = "support/records.rs"]
mod records;
use records::{Rng, record, rid};

#[test]
fn the_packed_index_finds_what_the_old_one_found() {
    let files = vec!["a.ndjson".to_owned(), "b.ndjson".to_owned()];
    let mut checked = 0usize;
    for seed in 1..=120u64 {
        let mut rng = Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1);
        let n = 2 + rng.below(if seed % 10 == 0 { 3000 } else { 60 });
        let count = rng.below(4 * n) + 1;
        let (mut new, mut old) = (DatasetIndex::default(), old_index::OldIndex::default());
        if rng.below(3) == 0 {
            new.require_community_residences();
            old.require_community_residences();
        }
        if rng.below(4) == 0 {
            new.declare_external(RecordType::Thing, None);
            old.declare_external(RecordType::Thing, None);
        }
        for _ in 0..rng.below(3) {
            let id = rid(&mut rng, "L", n);
            new.declare_external(RecordType::Place, Some(&id));
            old.declare_external(RecordType::Place, Some(&id));
        }
        for i in 0..count {
            let line = record(&mut rng, n);
            let r = Record::from_json_str(&line).unwrap_or_else(|e| panic!("{line}: {e}"));
            let loc = Loc { file: u32::from(i * 2 >= count), line: i + 1 };
            if rng.below(20) == 0 {
                // A record the model could not read, known by its type and id only.
                let (a, b) = (
                    new.add_id(r.record_type(), r.id().as_str(), loc, &files),
                    old.add_id(r.record_type(), r.id().as_str(), loc, &files),
                );
                assert_eq!(a, b, "seed {seed}, line {i}");
            } else {
                assert_eq!(new.add(&r, loc, &files), old.add(&r, loc, &files), "seed {seed}, line {i}");
            }
        }
        if seed % 40 == 0 {
            // An id longer than a chunk of the arena, from a line the model could not read.
            let long = "y".repeat((1 << 20) + seed as usize);
            for line in [count + 1, count + 2] {
                let loc = Loc { file: 1, line };
                let (a, b) = (
                    new.add_id(RecordType::Case, &long, loc, &files),
                    old.add_id(RecordType::Case, &long, loc, &files),
                );
                assert_eq!(a, b, "seed {seed}");
            }
        }
        assert_eq!(new.distinct_ids(), old.distinct_ids(), "seed {seed}");
        let (a, b) = (new.finish(&files), old.finish(&files));
        assert_eq!(a, b, "seed {seed}");
        let at: std::collections::HashSet<Loc> = a.iter().filter_map(|(l, _)| *l).collect();
        let (ra, rb) = (new.records_at(&at), old.records_at(&at));
        assert_eq!(ra, rb, "seed {seed}");
        checked += a.len();
    }
    // The streams are full of defects: the comparison is not between two empty lists.
    assert!(checked > 400, "{checked} whole-dataset findings compared");
}
