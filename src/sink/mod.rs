//! Sink: write reports and rejects as Hive-partitioned Parquet tables.
//!
//! [`schema`] owns every table's columns, [`store`] is the storage interface
//! (local directory today, object storage later), [`writer`] buffers rows per
//! partition, stages part files and commits them at the end of a run.

pub mod commit;
pub mod ledger;
pub mod lock;
pub mod refresh;
pub mod schema;
pub mod store;
pub mod writer;

pub use store::{FailingStore, LocalStore, Store};
pub use writer::{DatasetWriter, SinkError, WriterOptions};

#[cfg(test)]
mod tests;
