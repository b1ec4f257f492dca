//! Validate: check a report's own accounting identities and record each break
//! as a finding. Numbers are never changed.
//!
//! Blank cells count as 0 inside an identity (a blank in these tables means
//! "none"), but an identity with any missing or unreadable cell is skipped:
//! it cannot be checked. The rules (see `report-format.md`):
//!
//! * `B.column_balance`: per applicant column, new + carried_over = total + carried_forward;
//! * `B.row_total`: per row, the total column = the sum of the six applicant columns;
//! * `B.outcome_total`: per column, the total row = the sum of all outcome rows;
//! * `C.total`: per proceeding, total = upheld + corrected + other + pending.

use crate::model::{ApplicationCell, CellState, Finding, ParsedReport, ReviewCell, Severity};
use crate::parse::labels::{is_outcome_row, APPLICANTS, PROCEEDINGS};

/// Check every identity and append the breaks to `report.findings`.
pub fn validate(report: &mut ParsedReport) {
    let mut findings = Vec::new();
    check_applications(&report.applications, &mut findings);
    check_review(&report.review, &mut findings);
    report.findings.extend(findings);
}

/// A cell's value for an identity: blank → 0; missing/invalid → cannot check.
fn term(state: CellState, count: Option<i64>) -> Option<i64> {
    match state {
        CellState::Value => count,
        CellState::Blank => Some(0),
        CellState::Missing | CellState::Invalid => None,
    }
}

/// Identity terms of table B, indexed by (row, applicant), built once per report.
struct Terms {
    rows: Vec<&'static str>,
    /// `rows.len() × APPLICANTS.len()` terms, row-major.
    terms: Vec<Option<i64>>,
}

impl Terms {
    fn new(cells: &[ApplicationCell]) -> Self {
        let mut rows: Vec<&'static str> = Vec::new();
        for c in cells {
            if rows.last() != Some(&c.row) && !rows.contains(&c.row) {
                rows.push(c.row);
            }
        }
        let mut terms = vec![None; rows.len() * APPLICANTS.len()];
        for c in cells {
            if let Some(i) = Self::index(&rows, c.row, c.applicant) {
                terms[i] = term(c.state, c.count);
            }
        }
        Terms { rows, terms }
    }

    fn index(rows: &[&str], row: &str, applicant: &str) -> Option<usize> {
        let r = rows.iter().position(|x| *x == row)?;
        let a = APPLICANTS.iter().position(|x| *x == applicant)?;
        Some(r * APPLICANTS.len() + a)
    }

    /// The term of a cell; None when it is unknown or absent.
    fn get(&self, row: &str, applicant: &str) -> Option<i64> {
        Self::index(&self.rows, row, applicant).and_then(|i| self.terms[i])
    }
}

fn sum(terms: impl IntoIterator<Item = Option<i64>>) -> Option<i64> {
    terms.into_iter().sum()
}

fn check_applications(cells: &[ApplicationCell], findings: &mut Vec<Finding>) {
    if cells.is_empty() {
        return;
    }
    let t = Terms::new(cells);
    let rows = t.rows.clone();
    let app = |row: &str, applicant: &str| t.get(row, applicant);
    for applicant in APPLICANTS {
        let left = sum([app("new", applicant), app("carried_over", applicant)]);
        let right = sum([app("total", applicant), app("carried_forward", applicant)]);
        push_break(
            findings,
            "B.column_balance",
            format!("applications:{applicant}"),
            right,
            left,
            "new + carried_over should equal total + carried_forward",
        );
        let outcomes = sum(rows
            .iter()
            .filter(|r| is_outcome_row(r))
            .map(|r| app(r, applicant)));
        push_break(
            findings,
            "B.outcome_total",
            format!("applications:{applicant}"),
            outcomes,
            app("total", applicant),
            "the total row should equal the sum of the outcome rows",
        );
    }
    for row in &rows {
        let parts = sum(APPLICANTS[..6].iter().map(|a| app(row, a)));
        push_break(
            findings,
            "B.row_total",
            format!("applications:{row}"),
            parts,
            app(row, "total"),
            "the total column should equal the sum of the six applicant columns",
        );
    }
}

fn check_review(cells: &[ReviewCell], findings: &mut Vec<Finding>) {
    for proceeding in PROCEEDINGS {
        let get = |outcome: &str| {
            cells
                .iter()
                .find(|c| c.proceeding == proceeding && c.outcome == outcome)
                .and_then(|c| term(c.state, c.count))
        };
        let parts = sum(["upheld", "corrected", "other", "pending"].map(get));
        push_break(
            findings,
            "C.total",
            format!("review_litigation:{proceeding}"),
            parts,
            get("total"),
            "total should equal upheld + corrected + other + pending",
        );
    }
}

/// Record a break when both sides are known and differ.
fn push_break(
    findings: &mut Vec<Finding>,
    rule: &str,
    subject: String,
    expected: Option<i64>,
    actual: Option<i64>,
    what: &str,
) {
    if let (Some(expected), Some(actual)) = (expected, actual) {
        if expected != actual {
            findings.push(Finding {
                rule: rule.into(),
                severity: Severity::Error,
                subject,
                expected: Some(expected.to_string()),
                actual: Some(actual.to_string()),
                message: format!(
                    "{what}: expected {expected}, printed {actual} (blank cells counted as 0)"
                ),
            });
        }
    }
}
