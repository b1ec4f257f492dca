//! The `docx` layout: a real Word document (Office Open XML), and the source
//! of the `word_pdf` layout (the same file printed to PDF by LibreOffice, see
//! [`crate::pdf_print`]).
//!
//! `word/document.xml` holds the title (centred, large), the paragraphs and
//! the tables as Word writes them: `w:tblGrid` column widths, `w:tcW` per
//! cell, merged cells as `w:gridSpan` (columns) and `w:vMerge` restart /
//! continue (rows), a label's printed line breaks as separate paragraphs of
//! its cell, fixed table layout, single 0.5 pt borders. Column widths and the
//! table font size are drawn per report from what real reports use
//! ([`DocxOptions::draw`]): table B's seven applicant columns are often only
//! 1.0–1.6 cm wide, so that printed, 3–4 digit numbers wrap inside their cells
//! and 4-character header words (`商业企业`, `法律服务机构`) break over lines.

use super::doc::{Doc, GCell, Grid, Part, TableKind};
use crate::rng::Rng;
use std::io::Write;

/// East Asian fonts of the tables.
const TABLE_FONTS: [&str; 3] = ["宋体", "仿宋_GB2312", "仿宋"];

/// Twips (1/20 pt) per centimetre.
const TWIPS_PER_CM: f64 = 566.93;

/// Page and table geometry of one document.
#[derive(Debug, Clone)]
pub struct DocxOptions {
    /// Text width of the page (cm).
    pub text_width_cm: f64,
    /// Left and right page margins (cm).
    pub margin_lr_cm: (f64, f64),
    /// Top and bottom page margins (cm).
    pub margin_tb_cm: (f64, f64),
    /// Table cell font size in half-points (18 = 9 pt, 21 = 10.5 pt).
    pub table_half_points: u32,
    /// Body text size in half-points.
    pub body_half_points: u32,
    /// Left/right padding inside table cells (cm).
    pub cell_padding_cm: f64,
    /// Table A: label column, value columns (cm).
    pub a_widths: (f64, f64),
    /// Table B: the three label columns and the applicant columns (cm).
    pub b_widths: ([f64; 3], f64),
    /// Table C: each of the 15 columns (cm).
    pub c_width: f64,
    /// Table cell text vertically centred (else top).
    pub v_center: bool,
    /// East Asian font name of the tables.
    pub table_font: &'static str,
}

fn round2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

fn uniform(rng: &mut Rng, lo: f64, hi: f64) -> f64 {
    round2(lo + (hi - lo) * rng.f64())
}

impl DocxOptions {
    /// Draw the geometry from the ranges real Word reports use.
    pub fn draw(rng: &mut Rng) -> Self {
        // Word's zh-CN default page (2.54 / 3.17 cm) or the 公文 page (GB/T 9704).
        let (margin_tb_cm, margin_lr_cm) = if rng.chance(0.5) {
            ((2.54, 2.54), (3.17, 3.17))
        } else {
            ((3.7, 3.5), (2.8, 2.6))
        };
        let text_width_cm = round2(21.0 - margin_lr_cm.0 - margin_lr_cm.1);
        let table_half_points = *rng.pick(&[18, 20, 21, 21]);
        let cell_padding_cm = *rng.pick(&[0.19, 0.19, 0.1, 0.05]);
        let app = uniform(rng, 1.0, 1.6);
        let b0 = uniform(rng, 0.8, 1.4);
        let b1 = uniform(rng, 1.2, 2.2);
        let b2 = round2((text_width_cm - 7.0 * app - b0 - b1).max(2.6));
        let a0 = uniform(rng, 2.4, 4.5);
        let a_val = if rng.chance(0.3) {
            uniform(rng, 1.3, 2.2)
        } else {
            round2((text_width_cm - a0) / 3.0)
        };
        let c_width = uniform(rng, 0.85, 1.05).min(round2(text_width_cm / 15.0));
        DocxOptions {
            text_width_cm,
            margin_lr_cm,
            margin_tb_cm,
            table_half_points,
            body_half_points: *rng.pick(&[24, 28, 32]),
            cell_padding_cm,
            a_widths: (a0, a_val),
            b_widths: ([b0, b1, b2], app),
            c_width,
            v_center: rng.chance(0.8),
            table_font: TABLE_FONTS[rng.below(TABLE_FONTS.len() as u64) as usize],
        }
    }

