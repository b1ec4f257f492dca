//! Words and tables of each page → blocks: a table's words become the text of
//! the cells they fall in, the other words become lines in reading order.
//!
//! * A word whose centre is in a table goes to the cell holding it. pdftotext
//!   runs characters of neighbouring narrow cells together into one word
//!   (`企机益务他`, one character from each of five columns); a word that
//!   crosses a cell border is cut there, each character placed by where it
//!   would stand if the word's width were shared out by character widths (a
//!   CJK character counts two, others one).
//! * A cell's pieces are read line by line (top to bottom, left to right) and
//!   joined without spaces, except between two Latin letters or digits on one
//!   line and two Latin letters across a line break: `自`/`然`/`人` is 自然人 and
//!   a `2` above a `6` is 26.
//! * The grid has one slot per row and column boundary pair; a cell covering
//!   several repeats its text in each, all but the first `spanned`, as the
//!   HTML and DOCX decoders do. Slots no cell covers are blank.
//! * Words outside tables are grouped into lines by their vertical centres
//!   and laid out the way `pdftotext -layout` lays them out, roughly: words
//!   closer than a character (two text columns) are one run of text, one
//!   space apart (none where they touch); a word further away (the next
//!   column of an unruled table) is padded to the text column of its x
//!   position (half a character of the page's text a column, counted from
//!   the page's leftmost word), at least two spaces after what precedes it.
//!   So space-aligned columns stay apart and line up from row to row. Lines
//!   and tables are ordered by their tops; a blank line marks a vertical gap.
//!   The page text then goes through the same page-number and page-break
//!   handling as `-layout` text ([`text_to_blocks`]).

use super::ruling::TableBox;
use super::words::{PageWords, Word};
use crate::decode::pdf::pages::text_to_blocks;
use crate::model::{Block, Cell};

/// A table slot stands on its own line of the page text as this marker.
const MARKER: &str = "\u{E000}xxgk-pdf-table\u{E000}";

/// East Asian wide characters (as in the HTML decoder's joining rule).
fn is_wide(c: char) -> bool {
    matches!(c as u32,
        0x1100..=0x115F | 0x2E80..=0x303E | 0x3041..=0x33FF | 0x3400..=0x4DBF | 0x4E00..=0x9FFF
        | 0xA000..=0xA4CF | 0xF900..=0xFAFF | 0xFE10..=0xFE19 | 0xFE30..=0xFE6F | 0xFF00..=0xFF60
        | 0xFFE0..=0xFFE6 | 0x20000..=0x3FFFD)
}

fn units(c: char) -> f64 {
    if is_wide(c) {
        2.0
    } else {
        1.0
    }
}

/// A piece of a word inside one cell.
#[derive(Debug, Clone)]
struct Piece {
    x0: f64,
    y0: f64,
    y1: f64,
    text: String,
}

impl Piece {
    fn cy(&self) -> f64 {
        (self.y0 + self.y1) / 2.0
    }
}

/// A table grid and the column boundaries it was found on.
type Grid = (Vec<Vec<Cell>>, Vec<f64>);

/// The blocks of a document: per page its words and the tables found on it.
pub(crate) fn blocks(pages: &[PageWords], tables: &[Vec<TableBox>]) -> Vec<Block> {
    let mut text = String::new();
    let mut grids: Vec<Grid> = Vec::new();
    for (p, page) in pages.iter().enumerate() {
        if p > 0 {
            text.push('\x0C');
        }
        let page_tables = tables.get(p).map_or(&[][..], Vec::as_slice);
        page_text(page, page_tables, &mut text, &mut grids);
    }
    let mut grids = grids.into_iter();
    let mut out: Vec<Block> = Vec::new();
    // Column boundaries of the last table in `out`.
    let mut last_xs: Vec<f64> = Vec::new();
    for block in text_to_blocks(&text) {
        let (grid, xs) = match block {
            Block::Line(l) if l == MARKER => match grids.next() {
                Some(g) => g,
                None => continue,
            },
            other => {
                out.push(other);
                continue;
            }
        };
        // A table continued from the previous page: only a page break (and
        // blank lines) between, the same columns. One grid again.
        let between = out
            .iter()
            .rev()
            .take_while(|b| {
                matches!(b, Block::PageBreak) || matches!(b, Block::Line(l) if l.trim().is_empty())
            })
            .count();
        let page_turned = out[out.len() - between..]
            .iter()
            .any(|b| matches!(b, Block::PageBreak));
        let at = out.len() - between;
        if page_turned && at > 0 {
            if let (Some(Block::Table(prev)), Some(grid)) =
                (out.get_mut(at - 1), on_columns(&grid, &xs, &last_xs))
            {
                continue_table(prev, grid);
                continue;
            }
        }
        out.push(Block::Table(grid));
        last_xs = xs;
    }
    for block in &mut out {
        if let Block::Table(grid) = block {
            return_overflowed_header_text(grid);
        }
    }
    out
}

