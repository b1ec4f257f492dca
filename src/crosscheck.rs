//! Checks across reports: what one report says about another of the same
//! issuer. Each report is checked alone by [`crate::validate`]; these checks
//! need the dataset, so they run at the end of every run over the current
//! version of every report the dataset holds (the ledger keeps the few
//! [`ReportFacts`] they compare), and their findings replace the previous
//! run's in `cross_findings`.
//!
//! An issuer is an agency in a place: the report's most specific region code
//! and its agency without the province and city names in front (see
//! [`facts`]); its reports of one year are the current versions of every file that names it
//! (a file's older versions are superseded, see [`Ledger`]). The rules:
//!
//! - **`same_report_other_file`** (info): two files of one issuer and year
//!   with the same cells (an HTML page and its PDF attachment) are one report
//!   in two files, not a correction. The first file by `source_path` is the
//!   report; every other copy gets the finding, naming it.
//! - **`conflicting_reports`** (warning): files of one issuer and year with
//!   different cells. Neither replaces the other; the finding names the first.
//! - **`carryover_mismatch`** (warning): table B's 上年结转 总计 of year N is
//!   not year N−1's 结转下年度继续办理 总计.
//! - **`applications_jump`** (warning): 本年新收 总计 changes by a factor of
//!   [`JUMP_FACTOR`] or more from one year to the next while the larger year
//!   has at least [`JUMP_FLOOR`] applications.
//!
//! Year-to-year checks compare one report per year: a year with conflicting
//! reports is not compared (which of them is right is the question the
//! conflict asks), copies are one report.

use crate::model::{CrossFinding, Report, Severity};
use crate::sink::ledger::{CurrentReport, Ledger};
use crate::sink::schema::ReportFacts;
use crate::validate::b_total;
use std::collections::BTreeMap;

/// Below this many applications (in the larger of two years) a jump is not
/// flagged: a county bureau going from 2 to 40 applications is one batch of
/// letters from one applicant, which happens every year somewhere.
pub const JUMP_FLOOR: i64 = 100;

/// A change by this factor or more between two consecutive years, at
/// [`JUMP_FLOOR`] applications or more, is flagged. Real issuers of that size
/// move by tens of percent a year, a few by 3–4×; tenfold is a unit typed in
/// the wrong cell, a report of another issuer, or an event worth a look.
pub const JUMP_FACTOR: i64 = 10;

/// What the checks compare of a report, computed when it is ingested.
pub fn facts(report: &Report) -> ReportFacts {
    let p = &report.parsed;
    let b_total = |row: &str| b_total(&p.applications, row);
    ReportFacts {
        region: report.region.slug.clone(),
        issuer: issuer(report),
        cells_digest: cells_digest(report),
        applications_new: b_total("new"),
        carried_over: b_total("carried_over"),
        carried_forward: b_total("carried_forward"),
    }
}

/// Who wrote the report, the same way every year: its most specific region
/// code, then the agency without the names of the province and city above
/// that place in front of it (`淮安市洪泽区人民政府` and `洪泽区人民政府` are
/// both `320813/洪泽区人民政府`; `淮安市人民政府` is `320800/淮安市人民政府`).
/// None without an agency.
fn issuer(report: &Report) -> Option<String> {
    let region = &report.region;
    let mut agency = report.parsed.agency.as_deref()?;
    // A name above the place itself (`淮安市` before 洪泽区), never the place's
    // own (`淮安市人民政府` stays whole).
    for (name, code) in [
        (&region.province, &region.province_code),
        (&region.city, &region.city_code),
    ] {
        if let Some(name) = name.as_deref().filter(|_| *code != region.adcode) {
            agency = agency.strip_prefix(name).unwrap_or(agency);
        }
    }
    let place = region
        .adcode
        .as_deref()
        .or(region.slug.as_deref())
        .unwrap_or("");
    Some(format!("{place}/{agency}"))
}

