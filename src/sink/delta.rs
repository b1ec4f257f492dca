//! `--format delta`: each table a Delta Lake table, each run one Delta
//! transaction per table.
//!
//! The part files are the same as for Hive-style Parquet, in the same
//! folders (`reports/region=gansu/year=2019/part-….parquet`, partition values
//! in the path only): Delta's partitioned layout is Hive's. The run commits
//! them as usual ([`super::commit`]: staged, the manifest, the moves), and
//! then, for every table it wrote, one Delta commit adds its files
//! (`_delta_log/<version>.json`, written create-if-absent by `deltalake`
//! through the dataset's own object store). The first run of a table creates
//! it in that same commit (protocol, metadata with the schema and the
//! partition columns `region` and `year`, and the files). The run's record
//! (`_runs/<run>.json`) lists the Delta version each table reached
//! (`delta_versions`); it is written only after every Delta commit, so a run
//! with a record is complete in every table.
//!
//! Each Delta commit carries an application transaction (`txn`, app id
//! `xxgk`, version = the run number): recovery of a run killed between two
//! tables' commits (rolled forward from the manifest) skips the tables that
//! already hold the run and commits the others. `xxgk` holds the dataset's
//! lock, so it is the only writer of these tables.

use super::schema::{arrow_schema, Table, NULL_PARTITION, PARTITION_REGION, PARTITION_YEAR};
use super::store::Store;
use deltalake_core::kernel::engine::arrow_conversion::TryIntoKernel;
use deltalake_core::kernel::transaction::{CommitBuilder, CommitProperties};
use deltalake_core::kernel::{
    Action, Add, DataType, PrimitiveType, Remove, StructField, StructType, Transaction,
};
use deltalake_core::logstore::{
    default_logstore, logstore_factories, LogStore, LogStoreFactory, ObjectStoreRef, StorageConfig,
};
use deltalake_core::operations::create::CreateBuilder;
use deltalake_core::protocol::{DeltaOperation, SaveMode};
use deltalake_core::{DeltaTableBuilder, DeltaTableError};
use std::collections::{BTreeMap, HashMap};

/// The application id of xxgk's Delta transactions.
pub const APP_ID: &str = "xxgk";

/// Why a table's Delta commit failed.
#[derive(Debug, thiserror::Error)]
pub enum DeltaError {
    /// The table's location could not be opened.
    #[error("delta table {table}: {source}")]
    Location {
        /// The table.
        table: String,
        /// The error.
        source: std::io::Error,
    },
    /// `deltalake` refused or failed the commit.
    #[error("delta table {table}: {source}")]
    Delta {
        /// The table.
        table: String,
        /// The error.
        source: DeltaTableError,
    },
    /// A part file's key names no table of the schema.
    #[error("{0} is not a part file of a known table")]
    UnknownTable(String),
    /// The async runtime could not start.
    #[error(transparent)]
    Runtime(#[from] crate::cloud::CloudError),
}

/// Commit a run's part files (final keys and sizes) as one Delta transaction
/// per table; the version each table reached, by table name. A table whose
/// log already holds the run (an interrupted commit) is not committed again.
pub fn commit_run(
    store: &dyn Store,
    run_number: i64,
    modification_time_ms: i64,
    files: &[(String, u64)],
    removes: &[String],
) -> Result<BTreeMap<String, u64>, DeltaError> {
    let mut by_table: BTreeMap<&str, Vec<Action>> = BTreeMap::new();
    for (key, size) in files {
        let (table, rel) = split(key)?;
        by_table
            .entry(table)
            .or_default()
            .push(add_action(rel, *size, modification_time_ms));
    }
    for key in removes {
        let (table, rel) = split(key)?;
        by_table
            .entry(table)
            .or_default()
            .push(remove_action(rel, modification_time_ms));
    }
    let rt = crate::cloud::runtime()?;
    register_log_stores();
    let mut versions = BTreeMap::new();
    for (name, actions) in by_table {
        let table = Table::ALL
            .iter()
            .copied()
            .find(|t| t.name() == name)
            .ok_or_else(|| DeltaError::UnknownTable(name.to_string()))?;
        let (root, url) = store
            .object_store_root(name)
            .map_err(|source| DeltaError::Location {
                table: name.to_string(),
                source,
            })?;
        let version = rt
            .block_on(commit_table(table, root, url, actions, run_number))
            .map_err(|source| DeltaError::Delta {
                table: name.to_string(),
                source,
            })?;
        versions.insert(name.to_string(), version);
    }
    Ok(versions)
}

/// The log store of every scheme xxgk writes to. `deltalake-core` alone
/// knows only `file://` and `memory://` (its cloud crates register the
/// others); xxgk hands it an object store of its own, so any scheme gets
/// `deltalake`'s default log store, which creates each commit file with a
/// conditional put — which every store xxgk supports has.
struct OwnStoreLogStores;

impl LogStoreFactory for OwnStoreLogStores {
    fn with_options(
        &self,
        prefixed_store: ObjectStoreRef,
        root_store: ObjectStoreRef,
        location: &url::Url,
        options: &StorageConfig,
    ) -> deltalake_core::DeltaResult<std::sync::Arc<dyn LogStore>> {
        Ok(default_logstore(
            prefixed_store,
            root_store,
            location,
            options,
        ))
    }
}

/// Register [`OwnStoreLogStores`] for the object-store schemes (once, and
/// never over a factory already registered).
fn register_log_stores() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let registry = logstore_factories();
        for scheme in [
            "s3://", "s3a://", "gs://", "az://", "azure://", "abfs://", "abfss://",
        ] {
            if let Ok(url) = url::Url::parse(scheme) {
                registry
                    .entry(url)
                    .or_insert_with(|| std::sync::Arc::new(OwnStoreLogStores));
            }
        }
    });
}

