//! Printing query results: polars' table display, or CSV.

use polars::prelude::*;
use std::io::{IsTerminal, Write};

/// How results are printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// A boxed table for people (polars' `Display`), every row and column shown.
    Table,
    /// CSV with a header line; NULL is an empty field.
    Csv,
}

/// Makes polars' table display show whole results: every row, every column, strings up to
/// 200 characters (a `report_id` or `source_path` is not cut), and, when stdout is not a
/// terminal, rows of any width instead of polars' 100-character wrap (on a terminal the table
/// fits its width). Settings already present in the environment (`POLARS_FMT_*`,
/// `POLARS_TABLE_WIDTH`) are kept.
///
/// Call it at start-up, before any other thread exists.
pub fn configure_table_display() {
    let width = if std::io::stdout().is_terminal() {
        None
    } else {
        Some("-1")
    };
    let settings = [
        ("POLARS_FMT_MAX_ROWS", Some("-1")),
        ("POLARS_FMT_MAX_COLS", Some("-1")),
        ("POLARS_FMT_STR_LEN", Some("200")),
        ("POLARS_TABLE_WIDTH", width),
    ];
    for (key, value) in settings {
        let Some(value) = value else { continue };
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
