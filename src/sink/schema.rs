//! The output schema, in one place: every table's columns (name, type,
//! nullability) and how a model value becomes a row. No other file spells a
//! column name. Partition columns (`region`, `year`) live in the path only.

use crate::model::{Finding, Reject, Report};
use arrow_array::builder::{Float64Builder, Int64Builder, StringBuilder};
use arrow_array::{ArrayRef, RecordBatch};
use arrow_schema::{ArrowError, DataType, Field, Schema, SchemaRef};
use std::sync::{Arc, LazyLock};

/// The output tables.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Table {
    /// One row per report.
    Reports,
    /// Table A cells.
    ActiveDisclosure,
    /// Table B cells.
    Applications,
    /// Table C cells.
    ReviewLitigation,
    /// Findings.
    Findings,
    /// Inputs that are not reports (not partitioned).
    Rejects,
    /// Every input ever ingested, by content (not partitioned; under `_ledger/`).
    Ledger,
}

impl Table {
    /// All tables, in the order they are written.
    pub const ALL: [Table; 7] = [
        Table::Reports,
        Table::ActiveDisclosure,
        Table::Applications,
        Table::ReviewLitigation,
        Table::Findings,
        Table::Rejects,
        Table::Ledger,
    ];

    /// Folder name of the table in the dataset.
    pub fn name(self) -> &'static str {
        match self {
            Table::Reports => "reports",
            Table::ActiveDisclosure => "active_disclosure",
            Table::Applications => "applications",
            Table::ReviewLitigation => "review_litigation",
            Table::Findings => "findings",
            Table::Rejects => "rejects",
            Table::Ledger => "_ledger",
        }
    }

    /// Whether the table is partitioned by region and year.
    pub fn partitioned(self) -> bool {
        !matches!(self, Table::Rejects | Table::Ledger)
    }

    /// The table's Arrow schema (file schema: without partition columns).
    pub fn schema(self) -> SchemaRef {
        static SCHEMAS: LazyLock<Vec<SchemaRef>> = LazyLock::new(|| {
            Table::ALL
                .iter()
                .map(|t| Arc::new(build_schema(t.columns())))
                .collect()
        });
        SCHEMAS[self as usize].clone()
    }

    /// Column definitions: (name, type, nullable).
    pub fn columns(self) -> &'static [Column] {
        use ColumnType::*;
        match self {
            Table::Reports => &[
                ("report_id", Utf8, false),
                ("source_path", Utf8, false),
                ("source_format", Utf8, false),
                ("encoding", Utf8, false),
                ("bytes", Int64, false),
                ("title", Utf8, true),
                ("agency", Utf8, true),
                ("published", Utf8, true),
                ("province", Utf8, true),
                ("province_code", Utf8, true),
                ("city", Utf8, true),
                ("city_code", Utf8, true),
                ("county", Utf8, true),
                ("county_code", Utf8, true),
                ("adcode", Utf8, true),
                ("admin_level", Utf8, true),
                ("region_basis", Utf8, true),
                ("template", Utf8, false),
                ("template_active", Utf8, true),
                ("template_applications", Utf8, true),
                ("status", Utf8, false),
                ("findings", Int64, false),
                ("supersedes", Utf8, true),
                ("run_id", Utf8, false),
            ],
            Table::ActiveDisclosure => &[
                ("report_id", Utf8, false),
                ("item", Utf8, false),
                ("item_label", Utf8, true),
                ("measure", Utf8, false),
                ("value", Float64, true),
                ("unit", Utf8, true),
                ("cell", Utf8, false),
                ("raw", Utf8, true),
            ],
            Table::Applications => &[
                ("report_id", Utf8, false),
                ("row", Utf8, false),
                ("row_label", Utf8, true),
                ("applicant", Utf8, false),
                ("count", Int64, true),
                ("cell", Utf8, false),
                ("raw", Utf8, true),
            ],
            Table::ReviewLitigation => &[
                ("report_id", Utf8, false),
                ("proceeding", Utf8, false),
                ("outcome", Utf8, false),
                ("count", Int64, true),
                ("cell", Utf8, false),
                ("raw", Utf8, true),
            ],
            Table::Findings => &[
                ("report_id", Utf8, false),
                ("rule", Utf8, false),
                ("severity", Utf8, false),
                ("subject", Utf8, false),
                ("expected", Utf8, true),
                ("actual", Utf8, true),
                ("message", Utf8, false),
            ],
            Table::Rejects => &[
                ("source_path", Utf8, false),
                ("reason", Utf8, false),
                ("message", Utf8, false),
                ("bytes", Int64, true),
                ("content_id", Utf8, true),
                ("run_id", Utf8, false),
            ],
            Table::Ledger => &[
                ("content_id", Utf8, false),
                ("source_path", Utf8, false),
                ("bytes", Int64, false),
                ("outcome", Utf8, false),
                ("reason", Utf8, true),
                ("agency", Utf8, true),
                ("year", Int64, true),
                ("run_id", Utf8, false),
            ],
        }
    }
}

