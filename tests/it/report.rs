//! `xxgk report`: the quality report on the samples, the real-world fixtures
//! and three inputs of our own (a report whose title is HTML markup, a binary
//! file and an empty one), written by the built binary and checked as text,
//! against DuckDB, and in a real browser (headless Chromium, from disk).
//!
//! DuckDB and Chromium are skipped loudly when missing — except in CI (`CI`
//! set), where that is a failure: `.ci/run` installs both.

use crate::util;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::Duration;
use wait_timeout::ChildExt;

/// The figures the page must have (kept in step with `html::FIGURE_IDS`).
const FIGURES: [&str; 9] = [
    "coverage",
    "identity-breaks-by-rule",
    "identity-breaks-by-province",
    "cross-report-checks",
    "applications",
    "outcome-mix",
    "rejects",
    "narrative-disagreements",
    "worst-reports",
];

/// Inputs of our own: sample 003 (the one with six broken identities) under a
/// title carrying markup, a binary file and an empty file.
fn hostile_inputs() -> tempfile::TempDir {
    let sample =
        std::fs::read_to_string(util::root().join("data/samples/003_45d03742e780f514.txt"))
            .unwrap();
    let (_, body) = sample.split_once('\n').unwrap();
    let title =
        "八公山区<img src=x onerror=alert(1)><script>alert(2)</script>2019年政府信息公开年度报告";
    let junk: Vec<u8> = (0..=255u8).cycle().take(1024).collect();
    util::temp_inputs(&[
        ("injected.txt", format!("{title}\n{body}").as_bytes()),
        ("junk.bin", &junk),
        ("empty.txt", b""),
    ])
}

/// Ingest the samples, the real-world fixtures and the hostile inputs.
fn dataset() -> (tempfile::TempDir, tempfile::TempDir) {
    let out = tempfile::tempdir().unwrap();
    let hostile = hostile_inputs();
    util::ingest(
        &[
            &util::root().join("data/samples"),
            &util::root().join("tests/fixtures/realworld"),
            hostile.path(),
        ],
        out.path(),
        &[],
    );
    (out, hostile)
}

fn report(dataset: &Path, html: &Path) -> Output {
    util::xxgk(&[
        "report",
        "--dataset",
        dataset.to_str().unwrap(),
        "--out",
        html.to_str().unwrap(),
    ])
}

