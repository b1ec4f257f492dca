#!/usr/bin/env bash
# `make accuracy`: generate a corpus of a few thousand synthetic reports with their
# truth, ingest it with the release binary, and compare every cell and field with
# the truth (xxgk-synth accuracy). The report is printed and kept beside the corpus.
#
# Environment (all optional):
#   ACCURACY_COUNT  reports to generate          (default 3000)
#   ACCURACY_SEED   corpus seed                  (default 20240501)
#   ACCURACY_DIR    where corpus and dataset go  (default bench/accuracy)
#   SHOW            disagreements to print       (default 40)
#   REQUIRE_100=1   exit 1 unless everything agrees
#   LAYOUTS         only these layouts, comma-separated (default: all)
#
# The default mix includes word_pdf, printed to PDF by LibreOffice: it needs soffice
# (apt-get install libreoffice-writer-nogui fonts-wqy-microhei) and poppler's pdftotext.
set -euo pipefail
cd "$(dirname "$0")/.."

COUNT=${ACCURACY_COUNT:-3000}
SEED=${ACCURACY_SEED:-20240501}
DIR=${ACCURACY_DIR:-bench/accuracy}
SHOW=${SHOW:-40}
BIN=${BIN:-./target/release}
CORPUS="$DIR/corpus-$COUNT-$SEED"
DATASET="$DIR/dataset-$COUNT-$SEED"

for b in xxgk xxgk-synth; do
  [ -x "$BIN/$b" ] || { echo "accuracy.sh: $BIN/$b not built (run: make build)" >&2; exit 2; }
done
mkdir -p "$DIR/bin"
# Run private copies: a rebuild in the shared target dir must not swap binaries mid-run.
cp "$BIN/xxgk" "$BIN/xxgk-synth" "$DIR/bin/"
BIN="$DIR/bin"

# Generation takes a second or two for a few thousand reports: always regenerate, so the
# corpus matches the generator that is built.
layout_args=()
[ -n "${LAYOUTS:-}" ] && layout_args=(--layouts "$LAYOUTS")
"$BIN/xxgk-synth" generate --count "$COUNT" --seed "$SEED" --out "$CORPUS" "${layout_args[@]}"

rm -rf "$DATASET"
start=$(date +%s.%N)
"$BIN/xxgk" ingest "$CORPUS/reports" --out "$DATASET" --quiet
end=$(date +%s.%N)
echo "accuracy.sh: ingested $COUNT reports in $(awk -v a="$start" -v b="$end" 'BEGIN{printf "%.2f", b-a}') s" >&2

args=(accuracy --corpus "$CORPUS" --dataset "$DATASET" --show "$SHOW")
[ "${REQUIRE_100:-0}" = 1 ] && args+=(--require-100)
set +e
"$BIN/xxgk-synth" "${args[@]}" | tee "$DIR/accuracy-$COUNT-$SEED.txt"
status=${PIPESTATUS[0]}
set -e
echo "accuracy.sh: report saved to $DIR/accuracy-$COUNT-$SEED.txt" >&2
exit "$status"
