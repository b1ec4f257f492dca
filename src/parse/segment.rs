//! Segment: split runs of digits into a table's cells, using the identities
//! the table must hold.
//!
//! Crawlers that save a page's text join a table's cells without a separator
//! (`本年新收政府信息公开申请数量120000012` is the seven cells 12,0,0,0,0,0,12),
//! or with one space here and none there (`3 0 0 0 0 03`). A row's printed
//! values are a list of *groups* (the whitespace-separated pieces); a
//! *reading* splits every group into one or more cells so that the row has
//! exactly its width of cells. A cell is `0` or digits without a leading zero,
//! optionally signed (`+1`, `减3`) and with a unit after its digits (`2笔`,
//! `984361元`); a group holding anything else is one cell as printed.
//!
//! [`solve`] reads a whole table:
//!
//! 1. A row with exactly one reading is read so, whatever the identities say
//!    (a report's own arithmetic may be off; the validator reports that).
//! 2. A row with several readings keeps those that satisfy the identities
//!    inside the row (table B: 总计 = the sum of the six applicant columns),
//!    then the table's readings are searched for those that satisfy every
//!    identity touching an undecided row (column balance, outcome total).
//! 3. A row's cells are taken when every consistent reading of the table
//!    gives them the same values ([`RowReading::Segmented`]). Otherwise they
//!    stay unread: several readings ([`RowReading::Ambiguous`]) or none
//!    ([`RowReading::Unsolved`]), with the candidates kept for the finding.
//!    A table whose rows read one way already break an identity, or with a
//!    row no split of which its own identities allow, has no
//!    consistent reading at all: its undecided rows stay unread (a report
//!    whose own numbers are off cannot be trusted to choose a split). Never a
//!    guess.
//!
//! Bounds: a row of `n` digits has at most C(n−1, width−1) readings; a row
//! with more than [`MAX_ROW_READINGS`] is left unread without enumerating
//! them all. The table search visits at most [`MAX_SEARCH_NODES`] partial
//! readings; past that, the undecided rows stay unread.
//!
//! ```
//! use xxgk::internal::{solve, Identity, RowReading, RunRow};
//! // One table B row: six applicant columns and their total.
//! let rows = [RunRow::from_text("120000012", 7)];
//! let total = Identity::row_total(0, 7);
//! let read = solve(&rows, &[total]);
//! assert_eq!(read[0], RowReading::Segmented(vec!["12", "0", "0", "0", "0", "0", "12"].into_iter().map(String::from).collect()));
//! ```

/// Most readings of one row enumerated; a row with more stays unread.
pub const MAX_ROW_READINGS: usize = 4096;

/// Most partial table readings the search visits before it gives up.
pub const MAX_SEARCH_NODES: usize = 200_000;

/// Most candidate readings kept per row for the finding that lists them.
pub const MAX_CANDIDATES_SHOWN: usize = 8;

/// One row of printed values: its groups and how many cells it has.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RunRow {
    /// The whitespace-separated pieces of the row's values, in order.
    pub groups: Vec<String>,
    /// The number of cells the row has in its table.
    pub width: usize,
}

impl RunRow {
    /// A row from its printed values (split on whitespace).
    pub fn from_text(text: &str, width: usize) -> Self {
        RunRow {
            groups: text.split_whitespace().map(str::to_string).collect(),
            width,
        }
    }

    /// The values as printed, groups joined by one space.
    pub fn printed(&self) -> String {
        self.groups.join(" ")
    }

    /// Whether the printed groups are the cells themselves (nothing to split).
    pub fn is_separated(&self) -> bool {
        self.groups.len() == self.width
    }
}

/// `sum(left) == sum(right)` over cells given as (row index, column).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Identity {
    /// Cells summed on the left.
    pub left: Vec<(usize, usize)>,
    /// Cells summed on the right.
    pub right: Vec<(usize, usize)>,
}

impl Identity {
    /// The last cell of a row is the sum of the others (table B's 总计 column).
    pub fn row_total(row: usize, width: usize) -> Self {
        Identity {
            left: (0..width - 1).map(|c| (row, c)).collect(),
            right: vec![(row, width - 1)],
        }
    }

    fn rows(&self) -> impl Iterator<Item = usize> + '_ {
        self.left.iter().chain(&self.right).map(|(r, _)| *r)
    }
}

