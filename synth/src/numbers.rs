//! Numbers: the logical content of tables A, B and C for one report, before
//! any printing. Table B and C numbers satisfy the identities of
//! `report-format.md` by construction; a report drawn to be inconsistent then
//! gets one to three single-cell slips, the way real reports break them (a
//! total typed wrong, a carried-forward figure that does not balance).
//!
//! Sizes follow the issuer: a city government handles thousands of
//! applications, a county bureau a handful, most cells of a department's
//! table A are 0.

use super::rng::Rng;

/// The national table format a table follows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Version {
    /// 国办公开办函〔2019〕60号.
    V2019,
    /// 国办公开办函〔2021〕30号.
    V2021,
}

impl Version {
    /// The code the output uses.
    pub fn code(self) -> &'static str {
        match self {
            Version::V2019 => "2019",
            Version::V2021 => "2021",
        }
    }
}

/// One logical cell of table A.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum ANum {
    /// A count (or a signed change for `change`).
    Int(i64),
    /// Money in 万元.
    Money(f64),
    /// Left empty by the report.
    Empty,
}

/// How busy the issuer is: scales every count.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scale {
    /// A small department: mostly zeros.
    Quiet,
    /// A county government or a busy department.
    Normal,
    /// A city or province government.
    Busy,
}

/// Table A rows (item code, measures with their logical values).
pub type TableA = Vec<(&'static str, Vec<(&'static str, ANum)>)>;

/// Table B rows: (row code, the 7 counts in applicant order).
pub type TableB = Vec<(&'static str, [i64; 7])>;

/// Table C: 3 proceedings × 5 outcomes.
pub type TableC = [[i64; 5]; 3];

// The codes are the generator's own (src/forms.rs), beside the labels it prints for them.
pub use crate::forms::{is_outcome_row, APPLICANTS, OUTCOMES, PROCEEDINGS};

/// Table B rows of a version, in printed order.
pub fn b_rows(version: Version) -> &'static [&'static str] {
    crate::forms::b_row_codes(version)
}

