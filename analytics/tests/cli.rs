//! End to end: `xxgk ingest` writes a dataset from the repository's five sample reports and
//! `xxgk-analytics` reads it. The `xxgk` binary is not built here (that would double the
//! test's build); see `common/mod.rs` for where it is looked for, and for `SKIPPED` without
//! one: run `cargo build` at the repository root first.

#[macro_use]
mod common;

use common::{analytics, csv, ingest, repo_root, rows};
use std::fs;

#[test]
fn samples_end_to_end() {
    let xxgk = xxgk_or_skip!();
    let tmp = tempfile::tempdir().unwrap();
    let ds = tmp.path().join("ds");
    ingest(&xxgk, &repo_root().join("data/samples"), &ds);
    let ds = ds.to_str().unwrap();

    let summary = csv(&["summary", "--dataset", ds]);
    assert_eq!(summary.len(), 2, "two tables: reports and rejects");
    assert_eq!(
        rows(&summary[0]),
        [
            vec![
                "region",
                "year",
                "reports",
                "ok",
                "partial",
                "no_tables",
                "superseded"
            ],
            vec!["anhui", "2019", "1", "1", "0", "0", "0"],
            vec!["chongqing", "2020", "1", "1", "0", "0", "0"],
            vec!["gansu", "2019", "1", "1", "0", "0", "0"],
            vec!["ningxia", "2019", "1", "0", "1", "0", "0"],
            vec!["zhejiang", "2019", "1", "1", "0", "0", "0"],
        ]
    );
    assert_eq!(rows(&summary[1]), [vec!["reason", "rejects"]]);

    let apps = csv(&["applications", "--dataset", ds]);
    let header = [
        "region", "year", "row", "reports", "sum", "values", "blank", "missing", "invalid",
    ];
    assert_eq!(rows(&apps[0][..1]), [header.to_vec()]);
    let apps = rows(&apps[0][1..]);
    assert_eq!(apps.len(), 25, "5 rows for each of 5 regions");
    let find = |region: &str, row: &str| {
        apps.iter()
            .find(|r| r[0] == region && r[2] == row)
            .unwrap_or_else(|| panic!("no {region} {row}"))
            .clone()
    };
    // 缙云县 2019 (zhejiang): every cell has a number.
    assert_eq!(
        find("zhejiang", "new"),
        ["zhejiang", "2019", "new", "1", "75", "1", "0", "0", "0"]
    );
    assert_eq!(find("zhejiang", "granted")[4], "35");
    assert_eq!(find("zhejiang", "partial")[4], "10");
    assert_eq!(find("zhejiang", "total")[4], "76");
    assert_eq!(find("zhejiang", "carried_forward")[4], "2");
    // 谢家集区 2019 (anhui): printed as is, although it does not add up.
    assert_eq!(find("anhui", "new")[4], "6");
    assert_eq!(find("anhui", "total")[4], "6");
    // 临泽县 2019 (gansu): blank cells are blank, not 0.
    assert_eq!(
        find("gansu", "granted"),
        ["gansu", "2019", "granted", "1", "", "0", "1", "0", "0"]
    );
    assert_eq!(find("gansu", "new")[4], "1");
    // 原州区 2019 (ningxia): table B is cut off, so its total rows are missing, not 0.
    assert_eq!(
        find("ningxia", "total"),
        ["ningxia", "2019", "total", "1", "", "0", "0", "1", "0"]
    );
    assert_eq!(find("ningxia", "carried_forward")[7], "1");
    assert_eq!(find("ningxia", "new")[4], "0");

    // Partition filters.
    let only = csv(&[
        "applications",
        "--dataset",
        ds,
        "--region",
        "zhejiang",
        "--year",
        "2019",
    ]);
    assert_eq!(only[0].len(), 1 + 5);
    assert!(only[0][1..]
        .iter()
        .all(|r| r[0] == "zhejiang" && r[1] == "2019"));
    let none = csv(&["applications", "--dataset", ds, "--year", "2021"]);
    assert_eq!(none[0].len(), 1);

    // Sample 003 (谢家集区) is the one that contradicts itself.
    let breaks = csv(&["breaks", "--dataset", ds]);
    let breaks = rows(&breaks[0]);
    assert_eq!(
        breaks[0],
        [
            "region",
            "year",
            "agency",
            "rule",
            "subject",
            "expected",
            "actual",
            "report_id"
        ]
    );
    assert!(breaks.len() > 1, "sample 003 has identity breaks");
    assert!(breaks[1..]
        .iter()
        .all(|r| r[0] == "anhui" && r[1] == "2019" && r[2] == "谢家集区"));
    assert!(breaks[1..]
        .iter()
        .any(|r| r[3] == "B.column_balance" && r[4] == "applications:total"));

    let latest = csv(&["latest", "--dataset", ds]);
    let latest = rows(&latest[0]);
    assert_eq!(latest.len(), 1 + 5);
    // No sample supersedes another: each is its own latest version.
    let mut sources: Vec<&str> = latest[1..].iter().map(|r| &r[6][..4]).collect();
    sources.sort();
    assert_eq!(sources, ["000_", "001_", "002_", "003_", "004_"]);
    assert!(latest[1..].iter().all(|r| r[5].is_empty()));

    // The table display prints too.
    let out = analytics(&["summary", "--dataset", ds]);
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("Reports by region and year") && text.contains("chongqing"));
}

