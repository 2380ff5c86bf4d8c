#!/usr/bin/env bash
# The clerk's page of `linli serve` [API-060], end to end in Debian's headless Chromium driven by
# Playwright (playwright-core, pinned in .ci/node-page/package-lock.json): a node on a fresh data
# directory and a free loopback port, the example dataset loaded with the clerk's token, then
# .ci/node-page/test.mjs. Installs chromium and a CJK font when missing. Screenshots land in
# target/node-page/. The server is always stopped.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
out="$root/target/node-page"
mkdir -p "$out"

if ! command -v chromium >/dev/null 2>&1; then
  echo "node-page: installing chromium" >&2
  apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
fi
if ! dpkg -s fonts-noto-cjk >/dev/null 2>&1; then
  echo "node-page: installing a CJK font" >&2
  apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq fonts-noto-cjk >/dev/null
fi

(cd .ci/node-page && npm ci --no-audit --no-fund --loglevel=error </dev/null >/dev/null)
cargo build -q --locked -p linli-cli
linli="$root/target/debug/linli"

work="$(mktemp -d)"
data="$work/data"
mkdir -p "$data"
pid=""
cleanup() {
  if [ -n "$pid" ]; then
    kill "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
url="http://127.0.0.1:$port"
"$linli" serve --data "$data" --listen "127.0.0.1:$port" >"$out/serve.log" 2>&1 &
pid=$!
for _ in $(seq 1 100); do
  if curl -fsS "$url/healthz" >/dev/null 2>&1; then break; fi
  if ! kill -0 "$pid" 2>/dev/null; then
    echo "node-page: linli serve exited; see $out/serve.log" >&2
    cat "$out/serve.log" >&2
    exit 1
  fi
  sleep 0.1
done
curl -fsS "$url/healthz" >/dev/null

# The example dataset, loaded as a clerk would: one NDJSON batch per file, every line accepted.
loaded=examples/datasets/gusu-huqiu
token="$(cat "$data/tokens/clerk.token")"
for f in place organization person thing event case; do
  answer="$(curl -fsS -X POST -H "Authorization: Bearer $token" -H 'Content-Type: application/x-ndjson' \
    --data-binary "@$loaded/$f.ndjson" "$url/v1/records")"
  lines="$(grep -c . "$loaded/$f.ndjson")"
  if [ "$(printf '%s\n' "$answer" | grep -c '"status":201')" != "$lines" ]; then
    echo "node-page: loading $f.ndjson failed:" >&2
    printf '%s\n' "$answer" | head -5 >&2
    exit 1
  fi
done

# The uploads: the clean example dataset as a .tar.gz, and one NDJSON file with a wrong ID check character.
tar -czf "$work/gusu-huqiu.tar.gz" -C "$loaded" .
cp conformance/datasets/record-bad-id-number/dataset/person.ndjson "$work/bad-person.ndjson"

LINLI_URL="$url" LINLI_DATA="$data" LINLI_LOADED="$root/$loaded" LINLI_CLEAN="$work/gusu-huqiu.tar.gz" \
  LINLI_BAD="$work/bad-person.ndjson" LINLI_BAD_CODE=id-number-check-character LINLI_OUT="$out" \
  node .ci/node-page/test.mjs </dev/null
