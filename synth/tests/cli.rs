//! The `xxgk-synth` binary: its `generate` command gives the same bytes for a
//! seed whatever the threads, and a larger corpus starts with the smaller one.
//! (Round trips through `xxgk ingest` are the pipeline's tests, tests/it/synth.rs,
//! where the `xxgk` binary is at hand.)

use std::path::Path;
use std::process::Command;

const LAYOUTS: &str = "tab_cells,pipe_cells,pdf_tabs,pdf_layout,html,markdown,crawled,docx";

fn generate(dir: &Path, count: u32, seed: u32, extra: &[&str]) {
    let (count, seed) = (count.to_string(), seed.to_string());
    let mut args = vec![
        "generate",
        "--count",
        &count,
        "--seed",
        &seed,
        "--out",
        dir.to_str().unwrap(),
        // word_pdf needs LibreOffice; tests/it/word.rs covers it.
        "--layouts",
        LAYOUTS,
    ];
    args.extend_from_slice(extra);
    let out = Command::new(env!("CARGO_BIN_EXE_xxgk-synth"))
        .args(&args)
        .output()
        .expect("run xxgk-synth");
    assert!(
        out.status.success(),
        "xxgk-synth {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

fn files(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut out: Vec<(String, Vec<u8>)> = walkdir::WalkDir::new(dir)
        .sort_by_file_name()
        .into_iter()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_type().is_file() && e.file_name() != "manifest.json")
        .map(|e| {
            let rel = e.path().strip_prefix(dir).unwrap().display().to_string();
            (rel, std::fs::read(e.path()).unwrap())
        })
        .collect();
    out.sort();
    out
}

#[test]
fn generation_is_deterministic_whatever_the_threads() {
    let a = tempfile::tempdir().unwrap();
    let b = tempfile::tempdir().unwrap();
    generate(a.path(), 60, 5, &["--jobs", "1"]);
    generate(b.path(), 60, 5, &["--jobs", "2"]);
    let (fa, fb) = (files(a.path()), files(b.path()));
    assert_eq!(fa.len(), 61, "60 reports and truth.jsonl");
    assert!(fa == fb, "same seed, different bytes");
    // The first reports of a larger corpus are the smaller corpus.
    let c = tempfile::tempdir().unwrap();
    generate(c.path(), 80, 5, &[]);
    let truth_a = std::fs::read_to_string(a.path().join("truth.jsonl")).unwrap();
    let truth_c = std::fs::read_to_string(c.path().join("truth.jsonl")).unwrap();
    assert!(truth_c.starts_with(&truth_a));
}

#[test]
fn unknown_layout_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_xxgk-synth"))
        .args(["generate", "--count", "1", "--out"])
        .arg(dir.path())
        .args(["--layouts", "fax"])
        .output()
        .expect("run xxgk-synth");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("unknown layout fax"));
}
