//! Where the dataset's files go: a small storage interface, so the writer
//! never assumes a local filesystem rename (object stores have none).
//!
//! Keys are `/`-separated paths relative to the dataset root.

use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// The operations the sink needs from storage.
pub trait Store: Send + Sync {
    /// Write a whole object; readers see all of it or nothing.
    fn put(&self, key: &str, bytes: &[u8]) -> io::Result<()>;
    /// Write an object that no reader looks at yet (a staged part file): it
    /// need not be atomic or durable until [`Store::sync`] is called on it.
    fn put_staged(&self, key: &str, bytes: &[u8]) -> io::Result<()> {
        self.put(key, bytes)
    }
    /// Make objects written with [`Store::put_staged`] durable.
    fn sync(&self, _keys: &[String]) -> io::Result<()> {
        Ok(())
    }
    /// Move a staged object to its final key (atomic per object).
    fn promote(&self, from: &str, to: &str) -> io::Result<()>;
    /// Make the moves of [`Store::promote`] to these keys durable (on a local
    /// disk, a rename is durable once its directory is synced).
    fn sync_moves(&self, _keys: &[String]) -> io::Result<()> {
        Ok(())
    }
    /// Keys under a prefix, sorted.
    fn list(&self, prefix: &str) -> io::Result<Vec<String>>;
    /// Delete an object if it exists.
    fn delete(&self, key: &str) -> io::Result<()>;
    /// Delete every object under a prefix.
    fn delete_prefix(&self, prefix: &str) -> io::Result<()>;
    /// Read a whole object; None if it does not exist.
    fn get(&self, key: &str) -> io::Result<Option<Vec<u8>>>;
    /// Whether an object exists.
    fn exists(&self, key: &str) -> io::Result<bool> {
        Ok(self.get(key)?.is_some())
    }
}

/// A dataset in a local directory: `put` writes a temporary file, syncs it and
/// renames it into place, so a crash never leaves a half-written file under
/// its final name.
#[derive(Debug, Clone)]
pub struct LocalStore {
    root: PathBuf,
}

impl LocalStore {
    /// Open (and create) a dataset directory, checking that it is writable.
    pub fn open(root: &Path) -> io::Result<Self> {
        fs::create_dir_all(root)?;
        let store = LocalStore {
            root: root.to_path_buf(),
        };
        let probe = format!(".write-probe-{}", std::process::id());
        store.put(&probe, b"")?;
        store.delete(&probe)?;
        Ok(store)
    }

    /// The dataset directory.
    #[allow(dead_code)]
    pub fn root(&self) -> &Path {
        &self.root
    }

    fn path(&self, key: &str) -> PathBuf {
        self.root.join(key)
    }
}

