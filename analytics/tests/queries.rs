//! The queries over a small dataset that the test writes itself, in the layout `xxgk ingest`
//! writes: two versions of one report, a report in the NULL partitions
//! (`__HIVE_DEFAULT_PARTITION__`), blank and missing cells, no `rejects/` directory. It needs
//! no `xxgk` binary (see `cli.rs` for the end-to-end test on the real samples).

use polars::prelude::*;
use std::fs;
use std::path::Path;
use xxgk_analytics::dataset::NULL_PARTITION;
use xxgk_analytics::query::{self, Filter, Partition};
use xxgk_analytics::{Dataset, DatasetError, Table};

/// Writes `df` as `<root>/<table>/region=<region>/year=<year>/part-test-00000.parquet`.
fn write_part(root: &Path, table: Table, region: &str, year: &str, mut df: DataFrame) {
    let dir = root
        .join(table.dir_name())
        .join(format!("region={region}"))
        .join(format!("year={year}"));
    fs::create_dir_all(&dir).unwrap();
    let file = fs::File::create(dir.join("part-test-00000.parquet")).unwrap();
    ParquetWriter::new(file).finish(&mut df).unwrap();
}

/// The report rows: `r2` supersedes `r1` (both gansu 2019), `r3` has no region and no year.
fn fixture() -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    let reports = |ids: &[&str], status: &[&str], supersedes: &[Option<&str>]| {
        let n = ids.len();
        df!(
            "report_id" => ids,
            "source_path" => vec!["a.txt"; n],
            "agency" => vec!["临泽县"; n],
            "status" => status,
            "supersedes" => supersedes,
            "run_id" => vec!["run-00001"; n],
        )
        .unwrap()
    };
    write_part(
        root,
        Table::Reports,
        "gansu",
        "2019",
        reports(&["r1", "r2"], &["ok", "ok"], &[None, Some("r1")]),
    );
    write_part(
        root,
        Table::Reports,
        NULL_PARTITION,
        NULL_PARTITION,
        reports(&["r3"], &["no_tables"], &[None]),
    );
    write_part(
        root,
        Table::Applications,
        "gansu",
        "2019",
        df!(
            "report_id" => ["r1", "r2", "r2", "r2"],
            "row" => ["new", "new", "granted", "denied.secret"],
            "applicant" => ["total", "total", "total", "total"],
            "count" => [Some(5i64), Some(7), None, Some(1)],
            "cell" => ["value", "value", "blank", "value"],
        )
        .unwrap(),
    );
    write_part(
        root,
        Table::Applications,
        NULL_PARTITION,
        NULL_PARTITION,
        df!(
            "report_id" => ["r3", "r3"],
            "row" => ["new", "new"],
            "applicant" => ["total", "natural_person"],
            "count" => [None::<i64>, Some(4)],
            "cell" => ["missing", "value"],
        )
        .unwrap(),
    );
    write_part(
        root,
        Table::Findings,
        "gansu",
        "2019",
        df!(
            "report_id" => ["r2", "r1"],
            "rule" => ["B.row_total", "table_missing"],
            "severity" => ["error", "warning"],
            "subject" => ["applications:new", "review_litigation"],
            "expected" => [Some("8"), None],
            "actual" => [Some("7"), None],
            "message" => ["does not add up", "absent"],
        )
        .unwrap(),
    );
    fs::write(root.join("_SUCCESS"), "").unwrap();
    tmp
}

fn strs(df: &DataFrame, name: &str) -> Vec<Option<String>> {
    let ca = df.column(name).unwrap().str().unwrap().clone();
    (0..ca.len())
        .map(|i| ca.get(i).map(str::to_owned))
        .collect()
}

fn ints(df: &DataFrame, name: &str) -> Vec<Option<i64>> {
    let column = df.column(name).unwrap().cast(&DataType::Int64).unwrap();
    let ca = column.i64().unwrap();
    (0..ca.len()).map(|i| ca.get(i)).collect()
}

fn s(v: &str) -> Option<String> {
    Some(v.to_owned())
}

#[test]
fn partitions_are_typed_and_null_partitions_read_as_null() {
    let tmp = fixture();
    let ds = Dataset::open(tmp.path()).unwrap();
    assert!(ds.is_complete());
    let df = ds
        .scan(Table::Reports)
        .unwrap()
        .sort(["report_id"], Default::default())
        .collect()
        .unwrap();
    assert_eq!(df.column("region").unwrap().dtype(), &DataType::String);
    assert_eq!(df.column("year").unwrap().dtype(), &DataType::Int64);
    assert_eq!(strs(&df, "region"), [s("gansu"), s("gansu"), None]);
    assert_eq!(ints(&df, "year"), [Some(2019), Some(2019), None]);
}

