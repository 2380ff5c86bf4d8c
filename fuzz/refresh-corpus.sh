#!/usr/bin/env bash
# Rebuild the committed corpus fuzz/corpus/<target>/ (replayed in plain `cargo test` by
# crates/linli-adapters/tests/fuzz_corpus.rs for the adapters' targets and by
# crates/linli-validate/tests/fuzz_corpus.rs for record, manifest, dataset and mask): the repository's seeds
# (fuzz/seed.py), the committed corpus and the working corpus of earlier `fuzz/run.sh` runs
# (fuzz/run/corpus/, never fuzz/run/corpus-shared/, which grew from payloads that are not ours),
# minimised with `cargo fuzz cmin` to the inputs that reach distinct edges.
#
#   fuzz/refresh-corpus.sh [TARGET...]
#
# Toolchain as in fuzz/run.sh (nightly, else or with FUZZ_TOOLCHAIN=stable: stable with
# RUSTC_BOOTSTRAP=1).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
ALL=(ngsi_ld gat1400 geojson cloudevents open311 open311_xml csv record manifest dataset mask)
TARGETS=("${@:-${ALL[@]}}")
unset CARGO_TARGET_DIR
if [[ "${FUZZ_TOOLCHAIN:-}" != stable ]] && rustup toolchain list 2>/dev/null | grep -q '^nightly'; then
    FUZZ=(cargo +nightly fuzz)
else
    export RUSTC_BOOTSTRAP=1
    FUZZ=(cargo fuzz)
fi
rm -rf run/seeds
python3 seed.py --out run/seeds >/dev/null
"${FUZZ[@]}" build -O
for t in "${TARGETS[@]}"; do
    mkdir -p "corpus/$t"
    for d in "run/seeds/$t" "run/corpus/$t"; do
        [[ -d "$d" ]] && find "$d" -maxdepth 1 -type f -size -64k -exec cp -n {} "corpus/$t/" \;
    done
    # Edges only (no hit-count buckets): a corpus ten times smaller for the same code reached.
    "${FUZZ[@]}" cmin -O "$t" "corpus/$t" -- -use_counters=0 >"run/cmin-$t.log" 2>&1
    # Modest corpora for the replay in `cargo test`: for the targets of issue 13, files of at most
    # 8 KiB, and at most CORPUS_MAX (default 300) of them, the first by name (a SHA-1: an arbitrary
    # but reproducible sample of what cmin kept).
    case "$t" in
        record | manifest | dataset | mask)
            find "corpus/$t" -type f -size +8k -delete
            find "corpus/$t" -type f -printf '%f\n' | sort | tail -n +"$((${CORPUS_MAX:-300} + 1))" |
                while read -r f; do rm -f "corpus/$t/$f"; done
            ;;
    esac
    printf '%-12s %4d files %6d KiB\n' "$t" "$(find "corpus/$t" -type f | wc -l)" "$(du -sk "corpus/$t" | cut -f1)"
done
