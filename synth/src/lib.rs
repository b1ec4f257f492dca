//! xxgk-synth: a generator of realistic 政府信息公开工作年度报告 with their
//! ground truth, and the accuracy check that compares the pipeline's output
//! with it. A crate of its own beside the pipeline (`xxgk`), which it uses
//! only for data it does not own (the gazetteer's province slugs); the codes
//! and the labels it prints for them are its own ([`forms`]), so a mistake in
//! the parser's tables is not shared by the truth it is checked against.
//!
//! ```text
//! seed + index ─▶ Rng ─▶ plan (issuer, year, template, layout, encoding, noise, cuts)
//!                         ├─▶ numbers (tables A/B/C, identities kept or slipped)
//!                         ├─▶ render: grids + prose → one layout → bytes
//!                         └─▶ truth (every cell, metadata, expected findings)
//! ```
//!
//! A corpus is `DIR/reports/<province-slug>/<year>/<index>.<ext>` plus
//! `DIR/truth.jsonl` (one [`truth::Truth`] per line, in index order) and
//! `DIR/manifest.json`. Every report is generated from its own random stream
//! (seed, index), so a corpus is the same bytes for a seed whatever the
//! number of threads, and the first N reports of a larger corpus are the
//! corpus of N.
//!
//! The forms are modelled on the real inputs: the five samples (Word → text
//! with tab or pipe cells, PDF → text with tab rows), the `pdftotext -layout`
//! text of three PDFs, three HTML pages, and six pages as a crawler saved
//! their text (`crawled`). See [`render`] for the layouts
//! and [`render::cells`] for the number forms.
#![warn(missing_docs)]

pub mod accuracy;
pub mod forms;
pub mod issuers;
pub mod numbers;
pub mod pdf_print;
pub mod render;
pub mod rng;
pub mod series;
pub mod truth;

use numbers::{Scale, Version};
use render::cells::NumberStyle;
use render::doc::{Doc, Part, TableKind};
use render::tables::{self, Breaks, TableOptions};
use render::{Encoding, Layout};
use rng::Rng;
use std::io::Write;
use std::path::{Path, PathBuf};
use truth::{RegionTruth, Truth};

/// What to generate.
#[derive(Debug, Clone)]
pub struct SynthOptions {
    /// Corpus seed.
    pub seed: u64,
    /// Share of reports whose own numbers break an identity (as real ones do).
    pub break_rate: f64,
    /// Layouts to draw from (empty: all).
    pub layouts: Vec<Layout>,
}

impl Default for SynthOptions {
    fn default() -> Self {
        SynthOptions {
            seed: 1,
            break_rate: 0.05,
            layouts: Vec::new(),
        }
    }
}

/// One generated report.
#[derive(Debug, Clone)]
pub struct Generated {
    /// Path relative to `DIR/reports`.
    pub rel_path: String,
    /// The file's bytes. For `word_pdf` these are the `.docx` to print to
    /// PDF at `rel_path` ([`write_corpus`] does, with [`pdf_print`]).
    pub bytes: Vec<u8>,
    /// Whether `bytes` still has to be printed to PDF (`word_pdf`).
    pub print_to_pdf: bool,
    /// What the pipeline must read from it.
    pub truth: Truth,
    /// Table B as drawn (None for a report without tables): what a series
    /// carries into the next year.
    pub applications: Option<numbers::TableB>,
}

/// The report's table structure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// Narrative with an old local table or none (2008–2018).
    Pre2019,
    /// A 2019/2020 report without the (then only encouraged) tables.
    NoTables,
    /// National tables, A and B in these versions.
    Tables(Version, Version),
}

/// How a report is cut short.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Cut {
    None,
    /// Table B stops after N data rows; section 四 and table C are gone (原州区).
    BRows(usize),
    /// The file ends inside table B, after N data rows (a cut-off download).
    BRowsEnd(usize),
    /// Table C is absent.
    CAbsent,
    /// Table A is absent.
    AAbsent,
    /// Table A keeps its first N blocks.
    ABlocks(usize),
    /// Table B is absent.
    BAbsent,
}

fn draw_year(rng: &mut Rng) -> i32 {
    let mut weights: Vec<(i32, u32)> = (2008..=2018).map(|y| (y, 2)).collect();
    weights.extend([
        (2019, 10),
        (2020, 10),
        (2021, 11),
        (2022, 12),
        (2023, 12),
        (2024, 12),
        (2025, 6),
    ]);
    rng.weighted(&weights)
}

fn draw_kind(rng: &mut Rng, year: i32) -> Kind {
    match year {
        ..=2018 => Kind::Pre2019,
        2019 | 2020 if rng.chance(0.06) => Kind::NoTables,
        2019 | 2020 => Kind::Tables(Version::V2019, Version::V2019),
        _ => rng.weighted(&[
            (Kind::Tables(Version::V2021, Version::V2021), 94),
            (Kind::Tables(Version::V2019, Version::V2019), 3),
            (Kind::Tables(Version::V2021, Version::V2019), 3),
        ]),
    }
}

fn draw_layout(rng: &mut Rng, allowed: &[Layout]) -> Layout {
    let weights: Vec<(Layout, u32)> = [
        (Layout::TabCells, 24),
        (Layout::PipeCells, 10),
        (Layout::PdfTabs, 10),
        (Layout::PdfLayout, 26),
        (Layout::Html, 20),
        (Layout::Markdown, 10),
        (Layout::Crawled, 8),
        (Layout::Docx, 6),
        (Layout::WordPdf, 4),
    ]
    .into_iter()
    .filter(|(l, _)| allowed.is_empty() || allowed.contains(l))
    .collect();
    rng.weighted(&weights)
}