/// BLAKE3 (first 16 bytes, hex) of every cell of tables A, B and C: code,
/// state, value and unit, in the order the parser writes them. Two files of
/// one report (HTML and its PDF) read to the same cells give the same digest;
/// the raw text (spacing, full-width digits) does not enter it. None for a
/// report without tables.
fn cells_digest(report: &Report) -> Option<String> {
    let p = &report.parsed;
    if p.active.is_empty() && p.applications.is_empty() && p.review.is_empty() {
        return None;
    }
    // Fields are separated (a code never holds a NUL), values fixed-width;
    // hashed in one call (many small updates cost more than the bytes).
    let mut bytes: Vec<u8> = Vec::with_capacity(48 * (p.active.len() + p.applications.len()));
    let mut field = |b: &[u8]| {
        bytes.extend_from_slice(b);
        bytes.push(0);
    };
    let value = |v: Option<f64>| v.map_or([0xff; 8], f64::to_le_bytes);
    let count = |v: Option<i64>| v.map_or([0xff; 8], i64::to_le_bytes);
    for c in &p.active {
        field(b"A");
        field(c.item.as_bytes());
        field(c.measure.as_bytes());
        field(c.state.as_str().as_bytes());
        field(&value(c.value));
        field(c.unit.as_deref().unwrap_or("").as_bytes());
    }
    for c in &p.applications {
        field(b"B");
        field(c.row.as_bytes());
        field(c.applicant.as_bytes());
        field(c.state.as_str().as_bytes());
        field(&count(c.count));
    }
    for c in &p.review {
        field(b"C");
        field(c.proceeding.as_bytes());
        field(c.outcome.as_bytes());
        field(c.state.as_str().as_bytes());
        field(&count(c.count));
    }
    Some(hex::encode(&blake3::hash(&bytes).as_bytes()[..16]))
}

/// The current reports of one issuer and year, split into groups of equal
/// cells; each group's first file (by path) stands for it.
struct Year<'a> {
    groups: Vec<Vec<&'a CurrentReport>>,
}

impl Year<'_> {
    /// The one report the year-to-year checks compare, unless the year has
    /// conflicting reports (or none with tables).
    fn single(&self) -> Option<&CurrentReport> {
        match self.groups.as_slice() {
            [only] => only.first().copied(),
            _ => None,
        }
    }
}

/// Every finding across the dataset's current reports, in a stable order
/// (issuer, year, rule, report).
pub fn check(ledger: &Ledger) -> Vec<CrossFinding> {
    // Issuer → year → reports with tables, by path (the ledger's map is sorted).
    let mut issuers: BTreeMap<&str, BTreeMap<i32, Vec<&CurrentReport>>> = BTreeMap::new();
    for report in ledger.current_reports() {
        let (Some(issuer), Some(year), Some(_)) = (
            &report.facts.issuer,
            report.year,
            &report.facts.cells_digest,
        ) else {
            continue;
        };
        issuers
            .entry(issuer.as_str())
            .or_default()
            .entry(year)
            .or_default()
            .push(report);
    }
    let mut out = Vec::new();
    for years in issuers.values() {
        let mut prev: Option<(i32, Year)> = None;
        for (&year, reports) in years {
            let this = group_by_cells(reports);
            same_year(&this, &mut out);
            if let (Some((prev_year, before)), Some(now)) = (&prev, this.single()) {
                if *prev_year == year - 1 {
                    if let Some(before) = before.single() {
                        year_to_year(before, now, &mut out);
                    }
                }
            }
            prev = Some((year, this));
        }
    }
    out
}

/// Split one issuer-year's reports (sorted by path) by their cells.
fn group_by_cells<'a>(reports: &[&'a CurrentReport]) -> Year<'a> {
    let mut groups: Vec<Vec<&CurrentReport>> = Vec::new();
    for r in reports {
        match groups
            .iter_mut()
            .find(|g| g[0].facts.cells_digest == r.facts.cells_digest)
        {
            Some(g) => g.push(r),
            None => groups.push(vec![r]),
        }
    }
    Year { groups }
}

