//! The living dataset: incremental runs, corrections, crash recovery, the
//! lock, full refresh and write faults — all through the built binary.

use crate::util::{self, Row, Val};
use std::collections::BTreeMap;
use std::path::Path;
use std::process::{Command, Output};

pub(crate) const TABLES: [&str; 9] = [
    "reports",
    "active_disclosure",
    "applications",
    "review_litigation",
    "narrative_figures",
    "findings",
    "cross_findings",
    "rejects",
    "_ledger",
];

pub(crate) fn sample(name: &str) -> Vec<u8> {
    std::fs::read(util::root().join("data/samples").join(name)).unwrap()
}

fn run(inputs: &Path, out: &Path, extra: &[&str], failpoint: Option<&str>) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_xxgk"));
    cmd.args([
        "ingest",
        inputs.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--quiet",
    ])
    .args(extra);
    cmd.current_dir(util::root());
    if let Some(fp) = failpoint {
        cmd.env("XXGK_FAILPOINT", fp);
    }
    cmd.output().unwrap()
}

/// Every table's rows, sorted, for comparing datasets.
pub(crate) fn snapshot(out: &Path) -> BTreeMap<&'static str, Vec<String>> {
    TABLES
        .iter()
        .map(|t| {
            let mut rows: Vec<String> = util::read_table(out, t)
                .iter()
                .map(|r| format!("{r:?}"))
                .collect();
            rows.sort();
            (*t, rows)
        })
        .collect()
}

fn count(out: &Path, table: &str) -> usize {
    util::read_table(out, table).len()
}

pub(crate) fn three_samples() -> tempfile::TempDir {
    util::temp_inputs(&[
        ("a.txt", &sample("000_1f3be3be81006fc6.txt")),
        ("b.txt", &sample("001_29196fa5befbfdb4.txt")),
        ("c.txt", &sample("002_71af202b911b497d.txt")),
    ])
}

#[test]
fn rerun_adds_nothing_and_new_files_are_appended() {
    let inputs = three_samples();
    let out = tempfile::tempdir().unwrap();
    let first = run(inputs.path(), out.path(), &[], None);
    assert!(first.status.success());
    let before = snapshot(out.path());
    assert_eq!(before["reports"].len(), 3);

    let again = Command::new(env!("CARGO_BIN_EXE_xxgk"))
        .args([
            "ingest",
            inputs.path().to_str().unwrap(),
            "--out",
            out.path().to_str().unwrap(),
        ])
        .current_dir(util::root())
        .output()
        .unwrap();
    assert!(again.status.success());
    assert!(
        String::from_utf8_lossy(&again.stderr).contains("0 new, 3 unchanged"),
        "{}",
        String::from_utf8_lossy(&again.stderr)
    );
    assert_eq!(snapshot(out.path()), before, "a re-run writes no rows");
    assert!(out.path().join("_runs/run-00002.json").exists());

    std::fs::write(
        inputs.path().join("d.txt"),
        sample("003_45d03742e780f514.txt"),
    )
    .unwrap();
    assert!(run(inputs.path(), out.path(), &[], None).status.success());
    let reports = util::read_table(out.path(), "reports");
    assert_eq!(reports.len(), 4);
    let new: Vec<&Row> = reports
        .iter()
        .filter(|r| r["run_id"].str() == Some("run-00003"))
        .collect();
    assert_eq!(new.len(), 1);
    assert_eq!(new[0]["source_path"].str(), Some("d.txt"));
    // Old part files are never rewritten: every earlier file is still there, byte for byte.
    assert_eq!(count(out.path(), "_ledger"), 4);
}