fn draw_encoding(rng: &mut Rng, layout: Layout) -> Encoding {
    match layout {
        Layout::TabCells | Layout::PipeCells => rng.weighted(&[
            (Encoding::Utf8, 55),
            (Encoding::Utf8Bom, 5),
            (Encoding::Gb18030, 25),
            (Encoding::Utf16Le, 10),
            (Encoding::Utf16Be, 5),
        ]),
        Layout::PdfTabs => rng.weighted(&[(Encoding::Utf8, 8), (Encoding::Gb18030, 2)]),
        Layout::Html => rng.weighted(&[(Encoding::Utf8, 3), (Encoding::Gbk, 1)]),
        Layout::PdfLayout | Layout::Markdown | Layout::Crawled | Layout::Docx | Layout::WordPdf => {
            Encoding::Utf8
        }
    }
}

/// Title lines in one of the forms reports use; returns (lines, form name).
fn title(
    rng: &mut Rng,
    agency: &str,
    year: i32,
    layout: Layout,
    old: bool,
) -> (Vec<String>, &'static str) {
    let forms: &[(&str, u32)] = match layout {
        _ if old => &[("F1", 5), ("F2", 2), ("F6", 3)],
        Layout::PipeCells => &[("F3", 3), ("F1", 2)],
        Layout::PdfTabs => &[("F4", 3), ("F1", 1)],
        Layout::PdfLayout => &[("F3", 3), ("F1", 2), ("F6", 1)],
        _ => &[("F1", 6), ("F2", 2), ("F5", 1), ("F6", 2), ("F3", 1)],
    };
    let mut form = rng.weighted(forms);
    if form == "F3" && agency.chars().count() > 28 {
        form = "F1";
    }
    let lines = match form {
        "F2" => vec![format!("{year}年度{agency}政府信息公开工作报告")],
        "F3" => vec![
            agency.to_string(),
            format!("{year}年政府信息公开工作年度报告"),
        ],
        "F4" => vec![format!("{agency} {year} 年 政府信息公开工作年度报告")],
        "F5" => vec![format!("{agency}{year}年政府信息公开年度报告")],
        "F6" => vec![format!("{agency}{year}年度政府信息公开工作报告")],
        _ => vec![format!("{agency}{year}年政府信息公开工作年度报告")],
    };
    (lines, form)
}

const ROADS: &[&str] = &[
    "人民路",
    "解放路",
    "建设路",
    "府前街",
    "文化路",
    "政府路",
    "新华路",
    "迎宾大道",
];

/// Region evidence and contact sentences (sometimes, not always).
fn evidence(
    rng: &mut Rng,
    issuer: &issuers::Issuer,
    year: i32,
    features: &mut Vec<String>,
) -> (Option<String>, Option<String>) {
    let (Some(province), Some(own)) = (&issuer.province, &issuer.own) else {
        return (None, None);
    };
    let mut evidence = None;
    if rng.chance(0.35) {
        let text = match (&issuer.city, rng.below(3)) {
            (Some(city), 0) if city.code != own.code => {
                features.push("evidence:city".into());
                format!("本报告按照{}人民政府办公室《关于做好{year}年政府信息公开工作年度报告编制发布工作的通知》要求编制。", city.name)
            }
            (_, 1) if province.code != own.code => {
                features.push("evidence:portal".into());
                format!(
                    "本报告电子版可在“{}·{}”门户网站（http://www.{}.gov.cn）下载。",
                    province.short, own.short, issuer.pinyin
                )
            }
            _ => {
                features.push("evidence:province".into());
                format!(
                    "按照{}人民政府办公厅有关要求，结合工作实际编制本报告。",
                    province.name
                )
            }
        };
        evidence = Some(text);
    }
    let mut contact = None;
    if rng.chance(0.3) {
        features.push("evidence:contact".into());
        let postcode = format!(
            "{}{}00",
            rng.pick(issuers::postcode_prefixes(province.code)),
            rng.range(0, 9) * 10 + rng.range(0, 9)
        );
        let area = rng.pick(issuers::area_codes(province.code));
        let digits = if area.len() == 3 { 8 } else { 7 };
        let number: String = (0..digits)
            .map(|i| {
                char::from(
                    b'0' + if i == 0 {
                        rng.range(2, 8)
                    } else {
                        rng.range(0, 9)
                    } as u8,
                )
            })
            .collect();
        let place = match &issuer.city {
            _ if issuer.admin_level == "province" => String::new(),
            Some(c) if c.code != own.code => format!("{}{}", c.name, own.name),
            _ => own.name.clone(),
        };
        contact = Some(format!(
            "如对本报告有疑问，请与{}联系（地址：{}{}{}号，邮编：{postcode}，电话：{area}-{number}）。",
            issuer.body,
            place,
            rng.pick(ROADS),
            rng.range(1, 300)
        ));
    }
    (evidence, contact)
}

fn region_truth(issuer: &issuers::Issuer) -> RegionTruth {
    let code = |p: &Option<issuers::Place>| p.as_ref().map(|p| format!("{:06}", p.code));
    let name = |p: &Option<issuers::Place>| p.as_ref().map(|p| p.name.clone());
    RegionTruth {
        slug: issuer.slug.to_string(),
        province: name(&issuer.province),
        province_code: code(&issuer.province),
        city: name(&issuer.city),
        city_code: code(&issuer.city),
        county: name(&issuer.county),
        county_code: code(&issuer.county),
        adcode: issuer.adcode().map(|c| format!("{c:06}")),
        admin_level: issuer.admin_level.to_string(),
    }
}

fn scale_of(rng: &mut Rng, issuer: &issuers::Issuer) -> Scale {
    use issuers::BodyKind::*;
    match (issuer.kind, issuer.admin_level) {
        (Central, _) => Scale::Busy,
        (Place | Government | Office, "province" | "city") => Scale::Busy,
        (Place | Government | Office, _) => Scale::Normal,
        _ if rng.chance(0.4) => Scale::Normal,
        _ => Scale::Quiet,
    }
}

