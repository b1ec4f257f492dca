//! # xxgk
//!
//! Batch ETL for China's 政府信息公开工作年度报告 (annual reports on government
//! information disclosure): reports in (text, HTML, DOCX, PDF), analysis-ready
//! Hive-partitioned Parquet out.
//!
//! ```text
//! walk → decode → parse → validate → region → sink → crosscheck
//! ```
//!
//! Each stage is a module; `model` holds the types passed between them and
//! [`run`] is the only module that knows their order; `report` reads a
//! committed dataset back and draws the quality report.
//!
//! ## The API
//!
//! Two entry points, over one code path:
//!
//! - [`run::ingest`]: inputs (files and folders) to a dataset, as `xxgk ingest`
//!   does (incremental, crash-safe; see [`run`]).
//! - [`Parser::parse`] (or [`parse_file`] with the built-in settings): one input's
//!   bytes to the rows it adds to the dataset, as Arrow record batches with each
//!   table's schema ([`arrow_schema()`], [`hive_schema`]), or to its `rejects`
//!   row ([`Rejected`]). It is the step `ingest` runs on every file.
//!
//! ```
//! let bytes = std::fs::read("data/samples/004_49933982007c6c7a.txt")?;
//! match xxgk::parse_file(&bytes, "004_49933982007c6c7a.txt") {
//!     Ok(report) => {
//!         let cells = report.batch(xxgk::Table::Applications);
//!         println!("{} applications cells, region {:?}, year {:?}",
//!                  cells.num_rows(), report.region, report.year);
//!     }
//!     Err(rejected) => println!("not a report: {rejected}"),
//! }
//! # Ok::<(), std::io::Error>(())
//! ```
//!
//! The command line's own dependencies (clap, indicatif, jemalloc) come with the
//! default `cli` feature; `default-features = false` leaves them out.
#![warn(missing_docs)]

// The stages are private: the API is the two entry points and the types they
// speak in, re-exported below. `internal` opens the stages to the workspace's
// own tools without making them part of the API.
mod cloud;
mod config;
mod crosscheck;
mod decode;
mod file;
mod model;
mod parse;
mod progress;
mod region;
pub mod report;
pub mod run;
mod sink;
mod validate;
mod walk;

pub use config::Config;
pub use file::{
    arrow_schema, content_id, cross_findings, explain_region, hive_schema, parse_file, Parser,
    ParserError, Rejected, ReportBatches, DEFAULT_RUN_ID, REPORT_TABLES,
};
pub use model::RejectReason;
pub use sink::OutputFormat;
pub use xxgk_schema::{Table, SCHEMA_VERSION};

/// The stages' entry points for the workspace's own tools — the fuzz targets,
/// the corpus generator (`synth/`), tests and examples. Not part of the API:
/// these change whenever the pipeline does.
#[doc(hidden)]
pub mod internal {
    pub use crate::decode::{
        decode, decode_nearly_utf8, decode_text, geometry_blocks, text_to_lines, PdfOptions,
    };
    pub use crate::model::{Block, Cell, Document, SourceFormat};
    pub use crate::parse::meta::read_meta;
    pub use crate::parse::number::{parse_number, NumberCell, Unit};
    pub use crate::parse::parse;
    pub use crate::parse::segment::{readings, solve, Identity, RowReading, RunRow};
    pub use crate::region::tables::province_slug;
    pub use crate::sink::schema::{TableBuffer, Value};
    pub use crate::validate::validate;

    // The object-store and Delta tests (tests/it/s3.rs, delta.rs) drive the store directly.
    pub use crate::cloud::{ObjectLocation, ObjectStoreStore};
    pub use crate::sink::Store;
}
