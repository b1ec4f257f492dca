//! The partitioned Parquet writer: rows in, part files out, committed at the end.
//!
//! Rows are buffered per (table, region, year) partition as Arrow builders. A
//! partition is written as a part file when it reaches `max_rows_per_file`,
//! and the biggest idle partitions (rows × row batches since they last grew)
//! are written early when all buffers together
//! exceed `max_buffered_rows`, so memory stays bounded whatever the corpus size.
//! Both decisions depend only on the rows in input order, so the same inputs
//! give the same files.
//!
//! Part files are staged flat under `_staging/<run_id>/` and only moved into the
//! table folders by [`DatasetWriter::commit`] (the two-phase pattern of
//! Hadoop's FileOutputCommitter): a run that fails before the commit leaves
//! nothing visible.

use super::commit::{self, CommitStep, DeltaCommit, Manifest, STAGING};
use super::schema::{
    self, LedgerEntry, Table, TableBuffer, Value, NULL_PARTITION, PARTITION_REGION, PARTITION_YEAR,
    SCHEMA_VERSION, SCHEMA_VERSION_KEY,
};
use super::store::Store;
use crate::model::{CrossFinding, Reject, Report};
use parquet::arrow::ArrowWriter;
use parquet::basic::{Compression, ZstdLevel};
use parquet::file::metadata::KeyValue;
use parquet::file::properties::{EnabledStatistics, WriterProperties};
use std::collections::BTreeMap;

/// Why writing the dataset failed.
#[derive(Debug, thiserror::Error)]
pub enum SinkError {
    /// A storage operation failed.
    #[error("cannot {op} {key}: {source}")]
    Io {
        /// What was being done.
        op: &'static str,
        /// The key (path relative to the dataset).
        key: String,
        /// The underlying error.
        source: std::io::Error,
    },
    /// Encoding Parquet failed.
    #[error("parquet: {0}")]
    Parquet(#[from] parquet::errors::ParquetError),
    /// Building an Arrow batch failed.
    #[error("arrow: {0}")]
    Arrow(#[from] arrow_schema::ArrowError),
}

/// How the tables are written.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OutputFormat {
    /// Hive-partitioned Parquet part files (the default).
    #[default]
    Parquet,
    /// The same part files, each table a Delta Lake table (`_delta_log/`),
    /// one Delta transaction per table and run (feature `delta`).
    Delta,
}

impl OutputFormat {
    /// Parse `parquet` or `delta`.
    pub fn parse(name: &str) -> Option<Self> {
        match name {
            "parquet" => Some(OutputFormat::Parquet),
            "delta" => Some(OutputFormat::Delta),
            _ => None,
        }
    }

    /// Whether this build can write the format (Delta needs the `delta` feature).
    pub fn available(self) -> bool {
        self == OutputFormat::Parquet || cfg!(feature = "delta")
    }
}

/// Sizes that shape the output files.
#[derive(Debug, Clone)]
pub struct WriterOptions {
    /// A partition's buffer is written as a part file at this many rows.
    pub max_rows_per_file: usize,
    /// All buffers together may hold this many rows before the biggest idle ones are written.
    pub max_buffered_rows: usize,
    /// Rows per Parquet row group.
    pub row_group_rows: usize,
    /// zstd level.
    pub zstd_level: i32,
}

impl Default for WriterOptions {
    fn default() -> Self {
        WriterOptions {
            max_rows_per_file: 1_000_000,
            max_buffered_rows: 500_000,
            row_group_rows: 1_000_000,
            zstd_level: 3,
        }
    }
}

/// Where a row goes: a table and, for partitioned tables, region and year.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct PartitionKey {
    /// The table.
    pub table: Table,
    /// Region slug (None → NULL partition).
    pub region: Option<String>,
    /// Year covered (None → NULL partition).
    pub year: Option<i32>,
}

impl PartitionKey {
    /// The partition's folder relative to the dataset root.
    pub fn dir(&self) -> String {
        if !self.table.partitioned() {
            return self.table.name().to_string();
        }
        let region = self
            .region
            .as_deref()
            .filter(|r| is_safe_slug(r))
            .unwrap_or(NULL_PARTITION);
        let year = self
            .year
            .map(|y| y.to_string())
            .unwrap_or_else(|| NULL_PARTITION.to_string());
        format!(
            "{}/{PARTITION_REGION}={region}/{PARTITION_YEAR}={year}",
            self.table.name()
        )
    }
}

/// Partition values come from codes, but never let one escape its folder.
pub(crate) fn is_safe_slug(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 32
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
}

/// One part file, numbered, before encoding.
struct Part {
    batch: arrow_array::RecordBatch,
    staged_key: String,
    final_key: String,
}

