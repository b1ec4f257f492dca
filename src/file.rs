//! One input in, its dataset rows out: the embedding API.
//!
//! [`Parser::parse`] runs on one input's bytes exactly the step `xxgk ingest`
//! runs on every file it reads (`run::process_bytes`: decode, parse, validate,
//! locate), and builds its rows with the same function the Parquet writer uses
//! (`sink::schema::append_report`), so a report's rows here are the rows the
//! dataset holds, `report_id` included. What a single input cannot know is left
//! to the caller: `supersedes` (an earlier report from the same path, which
//! only a run's ledger knows) is always NULL here, `run_id` is the parser's
//! ([`Parser::with_run_id`]), and the findings across reports come from
//! [`cross_findings`] over many reports' ledger rows.
//!
//! Partition columns: the Parquet files do not store `region` and `year` (they
//! are in the Hive paths), so the batches of [`ReportBatches`] have the files'
//! schema exactly, and the partition values come beside them
//! ([`ReportBatches::region`], [`ReportBatches::year`]).
//! [`ReportBatches::with_partition_columns`] appends them as the last two
//! columns, as a Hive-partitioned reader (Spark, DuckDB) shows the tables — the
//! shape a Spark job needs to `partitionBy("region", "year")`.

use crate::config::Config;
use crate::decode::PdfOptions;
use crate::model::{Outcome, Reject, RejectReason, Report};
use crate::region::RegionResolver;
use crate::sink::ledger::Ledger;
use crate::sink::schema::{self, LedgerEntry, ReportBuffers, Table, TableBuffer};
use crate::walk::{self, ReadError};
use arrow_array::{Array, ArrayRef, Int32Array, RecordBatch, StringArray};
use arrow_schema::{ArrowError, DataType, Field, Schema, SchemaRef};
use std::path::Path;
use std::sync::{Arc, OnceLock};
use xxgk_schema::{PARTITION_REGION, PARTITION_YEAR};

/// The tables a report contributes rows to, in the order they are written.
pub const REPORT_TABLES: [Table; 6] = [
    Table::Reports,
    Table::ActiveDisclosure,
    Table::Applications,
    Table::ReviewLitigation,
    Table::NarrativeFigures,
    Table::Findings,
];

/// The `run_id` of rows made by a [`Parser`] unless [`Parser::with_run_id`] says otherwise.
pub const DEFAULT_RUN_ID: &str = "parse";

/// Why a [`Parser`] could not be made.
#[derive(Debug, thiserror::Error)]
pub enum ParserError {
    /// A `walk.skip` pattern is invalid (a [`Config`] from [`Config::parse`] never has one).
    #[error(transparent)]
    Skip(#[from] walk::WalkError),
    /// The embedded gazetteer could not be loaded (a bug in the build).
    #[error("cannot load the gazetteer: {0}")]
    Gazetteer(String),
}

/// Parses single inputs the way `xxgk ingest` does, with one [`Config`].
///
/// Cheap to clone and to share between threads: the region resolver (the
/// gazetteer, ~0.2 s to build) is built once per process.
///
/// ```
/// use xxgk::{Config, Parser, Table};
/// let parser = Parser::new(&Config::builtin())?;
/// let text = std::fs::read("data/samples/003_45d03742e780f514.txt")?;
/// let report = parser.parse(&text, "003_45d03742e780f514.txt").expect("a report");
/// assert_eq!(report.report_id, xxgk::content_id(&text));
/// let reports = report.batch(Table::Reports);
/// assert_eq!(reports.num_rows(), 1);
/// assert_eq!(reports.schema(), xxgk::arrow_schema(Table::Reports));
/// assert!(report.batch(Table::Applications).num_rows() > 0);
///
/// let garbage = parser.parse(b"\x00\x01\x02 not a report", "junk.bin").unwrap_err();
/// assert_eq!(garbage.reason.as_str(), "binary");
/// assert_eq!(garbage.batch.schema(), xxgk::arrow_schema(Table::Rejects));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone)]
pub struct Parser {
    resolver: &'static RegionResolver,
    pdf: PdfOptions,
    max_file_bytes: u64,
    skip: globset::GlobSet,
    run_id: String,
}

impl std::fmt::Debug for Parser {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Parser")
            .field("pdf", &self.pdf)
            .field("max_file_bytes", &self.max_file_bytes)
            .field("run_id", &self.run_id)
            .finish_non_exhaustive()
    }
}

