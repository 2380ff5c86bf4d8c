#!/usr/bin/env bash
# The conformance class api against the reference node (issue 18, spec 30.8): a real `linli serve`
# on SQLite and then on PostgreSQL, each judged by `linli conformance run --api` with the writer's
# token and the inter-department and public readers' tokens. Fails unless every api outcome passes
# on both back-ends. Builds nothing: it expects target/debug/linli (cargo build -p linli-cli).
# PostgreSQL: LINLI_TEST_POSTGRES (`. .ci/postgres.sh` is sourced here when it is unset); the run
# gets a database of its own, dropped at the end.
# Exit 0 every api outcome passes on both; 1 a run did not pass; 2 a setup failure.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
linli="$root/target/debug/linli"
if [ ! -x "$linli" ]; then
  echo "api-conformance: $linli is missing; build it first (cargo build -p linli-cli)" >&2
  exit 2
fi
. .ci/lib/node.sh
work="$(mktemp -d "${TMPDIR:-/tmp}/linli-api-conformance.XXXXXX")"
pg_admin=""
pg_db=""
cleanup() {
  node_stop
  if [ -n "$pg_db" ]; then
    psql_admin -c "DROP DATABASE IF EXISTS $pg_db WITH (FORCE)" >/dev/null 2>&1 || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

psql_admin() {
  local bin
  bin="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)"
  "${bin:+$bin/}psql" -X -q -v ON_ERROR_STOP=1 "$pg_admin" "$@"
}

# Run the class against a node started with ARGs, with the tokens of TOKENS/; check that every
# api outcome passed.
judge() {
  local backend="$1" tokens="$2"
  shift 2
  echo "-- the class api against linli serve on $backend"
  node_start "$linli" "$work/$backend" "$work/$backend-serve.log" "$@"
  local rc=0
  "$linli" conformance run --api "$node_url" --lang en \
    --token-file "$tokens/clerk.token" \
    --token-file-inter-department "$tokens/civil-affairs.token" \
    --token-file-public "$tokens/open-data.token" \
    --out "$work/$backend-report" >"$work/$backend-run.txt" 2>&1 || rc=$?
  node_stop
  tail -n 3 "$work/$backend-run.txt"
  if ! python3 - "$work/$backend-report/summary.json" "$backend" <<'PY'
import json, sys
s = json.load(open(sys.argv[1]))
api = [c for c in s["cases"] if c["class"] == "api"]
bad = [c for c in api if c["outcome"] != "pass"]
for c in bad[:20]:
    print(f"  {c['id']} {c['outcome']}: {c['detail_en'][:300]}", file=sys.stderr)
for e in s["run_errors"]:
    print(f"  run error {e['code']}: {e['en']}", file=sys.stderr)
storage = (s.get("node") or {}).get("storage")
ok = api and not bad and not s["run_errors"] and s["verdict"] == "pass" and storage == sys.argv[2]
print(f"  {len(api)} api outcomes, {len(bad)} not passing, node storage {storage}")
sys.exit(0 if ok else 1)
PY
  then
    echo "api-conformance: the class api did not pass on $backend (exit $rc); the node's log:" >&2
    tail -n 20 "$work/$backend-serve.log" >&2
    exit 1
  fi
  if [ "$rc" -ne 0 ]; then
    echo "api-conformance: linli conformance run exited $rc on $backend" >&2
    exit 1
  fi
  if grep -q "panicked" "$work/$backend-serve.log"; then
    echo "api-conformance: the node panicked on $backend:" >&2
    grep -A5 "panicked" "$work/$backend-serve.log" >&2
    exit 1
  fi
}

# A new data folder: `linli serve` writes the principals (clerk, civil-affairs, open-data), their
# tokens and a masking key there on its first start.
judge sqlite "$work/sqlite/tokens"

if [ -z "${LINLI_TEST_POSTGRES:-}" ]; then
  . .ci/postgres.sh
fi
pg_admin="$LINLI_TEST_POSTGRES"
pg_db="linli_api_$(date +%s)_$$"
psql_admin -c "CREATE DATABASE $pg_db" >/dev/null || { echo "api-conformance: cannot create a database" >&2; exit 2; }
# The same server and role, the new database: the URL's path is the database.
pg_url="${pg_admin%%\?*}"
pg_url="${pg_url%/*}/$pg_db"
# The same principals and key for the node on PostgreSQL (--database needs them given).
judge postgres "$work/sqlite/tokens" --database "$pg_url" \
  --principals "$work/sqlite/principals.toml" --key-file "$work/sqlite/mask.key"
echo "api-conformance: every api outcome passes on SQLite and PostgreSQL"
