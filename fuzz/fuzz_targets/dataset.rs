//! Fuzz target `dataset`: the dataset reader of `linli validate` (manifest and data files split
//! by byte 0xFF); the invariants are those of `crates/linli-validate/tests/support/fuzz_invariants.rs` (`check_dataset`).
#![no_main]

#[path = "../../crates/linli-validate/tests/support/fuzz_invariants.rs"]
mod invariants;

use libfuzzer_sys::fuzz_target;
use std::sync::LazyLock;

static FIXTURE: LazyLock<invariants::Fixture> = LazyLock::new(invariants::Fixture::new);

fuzz_target!(|data: &[u8]| {
    invariants::check_dataset(&FIXTURE, data);
});
