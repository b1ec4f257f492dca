//! The ruling lines a page draws: its content streams (and the form XObjects
//! they paint) interpreted for path operators only.
//!
//! Kept: straight horizontal and vertical segments of stroked paths (`m`/`l`/
//! `h`, the edges of `re`), and filled rectangles thin enough to be a line
//! (Word draws borders so), as centre lines. Curves, text, images, clipping and
//! colour spaces are skipped, except that paths painted white are dropped
//! (invisible borders). The current transformation matrix (`cm`, `q`/`Q`,
//! form `/Matrix`) is applied, so segments come out in default user space.
//! Work is bounded: operators, segments, graphics-state depth and form
//! nesting are capped, and the interpreter checks a deadline.

use super::objects::{get, is_delim, is_white, Dict, Lexer, Obj, Pdf, Stream, Tok};
use std::time::Instant;

/// Most operators interpreted on one page (forms included).
const MAX_OPS: usize = 4_000_000;
/// Most segments kept from one page.
const MAX_SEGMENTS: usize = 200_000;
/// Deepest `q` nesting tracked.
const MAX_SAVES: usize = 256;
/// Deepest form XObject nesting followed.
const MAX_FORM_DEPTH: usize = 8;
/// Operands kept for one operator (more are dropped).
const MAX_OPERANDS: usize = 32;
/// A filled rectangle at most this thick (points) is a line.
pub(crate) const THIN: f64 = 2.5;
/// Shortest segment kept (points).
const MIN_LENGTH: f64 = 2.0;
/// How far from horizontal/vertical a segment may be (points over its length).
const SLANT: f64 = 0.5;

/// An axis-aligned segment in default user space (y up).
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Segment {
    pub x0: f64,
    pub y0: f64,
    pub x1: f64,
    pub y1: f64,
}

impl Segment {
    pub fn is_horizontal(&self) -> bool {
        (self.y0 - self.y1).abs() <= SLANT
    }
}

type Matrix = [f64; 6];

const IDENTITY: Matrix = [1.0, 0.0, 0.0, 1.0, 0.0, 0.0];

/// `m` then `n`: apply `m` first.
fn concat(m: &Matrix, n: &Matrix) -> Matrix {
    [
        m[0] * n[0] + m[1] * n[2],
        m[0] * n[1] + m[1] * n[3],
        m[2] * n[0] + m[3] * n[2],
        m[2] * n[1] + m[3] * n[3],
        m[4] * n[0] + m[5] * n[2] + n[4],
        m[4] * n[1] + m[5] * n[3] + n[5],
    ]
}

fn apply(m: &Matrix, x: f64, y: f64) -> (f64, f64) {
    (m[0] * x + m[2] * y + m[4], m[1] * x + m[3] * y + m[5])
}

#[derive(Clone, Copy)]
struct State {
    ctm: Matrix,
    stroke_white: bool,
    fill_white: bool,
}

/// One subpath: its points (device space) and whether it holds curves.
#[derive(Default)]
struct SubPath {
    points: Vec<(f64, f64)>,
    closed: bool,
    curved: bool,
}

/// Why interpretation stopped early (the page's segments are then unusable).
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Stop {
    /// A cap on work was reached.
    TooMuch,
    /// The deadline passed.
    Deadline,
}

struct Interp<'d> {
    deadline: Option<Instant>,
    ops: usize,
    segments: Vec<Segment>,
    path: Vec<SubPath>,
    state: State,
    saved: Vec<State>,
    _marker: std::marker::PhantomData<&'d ()>,
}

/// The ruling segments drawn by a page's content streams.
pub(crate) fn page_segments(
    pdf: &mut Pdf,
    contents: &[Stream],
    resources: Option<&Dict>,
    deadline: Option<Instant>,
) -> Result<Vec<Segment>, Stop> {
    let mut data = Vec::new();
    for stream in contents {
        if let Some(bytes) = pdf.decode_stream(stream) {
            if data.is_empty() {
                data = bytes;
            } else {
                data.extend_from_slice(&bytes);
            }
            // Streams are split anywhere but a token: keep them apart.
            data.push(b'\n');
        }
    }
    let mut interp = Interp {
        deadline,
        ops: 0,
        segments: Vec::new(),
        path: Vec::new(),
        state: State {
            ctm: IDENTITY,
            stroke_white: false,
            fill_white: false,
        },
        saved: Vec::new(),
        _marker: std::marker::PhantomData,
    };
    let resources = resources.cloned();
    interp.run(pdf, &data, resources.as_ref(), 0)?;
    Ok(interp.segments)
}

