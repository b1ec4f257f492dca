//! Two years of one issuer side by side: every cell of tables A, B and C that differs between
//! its report of year A and its report of year B, then the figures the text states
//! (`narrative_figures`: 新闻发布会 10 → 12 场).
//!
//! **Which issuer.** `--issuer X` is matched against the ledger's `issuer` (`320813/洪泽区人民政府`)
//! exactly, or against the agency as a report's title names it (`reports.agency`, which the
//! ledger repeats: `淮安市洪泽区人民政府` finds the same issuer). No match, or an agency that
//! several issuers share, is an error listing the candidates ([`DiffError`]).
//!
//! **Which report of a year.** The rules of the checks across reports (`src/crosscheck.rs`):
//! the latest version of each file (superseded ones left out); files with the same cells are
//! one report, the first by `source_path` standing for its copies (`same_report_other_file`);
//! a year with reports of different cells (`conflicting_reports`) has no one report to diff
//! and is an error listing them. A report without tables is used only when the year has no
//! report with tables.
//!
//! **NULL is not 0.** A cell is shown as its number, or as `(blank)`, `(missing)`,
//! `(invalid: <text as printed>)`, or `(not in template)` when that year's table has no such
//! row (a 2019-format table B has one `other` row where the 2021 format has three); `change`
//! is only given between two numbers. A measure the text does not state is `(not stated)`.

use crate::continuity::current_reports;
use crate::dataset::{Dataset, DatasetError, Table};
use crate::query::nulls_last;
use polars::prelude::*;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt;

/// How many candidates an error lists.
const MAX_CANDIDATES: usize = 20;

/// The narrative measures in the order `narrative_figures` writes them, with the words the
/// reports use for them (shown beside the code).
pub const MEASURES: [(&str, &str); 10] = [
    ("active_disclosed", "主动公开"),
    ("applications_received", "收到申请"),
    ("applications_completed", "办结"),
    ("carried_over", "上年结转"),
    ("carried_forward", "结转下年度"),
    ("administrative_review", "行政复议"),
    ("administrative_litigation", "行政诉讼"),
    ("processing_fees", "信息处理费"),
    ("press_conferences", "新闻发布会"),
    ("policy_interpretations", "政策解读"),
];

/// A current report of the ledger (the latest version of its file).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LedgerReport {
    /// Its `report_id` (the ledger's `content_id`).
    pub report_id: String,
    /// Where it was found.
    pub source_path: String,
    /// Who wrote it (`_ledger.issuer`).
    pub issuer: String,
    /// The agency as its title names it.
    pub agency: Option<String>,
    /// The province-level region slug.
    pub region: Option<String>,
    /// The year it covers.
    pub year: Option<i64>,
    /// The digest of its cells; `None` without tables.
    pub cells_digest: Option<String>,
}

/// An issuer an unknown or ambiguous `--issuer` may have meant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate {
    /// The ledger's `issuer`.
    pub issuer: String,
    /// The agencies its reports' titles name.
    pub agencies: Vec<String>,
    /// The years it has reports for.
    pub years: Vec<i64>,
}

impl fmt::Display for Candidate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} (agency {}; {})",
            self.issuer,
            self.agencies.join(", "),
            join_years(&self.years)
        )
    }
}

