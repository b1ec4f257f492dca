//! Flow: read the national tables from text in which they are flowed into one
//! line — header words, row labels and numbers one after the other, cells
//! separated by a space or by nothing (`…申请数量1000001二、上年结转…`), as
//! crawlers save a page's text.
//!
//! Rows are found by their labels wherever they stand, walking the text with
//! the code lists' key phrases; a row's values are the run of numbers after its
//! label, up to the next label. The numbering of the next label sticks to the
//! previous row's digits (`00000002.其他法律…`) and is given back to it. The
//! runs are split into cells by [`segment::solve`] with each table's identities.

use super::labels;
use super::segment::{self, Identity, RowReading, RunRow};
use super::tables::{self, RawRow, RawTables};
use crate::model::{Finding, Severity, Template};
use aho_corasick::{AhoCorasick, MatchKind};
use std::sync::LazyLock;

/// Lines shorter than this (in bytes) are not flowed tables: a flowed table B
/// alone is over a thousand bytes.
const MIN_FLOWED_LINE_BYTES: usize = 600;

/// Most characters between a row's key phrase and its values (the rest of a
/// long label: `本机关不掌握` + `相关政府信息`).
const MAX_LABEL_TAIL_CHARS: usize = 60;

/// Whether a line may hold flowed tables (long, and naming table B's first row
/// or table A's first header).
pub fn is_flowed(line: &str) -> bool {
    line.len() >= MIN_FLOWED_LINE_BYTES && (line.contains("本年新收") || line.contains("第二十条"))
}

/// Read the tables still missing from `out` out of the flowed lines.
pub fn read_missing(lines: &[&str], out: &mut RawTables) {
    for line in lines.iter().copied().filter(|l| is_flowed(l)) {
        // Not normalised: the spaces between cells are part of what is read.
        let text = line;
        let b_start = text.find("本年新收");
        if out.active.is_empty() {
            let a_end = b_start.unwrap_or(text.len());
            read_active(&text[..a_end], out);
        }
        let mut after_b = 0;
        if let Some(start) = b_start {
            if out.applications.is_empty() {
                // Table B ends where table C's section begins, even when cut
                // short (table C's `总计` header is not B's total row).
                let end = text[start..]
                    .find("行政复议")
                    .map_or(text.len(), |e| start + e);
                after_b = read_applications(&text[start..end], out).map_or(0, |e| start + e);
            }
        }
        if out.review.is_none() {
            if let Some(from) = text[after_b..].find("行政复议") {
                read_review(&text[after_b + from..], out);
            }
        }
    }
}

/// Characters a run of values is made of. Units and signs appear in 2019
/// table A cells (`2笔`, `984361元`, `+1`, `减3`); `无` and `/` are blanks.
fn is_value_char(c: char) -> bool {
    c.is_ascii_digit()
        || matches!(
            c,
            ' ' | '+'
                | '-'
                | '.'
                | '增'
                | '减'
                | '无'
                | '/'
                | '元'
                | '万'
                | '亿'
                | '个'
                | '件'
                | '项'
                | '条'
                | '笔'
        )
}

/// The run of values starting at byte `from` of `text`: where its values end,
/// and where the run ends. The number of the next label is not a value
/// (`…00000002.其他` → the run ends before `2.`, the values before the `2`).
fn value_run(text: &str, from: usize) -> (usize, usize) {
    let mut chars = text[from..].char_indices().peekable();
    let mut end = text.len();
    while let Some((i, c)) = chars.next() {
        let next = chars.peek().map(|(_, n)| *n);
        // A point not followed by a digit ends a label's number, not a decimal.
        let numbering_point =
            matches!(c, '.' | '．' | '、') && !next.is_some_and(|n| n.is_ascii_digit());
        if numbering_point || !is_value_char(c) {
            end = from + i;
            break;
        }
    }
    let numbered = text[end..].starts_with(['.', '．', '、']);
    let digits = if numbered {
        text[from..end]
            .bytes()
            .rev()
            .take_while(u8::is_ascii_digit)
            .count()
            .min(1)
    } else {
        0
    };
    (end - digits, end - digits)
}