impl Interp<'_> {
    fn run(
        &mut self,
        pdf: &mut Pdf,
        data: &[u8],
        resources: Option<&Dict>,
        depth: usize,
    ) -> Result<(), Stop> {
        let mut lex = Lexer::new(data, 0);
        let mut nums: Vec<f64> = Vec::with_capacity(MAX_OPERANDS);
        // The last name operand (for `Do`).
        let mut name: Option<&[u8]> = None;
        // Arrays and dictionaries among operands (TJ, BDC) are skipped whole.
        let mut nesting = 0usize;
        let base_saves = self.saved.len();
        loop {
            let tok = lex.next_tok();
            match tok {
                Tok::Eof => break,
                Tok::ArrayOpen | Tok::DictOpen => {
                    nesting += 1;
                    continue;
                }
                Tok::ArrayClose | Tok::DictClose => {
                    nesting = nesting.saturating_sub(1);
                    continue;
                }
                _ if nesting > 0 => continue,
                Tok::Int(i) => push_num(&mut nums, i as f64),
                Tok::Real(r) => push_num(&mut nums, r),
                Tok::Name(n) => name = Some(n),
                Tok::Str | Tok::Brace => {}
                Tok::Keyword(op) => {
                    self.ops += 1;
                    if self.ops > MAX_OPS || self.segments.len() > MAX_SEGMENTS {
                        return Err(Stop::TooMuch);
                    }
                    if self.ops % 4096 == 0 && self.deadline.is_some_and(|d| Instant::now() > d) {
                        return Err(Stop::Deadline);
                    }
                    if op == b"BI" {
                        skip_inline_image(&mut lex);
                    } else if op == b"BT" {
                        // Text objects draw no rulings (paths are not allowed
                        // in them): skipped without tokenizing.
                        skip_text_object(&mut lex);
                    } else if op == b"Do" {
                        if let Some(n) = name.take() {
                            self.form(pdf, n, resources, depth)?;
                        }
                    } else {
                        self.op(op, &nums);
                    }
                    nums.clear();
                    name = None;
                }
            }
        }
        // Unbalanced `q` inside a form: restore what the form saved.
        while self.saved.len() > base_saves {
            if let Some(s) = self.saved.pop() {
                self.state = s;
            }
        }
        Ok(())
    }

    /// Paint a form XObject named in the resources.
    fn form(
        &mut self,
        pdf: &mut Pdf,
        name: &[u8],
        resources: Option<&Dict>,
        depth: usize,
    ) -> Result<(), Stop> {
        if depth >= MAX_FORM_DEPTH {
            return Ok(());
        }
        let Some(xobjects) = resources
            .and_then(|r| pdf.get(r, b"XObject"))
            .and_then(Obj::as_dict)
        else {
            return Ok(());
        };
        let key = super::objects::name_bytes(name);
        let Some(Obj::Stream(form)) = pdf.get(xobjects, &key) else {
            return Ok(());
        };
        if get(&form.dict, b"Subtype").and_then(Obj::as_name) != Some(b"Form") {
            return Ok(());
        }
        let form = form.clone();
        let matrix = match pdf.get(&form.dict, b"Matrix") {
            Some(Obj::Array(m)) if m.len() == 6 => {
                let mut out = IDENTITY;
                for (slot, v) in out.iter_mut().zip(m) {
                    *slot = pdf.resolve(v).as_f64().unwrap_or(0.0);
                }
                out
            }
            _ => IDENTITY,
        };
        let own = pdf
            .get(&form.dict, b"Resources")
            .and_then(Obj::as_dict)
            .cloned();
        let Some(data) = pdf.decode_stream(&form) else {
            return Ok(());
        };
        let saved = self.state;
        let saved_path = std::mem::take(&mut self.path);
        self.state.ctm = concat(&matrix, &self.state.ctm);
        let result = self.run(pdf, &data, own.as_ref().or(resources), depth + 1);
        self.state = saved;
        self.path = saved_path;
        result
    }

    fn op(&mut self, op: &[u8], n: &[f64]) {
        let arg = |i: usize| n.get(n.len().wrapping_sub(i)).copied();
        match op {
            b"q" if self.saved.len() < MAX_SAVES => self.saved.push(self.state),
            b"Q" => {
                if let Some(s) = self.saved.pop() {
                    self.state = s;
                }
            }
            b"cm" if n.len() >= 6 => {
                let m: Matrix = [
                    n[n.len() - 6],
                    n[n.len() - 5],
                    n[n.len() - 4],
                    n[n.len() - 3],
                    n[n.len() - 2],
                    n[n.len() - 1],
                ];
                if m.iter().all(|v| v.is_finite()) {
                    self.state.ctm = concat(&m, &self.state.ctm);
                }
            }
            b"m" => {
                if let (Some(x), Some(y)) = (arg(2), arg(1)) {
                    let p = apply(&self.state.ctm, x, y);
                    self.path.push(SubPath {
                        points: vec![p],
                        ..SubPath::default()
                    });
                }
            }
            b"l" => {
                if let (Some(x), Some(y)) = (arg(2), arg(1)) {
                    let p = apply(&self.state.ctm, x, y);
                    match self.path.last_mut() {
                        Some(sub) if !sub.closed => sub.points.push(p),
                        _ => self.path.push(SubPath {
                            points: vec![p],
                            ..SubPath::default()
                        }),
                    }
                }
            }
            b"c" | b"v" | b"y" => {
                let (x, y) = (arg(2), arg(1));
                if let (Some(x), Some(y), Some(sub)) = (x, y, self.path.last_mut()) {
                    let p = apply(&self.state.ctm, x, y);
                    sub.curved = true;
                    // The curve itself is not a ruling; start a new piece at its end.
                    self.path.push(SubPath {
                        points: vec![p],
                        ..SubPath::default()
                    });
                }
            }
            b"h" => {
                if let Some(sub) = self.path.last_mut() {
                    sub.closed = true;
                }
            }
            b"re" if n.len() >= 4 => {
                let (x, y, w, h) = (
                    n[n.len() - 4],
                    n[n.len() - 3],
                    n[n.len() - 2],
                    n[n.len() - 1],
                );
                let ctm = self.state.ctm;
                let points = vec![
                    apply(&ctm, x, y),
                    apply(&ctm, x + w, y),
                    apply(&ctm, x + w, y + h),
                    apply(&ctm, x, y + h),
                ];
                self.path.push(SubPath {
                    points,
                    closed: true,
                    curved: false,
                });
            }
            b"S" => self.paint(true, false),
            b"s" => {
                if let Some(sub) = self.path.last_mut() {
                    sub.closed = true;
                }
                self.paint(true, false)
            }
            b"f" | b"F" | b"f*" => self.paint(false, true),
            b"B" | b"B*" => self.paint(true, true),
            b"b" | b"b*" => {
                if let Some(sub) = self.path.last_mut() {
                    sub.closed = true;
                }
                self.paint(true, true)
            }
            b"n" => self.path.clear(),
            b"G" => self.state.stroke_white = arg(1) == Some(1.0),
            b"g" => self.state.fill_white = arg(1) == Some(1.0),
            b"RG" => {
                self.state.stroke_white = n.len() >= 3 && n[n.len() - 3..].iter().all(|v| *v == 1.0)
            }
            b"rg" => {
                self.state.fill_white = n.len() >= 3 && n[n.len() - 3..].iter().all(|v| *v == 1.0)
            }
            b"K" => {
                self.state.stroke_white = n.len() >= 4 && n[n.len() - 4..].iter().all(|v| *v == 0.0)
            }
            b"k" => {
                self.state.fill_white = n.len() >= 4 && n[n.len() - 4..].iter().all(|v| *v == 0.0)
            }
            b"SC" | b"SCN" => self.state.stroke_white = white_by_count(n),
            b"sc" | b"scn" => self.state.fill_white = white_by_count(n),
            b"CS" => self.state.stroke_white = false,
            b"cs" => self.state.fill_white = false,
            _ => {}
        }
    }

    /// Paint the current path: keep its rulings, then clear it.
    fn paint(&mut self, stroke: bool, fill: bool) {
        let path = std::mem::take(&mut self.path);
        let stroke = stroke && !self.state.stroke_white;
        let fill = fill && !self.state.fill_white;
        for sub in &path {
            if stroke {
                let n = sub.points.len();
                let closing = if sub.closed && n > 2 {
                    n
                } else {
                    n.saturating_sub(1)
                };
                for i in 0..closing {
                    let (a, b) = (sub.points[i], sub.points[(i + 1) % n]);
                    self.keep(a, b);
                }
            }
            if fill && !sub.curved {
                if let Some((x0, y0, x1, y1)) = rectangle(&sub.points) {
                    let (w, h) = (x1 - x0, y1 - y0);
                    if h <= THIN && w >= MIN_LENGTH {
                        let y = (y0 + y1) / 2.0;
                        self.keep((x0, y), (x1, y));
                    } else if w <= THIN && h >= MIN_LENGTH {
                        let x = (x0 + x1) / 2.0;
                        self.keep((x, y0), (x, y1));
                    }
                }
            }
        }
    }

    fn keep(&mut self, a: (f64, f64), b: (f64, f64)) {
        let (dx, dy) = ((b.0 - a.0).abs(), (b.1 - a.1).abs());
        if !(a.0.is_finite() && a.1.is_finite() && b.0.is_finite() && b.1.is_finite()) {
            return;
        }
        let horizontal = dy <= SLANT && dx >= MIN_LENGTH;
        let vertical = dx <= SLANT && dy >= MIN_LENGTH;
        if horizontal {
            let y = (a.1 + b.1) / 2.0;
            self.segments.push(Segment {
                x0: a.0.min(b.0),
                y0: y,
                x1: a.0.max(b.0),
                y1: y,
            });
        } else if vertical {
            let x = (a.0 + b.0) / 2.0;
            self.segments.push(Segment {
                x0: x,
                y0: a.1.min(b.1),
                x1: x,
                y1: a.1.max(b.1),
            });
        }
    }
}

