# Shared by .ci/node-page.sh and .ci/api-check.sh (sourced, not run): start `linli serve` on a
# fresh data folder and a free loopback port, wait until it answers, load a dataset as the clerk,
# and stop it again. Sets node_pid, node_url, node_log.
#
#   node_start LINLI DATA LOG [ARG…]  start the node, ARGs added to `linli serve` (exit 2 if it ends
#                                 before answering /healthz)
#   node_load URL TOKEN DIR       POST every DIR/*.ndjson as one batch; exit 1 unless every line is 201
#   node_stop                     stop the node if it runs (safe to call twice; call from a trap)

node_pid=""
node_url=""
node_log=""

node_start() {
  local linli="$1" data="$2"
  node_log="$3"
  shift 3
  local port
  port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')"
  node_url="http://127.0.0.1:$port"
  "$linli" serve --data "$data" --listen "127.0.0.1:$port" "$@" >"$node_log" 2>&1 &
  node_pid=$!
  for _ in $(seq 1 100); do
    if curl -fsS "$node_url/healthz" >/dev/null 2>&1; then return 0; fi
    if ! kill -0 "$node_pid" 2>/dev/null; then
      echo "linli serve ended at start:" >&2
      cat "$node_log" >&2
      node_pid=""
      exit 2
    fi
    sleep 0.1
  done
  curl -fsS "$node_url/healthz" >/dev/null
}

node_load() {
  local url="$1" token="$2" dir="$3" f answer lines
  for f in "$dir"/*.ndjson; do
    answer="$(curl -fsS -X POST -H "Authorization: Bearer $token" -H 'Content-Type: application/x-ndjson' \
      --data-binary "@$f" "$url/v1/records")"
    lines="$(grep -c . "$f")"
    if [ "$(printf '%s\n' "$answer" | grep -c '"status":201')" != "$lines" ]; then
      echo "loading $f: a line was not written:" >&2
      printf '%s\n' "$answer" | grep -v '"status":201' | head -5 >&2
      exit 1
    fi
  done
}

node_stop() {
  if [ -n "$node_pid" ]; then
    kill "$node_pid" 2>/dev/null || true
    wait "$node_pid" 2>/dev/null || true
    node_pid=""
  fi
}
