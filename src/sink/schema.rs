//! The output schema as Arrow sees it, and how a model value becomes a row.
//! The tables and columns themselves (name, type, nullability, meaning, the
//! schema version) are defined once in the `xxgk-schema` crate; this file is
//! the only other one that depends on their order. Partition columns
//! (`region`, `year`) live in the path only.

use crate::model::{CrossFinding, Finding, Reject, Report};
use arrow_array::builder::{Float64Builder, Int64Builder, StringBuilder};
use arrow_array::{Array, ArrayRef, Int64Array, RecordBatch, StringArray};
use arrow_schema::{ArrowError, DataType, Field, Schema, SchemaRef};
use std::sync::{Arc, LazyLock};

pub use xxgk_schema::{
    Column, ColumnType, Table, NULL_PARTITION, PARTITION_REGION, PARTITION_YEAR, SCHEMA_VERSION,
    SCHEMA_VERSION_KEY,
};

/// A table's Arrow schema (file schema: without partition columns), built
/// once from its definition in `xxgk-schema`. (The writer puts
/// [`SCHEMA_VERSION`] into every file's Parquet key-value metadata.)
pub fn arrow_schema(table: Table) -> SchemaRef {
    static SCHEMAS: LazyLock<Vec<SchemaRef>> = LazyLock::new(|| {
        Table::ALL
            .iter()
            .map(|&t| Arc::new(build_schema(t.columns())))
            .collect()
    });
    SCHEMAS[table as usize].clone()
}

