//! Metadata: title, issuing agency and covered year from the first lines.

use regex::Regex;
use std::sync::LazyLock;

/// Title, agency and year of a report.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Meta {
    /// The title line(s), joined, markdown and extra spaces removed.
    pub title: Option<String>,
    /// The issuing body named by the title.
    pub agency: Option<String>,
    /// The year covered.
    pub year: Option<i32>,
    /// When the page was published (`YYYY-MM-DD`), as a crawler's header or the
    /// page's own line says (`发布时间: 2022-01-14 17:29`).
    pub published: Option<String>,
    /// Whether the text calls itself an information-disclosure annual report.
    pub looks_like_report: bool,
}

static YEAR_IN_TITLE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"((?:19|20)\d{2})\s*年\s*度?").expect("valid regex"));
static TITLE_SUFFIX: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?:关于)?政府信息公开(?:工作)?(?:年度)?(?:工作)?(?:报告|年报).*$")
        .expect("valid regex")
});
static PUBLISHED: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"发布(?:时间|日期)\s*[:：]\s*((?:19|20)\d{2})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})",
    )
    .expect("valid regex")
});
static PERIOD_YEAR: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?:统计期限|统计时限|数据统计期)[^0-9]{0,8}((?:19|20)\d{2})\s*年")
        .expect("valid regex")
});

/// How many non-empty leading lines may hold the title.
const TITLE_LINES: usize = 10;

/// Read the metadata from the document's plain text.
///
/// ```
/// let meta = xxgk::internal::read_meta("城口县人民政府机关\n2020年政府信息公开工作年度报告\n正文");
/// assert_eq!(meta.agency.as_deref(), Some("城口县人民政府机关"));
/// assert_eq!(meta.year, Some(2020));
/// ```
pub fn read_meta(text: &str) -> Meta {
    let lines: Vec<String> = text
        .lines()
        .map(strip_crawler_title)
        .map(|l| clean_line(l).unwrap_or_else(|| LONG_LINE.to_string()))
        .filter(|l| !l.is_empty())
        .take(TITLE_LINES)
        .collect();
    let mut meta = Meta::default();
    // The title is the first line naming the report, with the line before it
    // when that line holds the issuer (titles are often broken in two), or
    // with the short line after it when the printed title wrapped before its
    // last words (`…工作年度报` / `告`, as Word prints a long title).
    let wrapped = |pos: usize| -> Option<String> {
        let (line, next) = (lines.get(pos)?, lines.get(pos + 1)?);
        let joined = format!("{line}{next}");
        (next.chars().count() <= 12
            && !is_title_line(next)
            && !next.contains(|c| "。，；：:".contains(c))
            && is_title_line(&joined)
            && (joined.ends_with("报告") || joined.ends_with("年报")))
        .then_some(joined)
    };
    let found = (0..lines.len()).find_map(|pos| {
        if is_title_line(&lines[pos]) {
            Some((pos, lines[pos].clone()))
        } else {
            wrapped(pos).map(|t| (pos, t))
        }
    });
    if let Some((pos, mut title)) = found {
        let before = pos.checked_sub(1).map(|p| lines[p].as_str());
        let issuer_line = before.is_some_and(|b| {
            !YEAR_IN_TITLE.is_match(b) && b.chars().count() <= 30 && agency_from(&title).is_none()
        });
        // A title wrapped inside its issuer or year (`…人民政府办公` / `室2021年…`,
        // `…办公室2008` / `年度…报告`): the line found starts with the tail of a
        // word, and the line before is the title's first part.
        let wrapped_head = before.is_some_and(|b| {
            starts_mid_title(&title)
                && b.chars().count() <= 40
                && !is_title_line(b)
                && !b.contains(|c| "。，；：:、".contains(c))
        });
        if issuer_line || wrapped_head {
            title = format!("{}{}", before.unwrap_or_default(), title);
        }
        meta.agency = agency_from(&title);
        meta.year = YEAR_IN_TITLE
            .captures(&title)
            .and_then(|c| c[1].parse().ok());
        meta.title = Some(title);
        meta.looks_like_report = true;
    }
    let head_end = char_offset(text, HEAD_CHARS);
    meta.published = PUBLISHED.captures(&text[..head_end]).and_then(|c| {
        let (month, day): (u32, u32) = (c[2].parse().ok()?, c[3].parse().ok()?);
        ((1..=12).contains(&month) && (1..=31).contains(&day))
            .then(|| format!("{}-{month:02}-{day:02}", &c[1]))
    });
    if meta.year.is_none() {
        meta.year = PERIOD_YEAR.captures(text).and_then(|c| c[1].parse().ok());
    }
    if !meta.looks_like_report {
        let head: String = text[..head_end]
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect();
        meta.looks_like_report = head.contains("政府信息公开")
            && (head.contains("年度报告") || head.contains("工作报告"));
    }
    meta
}

