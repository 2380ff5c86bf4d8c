//! Random record streams full of dataset-level defects: repeated ids, unresolved and forward
//! references, persons entered twice, households without or with several heads, places under
//! the wrong kind of parent, loops of places and of organizations, residences (shared with
//! `tests/dataset_index.rs` and `tests/spill.rs`).

#![allow(dead_code)]

pub(crate) const META: &str = r#""meta":{"source":{"vendor":"V","product":"P"},"createdAt":"2024-05-01T09:00:00+08:00","updatedAt":"2024-05-01T09:00:00+08:00","version":1,"classification":"internal"}"#;
pub(crate) const KINDS: &[&str] = &["community", "grid", "compound", "building", "unit", "room", "facility"];

/// A small deterministic generator (xorshift64*).
pub(crate) struct Rng(pub(crate) u64);

impl Rng {
    pub(crate) fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    pub(crate) fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

/// A reference to one of `n` ids with a prefix; ids are long now and then, so that the arena
/// holds ids of every length.
pub(crate) fn rid(rng: &mut Rng, prefix: &str, n: u64) -> String {
    let i = rng.below(n);
    if i % 7 == 3 { format!("{prefix}-{i}-{}", "x".repeat(40 + (i % 80) as usize)) } else { format!("{prefix}-{i}") }
}

pub(crate) fn record(rng: &mut Rng, n: u64) -> String {
    match rng.below(5) {
        0 => {
            let id = rid(rng, "L", n);
            let kind = KINDS[rng.below(KINDS.len() as u64) as usize];
            let parent = if rng.below(4) == 0 {
                String::new()
            } else {
                format!(r#","parent":{{"type":"Place","id":"{}"}}"#, rid(rng, "L", n))
            };
            format!(r#"{{"type":"Place","id":"{id}",{META},"kind":"{kind}","name":"地点"{parent}}}"#)
        }
        1 => {
            let id = rid(rng, "O", n / 2 + 1);
            let parent = if rng.below(3) == 0 {
                String::new()
            } else {
                format!(r#","parent":{{"type":"Organization","id":"{}"}}"#, rid(rng, "O", n / 2 + 1))
            };
            format!(r#"{{"type":"Organization","id":"{id}",{META},"name":"组织","kind":"enterprise"{parent}}}"#)
        }
        2 => {
            let place = rid(rng, "L", n);
            let source = rid(rng, "T", n);
            format!(
                r#"{{"type":"Event","id":"{}",{META},"category":"sensor.reading","occurredAt":"2024-05-21T06:00:00+08:00","severity":"info","place":{{"type":"Place","id":"{place}"}},"source":{{"type":"Thing","id":"{source}"}}}}"#,
                rid(rng, "E", n)
            )
        }
        _ => {
            let id = rid(rng, "P", n);
            let ids = (0..rng.below(3))
                .map(|_| {
                    let scheme = if rng.below(2) == 0 { "passport" } else { "other" };
                    format!(r#"{{"scheme":"{scheme}","value":"E{:07}"}}"#, rng.below(n))
                })
                .collect::<Vec<_>>()
                .join(",");
            let residences = (0..rng.below(3))
                .map(|_| format!(r#"{{"place":{{"type":"Place","id":"{}"}},"kind":"registered"}}"#, rid(rng, "L", n)))
                .collect::<Vec<_>>()
                .join(",");
            let household = if rng.below(3) == 0 {
                String::new()
            } else {
                let rel = ["01", "02", "10", "20"][rng.below(4) as usize];
                format!(r#","household":{{"householdId":"H{}","relationship":"{rel}"}}"#, rng.below(n / 3 + 1))
            };
            format!(
                r#"{{"type":"Person","id":"{id}",{META},"name":"某人","identifiers":[{ids}],"residences":[{residences}]{household}}}"#
            )
        }
    }
}
