//! `pdftotext -bbox` output → the words of each page with their boxes.
//!
//! The output is XHTML: `<page width height>` → `<word xMin yMin xMax
//! yMax>text</word>`, coordinates in points from the top-left corner of the
//! page's media box. (`-bbox-layout` adds flows, blocks and lines around the
//! words, at 10% more time; the flow structure is not needed here, and the
//! same markup is read if given.)

use quick_xml::events::{BytesStart, Event};
use quick_xml::reader::Reader;

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

fn attr_f64(e: &BytesStart, name: &[u8]) -> Option<f64> {
    e.attributes()
        .flatten()
        .find(|a| a.key.as_ref() == name)
        .and_then(|a| std::str::from_utf8(&a.value).ok()?.trim().parse().ok())
        .filter(|v: &f64| v.is_finite())
}

/// Parse the XHTML; None when it is not what pdftotext writes.
pub(crate) fn parse(xhtml: &[u8]) -> Option<Vec<PageWords>> {
    let mut reader = Reader::from_reader(xhtml);
    reader.config_mut().check_end_names = false;
    let mut pages: Vec<PageWords> = Vec::new();
    // The word being read: its box and text so far.
    let mut word: Option<Word> = None;
    loop {
        match reader.read_event().ok()? {
            Event::Start(e) => match e.local_name().as_ref() {
                b"page" => pages.push(PageWords {
                    width: attr_f64(&e, b"width")?,
                    height: attr_f64(&e, b"height")?,
                    words: Vec::new(),
                }),
                b"word" => {
                    word = Some(Word {
                        x0: attr_f64(&e, b"xMin")?,
                        y0: attr_f64(&e, b"yMin")?,
                        x1: attr_f64(&e, b"xMax")?,
                        y1: attr_f64(&e, b"yMax")?,
                        text: String::new(),
                    })
                }
                _ => {}
            },
            Event::Empty(e) if e.local_name().as_ref() == b"page" => pages.push(PageWords {
                width: attr_f64(&e, b"width")?,
                height: attr_f64(&e, b"height")?,
                words: Vec::new(),
            }),
            Event::Text(t) => {
                if let Some(w) = word.as_mut() {
                    w.text.push_str(&t.xml10_content().ok()?);
                }
            }
            Event::GeneralRef(r) => {
                if let Some(w) = word.as_mut() {
                    let c = match r.resolve_char_ref() {
                        Ok(Some(c)) => Some(c),
                        _ => match r.decode().ok()?.as_ref() {
                            "amp" => Some('&'),
                            "lt" => Some('<'),
                            "gt" => Some('>'),
                            "quot" => Some('"'),
                            "apos" => Some('\''),
                            _ => None,
                        },
                    };
                    w.text.extend(c);
                }
            }
            Event::End(e) if e.local_name().as_ref() == b"word" => {
                if let (Some(w), Some(page)) = (word.take(), pages.last_mut()) {
                    if !w.text.trim().is_empty() {
                        page.words.push(w);
                    }
                }
            }
            Event::Eof => break,
            _ => {}
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
    }
}
