//! Cross-crate tests of the Linli workspace; the library is empty, the tests are in `tests/`.
//!
//! A library crate may not depend on a crate above it, not even for its tests (the crate graph
//! is acyclic counting dev-dependencies, checked by `.ci/crate-graph.py`). A test that needs a
//! crate above the one it tests lives here: `privacy_*` masks with `linli-privacy` and checks
//! the output with `linli-validate`, or masks datasets made by `linli-synth`.
