//! DOCX decoder: the main part of an Office Open XML Word document
//! (`word/document.xml`, or the part `_rels/.rels` names) → lines and table grids.
//!
//! The zip is opened with the `zip` crate and the part inflated with a size cap
//! (64 MiB, so a zip bomb is [`DecodeError::Corrupt`], as is a truncated or
//! broken archive or a missing part). The XML is read with quick-xml as a
//! stream (no recursion, so deep nesting cannot overflow the stack), with
//! namespaces resolved, so both transitional and strict OOXML are read:
//!
//! * `w:p` → one [`Block::Line`] per line: the text of its `w:t` runs joined,
//!   `w:tab` → `\t`, `w:br`/`w:cr` split the paragraph into lines; lines are
//!   trimmed and empty ones dropped. Deleted text (`w:delText`, `w:moveFrom`),
//!   field codes (`w:instrText`), hidden runs (`w:vanish`), content-control
//!   properties and the VML fallback copy of text boxes (`mc:Fallback`) are left
//!   out; text boxes are read where they are anchored.
//! * `w:tbl` → [`Block::Table`] in document order, merged cells expanded:
//!   `w:gridSpan` (colspan), `w:vMerge` restart/continue (rowspan) and legacy
//!   `w:hMerge`; a covered slot repeats its origin's text with `spanned: true`.
//!   `w:gridBefore`/`w:gridAfter` become blank slots. A cell's paragraphs are
//!   joined (no space between CJK characters). A table whose cells hold
//!   tables, or with one column, is layout: its cells are read as running
//!   text. Consecutive tables of equal width are joined (see [`grid`]).
//!
//! Headers, footers, footnotes and comments (other parts) are not read.
//! Automatic list numbers (`w:numPr`) are not rendered: only typed text is.

use super::html::grid::{self, is_wide};
use super::DecodeError;
use crate::model::{Block, Cell, Document, SourceFormat};
use parse::{parse, Item, Merge, RawCell, RawRow};
use quick_xml::events::Event;
use quick_xml::reader::NsReader;
use std::io::{Cursor, Read};

mod parse;

/// Largest inflated size of the main document part.
const MAX_PART_BYTES: u64 = 64 << 20;
/// Largest inflated size of `_rels/.rels`.
const MAX_RELS_BYTES: u64 = 1 << 20;
/// The part read when `_rels/.rels` names none.
const DEFAULT_PART: &str = "word/document.xml";

/// Decode a DOCX file into lines and tables.
pub fn decode(bytes: &[u8]) -> Result<Document, DecodeError> {
    let xml = read_main_part(bytes)?;
    let items = parse(&xml)?;
    let mut blocks = Vec::new();
    emit(items, &mut blocks);
    Ok(Document {
        format: SourceFormat::Docx,
        encoding: "UTF-8".into(),
        blocks: grid::join_split_tables(blocks),
        findings: Vec::new(),
    })
}

fn corrupt(detail: impl Into<String>) -> DecodeError {
    DecodeError::Corrupt {
        format: "docx",
        detail: detail.into(),
    }
}

// ---------------------------------------------------------------------------
// The zip container
// ---------------------------------------------------------------------------

fn read_main_part(bytes: &[u8]) -> Result<Vec<u8>, DecodeError> {
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes))
        .map_err(|e| corrupt(format!("not a readable zip archive: {e}")))?;
    let name = main_part_name(&mut zip).unwrap_or_else(|| DEFAULT_PART.to_string());
    let name = if zip.index_for_name(&name).is_some() {
        name
    } else {
        DEFAULT_PART.to_string()
    };
    read_limited(&mut zip, &name, MAX_PART_BYTES).map_err(|e| match e {
        PartError::Missing => corrupt(format!("no {name} in the archive: not a Word document")),
        PartError::TooBig => corrupt(format!(
            "{name} inflates to more than {} MiB (zip bomb?)",
            MAX_PART_BYTES >> 20
        )),
        PartError::Broken(detail) => corrupt(format!("cannot read {name}: {detail}")),
    })
}

enum PartError {
    Missing,
    TooBig,
    Broken(String),
}

