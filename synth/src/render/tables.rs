//! The three national tables (and the old local statistics table) as grids,
//! with the labels, spans and header breaks of the real forms, and their
//! truth: every cell printed here is recorded in the report's [`Truth`].

use super::cells::{self, NumberStyle};
use super::doc::{GCell, GRow, Grid, RowKind, TableKind};
use crate::forms::{self, Block};
use crate::numbers::{Tables, Version, APPLICANTS, OUTCOMES, PROCEEDINGS};
use crate::rng::Rng;
use crate::truth::{Expect, Truth};

/// Where printed labels break over two lines, per table.
#[derive(Debug, Clone, Copy, Default)]
pub struct Breaks {
    /// Table A headers (`本年新\n制作数量`).
    pub a: bool,
    /// Table B headers (`商业\n企业`).
    pub b: bool,
    /// Table C headers (`结果\n维持`).
    pub c: bool,
}

/// How the tables of one report are cut or labelled.
#[derive(Debug, Clone, Default)]
pub struct TableOptions {
    /// Header breaks.
    pub breaks: Breaks,
    /// `第二十条 第（一）项` with a space (淮安).
    pub spaced_section: bool,
    /// Table A keeps only its first N blocks (a truncated table).
    pub a_blocks: Option<usize>,
    /// Table B keeps only its first N data rows (a truncated table).
    pub b_rows: Option<usize>,
    /// A 2021 table A labels 行政规范性文件 as 规范性文件 (label drift).
    pub old_normative_label: bool,
    /// Table B sub-rows numbered `1、` instead of `1.` (淮安).
    pub comma_numbering: bool,
    /// Table B's 2.其他法律行政法规禁止公开 printed without 法规禁 (洪泽).
    pub law_forbidden_typo: bool,
    /// Short labels spread with full-width spaces, as Word users align them (`规　　章`).
    pub aligned_labels: bool,
    /// Long table B labels broken by hand at a comma or before a bracket.
    pub label_breaks: bool,
}

/// `规章` → `规　　章`: two-character labels padded the way Word users align them.
fn align(text: &str, on: bool) -> String {
    let n = text.chars().count();
    if on && (2..=3).contains(&n) {
        let sep = if n == 2 {
            "\u{3000}\u{3000}"
        } else {
            "\u{3000}"
        };
        text.chars().map(String::from).collect::<Vec<_>>().join(sep)
    } else {
        text.to_string()
    }
}

/// A long label broken by hand where an author would press Enter.
fn hand_break(text: &str, on: bool) -> String {
    if !on || text.chars().count() < 16 {
        return text.to_string();
    }
    if let Some(i) = text.find("（区分") {
        return format!("{}\n{}", &text[..i], &text[i..]);
    }
    match text.find('、') {
        Some(i) if i > 6 => format!(
            "{}\n{}",
            &text[..i + '、'.len_utf8()],
            &text[i + '、'.len_utf8()..]
        ),
        _ => text.to_string(),
    }
}

fn keep_break(text: &str, keep: bool) -> String {
    if keep {
        text.to_string()
    } else {
        text.replace('\n', "")
    }
}

fn section(label: &str, spaced: bool, width: usize) -> GRow {
    let text = if spaced {
        label.replacen("第二十条第", "第二十条 第", 1)
    } else {
        label.to_string()
    };
    GRow {
        kind: RowKind::Section,
        cells: vec![GCell::span(text, width, 1)],
    }
}

fn header(cells: &[(&str, usize)], keep: bool) -> GRow {
    GRow {
        kind: RowKind::Header,
        cells: cells
            .iter()
            .map(|(t, cs)| GCell::span(keep_break(t, keep), *cs, 1))
            .collect(),
    }
}

/// Table A's items of a version in printed order (the data rows of its grid).
pub fn a_items(version: Version) -> Vec<&'static str> {
    forms::a_items(version)
}

/// Table B's row codes of a version in printed order (the data rows of its grid).
pub fn b_row_codes(version: Version) -> Vec<&'static str> {
    forms::b_row_codes(version).to_vec()
}

/// A block's header row: the item column, then one per measure, the last
/// spanning what is left of the 4 columns.
fn a_header(block: &Block, keep: bool) -> GRow {
    let n = block.measures.len();
    let mut cells = vec![(forms::A_ITEM_HEADER, 1)];
    for (k, (_, text)) in block.measures.iter().enumerate() {
        cells.push((*text, if k + 1 == n { 4 - n } else { 1 }));
    }
    header(&cells, keep)
}

