//! Accuracy: compare a dataset written by `xxgk ingest DIR/reports` with the
//! corpus truth (`DIR/truth.jsonl`), cell by cell and field by field.
//!
//! Reports are matched by `source_path`. For each report the check compares
//! the metadata fields, every expected cell of tables A, B and C (state, value,
//! unit), and the expected findings of the rules the truth models (identity
//! breaks, missing/truncated tables, mixed templates, unknown units); output
//! cells or modelled findings the truth does not expect count as
//! disagreements too. It prints agreement per field, per table, per layout and
//! per feature, the classes of disagreement, and the first N disagreements.
//!
//! Memory stays proportional to the truth: the cell tables are streamed batch
//! by batch and compared on the fly.

use super::truth::{fmt_num, Expect, Truth, MODELLED_RULES};
use anyhow::{Context, Result};
use arrow_array::{Array, Float64Array, Int64Array, RecordBatch, StringArray};
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt::Write as _;
use std::io::BufRead;
use std::path::{Path, PathBuf};

/// Metadata fields compared, in report order.
pub const FIELDS: &[&str] = &[
    "source_format",
    "encoding",
    "title",
    "agency",
    "year",
    "template",
    "template_active",
    "template_applications",
    "status",
    "region",
    "province",
    "province_code",
    "city",
    "city_code",
    "county",
    "county_code",
    "adcode",
    "admin_level",
];

/// Fields that come from the region resolver.
pub const REGION_FIELDS: &[&str] = &[
    "region",
    "province",
    "province_code",
    "city",
    "city_code",
    "county",
    "county_code",
    "adcode",
    "admin_level",
];

/// Agreement counter.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Tally {
    /// Items that agree.
    pub agree: u64,
    /// Items compared.
    pub total: u64,
}

impl Tally {
    fn add(&mut self, ok: bool) {
        self.total += 1;
        if ok {
            self.agree += 1;
        }
    }

    fn merge(&mut self, other: Tally) {
        self.agree += other.agree;
        self.total += other.total;
    }

    /// Agreement in percent (100 when nothing was compared).
    pub fn percent(&self) -> f64 {
        if self.total == 0 {
            100.0
        } else {
            self.agree as f64 * 100.0 / self.total as f64
        }
    }

    fn show(&self) -> String {
        format!(
            "{:>9}/{:<9} {:>8.3}%",
            self.agree,
            self.total,
            self.percent()
        )
    }
}

/// One disagreement.
#[derive(Debug, Clone)]
pub struct Disagreement {
    /// Report path (relative to `DIR/reports`).
    pub path: String,
    /// Field or cell (`agency`, `applications:new.total`).
    pub field: String,
    /// Expected value.
    pub expected: String,
    /// Value in the dataset.
    pub got: String,
}

/// Per-layout counters.
#[derive(Debug, Clone, Default)]
pub struct LayoutTally {
    /// Reports.
    pub reports: u64,
    /// Reports with no disagreement at all.
    pub perfect: u64,
    /// Metadata fields (region excluded).
    pub fields: Tally,
    /// Region fields.
    pub region: Tally,
    /// Cells.
    pub cells: Tally,
    /// Findings.
    pub findings: Tally,
}

/// The result of a check.
#[derive(Debug, Clone, Default)]
pub struct AccuracyReport {
    /// Reports in the truth.
    pub reports: u64,
    /// Of which found in the dataset as reports.
    pub found: u64,
    /// Of which rejected (by reason).
    pub rejected: BTreeMap<String, u64>,
    /// Of which in neither table.
    pub absent: u64,
    /// Per metadata field.
    pub fields: BTreeMap<String, Tally>,
    /// Per table (cells, plus `findings`).
    pub tables: BTreeMap<String, Tally>,
    /// Per layout.
    pub layouts: BTreeMap<String, LayoutTally>,
    /// Per feature: (reports with it, reports with it that have a disagreement).
    pub features: BTreeMap<String, (u64, u64)>,
    /// Disagreement classes: count and first example.
    pub classes: BTreeMap<String, (u64, String)>,
    /// The first disagreements, in truth order.
    pub first: Vec<Disagreement>,
    /// Everything together.
    pub overall: Tally,
}

