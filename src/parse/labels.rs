//! The national tables' vocabulary: item, measure, row, applicant, proceeding
//! and outcome codes (see `docs/report-format.md`), and how printed labels map to them.
//!
//! Labels are matched on normalised text (no whitespace, full-width brackets),
//! by key phrases that survive line breaks and the wording drift seen in reports.

use crate::model::Template;
use aho_corasick::automaton::Automaton;
use aho_corasick::{dfa::DFA, Anchored};
use std::sync::LazyLock;

/// Normalise a label for matching: drop whitespace and markdown, full-width brackets and dots.
/// Borrows when the text is already normal (most cells), so tokenizing allocates little.
pub fn norm(text: &str) -> std::borrow::Cow<'_, str> {
    if !may_need_norm(text.as_bytes()) {
        return std::borrow::Cow::Borrowed(text);
    }
    let needs_change = text
        .chars()
        .any(|c| c.is_whitespace() || matches!(c, '*' | '(' | ')' | ',' | ':' | '．' | '、'));
    if !needs_change {
        return std::borrow::Cow::Borrowed(text);
    }
    // Sized once: full-width replacements are at most 2 bytes longer each.
    let mut owned = String::with_capacity(text.len() + text.len() / 2);
    owned.extend(text.chars().filter_map(norm_char));
    std::borrow::Cow::Owned(owned)
}

/// What `norm` makes of one character: dropped (whitespace, markdown `*`), or
/// the full-width bracket, comma, colon, or `.` for numbering.
fn norm_char(c: char) -> Option<char> {
    match c {
        c if c.is_whitespace() => None,
        '*' => None,
        '(' => Some('（'),
        ')' => Some('）'),
        ',' => Some('，'),
        ':' => Some('：'),
        '．' | '、' => Some('.'),
        _ => Some(c),
    }
}

/// Whether `norm` could change the text: an ASCII space or `*(),:`, or the
/// UTF-8 bytes of a Unicode space (U+0085, U+00A0, U+1680, U+2000–U+200A,
/// U+2028, U+2029, U+202F, U+205F, U+3000), `、` or `．`. One pass over the
/// bytes, no decoding: most labels and all prose in full-width punctuation
/// (（）， need no change) are returned as they are.
fn may_need_norm(b: &[u8]) -> bool {
    let at = |i: usize| b.get(i).copied().unwrap_or(0);
    let mut i = 0;
    while i < b.len() {
        let hit = match b[i] {
            b'\t'..=b'\r' | b' ' | b'*' | b'(' | b')' | b',' | b':' => true,
            0xC2 => matches!(at(i + 1), 0x85 | 0xA0),
            0xE1 => at(i + 1) == 0x9A && at(i + 2) == 0x80,
            0xE2 => matches!(
                (at(i + 1), at(i + 2)),
                (0x80, 0x80..=0x8A | 0xA8 | 0xA9 | 0xAF) | (0x81, 0x9F)
            ),
            0xE3 => at(i + 1) == 0x80 && matches!(at(i + 2), 0x80 | 0x81),
            0xEF => at(i + 1) == 0xBC && at(i + 2) == 0x8E,
            _ => false,
        };
        if hit {
            return true;
        }
        i += 1;
    }
    false
}

/// Longest text (in chars) that can still be a table label; longer cells are prose.
pub const MAX_LABEL_CHARS: usize = 64;

/// Table A items: code, and the labels that name it (exact match after numbering is stripped).
pub const ACTIVE_ITEMS: &[(&str, &[&str])] = &[
    ("rules", &["规章"]),
    ("normative_docs", &["规范性文件", "行政规范性文件"]),
    ("licensing", &["行政许可"]),
    ("other_services", &["其他对外管理服务事项"]),
    ("penalty", &["行政处罚"]),
    ("coercion", &["行政强制"]),
    ("fees", &["行政事业性收费"]),
    ("procurement", &["政府集中采购"]),
];

