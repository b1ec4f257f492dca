//! Tests of the HTML decoder on the generated fixtures, the real pages in
//! `tests/fixtures/realworld/html/` and hand-made markup.

use super::*;
use crate::model::Cell;
use std::path::{Path, PathBuf};

fn fixture(name: &str) -> Vec<u8> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/formats")
        .join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Expected lines and grids written by scripts/gen_format_fixtures.py.
pub(crate) fn expected() -> (Vec<String>, Vec<Vec<Vec<Cell>>>) {
    let json: serde_json::Value =
        serde_json::from_slice(&fixture("sample_000.expected.json")).unwrap();
    let lines = json["lines"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l.as_str().unwrap().to_string())
        .collect();
    let tables = json["tables"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| {
            t.as_array()
                .unwrap()
                .iter()
                .map(|row| {
                    row.as_array()
                        .unwrap()
                        .iter()
                        .map(|c| Cell {
                            text: c[0].as_str().unwrap().to_string(),
                            spanned: c[1].as_bool().unwrap(),
                        })
                        .collect()
                })
                .collect()
        })
        .collect();
    (lines, tables)
}

fn lines(doc: &Document) -> Vec<&str> {
    doc.lines().collect()
}

fn tables(doc: &Document) -> Vec<&Vec<Vec<Cell>>> {
    doc.tables().collect()
}

fn row<'a>(table: &'a [Vec<Cell>], label: &str) -> &'a [Cell] {
    table
        .iter()
        .find(|r| r.iter().any(|c| c.text == label && !c.spanned))
        .unwrap_or_else(|| panic!("no row {label}"))
}

#[test]
fn sample_fixture_lines_and_grids() {
    let doc = decode(&fixture("sample_000.html")).unwrap();
    assert_eq!(doc.format, SourceFormat::Html);
    assert_eq!(doc.encoding, "GBK");
    let (want_lines, want_tables) = expected();
    assert_eq!(lines(&doc), want_lines);
    let got = tables(&doc);
    assert_eq!(
        got.len(),
        3,
        "table B was split in two <table>s and must be joined"
    );
    for (g, w) in got.iter().zip(&want_tables) {
        assert_eq!(*g, w);
    }
    // No chrome.
    let text = doc.plain_text();
    for chrome in ["首页", "当前位置", "ICP", "不是正文", "分享到", "浏览次数"] {
        assert!(!text.contains(chrome), "{chrome}");
    }
}

#[test]
fn sample_fixture_table_b_granted_row() {
    let doc = decode(&fixture("sample_000.html")).unwrap();
    let b = tables(&doc)[1];
    assert_eq!(b[0].len(), 10);
    let granted = row(b, "（一）予以公开");
    let cells: Vec<(&str, bool)> = granted
        .iter()
        .map(|c| (c.text.as_str(), c.spanned))
        .collect();
    assert_eq!(
        cells,
        vec![
            ("三、本年度办理结果", false),
            ("（一）予以公开", false),
            ("（一）予以公开", true),
            ("", false),
            ("", false),
            ("", false),
            ("", false),
            ("", false),
            ("", false),
            ("", false),
        ]
    );
    let internal = row(b, "5.属于三类内部事务信息");
    assert_eq!(
        (internal[0].text.as_str(), internal[0].spanned),
        ("三、本年度办理结果", true)
    );
    assert_eq!(
        (internal[1].text.as_str(), internal[1].spanned),
        ("（三）不予公开", true)
    );
    assert_eq!(internal[3].text, "1");
    assert_eq!(internal[9].text, "1");
    // The corner note covers 3 rows × 3 columns; 法人或其他组织 covers 5 columns.
    assert_eq!(b[2][2].text, b[0][0].text);
    assert!(b[2][2].spanned && !b[0][0].spanned);
    assert_eq!(b[1][4].text, "法人或其他组织");
    assert_eq!(b[1][8].text, "法人或其他组织");
    assert!(b[1][8].spanned && !b[1][4].spanned);
    // Table C heads split by <br> are joined without a space.
    let c = tables(&doc)[2];
    assert_eq!(c[1][0].text, "结果维持");
    assert_eq!(c[2][0].text, "结果维持");
    assert!(c[2][0].spanned);
}

