//! Object storage end to end: the built binary reads inputs from and writes
//! datasets to a real S3-compatible server (moto's, started by each test on a
//! free port of 127.0.0.1 and killed when the test ends): the same rows as a
//! local run, a re-run that adds nothing, killed runs and refreshes recovered,
//! two runs racing for the lock.
//!
//! Without moto (`python3 -m pip install 'moto[server]'`) these tests are
//! skipped, except in CI (`CI` set), where they fail.

use crate::incremental::{assert_aborted, sample, snapshot};
use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::{Child, Command, Output, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};
use xxgk::internal::Store;
use xxgk::internal::{ObjectLocation, ObjectStoreStore};

/// A moto S3 server on 127.0.0.1, killed on drop.
pub(crate) struct Moto {
    child: Child,
    /// Its port.
    pub port: u16,
}

impl Moto {
    /// Start a server, or None (skipped) when moto is not installed outside CI.
    pub(crate) fn start() -> Option<Moto> {
        let have_moto = Command::new("python3")
            .args(["-c", "import moto.server"])
            .output()
            .is_ok_and(|o| o.status.success());
        if !have_moto {
            assert!(
                std::env::var_os("CI").is_none(),
                "moto's S3 server is required in CI (python3 -m pip install 'moto[server]')"
            );
            eprintln!("SKIPPED: python3 -m pip install 'moto[server]' to run the S3 tests");
            return None;
        }
        let port = free_port();
        let child = Command::new("python3")
            .args([
                "-m",
                "moto.server",
                "-H",
                "127.0.0.1",
                "-p",
                &port.to_string(),
            ])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start moto's server");
        let moto = Moto { child, port };
        let deadline = Instant::now() + Duration::from_secs(60);
        while request(port, "GET", "/", &[]).is_none() {
            assert!(
                Instant::now() < deadline,
                "moto did not start on port {port}"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
        Some(moto)
    }

    /// The environment an `xxgk` process reads the server's address and credentials from.
    pub(crate) fn env(&self) -> Vec<(&'static str, String)> {
        vec![
            ("AWS_ACCESS_KEY_ID", "testing".into()),
            ("AWS_SECRET_ACCESS_KEY", "testing".into()),
            ("AWS_REGION", "us-east-1".into()),
            (
                "AWS_ENDPOINT_URL",
                format!("http://127.0.0.1:{}", self.port),
            ),
            ("AWS_ALLOW_HTTP", "true".into()),
        ]
    }

    /// Create a bucket through the S3 API.
    pub(crate) fn create_bucket(&self, name: &str) {
        let status = request(self.port, "PUT", &format!("/{name}"), &[]);
        assert_eq!(status, Some(200), "create bucket {name}");
    }

    /// A store over `s3://bucket/prefix` on this server.
    pub(crate) fn store(&self, bucket: &str, prefix: &str) -> ObjectStoreStore {
        let s3 = object_store::aws::AmazonS3Builder::new()
            .with_bucket_name(bucket)
            .with_region("us-east-1")
            .with_endpoint(format!("http://127.0.0.1:{}", self.port))
            .with_allow_http(true)
            .with_access_key_id("testing")
            .with_secret_access_key("testing")
            .build()
            .expect("s3 store");
        ObjectStoreStore::unchecked(ObjectLocation {
            url: format!("s3://{bucket}/{prefix}"),
            store: Arc::new(s3),
            prefix: object_store::path::Path::from(prefix),
        })
        .expect("runtime")
    }

    /// Run `xxgk ingest` against this server.
    pub(crate) fn ingest(
        &self,
        inputs: &str,
        out: &str,
        extra: &[&str],
        fp: Option<&str>,
    ) -> Output {
        self.command(inputs, out, extra, fp)
            .output()
            .expect("run xxgk")
    }

    fn command(&self, inputs: &str, out: &str, extra: &[&str], fp: Option<&str>) -> Command {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_xxgk"));
        cmd.args(["ingest", inputs, "--out", out, "--quiet"])
            .args(extra)
            .envs(self.env())
            .env_remove("XXGK_FAILPOINT")
            .current_dir(crate::util::root());
        if let Some(fp) = fp {
            cmd.env("XXGK_FAILPOINT", fp);
        }
        cmd
    }
}

impl Drop for Moto {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A port free on 127.0.0.1 right now.
fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

/// One plain HTTP/1.1 request; the status code, or None if nothing answers.
fn request(port: u16, method: &str, path: &str, body: &[u8]) -> Option<u16> {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).ok()?;
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .ok()?;
    let head = format!(
        "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    stream.write_all(head.as_bytes()).ok()?;
    stream.write_all(body).ok()?;
    let mut response = String::new();
    let _ = stream.read_to_string(&mut response);
    response.split_whitespace().nth(1)?.parse().ok()
}

/// Upload files under a prefix.
fn upload(store: &ObjectStoreStore, files: &[(&str, Vec<u8>)]) {
    for (name, bytes) in files {
        store.put(name, bytes).expect("upload");
    }
}

/// Every object of a dataset copied into a local folder, to read it as the local tests do.
fn mirror(store: &ObjectStoreStore) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for key in store.list("").unwrap() {
        let path = dir.path().join(&key);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, store.get(&key).unwrap().unwrap()).unwrap();
    }
    dir
}

fn s3_snapshot(store: &ObjectStoreStore) -> BTreeMap<&'static str, Vec<String>> {
    snapshot(mirror(store).path())
}

