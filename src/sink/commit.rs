//! The commit protocol: how a run's staged part files become visible, and how
//! the next run recovers from one that was killed.
//!
//! ```text
//! stage parts ─▶ write _staging/<run>/_COMMIT.json ─▶ remove _SUCCESS ─▶ move parts
//!   (phase 1)        (the commit point)                                  into place ─▶ delete replaced
//!                                                                        files ─▶ _runs/<run>.json ─▶ _SUCCESS ─▶ drop staging
//! ```
//!
//! This is Hadoop's FileOutputCommitter (task output staged, then moved into
//! place by the job commit) with one addition borrowed from Delta Lake's log:
//! the commit point is a single atomic, create-if-absent write of a manifest
//! that lists every move. Every step goes through [`Store`], so the same
//! protocol runs on a local disk (moves are renames) and on an object store
//! (moves are server-side copies, then deletes of the staged objects). A run killed before the manifest exists is rolled back (its staging
//! folder is deleted and its inputs, absent from the ledger, are read again by
//! the next run); a run killed after it is rolled forward (the remaining moves,
//! the run record and `_SUCCESS` are completed from the manifest). Either way
//! the dataset ends as one clean run would have left it.

use super::store::Store;
use serde::{Deserialize, Serialize};
use std::io;

/// Name of the manifest inside a run's staging folder.
pub const MANIFEST: &str = "_COMMIT.json";
/// The staging root.
pub const STAGING: &str = "_staging";

/// Everything needed to finish a commit: the moves and the run record.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Manifest {
    /// The run.
    pub run_id: String,
    /// (staged key, final key) pairs.
    pub moves: Vec<(String, String)>,
    /// Files of earlier runs that this run replaces (a derived table
    /// recomputed every run: `cross_findings`), deleted after the moves.
    #[serde(default)]
    pub deletes: Vec<String>,
    /// The `_runs/<run_id>.json` content.
    pub run_record: serde_json::Value,
    /// Under `--format delta`: the files to add to each table's Delta log
    /// once they are in place (absent for Hive-style Parquet).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub delta: Option<DeltaCommit>,
}

/// The Delta transactions a run makes after its moves: one per table.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct DeltaCommit {
    /// The run's number (`run-00003` → 3): the version of its Delta
    /// application transaction, by which a repeated commit is recognised.
    pub run_number: i64,
    /// The files' modification time in the log, milliseconds since the epoch.
    pub modification_time_ms: i64,
    /// Final keys (`reports/region=…/year=…/part-….parquet`) and sizes.
    pub files: Vec<(String, u64)>,
    /// Keys of earlier runs' files the run replaces (`cross_findings`),
    /// removed from their table's log in the same transaction.
    #[serde(default)]
    pub removes: Vec<String>,
}

/// Where a commit stopped, for fault-injection tests (`XXGK_FAILPOINT`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CommitStep {
    /// Right after the manifest was written.
    ManifestWritten,
    /// After the first part file was moved into place.
    FirstMove,
    /// After every move, before `_SUCCESS`.
    BeforeSuccess,
}

/// Commit a run: write the manifest (the commit point), then apply it.
/// `hook` is called at each [`CommitStep`] (tests abort the process there).
pub fn commit(store: &dyn Store, manifest: &Manifest, hook: &dyn Fn(CommitStep)) -> io::Result<()> {
    let key = format!("{STAGING}/{}/{MANIFEST}", manifest.run_id);
    let bytes = serde_json::to_vec_pretty(manifest).map_err(io::Error::other)?;
    // Create-if-absent (`If-None-Match: *` on an object store): a run that
    // lost its lock can never commit over another's manifest.
    if !store.put_if_absent(&key, &bytes)? {
        return Err(io::Error::new(
            io::ErrorKind::AlreadyExists,
            format!(
                "commit manifest {} already exists: another run committed {} (was the lock taken over?)",
                store.describe(&key),
                manifest.run_id
            ),
        ));
    }
    hook(CommitStep::ManifestWritten);
    apply(store, manifest, hook)
}

/// Apply a manifest; safe to repeat (moves already done are skipped).
fn apply(store: &dyn Store, manifest: &Manifest, hook: &dyn Fn(CommitStep)) -> io::Result<()> {
    store.delete("_SUCCESS")?;
    // Moves already done (by an interrupted commit) are skipped.
    if let Some((first, rest)) = manifest.moves.split_first() {
        store.promote_all(std::slice::from_ref(first))?;
        hook(CommitStep::FirstMove);
        store.promote_all(rest)?;
    }
    // The moves must be durable before the manifest that could redo them goes.
    let finals: Vec<String> = manifest.moves.iter().map(|(_, f)| f.clone()).collect();
    store.sync_moves(&finals)?;
    // Delta tables: one transaction per table (adding the moved files,
    // removing the replaced ones), then the versions go into the run record,
    // written only when every table holds the run.
    let mut run_record = manifest.run_record.clone();
    if let Some(delta) = &manifest.delta {
        let versions = commit_delta(store, delta)?;
        if let Some(record) = run_record.as_object_mut() {
            record.insert(
                "delta_versions".into(),
                serde_json::to_value(versions).map_err(io::Error::other)?,
            );
        }
    }
    // Replaced files go with the same commit (deleting twice is harmless),
    // after the Delta logs stopped naming them.
    for key in &manifest.deletes {
        store.delete(key)?;
    }
    store.sync_moves(&manifest.deletes)?;
    let record = serde_json::to_vec_pretty(&run_record).map_err(io::Error::other)?;
    store.put(&format!("_runs/{}.json", manifest.run_id), &record)?;
    hook(CommitStep::BeforeSuccess);
    store.put("_SUCCESS", b"")?;
    store.delete_prefix(&format!("{STAGING}/{}", manifest.run_id))
}

