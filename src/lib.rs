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
//! Each stage is a module; [`model`] holds the types passed between them and
//! [`run`] is the only module that knows their order. [`report`] reads a
//! committed dataset back and draws the quality report.
#![warn(missing_docs)]

pub mod cloud;
pub mod config;
pub mod crosscheck;
pub mod decode;
pub mod model;
pub mod parse;
pub mod progress;
pub mod region;
pub mod report;
pub mod run;
pub mod sink;
pub mod validate;
pub mod walk;
