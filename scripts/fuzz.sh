#!/usr/bin/env bash
# Run every cargo-fuzz target for FUZZ_SECONDS (default 180), seeded with the samples
# and the format fixtures. Needs cargo-fuzz (`cargo install cargo-fuzz`) and a nightly toolchain.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${FUZZ_SECONDS:-180}
command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz --locked
for target in decode_text decode_html decode_docx parse_report parse_number segment pdf_geometry; do
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
  (cd fuzz && cargo +nightly fuzz run "$target" "../$corpus" -- -max_total_time="$seconds" -max_len=262144 -timeout=10 -rss_limit_mb=2048)
done
echo "no crashes; artifacts (if any) are in fuzz/artifacts/"
