//! Inline SVG charts, written by hand: horizontal bars (stacked when there
//! are several series), a heatmap, columns with a line on a second axis, and
//! 100 % stacked columns.
//!
//! The page's four chart shapes need rectangles, lines, a polyline and text,
//! which is all this module draws; the browser lays the text out (CJK labels
//! included), so no font is read or shipped. Every string that comes from the
//! data goes through [`escape`]. Numbers are printed with one decimal at most,
//! so the same input gives the same bytes.

use std::fmt::Write as _;

/// Escape text for HTML and SVG, in element content and in quoted attributes.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            // Controls other than tab and newline are not allowed in XML text.
            c if c.is_control() && c != '\t' && c != '\n' => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

/// Colours (Okabe–Ito, safe for the common colour-vision deficiencies).
pub mod colour {
    /// Blue: plain counts.
    pub const BLUE: &str = "#0072b2";
    /// Vermillion: errors, denials, the granted-share line.
    pub const VERMILLION: &str = "#d55e00";
    /// Orange: warnings.
    pub const ORANGE: &str = "#e69f00";
    /// Bluish green: granted.
    pub const GREEN: &str = "#009e73";
    /// Sky blue.
    pub const SKY: &str = "#56b4e9";
    /// Reddish purple.
    pub const PURPLE: &str = "#cc79a7";
    /// Grey.
    pub const GREY: &str = "#999999";
}

/// Font size of labels, in pixels (the page's CSS uses the same).
const FONT: f64 = 12.0;
/// Width of every chart, in pixels (they scale down with the page).
pub const WIDTH: f64 = 880.0;

/// A rough width of `text` at `size` px: CJK characters are square, Latin
/// ones about 0.6 em. Used only to reserve room for labels.
pub fn text_width(text: &str, size: f64) -> f64 {
    text.chars()
        .map(|c| if c.is_ascii() { 0.6 } else { 1.0 })
        .sum::<f64>()
        * size
}

/// `text` cut to fit `width` px at `size` px, with an ellipsis when cut.
pub fn fit(text: &str, width: f64, size: f64) -> String {
    if text_width(text, size) <= width {
        return text.to_string();
    }
    let mut out = String::new();
    let mut used = size; // room for the ellipsis
    for c in text.chars() {
        used += if c.is_ascii() { 0.6 } else { 1.0 } * size;
        if used > width {
            break;
        }
        out.push(c);
    }
    out.push('…');
    out
}

/// Tick values from 0 to at least `max`: about `target` steps of 1, 2 or 5
/// × 10^k (at least 1 when `integer`).
pub fn ticks(max: f64, target: usize, integer: bool) -> Vec<f64> {
    let max = if max.is_finite() && max > 0.0 {
        max
    } else {
        1.0
    };
    let raw = max / target.max(1) as f64;
    let magnitude = 10f64.powf(raw.log10().floor());
    let mut step = [1.0, 2.0, 5.0, 10.0]
        .iter()
        .map(|m| m * magnitude)
        .find(|s| *s >= raw)
        .unwrap_or(10.0 * magnitude);
    if integer {
        step = step.max(1.0);
    }
    let n = (max / step).ceil().max(1.0) as usize;
    (0..=n).map(|i| i as f64 * step).collect()
}

/// A count with thousands separators (`12,345`); fractions keep one decimal.
pub fn number(v: f64) -> String {
    if v.fract().abs() > 1e-9 {
        return format!("{v:.1}");
    }
    let digits = format!("{}", v.abs() as u64);
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    if v < 0.0 {
        out.insert(0, '-');
    }
    out
}

/// A share 0–1 as a percentage with one decimal (`41.7%`).
pub fn percent(share: f64) -> String {
    format!("{:.1}%", share * 100.0)
}

/// Text anchoring.
#[derive(Debug, Clone, Copy)]
pub enum Anchor {
    /// Left-aligned.
    Start,
    /// Centred.
    Middle,
    /// Right-aligned.
    End,
}

impl Anchor {
    fn name(self) -> &'static str {
        match self {
            Anchor::Start => "start",
            Anchor::Middle => "middle",
            Anchor::End => "end",
        }
    }
}

/// An SVG document under construction. Coordinates are printed with one decimal.
pub struct Svg {
    out: String,
}

