//! The `pdf_layout` layout: what `pdftotext -layout` makes of a report PDF
//! (the 淮安/洪泽 fixtures). Text wrapped at the page width with spaces around
//! numbers (`2023 年`), page numbers (`-3-`) and a form feed at each page end,
//! centred titles; tables as space-aligned columns: values right-aligned under
//! their headers, multi-line headers, long labels wrapped at the cell width
//! with their values on the first, middle or last line, the labels of merged
//! cells (`三、本年度办理结果`, `（三）不予公开`) on lines of their own between
//! rows, letters spread out.

use super::doc::{width, Doc, GCell, Grid, Part, RowKind, TableKind};
use crate::rng::Rng;

/// Options of the layout (drawn per document).
#[derive(Debug, Clone)]
pub struct PdfLayoutOptions {
    /// Prose wrap width in display columns.
    pub wrap: usize,
    /// Lines per page.
    pub page_lines: usize,
    /// Width (in characters) at which table B's sub-row labels wrap.
    pub label_chars: usize,
    /// Where a wrapped label's values go: 0 first line, 1 a middle line, 2 after the label.
    pub value_line: u8,
    /// Header block style of tables B and C: 0 洪泽, 1 淮安, 2 one clean line.
    pub header_style: u8,
    /// How merged group labels are printed: 2 split in two, else on a line of their own
    /// (`三、本年度办理结果`: 0 letters spread on one line, else two letters per line).
    pub group_style: u8,
    /// Blank lines between table rows.
    pub blank_rows: bool,
    /// Spaces around numbers in running text.
    pub spaced_numbers: bool,
    /// Centre the title.
    pub centred_title: bool,
}

impl PdfLayoutOptions {
    /// Draw the options of one document.
    pub fn draw(rng: &mut Rng) -> Self {
        PdfLayoutOptions {
            wrap: rng.range(54, 64) as usize,
            page_lines: rng.range(36, 48) as usize,
            label_chars: rng.range(13, 19) as usize,
            value_line: rng.below(3) as u8,
            header_style: rng.below(3) as u8,
            group_style: rng.below(3) as u8,
            blank_rows: rng.chance(0.5),
            spaced_numbers: rng.chance(0.7),
            centred_title: rng.chance(0.8),
        }
    }
}

/// Text columns as `pdftotext -layout` counts them: one per character, CJK
/// included (it spaces fragments by their x position on a grid of one
/// character each: in 洪泽 2023, `规章` + 15 spaces puts a value under the
/// centre of `本年制发件数` at column 14). Display widths would misplace
/// values after labels of different CJK length.
fn cols(text: &str) -> usize {
    text.chars().count()
}

/// Put `text` at text column `col` (at least two spaces after what is there).
fn place(line: &mut String, col: usize, text: &str) {
    let w = cols(line);
    let pad = if w == 0 && col == 0 {
        0
    } else if w + 2 > col {
        2
    } else {
        col - w
    };
    line.push_str(&" ".repeat(pad));
    line.push_str(text);
}

/// Put `text` so that it ends at text column `end`.
fn place_right(line: &mut String, end: usize, text: &str) {
    let col = end.saturating_sub(cols(text));
    place(line, col, text);
}

/// Wrap text at `cols` display columns (characters are never split).
fn wrap(text: &str, cols: usize) -> Vec<String> {
    let mut lines = Vec::new();
    let mut cur = String::new();
    let mut w = 0;
    for c in text.chars() {
        let cw = super::doc::char_width(c);
        if w + cw > cols && !cur.is_empty() {
            lines.push(std::mem::take(&mut cur));
            w = 0;
        }
        cur.push(c);
        w += cw;
    }
    if !cur.is_empty() {
        lines.push(cur);
    }
    lines
}

/// Split a label into pieces of at most `chars` characters.
fn chunks(text: &str, chars: usize) -> Vec<String> {
    let cs: Vec<char> = text.chars().collect();
    cs.chunks(chars.max(1))
        .map(|c| c.iter().collect())
        .collect()
}

/// `2023年` → `2023 年`, `共21件` → `共 21 件`.
fn space_numbers(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 16);
    let mut prev_digit = false;
    let mut prev: Option<char> = None;
    for c in text.chars() {
        let digit = c.is_ascii_digit();
        if let Some(p) = prev {
            let boundary = (digit && !prev_digit && !p.is_ascii() && p != '（' && p != '《')
                || (!digit
                    && prev_digit
                    && !c.is_ascii()
                    && c != '）'
                    && c != '》'
                    && c != '，'
                    && c != '。');
            if boundary {
                out.push(' ');
            }
        }
        out.push(c);
        prev_digit = digit;
        prev = Some(c);
    }
    out
}

