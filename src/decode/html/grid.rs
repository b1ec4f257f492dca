//! Table grids shared by the HTML and DOCX decoders: span expansion, padding,
//! joining a table that the source split into several consecutive tables, and
//! the CJK test used when joining the pieces of a cell.
//!
//! Every grid these functions return is rectangular, and a slot covered by a
//! rowspan/colspan repeats its origin's text with `spanned: true`.

use crate::model::{Block, Cell};

/// Widest grid kept: slots past this column are dropped (real report tables
/// have at most 15 columns; the cap only bounds memory on hostile input).
pub(in crate::decode) const MAX_COLS: usize = 256;

/// Most slots one table may hold (rows × columns); rows past it are dropped.
pub(in crate::decode) const MAX_SLOTS: usize = 1 << 21;

/// One cell as the source marks it up, before expansion.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(in crate::decode) struct SpanCell {
    /// Normalised cell text.
    pub text: String,
    /// Rows covered (≥ 1); `0` means "to the last row of the table", as in HTML.
    pub rowspan: usize,
    /// Columns covered (≥ 1).
    pub colspan: usize,
}

/// Expand rows of cells with rowspan/colspan into a rectangular grid, following
/// the HTML table model: each cell takes the first free slot of its row, and a
/// rowspan reaching past the last row is cut there.
pub(in crate::decode) fn expand_spans(rows: &[Vec<SpanCell>]) -> Vec<Vec<Cell>> {
    let n_rows = rows.len();
    // Slots filled so far, per row; None = not (yet) covered by any cell.
    let mut grid: Vec<Vec<Option<Cell>>> = vec![Vec::new(); n_rows];
    let mut slots = 0usize;
    for (r, row) in rows.iter().enumerate() {
        let mut col = 0usize;
        for cell in row {
            while grid[r].get(col).is_some_and(|s| s.is_some()) {
                col += 1;
            }
            if col >= MAX_COLS {
                break;
            }
            let colspan = cell.colspan.clamp(1, MAX_COLS - col);
            let remaining = n_rows - r;
            let rowspan = if cell.rowspan == 0 {
                remaining
            } else {
                cell.rowspan.min(remaining)
            };
            for dr in 0..rowspan {
                let target = &mut grid[r + dr];
                if target.len() < col + colspan {
                    target.resize(col + colspan, None);
                }
                for dc in 0..colspan {
                    let slot = &mut target[col + dc];
                    // Overlapping spans (malformed markup): the first cell keeps the slot.
                    if slot.is_none() {
                        *slot = Some(Cell {
                            text: cell.text.clone(),
                            spanned: dr > 0 || dc > 0,
                        });
                        slots += 1;
                    }
                }
            }
            col += colspan;
            if slots > MAX_SLOTS {
                break;
            }
        }
        if slots > MAX_SLOTS {
            grid.truncate(r + 1);
            break;
        }
    }
    // Drop rows no cell reaches (an empty <tr> after the last rowspan ended).
    let grid: Vec<Vec<Cell>> = grid
        .into_iter()
        .filter(|row| row.iter().any(|s| s.is_some()))
        .map(|row| row.into_iter().map(Option::unwrap_or_default).collect())
        .collect();
    pad(grid)
}

/// Make a grid rectangular: short rows get blank slots on the right.
pub(in crate::decode) fn pad(mut grid: Vec<Vec<Cell>>) -> Vec<Vec<Cell>> {
    let width = grid.iter().map(Vec::len).max().unwrap_or(0);
    for row in &mut grid {
        row.resize(width, Cell::default());
    }
    grid
}

/// East Asian wide/fullwidth characters (CJK, kana, fullwidth forms and
/// punctuation): a line break next to one joins without a space.
pub(in crate::decode) fn is_wide(c: char) -> bool {
    matches!(c as u32,
        0x1100..=0x115F | 0x2E80..=0x303E | 0x3041..=0x33FF | 0x3400..=0x4DBF | 0x4E00..=0x9FFF
        | 0xA000..=0xA4CF | 0xF900..=0xFAFF | 0xFE10..=0xFE19 | 0xFE30..=0xFE6F | 0xFF00..=0xFF60
        | 0xFFE0..=0xFFE6 | 0x20000..=0x3FFFD)
}

