//! The `crawled` layout: a government page as web crawlers save it — the text
//! of the page, not its HTML (the six 平潭综合实验区 pages of 2019–2025 in
//! `shared/realworld/crawled`).
//!
//! ```text
//! 标题: 平潭综合实验区海坛片区管理局 2022年度政府信息公开工作年度报告
//! 发布时间: 2023-01-09 14:46
//! 文号:
//! 发布机构:                          (empty, or the issuer)
//! 栏目: 政府信息公开年报
//! 原文链接: https://www.….gov.cn/zwgk/zfxxgk/…/zfxxgknb/202301/t20230109_80619.htm
//! 本地目录: zwgk/zfxxgk/…/zfxxgknb/202301/80619_<the title as above>
//! 页面链接与图片详见 links.tsv(同目录)
//! ==================== 正文 ====================
//! <the whole article on one line, without a final newline>
//! ```
//!
//! The article line: page furniture around it on some pages (`当前位置：…`,
//! the page title, `来源： 时间：… --> 微信 微博 QQ空间 全真版 文字版 文件下载
//! 相关链接：`, a final `附件下载`), the title repeated in the body or not,
//! headings and paragraphs run together or one space apart. The tables are
//! flowed into the line: section and header words, row labels and number
//! cells one after the other, cells one space apart ([`Joining::Spaced`]),
//! run together ([`Joining::Fused`]: `本年新收政府信息公开申请数量640020470`),
//! or fused rows and then spaced rows with a few cells fused
//! ([`Joining::Mixed`]: `3 0 0 0 0 03`); a row's label follows the previous
//! row's digits directly (`00000002.其他法律行政法规禁止公开`). Only digits run
//! together: a cell that is not plain digits (a placeholder `无`, `-11`,
//! `3852万元`) stands apart as a group of its own, and no cell is blank (a
//! blank leaves no trace in a flowed row; see [`tame`]).
//!
//! Digits that run together may split several ways. [`read_table`] is the
//! generator's own reading of the rules the parser applies to flowed rows
//! (nothing of `src/parse` is used):
//!
//! 1. a row's value text is a sequence of whitespace-separated groups; a
//!    reading splits each group into ≥ 1 cells (`0`, or digits without a
//!    leading zero; a group that is not digits is one cell) so that the row has
//!    its width (table A: the item's measures; B: 7; C: one row of 15);
//! 2. a row with exactly one reading is read so; for the other rows, the
//!    table's readings are checked against its identities (B: each row's 总计 =
//!    the sum of the first six; per column new + carried_over = total +
//!    carried_forward and total = the sum of the outcome rows; C: per
//!    proceeding total = the sum of the four outcomes; A has none);
//! 3. a row's cells are read when every consistent reading of the table gives
//!    them the same values (`cells_segmented`), otherwise they are `missing`
//!    (`cells_ambiguous`) — also when no reading of the table is consistent.
//!
//! [`Crawled::apply`] writes the outcome into the truth. A table whose
//! readings are too many to enumerate, or whose identities (broken by the
//! report itself) single out a reading other than the printed one, is printed
//! spaced instead.

use super::cells::NumberStyle;
use super::doc::{Doc, GCell, Grid, Part, RowKind, TableKind};
use crate::rng::Rng;
use crate::truth::{Expect, Truth};

/// How the number cells of one table run together.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Joining {
    /// One space between cells, labels and header words (财政金融局 2020).
    Spaced,
    /// No separator between cells (most pages).
    Fused,
    /// Fused rows, then from some row on spaced rows with a few cells fused
    /// (管委会办公室 2019).
    Mixed,
}

impl Joining {
    /// The name in the truth's features.
    pub fn name(self) -> &'static str {
        match self {
            Joining::Spaced => "spaced",
            Joining::Fused => "fused",
            Joining::Mixed => "mixed",
        }
    }
}

/// The space between a row's label and its first cell.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LabelGap {
    /// `一、本年新收政府信息公开申请数量4000004`.
    None,
    /// `一、本年新收政府信息公开申请数量 110000011` (金井片区 2025).
    Space,
    /// Either, row by row.
    Either,
}

/// The values of the crawler's header lines.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Header {
    /// `标题:` the page title (sometimes with a space before the year).
    pub title: String,
    /// `发布时间:` `2022-01-14 17:29`.
    pub published: String,
    /// `发布机构:` empty or the issuer.
    pub issuer: String,
    /// `原文链接:` the page's address.
    pub url: String,
    /// `本地目录:` where the crawler stored it.
    pub local_dir: String,
}

/// A page's habits, drawn per report.
#[derive(Debug, Clone)]
pub struct CrawledOptions {
    /// The header lines.
    pub header: Header,
    /// The breadcrumb before the page title (`当前位置：首页 > …`), if kept.
    pub breadcrumb: Option<String>,
    /// The toolbar after the page title (`来源： 时间：… --> 微信 微博 …`); a
    /// page with it also ends in `附件下载`.
    pub toolbar: Option<String>,
    /// The title as the article repeats it, if it does.
    pub body_title: Option<String>,
    /// Between headings and paragraphs: `""` or `" "`.
    pub prose_sep: &'static str,
    /// Between the lines of the signature: `""` or `" "`.
    pub signature_sep: &'static str,
    /// Joining of tables A (and an old local table), B and C.
    pub joining: [Joining; 3],
    /// Section and header words one space apart in tables that are not spaced anyway.
    pub spaced_headers: bool,
    /// The space between a row's label and its cells (in tables that are not spaced).
    pub label_gap: LabelGap,
}

/// Columns of a site's information-disclosure tree (`zwgk/zfxxgk/<column>/zfxxgknb`).
const COLUMNS: &[&str] = &[
    "bmxxgk",
    "xzxxgk",
    "dfbmptlj/bm",
    "zfxxgkml/bmxxgk",
    "fdzdgknr/bmxxgk",
];

