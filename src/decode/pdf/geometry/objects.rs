//! A small, defensive reader of PDF objects: just enough to reach each page's
//! content streams (and the form XObjects they draw), for the ruling lines.
//!
//! It never trusts the cross-reference table: the file is scanned front to
//! back for `N G obj` headers (skipping stream data by its `/Length` or its
//! `endstream`), as a repairing reader would, and object streams (`/ObjStm`)
//! are unpacked after the scan; a later definition of a number wins
//! (incremental updates). The parser is iterative with a fixed nesting limit
//! (no recursion, so hostile nesting cannot overflow the stack), every loop
//! advances, and decompression and object counts are capped. Encrypted files
//! are not read (their streams would need the key): the caller falls back to
//! `pdftotext -layout`. Only `FlateDecode` (without predictors),
//! `ASCIIHexDecode` and `ASCII85Decode` are decoded; another filter leaves the
//! stream unread.

use memchr::memmem;
use std::collections::{HashMap, HashSet};
use std::io::Read;

/// Deepest nesting of arrays and dictionaries parsed.
const MAX_DEPTH: usize = 64;
/// Most values one object may hold (all levels).
const MAX_ITEMS: usize = 1 << 20;
/// Most objects kept from one file.
const MAX_OBJECTS: usize = 1 << 20;
/// Most pages walked.
pub(crate) const MAX_PAGES: usize = 10_000;

/// A PDF value. Strings are kept as raw bytes (unused here).
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Obj {
    Null,
    Bool(bool),
    Int(i64),
    Real(f64),
    Name(Vec<u8>),
    Str,
    Array(Vec<Obj>),
    Dict(Dict),
    Ref(u32, u16),
    Stream(Stream),
}

/// A dictionary: few keys, looked up linearly.
pub(crate) type Dict = Vec<(Vec<u8>, Obj)>;

/// A stream: its dictionary and where its raw bytes are in the file.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Stream {
    pub dict: Dict,
    pub start: usize,
    pub end: usize,
}

impl Obj {
    pub fn as_f64(&self) -> Option<f64> {
        match self {
            Obj::Int(i) => Some(*i as f64),
            Obj::Real(r) => Some(*r),
            _ => None,
        }
    }

    pub fn as_name(&self) -> Option<&[u8]> {
        match self {
            Obj::Name(n) => Some(n),
            _ => None,
        }
    }

    pub fn as_dict(&self) -> Option<&Dict> {
        match self {
            Obj::Dict(d) => Some(d),
            Obj::Stream(s) => Some(&s.dict),
            _ => None,
        }
    }
}

/// The value of `key` in a dictionary.
pub(crate) fn get<'a>(dict: &'a Dict, key: &[u8]) -> Option<&'a Obj> {
    dict.iter().find(|(k, _)| k == key).map(|(_, v)| v)
}

// ---------------------------------------------------------------------------
// Lexer
// ---------------------------------------------------------------------------

/// One token of PDF syntax (objects and content streams).
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Tok<'a> {
    Int(i64),
    Real(f64),
    /// A name, raw (without `/`, `#xx` escapes left as they are).
    Name(&'a [u8]),
    /// A literal or hex string (contents unused).
    Str,
    ArrayOpen,
    ArrayClose,
    DictOpen,
    DictClose,
    /// `{` or `}` (PostScript calculator functions): skipped.
    Brace,
    /// An operator or keyword (`re`, `obj`, `true`, …).
    Keyword(&'a [u8]),
    Eof,
}

pub(crate) fn is_white(b: u8) -> bool {
    matches!(b, 0 | b'\t' | b'\n' | 0x0C | b'\r' | b' ')
}

pub(crate) fn is_delim(b: u8) -> bool {
    matches!(
        b,
        b'(' | b')' | b'<' | b'>' | b'[' | b']' | b'{' | b'}' | b'/' | b'%'
    )
}

/// A tokenizer over a byte slice.
pub(crate) struct Lexer<'a> {
    pub buf: &'a [u8],
    pub pos: usize,
}

impl<'a> Lexer<'a> {
    pub fn new(buf: &'a [u8], pos: usize) -> Self {
        Lexer { buf, pos }
    }

