//! Reading the committed dataset for the quality report.
//!
//! A dataset directory is trusted only as far as its commit protocol vouches
//! for it ([`crate::sink::commit`], [`crate::sink::refresh`]):
//!
//! * `_SWAP.json` present: a full refresh is being swapped in — refused;
//! * `_SUCCESS` absent: no run was ever committed, or a commit is under way or
//!   was killed (the next `xxgk ingest` finishes it) — refused;
//! * otherwise the committed runs are those with a `_runs/<run>.json`, and only
//!   part files named after one of them (`part-<run>-<n>.parquet`) are read;
//!   staged files, temporary files and parts of an unrecorded run are not.
//!
//! Every file read must carry [`SCHEMA_VERSION`] in its key-value metadata.
//! Reports that a later version supersedes (`reports.supersedes`) are left out
//! with all their rows, and so are copies — the same report in another file,
//! marked by a [`COPY_RULE`] finding across reports — so that each report
//! counts once; rejects whose content was later read as a report (`_ledger`)
//! are left out too. The run records are read again after reading: a run that
//! committed meanwhile is an error, not a mixed read.

use super::ReportError;
use crate::sink::commit::STAGING;
use crate::sink::refresh::SWAP_MANIFEST;
use arrow_array::cast::AsArray;
use arrow_array::types::Int64Type;
use arrow_array::{Array, BooleanArray, Int64Array, RecordBatch, StringArray};
use parquet::arrow::arrow_reader::{ArrowPredicateFn, ParquetRecordBatchReaderBuilder, RowFilter};
use parquet::arrow::ProjectionMask;
use rayon::prelude::*;
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::fs;
use std::path::{Path, PathBuf};
use xxgk_schema::{Table, NULL_PARTITION, SCHEMA_VERSION, SCHEMA_VERSION_KEY};

/// Rows per Arrow batch when reading.
const BATCH_ROWS: usize = 64 * 1024;

/// A province-level region and a year: a partition of the dataset (None = NULL).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Partition {
    /// Region slug (`gansu`, `central`, …).
    pub region: Option<String>,
    /// Year covered.
    pub year: Option<i32>,
}

/// One committed run, from `_runs/<run>.json`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RunInfo {
    /// `run-NNNNN`.
    pub run_id: String,
    /// The inputs the run was given, as given (roots of the `source_path`s).
    pub inputs: Vec<String>,
}

/// A report, latest version only.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ReportRow {
    /// `reports.report_id`.
    pub report_id: String,
    /// `reports.source_path` (relative to its input root).
    pub source_path: String,
    /// `reports.title`.
    pub title: Option<String>,
    /// `reports.agency`.
    pub agency: Option<String>,
    /// `reports.province` (Chinese name).
    pub province: Option<String>,
    /// Partition values from the path.
    pub partition: Partition,
    /// `reports.status`: `ok`, `partial`, `no_tables`.
    pub status: String,
    /// `reports.run_id`.
    pub run_id: String,
}

/// Table B rows the report uses (applicant column `total`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum BRow {
    /// `new`: applications received this year.
    New,
    /// An outcome row (办理结果), by group.
    Outcome(Outcome),
}

/// Groups of table B's outcome rows (办理结果).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Outcome {
    /// `granted` 予以公开.
    Granted,
    /// `partial` 部分公开.
    Partial,
    /// `denied.*` 不予公开 (8 rows).
    Denied,
    /// `unavailable.*` 无法提供 (3 rows).
    Unavailable,
    /// `not_processed.*` 不予处理 (5 rows).
    NotProcessed,
    /// `other` (2019) / `other.*` (2021) 其他处理.
    Other,
}

impl Outcome {
    /// Every group, in the order the table prints them.
    pub const ALL: [Outcome; 6] = [
        Outcome::Granted,
        Outcome::Partial,
        Outcome::Denied,
        Outcome::Unavailable,
        Outcome::NotProcessed,
        Outcome::Other,
    ];

