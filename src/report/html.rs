//! The page: one self-contained HTML file with inline CSS and SVG.
//!
//! No script, no external resource of any kind (fonts, images, styles): the
//! page opens from disk, offline, and its Content-Security-Policy
//! (`default-src 'none'`) makes the browser refuse anything else, should a
//! later change try. Every text from the data is escaped ([`escape`]). The
//! page holds no timestamp: the same dataset gives the same bytes.

use super::aggregate::{
    Coverage, CrossTally, IdentityBreaks, NarrativeDisagreements, Ranked, Tally, Totals,
    YearApplications, IDENTITY_RULES,
};
use super::read::{FindingDetail, Outcome, ReportRow};
use super::svg::{self, colour, escape, number, percent, BarRow, Bars, Series};
use std::fmt::Write as _;

/// The ids of the page's figures, in page order (tests look them up).
pub const FIGURE_IDS: [&str; 9] = [
    "coverage",
    "identity-breaks-by-rule",
    "identity-breaks-by-province",
    "cross-report-checks",
    "applications",
    "outcome-mix",
    "rejects",
    "narrative-disagreements",
    "worst-reports",
];

/// At most this many findings are listed per worst report.
pub const FINDINGS_LISTED: usize = 50;

/// One of the worst reports, ready to print.
#[derive(Debug, Clone, PartialEq)]
pub struct WorstEntry {
    /// Its rank and counts.
    pub rank: Ranked,
    /// The report.
    pub report: ReportRow,
    /// A link to its source (`file:///…`), when the file was found.
    pub href: Option<String>,
    /// Its error and warning findings, in dataset order.
    pub findings: Vec<FindingDetail>,
}

/// Everything the page shows.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Page {
    /// Headline numbers.
    pub totals: Totals,
    /// Reports per region and year.
    pub coverage: Coverage,
    /// Identity breaks per rule and region.
    pub breaks: IdentityBreaks,
    /// Findings across reports per rule.
    pub cross: Vec<CrossTally>,
    /// Table B per year.
    pub applications: Vec<YearApplications>,
    /// Rejects per reason.
    pub rejects: Vec<Tally>,
    /// Narrative figures against the tables.
    pub narrative: NarrativeDisagreements,
    /// The worst reports.
    pub worst: Vec<WorstEntry>,
    /// Part files of uncommitted runs that were ignored.
    pub ignored_files: usize,
}

