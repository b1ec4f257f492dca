//! HTML decoder: a report page (often a whole CMS article page, or Word's
//! "Save as Web Page" output) → lines and table grids.
//!
//! Steps:
//!
//! 1. **Encoding** ([`charset`]): BOM, valid UTF-8, the declared charset, chardetng.
//! 2. **Parse** with html5ever (via `scraper`), which repairs broken markup the
//!    way browsers do; comments (including Word's `<!--[if !supportLists]-->`
//!    and `<![endif]>`) vanish, the text they bracket stays.
//! 3. **Find the article.** Site chrome (scripts, styles, navigation, header,
//!    footer, menus, forms' controls, hidden elements) never counts. A known
//!    CMS content container (`.TRS_Editor`, `#zoom`, `.article_content`, …) is
//!    taken when it holds a fair share of the page's text; otherwise the
//!    decoder descends from `<body>` while one child holds at least three
//!    quarters of the page's non-link text, and stops at the smallest such element.
//! 4. **Walk** the article in document order: block elements (`<p>`, `<div>`,
//!    headings, list items, …) and `<br>` end lines; each `<table>` becomes a
//!    [`Block::Table`] with rowspan/colspan expanded ([`grid`]). Text is
//!    whitespace-collapsed like a browser renders it: `&nbsp;` is a space, and
//!    a source line break between two CJK characters (Word hard-wraps its HTML)
//!    disappears. Pieces of one cell (`商业</p><p>企业`, `结果<br/>维持`) are
//!    joined without a space between CJK characters.
//! 5. **Tables.** A table whose cells hold other tables, or that has a single
//!    column, is page layout: its cells are walked as running text. Tables
//!    that follow each other with nothing between and have the same width are
//!    joined into one grid (a report table split in two).
//! 6. **Title.** The article title usually sits outside the content container;
//!    it is taken from `<meta name="ArticleTitle">`, an `.article_title`-like
//!    element, or a report-like `<title>`, and put first unless the article
//!    already starts with it.
//!
//! A page with no text at all is [`DecodeError::Corrupt`]; a page with text but
//! no table is still a document (the parser decides whether it is a report).

mod charset;
pub(super) mod grid;

use super::DecodeError;
use crate::model::{Block, Document, SourceFormat};
use ego_tree::iter::Edge;
use ego_tree::{NodeId, NodeRef};
use grid::SpanCell;
use scraper::node::Element;
use scraper::{ElementRef, Html, Node, Selector};
use std::collections::HashMap;

/// Elements whose content is never report text.
const SKIPPED: &[&str] = &[
    "script", "style", "noscript", "template", "head", "title", "meta", "link", "iframe", "frame",
    "frameset", "object", "embed", "applet", "svg", "canvas", "select", "option", "optgroup",
    "datalist", "textarea", "button", "input", "nav", "menu", "header", "footer", "aside", "map",
    "audio", "video", "img", "picture", "dialog",
];

/// Elements that start and end a line.
const BLOCKS: &[&str] = &[
    "p",
    "div",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "li",
    "ul",
    "ol",
    "dl",
    "dt",
    "dd",
    "blockquote",
    "section",
    "article",
    "main",
    "center",
    "pre",
    "address",
    "figure",
    "figcaption",
    "caption",
    "hr",
    "form",
    "fieldset",
    "legend",
    "details",
    "summary",
    "table",
    "thead",
    "tbody",
    "tfoot",
    "tr",
    "td",
    "th",
    "body",
    "html",
    "xmp",
    "listing",
    "plaintext",
];

/// Known article containers of Chinese government CMSs, most specific first.
const CONTENT_SELECTORS: &[&str] = &[
    ".TRS_Editor",
    ".TRS_UEDITOR",
    ".trs_editor_view",
    "#UCAP-CONTENT",
    "#zoom",
    "#Zoom",
    ".zoom",
    "#fontzoom",
    ".article_content",
    ".article-content",
    ".articleContent",
    "#article_content",
    ".pages_content",
    ".news_content",
    "#con_text",
    ".con_text",
    "article",
    "main",
];

/// Elements naming the article title, most specific first.
const TITLE_SELECTORS: &[&str] = &[
    ".article_title",
    ".article-title",
    ".articleTitle",
    "#article_title",
    ".arc_title",
    ".news_title",
];

/// Nesting depth past which subtrees are read as plain text (no recursion).
const MAX_DEPTH: usize = 200;

