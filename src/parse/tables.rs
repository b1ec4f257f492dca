//! Tables: read tables A, B and C from the token stream by their labels.
//!
//! Rows are found by label, never by position in the document, so renumbered,
//! reordered or split sections do not matter. After a row label the parser
//! takes the row's value cells (numbers, blanks, placeholders) until the row
//! ends, a non-value cell appears, or the row is full. A label whose values
//! are on the next line (PDF layouts break long labels) keeps waiting.

use super::labels;
use super::layout::{CellClass, Token};
use super::segment;
use crate::model::{Finding, Severity, Template};

/// One row as printed: its label and its value cells' raw text.
#[derive(Debug, Clone, PartialEq)]
pub struct RawRow {
    /// Row or item code.
    pub code: &'static str,
    /// Label as printed.
    pub label: String,
    /// Raw text of the value cells, in printed order.
    pub cells: Vec<String>,
    /// The row is printed but its cells could not be read (numbers run
    /// together that split several ways, or none): they are missing.
    pub unread: bool,
}

/// What the table reader found.
#[derive(Debug, Default)]
pub struct RawTables {
    /// Table A rows (items), in the order found.
    pub active: Vec<RawRow>,
    /// Template told by table A's header labels.
    pub active_template: Option<Template>,
    /// Table B rows, in the order found.
    pub applications: Vec<RawRow>,
    /// Template told by table B's `（六）其他处理` rows.
    pub applications_template: Option<Template>,
    /// Table C values (up to 15), when the table was found.
    pub review: Option<Vec<String>>,
    /// Table C is printed but its values could not be read (see [`RawRow::unread`]).
    pub review_unread: bool,
    /// Findings about the layout (short rows).
    pub findings: Vec<Finding>,
}

/// Read all three tables from the tokens.
pub fn read_tables(tokens: &[Token]) -> RawTables {
    let mut out = RawTables::default();
    read_active(tokens, &mut out);
    read_applications(tokens, &mut out);
    read_review(tokens, &mut out);
    out
}

/// Longest cell (in bytes of its normalised text) that can be a table A
/// label or header: 32 CJK characters.
const ACTIVE_CELL_MAX_BYTES: usize = 96;

