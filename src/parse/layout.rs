//! Layout: turn a [`Document`]'s blocks into a flat stream of cells and row
//! ends, whatever the source layout was.
//!
//! Text layouts seen in real reports, detected per line:
//!
//! * cell per line with a leading tab, rows separated by blank lines (Word → text);
//!   a short untabbed line right after a cell line continues that cell;
//! * cell per line ending in ` |`, extra `|` runs marking row/span ends;
//! * tab-separated rows (PDF → text);
//! * space-aligned columns (`pdftotext -layout`): chunks separated by 2+ spaces.
//!
//! Explicit grids (HTML, DOCX) map row by row; spanned slots are not repeated
//! as cells, so a merged number is read once.

use crate::model::{Block, Document};

/// One unit of the stream the table parser reads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Token {
    /// The text of one cell (trimmed; may be empty for a blank cell).
    Cell(String),
    /// The end of a row (a soft hint: some layouts do not mark every row end).
    RowEnd,
}

/// Which text layout a document uses for its cells.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum TextLayout {
    TabCellPerLine,
    PipeCellPerLine,
    Columns,
}

/// Turn a document into tokens.
pub fn tokenize(doc: &Document) -> Vec<Token> {
    let layout = detect_layout(doc);
    let mut tokens = Vec::new();
    let mut in_tab_row = false;
    for block in &doc.blocks {
        match block {
            Block::Table(rows) => {
                in_tab_row = false;
                for row in rows {
                    tokens.extend(
                        row.iter()
                            .filter(|c| !c.spanned)
                            .map(|c| Token::Cell(clean(&c.text))),
                    );
                    tokens.push(Token::RowEnd);
                }
            }
            Block::Line(line) => match layout {
                TextLayout::TabCellPerLine => tab_cell_line(line, &mut tokens, &mut in_tab_row),
                TextLayout::PipeCellPerLine => pipe_cell_line(line, &mut tokens),
                TextLayout::Columns => column_line(line, &mut tokens),
            },
        }
    }
    tokens
}

/// Decide the text layout from how many lines look like each style.
fn detect_layout(doc: &Document) -> TextLayout {
    let (mut leading_tab, mut pipe_end) = (0usize, 0usize);
    for block in &doc.blocks {
        if let Block::Line(line) = block {
            if line.starts_with('\t') && !line[1..].contains('\t') {
                leading_tab += 1;
            }
            if line.trim_end().ends_with('|') {
                pipe_end += 1;
            }
        }
    }
    if pipe_end >= 20 && pipe_end >= leading_tab {
        TextLayout::PipeCellPerLine
    } else if leading_tab >= 20 {
        TextLayout::TabCellPerLine
    } else {
        TextLayout::Columns
    }
}

fn tab_cell_line(line: &str, tokens: &mut Vec<Token>, in_row: &mut bool) {
    if let Some(cell) = line.strip_prefix('\t') {
        if cell.contains('\t') {
            split_tabs(cell, tokens);
            tokens.push(Token::RowEnd);
            *in_row = false;
        } else {
            tokens.push(Token::Cell(clean(cell)));
            *in_row = true;
        }
        return;
    }
    let trimmed = line.trim();
    if trimmed.is_empty() {
        if *in_row {
            tokens.push(Token::RowEnd);
        }
        *in_row = false;
        return;
    }
    // A short untabbed line inside a row is the rest of a cell broken over two lines.
    if *in_row && trimmed.chars().count() <= 12 && !looks_like_heading(trimmed) {
        if let Some(Token::Cell(prev)) = tokens.last_mut() {
            prev.push_str(&clean(trimmed));
            return;
        }
    }
    if *in_row {
        tokens.push(Token::RowEnd);
        *in_row = false;
    }
    column_line(line, tokens);
}

fn pipe_cell_line(line: &str, tokens: &mut Vec<Token>) {
    let trimmed = line.trim_end();
    match trimmed.split_once('|') {
        Some((cell, rest)) if trimmed.ends_with('|') => {
            tokens.push(Token::Cell(clean(cell)));
            if rest.contains('|') {
                tokens.push(Token::RowEnd);
            }
        }
        _ => column_line(line, tokens),
    }
}

