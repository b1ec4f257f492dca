//! The numbers behind each chart: pure functions of a [`Dataset`].
//!
//! Every function here reads only the latest report versions (the reader has
//! already dropped superseded ones) and returns its rows in a fixed order, so
//! the page is the same for the same dataset. How each number is computed is
//! documented in `docs/quality-report.md`.

use super::read::{BRow, Dataset, Outcome, Partition, Severity, COPY_RULE};
use std::collections::{BTreeMap, BTreeSet};

/// The rules that check a report's own accounting identities (data dictionary).
pub const IDENTITY_RULES: [&str; 4] = [
    "B.column_balance",
    "B.row_total",
    "B.outcome_total",
    "C.total",
];

/// The rule of a narrative figure that disagrees with its table cell.
pub const NARRATIVE_RULE: &str = "narrative_disagrees";

/// The rules of the checks across reports (`cross_findings`), in page order.
pub const CROSS_RULES: [&str; 4] = [
    "carryover_mismatch",
    "applications_jump",
    "conflicting_reports",
    COPY_RULE,
];

/// How many reports the worst-reports chart lists.
pub const WORST_REPORTS: usize = 20;

/// Headline numbers.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Totals {
    /// Latest report versions.
    pub reports: u64,
    /// Of which `status = ok`.
    pub complete: u64,
    /// Of which `partial`.
    pub partial: u64,
    /// Of which `no_tables`.
    pub no_tables: u64,
    /// Earlier versions left out.
    pub superseded: u64,
    /// Copies of a report in another file, left out (counted once).
    pub copies: u64,
    /// Current rejects.
    pub rejects: u64,
    /// Error findings of the latest reports.
    pub errors: u64,
    /// Warning findings of the latest reports.
    pub warnings: u64,
    /// Committed runs.
    pub runs: u64,
    /// The last committed run.
    pub last_run: String,
}

/// Count the headline numbers.
pub fn totals(d: &Dataset) -> Totals {
    let status = |s: &str| d.reports.iter().filter(|r| r.status == s).count() as u64;
    let severity = |s: Severity| d.findings.iter().filter(|f| f.severity == s).count() as u64;
    Totals {
        reports: d.reports.len() as u64,
        complete: status("ok"),
        partial: status("partial"),
        no_tables: status("no_tables"),
        superseded: d.superseded as u64,
        copies: d.copies as u64,
        rejects: d.rejects.len() as u64,
        errors: severity(Severity::Error),
        warnings: severity(Severity::Warning),
        runs: d.runs.len() as u64,
        last_run: d.runs.last().map(|r| r.run_id.clone()).unwrap_or_default(),
    }
}

/// A province-level region as the page labels it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct RegionLabel {
    /// The partition slug (None: unresolved).
    pub slug: Option<String>,
    /// The province name most of its reports give (ties: the first in sort order).
    pub name: Option<String>,
}

impl RegionLabel {
    /// `甘肃省 gansu`, `central`, `unresolved`.
    pub fn text(&self) -> String {
        match (&self.name, &self.slug) {
            (Some(name), Some(slug)) => format!("{name} {slug}"),
            (None, Some(slug)) => slug.clone(),
            (Some(name), None) => name.clone(),
            (None, None) => "unresolved".into(),
        }
    }
}

/// Regions in slug order (unresolved last), each with its most frequent province name.
fn region_labels(d: &Dataset) -> BTreeMap<Option<String>, RegionLabel> {
    let mut names: BTreeMap<Option<String>, BTreeMap<&str, u64>> = BTreeMap::new();
    for r in &d.reports {
        let counts = names.entry(r.partition.region.clone()).or_default();
        if let Some(p) = &r.province {
            *counts.entry(p.as_str()).or_default() += 1;
        }
    }
    names
        .into_iter()
        .map(|(slug, counts)| {
            let best = counts.values().copied().max().unwrap_or(0);
            let name = counts
                .into_iter()
                .find(|&(_, n)| n == best && n > 0)
                .map(|(name, _)| name.to_string());
            (slug.clone(), RegionLabel { slug, name })
        })
        .collect()
}

