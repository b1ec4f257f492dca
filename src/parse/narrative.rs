//! Narrative: the figures a report states in words around its tables —
//! 主动公开政府信息1601条, 共收到政府信息公开申请70件, 召开新闻发布会十二场,
//! 收取信息处理费三十万元 — each with the sentence it came from.
//!
//! Each measure is one pattern: its key phrase, the few words that may stand
//! between the key and the figure (never punctuation: `政策解读、热点回应等方面信息
//! 214条` is not a count of 政策解读), the figure in Arabic or Chinese numerals,
//! and the counting words the measure takes. What the patterns leave out is
//! not guessed: a sentence that states a figure some other way gives no row.
//! Validation compares the figures that have a table counterpart with it.
//!
//! The patterns are regular expressions (written out in the tests, which
//! check the matcher against them) but run as a small hand-written matcher
//! ([`Measure::find_at`]): they are literal words, one lazy run of filler
//! and a figure, and the regex engine's general machinery (a forward and a
//! reverse DFA, then a backtracker for the groups) cost several thousand
//! instructions a match.

use crate::model::NarrativeFigure;
use chinese_number::{ChineseCountMethod, ChineseToNumber};
use std::ops::Range;
use std::sync::LazyLock;

/// A character of the words that may stand between a key phrase and its
/// figure: anything but punctuation and a line break.
fn is_filler(c: char) -> bool {
    !matches!(
        c,
        '，' | '。'
            | '；'
            | '、'
            | '：'
            | ':'
            | ','
            | ';'
            | '！'
            | '？'
            | '!'
            | '?'
            | '（'
            | '）'
            | '('
            | ')'
            | '“'
            | '”'
            | '\n'
    )
}

/// A Chinese numeral (a figure written in words: `十二`, `三十万`).
fn is_chinese_numeral(c: char) -> bool {
    matches!(
        c,
        '零' | '〇'
            | '一'
            | '二'
            | '两'
            | '三'
            | '四'
            | '五'
            | '六'
            | '七'
            | '八'
            | '九'
            | '十'
            | '百'
            | '千'
            | '万'
            | '亿'
    )
}

/// A digit a figure in Arabic numerals starts with (half or full width).
fn is_arabic_digit(c: char) -> bool {
    matches!(c, '0'..='9' | '０'..='９')
}

/// One match of a measure's pattern: byte ranges into the searched text.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Found<'t> {
    /// The whole match.
    span: Range<usize>,
    /// The words between the key phrase and the figure.
    mid: &'t str,
    /// The figure as printed (`1,601`, `三十万`).
    num: Range<usize>,
    /// The counting word (`条`, `万元`).
    unit: Range<usize>,
    /// Active disclosure only: `应` or `申请` before the key (a look-alike).
    pre: bool,
    /// Active disclosure only: `主动` before `公开`.
    active: bool,
    /// Active disclosure only: `政府` before `信息`.
    gov: bool,
}

/// A way a match may begin: its words, in the order the pattern tries them
/// (an optional word is tried present first, as a greedy `?` is).
struct Head {
    words: String,
    pre: bool,
    active: bool,
}

/// One measure: its code (the `measure` column), its pattern, and a check on
/// what it matched (mostly the words between key and figure, `mid`).
///
/// The pattern, as a regular expression (leftmost-first, like the `regex`
/// crate's): `HEAD (?P<mid>FILLER{0,MID_MAX}?) LINK (?:TOTAL)? \s* FIGURE
/// (?P<unit>UNITS)`, where FIGURE is `(?P<num>[0-9０-９][0-9０-９,，]*(?:\.[0-9]+)?
/// |[零〇一二两三四五六七八九十百千万亿]+)\s*(?:余|多)?\s*` and FILLER is
/// [`is_filler`]. `余`/`多` mark a lower bound, kept in `raw`.
struct Measure {
    code: &'static str,
    /// Words one of which every match contains: a stretch without any is
    /// not searched (a substring test costs less than a search).
    keys: &'static [&'static str],
    /// The counting words a match may end in, one bit each by its place in
    /// [`UNITS`]: a piece without a figure in one of them is not searched.
    ends: u16,
    /// HEAD: the key phrase, every way it may be written, in the order tried.
    heads: Vec<Head>,
    /// Most filler characters between HEAD and LINK (the lazy `{0,n}?`:
    /// fewest first).
    mid_max: usize,
    /// LINK: words after the filler (`政府信息` or `信息`, and whether that
    /// is `政府`), in the order tried; a single empty word for most measures.
    links: &'static [(&'static str, bool)],
    /// TOTAL: words that may stand before the figure, in the order tried.
    totals: &'static [&'static str],
    /// UNITS: the counting words, in the order tried.
    units: &'static [&'static str],
    accept: fn(&Found) -> bool,
}