/// Department codes in a column path.
const DEPARTMENTS: &[&str] = &[
    "bgs", "czj", "gaj", "jyj", "tjj", "sthjj", "zjj", "wjw", "xzspj", "rsj", "mzj", "sfj", "jtj",
    "slj", "scjgj", "yjglj", "fgw", "zf",
];

impl CrawledOptions {
    /// Draw a page for a report: its title lines, issuing agency, site name
    /// (pinyin, empty for a central body) and covered year.
    pub fn draw(rng: &mut Rng, title: &[String], agency: &str, site: &str, year: i32) -> Self {
        use Joining::*;
        let style = rng.weighted(&[(Fused, 5), (Mixed, 2), (Spaced, 3)]);
        let joining = match style {
            Mixed => [
                rng.weighted(&[(Fused, 3), (Mixed, 1), (Spaced, 1)]),
                Mixed,
                rng.weighted(&[(Fused, 2), (Spaced, 1)]),
            ],
            s => [s, s, s],
        };
        let published = format!(
            "{}-{:02}-{:02} {:02}:{:02}",
            year + 1,
            rng.range(1, 3),
            rng.range(1, 28),
            rng.range(8, 18),
            rng.range(0, 59)
        );
        let joined = title.concat();
        let header_title = if title.len() > 1 {
            title.join(if rng.chance(0.7) { " " } else { "" })
        } else if rng.chance(0.2) && !joined.starts_with(&year.to_string()) {
            // 海坛片区 2022: `…管理局 2022年度…`.
            joined.replacen(&year.to_string(), &format!(" {year}"), 1)
        } else {
            joined.clone()
        };
        let id = rng.range(10_000, 120_000);
        let dir = format!(
            "zwgk/zfxxgk/{}/{}/zfxxgknb/{}",
            rng.pick(COLUMNS),
            rng.pick(DEPARTMENTS),
            published[..7].replace('-', "")
        );
        let host = if site.is_empty() {
            "www.gov.cn".to_string()
        } else {
            format!("www.{site}.gov.cn")
        };
        let header = Header {
            url: format!(
                "https://{host}/{dir}/t{}_{id}.htm",
                published[..10].replace('-', "")
            ),
            local_dir: format!("{dir}/{id}_{header_title}"),
            title: header_title,
            issuer: if rng.chance(0.35) {
                agency.to_string()
            } else {
                String::new()
            },
            published,
        };
        let toolbar = rng.chance(0.4).then(|| {
            let source = if rng.chance(0.3) { agency } else { "" };
            format!(
                "来源：{source} 时间：{} --> 微信 微博 QQ空间 全真版 文字版 文件下载 相关链接：",
                header.published
            )
        });
        let breadcrumb = (toolbar.is_some() && rng.chance(0.5)).then(|| {
            let sep = *rng.pick(&[" > ", "", " "]);
            let space = *rng.pick(&["", " "]);
            [
                "首页",
                "政务公开",
                "政府信息公开",
                agency,
                "政府信息公开年报",
            ]
            .join(sep)
            .replacen("首页", &format!("当前位置：{space}首页"), 1)
        });
        let body_title = rng
            .chance(if toolbar.is_some() { 0.5 } else { 0.6 })
            .then(|| {
                if rng.chance(0.3) && !joined.contains(" 政府信息公开") {
                    // 财政金融局 2020: `…2020年度 政府信息公开工作年度报告`.
                    joined.replacen("政府信息公开", " 政府信息公开", 1)
                } else {
                    joined.clone()
                }
            });
        let spaced = style == Spaced;
        CrawledOptions {
            header,
            breadcrumb,
            toolbar,
            body_title,
            prose_sep: if rng.chance(if spaced { 0.8 } else { 0.25 }) {
                " "
            } else {
                ""
            },
            signature_sep: if rng.chance(0.5) { " " } else { "" },
            joining,
            spaced_headers: rng.chance(0.25),
            label_gap: match style {
                Mixed => LabelGap::Either,
                _ => rng.weighted(&[
                    (LabelGap::None, 6),
                    (LabelGap::Space, 2),
                    (LabelGap::Either, 2),
                ]),
            },
        }
    }
}

/// The number forms of a crawled page: digits only run together, so no
/// blanks, stray spaces, full-width digits, thousands separators or counting
/// units. Placeholders and signed or unit-bearing cells stay: they are printed
/// apart. The placeholders are `无` and `/` (a dash `—` in a line of running
/// text is no cell a reader can count on; it becomes `/`).
pub fn tame(style: &mut NumberStyle) {
    if style.zero_word == Some("—") {
        style.zero_word = Some("/");
    }
    style.zero_blank = false;
    style.fullwidth = 0.0;
    style.stray_space = 0.0;
    style.thousands = false;
    style.count_unit = 0.0;
}

/// The item (table A) or row (table B) codes of the printed tables' data rows, in
/// printed order.
#[derive(Debug, Clone, Default)]
pub struct RowCodes {
    /// Table A's items.
    pub active: Vec<&'static str>,
    /// Table B's rows.
    pub applications: Vec<&'static str>,
}

/// What the rules make of one row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reading {
    /// The row has exactly one reading (these cells).
    Unique(Vec<String>),
    /// Several readings, the table's identities leave one (`cells_segmented`).
    Segmented(Vec<String>),
    /// Undetermined: the row's cells are `missing` (`cells_ambiguous`).
    Ambiguous,
}

/// One printed data row of table A, B or C and how the rules read it.
#[derive(Debug, Clone, PartialEq)]
pub struct RowRead {
    /// Which table.
    pub table: TableKind,
    /// The item (A) or row (B) code; empty for table C's one row.
    pub code: &'static str,
    /// The reading.
    pub reading: Reading,
}

