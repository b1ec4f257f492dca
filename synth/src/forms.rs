//! The generator's own copy of the national forms: every code the output uses
//! for an item, measure, row, applicant, proceeding or outcome, beside the text
//! the official formats print for it, per template. Written out from
//! `docs/report-format.md` (国办公开办函〔2019〕60号 and 〔2021〕30号), not
//! imported from the parser: the accuracy check compares what the parser
//! read with what was printed here, so a code put on the wrong label in the
//! parser's tables shows up as a disagreement instead of being shared.
//!
//! A `\n` in a header is where the forms' narrow columns usually break it; the
//! renderer keeps or drops it ([`crate::render::tables::Breaks`]).

use crate::numbers::Version;

/// Table A: one `第二十条第（…）项` block of a template.
#[derive(Debug, Clone, Copy)]
pub struct Block {
    /// The block's section label (its first row).
    pub section: &'static str,
    /// Measures in printed order: (code, column header). The header row
    /// starts with [`A_ITEM_HEADER`].
    pub measures: &'static [(&'static str, &'static str)],
    /// Items in printed order: (code, row label).
    pub items: &'static [(&'static str, &'static str)],
}

/// Table A's first column header, in every block.
pub const A_ITEM_HEADER: &str = "信息内容";

/// Table A measures of the 2019 template for 第二十条第（五）（六）项.
const PREV_CHANGE_DECISIONS: &[(&str, &str)] = &[
    ("prev_items", "上一年\n项目数量"),
    ("change", "本年增/减"),
    ("decisions", "处理决定\n数量"),
];

/// Table A of the 2019 template.
const A_2019: [Block; 5] = [
    Block {
        section: "第二十条第（一）项",
        measures: &[
            ("made", "本年新\n制作数量"),
            ("published", "本年新\n公开数量"),
            ("public_total", "对外公开\n总数量"),
        ],
        items: &[("rules", "规章"), ("normative_docs", "规范性文件")],
    },
    Block {
        section: "第二十条第（五）项",
        measures: PREV_CHANGE_DECISIONS,
        items: &[
            ("licensing", "行政许可"),
            ("other_services", "其他对外管理服务事项"),
        ],
    },
    Block {
        section: "第二十条第（六）项",
        measures: PREV_CHANGE_DECISIONS,
        items: &[("penalty", "行政处罚"), ("coercion", "行政强制")],
    },
    Block {
        section: "第二十条第（八）项",
        measures: &[("prev_items", "上一年\n项目数量"), ("change", "本年增/减")],
        items: &[("fees", "行政事业性收费")],
    },
    Block {
        section: "第二十条第（九）项",
        measures: &[("items", "采购项目\n数量"), ("amount", "采购总金额")],
        items: &[("procurement", "政府集中采购")],
    },
];

/// Table A of the 2021 template.
const A_2021: [Block; 4] = [
    Block {
        section: "第二十条第（一）项",
        measures: &[
            ("issued", "本年制发\n件数"),
            ("repealed", "本年废止\n件数"),
            ("in_force", "现行有效\n件数"),
        ],
        items: &[("rules", "规章"), ("normative_docs", "行政规范性文件")],
    },
    Block {
        section: "第二十条第（五）项",
        measures: &[("decisions", "本年处理决定数量")],
        items: &[("licensing", "行政许可")],
    },
    Block {
        section: "第二十条第（六）项",
        measures: &[("decisions", "本年处理决定数量")],
        items: &[("penalty", "行政处罚"), ("coercion", "行政强制")],
    },
    Block {
        section: "第二十条第（八）项",
        measures: &[("amount", "本年收费金额（单位：万元）")],
        items: &[("fees", "行政事业性收费")],
    },
];

/// Table A's blocks of a template, in printed order.
pub fn a_blocks(version: Version) -> &'static [Block] {
    match version {
        Version::V2019 => &A_2019,
        Version::V2021 => &A_2021,
    }
}

