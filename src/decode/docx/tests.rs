//! Tests of the DOCX decoder on the generated fixtures and hand-made parts.

use super::*;
use std::io::Write;
use std::path::Path;

fn fixture(name: &str) -> Vec<u8> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/formats")
        .join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// A zip holding the given parts.
fn zip_of(parts: &[(&str, &str)]) -> Vec<u8> {
    let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
    for (name, body) in parts {
        let opts = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated);
        w.start_file(*name, opts).unwrap();
        w.write_all(body.as_bytes()).unwrap();
    }
    w.finish().unwrap().into_inner()
}

/// A DOCX whose body is `body` (WordprocessingML with the `w:` prefix bound).
fn docx_of(body: &str) -> Vec<u8> {
    let xml = format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"
 xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006"
 xmlns:m="http://schemas.openxmlformats.org/officeDocument/2006/math"><w:body>{body}</w:body></w:document>"#
    );
    zip_of(&[("word/document.xml", &xml)])
}

fn lines(doc: &Document) -> Vec<&str> {
    doc.lines().collect()
}

fn tables(doc: &Document) -> Vec<&Vec<Vec<Cell>>> {
    doc.tables().collect()
}

fn show(t: &[Vec<Cell>]) -> Vec<Vec<String>> {
    t.iter()
        .map(|r| {
            r.iter()
                .map(|c| format!("{}{}", c.text, if c.spanned { "*" } else { "" }))
                .collect()
        })
        .collect()
}

#[test]
fn sample_fixture_lines_and_grids() {
    let doc = decode(&fixture("sample_000.docx")).unwrap();
    assert_eq!(doc.format, SourceFormat::Docx);
    assert_eq!(doc.encoding, "UTF-8");
    let (want_lines, want_tables) = crate::decode::html::tests::expected();
    let got = lines(&doc);
    // Headings carry a tab after their number in the DOCX; a <w:br/> splits the last paragraph.
    assert!(got.contains(&"一、\t总体情况"));
    let untabbed: Vec<String> = got.iter().map(|l| l.replace('\t', "")).collect();
    let mut want: Vec<String> = want_lines;
    want.push("临泽县人民政府办公室".into());
    want.push("2020年1月20日".into());
    assert_eq!(untabbed, want);
    let t = tables(&doc);
    assert_eq!(t.len(), 3);
    for (g, w) in t.iter().zip(&want_tables) {
        assert_eq!(*g, w);
    }
}

#[test]
fn sample_fixture_grid_equals_html_grid() {
    let docx = decode(&fixture("sample_000.docx")).unwrap();
    let html = crate::decode::html::decode(&fixture("sample_000.html")).unwrap();
    let (d, h) = (tables(&docx), tables(&html));
    assert_eq!(d.len(), h.len());
    for (a, b) in d.iter().zip(&h) {
        assert_eq!(a, b);
    }
    let granted = d[1].iter().find(|r| r[1].text == "（一）予以公开").unwrap();
    assert_eq!(
        show(std::slice::from_ref(granted))[0][..3],
        ["三、本年度办理结果", "（一）予以公开", "（一）予以公开*"]
    );
}

#[test]
fn truncated_and_non_word_zips_are_corrupt() {
    for bytes in [
        fixture("truncated.docx"),
        zip_of(&[("content.xml", "<x/>")]),
        b"PK\x03\x04 not really a zip".to_vec(),
        docx_of("<w:p><w:r><w:t>unterminated")
            .split_at(10)
            .0
            .to_vec(),
    ] {
        match decode(&bytes) {
            Err(DecodeError::Corrupt { format: "docx", .. }) => {}
            other => panic!("{other:?}"),
        }
    }
}

#[test]
fn malformed_or_truncated_xml_is_corrupt() {
    for body in [
        "<w:p><w:r><w:t>未闭合",
        "<w:p></w:r>",
        "<w:p><w:r><w:t>&#0;</w:t></w:r></w:p><",
    ] {
        let xml = format!(
            r#"<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>{body}"#
        );
        match decode(&zip_of(&[("word/document.xml", &xml)])) {
            Err(DecodeError::Corrupt { format: "docx", .. }) => {}
            other => panic!("{body}: {other:?}"),
        }
    }
}