/// Where the values after a label begin: the first digit
/// within [`MAX_LABEL_TAIL_CHARS`] of `from`, unless `stop` (the next key
/// phrase) comes first.
fn values_start(text: &str, from: usize, stop: usize) -> Option<usize> {
    text[from..]
        .char_indices()
        .take(MAX_LABEL_TAIL_CHARS)
        .map(|(i, c)| (from + i, c))
        .take_while(|(i, _)| *i < stop)
        .find(|(_, c)| c.is_ascii_digit())
        .map(|(i, _)| i)
}

/// Table A item labels, longest first at any position (`行政规范性文件`
/// before `规范性文件`, `其他对外管理服务事项` before the `行政许可` in its note).
static ITEMS: LazyLock<(AhoCorasick, Vec<&'static str>)> = LazyLock::new(|| {
    let (labels, codes): (Vec<&str>, Vec<&str>) = labels::ACTIVE_ITEMS
        .iter()
        .flat_map(|(code, names)| names.iter().map(move |n| (*n, *code)))
        .unzip();
    let ac = AhoCorasick::builder()
        .match_kind(MatchKind::LeftmostLongest)
        .build(labels)
        .expect("literal patterns");
    (ac, codes)
});

fn read_active(text: &str, out: &mut RawTables) {
    let Some(start) = text.find("第二十条") else {
        return;
    };
    let text = &text[start..];
    let template = table_a_template(text);
    let mut rows = Vec::new();
    let mut run_rows = Vec::new();
    let mut pos = 0;
    while let Some(m) = ITEMS.0.find(&text[pos..]) {
        let code = ITEMS.1[m.pattern().as_usize()];
        let mut label_end = pos + m.end();
        // A bracketed note belongs to the label (`（除行政许可外的其他行政权力）`).
        if text[label_end..].starts_with('（') {
            if let Some(close) = text[label_end..].find('）') {
                label_end += close + '）'.len_utf8();
            }
        }
        let key = pos + m.start();
        let (values_end, end) = value_run(text, label_end);
        pos = end.max(label_end);
        let width = labels::active_measures(code, template).len();
        // A label without numbers after it is prose or a header, not a row
        // (a blank row leaves no trace in flowed text).
        let run = RunRow::from_text(&text[label_end..values_end], width);
        if width == 0 || run.groups.is_empty() || rows.iter().any(|r: &RawRow| r.code == code) {
            continue;
        }
        rows.push(RawRow {
            code,
            label: text[key..label_end].to_string(),
            cells: Vec::new(),
            unread: false,
        });
        run_rows.push(run);
    }
    // Table A is two rows at least (规章 and 规范性文件), each with values.
    if rows.len() < 2 {
        return;
    }
    let readings = segment::solve(&run_rows, &[]);
    for ((row, run), reading) in rows.iter_mut().zip(&run_rows).zip(readings) {
        take_reading(
            row,
            run,
            reading,
            &format!("active_disclosure:{}", row.code),
            out,
        );
    }
    out.active = rows;
    out.active_template = Some(template);
}

/// Table A's template from its header words: the 2021 headers win.
fn table_a_template(text: &str) -> Template {
    let has = |list: &[&str]| list.iter().any(|w| text.contains(w));
    if has(&[
        "本年制发件数",
        "本年废止件数",
        "现行有效件数",
        "本年收费金额",
    ]) {
        Template::V2021
    } else {
        Template::V2019
    }
}

/// Table B row keys (the code lists' phrases) plus the two labels that need
/// context: `总计` and `其他`.
static ROWS: LazyLock<(AhoCorasick, Vec<&'static str>)> = LazyLock::new(|| {
    let mut keys: Vec<&str> = labels::application_row_keys()
        .iter()
        .map(|(k, _)| *k)
        .collect();
    let mut codes: Vec<&str> = labels::application_row_keys()
        .iter()
        .map(|(_, c)| *c)
        .collect();
    keys.extend(["总计", "其他"]);
    codes.extend(["total", "other.other"]);
    let ac = AhoCorasick::builder()
        .match_kind(MatchKind::LeftmostLongest)
        .build(keys)
        .expect("literal patterns");
    (ac, codes)
});

