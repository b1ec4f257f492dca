//! The ledger: every input a dataset has ever ingested, keyed by content.
//!
//! Each run appends one `_ledger/part-<run>-<n>.parquet` with an entry per new
//! input (report or reject). The next run reads them all to skip inputs whose
//! content it has seen, to find the report a corrected file supersedes, and to
//! give the checks across reports (`crosscheck`) the facts they compare.

use super::schema::{LedgerEntry, ReportFacts, Table, SCHEMA_VERSION, SCHEMA_VERSION_KEY};
use super::store::Store;
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
use parquet::file::metadata::FileMetaData;
use std::collections::{BTreeMap, HashMap};

/// What the dataset already holds.
#[derive(Debug, Default)]
pub struct Ledger {
    /// Outcome (`report`/`reject`) by content id.
    pub outcome: HashMap<String, &'static str>,
    /// The current (latest) report of every source path.
    current: BTreeMap<String, CurrentReport>,
    /// Entries read.
    pub entries: usize,
}

/// The latest report ingested from one source path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CurrentReport {
    /// Its `report_id`.
    pub content_id: String,
    /// Where it was found.
    pub source_path: String,
    /// Its agency.
    pub agency: Option<String>,
    /// The year it covers.
    pub year: Option<i32>,
    /// What the checks across reports compare.
    pub facts: ReportFacts,
}

impl Ledger {
    /// Record an entry (from disk, or a report of the current run), in the
    /// order the runs ingested them.
    pub fn note(&mut self, entry: &LedgerEntry) {
        self.entries += 1;
        self.outcome.insert(entry.content_id.clone(), entry.outcome);
        if entry.outcome == "report" {
            self.current.insert(
                entry.source_path.clone(),
                CurrentReport {
                    content_id: entry.content_id.clone(),
                    source_path: entry.source_path.clone(),
                    agency: entry.agency.clone(),
                    year: entry.year,
                    facts: entry.facts.clone(),
                },
            );
        }
    }

    /// The report a new report from `source_path` replaces: the latest one
    /// from the same path. (Another file of the same issuer and year is not
    /// an older version — an HTML page and its PDF, or a conflicting report:
    /// the checks across reports say which.)
    pub fn superseded(&self, source_path: &str) -> Option<String> {
        self.current.get(source_path).map(|r| r.content_id.clone())
    }

    /// The current report of every source path, sorted by path.
    pub fn current_reports(&self) -> impl Iterator<Item = &CurrentReport> {
        self.current.values()
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
    /// The dataset was written by a build with another schema version (or by
    /// one before versions were written): this build cannot add to it.
    #[error(
        "the dataset was written with schema version {found} ({key}); this xxgk writes version \
         {SCHEMA_VERSION}. Rebuild it from the inputs with `xxgk ingest <INPUTS> --out <DATASET> \
         --full-refresh` (the old dataset stays readable until the new one is swapped in)"
    )]
    SchemaVersion {
        /// The ledger file that says so.
        key: String,
        /// The version it carries, or `none` (written before versions were).
        found: String,
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
        let builder = ParquetRecordBatchReaderBuilder::try_new(bytes::Bytes::from(bytes))
            .map_err(|e| invalid(e.to_string()))?;
        let found = schema_version(builder.metadata().file_metadata());
        if found.as_deref() != Some(SCHEMA_VERSION.to_string().as_str()) {
            return Err(LedgerError::SchemaVersion {
                key: key.clone(),
                found: found.unwrap_or_else(|| "none".into()),
            });
        }
        let reader = builder.build().map_err(|e| invalid(e.to_string()))?;
        for batch in reader {
            let batch = batch.map_err(|e| invalid(e.to_string()))?;
            for entry in LedgerEntry::from_batch(&batch).map_err(invalid)? {
                ledger.note(&entry);
            }
        }
    }
    Ok(ledger)
}

/// The schema version a Parquet file's key-value metadata names, if any.
pub fn schema_version(metadata: &FileMetaData) -> Option<String> {
    metadata
        .key_value_metadata()?
        .iter()
        .find(|kv| kv.key == SCHEMA_VERSION_KEY)
        .and_then(|kv| kv.value.clone())
}
