//! ERB (`<%= %>`) and Liquid (`{{ }}`, `{% %}`) tags of pages written for
//! Middleman and Jekyll: values the page's front matter gives are written,
//! the rest dropped with a note.

use std::ops::Range;

use super::syntax::raw_block_end;
use super::{Note, PrepareOptions, State};

/// The text `<%= current_page.data.KEY %>` (and the like) writes; `None`
/// for any other ERB tag, which is left out. Partials were put in before
/// this pass (see `partials.rs`).
pub(super) fn erb_value(tag: &str, options: &PrepareOptions) -> Option<String> {
    let inner = tag.strip_prefix("<%=")?.strip_suffix("%>")?;
    let values = options.templates?;
    match values.erb(inner, 0, &mut Vec::new()) {
        crate::markdown::templates::TagOutput::Value(value) => Some(value),
        _ => None,
    }
}

/// One warning per page for the ERB tags left out.
pub(super) fn note_dropped_erb(at: Range<usize>, notes: &mut Vec<Note>) {
    const MESSAGE: &str = "ERB tags are not executed, except `<%= current_page.data.KEY %>`, `<%= partial \"name\" %>` and `warning_text`, `image_tag` and `link_to` with literal arguments; the others are left out of the page";
    if !notes.iter().any(|n| n.message == MESSAGE) {
        notes.push(Note {
            at,
            message: MESSAGE.to_string(),
            help: "write the content as Markdown, or move it into a partial",
        });
    }
}

/// The next place a needle occurs in a line, remembered until the scan
/// passes it.
pub(in crate::markdown) struct NextMatch {
    needle: &'static str,
    state: NextState,
}

pub(super) enum NextState {
    /// Not searched since the last occurrence was passed.
    Unknown,
    /// The next occurrence, as an absolute offset.
    At(usize),
    /// None left on the line.
    Exhausted,
}

impl NextMatch {
    pub(in crate::markdown) fn new(needle: &'static str, present: bool) -> NextMatch {
        let state = if present {
            NextState::Unknown
        } else {
            NextState::Exhausted
        };
        NextMatch { needle, state }
    }

    /// The next occurrence at or after `pos`, relative to `pos`.
    pub(in crate::markdown) fn find(&mut self, src: &str, pos: usize, end: usize) -> Option<usize> {
        match self.state {
            NextState::Exhausted => return None,
            NextState::At(at) if at >= pos => return Some(at - pos),
            _ => {}
        }
        let found = memchr::memmem::find(&src.as_bytes()[pos..end], self.needle.as_bytes());
        self.state = found.map_or(NextState::Exhausted, |i| NextState::At(pos + i));
        found
    }
}

/// A line inside a skipped `{% for %}` block: nested blocks of the same kind
/// count, and the block ends at its own end tag.
pub(super) fn liquid_block_line(content: &str, end: &'static str, depth: usize) -> State {
    let start = &end[3..];
    let mut depth = depth;
    for tag in content.split("{%").skip(1) {
        let word = tag
            .trim_start_matches('-')
            .split_whitespace()
            .next()
            .unwrap_or("");
        if word == start {
            depth += 1;
        } else if word == end {
            if depth == 0 {
                return State::Normal;
            }
            depth -= 1;
        }
    }
    State::LiquidBlock { end, depth }
}

/// Leaves an expression or tag out of a page whose templates render, with one
/// warning for the page.
pub(super) fn drop_template_syntax(
    at: usize,
    end: usize,
    notes: &mut Vec<Note>,
) -> (usize, Option<String>) {
    const MESSAGE: &str = "template expressions that only the original generator can compute are left out of the page";
    if !notes.iter().any(|n| n.message == MESSAGE) {
        notes.push(Note {
            at: at..at + end,
            message: MESSAGE.to_string(),
            help: "handbook renders `{{ page.KEY }}`, `{{ KEY }}` and `{{ site.KEY }}`; write the rest as Markdown",
        });
    }
    (end, Some(String::new()))
}