impl Store for LocalStore {
    fn put(&self, key: &str, bytes: &[u8]) -> io::Result<()> {
        let path = self.path(key);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent)?;
        }
        let file_name = path
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or("object");
        let tmp = path.with_file_name(format!(".{file_name}.tmp-{}", std::process::id()));
        let result = (|| {
            let mut file = fs::File::create(&tmp)?;
            file.write_all(bytes)?;
            file.sync_all()?;
            fs::rename(&tmp, &path)?;
            // The rename itself is durable only once its directory is.
            sync_dir(path.parent().unwrap_or(&self.root))
        })();
        if result.is_err() {
            let _ = fs::remove_file(&tmp);
        }
        result
    }

    fn put_staged(&self, key: &str, bytes: &[u8]) -> io::Result<()> {
        let path = self.path(key);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent)?;
        }
        fs::write(path, bytes)
    }

    /// One `fsync` per file, several in flight: one by one on the sink thread
    /// they cost milliseconds each.
    fn sync(&self, keys: &[String]) -> io::Result<()> {
        use rayon::prelude::*;
        keys.par_iter()
            .with_max_len(1)
            .try_for_each(|key| fs::File::open(self.path(key))?.sync_all())
    }

    /// One `fsync` per distinct directory, several in flight.
    fn sync_moves(&self, keys: &[String]) -> io::Result<()> {
        use rayon::prelude::*;
        let dirs: Vec<PathBuf> = keys
            .iter()
            .filter_map(|k| self.path(k).parent().map(Path::to_path_buf))
            .collect::<std::collections::BTreeSet<_>>()
            .into_iter()
            .collect();
        dirs.par_iter()
            .with_max_len(1)
            .try_for_each(|dir| sync_dir(dir))
    }

    fn promote(&self, from: &str, to: &str) -> io::Result<()> {
        let to = self.path(to);
        if let Some(parent) = to.parent() {
            fs::create_dir_all(parent)?;
        }
        fs::rename(self.path(from), to)
    }

    fn list(&self, prefix: &str) -> io::Result<Vec<String>> {
        let base = self.path(prefix);
        if !base.exists() {
            return Ok(Vec::new());
        }
        let mut keys = Vec::new();
        for entry in walkdir::WalkDir::new(&base).sort_by_file_name() {
            let entry = entry.map_err(io::Error::other)?;
            if entry.file_type().is_file() {
                if let Ok(rel) = entry.path().strip_prefix(&self.root) {
                    keys.push(rel.to_string_lossy().replace('\\', "/"));
                }
            }
        }
        Ok(keys)
    }

    fn delete(&self, key: &str) -> io::Result<()> {
        match fs::remove_file(self.path(key)) {
            Err(e) if e.kind() != io::ErrorKind::NotFound => Err(e),
            _ => Ok(()),
        }
    }

    fn get(&self, key: &str) -> io::Result<Option<Vec<u8>>> {
        match fs::read(self.path(key)) {
            Ok(bytes) => Ok(Some(bytes)),
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(e),
        }
    }

    fn exists(&self, key: &str) -> io::Result<bool> {
        Ok(self.path(key).is_file())
    }

    fn delete_prefix(&self, prefix: &str) -> io::Result<()> {
        let path = self.path(prefix);
        match fs::remove_dir_all(&path) {
            Err(e) if e.kind() != io::ErrorKind::NotFound => return Err(e),
            _ => {}
        }
        // Folders are not objects: drop parents the removal left empty.
        let mut parent = path.parent();
        while let Some(dir) = parent.filter(|d| *d != self.root) {
            if fs::remove_dir(dir).is_err() {
                break;
            }
            parent = dir.parent();
        }
        Ok(())
    }
}

/// Make a directory's entries (files created, renamed or removed in it)
/// durable. A no-op where directories cannot be opened (Windows).
pub fn sync_dir(dir: &Path) -> io::Result<()> {
    #[cfg(unix)]
    {
        fs::File::open(dir)?.sync_all()
    }
    #[cfg(not(unix))]
    {
        let _ = dir;
        Ok(())
    }
}

/// A store that fails writes after a number of successful ones, with the
/// error a full disk gives: for fault-injection tests of the commit protocol.
pub struct FailingStore<S> {
    inner: S,
    puts_left: std::sync::atomic::AtomicUsize,
}

impl<S: Store> FailingStore<S> {
    /// Let `puts` writes through, then fail every write with ENOSPC.
    pub fn new(inner: S, puts: usize) -> Self {
        FailingStore {
            inner,
            puts_left: std::sync::atomic::AtomicUsize::new(puts),
        }
    }
}

impl<S: Store> Store for FailingStore<S> {
    fn put(&self, key: &str, bytes: &[u8]) -> io::Result<()> {
        use std::sync::atomic::Ordering;
        if self
            .puts_left
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1))
            .is_err()
        {
            return Err(io::Error::from_raw_os_error(28)); // ENOSPC
        }
        self.inner.put(key, bytes)
    }
    fn put_staged(&self, key: &str, bytes: &[u8]) -> io::Result<()> {
        self.put(key, bytes)
    }
    fn sync(&self, keys: &[String]) -> io::Result<()> {
        self.inner.sync(keys)
    }
    fn sync_moves(&self, keys: &[String]) -> io::Result<()> {
        self.inner.sync_moves(keys)
    }
    fn promote(&self, from: &str, to: &str) -> io::Result<()> {
        self.inner.promote(from, to)
    }
    fn list(&self, prefix: &str) -> io::Result<Vec<String>> {
        self.inner.list(prefix)
    }
    fn delete(&self, key: &str) -> io::Result<()> {
        self.inner.delete(key)
    }
    fn delete_prefix(&self, prefix: &str) -> io::Result<()> {
        self.inner.delete_prefix(prefix)
    }
    fn get(&self, key: &str) -> io::Result<Option<Vec<u8>>> {
        self.inner.get(key)
    }
}
