#!/usr/bin/env bash
# An installed `linli` works without the repository (issue 16): `cargo install --path
# crates/linli-cli`, then, from a fresh folder outside the checkout, `linli validate` on an example
# and `linli conformance run` against the reference adapter (a program of its own), with their
# exit codes and reports checked. Then `cargo package` for every crate meant for publishing.
#
# The install reuses the workspace's debug build (--debug, --target-dir target): it measures the
# install step, not a second compilation from scratch.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
fail() { echo "install-check: FAIL: $*" >&2; exit 1; }

t0=$(date +%s)
cargo install --quiet --path crates/linli-cli --root "$tmp/install" --locked --debug --target-dir "$root/target"
t1=$(date +%s)
echo "install-check: cargo install took $((t1 - t0)) s"
linli="$tmp/install/bin/linli"
[ -x "$linli" ] || fail "no linli in $tmp/install/bin"
ls "$tmp/install/bin" | grep -qv '^linli$' && fail "cargo install put more than linli in bin/: $(ls "$tmp/install/bin")"
cargo build --quiet --locked -p linli-reference-adapter
adapter="$root/target/debug/linli-reference-adapter"

work="$tmp/elsewhere"
mkdir -p "$work"
cd "$work"

# The shipped binary carries no reference adapter: the old hidden subcommand is unknown.
set +e
"$linli" reference-adapter </dev/null >/dev/null 2>&1
code=$?
set -e
[ "$code" = 2 ] || fail "linli reference-adapter exited $code, expected 2 (no such subcommand)"

# linli validate: a valid example passes (0), a broken record fails (1); reports written.
set +e
"$linli" --lang en validate --format json "$root/examples/records" > valid.json
code=$?
set -e
[ "$code" = 0 ] || fail "linli validate examples/records exited $code, expected 0"
printf '{"type":"Person","id":"x"}\n' > broken.ndjson
set +e
"$linli" --lang en validate --format json broken.ndjson > broken.json
code=$?
set -e
[ "$code" = 1 ] || fail "linli validate broken.ndjson exited $code, expected 1"
python3 - valid.json broken.json <<'EOF' || fail "validate reports"
import json, sys
valid, broken = (json.load(open(p, encoding="utf-8")) for p in sys.argv[1:3])
assert json.dumps(valid), "empty report"
text = json.dumps(broken)
assert "schema" in text or "required" in text, "the broken record's report names no schema finding"
EOF

# linli conformance run against the reference adapter: every class passes (0), four reports.
set +e
"$linli" --lang en conformance run --adapter "$adapter" --out reports > run.txt
code=$?
set -e
[ "$code" = 0 ] || { cat run.txt; fail "linli conformance run exited $code, expected 0"; }
for f in summary.json events.jsonl junit.xml report.html; do
  [ -s "reports/$f" ] || fail "reports/$f not written"
done
python3 - reports/summary.json <<'EOF' || fail "summary.json"
import json, sys
s = json.load(open(sys.argv[1], encoding="utf-8"))
assert s["cases"], "no case ran"
verdicts = [c["verdict"] for c in s["classes"]]
assert set(verdicts) <= {"pass", "not-claimed"} and "pass" in verdicts, verdicts
EOF
# ... and a faulty variant fails (1): the embedded suite judges, it does not just pass.
set +e
"$linli" --lang en conformance run --adapter "$adapter --fault drop-field --classes core" --out faulty > faulty.txt
code=$?
set -e
[ "$code" = 1 ] || { cat faulty.txt; fail "conformance run against --fault drop-field exited $code, expected 1"; }
n=$("$linli" conformance list | wc -l)
[ "$n" -gt 100 ] || fail "linli conformance list gave $n outcomes"
t2=$(date +%s)
echo "install-check: validate and conformance run from $work passed ($((t2 - t1)) s)"

# cargo package for every crate meant for publishing (publish = false ones are left out).
cd "$root"
mapfile -t publishable < <(cargo metadata --format-version 1 --no-deps --offline | python3 -c '
import json, sys
m = json.load(sys.stdin)
for p in m["packages"]:
    if p["id"] in m["workspace_members"] and p.get("publish") != []:
        print(p["name"])')
args=()
for p in "${publishable[@]}"; do args+=(-p "$p"); done
cargo package --quiet --no-verify --locked --offline ${LINLI_PACKAGE_ALLOW_DIRTY:+--allow-dirty} "${args[@]}"
for p in "${publishable[@]}"; do
  [ -s "target/package/$p-0.1.0.crate" ] || fail "no package for $p"
done
t3=$(date +%s)
echo "install-check: cargo package ${publishable[*]} ($((t3 - t2)) s)"
