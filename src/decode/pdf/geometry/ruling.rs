//! Ruling lines → tables: the cells that the lines close, and the grid they
//! lie on (the lattice method of Tabula and pdfplumber).
//!
//! Segments on one line (within [`SNAP`]) are joined where they touch or
//! nearly touch ([`JOIN`]); a horizontal and a vertical line cross when each
//! reaches the other (within [`TOUCH`]). A cell is the smallest rectangle whose
//! four corners are crossings on the same four lines (so all four borders are
//! drawn). Cells sharing corners form one table; its column and row
//! boundaries are the cells' distinct edges, and a cell covering several of
//! them is a span. A table needs two columns: a lone ruled box is text.

use super::drawing::Segment;

/// Lines closer than this (points) are one line (double borders, hairline offsets).
const SNAP: f64 = 2.0;
/// Collinear segments with a gap up to this (points) are joined.
const JOIN: f64 = 2.0;
/// How far (points) a line may stop short of another and still cross it.
const TOUCH: f64 = 2.0;
/// Most crossings handled on one page (more: no tables there).
const MAX_CROSSINGS: usize = 40_000;
/// Most (horizontal × vertical) line pairs looked at on one page.
const MAX_GRID: usize = 4_000_000;
/// Most corner look-ups while closing cells on one page (hostile line
/// patterns could otherwise ask for crossings³).
const MAX_CHECKS: usize = 20_000_000;
/// Smallest cell side (points).
const MIN_CELL: f64 = 2.0;

/// A cell: its box (page space, y down) and the grid slots it covers.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct CellBox {
    pub x0: f64,
    pub y0: f64,
    pub x1: f64,
    pub y1: f64,
    /// First row, one past the last row.
    pub rows: (usize, usize),
    /// First column, one past the last column.
    pub cols: (usize, usize),
}

/// A table found on a page.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct TableBox {
    pub x0: f64,
    pub y0: f64,
    pub x1: f64,
    pub y1: f64,
    pub n_rows: usize,
    pub n_cols: usize,
    /// Column boundaries, left to right (`n_cols + 1`).
    pub xs: Vec<f64>,
    /// Row boundaries, top to bottom (`n_rows + 1`).
    pub ys: Vec<f64>,
    pub cells: Vec<CellBox>,
    /// For each slot (row-major), the index of the cell covering it, or `usize::MAX`.
    pub slots: Vec<usize>,
}

impl TableBox {
    pub fn contains(&self, x: f64, y: f64) -> bool {
        x >= self.x0 && x <= self.x1 && y >= self.y0 && y <= self.y1
    }

    /// The cell holding a point: its slot found by binary search on the
    /// boundaries, the cell from the slot map.
    pub fn cell_at(&self, x: f64, y: f64) -> Option<usize> {
        if !self.contains(x, y) {
            return None;
        }
        let col = self.xs.partition_point(|&b| b <= x).clamp(1, self.n_cols) - 1;
        let row = self.ys.partition_point(|&b| b <= y).clamp(1, self.n_rows) - 1;
        let cell = *self.slots.get(row * self.n_cols + col)?;
        (cell != usize::MAX).then_some(cell)
    }
}

/// A joined line: its position across, and its extent along.
#[derive(Debug, Clone, Copy)]
struct Line {
    at: f64,
    from: f64,
    to: f64,
}

/// Join segments lying on one line: `(at, from, to)` triples.
fn join(mut segs: Vec<(f64, f64, f64)>) -> Vec<Line> {
    segs.sort_by(|a, b| a.0.total_cmp(&b.0));
    let mut lines = Vec::new();
    let mut i = 0;
    while i < segs.len() {
        // A cluster of segments within SNAP of its first.
        let mut j = i + 1;
        while j < segs.len() && segs[j].0 - segs[i].0 <= SNAP {
            j += 1;
        }
        let mut cluster: Vec<(f64, f64, f64)> = segs[i..j].to_vec();
        let at = cluster.iter().map(|s| s.0).sum::<f64>() / cluster.len() as f64;
        cluster.sort_by(|a, b| a.1.total_cmp(&b.1));
        let mut current: Option<Line> = None;
        for &(_, from, to) in &cluster {
            match current.as_mut() {
                Some(line) if from <= line.to + JOIN => line.to = line.to.max(to),
                _ => {
                    lines.extend(current.take());
                    current = Some(Line { at, from, to });
                }
            }
        }
        lines.extend(current);
        i = j;
    }
    lines
}