/// The region resolver every [`Parser`] of the process shares.
fn shared_resolver() -> Result<&'static RegionResolver, ParserError> {
    static RESOLVER: OnceLock<Result<RegionResolver, String>> = OnceLock::new();
    RESOLVER
        .get_or_init(|| RegionResolver::embedded().map_err(|e| e.to_string()))
        .as_ref()
        .map_err(|e| ParserError::Gazetteer(e.clone()))
}

/// How `text` (a name or a snippet of a report) resolves to a region, step by
/// step, with codes valid in `year`: what `xxgk regions` prints.
pub fn explain_region(text: &str, year: Option<i32>) -> Result<String, ParserError> {
    Ok(shared_resolver()?.explain(text, year))
}

impl Parser {
    /// A parser with the settings of `config` that apply to one input:
    /// `walk.skip` ([`Parser::is_skipped`]), `walk.max_file_bytes` and `pdf.timeout_secs`.
    pub fn new(config: &Config) -> Result<Self, ParserError> {
        Ok(Parser {
            resolver: shared_resolver()?,
            pdf: config.pdf_options(),
            max_file_bytes: config.walk.max_file_bytes,
            skip: walk::skip_set(&config.walk)?,
            run_id: DEFAULT_RUN_ID.to_string(),
        })
    }

    /// The same parser, writing `run_id` into the rows' `run_id` column.
    pub fn with_run_id(mut self, run_id: impl Into<String>) -> Self {
        self.run_id = run_id.into();
        self
    }

    /// The `run_id` the rows carry.
    pub fn run_id(&self) -> &str {
        &self.run_id
    }

    /// Whether `xxgk ingest`, walking a directory, leaves out the file at
    /// `source_path` (relative to that directory, `/`-separated): its name or
    /// a folder's on the way matches `walk.skip` (`README*`, `*.md`, hidden
    /// files, …). Such a file is no input at all: neither report nor reject.
    ///
    /// ```
    /// let parser = xxgk::Parser::new(&xxgk::Config::builtin())?;
    /// assert!(parser.is_skipped("gansu/README.md"));
    /// assert!(parser.is_skipped(".cache/report.txt"));
    /// assert!(!parser.is_skipped("gansu/2021/report.txt"));
    /// # Ok::<(), xxgk::ParserError>(())
    /// ```
    pub fn is_skipped(&self, source_path: &str) -> bool {
        walk::is_skipped(&self.skip, source_path)
    }