    /// The row code (or code prefix) in `applications.row`.
    pub fn code(self) -> &'static str {
        match self {
            Outcome::Granted => "granted",
            Outcome::Partial => "partial",
            Outcome::Denied => "denied.*",
            Outcome::Unavailable => "unavailable.*",
            Outcome::NotProcessed => "not_processed.*",
            Outcome::Other => "other*",
        }
    }

    /// A short English name for legends.
    pub fn label(self) -> &'static str {
        match self {
            Outcome::Granted => "granted 予以公开",
            Outcome::Partial => "partly granted 部分公开",
            Outcome::Denied => "denied 不予公开",
            Outcome::Unavailable => "unavailable 无法提供",
            Outcome::NotProcessed => "not processed 不予处理",
            Outcome::Other => "other 其他处理",
        }
    }
}

impl BRow {
    /// The row a code of `applications.row` belongs to; None for the rows the
    /// report does not use (`carried_over`, `total`, `carried_forward`).
    pub fn from_code(code: &str) -> Option<BRow> {
        let group = code.split('.').next().unwrap_or(code);
        Some(match group {
            "new" => BRow::New,
            "granted" => BRow::Outcome(Outcome::Granted),
            "partial" => BRow::Outcome(Outcome::Partial),
            "denied" => BRow::Outcome(Outcome::Denied),
            "unavailable" => BRow::Outcome(Outcome::Unavailable),
            "not_processed" => BRow::Outcome(Outcome::NotProcessed),
            "other" => BRow::Outcome(Outcome::Other),
            _ => return None,
        })
    }
}

/// One table B cell of the `total` applicant column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AppCell {
    /// Index into [`Dataset::reports`].
    pub report: usize,
    /// The row.
    pub row: BRow,
    /// `applications.count` (None: blank, missing or invalid).
    pub count: Option<i64>,
}

/// Finding severities.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    /// The report contradicts itself.
    Error,
    /// Something is missing or doubtful.
    Warning,
    /// Informational.
    Info,
}

impl Severity {
    /// From `findings.severity` (anything unknown is `Info`).
    pub fn parse(s: &str) -> Severity {
        match s {
            "error" => Severity::Error,
            "warning" => Severity::Warning,
            _ => Severity::Info,
        }
    }

    /// As written in the dataset.
    pub fn name(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
        }
    }
}

/// One finding, as the aggregation needs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FindingRow {
    /// Index into [`Dataset::reports`].
    pub report: usize,
    /// `findings.rule`.
    pub rule: String,
    /// `findings.severity`.
    pub severity: Severity,
    /// `findings.subject`.
    pub subject: String,
}

/// A finding with everything it says, for the worst reports' listing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FindingDetail {
    /// `findings.rule`.
    pub rule: String,
    /// `findings.severity`.
    pub severity: Severity,
    /// `findings.subject`.
    pub subject: String,
    /// `findings.expected`.
    pub expected: Option<String>,
    /// `findings.actual`.
    pub actual: Option<String>,
    /// `findings.message`.
    pub message: String,
}

/// A current reject.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RejectRow {
    /// `rejects.source_path`.
    pub source_path: String,
    /// `rejects.reason`.
    pub reason: String,
}

/// The rule of `cross_findings` that marks a copy: the same report in another
/// file (an HTML page and its PDF attachment). Copies count once.
pub const COPY_RULE: &str = "same_report_other_file";

/// A finding across reports (`cross_findings`), about a current report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CrossRow {
    /// `cross_findings.report_id`: the report it is about (may be a copy,
    /// which is not in [`Dataset::reports`]).
    pub report_id: String,
    /// `cross_findings.rule`.
    pub rule: String,
    /// `cross_findings.severity`.
    pub severity: Severity,
}

/// The committed dataset, as the report reads it.
#[derive(Debug, Clone, Default)]
pub struct Dataset {
    /// Committed runs, in order.
    pub runs: Vec<RunInfo>,
    /// Latest report versions, in file order (partition, then row).
    pub reports: Vec<ReportRow>,
    /// Report versions left out because a later one supersedes them.
    pub superseded: usize,
    /// Current reports left out as copies of another file's report ([`COPY_RULE`]).
    pub copies: usize,
    /// Findings across reports, about current reports (copies included).
    pub cross: Vec<CrossRow>,
    /// Table B cells of the latest reports: the `total` column, rows of [`BRow`].
    pub applications: Vec<AppCell>,
    /// Findings of the latest reports.
    pub findings: Vec<FindingRow>,
    /// Current rejects.
    pub rejects: Vec<RejectRow>,
    /// Part files found in table folders that no committed run wrote (ignored).
    pub ignored_files: usize,
    /// The findings part files, by partition (for [`finding_details`]).
    pub(super) finding_files: BTreeMap<Partition, Vec<PathBuf>>,
}