/// The tables a page's ruling segments (page space, y down) form.
///
/// Two passes: the cells the lines close, grouped into tables; then, per
/// table, the same with the table's outer frame added, so that a cell whose
/// outer border is not drawn is still a cell. At a page break WPS draws
/// neither the bottom border of a table's last part nor the top border of its
/// first cell on the next page; where the table's vertical lines run on past
/// its last (or first) horizontal line, the frame goes to where they end.
pub(crate) fn tables(segments: &[Segment]) -> Vec<TableBox> {
    let mut out = Vec::new();
    for first in groups(segments) {
        let (x0, mut y0, x1, mut y1) = bounds(&first);
        let (top, bottom) = (y0, y1);
        for s in segments.iter().filter(|s| !s.is_horizontal()) {
            let (from, to) = (s.y0.min(s.y1), s.y0.max(s.y1));
            let inside = s.x0 >= x0 - SNAP && s.x0 <= x1 + SNAP;
            // A vertical line of the table: it runs along most of a row at least.
            if !inside || to < top + SNAP || from > bottom - SNAP {
                continue;
            }
            if from < top - SNAP && to >= top - SNAP {
                y0 = y0.min(from);
            }
            if to > bottom + SNAP && from <= bottom + SNAP {
                y1 = y1.max(to);
            }
        }
        let clip = |s: &Segment| -> Option<Segment> {
            let (ax, bx) = (s.x0.min(s.x1).max(x0 - SNAP), s.x0.max(s.x1).min(x1 + SNAP));
            let (ay, by) = (s.y0.min(s.y1).max(y0 - SNAP), s.y0.max(s.y1).min(y1 + SNAP));
            (ax <= bx && ay <= by).then_some(Segment {
                x0: ax,
                y0: ay,
                x1: bx,
                y1: by,
            })
        };
        let mut framed: Vec<Segment> = segments.iter().filter_map(clip).collect();
        framed.extend([
            Segment { x0, y0, x1, y1: y0 },
            Segment { x0, y0: y1, x1, y1 },
            Segment { x0, y0, x1: x0, y1 },
            Segment { x0: x1, y0, x1, y1 },
        ]);
        let second = groups(&framed);
        // The frame can only add cells: keep the larger reading.
        let pick = if second.iter().map(Vec::len).sum::<usize>() >= first.len() {
            second
        } else {
            vec![first]
        };
        out.extend(pick.iter().filter_map(|boxes| grid(boxes)));
    }
    out.sort_by(|a, b| a.y0.total_cmp(&b.y0).then(a.x0.total_cmp(&b.x0)));
    out
}

/// The outer bounds of a group of cell boxes.
fn bounds(boxes: &[[f64; 4]]) -> (f64, f64, f64, f64) {
    boxes.iter().fold(
        (
            f64::INFINITY,
            f64::INFINITY,
            f64::NEG_INFINITY,
            f64::NEG_INFINITY,
        ),
        |(x0, y0, x1, y1), b| (x0.min(b[0]), y0.min(b[1]), x1.max(b[2]), y1.max(b[3])),
    )
}

