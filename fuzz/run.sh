#!/usr/bin/env bash
# Fuzz every reader of linli-adapters, the record, manifest and dataset readers of `linli
# validate` and the masker for SECONDS each (default 60), one target after another, with one
# worker, and print a per-target summary: executions, crashes (and timeouts / out-of-memory), time.
#
#   fuzz/run.sh [SECONDS] [TARGET...]          # all targets, or the ones named
#   fuzz/run.sh 300 record manifest dataset mask
#   FUZZ_SHARED=../shared/fixtures/real-payloads fuzz/run.sh 600
#
# Needs cargo-fuzz (`cargo install cargo-fuzz --locked`) and a nightly toolchain; without one
# (`rustup toolchain list` shows none) the stable toolchain is used with RUSTC_BOOTSTRAP=1, which
# lets it take the nightly flags cargo-fuzz passes (-Z sanitizer=address and others);
# FUZZ_TOOLCHAIN=stable chooses that even where a nightly is installed. The build
# goes to fuzz/target/ (CARGO_TARGET_DIR is ignored here: the sanitizer build must not share the
# workspace's target directory). Inputs are cut to FUZZ_MAX_LEN bytes (default: 262144 for the
# adapters, 16384 for record and mask, 4096 for manifest, 16384 for dataset). Each target starts from
# the committed corpus fuzz/corpus/<target>/ and the seeds fuzz/seed.py collects from the
# repository; what the fuzzer finds goes to the working corpus fuzz/run/corpus/<target>/ (ignored
# by git), inputs that break an invariant to fuzz/artifacts/<target>/. With FUZZ_SHARED the real
# public payloads are seeds too; that run writes to fuzz/run/corpus-shared/ instead, which must
# never be copied into the repository (the payloads are not ours to redistribute).
# libFuzzer runs in fork mode so that one crash does not end the run: every distinct crash is
# kept. A hang is an input that takes more than FUZZ_TIMEOUT seconds (default 10). With
# LINLI_FUZZ_ADP004=1 the targets also check that no record has a semantic error [ADP-004].
# Exit status: 0 when no target found anything, 1 otherwise.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"

SECONDS_EACH=${1:-60}
shift || true
ALL=(ngsi_ld gat1400 geojson cloudevents open311 open311_xml csv record manifest dataset mask)
TARGETS=("${@:-${ALL[@]}}")
TIMEOUT=${FUZZ_TIMEOUT:-10}
unset CARGO_TARGET_DIR
if [[ "${FUZZ_TOOLCHAIN:-}" != stable ]] && rustup toolchain list 2>/dev/null | grep -q '^nightly'; then
    FUZZ=(cargo +nightly fuzz)
else
    export RUSTC_BOOTSTRAP=1
    FUZZ=(cargo fuzz)
fi
max_len() {
    case "$1" in
        record | mask | dataset) echo "${FUZZ_MAX_LEN:-16384}" ;;
        manifest) echo "${FUZZ_MAX_LEN:-4096}" ;;
        *) echo "${FUZZ_MAX_LEN:-262144}" ;;
    esac
}

if [[ -n "${FUZZ_SHARED:-}" ]]; then
    python3 seed.py --out run/seeds-shared --shared "$FUZZ_SHARED" >/dev/null
    SEEDS=run/seeds-shared WORK=run/corpus-shared
else
    python3 seed.py --out run/seeds >/dev/null
    SEEDS=run/seeds WORK=run/corpus
fi

"${FUZZ[@]}" build -O

mkdir -p run/logs
summary=()
found=0
for t in "${TARGETS[@]}"; do
    mkdir -p "$WORK/$t" "$SEEDS/$t" "artifacts/$t" corpus/"$t"
    before=$(find "artifacts/$t" -type f | wc -l)
    start=$(date +%s)
    log="run/logs/$t.log"
    echo "== $t: ${SECONDS_EACH}s" >&2
    # Status 0 or the fork-mode status after crashes: the summary below says what happened.
    "${FUZZ[@]}" run -O "$t" "$WORK/$t" "corpus/$t" "$SEEDS/$t" -- \
        -fork=1 -ignore_crashes=1 -ignore_timeouts=1 -ignore_ooms=1 \
        -max_total_time="$SECONDS_EACH" -timeout="$TIMEOUT" -rss_limit_mb=2048 -max_len="$(max_len "$t")" \
        -print_final_stats=1 >"$log" 2>&1 || true
    took=$(($(date +%s) - start))
    after=$(find "artifacts/$t" -type f | wc -l)
    # Fork mode reports progress as "#<execs>: cov: … exec/s: … oom/timeout/crash: a/b/c time: …".
    last=$(grep -E '^#[0-9]+: ' "$log" | tail -n 1 || true)
    execs=$(sed -E 's/^#([0-9]+):.*/\1/' <<<"$last")
    otc=$(grep -oE 'oom/timeout/crash: [0-9]+/[0-9]+/[0-9]+' <<<"$last" | cut -d' ' -f2)
    new=$((after - before))
    [[ "$new" -gt 0 || ( -n "$otc" && "$otc" != "0/0/0" ) ]] && found=1
    if [[ -z "$last" ]] && ! grep -q 'INFO: fuzzing' "$log"; then
        found=1
        summary+=("$(printf '%-12s  did not run, see fuzz/%s' "$t" "$log")")
        continue
    fi
    summary+=("$(printf '%-12s  %10s runs  oom/timeout/crash %-7s  %3s new artifacts  %4ss' \
        "$t" "${execs:-?}" "${otc:-0/0/0}" "$new" "$took")")
done

echo
echo "target        executions   findings                   artifacts   time"
printf '%s\n' "${summary[@]}"
[[ "$found" -eq 0 ]] || echo "inputs that break an invariant are in fuzz/artifacts/<target>/; logs in fuzz/run/logs/" >&2
exit "$found"
