#!/usr/bin/env bash
# Three validators agree on every conformance document vector's schema-only verdict: Linli's
# (Rust jsonschema, in the conformance tests), ajv (Ajv2020 strict + ajv-formats) and
# python-jsonschema (Draft202012Validator + format checker). A disagreement is a bug in the
# schemas or the vectors, never something to waive.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
here="$root/.ci/schema-check"
(cd "$here" && npm ci --no-audit --no-fund --loglevel=error </dev/null >/dev/null)
venv="$root/.ci/.venv"
[ -x "$venv/bin/python" ] || python3 -m venv "$venv"
"$venv/bin/python" -m pip install -q --disable-pip-version-check --no-input -r "$here/requirements.txt" </dev/null
rc=0
node "$here/vectors.mjs" "$root/schemas" "$root/conformance/vectors" </dev/null || rc=1
"$venv/bin/python" "$here/vectors.py" "$root/schemas" "$root/conformance/vectors" </dev/null || rc=1
(cd "$root" && cargo test -q --locked -p linli-conformance --test suite every_document_vector_gets 2>&1 | tail -3) || rc=1
exit $rc