/// An item's printed label: the form's, or the 2019 form's `规范性文件` in a
/// 2021 table (label drift).
fn item_label(item: &'static str, label: &'static str, opts: &TableOptions) -> &'static str {
    if item == "normative_docs" && opts.old_normative_label {
        "规范性文件"
    } else {
        label
    }
}

/// Table A as a grid; records its cells (and `unit_unknown`) in `truth`.
pub fn table_a(
    rng: &mut Rng,
    style: &NumberStyle,
    tables: &Tables,
    opts: &TableOptions,
    truth: &mut Truth,
) -> Grid {
    let version = tables.a_version;
    let blocks = forms::a_blocks(version);
    let keep = opts.a_blocks.unwrap_or(blocks.len());
    let mut rows = Vec::new();
    for (b, block) in blocks.iter().enumerate() {
        let printed = b < keep;
        if printed {
            rows.push(section(block.section, opts.spaced_section, 4));
            rows.push(a_header(block, opts.breaks.a));
        }
        for &(item, label) in block.items {
            let drawn = &tables
                .active
                .iter()
                .find(|(i, _)| *i == item)
                .expect("item drawn")
                .1;
            let cells_truth = truth.active.entry(item.to_string()).or_default();
            if !printed {
                for (m, _) in block.measures {
                    cells_truth.insert(m.to_string(), Expect::missing());
                }
                continue;
            }
            let mut cells = vec![GCell::label(align(
                item_label(item, label, opts),
                opts.aligned_labels,
            ))];
            let n = block.measures.len();
            for (k, (measure, _)) in block.measures.iter().enumerate() {
                let value = drawn
                    .iter()
                    .find(|(m, _)| m == measure)
                    .expect("measure drawn")
                    .1;
                let p = cells::active(rng, style, measure, version == Version::V2021, value);
                if p.unit_unknown {
                    truth.add_finding(
                        "unit_unknown",
                        &format!("active_disclosure:{item}.{measure}"),
                    );
                }
                truth
                    .active
                    .get_mut(item)
                    .expect("entry")
                    .insert(measure.to_string(), p.expect.clone());
                let colspan = if k + 1 == n { 4 - n } else { 1 };
                cells.push(GCell::value(p.raw, colspan));
            }
            rows.push(GRow {
                kind: RowKind::Data,
                cells,
            });
        }
    }
    if keep < blocks.len() {
        truth.add_finding("table_truncated", "active_disclosure");
    }
    Grid {
        kind: TableKind::Active,
        rows,
        width: 4,
    }
}

/// Labels of table B's rows: (row code, its label cells). A row's outer
/// labels span the rows that share them (`三、本年度办理结果` the 20 or 22 outcome
/// rows, `（三）不予公开` its 8); an innermost label is numbered in its group.
fn b_labels(version: Version, opts: &TableOptions) -> Vec<(&'static str, Vec<GCell>)> {
    let n = |k: usize, rest: &str| {
        if opts.comma_numbering {
            format!("{k}、{rest}")
        } else {
            format!("{k}.{rest}")
        }
    };
    let rows = forms::b_rows(version);
    let cont = || GCell::Cont { colspan: 1 };
    // Rows from `i` on that share the first `depth` labels of row `i`.
    let run = |i: usize, depth: usize| {
        rows[i..]
            .iter()
            .take_while(|r| {
                r.labels.len() > depth && r.labels[..=depth] == rows[i].labels[..=depth]
            })
            .count()
    };
    let same_as_previous = |i: usize, depth: usize| {
        i > 0
            && rows[i - 1].labels.len() > depth
            && rows[i - 1].labels[..=depth] == rows[i].labels[..=depth]
    };
    let mut out = Vec::with_capacity(rows.len());
    for (i, row) in rows.iter().enumerate() {
        let mut cells = Vec::new();
        let last = row.labels.len() - 1;
        for (depth, label) in row.labels.iter().enumerate() {
            if depth == last {
                // The innermost label takes the label columns left.
                let text = if depth == 2 {
                    let k = (0..i)
                        .rev()
                        .take_while(|&j| same_as_previous(j + 1, 1))
                        .count();
                    let label = if row.code == "denied.law_forbidden" && opts.law_forbidden_typo {
                        // Printed so in real reports (法规禁 dropped, 洪泽).
                        "其他法律行政止公开"
                    } else {
                        label
                    };
                    GCell::label(hand_break(&n(k + 1, label), opts.label_breaks))
                } else {
                    GCell::span(hand_break(label, opts.label_breaks), 3 - depth, 1)
                };
                cells.push(text);
            } else if same_as_previous(i, depth) {
                cells.push(cont());
            } else {
                cells.push(GCell::span(*label, 1, run(i, depth)));
            }
        }
        out.push((row.code, cells));
    }
    out
}