fn finding(
    rule: &'static str,
    severity: Severity,
    report: &CurrentReport,
    other: &CurrentReport,
    values: (Option<i64>, Option<i64>),
    message: String,
) -> CrossFinding {
    CrossFinding {
        report_id: report.content_id.clone(),
        other_report_id: other.content_id.clone(),
        rule,
        severity,
        issuer: report.facts.issuer.clone().unwrap_or_default(),
        agency: report.agency.clone().unwrap_or_default(),
        region: report.facts.region.clone(),
        year: report.year.unwrap_or_default(),
        expected: values.0.map(|v| v.to_string()),
        actual: values.1.map(|v| v.to_string()),
        message,
    }
}

/// Copies and conflicts within one issuer-year.
fn same_year(year: &Year, out: &mut Vec<CrossFinding>) {
    let first = year.groups[0][0];
    for (i, group) in year.groups.iter().enumerate() {
        let head = group[0];
        if i > 0 {
            out.push(finding(
                "conflicting_reports",
                Severity::Warning,
                head,
                first,
                (first.facts.applications_new, head.facts.applications_new),
                format!(
                    "{} and {} are both this issuer's report for the year, with different cells; \
                     neither replaces the other",
                    head.source_path, first.source_path
                ),
            ));
        }
        for copy in &group[1..] {
            out.push(finding(
                "same_report_other_file",
                Severity::Info,
                copy,
                head,
                (None, None),
                format!(
                    "{} holds the same cells as {}: one report in two files",
                    copy.source_path, head.source_path
                ),
            ));
        }
    }
}

/// Continuity and jumps between consecutive years.
fn year_to_year(before: &CurrentReport, now: &CurrentReport, out: &mut Vec<CrossFinding>) {
    let (b, n) = (&before.facts, &now.facts);
    if let (Some(forward), Some(over)) = (b.carried_forward, n.carried_over) {
        if forward != over {
            out.push(finding(
                "carryover_mismatch",
                Severity::Warning,
                now,
                before,
                (Some(forward), Some(over)),
                format!(
                    "上年结转 is {over} where the year before carried {forward} forward \
                     (结转下年度继续办理, {})",
                    before.source_path
                ),
            ));
        }
    }
    if let (Some(old), Some(new)) = (b.applications_new, n.applications_new) {
        if is_jump(old, new) {
            out.push(finding(
                "applications_jump",
                Severity::Warning,
                now,
                before,
                (Some(old), Some(new)),
                format!(
                    "本年新收 went from {old} to {new} in one year ({})",
                    before.source_path
                ),
            ));
        }
    }
}

