//! Any bytes as a DOCX (zip + XML, merged cells).
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let pdf = xxgk::decode::PdfOptions::default();
    if let Ok(doc) = xxgk::decode::decode(std::path::Path::new("report.docx"), data, &pdf) {
        let _ = xxgk::parse::parse(&doc);
    }
});