/// Sort key putting None last.
fn none_last<T: Ord + Clone>(v: &Option<T>) -> (bool, Option<T>) {
    (v.is_none(), v.clone())
}

/// One cell of the coverage heatmap.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct CoverageCell {
    /// Reports of the region and year.
    pub reports: u64,
    /// Of which complete (`status = ok`).
    pub complete: u64,
}

impl CoverageCell {
    /// Share complete, 0–1.
    pub fn share(&self) -> f64 {
        if self.reports == 0 {
            0.0
        } else {
            self.complete as f64 / self.reports as f64
        }
    }
}

/// Reports per region and year.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Coverage {
    /// Rows: regions, slug order, unresolved last.
    pub regions: Vec<RegionLabel>,
    /// Columns: years ascending, unknown last.
    pub years: Vec<Option<i32>>,
    /// `cells[region][year]`.
    pub cells: Vec<Vec<CoverageCell>>,
}

/// Count reports and complete reports per (region, year).
pub fn coverage(d: &Dataset) -> Coverage {
    let labels = region_labels(d);
    let mut regions: Vec<Option<String>> = labels.keys().cloned().collect();
    regions.sort_by_key(none_last);
    let mut years: Vec<Option<i32>> = d
        .reports
        .iter()
        .map(|r| r.partition.year)
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    years.sort_by_key(none_last);
    let row: BTreeMap<&Option<String>, usize> =
        regions.iter().enumerate().map(|(i, r)| (r, i)).collect();
    let col: BTreeMap<&Option<i32>, usize> =
        years.iter().enumerate().map(|(j, y)| (y, j)).collect();
    let mut cells = vec![vec![CoverageCell::default(); years.len()]; regions.len()];
    for r in &d.reports {
        let Partition { region, year } = &r.partition;
        let (Some(&i), Some(&j)) = (row.get(region), col.get(year)) else {
            continue;
        };
        cells[i][j].reports += 1;
        cells[i][j].complete += u64::from(r.status == "ok");
    }
    Coverage {
        regions: regions.iter().map(|s| labels[s].clone()).collect(),
        years,
        cells,
    }
}

/// One bar: a label, findings (or items) and the reports they are in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tally {
    /// What is counted (a rule, a region, a reason, …).
    pub label: String,
    /// How many.
    pub count: u64,
    /// In how many distinct reports (0 where it does not apply).
    pub reports: u64,
    /// Out of how many reports (the region's, for rates; 0 where it does not apply).
    pub of: u64,
}

/// Identity breaks (the [`IDENTITY_RULES`]) per rule and per region.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct IdentityBreaks {
    /// Per rule, in [`IDENTITY_RULES`] order (rules without findings included).
    pub by_rule: Vec<Tally>,
    /// Per region (slug order): findings, reports with a break, reports of the region.
    pub by_region: Vec<Tally>,
    /// Reports with at least one break.
    pub reports: u64,
    /// Breaks in all.
    pub findings: u64,
}

/// Count identity breaks per rule and per region.
pub fn identity_breaks(d: &Dataset) -> IdentityBreaks {
    let labels = region_labels(d);
    let breaks = || {
        d.findings
            .iter()
            .filter(|f| IDENTITY_RULES.contains(&f.rule.as_str()))
    };
    let by_rule = IDENTITY_RULES
        .iter()
        .map(|rule| {
            let found: Vec<usize> = breaks()
                .filter(|f| f.rule == *rule)
                .map(|f| f.report)
                .collect();
            Tally {
                label: rule.to_string(),
                count: found.len() as u64,
                reports: found.iter().collect::<BTreeSet<_>>().len() as u64,
                of: 0,
            }
        })
        .collect();
    #[derive(Default)]
    struct RegionBreaks {
        findings: u64,
        reports: BTreeSet<usize>,
        of: u64,
    }
    let mut per_region: BTreeMap<(bool, Option<String>), RegionBreaks> = BTreeMap::new();
    for r in &d.reports {
        per_region
            .entry(none_last(&r.partition.region))
            .or_default()
            .of += 1;
    }
    for f in breaks() {
        let Some(report) = d.reports.get(f.report) else {
            continue;
        };
        let entry = per_region
            .entry(none_last(&report.partition.region))
            .or_default();
        entry.findings += 1;
        entry.reports.insert(f.report);
    }
    let by_region = per_region
        .into_iter()
        .map(|((_, slug), r)| Tally {
            label: labels.get(&slug).map(RegionLabel::text).unwrap_or_default(),
            count: r.findings,
            reports: r.reports.len() as u64,
            of: r.of,
        })
        .collect();
    IdentityBreaks {
        by_rule,
        by_region,
        reports: breaks().map(|f| f.report).collect::<BTreeSet<_>>().len() as u64,
        findings: breaks().count() as u64,
    }
}