/// Table A measures for one item under one template, in printed order.
pub fn active_measures(item: &str, template: Template) -> &'static [&'static str] {
    match (template, item) {
        (Template::V2021, "rules" | "normative_docs") => &["issued", "repealed", "in_force"],
        (Template::V2021, "licensing" | "penalty" | "coercion") => &["decisions"],
        (Template::V2021, "fees") => &["amount"],
        (Template::V2021, _) => &[],
        (_, "rules" | "normative_docs") => &["made", "published", "public_total"],
        (_, "licensing" | "other_services" | "penalty" | "coercion") => {
            &["prev_items", "change", "decisions"]
        }
        (_, "fees") => &["prev_items", "change"],
        (_, "procurement") => &["items", "amount"],
        _ => &[],
    }
}

/// Items of table A under a template, in printed order.
pub fn active_items(template: Template) -> &'static [&'static str] {
    match template {
        Template::V2021 => &[
            "rules",
            "normative_docs",
            "licensing",
            "penalty",
            "coercion",
            "fees",
        ],
        _ => &[
            "rules",
            "normative_docs",
            "licensing",
            "other_services",
            "penalty",
            "coercion",
            "fees",
            "procurement",
        ],
    }
}

/// A label with its numbers run together (`规范性文件898989`, text from
/// crawlers that dropped the cell separators): the label and the digit run.
pub fn split_trailing_digits(cell: &str) -> Option<(&str, &str)> {
    let digits_from = cell
        .char_indices()
        .rev()
        .take_while(|(_, c)| c.is_ascii_digit() || ('０'..='９').contains(c))
        .last()
        .map(|(i, _)| i)?;
    let (label, digits) = cell.split_at(digits_from);
    (!label.is_empty() && digits.chars().count() >= 2).then_some((label, digits))
}

/// Which table A item a (normalised) cell names, if any.
pub fn active_item(cell: &str) -> Option<&'static str> {
    let label = strip_numbering(cell);
    // Up to a bracketed note (`规章（件）`): found by SIMD search, as the
    // char search stops at every CJK character sharing its last byte.
    static BRACKET: LazyLock<memchr::memmem::Finder<'static>> =
        LazyLock::new(|| memchr::memmem::Finder::new("（"));
    let label = BRACKET
        .find(label.as_bytes())
        .map_or(label, |i| &label[..i]);
    ACTIVE_ITEMS
        .iter()
        .find(|(_, labels)| labels.contains(&label))
        .map(|(code, _)| *code)
}

/// Header phrases found only in the 2021 template's table A.
const MARKERS_2021: &[&str] = &[
    "本年制发件数",
    "本年废止件数",
    "现行有效件数",
    "本年处理决定数量",
    "本年收费金额",
];

/// Header phrases found only in the 2019 template's table A.
const MARKERS_2019: &[&str] = &[
    "本年新制作数量",
    "本年新公开数量",
    "对外公开总数量",
    "上一年项目数量",
    "本年增/减",
    "其他对外管理服务事项",
    "第二十条第（九）项",
    "采购项目数量",
    "采购总金额",
];

/// Table A measure column headers of either template.
const MEASURE_HEADERS: &[&str] = &[
    "本年制发件数",
    "本年废止件数",
    "现行有效件数",
    "处理决定数量",
    "收费金额",
    "本年新制作数量",
    "本年新公开数量",
    "对外公开总数量",
    "上一年项目数量",
    "本年增/减",
    "采购项目数量",
    "采购总金额",
];

/// Words of table B's applicant headers.
const APPLICANT_KEYS: &[&str] = &[
    "自然人",
    "商业企",
    "科研机",
    "社会公",
    "法律服",
    "法人或其他组织",
];

/// Table B applicant columns, in printed order.
pub const APPLICANTS: [&str; 7] = [
    "natural_person",
    "commercial",
    "research",
    "public_welfare",
    "legal_services",
    "other_org",
    "total",
];

/// Table B rows of a template, in printed order.
pub fn application_rows(template: Template) -> &'static [&'static str] {
    const HEAD: [&str; 20] = [
        "new",
        "carried_over",
        "granted",
        "partial",
        "denied.state_secret",
        "denied.law_forbidden",
        "denied.safety_stability",
        "denied.third_party",
        "denied.internal_affairs",
        "denied.process_info",
        "denied.enforcement_file",
        "denied.query_matter",
        "unavailable.not_held",
        "unavailable.needs_creation",
        "unavailable.unclear",
        "not_processed.petition",
        "not_processed.repeated",
        "not_processed.publication",
        "not_processed.mass_repeated",
        "not_processed.confirm_reissue",
    ];
    const V2019: [&str; 23] = concat_rows(HEAD, ["other", "total", "carried_forward", "", "", ""]);
    const V2021: [&str; 25] = concat_rows(
        HEAD,
        [
            "other.no_correction",
            "other.unpaid_fee",
            "other.other",
            "total",
            "carried_forward",
            "",
        ],
    );
    match template {
        Template::V2021 => &V2021,
        _ => &V2019,
    }
}

