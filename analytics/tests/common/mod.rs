//! Helpers the end-to-end tests share: finding the `xxgk` and `xxgk-synth` binaries (not built
//! here: that would double the tests' build), writing datasets with `xxgk ingest`, and running
//! `xxgk-analytics`.
//!
//! A binary is `$XXGK_BIN` / `$XXGK_SYNTH_BIN`, else the newest of
//! `../target/{debug,release}/<name>` and the same under `$CARGO_TARGET_DIR`. Without one (or
//! without `pdftotext`, for the tests on real PDFs) a test prints `SKIPPED` and passes, unless
//! `XXGK_ANALYTICS_REQUIRE_BINS=1` (what `make test-analytics` sets) or `CI=true`, where it
//! fails.

#![allow(dead_code)] // each test file uses its own part of these helpers

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The repository root (the parent of this crate).
pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the analytics crate lives inside the repository")
        .to_path_buf()
}

/// A file of the repository's real-world fixtures (`tests/fixtures/realworld/<rel>`).
pub fn realworld(rel: &str) -> PathBuf {
    repo_root().join("tests/fixtures/realworld").join(rel)
}

/// The binary `name` of the workspace (`$<env>`, else the newest build), if one is built.
pub fn workspace_bin(name: &str, env: &str) -> Option<PathBuf> {
    if let Some(bin) = std::env::var_os(env) {
        return Some(PathBuf::from(bin));
    }
    let mut target_dirs = vec![repo_root().join("target")];
    if let Some(dir) = std::env::var_os("CARGO_TARGET_DIR") {
        target_dirs.push(PathBuf::from(dir));
    }
    target_dirs
        .iter()
        .flat_map(|dir| ["debug", "release"].map(|profile| dir.join(profile).join(name)))
        .filter_map(|bin| {
            let modified = fs::metadata(&bin).ok()?.modified().ok()?;
            Some((modified, bin))
        })
        .max()
        .map(|(_, bin)| bin)
}

/// The `xxgk` binary to write datasets with, if one is built.
pub fn xxgk_bin() -> Option<PathBuf> {
    workspace_bin("xxgk", "XXGK_BIN")
}

/// The `xxgk-synth` binary to generate corpora with, if one is built.
pub fn synth_bin() -> Option<PathBuf> {
    workspace_bin("xxgk-synth", "XXGK_SYNTH_BIN")
}

/// Whether CI requires every tool the tests use (`XXGK_ANALYTICS_REQUIRE_BINS=1`, set by
/// `make test-analytics`, or `CI=true`, like the main crate's tests).
fn required() -> bool {
    std::env::var_os("XXGK_ANALYTICS_REQUIRE_BINS").is_some_and(|v| v == "1")
        || std::env::var_os("CI").is_some_and(|v| v == "true")
}

/// What a test does without a tool: fail when CI requires the tools, else skip.
pub fn missing(what: &str, hint: &str) {
    if required() {
        panic!("no {what} ({hint}), and CI requires it");
    }
    eprintln!("SKIPPED: no {what} ({hint})");
}

/// What a test does without a binary of the workspace (see [`missing`]).
pub fn missing_bin(what: &str) {
    missing(
        &format!("{what} binary"),
        "set XXGK_BIN / XXGK_SYNTH_BIN or run `cargo build` at the repository root",
    );
}

/// Whether `pdftotext` (poppler) runs: `xxgk` reads PDFs with it.
pub fn has_pdftotext() -> bool {
    Command::new("pdftotext")
        .arg("-v")
        .output()
        .is_ok_and(|o| o.status.success())
}

/// `xxgk_or_skip!()`: the `xxgk` binary, or return from the test (see [`missing_bin`]).
macro_rules! xxgk_or_skip {
    () => {
        match common::xxgk_bin() {
            Some(bin) => bin,
            None => {
                common::missing_bin("xxgk");
                return;
            }
        }
    };
}

/// Runs `xxgk ingest <inputs…> --out <out>` and checks that it succeeded.
pub fn ingest_all(xxgk: &Path, inputs: &[&Path], out: &Path) {
    let output = Command::new(xxgk)
        .arg("ingest")
        .args(inputs)
        .arg("--out")
        .arg(out)
        .arg("--config")
        .arg(repo_root().join("config/xxgk.toml"))
        .arg("--quiet")
        .current_dir(repo_root())
        .output()
        .expect("run xxgk");
    assert!(
        output.status.success(),
        "xxgk ingest failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
}

/// Runs `xxgk ingest <input> --out <out>` and checks that it succeeded.
pub fn ingest(xxgk: &Path, input: &Path, out: &Path) {
    ingest_all(xxgk, &[input], out);
}

/// Runs `xxgk-analytics <args>`.
pub fn analytics(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_xxgk-analytics"))
        .args(args)
        .output()
        .expect("run xxgk-analytics")
}

/// Runs `xxgk-analytics <args> --csv` and returns the CSV records (header first) of each of
/// the tables it printed. The values compared hold no comma, quote or line break, so a plain
/// split is exact.
pub fn csv(args: &[&str]) -> Vec<Vec<Vec<String>>> {
    let mut all = args.to_vec();
    all.push("--csv");
    let output = analytics(&all);
    assert!(
        output.status.success(),
        "xxgk-analytics {args:?} failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let text = String::from_utf8(output.stdout).expect("UTF-8 output");
    text.split("\n\n")
        .map(|table| {
            table
                .lines()
                .map(|line| line.split(',').map(str::to_owned).collect())
                .collect()
        })
        .collect()
}

/// The records as `&str` rows, for comparisons.
pub fn rows(table: &[Vec<String>]) -> Vec<Vec<&str>> {
    table
        .iter()
        .map(|r| r.iter().map(String::as_str).collect())
        .collect()
}
