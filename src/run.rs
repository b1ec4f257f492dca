//! Run: the only module that knows the order of the stages.
//!
//! ```text
//! lock ─▶ recover ─▶ read ledger ─▶ walk ─▶ [rayon: read → hash → (skip if known) → decode → parse
//!      → validate → region] ─▶ sink (one thread, input order) ─▶ commit ─▶ unlock
//! ```
//!
//! Workers take files in small batches as they free up, and their outcomes
//! reach the single sink in input order (`ordered_map`), so output never
//! depends on thread timing; a window of files in flight bounds memory. With
//! one job there are no workers: the calling thread parses each file and
//! writes it.

use crate::cloud::inputs::Prefetch;
use crate::cloud::{CloudError, Location, ObjectStoreStore};
use crate::config::Config;
use crate::crosscheck;
use crate::decode::{self, PdfOptions};
use crate::model::{Outcome, Reject, RejectReason, Report, ReportStatus, SourceFile};
use crate::parse;
use crate::region::{RegionInput, RegionResolver};
use crate::sink::commit::{self, CommitStep};
use crate::sink::ledger::{self, Ledger};
use crate::sink::lock::DatasetLock;
use crate::sink::refresh::{self, SwapStep};
use crate::sink::schema::LedgerEntry;
use crate::sink::{DatasetWriter, FailingStore, LocalStore, OutputFormat, Store};
use crate::validate;
use crate::walk::{self, ReadError};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

// The types a run's result and error are made of.
pub use crate::region::RegionError;
pub use crate::sink::commit::Recovery;
pub use crate::sink::ledger::LedgerError;
pub use crate::sink::lock::{Holder, LockError};
pub use crate::sink::refresh::SwapRecovery;
pub use crate::sink::SinkError;
pub use crate::walk::WalkError;
use std::sync::{mpsc, Arc};
use std::time::{Duration, Instant};

/// Files whose outcomes may wait for the sink at once (parsed but not yet
/// written, or waiting for an earlier file): bounds memory while workers run
/// ahead of a slow file or a sink busy writing a partition.
const WINDOW_FILES: usize = 512;

/// Files a worker takes at a time.
const BATCH_FILES: usize = 16;

/// The `parse` failpoint fires after this many outcomes were recorded.
const FAILPOINT_PARSE_FILES: usize = 256;

/// What to ingest and where.
#[derive(Debug, Clone, Default)]
pub struct IngestOptions {
    /// Input files or directories.
    pub inputs: Vec<PathBuf>,
    /// Dataset directory.
    pub out: PathBuf,
    /// Worker threads (None: one per core).
    pub jobs: Option<usize>,
    /// Show a progress bar (only when stderr is a terminal).
    pub progress: bool,
    /// Rebuild the dataset from the inputs in a new folder and swap it in when complete.
    pub full_refresh: bool,
    /// Read again inputs that an earlier run rejected.
    pub retry_rejects: bool,
    /// Fault injection for tests: abort the process at a named point.
    pub failpoint: Option<Failpoint>,
    /// How the tables are written: Hive-style Parquet, or Delta Lake tables.
    pub format: OutputFormat,
}

/// Named points where tests make the process die (as `kill -9` would) or fail.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Failpoint {
    /// After the first chunk of files was parsed and written to the buffers.
    Parse,
    /// After the first part file was staged.
    Write,
    /// Right after the commit manifest was written.
    CommitManifest,
    /// After the first part file was moved into place.
    CommitMove,
    /// After every move, before `_SUCCESS`.
    CommitSuccess,
    /// Full refresh: the new dataset is complete, its swap not begun.
    RefreshBuilt,
    /// Full refresh: right after the swap manifest was written.
    SwapManifest,
    /// Full refresh: after the first old entry was moved aside.
    SwapOut,
    /// Full refresh: after the first new entry was moved in.
    SwapIn,
    /// Full refresh: after every move, before `_SUCCESS`.
    SwapSuccess,
    /// Storage refuses writes (ENOSPC) after the first two.
    DiskFull,
    /// Hold the lock for two seconds before working (concurrency tests).
    HoldLock,
}

