#!/usr/bin/env bash
# The exchange API against its OpenAPI document (issue 17 part 5, spec chapter 31):
#   1. spec/openapi.json is a valid OpenAPI 3.1 document (openapi-spec-validator);
#   2. a fresh `linli serve` (SQLite, a temporary data folder) loaded with the example dataset
#      answers schemathesis' generated requests without a server error (no 5xx), with statuses,
#      content types and bodies the document declares — a bounded run, as the clerk.
# The server is stopped whatever happens. Exit 0 on success, 1 on a finding, 2 on a setup failure.
#
# usage: .ci/api-check.sh            (builds target/debug/linli if it is missing)
#   LINLI_API_CHECK_EXAMPLES=N  examples per operation and phase (default 100)
#   LINLI_API_CHECK_SECONDS=N   hard bound on the schemathesis run, which then fails (default 150)
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
venv="$root/.ci/.venv-api"
examples="${LINLI_API_CHECK_EXAMPLES:-100}"
seconds="${LINLI_API_CHECK_SECONDS:-150}"

# --- python tools, pinned (own venv: schemathesis' dependencies are not .ci/.venv's pins) -----
if ! "$venv/bin/python" -c 'import sys' >/dev/null 2>&1 || [ ! -x "$venv/bin/pip" ]; then
    rm -rf "$venv"
    if ! python3 -m venv "$venv"; then
        rm -rf "$venv"
        echo "api-check: 'python3 -m venv' failed (on Debian: apt-get install python3-venv)" >&2
        exit 2
    fi
fi
"$venv/bin/python" -m pip install -q --disable-pip-version-check --no-input \
    -r "$root/.ci/api-check-requirements.txt" </dev/null

echo "-- spec/openapi.json is a valid OpenAPI 3.1 document"
"$venv/bin/openapi-spec-validator" spec/openapi.json || exit 1

# --- the node ----------------------------------------------------------------------------------
if [ ! -x target/debug/linli ]; then
    cargo build -q -p linli-cli --locked
fi
. .ci/lib/node.sh
data="$(mktemp -d "${TMPDIR:-/tmp}/linli-api-check.XXXXXX")"
cleanup() {
    node_stop
    rm -rf "$data"
}
trap cleanup EXIT

node_start target/debug/linli "$data/node" "$data/serve.log"
base="$node_url"
token="$(cat "$data/node/tokens/clerk.token")"

echo "-- load the example dataset"
node_load "$base" "$token" examples/datasets/gusu-huqiu

echo "-- schemathesis: $examples examples per operation and phase, at most ${seconds}s"
rc=0
# Run from the temporary folder: schemathesis keeps its files in the working directory.
# One worker: with two, both threads make hypothesis parse the source of a lambda (ast.parse) at
# once, and Python 3.11's ast keeps its recursion depth in state the threads share — a run then
# fails now and then with "AST constructor recursion depth mismatch" (a Runtime Error, not a
# finding about the node). One worker takes about 30 s instead of 20.
(cd "$data" && SCHEMATHESIS_HOOKS="$root/.ci/api-check-hooks.py" \
    timeout --kill-after=10 "$seconds" "$venv/bin/schemathesis" run "$root/spec/openapi.json" \
    --url "$base" \
    -H "Authorization: Bearer $token" \
    -H "X-Linli-Purpose: api-check" \
    --checks not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance \
    --phases examples,coverage,fuzzing \
    --max-examples "$examples" \
    --request-timeout 20 \
    --seed 17 \
    --workers 1 \
    --generation-database none \
    --no-color \
    --output-sanitize true </dev/null) || rc=$?
if [ "$rc" -ne 0 ]; then
    echo "api-check: schemathesis found problems (exit $rc); the node's log:" >&2
    tail -20 "$data/serve.log" >&2
    exit 1
fi
if grep -q "panicked" "$data/serve.log"; then
    echo "api-check: the node panicked:" >&2
    grep -A5 "panicked" "$data/serve.log" >&2
    exit 1
fi
echo "api-check: OK"
