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

use super::labels;
use super::number::{self, parse_number, NumberCell};
use crate::model::{Block, Document};
use std::borrow::Cow;
use std::collections::HashMap;

/// One unit of the stream the table parser reads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Token<'a> {
    /// One cell.
    Cell {
        /// The cell's text (trimmed; empty for a blank cell), borrowed from the document.
        text: Cow<'a, str>,
        /// The text normalised for label matching ([`labels::norm`]), computed once.
        norm: Cow<'a, str>,
        /// Character column where the cell starts, for space-aligned layouts
        /// (where blank cells leave no trace and only positions tell columns apart).
        col: Option<u32>,
        /// What the cell holds, computed once.
        class: CellClass,
        /// The key phrases a text cell's normalised text holds, found once.
        hits: labels::Hits,
    },
    /// The end of a row (a soft hint: some layouts do not mark every row end).
    RowEnd,
    /// A page break: column positions before and after it are not comparable.
    PageBreak,
}

/// Cells longer than this (in bytes) are prose: longer than any label
/// ([`labels::MAX_LABEL_CHARS`] characters of 3 bytes, plus slack).
const LONG_CELL_BYTES: usize = 4 * labels::MAX_LABEL_CHARS;

/// What a cell holds, as far as the table readers care.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CellClass {
    /// Empty or a placeholder (`无`, `/`, `-`).
    Blank,
    /// A number.
    Number,
    /// Anything else: a label, a header, prose.
    Text,
}

impl<'a> Token<'a> {
    /// A cell without a position.
    pub fn cell(text: Cow<'a, str>) -> Self {
        Token::at(text, None)
    }

    /// A cell starting at a character column.
    pub fn at(text: Cow<'a, str>, col: Option<u32>) -> Self {
        // Prose is never a label or a number: skip the work for long cells.
        if text.len() > LONG_CELL_BYTES {
            return Token::read(text, col, &Reading::PROSE);
        }
        // Most cells are blank or a plain count: known without a look-up.
        if text.is_empty() {
            return Token::read(text, col, &Reading::BLANK);
        }
        if number::is_plain_count(&text) {
            return Token::read(text, col, &Reading::COUNT);
        }
        // Every other cell through this thread's memo: the same labels,
        // numbers and notes stand in report after report, and a hash look-up
        // costs less than classifying, normalising and scanning for key
        // phrases again.
        READINGS.with_borrow_mut(|memo| {
            if let Some(reading) = memo.get(text.as_ref()) {
                return Token::read(text, col, reading);
            }
            if memo.len() >= MEMO_MAX_ENTRIES {
                // Bounded: start again rather than track what is least used.
                memo.clear();
            }
            let reading = memo
                .entry(text.as_ref().into())
                .or_insert_with(|| Reading::of(&text));
            Token::read(text, col, reading)
        })
    }

    /// The token of a cell whose reading is known.
    fn read(text: Cow<'a, str>, col: Option<u32>, reading: &Reading) -> Self {
        let norm = match (&reading.norm, &text) {
            (Some(norm), _) => Cow::Owned(norm.to_string()),
            (None, Cow::Borrowed(s)) => Cow::Borrowed(*s),
            (None, Cow::Owned(s)) => Cow::Owned(s.clone()),
        };
        Token::Cell {
            text,
            norm,
            col,
            class: reading.class,
            hits: reading.hits,
        }
    }
}

/// Most readings a thread remembers before it forgets them all: a few MB
/// (keys up to [`LONG_CELL_BYTES`]; most are labels and numbers of a few
/// dozen bytes). Cells past 96 bytes are remembered too: in the generated
/// corpus's text reports two in three of them are notes and template
/// sentences met before (`（本列数据的勾稽关系为：…）`), and a miss costs a
/// hash and a copy.
const MEMO_MAX_ENTRIES: usize = 1 << 14;

thread_local! {
    /// Each thread's memo of cell readings, by cell text. A pure function's
    /// results: the tokens are the same with or without it.
    static READINGS: std::cell::RefCell<HashMap<Box<str>, Reading, foldhash::fast::FixedState>> =
        std::cell::RefCell::new(HashMap::with_hasher(foldhash::fast::FixedState::default()));
}

/// What a cell's text holds: its class, its normalised text when that
/// differs, and its key phrases.
#[derive(Debug, Clone)]
struct Reading {
    class: CellClass,
    /// [`labels::norm`] of the text; None when it is the text itself.
    norm: Option<Box<str>>,
    hits: labels::Hits,
}