    /// Features for the truth: the applicant column band and the table font size.
    pub fn features(&self) -> Vec<String> {
        let app = self.b_widths.1;
        let band = if app < 1.2 {
            "narrow"
        } else if app < 1.4 {
            "medium"
        } else {
            "wide"
        };
        let pt = self.table_half_points as f64 / 2.0;
        vec![
            format!("word_cols:{band}"),
            format!("word_font:{pt}"),
            format!("word_padding:{}", self.cell_padding_cm),
        ]
    }

    fn widths(&self, grid: &Grid) -> Vec<f64> {
        match (grid.kind, grid.width) {
            (TableKind::Active, 4) => {
                vec![
                    self.a_widths.0,
                    self.a_widths.1,
                    self.a_widths.1,
                    self.a_widths.1,
                ]
            }
            (TableKind::Applications, 10) => {
                let mut w = self.b_widths.0.to_vec();
                w.extend([self.b_widths.1; 7]);
                w
            }
            (TableKind::Review, 15) => vec![self.c_width; 15],
            (TableKind::Local, 3) => {
                let rest = self.text_width_cm - 4.0;
                vec![round2(rest.max(6.0)), 1.5, 2.5]
            }
            (_, n) => vec![round2(self.text_width_cm / n.max(1) as f64); n],
        }
    }
}

fn twips(cm: f64) -> i64 {
    (cm * TWIPS_PER_CM).round() as i64
}

