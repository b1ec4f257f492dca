#!/usr/bin/env python3
"""Compare the PDF decoder's table grids with pdfplumber's (a reference, never a
runtime dependency): pdfplumber finds tables from the same ruling lines
("lines" strategies) with its own code, and its cell texts, whitespace removed,
should equal ours cell for cell.

Usage:  pip install pdfplumber
        python3 scripts/compare_pdfplumber.py [PDF ...]
Default PDFs: tests/fixtures/realworld/pdf/*.pdf and tests/fixtures/realworld/renderings/*.pdf.
Our grids come from the `dump` tool test of the decoder (cargo test --lib, debug build).
Prints, per PDF, the tables each side found and the rows that differ (rows
aligned with difflib); exits 1 on a difference. Expected differences: rows our
decoder joins across a page break, and cells it carries over a page break.
"""

import difflib
import glob
import json
import os
import re
import subprocess
import sys

import pdfplumber

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def ours(pdf):
    env = dict(os.environ, XXGK_DUMP_PDF=os.path.abspath(pdf), XXGK_DUMP_JSON="1")
    out = subprocess.run(
        ["cargo", "test", "-q", "--lib", "decode::pdf::geometry::tests::dump", "--", "--ignored", "--exact", "--nocapture"],
        cwd=ROOT, env=env, capture_output=True, text=True, check=True,
    ).stdout
    line = next(l for l in out.splitlines() if l.startswith("XXGK_JSON "))
    tables = json.loads(line[len("XXGK_JSON "):])["tables"]
    # Origin cells only, row by row, whitespace removed.
    return [[[norm(t) for t, spanned in row if not spanned] for row in table] for table in tables]


def norm(text):
    return re.sub(r"\s+", "", text or "")


def theirs(pdf):
    settings = {"vertical_strategy": "lines", "horizontal_strategy": "lines"}
    out = []
    with pdfplumber.open(pdf) as doc:
        for page in doc.pages:
            for table in page.find_tables(settings):
                rows = table.extract()
                # One column is a ruled text box (pdfplumber also counts the
                # edges of filled background rectangles): not a table for us.
                if max((len(r) for r in rows), default=0) < 2:
                    continue
                out.append([[norm(c) for c in row if c is not None] for row in rows])
    return out


def main():
    pdfs = sys.argv[1:] or sorted(
        glob.glob(os.path.join(ROOT, "tests/fixtures/realworld/pdf/*.pdf"))
        + glob.glob(os.path.join(ROOT, "tests/fixtures/realworld/renderings/*.pdf"))
    )
    failed = False
    for pdf in pdfs:
        a, b = ours(pdf), theirs(pdf)
        # Our decoder joins a table continued on the next page (a row the page
        # break cut is one row again, a cell spanning rows goes on spanning);
        # pdfplumber keeps one table per page: align the concatenated rows.
        rows_a = [tuple(r) for t in a for r in t]
        rows_b = [tuple(r) for t in b for r in t]
        matcher = difflib.SequenceMatcher(a=rows_a, b=rows_b, autojunk=False)
        diffs = [op for op in matcher.get_opcodes() if op[0] != "equal"]
        name = os.path.relpath(pdf, ROOT)
        same = sum(size for _, _, size in matcher.get_matching_blocks())
        print(f"{name}: ours {len(a)} tables / {len(rows_a)} rows, pdfplumber {len(b)} tables / "
              f"{len(rows_b)} rows; {same} rows equal")
        for tag, i1, i2, j1, j2 in diffs:
            print(f"  {tag}:")
            for r in rows_a[i1:i2]:
                print(f"    ours       {list(r)}")
            for r in rows_b[j1:j2]:
                print(f"    pdfplumber {list(r)}")
        failed |= bool(diffs)
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
