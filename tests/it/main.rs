//! Integration tests: they run the built `xxgk` binary and read the Parquet back.

mod bad_input;
mod crosscheck;
mod dataset;
#[cfg(feature = "delta")]
mod delta;
mod golden;
mod incremental;
mod pdf_geometry;
mod report;
mod s3;
mod synth;
mod util;
mod word;
