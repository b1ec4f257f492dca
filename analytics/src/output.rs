//! Printing query results: polars' table display, or CSV.

use polars::prelude::*;
use std::io::Write;

/// How results are printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// A boxed table for people (polars' `Display`), every row and column shown.
    Table,
    /// CSV with a header line; NULL is an empty field.
    Csv,
}

/// Makes polars' table display show whole results: every row, every column, strings up to
/// 200 characters (a `report_id` or `source_path` is not cut). Settings already present in
/// the environment (`POLARS_FMT_*`) are kept.
///
/// Call it at start-up, before any other thread exists.
pub fn configure_table_display() {
    for (key, value) in [
        ("POLARS_FMT_MAX_ROWS", "-1"),
        ("POLARS_FMT_MAX_COLS", "-1"),
        ("POLARS_FMT_STR_LEN", "200"),
    ] {
        if std::env::var_os(key).is_none() {
            std::env::set_var(key, value);
        }
    }
}

/// Writes `df` to `out` in `format`, with `title` as a heading line for tables (CSV has no
/// heading so that it stays machine-readable).
pub fn write_frame(
    out: &mut dyn Write,
    df: &mut DataFrame,
    format: Format,
    title: &str,
) -> anyhow::Result<()> {
    match format {
        Format::Table => {
            writeln!(out, "{title}")?;
            writeln!(out, "{df}")?;
        }
        Format::Csv => {
            CsvWriter::new(&mut *out).include_header(true).finish(df)?;
        }
    }
    Ok(())
}