impl Svg {
    /// Start a `width` × `height` drawing titled `title` (its accessible name).
    pub fn new(width: f64, height: f64, title: &str) -> Svg {
        let mut out = String::new();
        let _ = write!(
            out,
            r#"<svg xmlns="http://www.w3.org/2000/svg" class="chart" width="{w:.0}" height="{h:.0}" viewBox="0 0 {w:.0} {h:.0}" role="img" aria-label="{t}"><title>{t}</title>"#,
            w = width,
            h = height,
            t = escape(title)
        );
        Svg { out }
    }

    /// A rectangle filled with `fill`, with a hover tip when `tip` is given.
    pub fn rect(&mut self, x: f64, y: f64, w: f64, h: f64, fill: &str, tip: Option<&str>) {
        let _ = write!(
            self.out,
            r#"<rect x="{x:.1}" y="{y:.1}" width="{:.1}" height="{:.1}" fill="{}""#,
            w.max(0.0),
            h.max(0.0),
            escape(fill)
        );
        self.close(tip, "rect");
    }

    /// An empty rectangle with a thin grey border (a heatmap cell without data).
    pub fn outline(&mut self, x: f64, y: f64, w: f64, h: f64) {
        let _ = write!(
            self.out,
            r#"<rect x="{x:.1}" y="{y:.1}" width="{:.1}" height="{:.1}" class="vacant"/>"#,
            w.max(0.0),
            h.max(0.0)
        );
    }

    /// A circle of class `class`.
    pub fn circle(&mut self, cx: f64, cy: f64, r: f64, class: &str, tip: Option<&str>) {
        let _ = write!(
            self.out,
            r#"<circle cx="{cx:.1}" cy="{cy:.1}" r="{r:.1}" class="{class}""#
        );
        self.close(tip, "circle");
    }

    fn close(&mut self, tip: Option<&str>, element: &str) {
        match tip {
            Some(tip) => {
                let _ = write!(self.out, "><title>{}</title></{element}>", escape(tip));
            }
            None => self.out.push_str("/>"),
        }
    }

    /// A line of class `class`.
    pub fn line(&mut self, x1: f64, y1: f64, x2: f64, y2: f64, class: &str) {
        let _ = write!(
            self.out,
            r#"<line x1="{x1:.1}" y1="{y1:.1}" x2="{x2:.1}" y2="{y2:.1}" class="{class}"/>"#
        );
    }

    /// An open polyline of class `class`.
    pub fn polyline(&mut self, points: &[(f64, f64)], class: &str) {
        if points.len() < 2 {
            return;
        }
        let pts: Vec<String> = points
            .iter()
            .map(|(x, y)| format!("{x:.1},{y:.1}"))
            .collect();
        let _ = write!(
            self.out,
            r#"<polyline points="{}" class="{class}"/>"#,
            pts.join(" ")
        );
    }

    /// Text of class `class` (escaped).
    pub fn text(&mut self, x: f64, y: f64, anchor: Anchor, class: &str, text: &str) {
        let _ = write!(
            self.out,
            r#"<text x="{x:.1}" y="{y:.1}" text-anchor="{}" class="{class}">{}</text>"#,
            anchor.name(),
            escape(text)
        );
    }

    /// Text with a fill colour (for labels on coloured cells).
    pub fn text_fill(&mut self, x: f64, y: f64, fill: &str, text: &str) {
        let _ = write!(
            self.out,
            r#"<text x="{x:.1}" y="{y:.1}" text-anchor="middle" class="cell" fill="{}">{}</text>"#,
            escape(fill),
            escape(text)
        );
    }

    /// Text rotated a quarter turn anticlockwise, centred on (x, y): a vertical axis title.
    pub fn vertical_text(&mut self, x: f64, y: f64, class: &str, text: &str) {
        let _ = write!(
            self.out,
            r#"<text transform="translate({x:.1},{y:.1}) rotate(-90)" text-anchor="middle" class="{class}">{}</text>"#,
            escape(text)
        );
    }

    /// Text that links to `href` (escaped), e.g. a bar label pointing into the page.
    pub fn link_text(&mut self, x: f64, y: f64, anchor: Anchor, href: &str, text: &str) {
        let _ = write!(self.out, r#"<a href="{}">"#, escape(href));
        self.text(x, y, anchor, "label link", text);
        self.out.push_str("</a>");
    }

    /// Close the document.
    pub fn finish(mut self) -> String {
        self.out.push_str("</svg>");
        self.out
    }
}

/// One series of a bar or column chart.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Series {
    /// Legend text.
    pub name: String,
    /// Fill colour.
    pub colour: &'static str,
}