/// How many characters from the start the publication date and the report
/// words are looked for in.
const HEAD_CHARS: usize = 4000;

/// The byte offset of character `n` of `text` (`text.char_indices().nth(n)`),
/// or the text's length when it is shorter: counts the bytes that start a
/// character, 64 at a time, instead of decoding every character.
fn char_offset(text: &str, n: usize) -> usize {
    let bytes = text.as_bytes();
    // Summed in bytes (64 at most), which the compiler vectorises.
    let starts = |b: &[u8]| -> usize {
        usize::from(
            b.iter()
                .fold(0u8, |n, &b| n.wrapping_add(u8::from((b as i8) >= -0x40))),
        )
    };
    let mut seen = 0;
    let mut chunks = bytes.chunks_exact(64);
    let mut at = 0;
    for chunk in chunks.by_ref() {
        let here = starts(chunk);
        if seen + here > n {
            break;
        }
        seen += here;
        at += 64;
    }
    for (i, &b) in bytes[at..].iter().enumerate() {
        if (b as i8) >= -0x40 {
            if seen == n {
                return at + i;
            }
            seen += 1;
        }
    }
    bytes.len()
}

/// Field names of the header crawlers write before a page's text
/// (`标题: …`, `发布时间: …`, `发布机构: …`).
const CRAWLER_FIELDS: &[&str] = &[
    "标题",
    "发布时间",
    "文号",
    "发布机构",
    "栏目",
    "原文链接",
    "本地目录",
    "来源",
];

/// A crawler header line's field name and value (`标题: 平潭…报告` →
/// (`标题`, `平潭…报告`)), None for any other line.
pub fn crawler_field(line: &str) -> Option<(&str, &str)> {
    let line = line.trim_start();
    let field = CRAWLER_FIELDS.iter().find(|f| line.starts_with(**f))?;
    let rest = &line[field.len()..];
    let value = rest.strip_prefix(':').or_else(|| rest.strip_prefix('：'))?;
    Some((field, value.trim()))
}

/// The title a crawler header line gives (its value, without the field name);
/// other header fields are metadata, never a title: they become empty lines.
fn strip_crawler_title(line: &str) -> &str {
    match crawler_field(line) {
        Some(("标题", value)) => value,
        Some(_) => "",
        None => line,
    }
}

/// Whether a title line starts inside the title: with `年`/`度` (the year's
/// digits on the line before), or with an issuer of one character (`室…`,
/// the end of 办公室) — no issuer is a single character.
fn starts_mid_title(title: &str) -> bool {
    title.starts_with(['年', '度']) || agency_from(title).is_some_and(|a| a.chars().count() == 1)
}

fn is_title_line(line: &str) -> bool {
    line.chars().count() <= 80
        && line.contains("政府信息公开")
        && (line.contains("报告") || line.contains("年报"))
}

/// The issuer: the title without the year and the words 政府信息公开（工作）年度报告.
fn agency_from(title: &str) -> Option<String> {
    let without_year = YEAR_IN_TITLE.replace_all(title, "");
    let agency = TITLE_SUFFIX.replace(&without_year, "");
    let agency = agency.trim_matches(|c: char| c.is_whitespace() || "《》“”\"（）()的".contains(c));
    let agency = agency.strip_prefix("关于").unwrap_or(agency);
    (!agency.is_empty()).then(|| agency.to_string())
}

/// Stands for a line too long to be a title or an issuer line (prose, site
/// chrome run together): it still counts among the leading lines.
const LONG_LINE: &str = "\u{2026}long line\u{2026}";

/// Drop markdown, Word bookmarks and all whitespace (titles put spaces in `2019 年`).
/// None for a line with more than 80 non-space characters (more than any title
/// or issuer line has), without cleaning it.
fn clean_line(line: &str) -> Option<String> {
    // Without a bookmark, every character the cleaning drops is whitespace,
    // `#` or `*`: counting the others bounds the cleaned length from below.
    if line.len() > 4 * 80
        && line
            .chars()
            .filter(|c| !c.is_whitespace() && !matches!(c, '#' | '*' | '[' | ']'))
            .nth(80)
            .is_some()
        && !line.contains("[bookmark")
    {
        return None;
    }
    let line = line.trim_start().trim_start_matches('#');
    let line: std::borrow::Cow<'_, str> = if line.contains("**") || line.contains("[bookmark") {
        line.replace("**", "").replace(BOOKMARK, "").into()
    } else {
        line.into()
    };
    Some(line.chars().filter(|c| !c.is_whitespace()).collect())
}

/// The Word bookmark pandoc leaves in converted text.
const BOOKMARK: &str = "[bookmark: _GoBack]";

#[cfg(test)]
mod tests {
    use super::*;