/// What is drawn first and decides the rest: who wrote the report, for which
/// year, on which form, in which layout and encoding.
struct Plan {
    year: i32,
    issuer: issuers::Issuer,
    kind: Kind,
    layout: Layout,
    encoding: Encoding,
}

/// A report as it is being drawn: its random streams and the features noted
/// on the way. Each part of the report draws from its own stream, so a change
/// to the prose cannot move the numbers: `plan` (the plan, style, cuts and
/// every layout choice), `numbers` (tables and their printed cells), `prose`
/// (sentences); `root` forks the streams of the crawled and Word layouts.
struct Draft {
    root: Rng,
    plan: Rng,
    numbers: Rng,
    prose: Rng,
    /// `Truth::features`, in the order they are drawn.
    features: Vec<String>,
}

impl Draft {
    fn new(seed: u64, index: u64) -> Self {
        let root = Rng::for_report(seed, index);
        Draft {
            plan: root.fork(1),
            numbers: root.fork(3),
            prose: root.fork(4),
            root,
            features: Vec::new(),
        }
    }

    fn note(&mut self, feature: impl Into<String>) {
        self.features.push(feature.into());
    }

    /// Note the names whose flag is on.
    fn note_flags(&mut self, flags: &[(bool, &str)]) {
        for (on, name) in flags {
            if *on {
                self.note(*name);
            }
        }
    }
}

/// Generate report `index` of the corpus.
///
/// The steps, in the order they draw: the plan (issuer, year, template,
/// layout, encoding); the number style; the cuts and slips; the title and the
/// region evidence; the numbers; the tables' label habits; the document
/// (prose and tables, whose cells are recorded in the truth as they are
/// printed); the layout; the encoding; the truth's last fields.
pub fn generate_one(opts: &SynthOptions, index: u64) -> Generated {
    generate_fixed(opts, index, &Fixed::default())
}

/// What a series of reports ([`series`]) fixes instead of drawing: the issuer
/// (the same every year), the year, the layout, and table B's continuation
/// from the year before. A report with a fixed year has tables of that year's
/// format, complete and without slips: what the checks across reports compare
/// must be there to compare. The draws still happen (and are overridden), so
/// the rest of the report comes from the same streams.
#[derive(Debug, Clone, Default)]
pub struct Fixed {
    /// The issuer, instead of one drawn for the report.
    pub issuer: Option<issuers::Issuer>,
    /// The year covered.
    pub year: Option<i32>,
    /// The layout.
    pub layout: Option<Layout>,
    /// Table B's link to the year before.
    pub continuation: Option<numbers::Continuation>,
}

/// Generate report `index` with some of its plan fixed (see [`Fixed`]).
pub fn generate_fixed(opts: &SynthOptions, index: u64, fixed: &Fixed) -> Generated {
    let mut d = Draft::new(opts.seed, index);
    // Who, when, which form, which layout.
    let plan = draw_plan(&mut d, opts, fixed);
    let mut truth = truth_skeleton(index, &plan);
    // How it prints numbers, where it is cut short, how many identities it breaks.
    let (style, pdf_blanks) = draw_number_style(&mut d, plan.layout);
    let mut cut = draw_cut(&mut d, plan.kind);
    let mut slips = draw_slip_count(&mut d, plan.kind, opts.break_rate);
    if fixed.year.is_some() {
        (cut, slips) = (Cut::None, 0);
    }
    // Its title, and what its prose says about the issuer.
    let old = plan.kind == Kind::Pre2019;
    let (title_lines, form) = title(
        &mut d.plan,
        &plan.issuer.agency,
        plan.year,
        plan.layout,
        old,
    );
    d.note(format!("title:{form}"));
    truth.title = title_lines.concat().split_whitespace().collect();
    let mut ctx = prose_context(&mut d, &plan);
    // The numbers of tables A, B and C, and how the tables label them.
    let tables_data = draw_numbers(
        &mut d,
        &plan,
        &style,
        pdf_blanks,
        slips,
        fixed.continuation.as_ref(),
        &mut ctx,
        &mut truth,
    );
    let applications = tables_data.as_ref().map(|t| t.applications.clone());
    let topts = draw_table_options(&mut d, plan.layout, cut);
    // The document (its table cells recorded in the truth as printed), in its layout, encoded.
    let doc = compose(
        &mut d,
        &plan,
        &ctx,
        &style,
        tables_data.as_ref(),
        &topts,
        cut,
        &title_lines,
        &mut truth,
    );
    let rendered = render_layout(&mut d, &plan, &doc, &title_lines, &mut truth);
    let (bytes, encoding) = match rendered {
        Rendered::Binary(b) => (b, Encoding::Utf8),
        Rendered::Text(text) => plan.encoding.encode(&text),
    };
    // The truth's last fields and the file's path.
    let mut generated = finish(d, &plan, index, bytes, encoding, truth);
    generated.applications = applications;
    generated
}

