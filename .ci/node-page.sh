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

. .ci/lib/node.sh
work="$(mktemp -d)"
data="$work/data"
cleanup() {
  node_stop
  rm -rf "$work"
}
trap cleanup EXIT

node_start "$linli" "$data" "$out/serve.log"
url="$node_url"

# The example dataset, loaded as a clerk would: one NDJSON batch per file, every line accepted.
loaded=examples/datasets/gusu-huqiu
node_load "$url" "$(cat "$data/tokens/clerk.token")" "$loaded"

# The uploads: the clean example dataset as a .tar.gz, and one NDJSON file with a wrong ID check character.
tar -czf "$work/gusu-huqiu.tar.gz" -C "$loaded" .
cp conformance/datasets/record-bad-id-number/dataset/person.ndjson "$work/bad-person.ndjson"

LINLI_URL="$url" LINLI_DATA="$data" LINLI_LOADED="$root/$loaded" LINLI_CLEAN="$work/gusu-huqiu.tar.gz" \
  LINLI_BAD="$work/bad-person.ndjson" LINLI_BAD_CODE=id-number-check-character LINLI_OUT="$out" \
  node .ci/node-page/test.mjs </dev/null
