//! TeX math written the ways handbooks write it, made into the Markdown
//! parser's math before it reads the page: `$$ … $$` (kramdown, GitLab,
//! MkDocs), `\( … \)` and `\[ … \]` (MathJax and arithmatex style, which
//! Markdown's escapes would otherwise turn into plain brackets), and
//! `$ … $` where the site asks for it (`markdown.math_single_dollar`).
//!
//! `\[` and `\(` are also how authors escape brackets in prose (`\[Template\]`,
//! `\(optional\)`), so `\[ … \]` is math only as a block (each on a line of
//! its own), and `\( … \)` only when what it holds reads as TeX (a command
//! such as `\frac`, or `^`, `_`, `=`, `{`).
//!
//! Without that setting a single `$` is a dollar sign: handbooks are full
//! of prices (`$5 to $10`), so inline math the parser finds between single
//! dollars is written back as text, unless it came from `\( … \)`: this
//! pass says where those start. Code (fenced blocks, indented blocks,
//! backtick spans) is left alone.
//! The parser then gives math events, written as `<span class="math …">`
//! with the TeX as text; the theme typesets them with KaTeX on the pages
//! that have any.

use super::kramdown::{Builder, OffsetMap};
use super::lines::{lines_of, Fences};
use super::needle;

/// Which `$` forms start math.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SingleDollar {
    /// `$x$` is math (arithmatex, KaTeX auto-render sites).
    Math,
    /// `$` is a dollar sign; math is `$$`, `\(` or `\[`.
    Text,
}

/// A body with its bracket math made into dollar math.
pub struct Delimited {
    pub text: String,
    pub map: OffsetMap,
    /// Where in `text` each `\(` became a `$`, in order: inline math that
    /// starts anywhere else began with a literal `$`.
    pub inline_starts: Vec<usize>,
}

/// The body with `\( \)` and `\[ \]` as `$ $` and `$$ $$`; `None` when it
/// has neither.
pub fn delimit(body: &str) -> Option<Delimited> {
    let bytes = body.as_bytes();
    let has_brackets = needle::contains(bytes, b"\\(") || needle::contains(bytes, b"\\[\n");
    if !has_brackets {
        return None;
    }
    let mut builder = Builder::new(body);
    let mut inline_starts = Vec::new();
    let mut changed = false;
    let mut fences = Fences::default();
    let mut previous_blank = true;
    let mut display_open: Option<usize> = None;
    for line in lines_of(body) {
        if fences.is_code(&line) {
            builder.copy(line.range);
            previous_blank = false;
            continue;
        }
        let (trimmed, indent, line) = (line.trimmed, line.indent, line.range);
        let indented_code = indent >= 4 && previous_blank && display_open.is_none();
        previous_blank = trimmed.is_empty();
        if indented_code {
            builder.copy(line);
            continue;
        }
        // `\[` and `\]` alone on their lines: a display block between them.
        if trimmed == "\\[" && display_open.is_none() {
            display_open = Some(line.start);
            builder.copy(line.start..line.start + indent);
            builder.insert("$$", line.start + indent);
            builder.copy(line.start + indent + 2..line.end);
            changed = true;
            continue;
        }
        if trimmed == "\\]" && display_open.is_some() {
            display_open = None;
            builder.copy(line.start..line.start + indent);
            builder.insert("$$", line.start + indent);
            builder.copy(line.start + indent + 2..line.end);
            continue;
        }
        if display_open.is_some() {
            builder.copy(line);
            continue;
        }
        changed |= delimit_line(body, line, &mut builder, &mut inline_starts);
    }
    if !changed {
        return None;
    }
    let (text, map) = builder.finish();
    Some(Delimited {
        text,
        map,
        inline_starts,
    })
}