/// The plan: year, issuer (from its own stream), template kind, layout, encoding.
fn draw_plan(d: &mut Draft, opts: &SynthOptions, fixed: &Fixed) -> Plan {
    let drawn_year = draw_year(&mut d.plan);
    let year = fixed.year.unwrap_or(drawn_year);
    let drawn_issuer = issuers::draw(&mut d.root.fork(2), year);
    let issuer = fixed.issuer.clone().unwrap_or(drawn_issuer);
    let drawn_kind = draw_kind(&mut d.plan, year);
    let kind = match fixed.year {
        Some(..=2020) => Kind::Tables(Version::V2019, Version::V2019),
        Some(_) => Kind::Tables(Version::V2021, Version::V2021),
        None => drawn_kind,
    };
    let drawn_layout = draw_layout(&mut d.plan, &opts.layouts);
    let layout = fixed.layout.unwrap_or(drawn_layout);
    // A fixed layout draws its encoding aside, so that what follows (the
    // number style) is what the report would print in any layout: a copy in
    // another format shows the same cells.
    let encoding = match fixed.layout {
        Some(_) => draw_encoding(&mut d.plan.fork(7), layout),
        None => draw_encoding(&mut d.plan, layout),
    };
    Plan {
        year,
        issuer,
        kind,
        layout,
        encoding,
    }
}

/// The truth known from the plan alone.
fn truth_skeleton(index: u64, plan: &Plan) -> Truth {
    Truth {
        index,
        layout: plan.layout.name().into(),
        source_format: match plan.layout {
            Layout::Html => "html",
            Layout::Docx => "docx",
            Layout::WordPdf => "pdf",
            _ => "text",
        }
        .into(),
        agency: plan.issuer.agency.clone(),
        year: plan.year,
        region: region_truth(&plan.issuer),
        ..Truth::default()
    }
}

/// How numbers are printed; and whether a `pdf_layout` report may show blank
/// cells (most cannot: a blank in space-aligned text is only told by its position).
fn draw_number_style(d: &mut Draft, layout: Layout) -> (NumberStyle, bool) {
    let noisy = d.plan.chance(0.5);
    let mut style = NumberStyle::draw(&mut d.plan, noisy);
    // (A blank cell in space-aligned columns is only told by its position; keep a few, flagged.)
    let pdf_blanks = layout == Layout::PdfLayout && d.plan.chance(0.03);
    if layout == Layout::PdfLayout && !pdf_blanks {
        style.zero_blank = false;
        style.zero_word = None;
    }
    if layout == Layout::Crawled {
        render::crawled::tame(&mut style);
    }
    d.note_flags(&[
        (style.zero_blank, "zero_blank"),
        (style.zero_word.is_some(), "zero_word"),
        (style.fullwidth > 0.0, "fullwidth"),
        (style.stray_space > 0.0, "stray_space"),
        (style.thousands, "thousands"),
        (style.count_unit > 0.0, "count_unit"),
    ]);
    d.note(format!("money:{:?}", style.money).to_lowercase());
    (style, pdf_blanks)
}

/// Where a report with national tables is cut short, if it is.
fn draw_cut(d: &mut Draft, kind: Kind) -> Cut {
    let rng = &mut d.plan;
    let cut = match kind {
        Kind::Tables(a, b) if a == b => rng.weighted(&[
            (Cut::None, 900),
            (Cut::BRows(0), 30),
            (Cut::BRowsEnd(0), 8),
            (Cut::CAbsent, 25),
            (Cut::AAbsent, 15),
            (Cut::ABlocks(0), 15),
            (Cut::BAbsent, 15),
        ]),
        _ => Cut::None,
    };
    let cut = match (cut, kind) {
        (Cut::BRows(_), Kind::Tables(_, b)) => {
            let n = numbers::b_rows(b).len();
            Cut::BRows(rng.range(4, n as i64 - 2) as usize)
        }
        (Cut::BRowsEnd(_), Kind::Tables(_, b)) => {
            let n = numbers::b_rows(b).len();
            Cut::BRowsEnd(rng.range(4, n as i64 - 2) as usize)
        }
        (Cut::ABlocks(_), Kind::Tables(a, _)) => {
            let blocks = if a == Version::V2019 { 5 } else { 4 };
            Cut::ABlocks(rng.range(1, blocks - 1) as usize)
        }
        (c, _) => c,
    };
    if cut != Cut::None {
        d.note(format!("cut:{cut:?}").to_lowercase());
    }
    cut
}

/// How many identities the report's own numbers break (0 for most).
fn draw_slip_count(d: &mut Draft, kind: Kind, break_rate: f64) -> usize {
    if matches!(kind, Kind::Tables(..)) && d.plan.chance(break_rate) {
        d.plan.range(1, 3) as usize
    } else {
        0
    }
}

/// The prose's facts about the issuer, with the region evidence and contact
/// sentences drawn for it (the numbers' totals are added by [`draw_numbers`]).
fn prose_context(d: &mut Draft, plan: &Plan) -> render::prose::ProseCtx {
    let issuer = &plan.issuer;
    let (ev, contact) = evidence(&mut d.plan, issuer, plan.year, &mut d.features);
    render::prose::ProseCtx {
        year: plan.year,
        body: issuer.body.clone(),
        we: issuer.we.clone(),
        whole: issuer.whole.clone(),
        evidence: ev,
        contact,
        ..Default::default()
    }
}