/// A rendered page.
#[derive(Debug, Clone)]
pub struct Crawled {
    /// The file's text.
    pub text: String,
    /// Every data row of tables A, B and C in printed order, with its reading.
    pub rows: Vec<RowRead>,
    /// Rows printed spaced instead of as drawn (undetermined ones, or a whole
    /// table's that could not be read by enumeration).
    pub respaced: usize,
}

impl Crawled {
    /// Rows read through the identities.
    pub fn segmented(&self) -> usize {
        self.count(|r| matches!(r, Reading::Segmented(_)))
    }

    /// Rows left undetermined.
    pub fn ambiguous(&self) -> usize {
        self.count(|r| *r == Reading::Ambiguous)
    }

    fn count(&self, f: impl Fn(&Reading) -> bool) -> usize {
        self.rows.iter().filter(|r| f(&r.reading)).count()
    }

    /// Write what the rules read into the truth: the cells of undetermined rows
    /// become `missing`, an unknown-unit finding of such a row goes, the
    /// identity findings are computed again (a missing cell skips its
    /// identities) and the report is `partial`. `b_rows`: table B's rows.
    pub fn apply(&self, truth: &mut Truth, b_rows: &[&str]) {
        const IDENTITIES: [&str; 4] = [
            "B.column_balance",
            "B.row_total",
            "B.outcome_total",
            "C.total",
        ];
        if self.ambiguous() == 0 {
            return;
        }
        for row in self.rows.iter().filter(|r| r.reading == Reading::Ambiguous) {
            match row.table {
                TableKind::Active => {
                    if let Some(measures) = truth.active.get_mut(row.code) {
                        measures.values_mut().for_each(|e| *e = Expect::missing());
                    }
                    let subject = format!("active_disclosure:{}.", row.code);
                    truth
                        .findings
                        .retain(|f| !(f.rule == "unit_unknown" && f.subject.starts_with(&subject)));
                }
                TableKind::Applications => {
                    truth
                        .applications
                        .insert(row.code.to_string(), vec![Expect::missing(); 7]);
                }
                TableKind::Review => {
                    for cells in truth.review.values_mut() {
                        cells.fill(Expect::missing());
                    }
                }
                TableKind::Local => {}
            }
        }
        truth
            .findings
            .retain(|f| !IDENTITIES.contains(&f.rule.as_str()));
        truth.add_identity_findings(b_rows);
        truth.status = "partial".into();
    }

    /// Features for the truth file: the joinings and what the rules made of the rows.
    pub fn features(&self, opts: &CrawledOptions) -> Vec<String> {
        let mut out: Vec<String> = ["a", "b", "c"]
            .iter()
            .zip(opts.joining)
            .map(|(t, j)| format!("crawled_{t}:{}", j.name()))
            .collect();
        for (on, name) in [
            (opts.toolbar.is_some(), "crawled_toolbar"),
            (opts.body_title.is_none(), "crawled_no_body_title"),
            (self.segmented() > 0, "crawled_segmented"),
            (self.ambiguous() > 0, "crawled_ambiguous"),
            (self.respaced > 0, "crawled_respaced"),
        ] {
            if on {
                out.push(name.into());
            }
        }
        out
    }
}

/// Text built from pieces with separators; the next separator can be forced.
#[derive(Default)]
struct Line {
    text: String,
    next: Option<&'static str>,
}

impl Line {
    /// Append `piece` after `sep` (or the forced separator; none at the start).
    fn push(&mut self, sep: &str, piece: &str) {
        if piece.is_empty() {
            return;
        }
        if !self.text.is_empty() {
            self.text.push_str(self.next.unwrap_or(sep));
        }
        self.next = None;
        self.text.push_str(piece);
    }
}

/// Render the page.
pub fn render(rng: &mut Rng, doc: &Doc, opts: &CrawledOptions, codes: &RowCodes) -> Crawled {
    let h = &opts.header;
    let header = [
        format!("标题: {}", h.title),
        format!("发布时间: {}", h.published),
        "文号: ".to_string(),
        format!("发布机构: {}", h.issuer),
        "栏目: 政府信息公开年报".to_string(),
        format!("原文链接: {}", h.url),
        format!("本地目录: {}", h.local_dir),
        "页面链接与图片详见 links.tsv(同目录)".to_string(),
        "==================== 正文 ====================".to_string(),
    ];
    let mut line = Line::default();
    let mut rows = Vec::new();
    let mut respaced = 0;
    if let Some(toolbar) = &opts.toolbar {
        let title = doc.parts.iter().find_map(|p| match p {
            Part::Title(lines) => Some(lines.concat()),
            _ => None,
        });
        line.push(" ", opts.breadcrumb.as_deref().unwrap_or(""));
        line.push(" ", title.as_deref().unwrap_or(""));
        line.push(" ", toolbar);
        line.next = Some(" ");
    }
    for part in &doc.parts {
        match part {
            Part::Title(_) => {
                if let Some(title) = &opts.body_title {
                    line.push(" ", title);
                    line.next = Some(" ");
                }
            }
            Part::Preface(t) | Part::Heading(t) | Part::SubHeading(t) | Part::Para(t) => {
                line.push(opts.prose_sep, t)
            }
            Part::Signature(lines) => line.push(" ", &lines.join(opts.signature_sep)),
            Part::Table(grid) => {
                let flowed = table(rng, grid, opts, codes);
                line.push(opts.prose_sep, &flowed.text);
                if flowed.apart_after {
                    line.next = Some(" ");
                }
                respaced += flowed.respaced;
                rows.extend(flowed.rows);
            }
        }
    }
    if opts.toolbar.is_some() {
        line.push(" ", "附件下载");
    }
    Crawled {
        text: format!("{}\n{}", header.join("\n"), line.text),
        rows,
        respaced,
    }
}

/// One data row as flowed: its value text and the cells it was printed from.
#[derive(Debug, Clone, PartialEq)]
pub struct PrintedRow {
    /// The value text (cells with the separators drawn).
    pub values: String,
    /// The printed cells.
    pub cells: Vec<String>,
}

