//! Any text through the layout reader, the table parser and the validator.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let doc = xxgk::internal::Document {
        format: xxgk::internal::SourceFormat::Text,
        encoding: "UTF-8".into(),
        blocks: xxgk::internal::text_to_lines(&text),
        findings: Vec::new(),
    };
    if let Ok(mut report) = xxgk::internal::parse(&doc) {
        xxgk::internal::validate(&mut report);
    }
});
