//! Plain-text decoder: detect the encoding, decode, split into lines.
//!
//! Order of evidence: a byte-order mark (UTF-8, UTF-16LE/BE) wins; then valid
//! UTF-8; then UTF-8 but for a few malformed sequences (a download cut inside
//! its last character, a stray byte: decoded with U+FFFD for those bytes and an
//! `encoding_repaired` finding, see [`decode_nearly_utf8`]); then GB18030 (a superset of GBK/GB2312, the usual legacy encoding
//! of these reports) when it decodes without errors into text naming 信息公开;
//! then chardetng's guess (no top-level-domain hint: a `.cn` hint makes it call
//! Big5 GBK), accepted only if it decodes without errors; then GB18030. Bytes that look binary (NUL or many control bytes) are rejected
//! before any guess, so a PDF or image renamed `.txt` never becomes mojibake.

use super::DecodeError;
use crate::model::{Block, Document, Finding, Severity, SourceFormat};
use encoding_rs::{Encoding, GB18030, UTF_16BE, UTF_16LE, UTF_8};
use std::borrow::Cow;

/// How many leading bytes the binary check looks at.
const SNIFF_BYTES: usize = 64 * 1024;
/// How many leading bytes the encoding detector is fed: enough for a confident
/// guess on Chinese text, a fraction of the cost of the whole file.
const DETECT_BYTES: usize = 16 * 1024;

/// Decode text bytes (any supported encoding) into a [`Document`] of lines.
///
/// ```
/// let doc = xxgk::internal::decode_text("标题\n\t规章".as_bytes()).unwrap();
/// assert_eq!(doc.encoding, "UTF-8");
/// assert_eq!(doc.blocks.len(), 2);
/// ```
pub fn decode_text(bytes: &[u8]) -> Result<Document, DecodeError> {
    let decoded = decode_to_string(bytes)?;
    Ok(Document {
        format: SourceFormat::Text,
        encoding: decoded.encoding.to_string(),
        blocks: text_to_lines(&decoded.text),
        findings: repair_finding(decoded.repaired, bytes.len())
            .into_iter()
            .collect(),
    })
}

/// Text decoded from bytes.
#[derive(Debug)]
pub struct Decoded<'a> {
    /// The text (borrowed when the bytes were valid UTF-8).
    pub text: Cow<'a, str>,
    /// The encoding's name as `encoding_rs` gives it (`UTF-8`, `gb18030`, …).
    pub encoding: &'static str,
    /// Malformed byte sequences replaced by U+FFFD (0 for a clean decode).
    pub repaired: usize,
}

impl<'a> Decoded<'a> {
    fn clean(text: Cow<'a, str>, encoding: &'static str) -> Self {
        Decoded {
            text,
            encoding,
            repaired: 0,
        }
    }
}

/// At most this many malformed sequences are repaired; more, and the bytes
/// are not UTF-8 with damage but some other encoding.
const MAX_REPAIRS: usize = 8;
/// A repaired text must hold at least this many well-formed non-ASCII
/// characters per malformed sequence: GB18030 Chinese is malformed UTF-8 at
/// nearly every character, a damaged UTF-8 report well-formed at all but one.
const WELL_FORMED_PER_REPAIR: usize = 16;

/// Bytes that are UTF-8 but for a few malformed sequences — a download cut
/// inside its last character, a stray byte — decoded with each malformed
/// sequence replaced by U+FFFD, and how many were replaced. `None` when the
/// damage is too much for that to be the explanation: more than 8 malformed
/// sequences, or fewer than 16 well-formed non-ASCII characters per malformed
/// one (a cut last character alone always counts as a cut).
///
/// ```
/// let mut cut = "政府信息公开工作年度报告".as_bytes().to_vec();
/// cut.pop(); // the last character loses its last byte
/// let decoded = xxgk::internal::decode_nearly_utf8(&cut).unwrap();
/// assert_eq!(decoded.0, "政府信息公开工作年度报\u{FFFD}");
/// assert_eq!(decoded.1, 1);
/// ```
pub fn decode_nearly_utf8(bytes: &[u8]) -> Option<(String, usize)> {
    let mut malformed = 0;
    let mut well_formed = 0;
    let mut truncated = false;
    let mut rest = bytes;
    loop {
        match std::str::from_utf8(rest) {
            Ok(valid) => {
                well_formed += non_ascii_chars(valid.as_bytes());
                break;
            }
            Err(e) => {
                well_formed += non_ascii_chars(&rest[..e.valid_up_to()]);
                malformed += 1;
                if malformed > MAX_REPAIRS {
                    return None;
                }
                match e.error_len() {
                    Some(len) => rest = &rest[e.valid_up_to() + len..],
                    // Cut inside the last character.
                    None => {
                        truncated = true;
                        break;
                    }
                }
            }
        }
    }
    // A cut last character alone is always a cut (the bytes before it are
    // well-formed UTF-8, however few); other damage needs the evidence.
    let only_cut = truncated && malformed == 1;
    (malformed > 0 && (only_cut || well_formed >= malformed * WELL_FORMED_PER_REPAIR))
        .then(|| (String::from_utf8_lossy(bytes).into_owned(), malformed))
}

