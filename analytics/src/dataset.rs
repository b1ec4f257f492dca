//! Opening an xxgk dataset and scanning its tables lazily.
//!
//! Every partitioned table is read from `<dataset>/<table>/region=<slug>/year=<yyyy>/*.parquet`
//! with Hive partitioning: `region` comes out as a string and `year` as an `Int64`, and the
//! `__HIVE_DEFAULT_PARTITION__` directories that the writer uses for an unresolved value come
//! out as NULL. A table directory that does not exist or holds no Parquet file (a dataset
//! without rejects has no `rejects/`) scans as an empty frame with the documented columns,
//! so the queries never have to special-case it.

use polars::prelude::*;
use std::path::{Path, PathBuf};

/// The Hive partition value the writer uses for NULL.
pub use xxgk_schema::NULL_PARTITION;

/// Why a directory cannot be used as a dataset.
#[derive(Debug, thiserror::Error)]
pub enum DatasetError {
    /// The path does not exist.
    #[error("dataset directory {0} does not exist")]
    NotFound(PathBuf),
    /// The path exists but is not a directory.
    #[error("{0} is not a directory")]
    NotADirectory(PathBuf),
    /// The directory has no `reports/` table: it was not written by `xxgk ingest`.
    #[error(
        "{0} is not an xxgk dataset (it has no reports/ directory); \
         write one with `xxgk ingest <INPUT> --out {0}`"
    )]
    NotADataset(PathBuf),
    /// The directory could not be read.
    #[error("cannot read {path}: {source}")]
    Io {
        /// The path that failed.
        path: PathBuf,
        /// The underlying error.
        source: std::io::Error,
    },
    /// Polars failed to plan or run a query.
    #[error(transparent)]
    Polars(#[from] PolarsError),
}

/// A table of the dataset, as described in `docs/data-dictionary.md`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Table {
    /// One row per report.
    Reports,
    /// Table A cells.
    ActiveDisclosure,
    /// Table B cells.
    Applications,
    /// Table C cells.
    ReviewLitigation,
    /// Figures the report states in words around its tables.
    NarrativeFigures,
    /// What the pipeline noticed about a report.
    Findings,
    /// What one report says about another of the same issuer (not partitioned).
    CrossFindings,
    /// Inputs that are not reports (not partitioned).
    Rejects,
    /// Every input the dataset has ingested, with the facts the checks across reports
    /// compare (not partitioned; under `_ledger/`).
    Ledger,
}

impl Table {
    /// The table's directory name under the dataset root.
    pub fn dir_name(self) -> &'static str {
        self.definition().name()
    }

    /// Whether the table is Hive-partitioned by `region` and `year`.
    pub fn partitioned(self) -> bool {
        self.definition().partitioned()
    }

    /// The table's definition in the shared schema crate (the writer's).
    pub fn definition(self) -> xxgk_schema::Table {
        match self {
            Table::Reports => xxgk_schema::Table::Reports,
            Table::ActiveDisclosure => xxgk_schema::Table::ActiveDisclosure,
            Table::Applications => xxgk_schema::Table::Applications,
            Table::ReviewLitigation => xxgk_schema::Table::ReviewLitigation,
            Table::NarrativeFigures => xxgk_schema::Table::NarrativeFigures,
            Table::Findings => xxgk_schema::Table::Findings,
            Table::CrossFindings => xxgk_schema::Table::CrossFindings,
            Table::Rejects => xxgk_schema::Table::Rejects,
            Table::Ledger => xxgk_schema::Table::Ledger,
        }
    }

    /// The schema of an empty scan of this table, partition columns last (as a scan has them).
    pub fn empty_schema(self) -> Schema {
        let mut fields: Vec<Field> = self
            .definition()
            .columns()
            .iter()
            .map(|c| Field::new(c.name.into(), dtype(c.ty)))
            .collect();
        if self.partitioned() {
            fields.extend(partition_schema().iter_fields());
        }
        Schema::from_iter(fields)
    }
}