/// Width of a (rectangular) grid.
fn width(grid: &[Vec<Cell>]) -> usize {
    grid.first().map_or(0, Vec::len)
}

/// Join tables that follow each other with nothing in between and have the
/// same number of columns: a report table split into several `<table>`s (at a
/// page break of the source, or a header table apart from its body) becomes
/// one grid again. Tables of different widths stay apart. Empty tables are dropped.
pub(in crate::decode) fn join_split_tables(blocks: Vec<Block>) -> Vec<Block> {
    let mut out: Vec<Block> = Vec::with_capacity(blocks.len());
    for block in blocks {
        match block {
            Block::Table(rows) if rows.is_empty() || width(&rows) == 0 => {}
            Block::Table(rows) => {
                if let Some(Block::Table(prev)) = out.last_mut() {
                    if width(prev) == width(&rows)
                        && prev.len().saturating_add(rows.len()) * width(&rows) <= MAX_SLOTS
                    {
                        prev.extend(rows);
                        continue;
                    }
                }
                out.push(Block::Table(rows));
            }
            line => out.push(line),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sc(text: &str, rowspan: usize, colspan: usize) -> SpanCell {
        SpanCell {
            text: text.into(),
            rowspan,
            colspan,
        }
    }

    fn show(grid: &[Vec<Cell>]) -> Vec<Vec<String>> {
        grid.iter()
            .map(|r| {
                r.iter()
                    .map(|c| format!("{}{}", c.text, if c.spanned { "*" } else { "" }))
                    .collect()
            })
            .collect()
    }

    #[test]
    fn rowspan_and_colspan_repeat_text() {
        let rows = vec![
            vec![sc("a", 2, 2), sc("b", 1, 1)],
            vec![sc("c", 1, 1)],
            vec![sc("d", 1, 3)],
        ];
        assert_eq!(
            show(&expand_spans(&rows)),
            vec![
                vec!["a", "a*", "b"],
                vec!["a*", "a*", "c"],
                vec!["d", "d*", "d*"]
            ]
        );
    }

    #[test]
    fn ragged_rows_are_padded_and_long_rowspans_cut() {
        let rows = vec![
            vec![sc("x", 9, 1), sc("y", 1, 1), sc("z", 1, 1)],
            vec![sc("w", 1, 1)],
        ];
        assert_eq!(
            show(&expand_spans(&rows)),
            vec![vec!["x", "y", "z"], vec!["x*", "w", ""]]
        );
    }

    #[test]
    fn rowspan_zero_reaches_the_last_row_and_huge_colspans_are_capped() {
        let rows = vec![
            vec![sc("a", 0, 1), sc("b", 1, 1)],
            vec![sc("c", 1, 1)],
            vec![sc("d", 1, 100_000)],
        ];
        let grid = expand_spans(&rows);
        assert_eq!(grid.len(), 3);
        assert_eq!(grid[2][0].text, "a");
        assert_eq!(width(&grid), MAX_COLS);
    }

    #[test]
    fn split_tables_of_equal_width_are_joined() {
        let t = |s: &str| Block::Table(vec![vec![Cell::new(s), Cell::new("1")]]);
        let three = Block::Table(vec![vec![Cell::new("x"), Cell::new("y"), Cell::new("z")]]);
        let joined = join_split_tables(vec![
            t("a"),
            t("b"),
            three.clone(),
            Block::Line("l".into()),
            t("c"),
        ]);
        assert_eq!(joined.len(), 4);
        assert!(matches!(&joined[0], Block::Table(rows) if rows.len() == 2));
        assert_eq!(joined[1], three);
    }
}