/// The cells the segments close, grouped by shared corners (each group's
/// cell boxes `[x0, y0, x1, y1]`).
fn groups(segments: &[Segment]) -> Vec<Vec<[f64; 4]>> {
    let mut h = Vec::new();
    let mut v = Vec::new();
    for s in segments {
        if s.is_horizontal() {
            h.push((s.y0, s.x0.min(s.x1), s.x0.max(s.x1)));
        } else {
            v.push((s.x0, s.y0.min(s.y1), s.y0.max(s.y1)));
        }
    }
    let h = join(h);
    let v = join(v);
    // Crossings: per horizontal line the verticals on it (by x), per vertical
    // the horizontals on it (by y), and a bitmap of all (h × v).
    if h.len().saturating_mul(v.len()) > MAX_GRID {
        return Vec::new();
    }
    let width = v.len();
    let mut on_h: Vec<Vec<usize>> = vec![Vec::new(); h.len()];
    let mut on_v: Vec<Vec<usize>> = vec![Vec::new(); v.len()];
    let mut crossing = vec![false; h.len() * width];
    let mut count = 0usize;
    for (hi, hl) in h.iter().enumerate() {
        for (vi, vl) in v.iter().enumerate() {
            if vl.at >= hl.from - TOUCH
                && vl.at <= hl.to + TOUCH
                && hl.at >= vl.from - TOUCH
                && hl.at <= vl.to + TOUCH
            {
                on_h[hi].push(vi);
                on_v[vi].push(hi);
                crossing[hi * width + vi] = true;
                count += 1;
                if count > MAX_CROSSINGS {
                    return Vec::new();
                }
            }
        }
    }
    for list in &mut on_h {
        list.sort_by(|&a, &b| v[a].at.total_cmp(&v[b].at));
    }
    for list in &mut on_v {
        list.sort_by(|&a, &b| h[a].at.total_cmp(&h[b].at));
    }
    // Cells, each with its four corners (as crossing indices).
    let mut cells: Vec<([f64; 4], [usize; 4])> = Vec::new();
    let mut checks = 0usize;
    for (hi, verticals) in on_h.iter().enumerate() {
        for &vi in verticals {
            let (top, left) = (h[hi].at, v[vi].at);
            let rights: Vec<usize> = verticals
                .iter()
                .copied()
                .filter(|&r| v[r].at > left + MIN_CELL)
                .collect();
            let belows = on_v[vi].iter().filter(|&&b| h[b].at > top + MIN_CELL);
            'found: for &b in belows {
                for &r in &rights {
                    checks += 1;
                    if checks > MAX_CHECKS {
                        return Vec::new();
                    }
                    if crossing[b * width + r] {
                        cells.push((
                            [left, top, v[r].at, h[b].at],
                            [
                                hi * width + vi,
                                hi * width + r,
                                b * width + vi,
                                b * width + r,
                            ],
                        ));
                        break 'found;
                    }
                }
            }
        }
    }
    cells.sort_by(|a, b| a.0[1].total_cmp(&b.0[1]).then(a.0[0].total_cmp(&b.0[0])));
    // Tables: cells joined by shared corners.
    let mut parent: Vec<usize> = (0..cells.len()).collect();
    fn find(parent: &mut [usize], mut i: usize) -> usize {
        while parent[i] != i {
            parent[i] = parent[parent[i]];
            i = parent[i];
        }
        i
    }
    let mut owner: Vec<usize> = vec![usize::MAX; crossing.len()];
    for (i, (_, corners)) in cells.iter().enumerate() {
        for &corner in corners {
            match owner[corner] {
                usize::MAX => owner[corner] = i,
                j => {
                    let (a, b) = (find(&mut parent, i), find(&mut parent, j));
                    parent[a] = b;
                }
            }
        }
    }
    let mut groups: Vec<Vec<usize>> = Vec::new();
    let mut group_of: Vec<usize> = vec![usize::MAX; cells.len()];
    for i in 0..cells.len() {
        let root = find(&mut parent, i);
        if group_of[root] == usize::MAX {
            group_of[root] = groups.len();
            groups.push(Vec::new());
        }
        groups[group_of[root]].push(i);
    }
    groups
        .into_iter()
        .map(|group| group.iter().map(|&i| cells[i].0).collect())
        .collect()
}

/// Distinct values, those within SNAP of the previous one merged.
fn boundaries(mut values: Vec<f64>) -> Vec<f64> {
    values.sort_by(f64::total_cmp);
    let mut out: Vec<f64> = Vec::new();
    for x in values {
        match out.last() {
            Some(&last) if x - last <= SNAP => {}
            _ => out.push(x),
        }
    }
    out
}

