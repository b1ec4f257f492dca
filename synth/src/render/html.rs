//! The `html` layout: a government site's article page — header, navigation,
//! breadcrumb, the title in `.article_title` and `<meta name="ArticleTitle">`,
//! the report in `div.TRS_Editor`, footer — with tables as the CMS editor or
//! Word's "save as web page" writes them: `rowspan`/`colspan`, cell text in
//! `<p><span style=…>`, labels in pieces (`商业</p><p>企业`, `结果<br/>维持`),
//! `&nbsp;` around numbers, `<o:p></o:p>`, digits split over spans.

use super::doc::{Doc, GCell, Grid, Part};
use crate::rng::Rng;

/// Options of the layout.
#[derive(Debug, Clone, Default)]
pub struct HtmlOptions {
    /// Word's "save as web page" markup (else the CMS editor's).
    pub word: bool,
    /// Declared charset (`utf-8`, `gb2312`, `GBK`).
    pub charset: String,
    /// Site name for the chrome.
    pub site: String,
    /// Publication date.
    pub date: String,
    /// Label pieces joined by `<br/>` (else `</p><p>`).
    pub br_breaks: bool,
}

fn esc(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

fn span(opts: &HtmlOptions, text: &str, number: bool) -> String {
    if opts.word {
        let lang = if number { " lang=EN-US" } else { "" };
        format!("<span{lang} style='font-size:10.5pt;font-family:宋体;mso-bidi-font-size:11.0pt'>{text}</span>")
    } else {
        format!("<span style=\"font-family: 宋体; font-size: 12pt;\">{text}</span>")
    }
}

fn value_html(rng: &mut Rng, opts: &HtmlOptions, raw: &str) -> String {
    let trimmed = raw.trim();
    let lead = if raw.starts_with(' ') { "&nbsp;" } else { "" };
    let trail = if raw.ends_with(' ') {
        "&nbsp;&nbsp;"
    } else {
        ""
    };
    if trimmed.is_empty() {
        return if rng.chance(0.5) {
            "&nbsp;".into()
        } else {
            String::new()
        };
    }
    let body = if opts.word && trimmed.chars().count() > 2 && rng.chance(0.2) {
        // Word splits a digit run over two spans when the text was edited.
        let cut = trimmed
            .char_indices()
            .nth(1)
            .map(|(i, _)| i)
            .unwrap_or(trimmed.len());
        format!(
            "{}{}",
            span(opts, &esc(&trimmed[..cut]), true),
            span(opts, &esc(&trimmed[cut..]), true)
        )
    } else {
        span(opts, &esc(trimmed), true)
    };
    format!("{lead}{body}{trail}")
}

fn cell_html(rng: &mut Rng, opts: &HtmlOptions, cell: &GCell, th: bool) -> Option<String> {
    let (inner, colspan, rowspan) = match cell {
        GCell::Cont { .. } => return None,
        GCell::Label {
            text,
            colspan,
            rowspan,
        } => {
            let pieces: Vec<String> = text
                .split('\n')
                .map(|p| span(opts, &esc(p), false))
                .collect();
            let joined = if opts.br_breaks {
                pieces.join("<br/>")
            } else if opts.word {
                pieces.join(
                    "<o:p></o:p></p><p class=MsoNormal align=center style='text-align:center'>",
                )
            } else {
                pieces.join("</p><p>")
            };
            (joined, *colspan, *rowspan)
        }
        GCell::Value { raw, colspan } => (value_html(rng, opts, raw), *colspan, 1),
    };
    let mut attrs = String::new();
    if colspan > 1 {
        attrs.push_str(&format!(" colspan=\"{colspan}\""));
    }
    if rowspan > 1 {
        attrs.push_str(&format!(" rowspan=\"{rowspan}\""));
    }
    if th {
        return Some(format!("<th{attrs}>{inner}</th>"));
    }
    Some(if opts.word {
        format!(
            "<td width={}{attrs} valign=top style='border:solid windowtext 1.0pt;mso-border-alt:solid windowtext .5pt;padding:0cm 5.4pt 0cm 5.4pt'><p class=MsoNormal align=center style='text-align:center'>{inner}<o:p></o:p></p></td>",
            40 * colspan
        )
    } else {
        format!(
            "<td width=\"{}\" valign=\"center\"{attrs} style=\"border-width: 1px; border-style: solid; border-color: rgb(0, 0, 0);\"><p>{inner}</p></td>",
            48 * colspan
        )
    })
}

fn table_html(rng: &mut Rng, opts: &HtmlOptions, grid: &Grid, out: &mut String) {
    if opts.word {
        out.push_str("<table class=MsoNormalTable border=1 cellspacing=0 cellpadding=0 style='border-collapse:collapse;border:none;mso-border-alt:solid windowtext .5pt'>\n");
    } else {
        out.push_str("<table border=\"1\" cellspacing=\"0\" align=\"center\" style=\"border-collapse: collapse;\"><tbody>");
    }
    let th = !opts.word && rng.chance(0.2);
    for (r, row) in grid.rows.iter().enumerate() {
        let header = th && row.kind == super::doc::RowKind::Header;
        if r == 0 && !opts.word {
            out.push_str("<tr class=\"firstRow\">");
        } else {
            out.push_str("<tr>");
        }
        for cell in &row.cells {
            if let Some(td) = cell_html(rng, opts, cell, header) {
                out.push_str(&td);
            }
        }
        out.push_str("</tr>\n");
    }
    out.push_str(if opts.word {
        "</table>\n"
    } else {
        "</tbody></table>\n"
    });
}

fn para(opts: &HtmlOptions, text: &str, indent: bool) -> String {
    let style = if indent {
        " style=\"text-indent: 2em; line-height: 2em; margin-bottom: 0px;\""
    } else {
        ""
    };
    let font = if opts.word {
        "style='font-size:16.0pt;font-family:仿宋_GB2312'"
    } else {
        "style=\"font-family: 仿宋_GB2312; font-size: 16pt;\""
    };
    format!("<p{style}><span {font}>{}</span></p>\n", esc(text))
}

/// Render the page.
pub fn render(rng: &mut Rng, doc: &Doc, opts: &HtmlOptions) -> String {
    let title: String = doc
        .parts
        .iter()
        .find_map(|p| match p {
            Part::Title(lines) => Some(lines.join("")),
            _ => None,
        })
        .unwrap_or_default();
    let mut out = String::with_capacity(32 * 1024);
    out.push_str("<!DOCTYPE html>\n<html>\n<head>\n");
    out.push_str(&format!(
        "<meta http-equiv=\"Content-Type\" content=\"text/html; charset={}\">\n",
        opts.charset
    ));
    out.push_str(&format!(
        "<title>{}_{}</title>\n",
        esc(&title),
        esc(&opts.site)
    ));
    out.push_str(&format!(
        "<meta name=\"ArticleTitle\" content=\"{}\">\n",
        esc(&title)
    ));
    out.push_str(&format!(
        "<meta name=\"PubDate\" content=\"{}\">\n",
        opts.date
    ));
    out.push_str("<link rel=\"stylesheet\" href=\"/images/common.css\">\n<style>.nav li{float:left;margin:0 12px}.article_title{font-size:22px;text-align:center}</style>\n");
    out.push_str("<script type=\"text/javascript\">var _hmt = _hmt || []; function share(){ return false; }</script>\n");
    out.push_str("</head>\n<body>\n<div class=\"header\"><div class=\"logo\">");
    out.push_str(&esc(&opts.site));
    out.push_str("</div>\n<ul class=\"nav\"><li><a href=\"/\">首页</a></li><li><a href=\"/zwgk/\">政务公开</a></li><li><a href=\"/zwfw/\">政务服务</a></li><li><a href=\"/hdjl/\">互动交流</a></li></ul></div>\n");
    out.push_str("<div class=\"main\"><div class=\"location\">当前位置：<a href=\"/\">首页</a> &gt; <a href=\"/zwgk/\">政务公开</a> &gt; <a href=\"/zwgk/ndbg/\">政府信息公开年报</a></div>\n");
    out.push_str(&format!(
        "<div class=\"article_title\">{}</div>\n",
        esc(&title)
    ));
    out.push_str(&format!(
        "<div class=\"article_info\">发布日期：{} &nbsp; 浏览次数：{}</div>\n",
        opts.date,
        rng.range(10, 9000)
    ));
    out.push_str("<div class=\"article_content\"><div class=TRS_Editor>\n");
    for part in &doc.parts {
        match part {
            Part::Title(_) => {}
            Part::Preface(t) => out.push_str(&para(opts, t, false)),
            Part::Heading(t) => {
                out.push_str(&format!(
                    "<p style=\"text-indent: 2em;\"><strong><span style=\"font-family: 黑体;\">{}</span></strong></p>\n",
                    esc(t)
                ));
            }
            Part::SubHeading(t) => {
                out.push_str(&format!(
                    "<p style=\"text-indent: 2em;\"><span style=\"font-family: 楷体_GB2312;\">{}</span></p>\n",
                    esc(t)
                ));
            }
            Part::Para(t) => out.push_str(&para(opts, t, true)),
            Part::Table(grid) => table_html(rng, opts, grid, &mut out),
            Part::Signature(lines) => {
                for l in lines {
                    out.push_str(&format!("<p style=\"text-align: right;\">{}</p>\n", esc(l)));
                }
            }
        }
        if rng.chance(0.1) {
            out.push_str("<p><span><br/></span></p>\n");
        }
    }
    out.push_str("</div></div>\n<div class=\"article_attachment\"></div>\n</div>\n");
    out.push_str(&format!(
        "<div class=\"footer\"><p>主办：{} &nbsp; <a href=\"#\">网站地图</a> | <a href=\"#\">联系我们</a></p></div>\n",
        esc(&opts.site)
    ));
    out.push_str("</body>\n</html>\n");
    out
}