    fn skip_space(&mut self) {
        while self.pos < self.buf.len() {
            let b = self.buf[self.pos];
            if is_white(b) {
                self.pos += 1;
            } else if b == b'%' {
                while self.pos < self.buf.len() && !matches!(self.buf[self.pos], b'\n' | b'\r') {
                    self.pos += 1;
                }
            } else {
                break;
            }
        }
    }

    /// The next token; every call advances unless at the end.
    pub fn next_tok(&mut self) -> Tok<'a> {
        self.skip_space();
        let buf = self.buf;
        let Some(&b) = buf.get(self.pos) else {
            return Tok::Eof;
        };
        let start = self.pos;
        self.pos += 1;
        match b {
            b'[' => Tok::ArrayOpen,
            b']' => Tok::ArrayClose,
            b'{' | b'}' => Tok::Brace,
            b'<' => {
                if buf.get(self.pos) == Some(&b'<') {
                    self.pos += 1;
                    Tok::DictOpen
                } else {
                    match memchr::memchr(b'>', &buf[self.pos..]) {
                        Some(n) => self.pos += n + 1,
                        None => self.pos = buf.len(),
                    }
                    Tok::Str
                }
            }
            b'>' => {
                if buf.get(self.pos) == Some(&b'>') {
                    self.pos += 1;
                    Tok::DictClose
                } else {
                    Tok::Keyword(&buf[start..self.pos])
                }
            }
            b'(' => {
                let mut depth = 1usize;
                while self.pos < buf.len() {
                    match buf[self.pos] {
                        b'\\' => self.pos += 1,
                        b'(' => depth += 1,
                        b')' => {
                            depth -= 1;
                            if depth == 0 {
                                self.pos += 1;
                                break;
                            }
                        }
                        _ => {}
                    }
                    self.pos += 1;
                }
                self.pos = self.pos.min(buf.len());
                Tok::Str
            }
            b')' => Tok::Keyword(&buf[start..self.pos]),
            b'/' => {
                while self.pos < buf.len() && !is_white(buf[self.pos]) && !is_delim(buf[self.pos]) {
                    self.pos += 1;
                }
                Tok::Name(&buf[start + 1..self.pos])
            }
            _ => {
                while self.pos < buf.len() && !is_white(buf[self.pos]) && !is_delim(buf[self.pos]) {
                    self.pos += 1;
                }
                let word = &buf[start..self.pos];
                number(word).unwrap_or(Tok::Keyword(word))
            }
        }
    }
}

/// A numeric token, or None for a keyword. Parsed by hand (content streams
/// are mostly numbers): an integer when it has no point and fits, else a real;
/// malformed numbers (`1.2.3`, `--5`) read as 0, as viewers do.
fn number(word: &[u8]) -> Option<Tok<'_>> {
    let first = *word.first()?;
    if !(first.is_ascii_digit() || matches!(first, b'+' | b'-' | b'.')) {
        return None;
    }
    let (negative, digits) = match first {
        b'-' => (true, &word[1..]),
        b'+' => (false, &word[1..]),
        _ => (false, word),
    };
    let mut int: i64 = 0;
    let mut frac = 0.0f64;
    let mut scale = 1.0f64;
    let mut points = 0;
    let mut overflow = false;
    for &b in digits {
        match b {
            b'0'..=b'9' if points == 0 => match int
                .checked_mul(10)
                .and_then(|v| v.checked_add(i64::from(b - b'0')))
            {
                Some(v) => int = v,
                None => overflow = true,
            },
            b'0'..=b'9' => {
                scale /= 10.0;
                frac += f64::from(b - b'0') * scale;
            }
            b'.' => points += 1,
            _ => return None,
        }
    }
    if points > 1 || digits.is_empty() || (points == 1 && digits.len() == 1) {
        return Some(Tok::Real(0.0));
    }
    if overflow {
        let v = std::str::from_utf8(word)
            .ok()?
            .parse::<f64>()
            .unwrap_or(0.0);
        return Some(Tok::Real(v));
    }
    let value = int as f64 + frac;
    match (points, negative) {
        (0, false) => Some(Tok::Int(int)),
        (0, true) => Some(Tok::Int(-int)),
        (_, false) => Some(Tok::Real(value)),
        (_, true) => Some(Tok::Real(-value)),
    }
}

