#!/usr/bin/env python3
"""Make tests/fixtures/distinct/: two real reports with every table cell replaced by a value
that is distinct in its row and its column and never 0, and their goldens.

Why: in the real fixtures most cells are 0 (few applications come from 科研机构 or
社会公益组织), so a parser that swapped two codes of a code list (research <-> public_welfare,
two outcome rows, two measures) would still match every golden. Here every swap changes a
value, so it fails `tests/it/golden.rs::distinct_values_catch_swapped_codes`.

The documents keep their real structure; only the numbers change, cell by cell in document
order, and the new numbers satisfy every identity of docs/report-format.md (so the report
has no findings):

- distinct_2019.txt from data/samples/001_29196fa5befbfdb4.txt (城口县 2020, 2019 template,
  pipe cells, ASCII punctuation);
- distinct_2021.html from tests/fixtures/realworld/html/pingtan_gongan_2022.html (2021
  template, HTML tables with rowspan/colspan).

The codes and their order below are written from the official formats (docs/report-format.md),
not imported from the parser. Before replacing, the script checks that the document's numbers,
in order, are the hand-read golden values of the original (tests/golden/...), so the mapping
from document position to (row, column) is the golden's own.

Usage: python3 scripts/make_distinct_fixtures.py   (writes the fixtures and goldens)
"""

import pathlib
import re

ROOT = pathlib.Path(__file__).resolve().parent.parent
OUT = ROOT / "tests/fixtures/distinct"
GOLDEN = ROOT / "tests/golden/distinct"

APPLICANTS = ["natural_person", "commercial", "research", "public_welfare", "legal_services", "other_org"]
OUTCOMES_COMMON = (
    ["granted", "partial"]
    + [f"denied.{c}" for c in ["state_secret", "law_forbidden", "safety_stability", "third_party",
                               "internal_affairs", "process_info", "enforcement_file", "query_matter"]]
    + [f"unavailable.{c}" for c in ["not_held", "needs_creation", "unclear"]]
    + [f"not_processed.{c}" for c in ["petition", "repeated", "publication", "mass_repeated",
                                      "confirm_reissue"]]
)
OUTCOMES = {
    "2019": OUTCOMES_COMMON + ["other"],
    "2021": OUTCOMES_COMMON + ["other.no_correction", "other.unpaid_fee", "other.other"],
}
PROCEEDINGS = ["review", "litigation_direct", "litigation_after_review"]
C_OUTCOMES = ["upheld", "corrected", "other", "pending", "total"]


def table_b(template):
    """Rows in document order: (row code, [six applicant values + total])."""
    outcomes = OUTCOMES[template]
    cells = {o: [1 + i * 6 + j for j in range(6)] for i, o in enumerate(outcomes)}
    total = [sum(cells[o][j] for o in outcomes) for j in range(6)]
    carried_forward = [200 + 11 * j for j in range(6)]
    carried_over = [300 + 7 * j for j in range(6)]
    new = [total[j] + carried_forward[j] - carried_over[j] for j in range(6)]
    rows = [("new", new), ("carried_over", carried_over)]
    rows += [(o, cells[o]) for o in outcomes]
    rows += [("total", total), ("carried_forward", carried_forward)]
    rows = [(code, values + [sum(values)]) for code, values in rows]
    check_distinct([v for _, v in rows], "table B")
    return rows


def table_c():
    base = {"review": [3, 5, 7, 11], "litigation_direct": [13, 17, 19, 23],
            "litigation_after_review": [29, 31, 37, 41]}
    rows = [(p, base[p] + [sum(base[p])]) for p in PROCEEDINGS]
    check_distinct([v for _, v in rows], "table C")
    return rows


def check_distinct(rows, what):
    for values in rows:
        assert len(set(values)) == len(values) and 0 not in values, (what, values)
    for column in zip(*rows):
        assert len(set(column)) == len(column), (what, column)


# Table A: (item, measure, printed text, golden value, unit).
TABLE_A = {
    "2019": [
        ("rules", "made", "11", "11", None), ("rules", "published", "9", "9", None),
        ("rules", "public_total", "37", "37", None),
        ("normative_docs", "made", "23", "23", None),
        ("normative_docs", "published", "21", "21", None),
        ("normative_docs", "public_total", "148", "148", None),
        ("licensing", "prev_items", "45", "45", None), ("licensing", "change", "增7", "7", None),
        ("licensing", "decisions", "1234", "1234", None),
        ("other_services", "prev_items", "56", "56", None),
        ("other_services", "change", "减3", "-3", None),
        ("other_services", "decisions", "678", "678", None),
        ("penalty", "prev_items", "67", "67", None), ("penalty", "change", "增8", "8", None),
        ("penalty", "decisions", "567", "567", None),
        ("coercion", "prev_items", "34", "34", None), ("coercion", "change", "减2", "-2", None),
        ("coercion", "decisions", "89", "89", None),
        ("fees", "prev_items", "12", "12", None), ("fees", "change", "增1", "1", None),
        ("procurement", "items", "6", "6", None),
        ("procurement", "amount", "3852万元", "3852", "万元"),
    ],
    "2021": [
        ("rules", "issued", "11", "11", None), ("rules", "repealed", "2", "2", None),
        ("rules", "in_force", "37", "37", None),
        ("normative_docs", "issued", "23", "23", None),
        ("normative_docs", "repealed", "5", "5", None),
        ("normative_docs", "in_force", "148", "148", None),
        ("licensing", "decisions", "1234", "1234", None),
        ("penalty", "decisions", "567", "567", None),
        ("coercion", "decisions", "89", "89", None),
        ("fees", "amount", "12.5", "12.5", "万元"),
    ],
}