fn read_active(tokens: &[Token], out: &mut RawTables) {
    let (mut v2019, mut v2021) = (0, 0);
    // Column centres of the current block's measure headers (space-aligned layouts only).
    let mut anchors: Vec<f32> = Vec::new();
    let mut pending: Option<PendingRow> = None;
    let finish = |p: PendingRow, anchors: &[f32], out: &mut RawTables| {
        // A short row in space-aligned text: place its values under their headers.
        let placed = if !p.cells.is_empty() && p.cells.len() < anchors.len() {
            place_by_column(&p.cells, anchors)
        } else {
            None
        };
        if placed.is_some() {
            out.findings
                .push(placed_by_position(&format!("active_disclosure:{}", p.code)));
        }
        let cells = placed.unwrap_or_else(|| p.cells.into_iter().map(|(t, _)| t).collect());
        out.active.push(RawRow {
            code: p.code,
            label: p.label,
            cells,
            unread: false,
        });
    };
    for token in tokens {
        let (text, n, class, col, hits) = match token {
            Token::PageBreak => continue,
            Token::RowEnd => {
                if let Some(p) = pending.take() {
                    finish(p, &anchors, out);
                }
                continue;
            }
            Token::Cell {
                text,
                norm,
                class,
                col,
                hits,
            } => (text.as_ref(), norm.as_ref(), *class, *col, *hits),
        };
        // Numbers and blanks are never labels: only text cells are looked up.
        // Table A's labels and headers are short (the longest, run together
        // with its digits, is under 32 characters): prose lines are not looked up.
        let item = if class == CellClass::Text && n.len() <= ACTIVE_CELL_MAX_BYTES {
            if n.starts_with("第二十条") || n == "信息内容" {
                anchors.clear();
            }
            if let Some(t) = hits.template_marker() {
                if t == Template::V2021 {
                    v2021 += 1;
                } else {
                    v2019 += 1;
                }
            }
            // A measure header: its column centre places short rows' values.
            if let Some(c) = col.filter(|_| hits.is_measure_header()) {
                anchors.push(c as f32 + text.chars().count() as f32 / 2.0);
            }
            labels::active_item(n).or_else(|| {
                // Label and numbers run together: read what can be read, flag the rest.
                let (label, digits) = labels::split_trailing_digits(n)?;
                let item = labels::active_item(label)?;
                let template = if v2021 > v2019 {
                    Template::V2021
                } else {
                    Template::V2019
                };
                let width = labels::active_measures(item, template).len();
                if let Some(p) = pending.take() {
                    finish(p, &anchors, out);
                }
                if !out.active.iter().any(|r| r.code == item) {
                    let cells = run_together(
                        text,
                        digits,
                        width,
                        false,
                        &format!("active_disclosure:{item}"),
                        &mut out.findings,
                    );
                    out.active.push(RawRow {
                        code: item,
                        label: label.to_string(),
                        cells,
                        unread: false,
                    });
                }
                None
            })
        } else {
            None
        };
        if let Some(item) = item {
            if let Some(p) = pending.take() {
                finish(p, &anchors, out);
            }
            if !out.active.iter().any(|r| r.code == item) {
                pending = Some(PendingRow {
                    code: item,
                    label: text.to_string(),
                    cells: Vec::new(),
                });
            }
            continue;
        }
        if let Some(p) = pending.as_mut() {
            if class != CellClass::Text && p.cells.len() < 3 {
                p.cells.push((text.to_string(), col));
                continue;
            }
            if let Some(p) = pending.take() {
                finish(p, &anchors, out);
            }
        }
    }
    if let Some(p) = pending.take() {
        finish(p, &anchors, out);
    }
    out.active_template = match (v2019, v2021) {
        (0, 0) => None,
        (a, b) if b > a => Some(Template::V2021),
        _ => Some(Template::V2019),
    };
}

/// Header words of table B's applicant columns, in column order.
const APPLICANT_HEADERS: [&[&str]; labels::APPLICANT_COLUMNS] = [
    &["自然人"],
    &["商业"],
    &["科研"],
    &["社会公", "公益"],
    &["法律服", "法律"],
    &["其他"],
    &["总计"],
];

