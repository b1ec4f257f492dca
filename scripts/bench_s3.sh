#!/usr/bin/env bash
# `make bench-s3` (also run at the end of `make bench`): the 10,000-report corpus of
# `make bench` ingested into a local S3-compatible server (moto's, started here on a free
# port of 127.0.0.1 and stopped at the end) next to the same ingest on the local disk:
#
#   local → local disk        (the figure of `make bench`, measured again in this run)
#   local → s3://             (output to the object store: staged puts, copies, conditional puts)
#   s3:// → s3://             (inputs listed and prefetched from the object store too)
#   s3:// → s3://, re-run     (nothing new: listing, reading and hashing only)
#
# Results go to bench/s3-results.tsv and into BENCHMARKS.md between the s3-bench markers.
# moto is a Python server (one process, werkzeug threads): the figures measure xxgk's
# protocol against a local S3 API, not a cloud provider's throughput.
#
# Environment (all optional):
#   BENCH_S3_SIZE  corpus size      (default 10000; generated with scripts/bench.sh corpus)
#   BENCH_DIR      as for bench.sh  (default bench)
#   BENCH_RUNS     runs, median kept (default 3)
#   BENCH_JOBS     --jobs            (default 2)
#   BENCH_MD       markdown to update (default BENCHMARKS.md)
set -euo pipefail
cd "$(dirname "$0")/.."

SIZE=${BENCH_S3_SIZE:-10000}
DIR=${BENCH_DIR:-bench}
RUNS=${BENCH_RUNS:-3}
JOBS=${BENCH_JOBS:-2}
MD=${BENCH_MD:-BENCHMARKS.md}
BIN=${BIN:-./target/release}
log() { echo "bench_s3.sh: $*" >&2; }

python3 -c 'import moto.server, boto3' 2>/dev/null ||
  python3 -m pip install --quiet --disable-pip-version-check 'moto[server]'
[ -f "$DIR/corpus-$SIZE/manifest.json" ] || BENCH_SIZES=$SIZE BIN=$BIN ./scripts/bench.sh corpus
mkdir -p "$DIR/bin"
cp "$BIN/xxgk" "$DIR/bin/xxgk-s3"
XXGK="$DIR/bin/xxgk-s3"
CORPUS="$DIR/corpus-$SIZE/reports"

PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
python3 -m moto.server -H 127.0.0.1 -p "$PORT" >"$DIR/moto.log" 2>&1 &
MOTO=$!
trap 'kill "$MOTO" 2>/dev/null || true' EXIT
export AWS_ACCESS_KEY_ID=bench AWS_SECRET_ACCESS_KEY=bench AWS_REGION=us-east-1
export AWS_ENDPOINT_URL=http://127.0.0.1:$PORT AWS_ALLOW_HTTP=true
for _ in $(seq 100); do
  python3 -c "import urllib.request; urllib.request.urlopen('$AWS_ENDPOINT_URL')" 2>/dev/null && break
  sleep 0.2
done

log "uploading $CORPUS to s3://crawl/reports (moto on port $PORT)"
python3 - "$CORPUS" <<'EOF'
import boto3, os, sys
from concurrent.futures import ThreadPoolExecutor
root = sys.argv[1]
s3 = boto3.client("s3")
for b in ("crawl", "warehouse"):
    s3.create_bucket(Bucket=b)
files = [os.path.join(d, f) for d, _, fs in os.walk(root) for f in fs]
def put(path):
    s3.upload_file(path, "crawl", "reports/" + os.path.relpath(path, root))
with ThreadPoolExecutor(16) as pool:
    list(pool.map(put, files))
print(len(files), "objects", file=sys.stderr)
EOF