/// Non-ASCII characters in well-formed UTF-8: their lead bytes.
fn non_ascii_chars(utf8: &[u8]) -> usize {
    utf8.iter().filter(|&&b| b >= 0xC0).count()
}

/// The finding for a repaired decode, if anything was repaired.
pub(super) fn repair_finding(repaired: usize, bytes: usize) -> Option<Finding> {
    (repaired > 0).then(|| Finding {
        rule: "encoding_repaired".into(),
        severity: Severity::Warning,
        subject: "encoding".into(),
        expected: None,
        actual: Some(repaired.to_string()),
        message: format!(
            "{repaired} malformed UTF-8 sequence(s) in {bytes} bytes replaced by U+FFFD \
             (a download cut inside its last character, or a stray byte); the rest is UTF-8"
        ),
    })
}

/// Decode bytes to text, with the name of the encoding used. Valid UTF-8 is
/// borrowed, not copied (the lines are copied out of it anyway).
pub fn decode_to_string(bytes: &[u8]) -> Result<Decoded<'_>, DecodeError> {
    if bytes.is_empty() {
        return Err(DecodeError::Empty);
    }
    if let Some((encoding, bom_len)) = Encoding::for_bom(bytes) {
        if encoding == UTF_8 {
            if let Some((text, repaired)) = decode_nearly_utf8(&bytes[bom_len..]) {
                return Ok(Decoded {
                    text: Cow::Owned(text),
                    encoding: UTF_8.name(),
                    repaired,
                });
            }
        }
        return decode_strict(encoding, &bytes[bom_len..])
            .map(|text| Decoded::clean(Cow::Owned(text), encoding.name()))
            .ok_or_else(|| {
                DecodeError::Undecodable(format!(
                    "malformed {} after its byte-order mark",
                    encoding.name()
                ))
            });
    }
    check_not_binary(bytes)?;
    // simdutf8: the same validation as std, several times faster on CJK text.
    if let Ok(text) = simdutf8::basic::from_utf8(bytes) {
        return Ok(Decoded::clean(Cow::Borrowed(text), UTF_8.name()));
    }
    if let Some((text, repaired)) = decode_nearly_utf8(bytes) {
        return Ok(Decoded {
            text: Cow::Owned(text),
            encoding: UTF_8.name(),
            repaired,
        });
    }
    if let Some(text) = decode_as_gb18030_report(bytes) {
        return Ok(Decoded::clean(Cow::Owned(text), GB18030.name()));
    }
    let mut detector = chardetng::EncodingDetector::new();
    detector.feed(
        &bytes[..bytes.len().min(DETECT_BYTES)],
        bytes.len() <= DETECT_BYTES,
    );
    let guess = detector.guess(None, false);
    for encoding in [guess, GB18030] {
        if encoding == UTF_16LE || encoding == UTF_16BE {
            continue;
        }
        if let Some(text) = decode_strict(encoding, bytes) {
            return Ok(Decoded::clean(Cow::Owned(text), encoding.name()));
        }
    }
    Err(DecodeError::Undecodable(format!(
        "not valid UTF-8, {} or GB18030",
        guess.name()
    )))
}

/// The text of a legacy-encoded report, when GB18030 (the usual legacy
/// encoding here) decodes it without errors *and* the result names the
/// subject of every such report, 信息公开. Big5 or Shift_JIS bytes can decode
/// as GB18030 without errors, but not into that phrase: the check is a
/// domain-specific detector that answers the common case at the cost of one
/// decode, where chardetng's statistics cost several times more. Anything
/// else goes to chardetng.
pub(super) fn decode_as_gb18030_report(bytes: &[u8]) -> Option<String> {
    decode_strict(GB18030, bytes).filter(|text| text.contains("信息公开"))
}

/// Decode without replacement: None if any byte sequence is malformed.
pub(super) fn decode_strict(encoding: &'static Encoding, bytes: &[u8]) -> Option<String> {
    let (text, had_errors) = encoding.decode_without_bom_handling(bytes);
    (!had_errors).then(|| text.into_owned())
}

/// Reject content that is clearly not text: NUL bytes, or more than 1 in 20
/// bytes being C0 control characters other than tab, newline, CR, form feed.
fn check_not_binary(bytes: &[u8]) -> Result<(), DecodeError> {
    let head = &bytes[..bytes.len().min(SNIFF_BYTES)];
    if let Some(pos) = memchr::memchr(0, head) {
        return Err(DecodeError::Binary(format!("NUL byte at offset {pos}")));
    }
    let controls = control_bytes(head);
    if controls * 20 > head.len() {
        return Err(DecodeError::Binary(format!(
            "{controls} control bytes in the first {} bytes",
            head.len()
        )));
    }
    Ok(())
}