/// Decode `#xx` escapes in a name.
pub(crate) fn name_bytes(raw: &[u8]) -> Vec<u8> {
    if !raw.contains(&b'#') {
        return raw.to_vec();
    }
    let mut out = Vec::with_capacity(raw.len());
    let mut i = 0;
    while i < raw.len() {
        if raw[i] == b'#' && i + 2 < raw.len() + 1 {
            if let Some(v) = raw
                .get(i + 1..i + 3)
                .and_then(|h| std::str::from_utf8(h).ok())
                .and_then(|h| u8::from_str_radix(h, 16).ok())
            {
                out.push(v);
                i += 3;
                continue;
            }
        }
        out.push(raw[i]);
        i += 1;
    }
    out
}

// ---------------------------------------------------------------------------
// Object parser
// ---------------------------------------------------------------------------

enum Frame {
    Array(Vec<Obj>),
    Dict(Dict, Option<Vec<u8>>),
}

/// Parse one value at the lexer's position (iteratively, depth-limited).
pub(crate) fn parse_value(lex: &mut Lexer) -> Option<Obj> {
    let mut stack: Vec<Frame> = Vec::new();
    let mut items = 0usize;
    loop {
        items += 1;
        if items > MAX_ITEMS {
            return None;
        }
        let value = match lex.next_tok() {
            Tok::Eof => return None,
            Tok::Int(i) => {
                // `N G R` is a reference.
                let save = lex.pos;
                match (lex.next_tok(), lex.next_tok()) {
                    (Tok::Int(g), Tok::Keyword(b"R"))
                        if (0..=u32::MAX as i64).contains(&i) && (0..=65535).contains(&g) =>
                    {
                        Obj::Ref(i as u32, g as u16)
                    }
                    _ => {
                        lex.pos = save;
                        Obj::Int(i)
                    }
                }
            }
            Tok::Real(r) => Obj::Real(r),
            Tok::Name(n) => Obj::Name(name_bytes(n)),
            Tok::Str => Obj::Str,
            Tok::Brace => continue,
            Tok::Keyword(b"true") => Obj::Bool(true),
            Tok::Keyword(b"false") => Obj::Bool(false),
            Tok::Keyword(b"null") => Obj::Null,
            Tok::Keyword(_) => return None,
            Tok::ArrayOpen | Tok::DictOpen if stack.len() >= MAX_DEPTH => return None,
            Tok::ArrayOpen => {
                stack.push(Frame::Array(Vec::new()));
                continue;
            }
            Tok::DictOpen => {
                stack.push(Frame::Dict(Vec::new(), None));
                continue;
            }
            Tok::ArrayClose => match stack.pop() {
                Some(Frame::Array(items)) => Obj::Array(items),
                _ => return None,
            },
            Tok::DictClose => match stack.pop() {
                Some(Frame::Dict(dict, _)) => Obj::Dict(dict),
                _ => return None,
            },
        };
        match stack.last_mut() {
            None => return Some(value),
            Some(Frame::Array(items)) => items.push(value),
            Some(Frame::Dict(dict, key)) => match key.take() {
                Some(k) => dict.push((k, value)),
                // A non-name where a key belongs is skipped.
                None => {
                    if let Obj::Name(n) = value {
                        *key = Some(n);
                    }
                }
            },
        }
    }
}

// ---------------------------------------------------------------------------
// The file
// ---------------------------------------------------------------------------

/// Why the file's objects were not read.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum ReadError {
    /// The file is encrypted.
    Encrypted,
    /// No catalog or page tree was found.
    NoPages,
}

/// The objects of one PDF file.
pub(crate) struct Pdf<'a> {
    buf: &'a [u8],
    objects: HashMap<u32, Obj>,
    root: Option<Obj>,
    /// Bytes of decoded stream data still allowed.
    pub budget: usize,
}

/// One page: its box, rotation, resources and content streams.
pub(crate) struct Page<'p> {
    /// The media box: pdftotext's page space (it does not crop).
    pub media: [f64; 4],
    pub rotate: i64,
    pub resources: Option<&'p Dict>,
    pub contents: Vec<&'p Stream>,
}

