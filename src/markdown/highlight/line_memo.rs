//! Highlighting line by line with a memo of lines already highlighted.
//!
//! A grammar's work on a line depends only on the line and on the parser's
//! state before it (the context stack, and the scopes still open), so a line
//! seen before in the same state gives the same HTML and the same state
//! after it. Handbooks repeat lines much more than whole blocks: `end`,
//! `done`, `}`, a YAML key with a common value, the same command with other
//! arguments on the next line. On the 10,000-page benchmark handbook, whose
//! code blocks are made of random words, 51-56% of code lines had been seen
//! before in the same state (62% at 1,000 pages); the memo halves the time
//! spent in grammars there, with byte-identical output.

use std::cell::RefCell;
use std::collections::HashMap;

use syntect::html::{line_tokens_to_classed_spans, ClassStyle};
use syntect::parsing::{ParseState, ScopeStack, SyntaxReference, SyntaxSet};
use syntect::util::LinesWithEndings;

/// What the memo may hold, all threads together: a site whose lines never
/// repeat must not keep them all. Each thread's memo keeps two generations
/// of half its share; when the newer fills, the older goes, and a line
/// found in it moves to the newer, so the lines a handbook keeps repeating
/// (`end`, `}`, a common key) outlive the ones seen once. On the 10,000-page
/// benchmark handbook, against one memo of 8 MB a thread emptied when it
/// filled: 3.4% fewer instructions for the whole build, 19 MB more at its
/// peak (the states a line keeps take more than the estimate below).
const MEMO_BUDGET_BYTES: usize = 24 << 20;

/// What one generation of one thread's memo may hold.
fn generation_bytes() -> usize {
    MEMO_BUDGET_BYTES / rayon::current_num_threads().max(1) / 2
}

/// Lines longer than this are highlighted without the memo: long lines
/// rarely repeat, and keeping them would crowd out the short ones that do.
const MEMO_LINE_BYTES: usize = 512;

/// What the memo counts for a line beyond its text and HTML: the two
/// parser states and the map's own entry.
const LINE_OVERHEAD_BYTES: usize = 256;

/// The parser's state between two lines.
#[derive(Clone, PartialEq, Eq)]
struct LineState {
    parse: ParseState,
    scopes: ScopeStack,
}

/// One line highlighted once: the state it started in, its HTML, how many
/// spans it left open (or closed, if negative) and the state after it.
struct MemoLine {
    before: LineState,
    after: LineState,
    html: String,
    span_delta: isize,
    /// What the memo counts for it against its budget.
    size: usize,
}

/// Lines by a fingerprint of (grammar, line text); each candidate is then
/// compared by its starting state, which has no hash of its own.
type Lines = HashMap<u64, Vec<MemoLine>>;

#[derive(Default)]
struct LineMemo {
    newer: Lines,
    older: Lines,
    newer_bytes: usize,
}

thread_local! {
    // One memo a thread: the parser's state holds Oniguruma's capture
    // regions, which may not cross threads.
    static MEMO: RefCell<LineMemo> = RefCell::default();
}

/// Empties this thread's memo.
pub(super) fn forget() {
    MEMO.with(|memo| *memo.borrow_mut() = LineMemo::default());
}

/// The HTML of `code` highlighted with `syntax`, by CSS class, as syntect's
/// `ClassedHTMLGenerator` writes it; `None` when the grammar fails on it.
pub(super) fn highlight_classed(
    code: &str,
    syntax: &SyntaxReference,
    set: &SyntaxSet,
    style: ClassStyle,
) -> Option<String> {
    let grammar_seed = xxhash_rust::xxh3::xxh3_64(syntax.name.as_bytes());
    let mut state = LineState {
        parse: ParseState::new(syntax),
        scopes: ScopeStack::new(),
    };
    let mut html = String::with_capacity(code.len() * 4);
    let mut open_spans: isize = 0;
    for line in LinesWithEndings::from(code) {
        open_spans += highlight_line(line, grammar_seed, &mut state, set, style, &mut html)?;
    }
    for _ in 0..open_spans {
        html.push_str("</span>");
    }
    Some(html)
}

/// Highlights one line from `state` onto `html`, leaving `state` as the
/// line ends. Returns the line's span delta.
fn highlight_line(
    line: &str,
    grammar_seed: u64,
    state: &mut LineState,
    set: &SyntaxSet,
    style: ClassStyle,
    html: &mut String,
) -> Option<isize> {
    if line.len() > MEMO_LINE_BYTES {
        let (fragment, delta) = highlight_fresh(line, state, set, style)?;
        html.push_str(&fragment);
        return Some(delta);
    }
    let key = xxhash_rust::xxh3::xxh3_64_with_seed(line.as_bytes(), grammar_seed);
    if let Some(delta) = MEMO.with(|memo| memo.borrow_mut().recall(key, state, html)) {
        return Some(delta);
    }
    let before = state.clone();
    let (fragment, span_delta) = highlight_fresh(line, state, set, style)?;
    html.push_str(&fragment);
    let seen = MemoLine {
        before,
        after: state.clone(),
        size: fragment.len() + line.len() + LINE_OVERHEAD_BYTES,
        html: fragment,
        span_delta,
    };
    MEMO.with(|memo| memo.borrow_mut().remember(key, seen));
    Some(span_delta)
}

