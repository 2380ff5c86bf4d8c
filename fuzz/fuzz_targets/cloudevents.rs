//! Fuzz target: `linli_adapters::convert::read(Format::Cloudevents, ..)` with fixed options; the
//! invariants are those of `crates/linli-adapters/tests/support/fuzz_invariants.rs`.
#![no_main]

#[path = "../../crates/linli-adapters/tests/support/fuzz_invariants.rs"]
mod invariants;

use libfuzzer_sys::fuzz_target;
use linli_adapters::convert::{Format, ReadOptions};
use std::sync::LazyLock;

static ADP004: LazyLock<bool> = LazyLock::new(invariants::adp004_from_env);
static OPTIONS: LazyLock<ReadOptions> = LazyLock::new(|| invariants::options(Format::Cloudevents));

fuzz_target!(|data: &[u8]| {
    invariants::check_valid(Format::Cloudevents, data, &OPTIONS, *ADP004);
});
