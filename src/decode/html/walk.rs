//! Walking the article: block elements and `<br>` end lines, tables become
//! grids (or, for layout tables, running text), text is whitespace-collapsed
//! the way a browser renders it.

use super::dom::{Dom, NodeId, NodeKind};
use super::grid::{self, is_wide, SpanCell};
use crate::model::Block;

/// Whether an element is a block (its content starts and ends a line).
/// A `match` compiles to a switch on length and bytes: this runs for every
/// element of every page, where a list search compared strings one by one.
#[rustfmt::skip]
fn is_block(name: &str) -> bool {
    matches!(
        name,
        "p" | "div" | "h1" | "h2" | "h3" | "h4" | "h5" | "h6" | "li" | "ul" | "ol" | "dl" | "dt"
            | "dd" | "blockquote" | "section" | "article" | "main" | "center" | "pre" | "address"
            | "figure" | "figcaption" | "caption" | "hr" | "form" | "fieldset" | "legend"
            | "details" | "summary" | "table" | "thead" | "tbody" | "tfoot" | "tr" | "td" | "th"
            | "body" | "html" | "xmp" | "listing" | "plaintext"
    )
}

/// Nesting depth past which subtrees are read as plain text (no recursion).
const MAX_DEPTH: usize = 200;

/// The blocks of the subtree under `node`, in document order.
///
/// `skipped[id]` says whether node `id` is left out with its content.
pub(super) fn walk(dom: &Dom<'_>, skipped: &[bool], node: NodeId) -> Vec<Block> {
    let mut walker = Walker {
        dom,
        skipped,
        blocks: Vec::new(),
        line: String::new(),
        pre: 0,
    };
    walker.node(node, 0);
    walker.flush();
    walker.blocks
}

struct Walker<'d, 'a> {
    dom: &'d Dom<'a>,
    skipped: &'d [bool],
    blocks: Vec<Block>,
    /// Raw text of the line being built (normalised on flush).
    line: String,
    /// Inside `<pre>` (line breaks in text end lines).
    pre: usize,
}

impl Walker<'_, '_> {
    fn flush(&mut self) {
        let text = normalize(&self.line);
        self.line.clear();
        if !text.is_empty() {
            self.blocks.push(Block::Line(text));
        }
    }

    fn children(&mut self, node: NodeId, depth: usize) {
        let dom = self.dom;
        for child in dom.children(node) {
            self.node(child, depth + 1);
        }
    }

    fn node(&mut self, node: NodeId, depth: usize) {
        let dom = self.dom;
        match &dom.node(node).kind {
            NodeKind::Text(t) => {
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
            NodeKind::Element { name, .. } => {
                if self.skipped[node as usize] {
                    return;
                }
                if depth > MAX_DEPTH {
                    self.line.push_str(&dom.plain_text(node));
                    return;
                }
                let name: &str = name;
                match name {
                    "br" => self.flush(),
                    "table" => {
                        self.flush();
                        self.table(node, depth);
                    }
                    _ if is_block(name) => {
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
            NodeKind::Root => self.children(node, depth),
        }
    }

    /// A `<table>`: a grid, or (layout) its cells walked as running text.
    fn table(&mut self, table: NodeId, depth: usize) {
        let dom = self.dom;
        for child in dom.children(table) {
            if dom.name(child) == Some("caption") {
                self.node(child, depth + 1);
            }
        }
        let rows: Vec<Vec<NodeId>> = table_rows(dom, table)
            .into_iter()
            .map(|tr| {
                dom.children(tr)
                    .filter(|&c| matches!(dom.name(c), Some("td" | "th")))
                    .collect()
            })
            .collect();
        let nested = rows
            .iter()
            .flatten()
            .any(|&cell| dom.descendants(cell).any(|d| dom.name(d) == Some("table")));
        if !nested {
            let span_rows: Vec<Vec<SpanCell>> = rows
                .iter()
                .map(|cells| {
                    cells
                        .iter()
                        .map(|&cell| SpanCell {
                            text: cell_text(dom, self.skipped, cell, depth + 1),
                            rowspan: span_attr(dom, cell, "rowspan"),
                            colspan: span_attr(dom, cell, "colspan").max(1),
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
        for &cell in rows.iter().flatten() {
            self.flush();
            self.node(cell, depth + 1);
            self.flush();
        }
    }
}

/// The rows of a table (not of tables nested in it), in document order.
/// Word's `<![if !supportMisalignedColumns]><tr height=0>` row of empty
/// width-setting cells is not part of the table and is left out.
fn table_rows(dom: &Dom<'_>, table: NodeId) -> Vec<NodeId> {
    let mut rows = Vec::new();
    for child in dom.children(table) {
        match dom.name(child) {
            Some("tr") => rows.push(child),
            Some("thead" | "tbody" | "tfoot") => {
                rows.extend(dom.children(child).filter(|&c| dom.name(c) == Some("tr")));
            }
            _ => {}
        }
    }
    rows.retain(|&tr| !is_spacer_row(dom, tr));
    rows
}

/// A zero-height row without text (Word's column-width row).
fn is_spacer_row(dom: &Dom<'_>, tr: NodeId) -> bool {
    let zero_height = dom.attr(tr, "height").is_some_and(|h| h.trim() == "0")
        || dom.attr(tr, "style").is_some_and(|s| {
            let s: String = s.chars().filter(|c| !c.is_whitespace()).collect();
            s.contains("height:0;")
                || s.ends_with("height:0")
                || s.contains("height:0px")
                || s.contains("height:0pt")
        });
    zero_height && dom.plain_text(tr).trim().is_empty()
}

/// rowspan/colspan as HTML parses them: leading digits; missing or bad → 1.
fn span_attr(dom: &Dom<'_>, cell: NodeId, name: &str) -> usize {
    let Some(value) = dom.attr(cell, name) else {
        return 1;
    };
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
pub(super) fn cell_text(dom: &Dom<'_>, skipped: &[bool], node: NodeId, depth: usize) -> String {
    let mut raw = String::new();
    cell_text_into(dom, skipped, node, depth, &mut raw);
    normalize(&raw)
}

fn cell_text_into(dom: &Dom<'_>, skipped: &[bool], node: NodeId, depth: usize, out: &mut String) {
    for child in dom.children(node) {
        match &dom.node(child).kind {
            NodeKind::Text(t) => out.push_str(t),
            NodeKind::Element { name, .. } => {
                if skipped[child as usize] {
                    continue;
                }
                if depth > MAX_DEPTH {
                    out.push_str(&dom.plain_text(child));
                    continue;
                }
                let block = name == "br" || is_block(name);
                if block {
                    out.push('\n');
                }
                cell_text_into(dom, skipped, child, depth + 1, out);
                if block {
                    out.push('\n');
                }
            }
            NodeKind::Root => {}
        }
    }
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
    // Collapsed runs are never leading or trailing; only a no-break or
    // ideographic space can be: copy only then.
    let trimmed = out.trim();
    if trimmed.len() == out.len() {
        out
    } else {
        trimmed.to_string()
    }
}
