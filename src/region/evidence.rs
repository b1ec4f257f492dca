//! Evidence about the issuer's place found anywhere in a report's text: names of
//! provinces, prefectures and counties (and name chains such as `淮南市谢家集区`
//! or `甘肃·临泽`), postcodes, telephone area codes and government site domains.

use regex::Regex;
use std::collections::{BTreeMap, HashMap};

use super::gazetteer::{Gazetteer, Level};
use super::matcher::{Matcher, Mention, Target, Via};
use super::tables;

/// Characters that may stand between a parent name and a child name in a chain
/// (`甘肃·临泽`); whitespace is already removed by [`normalize`].
const CHAIN_SEPARATORS: &[char] = &['·', '•', '・', '‧', '.', '-', '_', '|', '/', '—'];

/// Text prepared for matching: whitespace (ASCII, full-width, NBSP, line breaks)
/// and zero-width characters removed, full-width ASCII folded to ASCII. Names
/// split over lines (`淮安市洪\n泽区`) and spaced-out labels (`邮 编 ：`) join up.
pub fn normalize(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if c.is_whitespace()
            || matches!(
                c,
                '\u{200b}' | '\u{200c}' | '\u{200d}' | '\u{feff}' | '\u{2060}'
            )
        {
            continue;
        }
        let c = match c {
            '\u{ff01}'..='\u{ff5e}' => char::from_u32(c as u32 - 0xfee0).unwrap_or(c),
            _ => c,
        };
        out.push(c);
    }
    out
}

/// Whether two mentions are adjacent in a chain: nothing, or one separator, between them.
pub fn adjacent(text: &str, a: &Mention, b: &Mention) -> bool {
    if b.start < a.end {
        return false;
    }
    let gap = &text[a.end..b.start];
    let mut chars = gap.chars();
    match (chars.next(), chars.next()) {
        (None, _) => true,
        (Some(c), None) => CHAIN_SEPARATORS.contains(&c),
        _ => false,
    }
}

/// Counts of one kind of evidence, keyed by a division code.
pub type Counts = BTreeMap<u32, u32>;

/// Everything the text says about where the issuer is.
#[derive(Debug, Default, Clone)]
pub struct Evidence {
    /// Province-level names (full or short), by province code.
    pub provinces: Counts,
    /// Prefecture names (full names, aliases, or short names in a chain), by code.
    pub cities: Counts,
    /// County names (full names, aliases, or short names in a chain), by code.
    pub counties: Counts,
    /// Parent–child chains: (ancestor code, descendant code) → count.
    pub chains: BTreeMap<(u32, u32), u32>,
    /// Labelled postcodes, by the province their first two digits give.
    pub postcodes: Counts,
    /// Telephone area codes, by province.
    pub phone_provinces: Counts,
    /// 3-digit area codes of big cities, by prefecture code.
    pub phone_cities: Counts,
    /// Government site domains naming a province (`www.fujian.gov.cn`).
    pub domain_provinces: Counts,
    /// Government site domains naming a division (`www.pingtan.gov.cn`), by code.
    pub domain_divisions: Counts,
    /// The issuer as the opening sentence names it (`本报告由…根据`), or
    /// else as the contact sentence does (`请与来凤县政务服务和大数据管理局联系`), normalized.
    pub issuer: Option<String>,
}

impl Evidence {
    /// A one-line summary for traces.
    pub fn summary(&self, g: &Gazetteer) -> String {
        let fmt = |c: &Counts| -> String {
            let mut v: Vec<(u32, u32)> = c.iter().map(|(&k, &n)| (k, n)).collect();
            v.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
            v.iter()
                .take(6)
                .map(|(k, n)| {
                    let name = g
                        .at_code(*k, None)
                        .map(|id| g.div(id).name.as_str())
                        .unwrap_or("?");
                    format!("{name}:{k:06}×{n}")
                })
                .collect::<Vec<_>>()
                .join(" ")
        };
        let chains: Vec<String> = self
            .chains
            .iter()
            .take(6)
            .map(|((a, b), n)| format!("{a:06}>{b:06}×{n}"))
            .collect();
        format!(
            "provinces[{}] cities[{}] counties[{}] chains[{}] postcodes[{}] phones[{}|{}] domains[{}|{}] issuer[{}]",
            fmt(&self.provinces),
            fmt(&self.cities),
            fmt(&self.counties),
            chains.join(" "),
            fmt(&self.postcodes),
            fmt(&self.phone_provinces),
            fmt(&self.phone_cities),
            fmt(&self.domain_provinces),
            fmt(&self.domain_divisions),
            self.issuer.as_deref().unwrap_or("")
        )
    }
}

