//! Region: resolve where a report's issuer sits (province, city, county, codes,
//! partition slug) from its title, agency and text.
//!
//! STUB: the gazetteer-backed resolver replaces this file.

use crate::model::{Finding, Region};

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

/// Resolves issuers to divisions. Built once per run, shared by all workers.
#[derive(Debug, Default)]
pub struct RegionResolver {}

impl RegionResolver {
    /// Build the resolver from the gazetteer embedded in the binary.
    pub fn embedded() -> Result<Self, RegionError> {
        Ok(RegionResolver {})
    }

    /// Resolve one report's region.
    pub fn resolve(&self, _input: &RegionInput<'_>) -> Resolution {
        Resolution::default()
    }

    /// A human-readable trace of how a snippet resolves.
    pub fn explain(&self, _text: &str, _year: Option<i32>) -> String {
        "region resolution is not available yet".into()
    }
}