/// `2021, 2022`.
fn join_years(years: &[i64]) -> String {
    years
        .iter()
        .map(i64::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}

/// The candidates as indented lines, at most [`MAX_CANDIDATES`] of them.
fn candidate_lines(candidates: &[Candidate]) -> String {
    let mut out: String = candidates
        .iter()
        .take(MAX_CANDIDATES)
        .map(|c| format!("\n  {c}"))
        .collect();
    if candidates.len() > MAX_CANDIDATES {
        out.push_str(&format!(
            "\n  … and {} more",
            candidates.len() - MAX_CANDIDATES
        ));
    }
    out
}

/// Reports as indented lines (`report_id  source_path`).
fn report_lines(reports: &[LedgerReport]) -> String {
    reports
        .iter()
        .map(|r| format!("\n  {}  {}", r.report_id, r.source_path))
        .collect()
}

/// Why a diff cannot be made.
#[derive(Debug, thiserror::Error)]
pub enum DiffError {
    /// `--years` names the same year twice.
    #[error("--years needs two different years, got {0} twice")]
    SameYear(i64),
    /// Neither an issuer nor an agency is called so.
    #[error(
        "no issuer or agency is called `{query}`{}",
        if candidates.is_empty() {
            " (`xxgk-analytics continuity` lists the issuers)".to_owned()
        } else {
            format!("; issuers whose name contains it:{}", candidate_lines(candidates))
        }
    )]
    NoIssuer {
        /// What `--issuer` said.
        query: String,
        /// Issuers whose issuer or agency contains it.
        candidates: Vec<Candidate>,
    },
    /// An agency name several issuers share (the same bureau name in several places).
    #[error(
        "`{query}` names {} issuers; pass one of them with --issuer:{}",
        candidates.len(),
        candidate_lines(candidates)
    )]
    AmbiguousIssuer {
        /// What `--issuer` said.
        query: String,
        /// The issuers it names.
        candidates: Vec<Candidate>,
    },
    /// The issuer has no report for a year asked for.
    #[error(
        "{issuer} has no report for {year}; it has reports for {}",
        join_years(years)
    )]
    NoReport {
        /// The issuer.
        issuer: String,
        /// The year asked for.
        year: i64,
        /// The years it has reports for.
        years: Vec<i64>,
    },
    /// The issuer has several reports with different cells for a year.
    #[error(
        "{issuer} has {} reports with different cells for {year} (conflicting_reports in \
         cross_findings), so no one report to compare:{}",
        reports.len(),
        report_lines(reports)
    )]
    ConflictingReports {
        /// The issuer.
        issuer: String,
        /// The year.
        year: i64,
        /// One report per distinct set of cells.
        reports: Vec<LedgerReport>,
    },
    /// Reading the dataset failed.
    #[error(transparent)]
    Dataset(#[from] DatasetError),
    /// A query failed.
    #[error(transparent)]
    Polars(#[from] PolarsError),
}

impl DiffError {
    /// Whether the arguments are at fault (exit status 2), not the reading of the data (1).
    pub fn is_usage(&self) -> bool {
        !matches!(self, DiffError::Dataset(_) | DiffError::Polars(_))
    }
}

/// The string value of row `i` of column `name`.
fn str_at(df: &DataFrame, name: &str, i: usize) -> Result<Option<String>, PolarsError> {
    Ok(df.column(name)?.str()?.get(i).map(str::to_owned))
}

/// Every current report with an issuer, sorted by issuer, year and source path.
pub fn ledger_reports(ds: &Dataset) -> Result<Vec<LedgerReport>, DiffError> {
    let df = current_reports(ds)?
        .filter(col("issuer").is_not_null())
        .select([
            col("content_id"),
            col("source_path"),
            col("issuer"),
            col("agency"),
            col("region"),
            col("year"),
            col("cells_digest"),
        ])
        .sort_by_exprs(
            [col("issuer"), col("year"), col("source_path")],
            nulls_last(3),
        )
        .collect()?;
    let years = df.column("year")?.i64()?;
    (0..df.height())
        .map(|i| {
            Ok(LedgerReport {
                report_id: str_at(&df, "content_id", i)?.unwrap_or_default(),
                source_path: str_at(&df, "source_path", i)?.unwrap_or_default(),
                issuer: str_at(&df, "issuer", i)?.unwrap_or_default(),
                agency: str_at(&df, "agency", i)?,
                region: str_at(&df, "region", i)?,
                year: years.get(i),
                cells_digest: str_at(&df, "cells_digest", i)?,
            })
        })
        .collect()
}

/// The issuers of the reports `keep` selects, with their agencies and years, by issuer.
fn candidates(reports: &[LedgerReport], keep: impl Fn(&LedgerReport) -> bool) -> Vec<Candidate> {
    let mut by_issuer: BTreeMap<&str, (BTreeSet<&str>, BTreeSet<i64>)> = BTreeMap::new();
    for r in reports.iter().filter(|r| keep(r)) {
        let entry = by_issuer.entry(&r.issuer).or_default();
        entry.0.extend(r.agency.as_deref());
        entry.1.extend(r.year);
    }
    by_issuer
        .into_iter()
        .map(|(issuer, (agencies, years))| Candidate {
            issuer: issuer.to_owned(),
            agencies: agencies.into_iter().map(str::to_owned).collect(),
            years: years.into_iter().collect(),
        })
        .collect()
}

/// The issuer `query` names: the ledger's `issuer` itself, or the agency of its reports.
pub fn resolve_issuer(reports: &[LedgerReport], query: &str) -> Result<String, DiffError> {
    let names = |r: &LedgerReport| r.issuer == query || r.agency.as_deref() == Some(query);
    let matched: BTreeSet<&str> = reports
        .iter()
        .filter(|r| names(r))
        .map(|r| r.issuer.as_str())
        .collect();
    match matched.len() {
        1 => Ok(matched.into_iter().next().unwrap_or_default().to_owned()),
        0 => Err(DiffError::NoIssuer {
            query: query.to_owned(),
            candidates: candidates(reports, |r| {
                r.issuer.contains(query) || r.agency.as_deref().is_some_and(|a| a.contains(query))
            }),
        }),
        _ => Err(DiffError::AmbiguousIssuer {
            query: query.to_owned(),
            candidates: candidates(reports, names),
        }),
    }
}

/// The one report of `issuer` for `year` (see the module documentation).
pub fn year_report(
    reports: &[LedgerReport],
    issuer: &str,
    year: i64,
) -> Result<LedgerReport, DiffError> {
    let mut of_year: Vec<&LedgerReport> = reports
        .iter()
        .filter(|r| r.issuer == issuer && r.year == Some(year))
        .collect();
    if of_year.is_empty() {
        let years: BTreeSet<i64> = reports
            .iter()
            .filter(|r| r.issuer == issuer)
            .filter_map(|r| r.year)
            .collect();
        return Err(DiffError::NoReport {
            issuer: issuer.to_owned(),
            year,
            years: years.into_iter().collect(),
        });
    }
    of_year.sort_by(|a, b| a.source_path.cmp(&b.source_path));
    if of_year.iter().any(|r| r.cells_digest.is_some()) {
        of_year.retain(|r| r.cells_digest.is_some());
    }
    // Copies (same cells) are one report: the first file by path stands for them.
    let mut heads: Vec<&LedgerReport> = Vec::new();
    for r in of_year {
        if !heads
            .iter()
            .any(|h| h.cells_digest.is_some() && h.cells_digest == r.cells_digest)
        {
            heads.push(r);
        }
    }
    match heads.as_slice() {
        [one] => Ok((*one).clone()),
        _ => Err(DiffError::ConflictingReports {
            issuer: issuer.to_owned(),
            year,
            reports: heads.into_iter().cloned().collect(),
        }),
    }
}

/// One of the three tables of a report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum CellTable {
    /// Table A, 主动公开政府信息情况 (`item`, `measure`, `value`, `unit`).
    ActiveDisclosure,
    /// Table B, 收到和处理政府信息公开申请情况 (`row`, `applicant`, `count`).
    Applications,
    /// Table C, 行政复议、行政诉讼 (`proceeding`, `outcome`, `count`).
    ReviewLitigation,
}

