//! One writer at a time: an exclusive lock object in the dataset (`_lock`).
//!
//! The lock is created with [`Store::put_if_absent`] (`O_EXCL` on a local
//! disk, `If-None-Match: *` on an object store), so two runs cannot both
//! create it. It names its holder (pid, host, start time, run). A lock whose
//! holder is a process on this host that no longer exists is stale: it is
//! replaced with [`Store::replace_if_unchanged`] (a rename aside locally,
//! `If-Match` on its ETag on an object store: of two contenders taking it
//! over, only one succeeds). A lock held from another host is never taken
//! over automatically. Readers never take it.

use super::store::Store;
use std::io;
use std::sync::Arc;

/// The lock file's name in the dataset root.
pub const LOCK_FILE: &str = "_lock";

/// Who holds a lock.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Holder {
    /// Process id.
    pub pid: u32,
    /// Host name.
    pub host: String,
    /// Start time, seconds since the Unix epoch.
    pub started_unix: u64,
    /// The run the holder is writing.
    pub run: String,
}

/// Why the lock could not be taken.
#[derive(Debug, thiserror::Error)]
pub enum LockError {
    /// Another live run holds it.
    #[error("the dataset is locked by another run: pid {} on host {}, started at unix time {}, writing {} (lock file {path})", .holder.pid, .holder.host, .holder.started_unix, .holder.run)]
    Held {
        /// The holder.
        holder: Holder,
        /// The lock file.
        path: String,
    },
    /// The lock file could not be read or written.
    #[error("lock file {path}: {source}")]
    Io {
        /// The lock file.
        path: String,
        /// The I/O error.
        source: io::Error,
    },
}

/// A held lock; released when dropped.
pub struct DatasetLock {
    store: Arc<dyn Store>,
    holder: Holder,
    /// Whether a stale lock was taken over.
    #[cfg_attr(not(test), allow(dead_code))]
    pub took_over: Option<Holder>,
}

impl std::fmt::Debug for DatasetLock {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DatasetLock")
            .field("lock", &self.store.describe(LOCK_FILE))
            .field("holder", &self.holder)
            .field("took_over", &self.took_over)
            .finish()
    }
}

impl DatasetLock {
    /// Take the lock of the dataset in `store` for `run`.
    pub fn acquire(store: Arc<dyn Store>, run: &str) -> Result<Self, LockError> {
        let path = store.describe(LOCK_FILE);
        let io_err = |source| LockError::Io {
            path: path.clone(),
            source,
        };
        let holder = Holder {
            pid: std::process::id(),
            host: host_name(),
            started_unix: std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_secs())
                .unwrap_or(0),
            run: run.to_string(),
        };
        let json = serde_json::to_vec(&holder).map_err(|e| io_err(io::Error::other(e)))?;
        for _attempt in 0..3 {
            if store.put_if_absent(LOCK_FILE, &json).map_err(io_err)? {
                return Ok(DatasetLock {
                    store,
                    holder,
                    took_over: None,
                });
            }
            let Some(existing) = store.get_versioned(LOCK_FILE).map_err(io_err)? else {
                continue; // released meanwhile: try again
            };
            // Unreadable garbage is stale.
            let current: Option<Holder> = serde_json::from_slice(&existing.bytes).ok();
            match current {
                Some(h) if !is_stale(&h) => {
                    return Err(LockError::Held { holder: h, path });
                }
                stale => {
                    // Replace only the version we judged stale: of two runs
                    // taking over, one succeeds and the other sees its lock.
                    if store
                        .replace_if_unchanged(LOCK_FILE, &existing.version, &json)
                        .map_err(io_err)?
                    {
                        return Ok(DatasetLock {
                            store,
                            holder,
                            took_over: stale,
                        });
                    }
                }
            }
        }
        match read_holder(store.as_ref()) {
            Ok(Some(h)) => Err(LockError::Held { holder: h, path }),
            _ => Err(io_err(io::Error::other("could not take over a stale lock"))),
        }
    }

    /// The holder this lock records (us).
    #[allow(dead_code)]
    pub fn holder(&self) -> &Holder {
        &self.holder
    }
}

