//! The full-refresh swap: a dataset rebuilt beside the old one replaces it,
//! crash-safe, by the same idea as the run commit ([`super::commit`]): a
//! manifest written atomically is the commit point, and recovery rolls a swap
//! forward from it or, without it, back.
//!
//! ```text
//! build DIR/_refresh/ ─▶ write DIR/_SWAP.json ─▶ remove DIR/_SUCCESS ─▶ delete the old objects
//!  (complete dataset)    (the commit point)                            ─▶ _SWAP.json: phase "in"
//! ─▶ move the new objects from _refresh/ into place ─▶ DIR/_SUCCESS ─▶ remove _SWAP.json and _refresh/
//! ```
//!
//! Everything goes through [`Store`], so the swap is the same on a local disk
//! (moves are renames, folders synced after each phase) and on an object
//! store (moves are server-side copies). The rebuild lives inside the dataset
//! under `_refresh/`, which no reader of the tables looks at (Hive readers skip
//! `_`-prefixed folders; the README's globs name the tables). The manifest
//! names the objects that go out and those that come in, so recovery never
//! guesses which `reports/…` file is which, and records the phase: the old
//! objects are deleted while it says `out` (a new object of the same name
//! can only arrive later), the new ones moved in once it says `in`. Every
//! step is skipped when already done, so rolling forward can itself be
//! interrupted and repeated. Without a manifest, the rebuild never reached
//! its commit point: the old dataset is whole and `_refresh/` is deleted.

use super::lock::LOCK_FILE;
use super::store::Store;
use serde::{Deserialize, Serialize};
use std::io;

/// The swap manifest, in the dataset root while a swap is under way.
pub const SWAP_MANIFEST: &str = "_SWAP.json";

/// The folder inside the dataset where a full refresh builds the new dataset.
pub const REFRESH_PREFIX: &str = "_refresh";

/// Which half of the swap is under way.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum SwapPhase {
    /// The old objects are being deleted.
    Out,
    /// Every old object is gone; the new ones are being moved in.
    In,
}

/// What a swap moves, written before the first change to the dataset.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct SwapManifest {
    /// Keys of the old dataset that go (tables, `_runs`, `_ledger`, …).
    pub outgoing: Vec<String>,
    /// Keys of the rebuilt dataset, relative to `_refresh/`, that come in
    /// (`_SUCCESS` is written last, apart).
    pub incoming: Vec<String>,
    /// Where the swap is.
    pub phase: SwapPhase,
}

/// Where a swap stopped, for fault-injection tests (`XXGK_FAILPOINT`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SwapStep {
    /// The rebuilt dataset is complete; no manifest yet.
    Built,
    /// Right after the manifest was written (the commit point).
    ManifestWritten,
    /// After the first old object was deleted.
    FirstOut,
    /// After the first new object was moved in.
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

/// Whether a key of the dataset root belongs to the dataset (and so goes out
/// in a swap): not the lock, the swap's own files, `_SUCCESS` (handled
/// apart) or hidden temporary files.
fn is_dataset_key(key: &str) -> bool {
    let first = key.split('/').next().unwrap_or(key);
    let name = key.rsplit('/').next().unwrap_or(key);
    !(first == REFRESH_PREFIX
        || key == SWAP_MANIFEST
        || key == "_SUCCESS"
        || key == LOCK_FILE
        || name.starts_with('.'))
}

/// Replace the dataset in `target` with the complete dataset under
/// [`REFRESH_PREFIX`] (the lock stays). `hook` is called at each [`SwapStep`].
pub fn swap_in(target: &dyn Store, hook: &dyn Fn(SwapStep)) -> io::Result<()> {
    hook(SwapStep::Built);
    let refresh_root = format!("{REFRESH_PREFIX}/");
    let manifest = SwapManifest {
        outgoing: target
            .list("")?
            .into_iter()
            .filter(|k| is_dataset_key(k))
            .collect(),
        incoming: target
            .list(REFRESH_PREFIX)?
            .iter()
            .filter_map(|k| k.strip_prefix(&refresh_root))
            .filter(|k| *k != "_SUCCESS" && is_dataset_key(k))
            .map(str::to_string)
            .collect(),
        phase: SwapPhase::Out,
    };
    write_manifest(target, &manifest)?;
    hook(SwapStep::ManifestWritten);
    apply(target, manifest, hook)
}