/// Add a run's files to its Delta tables; the version each table reached.
#[cfg(feature = "delta")]
fn commit_delta(
    store: &dyn Store,
    delta: &DeltaCommit,
) -> io::Result<std::collections::BTreeMap<String, u64>> {
    super::delta::commit_run(
        store,
        delta.run_number,
        delta.modification_time_ms,
        &delta.files,
        &delta.removes,
    )
    .map_err(io::Error::other)
}

/// Without the `delta` feature, a manifest with Delta tables cannot be applied.
#[cfg(not(feature = "delta"))]
fn commit_delta(
    _store: &dyn Store,
    delta: &DeltaCommit,
) -> io::Result<std::collections::BTreeMap<String, u64>> {
    Err(io::Error::new(
        io::ErrorKind::Unsupported,
        format!(
            "run {} writes Delta tables, and this xxgk was built without the `delta` feature \
             (cargo build --release --features delta)",
            delta.run_number
        ),
    ))
}

/// What recovery did.
#[derive(Debug, Default, Clone, PartialEq, Eq, Serialize)]
pub struct Recovery {
    /// Runs whose commit was completed from their manifest.
    pub rolled_forward: Vec<String>,
    /// Runs whose staged files were discarded.
    pub rolled_back: Vec<String>,
    /// An interrupted full refresh, finished or discarded (set by the run).
    pub refresh: Option<super::refresh::SwapRecovery>,
}

/// Finish or discard every run left in `_staging/` by a killed process.
/// Call with the dataset lock held.
pub fn recover(store: &dyn Store) -> io::Result<Recovery> {
    let mut runs: Vec<String> = store
        .list(STAGING)?
        .iter()
        .filter_map(|k| {
            k.strip_prefix(&format!("{STAGING}/"))?
                .split('/')
                .next()
                .map(str::to_string)
        })
        .collect();
    runs.dedup();
    let mut recovery = Recovery::default();
    for run in runs {
        let manifest_key = format!("{STAGING}/{run}/{MANIFEST}");
        match store.get(&manifest_key)? {
            Some(bytes) => {
                let manifest: Manifest = serde_json::from_slice(&bytes).map_err(|e| {
                    io::Error::other(format!("unreadable commit manifest {manifest_key}: {e}"))
                })?;
                apply(store, &manifest, &|_| {})?;
                recovery.rolled_forward.push(run);
            }
            None => {
                store.delete_prefix(&format!("{STAGING}/{run}"))?;
                recovery.rolled_back.push(run);
            }
        }
    }
    Ok(recovery)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sink::LocalStore;

    fn manifest() -> Manifest {
        Manifest {
            run_id: "run-00001".into(),
            moves: vec![
                (
                    "_staging/run-00001/t/a.parquet".into(),
                    "t/a.parquet".into(),
                ),
                (
                    "_staging/run-00001/t/b.parquet".into(),
                    "t/b.parquet".into(),
                ),
            ],
            deletes: vec![],
            run_record: serde_json::json!({"run_id": "run-00001"}),
            delta: None,
        }
    }

    fn staged_store() -> (tempfile::TempDir, LocalStore) {
        let dir = tempfile::tempdir().unwrap();
        let store = LocalStore::open(dir.path()).unwrap();
        for (staged, _) in &manifest().moves {
            store.put(staged, b"x").unwrap();
        }
        (dir, store)
    }

    #[test]
    fn killed_before_the_manifest_rolls_back() {
        let (_dir, store) = staged_store();
        let r = recover(&store).unwrap();
        assert_eq!(r.rolled_back, vec!["run-00001"]);
        assert!(store.list("").unwrap().is_empty());
    }

    #[test]
    fn killed_after_the_first_move_rolls_forward() {
        let (_dir, store) = staged_store();
        let m = manifest();
        // Simulate a kill right after the first move.
        let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            commit(&store, &m, &|step| {
                assert_ne!(step, CommitStep::FirstMove, "killed")
            })
        }));
        assert!(result.is_err());
        assert!(store.exists("t/a.parquet").unwrap() && !store.exists("t/b.parquet").unwrap());
        assert!(!store.exists("_SUCCESS").unwrap());
        let r = recover(&store).unwrap();
        assert_eq!(r.rolled_forward, vec!["run-00001"]);
        let keys = store.list("").unwrap();
        assert_eq!(
            keys,
            vec![
                "_SUCCESS",
                "_runs/run-00001.json",
                "t/a.parquet",
                "t/b.parquet"
            ]
        );
    }
}
