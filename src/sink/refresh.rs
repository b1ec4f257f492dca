//! The full-refresh swap: a dataset rebuilt beside the old one replaces it,
//! crash-safe, by the same idea as the run commit ([`super::commit`]): a
//! manifest written atomically is the commit point, and recovery rolls a swap
//! forward from it or, without it, back.
//!
//! ```text
//! build .<DIR>.refresh ─▶ write DIR/_SWAP.json ─▶ remove DIR/_SUCCESS ─▶ move DIR's entries
//!   (complete dataset)     (the commit point)                            to .<DIR>.old ─▶ move the
//! new entries into DIR ─▶ DIR/_SUCCESS ─▶ remove _SWAP.json ─▶ delete .<DIR>.old and .<DIR>.refresh
//! ```
//!
//! Every step is a rename or a removal and is skipped when already done, so
//! rolling forward can itself be interrupted and repeated; directories are
//! synced after each phase of renames. The manifest names the entries that
//! move out and in, so recovery never guesses which `reports/` is which: an
//! entry goes out only while it has not reached `.<DIR>.old`, and the new
//! entries come in only once every old one is out. Without a manifest, the
//! rebuild never reached its commit point: the old dataset is whole and the
//! half-built sibling is deleted.

use super::lock::LOCK_FILE;
use super::store::sync_dir;
use serde::{Deserialize, Serialize};
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

/// The swap manifest, in the dataset directory while a swap is under way.
pub const SWAP_MANIFEST: &str = "_SWAP.json";

/// What a swap moves, written before the first move.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct SwapManifest {
    /// Entries of the dataset directory that move aside (old tables, `_runs`, …).
    pub outgoing: Vec<String>,
    /// Entries of the rebuilt dataset that move in (`_SUCCESS` is moved last, apart).
    pub incoming: Vec<String>,
}

/// Where a swap stopped, for fault-injection tests (`XXGK_FAILPOINT`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SwapStep {
    /// The rebuilt dataset is complete; no manifest yet.
    Built,
    /// Right after the manifest was written (the commit point).
    ManifestWritten,
    /// After the first old entry was moved aside.
    FirstOut,
    /// After the first new entry was moved in.
    FirstIn,
    /// After every move, before `_SUCCESS`.
    BeforeSuccess,
}

/// What recovery found of an interrupted full refresh.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SwapRecovery {
    /// A swap past its commit point was completed: the dataset is the rebuilt one.
    RolledForward,
    /// A rebuild that never reached its commit point was deleted: the dataset is the old one.
    RolledBack,
}

/// The folder beside `target` named `.<name>.<what>` (`.out.refresh`, `.out.old`).
pub fn sibling(target: &Path, what: &str) -> PathBuf {
    let name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "out".into());
    target.with_file_name(format!(".{name}.{what}"))
}

/// Where a full refresh builds the new dataset.
pub fn build_dir(target: &Path) -> PathBuf {
    sibling(target, "refresh")
}

/// Replace `target`'s contents with the complete dataset in [`build_dir`]
/// (the lock file stays). `hook` is called at each [`SwapStep`].
pub fn swap_in(target: &Path, hook: &dyn Fn(SwapStep)) -> io::Result<()> {
    hook(SwapStep::Built);
    let built = build_dir(target);
    let manifest = SwapManifest {
        outgoing: entries(target, &[LOCK_FILE, SWAP_MANIFEST, "_SUCCESS"])?,
        incoming: entries(&built, &["_SUCCESS"])?,
    };
    write_manifest(target, &manifest)?;
    hook(SwapStep::ManifestWritten);
    apply(target, &manifest, hook)
}

/// Finish or discard a full refresh a killed process left. Call with the
/// dataset lock held, before anything else reads the dataset.
pub fn recover(target: &Path) -> io::Result<Option<SwapRecovery>> {
    match fs::read(target.join(SWAP_MANIFEST)) {
        Ok(bytes) => {
            let manifest: SwapManifest = serde_json::from_slice(&bytes).map_err(|e| {
                io::Error::other(format!(
                    "unreadable swap manifest {}: {e}",
                    target.join(SWAP_MANIFEST).display()
                ))
            })?;
            apply(target, &manifest, &|_| {})?;
            Ok(Some(SwapRecovery::RolledForward))
        }
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            let mut found = false;
            for leftover in [build_dir(target), sibling(target, "old")] {
                if leftover.exists() {
                    fs::remove_dir_all(&leftover)?;
                    found = true;
                }
            }
            Ok(found.then_some(SwapRecovery::RolledBack))
        }
        Err(e) => Err(e),
    }
}