fn index_of(bounds: &[f64], x: f64) -> usize {
    bounds
        .iter()
        .enumerate()
        .min_by(|a, b| (a.1 - x).abs().total_cmp(&(b.1 - x).abs()))
        .map_or(0, |(i, _)| i)
}

/// The grid of one group of cells; None for fewer than two columns or cells.
fn grid(boxes: &[[f64; 4]]) -> Option<TableBox> {
    if boxes.len() < 2 {
        return None;
    }
    let xs = boundaries(boxes.iter().flat_map(|b| [b[0], b[2]]).collect());
    let ys = boundaries(boxes.iter().flat_map(|b| [b[1], b[3]]).collect());
    if xs.len() < 3 || ys.len() < 2 {
        return None;
    }
    let mut cells: Vec<CellBox> = boxes
        .iter()
        .map(|b| CellBox {
            x0: b[0],
            y0: b[1],
            x1: b[2],
            y1: b[3],
            rows: (index_of(&ys, b[1]), index_of(&ys, b[3])),
            cols: (index_of(&xs, b[0]), index_of(&xs, b[2])),
        })
        .filter(|c| c.rows.1 > c.rows.0 && c.cols.1 > c.cols.0)
        .collect();
    cells.sort_by_key(|c| (c.rows.0, c.cols.0));
    // Cells found twice (a corner reached by two routes) are kept once.
    cells.dedup_by(|a, b| a.rows == b.rows && a.cols == b.cols);
    let (n_rows, n_cols) = (ys.len() - 1, xs.len() - 1);
    let mut slots = vec![usize::MAX; n_rows * n_cols];
    for (i, c) in cells.iter().enumerate() {
        for r in c.rows.0..c.rows.1 {
            for k in c.cols.0..c.cols.1 {
                // Overlapping cells (never from closed borders): the first keeps the slot.
                if slots[r * n_cols + k] == usize::MAX {
                    slots[r * n_cols + k] = i;
                }
            }
        }
    }
    Some(TableBox {
        x0: xs[0],
        y0: ys[0],
        x1: *xs.last()?,
        y1: *ys.last()?,
        n_rows,
        n_cols,
        xs,
        ys,
        cells,
        slots,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn h(y: f64, x0: f64, x1: f64) -> Segment {
        Segment {
            x0,
            y0: y,
            x1,
            y1: y,
        }
    }

    fn v(x: f64, y0: f64, y1: f64) -> Segment {
        Segment {
            x0: x,
            y0,
            x1: x,
            y1,
        }
    }

    fn spans(t: &TableBox) -> Vec<((usize, usize), (usize, usize))> {
        t.cells.iter().map(|c| (c.rows, c.cols)).collect()
    }

    /// A 3×3 grid whose top-left cell spans two columns, drawn in pieces
    /// (per-cell borders, slight offsets) as word processors do.
    #[test]
    fn cells_spans_and_pieces() {
        let segs = vec![
            h(0.0, 0.0, 20.0),
            h(0.3, 20.0, 30.0),
            h(10.0, 20.0, 30.0),
            h(10.0, 0.0, 20.0),
            h(20.0, 0.0, 30.0),
            h(30.0, 0.0, 30.0),
            v(0.0, -0.2, 30.2),
            v(10.0, 10.0, 30.0),
            v(20.0, 0.0, 30.0),
            v(30.0, 0.0, 15.0),
            v(30.2, 15.0, 30.0),
            // A stray rule elsewhere and a lone box: not tables.
            h(100.0, 0.0, 50.0),
            h(200.0, 0.0, 50.0),
            h(220.0, 0.0, 50.0),
            v(0.0, 200.0, 220.0),
            v(50.0, 200.0, 220.0),
        ];
        let t = tables(&segs);
        assert_eq!(t.len(), 1, "{t:#?}");
        let t = &t[0];
        assert_eq!((t.n_rows, t.n_cols), (3, 3));
        assert_eq!(
            spans(t),
            vec![
                ((0, 1), (0, 2)),
                ((0, 1), (2, 3)),
                ((1, 2), (0, 1)),
                ((1, 2), (1, 2)),
                ((1, 2), (2, 3)),
                ((2, 3), (0, 1)),
                ((2, 3), (1, 2)),
                ((2, 3), (2, 3)),
            ]
        );
        assert_eq!(t.cell_at(5.0, 5.0), Some(0));
        assert_eq!(t.cell_at(25.0, 25.0), Some(7));
    }

    #[test]
    fn row_span_and_two_tables() {
        let mut segs = vec![
            // Left cell spans both rows.
            h(0.0, 0.0, 40.0),
            h(10.0, 20.0, 40.0),
            h(20.0, 0.0, 40.0),
            v(0.0, 0.0, 20.0),
            v(20.0, 0.0, 20.0),
            v(40.0, 0.0, 20.0),
        ];
        // A second table below.
        segs.extend([
            h(50.0, 0.0, 20.0),
            h(60.0, 0.0, 20.0),
            v(0.0, 50.0, 60.0),
            v(10.0, 50.0, 60.0),
            v(20.0, 50.0, 60.0),
        ]);
        let t = tables(&segs);
        assert_eq!(t.len(), 2);
        assert_eq!(
            spans(&t[0]),
            vec![((0, 2), (0, 1)), ((0, 1), (1, 2)), ((1, 2), (1, 2))]
        );
        assert_eq!((t[1].n_rows, t[1].n_cols, t[1].y0), (1, 2, 50.0));
    }

    /// The first cell's top border left out (a table continued on a new
    /// page, as WPS prints it): the table's frame closes it.
    #[test]
    fn open_outer_border() {
        let segs = vec![
            h(0.0, 20.0, 40.0),
            h(10.0, 0.0, 40.0),
            h(20.0, 0.0, 40.0),
            v(0.0, 0.0, 20.0),
            v(20.0, 0.0, 20.0),
            v(40.0, 0.0, 20.0),
        ];
        let t = tables(&segs);
        assert_eq!(t.len(), 1);
        assert_eq!(
            spans(&t[0]),
            vec![
                ((0, 1), (0, 1)),
                ((0, 1), (1, 2)),
                ((1, 2), (0, 1)),
                ((1, 2), (1, 2))
            ]
        );
    }

    /// A table cut by a page break: its vertical lines run on below the last
    /// horizontal line (no bottom border is drawn); the last row still counts.
    #[test]
    fn open_bottom_at_a_page_break() {
        let segs = vec![
            h(0.0, 0.0, 40.0),
            h(10.0, 0.0, 40.0),
            h(20.0, 20.0, 40.0),
            v(0.0, 0.0, 30.0),
            v(20.0, 0.0, 30.0),
            v(40.0, 0.0, 30.0),
        ];
        let t = tables(&segs);
        assert_eq!(t.len(), 1, "{t:?}");
        assert_eq!((t[0].y0, t[0].y1), (0.0, 30.0));
        assert_eq!(
            spans(&t[0]),
            vec![
                ((0, 1), (0, 1)),
                ((0, 1), (1, 2)),
                ((1, 3), (0, 1)),
                ((1, 2), (1, 2)),
                ((2, 3), (1, 2))
            ]
        );
    }

    #[test]
    fn too_many_lines_give_no_tables() {
        // A staircase where no corner closes: bounded work, no tables.
        let mut stairs = Vec::new();
        for i in 0..150 {
            let k = i as f64 * 3.0;
            stairs.push(h(k, k, 900.0));
            stairs.push(v(k + 1.0, 0.0, k + 1.0));
        }
        let start = std::time::Instant::now();
        let _ = tables(&stairs);
        assert!(start.elapsed() < std::time::Duration::from_secs(10));
        let mut segs = Vec::new();
        for i in 0..300 {
            segs.push(h(i as f64 * 3.0, 0.0, 900.0));
            segs.push(v(i as f64 * 3.0, 0.0, 900.0));
        }
        assert!(tables(&segs).is_empty());
    }
}