struct Cols {
    label: usize,
    value: usize,
}

fn value_text(cell: &GCell) -> String {
    cell.text("").trim().to_string()
}

fn table_a(rng: &mut Rng, grid: &Grid, opts: &PdfLayoutOptions, out: &mut Vec<String>) {
    let cols = Cols {
        label: rng.range(16, 22) as usize,
        value: rng.range(12, 16) as usize,
    };
    for row in &grid.rows {
        match row.kind {
            RowKind::Section => {
                let mut line = String::new();
                place(&mut line, rng.range(0, 14) as usize, &row.cells[0].text(""));
                out.push(line);
                out.push(String::new());
            }
            RowKind::Header => {
                let mut line = String::new();
                let mut slot = 0;
                for (i, cell) in row.cells.iter().enumerate() {
                    let text = cell.text("");
                    if i == 0 {
                        place(&mut line, rng.range(0, 7) as usize, &text);
                    } else {
                        place_right(&mut line, cols.label + (slot + 1) * cols.value, &text);
                    }
                    slot += if i == 0 { 0 } else { 1 };
                }
                out.push(line);
                out.push(String::new());
            }
            RowKind::Data => {
                let mut line = String::new();
                let mut slot = 0;
                for (i, cell) in row.cells.iter().enumerate() {
                    if i == 0 {
                        place(&mut line, 0, &cell.text(""));
                        continue;
                    }
                    let text = value_text(cell);
                    slot += 1;
                    if !text.is_empty() {
                        place_right(&mut line, cols.label + slot * cols.value, &text);
                    }
                }
                out.push(line);
                if opts.blank_rows {
                    out.push(String::new());
                }
            }
        }
    }
}

/// Header lines of table B, each piece centred over its value column (values
/// are right-aligned at `lb + (c + 1) * vw`), in one of three styles.
fn b_header(opts: &PdfLayoutOptions, lb: usize, vw: usize) -> Vec<String> {
    // Centre of value column c (values are 1–4 digits wide, right-aligned).
    let centre = |c: usize| lb + (c + 1) * vw - 2;
    let centred = |line: &mut String, mid: usize, text: &str| {
        place(line, mid.saturating_sub(cols(text) / 2), text);
    };
    let row = |pieces: &[(usize, &str)]| {
        let mut l = String::new();
        for (c, t) in pieces {
            centred(&mut l, centre(*c), t);
        }
        l
    };
    let mut over_all = String::new();
    centred(&mut over_all, (centre(0) + centre(6)) / 2, "申请人情况");
    let org_mid = (centre(1) + centre(5)) / 2;
    match opts.header_style {
        0 => {
            let mut org = String::new();
            centred(&mut org, org_mid, "法人或其他组织");
            vec![
                over_all,
                String::new(),
                org,
                "（本列数据的勾稽关系为：第一项加第二项之和， 等".into(),
                "于第三项加第四项之和）".into(),
                row(&[(0, "自然人"), (3, "社会"), (4, "法律"), (6, "总计")]),
                row(&[(1, "商业"), (2, "科研")]),
                row(&[(3, "公益"), (4, "服务"), (5, "其他")]),
                row(&[(1, "企业"), (2, "机构")]),
                row(&[(3, "组织"), (4, "机构")]),
                String::new(),
            ]
        }
        1 => {
            let mut corner = String::from("（本列数据的勾稽关系为：第一项加第二项之和，");
            centred(&mut corner, org_mid, "法人或其他组织");
            vec![
                over_all,
                String::new(),
                String::new(),
                corner,
                "等于第三项加第四项之和）".into(),
                row(&[(0, "自然人"), (6, "总计")]),
                row(&[(1, "商业企"), (2, "科研机"), (3, "社会公"), (4, "法律服")]),
                row(&[(5, "其他")]),
                row(&[(1, "业"), (2, "构"), (3, "益组织"), (4, "务机构")]),
                String::new(),
            ]
        }
        _ => vec![
            "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）".into(),
            over_all,
            b_applicants_line(lb, vw),
            String::new(),
        ],
    }
}