/// A row of a horizontal bar chart.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct BarRow {
    /// The row's label (left of the bar).
    pub label: String,
    /// A link for the label (`#anchor`), if any.
    pub href: Option<String>,
    /// One value per series, stacked left to right.
    pub values: Vec<f64>,
    /// Text right of the bar (`12 in 3 reports`).
    pub note: String,
}

/// A horizontal bar chart: one row per label, series stacked.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Bars {
    /// Chart title (accessible name).
    pub title: String,
    /// What the bars measure (horizontal axis title).
    pub x_label: String,
    /// What the rows are (vertical axis title).
    pub y_label: String,
    /// Series; a legend is drawn when there are several.
    pub series: Vec<Series>,
    /// The rows, top to bottom.
    pub rows: Vec<BarRow>,
}

const ROW: f64 = 22.0;
const NOTE_WIDTH: f64 = 150.0;

/// Draw a horizontal bar chart.
pub fn bars(chart: &Bars) -> String {
    let label_width = chart
        .rows
        .iter()
        .map(|r| text_width(&r.label, FONT))
        .fold(60.0, f64::max)
        .min(300.0);
    let left = 24.0 + label_width + 8.0;
    let top = 8.0 + legend_height(&chart.series, left);
    let plot_w = WIDTH - left - NOTE_WIDTH;
    // Tall enough for the vertical axis title, however few the rows.
    let plot_h = (ROW * chart.rows.len() as f64).max(text_width(&chart.y_label, FONT) + 16.0);
    let height = top + plot_h + 44.0;
    let max = chart
        .rows
        .iter()
        .map(|r| r.values.iter().sum::<f64>())
        .fold(0.0, f64::max);
    let ticks = ticks(max, 5, true);
    let top_tick = *ticks.last().unwrap_or(&1.0);
    let x = |v: f64| left + v / top_tick * plot_w;

    let mut svg = Svg::new(WIDTH, height, &chart.title);
    legend_row(&mut svg, &chart.series, left, 14.0);
    for t in &ticks {
        svg.line(x(*t), top, x(*t), top + plot_h, "grid");
        svg.text(
            x(*t),
            top + plot_h + 14.0,
            Anchor::Middle,
            "tick",
            &number(*t),
        );
    }
    svg.line(left, top, left, top + plot_h, "axis");
    svg.line(left, top + plot_h, left + plot_w, top + plot_h, "axis");
    if chart.rows.is_empty() {
        svg.text(left + 8.0, top + 15.0, Anchor::Start, "empty", "none");
    }
    for (i, row) in chart.rows.iter().enumerate() {
        let y = top + i as f64 * ROW;
        let label = fit(&row.label, label_width, FONT);
        match &row.href {
            Some(href) => svg.link_text(left - 6.0, y + 15.0, Anchor::End, href, &label),
            None => svg.text(left - 6.0, y + 15.0, Anchor::End, "label", &label),
        }
        let mut at = 0.0;
        for (value, series) in row.values.iter().zip(&chart.series) {
            if *value > 0.0 {
                let tip = format!("{}: {} — {}", row.label, series.name, number(*value));
                svg.rect(
                    x(at),
                    y + 3.0,
                    x(at + value) - x(at),
                    ROW - 6.0,
                    series.colour,
                    Some(&tip),
                );
            }
            at += value;
        }
        svg.text(x(at) + 6.0, y + 15.0, Anchor::Start, "note", &row.note);
    }
    svg.text(
        left + plot_w / 2.0,
        height - 6.0,
        Anchor::Middle,
        "axis-title",
        &chart.x_label,
    );
    svg.vertical_text(12.0, top + plot_h / 2.0, "axis-title", &chart.y_label);
    svg.finish()
}

/// Where each legend entry goes: (x, line) with lines of at most `WIDTH - 10` px.
fn legend_layout(series: &[Series], left: f64) -> Vec<(f64, usize)> {
    let (mut x, mut line) = (left, 0);
    let mut out = Vec::new();
    for s in series {
        let w = 16.0 + text_width(&s.name, FONT) + 18.0;
        if x + w > WIDTH - 10.0 && x > left {
            x = left;
            line += 1;
        }
        out.push((x, line));
        x += w;
    }
    out
}

