//! A small, fast HTML parser: decoded page text → a tree of elements and text.
//!
//! Why not html5ever: it tokenizes character by character through growable
//! buffers and was a quarter of the whole pipeline's CPU on the benchmark
//! corpus (73 MB/s on CMS pages whose bytes are mostly attributes). This
//! parser scans with `memchr`, borrows names, attribute values and text from
//! the input (allocating only where entities must be decoded, by `htmlize`),
//! and keeps the nodes in one arena.
//!
//! It follows the parts of the HTML standard that change what a report page
//! says, and no more:
//!
//! - **Tokens**: tags with attributes (quoted or not; the first of a repeated
//!   name wins; names lowercased), comments (`<!-- -->`, and `<!…>` / `<?…>`
//!   bogus comments such as Word's `<![if !supportLists]>`, which vanish while
//!   the text they bracket stays), raw-text elements (`script`, `style`,
//!   `xmp`, `iframe`, `noembed`, `noframes`, `noscript`; `title` and
//!   `textarea` with entities), `plaintext`, and a `<` that starts no tag is
//!   text.
//! - **Tree**: void elements (`br`, `img`, `meta`, …) take no children; start
//!   tags close what they implicitly end (`p` before a block, `li`, `dd`/`dt`,
//!   `td`/`th`/`tr`/`tbody` within their table, a heading inside a heading,
//!   `option`); a `td` directly in a table gets its implied `tr`; end tags
//!   close the nearest open element of their name within scope and are
//!   otherwise ignored (a stray `</p>` is an empty paragraph, `</br>` a line
//!   break, `</body>` and `</html>` close nothing); content misplaced in a
//!   table outside its cells is moved before the table ("foster parenting").
//!
//! What is left out: the adoption agency algorithm for misnested formatting
//! elements (an end tag that would cross a block is ignored instead),
//! implied `html`/`head`/`body` elements, foreign content (SVG and MathML are
//! skipped by the decoder anyway), and character-reference edge cases beyond
//! what `htmlize` decodes.

use std::borrow::Cow;
use std::ops::Range;

/// Index of a node in [`Dom::nodes`].
pub(super) type NodeId = u32;

const NONE: NodeId = NodeId::MAX;

/// The document: node 0 is the root.
#[derive(Debug)]
pub(super) struct Dom<'a> {
    nodes: Vec<Node<'a>>,
    attrs: Vec<Attr<'a>>,
}

#[derive(Debug)]
pub(super) struct Node<'a> {
    pub kind: NodeKind<'a>,
    parent: NodeId,
    first_child: NodeId,
    last_child: NodeId,
    next_sibling: NodeId,
    prev_sibling: NodeId,
}

#[derive(Debug)]
pub(super) enum NodeKind<'a> {
    Root,
    /// An element: lowercased name and its attributes in [`Dom::attrs`].
    Element {
        name: Cow<'a, str>,
        attrs: Range<u32>,
    },
    Text(Cow<'a, str>),
}

#[derive(Debug)]
struct Attr<'a> {
    name: Cow<'a, str>,
    value: Cow<'a, str>,
}

/// Elements that never have content.
fn is_void(name: &str) -> bool {
    matches!(
        name,
        "area"
            | "base"
            | "basefont"
            | "bgsound"
            | "br"
            | "col"
            | "embed"
            | "frame"
            | "hr"
            | "img"
            | "input"
            | "keygen"
            | "link"
            | "meta"
            | "param"
            | "source"
            | "track"
            | "wbr"
    )
}

/// Elements whose content is raw text up to their end tag.
fn is_raw_text(name: &str) -> bool {
    matches!(
        name,
        "script" | "style" | "xmp" | "iframe" | "noembed" | "noframes" | "noscript"
    )
}

/// Raw text in which character references are decoded.
fn is_escapable_raw_text(name: &str) -> bool {
    matches!(name, "title" | "textarea")
}

/// Start tags that close an open `<p>`.
fn closes_p(name: &str) -> bool {
    matches!(
        name,
        "address"
            | "article"
            | "aside"
            | "blockquote"
            | "center"
            | "details"
            | "dialog"
            | "dir"
            | "div"
            | "dl"
            | "fieldset"
            | "figcaption"
            | "figure"
            | "footer"
            | "form"
            | "h1"
            | "h2"
            | "h3"
            | "h4"
            | "h5"
            | "h6"
            | "header"
            | "hgroup"
            | "hr"
            | "li"
            | "dd"
            | "dt"
            | "listing"
            | "main"
            | "menu"
            | "nav"
            | "ol"
            | "p"
            | "plaintext"
            | "pre"
            | "section"
            | "summary"
            | "table"
            | "ul"
            | "xmp"
    )
}