impl CellTable {
    /// The three, in the order the diff prints them.
    pub const ALL: [CellTable; 3] = [
        CellTable::ActiveDisclosure,
        CellTable::Applications,
        CellTable::ReviewLitigation,
    ];

    /// The dataset table.
    pub fn table(self) -> Table {
        match self {
            CellTable::ActiveDisclosure => Table::ActiveDisclosure,
            CellTable::Applications => Table::Applications,
            CellTable::ReviewLitigation => Table::ReviewLitigation,
        }
    }

    /// Its columns for the row, the column and the number.
    fn keys(self) -> (&'static str, &'static str, &'static str) {
        match self {
            CellTable::ActiveDisclosure => ("item", "measure", "value"),
            CellTable::Applications => ("row", "applicant", "count"),
            CellTable::ReviewLitigation => ("proceeding", "outcome", "count"),
        }
    }
}

/// One cell of a report as the dataset holds it.
#[derive(Debug, Clone, PartialEq)]
pub struct Cell {
    /// Its row: `item`, `row` or `proceeding`.
    pub row: String,
    /// Its column: `measure`, `applicant` or `outcome`.
    pub column: String,
    /// `value`, `blank`, `missing` or `invalid`.
    pub state: String,
    /// The number; `None` unless `state` is `value`.
    pub value: Option<f64>,
    /// Table A's unit (`万元`, `个`, …).
    pub unit: Option<String>,
    /// The text as printed.
    pub raw: Option<String>,
}