/// Give back to a header cell the characters the printer drew below its
/// bottom rule, into the value under it (LibreOffice, a vertically centred
/// merged header cell split by a page break: `维` above, `持0` below, for
/// 结果维持 over 0). Only in a row of values right under a row of header
/// text, only characters that are no part of a value (`增5` / `减3`, table
/// A's signed changes, stay as they are).
fn return_overflowed_header_text(grid: &mut [Vec<Cell>]) {
    let is_value_row = |row: &[Cell]| {
        row.iter().any(|c| numeric(&c.text))
            && row.iter().all(|c| {
                c.text.trim().is_empty() || numeric(&c.text) || overflow(&c.text).is_some()
            })
    };
    let is_header_row = |row: &[Cell]| {
        row.iter().any(|c| !c.text.trim().is_empty())
            && row
                .iter()
                .all(|c| !numeric(&c.text) && overflow(&c.text).is_none())
    };
    for r in 1..grid.len() {
        if !is_value_row(&grid[r]) || !is_header_row(&grid[r - 1]) {
            continue;
        }
        for c in 0..grid[r].len().min(grid[r - 1].len()) {
            let Some((chars, value)) = overflow(&grid[r][c].text) else {
                continue;
            };
            if grid[r - 1][c].spanned || grid[r - 1][c].text.trim().is_empty() {
                continue;
            }
            let (chars, value) = (chars.to_string(), value.to_string());
            grid[r - 1][c].text.push_str(&chars);
            grid[r][c].text = value;
        }
    }
}

/// `持0` → (`持`, `0`): one or two CJK characters, then a number; not the
/// signed changes `增5` / `减3`.
fn overflow(text: &str) -> Option<(&str, &str)> {
    let t = text.trim();
    let split = t.find(|c: char| c.is_ascii_digit())?;
    let (chars, value) = t.split_at(split);
    let n = chars.chars().count();
    ((1..=2).contains(&n)
        && chars
            .chars()
            .all(|c| ('\u{4E00}'..='\u{9FFF}').contains(&c))
        && !chars.starts_with(['增', '减'])
        && numeric(value))
    .then_some((chars, value))
}

fn same_columns(a: &[f64], b: &[f64]) -> bool {
    a.len() == b.len() && a.iter().zip(b).all(|(x, y)| (x - y).abs() <= 2.0)
}

/// A grid found on the boundaries `xs`, laid on the previous page's
/// boundaries `prev_xs` when it continues that table: the same boundaries, or
/// some of them with the same outer edges (a page whose rows all span a
/// boundary draws no line there). A cell goes to the first column it covers
/// and spans the others. `None`: another table.
fn on_columns(grid: &[Vec<Cell>], xs: &[f64], prev_xs: &[f64]) -> Option<Vec<Vec<Cell>>> {
    if same_columns(prev_xs, xs) {
        return Some(grid.to_vec());
    }
    let close = |a: f64, b: f64| (a - b).abs() <= 2.0;
    let (Some(&first), Some(&last)) = (xs.first(), xs.last()) else {
        return None;
    };
    if xs.len() < 2
        || xs.len() >= prev_xs.len()
        || !close(first, prev_xs[0])
        || !close(last, prev_xs[prev_xs.len() - 1])
    {
        return None;
    }
    let at: Vec<usize> = xs
        .iter()
        .map(|&x| prev_xs.iter().position(|&p| close(p, x)))
        .collect::<Option<_>>()?;
    if at.windows(2).any(|w| w[0] >= w[1]) || grid.iter().any(|r| r.len() + 1 != xs.len()) {
        return None;
    }
    Some(
        grid.iter()
            .map(|row| {
                row.iter()
                    .enumerate()
                    .flat_map(|(c, cell)| {
                        let (from, to) = (at[c], at[c + 1]);
                        (from..to).map(move |k| Cell {
                            text: cell.text.clone(),
                            spanned: cell.spanned || k > from,
                        })
                    })
                    .collect()
            })
            .collect(),
    )
}

/// Whether a cell holds a number (digits and separators only).
fn numeric(t: &str) -> bool {
    let t = t.trim();
    !t.is_empty()
        && t.chars().any(|c| c.is_ascii_digit())
        && t.chars()
            .all(|c| c.is_ascii_digit() || matches!(c, '.' | ',' | '-' | '%' | ' '))
}

