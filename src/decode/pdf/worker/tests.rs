//! The worker against the tool it stands in for (every fixture PDF, both
//! modes, byte for byte), and its failure handling with stand-in workers
//! (Python scripts speaking the protocol): a hang, a crash, a flood, garbage,
//! a program that cannot run.

use super::super::tests::{lines as text, script};
use super::super::{decode, Mode, PdfOptions, Pending};
use super::*;
use crate::model::Document;
use std::time::Duration;

/// The worker `build.rs` compiled. Its absence fails the test run unless the
/// build was told to go without it (XXGK_NO_PDFTEXT_WORKER).
fn built_worker() -> Option<PathBuf> {
    let found = default_program();
    if found.is_none() {
        assert!(
            option_env!("XXGK_NO_PDFTEXT_WORKER").is_some() || std::env::var_os("CI").is_none(),
            "xxgk-pdftext was not built: install libpoppler-private-dev (build.rs says why in a warning)"
        );
        eprintln!("skipping: xxgk-pdftext was not built");
    }
    found
}

fn fixture_pdfs() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let mut pdfs: Vec<PathBuf> = walkdir::WalkDir::new(root)
        .into_iter()
        .filter_map(Result::ok)
        .map(|e| e.into_path())
        .filter(|p| p.extension().is_some_and(|x| x == "pdf"))
        .collect();
    pdfs.sort();
    pdfs
}

/// `-bbox` output as far as the decoder reads it: the page and word lines.
fn page_and_word_lines(xhtml: &[u8]) -> Vec<String> {
    String::from_utf8_lossy(xhtml)
        .lines()
        .map(str::trim)
        .filter(|l| l.starts_with("<page ") || l.starts_with("<word ") || *l == "</page>")
        .map(String::from)
        .collect()
}

#[test]
fn the_worker_prints_what_pdftotext_prints() {
    let Some(program) = built_worker() else {
        return;
    };
    let opts = PdfOptions::default();
    let pdfs = fixture_pdfs();
    assert!(pdfs.len() >= 9, "{pdfs:?}");
    let mut pages = 0;
    for path in &pdfs {
        let bytes = std::fs::read(path).unwrap();
        for mode in [Mode::Layout, Mode::Boxes] {
            let ours = extract(&program, &bytes, mode, &opts)
                .expect("the worker runs")
                .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            let tool = Pending::start(&bytes, &opts, mode)
                .and_then(|p| p.finish(&opts))
                .unwrap();
            let at = format!("{} {mode:?}", path.display());
            assert_eq!(ours.status.code(), tool.status.code(), "{at}");
            let tool_messages = String::from_utf8_lossy(&tool.stderr).replace("no word list\n", "");
            assert_eq!(String::from_utf8_lossy(&ours.stderr), tool_messages, "{at}");
            if mode == Mode::Layout {
                assert_eq!(
                    String::from_utf8_lossy(&ours.stdout),
                    String::from_utf8_lossy(&tool.stdout),
                    "{at}"
                );
            } else {
                let words = page_and_word_lines(&ours.stdout);
                assert_eq!(words, page_and_word_lines(&tool.stdout), "{at}");
                pages += words.iter().filter(|l| l.starts_with("<page ")).count();
            }
        }
    }
    // Not vacuous: the real PDFs and their renderings have pages with words.
    assert!(pages >= 25, "{pages} pages");
}

#[test]
fn decoding_with_the_worker_gives_the_same_documents() {
    let Some(program) = built_worker() else {
        return;
    };
    for path in fixture_pdfs() {
        let bytes = std::fs::read(&path).unwrap();
        let with = PdfOptions {
            worker: Some(program.clone()),
            ..PdfOptions::default()
        };
        let without = PdfOptions {
            worker: None,
            ..PdfOptions::default()
        };
        let (a, b) = (decode(&bytes, &with), decode(&bytes, &without));
        assert_eq!(format!("{a:?}"), format!("{b:?}"), "{}", path.display());
    }
}

/// A stand-in worker: Python speaking the protocol. Each start appends a line
/// to `starts`; a request whose bytes contain `hang` sleeps, `crash` dies of
/// SIGSEGV, `flood` announces a gigabyte, `garbage` answers nonsense; any
/// other gets the text `doc N` (N counts this child's requests).
struct StandIn {
    dir: tempfile::TempDir,
    program: PathBuf,
}

impl StandIn {
    fn new() -> StandIn {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let program = dir.path().join("stand-in-worker");
        let log = dir.path().join("starts");
        let script = format!(
            r#"#!/usr/bin/env python3
import os, signal, struct, sys, time
open({log:?}, "a").write("start\n")
n = 0
while True:
    head = sys.stdin.buffer.read(9)
    if len(head) < 9:
        sys.exit(0)
    body = sys.stdin.buffer.read(struct.unpack("<Q", head[1:])[0])
    n += 1
    if b"hang" in body:
        time.sleep(60)
    if b"crash" in body:
        os.kill(os.getpid(), signal.SIGSEGV)
    if b"flood" in body:
        sys.stdout.buffer.write(struct.pack("<iQ", 0, 1 << 30))
    elif b"garbage" in body:
        sys.stdout.buffer.write(b"\xff" * 64)
    else:
        text = b"doc %d\n" % n
        sys.stdout.buffer.write(struct.pack("<iQ", 0, len(text)) + text + struct.pack("<Q", 0))
    sys.stdout.buffer.flush()
"#
        );
        std::fs::write(&program, script).unwrap();
        std::fs::set_permissions(&program, std::fs::Permissions::from_mode(0o755)).unwrap();
        StandIn { dir, program }
    }

    fn starts(&self) -> usize {
        std::fs::read_to_string(self.dir.path().join("starts")).map_or(0, |s| s.lines().count())
    }