/// The seven applicant heads on one line, each centred over its column.
fn b_applicants_line(lb: usize, vw: usize) -> String {
    let mut line = String::new();
    let heads = [
        "自然人",
        "商业企业",
        "科研机构",
        "社会公益组织",
        "法律服务机构",
        "其他",
        "总计",
    ];
    for (c, head) in heads.iter().enumerate() {
        let mid = lb + (c + 1) * vw - 2;
        place(&mut line, mid.saturating_sub(cols(head) / 2), head);
    }
    line
}

/// Label indentation of a table B row: top rows at 0, (一)… at 6, sub-rows at 13+.
fn b_indent(label: &str) -> usize {
    if label.starts_with('（') {
        6
    } else if label.chars().next().is_some_and(|c| c.is_ascii_digit()) {
        15
    } else {
        0
    }
}

/// Returns the number of header lines written first and the one-line header
/// a continuation page repeats.
fn table_b(
    rng: &mut Rng,
    grid: &Grid,
    opts: &PdfLayoutOptions,
    out: &mut Vec<String>,
) -> (usize, String) {
    let lb = rng.range(46, 52) as usize;
    let vw = rng.range(6, 9) as usize;
    // Values and labels must not collide: width of the widest value + 2.
    let widest = grid
        .rows
        .iter()
        .flat_map(|r| r.cells.iter())
        .filter(|c| matches!(c, GCell::Value { .. }))
        .map(|c| cols(&value_text(c)))
        .max()
        .unwrap_or(1);
    let vw = vw.max(widest + 2);
    let header = b_header(opts, lb, vw);
    let header_lines = header.len();
    out.extend(header);
    let data: Vec<&super::doc::GRow> = grid
        .rows
        .iter()
        .filter(|r| r.kind == RowKind::Data)
        .collect();
    // Group labels (rowspan > 1) are printed between rows, near their middle.
    let mut pending_groups: Vec<(usize, String)> = Vec::new();
    for (r, row) in data.iter().enumerate() {
        for cell in &row.cells {
            if let GCell::Label { text, rowspan, .. } = cell {
                if *rowspan > 1 {
                    pending_groups.push((r + rowspan / 2, text.replace('\n', "")));
                }
            }
        }
    }
    for (r, row) in data.iter().enumerate() {
        // Group labels due before this row.
        for (_, text) in pending_groups.iter().filter(|(at, _)| *at == r) {
            let big = text.starts_with("三、");
            match (big, opts.group_style) {
                (true, 0) => {
                    let spread: String = text.chars().map(|c| format!("{c} ")).collect();
                    out.push(format!(" {}", spread.trim_end()));
                }
                (true, _) => {
                    for piece in chunks(text, 2) {
                        out.push(piece);
                        out.push(String::new());
                    }
                }
                (false, 2) => {
                    let half = text.chars().count().div_ceil(2);
                    let pieces = chunks(text, half);
                    let mut l = String::new();
                    place(&mut l, 5, &pieces[0]);
                    out.push(l);
                    if let Some(p) = pieces.get(1) {
                        let mut l = String::new();
                        place(&mut l, 5, p);
                        out.push(l);
                    }
                }
                (false, _) => {
                    let mut l = String::new();
                    place(&mut l, 5, text);
                    out.push(l);
                }
            }
        }
        let label = row
            .cells
            .iter()
            .filter_map(|c| match c {
                GCell::Label { text, rowspan, .. } if *rowspan == 1 => Some(text.replace('\n', "")),
                _ => None,
            })
            .next_back()
            .unwrap_or_default();
        let values: Vec<String> = row
            .cells
            .iter()
            .filter(|c| matches!(c, GCell::Value { .. }))
            .map(value_text)
            .collect();
        let indent = b_indent(&label);
        let room = (lb - indent).saturating_sub(2) / 2;
        let max_chars = if indent == 15 {
            opts.label_chars.min(room)
        } else {
            (opts.label_chars + 5).min(room)
        };
        let pieces = if label.chars().count() > max_chars {
            chunks(&label, max_chars)
        } else {
            vec![label.clone()]
        };
        let value_at = match (pieces.len(), opts.value_line) {
            (1, _) => 0,
            (_, 0) => 0,
            (n, 1) => n / 2,
            (n, _) => n,
        };
        let values_line = |line: &mut String| {
            for (c, v) in values.iter().enumerate() {
                if !v.is_empty() {
                    place_right(line, lb + (c + 1) * vw, v);
                }
            }
        };
        for (i, piece) in pieces.iter().enumerate() {
            let mut line = String::new();
            let piece_indent = if i == 0 {
                indent
            } else {
                indent + rng.range(0, 2) as usize
            };
            place(&mut line, piece_indent, piece);
            if i == value_at {
                values_line(&mut line);
            }
            out.push(line);
        }
        if value_at == pieces.len() {
            let mut line = String::new();
            values_line(&mut line);
            out.push(line);
        }
        if opts.blank_rows {
            out.push(String::new());
        }
    }
    (header_lines, b_applicants_line(lb, vw))
}

