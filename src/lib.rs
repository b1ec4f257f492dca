//! # xxgk
//!
//! Batch ETL for China's 政府信息公开工作年度报告 (annual reports on government
//! information disclosure): reports in (text, HTML, DOCX, PDF), analysis-ready
//! Hive-partitioned Parquet out.
//!
//! ```text
//! walk → decode → parse → validate → region → sink
//! ```
//!
//! Each stage is a module; [`model`] holds the types passed between them and
//! [`run`] is the only module that knows their order.
#![warn(missing_docs)]

pub mod config;
pub mod decode;
mod file;
pub mod model;
pub mod parse;
pub mod progress;
pub mod region;
pub mod run;
pub mod sink;
pub mod validate;
pub mod walk;

pub use config::Config;
pub use file::{
    arrow_schema, content_id, hive_schema, parse_file, Parser, ParserError, Rejected,
    ReportBatches, DEFAULT_RUN_ID, REPORT_TABLES,
};
pub use model::RejectReason;
pub use xxgk_schema::{Table, SCHEMA_VERSION};
