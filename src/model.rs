//! The typed values passed between pipeline stages.
//!
//! walk → [`SourceFile`] → decode → [`Document`] → parse → [`ParsedReport`]
//! → validate (adds [`Finding`]s) → region ([`Region`]) → sink ([`Outcome`]).
//!
//! Cells keep three states apart ([`CellState`]): a number that was read, a
//! blank cell in a table that is present, and a cell that is missing because the
//! row or table is absent. A blank is never turned into 0.

use std::fmt;
use std::path::PathBuf;
use std::sync::Arc;

/// One input file found by the walker, with its position in the sorted input list.
#[derive(Debug, Clone)]
pub struct SourceFile {
    /// Position in the deterministic (sorted) input order; results are written in this order.
    pub index: usize,
    /// Absolute or caller-relative path used to open the file.
    pub path: PathBuf,
    /// Path relative to the input root it was found under (forward slashes).
    pub rel_path: String,
}

/// The container format of an input, from its extension and leading bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SourceFormat {
    /// Plain text (any supported encoding).
    Text,
    /// An HTML page.
    Html,
    /// An Office Open XML Word document.
    Docx,
    /// A PDF document.
    Pdf,
}

impl SourceFormat {
    /// The code written to `reports.source_format`.
    pub fn as_str(self) -> &'static str {
        match self {
            SourceFormat::Text => "text",
            SourceFormat::Html => "html",
            SourceFormat::Docx => "docx",
            SourceFormat::Pdf => "pdf",
        }
    }
}

/// One slot of a table grid. Spans are expanded: a cell spanning several slots
/// repeats its text in each, and every slot but the first is marked `spanned`,
/// so labels are visible in every row they cover while values are read once.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Cell {
    /// The cell's text, whitespace-trimmed (inner text of the cell).
    pub text: String,
    /// True for a slot covered by a rowspan/colspan whose origin is another slot.
    pub spanned: bool,
}

impl Cell {
    /// A cell that is its own origin.
    pub fn new(text: impl Into<String>) -> Self {
        Cell {
            text: text.into(),
            spanned: false,
        }
    }
}

/// One block of a decoded document, in reading order.
#[derive(Debug, Clone, PartialEq)]
pub enum Block {
    /// A line or paragraph of running text. Text-format tables also arrive as
    /// lines (the parser finds their cells from the layout).
    Line(String),
    /// A table whose cells the source format marks explicitly (HTML, DOCX), one
    /// `Vec<Cell>` per row, spans expanded.
    Table(Vec<Vec<Cell>>),
    /// A page break (form feed): column positions of space-aligned text are
    /// only comparable within a page.
    PageBreak,
}

/// The decoder's output: what every input format is turned into, and all the parser sees.
#[derive(Debug, Clone, PartialEq)]
pub struct Document {
    /// Format the document was decoded from.
    pub format: SourceFormat,
    /// Character encoding detected or declared (`UTF-8`, `GB18030`, `UTF-16LE`, …).
    pub encoding: String,
    /// Lines and tables in reading order.
    pub blocks: Vec<Block>,
    /// What the decoder had to do to read the bytes (e.g. `encoding_repaired`);
    /// they join the report's findings.
    pub findings: Vec<Finding>,
}

impl Document {
    /// The text lines, in order (tables and page breaks left out).
    pub fn lines(&self) -> impl Iterator<Item = &str> {
        self.blocks.iter().filter_map(|b| match b {
            Block::Line(l) => Some(l.as_str()),
            Block::Table(_) | Block::PageBreak => None,
        })
    }

    /// The table grids, in order.
    pub fn tables(&self) -> impl Iterator<Item = &Vec<Vec<Cell>>> {
        self.blocks.iter().filter_map(|b| match b {
            Block::Table(t) => Some(t),
            Block::Line(_) | Block::PageBreak => None,
        })
    }

