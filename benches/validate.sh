#!/usr/bin/env bash
# The validation benchmark: `linli validate` next to its floors and its peers, in one run.
#
#   bash benches/validate.sh            # 1,000,000 Person records, 3 runs of each case
#   RECORDS=200000 REPS=5 bash benches/validate.sh
#   LINLI_BEFORE=/path/to/another/linli bash benches/validate.sh   # that build measured side by side
#
# Data: `linli generate --persons-only --defects 0.02` (about 2 % of records carry one seeded
# defect). Cases, all on the same NDJSON file:
#   syntax floor    linli-bench syntax: each line parsed into serde::de::IgnoredAny (the JSON
#                   syntax floor: it does not move with Linli's model)
#   Value floor     linli-bench value: each line parsed into serde_json::Value
#   typed parse     linli-bench typed: each line deserialized into the model's Person, nothing else
#                   (informative: it moves with the implementation)
#   jsonschema-rs   linli-bench jsonschema: Value + jsonschema-rs on the committed schema, every
#                   violation of an invalid record collected (the best generic peer)
#   linli 1 core    linli validate --threads 1, pinned to one core (schema + semantic checks, every
#                   finding collected, completeness statistics)
#   linli 2 cores   linli validate --threads 2
#   ajv             Node, Ajv2020 (strict) + ajv-formats, the committed Person schema compiled once
#   py-jsonschema   Draft202012Validator + format checker, on the first PY_RECORDS records (it is
#                   about 200x slower; its rate is per record all the same)
#   linli mask      linli mask --profile public / inter-department (key from a file): read, mask
#                   and write every record, on one core (--threads 1, pinned) next to linli
#                   validate on one core, and on two (--threads 2) next to linli validate on two,
#                   all on a file of as many records without defects (mask refuses records that
#                   do not read)
# Then peak RSS of linli validate on a ~1 GB NDJSON file (BIG_RECORDS records).
# Peers are installed here (npm ci, pip into .ci/.venv). Results: target/bench/results.json.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
RECORDS="${RECORDS:-1000000}"
REPS="${REPS:-3}"
PY_RECORDS="${PY_RECORDS:-20000}"
BIG_RECORDS="${BIG_RECORDS:-1700000}"
work="$root/target/bench"
mkdir -p "$work"

echo "== build (profile perf: release with fat LTO)" >&2
cargo build --profile perf --locked -q -p linli-cli -p linli-bench
linli="$root/target/perf/linli"
floor="$root/target/perf/linli-bench"

echo "== peers" >&2
(cd benches/peers && npm ci --no-audit --no-fund --loglevel=error </dev/null >/dev/null)
venv="$root/.ci/.venv"
[ -x "$venv/bin/python" ] || python3 -m venv "$venv"
"$venv/bin/python" -m pip install -q --disable-pip-version-check -r .ci/schema-check/requirements.txt </dev/null

data="$work/persons-$RECORDS"
if [ ! -f "$data/person.ndjson" ]; then
  echo "== generate $RECORDS Person records (2 % seeded defects)" >&2
  "$linli" generate --records "$RECORDS" --seed 2026 --defects 0.02 --persons-only -o "$data" > "$data.summary.json"
fi
file="$data/person.ndjson"
bytes=$(stat -c %s "$file")
# Masking refuses input with records that do not read [SHR-033]: it is measured on a clean file of
# the same size, next to linli validate on that very file.
clean_data="$work/persons-clean-$RECORDS"
if [ ! -f "$clean_data/person.ndjson" ]; then
  echo "== generate $RECORDS Person records (no defects) for masking" >&2
  "$linli" generate --records "$RECORDS" --seed 2026 --persons-only -o "$clean_data" > /dev/null
fi
clean="$clean_data/person.ndjson"
clean_bytes=$(stat -c %s "$clean")
py_bytes=$(head -n "$PY_RECORDS" "$file" | wc -c)
schema="$root/schemas/person.schema.json"
mask_key="$work/mask.key"
[ -f "$mask_key" ] || printf 'linli benchmark pseudonymisation key\n' > "$mask_key"
vocab="$root/schemas/vocabulary.json"

