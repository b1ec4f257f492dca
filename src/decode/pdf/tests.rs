//! Tests of the PDF decoder: page-number rules, the generated and real PDFs
//! (need poppler: skipped without it, except under CI), and the child-process
//! handling with stand-in programs (timeouts, crashes, floods, failures).

use super::pages::is_decorated_page_number;
use super::*;
use std::path::Path;
use std::time::Instant;

fn fixture(name: &str) -> Vec<u8> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/formats")
        .join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Whether pdftotext can be run; under CI its absence is a failure.
fn have_pdftotext() -> bool {
    let ok = Command::new("pdftotext")
        .arg("-v")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok();
    if !ok {
        assert!(
            std::env::var_os("CI").is_none(),
            "pdftotext is not installed (apt-get install poppler-utils poppler-data)"
        );
        eprintln!("skipping: pdftotext is not installed");
    }
    ok
}

pub(super) fn lines(doc: &Document) -> Vec<&str> {
    doc.lines().collect()
}

#[test]
fn decorated_page_numbers() {
    for yes in [
        "-3-",
        "- 3 -",
        "—3—",
        "－ 12 －",
        "– 7 –",
        "第3页",
        "第 3 页",
        "第3页 共12页",
        "第3页/共12页",
        "共12页 第3页",
        "3/12",
        "3 / 12",
        "Page 3",
        "page 3 of 12",
    ] {
        assert!(is_decorated_page_number(yes), "{yes}");
    }
    for no in [
        "3",
        "-3",
        "3-",
        "2019年",
        "第三页",
        "1/0",
        "12/3",
        "第3条",
        "一、总体情况",
        "-",
        "第页",
        "减48",
        "- 12345 -",
        "Pages",
    ] {
        assert!(!is_decorated_page_number(no), "{no}");
    }
}

fn texts(blocks: &[Block]) -> Vec<&str> {
    blocks
        .iter()
        .map(|b| match b {
            Block::Line(l) => l.as_str(),
            Block::Table(_) => "<table>",
            Block::PageBreak => "<page>",
        })
        .collect()
}

#[test]
fn form_feeds_page_numbers_and_trailing_blanks() {
    let text = "标题\n  正文\n\n        -1-\n\x0C第二页\n  表格  12  3\n\n      2\n\x0C  第三页\n       3\n\x0C";
    assert_eq!(
        texts(&text_to_blocks(text)),
        vec![
            "标题",
            "  正文",
            "",
            "",
            "<page>",
            "第二页",
            "  表格  12  3",
            "",
            "",
            "<page>",
            "  第三页"
        ]
    );
}

#[test]
fn bare_numbers_out_of_step_with_pages_are_kept() {
    // A table row value at the bottom of a page is not a page number.
    let text = "行政许可\n     550\n\x0C行政处罚\n     17\n\x0C";
    assert_eq!(
        texts(&text_to_blocks(text)),
        vec!["行政许可", "     550", "", "<page>", "行政处罚", "     17"]
    );
    // One page numbered 1 is.
    assert_eq!(texts(&text_to_blocks("报告\n  1\n\x0C")), vec!["报告"]);
}

/// The real PDFs read the `-layout` way: our lines are pdftotext's lines, less
/// `-N-` page numbers.
#[test]
fn realworld_pdfs_match_pdftotext_layout() {
    if !have_pdftotext() {
        return;
    }
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/realworld");
    for name in [
        "hongze_district_2023",
        "hongze_district_2024",
        "huaian_city_2024",
    ] {
        let pdf = std::fs::read(root.join(format!("pdf/{name}.pdf"))).unwrap();
        let txt =
            std::fs::read_to_string(root.join(format!("{name}.pdftotext-layout.txt"))).unwrap();
        let doc = decode_layout(&pdf, &PdfOptions::default()).unwrap();
        assert_eq!(doc.format, SourceFormat::Pdf);
        assert_eq!(doc.encoding, "UTF-8");
        let page_number = |l: &str| {
            let t = l.trim();
            t.len() > 2
                && t.starts_with('-')
                && t.ends_with('-')
                && t[1..t.len() - 1].bytes().all(|b| b.is_ascii_digit())
        };
        let mut want: Vec<&str> = txt
            .split(['\n', '\x0C'])
            .filter(|l| !page_number(l))
            .collect();
        while want.last().is_some_and(|l| l.trim().is_empty()) {
            want.pop();
        }
        assert!(
            txt.lines().filter(|l| page_number(l)).count() >= 5,
            "{name}"
        );
        assert_eq!(lines(&doc), want, "{name}");
    }
}

