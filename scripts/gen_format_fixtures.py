#!/usr/bin/env python3
"""Generate the HTML / DOCX / PDF decoder fixtures in tests/fixtures/formats/.

The source is the real sample report data/samples/000_1f3be3be81006fc6.txt
(临泽县 2019), whose tables are "one cell per line with a leading tab, rows
separated by blank lines". Its running text is read from the sample; its three
tables are written out below with the row/col spans of the national 2019
template, and checked cell by cell against the sample before anything is written.

Outputs (all deterministic: fixed zip timestamps, reportlab invariant mode):

  sample_000.html        GBK-encoded, Word-"Save as HTML"-style markup (mso- styles,
                         <o:p>, <!--[if !supportLists]--> list markers, numbers in
                         <span>s), site chrome around the article, rowspan/colspan tables
  sample_000.docx        python-docx, merged cells as gridSpan / vMerge
  sample_000.pdf         reportlab, CID font STSong-Light (needs poppler-data to read)
  sample_000.expected.json  the running-text lines (title first) and the three tables as
                         expanded grids ([[text, spanned], ...] per row): what the HTML and
                         DOCX decoders must return
  truncated.docx         the first half of sample_000.docx (corrupt zip)
  no_tables.html         a short page that is not a report (text, no table)
  not_a_pdf.pdf          plain text bytes named .pdf
  no_text_layer.pdf      a PDF with only vector graphics (no text layer)

Usage:  pip install python-docx reportlab
        python3 scripts/gen_format_fixtures.py [--sample PATH] [--out DIR]
"""

import argparse
import html
import io
import json
import os
import re
import sys
import zipfile

HERE = os.path.dirname(os.path.abspath(__file__))
CRATE = os.path.dirname(HERE)
DEFAULT_SAMPLE = os.path.join(CRATE, "data", "samples", "000_1f3be3be81006fc6.txt")
DEFAULT_OUT = os.path.join(CRATE, "tests", "fixtures", "formats")


# ---------------------------------------------------------------------------
# The sample: running text and tables
# ---------------------------------------------------------------------------

def read_sample(path):
    """Split the sample into a list of ("line", text) and ("table", rows) items."""
    with open(path, encoding="utf-8") as f:
        lines = f.read().split("\n")
    items = []
    table = None
    row = None
    for line in lines:
        if line.startswith("\t"):
            if table is None:
                table = []
                items.append(("table", table))
            if row is None:
                row = []
                table.append(row)
            row.append(line[1:].strip())
        elif line.strip() == "":
            row = None
        else:
            table = None
            row = None
            items.append(("line", line.strip()))
    return items


def C(text="", rs=1, cs=1):
    return {"text": text, "rs": rs, "cs": cs}


def V(*values):
    return [C(v) for v in values]


# Table 一 (第二十条), 4 columns.
TABLE_A = [
    [C("第二十条第（一）项", cs=4)],
    V("信息内容", "本年新制作数量", "本年新公开数量", "对外公开总数量"),
    V("规章", "", "", ""),
    V("规范性文件", "6", "6", "6"),
    [C("第二十条第（五）项", cs=4)],
    V("信息内容", "上一年项目数量", "本年增/减", "处理决定数量"),
    V("行政许可", "1022", "减48", "974"),
    V("其他对外管理服务事项", "", "", ""),
    [C("第二十条第（六）项", cs=4)],
    V("信息内容", "上一年项目数量", "本年增/减", "处理决定数量"),
    V("行政处罚", "915", "减18", "897"),
    V("行政强制", "24", "增5", "29"),
    [C("第二十条第（八）项", cs=4)],
    V("信息内容", "上一年项目数量") + [C("本年增/减", cs=2)],
    V("行政事业性收费", "33") + [C("", cs=2)],
    [C("第二十条第（九）项", cs=4)],
    V("信息内容", "采购项目数量") + [C("采购总金额", cs=2)],
    V("政府集中采购", "275") + [C("3852万元", cs=2)],
]

