//! The `xxgk-analytics` command line: pick a query, run it over a dataset, print the result.

use anyhow::Context;
use clap::{Args, Parser, Subcommand};
use polars::prelude::{DataFrame, LazyFrame, PolarsError};
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;
use xxgk_analytics::dataset::NULL_PARTITION;
use xxgk_analytics::diff::DiffError;
use xxgk_analytics::output::{self, Format};
use xxgk_analytics::{continuity, diff, query, Dataset, DatasetError, Filter, Partition};

/// Analytics over an xxgk dataset (Hive-partitioned Parquet), with polars.
#[derive(Parser, Debug)]
#[command(name = "xxgk-analytics", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

/// Options every subcommand takes.
#[derive(Args, Debug)]
struct Common {
    /// Dataset directory written by `xxgk ingest --out`.
    #[arg(long, value_name = "DIR")]
    dataset: PathBuf,
    /// Print CSV (header line, NULL as an empty field) instead of tables.
    #[arg(long)]
    csv: bool,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Reports per region and year (ok / partial / no_tables / superseded), and rejects per
    /// reason. With --csv the two tables are printed one after the other, an empty line between.
    Summary {
        #[command(flatten)]
        common: Common,
    },
    /// Table B totals by region and year (applicant = total; rows new, granted, partial, total,
    /// carried_forward), with the blank, missing and invalid cells counted apart: never as 0.
    Applications {
        #[command(flatten)]
        common: Common,
        /// Only this region (slug such as `gansu`; `__HIVE_DEFAULT_PARTITION__` for unresolved).
        #[arg(long, value_name = "SLUG")]
        region: Option<String>,
        /// Only this year (`__HIVE_DEFAULT_PARTITION__` for unknown).
        #[arg(long, value_name = "YYYY", value_parser = parse_year)]
        year: Option<Partition<i64>>,
        /// Count every version of a report, not only the latest (superseded ones double-count).
        #[arg(long)]
        all_versions: bool,
    },
    /// Reports that contradict themselves: every error-severity finding (identity break), with
    /// the report's agency and year.
    Breaks {
        #[command(flatten)]
        common: Common,
    },
    /// The latest version of each report (those no other report's `supersedes` names).
    Latest {
        #[command(flatten)]
        common: Common,
    },
    /// Table B across consecutive years, per issuer: year N−1's 结转下年度 (carried_forward)
    /// beside year N's 上年结转 (carried_over), whether they continue, and 本年新收 (new) of
    /// both years with their ratio. Latest versions only, copies once; a year with conflicting
    /// reports is shown but marked `conflict`, not compared (as the pipeline does).
    Continuity {
        #[command(flatten)]
        common: Common,
        /// Only the issuers of this region (slug such as `fujian`; `__HIVE_DEFAULT_PARTITION__`
        /// for unresolved).
        #[arg(long, value_name = "SLUG")]
        region: Option<String>,
    },
    /// Two years of one issuer: every cell of tables A, B and C that differs, then the
    /// figures the text states (新闻发布会 10 → 12 场). Blank and missing cells are shown as
    /// such, never as 0.
    Diff {
        #[command(flatten)]
        common: Common,
        /// The issuer: `_ledger.issuer` (`320813/洪泽区人民政府`) or an agency as a title names
        /// it (`淮安市洪泽区人民政府`).
        #[arg(long, value_name = "X")]
        issuer: String,
        /// The two years to compare, A then B (changes are B − A).
        #[arg(long, num_args = 2, value_names = ["A", "B"], required = true)]
        years: Vec<i64>,
        /// Also list the cells and figures that are the same in both years.
        #[arg(long)]
        all: bool,
    },
}

/// Parses `--year`: an integer, or the NULL partition marker.
fn parse_year(s: &str) -> Result<Partition<i64>, String> {
    if s == NULL_PARTITION {
        return Ok(Partition::Null);
    }
    s.trim()
        .parse::<i64>()
        .map(Partition::Value)
        .map_err(|_| format!("expected a year such as 2019 or {NULL_PARTITION}, got {s:?}"))
}

/// Turns `--region` into a filter value.
fn region_partition(s: String) -> Partition<String> {
    if s == NULL_PARTITION {
        Partition::Null
    } else {
        Partition::Value(s)
    }
}

/// How a failed run ends: unusable arguments (no dataset there, no such issuer or year)
/// exit 2, anything else 1.
fn exit_code(e: &anyhow::Error) -> u8 {
    if let Some(diff) = e.downcast_ref::<DiffError>() {
        return if diff.is_usage() { 2 } else { 1 };
    }
    match e.downcast_ref::<DatasetError>() {
        Some(
            DatasetError::NotFound(_)
            | DatasetError::NotADirectory(_)
            | DatasetError::NotADataset(_),
        ) => 2,
        _ => 1,
    }
}

/// Whether the error is only stdout closing early (`| head`), which is not a failure.
fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|cause| {
        cause
            .downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
            || cause
                .downcast_ref::<PolarsError>()
                .is_some_and(|p| matches!(p, PolarsError::IO { error, .. } if error.kind() == std::io::ErrorKind::BrokenPipe))
    })
}

fn main() -> ExitCode {
    output::configure_table_display();
    let cli = Cli::parse();
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) if is_broken_pipe(&e) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("xxgk-analytics: error: {e:#}");
            ExitCode::from(exit_code(&e))
        }
    }
}