def cells_in_order(template):
    """Every cell in document order: (golden line, printed text)."""
    out = [(f"A\t{i}\t{m}\t{v}" + (f"\t{u}" if u else ""), text) for i, m, text, v, u in TABLE_A[template]]
    for code, values in table_b(template):
        for applicant, v in zip(APPLICANTS + ["total"], values):
            out.append((f"B\t{code}\t{applicant}\t{v}", str(v)))
    for proceeding, values in table_c():
        for outcome, v in zip(C_OUTCOMES, values):
            out.append((f"C\t{proceeding}\t{outcome}\t{v}", str(v)))
    return out


def golden_values(path):
    """The values of the A/B/C lines of a golden, in order."""
    return [line.split("\t")[3] for line in path.read_text().splitlines() if line[:2] in ("A\t", "B\t", "C\t")]


def replace_in_order(text, pattern, originals, replacements):
    """Replace the matches of `pattern` (group 'num') in order; the matched numbers must be
    the original's golden values, in order."""
    matches = list(re.finditer(pattern, text))
    found = [m.group("num") for m in matches]
    assert len(found) == len(originals), (len(found), len(originals))
    for got, want in zip(found, originals):
        assert float(got) == float(want), (got, want)
    out, last = [], 0
    for m, new in zip(matches, replacements):
        out.append(text[last:m.start("num")])
        out.append(new)
        last = m.end("num")
    out.append(text[last:])
    return "".join(out)


def write_golden(name, header, meta, cells):
    lines = [f"# {name} — made by scripts/make_distinct_fixtures.py; do not edit by hand."]
    lines += [f"# {h}" for h in header]
    lines += [f"meta\t{k}\t{v}" for k, v in meta]
    lines += [g for g, _ in cells]
    (GOLDEN / f"{name}.golden").write_text("\n".join(lines) + "\n")


def make_2019():
    src = ROOT / "data/samples/001_29196fa5befbfdb4.txt"
    text = src.read_text()
    start = text.index("二、主动公开政府信息情况")
    end = text.index("五、", start)
    cells = cells_in_order("2019")
    # A number cell: a line holding only a number, then ` |`.
    pattern = r"(?m)^(?P<num>-?\d+(?:\.\d+)?) \|"
    region = replace_in_order(text[start:end], pattern,
                              golden_values(ROOT / "tests/golden/samples/001_29196fa5befbfdb4.golden"),
                              [t for _, t in cells])
    (OUT / "distinct_2019.txt").write_text(text[:start] + region + text[end:])
    write_golden("distinct_2019",
                 ["data/samples/001 (城口县 2020, 2019 template) with every table cell distinct in its row",
                  "and column and non-zero; the identities hold, so no finding is expected."],
                 [("year", "2020"), ("template", "2019"), ("status", "ok")], cells)


def make_2021():
    src = ROOT / "tests/fixtures/realworld/html/pingtan_gongan_2022.html"
    text = src.read_text()
    start = text.index("<table")
    end = text.rindex("</table>")
    cells = cells_in_order("2021")
    # A number cell: <td …> (tags) number (tags) </td>.
    pattern = r"<td[^>]*>(?:\s*<[^/][^>]*>)*\s*(?P<num>\d+(?:\.\d+)?)\s*(?:</[^>]+>\s*)*</td>"
    region = replace_in_order(text[start:end], pattern,
                              golden_values(ROOT / "tests/golden/realworld/pingtan_gongan_2022.golden"),
                              [t for _, t in cells])
    (OUT / "distinct_2021.html").write_text(text[:start] + region + text[end:])
    write_golden("distinct_2021",
                 ["tests/fixtures/realworld/html/pingtan_gongan_2022.html (2021 template) with every table",
                  "cell distinct in its row and column and non-zero; the identities hold."],
                 [("year", "2022"), ("template", "2021"), ("status", "ok")], cells)


def make_split_2021():
    """distinct_2021.html as converters reshape tables: table B cut into one small table per
    row, each under a placeholder header row (列1 列2 …), its rowspans dropped. The cells are
    distinct_2021's; the rows must be found by their labels wherever they stand."""
    text = (OUT / "distinct_2021.html").read_text()
    tables = list(re.finditer(r"<table.*?</table>", text, re.S))
    table_b = tables[1]
    pieces = []
    for row in re.findall(r"<tr.*?</tr>", table_b.group(0), re.S):
        row = re.sub(r'\s*rowspan="\d+"', "", row)
        header = "<tr>" + "".join(f"<td>列{i + 1}</td>" for i in range(row.count("<td"))) + "</tr>"
        pieces.append(f'<table border="1"><tbody>{header}{row}</tbody></table>')
    (OUT / "split_2021.html").write_text(text[:table_b.start()] + "\n".join(pieces) + text[table_b.end():])
    golden = (GOLDEN / "distinct_2021.golden").read_text().splitlines()
    header = [
        "# split_2021 — made by scripts/make_distinct_fixtures.py; do not edit by hand.",
        "# distinct_2021.html with table B cut into one table per row under placeholder headers",
        "# (列1 列2 …, rowspans dropped), as converters reshape tables; the same cells.",
    ]
    (GOLDEN / "split_2021.golden").write_text("\n".join(header + [l for l in golden if not l.startswith("#")]) + "\n")


if __name__ == "__main__":
    OUT.mkdir(parents=True, exist_ok=True)
    GOLDEN.mkdir(parents=True, exist_ok=True)
    make_2019()
    make_2021()
    make_split_2021()
    print(f"wrote {OUT} and {GOLDEN}")
