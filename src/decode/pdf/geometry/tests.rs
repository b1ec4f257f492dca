//! The geometry reader on the real PDFs and the narrow-column renderings, and
//! on damaged files (never a panic, always bounded).

use super::*;
use std::path::Path;
use std::time::Duration;

fn read(rel: &str) -> Vec<u8> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(rel);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Tables (rows × columns) per page.
fn shapes(g: &Geometry) -> Vec<Vec<(usize, usize)>> {
    g.pages
        .iter()
        .map(|p| p.tables.iter().map(|t| (t.n_rows, t.n_cols)).collect())
        .collect()
}

#[test]
fn real_pdfs_have_ruled_tables() {
    for name in [
        "huaian_city_2024",
        "hongze_district_2023",
        "hongze_district_2024",
    ] {
        let bytes = read(&format!("tests/fixtures/realworld/pdf/{name}.pdf"));
        let g = scan_inner(&bytes, None).unwrap_or_else(|| panic!("{name}: not read"));
        assert!(g.pages.len() >= 5, "{name}");
        assert!((g.pages[0].width - 595.0).abs() < 1.0, "{name}");
        // Table B: 10 columns (3 label columns, 7 applicants) somewhere.
        assert!(
            shapes(&g).iter().flatten().any(|&(_, cols)| cols == 10),
            "{name}: {:?}",
            shapes(&g)
        );
    }
}

#[test]
fn renderings_have_the_three_tables() {
    for name in [
        "pingtan_gongan_2022",
        "pingtan_ziranziyuan_2023",
        "pingtan_xingzhengshenpi_2024",
    ] {
        let bytes = read(&format!("tests/fixtures/realworld/renderings/{name}.pdf"));
        let g = scan_inner(&bytes, None).unwrap();
        let cols: Vec<usize> = shapes(&g).into_iter().flatten().map(|(_, c)| c).collect();
        for want in [4, 10, 15] {
            assert!(cols.contains(&want), "{name}: {:?}", shapes(&g));
        }
    }
}

#[test]
fn files_without_tables_or_unreadable() {
    let bytes = read("tests/fixtures/formats/no_text_layer.pdf");
    assert!(!scan(&bytes, None).is_some_and(|g| g.has_tables()));
    assert_eq!(scan(b"", None), None);
    assert_eq!(scan(b"%PDF-1.4 stand-in", None), None);
    assert_eq!(
        scan(&read("tests/fixtures/formats/not_a_pdf.pdf"), None),
        None
    );
}

/// Cut, flipped and shuffled bytes of a real PDF: no panic, bounded time.
#[test]
fn damaged_files_never_panic() {
    let bytes = read("tests/fixtures/realworld/renderings/pingtan_gongan_2022.pdf");
    let start = Instant::now();
    for cut in [
        10,
        100,
        1000,
        bytes.len() / 3,
        bytes.len() / 2,
        bytes.len() - 10,
    ] {
        let _ = scan_inner(&bytes[..cut], None);
    }
    let mut seed = 0x9E37_79B9_7F4A_7C15u64;
    for round in 0..40 {
        let mut damaged = bytes.clone();
        for _ in 0..(1 + round * 5) {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            let at = (seed as usize) % damaged.len();
            damaged[at] = (seed >> 32) as u8;
        }
        let _ = scan_inner(&damaged, None);
    }
    assert!(start.elapsed() < Duration::from_secs(60));
}

#[test]
fn a_passed_deadline_gives_up() {
    let bytes = read("tests/fixtures/realworld/pdf/huaian_city_2024.pdf");
    let past = Instant::now().checked_sub(Duration::from_secs(1));
    // Checked every 4096 operators: a short page may finish first; never a panic.
    if let Some(g) = scan(&bytes, past) {
        assert_eq!(g.pages.len(), 6);
    }
}

/// Words on a page whose size differs from the one read here: no tables
/// (the words stay text); another page count: None (the caller falls back).
#[test]
fn mismatched_word_pages() {
    let g = Geometry {
        pages: vec![PageGeometry {
            width: 100.0,
            height: 100.0,
            tables: vec![ruling::TableBox {
                x0: 0.0,
                y0: 0.0,
                x1: 50.0,
                y1: 50.0,
                n_rows: 1,
                n_cols: 2,
                xs: vec![0.0, 25.0, 50.0],
                ys: vec![0.0, 50.0],
                slots: vec![0, 1],
                cells: vec![
                    ruling::CellBox {
                        x0: 0.0,
                        y0: 0.0,
                        x1: 25.0,
                        y1: 50.0,
                        rows: (0, 1),
                        cols: (0, 1),
                    },
                    ruling::CellBox {
                        x0: 25.0,
                        y0: 0.0,
                        x1: 50.0,
                        y1: 50.0,
                        rows: (0, 1),
                        cols: (1, 2),
                    },
                ],
            }],
        }],
    };
    let xhtml = |w: f64| {
        format!(
            r#"<doc><page width="{w}" height="100"><flow><block><line>
            <word xMin="5" yMin="20" xMax="15" yMax="30">甲</word>
            <word xMin="30" yMin="20" xMax="40" yMax="30">乙</word>
            </line></block></flow></page></doc>"#
        )
    };
    let fit = g.blocks(xhtml(100.0).as_bytes()).unwrap();
    assert!(
        matches!(&fit[..], [Block::Table(rows)] if rows[0][0].text == "甲" && rows[0][1].text == "乙")
    );
    let other = g.blocks(xhtml(300.0).as_bytes()).unwrap();
    assert!(matches!(&other[..], [Block::Line(l)] if l.contains('甲') && l.contains('乙')));
    assert_eq!(g.blocks(b"<doc></doc>"), None);
}

