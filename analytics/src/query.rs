//! The queries behind the subcommands, as lazy polars plans over a [`Dataset`].
//!
//! Each function returns a [`LazyFrame`]; nothing is read until it is collected, and filters
//! on `region` and `year` prune partitions before any file is opened.

use crate::dataset::{Dataset, DatasetError, Table};
use polars::prelude::*;

/// The rows of table B that [`applications`] totals, in the order they are printed.
pub const APPLICATION_ROWS: [&str; 5] = ["new", "granted", "partial", "total", "carried_forward"];

/// A filter on a partition column: a value, or NULL (`__HIVE_DEFAULT_PARTITION__` on disk).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Partition<T> {
    /// Rows whose partition value equals this one.
    Value(T),
    /// Rows whose partition value is NULL (unresolved).
    Null,
}

impl<T: Literal + Clone> Partition<T> {
    /// The predicate selecting this partition in column `name`.
    pub(crate) fn predicate(&self, name: &str) -> Expr {
        match self {
            Partition::Value(v) => col(name).eq(lit(v.clone())),
            Partition::Null => col(name).is_null(),
        }
    }
}

/// Restricts a query to one region and/or one year.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Filter {
    /// The region slug (`gansu`, …), or NULL.
    pub region: Option<Partition<String>>,
    /// The year, or NULL.
    pub year: Option<Partition<i64>>,
}

impl Filter {
    /// Applies the filter to a frame with `region` and `year` columns.
    fn apply(&self, lf: LazyFrame) -> LazyFrame {
        let mut lf = lf;
        if let Some(region) = &self.region {
            lf = lf.filter(region.predicate("region"));
        }
        if let Some(year) = &self.year {
            lf = lf.filter(year.predicate("year"));
        }
        lf
    }
}

/// Sort options for `region, year, …` keys: ascending, NULLs (unresolved) last.
pub(crate) fn nulls_last(keys: usize) -> SortMultipleOptions {
    SortMultipleOptions::default()
        .with_nulls_last(true)
        .with_maintain_order(true)
        .with_order_descending_multi(vec![false; keys])
}

/// A count of the rows of a group where `predicate` holds, as `Int64`.
fn count_where(predicate: Expr, name: &str) -> Expr {
    predicate.cast(DataType::Int64).sum().alias(name)
}

/// Reports per region and year: `reports`, and how many are `ok`, `partial` and `no_tables`,
/// and how many of them a later version supersedes (`superseded`).
pub fn report_counts(ds: &Dataset) -> Result<LazyFrame, DatasetError> {
    let reports = ds.scan(Table::Reports)?;
    let superseded = superseded_ids(reports.clone()).with_column(lit(true).alias("superseded"));
    Ok(reports
        .select([col("report_id"), col("region"), col("year"), col("status")])
        .join(
            superseded,
            [col("report_id")],
            [col("report_id")],
            JoinArgs::new(JoinType::Left),
        )
        .group_by([col("region"), col("year")])
        .agg([
            len().cast(DataType::Int64).alias("reports"),
            count_where(col("status").eq(lit("ok")), "ok"),
            count_where(col("status").eq(lit("partial")), "partial"),
            count_where(col("status").eq(lit("no_tables")), "no_tables"),
            count_where(col("superseded").fill_null(lit(false)), "superseded"),
        ])
        .sort_by_exprs([col("region"), col("year")], nulls_last(2)))
}

/// Rejected inputs per reason, most frequent first.
pub fn reject_counts(ds: &Dataset) -> Result<LazyFrame, DatasetError> {
    Ok(ds
        .scan(Table::Rejects)?
        .group_by([col("reason")])
        .agg([len().cast(DataType::Int64).alias("rejects")])
        .sort_by_exprs(
            [col("rejects"), col("reason")],
            SortMultipleOptions::default().with_order_descending_multi([true, false]),
        ))
}

/// The `report_id`s that another report's `supersedes` names (one column, `report_id`).
pub(crate) fn superseded_ids(reports: LazyFrame) -> LazyFrame {
    reports
        .filter(
            col("supersedes")
                .is_not_null()
                .and(col("supersedes").neq(col("report_id"))),
        )
        .select([col("supersedes").alias("report_id")])
        .unique(None, UniqueKeepStrategy::Any)
}