/// Table A's items of a template, in printed order.
pub fn a_items(version: Version) -> Vec<&'static str> {
    a_blocks(version)
        .iter()
        .flat_map(|b| b.items.iter().map(|(code, _)| *code))
        .collect()
}

/// Table A's measures of an item under a template, in printed order (none for
/// an item the template does not have).
pub fn a_measures(item: &str, version: Version) -> Vec<&'static str> {
    a_blocks(version)
        .iter()
        .find(|b| b.items.iter().any(|(code, _)| *code == item))
        .map(|b| b.measures.iter().map(|(code, _)| *code).collect())
        .unwrap_or_default()
}

/// Table B's top-left header: the template's note on its identity.
pub const B_NOTE: &str = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）";
/// Table B's heading over the applicant columns.
pub const B_APPLICANTS_HEADING: &str = "申请人情况";
/// Table B's heading over the five kinds of organisation.
pub const B_ORGANISATIONS: &str = "法人或其他组织";

/// Table B's applicant columns in printed order: (code, header). The first
/// stands alone, the next five under [`B_ORGANISATIONS`], the last is the total.
pub const APPLICANT_COLUMNS: [(&str, &str); 7] = [
    ("natural_person", "自然人"),
    ("commercial", "商业\n企业"),
    ("research", "科研\n机构"),
    ("public_welfare", "社会公益\n组织"),
    ("legal_services", "法律服务\n机构"),
    ("other_org", "其他"),
    ("total", "总计"),
];

/// Table B's applicant codes, in printed order.
pub const APPLICANTS: [&str; 7] = codes(APPLICANT_COLUMNS);

/// One row of table B: its code and its labels from the outermost in, each
/// printed in its own column (`三、本年度办理结果` › `（三）不予公开` ›
/// `属于国家秘密`). A third label is numbered by its place in its group
/// (`1.属于国家秘密`) when printed.
#[derive(Debug, Clone, Copy)]
pub struct Row {
    /// The row code.
    pub code: &'static str,
    /// One to three labels.
    pub labels: &'static [&'static str],
}

/// The label over every outcome row (第三项).
pub const RESULTS: &str = "三、本年度办理结果";

