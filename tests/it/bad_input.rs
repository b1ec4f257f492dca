//! Bad input: every file ends up exactly once as a report or a reject with a
//! reason, and one broken file never stops the run.

use crate::util::{self, Row};
use std::path::Path;

fn sample(name: &str) -> Vec<u8> {
    std::fs::read(util::root().join("data/samples").join(name)).unwrap()
}

fn by_path<'a>(rows: &'a [Row], path: &str) -> Vec<&'a Row> {
    rows.iter()
        .filter(|r| r["source_path"].str() == Some(path))
        .collect()
}

/// Make a FIFO (a named pipe) at `path`.
fn mkfifo(path: &Path) {
    let c = std::ffi::CString::new(path.to_str().unwrap()).unwrap();
    // SAFETY: a valid NUL-terminated path.
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
}

fn reject_reason(rejects: &[Row], path: &str) -> String {
    let rows = by_path(rejects, path);
    assert_eq!(
        rows.len(),
        1,
        "{path} should be rejected once, rejects: {rejects:?}"
    );
    rows[0]["reason"].str().unwrap().to_string()
}

#[test]
fn broken_inputs_become_rejects_and_the_run_goes_on() {
    let utf8 = sample("000_1f3be3be81006fc6.txt");
    let text = String::from_utf8(utf8.clone()).unwrap();
    let (gbk, _, _) = encoding_rs::GB18030.encode(&text);
    let mut utf16 = vec![0xFF, 0xFE];
    for unit in text.encode_utf16() {
        utf16.extend_from_slice(&unit.to_le_bytes());
    }
    let mut zip = b"PK\x03\x04".to_vec();
    zip.extend_from_slice(&[0u8; 64]);
    let inputs = util::temp_inputs(&[
        ("a_utf8.txt", &utf8),
        ("b_gbk.txt", &gbk),
        ("c_utf16.txt", &utf16),
        ("d_empty.txt", b""),
        (
            "e_binary.txt",
            &[0u8, 159, 146, 150, 0, 1, 2, 3, 255, 254, 0, 0],
        ),
        ("f_zip_as.txt", &zip),
        ("g_fake_pdf.txt", b"%PDF-1.4\nthis is not really a pdf\n"),
        (
            "h_not_a_report.txt",
            "会议通知\n请各单位于明日上午九时参加会议。\n".as_bytes(),
        ),
        (
            "i_old_word.doc",
            &[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1, 0, 0],
        ),
    ]);
    std::os::unix::fs::symlink(
        "/nonexistent/target.txt",
        inputs.path().join("j_dangling.txt"),
    )
    .unwrap();
    let out = tempfile::tempdir().unwrap();
    util::ingest(&[inputs.path()], out.path(), &[]);

    let reports = util::read_table(out.path(), "reports");
    let rejects = util::read_table(out.path(), "rejects");
    assert_eq!(
        reports.len() + rejects.len(),
        10,
        "every input exactly once"
    );

    for (path, encoding) in [
        ("a_utf8.txt", "UTF-8"),
        ("b_gbk.txt", "gb18030"),
        ("c_utf16.txt", "UTF-16LE"),
    ] {
        let rows = by_path(&reports, path);
        assert_eq!(rows.len(), 1, "{path} is a report");
        let got = rows[0]["encoding"].str().unwrap();
        assert!(
            got.eq_ignore_ascii_case(encoding) || (encoding == "gb18030" && got == "GBK"),
            "{path}: {got}"
        );
    }
    assert_eq!(reject_reason(&rejects, "d_empty.txt"), "empty");
    assert_eq!(reject_reason(&rejects, "e_binary.txt"), "binary");
    assert_eq!(
        reject_reason(&rejects, "f_zip_as.txt"),
        "unsupported_format"
    );
    let pdf = reject_reason(&rejects, "g_fake_pdf.txt");
    assert!(
        ["corrupt", "extractor_failed", "extractor_missing"].contains(&pdf.as_str()),
        "{pdf}"
    );
    assert_eq!(
        reject_reason(&rejects, "h_not_a_report.txt"),
        "not_a_report"
    );
    assert_eq!(
        reject_reason(&rejects, "i_old_word.doc"),
        "unsupported_format"
    );
    assert_eq!(reject_reason(&rejects, "j_dangling.txt"), "unreadable");
    for r in &rejects {
        assert!(
            !r["message"].str().unwrap().is_empty(),
            "a reject says why: {r:?}"
        );
    }
}