/// Handles one Liquid tag, `{{ }}` expression or Hugo shortcode at the start
/// of `text`. Returns how many bytes it covers and what replaces them (`None`:
/// keep as written).
pub(super) fn liquid(
    text: &str,
    options: &PrepareOptions,
    at: usize,
    notes: &mut Vec<Note>,
    state: &mut State,
) -> (usize, Option<String>) {
    let (close, kind) = if text.starts_with("{%") {
        ("%}", Kind::Tag)
    } else if text.starts_with("{{<") {
        (">}}", Kind::Shortcode)
    } else if text.starts_with("{{%") {
        ("%}}", Kind::Shortcode)
    } else {
        ("}}", Kind::Expression)
    };
    if let Some(unescaped) = hugo_escaped(text) {
        return unescaped;
    }
    if options.zola_shortcodes {
        if let Some(unescaped) = zola_escaped(text) {
            return unescaped;
        }
    }
    let Some(end) = text[2..].find(close).map(|i| i + 2 + close.len()) else {
        return (2, None);
    };
    let inner = text[2..end - close.len()]
        .trim_matches(|c: char| c == '-' || c == '<' || c == '%' || c.is_whitespace());
    let found = Found {
        text,
        end,
        inner,
        at,
    };
    if options.zola_shortcodes && !matches!(kind, Kind::Shortcode) {
        if let Some(replaced) = zola_shortcode(&found, matches!(kind, Kind::Tag), notes) {
            return replaced;
        }
    }
    match kind {
        Kind::Tag => liquid_tag(&found, options, notes, state),
        Kind::Shortcode => shortcode(&found, notes),
        Kind::Expression => expression(&found, options, notes),
    }
}

/// What the text at a `{` is.
enum Kind {
    /// `{% ... %}`
    Tag,
    /// Hugo's `{{< ... >}}` and `{{% ... %}}`
    Shortcode,
    /// `{{ ... }}`
    Expression,
}

/// A tag, shortcode or expression found at the start of `text`.
struct Found<'t> {
    /// From the tag's start to the end of the line.
    text: &'t str,
    /// The tag's length.
    end: usize,
    /// What is between the delimiters, trimmed.
    inner: &'t str,
    /// Where the tag starts in the body.
    at: usize,
}

impl Found<'_> {
    /// The first word inside (the tag's name) and the words after it.
    fn words(&self) -> (&str, std::str::SplitWhitespace<'_>) {
        let mut words = self.inner.split_whitespace();
        (words.next().unwrap_or(""), words)
    }

    /// The tag left out, with a note for the author.
    fn left_out(&self, message: String, help: &'static str, notes: &mut Vec<Note>) {
        notes.push(Note {
            at: self.at..self.at + self.end,
            message,
            help,
        });
    }
}

/// A word without the quotes around it.
fn unquote(word: &str) -> String {
    word.trim_matches(|c| c == '"' || c == '\'').to_string()
}

/// `{% ... %}`: the tags with a Markdown meaning translated, `raw` copied as
/// written, blocks skipped where the templates render; others left out.
fn liquid_tag(
    found: &Found,
    options: &PrepareOptions,
    notes: &mut Vec<Note>,
    state: &mut State,
) -> (usize, Option<String>) {
    let (text, end) = (found.text, found.end);
    let (first, mut words) = found.words();
    match first {
        "raw" if options.liquid_values().is_some() => {
            // Nothing up to `{% endraw %}` runs: the text is copied as written.
            match raw_block_end(&text[end..]) {
                Some((tag_start, tag_end)) => {
                    (end + tag_end, Some(text[end..end + tag_start].to_string()))
                }
                None => {
                    *state = State::LiquidRaw;
                    (text.len(), Some(text[end..].to_string()))
                }
            }
        }
        "raw" | "endraw" | "endcomment" => (end, Some(String::new())),
        "comment" => {
            *state = State::LiquidComment;
            (end, Some(String::new()))
        }
        "highlight" => {
            let lang = words.next().unwrap_or("");
            *state = State::Fence {
                marker: b'`',
                len: 3,
            };
            (end, Some(format!("```{lang}")))
        }
        "endhighlight" => (end, Some("```".into())),
        "link" | "post_url" => (end, words.next().map(unquote)),
        tag if options.liquid_values().is_some() => {
            if let Some(end_tag) = crate::markdown::templates::skipped_block(tag) {
                *state = State::LiquidBlock {
                    end: end_tag,
                    depth: 0,
                };
            }
            drop_template_syntax(found.at, end, notes)
        }
        _ => {
            found.left_out(
                format!("Liquid tag `{{% {first} %}}` is not executed; it is left out"),
                "handbook renders Markdown only; replace the tag with its content",
                notes,
            );
            (end, Some(String::new()))
        }
    }
}