impl Cell {
    /// Whether two cells say the same (state, number and unit; an invalid cell's text).
    fn same(&self, other: &Cell) -> bool {
        self.state == other.state
            && self.value == other.value
            && self.unit == other.unit
            && (self.state != "invalid" || self.raw == other.raw)
    }

    /// The cell as the diff shows it: its number, or its state; `with_unit` adds the unit.
    fn show(&self, with_unit: bool) -> String {
        match (self.state.as_str(), self.value) {
            ("value", Some(v)) => match (&self.unit, with_unit) {
                (Some(unit), true) => format!("{} {unit}", format_number(v)),
                _ => format_number(v),
            },
            ("invalid", _) => format!("(invalid: {})", self.raw.as_deref().unwrap_or("")),
            (state, _) => format!("({state})"),
        }
    }
}

/// A number without a trailing `.0`, at most six decimals (`12`, `12.5`, `0.3`).
pub fn format_number(v: f64) -> String {
    let s = format!("{v:.6}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s == "-0" {
        "0".to_owned()
    } else {
        s.to_owned()
    }
}

/// A change with its sign (`+2`, `-1.5`, `0`).
fn format_change(delta: f64) -> String {
    let s = format_number(delta);
    if delta > 0.0 && s != "0" {
        format!("+{s}")
    } else {
        s
    }
}

/// Keeps the rows of the two reports (their year partitions only).
fn of_reports(lf: LazyFrame, a: &LedgerReport, b: &LedgerReport) -> LazyFrame {
    let year = |r: &LedgerReport| match r.year {
        Some(y) => col("year").eq(lit(y)),
        None => col("year").is_null(),
    };
    lf.filter(year(a).or(year(b))).filter(
        col("report_id")
            .eq(lit(a.report_id.clone()))
            .or(col("report_id").eq(lit(b.report_id.clone()))),
    )
}

/// The cells of `table` of the two reports, each report's in the order the file holds them
/// (the order the parser writes: the table as printed).
fn load_cells(
    ds: &Dataset,
    table: CellTable,
    a: &LedgerReport,
    b: &LedgerReport,
) -> Result<(Vec<Cell>, Vec<Cell>), DiffError> {
    let (row, column, number) = table.keys();
    let unit = if table == CellTable::ActiveDisclosure {
        col("unit")
    } else {
        lit(NULL).cast(DataType::String).alias("unit")
    };
    let df = of_reports(ds.scan(table.table())?, a, b)
        .select([
            col("report_id"),
            col(row).alias("row"),
            col(column).alias("column"),
            col("cell"),
            col(number).cast(DataType::Float64).alias("value"),
            unit,
            col("raw"),
        ])
        .collect()?;
    let values = df.column("value")?.f64()?;
    let (mut cells_a, mut cells_b) = (Vec::new(), Vec::new());
    for i in 0..df.height() {
        let cell = Cell {
            row: str_at(&df, "row", i)?.unwrap_or_default(),
            column: str_at(&df, "column", i)?.unwrap_or_default(),
            state: str_at(&df, "cell", i)?.unwrap_or_default(),
            value: values.get(i),
            unit: str_at(&df, "unit", i)?,
            raw: str_at(&df, "raw", i)?,
        };
        if str_at(&df, "report_id", i)?.as_deref() == Some(a.report_id.as_str()) {
            cells_a.push(cell);
        } else {
            cells_b.push(cell);
        }
    }
    Ok((cells_a, cells_b))
}

/// One line of the cell diff.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CellChange {
    /// `active_disclosure`, `applications` or `review_litigation`.
    pub table: &'static str,
    /// `item`, `row` or `proceeding`.
    pub row: String,
    /// `measure`, `applicant` or `outcome`.
    pub column: String,
    /// Year A's cell as shown.
    pub value_a: String,
    /// Year B's cell as shown.
    pub value_b: String,
    /// B − A when both are numbers in the same unit.
    pub change: Option<String>,
    /// The unit (`万元`), or `A → B` when the two differ.
    pub unit: Option<String>,
}