/// A table flowed into the line.
struct Flowed {
    text: String,
    rows: Vec<PrintedRow>,
    /// It ends in a cell that is not digits: the next text keeps a space away.
    apart_after: bool,
}

/// A table of the page with the readings of its rows.
struct PageTable {
    text: String,
    rows: Vec<RowRead>,
    apart_after: bool,
    /// Rows printed spaced instead of as drawn.
    respaced: usize,
}

/// Share of tables that keep their undetermined rows; the others print those
/// rows spaced (real flowed tables are mostly determinable: small numbers,
/// many zeros).
const KEEP_UNDETERMINED: f64 = 0.25;

/// Flow a table and read it. Undetermined rows are printed spaced (unless
/// the table keeps them), one round at a time, the other rows as drawn; the
/// whole table is printed spaced when its readings are too many to enumerate
/// or the identities would read a row otherwise than printed.
fn table(rng: &mut Rng, grid: &Grid, opts: &CrawledOptions, codes: &RowCodes) -> PageTable {
    let (slot, row_codes) = match grid.kind {
        TableKind::Active | TableKind::Local => (0, &codes.active[..]),
        TableKind::Applications => (1, &codes.applications[..]),
        TableKind::Review => (2, &[][..]),
    };
    let read = |flowed: &Flowed| -> Option<Vec<Reading>> {
        if grid.kind == TableKind::Local {
            return Some(Vec::new());
        }
        let rows: Vec<(&str, usize)> = flowed
            .rows
            .iter()
            .map(|r| (r.values.as_str(), r.cells.len()))
            .collect();
        let readings = read_table(grid.kind, &rows, &codes.applications)?;
        let faithful = readings.iter().zip(&flowed.rows).all(|(r, p)| match r {
            Reading::Unique(cells) | Reading::Segmented(cells) => *cells == p.cells,
            Reading::Ambiguous => true,
        });
        faithful.then_some(readings)
    };
    let keep_undetermined = rng.chance(KEEP_UNDETERMINED);
    let data_rows = grid.rows.iter().filter(|r| r.kind == RowKind::Data).count();
    let mut spaced = vec![false; data_rows];
    // Every round draws from the same stream, so re-spaced rows change nothing else.
    let start = rng.clone();
    let (flowed, readings) = loop {
        *rng = start.clone();
        let flowed = flow(rng, grid, opts.joining[slot], opts, &spaced);
        let Some(readings) = read(&flowed) else {
            spaced.fill(true);
            let flowed = flow(rng, grid, Joining::Spaced, opts, &spaced);
            let readings = read(&flowed).expect("spaced cells read one way");
            break (flowed, readings);
        };
        let open: Vec<usize> = (0..readings.len())
            .filter(|&i| readings[i] == Reading::Ambiguous)
            .collect();
        if open.is_empty() || keep_undetermined {
            break (flowed, readings);
        }
        for i in open {
            spaced[i] = true;
        }
    };
    let rows = readings
        .into_iter()
        .enumerate()
        .map(|(i, reading)| RowRead {
            table: grid.kind,
            code: row_codes.get(i).copied().unwrap_or(""),
            reading,
        })
        .collect();
    PageTable {
        text: flowed.text,
        rows,
        apart_after: flowed.apart_after,
        respaced: spaced.iter().filter(|s| **s).count(),
    }
}

/// Whether a cell is plain digits (the only cells that run together).
fn plain(cell: &str) -> bool {
    !cell.is_empty() && cell.bytes().all(|b| b.is_ascii_digit())
}

/// Flow a table: section and header words, then each row's labels and cells;
/// the data rows marked in `spaced_rows` keep their cells one space apart.
fn flow(
    rng: &mut Rng,
    grid: &Grid,
    joining: Joining,
    opts: &CrawledOptions,
    spaced_rows: &[bool],
) -> Flowed {
    let spaced = joining == Joining::Spaced;
    let words_sep = if spaced || opts.spaced_headers {
        " "
    } else {
        ""
    };
    let row_sep = if spaced { " " } else { "" };
    let data_rows = grid.rows.iter().filter(|r| r.kind == RowKind::Data).count();
    // Mixed: rows before `switch` are fused, later ones spaced with a few cells fused.
    let switch = match joining {
        Joining::Mixed => rng.range(0, data_rows as i64) as usize,
        _ => 0,
    };
    let mut line = Line::default();
    let mut rows = Vec::new();
    let mut after_words = false;
    for row in &grid.rows {
        let printed: Vec<&GCell> = row.cells.iter().filter(|c| !c.is_cont()).collect();
        if row.kind != RowKind::Data {
            let words: Vec<String> = printed.iter().map(|c| c.text(words_sep)).collect();
            let sep = if after_words { words_sep } else { row_sep };
            line.push(sep, &words.join(words_sep));
            after_words = true;
            continue;
        }
        let fuse = match joining {
            Joining::Spaced => 0.0,
            Joining::Fused => 1.0,
            Joining::Mixed if rows.len() < switch => 1.0,
            Joining::Mixed => 0.15,
        };
        let mut gap = match (spaced, opts.label_gap) {
            (true, _) | (_, LabelGap::Space) => " ",
            (_, LabelGap::None) => "",
            (_, LabelGap::Either) => *rng.pick(&["", " "]),
        };
        let labels: Vec<String> = printed
            .iter()
            .filter(|c| matches!(c, GCell::Label { .. }))
            .map(|c| c.text(""))
            .collect();
        let cells: Vec<String> = printed
            .iter()
            .filter(|c| matches!(c, GCell::Value { .. }))
            .map(|c| c.text("").trim().to_string())
            .collect();
        debug_assert!(
            cells.iter().all(|c| !c.is_empty()),
            "blank cell in {cells:?}"
        );
        let mut values = String::new();
        for (i, cell) in cells.iter().enumerate() {
            // (Drawn for a re-spaced row too, so the other rows keep their draws.)
            let drawn = fuse > 0.0 && (fuse >= 1.0 || rng.chance(fuse));
            let fused = drawn
                && i > 0
                && plain(cell)
                && plain(&cells[i - 1])
                && !spaced_rows.get(rows.len()).copied().unwrap_or(false);
            if i > 0 && !fused {
                values.push(' ');
            }
            values.push_str(cell);
        }
        // A cell that is not digits never touches a label.
        if cells.first().is_some_and(|c| !plain(c)) {
            gap = " ";
        }
        let mut text = labels.join(gap);
        if !text.is_empty() {
            text.push_str(gap);
        }
        text.push_str(&values);
        line.push(if after_words { words_sep } else { row_sep }, &text);
        after_words = false;
        if cells.last().is_some_and(|c| !plain(c)) {
            line.next = Some(" ");
        }
        rows.push(PrintedRow { values, cells });
    }
    Flowed {
        apart_after: line.next.is_some(),
        text: line.text,
        rows,
    }
}

