//! The three national tables (and the old local statistics table) as grids,
//! with the labels, spans and header breaks of the real forms, and their
//! truth: every cell printed here is recorded in the report's [`Truth`].

use super::cells::{self, NumberStyle};
use super::doc::{GCell, GRow, Grid, RowKind, TableKind};
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

/// Blocks of table A: (section label, header cells, items).
type Block = (&'static str, Vec<(&'static str, usize)>, Vec<&'static str>);

fn a_blocks(version: Version) -> Vec<Block> {
    match version {
        Version::V2019 => vec![
            (
                "第二十条第（一）项",
                vec![
                    ("信息内容", 1),
                    ("本年新\n制作数量", 1),
                    ("本年新\n公开数量", 1),
                    ("对外公开\n总数量", 1),
                ],
                vec!["rules", "normative_docs"],
            ),
            (
                "第二十条第（五）项",
                vec![
                    ("信息内容", 1),
                    ("上一年\n项目数量", 1),
                    ("本年增/减", 1),
                    ("处理决定\n数量", 1),
                ],
                vec!["licensing", "other_services"],
            ),
            (
                "第二十条第（六）项",
                vec![
                    ("信息内容", 1),
                    ("上一年\n项目数量", 1),
                    ("本年增/减", 1),
                    ("处理决定\n数量", 1),
                ],
                vec!["penalty", "coercion"],
            ),
            (
                "第二十条第（八）项",
                vec![("信息内容", 1), ("上一年\n项目数量", 1), ("本年增/减", 2)],
                vec!["fees"],
            ),
            (
                "第二十条第（九）项",
                vec![("信息内容", 1), ("采购项目\n数量", 1), ("采购总金额", 2)],
                vec!["procurement"],
            ),
        ],
        Version::V2021 => vec![
            (
                "第二十条第（一）项",
                vec![
                    ("信息内容", 1),
                    ("本年制发\n件数", 1),
                    ("本年废止\n件数", 1),
                    ("现行有效\n件数", 1),
                ],
                vec!["rules", "normative_docs"],
            ),
            (
                "第二十条第（五）项",
                vec![("信息内容", 1), ("本年处理决定数量", 3)],
                vec!["licensing"],
            ),
            (
                "第二十条第（六）项",
                vec![("信息内容", 1), ("本年处理决定数量", 3)],
                vec!["penalty", "coercion"],
            ),
            (
                "第二十条第（八）项",
                vec![("信息内容", 1), ("本年收费金额（单位：万元）", 3)],
                vec!["fees"],
            ),
        ],
    }
}

/// Table A's items of a version in printed order (the data rows of its grid).
pub fn a_items(version: Version) -> Vec<&'static str> {
    a_blocks(version)
        .into_iter()
        .flat_map(|(_, _, items)| items)
        .collect()
}

/// Table B's row codes of a version in printed order (the data rows of its grid).
pub fn b_row_codes(version: Version) -> Vec<&'static str> {
    b_labels(version, &TableOptions::default())
        .into_iter()
        .map(|(code, _)| code)
        .collect()
}