/// The committed part files of a dataset, by table.
#[derive(Debug, Default)]
struct Files {
    by_table: BTreeMap<Table, Vec<(Partition, PathBuf)>>,
    ignored: usize,
}

/// Read the committed dataset in `root`.
pub fn read_dataset(root: &Path) -> Result<Dataset, ReportError> {
    let (runs, before) = committed_runs(root)?;
    let read =
        list_files(root, &runs).and_then(|files| Ok((read_tables(&runs, &files)?, files.ignored)));
    // A run committed or a refresh swapped in while we read: the rows may mix
    // two states (or a file vanished). The run records say so.
    match committed_runs(root) {
        Ok((_, after)) if after == before => {}
        _ => {
            return Err(ReportError::Changed {
                dir: root.to_path_buf(),
            })
        }
    }
    let (mut dataset, ignored) = read?;
    dataset.runs = runs;
    dataset.ignored_files = ignored;
    Ok(dataset)
}

/// The committed runs, after checking that the dataset is in a committed
/// state, and the run records' bytes (they change with every commit and swap).
fn committed_runs(root: &Path) -> Result<(Vec<RunInfo>, Vec<Vec<u8>>), ReportError> {
    let io = |path: &Path| {
        let path = path.to_path_buf();
        move |source| ReportError::Io { path, source }
    };
    match fs::metadata(root) {
        Ok(m) if m.is_dir() => {}
        Ok(_) => {
            return Err(ReportError::NotADataset {
                dir: root.to_path_buf(),
            })
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(ReportError::NotFound {
                dir: root.to_path_buf(),
            })
        }
        Err(e) => return Err(io(root)(e)),
    }
    if root.join(SWAP_MANIFEST).exists() {
        return Err(ReportError::MidSwap {
            dir: root.to_path_buf(),
        });
    }
    let runs_dir = root.join("_runs");
    let mut records: Vec<PathBuf> = match fs::read_dir(&runs_dir) {
        Ok(entries) => entries
            .collect::<Result<Vec<_>, _>>()
            .map_err(io(&runs_dir))?
            .into_iter()
            .map(|e| e.path())
            .filter(|p| {
                let name = p.file_name().and_then(|n| n.to_str()).unwrap_or("");
                name.starts_with("run-") && name.ends_with(".json")
            })
            .collect(),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Vec::new(),
        Err(e) => return Err(io(&runs_dir)(e)),
    };
    records.sort();
    if !root.join("_SUCCESS").exists() {
        // Without _SUCCESS: never committed (nothing at all), else a run is
        // committing, or was killed before it finished (rolled forward or
        // back by the next run).
        return Err(if records.is_empty() && !root.join(STAGING).exists() {
            ReportError::NotADataset {
                dir: root.to_path_buf(),
            }
        } else {
            ReportError::Uncommitted {
                dir: root.to_path_buf(),
            }
        });
    }
    if records.is_empty() {
        return Err(ReportError::NotADataset {
            dir: root.to_path_buf(),
        });
    }
    let mut fingerprint = Vec::new();
    let runs = records
        .iter()
        .map(|path| {
            let bytes = fs::read(path).map_err(io(path))?;
            let bad = |message: String| ReportError::RunRecord {
                path: path.clone(),
                message,
            };
            let value: serde_json::Value =
                serde_json::from_slice(&bytes).map_err(|e| bad(e.to_string()))?;
            let stem = path.file_stem().and_then(|s| s.to_str()).unwrap_or("");
            let run_id = value["run_id"]
                .as_str()
                .ok_or_else(|| bad("no run_id".into()))?;
            if run_id != stem {
                return Err(bad(format!("run_id {run_id:?} in a file named {stem}")));
            }
            let inputs = value["inputs_args"]
                .as_array()
                .map(|a| {
                    a.iter()
                        .filter_map(|v| v.as_str().map(str::to_string))
                        .collect()
                })
                .unwrap_or_default();
            fingerprint.push(bytes);
            Ok(RunInfo {
                run_id: run_id.to_string(),
                inputs,
            })
        })
        .collect::<Result<_, ReportError>>()?;
    Ok((runs, fingerprint))
}