    /// Parse one input: `bytes` are its content, `source_path` its path
    /// relative to the input root (written to `source_path`; its extension
    /// helps tell the format when the leading bytes do not).
    ///
    /// Never panics and never fails but with a reject: an input that is not a
    /// report (garbage, a truncated PDF, a file over `walk.max_file_bytes`, a
    /// panic in the parser, which would be a bug) is a [`Rejected`] holding its
    /// `rejects` row.
    pub fn parse(&self, bytes: &[u8], source_path: &str) -> Result<ReportBatches, Rejected> {
        // `process_bytes` catches the parser's panics; this catches the rest
        // (building the rows), so none crosses into an embedder (a Python
        // extension, where it would end the Spark task).
        std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            self.parse_unguarded(bytes, source_path)
        }))
        .unwrap_or_else(|_| {
            Err(self.rejected(Reject {
                source_path: source_path.to_string(),
                reason: RejectReason::InternalError,
                message: "the parser panicked on this file (a bug; please report it)".into(),
                bytes: Some(bytes.len() as u64),
                content_id: Some(content_id(bytes)),
            }))
        })
    }

    fn parse_unguarded(&self, bytes: &[u8], source_path: &str) -> Result<ReportBatches, Rejected> {
        if bytes.len() as u64 > self.max_file_bytes {
            let too_large = ReadError::TooLarge {
                size: bytes.len() as u64,
                limit: self.max_file_bytes,
            };
            return Err(self.rejected(crate::run::unread_reject(source_path, &too_large, None)));
        }
        let outcome = crate::run::process_bytes(
            Path::new(source_path),
            source_path,
            bytes,
            content_id(bytes),
            self.resolver,
            &self.pdf,
        );
        match outcome {
            Outcome::Report(report) => self.report_batches(&report),
            Outcome::Reject(reject) => Err(self.rejected(reject)),
            // Only a run's ledger makes an input unchanged.
            Outcome::Unchanged { .. } => Err(self.rejected(Reject {
                source_path: source_path.to_string(),
                reason: RejectReason::InternalError,
                message: "unexpected outcome: unchanged".into(),
                bytes: Some(bytes.len() as u64),
                content_id: Some(content_id(bytes)),
            })),
        }
    }

    /// A report's rows, one batch per table ([`REPORT_TABLES`]).
    fn report_batches(&self, report: &Report) -> Result<ReportBatches, Rejected> {
        let mut buffers = OneReport(REPORT_TABLES.map(TableBuffer::new));
        schema::append_report(report, &self.run_id, &mut buffers);
        let mut ledger = TableBuffer::new(Table::Ledger);
        let entry = crate::run::report_ledger_entry(report, self.run_id.clone());
        schema::append_ledger(&entry, |_, values| ledger.append(values));
        let built: Result<(Vec<RecordBatch>, RecordBatch), ArrowError> = buffers
            .0
            .iter_mut()
            .map(TableBuffer::finish)
            .collect::<Result<_, _>>()
            .and_then(|batches| Ok((batches, ledger.finish()?)));
        match built {
            Ok((batches, ledger)) => Ok(ReportBatches {
                report_id: report.report_id.clone(),
                region: report
                    .region
                    .slug
                    .clone()
                    .filter(|slug| crate::sink::writer::is_safe_slug(slug)),
                year: report.parsed.year,
                batches,
                ledger,
            }),
            // The rows follow the schema by construction: a failure is a bug.
            Err(e) => Err(self.rejected(Reject {
                source_path: report.source_path.clone(),
                reason: RejectReason::InternalError,
                message: format!("building the report's rows failed (a bug): {e}"),
                bytes: Some(report.bytes),
                content_id: Some(report.report_id.clone()),
            })),
        }
    }

    /// A reject with its `rejects` row.
    fn rejected(&self, reject: Reject) -> Rejected {
        let mut buffer = TableBuffer::new(Table::Rejects);
        schema::append_reject(&reject, &self.run_id, |_, values| buffer.append(values));
        let batch = buffer
            .finish()
            .unwrap_or_else(|_| RecordBatch::new_empty(schema::arrow_schema(Table::Rejects)));
        Rejected {
            source_path: reject.source_path,
            reason: reject.reason,
            message: reject.message,
            content_id: reject.content_id,
            batch,
        }
    }
}

/// One buffer per table of [`REPORT_TABLES`], for `append_report`.
struct OneReport([TableBuffer; 6]);

impl ReportBuffers for OneReport {
    fn buffer(&mut self, table: Table) -> &mut TableBuffer {
        let i = REPORT_TABLES.iter().position(|t| *t == table).unwrap_or(0);
        &mut self.0[i]
    }
}