/// The bits of [`Measure::ends`] for a pattern's counting words: each ends
/// in one of [`UNITS`].
fn unit_bits(units: &[&str]) -> u16 {
    units
        .iter()
        .map(|u| {
            let last = u.chars().next_back().expect("a counting word");
            let i = UNITS
                .iter()
                .position(|&c| c == last)
                .expect("counting words end in one of UNITS");
            1 << i
        })
        .fold(0, |bits, bit| bits | bit)
}

fn any(_: &Found) -> bool {
    true
}

/// A count of applications: the words name an application for disclosure
/// (`依申请公开`, `政府信息公开申请`), not letters or hotline calls.
fn names_disclosure_application(m: &Found) -> bool {
    m.mid.contains("申请") && (m.mid.contains("公开") || m.mid.contains("信息"))
}

/// Active disclosure is named by 主动 or by 政府信息 (`专栏公开信息69条` counts
/// one column's items), and qualified by a few words that are not 申请/不予.
fn names_active_disclosure(m: &Found) -> bool {
    (m.active || m.gov) && !m.mid.contains("申请") && !m.mid.contains("不予")
}

/// `办结率` is a rate, not a count.
fn not_a_rate(m: &Found) -> bool {
    !m.mid.contains('率')
}

/// Every way of writing a key phrase: the product of its parts' spellings,
/// each part's in the order tried, the first part varying slowest (the order
/// a backtracking regex tries `上年度?结转` or `结转(?:至|到)?下一?年度?`).
fn spellings(parts: &[&[&str]]) -> Vec<String> {
    parts.iter().fold(vec![String::new()], |heads, part| {
        heads
            .iter()
            .flat_map(|h| part.iter().map(move |p| format!("{h}{p}")))
            .collect()
    })
}

/// The words that may stand before most figures (`共收到…共计70件`).
const TOTALS: &[&str] = &["共计", "合计", "总计", "共"];

/// A measure whose pattern is its key phrase, up to 14 filler characters,
/// an optional total word and the figure.
fn measure(
    code: &'static str,
    keys: &'static [&'static str],
    head: &[&[&str]],
    units: &'static [&'static str],
    accept: fn(&Found) -> bool,
) -> Measure {
    Measure {
        code,
        keys,
        ends: unit_bits(units),
        heads: spellings(head)
            .into_iter()
            .map(|words| Head {
                words,
                pre: false,
                active: false,
            })
            .collect(),
        mid_max: 14,
        links: &[("", false)],
        totals: TOTALS,
        units,
        accept,
    }
}

/// The measures, in the order their rows are written. Each one's regular
/// expression is in the tests (`REFERENCE`).
static MEASURES: LazyLock<Vec<Measure>> = LazyLock::new(|| {
    // An optional word is its spelling, then the empty one (`&["度", ""]`).
    vec![
        // 新增主动公开政府信息1601条, 累计公开公安政府信息184条 (主动, or
        // 政府信息, or both); not 其他应主动公开的政府信息36条 (an item of a
        // list) nor 依申请公开信息数182条 (information released on request):
        // `(?P<pre>应|申请)?(?P<active>主动)?公开(?:了)?(?P<mid>FILLER{0,4}?)
        // (?P<gov>政府)?信息(?:共计|合计|总计|总数|共)?\s*FIGURE(?P<unit>条)`.
        Measure {
            code: "active_disclosed",
            keys: &["公开"],
            ends: unit_bits(&["条"]),
            heads: ["应", "申请", ""]
                .into_iter()
                .flat_map(|pre| {
                    ["主动", ""].into_iter().flat_map(move |active| {
                        ["了", ""].into_iter().map(move |le| Head {
                            words: format!("{pre}{active}公开{le}"),
                            pre: !pre.is_empty(),
                            active: !active.is_empty(),
                        })
                    })
                })
                .collect(),
            mid_max: 4,
            links: &[("政府信息", true), ("信息", false)],
            totals: &["共计", "合计", "总计", "总数", "共"],
            units: &["条"],
            accept: names_active_disclosure,
        },
        measure(
            "applications_received",
            &["收到", "受理", "接收"],
            &[&["收到", "受理", "接收"]],
            &["件", "条", "个", "份"],
            names_disclosure_application,
        ),
        measure(
            "applications_completed",
            &["办结"],
            &[&["办结"]],
            &["件"],
            not_a_rate,
        ),
        measure(
            "carried_over",
            &["结转"],
            &[&["上年"], &["度", ""], &["结转"]],
            &["件"],
            any,
        ),
        measure(
            "carried_forward",
            &["结转"],
            &[
                &["结转"],
                &["至", "到", ""],
                &["下"],
                &["一", ""],
                &["年"],
                &["度", ""],
            ],
            &["件"],
            any,
        ),
        measure(
            "administrative_review",
            &["行政复议"],
            &[&["行政复议"], &["案件", ""]],
            &["件", "起", "宗"],
            any,
        ),
        measure(
            "administrative_litigation",
            &["行政诉讼"],
            &[&["行政诉讼"], &["案件", ""]],
            &["件", "起", "宗"],
            any,
        ),
        measure(
            "processing_fees",
            &["信息处理费"],
            &[&["信息处理费"]],
            &["万元", "元"],
            any,
        ),
        measure(
            "press_conferences",
            &["新闻发布会"],
            &[&["新闻发布会"]],
            &["场", "次"],
            any,
        ),
        measure(
            "policy_interpretations",
            &["政策解读"],
            &[&["政策解读"], &["信息", "文件", "稿件", "材料", ""]],
            &["篇", "条", "件", "期"],
            any,
        ),
    ]
});