cat > "$work/spec.json" <<JSON
{
  "reps": $REPS,
  "out": "$work/results.json",
  "cases": [
    {"name": "syntax floor (1 core)", "records": $RECORDS, "bytes": $bytes, "cmd": ["taskset", "-c", "0", "$floor", "syntax", "$file"]},
    {"name": "Value floor (1 core)", "records": $RECORDS, "bytes": $bytes, "cmd": ["taskset", "-c", "0", "$floor", "value", "$file"]},
    {"name": "typed model parse (1 core)", "records": $RECORDS, "bytes": $bytes, "cmd": ["taskset", "-c", "0", "$floor", "typed", "$file"]},
    {"name": "linli validate (1 core)", "records": $RECORDS, "bytes": $bytes, "ok_codes": [1], "cmd": ["taskset", "-c", "0", "$linli", "validate", "--threads", "1", "--max-findings", "0", "--no-progress", "$file"]},
    {"name": "linli validate (2 cores)", "records": $RECORDS, "bytes": $bytes, "ok_codes": [1], "cmd": ["$linli", "validate", "--threads", "2", "--max-findings", "0", "--no-progress", "$file"]},
    {"name": "jsonschema-rs on Value (1 core)", "records": $RECORDS, "bytes": $bytes, "cmd": ["taskset", "-c", "0", "$floor", "jsonschema", "$file"]},
    {"name": "linli validate, clean file (1 core)", "records": $RECORDS, "bytes": $clean_bytes, "cmd": ["taskset", "-c", "0", "$linli", "validate", "--threads", "1", "--max-findings", "0", "--no-progress", "$clean"]},
    {"name": "linli validate, clean file (2 cores)", "records": $RECORDS, "bytes": $clean_bytes, "cmd": ["$linli", "validate", "--threads", "2", "--max-findings", "0", "--no-progress", "$clean"]},
    {"name": "linli mask public (1 core)", "records": $RECORDS, "bytes": $clean_bytes, "cmd": ["taskset", "-c", "0", "$linli", "mask", "--threads", "1", "--force", "--profile", "public", "$clean", "-o", "$work/masked-public.ndjson"]},
    {"name": "linli mask inter-department (1 core)", "records": $RECORDS, "bytes": $clean_bytes, "cmd": ["taskset", "-c", "0", "$linli", "mask", "--threads", "1", "--force", "--profile", "inter-department", "--key-file", "$mask_key", "$clean", "-o", "$work/masked-inter.ndjson"]},
    {"name": "linli mask public (2 cores)", "records": $RECORDS, "bytes": $clean_bytes, "cmd": ["$linli", "mask", "--threads", "2", "--force", "--profile", "public", "$clean", "-o", "$work/masked-public-2.ndjson"]},
    {"name": "linli mask inter-department (2 cores)", "records": $RECORDS, "bytes": $clean_bytes, "cmd": ["$linli", "mask", "--threads", "2", "--force", "--profile", "inter-department", "--key-file", "$mask_key", "$clean", "-o", "$work/masked-inter-2.ndjson"]},
    {"name": "ajv 8 (1 core)", "records": $RECORDS, "bytes": $bytes, "reps": 2, "cmd": ["taskset", "-c", "0", "node", "$root/benches/peers/ajv-validate.mjs", "$schema", "$vocab", "$file"]},
    {"name": "python-jsonschema (1 core)", "records": $PY_RECORDS, "bytes": $py_bytes, "reps": 1, "cmd": ["taskset", "-c", "0", "$venv/bin/python", "$root/benches/peers/pyjs-validate.py", "$schema", "$file", "$PY_RECORDS"]}
  ],
  "ratios": [
    ["linli validate (1 core)", "syntax floor (1 core)", "linli (1 core) / JSON syntax floor   (target >= 0.5, stretch 0.6)"],
    ["linli validate (1 core)", "Value floor (1 core)", "linli (1 core) / Value floor"],
    ["linli validate (1 core)", "typed model parse (1 core)", "linli (1 core) / typed model parse"],
    ["linli validate (2 cores)", "linli validate (1 core)", "speed-up on 2 cores                  (target >= 1.9)"],
    ["linli validate (1 core)", "jsonschema-rs on Value (1 core)", "linli (1 core) / jsonschema-rs"],
    ["linli validate (1 core)", "ajv 8 (1 core)", "linli (1 core) / ajv"],
    ["linli validate (1 core)", "python-jsonschema (1 core)", "linli (1 core) / python-jsonschema"],
    ["linli mask public (1 core)", "linli validate, clean file (1 core)", "linli mask public / validate (1 core)"],
    ["linli mask inter-department (1 core)", "linli validate, clean file (1 core)", "linli mask inter-department / validate (1 core)"],
    ["linli mask public (2 cores)", "linli validate, clean file (2 cores)", "linli mask public / validate (2 cores)   (target >= 0.8)"],
    ["linli mask inter-department (2 cores)", "linli validate, clean file (2 cores)", "linli mask inter-department / validate (2 cores)"],
    ["linli mask public (2 cores)", "linli mask public (1 core)", "mask public speed-up on 2 cores"]
  ]
}
JSON
if [ -n "${LINLI_BEFORE:-}" ]; then
  # Another build of linli (e.g. main before a change) measured in the same run, side by side.
  python3 - "$work/spec.json" "$LINLI_BEFORE" "$file" "$RECORDS" "$bytes" <<'PY'
import json, sys
path, before, file, records, nbytes = sys.argv[1:]
spec = json.load(open(path))
spec["cases"].insert(4, {"name": "linli validate, LINLI_BEFORE build (1 core)", "records": int(records), "bytes": int(nbytes), "ok_codes": [1],
    "cmd": ["taskset", "-c", "0", before, "validate", "--threads", "1", "--max-findings", "0", "--no-progress", file]})
spec["ratios"].append(["linli validate (1 core)", "linli validate, LINLI_BEFORE build (1 core)", "this build / LINLI_BEFORE build (1 core)"])
json.dump(spec, open(path, "w"), indent=1)
PY
fi
echo "== measure ($REPS runs each, interleaved)" >&2
python3 benches/measure.py "$work/spec.json"

big="$work/persons-big-$BIG_RECORDS"
if [ ! -f "$big/person.ndjson" ]; then
  echo "== generate $BIG_RECORDS Person records for the memory check" >&2
  "$linli" generate --records "$BIG_RECORDS" --seed 7 --defects 0.02 --persons-only -o "$big" > /dev/null
fi
big_bytes=$(stat -c %s "$big/person.ndjson")
cat > "$work/spec-big.json" <<JSON
{
  "reps": 1,
  "out": "$work/results-big.json",
  "cases": [
    {"name": "linli validate, $(( big_bytes / 1000000 )) MB file (2 cores)", "records": $BIG_RECORDS, "bytes": $big_bytes, "ok_codes": [1], "cmd": ["$linli", "validate", "--max-findings", "100", "--no-progress", "$big/person.ndjson"]},
    {"name": "linli validate, the same as a dataset (2 cores)", "records": $BIG_RECORDS, "bytes": $big_bytes, "ok_codes": [1], "cmd": ["$linli", "validate", "--max-findings", "100", "--no-progress", "$big"]}
  ]
}
JSON
echo "== memory on a large file" >&2
python3 benches/measure.py "$work/spec-big.json"
