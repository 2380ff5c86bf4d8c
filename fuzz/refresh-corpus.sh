#!/usr/bin/env bash
# Rebuild the committed corpus fuzz/corpus/<target>/ (replayed by
# crates/linli-adapters/tests/fuzz_corpus.rs in plain `cargo test`): the repository's seeds
# (fuzz/seed.py), the committed corpus and the working corpus of earlier `fuzz/run.sh` runs
# (fuzz/run/corpus/, never fuzz/run/corpus-shared/, which grew from payloads that are not ours),
# minimised with `cargo fuzz cmin` to the inputs that reach distinct edges.
#
#   fuzz/refresh-corpus.sh [TARGET...]
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
ALL=(ngsi_ld gat1400 geojson cloudevents open311 open311_xml csv)
TARGETS=("${@:-${ALL[@]}}")
rm -rf run/seeds
python3 seed.py --out run/seeds >/dev/null
cargo +nightly fuzz build -O
for t in "${TARGETS[@]}"; do
    mkdir -p "corpus/$t"
    for d in "run/seeds/$t" "run/corpus/$t"; do
        [[ -d "$d" ]] && find "$d" -maxdepth 1 -type f -size -64k -exec cp -n {} "corpus/$t/" \;
    done
    # Edges only (no hit-count buckets): a corpus ten times smaller for the same code reached.
    cargo +nightly fuzz cmin -O "$t" "corpus/$t" -- -use_counters=0 >"run/cmin-$t.log" 2>&1
    printf '%-12s %4d files %6d KiB\n' "$t" "$(find "corpus/$t" -type f | wc -l)" "$(du -sk "corpus/$t" | cut -f1)"
done