fn read_applications(tokens: &[Token], out: &mut RawTables) {
    let mut after_new = false;
    let mut in_header = false;
    // Column centres of the applicant headers (space-aligned layouts only);
    // on a page without the header, those of the page's first full row.
    let row_anchors = full_row_anchors(tokens);
    let header_rows = applicant_header_rows(tokens);
    let mut page = 0;
    let mut header_anchors: [Option<f32>; labels::APPLICANT_COLUMNS] =
        [None; labels::APPLICANT_COLUMNS];
    let mut anchors = page_anchors(&header_anchors, &row_anchors, page);
    let mut pending: Option<PendingRow> = None;
    let mut reader = RowsReader::default();
    for (i, token) in tokens.iter().enumerate() {
        let (text, col, n, class, hits) = match token {
            // Positions on a new page are not comparable with the header's
            // (pdftotext lays each page out on its own grid).
            Token::PageBreak => {
                page += 1;
                header_anchors = [None; labels::APPLICANT_COLUMNS];
                anchors = page_anchors(&header_anchors, &row_anchors, page);
                continue;
            }
            Token::RowEnd => {
                // A label alone on its line may have its values on the next one (PDF layouts).
                if pending.as_ref().is_some_and(|p| !p.cells.is_empty()) {
                    reader.finish(pending.take(), &anchors);
                }
                continue;
            }
            Token::Cell {
                text,
                col,
                norm,
                class,
                hits,
            } => (text.as_ref(), *col, norm.as_ref(), *class, *hits),
        };
        if after_new && labels::is_review_start(n) {
            break;
        }
        if !after_new && class == CellClass::Text && hits.opens_applications_header(n) {
            in_header = true;
        }
        // Applicant headers place short rows' values: on the first page's
        // header, and on a header repeated on a continuation page, whose cells
        // are never row labels (`总计` is also a row).
        let repeated_header = after_new && header_rows[i];
        if repeated_header || (in_header && !after_new) {
            if let Some(c) = col {
                let label = labels::strip_numbering(n);
                if let Some(i) = APPLICANT_HEADERS
                    .iter()
                    .position(|keys| keys.iter().any(|k| label.starts_with(k)))
                {
                    header_anchors[i].get_or_insert(c as f32 + text.chars().count() as f32 / 2.0);
                    anchors = page_anchors(&header_anchors, &row_anchors, page);
                }
            }
            if repeated_header {
                continue;
            }
        }
        let in_other = reader
            .rows
            .last()
            .is_some_and(|r| r.code.starts_with("other."))
            || pending
                .as_ref()
                .is_some_and(|p| p.code.starts_with("other"));
        // Numbers and blanks are never labels.
        // Before the first row only `本年新收…` matters (and only a cell naming
        // it can be that row): the full lookup is skipped for the prose before.
        let row = if class == CellClass::Text && (after_new || n.contains("本年新收")) {
            hits.application_row(n, after_new, in_other)
        } else {
            None
        };
        if let Some(code) = row {
            if !after_new && code != "new" {
                continue;
            }
            // A label right after another: the earlier row is present and all blank.
            reader.finish(pending.take(), &anchors);
            after_new = true;
            // Label and numbers run together (crawled text without separators).
            if let Some((label, digits)) = labels::split_trailing_digits(n) {
                if labels::application_row(label, true, in_other) == Some(code) {
                    let width = labels::APPLICANTS.len();
                    let subject = format!("applications:{code}");
                    let cells =
                        run_together(text, digits, width, true, &subject, &mut out.findings);
                    reader.finish(
                        Some(PendingRow {
                            code,
                            label: label.to_string(),
                            cells: cells.into_iter().map(|c| (c, None)).collect(),
                        }),
                        &anchors,
                    );
                    continue;
                }
            }
            pending = Some(PendingRow {
                code,
                label: text.to_string(),
                cells: Vec::new(),
            });
            continue;
        }
        let Some(p) = pending.as_mut() else { continue };
        if class != CellClass::Text {
            p.cells.push((text.to_string(), col));
            // A full row ends here, unless it starts with blank cells and more
            // values follow on the same row: then the leading blanks are the
            // label's span padding (markdown and other converters) and are dropped.
            let width = labels::APPLICANTS.len();
            let more_follow = matches!(tokens.get(i + 1), Some(Token::Cell { class, .. }) if *class != CellClass::Text);
            let padded = p.cells.first().is_some_and(|(t, _)| t.trim().is_empty());
            if p.cells.len() >= width && !(more_follow && padded) {
                while p.cells.len() > width
                    && p.cells.first().is_some_and(|(t, _)| t.trim().is_empty())
                {
                    p.cells.remove(0);
                }
                p.cells.truncate(width);
                let done = p.code == "carried_forward";
                reader.finish(pending.take(), &anchors);
                if done {
                    break;
                }
            }
        } else if !p.cells.is_empty() {
            reader.finish(pending.take(), &anchors);
        }
    }
    reader.finish(pending.take(), &anchors);
    for code in &reader.placed_rows {
        out.findings
            .push(placed_by_position(&format!("applications:{code}")));
    }
    for code in reader.short_rows {
        out.findings.push(Finding::note(
            "row_short",
            Severity::Warning,
            format!("applications:{code}"),
            "the row has fewer cells than the table has columns and no column positions to place them; the cells read were placed from the left and the rest are blank",
        ));
    }
    out.applications_template = applications_template(&reader.rows);
    out.applications = reader.rows;
}

/// Table B's template, as its （六）其他处理 shows it: sub-rows (2021), or one
/// row without them (2019, blank or not); a table cut before it does not tell.
pub fn applications_template(rows: &[RawRow]) -> Option<Template> {
    if rows.iter().any(|r| r.code.starts_with("other.")) {
        Some(Template::V2021)
    } else if rows.iter().any(|r| r.code == "other") {
        Some(Template::V2019)
    } else {
        None
    }
}