/// The GBK and UTF-16 copies of a sample give exactly the cells of the UTF-8 one.
#[test]
fn encodings_give_identical_cells() {
    let utf8 = sample("002_71af202b911b497d.txt");
    let text = String::from_utf8(utf8.clone()).unwrap();
    let (gbk, _, _) = encoding_rs::GB18030.encode(&text);
    let mut utf16 = vec![0xFE, 0xFF];
    for unit in text.encode_utf16() {
        utf16.extend_from_slice(&unit.to_be_bytes());
    }
    let inputs = util::temp_inputs(&[
        ("utf8.txt", &utf8),
        ("gbk.txt", &gbk),
        ("utf16be.txt", &utf16),
    ]);
    let out = tempfile::tempdir().unwrap();
    util::ingest(&[inputs.path()], out.path(), &[]);
    let reports = util::read_table(out.path(), "reports");
    let cells = util::read_table(out.path(), "applications");
    let id_of = |path: &str| by_path(&reports, path)[0]["report_id"].clone();
    let strip = |id| -> Vec<Row> {
        cells
            .iter()
            .filter(|r| r["report_id"] == id)
            .map(|r| {
                let mut r = r.clone();
                r.remove("report_id");
                r
            })
            .collect()
    };
    let base = strip(id_of("utf8.txt"));
    assert_eq!(base.len(), 161);
    assert_eq!(strip(id_of("gbk.txt")), base);
    assert_eq!(strip(id_of("utf16be.txt")), base);
}

#[test]
fn unusable_arguments_fail_with_a_message() {
    let out = tempfile::tempdir().unwrap();
    let missing = util::xxgk(&[
        "ingest",
        "/nonexistent/input",
        "--out",
        out.path().to_str().unwrap(),
    ]);
    assert_eq!(missing.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&missing.stderr).contains("does not exist"));

    let bad_config = util::temp_inputs(&[("bad.toml", b"[walk]\nnope = 1\n")]);
    let cfg = bad_config.path().join("bad.toml");
    let out2 = util::xxgk(&[
        "ingest",
        "data/samples",
        "--out",
        out.path().join("x").to_str().unwrap(),
        "--config",
        cfg.to_str().unwrap(),
    ]);
    assert_eq!(out2.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out2.stderr).contains("invalid config"));

    // An output path under a regular file cannot be created.
    let file = bad_config.path().join("bad.toml");
    let out3 = util::xxgk(&[
        "ingest",
        "data/samples",
        "--out",
        file.join("sub").to_str().unwrap(),
    ]);
    assert_eq!(out3.status.code(), Some(2));
    assert!(!Path::new(&file.join("sub")).exists());
}

#[test]
fn strict_makes_a_reject_a_failure() {
    let inputs = util::temp_inputs(&[
        ("empty.txt", b""),
        ("ok.txt", &sample("001_29196fa5befbfdb4.txt")),
    ]);
    let out = tempfile::tempdir().unwrap();
    let o = util::xxgk(&[
        "ingest",
        inputs.path().to_str().unwrap(),
        "--out",
        out.path().join("d").to_str().unwrap(),
        "--strict",
        "--quiet",
    ]);
    assert_eq!(o.status.code(), Some(3));
    // The data is still written: rejects are data.
    assert_eq!(util::read_table(&out.path().join("d"), "rejects").len(), 1);
}