fn read_limited(
    zip: &mut zip::ZipArchive<Cursor<&[u8]>>,
    name: &str,
    limit: u64,
) -> Result<Vec<u8>, PartError> {
    let file = match zip.by_name(name) {
        Ok(f) => f,
        Err(zip::result::ZipError::FileNotFound) => return Err(PartError::Missing),
        Err(e) => return Err(PartError::Broken(e.to_string())),
    };
    let mut buf = Vec::new();
    file.take(limit + 1)
        .read_to_end(&mut buf)
        .map_err(|e| PartError::Broken(e.to_string()))?;
    if buf.len() as u64 > limit {
        return Err(PartError::TooBig);
    }
    Ok(buf)
}

/// The main document part named by `_rels/.rels` (relationship type `…/officeDocument`).
fn main_part_name(zip: &mut zip::ZipArchive<Cursor<&[u8]>>) -> Option<String> {
    let rels = read_limited(zip, "_rels/.rels", MAX_RELS_BYTES).ok()?;
    let mut reader = NsReader::from_reader(&rels[..]);
    loop {
        match reader.read_event() {
            Ok(Event::Start(e) | Event::Empty(e)) if e.local_name().as_ref() == b"Relationship" => {
                let mut kind = None;
                let mut target = None;
                for attr in e.attributes().flatten() {
                    let value = attr.unescape_value().ok()?.into_owned();
                    match attr.key.local_name().as_ref() {
                        b"Type" => kind = Some(value),
                        b"Target" => target = Some(value),
                        _ => {}
                    }
                }
                if kind.is_some_and(|k| k.ends_with("/officeDocument")) {
                    return target.map(|t| t.trim_start_matches('/').to_string());
                }
            }
            Ok(Event::Eof) | Err(_) => return None,
            _ => {}
        }
    }
}

// ---------------------------------------------------------------------------
// Items → blocks
// ---------------------------------------------------------------------------

fn emit(items: Vec<Item>, out: &mut Vec<Block>) {
    for item in items {
        match item {
            Item::Line(line) => out.push(Block::Line(line)),
            Item::Table(rows) => {
                let layout = rows
                    .iter()
                    .flat_map(|r| &r.cells)
                    .any(|c| c.items.iter().any(|i| matches!(i, Item::Table(_))));
                if !layout {
                    let g = expand(&rows);
                    if g.first().is_some_and(|r| r.len() > 1) {
                        out.push(Block::Table(g));
                        continue;
                    }
                }
                for row in rows {
                    for cell in row.cells {
                        emit(cell.items, out);
                    }
                }
            }
        }
    }
}

/// The text of a cell: its lines joined, without a space between CJK characters.
fn cell_text(cell: &RawCell) -> String {
    let mut out = String::new();
    for item in &cell.items {
        if let Item::Line(line) = item {
            let line = line.replace('\t', " ");
            let line = line.trim();
            if line.is_empty() {
                continue;
            }
            if let (Some(prev), Some(next)) = (out.chars().next_back(), line.chars().next()) {
                if !(is_wide(prev) || is_wide(next)) {
                    out.push(' ');
                }
            }
            out.push_str(line);
        }
    }
    out
}

/// Expand a table's merged cells into a rectangular grid.
fn expand(rows: &[RawRow]) -> Vec<Vec<Cell>> {
    let mut grid: Vec<Vec<Cell>> = Vec::with_capacity(rows.len());
    let mut slots = 0usize;
    for row in rows {
        let mut out: Vec<Cell> = vec![Cell::default(); row.before.min(grid::MAX_COLS)];
        for cell in &row.cells {
            if out.len() >= grid::MAX_COLS {
                break;
            }
            let col = out.len();
            let span = cell.span.clamp(1, grid::MAX_COLS - col);
            let text = cell_text(cell);
            for k in 0..span {
                let above = grid.last().and_then(|r| r.get(col + k));
                let left = out.last();
                let slot = match (cell.vmerge, cell.hmerge, above, left) {
                    (Merge::Continue, _, Some(above), _) => Cell {
                        text: above.text.clone(),
                        spanned: true,
                    },
                    (_, Merge::Continue, _, Some(left)) => Cell {
                        text: left.text.clone(),
                        spanned: true,
                    },
                    _ => Cell {
                        text: text.clone(),
                        spanned: k > 0,
                    },
                };
                out.push(slot);
            }
        }
        let after = row.after.min(grid::MAX_COLS.saturating_sub(out.len()));
        out.resize(out.len() + after, Cell::default());
        slots += out.len();
        if slots > grid::MAX_SLOTS {
            break;
        }
        grid.push(out);
    }
    grid.retain(|r| !r.is_empty());
    grid::pad(grid)
}

#[cfg(test)]
mod tests;
