#!/usr/bin/env bash
# Semver check of the public API of every crate meant for publishing (issue 16): cargo-semver-checks
# (pinned, from crates.io) compares the working tree with the baseline revision of
# .ci/semver-baseline, all features on. A change that needs a new major version fails the check;
# when the break is deliberate, land it and move the baseline to the commit that lands it.
#
#     bash .ci/semver-check.sh               # every publishable crate (about 8 minutes on 2 cores)
#     bash .ci/semver-check.sh linli-model   # the crates named (CI checks linli-model, the
#                                            # vendors' crate: about 20 s after the install)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
version=0.51.0
baseline=$(grep -v '^#' .ci/semver-baseline | head -n1 | tr -d '[:space:]')
# A shallow checkout may not hold the baseline: fetch the history once, else say so and fail.
if ! git cat-file -e "$baseline^{commit}" 2>/dev/null; then
    if [ "$(git rev-parse --is-shallow-repository)" = true ]; then
        git fetch --quiet --unshallow || true
    fi
    if ! git cat-file -e "$baseline^{commit}" 2>/dev/null; then
        echo "semver-check: the baseline $baseline (.ci/semver-baseline) is not in this checkout; clone with history" >&2
        exit 1
    fi
fi
if ! cargo semver-checks --version 2>/dev/null | grep -qF "$version"; then
    cargo install --quiet --locked cargo-semver-checks --version "$version"
fi
if [ "$#" -gt 0 ]; then
    publishable=("$@")
else
    mapfile -t publishable < <(cargo metadata --no-deps --format-version 1 --locked | python3 -c '
import json, sys
m = json.load(sys.stdin)
for p in m["packages"]:
    if p.get("publish") != []:
        print(p["name"])')
fi
args=()
for p in "${publishable[@]}"; do args+=(-p "$p"); done
cargo semver-checks check-release --baseline-rev "$baseline" --all-features "${args[@]}"