impl Drop for DatasetLock {
    fn drop(&mut self) {
        // Remove the lock only if it is still ours.
        if read_holder(self.store.as_ref()).ok().flatten().as_ref() == Some(&self.holder) {
            let _ = self.store.delete(LOCK_FILE);
        }
    }
}

/// The holder recorded in the lock; None if there is none or it is unreadable garbage (then stale).
fn read_holder(store: &dyn Store) -> io::Result<Option<Holder>> {
    Ok(store
        .get(LOCK_FILE)?
        .and_then(|bytes| serde_json::from_slice(&bytes).ok()))
}

/// A holder on this host whose process is gone. Other hosts' locks are never stale here.
fn is_stale(holder: &Holder) -> bool {
    holder.host == host_name() && !std::path::Path::new(&format!("/proc/{}", holder.pid)).exists()
}

fn host_name() -> String {
    std::fs::read_to_string("/proc/sys/kernel/hostname")
        .or_else(|_| std::fs::read_to_string("/etc/hostname"))
        .map(|s| s.trim().to_string())
        .unwrap_or_else(|_| "unknown".into())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sink::LocalStore;
    use std::fs;
    use std::path::Path;

    fn store(dir: &Path) -> Arc<dyn Store> {
        Arc::new(LocalStore::open(dir).unwrap())
    }

    #[test]
    fn second_lock_is_refused_and_released_on_drop() {
        let dir = tempfile::tempdir().unwrap();
        let lock = DatasetLock::acquire(store(dir.path()), "run-00001").unwrap();
        let err = DatasetLock::acquire(store(dir.path()), "run-00002").unwrap_err();
        assert!(
            err.to_string()
                .contains(&format!("pid {}", std::process::id())),
            "{err}"
        );
        drop(lock);
        DatasetLock::acquire(store(dir.path()), "run-00002").unwrap();
    }

    /// A dataset folder whose lock names a process of this host that no
    /// longer exists (a stale lock).
    fn dead_holders_lock() -> (tempfile::TempDir, Holder) {
        let dir = tempfile::tempdir().unwrap();
        let dead = Holder {
            pid: u32::MAX - 1,
            host: host_name(),
            started_unix: 1,
            run: "run-00001".into(),
        };
        fs::write(
            dir.path().join(LOCK_FILE),
            serde_json::to_vec(&dead).unwrap(),
        )
        .unwrap();
        (dir, dead)
    }

    #[test]
    fn stale_lock_is_taken_over() {
        let (dir, dead) = dead_holders_lock();
        let lock = DatasetLock::acquire(store(dir.path()), "run-00002").unwrap();
        assert_eq!(lock.took_over, Some(dead));
    }

    #[test]
    fn of_two_runs_taking_over_a_stale_lock_one_wins() {
        for _ in 0..20 {
            let (dir, _) = dead_holders_lock();
            let barrier = std::sync::Barrier::new(2);
            let results: Vec<Result<DatasetLock, LockError>> = std::thread::scope(|s| {
                let contenders: Vec<_> = (0..2)
                    .map(|i| {
                        let (store, barrier) = (store(dir.path()), &barrier);
                        s.spawn(move || {
                            barrier.wait();
                            DatasetLock::acquire(store, &format!("run-0000{}", i + 2))
                        })
                    })
                    .collect();
                contenders.into_iter().map(|c| c.join().unwrap()).collect()
            });
            let won = results.iter().filter(|r| r.is_ok()).count();
            assert_eq!(won, 1, "{results:?}");
            assert!(results
                .iter()
                .any(|r| matches!(r, Err(LockError::Held { .. }))));
        }
    }

    #[test]
    fn foreign_host_lock_is_respected() {
        let dir = tempfile::tempdir().unwrap();
        let other = Holder {
            pid: 1,
            host: "elsewhere".into(),
            started_unix: 1,
            run: "run-00001".into(),
        };
        fs::write(
            dir.path().join(LOCK_FILE),
            serde_json::to_vec(&other).unwrap(),
        )
        .unwrap();
        assert!(matches!(
            DatasetLock::acquire(store(dir.path()), "run-00002"),
            Err(LockError::Held { .. })
        ));
    }
}
