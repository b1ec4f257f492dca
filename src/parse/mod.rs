//! Parse: a decoded [`Document`] → a [`ParsedReport`] (title, agency, year,
//! template, and every cell of tables A, B and C).
//!
//! Stages inside: [`layout`] turns lines and grids into a cell stream,
//! [`tables`] finds rows by their labels, [`number`] reads each cell, and this
//! module lays the cells out on the template's full grid, marking what is
//! absent as missing (never as zero).

pub mod flow;
pub mod labels;
pub mod layout;
pub mod meta;
pub mod narrative;
pub mod number;
pub mod segment;
pub mod tables;

use crate::model::{
    ActiveCell, ApplicationCell, CellState, Document, Finding, ParsedReport, ReportStatus,
    ReviewCell, Severity, Template,
};
use number::{parse_number, NumberCell, Unit};
use std::sync::Arc;
use tables::{RawRow, RawTables};

/// Why a document is not a report at all.
#[derive(Debug, thiserror::Error)]
pub enum ParseError {
    /// Neither a report title nor any national table.
    #[error("no report title (…政府信息公开…报告) and no national table found")]
    NotAReport,
}

/// Parse one document.
pub fn parse(doc: &Document) -> Result<ParsedReport, ParseError> {
    parse_with_text(doc, &doc.plain_text())
}

/// Parse one document whose [`Document::plain_text`] the caller already has
/// (the run needs it for region resolution too).
pub fn parse_with_text(doc: &Document, text: &str) -> Result<ParsedReport, ParseError> {
    let meta = meta::read_meta(text);
    let tokens = layout::tokenize(doc);
    let mut raw = tables::read_tables(&tokens);
    // Tables flowed into one long line (crawled page text) hold no cells the
    // token readers see: read what they missed by label from those lines.
    if raw.active.is_empty() || raw.applications.is_empty() || raw.review.is_none() {
        let flowed: Vec<&str> = doc.lines().filter(|l| flow::is_flowed(l)).collect();
        if !flowed.is_empty() {
            flow::read_missing(&flowed, &mut raw);
        }
    }
    let found = [
        !raw.active.is_empty(),
        !raw.applications.is_empty(),
        raw.review.is_some(),
    ];
    if !meta.looks_like_report && !found.iter().any(|f| *f) {
        return Err(ParseError::NotAReport);
    }
    let mut findings = raw.findings.clone();
    let template = report_template(&raw, meta.year, &mut findings);
    let mut report = ParsedReport {
        title: meta.title,
        agency: meta.agency,
        year: meta.year,
        published: meta.published,
        template,
        table_templates: [raw.active_template, raw.applications_template, None],
        active: Vec::new(),
        applications: Vec::new(),
        review: Vec::new(),
        narrative: narrative::read_figures(text),
        findings: Vec::new(),
        status: ReportStatus::NoTables,
    };
    if !found.iter().any(|f| *f) {
        report.findings = findings;
        return Ok(report);
    }
    let table_template = if template == Template::V2021 {
        Template::V2021
    } else {
        Template::V2019
    };
    report.active = active_cells(
        &raw.active,
        raw.active_template.unwrap_or(table_template),
        &mut findings,
    );
    report.applications = application_cells(
        &raw.applications,
        raw.applications_template.unwrap_or(table_template),
        &mut findings,
    );
    report.review = review_cells(raw.review.as_deref(), raw.review_unread, &mut findings);
    let incomplete = findings.iter().any(|f| {
        matches!(
            f.rule.as_str(),
            "table_missing" | "table_truncated" | "cells_ambiguous" | "cells_unsolved"
        )
    });
    report.status = if incomplete {
        ReportStatus::Partial
    } else {
        ReportStatus::Ok
    };
    report.findings = findings;
    Ok(report)
}

