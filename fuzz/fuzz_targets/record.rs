//! Fuzz target `record`: the NDJSON reader of `linli validate`, the typed record reader and the validator; the invariants are those of
//! `crates/linli-validate/tests/support/fuzz_invariants.rs` (`check_record`).
#![no_main]

#[path = "../../crates/linli-validate/tests/support/fuzz_invariants.rs"]
mod invariants;

use libfuzzer_sys::fuzz_target;
use std::sync::LazyLock;

static FIXTURE: LazyLock<invariants::Fixture> = LazyLock::new(invariants::Fixture::new);

fuzz_target!(|data: &[u8]| {
    invariants::check_record(&FIXTURE, data);
});