/// Shorten row spans that run past the last row (a cut table).
fn clip_rowspans(rows: &mut [GRow]) {
    let n = rows.len();
    for (i, row) in rows.iter_mut().enumerate() {
        for cell in row.cells.iter_mut() {
            if let GCell::Label { rowspan, .. } = cell {
                *rowspan = (*rowspan).min(n - i).max(1);
            }
        }
    }
}

/// Table B as a grid; records its cells in `truth`.
pub fn table_b(
    rng: &mut Rng,
    style: &NumberStyle,
    tables: &Tables,
    opts: &TableOptions,
    truth: &mut Truth,
) -> Grid {
    let version = tables.b_version;
    let kb = opts.breaks.b;
    let heads = forms::APPLICANT_COLUMNS;
    let mut rows = vec![
        GRow {
            kind: RowKind::Header,
            cells: vec![
                GCell::span(forms::B_NOTE, 3, 3),
                GCell::span(forms::B_APPLICANTS_HEADING, 7, 1),
            ],
        },
        GRow {
            kind: RowKind::Header,
            cells: vec![
                GCell::Cont { colspan: 3 },
                GCell::span(align(heads[0].1, opts.aligned_labels), 1, 2),
                GCell::span(forms::B_ORGANISATIONS, 5, 1),
                GCell::span(heads[6].1, 1, 2),
            ],
        },
        GRow {
            kind: RowKind::Header,
            cells: [GCell::Cont { colspan: 3 }, GCell::Cont { colspan: 1 }]
                .into_iter()
                .chain(
                    heads[1..6]
                        .iter()
                        .map(|(_, t)| GCell::label(keep_break(t, kb))),
                )
                .chain([GCell::Cont { colspan: 1 }])
                .collect(),
        },
    ];
    let labels = b_labels(version, opts);
    let keep = opts.b_rows.unwrap_or(labels.len());
    for (k, (code, label_cells)) in labels.into_iter().enumerate() {
        let values = tables
            .applications
            .iter()
            .find(|(r, _)| *r == code)
            .expect("row drawn")
            .1;
        if k >= keep {
            truth
                .applications
                .insert(code.to_string(), vec![Expect::missing(); 7]);
            continue;
        }
        let mut cells = label_cells;
        let mut expect = Vec::with_capacity(7);
        for v in values {
            let p = cells::count(rng, style, v);
            expect.push(p.expect);
            cells.push(GCell::value(p.raw, 1));
        }
        truth.applications.insert(code.to_string(), expect);
        rows.push(GRow {
            kind: RowKind::Data,
            cells,
        });
    }
    if keep < crate::numbers::b_rows(version).len() {
        truth.add_finding("table_truncated", "applications");
    }
    clip_rowspans(&mut rows);
    Grid {
        kind: TableKind::Applications,
        rows,
        width: 10,
    }
}

/// Table C as a grid; records its cells in `truth`.
pub fn table_c(
    rng: &mut Rng,
    style: &NumberStyle,
    tables: &Tables,
    opts: &TableOptions,
    truth: &mut Truth,
) -> Grid {
    let kc = opts.breaks.c;
    let heads = |first_total_span: usize| -> Vec<GCell> {
        forms::OUTCOME_COLUMNS
            .iter()
            .map(|(_, t)| GCell::span(keep_break(t, kc), 1, first_total_span))
            .collect()
    };
    let [(_, review), (_, direct), (_, after_review)] = forms::PROCEEDING_COLUMNS;
    let mut r2 = heads(2);
    r2.push(GCell::span(direct, 5, 1));
    r2.push(GCell::span(after_review, 5, 1));
    let mut r3: Vec<GCell> = (0..5).map(|_| GCell::Cont { colspan: 1 }).collect();
    r3.extend(heads(1));
    r3.extend(heads(1));
    let mut values = Vec::new();
    for (p, proceeding) in PROCEEDINGS.iter().enumerate() {
        let mut expect = Vec::new();
        for o in 0..OUTCOMES.len() {
            let printed = cells::count(rng, style, tables.review[p][o]);
            expect.push(printed.expect);
            values.push(GCell::value(printed.raw, 1));
        }
        truth.review.insert(proceeding.to_string(), expect);
    }
    Grid {
        kind: TableKind::Review,
        rows: vec![
            GRow {
                kind: RowKind::Header,
                cells: vec![
                    GCell::span(review, 5, 1),
                    GCell::span(forms::LITIGATION, 10, 1),
                ],
            },
            GRow {
                kind: RowKind::Header,
                cells: r2,
            },
            GRow {
                kind: RowKind::Header,
                cells: r3,
            },
            GRow {
                kind: RowKind::Data,
                cells: values,
            },
        ],
        width: 15,
    }
}

