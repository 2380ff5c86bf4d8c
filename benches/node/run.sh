#!/usr/bin/env bash
# The exchange node benchmark (issue 17, part 6): `linli serve` on SQLite and on PostgreSQL,
# side by side in one run, loaded from other processes over loopback (127.0.0.1 only). Not a
# test: it measures, it asserts only that the runs worked.
#
#   bash benches/node/run.sh                   # about 5 minutes after the build
#   DURATION=10 RECORDS=5000 bash benches/node/run.sh
#   BACKENDS=sqlite bash benches/node/run.sh   # without PostgreSQL
#
# It installs wrk and PostgreSQL if missing (apt-get; root or sudo), builds
# `cargo build --release -p linli-cli` (LINLI=/path/to/linli to use another build), generates
# RECORDS records of all six types (`linli generate --seed 2026`), starts one node per back-end
# (SQLite: `linli serve --data DIR`; PostgreSQL: a throw-away cluster on 127.0.0.1 in a
# temporary folder, trust authentication, and `linli serve --database postgres://… --principals
# F --key-file F` with the SQLite node's principals and key) and measures, each back-end in
# turn for each figure:
#   1. upserts in batches: CLIENTS threads POST BATCH-line NDJSON batches to /v1/records: the
#      first pass creates every record (it always finishes), then passes with meta.version
#      changed update them for DURATION seconds;
#      upserts one at a time: wrk, CONNS connections, PUT /v1/records/Person/{id} cycling over
#      the persons (meta.version changed on each pass: every PUT is an update);
#   2. GET /v1/records/{type}/{id} at CONNS connections (wrk --latency): with the public token
#      (reads masked to level public) and with the internal one and X-Linli-Purpose;
#   3. change-feed lag: a writer PUTs RATE records a second, a consumer long-polls
#      /v1/changes?wait=5 with the public token; lag = when the consumer has the change - when
#      the writer had the PUT's 2xx (p50, p99).
# Each load run lasts DURATION seconds (but the first batch pass: a fixed amount of work) and
# stops by itself. PG_OPTS passes settings to the PostgreSQL server (e.g. "-c
# synchronous_commit=off", to see what the commit's flush costs). Results: target/bench-node/results.md (also printed) and one
# JSON file per run in target/bench-node/{sqlite,postgres}/.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
export DURATION="${DURATION:-15}"
export RECORDS="${RECORDS:-20000}"
export CLIENTS="${CLIENTS:-4}"
export BATCH="${BATCH:-1000}"
export RATE="${RATE:-50}"
CONNS="${CONNS:-64}"
WRK_THREADS="${WRK_THREADS:-2}"
BACKENDS="${BACKENDS:-sqlite postgres}"
PORT="${PORT:-18640}" # the SQLite node; PORT+1 the PostgreSQL node, PORT+2 PostgreSQL itself
PG_OPTS="${PG_OPTS:-}" # extra server settings, e.g. "-c synchronous_commit=off"
command_line="DURATION=$DURATION RECORDS=$RECORDS CLIENTS=$CLIENTS BATCH=$BATCH RATE=$RATE CONNS=$CONNS BACKENDS='$BACKENDS'${PG_OPTS:+ PG_OPTS='$PG_OPTS'} bash benches/node/run.sh"
out="$root/target/bench-node"
here="$root/benches/node"
say() { echo "== $*" >&2; }

as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"
  elif command -v sudo > /dev/null; then sudo "$@"
  else echo "run.sh: root is needed for: $*" >&2; exit 1; fi
}
apt_install() {
  say "apt-get install $*"
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -q "$@" > /dev/null ||
    { as_root apt-get update -q > /dev/null && DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -q "$@" > /dev/null; }
}
command -v wrk > /dev/null || apt_install wrk
command -v curl > /dev/null || apt_install curl
pg_bin() { find /usr/lib/postgresql -maxdepth 3 -name initdb -path '*/bin/*' 2> /dev/null | sort -V | tail -1 | xargs -r dirname; }
if [[ " $BACKENDS " == *" postgres "* ]]; then
  PG_BIN="${PG_BIN:-$(pg_bin)}"
  if [ -z "$PG_BIN" ]; then
    apt_install postgresql
    PG_BIN="$(pg_bin)"
  fi
fi
# PostgreSQL refuses to run as root: its commands run as the postgres user then.
as_pg() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

if [ -z "${LINLI:-}" ]; then
  say "build: cargo build --release --locked -p linli-cli"
  cargo build --release --locked -q -p linli-cli
  LINLI="${CARGO_TARGET_DIR:-$root/target}/release/linli"
fi

tmp="$(mktemp -d /tmp/linli-bench-node.XXXXXX)"
chmod 755 "$tmp"
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2> /dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2> /dev/null || true; done
  if [ -f "$tmp/pg/data/postmaster.pid" ]; then as_pg "$PG_BIN/pg_ctl" -D "$tmp/pg/data" -m fast -w stop > /dev/null 2>&1 || true; fi
  rm -rf "$tmp"
}
trap cleanup EXIT

rm -rf "$out"
mkdir -p "$out"
load_start="$(cut -d' ' -f1-3 /proc/loadavg)"
say "generate $RECORDS records (linli generate --seed 2026)"
"$LINLI" generate --records "$RECORDS" --seed 2026 -o "$tmp/data" > /dev/null
python3 "$here/bench.py" prepare "$tmp/data" "$tmp/wrk"
records="$(wc -l < "$tmp/wrk/ids.txt")"

