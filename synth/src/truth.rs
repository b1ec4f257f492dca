//! Truth: what the pipeline should read from one generated report, written as
//! one JSON object per line to `DIR/truth.jsonl`.
//!
//! Cells are compact: a number is a value without unit, `[value, "unit"]` a
//! value with its unit, and `"blank"` / `"missing"` the other cell states.
//! Findings are the ones a correct pipeline reports: the identity breaks
//! (computed here from the truth cells, independently of `src/validate.rs`, by
//! the rules of `report-format.md`: blank counts as 0, a missing cell skips the
//! identity) plus the structural ones the generator caused (`table_missing`,
//! `table_truncated`, `template_mixed`, `unit_unknown`).

use super::numbers::{is_outcome_row, APPLICANTS, OUTCOMES, PROCEEDINGS};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// One expected cell.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Expect {
    /// A value with no unit.
    Num(f64),
    /// A value with its unit (`[3852, "万元"]`).
    WithUnit(f64, String),
    /// `blank`, `missing` (or `invalid`).
    State(String),
}

impl Expect {
    /// A blank cell.
    pub fn blank() -> Self {
        Expect::State("blank".into())
    }

    /// A missing cell.
    pub fn missing() -> Self {
        Expect::State("missing".into())
    }

    /// The cell state code (`value`, `blank`, `missing`).
    pub fn state(&self) -> &str {
        match self {
            Expect::Num(_) | Expect::WithUnit(..) => "value",
            Expect::State(s) => s,
        }
    }

    /// The value, if any.
    pub fn value(&self) -> Option<f64> {
        match self {
            Expect::Num(v) | Expect::WithUnit(v, _) => Some(*v),
            Expect::State(_) => None,
        }
    }

    /// The unit, if any.
    pub fn unit(&self) -> Option<&str> {
        match self {
            Expect::WithUnit(_, u) => Some(u),
            _ => None,
        }
    }

    /// The term this cell contributes to an identity: blank → 0, missing → none.
    fn term(&self) -> Option<i64> {
        match self {
            Expect::Num(v) | Expect::WithUnit(v, _) => Some(*v as i64),
            Expect::State(s) if s == "blank" => Some(0),
            Expect::State(_) => None,
        }
    }

    /// Short text for reports (`12`, `3852 万元`, `blank`).
    pub fn describe(&self) -> String {
        match self {
            Expect::Num(v) => fmt_num(*v),
            Expect::WithUnit(v, u) => format!("{} {u}", fmt_num(*v)),
            Expect::State(s) => s.clone(),
        }
    }
}

/// A number without float noise (`12`, `25.1`).
pub fn fmt_num(v: f64) -> String {
    if v.fract() == 0.0 && v.abs() < 1e15 {
        format!("{}", v as i64)
    } else {
        let s = format!("{v:.6}");
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    }
}

/// The expected region of a report.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct RegionTruth {
    /// Partition slug (`gansu`, `central`).
    pub slug: String,
    /// Province-level name.
    pub province: Option<String>,
    /// Its code.
    pub province_code: Option<String>,
    /// Prefecture-level name.
    pub city: Option<String>,
    /// Its code.
    pub city_code: Option<String>,
    /// County-level name.
    pub county: Option<String>,
    /// Its code.
    pub county_code: Option<String>,
    /// The most specific code.
    pub adcode: Option<String>,
    /// `central` / `province` / `city` / `county`.
    pub admin_level: String,
}

/// An expected finding.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct FindingTruth {
    /// Rule code.
    pub rule: String,
    /// Subject.
    pub subject: String,
}

/// Everything a correct pipeline reads from one generated report.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Truth {
    /// Path relative to `DIR/reports` (= `source_path` when ingesting `DIR/reports`).
    pub path: String,
    /// Index in the corpus.
    pub index: u64,
    /// How the text is laid out (`tab_cells`, `pipe_cells`, `pdf_tabs`, `pdf_layout`, `html`, `markdown`, `crawled`).
    pub layout: String,
    /// `text` or `html`.
    pub source_format: String,
    /// Encoding of the bytes (`UTF-8`, `gb18030`, `UTF-16LE`, `UTF-16BE`).
    pub encoding: String,
    /// Title as the parser should join it (whitespace removed).
    pub title: String,
    /// Issuing agency as the title names it.
    pub agency: String,
    /// Covered year.
    pub year: i32,
    /// Report template (`2019`, `2021`, `pre2019`, `unknown`).
    pub template: String,
    /// Template of table A, when present.
    pub template_active: Option<String>,
    /// Template of table B, when it can be told.
    pub template_applications: Option<String>,
    /// `ok`, `partial`, `no_tables`.
    pub status: String,
    /// Region.
    pub region: RegionTruth,
    /// Noise and structure features this report shows (for diagnosis).
    pub features: Vec<String>,
    /// Identity slips made on purpose.
    pub slips: Vec<String>,
    /// Table A: item → measure → cell.
    pub active: BTreeMap<String, BTreeMap<String, Expect>>,
    /// Table B: row → 7 cells in applicant order.
    pub applications: BTreeMap<String, Vec<Expect>>,
    /// Table C: proceeding → 5 cells in outcome order.
    pub review: BTreeMap<String, Vec<Expect>>,
    /// Expected findings, sorted.
    pub findings: Vec<FindingTruth>,
}