impl<'a> Pdf<'a> {
    /// Scan a file for its objects. `budget` caps the decoded stream bytes.
    pub fn read(buf: &'a [u8], budget: usize) -> Result<Pdf<'a>, ReadError> {
        let mut objects: HashMap<u32, (usize, Obj)> = HashMap::new();
        let mut trailers: Vec<Dict> = Vec::new();
        let mut obj_streams: Vec<(usize, Stream)> = Vec::new();
        let finder = memmem::Finder::new(b"obj");
        let mut pos = 0usize;
        while let Some(found) = finder.find(&buf[pos..]) {
            let at = pos + found;
            pos = at + 3;
            let Some(num) = object_header(buf, at) else {
                continue;
            };
            if buf
                .get(at + 3)
                .is_some_and(|&b| !is_white(b) && !is_delim(b))
            {
                continue;
            }
            let mut lex = Lexer::new(buf, at + 3);
            let Some(value) = parse_value(&mut lex) else {
                continue;
            };
            pos = lex.pos;
            let value = match value {
                Obj::Dict(dict) => {
                    let after = lex.pos;
                    if let Tok::Keyword(b"stream") = lex.next_tok() {
                        let (start, end, next) = stream_extent(buf, lex.pos, &dict);
                        pos = next;
                        let stream = Stream { dict, start, end };
                        match get(&stream.dict, b"Type").and_then(Obj::as_name) {
                            Some(b"XRef") => trailers.push(stream.dict.clone()),
                            Some(b"ObjStm") => obj_streams.push((at, stream.clone())),
                            _ => {}
                        }
                        Obj::Stream(stream)
                    } else {
                        lex.pos = after;
                        Obj::Dict(dict)
                    }
                }
                other => other,
            };
            if objects.len() < MAX_OBJECTS || objects.contains_key(&num) {
                objects.insert(num, (at, value));
            }
        }
        for at in memmem::find_iter(buf, b"trailer") {
            let mut lex = Lexer::new(buf, at + 7);
            if let Some(Obj::Dict(d)) = parse_value(&mut lex) {
                trailers.push(d);
            }
        }
        if trailers.iter().any(|t| get(t, b"Encrypt").is_some()) {
            return Err(ReadError::Encrypted);
        }
        let mut pdf = Pdf {
            buf,
            objects: HashMap::new(),
            root: None,
            budget,
        };
        // Objects packed in object streams, unless a later plain object has the number.
        for (at, stream) in obj_streams {
            let Some(data) = pdf.decode_stream(&stream) else {
                continue;
            };
            for (num, value) in unpack_object_stream(&stream.dict, &data) {
                let newer = objects.get(&num).is_none_or(|(p, _)| *p < at);
                if newer && (objects.len() < MAX_OBJECTS || objects.contains_key(&num)) {
                    objects.insert(num, (at, value));
                }
            }
        }
        pdf.objects = objects.into_iter().map(|(k, (_, v))| (k, v)).collect();
        // The catalog: the last trailer's /Root, else any /Type /Catalog.
        let root = trailers
            .iter()
            .rev()
            .filter_map(|t| get(t, b"Root"))
            .map(|r| pdf.resolve(r))
            .find(|r| r.as_dict().is_some())
            .cloned()
            .or_else(|| {
                pdf.objects
                    .values()
                    .find(|o| {
                        o.as_dict()
                            .and_then(|d| get(d, b"Type"))
                            .and_then(Obj::as_name)
                            == Some(b"Catalog")
                    })
                    .cloned()
            });
        match root {
            Some(r) => pdf.root = Some(r),
            None => return Err(ReadError::NoPages),
        }
        Ok(pdf)
    }

    /// Follow references (a bounded number of hops).
    pub fn resolve<'o>(&'o self, mut obj: &'o Obj) -> &'o Obj {
        for _ in 0..16 {
            match obj {
                Obj::Ref(n, _) => match self.objects.get(n) {
                    Some(o) => obj = o,
                    None => return &Obj::Null,
                },
                _ => return obj,
            }
        }
        &Obj::Null
    }

    /// `dict[key]`, resolved.
    pub fn get<'o>(&'o self, dict: &'o Dict, key: &[u8]) -> Option<&'o Obj> {
        get(dict, key).map(|v| self.resolve(v))
    }

    /// The pages in order, attributes inherited down the page tree.
    pub fn pages(&self) -> Vec<Page<'_>> {
        let mut pages = Vec::new();
        let Some(root) = self.root.as_ref().and_then(Obj::as_dict) else {
            return pages;
        };
        let Some(tree) = self.get(root, b"Pages") else {
            return pages;
        };
        #[derive(Clone, Copy)]
        struct Inherited<'p> {
            media: Option<[f64; 4]>,
            rotate: Option<i64>,
            resources: Option<&'p Dict>,
        }
        let start = Inherited {
            media: None,
            rotate: None,
            resources: None,
        };
        let mut stack: Vec<(&Obj, Inherited)> = vec![(tree, start)];
        let mut seen: HashSet<*const Obj> = HashSet::new();
        while let Some((node, inherited)) = stack.pop() {
            if pages.len() >= MAX_PAGES || seen.len() > 4 * MAX_PAGES {
                break;
            }
            let Some(dict) = node.as_dict() else { continue };
            if !seen.insert(node as *const Obj) {
                continue;
            }
            let here = Inherited {
                media: self
                    .get(dict, b"MediaBox")
                    .and_then(|b| self.rect(b))
                    .or(inherited.media),
                rotate: self
                    .get(dict, b"Rotate")
                    .and_then(Obj::as_f64)
                    .map(|r| r as i64)
                    .or(inherited.rotate),
                resources: self
                    .get(dict, b"Resources")
                    .and_then(Obj::as_dict)
                    .or(inherited.resources),
            };
            let kids = match self.get(dict, b"Kids") {
                Some(Obj::Array(kids)) => Some(kids),
                _ => None,
            };
            let is_page = match self.get(dict, b"Type").and_then(Obj::as_name) {
                Some(b"Page") => true,
                Some(b"Pages") => false,
                _ => kids.is_none(),
            };
            if let (false, Some(kids)) = (is_page, kids) {
                for kid in kids.iter().rev() {
                    stack.push((self.resolve(kid), here));
                }
                continue;
            }
            if !is_page {
                continue;
            }
            // Letter size when no media box is given, as poppler assumes.
            let media = here.media.unwrap_or([0.0, 0.0, 612.0, 792.0]);
            let contents = match self.get(dict, b"Contents") {
                Some(Obj::Stream(s)) => vec![s],
                Some(Obj::Array(parts)) => parts
                    .iter()
                    .filter_map(|p| match self.resolve(p) {
                        Obj::Stream(s) => Some(s),
                        _ => None,
                    })
                    .collect(),
                _ => Vec::new(),
            };
            pages.push(Page {
                media,
                rotate: here.rotate.unwrap_or(0).rem_euclid(360),
                resources: here.resources,
                contents,
            });
        }
        pages
    }

    /// A rectangle `[x0 y0 x1 y1]`, normalised.
    fn rect(&self, obj: &Obj) -> Option<[f64; 4]> {
        let Obj::Array(items) = obj else { return None };
        if items.len() != 4 {
            return None;
        }
        let mut v = [0.0; 4];
        for (slot, item) in v.iter_mut().zip(items) {
            *slot = self.resolve(item).as_f64()?;
        }
        if v.iter().any(|x| !x.is_finite()) {
            return None;
        }
        Some([
            v[0].min(v[2]),
            v[1].min(v[3]),
            v[0].max(v[2]),
            v[1].max(v[3]),
        ])
    }

    /// A stream's decoded bytes, or None when a filter is unsupported, the
    /// data is broken before any output, or the budget is spent.
    pub fn decode_stream(&mut self, stream: &Stream) -> Option<Vec<u8>> {
        let raw = self.buf.get(stream.start..stream.end)?;
        let filters: Vec<Vec<u8>> = match get(&stream.dict, b"Filter").map(|f| self.resolve(f)) {
            None | Some(Obj::Null) => Vec::new(),
            Some(Obj::Name(n)) => vec![n.clone()],
            Some(Obj::Array(list)) => list
                .iter()
                .map(|f| self.resolve(f).as_name().map(<[u8]>::to_vec))
                .collect::<Option<_>>()?,
            Some(_) => return None,
        };
        let parms = get(&stream.dict, b"DecodeParms").map(|p| self.resolve(p));
        let predicted = |p: &Obj| {
            p.as_dict()
                .and_then(|d| get(d, b"Predictor"))
                .and_then(Obj::as_f64)
                .is_some_and(|v| v > 1.0)
        };
        match parms {
            Some(Obj::Array(list)) if list.iter().any(|p| predicted(self.resolve(p))) => {
                return None
            }
            Some(p) if predicted(p) => return None,
            _ => {}
        }
        // The raw bytes are decoded in place of a copy by the first filter.
        let mut data: Option<Vec<u8>> = None;
        for filter in &filters {
            let input = data.as_deref().unwrap_or(raw);
            let out = match filter.as_slice() {
                b"FlateDecode" | b"Fl" => inflate(input, self.budget)?,
                b"ASCIIHexDecode" | b"AHx" => ascii_hex(input),
                b"ASCII85Decode" | b"A85" => ascii85(input),
                _ => return None,
            };
            if out.len() > self.budget {
                return None;
            }
            data = Some(out);
        }
        let data = data.unwrap_or_else(|| raw.to_vec());
        self.budget -= data.len().min(self.budget);
        Some(data)
    }
}

