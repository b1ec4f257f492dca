//! Sink: write reports and rejects as Hive-partitioned Parquet tables.
//!
//! [`schema`] owns every table's columns, [`store`] is the storage interface
//! (a local directory, or an object store through `crate::cloud`), [`writer`]
//! buffers rows per partition, stages part files and commits them at the end
//! of a run; [`commit`], [`lock`] and [`refresh`] are the dataset's protocols,
//! all through [`Store`].

pub mod commit;
#[cfg(feature = "delta")]
pub mod delta;
pub mod ledger;
pub mod lock;
pub mod refresh;
pub mod schema;
pub mod store;
pub mod writer;

pub use store::{FailingStore, LocalStore, Store};
pub use writer::{DatasetWriter, OutputFormat, SinkError, WriterOptions};

#[cfg(test)]
mod tests;