/// A unit column: the unit both share, or `a → b`.
fn unit_of(a: Option<&str>, b: Option<&str>) -> Option<String> {
    match (a, b) {
        (a, b) if a == b => a.map(str::to_owned),
        (None, Some(b)) => Some(b.to_owned()),
        (Some(a), None) => Some(a.to_owned()),
        (a, b) => Some(format!(
            "{} → {}",
            a.unwrap_or("(none)"),
            b.unwrap_or("(none)")
        )),
    }
}

/// What is shown for a cell the year's table does not have.
pub const NOT_IN_TEMPLATE: &str = "(not in template)";

/// One line comparing a cell of A with a cell of B (either may be absent).
fn cell_change(table: CellTable, a: Option<&Cell>, b: Option<&Cell>) -> CellChange {
    let key = b.or(a).map(|c| (c.row.clone(), c.column.clone()));
    let (row, column) = key.unwrap_or_default();
    let units_differ = matches!((a, b), (Some(a), Some(b)) if a.unit.is_some() && b.unit.is_some() && a.unit != b.unit);
    let show = |c: Option<&Cell>| c.map_or(NOT_IN_TEMPLATE.to_owned(), |c| c.show(units_differ));
    let change = match (a, b) {
        (Some(a), Some(b)) if !units_differ => {
            a.value.zip(b.value).map(|(x, y)| format_change(y - x))
        }
        _ => None,
    };
    CellChange {
        table: table.table().dir_name(),
        row,
        column,
        value_a: show(a),
        value_b: show(b),
        change,
        unit: unit_of(
            a.and_then(|c| c.unit.as_deref()),
            b.and_then(|c| c.unit.as_deref()),
        ),
    }
}

/// The cells of one table that differ (all of them with `all`): year B's cells in their
/// order, each beside year A's, then the cells only year A has, in its order.
pub fn diff_cells(table: CellTable, a: &[Cell], b: &[Cell], all: bool) -> Vec<CellChange> {
    let key = |c: &Cell| (c.row.clone(), c.column.clone());
    let index_a: HashMap<(String, String), usize> =
        a.iter().enumerate().map(|(i, c)| (key(c), i)).collect();
    let mut seen = vec![false; a.len()];
    let mut out = Vec::new();
    for cell_b in b {
        let cell_a = index_a.get(&key(cell_b)).map(|&i| {
            seen[i] = true;
            &a[i]
        });
        if all || !cell_a.is_some_and(|cell_a| cell_a.same(cell_b)) {
            out.push(cell_change(table, cell_a, Some(cell_b)));
        }
    }
    for (cell_a, _) in a.iter().zip(&seen).filter(|(_, seen)| !**seen) {
        out.push(cell_change(table, Some(cell_a), None));
    }
    out
}

/// A figure the text states.
#[derive(Debug, Clone, PartialEq)]
pub struct Figure {
    /// The measure (`press_conferences`).
    pub measure: String,
    /// The number (money in 元).
    pub value: f64,
    /// The counting word (`场`), `元` for money.
    pub unit: String,
}

/// The narrative figures of the two reports, each in the order the file holds them.
fn load_figures(
    ds: &Dataset,
    a: &LedgerReport,
    b: &LedgerReport,
) -> Result<(Vec<Figure>, Vec<Figure>), DiffError> {
    let df = of_reports(ds.scan(Table::NarrativeFigures)?, a, b)
        .select([col("report_id"), col("measure"), col("value"), col("unit")])
        .collect()?;
    let values = df.column("value")?.f64()?;
    let (mut fig_a, mut fig_b) = (Vec::new(), Vec::new());
    for i in 0..df.height() {
        let Some(value) = values.get(i) else { continue };
        let figure = Figure {
            measure: str_at(&df, "measure", i)?.unwrap_or_default(),
            value,
            unit: str_at(&df, "unit", i)?.unwrap_or_default(),
        };
        if str_at(&df, "report_id", i)?.as_deref() == Some(a.report_id.as_str()) {
            fig_a.push(figure);
        } else {
            fig_b.push(figure);
        }
    }
    Ok((fig_a, fig_b))
}

/// One line of the narrative diff.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FigureChange {
    /// The measure code.
    pub measure: String,
    /// The words reports use for it (`新闻发布会`).
    pub label: String,
    /// Year A's figures (several when the text states the measure several times, in text
    /// order, ` / ` between), or `(not stated)`.
    pub value_a: String,
    /// Year B's, likewise.
    pub value_b: String,
    /// B − A when each year states it once, in the same unit.
    pub change: Option<String>,
    /// The counting word when every figure of the line has the same one; else each value
    /// carries its own.
    pub unit: Option<String>,
}