impl Failpoint {
    /// Parse a failpoint name (`parse`, `write`, `commit-manifest`, …).
    pub fn parse(name: &str) -> Option<Self> {
        Some(match name {
            "parse" => Failpoint::Parse,
            "write" => Failpoint::Write,
            "commit-manifest" => Failpoint::CommitManifest,
            "commit-move" => Failpoint::CommitMove,
            "commit-success" => Failpoint::CommitSuccess,
            "refresh-built" => Failpoint::RefreshBuilt,
            "swap-manifest" => Failpoint::SwapManifest,
            "swap-out" => Failpoint::SwapOut,
            "swap-in" => Failpoint::SwapIn,
            "swap-success" => Failpoint::SwapSuccess,
            "disk-full" => Failpoint::DiskFull,
            "hold-lock" => Failpoint::HoldLock,
            _ => return None,
        })
    }
}

fn die_at(options: &IngestOptions, point: Failpoint) {
    if options.failpoint == Some(point) {
        eprintln!("xxgk: failpoint {point:?}: aborting");
        std::process::abort();
    }
}

/// Why a run could not complete.
#[derive(Debug, thiserror::Error)]
pub enum RunError {
    /// The inputs could not be walked.
    #[error(transparent)]
    Walk(#[from] WalkError),
    /// The output could not be opened or written.
    #[error("output {path}: {source}")]
    Output {
        /// The dataset directory.
        path: String,
        /// The I/O error.
        source: std::io::Error,
    },
    /// The output URL is not usable (scheme, bucket, credentials setup).
    #[error("output: {0}")]
    OutputLocation(#[from] CloudError),
    /// The output on an object store cannot be opened (bucket, permission, network).
    #[error(transparent)]
    OutputStore(#[from] crate::cloud::store::OpenError),
    /// Another run holds the dataset.
    #[error(transparent)]
    Lock(#[from] LockError),
    /// The ledger could not be read.
    #[error(transparent)]
    Ledger(#[from] LedgerError),
    /// Writing Parquet failed.
    #[error(transparent)]
    Sink(#[from] SinkError),
    /// The gazetteer could not be loaded.
    #[error(transparent)]
    Region(#[from] crate::region::RegionError),
    /// The worker pool could not be built.
    #[error("cannot start worker threads: {0}")]
    Threads(String),
    /// The output format is not built in, or differs from the dataset's.
    #[error("{0}")]
    Format(String),
}

/// What a run did, for the summary and `_runs/<run_id>.json`.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct RunSummary {
    /// Run id (`run-00001`).
    pub run_id: String,
    /// Inputs found.
    pub inputs: u64,
    /// Inputs whose content the dataset already held (skipped).
    pub unchanged: u64,
    /// Bytes read.
    pub bytes: u64,
    /// Reports written.
    pub reports: u64,
    /// Of which partial.
    pub partial: u64,
    /// Of which without tables.
    pub no_tables: u64,
    /// Of which new versions of an earlier report.
    pub superseding: u64,
    /// Rejects written.
    pub rejects: u64,
    /// Rejects by reason.
    pub rejects_by_reason: BTreeMap<String, u64>,
    /// Findings written.
    pub findings: u64,
    /// Findings across reports after the run (the dataset's, recomputed);
    /// 0 when the run added no report and left them as they were.
    pub cross_findings: u64,
    /// Rows written per table.
    pub rows: BTreeMap<String, u64>,
    /// Part files written.
    pub files: u64,
    /// Parquet bytes written.
    pub output_bytes: u64,
    /// What recovery found from killed runs.
    pub recovery: Recovery,
    /// Wall time in seconds.
    pub seconds: f64,
    /// Where the wall time went.
    pub phases: Phases,
    /// Worker threads.
    pub jobs: usize,
}

/// Wall time of a run's phases, in seconds.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct Phases {
    /// Walking the inputs, loading the ledger and the gazetteer.
    pub start: f64,
    /// Reading, decoding, parsing and validating every input while the sink
    /// buffers rows and writes the partitions that fill up.
    pub process: f64,
    /// Writing the partitions left at the end and making them durable.
    pub write: f64,
    /// The commit (manifest, moves, run record, ledger).
    pub commit: f64,
}

impl RunSummary {
    /// Input megabytes per second.
    pub fn mb_per_second(&self) -> f64 {
        self.bytes as f64 / 1e6 / self.seconds.max(1e-9)
    }

    /// Inputs that were new to the dataset.
    pub fn new_inputs(&self) -> u64 {
        self.reports + self.rejects
    }
}

/// Ingest the inputs into the dataset, end to end: open the dataset (lock,
/// recovery, ledger), read and parse every input into the writer, commit the
/// run, and swap a full refresh in.
pub fn ingest(options: &IngestOptions, config: &Config) -> Result<RunSummary, RunError> {
    let started = Instant::now();
    let walked = walk::walk(&options.inputs, &config.walk)?;
    let resolver = RegionResolver::embedded()?;
    let jobs = options
        .jobs
        .unwrap_or_else(|| {
            std::thread::available_parallelism()
                .map(|n| n.get())
                .unwrap_or(1)
        })
        .max(1);
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(jobs)
        .build()
        .map_err(|e| RunError::Threads(e.to_string()))?;

    if !options.format.available() {
        return Err(RunError::Format(
            "--format delta needs a build with the `delta` feature (cargo build --release --features delta)".into(),
        ));
    }
    let mut dataset = OpenDataset::open(options)?;
    let mut writer = DatasetWriter::new(
        dataset.store.as_ref(),
        &dataset.run_id,
        config.writer_options(),
    )?;
    writer.set_format(options.format);
    let mut summary = RunSummary {
        run_id: dataset.run_id.clone(),
        inputs: (walked.files.len() + walked.problems.len()) as u64,
        recovery: std::mem::take(&mut dataset.recovery),
        jobs,
        ..RunSummary::default()
    };

    let processing = Instant::now();
    let work = Work {
        options,
        config,
        resolver: &resolver,
        pool: &pool,
        jobs,
    };
    let mut sink = Sink {
        writer: &mut writer,
        summary: &mut summary,
        ledger: &mut dataset.ledger,
    };
    let read = work.read_and_parse(&walked, &mut sink).and_then(|_| {
        // The checks across reports see every current report, this run's
        // included; with nothing new, the last run's findings still hold.
        if summary.reports == 0 {
            return Ok(());
        }
        let cross = crosscheck::check(&dataset.ledger);
        summary.cross_findings = cross.len() as u64;
        writer
            .replace_cross_findings(&cross)
            .map_err(RunError::from)
    });
    let writing = Instant::now();
    // The end-of-run encoding and the commit's moves run in the pool too: `--jobs` bounds them.
    let written =
        read.and_then(|_| pool.install(|| writer.finish().map(|_| ()).map_err(RunError::from)));
    if let Err(e) = written {
        writer.abort();
        return Err(e);
    }
    if writer.staged_files() > 0 {
        die_at(options, Failpoint::Write);
    }

    let committing = Instant::now();
    summary.phases = Phases {
        start: (processing - started).as_secs_f64(),
        process: (writing - processing).as_secs_f64(),
        write: (committing - writing).as_secs_f64(),
        commit: 0.0,
    };
    summary.seconds = started.elapsed().as_secs_f64();
    commit_run(options, &pool, writer, &mut summary)?;
    dataset.swap_in_refresh(options)?;
    summary.phases.commit = committing.elapsed().as_secs_f64();
    summary.seconds = started.elapsed().as_secs_f64();
    Ok(summary)
}

fn output_err(store: &dyn Store) -> impl FnOnce(std::io::Error) -> RunError {
    let path = store.describe("");
    move |source| RunError::Output { path, source }
}

/// Open the dataset at a location: a local directory (created) or an object-store prefix.
fn open_store(location: &Location) -> Result<Arc<dyn Store>, RunError> {
    Ok(match location {
        Location::Local(path) => {
            Arc::new(LocalStore::open(path).map_err(|source| RunError::Output {
                path: path.display().to_string(),
                source,
            })?)
        }
        Location::Object(object) => Arc::new(ObjectStoreStore::open(object.clone())?),
    })
}

/// The location of the folder a full refresh builds in, inside the dataset.
fn refresh_location(target: &Location) -> Location {
    match target {
        Location::Local(path) => Location::Local(path.join(refresh::REFRESH_PREFIX)),
        Location::Object(object) => Location::Object(object.join(refresh::REFRESH_PREFIX)),
    }
}

/// The dataset a run writes, opened: locked, recovered, its ledger read.
struct OpenDataset {
    /// The dataset (`--out`).
    target: Arc<dyn Store>,
    /// Whether this run builds a full refresh under `_refresh/`, swapped in when complete.
    refreshing: bool,
    /// Where this run writes: the target, or for a full refresh its `_refresh/`.
    store: Box<dyn Store>,
    recovery: Recovery,
    ledger: Ledger,
    run_id: String,
    _lock: DatasetLock,
}

impl OpenDataset {
    /// Lock the dataset, finish or discard what a killed run left, read the ledger.
    fn open(options: &IngestOptions) -> Result<Self, RunError> {
        let location = Location::parse(&options.out)?;
        let target = open_store(&location)?;
        let lock = DatasetLock::acquire(Arc::clone(&target), "ingest")?;
        if options.failpoint == Some(Failpoint::HoldLock) {
            std::thread::sleep(Duration::from_secs(2));
        }
        // A full refresh killed before now is finished or discarded first: the
        // dataset is then exactly the old one or exactly the rebuilt one.
        let swap_recovery = refresh::recover(target.as_ref()).map_err(output_err(&*target))?;
        // A full refresh builds a new dataset under `_refresh/`; the old stays
        // readable until the swap.
        let build: Arc<dyn Store> = if options.full_refresh {
            target
                .delete_prefix(refresh::REFRESH_PREFIX)
                .map_err(output_err(&*target))?;
            open_store(&refresh_location(&location))?
        } else {
            Arc::clone(&target)
        };
        let store: Box<dyn Store> = match options.failpoint {
            Some(Failpoint::DiskFull) => Box::new(FailingStore::new(build, 2)),
            _ => Box::new(build),
        };
        let mut recovery = commit::recover(store.as_ref()).map_err(output_err(&*store))?;
        recovery.refresh = swap_recovery;
        let ledger = ledger::read_ledger(store.as_ref())?;
        let run_id = next_run_id(store.as_ref()).map_err(output_err(&*store))?;
        check_format(store.as_ref(), options.format)?;
        Ok(OpenDataset {
            target,
            refreshing: options.full_refresh,
            store,
            recovery,
            ledger,
            run_id,
            _lock: lock,
        })
    }

    /// A full refresh's committed rebuild replaces the dataset (crash-safe,
    /// see `sink::refresh`); nothing to do for an incremental run.
    fn swap_in_refresh(&self, options: &IngestOptions) -> Result<(), RunError> {
        if !self.refreshing {
            return Ok(());
        }
        let hook = |step: SwapStep| match step {
            SwapStep::Built => die_at(options, Failpoint::RefreshBuilt),
            SwapStep::ManifestWritten => die_at(options, Failpoint::SwapManifest),
            SwapStep::FirstOut => die_at(options, Failpoint::SwapOut),
            SwapStep::FirstIn => die_at(options, Failpoint::SwapIn),
            SwapStep::BeforeSuccess => die_at(options, Failpoint::SwapSuccess),
        };
        refresh::swap_in(self.target.as_ref(), &hook).map_err(output_err(&*self.target))
    }
}

/// What the read-and-parse step needs.
struct Work<'a> {
    options: &'a IngestOptions,
    config: &'a Config,
    resolver: &'a RegionResolver,
    pool: &'a rayon::ThreadPool,
    jobs: usize,
}

impl Work<'_> {
    /// Every walked input to the sink, in input order: the entries the walk
    /// could not read as rejects, then each file read, parsed and located by
    /// the workers (or, with one job, by this thread).
    fn read_and_parse(
        &self,
        walked: &walk::Walked,
        sink: &mut Sink<'_, '_>,
    ) -> Result<(), RunError> {
        for problem in &walked.problems {
            sink.record(Outcome::Reject(Reject {
                source_path: problem.rel_path.clone(),
                reason: RejectReason::Unreadable,
                message: problem.message.clone(),
                bytes: None,
                content_id: None,
            }))?;
        }
        let pdf = self.config.pdf_options();
        // The skip set is read by the workers while the sink only adds this run's
        // entries to a separate list, so it is frozen for the run.
        let skip = Skip {
            ledger: &*sink.ledger,
            retry_rejects: self.options.retry_rejects,
        }
        .snapshot();
        let max_file_bytes = self.config.walk.max_file_bytes;
        // Objects in an object store are read ahead, in input order, within a
        // bounded window; local files by the worker that parses them.
        let prefetch = if walked.remote.is_empty() {
            None
        } else {
            Some(Prefetch::start(walked.remote.clone(), max_file_bytes).map_err(WalkError::from)?)
        };
        let remote: std::collections::HashSet<usize> =
            walked.remote.iter().map(|(i, _)| *i).collect();
        let process = |f: &SourceFile| match &prefetch {
            Some(prefetch) if remote.contains(&f.index) => {
                process_read(f, prefetch.take(f.index), self.resolver, &pdf, &skip)
            }
            _ => process_file(f, max_file_bytes, self.resolver, &pdf, &skip),
        };

        let files = &walked.files;
        // The bar's total costs a stat per file: only when a bar is drawn.
        let total_bytes: u64 = if crate::progress::Progress::shown(self.options.progress) {
            let listed: u64 = walked.remote.iter().map(|(_, f)| f.size).sum();
            files
                .iter()
                .filter(|f| !remote.contains(&f.index))
                .filter_map(|f| std::fs::metadata(&f.path).ok())
                .map(|m| m.len())
                .sum::<u64>()
                + listed
        } else {
            0
        };
        let progress =
            crate::progress::Progress::new(self.options.progress, files.len() as u64, total_bytes);
        let mut recorded = 0usize;
        let mut consume = |outcome: Outcome| -> Result<(), RunError> {
            let bytes = match &outcome {
                Outcome::Report(r) => r.bytes,
                Outcome::Reject(r) => r.bytes.unwrap_or(0),
                Outcome::Unchanged { bytes, .. } => *bytes,
            };
            sink.summary.bytes += bytes;
            progress.advance(bytes);
            sink.record(outcome)?;
            recorded += 1;
            if recorded == FAILPOINT_PARSE_FILES.min(files.len()) {
                die_at(self.options, Failpoint::Parse);
            }
            Ok(())
        };
        let result = if self.jobs == 1 {
            // One thread does everything, the sink included: `--jobs 1` uses one core.
            files.iter().map(process).try_for_each(&mut consume)
        } else {
            // The workers parse while this thread, the sink, writes, in input order.
            // Files go in small batches: a hand-over per file (a thread wake-up for
            // the sink each time) cost 10% more CPU than it saved.
            let batches: Vec<&[SourceFile]> = files.chunks(BATCH_FILES).collect();
            ordered_map(
                self.pool,
                self.jobs,
                &batches,
                WINDOW_FILES / BATCH_FILES,
                |batch| batch.iter().map(process).collect::<Vec<_>>(),
                |outcomes| outcomes.into_iter().try_for_each(&mut consume),
            )
        };
        progress.finish();
        result
    }
}

/// Commit the run's staged files with its record (see `sink::commit`), and
/// note what was written in the summary.
fn commit_run(
    options: &IngestOptions,
    pool: &rayon::ThreadPool,
    writer: DatasetWriter<'_>,
    summary: &mut RunSummary,
) -> Result<(), RunError> {
    let record = serde_json::to_value(RunRecord::new(summary, options)).unwrap_or_default();
    let hook = |step: CommitStep| match step {
        CommitStep::ManifestWritten => die_at(options, Failpoint::CommitManifest),
        CommitStep::FirstMove => die_at(options, Failpoint::CommitMove),
        CommitStep::BeforeSuccess => die_at(options, Failpoint::CommitSuccess),
    };
    let stats = pool.install(|| writer.commit(record, &hook))?;
    summary.rows = stats
        .rows
        .iter()
        .map(|(k, v)| (k.to_string(), *v))
        .collect();
    summary.files = stats.files;
    summary.output_bytes = stats.bytes;
    Ok(())
}

/// Map `items` on `workers` tasks of `pool` and hand each result to `consume` on
/// the calling thread, in input order.
///
/// Workers take the next item as soon as they are free (no barrier at which they
/// wait for the slowest of a group), but only while fewer than `window` results are
/// pending: results wait in a reorder buffer for the items before them, and
/// each one consumed lets a worker take one more item. An error from `consume`
/// stops the workers and is returned.
fn ordered_map<T, R, E>(
    pool: &rayon::ThreadPool,
    workers: usize,
    items: &[T],
    window: usize,
    map: impl Fn(&T) -> R + Sync,
    mut consume: impl FnMut(R) -> Result<(), E>,
) -> Result<(), E>
where
    T: Sync,
    R: Send,
{
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Mutex;
    // Every worker leaves by taking a permit and finding no item: the window
    // must leave one permit per worker when all items are taken.
    let window = window.max(workers);
    let (permit_tx, permit_rx) = mpsc::channel::<()>();
    let permits = Mutex::new(permit_rx);
    let next = AtomicUsize::new(0);
    std::thread::scope(|scope| {
        // Moved in: dropped when this closure returns (an error included),
        // which tells waiting workers to leave.
        let permit_tx = permit_tx;
        for _ in 0..window {
            let _ = permit_tx.send(());
        }
        let (result_tx, results) = mpsc::channel::<(usize, R)>();
        let (map, permits, next) = (&map, &permits, &next);
        scope.spawn(move || {
            pool.scope(|tasks| {
                for _ in 0..workers {
                    let result_tx = result_tx.clone();
                    tasks.spawn(move |_| loop {
                        let i = {
                            let Ok(permits) = permits.lock() else { return };
                            // No permit: the consumer stopped.
                            if permits.recv().is_err() {
                                return;
                            }
                            next.fetch_add(1, Ordering::Relaxed)
                        };
                        let Some(item) = items.get(i) else { return };
                        if result_tx.send((i, map(item))).is_err() {
                            return; // the consumer stopped
                        }
                    });
                }
            });
        });
        let mut pending = std::collections::BTreeMap::new();
        let mut next_out = 0;
        // Ends when every worker has left (each holds a sender).
        for (i, result) in results {
            pending.insert(i, result);
            while let Some(result) = pending.remove(&next_out) {
                consume(result)?;
                next_out += 1;
                let _ = permit_tx.send(());
            }
        }
        Ok(())
    })
}

/// The single consumer of outcomes: writes rows, keeps counts, assigns `supersedes`.
struct Sink<'a, 'w> {
    writer: &'a mut DatasetWriter<'w>,
    summary: &'a mut RunSummary,
    ledger: &'a mut Ledger,
}

impl Sink<'_, '_> {
    fn record(&mut self, outcome: Outcome) -> Result<(), SinkError> {
        let run_id = self.writer.run_id().to_string();
        match outcome {
            Outcome::Unchanged { .. } => {
                self.summary.unchanged += 1;
                Ok(())
            }
            Outcome::Report(mut report) => {
                let s = &mut *self.summary;
                s.reports += 1;
                s.findings += report.parsed.findings.len() as u64;
                match report.parsed.status {
                    ReportStatus::Partial => s.partial += 1,
                    ReportStatus::NoTables => s.no_tables += 1,
                    ReportStatus::Ok => {}
                }
                report.supersedes = self
                    .ledger
                    .superseded(&report.source_path)
                    .filter(|id| *id != report.report_id);
                if report.supersedes.is_some() {
                    s.superseding += 1;
                }
                let entry = report_ledger_entry(&report, run_id);
                self.ledger.note(&entry);
                self.writer.add_report(&report)?;
                self.writer.add_ledger(&entry)
            }
            Outcome::Reject(reject) => {
                self.summary.rejects += 1;
                *self
                    .summary
                    .rejects_by_reason
                    .entry(reject.reason.as_str().to_string())
                    .or_default() += 1;
                self.writer.add_reject(&reject)?;
                // An input that could not be read has no content to remember: it is tried again.
                let Some(content_id) = reject.content_id.clone() else {
                    return Ok(());
                };
                let entry = LedgerEntry {
                    content_id,
                    source_path: reject.source_path.clone(),
                    bytes: reject.bytes.unwrap_or(0),
                    outcome: "reject",
                    reason: Some(reject.reason.as_str().to_string()),
                    agency: None,
                    year: None,
                    facts: Default::default(),
                    run_id,
                };
                self.ledger.note(&entry);
                self.writer.add_ledger(&entry)
            }
        }
    }
}

/// A report's ledger entry: what later runs (and the checks across reports) know of it.
pub(crate) fn report_ledger_entry(report: &Report, run_id: String) -> LedgerEntry {
    LedgerEntry {
        content_id: report.report_id.clone(),
        source_path: report.source_path.clone(),
        bytes: report.bytes,
        outcome: "report",
        reason: None,
        agency: report.parsed.agency.clone(),
        year: report.parsed.year,
        facts: crosscheck::facts(report),
        run_id,
    }
}

/// Which content ids the workers skip.
struct Skip<'a> {
    ledger: &'a Ledger,
    retry_rejects: bool,
}

impl Skip<'_> {
    fn snapshot(&self) -> std::collections::HashSet<String> {
        self.ledger
            .outcome
            .iter()
            .filter(|(_, outcome)| **outcome == "report" || !self.retry_rejects)
            .map(|(id, _)| id.clone())
            .collect()
    }
}

/// The run record written to `_runs/<run_id>.json`: what was read and written, and timings.
#[derive(serde::Serialize)]
struct RunRecord<'a> {
    tool: &'static str,
    version: &'static str,
    inputs_args: Vec<String>,
    format: OutputFormat,
    #[serde(flatten)]
    summary: &'a RunSummary,
}