#[test]
fn page_without_tables_is_a_document() {
    let doc = decode(&fixture("no_tables.html")).unwrap();
    assert_eq!(doc.encoding, "UTF-8");
    assert!(tables(&doc).is_empty());
    assert_eq!(
        lines(&doc),
        vec![
            "联系我们",
            "地址：甘肃省张掖市临泽县  邮编：734200",
            "电话：0936-5521234",
            "传真：0936-5521235"
        ]
    );
}

#[test]
fn page_without_text_is_corrupt() {
    for page in [
        &b"<html><head><title>x</title><script>var a='text';</script></head><body>  &nbsp; </body></html>"[..],
        b"<html><body><nav><a href=/>home</a></nav><table><tr><td></td><td></td></tr></table></body></html>",
        b"   ",
    ] {
        match decode(page) {
            Err(DecodeError::Corrupt { format: "html", .. }) => {}
            other => panic!("{other:?}"),
        }
    }
}

#[test]
fn word_markup_and_entities() {
    let page = "<html><body><div class=WordSection1>\
        <p class=MsoListParagraph style='mso-list:l0 level1 lfo1'><![if !supportLists]><span style='mso-list:Ignore'>一、</span><![endif]><span>总体情况<o:p></o:p></span></p>\
        <p class=MsoNormal><!--[if !supportLists]-->1.<!--[endif]-->本年&nbsp;&nbsp;共收到<span lang=EN-US>12</span>件，\n办结\n<span>11</span>件<span style='display:none'>隐藏</span><span style='mso-hide:all'>也隐藏</span>&lt;完&gt;</p>\
        <p>a\nb&#12288;</p><p>\u{200B}</p></div></body></html>";
    let doc = decode(page.as_bytes()).unwrap();
    assert_eq!(
        lines(&doc),
        vec!["一、总体情况", "1.本年  共收到12件，办结11件<完>", "a b"]
    );
}

#[test]
fn rowspan_colspan_and_ragged_rows() {
    let page =
        "<table><tr><td rowspan=2>甲</td><td colspan=2>乙</td></tr><tr><td><p>1</p></td></tr>\
        <tr><td>丙</td></tr></table>";
    let doc = decode(page.as_bytes()).unwrap();
    let t = tables(&doc)[0];
    let got: Vec<Vec<(&str, bool)>> = t
        .iter()
        .map(|r| r.iter().map(|c| (c.text.as_str(), c.spanned)).collect())
        .collect();
    assert_eq!(
        got,
        vec![
            vec![("甲", false), ("乙", false), ("乙", true)],
            vec![("甲", true), ("1", false), ("", false)],
            vec![("丙", false), ("", false), ("", false)],
        ]
    );
}

#[test]
fn word_column_width_row_is_dropped() {
    let page = "<table border=1><tr><td>规章</td><td><span lang=EN-US>0</span></td></tr>\
        <![if !supportMisalignedColumns]><tr height=0><td width=200 style='border:none'></td>\
        <td width=100 style='border:none'></td></tr><![endif]></table>";
    let doc = decode(page.as_bytes()).unwrap();
    assert_eq!(tables(&doc)[0].len(), 1);
}

#[test]
fn layout_tables_are_flattened() {
    let page = "<body><table width=100%><tr><td class=left><a href=/>首页</a></td><td>\
        <p>某县2020年政府信息公开工作年度报告</p><p>一、总体情况</p>\
        <table><tr><td>规章</td><td>0</td></tr><tr><td>规范性文件</td><td>5</td></tr></table>\
        <p>二、其他</p><table><tr><td>只有一列</td></tr><tr><td>第二行</td></tr></table></td></tr></table>\
        <div>版权所有</div></body>";
    let doc = decode(page.as_bytes()).unwrap();
    assert_eq!(doc.blocks.len(), 6, "{:?}", doc.blocks);
    assert_eq!(
        doc.blocks[0],
        Block::Line("某县2020年政府信息公开工作年度报告".into())
    );
    assert_eq!(tables(&doc).len(), 1);
    assert_eq!(tables(&doc)[0][1][1].text, "5");
    assert_eq!(&lines(&doc)[2..], &["二、其他", "只有一列", "第二行"]);
}

