//! Character encoding of an HTML page, in order of evidence: a byte-order
//! mark; valid UTF-8; the charset the page declares (`<meta charset>`,
//! `<meta http-equiv="Content-Type">`, an XML declaration); chardetng's guess;
//! GB18030.
//!
//! Declarations are often wrong on these sites (a page saved as UTF-8 that
//! still says `gb2312`, or the reverse), and UTF-8 bytes often decode as GBK
//! mojibake without errors, so valid UTF-8 with non-ASCII text wins over any
//! declaration, and a declared charset is used only if it decodes the page
//! without errors (a declared GBK may fall back to its superset GB18030).
//! Pages that decode cleanly in nothing are decoded lossily with the declared
//! or guessed charset rather than rejected: a browser would show them too.
//! NUL bytes in the first 16 KiB (without a UTF-16 BOM) are binary content.

use super::super::text::{decode_as_gb18030_report, decode_nearly_utf8, decode_strict, Decoded};
use super::super::DecodeError;
use encoding_rs::{Encoding, GB18030, GBK, UTF_16BE, UTF_16LE, UTF_8, WINDOWS_1252};
use std::borrow::Cow;

/// How many leading bytes are searched for a charset declaration and fed to the detector.
const SNIFF_BYTES: usize = 16 * 1024;

/// Decode an HTML page's bytes: the text, the encoding's name, and how many
/// malformed sequences were replaced by U+FFFD.
pub(super) fn decode_html_bytes(bytes: &[u8]) -> Result<Decoded<'_>, DecodeError> {
    if let Some((encoding, bom_len)) = Encoding::for_bom(bytes) {
        return Ok(lossy(encoding, &bytes[bom_len..]));
    }
    let head = &bytes[..bytes.len().min(SNIFF_BYTES)];
    if let Some(pos) = memchr::memchr(0, head) {
        return Err(DecodeError::Binary(format!(
            "NUL byte at offset {pos} in an HTML file"
        )));
    }
    let declared = declared_encoding(head);
    // Valid UTF-8 with non-ASCII bytes is never an accident of GBK text, while
    // UTF-8 bytes often decode "cleanly" as GBK mojibake: UTF-8 goes first.
    if let Ok(text) = simdutf8::basic::from_utf8(bytes) {
        if declared.is_none() || !bytes.is_ascii() {
            // Borrowed: the page is its own text.
            return Ok(clean(Cow::Borrowed(text), UTF_8));
        }
    }
    // A page cut inside its last character (crawlers cut pages) is still UTF-8,
    // unless it declares another charset that reads it cleanly.
    if declared.is_none_or(|enc| enc == UTF_8) {
        if let Some((text, repaired)) = decode_nearly_utf8(bytes) {
            return Ok(Decoded {
                text: Cow::Owned(text),
                encoding: UTF_8.name(),
                repaired,
            });
        }
    }
    // A declared charset that decodes cleanly is taken without asking chardetng
    // (its guess costs more than the decode itself).
    if let Some(enc) = declared {
        // GB2312/GBK pages often use characters only GB18030 has.
        let declared_candidates: &[&'static Encoding] =
            if enc == GBK { &[GBK, GB18030] } else { &[enc] };
        for &enc in declared_candidates {
            if let Some(text) = decode_strict(enc, bytes) {
                return Ok(clean(Cow::Owned(text), enc));
            }
        }
    }
    if let Some(text) = decode_as_gb18030_report(bytes) {
        return Ok(clean(Cow::Owned(text), GB18030));
    }
    let mut candidates: Vec<&'static Encoding> = Vec::with_capacity(2);
    let mut detector = chardetng::EncodingDetector::new();
    detector.feed(head, bytes.len() <= SNIFF_BYTES);
    let guess = detector.guess(Some(b"cn"), true);
    candidates.push(guess);
    candidates.push(GB18030);
    for &enc in &candidates {
        if let Some(text) = decode_strict(enc, bytes) {
            return Ok(clean(Cow::Owned(text), enc));
        }
    }
    Ok(lossy(declared.unwrap_or(guess), bytes))
}

fn clean<'a>(text: Cow<'a, str>, encoding: &'static Encoding) -> Decoded<'a> {
    Decoded {
        text,
        encoding: encoding.name(),
        repaired: 0,
    }
}

/// Decode with U+FFFD for malformed sequences, as a browser shows the page,
/// counting them (a repair finding says how many).
fn lossy<'a>(encoding: &'static Encoding, bytes: &'a [u8]) -> Decoded<'a> {
    let (text, had_errors) = encoding.decode_without_bom_handling(bytes);
    let repaired = if had_errors {
        text.matches('\u{FFFD}').count().max(1)
    } else {
        0
    };
    Decoded {
        text,
        encoding: encoding.name(),
        repaired,
    }
}

