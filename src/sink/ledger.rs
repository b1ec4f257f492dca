//! The ledger: every input a dataset has ever ingested, keyed by content.
//!
//! Each run appends one `_ledger/part-<run>-<n>.parquet` with an entry per new
//! input (report or reject). The next run reads them all to skip inputs whose
//! content it has seen, and to find the report a corrected file supersedes.

use super::schema::{LedgerEntry, Table};
use super::store::Store;
use arrow_array::{Array, Int64Array, StringArray};
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
use std::collections::HashMap;

/// What the dataset already holds.
#[derive(Debug, Default)]
pub struct Ledger {
    /// Outcome (`report`/`reject`) by content id.
    pub outcome: HashMap<String, &'static str>,
    /// Latest report id by source path.
    pub latest_by_path: HashMap<String, String>,
    /// Latest report id by (agency, year).
    pub latest_by_agency_year: HashMap<(String, i32), String>,
    /// Entries read.
    pub entries: usize,
}

impl Ledger {
    /// Record an entry (from disk, or a report of the current run).
    pub fn note(&mut self, entry: &LedgerEntry) {
        self.entries += 1;
        self.outcome.insert(entry.content_id.clone(), entry.outcome);
        if entry.outcome == "report" {
            self.latest_by_path
                .insert(entry.source_path.clone(), entry.content_id.clone());
            if let (Some(agency), Some(year)) = (&entry.agency, entry.year) {
                self.latest_by_agency_year
                    .insert((agency.clone(), year), entry.content_id.clone());
            }
        }
    }

    /// The report a new report replaces: the latest one from the same path,
    /// else the latest with the same agency and year.
    pub fn superseded(
        &self,
        source_path: &str,
        agency: Option<&str>,
        year: Option<i32>,
    ) -> Option<String> {
        self.latest_by_path.get(source_path).cloned().or_else(|| {
            let key = (agency?.to_string(), year?);
            self.latest_by_agency_year.get(&key).cloned()
        })
    }
}

/// Why the ledger could not be read.
#[derive(Debug, thiserror::Error)]
pub enum LedgerError {
    /// Listing or reading a ledger file failed.
    #[error("ledger {key}: {source}")]
    Io {
        /// The file.
        key: String,
        /// The error.
        source: std::io::Error,
    },
    /// A ledger file is not valid Parquet of the ledger schema.
    #[error("ledger {key} is unreadable: {message}")]
    Invalid {
        /// The file.
        key: String,
        /// What is wrong.
        message: String,
    },
}

/// Read every ledger file, in run order.
pub fn read_ledger(store: &dyn Store) -> Result<Ledger, LedgerError> {
    let prefix = Table::Ledger.name();
    let keys = store.list(prefix).map_err(|source| LedgerError::Io {
        key: prefix.into(),
        source,
    })?;
    let mut ledger = Ledger::default();
    for key in keys.iter().filter(|k| k.ends_with(".parquet")) {
        let bytes = store
            .get(key)
            .map_err(|source| LedgerError::Io {
                key: key.clone(),
                source,
            })?
            .unwrap_or_default();
        let invalid = |message: String| LedgerError::Invalid {
            key: key.clone(),
            message,
        };
        let reader = ParquetRecordBatchReaderBuilder::try_new(bytes::Bytes::from(bytes))
            .and_then(|b| b.build())
            .map_err(|e| invalid(e.to_string()))?;
        for batch in reader {
            let batch = batch.map_err(|e| invalid(e.to_string()))?;
            let col = |name: &str| {
                batch
                    .column_by_name(name)
                    .ok_or_else(|| invalid(format!("no column {name}")))
            };
            let strings = |name: &str| -> Result<StringArray, LedgerError> {
                col(name)?
                    .as_any()
                    .downcast_ref::<StringArray>()
                    .cloned()
                    .ok_or_else(|| invalid(format!("{name} is not a string")))
            };
            let ints = |name: &str| -> Result<Int64Array, LedgerError> {
                col(name)?
                    .as_any()
                    .downcast_ref::<Int64Array>()
                    .cloned()
                    .ok_or_else(|| invalid(format!("{name} is not an integer")))
            };
            let (ids, paths, bytes, outcomes, reasons, agencies, years, runs) = (
                strings("content_id")?,
                strings("source_path")?,
                ints("bytes")?,
                strings("outcome")?,
                strings("reason")?,
                strings("agency")?,
                ints("year")?,
                strings("run_id")?,
            );
            for i in 0..batch.num_rows() {
                let opt = |a: &StringArray| (!a.is_null(i)).then(|| a.value(i).to_string());
                ledger.note(&LedgerEntry {
                    content_id: ids.value(i).to_string(),
                    source_path: paths.value(i).to_string(),
                    bytes: bytes.value(i).max(0) as u64,
                    outcome: if outcomes.value(i) == "report" {
                        "report"
                    } else {
                        "reject"
                    },
                    reason: opt(&reasons),
                    agency: opt(&agencies),
                    year: (!years.is_null(i)).then(|| years.value(i) as i32),
                    run_id: runs.value(i).to_string(),
                });
            }
        }
    }
    Ok(ledger)
}