/// Whether a label starts with an item number: `（一）`, `(1)`, `1.`, `2、`, `三、`.
fn numbered(t: &str) -> bool {
    let t = t.trim_start();
    if t.starts_with(['（', '(']) {
        return true;
    }
    let rest = t.trim_start_matches(|c: char| c.is_ascii_digit());
    if rest.len() < t.len() && rest.starts_with(['.', '．', '、']) {
        return true;
    }
    let rest = t.trim_start_matches(|c: char| "一二三四五六七八九十".contains(c));
    rest.len() < t.len() && rest.starts_with('、')
}

/// Append the rows of a table's continuation on the next page. A row that
/// the page break cut in two (its label goes on: `4.无正当理由大量反` /
/// `复申请`) is one row again; a cell spanning rows down the previous page
/// (`三、本年度办理结果`) keeps spanning.
fn continue_table(prev: &mut Vec<Vec<Cell>>, mut next: Vec<Vec<Cell>>) {
    let (Some(last), Some(first)) = (prev.last(), next.first()) else {
        prev.extend(next);
        return;
    };
    let width = last.len().min(first.len());
    // The tail of a cut row: text only, no item number, each piece going on
    // from a non-empty cell above; the row's values all on the previous page.
    let origins: Vec<usize> = (0..width)
        .filter(|&c| !first[c].spanned && !first[c].text.trim().is_empty())
        .collect();
    // The tail of a row cut inside its numbers: a word processor breaks a row
    // whose wrapped number does not fit (`161` at the foot of the page, `8`
    // at the top of the next for 1618). Digits only, each under a number,
    // every other cell empty (no label: not a row of its own).
    let number_tail = !origins.is_empty()
        && (0..width).all(|c| {
            let piece = first[c].text.trim();
            piece.is_empty()
                || (piece.bytes().all(|b| b.is_ascii_digit()) && numeric(&last[c].text))
        });
    let tail = number_tail
        || !origins.is_empty()
        && origins.iter().all(|&c| {
            !numeric(&first[c].text) && !numbered(&first[c].text) && !last[c].text.trim().is_empty()
        })
        && (0..width).all(|c| !numeric(&first[c].text))
        // A cut row keeps its cells: a piece spans the columns its cell above
        // spans, no more (a row spanning the table at the top of the page,
        // `第二十条第（六）项`, is a new row under a row of values).
        && origins.iter().all(|&c| {
            (c + 1..width)
                .take_while(|&k| first[k].spanned && first[k].text == first[c].text)
                .all(|k| last[k].spanned && last[k].text == last[c].text)
        })
        // The row's values stayed on the previous page, or the piece has no
        // row label of its own (a header cut in two: `本年制发件` / `数`).
        && ((0..width).any(|c| numeric(&last[c].text)) || first[0].text.trim().is_empty());
    // Columns where a cell cut by the page break ended with the tail row (the
    // row below has a box of its own): nothing spans on from above there.
    let mut ended = vec![false; width];
    if tail {
        let last_row = prev.len() - 1;
        for &c in &origins {
            let add = first[c].text.trim().to_string();
            // The columns the piece covers (its own and the spanned ones right of it).
            let mut cols = vec![c];
            let mut k = c + 1;
            while k < width && first[k].spanned && first[k].text == first[c].text {
                cols.push(k);
                k += 1;
            }
            for col in cols {
                let old = prev[last_row][col].text.clone();
                let joined = if spaced(&old, &add, false) {
                    format!("{old} {add}")
                } else {
                    format!("{old}{add}")
                };
                // The slots above that are the same cell (a rowspan) too.
                let mut r = last_row;
                loop {
                    prev[r][col].text = joined.clone();
                    if r == 0 || !prev[r][col].spanned || prev[r - 1][col].text != old {
                        break;
                    }
                    r -= 1;
                }
            }
        }
        // Drop the tail row; a cell it started that spans further down
        // starts on the next row instead.
        let removed = next.remove(0);
        if let Some(row) = next.first_mut() {
            for (c, cell) in removed.iter().enumerate() {
                if let Some(slot) = row.get_mut(c) {
                    if let Some(e) = ended.get_mut(c) {
                        *e = !(slot.spanned && slot.text == cell.text);
                    }
                    if !cell.spanned && slot.spanned && slot.text == cell.text {
                        slot.spanned = false;
                    }
                }
            }
        }
    }
    // A cell spanning rows that the page break cut: at the top of the
    // continuation, an empty cell below a cell spanning rows on the previous
    // page (or tall itself), or a tall cell whose text goes on from the one
    // above (`（四）无` / `法提供`). One cell again, spanning on.
    if let (Some(last), Some(first_row)) = (prev.last(), next.first()) {
        let last = last.clone();
        let above = prev.len().checked_sub(2).map(|r| prev[r].clone());
        for c in 0..last.len().min(first_row.len()) {
            let text = last[c].text.clone();
            let top = next[0][c].text.clone();
            if text.trim().is_empty()
                || numeric(&text)
                || next[0][c].spanned
                || ended.get(c) == Some(&true)
            {
                continue;
            }
            let tall = next
                .get(1)
                .is_some_and(|r| r.get(c).is_some_and(|s| s.spanned && s.text == top));
            let joined = if top.trim().is_empty() {
                let spans_down_above = last[c].spanned
                    && above
                        .as_ref()
                        .is_some_and(|a| a.get(c).is_some_and(|s| s.text == text));
                if !(spans_down_above || tall) {
                    continue;
                }
                text.clone()
            } else if tall && !numeric(&top) && !numbered(&top) {
                let joined = if spaced(&text, &top, false) {
                    format!("{text} {}", top.trim())
                } else {
                    format!("{text}{}", top.trim())
                };
                let mut r = prev.len() - 1;
                loop {
                    prev[r][c].text = joined.clone();
                    if r == 0 || !prev[r][c].spanned || prev[r - 1][c].text != text {
                        break;
                    }
                    r -= 1;
                }
                joined
            } else {
                continue;
            };
            for (r, row) in next.iter_mut().enumerate() {
                if r > 0 && !(row[c].spanned && row[c].text == top) {
                    break;
                }
                row[c] = Cell {
                    text: joined.clone(),
                    spanned: true,
                };
            }
        }
    }
    prev.extend(next);
}