/// Build a row list at compile time from the common head and a tail (blank entries dropped).
const fn concat_rows<const N: usize>(
    head: [&'static str; 20],
    tail: [&'static str; 6],
) -> [&'static str; N] {
    let mut out = [""; N];
    let mut i = 0;
    while i < 20 {
        out[i] = head[i];
        i += 1;
    }
    let mut j = 0;
    while i < N {
        out[i] = tail[j];
        i += 1;
        j += 1;
    }
    out
}

/// Key phrases of table B row labels (normalised). Checked in order; the
/// first match wins. Several rows have two keys, one from each half of the
/// label, because PDF layouts break long labels over two lines. `total` and `other.other` need context, see [`application_row`].
const ROW_KEYS: &[(&str, &str)] = &[
    ("本年新收", "new"),
    ("上年结转", "carried_over"),
    ("结转下年度", "carried_forward"),
    ("予以公开", "granted"),
    ("部分公开", "partial"),
    ("国家秘密", "denied.state_secret"),
    ("禁止公开", "denied.law_forbidden"),
    // Printed so in real reports (法规禁 dropped).
    ("其他法律行政", "denied.law_forbidden"),
    ("三安全一稳定", "denied.safety_stability"),
    ("第三方合法权益", "denied.third_party"),
    ("内部事务", "denied.internal_affairs"),
    ("过程性信息", "denied.process_info"),
    ("行政执法案卷", "denied.enforcement_file"),
    ("行政查询事项", "denied.query_matter"),
    ("不掌握", "unavailable.not_held"),
    ("另行制作", "unavailable.needs_creation"),
    ("没有现成信息", "unavailable.needs_creation"),
    ("仍不明确", "unavailable.unclear"),
    ("补正后申请", "unavailable.unclear"),
    ("信访举报", "not_processed.petition"),
    ("重复申请", "not_processed.repeated"),
    ("出版物", "not_processed.publication"),
    ("大量反复", "not_processed.mass_repeated"),
    ("确认或重新", "not_processed.confirm_reissue"),
    ("行政机关确认", "not_processed.confirm_reissue"),
    ("逾期不补", "other.no_correction"),
    ("无正当理由逾期", "other.no_correction"),
    ("收费通知", "other.unpaid_fee"),
    ("逾期未按", "other.unpaid_fee"),
    ("其他处理", "other"),
];

/// Table B's key phrases and the row each names, in lookup order.
pub fn application_row_keys() -> &'static [(&'static str, &'static str)] {
    ROW_KEYS
}

/// Which table B row a (normalised) cell names. `after_new` says the header is
/// behind us (so `总计` is the total row, not the total column); `in_other`
/// says the previous row was an `other.*` sub-row (so `3.其他` is `other.other`).
pub fn application_row(cell: &str, after_new: bool, in_other: bool) -> Option<&'static str> {
    Hits::of(cell).application_row(cell, after_new, in_other)
}

/// A cell that names this is the note under table B, never a row.
const AUDIT_NOTE: &str = "勾稽关系";

/// The heading of table B's applicant columns.
const APPLICANT_SECTION: &str = "申请人情况";

/// What a short (normalised) cell names among the key phrases the table
/// readers ask about: table A template markers and measure headers, table B
/// applicant headers and row keys. One pass of one automaton answers all of
/// them, once per cell when it is tokenized ([`super::layout::Token`]),
/// where asking each question of each cell in each reader took four passes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Hits {
    flags: u8,
    /// Index in `ROW_KEYS` of the first row key the cell holds (`NO_ROW`: none).
    row_key: u8,
}

const HIT_2021: u8 = 1;
const HIT_2019: u8 = 2;
const HIT_MEASURE: u8 = 4;
const HIT_APPLICANT: u8 = 8;
const HIT_AUDIT: u8 = 16;
const HIT_APPLICANT_SECTION: u8 = 32;
const NO_ROW: u8 = u8::MAX;