fn assert_ok(output: &Output, what: &str) {
    assert!(
        output.status.success(),
        "{what}: {:?} {}",
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
}

fn samples_dir() -> std::path::PathBuf {
    crate::util::root().join("data/samples")
}

/// Every file of `data/samples` (the README too: the skip patterns apply).
fn sample_files() -> Vec<(String, Vec<u8>)> {
    let mut files: Vec<(String, Vec<u8>)> = std::fs::read_dir(samples_dir())
        .unwrap()
        .map(|e| e.unwrap().path())
        .map(|p| {
            let name = p.file_name().unwrap().to_string_lossy().into_owned();
            (name, std::fs::read(&p).unwrap())
        })
        .collect();
    files.sort();
    files
}

fn three() -> Vec<(&'static str, Vec<u8>)> {
    vec![
        ("a.txt", sample("000_1f3be3be81006fc6.txt")),
        ("b.txt", sample("001_29196fa5befbfdb4.txt")),
        ("c.txt", sample("002_71af202b911b497d.txt")),
    ]
}

#[test]
fn s3_ingest_gives_a_local_runs_rows_and_a_rerun_adds_nothing() {
    let Some(moto) = Moto::start() else { return };
    moto.create_bucket("crawl");
    moto.create_bucket("warehouse");
    let files = sample_files();
    let named: Vec<(&str, Vec<u8>)> = files.iter().map(|(n, b)| (n.as_str(), b.clone())).collect();
    upload(&moto.store("crawl", "samples/2024"), &named);

    let local = tempfile::tempdir().unwrap();
    crate::util::ingest(&[&samples_dir()], local.path(), &[]);
    let expected = snapshot(local.path());
    assert!(expected["reports"].len() >= 5, "{expected:?}");

    // s3:// to s3://, and s3:// to a local folder: the same rows, table by table.
    let out = moto.ingest("s3://crawl/samples/2024/", "s3://warehouse/xxgk", &[], None);
    assert_ok(&out, "s3 to s3");
    let dataset = moto.store("warehouse", "xxgk");
    let got = s3_snapshot(&dataset);
    for table in crate::incremental::TABLES {
        assert_eq!(got[table], expected[table], "table {table}");
    }
    assert!(dataset.exists("_SUCCESS").unwrap());
    assert!(dataset.list("_staging").unwrap().is_empty());
    assert!(!dataset.exists("_lock").unwrap(), "the lock is released");
    let to_local = tempfile::tempdir().unwrap();
    let o = moto.ingest(
        "s3://crawl/samples/2024",
        to_local.path().to_str().unwrap(),
        &[],
        None,
    );
    assert_ok(&o, "s3 to local");
    assert_eq!(snapshot(to_local.path()), expected);

    // A re-run reads the ledger from the bucket: nothing is new.
    let again = moto.ingest("s3://crawl/samples/2024", "s3://warehouse/xxgk", &[], None);
    assert_ok(&again, "re-run");
    let reports = expected["reports"].len();
    assert_eq!(s3_snapshot(&dataset), got, "a re-run writes no rows");
    assert!(dataset.exists("_runs/run-00002.json").unwrap());
    let record: serde_json::Value =
        serde_json::from_slice(&dataset.get("_runs/run-00002.json").unwrap().unwrap()).unwrap();
    assert_eq!(record["unchanged"], serde_json::json!(reports), "{record}");

    // Clear errors: a missing input, a missing bucket.
    let o = moto.ingest("s3://crawl/nothing-here", "s3://warehouse/x", &[], None);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("s3://crawl/nothing-here does not exist"),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let o = moto.ingest(
        "s3://crawl/samples/2024",
        "s3://no-such-bucket/x",
        &[],
        None,
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("s3://no-such-bucket/x is not writable"),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
}

/// Kill the run at each point of its life and of a full refresh's swap; the
/// next run leaves exactly what clean runs leave, on the object store as on
/// a local disk (`incremental::killed_runs_are_recovered_to_a_clean_runs_rows`).
#[test]
fn s3_killed_runs_and_refreshes_are_recovered() {
    let Some(moto) = Moto::start() else { return };
    moto.create_bucket("crawl");
    moto.create_bucket("warehouse");
    upload(&moto.store("crawl", "three"), &three());
    upload(&moto.store("crawl", "two"), &three()[..2]);
    let (three_url, two_url) = ("s3://crawl/three", "s3://crawl/two");

    assert_ok(
        &moto.ingest(three_url, "s3://warehouse/clean", &[], None),
        "clean run",
    );
    let expected = s3_snapshot(&moto.store("warehouse", "clean"));
    for point in crate::util::COMMIT_FAILPOINTS {
        let url = format!("s3://warehouse/kill-{point}");
        let killed = moto.ingest(three_url, &url, &[], Some(point));
        assert_aborted(&killed, point);
        let store = moto.store("warehouse", &format!("kill-{point}"));
        assert!(
            store.exists("_lock").unwrap(),
            "{point}: a killed run leaves its lock"
        );
        // The lock of a dead process on this host is stale: the next run takes it over.
        assert_ok(&moto.ingest(three_url, &url, &[], None), point);
        assert_eq!(s3_snapshot(&store), expected, "{point}");
        assert!(store.exists("_SUCCESS").unwrap(), "{point}");
        assert!(store.list("_staging").unwrap().is_empty(), "{point}");
    }

    // The two datasets a refresh may end as.
    assert_ok(
        &moto.ingest(two_url, "s3://warehouse/clean", &["--full-refresh"], None),
        "clean refresh",
    );
    let new = s3_snapshot(&moto.store("warehouse", "clean"));
    let old = expected;
    assert_ne!(old, new);
    for (point, want_new) in [
        ("write", false),
        ("refresh-built", false),
        ("swap-manifest", true),
        ("swap-out", true),
        ("swap-in", true),
        ("swap-success", true),
    ] {
        let prefix = format!("refresh-{point}");
        let url = format!("s3://warehouse/{prefix}");
        assert_ok(&moto.ingest(three_url, &url, &[], None), point);
        let killed = moto.ingest(two_url, &url, &["--full-refresh"], Some(point));
        assert_aborted(&killed, point);
        assert_ok(&moto.ingest(two_url, &url, &[], None), point);
        let store = moto.store("warehouse", &prefix);
        let want = if want_new { &new } else { &old };
        assert_eq!(&s3_snapshot(&store), want, "{point}");
        assert!(store.exists("_SUCCESS").unwrap(), "{point}");
        assert!(store.list("_refresh").unwrap().is_empty(), "{point}");
        assert!(!store.exists("_SWAP.json").unwrap(), "{point}");
    }
}

/// Two runs start together on one dataset: one takes the lock (a conditional
/// put), the other fails at once naming the holder; a stale lock is taken over.
#[test]
fn s3_two_runs_racing_for_the_lock() {
    let Some(moto) = Moto::start() else { return };
    moto.create_bucket("crawl");
    moto.create_bucket("warehouse");
    upload(&moto.store("crawl", "three"), &three());
    let spawn = || {
        moto.command(
            "s3://crawl/three",
            "s3://warehouse/race",
            &[],
            Some("hold-lock"),
        )
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
    };
    let (a, b) = (spawn(), spawn());
    let (a_pid, b_pid) = (a.id(), b.id());
    let (a, b) = (a.wait_with_output().unwrap(), b.wait_with_output().unwrap());
    let (winner, loser, winner_pid) = match (a.status.success(), b.status.success()) {
        (true, false) => (a, b, a_pid),
        (false, true) => (b, a, b_pid),
        _ => panic!(
            "exactly one run should win the lock: {:?} {} / {:?} {}",
            a.status,
            String::from_utf8_lossy(&a.stderr),
            b.status,
            String::from_utf8_lossy(&b.stderr)
        ),
    };
    assert_ok(&winner, "winner");
    assert_eq!(loser.status.code(), Some(2));
    let msg = String::from_utf8_lossy(&loser.stderr);
    assert!(
        msg.contains("locked by another run")
            && msg.contains(&format!("pid {winner_pid}"))
            && msg.contains("s3://warehouse/race/_lock"),
        "{msg}"
    );
    let store = moto.store("warehouse", "race");
    assert!(
        !store.exists("_lock").unwrap(),
        "the winner released the lock"
    );
    assert_eq!(s3_snapshot(&store)["reports"].len(), 3);

    // A lock held from another host is respected; one of a dead process on this host is not.
    let other = r#"{"pid":1,"host":"elsewhere","started_unix":1,"run":"ingest"}"#;
    store.put("_lock", other.as_bytes()).unwrap();
    let o = moto.ingest("s3://crawl/three", "s3://warehouse/race", &[], None);
    assert_eq!(
        o.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let host = std::fs::read_to_string("/proc/sys/kernel/hostname").unwrap();
    let dead = format!(
        r#"{{"pid":4000000000,"host":"{}","started_unix":1,"run":"ingest"}}"#,
        host.trim()
    );
    store.put("_lock", dead.as_bytes()).unwrap();
    assert_ok(
        &moto.ingest("s3://crawl/three", "s3://warehouse/race", &[], None),
        "stale lock",
    );
    assert!(!store.exists("_lock").unwrap());
}