const fn row(code: &'static str, labels: &'static [&'static str]) -> Row {
    Row { code, labels }
}

const DENIED: &str = "（三）不予公开";
const UNAVAILABLE: &str = "（四）无法提供";
const NOT_PROCESSED: &str = "（五）不予处理";
const OTHER: &str = "（六）其他处理";

/// Table B of the 2019 template.
const B_2019: [Row; 23] = [
    row("new", &["一、本年新收政府信息公开申请数量"]),
    row("carried_over", &["二、上年结转政府信息公开申请数量"]),
    row("granted", &[RESULTS, "（一）予以公开"]),
    row(
        "partial",
        &[
            RESULTS,
            "（二）部分公开（区分处理的，只计这一情形，不计其他情形）",
        ],
    ),
    row("denied.state_secret", &[RESULTS, DENIED, "属于国家秘密"]),
    row(
        "denied.law_forbidden",
        &[RESULTS, DENIED, "其他法律行政法规禁止公开"],
    ),
    row(
        "denied.safety_stability",
        &[RESULTS, DENIED, "危及“三安全一稳定”"],
    ),
    row(
        "denied.third_party",
        &[RESULTS, DENIED, "保护第三方合法权益"],
    ),
    row(
        "denied.internal_affairs",
        &[RESULTS, DENIED, "属于三类内部事务信息"],
    ),
    row(
        "denied.process_info",
        &[RESULTS, DENIED, "属于四类过程性信息"],
    ),
    row(
        "denied.enforcement_file",
        &[RESULTS, DENIED, "属于行政执法案卷"],
    ),
    row(
        "denied.query_matter",
        &[RESULTS, DENIED, "属于行政查询事项"],
    ),
    row(
        "unavailable.not_held",
        &[RESULTS, UNAVAILABLE, "本机关不掌握相关政府信息"],
    ),
    row(
        "unavailable.needs_creation",
        &[RESULTS, UNAVAILABLE, "没有现成信息需要另行制作"],
    ),
    row(
        "unavailable.unclear",
        &[RESULTS, UNAVAILABLE, "补正后申请内容仍不明确"],
    ),
    row(
        "not_processed.petition",
        &[RESULTS, NOT_PROCESSED, "信访举报投诉类申请"],
    ),
    row(
        "not_processed.repeated",
        &[RESULTS, NOT_PROCESSED, "重复申请"],
    ),
    row(
        "not_processed.publication",
        &[RESULTS, NOT_PROCESSED, "要求提供公开出版物"],
    ),
    row(
        "not_processed.mass_repeated",
        &[RESULTS, NOT_PROCESSED, "无正当理由大量反复申请"],
    ),
    row(
        "not_processed.confirm_reissue",
        &[
            RESULTS,
            NOT_PROCESSED,
            "要求行政机关确认或重新出具已获取信息",
        ],
    ),
    row("other", &[RESULTS, OTHER]),
    row("total", &[RESULTS, "（七）总计"]),
    row("carried_forward", &["四、结转下年度继续办理"]),
];

/// Table B of the 2021 template: the 2019 rows with （六）其他处理 split into three.
const B_2021: [Row; 25] = {
    let mut rows = [row("", &[]); 25];
    let mut i = 0;
    while i < 20 {
        rows[i] = B_2019[i];
        i += 1;
    }
    rows[20] = row(
        "other.no_correction",
        &[
            RESULTS,
            OTHER,
            "申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
        ],
    );
    rows[21] = row(
        "other.unpaid_fee",
        &[
            RESULTS,
            OTHER,
            "申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
        ],
    );
    rows[22] = row("other.other", &[RESULTS, OTHER, "其他"]);
    rows[23] = B_2019[21];
    rows[24] = B_2019[22];
    rows
};

const B_CODES_2019: [&str; 23] = row_codes(B_2019);
const B_CODES_2021: [&str; 25] = row_codes(B_2021);

/// Table B's rows of a template, in printed order.
pub fn b_rows(version: Version) -> &'static [Row] {
    match version {
        Version::V2019 => &B_2019,
        Version::V2021 => &B_2021,
    }
}

/// Table B's row codes of a template, in printed order.
pub fn b_row_codes(version: Version) -> &'static [&'static str] {
    match version {
        Version::V2019 => &B_CODES_2019,
        Version::V2021 => &B_CODES_2021,
    }
}

/// Whether a table B row counts applications by outcome (under [`RESULTS`],
/// not its total): the rows the `（七）总计` row sums.
pub fn is_outcome_row(code: &str) -> bool {
    b_rows(Version::V2021)
        .iter()
        .chain(b_rows(Version::V2019))
        .any(|r| r.code == code && r.labels[0] == RESULTS && r.code != "total")
}

/// Table C's heading over the two litigation proceedings.
pub const LITIGATION: &str = "行政诉讼";

/// Table C's proceedings in printed order: (code, header). The first is
/// 行政复议; the other two are printed under [`LITIGATION`].
pub const PROCEEDING_COLUMNS: [(&str, &str); 3] = [
    ("review", "行政复议"),
    ("litigation_direct", "未经复议直接起诉"),
    ("litigation_after_review", "复议后起诉"),
];

/// Table C's outcomes of each proceeding in printed order: (code, header).
pub const OUTCOME_COLUMNS: [(&str, &str); 5] = [
    ("upheld", "结果\n维持"),
    ("corrected", "结果\n纠正"),
    ("other", "其他\n结果"),
    ("pending", "尚未\n审结"),
    ("total", "总计"),
];

/// Table C's proceeding codes, in printed order.
pub const PROCEEDINGS: [&str; 3] = codes(PROCEEDING_COLUMNS);
/// Table C's outcome codes, in printed order.
pub const OUTCOMES: [&str; 5] = codes(OUTCOME_COLUMNS);

const fn codes<const N: usize>(table: [(&'static str, &'static str); N]) -> [&'static str; N] {
    let mut out = [""; N];
    let mut i = 0;
    while i < N {
        out[i] = table[i].0;
        i += 1;
    }
    out
}

