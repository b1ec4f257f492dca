//! `--format delta` (feature `delta`): the Delta tables read back by other
//! engines — Python `deltalake` and polars (`scan_delta`) — hold the same rows
//! as the Hive-style Parquet output of the same inputs, on a local disk and
//! on an S3-compatible server; each run is one Delta version per table, and
//! the run record says which.
//!
//! Without `deltalake` and `polars` for Python these tests are skipped,
//! except in CI (`CI` set), where they fail.

use crate::incremental::{assert_aborted, sample};
use crate::s3::Moto;
use crate::util;
use std::path::Path;
use std::process::Command;
use xxgk::internal::Store;

/// Compares, table by table, the Parquet dataset at argv[1] (read with
/// pyarrow, Hive partitions) with the Delta tables at argv[2] read by
/// deltalake and by polars; storage options for s3:// in argv[3] (JSON).
/// Prints one line per table and `ok`, or raises.
const COMPARE: &str = r#"
import sys, json, os
import pyarrow.dataset as ds, pyarrow as pa
import deltalake, polars as pl
parquet_root, delta_root, options = sys.argv[1], sys.argv[2], json.loads(sys.argv[3])
tables = ["reports", "active_disclosure", "applications", "review_litigation",
          "narrative_figures", "findings", "cross_findings", "rejects"]
def norm(v):
    if isinstance(v, float) and v != v: return "nan"
    return v
def rows(columns, names):
    n = len(columns[names[0]]) if names else 0
    return sorted((tuple((k, norm(columns[k][i])) for k in names) for i in range(n)), key=repr)
for t in tables:
    path = os.path.join(parquet_root, t)
    if not os.path.exists(path):
        continue
    part = ds.dataset(path, format="parquet", partitioning="hive").to_table()
    names = sorted(part.column_names)
    base = part.to_pydict()
    if "year" in base:
        base["year"] = [None if y is None else int(y) for y in base["year"]]
    want = rows(base, names)
    uri = delta_root.rstrip("/") + "/" + t
    dt = deltalake.DeltaTable(uri, storage_options=options or None)
    got_dl = dt.to_pyarrow_table().to_pydict()
    got_pl = pl.scan_delta(uri, storage_options=options or None).collect().to_dict(as_series=False)
    for who, got in (("deltalake", got_dl), ("polars", got_pl)):
        assert sorted(got) == names, (t, who, sorted(got), names)
        got = rows(got, names)
        assert got == want, (t, who, len(got), len(want), [r for r in got if r not in want][:2], [r for r in want if r not in got][:2])
    print(t, len(want), "rows, delta version", dt.version())
print("ok")
"#;

/// Whether Python can read Delta tables (deltalake and polars); panics in CI when not.
fn have_readers() -> bool {
    let ok = Command::new("python3")
        .args(["-c", "import deltalake, polars, pyarrow"])
        .output()
        .is_ok_and(|o| o.status.success());
    if !ok {
        assert!(
            std::env::var_os("CI").is_none(),
            "deltalake and polars for Python are required in CI (python3 -m pip install deltalake polars)"
        );
        eprintln!(
            "SKIPPED: python3 -m pip install deltalake polars to run the Delta read-back tests"
        );
    }
    ok
}

