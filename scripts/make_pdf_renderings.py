#!/usr/bin/env python3
"""Re-make tests/fixtures/realworld/renderings/*.pdf: the three real HTML reports
(tests/fixtures/realworld/html/*.html) printed the way Word, WPS and LibreOffice
print table B of the 2021 format: narrow columns, so that header words stand one
character a line (自/然/人) and a number wider than its column wraps inside its
cell (a 2 above a 6 for 26).

How: each page's title (<meta name="ArticleTitle">) and the content of
div.TRS_Editor (paragraphs and the three tables, rowspan/colspan kept, cell text
joined without spaces and trimmed of spaces, NBSP and U+3000, entities decoded)
are written into a flat OpenDocument text file (.fodt), the title on two lines
(issuer; year and report name), the tables with fixed column widths
(COLUMN_WIDTHS_CM below), 10.5 pt WenQuanYi Micro Hei, 0.5 pt black cell borders,
A4 with 2 cm margins; LibreOffice then prints it:

    soffice --headless --convert-to pdf --outdir OUT FILE.fodt

Needs: python3 (standard library only), LibreOffice Writer and the font
(Debian: apt-get install -y libreoffice-writer-nogui fonts-wqy-microhei).

Usage: python3 scripts/make_pdf_renderings.py [--out-dir DIR] [--keep-fodt DIR]
Writes tests/fixtures/realworld/renderings/<stem>.pdf (or DIR/<stem>.pdf) for
each HTML page.
The PDFs are not byte-reproducible (LibreOffice stamps dates and IDs); the
layout is, for a given LibreOffice version and font.
"""

import argparse
import html
import html.parser
import os
import pathlib
import re
import shutil
import subprocess
import sys
import tempfile

ROOT = pathlib.Path(__file__).resolve().parent.parent
HTML_DIR = ROOT / "tests/fixtures/realworld/html"
OUT_DIR = ROOT / "tests/fixtures/realworld/renderings"
STEMS = ["pingtan_gongan_2022", "pingtan_ziranziyuan_2023", "pingtan_xingzhengshenpi_2024"]

# Column widths (cm) by the number of grid columns of a table. The inner width
# of a narrow column (width less 2 x 0.05 cm padding) holds one CJK character
# of 10.5 pt (0.37 cm) but not two digits, so 自然人 prints one character a
# line and 19 prints 1 above 9.
NARROW = 0.48
COLUMN_WIDTHS_CM = {
    4: [2.6, NARROW, NARROW, NARROW],  # table 一 (第二十条): values 15, 157 wrap
    10: [0.6, 1.4, 3.4] + [NARROW] * 7,  # table 二 (applications)
    15: [NARROW] * 15,  # table 三 (review, litigation)
}
PADDING_CM = 0.05
FONT = "WenQuanYi Micro Hei"
STRIP = " \t\r\n\u00a0\u3000"


