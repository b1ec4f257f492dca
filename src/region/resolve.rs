//! The resolution logic: issuer names first (agency, then title), then evidence
//! in the text to choose among divisions that share a name, then the text alone.

use std::collections::BTreeMap;

use crate::model::{AdminLevel, Finding, Region, Severity};

use super::evidence::{adjacent, normalize, Evidence};
use super::gazetteer::{CityOf, DivId, Level};
use super::matcher::{Target, Via};
use super::tables;
use super::{RegionInput, RegionResolver, Resolution};

/// Words that may follow a short or two-character name in a title or agency for it
/// to count as the issuer's place (`缙云2019年…`, `和县人民政府`). The name must
/// also start the string or follow a non-letter, a digit, `年` or `度`
/// (`2019年度缙云…`), unless its parent or child stands right next to it.
const WEAK_FOLLOWERS: &[&str] = &[
    "人民政府",
    "政府",
    "县委",
    "区委",
    "市委",
    "州委",
    "旗委",
    "盟委",
    "党委",
    "年",
    "二〇",
    "二零",
    "高新",
    "经济",
    "经开",
    "开发区",
    "工业园",
    "管委会",
    "国家级",
    "·",
];

/// A trace of the steps of one resolution, kept only when asked for.
#[derive(Debug, Default)]
pub(crate) struct Trace {
    lines: Option<Vec<String>>,
}

impl Trace {
    /// A trace that records.
    pub(crate) fn recording() -> Self {
        Trace {
            lines: Some(Vec::new()),
        }
    }

    /// A trace that records nothing.
    pub(crate) fn off() -> Self {
        Trace { lines: None }
    }

    pub(crate) fn note(&mut self, f: impl FnOnce() -> String) {
        if let Some(lines) = &mut self.lines {
            lines.push(f());
        }
    }

    /// The recorded lines.
    pub(crate) fn into_lines(self) -> Vec<String> {
        self.lines.unwrap_or_default()
    }
}

/// What an issuer name (title, agency or the text's opening sentence) names.
#[derive(Debug, Default)]
struct IssuerMatch {
    /// Rows the most specific name may be (any year).
    tips: Vec<DivId>,
    /// True when every tip came from an alias (a zone or 兵团 unit).
    alias_only: bool,
    /// A 乡/镇/街道 follows the place name.
    township: bool,
}

/// A candidate: the row named, and the row in force in the report's year.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Cand {
    named: DivId,
    row: DivId,
}

/// Evidence points for one candidate, by kind.
pub(crate) type Points = BTreeMap<&'static str, i32>;

/// Caps on how many occurrences of one kind of evidence count.
const CAP_CHAIN: u32 = 3;
const CAP_NAME: u32 = 5;
const CAP_OTHER: u32 = 2;

impl RegionResolver {
    /// Resolve, recording the steps into `trace`.
    pub(crate) fn resolve_traced(&self, input: &RegionInput<'_>, trace: &mut Trace) -> Resolution {
        let year = input.year;
        trace.note(|| {
            format!(
                "year: {}",
                year.map_or("unknown".to_string(), |y| y.to_string())
            )
        });
        let mut text_ev: Option<Evidence> = None;
        let sources = [("agency", input.agency), ("title", input.title)];
        // The agency first; the title when it names a place inside the agency's
        // (agency `淮安市人民政府`, title `淮安市洪泽区…`) or the agency names none.
        let mut chosen: Option<(&str, IssuerMatch)> = None;
        for (source, s) in sources {
            let Some(s) = s else { continue };
            let ns = normalize(s);
            if ns.is_empty() {
                continue;
            }
            trace.note(|| format!("{source}: {ns}"));
            let im = self.issuer_match(&ns, trace);
            if im.tips.is_empty() {
                continue;
            }
            chosen = match chosen {
                None => Some((source, im)),
                Some((first, prev)) => {
                    let deeper: Vec<DivId> = im
                        .tips
                        .iter()
                        .copied()
                        .filter(|&t| prev.tips.iter().any(|&a| self.g.is_ancestor(a, t)))
                        .collect();
                    if deeper.is_empty() {
                        Some((first, prev))
                    } else {
                        trace.note(|| format!("the {source} names a place inside the {first}'s"));
                        Some((source, IssuerMatch { tips: deeper, ..im }))
                    }
                }
            };
        }
        if let Some((source, im)) = chosen {
            return self.decide(&im, source, input, &mut text_ev, trace);
        }
        for (source, s) in sources {
            let Some(s) = s else { continue };
            let ns = normalize(s);
            if self.central.is_match(&ns) {
                trace.note(|| format!("{source}: a central body with no place name → central"));
                return Resolution {
                    region: central_region(source),
                    findings: Vec::new(),
                };
            }
        }
        let ev = self.evidence(input, &mut text_ev, trace).clone();
        if let Some(issuer) = &ev.issuer {
            trace.note(|| format!("text issuer sentence: {issuer}"));
            let im = self.issuer_match(issuer, trace);
            if !im.tips.is_empty() {
                return self.decide(&im, "text:issuer", input, &mut text_ev, trace);
            }
            if self.central.is_match(issuer) {
                trace.note(|| "text issuer is a central body → central".to_string());
                return Resolution {
                    region: central_region("text:issuer"),
                    findings: Vec::new(),
                };
            }
        }
        if let Some(r) = self.vote(&ev, year, trace) {
            return r;
        }
        trace.note(|| "nothing resolves".to_string());
        Resolution {
            region: Region::default(),
            findings: vec![Finding::note(
                "region.unresolved",
                Severity::Info,
                "region",
                "no division name, postcode, area code or government domain identifies the issuer",
            )],
        }
    }