/// If `buf[at..]` is `obj` preceded by `N G `, the object number.
fn object_header(buf: &[u8], at: usize) -> Option<u32> {
    let mut i = at;
    let back_space = |i: &mut usize| {
        let end = *i;
        while *i > 0 && is_white(buf[*i - 1]) {
            *i -= 1;
        }
        *i < end
    };
    let back_digits = |i: &mut usize| -> Option<u64> {
        let end = *i;
        while *i > 0 && buf[*i - 1].is_ascii_digit() && end - *i < 10 {
            *i -= 1;
        }
        if *i == end {
            return None;
        }
        std::str::from_utf8(&buf[*i..end]).ok()?.parse().ok()
    };
    back_space(&mut i);
    back_digits(&mut i)?;
    if !back_space(&mut i) {
        return None;
    }
    let num = back_digits(&mut i)?;
    if i > 0 && !is_white(buf[i - 1]) && !is_delim(buf[i - 1]) {
        return None;
    }
    u32::try_from(num).ok()
}

/// Where a stream's data starts and ends, and where scanning resumes.
fn stream_extent(buf: &[u8], after_keyword: usize, dict: &Dict) -> (usize, usize, usize) {
    let mut start = after_keyword;
    if buf.get(start) == Some(&b'\r') {
        start += 1;
    }
    if buf.get(start) == Some(&b'\n') {
        start += 1;
    }
    let start = start.min(buf.len());
    if let Some(len) = get(dict, b"Length").and_then(|l| match l {
        Obj::Int(n) if *n >= 0 => usize::try_from(*n).ok(),
        _ => None,
    }) {
        if let Some(end) = start.checked_add(len).filter(|&e| e <= buf.len()) {
            let mut lex = Lexer::new(buf, end);
            if let Tok::Keyword(b"endstream") = lex.next_tok() {
                return (start, end, lex.pos);
            }
        }
    }
    match memmem::find(&buf[start..], b"endstream") {
        Some(n) => {
            let mut end = start + n;
            if end > start && buf[end - 1] == b'\n' {
                end -= 1;
            }
            if end > start && buf[end - 1] == b'\r' {
                end -= 1;
            }
            (start, end, start + n + 9)
        }
        None => (start, buf.len(), buf.len()),
    }
}