/// Tables A, B and C of a report with national tables (none otherwise): the
/// numbers, with the slips made on purpose noted in the truth.
#[allow(clippy::too_many_arguments)]
fn draw_numbers(
    d: &mut Draft,
    plan: &Plan,
    style: &NumberStyle,
    pdf_blanks: bool,
    slips: usize,
    continuation: Option<&numbers::Continuation>,
    ctx: &mut render::prose::ProseCtx,
    truth: &mut Truth,
) -> Option<numbers::Tables> {
    let Kind::Tables(a, b) = plan.kind else {
        return None;
    };
    let layout = plan.layout;
    let scale = scale_of(&mut d.numbers, &plan.issuer);
    // A crawled page prints every cell (a blank leaves no trace in a flowed row).
    let empty_rate = if d.plan.chance(0.15)
        && (layout != Layout::PdfLayout || pdf_blanks)
        && layout != Layout::Crawled
    {
        0.15
    } else {
        0.0
    };
    if pdf_blanks && (empty_rate > 0.0 || style.zero_blank) {
        d.note("pdf_blank_cells");
    }
    let active = numbers::table_a(&mut d.numbers, a, scale, empty_rate);
    let (applications, review, slip_notes) =
        numbers::tables_bc(&mut d.numbers, b, scale, slips, continuation);
    ctx.applications = applications
        .iter()
        .find(|(r, _)| *r == "new")
        .map(|(_, v)| v[6])
        .unwrap_or(0);
    ctx.cases = (review[0][4], review[1][4] + review[2][4]);
    ctx.cite_2021 = a == Version::V2021 || (plan.year >= 2021 && d.plan.chance(0.5));
    truth.slips = slip_notes;
    if a != b {
        d.note("mixed_template");
    } else if a == Version::V2019 && plan.year >= 2021 {
        d.note("late_adopter");
    }
    Some(numbers::Tables {
        a_version: a,
        b_version: b,
        active,
        applications,
        review,
        slips: truth.slips.clone(),
    })
}

/// The tables' label habits, per layout, and the cuts they carry out.
fn draw_table_options(d: &mut Draft, layout: Layout, cut: Cut) -> TableOptions {
    let rng = &mut d.plan;
    let topts = TableOptions {
        breaks: match layout {
            Layout::TabCells => Breaks {
                a: rng.chance(0.4),
                b: false,
                c: false,
            },
            Layout::Html | Layout::PdfTabs | Layout::Docx | Layout::WordPdf => Breaks {
                a: rng.chance(0.5),
                b: rng.chance(0.5),
                c: rng.chance(0.5),
            },
            Layout::Crawled => Breaks {
                a: rng.chance(0.3),
                b: rng.chance(0.3),
                c: rng.chance(0.3),
            },
            _ => Breaks::default(),
        },
        spaced_section: rng.chance(0.15),
        a_blocks: match cut {
            Cut::ABlocks(n) => Some(n),
            _ => None,
        },
        b_rows: match cut {
            Cut::BRows(n) | Cut::BRowsEnd(n) => Some(n),
            _ => None,
        },
        old_normative_label: rng.chance(0.08),
        comma_numbering: rng.chance(0.15),
        law_forbidden_typo: rng.chance(0.05),
        aligned_labels: !matches!(
            layout,
            Layout::PdfLayout | Layout::PdfTabs | Layout::Crawled
        ) && rng.chance(0.15),
        label_breaks: matches!(
            layout,
            Layout::TabCells | Layout::Html | Layout::Docx | Layout::WordPdf
        ) && rng.chance(0.2),
    };
    d.note_flags(&[
        (topts.aligned_labels, "aligned_labels"),
        (topts.label_breaks, "label_breaks"),
    ]);
    topts
}

/// The document: title, then the sections of its kind of report, signature,
/// sometimes a CMS preface. Table cells are recorded in `truth` as printed.
#[allow(clippy::too_many_arguments)]
fn compose(
    d: &mut Draft,
    plan: &Plan,
    ctx: &render::prose::ProseCtx,
    style: &NumberStyle,
    tables_data: Option<&numbers::Tables>,
    topts: &TableOptions,
    cut: Cut,
    title_lines: &[String],
    truth: &mut Truth,
) -> Doc {
    let old = plan.kind == Kind::Pre2019;
    let mut parts = vec![Part::Title(title_lines.to_vec())];
    parts.extend(render::prose::preamble(&mut d.prose, ctx, old));
    match (plan.kind, tables_data) {
        (Kind::Tables(a, b), Some(data)) => national_sections(
            d,
            plan,
            ctx,
            style,
            data,
            topts,
            cut,
            (a, b),
            &mut parts,
            truth,
        ),
        _ if old => old_sections(d, ctx, style, &mut parts, truth),
        _ => sections_without_tables(d, ctx, &mut parts, truth),
    }
    if !matches!(cut, Cut::BRowsEnd(_)) {
        parts.push(render::prose::signature(&mut d.prose, ctx));
    }
    // CMS exports put the article's metadata above the title.
    // (A crawled page has its crawler's header instead.)
    if plan.layout != Layout::Html && plan.layout != Layout::Crawled && d.plan.chance(0.08) {
        d.note("preface");
        let preface = preface(&mut d.prose, plan);
        for (i, line) in preface.into_iter().enumerate() {
            parts.insert(i, Part::Preface(line));
        }
    }
    Doc { parts }
}

