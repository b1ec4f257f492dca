//! Region: resolve where a report's issuer sits (province, prefecture, county,
//! their GB/T 2260 codes, admin level and partition slug) from its title, agency
//! and text, for the year the report covers.
//!
//! How it works:
//!
//! 1. **Issuer name.** The agency, then the title, is normalized (whitespace
//!    removed, full-width ASCII folded) and scanned with one Aho-Corasick automaton
//!    over every full name, short name and alias in the embedded gazetteer
//!    ([`gazetteer`]). Short and two-character names (`缙云`, `和县`) count only in
//!    context: next to their parent (`甘肃·临泽`), or followed by `人民政府`, a
//!    year, a digit, etc. The names form a chain (`固原市` → `原州区`); its most
//!    specific link is the issuer's division. Departments (`XX县统计局`) resolve to
//!    their government's division; a `乡/镇/街道` after it makes the level
//!    township. A central body with no place name (`国务院办公厅`, `教育部`)
//!    resolves to `central`.
//! 2. **Year.** The divisions carrying that name in the report's year are the
//!    candidates; if none did, the names are followed through renames and recodes
//!    (洪泽县 → 洪泽区) to the row in force that year.
//! 3. **Evidence.** When several divisions share the name (鼓楼区 ×4), the text
//!    decides: chains naming the candidate under its city or province
//!    (`淮南市谢家集区`), its city's and province's names, labelled postcodes (first
//!    two digits → province), telephone area codes, and government site domains
//!    (`www.pingtan.gov.cn`, `gslz.gov.cn`). A candidate wins only if it clearly
//!    leads; otherwise the province is kept if all plausible candidates share it,
//!    the rest stays null, and a `region.ambiguous` finding lists the candidates.
//! 4. **Text alone.** With no place in the title or agency, the text's opening
//!    sentence (`本报告由…编制`) is read as the issuer, and failing that the evidence
//!    votes level by level (province, city, county), each only when one clearly
//!    dominates. Nothing at all gives a `region.unresolved` finding.
//!
//! Everything is deterministic and never panics on any input text.

mod evidence;
pub mod gazetteer;
mod matcher;
mod resolve;
pub mod tables;
#[cfg(test)]
mod tests;
mod vote;

use regex::Regex;

use crate::model::{Finding, Region};

pub use gazetteer::Gazetteer;

/// What the resolver looks at for one report.
#[derive(Debug, Clone, Copy)]
pub struct RegionInput<'a> {
    /// The title line(s).
    pub title: Option<&'a str>,
    /// The issuing body as named by the title (or body text).
    pub agency: Option<&'a str>,
    /// The whole plain text of the report (for evidence such as postcodes, domains).
    pub text: &'a str,
    /// Year the report covers, to pick the codes valid that year.
    pub year: Option<i32>,
}

/// The resolved region plus any findings (e.g. `region.ambiguous`).
#[derive(Debug, Clone, Default)]
pub struct Resolution {
    /// Where the issuer sits.
    pub region: Region,
    /// Findings about the resolution.
    pub findings: Vec<Finding>,
}

/// Why the resolver could not be built.
#[derive(Debug, thiserror::Error)]
pub enum RegionError {
    /// The embedded gazetteer could not be read.
    #[error("gazetteer data is invalid: {0}")]
    Gazetteer(String),
}

/// Resolves issuers to divisions. Built once per run (it compiles one automaton
/// over all names), then shared by reference by all workers (`Send + Sync`).
#[derive(Debug)]
pub struct RegionResolver {
    g: Gazetteer,
    m: matcher::Matcher,
    scanner: evidence::EvidenceScanner,
    /// A central government body's name.
    central: Regex,
    /// A 乡/镇/街道 right after the place name.
    township: Regex,
}

impl RegionResolver {
    /// Build the resolver from the gazetteer embedded in the binary.
    pub fn embedded() -> Result<Self, RegionError> {
        let g = Gazetteer::embedded().map_err(RegionError::Gazetteer)?;
        Self::from_gazetteer(g)
    }