/// Corrupt inputs of each format: a reject with a reason each, and the good
/// file beside them is still read.
#[test]
fn corrupt_documents_of_each_format_are_rejected() {
    let fixtures = util::root().join("tests/fixtures/formats");
    let read = |name: &str| std::fs::read(fixtures.join(name)).unwrap();
    let inputs = util::temp_inputs(&[
        ("truncated.docx", &read("truncated.docx")),
        ("no_tables.html", &read("no_tables.html")),
        ("not_a_pdf.pdf", &read("not_a_pdf.pdf")),
        ("no_text_layer.pdf", &read("no_text_layer.pdf")),
        ("good.txt", &sample("000_1f3be3be81006fc6.txt")),
    ]);
    let out = tempfile::tempdir().unwrap();
    util::ingest(&[inputs.path()], out.path(), &[]);
    let reports = util::read_table(out.path(), "reports");
    let rejects = util::read_table(out.path(), "rejects");
    assert_eq!(reports.len() + rejects.len(), 5);
    assert_eq!(by_path(&reports, "good.txt").len(), 1);
    assert_eq!(reject_reason(&rejects, "truncated.docx"), "corrupt");
    assert_eq!(reject_reason(&rejects, "no_tables.html"), "not_a_report");
    let have_pdftotext = std::process::Command::new("pdftotext")
        .arg("-v")
        .output()
        .is_ok();
    let pdf = reject_reason(&rejects, "not_a_pdf.pdf");
    let scanned = reject_reason(&rejects, "no_text_layer.pdf");
    if have_pdftotext {
        assert!(
            ["corrupt", "extractor_failed"].contains(&pdf.as_str()),
            "{pdf}"
        );
        assert_eq!(scanned, "no_text_layer");
    } else {
        assert_eq!(pdf, "extractor_missing");
        assert_eq!(scanned, "extractor_missing");
    }
}

/// Reads are bounded: a link to `/dev/zero` and a FIFO are `not_a_file` (a
/// stat, not a read: before, the link was read until memory ran out), a file
/// over `walk.max_file_bytes` is `too_large`, and the report beside them is read.
#[test]
fn special_and_oversized_files_are_rejected_without_reading_them() {
    let report = sample("000_1f3be3be81006fc6.txt");
    let limit = report.len() + 10;
    let big = vec![b'x'; limit + 1];
    let inputs = util::temp_inputs(&[("a_report.txt", &report), ("b_big.pdf", &big)]);
    std::os::unix::fs::symlink("/dev/zero", inputs.path().join("c_zero.txt")).unwrap();
    mkfifo(&inputs.path().join("d_pipe.txt"));
    let config_dir = tempfile::tempdir().unwrap();
    let config = config_dir.path().join("xxgk.toml");
    std::fs::write(&config, format!("[walk]\nmax_file_bytes = {limit}\n")).unwrap();
    let out = tempfile::tempdir().unwrap();
    util::ingest(
        &[inputs.path()],
        out.path(),
        &["--config", config.to_str().unwrap()],
    );

    let reports = util::read_table(out.path(), "reports");
    let rejects = util::read_table(out.path(), "rejects");
    assert_eq!(by_path(&reports, "a_report.txt").len(), 1, "{rejects:?}");
    assert_eq!(reports.len() + rejects.len(), 4, "every input exactly once");
    assert_eq!(reject_reason(&rejects, "b_big.pdf"), "too_large");
    assert_eq!(
        by_path(&rejects, "b_big.pdf")[0]["bytes"],
        util::Val::Int(limit as i64 + 1)
    );
    assert_eq!(reject_reason(&rejects, "c_zero.txt"), "not_a_file");
    assert_eq!(reject_reason(&rejects, "d_pipe.txt"), "not_a_file");
    let message = by_path(&rejects, "c_zero.txt")[0]["message"].clone();
    assert_eq!(message.str(), Some("not a regular file: character device"));
}