// ---------------------------------------------------------------------------
// Reading flowed rows by the rules (the module doc's 1–3).

/// Readings one row may have before the enumeration gives up.
const ROW_LIMIT: usize = 5_000;
/// Combinations of a table B's undetermined rows that are tried at most.
const COMBINATION_LIMIT: usize = 20_000;

/// How many cells a group can give at most.
fn capacity(group: &str) -> usize {
    if plain(group) {
        group.len()
    } else {
        1
    }
}

/// A cell's value in an identity (a cell that is not digits is a placeholder:
/// blank counts as 0); `None` past `i128`.
fn value(cell: &str) -> Option<i128> {
    if plain(cell) {
        cell.parse().ok()
    } else {
        Some(0)
    }
}

/// Whether the last cell of `cells` is the sum of the others.
fn sums_up(cells: &[&str]) -> bool {
    let Some((last, parts)) = cells.split_last() else {
        return false;
    };
    let sum: Option<i128> = parts.iter().map(|c| value(c)).sum();
    matches!((sum, value(last)), (Some(s), Some(t)) if s == t)
}

/// Every reading of a row's value text with `width` cells (rule 1) such that
/// `keep` accepts each prefix as it grows; `None` when there are more than `limit`.
pub fn readings<'a>(
    values: &'a str,
    width: usize,
    keep: &dyn Fn(&[&'a str]) -> bool,
    limit: usize,
) -> Option<Vec<Vec<&'a str>>> {
    let mut walk = Walk {
        groups: values.split_whitespace().collect(),
        width,
        keep,
        limit,
        found: Vec::new(),
        overflow: false,
    };
    walk.step(0, 0, &mut Vec::with_capacity(width));
    (!walk.overflow).then_some(walk.found)
}

/// The depth-first enumeration behind [`readings`].
struct Walk<'a, 'k> {
    groups: Vec<&'a str>,
    width: usize,
    keep: &'k dyn Fn(&[&'a str]) -> bool,
    limit: usize,
    found: Vec<Vec<&'a str>>,
    overflow: bool,
}

impl<'a> Walk<'a, '_> {
    /// Read on from byte `from` of group `g`, with `cells` read so far.
    fn step(&mut self, g: usize, from: usize, cells: &mut Vec<&'a str>) {
        if self.overflow {
            return;
        }
        let Some(&group) = self.groups.get(g) else {
            if cells.len() == self.width {
                if self.found.len() == self.limit {
                    self.overflow = true;
                } else {
                    self.found.push(cells.clone());
                }
            }
            return;
        };
        let later = &self.groups[g + 1..];
        let least_later = later.len();
        let most_later: usize = later.iter().map(|s| capacity(s)).sum();
        let rest = &group[from..];
        let lengths = if !plain(group) || rest.len() == 1 || rest.starts_with('0') {
            1..=1
        } else {
            1..=rest.len()
        };
        for len in lengths {
            let (cell, left) = if plain(group) {
                (&rest[..len], rest.len() - len)
            } else {
                (rest, 0)
            };
            let n = cells.len() + 1;
            if n + usize::from(left > 0) + least_later > self.width
                || n + left + most_later < self.width
            {
                continue;
            }
            cells.push(cell);
            if (self.keep)(cells) {
                if left == 0 {
                    self.step(g + 1, 0, cells);
                } else {
                    self.step(g, from + len, cells);
                }
            }
            cells.pop();
        }
    }
}

/// What the consistent table readings chose for one undetermined row.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Chosen {
    Nothing,
    One(usize),
    Several,
}