/// The height a legend takes (nothing for a single series).
fn legend_height(series: &[Series], left: f64) -> f64 {
    if series.len() < 2 {
        return 0.0;
    }
    let lines = legend_layout(series, left).last().map_or(0, |(_, l)| l + 1);
    lines as f64 * 18.0 + 6.0
}

/// Draw the legend of several series from `y` down (nothing for one series).
fn legend_row(svg: &mut Svg, series: &[Series], left: f64, y: f64) {
    if series.len() < 2 {
        return;
    }
    for (s, (x, line)) in series.iter().zip(legend_layout(series, left)) {
        let y = y + line as f64 * 18.0;
        svg.rect(x, y - 10.0, 12.0, 12.0, s.colour, None);
        svg.text(x + 16.0, y, Anchor::Start, "legend", &s.name);
    }
}

/// One heatmap cell.
#[derive(Debug, Clone, PartialEq)]
pub struct HeatCell {
    /// Text in the cell (a count).
    pub text: String,
    /// Colour position, 0–1.
    pub shade: f64,
    /// Hover tip.
    pub tip: String,
}

/// A heatmap: rows × columns of cells, empty where None.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Heatmap {
    /// Chart title.
    pub title: String,
    /// Column axis title.
    pub x_label: String,
    /// Row axis title.
    pub y_label: String,
    /// Row labels.
    pub rows: Vec<String>,
    /// Column labels.
    pub columns: Vec<String>,
    /// `cells[row][column]`.
    pub cells: Vec<Vec<Option<HeatCell>>>,
    /// Legend: what the colour means (`share complete`).
    pub scale_label: String,
}

/// The heatmap colour for `t` in 0–1: red (0) through light grey to blue (1)
/// (ColorBrewer RdBu), and the text colour readable on it.
pub fn diverging(t: f64) -> (String, &'static str) {
    const STOPS: [(f64, [f64; 3]); 3] = [
        (0.0, [178.0, 24.0, 43.0]),
        (0.5, [247.0, 247.0, 247.0]),
        (1.0, [33.0, 102.0, 172.0]),
    ];
    let t = if t.is_finite() {
        t.clamp(0.0, 1.0)
    } else {
        0.0
    };
    let (a, b) = if t <= 0.5 {
        (STOPS[0], STOPS[1])
    } else {
        (STOPS[1], STOPS[2])
    };
    let f = (t - a.0) / (b.0 - a.0);
    let c: Vec<u8> = (0..3)
        .map(|i| (a.1[i] + (b.1[i] - a.1[i]) * f).round() as u8)
        .collect();
    let text = if !(0.2..=0.8).contains(&t) {
        "#ffffff"
    } else {
        "#1a1a1a"
    };
    (format!("#{:02x}{:02x}{:02x}", c[0], c[1], c[2]), text)
}

/// Draw a heatmap.
pub fn heatmap(chart: &Heatmap) -> String {
    let label_width = chart
        .rows
        .iter()
        .map(|r| text_width(r, FONT))
        .fold(60.0, f64::max)
        .min(240.0);
    let left = 24.0 + label_width + 8.0;
    let top = 34.0;
    let cols = chart.columns.len().max(1) as f64;
    let cell_w = ((WIDTH - left - 10.0) / cols).clamp(18.0, 56.0);
    let plot_w = cell_w * cols;
    let plot_h = (ROW * chart.rows.len() as f64).max(text_width(&chart.y_label, FONT) + 16.0);
    let height = top + plot_h + 46.0;
    let width = WIDTH.max(left + plot_w + 10.0);

    let mut svg = Svg::new(width, height, &chart.title);
    // Legend: the colour scale in ten steps.
    svg.text(left, 14.0, Anchor::Start, "legend", &chart.scale_label);
    let lx = left + text_width(&chart.scale_label, FONT) + 10.0;
    svg.text(lx, 14.0, Anchor::Start, "legend", "0%");
    for i in 0..10 {
        let (fill, _) = diverging(i as f64 / 9.0);
        svg.rect(lx + 24.0 + i as f64 * 14.0, 4.0, 14.0, 12.0, &fill, None);
    }
    svg.text(lx + 24.0 + 146.0, 14.0, Anchor::Start, "legend", "100%");
    svg.outline(lx + 210.0, 4.0, 14.0, 12.0);
    svg.text(lx + 230.0, 14.0, Anchor::Start, "legend", "no reports");

    for (i, label) in chart.rows.iter().enumerate() {
        let y = top + i as f64 * ROW;
        svg.text(
            left - 6.0,
            y + 15.0,
            Anchor::End,
            "label",
            &fit(label, label_width, FONT),
        );
        for (j, cell) in chart.cells.get(i).into_iter().flatten().enumerate() {
            let x = left + j as f64 * cell_w;
            match cell {
                Some(cell) => {
                    let (fill, ink) = diverging(cell.shade);
                    svg.rect(
                        x + 1.0,
                        y + 1.0,
                        cell_w - 2.0,
                        ROW - 2.0,
                        &fill,
                        Some(&cell.tip),
                    );
                    svg.text_fill(x + cell_w / 2.0, y + 15.0, ink, &cell.text);
                }
                None => svg.outline(x + 1.0, y + 1.0, cell_w - 2.0, ROW - 2.0),
            }
        }
    }
    svg.line(left, top, left, top + plot_h, "axis");
    svg.line(left, top + plot_h, left + plot_w, top + plot_h, "axis");
    for (j, label) in chart.columns.iter().enumerate() {
        let x = left + (j as f64 + 0.5) * cell_w;
        svg.text(x, top + plot_h + 14.0, Anchor::Middle, "tick", label);
    }
    svg.text(
        left + plot_w / 2.0,
        height - 6.0,
        Anchor::Middle,
        "axis-title",
        &chart.x_label,
    );
    svg.vertical_text(12.0, top + plot_h / 2.0, "axis-title", &chart.y_label);
    svg.finish()
}