    /// The text's evidence, collected once per report.
    fn evidence<'e>(
        &self,
        input: &RegionInput<'_>,
        slot: &'e mut Option<Evidence>,
        trace: &mut Trace,
    ) -> &'e Evidence {
        if slot.is_none() {
            let norm = normalize(input.text);
            let ev = self.scanner.collect(&self.g, &self.m, &norm);
            trace.note(|| format!("text evidence: {}", ev.summary(&self.g)));
            *slot = Some(ev);
        }
        slot.as_ref().expect("evidence was just filled")
    }

    /// Find the issuer's division in a normalized title, agency or issuer sentence:
    /// the most specific name of the first chain of names (`固原市` → `原州区`).
    fn issuer_match(&self, ns: &str, trace: &mut Trace) -> IssuerMatch {
        let g = &self.g;
        let mentions = self.m.scan(ns);
        let mut accepted: Vec<Vec<Target>> = Vec::with_capacity(mentions.len());
        for (i, mm) in mentions.iter().enumerate() {
            let all = &self.m.pattern(mm.pattern).targets;
            let prev = i
                .checked_sub(1)
                .map(|j| &mentions[j])
                .filter(|p| adjacent(ns, p, mm));
            let next = mentions.get(i + 1).filter(|n| adjacent(ns, mm, n));
            let rest = &ns[mm.end..];
            let before = ns[..mm.start].chars().next_back();
            let starts_ok = before.is_none_or(|c| {
                c.is_ascii_digit() || !c.is_alphanumeric() || c == '年' || c == '度'
            });
            let follows_ok = rest.is_empty()
                || rest.starts_with(|c: char| c.is_ascii_digit() || !c.is_alphanumeric())
                || WEAK_FOLLOWERS.iter().any(|w| rest.starts_with(w));
            let keep: Vec<Target> = all
                .iter()
                .copied()
                .filter(|t| {
                    // Two-character full names (`沛县统计局`) need a clean start;
                    // short names also a government word after them.
                    if !t.weak || (starts_ok && (follows_ok || t.via == Via::Full)) {
                        return true;
                    }
                    // A short name right before a department word is part of the
                    // department's name (`湖北省公安厅`: 公安, not 公安县).
                    if t.via != Via::Full
                        && rest.starts_with(['厅', '局', '委', '署', '办', '处', '司'])
                    {
                        return false;
                    }
                    let after_parent = prev.is_some_and(|p| {
                        self.m
                            .pattern(p.pattern)
                            .targets
                            .iter()
                            .any(|a| g.is_ancestor(a.div, t.div))
                    });
                    let before_child = next.is_some_and(|n| {
                        self.m
                            .pattern(n.pattern)
                            .targets
                            .iter()
                            .any(|b| g.is_ancestor(t.div, b.div))
                    });
                    after_parent || before_child
                })
                .collect();
            // A short name shared by a province and lower divisions (`海南`, `吉林`)
            // names the province unless a chain says otherwise.
            let province_short = keep.iter().any(|t| g.div(t.div).level == Level::Province);
            let keep: Vec<Target> = if province_short && next.is_none() && prev.is_none() {
                keep.into_iter()
                    .filter(|t| g.div(t.div).level == Level::Province || t.via != Via::Short)
                    .collect()
            } else {
                keep
            };
            trace.note(|| {
                let names: Vec<String> = keep
                    .iter()
                    .map(|t| self.describe(t.div, Some(t.via)))
                    .collect();
                format!(
                    "  name {} at {}..{}: {}",
                    self.m.pattern(mm.pattern).text,
                    mm.start,
                    mm.end,
                    if names.is_empty() {
                        "needs context, ignored".to_string()
                    } else {
                        names.join("; ")
                    }
                )
            });
            accepted.push(keep);
        }
        // Walk the names in order, narrowing to the most specific consistent chain.
        let mut state: Vec<Target> = Vec::new();
        let mut end = 0usize;
        for (i, targets) in accepted.iter().enumerate() {
            if targets.is_empty() {
                continue;
            }
            if state.is_empty() {
                state = targets.clone();
                end = mentions[i].end;
                continue;
            }
            let deeper: Vec<Target> = targets
                .iter()
                .copied()
                .filter(|t| state.iter().any(|s| g.is_ancestor(s.div, t.div)))
                .collect();
            if !deeper.is_empty() {
                state = deeper;
                end = mentions[i].end;
                continue;
            }
            let narrowed: Vec<Target> = state
                .iter()
                .copied()
                .filter(|s| targets.iter().any(|t| g.is_ancestor(t.div, s.div)))
                .collect();
            if !narrowed.is_empty() {
                state = narrowed;
                continue;
            }
            if targets.iter().all(|t| state.iter().any(|s| s.div == t.div)) {
                continue; // the same name again
            }
            break; // an unrelated place: the issuer is the first chain
        }
        let mut tips: Vec<DivId> = state.iter().map(|t| t.div).collect();
        tips.sort_unstable();
        tips.dedup();
        let alias_only = !state.is_empty() && state.iter().all(|t| matches!(t.via, Via::Alias(_)));
        let township = !tips.is_empty() && self.township.is_match(&ns[end..]);
        if !tips.is_empty() {
            trace.note(|| {
                format!(
                    "  issuer names: {}{}",
                    tips.iter()
                        .map(|&d| self.describe(d, None))
                        .collect::<Vec<_>>()
                        .join("; "),
                    if township {
                        " (+ a 乡/镇/街道 after it)"
                    } else {
                        ""
                    }
                )
            });
        }
        IssuerMatch {
            tips,
            alias_only,
            township,
        }
    }

    /// Candidates for the report's year: rows in force that year if any were
    /// named; else the rows that continue (or preceded) the named ones; else the
    /// named rows as they are. With no year, rows continued by another
    /// candidate are dropped.
    fn year_candidates(&self, im: &IssuerMatch, year: Option<i32>) -> Vec<Cand> {
        let g = &self.g;
        let tips = &im.tips;
        let mut out: Vec<Cand> = Vec::new();
        let push = |out: &mut Vec<Cand>, c: Cand| {
            if !out.iter().any(|o| o.row == c.row) {
                out.push(c);
            }
        };
        match year {
            None => {
                for &t in tips {
                    if !tips.iter().any(|&o| o != t && g.continues(t, o)) {
                        push(&mut out, Cand { named: t, row: t });
                    }
                }
            }
            Some(y) => {
                for &t in tips.iter().filter(|&&t| g.valid_in(t, y)) {
                    push(&mut out, Cand { named: t, row: t });
                }
                if out.is_empty() {
                    for &t in tips {
                        for r in g.map_to_year(t, y) {
                            push(&mut out, Cand { named: t, row: r });
                        }
                    }
                }
                if out.is_empty() && im.alias_only {
                    // A zone or 兵团 unit whose division did not exist that year: its province.
                    for &t in tips {
                        if let Some(p) = g.at_code(g.div(t).province_code(), Some(y)) {
                            push(&mut out, Cand { named: t, row: p });
                        }
                    }
                }
                if out.is_empty() {
                    for &t in tips {
                        if !tips.iter().any(|&o| o != t && g.continues(t, o)) {
                            push(&mut out, Cand { named: t, row: t });
                        }
                    }
                }
            }
        }
        out.sort_by_key(|c| (g.div(c.row).code, c.row));
        out
    }

    /// Decide among the candidates an issuer name gives.
    fn decide(
        &self,
        im: &IssuerMatch,
        source: &str,
        input: &RegionInput<'_>,
        text_ev: &mut Option<Evidence>,
        trace: &mut Trace,
    ) -> Resolution {
        let cands = self.year_candidates(im, input.year);
        trace.note(|| {
            format!(
                "candidates for the year: {}",
                cands
                    .iter()
                    .map(|c| self.describe(c.row, None))
                    .collect::<Vec<_>>()
                    .join("; ")
            )
        });
        if cands.len() == 1 {
            let region = self.region_of(cands[0].row, source.to_string(), im.township);
            return Resolution {
                region,
                findings: Vec::new(),
            };
        }
        let ev = self.evidence(input, text_ev, trace);
        let mut scored: Vec<(Cand, i32, Points)> = cands
            .iter()
            .map(|&c| {
                let p = self.points(c, ev);
                (c, p.values().sum(), p)
            })
            .collect();
        scored.sort_by(|a, b| {
            b.1.cmp(&a.1)
                .then_with(|| self.g.div(a.0.row).code.cmp(&self.g.div(b.0.row).code))
        });
        trace.note(|| {
            let parts: Vec<String> = scored
                .iter()
                .map(|(c, s, p)| format!("{} = {s} {:?}", self.describe(c.row, None), p))
                .collect();
            format!("scores: {}", parts.join("; "))
        });
        let top = scored[0].1;
        let second = scored.get(1).map_or(0, |s| s.1);
        if top > 0 && (second == 0 || (top >= 2 * second && top - second >= 2)) {
            let (c, _, p) = &scored[0];
            let basis = format!("{source}+{}", strongest(p));
            trace.note(|| format!("the evidence decides: {}", self.describe(c.row, None)));
            return Resolution {
                region: self.region_of(c.row, basis, im.township),
                findings: Vec::new(),
            };
        }
        // Not decided: keep what all plausible candidates share.
        let plausible: Vec<&(Cand, i32, Points)> = if top > 0 {
            scored.iter().filter(|s| s.1 * 2 >= top).collect()
        } else {
            scored.iter().collect()
        };
        let provinces: Vec<u32> = {
            let mut v: Vec<u32> = plausible
                .iter()
                .map(|s| self.g.div(s.0.row).province_code())
                .collect();
            v.sort_unstable();
            v.dedup();
            v
        };
        let mut region = Region::default();
        if provinces.len() == 1 {
            let basis = if top > 0 && plausible.len() < scored.len() {
                format!("{source}+{}", strongest(&plausible[0].2))
            } else {
                source.to_string()
            };
            if let Some(p) = self.g.at_code(provinces[0], input.year) {
                region = self.region_of(p, basis, false);
                region.admin_level = None;
            }
            let levels: Vec<Level> = {
                let mut v: Vec<Level> = plausible
                    .iter()
                    .map(|s| self.g.div(s.0.row).level)
                    .collect();
                v.sort_unstable();
                v.dedup();
                v
            };
            if levels.len() == 1 {
                region.admin_level = Some(if im.township {
                    AdminLevel::Township
                } else {
                    admin_level(levels[0])
                });
            }
        }
        let list: Vec<String> = scored
            .iter()
            .map(|s| {
                format!(
                    "{}:{}",
                    self.g.div(s.0.row).name,
                    self.g.div(s.0.row).code_str()
                )
            })
            .collect();
        let kept = region.province.clone();
        trace.note(|| {
            format!(
                "ambiguous; kept province: {}",
                kept.as_deref().unwrap_or("none")
            )
        });
        let named = self.g.div(cands[0].named).name.clone();
        let finding = Finding {
            rule: "region.ambiguous".to_string(),
            severity: Severity::Warning,
            subject: "region".to_string(),
            expected: None,
            actual: Some(list.join(";")),
            message: format!(
                "the issuer name {named} matches {} divisions and the text does not decide between them{}",
                scored.len(),
                match &region.province {
                    Some(p) => format!("; kept the province {p}"),
                    None => String::new(),
                }
            ),
        };
        Resolution {
            region,
            findings: vec![finding],
        }
    }

    /// Evidence points for one candidate.
    fn points(&self, c: Cand, ev: &Evidence) -> Points {
        let g = &self.g;
        let d = g.div(c.row);
        let codes = [d.code, g.div(c.named).code];
        let prov = d.province_code();
        let city_code: Option<u32> = match g.city_of(c.row) {
            CityOf::City(x) => Some(g.div(x).code),
            _ => None,
        };
        let mut p = Points::new();
        let mut add = |kind: &'static str, n: u32, cap: u32, each: i32| {
            if n > 0 {
                *p.entry(kind).or_default() += n.min(cap) as i32 * each;
            }
        };
        // Chains naming the candidate under its city or province (`淮南市谢家集区`).
        let (mut under_city, mut under_prov) = (0, 0);
        for (&(a, b), &n) in &ev.chains {
            if !codes.contains(&b) {
                continue;
            }
            if Some(a) == city_code {
                under_city += n;
            } else if a == prov {
                under_prov += n;
            }
        }
        add("text:chain", under_city, CAP_CHAIN, 10);
        add("text:chain", under_prov, CAP_CHAIN, 6);
        if d.level == Level::City {
            add(
                "text:city",
                ev.cities.get(&d.code).copied().unwrap_or(0),
                CAP_NAME,
                3,
            );
        }
        if let Some(cc) = city_code.filter(|_| d.level == Level::County) {
            add(
                "text:city",
                ev.cities.get(&cc).copied().unwrap_or(0),
                CAP_NAME,
                3,
            );
        }
        add(
            "text:province",
            ev.provinces.get(&prov).copied().unwrap_or(0),
            CAP_NAME,
            1,
        );
        add(
            "postcode",
            ev.postcodes.get(&prov).copied().unwrap_or(0),
            CAP_OTHER,
            3,
        );
        add(
            "phone",
            ev.phone_provinces.get(&prov).copied().unwrap_or(0),
            CAP_OTHER,
            2,
        );
        if let Some(cc) = city_code.or((d.level == Level::City).then_some(d.code)) {
            add(
                "phone",
                ev.phone_cities.get(&cc).copied().unwrap_or(0),
                CAP_OTHER,
                3,
            );
        }
        if d.level != Level::Province {
            add(
                "domain",
                codes
                    .iter()
                    .map(|c| ev.domain_divisions.get(c).copied().unwrap_or(0))
                    .max()
                    .unwrap_or(0),
                CAP_OTHER,
                4,
            );
        }
        if let Some(cc) = city_code.filter(|_| d.level == Level::County) {
            add(
                "domain",
                ev.domain_divisions.get(&cc).copied().unwrap_or(0),
                CAP_OTHER,
                3,
            );
        }
        add(
            "domain",
            ev.domain_provinces.get(&prov).copied().unwrap_or(0),
            CAP_OTHER,
            2,
        );
        p
    }

    /// The region fields for a row.
    pub(crate) fn region_of(&self, id: DivId, basis: String, township: bool) -> Region {
        let g = &self.g;
        let d = g.div(id);
        let mut r = Region {
            basis: Some(basis),
            ..Region::default()
        };
        if let Some(p) = g.province_of(id) {
            r.province = Some(g.div(p).name.clone());
            r.province_code = Some(g.div(p).code_str());
        }
        r.slug = tables::province_slug(d.province_code()).map(str::to_string);
        match d.level {
            Level::Province => {}
            Level::City => {
                r.city = Some(d.name.clone());
                r.city_code = Some(d.code_str());
            }
            Level::County => {
                match g.city_of(id) {
                    CityOf::City(c) | CityOf::Municipality(c) => {
                        r.city = Some(g.div(c).name.clone());
                        r.city_code = Some(g.div(c).code_str());
                    }
                    CityOf::None => {}
                }
                r.county = Some(d.name.clone());
                r.county_code = Some(d.code_str());
            }
        }
        r.adcode = Some(d.code_str());
        r.admin_level = Some(if township {
            AdminLevel::Township
        } else {
            admin_level(d.level)
        });
        r
    }

    /// `临泽县 620723 (county, 2008–2024, short)` for traces.
    pub(crate) fn describe(&self, id: DivId, via: Option<Via>) -> String {
        let d = self.g.div(id);
        let last = if d.last >= self.g.last_year {
            "now".to_string()
        } else {
            d.last.to_string()
        };
        let first = if d.first <= self.g.first_year {
            "…".to_string()
        } else {
            d.first.to_string()
        };
        match via {
            Some(v) => format!(
                "{} {:06} ({}, {first}–{last}, {})",
                d.name,
                d.code,
                d.level.as_str(),
                v.as_str()
            ),
            None => format!(
                "{} {:06} ({}, {first}–{last})",
                d.name,
                d.code,
                d.level.as_str()
            ),
        }
    }
}

/// The model's level for a gazetteer level.
fn admin_level(l: Level) -> AdminLevel {
    match l {
        Level::Province => AdminLevel::Province,
        Level::City => AdminLevel::City,
        Level::County => AdminLevel::County,
    }
}

/// The region of a central government body.
fn central_region(basis: &str) -> Region {
    Region {
        admin_level: Some(AdminLevel::Central),
        slug: Some(tables::CENTRAL_SLUG.to_string()),
        basis: Some(basis.to_string()),
        ..Region::default()
    }
}

/// The kind of evidence that gave the most points (ties: the first by name).
pub(crate) fn strongest(p: &Points) -> &'static str {
    p.iter()
        .max_by(|a, b| a.1.cmp(b.1).then_with(|| b.0.cmp(a.0)))
        .map_or("text", |(k, _)| k)
}