/// What a check needs.
#[derive(Debug, Clone)]
pub struct AccuracyOptions {
    /// The corpus directory (holds `truth.jsonl`).
    pub corpus: PathBuf,
    /// The dataset written by `xxgk ingest DIR/reports`.
    pub dataset: PathBuf,
    /// How many disagreements to keep for printing.
    pub show: usize,
}

/// The dataset's row for one report.
#[derive(Debug, Clone, Default)]
struct ReportRow {
    fields: HashMap<&'static str, Option<String>>,
}

/// Per-truth comparison state.
struct Slot {
    truth: Truth,
    /// Expected cells by key (`A|rules|made`) → (table, expect, seen).
    cells: HashMap<String, (usize, Expect, bool)>,
    report: Option<ReportRow>,
    reject: Option<String>,
    findings: BTreeSet<(String, String)>,
    disagreements: u64,
}

const TABLES: [&str; 3] = ["active_disclosure", "applications", "review_litigation"];

fn cell_keys(t: &Truth) -> HashMap<String, (usize, Expect, bool)> {
    let mut m = HashMap::new();
    for (item, measures) in &t.active {
        for (measure, e) in measures {
            m.insert(format!("A|{item}|{measure}"), (0, e.clone(), false));
        }
    }
    for (row, cells) in &t.applications {
        for (i, e) in cells.iter().enumerate() {
            m.insert(
                format!("B|{row}|{}", super::numbers::APPLICANTS[i]),
                (1, e.clone(), false),
            );
        }
    }
    for (p, cells) in &t.review {
        for (i, e) in cells.iter().enumerate() {
            m.insert(
                format!("C|{p}|{}", super::numbers::OUTCOMES[i]),
                (2, e.clone(), false),
            );
        }
    }
    m
}

fn parquet_files(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(|e| e.ok())
        .filter(|e| e.path().extension().is_some_and(|x| x == "parquet"))
        .map(|e| e.path().to_path_buf())
        .collect();
    files.sort();
    files
}

/// Partition values (`region`, `year`) of a part file from its path.
fn partitions(table_dir: &Path, file: &Path) -> HashMap<String, Option<String>> {
    file.strip_prefix(table_dir)
        .unwrap_or(file)
        .components()
        .filter_map(|c| {
            let (k, v) = c.as_os_str().to_str()?.split_once('=')?;
            let v = (v != "__HIVE_DEFAULT_PARTITION__").then(|| v.to_string());
            Some((k.to_string(), v))
        })
        .collect()
}

/// Stream the batches of a table's part files.
fn for_each_batch(
    dataset: &Path,
    table: &str,
    mut f: impl FnMut(&RecordBatch, &HashMap<String, Option<String>>) -> Result<()>,
) -> Result<()> {
    let dir = dataset.join(table);
    for file in parquet_files(&dir) {
        let parts = partitions(&dir, &file);
        let reader = ParquetRecordBatchReaderBuilder::try_new(
            std::fs::File::open(&file).with_context(|| file.display().to_string())?,
        )
        .with_context(|| file.display().to_string())?
        .with_batch_size(8192)
        .build()?;
        for batch in reader {
            f(&batch?, &parts)?;
        }
    }
    Ok(())
}

fn strings<'a>(batch: &'a RecordBatch, name: &str) -> Option<&'a StringArray> {
    batch
        .column_by_name(name)
        .and_then(|c| c.as_any().downcast_ref::<StringArray>())
}

fn str_at(col: Option<&StringArray>, i: usize) -> Option<String> {
    col.filter(|c| !c.is_null(i))
        .map(|c| c.value(i).to_string())
}