/// Table B per year: received, granted and the outcome mix.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct YearApplications {
    /// The year.
    pub year: i32,
    /// Σ `new` (total column) over the year's reports; blank, missing and invalid cells add nothing.
    pub received: i64,
    /// Reports with a `new` value.
    pub reporting: u64,
    /// Σ `granted` over the reports that print both `new` and `granted`.
    pub granted: i64,
    /// Σ `new` over the same reports.
    pub received_of_granted: i64,
    /// Σ of each outcome group, in [`Outcome::ALL`] order.
    pub outcomes: [i64; 6],
}

impl YearApplications {
    /// Share granted: `granted / received_of_granted`, None without applications.
    pub fn granted_share(&self) -> Option<f64> {
        (self.received_of_granted > 0)
            .then(|| self.granted as f64 / self.received_of_granted as f64)
    }

    /// Sum of the outcome groups.
    pub fn outcomes_total(&self) -> i64 {
        self.outcomes.iter().sum()
    }
}

/// Sum table B's total column per year (reports of unknown year left out).
pub fn applications_by_year(d: &Dataset) -> Vec<YearApplications> {
    /// One report's table B: new and granted (None when not a value), outcome sums.
    #[derive(Default, Clone)]
    struct TableB {
        new: Option<i64>,
        granted: Option<i64>,
        outcomes: [i64; 6],
    }
    let mut per_report: Vec<Option<TableB>> = vec![None; d.reports.len()];
    for cell in &d.applications {
        let Some(slot) = per_report.get_mut(cell.report) else {
            continue;
        };
        let b = slot.get_or_insert_default();
        match cell.row {
            BRow::New => b.new = cell.count.or(b.new),
            BRow::Outcome(outcome) => {
                if outcome == Outcome::Granted {
                    b.granted = cell.count.or(b.granted);
                }
                let group = Outcome::ALL.iter().position(|o| *o == outcome).unwrap_or(0);
                b.outcomes[group] += cell.count.unwrap_or(0);
            }
        }
    }
    let mut years: BTreeMap<i32, YearApplications> = BTreeMap::new();
    for (report, b) in per_report.into_iter().enumerate() {
        let (Some(b), Some(year)) = (b, d.reports[report].partition.year) else {
            continue;
        };
        let y = years.entry(year).or_insert_with(|| YearApplications {
            year,
            ..YearApplications::default()
        });
        if let Some(new) = b.new {
            y.received += new;
            y.reporting += 1;
            if let Some(granted) = b.granted {
                y.granted += granted;
                y.received_of_granted += new;
            }
        }
        for (sum, n) in y.outcomes.iter_mut().zip(b.outcomes) {
            *sum += n;
        }
    }
    years.into_values().collect()
}

/// Rejects per reason, most first (ties by reason).
pub fn rejects_by_reason(d: &Dataset) -> Vec<Tally> {
    let mut counts: BTreeMap<&str, u64> = BTreeMap::new();
    for r in &d.rejects {
        *counts.entry(r.reason.as_str()).or_default() += 1;
    }
    sorted_tallies(counts.into_iter().map(|(reason, n)| Tally {
        label: reason.to_string(),
        count: n,
        reports: 0,
        of: 0,
    }))
}

fn sorted_tallies(tallies: impl Iterator<Item = Tally>) -> Vec<Tally> {
    let mut v: Vec<Tally> = tallies.collect();
    v.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.label.cmp(&b.label)));
    v
}

