//! `xxgk._native`: the xxgk parser for Python.
//!
//! A thin layer over [`xxgk::Parser`]: bytes in, the report's rows out as
//! `pyarrow.RecordBatch`es through the Arrow C data interface (no row passes
//! through Python objects), the GIL released while parsing. The Python package
//! (`python/xxgk/`) re-exports it with type hints (`_native.pyi`) and adds the
//! Spark job (`xxgk.spark`).
//!
//! Nothing raised here depends on the input's content: a broken file is a
//! `rejects` row, never an exception. Exceptions are for misuse (an unknown
//! table name, a bad config, arrays of the wrong type or length).

use arrow_array::cast::AsArray;
use arrow_array::{Array, ArrayRef, RecordBatch};
use arrow_pyarrow::{FromPyArrow, ToPyArrow};
use arrow_schema::{ArrowError, DataType};
use pyo3::exceptions::{PyKeyError, PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::PyDict;
use std::collections::BTreeMap;
use std::sync::OnceLock;
use xxgk::{Config, Table, REPORT_TABLES};

/// The tables `parse` returns, by name: the report tables, then `rejects`.
fn output_tables() -> impl Iterator<Item = Table> {
    REPORT_TABLES.into_iter().chain([Table::Rejects])
}

/// Any table of the dataset by name (`schema` knows them all).
fn table_named(name: &str) -> PyResult<Table> {
    Table::ALL
        .iter()
        .copied()
        .find(|t| t.name() == name)
        .ok_or_else(|| PyKeyError::new_err(format!("no table {name:?}")))
}

fn arrow_err(e: ArrowError) -> PyErr {
    PyValueError::new_err(e.to_string())
}

/// The rows of parsed inputs, table by table, in input order.
#[derive(Default)]
struct Rows {
    tables: BTreeMap<Table, Vec<RecordBatch>>,
}

impl Rows {
    /// Add one input's rows.
    fn add(
        &mut self,
        parsed: Result<xxgk::ReportBatches, xxgk::Rejected>,
        partition_columns: bool,
        ledger: bool,
    ) -> Result<(), ArrowError> {
        if let (Ok(report), true) = (&parsed, ledger) {
            let row = report.batch(Table::Ledger);
            self.tables.entry(Table::Ledger).or_default().push(row);
        }
        match parsed {
            Ok(report) if partition_columns => {
                for (table, batch) in report.with_partition_columns()? {
                    self.tables.entry(table).or_default().push(batch);
                }
            }
            Ok(report) => {
                for (table, batch) in report.iter() {
                    self.tables.entry(table).or_default().push(batch.clone());
                }
            }
            Err(rejected) => self
                .tables
                .entry(Table::Rejects)
                .or_default()
                .push(rejected.batch),
        }
        Ok(())
    }

    /// One batch per table of `tables`: the inputs' rows concatenated (an
    /// empty batch for a table none of them has rows in).
    fn finish(
        mut self,
        tables: impl Iterator<Item = Table>,
        partition_columns: bool,
    ) -> Result<Vec<(Table, RecordBatch)>, ArrowError> {
        tables
            .map(|table| {
                let schema = schema_of(table, partition_columns);
                let batches = self.tables.remove(&table).unwrap_or_default();
                let batch = match batches.len() {
                    1 => batches.into_iter().next().expect("one batch"),
                    _ => arrow_select::concat::concat_batches(&schema, &batches)?,
                };
                Ok((table, batch))
            })
            .collect()
    }
}

fn schema_of(table: Table, partition_columns: bool) -> arrow_schema::SchemaRef {
    if partition_columns {
        xxgk::hive_schema(table)
    } else {
        xxgk::arrow_schema(table)
    }
}

fn to_dict<'py>(
    py: Python<'py>,
    batches: Vec<(Table, RecordBatch)>,
) -> PyResult<Bound<'py, PyDict>> {
    let dict = PyDict::new(py);
    for (table, batch) in batches {
        dict.set_item(table.name(), batch.to_pyarrow(py)?)?;
    }
    Ok(dict)
}

