//! `document.xml` → items: a streaming quick-xml pass with resolved
//! namespaces that keeps paragraphs' lines and tables (rows, cells, merges) in
//! document order, without recursion.

use super::corrupt;
use super::grid;
use crate::decode::DecodeError;
use quick_xml::events::{BytesStart, Event};
use quick_xml::name::ResolveResult;
use quick_xml::reader::NsReader;

/// Tables nested deeper than this are read as running text.
const MAX_TABLE_DEPTH: usize = 32;

const W_NS: [&[u8]; 2] = [
    b"http://schemas.openxmlformats.org/wordprocessingml/2006/main",
    b"http://purl.oclc.org/ooxml/wordprocessingml/main",
];

const M_NS: [&[u8]; 2] = [
    b"http://schemas.openxmlformats.org/officeDocument/2006/math",
    b"http://purl.oclc.org/ooxml/officeDocument/math",
];

const MC_NS: &[u8] = b"http://schemas.openxmlformats.org/markup-compatibility/2006";

/// What the parse keeps: paragraphs' lines and tables, in order.
#[derive(Debug)]
pub(super) enum Item {
    Line(String),
    Table(Vec<RawRow>),
}

#[derive(Debug, Default)]
pub(super) struct RawRow {
    pub(super) before: usize,
    pub(super) after: usize,
    pub(super) cells: Vec<RawCell>,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(super) enum Merge {
    #[default]
    None,
    Restart,
    Continue,
}

#[derive(Debug)]
pub(super) struct RawCell {
    pub(super) span: usize,
    pub(super) vmerge: Merge,
    pub(super) hmerge: Merge,
    pub(super) items: Vec<Item>,
}

/// Open structures holding items.
enum Frame {
    Container(Vec<Item>),
    Table(Vec<RawRow>),
    Row(RawRow),
    Cell(RawCell),
}

/// The elements that matter; everything else is transparent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    P,
    R,
    T,
    Tab,
    Br,
    NoBreakHyphen,
    Tbl,
    Tr,
    Tc,
    TcPr,
    TrPr,
    RPr,
    GridSpan,
    VMerge,
    HMerge,
    GridBefore,
    GridAfter,
    Vanish,
    /// Subtrees left out entirely.
    Skip,
    Other,
}

fn classify(ns: &ResolveResult<'_>, local: &[u8]) -> Kind {
    let in_ns =
        |list: &[&[u8]]| matches!(ns, ResolveResult::Bound(n) if list.contains(&n.as_ref()));
    if in_ns(&W_NS) {
        match local {
            b"p" => Kind::P,
            b"r" => Kind::R,
            b"t" => Kind::T,
            b"tab" | b"ptab" => Kind::Tab,
            b"br" | b"cr" => Kind::Br,
            b"noBreakHyphen" => Kind::NoBreakHyphen,
            b"tbl" => Kind::Tbl,
            b"tr" => Kind::Tr,
            b"tc" => Kind::Tc,
            b"tcPr" => Kind::TcPr,
            b"trPr" => Kind::TrPr,
            b"rPr" => Kind::RPr,
            b"gridSpan" => Kind::GridSpan,
            b"vMerge" => Kind::VMerge,
            b"hMerge" => Kind::HMerge,
            b"gridBefore" => Kind::GridBefore,
            b"gridAfter" => Kind::GridAfter,
            b"vanish" => Kind::Vanish,
            b"moveFrom" | b"sdtPr" | b"del" => Kind::Skip,
            _ => Kind::Other,
        }
    } else if in_ns(&M_NS) {
        match local {
            b"r" => Kind::R,
            b"t" => Kind::T,
            _ => Kind::Other,
        }
    } else if matches!(ns, ResolveResult::Bound(n) if n.as_ref() == MC_NS) && local == b"Fallback" {
        Kind::Skip
    } else {
        Kind::Other
    }
}

/// The `val` attribute (any prefix).
fn val(e: &BytesStart<'_>) -> Option<String> {
    e.attributes()
        .flatten()
        .find(|a| a.key.local_name().as_ref() == b"val")
        .and_then(|a| a.unescape_value().ok().map(|v| v.into_owned()))
}

fn is_on(value: Option<&str>) -> bool {
    !matches!(value, Some("0" | "false" | "off"))
}