/// Read table B from `text` (starting at its first row's key phrase).
/// Returns the byte where the table ends.
fn read_applications(text: &str, out: &mut RawTables) -> Option<usize> {
    let mut rows: Vec<RawRow> = Vec::new();
    let mut runs: Vec<RunRow> = Vec::new();
    let mut pos = 0;
    let mut end_of_table = None;
    let width = labels::APPLICANTS.len();
    let matches: Vec<(usize, usize, &str)> = ROWS
        .0
        .find_iter(text)
        .map(|m| (m.start(), m.end(), ROWS.1[m.pattern().as_usize()]))
        .collect();
    for (k, &(start, key_end, code)) in matches.iter().enumerate() {
        if start < pos {
            continue;
        }
        let in_other = rows.last().is_some_and(|r| r.code == "other.unpaid_fee");
        let code = match code {
            "other.other" if !in_other => continue,
            "total" if rows.is_empty() => continue,
            c => c,
        };
        // The next label: a key phrase of another row (a long label holds
        // two keys of its own row: `没有现成信息需要另行制作`).
        let next_key = matches
            .get(k + 1..)
            .and_then(|rest| {
                rest.iter().find(|(s, _, c)| {
                    // `其他` starts a label only after `2.…收费通知…` (`3.其他`);
                    // elsewhere it is inside one (`不计其他情形`).
                    let other_ok = *c != "other.other" || code == "other.unpaid_fee";
                    *s >= key_end && *c != code && other_ok
                })
            })
            .map_or(text.len(), |(s, _, _)| *s);
        let from = values_start(text, key_end, next_key);
        let (label_end, values_end, end) = match from {
            Some(f) => {
                let (values_end, end) = value_run(text, f);
                (f, values_end, end)
            }
            None => (key_end, key_end, key_end),
        };
        pos = end;
        if rows.last().is_some_and(|r| r.code == code) {
            continue;
        }
        if rows.iter().any(|r| r.code == code) {
            // A label seen again (table C's 总计, the notes after the table): the table is over.
            end_of_table = Some(start);
            break;
        }
        rows.push(RawRow {
            code,
            label: text[numbering_start(text, start)..label_end].to_string(),
            cells: Vec::new(),
            unread: false,
        });
        runs.push(RunRow::from_text(&text[label_end..values_end], width));
        if code == "carried_forward" {
            end_of_table = Some(end);
            break;
        }
    }
    // `（六）其他处理` followed by 1./2./3. sub-rows is a group label (2021), not a row.
    let has_sub_rows = rows.iter().any(|r| r.code.starts_with("other."));
    let keep: Vec<bool> = rows
        .iter()
        .zip(&runs)
        .map(|(r, run)| !(has_sub_rows && r.code == "other" && run.groups.is_empty()))
        .collect();
    let mut keep_iter = keep.iter();
    rows.retain(|_| *keep_iter.next().unwrap_or(&true));
    let mut keep_iter = keep.iter();
    runs.retain(|_| *keep_iter.next().unwrap_or(&true));
    if rows
        .iter()
        .zip(&runs)
        .filter(|(_, r)| !r.groups.is_empty())
        .count()
        < 3
    {
        return None;
    }
    let readings = segment::solve(&runs, &application_identities(&rows));
    for ((row, run), reading) in rows.iter_mut().zip(&runs).zip(readings) {
        take_reading(
            row,
            run,
            reading,
            &format!("applications:{}", row.code),
            out,
        );
    }
    out.applications_template = tables::applications_template(&rows);
    out.applications = rows;
    end_of_table
}

/// Table B's identities over the rows found: each row's total, and per
/// column the balance (new + carried over = total + carried forward) and the
/// outcome total (total = the sum of the outcome rows).
fn application_identities(rows: &[RawRow]) -> Vec<Identity> {
    let width = labels::APPLICANTS.len();
    let at = |code: &str| rows.iter().position(|r| r.code == code);
    let mut ids: Vec<Identity> = (0..rows.len())
        .map(|r| Identity::row_total(r, width))
        .collect();
    let outcomes: Vec<usize> = (0..rows.len())
        .filter(|r| labels::is_outcome_row(rows[*r].code))
        .collect();
    for c in 0..width {
        if let (Some(new), Some(over), Some(total), Some(forward)) = (
            at("new"),
            at("carried_over"),
            at("total"),
            at("carried_forward"),
        ) {
            ids.push(Identity {
                left: vec![(new, c), (over, c)],
                right: vec![(total, c), (forward, c)],
            });
        }
        if let Some(total) = at("total") {
            ids.push(Identity {
                left: vec![(total, c)],
                right: outcomes.iter().map(|r| (*r, c)).collect(),
            });
        }
    }
    ids
}

