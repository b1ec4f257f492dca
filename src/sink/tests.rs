//! Property tests of the partitioned writer: whatever the flush thresholds,
//! no row is lost or duplicated and every row lands in the partition its
//! report's region and year say.

use super::schema::Table;
use super::writer::{DatasetWriter, WriterOptions};
use super::LocalStore;
use crate::model::*;
use arrow_array::{Array, StringArray};
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
use proptest::prelude::*;
use std::collections::BTreeMap;
use std::sync::Arc;

fn report(i: usize, region: Option<&str>, year: Option<i32>, cells: usize) -> Report {
    let applications = (0..cells)
        .map(|c| ApplicationCell {
            row: "new",
            row_label: Some(Arc::from("一、本年新收")),
            applicant: crate::parse::labels::APPLICANTS[c % 7],
            count: Some(c as i64),
            state: CellState::Value,
            raw: Some(c.to_string()),
        })
        .collect();
    Report {
        report_id: format!("{i:032x}"),
        source_path: format!("r{i}.txt"),
        source_format: SourceFormat::Text,
        encoding: "UTF-8".into(),
        bytes: 100,
        parsed: ParsedReport {
            title: None,
            agency: None,
            year,
            published: None,
            template: Template::V2019,
            table_templates: [None, None, None],
            active: Vec::new(),
            applications,
            review: Vec::new(),
            narrative: Vec::new(),
            findings: Vec::new(),
            status: ReportStatus::Ok,
        },
        region: Region {
            slug: region.map(str::to_string),
            ..Region::default()
        },
        supersedes: None,
    }
}

/// (report_id, partition dir) of every row of a table, read back from the store.
fn rows_by_partition(root: &std::path::Path, table: Table) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let dir = root.join(table.name());
    for entry in walkdir::WalkDir::new(&dir)
        .sort_by_file_name()
        .into_iter()
        .flatten()
    {
        if !entry.file_type().is_file() {
            continue;
        }
        let partition = entry
            .path()
            .parent()
            .unwrap()
            .strip_prefix(root)
            .unwrap()
            .display()
            .to_string();
        let file = std::fs::File::open(entry.path()).unwrap();
        for batch in ParquetRecordBatchReaderBuilder::try_new(file)
            .unwrap()
            .build()
            .unwrap()
        {
            let batch = batch.unwrap();
            assert_eq!(
                batch.schema(),
                super::schema::arrow_schema(table),
                "every part file carries the table's schema"
            );
            let ids = batch
                .column_by_name("report_id")
                .unwrap()
                .as_any()
                .downcast_ref::<StringArray>()
                .unwrap()
                .clone();
            for i in 0..ids.len() {
                out.push((ids.value(i).to_string(), partition.clone()));
            }
        }
    }
    out
}

fn expected_dir(table: Table, region: Option<&str>, year: Option<i32>) -> String {
    let region = region.unwrap_or("__HIVE_DEFAULT_PARTITION__");
    let year = year.map_or("__HIVE_DEFAULT_PARTITION__".to_string(), |y| y.to_string());
    format!("{}/region={region}/year={year}", table.name())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]
    #[test]
    fn no_row_lost_duplicated_or_misplaced(
        specs in proptest::collection::vec((0usize..4, 0usize..4, 0usize..30), 1..40),
        max_rows_per_file in 1usize..50,
        max_buffered_rows in 1usize..80,
    ) {
        const REGIONS: [Option<&str>; 4] = [Some("gansu"), Some("anhui"), Some("central"), None];
        const YEARS: [Option<i32>; 4] = [Some(2019), Some(2020), Some(2024), None];
        let dir = tempfile::tempdir().unwrap();
        let store = LocalStore::open(dir.path()).unwrap();
        let options = WriterOptions { max_rows_per_file, max_buffered_rows, row_group_rows: 7, zstd_level: 1 };
        let mut writer = DatasetWriter::new(&store, "run-00001", options).unwrap();
        let mut expected: BTreeMap<(String, String), usize> = BTreeMap::new();
        for (i, (r, y, cells)) in specs.iter().enumerate() {
            let rep = report(i, REGIONS[*r], YEARS[*y], *cells);
            writer.add_report(&rep).unwrap();
            *expected.entry((rep.report_id.clone(), expected_dir(Table::Reports, REGIONS[*r], YEARS[*y]))).or_default() += 1;
            if *cells > 0 {
                *expected.entry((rep.report_id.clone(), expected_dir(Table::Applications, REGIONS[*r], YEARS[*y]))).or_default() += cells;
            }
        }
        writer.finish().unwrap();
        writer.commit(serde_json::json!({}), &|_| {}).unwrap();
        let mut got: BTreeMap<(String, String), usize> = BTreeMap::new();
        for table in [Table::Reports, Table::Applications] {
            for key in rows_by_partition(dir.path(), table) {
                *got.entry(key).or_default() += 1;
            }
        }
        prop_assert_eq!(got, expected);
        prop_assert!(dir.path().join("_SUCCESS").exists());
    }
}

/// Inputs grouped by region and year (a crawl's folders): when the row budget
/// overflows, the region-year that stopped growing is written, not the one
/// being filled even when that one is bigger, so each partition is one file.
#[test]
fn grouped_inputs_give_one_file_per_partition() {
    let dir = tempfile::tempdir().unwrap();
    let store = LocalStore::open(dir.path()).unwrap();
    let options = WriterOptions {
        max_rows_per_file: 1_000,
        max_buffered_rows: 80,
        row_group_rows: 1_000,
        zstd_level: 1,
    };
    let mut writer = DatasetWriter::new(&store, "run-00001", options).unwrap();
    // Each report is 8 rows (a report row and 7 cells): 4 reports of 2019,
    // then 9 of 2020 overflow the budget at the 7th, when the 2020 partition
    // (49 cells) is bigger than the finished 2019 one (28).
    let groups = [(2019, 4), (2020, 9)];
    let mut i = 0;
    for (year, reports) in groups {
        for _ in 0..reports {
            writer
                .add_report(&report(i, Some("gansu"), Some(year), 7))
                .unwrap();
            i += 1;
        }
    }
    writer.finish().unwrap();
    writer.commit(serde_json::json!({}), &|_| {}).unwrap();
    for (year, _) in groups {
        let partition =
            dir.path()
                .join(expected_dir(Table::Applications, Some("gansu"), Some(year)));
        let files = std::fs::read_dir(&partition).unwrap().count();
        assert_eq!(files, 1, "{}", partition.display());
    }
}
