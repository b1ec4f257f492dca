//! Walking the article: block elements and `<br>` end lines, tables become
//! grids (or, for layout tables, running text), text is whitespace-collapsed
//! the way a browser renders it.

use super::grid::{self, is_wide, SpanCell};
use super::is_skipped;
use crate::model::Block;
use ego_tree::NodeRef;
use scraper::Node;

/// Elements that start and end a line.
#[rustfmt::skip]
const BLOCKS: &[&str] = &[
    "p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol", "dl", "dt", "dd", "blockquote", "section",
    "article", "main", "center", "pre", "address", "figure", "figcaption", "caption", "hr", "form", "fieldset",
    "legend", "details", "summary", "table", "thead", "tbody", "tfoot", "tr", "td", "th", "body", "html", "xmp",
    "listing", "plaintext",
];

/// Nesting depth past which subtrees are read as plain text (no recursion).
const MAX_DEPTH: usize = 200;

/// The blocks of the subtree under `node`, in document order.
pub(super) fn walk(node: NodeRef<'_, Node>) -> Vec<Block> {
    let mut walker = Walker::default();
    walker.node(node, 0);
    walker.flush();
    walker.blocks
}

#[derive(Default)]
struct Walker {
    blocks: Vec<Block>,
    /// Raw text of the line being built (normalised on flush).
    line: String,
    /// Inside `<pre>` (line breaks in text end lines).
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
/// Word's `<![if !supportMisalignedColumns]><tr height=0>` row of empty
/// width-setting cells is not part of the table and is left out.
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
    rows.retain(|tr| !is_spacer_row(*tr));
    rows
}

/// A zero-height row without text (Word's column-width row).
fn is_spacer_row(tr: NodeRef<'_, Node>) -> bool {
    let Node::Element(e) = tr.value() else {
        return false;
    };
    let zero_height = e.attr("height").is_some_and(|h| h.trim() == "0")
        || e.attr("style").is_some_and(|s| {
            let s: String = s.chars().filter(|c| !c.is_whitespace()).collect();
            s.contains("height:0;")
                || s.ends_with("height:0")
                || s.contains("height:0px")
                || s.contains("height:0pt")
        });
    zero_height && plain_text(tr).trim().is_empty()
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
pub(super) fn cell_text(node: NodeRef<'_, Node>, depth: usize) -> String {
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
pub(super) fn normalize(raw: &str) -> String {
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