/// Write the report and return its text.
fn report_ok(dataset: &Path, html: &Path) -> String {
    let o = report(dataset, html);
    assert!(
        o.status.success(),
        "xxgk report failed: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    std::fs::read_to_string(html).unwrap()
}

/// The number in `<dd id="ID">…</dd>`.
fn headline(page: &str, id: &str) -> u64 {
    let start = page
        .find(&format!("<dd id=\"{id}\">"))
        .unwrap_or_else(|| panic!("no {id}"));
    let digits: String = page[start..]
        .split_once('>')
        .unwrap()
        .1
        .chars()
        .take_while(|c| c.is_ascii_digit() || *c == ',')
        .filter(char::is_ascii_digit)
        .collect();
    digits.parse().unwrap()
}

/// The page with every anchor's `href` value and the SVG namespace removed:
/// what is left must name no URL (links to sources are not resources).
fn without_links(page: &str) -> String {
    let mut out = String::new();
    let mut rest = page.replace("xmlns=\"http://www.w3.org/2000/svg\"", "");
    while let Some(at) = rest.find("<a href=\"") {
        out.push_str(&rest[..at]);
        let after = &rest[at + 9..];
        let end = after.find('"').unwrap();
        rest = after[end..].to_string();
    }
    out.push_str(&rest);
    out
}

#[test]
fn the_figure_list_is_the_renderers() {
    assert_eq!(FIGURES, xxgk::report::FIGURE_IDS);
}

#[test]
fn report_on_samples_and_real_documents() {
    let (out, _hostile) = dataset();
    let html_dir = tempfile::tempdir().unwrap();
    let html = html_dir.path().join("report.html");
    let page = report_ok(out.path(), &html);

    for id in FIGURES {
        assert_eq!(
            page.matches(&format!("<figure id=\"{id}\">")).count(),
            1,
            "figure {id}"
        );
    }
    // Self-contained: no script, no fetched resource, no URL but links to sources.
    let bare = without_links(&page);
    // (` src=` with its space: the injected title prints as text `&lt;imgsrc=x…`.)
    for needle in [
        "http://", "https://", "<script", "<link", "<img", " src=", "url(", "@import",
    ] {
        assert!(!bare.contains(needle), "the page holds {needle:?}");
    }
    // The injected title is text, everywhere it is shown.
    assert!(page.contains("&lt;script&gt;alert(2)&lt;/script&gt;"));
    // The worst reports link to their sources on disk.
    let sample_003 =
        std::path::absolute(util::root().join("data/samples/003_45d03742e780f514.txt")).unwrap();
    assert!(
        page.contains(&format!("<a href=\"file://{}\">", sample_003.display())),
        "a file:// link to sample 003"
    );
    // The numbers: 24 reports read, of which 6 are copies of another file's
    // report (the three HTML pages and their PDF renderings, …): 18, each
    // counted once; two rejects (binary, empty).
    assert_eq!(headline(&page, "n-reports"), 18);
    assert!(page.contains("(0 earlier versions superseded by a correction and 6 copies"));
    assert_eq!(headline(&page, "n-rejects"), 2);
    assert!(
        page.contains("<text x=")
            && page.contains(">binary</text>")
            && page.contains(">empty</text>")
    );

    // Deterministic: the same dataset gives the same bytes.
    let again = report_ok(out.path(), &html_dir.path().join("again.html"));
    assert!(again == page, "two reports of one dataset differ");
}

/// The totals agree with DuckDB reading the same dataset (latest versions,
/// copies counted once, as the data dictionary says to).
#[test]
fn report_numbers_agree_with_duckdb() {
    let have_duckdb = Command::new("python3")
        .args(["-c", "import duckdb"])
        .status()
        .is_ok_and(|s| s.success());
    if !have_duckdb {
        assert!(
            std::env::var_os("CI").is_none(),
            "the duckdb Python package is required in CI (python3 -m pip install duckdb)"
        );
        eprintln!("SKIPPED: python3 -m pip install duckdb to run the DuckDB cross-check");
        return;
    }
    let (out, _hostile) = dataset();
    let html_dir = tempfile::tempdir().unwrap();
    let page = report_ok(out.path(), &html_dir.path().join("report.html"));
    let script = r#"
import duckdb, sys, json
out = sys.argv[1]
con = duckdb.connect()
latest = f"""select * from read_parquet('{out}/reports/**/*.parquet', hive_partitioning = true)
             where report_id not in (select supersedes from read_parquet('{out}/reports/**/*.parquet',
                                     hive_partitioning = true) where supersedes is not null)
               and report_id not in (select report_id from read_parquet('{out}/cross_findings/*.parquet')
                                     where rule = 'same_report_other_file')"""
reports, complete = con.execute(f"select count(*), count(*) filter (status = 'ok') from ({latest})").fetchone()
errors, warnings = con.execute(f"""select count(*) filter (severity = 'error'), count(*) filter (severity = 'warning')
    from read_parquet('{out}/findings/**/*.parquet', hive_partitioning = true)
    where report_id in (select report_id from ({latest}))""").fetchone()
rejects = con.execute(f"select count(*) from read_parquet('{out}/rejects/*.parquet')").fetchone()[0]
print(json.dumps({"reports": reports, "complete": complete, "errors": errors, "warnings": warnings, "rejects": rejects}))
"#;
    let o = Command::new("python3")
        .args(["-c", script, out.path().to_str().unwrap()])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    for (id, key) in [
        ("n-reports", "reports"),
        ("n-complete", "complete"),
        ("n-errors", "errors"),
        ("n-warnings", "warnings"),
        ("n-rejects", "rejects"),
    ] {
        assert_eq!(
            headline(&page, id),
            v[key].as_u64().unwrap(),
            "{id} vs DuckDB"
        );
    }
}

/// Exit 2 with a message, never a panic, on datasets it cannot trust.
#[test]
fn report_refuses_what_it_cannot_read() {
    let html_dir = tempfile::tempdir().unwrap();
    let html = html_dir.path().join("report.html");
    let expect_refusal = |dataset: &Path, says: &str| {
        let o = report(dataset, &html);
        let stderr = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{stderr}");
        assert!(stderr.contains(says), "{stderr:?} should say {says:?}");
        assert!(!stderr.contains("panicked"), "{stderr}");
        assert!(!html.exists(), "nothing written on failure");
    };
    let missing = html_dir.path().join("no-such-dataset");
    expect_refusal(&missing, "does not exist");
    expect_refusal(html_dir.path(), "is not an xxgk dataset");

    let out = tempfile::tempdir().unwrap();
    util::ingest(&[&util::root().join("data/samples")], out.path(), &[]);
    let part = out
        .path()
        .join("applications/region=gansu/year=2019/part-run-00001-00000.parquet");
    let good = std::fs::read(&part).unwrap();

    std::fs::rename(
        out.path().join("_SUCCESS"),
        out.path().join("_SUCCESS.aside"),
    )
    .unwrap();
    expect_refusal(out.path(), "_SUCCESS is missing");
    std::fs::rename(
        out.path().join("_SUCCESS.aside"),
        out.path().join("_SUCCESS"),
    )
    .unwrap();

    std::fs::write(out.path().join("_SWAP.json"), "{}").unwrap();
    expect_refusal(out.path(), "full-refresh swap");
    std::fs::remove_file(out.path().join("_SWAP.json")).unwrap();

    std::fs::write(&part, &good[..good.len() / 2]).unwrap();
    expect_refusal(out.path(), "is not a readable part file");

    // Written by another schema version: the same file with another version in its metadata.
    std::fs::write(&part, rewrite_version(&good, "1")).unwrap();
    expect_refusal(out.path(), "schema version 1");
    expect_refusal(out.path(), "--full-refresh");

    std::fs::write(&part, &good).unwrap();
    report_ok(out.path(), &html);
}

/// `bytes` (a part file) rewritten with `xxgk.schema_version = version`.
fn rewrite_version(bytes: &[u8], version: &str) -> Vec<u8> {
    use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
    use parquet::arrow::ArrowWriter;
    use parquet::file::metadata::KeyValue;
    use parquet::file::properties::WriterProperties;
    let reader = ParquetRecordBatchReaderBuilder::try_new(bytes::Bytes::from(bytes.to_vec()))
        .unwrap()
        .build()
        .unwrap();
    let batches: Vec<_> = reader.map(Result::unwrap).collect();
    let props = WriterProperties::builder()
        .set_key_value_metadata(Some(vec![KeyValue::new(
            "xxgk.schema_version".into(),
            version.to_string(),
        )]))
        .build();
    let mut out = Vec::new();
    let mut writer = ArrowWriter::try_new(&mut out, batches[0].schema(), Some(props)).unwrap();
    for b in &batches {
        writer.write(b).unwrap();
    }
    writer.close().unwrap();
    out
}

/// The Chromium binary, if one is installed.
fn chromium() -> Option<PathBuf> {
    ["chromium", "chromium-browser", "google-chrome"]
        .iter()
        .find(|name| {
            Command::new(name)
                .arg("--version")
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .status()
                .is_ok_and(|s| s.success())
        })
        .map(PathBuf::from)
}

/// Run headless Chromium on `url` with `args`; (stdout, stderr). Killed after two minutes.
fn headless(browser: &Path, profile: &Path, url: &str, args: &[&str]) -> (String, String) {
    let mut child = Command::new(browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--enable-logging=stderr",
            "--v=0",
            // Let the page settle (loads, layout) before the dump or the shot.
            "--virtual-time-budget=2000",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .args(args)
        .arg(url)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start chromium");
    let (mut stdout, mut stderr) = (child.stdout.take().unwrap(), child.stderr.take().unwrap());
    let out = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = stdout.read_to_string(&mut s);
        s
    });
    let err = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = stderr.read_to_string(&mut s);
        s
    });
    match child.wait_timeout(Duration::from_secs(120)).unwrap() {
        Some(status) => assert!(status.success(), "chromium exited with {status}"),
        None => {
            let _ = child.kill();
            panic!("chromium did not finish in two minutes");
        }
    }
    (out.join().unwrap(), err.join().unwrap())
}