impl LineMemo {
    /// Writes the line seen before in `state` onto `html` and moves
    /// `state` past it; `None` when it was not seen in that state.
    fn recall(&mut self, key: u64, state: &mut LineState, html: &mut String) -> Option<isize> {
        let in_newer = self
            .newer
            .get(&key)
            .and_then(|lines| lines.iter().find(|seen| seen.before == *state));
        if let Some(seen) = in_newer {
            html.push_str(&seen.html);
            state.clone_from(&seen.after);
            return Some(seen.span_delta);
        }
        let candidates = self.older.get_mut(&key)?;
        let index = candidates.iter().position(|seen| seen.before == *state)?;
        let seen = candidates.swap_remove(index);
        html.push_str(&seen.html);
        state.clone_from(&seen.after);
        let delta = seen.span_delta;
        self.remember(key, seen);
        Some(delta)
    }

    fn remember(&mut self, key: u64, seen: MemoLine) {
        if self.newer_bytes + seen.size > generation_bytes() {
            self.older = std::mem::take(&mut self.newer);
            self.newer_bytes = 0;
        }
        self.newer_bytes += seen.size;
        self.newer.entry(key).or_default().push(seen);
    }
}

/// Runs the grammar on one line.
fn highlight_fresh(
    line: &str,
    state: &mut LineState,
    set: &SyntaxSet,
    style: ClassStyle,
) -> Option<(String, isize)> {
    // A grammar that fails on odd input falls back to plain text.
    let ops = state.parse.parse_line(line, set).ok()?;
    line_tokens_to_classed_spans(line, &ops, style, &mut state.scopes).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use syntect::html::ClassedHTMLGenerator;

    const STYLE: ClassStyle = ClassStyle::SpacedPrefixed { prefix: "hl-" };

    fn generator_html(code: &str, syntax: &SyntaxReference, set: &SyntaxSet) -> String {
        let mut generator = ClassedHTMLGenerator::new_with_class_style(syntax, set, STYLE);
        for line in LinesWithEndings::from(code) {
            generator
                .parse_html_for_line_which_includes_newline(line)
                .unwrap();
        }
        generator.finalize()
    }

    /// The same bytes as syntect's own generator, on blocks whose lines
    /// repeat in other states (inside and outside a string and a heredoc),
    /// highlighted twice so the second pass comes from the memo.
    #[test]
    fn memo_gives_the_generators_bytes() {
        let set = SyntaxSet::load_defaults_newlines();
        let blocks = [
            (
                "sh",
                "cat <<EOF\nend\ndone\nEOF\nend\ndone\necho \"end\ndone\"\n",
            ),
            ("rb", "def a\n  x = \"\n  end\n  \"\n  end\nend\n# end\n"),
            ("py", "x = '''\nreturn 1\n'''\nreturn 1\n\"\"\"\n\"\"\"\n"),
            ("yaml", "a: |\n  b: c\nb: c\n- b: c\n"),
            ("json", "{\n  \"a\": [1, 2],\n  \"b\": {\"a\": [1, 2]}\n}\n"),
        ];
        for pass in 0..2 {
            for (token, code) in blocks {
                let syntax = set.find_syntax_by_token(token).unwrap();
                let memo = highlight_classed(code, syntax, &set, STYLE).unwrap();
                assert_eq!(
                    memo,
                    generator_html(code, syntax, &set),
                    "{token} pass {pass}"
                );
            }
        }
        let remembered = MEMO.with(|memo| memo.borrow().newer.len());
        assert!(remembered > 10, "{remembered}");
    }

    /// A line recalled from the older generation moves to the newer one
    /// and outlives the next fill; a line not used again goes with it.
    #[test]
    fn lines_in_use_outlive_a_full_generation() {
        let set = SyntaxSet::load_defaults_newlines();
        let syntax = set.find_syntax_by_token("sh").unwrap();
        let start = LineState {
            parse: ParseState::new(syntax),
            scopes: ScopeStack::new(),
        };
        let line = |n: u64| MemoLine {
            before: start.clone(),
            after: start.clone(),
            html: format!("<{n}>"),
            span_delta: 0,
            size: generation_bytes() / 2,
        };
        let mut memo = LineMemo::default();
        memo.remember(1, line(1));
        memo.remember(2, line(2));
        // Full: 1 and 2 become the older generation.
        memo.remember(3, line(3));
        let mut html = String::new();
        assert_eq!(memo.recall(1, &mut start.clone(), &mut html), Some(0));
        // Full again: the older generation (2) goes, 1 was moved out of it.
        memo.remember(4, line(4));
        assert_eq!(memo.recall(2, &mut start.clone(), &mut html), None);
        assert_eq!(memo.recall(1, &mut start.clone(), &mut html), Some(0));
        assert_eq!(memo.recall(3, &mut start.clone(), &mut html), Some(0));
        assert_eq!(html, "<1><1><3>");
        // Another state is another line.
        let mut inside = start.clone();
        inside.parse.parse_line("cat <<EOF\n", &set).unwrap();
        assert_eq!(memo.recall(4, &mut inside, &mut html), None);
    }
}