/// Read a table's rows, given as (value text, width), by the rules of the
/// module doc; `b_codes` are table B's row codes in printed order (the rows'
/// roles in its identities). `None` when the readings are too many to
/// enumerate.
pub fn read_table(
    kind: TableKind,
    rows: &[(&str, usize)],
    b_codes: &[&str],
) -> Option<Vec<Reading>> {
    let owned = |cells: &[&str]| cells.iter().map(|c| c.to_string()).collect::<Vec<_>>();
    // Rule 1: rows with one reading.
    let unique: Vec<Option<Vec<&str>>> = rows
        .iter()
        .map(|(text, width)| match readings(text, *width, &|_| true, 1) {
            Some(mut one) if one.len() == 1 => one.pop(),
            _ => None,
        })
        .collect();
    let mut out: Vec<Reading> = unique
        .iter()
        .map(|u| match u {
            Some(cells) => Reading::Unique(owned(cells)),
            None => Reading::Ambiguous,
        })
        .collect();
    let open: Vec<usize> = (0..rows.len()).filter(|&i| unique[i].is_none()).collect();
    match kind {
        _ if open.is_empty() => {}
        TableKind::Review => {
            // One row; its identities are its own: total = sum of four, per proceeding.
            let totals = |c: &[&str]| c.len() % 5 != 0 || sums_up(&c[c.len() - 5..]);
            for &i in &open {
                let consistent = readings(rows[i].0, rows[i].1, &totals, ROW_LIMIT)?;
                if let [one] = &consistent[..] {
                    out[i] = Reading::Segmented(owned(one));
                }
            }
        }
        TableKind::Applications => {
            // Each row's 总计 first (an identity every table reading must keep)…
            let row_total = |c: &[&str]| c.len() < 7 || sums_up(c);
            let candidates = open
                .iter()
                .map(|&i| readings(rows[i].0, rows[i].1, &row_total, ROW_LIMIT))
                .collect::<Option<Vec<_>>>()?;
            let combinations = candidates
                .iter()
                .try_fold(1usize, |n, c| n.checked_mul(c.len()))?;
            if combinations > COMBINATION_LIMIT {
                return None;
            }
            let fixed_hold = unique.iter().flatten().all(|c| c.len() == 7 && sums_up(c));
            if combinations == 0 || !fixed_hold {
                // No table reading is consistent: the open rows stay undetermined.
                return Some(out);
            }
            // …then the columns, over every combination of the open rows' candidates.
            let numbers = |cells: &[&str]| -> Vec<i128> {
                cells.iter().map(|c| value(c).unwrap_or(0)).collect()
            };
            let mut grid: Vec<Vec<i128>> = unique
                .iter()
                .map(|u| u.as_deref().map(numbers).unwrap_or_default())
                .collect();
            let mut chosen = vec![Chosen::Nothing; open.len()];
            let mut pick = vec![0usize; open.len()];
            'combinations: loop {
                for (k, &i) in open.iter().enumerate() {
                    grid[i] = numbers(&candidates[k][pick[k]]);
                }
                if columns_hold(&grid, b_codes) {
                    for (c, &p) in chosen.iter_mut().zip(&pick) {
                        *c = match *c {
                            Chosen::Nothing => Chosen::One(p),
                            Chosen::One(q) if q == p => Chosen::One(p),
                            _ => Chosen::Several,
                        };
                    }
                }
                for k in 0.. {
                    if k == open.len() {
                        break 'combinations;
                    }
                    pick[k] += 1;
                    if pick[k] < candidates[k].len() {
                        break;
                    }
                    pick[k] = 0;
                }
            }
            for (k, &i) in open.iter().enumerate() {
                if let Chosen::One(p) = chosen[k] {
                    out[i] = Reading::Segmented(owned(&candidates[k][p]));
                }
            }
        }
        // Table A has no identities: a row with several readings stays undetermined.
        TableKind::Active | TableKind::Local => {}
    }
    Some(out)
}

/// Whether a table B row is an outcome row (granted … other rows), summed in the total.
fn is_outcome(code: &str) -> bool {
    !matches!(code, "new" | "carried_over" | "total" | "carried_forward")
}