/// The run that wrote a part file, from its name `part-<run>-<n>.parquet`.
pub(super) fn part_run(name: &str) -> Option<&str> {
    let stem = name.strip_prefix("part-")?.strip_suffix(".parquet")?;
    let (run, seq) = stem.rsplit_once('-')?;
    (!seq.is_empty() && seq.bytes().all(|b| b.is_ascii_digit())).then_some(run)
}

/// A partition from a part file's path below its table folder.
pub(super) fn partition_of(relative: &Path) -> Partition {
    let mut partition = Partition::default();
    for component in relative.components() {
        let Some((key, value)) = component
            .as_os_str()
            .to_str()
            .and_then(|c| c.split_once('='))
        else {
            continue;
        };
        let value = (value != NULL_PARTITION).then_some(value);
        match key {
            xxgk_schema::PARTITION_REGION => partition.region = value.map(str::to_string),
            xxgk_schema::PARTITION_YEAR => partition.year = value.and_then(|v| v.parse().ok()),
            _ => {}
        }
    }
    partition
}

/// Every committed part file, per table, in sorted path order.
fn list_files(root: &Path, runs: &[RunInfo]) -> Result<Files, ReportError> {
    let committed: HashSet<&str> = runs.iter().map(|r| r.run_id.as_str()).collect();
    let mut files = Files::default();
    for table in Table::ALL {
        let dir = root.join(table.name());
        if !dir.is_dir() {
            continue;
        }
        let mut found = Vec::new();
        for entry in walkdir::WalkDir::new(&dir).sort_by_file_name() {
            let entry = entry.map_err(|e| ReportError::Io {
                path: e.path().unwrap_or(&dir).to_path_buf(),
                source: e.into(),
            })?;
            if !entry.file_type().is_file() {
                continue;
            }
            let name = entry.file_name().to_str().unwrap_or("");
            if !name.ends_with(".parquet") || name.starts_with('.') {
                continue;
            }
            match part_run(name) {
                Some(run) if committed.contains(run) => {
                    let relative = entry.path().strip_prefix(&dir).unwrap_or(entry.path());
                    found.push((partition_of(relative), entry.path().to_path_buf()));
                }
                _ => files.ignored += 1,
            }
        }
        files.by_table.insert(table, found);
    }
    Ok(files)
}

/// A Parquet file opened for reading: version checked, columns projected.
struct Part {
    path: PathBuf,
    builder: ParquetRecordBatchReaderBuilder<fs::File>,
}

/// Read one part file (see [`Part::read`]), version checked, never panicking.
fn read_file(
    path: &Path,
    columns: &[&str],
    filter: Option<(&str, &'static str)>,
    each: impl FnMut(&Batch) -> Result<(), String>,
) -> Result<(), ReportError> {
    guarded(path, || Part::open(path)?.read(columns, filter, each))
}

/// Run `read` on one file, turning a panic of the Parquet decoder (a bug
/// there, on a malformed file) into the file's error.
fn guarded<T>(
    path: &Path,
    read: impl FnOnce() -> Result<T, ReportError>,
) -> Result<T, ReportError> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(read)).unwrap_or_else(|_| {
        Err(corrupt(
            path,
            "the Parquet decoder panicked on this file (malformed data)".into(),
        ))
    })
}

impl Part {
    fn open(path: &Path) -> Result<Part, ReportError> {
        let file = fs::File::open(path).map_err(|source| ReportError::Io {
            path: path.to_path_buf(),
            source,
        })?;
        let builder = ParquetRecordBatchReaderBuilder::try_new(file)
            .map_err(|e| corrupt(path, e.to_string()))?;
        let found = builder
            .metadata()
            .file_metadata()
            .key_value_metadata()
            .and_then(|kvs| kvs.iter().find(|kv| kv.key == SCHEMA_VERSION_KEY))
            .and_then(|kv| kv.value.clone());
        if found.as_deref() != Some(SCHEMA_VERSION.to_string().as_str()) {
            return Err(ReportError::SchemaVersion {
                path: path.to_path_buf(),
                found: found.unwrap_or_else(|| "none".into()),
            });
        }
        Ok(Part {
            path: path.to_path_buf(),
            builder,
        })
    }