impl Measure {
    /// Every match in `text`, leftmost first, each search going on where the
    /// last match ended (what `Regex::captures_iter` gives).
    fn find_iter<'s, 't: 's>(&'s self, text: &'t str) -> impl Iterator<Item = Found<'t>> + 's {
        let mut from = 0;
        std::iter::from_fn(move || {
            let found = text[from..]
                .char_indices()
                .find_map(|(i, _)| self.find_at(text, from + i))?;
            from = found.span.end;
            Some(found)
        })
    }

    /// The match starting at `text[at..]`, if any: the first way through the
    /// pattern in the order a backtracking regex tries them (heads in order,
    /// then the fewest filler characters, then links and totals in order).
    fn find_at<'t>(&self, text: &'t str, at: usize) -> Option<Found<'t>> {
        for head in &self.heads {
            if !text[at..].starts_with(head.words.as_str()) {
                continue;
            }
            let mid_start = at + head.words.len();
            let mut mid_end = mid_start;
            for taken in 0..=self.mid_max {
                for &(link, gov) in self.links {
                    if !text[mid_end..].starts_with(link) {
                        continue;
                    }
                    if let Some((num, unit)) = self.figure_at(text, mid_end + link.len()) {
                        return Some(Found {
                            span: at..unit.end,
                            mid: &text[mid_start..mid_end],
                            num,
                            unit,
                            pre: head.pre,
                            active: head.active,
                            gov,
                        });
                    }
                }
                // One more filler character, unless the run is at its most.
                match text[mid_end..].chars().next() {
                    Some(c) if taken < self.mid_max && is_filler(c) => mid_end += c.len_utf8(),
                    _ => break,
                }
            }
        }
        None
    }

    /// `(?:TOTAL)?\s*FIGURE(?P<unit>UNITS)` at `text[at..]`: the figure's and
    /// the counting word's ranges.
    fn figure_at(&self, text: &str, at: usize) -> Option<(Range<usize>, Range<usize>)> {
        // A total word, then none: a figure never starts with a total word's
        // character, nor a total word with another's tail, but the order is
        // kept as the pattern's anyway.
        for total in self.totals.iter().chain(std::iter::once(&"")) {
            if !text[at..].starts_with(total) {
                continue;
            }
            let start = skip_whitespace(text, at + total.len());
            if let Some(found) = self.number_at(text, start) {
                return Some(found);
            }
        }
        None
    }

    /// FIGURE and UNITS at `text[at..]` (whitespace before them skipped: a
    /// figure starts with no whitespace, so `\s*` takes all of it).
    fn number_at(&self, text: &str, at: usize) -> Option<(Range<usize>, Range<usize>)> {
        let first = text[at..].chars().next()?;
        if is_arabic_digit(first) {
            // Digits and commas, then `.` and ASCII digits: only the longest
            // run can be followed by what comes next (whitespace, 余/多 or a
            // counting word, none of which is a digit, comma or `.`).
            let mut end = at
                + text[at..]
                    .find(|c: char| !(is_arabic_digit(c) || matches!(c, ',' | '，')))
                    .unwrap_or(text.len() - at);
            if let Some(decimals) = text[end..].strip_prefix('.') {
                let digits = decimals
                    .find(|c: char| !c.is_ascii_digit())
                    .unwrap_or(decimals.len());
                if digits > 0 {
                    end += 1 + digits;
                }
            }
            let unit = self.unit_at(text, end)?;
            return Some((at..end, unit));
        }
        if is_chinese_numeral(first) {
            // The longest run first, then shorter (a counting word may start
            // with a numeral: 万元).
            let longest = at
                + text[at..]
                    .find(|c: char| !is_chinese_numeral(c))
                    .unwrap_or(text.len() - at);
            let mut end = longest;
            while end > at {
                if let Some(unit) = self.unit_at(text, end) {
                    return Some((at..end, unit));
                }
                end -= text[..end].chars().next_back().map_or(1, char::len_utf8);
            }
        }
        None
    }

    /// `\s*(?:余|多)?\s*(?P<unit>UNITS)` at `text[at..]`: the counting word's
    /// range. Whitespace is taken whole and 余/多 when present: no counting
    /// word starts with either.
    fn unit_at(&self, text: &str, at: usize) -> Option<Range<usize>> {
        let mut at = skip_whitespace(text, at);
        if text[at..].starts_with(['余', '多']) {
            at = skip_whitespace(text, at + '余'.len_utf8());
        }
        self.units
            .iter()
            .find(|u| text[at..].starts_with(**u))
            .map(|u| at..at + u.len())
    }
}