fn esc(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

fn run(text: &str, half_points: u32, bold: bool, font: &str) -> String {
    let b = if bold { "<w:b/>" } else { "" };
    format!(
        "<w:r><w:rPr><w:rFonts w:ascii=\"Times New Roman\" w:hAnsi=\"Times New Roman\" w:eastAsia=\"{font}\"/>{b}<w:sz w:val=\"{half_points}\"/><w:szCs w:val=\"{half_points}\"/></w:rPr><w:t xml:space=\"preserve\">{}</w:t></w:r>",
        esc(text)
    )
}

fn para(out: &mut String, text: &str, jc: &str, indent: bool, rpr: (u32, bool, &str)) {
    out.push_str(
        "<w:p><w:pPr><w:spacing w:before=\"0\" w:after=\"0\" w:line=\"360\" w:lineRule=\"auto\"/>",
    );
    if indent {
        out.push_str("<w:ind w:firstLineChars=\"200\" w:firstLine=\"640\"/>");
    }
    out.push_str(&format!("<w:jc w:val=\"{jc}\"/></w:pPr>"));
    out.push_str(&run(text, rpr.0, rpr.1, rpr.2));
    out.push_str("</w:p>");
}

fn table(out: &mut String, grid: &Grid, o: &DocxOptions) {
    let widths = o.widths(grid);
    let total: i64 = widths.iter().map(|w| twips(*w)).sum();
    let pad = twips(o.cell_padding_cm);
    out.push_str(&format!(
        "<w:tbl><w:tblPr><w:tblW w:w=\"{total}\" w:type=\"dxa\"/><w:jc w:val=\"center\"/><w:tblBorders>"
    ));
    for side in ["top", "left", "bottom", "right", "insideH", "insideV"] {
        out.push_str(&format!(
            "<w:{side} w:val=\"single\" w:sz=\"4\" w:space=\"0\" w:color=\"000000\"/>"
        ));
    }
    out.push_str(&format!(
        "</w:tblBorders><w:tblLayout w:type=\"fixed\"/><w:tblCellMar><w:top w:w=\"0\" w:type=\"dxa\"/><w:left w:w=\"{pad}\" w:type=\"dxa\"/><w:bottom w:w=\"0\" w:type=\"dxa\"/><w:right w:w=\"{pad}\" w:type=\"dxa\"/></w:tblCellMar><w:tblLook w:val=\"04A0\"/></w:tblPr><w:tblGrid>"
    ));
    for w in &widths {
        out.push_str(&format!("<w:gridCol w:w=\"{}\"/>", twips(*w)));
    }
    out.push_str("</w:tblGrid>");
    let valign = if o.v_center { "center" } else { "top" };
    // Rows still covered by a label above, per column (a continuation cell there).
    for row in &grid.rows {
        out.push_str("<w:tr><w:trPr><w:jc w:val=\"center\"/></w:trPr>");
        let mut col = 0usize;
        for cell in &row.cells {
            let span = cell.colspan().max(1);
            let w: i64 = widths.iter().skip(col).take(span).map(|w| twips(*w)).sum();
            col += span;
            out.push_str(&format!(
                "<w:tc><w:tcPr><w:tcW w:w=\"{w}\" w:type=\"dxa\"/>"
            ));
            if span > 1 {
                out.push_str(&format!("<w:gridSpan w:val=\"{span}\"/>"));
            }
            let (texts, restart, bold): (Vec<String>, bool, bool) = match cell {
                GCell::Cont { .. } => {
                    out.push_str("<w:vMerge/>");
                    (Vec::new(), false, false)
                }
                GCell::Label { text, rowspan, .. } => (
                    text.split('\n').map(str::to_string).collect(),
                    *rowspan > 1,
                    row.kind == super::doc::RowKind::Header,
                ),
                GCell::Value { raw, .. } => (vec![raw.clone()], false, false),
            };
            if restart {
                out.push_str("<w:vMerge w:val=\"restart\"/>");
            }
            out.push_str(&format!("<w:vAlign w:val=\"{valign}\"/></w:tcPr>"));
            let jc = match cell {
                GCell::Label { text, .. }
                    if row.kind == super::doc::RowKind::Data && text.chars().count() > 6 =>
                {
                    "left"
                }
                _ => "center",
            };
            if texts.is_empty() {
                out.push_str("<w:p><w:pPr><w:jc w:val=\"center\"/></w:pPr></w:p>");
            }
            for t in texts {
                out.push_str(&format!(
                    "<w:p><w:pPr><w:spacing w:before=\"0\" w:after=\"0\" w:line=\"240\" w:lineRule=\"auto\"/><w:jc w:val=\"{jc}\"/></w:pPr>"
                ));
                if !t.is_empty() {
                    out.push_str(&run(&t, o.table_half_points, bold, o.table_font));
                }
                out.push_str("</w:p>");
            }
            out.push_str("</w:tc>");
        }
        out.push_str("</w:tr>");
    }
    out.push_str("</w:tbl>");
}

/// `word/document.xml` of the document.
pub fn document_xml(doc: &Doc, o: &DocxOptions) -> String {
    let mut out = String::with_capacity(64 * 1024);
    out.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<w:document xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\" xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\"><w:body>");
    let body = (o.body_half_points, false, "仿宋_GB2312");
    for part in &doc.parts {
        match part {
            Part::Title(lines) => {
                for l in lines {
                    para(&mut out, l, "center", false, (36, true, "方正小标宋简体"));
                }
            }
            Part::Preface(t) => para(&mut out, t, "left", false, body),
            Part::Heading(t) => para(
                &mut out,
                t,
                "left",
                true,
                (o.body_half_points, false, "黑体"),
            ),
            Part::SubHeading(t) => para(
                &mut out,
                t,
                "left",
                true,
                (o.body_half_points, false, "楷体_GB2312"),
            ),
            Part::Para(t) => para(&mut out, t, "both", true, body),
            Part::Table(grid) => {
                table(&mut out, grid, o);
                // Word needs a paragraph between two tables (else they are one).
                out.push_str("<w:p/>");
            }
            Part::Signature(lines) => {
                for l in lines {
                    para(&mut out, l, "right", false, body);
                }
            }
        }
    }
    out.push_str(&format!(
        "<w:sectPr><w:pgSz w:w=\"11906\" w:h=\"16838\"/><w:pgMar w:top=\"{}\" w:right=\"{}\" w:bottom=\"{}\" w:left=\"{}\" w:header=\"851\" w:footer=\"992\" w:gutter=\"0\"/></w:sectPr></w:body></w:document>",
        twips(o.margin_tb_cm.0),
        twips(o.margin_lr_cm.1),
        twips(o.margin_tb_cm.1),
        twips(o.margin_lr_cm.0)
    ));
    out
}