/// Physical column types used by the tables.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColumnType {
    /// UTF-8 string.
    Utf8,
    /// 64-bit signed integer.
    Int64,
    /// 64-bit float.
    Float64,
}

/// (name, type, nullable).
pub type Column = (&'static str, ColumnType, bool);

/// Name of the partition column for the province-level region slug.
pub const PARTITION_REGION: &str = "region";
/// Name of the partition column for the covered year.
pub const PARTITION_YEAR: &str = "year";
/// Path value for a partition value that is unknown (read back as NULL).
pub const NULL_PARTITION: &str = "__HIVE_DEFAULT_PARTITION__";

fn build_schema(columns: &[Column]) -> Schema {
    Schema::new(
        columns
            .iter()
            .map(|(name, ty, nullable)| {
                let dt = match ty {
                    ColumnType::Utf8 => DataType::Utf8,
                    ColumnType::Int64 => DataType::Int64,
                    ColumnType::Float64 => DataType::Float64,
                };
                Field::new(*name, dt, *nullable)
            })
            .collect::<Vec<_>>(),
    )
}

/// One value of a row, in column order.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Value<'a> {
    /// A string or null.
    Str(Option<&'a str>),
    /// An integer or null.
    Int(Option<i64>),
    /// A float or null.
    Float(Option<f64>),
}

enum ColumnBuilder {
    Str(StringBuilder),
    Int(Int64Builder),
    Float(Float64Builder),
}

/// Buffers rows of one table (one partition) as Arrow builders.
///
/// ```
/// use xxgk::sink::schema::{Table, TableBuffer, Value};
/// let mut buf = TableBuffer::new(Table::Rejects);
/// buf.append(&[Value::Str(Some("a.txt")), Value::Str(Some("empty")), Value::Str(Some("the file is empty")),
///              Value::Int(Some(0)), Value::Str(None), Value::Str(Some("run-00001"))]);
/// let batch = buf.finish().unwrap();
/// assert_eq!(batch.num_rows(), 1);
/// assert_eq!(batch.schema(), Table::Rejects.schema());
/// ```
pub struct TableBuffer {
    table: Table,
    columns: Vec<ColumnBuilder>,
    rows: usize,
}

impl TableBuffer {
    /// An empty buffer for a table.
    pub fn new(table: Table) -> Self {
        let columns = table
            .columns()
            .iter()
            .map(|(_, ty, _)| match ty {
                ColumnType::Utf8 => ColumnBuilder::Str(StringBuilder::new()),
                ColumnType::Int64 => ColumnBuilder::Int(Int64Builder::new()),
                ColumnType::Float64 => ColumnBuilder::Float(Float64Builder::new()),
            })
            .collect();
        TableBuffer {
            table,
            columns,
            rows: 0,
        }
    }

    /// Rows buffered.
    pub fn len(&self) -> usize {
        self.rows
    }

    /// Whether no rows are buffered.
    pub fn is_empty(&self) -> bool {
        self.rows == 0
    }

    /// Append one row; `values` must follow the table's column order and types.
    pub fn append(&mut self, values: &[Value<'_>]) {
        debug_assert_eq!(
            values.len(),
            self.columns.len(),
            "row width of {}",
            self.table.name()
        );
        for (builder, value) in self.columns.iter_mut().zip(values) {
            match (builder, value) {
                (ColumnBuilder::Str(b), Value::Str(v)) => b.append_option(*v),
                (ColumnBuilder::Int(b), Value::Int(v)) => b.append_option(*v),
                (ColumnBuilder::Float(b), Value::Float(v)) => b.append_option(*v),
                _ => unreachable!(
                    "row value type does not match the schema of {}",
                    self.table.name()
                ),
            }
        }
        self.rows += 1;
    }

    /// Take the buffered rows as a batch, leaving the buffer empty.
    pub fn finish(&mut self) -> Result<RecordBatch, ArrowError> {
        let arrays: Vec<ArrayRef> = self
            .columns
            .iter_mut()
            .map(|b| -> ArrayRef {
                match b {
                    ColumnBuilder::Str(b) => Arc::new(b.finish()),
                    ColumnBuilder::Int(b) => Arc::new(b.finish()),
                    ColumnBuilder::Float(b) => Arc::new(b.finish()),
                }
            })
            .collect();
        self.rows = 0;
        RecordBatch::try_new(self.table.schema(), arrays)
    }
}

/// Where [`append_report`] puts a report's rows: one buffer per table, looked
/// up once per table and report (not once per row).
pub trait ReportBuffers {
    /// The buffer for `table`'s rows of the report being appended.
    fn buffer(&mut self, table: Table) -> &mut TableBuffer;
}

/// Append every row a report contributes, table by table.
pub fn append_report(report: &Report, run_id: &str, out: &mut dyn ReportBuffers) {
    use Value::{Float, Int, Str};
    let id = Some(report.report_id.as_str());
    let p = &report.parsed;
    let r = &report.region;
    let template_of = |i: usize| p.table_templates[i].map(|t| t.as_str());
    out.buffer(Table::Reports).append(&[
        Str(id),
        Str(Some(&report.source_path)),
        Str(Some(report.source_format.as_str())),
        Str(Some(&report.encoding)),
        Int(Some(report.bytes as i64)),
        Str(p.title.as_deref()),
        Str(p.agency.as_deref()),
        Str(p.published.as_deref()),
        Str(r.province.as_deref()),
        Str(r.province_code.as_deref()),
        Str(r.city.as_deref()),
        Str(r.city_code.as_deref()),
        Str(r.county.as_deref()),
        Str(r.county_code.as_deref()),
        Str(r.adcode.as_deref()),
        Str(r.admin_level.map(|l| l.as_str())),
        Str(r.basis.as_deref()),
        Str(Some(p.template.as_str())),
        Str(template_of(0)),
        Str(template_of(1)),
        Str(Some(p.status.as_str())),
        Int(Some(p.findings.len() as i64)),
        Str(report.supersedes.as_deref()),
        Str(Some(run_id)),
    ]);
    if !p.active.is_empty() {
        let buf = out.buffer(Table::ActiveDisclosure);
        for c in &p.active {
            buf.append(&[
                Str(id),
                Str(Some(c.item)),
                Str((!c.item_label.is_empty()).then_some(&*c.item_label)),
                Str(Some(c.measure)),
                Float(c.value),
                Str(c.unit.as_deref()),
                Str(Some(c.state.as_str())),
                Str(c.raw.as_deref()),
            ]);
        }
    }
    if !p.applications.is_empty() {
        let buf = out.buffer(Table::Applications);
        for c in &p.applications {
            buf.append(&[
                Str(id),
                Str(Some(c.row)),
                Str(c.row_label.as_deref()),
                Str(Some(c.applicant)),
                Int(c.count),
                Str(Some(c.state.as_str())),
                Str(c.raw.as_deref()),
            ]);
        }
    }
    if !p.review.is_empty() {
        let buf = out.buffer(Table::ReviewLitigation);
        for c in &p.review {
            buf.append(&[
                Str(id),
                Str(Some(c.proceeding)),
                Str(Some(c.outcome)),
                Int(c.count),
                Str(Some(c.state.as_str())),
                Str(c.raw.as_deref()),
            ]);
        }
    }
    if !p.findings.is_empty() {
        let buf = out.buffer(Table::Findings);
        for f in &p.findings {
            append_finding(id, f, |v| buf.append(v));
        }
    }
}

fn append_finding(id: Option<&str>, f: &Finding, mut sink: impl FnMut(&[Value<'_>])) {
    use Value::Str;
    sink(&[
        Str(id),
        Str(Some(&f.rule)),
        Str(Some(f.severity.as_str())),
        Str(Some(&f.subject)),
        Str(f.expected.as_deref()),
        Str(f.actual.as_deref()),
        Str(Some(&f.message)),
    ]);
}

/// The row a reject contributes.
pub fn append_reject(reject: &Reject, run_id: &str, sink: impl FnOnce(Table, &[Value<'_>])) {
    use Value::{Int, Str};
    sink(
        Table::Rejects,
        &[
            Str(Some(&reject.source_path)),
            Str(Some(reject.reason.as_str())),
            Str(Some(&reject.message)),
            Int(reject.bytes.map(|b| b as i64)),
            Str(reject.content_id.as_deref()),
            Str(Some(run_id)),
        ],
    );
}

/// One ledger entry: an input seen by a run, by content.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LedgerEntry {
    /// Content hash (the report_id of a report).
    pub content_id: String,
    /// Path relative to the input root.
    pub source_path: String,
    /// Size in bytes.
    pub bytes: u64,
    /// `report` or `reject`.
    pub outcome: &'static str,
    /// Reject reason, for rejects.
    pub reason: Option<String>,
    /// Agency, for reports.
    pub agency: Option<String>,
    /// Year covered, for reports.
    pub year: Option<i32>,
    /// The run that ingested it.
    pub run_id: String,
}

/// The row a ledger entry contributes.
pub fn append_ledger(entry: &LedgerEntry, sink: impl FnOnce(Table, &[Value<'_>])) {
    use Value::{Int, Str};
    sink(
        Table::Ledger,
        &[
            Str(Some(&entry.content_id)),
            Str(Some(&entry.source_path)),
            Int(Some(entry.bytes as i64)),
            Str(Some(entry.outcome)),
            Str(entry.reason.as_deref()),
            Str(entry.agency.as_deref()),
            Int(entry.year.map(i64::from)),
            Str(Some(&entry.run_id)),
        ],
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_table_has_a_schema_with_unique_names() {
        for t in Table::ALL {
            let s = t.schema();
            let mut names: Vec<_> = s.fields().iter().map(|f| f.name().clone()).collect();
            names.sort();
            names.dedup();
            assert_eq!(names.len(), s.fields().len(), "{}", t.name());
            if t.partitioned() {
                assert!(s.field_with_name(PARTITION_REGION).is_err());
                assert!(s.field_with_name(PARTITION_YEAR).is_err());
            }
        }
    }
}

#[cfg(test)]
mod dictionary_tests {
    use super::*;

    /// The data dictionary names every column of every table.
    #[test]
    fn data_dictionary_covers_every_column() {
        let doc = include_str!("../../docs/data-dictionary.md");
        for table in Table::ALL {
            let section = doc
                .split("\n## ")
                .find(|s| s.starts_with(table.name()))
                .unwrap_or_else(|| panic!("no section for {}", table.name()));
            for (name, _, _) in table.columns() {
                assert!(
                    section.contains(&format!("| `{name}` |")),
                    "{}.{name} is not in the data dictionary",
                    table.name()
                );
            }
        }
    }
}