impl<'a> RunRecord<'a> {
    fn new(summary: &'a RunSummary, options: &IngestOptions) -> Self {
        RunRecord {
            tool: "xxgk",
            version: env!("CARGO_PKG_VERSION"),
            inputs_args: options
                .inputs
                .iter()
                .map(|p| p.display().to_string())
                .collect(),
            format: options.format,
            summary,
        }
    }
}

/// Read (at most `max_file_bytes`), hash, decode, parse, validate and locate
/// one file. Never fails: every problem becomes a reject, including a panic
/// (which would be a bug).
pub(crate) fn process_file(
    file: &SourceFile,
    max_file_bytes: u64,
    resolver: &RegionResolver,
    pdf: &PdfOptions,
    skip: &std::collections::HashSet<String>,
) -> Outcome {
    let read = walk::read_input(&file.path, max_file_bytes);
    process_read(file, read, resolver, pdf, skip)
}

/// `process_file` for bytes read elsewhere (an object store's prefetcher):
/// a read error becomes a reject, the bytes are hashed, decoded and parsed.
pub(crate) fn process_read(
    file: &SourceFile,
    read: Result<Vec<u8>, ReadError>,
    resolver: &RegionResolver,
    pdf: &PdfOptions,
    skip: &std::collections::HashSet<String>,
) -> Outcome {
    let bytes = match read {
        Ok(bytes) => bytes,
        Err(e) => {
            let size = match &e {
                ReadError::Io(_) => std::fs::metadata(&file.path).ok().map(|m| m.len()),
                _ => None,
            };
            return Outcome::Reject(unread_reject(&file.rel_path, &e, size));
        }
    };
    let content_id = content_id(&bytes);
    if skip.contains(&content_id) {
        return Outcome::Unchanged {
            bytes: bytes.len() as u64,
        };
    }
    process_bytes(
        &file.path,
        &file.rel_path,
        &bytes,
        content_id,
        resolver,
        pdf,
    )
}