/// Elements an end tag of another name does not cross (the standard's
/// "special" category, less the table parts handled on their own).
fn is_special(name: &str) -> bool {
    matches!(
        name,
        "address"
            | "applet"
            | "area"
            | "article"
            | "aside"
            | "base"
            | "basefont"
            | "bgsound"
            | "blockquote"
            | "body"
            | "br"
            | "button"
            | "caption"
            | "center"
            | "col"
            | "colgroup"
            | "dd"
            | "details"
            | "dir"
            | "div"
            | "dl"
            | "dt"
            | "embed"
            | "fieldset"
            | "figcaption"
            | "figure"
            | "footer"
            | "form"
            | "frame"
            | "frameset"
            | "h1"
            | "h2"
            | "h3"
            | "h4"
            | "h5"
            | "h6"
            | "head"
            | "header"
            | "hgroup"
            | "hr"
            | "html"
            | "iframe"
            | "img"
            | "input"
            | "li"
            | "link"
            | "listing"
            | "main"
            | "marquee"
            | "menu"
            | "meta"
            | "nav"
            | "noembed"
            | "noframes"
            | "noscript"
            | "object"
            | "ol"
            | "p"
            | "param"
            | "plaintext"
            | "pre"
            | "script"
            | "section"
            | "select"
            | "source"
            | "style"
            | "summary"
            | "table"
            | "tbody"
            | "td"
            | "template"
            | "textarea"
            | "tfoot"
            | "th"
            | "thead"
            | "title"
            | "tr"
            | "track"
            | "ul"
            | "wbr"
            | "xmp"
    )
}

/// Boundaries of the default scope (an element is "in scope" when found
/// before one of these, searching from the current node).
const SCOPE: &[&str] = &[
    "applet", "caption", "html", "table", "td", "th", "marquee", "object", "template",
];

const TABLE_SECTIONS: &[&str] = &["tbody", "thead", "tfoot"];
const HEADINGS: &[&str] = &["h1", "h2", "h3", "h4", "h5", "h6"];

impl<'a> Dom<'a> {
    /// Parse a page.
    pub fn parse(html: &'a str) -> Dom<'a> {
        let mut builder = Builder::new(html.len());
        Lexer { src: html, pos: 0 }.run(&mut builder);
        builder.dom
    }

    /// The root node (its children are the top-level elements).
    pub fn root(&self) -> NodeId {
        0
    }

    pub fn node(&self, id: NodeId) -> &Node<'a> {
        &self.nodes[id as usize]
    }

    /// Number of nodes (ids are `0..len`).
    pub fn len(&self) -> usize {
        self.nodes.len()
    }

    /// The parent of a node (None for the root and detached nodes).
    pub fn parent(&self, id: NodeId) -> Option<NodeId> {
        let parent = self.node(id).parent;
        (parent != NONE).then_some(parent)
    }

    /// The element name of a node, if it is an element.
    pub fn name(&self, id: NodeId) -> Option<&str> {
        match &self.node(id).kind {
            NodeKind::Element { name, .. } => Some(name),
            _ => None,
        }
    }

    /// An attribute of an element (name in lowercase).
    pub fn attr(&self, id: NodeId, name: &str) -> Option<&str> {
        let NodeKind::Element { attrs, .. } = &self.node(id).kind else {
            return None;
        };
        self.attrs[attrs.start as usize..attrs.end as usize]
            .iter()
            .find(|a| a.name == name)
            .map(|a| a.value.as_ref())
    }

    /// Children in document order.
    pub fn children(&self, id: NodeId) -> Children<'_, 'a> {
        Children {
            dom: self,
            next: self.node(id).first_child,
        }
    }

    /// Every node under `id` (itself excluded), in document order.
    pub fn descendants(&self, id: NodeId) -> impl Iterator<Item = NodeId> + '_ {
        // Pre-order walk; the stack holds the next nodes to visit.
        let first = self.node(id).first_child;
        let mut stack = if first == NONE {
            Vec::new()
        } else {
            vec![first]
        };
        std::iter::from_fn(move || {
            let current = stack.pop()?;
            let node = self.node(current);
            if node.next_sibling != NONE {
                stack.push(node.next_sibling);
            }
            if node.first_child != NONE {
                stack.push(node.first_child);
            }
            Some(current)
        })
    }

    /// All text under a node, without recursion.
    pub fn plain_text(&self, id: NodeId) -> String {
        let mut out = String::new();
        for d in self.descendants(id) {
            if let NodeKind::Text(t) = &self.node(d).kind {
                out.push_str(t);
            }
        }
        out
    }

    /// Elements matching a simple selector (`tag`, `.class` or `#id`), in
    /// document order.
    pub fn select<'s>(&'s self, selector: &'s str) -> impl Iterator<Item = NodeId> + 's {
        self.descendants(self.root())
            .filter(move |&id| self.matches(id, selector))
    }

    /// For each selector, its matching elements in document order: one walk
    /// of the tree for all of them (the decoder tries eighteen CMS containers).
    pub fn select_each(&self, selectors: &[&str]) -> Vec<Vec<NodeId>> {
        let mut found = vec![Vec::new(); selectors.len()];
        let by_name: Vec<usize> = (0..selectors.len())
            .filter(|&i| !selectors[i].starts_with(['.', '#']))
            .collect();
        for id in self.descendants(self.root()) {
            let Some(name) = self.name(id) else {
                continue;
            };
            let (class, own_id) = (self.attr(id, "class"), self.attr(id, "id"));
            // Most elements have neither class nor id: only tag selectors can match.
            if class.is_none() && own_id.is_none() {
                for &i in &by_name {
                    if name == selectors[i] {
                        found[i].push(id);
                    }
                }
                continue;
            }
            for (hits, selector) in found.iter_mut().zip(selectors) {
                if selector_matches(selector, name, class, own_id) {
                    hits.push(id);
                }
            }
        }
        found
    }

    fn matches(&self, id: NodeId, selector: &str) -> bool {
        self.name(id).is_some_and(|name| {
            selector_matches(selector, name, self.attr(id, "class"), self.attr(id, "id"))
        })
    }
}

