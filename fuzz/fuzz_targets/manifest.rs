//! Fuzz target `manifest`: the manifest reader of `linli validate` and `linli mask`; the invariants
//! are those of `crates/linli-validate/tests/support/fuzz_invariants.rs` (`check_manifest`).
#![no_main]

#[path = "../../crates/linli-validate/tests/support/fuzz_invariants.rs"]
mod invariants;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    invariants::check_manifest(data);
});