/// The reject of an input whose bytes were not read (`size`: its size when
/// known otherwise).
pub(crate) fn unread_reject(source_path: &str, e: &ReadError, size: Option<u64>) -> Reject {
    let (reason, bytes) = match e {
        ReadError::NotAFile(_) => (RejectReason::NotAFile, None),
        ReadError::TooLarge { size, .. } => (RejectReason::TooLarge, Some(*size)),
        ReadError::Io(_) => (RejectReason::Unreadable, size),
    };
    Reject {
        source_path: source_path.to_string(),
        reason,
        message: e.to_string(),
        bytes,
        content_id: None,
    }
}

/// Decode, parse, validate and locate one input's bytes: the step every input
/// of `xxgk ingest` and every call of [`crate::Parser::parse`] goes through.
/// Never fails: every problem becomes a reject, including a panic (which would
/// be a bug). `path` is only looked at for its extension (the format is
/// sniffed from the leading bytes first); `source_path` is what the rows say.
pub(crate) fn process_bytes(
    path: &Path,
    source_path: &str,
    bytes: &[u8],
    content_id: String,
    resolver: &RegionResolver,
    pdf: &PdfOptions,
) -> Outcome {
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        read_report(path, source_path, bytes, &content_id, resolver, pdf)
    }));
    let reject = |reason, message: String| {
        Outcome::Reject(Reject {
            source_path: source_path.to_string(),
            reason,
            message,
            bytes: Some(bytes.len() as u64),
            content_id: Some(content_id.clone()),
        })
    };
    match result {
        Ok(Ok(report)) => Outcome::Report(Box::new(report)),
        Ok(Err(Failure::Decode(e))) => reject(e.reason(), e.to_string()),
        Ok(Err(Failure::Parse(e))) => reject(RejectReason::NotAReport, e.to_string()),
        Err(_) => reject(
            RejectReason::InternalError,
            "the parser panicked on this file (a bug; please report it)".into(),
        ),
    }
}