/// Record an absent table's cells as missing (rows of `version`), with its finding.
pub fn absent(table: TableKind, version: Version, truth: &mut Truth) {
    match table {
        TableKind::Active => {
            for block in forms::a_blocks(version) {
                for (item, _) in block.items {
                    let entry = truth.active.entry(item.to_string()).or_default();
                    for (m, _) in block.measures {
                        entry.insert(m.to_string(), Expect::missing());
                    }
                }
            }
            truth.add_finding("table_missing", "active_disclosure");
        }
        TableKind::Applications => {
            for row in crate::numbers::b_rows(version) {
                truth
                    .applications
                    .insert(row.to_string(), vec![Expect::missing(); APPLICANTS.len()]);
            }
            truth.add_finding("table_missing", "applications");
        }
        TableKind::Review => {
            for p in PROCEEDINGS {
                truth
                    .review
                    .insert(p.to_string(), vec![Expect::missing(); OUTCOMES.len()]);
            }
            truth.add_finding("table_missing", "review_litigation");
        }
        TableKind::Local => {}
    }
}

/// The statistics table many reports for 2008–2018 printed (统计指标 / 单位 / 统计数).
/// It is no national table: nothing in it is a cell of A, B or C.
pub fn local_table(rng: &mut Rng, style: &NumberStyle) -> Grid {
    const ROWS: &[(&str, &str)] = &[
        ("一、主动公开情况", "—"),
        (
            "（一）主动公开政府信息数（不同渠道和方式公开相同信息计1条）",
            "条",
        ),
        ("其中：主动公开规范性文件数", "条"),
        ("制发规范性文件总数", "件"),
        ("（二）通过不同渠道和方式公开政府信息的情况", "—"),
        ("1.政府公报公开政府信息数", "条"),
        ("2.政府网站公开政府信息数", "条"),
        ("3.政务微博公开政府信息数", "条"),
        ("4.政务微信公开政府信息数", "条"),
        ("5.其他方式公开政府信息数", "条"),
        ("二、回应解读情况", "—"),
        (
            "（一）回应公众关注热点或重大舆情数（不同方式回应同一热点或舆情计1次）",
            "次",
        ),
        ("三、依申请公开情况", "—"),
        ("（一）收到申请数", "件"),
        ("1.当面申请数", "件"),
        ("2.传真申请数", "件"),
        ("3.网络申请数", "件"),
        ("4.信函申请数", "件"),
        ("（二）申请办结数", "件"),
        ("1.按时办结数", "件"),
        ("2.延期办结数", "件"),
        ("（三）申请答复数", "件"),
        ("1.属于已主动公开范围数", "件"),
        ("2.同意公开答复数", "件"),
        ("3.同意部分公开答复数", "件"),
        ("4.不同意公开答复数", "件"),
        ("5.不属于本行政机关公开数", "件"),
        ("6.申请信息不存在数", "件"),
        ("四、行政复议数量", "件"),
        ("（一）维持具体行政行为数", "件"),
        ("（二）被依法纠错数", "件"),
        ("（三）其他情形数", "件"),
        ("五、行政诉讼数量", "件"),
        ("（一）维持具体行政行为或者驳回原告诉讼请求数", "件"),
        ("（二）被依法纠错数", "件"),
        ("（三）其他情形数", "件"),
        ("六、因政府信息公开工作被举报投诉数量", "件"),
        ("七、依申请公开信息收取的费用", "万元"),
        ("八、机构建设和保障经费情况", "—"),
        ("（一）政府信息公开工作专门机构数", "个"),
        ("（二）从事政府信息公开工作人员数", "人"),
        ("九、政府信息公开会议和培训情况", "—"),
        ("（一）召开政府信息公开工作会议或专题会议数", "次"),
        ("（二）举办各类培训班数", "次"),
    ];
    let mut rows = vec![GRow {
        kind: RowKind::Header,
        cells: vec![
            GCell::label("统计指标"),
            GCell::label("单位"),
            GCell::label("统计数"),
        ],
    }];
    for (label, unit) in ROWS {
        let value = if *unit == "—" {
            "—".to_string()
        } else {
            let n = rng.count(0.3, if *unit == "条" { 5000 } else { 40 });
            cells::count(rng, style, n).raw
        };
        rows.push(GRow {
            kind: RowKind::Data,
            cells: vec![
                GCell::label(*label),
                GCell::label(*unit),
                GCell::value(value, 1),
            ],
        });
    }
    Grid {
        kind: TableKind::Local,
        rows,
        width: 3,
    }
}