/// What the page said on its console: Chromium logs every console message,
/// and every Content-Security-Policy refusal, as a `CONSOLE` line. The page
/// has no script, so any such line is the browser complaining about it.
fn console_lines(stderr: &str) -> Vec<&str> {
    stderr.lines().filter(|l| l.contains(":CONSOLE")).collect()
}

/// A real browser opens the report from disk: the figures are in the
/// rendered DOM with their SVG, the console stays silent, a screenshot is drawn.
#[test]
fn chromium_renders_the_report_from_disk() {
    let Some(browser) = chromium() else {
        assert!(
            std::env::var_os("CI").is_none(),
            "Chromium is required in CI (apt-get install chromium)"
        );
        eprintln!("SKIPPED: apt-get install chromium to run the browser test");
        return;
    };
    let (out, _hostile) = dataset();
    let dir = tempfile::tempdir().unwrap();
    let html = dir.path().join("report.html");
    report_ok(out.path(), &html);
    let url = format!("file://{}", html.display());

    // The detector works: a page that logs, runs a script and loads an
    // image under the report's policy is caught.
    let control = dir.path().join("control.html");
    std::fs::write(
        &control,
        "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><meta http-equiv=\"Content-Security-Policy\" \
         content=\"default-src 'none'\"><title>control</title></head><body><img src=\"https://example.com/x.png\">\
         <script>console.error('control')</script></body></html>",
    )
    .unwrap();
    let (_, control_err) = headless(
        &browser,
        &dir.path().join("profile-control"),
        &format!("file://{}", control.display()),
        &["--dump-dom"],
    );
    assert!(
        console_lines(&control_err).len() >= 2,
        "the console detector sees nothing on a page that should complain:\n{control_err}"
    );

    let (dom, stderr) = headless(&browser, &dir.path().join("profile"), &url, &["--dump-dom"]);
    let console = console_lines(&stderr);
    assert!(
        console.is_empty(),
        "console messages:\n{}",
        console.join("\n")
    );
    for id in FIGURES {
        let at = dom
            .find(&format!("<figure id=\"{id}\">"))
            .unwrap_or_else(|| panic!("figure {id} is not in the rendered DOM"));
        let figure = &dom[at..at + dom[at..].find("</figure>").unwrap()];
        assert!(figure.contains("<svg"), "figure {id} has no SVG");
        assert!(
            figure.contains("<rect") || figure.contains("<text"),
            "figure {id} draws nothing"
        );
    }
    assert!(
        !dom.contains("<script"),
        "no script element, injected or not"
    );
    assert!(
        dom.contains("&lt;script&gt;alert(2)&lt;/script&gt;"),
        "the title stays text"
    );

    let shot = dir.path().join("report.png");
    headless(
        &browser,
        &dir.path().join("profile-shot"),
        &url,
        &[
            &format!("--screenshot={}", shot.display()),
            "--window-size=1000,2400",
            "--hide-scrollbars",
        ],
    );
    let png = std::fs::read(&shot).expect("a screenshot");
    assert!(png.starts_with(b"\x89PNG"), "a PNG");
    assert!(
        png.len() > 20_000,
        "a screenshot with something on it ({} bytes)",
        png.len()
    );
}