/// C0 control bytes other than tab, line feed, carriage return and form feed.
fn control_bytes(bytes: &[u8]) -> usize {
    // Branch-free, in byte lanes: a chunk of 255 bytes cannot overflow a `u8`,
    // and byte sums vectorise 32 to an instruction where `usize` sums manage 4.
    bytes
        .chunks(255)
        .map(|chunk| {
            chunk
                .iter()
                .map(|&b| (b < 0x20) as u8 & !matches!(b, b'\t' | b'\n' | b'\r' | 0x0C) as u8)
                .fold(0u8, u8::wrapping_add) as usize
        })
        .sum()
}

/// Split text into line blocks: `\r\n`, `\r` and form feeds end lines, and a
/// form feed also gives a [`Block::PageBreak`]. Lines keep their tabs and
/// inner spacing (the parser reads layout from them).
pub fn text_to_lines(text: &str) -> Vec<Block> {
    let mut blocks = Vec::with_capacity(text.len() / 24);
    let push_line = |blocks: &mut Vec<Block>, line: &str| {
        let line = line.strip_suffix('\r').unwrap_or(line);
        if memchr::memchr(b'\r', line.as_bytes()).is_some() {
            // A lone CR (old Mac line ends) also ends a line.
            blocks.extend(line.split('\r').map(|l| Block::Line(l.to_string())));
        } else {
            blocks.push(Block::Line(line.to_string()));
        }
    };
    // One SIMD pass for both line and page ends.
    let mut start = 0;
    for end in memchr::memchr2_iter(b'\n', b'\x0C', text.as_bytes()) {
        push_line(&mut blocks, &text[start..end]);
        if text.as_bytes()[end] == b'\x0C' {
            blocks.push(Block::PageBreak);
        }
        start = end + 1;
    }
    push_line(&mut blocks, &text[start..]);
    blocks
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf8_with_and_without_bom() {
        let plain = decode_to_string("临泽县".as_bytes()).unwrap();
        assert_eq!((plain.text.as_ref(), plain.encoding), ("临泽县", "UTF-8"));
        let bom = decode_to_string(b"\xEF\xBB\xBF\xE4\xB8\xB4").unwrap();
        assert_eq!((bom.text.as_ref(), bom.encoding), ("临", "UTF-8"));
    }

    #[test]
    fn gbk_is_detected() {
        let (bytes, _, _) = GB18030.encode("临泽县2019年政府信息公开工作年度报告\n一、总体情况\n");
        let decoded = decode_to_string(&bytes).unwrap();
        let (text, enc) = (decoded.text, decoded.encoding);
        assert!(text.starts_with("临泽县2019年"));
        assert!(enc == "GBK" || enc == "gb18030", "{enc}");
    }

    #[test]
    fn big5_report_is_not_taken_for_gb18030() {
        let report = "臺北市政府資訊公開工作年度報告\n一、總體情況\n本年度共收到政府資訊公開申請十二件，均已依法答覆。\n";
        let (bytes, _, _) = encoding_rs::BIG5.encode(report);
        assert_eq!(decode_as_gb18030_report(&bytes), None);
        let decoded = decode_to_string(&bytes).unwrap();
        assert_eq!((decoded.text.as_ref(), decoded.encoding), (report, "Big5"));
    }

    #[test]
    fn utf16_with_bom() {
        let mut bytes = vec![0xFF, 0xFE];
        for unit in "规章\t0".encode_utf16() {
            bytes.extend_from_slice(&unit.to_le_bytes());
        }
        let decoded = decode_to_string(&bytes).unwrap();
        assert_eq!(
            (decoded.text.as_ref(), decoded.encoding),
            ("规章\t0", "UTF-16LE")
        );
    }

    #[test]
    fn binary_and_empty_are_rejected() {
        assert!(matches!(decode_to_string(b""), Err(DecodeError::Empty)));
        assert!(matches!(
            decode_to_string(b"abc\x00def"),
            Err(DecodeError::Binary(_))
        ));
        assert!(matches!(
            decode_to_string(&[1u8, 2, 3, 4, 5, 6, 7, 8]),
            Err(DecodeError::Binary(_))
        ));
    }

    #[test]
    fn lines_split_on_all_breaks() {
        let blocks = text_to_lines("a\r\nb\x0Cc\rd");
        assert_eq!(blocks.len(), 5);
        assert_eq!(blocks[2], Block::PageBreak);
    }

    /// The definition `text_to_lines` implements: pages split on form feeds,
    /// lines on `\n`, a trailing `\r` dropped and a lone `\r` ending a line.
    fn lines_reference(text: &str) -> Vec<Block> {
        let mut blocks = Vec::new();
        for (i, page) in text.split('\x0C').enumerate() {
            if i > 0 {
                blocks.push(Block::PageBreak);
            }
            for line in page.split('\n') {
                let line = line.strip_suffix('\r').unwrap_or(line);
                blocks.extend(line.split('\r').map(|l| Block::Line(l.to_string())));
            }
        }
        blocks
    }

    /// A sample report (UTF-8, Chinese throughout), from the repository.
    fn sample() -> Vec<u8> {
        samples().swap_remove(0)
    }

    /// The five sample reports (UTF-8), from the repository.
    fn samples() -> Vec<Vec<u8>> {
        [
            "000_1f3be3be81006fc6",
            "001_29196fa5befbfdb4",
            "002_71af202b911b497d",
            "003_45d03742e780f514",
            "004_49933982007c6c7a",
        ]
        .iter()
        .map(|name| {
            std::fs::read(
                std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                    .join(format!("data/samples/{name}.txt")),
            )
            .unwrap()
        })
        .collect()
    }

    #[test]
    fn a_stray_byte_is_repaired_not_taken_for_gb18030() {
        let mut bytes = sample();
        let mid = bytes.len() / 2;
        // A lone continuation byte between two characters.
        let at = (mid..)
            .find(|&i| bytes[i] < 0x80 || bytes[i] >= 0xC0)
            .unwrap();
        bytes.insert(at, 0x80);
        let decoded = decode_to_string(&bytes).unwrap();
        assert_eq!((decoded.encoding, decoded.repaired), ("UTF-8", 1));
        assert_eq!(decoded.text.matches('\u{FFFD}').count(), 1);
        let doc = decode_text(&bytes).unwrap();
        assert_eq!(doc.findings.len(), 1);
        assert_eq!(doc.findings[0].rule, "encoding_repaired");
    }

    #[test]
    fn gb18030_text_is_not_repaired_utf8() {
        let text = String::from_utf8(sample()).unwrap();
        let (gbk, _, _) = GB18030.encode(&text);
        assert_eq!(decode_nearly_utf8(&gbk), None);
        let decoded = decode_to_string(&gbk).unwrap();
        assert_eq!((decoded.encoding, decoded.repaired), ("gb18030", 0));
        // Short Chinese in GB18030 with one ASCII-heavy line: still not UTF-8.
        let (short, _, _) = GB18030.encode("abc 临泽县 2019 def 12345 信息公开");
        assert_eq!(decode_nearly_utf8(&short), None);
    }

    proptest::proptest! {
        /// Any sample cut at any byte decodes as UTF-8: all of it before the
        /// cut, at most one replaced character at the end.
        #[test]
        fn a_report_cut_anywhere_decodes_as_utf8(which in 0usize..5, cut in 1usize..15_000) {
            let bytes = samples().swap_remove(which);
            let cut = cut.min(bytes.len());
            let decoded = decode_to_string(&bytes[..cut]).unwrap();
            proptest::prop_assert_eq!(decoded.encoding, "UTF-8");
            let kept = match std::str::from_utf8(&bytes[..cut]) {
                Ok(all) => all,
                Err(e) => std::str::from_utf8(&bytes[..e.valid_up_to()]).unwrap(),
            };
            proptest::prop_assert!(decoded.text.starts_with(kept));
            proptest::prop_assert!(decoded.text.len() <= kept.len() + 3);
            proptest::prop_assert_eq!(decoded.repaired, usize::from(kept.len() < cut));
        }

        #[test]
        fn lines_agree_with_their_definition(text in "[a规\r\n\x0C]{0,24}") {
            proptest::prop_assert_eq!(text_to_lines(&text), lines_reference(&text));
        }

        #[test]
        fn control_bytes_counts_disallowed_c0(bytes in proptest::collection::vec(proptest::num::u8::ANY, 0..1200)) {
            let expected = bytes.iter().filter(|&&b| b < 0x20 && !b"\t\n\r\x0c".contains(&b)).count();
            proptest::prop_assert_eq!(control_bytes(&bytes), expected);
        }

        #[test]
        fn never_panics_on_arbitrary_bytes(bytes in proptest::collection::vec(proptest::num::u8::ANY, 0..512)) {
            let _ = decode_text(&bytes);
        }

        #[test]
        fn utf8_text_roundtrips(text in "[\\PC\t\n]{0,200}") {
            if let Ok(decoded) = decode_to_string(text.as_bytes()) {
                proptest::prop_assert_eq!(decoded.text.as_ref(), text.as_str());
                proptest::prop_assert_eq!(decoded.repaired, 0);
            }
        }
    }
}