enum Failure {
    Decode(decode::DecodeError),
    Parse(parse::ParseError),
}

fn read_report(
    path: &Path,
    source_path: &str,
    bytes: &[u8],
    content_id: &str,
    resolver: &RegionResolver,
    pdf: &PdfOptions,
) -> Result<Report, Failure> {
    let mut doc = decode::decode(path, bytes, pdf).map_err(Failure::Decode)?;
    let text = doc.plain_text();
    let mut parsed = parse::parse_with_text(&doc, &text).map_err(Failure::Parse)?;
    // What the decoder repaired comes first: it explains what follows.
    parsed
        .findings
        .splice(0..0, std::mem::take(&mut doc.findings));
    validate::validate(&mut parsed);
    let resolution = resolver.resolve(&RegionInput {
        title: parsed.title.as_deref(),
        agency: parsed.agency.as_deref(),
        text: &text,
        year: parsed.year,
    });
    parsed.findings.extend(resolution.findings);
    Ok(Report {
        report_id: content_id.to_string(),
        source_path: source_path.to_string(),
        source_format: doc.format,
        encoding: doc.encoding,
        bytes: bytes.len() as u64,
        parsed,
        region: resolution.region,
        supersedes: None,
    })
}

/// The stable id of an input's content: the first 16 bytes of its BLAKE3 hash,
/// in hex (public as [`crate::content_id`]).
pub(crate) fn content_id(bytes: &[u8]) -> String {
    hex::encode(&blake3::hash(bytes).as_bytes()[..16])
}