/// A file's table and its path below the table root.
fn split(key: &str) -> Result<(&str, &str), DeltaError> {
    key.split_once('/')
        .ok_or_else(|| DeltaError::UnknownTable(key.to_string()))
}

/// The partition columns of a table.
fn partition_columns(table: Table) -> Vec<String> {
    if table.partitioned() {
        vec![PARTITION_REGION.to_string(), PARTITION_YEAR.to_string()]
    } else {
        Vec::new()
    }
}

/// The add action of a part file at `rel` (below the table root); partition
/// values come from its folders (`region=gansu/year=2019`), the NULL
/// partition's folder meaning null.
fn add_action(rel: &str, size: u64, modification_time_ms: i64) -> Action {
    let partition_values: HashMap<String, Option<String>> = rel
        .split('/')
        .filter_map(|segment| segment.split_once('='))
        .map(|(k, v)| {
            let value = (v != NULL_PARTITION).then(|| v.to_string());
            (k.to_string(), value)
        })
        .collect();
    Action::Add(Add {
        path: rel.to_string(),
        partition_values,
        size: size as i64,
        modification_time: modification_time_ms,
        data_change: true,
        ..Default::default()
    })
}

/// The remove action of an earlier run's file at `rel` that the run replaces.
fn remove_action(rel: &str, deletion_time_ms: i64) -> Action {
    Action::Remove(Remove {
        path: rel.to_string(),
        deletion_timestamp: Some(deletion_time_ms),
        data_change: true,
        ..Default::default()
    })
}

/// The table's Delta schema: the file columns, then the partition columns.
fn delta_schema(table: Table) -> Result<Vec<StructField>, DeltaTableError> {
    let schema: StructType = arrow_schema(table).as_ref().try_into_kernel()?;
    let mut fields: Vec<StructField> = schema.fields().cloned().collect();
    if table.partitioned() {
        fields.push(StructField::new(
            PARTITION_REGION,
            DataType::Primitive(PrimitiveType::String),
            true,
        ));
        fields.push(StructField::new(
            PARTITION_YEAR,
            DataType::Primitive(PrimitiveType::Integer),
            true,
        ));
    }
    Ok(fields)
}