fn push_num(nums: &mut Vec<f64>, v: f64) {
    if nums.len() >= MAX_OPERANDS {
        nums.remove(0);
    }
    nums.push(v);
}

/// White in a colour space guessed from the operand count (gray, RGB, CMYK).
fn white_by_count(n: &[f64]) -> bool {
    match n.len() {
        1 => n[0] == 1.0,
        3 => n.iter().all(|v| *v == 1.0),
        4 => n.iter().all(|v| *v == 0.0),
        _ => false,
    }
}

/// The bounds of a subpath that is an axis-aligned rectangle (4 corners, or 5
/// with the first repeated).
fn rectangle(points: &[(f64, f64)]) -> Option<(f64, f64, f64, f64)> {
    let pts = match points.len() {
        4 => points,
        5 if close(points[0], points[4]) => &points[..4],
        _ => return None,
    };
    for i in 0..4 {
        let (a, b) = (pts[i], pts[(i + 1) % 4]);
        if (a.0 - b.0).abs() > SLANT && (a.1 - b.1).abs() > SLANT {
            return None;
        }
    }
    let xs = pts.iter().map(|p| p.0);
    let ys = pts.iter().map(|p| p.1);
    Some((
        xs.clone().fold(f64::INFINITY, f64::min),
        ys.clone().fold(f64::INFINITY, f64::min),
        xs.fold(f64::NEG_INFINITY, f64::max),
        ys.fold(f64::NEG_INFINITY, f64::max),
    ))
}