/// Decode an HTML page into lines and tables.
pub fn decode(bytes: &[u8]) -> Result<Document, DecodeError> {
    let (text, encoding) = charset::decode_html_bytes(bytes)?;
    let html = Html::parse_document(&text);
    let blocks = extract(&html);
    if !blocks.iter().any(block_has_text) {
        return Err(DecodeError::Corrupt {
            format: "html",
            detail: "the page has no text".into(),
        });
    }
    Ok(Document {
        format: SourceFormat::Html,
        encoding: encoding.to_string(),
        blocks,
    })
}

fn block_has_text(block: &Block) -> bool {
    match block {
        Block::Line(line) => !line.trim().is_empty(),
        Block::Table(rows) => rows.iter().flatten().any(|c| !c.text.is_empty()),
    }
}

/// The article's blocks, title first.
fn extract(html: &Html) -> Vec<Block> {
    let root = html.root_element();
    let body = root
        .children()
        .filter_map(ElementRef::wrap)
        .find(|e| e.value().name() == "body")
        .unwrap_or(root);
    let counts = text_counts(html);
    let content = find_content(html, body, &counts);
    let mut blocks = walk(*content);
    if !blocks.iter().any(block_has_text) && content.id() != body.id() {
        blocks = walk(*body);
    }
    let mut blocks = grid::join_split_tables(blocks);
    if let Some(title) = find_title(html) {
        if !starts_with_title(&blocks, &title) {
            blocks.insert(0, Block::Line(title));
        }
    }
    blocks
}

fn walk(node: NodeRef<'_, Node>) -> Vec<Block> {
    let mut walker = Walker::default();
    walker.node(node, 0);
    walker.flush();
    walker.blocks
}

// ---------------------------------------------------------------------------
// Finding the article
// ---------------------------------------------------------------------------

fn is_skipped(e: &Element) -> bool {
    let name = e.name();
    if SKIPPED.contains(&name) || name.starts_with("v:") {
        return true;
    }
    if e.attr("hidden").is_some() {
        return true;
    }
    e.attr("style").is_some_and(|style| {
        let s: String = style
            .chars()
            .filter(|c| !c.is_whitespace())
            .flat_map(char::to_lowercase)
            .collect();
        s.contains("display:none") || s.contains("mso-hide:all") || s.contains("visibility:hidden")
    })
}

/// Non-whitespace characters of text not inside links or skipped elements,
/// per element, computed bottom-up in one iterative pass.
fn text_counts(html: &Html) -> HashMap<NodeId, usize> {
    let mut counts = HashMap::new();
    let mut stack: Vec<usize> = Vec::new();
    let (mut skip, mut link) = (0usize, 0usize);
    for edge in html.tree.root().traverse() {
        match edge {
            Edge::Open(node) => match node.value() {
                Node::Element(e) => {
                    if skip > 0 || is_skipped(e) {
                        skip += 1;
                    } else {
                        if e.name() == "a" {
                            link += 1;
                        }
                        stack.push(0);
                    }
                }
                Node::Text(t) if skip == 0 && link == 0 => {
                    if let Some(top) = stack.last_mut() {
                        *top += t.chars().filter(|c| !c.is_whitespace()).count();
                    }
                }
                _ => {}
            },
            Edge::Close(node) => {
                if let Node::Element(e) = node.value() {
                    if skip > 0 {
                        skip -= 1;
                        continue;
                    }
                    if e.name() == "a" {
                        link = link.saturating_sub(1);
                    }
                    let count = stack.pop().unwrap_or(0);
                    counts.insert(node.id(), count);
                    if let Some(top) = stack.last_mut() {
                        *top += count;
                    }
                }
            }
        }
    }
    counts
}

/// The element holding the report body (see the module docs).
fn find_content<'a>(
    html: &'a Html,
    body: ElementRef<'a>,
    counts: &HashMap<NodeId, usize>,
) -> ElementRef<'a> {
    let count = |e: &ElementRef<'_>| counts.get(&e.id()).copied().unwrap_or(0);
    let total = count(&body);
    for sel in CONTENT_SELECTORS {
        let Ok(selector) = Selector::parse(sel) else {
            continue;
        };
        // The match with the most text; the first one on ties.
        let best = html
            .select(&selector)
            .fold(None::<ElementRef<'a>>, |best, e| match best {
                Some(b) if count(&b) >= count(&e) => Some(b),
                _ => Some(e),
            });
        if let Some(e) = best {
            let c = count(&e);
            if c >= 20 && c * 10 >= total * 3 {
                return e;
            }
        }
    }
    let mut node = body;
    while let Some(child) = node
        .children()
        .filter_map(ElementRef::wrap)
        .find(|c| count(c) > 0 && count(c) * 4 >= total * 3)
    {
        node = child;
    }
    // Stopped between a table and its cells: the table is the content.
    while matches!(
        node.value().name(),
        "tbody" | "thead" | "tfoot" | "tr" | "caption" | "colgroup" | "col"
    ) {
        match node.parent().and_then(ElementRef::wrap) {
            Some(parent) => node = parent,
            None => break,
        }
    }
    node
}