/// A report's rows: one batch per table of [`REPORT_TABLES`] (a table the
/// report has no rows in gets an empty batch), each with the table's file
/// schema ([`arrow_schema()`]), plus the partition the rows go to.
#[derive(Debug, Clone)]
pub struct ReportBatches {
    /// The report's id: the same as `xxgk ingest` gives the same bytes ([`content_id`]).
    pub report_id: String,
    /// The `region` partition value (province-level slug); None for the NULL
    /// partition (`__HIVE_DEFAULT_PARTITION__`).
    pub region: Option<String>,
    /// The `year` partition value; None for the NULL partition.
    pub year: Option<i32>,
    batches: Vec<RecordBatch>,
    ledger: RecordBatch,
}

impl ReportBatches {
    /// The rows of `table`: for [`Table::Ledger`], the report's one ledger
    /// row, the facts [`cross_findings`] compares (`xxgk ingest` writes it
    /// to `_ledger/`); empty for [`Table::Rejects`] and [`Table::CrossFindings`].
    pub fn batch(&self, table: Table) -> RecordBatch {
        if table == Table::Ledger {
            return self.ledger.clone();
        }
        REPORT_TABLES
            .iter()
            .position(|t| *t == table)
            .map(|i| self.batches[i].clone())
            .unwrap_or_else(|| RecordBatch::new_empty(arrow_schema(table)))
    }

    /// Every table's rows, in [`REPORT_TABLES`] order.
    pub fn iter(&self) -> impl Iterator<Item = (Table, &RecordBatch)> {
        REPORT_TABLES.iter().copied().zip(&self.batches)
    }

    /// Every table's rows with `region` and `year` appended as the last two
    /// columns ([`hive_schema`]), as a Hive-partitioned reader shows them.
    pub fn with_partition_columns(&self) -> Result<Vec<(Table, RecordBatch)>, ArrowError> {
        self.iter()
            .map(|(table, batch)| {
                let with = add_partition_columns(batch, self.region.as_deref(), self.year)?;
                Ok((table, with))
            })
            .collect()
    }
}

/// An input that is not a report, with the row it adds to `rejects`.
#[derive(Debug, Clone, thiserror::Error)]
#[error("{source_path}: {reason}: {message}")]
pub struct Rejected {
    /// The path given.
    pub source_path: String,
    /// Why, as a countable code (`rejects.reason`).
    pub reason: RejectReason,
    /// Details for humans.
    pub message: String,
    /// The content hash, when the bytes were read.
    pub content_id: Option<String>,
    /// The `rejects` row, with the table's schema ([`arrow_schema()`]).
    pub batch: RecordBatch,
}

/// Parse one input with the built-in settings ([`Config::builtin`], the ones
/// `xxgk ingest` uses without a config file): a [`Parser`] made once per
/// process. See [`Parser::parse`].
///
/// ```
/// let bytes = std::fs::read("data/samples/000_1f3be3be81006fc6.txt")?;
/// let report = xxgk::parse_file(&bytes, "000_1f3be3be81006fc6.txt").expect("a report");
/// for (table, batch) in report.iter() {
///     println!("{}: {} rows", table.name(), batch.num_rows());
/// }
/// # Ok::<(), std::io::Error>(())
/// ```
pub fn parse_file(bytes: &[u8], source_path: &str) -> Result<ReportBatches, Rejected> {
    static PARSER: OnceLock<Result<Parser, String>> = OnceLock::new();
    match PARSER.get_or_init(|| Parser::new(&Config::builtin()).map_err(|e| e.to_string())) {
        Ok(parser) => parser.parse(bytes, source_path),
        Err(e) => {
            // No parser, so no rows of its own: the reject is built by hand.
            let reject = Reject {
                source_path: source_path.to_string(),
                reason: RejectReason::InternalError,
                message: e.clone(),
                bytes: Some(bytes.len() as u64),
                content_id: Some(content_id(bytes)),
            };
            let mut buffer = TableBuffer::new(Table::Rejects);
            schema::append_reject(&reject, DEFAULT_RUN_ID, |_, v| buffer.append(v));
            Err(Rejected {
                batch: buffer
                    .finish()
                    .unwrap_or_else(|_| RecordBatch::new_empty(arrow_schema(Table::Rejects))),
                source_path: reject.source_path,
                reason: reject.reason,
                message: reject.message,
                content_id: reject.content_id,
            })
        }
    }
}