#[test]
fn oversized_part_is_refused() {
    let bytes = fixture("sample_000.docx");
    let mut zip = zip::ZipArchive::new(Cursor::new(&bytes[..])).unwrap();
    assert!(matches!(
        read_limited(&mut zip, "word/document.xml", 1024),
        Err(PartError::TooBig)
    ));
    assert!(read_limited(&mut zip, "word/document.xml", MAX_PART_BYTES).is_ok());
}

#[test]
fn runs_tabs_breaks_and_what_is_left_out() {
    let doc = decode(&docx_of(
        r#"<w:p><w:pPr><w:tabs><w:tab w:val="left" w:pos="720"/></w:tabs><w:rPr><w:vanish/></w:rPr></w:pPr>
             <w:r><w:t xml:space="preserve">一、</w:t></w:r><w:r><w:tab/><w:t>总体</w:t></w:r><w:r><w:t>情况</w:t></w:r></w:p>
           <w:p><w:r><w:t>共</w:t></w:r><w:r><w:rPr><w:vanish/></w:rPr><w:t>隐藏</w:t></w:r><w:r><w:rPr><w:vanish w:val="0"/></w:rPr><w:t>12</w:t></w:r>
             <w:del><w:r><w:delText>删除</w:delText></w:r></w:del><w:r><w:fldChar w:fldCharType="begin"/></w:r>
             <w:r><w:instrText> PAGE </w:instrText></w:r><w:r><w:t>件</w:t></w:r><w:r><w:br/><w:t>A &amp; B &#x4E00;&lt;</w:t></w:r></w:p>
           <w:p><w:r><mc:AlternateContent><mc:Choice Requires="wps"><w:drawing><w:txbxContent><w:p><w:r><w:t>文本框</w:t></w:r></w:p></w:txbxContent></w:drawing></mc:Choice>
             <mc:Fallback><w:pict><w:txbxContent><w:p><w:r><w:t>文本框</w:t></w:r></w:p></w:txbxContent></w:pict></mc:Fallback></mc:AlternateContent></w:r><w:r><w:t>锚点&#160;</w:t></w:r></w:p>
           <w:sdt><w:sdtPr><w:alias w:val="x"/><w:placeholder><w:docPart w:val="y"/></w:placeholder></w:sdtPr><w:sdtContent><w:p><w:r><w:t>控件内容</w:t></w:r></w:p></w:sdtContent></w:sdt>
           <w:p/><w:p><w:r><w:t>   </w:t></w:r></w:p>
           <w:p><m:oMath><m:r><m:t>x=1</m:t></m:r></m:oMath></w:p>"#,
    ))
    .unwrap();
    assert_eq!(
        lines(&doc),
        vec![
            "一、\t总体情况",
            "共12件",
            "A & B 一<",
            "文本框",
            "锚点",
            "控件内容",
            "x=1"
        ]
    );
}