/// Encode a batch as a Parquet file in memory.
fn encode(
    batch: &arrow_array::RecordBatch,
    properties: &WriterProperties,
) -> Result<Vec<u8>, SinkError> {
    let mut bytes = Vec::new();
    let mut writer = ArrowWriter::try_new(&mut bytes, batch.schema(), Some(properties.clone()))?;
    writer.write(batch)?;
    writer.close()?;
    Ok(bytes)
}

/// Write an encoded part file to its staging key.
fn put_staged(store: &dyn Store, part: &Part, bytes: &[u8]) -> Result<(), SinkError> {
    store
        .put_staged(&part.staged_key, bytes)
        .map_err(|source| SinkError::Io {
            op: "write",
            key: part.staged_key.clone(),
            source,
        })
}

/// The partition buffers of one report's region and year, for [`schema::append_report`].
struct PartitionBuffers<'b> {
    buffers: &'b mut BTreeMap<PartitionKey, TableBuffer>,
    region: Option<&'b str>,
    year: Option<i32>,
    /// Partitions used, with the rows they held when first used.
    touched: Vec<(PartitionKey, usize)>,
}

impl PartitionBuffers<'_> {
    /// The partitions touched and how many rows each gained.
    fn finish(self) -> Vec<(PartitionKey, usize)> {
        self.touched
            .into_iter()
            .map(|(key, before)| {
                let after = self.buffers.get(&key).map_or(before, |b| b.len());
                (key, after - before)
            })
            .collect()
    }
}

impl schema::ReportBuffers for PartitionBuffers<'_> {
    fn buffer(&mut self, table: Table) -> &mut TableBuffer {
        let key = PartitionKey {
            table,
            region: self.region.map(str::to_string),
            year: self.year,
        };
        let buffer = self
            .buffers
            .entry(key.clone())
            .or_insert_with(|| TableBuffer::new(table));
        self.touched.push((key, buffer.len()));
        buffer
    }
}

/// Counts of what a run wrote.
#[derive(Debug, Default, Clone)]
pub struct WriteStats {
    /// Rows per table name.
    pub rows: BTreeMap<&'static str, u64>,
    /// Part files written.
    pub files: u64,
    /// Bytes of Parquet written.
    pub bytes: u64,
}

/// Writes one run's rows as staged part files, then commits them.
pub struct DatasetWriter<'s> {
    store: &'s dyn Store,
    run_id: String,
    options: WriterOptions,
    properties: WriterProperties,
    buffers: BTreeMap<PartitionKey, TableBuffer>,
    /// Per partition, the number of the last row batch (report, reject,
    /// ledger entry) that added to it: how long it has been idle.
    last_added: BTreeMap<PartitionKey, u64>,
    /// Row batches added so far.
    batches: u64,
    next_file: BTreeMap<PartitionKey, u32>,
    /// Part files taken out of the buffers so far (names staged files).
    parts_taken: u32,
    buffered_rows: usize,
    staged: Vec<(String, String)>,
    /// The size of each staged file, in `staged` order.
    sizes: Vec<u64>,
    format: OutputFormat,
    /// Files of earlier runs this run's commit deletes.
    deletes: Vec<String>,
    stats: WriteStats,
}

impl<'s> DatasetWriter<'s> {
    /// A writer for run `run_id` (e.g. `run-00001`) into `store`.
    pub fn new(
        store: &'s dyn Store,
        run_id: &str,
        options: WriterOptions,
    ) -> Result<Self, SinkError> {
        let level = ZstdLevel::try_new(options.zstd_level)?;
        let properties = WriterProperties::builder()
            .set_compression(Compression::ZSTD(level))
            .set_statistics_enabled(EnabledStatistics::Page)
            .set_max_row_group_row_count(Some(options.row_group_rows.max(1)))
            .set_created_by(format!("xxgk {}", env!("CARGO_PKG_VERSION")))
            // Every file says which layout wrote it (readers: DuckDB's
            // parquet_kv_metadata, pyarrow's schema.metadata); a run checks it.
            .set_key_value_metadata(Some(vec![KeyValue::new(
                SCHEMA_VERSION_KEY.to_string(),
                SCHEMA_VERSION.to_string(),
            )]))
            .build();
        Ok(DatasetWriter {
            store,
            run_id: run_id.to_string(),
            options,
            properties,
            buffers: BTreeMap::new(),
            last_added: BTreeMap::new(),
            batches: 0,
            next_file: BTreeMap::new(),
            parts_taken: 0,
            buffered_rows: 0,
            staged: Vec::new(),
            sizes: Vec::new(),
            format: OutputFormat::default(),
            deletes: Vec::new(),
            stats: WriteStats::default(),
        })
    }

    /// Write the tables as `format` (Hive-style Parquet by default).
    pub fn set_format(&mut self, format: OutputFormat) {
        self.format = format;
    }

    fn staging_prefix(&self) -> String {
        format!("{STAGING}/{}", self.run_id)
    }

