#!/usr/bin/env bash
# Run every cargo-fuzz target (or those named in FUZZ_TARGETS) for FUZZ_SECONDS each (default
# 180), seeded with the samples and the format fixtures. Needs cargo-fuzz (installed if
# missing). With a nightly toolchain it is used; without one, the stable toolchain is told
# to accept the nightly flags cargo-fuzz passes (RUSTC_BOOTSTRAP=1: the sanitizer and
# coverage options libFuzzer needs), which is how it runs on a stable-only machine.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${FUZZ_SECONDS:-180}
targets=${FUZZ_TARGETS:-decode_text decode_html decode_docx parse_report parse_number segment pdf_geometry}
command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz --locked
if rustup toolchain list 2>/dev/null | grep -q nightly; then
  fuzz=(cargo +nightly fuzz)
else
  export RUSTC_BOOTSTRAP=1
  fuzz=(cargo fuzz)
fi
for target in $targets; do
  corpus=fuzz/corpus/$target
  mkdir -p "$corpus"
  case $target in
    decode_html) cp -n tests/fixtures/realworld/html/*.html tests/fixtures/formats/*.html "$corpus"/ 2>/dev/null || true ;;
    decode_docx) cp -n tests/fixtures/formats/*.docx "$corpus"/ 2>/dev/null || true ;;
    pdf_geometry) cp -n tests/fixtures/realworld/pdf/*.pdf tests/fixtures/realworld/renderings/*.pdf "$corpus"/ 2>/dev/null || true ;;
    parse_number) printf '增5' > "$corpus/inc"; printf '减48' > "$corpus/dec"; printf '3.23亿' > "$corpus/yi"; printf '１２' > "$corpus/wide" ;;
    *) cp -n data/samples/*.txt tests/fixtures/realworld/*.txt tests/fixtures/realworld/crawled/*.txt "$corpus"/ ;;
  esac
  echo "== fuzzing $target for ${seconds}s"
  (cd fuzz && "${fuzz[@]}" run "$target" "../$corpus" -- -max_total_time="$seconds" -max_len=262144 -timeout=10 -rss_limit_mb=2048 2>&1 | tee "../fuzz/$target.log" | grep -E "^#[0-9]+.*(DONE|pulse)|ERROR|SUMMARY|Done [0-9]+ runs" || true)
  grep -E "Done [0-9]+ runs" "fuzz/$target.log" || { echo "fuzz $target: no summary line, see fuzz/$target.log" >&2; exit 1; }
  if grep -q "ERROR: libFuzzer" "fuzz/$target.log"; then echo "fuzz $target: crash, see fuzz/$target.log and fuzz/artifacts/" >&2; exit 1; fi
done
echo "no crashes; artifacts (if any) are in fuzz/artifacts/"