/// One page: append its lines (a marker per table) and its grids.
fn page_text(page: &PageWords, tables: &[TableBox], out: &mut String, grids: &mut Vec<Grid>) {
    // Pieces per table, per cell.
    let mut pieces: Vec<Vec<Vec<Piece>>> = tables
        .iter()
        .map(|t| vec![Vec::new(); t.cells.len()])
        .collect();
    let mut outside: Vec<&Word> = Vec::new();
    let mut cut_words: Vec<Word> = Vec::new();
    for word in &page.words {
        let (cx, cy) = (word.cx(), word.cy());
        let Some(t) = tables.iter().position(|t| t.contains(cx, cy)) else {
            outside.push(word);
            continue;
        };
        let table = &tables[t];
        let first = table.cell_at(word.x0 + 0.5, cy);
        let last = table.cell_at(word.x1 - 0.5, cy);
        if let Some(cell) = first.filter(|_| first == last) {
            pieces[t][cell].push(Piece {
                x0: word.x0,
                y0: word.y0,
                y1: word.y1,
                text: word.text.clone(),
            });
            continue;
        }
        // Cut the word at cell borders.
        let total: f64 = word.text.chars().map(units).sum();
        let scale = if total > 0.0 {
            (word.x1 - word.x0) / total
        } else {
            0.0
        };
        let mut at = 0.0;
        let mut current: Option<(Option<usize>, Piece)> = None;
        for c in word.text.chars() {
            let w = units(c);
            let x = word.x0 + (at + w / 2.0) * scale;
            let x_start = word.x0 + at * scale;
            at += w;
            let cell = table.cell_at(x, cy);
            match current.as_mut() {
                Some((held, piece)) if *held == cell => piece.text.push(c),
                _ => {
                    if let Some((held, piece)) = current.take() {
                        place(held, piece, &mut pieces[t], &mut cut_words);
                    }
                    current = Some((
                        cell,
                        Piece {
                            x0: x_start,
                            y0: word.y0,
                            y1: word.y1,
                            text: c.to_string(),
                        },
                    ));
                }
            }
        }
        if let Some((held, piece)) = current {
            place(held, piece, &mut pieces[t], &mut cut_words);
        }
    }
    outside.extend(cut_words.iter());
    // Items of the page by their tops: lines and tables.
    enum Item {
        Line(f64, f64, String),
        Table(f64, Grid),
    }
    let mut items: Vec<Item> = lines(&outside, page)
        .into_iter()
        .map(|(y0, y1, s)| Item::Line(y0, y1, s))
        .collect();
    for (table, cells) in tables.iter().zip(pieces) {
        if cells.iter().all(Vec::is_empty) {
            continue;
        }
        items.push(Item::Table(
            table.y0,
            (grid(table, cells), table.xs.clone()),
        ));
    }
    let top = |i: &Item| match i {
        Item::Line(y0, _, _) | Item::Table(y0, _) => *y0,
    };
    items.sort_by(|a, b| top(a).total_cmp(&top(b)));
    let mut last_bottom: Option<(f64, f64)> = None;
    for item in items {
        match item {
            Item::Line(y0, y1, s) => {
                // A gap of more than a line: a blank line, as -layout prints.
                if let Some((bottom, height)) = last_bottom {
                    if y0 - bottom > height.max(y1 - y0) {
                        out.push('\n');
                    }
                }
                out.push_str(&s);
                out.push('\n');
                last_bottom = Some((y1, y1 - y0));
            }
            Item::Table(_, g) => {
                out.push_str(MARKER);
                out.push('\n');
                grids.push(g);
                last_bottom = None;
            }
        }
    }
}