/// Narrative figures that disagree with their table cell, per measure.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct NarrativeDisagreements {
    /// Per measure (`subject` without `narrative:`), most first.
    pub by_measure: Vec<Tally>,
    /// Findings in all.
    pub findings: u64,
    /// Reports with at least one.
    pub reports: u64,
}

/// Count `narrative_disagrees` findings per measure.
pub fn narrative_disagreements(d: &Dataset) -> NarrativeDisagreements {
    let mut per: BTreeMap<&str, (u64, BTreeSet<usize>)> = BTreeMap::new();
    let mut reports = BTreeSet::new();
    let mut findings = 0;
    for f in d.findings.iter().filter(|f| f.rule == NARRATIVE_RULE) {
        let measure = f.subject.strip_prefix("narrative:").unwrap_or(&f.subject);
        let entry = per.entry(measure).or_default();
        entry.0 += 1;
        entry.1.insert(f.report);
        reports.insert(f.report);
        findings += 1;
    }
    NarrativeDisagreements {
        by_measure: sorted_tallies(per.into_iter().map(|(m, (n, rs))| Tally {
            label: m.to_string(),
            count: n,
            reports: rs.len() as u64,
            of: 0,
        })),
        findings,
        reports: reports.len() as u64,
    }
}

/// Findings across reports of one rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CrossTally {
    /// The rule.
    pub rule: String,
    /// Its warning findings.
    pub warnings: u64,
    /// Its other findings (info).
    pub infos: u64,
    /// The distinct reports they are about.
    pub reports: u64,
}

/// Count the findings across reports per rule: the [`CROSS_RULES`] first
/// (listed even without findings), then any other rule by name.
pub fn cross_checks(d: &Dataset) -> Vec<CrossTally> {
    let mut per: BTreeMap<&str, (u64, u64, BTreeSet<&str>)> = BTreeMap::new();
    for rule in CROSS_RULES {
        per.entry(rule).or_default();
    }
    for c in &d.cross {
        let entry = per.entry(c.rule.as_str()).or_default();
        match c.severity {
            Severity::Info => entry.1 += 1,
            _ => entry.0 += 1,
        }
        entry.2.insert(c.report_id.as_str());
    }
    let rank = |rule: &str| {
        CROSS_RULES
            .iter()
            .position(|r| *r == rule)
            .unwrap_or(CROSS_RULES.len())
    };
    let mut out: Vec<CrossTally> = per
        .into_iter()
        .map(|(rule, (warnings, infos, reports))| CrossTally {
            rule: rule.to_string(),
            warnings,
            infos,
            reports: reports.len() as u64,
        })
        .collect();
    out.sort_by(|a, b| {
        rank(&a.rule)
            .cmp(&rank(&b.rule))
            .then_with(|| a.rule.cmp(&b.rule))
    });
    out
}

/// A report ranked by its findings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Ranked {
    /// Index into [`Dataset::reports`].
    pub report: usize,
    /// Error findings.
    pub errors: u64,
    /// Warning findings.
    pub warnings: u64,
}

/// The `n` reports with the most error findings, then the most warnings
/// (ties: report id); reports with neither are not listed.
pub fn worst_reports(d: &Dataset, n: usize) -> Vec<Ranked> {
    let mut counts: BTreeMap<usize, (u64, u64)> = BTreeMap::new();
    for f in &d.findings {
        match f.severity {
            Severity::Error => counts.entry(f.report).or_default().0 += 1,
            Severity::Warning => counts.entry(f.report).or_default().1 += 1,
            Severity::Info => {}
        }
    }
    let mut ranked: Vec<Ranked> = counts
        .into_iter()
        .map(|(report, (errors, warnings))| Ranked {
            report,
            errors,
            warnings,
        })
        .collect();
    ranked.sort_by(|a, b| {
        (b.errors, b.warnings)
            .cmp(&(a.errors, a.warnings))
            .then_with(|| {
                let id = |r: &Ranked| d.reports.get(r.report).map(|r| r.report_id.as_str());
                id(a).cmp(&id(b))
            })
    });
    ranked.truncate(n);
    ranked
}