E7 = ["", "", "", "", "", "", ""]

# Table 二 (applications), 2019 template: 3 label columns + 7 applicant columns.
TABLE_B = [
    [C("（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）", rs=3, cs=3),
     C("申请人情况", cs=7)],
    [C("自然人", rs=2), C("法人或其他组织", cs=5), C("总计", rs=2)],
    V("商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他"),
    [C("一、本年新收政府信息公开申请数量", cs=3)] + V("1", "", "", "", "", "", "1"),
    [C("二、上年结转政府信息公开申请数量", cs=3)] + V(*E7),
    [C("三、本年度办理结果", rs=20), C("（一）予以公开", cs=2)] + V(*E7),
    [C("（二）部分公开（区分处理的，只计这一情形，不计其他情形）", cs=2)] + V(*E7),
    [C("（三）不予公开", rs=8), C("1.属于国家秘密")] + V(*E7),
    [C("2.其他法律行政法规禁止公开")] + V(*E7),
    [C("3.危及“三安全一稳定”")] + V(*E7),
    [C("4.保护第三方合法权益")] + V(*E7),
    [C("5.属于三类内部事务信息")] + V("1", "", "", "", "", "", "1"),
    [C("6.属于四类过程性信息")] + V(*E7),
    [C("7.属于行政执法案卷")] + V(*E7),
    [C("8.属于行政查询事项")] + V(*E7),
    [C("（四）无法提供", rs=3), C("1.本机关不掌握相关政府信息")] + V(*E7),
    [C("2.没有现成信息需要另行制作")] + V(*E7),
    [C("3.补正后申请内容仍不明确")] + V(*E7),
    [C("（五）不予处理", rs=5), C("1.信访举报投诉类申请")] + V(*E7),
    [C("2.重复申请")] + V(*E7),
    [C("3.要求提供公开出版物")] + V(*E7),
    [C("4.无正当理由大量反复申请")] + V(*E7),
    [C("5.要求行政机关确认或重新出具已获取信息")] + V(*E7),
    [C("（六）其他处理", cs=2)] + V(*E7),
    [C("（七）总计", cs=2)] + V("1", "", "", "", "", "", "1"),
    [C("四、结转下年度继续办理", cs=3)] + V(*E7),
]

# Table 三 (review / litigation), 15 columns.
OUTCOMES = ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"]
TABLE_C = [
    [C("行政复议", cs=5), C("行政诉讼", cs=10)],
    [C(o, rs=2) for o in OUTCOMES] + [C("未经复议直接起诉", cs=5), C("复议后起诉", cs=5)],
    V(*OUTCOMES) + V(*OUTCOMES),
    V(*([""] * 15)),
]

TABLES = [TABLE_A, TABLE_B, TABLE_C]


def expand(table):
    """Expand spans into a grid of [text, spanned] (the decoders' contract)."""
    grid = {}
    width = 0
    for r, row in enumerate(table):
        c = 0
        for cell in row:
            while (r, c) in grid:
                c += 1
            for dr in range(cell["rs"]):
                for dc in range(cell["cs"]):
                    grid[(r + dr, c + dc)] = [cell["text"], not (dr == 0 and dc == 0)]
            c += cell["cs"]
            width = max(width, c)
    rows = []
    for r in range(len(table)):
        rows.append([grid.get((r, c), ["", False]) for c in range(width)])
    return rows


def check_against_sample(tables, sample_tables):
    """Every row's non-empty origin texts must equal the sample row's non-empty cells."""
    assert len(tables) == len(sample_tables) == 3, (len(tables), len(sample_tables))
    for t, (ours, theirs) in enumerate(zip(tables, sample_tables)):
        assert len(ours) == len(theirs), (t, len(ours), len(theirs))
        for r, (a, b) in enumerate(zip(ours, theirs)):
            mine = [c["text"] for c in a if c["text"]]
            sample = [x for x in b if x]
            assert mine == sample, (t, r, mine, sample)


