//! PDF tables rebuilt from the page geometry (word boxes and ruling lines).
//!
//! * The LibreOffice renderings of the three real HTML reports, printed with
//!   narrow columns as Word prints them (`tests/fixtures/realworld/renderings/`,
//!   made by `scripts/make_pdf_renderings.py`): header words one character a
//!   line, numbers wrapped inside their cells. Every cell must equal the golden
//!   of the HTML original.
//! * The three real PDFs still match their goldens, now through grids.
//!
//! These need poppler's pdftotext: without it they are skipped, loudly, except
//! in CI (`CI` set), where that is a failure. Re-making the renderings needs
//! LibreOffice and is an ignored test (`cargo test -- --ignored`).

use crate::golden::{check_dir, check_pairs, have_pdftotext};
use crate::util;
use std::path::{Path, PathBuf};
use xxgk::internal::{decode, PdfOptions};
use xxgk::internal::{Block, Cell, Document};

const RENDERINGS: [&str; 3] = [
    "pingtan_gongan_2022",
    "pingtan_ziranziyuan_2023",
    "pingtan_xingzhengshenpi_2024",
];

const REAL_PDFS: [&str; 3] = [
    "huaian_city_2024",
    "hongze_district_2023",
    "hongze_district_2024",
];

fn renderings_dir() -> PathBuf {
    util::root().join("tests/fixtures/realworld/renderings")
}

fn decode_pdf(path: &Path) -> Document {
    let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    decode(path, &bytes, &PdfOptions::default())
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The grid that holds a cell whose text is `label` (not a spanned copy).
fn table_with<'a>(doc: &'a Document, label: &str) -> &'a Vec<Vec<Cell>> {
    doc.tables()
        .find(|t| t.iter().flatten().any(|c| !c.spanned && c.text == label))
        .unwrap_or_else(|| panic!("no table has a cell {label:?}: {:#?}", doc.blocks))
}

/// The texts of the origin cells of the row whose first origin cell after
/// the row labels is `label`, from that label on.
fn row_from<'a>(table: &'a [Vec<Cell>], label: &str) -> Vec<&'a str> {
    table
        .iter()
        .find_map(|row| {
            let at = row.iter().position(|c| !c.spanned && c.text == label)?;
            Some(
                row[at..]
                    .iter()
                    .filter(|c| !c.spanned)
                    .map(|c| c.text.as_str())
                    .collect(),
            )
        })
        .unwrap_or_else(|| panic!("no row {label:?}"))
}

#[test]
fn narrow_column_renderings_match_the_html_goldens() {
    if !have_pdftotext() {
        return;
    }
    check_dir(&[&renderings_dir()], "tests/golden/realworld", &RENDERINGS);
}

#[test]
fn real_pdfs_still_match_their_goldens() {
    if !have_pdftotext() {
        return;
    }
    let dir = util::root().join("tests/fixtures/realworld/pdf");
    check_dir(&[&dir], "tests/golden/realworld", &REAL_PDFS);
}

/// The cells themselves: vertical header words are one word, wrapped numbers
/// are one number, and the three national tables arrive as grids.
#[test]
fn renderings_give_whole_cells() {
    if !have_pdftotext() {
        return;
    }
    let doc = decode_pdf(&renderings_dir().join("pingtan_ziranziyuan_2023.pdf"));
    let b = table_with(&doc, "自然人");
    // 自/然/人, 商/业/企/业 … print one or two characters a line.
    for head in [
        "自然人",
        "商业企业",
        "科研机构",
        "社会公益组织",
        "法律服务机构",
        "其他",
        "总计",
    ] {
        assert!(
            b.iter().flatten().any(|c| c.text == head),
            "header {head:?} not one cell"
        );
    }
    // 1 above 9: 19; the 三、本年度办理结果 column label, one character a line.
    assert_eq!(
        row_from(b, "一、本年新收政府信息公开申请数量"),
        [
            "一、本年新收政府信息公开申请数量",
            "19",
            "0",
            "0",
            "0",
            "0",
            "0",
            "19"
        ]
    );
    assert!(b.iter().flatten().any(|c| c.text == "三、本年度办理结果"));
    // Table 一 and table 三 are grids too.
    table_with(&doc, "本年制发件数");
    table_with(&doc, "行政复议");
    // Text outside the tables stays lines.
    assert!(doc
        .lines()
        .any(|l| l.contains("三、收到和处理政府信息公开申请情况")));
}