/// A line of tab- or space-aligned columns: one row.
fn column_line(line: &str, tokens: &mut Vec<Token>) {
    if line.trim().is_empty() {
        return;
    }
    if line.trim_matches('\t').contains('\t') {
        split_tabs(line, tokens);
    } else {
        for chunk in split_wide_spaces(line.trim()) {
            tokens.push(Token::Cell(clean(chunk)));
        }
    }
    tokens.push(Token::RowEnd);
}

/// Tab-separated cells; a trailing tab run is not a cell (rows end in tabs for spans).
fn split_tabs(line: &str, tokens: &mut Vec<Token>) {
    let line = line.trim_end_matches(['\r', ' ']);
    let mut cells: Vec<&str> = line.split('\t').collect();
    while cells.len() > 1 && cells.last().is_some_and(|c| c.trim().is_empty()) {
        cells.pop();
    }
    // A label split from its numbering (`一、` ⇥ `本年新收…`) is one label cell.
    tokens.extend(cells.into_iter().map(|c| Token::Cell(clean(c))));
}

/// Split on runs of two or more spaces (or an ideographic space).
fn split_wide_spaces(line: &str) -> Vec<&str> {
    let mut chunks = Vec::new();
    let mut start = 0;
    let mut spaces_from: Option<usize> = None;
    let mut run = 0;
    for (i, c) in line.char_indices() {
        if c == ' ' || c == '\u{3000}' || c == '\u{a0}' {
            if spaces_from.is_none() {
                spaces_from = Some(i);
            }
            run += if c == '\u{3000}' { 2 } else { 1 };
        } else {
            if let Some(from) = spaces_from {
                if run >= 2 {
                    chunks.push(&line[start..from]);
                    start = i;
                }
            }
            spaces_from = None;
            run = 0;
        }
    }
    chunks.push(&line[start..]);
    chunks.retain(|c| !c.trim().is_empty());
    chunks
}

/// Section headings (`三、…`, `（二）…`) never continue a cell.
fn looks_like_heading(text: &str) -> bool {
    let mut chars = text.chars();
    match chars.next() {
        Some('（' | '(') => true,
        Some(c) if "一二三四五六七八九十".contains(c) => chars.next() == Some('、'),
        _ => false,
    }
}

/// Trim a cell and drop markdown emphasis.
fn clean(text: &str) -> String {
    text.trim_matches(|c: char| c.is_whitespace() || c == '|')
        .replace("**", "")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Cell, SourceFormat};

    fn doc(lines: &[&str]) -> Document {
        Document {
            format: SourceFormat::Text,
            encoding: "UTF-8".into(),
            blocks: lines.iter().map(|l| Block::Line(l.to_string())).collect(),
        }
    }

    fn cells(tokens: &[Token]) -> Vec<&str> {
        tokens
            .iter()
            .map(|t| match t {
                Token::Cell(c) => c.as_str(),
                Token::RowEnd => "⏎",
            })
            .collect()
    }

    #[test]
    fn space_columns() {
        assert_eq!(
            split_wide_spaces("规章            1          0        11"),
            vec!["规章", "1", "0", "11"]
        );
        assert_eq!(
            split_wide_spaces("第二十条 第（一）项"),
            vec!["第二十条 第（一）项"]
        );
    }

    #[test]
    fn tab_rows() {
        let d = doc(&["规章\t0\t0\t0", "第二十条第（八）项\t\t\t"]);
        assert_eq!(
            cells(&tokenize(&d)),
            vec!["规章", "0", "0", "0", "⏎", "第二十条第（八）项", "⏎"]
        );
    }

    #[test]
    fn tab_cell_per_line_with_broken_cell() {
        let mut lines = vec![
            "\t信息内容",
            "\t本年新",
            "制作数量",
            "",
            "\t规章",
            "\t",
            "\t1",
            "",
        ];
        lines.extend(std::iter::repeat_n("\tx", 20));
        let tokens = tokenize(&doc(&lines));
        assert_eq!(
            &cells(&tokens)[..7],
            &["信息内容", "本年新制作数量", "⏎", "规章", "", "1", "⏎"]
        );
    }

    #[test]
    fn grid_skips_spanned_slots() {
        let d = Document {
            format: SourceFormat::Html,
            encoding: "UTF-8".into(),
            blocks: vec![Block::Table(vec![vec![
                Cell::new("行政许可"),
                Cell::new("5"),
                Cell {
                    text: "5".into(),
                    spanned: true,
                },
            ]])],
        };
        assert_eq!(cells(&tokenize(&d)), vec!["行政许可", "5", "⏎"]);
    }
}
