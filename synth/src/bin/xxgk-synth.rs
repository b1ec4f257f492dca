//! `xxgk-synth`: generate a corpus of realistic reports with their truth, and
//! check a dataset's accuracy against it.
//!
//! ```text
//! xxgk-synth generate --count 2000 --out /tmp/corpus --seed 1
//! xxgk ingest /tmp/corpus/reports --out /tmp/ds
//! xxgk-synth accuracy --corpus /tmp/corpus --dataset /tmp/ds --show 30
//! ```

use anyhow::Context;
use clap::{Parser, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;
use xxgk_synth::accuracy::{self, AccuracyOptions};
use xxgk_synth::render::Layout;
use xxgk_synth::series::{self, SeriesOptions};
use xxgk_synth::{write_corpus, SynthOptions};

/// Synthetic 政府信息公开工作年度报告 with ground truth, and the accuracy check.
#[derive(Parser, Debug)]
#[command(name = "xxgk-synth", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Write `DIR/reports/<province>/<year>/<index>.<ext>`, `DIR/truth.jsonl` and `DIR/manifest.json`.
    Generate {
        /// Number of reports.
        #[arg(long)]
        count: u64,
        /// Corpus directory (its reports/ and truth.jsonl are replaced).
        #[arg(long)]
        out: PathBuf,
        /// Seed: the same seed gives the same bytes.
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Share of reports whose own numbers break an accounting identity.
        #[arg(long, default_value_t = 0.05)]
        break_rate: f64,
        /// Only these layouts (comma-separated: tab_cells, pipe_cells, pdf_tabs, pdf_layout, html, markdown, crawled, docx, word_pdf; word_pdf needs LibreOffice's soffice).
        #[arg(long, value_delimiter = ',')]
        layouts: Vec<String>,
        /// Worker threads (default: one per core).
        #[arg(long)]
        jobs: Option<usize>,
    },
    /// Write series of reports, one issuer year after year, with planted breaks
    /// across reports: `DIR/reports/…` and `DIR/planted.json` (what the checks
    /// across reports must find: carry-over breaks, jumps, copies in another format).
    Series {
        /// Number of issuers.
        #[arg(long, default_value_t = 50)]
        issuers: u64,
        /// Years per issuer.
        #[arg(long, default_value_t = 4)]
        years: u32,
        /// First year.
        #[arg(long, default_value_t = 2021)]
        first_year: i32,
        /// Corpus directory (its reports/ and planted.json are replaced).
        #[arg(long)]
        out: PathBuf,
        /// Seed.
        #[arg(long, default_value_t = 1)]
        seed: u64,
    },
    /// Compare a dataset written by `xxgk ingest DIR/reports` with DIR/truth.jsonl.
    Accuracy {
        /// The corpus directory.
        #[arg(long)]
        corpus: PathBuf,
        /// The dataset directory.
        #[arg(long)]
        dataset: PathBuf,
        /// Print the first N disagreements.
        #[arg(long, default_value_t = 20)]
        show: usize,
        /// Exit 1 unless everything agrees.
        #[arg(long)]
        require_100: bool,
    },
}

fn main() -> ExitCode {
    match real_main() {
        Ok(code) => code,
        Err(e) => {
            eprintln!("xxgk-synth: error: {e:#}");
            ExitCode::from(2)
        }
    }
}

fn real_main() -> anyhow::Result<ExitCode> {
    match Cli::parse().command {
        Command::Generate {
            count,
            out,
            seed,
            break_rate,
            layouts,
            jobs,
        } => {
            let layouts = layouts
                .iter()
                .map(|n| Layout::from_name(n).with_context(|| format!("unknown layout {n}")))
                .collect::<anyhow::Result<Vec<_>>>()?;
            if !(0.0..=1.0).contains(&break_rate) {
                anyhow::bail!("--break-rate must be between 0 and 1");
            }
            if out.join("reports").exists() {
                std::fs::remove_dir_all(out.join("reports"))
                    .with_context(|| format!("clear {}", out.join("reports").display()))?;
            }
            let opts = SynthOptions {
                seed,
                break_rate,
                layouts,
            };
            let pool = rayon::ThreadPoolBuilder::new()
                .num_threads(jobs.unwrap_or(0))
                .build()?;
            let manifest = pool
                .install(|| write_corpus(&opts, count, &out))
                .with_context(|| format!("write {}", out.display()))?;
            eprintln!(
                "xxgk-synth: {} reports, {:.1} MB in {}/reports ({:.1} s); truth in {}/truth.jsonl",
                manifest.count,
                manifest.bytes as f64 / 1e6,
                out.display(),
                manifest.seconds,
                out.display()
            );
            for (layout, n) in &manifest.per_layout {
                eprintln!("  {layout:<11} {n}");
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Series {
            issuers,
            years,
            first_year,
            out,
            seed,
        } => {
            if out.join("reports").exists() {
                std::fs::remove_dir_all(out.join("reports"))
                    .with_context(|| format!("clear {}", out.join("reports").display()))?;
            }
            let opts = SeriesOptions {
                seed,
                issuers,
                years,
                first_year,
                ..SeriesOptions::default()
            };
            let planted =
                series::write(&opts, &out).with_context(|| format!("write {}", out.display()))?;
            eprintln!(
                "xxgk-synth: {issuers} issuers × {years} years in {}/reports; {} planted findings in {}/planted.json",
                out.display(),
                planted.len(),
                out.display()
            );
            Ok(ExitCode::SUCCESS)
        }
        Command::Accuracy {
            corpus,
            dataset,
            show,
            require_100,
        } => {
            let report = accuracy::check(&AccuracyOptions {
                corpus,
                dataset,
                show,
            })?;
            print!("{}", report.render());
            if require_100 && report.overall.agree != report.overall.total {
                eprintln!(
                    "xxgk-synth: agreement {:.4}% < 100% (--require-100)",
                    report.overall.percent()
                );
                return Ok(ExitCode::from(1));
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}