    /// The projection of the named columns; every one must exist.
    fn mask(&self, columns: &[&str]) -> Result<ProjectionMask, ReportError> {
        let schema = self.builder.parquet_schema();
        for name in columns {
            if !schema.columns().iter().any(|c| c.name() == *name) {
                return Err(corrupt(&self.path, format!("no column {name}")));
            }
        }
        Ok(ProjectionMask::columns(schema, columns.iter().copied()))
    }

    /// Call `each` on every batch of the named columns; with a filter
    /// `(column, value)`, only on the rows whose string `column` is `value`
    /// (the other columns are then decoded for those rows only).
    fn read(
        self,
        columns: &[&str],
        filter: Option<(&str, &'static str)>,
        mut each: impl FnMut(&Batch) -> Result<(), String>,
    ) -> Result<(), ReportError> {
        let mask = self.mask(columns)?;
        if let Some((column, _)) = filter {
            self.mask(&[column])?; // it must exist: the predicate reads its first column
        }
        let mut builder = self.builder.with_batch_size(BATCH_ROWS);
        let path = self.path;
        if let Some((column, wanted)) = filter {
            let filter_mask = ProjectionMask::columns(builder.parquet_schema(), [column]);
            let predicate = ArrowPredicateFn::new(filter_mask, move |batch: RecordBatch| {
                let values = batch.column(0).as_string_opt::<i32>().ok_or_else(|| {
                    arrow_schema::ArrowError::SchemaError("filter column is not a string".into())
                })?;
                Ok(values
                    .iter()
                    .map(|v| Some(v == Some(wanted)))
                    .collect::<BooleanArray>())
            });
            builder = builder.with_row_filter(RowFilter::new(vec![Box::new(predicate)]));
        }
        let reader = builder
            .with_projection(mask)
            .build()
            .map_err(|e| corrupt(&path, e.to_string()))?;
        for batch in reader {
            let batch = batch.map_err(|e| corrupt(&path, e.to_string()))?;
            each(&Batch(batch)).map_err(|message| corrupt(&path, message))?;
        }
        Ok(())
    }
}

fn corrupt(path: &Path, message: String) -> ReportError {
    ReportError::Parquet {
        path: path.to_path_buf(),
        message,
    }
}

/// A batch with typed column access by name.
struct Batch(RecordBatch);

impl Batch {
    fn strings(&self, name: &str) -> Result<&StringArray, String> {
        self.0
            .column_by_name(name)
            .ok_or_else(|| format!("no column {name}"))?
            .as_string_opt::<i32>()
            .ok_or_else(|| format!("column {name} is not a string"))
    }

    fn ints(&self, name: &str) -> Result<&Int64Array, String> {
        self.0
            .column_by_name(name)
            .ok_or_else(|| format!("no column {name}"))?
            .as_primitive_opt::<Int64Type>()
            .ok_or_else(|| format!("column {name} is not an int64"))
    }