const fn row_codes<const N: usize>(rows: [Row; N]) -> [&'static str; N] {
    let mut out = [""; N];
    let mut i = 0;
    while i < N {
        out[i] = rows[i].code;
        i += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The printed text, with the forms' line breaks taken out.
    fn flat(text: &str) -> String {
        text.replace('\n', "")
    }

    #[test]
    fn codes_are_distinct_and_rows_complete() {
        for v in [Version::V2019, Version::V2021] {
            let codes = b_row_codes(v);
            let mut seen = std::collections::BTreeSet::new();
            assert!(codes.iter().all(|c| !c.is_empty() && seen.insert(*c)));
            assert_eq!(codes.len(), if v == Version::V2019 { 23 } else { 25 });
            let items = a_items(v);
            let distinct: std::collections::BTreeSet<_> = items.iter().collect();
            assert_eq!(distinct.len(), items.len());
            assert!(b_rows(v).iter().all(|r| (1..=3).contains(&r.labels.len())));
        }
        // 20 outcome rows under 三 in 2019 (one 其他处理), 22 in 2021 (three).
        let outcomes = |v| b_row_codes(v).iter().filter(|c| is_outcome_row(c)).count();
        assert_eq!(outcomes(Version::V2019), 19);
        assert_eq!(outcomes(Version::V2021), 21);
    }

    /// The numbers are drawn with the same measure codes, in the same order,
    /// as the form prints them.
    #[test]
    fn drawn_table_a_follows_the_form() {
        let mut rng = crate::rng::Rng::new(3);
        for v in [Version::V2019, Version::V2021] {
            let drawn = crate::numbers::table_a(&mut rng, v, crate::numbers::Scale::Busy, 0.0);
            let items: Vec<&str> = drawn.iter().map(|(i, _)| *i).collect();
            assert_eq!(items, a_items(v));
            for (item, measures) in &drawn {
                let codes: Vec<&str> = measures.iter().map(|(m, _)| *m).collect();
                assert_eq!(codes, a_measures(item, v), "{item}");
            }
        }
    }

    /// A few pairs spelled out, as docs/report-format.md lists them: a code
    /// moved to another label fails here.
    #[test]
    fn labels_match_the_format() {
        let header = |v, code: &str| {
            a_blocks(v)
                .iter()
                .flat_map(|b| b.measures)
                .find(|(c, _)| *c == code)
                .map(|(_, h)| flat(h))
        };
        assert_eq!(header(Version::V2019, "made").unwrap(), "本年新制作数量");
        assert_eq!(
            header(Version::V2019, "public_total").unwrap(),
            "对外公开总数量"
        );
        assert_eq!(header(Version::V2019, "items").unwrap(), "采购项目数量");
        assert_eq!(header(Version::V2021, "repealed").unwrap(), "本年废止件数");
        assert_eq!(header(Version::V2021, "in_force").unwrap(), "现行有效件数");
        assert_eq!(flat(APPLICANT_COLUMNS[2].1), "科研机构");
        assert_eq!(APPLICANT_COLUMNS[5], ("other_org", "其他"));
        assert_eq!(flat(OUTCOME_COLUMNS[1].1), "结果纠正");
        assert_eq!(flat(OUTCOME_COLUMNS[3].1), "尚未审结");
        assert_eq!(
            PROCEEDING_COLUMNS[2],
            ("litigation_after_review", "复议后起诉")
        );
        let label = |v, code: &str| {
            b_rows(v)
                .iter()
                .find(|r| r.code == code)
                .map(|r| *r.labels.last().unwrap())
        };
        assert_eq!(
            label(Version::V2019, "unavailable.needs_creation"),
            Some("没有现成信息需要另行制作")
        );
        assert_eq!(
            label(Version::V2021, "other.unpaid_fee").map(|l| l.contains("收费通知")),
            Some(true)
        );
        assert_eq!(label(Version::V2019, "other"), Some(OTHER));
    }
}
