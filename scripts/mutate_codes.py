#!/usr/bin/env python3
"""Mutation check of the parser's code lists: swap two neighbouring codes of every list in
src/parse/labels.rs (applicant columns, table B rows of both templates, table C proceedings
and outcomes, table A measures and items, the label -> row code table), rebuild, and run the
golden tests. Every swap must make a test fail; a swap that passes is a code the tests cannot
tell from its neighbour.

Usage: python3 scripts/mutate_codes.py [--test-filter golden] [--only NAME]
Restores src/parse/labels.rs after each mutation (and on Ctrl-C). Prints one line per
mutation and a summary; exits 1 if any mutation survived. Takes ~40 s a mutation on 2 cores.
"""

import argparse
import pathlib
import re
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
LABELS = ROOT / "src/parse/labels.rs"

# (name, start marker, end marker): the quoted codes between them form one list.
BLOCKS = [
    ("applicants", "pub const APPLICANTS: [&str; 7] = [", "];"),
    ("table B rows (common head)", "const HEAD: [&str; 20] = [", "];"),
    ("table B rows 2019 tail", "const V2019: [&str; 23] = concat_rows(HEAD, [", "]);"),
    ("table B rows 2021 tail", "const V2021: [&str; 25] = concat_rows(", ");"),
    ("table C proceedings", "pub const PROCEEDINGS: [&str; 3] = [", "];"),
    ("table C outcomes", "pub const OUTCOMES: [&str; 5] = [", "];"),
    ("table A measures 2021 rules", '(Template::V2021, "rules" | "normative_docs") => &[', "],"),
    ("table A measures 2019 rules", '(_, "rules" | "normative_docs") => &[', "],"),
    ("table A measures 2019 licensing", "&[\"prev_items\", \"change\", \"decisions\"]", ""),
    ("table A measures 2019 procurement", '(_, "procurement") => &[', "],"),
]


def quoted_spans(text, start, end):
    """Positions of the non-empty string literals of one block: after the start marker,
    up to the end marker (an empty end marker: the start marker is the list itself)."""
    s = text.index(start)
    if end:
        s += len(start)
        e = text.index(end, s)
    else:
        e = s + len(start)
    return [(m.start(1), m.end(1)) for m in re.finditer(r'"([^"]*)"', text[s:e])
            if m.group(1)], s


def mutations(text):
    for name, start, end in BLOCKS:
        spans, base = quoted_spans(text, start, end)
        spans = [(a + base, b + base) for a, b in spans]
        for (a1, b1), (a2, b2) in zip(spans, spans[1:]):
            first, second = text[a1:b1], text[a2:b2]
            if first == second:
                continue
            mutated = text[:a1] + second + text[b1:a2] + first + text[b2:]
            yield f"{name}: {first} <-> {second}", mutated
    # The label -> row code table: swap the codes of neighbouring keys.
    s = text.index("const ROW_KEYS: &[(&str, &str)] = &[")
    e = text.index("];", s)
    pairs = [m for m in re.finditer(r'\("([^"]+)", "([^"]+)"\)', text[s:e])]
    for m1, m2 in zip(pairs, pairs[1:]):
        c1, c2 = m1.group(2), m2.group(2)
        if c1 == c2:
            continue
        a1, b1 = s + m1.start(2), s + m1.end(2)
        a2, b2 = s + m2.start(2), s + m2.end(2)
        mutated = text[:a1] + c2 + text[b1:a2] + c1 + text[b2:]
        yield f"row keys: {m1.group(1)}={c1} <-> {m2.group(1)}={c2}", mutated


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--test-filter", default="golden")
    ap.add_argument("--only", default=None)
    args = ap.parse_args()
    original = LABELS.read_text()
    survived, killed = [], 0
    try:
        for name, mutated in mutations(original):
            if args.only and args.only not in name:
                continue
            LABELS.write_text(mutated)
            r = subprocess.run(["cargo", "test", "--offline", "-q", "--test", "it", args.test_filter],
                               cwd=ROOT, capture_output=True, text=True)
            if r.returncode == 0:
                survived.append(name)
                print(f"SURVIVED  {name}", flush=True)
            else:
                killed += 1
                print(f"killed    {name}", flush=True)
    finally:
        LABELS.write_text(original)
    print(f"{killed} mutations killed, {len(survived)} survived")
    for name in survived:
        print(f"  survived: {name}")
    sys.exit(1 if survived else 0)


if __name__ == "__main__":
    main()
