//! handbook patch (PATCHED.md): a DFA that tells Oniguruma where to look.
//!
//! The parser searches every pattern of the current context from the
//! current position, and Oniguruma tries each pattern at every position in
//! turn; for grammars whose patterns start with `\s*` or a case-blind
//! keyword alternation that is most of the time spent highlighting. Here each
//! pattern that is searched often gets a second, relaxed form that
//! regex-automata can run as a DFA over an ASCII line: lookarounds dropped,
//! backreferences matching anything, possessive and atomic groups made
//! ordinary. Whatever the original matches starting at a position, the
//! relaxed form matches starting there too (it is a superset), so its
//! leftmost start is never after the original's: when it finds nothing the
//! original cannot match, and otherwise Oniguruma searches from where it
//! starts. Oniguruma still decides every match, so the result is the same,
//! but for one kind of pattern: one with no groups and nothing relaxed, whose
//! match the DFA finds exactly as Oniguruma would (leftmost first, the same
//! precedence of alternatives and quantifiers), so that it is the match.
//!
//! Lines with any byte outside ASCII, and patterns the translation does not
//! know, go to Oniguruma alone.

use super::first_bytes::FirstBytes;
use once_cell::sync::OnceCell;
use regex_automata::meta;
use regex_automata::nfa::thompson::WhichCaptures;
use regex_automata::util::syntax;
use regex_automata::Input;
use std::cell::RefCell;
use std::sync::atomic::{AtomicBool, AtomicU32, AtomicUsize, Ordering};

/// A pattern gets its DFA after this many searches: the dynamic patterns the
/// parser makes for one match (backreferences filled in) never do, nor do
/// patterns a handbook almost never reaches.
const SEARCHES_BEFORE_DFA: u32 = 8;

/// Whether searches consult the DFA at all; off only to compare with
/// Oniguruma alone.
static ENABLED: AtomicBool = AtomicBool::new(true);

/// Turns the prefilter on or off for the whole process (on by default):
/// the matches are the same either way, only the time differs.
pub fn set_dfa_prefilter(enabled: bool) {
    ENABLED.store(enabled, Ordering::Relaxed);
}

/// Where a search may start.
pub(crate) enum Start {
    /// The pattern cannot match in the range.
    Nowhere,
    /// No match starts before this position.
    From(usize),
    /// The match, found by the DFA alone: its start and end.
    Exactly(usize, usize),
}

/// A pattern's DFA and whether what it finds is the pattern's match.
#[derive(Debug)]
struct Dfa {
    regex: meta::Regex,
    exact: bool,
    /// Its place in each thread's [`CACHES`].
    id: usize,
    /// The bytes its matches start with, unless it can match nothing.
    first: Option<FirstBytes>,
}

/// The next [`Dfa::id`].
static NEXT_DFA: AtomicUsize = AtomicUsize::new(0);

thread_local! {
    /// Each DFA's search cache on this thread, by [`Dfa::id`]. A
    /// `meta::Regex` keeps its caches in a pool that is quick only for the
    /// thread that searched it first: every other thread took a lock to
    /// borrow one, for each of the thousands of searches a page's code
    /// blocks make (about 1% of a build's time with two threads).
    static CACHES: RefCell<Vec<Option<meta::Cache>>> = const { RefCell::new(Vec::new()) };
}

impl Dfa {
    /// The leftmost-first match in `input`, searched with this thread's
    /// cache.
    fn find(&self, input: &Input<'_>) -> Option<regex_automata::Match> {
        CACHES.with(|caches| {
            let Ok(mut caches) = caches.try_borrow_mut() else {
                return self.regex.search(input);
            };
            if caches.len() <= self.id {
                caches.resize_with(self.id + 1, || None);
            }
            let cache = caches[self.id].get_or_insert_with(|| self.regex.create_cache());
            self.regex.search_with(cache, input)
        })
    }
}

/// One pattern's relaxed DFA, built once it has been searched often enough.
#[derive(Debug, Default)]
pub(crate) struct Prefilter {
    searches: AtomicU32,
    dfa: OnceCell<Option<Dfa>>,
}

