//! The quality report: `xxgk report --dataset DIR --out FILE` reads a
//! committed dataset and writes one self-contained HTML page of charts —
//! coverage by province and year, identity breaks, applications and the share
//! granted, the outcome mix, rejects, narrative disagreements and the worst
//! reports with their findings.
//!
//! ```text
//! read (committed files only) ─▶ aggregate (pure) ─▶ svg + html ─▶ FILE
//! ```
//!
//! `read` knows the dataset's commit protocol and schema version,
//! `aggregate` computes each chart's numbers, `svg` draws them and
//! `html` lays out the page. `docs/quality-report.md` says how each number
//! is computed.

mod aggregate;
mod html;
mod read;
mod svg;

pub use html::FIGURE_IDS;

#[cfg(test)]
mod tests;

use read::Severity;
use std::path::{Path, PathBuf};

/// Why the report could not be made.
#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    /// The dataset directory does not exist.
    #[error("dataset {dir} does not exist")]
    NotFound {
        /// The directory.
        dir: PathBuf,
    },
    /// The directory holds no xxgk dataset.
    #[error(
        "{dir} is not an xxgk dataset: no committed run (_runs/ and _SUCCESS are missing); \
         create it with `xxgk ingest <INPUTS> --out {dir}`"
    )]
    NotADataset {
        /// The directory.
        dir: PathBuf,
    },
    /// `_SUCCESS` is missing: a commit is under way or was interrupted.
    #[error(
        "dataset {dir} has no committed state right now (_SUCCESS is missing): a run is \
         committing, or was killed before it finished; the next `xxgk ingest` into it completes \
         or discards that run — run the report after that"
    )]
    Uncommitted {
        /// The directory.
        dir: PathBuf,
    },
    /// `_SWAP.json` is present: a full refresh is being swapped in.
    #[error(
        "dataset {dir} is in the middle of a full-refresh swap (_SWAP.json is present); the next \
         `xxgk ingest` into it finishes the swap — run the report after that"
    )]
    MidSwap {
        /// The directory.
        dir: PathBuf,
    },
    /// A file carries another schema version than this build reads.
    #[error(
        "{path} was written with schema version {found}; this xxgk reads version {}. Rebuild the \
         dataset with `xxgk ingest <INPUTS> --out <DATASET> --full-refresh`",
        xxgk_schema::SCHEMA_VERSION
    )]
    SchemaVersion {
        /// The file.
        path: PathBuf,
        /// The version it names (`none` when it names none).
        found: String,
    },
    /// A Parquet file is corrupt or not of the expected schema.
    #[error("{path} is not a readable part file: {message}")]
    Parquet {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        message: String,
    },
    /// A run record is not what the writer writes.
    #[error("run record {path} is unreadable: {message}")]
    RunRecord {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        message: String,
    },
    /// A run committed while the report was reading.
    #[error(
        "dataset {dir} changed while it was being read (a run committed); run the report again"
    )]
    Changed {
        /// The directory.
        dir: PathBuf,
    },
    /// Reading the dataset failed.
    #[error("cannot read {path}: {source}")]
    Io {
        /// The path.
        path: PathBuf,
        /// The error.
        source: std::io::Error,
    },
    /// Writing the page failed.
    #[error("cannot write {path}: {source}")]
    Write {
        /// The path.
        path: PathBuf,
        /// The error.
        source: std::io::Error,
    },
}

/// What a report run produced.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportSummary {
    /// Reports shown (latest versions).
    pub reports: u64,
    /// Bytes of HTML written.
    pub bytes: usize,
}

/// Read the dataset in `dataset` and return the page.
pub(crate) fn render(dataset: &Path) -> Result<(String, ReportSummary), ReportError> {
    let data = read::read_dataset(dataset)?;
    let page = build_page(&data)?;
    let html = html::render(&page);
    let summary = ReportSummary {
        reports: page.totals.reports,
        bytes: html.len(),
    };
    Ok((html, summary))
}

/// Compute every chart's numbers and fetch the worst reports' findings.
pub(crate) fn build_page(data: &read::Dataset) -> Result<html::Page, ReportError> {
    let ranked = aggregate::worst_reports(data, aggregate::WORST_REPORTS);
    let indices: Vec<usize> = ranked.iter().map(|r| r.report).collect();
    let mut details = read::finding_details(data, &indices)?;
    let worst = ranked
        .iter()
        .filter_map(|rank| {
            let report = data.reports.get(rank.report)?.clone();
            let href = read::source_location(data, &report).map(|p| html::file_url(&p));
            let findings = details
                .remove(&rank.report)
                .unwrap_or_default()
                .into_iter()
                .filter(|f| f.severity != Severity::Info)
                .collect();
            Some(html::WorstEntry {
                rank: *rank,
                report,
                href,
                findings,
            })
        })
        .collect();
    Ok(html::Page {
        totals: aggregate::totals(data),
        coverage: aggregate::coverage(data),
        breaks: aggregate::identity_breaks(data),
        cross: aggregate::cross_checks(data),
        applications: aggregate::applications_by_year(data),
        rejects: aggregate::rejects_by_reason(data),
        narrative: aggregate::narrative_disagreements(data),
        worst,
        ignored_files: data.ignored_files,
    })
}

/// Read the dataset and write the page to `out` (through a temporary file
/// renamed into place, so a reader never sees half a page).
pub fn write_report(dataset: &Path, out: &Path) -> Result<ReportSummary, ReportError> {
    let (html, summary) = render(dataset)?;
    let write_err = |source| ReportError::Write {
        path: out.to_path_buf(),
        source,
    };
    let name = out
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "report.html".into());
    let tmp = out.with_file_name(format!(".{name}.tmp-{}", std::process::id()));
    std::fs::write(&tmp, html.as_bytes()).map_err(write_err)?;
    std::fs::rename(&tmp, out).map_err(|e| {
        let _ = std::fs::remove_file(&tmp);
        write_err(e)
    })?;
    Ok(summary)
}
