//! Any bytes as a DOCX (zip + XML, merged cells).
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let pdf = xxgk::internal::PdfOptions::default();
    if let Ok(doc) = xxgk::internal::decode(std::path::Path::new("report.docx"), data, &pdf) {
        let _ = xxgk::internal::parse(&doc);
    }
});