fn build_schema(columns: &[Column]) -> Schema {
    let fields: Vec<Field> = columns
        .iter()
        .map(|c| {
            let dt = match c.ty {
                ColumnType::Utf8 => DataType::Utf8,
                ColumnType::Int64 => DataType::Int64,
                ColumnType::Float64 => DataType::Float64,
            };
            Field::new(c.name, dt, c.nullable)
        })
        .collect();
    Schema::new(fields)
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
/// use xxgk::internal::{TableBuffer, Value};
/// use xxgk::Table;
/// let mut buf = TableBuffer::new(Table::Rejects);
/// buf.append(&[Value::Str(Some("a.txt")), Value::Str(Some("empty")), Value::Str(Some("the file is empty")),
///              Value::Int(Some(0)), Value::Str(None), Value::Str(Some("run-00001"))]);
/// let batch = buf.finish().unwrap();
/// assert_eq!(batch.num_rows(), 1);
/// assert_eq!(batch.schema(), xxgk::arrow_schema(Table::Rejects));
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
            .map(|c| match c.ty {
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
        RecordBatch::try_new(arrow_schema(self.table), arrays)
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
    if !p.narrative.is_empty() {
        let buf = out.buffer(Table::NarrativeFigures);
        for f in &p.narrative {
            buf.append(&[
                Str(id),
                Str(Some(f.measure)),
                Float(Some(f.value)),
                Str(Some(&f.unit)),
                Str(Some(&f.raw)),
                Str(Some(&f.sentence)),
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
    /// What the checks across reports compare (reports only).
    pub facts: ReportFacts,
    /// The run that ingested it.
    pub run_id: String,
}

/// What the checks across reports (`crosscheck`) need of a report, kept in
/// the ledger so that a run has them for every report without reading the
/// cell tables back.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReportFacts {
    /// Province-level slug.
    pub region: Option<String>,
    /// Who the issuer is, the same way every year (`320813/洪泽区人民政府`).
    pub issuer: Option<String>,
    /// Hash of every cell of tables A, B and C; None without tables.
    pub cells_digest: Option<String>,
    /// Table B 本年新收 总计.
    pub applications_new: Option<i64>,
    /// Table B 上年结转 总计.
    pub carried_over: Option<i64>,
    /// Table B 结转下年度继续办理 总计.
    pub carried_forward: Option<i64>,
}

impl LedgerEntry {
    /// The entries of a batch read from a ledger file: the inverse of
    /// [`append_ledger`], by the definition's column names.
    pub fn from_batch(batch: &RecordBatch) -> Result<Vec<LedgerEntry>, String> {
        let col = |name: &str| {
            debug_assert!(Table::Ledger.column(name).is_some(), "{name}");
            batch
                .column_by_name(name)
                .ok_or_else(|| format!("no column {name}"))
        };
        let strings = |name: &str| -> Result<StringArray, String> {
            col(name)?
                .as_any()
                .downcast_ref::<StringArray>()
                .cloned()
                .ok_or_else(|| format!("{name} is not a string"))
        };
        let ints = |name: &str| -> Result<Int64Array, String> {
            col(name)?
                .as_any()
                .downcast_ref::<Int64Array>()
                .cloned()
                .ok_or_else(|| format!("{name} is not an integer"))
        };
        let (ids, paths, bytes, outcomes, reasons, agencies, years, runs) = (
            strings("content_id")?,
            strings("source_path")?,
            ints("bytes")?,
            strings("outcome")?,
            strings("reason")?,
            strings("agency")?,
            ints("year")?,
            strings("run_id")?,
        );
        let (regions, issuers, digests, news, overs, forwards) = (
            strings("region")?,
            strings("issuer")?,
            strings("cells_digest")?,
            ints("applications_new")?,
            ints("carried_over")?,
            ints("carried_forward")?,
        );
        let opt = |a: &StringArray, i: usize| (!a.is_null(i)).then(|| a.value(i).to_string());
        let opt_int = |a: &Int64Array, i: usize| (!a.is_null(i)).then(|| a.value(i));
        Ok((0..batch.num_rows())
            .map(|i| LedgerEntry {
                content_id: ids.value(i).to_string(),
                source_path: paths.value(i).to_string(),
                bytes: bytes.value(i).max(0) as u64,
                outcome: if outcomes.value(i) == "report" {
                    "report"
                } else {
                    "reject"
                },
                reason: opt(&reasons, i),
                agency: opt(&agencies, i),
                year: (!years.is_null(i)).then(|| years.value(i) as i32),
                facts: ReportFacts {
                    region: opt(&regions, i),
                    issuer: opt(&issuers, i),
                    cells_digest: opt(&digests, i),
                    applications_new: opt_int(&news, i),
                    carried_over: opt_int(&overs, i),
                    carried_forward: opt_int(&forwards, i),
                },
                run_id: runs.value(i).to_string(),
            })
            .collect())
    }
}

/// The row a finding across reports contributes.
pub fn append_cross_finding(f: &CrossFinding, sink: impl FnOnce(Table, &[Value<'_>])) {
    use Value::{Int, Str};
    sink(
        Table::CrossFindings,
        &[
            Str(Some(&f.report_id)),
            Str(Some(&f.other_report_id)),
            Str(Some(f.rule)),
            Str(Some(f.severity.as_str())),
            Str(Some(&f.issuer)),
            Str(Some(&f.agency)),
            Str(f.region.as_deref()),
            Int(Some(i64::from(f.year))),
            Str(f.expected.as_deref()),
            Str(f.actual.as_deref()),
            Str(Some(&f.message)),
        ],
    );
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
            Str(entry.facts.region.as_deref()),
            Str(entry.facts.issuer.as_deref()),
            Str(entry.facts.cells_digest.as_deref()),
            Int(entry.facts.applications_new),
            Int(entry.facts.carried_over),
            Int(entry.facts.carried_forward),
            Str(Some(&entry.run_id)),
        ],
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The data dictionary's column tables are the definition's, row for row:
    /// a column added, retyped or re-described in one place and not the other
    /// fails here, with the rows to paste.
    #[test]
    fn data_dictionary_matches_the_definition() {
        let doc = include_str!("../../docs/data-dictionary.md");
        for table in Table::ALL {
            let section = doc
                .split("\n## ")
                .find(|s| s.starts_with(table.name()))
                .unwrap_or_else(|| panic!("no section for {}", table.name()));
            let rows: String = section
                .lines()
                .filter(|l| l.starts_with("| `"))
                .map(|l| format!("{l}\n"))
                .collect();
            assert_eq!(
                rows,
                xxgk_schema::dictionary_rows(table),
                "docs/data-dictionary.md, section {}: its rows should be the ones on the right",
                table.name()
            );
        }
        for (name, ty, meaning) in xxgk_schema::PARTITION_COLUMNS {
            let row = format!("| `{name}` | {ty} | {meaning} |");
            assert!(doc.contains(&row), "partition column row {row}");
        }
    }

    /// What [`append_ledger`] writes, [`LedgerEntry::from_batch`] reads back:
    /// a column renamed or reordered on one side only fails here.
    #[test]
    fn ledger_entries_round_trip() {
        let entries = [
            LedgerEntry {
                content_id: "a".into(),
                source_path: "x/a.txt".into(),
                bytes: 7,
                outcome: "report",
                reason: None,
                agency: Some("临泽县".into()),
                year: Some(2021),
                facts: ReportFacts {
                    region: Some("gansu".into()),
                    issuer: Some("620723/临泽县".into()),
                    cells_digest: Some("d1".into()),
                    applications_new: Some(12),
                    carried_over: None,
                    carried_forward: Some(0),
                },
                run_id: "run-00001".into(),
            },
            LedgerEntry {
                content_id: "b".into(),
                source_path: "b.pdf".into(),
                bytes: 0,
                outcome: "reject",
                reason: Some("corrupt".into()),
                agency: None,
                year: None,
                facts: ReportFacts::default(),
                run_id: "run-00002".into(),
            },
        ];
        let mut buf = TableBuffer::new(Table::Ledger);
        for e in &entries {
            append_ledger(e, |_, values| buf.append(values));
        }
        let batch = buf.finish().unwrap();
        assert_eq!(LedgerEntry::from_batch(&batch).unwrap(), entries);
    }

    #[test]
    fn arrow_schemas_follow_the_definition() {
        for t in Table::ALL {
            let schema = arrow_schema(t);
            let names: Vec<_> = schema.fields().iter().map(|f| f.name().as_str()).collect();
            let defined: Vec<_> = t.columns().iter().map(|c| c.name).collect();
            assert_eq!(names, defined);
        }
    }
}