/// A table B row being read: its label and value cells with their columns.
struct PendingRow {
    code: &'static str,
    label: String,
    cells: Vec<(String, Option<u32>)>,
}

/// Collects finished table B rows.
#[derive(Default)]
struct RowsReader {
    rows: Vec<RawRow>,
    short_rows: Vec<&'static str>,
    placed_rows: Vec<&'static str>,
}

impl RowsReader {
    /// Record a row (the first occurrence of a code wins). A short row is
    /// spread over the columns by position when every column has an anchor.
    fn finish(
        &mut self,
        row: Option<PendingRow>,
        anchors: &[Option<f32>; labels::APPLICANT_COLUMNS],
    ) {
        let Some(row) = row else { return };
        if self.rows.iter().any(|r| r.code == row.code) {
            return;
        }
        // `（六）其他处理` followed by 1./2./3. sub-rows is a group label (2021), not a row.
        if row.code.starts_with("other.") {
            self.rows
                .retain(|r| !(r.code == "other" && r.cells.iter().all(|c| c.trim().is_empty())));
        }
        let width = labels::APPLICANTS.len();
        let mut row = row;
        // Extra leading blanks are span padding (see read_applications).
        while row.cells.len() > width && row.cells.first().is_some_and(|(t, _)| t.trim().is_empty())
        {
            row.cells.remove(0);
        }
        row.cells.truncate(width);
        let cells = if row.cells.is_empty() || row.cells.len() >= width {
            row.cells.into_iter().map(|(t, _)| t).collect()
        } else if let Some(placed) = anchors
            .iter()
            .copied()
            .collect::<Option<Vec<f32>>>()
            .and_then(|anchors| place_by_column(&row.cells, &anchors))
        {
            self.placed_rows.push(row.code);
            placed
        } else {
            self.short_rows.push(row.code);
            row.cells.into_iter().map(|(t, _)| t).collect()
        };
        self.rows.push(RawRow {
            code: row.code,
            label: row.label,
            cells,
            unread: false,
        });
    }
}

/// The cells of a row whose numbers were run together with its label in one
/// cell. The digits are split by [`segment::solve`] with the row's own
/// identity when it has one (table B: 总计 = the six applicant columns); a
/// single reading is taken, otherwise every cell keeps the fused text (read
/// as invalid) and a finding says so.
fn run_together(
    printed: &str,
    digits: &str,
    width: usize,
    with_row_total: bool,
    subject: &str,
    findings: &mut Vec<Finding>,
) -> Vec<String> {
    let run = segment::RunRow::from_text(digits, width);
    let identities = if with_row_total {
        vec![segment::Identity::row_total(0, width)]
    } else {
        Vec::new()
    };
    let reading = segment::solve(std::slice::from_ref(&run), &identities)
        .pop()
        .and_then(|r| r.cells().map(<[String]>::to_vec));
    findings.push(Finding {
        rule: "cells_run_together".into(),
        severity: if reading.is_some() { Severity::Info } else { Severity::Warning },
        subject: subject.into(),
        expected: Some(reading.as_ref().map_or_else(|| format!("{width} cells"), |c| c.join(","))),
        actual: Some(printed.to_string()),
        message: if reading.is_some() {
            "the row's cells are run together with its label; this is the only split into its cells (with its total), and was taken".into()
        } else {
            "the row's cells are run together with its label and cannot be split without guessing; they are kept as printed (invalid)".into()
        },
    });
    reading.unwrap_or_else(|| vec![printed.to_string(); width])
}

/// Per token, whether its row names an applicant kind (`自然人`, `商业企`, …):
/// a header row, wherever it is printed.
fn applicant_header_rows(tokens: &[Token]) -> Vec<bool> {
    let mut flags = vec![false; tokens.len()];
    let mut start = 0;
    for (i, token) in tokens.iter().enumerate() {
        if matches!(token, Token::RowEnd | Token::PageBreak) || i + 1 == tokens.len() {
            let row = &tokens[start..=i];
            let header = row
                .iter()
                .any(|t| matches!(t, Token::Cell { hits, .. } if hits.is_applicant_header()));
            flags[start..=i].fill(header);
            start = i + 1;
        }
    }
    flags
}