fn close(a: (f64, f64), b: (f64, f64)) -> bool {
    (a.0 - b.0).abs() <= SLANT && (a.1 - b.1).abs() <= SLANT
}

/// Skip a text object: from after `BT` past its `ET`, stepping over strings
/// (which may hold `ET`) without tokenizing the rest.
fn skip_text_object(lex: &mut Lexer) {
    let buf = lex.buf;
    let mut i = lex.pos;
    while let Some(n) = memchr::memchr3(b'(', b'E', b'%', &buf[i..]) {
        i += n;
        match buf[i] {
            b'(' => {
                let mut sub = Lexer::new(buf, i);
                sub.next_tok();
                i = sub.pos.max(i + 1);
            }
            b'%' => {
                while i < buf.len() && !matches!(buf[i], b'\n' | b'\r') {
                    i += 1;
                }
            }
            _ => {
                let before = i == 0 || is_white(buf[i - 1]) || is_delim(buf[i - 1]);
                let after = buf.get(i + 2).is_none_or(|&b| is_white(b) || is_delim(b));
                if before && buf.get(i + 1) == Some(&b'T') && after {
                    lex.pos = i + 2;
                    return;
                }
                i += 1;
            }
        }
    }
    lex.pos = buf.len();
}

/// Skip an inline image: from after `BI` past its `EI` (binary data between
/// `ID` and `EI` may hold any bytes).
fn skip_inline_image(lex: &mut Lexer) {
    loop {
        match lex.next_tok() {
            Tok::Eof => return,
            Tok::Keyword(b"ID") => break,
            _ => {}
        }
    }
    let buf = lex.buf;
    let mut i = lex.pos + 1;
    while i + 1 < buf.len() {
        if buf[i] == b'E'
            && buf[i + 1] == b'I'
            && is_white(buf[i - 1])
            && buf.get(i + 2).is_none_or(|&b| is_white(b))
        {
            lex.pos = i + 2;
            return;
        }
        i += 1;
    }
    lex.pos = buf.len();
}