/// What is shown for a measure the text does not state.
pub const NOT_STATED: &str = "(not stated)";

/// A measure's place in [`MEASURES`] (unknown ones after, by code).
fn measure_rank(measure: &str) -> (usize, String) {
    let rank = MEASURES
        .iter()
        .position(|(m, _)| *m == measure)
        .unwrap_or(MEASURES.len());
    (rank, measure.to_owned())
}

/// One measure's figures of the two years side by side.
fn figure_change(measure: &str, a: &[&Figure], b: &[&Figure]) -> FigureChange {
    let units: BTreeSet<&str> = a.iter().chain(b).map(|f| f.unit.as_str()).collect();
    let one_unit = units.len() == 1;
    let show = |figures: &[&Figure]| {
        if figures.is_empty() {
            return NOT_STATED.to_owned();
        }
        figures
            .iter()
            .map(|f| {
                if one_unit {
                    format_number(f.value)
                } else {
                    format!("{} {}", format_number(f.value), f.unit)
                }
            })
            .collect::<Vec<_>>()
            .join(" / ")
    };
    let change = match (a, b) {
        ([x], [y]) if one_unit => Some(format_change(y.value - x.value)),
        _ => None,
    };
    let label = MEASURES
        .iter()
        .find(|(m, _)| *m == measure)
        .map_or("", |(_, label)| label);
    FigureChange {
        measure: measure.to_owned(),
        label: label.to_owned(),
        value_a: show(a),
        value_b: show(b),
        change,
        unit: one_unit.then(|| units.into_iter().next().unwrap_or("").to_owned()),
    }
}

/// One measure's figures in year A and in year B.
type SideBySide<'a> = (Vec<&'a Figure>, Vec<&'a Figure>);

/// The measures whose figures differ (every measure either year states, with `all`), in
/// measure order.
pub fn diff_figures(a: &[Figure], b: &[Figure], all: bool) -> Vec<FigureChange> {
    let mut measures: BTreeMap<(usize, String), SideBySide> = BTreeMap::new();
    for f in a {
        measures
            .entry(measure_rank(&f.measure))
            .or_default()
            .0
            .push(f);
    }
    for f in b {
        measures
            .entry(measure_rank(&f.measure))
            .or_default()
            .1
            .push(f);
    }
    measures
        .into_iter()
        .filter(|(_, (fa, fb))| all || fa != fb)
        .map(|((_, measure), (fa, fb))| figure_change(&measure, &fa, &fb))
        .collect()
}

/// A two-year diff of one issuer.
#[derive(Debug, Clone)]
pub struct Diff {
    /// The issuer (`_ledger.issuer`).
    pub issuer: String,
    /// Year A's report.
    pub a: LedgerReport,
    /// Year B's report.
    pub b: LedgerReport,
    /// Cells compared (in either report).
    pub cells_compared: usize,
    /// The cells that differ (all with `--all`), tables A, B, C in order.
    pub cells: Vec<CellChange>,
    /// Measures either report states.
    pub measures_compared: usize,
    /// The narrative figures that differ (all with `--all`).
    pub figures: Vec<FigureChange>,
}

/// Diffs the reports of the issuer `query` names for `years.0` (A) and `years.1` (B); `all`
/// keeps the cells and figures that are the same too.
pub fn diff(ds: &Dataset, query: &str, years: (i64, i64), all: bool) -> Result<Diff, DiffError> {
    if years.0 == years.1 {
        return Err(DiffError::SameYear(years.0));
    }
    let reports = ledger_reports(ds)?;
    let issuer = resolve_issuer(&reports, query)?;
    let a = year_report(&reports, &issuer, years.0)?;
    let b = year_report(&reports, &issuer, years.1)?;
    let (mut cells, mut cells_compared) = (Vec::new(), 0);
    for table in CellTable::ALL {
        let (cells_a, cells_b) = load_cells(ds, table, &a, &b)?;
        cells_compared += diff_cells(table, &cells_a, &cells_b, true).len();
        cells.extend(diff_cells(table, &cells_a, &cells_b, all));
    }
    let (fig_a, fig_b) = load_figures(ds, &a, &b)?;
    let measures_compared = diff_figures(&fig_a, &fig_b, true).len();
    let figures = diff_figures(&fig_a, &fig_b, all);
    Ok(Diff {
        issuer,
        a,
        b,
        cells_compared,
        cells,
        measures_compared,
        figures,
    })
}