class Extract(html.parser.HTMLParser):
    """The blocks of div.TRS_Editor: ("p", text) and ("table", rows), each row a
    list of (text, rowspan, colspan)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.title = None
        self.depth = 0  # div nesting inside TRS_Editor; 0 = outside
        self.blocks = []
        self.para = None  # text pieces of the paragraph being read
        self.table_depth = 0
        self.rows = None
        self.cell = None  # [pieces, rowspan, colspan]

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "meta" and a.get("name") == "ArticleTitle":
            self.title = a.get("content", "").strip()
        if self.depth == 0:
            if tag == "div" and "TRS_Editor" in (a.get("class") or "").split():
                self.depth = 1
            return
        if tag == "div":
            self.depth += 1
        if tag == "table":
            self.flush_para()
            self.table_depth += 1
            if self.table_depth == 1:
                self.rows = []
        elif self.table_depth == 1 and tag == "tr":
            self.rows.append([])
        elif self.table_depth == 1 and tag in ("td", "th"):
            self.cell = [[], int(a.get("rowspan") or 1), int(a.get("colspan") or 1)]
        elif tag == "p" and self.table_depth == 0:
            self.flush_para()
            self.para = []
        elif tag == "br" and self.table_depth == 0:
            self.flush_para()
            self.para = []

    def handle_endtag(self, tag):
        if self.depth == 0:
            return
        if tag == "div":
            self.depth -= 1
            if self.depth == 0:
                self.flush_para()
            return
        if tag == "table":
            self.table_depth -= 1
            if self.table_depth == 0:
                self.blocks.append(("table", self.rows))
                self.rows = None
        elif self.table_depth == 1 and tag in ("td", "th") and self.cell is not None:
            text = "".join(self.cell[0]).strip(STRIP)
            self.rows[-1].append((text, self.cell[1], self.cell[2]))
            self.cell = None
        elif tag == "p" and self.table_depth == 0:
            self.flush_para()

    def handle_data(self, data):
        if self.depth == 0:
            return
        if self.cell is not None:
            self.cell[0].append(data.replace("\n", ""))
        elif self.table_depth == 0:
            if self.para is None:
                self.para = []
            self.para.append(data)

    def flush_para(self):
        if self.para is not None:
            text = " ".join("".join(self.para).split())
            if text.strip(STRIP):
                self.blocks.append(("p", text.strip(STRIP)))
        self.para = None


def grid_width(rows):
    """Columns of the table once spans are expanded (the HTML table model)."""
    taken = {}
    width = 0
    for r, row in enumerate(rows):
        c = 0
        for _text, rowspan, colspan in row:
            while (r, c) in taken:
                c += 1
            for dr in range(rowspan):
                for dc in range(colspan):
                    taken[(r + dr, c + dc)] = True
            c += colspan
            width = max(width, c)
    return width


def table_xml(n, rows):
    """A table:table with covered cells where spans reach."""
    widths = COLUMN_WIDTHS_CM.get(grid_width(rows))
    if widths is None:
        raise SystemExit(f"table {n}: {grid_width(rows)} columns, no widths set for it")
    out = [f'<table:table table:name="T{n}" table:style-name="T{n}">']
    for i, _ in enumerate(widths):
        out.append(f'<table:table-column table:style-name="T{n}.C{i}"/>')
    covered = set()
    for r, row in enumerate(rows):
        out.append("<table:table-row>")
        c = 0
        cells = iter(row)
        while c < len(widths):
            if (r, c) in covered:
                out.append("<table:covered-table-cell/>")
                c += 1
                continue
            cell = next(cells, None)
            if cell is None:
                out.append('<table:table-cell table:style-name="Cell"><text:p text:style-name="CellText"/></table:table-cell>')
                c += 1
                continue
            text, rowspan, colspan = cell
            colspan = min(colspan, len(widths) - c)
            rowspan = min(rowspan, len(rows) - r)
            for dr in range(rowspan):
                for dc in range(colspan):
                    if dr or dc:
                        covered.add((r + dr, c + dc))
            span = ""
            if colspan > 1:
                span += f' table:number-columns-spanned="{colspan}"'
            if rowspan > 1:
                span += f' table:number-rows-spanned="{rowspan}"'
            out.append(
                f'<table:table-cell table:style-name="Cell"{span} office:value-type="string">'
                f'<text:p text:style-name="CellText">{html.escape(text, quote=False)}</text:p>'
                "</table:table-cell>"
            )
            c += 1
        out.append("</table:table-row>")
    out.append("</table:table>")
    return "\n".join(out), widths


def fodt(title, blocks):
    # The title on two lines, issuer then year and report name, as printed
    # reports set it (a long issuer would otherwise wrap anywhere).
    m = re.search(r"\d{4}年", title)
    parts = [title[: m.start()], title[m.start():]] if m and m.start() > 0 else [title]
    body = [f'<text:p text:style-name="Title">{html.escape(p, quote=False)}</text:p>' for p in parts]
    auto = []
    n = 0
    for kind, content in blocks:
        if kind == "p":
            body.append(f'<text:p text:style-name="Body">{html.escape(content, quote=False)}</text:p>')
        else:
            n += 1
            xml, widths = table_xml(n, content)
            total = sum(widths)
            auto.append(
                f'<style:style style:name="T{n}" style:family="table">'
                f'<style:table-properties style:width="{total:.2f}cm" table:align="center"/></style:style>'
            )
            for i, w in enumerate(widths):
                auto.append(
                    f'<style:style style:name="T{n}.C{i}" style:family="table-column">'
                    f'<style:table-column-properties style:column-width="{w:.2f}cm"/></style:style>'
                )
            body.append(xml)
            body.append('<text:p text:style-name="Body"/>')
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<office:document xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"
 xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0"
 xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"
 xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"
 xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0"
 xmlns:svg="urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0"
 office:version="1.3" office:mimetype="application/vnd.oasis.opendocument.text">
<office:font-face-decls>
 <style:font-face style:name="{FONT}" svg:font-family="'{FONT}'"/>
</office:font-face-decls>
<office:styles>
 <style:default-style style:family="paragraph">
  <style:paragraph-properties fo:hyphenation-ladder-count="no-limit"/>
  <style:text-properties style:font-name="{FONT}" style:font-name-asian="{FONT}" fo:font-size="10.5pt" style:font-size-asian="10.5pt" fo:language="zh" fo:country="CN" style:language-asian="zh" style:country-asian="CN"/>
 </style:default-style>
 <style:style style:name="Body" style:family="paragraph">
  <style:paragraph-properties fo:text-indent="0.74cm" fo:margin-bottom="0.1cm" fo:line-height="130%"/>
 </style:style>
 <style:style style:name="Title" style:family="paragraph">
  <style:paragraph-properties fo:text-align="center" fo:margin-bottom="0.4cm"/>
  <style:text-properties fo:font-size="16pt" style:font-size-asian="16pt" fo:font-weight="bold" style:font-weight-asian="bold"/>
 </style:style>
 <style:style style:name="CellText" style:family="paragraph">
  <style:paragraph-properties fo:text-align="center" fo:margin="0cm"/>
 </style:style>
</office:styles>
<office:automatic-styles>
 <style:page-layout style:name="A4">
  <style:page-layout-properties fo:page-width="21cm" fo:page-height="29.7cm" fo:margin-top="2cm" fo:margin-bottom="2cm" fo:margin-left="2cm" fo:margin-right="2cm"/>
 </style:page-layout>
 <style:style style:name="Cell" style:family="table-cell">
  <style:table-cell-properties fo:padding="{PADDING_CM}cm" fo:border="0.5pt solid #000000" style:vertical-align="middle"/>
 </style:style>
 {"".join(auto)}
</office:automatic-styles>
<office:master-styles>
 <style:master-page style:name="Standard" style:page-layout-name="A4"/>
</office:master-styles>
<office:body><office:text>
{chr(10).join(body)}
</office:text></office:body>
</office:document>
"""


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--keep-fodt", help="also keep the .fodt files in this folder")
    ap.add_argument("--out-dir", default=str(OUT_DIR), help=f"where the PDFs go (default {OUT_DIR.relative_to(ROOT)})")
    args = ap.parse_args()
    out_dir = pathlib.Path(args.out_dir).resolve()
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if not soffice:
        sys.exit("soffice not found: apt-get install -y libreoffice-writer-nogui fonts-wqy-microhei")
    out_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        tmp = pathlib.Path(tmp)
        for stem in STEMS:
            page = Extract()
            page.feed((HTML_DIR / f"{stem}.html").read_text(encoding="utf-8"))
            page.close()
            tables = sum(1 for k, _ in page.blocks if k == "table")
            if not page.title or tables != 3:
                sys.exit(f"{stem}: title {page.title!r}, {tables} tables (expected 3)")
            src = tmp / f"{stem}.fodt"
            src.write_text(fodt(page.title, page.blocks), encoding="utf-8")
            if args.keep_fodt:
                os.makedirs(args.keep_fodt, exist_ok=True)
                shutil.copy(src, args.keep_fodt)
            # A private profile: no first-start dialogs, no lock on the user's one.
            subprocess.run(
                [soffice, f"-env:UserInstallation=file://{tmp}/profile", "--headless",
                 "--convert-to", "pdf", "--outdir", str(out_dir), str(src)],
                check=True, stdout=subprocess.DEVNULL, timeout=300,
            )
            print(out_dir / f"{stem}.pdf")


if __name__ == "__main__":
    main()