/// Whether an element with this name, `class` and `id` matches a simple
/// selector (`tag`, `.class` or `#id`).
fn selector_matches(selector: &str, name: &str, class: Option<&str>, id: Option<&str>) -> bool {
    if let Some(wanted) = selector.strip_prefix('.') {
        has_class(class, wanted)
    } else if let Some(wanted) = selector.strip_prefix('#') {
        id.is_some_and(|v| v.eq_ignore_ascii_case(wanted))
    } else {
        name == selector
    }
}

/// Whether `class` is among the classes (ASCII case-insensitive, as browsers
/// match them on the quirks-mode pages these sites serve).
fn has_class(classes: Option<&str>, class: &str) -> bool {
    classes.is_some_and(|classes| {
        classes
            .split_ascii_whitespace()
            .any(|c| c.eq_ignore_ascii_case(class))
    })
}

/// Iterator over a node's children.
pub(super) struct Children<'d, 'a> {
    dom: &'d Dom<'a>,
    next: NodeId,
}

impl Iterator for Children<'_, '_> {
    type Item = NodeId;
    fn next(&mut self) -> Option<NodeId> {
        if self.next == NONE {
            return None;
        }
        let id = self.next;
        self.next = self.dom.node(id).next_sibling;
        Some(id)
    }
}

// ---------------------------------------------------------------------------
// Tokens
// ---------------------------------------------------------------------------

struct Lexer<'a> {
    src: &'a str,
    pos: usize,
}

impl<'a> Lexer<'a> {
    fn run(&mut self, b: &mut Builder<'a>) {
        let bytes = self.src.as_bytes();
        while self.pos < bytes.len() {
            let Some(lt) = memchr::memchr(b'<', &bytes[self.pos..]).map(|i| self.pos + i) else {
                b.text(decode_text(&self.src[self.pos..]));
                break;
            };
            if lt > self.pos {
                b.text(decode_text(&self.src[self.pos..lt]));
            }
            self.pos = lt;
            match bytes.get(lt + 1) {
                Some(c) if c.is_ascii_alphabetic() => self.start_tag(b),
                Some(b'/') => self.end_tag(b),
                Some(b'!') => self.markup_declaration(),
                Some(b'?') => self.bogus_comment(lt + 1),
                _ => {
                    // A `<` that starts no tag is text.
                    b.text(Cow::Borrowed("<"));
                    self.pos = lt + 1;
                }
            }
        }
    }

    /// `<!--…-->` or another `<!…>`; the position is at `<`.
    fn markup_declaration(&mut self) {
        let rest = &self.src[self.pos..];
        if let Some(body) = rest.strip_prefix("<!--") {
            // `<!-->` and `<!--->` are empty comments.
            for empty in [">", "->"] {
                if body.starts_with(empty) {
                    self.pos += 4 + empty.len();
                    return;
                }
            }
            self.pos = match memchr::memmem::find(body.as_bytes(), b"-->") {
                Some(i) => self.pos + 4 + i + 3,
                None => self.src.len(),
            };
        } else {
            self.bogus_comment(self.pos + 2);
        }
    }

    /// Skip to the next `>` (inclusive), starting at byte `from`.
    fn bogus_comment(&mut self, from: usize) {
        self.pos = match memchr::memchr(b'>', &self.src.as_bytes()[from..]) {
            Some(i) => from + i + 1,
            None => self.src.len(),
        };
    }

    /// `</name …>`; the position is at `<`.
    fn end_tag(&mut self, b: &mut Builder<'a>) {
        let bytes = self.src.as_bytes();
        let start = self.pos + 2;
        match bytes.get(start) {
            Some(c) if c.is_ascii_alphabetic() => {
                let end = name_end(bytes, start);
                let name = lowercase(&self.src[start..end]);
                // Attributes on an end tag are ignored.
                self.pos = end;
                self.skip_attributes();
                b.end_tag(&name);
            }
            Some(b'>') => self.pos = start + 1, // `</>` is nothing
            _ => self.bogus_comment(start),
        }
    }