fn norm_encoding(e: &str) -> String {
    match e.to_ascii_lowercase().as_str() {
        "gbk" | "gb2312" | "gb18030" => "gb18030".into(),
        other => other.to_string(),
    }
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-6 * a.abs().max(b.abs()).max(1.0)
}

fn show_opt(v: &Option<String>) -> String {
    v.clone().unwrap_or_else(|| "∅".into())
}

struct Checker {
    slots: Vec<Slot>,
    by_path: HashMap<String, usize>,
    by_id: HashMap<String, Vec<usize>>,
    report: AccuracyReport,
    show: usize,
}

impl Checker {
    fn disagree(
        &mut self,
        slot: usize,
        class: String,
        field: String,
        expected: String,
        got: String,
    ) {
        let path = self.slots[slot].truth.path.clone();
        self.slots[slot].disagreements += 1;
        let entry = self
            .report
            .classes
            .entry(class)
            .or_insert((0, String::new()));
        entry.0 += 1;
        if entry.1.is_empty() {
            entry.1 = format!("{path} {field}: expected {expected}, got {got}");
        }
        if self.report.first.len() < self.show {
            self.report.first.push(Disagreement {
                path,
                field,
                expected,
                got,
            });
        }
    }

    /// Compare one output cell with the truth.
    fn cell(
        &mut self,
        id: &str,
        key: String,
        state: &str,
        value: Option<f64>,
        unit: Option<String>,
    ) {
        let Some(slots) = self.by_id.get(id).cloned() else {
            return;
        };
        for s in slots {
            let table_of_key = match key.as_bytes()[0] {
                b'A' => 0,
                b'B' => 1,
                _ => 2,
            };
            let layout = self.slots[s].truth.layout.clone();
            let expected = self.slots[s].cells.get_mut(&key).map(|(t, e, seen)| {
                let first = !*seen;
                *seen = true;
                (*t, e.clone(), first)
            });
            let field = key_field(&key);
            match expected {
                None => {
                    // A cell the truth does not have: an extra row.
                    self.report
                        .tables
                        .entry(TABLES[table_of_key].into())
                        .or_default()
                        .add(false);
                    self.layout(&layout).cells.add(false);
                    self.report.overall.add(false);
                    let got = describe_got(state, value, unit.as_deref());
                    self.disagree(
                        s,
                        format!("{}: unexpected cell", TABLES[table_of_key]),
                        field,
                        "no cell".into(),
                        got,
                    );
                }
                Some((_, _, false)) => {} // duplicate row; counted once
                Some((t, e, true)) => {
                    let ok = state == e.state()
                        && match e.value() {
                            Some(v) => value.is_some_and(|g| close(g, v)),
                            None => true,
                        }
                        && (t != 0 || e.state() != "value" || e.unit() == unit.as_deref());
                    self.report
                        .tables
                        .entry(TABLES[t].into())
                        .or_default()
                        .add(ok);
                    self.layout(&layout).cells.add(ok);
                    self.report.overall.add(ok);
                    if !ok {
                        let got = describe_got(state, value, unit.as_deref());
                        let class = if state != e.state() {
                            format!("{}: expected {} got {}", TABLES[t], e.state(), state)
                        } else if e.value().zip(value).is_some_and(|(a, b)| !close(a, b)) {
                            format!("{}: wrong value", TABLES[t])
                        } else {
                            format!("{}: wrong unit", TABLES[t])
                        };
                        self.disagree(s, class, field, e.describe(), got);
                    }
                }
            }
        }
    }

    fn layout(&mut self, name: &str) -> &mut LayoutTally {
        self.report.layouts.entry(name.to_string()).or_default()
    }
}

fn key_field(key: &str) -> String {
    let mut it = key.split('|');
    let t = it.next().unwrap_or("");
    let a = it.next().unwrap_or("");
    let b = it.next().unwrap_or("");
    let table = match t {
        "A" => "active_disclosure",
        "B" => "applications",
        _ => "review_litigation",
    };
    format!("{table}:{a}.{b}")
}