    fn options(&self, timeout: Duration) -> PdfOptions {
        PdfOptions {
            timeout,
            // Never used while the stand-in runs: a fallback would fail loudly.
            program: "/nonexistent/pdftotext-xxgk".into(),
            worker: Some(self.program.clone()),
            max_output_bytes: 1 << 20,
        }
    }
}

/// Decode on a thread of its own, so that the thread's child is the stand-in's.
fn decode_each(opts: &PdfOptions, docs: &[&[u8]]) -> Vec<Result<Document, DecodeError>> {
    std::thread::scope(|s| {
        s.spawn(|| docs.iter().map(|d| decode(d, opts)).collect())
            .join()
            .unwrap()
    })
}

#[test]
fn one_child_serves_document_after_document() {
    let worker = StandIn::new();
    let opts = worker.options(Duration::from_secs(20));
    let docs: Vec<&[u8]> = vec![b"%PDF-1.4 one", b"%PDF-1.4 two", b"%PDF-1.4 three"];
    let got = decode_each(&opts, &docs);
    let texts: Vec<Vec<&str>> = got.iter().map(|d| text(d.as_ref().unwrap())).collect();
    assert_eq!(texts, [vec!["doc 1"], vec!["doc 2"], vec!["doc 3"]]);
    assert_eq!(worker.starts(), 1);
}

#[test]
fn a_hang_is_killed_at_the_time_limit_and_the_next_document_gets_a_new_child() {
    let worker = StandIn::new();
    let opts = worker.options(Duration::from_millis(1500));
    let start = Instant::now();
    let got = decode_each(
        &opts,
        &[b"%PDF-1.4 one", b"%PDF-1.4 hang", b"%PDF-1.4 after"],
    );
    let elapsed = start.elapsed();
    assert_eq!(text(got[0].as_ref().unwrap()), ["doc 1"]);
    match &got[1] {
        Err(DecodeError::ExtractorFailed(msg)) => {
            assert!(msg.contains("did not finish within 1.5 s"), "{msg}")
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(text(got[2].as_ref().unwrap()), ["doc 1"], "a new child");
    assert_eq!(worker.starts(), 2);
    assert!(elapsed < Duration::from_secs(15), "{elapsed:?}");
}

#[test]
fn a_crash_fails_that_document_only() {
    let worker = StandIn::new();
    let opts = worker.options(Duration::from_secs(20));
    let got = decode_each(&opts, &[b"%PDF-1.4 crash", b"%PDF-1.4 after"]);
    match &got[0] {
        Err(DecodeError::ExtractorFailed(msg)) => {
            assert!(msg.contains("crashed (killed by signal 11)"), "{msg}")
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(text(got[1].as_ref().unwrap()), ["doc 1"]);
}

#[test]
fn a_flood_or_garbage_is_refused_and_the_child_replaced() {
    let worker = StandIn::new();
    let opts = worker.options(Duration::from_secs(20));
    let got = decode_each(
        &opts,
        &[b"%PDF-1.4 flood", b"%PDF-1.4 garbage", b"%PDF-1.4 fine"],
    );
    match &got[0] {
        Err(DecodeError::ExtractorFailed(msg)) => assert!(msg.contains("more than 1 MiB"), "{msg}"),
        other => panic!("{other:?}"),
    }
    match &got[1] {
        Err(DecodeError::ExtractorFailed(msg)) => assert!(msg.contains("not an answer"), "{msg}"),
        other => panic!("{other:?}"),
    }
    assert_eq!(text(got[2].as_ref().unwrap()), ["doc 1"]);
    assert_eq!(worker.starts(), 3);
}

#[test]
fn a_worker_that_cannot_run_leaves_the_work_to_pdftotext() {
    // As a worker whose poppler library is missing: the loader exits 127.
    let (_broken_dir, broken) = script("exit 127");
    let (_tool_dir, tool) = script("cat >/dev/null\necho 'from pdftotext'");
    let opts = PdfOptions {
        timeout: Duration::from_secs(20),
        program: tool,
        worker: Some(broken.clone()),
        max_output_bytes: 1 << 20,
    };
    for doc in [b"%PDF-1.4 one", b"%PDF-1.4 two"] {
        // The stand-in pdftotext just written can be "busy" while another test forks.
        let mut got = decode_each(&opts, &[doc]).remove(0);
        for _ in 0..20 {
            match &got {
                Err(DecodeError::ExtractorFailed(m)) if m.contains("Text file busy") => {
                    std::thread::sleep(Duration::from_millis(50));
                    got = decode_each(&opts, &[doc]).remove(0);
                }
                _ => break,
            }
        }
        assert_eq!(text(got.as_ref().unwrap()), ["from pdftotext"]);
    }
    assert!(unusable(&broken));
}

#[test]
fn a_child_that_stops_reading_is_killed_at_the_time_limit() {
    let (_dir, program) = script("exec sleep 60");
    let opts = PdfOptions {
        timeout: Duration::from_millis(1500),
        program: "/nonexistent/pdftotext-xxgk".into(),
        worker: Some(program),
        max_output_bytes: 1 << 20,
    };
    // Far more than a pipe holds: the write itself has to give up.
    let mut pdf = b"%PDF-1.4 ".to_vec();
    pdf.resize(4 << 20, b' ');
    let start = Instant::now();
    match decode_each(&opts, &[&pdf]).remove(0) {
        Err(DecodeError::ExtractorFailed(msg)) => {
            assert!(msg.contains("did not finish within 1.5 s"), "{msg}")
        }
        other => panic!("{other:?}"),
    }
    assert!(
        start.elapsed() < Duration::from_secs(15),
        "{:?}",
        start.elapsed()
    );
}
