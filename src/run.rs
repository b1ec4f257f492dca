//! Run: the only module that knows the order of the stages.
//!
//! ```text
//! walk ──▶ [rayon workers: read → decode → parse → validate → region] ──▶ sink (one thread)
//! ```
//!
//! Files are processed in chunks; each chunk is mapped in parallel and its
//! outcomes, in input order, go over a bounded channel to the single sink, so
//! output never depends on thread timing and memory stays bounded.

use crate::config::Config;
use crate::decode::{self, PdfOptions};
use crate::model::{Outcome, Reject, RejectReason, Report, SourceFile};
use crate::parse;
use crate::region::{RegionInput, RegionResolver};
use crate::sink::{DatasetWriter, LocalStore, SinkError, Store};
use crate::validate;
use crate::walk::{self, WalkError};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// Files per parallel chunk: large enough to keep workers busy, small enough
/// that a chunk's outcomes are cheap to hold.
const CHUNK_FILES: usize = 256;

/// What to ingest and where.
#[derive(Debug, Clone)]
pub struct IngestOptions {
    /// Input files or directories.
    pub inputs: Vec<PathBuf>,
    /// Dataset directory.
    pub out: PathBuf,
    /// Worker threads (None: one per core).
    pub jobs: Option<usize>,
    /// Show a progress bar (only when stderr is a terminal).
    pub progress: bool,
    /// Replace an existing dataset instead of refusing.
    pub overwrite: bool,
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
    /// The output already holds a dataset.
    #[error("{0} already holds a dataset; pass --overwrite to replace it")]
    Exists(String),
    /// Writing Parquet failed.
    #[error(transparent)]
    Sink(#[from] SinkError),
    /// The gazetteer could not be loaded.
    #[error(transparent)]
    Region(#[from] crate::region::RegionError),
    /// The worker pool could not be built.
    #[error("cannot start worker threads: {0}")]
    Threads(String),
}

/// What a run did, for the summary and `_runs/<run_id>.json`.
#[derive(Debug, Clone, serde::Serialize)]
pub struct RunSummary {
    /// Run id (`run-00001`).
    pub run_id: String,
    /// Inputs found.
    pub inputs: u64,
    /// Bytes read.
    pub bytes: u64,
    /// Reports written.
    pub reports: u64,
    /// Of which partial.
    pub partial: u64,
    /// Of which without tables.
    pub no_tables: u64,
    /// Rejects written.
    pub rejects: u64,
    /// Rejects by reason.
    pub rejects_by_reason: BTreeMap<String, u64>,
    /// Findings written.
    pub findings: u64,
    /// Rows written per table.
    pub rows: BTreeMap<String, u64>,
    /// Part files written.
    pub files: u64,
    /// Parquet bytes written.
    pub output_bytes: u64,
    /// Wall time in seconds.
    pub seconds: f64,
    /// Worker threads.
    pub jobs: usize,
}

impl RunSummary {
    /// Input megabytes per second.
    pub fn mb_per_second(&self) -> f64 {
        self.bytes as f64 / 1e6 / self.seconds.max(1e-9)
    }
}

/// Ingest the inputs into the dataset, end to end.
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

    // A replaced dataset is built beside the old one and swapped in at the end.
    let target = options.out.clone();
    let has_dataset = target.join("_runs").exists() || target.join("reports").exists();
    if has_dataset && !options.overwrite {
        return Err(RunError::Exists(target.display().to_string()));
    }
    let build_dir = if has_dataset {
        sibling(&target, "building")
    } else {
        target.clone()
    };
    let output_err = |source| RunError::Output {
        path: build_dir.display().to_string(),
        source,
    };
    let store = LocalStore::open(&build_dir).map_err(output_err)?;
    let run_id = next_run_id(&store).map_err(output_err)?;
    let mut writer = DatasetWriter::new(&store, &run_id, config.writer_options())?;

    let pdf = PdfOptions {
        timeout: Duration::from_secs(config.pdf.timeout_secs),
        ..PdfOptions::default()
    };
    let total_bytes: u64 = walked
        .files
        .iter()
        .filter_map(|f| std::fs::metadata(&f.path).ok())
        .map(|m| m.len())
        .sum();
    let progress =
        crate::progress::Progress::new(options.progress, walked.files.len() as u64, total_bytes);
    let mut summary = RunSummary {
        run_id: run_id.clone(),
        inputs: (walked.files.len() + walked.problems.len()) as u64,
        bytes: 0,
        reports: 0,
        partial: 0,
        no_tables: 0,
        rejects: 0,
        rejects_by_reason: BTreeMap::new(),
        findings: 0,
        rows: BTreeMap::new(),
        files: 0,
        output_bytes: 0,
        seconds: 0.0,
        jobs,
    };

    for problem in &walked.problems {
        let reject = Reject {
            source_path: problem.rel_path.clone(),
            reason: RejectReason::Unreadable,
            message: problem.message.clone(),
            bytes: None,
            content_id: None,
        };
        record(&mut writer, &mut summary, Outcome::Reject(reject))?;
    }

    let result = std::thread::scope(|scope| -> Result<(), RunError> {
        let (tx, rx) = mpsc::sync_channel::<Vec<Outcome>>(2);
        let files = &walked.files;
        let resolver = &resolver;
        let pdf = &pdf;
        let pool = &pool;
        scope.spawn(move || {
            use rayon::prelude::*;
            for chunk in files.chunks(CHUNK_FILES) {
                let outcomes: Vec<Outcome> = pool.install(|| {
                    chunk
                        .par_iter()
                        .map(|f| process_file(f, resolver, pdf))
                        .collect()
                });
                if tx.send(outcomes).is_err() {
                    return; // the sink stopped on an error
                }
            }
        });
        for outcomes in rx {
            for outcome in outcomes {
                let bytes = match &outcome {
                    Outcome::Report(r) => r.bytes,
                    Outcome::Reject(r) => r.bytes.unwrap_or(0),
                };
                summary.bytes += bytes;
                progress.advance(bytes);
                record(&mut writer, &mut summary, outcome)?;
            }
        }
        Ok(())
    });
    progress.finish();
    if let Err(e) = result.and_then(|_| writer.finish().map(|_| ()).map_err(RunError::from)) {
        writer.abort();
        return Err(e);
    }
    summary.seconds = started.elapsed().as_secs_f64();
    let record_json =
        serde_json::to_vec_pretty(&RunRecord::new(&summary, options)).unwrap_or_default();
    let stats = writer.commit(&record_json)?;
    summary.rows = stats
        .rows
        .iter()
        .map(|(k, v)| (k.to_string(), *v))
        .collect();
    summary.files = stats.files;
    summary.output_bytes = stats.bytes;
    if build_dir != target {
        swap_in(&build_dir, &target).map_err(|source| RunError::Output {
            path: target.display().to_string(),
            source,
        })?;
    }
    summary.seconds = started.elapsed().as_secs_f64();
    Ok(summary)
}

/// The run record written to `_runs/<run_id>.json`: what was read and written, and timings.
#[derive(serde::Serialize)]
struct RunRecord<'a> {
    tool: &'static str,
    version: &'static str,
    inputs_args: Vec<String>,
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
            summary,
        }
    }
}