fn describe_got(state: &str, value: Option<f64>, unit: Option<&str>) -> String {
    match (state, value) {
        ("value", Some(v)) => match unit {
            Some(u) => format!("{} {u}", fmt_num(v)),
            None => fmt_num(v),
        },
        (s, _) => s.to_string(),
    }
}

/// Read the truth file.
pub fn read_truth(corpus: &Path) -> Result<Vec<Truth>> {
    let path = corpus.join("truth.jsonl");
    let file = std::fs::File::open(&path).with_context(|| format!("open {}", path.display()))?;
    let mut out = Vec::new();
    for (n, line) in std::io::BufReader::new(file).lines().enumerate() {
        let line = line?;
        if line.trim().is_empty() {
            continue;
        }
        out.push(
            serde_json::from_str(&line).with_context(|| format!("{}:{}", path.display(), n + 1))?,
        );
    }
    Ok(out)
}

/// Run the check.
pub fn check(opts: &AccuracyOptions) -> Result<AccuracyReport> {
    let truths = read_truth(&opts.corpus)?;
    let mut checker = Checker {
        slots: Vec::with_capacity(truths.len()),
        by_path: HashMap::new(),
        by_id: HashMap::new(),
        report: AccuracyReport {
            reports: truths.len() as u64,
            ..Default::default()
        },
        show: opts.show,
    };
    for (i, t) in truths.into_iter().enumerate() {
        checker.by_path.insert(t.path.clone(), i);
        checker.slots.push(Slot {
            cells: cell_keys(&t),
            truth: t,
            report: None,
            reject: None,
            findings: BTreeSet::new(),
            disagreements: 0,
        });
    }
    if !opts.dataset.join("reports").exists() && !opts.dataset.join("rejects").exists() {
        anyhow::bail!(
            "{} holds no dataset (no reports/ or rejects/)",
            opts.dataset.display()
        );
    }

    // Reports: metadata and the report_id → truth map.
    for_each_batch(&opts.dataset, "reports", |batch, parts| {
        let col = |n| strings(batch, n);
        let (ids, paths) = (col("report_id"), col("source_path"));
        for i in 0..batch.num_rows() {
            let Some(path) = str_at(paths, i) else {
                continue;
            };
            let Some(&s) = checker.by_path.get(&path) else {
                continue;
            };
            let mut row = ReportRow::default();
            for f in FIELDS {
                let v = match *f {
                    "region" | "year" => parts.get(*f).cloned().flatten(),
                    _ => str_at(col(f), i),
                };
                row.fields.insert(f, v);
            }
            if let Some(id) = str_at(ids, i) {
                checker.by_id.entry(id).or_default().push(s);
            }
            checker.slots[s].report = Some(row);
        }
        Ok(())
    })?;
    for_each_batch(&opts.dataset, "rejects", |batch, _| {
        let (paths, reasons) = (strings(batch, "source_path"), strings(batch, "reason"));
        for i in 0..batch.num_rows() {
            if let Some(&s) = str_at(paths, i).and_then(|p| checker.by_path.get(&p)) {
                checker.slots[s].reject = str_at(reasons, i);
            }
        }
        Ok(())
    })?;

    // Cells, streamed.
    for (t, table) in TABLES.iter().enumerate() {
        let (a, b, value_col) = match t {
            0 => ("item", "measure", "value"),
            1 => ("row", "applicant", "count"),
            _ => ("proceeding", "outcome", "count"),
        };
        let letter = ["A", "B", "C"][t];
        for_each_batch(&opts.dataset, table, |batch, _| {
            let ids = strings(batch, "report_id");
            let (ka, kb) = (strings(batch, a), strings(batch, b));
            let cells = strings(batch, "cell");
            let units = strings(batch, "unit");
            let values = batch.column_by_name(value_col);
            let floats = values.and_then(|c| c.as_any().downcast_ref::<Float64Array>());
            let ints = values.and_then(|c| c.as_any().downcast_ref::<Int64Array>());
            for i in 0..batch.num_rows() {
                let Some(id) = str_at(ids, i) else { continue };
                let value = match (floats, ints) {
                    (Some(f), _) if !f.is_null(i) => Some(f.value(i)),
                    (_, Some(n)) if !n.is_null(i) => Some(n.value(i) as f64),
                    _ => None,
                };
                let key = format!(
                    "{letter}|{}|{}",
                    str_at(ka, i).unwrap_or_default(),
                    str_at(kb, i).unwrap_or_default()
                );
                let state = str_at(cells, i).unwrap_or_default();
                checker.cell(&id, key, &state, value, str_at(units, i));
            }
            Ok(())
        })?;
    }
    for_each_batch(&opts.dataset, "findings", |batch, _| {
        let (ids, rules, subjects) = (
            strings(batch, "report_id"),
            strings(batch, "rule"),
            strings(batch, "subject"),
        );
        for i in 0..batch.num_rows() {
            let Some(id) = str_at(ids, i) else { continue };
            let rule = str_at(rules, i).unwrap_or_default();
            if !MODELLED_RULES.contains(&rule.as_str()) {
                continue;
            }
            let subject = str_at(subjects, i).unwrap_or_default();
            for s in checker.by_id.get(&id).cloned().unwrap_or_default() {
                checker.slots[s]
                    .findings
                    .insert((rule.clone(), subject.clone()));
            }
        }
        Ok(())
    })?;

    // Per report: fields, unseen cells, findings.
    for s in 0..checker.slots.len() {
        finish_report(&mut checker, s);
    }
    Ok(checker.report)
}