const CONTENT_TYPES: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\"><Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/><Default Extension=\"xml\" ContentType=\"application/xml\"/><Override PartName=\"/word/document.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml\"/><Override PartName=\"/word/styles.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml\"/></Types>";

const RELS: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\"><Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument\" Target=\"word/document.xml\"/></Relationships>";

const DOC_RELS: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\"><Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles\" Target=\"styles.xml\"/></Relationships>";

fn styles_xml(o: &DocxOptions) -> String {
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<w:styles xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\"><w:docDefaults><w:rPrDefault><w:rPr><w:rFonts w:ascii=\"Times New Roman\" w:eastAsia=\"宋体\" w:hAnsi=\"Times New Roman\" w:cs=\"Times New Roman\"/><w:kern w:val=\"2\"/><w:sz w:val=\"{0}\"/><w:szCs w:val=\"{0}\"/><w:lang w:val=\"en-US\" w:eastAsia=\"zh-CN\" w:bidi=\"ar-SA\"/></w:rPr></w:rPrDefault><w:pPrDefault><w:pPr><w:widowControl w:val=\"0\"/><w:jc w:val=\"both\"/></w:pPr></w:pPrDefault></w:docDefaults><w:style w:type=\"paragraph\" w:default=\"1\" w:styleId=\"a\"><w:name w:val=\"Normal\"/><w:qFormat/></w:style></w:styles>",
        o.body_half_points
    )
}

/// The `.docx` file of a document.
pub fn render(doc: &Doc, o: &DocxOptions) -> Vec<u8> {
    use zip::write::SimpleFileOptions;
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    // A fixed timestamp: the same document is the same bytes.
    let opts = SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .last_modified_time(zip::DateTime::default());
    let parts: [(&str, String); 5] = [
        ("[Content_Types].xml", CONTENT_TYPES.to_string()),
        ("_rels/.rels", RELS.to_string()),
        ("word/_rels/document.xml.rels", DOC_RELS.to_string()),
        ("word/styles.xml", styles_xml(o)),
        ("word/document.xml", document_xml(doc, o)),
    ];
    for (name, text) in parts {
        zip.start_file(name, opts).expect("zip entry in memory");
        zip.write_all(text.as_bytes()).expect("write to memory");
    }
    zip.finish().expect("finish zip in memory").into_inner()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::doc::{GRow, RowKind};

    #[test]
    fn merged_cells_decode_with_the_pipeline() {
        let grid = Grid {
            kind: TableKind::Review,
            rows: vec![
                GRow {
                    kind: RowKind::Header,
                    cells: vec![
                        GCell::span("结果\n维持", 1, 2),
                        GCell::span("行政诉讼", 2, 1),
                    ],
                },
                GRow {
                    kind: RowKind::Header,
                    cells: vec![
                        GCell::Cont { colspan: 1 },
                        GCell::label("甲"),
                        GCell::label("乙"),
                    ],
                },
                GRow {
                    kind: RowKind::Data,
                    cells: vec![
                        GCell::value("1", 1),
                        GCell::value("", 1),
                        GCell::value("12", 1),
                    ],
                },
            ],
            width: 3,
        };
        let doc = Doc {
            parts: vec![
                Part::Title(vec!["某县2023年政府信息公开工作年度报告".into()]),
                Part::Table(grid),
            ],
        };
        let o = DocxOptions::draw(&mut Rng::new(3));
        let bytes = render(&doc, &o);
        let decoded = xxgk::internal::decode(
            std::path::Path::new("x.docx"),
            &bytes,
            &xxgk::internal::PdfOptions::default(),
        )
        .unwrap();
        let table = decoded.tables().next().expect("a table");
        let texts: Vec<Vec<&str>> = table
            .iter()
            .map(|r| r.iter().map(|c| c.text.as_str()).collect())
            .collect();
        assert_eq!(
            texts,
            vec![
                vec!["结果维持", "行政诉讼", "行政诉讼"],
                vec!["结果维持", "甲", "乙"],
                vec!["1", "", "12"],
            ]
        );
        assert_eq!(render(&doc, &o), bytes, "deterministic bytes");
    }
}
