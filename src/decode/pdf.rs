//! PDF decoder (not yet implemented: inputs become rejects that say so).

use super::DecodeError;
use crate::model::Document;
use std::time::Duration;

/// Settings for the external PDF text extractor.
#[derive(Debug, Clone)]
pub struct PdfOptions {
    /// Longest time one document may take to extract.
    pub timeout: Duration,
}

impl Default for PdfOptions {
    fn default() -> Self {
        PdfOptions {
            timeout: Duration::from_secs(60),
        }
    }
}

/// Decode a PDF file. Not implemented yet.
pub fn decode(_bytes: &[u8], _opts: &PdfOptions) -> Result<Document, DecodeError> {
    Err(DecodeError::Unsupported(
        "pdf input is not supported yet".into(),
    ))
}
