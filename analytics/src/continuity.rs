//! Continuity of table B from one year to the next, per issuer.
//!
//! Each year's 上年结转政府信息公开申请数量 (`carried_over`, 总计) should be the year before's
//! 结转下年度继续办理 (`carried_forward`, 总计): the applications still open at the end of a
//! year are the ones the next year starts with. [`continuity`] puts the two side by side for
//! every issuer and pair of consecutive years, with 本年新收 (`applications_new`) of both
//! years and their ratio.
//!
//! It reads the facts the pipeline's own checks across reports compare (`_ledger`: `issuer`,
//! `cells_digest`, `applications_new`, `carried_over`, `carried_forward`; a blank cell there
//! is already 0, a missing one NULL) and follows the same rules as `src/crosscheck.rs`, so
//! that a pair marked [`BROKEN`] is exactly a `carryover_mismatch` in `cross_findings`:
//!
//! - only the latest version of a file counts (a report another report's `supersedes` names
//!   is left out);
//! - reports without tables (`cells_digest` NULL), without an issuer or without a year are
//!   left out;
//! - files of one issuer and year with the same cells are one report (an HTML page and its
//!   PDF, `same_report_other_file`): the first by `source_path` stands for them;
//! - a year whose files hold different cells (`conflicting_reports`) is not compared with its
//!   neighbours by the pipeline. Here every pairing is still shown, so that one sees which of
//!   the conflicting reports continues, but marked [`CONFLICT`] rather than continuing or
//!   broken;
//! - only consecutive years are paired (2021 with 2022, never 2021 with 2023).

use crate::dataset::{Dataset, DatasetError, Table};
use crate::query::{nulls_last, superseded_ids, Partition};
use polars::prelude::*;

/// `continuity`: the year's 上年结转 is the year before's 结转下年度.
pub const CONTINUES: &str = "continues";
/// `continuity`: they differ (the pipeline's `carryover_mismatch`).
pub const BROKEN: &str = "broken";
/// `continuity`: one of the two is a missing cell (or the table is), so nothing to compare.
pub const UNKNOWN: &str = "unknown";
/// `continuity`: one of the two years has conflicting reports; not compared (the pipeline
/// skips such years, since which report is right is the question the conflict asks).
pub const CONFLICT: &str = "conflict";

/// The output columns of [`continuity`], in order.
pub const COLUMNS: [&str; 15] = [
    "issuer",
    "region",
    "agency",
    "year_before",
    "year",
    "carried_forward_before",
    "carried_over",
    "continuity",
    "new_before",
    "new",
    "new_ratio",
    "report_before",
    "report",
    "source_before",
    "source",
];

/// The latest version of every report the ledger holds, one row per file, with the ledger's
/// columns (`content_id` is the `report_id`). A report that another report's `supersedes`
/// names is an older version of its file and left out; rejects are left out.
pub fn current_reports(ds: &Dataset) -> Result<LazyFrame, DatasetError> {
    let superseded = superseded_ids(ds.scan(Table::Reports)?);
    Ok(ds
        .scan(Table::Ledger)?
        .filter(col("outcome").eq(lit("report")))
        .unique_stable(Some(cols(["content_id"])), UniqueKeepStrategy::Last)
        .join(
            superseded,
            [col("content_id")],
            [col("report_id")],
            JoinArgs::new(JoinType::Anti),
        ))
}

/// One row per issuer, year and distinct set of cells: the reports the year-to-year checks
/// compare, each standing for its copies (the first file by `source_path`), with `versions`,
/// how many distinct reports the issuer has for that year (more than one is a conflict).
fn year_reports(current: LazyFrame) -> LazyFrame {
    let heads = current
        .filter(
            col("issuer")
                .is_not_null()
                .and(col("year").is_not_null())
                .and(col("cells_digest").is_not_null()),
        )
        .sort_by_exprs(
            [col("issuer"), col("year"), col("source_path")],
            nulls_last(3),
        )
        .unique_stable(
            Some(cols(["issuer", "year", "cells_digest"])),
            UniqueKeepStrategy::First,
        );
    let versions = heads
        .clone()
        .group_by([col("issuer"), col("year")])
        .agg([len().cast(DataType::Int64).alias("versions")]);
    heads.join(
        versions,
        [col("issuer"), col("year")],
        [col("issuer"), col("year")],
        JoinArgs::new(JoinType::Left),
    )
}

/// What a year tells the next: keyed by the next year (`year` = this year + 1).
fn as_year_before(reports: LazyFrame) -> LazyFrame {
    reports.select([
        col("issuer"),
        (col("year") + lit(1i64)).alias("year"),
        col("year").alias("year_before"),
        col("carried_forward").alias("carried_forward_before"),
        col("applications_new").alias("new_before"),
        col("versions").alias("versions_before"),
        col("content_id").alias("report_before"),
        col("source_path").alias("source_before"),
    ])
}

/// What a year starts with.
fn as_year(reports: LazyFrame) -> LazyFrame {
    reports.select([
        col("issuer"),
        col("region"),
        col("agency"),
        col("year"),
        col("carried_over"),
        col("applications_new").alias("new"),
        col("versions"),
        col("content_id").alias("report"),
        col("source_path").alias("source"),
    ])
}

/// The `continuity` column: [`CONFLICT`], [`UNKNOWN`], [`CONTINUES`] or [`BROKEN`].
fn continuity_status() -> Expr {
    let forward = col("carried_forward_before");
    let over = col("carried_over");
    when(
        col("versions")
            .gt(lit(1i64))
            .or(col("versions_before").gt(lit(1i64))),
    )
    .then(lit(CONFLICT))
    .when(forward.clone().is_null().or(over.clone().is_null()))
    .then(lit(UNKNOWN))
    .when(forward.eq(over))
    .then(lit(CONTINUES))
    .otherwise(lit(BROKEN))
    .alias("continuity")
}

/// `new / new_before`; NULL when either is NULL or the year before had none (0).
fn new_ratio() -> Expr {
    when(
        col("new_before")
            .gt(lit(0i64))
            .and(col("new").is_not_null()),
    )
    .then(col("new").cast(DataType::Float64) / col("new_before").cast(DataType::Float64))
    .otherwise(lit(NULL).cast(DataType::Float64))
    .alias("new_ratio")
}

/// Consecutive years of every issuer side by side (see the module documentation for which
/// reports count): [`COLUMNS`], sorted by issuer, year, then the two source paths.
/// `region` keeps the issuers of one province-level region (the ledger's `region`; NULL for
/// unresolved).
pub fn continuity(
    ds: &Dataset,
    region: Option<&Partition<String>>,
) -> Result<LazyFrame, DatasetError> {
    let mut current = current_reports(ds)?;
    if let Some(region) = region {
        current = current.filter(region.predicate("region"));
    }
    let years = year_reports(current);
    let order = ["issuer", "year", "source_before", "source"].map(col);
    Ok(as_year(years.clone())
        .join(
            as_year_before(years),
            [col("issuer"), col("year")],
            [col("issuer"), col("year")],
            JoinArgs::new(JoinType::Inner),
        )
        .with_columns([continuity_status(), new_ratio()])
        .sort_by_exprs(order, nulls_last(4))
        .select(COLUMNS.map(col)))
}
