#!/usr/bin/env bash
# Time the PDF path against the extraction tool alone.
#
#   scripts/bench_pdf.sh [COPIES] [XXGK_BINARY] [OTHER_XXGK_BINARY]
#
# Corpus: the 3 real PDFs (tests/fixtures/realworld/pdf) and the 3 narrow-column
# renderings (tests/fixtures/realworld/renderings), each copied COPIES times
# (default 30) with a distinct trailing comment so no two files are the same bytes.
# Timed sequentially (one file at a time, --jobs 1), ROUNDS rounds (default 7) in
# which the commands take turns, so that a change in the machine's load (it is
# shared) falls on all of them alike; medians are reported:
#   1. pdftotext -layout over every file           (the tool alone: the baseline)
#   2. pdftotext -bbox over every file             (the tool as the geometry path runs it)
#   3. xxgk ingest --jobs 1 of the corpus          (decode + parse + Parquet, the whole run)
#   4. the same with OTHER_XXGK_BINARY, if given   (e.g. a build of the previous commit)
# and the ratio of each to 1, in wall time and in CPU time (user + system of the
# command and its children, from getrusage; other load on the machine moves it
# far less than wall time, but it does not show what runs at once on two cores:
# the decoder reads the ruling lines while pdftotext runs). The decoder alone, in-process and interleaved per file:
#   cargo test --release --test it -- --ignored --nocapture pdf_decode_time
# Needs poppler-utils and python3.
set -euo pipefail
cd "$(dirname "$0")/.."
COPIES=${1:-30}
XXGK=$(realpath "${2:-target/release/xxgk}")
OTHER=${3:+$(realpath "$3")}
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
mkdir -p "$WORK/corpus"
for f in tests/fixtures/realworld/pdf/*.pdf tests/fixtures/realworld/renderings/*.pdf; do
  stem=$(basename "$f" .pdf)
  for i in $(seq 1 "$COPIES"); do
    { cat "$f"; printf '\n%% copy %d\n' "$i"; } > "$WORK/corpus/${stem}_$i.pdf"
  done
done
export WORK XXGK OTHER ROUNDS=${ROUNDS:-7}
python3 - <<'EOF'
import glob, os, resource, shutil, statistics, subprocess, time
work, rounds = os.environ["WORK"], int(os.environ["ROUNDS"])
files = sorted(glob.glob(f"{work}/corpus/*.pdf"))
print(f"corpus: {len(files)} PDFs; {rounds} rounds")

def tool(mode):
    def run():
        for f in files:
            subprocess.run(["pdftotext", mode, "-enc", "UTF-8", f, "-"], stdout=subprocess.DEVNULL, check=True)
    return run

def ingest(binary):
    def run():
        out = f"{work}/out"
        shutil.rmtree(out, ignore_errors=True)
        # From a scratch folder: each binary uses its built-in config, not ./config of this checkout.
        subprocess.run([binary, "ingest", f"{work}/corpus", "--out", out, "--quiet", "--jobs", "1"], check=True, cwd=work)
    return run

cmds = [("pdftotext -layout", tool("-layout")), ("pdftotext -bbox", tool("-bbox")),
        ("xxgk ingest (this build)", ingest(os.environ["XXGK"]))]
if os.environ.get("OTHER"):
    cmds.append(("xxgk ingest (other build)", ingest(os.environ["OTHER"])))
times = {name: [] for name, _ in cmds}
cpu = {name: [] for name, _ in cmds}

def children_cpu():
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime

for _, run in cmds:  # warm-up
    run()
for r in range(rounds):
    for name, run in (cmds if r % 2 == 0 else cmds[::-1]):
        t, c = time.perf_counter(), children_cpu()
        run()
        times[name].append(time.perf_counter() - t)
        cpu[name].append(children_cpu() - c)
base = statistics.median(times[cmds[0][0]])
base_cpu = statistics.median(cpu[cmds[0][0]])
print("wall time:")
for name, _ in cmds:
    m = statistics.median(times[name])
    print(f"{name:28s} median {m:7.3f} s  {1000 * m / len(files):6.2f} ms/file  {m / base:5.2f}x pdftotext -layout"
          f"  (min {min(times[name]):.3f}, max {max(times[name]):.3f})")
print("CPU time (user + system, the command and its children; less moved by other load):")
for name, _ in cmds:
    m = statistics.median(cpu[name])
    print(f"{name:28s} median {m:7.3f} s  {1000 * m / len(files):6.2f} ms/file  {m / base_cpu:5.2f}x pdftotext -layout")
EOF