#[test]
fn sample_fixture_pdf() {
    if !have_pdftotext() {
        return;
    }
    let doc = decode_layout(&fixture("sample_000.pdf"), &PdfOptions::default()).unwrap();
    let l = lines(&doc);
    assert_eq!(l[0].trim(), "临泽县2019年政府信息公开工作年度报告");
    assert!(l.iter().all(|line| !is_decorated_page_number(line.trim())));
    let row = |label: &str| -> Vec<&str> {
        l.iter()
            .find(|x| x.trim_start().starts_with(label))
            .unwrap_or_else(|| panic!("{label}"))
            .split_whitespace()
            .collect()
    };
    assert_eq!(row("行政许可"), ["行政许可", "1022", "减48", "974"]);
    assert_eq!(row("政府集中采购"), ["政府集中采购", "275", "3852万元"]);
    assert!(l.iter().any(|x| x.contains("（一）予以公开")));
    assert!(l
        .iter()
        .any(|x| x.contains("五、政府信息公开工作存在的主要问题及改进情况")));
}

/// A host process owns SIGCHLD: PySpark's worker resets it for every task. A
/// wait that relied on a SIGCHLD handler of its own (the `wait-timeout` crate
/// did) saw no child exit after that and ran into the time limit.
#[test]
fn the_host_owning_sigchld_does_not_stall_the_wait() {
    if !have_pdftotext() {
        return;
    }
    extern "C" fn ignore(_: libc::c_int) {}
    let pdf = fixture("sample_000.pdf");
    // Both ways: a pdftotext process per document, and the persistent worker.
    for worker in [None, PdfOptions::default().worker] {
        let opts = PdfOptions {
            timeout: Duration::from_secs(20),
            worker,
            ..PdfOptions::default()
        };
        decode(&pdf, &opts).unwrap();
        // SAFETY: a handler that does nothing, put back after the decode.
        let handler = ignore as extern "C" fn(libc::c_int) as libc::sighandler_t;
        let previous = unsafe { libc::signal(libc::SIGCHLD, handler) };
        let start = Instant::now();
        let decoded = decode(&pdf, &opts);
        unsafe { libc::signal(libc::SIGCHLD, previous) };
        assert!(decoded.is_ok(), "{decoded:?}");
        assert!(
            start.elapsed() < Duration::from_secs(10),
            "{:?}",
            start.elapsed()
        );
    }
}

#[test]
fn not_a_pdf_is_corrupt_and_a_scan_has_no_text_layer() {
    if !have_pdftotext() {
        return;
    }
    match decode(&fixture("not_a_pdf.pdf"), &PdfOptions::default()) {
        Err(DecodeError::Corrupt {
            format: "pdf",
            detail,
        }) => assert!(detail.contains("pdftotext"), "{detail}"),
        other => panic!("{other:?}"),
    }
    match decode(&fixture("no_text_layer.pdf"), &PdfOptions::default()) {
        Err(DecodeError::NoTextLayer) => {}
        other => panic!("{other:?}"),
    }
    let truncated = fixture("sample_000.pdf");
    let r = decode(&truncated[..truncated.len() / 3], &PdfOptions::default());
    // poppler reconstructs what it can from a cut PDF; whatever it does, no panic.
    if let Err(e) = r {
        assert!(
            matches!(
                e,
                DecodeError::Corrupt { .. }
                    | DecodeError::NoTextLayer
                    | DecodeError::ExtractorFailed(_)
            ),
            "{e:?}"
        );
    }
}

#[test]
fn missing_extractor() {
    let opts = PdfOptions {
        program: "/nonexistent/pdftotext-xxgk".into(),
        worker: None,
        ..PdfOptions::default()
    };
    match decode(b"%PDF-1.4", &opts) {
        Err(DecodeError::ExtractorMissing(msg)) => assert_eq!(msg, PDFTOTEXT_MISSING),
        other => panic!("{other:?}"),
    }
}

/// A stand-in program (for pdftotext, or the worker): a shell script in its own temp dir.
#[cfg(unix)]
pub(super) fn script(body: &str) -> (tempfile::TempDir, PathBuf) {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("stand-in");
    std::fs::write(&path, format!("#!/bin/sh\n{body}\n")).unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
    (dir, path)
}

#[cfg(unix)]
mod standins {
    use super::*;

    fn run(body: &str, timeout: Duration, max: usize) -> Result<Document, DecodeError> {
        let (_dir, program) = script(body);
        let opts = PdfOptions {
            timeout,
            program,
            worker: None,
            max_output_bytes: max,
        };
        // A script just written can be "busy" while another test thread forks.
        for _ in 0..20 {
            match decode(b"%PDF-1.4 stand-in", &opts) {
                Err(DecodeError::ExtractorFailed(msg)) if msg.contains("Text file busy") => {
                    std::thread::sleep(Duration::from_millis(50))
                }
                other => return other,
            }
        }
        decode(b"%PDF-1.4 stand-in", &opts)
    }