/// Where the whitespace at `text[at..]` ends.
fn skip_whitespace(text: &str, at: usize) -> usize {
    text[at..]
        .find(|c: char| !c.is_whitespace())
        .map_or(text.len(), |i| at + i)
}

/// Characters that end a sentence.
fn ends_sentence(c: char) -> bool {
    matches!(c, '。' | '！' | '？' | '；' | '!' | '?' | ';' | '\n')
}

/// Most characters kept of a sentence on each side of its figure (flowed page
/// text can run for thousands of characters without a full stop).
const MAX_SENTENCE_SIDE_CHARS: usize = 120;

/// The sentence around `text[start..end]` (its end mark included), at most
/// [`MAX_SENTENCE_SIDE_CHARS`] on each side, trimmed.
fn sentence(text: &str, start: usize, end: usize) -> String {
    let from = text[..start]
        .char_indices()
        .rev()
        .take_while(|(_, c)| !ends_sentence(*c))
        .take(MAX_SENTENCE_SIDE_CHARS)
        .last()
        .map_or(start, |(i, _)| i);
    let mut to = end;
    for c in text[end..].chars().take(MAX_SENTENCE_SIDE_CHARS) {
        if c == '\n' {
            break;
        }
        to += c.len_utf8();
        if ends_sentence(c) {
            break;
        }
    }
    text[from..to].trim().to_string()
}

/// The value of a figure as printed: Arabic (half or full width, commas) or
/// Chinese numerals (`十二`, `三十万`, `两百`); None when it is not a number.
fn figure_value(num: &str) -> Option<f64> {
    if num.starts_with(|c: char| c.is_ascii_digit() || ('０'..='９').contains(&c)) {
        let ascii: String = num
            .chars()
            .filter(|c| !matches!(c, ',' | '，'))
            .map(|c| match c {
                '０'..='９' => char::from(b'0' + (c as u32 - '０' as u32) as u8),
                c => c,
            })
            .collect();
        return ascii.parse().ok();
    }
    let n: Result<u64, _> = num.to_number(ChineseCountMethod::TenThousand);
    n.ok().map(|n| n as f64)
}

/// Counting words a figure may end in (`万元` ends in 元).
const UNITS: [char; 11] = [
    '条', '件', '个', '份', '起', '宗', '元', '场', '次', '篇', '期',
];

/// A character a figure is written with.
fn is_numeral(c: char) -> bool {
    is_arabic_digit(c) || is_chinese_numeral(c)
}

/// A character no match of any measure contains: the marks [`is_filler`]
/// excludes, but for the commas (a figure's digits may hold them) and the
/// line break (the whitespace around a figure may be one).
fn never_in_a_match(c: char) -> bool {
    matches!(
        c,
        '。' | '；'
            | '、'
            | '：'
            | ':'
            | ';'
            | '！'
            | '？'
            | '!'
            | '?'
            | '（'
            | '）'
            | '('
            | ')'
            | '“'
            | '”'
    )
}

/// A character a match may go on with after whitespace that holds a line
/// break: a figure's first character, `余`/`多`, or a counting word (see
/// [`Measure`]'s FIGURE; the break is in one of its `\s*`).
fn continues_after_a_break(c: char) -> bool {
    is_numeral(c) || matches!(c, '余' | '多') || UNITS.contains(&c)
}

/// An Arabic digit, or a comma between a figure's digits.
fn in_arabic_figure(c: char) -> bool {
    matches!(c, '0'..='9' | '０'..='９' | ',' | '，')
}

/// One SIMD substring searcher per counting word: eleven passes of
/// `memmem` cost less than decoding the text character by character.
static UNIT_FINDERS: LazyLock<Vec<memchr::memmem::Finder<'static>>> = LazyLock::new(|| {
    UNITS
        .iter()
        .map(|u| memchr::memmem::Finder::new(u.encode_utf8(&mut [0; 4]).as_bytes()).into_owned())
        .collect()
});

/// Whether the counting word at `text[at..]` follows a numeral (spaces and
/// 余/多 may stand between).
fn follows_a_numeral(text: &str, at: usize) -> bool {
    let mut before = text[..at].chars().rev().filter(|c| !c.is_whitespace());
    match before.next() {
        Some('余' | '多') => before.next().is_some_and(is_numeral),
        Some(c) => is_numeral(c),
        None => false,
    }
}

/// Whether a match may hold the comma at `text[at..]`: only between the
/// digits of a figure, right after a digit or another comma.
fn comma_may_be_in_a_match(text: &str, at: usize) -> bool {
    text[..at].chars().next_back().is_some_and(in_arabic_figure)
}