/// The logical tables of one report.
#[derive(Debug, Clone)]
pub struct Tables {
    /// Version of table A.
    pub a_version: Version,
    /// Version of table B (differs from A in a mixed report).
    pub b_version: Version,
    /// Table A.
    pub active: TableA,
    /// Table B: (row code, 7 counts).
    pub applications: Vec<(&'static str, [i64; 7])>,
    /// Table C: 3 proceedings × 5 outcomes.
    pub review: [[i64; 5]; 3],
    /// The slips made on purpose (for the truth file's notes).
    pub slips: Vec<String>,
}

/// Draw table A for a version.
pub fn table_a(rng: &mut Rng, version: Version, scale: Scale, empty_rate: f64) -> TableA {
    let (zero, big) = match scale {
        Scale::Quiet => (0.75, 300),
        Scale::Normal => (0.3, 20_000),
        Scale::Busy => (0.1, 500_000),
    };
    let cell = |rng: &mut Rng, v: ANum| {
        if rng.chance(empty_rate) {
            ANum::Empty
        } else {
            v
        }
    };
    let mut rows: TableA = Vec::new();
    match version {
        Version::V2019 => {
            for item in ["rules", "normative_docs"] {
                let made = if item == "rules" {
                    rng.count(0.85, 5)
                } else {
                    rng.count(zero, 80)
                };
                let published = if rng.chance(0.8) {
                    made
                } else {
                    rng.range(0, made)
                };
                let total = published + rng.count(0.4, 600);
                rows.push((
                    item,
                    vec![
                        ("made", cell(rng, ANum::Int(made))),
                        ("published", cell(rng, ANum::Int(published))),
                        ("public_total", cell(rng, ANum::Int(total))),
                    ],
                ));
            }
            for item in ["licensing", "other_services", "penalty", "coercion"] {
                let prev = rng.count(zero, 3_000);
                let change = if rng.chance(0.55) {
                    0
                } else {
                    rng.range(-(prev.min(60)), 60)
                };
                let decisions = rng.count(zero, big);
                rows.push((
                    item,
                    vec![
                        ("prev_items", cell(rng, ANum::Int(prev))),
                        ("change", cell(rng, ANum::Int(change))),
                        ("decisions", cell(rng, ANum::Int(decisions))),
                    ],
                ));
            }
            let prev = rng.count(zero, 120);
            let change = if rng.chance(0.6) {
                0
            } else {
                rng.range(-(prev.min(10)), 10)
            };
            rows.push((
                "fees",
                vec![
                    ("prev_items", cell(rng, ANum::Int(prev))),
                    ("change", cell(rng, ANum::Int(change))),
                ],
            ));
            let items = rng.count(zero, 20_000);
            let amount = money(rng, zero, items);
            rows.push((
                "procurement",
                vec![
                    ("items", cell(rng, ANum::Int(items))),
                    ("amount", cell(rng, amount)),
                ],
            ));
        }
        Version::V2021 => {
            for item in ["rules", "normative_docs"] {
                let (issued, repealed, in_force) = if item == "rules" {
                    (rng.count(0.85, 5), rng.count(0.9, 5), rng.count(0.7, 60))
                } else {
                    (
                        rng.count(zero, 80),
                        rng.count(0.6, 40),
                        rng.count(zero * 0.5, 700),
                    )
                };
                rows.push((
                    item,
                    vec![
                        ("issued", cell(rng, ANum::Int(issued))),
                        ("repealed", cell(rng, ANum::Int(repealed))),
                        ("in_force", cell(rng, ANum::Int(in_force))),
                    ],
                ));
            }
            for item in ["licensing", "penalty", "coercion"] {
                let d = rng.count(zero, big * 4);
                rows.push((item, vec![("decisions", cell(rng, ANum::Int(d)))]));
            }
            let fees = if rng.chance(zero) {
                ANum::Money(0.0)
            } else {
                // 万元 with up to 2 decimals (7730.28).
                let cents = rng.count(0.0, big * 500);
                ANum::Money(cents as f64 / 100.0)
            };
            rows.push(("fees", vec![("amount", cell(rng, fees))]));
        }
    }
    rows
}

/// A procurement amount in 万元, kept to values every printed unit can show exactly.
fn money(rng: &mut Rng, zero: f64, items: i64) -> ANum {
    if items == 0 || rng.chance(zero * 0.5) {
        return ANum::Money(0.0);
    }
    // Whole 万元 mostly, sometimes two decimals (= whole hundreds of 元).
    let wan = rng.count(0.0, 2_000_000) as f64;
    if rng.chance(0.3) {
        ANum::Money(wan + rng.range(0, 99) as f64 / 100.0)
    } else {
        ANum::Money(wan)
    }
}

/// Split `n` applications over outcome rows with weights.
fn split(rng: &mut Rng, n: i64, weights: &[u32]) -> Vec<i64> {
    let mut out = vec![0i64; weights.len()];
    if n <= 0 {
        return out;
    }
    let total: u64 = weights.iter().map(|w| *w as u64).sum();
    if n <= 300 {
        let table: Vec<(usize, u32)> = weights.iter().copied().enumerate().collect();
        for _ in 0..n {
            out[rng.weighted(&table)] += 1;
        }
        return out;
    }
    // Proportional with noise, the remainder on the heaviest row.
    let mut left = n;
    for (i, w) in weights.iter().enumerate() {
        let share = n as f64 * *w as f64 / total as f64;
        let k = (share * (0.7 + 0.6 * rng.f64())).floor() as i64;
        let k = k.min(left);
        out[i] = k;
        left -= k;
    }
    let heaviest = weights
        .iter()
        .enumerate()
        .max_by_key(|(_, w)| **w)
        .map(|(i, _)| i)
        .unwrap_or(0);
    out[heaviest] += left;
    out
}

/// Outcome weights per row of a version (granted, partial, denied×8, unavailable×3,
/// not_processed×5, other rows).
fn outcome_weights(version: Version) -> Vec<u32> {
    let mut w = vec![40, 8, 1, 1, 1, 2, 2, 3, 2, 2, 25, 4, 2, 3, 3, 1, 1, 1];
    match version {
        Version::V2019 => w.push(6),
        Version::V2021 => w.extend([4, 1, 3]),
    }
    w
}

/// What a report of a series takes from the year before instead of drawing
/// it: how many applications the natural-person column gets (the year
/// before's, give or take, or a planted jump), and what each applicant column
/// carries over (the year before's 结转下年度, or a planted break).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Continuation {
    /// 本年新收 of the natural-person column.
    pub base_new: i64,
    /// 上年结转 per applicant column (the six, without the total).
    pub carried_over: [i64; 6],
}