/// A string column from `rows`.
fn str_column<T>(name: &str, rows: &[T], get: impl Fn(&T) -> Option<&str>) -> Column {
    Column::new(name.into(), rows.iter().map(get).collect::<Vec<_>>())
}

impl Diff {
    /// The two reports compared: `side` (`A`/`B`), `year`, `agency`, `report_id`,
    /// `source_path`.
    pub fn reports_frame(&self) -> Result<DataFrame, PolarsError> {
        let rows = [("A", &self.a), ("B", &self.b)];
        DataFrame::new(
            rows.len(),
            vec![
                str_column("side", &rows, |(side, _)| Some(side)),
                Column::new("year".into(), rows.map(|(_, r)| r.year).to_vec()),
                str_column("agency", &rows, |(_, r)| r.agency.as_deref()),
                str_column("report_id", &rows, |(_, r)| Some(&r.report_id)),
                str_column("source_path", &rows, |(_, r)| Some(&r.source_path)),
            ],
        )
    }

    /// The cell diff: `table`, `row`, `column`, `value_a`, `value_b`, `change`, `unit`.
    pub fn cells_frame(&self) -> Result<DataFrame, PolarsError> {
        let c = &self.cells;
        DataFrame::new(
            c.len(),
            vec![
                str_column("table", c, |x| Some(x.table)),
                str_column("row", c, |x| Some(&x.row)),
                str_column("column", c, |x| Some(&x.column)),
                str_column("value_a", c, |x| Some(&x.value_a)),
                str_column("value_b", c, |x| Some(&x.value_b)),
                str_column("change", c, |x| x.change.as_deref()),
                str_column("unit", c, |x| x.unit.as_deref()),
            ],
        )
    }

