//! One writer at a time: an exclusive lock file in the dataset (`_lock`).
//!
//! The lock is created with `O_EXCL`, so two runs cannot both create it. It
//! names its holder (pid, host, start time, run). A lock whose holder is a
//! process on this host that no longer exists is stale: it is renamed away
//! (only one contender can win that rename) and taken over. A lock held from
//! another host is never taken over automatically. Readers never take it.

use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

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
#[derive(Debug)]
pub struct DatasetLock {
    path: PathBuf,
    holder: Holder,
    /// Whether a stale lock was taken over.
    #[cfg_attr(not(test), allow(dead_code))]
    pub took_over: Option<Holder>,
}

impl DatasetLock {
    /// Take the lock of the dataset at `root` for `run`.
    pub fn acquire(root: &Path, run: &str) -> Result<Self, LockError> {
        let path = root.join(LOCK_FILE);
        let io_err = |source| LockError::Io {
            path: path.display().to_string(),
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
        let mut took_over = None;
        for _attempt in 0..2 {
            match fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .open(&path)
            {
                Ok(mut file) => {
                    let json = serde_json::to_vec(&holder).unwrap_or_default();
                    file.write_all(&json)
                        .and_then(|_| file.sync_all())
                        .map_err(io_err)?;
                    return Ok(DatasetLock {
                        path,
                        holder,
                        took_over,
                    });
                }
                Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {
                    let existing = read_holder(&path).map_err(io_err)?;
                    match existing {
                        Some(h) if !is_stale(&h) => {
                            return Err(LockError::Held {
                                holder: h,
                                path: path.display().to_string(),
                            })
                        }
                        stale => {
                            // Rename, not delete: of two runs taking over, only one rename succeeds.
                            let aside =
                                path.with_file_name(format!("{LOCK_FILE}.stale-{}", holder.pid));
                            if fs::rename(&path, &aside).is_ok() {
                                let _ = fs::remove_file(&aside);
                                took_over = stale;
                            }
                        }
                    }
                }
                Err(e) => return Err(io_err(e)),
            }
        }
        match read_holder(&path) {
            Ok(Some(h)) => Err(LockError::Held {
                holder: h,
                path: path.display().to_string(),
            }),
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
        if read_holder(&self.path).ok().flatten().as_ref() == Some(&self.holder) {
            let _ = fs::remove_file(&self.path);
        }
    }
}

/// The holder recorded in a lock file; None if it is unreadable garbage (then stale).
fn read_holder(path: &Path) -> io::Result<Option<Holder>> {
    match fs::read(path) {
        Ok(bytes) => Ok(serde_json::from_slice(&bytes).ok()),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(e),
    }
}

/// A holder on this host whose process is gone. Other hosts' locks are never stale here.
fn is_stale(holder: &Holder) -> bool {
    holder.host == host_name() && !Path::new(&format!("/proc/{}", holder.pid)).exists()
}

fn host_name() -> String {
    fs::read_to_string("/proc/sys/kernel/hostname")
        .or_else(|_| fs::read_to_string("/etc/hostname"))
        .map(|s| s.trim().to_string())
        .unwrap_or_else(|_| "unknown".into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn second_lock_is_refused_and_released_on_drop() {
        let dir = tempfile::tempdir().unwrap();
        let lock = DatasetLock::acquire(dir.path(), "run-00001").unwrap();
        let err = DatasetLock::acquire(dir.path(), "run-00002").unwrap_err();
        assert!(
            err.to_string()
                .contains(&format!("pid {}", std::process::id())),
            "{err}"
        );
        drop(lock);
        DatasetLock::acquire(dir.path(), "run-00002").unwrap();
    }

    #[test]
    fn stale_lock_is_taken_over() {
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
        let lock = DatasetLock::acquire(dir.path(), "run-00002").unwrap();
        assert_eq!(lock.took_over, Some(dead));
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
            DatasetLock::acquire(dir.path(), "run-00002"),
            Err(LockError::Held { .. })
        ));
    }
}