    /// All text of the document, tables flattened row by row with tabs, for
    /// metadata and region evidence searches.
    pub fn plain_text(&self) -> String {
        // Sized once: no regrowth (this runs for every report).
        let size = self
            .blocks
            .iter()
            .map(|block| match block {
                Block::Line(line) => line.len() + 1,
                Block::PageBreak => 0,
                Block::Table(rows) => rows.iter().flatten().map(|c| c.text.len() + 1).sum(),
            })
            .sum();
        let mut out = String::with_capacity(size);
        for block in &self.blocks {
            match block {
                Block::Line(line) => {
                    out.push_str(line);
                    out.push('\n');
                }
                Block::PageBreak => {}
                Block::Table(rows) => {
                    for row in rows {
                        let mut cells = row.iter().filter(|c| !c.spanned);
                        if let Some(first) = cells.next() {
                            out.push_str(&first.text);
                        }
                        for cell in cells {
                            out.push('\t');
                            out.push_str(&cell.text);
                        }
                        out.push('\n');
                    }
                }
            }
        }
        out
    }
}

/// Which national format a report (or one of its tables) follows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Template {
    /// 2019 trial format (国办公开办函〔2019〕60号), reports for 2019 and 2020.
    V2019,
    /// Revised format (国办公开办函〔2021〕30号), reports for 2021 onwards.
    V2021,
    /// Narrative report without national tables (reports before 2019).
    Pre2019,
    /// Could not be told.
    Unknown,
}

impl Template {
    /// The code written to `reports.template`.
    pub fn as_str(self) -> &'static str {
        match self {
            Template::V2019 => "2019",
            Template::V2021 => "2021",
            Template::Pre2019 => "pre2019",
            Template::Unknown => "unknown",
        }
    }
}

/// Whether a report's tables were all read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReportStatus {
    /// All three tables found and complete.
    Ok,
    /// Some tables or rows are missing (truncated or absent).
    Partial,
    /// No national table at all (narrative report).
    NoTables,
}

impl ReportStatus {
    /// The code written to `reports.status`.
    pub fn as_str(self) -> &'static str {
        match self {
            ReportStatus::Ok => "ok",
            ReportStatus::Partial => "partial",
            ReportStatus::NoTables => "no_tables",
        }
    }
}

/// The state of one table cell.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CellState {
    /// A value was read (possibly 0).
    Value,
    /// The cell exists in the table but is empty (or holds a placeholder such as `无`/`/`).
    Blank,
    /// The row or table that should hold the cell is absent (truncated or missing).
    Missing,
    /// The cell holds text that is not a number (kept in `raw`, with a finding).
    Invalid,
}

impl CellState {
    /// The code written to the `cell` columns.
    pub fn as_str(self) -> &'static str {
        match self {
            CellState::Value => "value",
            CellState::Blank => "blank",
            CellState::Missing => "missing",
            CellState::Invalid => "invalid",
        }
    }
}

/// One cell of table A (active disclosure).
#[derive(Debug, Clone, PartialEq)]
pub struct ActiveCell {
    /// Item code (`rules`, `normative_docs`, `licensing`, …).
    pub item: &'static str,
    /// The item label as printed.
    pub item_label: Arc<str>,
    /// Measure code (`made`, `published`, `public_total`, `prev_items`, `change`, …).
    pub measure: &'static str,
    /// The number, normalised to 万元 for money with a known unit.
    pub value: Option<f64>,
    /// Unit of `value` (`万元` for normalised money, `个`/`件`/`项` as printed), or None.
    pub unit: Option<String>,
    /// Value, blank or missing.
    pub state: CellState,
    /// The cell text as printed (None when missing).
    pub raw: Option<String>,
}

/// One cell of table B (applications).
#[derive(Debug, Clone, PartialEq)]
pub struct ApplicationCell {
    /// Row code (`new`, `granted`, `denied.state_secret`, …).
    pub row: &'static str,
    /// The row label as printed (None when the row is missing).
    pub row_label: Option<Arc<str>>,
    /// Applicant column code (`natural_person`, …, `total`).
    pub applicant: &'static str,
    /// The count; None when blank or missing.
    pub count: Option<i64>,
    /// Value, blank or missing.
    pub state: CellState,
    /// The cell text as printed.
    pub raw: Option<String>,
}

/// One cell of table C (administrative review and litigation).
#[derive(Debug, Clone, PartialEq)]
pub struct ReviewCell {
    /// `review`, `litigation_direct` or `litigation_after_review`.
    pub proceeding: &'static str,
    /// `upheld`, `corrected`, `other`, `pending` or `total`.
    pub outcome: &'static str,
    /// The count; None when blank or missing.
    pub count: Option<i64>,
    /// Value, blank or missing.
    pub state: CellState,
    /// The cell text as printed.
    pub raw: Option<String>,
}