/// All rows of `reports` that no other report supersedes.
fn latest_reports(reports: LazyFrame) -> LazyFrame {
    let superseded = superseded_ids(reports.clone());
    reports.join(
        superseded,
        [col("report_id")],
        [col("report_id")],
        JoinArgs::new(JoinType::Anti),
    )
}

/// The latest version of each report: the reports whose `report_id` no other report's
/// `supersedes` names, by region, year and agency.
pub fn latest(ds: &Dataset) -> Result<LazyFrame, DatasetError> {
    Ok(latest_reports(ds.scan(Table::Reports)?)
        .select([
            col("region"),
            col("year"),
            col("agency"),
            col("status"),
            col("report_id"),
            col("supersedes"),
            col("source_path"),
            col("run_id"),
        ])
        .sort_by_exprs(
            [col("region"), col("year"), col("agency"), col("report_id")],
            nulls_last(4),
        ))
}

/// Table B totals by region and year: for each of [`APPLICATION_ROWS`], the `total`
/// applicant column summed over the reports.
///
/// NULL is never counted as 0: `sum` adds the cells that hold a number (`values` of them) and
/// is NULL when none does, and the cells without a number are counted apart as `blank`,
/// `missing` and `invalid` (the `cell` column), so a sum over incomplete reports is visibly
/// incomplete. Only the latest version of each report counts unless `all_versions`.
pub fn applications(
    ds: &Dataset,
    filter: &Filter,
    all_versions: bool,
) -> Result<LazyFrame, DatasetError> {
    let rows = Series::new("rows".into(), APPLICATION_ROWS);
    let mut cells = filter.apply(ds.scan(Table::Applications)?).filter(
        col("applicant")
            .eq(lit("total"))
            .and(col("row").is_in(lit(rows).implode(false), false)),
    );
    if !all_versions {
        let latest_ids =
            latest_reports(filter.apply(ds.scan(Table::Reports)?)).select([col("report_id")]);
        cells = cells.join(
            latest_ids,
            [col("report_id")],
            [col("report_id")],
            JoinArgs::new(JoinType::Semi),
        );
    }
    // The rows in table order rather than alphabetically.
    let order = APPLICATION_ROWS.iter().enumerate().rev().fold(
        lit(NULL).cast(DataType::Int32),
        |otherwise, (i, row)| {
            when(col("row").eq(lit(*row)))
                .then(lit(i as i32))
                .otherwise(otherwise)
        },
    );
    Ok(cells
        .group_by([col("region"), col("year"), col("row")])
        .agg([
            col("report_id")
                .n_unique()
                .cast(DataType::Int64)
                .alias("reports"),
            when(col("count").count().gt(lit(0)))
                .then(col("count").sum())
                .otherwise(lit(NULL).cast(DataType::Int64))
                .alias("sum"),
            col("count").count().cast(DataType::Int64).alias("values"),
            count_where(col("cell").eq(lit("blank")), "blank"),
            count_where(col("cell").eq(lit("missing")), "missing"),
            count_where(col("cell").eq(lit("invalid")), "invalid"),
        ])
        .with_column(order.alias("row_order"))
        .sort_by_exprs(
            [col("region"), col("year"), col("row_order")],
            nulls_last(3),
        )
        .select([
            col("region"),
            col("year"),
            col("row"),
            col("reports"),
            col("sum"),
            col("values"),
            col("blank"),
            col("missing"),
            col("invalid"),
        ]))
}

/// Identity breaks: every error-severity finding, with the report's agency and year.
pub fn breaks(ds: &Dataset) -> Result<LazyFrame, DatasetError> {
    let agencies = ds
        .scan(Table::Reports)?
        .select([col("report_id"), col("agency")])
        .unique(Some(cols(["report_id"])), UniqueKeepStrategy::First);
    Ok(ds
        .scan(Table::Findings)?
        .filter(col("severity").eq(lit("error")))
        .join(
            agencies,
            [col("report_id")],
            [col("report_id")],
            JoinArgs::new(JoinType::Left),
        )
        .select([
            col("region"),
            col("year"),
            col("agency"),
            col("rule"),
            col("subject"),
            col("expected"),
            col("actual"),
            col("report_id"),
        ])
        .sort_by_exprs(
            [
                col("region"),
                col("year"),
                col("agency"),
                col("report_id"),
                col("rule"),
                col("subject"),
            ],
            nulls_last(6),
        ))
}