impl Hits {
    /// No key phrase.
    pub const NONE: Hits = Hits {
        flags: 0,
        row_key: NO_ROW,
    };
}

impl Default for Hits {
    fn default() -> Self {
        Hits::NONE
    }
}

/// The combined automaton: each distinct phrase once, with what it means.
struct Phrases {
    /// Every phrase, unanchored, without a prefilter: its only special states are matches.
    dfa: DFA,
    /// The phrases, by pattern id (the tests' reference search uses them).
    #[cfg_attr(not(test), allow(dead_code))]
    phrases: Vec<&'static str>,
    /// Per pattern: its flags and the smallest `ROW_KEYS` index it is (or `NO_ROW`).
    meaning: Vec<Hits>,
    /// Bytes of the shortest phrase: shorter cells (`规章`, `合计`) hold none.
    shortest: usize,
    /// The characters phrases begin with.
    first_chars: BmpSet,
}

/// A set of Basic Multilingual Plane characters, one bit each (8 KiB).
struct BmpSet(Box<[u64; 1024]>);

impl BmpSet {
    fn of(chars: impl Iterator<Item = char>) -> Self {
        let mut bits = Box::new([0u64; 1024]);
        for c in chars {
            let code = c as usize;
            assert!(code < 0x10000, "phrases begin with BMP characters");
            bits[code / 64] |= 1 << (code % 64);
        }
        BmpSet(bits)
    }

    fn contains(&self, code: u16) -> bool {
        let code = usize::from(code);
        self.0[code / 64] & (1 << (code % 64)) != 0
    }
}

/// The character starting at byte `i` of UTF-8 text, when `i` starts one of one,
/// two or three bytes (a BMP character): its code point and length.
fn bmp_char_at(bytes: &[u8], i: usize) -> Option<(u16, usize)> {
    let lead = bytes[i];
    let cont = |k: usize| u16::from(bytes.get(i + k).copied().unwrap_or(0) & 0x3F);
    match lead {
        0x00..=0x7F => Some((u16::from(lead), 1)),
        0xC0..=0xDF => Some(((u16::from(lead & 0x1F) << 6) | cont(1), 2)),
        0xE0..=0xEF => Some(((u16::from(lead & 0x0F) << 12) | (cont(1) << 6) | cont(2), 3)),
        _ => None, // a continuation byte, or a four-byte character
    }
}

static PHRASES: LazyLock<Phrases> = LazyLock::new(|| {
    let mut phrases: Vec<&'static str> = Vec::new();
    let mut meaning: Vec<Hits> = Vec::new();
    let mut add = |phrase: &'static str, flags: u8, row_key: u8| {
        let i = match phrases.iter().position(|p| *p == phrase) {
            Some(i) => i,
            None => {
                phrases.push(phrase);
                meaning.push(Hits::default());
                phrases.len() - 1
            }
        };
        meaning[i].flags |= flags;
        meaning[i].row_key = meaning[i].row_key.min(row_key);
    };
    for (list, flag) in [
        (MARKERS_2021, HIT_2021),
        (MARKERS_2019, HIT_2019),
        (MEASURE_HEADERS, HIT_MEASURE),
        (APPLICANT_KEYS, HIT_APPLICANT),
        (&[AUDIT_NOTE][..], HIT_AUDIT),
        (&[APPLICANT_SECTION][..], HIT_APPLICANT_SECTION),
    ] {
        for phrase in list {
            add(phrase, flag, NO_ROW);
        }
    }
    for (i, (key, _)) in ROW_KEYS.iter().enumerate() {
        add(key, 0, u8::try_from(i).expect("fewer than 255 row keys"));
    }
    Phrases {
        shortest: phrases.iter().map(|p| p.len()).min().unwrap_or(0),
        first_chars: BmpSet::of(phrases.iter().filter_map(|p| p.chars().next())),
        dfa: DFA::builder()
            .start_kind(aho_corasick::StartKind::Unanchored)
            .prefilter(false)
            .build(&phrases)
            .expect("literal patterns"),
        phrases,
        meaning,
    }
});

