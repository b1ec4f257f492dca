//! Resolution from the text's evidence alone, when neither the title nor the
//! agency names a place: province, then city, then county, each only when one
//! division clearly dominates the votes.

use std::collections::BTreeMap;

use super::evidence::Evidence;
use super::gazetteer::{is_municipality, CityOf, Level};
use super::resolve::{strongest, Points, Trace};
use super::{RegionResolver, Resolution};

impl RegionResolver {
    /// Resolve from the text's evidence alone, level by level, each level only
    /// when one division clearly dominates.
    pub(crate) fn vote(
        &self,
        ev: &Evidence,
        year: Option<i32>,
        trace: &mut Trace,
    ) -> Option<Resolution> {
        let g = &self.g;
        // Province votes, by kind.
        let mut pv: BTreeMap<u32, Points> = BTreeMap::new();
        let mut addp = |prov: u32, kind: &'static str, n: i32| {
            *pv.entry(prov / 10000 * 10000)
                .or_default()
                .entry(kind)
                .or_default() += n;
        };
        for (&p, &n) in &ev.provinces {
            addp(p, "text:province", n as i32);
        }
        for (&c, &n) in &ev.cities {
            addp(c, "text:city", n as i32);
        }
        for (&(_, b), &n) in &ev.chains {
            addp(b, "text:chain", 2 * n as i32);
        }
        for (&p, &n) in &ev.postcodes {
            addp(p, "postcode", 3 * n.min(3) as i32);
        }
        for (&p, &n) in &ev.phone_provinces {
            addp(p, "phone", 2 * n.min(3) as i32);
        }
        for (&p, &n) in &ev.domain_provinces {
            addp(p, "domain", 2 * n.min(3) as i32);
        }
        for (&c, &n) in &ev.domain_divisions {
            addp(c, "domain", n.min(3) as i32);
        }
        let (prov, prov_points) = dominant(&pv, 3, 2)?;
        trace.note(|| {
            format!(
                "text votes for the province: {:?} → {prov:06}",
                summarize(&pv)
            )
        });
        let prov_row = g.at_code(prov, year)?;
        let mut best = (prov_row, strongest(&prov_points).to_string());
        // City votes within the province.
        let mut city: Option<u32> = None;
        if !is_municipality(prov) {
            let mut cv: BTreeMap<u32, Points> = BTreeMap::new();
            let mut addc = |c: u32, kind: &'static str, n: i32| {
                if c / 10000 * 10000 == prov {
                    *cv.entry(c).or_default().entry(kind).or_default() += n;
                }
            };
            for (&c, &n) in &ev.cities {
                addc(c, "text:city", n as i32);
            }
            for (&(a, b), &n) in &ev.chains {
                for code in [a, b] {
                    if let Some(id) = g.at_code(code, year) {
                        match (g.div(id).level, g.city_of(id)) {
                            (Level::City, _) => addc(code, "text:chain", 2 * n as i32),
                            (Level::County, CityOf::City(c)) if code == b => {
                                addc(g.div(c).code, "text:chain", 2 * n as i32)
                            }
                            _ => {}
                        }
                    }
                }
            }
            for (&c, &n) in &ev.phone_cities {
                addc(c, "phone", 2 * n.min(3) as i32);
            }
            for (&c, &n) in &ev.domain_divisions {
                if let Some(id) = g.at_code(c, year) {
                    if g.div(id).level == Level::City {
                        addc(c, "domain", 2 * n.min(3) as i32);
                    }
                }
            }
            if let Some((c, pts)) = dominant(&cv, 3, 2) {
                trace.note(|| format!("text votes for the city: {:?} → {c:06}", summarize(&cv)));
                if let Some(id) = g.at_code(c, year) {
                    best = (id, strongest(&pts).to_string());
                    city = Some(c);
                }
            }
        }
        // County votes within the city (or the municipality).
        if city.is_some() || is_municipality(prov) {
            let within = |code: u32| -> bool {
                match g.at_code(code, year) {
                    Some(id) if g.div(id).level == Level::County => match (city, g.city_of(id)) {
                        (Some(c), CityOf::City(x)) => g.div(x).code == c,
                        (None, CityOf::Municipality(_)) => code / 10000 * 10000 == prov,
                        _ => false,
                    },
                    _ => false,
                }
            };
            let mut xv: BTreeMap<u32, Points> = BTreeMap::new();
            for (&(_, b), &n) in &ev.chains {
                if within(b) {
                    *xv.entry(b).or_default().entry("text:chain").or_default() += 3 * n as i32;
                }
            }
            for (&c, &n) in &ev.counties {
                if within(c) {
                    *xv.entry(c).or_default().entry("text:county").or_default() += n as i32;
                }
            }
            for (&c, &n) in &ev.domain_divisions {
                if within(c) {
                    *xv.entry(c).or_default().entry("domain").or_default() += 2 * n.min(3) as i32;
                }
            }
            if let Some((x, pts)) = dominant(&xv, 4, 3) {
                trace.note(|| format!("text votes for the county: {:?} → {x:06}", summarize(&xv)));
                if let Some(id) = g.at_code(x, year) {
                    best = (id, strongest(&pts).to_string());
                }
            }
        }
        let mut region = self.region_of(best.0, best.1, false);
        region.admin_level = None; // the text does not say which level the issuer is
        trace.note(|| format!("resolved from the text: {}", self.describe(best.0, None)));
        Some(Resolution {
            region,
            findings: Vec::new(),
        })
    }
}

/// The key whose total is at least `min` and at least `ratio` times the runner-up.
fn dominant(votes: &BTreeMap<u32, Points>, min: i32, ratio: i32) -> Option<(u32, Points)> {
    let mut totals: Vec<(u32, i32)> = votes.iter().map(|(&k, p)| (k, p.values().sum())).collect();
    totals.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    let (k, top) = *totals.first()?;
    let second = totals.get(1).map_or(0, |s| s.1);
    (top >= min && top >= ratio * second && top > second).then(|| (k, votes[&k].clone()))
}

fn summarize(votes: &BTreeMap<u32, Points>) -> Vec<(u32, i32)> {
    let mut v: Vec<(u32, i32)> = votes.iter().map(|(&k, p)| (k, p.values().sum())).collect();
    v.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    v.truncate(5);
    v
}