/// File a cut piece: into its cell, or back to the page's loose words.
fn place(cell: Option<usize>, piece: Piece, cells: &mut [Vec<Piece>], loose: &mut Vec<Word>) {
    match cell {
        Some(c) => cells[c].push(piece),
        None => {
            let width: f64 =
                piece.text.chars().map(units).sum::<f64>() * 0.5 * (piece.y1 - piece.y0) / 1.3;
            loose.push(Word {
                x0: piece.x0,
                y0: piece.y0,
                x1: piece.x0 + width,
                y1: piece.y1,
                text: piece.text,
            });
        }
    }
}

/// Whether two pieces join with a space: Latin letters or digits on both
/// sides of a gap on one line, Latin letters on both sides of a line break.
fn spaced(before: &str, after: &str, same_line: bool) -> bool {
    let (Some(a), Some(b)) = (before.chars().next_back(), after.chars().next()) else {
        return false;
    };
    if same_line {
        a.is_ascii_alphanumeric() && b.is_ascii_alphanumeric()
    } else {
        a.is_ascii_alphabetic() && b.is_ascii_alphabetic()
    }
}

/// A cell's text from its pieces.
fn cell_text(mut pieces: Vec<Piece>) -> String {
    pieces.sort_by(|a, b| a.cy().total_cmp(&b.cy()));
    // Lines: pieces whose centres lie within the first piece's extent.
    let mut lines: Vec<Vec<Piece>> = Vec::new();
    for piece in pieces {
        match lines.last_mut() {
            Some(line) if piece.cy() <= line[0].y1 && piece.cy() >= line[0].y0 => line.push(piece),
            _ => lines.push(vec![piece]),
        }
    }
    let mut text = String::new();
    for (i, mut line) in lines.into_iter().enumerate() {
        line.sort_by(|a, b| a.x0.total_cmp(&b.x0));
        for (j, piece) in line.into_iter().enumerate() {
            let t = piece.text.trim();
            if t.is_empty() {
                continue;
            }
            if !text.is_empty() && spaced(&text, t, j > 0 || i == 0) {
                text.push(' ');
            }
            text.push_str(t);
        }
    }
    text
}

/// The grid of one table, spans expanded.
fn grid(table: &TableBox, pieces: Vec<Vec<Piece>>) -> Vec<Vec<Cell>> {
    let mut grid = vec![vec![Cell::default(); table.n_cols]; table.n_rows];
    for (cell, pieces) in table.cells.iter().zip(pieces) {
        let text = cell_text(pieces);
        for (r, row) in grid
            .iter_mut()
            .enumerate()
            .take(cell.rows.1)
            .skip(cell.rows.0)
        {
            for (c, slot) in row
                .iter_mut()
                .enumerate()
                .take(cell.cols.1)
                .skip(cell.cols.0)
            {
                *slot = Cell {
                    text: text.clone(),
                    spanned: (r, c) != (cell.rows.0, cell.cols.0),
                };
            }
        }
    }
    grid
}