impl Hits {
    /// Every key phrase in a (normalised) cell. Cells longer than a label can
    /// be (prose) hold none.
    pub fn of(cell: &str) -> Hits {
        let mut hits = Hits::default();
        if cell.len() > 4 * MAX_LABEL_CHARS || cell.len() < PHRASES.shortest {
            return hits;
        }
        // The hot loop of tokenizing: a DFA step per byte, and at each match
        // state every phrase ending there (the overlapping search: every phrase,
        // even inside another), walked directly (a quarter fewer instructions
        // than the library's overlapping iterator on cells this short).
        //
        // In the start state, a whole character that begins no phrase is
        // skipped with one bitmap look-up instead of three dependent steps
        // through a 350 KB table: no phrase begins with a UTF-8 continuation
        // byte, so no phrase can end inside such a character and the DFA would
        // be back in its start state after it.
        let dfa = &PHRASES.dfa;
        let Ok(start) = dfa.start_state(Anchored::No) else {
            return hits;
        };
        let bytes = cell.as_bytes();
        let mut state = start;
        let mut i = 0;
        while i < bytes.len() {
            if state == start {
                if let Some((code, len)) = bmp_char_at(bytes, i) {
                    if !PHRASES.first_chars.contains(code) {
                        i += len;
                        continue;
                    }
                }
            }
            state = dfa.next_state(Anchored::No, state, bytes[i]);
            i += 1;
            if dfa.is_match(state) {
                for m in 0..dfa.match_len(state) {
                    let meaning = PHRASES.meaning[dfa.match_pattern(state, m).as_usize()];
                    hits.flags |= meaning.flags;
                    hits.row_key = hits.row_key.min(meaning.row_key);
                }
            }
        }
        hits
    }

    /// Which template's table A the cell's header phrase belongs to; a 2021
    /// marker wins over a 2019 one.
    pub fn template_marker(self) -> Option<Template> {
        if self.flags & HIT_2021 != 0 {
            Some(Template::V2021)
        } else if self.flags & HIT_2019 != 0 {
            Some(Template::V2019)
        } else {
            None
        }
    }

    /// Whether the cell is a table A measure column header (`本年制发件数`,
    /// `上一年项目数量`, `处理决定数量`, …) of either template: the cells whose
    /// positions place a short row's values in space-aligned text. Row labels are
    /// never headers, even those that tell the template (`其他对外管理服务事项`).
    pub fn is_measure_header(self) -> bool {
        self.flags & HIT_MEASURE != 0
    }

    /// Whether the cell (`cell`, whose hits these are) opens table B's header:
    /// it names the applicant columns (`申请人情况`) or the note on them (`勾稽关系`).
    /// Prose past the label length is searched directly.
    pub fn opens_applications_header(self, cell: &str) -> bool {
        if cell.len() > 4 * MAX_LABEL_CHARS {
            return cell.contains(APPLICANT_SECTION) || cell.contains(AUDIT_NOTE);
        }
        self.flags & (HIT_APPLICANT_SECTION | HIT_AUDIT) != 0
    }

    /// Whether the cell names a table B applicant kind (`自然人`, `商业企`,
    /// `法人或其他组织`, …): the words of its header rows, never of a row label.
    pub fn is_applicant_header(self) -> bool {
        self.flags & HIT_APPLICANT != 0
    }

    /// The table B row the cell (whose hits these are) names; see [`application_row`].
    pub fn application_row(
        self,
        cell: &str,
        after_new: bool,
        in_other: bool,
    ) -> Option<&'static str> {
        // A byte length past 4 × the limit is past it in characters too: prose
        // lines are rejected without counting.
        if cell.len() > 4 * MAX_LABEL_CHARS
            || self.flags & HIT_AUDIT != 0
            || cell.chars().count() > MAX_LABEL_CHARS
        {
            return None;
        }
        // The first key in ROW_KEYS order that occurs anywhere in the cell wins.
        if self.row_key != NO_ROW {
            return Some(ROW_KEYS[usize::from(self.row_key)].1);
        }
        let label = strip_numbering(cell);
        if after_new && label == "总计" {
            return Some("total");
        }
        if in_other && label == "其他" {
            return Some("other.other");
        }
        None
    }
}

/// Whether a table B row is an outcome row (counted in the `total` row).
pub fn is_outcome_row(row: &str) -> bool {
    !matches!(row, "new" | "carried_over" | "total" | "carried_forward")
}