/// The objects of an object stream: `N` pairs of (number, offset), then the
/// objects from `/First`.
fn unpack_object_stream(dict: &Dict, data: &[u8]) -> Vec<(u32, Obj)> {
    let mut out = Vec::new();
    let (Some(n), Some(first)) = (
        get(dict, b"N").and_then(Obj::as_f64),
        get(dict, b"First").and_then(Obj::as_f64),
    ) else {
        return out;
    };
    if n < 0.0 || first < 0.0 {
        return out;
    }
    let (n, first) = (n as usize, first as usize);
    let mut lex = Lexer::new(data, 0);
    let mut entries = Vec::new();
    for _ in 0..n.min(MAX_OBJECTS) {
        match (lex.next_tok(), lex.next_tok()) {
            (Tok::Int(num), Tok::Int(off)) if num >= 0 && off >= 0 => {
                entries.push((num as u64, off as usize))
            }
            _ => break,
        }
    }
    for (num, off) in entries {
        let (Ok(num), Some(at)) = (u32::try_from(num), first.checked_add(off)) else {
            continue;
        };
        if at >= data.len() {
            continue;
        }
        let mut lex = Lexer::new(data, at);
        if let Some(value) = parse_value(&mut lex) {
            out.push((num, value));
        }
    }
    out
}

