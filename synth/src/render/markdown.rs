//! The `markdown` layout: what an HTML/Word-to-Markdown converter writes
//! (markdownify, markitdown): `#`/`**` titles and headings, paragraphs
//! separated by blank lines, tables as pipe rows with a `| --- |` line after
//! the first row, a cell spanning columns followed by empty cells, cells merged
//! from above left out.

use super::doc::{Doc, Grid, Part};

/// Options of the layout.
#[derive(Debug, Clone, Default)]
pub struct MarkdownOptions {
    /// `# title` (else `**title**`).
    pub hash_title: bool,
    /// `## 一、…` headings (else `**一、…**`).
    pub hash_headings: bool,
}

fn table(grid: &Grid, out: &mut Vec<String>) {
    for (r, row) in grid.rows.iter().enumerate() {
        let mut cells: Vec<String> = Vec::new();
        for cell in row.cells.iter().filter(|c| !c.is_cont()) {
            cells.push(cell.text("").trim().replace('|', "\\|"));
            for _ in 1..cell.colspan() {
                cells.push(String::new());
            }
        }
        out.push(format!("| {} |", cells.join(" | ")));
        if r == 0 {
            out.push(format!("|{}", " --- |".repeat(cells.len())));
        }
    }
    out.push(String::new());
}

/// Render the layout.
pub fn render(doc: &Doc, opts: &MarkdownOptions) -> String {
    let mut out = Vec::new();
    for part in &doc.parts {
        match part {
            Part::Title(lines) => {
                let title = lines.join("");
                if opts.hash_title {
                    out.push(format!("# {title}"));
                } else {
                    out.push(format!("**{title}**"));
                }
                out.push(String::new());
            }
            Part::Preface(t) | Part::Para(t) => {
                out.push(t.clone());
                out.push(String::new());
            }
            Part::Heading(t) => {
                if opts.hash_headings {
                    out.push(format!("## {t}"));
                } else {
                    out.push(format!("**{t}**"));
                }
                out.push(String::new());
            }
            Part::SubHeading(t) => {
                out.push(format!("**{t}**"));
                out.push(String::new());
            }
            Part::Table(grid) => table(grid, &mut out),
            Part::Signature(lines) => {
                for l in lines {
                    out.push(l.clone());
                    out.push(String::new());
                }
            }
        }
    }
    out.join("\n")
}

#[cfg(test)]
mod tests {
    use super::super::doc::{GCell, GRow, RowKind, TableKind};
    use super::*;

    #[test]
    fn spans_become_empty_cells() {
        let grid = Grid {
            kind: TableKind::Applications,
            width: 4,
            rows: vec![
                GRow {
                    kind: RowKind::Header,
                    cells: vec![GCell::span("申请人情况", 4, 1)],
                },
                GRow {
                    kind: RowKind::Data,
                    cells: vec![
                        GCell::Cont { colspan: 1 },
                        GCell::span("（七）总计", 2, 1),
                        GCell::value("5", 1),
                    ],
                },
            ],
        };
        let mut out = Vec::new();
        table(&grid, &mut out);
        assert_eq!(
            out,
            vec![
                "| 申请人情况 |  |  |  |",
                "| --- | --- | --- | --- |",
                "| （七）总计 |  | 5 |",
                ""
            ]
        );
    }
}