/// Where the piece holding `text[at..]` starts, not before `from` (a place
/// no match crosses): after the nearest place before `at` no match crosses.
fn piece_start(text: &str, from: usize, at: usize) -> usize {
    // The nearest character after the one looked at that is not whitespace.
    let mut next = text[at..].chars().next();
    for (i, c) in text[from..at].char_indices().rev() {
        let i = from + i;
        if c.is_whitespace() {
            if c == '\n' && !next.is_some_and(continues_after_a_break) {
                return i + 1;
            }
            continue;
        }
        if never_in_a_match(c) || (matches!(c, ',' | '，') && !comma_may_be_in_a_match(text, i)) {
            return i + c.len_utf8();
        }
        next = Some(c);
    }
    from
}

/// Where the piece holding `text[at..]` ends: at the nearest place after
/// `at` no match crosses.
fn piece_end(text: &str, at: usize) -> usize {
    let mut line_break: Option<usize> = None;
    let mut prev: Option<char> = None;
    for (i, c) in text[at..].char_indices() {
        let i = at + i;
        let before = prev.replace(c);
        if c.is_whitespace() {
            if c == '\n' && line_break.is_none() {
                line_break = Some(i);
            }
            continue;
        }
        if let Some(b) = line_break.take() {
            if !continues_after_a_break(c) {
                return b;
            }
        }
        if never_in_a_match(c) || (matches!(c, ',' | '，') && !before.is_some_and(in_arabic_figure))
        {
            return i;
        }
    }
    line_break.unwrap_or(text.len())
}

/// The pieces of text a match may lie in, with their offsets: the text cut
/// at places no match of any measure crosses, keeping only the pieces that
/// hold a numeral before a counting word (every match ends in one). Most of
/// a report — its tables' labels and bare numbers, its prose without
/// figures — has none, and the measures' patterns need not run over it.
///
/// A match never holds a mark [`never_in_a_match`]; holds a comma only
/// inside a figure's digits (after a digit or comma); and holds a line
/// break only in the whitespace before a figure, a `余`/`多` or its
/// counting word. The patterns look at nothing around a match, so the
/// leftmost-first matches within a piece are those of the whole text, and
/// reading piece by piece gives the same figures as reading the text.
///
/// Each piece comes with the bits (see [`Measure::ends`]) of the counting
/// words it holds a figure in.
fn pieces_with_figures(text: &str) -> Vec<(usize, &str, u16)> {
    let mut hits: Vec<(usize, u16)> = UNIT_FINDERS
        .iter()
        .enumerate()
        .flat_map(|(i, f)| f.find_iter(text.as_bytes()).map(move |at| (at, 1 << i)))
        .filter(|&(at, _)| follows_a_numeral(text, at))
        .collect();
    hits.sort_unstable();
    let mut out: Vec<(usize, &str, u16)> = Vec::new();
    let mut covered = 0;
    for (at, bit) in hits {
        if at < covered {
            // In the piece already taken.
            if let Some(last) = out.last_mut() {
                last.2 |= bit;
            }
            continue;
        }
        let start = piece_start(text, covered, at);
        let end = piece_end(text, at);
        out.push((start, &text[start..end], bit));
        covered = end;
    }
    out
}

/// Every figure the text states, in measure order, then in text order.
pub fn read_figures(text: &str) -> Vec<NarrativeFigure> {
    let mut found: Vec<(usize, usize, NarrativeFigure)> = Vec::new();
    for (offset, piece, ends) in pieces_with_figures(text) {
        for (order, m) in MEASURES.iter().enumerate() {
            if m.ends & ends == 0 || !m.keys.iter().any(|k| piece.contains(k)) {
                continue;
            }
            for found_here in m.find_iter(piece) {
                if let Some(figure) = figure(m, &found_here, text, offset) {
                    found.push((order, offset + found_here.span.start, figure));
                }
            }
        }
    }
    found.sort_by_key(|(order, at, _)| (*order, *at));
    found.into_iter().map(|(_, _, f)| f).collect()
}

