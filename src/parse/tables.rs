//! Tables: read tables A, B and C from the token stream by their labels.
//!
//! Rows are found by label, never by position in the document, so renumbered,
//! reordered or split sections do not matter. After a row label the parser
//! takes the row's value cells (numbers, blanks, placeholders) until the row
//! ends, a non-value cell appears, or the row is full. A label whose values
//! are on the next line (PDF layouts break long labels) keeps waiting.

use super::labels::{self, norm};
use super::layout::Token;
use super::number::{parse_number, NumberCell};
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

fn is_value(text: &str) -> bool {
    !matches!(parse_number(text), NumberCell::Invalid)
}

/// Collects value cells after a label until the row is complete.
struct Pending {
    code: &'static str,
    label: String,
    cells: Vec<String>,
}

fn read_active(tokens: &[Token], out: &mut RawTables) {
    let (mut v2019, mut v2021) = (0, 0);
    let mut pending: Option<Pending> = None;
    let finish = |p: Pending, out: &mut RawTables| {
        out.active.push(RawRow {
            code: p.code,
            label: p.label,
            cells: p.cells,
        });
    };
    for token in tokens {
        let text = match token {
            Token::RowEnd => {
                if let Some(p) = pending.take() {
                    finish(p, out);
                }
                continue;
            }
            Token::Cell(text) => text,
        };
        let n = norm(text);
        match labels::active_template_marker(&n) {
            Some(Template::V2021) => v2021 += 1,
            Some(_) => v2019 += 1,
            None => {}
        }
        if let Some(item) = labels::active_item(&n) {
            if let Some(p) = pending.take() {
                finish(p, out);
            }
            if !out.active.iter().any(|r| r.code == item) {
                pending = Some(Pending {
                    code: item,
                    label: text.clone(),
                    cells: Vec::new(),
                });
            }
            continue;
        }
        if let Some(p) = pending.as_mut() {
            if is_value(text) && p.cells.len() < 3 {
                p.cells.push(text.clone());
                continue;
            }
            if let Some(p) = pending.take() {
                finish(p, out);
            }
        }
    }
    if let Some(p) = pending.take() {
        finish(p, out);
    }
    out.active_template = match (v2019, v2021) {
        (0, 0) => None,
        (a, b) if b > a => Some(Template::V2021),
        _ => Some(Template::V2019),
    };
}

fn read_applications(tokens: &[Token], out: &mut RawTables) {
    let mut after_new = false;
    let mut pending: Option<Pending> = None;
    let mut rows: Vec<RawRow> = Vec::new();
    let mut short_rows: Vec<&'static str> = Vec::new();
    let mut finish = |p: Pending, rows: &mut Vec<RawRow>| {
        if p.cells.is_empty() {
            return;
        }
        if p.cells.len() < labels::APPLICANTS.len() {
            short_rows.push(p.code);
        }
        if !rows.iter().any(|r| r.code == p.code) {
            rows.push(RawRow {
                code: p.code,
                label: p.label,
                cells: p.cells,
            });
        }
    };
    for token in tokens {
        let text = match token {
            Token::RowEnd => {
                if pending.as_ref().is_some_and(|p| !p.cells.is_empty()) {
                    if let Some(p) = pending.take() {
                        finish(p, &mut rows);
                    }
                }
                continue;
            }
            Token::Cell(text) => text,
        };
        let n = norm(text);
        if after_new && labels::is_review_start(&n) {
            break;
        }
        let in_other = rows.last().is_some_and(|r| r.code.starts_with("other."))
            || pending
                .as_ref()
                .is_some_and(|p| p.code.starts_with("other"));
        if let Some(code) = labels::application_row(&n, after_new, in_other) {
            if !after_new && code != "new" {
                continue;
            }
            if let Some(p) = pending.take() {
                finish(p, &mut rows);
            }
            after_new = true;
            pending = Some(Pending {
                code,
                label: text.clone(),
                cells: Vec::new(),
            });
            if code == "carried_forward" {
                // The last row: its values follow; nothing after it belongs to table B.
            }
            continue;
        }
        let Some(p) = pending.as_mut() else { continue };
        if is_value(text) {
            p.cells.push(text.clone());
            if p.cells.len() == labels::APPLICANTS.len() {
                let done = p.code == "carried_forward";
                if let Some(p) = pending.take() {
                    finish(p, &mut rows);
                }
                if done {
                    break;
                }
            }
        } else if !p.cells.is_empty() {
            if let Some(p) = pending.take() {
                finish(p, &mut rows);
            }
        }
    }
    if let Some(p) = pending.take() {
        finish(p, &mut rows);
    }
    for code in short_rows {
        out.findings.push(Finding::note(
            "row_short",
            Severity::Warning,
            format!("applications:{code}"),
            "the row has fewer cells than the table has columns; the cells read were placed from the left and the rest are blank",
        ));
    }
    out.applications_template = if rows.iter().any(|r| r.code.starts_with("other.")) {
        Some(Template::V2021)
    } else if rows.iter().any(|r| r.code == "other") {
        Some(Template::V2019)
    } else {
        None
    };
    out.applications = rows;
}

fn read_review(tokens: &[Token], out: &mut RawTables) {
    let Some(start) = tokens
        .iter()
        .position(|t| matches!(t, Token::Cell(c) if labels::is_review_start(&norm(c))))
    else {
        return;
    };
    let mut headers = 0;
    let mut values: Vec<String> = Vec::new();
    for token in &tokens[start..] {
        let Token::Cell(text) = token else { continue };
        let n = norm(text);
        let cell = parse_number(text);
        if values.is_empty() {
            if labels::is_review_outcome_header(&n) {
                headers += 1;
                continue;
            }
            let starts = matches!(cell, NumberCell::Value { .. })
                || (headers >= 15 && cell == NumberCell::Blank);
            if !starts {
                continue;
            }
        }
        if matches!(cell, NumberCell::Invalid) {
            break;
        }
        values.push(text.clone());
        if values.len() == 15 {
            break;
        }
    }
    out.review = Some(values);
}
