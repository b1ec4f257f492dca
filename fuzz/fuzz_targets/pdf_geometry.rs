//! Any bytes as a PDF's drawing (ruling lines, cells) and as pdftotext's word
//! boxes: the in-process geometry reader never panics or hangs.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    // The first half as the PDF, the rest as the -bbox XHTML.
    let (pdf, words) = data.split_at(data.len() / 2);
    let _ = xxgk::internal::geometry_blocks(pdf, words);
});