fn compare(parquet: &Path, delta: &str, options: &str, env: &[(&str, String)]) -> String {
    let out = Command::new("python3")
        .args(["-c", COMPARE, parquet.to_str().unwrap(), delta, options])
        .envs(env.iter().map(|(k, v)| (*k, v.as_str())))
        .output()
        .expect("python3");
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    // `ok` is printed only after every table compared equal (an assertion
    // exits before it); the exit status is not required too, as the native
    // libraries have been seen to crash at interpreter exit on a loaded machine.
    assert!(
        stdout.trim_end().ends_with("ok"),
        "Delta tables differ from the Parquet output ({:?}): {stdout}\n{}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    stdout
}

fn run_record(out: &Path, run: &str) -> serde_json::Value {
    serde_json::from_slice(&std::fs::read(out.join(format!("_runs/{run}.json"))).unwrap()).unwrap()
}

#[test]
fn delta_tables_read_back_like_the_parquet_output() {
    if !have_readers() {
        return;
    }
    let samples = util::root().join("data/samples");
    let parquet = tempfile::tempdir().unwrap();
    let delta = tempfile::tempdir().unwrap();
    util::ingest(&[&samples], parquet.path(), &[]);
    util::ingest(&[&samples], delta.path(), &["--format", "delta"]);
    let report = compare(parquet.path(), delta.path().to_str().unwrap(), "{}", &[]);
    assert!(report.contains("reports"), "{report}");
    let record = run_record(delta.path(), "run-00001");
    assert_eq!(record["format"], "delta");
    assert_eq!(record["delta_versions"]["reports"], 0, "{record}");
    assert!(delta
        .path()
        .join("reports/_delta_log/00000000000000000000.json")
        .exists());
    assert!(
        !delta.path().join("_ledger/_delta_log").exists(),
        "the ledger stays Parquet"
    );

    // A second run with one new report: one more version of the tables it touches.
    // A corrected report: one number changed.
    let corrected = String::from_utf8(sample("001_29196fa5befbfdb4.txt"))
        .unwrap()
        .replacen("102 |", "103 |", 1);
    let more = util::temp_inputs(&[("new/d.txt", corrected.as_bytes())]);
    util::ingest(&[&samples, more.path()], parquet.path(), &[]);
    util::ingest(
        &[&samples, more.path()],
        delta.path(),
        &["--format", "delta"],
    );
    compare(parquet.path(), delta.path().to_str().unwrap(), "{}", &[]);
    let record = run_record(delta.path(), "run-00002");
    assert_eq!(record["delta_versions"]["reports"], 1, "{record}");

    // The format is the dataset's: a Parquet run into it is refused.
    let o = util::xxgk(&[
        "ingest",
        samples.to_str().unwrap(),
        "--out",
        delta.path().to_str().unwrap(),
        "--quiet",
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("is written as delta"),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
}

/// On S3: the Delta tables read back through S3 by deltalake and polars, and
/// a run killed between its moves and its Delta commits is completed by the
/// next run (the Delta commits redone from the manifest).
#[test]
fn delta_tables_on_s3_and_a_killed_delta_commit_recovered() {
    if !have_readers() {
        return;
    }
    let Some(moto) = Moto::start() else { return };
    moto.create_bucket("crawl");
    moto.create_bucket("warehouse");
    let crawl = moto.store("crawl", "three");
    for (name, file) in [
        ("a.txt", "000_1f3be3be81006fc6.txt"),
        ("b.txt", "001_29196fa5befbfdb4.txt"),
        ("c.txt", "002_71af202b911b497d.txt"),
    ] {
        crawl.put(name, &sample(file)).unwrap();
    }
    let parquet = tempfile::tempdir().unwrap();
    let o = moto.ingest(
        "s3://crawl/three",
        parquet.path().to_str().unwrap(),
        &[],
        None,
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));

    let killed = moto.ingest(
        "s3://crawl/three",
        "s3://warehouse/delta",
        &["--format", "delta"],
        Some("commit-move"),
    );
    assert_aborted(&killed, "commit-move");
    let store = moto.store("warehouse", "delta");
    assert!(!store
        .exists("reports/_delta_log/00000000000000000000.json")
        .unwrap());
    let o = moto.ingest(
        "s3://crawl/three",
        "s3://warehouse/delta",
        &["--format", "delta"],
        None,
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let record: serde_json::Value =
        serde_json::from_slice(&store.get("_runs/run-00001.json").unwrap().unwrap()).unwrap();
    assert_eq!(record["delta_versions"]["reports"], 0, "{record}");
    assert!(
        store.exists("_runs/run-00002.json").unwrap(),
        "the recovering run"
    );

    let env = moto.env();
    let endpoint = &env
        .iter()
        .find(|(k, _)| *k == "AWS_ENDPOINT_URL")
        .unwrap()
        .1;
    let options = serde_json::json!({
        "AWS_ENDPOINT_URL": endpoint,
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_REGION": "us-east-1",
        "AWS_ALLOW_HTTP": "true",
        "aws_conditional_put": "etag",
    });
    compare(
        parquet.path(),
        "s3://warehouse/delta",
        &options.to_string(),
        &env,
    );
}