    fn rows(&self) -> usize {
        self.0.num_rows()
    }
}

fn opt_str(a: &StringArray, i: usize) -> Option<String> {
    (!a.is_null(i)).then(|| a.value(i).to_string())
}

fn opt_int(a: &Int64Array, i: usize) -> Option<i64> {
    (!a.is_null(i)).then(|| a.value(i))
}

/// A report row as read, before superseded versions are dropped.
struct RawReport {
    row: ReportRow,
    supersedes: Option<String>,
}

/// What one non-report part file contributes.
enum Piece {
    Applications(Vec<AppCell>),
    Findings(Vec<FindingRow>),
    Rejects(Vec<(RejectRow, Option<String>, String)>),
    Ledger(Vec<(String, bool)>),
}

fn read_tables(runs: &[RunInfo], files: &Files) -> Result<Dataset, ReportError> {
    let table_files = |t: Table| files.by_table.get(&t).map(Vec::as_slice).unwrap_or(&[]);

    // Reports first: they decide which report ids the other tables keep.
    let per_file: Vec<Vec<RawReport>> = table_files(Table::Reports)
        .par_iter()
        .map(|(partition, path)| read_reports(partition, path))
        .collect::<Result<_, _>>()?;
    let raw: Vec<RawReport> = per_file.into_iter().flatten().collect();
    let superseded_ids: HashSet<&str> =
        raw.iter().filter_map(|r| r.supersedes.as_deref()).collect();
    let superseded = raw
        .iter()
        .filter(|r| superseded_ids.contains(r.row.report_id.as_str()))
        .count();
    let current: Vec<&ReportRow> = raw
        .iter()
        .filter(|r| !superseded_ids.contains(r.row.report_id.as_str()))
        .map(|r| &r.row)
        .collect();
    // Findings across reports next: they name the copies, which count once.
    let current_ids: HashSet<&str> = current.iter().map(|r| r.report_id.as_str()).collect();
    let cross: Vec<CrossRow> = read_cross_findings(table_files(Table::CrossFindings))?
        .into_iter()
        .filter(|c| current_ids.contains(c.report_id.as_str()))
        .collect();
    let copy_ids: HashSet<&str> = cross
        .iter()
        .filter(|c| c.rule == COPY_RULE)
        .map(|c| c.report_id.as_str())
        .collect();
    let reports: Vec<ReportRow> = current
        .iter()
        .filter(|r| !copy_ids.contains(r.report_id.as_str()))
        .map(|r| (*r).clone())
        .collect();
    let copies = current.len() - reports.len();
    let index: HashMap<&str, usize> = reports
        .iter()
        .enumerate()
        .map(|(i, r)| (r.report_id.as_str(), i))
        .collect();

    let jobs: Vec<(Table, &PathBuf)> = [
        Table::Applications,
        Table::Findings,
        Table::Rejects,
        Table::Ledger,
    ]
    .into_iter()
    .flat_map(|t| table_files(t).iter().map(move |(_, path)| (t, path)))
    .collect();
    let pieces: Vec<Piece> = jobs
        .par_iter()
        .map(|(table, path)| match table {
            Table::Applications => read_applications(path, &index).map(Piece::Applications),
            Table::Findings => read_findings(path, &index).map(Piece::Findings),
            Table::Rejects => read_rejects(path).map(Piece::Rejects),
            _ => read_ledger(path).map(Piece::Ledger),
        })
        .collect::<Result<_, _>>()?;

    let mut dataset = Dataset {
        superseded,
        copies,
        ..Dataset::default()
    };
    let mut rejects = Vec::new();
    // Latest ledger outcome per content id (ledger files are in run order).
    let mut is_report: HashMap<String, bool> = HashMap::new();
    for piece in pieces {
        match piece {
            Piece::Applications(cells) => dataset.applications.extend(cells),
            Piece::Findings(rows) => dataset.findings.extend(rows),
            Piece::Rejects(rows) => rejects.extend(rows),
            Piece::Ledger(entries) => is_report.extend(entries),
        }
    }
    dataset.rejects = current_rejects(rejects, &is_report, runs);
    for (partition, path) in table_files(Table::Findings) {
        dataset
            .finding_files
            .entry(partition.clone())
            .or_default()
            .push(path.clone());
    }
    dataset.reports = reports;
    dataset.cross = cross;
    Ok(dataset)
}

/// The rejects that still stand: one per content (the latest), none whose
/// content the ledger last recorded as a report (read again with
/// `--retry-rejects`), and — for inputs that could not be read at all, which
/// every run tries again — only those of the last run.
pub(super) fn current_rejects(
    rows: Vec<(RejectRow, Option<String>, String)>,
    is_report: &HashMap<String, bool>,
    runs: &[RunInfo],
) -> Vec<RejectRow> {
    let last_run = runs.last().map(|r| r.run_id.as_str()).unwrap_or("");
    let mut latest: BTreeMap<String, usize> = BTreeMap::new();
    for (i, (_, content_id, _)) in rows.iter().enumerate() {
        if let Some(id) = content_id {
            latest.insert(id.clone(), i);
        }
    }
    rows.iter()
        .enumerate()
        .filter(|(i, (_, content_id, run_id))| match content_id {
            Some(id) => latest.get(id) == Some(i) && is_report.get(id) != Some(&true),
            None => run_id == last_run,
        })
        .map(|(_, (row, _, _))| row.clone())
        .collect()
}

fn read_reports(partition: &Partition, path: &Path) -> Result<Vec<RawReport>, ReportError> {
    let mut out = Vec::new();
    let columns = [
        "report_id",
        "source_path",
        "title",
        "agency",
        "province",
        "status",
        "supersedes",
        "run_id",
    ];
    read_file(path, &columns, None, |b| {
        let (ids, paths, titles, agencies) = (
            b.strings("report_id")?,
            b.strings("source_path")?,
            b.strings("title")?,
            b.strings("agency")?,
        );
        let (provinces, statuses, supersedes, runs) = (
            b.strings("province")?,
            b.strings("status")?,
            b.strings("supersedes")?,
            b.strings("run_id")?,
        );
        for i in 0..b.rows() {
            out.push(RawReport {
                row: ReportRow {
                    report_id: ids.value(i).to_string(),
                    source_path: paths.value(i).to_string(),
                    title: opt_str(titles, i),
                    agency: opt_str(agencies, i),
                    province: opt_str(provinces, i),
                    partition: partition.clone(),
                    status: statuses.value(i).to_string(),
                    run_id: runs.value(i).to_string(),
                },
                supersedes: opt_str(supersedes, i),
            });
        }
        Ok(())
    })?;
    Ok(out)
}

/// Looks report ids up, remembering the last one (a report's rows are adjacent).
struct Lookup<'a> {
    index: &'a HashMap<&'a str, usize>,
    last: Option<(String, Option<usize>)>,
}