impl Prefilter {
    /// Where a search for `pattern` over `text[begin..end]` may start.
    pub(crate) fn start(&self, pattern: &str, text: &str, begin: usize, end: usize) -> Start {
        let unknown = Start::From(begin);
        if end != text.len() || begin > end || !ENABLED.load(Ordering::Relaxed) {
            return unknown;
        }
        let dfa = match self.dfa.get() {
            Some(dfa) => dfa,
            None => {
                if self.searches.fetch_add(1, Ordering::Relaxed) < SEARCHES_BEFORE_DFA {
                    return unknown;
                }
                self.dfa.get_or_init(|| relaxed_dfa(pattern))
            }
        };
        let Some(dfa) = dfa else { return unknown };
        if !text.is_ascii() {
            return unknown;
        }
        // No match starts before a byte a match can start with: none left
        // means no match, without reaching the DFA at all.
        let begin = match &dfa.first {
            Some(first) => match first.find(&text.as_bytes()[begin..end]) {
                None => return Start::Nowhere,
                Some(offset) => begin + offset,
            },
            None => begin,
        };
        match dfa.find(&Input::new(text.as_bytes()).span(begin..end)) {
            None => Start::Nowhere,
            Some(found) if dfa.exact => Start::Exactly(found.start(), found.end()),
            Some(found) => Start::From(found.start()),
        }
    }
}

/// The relaxed pattern compiled for ASCII lines, or `None` when it cannot be.
fn relaxed_dfa(pattern: &str) -> Option<Dfa> {
    let relaxed = relax(pattern)?;
    let regex = meta::Builder::new()
        .syntax(syntax::Config::new().unicode(false).utf8(false))
        .configure(
            meta::Config::new()
                .utf8_empty(false)
                .which_captures(WhichCaptures::Implicit)
                .nfa_size_limit(Some(1 << 20))
                // Searched on short lines: the lazy DFA (and the PikeVM it
                // falls back on), without the engines that cost more to
                // build than they would save there.
                .dfa(false)
                .onepass(false)
                .backtrack(false),
        )
        .build(&relaxed.pattern)
        .ok()?;
    Some(Dfa {
        regex,
        first: FirstBytes::of(&relaxed.pattern),
        exact: relaxed.exact,
        id: NEXT_DFA.fetch_add(1, Ordering::Relaxed),
    })
}

/// The bytes the matches of an Oniguruma pattern start with, as the
/// prefilter finds them (of its relaxed form), or `None` when the pattern
/// can match the empty string or is not translated (public for tests).
pub fn first_bytes(pattern: &str) -> Option<Vec<u8>> {
    FirstBytes::of(&relax(pattern)?.pattern).map(FirstBytes::to_vec)
}

/// A pattern relaxed for the DFA.
#[derive(Debug, PartialEq, Eq)]
pub struct Relaxed {
    /// In regex-syntax's language.
    pub pattern: String,
    /// Whether it matches exactly what the original matches on ASCII lines,
    /// nothing having been relaxed, and has no groups to report.
    pub exact: bool,
}

/// The relaxed form of an Oniguruma pattern in regex-syntax's language, or
/// `None` for anything this translation does not know (public for tests).
pub fn relax(pattern: &str) -> Option<Relaxed> {
    let mut relaxing = Relaxing {
        bytes: pattern.as_bytes(),
        at: 0,
        out: String::with_capacity(pattern.len() * 2),
        extended: false,
        inexact: false,
        depth: 0,
    };
    relaxing.alternation()?;
    (relaxing.at == relaxing.bytes.len()).then_some(Relaxed {
        pattern: relaxing.out,
        exact: !relaxing.inexact,
    })
}

struct Relaxing<'a> {
    bytes: &'a [u8],
    at: usize,
    out: String,
    /// Oniguruma's `x` flag, which the translation applies itself (regex-syntax
    /// would also ignore spaces inside classes, Oniguruma does not).
    extended: bool,
    /// Whether something was relaxed, or the pattern has a group, or uses
    /// a construct whose exact meaning is not checked (POSIX classes).
    inexact: bool,
    /// Groups and classes open: deeper than `MAX_DEPTH` is refused rather
    /// than recursed into.
    depth: usize,
}

/// How deeply groups and classes may nest in a pattern the DFA is built for.
const MAX_DEPTH: usize = 64;

