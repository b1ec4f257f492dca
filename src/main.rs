//! The `xxgk` command line: parse flags, load the config, run, report.

use anyhow::Context;
use clap::{Parser, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;
use xxgk::run::{self, IngestOptions};
use xxgk::Config;
use xxgk::OutputFormat;

/// jemalloc: glibc's malloc was a fifth of the CPU on large runs (many short-lived
/// strings on every worker). It serves C's `malloc` too (zstd's contexts, one per
/// Parquet column chunk, were fresh `mmap`s under glibc); see the README's design
/// section and BENCHMARKS.md.
#[global_allocator]
static GLOBAL: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

/// Turn 政府信息公开工作年度报告 into Hive-partitioned Parquet.
#[derive(Parser, Debug)]
#[command(name = "xxgk", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Read reports (files or directories) and write the dataset.
    Ingest {
        /// Input files or directories (walked recursively).
        #[arg(required = true)]
        inputs: Vec<PathBuf>,
        /// Dataset directory: created, or updated with the inputs it does not hold yet.
        #[arg(long)]
        out: PathBuf,
        /// Pipeline settings (default: config/xxgk.toml when it exists, else the built-in defaults).
        #[arg(long)]
        config: Option<PathBuf>,
        /// Worker threads (default: one per core).
        #[arg(long)]
        jobs: Option<usize>,
        /// No progress bar and no summary.
        #[arg(long)]
        quiet: bool,
        /// Fail (exit 3) if any input is rejected.
        #[arg(long)]
        strict: bool,
        /// Rebuild the dataset from the inputs alone (built beside it, swapped in when complete).
        #[arg(long, alias = "overwrite")]
        full_refresh: bool,
        /// Read again inputs an earlier run rejected (they are skipped otherwise until their content changes).
        #[arg(long)]
        retry_rejects: bool,
        /// Table format: `parquet` (Hive-partitioned) or `delta` (Delta Lake tables; feature `delta`).
        #[arg(long, default_value = "parquet", value_parser = parse_format)]
        format: OutputFormat,
    },
    /// Write the quality report: one self-contained HTML page of charts about a dataset.
    Report {
        /// Dataset directory (as written by `xxgk ingest`).
        #[arg(long)]
        dataset: PathBuf,
        /// The HTML file to write.
        #[arg(long)]
        out: PathBuf,
        /// No summary line.
        #[arg(long)]
        quiet: bool,
    },
    /// Show how a name or a text snippet resolves to a region.
    Regions {
        /// The text to resolve (e.g. an agency name).
        text: String,
        /// Year the codes should be valid in.
        #[arg(long)]
        year: Option<i32>,
    },
}

/// `--format`: `parquet` or `delta`.
fn parse_format(name: &str) -> Result<OutputFormat, String> {
    OutputFormat::parse(name).ok_or_else(|| format!("{name:?}: expected parquet or delta"))
}

/// Where the pipeline settings are looked for when `--config` is not given.
const DEFAULT_CONFIG: &str = "config/xxgk.toml";

fn main() -> ExitCode {
    match real_main() {
        Ok(code) => code,
        Err(e) => {
            eprintln!("xxgk: error: {e:#}");
            ExitCode::from(2)
        }
    }
}

fn real_main() -> anyhow::Result<ExitCode> {
    let cli = Cli::parse();
    match cli.command {
        Command::Ingest {
            inputs,
            out,
            config,
            jobs,
            quiet,
            strict,
            full_refresh,
            retry_rejects,
            format,
        } => {
            if jobs == Some(0) {
                anyhow::bail!("--jobs must be at least 1");
            }
            let config = match config {
                Some(path) => Config::load(&path)?,
                None if std::path::Path::new(DEFAULT_CONFIG).exists() => {
                    Config::load(std::path::Path::new(DEFAULT_CONFIG))?
                }
                None => Config::builtin(),
            };
            // Fault injection for the crash-recovery tests; never set in normal use.
            let failpoint = match std::env::var("XXGK_FAILPOINT") {
                Ok(name) => Some(
                    run::Failpoint::parse(&name)
                        .with_context(|| format!("unknown XXGK_FAILPOINT {name:?}"))?,
                ),
                Err(_) => None,
            };
            let options = IngestOptions {
                inputs,
                out,
                jobs,
                progress: !quiet,
                full_refresh,
                retry_rejects,
                failpoint,
                format,
            };
            let summary = run::ingest(&options, &config).context("ingest failed")?;
            if !quiet {
                print_summary(&summary);
            }
            if strict && summary.rejects > 0 {
                eprintln!("xxgk: --strict: {} inputs were rejected", summary.rejects);
                return Ok(ExitCode::from(3));
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Report {
            dataset,
            out,
            quiet,
        } => {
            let started = std::time::Instant::now();
            let summary = xxgk::report::write_report(&dataset, &out).context("report failed")?;
            if !quiet {
                eprintln!(
                    "report: {} reports → {} ({} KB) in {:.2} s",
                    summary.reports,
                    out.display(),
                    summary.bytes.div_ceil(1024),
                    started.elapsed().as_secs_f64()
                );
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Regions { text, year } => {
            println!("{}", xxgk::explain_region(&text, year)?);
            Ok(ExitCode::SUCCESS)
        }
    }
}

fn print_summary(s: &run::RunSummary) {
    for run in &s.recovery.rolled_forward {
        eprintln!("recovered: completed the commit of {run}, which was interrupted");
    }
    for run in &s.recovery.rolled_back {
        eprintln!("recovered: discarded the uncommitted output of {run}, which was interrupted");
    }
    eprintln!(
        "{}: {} inputs: {} new, {} unchanged; {} reports ({} partial, {} without tables, {} new versions), {} rejects, {} findings; {} findings across reports; {} files written; {:.2} s, {:.1} MB/s",
        s.run_id,
        s.inputs,
        s.new_inputs(),
        s.unchanged,
        s.reports,
        s.partial,
        s.no_tables,
        s.superseding,
        s.rejects,
        s.findings,
        s.cross_findings,
        s.files,
        s.seconds,
        s.mb_per_second()
    );
    let p = &s.phases;
    eprintln!(
        "  time: start {:.2} s, read and parse {:.2} s, write {:.2} s, commit {:.2} s",
        p.start, p.process, p.write, p.commit
    );
    for (reason, n) in &s.rejects_by_reason {
        eprintln!("  rejected ({reason}): {n}");
    }
}
