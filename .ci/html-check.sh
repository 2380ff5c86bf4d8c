#!/usr/bin/env bash
# Renders `linli validate --format html` reports in headless Chromium (zh-CN and English, a clean
# dataset and one with findings) and checks what a person would see: the page loads, the verdict
# comes first, every rule with findings has its section, and the browser logs no page error.
# Installs Debian's chromium when it is missing. Screenshots land in target/html-check/.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
out="$root/target/html-check"
mkdir -p "$out"

if ! command -v chromium >/dev/null 2>&1; then
  echo "html-check: installing chromium" >&2
  apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
fi
if ! dpkg -s fonts-noto-cjk >/dev/null 2>&1; then
  echo "html-check: installing a CJK font" >&2
  apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq fonts-noto-cjk >/dev/null
fi

cargo build -q --locked -p linli-cli -p linli-reference-adapter
linli="$root/target/debug/linli"

chrome() {
  # The flags keep Chromium off the network and quiet, as a sandboxed root process.
  timeout 120 chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
    --disable-background-networking --disable-component-update --disable-sync \
    --user-data-dir="$(mktemp -d)" --enable-logging=stderr --v=0 "$@"
}

pass=0
fail=0
check() { # name, condition-result
  if [ "$2" = 0 ]; then pass=$((pass + 1)); else fail=$((fail + 1)); echo "html-check: FAIL $1" >&2; fi
}

for lang in zh en; do
  for case in clean findings; do
    if [ "$case" = clean ]; then input=(examples/datasets/gusu-huqiu); else input=(conformance/datasets/place-hierarchy-cycle/dataset conformance/datasets/record-bad-id-number/dataset); fi
    html="$out/report-$case-$lang.html"
    set +e
    "$linli" --lang "$lang" validate --format html -o "$html" "${input[@]}"
    code=$?
    set -e
    [ "$case" = clean ] && want=0 || want=1
    check "$case-$lang exit code $code" "$([ "$code" = "$want" ] && echo 0 || echo 1)"
    dom="$out/report-$case-$lang.dom.html"
    log="$out/report-$case-$lang.log"
    chrome --dump-dom "file://$html" > "$dom" 2> "$log" || true
    chrome --screenshot="$out/report-$case-$lang.png" --window-size=1200,1600 "file://$html" >/dev/null 2>>"$log" || true
    check "$case-$lang rendered" "$(grep -q 'id="verdict"' "$dom" && echo 0 || echo 1)"
    check "$case-$lang screenshot" "$([ -s "$out/report-$case-$lang.png" ] && echo 0 || echo 1)"
    check "$case-$lang no page errors" "$(grep -Eiq 'Uncaught|CONSOLE\(|Refused to' "$log" && echo 1 || echo 0)"
    if [ "$case" = findings ]; then
      codes=$(grep -o 'data-code="[a-z0-9-]*"' "$dom" | sort -u | wc -l)
      check "$case-$lang rule sections ($codes)" "$([ "$codes" -ge 2 ] && echo 0 || echo 1)"
      if [ "$lang" = zh ]; then word="不合格"; else word="FAIL"; fi
    else
      if [ "$lang" = zh ]; then word="合格"; else word="PASS"; fi
    fi
    check "$case-$lang verdict $word" "$(grep -q "$word" "$dom" && echo 0 || echo 1)"
  done
done
# A large export: 50,000 records, 10 % with a seeded defect. The page must stay usable: every rule
# has its section with at least one example listed, and says how many it does not list.
big="$out/big-dataset"
rm -rf "$big"
"$linli" generate --records 50000 --defects 0.1 --seed 14 -o "$big" >/dev/null
for lang in zh en; do
  html="$out/report-big-$lang.html"
  set +e
  "$linli" --lang "$lang" validate --format html -o "$html" "$big"
  code=$?
  set -e
  check "big-$lang exit code $code" "$([ "$code" = 1 ] && echo 0 || echo 1)"
  dom="$out/report-big-$lang.dom.html"
  log="$out/report-big-$lang.log"
  chrome --dump-dom "file://$html" > "$dom" 2> "$log" || true
  chrome --screenshot="$out/report-big-$lang.png" --window-size=1200,1600 "file://$html" >/dev/null 2>>"$log" || true
  check "big-$lang rendered" "$(grep -q 'id="verdict"' "$dom" && echo 0 || echo 1)"
  check "big-$lang screenshot" "$([ -s "$out/report-big-$lang.png" ] && echo 0 || echo 1)"
  check "big-$lang no page errors" "$(grep -Eiq 'Uncaught|CONSOLE\(|Refused to' "$log" && echo 1 || echo 0)"
  set +e
  python3 .ci/html-rules-check.py "$dom"
  check "big-$lang every rule listed with examples" "$?"
  set -e
  echo "html-check: big-$lang $(du -k "$html" | cut -f1) KiB, $(grep -o '<details class="rule' "$dom" | wc -l) rule sections, $(grep -o 'class="finding' "$dom" | wc -l) findings listed"
done

# The conformance report (against a faulty adapter, so that it has failures to show).
set +e
"$linli" conformance run --adapter "$root/target/debug/linli-reference-adapter --fault drop-field" --out "$out/conformance" >/dev/null
code=$?
set -e
check "conformance exit code $code" "$([ "$code" = 1 ] && echo 0 || echo 1)"
chrome --dump-dom "file://$out/conformance/report.html" > "$out/conformance.dom.html" 2> "$out/conformance.log" || true
chrome --screenshot="$out/conformance.png" --window-size=1200,1600 "file://$out/conformance/report.html" >/dev/null 2>>"$out/conformance.log" || true
check "conformance rendered" "$(grep -q 'id="verdict"' "$out/conformance.dom.html" && echo 0 || echo 1)"
check "conformance classes" "$([ "$(grep -c 'class="class-row"' "$out/conformance.dom.html")" -ge 6 ] && echo 0 || echo 1)"
check "conformance failures listed" "$(grep -q 'class="case"' "$out/conformance.dom.html" && echo 0 || echo 1)"
check "conformance no page errors" "$(grep -Eiq 'Uncaught|CONSOLE\(|Refused to' "$out/conformance.log" && echo 1 || echo 0)"

echo "html-check: $pass passed, $fail failed"
[ "$fail" = 0 ]