/// One finding across reports.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CrossFinding {
    /// The report the finding is about.
    pub report_id: String,
    /// The report it was compared with.
    pub other_report_id: String,
    /// Rule code (see `crosscheck`).
    pub rule: &'static str,
    /// How serious.
    pub severity: Severity,
    /// The issuer both reports are of (`region code/agency`).
    pub issuer: String,
    /// The agency as this report's title names it.
    pub agency: String,
    /// Its province-level slug.
    pub region: Option<String>,
    /// The year `report_id` covers.
    pub year: i32,
    /// The other report's value.
    pub expected: Option<String>,
    /// This report's value.
    pub actual: Option<String>,
    /// For humans.
    pub message: String,
}

/// How serious a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    /// Informational (e.g. a unit that is not stated).
    Info,
    /// Something a user should look at (a missing table, an ambiguous region).
    Warning,
    /// The report contradicts itself (a broken identity).
    Error,
}

impl Severity {
    /// The code written to `findings.severity`.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

/// Something noteworthy about a report: a broken identity, a truncated table,
/// an ambiguous region. Findings are data; they never change the numbers.
#[derive(Debug, Clone, PartialEq)]
pub struct Finding {
    /// Rule code, e.g. `B.column_balance`, `table_truncated`, `region.ambiguous`.
    pub rule: String,
    /// How serious it is.
    pub severity: Severity,
    /// What it is about, e.g. `applications:natural_person`.
    pub subject: String,
    /// The value the rule expects, when there is one.
    pub expected: Option<String>,
    /// The value found.
    pub actual: Option<String>,
    /// A sentence for humans.
    pub message: String,
}

impl Finding {
    /// A finding without expected/actual values.
    pub fn note(
        rule: &str,
        severity: Severity,
        subject: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        Finding {
            rule: rule.to_string(),
            severity,
            subject: subject.into(),
            expected: None,
            actual: None,
            message: message.into(),
        }
    }
}

/// A figure the report states in words (`召开新闻发布会十二场`).
#[derive(Debug, Clone, PartialEq)]
pub struct NarrativeFigure {
    /// What it counts (`active_disclosed`, `applications_received`, …).
    pub measure: &'static str,
    /// The number; money in 元.
    pub value: f64,
    /// The counting word as printed (`条`, `件`, `场`), `元` for money.
    pub unit: String,
    /// The figure and its unit as printed (`十二场`, `3000余条`).
    pub raw: String,
    /// The sentence it stands in.
    pub sentence: String,
}

/// What the parser reads from one document.
#[derive(Debug, Clone, PartialEq)]
pub struct ParsedReport {
    /// The report's title line(s), joined.
    pub title: Option<String>,
    /// The issuing body as the title names it.
    pub agency: Option<String>,
    /// The year the report covers.
    pub year: Option<i32>,
    /// When the page was published (`YYYY-MM-DD`), where the text says so.
    pub published: Option<String>,
    /// Template of the report as a whole.
    pub template: Template,
    /// Template per table (A, B, C) where the table was found.
    pub table_templates: [Option<Template>; 3],
    /// Table A cells.
    pub active: Vec<ActiveCell>,
    /// Table B cells.
    pub applications: Vec<ApplicationCell>,
    /// Table C cells.
    pub review: Vec<ReviewCell>,
    /// Figures the text states in words, in measure order.
    pub narrative: Vec<NarrativeFigure>,
    /// Findings from parsing and validation.
    pub findings: Vec<Finding>,
    /// ok / partial / no_tables.
    pub status: ReportStatus,
}

/// Administrative level of the issuing body's division.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AdminLevel {
    /// A body of the central government.
    Central,
    /// Province-level division.
    Province,
    /// Prefecture-level division.
    City,
    /// County-level division.
    County,
    /// Township or sub-district.
    Township,
}

impl AdminLevel {
    /// The code written to `reports.admin_level`.
    pub fn as_str(self) -> &'static str {
        match self {
            AdminLevel::Central => "central",
            AdminLevel::Province => "province",
            AdminLevel::City => "city",
            AdminLevel::County => "county",
            AdminLevel::Township => "township",
        }
    }
}