    /// `<name attrs…>`; the position is at `<`.
    fn start_tag(&mut self, b: &mut Builder<'a>) {
        let bytes = self.src.as_bytes();
        let start = self.pos + 1;
        let end = name_end(bytes, start);
        let name = lowercase(&self.src[start..end]);
        self.pos = end;
        let first_attr = b.dom.attrs.len();
        self.attributes(b);
        let attrs = first_attr as u32..b.dom.attrs.len() as u32;
        let raw = is_raw_text(&name);
        let escapable = is_escapable_raw_text(&name);
        let plaintext = name == "plaintext";
        let element = b.start_tag(name, attrs);
        if plaintext {
            b.text_in(element, decode_text(&self.src[self.pos..]));
            self.pos = self.src.len();
            b.end_tag("plaintext");
        } else if raw || escapable {
            let content_end =
                find_end_tag(&self.src[self.pos..], b.dom.name(element).unwrap_or(""))
                    .map_or(self.src.len(), |i| self.pos + i);
            let content = &self.src[self.pos..content_end];
            if !content.is_empty() {
                let text = if escapable {
                    decode_text(content)
                } else {
                    Cow::Borrowed(content)
                };
                b.text_in(element, text);
            }
            self.pos = content_end;
        }
    }

    /// Attributes up to and including the tag's `>`.
    fn attributes(&mut self, b: &mut Builder<'a>) {
        let bytes = self.src.as_bytes();
        let first = b.dom.attrs.len();
        loop {
            while self.pos < bytes.len()
                && (bytes[self.pos].is_ascii_whitespace() || bytes[self.pos] == b'/')
            {
                self.pos += 1;
            }
            match bytes.get(self.pos) {
                None => return,
                Some(b'>') => {
                    self.pos += 1;
                    return;
                }
                Some(_) => {}
            }
            // A name may start with `=`; it ends at whitespace, `/`, `>` or `=`.
            let name_start = self.pos;
            self.pos += 1;
            while self.pos < bytes.len()
                && !matches!(
                    bytes[self.pos],
                    b'\t' | b'\n' | b'\x0C' | b'\r' | b' ' | b'/' | b'>' | b'='
                )
            {
                self.pos += 1;
            }
            let name = lowercase(&self.src[name_start..self.pos]);
            let mut value: Cow<'a, str> = Cow::Borrowed("");
            let mut look = self.pos;
            while look < bytes.len() && bytes[look].is_ascii_whitespace() {
                look += 1;
            }
            if bytes.get(look) == Some(&b'=') {
                look += 1;
                while look < bytes.len() && bytes[look].is_ascii_whitespace() {
                    look += 1;
                }
                let (raw, after) = match bytes.get(look) {
                    Some(&q @ (b'"' | b'\'')) => {
                        let from = look + 1;
                        match memchr::memchr(q, &bytes[from..]) {
                            Some(i) => (&self.src[from..from + i], from + i + 1),
                            None => (&self.src[from..], bytes.len()),
                        }
                    }
                    _ => {
                        let mut end = look;
                        while end < bytes.len()
                            && !bytes[end].is_ascii_whitespace()
                            && bytes[end] != b'>'
                        {
                            end += 1;
                        }
                        (&self.src[look..end], end)
                    }
                };
                value = decode_attribute(raw);
                self.pos = after;
            }
            // The first of a repeated name wins.
            if !b.dom.attrs[first..].iter().any(|a| a.name == name) {
                b.dom.attrs.push(Attr { name, value });
            }
        }
    }

    /// Skip an end tag's attributes up to and including `>`.
    fn skip_attributes(&mut self) {
        let bytes = self.src.as_bytes();
        while self.pos < bytes.len() {
            match bytes[self.pos] {
                b'>' => {
                    self.pos += 1;
                    return;
                }
                q @ (b'"' | b'\'') => {
                    self.pos += 1;
                    match memchr::memchr(q, &bytes[self.pos..]) {
                        Some(i) => self.pos += i + 1,
                        None => self.pos = bytes.len(),
                    }
                }
                _ => self.pos += 1,
            }
        }
    }
}

/// End of a tag name starting at `start`.
fn name_end(bytes: &[u8], start: usize) -> usize {
    let mut end = start;
    while end < bytes.len()
        && !matches!(
            bytes[end],
            b'\t' | b'\n' | b'\x0C' | b'\r' | b' ' | b'/' | b'>'
        )
    {
        end += 1;
    }
    end
}