#[test]
fn summary_counts_reports_by_status_and_rejects_of_an_absent_table() {
    let tmp = fixture();
    let ds = Dataset::open(tmp.path()).unwrap();
    let df = query::report_counts(&ds).unwrap().collect().unwrap();
    // NULL partitions sort last.
    assert_eq!(strs(&df, "region"), [s("gansu"), None]);
    assert_eq!(ints(&df, "year"), [Some(2019), None]);
    assert_eq!(ints(&df, "reports"), [Some(2), Some(1)]);
    assert_eq!(ints(&df, "ok"), [Some(2), Some(0)]);
    assert_eq!(ints(&df, "partial"), [Some(0), Some(0)]);
    assert_eq!(ints(&df, "no_tables"), [Some(0), Some(1)]);
    assert_eq!(ints(&df, "superseded"), [Some(1), Some(0)]);

    // No rejects/ directory: an empty table with the columns, not an error.
    let rejects = query::reject_counts(&ds).unwrap().collect().unwrap();
    assert_eq!(rejects.height(), 0);
    assert_eq!(rejects.get_column_names(), ["reason", "rejects"]);
}

#[test]
fn latest_drops_superseded_versions() {
    let tmp = fixture();
    let ds = Dataset::open(tmp.path()).unwrap();
    let df = query::latest(&ds).unwrap().collect().unwrap();
    assert_eq!(strs(&df, "report_id"), [s("r2"), s("r3")]);
    assert_eq!(strs(&df, "supersedes"), [s("r1"), None]);
}

#[test]
fn applications_sum_values_and_count_blank_and_missing_apart() {
    let tmp = fixture();
    let ds = Dataset::open(tmp.path()).unwrap();

    // Latest versions: r1 is superseded by r2, so gansu's `new` is r2's 7 alone.
    let df = query::applications(&ds, &Filter::default(), false)
        .unwrap()
        .collect()
        .unwrap();
    assert_eq!(strs(&df, "region"), [s("gansu"), s("gansu"), None]);
    assert_eq!(strs(&df, "row"), [s("new"), s("granted"), s("new")]);
    assert_eq!(ints(&df, "reports"), [Some(1), Some(1), Some(1)]);
    // A row whose cells are all blank or missing sums to NULL, never to 0.
    assert_eq!(ints(&df, "sum"), [Some(7), None, None]);
    assert_eq!(ints(&df, "values"), [Some(1), Some(0), Some(0)]);
    assert_eq!(ints(&df, "blank"), [Some(0), Some(1), Some(0)]);
    assert_eq!(ints(&df, "missing"), [Some(0), Some(0), Some(1)]);
    assert_eq!(ints(&df, "invalid"), [Some(0), Some(0), Some(0)]);

    // Every version.
    let df = query::applications(&ds, &Filter::default(), true)
        .unwrap()
        .collect()
        .unwrap();
    assert_eq!(ints(&df, "sum"), [Some(12), None, None]);
    assert_eq!(ints(&df, "reports"), [Some(2), Some(1), Some(1)]);
}

#[test]
fn applications_filter_on_partitions_including_null() {
    let tmp = fixture();
    let ds = Dataset::open(tmp.path()).unwrap();
    let only = |filter: Filter| {
        let df = query::applications(&ds, &filter, false)
            .unwrap()
            .collect()
            .unwrap();
        (strs(&df, "region"), ints(&df, "year"))
    };
    let (regions, years) = only(Filter {
        region: Some(Partition::Null),
        year: None,
    });
    assert_eq!((regions, years), (vec![None], vec![None]));
    let (regions, _) = only(Filter {
        region: Some(Partition::Value("gansu".into())),
        year: Some(Partition::Value(2019)),
    });
    assert_eq!(regions, [s("gansu"), s("gansu")]);
    let (regions, _) = only(Filter {
        region: None,
        year: Some(Partition::Value(2020)),
    });
    assert!(regions.is_empty());
}

#[test]
fn breaks_list_error_findings_with_the_agency() {
    let tmp = fixture();
    let ds = Dataset::open(tmp.path()).unwrap();
    let df = query::breaks(&ds).unwrap().collect().unwrap();
    assert_eq!(df.height(), 1);
    assert_eq!(strs(&df, "agency"), [s("临泽县")]);
    assert_eq!(strs(&df, "rule"), [s("B.row_total")]);
    assert_eq!(strs(&df, "expected"), [s("8")]);
    assert_eq!(strs(&df, "actual"), [s("7")]);
    assert_eq!(ints(&df, "year"), [Some(2019)]);
}

#[test]
fn open_rejects_what_is_not_a_dataset() {
    let tmp = tempfile::tempdir().unwrap();
    let missing = tmp.path().join("nope");
    assert!(matches!(
        Dataset::open(&missing),
        Err(DatasetError::NotFound(_))
    ));
    assert!(matches!(
        Dataset::open(tmp.path()),
        Err(DatasetError::NotADataset(_))
    ));
    let file = tmp.path().join("file");
    fs::write(&file, "x").unwrap();
    assert!(matches!(
        Dataset::open(&file),
        Err(DatasetError::NotADirectory(_))
    ));
    // An empty reports/ is a dataset with no reports, not an error.
    fs::create_dir(tmp.path().join("reports")).unwrap();
    let ds = Dataset::open(tmp.path()).unwrap();
    assert!(!ds.is_complete());
    let df = query::report_counts(&ds).unwrap().collect().unwrap();
    assert_eq!(df.height(), 0);
}