#[test]
fn merged_cells_are_expanded() {
    let tc = |props: &str, text: &str| {
        format!("<w:tc><w:tcPr>{props}</w:tcPr><w:p><w:r><w:t>{text}</w:t></w:r></w:p></w:tc>")
    };
    let body = format!(
        "<w:tbl><w:tblGrid/>\
           <w:tr>{}{}</w:tr>\
           <w:tr>{}{}{}</w:tr>\
           <w:tr><w:trPr><w:gridBefore w:val=\"1\"/></w:trPr>{}{}</w:tr>\
           <w:tr>{}{}</w:tr>\
         </w:tbl>",
        tc(r#"<w:vMerge w:val="restart"/>"#, "三、本年度办理结果"),
        tc(r#"<w:gridSpan w:val="2"/>"#, "（一）予以公开"),
        tc("<w:vMerge/>", ""),
        tc("", "1"),
        tc("", "2"),
        tc("", "x"),
        tc(r#"<w:hMerge w:val="restart"/>"#, "y"),
        tc(r#"<w:gridSpan w:val="3"/>"#, "四、结转"),
        tc("", "9"),
    );
    let doc = decode(&docx_of(&body)).unwrap();
    assert_eq!(
        show(tables(&doc)[0]),
        vec![
            vec![
                "三、本年度办理结果",
                "（一）予以公开",
                "（一）予以公开*",
                ""
            ],
            vec!["三、本年度办理结果*", "1", "2", ""],
            vec!["", "x", "y", ""],
            vec!["四、结转", "四、结转*", "四、结转*", "9"],
        ]
    );
}

#[test]
fn layout_and_one_column_tables_become_lines() {
    let body = "<w:tbl><w:tr><w:tc><w:p><w:r><w:t>外层</w:t></w:r></w:p>\
          <w:tbl><w:tr><w:tc><w:p><w:r><w:t>规章</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>0</w:t></w:r></w:p></w:tc></w:tr></w:tbl>\
          <w:p/></w:tc></w:tr></w:tbl>\
        <w:tbl><w:tr><w:tc><w:p><w:r><w:t>单列</w:t></w:r></w:p></w:tc></w:tr></w:tbl>";
    let doc = decode(&docx_of(body)).unwrap();
    assert_eq!(doc.blocks.len(), 3);
    assert_eq!(doc.blocks[0], Block::Line("外层".into()));
    assert_eq!(show(tables(&doc)[0]), vec![vec!["规章", "0"]]);
    assert_eq!(doc.blocks[2], Block::Line("单列".into()));
}

#[test]
fn cell_paragraphs_join_without_space_between_cjk() {
    let body = "<w:tbl><w:tr><w:tc><w:p><w:r><w:t>结果</w:t></w:r></w:p><w:p><w:r><w:t>维持</w:t></w:r></w:p></w:tc>\
        <w:tc><w:p><w:r><w:t>Total</w:t></w:r></w:p><w:p><w:r><w:t>count</w:t></w:r></w:p></w:tc></w:tr></w:tbl>";
    let doc = decode(&docx_of(body)).unwrap();
    assert_eq!(show(tables(&doc)[0]), vec![vec!["结果维持", "Total count"]]);
}

#[test]
fn main_part_from_rels_and_strict_namespace() {
    let rels = r#"<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
        <Relationship Id="rId1" Type="http://purl.oclc.org/ooxml/officeDocument/relationships/officeDocument" Target="/word/document2.xml"/></Relationships>"#;
    let xml = r#"<w:document xmlns:w="http://purl.oclc.org/ooxml/wordprocessingml/main"><w:body><w:p><w:r><w:t>严格格式</w:t></w:r></w:p></w:body></w:document>"#;
    let doc = decode(&zip_of(&[
        ("_rels/.rels", rels),
        ("word/document2.xml", xml),
    ]))
    .unwrap();
    assert_eq!(lines(&doc), vec!["严格格式"]);
}

#[test]
fn deep_nesting_is_bounded() {
    let mut body = String::new();
    for _ in 0..2000 {
        body.push_str("<w:tbl><w:tr><w:tc>");
    }
    body.push_str("<w:p><w:r><w:t>深</w:t></w:r></w:p>");
    for _ in 0..2000 {
        body.push_str("</w:tc></w:tr></w:tbl>");
    }
    let doc = decode(&docx_of(&body)).unwrap();
    assert_eq!(lines(&doc), vec!["深"]);
}

proptest::proptest! {
    #[test]
    fn never_panics_on_arbitrary_bytes(bytes in proptest::collection::vec(proptest::num::u8::ANY, 0..512)) {
        let _ = decode(&bytes);
        let mut zipped = b"PK\x03\x04".to_vec();
        zipped.extend(&bytes);
        let _ = decode(&zipped);
    }

    #[test]
    fn never_panics_on_element_soup(parts in proptest::collection::vec(proptest::sample::select(vec![
        "<w:tbl>", "</w:tbl>", "<w:tr>", "</w:tr>", "<w:tc>", "</w:tc>", "<w:p>", "</w:p>", "<w:r>", "</w:r>",
        "<w:t>", "</w:t>", "文字", "<w:tcPr><w:vMerge/></w:tcPr>", "<w:tcPr><w:gridSpan w:val=\"99999\"/></w:tcPr>",
        "<w:tcPr><w:vMerge w:val=\"restart\"/></w:tcPr>", "<w:trPr><w:gridBefore w:val=\"3\"/></w:trPr>", "<w:br/>",
        "<w:tab/>", "&amp;", "<mc:Fallback>", "</mc:Fallback>",
    ]), 0..60)) {
        let body: String = parts.concat();
        if let Ok(doc) = decode(&docx_of(&body)) {
            for block in &doc.blocks {
                if let Block::Table(rows) = block {
                    let w = rows[0].len();
                    proptest::prop_assert!(w > 0 && rows.iter().all(|r| r.len() == w));
                }
            }
        }
    }
}
