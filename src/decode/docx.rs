//! DOCX decoder (not yet implemented: inputs become rejects that say so).

use super::DecodeError;
use crate::model::Document;

/// Decode a DOCX file. Not implemented yet.
pub fn decode(_bytes: &[u8]) -> Result<Document, DecodeError> {
    Err(DecodeError::Unsupported(
        "docx input is not supported yet".into(),
    ))
}
