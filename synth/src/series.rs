//! Series: one issuer's reports year after year, for the checks across
//! reports. Each year's table B continues the year before's — every applicant
//! column carries over what the year before carried forward, and the natural
//! persons' new applications move by −20 % to +25 % — except where a break is
//! planted: a carry-over that does not continue (`carryover_mismatch`), a
//! tenfold jump in new applications (`applications_jump`). Some reports are
//! also written a second time in another format, as a site publishes a page
//! and its attachment (`same_report_other_file`). The truth lists every
//! planted finding; a correct pipeline reports those and nothing else.
//!
//! The thresholds of the jump rule are the pipeline's business; the series
//! keeps ordinary years far inside them (a year's total moves by well under
//! 3×) and planted jumps far outside (12× and +100).

use crate::issuers::{self, Issuer};
use crate::numbers::{Continuation, TableB};
use crate::render::Layout;
use crate::rng::Rng;
use crate::{generate_fixed, Fixed, Generated, SynthOptions};
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;
use std::path::Path;

/// What to generate.
#[derive(Debug, Clone)]
pub struct SeriesOptions {
    /// Corpus seed.
    pub seed: u64,
    /// Number of issuers (series).
    pub issuers: u64,
    /// The first year of every series.
    pub first_year: i32,
    /// Years per series.
    pub years: u32,
    /// Share of years (after the first) whose carry-over is broken.
    pub break_rate: f64,
    /// Share of years (after the first) whose new applications jump.
    pub jump_rate: f64,
    /// Share of reports written a second time in another format.
    pub copy_rate: f64,
}

impl Default for SeriesOptions {
    fn default() -> Self {
        SeriesOptions {
            seed: 1,
            issuers: 50,
            first_year: 2021,
            years: 4,
            break_rate: 0.12,
            jump_rate: 0.06,
            copy_rate: 0.1,
        }
    }
}

/// A finding across reports the series planted: on the report at `path`,
/// naming the one at `other_path` (paths relative to `DIR/reports`).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Planted {
    /// `carryover_mismatch`, `applications_jump` or `same_report_other_file`.
    pub rule: String,
    /// The report the finding is on.
    pub path: String,
    /// The report it names.
    pub other_path: String,
}

/// A generated series corpus.
#[derive(Debug)]
pub struct Series {
    /// Every file, copies included.
    pub reports: Vec<Generated>,
    /// What the checks across reports must find, sorted.
    pub planted: Vec<Planted>,
}

/// The layouts a series draws from: those whose cells are read from their
/// table structure, so that every cell compared is there to compare.
const LAYOUTS: [Layout; 4] = [
    Layout::Html,
    Layout::Docx,
    Layout::TabCells,
    Layout::PipeCells,
];

/// The format a copy of a report is written in: a page's attachment.
fn copy_layout(layout: Layout) -> Layout {
    match layout {
        Layout::Docx => Layout::Html,
        _ => Layout::Docx,
    }
}

/// Row `code` of table B (zeros when the table lacks it).
fn b_row(b: &TableB, code: &str) -> [i64; 7] {
    b.iter()
        .find(|(r, _)| *r == code)
        .map_or([0; 7], |(_, v)| *v)
}

/// An issuer for a series: one whose name and place are the same in the
/// first and the last year (no 撤县设区 in between), and no other series'.
fn draw_issuer(opts: &SeriesOptions, key: &mut u64, taken: &mut BTreeSet<String>) -> Issuer {
    let last_year = opts.first_year + opts.years.saturating_sub(1) as i32;
    loop {
        *key += 1;
        let rng = Rng::for_report(opts.seed ^ 0x005e_71e5, *key);
        let first = issuers::draw(&mut rng.fork(2), opts.first_year);
        let last = issuers::draw(&mut rng.fork(2), last_year);
        if first.agency == last.agency
            && first.adcode() == last.adcode()
            && taken.insert(first.agency.clone())
        {
            return first;
        }
    }
}

