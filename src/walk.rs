//! Walk: expand the input arguments (files or directories, recursively) into
//! a sorted list of [`SourceFile`]s, skipping what the config says to skip.
//!
//! The order is deterministic (sorted by path within each input, inputs in
//! argument order), and it decides the order of rows and part files. An
//! input may be an object-store URL (`s3://bucket/crawl`): its objects are
//! listed ([`crate::cloud::inputs::list`]) in the same order, with the same
//! skip patterns, and read by a prefetcher instead of [`read_input`].
//!
//! [`read_input`] reads one walked file with a bound: only regular files (after
//! following a link), never more than `walk.max_file_bytes`, so a link to
//! `/dev/zero` or a video saved as `.pdf` costs a stat, not the machine's memory.

use crate::cloud::inputs::{self, ListError, RemoteFile};
use crate::cloud::{CloudError, Location};
use crate::config::WalkConfig;
use crate::model::SourceFile;
use globset::{Glob, GlobSet, GlobSetBuilder};
use std::io::Read;
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
    /// An input URL is not usable.
    #[error(transparent)]
    Location(#[from] CloudError),
    /// An input URL could not be listed.
    #[error(transparent)]
    List(#[from] ListError),
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
    /// The files that are objects in an object store, by their index in
    /// `files` (read through [`crate::cloud::inputs::Prefetch`]).
    pub remote: Vec<(usize, RemoteFile)>,
}

/// Expand `inputs` into files.
pub fn walk(inputs: &[PathBuf], config: &WalkConfig) -> Result<Walked, WalkError> {
    let skip = skip_set(config)?;
    let mut walked = Walked::default();
    for input in inputs {
        match Location::parse(input)? {
            Location::Local(path) => {
                if !path.exists() {
                    return Err(WalkError::NotFound(path));
                }
                walk_one(&path, config, &skip, &mut walked);
            }
            Location::Object(location) => {
                for file in inputs::list(&location, &skip)? {
                    walked.remote.push((walked.files.len(), file.clone()));
                    walked.files.push(SourceFile {
                        index: 0,
                        path: PathBuf::from(&file.url),
                        rel_path: file.rel_path,
                    });
                }
            }
        }
    }
    for (index, file) in walked.files.iter_mut().enumerate() {
        file.index = index;
    }
    Ok(walked)
}

/// The compiled `walk.skip` patterns.
pub(crate) fn skip_set(config: &WalkConfig) -> Result<GlobSet, WalkError> {
    let mut builder = GlobSetBuilder::new();
    for pattern in &config.skip {
        builder.add(Glob::new(pattern)?);
    }
    Ok(builder.build()?)
}

/// Whether the walk leaves out a file at `rel_path` (relative to a directory
/// it walks, `/`-separated): when its name or the name of any folder on the way
/// matches a skip pattern, as [`walk`] decides entry by entry.
pub(crate) fn is_skipped(skip: &GlobSet, rel_path: &str) -> bool {
    rel_path
        .split('/')
        .filter(|name| !name.is_empty())
        .any(|name| skip.is_match(name))
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
        // Everything but a directory is an input: a symlink that is not followed
        // is read through its link (a dangling one becomes an `unreadable`
        // reject), and a device, FIFO or socket a `not_a_file` reject.
        if !entry.file_type().is_dir() {
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

/// Why a walked file was not read.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    /// Not a regular file (after following links): a directory, device, FIFO or socket.
    #[error("not a regular file: {0}")]
    NotAFile(&'static str),
    /// Larger than the configured bound; nothing past the bound was read.
    #[error("{size} bytes or more, over the {limit}-byte limit (walk.max_file_bytes)")]
    TooLarge {
        /// The size known when reading stopped (from the file system, or the bytes read).
        size: u64,
        /// The bound.
        limit: u64,
    },
    /// The file could not be opened or read.
    #[error("cannot read: {0}")]
    Io(#[from] std::io::Error),
}

/// Read a walked file whole, if it is a regular file of at most `limit` bytes.
///
/// The file is opened without blocking (a FIFO swapped in after the walk does
/// not hang a worker) and checked on the open handle, so what is read is what
/// was checked. A file that grows past `limit` while being read is refused too:
/// at most `limit + 1` bytes are ever read.
pub fn read_input(path: &Path, limit: u64) -> Result<Vec<u8>, ReadError> {
    let mut file = open_nonblocking(path)?;
    let meta = file.metadata()?;
    if !meta.is_file() {
        return Err(ReadError::NotAFile(file_kind(&meta.file_type())));
    }
    if meta.len() > limit {
        return Err(ReadError::TooLarge {
            size: meta.len(),
            limit,
        });
    }
    // The length is a hint (a file may change under us); the `take` is the bound.
    let mut bytes = Vec::with_capacity(meta.len() as usize + 1);
    file.by_ref().take(limit + 1).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > limit {
        return Err(ReadError::TooLarge {
            size: bytes.len() as u64,
            limit,
        });
    }
    Ok(bytes)
}

#[cfg(unix)]
fn open_nonblocking(path: &Path) -> std::io::Result<std::fs::File> {
    use std::os::unix::fs::OpenOptionsExt;
    std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NONBLOCK)
        .open(path)
}

#[cfg(not(unix))]
fn open_nonblocking(path: &Path) -> std::io::Result<std::fs::File> {
    std::fs::File::open(path)
}

/// A name for a file type that is not a regular file.
fn file_kind(kind: &std::fs::FileType) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if kind.is_char_device() {
            return "character device";
        }
        if kind.is_block_device() {
            return "block device";
        }
        if kind.is_fifo() {
            return "FIFO";
        }
        if kind.is_socket() {
            return "socket";
        }
    }
    if kind.is_dir() {
        "directory"
    } else {
        "special file"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn skipping_a_relative_path_agrees_with_the_walk() {
        const FILES: [&str; 6] = [
            "a/r.txt",
            "a/README.md",
            ".hidden/x.txt",
            "b/.x/y.txt",
            "b/c.json",
            "c.txt",
        ];
        let dir = tempfile::tempdir().unwrap();
        for rel in FILES {
            let path = dir.path().join(rel);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(&path, b"x").unwrap();
        }
        let config = crate::config::Config::builtin().walk;
        let walked = walk(&[dir.path().to_path_buf()], &config).unwrap();
        let kept: Vec<&str> = walked.files.iter().map(|f| f.rel_path.as_str()).collect();
        assert_eq!(kept, ["a/r.txt", "c.txt"]);
        let skip = skip_set(&config).unwrap();
        for rel in FILES {
            assert_eq!(is_skipped(&skip, rel), !kept.contains(&rel), "{rel}");
        }
    }

    #[test]
    fn reads_a_regular_file_up_to_the_limit() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.txt");
        std::fs::write(&path, b"12345").unwrap();
        assert_eq!(read_input(&path, 5).unwrap(), b"12345");
        match read_input(&path, 4) {
            Err(ReadError::TooLarge { size: 5, limit: 4 }) => {}
            other => panic!("{other:?}"),
        }
    }

    #[cfg(unix)]
    #[test]
    fn devices_and_fifos_are_not_read() {
        // /dev/zero never ends: reading it would run the machine out of memory.
        match read_input(Path::new("/dev/zero"), 1 << 20) {
            Err(ReadError::NotAFile("character device")) => {}
            other => panic!("{other:?}"),
        }
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("pipe.txt");
        let c = std::ffi::CString::new(fifo.to_str().unwrap()).unwrap();
        // SAFETY: a valid NUL-terminated path.
        assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
        // No writer: a blocking open would hang here.
        match read_input(&fifo, 1 << 20) {
            Err(ReadError::NotAFile("FIFO")) => {}
            other => panic!("{other:?}"),
        }
        match read_input(dir.path(), 1 << 20) {
            Err(ReadError::NotAFile("directory")) | Err(ReadError::Io(_)) => {}
            other => panic!("{other:?}"),
        }
    }
}