/// Whether pdftotext can be run; under CI its absence is a failure.
fn have_pdftotext() -> bool {
    let ok = std::process::Command::new("pdftotext")
        .arg("-v")
        .output()
        .is_ok();
    if !ok {
        assert!(
            std::env::var_os("CI").is_none(),
            "pdftotext is not installed (apt-get install poppler-utils poppler-data)"
        );
        eprintln!("SKIPPED: pdftotext is not installed");
    }
    ok
}

fn show(blocks: &[Block]) -> String {
    let mut out = String::new();
    for b in blocks {
        match b {
            Block::Line(l) => out.push_str(&format!("L|{l}\n")),
            Block::PageBreak => out.push_str("--- page ---\n"),
            Block::Table(rows) => {
                for row in rows {
                    let cells: Vec<String> = row
                        .iter()
                        .map(|c| format!("{}{}", c.text, if c.spanned { "*" } else { "" }))
                        .collect();
                    out.push_str(&format!("T|{}\n", cells.join(" | ")));
                }
                out.push_str("T|end\n");
            }
        }
    }
    out
}

/// The generated sample PDF (reportlab, CID font): its three tables are the
/// grids the HTML and DOCX decoders give (sample_000.expected.json).
#[test]
fn sample_pdf_grids_equal_the_html_and_docx_grids() {
    if !have_pdftotext() {
        return;
    }
    let bytes = read("tests/fixtures/formats/sample_000.pdf");
    let doc = super::super::decode(&bytes, &super::super::PdfOptions::default()).unwrap();
    let expected: serde_json::Value =
        serde_json::from_slice(&read("tests/fixtures/formats/sample_000.expected.json")).unwrap();
    let want: Vec<Vec<Vec<(String, bool)>>> = expected["tables"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| {
            t.as_array()
                .unwrap()
                .iter()
                .map(|r| {
                    r.as_array()
                        .unwrap()
                        .iter()
                        .map(|c| (c[0].as_str().unwrap().to_string(), c[1].as_bool().unwrap()))
                        .collect()
                })
                .collect()
        })
        .collect();
    let got: Vec<Vec<Vec<(String, bool)>>> = doc
        .tables()
        .map(|t| {
            t.iter()
                .map(|r| r.iter().map(|c| (c.text.clone(), c.spanned)).collect())
                .collect()
        })
        .collect();
    assert_eq!(got, want, "{}", show(&doc.blocks));
}

/// Print a PDF's blocks: `XXGK_DUMP_PDF=file.pdf cargo test --lib dump --
/// --ignored --nocapture`; with `XXGK_DUMP_JSON=1`, one JSON line
/// `{"tables": [[[text, spanned], …], …], "lines": […]}` (used by
/// scripts/compare_pdfplumber.py).
#[test]
#[ignore = "a tool: prints the blocks of the PDF named by XXGK_DUMP_PDF"]
fn dump() {
    let path = std::env::var("XXGK_DUMP_PDF").expect("XXGK_DUMP_PDF=file.pdf");
    let bytes = std::fs::read(path).unwrap();
    let doc = super::super::decode(&bytes, &super::super::PdfOptions::default()).unwrap();
    if std::env::var_os("XXGK_DUMP_JSON").is_some() {
        let tables: Vec<Vec<Vec<(String, bool)>>> = doc
            .tables()
            .map(|t| {
                t.iter()
                    .map(|r| r.iter().map(|c| (c.text.clone(), c.spanned)).collect())
                    .collect()
            })
            .collect();
        let lines: Vec<&str> = doc.lines().collect();
        println!(
            "XXGK_JSON {}",
            serde_json::json!({ "tables": tables, "lines": lines })
        );
    } else {
        println!("{}", show(&doc.blocks));
    }
}

/// Print the tables found on one page, cell boxes and slots:
/// `XXGK_DUMP_PDF=file.pdf XXGK_DUMP_PAGE=3 cargo test --lib dump_geometry -- --ignored --nocapture`.
#[test]
#[ignore = "a tool: prints the tables of page XXGK_DUMP_PAGE of the PDF XXGK_DUMP_PDF"]
fn dump_geometry() {
    let path = std::env::var("XXGK_DUMP_PDF").expect("XXGK_DUMP_PDF=file.pdf");
    let page: usize = std::env::var("XXGK_DUMP_PAGE")
        .expect("XXGK_DUMP_PAGE=N")
        .parse()
        .unwrap();
    let bytes = std::fs::read(path).unwrap();
    let g = scan_inner(&bytes, None).unwrap();
    for t in &g.pages[page - 1].tables {
        println!(
            "table {:.1},{:.1} {:.1},{:.1} xs {:?}",
            t.x0, t.y0, t.x1, t.y1, t.xs
        );
        for c in &t.cells {
            println!(
                "  cell {:.1},{:.1} {:.1},{:.1} rows {:?} cols {:?}",
                c.x0, c.y0, c.x1, c.y1, c.rows, c.cols
            );
        }
    }
}

/// pdftotext lays words out on the media box (it does not crop): a crop box
/// changes neither the page size nor where the tables are.
#[test]
fn crop_box_is_not_page_space() {
    let bytes = read("tests/fixtures/realworld/renderings/pingtan_gongan_2022.pdf");
    let media = b"/MediaBox[0 0 595.303937007874 841.889763779528]";
    let at = bytes
        .windows(media.len())
        .position(|w| w == media)
        .expect("the rendering's media box");
    let mut cropped = bytes[..at + media.len()].to_vec();
    cropped.extend_from_slice(b"/CropBox[20 30 580 820]");
    cropped.extend_from_slice(&bytes[at + media.len()..]);
    let (a, b) = (
        scan_inner(&bytes, None).unwrap(),
        scan_inner(&cropped, None).unwrap(),
    );
    assert_eq!(a, b);
}
