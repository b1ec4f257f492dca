//! Rendering: the document model ([`doc`]), the national tables as grids with
//! their truth ([`tables`]), number cells ([`cells`]), the narrative
//! ([`prose`]), one module per layout real reports come in, and the byte
//! encodings.

pub mod cells;
pub mod crawled;
pub mod doc;
pub mod docx;
pub mod html;
pub mod markdown;
pub mod pdf_layout;
pub mod pdf_tabs;
pub mod prose;
pub mod tables;
pub mod word_text;

use encoding_rs::{GB18030, GBK};

/// How a report's text and tables are laid out (one per source program).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Layout {
    /// Word → text: one cell per line after a tab (samples 000, 002, 003).
    TabCells,
    /// One cell per line ending in ` |` (sample 001).
    PipeCells,
    /// PDF → text with tab-separated rows (sample 004).
    PdfTabs,
    /// `pdftotext -layout`: space-aligned columns (淮安, 洪泽).
    PdfLayout,
    /// An HTML article page.
    Html,
    /// Markdown from a converter: pipe tables.
    Markdown,
    /// A page's text as a crawler saves it: header lines, then the article on
    /// one line with its tables flowed (平潭 pages).
    Crawled,
    /// A real Word document (`.docx`): tables with `w:gridSpan`/`w:vMerge`
    /// merges and the narrow column widths real reports use ([`docx`]).
    Docx,
    /// The `docx` document printed to PDF by LibreOffice (`soffice
    /// --convert-to pdf`): ruled tables whose narrow cells wrap 3–4 digit
    /// numbers and header words, as Word/WPS print them. Needs LibreOffice
    /// when generating ([`crate::pdf_print`]).
    WordPdf,
}

impl Layout {
    /// Every layout.
    pub const ALL: [Layout; 9] = [
        Layout::TabCells,
        Layout::PipeCells,
        Layout::PdfTabs,
        Layout::PdfLayout,
        Layout::Html,
        Layout::Markdown,
        Layout::Crawled,
        Layout::Docx,
        Layout::WordPdf,
    ];

    /// The name used in the truth file and on the command line.
    pub fn name(self) -> &'static str {
        match self {
            Layout::TabCells => "tab_cells",
            Layout::PipeCells => "pipe_cells",
            Layout::PdfTabs => "pdf_tabs",
            Layout::PdfLayout => "pdf_layout",
            Layout::Html => "html",
            Layout::Markdown => "markdown",
            Layout::Crawled => "crawled",
            Layout::Docx => "docx",
            Layout::WordPdf => "word_pdf",
        }
    }

    /// Parse a name.
    pub fn from_name(name: &str) -> Option<Layout> {
        Layout::ALL.into_iter().find(|l| l.name() == name)
    }
}

/// Byte encodings of the generated files.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    /// UTF-8 without BOM.
    Utf8,
    /// UTF-8 with a BOM.
    Utf8Bom,
    /// GB18030 (the bytes of GBK for the characters used).
    Gb18030,
    /// GBK, declared in an HTML page as `gb2312`/`GBK`.
    Gbk,
    /// UTF-16 little-endian with a BOM.
    Utf16Le,
    /// UTF-16 big-endian with a BOM.
    Utf16Be,
}

impl Encoding {
    /// The name the truth records (as encoding_rs names it; GBK and GB18030
    /// count as the same encoding when compared).
    pub fn name(self) -> &'static str {
        match self {
            Encoding::Utf8 | Encoding::Utf8Bom => "UTF-8",
            Encoding::Gb18030 => "gb18030",
            Encoding::Gbk => "GBK",
            Encoding::Utf16Le => "UTF-16LE",
            Encoding::Utf16Be => "UTF-16BE",
        }
    }

    /// Encode text. Falls back to UTF-8 (returned) if a character cannot be encoded.
    pub fn encode(self, text: &str) -> (Vec<u8>, Encoding) {
        match self {
            Encoding::Utf8 => (text.as_bytes().to_vec(), self),
            Encoding::Utf8Bom => {
                let mut b = vec![0xEF, 0xBB, 0xBF];
                b.extend_from_slice(text.as_bytes());
                (b, self)
            }
            Encoding::Gb18030 | Encoding::Gbk => {
                let enc = if self == Encoding::Gbk { GBK } else { GB18030 };
                let (bytes, _, unmappable) = enc.encode(text);
                if unmappable {
                    (text.as_bytes().to_vec(), Encoding::Utf8)
                } else {
                    (bytes.into_owned(), self)
                }
            }
            Encoding::Utf16Le | Encoding::Utf16Be => {
                let le = self == Encoding::Utf16Le;
                let mut b = Vec::with_capacity(text.len() * 2 + 2);
                b.extend_from_slice(if le { &[0xFF, 0xFE] } else { &[0xFE, 0xFF] });
                for unit in text.encode_utf16() {
                    b.extend_from_slice(&if le {
                        unit.to_le_bytes()
                    } else {
                        unit.to_be_bytes()
                    });
                }
                (b, self)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodings_roundtrip() {
        let text =
            "临泽县2019年政府信息公开工作年度报告\n\t规章\n\t增5\n“三安全一稳定”〔2019〕·１２\n";
        for enc in [
            Encoding::Utf8,
            Encoding::Utf8Bom,
            Encoding::Gb18030,
            Encoding::Gbk,
            Encoding::Utf16Le,
            Encoding::Utf16Be,
        ] {
            let (bytes, used) = enc.encode(text);
            assert_eq!(used, enc);
            let doc = xxgk::internal::decode_text(&bytes).unwrap();
            assert_eq!(doc.plain_text().trim_end(), text.trim_end(), "{enc:?}");
        }
        assert_eq!(Layout::from_name("pdf_layout"), Some(Layout::PdfLayout));
        assert_eq!(Layout::from_name("crawled"), Some(Layout::Crawled));
        assert_eq!(Layout::from_name("word_pdf"), Some(Layout::WordPdf));
    }
}