# ---------------------------------------------------------------------------
# HTML (Word "Save as Web Page" flavour, GBK, inside a CMS page)
# ---------------------------------------------------------------------------

def esc(s):
    return html.escape(s, quote=False)


def html_cell_text(text):
    if text == "":
        return "<p class=MsoNormal align=center style='text-align:center'><span lang=EN-US><o:p>&nbsp;</o:p></span></p>"
    if text[:1].isdigit() or text[:1] in "增减":
        # numbers wrapped in spans, Word style
        return ("<p class=MsoNormal align=center style='text-align:center'>"
                "<span lang=EN-US style='font-size:10.5pt;mso-bidi-font-family:Calibri'>%s"
                "<o:p></o:p></span></p>" % esc(text))
    if "（本列" in text:
        # a long label broken over two <p>s
        half = len(text) // 2
        return ("<p class=MsoNormal><span style='font-family:宋体'>%s</span></p>\n"
                "<p class=MsoNormal><span style='font-family:宋体'>%s</span></p>" % (esc(text[:half]), esc(text[half:])))
    if text in OUTCOMES and len(text) == 4:
        # head broken by <br>
        return "<p class=MsoNormal align=center>%s<br>\n%s</p>" % (esc(text[:2]), esc(text[2:]))
    return "<p class=MsoNormal><span style='font-family:宋体;mso-ascii-font-family:\"Times New Roman\"'>%s</span></p>" % esc(text)


def html_table(table):
    out = ["<table class=MsoNormalTable border=1 cellspacing=0 cellpadding=0 "
           "style='border-collapse:collapse;mso-table-layout-alt:fixed;mso-padding-alt:0cm 5.4pt 0cm 5.4pt'>",
           "<tbody>"]
    for r, row in enumerate(table):
        out.append("<tr style='mso-yfti-irow:%d;height:20.0pt'>" % r)
        for cell in row:
            attrs = ""
            if cell["rs"] > 1:
                attrs += " rowspan=%d" % cell["rs"]
            if cell["cs"] > 1:
                attrs += " colspan=%d" % cell["cs"]
            out.append("  <td%s valign=top style='border:solid windowtext 1.0pt;mso-border-alt:solid windowtext .5pt;padding:0cm 5.4pt 0cm 5.4pt'>\n  %s\n  </td>"
                       % (attrs, html_cell_text(cell["text"])))
        out.append("</tr>")
    out.append("</tbody>\n</table>")
    return "\n".join(out)


HEADINGS = ("一、", "二、", "三、", "四、", "五、", "六、")


def html_paragraph(text):
    if text.startswith(HEADINGS):
        # Word list paragraph: the number is behind a supportLists conditional comment
        return ("<p class=MsoListParagraph style='margin-left:0cm;text-indent:32.0pt;mso-list:l0 level1 lfo1'>"
                "<![if !supportLists]><span style='font-family:黑体;mso-list:Ignore'>%s</span><![endif]>"
                "<!--[if !supportLists]--><!--[endif]-->"
                "<span style='font-family:黑体'>%s<o:p></o:p></span></p>" % (esc(text[:2]), esc(text[2:])))
    # numbers in their own spans, as Word writes them (lang=EN-US runs)
    inner = re.sub(r"(\d+)", r"<span lang=EN-US>\1</span>", esc(text))
    # hard-wrap the source the way Word does (a newline between CJK characters renders as nothing)
    if len(inner) > 120:
        cut = inner.find("，", 60)
        if cut > 0:
            inner = inner[:cut + 1] + "\n" + inner[cut + 1:]
    return ("<p class=MsoNormal style='text-indent:32.0pt;mso-char-indent-count:2.0;line-height:28.0pt'>"
            "<span style='font-size:16.0pt;font-family:仿宋_GB2312'>%s<o:p></o:p></span></p>" % inner)


