//! The dataset as readers see it: layout, determinism, and DuckDB with hive partitioning.

use crate::util;
use std::path::Path;
use std::process::Command;

fn files_under(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut files: Vec<(String, Vec<u8>)> = walkdir::WalkDir::new(dir)
        .sort_by_file_name()
        .into_iter()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            (
                e.path().strip_prefix(dir).unwrap().display().to_string(),
                std::fs::read(e.path()).unwrap(),
            )
        })
        .collect();
    files.sort();
    files
}

#[test]
fn same_inputs_give_the_same_files() {
    let samples = util::root().join("data/samples");
    let a = tempfile::tempdir().unwrap();
    let b = tempfile::tempdir().unwrap();
    util::ingest(&[&samples], a.path(), &["--jobs", "1"]);
    util::ingest(&[&samples], b.path(), &["--jobs", "2"]);
    let data = |d: &Path| -> Vec<(String, Vec<u8>)> {
        files_under(d)
            .into_iter()
            .filter(|(p, _)| !p.starts_with("_runs"))
            .collect()
    };
    let (fa, fb) = (data(a.path()), data(b.path()));
    assert!(
        fa.iter().any(|(p, _)| p.starts_with("reports/region=")),
        "{:?}",
        fa.iter().map(|f| &f.0).collect::<Vec<_>>()
    );
    assert!(fa.iter().any(|(p, _)| p == "_SUCCESS"));
    assert_eq!(
        fa.iter().map(|f| &f.0).collect::<Vec<_>>(),
        fb.iter().map(|f| &f.0).collect::<Vec<_>>()
    );
    assert!(
        fa == fb,
        "same bytes in the same files whatever the thread count"
    );
    assert!(!a.path().join("_staging").exists());
}

/// DuckDB reads the layout with hive partitioning (skipped, loudly, when the
/// duckdb Python package is missing — except in CI (`CI` set), where that is
/// a failure: `.ci/run` installs it).
#[test]
fn duckdb_reads_the_dataset() {
    let have_duckdb = Command::new("python3")
        .args(["-c", "import duckdb"])
        .status()
        .is_ok_and(|s| s.success());
    if !have_duckdb {
        assert!(
            std::env::var_os("CI").is_none(),
            "the duckdb Python package is required in CI (python3 -m pip install duckdb)"
        );
        eprintln!("SKIPPED: python3 -m pip install duckdb to run the DuckDB check");
        return;
    }
    let out = tempfile::tempdir().unwrap();
    util::ingest(&[&util::root().join("data/samples")], out.path(), &[]);
    let script = r#"
import duckdb, sys, json
out = sys.argv[1]
con = duckdb.connect()
def q(sql):
    return con.execute(sql.replace("OUT", out)).fetchall()
rows = q("""select source_path, agency, year, region, template, status
            from read_parquet('OUT/reports/**/*.parquet', hive_partitioning=true) order by source_path""")
types = q("""select typeof(year), typeof(region) from read_parquet('OUT/reports/**/*.parquet', hive_partitioning=true) limit 1""")
cells = q("""select count(*), count(count), sum(count) from read_parquet('OUT/applications/**/*.parquet', hive_partitioning=true)""")
breaks = q("""select count(*) from read_parquet('OUT/findings/**/*.parquet', hive_partitioning=true) where rule like 'B.%'""")
print(json.dumps({"rows": rows, "types": types, "cells": cells, "breaks": breaks}, ensure_ascii=False))
"#;
    let o = Command::new("python3")
        .args(["-c", script, out.path().to_str().unwrap()])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let rows = v["rows"].as_array().unwrap();
    assert_eq!(rows.len(), 5);
    let expect = [
        ("000_1f3be3be81006fc6.txt", "临泽县", 2019, "2019", "ok"),
        (
            "001_29196fa5befbfdb4.txt",
            "城口县人民政府机关",
            2020,
            "2019",
            "ok",
        ),
        ("002_71af202b911b497d.txt", "缙云县", 2019, "2019", "ok"),
        ("003_45d03742e780f514.txt", "谢家集区", 2019, "2019", "ok"),
        (
            "004_49933982007c6c7a.txt",
            "固原市原州区人民政府办公室",
            2019,
            "2019",
            "partial",
        ),
    ];
    for (row, (path, agency, year, template, status)) in rows.iter().zip(expect) {
        assert_eq!(row[0], path);
        assert_eq!(row[1], agency);
        assert_eq!(row[2], year);
        assert_eq!(row[4], template);
        assert_eq!(row[5], status);
    }
    assert_eq!(v["types"][0][0], "BIGINT", "year is an integer partition");
    assert_eq!(v["types"][0][1], "VARCHAR");
    // 4 complete 2019-template tables B (161 cells) + the truncated one (also 161, some missing).
    assert_eq!(v["cells"][0][0], 5 * 161);
    assert_eq!(
        v["breaks"][0][0], 6,
        "sample 003 breaks six table-B identities"
    );
}