impl Reading {
    /// A long cell: prose, never a label or a number (not looked at).
    const PROSE: Reading = Reading {
        class: CellClass::Text,
        norm: None,
        hits: labels::Hits::NONE,
    };

    /// An empty cell.
    const BLANK: Reading = Reading {
        class: CellClass::Blank,
        norm: None,
        hits: labels::Hits::NONE,
    };

    /// Plain ASCII digits (a count [`parse_number`] reads on its fast path).
    const COUNT: Reading = Reading {
        class: CellClass::Number,
        norm: None,
        hits: labels::Hits::NONE,
    };

    fn of(text: &str) -> Reading {
        let class = classify(text);
        let norm = match labels::norm(text) {
            Cow::Borrowed(_) => None,
            Cow::Owned(s) => Some(s.into_boxed_str()),
        };
        // Numbers and blanks are never labels: only text cells are looked up.
        let hits = if class == CellClass::Text {
            labels::Hits::of(norm.as_deref().unwrap_or(text))
        } else {
            labels::Hits::NONE
        };
        Reading { class, norm, hits }
    }
}

fn classify(text: &str) -> CellClass {
    match parse_number(text) {
        NumberCell::Blank => CellClass::Blank,
        NumberCell::Value { .. } => CellClass::Number,
        NumberCell::Invalid => CellClass::Text,
    }
}

/// Which text layout a document uses for its cells.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum TextLayout {
    /// Markdown pipe tables (`| a | b |`), from document converters.
    Markdown,
    TabCellPerLine,
    PipeCellPerLine,
    Columns,
}

/// Turn a document into tokens.
pub fn tokenize(doc: &Document) -> Vec<Token<'_>> {
    let layout = detect_layout(doc);
    // About two tokens per block (a cell and a row end): sized once.
    let mut tokens = Vec::with_capacity(doc.blocks.len() * 2);
    let mut in_tab_row = false;
    for block in &doc.blocks {
        match block {
            Block::Table(rows) => {
                in_tab_row = false;
                for row in rows {
                    tokens.extend(
                        row.iter()
                            .filter(|c| !c.spanned)
                            .map(|c| Token::cell(clean(&c.text))),
                    );
                    tokens.push(Token::RowEnd);
                }
            }
            Block::PageBreak => tokens.push(Token::PageBreak),
            Block::Line(line) => match layout {
                TextLayout::TabCellPerLine => tab_cell_line(line, &mut tokens, &mut in_tab_row),
                TextLayout::PipeCellPerLine => pipe_cell_line(line, &mut tokens),
                TextLayout::Markdown => markdown_line(line, &mut tokens),
                TextLayout::Columns => column_line(line, &mut tokens),
            },
        }
    }
    tokens
}

/// Decide the text layout from how many lines look like each style.
fn detect_layout(doc: &Document) -> TextLayout {
    let (mut leading_tab, mut pipe_end, mut markdown) = (0usize, 0usize, 0usize);
    for block in &doc.blocks {
        if let Block::Line(line) = block {
            if line.starts_with('\t') && !line[1..].contains('\t') {
                leading_tab += 1;
            }
            let trimmed = line.trim();
            if trimmed.ends_with('|') {
                pipe_end += 1;
                if trimmed.starts_with('|') && trimmed.len() > 1 {
                    markdown += 1;
                }
            }
        }
    }
    if markdown >= 3 && markdown * 2 >= pipe_end {
        TextLayout::Markdown
    } else if pipe_end >= 20 && pipe_end >= leading_tab {
        TextLayout::PipeCellPerLine
    } else if leading_tab >= 20 {
        TextLayout::TabCellPerLine
    } else {
        TextLayout::Columns
    }
}

fn tab_cell_line<'a>(line: &'a str, tokens: &mut Vec<Token<'a>>, in_row: &mut bool) {
    if let Some(cell) = line.strip_prefix('\t') {
        if cell.contains('\t') {
            split_tabs(cell, tokens);
            tokens.push(Token::RowEnd);
            *in_row = false;
        } else {
            tokens.push(Token::cell(clean(cell)));
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
        if let Some(last) = tokens.last_mut() {
            if let Token::Cell { text, col, .. } = last {
                let joined = Token::at(Cow::Owned(format!("{text}{}", clean(trimmed))), *col);
                *last = joined;
                return;
            }
        }
    }
    if *in_row {
        tokens.push(Token::RowEnd);
        *in_row = false;
    }
    column_line(line, tokens);
}