/// Whether a change of 本年新收 from `old` to `new` is one no issuer of that
/// size makes (see [`JUMP_FLOOR`], [`JUMP_FACTOR`]).
pub fn is_jump(old: i64, new: i64) -> bool {
    let (small, big) = (old.min(new).max(0), old.max(new));
    big >= JUMP_FLOOR && big >= JUMP_FACTOR * small.max(1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sink::schema::{LedgerEntry, ReportFacts};

    fn entry(path: &str, year: i32, digest: &str, facts: (i64, i64, i64)) -> LedgerEntry {
        LedgerEntry {
            content_id: format!("id-{path}"),
            source_path: path.into(),
            bytes: 1,
            outcome: "report",
            reason: None,
            agency: Some("某县".into()),
            year: Some(year),
            facts: ReportFacts {
                region: Some("gansu".into()),
                issuer: Some("620723/某县".into()),
                cells_digest: Some(digest.into()),
                applications_new: Some(facts.0),
                carried_over: Some(facts.1),
                carried_forward: Some(facts.2),
            },
            run_id: "run-00001".into(),
        }
    }

    fn run(entries: &[LedgerEntry]) -> Vec<(&'static str, String, String)> {
        let mut ledger = Ledger::default();
        for e in entries {
            ledger.note(e);
        }
        check(&ledger)
            .into_iter()
            .map(|f| (f.rule, f.report_id, f.other_report_id))
            .collect()
    }

    #[test]
    fn a_continuous_series_has_nothing_to_report() {
        let series = [
            entry("2019.txt", 2019, "a", (10, 0, 2)),
            entry("2020.txt", 2020, "b", (12, 2, 1)),
            entry("2021.txt", 2021, "c", (40, 1, 0)),
        ];
        assert_eq!(run(&series), vec![]);
    }

    #[test]
    fn a_carry_over_that_does_not_continue_is_found_on_the_later_year() {
        let series = [
            entry("2019.txt", 2019, "a", (10, 0, 2)),
            entry("2020.txt", 2020, "b", (12, 3, 1)),
        ];
        assert_eq!(
            run(&series),
            vec![(
                "carryover_mismatch",
                "id-2020.txt".into(),
                "id-2019.txt".into()
            )]
        );
        // Years that are not consecutive are not compared.
        let gap = [
            entry("2019.txt", 2019, "a", (10, 0, 2)),
            entry("2021.txt", 2021, "b", (12, 3, 1)),
        ];
        assert_eq!(run(&gap), vec![]);
    }

    #[test]
    fn jumps_need_size_and_factor() {
        assert!(!is_jump(2, 40)); // small: one applicant's batch
        assert!(!is_jump(30, 99));
        assert!(is_jump(10, 100));
        assert!(is_jump(0, 100));
        assert!(is_jump(2000, 150)); // down too
        assert!(!is_jump(200, 1999));
        assert!(is_jump(200, 2000));
        let series = [
            entry("2019.txt", 2019, "a", (15, 0, 0)),
            entry("2020.txt", 2020, "b", (1500, 0, 0)),
        ];
        assert_eq!(
            run(&series),
            vec![(
                "applications_jump",
                "id-2020.txt".into(),
                "id-2019.txt".into()
            )]
        );
    }

    #[test]
    fn copies_are_one_report_and_different_cells_a_conflict() {
        let files = [
            entry("b/page.html", 2020, "same", (5, 0, 0)),
            entry("a/attachment.pdf", 2020, "same", (5, 0, 0)),
            entry("c/other.txt", 2020, "different", (6, 0, 0)),
        ];
        assert_eq!(
            run(&files),
            vec![
                (
                    "same_report_other_file",
                    "id-b/page.html".into(),
                    "id-a/attachment.pdf".into()
                ),
                (
                    "conflicting_reports",
                    "id-c/other.txt".into(),
                    "id-a/attachment.pdf".into()
                ),
            ]
        );
    }

    #[test]
    fn a_year_in_conflict_is_not_compared_with_its_neighbours() {
        let files = [
            entry("2019.txt", 2019, "a", (10, 0, 5)),
            entry("2020a.txt", 2020, "b", (12, 1, 0)),
            entry("2020b.txt", 2020, "c", (12, 2, 0)),
        ];
        let rules: Vec<_> = run(&files).into_iter().map(|f| f.0).collect();
        assert_eq!(rules, vec!["conflicting_reports"]);
    }

    #[test]
    fn a_corrected_file_replaces_its_old_version() {
        // The same path ingested twice: only the latest version is current.
        let mut old = entry("2020.txt", 2020, "old", (12, 9, 1));
        old.content_id = "old".into();
        let files = [
            entry("2019.txt", 2019, "a", (10, 0, 2)),
            old,
            entry("2020.txt", 2020, "new", (12, 2, 1)),
        ];
        assert_eq!(run(&files), vec![]);
    }

    #[test]
    fn other_issuers_and_narrative_reports_are_apart() {
        let mut elsewhere = entry("x/2020.txt", 2020, "b", (12, 7, 1));
        elsewhere.facts.issuer = Some("350128/某县".into());
        let mut narrative = entry("n/2020.txt", 2020, "z", (0, 0, 0));
        narrative.facts = ReportFacts {
            issuer: Some("620723/某县".into()),
            ..ReportFacts::default()
        };
        let files = [
            entry("2019.txt", 2019, "a", (10, 0, 2)),
            elsewhere,
            narrative,
        ];
        assert_eq!(run(&files), vec![]);
    }
}