fn truth_field(t: &Truth, f: &str) -> Option<String> {
    let r = &t.region;
    match f {
        "source_format" => Some(t.source_format.clone()),
        "encoding" => Some(t.encoding.clone()),
        "title" => Some(t.title.clone()),
        "agency" => Some(t.agency.clone()),
        "year" => Some(t.year.to_string()),
        "template" => Some(t.template.clone()),
        "template_active" => t.template_active.clone(),
        "template_applications" => t.template_applications.clone(),
        "status" => Some(t.status.clone()),
        "region" => Some(r.slug.clone()),
        "province" => r.province.clone(),
        "province_code" => r.province_code.clone(),
        "city" => r.city.clone(),
        "city_code" => r.city_code.clone(),
        "county" => r.county.clone(),
        "county_code" => r.county_code.clone(),
        "adcode" => r.adcode.clone(),
        "admin_level" => Some(r.admin_level.clone()),
        _ => None,
    }
}

fn finish_report(c: &mut Checker, s: usize) {
    let layout = c.slots[s].truth.layout.clone();
    let features = c.slots[s].truth.features.clone();
    let before = c.slots[s].disagreements;
    c.layout(&layout).reports += 1;
    let report = c.slots[s].report.clone();
    let reject = c.slots[s].reject.clone();
    match (&report, &reject) {
        (Some(_), _) => c.report.found += 1,
        (None, Some(reason)) => *c.report.rejected.entry(reason.clone()).or_default() += 1,
        (None, None) => c.report.absent += 1,
    }
    let missing_report = report.is_none();
    let why = match &reject {
        Some(r) => format!("rejected ({r})"),
        None => "not in dataset".to_string(),
    };
    // Fields.
    for f in FIELDS {
        let expected = truth_field(&c.slots[s].truth, f);
        let got = report
            .as_ref()
            .and_then(|r| r.fields.get(f).cloned().flatten());
        let ok = !missing_report
            && match *f {
                "encoding" => {
                    expected.as_deref().map(norm_encoding) == got.as_deref().map(norm_encoding)
                }
                _ => expected == got,
            };
        c.report.fields.entry(f.to_string()).or_default().add(ok);
        c.report.overall.add(ok);
        if REGION_FIELDS.contains(f) {
            c.layout(&layout).region.add(ok);
        } else {
            c.layout(&layout).fields.add(ok);
        }
        if !ok {
            let class = if missing_report {
                why.clone()
            } else {
                format!("field {f}")
            };
            let got = if missing_report {
                why.clone()
            } else {
                show_opt(&got)
            };
            if !missing_report || *f == "title" {
                c.disagree(s, class, f.to_string(), show_opt(&expected), got);
            } else {
                c.slots[s].disagreements += 1;
                let e = c
                    .report
                    .classes
                    .entry(why.clone())
                    .or_insert((0, String::new()));
                e.0 += 1;
            }
        }
    }
    // Cells the dataset did not write.
    let unseen: Vec<(String, usize, Expect)> = c.slots[s]
        .cells
        .iter()
        .filter(|(_, (_, _, seen))| !seen)
        .map(|(k, (t, e, _))| (k.clone(), *t, e.clone()))
        .collect();
    let mut unseen = unseen;
    unseen.sort_by(|a, b| a.0.cmp(&b.0));
    for (key, t, e) in unseen {
        c.report
            .tables
            .entry(TABLES[t].into())
            .or_default()
            .add(false);
        c.layout(&layout).cells.add(false);
        c.report.overall.add(false);
        if missing_report {
            c.slots[s].disagreements += 1;
            c.report
                .classes
                .entry(why.clone())
                .or_insert((0, String::new()))
                .0 += 1;
        } else {
            c.disagree(
                s,
                format!("{}: row not written", TABLES[t]),
                key_field(&key),
                e.describe(),
                "no row".into(),
            );
        }
    }
    // Findings.
    let expected: BTreeSet<(String, String)> = c.slots[s]
        .truth
        .findings
        .iter()
        .map(|f| (f.rule.clone(), f.subject.clone()))
        .collect();
    let got = c.slots[s].findings.clone();
    for f in &expected {
        let ok = got.contains(f);
        c.report
            .tables
            .entry("findings".into())
            .or_default()
            .add(ok);
        c.layout(&layout).findings.add(ok);
        c.report.overall.add(ok);
        if !ok {
            c.disagree(
                s,
                format!("finding {} not reported", f.0),
                format!("finding:{}", f.0),
                f.1.clone(),
                "not reported".into(),
            );
        }
    }
    if !missing_report {
        for f in got.difference(&expected) {
            c.report
                .tables
                .entry("findings".into())
                .or_default()
                .add(false);
            c.layout(&layout).findings.add(false);
            c.report.overall.add(false);
            c.disagree(
                s,
                format!("finding {} unexpected", f.0),
                format!("finding:{}", f.0),
                "none".into(),
                f.1.clone(),
            );
        }
    }
    let bad = c.slots[s].disagreements > before;
    if !bad {
        c.layout(&layout).perfect += 1;
    }
    for f in features {
        // Group numeric options (`pdf_label_chars:13`) as they are: each value is a feature.
        let e = c.report.features.entry(f).or_default();
        e.0 += 1;
        if bad {
            e.1 += 1;
        }
    }
}

