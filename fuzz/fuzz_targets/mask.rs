//! Fuzz target `mask`: the masker at the three built-in levels, on records and on a one-file dataset; the invariants are those of
//! `crates/linli-validate/tests/support/fuzz_invariants.rs` (`check_mask`).
#![no_main]

#[path = "../../crates/linli-validate/tests/support/fuzz_invariants.rs"]
mod invariants;

use libfuzzer_sys::fuzz_target;
use std::sync::LazyLock;

static FIXTURE: LazyLock<invariants::Fixture> = LazyLock::new(invariants::Fixture::new);

fuzz_target!(|data: &[u8]| {
    invariants::check_mask(&FIXTURE, data);
});
