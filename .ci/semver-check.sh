#!/usr/bin/env bash
# Semver check of linli-model's public API (issue 16): cargo-semver-checks (from crates.io)
# compares the working tree with the baseline revision of .ci/semver-baseline, all features on.
# Not yet in .ci/run: its install time on the 2-core CI machine was not measured (see README).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
baseline=$(grep -v '^#' .ci/semver-baseline | head -n1 | tr -d '[:space:]')
command -v cargo-semver-checks >/dev/null || cargo install --locked cargo-semver-checks
cargo semver-checks check-release -p linli-model --baseline-rev "$baseline" --all-features