/// A download cut inside its last character is the report it was (UTF-8,
/// every table), with an `encoding_repaired` finding, not a GB18030
/// `not_a_report`.
#[test]
fn a_report_cut_inside_its_last_character_is_read_as_utf8() {
    let whole = sample("003_45d03742e780f514.txt");
    let text = String::from_utf8(whole.clone()).unwrap();
    // Cut after the first byte of the last Chinese character.
    let (last, _) = text
        .char_indices()
        .rev()
        .find(|(_, c)| !c.is_ascii())
        .unwrap();
    let cut = &whole[..last + 1];
    let inputs = util::temp_inputs(&[("whole.txt", &whole), ("cut.txt", cut)]);
    let out = tempfile::tempdir().unwrap();
    util::ingest(&[inputs.path()], out.path(), &[]);
    let reports = util::read_table(out.path(), "reports");
    assert_eq!(
        reports.len(),
        2,
        "{:?}",
        util::read_table(out.path(), "rejects")
    );
    let cut_report = by_path(&reports, "cut.txt")[0];
    assert_eq!(cut_report["encoding"].str(), Some("UTF-8"));
    let findings = util::read_table(out.path(), "findings");
    let repaired: Vec<_> = findings
        .iter()
        .filter(|f| f["rule"].str() == Some("encoding_repaired"))
        .collect();
    assert_eq!(repaired.len(), 1, "one repair, on the cut file only");
    assert_eq!(repaired[0]["report_id"], cut_report["report_id"]);
    // Every cell of the cut copy is the whole copy's.
    let cells = util::read_table(out.path(), "applications");
    let of = |id: &util::Val| -> Vec<_> {
        cells
            .iter()
            .filter(|r| &r["report_id"] == id)
            .map(|r| {
                (
                    r["row"].clone(),
                    r["applicant"].clone(),
                    r["count"].clone(),
                    r["cell"].clone(),
                )
            })
            .collect()
    };
    let whole_id = &by_path(&reports, "whole.txt")[0]["report_id"];
    assert!(!of(whole_id).is_empty());
    assert_eq!(of(whole_id), of(&cut_report["report_id"]));
}

/// The hostile folder with the default config: a link to `/dev/zero`,
/// a FIFO, a 300 MB file (sparse: no disk used) and a report cut inside its
/// last character. The run exits 0, the three are rejected with their
/// reasons, the cut report is read with its cells, and the process never
/// holds more than 512 MiB (before bounded reads, the link alone ran the
/// machine out of memory).
#[test]
fn a_hostile_folder_is_accounted_for_in_bounded_memory() {
    let whole = sample("000_1f3be3be81006fc6.txt");
    let text = String::from_utf8(whole.clone()).unwrap();
    let (last, _) = text
        .char_indices()
        .rev()
        .find(|(_, c)| !c.is_ascii())
        .unwrap();
    let inputs = util::temp_inputs(&[("cut.txt", &whole[..last + 2])]);
    std::os::unix::fs::symlink("/dev/zero", inputs.path().join("zero.txt")).unwrap();
    mkfifo(&inputs.path().join("pipe.txt"));
    let big = std::fs::File::create(inputs.path().join("video.pdf")).unwrap();
    big.set_len(300_000_000).unwrap();
    drop(big);

    let out = tempfile::tempdir().unwrap();
    // Reaped by wait4 below (std's wait would not give the child's own rusage).
    #[allow(clippy::zombie_processes)]
    let child = std::process::Command::new(env!("CARGO_BIN_EXE_xxgk"))
        .args(["ingest", inputs.path().to_str().unwrap(), "--out"])
        .arg(out.path())
        .arg("--quiet")
        .current_dir(util::root())
        .spawn()
        .unwrap();
    // wait4: the exit status and this child's own peak RSS (not the other tests').
    let pid = child.id() as libc::pid_t;
    let mut status = 0;
    // SAFETY: a zeroed rusage is a valid out-parameter.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: pid is our child; status and usage are valid pointers.
    let waited = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    assert_eq!(waited, pid);
    assert!(
        libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0,
        "status {status}"
    );
    let peak_mib = usage.ru_maxrss / 1024; // kilobytes on Linux
    assert!(peak_mib < 512, "peak RSS {peak_mib} MiB");

    let reports = util::read_table(out.path(), "reports");
    let rejects = util::read_table(out.path(), "rejects");
    assert_eq!(reports.len() + rejects.len(), 4, "every input exactly once");
    assert_eq!(reject_reason(&rejects, "zero.txt"), "not_a_file");
    assert_eq!(reject_reason(&rejects, "pipe.txt"), "not_a_file");
    assert_eq!(reject_reason(&rejects, "video.pdf"), "too_large");
    let cut = by_path(&reports, "cut.txt");
    assert_eq!(cut.len(), 1);
    assert_eq!(cut[0]["encoding"].str(), Some("UTF-8"));
    let cells = util::read_table(out.path(), "applications");
    let values = cells
        .iter()
        .filter(|c| c["report_id"] == cut[0]["report_id"] && c["cell"].str() != Some("missing"))
        .count();
    assert!(
        values > 100,
        "the cut report's table B is read: {values} cells"
    );
}
