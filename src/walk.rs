//! Walk: expand the input arguments (files or directories, recursively) into
//! a sorted list of [`SourceFile`]s, skipping what the config says to skip.
//!
//! The order is deterministic (sorted by path within each input, inputs in
//! argument order), and it decides the order of rows and part files.

use crate::config::WalkConfig;
use crate::model::SourceFile;
use globset::{Glob, GlobSet, GlobSetBuilder};
use std::path::{Path, PathBuf};
use walkdir::WalkDir;

/// Why an input argument could not be walked.
#[derive(Debug, thiserror::Error)]
pub enum WalkError {
    /// The path does not exist.
    #[error("input {0} does not exist")]
    NotFound(PathBuf),
    /// A skip pattern is invalid (normally caught when the config is loaded).
    #[error("invalid skip pattern: {0}")]
    Pattern(#[from] globset::Error),
}

/// An entry the walker could list but not inspect (e.g. a directory without permission).
#[derive(Debug, Clone)]
pub struct WalkProblem {
    /// The path, relative to its input root where possible.
    pub rel_path: String,
    /// What went wrong.
    pub message: String,
}

/// Files found, plus entries that could not be walked (they become rejects).
#[derive(Debug, Default)]
pub struct Walked {
    /// Files to process, in order.
    pub files: Vec<SourceFile>,
    /// Entries that could not be read while walking.
    pub problems: Vec<WalkProblem>,
}

/// Expand `inputs` into files.
pub fn walk(inputs: &[PathBuf], config: &WalkConfig) -> Result<Walked, WalkError> {
    let mut builder = GlobSetBuilder::new();
    for pattern in &config.skip {
        builder.add(Glob::new(pattern)?);
    }
    let skip = builder.build()?;
    let mut walked = Walked::default();
    for input in inputs {
        if !input.exists() {
            return Err(WalkError::NotFound(input.clone()));
        }
        walk_one(input, config, &skip, &mut walked);
    }
    for (index, file) in walked.files.iter_mut().enumerate() {
        file.index = index;
    }
    Ok(walked)
}

fn walk_one(input: &Path, config: &WalkConfig, skip: &GlobSet, walked: &mut Walked) {
    let root = if input.is_dir() {
        input
    } else {
        input.parent().unwrap_or(Path::new(""))
    };
    let walker = WalkDir::new(input)
        .follow_links(config.follow_links)
        .sort_by_file_name();
    let mut entries = walker.into_iter();
    while let Some(entry) = entries.next() {
        let entry = match entry {
            Ok(entry) => entry,
            Err(e) => {
                let path = e
                    .path()
                    .map(|p| relative(root, p))
                    .unwrap_or_else(|| relative(root, input));
                walked.problems.push(WalkProblem {
                    rel_path: path,
                    message: e.to_string(),
                });
                continue;
            }
        };
        let name = entry.file_name();
        // Skip patterns apply to files and, below the input root, to directories.
        if entry.depth() > 0 && skip.is_match(name) {
            if entry.file_type().is_dir() {
                entries.skip_current_dir();
            }
            continue;
        }
        // A symlink that is not followed is still an input: reading it follows
        // the link, and a dangling one becomes an `unreadable` reject.
        if entry.file_type().is_file() || entry.file_type().is_symlink() {
            walked.files.push(SourceFile {
                index: 0,
                path: entry.path().to_path_buf(),
                rel_path: relative(root, entry.path()),
            });
        }
    }
}

fn relative(root: &Path, path: &Path) -> String {
    path.strip_prefix(root)
        .unwrap_or(path)
        .to_string_lossy()
        .replace('\\', "/")
}