/// A Hugo shortcode: the theme's alerts and `ref`/`relref` rendered, others
/// shown as written with a note.
fn shortcode(found: &Found, notes: &mut Vec<Note>) -> (usize, Option<String>) {
    let end = found.end;
    if let Some(html) = crate::markdown::callouts::hugo_shortcode(found.inner) {
        return (end, Some(html));
    }
    let (first, mut words) = found.words();
    match first {
        "ref" | "relref" => (end, words.next().map(unquote)),
        _ => {
            found.left_out(
                format!("Hugo shortcode `{first}` is not rendered; it is shown as written"),
                "replace the shortcode with Markdown or HTML",
                notes,
            );
            (end, None)
        }
    }
}

/// A Zola shortcode call: `{{ youtube(id="x") }}` (`body` false) or
/// `{% note(kind="tip") %}` (`body` true), and `{% end %}`. The common
/// inline ones render as Hugo's of the same name; a body shortcode's tags
/// are left out and its body stays. `None` when the text is no call.
fn zola_shortcode(
    found: &Found,
    body: bool,
    notes: &mut Vec<Note>,
) -> Option<(usize, Option<String>)> {
    let end = found.end;
    if body && found.inner == "end" {
        return Some((end, Some(String::new())));
    }
    let (name, args) = zola_call(found.inner)?;
    if !body {
        let as_hugo = format!("{name} {}", top_level_commas_to_spaces(args));
        if let Some(html) = crate::markdown::callouts::hugo_shortcode(&as_hugo) {
            return Some((end, Some(html)));
        }
    }
    found.left_out(
        format!("Zola shortcode `{name}` is not rendered; it is left out"),
        match body {
            true => "its body is shown as Markdown; write the rest as Markdown or HTML",
            false => "replace the shortcode with Markdown or HTML",
        },
        notes,
    );
    Some((end, Some(String::new())))
}

/// Whether the tag at the start of `text` stays as written inside code
/// (a fenced block or backticks). Only Liquid sites run tags in code
/// (Jekyll runs them before Markdown); elsewhere a code block shows its
/// `{% %}` and `{{ }}`. Shortcodes run there, as Hugo and Zola run them,
/// and so do Zola's escapes.
pub(super) fn stays_in_code(text: &str, options: &PrepareOptions) -> bool {
    let runs_everywhere = text.starts_with("{{<")
        || text.starts_with("{{%")
        || (options.zola_shortcodes && zola_escaped(text).is_some());
    !options.liquid && !runs_everywhere
}

/// An escape for showing a tag as written: its opener, closer, and the
/// opener and closer shown instead.
type Escape = (&'static str, &'static str, &'static str, &'static str);

/// Hugo's: `{{</* ref "x" */>}}` is `{{< ref "x" >}}`, `{{%/* x */%}}` is
/// `{{% x %}}`, nothing run.
const HUGO_ESCAPES: [Escape; 2] = [
    ("{{</*", "*/>}}", "{{<", ">}}"),
    ("{{%/*", "*/%}}", "{{%", "%}}"),
];