/// Opens the dataset, warning when its last run did not complete.
fn open(common: &Common) -> anyhow::Result<(Dataset, Format)> {
    let ds = Dataset::open(&common.dataset)?;
    if !ds.is_complete() {
        eprintln!(
            "xxgk-analytics: warning: {} has no _SUCCESS marker: the run that wrote it did not \
             complete, so results may be partial",
            ds.root().display()
        );
    }
    let format = if common.csv {
        Format::Csv
    } else {
        Format::Table
    };
    Ok((ds, format))
}

/// Collects a plan, naming the query in the error.
fn collect(plan: LazyFrame, what: &str) -> anyhow::Result<DataFrame> {
    plan.collect()
        .with_context(|| format!("{what} query failed"))
}

fn run(cli: Cli) -> anyhow::Result<()> {
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    match cli.command {
        Command::Summary { common } => {
            let (ds, format) = open(&common)?;
            let mut reports = collect(query::report_counts(&ds)?, "summary (reports)")?;
            let mut rejects = collect(query::reject_counts(&ds)?, "summary (rejects)")?;
            output::write_frame(&mut out, &mut reports, format, "Reports by region and year")?;
            writeln!(out)?;
            output::write_frame(&mut out, &mut rejects, format, "Rejects by reason")?;
        }
        Command::Applications {
            common,
            region,
            year,
            all_versions,
        } => {
            let (ds, format) = open(&common)?;
            let filter = Filter {
                region: region.map(region_partition),
                year,
            };
            let mut df = collect(
                query::applications(&ds, &filter, all_versions)?,
                "applications",
            )?;
            let versions = if all_versions {
                "every version"
            } else {
                "latest versions"
            };
            let title = format!(
                "Table B, applicant = total, by region and year ({versions}); \
                 sum over the cells with a number, blank/missing/invalid cells counted apart"
            );
            output::write_frame(&mut out, &mut df, format, &title)?;
        }
        Command::Breaks { common } => {
            let (ds, format) = open(&common)?;
            let mut df = collect(query::breaks(&ds)?, "breaks")?;
            let reports = df
                .column("report_id")
                .and_then(|c| c.n_unique())
                .context("counting reports")?;
            let title = format!(
                "Identity breaks: {} error finding(s) in {} report(s)",
                df.height(),
                reports
            );
            output::write_frame(&mut out, &mut df, format, &title)?;
        }
        Command::Latest { common } => {
            let (ds, format) = open(&common)?;
            let mut df = collect(query::latest(&ds)?, "latest")?;
            let title = format!("Latest versions: {} report(s)", df.height());
            output::write_frame(&mut out, &mut df, format, &title)?;
        }
        Command::Continuity { common, region } => {
            let (ds, format) = open(&common)?;
            let region = region.map(region_partition);
            let mut df = collect(continuity::continuity(&ds, region.as_ref())?, "continuity")?;
            let title = continuity_title(&df)?;
            output::write_frame(&mut out, &mut df, format, &title)?;
        }
        Command::Diff {
            common,
            issuer,
            years,
            all,
        } => {
            let (ds, format) = open(&common)?;
            let diff = diff::diff(&ds, &issuer, (years[0], years[1]), all)?;
            write_diff(&mut out, &diff, format, all)?;
        }
    }
    out.flush()?;
    Ok(())
}

/// The heading of `continuity`: how many pairs of years, and how many of them break.
fn continuity_title(df: &DataFrame) -> anyhow::Result<String> {
    let status = df.column("continuity")?.str()?;
    let count = |what: &str| {
        (0..status.len())
            .filter(|&i| status.get(i) == Some(what))
            .count()
    };
    Ok(format!(
        "Carry-over across consecutive years (结转下年度 of year_before → 上年结转 of year): \
         {} pair(s); {} continue, {} broken, {} unknown (a missing cell), {} conflict \
         (a year with conflicting reports, not compared)",
        df.height(),
        count(continuity::CONTINUES),
        count(continuity::BROKEN),
        count(continuity::UNKNOWN),
        count(continuity::CONFLICT),
    ))
}

/// Prints a diff: the two reports, the cells, the narrative figures (with `--csv`, three
/// CSV tables, an empty line between).
fn write_diff(
    out: &mut dyn Write,
    diff: &diff::Diff,
    format: Format,
    all: bool,
) -> anyhow::Result<()> {
    let (year_a, year_b) = (
        diff.a.year.unwrap_or_default(),
        diff.b.year.unwrap_or_default(),
    );
    let which = if all { "compared" } else { "that differ" };
    let mut reports = diff.reports_frame()?;
    output::write_frame(
        out,
        &mut reports,
        format,
        &format!("{}: {year_a} (A) → {year_b} (B)", diff.issuer),
    )?;
    writeln!(out)?;
    let mut cells = diff.cells_frame()?;
    let title = format!(
        "Tables A, B, C: {} cell(s) {which}, of {} (change = B − A)",
        diff.cells.len(),
        diff.cells_compared
    );
    output::write_frame(out, &mut cells, format, &title)?;
    writeln!(out)?;
    let mut figures = diff.figures_frame()?;
    let title = format!(
        "Figures the text states: {} measure(s) {which}, of {} stated in either year",
        diff.figures.len(),
        diff.measures_compared
    );
    output::write_frame(out, &mut figures, format, &title)?;
    Ok(())
}