/// Columns on a left axis and a line (0–1) on a right axis, over shared x labels.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ColumnsLine {
    /// Chart title.
    pub title: String,
    /// Horizontal axis title.
    pub x_label: String,
    /// Left axis title (the columns).
    pub y_label: String,
    /// Right axis title (the line, in %).
    pub y2_label: String,
    /// The columns' series (legend).
    pub columns_series: Series,
    /// The line's series (legend).
    pub line_series: Series,
    /// x labels.
    pub x: Vec<String>,
    /// Column heights.
    pub columns: Vec<f64>,
    /// Line values 0–1 (None: no point).
    pub line: Vec<Option<f64>>,
    /// Hover tips, one per x.
    pub tips: Vec<String>,
}

const PLOT_H: f64 = 240.0;

/// Draw columns with a line on a second axis.
pub fn columns_line(chart: &ColumnsLine) -> String {
    let (left, right) = (80.0, 64.0);
    let legend = [chart.columns_series.clone(), chart.line_series.clone()];
    let top = 16.0 + legend_height(&legend, left);
    let plot_w = WIDTH - left - right;
    let height = top + PLOT_H + 46.0;
    let n = chart.x.len().max(1) as f64;
    let slot = plot_w / n;
    let max = chart.columns.iter().copied().fold(0.0, f64::max);
    let ticks = ticks(max, 5, true);
    let top_tick = *ticks.last().unwrap_or(&1.0);
    let y = |v: f64| top + PLOT_H - v / top_tick * PLOT_H;
    let y2 = |share: f64| top + PLOT_H - share.clamp(0.0, 1.0) * PLOT_H;

    let mut svg = Svg::new(WIDTH, height, &chart.title);
    legend_row(&mut svg, &legend, left, 14.0);
    for t in &ticks {
        svg.line(left, y(*t), left + plot_w, y(*t), "grid");
        svg.text(left - 6.0, y(*t) + 4.0, Anchor::End, "tick", &number(*t));
    }
    for share in [0.0, 0.25, 0.5, 0.75, 1.0] {
        svg.text(
            left + plot_w + 6.0,
            y2(share) + 4.0,
            Anchor::Start,
            "tick",
            &format!("{:.0}%", share * 100.0),
        );
    }
    svg.line(left, top, left, top + PLOT_H, "axis");
    svg.line(left + plot_w, top, left + plot_w, top + PLOT_H, "axis");
    svg.line(left, top + PLOT_H, left + plot_w, top + PLOT_H, "axis");
    if chart.x.is_empty() {
        svg.text(left + 8.0, top + 20.0, Anchor::Start, "empty", "none");
    }
    let mut points = Vec::new();
    for (i, label) in chart.x.iter().enumerate() {
        let cx = left + (i as f64 + 0.5) * slot;
        let v = chart.columns.get(i).copied().unwrap_or(0.0);
        let tip = chart.tips.get(i).map(String::as_str);
        let w = (slot * 0.6).min(48.0);
        svg.rect(
            cx - w / 2.0,
            y(v),
            w,
            top + PLOT_H - y(v),
            chart.columns_series.colour,
            tip,
        );
        svg.text(cx, top + PLOT_H + 14.0, Anchor::Middle, "tick", label);
        match chart.line.get(i).copied().flatten() {
            Some(share) => points.push((cx, y2(share))),
            None => {
                svg.polyline(&points, "line");
                points.clear();
            }
        }
    }
    svg.polyline(&points, "line");
    for (i, share) in chart.line.iter().enumerate() {
        if let Some(share) = share {
            let cx = left + (i as f64 + 0.5) * slot;
            let tip = format!(
                "{}: {} {}",
                chart.x.get(i).map(String::as_str).unwrap_or(""),
                chart.line_series.name,
                percent(*share)
            );
            svg.circle(cx, y2(*share), 3.5, "point", Some(&tip));
        }
    }
    svg.text(
        left + plot_w / 2.0,
        height - 6.0,
        Anchor::Middle,
        "axis-title",
        &chart.x_label,
    );
    svg.vertical_text(14.0, top + PLOT_H / 2.0, "axis-title", &chart.y_label);
    svg.vertical_text(
        WIDTH - 10.0,
        top + PLOT_H / 2.0,
        "axis-title",
        &chart.y2_label,
    );
    svg.finish()
}