const STYLE: &str = r#"
:root { color-scheme: light; }
body { font: 14px/1.45 system-ui, "Noto Sans CJK SC", "WenQuanYi Micro Hei", "Microsoft YaHei", sans-serif;
  margin: 0 auto; max-width: 940px; padding: 16px 24px 48px; color: #1a1a1a; background: #fff; }
h1 { font-size: 24px; margin: 8px 0 4px; }
h2 { font-size: 17px; margin: 0 0 2px; }
h3 { font-size: 14px; margin: 14px 0 2px; }
p.lead, figcaption p, .meta { color: #444; margin: 2px 0; }
dl.totals { display: grid; grid-template-columns: repeat(5, 1fr); gap: 8px; margin: 14px 0; }
dl.totals div { border: 1px solid #ddd; border-radius: 6px; padding: 6px 10px; }
dl.totals dt { font-size: 12px; color: #555; }
dl.totals dd { margin: 0; font-size: 20px; font-weight: 600; }
nav { margin: 8px 0 16px; font-size: 13px; }
nav a { margin-right: 12px; }
figure { margin: 28px 0; padding-top: 8px; border-top: 1px solid #e4e4e4; }
figcaption { margin-bottom: 8px; }
svg.chart { display: block; max-width: 100%; height: auto; font-size: 12px; }
svg .axis { stroke: #333; stroke-width: 1; }
svg .grid { stroke: #e2e2e2; stroke-width: 1; }
svg .tick, svg .note, svg .legend { fill: #444; }
svg .label { fill: #1a1a1a; }
svg .link { fill: #0b57a4; text-decoration: underline; }
svg .axis-title { fill: #1a1a1a; font-weight: 600; }
svg .empty { fill: #777; font-style: italic; }
svg .cell { font-size: 11px; }
svg .vacant { fill: #fff; stroke: #e2e2e2; stroke-width: 1; }
svg .line { fill: none; stroke: #d55e00; stroke-width: 2; }
svg .point { fill: #d55e00; stroke: #fff; stroke-width: 1; }
details { margin-top: 6px; font-size: 13px; }
table { border-collapse: collapse; margin: 6px 0; font-size: 12.5px; }
th, td { border-bottom: 1px solid #e4e4e4; padding: 2px 8px; text-align: left; vertical-align: top; }
td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; }
ol.worst { padding-left: 22px; }
ol.worst td { max-width: 360px; overflow-wrap: anywhere; }
.sev-error { color: #b02a00; font-weight: 600; }
.sev-warning { color: #8a5a00; }
code { font-size: 12px; overflow-wrap: anywhere; }
footer { margin-top: 36px; color: #666; font-size: 12px; }
"#;

/// Render the page.
pub fn render(page: &Page) -> String {
    let mut out = String::with_capacity(64 * 1024);
    out.push_str("<!DOCTYPE html>\n<html lang=\"zh-Hans\">\n<head>\n<meta charset=\"utf-8\">\n");
    out.push_str(
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'\">\n",
    );
    out.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
    out.push_str("<title>xxgk data quality report</title>\n<style>");
    out.push_str(STYLE);
    out.push_str("</style>\n</head>\n<body>\n");
    header(&mut out, page);
    coverage(&mut out, &page.coverage);
    breaks_by_rule(&mut out, &page.breaks);
    breaks_by_region(&mut out, &page.breaks);
    cross_checks(&mut out, &page.cross);
    applications(&mut out, &page.applications);
    outcome_mix(&mut out, &page.applications);
    rejects(&mut out, &page.rejects, page.totals.rejects);
    narrative(&mut out, &page.narrative);
    worst(&mut out, &page.worst);
    let _ = write!(
        out,
        "<footer>Written by xxgk {} from the dataset's committed runs (schema version {}; last run {}). \
         How every number is computed: docs/quality-report.md.</footer>\n</body>\n</html>\n",
        env!("CARGO_PKG_VERSION"),
        xxgk_schema::SCHEMA_VERSION,
        escape(&page.totals.last_run),
    );
    out
}

fn header(out: &mut String, page: &Page) {
    let t = &page.totals;
    out.push_str("<header>\n<h1>政府信息公开工作年度报告 — data quality report</h1>\n");
    let _ = writeln!(
        out,
        "<p class=\"lead\">The latest version of every report in the dataset, once ({} superseded \
         by a correction and {} of a report in another file left out), from {} (the last: {}).</p>",
        counted(t.superseded, "earlier version", "earlier versions"),
        counted(t.copies, "copy", "copies"),
        counted(t.runs, "committed run", "committed runs"),
        escape(&t.last_run)
    );
    if page.ignored_files > 0 {
        let _ = writeln!(
            out,
            "<p class=\"lead\">Ignored: {} that no committed run wrote.</p>",
            counted(page.ignored_files as u64, "part file", "part files")
        );
    }
    out.push_str("</header>\n<dl class=\"totals\">\n");
    let share = |n: u64| {
        if t.reports == 0 {
            String::new()
        } else {
            format!(" <small>({})</small>", percent(n as f64 / t.reports as f64))
        }
    };
    let items = [
        ("n-reports", "reports", number(t.reports as f64)),
        (
            "n-complete",
            "complete (status ok)",
            format!("{}{}", number(t.complete as f64), share(t.complete)),
        ),
        ("n-errors", "error findings", number(t.errors as f64)),
        ("n-warnings", "warning findings", number(t.warnings as f64)),
        ("n-rejects", "rejected inputs", number(t.rejects as f64)),
    ];
    for (id, label, value) in items {
        let _ = writeln!(
            out,
            "<div><dt>{label}</dt><dd id=\"{id}\">{value}</dd></div>"
        );
    }
    out.push_str("</dl>\n<nav>");
    for id in FIGURE_IDS {
        let _ = write!(out, "<a href=\"#{id}\">{}</a>", id.replace('-', " "));
    }
    out.push_str("</nav>\n");
}

/// Open a figure: id, heading, what it shows and how it is computed.
fn figure(out: &mut String, id: &str, title: &str, how: &str) {
    let _ = write!(
        out,
        "<figure id=\"{id}\">\n<figcaption><h2>{}</h2><p>{how}</p></figcaption>\n",
        escape(title)
    );
}

/// A table of numbers under a chart, folded.
fn numbers_table(out: &mut String, head: &[&str], rows: &[Vec<String>]) {
    out.push_str("<details><summary>Numbers</summary><table><thead><tr>");
    for (i, h) in head.iter().enumerate() {
        let class = if i == 0 { "" } else { " class=\"n\"" };
        let _ = write!(out, "<th{class}>{}</th>", escape(h));
    }
    out.push_str("</tr></thead><tbody>");
    for row in rows {
        out.push_str("<tr>");
        for (i, cell) in row.iter().enumerate() {
            let class = if i == 0 { "" } else { " class=\"n\"" };
            let _ = write!(out, "<td{class}>{}</td>", escape(cell));
        }
        out.push_str("</tr>");
    }
    out.push_str("</tbody></table></details>\n");
}

/// `1 report`, `2,000 reports`.
fn counted(n: u64, one: &str, many: &str) -> String {
    format!("{} {}", number(n as f64), if n == 1 { one } else { many })
}

fn reports(n: u64) -> String {
    counted(n, "report", "reports")
}

fn year_label(year: Option<i32>) -> String {
    year.map(|y| y.to_string())
        .unwrap_or_else(|| "unknown".into())
}

fn coverage(out: &mut String, c: &Coverage) {
    figure(
        out,
        "coverage",
        "Coverage: reports by province and year",
        "Each cell counts the reports of a province-level region (<code>region</code> partition) and \
         year; its colour is the share of them complete (<code>status = ok</code>: all three tables \
         read whole), from red (none) to blue (all).",
    );
    let rows: Vec<String> = c.regions.iter().map(|r| r.text()).collect();
    let columns: Vec<String> = c.years.iter().map(|y| year_label(*y)).collect();
    let cells = c
        .cells
        .iter()
        .zip(&rows)
        .map(|(row, region)| {
            row.iter()
                .zip(&columns)
                .map(|(cell, year)| {
                    (cell.reports > 0).then(|| svg::HeatCell {
                        text: number(cell.reports as f64),
                        shade: cell.share(),
                        tip: format!(
                            "{region}, {year}: {}, {} complete ({})",
                            reports(cell.reports),
                            number(cell.complete as f64),
                            percent(cell.share())
                        ),
                    })
                })
                .collect()
        })
        .collect();
    out.push_str(&svg::heatmap(&svg::Heatmap {
        title: "Reports by province and year; colour: share complete".into(),
        x_label: "year covered".into(),
        y_label: "province-level region".into(),
        rows: rows.clone(),
        columns: columns.clone(),
        cells,
        scale_label: "share complete (status ok):".into(),
    }));
    let mut table = Vec::new();
    for (region, row) in rows.iter().zip(&c.cells) {
        for (year, cell) in columns.iter().zip(row) {
            if cell.reports > 0 {
                table.push(vec![
                    format!("{region} {year}"),
                    number(cell.reports as f64),
                    number(cell.complete as f64),
                    percent(cell.share()),
                ]);
            }
        }
    }
    numbers_table(
        out,
        &["region, year", "reports", "complete", "share complete"],
        &table,
    );
    out.push_str("</figure>\n");
}

fn breaks_by_rule(out: &mut String, b: &IdentityBreaks) {
    figure(
        out,
        "identity-breaks-by-rule",
        "Identity breaks by rule",
        &format!(
            "Findings of the rules that check a report's own sums ({}): {} in {}. \
             A break means the report's printed numbers contradict each other.",
            IDENTITY_RULES
                .map(|r| format!("<code>{r}</code>"))
                .join(", "),
            counted(b.findings, "break", "breaks"),
            reports(b.reports)
        ),
    );
    let rows = b
        .by_rule
        .iter()
        .map(|t| BarRow {
            label: t.label.clone(),
            href: None,
            values: vec![t.count as f64],
            note: format!("{} in {}", number(t.count as f64), reports(t.reports)),
        })
        .collect();
    out.push_str(&svg::bars(&Bars {
        title: "Identity breaks by rule".into(),
        x_label: "findings (severity error)".into(),
        y_label: "rule".into(),
        series: vec![Series {
            name: "breaks".into(),
            colour: colour::VERMILLION,
        }],
        rows,
    }));
    let table: Vec<Vec<String>> = b
        .by_rule
        .iter()
        .map(|t| {
            vec![
                t.label.clone(),
                number(t.count as f64),
                number(t.reports as f64),
            ]
        })
        .collect();
    numbers_table(out, &["rule", "findings", "reports"], &table);
    out.push_str("</figure>\n");
}

fn breaks_by_region(out: &mut String, b: &IdentityBreaks) {
    figure(
        out,
        "identity-breaks-by-province",
        "Identity breaks by province",
        "Reports with at least one identity break, per province-level region, and their share of \
         the region's reports.",
    );
    let rows = b
        .by_region
        .iter()
        .map(|t| BarRow {
            label: t.label.clone(),
            href: None,
            values: vec![t.reports as f64],
            note: format!(
                "{} of {} ({})",
                number(t.reports as f64),
                number(t.of as f64),
                percent(if t.of == 0 {
                    0.0
                } else {
                    t.reports as f64 / t.of as f64
                })
            ),
        })
        .collect();
    out.push_str(&svg::bars(&Bars {
        title: "Reports with an identity break, by province".into(),
        x_label: "reports with at least one break".into(),
        y_label: "province-level region".into(),
        series: vec![Series {
            name: "reports".into(),
            colour: colour::VERMILLION,
        }],
        rows,
    }));
    let table: Vec<Vec<String>> = b
        .by_region
        .iter()
        .map(|t| {
            vec![
                t.label.clone(),
                number(t.count as f64),
                number(t.reports as f64),
                number(t.of as f64),
            ]
        })
        .collect();
    numbers_table(
        out,
        &["region", "breaks", "reports with a break", "reports"],
        &table,
    );
    out.push_str("</figure>\n");
}

fn cross_checks(out: &mut String, tallies: &[CrossTally]) {
    figure(
        out,
        "cross-report-checks",
        "Checks across reports",
        "Findings that compare a report with another of the same issuer (<code>cross_findings</code>): \
         <code>carryover_mismatch</code> (上年结转 of year N is not 结转下年度 of year N−1), \
         <code>applications_jump</code> (本年新收 tenfold up or down), <code>conflicting_reports</code> \
         (two files of one issuer and year with different cells), <code>same_report_other_file</code> \
         (a copy in another file: counted once everywhere on this page).",
    );
    let rows = tallies
        .iter()
        .map(|t| BarRow {
            label: t.rule.clone(),
            href: None,
            values: vec![t.warnings as f64, t.infos as f64],
            note: format!(
                "{} in {}",
                number((t.warnings + t.infos) as f64),
                reports(t.reports)
            ),
        })
        .collect();
    out.push_str(&svg::bars(&Bars {
        title: "Findings across reports by rule".into(),
        x_label: "findings (cross_findings)".into(),
        y_label: "rule".into(),
        series: vec![
            Series {
                name: "warning".into(),
                colour: colour::ORANGE,
            },
            Series {
                name: "info".into(),
                colour: colour::GREY,
            },
        ],
        rows,
    }));
    let table: Vec<Vec<String>> = tallies
        .iter()
        .map(|t| {
            vec![
                t.rule.clone(),
                number(t.warnings as f64),
                number(t.infos as f64),
                number(t.reports as f64),
            ]
        })
        .collect();
    numbers_table(out, &["rule", "warnings", "info", "reports"], &table);
    out.push_str("</figure>\n");
}

fn applications(out: &mut String, years: &[YearApplications]) {
    figure(
        out,
        "applications",
        "Applications received and the share granted",
        "Columns: applications received (table B row <code>new</code>, column <code>total</code>) \
         summed over the year's reports. Line: the share granted in full (row <code>granted</code>) \
         of those received, over the reports that print both numbers.",
    );
    let x: Vec<String> = years.iter().map(|y| y.year.to_string()).collect();
    out.push_str(&svg::columns_line(&svg::ColumnsLine {
        title: "Applications received and share granted, by year".into(),
        x_label: "year covered".into(),
        y_label: "applications received".into(),
        y2_label: "share granted".into(),
        columns_series: Series {
            name: "received (本年新收)".into(),
            colour: colour::BLUE,
        },
        line_series: Series {
            name: "share granted (予以公开)".into(),
            colour: colour::VERMILLION,
        },
        x,
        columns: years.iter().map(|y| y.received as f64).collect(),
        line: years.iter().map(YearApplications::granted_share).collect(),
        tips: years
            .iter()
            .map(|y| {
                format!(
                    "{}: {} received in {}",
                    y.year,
                    number(y.received as f64),
                    reports(y.reporting)
                )
            })
            .collect(),
    }));
    let table: Vec<Vec<String>> = years
        .iter()
        .map(|y| {
            vec![
                y.year.to_string(),
                number(y.reporting as f64),
                number(y.received as f64),
                number(y.granted as f64),
                y.granted_share().map(percent).unwrap_or_else(|| "–".into()),
            ]
        })
        .collect();
    numbers_table(
        out,
        &["year", "reports", "received", "granted", "share granted"],
        &table,
    );
    out.push_str("</figure>\n");
}

fn outcome_colour(o: Outcome) -> &'static str {
    match o {
        Outcome::Granted => colour::GREEN,
        Outcome::Partial => colour::SKY,
        Outcome::Denied => colour::VERMILLION,
        Outcome::Unavailable => colour::ORANGE,
        Outcome::NotProcessed => colour::PURPLE,
        Outcome::Other => colour::GREY,
    }
}

fn outcome_mix(out: &mut String, years: &[YearApplications]) {
    figure(
        out,
        "outcome-mix",
        "Outcome mix",
        "How the applications handled were decided, per year: table B's outcome rows (办理结果, \
         column <code>total</code>) in six groups, each as a share of their sum.",
    );
    out.push_str(&svg::stacked(&svg::Stacked {
        title: "Outcomes of the applications handled, by year".into(),
        x_label: "year covered".into(),
        y_label: "share of outcomes".into(),
        series: Outcome::ALL
            .iter()
            .map(|o| Series {
                name: o.label().into(),
                colour: outcome_colour(*o),
            })
            .collect(),
        x: years.iter().map(|y| y.year.to_string()).collect(),
        values: years
            .iter()
            .map(|y| y.outcomes.iter().map(|n| *n as f64).collect())
            .collect(),
    }));
    let mut head = vec!["year".to_string()];
    head.extend(Outcome::ALL.iter().map(|o| o.code().to_string()));
    head.push("handled".into());
    let head: Vec<&str> = head.iter().map(String::as_str).collect();
    let table: Vec<Vec<String>> = years
        .iter()
        .map(|y| {
            let mut row = vec![y.year.to_string()];
            row.extend(y.outcomes.iter().map(|n| number(*n as f64)));
            row.push(number(y.outcomes_total() as f64));
            row
        })
        .collect();
    numbers_table(out, &head, &table);
    out.push_str("</figure>\n");
}

fn rejects(out: &mut String, tallies: &[Tally], total: u64) {
    figure(
        out,
        "rejects",
        "Rejects by reason",
        &format!(
            "Inputs that could not be read as a report ({} in all), by <code>rejects.reason</code>.",
            number(total as f64)
        ),
    );
    let rows = tallies
        .iter()
        .map(|t| BarRow {
            label: t.label.clone(),
            href: None,
            values: vec![t.count as f64],
            note: number(t.count as f64),
        })
        .collect();
    out.push_str(&svg::bars(&Bars {
        title: "Rejected inputs by reason".into(),
        x_label: "inputs".into(),
        y_label: "reason".into(),
        series: vec![Series {
            name: "rejects".into(),
            colour: colour::GREY,
        }],
        rows,
    }));
    out.push_str("</figure>\n");
}

fn narrative(out: &mut String, n: &NarrativeDisagreements) {
    figure(
        out,
        "narrative-disagreements",
        "Narrative figures that disagree with the tables",
        &format!(
            "Figures the text states (主动公开…条, 收到申请…件, …) that differ from their table cell \
             (rule <code>narrative_disagrees</code>): {} in {}, by measure.",
            number(n.findings as f64),
            reports(n.reports)
        ),
    );
    let rows = n
        .by_measure
        .iter()
        .map(|t| BarRow {
            label: t.label.clone(),
            href: None,
            values: vec![t.count as f64],
            note: format!("{} in {}", number(t.count as f64), reports(t.reports)),
        })
        .collect();
    out.push_str(&svg::bars(&Bars {
        title: "Narrative disagreements by measure".into(),
        x_label: "findings (narrative_disagrees)".into(),
        y_label: "measure".into(),
        series: vec![Series {
            name: "disagreements".into(),
            colour: colour::ORANGE,
        }],
        rows,
    }));
    out.push_str("</figure>\n");
}

/// `title` else agency else report id, with the year.
fn report_name(r: &ReportRow) -> String {
    r.title
        .clone()
        .or_else(|| r.agency.clone())
        .unwrap_or_else(|| r.report_id.clone())
}

fn worst(out: &mut String, entries: &[WorstEntry]) {
    figure(
        out,
        "worst-reports",
        "The reports with the most problems",
        &format!(
            "The {} with the most error findings, then warnings (at most {}); each with its \
             findings and a link to its source file.",
            reports(entries.len() as u64),
            super::aggregate::WORST_REPORTS
        ),
    );
    let rows = entries
        .iter()
        .enumerate()
        .map(|(i, e)| BarRow {
            label: format!("{}. {}", i + 1, report_name(&e.report)),
            href: Some(format!("#report-{}", i + 1)),
            values: vec![e.rank.errors as f64, e.rank.warnings as f64],
            note: format!(
                "{}, {}",
                counted(e.rank.errors, "error", "errors"),
                counted(e.rank.warnings, "warning", "warnings")
            ),
        })
        .collect();
    out.push_str(&svg::bars(&Bars {
        title: "Error and warning findings of the worst reports".into(),
        x_label: "findings".into(),
        y_label: "report".into(),
        series: vec![
            Series {
                name: "errors".into(),
                colour: colour::VERMILLION,
            },
            Series {
                name: "warnings".into(),
                colour: colour::ORANGE,
            },
        ],
        rows,
    }));
    out.push_str("<ol class=\"worst\">\n");
    for (i, e) in entries.iter().enumerate() {
        worst_entry(out, i + 1, e);
    }
    out.push_str("</ol>\n</figure>\n");
}

fn worst_entry(out: &mut String, rank: usize, e: &WorstEntry) {
    let r = &e.report;
    let _ = write!(
        out,
        "<li id=\"report-{rank}\"><h3>{}</h3>\n<p class=\"meta\">",
        escape(&report_name(r))
    );
    let mut meta = Vec::new();
    if let Some(agency) = &r.agency {
        meta.push(escape(agency));
    }
    meta.push(escape(&format!(
        "{} {}",
        r.partition.region.as_deref().unwrap_or("unresolved region"),
        year_label(r.partition.year)
    )));
    meta.push(format!("status {}", escape(&r.status)));
    meta.push(format!("<code>{}</code>", escape(&r.report_id)));
    let source = match &e.href {
        Some(href) => format!(
            "source <a href=\"{}\"><code>{}</code></a>",
            escape(href),
            escape(&r.source_path)
        ),
        None => format!(
            "source <code>{}</code> (not found here)",
            escape(&r.source_path)
        ),
    };
    meta.push(source);
    out.push_str(&meta.join(" · "));
    out.push_str("</p>\n<table><thead><tr><th>severity</th><th>rule</th><th>subject</th><th>expected</th><th>actual</th><th>message</th></tr></thead><tbody>\n");
    for f in e.findings.iter().take(FINDINGS_LISTED) {
        let _ = writeln!(
            out,
            "<tr><td class=\"sev-{sev}\">{sev}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            escape(&f.rule),
            escape(&f.subject),
            escape(f.expected.as_deref().unwrap_or("")),
            escape(f.actual.as_deref().unwrap_or("")),
            escape(&f.message),
            sev = f.severity.name(),
        );
    }
    if e.findings.len() > FINDINGS_LISTED {
        let _ = writeln!(
            out,
            "<tr><td colspan=\"6\">… and {} more</td></tr>",
            e.findings.len() - FINDINGS_LISTED
        );
    }
    out.push_str("</tbody></table></li>\n");
}

/// A `file://` URL for an absolute local path, percent-encoding every byte
/// but the unreserved ones and `/`.
pub fn file_url(path: &std::path::Path) -> String {
    let text = path.to_string_lossy();
    let mut url = String::from("file://");
    if !text.starts_with('/') {
        url.push('/'); // a Windows drive path
    }
    for b in text.replace('\\', "/").bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/:".contains(&b) {
            url.push(b as char);
        } else {
            let _ = write!(url, "%{b:02X}");
        }
    }
    url
}
