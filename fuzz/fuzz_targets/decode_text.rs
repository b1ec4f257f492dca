//! Any bytes through the text decoder (encoding detection, binary checks).
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = xxgk::internal::decode_text(data);
});
