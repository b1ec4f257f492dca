#!/usr/bin/env bash
# Compare two xxgk binaries on one corpus in the same run: alternating ingests
# (--jobs 2 --quiet, page cache warmed before every run, the previous output moved
# aside and deleted at the end, as scripts/bench.sh does), the median wall and
# CPU (user + system) time of each, and the median of the per-round ratios.
#   scripts/bench_compare.sh BASELINE_BIN NEW_BIN CORPUS_DIR [RUNS]
# Example (the baseline built from an earlier commit in a worktree):
#   git worktree add /tmp/base <commit> && (cd /tmp/base && cargo build --release --bin xxgk)
#   scripts/bench_compare.sh /tmp/base/target/release/xxgk target/release/xxgk bench/corpus-100000/reports 10
# The binaries run from a scratch folder, so each uses its built-in config.
set -euo pipefail
base=$(realpath "$1") new=$(realpath "$2") corpus=$(realpath "$3") runs=${4:-3}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
mb=$(du -sb "$corpus" | awk '{printf "%.1f", $1/1e6}')
time_one() { # binary → "wall cpu" seconds
  # Moved aside, not deleted: creating files right after deleting thousands
  # costs ext4 system time (see scripts/bench.sh).
  [ -e "$out/ds" ] && mv "$out/ds" "$out/old-$RANDOM$RANDOM"
  find "$corpus" -type f -print0 | xargs -0 cat >/dev/null
  (cd "$out" && /usr/bin/time -f "%e %U %S" -o "$out/t" "$1" ingest "$corpus" --out "$out/ds" --quiet --jobs 2)
  awk '{printf "%s %.2f\n", $1, $2 + $3}' "$out/t"
}
median() { sort -g | awk '{a[NR]=$1} END{print a[int((NR+1)/2)]}'; }
: >"$out/base" ; : >"$out/new"
for _ in $(seq "$runs"); do
  time_one "$base" >>"$out/base"
  time_one "$new" >>"$out/new"
done
col() { awk -v c="$2" '{print $c}' "$1"; }
bw=$(col "$out/base" 1 | median) nw=$(col "$out/new" 1 | median)
bc=$(col "$out/base" 2 | median) nc=$(col "$out/new" 2 | median)
ratio=$(paste "$out/base" "$out/new" | awk '{print $3/$1}' | median)
echo "corpus: $corpus ($mb MB), $runs runs each, alternating, --jobs 2"
echo "baseline: median $bw s wall ($(awk -v m="$mb" -v t="$bw" 'BEGIN{printf "%.1f", m/t}') MB/s), $bc s CPU  runs: $(col "$out/base" 1 | tr '\n' ' ')"
echo "new:      median $nw s wall ($(awk -v m="$mb" -v t="$nw" 'BEGIN{printf "%.1f", m/t}') MB/s), $nc s CPU  runs: $(col "$out/new" 1 | tr '\n' ' ')"
echo "new / baseline: wall $(awk -v a="$nw" -v b="$bw" 'BEGIN{printf "%.3f", a/b}'), CPU $(awk -v a="$nc" -v b="$bc" 'BEGIN{printf "%.3f", a/b}'), median of the per-round wall ratios $(printf '%.3f' "$ratio")"
