#!/usr/bin/env bash
# Time the PDF path against the extraction tool alone.
#
#   scripts/bench_pdf.sh [COPIES] [XXGK_BINARY] [OTHER_XXGK_BINARY]
#
# Corpus: the 3 real PDFs (tests/fixtures/realworld/pdf) and the 3 narrow-column
# renderings (tests/fixtures/realworld/renderings), each copied COPIES times
# (default 30) with a distinct trailing comment so no two files are the same bytes.
# Timed with hyperfine (sequential, one core):
#   1. pdftotext -layout over every file           (the tool alone: the baseline)
#   2. pdftotext -bbox-layout over every file      (the tool as the geometry path runs it)
#   3. xxgk ingest --jobs 1 of the corpus          (decode + parse + Parquet, the whole run)
#   4. the same with OTHER_XXGK_BINARY, if given   (e.g. a build of the previous commit)
# and prints the ratio of 3 (and 4) to 1. Needs hyperfine and poppler-utils.
set -euo pipefail
cd "$(dirname "$0")/.."
COPIES=${1:-30}
XXGK=${2:-target/release/xxgk}
OTHER=${3:-}
command -v hyperfine >/dev/null || { echo "hyperfine not installed (apt-get install hyperfine)" >&2; exit 1; }
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
mkdir -p "$WORK/corpus"
for f in tests/fixtures/realworld/pdf/*.pdf tests/fixtures/realworld/renderings/*.pdf; do
  stem=$(basename "$f" .pdf)
  for i in $(seq 1 "$COPIES"); do
    { cat "$f"; printf '\n%% copy %d\n' "$i"; } > "$WORK/corpus/${stem}_$i.pdf"
  done
done
N=$(ls "$WORK/corpus" | wc -l)
echo "corpus: $N PDFs, $(du -sh "$WORK/corpus" | cut -f1)"
cmds=(
  -n "pdftotext -layout" "for f in $WORK/corpus/*.pdf; do pdftotext -layout -enc UTF-8 \"\$f\" - >/dev/null; done"
  -n "pdftotext -bbox-layout" "for f in $WORK/corpus/*.pdf; do pdftotext -bbox-layout -enc UTF-8 \"\$f\" - >/dev/null; done"
  -n "xxgk ingest (this build)" "$XXGK ingest $WORK/corpus --out $WORK/out --quiet --jobs 1 --full-refresh"
)
if [ -n "$OTHER" ]; then
  cmds+=(-n "xxgk ingest (other build)" "$OTHER ingest $WORK/corpus --out $WORK/out2 --quiet --jobs 1 --full-refresh")
fi
hyperfine --warmup 1 --runs "${RUNS:-5}" --export-json "$WORK/times.json" "${cmds[@]}"
python3 - "$WORK/times.json" "$N" <<'EOF'
import json, sys
res = json.load(open(sys.argv[1]))["results"]
n = int(sys.argv[2])
base = res[0]["median"]
for r in res:
    print(f'{r["command"]:28s} median {r["median"]:7.3f} s  {1000 * r["median"] / n:6.2f} ms/file  {r["median"] / base:5.2f}x pdftotext -layout')
EOF