/// Words outside tables → lines `(top, bottom, text)`, laid out in spaces.
fn lines(words: &[&Word], page: &PageWords) -> Vec<(f64, f64, String)> {
    if words.is_empty() {
        return Vec::new();
    }
    // Width of half a character (one text column), from the words themselves.
    let mut widths: Vec<f64> = words
        .iter()
        .filter_map(|w| {
            let u: f64 = w.text.chars().map(units).sum();
            (u > 0.0 && w.x1 > w.x0).then(|| (w.x1 - w.x0) / u)
        })
        .collect();
    widths.sort_by(f64::total_cmp);
    let col = widths
        .get(widths.len() / 2)
        .copied()
        .filter(|w| *w > 0.5)
        .unwrap_or(5.0);
    // The left edge of the page's text (tables included), as -layout trims it.
    let left = page
        .words
        .iter()
        .chain(words.iter().copied())
        .map(|w| w.x0)
        .fold(f64::INFINITY, f64::min);
    let mut sorted: Vec<&Word> = words.to_vec();
    sorted.sort_by(|a, b| a.cy().total_cmp(&b.cy()));
    let mut groups: Vec<Vec<&Word>> = Vec::new();
    let mut extent: Vec<(f64, f64)> = Vec::new();
    for w in sorted {
        match (groups.last_mut(), extent.last_mut()) {
            (Some(g), Some((y0, y1))) if w.cy() >= *y0 && w.cy() <= *y1 => {
                g.push(w);
                *y0 = y0.min(w.y0);
                *y1 = y1.max(w.y1);
            }
            _ => {
                groups.push(vec![w]);
                extent.push((w.y0, w.y1));
            }
        }
    }
    let mut out = Vec::with_capacity(groups.len());
    for (mut group, (y0, y1)) in groups.into_iter().zip(extent) {
        group.sort_by(|a, b| a.x0.total_cmp(&b.x0));
        let mut s = String::new();
        let mut chars = 0usize;
        let mut prev: Option<&Word> = None;
        for w in group {
            let target = ((w.x0 - left) / col).round().clamp(0.0, 1000.0) as usize;
            let spaces = match prev {
                None => target,
                // One run of text: words one space apart, none where they touch.
                Some(p) if w.x0 - p.x1 < 2.0 * col => usize::from(w.x0 - p.x1 > 0.1 * col),
                Some(_) => target.saturating_sub(chars).max(2),
            };
            s.extend(std::iter::repeat_n(' ', spaces));
            s.push_str(&w.text);
            chars += spaces + w.text.chars().count();
            prev = Some(w);
        }
        out.push((y0, y1, s));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::super::ruling::CellBox;
    use super::*;

    fn word(x0: f64, y0: f64, x1: f64, text: &str) -> Word {
        Word {
            x0,
            y0,
            x1,
            y1: y0 + 10.0,
            text: text.into(),
        }
    }

    fn cell(
        x0: f64,
        y0: f64,
        x1: f64,
        y1: f64,
        rows: (usize, usize),
        cols: (usize, usize),
    ) -> CellBox {
        CellBox {
            x0,
            y0,
            x1,
            y1,
            rows,
            cols,
        }
    }

    fn show(blocks: &[Block]) -> Vec<String> {
        blocks
            .iter()
            .map(|b| match b {
                Block::Line(l) => l.clone(),
                Block::PageBreak => "<page>".into(),
                Block::Table(rows) => rows
                    .iter()
                    .map(|r| {
                        r.iter()
                            .map(|c| format!("{}{}", c.text, if c.spanned { "*" } else { "" }))
                            .collect::<Vec<_>>()
                            .join("|")
                    })
                    .collect::<Vec<_>>()
                    .join(" / "),
            })
            .collect()
    }

    /// A header cell spanning two columns over two narrow ones; vertical
    /// header text; a number wrapped in its cell; a word run across cells.
    #[test]
    fn cells_from_words() {
        let table = TableBox {
            x0: 100.0,
            y0: 100.0,
            x1: 140.0,
            y1: 200.0,
            n_rows: 2,
            n_cols: 2,
            xs: vec![100.0, 120.0, 140.0],
            ys: vec![100.0, 120.0, 200.0],
            slots: vec![0, 0, 1, 2],
            cells: vec![
                cell(100.0, 100.0, 140.0, 120.0, (0, 1), (0, 2)),
                cell(100.0, 120.0, 120.0, 200.0, (1, 2), (0, 1)),
                cell(120.0, 120.0, 140.0, 200.0, (1, 2), (1, 2)),
            ],
        };
        let page = PageWords {
            width: 600.0,
            height: 800.0,
            words: vec![
                word(50.0, 50.0, 90.0, "标题"),
                word(95.0, 50.0, 105.0, "2024"),
                word(105.0, 105.0, 135.0, "申请人"),
                // 自/然/人 one per line in the left cell; 2 above 6 in the right.
                word(105.0, 125.0, 115.0, "自"),
                word(105.0, 137.0, 115.0, "然"),
                word(105.0, 149.0, 115.0, "人"),
                word(127.0, 125.0, 132.0, "2"),
                word(127.0, 137.0, 132.0, "6"),
                // Run across the border: one character in each column.
                word(105.0, 180.0, 135.0, "企机"),
                word(60.0, 300.0, 90.0, "-1-"),
            ],
        };
        let b = blocks(&[page], &[vec![table]]);
        assert_eq!(
            show(&b),
            vec![
                "标题 2024".to_string(),
                "申请人|申请人* / 自然人企|26机".into(),
            ]
        );
    }

    fn row(cells: &[&str]) -> Vec<Cell> {
        cells
            .iter()
            .map(|c| match c.strip_suffix('*') {
                Some(t) => Cell {
                    text: t.into(),
                    spanned: true,
                },
                None => Cell::new(*c),
            })
            .collect()
    }

    fn rows(grid: &[Vec<Cell>]) -> Vec<String> {
        grid.iter()
            .map(|r| {
                r.iter()
                    .map(|c| format!("{}{}", c.text, if c.spanned { "*" } else { "" }))
                    .collect::<Vec<_>>()
                    .join("|")
            })
            .collect()
    }

    /// A row cut by the page break inside its wrapped numbers (LibreOffice:
    /// `161` / `177` at the foot, `8` / `9` at the top of the next page, on
    /// a page that draws one label boundary fewer) is one row of 1618 / 1779.
    #[test]
    fn a_number_cut_by_the_page_break_is_joined() {
        let mut prev = vec![
            row(&["三、结果", "（六）其他处理", "3.其他", "55", "9", "64"]),
            row(&[
                "三、结果*",
                "（七）总计",
                "（七）总计*",
                "161",
                "161",
                "177",
            ]),
        ];
        // Boundaries 0|10|20|30|40|50|60 before; the next page has no line at 20.
        let prev_xs = [0.0, 10.0, 20.0, 30.0, 40.0, 50.0, 60.0];
        let next_xs = [0.0, 10.0, 30.0, 40.0, 50.0, 60.0];
        let next = vec![
            row(&["", "", "8", "", "9"]),
            row(&["四、结转", "四、结转*", "0", "0", "0"]),
        ];
        let next = on_columns(&next, &next_xs, &prev_xs).unwrap();
        continue_table(&mut prev, next);
        assert_eq!(
            rows(&prev),
            vec![
                "三、结果|（六）其他处理|3.其他|55|9|64",
                "三、结果*|（七）总计|（七）总计*|1618|161|1779",
                "四、结转|四、结转*|四、结转*|0|0|0",
            ]
        );
        // Another table: other outer edges, or a boundary the first has not.
        assert!(on_columns(&[], &[5.0, 60.0], &prev_xs).is_none());
        assert!(on_columns(&[], &[0.0, 25.0, 60.0], &prev_xs).is_none());
    }

    /// LibreOffice draws the last character of a centred merged header cell
    /// split by a page break into the value below it (`维` / `持0`).
    #[test]
    fn header_characters_drawn_into_the_values_are_given_back() {
        let mut grid = vec![
            row(&["结果", "结果", "总计"]),
            row(&["维", "纠", "总计*"]),
            row(&["持0", "正12", "12"]),
        ];
        return_overflowed_header_text(&mut grid);
        assert_eq!(
            rows(&grid),
            vec!["结果|结果|总计", "维持|纠正|总计*", "0|12|12"]
        );
        // Table A's signed changes under their header stay whole.
        let mut grid = vec![
            row(&["信息内容", "上一年项目数量", "本年增/减"]),
            row(&["行政许可", "0", "增2"]),
        ];
        return_overflowed_header_text(&mut grid);
        assert_eq!(rows(&grid)[1], "行政许可|0|增2");
        let mut grid = vec![row(&["本年增/减", "项目数量"]), row(&["减3", "5"])];
        return_overflowed_header_text(&mut grid);
        assert_eq!(rows(&grid), vec!["本年增/减|项目数量", "减3|5"]);
        // A label row is not a header row over values.
        let mut grid = vec![row(&["规章", "0"]), row(&["行政规范性文件", "持0"])];
        return_overflowed_header_text(&mut grid);
        assert_eq!(rows(&grid)[1], "行政规范性文件|持0");
    }

    /// A row of numbers with no label at the top of a page under a header
    /// row is a row of its own (table C's values), not a cut number.
    #[test]
    fn values_under_a_header_are_not_a_cut_number() {
        let mut prev = vec![row(&["结果维持", "结果纠正"])];
        continue_table(&mut prev, vec![row(&["3", "5"])]);
        assert_eq!(rows(&prev), vec!["结果维持|结果纠正", "3|5"]);
    }

    /// A row cut by the page break is one row again; the group label
    /// spanning rows goes on spanning.
    #[test]
    fn table_continued_on_the_next_page() {
        let mut prev = vec![
            row(&["三、结果", "（五）不予处理", "3.要求提供", "0", "1"]),
            row(&[
                "三、结果*",
                "（五）不予处理*",
                "4.无正当理由大量反",
                "2",
                "3",
            ]),
        ];
        let next = vec![
            row(&["", "", "复申请", "", ""]),
            row(&["*", "*", "5.要求确认", "4", "5"]),
            row(&["*", "（六）其他处理", "1.其他", "6", "7"]),
        ];
        continue_table(&mut prev, next);
        assert_eq!(
            rows(&prev),
            vec![
                "三、结果|（五）不予处理|3.要求提供|0|1",
                "三、结果*|（五）不予处理*|4.无正当理由大量反复申请|2|3",
                "三、结果*|（五）不予处理*|5.要求确认|4|5",
                "三、结果*|（六）其他处理|1.其他|6|7",
            ]
        );
    }

    /// A group label cut by the page break (`（四）无` / `法提供`, spanning two
    /// rows on the next page) is one label again.
    #[test]
    fn group_label_continued_on_the_next_page() {
        let mut prev = vec![row(&["（四）无", "1.本机关不掌握", "746"])];
        let next = vec![
            row(&["法提供", "2.没有现成信息", "11"]),
            row(&["法提供*", "3.补正后", "1"]),
            row(&["（五）不予处理", "1.信访", "56"]),
        ];
        continue_table(&mut prev, next);
        assert_eq!(
            rows(&prev),
            vec![
                "（四）无法提供|1.本机关不掌握|746",
                "（四）无法提供*|2.没有现成信息|11",
                "（四）无法提供*|3.补正后|1",
                "（五）不予处理|1.信访|56",
            ]
        );
    }

    /// A header row cut by the page break (`本年制发件` / `数`).
    #[test]
    fn header_row_continued_on_the_next_page() {
        let mut prev = vec![row(&["信息内容", "本年制发件", "本年废止件"])];
        let next = vec![row(&["", "数", "数"]), row(&["规章", "0", "1"])];
        continue_table(&mut prev, next);
        assert_eq!(
            rows(&prev),
            vec!["信息内容|本年制发件数|本年废止件数", "规章|0|1"]
        );
        // A row with blank values under the header is a row of its own.
        let mut prev = vec![row(&["信息内容", "本年制发件数"])];
        continue_table(&mut prev, vec![row(&["规章", ""])]);
        assert_eq!(rows(&prev), vec!["信息内容|本年制发件数", "规章|"]);
    }

    /// A new row at the top of the page (a label, numbered or not) is not
    /// joined to the last one; a blank value below a number stays blank. (A
    /// row of bare digits with no label is the rest of a cut number: every
    /// row of the national tables has a label, see
    /// `a_number_cut_by_the_page_break_is_joined`.)
    #[test]
    fn new_rows_on_the_next_page_stay_apart() {
        let prev = vec![row(&["1.甲", "2", "3"])];
        for first in [&["2.乙", "", ""][..], &["乙", "5", "6"], &["2.乙", "4", ""]] {
            let mut joined = prev.clone();
            continue_table(&mut joined, vec![row(first)]);
            assert_eq!(joined.len(), 2, "{first:?}");
            assert_eq!(joined[1], row(first), "{first:?}");
        }
    }

    #[test]
    fn item_numbers() {
        for yes in [
            "（一）予以公开",
            "(二)",
            "1.属于",
            "2、重复",
            "三、本年度",
            "12．x",
        ] {
            assert!(numbered(yes), "{yes}");
        }
        for no in ["复申请", "政府信息", "2024年", "一二"] {
            assert!(!numbered(no), "{no}");
        }
    }

    #[test]
    fn latin_and_digits_join_rules() {
        assert!(spaced("annual", "report", false));
        assert!(!spaced("1", "9", false));
        assert!(spaced("2024", "12", true));
        assert!(!spaced("2024", "年", true));
        assert!(!spaced("96171.", "6", false));
    }

    #[test]
    fn outside_words_lines_and_gaps() {
        let page = PageWords {
            width: 600.0,
            height: 800.0,
            words: vec![
                word(100.0, 100.0, 140.0, "一、总体"),
                word(100.0, 112.0, 120.0, "项目"),
                word(200.0, 112.5, 210.0, "12"),
                word(100.0, 160.0, 120.0, "末行"),
            ],
        };
        let b = blocks(&[page.clone(), page], &[vec![], vec![]]);
        let s = show(&b);
        assert_eq!(s[0], "一、总体");
        assert!(
            s[1].starts_with("项目") && s[1].ends_with("12") && s[1].contains("    "),
            "{s:?}"
        );
        assert_eq!(s[2], "");
        assert_eq!(s[3], "末行");
        // Each page ends in a line break, as pdftotext's pages do.
        assert_eq!(s[4], "");
        assert_eq!(s[5], "<page>");
    }
}