impl Relaxing<'_> {
    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.at).copied()
    }

    fn peek_at(&self, offset: usize) -> Option<u8> {
        self.bytes.get(self.at + offset).copied()
    }

    /// Translates until the `)` closing the current group (left unread) or
    /// the end of the pattern.
    fn alternation(&mut self) -> Option<()> {
        let extended_outside = self.extended;
        // Whether the last thing written may take a quantifier.
        let mut quantifiable = false;
        while let Some(byte) = self.peek() {
            match byte {
                b')' => break,
                b'|' => {
                    self.at += 1;
                    self.out.push('|');
                    quantifiable = false;
                }
                b'*' | b'+' | b'?' => {
                    if !quantifiable {
                        return None;
                    }
                    self.at += 1;
                    self.out.push(byte as char);
                    self.quantifier_suffix(false)?;
                    quantifiable = false;
                }
                b'{' => match self.interval() {
                    Some(interval) if quantifiable => {
                        self.out.push_str(&interval);
                        self.quantifier_suffix(true)?;
                        quantifiable = false;
                    }
                    Some(_) => return None,
                    None => {
                        self.at += 1;
                        self.out.push_str("\\{");
                        quantifiable = true;
                    }
                },
                b' ' | b'\t' | b'\n' | b'\r' | 0x0b | 0x0c if self.extended => self.at += 1,
                b'#' if self.extended => {
                    while self.peek().is_some_and(|byte| byte != b'\n') {
                        self.at += 1;
                    }
                }
                b'(' => quantifiable = self.group()?,
                b'[' => {
                    self.at += 1;
                    self.out.push('[');
                    self.class()?;
                    quantifiable = true;
                }
                b'\\' => quantifiable = self.escape()?,
                b'^' => {
                    // Oniguruma's `^` does not match after a line's last
                    // newline, regex-syntax's does: a superset only.
                    self.at += 1;
                    self.inexact = true;
                    self.out.push_str("(?m:^)");
                    quantifiable = false;
                }
                b'$' => {
                    self.at += 1;
                    self.out.push_str("(?m:$)");
                    quantifiable = false;
                }
                b'.' => {
                    self.at += 1;
                    self.out.push('.');
                    quantifiable = true;
                }
                byte if byte.is_ascii() => {
                    self.at += 1;
                    self.out.push_str(&literal(byte));
                    quantifiable = true;
                }
                _ => return None,
            }
        }
        self.extended = extended_outside;
        Some(())
    }

    /// After a quantifier: `?` (lazy) is kept, `+` (possessive) dropped, as
    /// a possessive quantifier matches a subset of the greedy one. After an
    /// interval, Oniguruma reads `+` as a second quantifier: not handled.
    fn quantifier_suffix(&mut self, after_interval: bool) -> Option<()> {
        match self.peek() {
            Some(b'?') => {
                self.at += 1;
                self.out.push('?');
            }
            Some(b'+') if after_interval => return None,
            Some(b'+') => {
                self.at += 1;
                self.inexact = true;
            }
            _ => {}
        }
        Some(())
    }

    /// An interval quantifier at `{` in regex-syntax's form, consumed; `None`
    /// (nothing consumed) when Oniguruma would read the brace as a literal.
    fn interval(&mut self) -> Option<String> {
        let rest = &self.bytes[self.at + 1..];
        let close = rest.iter().position(|&byte| byte == b'}')?;
        let inside = std::str::from_utf8(&rest[..close]).ok()?;
        let (low, high) = match inside.split_once(',') {
            Some((low, high)) => (low, Some(high)),
            None => (inside, None),
        };
        let number = |text: &str| -> Option<Option<u32>> {
            if text.is_empty() {
                return Some(None);
            }
            if !text.bytes().all(|byte| byte.is_ascii_digit()) || text.len() > 3 {
                return None;
            }
            text.parse().ok().map(Some)
        };
        let low = number(low)?;
        let interval = match (low, high.map(number)) {
            (Some(low), None) => format!("{{{low}}}"),
            (low, Some(Some(high))) => match (low, high) {
                (None, None) => return None,
                (low, None) => format!("{{{},}}", low.unwrap_or(0)),
                (low, Some(high)) => format!("{{{},{high}}}", low.unwrap_or(0)),
            },
            (None, None) | (_, Some(None)) => return None,
        };
        self.at += close + 2;
        Some(interval)
    }

    /// A group at `(`; returns whether it may take a quantifier.
    fn group(&mut self) -> Option<bool> {
        self.at += 1;
        if self.peek() != Some(b'?') {
            self.inexact = true;
            return self.inner_group("(?:");
        }
        let kind = self.peek_at(1)?;
        match kind {
            b':' => {
                self.at += 2;
                self.inner_group("(?:")
            }
            b'>' => {
                self.at += 2;
                self.inexact = true;
                self.inner_group("(?:")
            }
            b'=' | b'!' => {
                self.at += 2;
                self.dropped_group()
            }
            b'<' if matches!(self.peek_at(2), Some(b'=' | b'!')) => {
                self.at += 3;
                self.dropped_group()
            }
            b'<' | b'\'' => self.named_group(),
            b'#' => {
                let close = self.bytes[self.at..].iter().position(|&byte| byte == b')')?;
                self.at += close + 1;
                Some(false)
            }
            _ => self.flags(),
        }
    }

    /// The rest of a group whose opening was consumed, written as `opening`.
    fn inner_group(&mut self, opening: &str) -> Option<bool> {
        if self.depth >= MAX_DEPTH {
            return None;
        }
        self.depth += 1;
        self.out.push_str(opening);
        self.alternation()?;
        self.depth -= 1;
        if self.peek() != Some(b')') {
            return None;
        }
        self.at += 1;
        self.out.push(')');
        Some(true)
    }

    /// A lookaround, read and replaced by the empty group.
    fn dropped_group(&mut self) -> Option<bool> {
        self.inexact = true;
        let written = self.out.len();
        self.inner_group("(?:")?;
        self.out.truncate(written);
        self.out.push_str("(?:)");
        Some(true)
    }

    /// `(?<name>` or `(?'name'`: a group like any other.
    fn named_group(&mut self) -> Option<bool> {
        let close = match self.peek_at(1)? {
            b'\'' => b'\'',
            _ => b'>',
        };
        let rest = &self.bytes[self.at..];
        let end = rest[2..].iter().position(|&byte| byte == close)? + 2;
        let name = &rest[2..end];
        if name.is_empty() || !name.iter().all(|byte| byte.is_ascii_alphanumeric() || *byte == b'_') {
            return None;
        }
        self.at += end + 1;
        self.inexact = true;
        self.inner_group("(?:")
    }

    /// `(?imx-imx)` or `(?imx-imx:...)`. Oniguruma's `m` is regex-syntax's `s`
    /// (dot matches a newline); turning it off is ignored (a superset), and
    /// `x` is applied here.
    fn flags(&mut self) -> Option<bool> {
        self.at += 1;
        let mut on = String::new();
        let mut off = String::new();
        let mut negate = false;
        loop {
            let byte = self.peek()?;
            self.at += 1;
            match byte {
                b'i' if negate => off.push('i'),
                b'i' => on.push('i'),
                b'm' if negate => self.inexact = true,
                b'm' => on.push('s'),
                b'x' => self.extended = !negate,
                b'-' if !negate => negate = true,
                b')' => {
                    if !on.is_empty() || !off.is_empty() {
                        self.out.push_str(&flag_group(&on, &off, ")"));
                    }
                    return Some(false);
                }
                b':' => {
                    let extended_outside = self.extended;
                    let written = self.inner_group(&flag_group(&on, &off, ":"));
                    self.extended = extended_outside;
                    return written;
                }
                _ => return None,
            }
        }
    }

    /// An escape outside a class; returns whether it may take a quantifier.
    fn escape(&mut self) -> Option<bool> {
        let letter = self.peek_at(1)?;
        self.at += 2;
        let written = match letter {
            b'b' | b'B' | b'A' | b'z' => {
                self.out.push('\\');
                self.out.push(letter as char);
                return Some(false);
            }
            b'Z' => {
                self.out.push_str("(?m:$)");
                return Some(false);
            }
            b'h' => "[0-9a-fA-F]".to_owned(),
            b'H' => "[^0-9a-fA-F]".to_owned(),
            b'p' => format!("[{}]", self.ascii_property()?),
            // A backreference: whatever the group matched, so anything.
            b'1'..=b'9' => {
                while self.peek().is_some_and(|byte| byte.is_ascii_digit()) {
                    self.at += 1;
                }
                self.inexact = true;
                "(?s:.*)".to_owned()
            }
            letter => self.escape_anywhere(letter)?,
        };
        self.out.push_str(&written);
        Some(true)
    }

    /// The escapes that mean the same inside a class and outside one.
    fn escape_anywhere(&mut self, letter: u8) -> Option<String> {
        Some(match letter {
            b'w' | b'W' | b's' | b'S' | b'd' | b'D' | b't' | b'n' | b'r' | b'f' | b'v' | b'a' => {
                format!("\\{}", letter as char)
            }
            b'e' => "\\x1B".to_owned(),
            b'x' => self.hex()?,
            b'P' => format!("[^{}]", self.ascii_property()?),
            letter if letter.is_ascii_alphanumeric() => return None,
            letter if letter.is_ascii() => literal(letter),
            _ => return None,
        })
    }

    /// `\xHH` or `\x{H...}` after its `x`, as `\x{H...}`.
    fn hex(&mut self) -> Option<String> {
        let digits = if self.peek() == Some(b'{') {
            let rest = &self.bytes[self.at + 1..];
            let close = rest.iter().position(|&byte| byte == b'}')?;
            self.at += close + 2;
            &rest[..close]
        } else {
            let rest = &self.bytes[self.at..];
            let count = rest
                .iter()
                .take(2)
                .take_while(|byte| byte.is_ascii_hexdigit())
                .count();
            if count == 0 {
                return None;
            }
            self.at += count;
            &rest[..count]
        };
        if digits.is_empty() || digits.len() > 8 || !digits.iter().all(u8::is_ascii_hexdigit) {
            return None;
        }
        Some(format!("\\x{{{}}}", std::str::from_utf8(digits).ok()?))
    }

    /// `{Name}` after `\\p` or `\\P`: the ASCII characters of a Unicode
    /// property that identifiers are written with (the lines searched are
    /// ASCII), as the inside of a class.
    fn ascii_property(&mut self) -> Option<&'static str> {
        let rest = &self.bytes[self.at..];
        let close = rest.iter().position(|&byte| byte == b'}')?;
        let ascii = match rest.get(..close + 1)? {
            b"{L}" => "A-Za-z",
            b"{Lu}" => "A-Z",
            b"{Ll}" => "a-z",
            b"{N}" | b"{Nd}" => "0-9",
            _ => return None,
        };
        self.at += close + 1;
        Some(ascii)
    }

    /// A class after its `[`, through its `]`.
    fn class(&mut self) -> Option<()> {
        if self.depth >= MAX_DEPTH {
            return None;
        }
        self.depth += 1;
        let closed = self.class_items();
        self.depth -= 1;
        closed
    }

    /// A class's items after its `[`, through its `]`.
    fn class_items(&mut self) -> Option<()> {
        if self.peek() == Some(b'^') {
            self.at += 1;
            self.out.push('^');
        }
        if self.peek() == Some(b']') {
            self.at += 1;
            self.out.push_str("\\]");
        }
        loop {
            let byte = self.peek()?;
            match byte {
                b']' => {
                    self.at += 1;
                    self.out.push(']');
                    return Some(());
                }
                b'[' if self.peek_at(1) == Some(b':') => self.posix_class()?,
                b'[' => {
                    self.at += 1;
                    self.out.push('[');
                    self.class()?;
                }
                b'&' if self.peek_at(1) == Some(b'&') => {
                    self.at += 2;
                    self.out.push_str("&&");
                }
                b'-' if self.peek_at(1) == Some(b'-') => return None,
                b'-' => {
                    self.at += 1;
                    self.out.push('-');
                }
                b'\\' => self.class_escape()?,
                byte if byte.is_ascii() => {
                    self.at += 1;
                    self.inexact |= self.extended && byte.is_ascii_whitespace();
                    self.out.push_str(&literal(byte));
                }
                _ => return None,
            }
        }
    }

    /// `[:name:]` or `[:^name:]` inside a class.
    fn posix_class(&mut self) -> Option<()> {
        let rest = &self.bytes[self.at..];
        let end = rest.get(2..)?.windows(2).position(|pair| pair == b":]")? + 2;
        let name = &rest[2..end];
        let name = name.strip_prefix(b"^").unwrap_or(name);
        const NAMES: [&[u8]; 14] = [
            b"alnum", b"alpha", b"ascii", b"blank", b"cntrl", b"digit", b"graph", b"lower",
            b"print", b"punct", b"space", b"upper", b"word", b"xdigit",
        ];
        if !NAMES.contains(&name) {
            return None;
        }
        self.inexact = true;
        self.out.push_str(std::str::from_utf8(&rest[..end + 2]).ok()?);
        self.at += end + 2;
        Some(())
    }

    /// An escape inside a class.
    fn class_escape(&mut self) -> Option<()> {
        let letter = self.peek_at(1)?;
        self.at += 2;
        let written = match letter {
            b'h' => "0-9a-fA-F".to_owned(),
            b'b' => "\\x08".to_owned(),
            b'p' => self.ascii_property()?.to_owned(),
            letter => self.escape_anywhere(letter)?,
        };
        self.out.push_str(&written);
        Some(())
    }
}

/// An ASCII character as a literal in regex-syntax's language.
fn literal(byte: u8) -> String {
    regex_syntax::escape(&(byte as char).to_string())
}

/// `(?on-off` followed by `end`.
fn flag_group(on: &str, off: &str, end: &str) -> String {
    let off = if off.is_empty() { String::new() } else { format!("-{off}") };
    format!("(?{on}{off}{end}")
}
