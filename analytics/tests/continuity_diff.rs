//! `continuity` and `diff` on a small dataset the test writes itself, in the layout
//! `xxgk ingest` writes: the cases the real reports do not have — a missing carry-over cell, a
//! year before with no new applications, a superseded version, a narrative report beside a
//! report with tables, a gap year, an issuer without a region, blank, missing and invalid
//! cells. It needs no `xxgk` binary (see `across_years.rs` for the real reports).

use polars::prelude::*;
use std::fs;
use std::path::Path;
use xxgk_analytics::continuity::{self, COLUMNS};
use xxgk_analytics::diff::{self, DiffError, NOT_STATED};
use xxgk_analytics::{Dataset, Partition, Table};

/// Writes `df` as `<root>/<table>/[region=<region>/year=<year>/]part-test-00000.parquet`.
fn write(root: &Path, table: Table, partition: Option<(&str, i64)>, mut df: DataFrame) {
    let mut dir = root.join(table.dir_name());
    if let Some((region, year)) = partition {
        dir = dir.join(format!("region={region}/year={year}"));
    }
    fs::create_dir_all(&dir).unwrap();
    let file = fs::File::create(dir.join("part-test-00000.parquet")).unwrap();
    ParquetWriter::new(file).finish(&mut df).unwrap();
}

/// A ledger row: (content_id, source_path, issuer, region, year, cells_digest,
/// applications_new, carried_over, carried_forward).
type Entry = (
    &'static str,
    &'static str,
    &'static str,
    Option<&'static str>,
    i64,
    Option<&'static str>,
    Option<i64>,
    Option<i64>,
    Option<i64>,
);

