//! `pdftotext -bbox` output → the words of each page with their boxes.
//!
//! The output is XHTML: `<page width height>` → `<word xMin yMin xMax
//! yMax>text</word>`, coordinates in points from the top-left corner of the
//! page's media box. (`-bbox-layout` adds flows, blocks and lines around the
//! words, at 10% more time; the flow structure is not needed here, and the
//! same markup is read if given.)

use memchr::memmem;

/// One word as pdftotext found it.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Word {
    pub x0: f64,
    pub y0: f64,
    pub x1: f64,
    pub y1: f64,
    pub text: String,
}

impl Word {
    pub fn cx(&self) -> f64 {
        (self.x0 + self.x1) / 2.0
    }

    pub fn cy(&self) -> f64 {
        (self.y0 + self.y1) / 2.0
    }
}

/// One page: its size and words in pdftotext's reading order.
#[derive(Debug, Clone, PartialEq, Default)]
pub(crate) struct PageWords {
    pub width: f64,
    pub height: f64,
    pub words: Vec<Word>,
}

/// The values of the attributes `names` in a tag's attributes
/// (`name="1.5" …`), read in one pass; None if one is missing or not a number.
fn attrs<const N: usize>(tag: &[u8], names: [&[u8]; N]) -> Option<[f64; N]> {
    let mut out = [f64::NAN; N];
    let mut i = 0;
    while i < tag.len() {
        while i < tag.len() && (tag[i].is_ascii_whitespace() || tag[i] == b'/') {
            i += 1;
        }
        let start = i;
        while i < tag.len() && tag[i] != b'=' && !tag[i].is_ascii_whitespace() {
            i += 1;
        }
        let name = &tag[start..i];
        if tag.get(i) != Some(&b'=') || tag.get(i + 1) != Some(&b'"') {
            i += 1;
            continue;
        }
        let value_at = i + 2;
        let len = memchr::memchr(b'"', &tag[value_at..])?;
        if let Some(k) = names.iter().position(|n| *n == name) {
            out[k] = decimal(&tag[value_at..value_at + len])?;
        }
        i = value_at + len + 1;
    }
    out.iter().all(|v| v.is_finite()).then_some(out)
}

/// A decimal as pdftotext prints it (`%f`: `-12.345678`), read by hand.
fn decimal(text: &[u8]) -> Option<f64> {
    let (negative, digits) = match text.split_first() {
        Some((b'-', rest)) => (true, rest),
        _ => (false, text),
    };
    let mut value = 0.0f64;
    let mut scale = 0.0f64;
    let mut any = false;
    for &b in digits {
        match b {
            b'0'..=b'9' => {
                any = true;
                let d = f64::from(b - b'0');
                if scale == 0.0 {
                    value = value * 10.0 + d;
                } else {
                    value += d * scale;
                    scale /= 10.0;
                }
            }
            b'.' if scale == 0.0 => scale = 0.1,
            _ => return None,
        }
    }
    (any && value.is_finite()).then_some(if negative { -value } else { value })
}