fn record(
    writer: &mut DatasetWriter<'_>,
    summary: &mut RunSummary,
    outcome: Outcome,
) -> Result<(), SinkError> {
    match outcome {
        Outcome::Report(report) => {
            summary.reports += 1;
            summary.findings += report.parsed.findings.len() as u64;
            match report.parsed.status {
                crate::model::ReportStatus::Partial => summary.partial += 1,
                crate::model::ReportStatus::NoTables => summary.no_tables += 1,
                crate::model::ReportStatus::Ok => {}
            }
            writer.add_report(&report)
        }
        Outcome::Reject(reject) => {
            summary.rejects += 1;
            *summary
                .rejects_by_reason
                .entry(reject.reason.as_str().to_string())
                .or_default() += 1;
            writer.add_reject(&reject)
        }
    }
}

/// Read, decode, parse, validate and locate one file. Never fails: every
/// problem becomes a reject, including a panic (which would be a bug).
pub fn process_file(file: &SourceFile, resolver: &RegionResolver, pdf: &PdfOptions) -> Outcome {
    let bytes = match std::fs::read(&file.path) {
        Ok(bytes) => bytes,
        Err(e) => {
            return Outcome::Reject(Reject {
                source_path: file.rel_path.clone(),
                reason: RejectReason::Unreadable,
                message: format!("cannot read: {e}"),
                bytes: std::fs::metadata(&file.path).ok().map(|m| m.len()),
                content_id: None,
            })
        }
    };
    let content_id = content_id(&bytes);
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        process_bytes(file, &bytes, &content_id, resolver, pdf)
    }));
    let reject = |reason, message: String| {
        Outcome::Reject(Reject {
            source_path: file.rel_path.clone(),
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

fn process_bytes(
    file: &SourceFile,
    bytes: &[u8],
    content_id: &str,
    resolver: &RegionResolver,
    pdf: &PdfOptions,
) -> Result<Report, Failure> {
    let doc = decode::decode(&file.path, bytes, pdf).map_err(Failure::Decode)?;
    let mut parsed = parse::parse(&doc).map_err(Failure::Parse)?;
    validate::validate(&mut parsed);
    let text = doc.plain_text();
    let resolution = resolver.resolve(&RegionInput {
        title: parsed.title.as_deref(),
        agency: parsed.agency.as_deref(),
        text: &text,
        year: parsed.year,
    });
    parsed.findings.extend(resolution.findings);
    Ok(Report {
        report_id: content_id.to_string(),
        source_path: file.rel_path.clone(),
        source_format: doc.format,
        encoding: doc.encoding,
        bytes: bytes.len() as u64,
        parsed,
        region: resolution.region,
    })
}

/// The stable id of an input's content: the first 16 bytes of its SHA-256, in hex.
pub fn content_id(bytes: &[u8]) -> String {
    hex::encode(&Sha256::digest(bytes)[..16])
}

/// `run-NNNNN`, one more than the runs already recorded in the dataset.
fn next_run_id(store: &dyn Store) -> std::io::Result<String> {
    let runs = store
        .list("_runs")?
        .iter()
        .filter(|k| k.ends_with(".json"))
        .count();
    Ok(format!("run-{:05}", runs + 1))
}

fn sibling(target: &std::path::Path, what: &str) -> PathBuf {
    let name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "out".into());
    target.with_file_name(format!(".{name}.{what}-{}", std::process::id()))
}

/// Replace `target` with the complete dataset in `built`: the old one stays
/// readable until the new one is complete; two renames swap them.
fn swap_in(built: &std::path::Path, target: &std::path::Path) -> std::io::Result<()> {
    let old = sibling(target, "old");
    std::fs::rename(target, &old)?;
    std::fs::rename(built, target)?;
    std::fs::remove_dir_all(&old)
}