/// Offset of `</name` (any case) followed by whitespace, `/` or `>` in `s`.
fn find_end_tag(s: &str, name: &str) -> Option<usize> {
    let bytes = s.as_bytes();
    let mut from = 0;
    while let Some(i) = memchr::memmem::find(&bytes[from..], b"</").map(|i| from + i) {
        let name_at = i + 2;
        let after = name_at + name.len();
        if bytes.len() >= after
            && bytes[name_at..after].eq_ignore_ascii_case(name.as_bytes())
            && bytes
                .get(after)
                .is_none_or(|c| c.is_ascii_whitespace() || matches!(c, b'/' | b'>'))
        {
            return Some(i);
        }
        from = i + 2;
    }
    None
}

fn lowercase(s: &str) -> Cow<'_, str> {
    if s.bytes().any(|b| b.is_ascii_uppercase()) {
        Cow::Owned(s.to_ascii_lowercase())
    } else {
        Cow::Borrowed(s)
    }
}

fn decode_text(s: &str) -> Cow<'_, str> {
    if memchr::memchr(b'&', s.as_bytes()).is_some() {
        htmlize::unescape(s)
    } else {
        Cow::Borrowed(s)
    }
}

fn decode_attribute(s: &str) -> Cow<'_, str> {
    if memchr::memchr(b'&', s.as_bytes()).is_some() {
        htmlize::unescape_attribute(s)
    } else {
        Cow::Borrowed(s)
    }
}

// ---------------------------------------------------------------------------
// Tree construction
// ---------------------------------------------------------------------------

/// How far down the open elements a scope check looks. Searching the whole
/// stack makes deeply nested markup quadratic; like browsers' depth limits,
/// an element buried deeper than this is treated as not open (real pages
/// nest a few dozen levels).
const MAX_SEARCH: usize = 512;

struct Builder<'a> {
    dom: Dom<'a>,
    /// Open elements, outermost first; the root is always at the bottom.
    open: Vec<NodeId>,
}

impl<'a> Builder<'a> {
    fn new(len: usize) -> Self {
        let mut nodes = Vec::with_capacity(len / 40 + 8);
        nodes.push(Node {
            kind: NodeKind::Root,
            parent: NONE,
            first_child: NONE,
            last_child: NONE,
            next_sibling: NONE,
            prev_sibling: NONE,
        });
        Builder {
            dom: Dom {
                nodes,
                attrs: Vec::with_capacity(len / 60 + 8),
            },
            open: vec![0],
        }
    }

    fn current(&self) -> NodeId {
        *self.open.last().expect("the root is never popped")
    }

    fn current_name(&self) -> &str {
        self.dom.name(self.current()).unwrap_or("")
    }

    fn new_node(&mut self, kind: NodeKind<'a>) -> NodeId {
        let id = self.dom.nodes.len() as NodeId;
        self.dom.nodes.push(Node {
            kind,
            parent: NONE,
            first_child: NONE,
            last_child: NONE,
            next_sibling: NONE,
            prev_sibling: NONE,
        });
        id
    }

    fn append(&mut self, parent: NodeId, child: NodeId) {
        let last = self.dom.nodes[parent as usize].last_child;
        if last == NONE {
            self.dom.nodes[parent as usize].first_child = child;
        } else {
            self.dom.nodes[last as usize].next_sibling = child;
        }
        self.dom.nodes[child as usize].prev_sibling = last;
        self.dom.nodes[parent as usize].last_child = child;
        self.dom.nodes[child as usize].parent = parent;
    }

    /// Insert `child` just before `before` (a child of `parent`), in O(1):
    /// a page can foster thousands of nodes before one table.
    fn insert_before(&mut self, parent: NodeId, before: NodeId, child: NodeId) {
        let prev = self.dom.nodes[before as usize].prev_sibling;
        let node = &mut self.dom.nodes[child as usize];
        node.parent = parent;
        node.next_sibling = before;
        node.prev_sibling = prev;
        self.dom.nodes[before as usize].prev_sibling = child;
        if prev == NONE {
            self.dom.nodes[parent as usize].first_child = child;
        } else {
            self.dom.nodes[prev as usize].next_sibling = child;
        }
    }

    /// Where new content goes: the current node, or before the table when the
    /// current node is a table part that cannot hold it (foster parenting).
    fn place(&mut self, node: NodeId, fits_in_table: bool) {
        let current = self.current();
        let in_table_part = matches!(
            self.current_name(),
            "table" | "tbody" | "thead" | "tfoot" | "tr"
        );
        if !in_table_part || fits_in_table {
            self.append(current, node);
            return;
        }
        let table = self
            .open
            .iter()
            .rev()
            .take(MAX_SEARCH)
            .find(|&&id| self.dom.name(id) == Some("table"))
            .copied();
        match table.map(|t| (t, self.dom.nodes[t as usize].parent)) {
            Some((table, parent)) if parent != NONE => self.insert_before(parent, table, node),
            _ => self.append(current, node),
        }
    }