/// How one row was read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RowReading {
    /// The row's groups split only one way (or were its cells already).
    Read(Vec<String>),
    /// Several splits, of which the identities leave exactly one.
    Segmented(Vec<String>),
    /// Several splits consistent with the identities: the row stays unread.
    Ambiguous(Vec<Vec<String>>),
    /// No split consistent with the identities (or the row cannot be split
    /// into its width at all): the row stays unread.
    Unsolved(Vec<Vec<String>>),
}

impl RowReading {
    /// The cells, when the row was read.
    pub fn cells(&self) -> Option<&[String]> {
        match self {
            RowReading::Read(c) | RowReading::Segmented(c) => Some(c),
            RowReading::Ambiguous(_) | RowReading::Unsolved(_) => None,
        }
    }
}

/// Every reading of a row, or None when there are more than `limit`.
///
/// ```
/// use xxgk::internal::{readings, RunRow};
/// let all = readings(&RunRow::from_text("1210", 3), 100).unwrap();
/// assert_eq!(all.len(), 3); // 1,2,10 · 1,21,0 · 12,1,0
/// ```
pub fn readings(row: &RunRow, limit: usize) -> Option<Vec<Vec<String>>> {
    readings_where(row, 0, &[], limit)
}

/// The readings of row `r` that satisfy `identities` lying inside the row,
/// checked as soon as their cells are split off (so a long row of table C
/// prunes each proceeding as it goes instead of listing every split); None
/// when more than `limit` readings pass, or the walk passes
/// [`MAX_SPLIT_STEPS`].
fn readings_where(
    row: &RunRow,
    r: usize,
    identities: &[&Identity],
    limit: usize,
) -> Option<Vec<Vec<String>>> {
    // Each group yields at least one cell and at most its character count.
    let splittable: Vec<Option<Vec<char>>> = row.groups.iter().map(|g| splittable(g)).collect();
    let min = row.groups.len();
    let max: usize = splittable
        .iter()
        .map(|s| s.as_ref().map_or(1, |chars| chars.len()))
        .sum();
    if row.width < min || row.width > max {
        return Some(Vec::new());
    }
    // Each identity is checked when its last cell is split off.
    let mut checks: Vec<Vec<&Identity>> = vec![Vec::new(); row.width];
    for identity in identities {
        let cells = identity.left.iter().chain(&identity.right);
        if let Some(last) = cells.filter(|(ir, _)| *ir == r).map(|(_, c)| *c).max() {
            if last < row.width {
                checks[last].push(identity);
            }
        }
    }
    let mut walk = Splits {
        groups: &row.groups,
        splittable: &splittable,
        row: r,
        checks: &checks,
        current: Vec::with_capacity(row.width),
        values: Vec::with_capacity(row.width),
        out: Vec::new(),
        limit,
        steps: 0,
    };
    walk.groups_from(0, row.width).then_some(walk.out)
}

/// Most cells the split walk of one row tries before it gives up.
pub const MAX_SPLIT_STEPS: usize = 1_000_000;

/// The walk over a row's splits.
struct Splits<'a> {
    groups: &'a [String],
    splittable: &'a [Option<Vec<char>>],
    /// The row's index, as the identities name it.
    row: usize,
    /// Per column: the identities whose last cell in this row it is.
    checks: &'a [Vec<&'a Identity>],
    current: Vec<String>,
    values: Vec<Option<i64>>,
    out: Vec<Vec<String>>,
    limit: usize,
    steps: usize,
}