fn pipe_cell_line<'a>(line: &'a str, tokens: &mut Vec<Token<'a>>) {
    let trimmed = line.trim_end();
    match trimmed.split_once('|') {
        Some((cell, rest)) if trimmed.ends_with('|') => {
            tokens.push(Token::cell(clean(cell)));
            if rest.contains('|') {
                tokens.push(Token::RowEnd);
            }
        }
        _ => column_line(line, tokens),
    }
}

/// A markdown table row (`| a | b |`) is one row of cells; the `|---|` rule
/// under the header is not a row; other lines are read as columns.
fn markdown_line<'a>(line: &'a str, tokens: &mut Vec<Token<'a>>) {
    let trimmed = line.trim();
    let Some(inner) = trimmed.strip_prefix('|').and_then(|t| t.strip_suffix('|')) else {
        column_line(line.trim_start_matches('#'), tokens);
        return;
    };
    let cells: Vec<&str> = inner.split('|').collect();
    let is_rule = cells.iter().all(|c| {
        let c = c.trim();
        !c.is_empty() && c.chars().all(|ch| matches!(ch, '-' | ':' | ' '))
    });
    if !is_rule {
        tokens.extend(cells.into_iter().map(|c| Token::cell(clean(c))));
        tokens.push(Token::RowEnd);
    }
}

/// A line of tab- or space-aligned columns: one row.
fn column_line<'a>(line: &'a str, tokens: &mut Vec<Token<'a>>) {
    // Trimmed once: space-aligned lines start with long runs of spaces.
    let content = line.trim();
    if content.is_empty() {
        return;
    }
    // A tab after the first cell makes a tab row, even when only blank cells
    // follow (`（六）其他处理⇥⇥⇥⇥⇥⇥⇥` is a row of seven blanks).
    let trimmed = line.trim_start_matches('\t');
    if memchr::memchr(b'\t', trimmed.as_bytes()).is_some() {
        split_tabs(line, tokens);
    } else if !has_wide_space(content) {
        // Prose and single cells: one cell, no column splitting.
        let lead = content.as_ptr() as usize - line.as_ptr() as usize;
        let col = line[..lead].chars().count() as u32;
        tokens.push(Token::at(clean(content), Some(col)));
    } else {
        for (col, chunk) in split_wide_spaces(line.trim_end()) {
            tokens.push(Token::at(clean(chunk), Some(col)));
        }
    }
    tokens.push(Token::RowEnd);
}

/// Whether a line has a column gap: two spaces, or an ideographic or no-break space.
fn has_wide_space(line: &str) -> bool {
    // One pass for the three (no searcher built per line): a space followed
    // by a space, U+3000 (E3 80 80) or U+00A0 (C2 A0).
    let bytes = line.as_bytes();
    memchr::memchr3_iter(b' ', 0xE3, 0xC2, bytes).any(|i| match bytes[i] {
        b' ' => bytes.get(i + 1) == Some(&b' '),
        0xE3 => bytes.get(i + 1..i + 3) == Some(&[0x80, 0x80]),
        _ => bytes.get(i + 1) == Some(&0xA0),
    })
}

/// Tab-separated cells. A trailing run of tabs holds blank cells (a values
/// row ending in blanks) or span padding (a header row): both read as blank
/// cells, which the table readers take only where a value is expected.
fn split_tabs<'a>(line: &'a str, tokens: &mut Vec<Token<'a>>) {
    let line = line.trim_end_matches(['\r', ' ']);
    tokens.extend(line.split('\t').map(|c| Token::cell(clean(c))));
}