wait_up() { # url log
  for _ in $(seq 1 100); do
    if curl -fsS "$1/healthz" > /dev/null 2>&1; then return 0; fi
    sleep 0.1
  done
  cat "$2" >&2
  echo "run.sh: the node at $1 did not start" >&2
  exit 1
}

declare -A url
say "start the SQLite node on 127.0.0.1:$PORT"
"$LINLI" serve --data "$tmp/sqlite" --listen "127.0.0.1:$PORT" > "$tmp/sqlite.log" 2>&1 &
pids+=($!)
url[sqlite]="http://127.0.0.1:$PORT"
wait_up "${url[sqlite]}" "$tmp/sqlite.log"
CLERK="$(cat "$tmp/sqlite/tokens/clerk.token")"
PUBLIC="$(cat "$tmp/sqlite/tokens/open-data.token")"

pg_version=""
if [[ " $BACKENDS " == *" postgres "* ]]; then
  pgport=$((PORT + 2))
  say "start PostgreSQL ($PG_BIN) on 127.0.0.1:$pgport in $tmp/pg"
  mkdir -p "$tmp/pg"
  [ "$(id -u)" = 0 ] && chown postgres "$tmp/pg"
  as_pg "$PG_BIN/initdb" -D "$tmp/pg/data" -U postgres --auth=trust -E UTF8 --locale=C > "$tmp/pg/initdb.log"
  as_pg "$PG_BIN/pg_ctl" -D "$tmp/pg/data" -l "$tmp/pg/server.log" -w \
    -o "-c listen_addresses=127.0.0.1 -p $pgport -k $tmp/pg $PG_OPTS" start > /dev/null
  as_pg "$PG_BIN/createdb" -h 127.0.0.1 -p "$pgport" -U postgres linli
  pg_version="$("$PG_BIN/postgres" --version)"
  say "start the PostgreSQL node on 127.0.0.1:$((PORT + 1))"
  "$LINLI" serve --data "$tmp/pgnode" --database "postgres://postgres@127.0.0.1:$pgport/linli" \
    --principals "$tmp/sqlite/principals.toml" --key-file "$tmp/sqlite/mask.key" \
    --listen "127.0.0.1:$((PORT + 1))" > "$tmp/pgnode.log" 2>&1 &
  pids+=($!)
  url[postgres]="http://127.0.0.1:$((PORT + 1))"
  wait_up "${url[postgres]}" "$tmp/pgnode.log"
fi

run_wrk() { # backend name mode file token purpose
  local b="$1" name="$2"
  say "$b: $name (wrk -t$WRK_THREADS -c$CONNS -d${DURATION}s)"
  WRK_MODE="$3" WRK_FILE="$4" WRK_TOKEN="$5" WRK_PURPOSE="$6" WRK_THREADS="$WRK_THREADS" \
    wrk -t"$WRK_THREADS" -c"$CONNS" -d"${DURATION}s" --timeout 10s --latency -s "$here/wrk.lua" "${url[$b]}" \
    > "$out/$b/$name.wrk.txt"
  python3 "$here/bench.py" wrk-json "$out/$b/$name.json" < "$out/$b/$name.wrk.txt"
  sleep 2
}

for b in $BACKENDS; do mkdir -p "$out/$b"; done
for b in $BACKENDS; do
  say "$b: batch upserts ($CLIENTS clients, $BATCH lines a batch, $records records, then updates to ${DURATION}s)"
  python3 "$here/bench.py" batch "${url[$b]}" "$CLERK" "$tmp/data" "$out/$b/batch.json"
  sleep 2
done
for b in $BACKENDS; do run_wrk "$b" put put "$tmp/wrk/persons.tsv" "$CLERK" ""; done
for b in $BACKENDS; do run_wrk "$b" get-public get "$tmp/wrk/ids.txt" "$PUBLIC" ""; done
for b in $BACKENDS; do run_wrk "$b" get-internal get "$tmp/wrk/ids.txt" "$CLERK" "benchmark"; done
for b in $BACKENDS; do
  say "$b: change-feed lag (writer at $RATE/s for ${DURATION}s, consumer long-polling)"
  python3 "$here/bench.py" lag "${url[$b]}" "$CLERK" "$PUBLIC" "$tmp/data" "$out/$b/lag.json"
  sleep 1
done
load_end="$(cut -d' ' -f1-3 /proc/loadavg)"

{
  echo "### Exchange node benchmark — $(date -u +%Y-%m-%dT%H:%MZ)"
  echo
  echo "- Command: \`$command_line\` (commit $(git rev-parse --short HEAD)$(git diff --quiet HEAD -- crates 2> /dev/null || echo ', crates modified'))"
  echo "- Machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //'), $(awk '/MemTotal/ {printf "%.1f GiB", $2/1048576}' /proc/meminfo), Linux $(uname -r); load average $load_start at the start, $load_end at the end"
  echo "- Build: \`cargo build --release -p linli-cli\` ($(rustc -V 2> /dev/null | cut -d' ' -f1-2)); node with one worker thread per core; load from other processes on 127.0.0.1; $(wrk -v 2>&1 | head -1 | cut -d' ' -f1-2)${pg_version:+; $pg_version (settings: ${PG_OPTS:-defaults, fsync and synchronous_commit on}; SQLite: WAL, synchronous=NORMAL)}"
  echo "- Data: $records records of all six types (\`linli generate --records $RECORDS --seed 2026\`); every load run ${DURATION} s"
  echo
  python3 "$here/bench.py" table "$out" "$BACKENDS"
} > "$out/results.md"
cat "$out/results.md"