#[test]
fn a_changed_file_is_a_new_version_that_supersedes_the_old() {
    let inputs = three_samples();
    let out = tempfile::tempdir().unwrap();
    assert!(run(inputs.path(), out.path(), &[], None).status.success());
    let old_id = util::read_table(out.path(), "reports")
        .into_iter()
        .find(|r| r["source_path"].str() == Some("b.txt"))
        .unwrap()["report_id"]
        .clone();
    // A corrected report: same path, one number changed.
    let corrected = String::from_utf8(sample("001_29196fa5befbfdb4.txt"))
        .unwrap()
        .replacen("102 |", "103 |", 1);
    std::fs::write(inputs.path().join("b.txt"), corrected).unwrap();
    let o = run(inputs.path(), out.path(), &[], None);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let reports = util::read_table(out.path(), "reports");
    assert_eq!(reports.len(), 4, "the old version stays");
    let new = reports
        .iter()
        .find(|r| r["run_id"].str() == Some("run-00002"))
        .unwrap();
    assert_eq!(new["supersedes"], old_id);
}

#[test]
fn rejects_are_remembered_unless_retried() {
    let inputs = util::temp_inputs(&[
        ("empty_ok.txt", &sample("000_1f3be3be81006fc6.txt")),
        ("bin.txt", &[0u8, 1, 2, 3]),
    ]);
    let out = tempfile::tempdir().unwrap();
    assert!(run(inputs.path(), out.path(), &[], None).status.success());
    assert!(run(inputs.path(), out.path(), &[], None).status.success());
    assert_eq!(
        count(out.path(), "rejects"),
        1,
        "a known reject is not tried again"
    );
    assert!(run(inputs.path(), out.path(), &["--retry-rejects"], None)
        .status
        .success());
    assert_eq!(
        count(out.path(), "rejects"),
        2,
        "--retry-rejects reads it again"
    );
}

/// Kill the run (abort, as kill -9 would) at each point; the next run must
/// leave exactly what one clean run gives.
#[test]
fn killed_runs_are_recovered_to_a_clean_runs_rows() {
    let inputs = three_samples();
    let first = util::temp_inputs(&[("a.txt", &sample("000_1f3be3be81006fc6.txt"))]);
    // Killed into an empty dataset, and killed as the second run of one.
    for earlier in [None, Some(first.path())] {
        let clean = tempfile::tempdir().unwrap();
        if let Some(earlier) = earlier {
            assert!(run(earlier, clean.path(), &[], None).status.success());
        }
        assert!(run(inputs.path(), clean.path(), &[], None).status.success());
        let expected = snapshot(clean.path());
        for point in util::COMMIT_FAILPOINTS {
            let out = tempfile::tempdir().unwrap();
            if let Some(earlier) = earlier {
                assert!(run(earlier, out.path(), &[], None).status.success());
            }
            let killed = run(inputs.path(), out.path(), &[], Some(point));
            assert_aborted(&killed, point);
            // The earlier run's _SUCCESS stands until the killed run's first move.
            let before_moves = matches!(point, "parse" | "write" | "commit-manifest");
            assert_eq!(
                out.path().join("_SUCCESS").exists(),
                earlier.is_some() && before_moves,
                "{point}: _SUCCESS after a killed run"
            );
            let recovered = run(inputs.path(), out.path(), &[], None);
            assert!(
                recovered.status.success(),
                "{point}: {}",
                String::from_utf8_lossy(&recovered.stderr)
            );
            assert_eq!(
                snapshot(out.path()),
                expected,
                "{point} (earlier run: {}): recovered dataset differs from clean runs",
                earlier.is_some()
            );
            assert!(out.path().join("_SUCCESS").exists());
            assert!(
                !out.path().join("_staging").exists(),
                "{point}: staging left behind"
            );
        }
    }
}