/// Generate the series: `issuers` × `years` reports, plus copies.
pub fn generate(opts: &SeriesOptions) -> Series {
    let synth = SynthOptions {
        seed: opts.seed,
        break_rate: 0.0,
        layouts: Vec::new(),
    };
    let mut plan = Rng::for_report(opts.seed ^ 0x005e_71e5, 0);
    let (mut key, mut taken) = (0, BTreeSet::new());
    let mut index = 0u64;
    let mut reports = Vec::new();
    let mut planted = Vec::new();
    for _ in 0..opts.issuers {
        let issuer = draw_issuer(opts, &mut key, &mut taken);
        let mut before: Option<(String, TableB)> = None;
        for y in 0..opts.years {
            let year = opts.first_year + y as i32;
            let layout = *plan.pick(&LAYOUTS);
            let (broken, jumped) = (
                before.is_some() && plan.chance(opts.break_rate),
                before.is_some() && plan.chance(opts.jump_rate),
            );
            let continuation = before.as_ref().map(|(_, b)| {
                let (new, forward) = (b_row(b, "new"), b_row(b, "carried_forward"));
                let base_new = if jumped {
                    new[6].max(10) * 12 + 100
                } else {
                    (new[0] as f64 * (0.8 + 0.45 * plan.f64())).round() as i64
                };
                let mut carried_over = [0; 6];
                carried_over.copy_from_slice(&forward[..6]);
                if broken {
                    carried_over[0] += plan.range(1, 3);
                }
                Continuation {
                    base_new,
                    carried_over,
                }
            });
            let fixed = Fixed {
                issuer: Some(issuer.clone()),
                year: Some(year),
                layout: Some(layout),
                continuation,
            };
            let g = generate_fixed(&synth, index, &fixed);
            let path = g.rel_path.clone();
            // The year's report is its first file by path: a copy sorting
            // first stands for the year (the pipeline compares that one).
            let mut head = path.clone();
            if plan.chance(opts.copy_rate) {
                let copy = generate_fixed(
                    &synth,
                    index,
                    &Fixed {
                        layout: Some(copy_layout(layout)),
                        ..fixed
                    },
                );
                let second = if copy.rel_path < path {
                    head = copy.rel_path.clone();
                    path.clone()
                } else {
                    copy.rel_path.clone()
                };
                planted.push(Planted {
                    rule: "same_report_other_file".into(),
                    path: second,
                    other_path: head.clone(),
                });
                reports.push(copy);
            }
            if let Some((before_head, _)) = &before {
                for (on, rule) in [
                    (broken, "carryover_mismatch"),
                    (jumped, "applications_jump"),
                ] {
                    if on {
                        planted.push(Planted {
                            rule: rule.into(),
                            path: head.clone(),
                            other_path: before_head.clone(),
                        });
                    }
                }
            }
            before = g.applications.clone().map(|b| (head, b));
            reports.push(g);
            index += 1;
        }
    }
    planted.sort();
    Series { reports, planted }
}

/// Write a series corpus: `DIR/reports/<province>/<year>/<index>.<ext>` and
/// `DIR/planted.json` (the sorted [`Planted`] list). Returns the list.
pub fn write(opts: &SeriesOptions, out: &Path) -> std::io::Result<Vec<Planted>> {
    let series = generate(opts);
    for g in &series.reports {
        let path = out.join("reports").join(&g.rel_path);
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir)?;
        }
        std::fs::write(path, &g.bytes)?;
    }
    let json = serde_json::to_vec_pretty(&series.planted).map_err(std::io::Error::other)?;
    std::fs::write(out.join("planted.json"), json)?;
    Ok(series.planted)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn years_continue_unless_a_break_is_planted() {
        let opts = SeriesOptions {
            issuers: 12,
            break_rate: 0.0,
            jump_rate: 0.0,
            copy_rate: 0.0,
            ..SeriesOptions::default()
        };
        let series = generate(&opts);
        assert!(series.planted.is_empty());
        assert_eq!(series.reports.len(), 12 * 4);
        for pair in series.reports.chunks(4) {
            let agencies: BTreeSet<_> = pair.iter().map(|g| g.truth.agency.clone()).collect();
            assert_eq!(agencies.len(), 1, "one issuer per series");
            for w in pair.windows(2) {
                let (a, b) = (
                    w[0].applications.as_ref().unwrap(),
                    w[1].applications.as_ref().unwrap(),
                );
                assert_eq!(
                    b_row(a, "carried_forward"),
                    b_row(b, "carried_over"),
                    "{} → {}",
                    w[0].rel_path,
                    w[1].rel_path
                );
                let (x, y) = (b_row(a, "new")[6], b_row(b, "new")[6]);
                assert!(
                    x.max(y) < 100 || x.max(y) < 3 * x.min(y).max(1),
                    "{x} → {y}"
                );
            }
        }
    }

    #[test]
    fn the_same_options_give_the_same_series() {
        let opts = SeriesOptions {
            issuers: 5,
            ..SeriesOptions::default()
        };
        let (a, b) = (generate(&opts), generate(&opts));
        assert_eq!(a.planted, b.planted);
        let bytes = |s: &Series| {
            s.reports
                .iter()
                .map(|g| g.bytes.clone())
                .collect::<Vec<_>>()
        };
        assert_eq!(bytes(&a), bytes(&b));
    }
}