impl Splits<'_> {
    /// Split groups `[g..]` into exactly `cells_left` cells; false when a
    /// bound was passed.
    fn groups_from(&mut self, g: usize, cells_left: usize) -> bool {
        if g == self.groups.len() {
            if cells_left == 0 {
                if self.out.len() == self.limit {
                    return false;
                }
                self.out.push(self.current.clone());
            }
            return true;
        }
        match &self.splittable[g] {
            None => {
                // Every later group needs a cell of its own.
                if cells_left < self.groups.len() - g {
                    return true;
                }
                let cell = self.groups[g].clone();
                self.with_cell(cell, |walk| walk.groups_from(g + 1, cells_left - 1))
            }
            Some(chars) => self.split_group(chars, 0, g, cells_left),
        }
    }

    /// Split the rest of group `g`'s characters (`chars[from..]`) into cells,
    /// then go on with the next group.
    fn split_group(&mut self, chars: &[char], from: usize, g: usize, cells_left: usize) -> bool {
        if from == chars.len() {
            return self.groups_from(g + 1, cells_left);
        }
        if cells_left < self.groups.len() - g {
            return true;
        }
        for end in cell_ends(chars, from) {
            let cell: String = chars[from..end].iter().collect();
            if !self.with_cell(cell, |walk| walk.split_group(chars, end, g, cells_left - 1)) {
                return false;
            }
        }
        true
    }

    /// Append a cell, and go on (`then`) if the identities it completes hold.
    fn with_cell(&mut self, cell: String, then: impl FnOnce(&mut Self) -> bool) -> bool {
        self.steps += 1;
        if self.steps > MAX_SPLIT_STEPS {
            return false;
        }
        self.values.push(cell_value(&cell));
        self.current.push(cell);
        let column = self.current.len() - 1;
        let row = self.row;
        let values = &self.values;
        let value_at = |(r, c): &(usize, usize)| {
            if *r == row {
                values.get(*c).copied().flatten()
            } else {
                None
            }
        };
        let holds = self.checks.get(column).is_none_or(|ids| {
            ids.iter().all(|i| {
                let left: Option<i64> = i.left.iter().map(value_at).sum();
                let right: Option<i64> = i.right.iter().map(value_at).sum();
                !matches!((left, right), (Some(l), Some(r)) if l != r)
            })
        });
        let ok = !holds || then(self);
        self.current.pop();
        self.values.pop();
        ok
    }
}

/// The characters of a group that may be split: signs, digits and a trailing
/// unit. None for anything else (kept as one cell).
fn splittable(group: &str) -> Option<Vec<char>> {
    let chars: Vec<char> = group.chars().collect();
    let digits_end = chars
        .iter()
        .rposition(|c| c.is_ascii_digit())
        .map_or(0, |i| i + 1);
    let (body, unit) = chars.split_at(digits_end);
    let body_ok = !body.is_empty()
        && body
            .iter()
            .all(|c| c.is_ascii_digit() || is_sign(*c) || *c == '.');
    let unit_ok = unit.iter().all(|c| is_unit(*c));
    (body_ok && unit_ok).then_some(chars)
}

fn is_sign(c: char) -> bool {
    matches!(c, '+' | '-' | '增' | '减')
}

fn is_unit(c: char) -> bool {
    matches!(
        c,
        '元' | '万' | '亿' | '个' | '件' | '项' | '条' | '笔' | '人' | '次' | '家' | '宗'
    )
}

/// Where a cell starting at `from` may end: an optional sign, then `0` or a
/// digit run without a leading zero (a decimal part allowed), then — only at
/// the end of the group — the unit.
fn cell_ends(chars: &[char], from: usize) -> Vec<usize> {
    let mut i = from;
    if chars.get(i).is_some_and(|c| is_sign(*c)) {
        i += 1;
    }
    let Some(first) = chars.get(i).copied().filter(char::is_ascii_digit) else {
        return Vec::new();
    };
    let mut ends = Vec::new();
    let mut push = |end: usize, ends: &mut Vec<usize>| {
        // A cell may not end right before a decimal point or a lone unit
        // that another cell would then start with.
        let next = chars.get(end).copied();
        if next == Some('.') {
            return;
        }
        // A unit belongs to the group's last cell: take it with the digits.
        if next.is_some_and(is_unit) {
            if chars[end..].iter().all(|c| is_unit(*c)) {
                ends.push(chars.len());
            }
            return;
        }
        ends.push(end);
    };
    let mut j = i + 1;
    if first == '0' {
        // `0` alone, or `0.5`.
        push(j, &mut ends);
        if chars.get(j) == Some(&'.') {
            decimal_ends(chars, j, &mut ends, &mut push);
        }
        return ends;
    }
    loop {
        push(j, &mut ends);
        match chars.get(j) {
            Some(c) if c.is_ascii_digit() => j += 1,
            Some('.') => {
                decimal_ends(chars, j, &mut ends, &mut push);
                break;
            }
            _ => break,
        }
    }
    ends
}

/// Ends of a decimal part starting at the point `dot`.
fn decimal_ends(
    chars: &[char],
    dot: usize,
    ends: &mut Vec<usize>,
    push: &mut impl FnMut(usize, &mut Vec<usize>),
) {
    let mut k = dot + 1;
    while chars.get(k).is_some_and(char::is_ascii_digit) {
        k += 1;
        push(k, ends);
    }
}