/// Sections 一 to 六 of a report on the national form, with tables A, B and C
/// (or what the cut leaves of them), and the truth's template and status.
#[allow(clippy::too_many_arguments)]
fn national_sections(
    d: &mut Draft,
    plan: &Plan,
    ctx: &render::prose::ProseCtx,
    style: &NumberStyle,
    data: &numbers::Tables,
    topts: &TableOptions,
    cut: Cut,
    (a, b): (Version, Version),
    parts: &mut Vec<Part>,
    truth: &mut Truth,
) {
    let (year, we) = (plan.year, &plan.issuer.we);
    let rrng = &mut d.prose;
    let nrng = &mut d.numbers;
    truth.template = a.code().into();
    parts.push(Part::Heading("一、总体情况".into()));
    parts.extend(render::prose::overview(rrng, ctx, d.plan.chance(0.4)));
    parts.push(Part::Heading(
        rrng.pick(&["二、主动公开政府信息情况", "二、主动公开政府信息情况统计"])
            .to_string(),
    ));
    parts.extend(render::prose::section_intro(rrng, ctx, 2));
    if cut == Cut::AAbsent {
        tables::absent(TableKind::Active, b, truth);
        parts.push(Part::Para(format!(
            "{year}年，{we}主动公开政府信息情况详见门户网站政府信息公开专栏。"
        )));
    } else {
        let grid = tables::table_a(nrng, style, data, topts, truth);
        truth.template_active = Some(a.code().into());
        parts.push(Part::Table(grid));
    }
    parts.push(Part::Heading(
        rrng.pick(&[
            "三、收到和处理政府信息公开申请情况",
            "三、行政机关收到和处理政府信息公开申请情况",
        ])
        .to_string(),
    ));
    parts.extend(render::prose::section_intro(rrng, ctx, 3));
    if cut == Cut::BAbsent {
        tables::absent(TableKind::Applications, a, truth);
        parts.push(Part::Para(format!(
            "{year}年，{we}未收到政府信息公开申请。"
        )));
        truth.template = a.code().into();
    } else {
        let grid = tables::table_b(nrng, style, data, topts, truth);
        let tells = match cut {
            Cut::BRows(n) | Cut::BRowsEnd(n) => n > 20,
            _ => true,
        };
        if tells {
            truth.template_applications = Some(b.code().into());
        }
        if cut == Cut::AAbsent {
            truth.template = b.code().into();
        }
        parts.push(Part::Table(grid));
    }
    if a != b {
        truth.add_finding("template_mixed", "report");
    }
    match cut {
        Cut::BRows(_) | Cut::BRowsEnd(_) => tables::absent(TableKind::Review, a, truth),
        Cut::CAbsent => {
            parts.push(Part::Heading(
                "四、政府信息公开行政复议、行政诉讼情况".into(),
            ));
            parts.push(Part::Para(format!(
                "{year}年，{we}未发生因政府信息公开引发的复议、诉讼案件。"
            )));
            tables::absent(TableKind::Review, a, truth);
        }
        _ => {
            parts.push(Part::Heading(
                rrng.pick(&[
                    "四、政府信息公开行政复议、行政诉讼情况",
                    "四、因政府信息公开工作被申请行政复议、提起行政诉讼情况",
                ])
                .to_string(),
            ));
            parts.extend(render::prose::section_intro(rrng, ctx, 4));
            let grid = tables::table_c(nrng, style, data, topts, truth);
            parts.push(Part::Table(grid));
        }
    }
    if !matches!(cut, Cut::BRowsEnd(_)) {
        parts.push(Part::Heading("五、存在的主要问题及改进情况".into()));
        parts.extend(render::prose::problems(rrng, ctx));
        parts.push(Part::Heading("六、其他需要报告的事项".into()));
        parts.extend(render::prose::other_matters(rrng, ctx));
    }
    truth.add_identity_findings(numbers::b_rows(b));
    truth.status = if truth.findings.iter().any(|f| f.rule.starts_with("table_")) {
        "partial"
    } else {
        "ok"
    }
    .into();
}

/// The narrative sections of a 2008–2018 report, sometimes with its local
/// statistics table under section 二.
fn old_sections(
    d: &mut Draft,
    ctx: &render::prose::ProseCtx,
    style: &NumberStyle,
    parts: &mut Vec<Part>,
    truth: &mut Truth,
) {
    truth.template = "pre2019".into();
    truth.status = "no_tables".into();
    let local = d.plan.chance(0.4);
    if local {
        d.note("local_table");
    }
    for (heading, body) in render::prose::old_sections(&mut d.prose, ctx) {
        let is_active = heading.starts_with("二、");
        parts.push(Part::Heading(heading));
        parts.extend(body);
        if is_active && local {
            parts.push(Part::Para("附表：政府信息公开情况统计表".into()));
            parts.push(Part::Table(tables::local_table(&mut d.numbers, style)));
        }
    }
}

/// A 2019/2020 report without the tables: three narrative sections.
fn sections_without_tables(
    d: &mut Draft,
    ctx: &render::prose::ProseCtx,
    parts: &mut Vec<Part>,
    truth: &mut Truth,
) {
    truth.template = "unknown".into();
    truth.status = "no_tables".into();
    d.note("no_tables");
    let rrng = &mut d.prose;
    parts.push(Part::Heading("一、总体情况".into()));
    parts.extend(render::prose::overview(rrng, ctx, true));
    parts.push(Part::Heading("二、存在的主要问题及改进情况".into()));
    parts.extend(render::prose::problems(rrng, ctx));
    parts.push(Part::Heading("三、其他需要报告的事项".into()));
    parts.extend(render::prose::other_matters(rrng, ctx));
}

/// A CMS export's metadata lines (索引号, 发布机构, 发布日期).
fn preface(rrng: &mut Rng, plan: &Plan) -> [String; 3] {
    let year = plan.year;
    [
        format!(
            "索引号：{:09}/{}-{:05}",
            rrng.range(0, 999_999_999),
            year + 1,
            rrng.range(1, 30_000)
        ),
        format!("发布机构：{}", plan.issuer.body),
        format!(
            "发布日期：{}-{:02}-{:02}",
            year + 1,
            rrng.range(1, 3),
            rrng.range(1, 28)
        ),
    ]
}

/// A rendered report before encoding: text, or a binary file (Word).
enum Rendered {
    Text(String),
    Binary(Vec<u8>),
}