impl AccuracyReport {
    /// Cells of A, B and C together.
    pub fn cells(&self) -> Tally {
        let mut t = Tally::default();
        for name in TABLES {
            if let Some(x) = self.tables.get(name) {
                t.merge(*x);
            }
        }
        t
    }

    /// Metadata fields without the region fields.
    pub fn metadata(&self) -> Tally {
        let mut t = Tally::default();
        for (f, x) in &self.fields {
            if !REGION_FIELDS.contains(&f.as_str()) {
                t.merge(*x);
            }
        }
        t
    }

    /// Region fields together.
    pub fn region(&self) -> Tally {
        let mut t = Tally::default();
        for (f, x) in &self.fields {
            if REGION_FIELDS.contains(&f.as_str()) {
                t.merge(*x);
            }
        }
        t
    }

    /// The printed report.
    pub fn render(&self) -> String {
        let mut o = String::new();
        let rejected: u64 = self.rejected.values().sum();
        let _ = writeln!(
            o,
            "accuracy: {} reports in the truth; {} read as reports, {} rejected, {} not in the dataset",
            self.reports, self.found, rejected, self.absent
        );
        for (reason, n) in &self.rejected {
            let _ = writeln!(o, "  rejected ({reason}): {n}");
        }
        let _ = writeln!(o, "\nsummary                     agree/total           %");
        let _ = writeln!(
            o,
            "  {:<24} {}",
            "metadata (w/o region)",
            self.metadata().show()
        );
        let _ = writeln!(o, "  {:<24} {}", "region", self.region().show());
        let _ = writeln!(o, "  {:<24} {}", "cells (A+B+C)", self.cells().show());
        let f = self.tables.get("findings").copied().unwrap_or_default();
        let _ = writeln!(o, "  {:<24} {}", "findings", f.show());
        let _ = writeln!(o, "  {:<24} {}", "OVERALL", self.overall.show());
        let _ = writeln!(o, "\nper field");
        for f in FIELDS {
            if let Some(t) = self.fields.get(*f) {
                let _ = writeln!(o, "  {:<24} {}", f, t.show());
            }
        }
        let _ = writeln!(o, "\nper table");
        for (name, t) in &self.tables {
            let _ = writeln!(o, "  {:<24} {}", name, t.show());
        }
        let _ = writeln!(
            o,
            "\nper layout    reports  perfect   metadata%   region%    cells%   findings%"
        );
        for (name, l) in &self.layouts {
            let _ = writeln!(
                o,
                "  {:<11} {:>7}  {:>7}   {:>8.3}  {:>8.3}  {:>8.3}   {:>8.3}",
                name,
                l.reports,
                l.perfect,
                l.fields.percent(),
                l.region.percent(),
                l.cells.percent(),
                l.findings.percent()
            );
        }
        let mut classes: Vec<(&String, &(u64, String))> = self.classes.iter().collect();
        classes.sort_by(|a, b| b.1 .0.cmp(&a.1 .0).then(a.0.cmp(b.0)));
        let _ = writeln!(
            o,
            "\ndisagreement classes ({}), most frequent first",
            classes.len()
        );
        for (class, (n, example)) in classes {
            let _ = writeln!(o, "  {n:>8}  {class}\n            e.g. {example}");
        }
        let mut feats: Vec<(&String, &(u64, u64))> = self
            .features
            .iter()
            .filter(|(_, (_, bad))| *bad > 0)
            .collect();
        feats.sort_by(|a, b| {
            let ra = a.1 .1 as f64 / a.1 .0 as f64;
            let rb = b.1 .1 as f64 / b.1 .0 as f64;
            rb.partial_cmp(&ra)
                .unwrap_or(std::cmp::Ordering::Equal)
                .then(a.0.cmp(b.0))
        });
        if !feats.is_empty() {
            let _ = writeln!(
                o,
                "\nfeatures of reports with disagreements (reports with it: imperfect / all)"
            );
            for (f, (all, bad)) in feats.iter().take(40) {
                let _ = writeln!(
                    o,
                    "  {:<28} {:>7} / {:<7} {:>6.1}%",
                    f,
                    bad,
                    all,
                    *bad as f64 * 100.0 / *all as f64
                );
            }
        }
        if !self.first.is_empty() {
            let _ = writeln!(
                o,
                "\nfirst {} disagreements (path, field, expected, got)",
                self.first.len()
            );
            for d in &self.first {
                let _ = writeln!(o, "  {}\t{}\t{}\t{}", d.path, d.field, d.expected, d.got);
            }
        }
        o
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tallies() {
        let mut t = Tally::default();
        assert_eq!(t.percent(), 100.0);
        t.add(true);
        t.add(false);
        assert_eq!(t.percent(), 50.0);
        assert_eq!(norm_encoding("GBK"), norm_encoding("gb18030"));
        assert_eq!(key_field("B|new|total"), "applications:new.total");
        assert!(close(25.1, 25.100000001));
    }
}