/// A column of strings or binaries as byte slices (None for a null).
fn byte_values<'a>(array: &'a ArrayRef, what: &str) -> PyResult<Vec<Option<&'a [u8]>>> {
    let values: Vec<Option<&[u8]>> = match array.data_type() {
        DataType::Binary => array.as_binary::<i32>().iter().collect(),
        DataType::LargeBinary => array.as_binary::<i64>().iter().collect(),
        DataType::BinaryView => array.as_binary_view().iter().collect(),
        DataType::Utf8 => array
            .as_string::<i32>()
            .iter()
            .map(|s| s.map(str::as_bytes))
            .collect(),
        DataType::LargeUtf8 => array
            .as_string::<i64>()
            .iter()
            .map(|s| s.map(str::as_bytes))
            .collect(),
        DataType::Utf8View => array
            .as_string_view()
            .iter()
            .map(|s| s.map(str::as_bytes))
            .collect(),
        other => {
            return Err(PyTypeError::new_err(format!(
                "{what}: expected a binary or string array, got {other}"
            )))
        }
    };
    Ok(values)
}

/// A parser with one configuration and one `run_id`.
///
/// `Parser(config=None, run_id="parse")`: `config` is the text of an xxgk
/// config file (TOML, like `config/xxgk.toml`); None takes the built-in
/// settings, the ones `xxgk ingest` uses without a config file. Of the
/// settings, `walk.skip`, `walk.max_file_bytes` and `pdf.timeout_secs` apply
/// to single inputs. `run_id` is written into every row's `run_id` column.
#[pyclass(frozen, module = "xxgk")]
struct Parser {
    inner: xxgk::Parser,
}

#[pymethods]
impl Parser {
    #[new]
    #[pyo3(signature = (config = None, run_id = None))]
    fn new(config: Option<&str>, run_id: Option<String>) -> PyResult<Self> {
        let config = match config {
            Some(text) => Config::parse(text).map_err(|e| PyValueError::new_err(e.to_string()))?,
            None => Config::builtin(),
        };
        let mut inner =
            xxgk::Parser::new(&config).map_err(|e| PyValueError::new_err(e.to_string()))?;
        if let Some(run_id) = run_id {
            inner = inner.with_run_id(run_id);
        }
        Ok(Parser { inner })
    }

    /// The `run_id` written into the rows.
    #[getter]
    fn run_id(&self) -> &str {
        self.inner.run_id()
    }

    /// Parse one input; see `xxgk.parse`.
    #[pyo3(signature = (data, path, *, partition_columns = true))]
    fn parse<'py>(
        &self,
        py: Python<'py>,
        data: &[u8],
        path: &str,
        partition_columns: bool,
    ) -> PyResult<Bound<'py, PyDict>> {
        let parser = &self.inner;
        let batches = py.detach(|| {
            let parsed = parser.parse(data, path);
            let tables: Vec<Table> = match &parsed {
                Ok(_) => REPORT_TABLES.to_vec(),
                Err(_) => vec![Table::Rejects],
            };
            let mut rows = Rows::default();
            rows.add(parsed, partition_columns, false)?;
            rows.finish(tables.into_iter(), partition_columns)
        });
        to_dict(py, batches.map_err(arrow_err)?)
    }

    /// Parse many inputs at once; see `xxgk.parse_many`.
    #[pyo3(signature = (paths, contents, *, partition_columns = true, ledger = false))]
    fn parse_many<'py>(
        &self,
        py: Python<'py>,
        paths: &Bound<'py, PyAny>,
        contents: &Bound<'py, PyAny>,
        partition_columns: bool,
        ledger: bool,
    ) -> PyResult<Bound<'py, PyDict>> {
        let paths = arrow_array::make_array(arrow_data::ArrayData::from_pyarrow_bound(paths)?);
        let contents =
            arrow_array::make_array(arrow_data::ArrayData::from_pyarrow_bound(contents)?);
        if paths.len() != contents.len() {
            return Err(PyValueError::new_err(format!(
                "{} paths but {} contents",
                paths.len(),
                contents.len()
            )));
        }
        let path_values = byte_values(&paths, "paths")?;
        let content_values = byte_values(&contents, "contents")?;
        let parser = &self.inner;
        let batches = py.detach(|| {
            let mut rows = Rows::default();
            for (path, content) in path_values.iter().zip(&content_values) {
                let path = String::from_utf8_lossy(path.unwrap_or_default());
                rows.add(
                    parser.parse(content.unwrap_or_default(), &path),
                    partition_columns,
                    ledger,
                )?;
            }
            let ledger_table = ledger.then_some(Table::Ledger);
            rows.finish(output_tables().chain(ledger_table), partition_columns)
        });
        to_dict(py, batches.map_err(arrow_err)?)
    }

    /// Whether `xxgk ingest` leaves the file at `path` out; see `xxgk.is_skipped`.
    fn is_skipped(&self, path: &str) -> bool {
        self.inner.is_skipped(path)
    }

    fn __repr__(&self) -> String {
        format!("Parser(run_id={:?})", self.inner.run_id())
    }
}

