#!/usr/bin/env bash
# Proves every schemas/*.json loads unchanged in ajv (Ajv2020, default strict
# mode, ajv-formats, vocabulary.json via addVocabulary) and in
# python-jsonschema (Draft202012Validator), and optionally validates instances.
#
# usage: .ci/schema-check/run.sh [--instances DIR]...
#   SCHEMAS_DIR=... overrides the schemas directory (default: <repo>/schemas).
# Works from any cwd; needs node >= 18 with npm, and python3 >= 3.11 with venv (pinned rpds-py needs 3.11).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
schemas="${SCHEMAS_DIR:-$root/schemas}"
venv="$root/.ci/.venv"

# --- node deps (exactly what package-lock.json says) -------------------------
(cd "$here" && npm ci --no-audit --no-fund --loglevel=error </dev/null >/dev/null)

# --- python deps --------------------------------------------------------------
if ! "$venv/bin/python" -c 'import sys' >/dev/null 2>&1 || [ ! -x "$venv/bin/pip" ]; then
  rm -rf "$venv"
  if ! python3 -m venv "$venv"; then
    rm -rf "$venv"
    echo "run.sh: 'python3 -m venv' failed (on Debian: apt-get install python3-venv)" >&2
    exit 2
  fi
fi
"$venv/bin/python" -m pip install -q --disable-pip-version-check --no-input -r "$here/requirements.txt" </dev/null

# --- run both sides, then the combined summary ---------------------------------
report="$(mktemp "${TMPDIR:-/tmp}/schema-check-ajv.XXXXXX")"
trap 'rm -f "$report"' EXIT

ajv_rc=0
node "$here/check.mjs" "$schemas" "$@" --report "$report" </dev/null || ajv_rc=$?
py_rc=0
"$venv/bin/python" "$here/check.py" "$schemas" "$@" --ajv-report "$report" </dev/null || py_rc=$?

if [ "$ajv_rc" -eq 2 ] || [ "$py_rc" -eq 2 ]; then exit 2; fi
if [ "$ajv_rc" -ne 0 ] || [ "$py_rc" -ne 0 ]; then exit 1; fi
exit 0