/// The polars type of a column type of the dataset.
fn dtype(ty: xxgk_schema::ColumnType) -> DataType {
    match ty {
        xxgk_schema::ColumnType::Utf8 => DataType::String,
        xxgk_schema::ColumnType::Int64 => DataType::Int64,
        xxgk_schema::ColumnType::Float64 => DataType::Float64,
    }
}

/// The Hive partition columns: `region` (string) and `year` (integer).
pub fn partition_schema() -> Schema {
    Schema::from_iter([
        Field::new(xxgk_schema::PARTITION_REGION.into(), DataType::String),
        Field::new(xxgk_schema::PARTITION_YEAR.into(), DataType::Int64),
    ])
}

/// An xxgk dataset directory.
#[derive(Debug, Clone)]
pub struct Dataset {
    root: PathBuf,
}

impl Dataset {
    /// Opens the dataset at `root`: the directory must exist and hold a `reports/` table.
    pub fn open(root: impl Into<PathBuf>) -> Result<Self, DatasetError> {
        let root = root.into();
        let meta = std::fs::metadata(&root).map_err(|source| {
            if source.kind() == std::io::ErrorKind::NotFound {
                DatasetError::NotFound(root.clone())
            } else {
                DatasetError::Io {
                    path: root.clone(),
                    source,
                }
            }
        })?;
        if !meta.is_dir() {
            return Err(DatasetError::NotADirectory(root));
        }
        if !root.join(Table::Reports.dir_name()).is_dir() {
            return Err(DatasetError::NotADataset(root));
        }
        Ok(Dataset { root })
    }

    /// The dataset's root directory.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// Whether the last run that wrote the dataset completed (its `_SUCCESS` marker exists).
    pub fn is_complete(&self) -> bool {
        self.root.join("_SUCCESS").is_file()
    }

    /// A lazy scan of `table`, with the partition columns `region` and `year` for the
    /// partitioned tables (NULL for `__HIVE_DEFAULT_PARTITION__`). A table without any
    /// Parquet file is an empty frame with the documented columns.
    pub fn scan(&self, table: Table) -> Result<LazyFrame, DatasetError> {
        let dir = self.root.join(table.dir_name());
        if !has_parquet(&dir)? {
            return Ok(DataFrame::empty_with_schema(&table.empty_schema()).lazy());
        }
        let path = dir.to_str().ok_or_else(|| DatasetError::Io {
            path: dir.clone(),
            source: std::io::Error::new(
                std::io::ErrorKind::InvalidInput,
                "the path is not valid UTF-8",
            ),
        })?;
        let hive_options = if table.partitioned() {
            HiveOptions {
                enabled: Some(true),
                hive_start_idx: 0,
                schema: Some(Arc::new(partition_schema())),
                try_parse_dates: false,
            }
        } else {
            HiveOptions::new_disabled()
        };
        let args = ScanArgsParquet {
            hive_options,
            ..Default::default()
        };
        Ok(LazyFrame::scan_parquet(PlRefPath::new(path), args)?)
    }
}

/// Whether `dir` holds a non-empty `.parquet` file anywhere below it (a missing directory
/// holds none).
fn has_parquet(dir: &Path) -> Result<bool, DatasetError> {
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(false),
        Err(source) => {
            return Err(DatasetError::Io {
                path: dir.to_path_buf(),
                source,
            })
        }
    };
    for entry in entries {
        let entry = entry.map_err(|source| DatasetError::Io {
            path: dir.to_path_buf(),
            source,
        })?;
        let path = entry.path();
        let meta = entry.metadata().map_err(|source| DatasetError::Io {
            path: path.clone(),
            source,
        })?;
        if meta.is_dir() {
            if has_parquet(&path)? {
                return Ok(true);
            }
        } else if meta.len() > 0 && path.extension().is_some_and(|e| e == "parquet") {
            return Ok(true);
        }
    }
    Ok(false)
}
