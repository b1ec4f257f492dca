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

use crate::model::NarrativeFigure;
use chinese_number::{ChineseCountMethod, ChineseToNumber};
use regex::{Captures, Regex};
use std::sync::LazyLock;

/// A figure: Arabic digits (half or full width, thousands commas) or Chinese
/// numerals, then `余`/`多` (a lower bound, kept in `raw`).
const FIGURE: &str = r"(?P<num>[0-9０-９][0-9０-９,，]*(?:\.[0-9]+)?|[零〇一二两三四五六七八九十百千万亿]+)\s*(?:余|多)?\s*";

/// Words that may stand between a key phrase and its figure: no punctuation.
const FILLER: &str = r"[^，。；、：:,;！？!?（）()“”\n]";

/// One measure: its code (the `measure` column), its pattern, and a check on
/// what it matched (mostly the words between key and figure, `mid`).
struct Measure {
    code: &'static str,
    /// Words one of which every match contains: a stretch without any is
    /// not searched (a substring test costs far less than a regex search).
    keys: &'static [&'static str],
    pattern: Regex,
    accept: fn(&Captures) -> bool,
}

/// The words between key and figure, as matched.
fn mid<'t>(caps: &Captures<'t>) -> &'t str {
    caps.name("mid").map_or("", |m| m.as_str())
}

fn any(_: &Captures) -> bool {
    true
}

/// A count of applications: the words name an application for disclosure
/// (`依申请公开`, `政府信息公开申请`), not letters or hotline calls.
fn names_disclosure_application(caps: &Captures) -> bool {
    let mid = mid(caps);
    mid.contains("申请") && (mid.contains("公开") || mid.contains("信息"))
}

/// Active disclosure is named by 主动 or by 政府信息 (`专栏公开信息69条` counts
/// one column's items), and qualified by a few words that are not 申请/不予.
fn names_active_disclosure(caps: &Captures) -> bool {
    let mid = mid(caps);
    (caps.name("active").is_some() || caps.name("gov").is_some())
        && !mid.contains("申请")
        && !mid.contains("不予")
}

/// `办结率` is a rate, not a count.
fn not_a_rate(caps: &Captures) -> bool {
    !mid(caps).contains('率')
}

fn measure(
    code: &'static str,
    keys: &'static [&'static str],
    head: &str,
    units: &str,
    accept: fn(&Captures) -> bool,
) -> Measure {
    let pattern = format!(
        r"{head}(?P<mid>{FILLER}{{0,14}}?)(?:共计|合计|总计|共)?\s*{FIGURE}(?P<unit>{units})"
    );
    Measure {
        code,
        keys,
        pattern: Regex::new(&pattern).expect("narrative pattern"),
        accept,
    }
}

/// The measures, in the order their rows are written.
static MEASURES: LazyLock<Vec<Measure>> = LazyLock::new(|| {
    vec![
        // 新增主动公开政府信息1601条, 累计公开公安政府信息184条 (主动, or
        // 政府信息, or both); not 其他应主动公开的政府信息36条 (an item of a
        // list) nor 依申请公开信息数182条 (information released on request).
        Measure {
            code: "active_disclosed",
            keys: &["公开"],
            pattern: Regex::new(&format!(
                r"(?P<pre>应|申请)?(?P<active>主动)?公开(?:了)?(?P<mid>{FILLER}{{0,4}}?)(?P<gov>政府)?信息(?:共计|合计|总计|总数|共)?\s*{FIGURE}(?P<unit>条)"
            ))
            .expect("narrative pattern"),
            accept: names_active_disclosure,
        },
        measure("applications_received", &["收到", "受理", "接收"], "(?:收到|受理|接收)", "件|条|个|份", names_disclosure_application),
        measure("applications_completed", &["办结"], "办结", "件", not_a_rate),
        measure("carried_over", &["结转"], "上年度?结转", "件", any),
        measure("carried_forward", &["结转"], "结转(?:至|到)?下一?年度?", "件", any),
        measure("administrative_review", &["行政复议"], "行政复议(?:案件)?", "件|起|宗", any),
        measure("administrative_litigation", &["行政诉讼"], "行政诉讼(?:案件)?", "件|起|宗", any),
        measure("processing_fees", &["信息处理费"], "信息处理费", "万元|元", any),
        measure("press_conferences", &["新闻发布会"], "新闻发布会", "场|次", any),
        measure("policy_interpretations", &["政策解读"], "政策解读(?:信息|文件|稿件|材料)?", "篇|条|件|期", any),
    ]
});

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
const UNITS: [&str; 11] = [
    "条", "件", "个", "份", "起", "宗", "元", "场", "次", "篇", "期",
];