/// The report's template: from table A's labels, else table B's; checked against the year.
fn report_template(raw: &RawTables, year: Option<i32>, findings: &mut Vec<Finding>) -> Template {
    let template = match (raw.active_template, raw.applications_template) {
        (Some(a), Some(b)) if a != b => {
            findings.push(Finding {
                rule: "template_mixed".into(),
                severity: Severity::Info,
                subject: "report".into(),
                expected: Some(a.as_str().into()),
                actual: Some(b.as_str().into()),
                message: format!(
                    "table A follows the {} format, table B the {} format",
                    a.as_str(),
                    b.as_str()
                ),
            });
            a
        }
        (Some(t), _) | (None, Some(t)) => t,
        (None, None) if raw.review.is_some() => Template::Unknown,
        (None, None) => match year {
            Some(y) if y <= 2018 => Template::Pre2019,
            _ => Template::Unknown,
        },
    };
    let mismatch = match (template, year) {
        (Template::V2021, Some(y)) => y <= 2020,
        (Template::V2019, Some(y)) => y <= 2018,
        _ => false,
    };
    if mismatch {
        findings.push(Finding {
            rule: "template_year_mismatch".into(),
            severity: Severity::Warning,
            subject: "report".into(),
            expected: None,
            actual: Some(format!(
                "template {} in a report for {}",
                template.as_str(),
                year.unwrap_or_default()
            )),
            message: "the table format did not exist for this year: the year is probably misread"
                .into(),
        });
    }
    template
}

fn missing_table(table: &str, findings: &mut Vec<Finding>) {
    findings.push(Finding::note(
        "table_missing",
        Severity::Warning,
        table,
        format!("table {table} is not in the document; its cells are missing"),
    ));
}

fn truncated_table(table: &str, missing: &[&str], findings: &mut Vec<Finding>) {
    findings.push(Finding {
        rule: "table_truncated".into(),
        severity: Severity::Warning,
        subject: table.into(),
        expected: None,
        actual: Some(missing.join(",")),
        message: format!(
            "table {table} is cut off: {} rows are not in the document",
            missing.len()
        ),
    });
}

fn active_cells(
    rows: &[RawRow],
    template: Template,
    findings: &mut Vec<Finding>,
) -> Vec<ActiveCell> {
    if rows.is_empty() {
        missing_table("active_disclosure", findings);
    }
    let mut cells = Vec::new();
    let mut absent = Vec::new();
    for &item in labels::active_items(template) {
        let row = rows.iter().find(|r| r.code == item);
        if row.is_none() && !rows.is_empty() {
            absent.push(item);
        }
        let label: Arc<str> = Arc::from(row.map_or("", |r| r.label.as_str()));
        for (i, &measure) in labels::active_measures(item, template).iter().enumerate() {
            // Absent, or printed but unreadable (`RawRow::unread`): missing.
            let Some(row) = row.filter(|r| !r.unread) else {
                cells.push(ActiveCell {
                    item,
                    item_label: label.clone(),
                    measure,
                    value: None,
                    unit: None,
                    state: CellState::Missing,
                    raw: None,
                });
                continue;
            };
            let raw = row.cells.get(i).cloned().unwrap_or_default();
            cells.push(active_cell(item, &label, measure, raw, template, findings));
        }
    }
    if !absent.is_empty() {
        truncated_table("active_disclosure", &absent, findings);
    }
    cells
}

fn active_cell(
    item: &'static str,
    label: &Arc<str>,
    measure: &'static str,
    raw: String,
    template: Template,
    findings: &mut Vec<Finding>,
) -> ActiveCell {
    let mut cell = ActiveCell {
        item,
        item_label: label.clone(),
        measure,
        value: None,
        unit: None,
        state: CellState::Blank,
        raw: Some(raw),
    };
    let raw = cell.raw.as_deref().unwrap_or_default();
    match parse_number(raw) {
        NumberCell::Blank => {}
        NumberCell::Invalid => {
            cell.state = CellState::Invalid;
            findings.push(invalid_cell(
                &format!("active_disclosure:{item}.{measure}"),
                raw,
            ));
        }
        NumberCell::Value { value, unit } => {
            cell.state = CellState::Value;
            let is_money = measure == "amount";
            match (is_money, unit) {
                (true, Some(u)) if u.to_wan_yuan().is_some() => {
                    cell.value = Some(round(value * u.to_wan_yuan().unwrap_or(1.0)));
                    cell.unit = Some("万元".into());
                }
                // 2021: the header states 万元.
                (true, None) if template == Template::V2021 => {
                    cell.value = Some(value);
                    cell.unit = Some("万元".into());
                }
                (true, _) => {
                    cell.value = Some(value);
                    findings.push(Finding {
                        rule: "unit_unknown".into(),
                        severity: Severity::Info,
                        subject: format!("active_disclosure:{item}.{measure}"),
                        expected: None,
                        actual: Some(raw.to_string()),
                        message: "the amount is printed without a unit; the value is kept as printed and not normalised".into(),
                    });
                }
                (false, Some(Unit::Count(c))) => {
                    cell.value = Some(value);
                    cell.unit = Some(c.to_string());
                }
                (false, Some(u)) => {
                    cell.value = Some(value);
                    cell.unit = Some(unit_name(u).into());
                }
                (false, None) => cell.value = Some(value),
            }
        }
    }
    cell
}