struct Parser {
    frames: Vec<Frame>,
    /// Open paragraphs (a text box nests paragraphs inside a paragraph).
    paras: Vec<String>,
    /// Open elements (only those outside skipped subtrees).
    path: Vec<Kind>,
    run_hidden: bool,
    table_depth: usize,
}

impl Parser {
    fn parent(&self) -> Option<Kind> {
        self.path.last().copied()
    }

    fn grandparent(&self) -> Option<Kind> {
        self.path
            .len()
            .checked_sub(2)
            .and_then(|i| self.path.get(i))
            .copied()
    }

    /// Map an element to the kind it plays here (structure out of place is transparent).
    fn effective(&self, kind: Kind) -> Kind {
        let top = self.frames.last();
        match kind {
            Kind::Tbl if self.table_depth >= MAX_TABLE_DEPTH => Kind::Other,
            Kind::Tr if !matches!(top, Some(Frame::Table(_))) => Kind::Other,
            Kind::Tc if !matches!(top, Some(Frame::Row(_))) => Kind::Other,
            Kind::T | Kind::Tab | Kind::Br | Kind::NoBreakHyphen
                if self.parent() != Some(Kind::R) =>
            {
                Kind::Other
            }
            Kind::GridSpan | Kind::VMerge | Kind::HMerge if self.parent() != Some(Kind::TcPr) => {
                Kind::Other
            }
            Kind::GridBefore | Kind::GridAfter if self.parent() != Some(Kind::TrPr) => Kind::Other,
            Kind::Vanish
                if !(self.parent() == Some(Kind::RPr) && self.grandparent() == Some(Kind::R)) =>
            {
                Kind::Other
            }
            k => k,
        }
    }

    fn push_text(&mut self, text: &str) {
        if self.run_hidden || self.parent() != Some(Kind::T) {
            return;
        }
        if let Some(p) = self.paras.last_mut() {
            p.push_str(text);
        }
    }

    fn push_char(&mut self, c: char) {
        if !self.run_hidden {
            if let Some(p) = self.paras.last_mut() {
                p.push(c);
            }
        }
    }

    fn add_item(&mut self, item: Item) {
        for frame in self.frames.iter_mut().rev() {
            match frame {
                Frame::Container(items) => return items.push(item),
                Frame::Cell(cell) => return cell.items.push(item),
                Frame::Table(_) | Frame::Row(_) => {}
            }
        }
    }

    fn start(&mut self, kind: Kind, e: &BytesStart<'_>) {
        match kind {
            Kind::P => self.paras.push(String::new()),
            Kind::R => self.run_hidden = false,
            Kind::Tab => self.push_char('\t'),
            Kind::Br => self.push_char('\n'),
            Kind::NoBreakHyphen => self.push_char('-'),
            Kind::Tbl => {
                self.table_depth += 1;
                self.frames.push(Frame::Table(Vec::new()));
            }
            Kind::Tr => self.frames.push(Frame::Row(RawRow::default())),
            Kind::Tc => self.frames.push(Frame::Cell(RawCell {
                span: 1,
                vmerge: Merge::None,
                hmerge: Merge::None,
                items: Vec::new(),
            })),
            Kind::GridSpan | Kind::VMerge | Kind::HMerge => {
                let v = val(e);
                if let Some(Frame::Cell(cell)) = self.frames.last_mut() {
                    match kind {
                        Kind::GridSpan => cell.span = parse_count(v.as_deref()).max(1),
                        _ => {
                            let merge = if v.as_deref() == Some("restart") {
                                Merge::Restart
                            } else {
                                Merge::Continue
                            };
                            if kind == Kind::VMerge {
                                cell.vmerge = merge;
                            } else {
                                cell.hmerge = merge;
                            }
                        }
                    }
                }
            }
            Kind::GridBefore | Kind::GridAfter => {
                let n = parse_count(val(e).as_deref()).min(grid::MAX_COLS);
                if let Some(Frame::Row(row)) = self.frames.last_mut() {
                    if kind == Kind::GridBefore {
                        row.before = n;
                    } else {
                        row.after = n;
                    }
                }
            }
            Kind::Vanish => self.run_hidden = is_on(val(e).as_deref()),
            _ => {}
        }
    }