    /// The narrative diff: `measure`, `label`, `value_a`, `value_b`, `change`, `unit`.
    pub fn figures_frame(&self) -> Result<DataFrame, PolarsError> {
        let f = &self.figures;
        DataFrame::new(
            f.len(),
            vec![
                str_column("measure", f, |x| Some(&x.measure)),
                str_column("label", f, |x| Some(&x.label)),
                str_column("value_a", f, |x| Some(&x.value_a)),
                str_column("value_b", f, |x| Some(&x.value_b)),
                str_column("change", f, |x| x.change.as_deref()),
                str_column("unit", f, |x| x.unit.as_deref()),
            ],
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn report(
        id: &str,
        path: &str,
        issuer: &str,
        agency: &str,
        year: i64,
        digest: Option<&str>,
    ) -> LedgerReport {
        LedgerReport {
            report_id: id.into(),
            source_path: path.into(),
            issuer: issuer.into(),
            agency: Some(agency.into()),
            region: Some("jiangsu".into()),
            year: Some(year),
            cells_digest: digest.map(str::to_owned),
        }
    }

    fn cell(row: &str, state: &str, value: Option<f64>) -> Cell {
        Cell {
            row: row.into(),
            column: "total".into(),
            state: state.into(),
            value,
            unit: None,
            raw: value.map(format_number),
        }
    }

    #[test]
    fn numbers_print_without_trailing_zeros() {
        assert_eq!(format_number(12.0), "12");
        assert_eq!(format_number(12.5), "12.5");
        assert_eq!(format_number(0.1 + 0.2), "0.3");
        assert_eq!(format_number(-0.0), "0");
        assert_eq!(format_change(2.0), "+2");
        assert_eq!(format_change(-1.5), "-1.5");
        assert_eq!(format_change(0.0), "0");
    }

    #[test]
    fn an_issuer_is_found_by_its_key_or_any_agency_its_titles_name() {
        let reports = [
            report(
                "a",
                "2023.pdf",
                "320813/洪泽区人民政府",
                "洪泽区人民政府",
                2023,
                Some("x"),
            ),
            report(
                "b",
                "2024.pdf",
                "320813/洪泽区人民政府",
                "淮安市洪泽区人民政府",
                2024,
                Some("y"),
            ),
            report("c", "f1.html", "350128/财政局", "财政局", 2022, Some("z")),
            report("d", "f2.html", "620723/财政局", "财政局", 2022, Some("w")),
        ];
        for query in [
            "320813/洪泽区人民政府",
            "洪泽区人民政府",
            "淮安市洪泽区人民政府",
        ] {
            assert_eq!(
                resolve_issuer(&reports, query).unwrap(),
                "320813/洪泽区人民政府"
            );
        }
        match resolve_issuer(&reports, "财政局") {
            Err(DiffError::AmbiguousIssuer { candidates, .. }) => {
                let issuers: Vec<_> = candidates.iter().map(|c| c.issuer.as_str()).collect();
                assert_eq!(issuers, ["350128/财政局", "620723/财政局"]);
            }
            other => panic!("{other:?}"),
        }
        match resolve_issuer(&reports, "洪泽") {
            Err(e @ DiffError::NoIssuer { .. }) => {
                let message = e.to_string();
                assert!(message.contains("320813/洪泽区人民政府 (agency 洪泽区人民政府, 淮安市洪泽区人民政府; 2023, 2024)"), "{message}");
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_year_is_one_report_copies_once_conflicts_refused() {
        let reports = [
            report("p", "b/page.html", "i", "x", 2022, Some("same")),
            report("q", "a/attachment.pdf", "i", "x", 2022, Some("same")),
            report("n", "c/narrative.txt", "i", "x", 2022, None),
            report("r", "2023a.txt", "i", "x", 2023, Some("one")),
            report("s", "2023b.txt", "i", "x", 2023, Some("two")),
        ];
        assert_eq!(year_report(&reports, "i", 2022).unwrap().report_id, "q");
        match year_report(&reports, "i", 2023) {
            Err(DiffError::ConflictingReports { reports, .. }) => assert_eq!(reports.len(), 2),
            other => panic!("{other:?}"),
        }
        match year_report(&reports, "i", 2021) {
            Err(DiffError::NoReport { years, .. }) => assert_eq!(years, [2022, 2023]),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn cells_differ_by_state_too_and_null_is_not_zero() {
        let a = [
            cell("new", "value", Some(10.0)),
            cell("granted", "blank", None),
            cell("other", "value", Some(1.0)),
        ];
        let b = [
            cell("new", "value", Some(12.0)),
            cell("granted", "value", Some(0.0)),
            cell("other.other", "value", Some(1.0)),
        ];
        let d = diff_cells(CellTable::Applications, &a, &b, false);
        let lines: Vec<_> = d
            .iter()
            .map(|c| {
                (
                    c.row.as_str(),
                    c.value_a.as_str(),
                    c.value_b.as_str(),
                    c.change.as_deref(),
                )
            })
            .collect();
        assert_eq!(
            lines,
            [
                ("new", "10", "12", Some("+2")),
                ("granted", "(blank)", "0", None),
                ("other.other", NOT_IN_TEMPLATE, "1", None),
                ("other", "1", NOT_IN_TEMPLATE, None),
            ]
        );
        assert_eq!(diff_cells(CellTable::Applications, &a, &a, false), []);
        assert_eq!(diff_cells(CellTable::Applications, &a, &a, true).len(), 3);
    }

    #[test]
    fn figures_line_up_by_measure() {
        let fig = |measure: &str, value: f64, unit: &str| Figure {
            measure: measure.into(),
            value,
            unit: unit.into(),
        };
        let a = [
            fig("press_conferences", 10.0, "场"),
            fig("active_disclosed", 184.0, "条"),
        ];
        let b = [
            fig("active_disclosed", 184.0, "条"),
            fig("press_conferences", 12.0, "场"),
            fig("processing_fees", 300000.0, "元"),
        ];
        let d = diff_figures(&a, &b, false);
        assert_eq!(
            d,
            [
                FigureChange {
                    measure: "processing_fees".into(),
                    label: "信息处理费".into(),
                    value_a: NOT_STATED.into(),
                    value_b: "300000".into(),
                    change: None,
                    unit: Some("元".into()),
                },
                FigureChange {
                    measure: "press_conferences".into(),
                    label: "新闻发布会".into(),
                    value_a: "10".into(),
                    value_b: "12".into(),
                    change: Some("+2".into()),
                    unit: Some("场".into()),
                },
            ]
        );
        assert_eq!(diff_figures(&a, &b, true).len(), 3);
    }
}