fn table_c(rng: &mut Rng, grid: &Grid, opts: &PdfLayoutOptions, out: &mut Vec<String>) {
    let values: Vec<String> = grid
        .rows
        .last()
        .map(|r| r.cells.iter().map(value_text).collect())
        .unwrap_or_default();
    let widest = values.iter().map(|v| cols(v)).max().unwrap_or(1);
    let cw = (rng.range(7, 9) as usize).max(widest + 2);
    let step = if opts.header_style == 0 {
        cw
    } else {
        cw.max(10)
    };
    // Group heads centred over their columns (values end at (i + 1) * step).
    let over = |line: &mut String, first: usize, last: usize, text: &str| {
        let mid = (first * step + (last + 1) * step) / 2;
        place(line, mid.saturating_sub(cols(text) / 2), text);
    };
    let mut l = String::new();
    over(&mut l, 0, 4, "行政复议");
    over(&mut l, 5, 14, "行政诉讼");
    out.push(l);
    out.push(String::new());
    let mut l = String::new();
    over(&mut l, 5, 9, "未经复议直接起诉");
    over(&mut l, 10, 14, "复议后起诉");
    out.push(l);
    out.push(String::new());
    if opts.header_style == 0 {
        // Two-line heads (结果/维持 …), each centred over its column (洪泽).
        let (mut top, mut bottom) = (String::new(), String::new());
        let heads = [
            ("结果", "维持"),
            ("结果", "纠正"),
            ("其他", "结果"),
            ("尚未", "审结"),
            ("总", "计"),
        ];
        for (i, (a, b)) in heads.iter().cycle().take(15).enumerate() {
            let mid = (i + 1) * step - 1;
            place(&mut top, mid.saturating_sub(cols(a) / 2), a);
            place(&mut bottom, mid.saturating_sub(cols(b) / 2), b);
        }
        out.push(top);
        out.push(bottom);
    } else {
        let heads = ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"];
        let mut l = String::new();
        for (i, h) in heads.iter().cycle().take(15).enumerate() {
            place_right(&mut l, (i + 1) * step, h);
        }
        out.push(l);
    }
    out.push(String::new());
    let mut l = String::new();
    let step = if opts.header_style == 0 {
        cw
    } else {
        cw.max(10)
    };
    for (i, v) in values.iter().enumerate() {
        if !v.is_empty() {
            place_right(&mut l, (i + 1) * step, v);
        }
    }
    out.push(l);
    out.push(String::new());
}

fn table_local(grid: &Grid, out: &mut Vec<String>) {
    for row in &grid.rows {
        let texts: Vec<String> = row.cells.iter().map(|c| c.text("")).collect();
        for (i, piece) in wrap(&texts[0], 44).iter().enumerate() {
            let mut l = String::new();
            place(&mut l, 0, piece);
            if i == 0 {
                place(&mut l, 48, &texts[1]);
                place_right(&mut l, 64, texts[2].trim());
            }
            out.push(l);
        }
    }
    out.push(String::new());
}

