//! Finding division names in text: one Aho-Corasick automaton over every full
//! name, short name and alias of the gazetteer, built once and shared.

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};
use std::collections::HashMap;

use super::gazetteer::{AliasKind, DivId, Gazetteer};

/// How a pattern names a division.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Via {
    /// The official full name (`缙云县`).
    Full,
    /// The short name (`缙云`).
    Short,
    /// An alias of some kind.
    Alias(AliasKind),
}

impl Via {
    /// A lowercase name for traces.
    pub fn as_str(self) -> &'static str {
        match self {
            Via::Full => "full",
            Via::Short => "short",
            Via::Alias(k) => k.as_str(),
        }
    }
}

/// One division a pattern may name.
#[derive(Debug, Clone, Copy)]
pub struct Target {
    /// The row named.
    pub div: DivId,
    /// How it is named.
    pub via: Via,
    /// True when the name is too short or too common to count without context
    /// (short names, two-character names such as `和县` or `城区`).
    pub weak: bool,
}

/// A distinct string of the automaton and everything it may name.
#[derive(Debug, Clone)]
pub struct Pattern {
    /// The string.
    pub text: String,
    /// Divisions it names (all rows, any year).
    pub targets: Vec<Target>,
}

/// A place in a text where a pattern occurs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Mention {
    /// Byte offset of the first character.
    pub start: usize,
    /// Byte offset just past the last character.
    pub end: usize,
    /// Index into [`Matcher::patterns`].
    pub pattern: u32,
}

/// The automaton and its patterns.
#[derive(Debug, Clone)]
pub struct Matcher {
    ac: AhoCorasick,
    /// Patterns, indexed by the automaton's pattern ids.
    pub patterns: Vec<Pattern>,
}

impl Matcher {
    /// Build the automaton over all names of a gazetteer.
    pub fn new(g: &Gazetteer) -> Result<Self, String> {
        let mut index: HashMap<String, usize> = HashMap::new();
        let mut patterns: Vec<Pattern> = Vec::new();
        let mut add = |text: &str, target: Target| {
            let i = *index.entry(text.to_string()).or_insert_with(|| {
                patterns.push(Pattern {
                    text: text.to_string(),
                    targets: Vec::new(),
                });
                patterns.len() - 1
            });
            let p = &mut patterns[i];
            if !p
                .targets
                .iter()
                .any(|t| t.div == target.div && t.via == target.via)
            {
                p.targets.push(target);
            }
        };
        for (i, d) in g.divisions.iter().enumerate() {
            let id = i as DivId;
            add(
                &d.name,
                Target {
                    div: id,
                    via: Via::Full,
                    weak: d.name.chars().count() <= 2,
                },
            );
            if let Some(s) = &d.short {
                if s.chars().count() >= 2 {
                    add(
                        s,
                        Target {
                            div: id,
                            via: Via::Short,
                            weak: true,
                        },
                    );
                }
            }
        }
        for a in &g.aliases {
            let weak = a.name.chars().count() <= 2;
            for &id in g.rows_with_code(a.code) {
                add(
                    &a.name,
                    Target {
                        div: id,
                        via: Via::Alias(a.kind),
                        weak,
                    },
                );
            }
        }
        let ac = AhoCorasickBuilder::new()
            .match_kind(MatchKind::Standard)
            .build(patterns.iter().map(|p| p.text.as_str()))
            .map_err(|e| format!("cannot build the name automaton: {e}"))?;
        Ok(Matcher { ac, patterns })
    }

    /// The pattern with this index.
    pub fn pattern(&self, id: u32) -> &Pattern {
        &self.patterns[id as usize]
    }

    /// All names in `text`, as a non-overlapping set in text order. Where names
    /// overlap the longest wins (`淮安市` over `淮安`), then one with a name that
    /// counts without context, then the leftmost.
    pub fn scan(&self, text: &str) -> Vec<Mention> {
        let mut all: Vec<Mention> = self
            .ac
            .find_overlapping_iter(text)
            .map(|m| Mention {
                start: m.start(),
                end: m.end(),
                pattern: m.pattern().as_u32(),
            })
            .collect();
        if all.len() <= 1 {
            return all;
        }
        let strong = |m: &Mention| self.pattern(m.pattern).targets.iter().any(|t| !t.weak);
        all.sort_by(|a, b| {
            (b.end - b.start)
                .cmp(&(a.end - a.start))
                .then_with(|| strong(b).cmp(&strong(a)))
                .then_with(|| a.start.cmp(&b.start))
                .then_with(|| a.pattern.cmp(&b.pattern))
        });
        let mut taken = vec![false; text.len()];
        let mut out = Vec::new();
        for m in all {
            if taken[m.start..m.end].iter().any(|&t| t) {
                continue;
            }
            taken[m.start..m.end].iter_mut().for_each(|t| *t = true);
            out.push(m);
        }
        out.sort_by_key(|m| m.start);
        out
    }
}
