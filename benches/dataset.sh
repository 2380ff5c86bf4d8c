#!/usr/bin/env bash
# The dataset benchmark: time and peak RSS of `linli validate` on a generated dataset of all six
# record types, with the dataset-level checks (ids, references, persons entered twice,
# households, place and organization hierarchies) — issue 15, part 3.
#
#   bash benches/dataset.sh                    # 20,000,000 records, 1 run of each case
#   N=2000000 REPS=3 bash benches/dataset.sh   # a quicker run, medians of 3
#   LINLI_BASE=/path/to/older/linli N=2000000 bash benches/dataset.sh
#                                              # the same cases with another build too,
#                                              # interleaved (before/after in one run)
#
# Data: `linli generate --records N --seed 2026 --defects 0.01` (cached in target/bench).
# Cases, interleaved, each REPS times:
#   in memory        linli validate DIR --format json
#   memory limit     linli validate DIR --format json --memory-limit LIMIT (when the build has it)
# and the base: the same command on a dataset of BASE_N records (a tenth of N by default), large
# enough that the reading and checking pipeline (batches in flight, worker heaps: about 55 MiB on
# 2 cores) is in steady state in both runs. Bytes per record = (peak RSS - base peak RSS) /
# (records - base records): what the dataset-level state adds per record. (Against a base of 1,000
# records the pipeline, which does not grow with the dataset, would be counted per record.)
# Every case must give the same findings: the JSON reports are compared (timing fields aside).
# Results: target/bench/dataset.json.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
N="${N:-20000000}"
REPS="${REPS:-1}"
BASE_N="${BASE_N:-$((N / 10))}"
LIMIT="${LIMIT:-512M}"
work="$root/target/bench"
mkdir -p "$work"

if [ -z "${LINLI:-}" ]; then
  echo "== build (profile perf: release with fat LTO)" >&2
  cargo build --profile perf --locked -q -p linli-cli
  LINLI="$root/target/perf/linli"
fi

gen() { # records dir
  if [ ! -f "$2/manifest.json" ]; then
    echo "== generate $1 records of all types (1 % seeded defects) into $2" >&2
    rm -rf "$2"
    "$LINLI" generate --records "$1" --seed 2026 --defects 0.01 -o "$2" > "$2.summary.json"
  fi
}
data="$work/dataset-$N"
base="$work/dataset-$BASE_N"
gen "$N" "$data"
gen "$BASE_N" "$base"
count() { python3 -c 'import json,sys; print(sum(json.load(open(sys.argv[1]))["records"].values()))' "$1"; }
records=$(count "$data.summary.json")
base_records=$(count "$base.summary.json")
bytes=$(du -sb "$data" | cut -f1)

# One measured run: prints "seconds peak_kib" and keeps the JSON report.
measure() { # label binary dir report [extra args...]
  local label=$1 bin=$2 dir=$3 report=$4
  shift 4
  local t="$work/time.$$"
  local rc=0
  /usr/bin/time -v -o "$t" "$bin" validate "$dir" --format json --no-progress -o "$report" "$@" || rc=$?
  if [ "$rc" -gt 1 ]; then
    echo "$label: linli validate failed (exit $rc)" >&2
    exit 1
  fi
  local secs kib
  secs=$(awk -F': ' '/Elapsed \(wall clock\)/ {n=split($2,a,":"); s=0; for(i=1;i<=n;i++) s=s*60+a[i]; print s}' "$t")
  kib=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$t")
  rm -f "$t"
  echo "$secs $kib"
}

has_limit() { "$1" validate --help | grep -q -- '--memory-limit'; }

bins=("new:$LINLI")
[ -n "${LINLI_BASE:-}" ] && bins+=("base:$LINLI_BASE")
results="$work/dataset-runs.txt"
: > "$results"
for rep in $(seq 1 "$REPS"); do
  for b in "${bins[@]}"; do
    name=${b%%:*}
    bin=${b#*:}
    echo "== run $rep: $name in memory" >&2
    echo "$name memory $(measure "$name" "$bin" "$data" "$work/dataset-report-$name-memory.json") $(measure "$name" "$bin" "$base" "$work/dataset-report-$name-base.json")" >> "$results"
    if has_limit "$bin"; then
      echo "== run $rep: $name with --memory-limit $LIMIT" >&2
      echo "$name limit $(measure "$name" "$bin" "$data" "$work/dataset-report-$name-limit.json" --memory-limit "$LIMIT") $(measure "$name" "$bin" "$base" "$work/dataset-report-$name-limitbase.json" --memory-limit "$LIMIT")" >> "$results"
    fi
  done
done

python3 - "$results" "$records" "$bytes" "$work" "$LIMIT" "$base_records" <<'PY'
import json, statistics, sys, pathlib
runs, records, size, work, limit = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), pathlib.Path(sys.argv[4]), sys.argv[5]
base_records = int(sys.argv[6])
cases = {}
for line in open(runs):
    name, mode, secs, kib, bsecs, bkib = line.split()
    c = cases.setdefault((name, mode), {"secs": [], "kib": [], "base_kib": []})
    c["secs"].append(float(secs)); c["kib"].append(int(kib)); c["base_kib"].append(int(bkib))
def same(a, b):
    drop = lambda r: {k: v for k, v in r.items() if k not in ("durationMs", "duration_ms", "generatedAt", "created", "startedAt", "started_at")}
    return drop(json.load(open(a))) == drop(json.load(open(b)))
out = {"records": records, "base_records": base_records, "bytes": size, "memory_limit": limit, "cases": []}
print(f"{records:,} records, {size/1e6:,.0f} MB (base: {base_records:,} records); medians of {len(next(iter(cases.values()))['secs'])} run(s)")
print(f"{'build':6} {'mode':7} {'seconds':>8} {'records/s':>10} {'peak RSS MiB':>13} {'base MiB':>9} {'bytes/record':>13}")
for (name, mode), c in cases.items():
    secs, kib, base = statistics.median(c["secs"]), statistics.median(c["kib"]), statistics.median(c["base_kib"])
    per = (kib - base) * 1024 / max(1, records - base_records)
    row = {"build": name, "mode": mode, "seconds": secs, "records_per_s": records / secs, "peak_rss_mib": kib / 1024,
           "base_rss_mib": base / 1024, "bytes_per_record": per}
    out["cases"].append(row)
    print(f"{name:6} {mode:7} {secs:8.1f} {records/secs:10,.0f} {kib/1024:13.0f} {base/1024:9.0f} {per:13.1f}")
reports = sorted(work.glob("dataset-report-*-memory.json")) + sorted(work.glob("dataset-report-*-limit.json"))
for r in reports[1:]:
    ok = same(reports[0], r)
    print(f"same findings as {reports[0].name}: {r.name}: {'yes' if ok else 'NO'}")
    if not ok:
        sys.exit(1)
json.dump(out, open(work / "dataset.json", "w"), indent=2)
PY
