//! Validate: check a report's own accounting identities and record each break
//! as a finding. Numbers are never changed.
//!
//! Blank cells count as 0 inside an identity (a blank in these tables means
//! "none"), but an identity with any missing or unreadable cell is skipped:
//! it cannot be checked. The rules (see `docs/report-format.md`):
//!
//! * `B.column_balance`: per applicant column, new + carried_over = total + carried_forward;
//! * `B.row_total`: per row, the total column = the sum of the six applicant columns;
//! * `B.outcome_total`: per column, the total row = the sum of all outcome rows;
//! * `C.total`: per proceeding, total = upheld + corrected + other + pending.
//!
//! And the words against the tables: `narrative_disagrees` when a figure the
//! text states (共收到申请70件) differs from its table cell (本年新收 总计 69).

use crate::model::{
    ApplicationCell, CellState, Finding, NarrativeFigure, ParsedReport, ReviewCell, Severity,
};
use crate::parse::labels::{is_outcome_row, APPLICANTS, PROCEEDINGS};

/// Check every identity and append the breaks to `report.findings`.
pub fn validate(report: &mut ParsedReport) {
    let mut findings = Vec::new();
    check_applications(&report.applications, &mut findings);
    check_review(&report.review, &mut findings);
    check_narrative(
        &report.narrative,
        &report.applications,
        &report.review,
        &mut findings,
    );
    report.findings.extend(findings);
}

/// Table B's `总计` column of `row` as an identity term (blank → 0; None when
/// missing, invalid or absent).
pub(crate) fn b_total(applications: &[ApplicationCell], row: &str) -> Option<i64> {
    applications
        .iter()
        .find(|c| c.row == row && c.applicant == "total")
        .and_then(|c| term(c.state, c.count))
}

/// A cell's value for an identity: blank → 0; missing/invalid → cannot check.
pub(crate) fn term(state: CellState, count: Option<i64>) -> Option<i64> {
    match state {
        CellState::Value => count,
        CellState::Blank => Some(0),
        CellState::Missing | CellState::Invalid => None,
    }
}

/// Identity terms of table B, indexed by (row, applicant), built once per report:
/// the checks below look terms up by position, never by comparing labels.
struct Terms {
    rows: Vec<&'static str>,
    /// `rows.len() × APPLICANTS.len()` terms, row-major.
    terms: Vec<Option<i64>>,
}

impl Terms {
    fn new(cells: &[ApplicationCell]) -> Self {
        let mut rows: Vec<&'static str> = Vec::new();
        let mut terms: Vec<Option<i64>> = Vec::new();
        // Cells come row by row: the previous cell's row index is the usual answer.
        let mut last = None;
        for c in cells {
            let r = match last {
                Some(r) if rows[r] == c.row => r,
                _ => match rows.iter().position(|x| *x == c.row) {
                    Some(r) => r,
                    None => {
                        rows.push(c.row);
                        terms.extend([None; APPLICANTS.len()]);
                        rows.len() - 1
                    }
                },
            };
            last = Some(r);
            if let Some(a) = APPLICANTS.iter().position(|x| *x == c.applicant) {
                terms[r * APPLICANTS.len() + a] = term(c.state, c.count);
            }
        }
        Terms { rows, terms }
    }

    /// The term at (row index, applicant index).
    fn at(&self, row: usize, applicant: usize) -> Option<i64> {
        self.terms[row * APPLICANTS.len() + applicant]
    }

    /// The index of a named row; None when the row is absent.
    fn row(&self, row: &str) -> Option<usize> {
        self.rows.iter().position(|x| *x == row)
    }