/// Word text with pdftotext's escapes (`&amp;` `&lt;` `&gt;` `&quot;`
/// `&apos;`, and numeric references) decoded; None if not UTF-8.
fn unescape(raw: &[u8]) -> Option<String> {
    let raw = std::str::from_utf8(raw).ok()?;
    if !raw.contains('&') {
        return Some(raw.to_string());
    }
    let mut out = String::with_capacity(raw.len());
    let mut rest = raw;
    while let Some(at) = rest.find('&') {
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        let Some(end) = rest.find(';').filter(|&e| e <= 12) else {
            out.push('&');
            rest = &rest[1..];
            continue;
        };
        let entity = &rest[1..end];
        let c = match entity {
            "amp" => Some('&'),
            "lt" => Some('<'),
            "gt" => Some('>'),
            "quot" => Some('"'),
            "apos" => Some('\''),
            _ => entity
                .strip_prefix("#x")
                .or_else(|| entity.strip_prefix("#X"))
                .map(|h| u32::from_str_radix(h, 16))
                .or_else(|| entity.strip_prefix('#').map(str::parse::<u32>))
                .and_then(Result::ok)
                .and_then(char::from_u32),
        };
        match c {
            Some(c) => {
                out.push(c);
                rest = &rest[end + 1..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    Some(out)
}

/// Parse the XHTML; None when it is not what pdftotext writes. A hand-written
/// scanner for pdftotext's fixed markup (`<page width=… height=…>`, `<word
/// xMin=… yMin=… xMax=… yMax=…>text</word>`; other elements are skipped):
/// several times faster than a general XML reader on this output.
pub(crate) fn parse(xhtml: &[u8]) -> Option<Vec<PageWords>> {
    let mut pages: Vec<PageWords> = Vec::new();
    let close_word = memmem::Finder::new(b"</word>");
    let mut pos = 0;
    while let Some(n) = memchr::memchr(b'<', &xhtml[pos..]) {
        let at = pos + n + 1;
        let rest = &xhtml[at..];
        let element = |name: &[u8]| {
            rest.starts_with(name)
                && rest
                    .get(name.len())
                    .is_some_and(|&b| b.is_ascii_whitespace() || b == b'>' || b == b'/')
        };
        if element(b"page") {
            let end = memchr::memchr(b'>', rest)?;
            let [width, height] = attrs(&rest[4..end], [b"width", b"height"])?;
            pages.push(PageWords {
                width,
                height,
                words: Vec::new(),
            });
            pos = at + end + 1;
        } else if element(b"word") {
            let end = memchr::memchr(b'>', rest)?;
            let [x0, y0, x1, y1] = attrs(&rest[4..end], [b"xMin", b"yMin", b"xMax", b"yMax"])?;
            let text_at = at + end + 1;
            let text_len = close_word.find(&xhtml[text_at..])?;
            let word = Word {
                x0,
                y0,
                x1,
                y1,
                text: unescape(&xhtml[text_at..text_at + text_len])?,
            };
            if !word.text.trim().is_empty() {
                pages.last_mut()?.words.push(word);
            }
            pos = text_at + text_len + 7;
        } else {
            pos = at;
        }
    }
    Some(pages)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_and_words() {
        let xhtml = r#"<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" "x.dtd"><html xmlns="http://www.w3.org/1999/xhtml">
<head><title>&#255;</title><meta name="Creator" content="W&amp;S"/></head><body><doc>
  <page width="595.0" height="842.0">
    <flow><block xMin="1" yMin="2" xMax="3" yMax="4"><line xMin="1" yMin="2" xMax="3" yMax="4">
      <word xMin="10.5" yMin="20" xMax="30" yMax="32">A&amp;B&lt;&#x4E2D;</word>
      <word xMin="40" yMin="20" xMax="50" yMax="32">自</word>
    </line></block></flow>
  </page>
  <page width="595.0" height="842.0">
  </page>
</doc></body></html>"#;
        let pages = parse(xhtml.as_bytes()).unwrap();
        assert_eq!(pages.len(), 2);
        assert_eq!((pages[0].width, pages[0].height), (595.0, 842.0));
        assert_eq!(pages[0].words.len(), 2);
        assert_eq!(pages[0].words[0].text, "A&B<中");
        assert_eq!(pages[0].words[0].x0, 10.5);
        assert_eq!(pages[0].words[1].cx(), 45.0);
        assert!(pages[1].words.is_empty());
    }

    #[test]
    fn not_pdftotext_output() {
        assert_eq!(parse(b"<page width=\"x\" height=\"1\">"), None);
        assert_eq!(parse(b"plain text"), Some(vec![]));
        // A word outside a page, an unclosed word, a cut tag.
        assert_eq!(
            parse(b"<word xMin=\"1\" yMin=\"1\" xMax=\"2\" yMax=\"2\">a</word>"),
            None
        );
        assert_eq!(parse(b"<page width=\"1\" height=\"1\"><word xMin=\"1\" yMin=\"1\" xMax=\"2\" yMax=\"2\">a"), None);
        assert_eq!(parse(b"<page width=\"1\""), None);
    }

    #[test]
    fn entities() {
        assert_eq!(
            unescape(b"a&amp;b&lt;&gt;&quot;&apos;").unwrap(),
            "a&b<>\"'"
        );
        assert_eq!(unescape(b"&#x4E2D;&#25991;").unwrap(), "中文");
        assert_eq!(unescape(b"AT&T &bogus; &").unwrap(), "AT&T &bogus; &");
        assert_eq!(unescape(b"\xff"), None);
    }

    #[test]
    fn decimals() {
        assert_eq!(decimal(b"595.000000"), Some(595.0));
        assert_eq!(decimal(b"-12.5"), Some(-12.5));
        assert_eq!(decimal(b"7"), Some(7.0));
        assert!((decimal(b"184.371100").unwrap() - 184.3711).abs() < 1e-9);
        assert_eq!(decimal(b""), None);
        assert_eq!(decimal(b"1.2.3"), None);
        assert_eq!(decimal(b"nan"), None);
    }

    #[test]
    fn attributes() {
        assert_eq!(
            attrs(b" xMax=\"3\" xMin=\"1.5\" other=\"x\"", [b"xMin", b"xMax"]),
            Some([1.5, 3.0])
        );
        assert_eq!(attrs(b" axMin=\"3\"", [b"xMin"]), None);
        assert_eq!(attrs(b" xMin=\"nan\"", [b"xMin"]), None);
        assert_eq!(attrs(b" xMin=\"1", [b"xMin"]), None);
    }
}