/// Where a report's issuer sits, as far as it could be resolved.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Region {
    /// Province-level name (`甘肃省`).
    pub province: Option<String>,
    /// Its 6-digit code (`620000`).
    pub province_code: Option<String>,
    /// Prefecture-level name (`张掖市`).
    pub city: Option<String>,
    /// Its code.
    pub city_code: Option<String>,
    /// County-level name (`临泽县`).
    pub county: Option<String>,
    /// Its code.
    pub county_code: Option<String>,
    /// The most specific code resolved.
    pub adcode: Option<String>,
    /// Level of the issuer.
    pub admin_level: Option<AdminLevel>,
    /// Partition slug (`gansu`, `central`); None → the NULL partition.
    pub slug: Option<String>,
    /// What the resolution rested on (`title`, `text:province`, `postcode`, …).
    pub basis: Option<String>,
}

/// A report, ready for the sink.
#[derive(Debug, Clone)]
pub struct Report {
    /// Stable id from the content (hex of the first 16 bytes of the BLAKE3 hash of the raw bytes).
    pub report_id: String,
    /// Path relative to the input root.
    pub source_path: String,
    /// Format decoded from.
    pub source_format: SourceFormat,
    /// Encoding detected.
    pub encoding: String,
    /// Size of the input in bytes.
    pub bytes: u64,
    /// What the parser read.
    pub parsed: ParsedReport,
    /// Where it comes from.
    pub region: Region,
    /// The report_id of the earlier version this report replaces (same source
    /// path, or same agency and year), set by the run when the dataset has one.
    pub supersedes: Option<String>,
}

/// Why an input could not be read as a report at all.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum RejectReason {
    /// The file could not be opened or read.
    Unreadable,
    /// Not a regular file (a device, FIFO or socket, after following links).
    NotAFile,
    /// Larger than `walk.max_file_bytes`; not read.
    TooLarge,
    /// Zero bytes.
    Empty,
    /// Binary content that is not a supported document.
    Binary,
    /// Bytes that decode in no supported encoding.
    Undecodable,
    /// A format that is recognised but not supported (old .doc/.wps, zip, …).
    UnsupportedFormat,
    /// A supported container that is corrupt (truncated zip, bad PDF).
    Corrupt,
    /// A PDF with no text layer (scanned images).
    NoTextLayer,
    /// An external extractor is not installed.
    ExtractorMissing,
    /// An external extractor crashed or timed out.
    ExtractorFailed,
    /// Readable text, but not an information-disclosure annual report.
    NotAReport,
    /// The pipeline failed on this file (a bug, caught so the run goes on).
    InternalError,
}

impl RejectReason {
    /// The code written to `rejects.reason`.
    pub fn as_str(self) -> &'static str {
        match self {
            RejectReason::Unreadable => "unreadable",
            RejectReason::NotAFile => "not_a_file",
            RejectReason::TooLarge => "too_large",
            RejectReason::Empty => "empty",
            RejectReason::Binary => "binary",
            RejectReason::Undecodable => "undecodable",
            RejectReason::UnsupportedFormat => "unsupported_format",
            RejectReason::Corrupt => "corrupt",
            RejectReason::NoTextLayer => "no_text_layer",
            RejectReason::ExtractorMissing => "extractor_missing",
            RejectReason::ExtractorFailed => "extractor_failed",
            RejectReason::NotAReport => "not_a_report",
            RejectReason::InternalError => "internal_error",
        }
    }
}

impl fmt::Display for RejectReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An input that did not become a report.
#[derive(Debug, Clone)]
pub struct Reject {
    /// Path relative to the input root.
    pub source_path: String,
    /// Why, as a countable code.
    pub reason: RejectReason,
    /// Details for humans.
    pub message: String,
    /// Size in bytes, when known.
    pub bytes: Option<u64>,
    /// Content hash (same scheme as `report_id`), when the bytes could be read.
    pub content_id: Option<String>,
}

/// The result for one input: exactly one of these per file.
#[derive(Debug, Clone)]
pub enum Outcome {
    /// Read as a report (whole or partial).
    Report(Box<Report>),
    /// Could not be read as a report.
    Reject(Reject),
    /// Content the dataset already holds (skipped by an incremental run).
    Unchanged {
        /// Size in bytes.
        bytes: u64,
    },
}
