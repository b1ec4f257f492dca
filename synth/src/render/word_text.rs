//! Layouts of Word documents saved as text (the samples 000–003):
//!
//! * `tab_cells` — one cell per line, each line starting with a tab, rows
//!   separated by blank lines, a merged-from-above cell as a lone tab, header
//!   cells broken over two lines (临泽, 缙云, 谢家集);
//! * `pipe_cells` — one cell per line ending in ` |`, the row's last cell
//!   followed by a run of `|` for the slots it did not print, ASCII
//!   punctuation in place of full-width (城口).

use super::doc::{ascii_punct, Doc, GCell, Grid, Part};

/// Options shared by the text layouts.
#[derive(Debug, Clone, Default)]
pub struct TextOptions {
    /// A space before the title (临泽).
    pub title_space: bool,
    /// A blank line after each paragraph.
    pub blank_lines: bool,
}

fn prose(part: &Part, opts: &TextOptions, out: &mut Vec<String>) {
    match part {
        Part::Title(lines) => {
            for (i, l) in lines.iter().enumerate() {
                if i == 0 && opts.title_space {
                    out.push(format!(" {l}"));
                } else {
                    out.push(l.clone());
                }
            }
            if opts.blank_lines {
                out.push(String::new());
            }
        }
        Part::Preface(t) | Part::Heading(t) | Part::SubHeading(t) => out.push(t.clone()),
        Part::Para(t) => {
            out.push(t.clone());
            if opts.blank_lines {
                out.push(String::new());
            }
        }
        Part::Signature(lines) => {
            out.push(String::new());
            out.extend(lines.iter().cloned());
        }
        Part::Table(_) => {}
    }
}

/// The `tab_cells` layout.
pub fn tab_cells(doc: &Doc, opts: &TextOptions) -> String {
    let mut out = Vec::new();
    for part in &doc.parts {
        match part {
            Part::Table(grid) => tab_table(grid, &mut out),
            other => prose(other, opts, &mut out),
        }
    }
    out.join("\n") + "\n"
}

fn tab_table(grid: &Grid, out: &mut Vec<String>) {
    for row in &grid.rows {
        for cell in &row.cells {
            // A broken label continues on the next line without a tab.
            out.push(format!("\t{}", cell.text("\n")));
        }
        out.push(String::new());
    }
    out.push(String::new());
}

/// The `pipe_cells` layout.
pub fn pipe_cells(doc: &Doc, opts: &TextOptions) -> String {
    let mut out = Vec::new();
    for part in &doc.parts {
        match part {
            Part::Table(grid) => pipe_table(grid, &mut out),
            other => prose(other, opts, &mut out),
        }
    }
    ascii_punct(&(out.join("\n") + "\n"))
}

fn pipe_table(grid: &Grid, out: &mut Vec<String>) {
    for row in &grid.rows {
        let printed: Vec<&GCell> = row.cells.iter().filter(|c| !c.is_cont()).collect();
        let unprinted: usize = row
            .cells
            .iter()
            .map(|c| {
                if c.is_cont() {
                    c.colspan()
                } else {
                    c.colspan() - 1
                }
            })
            .sum();
        for (i, cell) in printed.iter().enumerate() {
            let mut line = format!("{} |", cell.text("").trim());
            if i + 1 == printed.len() && unprinted > 0 {
                line.push(' ');
                line.push_str(&"|".repeat(unprinted));
            }
            out.push(line);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::doc::{GRow, RowKind, TableKind};
    use super::*;

    fn grid() -> Grid {
        Grid {
            kind: TableKind::Active,
            width: 4,
            rows: vec![
                GRow {
                    kind: RowKind::Section,
                    cells: vec![GCell::span("第二十条第（一）项", 4, 1)],
                },
                GRow {
                    kind: RowKind::Header,
                    cells: vec![GCell::label("信息内容"), GCell::label("本年新\n制作数量")],
                },
                GRow {
                    kind: RowKind::Data,
                    cells: vec![
                        GCell::Cont { colspan: 1 },
                        GCell::label("规章"),
                        GCell::value(" 0", 1),
                        GCell::value("", 2),
                    ],
                },
            ],
        }
    }

    #[test]
    fn tab_cells_like_the_samples() {
        let doc = Doc {
            parts: vec![Part::Table(grid())],
        };
        let text = tab_cells(&doc, &TextOptions::default());
        assert_eq!(
            text,
            "\t第二十条第（一）项\n\n\t信息内容\n\t本年新\n制作数量\n\n\t\n\t规章\n\t 0\n\t\n\n\n"
        );
    }

    #[test]
    fn pipe_cells_like_chengkou() {
        let doc = Doc {
            parts: vec![Part::Table(grid())],
        };
        let text = pipe_cells(&doc, &TextOptions::default());
        assert_eq!(
            text,
            "第二十条第(一)项 | |||\n信息内容 |\n本年新制作数量 |\n规章 |\n0 |\n | ||\n"
        );
    }
}