// ---------------------------------------------------------------------------
// The title
// ---------------------------------------------------------------------------

fn find_title(html: &Html) -> Option<String> {
    let usable = |t: String| {
        let n = t.chars().count();
        ((4..=200).contains(&n)).then_some(t)
    };
    if let Ok(sel) = Selector::parse(r#"meta[name="ArticleTitle" i]"#) {
        if let Some(t) = html
            .select(&sel)
            .find_map(|m| m.value().attr("content"))
            .map(normalize)
            .and_then(usable)
        {
            return Some(t);
        }
    }
    for sel in TITLE_SELECTORS {
        let Ok(selector) = Selector::parse(sel) else {
            continue;
        };
        if let Some(t) = html
            .select(&selector)
            .map(|e| cell_text(*e, 0))
            .find_map(usable)
        {
            return Some(t);
        }
    }
    let sel = Selector::parse("title").ok()?;
    let raw: String = html.select(&sel).next()?.text().collect();
    let first = raw.split(['_', '|']).next().unwrap_or("");
    let first = first.split(" - ").next().unwrap_or("");
    let t = normalize(first);
    (t.contains("报告") || t.contains("年报"))
        .then_some(t)
        .and_then(usable)
}

/// Whether the first lines (before any table) already contain the title.
fn starts_with_title(blocks: &[Block], title: &str) -> bool {
    let key: String = title.chars().filter(|c| !c.is_whitespace()).collect();
    let mut head = String::new();
    for block in blocks.iter().take(3) {
        match block {
            Block::Line(line) => head.extend(line.chars().filter(|c| !c.is_whitespace())),
            Block::Table(_) => break,
        }
    }
    head.contains(&key)
}

// ---------------------------------------------------------------------------
// Walking the article
// ---------------------------------------------------------------------------

#[derive(Default)]
struct Walker {
    blocks: Vec<Block>,
    /// Raw text of the line being built (normalised on flush).
    line: String,
    /// Inside <pre> (line breaks in text end lines).
    pre: usize,
}

impl Walker {
    fn flush(&mut self) {
        let text = normalize(&self.line);
        self.line.clear();
        if !text.is_empty() {
            self.blocks.push(Block::Line(text));
        }
    }

    fn children(&mut self, node: NodeRef<'_, Node>, depth: usize) {
        for child in node.children() {
            self.node(child, depth + 1);
        }
    }

    fn node(&mut self, node: NodeRef<'_, Node>, depth: usize) {
        match node.value() {
            Node::Text(t) => {
                if self.pre > 0 {
                    let mut parts = t.split('\n');
                    if let Some(first) = parts.next() {
                        self.line.push_str(first);
                    }
                    for part in parts {
                        self.flush();
                        self.line.push_str(part);
                    }
                } else {
                    self.line.push_str(t);
                }
            }
            Node::Element(e) => {
                if is_skipped(e) {
                    return;
                }
                if depth > MAX_DEPTH {
                    self.line.push_str(&plain_text(node));
                    return;
                }
                let name = e.name();
                match name {
                    "br" => self.flush(),
                    "table" => {
                        self.flush();
                        self.table(node, depth);
                    }
                    _ if BLOCKS.contains(&name) => {
                        self.flush();
                        let pre = matches!(name, "pre" | "xmp" | "listing" | "plaintext");
                        self.pre += usize::from(pre);
                        self.children(node, depth);
                        self.pre -= usize::from(pre);
                        self.flush();
                    }
                    _ => self.children(node, depth),
                }
            }
            _ => {}
        }
    }

    /// A `<table>`: a grid, or (layout) its cells walked as running text.
    fn table(&mut self, table: NodeRef<'_, Node>, depth: usize) {
        for child in table.children() {
            if element_name(child) == Some("caption") {
                self.node(child, depth + 1);
            }
        }
        let rows: Vec<Vec<NodeRef<'_, Node>>> = table_rows(table)
            .into_iter()
            .map(|tr| {
                tr.children()
                    .filter(|c| matches!(element_name(*c), Some("td" | "th")))
                    .collect()
            })
            .collect();
        let nested = rows.iter().flatten().any(|cell| {
            cell.descendants()
                .skip(1)
                .any(|d| element_name(d) == Some("table"))
        });
        if !nested {
            let span_rows: Vec<Vec<SpanCell>> = rows
                .iter()
                .map(|cells| {
                    cells
                        .iter()
                        .map(|&cell| SpanCell {
                            text: cell_text(cell, depth + 1),
                            rowspan: span_attr(cell, "rowspan"),
                            colspan: span_attr(cell, "colspan").max(1),
                        })
                        .collect()
                })
                .collect();
            let grid = grid::expand_spans(&span_rows);
            if grid.first().is_some_and(|r| r.len() > 1) {
                self.blocks.push(Block::Table(grid));
                return;
            }
        }
        // Layout table (or one column): its cells are running text.
        for cell in rows.iter().flatten() {
            self.flush();
            self.node(*cell, depth + 1);
            self.flush();
        }
    }
}

