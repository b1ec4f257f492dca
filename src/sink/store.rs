//! Where the dataset's files go: a small storage interface, so the writer,
//! the commit, the lock and the full-refresh swap never assume a local
//! filesystem rename (object stores have none).
//!
//! Keys are `/`-separated paths relative to the dataset root. Two backends:
//! [`LocalStore`] (a directory: temporary file, fsync, rename) and
//! `cloud::ObjectStoreStore` (S3 and the other `object_store` backends:
//! single-request puts, conditional puts, server-side copies).

use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// An object read with the version it had, for a compare-and-swap
/// ([`Store::replace_if_unchanged`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Versioned {
    /// The object's bytes.
    pub bytes: Vec<u8>,
    /// An opaque version: an ETag on object stores, a content hash locally.
    pub version: String,
}

/// The operations the sink needs from storage.
pub trait Store: Send + Sync {
    /// Write a whole object; readers see all of it or nothing.
    fn put(&self, key: &str, bytes: &[u8]) -> io::Result<()>;
    /// Write a whole object only if no object has that key (atomically:
    /// of two writers, one creates it). `Ok(false)` when it already exists.
    fn put_if_absent(&self, key: &str, bytes: &[u8]) -> io::Result<bool>;
    /// Read an object with its version; None if it does not exist.
    fn get_versioned(&self, key: &str) -> io::Result<Option<Versioned>>;
    /// Replace an object only if it still has `version` (atomically: of two
    /// writers replacing the same version, one succeeds). `Ok(false)` when it
    /// changed or vanished.
    fn replace_if_unchanged(&self, key: &str, version: &str, bytes: &[u8]) -> io::Result<bool>;
    /// Write an object that no reader looks at yet (a staged part file): it
    /// need not be atomic or durable until [`Store::sync`] is called on it.
    fn put_staged(&self, key: &str, bytes: &[u8]) -> io::Result<()> {
        self.put(key, bytes)
    }
    /// Make objects written with [`Store::put_staged`] durable.
    fn sync(&self, _keys: &[String]) -> io::Result<()> {
        Ok(())
    }
    /// Move a staged object to its final key (a rename locally, a copy and a
    /// delete on object stores; readers see the final object whole or not at all).
    fn promote(&self, from: &str, to: &str) -> io::Result<()>;
    /// Move every `(from, to)` pair, idempotently: a pair whose `from` is gone
    /// and whose `to` exists was moved before (by an interrupted run) and is
    /// skipped; one whose both ends are gone is an error.
    fn promote_all(&self, moves: &[(String, String)]) -> io::Result<()> {
        use rayon::prelude::*;
        // Independent moves: in parallel, as creating thousands of partition
        // folders costs kernel time.
        moves.par_iter().try_for_each(|(from, to)| {
            if self.exists(from)? {
                self.promote(from, to)
            } else if self.exists(to)? {
                Ok(()) // moved by an earlier, interrupted run
            } else {
                Err(vanished(&self.describe(from), &self.describe(to)))
            }
        })
    }
    /// Make the moves of [`Store::promote`] (and deletions) of these keys
    /// durable (on a local disk, a rename is durable once its directory is synced).
    fn sync_moves(&self, _keys: &[String]) -> io::Result<()> {
        Ok(())
    }
    /// Keys under a prefix (a folder: `_runs` lists `_runs/…`), sorted.
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
    /// Where a key lives, for messages (`out/_lock`, `s3://bucket/prefix/_lock`).
    fn describe(&self, key: &str) -> String;
    /// The `object_store` holding the dataset (rooted at its bucket, or at
    /// `/` for a local directory) and the URL of `key` in it, for libraries
    /// that write through `object_store` themselves (`deltalake`).
    fn object_store_root(&self, key: &str) -> io::Result<(ObjectStoreRef, url::Url)> {
        Err(io::Error::new(
            io::ErrorKind::Unsupported,
            format!("{}: no object_store behind this store", self.describe(key)),
        ))
    }
}

/// A shared `object_store` handle.
pub type ObjectStoreRef = std::sync::Arc<dyn object_store::ObjectStore>;

