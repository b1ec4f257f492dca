//! The document model every layout renders: a title, headings, paragraphs and
//! tables. Tables are grids as Word holds them — cells with row and column
//! spans, and a continuation marker where a cell merged from the row above
//! sits — so each layout can print them the way its source program does
//! (Word's text export prints a continuation as an empty cell, HTML drops it,
//! a PDF extractor loses it).

/// One cell of a table grid.
#[derive(Debug, Clone, PartialEq)]
pub enum GCell {
    /// A header or label cell. `\n` marks where the printed label broke over lines.
    Label {
        /// Text.
        text: String,
        /// Columns covered.
        colspan: usize,
        /// Rows covered.
        rowspan: usize,
    },
    /// A number cell as printed.
    Value {
        /// Raw text.
        raw: String,
        /// Columns covered.
        colspan: usize,
    },
    /// The continuation of a cell merged from a row above.
    Cont {
        /// Columns covered.
        colspan: usize,
    },
}

impl GCell {
    /// A label spanning one slot.
    pub fn label(text: impl Into<String>) -> Self {
        GCell::Label {
            text: text.into(),
            colspan: 1,
            rowspan: 1,
        }
    }

    /// A label with spans.
    pub fn span(text: impl Into<String>, colspan: usize, rowspan: usize) -> Self {
        GCell::Label {
            text: text.into(),
            colspan,
            rowspan,
        }
    }

    /// A value over `colspan` slots.
    pub fn value(raw: impl Into<String>, colspan: usize) -> Self {
        GCell::Value {
            raw: raw.into(),
            colspan,
        }
    }

    /// Columns this cell covers.
    pub fn colspan(&self) -> usize {
        match self {
            GCell::Label { colspan, .. }
            | GCell::Value { colspan, .. }
            | GCell::Cont { colspan } => *colspan,
        }
    }

    /// Whether this is a continuation slot.
    pub fn is_cont(&self) -> bool {
        matches!(self, GCell::Cont { .. })
    }

    /// Printed text with label breaks joined by `joiner` (empty for continuations).
    pub fn text(&self, joiner: &str) -> String {
        match self {
            GCell::Label { text, .. } => text.replace('\n', joiner),
            GCell::Value { raw, .. } => raw.clone(),
            GCell::Cont { .. } => String::new(),
        }
    }
}

/// What a row of a grid holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RowKind {
    /// A block heading spanning the table (`第二十条第（一）项`).
    Section,
    /// Column headers.
    Header,
    /// A labelled row of values.
    Data,
}

/// One row of a grid.
#[derive(Debug, Clone, PartialEq)]
pub struct GRow {
    /// What it holds.
    pub kind: RowKind,
    /// Its cells, continuations included.
    pub cells: Vec<GCell>,
}

/// Which table a grid is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TableKind {
    /// Table A (active disclosure).
    Active,
    /// Table B (applications).
    Applications,
    /// Table C (review and litigation).
    Review,
    /// An old-style local statistics table (reports before 2019).
    Local,
}

/// A table as Word holds it.
#[derive(Debug, Clone, PartialEq)]
pub struct Grid {
    /// Which table.
    pub kind: TableKind,
    /// Rows in order.
    pub rows: Vec<GRow>,
    /// Total columns.
    pub width: usize,
}

impl Grid {
    /// Index of the first data row.
    pub fn first_data_row(&self) -> usize {
        self.rows
            .iter()
            .position(|r| r.kind == RowKind::Data)
            .unwrap_or(self.rows.len())
    }
}

/// One part of a document, in reading order.
#[derive(Debug, Clone, PartialEq)]
pub enum Part {
    /// Title lines (one, or two when the title is broken: issuer / year-and-words).
    Title(Vec<String>),
    /// A line before the title (a document number, a date).
    Preface(String),
    /// A section heading (`一、总体情况`).
    Heading(String),
    /// A sub-heading that starts a paragraph (`（一）主动公开情况`), printed on its own line.
    SubHeading(String),
    /// A paragraph of running text.
    Para(String),
    /// A table.
    Table(Grid),
    /// The signature block: issuer and date, right-aligned in print.
    Signature(Vec<String>),
}

/// A whole generated document before layout.
#[derive(Debug, Clone, PartialEq)]
pub struct Doc {
    /// Parts in order.
    pub parts: Vec<Part>,
}

/// Display width of a string in a monospaced rendering (CJK and full-width = 2).
pub fn width(text: &str) -> usize {
    text.chars().map(char_width).sum()
}

/// Display width of one character.
pub fn char_width(c: char) -> usize {
    let u = c as u32;
    if (0x1100..=0x115F).contains(&u)
        || (0x2E80..=0xA4CF).contains(&u)
        || (0xAC00..=0xD7A3).contains(&u)
        || (0xF900..=0xFAFF).contains(&u)
        || (0xFE30..=0xFE4F).contains(&u)
        || (0xFF00..=0xFF60).contains(&u)
        || (0xFFE0..=0xFFE6).contains(&u)
        || c == '“'
        || c == '”'
    {
        2
    } else {
        1
    }
}

/// Replace full-width punctuation with ASCII (some sources do, e.g. 城口).
pub fn ascii_punct(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            '（' => '(',
            '）' => ')',
            '，' => ',',
            '：' => ':',
            '；' => ';',
            _ => c,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn widths() {
        assert_eq!(width("规章"), 4);
        assert_eq!(width("12"), 2);
        assert_eq!(width("（一）"), 6);
        assert_eq!(ascii_punct("（一）予以公开，"), "(一)予以公开,");
    }
}