/// One SIMD substring searcher per counting word: eleven passes of
/// `memmem` cost less than one byte-at-a-time automaton over text whose
/// every character starts with the same few lead bytes.
static UNIT_FINDERS: LazyLock<Vec<memchr::memmem::Finder<'static>>> =
    LazyLock::new(|| UNITS.iter().map(memchr::memmem::Finder::new).collect());

/// Marks that end a stretch of text: no pattern crosses one. (Line breaks
/// do not end one: PDF text wraps `351` / `件`.)
fn is_stop(c: char) -> bool {
    matches!(c, '。' | '！' | '？' | '；' | '!' | '?' | ';')
}

/// A character a figure is written with.
fn is_numeral(c: char) -> bool {
    matches!(
        c,
        '0'..='9'
            | '０'..='９'
            | '零'
            | '〇'
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

/// The stretches of text (cut after each stop mark) that may state a figure:
/// a numeral before a counting word. Most of a report — its tables' labels
/// and bare numbers, its prose without figures — does not, and the
/// measures' patterns need not run over it.
fn stretches_with_figures(text: &str) -> Vec<(usize, &str)> {
    let mut hits: Vec<usize> = UNIT_FINDERS
        .iter()
        .flat_map(|f| f.find_iter(text.as_bytes()))
        .filter(|&at| follows_a_numeral(text, at))
        .collect();
    hits.sort_unstable();
    let mut out: Vec<(usize, &str)> = Vec::new();
    let mut covered = 0;
    for at in hits {
        if at < covered {
            continue; // in the stretch already taken
        }
        let start = text[..at]
            .char_indices()
            .rev()
            .find(|(_, c)| is_stop(*c))
            .map_or(0, |(i, c)| i + c.len_utf8())
            .max(covered);
        let end = text[at..]
            .char_indices()
            .find(|(_, c)| is_stop(*c))
            .map_or(text.len(), |(i, c)| at + i + c.len_utf8());
        out.push((start, &text[start..end]));
        covered = end;
    }
    out
}

/// Every figure the text states, in measure order, then in text order.
pub fn read_figures(text: &str) -> Vec<NarrativeFigure> {
    let mut found: Vec<(usize, usize, NarrativeFigure)> = Vec::new();
    for (offset, stretch) in stretches_with_figures(text) {
        for (order, m) in MEASURES.iter().enumerate() {
            if !m.keys.iter().any(|k| stretch.contains(k)) {
                continue;
            }
            for caps in m.pattern.captures_iter(stretch) {
                if let Some(figure) = figure(m, &caps, text, offset) {
                    found.push((order, offset + caps.get(0).map_or(0, |x| x.start()), figure));
                }
            }
        }
    }
    found.sort_by_key(|(order, at, _)| (*order, *at));
    found.into_iter().map(|(_, _, f)| f).collect()
}

/// The figure one match states, unless the match is a look-alike.
fn figure(m: &Measure, caps: &Captures, text: &str, offset: usize) -> Option<NarrativeFigure> {
    if caps.name("pre").is_some() || !(m.accept)(caps) {
        return None;
    }
    let (num, unit) = (caps.name("num")?, caps.name("unit")?);
    let mut value = figure_value(num.as_str())?;
    // Money in 元, the unit section 六 of the 2021 format prints.
    let unit_code = match unit.as_str() {
        "万元" => {
            value *= 10_000.0;
            "元"
        }
        u => u,
    };
    let (start, end) = (offset + num.start(), offset + num.end());
    Some(NarrativeFigure {
        measure: m.code,
        value,
        unit: unit_code.to_string(),
        raw: text[start..offset + unit.end()].to_string(),
        sentence: sentence(text, start, end),
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
    fn only_stretches_with_a_numeral_before_a_counting_word_are_read() {
        let read = |t: &str| -> Vec<String> {
            stretches_with_figures(t)
                .into_iter()
                .map(|(at, s)| {
                    assert_eq!(&t[at..at + s.len()], s);
                    s.to_string()
                })
                .collect()
        };
        assert_eq!(
            read("概述。主动公开政府信息1,601条。本年新收 5 3 0（单位：件）；收取三十万元"),
            vec!["主动公开政府信息1,601条。", "收取三十万元"]
        );
        assert_eq!(
            read("行政复议 351\n件；3000余条"),
            vec!["行政复议 351\n件；", "3000余条"]
        );
        assert_eq!(read("召开新闻发布会。"), Vec::<String>::new());
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