    /// Word wraps a long title inside the issuer or between the year and 年
    /// (LibreOffice prints of generated reports; real reports do the same).
    #[test]
    fn a_title_wrapped_inside_its_issuer_or_year() {
        let meta = read_meta(
            "新疆维吾尔自治区博尔塔拉蒙古自治州人民政府办公\n      室 2021 年政府信息公开工作年度报告\n   本报告根据《条例》要求编制。",
        );
        assert_eq!(
            meta.agency.as_deref(),
            Some("新疆维吾尔自治区博尔塔拉蒙古自治州人民政府办公室")
        );
        assert_eq!(meta.year, Some(2021));
        let meta = read_meta(
            " 黔东南苗族侗族自治州黎平县人民政府办公室 2008\n            年度政府信息公开工作报告\n    本报告根据《中华人民共和国政府信息公开条例》要求，由黎",
        );
        assert_eq!(
            meta.title.as_deref(),
            Some("黔东南苗族侗族自治州黎平县人民政府办公室2008年度政府信息公开工作报告")
        );
        assert_eq!(
            meta.agency.as_deref(),
            Some("黔东南苗族侗族自治州黎平县人民政府办公室")
        );
        assert_eq!(meta.year, Some(2008));
        // A line of prose before a whole title is not joined.
        let meta = read_meta("各位读者：\n泾县2019年政府信息公开工作年度报告\n正文");
        assert_eq!(meta.agency.as_deref(), Some("泾县"));
    }

    #[test]
    fn a_title_wrapped_before_its_last_words() {
        let meta = read_meta(
            "泉山区自然资源局 2020 年政府信息公开工作年度报\n告\n根据修订后的《条例》编制本报告。",
        );
        assert_eq!(
            meta.title.as_deref(),
            Some("泉山区自然资源局2020年政府信息公开工作年度报告")
        );
        assert_eq!(meta.agency.as_deref(), Some("泉山区自然资源局"));
        assert_eq!(meta.year, Some(2020));
        let meta = read_meta(
            "湛江市吴川市人力资源和社会保障局 2024 年政府信\n息公开工作年度报告\n根据《条例》",
        );
        assert_eq!(
            meta.agency.as_deref(),
            Some("湛江市吴川市人力资源和社会保障局")
        );
        let meta = read_meta("某某县人民政府\n2021年政府信息公开工作\n年度报告\n正文");
        assert_eq!(
            meta.title.as_deref(),
            Some("某某县人民政府2021年政府信息公开工作年度报告")
        );
    }

    #[test]
    fn titles_of_the_samples() {
        let m = read_meta(" 临泽县2019年政府信息公开工作年度报告\n根据…");
        assert_eq!((m.agency.as_deref(), m.year), (Some("临泽县"), Some(2019)));
        let m = read_meta("2019年度缙云县政府信息公开工作报告\n");
        assert_eq!((m.agency.as_deref(), m.year), (Some("缙云县"), Some(2019)));
        let m = read_meta("\n\n固原市原州区人民政府办公室 2019 年 政府信息公开工作年度报告\n");
        assert_eq!(
            (m.agency.as_deref(), m.year),
            (Some("固原市原州区人民政府办公室"), Some(2019))
        );
        let m = read_meta("谢家集区2019年政府信息公开年度报告\n");
        assert_eq!(m.agency.as_deref(), Some("谢家集区"));
    }

    #[test]
    fn crawler_header_gives_the_title_not_its_field_name() {
        let text = "标题: 平潭综合实验区公安局2021年政府信息公开工作年度报告\n发布时间: 2022-01-14 17:29\n文号: \n发布机构: \n栏目: 政府信息公开年报\n正文";
        let m = read_meta(text);
        assert_eq!(m.agency.as_deref(), Some("平潭综合实验区公安局"));
        assert_eq!(m.year, Some(2021));
        assert_eq!(m.published.as_deref(), Some("2022-01-14"));
        let dated = read_meta("某某报告\n发布日期：2021年1月8日");
        assert_eq!(dated.published.as_deref(), Some("2021-01-08"));
        assert_eq!(read_meta("发布时间: 2022-13-01").published, None);
        assert_eq!(
            crawler_field("发布时间: 2022-01-14 17:29"),
            Some(("发布时间", "2022-01-14 17:29"))
        );
        assert_eq!(crawler_field("标题党"), None);
    }

    #[test]
    fn not_a_report() {
        assert!(!read_meta("会议纪要\n今天开会。").looks_like_report);
    }

    #[test]
    fn char_offset_is_that_of_the_nth_character() {
        let texts = [
            String::new(),
            "abc".to_string(),
            "政府信息公开".repeat(30),
            format!("{}a{}", "年".repeat(63), "度报告😀".repeat(50)),
        ];
        for t in &texts {
            for n in [0, 1, 5, 63, 64, 65, 100, 127, 128, 200, 1000] {
                let want = t.char_indices().nth(n).map_or(t.len(), |(i, _)| i);
                assert_eq!(char_offset(t, n), want, "{t} {n}");
            }
        }
    }
}