    /// The run this writer writes.
    pub fn run_id(&self) -> &str {
        &self.run_id
    }

    /// Add every row of a report.
    pub fn add_report(&mut self, report: &Report) -> Result<(), SinkError> {
        let mut out = PartitionBuffers {
            buffers: &mut self.buffers,
            region: report.region.slug.as_deref(),
            year: report.parsed.year,
            touched: Vec::new(),
        };
        schema::append_report(report, &self.run_id, &mut out);
        let touched = out.finish();
        for (key, added) in &touched {
            self.buffered_rows += added;
            *self.stats.rows.entry(key.table.name()).or_default() += *added as u64;
        }
        let keys: Vec<PartitionKey> = touched.into_iter().map(|(k, _)| k).collect();
        self.after_append(&keys)
    }

    /// Add a reject row.
    pub fn add_reject(&mut self, reject: &Reject) -> Result<(), SinkError> {
        let key = PartitionKey {
            table: Table::Rejects,
            region: None,
            year: None,
        };
        let run_id = self.run_id.clone();
        schema::append_reject(reject, &run_id, |_, values| self.append(&key, values));
        self.after_append(&[key])
    }

    /// Replace the dataset's findings across reports with `findings`: they
    /// are written as this run's part, and the earlier runs' parts are
    /// deleted by the same commit (see [`Manifest::deletes`]).
    pub fn replace_cross_findings(&mut self, findings: &[CrossFinding]) -> Result<(), SinkError> {
        let prefix = Table::CrossFindings.name();
        self.deletes = self
            .store
            .list(prefix)
            .map_err(|source| SinkError::Io {
                op: "list",
                key: prefix.to_string(),
                source,
            })?
            .into_iter()
            .filter(|k| k.ends_with(".parquet"))
            .collect();
        let key = PartitionKey {
            table: Table::CrossFindings,
            region: None,
            year: None,
        };
        for f in findings {
            schema::append_cross_finding(f, |_, values| self.append(&key, values));
        }
        *self.stats.rows.entry(prefix).or_default() += findings.len() as u64;
        self.after_append(&[key])
    }

    /// Add a ledger entry (one per new input of the run).
    pub fn add_ledger(&mut self, entry: &LedgerEntry) -> Result<(), SinkError> {
        let key = PartitionKey {
            table: Table::Ledger,
            region: None,
            year: None,
        };
        schema::append_ledger(entry, |_, values| self.append(&key, values));
        self.after_append(&[key])
    }