impl<'a> Lookup<'a> {
    fn new(index: &'a HashMap<&'a str, usize>) -> Self {
        Lookup { index, last: None }
    }

    fn get(&mut self, id: &str) -> Option<usize> {
        match &self.last {
            Some((last, found)) if last == id => *found,
            _ => {
                let found = self.index.get(id).copied();
                self.last = Some((id.to_string(), found));
                found
            }
        }
    }
}

fn read_applications(
    path: &Path,
    index: &HashMap<&str, usize>,
) -> Result<Vec<AppCell>, ReportError> {
    let mut out = Vec::new();
    let mut lookup = Lookup::new(index);
    let columns = ["report_id", "row", "count"];
    read_file(path, &columns, Some(("applicant", "total")), |b| {
        let (ids, rows, counts) = (b.strings("report_id")?, b.strings("row")?, b.ints("count")?);
        for i in 0..b.rows() {
            let (Some(report), Some(row)) =
                (lookup.get(ids.value(i)), BRow::from_code(rows.value(i)))
            else {
                continue;
            };
            out.push(AppCell {
                report,
                row,
                count: opt_int(counts, i),
            });
        }
        Ok(())
    })?;
    Ok(out)
}

fn read_findings(
    path: &Path,
    index: &HashMap<&str, usize>,
) -> Result<Vec<FindingRow>, ReportError> {
    let mut out = Vec::new();
    let mut lookup = Lookup::new(index);
    let columns = ["report_id", "rule", "severity", "subject"];
    read_file(path, &columns, None, |b| {
        let (ids, rules, severities, subjects) = (
            b.strings("report_id")?,
            b.strings("rule")?,
            b.strings("severity")?,
            b.strings("subject")?,
        );
        for i in 0..b.rows() {
            let Some(report) = lookup.get(ids.value(i)) else {
                continue;
            };
            out.push(FindingRow {
                report,
                rule: rules.value(i).to_string(),
                severity: Severity::parse(severities.value(i)),
                subject: subjects.value(i).to_string(),
            });
        }
        Ok(())
    })?;
    Ok(out)
}

/// The findings across reports. Every run that adds a report replaces the
/// table (its commit deletes the earlier runs' parts), so only the parts of
/// the newest run that wrote it are read, whatever else is there.
fn read_cross_findings(files: &[(Partition, PathBuf)]) -> Result<Vec<CrossRow>, ReportError> {
    let run_of = |path: &PathBuf| {
        path.file_name()
            .and_then(|n| n.to_str())
            .and_then(part_run)
            .map(str::to_string)
    };
    let newest = files.iter().filter_map(|(_, p)| run_of(p)).max();
    let mut out = Vec::new();
    for (_, path) in files.iter().filter(|(_, p)| run_of(p) == newest) {
        read_file(path, &["report_id", "rule", "severity"], None, |b| {
            let (ids, rules, severities) = (
                b.strings("report_id")?,
                b.strings("rule")?,
                b.strings("severity")?,
            );
            for i in 0..b.rows() {
                out.push(CrossRow {
                    report_id: ids.value(i).to_string(),
                    rule: rules.value(i).to_string(),
                    severity: Severity::parse(severities.value(i)),
                });
            }
            Ok(())
        })?;
    }
    Ok(out)
}

type RejectRead = (RejectRow, Option<String>, String);