/// Round to 6 decimals so unit conversions do not print float noise (251000元 → 25.1).
fn round(v: f64) -> f64 {
    (v * 1e6).round() / 1e6
}

fn unit_name(unit: Unit) -> &'static str {
    match unit {
        Unit::Yuan => "元",
        Unit::WanYuan => "万元",
        Unit::YiYuan => "亿元",
        Unit::Count(_) => "",
    }
}

fn invalid_cell(subject: &str, raw: &str) -> Finding {
    Finding {
        rule: "cell_invalid".into(),
        severity: Severity::Warning,
        subject: subject.into(),
        expected: Some("a number or a blank".into()),
        actual: Some(raw.into()),
        message: "the cell holds text that is not a number; kept as raw".into(),
    }
}

/// Read a count cell: (count, state).
fn count_cell(
    raw: &str,
    subject: impl FnOnce() -> String,
    findings: &mut Vec<Finding>,
) -> (Option<i64>, CellState) {
    match parse_number(raw) {
        NumberCell::Blank => (None, CellState::Blank),
        NumberCell::Value {
            value,
            unit: None | Some(Unit::Count(_)),
        } if value.fract() == 0.0 && value.abs() < 1e15 => (Some(value as i64), CellState::Value),
        _ => {
            findings.push(invalid_cell(&subject(), raw));
            (None, CellState::Invalid)
        }
    }
}

fn application_cells(
    rows: &[RawRow],
    template: Template,
    findings: &mut Vec<Finding>,
) -> Vec<ApplicationCell> {
    if rows.is_empty() {
        missing_table("applications", findings);
    }
    let expected = labels::application_rows(template);
    let mut cells = Vec::with_capacity(expected.len() * labels::APPLICANTS.len());
    let mut absent = Vec::new();
    for &code in expected {
        let row = rows.iter().find(|r| r.code == code);
        if row.is_none() && !rows.is_empty() {
            absent.push(code);
        }
        let label: Option<Arc<str>> = row.map(|r| Arc::from(r.label.as_str()));
        for (i, &applicant) in labels::APPLICANTS.iter().enumerate() {
            let cell = match row {
                Some(row) if row.unread => ApplicationCell {
                    row: code,
                    row_label: label.clone(),
                    applicant,
                    count: None,
                    state: CellState::Missing,
                    raw: None,
                },
                None => ApplicationCell {
                    row: code,
                    row_label: None,
                    applicant,
                    count: None,
                    state: CellState::Missing,
                    raw: None,
                },
                Some(row) => {
                    let raw = row.cells.get(i).cloned().unwrap_or_default();
                    let (count, state) = count_cell(
                        &raw,
                        || format!("applications:{code}.{applicant}"),
                        findings,
                    );
                    ApplicationCell {
                        row: code,
                        row_label: label.clone(),
                        applicant,
                        count,
                        state,
                        raw: Some(raw),
                    }
                }
            };
            cells.push(cell);
        }
    }
    if !absent.is_empty() {
        truncated_table("applications", &absent, findings);
    }
    cells
}

fn review_cells(
    values: Option<&[String]>,
    unread: bool,
    findings: &mut Vec<Finding>,
) -> Vec<ReviewCell> {
    // Printed but unreadable (see `RawTables::review_unread`): every cell missing.
    let values = values.filter(|_| !unread);
    match values {
        None if unread => {}
        None => missing_table("review_litigation", findings),
        Some(v) if v.len() < labels::REVIEW_CELLS => {
            truncated_table("review_litigation", &[], findings)
        }
        Some(_) => {}
    }
    let mut cells = Vec::with_capacity(labels::REVIEW_CELLS);
    for (p, &proceeding) in labels::PROCEEDINGS.iter().enumerate() {
        for (o, &outcome) in labels::OUTCOMES.iter().enumerate() {
            let raw = values.and_then(|v| v.get(p * labels::OUTCOMES.len() + o));
            let (count, state) = match raw {
                None => (None, CellState::Missing),
                Some(raw) => count_cell(
                    raw,
                    || format!("review_litigation:{proceeding}.{outcome}"),
                    findings,
                ),
            };
            cells.push(ReviewCell {
                proceeding,
                outcome,
                count,
                state,
                raw: raw.cloned(),
            });
        }
    }
    cells
}