    /// The term at an optional row index; None when the row is absent.
    fn at_row(&self, row: Option<usize>, applicant: usize) -> Option<i64> {
        self.at(row?, applicant)
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
    let total_column = APPLICANTS.len() - 1;
    let outcome_rows: Vec<usize> = (0..t.rows.len())
        .filter(|&r| is_outcome_row(t.rows[r]))
        .collect();
    // The identity rows, looked up once per report.
    let [new, carried_over, total, carried_forward] =
        ["new", "carried_over", "total", "carried_forward"].map(|r| t.row(r));
    for (a, applicant) in APPLICANTS.iter().enumerate() {
        let left = sum([t.at_row(new, a), t.at_row(carried_over, a)]);
        let right = sum([t.at_row(total, a), t.at_row(carried_forward, a)]);
        push_break(
            findings,
            "B.column_balance",
            format!("applications:{applicant}"),
            right,
            left,
            "new + carried_over should equal total + carried_forward",
        );
        let outcomes = sum(outcome_rows.iter().map(|&r| t.at(r, a)));
        push_break(
            findings,
            "B.outcome_total",
            format!("applications:{applicant}"),
            outcomes,
            t.at_row(total, a),
            "the total row should equal the sum of the outcome rows",
        );
    }
    for (r, row) in t.rows.iter().enumerate() {
        let parts = sum((0..total_column).map(|a| t.at(r, a)));
        push_break(
            findings,
            "B.row_total",
            format!("applications:{row}"),
            parts,
            t.at(r, total_column),
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

/// The table's value for a measure that has a counterpart in tables B or C.
fn table_value(
    measure: &str,
    applications: &[ApplicationCell],
    review: &[ReviewCell],
) -> Option<i64> {
    let b_total = |row: &str| b_total(applications, row);
    let c_total = |proceeding: &str| {
        review
            .iter()
            .find(|c| c.proceeding == proceeding && c.outcome == "total")
            .and_then(|c| term(c.state, c.count))
    };
    match measure {
        "applications_received" => b_total("new"),
        "applications_completed" => b_total("total"),
        "carried_over" => b_total("carried_over"),
        "carried_forward" => b_total("carried_forward"),
        "administrative_review" => c_total("review"),
        "administrative_litigation" => {
            Some(c_total("litigation_direct")? + c_total("litigation_after_review")?)
        }
        _ => None,
    }
}

/// A `narrative_disagrees` finding for every figure whose table counterpart
/// (table B's total column, table C's totals) holds another number: the text
/// says 70 件, table B says 69. A warning, not an error: the words may count
/// something a little different (received including carried over).
fn check_narrative(
    figures: &[NarrativeFigure],
    applications: &[ApplicationCell],
    review: &[ReviewCell],
    findings: &mut Vec<Finding>,
) {
    for f in figures {
        let Some(table) = table_value(f.measure, applications, review) else {
            continue;
        };
        if f.value != table as f64 {
            findings.push(Finding {
                rule: "narrative_disagrees".into(),
                severity: Severity::Warning,
                subject: format!("narrative:{}", f.measure),
                expected: Some(table.to_string()),
                actual: Some(f.raw.clone()),
                message: format!(
                    "the text says {} where the table gives {table}: “{}”",
                    f.raw, f.sentence
                ),
            });
        }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn figures_are_compared_with_their_table_cells() {
        let b = |row: &'static str, count: Option<i64>, state| ApplicationCell {
            row,
            row_label: None,
            applicant: "total",
            count,
            state,
            raw: None,
        };
        let applications = vec![
            b("new", Some(69), CellState::Value),
            b("total", None, CellState::Blank),
            b("carried_forward", None, CellState::Missing),
        ];
        let figures = crate::parse::narrative::read_figures(
            "共收到政府信息公开申请70件，办结0件，结转下年度继续办理1件。召开新闻发布会3场。",
        );
        let mut findings = Vec::new();
        check_narrative(&figures, &applications, &[], &mut findings);
        // received 70 ≠ 69; completed 0 = blank; carried forward cannot be compared (missing);
        // press conferences have no table counterpart.
        assert_eq!(findings.len(), 1, "{findings:?}");
        assert_eq!(findings[0].subject, "narrative:applications_received");
        assert_eq!(findings[0].expected.as_deref(), Some("69"));
        assert_eq!(findings[0].actual.as_deref(), Some("70件"));
    }
}