/// The compiled patterns and indexes used to collect [`Evidence`].
#[derive(Debug, Clone)]
pub struct EvidenceScanner {
    postcode: Regex,
    phone: Regex,
    domain: Regex,
    issuer: Regex,
    contact: Regex,
    /// Full pinyin of a division's short name → division codes.
    pinyin_full: HashMap<String, Vec<u32>>,
    /// (province code, pinyin initials) → division codes.
    pinyin_initials: HashMap<(u32, String), Vec<u32>>,
    /// Province abbreviations in domains.
    province_abbrevs: HashMap<&'static str, u32>,
}

/// How many bytes at the start of the text the issuer sentence is looked for in.
const ISSUER_WINDOW: usize = 6000;

impl EvidenceScanner {
    /// Compile the patterns and build the pinyin indexes.
    pub fn new(g: &Gazetteer) -> Result<Self, String> {
        let re = |s: &str| Regex::new(s).map_err(|e| format!("bad evidence pattern {s}: {e}"));
        let mut pinyin_full: HashMap<String, Vec<u32>> = HashMap::new();
        let mut pinyin_initials: HashMap<(u32, String), Vec<u32>> = HashMap::new();
        for d in &g.divisions {
            for reading in &d.pinyin {
                let full: String = reading.concat();
                if full.len() >= 4 {
                    let v = pinyin_full.entry(full).or_default();
                    if !v.contains(&d.code) {
                        v.push(d.code);
                    }
                }
                let initials: String = reading.iter().filter_map(|s| s.chars().next()).collect();
                if d.level != Level::Province && initials.len() >= 2 {
                    let v = pinyin_initials
                        .entry((d.province_code(), initials))
                        .or_default();
                    if !v.contains(&d.code) {
                        v.push(d.code);
                    }
                }
            }
        }
        Ok(EvidenceScanner {
            postcode: re(r"邮(?:编|政编码|码)[:：]?([0-9]{6})(?:[^0-9]|$)")?,
            phone: re(
                r"(?:^|[^0-9])(?:\((0[1-9][0-9]{1,2})\)[-—–]?|(0[1-9][0-9]{1,2})[-—–])([0-9]{7,8})(?:[^0-9]|$)",
            )?,
            domain: re(r"(?i)([a-z0-9][a-z0-9-]*)\.gov\.cn")?,
            issuer: re(
                r"本(?:报告|年报|年度报告)(?:由|是)([^，。,;；：:]{2,40}?)(?:根据|依据|按照|依照|遵照|编制|制作|发布|结合)",
            )?,
            // The body names the issuer where it says whom to ask (usually
            // near the end: searched in the whole text).
            contact: re(
                r"(?:请与|请联系|联系单位[:：]?)([^，。,;；：:（(、]{2,40}?)(?:联系|[，。,;；（(]|$)",
            )?,
            pinyin_full,
            pinyin_initials,
            province_abbrevs: tables::PROVINCE_DOMAIN_ABBREVS.iter().copied().collect(),
        })
    }

    /// Collect the evidence in a normalized text.
    pub fn collect(&self, g: &Gazetteer, m: &Matcher, norm: &str) -> Evidence {
        let mut ev = Evidence::default();
        self.collect_names(g, m, norm, &mut ev);
        for c in self.postcode.captures_iter(norm) {
            if let Some(p) = c.get(1).and_then(|x| tables::postcode_province(x.as_str())) {
                *ev.postcodes.entry(p).or_default() += 1;
            }
        }
        for c in self.phone.captures_iter(norm) {
            let code = c
                .get(1)
                .or_else(|| c.get(2))
                .map(|x| x.as_str())
                .unwrap_or("");
            if let Some(a) = tables::area_code(code) {
                *ev.phone_provinces.entry(a.province).or_default() += 1;
                if let Some(city) = a.city {
                    *ev.phone_cities.entry(city).or_default() += 1;
                }
            }
        }
        for c in self.domain.captures_iter(norm) {
            let label = c[1].to_ascii_lowercase();
            self.domain_label(&label, &mut ev);
        }
        let head = &norm[..floor_char_boundary(norm, ISSUER_WINDOW)];
        ev.issuer = self
            .issuer
            .captures(head)
            .and_then(|c| c.get(1))
            .map(|x| x.as_str().to_string())
            .or_else(|| {
                self.contact
                    .captures(norm)
                    .and_then(|c| c.get(1))
                    .map(|x| x.as_str().to_string())
            });
        ev
    }