/// A cell's integer value for the identities (None for anything but a plain
/// or signed integer).
fn cell_value(cell: &str) -> Option<i64> {
    let (sign, digits) = match cell.chars().next()? {
        '+' | '增' => (1, &cell[cell.chars().next()?.len_utf8()..]),
        '-' | '减' => (-1, &cell[cell.chars().next()?.len_utf8()..]),
        _ => (1, cell),
    };
    let digits = digits.trim_end_matches(is_unit);
    if digits.is_empty() || digits.len() > 15 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    digits.parse::<i64>().ok().map(|v| sign * v)
}

/// Whether an identity holds for the given row values (None when a cell is
/// not a number, or a row is not assigned: the identity says nothing).
fn holds(identity: &Identity, values: &[Option<&[Option<i64>]>]) -> Option<bool> {
    let sum = |cells: &[(usize, usize)]| -> Option<i64> {
        cells.iter().try_fold(0i64, |acc, (r, c)| {
            let v = (*values.get(*r)?)?.get(*c).copied().flatten()?;
            acc.checked_add(v)
        })
    };
    Some(sum(&identity.left)? == sum(&identity.right)?)
}

/// Read a table's rows (see the module docs). `identities` name cells by row
/// index into `rows` and column.
pub fn solve(rows: &[RunRow], identities: &[Identity]) -> Vec<RowReading> {
    // Per row: its readings as values, filtered by the identities inside it.
    let mut candidates: Vec<Option<Vec<Vec<String>>>> = Vec::with_capacity(rows.len());
    let mut result: Vec<Option<RowReading>> = vec![None; rows.len()];
    for (r, row) in rows.iter().enumerate() {
        // The identities inside the row prune its splits as they are made.
        let local: Vec<&Identity> = identities
            .iter()
            .filter(|i| i.rows().all(|ir| ir == r))
            .collect();
        let is_fused = !row.is_separated();
        match readings_where(row, r, &local, MAX_ROW_READINGS) {
            None => {
                // Too many to list: unread.
                result[r] = Some(RowReading::Ambiguous(Vec::new()));
                candidates.push(None);
            }
            Some(all) if all.is_empty() => {
                // No split satisfies the row's own identities: list the splits
                // there are, for the finding.
                let splits = readings(row, MAX_CANDIDATES_SHOWN).unwrap_or_default();
                result[r] = Some(match splits.len() {
                    // The only split is read, whatever the identities say.
                    1 => RowReading::Read(splits.into_iter().next().unwrap_or_default()),
                    _ => RowReading::Unsolved(splits),
                });
                candidates.push(None);
            }
            Some(all)
                if all.len() == 1
                    && (!is_fused || readings(row, 2).is_some_and(|s| s.len() == 1)) =>
            {
                // One split at all: read as printed.
                result[r] = Some(RowReading::Read(all.into_iter().next().unwrap_or_default()));
                candidates.push(None);
            }
            Some(all) => candidates.push(Some(all)),
        }
    }
    let open: Vec<usize> = (0..rows.len())
        .filter(|r| candidates[*r].is_some())
        .collect();
    if open.is_empty() {
        // Nothing to decide.
    } else if fixed_rows_break(identities, &result)
        || result
            .iter()
            .any(|r| matches!(r, Some(RowReading::Unsolved(_))))
    {
        // The table as printed breaks an identity on rows read one way, or a
        // row has no split its own identities allow: no reading of the whole
        // table is consistent, so the identities cannot be trusted to choose
        // for the others.
        for &r in &open {
            let list = candidates[r].as_deref().unwrap_or_default();
            result[r] = Some(RowReading::Unsolved(shown(list)));
        }
    } else {
        search(rows, identities, &candidates, &open, &mut result);
    }
    result
        .into_iter()
        .map(|r| r.unwrap_or(RowReading::Unsolved(Vec::new())))
        .collect()
}

/// Whether an identity on rows already read (every one of its rows decided)
/// fails.
fn fixed_rows_break(identities: &[Identity], result: &[Option<RowReading>]) -> bool {
    let values: Vec<Option<Vec<Option<i64>>>> = result
        .iter()
        .map(|r| {
            r.as_ref()
                .and_then(RowReading::cells)
                .map(|cells| cells.iter().map(|c| cell_value(c)).collect())
        })
        .collect();
    let assigned: Vec<Option<&[Option<i64>]>> = values.iter().map(|v| v.as_deref()).collect();
    identities
        .iter()
        .filter(|i| {
            i.rows()
                .all(|r| assigned.get(r).copied().flatten().is_some())
        })
        .any(|i| holds(i, &assigned) == Some(false))
}