/// Table C proceedings and outcomes, in printed order.
pub const PROCEEDINGS: [&str; 3] = ["review", "litigation_direct", "litigation_after_review"];
/// Outcomes of each proceeding, in printed order.
pub const OUTCOMES: [&str; 5] = ["upheld", "corrected", "other", "pending", "total"];
/// Table C's cells: every outcome of every proceeding, proceeding by proceeding.
pub const REVIEW_CELLS: usize = PROCEEDINGS.len() * OUTCOMES.len();
/// Table B's columns: one per applicant, the last the row total.
pub const APPLICANT_COLUMNS: usize = APPLICANTS.len();

/// Whether a (normalised) cell is one of table C's outcome headers.
pub fn is_review_outcome_header(cell: &str) -> bool {
    matches!(
        cell,
        "结果维持" | "结果纠正" | "其他结果" | "尚未审结" | "总计"
    )
}

/// Whether a (normalised) cell is the heading of a section after table C (五、/六、).
pub fn is_section_after_review(cell: &str) -> bool {
    cell.contains("存在的主要问题")
        || cell.contains("其他需要报告")
        || cell.starts_with("五.")
        || cell.starts_with("六.")
}

/// Whether a (normalised) cell starts table C.
pub fn is_review_start(cell: &str) -> bool {
    cell == "行政复议" || (cell.starts_with("行政复议") && cell.chars().count() <= 8)
}

/// Drop leading numbering: `一.`, `（一）`, `1.`, `(1)`, `1、`.
pub fn strip_numbering(cell: &str) -> &str {
    let mut rest = cell;
    loop {
        let before = rest;
        if let Some(r) = rest.strip_prefix('（') {
            if let Some(end) = r.find('）') {
                let inner = &r[..end];
                if inner.chars().count() <= 3 && inner.chars().all(is_numeral) {
                    rest = &r[end + '）'.len_utf8()..];
                }
            }
        }
        let digits = rest.chars().take_while(|c| is_numeral(*c)).count();
        if digits > 0 && digits <= 3 {
            let cut: usize = rest.chars().take(digits).map(char::len_utf8).sum();
            if rest[cut..].starts_with('.') {
                rest = &rest[cut + 1..];
            }
        }
        if rest == before {
            return rest;
        }
    }
}

