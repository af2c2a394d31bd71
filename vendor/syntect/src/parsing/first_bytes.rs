//! handbook patch (PATCHED.md): the bytes a pattern's match can start with.
//!
//! Most searches of a code line find nothing (three in four on the
//! benchmark handbook), and most of the time such a search takes is not in
//! reading the line but in reaching the pattern's DFA and its cache, which a
//! grammar's hundreds of patterns push out of the processor's caches. A
//! pattern that cannot match the empty string starts each match with one of
//! a few bytes (`#`, `"`, `$`, a digit...): when none of them is in the rest
//! of the line, there is no match to look for, and when one is, no match
//! starts before it.

use regex_automata::util::syntax;
use regex_syntax::hir::{Class, Hir, HirKind};

/// A set of bytes.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct ByteSet([u64; 4]);

impl ByteSet {
    fn add(&mut self, byte: u8) {
        self.0[usize::from(byte >> 6)] |= 1 << (byte & 63);
    }

    fn add_range(&mut self, low: u8, high: u8) {
        for byte in low..=high {
            self.add(byte);
        }
    }

    fn add_all(&mut self, other: ByteSet) {
        for (word, more) in self.0.iter_mut().zip(other.0) {
            *word |= more;
        }
    }

    pub(crate) fn contains(&self, byte: u8) -> bool {
        self.0[usize::from(byte >> 6)] & (1 << (byte & 63)) != 0
    }

    fn bytes(&self) -> impl Iterator<Item = u8> + '_ {
        (0..=255u8).filter(|&byte| self.contains(byte))
    }
}

/// Where a pattern's matches may start, by their first byte.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum FirstBytes {
    /// None: the pattern matches nothing (an empty class).
    Never,
    /// One of one, two or three bytes (repeated to fill three): found with
    /// `memchr3`.
    Few([u8; 3]),
    /// One of more bytes.
    Many(ByteSet),
}

impl FirstBytes {
    /// The first bytes of the matches of `pattern` (in regex-syntax's
    /// language, compiled as the prefilter's DFA is: bytes, not Unicode),
    /// or `None` when it can match the empty string (a match may then start
    /// anywhere) or cannot be parsed.
    pub(crate) fn of(pattern: &str) -> Option<FirstBytes> {
        let config = syntax::Config::new().unicode(false).utf8(false);
        let hir = syntax::parse_with(pattern, &config).ok()?;
        let (set, can_be_empty) = first_bytes(&hir);
        if can_be_empty {
            return None;
        }
        let mut few = set.bytes();
        Some(match (few.next(), few.next(), few.next(), few.next()) {
            (None, ..) => FirstBytes::Never,
            (Some(a), None, ..) => FirstBytes::Few([a, a, a]),
            (Some(a), Some(b), None, _) => FirstBytes::Few([a, b, b]),
            (Some(a), Some(b), Some(c), None) => FirstBytes::Few([a, b, c]),
            _ => FirstBytes::Many(set),
        })
    }

    /// The bytes, in order (for tests).
    pub(crate) fn to_vec(self) -> Vec<u8> {
        let mut bytes = match self {
            FirstBytes::Never => Vec::new(),
            FirstBytes::Few(few) => few.to_vec(),
            FirstBytes::Many(set) => set.bytes().collect(),
        };
        bytes.dedup();
        bytes
    }

    /// The first place in `hay` where a match may start, if any.
    pub(crate) fn find(&self, hay: &[u8]) -> Option<usize> {
        match *self {
            FirstBytes::Never => None,
            FirstBytes::Few([a, b, c]) => memchr::memchr3(a, b, c, hay),
            FirstBytes::Many(set) => hay.iter().position(|&byte| set.contains(byte)),
        }
    }
}

/// The bytes a non-empty match of `hir` starts with, and whether it can
/// match the empty string.
fn first_bytes(hir: &Hir) -> (ByteSet, bool) {
    let mut set = ByteSet::default();
    match hir.kind() {
        HirKind::Empty | HirKind::Look(_) => (set, true),
        HirKind::Literal(literal) => match literal.0.first() {
            Some(&byte) => {
                set.add(byte);
                (set, false)
            }
            None => (set, true),
        },
        HirKind::Class(Class::Bytes(class)) => {
            for range in class.ranges() {
                set.add_range(range.start(), range.end());
            }
            (set, false)
        }
        HirKind::Class(Class::Unicode(class)) => {
            for range in class.ranges() {
                let (start, end) = (u32::from(range.start()), u32::from(range.end()));
                // A character beyond ASCII starts with a byte from 0xC2 up;
                // every such byte is taken rather than worked out.
                if start < 0x80 {
                    set.add_range(start as u8, end.min(0x7F) as u8);
                }
                if end >= 0x80 {
                    set.add_range(0x80, 0xFF);
                }
            }
            (set, false)
        }
        HirKind::Repetition(repetition) => {
            let (inner, can_be_empty) = first_bytes(&repetition.sub);
            (inner, can_be_empty || repetition.min == 0)
        }
        HirKind::Capture(capture) => first_bytes(&capture.sub),
        HirKind::Concat(parts) => {
            for part in parts {
                let (inner, can_be_empty) = first_bytes(part);
                set.add_all(inner);
                if !can_be_empty {
                    return (set, false);
                }
            }
            (set, true)
        }
        HirKind::Alternation(choices) => {
            let mut any_empty = false;
            for choice in choices {
                let (inner, can_be_empty) = first_bytes(choice);
                set.add_all(inner);
                any_empty |= can_be_empty;
            }
            (set, any_empty)
        }
    }
}