/// Draw tables B and C (consistent), then make `slips` single-cell errors.
/// A `continuation` fixes the natural persons' new applications and every
/// column's carry-over.
pub fn tables_bc(
    rng: &mut Rng,
    version: Version,
    scale: Scale,
    slips: usize,
    continuation: Option<&Continuation>,
) -> (TableB, TableC, Vec<String>) {
    let rows = b_rows(version);
    let new_total_max = match scale {
        Scale::Quiet => 6,
        Scale::Normal => 150,
        Scale::Busy => 4_000,
    };
    // Applicant column shares: natural persons dominate.
    let column_p = [1.0, 0.25, 0.03, 0.05, 0.12, 0.15];
    let column_share = [1.0, 0.08, 0.01, 0.02, 0.03, 0.04];
    let mut grid: Vec<[i64; 7]> = vec![[0; 7]; rows.len()];
    let idx = |code: &str| rows.iter().position(|r| *r == code).expect("row");
    let outcome_rows: Vec<usize> = (0..rows.len())
        .filter(|&i| is_outcome_row(rows[i]))
        .collect();
    let weights = outcome_weights(version);
    debug_assert_eq!(weights.len(), outcome_rows.len());
    let base = match continuation {
        Some(k) => k.base_new,
        None => rng.count(0.15, new_total_max),
    };
    for c in 0..6 {
        let active = c == 0 || rng.chance(column_p[c]);
        let fixed_over = continuation.map(|k| k.carried_over[c]);
        if !active && fixed_over.unwrap_or(0) == 0 {
            continue;
        }
        let new = if !active {
            0
        } else if c == 0 {
            base
        } else {
            ((base as f64 * column_share[c] * (0.5 + rng.f64())).round() as i64).max(1)
        };
        let carried_over = match fixed_over {
            Some(v) => v,
            None if rng.chance(0.3) => rng.range(0, (new / 10).max(2)),
            None => 0,
        };
        let pool = new + carried_over;
        let carried_forward = if pool > 0 && rng.chance(0.3) {
            rng.range(0, (pool / 8).max(1))
        } else {
            0
        };
        let processed = pool - carried_forward;
        let parts = split(rng, processed, &weights);
        grid[idx("new")][c] = new;
        grid[idx("carried_over")][c] = carried_over;
        grid[idx("carried_forward")][c] = carried_forward;
        grid[idx("total")][c] = processed;
        for (k, &r) in outcome_rows.iter().enumerate() {
            grid[r][c] = parts[k];
        }
    }
    for row in grid.iter_mut() {
        row[6] = row[..6].iter().sum();
    }
    let mut review = [[0i64; 5]; 3];
    let cases_max = match scale {
        Scale::Quiet => 2,
        Scale::Normal => 12,
        Scale::Busy => 120,
    };
    for (p, proceeding) in review.iter_mut().enumerate() {
        let n = rng.count(if p == 0 { 0.6 } else { 0.8 }, cases_max);
        let parts = split(rng, n, &[6, 1, 2, 2]);
        proceeding[..4].copy_from_slice(&parts);
        proceeding[4] = n;
    }
    let mut notes = Vec::new();
    for _ in 0..slips {
        let delta = *rng.pick(&[1i64, 2, -1, 3, 10, -2]);
        match rng.below(4) {
            0 => {
                // A total column cell typed wrong.
                let r = rng.below(rows.len() as u64) as usize;
                let v = (grid[r][6] + delta).max(0);
                if v != grid[r][6] {
                    notes.push(format!(
                        "applications:{}.total {} → {v}",
                        rows[r], grid[r][6]
                    ));
                    grid[r][6] = v;
                }
            }
            1 => {
                // Carried forward that does not balance.
                let r = idx("carried_forward");
                let c = if rng.chance(0.7) { 6 } else { 0 };
                let v = (grid[r][c] + delta.abs()).max(0);
                notes.push(format!(
                    "applications:carried_forward.{} {} → {v}",
                    APPLICANTS[c], grid[r][c]
                ));
                grid[r][c] = v;
            }
            2 => {
                // An outcome cell changed without its totals.
                let r = *rng.pick(&outcome_rows);
                let v = (grid[r][0] + delta.abs()).max(0);
                notes.push(format!(
                    "applications:{}.natural_person {} → {v}",
                    rows[r], grid[r][0]
                ));
                grid[r][0] = v;
            }
            _ => {
                let p = rng.below(3) as usize;
                let v = (review[p][4] + delta.abs()).max(0);
                notes.push(format!(
                    "review_litigation:{}.total {} → {v}",
                    PROCEEDINGS[p], review[p][4]
                ));
                review[p][4] = v;
            }
        }
    }
    let applications = rows.iter().copied().zip(grid).collect();
    (applications, review, notes)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn balanced(apps: &[(&str, [i64; 7])], review: &[[i64; 5]; 3]) -> bool {
        let get = |row: &str| apps.iter().find(|(r, _)| *r == row).unwrap().1;
        let ok_rows = apps.iter().all(|(_, v)| v[..6].iter().sum::<i64>() == v[6]);
        let ok_cols = (0..7).all(|c| {
            let outcomes: i64 = apps
                .iter()
                .filter(|(r, _)| is_outcome_row(r))
                .map(|(_, v)| v[c])
                .sum();
            get("new")[c] + get("carried_over")[c] == get("total")[c] + get("carried_forward")[c]
                && outcomes == get("total")[c]
        });
        let ok_c = review.iter().all(|p| p[..4].iter().sum::<i64>() == p[4]);
        ok_rows && ok_cols && ok_c
    }

    #[test]
    fn consistent_without_slips() {
        let mut rng = Rng::new(5);
        for i in 0..500 {
            let v = if i % 2 == 0 {
                Version::V2019
            } else {
                Version::V2021
            };
            let scale = [Scale::Quiet, Scale::Normal, Scale::Busy][i % 3];
            let (apps, review, notes) = tables_bc(&mut rng, v, scale, 0, None);
            assert_eq!(apps.len(), b_rows(v).len());
            assert!(notes.is_empty());
            assert!(balanced(&apps, &review), "{apps:?}");
            assert!(apps.iter().all(|(_, v)| v.iter().all(|x| *x >= 0)));
        }
    }

    #[test]
    fn slips_break_something() {
        let mut rng = Rng::new(6);
        let mut broken = 0;
        for _ in 0..200 {
            let (apps, review, notes) = tables_bc(&mut rng, Version::V2021, Scale::Normal, 2, None);
            if !notes.is_empty() && !balanced(&apps, &review) {
                broken += 1;
            }
        }
        assert!(broken > 150, "{broken}");
    }

    #[test]
    fn table_a_shapes() {
        let mut rng = Rng::new(7);
        let a = table_a(&mut rng, Version::V2019, Scale::Normal, 0.0);
        assert_eq!(a.len(), 8);
        assert_eq!(a.iter().map(|(_, m)| m.len()).sum::<usize>(), 22);
        let a = table_a(&mut rng, Version::V2021, Scale::Busy, 0.0);
        assert_eq!(a.len(), 6);
        assert_eq!(a.iter().map(|(_, m)| m.len()).sum::<usize>(), 10);
    }
}