impl Truth {
    /// Number of expected cells.
    pub fn cell_count(&self) -> usize {
        self.active.values().map(|m| m.len()).sum::<usize>()
            + self.applications.values().map(|v| v.len()).sum::<usize>()
            + self.review.values().map(|v| v.len()).sum::<usize>()
    }

    /// Add the identity findings implied by the cells (call after all cells are set).
    pub fn add_identity_findings(&mut self, b_rows: &[&str]) {
        let mut found = Vec::new();
        if !self.applications.is_empty() {
            let cell = |row: &str, c: usize| -> Option<i64> {
                self.applications.get(row).and_then(|v| v[c].term())
            };
            let sum = |terms: Vec<Option<i64>>| -> Option<i64> { terms.into_iter().sum() };
            for (c, applicant) in APPLICANTS.iter().enumerate() {
                let left = sum(vec![cell("new", c), cell("carried_over", c)]);
                let right = sum(vec![cell("total", c), cell("carried_forward", c)]);
                if let (Some(l), Some(r)) = (left, right) {
                    if l != r {
                        found.push(("B.column_balance", format!("applications:{applicant}")));
                    }
                }
                let outcomes = sum(b_rows
                    .iter()
                    .filter(|r| is_outcome_row(r))
                    .map(|r| cell(r, c))
                    .collect());
                if let (Some(o), Some(t)) = (outcomes, cell("total", c)) {
                    if o != t {
                        found.push(("B.outcome_total", format!("applications:{applicant}")));
                    }
                }
            }
            for row in b_rows {
                let parts = sum((0..6).map(|c| cell(row, c)).collect());
                if let (Some(p), Some(t)) = (parts, cell(row, 6)) {
                    if p != t {
                        found.push(("B.row_total", format!("applications:{row}")));
                    }
                }
            }
        }
        for proceeding in PROCEEDINGS {
            let Some(cells) = self.review.get(proceeding) else {
                continue;
            };
            let parts: Option<i64> = cells[..4].iter().map(|c| c.term()).sum();
            if let (Some(p), Some(t)) = (parts, cells[OUTCOMES.len() - 1].term()) {
                if p != t {
                    found.push(("C.total", format!("review_litigation:{proceeding}")));
                }
            }
        }
        for (rule, subject) in found {
            self.add_finding(rule, &subject);
        }
    }

    /// Record an expected finding (kept sorted and unique).
    pub fn add_finding(&mut self, rule: &str, subject: &str) {
        let f = FindingTruth {
            rule: rule.into(),
            subject: subject.into(),
        };
        if let Err(pos) = self.findings.binary_search(&f) {
            self.findings.insert(pos, f);
        }
    }
}

/// Finding rules the truth models; other rules (region findings) are not compared.
pub const MODELLED_RULES: &[&str] = &[
    "B.column_balance",
    "B.row_total",
    "B.outcome_total",
    "C.total",
    "table_missing",
    "table_truncated",
    "template_mixed",
    "template_year_mismatch",
    "unit_unknown",
    "cell_invalid",
    "row_short",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expect_serialises_compactly() {
        let cells = vec![
            Expect::Num(12.0),
            Expect::WithUnit(3852.0, "万元".into()),
            Expect::blank(),
        ];
        let json = serde_json::to_string(&cells).unwrap();
        assert_eq!(json, r#"[12.0,[3852.0,"万元"],"blank"]"#);
        let back: Vec<Expect> = serde_json::from_str(&json).unwrap();
        assert_eq!(back, cells);
    }

    #[test]
    fn identities_follow_the_rules() {
        let rows = crate::numbers::b_rows(crate::numbers::Version::V2019);
        let mut t = Truth::default();
        for r in rows {
            t.applications
                .insert(r.to_string(), vec![Expect::blank(); 7]);
        }
        t.applications.get_mut("new").unwrap()[0] = Expect::Num(2.0);
        t.applications.get_mut("new").unwrap()[6] = Expect::Num(2.0);
        t.applications.get_mut("granted").unwrap()[0] = Expect::Num(2.0);
        t.applications.get_mut("granted").unwrap()[6] = Expect::Num(2.0);
        t.applications.get_mut("total").unwrap()[0] = Expect::Num(2.0);
        t.applications.get_mut("total").unwrap()[6] = Expect::Num(3.0);
        t.add_identity_findings(rows);
        let got: Vec<(&str, &str)> = t
            .findings
            .iter()
            .map(|f| (f.rule.as_str(), f.subject.as_str()))
            .collect();
        assert_eq!(
            got,
            vec![
                ("B.column_balance", "applications:total"),
                ("B.outcome_total", "applications:total"),
                ("B.row_total", "applications:total"),
            ]
        );
        // A missing cell skips the identity.
        t.findings.clear();
        t.applications.get_mut("total").unwrap()[6] = Expect::missing();
        t.add_identity_findings(rows);
        assert!(t.findings.is_empty(), "{:?}", t.findings);
    }

    #[test]
    fn numbers_print_without_noise() {
        assert_eq!(fmt_num(25.1), "25.1");
        assert_eq!(fmt_num(3852.0), "3852");
        assert_eq!(fmt_num(-48.0), "-48");
    }
}