    fn end(&mut self, kind: Kind) {
        match kind {
            Kind::P => {
                if let Some(text) = self.paras.pop() {
                    for line in text.split('\n') {
                        let line = clean_line(line);
                        if !line.is_empty() {
                            self.add_item(Item::Line(line));
                        }
                    }
                }
            }
            Kind::R => self.run_hidden = false,
            Kind::Tc => {
                if let Some(Frame::Cell(cell)) = self.frames.pop() {
                    if let Some(Frame::Row(row)) = self.frames.last_mut() {
                        row.cells.push(cell);
                    }
                }
            }
            Kind::Tr => {
                if let Some(Frame::Row(row)) = self.frames.pop() {
                    if let Some(Frame::Table(rows)) = self.frames.last_mut() {
                        rows.push(row);
                    }
                }
            }
            Kind::Tbl => {
                self.table_depth = self.table_depth.saturating_sub(1);
                if let Some(Frame::Table(rows)) = self.frames.pop() {
                    self.add_item(Item::Table(rows));
                }
            }
            _ => {}
        }
    }
}

fn parse_count(v: Option<&str>) -> usize {
    let digits: String = v
        .unwrap_or("")
        .trim()
        .chars()
        .take_while(char::is_ascii_digit)
        .take(6)
        .collect();
    digits.parse().unwrap_or(1)
}

/// Parse document.xml into items.
pub(super) fn parse(xml: &[u8]) -> Result<Vec<Item>, DecodeError> {
    let mut reader = NsReader::from_reader(xml);
    let config = reader.config_mut();
    config.check_end_names = true;
    config.expand_empty_elements = false;
    let mut p = Parser {
        frames: vec![Frame::Container(Vec::new())],
        paras: Vec::new(),
        path: Vec::new(),
        run_hidden: false,
        table_depth: 0,
    };
    let mut skip = 0usize;
    loop {
        let (ns, event) = reader
            .read_resolved_event()
            .map_err(|e| corrupt(format!("malformed XML in the document part: {e}")))?;
        match event {
            Event::Start(e) => {
                if skip > 0 {
                    skip += 1;
                    continue;
                }
                let kind = p.effective(classify(&ns, e.local_name().as_ref()));
                if kind == Kind::Skip {
                    skip = 1;
                    continue;
                }
                p.start(kind, &e);
                p.path.push(kind);
            }
            Event::Empty(e) => {
                if skip > 0 {
                    continue;
                }
                let kind = p.effective(classify(&ns, e.local_name().as_ref()));
                if kind != Kind::Skip {
                    p.start(kind, &e);
                    p.end(kind);
                }
            }
            Event::End(_) => {
                if skip > 0 {
                    skip -= 1;
                    continue;
                }
                if let Some(kind) = p.path.pop() {
                    p.end(kind);
                }
            }
            Event::Text(t) if skip == 0 => {
                let text = t
                    .xml10_content()
                    .map_err(|e| corrupt(format!("bad text encoding: {e}")))?;
                p.push_text(&text);
            }
            Event::CData(t) if skip == 0 => {
                let text = t
                    .xml10_content()
                    .map_err(|e| corrupt(format!("bad text encoding: {e}")))?;
                p.push_text(&text);
            }
            Event::GeneralRef(r) if skip == 0 => {
                let resolved = match r.resolve_char_ref() {
                    Ok(Some(c)) => Some(c),
                    Ok(None) => match r.decode().as_deref() {
                        Ok("amp") => Some('&'),
                        Ok("lt") => Some('<'),
                        Ok("gt") => Some('>'),
                        Ok("quot") => Some('"'),
                        Ok("apos") => Some('\''),
                        _ => None,
                    },
                    Err(_) => None,
                };
                if let Some(c) = resolved {
                    p.push_text(c.encode_utf8(&mut [0u8; 4]));
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    if !p.path.is_empty() || skip > 0 {
        return Err(corrupt(
            "the document part ends before its elements are closed (truncated?)",
        ));
    }
    match p.frames.into_iter().next() {
        Some(Frame::Container(items)) => Ok(items),
        _ => Ok(Vec::new()),
    }
}

/// One line of a paragraph: NBSP as space, zero-width characters dropped, trimmed.
fn clean_line(line: &str) -> String {
    let cleaned: String = line
        .chars()
        .filter(|c| {
            !matches!(
                c,
                '\u{200B}' | '\u{200C}' | '\u{200D}' | '\u{2060}' | '\u{FEFF}' | '\u{00AD}'
            )
        })
        .filter(|&c| c == '\t' || !c.is_control())
        .map(|c| if c == '\u{A0}' { ' ' } else { c })
        .collect();
    cleaned.trim().to_string()
}