    #[test]
    fn arguments_and_input_on_stdin() {
        let doc = run(
            r#"echo "$1 $2 $3 $4 $5"; cat"#,
            Duration::from_secs(20),
            1 << 20,
        )
        .unwrap();
        let l = lines(&doc);
        // The stand-in has no ruled table: the speculative `-bbox` run is
        // killed and `-layout` run.
        assert_eq!(l[0], "-layout -enc UTF-8 - -");
        assert_eq!(l[1], "%PDF-1.4 stand-in");
    }

    #[test]
    fn a_child_that_does_not_read_its_input_is_no_problem() {
        // Exits at once without reading stdin (larger than a pipe buffer).
        let (_dir, program) = script("echo 'some text'");
        let opts = PdfOptions {
            timeout: Duration::from_secs(20),
            program,
            worker: None,
            max_output_bytes: 1 << 20,
        };
        let mut input = b"%PDF-1.4 ".to_vec();
        input.resize(4 << 20, b' ');
        let doc = (0..20)
            .find_map(|_| match decode(&input, &opts) {
                Err(DecodeError::ExtractorFailed(msg)) if msg.contains("Text file busy") => {
                    std::thread::sleep(Duration::from_millis(50));
                    None
                }
                other => Some(other),
            })
            .unwrap()
            .unwrap();
        assert_eq!(lines(&doc), ["some text"]);
    }

    /// A stand-in that runs `script` is killed at a 500 ms time limit, well
    /// before it would end by itself.
    fn assert_killed_at_the_time_limit(script: &str) {
        let start = Instant::now();
        match run(script, Duration::from_millis(500), 1 << 20) {
            Err(DecodeError::ExtractorFailed(msg)) => {
                assert!(msg.contains("did not finish"), "{msg}")
            }
            other => panic!("{other:?}"),
        }
        assert!(start.elapsed() < Duration::from_secs(10));
    }

    #[test]
    fn hang_is_killed_at_the_time_limit() {
        assert_killed_at_the_time_limit("exec sleep 30");
    }

    #[test]
    fn a_child_that_closes_its_output_and_hangs_is_killed_at_the_time_limit() {
        assert_killed_at_the_time_limit("echo text; exec >&-; exec sleep 30");
    }

    #[test]
    fn crash_is_extractor_failed() {
        match run(
            "echo partial; kill -SEGV $$",
            Duration::from_secs(20),
            1 << 20,
        ) {
            Err(DecodeError::ExtractorFailed(msg)) => assert!(msg.contains("crashed"), "{msg}"),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn flood_is_capped_without_deadlock() {
        // Far more than a pipe buffer on both streams, more than the cap on stdout.
        let start = Instant::now();
        match run(
            "head -c 5000000 /dev/zero | tr '\\0' 'x' >&2; exec head -c 50000000 /dev/zero",
            Duration::from_secs(30),
            1 << 20,
        ) {
            Err(DecodeError::ExtractorFailed(msg)) => assert!(msg.contains("more than"), "{msg}"),
            other => panic!("{other:?}"),
        }
        assert!(start.elapsed() < Duration::from_secs(25));
        // Under the cap, a large output arrives whole.
        let doc = run(
            "i=0; while [ $i -lt 20000 ]; do echo \"line $i 政府信息公开\"; i=$((i+1)); done",
            Duration::from_secs(30),
            16 << 20,
        )
        .unwrap();
        assert_eq!(doc.blocks.len(), 20000);
    }

    #[test]
    fn failures_by_stderr() {
        match run(
            "echo 'Syntax Error: Couldn'\\''t find trailer dictionary' >&2; exit 1",
            Duration::from_secs(20),
            1 << 20,
        ) {
            Err(DecodeError::Corrupt {
                format: "pdf",
                detail,
            }) => assert!(detail.contains("trailer"), "{detail}"),
            other => panic!("{other:?}"),
        }
        match run(
            "echo 'Command Line Error: Incorrect password' >&2; exit 1",
            Duration::from_secs(20),
            1 << 20,
        ) {
            Err(DecodeError::Unsupported(msg)) => assert!(msg.contains("password"), "{msg}"),
            other => panic!("{other:?}"),
        }
        match run(
            "echo 'out of memory' >&2; exit 99",
            Duration::from_secs(20),
            1 << 20,
        ) {
            Err(DecodeError::ExtractorFailed(msg)) => {
                assert!(
                    msg.contains("exit status 99") && msg.contains("out of memory"),
                    "{msg}"
                )
            }
            other => panic!("{other:?}"),
        }
        match run("printf '\\n  \\n\\f\\n'", Duration::from_secs(20), 1 << 20) {
            Err(DecodeError::NoTextLayer) => {}
            other => panic!("{other:?}"),
        }
    }
}

proptest::proptest! {
    #[test]
    fn line_splitting_never_panics(text in "[\\PC\n\x0C 0-9第页/\\-—]{0,300}") {
        let blocks = text_to_blocks(&text);
        let page_breaks = text.matches('\x0C').count();
        proptest::prop_assert!(blocks.len() <= text.split(['\n', '\x0C']).count() + page_breaks);
    }
}