fn element_name<'a>(node: NodeRef<'a, Node>) -> Option<&'a str> {
    match node.value() {
        Node::Element(e) => Some(e.name()),
        _ => None,
    }
}

/// The rows of a table (not of tables nested in it), in document order.
fn table_rows(table: NodeRef<'_, Node>) -> Vec<NodeRef<'_, Node>> {
    let mut rows = Vec::new();
    for child in table.children() {
        match element_name(child) {
            Some("tr") => rows.push(child),
            Some("thead" | "tbody" | "tfoot") => {
                rows.extend(child.children().filter(|c| element_name(*c) == Some("tr")));
            }
            _ => {}
        }
    }
    rows
}

/// rowspan/colspan as HTML parses them: leading digits; missing or bad → 1.
fn span_attr(cell: NodeRef<'_, Node>, name: &str) -> usize {
    let Node::Element(e) = cell.value() else {
        return 1;
    };
    let Some(value) = e.attr(name) else { return 1 };
    let digits: String = value
        .trim()
        .chars()
        .take_while(char::is_ascii_digit)
        .take(6)
        .collect();
    digits.parse().unwrap_or(1)
}

/// The text of one table cell (or title element): block boundaries and `<br>`
/// are soft breaks, which vanish between CJK characters.
fn cell_text(node: NodeRef<'_, Node>, depth: usize) -> String {
    let mut raw = String::new();
    cell_text_into(node, depth, &mut raw);
    normalize(&raw)
}

fn cell_text_into(node: NodeRef<'_, Node>, depth: usize, out: &mut String) {
    for child in node.children() {
        match child.value() {
            Node::Text(t) => out.push_str(t),
            Node::Element(e) => {
                if is_skipped(e) {
                    continue;
                }
                if depth > MAX_DEPTH {
                    out.push_str(&plain_text(child));
                    continue;
                }
                let block = e.name() == "br" || BLOCKS.contains(&e.name());
                if block {
                    out.push('\n');
                }
                cell_text_into(child, depth + 1, out);
                if block {
                    out.push('\n');
                }
            }
            _ => {}
        }
    }
}

/// All text under a node, without recursion (for pathologically deep markup).
fn plain_text(node: NodeRef<'_, Node>) -> String {
    let mut out = String::new();
    for d in node.descendants() {
        if let Node::Text(t) = d.value() {
            out.push_str(t);
        }
    }
    out
}

/// Collapse whitespace like a browser: runs of ASCII whitespace become one
/// space, except a run holding a line break next to a CJK character, which
/// vanishes; `&nbsp;` is a (kept) space; zero-width characters and controls
/// go; the result is trimmed (including U+3000 and NBSP).
fn normalize(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    let mut pending: Option<bool> = None;
    for ch in raw.chars() {
        match ch {
            ' ' | '\t' | '\n' | '\r' | '\x0C' => {
                let newline = ch == '\n' || ch == '\r';
                pending = Some(pending.unwrap_or(false) || newline);
            }
            '\u{200B}' | '\u{200C}' | '\u{200D}' | '\u{2060}' | '\u{FEFF}' | '\u{00AD}' => {}
            c if c.is_control() => {}
            c => {
                if let Some(newline) = pending.take() {
                    if let Some(prev) = out.chars().next_back() {
                        if !(newline && (is_wide(prev) || is_wide(c))) {
                            out.push(' ');
                        }
                    }
                }
                out.push(if c == '\u{A0}' { ' ' } else { c });
            }
        }
    }
    out.trim().to_string()
}

/// East Asian wide/fullwidth characters (CJK, kana, fullwidth forms and punctuation).
fn is_wide(c: char) -> bool {
    matches!(c as u32,
        0x1100..=0x115F | 0x2E80..=0x303E | 0x3041..=0x33FF | 0x3400..=0x4DBF | 0x4E00..=0x9FFF
        | 0xA000..=0xA4CF | 0xF900..=0xFAFF | 0xFE10..=0xFE19 | 0xFE30..=0xFE6F | 0xFF00..=0xFF60
        | 0xFFE0..=0xFFE6 | 0x20000..=0x3FFFD)
}

#[cfg(test)]
mod tests;