#[cfg(test)]
mod tests {
    use super::*;

    fn segments(content: &str) -> Vec<Segment> {
        let file = format!(
            "1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n\
             2 0 obj << /Type /Pages /Kids [3 0 R] /MediaBox [0 0 600 800] >> endobj\n\
             3 0 obj << /Type /Page /Contents 4 0 R /Resources << /XObject << /F1 5 0 R /Im 6 0 R >> >> >> endobj\n\
             4 0 obj << /Length {} >> stream\n{content}\nendstream endobj\n\
             5 0 obj << /Type /XObject /Subtype /Form /Matrix [1 0 0 1 0 100] /Length 13 >> stream\n0 0 m 50 0 l S\nendstream endobj\n\
             trailer << /Root 1 0 R >>",
            content.len()
        );
        let mut pdf = Pdf::read(file.as_bytes(), 1 << 20).unwrap();
        let (contents, resources) = {
            let pages = pdf.pages();
            (
                pages[0]
                    .contents
                    .iter()
                    .map(|s| (*s).clone())
                    .collect::<Vec<_>>(),
                pages[0].resources.cloned(),
            )
        };
        page_segments(&mut pdf, &contents, resources.as_ref(), None).unwrap()
    }

    fn seg(x0: f64, y0: f64, x1: f64, y1: f64) -> Segment {
        Segment { x0, y0, x1, y1 }
    }

    #[test]
    fn strokes_rects_and_thin_fills() {
        let got = segments(
            "q 2 0 0 2 10 10 cm 0 0 m 10 0 l 10 10 l S Q \
             1 0 0 RG 0 0 20 30 re S \
             0 0 0 rg 100 100 50 0.5 re f \
             100 100 50 40 re f \
             1 g 200 200 50 0.5 re f 0 g \
             0 0 m 5 5 c 100 5 l S \
             BI /W 1 /H 1 ID \x00EI\x01 EI \
             [(a) 3 (b)] TJ /F1 Do \
             BT (ET 0 0 m 9 9 l S) Tj <4554> Tj % ET\n ET 0 300 m 40 300 l S",
        );
        assert_eq!(
            got,
            vec![
                seg(10.0, 10.0, 30.0, 10.0),
                seg(30.0, 10.0, 30.0, 30.0),
                seg(0.0, 0.0, 20.0, 0.0),
                seg(20.0, 0.0, 20.0, 30.0),
                seg(0.0, 30.0, 20.0, 30.0),
                seg(0.0, 0.0, 0.0, 30.0),
                seg(100.0, 100.25, 150.0, 100.25),
                seg(5.0, 5.0, 100.0, 5.0),
                seg(0.0, 100.0, 50.0, 100.0),
                seg(0.0, 300.0, 40.0, 300.0),
            ]
        );
    }

    #[test]
    fn garbage_never_panics() {
        for junk in [
            "Q Q Q cm re l m S",
            "q q q",
            "BI",
            "BI ID",
            "((((",
            "[[[[ ]",
            "/F1 Do /Im Do",
        ] {
            let _ = segments(junk);
        }
    }
}
