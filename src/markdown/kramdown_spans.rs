//! Spans kramdown and Python-Markdown render that CommonMark leaves as
//! text, so a page shows what its own generator showed:
//! - a link or image whose URL holds a space or a line break,
//!   `[NFR policy](NFR policy)`, `[OFAC](https://home.treasury.gov/a/⏎b)`;
//! - strong emphasis CommonMark's flanking rules refuse,
//!   `**Description:**The company` (kramdown only asks that the text
//!   inside starts and ends with something other than a space).
//!
//! Only text the parser left as text is read: a run of text events (and
//! soft breaks) that are the page's own characters, so every new event
//! keeps its place in the source (and a broken link is reported where it
//! is written).

use std::ops::Range;

use pulldown_cmark::{CowStr, Event, LinkType, Tag, TagEnd};

use super::needle;
use crate::config::HeadingIdFlavor;

/// Whether pages of this generator read spans this way.
pub fn applies_to(flavor: HeadingIdFlavor) -> bool {
    matches!(
        flavor,
        HeadingIdFlavor::KramdownGfm | HeadingIdFlavor::Kramdown | HeadingIdFlavor::PythonMarkdown
    )
}

/// Renders the spans in every run of text of `events`.
pub fn render<'a>(events: &mut Vec<(Event<'a>, Range<usize>)>, text: &'a str) {
    let bytes = text.as_bytes();
    if !needle::contains(bytes, b"](") && !needle::contains(bytes, b"**") {
        return;
    }
    // Most pages have no such span: asked first, so their events are not
    // moved into a new vector for nothing.
    if !any_run_has_spans(events, text) {
        return;
    }
    let mut out: Vec<(Event<'a>, Range<usize>)> = Vec::with_capacity(events.len());
    let mut run: Vec<(Event<'a>, Range<usize>)> = Vec::new();
    // Code, links and images keep their text as it is.
    let mut inside_literal = 0usize;
    for (event, range) in events.drain(..) {
        let in_run = inside_literal == 0
            && match &event {
                Event::Text(t) => text.get(range.clone()) == Some(t.as_ref()),
                Event::SoftBreak => true,
                _ => false,
            };
        if in_run {
            run.push((event, range));
            continue;
        }
        flush(&mut run, text, &mut out);
        match &event {
            Event::Start(Tag::CodeBlock(_) | Tag::Link { .. } | Tag::Image { .. }) => {
                inside_literal += 1
            }
            Event::End(TagEnd::CodeBlock | TagEnd::Link | TagEnd::Image) => {
                inside_literal = inside_literal.saturating_sub(1)
            }
            _ => {}
        }
        out.push((event, range));
    }
    flush(&mut run, text, &mut out);
    *events = out;
}

/// Whether [`render`] would change any run of `events`: the same runs it
/// reads, without moving an event.
fn any_run_has_spans(events: &[(Event<'_>, Range<usize>)], text: &str) -> bool {
    let mut inside_literal = 0usize;
    let mut run_start: Option<usize> = None;
    for (i, (event, range)) in events.iter().enumerate() {
        let in_run = inside_literal == 0
            && match event {
                Event::Text(t) => text.get(range.clone()) == Some(t.as_ref()),
                Event::SoftBreak => true,
                _ => false,
            };
        if in_run {
            run_start.get_or_insert(i);
            continue;
        }
        if let Some(start) = run_start.take() {
            if run_has_spans(&events[start..i], text) {
                return true;
            }
        }
        match event {
            Event::Start(Tag::CodeBlock(_) | Tag::Link { .. } | Tag::Image { .. }) => {
                inside_literal += 1
            }
            Event::End(TagEnd::CodeBlock | TagEnd::Link | TagEnd::Image) => {
                inside_literal = inside_literal.saturating_sub(1)
            }
            _ => {}
        }
    }
    run_start.is_some_and(|start| run_has_spans(&events[start..], text))
}

/// Whether a run of source text holds a span [`spans`] writes.
fn run_has_spans(run: &[(Event<'_>, Range<usize>)], text: &str) -> bool {
    let (Some((_, first)), Some((_, last))) = (run.first(), run.last()) else {
        return false;
    };
    let (start, end) = (first.start, last.end.max(first.start));
    is_contiguous(run, text)
        && may_hold_spans(&text.as_bytes()[start..end])
        && !find_spans(&text[start..end]).is_empty()
}

/// The run is contiguous source (text events are their own source, soft
/// breaks the line ending between them).
fn is_contiguous(run: &[(Event<'_>, Range<usize>)], text: &str) -> bool {
    run.windows(2).all(|w| w[0].1.end <= w[1].1.start)
        && run
            .windows(2)
            .all(|w| text[w[0].1.end..w[1].1.start].trim().is_empty())
}

/// One run of source text: its events rendered again, or as they were.
fn flush<'a>(
    run: &mut Vec<(Event<'a>, Range<usize>)>,
    text: &'a str,
    out: &mut Vec<(Event<'a>, Range<usize>)>,
) {
    let Some(start) = run.first().map(|(_, r)| r.start) else {
        return;
    };
    let end = run.last().map_or(start, |(_, r)| r.end);
    let wanted = is_contiguous(run, text) && may_hold_spans(&text.as_bytes()[start..end]);
    if !wanted {
        out.append(run);
        return;
    }
    let before = out.len();
    spans(text, start..end, out);
    if out.len() == before {
        out.append(run);
    }
    run.clear();
}

/// Whether `source` holds `](` or `**`: asked of every run of text on a
/// page, so one pass for both.
fn may_hold_spans(source: &[u8]) -> bool {
    memchr::memchr2_iter(b']', b'*', source).any(|at| {
        matches!(
            (source[at], source.get(at + 1)),
            (b']', Some(b'(')) | (b'*', Some(b'*'))
        )
    })
}

/// Writes the events of `range` of `text` with its links and strong spans;
/// nothing when it holds none.
fn spans<'a>(text: &'a str, range: Range<usize>, out: &mut Vec<(Event<'a>, Range<usize>)>) {
    let found = find_spans(&text[range.clone()]);
    if found.is_empty() {
        return;
    }
    let base = range.start;
    let mut at = range.start;
    for span in found {
        let whole = base + span.whole.start..base + span.whole.end;
        plain(text, at..whole.start, out);
        match span.kind {
            SpanKind::Strong => {
                out.push((Event::Start(Tag::Strong), whole.clone()));
                plain(text, base + span.inner.start..base + span.inner.end, out);
                out.push((Event::End(TagEnd::Strong), whole.clone()));
            }
            SpanKind::Link { image } => {
                let url = &text[base + span.url.start..base + span.url.end];
                // Browsers drop the line breaks in a URL; kramdown keeps them.
                let dest: String = url.split(['\n', '\r']).map(str::trim).collect();
                let tag = |dest: String| {
                    let dest_url = CowStr::from(dest);
                    let title = CowStr::Borrowed("");
                    let id = CowStr::Borrowed("");
                    let link_type = LinkType::Inline;
                    if image {
                        Tag::Image {
                            link_type,
                            dest_url,
                            title,
                            id,
                        }
                    } else {
                        Tag::Link {
                            link_type,
                            dest_url,
                            title,
                            id,
                        }
                    }
                };
                out.push((Event::Start(tag(dest)), whole.clone()));
                let inner = base + span.inner.start..base + span.inner.end;
                if image {
                    plain(text, inner, out);
                } else {
                    spans_or_plain(text, inner, out);
                }
                let end = if image { TagEnd::Image } else { TagEnd::Link };
                out.push((Event::End(end), whole.clone()));
            }
        }
        at = whole.end;
    }
    plain(text, at..range.end, out);
}

fn spans_or_plain<'a>(
    text: &'a str,
    range: Range<usize>,
    out: &mut Vec<(Event<'a>, Range<usize>)>,
) {
    let before = out.len();
    spans(text, range.clone(), out);
    if out.len() == before {
        plain(text, range, out);
    }
}

/// Text with its line breaks as soft breaks.
fn plain<'a>(text: &'a str, range: Range<usize>, out: &mut Vec<(Event<'a>, Range<usize>)>) {
    let mut at = range.start;
    for line_end in text[range.clone()]
        .match_indices('\n')
        .map(|(i, _)| range.start + i)
    {
        let line = text[at..line_end].trim_end_matches('\r');
        if !line.is_empty() {
            out.push((Event::Text(CowStr::Borrowed(line)), at..at + line.len()));
        }
        out.push((Event::SoftBreak, line_end..line_end + 1));
        // The next line's indentation is not text.
        let next = &text[line_end + 1..range.end];
        at = line_end + 1 + next.len() - next.trim_start_matches([' ', '\t']).len();
    }
    if at < range.end {
        out.push((
            Event::Text(CowStr::Borrowed(&text[at..range.end])),
            at..range.end,
        ));
    }
}

#[derive(Debug, PartialEq)]
enum SpanKind {
    Strong,
    Link { image: bool },
}

#[derive(Debug, PartialEq)]
struct Span {
    kind: SpanKind,
    /// The whole span, delimiters included.
    whole: Range<usize>,
    /// Its text (the link text, the emphasised words).
    inner: Range<usize>,
    /// A link's URL.
    url: Range<usize>,
}

/// The spans of `s`, in order, not overlapping.
fn find_spans(s: &str) -> Vec<Span> {
    let bytes = s.as_bytes();
    let mut found = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let span = match bytes[i] {
            b'[' => link_at(s, i, false),
            b'!' if bytes.get(i + 1) == Some(&b'[') => link_at(s, i + 1, true),
            b'*' => strong_at(s, i),
            _ => None,
        };
        match span {
            Some(span) => {
                i = span.whole.end;
                found.push(span);
            }
            None => i += 1,
        }
    }
    found
}

/// `[text](url)` with `[` at `open`: text without brackets, the URL up to
/// its matching `)` (kramdown's rule), not empty.
fn link_at(s: &str, open: usize, image: bool) -> Option<Span> {
    let close = open + 1 + s[open + 1..].find([']', '['])?;
    if s.as_bytes()[close] != b']' || close == open + 1 {
        return None;
    }
    let url_start = close + 2;
    if s.get(close + 1..url_start) != Some("(") {
        return None;
    }
    let mut depth = 1usize;
    let mut url_end = None;
    for (i, c) in s[url_start..].char_indices() {
        match c {
            '(' => depth += 1,
            ')' => {
                depth -= 1;
                if depth == 0 {
                    url_end = Some(url_start + i);
                    break;
                }
            }
            _ => {}
        }
    }
    let url_end = url_end?;
    let url = s[url_start..url_end].trim();
    // A URL with no space or line break is one CommonMark took or refused
    // for a reason kramdown shares (`<`, an unbalanced parenthesis).
    if url.is_empty() || !url.contains([' ', '\n']) || url.contains(['<', '>', '"']) {
        return None;
    }
    let lead = s[url_start..url_end].len() - s[url_start..url_end].trim_start().len();
    Some(Span {
        kind: SpanKind::Link { image },
        whole: open - usize::from(image)..url_end + 1,
        inner: open + 1..close,
        url: url_start + lead..url_start + lead + url.len(),
    })
}

/// `**text**` at `at`: exactly two stars each side, the text starting and
/// ending with something other than white space, no star inside.
fn strong_at(s: &str, at: usize) -> Option<Span> {
    let bytes = s.as_bytes();
    if !s[at..].starts_with("**") || bytes.get(at + 2) == Some(&b'*') {
        return None;
    }
    if at > 0 && bytes[at - 1] == b'*' {
        return None;
    }
    let first = s[at + 2..].chars().next()?;
    if first.is_whitespace() {
        return None;
    }
    let inner_start = at + 2;
    let close = inner_start + s[inner_start..].find('*')?;
    if !s[close..].starts_with("**") || bytes.get(close + 2) == Some(&b'*') {
        return None;
    }
    let last = s[inner_start..close].chars().next_back()?;
    if last.is_whitespace() {
        return None;
    }
    Some(Span {
        kind: SpanKind::Strong,
        whole: at..close + 2,
        inner: inner_start..close,
        url: 0..0,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(s: &str) -> Vec<(String, String)> {
        find_spans(s)
            .into_iter()
            .map(|span| {
                let what = match span.kind {
                    SpanKind::Strong => "strong".to_string(),
                    SpanKind::Link { image } => {
                        format!("link {}", &s[span.url.clone()]) + if image { " image" } else { "" }
                    }
                };
                (what, s[span.inner].to_string())
            })
            .collect()
    }

    #[test]
    fn links_with_spaces_and_strong_without_flanking() {
        assert_eq!(
            kinds("Link the [NFR Policy](NFR policy) and **Description:**The"),
            [
                ("link NFR policy".to_string(), "NFR Policy".to_string()),
                ("strong".to_string(), "Description:".to_string())
            ]
        );
        assert_eq!(
            kinds("[OFAC](https://a.gov/x/\nb-c) ![A b](a b.png)"),
            [
                ("link https://a.gov/x/\nb-c".to_string(), "OFAC".to_string()),
                ("link a b.png image".to_string(), "A b".to_string())
            ]
        );
    }

    #[test]
    fn what_kramdown_leaves_as_text_stays() {
        assert!(kinds("**Note **then").is_empty());
        assert!(kinds("Enterprise**, **$20K").is_empty());
        assert!(kinds("[Elevate]](/x/) and page](/y/) and [a](/no-space)").is_empty());
        assert!(kinds("***x*** and [a]()").is_empty());
    }
}
