#!/usr/bin/env bash
# The register benchmark (issue 12): a department population register (CSV) converted into validated Linli
# records, next to the bare csv-crate read of the same file and to frictionless, in one run.
#
#   bash benches/register.sh                 # 1,000,000 rows, 3 runs of each case
#   ROWS=200000 REPS=5 bash benches/register.sh
#   FR_ROWS=100000 bash benches/register.sh  # frictionless on the first 100,000 rows only
#
# Data: `linli-bench register --rows ROWS --seed SEED` (社区实有人口登记表: 17 columns with Chinese headers, households
# sharing rooms, GB 11643 ID numbers agreeing with 出生日期 and 性别, mobiles, dates written four ways; every row
# valid), generated once and kept in target/bench. Cases, all pinned to one core (taskset -c 0):
#   csv read        linli-bench csv-read: csv::Reader, one StringRecord, every field touched: the floor
#   linli convert   linli convert --from csv --mapping benches/register/population.toml REGISTER -o OUT.ndjson
#                   (decode, map, normalise, check, write one NDJSON Person record per row and the Place chain
#                   小区 → 楼栋 → 单元 → 房号 once per place); it must exit 0 (nothing refused) and write exactly
#                   ROWS Person records
#   frictionless    frictionless validate --schema benches/peers/register.tableschema.json (the same columns:
#                   types, required, patterns for the ID number and the mobile, enums for the coded columns);
#                   on the whole file when a probe predicts it takes under FR_LIMIT_S seconds (default 120),
#                   else on the first FR_ROWS rows (default 200000; its rate is per row all the same)
# Runs are interleaved (run 1 of every case, then run 2, ...); medians are reported. Peak RSS comes from wait4()
# (benches/measure.py), the same figure as GNU time's "Maximum resident set size". After the runs, the converted
# file is checked with `linli validate` (it must be clean). Results: target/bench/register.json.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
ROWS="${ROWS:-1000000}"
REPS="${REPS:-3}"
SEED="${SEED:-2026}"
FR_LIMIT_S="${FR_LIMIT_S:-120}"
FR_PROBE=20000
work="$root/target/bench"
mkdir -p "$work"

echo "== build (profile perf: release with fat LTO)" >&2
cargo build --profile perf --locked -q -p linli-cli -p linli-bench
linli="$root/target/perf/linli"
bench="$root/target/perf/linli-bench"

echo "== peers (frictionless into .ci/.venv)" >&2
venv="$root/.ci/.venv"
[ -x "$venv/bin/python" ] || python3 -m venv "$venv"
"$venv/bin/python" -m pip install -q --disable-pip-version-check -r benches/peers/register-requirements.txt </dev/null
frictionless="$venv/bin/frictionless"
fr_version=$("$venv/bin/python" -c 'import frictionless; print(frictionless.__version__)')

register="$work/register-$ROWS-$SEED.csv"
if [ ! -f "$register" ]; then
  echo "== generate a register of $ROWS rows (seed $SEED)" >&2
  "$bench" register --rows "$ROWS" --seed "$SEED" -o "$register.tmp" > "$register.summary"
  mv "$register.tmp" "$register"
fi
bytes=$(stat -c %s "$register")
echo "   $(cat "$register.summary" 2>/dev/null || echo "rows=$ROWS") ($register)" >&2
mapping="$root/benches/register/population.toml"
# frictionless refuses absolute paths ("not safe"): it is given paths relative to the project root.
schema="benches/peers/register.tableschema.json"
out="$work/register-$ROWS.ndjson"

# frictionless: the whole file if it fits in FR_LIMIT_S seconds, else the first FR_ROWS rows. The estimate comes
# from two probes (one row: start-up; FR_PROBE rows: the rate per row).
probe="target/bench/register-probe.csv"
fr_time() {
  head -n $(($1 + 1)) "$register" > "$probe"
  local t0 t1
  t0=$(date +%s.%N)
  taskset -c 0 "$frictionless" validate --schema "$schema" "$probe" > "$work/frictionless-probe.txt" || {
    echo "frictionless refuses the generated register:" >&2; head -n 40 "$work/frictionless-probe.txt" >&2; exit 2; }
  t1=$(date +%s.%N)
  python3 -c "print($t1 - $t0)"
}
fr_start=$(fr_time 1)
fr_probe=$(fr_time "$FR_PROBE")
fr_estimate=$(python3 -c "print(round($fr_start + ($fr_probe - $fr_start) * $ROWS / ($FR_PROBE - 1)))")
if [ -z "${FR_ROWS:-}" ]; then
  if [ "$fr_estimate" -lt "$FR_LIMIT_S" ]; then FR_ROWS="$ROWS"; else FR_ROWS=200000; fi