/// The real PDFs' tables come out as grids, and their text as lines.
#[test]
fn real_pdfs_give_grids() {
    if !have_pdftotext() {
        return;
    }
    let doc = decode_pdf(&util::root().join("tests/fixtures/realworld/pdf/huaian_city_2024.pdf"));
    let b = table_with(&doc, "自然人");
    assert_eq!(
        row_from(b, "一、本年新收政府信息公开申请数量"),
        [
            "一、本年新收政府信息公开申请数量",
            "3001",
            "53",
            "0",
            "0",
            "61",
            "4",
            "3119"
        ]
    );
    assert!(doc
        .lines()
        .any(|l| l.contains("2024") && l.contains("年政府信息公开工作年度报告")));
    // Page numbers (-4-) are dropped as before.
    assert!(!doc.lines().any(|l| l.trim() == "-4-"));
    assert!(doc.tables().count() >= 3);
    assert!(doc.blocks.iter().any(|b| matches!(b, Block::PageBreak)));
}

/// Re-make the renderings with LibreOffice (scripts/make_pdf_renderings.py)
/// and check the fresh PDFs against the goldens: the script still works.
#[test]
#[ignore = "needs LibreOffice (libreoffice-writer-nogui, fonts-wqy-microhei) and takes ~10 s"]
fn renderings_can_be_remade() {
    let have_soffice = std::process::Command::new("soffice")
        .arg("--version")
        .output()
        .is_ok();
    if !have_soffice {
        assert!(
            std::env::var_os("CI").is_none(),
            "soffice is required in CI for this test (apt-get install libreoffice-writer-nogui fonts-wqy-microhei)"
        );
        eprintln!("SKIPPED: install libreoffice-writer-nogui and fonts-wqy-microhei to re-make the PDF renderings");
        return;
    }
    if !have_pdftotext() {
        return;
    }
    let out = tempfile::tempdir().unwrap();
    let status = std::process::Command::new("python3")
        .arg(util::root().join("scripts/make_pdf_renderings.py"))
        .arg("--out-dir")
        .arg(out.path())
        .status()
        .expect("run python3");
    assert!(status.success(), "make_pdf_renderings.py failed");
    let pairs: Vec<(&str, &str)> = RENDERINGS.iter().map(|s| (*s, *s)).collect();
    check_pairs(&[out.path()], "tests/golden/realworld", &pairs);
}

/// The PDF decoder's time against `pdftotext -layout` alone on the same
/// files, interleaved, in this process (no Parquet, no parse):
/// `cargo test --release --test it -- --ignored --nocapture pdf_decode_time`.
/// Prints per-file means and the ratio; fails above 1.2× in a release build.
#[test]
#[ignore = "a measurement: run with --release"]
fn pdf_decode_time_against_pdftotext_alone() {
    if !have_pdftotext() {
        return;
    }
    let rounds: usize = std::env::var("ROUNDS")
        .ok()
        .and_then(|r| r.parse().ok())
        .unwrap_or(20);
    let mut files: Vec<PathBuf> = Vec::new();
    for dir in [
        "tests/fixtures/realworld/pdf",
        "tests/fixtures/realworld/renderings",
    ] {
        let mut found: Vec<PathBuf> = std::fs::read_dir(util::root().join(dir))
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == "pdf"))
            .collect();
        found.sort();
        files.extend(found);
    }
    let opts = PdfOptions::default();
    let (mut tool, mut ours) = (std::time::Duration::ZERO, std::time::Duration::ZERO);
    for round in 0..rounds {
        for f in &files {
            // Alternate which goes first, so neither always finds warm caches.
            for step in 0..2 {
                if (step + round) % 2 == 0 {
                    let t = std::time::Instant::now();
                    let out = std::process::Command::new("pdftotext")
                        .args(["-layout", "-enc", "UTF-8"])
                        .arg(f)
                        .arg("-")
                        .output()
                        .unwrap();
                    tool += t.elapsed();
                    assert!(out.status.success());
                } else {
                    let t = std::time::Instant::now();
                    let bytes = std::fs::read(f).unwrap();
                    let doc = decode(f, &bytes, &opts).unwrap();
                    ours += t.elapsed();
                    assert!(doc.tables().count() >= 3);
                }
            }
        }
    }
    let n = (rounds * files.len()) as f64;
    let (tool_ms, ours_ms) = (tool.as_secs_f64() * 1e3 / n, ours.as_secs_f64() * 1e3 / n);
    let ratio = ours_ms / tool_ms;
    println!(
        "{} PDFs × {rounds}: pdftotext -layout {tool_ms:.2} ms/file, decode (geometry) {ours_ms:.2} ms/file, ratio {ratio:.3}",
        files.len()
    );
    if !cfg!(debug_assertions) {
        assert!(
            ratio <= 1.2,
            "the PDF decoder takes {ratio:.2}× pdftotext -layout alone"
        );
    }
}