/// The encoding a page declares in its first bytes, if any (per the HTML
/// prescan: a declared UTF-16 means UTF-8, `x-user-defined` means windows-1252).
fn declared_encoding(head: &[u8]) -> Option<&'static Encoding> {
    let lower: Vec<u8> = head.iter().map(u8::to_ascii_lowercase).collect();
    let mut from = 0;
    while let Some(pos) = find(&lower[from..], b"<meta").map(|p| p + from) {
        let end = lower[pos..]
            .iter()
            .position(|&b| b == b'>')
            .map_or(lower.len(), |e| pos + e);
        if let Some(enc) = charset_in(&lower[pos..end]) {
            return Some(enc);
        }
        from = end.max(pos + 5);
    }
    // <?xml version="1.0" encoding="gb2312"?> (XHTML saved by some editors)
    if let Some(pos) = find(&lower, b"<?xml") {
        let end = lower[pos..]
            .iter()
            .position(|&b| b == b'>')
            .map_or(lower.len(), |e| pos + e);
        let decl = &lower[pos..end];
        if let Some(p) = find(decl, b"encoding") {
            return label_after(&decl[p + 8..]);
        }
    }
    None
}

/// The charset named in one `<meta ...>` tag (lower-cased bytes).
fn charset_in(tag: &[u8]) -> Option<&'static Encoding> {
    let p = find(tag, b"charset")?;
    label_after(&tag[p + 7..])
}

/// Read `= "label"` (quotes optional) and map the label to an encoding.
fn label_after(rest: &[u8]) -> Option<&'static Encoding> {
    let mut i = 0;
    while i < rest.len() && rest[i].is_ascii_whitespace() {
        i += 1;
    }
    if rest.get(i) != Some(&b'=') {
        return None;
    }
    i += 1;
    while i < rest.len() && (rest[i].is_ascii_whitespace() || rest[i] == b'"' || rest[i] == b'\'') {
        i += 1;
    }
    let start = i;
    while i < rest.len()
        && (rest[i].is_ascii_alphanumeric() || matches!(rest[i], b'-' | b'_' | b'.' | b':'))
    {
        i += 1;
    }
    let enc = Encoding::for_label(&rest[start..i])?;
    Some(if enc == UTF_16LE || enc == UTF_16BE {
        UTF_8
    } else if enc.name() == "x-user-defined" {
        WINDOWS_1252
    } else {
        enc
    })
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    if needle.is_empty() || haystack.len() < needle.len() {
        return None;
    }
    haystack.windows(needle.len()).position(|w| w == needle)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn declared_gb2312_is_gbk() {
        let (bytes, _, _) = GBK.encode("<html><head><meta http-equiv=Content-Type content='text/html; charset=gb2312'></head><body>临泽县</body></html>");
        let Decoded {
            text,
            encoding: enc,
            ..
        } = decode_html_bytes(&bytes).unwrap();
        assert_eq!(enc, "GBK");
        assert!(text.contains("临泽县"));
    }

    #[test]
    fn meta_charset_and_xml_declaration() {
        assert_eq!(
            declared_encoding(b"<meta charset=\"UTF-8\" />"),
            Some(UTF_8)
        );
        assert_eq!(declared_encoding(b"<META CHARSET=gbk>"), Some(GBK));
        assert_eq!(
            declared_encoding(b"<?xml version=\"1.0\" encoding=\"GB2312\"?><html>"),
            Some(GBK)
        );
        assert_eq!(declared_encoding(b"<meta charset=utf-16>"), Some(UTF_8));
        assert_eq!(
            declared_encoding(b"<meta name=charsetx content=x><p>"),
            None
        );
        assert_eq!(declared_encoding(b"<meta charset"), None);
    }

    #[test]
    fn wrong_declaration_loses_to_valid_utf8() {
        let page = "<meta charset=gb2312><p>政府信息公开工作年度报告</p>";
        let Decoded {
            text,
            encoding: enc,
            ..
        } = decode_html_bytes(page.as_bytes()).unwrap();
        assert_eq!(enc, "UTF-8");
        assert!(text.contains("年度报告"));
    }

    #[test]
    fn undeclared_gbk_is_detected() {
        let (bytes, _, _) =
            GBK.encode("<html><body><p>临泽县2019年政府信息公开工作年度报告，主动公开政府信息。</p></body></html>");
        let Decoded {
            text,
            encoding: enc,
            ..
        } = decode_html_bytes(&bytes).unwrap();
        assert!(enc == "GBK" || enc == "gb18030", "{enc}");
        assert!(text.contains("主动公开"));
    }

    #[test]
    fn nul_bytes_are_binary() {
        assert!(matches!(
            decode_html_bytes(b"<html>\0\0"),
            Err(DecodeError::Binary(_))
        ));
    }
}
