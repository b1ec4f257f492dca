//! The `pdf_tabs` layout: text a PDF extractor wrote with one table row per
//! line and tabs between cells (sample 004, 原州区): merged cells left empty,
//! block headings followed by a run of tabs, numbering split from its label
//! (`一、⇥本年新收…`), letters spaced out (`自 然 人`), header breaks as
//! spaces (`本年新 制作数量`), a long label broken across a page with its tail
//! on a line of its own after the row, paragraphs broken by page ends, and
//! markdown bold in the text.

use super::doc::{Doc, GCell, Grid, Part, RowKind, TableKind};
use crate::rng::Rng;

/// Options of the layout.
#[derive(Debug, Clone, Default)]
pub struct PdfTabsOptions {
    /// Split `一、` from `本年新收…` into two cells.
    pub split_numbering: bool,
    /// Space out the letters of short header labels.
    pub spaced_letters: bool,
    /// Break the long （二）部分公开 label across a page, its tail after the row.
    pub broken_row: bool,
    /// Break paragraphs with a blank line where a page ends.
    pub page_breaks: bool,
    /// Wrap the first words of sub-topic sentences in `**`.
    pub bold: bool,
    /// A page number (`- 3 -`) every this many lines (0: none).
    pub page_numbers: usize,
}

fn spaced(text: &str) -> String {
    let chars: Vec<String> = text.chars().map(|c| c.to_string()).collect();
    chars.join(" ")
}

/// Insert a few spaces inside a label at random places (`三、本 年度办 理结果`).
fn sprinkle(rng: &mut Rng, text: &str) -> String {
    let mut out = String::new();
    for (i, c) in text.chars().enumerate() {
        if i > 1 && rng.chance(0.25) {
            out.push(' ');
        }
        out.push(c);
    }
    out
}

fn split_numbering(text: &str) -> Option<(&str, &str)> {
    let idx = text.find('、')?;
    let head = &text[..idx + '、'.len_utf8()];
    let numeral = head.trim_end_matches('、');
    (numeral.chars().count() == 1 && "一二三四五六七八九十".contains(numeral))
        .then(|| (head, &text[idx + '、'.len_utf8()..]))
}

fn table(rng: &mut Rng, grid: &Grid, opts: &PdfTabsOptions, out: &mut Vec<String>) {
    let first_data = grid.first_data_row();
    for (r, row) in grid.rows.iter().enumerate() {
        let mut cells: Vec<String> = Vec::new();
        let mut tail: Option<String> = None;
        match row.kind {
            RowKind::Section => {
                let text = row.cells[0].text(" ");
                out.push(format!(
                    "{text}{}",
                    "\t".repeat(grid.width.saturating_sub(1))
                ));
                continue;
            }
            RowKind::Header => {
                for cell in &row.cells {
                    let mut text = cell.text(" ");
                    if opts.spaced_letters
                        && grid.kind != TableKind::Active
                        && !cell.is_cont()
                        && text.chars().count() <= 6
                        && rng.chance(0.5)
                    {
                        text = spaced(&text.replace(' ', ""));
                    }
                    cells.push(text);
                    for _ in 1..cell.colspan() {
                        cells.push(String::new());
                    }
                }
            }
            RowKind::Data => {
                let labels = row
                    .cells
                    .iter()
                    .filter(|c| matches!(c, GCell::Label { .. }))
                    .count();
                let mut leading = true;
                for (i, cell) in row.cells.iter().enumerate() {
                    match cell {
                        GCell::Cont { .. } if leading => {
                            if labels == 1 && cells.is_empty() {
                                cells.push(String::new());
                            }
                        }
                        GCell::Cont { .. } => cells.push(String::new()),
                        GCell::Label { text, rowspan, .. } => {
                            leading = false;
                            let mut text = text.replace('\n', " ");
                            if *rowspan > 4 && grid.kind == TableKind::Applications {
                                text = sprinkle(rng, &text);
                            }
                            if opts.broken_row
                                && text.starts_with("（二）部分公开")
                                && r > first_data
                            {
                                let cut = text
                                    .char_indices()
                                    .nth(text.chars().count() - 5)
                                    .map(|(i, _)| i)
                                    .unwrap_or(text.len());
                                tail = Some(text[cut..].to_string());
                                text.truncate(cut);
                            }
                            match split_numbering(&text) {
                                Some((num, rest))
                                    if opts.split_numbering
                                        && grid.kind == TableKind::Applications =>
                                {
                                    cells.push(num.to_string());
                                    cells.push(rest.to_string());
                                }
                                _ => cells.push(text),
                            }
                        }
                        GCell::Value { raw, colspan } => {
                            leading = false;
                            cells.push(raw.clone());
                            if i + 1 == row.cells.len() {
                                for _ in 1..*colspan {
                                    cells.push(String::new());
                                }
                            }
                        }
                    }
                }
            }
        }
        out.push(cells.join("\t"));
        if let Some(t) = tail {
            out.push(String::new());
            out.push(format!("{t}{}", "\t".repeat(8)));
        }
    }
}

fn bold_lead(text: &str) -> String {
    // `一是加强组织领导。` → `一是**加强组织领导**。`: bold the first clause.
    match text.find('，') {
        Some(end) if end > 6 && end < 60 => format!("**{}**{}", &text[..end], &text[end..]),
        _ => text.to_string(),
    }
}

/// Render the layout.
pub fn render(rng: &mut Rng, doc: &Doc, opts: &PdfTabsOptions) -> String {
    let mut out: Vec<String> = vec![String::new(), String::new()];
    for part in &doc.parts {
        match part {
            Part::Title(lines) => {
                out.push(lines.join(" "));
                out.push(String::new());
            }
            Part::Preface(t) | Part::Heading(t) | Part::SubHeading(t) => {
                out.push(t.clone());
                out.push(String::new());
            }
            Part::Para(t) => {
                let t = if opts.bold && rng.chance(0.3) {
                    bold_lead(t)
                } else {
                    t.clone()
                };
                let chars = t.chars().count();
                if opts.page_breaks && chars > 80 && rng.chance(0.15) {
                    let cut = t
                        .char_indices()
                        .nth(rng.range(40, chars as i64 - 20) as usize)
                        .map(|(i, _)| i)
                        .unwrap_or(t.len());
                    out.push(t[..cut].to_string());
                    out.push(String::new());
                    out.push(t[cut..].to_string());
                } else {
                    out.push(t);
                }
                out.push(String::new());
            }
            Part::Table(grid) => {
                table(rng, grid, opts, &mut out);
                out.push(String::new());
            }
            Part::Signature(lines) => out.extend(lines.iter().cloned()),
        }
    }
    if let Some(every) = std::num::NonZeroUsize::new(opts.page_numbers) {
        let every = every.get();
        let mut paged = Vec::with_capacity(out.len() + out.len() / every * 3);
        for (i, line) in out.into_iter().enumerate() {
            if i > 0 && i % every == 0 {
                paged.push(String::new());
                paged.push(format!("- {} -", i / every));
                paged.push(String::new());
            }
            paged.push(line);
        }
        out = paged;
    }
    out.join("\n") + "\n"
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbering_splits() {
        assert_eq!(
            split_numbering("一、本年新收政府信息公开申请数量"),
            Some(("一、", "本年新收政府信息公开申请数量"))
        );
        assert_eq!(split_numbering("（一）予以公开"), None);
        assert_eq!(spaced("自然人"), "自 然 人");
    }
}