/// The error for a move whose source and destination are both gone.
pub fn vanished(from: &str, to: &str) -> io::Error {
    io::Error::other(format!(
        "staged file {from} vanished before it was moved to {to}"
    ))
}

/// The version [`LocalStore`] gives an object: a hash of its bytes.
fn content_version(bytes: &[u8]) -> String {
    blake3::hash(bytes).to_hex().to_string()
}

/// A shared store is a store (the lock and the run hold the same one).
impl<S: Store + ?Sized> Store for std::sync::Arc<S> {
    fn put(&self, key: &str, bytes: &[u8]) -> io::Result<()> {
        (**self).put(key, bytes)
    }
    fn put_if_absent(&self, key: &str, bytes: &[u8]) -> io::Result<bool> {
        (**self).put_if_absent(key, bytes)
    }
    fn get_versioned(&self, key: &str) -> io::Result<Option<Versioned>> {
        (**self).get_versioned(key)
    }
    fn replace_if_unchanged(&self, key: &str, version: &str, bytes: &[u8]) -> io::Result<bool> {
        (**self).replace_if_unchanged(key, version, bytes)
    }
    fn put_staged(&self, key: &str, bytes: &[u8]) -> io::Result<()> {
        (**self).put_staged(key, bytes)
    }
    fn sync(&self, keys: &[String]) -> io::Result<()> {
        (**self).sync(keys)
    }
    fn promote(&self, from: &str, to: &str) -> io::Result<()> {
        (**self).promote(from, to)
    }
    fn promote_all(&self, moves: &[(String, String)]) -> io::Result<()> {
        (**self).promote_all(moves)
    }
    fn sync_moves(&self, keys: &[String]) -> io::Result<()> {
        (**self).sync_moves(keys)
    }
    fn list(&self, prefix: &str) -> io::Result<Vec<String>> {
        (**self).list(prefix)
    }
    fn delete(&self, key: &str) -> io::Result<()> {
        (**self).delete(key)
    }
    fn delete_prefix(&self, prefix: &str) -> io::Result<()> {
        (**self).delete_prefix(prefix)
    }
    fn get(&self, key: &str) -> io::Result<Option<Vec<u8>>> {
        (**self).get(key)
    }
    fn exists(&self, key: &str) -> io::Result<bool> {
        (**self).exists(key)
    }
    fn describe(&self, key: &str) -> String {
        (**self).describe(key)
    }
    fn object_store_root(&self, key: &str) -> io::Result<(ObjectStoreRef, url::Url)> {
        (**self).object_store_root(key)
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

    /// A hidden temporary name beside `path`, unique in this process.
    fn temp_name(&self, path: &Path, what: &str) -> PathBuf {
        use std::sync::atomic::{AtomicU64, Ordering};
        static NEXT: AtomicU64 = AtomicU64::new(0);
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or("object");
        path.with_file_name(format!(
            ".{name}.{what}-{}-{}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed)
        ))
    }
}

impl Store for LocalStore {
    fn put(&self, key: &str, bytes: &[u8]) -> io::Result<()> {
        let path = self.path(key);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent)?;
        }
        let tmp = self.temp_name(&path, "tmp");
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