/// The document in the plan's layout, with that layout's own habits.
fn render_layout(
    d: &mut Draft,
    plan: &Plan,
    doc: &Doc,
    title_lines: &[String],
    truth: &mut Truth,
) -> Rendered {
    let (layout, issuer, year) = (plan.layout, &plan.issuer, plan.year);
    let rng = &mut d.plan;
    let rrng = &mut d.prose;
    let features = &mut d.features;
    let text = match layout {
        Layout::TabCells | Layout::PipeCells => {
            let o = render::word_text::TextOptions {
                title_space: rng.chance(0.3),
                blank_lines: rng.chance(0.3),
            };
            let t = if layout == Layout::TabCells {
                render::word_text::tab_cells(doc, &o)
            } else {
                render::word_text::pipe_cells(doc, &o)
            };
            if rng.chance(0.3) {
                features.push("crlf".into());
                t.replace('\n', "\r\n")
            } else {
                t
            }
        }
        Layout::PdfTabs => {
            let o = render::pdf_tabs::PdfTabsOptions {
                split_numbering: rng.chance(0.6),
                spaced_letters: rng.chance(0.6),
                broken_row: rng.chance(0.4),
                page_breaks: rng.chance(0.5),
                bold: rng.chance(0.5),
                page_numbers: if rng.chance(0.3) {
                    rng.range(30, 50) as usize
                } else {
                    0
                },
            };
            for (on, name) in [
                (o.split_numbering, "split_numbering"),
                (o.broken_row, "broken_row"),
            ] {
                if on {
                    features.push(name.into());
                }
            }
            render::pdf_tabs::render(rrng, doc, &o)
        }
        Layout::PdfLayout => {
            let o = render::pdf_layout::PdfLayoutOptions::draw(rng);
            features.push(format!("pdf_label_chars:{}", o.label_chars));
            features.push(format!("pdf_value_line:{}", o.value_line));
            features.push(format!("pdf_header:{}", o.header_style));
            features.push(format!("pdf_group:{}", o.group_style));
            render::pdf_layout::render(rrng, doc, &o)
        }
        Layout::Html => {
            let site = match (&issuer.own, issuer.kind) {
                (_, issuers::BodyKind::Department | issuers::BodyKind::Central) => {
                    issuer.body.clone()
                }
                (Some(own), _) => format!("{}人民政府", own.name),
                (None, _) => issuer.body.clone(),
            };
            let o = render::html::HtmlOptions {
                word: rng.chance(0.35),
                charset: match plan.encoding {
                    Encoding::Gbk => rng.pick(&["gb2312", "GBK", "gbk"]).to_string(),
                    _ => "utf-8".into(),
                },
                site,
                date: format!(
                    "{}-{:02}-{:02}",
                    year + 1,
                    rng.range(1, 3),
                    rng.range(1, 28)
                ),
                br_breaks: rng.chance(0.5),
            };
            if o.word {
                features.push("html_word".into());
            }
            render::html::render(rrng, doc, &o)
        }
        Layout::Markdown => {
            let o = render::markdown::MarkdownOptions {
                hash_title: rng.chance(0.5),
                hash_headings: rng.chance(0.5),
            };
            features.push(
                if o.hash_title {
                    "md_hash_title"
                } else {
                    "md_bold_title"
                }
                .into(),
            );
            render::markdown::render(doc, &o)
        }
        Layout::Crawled => {
            let mut crng = d.root.fork(5);
            let o = render::crawled::CrawledOptions::draw(
                &mut crng,
                title_lines,
                &issuer.agency,
                &issuer.pinyin,
                year,
            );
            let codes = match plan.kind {
                Kind::Tables(a, b) => render::crawled::RowCodes {
                    active: tables::a_items(a),
                    applications: tables::b_row_codes(b),
                },
                _ => render::crawled::RowCodes::default(),
            };
            let page = render::crawled::render(&mut crng, doc, &o, &codes);
            if let Kind::Tables(_, b) = plan.kind {
                page.apply(truth, numbers::b_rows(b));
            }
            features.extend(page.features(&o));
            page.text
        }
        Layout::Docx | Layout::WordPdf => {
            let o = render::docx::DocxOptions::draw(&mut d.root.fork(6));
            features.extend(o.features());
            return Rendered::Binary(render::docx::render(doc, &o));
        }
    };
    Rendered::Text(text)
}

/// The truth's last fields (encoding, features, path) and the report's file.
fn finish(
    mut d: Draft,
    plan: &Plan,
    index: u64,
    bytes: Vec<u8>,
    encoding: Encoding,
    mut truth: Truth,
) -> Generated {
    truth.encoding = encoding.name().into();
    d.note(format!("enc:{}", encoding.name()));
    let ext = match plan.layout {
        Layout::Html if d.plan.chance(0.2) => "htm",
        Layout::Html => "html",
        Layout::Docx => "docx",
        Layout::WordPdf => "pdf",
        _ => "txt",
    };
    truth.features = d.features;
    let rel_path = format!("{}/{}/{:07}.{ext}", plan.issuer.slug, plan.year, index);
    truth.path = rel_path.clone();
    Generated {
        rel_path,
        bytes,
        print_to_pdf: plan.layout == Layout::WordPdf,
        truth,
        applications: None,
    }
}

/// What a corpus run wrote.
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
pub struct Manifest {
    /// Generator name and crate version.
    pub generator: String,
    /// Seed.
    pub seed: u64,
    /// Reports.
    pub count: u64,
    /// Identity-break rate.
    pub break_rate: f64,
    /// Layouts restricted to (empty: all).
    pub layouts: Vec<String>,
    /// Bytes of all report files.
    pub bytes: u64,
    /// Reports per layout.
    pub per_layout: std::collections::BTreeMap<String, u64>,
    /// Wall time of the generation, seconds.
    pub seconds: f64,
}