/// The findings across reports (table `cross_findings`) of a dataset whose
/// current reports have these ledger rows ([`ReportBatches::batch`] of
/// [`Table::Ledger`], or the dataset's `_ledger/` files), in the order they
/// were ingested: a later row of the same `source_path` replaces an earlier
/// one, and rows of rejects are passed over. The rows `xxgk ingest` writes
/// after a run over the same inputs, in the same order.
///
/// ```
/// use xxgk::{parse_file, Table};
/// // The same report in two files: one report, and a copy.
/// let text = std::fs::read("data/samples/003_45d03742e780f514.txt")?;
/// let ledger: Vec<_> = ["a/003.txt", "b/003.txt"]
///     .iter()
///     .map(|path| parse_file(&text, path).expect("a report").batch(Table::Ledger))
///     .collect();
/// let found = xxgk::cross_findings(&ledger)?;
/// assert_eq!(found.num_rows(), 1);
/// assert_eq!(found.schema(), xxgk::arrow_schema(Table::CrossFindings));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn cross_findings(ledger: &[RecordBatch]) -> Result<RecordBatch, ArrowError> {
    let mut known = Ledger::default();
    for batch in ledger {
        for entry in LedgerEntry::from_batch(batch).map_err(ArrowError::InvalidArgumentError)? {
            known.note(&entry);
        }
    }
    let mut rows = TableBuffer::new(Table::CrossFindings);
    for finding in crate::crosscheck::check(&known) {
        schema::append_cross_finding(&finding, |_, values| rows.append(values));
    }
    rows.finish()
}

/// A table's schema as its Parquet files store it (no partition columns).
pub fn arrow_schema(table: Table) -> SchemaRef {
    schema::arrow_schema(table)
}

/// A table's schema as a Hive-partitioned reader shows it: the file columns,
/// then — for partitioned tables — `region` (string) and `year` (int32), both
/// nullable. (Spark reads `year` as `int`; DuckDB as `BIGINT`.)
pub fn hive_schema(table: Table) -> SchemaRef {
    static SCHEMAS: OnceLock<Vec<SchemaRef>> = OnceLock::new();
    let schemas = SCHEMAS.get_or_init(|| {
        Table::ALL
            .iter()
            .map(|&t| {
                let file = schema::arrow_schema(t);
                if !t.partitioned() {
                    return file;
                }
                let mut fields: Vec<Arc<Field>> = file.fields().iter().cloned().collect();
                fields.push(Arc::new(Field::new(PARTITION_REGION, DataType::Utf8, true)));
                fields.push(Arc::new(Field::new(PARTITION_YEAR, DataType::Int32, true)));
                Arc::new(Schema::new(fields))
            })
            .collect()
    });
    schemas[table as usize].clone()
}

/// `batch` (a partitioned table's rows) with `region` and `year` columns appended.
fn add_partition_columns(
    batch: &RecordBatch,
    region: Option<&str>,
    year: Option<i32>,
) -> Result<RecordBatch, ArrowError> {
    let rows = batch.num_rows();
    let table = Table::ALL
        .iter()
        .copied()
        .find(|t| arrow_schema(*t) == batch.schema())
        .ok_or_else(|| ArrowError::SchemaError("not a table of the dataset".into()))?;
    let mut columns: Vec<ArrayRef> = batch.columns().to_vec();
    if table.partitioned() {
        columns.push(Arc::new(StringArray::from(vec![region; rows])) as ArrayRef);
        columns.push(Arc::new(Int32Array::from(vec![year; rows])) as ArrayRef);
    }
    debug_assert!(columns.iter().all(|c| c.len() == rows));
    RecordBatch::try_new(hive_schema(table), columns)
}

