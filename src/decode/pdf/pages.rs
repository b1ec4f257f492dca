//! pdftotext's output → lines: form feeds are page breaks, page-number lines
//! and trailing blank lines go.

use crate::model::Block;
use std::collections::{BTreeMap, HashSet};

/// Split pdftotext's output into lines, dropping page-number lines.
pub(super) fn text_to_blocks(text: &str) -> Vec<Block> {
    let pages: Vec<Vec<&str>> = text
        .split('\x0C')
        .map(|page| {
            page.split('\n')
                .map(|l| l.strip_suffix('\r').unwrap_or(l))
                .collect()
        })
        .collect();
    let drop = page_number_lines(&pages);
    // None marks a page break.
    let mut lines: Vec<Option<&str>> = Vec::new();
    for (p, page) in pages.iter().enumerate() {
        if p > 0 {
            lines.push(None);
        }
        for (i, line) in page.iter().enumerate() {
            if !drop.contains(&(p, i)) {
                lines.push(Some(line));
            }
        }
    }
    while lines
        .last()
        .is_some_and(|l| l.is_none_or(|l| l.trim().is_empty()))
    {
        lines.pop();
    }
    lines
        .into_iter()
        .map(|l| match l {
            Some(l) => Block::Line(l.to_string()),
            None => Block::PageBreak,
        })
        .collect()
}

/// (page, line) positions of page-number lines.
fn page_number_lines(pages: &[Vec<&str>]) -> HashSet<(usize, usize)> {
    let mut drop = HashSet::new();
    // Bare numbers at the top or bottom of a page: (page, line, value).
    let mut bare: Vec<(usize, usize, i64)> = Vec::new();
    for (p, page) in pages.iter().enumerate() {
        for (i, line) in page.iter().enumerate() {
            if is_decorated_page_number(line.trim()) {
                drop.insert((p, i));
            }
        }
        let nonblank: Vec<usize> = (0..page.len())
            .filter(|&i| !page[i].trim().is_empty())
            .collect();
        let edges = [nonblank.first().copied(), nonblank.last().copied()];
        for i in edges.into_iter().flatten() {
            let t = page[i].trim();
            if (1..=4).contains(&t.len()) && t.bytes().all(|b| b.is_ascii_digit()) {
                if let Ok(v) = t.parse::<i64>() {
                    if !bare.iter().any(|&(bp, bi, _)| bp == p && bi == i) {
                        bare.push((p, i, v));
                    }
                }
            }
        }
    }
    // Bare numbers count only when they run in step with the pages: value − page
    // index is the same on at least two pages (or it is a one-page text numbered 1).
    let mut offsets: BTreeMap<i64, usize> = BTreeMap::new();
    for &(p, _, v) in &bare {
        *offsets.entry(v - p as i64).or_default() += 1;
    }
    let real_pages = pages
        .iter()
        .filter(|pg| pg.iter().any(|l| !l.trim().is_empty()))
        .count();
    if let Some((&offset, &n)) = offsets
        .iter()
        .max_by_key(|&(&o, &n)| (n, std::cmp::Reverse(o)))
    {
        if n >= 2 || (real_pages == 1 && offset == 1) {
            for &(p, i, v) in &bare {
                if v - p as i64 == offset {
                    drop.insert((p, i));
                }
            }
        }
    }
    drop
}

/// `-3-`, `- 3 -`, `—3—`, `第3页`, `第 3 页 共 12 页`, `3/12`, `Page 3 of 12`.
pub(super) fn is_decorated_page_number(t: &str) -> bool {
    if t.is_empty() || t.chars().count() > 24 {
        return false;
    }
    let is_dash = |c: char| matches!(c, '-' | '－' | '—' | '–' | '‒' | '―' | '─' | '~' | '～');
    let compact: String = t.chars().filter(|c| !c.is_whitespace()).collect();
    let digits = |s: &str| !s.is_empty() && s.len() <= 4 && s.bytes().all(|b| b.is_ascii_digit());
    // -3-
    let inner = compact.trim_start_matches(is_dash);
    let stripped_left = inner.len() < compact.len();
    let inner2 = inner.trim_end_matches(is_dash);
    if stripped_left && inner2.len() < inner.len() && digits(inner2) {
        return true;
    }
    // 第3页, 第3页共12页, 第3页/共12页, 共12页第3页
    let page_phrase = |s: &str| {
        s.strip_prefix('第')
            .and_then(|r| r.strip_suffix('页'))
            .is_some_and(digits)
            || s.strip_prefix('共')
                .and_then(|r| r.strip_suffix('页'))
                .is_some_and(digits)
    };
    let parts: Vec<&str> = compact
        .split(['/', '，', ',', '、'])
        .filter(|s| !s.is_empty())
        .collect();
    let phrase_parts = |s: &str| -> bool {
        // split "第3页共12页" into 第3页 + 共12页
        match s.find('共') {
            Some(pos) if pos > 0 => page_phrase(&s[..pos]) && page_phrase(&s[pos..]),
            _ => match s.find('第') {
                Some(pos) if pos > 0 => page_phrase(&s[..pos]) && page_phrase(&s[pos..]),
                _ => page_phrase(s),
            },
        }
    };
    if !parts.is_empty() && parts.iter().all(|p| phrase_parts(p)) && compact.contains('第') {
        return true;
    }
    // 3/12
    if let Some((a, b)) = compact.split_once('/') {
        if digits(a) && digits(b) {
            if let (Ok(a), Ok(b)) = (a.parse::<u32>(), b.parse::<u32>()) {
                return a >= 1 && a <= b;
            }
        }
    }
    // Page 3, Page 3 of 12
    let lower = compact.to_ascii_lowercase();
    if let Some(rest) = lower.strip_prefix("page") {
        let rest = rest.replace("of", "/");
        return rest.split('/').all(digits);
    }
    false
}