    /// Build the resolver from a parsed gazetteer.
    pub fn from_gazetteer(g: Gazetteer) -> Result<Self, RegionError> {
        let m = matcher::Matcher::new(&g).map_err(RegionError::Gazetteer)?;
        let scanner = evidence::EvidenceScanner::new(&g).map_err(RegionError::Gazetteer)?;
        let central = Regex::new(
            r"国务院|中华人民共和国|中共中央|党中央|中央[\p{Han}]{0,8}(?:委|部|办)|国家[\p{Han}&&[^级]][\p{Han}]{0,13}(?:局|委|部|署|院|会|办|中心)|总局|总署|审计署|海关总署|中国人民银行|证监会|银保监会|\A[\p{Han}]{1,8}部(?:[0-9]|年|政府|\z)",
        )
        .map_err(|e| RegionError::Gazetteer(e.to_string()))?;
        let township = Regex::new(
            r"\A[\p{Han}&&[^政府局委办厅室会院所队站部处科县区市]]{1,8}?(?:镇|乡|街道|苏木)(?:人民政府|政府|办事处|党委|党工委|[0-9]|年|\z)",
        )
        .map_err(|e| RegionError::Gazetteer(e.to_string()))?;
        Ok(RegionResolver {
            g,
            m,
            scanner,
            central,
            township,
        })
    }

    /// The gazetteer the resolver uses.
    #[cfg(test)]
    pub fn gazetteer(&self) -> &Gazetteer {
        &self.g
    }

    /// Resolve one report's region.
    ///
    /// `region.basis` says what the result rests on: `agency` or `title` (the
    /// issuer name alone decided), `text:issuer` (the opening sentence
    /// `本报告由…编制` named the issuer), optionally followed by `+kind` when the
    /// text's evidence chose among divisions sharing the name, where kind is the
    /// evidence that weighed most: `text:chain` (`淮南市谢家集区`), `text:city`,
    /// `text:province`, `postcode`, `phone` or `domain`. With no issuer name the
    /// basis is that kind alone. Findings: `region.ambiguous` (warning; `actual`
    /// lists the candidates as `name:code` joined by `;`) and `region.unresolved`
    /// (info).
    ///
    /// For a county of a municipality the city fields hold the municipality
    /// (`重庆市`, `500000`); a county governed directly by its province
    /// (`仙桃市`) has no city. When the evidence does not decide, only the
    /// province is kept (and `adcode` is the province's code), if all plausible
    /// candidates share it.
    pub fn resolve(&self, input: &RegionInput<'_>) -> Resolution {
        self.resolve_traced(input, &mut resolve::Trace::off())
    }

    /// A human-readable trace of how a snippet resolves, taking the snippet as
    /// both the title and the text (for `xxgk regions "<text>"`).
    pub fn explain(&self, text: &str, year: Option<i32>) -> String {
        let input = RegionInput {
            title: Some(text),
            agency: None,
            text,
            year,
        };
        let mut trace = resolve::Trace::recording();
        let res = self.resolve_traced(&input, &mut trace);
        let mut out = trace.into_lines().join("\n");
        let r = &res.region;
        let f = |v: &Option<String>| v.clone().unwrap_or_else(|| "-".to_string());
        out.push_str(&format!(
            "\nresult: province={} {} city={} {} county={} {} adcode={} level={} slug={} basis={}",
            f(&r.province),
            f(&r.province_code),
            f(&r.city),
            f(&r.city_code),
            f(&r.county),
            f(&r.county_code),
            f(&r.adcode),
            r.admin_level.map_or("-", |l| l.as_str()),
            f(&r.slug),
            f(&r.basis),
        ));
        for finding in &res.findings {
            out.push_str(&format!(
                "\nfinding: {} ({}) {}{}",
                finding.rule,
                finding.severity.as_str(),
                finding.message,
                finding
                    .actual
                    .as_ref()
                    .map(|a| format!(" [{a}]"))
                    .unwrap_or_default()
            ));
        }
        out
    }
}