/// Table B's column centres on one page: the applicant headers' when all
/// seven are on it, else those of the page's first full row, else unknown.
fn page_anchors(
    header: &[Option<f32>; labels::APPLICANT_COLUMNS],
    rows: &[Option<[f32; labels::APPLICANT_COLUMNS]>],
    page: usize,
) -> [Option<f32>; labels::APPLICANT_COLUMNS] {
    if header.iter().all(Option::is_some) {
        return *header;
    }
    match rows.get(page).copied().flatten() {
        Some(row) => row.map(Some),
        None => [None; labels::APPLICANT_COLUMNS],
    }
}

/// Per page, the value centres of the first row of exactly seven positioned
/// numbers (a full table B row in space-aligned text). On a continuation page
/// without the header these are the only trace of the columns: pdftotext
/// lays each page out on its own grid (淮安 2024: columns 32…80 on one page,
/// 40…93 on the next), so the previous page's header cannot be used.
fn full_row_anchors(tokens: &[Token]) -> Vec<Option<[f32; labels::APPLICANT_COLUMNS]>> {
    let mut pages = vec![None];
    let mut row: Vec<f32> = Vec::new();
    let mut numbers = 0;
    for token in tokens {
        match token {
            Token::PageBreak | Token::RowEnd => {
                let page = pages.last_mut().expect("one page at least");
                if numbers == labels::APPLICANT_COLUMNS
                    && row.len() == labels::APPLICANT_COLUMNS
                    && page.is_none()
                {
                    *page = row.clone().try_into().ok();
                }
                row.clear();
                numbers = 0;
                if matches!(token, Token::PageBreak) {
                    pages.push(None);
                }
            }
            Token::Cell {
                text, col, class, ..
            } => {
                if *class == CellClass::Number {
                    numbers += 1;
                    if let Some(c) = col {
                        row.push(*c as f32 + text.chars().count() as f32 / 2.0);
                    }
                }
            }
        }
    }
    pages
}

/// The finding that says a row's cells were placed by their column positions.
fn placed_by_position(subject: &str) -> Finding {
    Finding::note(
        "cells_placed_by_position",
        Severity::Info,
        subject,
        "the row has fewer cells than columns (blank cells leave no trace in space-aligned text); each value was placed under the nearest column header",
    )
}

/// Put each value under the nearest column header; None when a position or
/// an anchor is unknown, or two values would share a column.
fn place_by_column(cells: &[(String, Option<u32>)], anchors: &[f32]) -> Option<Vec<String>> {
    let mut placed = vec![String::new(); anchors.len()];
    let mut used = vec![false; anchors.len()];
    for (text, col) in cells {
        let centre = (*col)? as f32 + text.chars().count() as f32 / 2.0;
        let (best, _) = anchors
            .iter()
            .enumerate()
            .map(|(i, a)| (i, (a - centre).abs()))
            .min_by(|a, b| a.1.total_cmp(&b.1))?;
        if used[best] {
            return None;
        }
        used[best] = true;
        placed[best] = text.clone();
    }
    Some(placed)
}