fi
[ "$FR_ROWS" -gt "$ROWS" ] && FR_ROWS="$ROWS"
if [ "$FR_ROWS" -lt "$ROWS" ]; then
  fr_file="target/bench/register-$ROWS-$SEED-first-$FR_ROWS.csv"
  head -n $((FR_ROWS + 1)) "$register" > "$fr_file"
  echo "   frictionless would take ~${fr_estimate} s on the whole file: it runs on the first $FR_ROWS rows" >&2
else
  fr_file="target/bench/register-$ROWS-$SEED.csv"
  echo "   frictionless: ~${fr_estimate} s on the whole file (estimate)" >&2
fi
fr_bytes=$(stat -c %s "$fr_file")
rm -f "$probe"

cat > "$work/register-spec.json" <<JSON
{
  "reps": $REPS,
  "out": "$work/register-cases.json",
  "cases": [
    {"name": "csv read (1 core)", "records": $ROWS, "bytes": $bytes, "cmd": ["taskset", "-c", "0", "$bench", "csv-read", "$register"]},
    {"name": "linli convert (1 core)", "records": $ROWS, "bytes": $bytes, "cmd": ["taskset", "-c", "0", "$linli", "convert", "--from", "csv", "--mapping", "$mapping", "$register", "-o", "$out"]},
    {"name": "frictionless $fr_version (1 core)", "records": $FR_ROWS, "bytes": $fr_bytes, "cmd": ["taskset", "-c", "0", "$frictionless", "validate", "--schema", "$schema", "$fr_file"]}
  ],
  "ratios": [
    ["linli convert (1 core)", "frictionless $fr_version (1 core)", "linli convert / frictionless   (target >= 10)"],
    ["linli convert (1 core)", "csv read (1 core)", "linli convert / bare csv read  (target >= 0.3)"]
  ]
}
JSON
echo "== measure ($REPS runs each, interleaved)" >&2
python3 benches/measure.py "$work/register-spec.json"

echo "== check the converted records" >&2
written=$(wc -l < "$out")
persons=$(grep -c '^{"type":"Person"' "$out" || true)
if [ "$persons" -ne "$ROWS" ]; then
  echo "linli convert wrote $persons Person records, expected $ROWS" >&2
  exit 2
fi
valid=true
"$linli" validate --no-progress --max-findings 20 "$out" > "$work/register-validate.txt" || valid=false
echo "   $written records written ($persons Persons, the rest their de-duplicated places); linli validate: $([ "$valid" = true ] && echo clean || echo 'FINDINGS (see register-validate.txt)')" >&2
rm -f "$out"

python3 - "$work" "$ROWS" "$SEED" "$bytes" "$FR_ROWS" "$fr_version" "$valid" <<'PY'
import json, sys
work, rows, seed, size, fr_rows, fr_version, valid = sys.argv[1:]
cases = json.load(open(f"{work}/register-cases.json", encoding="utf-8"))
by = {c["name"]: c for c in cases}
linli, floor = by["linli convert (1 core)"], by["csv read (1 core)"]
fr = by[f"frictionless {fr_version} (1 core)"]
result = {
    "rows": int(rows), "seed": int(seed), "bytes": int(size),
    "frictionless_rows": int(fr_rows), "frictionless_version": fr_version,
    "converted_records_valid": valid == "true",
    "cases": cases,
    "ratios": {
        "linli_convert_over_frictionless": linli["records_per_s"] / fr["records_per_s"],
        "linli_convert_over_csv_read": linli["records_per_s"] / floor["records_per_s"],
    },
    "linli_convert_peak_rss_mib": linli["peak_rss_mib"],
}
json.dump(result, open(f"{work}/register.json", "w", encoding="utf-8"), indent=2, ensure_ascii=False)
print(f"- linli convert peak RSS: {linli['peak_rss_mib']:.0f} MiB")
if int(fr_rows) < int(rows):
    print(f"- frictionless ran on the first {int(fr_rows):,} of {int(rows):,} rows (its rate is per row)")
print(f"- results: {work}/register.json")
PY
[ "$valid" = true ] || exit 1
