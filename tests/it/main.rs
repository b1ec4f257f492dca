//! Integration tests: they run the built `xxgk` binary and read the Parquet back.

mod golden;
mod util;