/// The stable id of an input's content (a report's `report_id`, a reject's
/// `content_id`): the first 16 bytes of its BLAKE3 hash, in hex.
///
/// ```
/// assert_eq!(xxgk::content_id(b"").len(), 32);
/// assert_eq!(xxgk::content_id(b"a"), xxgk::content_id(b"a"));
/// ```
pub fn content_id(bytes: &[u8]) -> String {
    crate::run::content_id(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_report_has_every_table_and_its_partition_columns() {
        let bytes = include_bytes!("../data/samples/000_1f3be3be81006fc6.txt");
        let report = parse_file(bytes, "x/000.txt").expect("a report");
        assert_eq!(report.iter().count(), REPORT_TABLES.len());
        for (table, batch) in report.iter() {
            assert_eq!(batch.schema(), arrow_schema(table), "{}", table.name());
        }
        for (table, batch) in report.with_partition_columns().unwrap() {
            assert_eq!(batch.schema(), hive_schema(table));
            let n = batch.num_columns();
            let region = batch.column(n - 2).as_any().downcast_ref::<StringArray>();
            assert!(region.is_some());
        }
        assert_eq!(report.batch(Table::Rejects).num_rows(), 0);
    }

    #[test]
    fn broken_inputs_are_rejects_with_their_row() {
        let parser = Parser::new(&Config::builtin()).unwrap().with_run_id("r1");
        let pdf = b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog";
        for (bytes, path) in [
            (&b""[..], "empty.txt"),
            (&pdf[..], "cut.pdf"),
            (&b"PK\x03\x04\x14\x00garbage"[..], "cut.docx"),
            (&[0xffu8, 0xfe, 0x00, 0xd8, 0x00][..], "x.txt"),
        ] {
            let rejected = parser.parse(bytes, path).expect_err(path);
            assert_eq!(rejected.batch.num_rows(), 1, "{path}");
            assert_eq!(rejected.batch.schema(), arrow_schema(Table::Rejects));
            assert_eq!(rejected.source_path, path);
        }
    }

    #[test]
    fn cross_findings_follow_the_ledger_rows() {
        let text =
            include_bytes!("../tests/fixtures/realworld/hongze_district_2023.pdftotext-layout.txt");
        let parse = |path: &str| parse_file(text, path).expect("a report");
        let ledger = |path: &str| parse(path).batch(Table::Ledger);
        assert_eq!(ledger("a.txt").num_rows(), 1);
        assert_eq!(ledger("a.txt").schema(), arrow_schema(Table::Ledger));
        // One report in two files: the second path is the copy.
        let found = cross_findings(&[ledger("b.txt"), ledger("a.txt")]).unwrap();
        assert_eq!(found.num_rows(), 1);
        let column = |name: &str| {
            let c = found.column_by_name(name).unwrap();
            c.as_any()
                .downcast_ref::<StringArray>()
                .unwrap()
                .value(0)
                .to_string()
        };
        assert_eq!(column("rule"), "same_report_other_file");
        assert_eq!(column("report_id"), content_id(text));
        // The same path again is a later version, not a second file.
        let again = cross_findings(&[ledger("a.txt"), ledger("a.txt")]).unwrap();
        assert_eq!(again.num_rows(), 0);
        // Rows of another table are an error, never an empty answer.
        assert!(cross_findings(&[parse("a.txt").batch(Table::Reports)]).is_err());
    }

    #[test]
    fn inputs_over_the_bound_are_too_large() {
        let mut config = Config::builtin();
        config.walk.max_file_bytes = 4;
        let parser = Parser::new(&config).unwrap();
        let rejected = parser.parse(b"12345", "a.txt").unwrap_err();
        assert_eq!(rejected.reason, RejectReason::TooLarge);
        assert_eq!(rejected.content_id, None);
        assert!(parser
            .parse(b"1234", "a.txt")
            .is_err_and(|r| r.reason != RejectReason::TooLarge));
    }
}