/// One line outside code blocks: code spans stay, the rest is rewritten.
fn delimit_line(
    body: &str,
    line: std::ops::Range<usize>,
    builder: &mut Builder,
    inline_starts: &mut Vec<usize>,
) -> bool {
    let bytes = body.as_bytes();
    let mut changed = false;
    let mut copied = line.start;
    let mut i = line.start;
    while i < line.end {
        match bytes[i] {
            b'`' => {
                // A code span runs to the next backtick run of the same length.
                let run = bytes[i..line.end]
                    .iter()
                    .take_while(|&&b| b == b'`')
                    .count();
                let closing = find_backtick_run(&bytes[i + run..line.end], run);
                i = closing.map_or(i + run, |at| i + run + at + run);
            }
            b'\\' if bytes.get(i + 1) == Some(&b'(') => {
                let Some(end) = memchr::memmem::find(&bytes[i + 2..line.end], b"\\)") else {
                    i += 2;
                    continue;
                };
                let inner_end = i + 2 + end;
                if !reads_as_tex(&body[i + 2..inner_end]) {
                    i = inner_end + 2;
                    continue;
                }
                builder.copy(copied..i);
                inline_starts.push(builder.written());
                builder.insert("$", i);
                builder.copy(i + 2..inner_end);
                builder.insert("$", inner_end);
                copied = inner_end + 2;
                i = copied;
                changed = true;
            }
            b'\\' => i += 2,
            _ => i += 1,
        }
    }
    builder.copy(copied..line.end);
    changed
}

/// Inline math that began with a literal `$` (not made from `\\(`, as
/// `from_brackets` tells by its start) written back as the text it was.
/// [`dollars_as_text`] for a page `prepared` by the kramdown pass, whose
/// math from `\\(` starts at `math_starts` (offsets before that pass).
pub fn single_dollars_as_text(
    events: &mut [(pulldown_cmark::Event, std::ops::Range<usize>)],
    prepared: &super::kramdown::Prepared,
    math_starts: &[usize],
) {
    dollars_as_text(events, |start| {
        let at = if prepared.changed {
            prepared.map.to_original(start)
        } else {
            start
        };
        math_starts.binary_search(&at).is_ok()
    });
}

pub fn dollars_as_text(
    events: &mut [(pulldown_cmark::Event, std::ops::Range<usize>)],
    from_brackets: impl Fn(usize) -> bool,
) {
    for (event, range) in events.iter_mut() {
        if let pulldown_cmark::Event::InlineMath(tex) = event {
            if !from_brackets(range.start) {
                *event = pulldown_cmark::Event::Text(format!("${tex}$").into());
            }
        }
    }
}

/// Whether bracketed text is TeX rather than a parenthesis in prose.
fn reads_as_tex(inner: &str) -> bool {
    let bytes = inner.as_bytes();
    bytes
        .windows(2)
        .any(|w| w[0] == b'\\' && w[1].is_ascii_alphabetic())
        || bytes.iter().any(|b| matches!(b, b'^' | b'_' | b'=' | b'{'))
}

fn find_backtick_run(bytes: &[u8], run: usize) -> Option<usize> {
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'`' {
            let n = bytes[i..].iter().take_while(|&&b| b == b'`').count();
            if n == run {
                return Some(i);
            }
            i += n;
        } else {
            i += 1;
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn delimited(body: &str) -> String {
        delimit(body).map_or_else(|| body.to_string(), |d| d.text)
    }

    #[test]
    fn brackets_become_dollars_and_prices_stay_prices() {
        let body = "Rate \\(\\frac{a}{b} \\times 100\\) costs $5 to $10.\n";
        let d = delimit(body).expect("changed");
        assert_eq!(d.text, "Rate $\\frac{a}{b} \\times 100$ costs $5 to $10.\n");
        assert_eq!(d.inline_starts, vec![5]);
        let prose = "Copy [\\[Template\\] FY](/t) \\(optional\\) and $$y$$\n";
        assert_eq!(delimited(prose), prose);
    }

    #[test]
    fn code_stays_as_written() {
        let body = "`\\(x\\) $a`\n\n```sh\necho \"\\(.key)\" $HOME\n```\n\n    $PATH \\(y\\)\n";
        assert_eq!(delimited(body), body);
    }

    #[test]
    fn a_display_block_on_its_own_lines() {
        let body = "\\[\na = b\n\\]\n";
        let d = delimit(body).expect("changed");
        assert_eq!(d.text, "$$\na = b\n$$\n");
        let a = d.text.find('a').expect("a");
        assert_eq!(d.map.to_original(a), body.find('a').expect("a"));
    }
}