def make_html(items, title):
    body = []
    body.append("<p class=MsoNormal align=center style='text-align:center'><b><span style='font-size:22.0pt;"
                "font-family:方正小标宋简体'>%s<o:p></o:p></span></b></p>" % esc(title))
    body.append("<p class=MsoNormal><o:p>&nbsp;</o:p></p>")
    t = 0
    for kind, value in items:
        if kind == "line":
            body.append(html_paragraph(value))
        else:
            if t == 1:
                # the applications table split into two <table>s with nothing between them
                first, second = TABLES[1][:3], TABLES[1][3:]
                body.append(html_table(first))
                body.append(html_table(second))
            else:
                body.append(html_table(TABLES[t]))
            body.append("<p class=MsoNormal><span lang=EN-US><o:p>&nbsp;</o:p></span></p>")
            t += 1
    article = "\n".join(body)
    page = """<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">
<html xmlns:v="urn:schemas-microsoft-com:vml" xmlns:o="urn:schemas-microsoft-com:office:office" xmlns:w="urn:schemas-microsoft-com:office:word">
<head>
<meta http-equiv="Content-Type" content="text/html; charset=gb2312">
<title>%(title)s_政府信息公开年报_临泽县人民政府</title>
<meta name="ArticleTitle" content="%(title)s">
<style>
<!--
 /* Font Definitions */
 p.MsoNormal {mso-style-parent:""; margin:0cm; font-size:10.5pt; font-family:"Times New Roman";}
 .nav li {display:inline}
-->
</style>
<script type="text/javascript">
var menu = ["首页", "政务公开", "政务服务", "互动交流"]; if (a < b && c > d) { document.write("<p>不是正文</p>"); }
</script>
</head>
<body>
<div class="header">
  <div class="top">甘肃·临泽 | 临泽县人民政府门户网站 | 无障碍浏览 | English</div>
  <ul class="nav"><li><a href="/">首页</a></li><li><a href="/zwgk/">政务公开</a></li><li><a href="/zwfw/">政务服务</a></li><li><a href="/hdjl/">互动交流</a></li></ul>
  <form class="search"><input type="text" name="q" value="请输入关键字"><button>搜索</button></form>
</div>
<div class="position">当前位置：<a href="/">首页</a> &gt; <a href="/zwgk/">政务公开</a> &gt; 政府信息公开年报</div>
<div class="main">
  <div class="left-menu"><ul><li><a href="#">政府信息公开指南</a></li><li><a href="#">政府信息公开制度</a></li><li><a href="#">政府信息公开年报</a></li></ul></div>
  <div class="article">
    <h1 class="article-title">%(title)s</h1>
    <div class="info">发布时间：2020-01-20 &nbsp;&nbsp; 来源：临泽县人民政府办公室 &nbsp;&nbsp; 浏览次数：<span id="hits">1024</span></div>
    <div id="zoom" class="TRS_Editor">
<div class=WordSection1 style='layout-grid:15.6pt'>
%(article)s
</div>
    </div>
    <div class="share">分享到：<a href="#">微信</a> <a href="#">微博</a></div>
  </div>
</div>
<div class="footer">
  <p>主办：临泽县人民政府办公室 &nbsp; 地址：甘肃省张掖市临泽县 &nbsp; 邮编：734200</p>
  <p>甘ICP备05000000号 &nbsp; 网站标识码：6207230001</p>
</div>
</body>
</html>
""" % {"title": esc(title), "article": article}
    return page.encode("gbk")


# ---------------------------------------------------------------------------
# DOCX
# ---------------------------------------------------------------------------