    fn text(&mut self, text: Cow<'a, str>) {
        if text.is_empty() {
            return;
        }
        let blank = text.bytes().all(|b| b.is_ascii_whitespace());
        let node = self.new_node(NodeKind::Text(text));
        self.place(node, blank);
    }

    /// Text inside a given element (raw text of `script`, `title`, …).
    fn text_in(&mut self, parent: NodeId, text: Cow<'a, str>) {
        let node = self.new_node(NodeKind::Text(text));
        self.append(parent, node);
    }

    /// Index in `open` of the nearest element named one of `names`, searching
    /// from the current node and stopping at any of `boundaries`.
    fn in_scope(&self, names: &[&str], boundaries: &[&str]) -> Option<usize> {
        for (i, &id) in self.open.iter().enumerate().rev().take(MAX_SEARCH) {
            let name = self.dom.name(id)?;
            if names.contains(&name) {
                return Some(i);
            }
            if boundaries.contains(&name) {
                return None;
            }
        }
        None
    }

    /// Pop the open elements down to (and including) index `i`.
    fn pop_through(&mut self, i: usize) {
        self.open.truncate(i.max(1));
    }

    fn close_in_scope(&mut self, names: &[&str], boundaries: &[&str]) {
        if let Some(i) = self.in_scope(names, boundaries) {
            self.pop_through(i);
        }
    }

    /// Pop elements until the current one is one of `names` (or the root).
    fn pop_until(&mut self, names: &[&str]) {
        while self.open.len() > 1 && !names.contains(&self.current_name()) {
            self.open.pop();
        }
    }

    fn has_open(&self, name: &str) -> bool {
        self.open
            .iter()
            .rev()
            .take(MAX_SEARCH)
            .any(|&id| self.dom.name(id) == Some(name))
    }

    /// Handle a start tag; returns the new element.
    fn start_tag(&mut self, name: Cow<'a, str>, attrs: Range<u32>) -> NodeId {
        let n: &str = &name;
        let mut fits_in_table = false;
        match n {
            "td" | "th" | "tr" | "tbody" | "thead" | "tfoot" | "caption" | "colgroup" | "col" => {
                if !self.has_open("table") {
                    // Outside a table these tags are ignored; the element is
                    // still created (detached) so the lexer can use its name.
                    return self.new_node(NodeKind::Element { name, attrs });
                }
                fits_in_table = true;
                match n {
                    "td" | "th" => {
                        if let Some(i) = self.in_scope(&["td", "th"], &["table"]) {
                            self.pop_through(i);
                        }
                        self.pop_until(&["tr", "tbody", "thead", "tfoot", "table"]);
                        if self.current_name() != "tr" {
                            let tr = self.new_node(NodeKind::Element {
                                name: Cow::Borrowed("tr"),
                                attrs: 0..0,
                            });
                            self.append(self.current(), tr);
                            self.open.push(tr);
                        }
                    }
                    "tr" => {
                        if let Some(i) = self.in_scope(&["td", "th", "tr"], &["table"]) {
                            self.pop_through(i);
                        }
                        self.pop_until(&["tbody", "thead", "tfoot", "table"]);
                    }
                    _ => {
                        if let Some(i) = self.in_scope(&["td", "th", "tr"], &["table"]) {
                            self.pop_through(i);
                        }
                        self.pop_until(&["table"]);
                    }
                }
            }
            "table" => {
                self.close_in_scope(&["p"], &["button", "table", "td", "th", "html"]);
                // A table started directly in a table (not in a cell) ends it.
                if let Some(i) = self.in_scope(&["table"], &["td", "th", "caption"]) {
                    self.pop_through(i);
                }
            }
            "li" => {
                self.close_in_scope(&["li"], &[SCOPE, &["ol", "ul"]].concat());
                self.close_in_scope(&["p"], &["button", "table", "td", "th", "html"]);
            }
            "dd" | "dt" => {
                self.close_in_scope(&["dd", "dt"], SCOPE);
                self.close_in_scope(&["p"], &["button", "table", "td", "th", "html"]);
            }
            "option" => {
                if self.current_name() == "option" {
                    self.open.pop();
                }
            }
            "optgroup" => {
                if self.current_name() == "option" {
                    self.open.pop();
                }
                if self.current_name() == "optgroup" {
                    self.open.pop();
                }
            }
            "html" | "head" | "body" if self.has_open(n) => {
                return self.new_node(NodeKind::Element { name, attrs });
            }
            "script" | "style" | "template" => fits_in_table = true,
            _ => {
                if closes_p(n) {
                    self.close_in_scope(&["p"], &["button", "table", "td", "th", "html"]);
                }
                if HEADINGS.contains(&n) && HEADINGS.contains(&self.current_name()) {
                    self.open.pop();
                }
            }
        }
        let void = is_void(n);
        let element = self.new_node(NodeKind::Element { name, attrs });
        self.place(element, fits_in_table);
        if !void {
            self.open.push(element);
        }
        element
    }

