//! Test utilities: run the built binary on temp inputs and read the Parquet back.

use arrow_array::{Array, Float64Array, Int64Array, RecordBatch, StringArray};
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The failpoints of a run's commit, in the order a run reaches them: a run
/// killed at any of them must leave the dataset exactly old or exactly new.
pub const COMMIT_FAILPOINTS: [&str; 5] = [
    "parse",
    "write",
    "commit-manifest",
    "commit-move",
    "commit-success",
];

/// The crate root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Run `xxgk` with arguments from the crate root.
pub fn xxgk(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_xxgk"))
        .args(args)
        .current_dir(root())
        .output()
        .expect("run xxgk")
}

/// Run an ingest and assert it succeeded.
pub fn ingest(inputs: &[&Path], out: &Path, extra: &[&str]) -> Output {
    let mut args: Vec<String> = vec!["ingest".into()];
    args.extend(inputs.iter().map(|p| p.display().to_string()));
    args.extend(["--out".into(), out.display().to_string(), "--quiet".into()]);
    args.extend(extra.iter().map(|s| s.to_string()));
    let refs: Vec<&str> = args.iter().map(|s| s.as_str()).collect();
    let output = xxgk(&refs);
    assert!(
        output.status.success(),
        "xxgk {:?} failed: {}",
        refs,
        String::from_utf8_lossy(&output.stderr)
    );
    output
}

/// One value read back from Parquet.
#[derive(Debug, Clone, PartialEq)]
pub enum Val {
    Null,
    Str(String),
    Int(i64),
    Float(f64),
}

impl Val {
    pub fn str(&self) -> Option<&str> {
        match self {
            Val::Str(s) => Some(s),
            _ => None,
        }
    }
}

/// A row: column name → value, plus the partition values from the path.
pub type Row = BTreeMap<String, Val>;

/// Read every part file of a table (recursively), adding `region`/`year` from the path.
pub fn read_table(out: &Path, table: &str) -> Vec<Row> {
    let mut rows = Vec::new();
    let dir = out.join(table);
    if !dir.exists() {
        return rows;
    }
    let mut files: Vec<PathBuf> = walkdir::WalkDir::new(&dir)
        .sort_by_file_name()
        .into_iter()
        .filter_map(|e| e.ok())
        .filter(|e| e.path().extension().is_some_and(|x| x == "parquet"))
        .map(|e| e.path().to_path_buf())
        .collect();
    files.sort();
    for file in files {
        let partitions: Vec<(String, String)> = file
            .strip_prefix(&dir)
            .unwrap()
            .components()
            .filter_map(|c| {
                c.as_os_str()
                    .to_str()?
                    .split_once('=')
                    .map(|(k, v)| (k.to_string(), v.to_string()))
            })
            .collect();
        let reader = ParquetRecordBatchReaderBuilder::try_new(std::fs::File::open(&file).unwrap())
            .unwrap()
            .build()
            .unwrap();
        for batch in reader {
            rows.extend(batch_rows(&batch.unwrap(), &partitions));
        }
    }
    rows
}

fn batch_rows(batch: &RecordBatch, partitions: &[(String, String)]) -> Vec<Row> {
    let schema = batch.schema();
    (0..batch.num_rows())
        .map(|i| {
            let mut row = Row::new();
            for (field, col) in schema.fields().iter().zip(batch.columns()) {
                let v = if col.is_null(i) {
                    Val::Null
                } else if let Some(a) = col.as_any().downcast_ref::<StringArray>() {
                    Val::Str(a.value(i).to_string())
                } else if let Some(a) = col.as_any().downcast_ref::<Int64Array>() {
                    Val::Int(a.value(i))
                } else if let Some(a) = col.as_any().downcast_ref::<Float64Array>() {
                    Val::Float(a.value(i))
                } else {
                    panic!("unexpected column type {}", field.data_type())
                };
                row.insert(field.name().clone(), v);
            }
            for (k, v) in partitions {
                row.insert(k.clone(), Val::Str(v.clone()));
            }
            row
        })
        .collect()
}

/// A temp dir holding copies of the given files (names kept).
pub fn temp_inputs(files: &[(&str, &[u8])]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (name, bytes) in files {
        let path = dir.path().join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, bytes).unwrap();
    }
    dir
}