def make_docx(items, title):
    import docx
    from docx.enum.text import WD_BREAK
    from docx.oxml.ns import qn

    d = docx.Document()
    style = d.styles["Normal"]
    style.font.name = "SimSun"
    style.element.rPr.rFonts.set(qn("w:eastAsia"), "宋体")

    p = d.add_paragraph()
    p.add_run(title).bold = True
    t = 0
    for kind, value in items:
        if kind == "line":
            p = d.add_paragraph()
            if value.startswith(HEADINGS):
                # a tab after the number, as many Word reports have
                p.add_run(value[:2])
                p.add_run().add_tab()
                p.add_run(value[2:])
            else:
                # split runs around digits, as Word does when formats change
                buf = ""
                for ch in value:
                    if buf and ch.isdigit() != buf[-1].isdigit():
                        p.add_run(buf)
                        buf = ""
                    buf += ch
                if buf:
                    p.add_run(buf)
        else:
            add_docx_table(d, TABLES[t])
            t += 1
    # a paragraph with a line break inside: two lines
    p = d.add_paragraph()
    p.add_run("临泽县人民政府办公室")
    p.add_run().add_break(WD_BREAK.LINE)
    p.add_run("2020年1月20日")
    buf = io.BytesIO()
    d.save(buf)
    return normalize_zip(buf.getvalue())


def add_docx_table(d, table):
    grid = expand(table)
    nrows, ncols = len(grid), len(grid[0])
    tbl = d.add_table(rows=nrows, cols=ncols)
    tbl.style = "Table Grid"
    # place every origin cell, merge, then write the text into the merged cell
    occupied = set()
    for r, row in enumerate(table):
        c = 0
        for cell in row:
            while (r, c) in occupied:
                c += 1
            for dr in range(cell["rs"]):
                for dc in range(cell["cs"]):
                    occupied.add((r + dr, c + dc))
            origin = tbl.cell(r, c)
            if cell["rs"] > 1 or cell["cs"] > 1:
                origin = origin.merge(tbl.cell(r + cell["rs"] - 1, c + cell["cs"] - 1))
            text = cell["text"]
            para = origin.paragraphs[0]
            if text in OUTCOMES and len(text) == 4:
                # head in two paragraphs: 结果 / 维持
                para.add_run(text[:2])
                origin.add_paragraph(text[2:])
            elif text:
                para.add_run(text)
            c += cell["cs"]