fn shown(readings: &[Vec<String>]) -> Vec<Vec<String>> {
    readings
        .iter()
        .take(MAX_CANDIDATES_SHOWN)
        .cloned()
        .collect()
}

/// Search the table readings of the undecided rows `open` for those
/// consistent with every identity touching one of them; decide each row.
fn search(
    rows: &[RunRow],
    identities: &[Identity],
    candidates: &[Option<Vec<Vec<String>>>],
    open: &[usize],
    result: &mut [Option<RowReading>],
) {
    // Values of every decided row (for identities between decided and open rows).
    let fixed: Vec<Option<Vec<Option<i64>>>> = result
        .iter()
        .map(|r| {
            r.as_ref()
                .and_then(RowReading::cells)
                .map(|cells| cells.iter().map(|c| cell_value(c)).collect())
        })
        .collect();
    let cand_values: Vec<Option<Vec<Vec<Option<i64>>>>> = candidates
        .iter()
        .map(|c| {
            c.as_ref().map(|list| {
                list.iter()
                    .map(|cells| cells.iter().map(|v| cell_value(v)).collect())
                    .collect()
            })
        })
        .collect();
    // The identities that touch an open row but not only one (those were
    // applied per row), each checked once its last open row is assigned.
    let position = |r: usize| open.iter().position(|o| *o == r);
    let mut check_at: Vec<Vec<&Identity>> = vec![Vec::new(); open.len()];
    for identity in identities {
        let open_rows: Vec<usize> = identity.rows().filter_map(position).collect();
        let single_row = identity.rows().all(|r| Some(r) == identity.rows().next());
        if let Some(last) = open_rows.iter().max() {
            if !single_row {
                check_at[*last].push(identity);
            }
        }
    }
    let mut state = Search {
        rows_len: rows.len(),
        open,
        fixed: &fixed,
        cand_values: &cand_values,
        check_at: &check_at,
        choice: vec![0; open.len()],
        seen: vec![None; open.len()],
        agree: vec![true; open.len()],
        solutions: 0,
        nodes: 0,
    };
    let complete = state.descend(0);
    for (k, &r) in open.iter().enumerate() {
        let list = candidates[r].as_deref().unwrap_or_default();
        result[r] = Some(if !complete {
            RowReading::Ambiguous(shown(list))
        } else if state.solutions == 0 {
            RowReading::Unsolved(shown(list))
        } else if state.agree[k] {
            let i = state.seen[k].unwrap_or(0);
            RowReading::Segmented(list[i].clone())
        } else {
            RowReading::Ambiguous(shown(list))
        });
    }
}

/// The state of the table search.
struct Search<'a> {
    rows_len: usize,
    open: &'a [usize],
    fixed: &'a [Option<Vec<Option<i64>>>],
    cand_values: &'a [Option<Vec<Vec<Option<i64>>>>],
    check_at: &'a [Vec<&'a Identity>],
    /// Per open row: the candidate chosen on the current path.
    choice: Vec<usize>,
    /// Per open row: the candidate it had in the first consistent reading.
    seen: Vec<Option<usize>>,
    /// Per open row: whether every consistent reading so far gives it the same cells.
    agree: Vec<bool>,
    solutions: usize,
    nodes: usize,
}