/// Apply a swap manifest; every step is skipped when already done.
fn apply(target: &Path, manifest: &SwapManifest, hook: &dyn Fn(SwapStep)) -> io::Result<()> {
    let built = build_dir(target);
    let old = sibling(target, "old");
    fs::create_dir_all(&old)?;
    remove_if_present(&target.join("_SUCCESS"))?;
    // Out: an entry not yet aside is moved aside (one already aside stays,
    // even if a new entry of the same name has since come in).
    for (i, name) in manifest.outgoing.iter().enumerate() {
        if !old.join(name).exists() && target.join(name).exists() {
            fs::rename(target.join(name), old.join(name))?;
        }
        if i == 0 {
            hook(SwapStep::FirstOut);
        }
    }
    sync_dir(target)?;
    sync_dir(&old)?;
    // In: only once every old entry is out.
    for (i, name) in manifest.incoming.iter().enumerate() {
        if built.join(name).exists() {
            fs::rename(built.join(name), target.join(name))?;
        }
        if i == 0 {
            hook(SwapStep::FirstIn);
        }
    }
    sync_dir(target)?;
    hook(SwapStep::BeforeSuccess);
    if built.join("_SUCCESS").exists() {
        fs::rename(built.join("_SUCCESS"), target.join("_SUCCESS"))?;
    } else if !target.join("_SUCCESS").exists() {
        fs::write(target.join("_SUCCESS"), b"")?;
    }
    sync_dir(target)?;
    remove_if_present(&target.join(SWAP_MANIFEST))?;
    sync_dir(target)?;
    for dir in [&built, &old] {
        match fs::remove_dir_all(dir) {
            Err(e) if e.kind() != io::ErrorKind::NotFound => return Err(e),
            _ => {}
        }
    }
    Ok(())
}

/// The names in `dir` except `skip`, sorted.
fn entries(dir: &Path, skip: &[&str]) -> io::Result<Vec<String>> {
    let mut names = Vec::new();
    for entry in fs::read_dir(dir)? {
        let name = entry?.file_name().to_string_lossy().into_owned();
        if !skip.contains(&name.as_str()) {
            names.push(name);
        }
    }
    names.sort();
    Ok(names)
}

/// Write the manifest atomically: temporary name, fsync, rename, directory fsync.
fn write_manifest(target: &Path, manifest: &SwapManifest) -> io::Result<()> {
    use std::io::Write;
    let bytes = serde_json::to_vec_pretty(manifest).map_err(io::Error::other)?;
    let tmp = target.join(format!(".{SWAP_MANIFEST}.tmp-{}", std::process::id()));
    let mut file = fs::File::create(&tmp)?;
    file.write_all(&bytes)?;
    file.sync_all()?;
    fs::rename(&tmp, target.join(SWAP_MANIFEST))?;
    sync_dir(target)
}

fn remove_if_present(path: &Path) -> io::Result<()> {
    match fs::remove_file(path) {
        Err(e) if e.kind() != io::ErrorKind::NotFound => Err(e),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An old dataset `out/` and a complete rebuild beside it.
    fn setup() -> (tempfile::TempDir, PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("out");
        for (root, tag) in [(target.clone(), "old"), (build_dir(&target), "new")] {
            fs::create_dir_all(root.join("reports")).unwrap();
            fs::write(root.join("reports/part.parquet"), tag).unwrap();
            fs::write(root.join("_SUCCESS"), b"").unwrap();
        }
        fs::create_dir_all(target.join("rejects")).unwrap(); // only in the old
        fs::write(target.join(LOCK_FILE), b"lock").unwrap();
        (dir, target)
    }

    fn state(target: &Path) -> (String, bool, bool) {
        (
            fs::read_to_string(target.join("reports/part.parquet")).unwrap(),
            target.join("rejects").exists(),
            target.join("_SUCCESS").exists(),
        )
    }

    #[test]
    fn a_swap_killed_at_any_step_ends_old_or_new_after_recovery() {
        for kill_at in [
            SwapStep::Built,
            SwapStep::ManifestWritten,
            SwapStep::FirstOut,
            SwapStep::FirstIn,
            SwapStep::BeforeSuccess,
        ] {
            let (_dir, target) = setup();
            let killed = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                swap_in(&target, &|step| assert_ne!(step, kill_at, "killed"))
            }));
            assert!(killed.is_err(), "{kill_at:?}");
            let recovered = recover(&target).unwrap();
            let want = if kill_at == SwapStep::Built {
                (Some(SwapRecovery::RolledBack), ("old".into(), true, true))
            } else {
                (
                    Some(SwapRecovery::RolledForward),
                    ("new".into(), false, true),
                )
            };
            assert_eq!((recovered, state(&target)), want, "{kill_at:?}");
            assert!(target.join(LOCK_FILE).exists());
            assert!(!target.join(SWAP_MANIFEST).exists());
            assert!(!build_dir(&target).exists() && !sibling(&target, "old").exists());
            // Recovery again finds nothing to do.
            assert_eq!(recover(&target).unwrap(), None);
        }
    }

    #[test]
    fn a_clean_swap_leaves_the_new_dataset_and_no_siblings() {
        let (_dir, target) = setup();
        swap_in(&target, &|_| {}).unwrap();
        assert_eq!(state(&target), ("new".into(), false, true));
        assert!(!build_dir(&target).exists() && !sibling(&target, "old").exists());
    }
}
