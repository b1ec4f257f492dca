//! `xxgk-analytics`: analytics over a dataset written by `xxgk ingest`, with polars.
//!
//! The dataset is Hive-partitioned Parquet (`<table>/region=<slug>/year=<yyyy>/part-*.parquet`,
//! see `docs/data-dictionary.md` of the main crate). [`Dataset`] opens one and scans its
//! tables lazily with the partition columns typed (`region` string, `year` integer,
//! `__HIVE_DEFAULT_PARTITION__` as NULL); [`query`] holds the plans behind the subcommands,
//! [`continuity`] the year-to-year carry-over per issuer, [`diff`] the two-year diff of one
//! issuer, and [`output`] prints their results as tables or CSV.
//!
//! This crate is a separate member of the repository's workspace and is not built by
//! default: polars carries its own Arrow implementation and a build several times larger than
//! the ETL's, and the ETL's hot path keeps to a single one (arrow-rs). See `README.md`.

pub mod continuity;
pub mod dataset;
pub mod diff;
pub mod output;
pub mod query;

pub use dataset::{Dataset, DatasetError, Table};
pub use query::{Filter, Partition};