/// Render the layout.
pub fn render(rng: &mut Rng, doc: &Doc, opts: &PdfLayoutOptions) -> String {
    let mut lines: Vec<String> = Vec::new();
    let mut repeat: Option<RepeatedHeader> = None;
    let page_width = opts.wrap + 8;
    for part in &doc.parts {
        match part {
            Part::Title(title) => {
                for t in title {
                    let t = if opts.spaced_numbers {
                        space_numbers(t)
                    } else {
                        t.clone()
                    };
                    let indent = if opts.centred_title {
                        page_width.saturating_sub(width(&t)) / 2
                    } else {
                        0
                    };
                    lines.push(format!("{}{t}", " ".repeat(indent)));
                }
                lines.push(String::new());
            }
            Part::Preface(t) => lines.push(t.clone()),
            Part::Heading(t) | Part::SubHeading(t) => {
                let indent = rng.range(2, 5) as usize;
                lines.push(format!("{}{t}", " ".repeat(indent)));
            }
            Part::Para(t) => {
                let t = if opts.spaced_numbers {
                    space_numbers(t)
                } else {
                    t.clone()
                };
                let body = format!("   {t}");
                lines.extend(wrap(&body, opts.wrap));
            }
            Part::Table(grid) => match grid.kind {
                TableKind::Active => table_a(rng, grid, opts, &mut lines),
                TableKind::Applications => {
                    let start = lines.len();
                    let (header_lines, repeated) = table_b(rng, grid, opts, &mut lines);
                    // Blank cells leave no trace in the text; on a continuation
                    // page only a header shows the columns (pdftotext lays each
                    // page out on its own grid), so such tables repeat one, as
                    // Word's "repeat header rows" does.
                    if has_blank_values(grid) {
                        repeat = Some(RepeatedHeader {
                            header_at: start..start + header_lines,
                            rows: start + header_lines..lines.len(),
                            header: vec![repeated, String::new()],
                        });
                    }
                }
                TableKind::Review => table_c(rng, grid, opts, &mut lines),
                TableKind::Local => table_local(grid, &mut lines),
            },
            Part::Signature(sig) => {
                lines.push(String::new());
                for s in sig {
                    let t = if opts.spaced_numbers {
                        space_numbers(s)
                    } else {
                        s.clone()
                    };
                    let indent = page_width.saturating_sub(width(&t) + 4);
                    lines.push(format!("{}{t}", " ".repeat(indent)));
                }
            }
        }
    }
    paginate(&lines, opts, page_width, repeat.as_ref())
}

/// A table whose header is printed again at the top of each page it continues on.
struct RepeatedHeader {
    /// The table's own header lines (kept on one page: a table row does not
    /// break across pages).
    header_at: std::ops::Range<usize>,
    /// The table's body lines.
    rows: std::ops::Range<usize>,
    header: Vec<String>,
}

fn has_blank_values(grid: &Grid) -> bool {
    grid.rows
        .iter()
        .flat_map(|r| r.cells.iter())
        .any(|c| matches!(c, GCell::Value { .. }) && value_text(c).is_empty())
}

/// Cut the lines into pages: a centred `-N-` and a form feed at each page end.
fn paginate(
    lines: &[String],
    opts: &PdfLayoutOptions,
    page_width: usize,
    repeat: Option<&RepeatedHeader>,
) -> String {
    let mut out = String::with_capacity(lines.iter().map(|l| l.len() + 1).sum::<usize>() + 256);
    let mut page = 1;
    let mut on_page = 0;
    let footer = |page: usize| {
        let num = format!("-{page}-");
        format!("\n{}{num}\n", " ".repeat(page_width / 2))
    };
    for (i, line) in lines.iter().enumerate() {
        let header_would_break = repeat.is_some_and(|r| {
            r.header_at.start == i && on_page > 0 && on_page + r.header_at.len() > opts.page_lines
        });
        if on_page == opts.page_lines || header_would_break {
            out.push_str(&footer(page));
            out.push('\x0c');
            page += 1;
            on_page = 0;
            if let Some(r) = repeat.filter(|r| r.rows.contains(&i)) {
                for h in &r.header {
                    out.push_str(h);
                    out.push('\n');
                    on_page += 1;
                }
            }
        }
        out.push_str(line);
        out.push('\n');
        on_page += 1;
    }
    out.push_str(&footer(page));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placing_keeps_two_spaces() {
        let mut l = String::new();
        place(&mut l, 0, "行政规范性文件");
        place_right(&mut l, 10, "12");
        assert_eq!(l, "行政规范性文件  12");
        let mut l = String::from("规章");
        place_right(&mut l, 20, "0");
        assert_eq!(cols(&l), 20);
    }

    #[test]
    fn numbers_get_spaces() {
        assert_eq!(space_numbers("2023年共收到21件。"), "2023 年共收到 21 件。");
        assert_eq!(space_numbers("（2023）"), "（2023）");
    }

    #[test]
    fn wrapping() {
        assert_eq!(wrap("一二三四五", 4), vec!["一二", "三四", "五"]);
        assert_eq!(chunks("一二三四五", 2), vec!["一二", "三四", "五"]);
    }
}
