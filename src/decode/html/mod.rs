//! HTML decoder: a report page (often a whole CMS article page, or Word's
//! "Save as Web Page" output) → lines and table grids.
//!
//! Steps:
//!
//! 1. **Encoding** ([`charset`]): BOM, valid UTF-8, the declared charset, chardetng.
//! 2. **Parse** with [`dom`], a small parser that repairs broken markup the
//!    way browsers do where it changes the text (implied end tags, stray
//!    table content); comments (including Word's `<!--[if !supportLists]-->`
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
mod dom;
pub(super) mod grid;
mod walk;

use super::DecodeError;
use crate::model::{Block, Document, SourceFormat};
use dom::{Dom, NodeId, NodeKind};
use memchr::memmem;
use std::sync::LazyLock;
use walk::{cell_text, normalize, walk};

/// Elements whose content is never report text.
fn is_chrome(name: &str) -> bool {
    matches!(
        name,
        "script"
            | "style"
            | "noscript"
            | "template"
            | "head"
            | "title"
            | "meta"
            | "link"
            | "iframe"
            | "frame"
            | "frameset"
            | "object"
            | "embed"
            | "applet"
            | "svg"
            | "canvas"
            | "select"
            | "option"
            | "optgroup"
            | "datalist"
            | "textarea"
            | "button"
            | "input"
            | "nav"
            | "menu"
            | "header"
            | "footer"
            | "aside"
            | "map"
            | "audio"
            | "video"
            | "img"
            | "picture"
            | "dialog"
    ) || name.starts_with("v:")
}

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

/// Decode an HTML page into lines and tables.
pub fn decode(bytes: &[u8]) -> Result<Document, DecodeError> {
    let decoded = charset::decode_html_bytes(bytes)?;
    let dom = Dom::parse(&decoded.text);
    let blocks = extract(&dom);
    if !blocks.iter().any(block_has_text) {
        return Err(DecodeError::Corrupt {
            format: "html",
            detail: "the page has no text".into(),
        });
    }
    Ok(Document {
        format: SourceFormat::Html,
        encoding: decoded.encoding.to_string(),
        blocks,
        findings: super::text::repair_finding(decoded.repaired, bytes.len())
            .into_iter()
            .collect(),
    })
}

fn block_has_text(block: &Block) -> bool {
    match block {
        Block::Line(line) => !line.trim().is_empty(),
        Block::Table(rows) => rows.iter().flatten().any(|c| !c.text.is_empty()),
        Block::PageBreak => false,
    }
}

/// The article's blocks, title first.
fn extract(dom: &Dom<'_>) -> Vec<Block> {
    let root = dom.root();
    let html = dom
        .children(root)
        .find(|&c| dom.name(c) == Some("html"))
        .unwrap_or(root);
    let body = dom
        .children(html)
        .find(|&c| dom.name(c) == Some("body"))
        .unwrap_or(html);
    // Whether each node is left out (asked once per node: styles are long).
    let skipped: Vec<bool> = (0..dom.len() as NodeId)
        .map(|id| is_skipped(dom, id))
        .collect();
    let counts = text_counts(dom, &skipped);
    let content = find_content(dom, body, &counts);
    let mut blocks = walk(dom, &skipped, content);
    if !blocks.iter().any(block_has_text) && content != body {
        blocks = walk(dom, &skipped, body);
    }
    let mut blocks = grid::join_split_tables(blocks);
    if let Some(title) = find_title(dom, &skipped) {
        if !starts_with_title(&blocks, &title) {
            blocks.insert(0, Block::Line(title));
        }
    }
    blocks
}

// ---------------------------------------------------------------------------
// Finding the article
// ---------------------------------------------------------------------------

/// Elements left out with their content: chrome and hidden elements.
fn is_skipped(dom: &Dom<'_>, id: NodeId) -> bool {
    let Some(name) = dom.name(id) else {
        return false;
    };
    if is_chrome(name) {
        return true;
    }
    if dom.attr(id, "hidden").is_some() {
        return true;
    }
    dom.attr(id, "style").is_some_and(style_hides)
}