#[test]
fn new_versions_and_rejects() {
    let xxgk = xxgk_or_skip!();
    let tmp = tempfile::tempdir().unwrap();
    let input = tmp.path().join("in");
    let ds = tmp.path().join("ds");
    fs::create_dir(&input).unwrap();
    let sample = fs::read_dir(repo_root().join("data/samples"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.file_name().unwrap().to_str().unwrap().starts_with("000_"))
        .unwrap();
    let report = input.join("linze.txt");
    fs::copy(&sample, &report).unwrap();
    ingest(&xxgk, &input, &ds);
    // The same file, changed: a new version that supersedes the first.
    let mut text = fs::read_to_string(&report).unwrap();
    text.push_str("\n附注：本报告为更正版。\n");
    fs::write(&report, text).unwrap();
    // Two inputs that are not reports.
    fs::write(input.join("empty.txt"), "").unwrap();
    fs::write(
        input.join("blob.bin"),
        (0..4096u32)
            .map(|i| (i * 7 % 256) as u8)
            .collect::<Vec<_>>(),
    )
    .unwrap();
    ingest(&xxgk, &input, &ds);
    let ds = ds.to_str().unwrap();

    let summary = csv(&["summary", "--dataset", ds]);
    assert_eq!(
        rows(&summary[0]),
        [
            vec![
                "region",
                "year",
                "reports",
                "ok",
                "partial",
                "no_tables",
                "superseded"
            ],
            vec!["gansu", "2019", "2", "2", "0", "0", "1"],
        ]
    );
    let rejects = rows(&summary[1]);
    assert_eq!(rejects[0], ["reason", "rejects"]);
    let total: u32 = rejects[1..]
        .iter()
        .map(|r| r[1].parse::<u32>().unwrap())
        .sum();
    assert_eq!(total, 2);
    assert!(rejects[1..].iter().any(|r| r[0] == "empty"));

    let latest = csv(&["latest", "--dataset", ds]);
    let latest = rows(&latest[0]);
    assert_eq!(latest.len(), 2, "one latest version");
    assert_ne!(
        latest[1][5], "",
        "the latest version names the one it supersedes"
    );

    // Totals count the latest version only, unless asked for every version.
    let latest_new = csv(&["applications", "--dataset", ds]);
    let new = latest_new[0][1..].iter().find(|r| r[2] == "new").unwrap();
    assert_eq!((new[3].as_str(), new[4].as_str()), ("1", "1"));
    let every = csv(&["applications", "--dataset", ds, "--all-versions"]);
    let new = every[0][1..].iter().find(|r| r[2] == "new").unwrap();
    assert_eq!((new[3].as_str(), new[4].as_str()), ("2", "2"));
}

#[test]
fn a_missing_dataset_is_an_error_with_a_message() {
    let tmp = tempfile::tempdir().unwrap();
    let missing = tmp.path().join("nope");
    let out = analytics(&["summary", "--dataset", missing.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("does not exist") && err.contains("nope"),
        "{err}"
    );

    let out = analytics(&["latest", "--dataset", tmp.path().to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("not an xxgk dataset"));

    let out = analytics(&[
        "applications",
        "--dataset",
        tmp.path().to_str().unwrap(),
        "--year",
        "x",
    ]);
    assert_eq!(out.status.code(), Some(2));
}