impl Search<'_> {
    /// Assign open rows `k..`; false when the node budget ran out.
    fn descend(&mut self, k: usize) -> bool {
        if k == self.open.len() {
            self.solutions += 1;
            for j in 0..self.open.len() {
                match self.seen[j] {
                    None => self.seen[j] = Some(self.choice[j]),
                    Some(first) if first != self.choice[j] => self.agree[j] = false,
                    Some(_) => {}
                }
            }
            return true;
        }
        let count = self.cand_values[self.open[k]].as_ref().map_or(0, Vec::len);
        for i in 0..count {
            self.nodes += 1;
            if self.nodes > MAX_SEARCH_NODES {
                return false;
            }
            self.choice[k] = i;
            if self.consistent(k) && !self.descend(k + 1) {
                return false;
            }
        }
        true
    }

    /// Whether the identities whose last open row is `k` hold on the current path.
    fn consistent(&self, k: usize) -> bool {
        let mut values: Vec<Option<&[Option<i64>]>> = vec![None; self.rows_len];
        for (r, v) in self.fixed.iter().enumerate() {
            values[r] = v.as_deref();
        }
        for j in 0..=k {
            let r = self.open[j];
            values[r] = self.cand_values[r]
                .as_ref()
                .map(|list| list[self.choice[j]].as_slice());
        }
        self.check_at[k]
            .iter()
            .all(|identity| holds(identity, &values) != Some(false))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn cells(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    fn all(text: &str, width: usize) -> Vec<Vec<String>> {
        readings(&RunRow::from_text(text, width), 10_000).unwrap()
    }

    #[test]
    fn readings_follow_the_cell_grammar() {
        assert_eq!(
            all("1000001", 7),
            vec![cells(&["1", "0", "0", "0", "0", "0", "1"])]
        );
        assert_eq!(all("0 0 0 0 0 00", 7).len(), 1, "a fused pair of zeros");
        assert_eq!(
            all("3 0 0 0 0 03", 7),
            vec![cells(&["3", "0", "0", "0", "0", "0", "3"])]
        );
        assert!(all("012", 1).is_empty(), "no leading zero");
        assert_eq!(all("0+11", 3), vec![cells(&["0", "+1", "1"])]);
        assert_eq!(all("2笔 984361元", 2), vec![cells(&["2笔", "984361元"])]);
        assert_eq!(
            all("215419886元", 2).len(),
            8,
            "items and amount run together"
        );
        assert!(all("215419886元", 2).iter().all(|r| r[1].ends_with('元')));
        assert_eq!(all("0.5", 1), vec![cells(&["0.5"])]);
        assert_eq!(all("无 1", 2), vec![cells(&["无", "1"])]);
        assert!(all("1", 2).is_empty());
    }

    #[test]
    fn row_total_decides_a_row() {
        let rows = [RunRow::from_text("640020470", 7)];
        let read = solve(&rows, &[Identity::row_total(0, 7)]);
        assert_eq!(
            read[0],
            RowReading::Segmented(cells(&["64", "0", "0", "2", "0", "4", "70"]))
        );
    }

    #[test]
    fn a_unique_split_is_read_even_when_the_identities_break() {
        let rows = [RunRow::from_text("1000002", 7)];
        let read = solve(&rows, &[Identity::row_total(0, 7)]);
        assert_eq!(
            read[0],
            RowReading::Read(cells(&["1", "0", "0", "0", "0", "0", "2"]))
        );
    }

    #[test]
    fn table_a_without_identities_stays_ambiguous() {
        let read = solve(&[RunRow::from_text("1210", 3)], &[]);
        let RowReading::Ambiguous(c) = &read[0] else {
            panic!("{read:?}")
        };
        assert_eq!(c.len(), 3);
    }

    #[test]
    fn no_consistent_reading_is_unsolved() {
        // 11 into two cells summing to a third: 1+1 ≠ … no 3-cell split of "1111" holds.
        let rows = [RunRow::from_text("1111", 3)];
        let identity = Identity::row_total(0, 3);
        assert!(matches!(
            solve(&rows, &[identity])[0],
            RowReading::Unsolved(_)
        ));
    }

    #[test]
    fn identities_across_rows_decide() {
        // Row 0: a + b; row 1 printed "111" as two cells (1,11 or 11,1); row 0's
        // cell 0 must equal row 1's cell 0 + 1.
        let rows = [RunRow::from_text("12 5", 2), RunRow::from_text("111", 2)];
        let identity = Identity {
            left: vec![(0, 0)],
            right: vec![(1, 0), (0, 1)],
        };
        // 12 = x + 5 → x = 7: no candidate; unsolved.
        assert!(matches!(
            solve(&rows, &[identity])[1],
            RowReading::Unsolved(_)
        ));
        let rows = [RunRow::from_text("16 5", 2), RunRow::from_text("111", 2)];
        let identity = Identity {
            left: vec![(0, 0)],
            right: vec![(1, 0), (0, 1)],
        };
        assert_eq!(
            solve(&rows, &[identity])[1],
            RowReading::Segmented(cells(&["11", "1"]))
        );
    }

    #[test]
    fn a_long_table_c_row_is_pruned_per_proceeding() {
        // 21 digits into 15 cells: C(20,14) = 38,760 splits, too many to list;
        // each proceeding's total prunes the walk as it goes.
        let ids: Vec<Identity> = (0..3)
            .map(|p| Identity {
                left: (p * 5..p * 5 + 4).map(|c| (0, c)).collect(),
                right: vec![(0, p * 5 + 4)],
            })
            .collect();
        let read = solve(&[RunRow::from_text("102231700000457151683", 15)], &ids);
        let want = "10,2,2,3,17,0,0,0,0,0,45,7,15,16,83";
        assert_eq!(read[0].cells().map(|c| c.join(",")), Some(want.to_string()));
    }

    #[test]
    fn too_many_readings_stay_unread() {
        let digits = "1".repeat(40);
        let read = solve(&[RunRow::from_text(&digits, 7)], &[]);
        assert!(matches!(read[0], RowReading::Ambiguous(_)));
    }

    /// A random table B (rows: new, carried_over, outcomes…, total,
    /// carried_forward) that satisfies every identity, and those identities.
    fn table_b(
        outcomes: Vec<[u32; 6]>,
        carried: [u32; 6],
        forward: [u32; 6],
    ) -> (Vec<Vec<i64>>, Vec<Identity>) {
        let with_total = |cols: [i64; 6]| -> Vec<i64> {
            let mut row = cols.to_vec();
            row.push(cols.iter().sum());
            row
        };
        let outcome_rows: Vec<Vec<i64>> = outcomes
            .iter()
            .map(|o| with_total(o.map(i64::from)))
            .collect();
        let mut total = [0i64; 6];
        for o in &outcomes {
            for c in 0..6 {
                total[c] += i64::from(o[c]);
            }
        }
        // new = total + forward − carried must be ≥ 0: take carried ≤ total + forward.
        let carried: [i64; 6] =
            std::array::from_fn(|c| i64::from(carried[c]).min(total[c] + i64::from(forward[c])));
        let new: [i64; 6] = std::array::from_fn(|c| total[c] + i64::from(forward[c]) - carried[c]);
        let mut rows = vec![with_total(new), with_total(carried)];
        rows.extend(outcome_rows);
        rows.push(with_total(total));
        rows.push(with_total(forward.map(i64::from)));
        let n = rows.len();
        let mut ids: Vec<Identity> = (0..n).map(|r| Identity::row_total(r, 7)).collect();
        for c in 0..7 {
            ids.push(Identity {
                left: vec![(0, c), (1, c)],
                right: vec![(n - 2, c), (n - 1, c)],
            });
            ids.push(Identity {
                left: vec![(n - 2, c)],
                right: (2..n - 2).map(|r| (r, c)).collect(),
            });
        }
        (rows, ids)
    }

    fn small() -> impl Strategy<Value = u32> {
        prop_oneof![6 => Just(0u32), 3 => 1u32..10, 1 => 10u32..200]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]

        /// Joined without separators and solved, a consistent table comes back
        /// wherever the reading is determined, and never wrong.
        #[test]
        fn solving_joined_tables_never_gives_a_wrong_cell(
            outcomes in proptest::collection::vec(proptest::array::uniform6(small()), 1..6),
            carried in proptest::array::uniform6(small()),
            forward in proptest::array::uniform6(small()),
            spaced in proptest::collection::vec(any::<bool>(), 12),
        ) {
            let (table, ids) = table_b(outcomes, carried, forward);
            let rows: Vec<RunRow> = table.iter().enumerate().map(|(r, row)| {
                let sep = if spaced[r % spaced.len()] { " " } else { "" };
                RunRow::from_text(&row.iter().map(i64::to_string).collect::<Vec<_>>().join(sep), 7)
            }).collect();
            let read = solve(&rows, &ids);
            let mut unique_rows = 0;
            for (r, reading) in read.iter().enumerate() {
                let truth: Vec<String> = table[r].iter().map(i64::to_string).collect();
                match reading {
                    RowReading::Read(c) | RowReading::Segmented(c) => {
                        prop_assert_eq!(c, &truth, "row {}", r);
                        unique_rows += 1;
                    }
                    RowReading::Ambiguous(_) => {}
                    RowReading::Unsolved(_) => prop_assert!(false, "a consistent table has a reading: row {r}"),
                }
                // A row printed with a separator is its cells: always read.
                if rows[r].is_separated() {
                    prop_assert!(reading.cells().is_some());
                }
            }
            // All-zero rows (most rows of real tables) split one way only.
            let zero_rows = table.iter().filter(|row| row.iter().all(|v| *v == 0)).count();
            prop_assert!(unique_rows >= zero_rows);
        }

        /// The solver never panics and keeps to its grammar on any text.
        #[test]
        fn any_text_is_safe(text in "[0-9 +元笔.a]{0,30}", width in 1usize..9) {
            let read = solve(&[RunRow::from_text(&text, width)], &[Identity::row_total(0, width)]);
            if let Some(c) = read[0].cells() {
                prop_assert_eq!(c.len(), width);
                let joined: String = c.concat();
                let printed: String = text.split_whitespace().collect();
                prop_assert_eq!(joined, printed);
            }
        }
    }

    /// Every table reading consistent with every identity, by brute force
    /// over the product of the rows' splits (the reference the solver must
    /// agree with; small tables only).
    fn brute_force(rows: &[RunRow], ids: &[Identity]) -> Vec<Vec<Vec<String>>> {
        let per_row: Vec<Vec<Vec<String>>> =
            rows.iter().map(|r| readings(r, 100_000).unwrap()).collect();
        let mut out = Vec::new();
        let mut pick = vec![0usize; rows.len()];
        if per_row.iter().any(Vec::is_empty) {
            return out;
        }
        loop {
            let values: Vec<Vec<Option<i64>>> = pick
                .iter()
                .enumerate()
                .map(|(r, &i)| per_row[r][i].iter().map(|c| cell_value(c)).collect())
                .collect();
            let assigned: Vec<Option<&[Option<i64>]>> =
                values.iter().map(|v| Some(v.as_slice())).collect();
            if ids.iter().all(|i| holds(i, &assigned) != Some(false)) {
                out.push(
                    pick.iter()
                        .enumerate()
                        .map(|(r, &i)| per_row[r][i].clone())
                        .collect(),
                );
            }
            // Next combination (odometer).
            let mut r = 0;
            loop {
                if r == rows.len() {
                    return out;
                }
                pick[r] += 1;
                if pick[r] < per_row[r].len() {
                    break;
                }
                pick[r] = 0;
                r += 1;
            }
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(200))]

        /// When a consistent table joined without separators has exactly one
        /// consistent reading (brute force), the solver reads every row of it.
        #[test]
        fn a_unique_consistent_reading_is_found(
            outcomes in proptest::collection::vec(proptest::array::uniform6(prop_oneof![8 => Just(0u32), 2 => 1u32..25]), 1..3),
            carried in proptest::array::uniform6(prop_oneof![8 => Just(0u32), 2 => 1u32..25]),
            forward in proptest::array::uniform6(prop_oneof![8 => Just(0u32), 2 => 1u32..25]),
        ) {
            let (table, ids) = table_b(outcomes, carried, forward);
            let rows: Vec<RunRow> = table
                .iter()
                .map(|row| RunRow::from_text(&row.iter().map(i64::to_string).collect::<String>(), 7))
                .collect();
            // Keep the brute force small: rows of at most 9 digits.
            prop_assume!(rows.iter().all(|r| r.groups[0].len() <= 9));
            let all = brute_force(&rows, &ids);
            let truth: Vec<Vec<String>> = table.iter().map(|row| row.iter().map(i64::to_string).collect()).collect();
            prop_assert!(all.contains(&truth));
            let read = solve(&rows, &ids);
            for (r, reading) in read.iter().enumerate() {
                let agreed = all.iter().all(|t| t[r] == truth[r]);
                match reading.cells() {
                    Some(cells) => prop_assert_eq!(cells, truth[r].as_slice()),
                    None => prop_assert!(!agreed, "row {} is the same in every consistent reading but was not read", r),
                }
            }
        }
    }

    /// When a joined table has exactly one consistent reading (checked by
    /// brute force over every row's splits), the solver finds it for every row.
    #[test]
    fn unique_readings_are_found() {
        // 12,0,0,0,0,0,12 / 0×7 / 4,0,0,0,0,0,4 … a small table B.
        let rows: Vec<RunRow> = [
            "120000012",
            "0000000",
            "4000004",
            "8000008",
            "120000012",
            "0000000",
        ]
        .iter()
        .map(|t| RunRow::from_text(t, 7))
        .collect();
        let n = rows.len();
        let mut ids: Vec<Identity> = (0..n).map(|r| Identity::row_total(r, 7)).collect();
        for c in 0..7 {
            ids.push(Identity {
                left: vec![(0, c), (1, c)],
                right: vec![(n - 2, c), (n - 1, c)],
            });
            ids.push(Identity {
                left: vec![(n - 2, c)],
                right: (2..n - 2).map(|r| (r, c)).collect(),
            });
        }
        let read = solve(&rows, &ids);
        assert_eq!(
            read[0],
            RowReading::Segmented(cells(&["12", "0", "0", "0", "0", "0", "12"]))
        );
        assert_eq!(
            read[4],
            RowReading::Segmented(cells(&["12", "0", "0", "0", "0", "0", "12"]))
        );
        assert!(matches!(read[2], RowReading::Read(_)));
    }
}
