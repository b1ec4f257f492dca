//! Word documents and their LibreOffice print-outs, end to end: the generator
//! writes `docx` reports and `word_pdf` reports (the same documents printed to
//! PDF by `soffice`, narrow table columns so numbers and header words wrap),
//! `xxgk ingest` reads them, and every cell, field and finding must equal the
//! truth.
//!
//! `word_pdf` needs LibreOffice (`soffice`) to generate and poppler's
//! `pdftotext` to read: without them the test is skipped, loudly, except in
//! CI (`CI` set), where that is a failure.

use crate::golden::have_pdftotext;
use crate::util;
use xxgk_synth::accuracy::{self, AccuracyOptions};
use xxgk_synth::render::Layout;
use xxgk_synth::{pdf_print, write_corpus, SynthOptions};

/// Whether LibreOffice is there; without it, skip loudly (fail in CI).
pub fn have_soffice() -> bool {
    if pdf_print::soffice().is_some() {
        return true;
    }
    if std::env::var_os("CI").is_some() {
        panic!("CI: {}", pdf_print::SOFFICE_MISSING);
    }
    eprintln!("SKIPPED: {}", pdf_print::SOFFICE_MISSING);
    false
}

#[test]
fn docx_and_word_pdf_reports_agree_with_their_truth() {
    if !have_pdftotext() || !have_soffice() {
        return;
    }
    let corpus = tempfile::tempdir().unwrap();
    let dataset = tempfile::tempdir().unwrap();
    let opts = SynthOptions {
        seed: 13,
        layouts: vec![Layout::Docx, Layout::WordPdf],
        ..SynthOptions::default()
    };
    let manifest = write_corpus(&opts, 24, corpus.path()).expect("generate");
    for layout in ["docx", "word_pdf"] {
        let n = manifest.per_layout.get(layout).copied().unwrap_or(0);
        assert!(n >= 8, "{layout}: {n} reports of 24: {manifest:?}");
    }
    // No staging files left behind; every word_pdf report is a PDF.
    assert!(!corpus.path().join(".word_pdf").exists());
    let truths = accuracy::read_truth(corpus.path()).unwrap();
    for t in truths.iter().filter(|t| t.layout == "word_pdf") {
        let bytes = std::fs::read(corpus.path().join("reports").join(&t.path)).unwrap();
        assert!(bytes.starts_with(b"%PDF-"), "{}", t.path);
        assert!(t.features.iter().any(|f| f.starts_with("word_cols:")));
    }
    util::ingest(&[&corpus.path().join("reports")], dataset.path(), &[]);
    let report = accuracy::check(&AccuracyOptions {
        corpus: corpus.path().to_path_buf(),
        dataset: dataset.path().to_path_buf(),
        show: 60,
    })
    .expect("accuracy check");
    let text = report.render();
    assert_eq!(report.found, report.reports, "{text}");
    assert!(report.cells().total > 1000, "{text}");
    assert_eq!(report.overall.agree, report.overall.total, "{text}");
}