#[test]
fn title_from_meta_is_put_first_once() {
    let page = "<html><head><meta name=ArticleTitle content='甲县2021年政府信息公开工作年度报告'>\
        <title>甲县2021年政府信息公开工作年度报告_年报_甲县人民政府</title></head><body>\
        <div class=header>甲县人民政府门户网站</div>\
        <div class=TRS_Editor><p>根据条例要求，编制本报告。本报告所列数据统计期限为2021年。</p><p>一、总体情况</p></div></body></html>";
    let doc = decode(page.as_bytes()).unwrap();
    assert_eq!(
        lines(&doc),
        vec![
            "甲县2021年政府信息公开工作年度报告",
            "根据条例要求，编制本报告。本报告所列数据统计期限为2021年。",
            "一、总体情况"
        ]
    );
    // Not repeated when the article starts with it.
    let page = page.replace(
        "<div class=TRS_Editor>",
        "<div class=TRS_Editor><p>甲县2021年政府信息公开<br>工作年度报告</p>",
    );
    let doc = decode(page.as_bytes()).unwrap();
    assert_eq!(lines(&doc)[..2], ["甲县2021年政府信息公开", "工作年度报告"]);
}

#[test]
fn deep_nesting_does_not_overflow() {
    let mut page = String::from("<html><body>");
    // Scope checks scan the open elements, so depth costs O(depth²): 20,000
    // levels is a hundred times MAX_DEPTH and still fast.
    for _ in 0..10_000 {
        page.push_str("<div><span>");
    }
    page.push_str("深处的文字");
    let doc = decode(page.as_bytes()).unwrap();
    assert!(doc.plain_text().contains("深处的文字"));
}

#[test]
fn huge_spans_are_bounded() {
    let mut page = String::from("<table>");
    for _ in 0..2000 {
        page.push_str("<tr><td colspan=99999 rowspan=99999>x</td><td>1</td></tr>");
    }
    page.push_str("</table>");
    let doc = decode(page.as_bytes()).unwrap();
    let t = tables(&doc)[0];
    assert!(
        t[0].len() <= grid::MAX_COLS && t.len() * t[0].len() <= grid::MAX_SLOTS + grid::MAX_COLS
    );
}

/// A real page from the repository's fixtures (present in every checkout).
fn realworld(name: &str) -> Option<Vec<u8>> {
    let path: PathBuf = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/realworld/html")
        .join(name);
    Some(std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display())))
}

/// The column-sum of the 7 applicant columns of a table-二 row.
fn values(row: &[Cell]) -> Vec<&str> {
    row[row.len() - 7..]
        .iter()
        .map(|c| c.text.as_str())
        .collect()
}

#[test]
fn realworld_pingtan_gongan_2022() {
    let Some(bytes) = realworld("pingtan_gongan_2022.html") else {
        return;
    };
    let doc = decode(&bytes).unwrap();
    assert_eq!(doc.encoding, "UTF-8");
    let l = lines(&doc);
    assert_eq!(l[0], "平潭综合实验区公安局2022年政府信息公开工作年度报告");
    assert!(l[1].starts_with("根据《中华人民共和国政府信息公开条例》"));
    assert!(l.contains(&"一、总体情况"));
    let text = doc.plain_text();
    for chrome in ["gklist", "请输入", "党工委管委会", "附件下载", "var "] {
        assert!(!text.contains(chrome), "{chrome}");
    }
    let t = tables(&doc);
    assert_eq!(t.len(), 3);
    assert_eq!(t[0][0].len(), 4);
    assert_eq!(t[1][0].len(), 10);
    assert_eq!(t[2][0].len(), 15);
    let heads: Vec<&str> = t[2][1].iter().map(|c| c.text.as_str()).take(5).collect();
    assert_eq!(
        heads,
        ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"]
    );
    let b = t[1];
    assert_eq!(b[2][4].text, "商业企业");
    assert_eq!(values(row(b, "（七）总计")).len(), 7);
    assert!(b.iter().all(|r| r.len() == 10));
    let grant = row(b, "（一）予以公开");
    assert_eq!(grant[0].text, "三、本年度办理结果");
    assert!(!grant[0].spanned);
}

