#!/usr/bin/env bash
# Compare two xxgk binaries on one corpus in the same run: alternating ingests
# (--jobs 2, warm page cache), median wall time of each, and their ratio.
#   scripts/bench_compare.sh BASELINE_BIN NEW_BIN CORPUS_DIR [RUNS]
# Example (the baseline built from an earlier commit in a worktree):
#   git worktree add /tmp/base <commit> && (cd /tmp/base && cargo build --release --bin xxgk)
#   scripts/bench_compare.sh /tmp/base/target/release/xxgk target/release/xxgk bench/corpus-100000/reports
set -euo pipefail
base=$1 new=$2 corpus=$3 runs=${4:-3}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
mb=$(du -sb "$corpus" | awk '{printf "%.1f", $1/1e6}')
time_one() { # binary → wall seconds
  rm -rf "$out/ds"
  find "$corpus" -type f -print0 | xargs -0 cat >/dev/null
  local s e
  s=$(date +%s.%N)
  "$1" ingest "$corpus" --out "$out/ds" --quiet --jobs 2
  e=$(date +%s.%N)
  awk -v a="$s" -v b="$e" 'BEGIN{printf "%.3f\n", b-a}'
}
median() { sort -n | awk '{a[NR]=$1} END{print a[int((NR+1)/2)]}'; }
: >"$out/base" ; : >"$out/new"
for _ in $(seq "$runs"); do
  time_one "$base" >>"$out/base"
  time_one "$new" >>"$out/new"
done
b=$(median <"$out/base") n=$(median <"$out/new")
echo "corpus: $corpus ($mb MB), $runs runs each, alternating, --jobs 2"
echo "baseline: median $b s ($(awk -v m="$mb" -v t="$b" 'BEGIN{printf "%.1f", m/t}') MB/s)  runs: $(tr '\n' ' ' <"$out/base")"
echo "new:      median $n s ($(awk -v m="$mb" -v t="$n" 'BEGIN{printf "%.1f", m/t}') MB/s)  runs: $(tr '\n' ' ' <"$out/new")"
echo "new / baseline wall time: $(awk -v a="$n" -v b="$b" 'BEGIN{printf "%.3f", a/b}')"