def normalize_zip(data):
    """Rewrite a zip with fixed timestamps and sorted-as-written order (reproducible bytes)."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            zi = zipfile.ZipInfo(info.filename, date_time=(2020, 1, 1, 0, 0, 0))
            zi.compress_type = zipfile.ZIP_DEFLATED
            zi.external_attr = 0o644 << 16
            dst.writestr(zi, src.read(info.filename))
    return out.getvalue()


# ---------------------------------------------------------------------------
# PDF
# ---------------------------------------------------------------------------

def make_pdf(items, title):
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    body = ParagraphStyle("body", fontName="STSong-Light", fontSize=11, leading=18,
                          firstLineIndent=22, wordWrap="CJK")
    head = ParagraphStyle("title", parent=body, fontSize=16, leading=24, alignment=1, firstLineIndent=0)
    cell = ParagraphStyle("cell", fontName="STSong-Light", fontSize=7.5, leading=9, wordWrap="CJK")

    story = [Paragraph(esc(title), head), Spacer(1, 6)]
    t = 0
    widths = [
        [40 * mm, 40 * mm, 40 * mm, 40 * mm],
        [12 * mm, 22 * mm, 30 * mm] + [13 * mm] * 7,
        [11.3 * mm] * 15,
    ]
    for kind, value in items:
        if kind == "line":
            story.append(Paragraph(esc(value), body))
        else:
            table = TABLES[t]
            grid = expand(table)
            data = [[Paragraph(esc(text), cell) if not spanned else "" for text, spanned in row] for row in grid]
            style = [("GRID", (0, 0), (-1, -1), 0.5, colors.black),
                     ("VALIGN", (0, 0), (-1, -1), "MIDDLE")]
            occupied = set()
            for r, row in enumerate(table):
                c = 0
                for cl in row:
                    while (r, c) in occupied:
                        c += 1
                    for dr in range(cl["rs"]):
                        for dc in range(cl["cs"]):
                            occupied.add((r + dr, c + dc))
                    if cl["rs"] > 1 or cl["cs"] > 1:
                        style.append(("SPAN", (c, r), (c + cl["cs"] - 1, r + cl["rs"] - 1)))
                    c += cl["cs"]
            if t == 1:
                # Table B starts a page so that its header and all its rows share one page:
                # pdftotext's column positions are only comparable within a page, and the
                # parser places blank-gapped rows by the header's columns.
                story.append(PageBreak())
            story.append(Spacer(1, 4))
            story.append(Table(data, colWidths=widths[t], style=TableStyle(style), repeatRows=0))
            story.append(Spacer(1, 4))
            t += 1

    def page_number(canvas, doc):
        canvas.saveState()
        canvas.setFont("STSong-Light", 10)
        canvas.drawCentredString(A4[0] / 2, 12 * mm, "- %d -" % doc.page)
        canvas.restoreState()

    out = io.BytesIO()
    doc = SimpleDocTemplate(out, pagesize=A4, leftMargin=20 * mm, rightMargin=20 * mm,
                            topMargin=20 * mm, bottomMargin=22 * mm, invariant=1,
                            title=title, author="xxgk fixtures")
    doc.build(story, onFirstPage=page_number, onLaterPages=page_number)
    return out.getvalue()


def make_no_text_pdf():
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    out = io.BytesIO()
    c = canvas.Canvas(out, pagesize=A4, invariant=1)
    c.rect(100, 500, 300, 200, fill=1)  # a "scanned" page: graphics only
    c.showPage()
    c.save()
    return out.getvalue()


NO_TABLES_HTML = """<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<title>联系我们_临泽县人民政府</title>
<script>var x = 1;</script>
</head>
<body>
<nav><a href="/">首页</a> <a href="/zwgk/">政务公开</a></nav>
<div class="content">
<h2>联系我们</h2>
<p>地址：甘肃省张掖市临泽县&nbsp;&nbsp;邮编：734200</p>
<p>电话：0936-5521234<br>传真：0936-5521235</p>
</div>
<footer>版权所有 临泽县人民政府</footer>
</body>
</html>
"""

NOT_A_PDF = ("这不是PDF文件。This file is plain text saved with a .pdf name.\n"
             "临泽县2019年政府信息公开工作年度报告\n").encode("utf-8")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sample", default=DEFAULT_SAMPLE)
    ap.add_argument("--out", default=DEFAULT_OUT)
    args = ap.parse_args()

    items = read_sample(args.sample)
    sample_tables = [v for k, v in items if k == "table"]
    check_against_sample(TABLES, sample_tables)
    lines = [(k, v) for k, v in items]
    title = lines[0][1]
    body = lines[1:]
    os.makedirs(args.out, exist_ok=True)

    def write(name, data):
        path = os.path.join(args.out, name)
        with open(path, "wb") as f:
            f.write(data)
        print("wrote %s (%d bytes)" % (path, len(data)))

    write("sample_000.html", make_html(body, title))
    docx_bytes = make_docx(body, title)
    write("sample_000.docx", docx_bytes)
    write("sample_000.pdf", make_pdf(body, title))
    expected = {
        "lines": [title] + [v for k, v in body if k == "line"],
        "tables": [expand(t) for t in TABLES],
    }
    write("sample_000.expected.json", (json.dumps(expected, ensure_ascii=False, indent=0) + "\n").encode("utf-8"))
    write("truncated.docx", docx_bytes[: len(docx_bytes) // 2])
    write("no_tables.html", NO_TABLES_HTML.encode("utf-8"))
    write("not_a_pdf.pdf", NOT_A_PDF)
    write("no_text_layer.pdf", make_no_text_pdf())


if __name__ == "__main__":
    sys.exit(main())