/// Zola's: `{{/* x() */}}` is `{{ x() }}`, `{%/* x() */%}` is `{% x() %}`.
const ZOLA_ESCAPES: [Escape; 2] = [("{{/*", "*/}}", "{{", "}}"), ("{%/*", "*/%}", "{%", "%}")];

/// The escaped tag at the start of `text`: its length, what is inside, and
/// the tag as shown.
fn escaped<'t>(text: &'t str, escapes: &[Escape]) -> Option<(usize, &'t str, String)> {
    let (open, close, shown_open, shown_close) =
        escapes.iter().find(|(open, ..)| text.starts_with(open))?;
    let inner_end = text[open.len()..].find(close)? + open.len();
    let inner = &text[open.len()..inner_end];
    let shown = format!("{shown_open}{inner}{shown_close}");
    Some((inner_end + close.len(), inner, shown))
}

/// A Hugo shortcode escaped to be shown as written.
fn hugo_escaped(text: &str) -> Option<(usize, Option<String>)> {
    escaped(text, &HUGO_ESCAPES).map(|(end, _, shown)| (end, Some(shown)))
}

/// A Zola shortcode escaped to be shown as written. Zola unescapes only
/// what would otherwise run: a call with literal arguments (`{{/*` alone,
/// or `x(a=b)` with a variable, stays).
fn zola_escaped(text: &str) -> Option<(usize, Option<String>)> {
    let (end, inner, shown) = escaped(text, &ZOLA_ESCAPES)?;
    if inner.trim() != "end" {
        zola_call(inner.trim())?;
    }
    Some((end, Some(shown)))
}

/// `name(key=literal, ...)` as Zola's shortcode grammar reads a call: the
/// name and the arguments. A literal is a quoted string, a number, `true`
/// or `false`, or a list.
fn zola_call(text: &str) -> Option<(&str, &str)> {
    static CALL: once_cell::sync::Lazy<regex::Regex> = once_cell::sync::Lazy::new(|| {
        let literal = r#"(?:"[^"]*"|'[^']*'|`[^`]*`|true|false|-?[0-9]+(?:\.[0-9]+)?|\[[^\]]*\])"#;
        let arg = format!(r"\s*[A-Za-z_][A-Za-z0-9_]*\s*=\s*{literal}\s*");
        regex::Regex::new(&format!(
            r"^([A-Za-z_][A-Za-z0-9_]*)\(((?:{arg}(?:,{arg})*)?\s*)\)$"
        ))
        .expect("valid regex")
    });
    let captures = CALL.captures(text)?;
    let name = captures.get(1)?.as_str();
    let args = captures.get(2).map_or("", |m| m.as_str());
    Some((name, args))
}

/// `id="a, b", n=1` as `id="a, b" n=1`: Zola separates arguments with
/// commas, Hugo with spaces.
fn top_level_commas_to_spaces(args: &str) -> String {
    let mut quote = None;
    args.chars()
        .map(|c| match (quote, c) {
            (None, '"' | '\'' | '`') => {
                quote = Some(c);
                c
            }
            (Some(q), c) if c == q => {
                quote = None;
                c
            }
            (None, ',') => ' ',
            _ => c,
        })
        .collect()
}

/// `{{ ... }}`: the base URL, or a value where the site's templates render;
/// on other sites it is text.
fn expression(
    found: &Found,
    options: &PrepareOptions,
    notes: &mut Vec<Note>,
) -> (usize, Option<String>) {
    let end = found.end;
    match found.inner {
        "site.baseurl" | "site.base_url" | "base_path" => {
            (end, Some(options.base_path.to_string()))
        }
        expression => match options.liquid_values() {
            Some(values) => match values.lookup(expression) {
                Some(value) => (end, Some(value)),
                None => drop_template_syntax(found.at, end, notes),
            },
            // A site that is not made for Liquid: `{{ }}` is text.
            None => (end, None),
        },
    }
}