fn is_numeral(c: char) -> bool {
    c.is_ascii_digit() || "一二三四五六七八九十".contains(c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn row_lists_have_the_template_lengths() {
        assert_eq!(application_rows(Template::V2019).len(), 23);
        assert_eq!(application_rows(Template::V2021).len(), 25);
        assert!(application_rows(Template::V2021)
            .iter()
            .all(|r| !r.is_empty()));
    }

    #[test]
    fn numbering_is_stripped() {
        assert_eq!(strip_numbering(&norm("（七）总计")), "总计");
        assert_eq!(strip_numbering(&norm("3、其他")), "其他");
        assert_eq!(strip_numbering(&norm("(七) 总计")), "总计");
        assert_eq!(strip_numbering("规章"), "规章");
    }

    #[test]
    fn rows_match_in_context() {
        assert_eq!(application_row(&norm("总计"), false, false), None);
        assert_eq!(
            application_row(&norm("（七）总计"), true, false),
            Some("total")
        );
        assert_eq!(
            application_row(&norm("3.其他"), true, true),
            Some("other.other")
        );
        assert_eq!(
            application_row(
                &norm("(二) 部分公开(区分处理的, 只计这一情形, 不计其"),
                true,
                false
            ),
            Some("partial")
        );
        assert_eq!(
            application_row(
                &norm("（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"),
                false,
                false
            ),
            None
        );
    }

    #[test]
    fn hits_find_every_phrase_even_inside_another() {
        let fee = Hits::of("本年收费金额");
        assert_eq!(fee.template_marker(), Some(Template::V2021));
        assert!(fee.is_measure_header(), "收费金额 inside the 2021 marker");
        let made = Hits::of("本年新制作数量");
        assert_eq!(made.template_marker(), Some(Template::V2019));
        assert!(made.is_measure_header());
        assert_eq!(
            Hits::of("本年新制作数量本年制发件数").template_marker(),
            Some(Template::V2021),
            "a 2021 marker wins"
        );
        assert!(Hits::of("法人或其他组织").is_applicant_header());
        assert!(!Hits::of("规章").is_applicant_header());
        // The first row key in ROW_KEYS order wins, wherever it stands.
        let cell = "结转下年度本年新收";
        assert_eq!(
            Hits::of(cell).application_row(cell, true, false),
            Some("new")
        );
        let note = "本年新收勾稽关系";
        assert_eq!(Hits::of(note).application_row(note, true, false), None);
        assert!(Hits::of(note).opens_applications_header(note));
        let long = "申请人情况".repeat(60);
        assert!(
            Hits::of(&long).opens_applications_header(&long),
            "prose searched directly"
        );
    }

    #[test]
    fn items_match_exactly() {
        assert_eq!(active_item("行政规范性文件"), Some("normative_docs"));
        assert_eq!(
            active_item("其他对外管理服务事项（除行政许可外的其他行政权力）"),
            Some("other_services")
        );
        assert_eq!(active_item("行政许可事项办理"), None);
    }

    /// `norm` without its fast paths (the byte prefilter and the borrow when
    /// nothing changes): every character mapped. The fast paths must agree.
    fn norm_reference(text: &str) -> String {
        text.chars().filter_map(norm_char).collect()
    }

    /// `Hits::of` by the library's overlapping search: what the DFA walk must equal.
    fn hits_reference(cell: &str) -> Hits {
        let mut hits = Hits::default();
        if cell.len() > 4 * MAX_LABEL_CHARS || cell.len() < PHRASES.shortest {
            return hits;
        }
        let search = aho_corasick::AhoCorasick::new(&PHRASES.phrases).expect("literal patterns");
        for m in search.find_overlapping_iter(cell) {
            let meaning = PHRASES.meaning[m.pattern().as_usize()];
            hits.flags |= meaning.flags;
            hits.row_key = hits.row_key.min(meaning.row_key);
        }
        hits
    }

    /// Pieces of key phrases (a character range of one) and characters around them.
    fn phrase_piece() -> impl proptest::strategy::Strategy<Value = String> {
        use proptest::prelude::*;
        let phrase = proptest::sample::select(PHRASES.phrases.clone());
        prop_oneof![
            (phrase, 0..12usize, 0..12usize).prop_map(|(p, from, drop)| {
                let chars: Vec<char> = p.chars().collect();
                let from = from.min(chars.len());
                let to = chars.len().saturating_sub(drop).max(from);
                chars[from..to].iter().collect()
            }),
            proptest::sample::select(PHRASES.phrases.clone()).prop_map(String::from),
            "[年本数量其他一二（）a0 é😀]{0,3}",
        ]
    }

    proptest::proptest! {
        #[test]
        fn hits_agree_with_the_overlapping_search(
            pieces in proptest::collection::vec(phrase_piece(), 0..8)
        ) {
            let cell = pieces.concat();
            proptest::prop_assert_eq!(Hits::of(&cell), hits_reference(&cell));
        }

        #[test]
        fn norm_agrees_with_its_reference(chars in proptest::collection::vec(
            proptest::sample::select(vec![
                '规', '章', '一', '0', '9', 'a', 'Z', '（', '）', '，', '：', '、', '．', '.', '*', '(', ')',
                ',', ':', ' ', '\t', '\n', '\r', '\u{3000}', '\u{a0}', '\u{85}', '\u{1680}', '\u{2000}',
                '\u{2003}', '\u{200a}', '\u{200b}', '\u{2028}', '\u{2029}', '\u{202f}', '\u{205f}',
                '\u{3001}', '\u{3002}', '\u{ff0e}', '\u{ff0c}', '\u{e000}', '\u{1f600}',
            ]),
            0..24,
        )) {
            let text: String = chars.into_iter().collect();
            let (fast, reference) = (norm(&text), norm_reference(&text));
            proptest::prop_assert_eq!(fast.as_ref(), reference.as_str());
        }

        #[test]
        fn norm_agrees_with_its_reference_on_any_text(text in "\\PC{0,40}") {
            let (fast, reference) = (norm(&text), norm_reference(&text));
            proptest::prop_assert_eq!(fast.as_ref(), reference.as_str());
        }
    }
}