fn read_review(tokens: &[Token], out: &mut RawTables) {
    let Some(start) = tokens
        .iter()
        .position(|t| matches!(t, Token::Cell { norm, .. } if labels::is_review_start(norm)))
    else {
        return;
    };
    let mut headers = 0;
    // Column centres of the outcome headers (space-aligned layouts only): the
    // last row of fifteen positioned text cells before the values, which also
    // covers heads printed over two lines (`结果` over `维持`).
    let mut anchors: Vec<f32> = Vec::new();
    let mut row_centres: Vec<f32> = Vec::new();
    // Blank cells start the values only on a row after the last header row
    // (a header row may end in blank span padding).
    let mut row_after_headers = false;
    let mut values: Vec<(String, Option<u32>)> = Vec::new();
    for token in &tokens[start..] {
        let (text, n, class, col) = match token {
            Token::RowEnd => {
                row_after_headers = headers >= labels::REVIEW_CELLS;
                if values.is_empty() && row_centres.len() == labels::REVIEW_CELLS {
                    anchors = std::mem::take(&mut row_centres);
                }
                row_centres.clear();
                continue;
            }
            // Positions on a new page are not comparable with the header's.
            Token::PageBreak => {
                anchors.clear();
                row_centres.clear();
                continue;
            }
            Token::Cell {
                text,
                norm,
                class,
                col,
                ..
            } => (text, norm, *class, *col),
        };
        if values.is_empty() {
            if let Some(c) = col.filter(|_| class == CellClass::Text) {
                row_centres.push(c as f32 + text.chars().count() as f32 / 2.0);
            }
            if labels::is_review_outcome_header(n.as_ref()) {
                headers += 1;
                row_after_headers = false;
                continue;
            }
            if labels::is_section_after_review(n.as_ref()) {
                break;
            }
            let starts =
                class == CellClass::Number || (row_after_headers && class == CellClass::Blank);
            if !starts {
                continue;
            }
        }
        if class == CellClass::Text {
            break;
        }
        values.push((text.to_string(), col));
        if values.len() == labels::REVIEW_CELLS {
            break;
        }
    }
    // The header is printed but no value follows before the next section:
    // the cells are blank (space-aligned layouts leave no trace of blanks).
    if values.is_empty() && headers >= 3 {
        values = vec![(String::new(), None); labels::REVIEW_CELLS];
    }
    // A short values row in space-aligned text: place the values under the
    // fifteen outcome headers.
    let placed = (values.len() < labels::REVIEW_CELLS && anchors.len() == labels::REVIEW_CELLS)
        .then(|| place_by_column(&values, &anchors))
        .flatten();
    if placed.is_some() {
        out.findings.push(placed_by_position("review_litigation"));
    }
    out.review = Some(placed.unwrap_or_else(|| values.into_iter().map(|(t, _)| t).collect()));
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Document, SourceFormat};

    fn read(text: &str) -> RawTables {
        let doc = Document {
            format: SourceFormat::Text,
            encoding: "UTF-8".into(),
            blocks: crate::decode::text_to_lines(text),
            findings: Vec::new(),
        };
        read_tables(&super::super::layout::tokenize(&doc))
    }

    #[test]
    fn run_together_cells_split_only_when_unambiguous() {
        let t = read(
            "信息内容 本年新制作数量 本年新公开数量 对外公开总数量\n规章000\n规范性文件898989\n",
        );
        let rules = t.active.iter().find(|r| r.code == "rules").unwrap();
        assert_eq!(rules.cells, vec!["0", "0", "0"]);
        let docs = t
            .active
            .iter()
            .find(|r| r.code == "normative_docs")
            .unwrap();
        assert_eq!(
            docs.cells,
            vec!["规范性文件898989"; 3],
            "kept as printed, never guessed"
        );
        let rules: Vec<_> = t
            .findings
            .iter()
            .filter(|f| f.rule == "cells_run_together")
            .collect();
        assert_eq!(rules.len(), 2);
        assert_eq!(rules[1].severity, Severity::Warning);
    }

    #[test]
    fn run_together_table_b_row_split_by_its_total() {
        let t = read("一、本年新收政府信息公开申请数量120000012\n");
        let new = t.applications.iter().find(|r| r.code == "new").unwrap();
        assert_eq!(new.cells, vec!["12", "0", "0", "0", "0", "0", "12"]);
    }

    #[test]
    fn run_together_table_b_row() {
        let t = read("一、本年新收政府信息公开申请数量1000001\n二、上年结转政府信息公开申请数量\t0\t0\t0\t0\t0\t0\t0\n");
        let new = t.applications.iter().find(|r| r.code == "new").unwrap();
        assert_eq!(new.cells, vec!["1", "0", "0", "0", "0", "0", "1"]);
        assert!(t.applications.iter().any(|r| r.code == "carried_over"));
    }
}