#[test]
fn realworld_pingtan_ziranziyuan_2023_nbsp_is_trimmed() {
    let Some(bytes) = realworld("pingtan_ziranziyuan_2023.html") else {
        return;
    };
    let doc = decode(&bytes).unwrap();
    assert_eq!(
        lines(&doc)[0],
        "平潭综合实验区自然资源与生态环境局2023年政府信息公开工作年度报告"
    );
    let t = tables(&doc);
    assert_eq!(t.len(), 3);
    for table in &t {
        for cell in table.iter().flatten() {
            assert_eq!(
                cell.text,
                cell.text.trim(),
                "untrimmed cell {:?}",
                cell.text
            );
            assert!(!cell.text.contains('\u{A0}'));
        }
    }
    assert!(row(t[1], "（一）予以公开").len() == 10);
    assert!(t[2][3]
        .iter()
        .all(|c| !c.text.is_empty() && c.text.chars().all(|ch| ch.is_ascii_digit())));
}

#[test]
fn realworld_pingtan_xingzhengshenpi_2024_vertical_labels() {
    let Some(bytes) = realworld("pingtan_xingzhengshenpi_2024.html") else {
        return;
    };
    let doc = decode(&bytes).unwrap();
    assert_eq!(
        lines(&doc)[0],
        "平潭综合实验区行政审批局2024年政府信息公开工作年度报告"
    );
    let t = tables(&doc);
    assert_eq!(t.len(), 3);
    let b = t[1];
    // 三、本年度办理结果 is written one character per <p>.
    let grant = row(b, "（一）予以公开");
    assert_eq!(grant[0].text, "三、本年度办理结果");
    assert_eq!(
        b.iter()
            .filter(|r| r[0].text == "三、本年度办理结果")
            .count(),
        22
    );
    assert!(
        doc.plain_text().contains('<'),
        "&lt; in body text decodes to <"
    );
}

proptest::proptest! {
    #[test]
    fn never_panics_on_arbitrary_bytes(bytes in proptest::collection::vec(proptest::num::u8::ANY, 0..600)) {
        let _ = decode(&bytes);
    }

    #[test]
    fn never_panics_on_tag_soup(parts in proptest::collection::vec(proptest::sample::select(vec![
        "<table>", "</table>", "<tr>", "</tr>", "<td rowspan=3>", "<td colspan=2>", "<td rowspan=0>", "</td>",
        "<th>", "<p>", "</p>", "<br>", "<div>", "</div>", "文字", "12", "&nbsp;", "\n", " ", "<script>",
        "</script>", "<tbody>", "<caption>", "<pre>", "</pre>", "<!--", "-->", "<![if !supportLists]>",
    ]), 0..80)) {
        let page: String = parts.concat();
        if let Ok(doc) = decode(page.as_bytes()) {
            for block in &doc.blocks {
                if let Block::Table(rows) = block {
                    let w = rows[0].len();
                    proptest::prop_assert!(rows.iter().all(|r| r.len() == w));
                }
            }
        }
    }
}

/// `XXGK_DUMP=path cargo test --lib decode::html::tests::dump -- --ignored --nocapture`
#[test]
#[ignore]
fn dump() {
    let Ok(path) = std::env::var("XXGK_DUMP") else {
        return;
    };
    let doc = decode(&std::fs::read(path).unwrap()).unwrap();
    println!("encoding {}", doc.encoding);
    for block in &doc.blocks {
        match block {
            Block::Line(l) => println!("L|{l}"),
            Block::PageBreak => println!("P|"),
            Block::Table(rows) => {
                for r in rows {
                    let cells: Vec<String> = r
                        .iter()
                        .map(|c| format!("{}{}", c.text, if c.spanned { "*" } else { "" }))
                        .collect();
                    println!("T|{}", cells.join(" | "));
                }
            }
        }
    }
}

#[test]
fn hiding_styles_in_any_case_and_spacing() {
    for style in [
        "display:none",
        "DISPLAY : None;",
        "color:red; mso-hide: all",
        "visibility:\thidden",
        "Visibility:Hidden",
    ] {
        assert!(style_hides(style), "{style}");
    }
    for style in [
        "",
        "font-family: 宋体; font-size: 12pt",
        "border: none",
        "text-decoration:none",
        "overflow:hidden",
        "display:block",
    ] {
        assert!(!style_hides(style), "{style}");
    }
}