/// Issuer `620723/某县` (gansu): 2019 (its 结转下年度 cell missing), 2020 (no new
/// applications), 2021 (a corrected file superseding its first version, and a narrative report
/// beside it), 2023 (after a gap). Issuer `/某局` without a region: 2020 and 2021. One reject.
fn fixture() -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    let county = "620723/某县";
    #[rustfmt::skip]
    let entries: [Entry; 9] = [
        ("r2019", "x/2019.txt", county, Some("gansu"), 2019, Some("d19"), Some(10), Some(0), None),
        ("r2020", "x/2020.txt", county, Some("gansu"), 2020, Some("d20"), Some(0), Some(3), Some(2)),
        ("r2021old", "x/2021.txt", county, Some("gansu"), 2021, Some("d21o"), Some(5), Some(9), Some(1)),
        ("r2021", "x/2021.txt", county, Some("gansu"), 2021, Some("d21"), Some(7), Some(2), Some(1)),
        ("r2021n", "x/2021-words.txt", county, Some("gansu"), 2021, None, None, None, None),
        ("r2023", "x/2023.txt", county, Some("gansu"), 2023, Some("d23"), Some(4), Some(5), Some(0)),
        ("u2020", "y/2020.txt", "/某局", None, 2020, Some("e20"), Some(3), Some(0), Some(1)),
        ("u2021", "y/2021.txt", "/某局", None, 2021, Some("e21"), Some(6), Some(1), Some(0)),
        ("bad", "z/blob.bin", "", None, 0, None, None, None, None),
    ];
    let is_report = |e: &&Entry| e.0 != "bad";
    let col_str = |f: fn(&Entry) -> Option<&str>| entries.iter().map(f).collect::<Vec<_>>();
    let col_int = |f: fn(&Entry) -> Option<i64>| entries.iter().map(f).collect::<Vec<_>>();
    let ledger = df!(
        "content_id" => col_str(|e| Some(e.0)),
        "source_path" => col_str(|e| Some(e.1)),
        "outcome" => entries.iter().map(|e| if is_report(&e) { "report" } else { "reject" }).collect::<Vec<_>>(),
        "agency" => col_str(|e| e.2.split('/').nth(1)),
        "year" => col_int(|e| (e.0 != "bad").then_some(e.4)),
        "region" => col_str(|e| e.3),
        "issuer" => col_str(|e| (e.0 != "bad").then_some(e.2)),
        "cells_digest" => col_str(|e| e.5),
        "applications_new" => col_int(|e| e.6),
        "carried_over" => col_int(|e| e.7),
        "carried_forward" => col_int(|e| e.8),
    )
    .unwrap();
    write(root, Table::Ledger, None, ledger);
    // reports: the corrected 2021 file supersedes its first version.
    for (region, year, ids, supersedes) in [
        ("gansu", 2019, vec!["r2019"], vec![None]),
        ("gansu", 2020, vec!["r2020"], vec![None]),
        (
            "gansu",
            2021,
            vec!["r2021old", "r2021", "r2021n"],
            vec![None, Some("r2021old"), None],
        ),
        ("gansu", 2023, vec!["r2023"], vec![None]),
    ] {
        let df = df!("report_id" => ids, "supersedes" => supersedes).unwrap();
        write(root, Table::Reports, Some((region, year)), df);
    }
    // Table B of 2020 and 2021: a blank that becomes 0, a number that becomes invalid text,
    // a missing cell both years (the same: not listed), 7 new where there were none.
    for (year, id, new, granted, partial) in [
        (
            2020,
            "r2020",
            ("value", Some(0), "0"),
            ("blank", None, "无"),
            ("value", Some(1), "1"),
        ),
        (
            2021,
            "r2021",
            ("value", Some(7), "7"),
            ("value", Some(0), "0"),
            ("invalid", None, "一"),
        ),
    ] {
        let cells = [("new", new), ("granted", granted), ("partial", partial)];
        let df = df!(
            "report_id" => vec![id; 4],
            "row" => cells.iter().map(|c| c.0).chain(["denied.state_secret"]).collect::<Vec<_>>(),
            "applicant" => vec!["total"; 4],
            "count" => cells.iter().map(|c| c.1 .1).chain([None]).collect::<Vec<Option<i64>>>(),
            "cell" => cells.iter().map(|c| c.1 .0).chain(["missing"]).collect::<Vec<_>>(),
            "raw" => cells.iter().map(|c| Some(c.1 .2)).chain([None]).collect::<Vec<_>>(),
        )
        .unwrap();
        write(root, Table::Applications, Some(("gansu", year)), df);
    }
    // 新闻发布会 10 → 12 场; 主动公开 stated in 2020 only.
    for (year, id, measures, values, units) in [
        (
            2020,
            "r2020",
            vec!["active_disclosed", "press_conferences"],
            vec![1601.0, 10.0],
            vec!["条", "场"],
        ),
        (
            2021,
            "r2021",
            vec!["press_conferences"],
            vec![12.0],
            vec!["场"],
        ),
    ] {
        let n = measures.len();
        let df = df!(
            "report_id" => vec![id; n],
            "measure" => measures,
            "value" => values,
            "unit" => units,
        )
        .unwrap();
        write(root, Table::NarrativeFigures, Some(("gansu", year)), df);
    }
    fs::write(root.join("_SUCCESS"), "").unwrap();
    tmp
}

/// Every cell of `df` as a string (`null` for NULL), row by row.
fn cells(df: &DataFrame) -> Vec<Vec<String>> {
    let columns: Vec<Vec<String>> = df
        .columns()
        .iter()
        .map(|c| {
            let c = c.cast(&DataType::String).unwrap();
            let ca = c.str().unwrap();
            (0..ca.len())
                .map(|i| ca.get(i).unwrap_or("null").to_owned())
                .collect()
        })
        .collect();
    (0..df.height())
        .map(|i| columns.iter().map(|c| c[i].clone()).collect())
        .collect()
}