/// zlib-inflate, keeping what was decoded before any error (as viewers do),
/// at most `limit` bytes.
fn inflate(data: &[u8], limit: usize) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    let mut decoder = flate2::read::ZlibDecoder::new(data).take(limit as u64 + 1);
    let result = decoder.read_to_end(&mut out);
    if out.is_empty() {
        // Some writers omit the zlib header: try raw deflate.
        let mut raw = flate2::read::DeflateDecoder::new(data).take(limit as u64 + 1);
        let _ = raw.read_to_end(&mut out);
    } else {
        let _ = result;
    }
    (!out.is_empty() && out.len() <= limit).then_some(out)
}

fn ascii_hex(data: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(data.len() / 2);
    let mut high: Option<u8> = None;
    for &b in data {
        if b == b'>' {
            break;
        }
        let Some(v) = (b as char).to_digit(16) else {
            continue;
        };
        match high.take() {
            Some(h) => out.push(h << 4 | v as u8),
            None => high = Some(v as u8),
        }
    }
    if let Some(h) = high {
        out.push(h << 4);
    }
    out
}

fn ascii85(data: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(data.len() * 4 / 5);
    let mut group = [0u32; 5];
    let mut n = 0;
    let data = data.strip_prefix(b"<~").unwrap_or(data);
    for &b in data {
        match b {
            b'~' => break,
            b'z' if n == 0 => out.extend_from_slice(&[0; 4]),
            b'!'..=b'u' => {
                group[n] = u32::from(b - b'!');
                n += 1;
                if n == 5 {
                    let v = group
                        .iter()
                        .fold(0u32, |acc, &d| acc.wrapping_mul(85).wrapping_add(d));
                    out.extend_from_slice(&v.to_be_bytes());
                    n = 0;
                }
            }
            _ => {}
        }
    }
    if n > 1 {
        for slot in group.iter_mut().skip(n) {
            *slot = 84;
        }
        let v = group
            .iter()
            .fold(0u32, |acc, &d| acc.wrapping_mul(85).wrapping_add(d));
        out.extend_from_slice(&v.to_be_bytes()[..n - 1]);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn value(text: &str) -> Option<Obj> {
        parse_value(&mut Lexer::new(text.as_bytes(), 0))
    }

    #[test]
    fn values() {
        assert_eq!(value("12 0 R"), Some(Obj::Ref(12, 0)));
        assert_eq!(value("-3.5"), Some(Obj::Real(-3.5)));
        assert_eq!(
            value("[1 2 /A#20B (x(y)\\)) <41>]"),
            Some(Obj::Array(vec![
                Obj::Int(1),
                Obj::Int(2),
                Obj::Name(b"A B".to_vec()),
                Obj::Str,
                Obj::Str
            ]))
        );
        let d = value("<< /Type /Page /Kids [3 0 R] /N null >>").unwrap();
        let d = d.as_dict().unwrap();
        assert_eq!(get(d, b"Type"), Some(&Obj::Name(b"Page".to_vec())));
        assert_eq!(get(d, b"Kids"), Some(&Obj::Array(vec![Obj::Ref(3, 0)])));
    }

    #[test]
    fn hostile_nesting_and_garbage_do_not_overflow_or_hang() {
        let deep = "[".repeat(100_000) + &"]".repeat(100_000);
        assert_eq!(value(&deep), None);
        let deep = "<< /A ".repeat(100_000);
        assert_eq!(value(&deep), None);
        for junk in [
            "",
            ">>",
            "]",
            "(unterminated",
            "<unterminated",
            "/",
            "<<",
            "1 0",
        ] {
            let _ = value(junk);
        }
    }

    #[test]
    fn numbers() {
        fn n(s: &str) -> Option<Tok<'_>> {
            number(s.as_bytes())
        }
        assert_eq!(n("42"), Some(Tok::Int(42)));
        assert_eq!(n("-17"), Some(Tok::Int(-17)));
        assert_eq!(n("+3"), Some(Tok::Int(3)));
        assert_eq!(n("0.5"), Some(Tok::Real(0.5)));
        assert_eq!(n("-.25"), Some(Tok::Real(-0.25)));
        assert_eq!(n("4."), Some(Tok::Real(4.0)));
        assert_eq!(n("1.2.3"), Some(Tok::Real(0.0)));
        assert_eq!(n("-"), Some(Tok::Real(0.0)));
        assert_eq!(n("."), Some(Tok::Real(0.0)));
        assert_eq!(n("99999999999999999999"), Some(Tok::Real(1e20)));
        assert_eq!(n("12a"), None);
        assert_eq!(n("re"), None);
        if let Some(Tok::Real(v)) = n("595.303937007874") {
            assert!((v - 595.303937007874).abs() < 1e-9);
        } else {
            panic!();
        }
    }

    #[test]
    fn filters() {
        assert_eq!(ascii_hex(b"48 65 6c6C6f>"), b"Hello");
        assert_eq!(ascii85(b"<~87cURD]i,\"Ebo80~>"), b"Hello World!");
        assert_eq!(ascii85(b"87cURD]j7BEbo7~>"), b"Hello world");
        let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
        std::io::Write::write_all(&mut z, b"0 0 m 10 0 l S").unwrap();
        let packed = z.finish().unwrap();
        assert_eq!(inflate(&packed, 1 << 20).unwrap(), b"0 0 m 10 0 l S");
        assert_eq!(inflate(&packed, 4), None);
    }

    /// A minimal file: objects found by scanning, pages with inherited boxes,
    /// an object stream, a stream whose /Length is wrong.
    #[test]
    fn scan_a_small_file() {
        let content = b"0 0 m 100 0 l S";
        let objstm_body = b"5 0 << /Type /Page /Parent 2 0 R /Contents 4 0 R >>";
        let file = [
            &b"%PDF-1.5\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"[..],
            b"2 0 obj << /Type /Pages /Kids [3 0 R 5 0 R] /Count 2 /MediaBox [0 0 200 300] >> endobj\n",
            b"3 0 obj << /Type /Page /Parent 2 0 R /Contents 4 0 R /Rotate 90 >> endobj\n",
            b"4 0 obj << /Length 999 >> stream\n",
            content,
            b"\nendstream endobj\n",
            b"6 0 obj << /Type /ObjStm /N 1 /First 4 /Length 52 >> stream\n",
            objstm_body,
            b"\nendstream endobj\n",
            b"trailer << /Root 1 0 R >>\n%%EOF\n",
        ]
        .concat();
        let mut pdf = Pdf::read(&file, 1 << 20).unwrap();
        let pages = pdf.pages();
        assert_eq!(pages.len(), 2);
        assert_eq!(pages[0].media, [0.0, 0.0, 200.0, 300.0]);
        assert_eq!(pages[0].rotate, 90);
        assert_eq!(pages[1].rotate, 0);
        let stream = pages[1].contents[0].clone();
        drop(pages);
        assert_eq!(pdf.decode_stream(&stream).unwrap(), content);
    }

    #[test]
    fn encrypted_files_are_not_read() {
        let file = b"1 0 obj << /Type /Catalog >> endobj trailer << /Root 1 0 R /Encrypt 2 0 R >>";
        assert_eq!(Pdf::read(file, 1 << 20).err(), Some(ReadError::Encrypted));
    }
}
