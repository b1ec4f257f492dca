//! Tables rebuilt from the page geometry: where the words are
//! (`pdftotext -bbox`) and where the ruling lines are (the pages'
//! drawing operators, read here), so that everything inside one cell's box is
//! one cell: a number wrapped inside its cell is joined, a header printed one
//! character a line is one word.
//!
//! [`scan`] reads the file's pages and their ruling lines in-process, while
//! `pdftotext -bbox` runs in its child process: a PDF without ruled tables
//! (or one this reader cannot open: encrypted, unusual filters, broken) goes
//! the `pdftotext -layout` way as before. The reader is bounded (see [`objects`] and [`drawing`]) and runs
//! under `catch_unwind`, so a bug in it costs the geometry of one file, never
//! the run. [`Geometry::blocks`] then places the words in the tables' cells
//! ([`assemble`]).

use crate::model::Block;
use std::time::Instant;

mod assemble;
mod drawing;
mod objects;
mod ruling;
mod words;

/// Decoded stream bytes allowed per file: this many times the file size
/// (within the bounds below).
const BUDGET_PER_BYTE: usize = 64;
const MIN_BUDGET: usize = 64 << 20;
const MAX_BUDGET: usize = 512 << 20;
/// Pages (or sizes) closer than this (points) are the same.
const SIZE_SLACK: f64 = 1.5;

/// One page as the drawing operators give it.
#[derive(Debug, Clone, PartialEq)]
struct PageGeometry {
    /// Page size as pdftotext reports it: the media box (pdftotext does not
    /// crop), rotation applied.
    width: f64,
    height: f64,
    tables: Vec<ruling::TableBox>,
}

/// The ruled tables of a document, page by page.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Geometry {
    pages: Vec<PageGeometry>,
}

impl Geometry {
    /// Whether any page has a ruled table.
    pub fn has_tables(&self) -> bool {
        self.pages.iter().any(|p| !p.tables.is_empty())
    }

    /// The document's blocks from pdftotext's `-bbox` output; None
    /// when that output does not fit (unreadable, another page count).
    pub fn blocks(&self, xhtml: &[u8]) -> Option<Vec<Block>> {
        std::panic::catch_unwind(|| {
            let pages = words::parse(xhtml)?;
            if pages.len() != self.pages.len() {
                return None;
            }
            // A page whose size differs from the one read here keeps no tables.
            let tables: Vec<Vec<ruling::TableBox>> = pages
                .iter()
                .zip(&self.pages)
                .map(|(words, geo)| {
                    let same = (words.width - geo.width).abs() <= SIZE_SLACK
                        && (words.height - geo.height).abs() <= SIZE_SLACK;
                    if same {
                        geo.tables.clone()
                    } else {
                        Vec::new()
                    }
                })
                .collect();
            Some(assemble::blocks(&pages, &tables))
        })
        .ok()
        .flatten()
    }
}

/// Read a PDF's pages and find their ruled tables; None when the file cannot
/// be read here (the caller then uses `pdftotext -layout`).
pub(super) fn scan(bytes: &[u8], deadline: Option<Instant>) -> Option<Geometry> {
    std::panic::catch_unwind(|| scan_inner(bytes, deadline))
        .ok()
        .flatten()
}

/// A page's media box, rotation, content streams and resources, owned.
type OwnedPage = ([f64; 4], i64, Vec<objects::Stream>, Option<objects::Dict>);

fn scan_inner(bytes: &[u8], deadline: Option<Instant>) -> Option<Geometry> {
    let budget = bytes
        .len()
        .saturating_mul(BUDGET_PER_BYTE)
        .clamp(MIN_BUDGET, MAX_BUDGET);
    let mut pdf = objects::Pdf::read(bytes, budget).ok()?;
    // Owned copies: the interpreter borrows the reader mutably (its budget).
    let listed: Vec<OwnedPage> = pdf
        .pages()
        .into_iter()
        .map(|p| {
            (
                p.media,
                p.rotate,
                p.contents.into_iter().cloned().collect(),
                p.resources.cloned(),
            )
        })
        .collect();
    if listed.is_empty() {
        return None;
    }
    let mut out = Vec::with_capacity(listed.len());
    for (media, rotate, contents, resources) in listed {
        let (w, h) = (media[2] - media[0], media[3] - media[1]);
        let (width, height) = if rotate % 180 == 90 { (h, w) } else { (w, h) };
        // Rotated pages keep their words but no tables (not mapped here).
        let tables = if rotate == 0 {
            match drawing::page_segments(&mut pdf, &contents, resources.as_ref(), deadline) {
                Ok(segments) => {
                    let page_space: Vec<drawing::Segment> = segments
                        .iter()
                        .map(|s| drawing::Segment {
                            x0: s.x0 - media[0],
                            y0: media[3] - s.y0,
                            x1: s.x1 - media[0],
                            y1: media[3] - s.y1,
                        })
                        .collect();
                    ruling::tables(&page_space)
                }
                Err(drawing::Stop::Deadline) => return None,
                Err(drawing::Stop::TooMuch) => Vec::new(),
            }
        } else {
            Vec::new()
        };
        out.push(PageGeometry {
            width,
            height,
            tables,
        });
    }
    Some(Geometry { pages: out })
}

#[cfg(test)]
mod tests;
