//! Any bytes as an HTML page (charset sniffing, body finding, span expansion).
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let pdf = xxgk::internal::PdfOptions::default();
    if let Ok(doc) = xxgk::internal::decode(std::path::Path::new("page.html"), data, &pdf) {
        let _ = xxgk::internal::parse(&doc);
    }
});