/// Where the numbering before a label starts (`（一）`, `1.`, `四.`), within a
/// few characters before its key phrase; the key itself when there is none.
fn numbering_start(text: &str, key: usize) -> usize {
    let window_from = text[..key]
        .char_indices()
        .rev()
        .take(12)
        .last()
        .map_or(key, |(i, _)| i);
    let window = &text[window_from..key];
    let mut best = key;
    for (i, c) in window.char_indices() {
        let next = window[i + c.len_utf8()..].chars().next();
        let numbered = c == '（'
            || (c.is_ascii_digit() && next == Some('.'))
            || ("一二三四五六七八九十".contains(c) && next == Some('.'));
        if numbered {
            best = window_from + i;
        }
    }
    best
}

/// Read table C: the fifteen values after its header words. Prose may stand
/// between the section heading and the table (`…未发生行政复议案件。`): the
/// table starts at its first outcome header.
fn read_review(text: &str, out: &mut RawTables) {
    // Header words may be spaced (`结果 维持`, `尚未 审结`).
    let Some(header) = text.find("维持") else {
        return;
    };
    let text = &text[header..];
    // The values start at the first digit after the last header word.
    let Some(first_digit) = text.find(|c: char| c.is_ascii_digit()) else {
        return;
    };
    let Some(header_end) = ["总计", "审结"]
        .iter()
        .filter_map(|w| text[..first_digit].rfind(w).map(|i| i + w.len()))
        .max()
    else {
        return;
    };
    let Some(from) = values_start(text, header_end, text.len()) else {
        return;
    };
    let (values_end, _) = value_run(text, from);
    let run = RunRow::from_text(&text[from..values_end], labels::REVIEW_CELLS);
    // Each proceeding's outcomes add up to its last (总计) column.
    let width = labels::OUTCOMES.len();
    let ids: Vec<Identity> = (0..labels::PROCEEDINGS.len())
        .map(|p| Identity {
            left: (p * width..(p + 1) * width - 1).map(|c| (0, c)).collect(),
            right: vec![(0, (p + 1) * width - 1)],
        })
        .collect();
    let reading = segment::solve(std::slice::from_ref(&run), &ids)
        .pop()
        .unwrap_or(RowReading::Unsolved(Vec::new()));
    let mut row = RawRow {
        code: "review",
        label: String::new(),
        cells: Vec::new(),
        unread: false,
    };
    take_reading(&mut row, &run, reading, "review_litigation", out);
    out.review_unread = row.unread;
    out.review = Some(row.cells);
}

/// Put a row's reading into it, with the finding that says how it was read.
fn take_reading(
    row: &mut RawRow,
    run: &RunRow,
    reading: RowReading,
    subject: &str,
    out: &mut RawTables,
) {
    let printed = run.printed();
    let list = |readings: &[Vec<String>]| {
        readings
            .iter()
            .map(|r| r.join(","))
            .collect::<Vec<_>>()
            .join(" | ")
    };
    if run.groups.is_empty() {
        // A label with nothing after it before the next: a blank row.
        row.cells = vec![String::new(); run.width];
        return;
    }
    match reading {
        RowReading::Read(cells) if run.is_separated() => row.cells = cells,
        RowReading::Read(cells) | RowReading::Segmented(cells) => {
            out.findings.push(Finding {
                rule: "cells_segmented".into(),
                severity: Severity::Info,
                subject: subject.into(),
                expected: Some(cells.join(",")),
                actual: Some(printed),
                message: "the row's numbers run together; this is the only split into its cells consistent with the table's identities".into(),
            });
            row.cells = cells;
        }
        RowReading::Ambiguous(candidates) => {
            out.findings.push(Finding {
                rule: "cells_ambiguous".into(),
                severity: Severity::Warning,
                subject: subject.into(),
                expected: Some(list(&candidates)),
                actual: Some(printed),
                message: "the row's numbers run together and split into its cells in several ways the table's identities allow (candidates in expected); the cells are left missing".into(),
            });
            row.unread = true;
        }
        RowReading::Unsolved(candidates) => {
            out.findings.push(Finding {
                rule: "cells_unsolved".into(),
                severity: Severity::Warning,
                subject: subject.into(),
                expected: Some(list(&candidates)),
                actual: Some(printed),
                message: "the row's numbers run together and no split into its cells satisfies the table's identities (the report's own numbers may be off; candidates in expected); the cells are left missing".into(),
            });
            row.unread = true;
        }
    }
}