    /// A temporary file, fsynced, then hard-linked to the key (a link fails
    /// if the name exists: `O_EXCL` for a whole, durable file).
    fn put_if_absent(&self, key: &str, bytes: &[u8]) -> io::Result<bool> {
        let path = self.path(key);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent)?;
        }
        let tmp = self.temp_name(&path, "new");
        let result = (|| {
            let mut file = fs::File::create(&tmp)?;
            file.write_all(bytes)?;
            file.sync_all()?;
            match fs::hard_link(&tmp, &path) {
                Ok(()) => {}
                Err(e) if e.kind() == io::ErrorKind::AlreadyExists => return Ok(false),
                Err(e) => return Err(e),
            }
            sync_dir(path.parent().unwrap_or(&self.root))?;
            Ok(true)
        })();
        let _ = fs::remove_file(&tmp);
        result
    }

    fn get_versioned(&self, key: &str) -> io::Result<Option<Versioned>> {
        Ok(self.get(key)?.map(|bytes| Versioned {
            version: content_version(&bytes),
            bytes,
        }))
    }

    /// The object is renamed aside (of two contenders only one rename
    /// succeeds), checked, and the new one created exclusively; an object
    /// that changed meanwhile is put back.
    fn replace_if_unchanged(&self, key: &str, version: &str, bytes: &[u8]) -> io::Result<bool> {
        let path = self.path(key);
        let aside = self.temp_name(&path, "cas");
        match fs::rename(&path, &aside) {
            Ok(()) => {}
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(false),
            Err(e) => return Err(e),
        }
        let seen = fs::read(&aside)?;
        if content_version(&seen) != version {
            // Not the version we were asked to replace: put it back (unless
            // someone created the key meanwhile, who then holds it).
            let _ = fs::hard_link(&aside, &path);
            let _ = fs::remove_file(&aside);
            return Ok(false);
        }
        let _ = fs::remove_file(&aside);
        self.put_if_absent(key, bytes)
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
        // A folder a deletion removed is recorded in its nearest existing ancestor.
        let dirs: Vec<PathBuf> = keys
            .iter()
            .filter_map(|k| {
                let mut dir = self.path(k).parent()?.to_path_buf();
                while !dir.is_dir() && dir != self.root {
                    dir = dir.parent()?.to_path_buf();
                }
                Some(dir)
            })
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

    /// Folders are not objects: parents the removal left empty go too.
    fn delete(&self, key: &str) -> io::Result<()> {
        let path = self.path(key);
        match fs::remove_file(&path) {
            Err(e) if e.kind() != io::ErrorKind::NotFound => Err(e),
            _ => {
                self.prune_empty_parents(&path);
                Ok(())
            }
        }
    }

    fn describe(&self, key: &str) -> String {
        self.path(key).display().to_string()
    }

    fn object_store_root(&self, key: &str) -> io::Result<(ObjectStoreRef, url::Url)> {
        let dir = std::path::absolute(self.path(key))?;
        let url = url::Url::from_directory_path(&dir).map_err(|_| {
            io::Error::new(
                io::ErrorKind::InvalidInput,
                format!("{} is not an absolute path", dir.display()),
            )
        })?;
        Ok((
            std::sync::Arc::new(object_store::local::LocalFileSystem::new()),
            url,
        ))
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
        self.prune_empty_parents(&path);
        Ok(())
    }
}

impl LocalStore {
    /// Folders are not objects: drop the parents of `path` left empty, up to the root.
    fn prune_empty_parents(&self, path: &Path) {
        let mut parent = path.parent();
        while let Some(dir) = parent.filter(|d| *d != self.root && d.starts_with(&self.root)) {
            if fs::remove_dir(dir).is_err() {
                break;
            }
            parent = dir.parent();
        }
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

impl<S> FailingStore<S> {
    /// Count a write; ENOSPC once the allowance is spent.
    fn spend(&self) -> io::Result<()> {
        use std::sync::atomic::Ordering;
        self.puts_left
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1))
            .map(|_| ())
            .map_err(|_| io::Error::from_raw_os_error(28)) // ENOSPC
    }
}

impl<S: Store> Store for FailingStore<S> {
    fn put(&self, key: &str, bytes: &[u8]) -> io::Result<()> {
        self.spend()?;
        self.inner.put(key, bytes)
    }
    fn put_if_absent(&self, key: &str, bytes: &[u8]) -> io::Result<bool> {
        self.spend()?;
        self.inner.put_if_absent(key, bytes)
    }
    fn get_versioned(&self, key: &str) -> io::Result<Option<Versioned>> {
        self.inner.get_versioned(key)
    }
    fn replace_if_unchanged(&self, key: &str, version: &str, bytes: &[u8]) -> io::Result<bool> {
        self.spend()?;
        self.inner.replace_if_unchanged(key, version, bytes)
    }
    fn promote_all(&self, moves: &[(String, String)]) -> io::Result<()> {
        self.inner.promote_all(moves)
    }
    fn exists(&self, key: &str) -> io::Result<bool> {
        self.inner.exists(key)
    }
    fn describe(&self, key: &str) -> String {
        self.inner.describe(key)
    }
    fn object_store_root(&self, key: &str) -> io::Result<(ObjectStoreRef, url::Url)> {
        self.inner.object_store_root(key)
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