/// Table B's column identities over the printed rows (`grid[i]` is row
/// `codes[i]`); an identity with a row not printed is skipped.
fn columns_hold(grid: &[Vec<i128>], codes: &[&str]) -> bool {
    let row = |code: &str| {
        codes
            .iter()
            .take(grid.len())
            .position(|c| *c == code)
            .map(|i| &grid[i])
    };
    (0..7).all(|c| {
        let balance = match (
            row("new"),
            row("carried_over"),
            row("total"),
            row("carried_forward"),
        ) {
            (Some(n), Some(o), Some(t), Some(f)) => n[c] + o[c] == t[c] + f[c],
            _ => true,
        };
        let outcomes = match row("total") {
            Some(t) => {
                let sum: i128 = grid
                    .iter()
                    .zip(codes)
                    .filter(|(_, code)| is_outcome(code))
                    .map(|(r, _)| r[c])
                    .sum();
                sum == t[c]
            }
            None => true,
        };
        balance && outcomes
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::numbers::{self, Scale, Version};
    use crate::render::tables::{self, TableOptions};
    use crate::render::Layout;
    use crate::{generate_one, SynthOptions};

    fn opts(joining: Joining) -> CrawledOptions {
        CrawledOptions {
            header: Header::default(),
            breadcrumb: None,
            toolbar: None,
            body_title: None,
            prose_sep: "",
            signature_sep: "",
            joining: [joining; 3],
            spaced_headers: false,
            label_gap: LabelGap::None,
        }
    }

    /// Table B of a quiet department (2019 rows), as `table_b` builds it.
    fn table_b() -> Grid {
        let mut rng = Rng::new(11);
        let (applications, review, _) =
            numbers::tables_bc(&mut rng, Version::V2019, Scale::Quiet, 0, None);
        let data = numbers::Tables {
            a_version: Version::V2019,
            b_version: Version::V2019,
            active: numbers::table_a(&mut rng, Version::V2019, Scale::Quiet, 0.0),
            applications,
            review,
            slips: Vec::new(),
        };
        let mut truth = Truth::default();
        let style = NumberStyle::plain();
        tables::table_b(
            &mut rng,
            &style,
            &data,
            &TableOptions::default(),
            &mut truth,
        )
    }

    #[test]
    fn a_page_has_the_header_and_one_body_line() {
        let opts = SynthOptions {
            layouts: vec![Layout::Crawled],
            ..SynthOptions::default()
        };
        for i in 0..60 {
            let g = generate_one(&opts, i);
            let text = String::from_utf8(g.bytes).expect("UTF-8");
            let lines: Vec<&str> = text.split('\n').collect();
            assert_eq!(lines.len(), 10, "{}", g.truth.path);
            let title = lines[0].strip_prefix("标题: ").expect("标题");
            assert_eq!(title.replace(' ', ""), g.truth.title);
            let published = lines[1].strip_prefix("发布时间: ").expect("发布时间");
            assert!(
                published.len() == 16 && published.starts_with(&(g.truth.year + 1).to_string())
            );
            assert_eq!(lines[2], "文号: ");
            let issuer = lines[3].strip_prefix("发布机构: ").expect("发布机构");
            assert!(issuer.is_empty() || issuer == g.truth.agency);
            assert_eq!(lines[4], "栏目: 政府信息公开年报");
            assert!(lines[5].starts_with("原文链接: https://") && lines[5].ends_with(".htm"));
            assert!(lines[6].starts_with("本地目录: zwgk/") && lines[6].ends_with(title));
            assert_eq!(lines[7], "页面链接与图片详见 links.tsv(同目录)");
            assert_eq!(lines[8], "==================== 正文 ====================");
            assert!(lines[9].chars().count() > 500 && !lines[9].contains(['\r', '\t']));
            assert_eq!(g.truth.encoding, "UTF-8");
        }
    }

    #[test]
    fn fused_rows_run_into_the_next_label() {
        let grid = table_b();
        let fused = flow(
            &mut Rng::new(1),
            &grid,
            Joining::Fused,
            &opts(Joining::Fused),
            &[],
        );
        assert!(fused.text.starts_with(
            "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）申请人情况自然人法人或其他组织总计商业企业"
        ));
        assert!(fused.text.contains("三、本年度办理结果（一）予以公开"));
        for row in &fused.rows {
            assert_eq!(row.values, row.cells.concat());
            assert_eq!(row.cells.len(), 7);
        }
        // `…00000002.其他法律行政法规禁止公开`: the numbering right after the digits.
        let at = fused.text.find("2.其他法律行政法规禁止公开").expect("row");
        assert!(
            fused.text[..at].ends_with(&fused.rows[4].values),
            "{}",
            fused.text
        );
        assert!(fused.text[..at].ends_with(|c: char| c.is_ascii_digit()));
        // A row printed spaced (an undetermined one) changes no other row.
        let mut marked = vec![false; fused.rows.len()];
        marked[0] = true;
        let respaced = flow(
            &mut Rng::new(1),
            &grid,
            Joining::Fused,
            &opts(Joining::Fused),
            &marked,
        );
        assert_eq!(respaced.rows[0].values, respaced.rows[0].cells.join(" "));
        assert_eq!(respaced.rows[1..], fused.rows[1..]);

        let spaced = flow(
            &mut Rng::new(1),
            &grid,
            Joining::Spaced,
            &opts(Joining::Spaced),
            &[],
        );
        assert!(spaced.text.contains("三、本年度办理结果 （一）予以公开 "));
        for row in &spaced.rows {
            assert_eq!(row.values, row.cells.join(" "));
        }
        let at = spaced
            .text
            .find(" 2.其他法律行政法规禁止公开 ")
            .expect("row");
        assert!(spaced.text[..at].ends_with(&spaced.rows[4].values));

        // Mixed: fused rows, then spaced ones in which a few cells run together.
        let mut seen = (false, false);
        for seed in 0..20 {
            let mixed = flow(
                &mut Rng::new(seed),
                &grid,
                Joining::Mixed,
                &opts(Joining::Mixed),
                &[],
            );
            let spaces: Vec<usize> = mixed
                .rows
                .iter()
                .map(|r| r.values.matches(' ').count())
                .collect();
            let first_spaced = spaces.iter().position(|&n| n > 0).unwrap_or(spaces.len());
            assert!(spaces[..first_spaced].iter().all(|&n| n == 0));
            seen.0 |= spaces[first_spaced..].iter().any(|&n| (1..6).contains(&n));
            seen.1 |= first_spaced > 0 && first_spaced < spaces.len();
        }
        assert!(seen.0 && seen.1);
    }

    #[test]
    fn cells_that_are_not_digits_stand_apart() {
        let grid = Grid {
            kind: TableKind::Active,
            width: 4,
            rows: vec![
                crate::render::doc::GRow {
                    kind: RowKind::Data,
                    cells: vec![
                        GCell::label("行政许可"),
                        GCell::value("无", 1),
                        GCell::value("12", 1),
                        GCell::value("3", 1),
                    ],
                },
                crate::render::doc::GRow {
                    kind: RowKind::Data,
                    cells: vec![
                        GCell::label("行政处罚"),
                        GCell::value("0", 1),
                        GCell::value("-11", 1),
                        GCell::value("3852万元", 1),
                    ],
                },
            ],
        };
        let f = flow(
            &mut Rng::new(1),
            &grid,
            Joining::Fused,
            &opts(Joining::Fused),
            &[],
        );
        assert_eq!(f.text, "行政许可 无 123行政处罚0 -11 3852万元");
        assert!(f.apart_after);
        let rows: Vec<(&str, usize)> = f.rows.iter().map(|r| (r.values.as_str(), 3)).collect();
        let read = read_table(TableKind::Active, &rows, &[]).expect("few readings");
        assert_eq!(read[0], Reading::Ambiguous); // 无 1 23 or 无 12 3
        assert_eq!(
            read[1],
            Reading::Unique(vec!["0".into(), "-11".into(), "3852万元".into()])
        );
    }

    #[test]
    fn readings_follow_rule_one() {
        let all = |_: &[&str]| true;
        // Table A, three cells: 1|2|10, 1|21|0, 12|1|0.
        assert_eq!(readings("1210", 3, &all, 100).unwrap().len(), 3);
        assert_eq!(
            read_table(TableKind::Active, &[("1210", 3)], &[]),
            Some(vec![Reading::Ambiguous])
        );
        // A zero is a cell of its own; groups give at least one cell each.
        assert_eq!(
            readings("000", 3, &all, 100).unwrap(),
            vec![vec!["0", "0", "0"]]
        );
        assert_eq!(
            readings("10 0", 2, &all, 100).unwrap(),
            vec![vec!["10", "0"]]
        );
        assert_eq!(
            readings("1 00", 2, &all, 100).unwrap(),
            Vec::<Vec<&str>>::new()
        );
        assert_eq!(
            readings("0 无 3", 3, &all, 100).unwrap(),
            vec![vec!["0", "无", "3"]]
        );
        // More than the limit.
        assert_eq!(readings("123456789", 3, &all, 5), None);
        // `120000012`: many readings, one with the row's 总计.
        assert!(readings("120000012", 7, &all, 100).unwrap().len() > 1);
        let row_total = |c: &[&str]| c.len() < 7 || sums_up(c);
        assert_eq!(
            readings("120000012", 7, &row_total, 100).unwrap(),
            vec![vec!["12", "0", "0", "0", "0", "0", "12"]]
        );
    }

    /// Table B rows (2019) by code, every other row `0000000`.
    fn b_rows(set: &[(&str, &'static str)]) -> Vec<(&'static str, usize)> {
        tables::b_row_codes(Version::V2019)
            .iter()
            .map(|code| {
                let text = set
                    .iter()
                    .find(|(c, _)| c == code)
                    .map(|(_, t)| *t)
                    .unwrap_or("0000000");
                (text, 7)
            })
            .collect()
    }

    fn reading_of(rows: &[(&str, usize)], code: &str) -> Reading {
        let codes = tables::b_row_codes(Version::V2019);
        let read = read_table(TableKind::Applications, rows, &codes).expect("few readings");
        read[codes.iter().position(|c| *c == code).unwrap()].clone()
    }

    fn cells(text: &str) -> Vec<String> {
        text.split(',').map(String::from).collect()
    }

    #[test]
    fn table_b_is_read_through_its_identities() {
        assert_eq!(
            tables::b_row_codes(Version::V2019),
            numbers::b_rows(Version::V2019)
        );
        assert_eq!(
            tables::b_row_codes(Version::V2021),
            numbers::b_rows(Version::V2021)
        );
        // 管委会办公室 2019: `120000012` → 12,0,0,0,0,0,12 by the row's 总计.
        let rows = b_rows(&[
            ("new", "120000012"),
            ("granted", "4000004"),
            ("partial", "1000001"),
            ("unavailable.unclear", "3 0 0 0 0 03"),
            ("not_processed.repeated", "2 0 0 0 0 02"),
            ("other", "2 0 0 0 0 02"),
            ("total", "12 0 0 0 0 0 12"),
        ]);
        assert_eq!(
            reading_of(&rows, "new"),
            Reading::Segmented(cells("12,0,0,0,0,0,12"))
        );
        assert_eq!(
            reading_of(&rows, "unavailable.unclear"),
            Reading::Unique(cells("3,0,0,0,0,0,3"))
        );
        // 金井片区 2025: `110000011` is 11,0,0,0,0,0,11 or 1,10,0,0,0,0,11 by the
        // row's 总计; the outcome rows (3 + 7 + 1 natural persons) settle it.
        let rows = b_rows(&[
            ("new", "110000011"),
            ("partial", "3000003"),
            ("unavailable.not_held", "7000007"),
            ("other", "1000001"),
            ("total", "110000011"),
        ]);
        let eleven = Reading::Segmented(cells("11,0,0,0,0,0,11"));
        assert_eq!(reading_of(&rows, "new"), eleven);
        assert_eq!(reading_of(&rows, "total"), eleven);
        // Granted 11 or 1 + 10 and nothing else to tell: undetermined.
        let rows = b_rows(&[
            ("new", "110000011"),
            ("granted", "110000011"),
            ("total", "110000011"),
        ]);
        for code in ["new", "granted", "total"] {
            assert_eq!(reading_of(&rows, code), Reading::Ambiguous, "{code}");
        }
        // A report whose own balance is off (total 11, carried forward 1):
        // no reading is consistent, so the open rows stay undetermined.
        let rows = b_rows(&[
            ("new", "110000011"),
            ("partial", "3000003"),
            ("unavailable.not_held", "7000007"),
            ("other", "1000001"),
            ("total", "110000011"),
            ("carried_forward", "1000001"),
        ]);
        assert_eq!(reading_of(&rows, "new"), Reading::Ambiguous);
        assert_eq!(
            reading_of(&rows, "partial"),
            Reading::Unique(cells("3,0,0,0,0,0,3"))
        );
    }

    #[test]
    fn table_c_is_read_through_its_totals() {
        let read = |text| {
            read_table(TableKind::Review, &[(text, 15)], &[])
                .unwrap()
                .remove(0)
        };
        assert_eq!(
            read("000000000000000"),
            Reading::Unique(cells("0,0,0,0,0,0,0,0,0,0,0,0,0,0,0"))
        );
        assert_eq!(
            read("10000100000000000"),
            Reading::Segmented(cells("10,0,0,0,10,0,0,0,0,0,0,0,0,0,0"))
        );
        // 1 upheld + 10 other = 11, or 11 upheld + 0 … : both add up.
        assert_eq!(read("10100110000000000"), Reading::Ambiguous);
    }

    #[test]
    fn apply_marks_undetermined_rows_missing() {
        let mut truth = Truth::default();
        for code in numbers::b_rows(Version::V2019) {
            truth
                .applications
                .insert(code.to_string(), vec![Expect::Num(0.0); 7]);
        }
        truth.applications.get_mut("new").unwrap()[6] = Expect::Num(3.0);
        truth.add_identity_findings(numbers::b_rows(Version::V2019));
        assert!(!truth.findings.is_empty());
        truth.status = "ok".into();
        let page = Crawled {
            text: String::new(),
            rows: vec![RowRead {
                table: TableKind::Applications,
                code: "new",
                reading: Reading::Ambiguous,
            }],
            respaced: 0,
        };
        page.apply(&mut truth, numbers::b_rows(Version::V2019));
        assert_eq!(truth.applications["new"], vec![Expect::missing(); 7]);
        assert!(truth.findings.is_empty(), "{:?}", truth.findings);
        assert_eq!(truth.status, "partial");
    }
}