/// A dataset keeps the format of its runs: the last run's record says which
/// (records without one are Parquet). Changing it takes a full refresh.
fn check_format(store: &dyn Store, format: OutputFormat) -> Result<(), RunError> {
    let runs = store.list("_runs").map_err(output_err(store))?;
    let Some(last) = runs.iter().rfind(|k| k.ends_with(".json")) else {
        return Ok(());
    };
    let record: serde_json::Value = store
        .get(last)
        .map_err(output_err(store))?
        .and_then(|bytes| serde_json::from_slice(&bytes).ok())
        .unwrap_or_default();
    let found: OutputFormat = record
        .get("format")
        .and_then(|f| serde_json::from_value(f.clone()).ok())
        .unwrap_or_default();
    if found == format {
        return Ok(());
    }
    let name = |f: OutputFormat| match f {
        OutputFormat::Parquet => "parquet",
        OutputFormat::Delta => "delta",
    };
    Err(RunError::Format(format!(
        "the dataset {} is written as {}, not {}: keep --format {} or rebuild it with --full-refresh",
        store.describe(""),
        name(found),
        name(format),
        name(found)
    )))
}

/// `run-NNNNN`, one more than the runs already committed to the dataset.
fn next_run_id(store: &dyn Store) -> std::io::Result<String> {
    let runs = store
        .list("_runs")?
        .iter()
        .filter(|k| k.ends_with(".json"))
        .count();
    Ok(format!("run-{:05}", runs + 1))
}