    fn append(&mut self, key: &PartitionKey, values: &[Value<'_>]) {
        if !self.buffers.contains_key(key) {
            self.buffers
                .insert(key.clone(), TableBuffer::new(key.table));
        }
        if let Some(buffer) = self.buffers.get_mut(key) {
            buffer.append(values);
        }
        self.buffered_rows += 1;
        *self.stats.rows.entry(key.table.name()).or_default() += 1;
    }

    fn after_append(&mut self, touched: &[PartitionKey]) -> Result<(), SinkError> {
        self.batches += 1;
        for key in touched {
            match self.last_added.get_mut(key) {
                Some(last) => *last = self.batches,
                None => {
                    self.last_added.insert(key.clone(), self.batches);
                }
            }
        }
        for key in touched {
            if self
                .buffers
                .get(key)
                .is_some_and(|b| b.len() >= self.options.max_rows_per_file)
            {
                self.flush(key)?;
            }
        }
        while self.buffered_rows > self.options.max_buffered_rows {
            // The partition with the most rows × batches since it last grew:
            // big and idle. Inputs usually come grouped by region and year (a
            // crawl's folders), so a partition that stopped growing is
            // complete and goes out as one file, while the partitions being
            // filled keep growing; when all are equally fresh it is the
            // largest. Ties broken by key order, so the choice is deterministic.
            let score = |key: &PartitionKey, rows: usize| {
                let idle = self.batches - self.last_added.get(key).copied().unwrap_or(0);
                (rows as u128) * u128::from(idle.max(1))
            };
            let Some(spill) = self
                .buffers
                .iter()
                .filter(|(_, b)| !b.is_empty())
                .max_by(|a, b| {
                    score(a.0, a.1.len())
                        .cmp(&score(b.0, b.1.len()))
                        .then(b.0.cmp(a.0))
                })
                .map(|(k, _)| k.clone())
            else {
                break;
            };
            self.flush(&spill)?;
        }
        Ok(())
    }

    /// Write one partition's buffered rows as a staged part file.
    fn flush(&mut self, key: &PartitionKey) -> Result<(), SinkError> {
        if let Some(part) = self.take_part(key)? {
            let bytes = encode(&part.batch, &self.properties)?;
            self.stage(part, bytes)?;
        }
        Ok(())
    }

    /// Take a partition's buffered rows as a batch with its part file's keys
    /// (numbered here, in key order, so names never depend on thread timing).
    fn take_part(&mut self, key: &PartitionKey) -> Result<Option<Part>, SinkError> {
        let Some(buffer) = self.buffers.get_mut(key) else {
            return Ok(None);
        };
        if buffer.is_empty() {
            return Ok(None);
        }
        self.buffered_rows -= buffer.len();
        let batch = buffer.finish()?;
        let file_no = self.next_file.entry(key.clone()).or_insert(0);
        let name = format!("part-{}-{:05}.parquet", self.run_id, *file_no);
        *file_no += 1;
        let final_key = format!("{}/{}", key.dir(), name);
        // Flat in one staging folder: staging creates no partition folders
        // (the manifest maps each staged file to its final key).
        let staged_key = format!("{}/{:06}.parquet", self.staging_prefix(), self.parts_taken);
        self.parts_taken += 1;
        Ok(Some(Part {
            batch,
            staged_key,
            final_key,
        }))
    }

    /// Write an encoded part file to staging (durable only after [`Store::sync`]).
    fn stage(&mut self, part: Part, bytes: Vec<u8>) -> Result<(), SinkError> {
        put_staged(self.store, &part, &bytes)?;
        self.staged_file(part, bytes.len());
        Ok(())
    }

    /// Record a part file written to staging.
    fn staged_file(&mut self, part: Part, bytes: usize) {
        self.stats.files += 1;
        self.stats.bytes += bytes as u64;
        self.staged.push((part.staged_key, part.final_key));
        self.sizes.push(bytes as u64);
    }

    /// Write every remaining buffer (call once, after the last row). The
    /// partitions are encoded and written to staging in parallel (nothing
    /// else runs at the end of a run), and recorded in key order.
    pub fn finish(&mut self) -> Result<&WriteStats, SinkError> {
        use rayon::prelude::*;
        let keys: Vec<PartitionKey> = self.buffers.keys().cloned().collect();
        let mut parts = Vec::new();
        for key in &keys {
            parts.extend(self.take_part(key)?);
        }
        let (store, properties) = (self.store, &self.properties);
        let written: Vec<Result<usize, SinkError>> = parts
            .par_iter()
            .map(|part| {
                let bytes = encode(&part.batch, properties)?;
                put_staged(store, part, &bytes)?;
                Ok(bytes.len())
            })
            .collect();
        for (part, bytes) in parts.into_iter().zip(written) {
            self.staged_file(part, bytes?);
        }
        Ok(&self.stats)
    }

    /// Make the run visible through the commit protocol of [`commit`]: the
    /// manifest (the commit point), the moves, the run record, `_SUCCESS`.
    pub fn commit(
        self,
        run_record: serde_json::Value,
        hook: &dyn Fn(CommitStep),
    ) -> Result<WriteStats, SinkError> {
        // Make every staged file durable (in parallel) before the commit point.
        let staged: Vec<String> = self.staged.iter().map(|(s, _)| s.clone()).collect();
        self.store.sync(&staged).map_err(|source| SinkError::Io {
            op: "sync",
            key: self.staging_prefix(),
            source,
        })?;
        let manifest = Manifest {
            run_id: self.run_id.clone(),
            moves: self.staged.clone(),
            deletes: self.deletes.clone(),
            run_record,
            delta: self.delta_commit(),
        };
        commit::commit(self.store, &manifest, hook).map_err(|source| SinkError::Io {
            op: "commit",
            key: self.staging_prefix(),
            source,
        })?;
        Ok(self.stats)
    }

    /// Under `--format delta`, the files of every Delta table (all but the ledger).
    fn delta_commit(&self) -> Option<DeltaCommit> {
        if self.format != OutputFormat::Delta {
            return None;
        }
        let ledger = format!("{}/", Table::Ledger.name());
        let files = self
            .staged
            .iter()
            .zip(&self.sizes)
            .filter(|((_, final_key), _)| !final_key.starts_with(&ledger))
            .map(|((_, final_key), size)| (final_key.clone(), *size))
            .collect();
        let run_number = self
            .run_id
            .rsplit('-')
            .next()
            .and_then(|n| n.parse().ok())
            .unwrap_or(0);
        let modification_time_ms = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_millis() as i64)
            .unwrap_or(0);
        let removes = self
            .deletes
            .iter()
            .filter(|key| !key.starts_with(&ledger))
            .cloned()
            .collect();
        Some(DeltaCommit {
            run_number,
            modification_time_ms,
            files,
            removes,
        })
    }

    /// Number of part files staged so far.
    pub fn staged_files(&self) -> usize {
        self.staged.len()
    }

    /// Throw the staged files away (the run failed).
    pub fn abort(self) {
        let _ = self.store.delete_prefix(&self.staging_prefix());
    }
}