/// One Delta commit of `actions` (adds, removes) to the table at `url` (created by it when
/// it does not exist yet); the version written, or the current one when the
/// log already holds run `run_number`.
async fn commit_table(
    table: Table,
    root: std::sync::Arc<dyn object_store::ObjectStore>,
    url: url::Url,
    actions: Vec<Action>,
    run_number: i64,
) -> Result<u64, DeltaTableError> {
    let mut delta = DeltaTableBuilder::from_url(url.clone())?
        .with_storage_backend(root, url)
        .build()?;
    let properties = CommitProperties::default()
        .with_application_transaction(Transaction::new(APP_ID, run_number))
        .with_create_checkpoint(false);
    match delta.load().await {
        Ok(()) => {
            let log_store = delta.log_store();
            let state = delta.snapshot()?;
            let done = state
                .transaction_version(log_store.as_ref(), APP_ID)
                .await?
                .is_some_and(|v| v >= run_number);
            if done {
                return Ok(delta.version().unwrap_or(0));
            }
            let operation = DeltaOperation::Write {
                mode: SaveMode::Append,
                partition_by: Some(partition_columns(table)).filter(|p| !p.is_empty()),
                predicate: None,
            };
            let commit = CommitBuilder::from(properties)
                .with_actions(actions)
                .build(Some(state), log_store, operation)
                .await?;
            Ok(commit.version())
        }
        Err(DeltaTableError::NotATable(_)) => {
            let created = CreateBuilder::new()
                .with_log_store(delta.log_store())
                .with_table_name(table.name())
                .with_columns(delta_schema(table)?)
                .with_partition_columns(partition_columns(table))
                .with_save_mode(SaveMode::ErrorIfExists)
                .with_actions(actions)
                .with_commit_properties(properties)
                .await?;
            Ok(created.version().unwrap_or(0))
        }
        Err(e) => Err(e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sink::LocalStore;

    #[test]
    fn a_replaced_file_is_removed_in_the_runs_transaction() {
        let dir = tempfile::tempdir().unwrap();
        let store = LocalStore::open(dir.path()).unwrap();
        let (a, b) = (
            "cross_findings/part-run-00001-00000.parquet".to_string(),
            "cross_findings/part-run-00002-00000.parquet".to_string(),
        );
        store.put(&a, b"").unwrap();
        commit_run(&store, 1, 0, &[(a.clone(), 1)], &[]).unwrap();
        store.put(&b, b"").unwrap();
        let v = commit_run(&store, 2, 0, &[(b.clone(), 1)], std::slice::from_ref(&a)).unwrap();
        assert_eq!(v, BTreeMap::from([("cross_findings".into(), 1)]));
        let log = std::fs::read_to_string(
            dir.path()
                .join("cross_findings/_delta_log/00000000000000000001.json"),
        )
        .unwrap();
        let actions: Vec<serde_json::Value> = log
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        let path_of = |kind: &str| {
            actions
                .iter()
                .filter_map(|a| a.get(kind)?.get("path")?.as_str().map(str::to_string))
                .collect::<Vec<_>>()
        };
        assert_eq!(path_of("add"), ["part-run-00002-00000.parquet"]);
        assert_eq!(path_of("remove"), ["part-run-00001-00000.parquet"]);
    }

    #[test]
    fn partition_values_come_from_the_path() {
        let Action::Add(add) = add_action(
            "region=gansu/year=__HIVE_DEFAULT_PARTITION__/part-run-00001-00000.parquet",
            10,
            1,
        ) else {
            panic!()
        };
        assert_eq!(add.partition_values["region"].as_deref(), Some("gansu"));
        assert_eq!(add.partition_values["year"], None);
        assert_eq!(add.size, 10);
    }

    #[test]
    fn a_run_is_one_commit_per_table_and_a_repeated_run_is_skipped() {
        let dir = tempfile::tempdir().unwrap();
        let store = LocalStore::open(dir.path()).unwrap();
        // The part files are in place before their Delta commit (empty ones do for the log).
        for key in [
            "reports/region=gansu/year=2019/part-run-00001-00000.parquet",
            "reports/region=gansu/year=2020/part-run-00002-00000.parquet",
            "rejects/part-run-00001-00000.parquet",
        ] {
            store.put(key, b"").unwrap();
        }
        let files = vec![
            (
                "reports/region=gansu/year=2019/part-run-00001-00000.parquet".to_string(),
                1,
            ),
            ("rejects/part-run-00001-00000.parquet".to_string(), 1),
        ];
        let v = commit_run(&store, 1, 0, &files, &[]).unwrap();
        assert_eq!(
            v,
            BTreeMap::from([("rejects".into(), 0), ("reports".into(), 0)])
        );
        assert!(dir
            .path()
            .join("reports/_delta_log/00000000000000000000.json")
            .exists());
        // Recovery of the same run: nothing new.
        assert_eq!(commit_run(&store, 1, 0, &files, &[]).unwrap(), v);
        let next = vec![(
            "reports/region=gansu/year=2020/part-run-00002-00000.parquet".to_string(),
            1,
        )];
        assert_eq!(
            commit_run(&store, 2, 0, &next, &[]).unwrap(),
            BTreeMap::from([("reports".into(), 1)])
        );
    }
}