/// The parser of the module-level functions: built-in settings.
fn default_parser() -> PyResult<&'static Parser> {
    static PARSER: OnceLock<Result<Parser, String>> = OnceLock::new();
    PARSER
        .get_or_init(|| Parser::new(None, None).map_err(|e| e.to_string()))
        .as_ref()
        .map_err(|e| PyValueError::new_err(e.clone()))
}

/// Parse one input (see the stub for the full contract).
#[pyfunction]
#[pyo3(signature = (data, path, *, partition_columns = true))]
fn parse<'py>(
    py: Python<'py>,
    data: &[u8],
    path: &str,
    partition_columns: bool,
) -> PyResult<Bound<'py, PyDict>> {
    default_parser()?.parse(py, data, path, partition_columns)
}

/// Parse many inputs given as two Arrow arrays (see the stub).
#[pyfunction]
#[pyo3(signature = (paths, contents, *, partition_columns = true, ledger = false))]
fn parse_many<'py>(
    py: Python<'py>,
    paths: &Bound<'py, PyAny>,
    contents: &Bound<'py, PyAny>,
    partition_columns: bool,
    ledger: bool,
) -> PyResult<Bound<'py, PyDict>> {
    default_parser()?.parse_many(py, paths, contents, partition_columns, ledger)
}

/// The `cross_findings` rows of reports with these `_ledger` rows (see the stub).
#[pyfunction]
fn cross_findings<'py>(
    py: Python<'py>,
    ledger: Vec<Bound<'py, PyAny>>,
) -> PyResult<Bound<'py, PyAny>> {
    let batches = ledger
        .iter()
        .map(RecordBatch::from_pyarrow_bound)
        .collect::<PyResult<Vec<_>>>()?;
    let found = py.detach(|| xxgk::cross_findings(&batches));
    found.map_err(arrow_err)?.to_pyarrow(py)
}

/// Whether `xxgk ingest` leaves the file at `path` out (built-in settings).
#[pyfunction]
fn is_skipped(path: &str) -> PyResult<bool> {
    Ok(default_parser()?.is_skipped(path))
}

/// The content id of `data`: a report's `report_id`, a reject's `content_id`.
#[pyfunction]
fn content_id(data: &[u8]) -> String {
    xxgk::content_id(data)
}

/// The schema of a table's rows as `parse` returns them.
#[pyfunction]
#[pyo3(signature = (table, *, partition_columns = true))]
fn schema<'py>(
    py: Python<'py>,
    table: &str,
    partition_columns: bool,
) -> PyResult<Bound<'py, PyAny>> {
    schema_of(table_named(table)?, partition_columns)
        .as_ref()
        .to_pyarrow(py)
}

#[pymodule]
fn _native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<Parser>()?;
    m.add_function(wrap_pyfunction!(parse, m)?)?;
    m.add_function(wrap_pyfunction!(parse_many, m)?)?;
    m.add_function(wrap_pyfunction!(is_skipped, m)?)?;
    m.add_function(wrap_pyfunction!(content_id, m)?)?;
    m.add_function(wrap_pyfunction!(schema, m)?)?;
    m.add_function(wrap_pyfunction!(cross_findings, m)?)?;
    let names: Vec<&str> = output_tables().map(Table::name).collect();
    m.add("TABLES", pyo3::types::PyTuple::new(m.py(), names)?)?;
    m.add("SCHEMA_VERSION", xxgk::SCHEMA_VERSION)?;
    m.add("DEFAULT_RUN_ID", xxgk::DEFAULT_RUN_ID)?;
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    Ok(())
}