/// The figure one match states, unless the match is a look-alike.
/// `found` is a match in `text[offset..]`.
fn figure(m: &Measure, found: &Found, text: &str, offset: usize) -> Option<NarrativeFigure> {
    if found.pre || !(m.accept)(found) {
        return None;
    }
    let (num, unit) = (
        offset + found.num.start..offset + found.num.end,
        offset + found.unit.start..offset + found.unit.end,
    );
    let mut value = figure_value(&text[num.clone()])?;
    // Money in 元, the unit section 六 of the 2021 format prints.
    let unit_code = match &text[unit.clone()] {
        "万元" => {
            value *= 10_000.0;
            "元"
        }
        u => u,
    };
    Some(NarrativeFigure {
        measure: m.code,
        value,
        unit: unit_code.to_string(),
        raw: text[num.start..unit.end].to_string(),
        sentence: sentence(text, num.start, num.end),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str) -> Vec<(&'static str, f64, String, String)> {
        read_figures(text)
            .into_iter()
            .map(|f| (f.measure, f.value, f.unit, f.raw))
            .collect()
    }

    #[test]
    fn every_measure_in_arabic_and_chinese_numerals() {
        assert_eq!(
            read("全年累计公开公安政府信息184条，全文电子化达100%"),
            vec![("active_disclosed", 184.0, "条".into(), "184条".into())]
        );
        let text = "2021年，主动公开政府信息1,601条。共收到政府信息公开申请70件，办结69件，\
                    结转下年度继续办理1件；上年结转2件。发生行政复议案件3起，行政诉讼两件。\
                    收取信息处理费三十万元。召开新闻发布会十二场，发布政策解读４６篇。";
        assert_eq!(
            read(text),
            vec![
                ("active_disclosed", 1601.0, "条".into(), "1,601条".into()),
                ("applications_received", 70.0, "件".into(), "70件".into()),
                ("applications_completed", 69.0, "件".into(), "69件".into()),
                ("carried_over", 2.0, "件".into(), "2件".into()),
                ("carried_forward", 1.0, "件".into(), "1件".into()),
                ("administrative_review", 3.0, "起".into(), "3起".into()),
                ("administrative_litigation", 2.0, "件".into(), "两件".into()),
                ("processing_fees", 300_000.0, "元".into(), "三十万元".into()),
                ("press_conferences", 12.0, "场".into(), "十二场".into()),
                ("policy_interpretations", 46.0, "篇".into(), "４６篇".into()),
            ]
        );
    }

    #[test]
    fn only_pieces_with_a_numeral_before_a_counting_word_are_read() {
        let read = |t: &str| -> Vec<String> {
            pieces_with_figures(t)
                .into_iter()
                .map(|(at, s, _)| {
                    assert_eq!(&t[at..at + s.len()], s);
                    s.to_string()
                })
                .collect()
        };
        assert_eq!(
            read("概述。主动公开政府信息1,601条。本年新收 5 3 0（单位：件）；收取三十万元"),
            vec!["主动公开政府信息1,601条", "收取三十万元"]
        );
        assert_eq!(
            read("行政复议 351\n件；3000余条"),
            vec!["行政复议 351\n件", "3000余条"]
        );
        // A line break before a label ends a piece; one before a figure does not.
        assert_eq!(
            read("本年新收\n5\n3\n收到申请\n 12\n件，其中"),
            vec!["收到申请\n 12\n件"]
        );
        assert_eq!(read("召开新闻发布会。"), Vec::<String>::new());
    }

    use proptest::strategy::Strategy;
    use regex::{Captures, Regex};

    /// A figure: Arabic digits (half or full width, thousands commas) or
    /// Chinese numerals, then `余`/`多`.
    const FIGURE: &str = r"(?P<num>[0-9０-９][0-9０-９,，]*(?:\.[0-9]+)?|[零〇一二两三四五六七八九十百千万亿]+)\s*(?:余|多)?\s*";

    /// Words that may stand between a key phrase and its figure: no punctuation.
    const FILLER: &str = r"[^，。；、：:,;！？!?（）()“”\n]";

    /// The measures' patterns as regular expressions, in [`MEASURES`] order:
    /// the specification the matcher is checked against.
    static REFERENCE: LazyLock<Vec<Regex>> = LazyLock::new(|| {
        let measure = |head: &str, units: &str| {
            format!(
                r"{head}(?P<mid>{FILLER}{{0,14}}?)(?:共计|合计|总计|共)?\s*{FIGURE}(?P<unit>{units})"
            )
        };
        [
            format!(r"(?P<pre>应|申请)?(?P<active>主动)?公开(?:了)?(?P<mid>{FILLER}{{0,4}}?)(?P<gov>政府)?信息(?:共计|合计|总计|总数|共)?\s*{FIGURE}(?P<unit>条)"),
            measure("(?:收到|受理|接收)", "件|条|个|份"),
            measure("办结", "件"),
            measure("上年度?结转", "件"),
            measure("结转(?:至|到)?下一?年度?", "件"),
            measure("行政复议(?:案件)?", "件|起|宗"),
            measure("行政诉讼(?:案件)?", "件|起|宗"),
            measure("信息处理费", "万元|元"),
            measure("新闻发布会", "场|次"),
            measure("政策解读(?:信息|文件|稿件|材料)?", "篇|条|件|期"),
        ]
        .iter()
        .map(|p| Regex::new(p).expect("narrative pattern"))
        .collect()
    });

    /// A regex match as the matcher reports one.
    fn found_of<'t>(caps: &Captures<'t>) -> Found<'t> {
        let range = |name: &str| caps.name(name).map_or(0..0, |m| m.range());
        Found {
            span: caps.get(0).expect("a match").range(),
            mid: caps.name("mid").map_or("", |m| m.as_str()),
            num: range("num"),
            unit: range("unit"),
            pre: caps.name("pre").is_some(),
            active: caps.name("active").is_some(),
            gov: caps.name("gov").is_some(),
        }
    }

    /// The measures' regular expressions over the whole text, as if no piece
    /// were cut and no matcher were written.
    fn read_whole(text: &str) -> Vec<NarrativeFigure> {
        let mut found = Vec::new();
        for (order, (m, re)) in MEASURES.iter().zip(REFERENCE.iter()).enumerate() {
            for caps in re.captures_iter(text) {
                if let Some(f) = figure(m, &found_of(&caps), text, 0) {
                    found.push((order, caps.get(0).map_or(0, |x| x.start()), f));
                }
            }
        }
        found.sort_by_key(|(order, at, _)| (*order, *at));
        found.into_iter().map(|(_, _, f)| f).collect()
    }

    /// What [`read_figures`] did before the matcher: the regular expressions
    /// over the same pieces.
    fn read_pieces_by_patterns(text: &str) -> Vec<NarrativeFigure> {
        let mut found = Vec::new();
        for (offset, piece, ends) in pieces_with_figures(text) {
            for (order, (m, re)) in MEASURES.iter().zip(REFERENCE.iter()).enumerate() {
                if m.ends & ends == 0 || !m.keys.iter().any(|k| piece.contains(k)) {
                    continue;
                }
                for caps in re.captures_iter(piece) {
                    if let Some(f) = figure(m, &found_of(&caps), text, offset) {
                        found.push((order, offset + caps.get(0).map_or(0, |x| x.start()), f));
                    }
                }
            }
        }
        found.sort_by_key(|(order, at, _)| (*order, *at));
        found.into_iter().map(|(_, _, f)| f).collect()
    }

    /// Words, numerals, marks and spaces the patterns turn on, to build
    /// texts from.
    const ALPHABET: &[&str] = &[
        "收到",
        "受理",
        "接收",
        "办结",
        "上年",
        "度",
        "结转",
        "至",
        "到",
        "下",
        "一",
        "年",
        "行政复议",
        "案件",
        "行政诉讼",
        "信息处理费",
        "新闻发布会",
        "政策解读",
        "信息",
        "文件",
        "稿件",
        "材料",
        "应",
        "申请",
        "主动",
        "公开",
        "了",
        "政府",
        "共计",
        "合计",
        "总计",
        "总数",
        "共",
        "计",
        "率",
        "不予",
        "的",
        "全年",
        "a",
        "0",
        "1",
        "7",
        "０",
        "９",
        ",",
        "，",
        ".",
        "三",
        "十",
        "万",
        "两",
        "百",
        "零",
        "亿",
        "余",
        "多",
        "条",
        "件",
        "个",
        "份",
        "起",
        "宗",
        "元",
        "万元",
        "场",
        "次",
        "篇",
        "期",
        " ",
        "\n",
        "\t",
        "\u{3000}",
        "。",
        "；",
        "、",
        "：",
        "（",
        "）",
        "“",
        "!",
        "?",
    ];

    /// Texts of words from [`ALPHABET`].
    fn words() -> impl Strategy<Value = String> {
        proptest::collection::vec(proptest::sample::select(ALPHABET), 0..16)
            .prop_map(|words| words.concat())
    }

    /// Texts built like a match, with random words around and inside: a key
    /// phrase, a few words, a figure, a counting word; many match, many
    /// nearly do.
    fn near_match() -> impl Strategy<Value = String> {
        let pick = |from: &'static [&'static str], n: std::ops::Range<usize>| {
            proptest::collection::vec(proptest::sample::select(from), n).prop_map(|w| w.concat())
        };
        let heads = &[
            "收到",
            "受理",
            "接收",
            "办结",
            "上年度结转",
            "上年结转",
            "结转至下一年",
            "结转下年度",
            "行政复议案件",
            "行政诉讼",
            "信息处理费",
            "新闻发布会",
            "政策解读稿件",
            "政策解读",
            "应主动公开了",
            "申请公开",
            "主动公开",
            "公开",
        ];
        let words = &[
            "申请", "公开", "政府", "信息", "的", "依", "a", " ", "1", "率", "不予", "案件",
        ];
        let links = &["政府信息", "信息", "共计", "总数", "共", " ", "\n"];
        let first = &["1", "0", "９", "三", "十", "两", "零"];
        let rest = &[
            "1", "0", "９", ",", "，", ".", "5", "三", "十", "万", "零", " ",
        ];
        let units = &[
            "条", "件", "个", "份", "起", "宗", "元", "万元", "场", "次", "篇", "期",
        ];
        (
            pick(ALPHABET, 0..2),
            pick(heads, 1..2),
            pick(words, 0..3),
            pick(links, 0..2),
            pick(first, 1..2),
            pick(rest, 0..4),
            pick(&["余", "多", " ", "\n", "\u{3000}"], 0..2),
            pick(units, 1..2),
            pick(ALPHABET, 0..2),
        )
            .prop_map(|(a, b, c, d, e, f, g, h, i)| [a, b, c, d, e, f, g, h, i].concat())
    }

    /// Random texts: runs of words and of near matches.
    fn texts() -> impl Strategy<Value = String> {
        proptest::collection::vec(proptest::prop_oneof![1 => words(), 3 => near_match()], 0..5)
            .prop_map(|parts| parts.concat())
    }

    /// The random texts exercise the matcher: about a fifth hold a match of
    /// some measure and an eighth a figure (a near match often pairs a key
    /// with a counting word it does not take, or fails the measure's check
    /// on the words between key and figure); the rest are near misses.
    #[test]
    fn the_random_texts_hold_matches() {
        use proptest::strategy::ValueTree;
        let mut runner = proptest::test_runner::TestRunner::deterministic();
        let strategy = texts();
        let (mut with_matches, mut with_figures) = (0, 0);
        for _ in 0..1000 {
            let text = strategy.new_tree(&mut runner).expect("a text").current();
            if MEASURES.iter().any(|m| m.find_iter(&text).next().is_some()) {
                with_matches += 1;
            }
            if !read_figures(&text).is_empty() {
                with_figures += 1;
            }
        }
        eprintln!("{with_matches} of 1000 with a match, {with_figures} with a figure");
        assert!(with_matches > 150, "{with_matches} of 1000 with a match");
        assert!(with_figures > 80, "{with_figures} of 1000 with a figure");
    }

    proptest::proptest! {
        #![proptest_config(proptest::test_runner::Config::with_cases(4000))]

        /// The matcher finds what the regular expressions find: the same
        /// matches, groups and all, one measure at a time.
        #[test]
        fn the_matcher_agrees_with_the_patterns(text in texts()) {
            for (m, re) in MEASURES.iter().zip(REFERENCE.iter()) {
                let want: Vec<Found> = re.captures_iter(&text).map(|c| found_of(&c)).collect();
                let got: Vec<Found> = m.find_iter(&text).collect();
                proptest::prop_assert_eq!(got, want, "{} in {:?}", m.code, text);
            }
        }

        /// The matcher in place of the regular expressions changes no figure:
        /// read piece by piece either way. (Reading by pieces and reading the
        /// whole text are compared on the fixtures above; on texts like
        /// these they can differ, e.g. `新闻发布会0,场`: a comma ends the
        /// pattern's figure but is no numeral before the counting word.)
        #[test]
        fn read_figures_agrees_with_the_patterns(text in texts()) {
            proptest::prop_assert_eq!(read_figures(&text), read_pieces_by_patterns(&text));
        }
    }

    #[test]
    fn reading_by_pieces_finds_what_the_whole_text_holds() {
        let texts = [
            "2021年，主动公开政府信息1,601条。共收到政府信息公开申请70件，办结69件，\
             结转下年度继续办理1件；上年结转2件。发生行政复议案件3起，行政诉讼两件。",
            "收到申请\n 12\n件，办结\n\n3 余\n件（含）“行政复议\n2起”, 受理 1,2,3 件",
            "新闻发布会，5场 新闻发布会 5,\n6场 信息处理费 三十\n万元：政策解读\n\t46篇",
            "应主动公开政府信息36条\n主动公开政府信息\n36条 依申请公开信息数182条",
        ];
        let mut all = String::new();
        for t in texts {
            assert_eq!(read_figures(t), read_whole(t), "{t}");
            all.push_str(t);
        }
        for dir in ["data/samples", "tests/fixtures"] {
            let Ok(entries) = std::fs::read_dir(dir) else {
                continue;
            };
            for e in entries.flatten() {
                if let Ok(t) = std::fs::read_to_string(e.path()) {
                    assert_eq!(read_figures(&t), read_whole(&t), "{:?}", e.path());
                }
            }
        }
        assert_eq!(read_figures(&all), read_whole(&all));
    }

    #[test]
    fn look_alikes_give_no_figure() {
        for text in [
            // an item of a list, not the total
            "其他应主动公开的政府信息36条",
            "应主动公开政府信息36条",
            // information released on request; one column's items
            "依申请公开信息数182条",
            "在专题专栏公开信息69条",
            "依申请公开政府信息3条",
            // letters, not applications for disclosure
            "全年受理群众来信255件",
            // a rate
            "网上答复办结率100%",
            // a list: the figure counts all of it
            "政策法规、政策解读、热点回应等方面信息 214 条",
            // no figure
            "通过政府网站、新闻发布会等形式",
            "统一受理、限时办结要求",
            // the figure is in another sentence
            "召开新闻发布会。5场",
        ] {
            assert_eq!(read(text), vec![], "{text}");
        }
    }

    #[test]
    fn the_sentence_is_the_one_the_figure_stands_in() {
        let f = read_figures("一、总体情况。全年共受理依申请公开8件，予以公开5件。二、其他");
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].sentence, "全年共受理依申请公开8件，予以公开5件。");
        // Flowed text without full stops: bounded on both sides.
        let long = format!("{}召开新闻发布会5场{}", "字".repeat(500), "字".repeat(500));
        let f = read_figures(&long);
        assert_eq!(
            f[0].sentence.chars().count(),
            2 * MAX_SENTENCE_SIDE_CHARS + 1
        );
    }
}
