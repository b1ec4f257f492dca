//! Integration tests: they run the built `xxgk` binary and read the Parquet back.

mod bad_input;
mod dataset;
mod golden;
mod incremental;
mod pdf_geometry;
mod s3;
mod synth;
mod util;
mod word;