fn item_label(item: &str, version: Version, opts: &TableOptions) -> &'static str {
    match item {
        "rules" => "规章",
        "normative_docs" if version == Version::V2021 && !opts.old_normative_label => {
            "行政规范性文件"
        }
        "normative_docs" => "规范性文件",
        "licensing" => "行政许可",
        "other_services" => "其他对外管理服务事项",
        "penalty" => "行政处罚",
        "coercion" => "行政强制",
        "fees" => "行政事业性收费",
        _ => "政府集中采购",
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
    let blocks = a_blocks(version);
    let keep = opts.a_blocks.unwrap_or(blocks.len());
    let mut rows = Vec::new();
    for (b, (label, head, items)) in blocks.iter().enumerate() {
        let printed = b < keep;
        if printed {
            rows.push(section(label, opts.spaced_section, 4));
            rows.push(header(head, opts.breaks.a));
        }
        for item in items {
            let measures = &tables
                .active
                .iter()
                .find(|(i, _)| i == item)
                .expect("item drawn")
                .1;
            let cells_truth = truth.active.entry(item.to_string()).or_default();
            if !printed {
                for (m, _) in measures {
                    cells_truth.insert(m.to_string(), Expect::missing());
                }
                continue;
            }
            let mut cells = vec![GCell::label(align(
                item_label(item, version, opts),
                opts.aligned_labels,
            ))];
            let n = measures.len();
            for (k, (measure, value)) in measures.iter().enumerate() {
                let p = cells::active(rng, style, measure, version == Version::V2021, *value);
                if p.unit_unknown {
                    truth.add_finding(
                        "unit_unknown",
                        &format!("active_disclosure:{item}.{measure}"),
                    );
                }
                truth
                    .active
                    .get_mut(*item)
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

/// Labels of table B's rows: (row code, group label with its span, sub-group label, own label).
fn b_labels(version: Version, opts: &TableOptions) -> Vec<(&'static str, Vec<GCell>)> {
    let n = |k: u32, rest: &str| {
        if opts.comma_numbering {
            format!("{k}、{rest}")
        } else {
            format!("{k}.{rest}")
        }
    };
    let results_rows = match version {
        Version::V2019 => 20,
        Version::V2021 => 22,
    };
    let cont = || GCell::Cont { colspan: 1 };
    let law = if opts.law_forbidden_typo {
        "其他法律行政止公开"
    } else {
        "其他法律行政法规禁止公开"
    };
    let mut out: Vec<(&'static str, Vec<GCell>)> = vec![
        (
            "new",
            vec![GCell::span("一、本年新收政府信息公开申请数量", 3, 1)],
        ),
        (
            "carried_over",
            vec![GCell::span("二、上年结转政府信息公开申请数量", 3, 1)],
        ),
        (
            "granted",
            vec![
                GCell::span("三、本年度办理结果", 1, results_rows),
                GCell::span("（一）予以公开", 2, 1),
            ],
        ),
        (
            "partial",
            vec![
                cont(),
                GCell::span(
                    hand_break(
                        "（二）部分公开（区分处理的，只计这一情形，不计其他情形）",
                        opts.label_breaks,
                    ),
                    2,
                    1,
                ),
            ],
        ),
    ];
    let groups: [(&str, &[(&'static str, &str)]); 3] = [
        (
            "（三）不予公开",
            &[
                ("denied.state_secret", "属于国家秘密"),
                ("denied.law_forbidden", law),
                ("denied.safety_stability", "危及“三安全一稳定”"),
                ("denied.third_party", "保护第三方合法权益"),
                ("denied.internal_affairs", "属于三类内部事务信息"),
                ("denied.process_info", "属于四类过程性信息"),
                ("denied.enforcement_file", "属于行政执法案卷"),
                ("denied.query_matter", "属于行政查询事项"),
            ],
        ),
        (
            "（四）无法提供",
            &[
                ("unavailable.not_held", "本机关不掌握相关政府信息"),
                ("unavailable.needs_creation", "没有现成信息需要另行制作"),
                ("unavailable.unclear", "补正后申请内容仍不明确"),
            ],
        ),
        (
            "（五）不予处理",
            &[
                ("not_processed.petition", "信访举报投诉类申请"),
                ("not_processed.repeated", "重复申请"),
                ("not_processed.publication", "要求提供公开出版物"),
                ("not_processed.mass_repeated", "无正当理由大量反复申请"),
                (
                    "not_processed.confirm_reissue",
                    "要求行政机关确认或重新出具已获取信息",
                ),
            ],
        ),
    ];
    let push_group =
        |out: &mut Vec<(&'static str, Vec<GCell>)>, head: &str, rows: &[(&'static str, &str)]| {
            for (k, (code, label)) in rows.iter().enumerate() {
                let mut cells = vec![cont()];
                if k == 0 {
                    cells.push(GCell::span(head, 1, rows.len()));
                } else {
                    cells.push(cont());
                }
                cells.push(GCell::label(hand_break(
                    &n(k as u32 + 1, label),
                    opts.label_breaks,
                )));
                out.push((code, cells));
            }
        };
    for (head, rows) in groups {
        push_group(&mut out, head, rows);
    }
    match version {
        Version::V2019 => out.push(("other", vec![cont(), GCell::span("（六）其他处理", 2, 1)])),
        Version::V2021 => push_group(
            &mut out,
            "（六）其他处理",
            &[
                (
                    "other.no_correction",
                    "申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
                ),
                (
                    "other.unpaid_fee",
                    "申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
                ),
                ("other.other", "其他"),
            ],
        ),
    }
    out.push(("total", vec![cont(), GCell::span("（七）总计", 2, 1)]));
    out.push((
        "carried_forward",
        vec![GCell::span("四、结转下年度继续办理", 3, 1)],
    ));
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
    let mut rows = vec![
        GRow {
            kind: RowKind::Header,
            cells: vec![
                GCell::span(
                    "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）",
                    3,
                    3,
                ),
                GCell::span("申请人情况", 7, 1),
            ],
        },
        GRow {
            kind: RowKind::Header,
            cells: vec![
                GCell::Cont { colspan: 3 },
                GCell::span(align("自然人", opts.aligned_labels), 1, 2),
                GCell::span("法人或其他组织", 5, 1),
                GCell::span("总计", 1, 2),
            ],
        },
        GRow {
            kind: RowKind::Header,
            cells: vec![
                GCell::Cont { colspan: 3 },
                GCell::Cont { colspan: 1 },
                GCell::label(keep_break("商业\n企业", kb)),
                GCell::label(keep_break("科研\n机构", kb)),
                GCell::label(keep_break("社会公益\n组织", kb)),
                GCell::label(keep_break("法律服务\n机构", kb)),
                GCell::label("其他"),
                GCell::Cont { colspan: 1 },
            ],
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
        let mut v: Vec<GCell> = ["结果\n维持", "结果\n纠正", "其他\n结果", "尚未\n审结"]
            .iter()
            .map(|t| GCell::span(keep_break(t, kc), 1, first_total_span))
            .collect();
        v.push(GCell::span("总计", 1, first_total_span));
        v
    };
    let mut r2 = heads(2);
    r2.push(GCell::span("未经复议直接起诉", 5, 1));
    r2.push(GCell::span("复议后起诉", 5, 1));
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
                    GCell::span("行政复议", 5, 1),
                    GCell::span("行政诉讼", 10, 1),
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
            for (_, _, items) in a_blocks(version) {
                for item in items {
                    let measures = crate::numbers::a_measures(item, version);
                    let entry = truth.active.entry(item.to_string()).or_default();
                    for m in measures {
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