#[test]
fn continuity_follows_the_pipelines_rules() {
    let tmp = fixture();
    let ds = Dataset::open(tmp.path()).unwrap();
    let df = continuity::continuity(&ds, None)
        .unwrap()
        .collect()
        .unwrap();
    let names: Vec<&str> = df.get_column_names().iter().map(|n| n.as_str()).collect();
    assert_eq!(names, COLUMNS);
    let s = |v: &str| v.to_owned();
    let pick = |row: &Vec<String>| -> Vec<String> {
        // issuer, region, year_before, year, forward, over, continuity, new_before, new, ratio, report
        [0, 1, 3, 4, 5, 6, 7, 8, 9, 10, 12]
            .iter()
            .map(|&i| row[i].clone())
            .collect()
    };
    #[rustfmt::skip]
    let expected = [
        // The issuer without a region (`/` first): 1 → 1.
        ["/某局", "null", "2020", "2021", "1", "1", "continues", "3", "6", "2.0", "u2021"],
        // 2019's 结转下年度 is missing: nothing to compare, not 0.
        ["620723/某县", "gansu", "2019", "2020", "null", "3", "unknown", "10", "0", "0.0", "r2020"],
        // The corrected 2021 file, not its first version; no ratio after a year of 0. Not
        // 2021 → 2023: 2022 is missing.
        ["620723/某县", "gansu", "2020", "2021", "2", "2", "continues", "0", "7", "null", "r2021"],
    ];
    assert_eq!(
        cells(&df).iter().map(pick).collect::<Vec<_>>(),
        expected.map(|row| row.map(s))
    );
    // `--region __HIVE_DEFAULT_PARTITION__`: the issuers without a region.
    let df = continuity::continuity(&ds, Some(&Partition::Null))
        .unwrap()
        .collect()
        .unwrap();
    assert_eq!(
        cells(&df).iter().map(|r| r[0].clone()).collect::<Vec<_>>(),
        ["/某局"]
    );
    let df = continuity::continuity(&ds, Some(&Partition::Value(s("gansu"))))
        .unwrap()
        .collect()
        .unwrap();
    assert_eq!(df.height(), 2);
}

#[test]
fn diff_shows_blank_missing_and_invalid_cells_as_such() {
    let tmp = fixture();
    let ds = Dataset::open(tmp.path()).unwrap();
    // By agency; 2021 is the corrected file with tables (not its first version, not the
    // narrative report).
    let d = diff::diff(&ds, "某县", (2020, 2021), false).unwrap();
    assert_eq!(
        (
            d.issuer.as_str(),
            d.a.report_id.as_str(),
            d.b.report_id.as_str()
        ),
        ("620723/某县", "r2020", "r2021")
    );
    let s = |v: &str| v.to_owned();
    assert_eq!(
        cells(&d.cells_frame().unwrap()),
        [
            ["applications", "new", "total", "0", "7", "+7", "null"].map(s),
            [
                "applications",
                "granted",
                "total",
                "(blank)",
                "0",
                "null",
                "null"
            ]
            .map(s),
            [
                "applications",
                "partial",
                "total",
                "1",
                "(invalid: 一)",
                "null",
                "null"
            ]
            .map(s),
        ]
    );
    assert_eq!(
        d.cells_compared, 4,
        "the missing cell is the same in both years"
    );
    assert_eq!(
        cells(&d.figures_frame().unwrap()),
        [
            [
                "active_disclosed",
                "主动公开",
                "1601",
                NOT_STATED,
                "null",
                "条"
            ]
            .map(s),
            ["press_conferences", "新闻发布会", "10", "12", "+2", "场"].map(s),
        ]
    );
    let all = diff::diff(&ds, "620723/某县", (2020, 2021), true).unwrap();
    let missing = cells(&all.cells_frame().unwrap())
        .into_iter()
        .find(|r| r[1] == "denied.state_secret")
        .unwrap();
    assert_eq!(missing[3..6], [s("(missing)"), s("(missing)"), s("null")]);

    // 2019 has no table B cells written: every 2020 cell is beside "(not in template)".
    let d = diff::diff(&ds, "某县", (2019, 2020), false).unwrap();
    assert!(d.cells.iter().all(|c| c.value_a == diff::NOT_IN_TEMPLATE));
    match diff::diff(&ds, "某县", (2021, 2022), false) {
        Err(e @ DiffError::NoReport { .. }) => {
            assert!(e.is_usage());
            assert!(
                e.to_string()
                    .contains("it has reports for 2019, 2020, 2021, 2023"),
                "{e}"
            );
        }
        other => panic!("{other:?}"),
    }
}