    fn end_tag(&mut self, name: &str) {
        match name {
            "p" => {
                if let Some(i) = self.in_scope(&["p"], &["button", "table", "td", "th", "html"]) {
                    self.pop_through(i);
                } else {
                    // A stray `</p>` is an empty paragraph.
                    let p = self.new_node(NodeKind::Element {
                        name: Cow::Borrowed("p"),
                        attrs: 0..0,
                    });
                    self.place(p, false);
                }
            }
            "br" => {
                let br = self.new_node(NodeKind::Element {
                    name: Cow::Borrowed("br"),
                    attrs: 0..0,
                });
                self.place(br, false);
            }
            "body" | "html" => {}
            "td" | "th" | "tr" | "caption" => self.close_in_scope(&[name], &["table", "html"]),
            "tbody" | "thead" | "tfoot" => {
                if let Some(i) = self.in_scope(TABLE_SECTIONS, &["table", "html"]) {
                    if self.dom.name(self.open[i]) == Some(name) {
                        self.pop_through(i);
                    }
                }
            }
            "table" => self.close_in_scope(&["table"], &["html"]),
            "li" => self.close_in_scope(&["li"], &[SCOPE, &["ol", "ul"]].concat()),
            _ if HEADINGS.contains(&name) => self.close_in_scope(HEADINGS, SCOPE),
            _ if is_special(name) => self.close_in_scope(&[name], SCOPE),
            _ => {
                // Any other end tag closes the nearest element of its name,
                // unless a block (a "special" element) is open above it.
                for i in (1..self.open.len()).rev().take(MAX_SEARCH) {
                    let open = self.dom.name(self.open[i]).unwrap_or("");
                    if open == name {
                        self.pop_through(i);
                        return;
                    }
                    if is_special(open) {
                        return;
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The tree as nested text: `name(children)`, text in quotes.
    fn outline(dom: &Dom<'_>, id: NodeId) -> String {
        let parts: Vec<String> = dom
            .children(id)
            .map(|c| match &dom.node(c).kind {
                NodeKind::Text(t) => format!("{t:?}"),
                NodeKind::Element { name, .. } => format!("{name}({})", outline(dom, c)),
                NodeKind::Root => String::new(),
            })
            .collect();
        parts.join(" ")
    }

    fn tree(html: &str) -> String {
        let dom = Dom::parse(html);
        outline(&dom, dom.root())
    }

    #[test]
    fn implied_end_tags() {
        assert_eq!(tree("<p>a<p>b<div>c</div>"), r#"p("a") p("b") div("c")"#);
        assert_eq!(tree("<ul><li>a<li>b</ul>"), r#"ul(li("a") li("b"))"#);
        assert_eq!(
            tree("<table><tr><td>1<td>2<tr><th>3</table>x"),
            r#"table(tr(td("1") td("2")) tr(th("3"))) "x""#
        );
        assert_eq!(tree("<table><td>1</td></table>"), r#"table(tr(td("1")))"#);
        assert_eq!(tree("<h1>a<h2>b</h2>"), r#"h1("a") h2("b")"#);
    }

    #[test]
    fn end_tags_close_within_scope_only() {
        // `</span>` does not cross the open `<p>`; `</div>` closes both.
        assert_eq!(
            tree("<div><span><p>a</span>b</div>c"),
            r#"div(span(p("a" "b"))) "c""#
        );
        // A stray `</p>` is an empty paragraph; `</br>` a line break; `</td>` outside a table nothing.
        assert_eq!(tree("a</p>b</br>c</td>d"), r#""a" p() "b" br() "c" "d""#);
        // `</body>` closes nothing: later content stays.
        assert_eq!(tree("<body>a</body>b</html>c"), r#"body("a" "b" "c")"#);
    }

    #[test]
    fn foster_parenting_moves_stray_table_content_before_it() {
        assert_eq!(
            tree("<div><table>x<tr><td>1</td></tr><p>y</p></table></div>"),
            r#"div("x" p("y") table(tr(td("1"))))"#
        );
    }

    #[test]
    fn deep_nesting_stays_linear() {
        // 40,000 open spans, then 40,000 block starts that each look for a
        // `<p>` in scope: with the search bounded this is instant, unbounded
        // it is 1.6 billion steps (the test would hang, not fail).
        let page = format!("{}{}", "<span>".repeat(40_000), "<div>x".repeat(40_000));
        let dom = Dom::parse(&page);
        assert_eq!(dom.select("div").count(), 40_000);
    }

    #[test]
    fn fostering_many_nodes_is_linear_and_keeps_order() {
        let mut page = String::from("<div>a<table>");
        for i in 0..50_000 {
            page.push_str(&format!("<b>{i}</b>"));
        }
        page.push_str("<tr><td>x</td></tr></table></div>");
        let dom = Dom::parse(&page);
        let div = dom.select("div").next().unwrap();
        let names: Vec<_> = dom.children(div).filter_map(|c| dom.name(c)).collect();
        assert_eq!(names.len(), 50_001);
        assert_eq!(names.last(), Some(&"table"));
        let bold: Vec<_> = dom.select("b").take(3).map(|b| dom.plain_text(b)).collect();
        assert_eq!(bold, ["0", "1", "2"]);
    }

    #[test]
    fn comments_raw_text_and_entities() {
        assert_eq!(
            tree("<p><!--[if !supportLists]-->1.<!--[endif]-->本年&nbsp;共&lt;完&gt;</p>"),
            r#"p("1." "本年\u{a0}共<完>")"#
        );
        assert_eq!(tree("<![if !x]>a<![endif]><?xml x?>b"), r#""a" "b""#);
        assert_eq!(
            tree("<script>if (a<b) { x = '</p>'; }</SCRIPT >c"),
            r#"script("if (a<b) { x = '</p>'; }") "c""#
        );
        assert_eq!(tree("<title>A &amp; B</title>"), r#"title("A & B")"#);
        assert_eq!(tree("a < b <3"), r#""a " "<" " b " "<" "3""#);
        assert_eq!(tree("<!-->a<!--->b<!-- x"), r#""a" "b""#);
    }

    #[test]
    fn attributes() {
        let dom = Dom::parse(
            r#"<table><TD ROWSPAN=2 colspan = "3" Style='display:none' class="a  TRS_Editor" rowspan=9 data-x=a&amp;b hidden>"#,
        );
        let td = dom.select("td").next().unwrap();
        assert_eq!(dom.attr(td, "rowspan"), Some("2"));
        assert_eq!(dom.attr(td, "colspan"), Some("3"));
        assert_eq!(dom.attr(td, "style"), Some("display:none"));
        assert_eq!(dom.attr(td, "data-x"), Some("a&b"));
        assert_eq!(dom.attr(td, "hidden"), Some(""));
        assert!(dom.matches(td, ".trs_editor"));
        assert_eq!(dom.select(".TRS_Editor").count(), 1);
        assert_eq!(
            Dom::parse("<td>x</td>").select("td").count(),
            0,
            "a cell outside a table is ignored"
        );
        let dom = Dom::parse(r#"<div id=Zoom class=x>t</div>"#);
        assert_eq!(dom.select("#zoom").count(), 1);
        assert_eq!(dom.select(".x").count(), 1);
    }

    #[test]
    fn void_elements_take_no_children() {
        assert_eq!(
            tree("<p>a<br>b<img src=x>c</p>"),
            r#"p("a" br() "b" img() "c")"#
        );
    }

    /// Every child names its parent, every parented node is among its
    /// parent's children, and children read the same forwards and backwards.
    fn links_are_consistent(dom: &Dom<'_>) -> Result<(), proptest::test_runner::TestCaseError> {
        for id in 0..dom.len() as NodeId {
            if let Some(parent) = dom.parent(id) {
                proptest::prop_assert!(dom.children(parent).any(|c| c == id));
            }
            let forward: Vec<NodeId> = dom.children(id).collect();
            for &c in &forward {
                proptest::prop_assert_eq!(dom.parent(c), Some(id));
            }
            let mut backward = Vec::new();
            let mut at = dom.node(id).last_child;
            while at != NONE {
                backward.push(at);
                at = dom.node(at).prev_sibling;
            }
            backward.reverse();
            proptest::prop_assert_eq!(forward, backward);
        }
        Ok(())
    }

    proptest::proptest! {
        #[test]
        fn tag_soup_keeps_links_consistent(parts in proptest::collection::vec(
            proptest::sample::select(vec![
                "<table>", "</table>", "<tr>", "</tr>", "<td>", "</td>", "<th>", "<tbody>",
                "<caption>", "<p>", "</p>", "<b>", "</b>", "<div>", "</div>", "<li>", "<ul>",
                "</ul>", "<h1>", "</h2>", "<script>", "</script>", "<!--", "-->", "<br>",
                "</br>", "<select><option>", "x", " ", "&amp;", "<", "</body>", "<body>",
            ]),
            0..60,
        )) {
            let page: String = parts.concat();
            let dom = Dom::parse(&page);
            links_are_consistent(&dom)?;
            // Without comments, raw text or a `<` that opens a tag, every `x`
            // of the input is in the tree exactly once.
            if !["<!--", "<script>", "<x", "<<"].iter().any(|m| page.contains(m)) {
                let xs = dom.plain_text(dom.root()).matches('x').count();
                proptest::prop_assert_eq!(xs, page.matches('x').count());
            }
        }

        #[test]
        fn never_panics_and_links_are_consistent(s in "[a-z<>/!\\-&; \"'=pdtrb]{0,80}") {
            let dom = Dom::parse(&s);
            links_are_consistent(&dom)?;
        }
    }
}