    fn domain_label(&self, label: &str, ev: &mut Evidence) {
        if let Some(&p) = self.province_abbrevs.get(label) {
            *ev.domain_provinces.entry(p).or_default() += 1;
            return;
        }
        if let Some(codes) = self.pinyin_full.get(label) {
            for &c in codes {
                *ev.domain_divisions.entry(c).or_default() += 1;
            }
            return;
        }
        // Province abbreviation + the division's pinyin or initials (`gslz` = 甘肃 临泽).
        for (abbrev, &p) in &self.province_abbrevs {
            let Some(rest) = label.strip_prefix(abbrev) else {
                continue;
            };
            if rest.len() < 2 {
                continue;
            }
            let by_full = self.pinyin_full.get(rest).map(|v| {
                v.iter()
                    .filter(|c| *c / 10000 * 10000 == p)
                    .copied()
                    .collect::<Vec<_>>()
            });
            let by_initials = self.pinyin_initials.get(&(p, rest.to_string())).cloned();
            let hits: Vec<u32> = match (by_full, by_initials) {
                (Some(v), _) if !v.is_empty() => v,
                (_, Some(v)) => v,
                _ => continue,
            };
            *ev.domain_provinces.entry(p).or_default() += 1;
            for c in hits {
                *ev.domain_divisions.entry(c).or_default() += 1;
            }
        }
    }

    fn collect_names(&self, g: &Gazetteer, m: &Matcher, norm: &str, ev: &mut Evidence) {
        let mentions = m.scan(norm);
        // Targets accepted per mention: strong names always; province short names
        // always; other weak names only inside a parent–child chain.
        let mut accepted: Vec<Vec<Target>> = mentions
            .iter()
            .map(|mm| {
                m.pattern(mm.pattern)
                    .targets
                    .iter()
                    .copied()
                    .filter(|t| {
                        !t.weak || (t.via == Via::Short && g.div(t.div).level == Level::Province)
                    })
                    .collect()
            })
            .collect();
        for i in 1..mentions.len() {
            if !adjacent(norm, &mentions[i - 1], &mentions[i]) {
                continue;
            }
            let prev_all = &m.pattern(mentions[i - 1].pattern).targets;
            let next_all = &m.pattern(mentions[i].pattern).targets;
            let mut pairs: Vec<(Target, Target)> = Vec::new();
            for a in prev_all {
                for b in next_all {
                    if g.is_ancestor(a.div, b.div) {
                        pairs.push((*a, *b));
                    }
                }
            }
            for (a, b) in pairs {
                let (ca, cb) = (g.div(a.div).code, g.div(b.div).code);
                let n = ev.chains.entry((ca, cb)).or_default();
                *n += 1;
                for (idx, t) in [(i - 1, a), (i, b)] {
                    if !accepted[idx].iter().any(|x| x.div == t.div) {
                        accepted[idx].push(t);
                    }
                }
            }
        }
        for targets in &accepted {
            let mut seen: Vec<u32> = Vec::new();
            for t in targets {
                let d = g.div(t.div);
                if seen.contains(&d.code) {
                    continue;
                }
                seen.push(d.code);
                let counts = match d.level {
                    Level::Province => &mut ev.provinces,
                    Level::City => &mut ev.cities,
                    Level::County => &mut ev.counties,
                };
                *counts.entry(d.code).or_default() += 1;
            }
        }
    }
}

/// The largest char boundary at or below `i`.
pub fn floor_char_boundary(s: &str, i: usize) -> usize {
    if i >= s.len() {
        return s.len();
    }
    let mut i = i;
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}