#[cfg(test)]
mod tests {
    use super::ordered_map;
    use std::sync::atomic::{AtomicUsize, Ordering};

    fn pool(threads: usize) -> rayon::ThreadPool {
        rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .expect("threads")
    }

    #[test]
    fn ordered_map_keeps_input_order_and_bounds_pending_results() {
        let items: Vec<u64> = (0..2_000).collect();
        let (started, consumed) = (AtomicUsize::new(0), AtomicUsize::new(0));
        let mut seen = Vec::new();
        let result: Result<(), ()> = ordered_map(
            &pool(3),
            3,
            &items,
            8,
            |&n| {
                // Uneven work, so later items often finish first, and now and
                // then a slow one the others pile up behind.
                let in_flight =
                    started.fetch_add(1, Ordering::SeqCst) + 1 - consumed.load(Ordering::SeqCst);
                assert!(in_flight <= 8, "{in_flight} results pending");
                let micros = if n % 500 == 10 {
                    20_000
                } else {
                    (n * 7919) % 300
                };
                std::thread::sleep(std::time::Duration::from_micros(micros));
                n * 2
            },
            |doubled| {
                consumed.fetch_add(1, Ordering::SeqCst);
                seen.push(doubled);
                Ok(())
            },
        );
        assert_eq!(result, Ok(()));
        assert_eq!(seen, items.iter().map(|n| n * 2).collect::<Vec<_>>());
    }