/// Generate `count` reports into `out` (`reports/`, `truth.jsonl`, `manifest.json`).
///
/// `word_pdf` reports are written as `.docx` to `out/.word_pdf/`, printed to
/// PDF there by LibreOffice in batches ([`pdf_print`]), and moved into place.
/// When `word_pdf` may be drawn (it is in `opts.layouts`, or that is empty)
/// and `soffice` cannot be found, nothing is written and the error says what
/// to install.
pub fn write_corpus(opts: &SynthOptions, count: u64, out: &Path) -> std::io::Result<Manifest> {
    use rayon::prelude::*;
    let started = std::time::Instant::now();
    let may_print = opts.layouts.is_empty() || opts.layouts.contains(&Layout::WordPdf);
    let soffice = if may_print && count > 0 {
        Some(pdf_print::soffice().ok_or_else(|| {
            std::io::Error::new(std::io::ErrorKind::NotFound, pdf_print::SOFFICE_MISSING)
        })?)
    } else {
        None
    };
    let staging = out.join(".word_pdf");
    let reports = out.join("reports");
    std::fs::create_dir_all(&reports)?;
    if soffice.is_some() {
        let _ = std::fs::remove_dir_all(&staging);
        std::fs::create_dir_all(&staging)?;
    }
    let _ = std::fs::remove_file(out.join("manifest.json"));
    let mut truth_file =
        std::io::BufWriter::with_capacity(1 << 20, std::fs::File::create(out.join("truth.jsonl"))?);
    let mut manifest = Manifest {
        generator: format!("xxgk-synth {}", env!("CARGO_PKG_VERSION")),
        seed: opts.seed,
        count,
        break_rate: opts.break_rate,
        layouts: opts.layouts.iter().map(|l| l.name().to_string()).collect(),
        ..Manifest::default()
    };
    const CHUNK: u64 = 2048;
    let mut start = 0;
    while start < count {
        let end = (start + CHUNK).min(count);
        type Line = (String, u64, String, Option<(PathBuf, PathBuf)>);
        let lines: Vec<std::io::Result<Line>> = (start..end)
            .into_par_iter()
            .map(|i| {
                let g = generate_one(opts, i);
                let path = reports.join(&g.rel_path);
                if let Some(dir) = path.parent() {
                    std::fs::create_dir_all(dir)?;
                }
                let pending = if g.print_to_pdf {
                    let docx = staging.join(format!("{i:07}.docx"));
                    std::fs::write(&docx, &g.bytes)?;
                    Some((docx, path))
                } else {
                    std::fs::write(&path, &g.bytes)?;
                    None
                };
                let line = serde_json::to_string(&g.truth).map_err(std::io::Error::other)?;
                Ok((line, g.bytes.len() as u64, g.truth.layout, pending))
            })
            .collect();
        let mut lines = lines.into_iter().collect::<std::io::Result<Vec<Line>>>()?;
        let pending: Vec<(usize, PathBuf, PathBuf)> = lines
            .iter()
            .enumerate()
            .filter_map(|(k, l)| l.3.clone().map(|(d, p)| (k, d, p)))
            .collect();
        if !pending.is_empty() {
            let program = soffice.as_deref().ok_or_else(|| {
                std::io::Error::new(std::io::ErrorKind::NotFound, pdf_print::SOFFICE_MISSING)
            })?;
            // One soffice run per batch; batches side by side, one per worker.
            let workers = rayon::current_num_threads().clamp(1, pending.len().div_ceil(8));
            let per = pending.len().div_ceil(workers);
            let docx: Vec<PathBuf> = pending.iter().map(|p| p.1.clone()).collect();
            docx.par_chunks(per)
                .map(|batch| pdf_print::convert_batch(program, batch))
                .collect::<std::io::Result<Vec<()>>>()?;
            for (k, docx, path) in pending {
                let pdf = docx.with_extension("pdf");
                let mut bytes = std::fs::read(&pdf)?;
                pdf_print::normalise(&mut bytes, opts.seed ^ (start + k as u64));
                std::fs::write(&path, &bytes)?;
                std::fs::remove_file(&pdf)?;
                std::fs::remove_file(&docx)?;
                lines[k].1 = bytes.len() as u64;
            }
        }
        for (line, bytes, layout, _) in lines {
            truth_file.write_all(line.as_bytes())?;
            truth_file.write_all(b"\n")?;
            manifest.bytes += bytes;
            *manifest.per_layout.entry(layout).or_default() += 1;
        }
        start = end;
    }
    truth_file.flush()?;
    let _ = std::fs::remove_dir(&staging);
    manifest.seconds = started.elapsed().as_secs_f64();
    std::fs::write(
        out.join("manifest.json"),
        serde_json::to_vec_pretty(&manifest).map_err(std::io::Error::other)?,
    )?;
    Ok(manifest)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deterministic_and_independent_of_order() {
        let opts = SynthOptions::default();
        let a: Vec<Vec<u8>> = (0..40).map(|i| generate_one(&opts, i).bytes).collect();
        let b: Vec<Vec<u8>> = (0..40)
            .rev()
            .map(|i| generate_one(&opts, i).bytes)
            .collect();
        let b: Vec<Vec<u8>> = b.into_iter().rev().collect();
        assert_eq!(a, b);
        let other = SynthOptions {
            seed: 2,
            ..SynthOptions::default()
        };
        assert_ne!(a[0], generate_one(&other, 0).bytes);
    }

    #[test]
    fn truth_is_complete() {
        let opts = SynthOptions::default();
        for i in 0..300 {
            let g = generate_one(&opts, i);
            let t = &g.truth;
            assert!(!t.title.is_empty() && !t.agency.is_empty());
            assert!(
                t.title.contains(&t.agency) || t.title.contains(&t.agency.replace(' ', "")),
                "{t:?}"
            );
            match t.template.as_str() {
                "2019" | "2021" => {
                    let a = t.active.values().map(|m| m.len()).sum::<usize>();
                    assert!(a == 22 || a == 10, "{a} {}", t.path);
                    assert!(t.applications.len() == 23 || t.applications.len() == 25);
                    assert_eq!(t.review.len(), 3);
                }
                _ => assert_eq!(t.cell_count(), 0),
            }
            assert!(g.bytes.len() > 1000, "{}", g.bytes.len());
        }
    }
}