/// Whether an inline style hides its element (`display: none`,
/// `mso-hide: all`, `visibility: hidden`; any case and spacing).
///
/// Word's HTML puts a style on nearly every element, so the common case (no
/// `none` and no `hid` anywhere, in any case) is answered by two SIMD
/// substring searches and one branch-free pass for upper-case letters,
/// without allocating.
fn style_hides(style: &str) -> bool {
    static NONE: LazyLock<memmem::Finder<'static>> = LazyLock::new(|| memmem::Finder::new("none"));
    static HID: LazyLock<memmem::Finder<'static>> = LazyLock::new(|| memmem::Finder::new("hid"));
    let bytes = style.as_bytes();
    let hinted = NONE.find(bytes).is_some() || HID.find(bytes).is_some() || {
        // Upper-case letters could spell `NONE` or `Hidden`: look again in lower case.
        let upper = bytes
            .iter()
            .fold(false, |acc, b| acc | b.is_ascii_uppercase());
        upper && {
            let lower = style.to_ascii_lowercase();
            NONE.find(lower.as_bytes()).is_some() || HID.find(lower.as_bytes()).is_some()
        }
    };
    if !hinted {
        return false;
    }
    let s: String = style
        .chars()
        .filter(|c| !c.is_whitespace())
        .flat_map(char::to_lowercase)
        .collect();
    s.contains("display:none") || s.contains("mso-hide:all") || s.contains("visibility:hidden")
}

/// Non-whitespace characters of text not inside links or skipped elements,
/// per node (indexed by node id), computed bottom-up without recursion.
fn text_counts(dom: &Dom<'_>, skipped: &[bool]) -> Vec<usize> {
    let mut counts = vec![0usize; dom.len()];
    // Nodes are created in document order, so a node's id is larger than its
    // ancestors': walking ids backwards visits every child before its parent.
    let mut hidden = vec![false; dom.len()];
    let mut in_link = vec![false; dom.len()];
    for id in 0..dom.len() as NodeId {
        let parent = dom.parent(id);
        let (parent_hidden, parent_link) = parent.map_or((false, false), |p| {
            (hidden[p as usize], in_link[p as usize])
        });
        hidden[id as usize] = parent_hidden || skipped[id as usize];
        in_link[id as usize] = parent_link || dom.name(id) == Some("a");
    }
    for id in (1..dom.len() as NodeId).rev() {
        let i = id as usize;
        if hidden[i] {
            counts[i] = 0;
            continue;
        }
        if let NodeKind::Text(t) = &dom.node(id).kind {
            if !in_link[i] {
                counts[i] = t.chars().filter(|c| !c.is_whitespace()).count();
            }
        }
        if let Some(parent) = dom.parent(id) {
            counts[parent as usize] += counts[i];
        }
    }
    counts
}

/// The element holding the report body (see the module docs).
fn find_content(dom: &Dom<'_>, body: NodeId, counts: &[usize]) -> NodeId {
    let count = |id: NodeId| counts[id as usize];
    let total = count(body);
    for matches in dom.select_each(CONTENT_SELECTORS) {
        // The match with the most text; the first one on ties.
        let best = matches
            .into_iter()
            .fold(None::<NodeId>, |best, e| match best {
                Some(b) if count(b) >= count(e) => Some(b),
                _ => Some(e),
            });
        if let Some(e) = best {
            let c = count(e);
            if c >= 20 && c * 10 >= total * 3 {
                return e;
            }
        }
    }
    let mut node = body;
    while let Some(child) = dom
        .children(node)
        .filter(|&c| dom.name(c).is_some())
        .find(|&c| count(c) > 0 && count(c) * 4 >= total * 3)
    {
        node = child;
    }
    // Stopped between a table and its cells: the table is the content.
    while matches!(
        dom.name(node),
        Some("tbody" | "thead" | "tfoot" | "tr" | "caption" | "colgroup" | "col")
    ) {
        match dom.parent(node) {
            Some(parent) if dom.name(parent).is_some() => node = parent,
            _ => break,
        }
    }
    node
}

// ---------------------------------------------------------------------------
// The title
// ---------------------------------------------------------------------------

fn find_title(dom: &Dom<'_>, skipped: &[bool]) -> Option<String> {
    let usable = |t: String| {
        let n = t.chars().count();
        ((4..=200).contains(&n)).then_some(t)
    };
    let article_title = dom
        .select("meta")
        .filter(|&m| {
            dom.attr(m, "name")
                .is_some_and(|n| n.eq_ignore_ascii_case("ArticleTitle"))
        })
        .find_map(|m| dom.attr(m, "content"))
        .map(normalize)
        .and_then(usable);
    if article_title.is_some() {
        return article_title;
    }
    for sel in TITLE_SELECTORS {
        if let Some(t) = dom
            .select(sel)
            .map(|e| cell_text(dom, skipped, e, 0))
            .find_map(usable)
        {
            return Some(t);
        }
    }
    let raw = dom.plain_text(dom.select("title").next()?);
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
            Block::Table(_) | Block::PageBreak => break,
        }
    }
    head.contains(&key)
}

#[cfg(test)]
pub(super) mod tests;