    #[test]
    fn ordered_map_stops_on_the_first_error() {
        let items: Vec<usize> = (0..10_000).collect();
        let mapped = AtomicUsize::new(0);
        let mut seen = 0;
        let result = ordered_map(
            &pool(2),
            2,
            &items,
            16,
            |&n| {
                mapped.fetch_add(1, Ordering::SeqCst);
                n
            },
            |n| {
                seen += 1;
                if n == 100 {
                    Err(n)
                } else {
                    Ok(())
                }
            },
        );
        assert_eq!(result, Err(100));
        assert_eq!(seen, 101);
        // The workers stop: at most the window and one item per worker past the error.
        assert!(mapped.load(Ordering::SeqCst) <= 101 + 16 + 2);
    }

    #[test]
    fn ordered_map_handles_fewer_items_than_workers() {
        let mut seen = Vec::new();
        let result: Result<(), ()> = ordered_map(
            &pool(4),
            4,
            &[1, 2],
            1,
            |&n| n,
            |n| {
                seen.push(n);
                Ok(())
            },
        );
        assert_eq!(result, Ok(()));
        assert_eq!(seen, vec![1, 2]);
        let empty: [u8; 0] = [];
        let result: Result<(), ()> = ordered_map(&pool(2), 2, &empty, 4, |&n| n, |_| Ok(()));
        assert_eq!(result, Ok(()));
    }
}