/// The run died at its failpoint (SIGABRT), not of anything else: a
/// misspelt failpoint, which the binary ignores, fails here.
pub(crate) fn assert_aborted(output: &Output, point: &str) {
    use std::os::unix::process::ExitStatusExt;
    assert_eq!(
        output.status.signal(),
        Some(6),
        "{point}: the run should abort at its failpoint: {:?} {}",
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(
        String::from_utf8_lossy(&output.stderr).contains("failpoint"),
        "{point}"
    );
}

#[test]
fn a_second_writer_is_refused_with_the_holder_named() {
    let inputs = three_samples();
    let out = tempfile::tempdir().unwrap();
    let mut holder = Command::new(env!("CARGO_BIN_EXE_xxgk"));
    holder
        .args([
            "ingest",
            inputs.path().to_str().unwrap(),
            "--out",
            out.path().to_str().unwrap(),
            "--quiet",
        ])
        .env("XXGK_FAILPOINT", "hold-lock")
        .current_dir(util::root());
    let mut child = holder.spawn().unwrap();
    // Wait until the first run holds the lock.
    for _ in 0..100 {
        if out.path().join("_lock").exists() {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    let second = run(inputs.path(), out.path(), &[], None);
    assert_eq!(second.status.code(), Some(2));
    let msg = String::from_utf8_lossy(&second.stderr);
    assert!(msg.contains(&format!("pid {}", child.id())), "{msg}");
    assert!(child.wait().unwrap().success());
    assert!(!out.path().join("_lock").exists(), "the lock is released");
}

#[test]
fn a_stale_lock_is_taken_over() {
    let inputs = three_samples();
    let out = tempfile::tempdir().unwrap();
    let host = std::fs::read_to_string("/proc/sys/kernel/hostname")
        .unwrap()
        .trim()
        .to_string();
    let lock = format!(r#"{{"pid":4000000000,"host":"{host}","started_unix":1,"run":"ingest"}}"#);
    std::fs::write(out.path().join("_lock"), lock).unwrap();
    let o = run(inputs.path(), out.path(), &[], None);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert_eq!(count(out.path(), "reports"), 3);
}

#[test]
fn disk_full_fails_cleanly_and_loses_nothing() {
    let inputs = three_samples();
    let out = tempfile::tempdir().unwrap();
    assert!(run(inputs.path(), out.path(), &[], None).status.success());
    let before = snapshot(out.path());
    std::fs::write(
        inputs.path().join("d.txt"),
        sample("003_45d03742e780f514.txt"),
    )
    .unwrap();
    let full = run(inputs.path(), out.path(), &[], Some("disk-full"));
    assert_eq!(full.status.code(), Some(2));
    let msg = String::from_utf8_lossy(&full.stderr);
    assert!(msg.contains("No space left on device"), "{msg}");
    assert_eq!(
        snapshot(out.path()),
        before,
        "nothing of the failed run is visible, the ledger is unchanged"
    );
    // The next run adds the file as if nothing had happened.
    assert!(run(inputs.path(), out.path(), &[], None).status.success());
    assert_eq!(count(out.path(), "reports"), 4);
}

#[test]
fn full_refresh_rebuilds_from_the_inputs_alone() {
    let inputs = three_samples();
    let out = tempfile::tempdir().unwrap();
    assert!(run(inputs.path(), out.path(), &[], None).status.success());
    std::fs::remove_file(inputs.path().join("c.txt")).unwrap();
    let o = run(inputs.path(), out.path(), &["--full-refresh"], None);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let reports = util::read_table(out.path(), "reports");
    assert_eq!(reports.len(), 2);
    assert!(reports
        .iter()
        .all(|r| r["run_id"] == Val::Str("run-00001".into())));
    assert!(out.path().join("_SUCCESS").exists());
    let leftovers: Vec<_> = std::fs::read_dir(out.path().parent().unwrap())
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().contains(".refresh"))
        .collect();
    assert!(leftovers.is_empty());
}

/// Every Parquet file says which schema version wrote it; a run into a
/// dataset of another version (here: one written before versions were, its
/// ledger rewritten without the key) stops with a message naming
/// `--full-refresh`, and a full refresh rebuilds it in the current version.
#[test]
fn a_dataset_of_another_schema_version_is_refused_until_rebuilt() {
    use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
    use parquet::file::reader::{FileReader, SerializedFileReader};
    let version_of = |path: &Path| -> Option<String> {
        let reader = SerializedFileReader::new(std::fs::File::open(path).unwrap()).unwrap();
        reader
            .metadata()
            .file_metadata()
            .key_value_metadata()?
            .iter()
            .find(|kv| kv.key == "xxgk.schema_version")
            .and_then(|kv| kv.value.clone())
    };
    let parquet_files = |out: &Path| -> Vec<std::path::PathBuf> {
        walkdir::WalkDir::new(out)
            .into_iter()
            .filter_map(|e| e.ok())
            .filter(|e| e.path().extension().is_some_and(|x| x == "parquet"))
            .map(|e| e.into_path())
            .collect()
    };
    let inputs = three_samples();
    let out = tempfile::tempdir().unwrap();
    assert!(run(inputs.path(), out.path(), &[], None).status.success());
    let files = parquet_files(out.path());
    assert!(files.len() >= 6, "{files:?}");
    for f in &files {
        assert_eq!(
            version_of(f).as_deref(),
            Some(xxgk_schema::SCHEMA_VERSION.to_string().as_str()),
            "{}",
            f.display()
        );
    }

    // Make it an unversioned dataset: the ledger rewritten without the key.
    let ledger = files
        .iter()
        .find(|f| f.to_string_lossy().contains("_ledger"))
        .unwrap();
    let batches: Vec<_> =
        ParquetRecordBatchReaderBuilder::try_new(std::fs::File::open(ledger).unwrap())
            .unwrap()
            .build()
            .unwrap()
            .map(|b| b.unwrap())
            .collect();
    let mut writer = parquet::arrow::ArrowWriter::try_new(
        std::fs::File::create(ledger).unwrap(),
        batches[0].schema(),
        None,
    )
    .unwrap();
    for b in &batches {
        writer.write(b).unwrap();
    }
    writer.close().unwrap();
    assert_eq!(version_of(ledger), None);

    let o = run(inputs.path(), out.path(), &[], None);
    assert_eq!(o.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(
        stderr.contains("schema version none") && stderr.contains("--full-refresh"),
        "{stderr}"
    );
    let o = run(inputs.path(), out.path(), &["--full-refresh"], None);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    for f in parquet_files(out.path()) {
        assert_eq!(
            version_of(&f).as_deref(),
            Some(xxgk_schema::SCHEMA_VERSION.to_string().as_str()),
            "{}",
            f.display()
        );
    }
    assert_eq!(count(out.path(), "reports"), 3);
}

/// A full refresh killed anywhere — while building, at its commit, at each
/// step of the swap — leaves, after the next run, exactly the old dataset
/// (killed before the swap manifest) or exactly the rebuilt one (after it),
/// never half of each, and no sibling folder behind.
#[test]
fn a_killed_full_refresh_ends_exactly_old_or_exactly_new() {
    let inputs = three_samples();
    let smaller = util::temp_inputs(&[
        ("a.txt", &sample("000_1f3be3be81006fc6.txt")),
        ("b.txt", &sample("001_29196fa5befbfdb4.txt")),
    ]);
    // The two datasets a refresh may end as.
    let reference = tempfile::tempdir().unwrap();
    let out_ref = reference.path().join("out");
    assert!(run(inputs.path(), &out_ref, &[], None).status.success());
    let old = snapshot(&out_ref);
    assert!(run(smaller.path(), &out_ref, &["--full-refresh"], None)
        .status
        .success());
    let new = snapshot(&out_ref);
    assert_ne!(old, new);

    for (point, want_new) in [
        ("write", false),
        ("commit-success", false),
        ("refresh-built", false),
        ("swap-manifest", true),
        ("swap-out", true),
        ("swap-in", true),
        ("swap-success", true),
    ] {
        let parent = tempfile::tempdir().unwrap();
        let out = parent.path().join("out");
        assert!(run(inputs.path(), &out, &[], None).status.success());
        let killed = run(smaller.path(), &out, &["--full-refresh"], Some(point));
        assert_aborted(&killed, point);
        // The next run, of any kind, recovers first; it finds nothing new.
        let next = run(smaller.path(), &out, &[], None);
        assert!(
            next.status.success(),
            "{point}: {}",
            String::from_utf8_lossy(&next.stderr)
        );
        let want = if want_new { &new } else { &old };
        assert_eq!(
            &snapshot(&out),
            want,
            "{point}: not exactly the {}",
            if want_new { "new" } else { "old" }
        );
        assert!(out.join("_SUCCESS").exists(), "{point}");
        let siblings: Vec<_> = std::fs::read_dir(parent.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        assert_eq!(siblings, ["out"], "{point}: left behind");
        assert!(!out.join("_SWAP.json").exists(), "{point}");
    }
}