/// Columns split into each series' share of the column (100 % stacked).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Stacked {
    /// Chart title.
    pub title: String,
    /// Horizontal axis title.
    pub x_label: String,
    /// Vertical axis title.
    pub y_label: String,
    /// Series, bottom to top.
    pub series: Vec<Series>,
    /// x labels.
    pub x: Vec<String>,
    /// `values[x][series]`: counts (drawn as shares of the column's sum).
    pub values: Vec<Vec<f64>>,
}

/// Draw 100 % stacked columns.
pub fn stacked(chart: &Stacked) -> String {
    let (left, right) = (64.0, 20.0);
    let top = 16.0 + legend_height(&chart.series, left);
    let plot_w = WIDTH - left - right;
    let height = top + PLOT_H + 46.0;
    let slot = plot_w / chart.x.len().max(1) as f64;
    let y = |share: f64| top + PLOT_H - share * PLOT_H;

    let mut svg = Svg::new(WIDTH, height, &chart.title);
    legend_row(&mut svg, &chart.series, left, 14.0);
    for share in [0.0, 0.25, 0.5, 0.75, 1.0] {
        svg.line(left, y(share), left + plot_w, y(share), "grid");
        svg.text(
            left - 6.0,
            y(share) + 4.0,
            Anchor::End,
            "tick",
            &format!("{:.0}%", share * 100.0),
        );
    }
    svg.line(left, top, left, top + PLOT_H, "axis");
    svg.line(left, top + PLOT_H, left + plot_w, top + PLOT_H, "axis");
    if chart.x.is_empty() {
        svg.text(left + 8.0, top + 20.0, Anchor::Start, "empty", "none");
    }
    for (i, label) in chart.x.iter().enumerate() {
        let cx = left + (i as f64 + 0.5) * slot;
        let w = (slot * 0.7).min(56.0);
        let values = chart.values.get(i).map(Vec::as_slice).unwrap_or(&[]);
        let total: f64 = values.iter().sum();
        let mut at = 0.0;
        if total > 0.0 {
            for (v, s) in values.iter().zip(&chart.series) {
                let share = v / total;
                if share > 0.0 {
                    let tip = format!("{label}: {} {} ({})", s.name, number(*v), percent(share));
                    svg.rect(
                        cx - w / 2.0,
                        y(at + share),
                        w,
                        y(at) - y(at + share),
                        s.colour,
                        Some(&tip),
                    );
                }
                at += share;
            }
        } else {
            svg.text(cx, y(0.0) - 6.0, Anchor::Middle, "empty", "–");
        }
        svg.text(cx, top + PLOT_H + 14.0, Anchor::Middle, "tick", label);
    }
    svg.text(
        left + plot_w / 2.0,
        height - 6.0,
        Anchor::Middle,
        "axis-title",
        &chart.x_label,
    );
    svg.vertical_text(14.0, top + PLOT_H / 2.0, "axis-title", &chart.y_label);
    svg.finish()
}