fn read_rejects(path: &Path) -> Result<Vec<RejectRead>, ReportError> {
    let mut out = Vec::new();
    let columns = ["source_path", "reason", "content_id", "run_id"];
    read_file(path, &columns, None, |b| {
        let (paths, reasons, ids, runs) = (
            b.strings("source_path")?,
            b.strings("reason")?,
            b.strings("content_id")?,
            b.strings("run_id")?,
        );
        for i in 0..b.rows() {
            out.push((
                RejectRow {
                    source_path: paths.value(i).to_string(),
                    reason: reasons.value(i).to_string(),
                },
                opt_str(ids, i),
                runs.value(i).to_string(),
            ));
        }
        Ok(())
    })?;
    Ok(out)
}

fn read_ledger(path: &Path) -> Result<Vec<(String, bool)>, ReportError> {
    let mut out = Vec::new();
    read_file(path, &["content_id", "outcome"], None, |b| {
        let (ids, outcomes) = (b.strings("content_id")?, b.strings("outcome")?);
        for i in 0..b.rows() {
            out.push((ids.value(i).to_string(), outcomes.value(i) == "report"));
        }
        Ok(())
    })?;
    Ok(out)
}

/// Every finding of the given reports, in file order, read from their
/// partitions only.
pub fn finding_details(
    dataset: &Dataset,
    reports: &[usize],
) -> Result<BTreeMap<usize, Vec<FindingDetail>>, ReportError> {
    let wanted: HashMap<&str, usize> = reports
        .iter()
        .filter_map(|&i| Some((dataset.reports.get(i)?.report_id.as_str(), i)))
        .collect();
    let partitions: BTreeSet<&Partition> = reports
        .iter()
        .filter_map(|&i| Some(&dataset.reports.get(i)?.partition))
        .collect();
    let paths: Vec<&PathBuf> = partitions
        .iter()
        .filter_map(|p| dataset.finding_files.get(*p))
        .flatten()
        .collect();
    let columns = [
        "report_id",
        "rule",
        "severity",
        "subject",
        "expected",
        "actual",
        "message",
    ];
    let per_file: Vec<Vec<(usize, FindingDetail)>> = paths
        .par_iter()
        .map(|path| {
            let mut out = Vec::new();
            read_file(path, &columns, None, |b| {
                let ids = b.strings("report_id")?;
                let (rules, severities, subjects) = (
                    b.strings("rule")?,
                    b.strings("severity")?,
                    b.strings("subject")?,
                );
                let (expected, actual, messages) = (
                    b.strings("expected")?,
                    b.strings("actual")?,
                    b.strings("message")?,
                );
                for i in 0..b.rows() {
                    let Some(&report) = wanted.get(ids.value(i)) else {
                        continue;
                    };
                    out.push((
                        report,
                        FindingDetail {
                            rule: rules.value(i).to_string(),
                            severity: Severity::parse(severities.value(i)),
                            subject: subjects.value(i).to_string(),
                            expected: opt_str(expected, i),
                            actual: opt_str(actual, i),
                            message: messages.value(i).to_string(),
                        },
                    ));
                }
                Ok(())
            })?;
            Ok(out)
        })
        .collect::<Result<_, ReportError>>()?;
    let mut details: BTreeMap<usize, Vec<FindingDetail>> = BTreeMap::new();
    for (report, detail) in per_file.into_iter().flatten() {
        details.entry(report).or_default().push(detail);
    }
    Ok(details)
}

/// Where a report's source file is on this machine, if it can be found: its
/// `source_path` below one of the inputs of the run that wrote it (a file
/// input is its own root's child). Relative inputs are taken from the current
/// directory. None when no candidate exists.
pub fn source_location(dataset: &Dataset, report: &ReportRow) -> Option<PathBuf> {
    let run = dataset.runs.iter().find(|r| r.run_id == report.run_id)?;
    let relative = Path::new(&report.source_path);
    if relative.is_absolute() {
        return relative.exists().then(|| relative.to_path_buf());
    }
    run.inputs.iter().find_map(|input| {
        let input = Path::new(input);
        let candidate = if input.is_dir() {
            input.join(relative)
        } else {
            input.parent().unwrap_or(Path::new("")).join(relative)
        };
        if candidate.is_file() {
            std::path::absolute(&candidate).ok()
        } else {
            None
        }
    })
}
