//! The `xxgk` command line: parse flags, load the config, run, report.

use anyhow::Context;
use clap::{Parser, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;
use xxgk::config::Config;
use xxgk::run::{self, IngestOptions};

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
        /// Dataset directory to write.
        #[arg(long)]
        out: PathBuf,
        /// Pipeline settings.
        #[arg(long, default_value = "config/xxgk.toml")]
        config: PathBuf,
        /// Worker threads (default: one per core).
        #[arg(long)]
        jobs: Option<usize>,
        /// No progress bar and no summary.
        #[arg(long)]
        quiet: bool,
        /// Fail (exit 3) if any input is rejected.
        #[arg(long)]
        strict: bool,
        /// Replace an existing dataset (built beside it, swapped in when complete).
        #[arg(long)]
        overwrite: bool,
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
            overwrite,
        } => {
            if jobs == Some(0) {
                anyhow::bail!("--jobs must be at least 1");
            }
            let config = Config::load(&config)?;
            let options = IngestOptions {
                inputs,
                out,
                jobs,
                progress: !quiet,
                overwrite,
            };
            let summary = run::ingest(&options, &config).context("ingest failed")?;
            if !quiet {
                eprintln!(
                    "{}: {} inputs, {} reports ({} partial, {} without tables), {} rejects, {} findings, {} files, {:.2} s, {:.1} MB/s",
                    summary.run_id,
                    summary.inputs,
                    summary.reports,
                    summary.partial,
                    summary.no_tables,
                    summary.rejects,
                    summary.findings,
                    summary.files,
                    summary.seconds,
                    summary.mb_per_second()
                );
                for (reason, n) in &summary.rejects_by_reason {
                    eprintln!("  rejected ({reason}): {n}");
                }
            }
            if strict && summary.rejects > 0 {
                eprintln!("xxgk: --strict: {} inputs were rejected", summary.rejects);
                return Ok(ExitCode::from(3));
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Regions { text, year } => {
            let resolver = xxgk::region::RegionResolver::embedded()?;
            println!("{}", resolver.explain(&text, year));
            Ok(ExitCode::SUCCESS)
        }
    }
}