/// Finish or discard a full refresh a killed process left. Call with the
/// dataset lock held, before anything else reads the dataset.
pub fn recover(target: &dyn Store) -> io::Result<Option<SwapRecovery>> {
    match target.get(SWAP_MANIFEST)? {
        Some(bytes) => {
            let manifest: SwapManifest = serde_json::from_slice(&bytes).map_err(|e| {
                io::Error::other(format!(
                    "unreadable swap manifest {}: {e}",
                    target.describe(SWAP_MANIFEST)
                ))
            })?;
            apply(target, manifest, &|_| {})?;
            Ok(Some(SwapRecovery::RolledForward))
        }
        None => {
            if target.list(REFRESH_PREFIX)?.is_empty() {
                return Ok(None);
            }
            target.delete_prefix(REFRESH_PREFIX)?;
            Ok(Some(SwapRecovery::RolledBack))
        }
    }
}

/// Apply a swap manifest from its phase; every step is skipped when already done.
fn apply(
    target: &dyn Store,
    mut manifest: SwapManifest,
    hook: &dyn Fn(SwapStep),
) -> io::Result<()> {
    use rayon::prelude::*;
    target.delete("_SUCCESS")?;
    if manifest.phase == SwapPhase::Out {
        // Out: deleting is idempotent, and no new object has come in yet.
        if let Some((first, rest)) = manifest.outgoing.split_first() {
            target.delete(first)?;
            hook(SwapStep::FirstOut);
            rest.par_iter().try_for_each(|key| target.delete(key))?;
        }
        target.sync_moves(&manifest.outgoing)?;
        manifest.phase = SwapPhase::In;
        write_manifest(target, &manifest)?;
    }
    // In: only once every old object is out.
    let moves: Vec<(String, String)> = manifest
        .incoming
        .iter()
        .map(|key| (format!("{REFRESH_PREFIX}/{key}"), key.clone()))
        .collect();
    if let Some((first, rest)) = moves.split_first() {
        target.promote_all(std::slice::from_ref(first))?;
        hook(SwapStep::FirstIn);
        target.promote_all(rest)?;
    }
    target.sync_moves(&manifest.incoming)?;
    hook(SwapStep::BeforeSuccess);
    target.put("_SUCCESS", b"")?;
    target.delete(SWAP_MANIFEST)?;
    target.delete_prefix(REFRESH_PREFIX)
}

/// Write the manifest atomically ([`Store::put`]: on a local disk a
/// temporary name, fsync, rename, directory fsync).
fn write_manifest(target: &dyn Store, manifest: &SwapManifest) -> io::Result<()> {
    let bytes = serde_json::to_vec_pretty(manifest).map_err(io::Error::other)?;
    target.put(SWAP_MANIFEST, &bytes)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sink::LocalStore;

    /// An old dataset and a complete rebuild under `_refresh/`.
    fn setup() -> (tempfile::TempDir, LocalStore) {
        let dir = tempfile::tempdir().unwrap();
        let store = LocalStore::open(dir.path()).unwrap();
        for (prefix, tag) in [("", "old"), ("_refresh/", "new")] {
            store
                .put(&format!("{prefix}reports/part.parquet"), tag.as_bytes())
                .unwrap();
            store.put(&format!("{prefix}_SUCCESS"), b"").unwrap();
        }
        store.put("rejects/part.parquet", b"old").unwrap(); // only in the old
        store.put(LOCK_FILE, b"lock").unwrap();
        (dir, store)
    }

    fn state(store: &LocalStore) -> (String, bool, bool) {
        (
            String::from_utf8(store.get("reports/part.parquet").unwrap().unwrap()).unwrap(),
            store.exists("rejects/part.parquet").unwrap(),
            store.exists("_SUCCESS").unwrap(),
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
            let (dir, store) = setup();
            let killed = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                swap_in(&store, &|step| assert_ne!(step, kill_at, "killed"))
            }));
            assert!(killed.is_err(), "{kill_at:?}");
            let recovered = recover(&store).unwrap();
            let want = if kill_at == SwapStep::Built {
                (Some(SwapRecovery::RolledBack), ("old".into(), true, true))
            } else {
                (
                    Some(SwapRecovery::RolledForward),
                    ("new".into(), false, true),
                )
            };
            assert_eq!((recovered, state(&store)), want, "{kill_at:?}");
            assert!(store.exists(LOCK_FILE).unwrap());
            assert!(!store.exists(SWAP_MANIFEST).unwrap());
            assert!(!dir.path().join(REFRESH_PREFIX).exists());
            assert!(!dir.path().join("rejects").exists() || kill_at == SwapStep::Built);
            // Recovery again finds nothing to do.
            assert_eq!(recover(&store).unwrap(), None);
        }
    }

    #[test]
    fn a_clean_swap_leaves_the_new_dataset_and_nothing_else() {
        let (dir, store) = setup();
        swap_in(&store, &|_| {}).unwrap();
        assert_eq!(state(&store), ("new".into(), false, true));
        assert_eq!(
            store.list("").unwrap(),
            vec!["_SUCCESS", LOCK_FILE, "reports/part.parquet"]
        );
        assert!(!dir.path().join(REFRESH_PREFIX).exists());
    }
}