RESULTS="$DIR/s3-results.tsv"
printf 'measure\trun\twall_s\tuser_s\tsys_s\trss_kib\n' > "$RESULTS"
measure() { # name cmd...
  local name=$1 tf
  shift
  tf=$(mktemp)
  /usr/bin/time -f '%e %U %S %M' -o "$tf" "$@" >/dev/null 2>"$tf.err" || { cat "$tf.err" >&2; exit 1; }
  read -r w u s m < <(tail -n1 "$tf")
  printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$name" "$run" "$w" "$u" "$s" "$m" >> "$RESULTS"
  log "  $name run $run: $w s"
  rm -f "$tf" "$tf.err"
}
for run in $(seq 1 "$RUNS"); do
  rm -rf "$DIR/dataset-s3-local"
  find "$CORPUS" -type f -print0 | xargs -0 cat >/dev/null
  measure local-to-local "$XXGK" ingest "$CORPUS" --out "$DIR/dataset-s3-local" --quiet --jobs "$JOBS"
  measure local-to-s3 "$XXGK" ingest "$CORPUS" --out "s3://warehouse/local-$run" --quiet --jobs "$JOBS"
  measure s3-to-s3 "$XXGK" ingest s3://crawl/reports --out "s3://warehouse/s3-$run" --quiet --jobs "$JOBS"
  measure s3-to-s3-rerun "$XXGK" ingest s3://crawl/reports --out "s3://warehouse/s3-$run" --quiet --jobs "$JOBS"
done

median() { sort -g | awk '{a[NR]=$1} END{if(NR%2){print a[(NR+1)/2]} else {printf "%.2f\n", (a[NR/2]+a[NR/2+1])/2}}'; }
col() { awk -F'\t' -v m="$1" -v c="$2" 'NR>1 && $1==m {print $c}' "$RESULTS"; }
mb=$(sed -n 's/.*"bytes": *\([0-9]*\).*/\1/p' "$DIR/corpus-$SIZE/manifest.json" | head -n1)
mb=$(awk -v b="$mb" 'BEGIN{printf "%.1f", b/1e6}')
base=$(col local-to-local 3 | median)
table=$(mktemp)
{
  echo "| $SIZE reports ($mb MB), --jobs $JOBS | wall s (median of $RUNS) | CPU s | reports/s | MB/s | × local disk | peak RSS MiB |"
  echo "| --- | ---: | ---: | ---: | ---: | ---: | ---: |"
  for m in local-to-local local-to-s3 s3-to-s3 s3-to-s3-rerun; do
    w=$(col "$m" 3 | median)
    cpu=$(awk -F'\t' -v m="$m" 'NR>1 && $1==m {print $4+$5}' "$RESULTS" | median)
    rss=$(col "$m" 6 | sort -g | tail -n1)
    echo "| $m | $w | $cpu | $(awk -v n="$SIZE" -v w="$w" 'BEGIN{printf "%.0f", n/w}') | $(awk -v m="$mb" -v w="$w" 'BEGIN{printf "%.1f", m/w}') | $(awk -v a="$w" -v b="$base" 'BEGIN{printf "%.2f", a/b}') | $(awk -v r="$rss" 'BEGIN{printf "%.0f", r/1024}') |"
  done
} > "$table"
cat "$table"

section=$(mktemp)
{
  echo "<!-- s3-bench:start -->"
  echo "Measured $(date -u +%Y-%m-%d) by \`scripts/bench_s3.sh\` (\`make bench-s3\`), load average at the end $(cut -d' ' -f1-3 /proc/loadavg), against moto $(python3 -c 'import moto; print(moto.__version__)') on 127.0.0.1:"
  echo
  cat "$table"
  echo "<!-- s3-bench:end -->"
} > "$section"
if grep -q '<!-- s3-bench:start -->' "$MD"; then
  python3 - "$MD" "$section" <<'EOF'
import sys, re
md, section = open(sys.argv[1]).read(), open(sys.argv[2]).read().rstrip("\n")
md = re.sub(r"<!-- s3-bench:start -->.*?<!-- s3-bench:end -->", lambda _: section, md, flags=re.S)
open(sys.argv[1], "w").write(md)
EOF
else
  { echo; echo "## Object storage: the 10,000-report corpus to a local S3 server (issue 15)"; echo; cat "$section"; } >> "$MD"
fi
rm -f "$table" "$section"
