//! Decode: raw bytes of one input → a [`Document`] (lines and table grids).
//!
//! The format is sniffed from the leading bytes first and the extension second,
//! so a PDF or zip saved as `.txt` is still recognised. Every decoder returns
//! the same [`Document`] model, so a new input format is a new decoder only.
//! Decoders never panic on input; failures are [`DecodeError`]s that become rejects.

mod docx;
mod html;
mod pdf;
mod text;

#[doc(hidden)]
pub use pdf::geometry_blocks;
pub use pdf::PdfOptions;
pub use text::{decode_nearly_utf8, decode_text, text_to_lines};

use crate::model::{Document, RejectReason, SourceFormat};
use std::path::Path;

/// Why a file could not be decoded. Each variant maps to one [`RejectReason`].
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum DecodeError {
    /// Zero bytes.
    #[error("the file is empty")]
    Empty,
    /// Binary content (NUL bytes, control characters) that is no supported document.
    #[error("binary content: {0}")]
    Binary(String),
    /// No supported encoding decodes the bytes cleanly.
    #[error("the bytes decode in no supported encoding ({0})")]
    Undecodable(String),
    /// A recognised but unsupported format (old .doc, .wps, a plain zip, an image).
    #[error("unsupported format: {0}")]
    Unsupported(String),
    /// A supported container that is corrupt.
    #[error("corrupt {format}: {detail}")]
    Corrupt {
        /// `docx`, `pdf`, `html`.
        format: &'static str,
        /// What was wrong.
        detail: String,
    },
    /// A PDF without a text layer.
    #[error("the PDF has no text layer (scanned images?); OCR is not supported")]
    NoTextLayer,
    /// The external extractor a format needs is not installed.
    #[error("{0}")]
    ExtractorMissing(String),
    /// The external extractor crashed, failed or timed out.
    #[error("{0}")]
    ExtractorFailed(String),
}

impl DecodeError {
    /// The countable reject reason for this error.
    pub fn reason(&self) -> RejectReason {
        match self {
            DecodeError::Empty => RejectReason::Empty,
            DecodeError::Binary(_) => RejectReason::Binary,
            DecodeError::Undecodable(_) => RejectReason::Undecodable,
            DecodeError::Unsupported(_) => RejectReason::UnsupportedFormat,
            DecodeError::Corrupt { .. } => RejectReason::Corrupt,
            DecodeError::NoTextLayer => RejectReason::NoTextLayer,
            DecodeError::ExtractorMissing(_) => RejectReason::ExtractorMissing,
            DecodeError::ExtractorFailed(_) => RejectReason::ExtractorFailed,
        }
    }
}

/// What the leading bytes and the extension say a file is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sniffed {
    /// A supported format.
    Supported(SourceFormat),
    /// A recognised but unsupported format, with a name for the message.
    Unsupported(&'static str),
}

/// Identify the format: magic bytes win over the extension.
pub fn sniff(path: &Path, bytes: &[u8]) -> Sniffed {
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .map(|e| e.to_ascii_lowercase())
        .unwrap_or_default();
    if bytes.starts_with(b"%PDF-") {
        return Sniffed::Supported(SourceFormat::Pdf);
    }
    if bytes.starts_with(b"PK\x03\x04") {
        // A zip: a DOCX if it says so (or holds word/document.xml), else unsupported.
        if ext == "docx" || contains(bytes, b"word/document.xml") {
            return Sniffed::Supported(SourceFormat::Docx);
        }
        return Sniffed::Unsupported("zip archive");
    }
    if bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]) {
        return Sniffed::Unsupported(
            "OLE2 compound document (old .doc/.wps/.xls); save it as .docx",
        );
    }
    for (magic, name) in [
        (&b"\x89PNG"[..], "PNG image"),
        (&b"\xFF\xD8\xFF"[..], "JPEG image"),
        (&b"GIF8"[..], "GIF image"),
        (&b"\x1F\x8B"[..], "gzip archive"),
        (&b"Rar!"[..], "RAR archive"),
        (&b"7z\xBC\xAF"[..], "7z archive"),
        (&b"{\\rtf"[..], "RTF document"),
    ] {
        if bytes.starts_with(magic) {
            return Sniffed::Unsupported(name);
        }
    }
    match ext.as_str() {
        "html" | "htm" | "shtml" | "xhtml" => Sniffed::Supported(SourceFormat::Html),
        "docx" => Sniffed::Supported(SourceFormat::Docx),
        "pdf" => Sniffed::Supported(SourceFormat::Pdf),
        "doc" | "wps" => Sniffed::Unsupported("old Word/WPS binary document"),
        _ if looks_like_html(bytes) => Sniffed::Supported(SourceFormat::Html),
        _ => Sniffed::Supported(SourceFormat::Text),
    }
}

/// Decode one file's bytes into a [`Document`].
pub fn decode(path: &Path, bytes: &[u8], pdf: &PdfOptions) -> Result<Document, DecodeError> {
    if bytes.is_empty() {
        return Err(DecodeError::Empty);
    }
    match sniff(path, bytes) {
        Sniffed::Unsupported(what) => Err(DecodeError::Unsupported(what.to_string())),
        Sniffed::Supported(SourceFormat::Text) => decode_text(bytes),
        Sniffed::Supported(SourceFormat::Html) => html::decode(bytes),
        Sniffed::Supported(SourceFormat::Docx) => docx::decode(bytes),
        Sniffed::Supported(SourceFormat::Pdf) => pdf::decode(bytes, pdf),
    }
}

fn looks_like_html(bytes: &[u8]) -> bool {
    let head = &bytes[..bytes.len().min(1024)];
    let lower: Vec<u8> = head.iter().map(|b| b.to_ascii_lowercase()).collect();
    contains(&lower, b"<!doctype html") || contains(&lower, b"<html")
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}