/// Split on runs of two or more spaces (or an ideographic space), with each
/// chunk's starting character column in the line.
fn split_wide_spaces(line: &str) -> Vec<(u32, &str)> {
    let mut chunks = Vec::new();
    let mut start: Option<(usize, u32)> = None; // (byte, char column) of the current chunk
    let mut gap = 0;
    let mut gap_from = 0;
    for (col, (i, c)) in line.char_indices().enumerate() {
        let col = col as u32;
        if c == ' ' || c == '\u{3000}' || c == '\u{a0}' {
            if gap == 0 {
                gap_from = i;
            }
            gap += if c == '\u{3000}' { 2 } else { 1 };
            continue;
        }
        match start {
            None => start = Some((i, col)),
            Some((from, from_col)) if gap >= 2 => {
                chunks.push((from_col, &line[from..gap_from]));
                start = Some((i, col));
            }
            Some(_) => {}
        }
        gap = 0;
    }
    if let Some((from, from_col)) = start {
        chunks.push((from_col, line[from..].trim_end()));
    }
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
fn clean(text: &str) -> Cow<'_, str> {
    let edge = |c: char| c.is_whitespace() || c == '|';
    // Most cells start and end with a letter: nothing to trim.
    let trimmed = match (text.chars().next(), text.chars().next_back()) {
        (Some(first), Some(last)) if !edge(first) && !edge(last) => text,
        _ => text.trim_matches(edge),
    };
    if memchr::memchr(b'*', trimmed.as_bytes()).is_some() && trimmed.contains("**") {
        Cow::Owned(trimmed.replace("**", ""))
    } else {
        Cow::Borrowed(trimmed)
    }
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
            findings: Vec::new(),
        }
    }

    fn cells<'a>(tokens: &'a [Token<'_>]) -> Vec<&'a str> {
        tokens
            .iter()
            .map(|t| match t {
                Token::Cell { text, .. } => text.as_ref(),
                Token::RowEnd => "⏎",
                Token::PageBreak => "⇟",
            })
            .collect()
    }

    #[test]
    fn space_columns() {
        assert_eq!(
            split_wide_spaces("规章            1          0        11"),
            vec![(0, "规章"), (14, "1"), (25, "0"), (34, "11")]
        );
        assert_eq!(
            split_wide_spaces("  第二十条 第（一）项"),
            vec![(2, "第二十条 第（一）项")]
        );
    }

    proptest::proptest! {
        /// The memo only remembers: a cell read through it (first time or
        /// again, borrowed or owned) is the cell read afresh. Cells drawn from
        /// pieces of labels, numbers, blanks and the characters `norm` changes,
        /// short ones and long ones up to 255 bytes, which the memo keeps too.
        #[test]
        fn a_remembered_reading_is_the_fresh_reading(
            cells in proptest::collection::vec(
                "(本年新收|政府信息|行政复议|自然人|1|0|12|3.5|无|/|-| |\\(|\\)|、|:|\\*|\u{3000}|规章){0,6}|(本年新收|政府信息|申请人情况|1|、| ){6,17}",
                1..12,
            )
        ) {
            for text in cells.iter().chain(cells.iter()) {
                let fresh = Token::read(Cow::Borrowed(text), Some(3), &Reading::of(text));
                proptest::prop_assert_eq!(Token::at(Cow::Borrowed(text), Some(3)), fresh.clone());
                proptest::prop_assert_eq!(Token::at(Cow::Owned(text.clone()), Some(3)), fresh);
            }
        }
    }

    #[test]
    fn the_memo_stays_bounded_and_still_reads_after_forgetting() {
        for i in 0..MEMO_MAX_ENTRIES + 10 {
            let _ = Token::cell(Cow::Owned(format!("第{i}项")));
        }
        assert!(READINGS.with_borrow(|memo| memo.len()) <= MEMO_MAX_ENTRIES);
        let Token::Cell {
            class, norm, hits, ..
        } = Token::cell(Cow::Borrowed("自 然 人"))
        else {
            panic!("a cell");
        };
        assert_eq!((class, norm.as_ref()), (CellClass::Text, "自然人"));
        assert_ne!(hits, labels::Hits::NONE, "自然人 is an applicant header");
    }

    proptest::proptest! {
        #[test]
        fn wide_space_agrees_with_its_definition(
            parts in proptest::collection::vec(
                proptest::sample::select(vec![" ", "  ", "\u{3000}", "\u{a0}", "a", "规", "\u{e3}", "\u{c2}"]),
                0..12,
            )
        ) {
            let line: String = parts.concat();
            let reference = line.contains("  ") || line.contains('\u{3000}') || line.contains('\u{a0}');
            proptest::prop_assert_eq!(has_wide_space(&line), reference);
        }

        #[test]
        fn clean_trims_like_trim_matches(text in "[ \t|a规\u{3000}*]{0,8}") {
            let reference = text.trim_matches(|c: char| c.is_whitespace() || c == '|').replace("**", "");
            let cleaned = clean(&text);
            proptest::prop_assert_eq!(cleaned.as_ref(), reference.as_str());
        }
    }

    #[test]
    fn tab_rows() {
        let d = doc(&["规章\t0\t0\t0", "第二十条第（八）项\t\t\t"]);
        assert_eq!(
            cells(&tokenize(&d)),
            vec![
                "规章",
                "0",
                "0",
                "0",
                "⏎",
                "第二十条第（八）项",
                "",
                "",
                "",
                "⏎"
            ]
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
        let d = doc(&lines);
        let tokens = tokenize(&d);
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
            findings: Vec::new(),
        };
        assert_eq!(cells(&tokenize(&d)), vec!["行政许可", "5", "⏎"]);
    }
}
