//! Copying one source line into the prepared text: the kramdown spans it
//! holds rewritten (and recorded), and a `<summary>` element's text.

use std::ops::Range;

use super::block_html::summary_end;
use super::erb_liquid::{erb_value, liquid, note_dropped_erb, NextMatch};
use super::{kramdown_close, Builder, Note, PrepareOptions, State};

/// The text of a `<summary>` opened alone on line `first - 1`, up to its end
/// tag: each line unindented (an indented one would be code), the end tag
/// after a blank line. Returns the index of the line after the end tag;
/// `None` (nothing copied) when it is not within a few lines.
pub(super) fn copy_summary_text(
    b: &mut Builder,
    body: &str,
    all: &[Range<usize>],
    first: usize,
    options: &PrepareOptions,
    state: &mut State,
    notes: &mut Vec<Note>,
) -> Option<usize> {
    let last = (first..all.len().min(first + 12))
        .find(|&j| summary_end(&body[all[j].clone()]).is_some())?;
    for r in &all[first..=last] {
        let line = &body[r.clone()];
        let start = r.start + line.len() - line.trim_start().len();
        match summary_end(line) {
            Some(end) => {
                let end = r.start + end;
                copy_line(b, start.min(end)..end, options, state, notes);
                b.insert("\n\n", end);
                b.copy(end..r.end);
                // Text right after the end tag is a paragraph, not more of
                // the HTML block the end tag starts.
                let next_is_text = all
                    .get(last + 1)
                    .is_some_and(|n| !body[n.clone()].trim().is_empty());
                if next_is_text && body[r.clone()].ends_with('\n') {
                    b.insert("\n", r.end);
                }
            }
            None => copy_line(b, start..r.end, options, state, notes),
        }
    }
    Some(last + 1)
}

/// Copies one line, removing ERB tags and translating Liquid and shortcodes.
pub(super) fn copy_line(
    b: &mut Builder,
    range: Range<usize>,
    options: &PrepareOptions,
    state: &mut State,
    notes: &mut Vec<Note>,
) {
    let line = &b.src[range.clone()];
    let bytes = line.as_bytes();
    if memchr::memchr(b'{', bytes).is_none()
        && !(options.erb && memchr::memchr(b'<', bytes).is_some())
    {
        b.copy(range);
        return;
    }
    let has_erb = options.erb && line.contains("<%");
    let has_liquid = line.contains("{%") || line.contains("{{");
    let has_comment = line.contains("{::comment}") || line.contains("{::nomarkdown}");
    if !has_erb && !has_liquid && !has_comment {
        b.copy(range);
        return;
    }
    let mut pos = range.start;
    let end = range.end;
    // Where each kind of tag next starts, found once and reused until passed:
    // searching the rest of the line again for every tag is quadratic on a
    // line of 100,000 tags.
    let mut erb = NextMatch::new("<%", has_erb);
    let mut liquid_tag = NextMatch::new("{%", has_liquid);
    let mut liquid_expression = NextMatch::new("{{", has_liquid);
    let mut comment = NextMatch::new("{::comment}", has_comment);
    let mut no_markdown = NextMatch::new("{::nomarkdown}", has_comment);
    while pos < end {
        let src = b.src;
        let next_erb = erb.find(src, pos, end);
        let next_liquid = match (
            liquid_tag.find(src, pos, end),
            liquid_expression.find(src, pos, end),
        ) {
            (Some(a), Some(c)) => Some(a.min(c)),
            (a, c) => a.or(c),
        };
        let next_raw = no_markdown.find(src, pos, end);
        let next_comment = match (comment.find(src, pos, end), next_raw) {
            (Some(c), Some(r)) => Some(c.min(r)),
            (c, r) => c.or(r),
        };
        let (at, is_erb) = match (next_erb, next_liquid) {
            (Some(e), Some(l)) if e <= l => (e, true),
            (Some(e), None) => (e, true),
            (_, Some(l)) => (l, false),
            (None, None) if next_comment.is_none() => break,
            (None, None) => (usize::MAX, false),
        };
        if let Some(r) = next_raw.filter(|&r| r < at && Some(r) == next_comment) {
            // Span-level `{::nomarkdown}<b>x</b>{:/}` (in a table cell, say):
            // its content goes to the page as it is, the markers do not.
            b.copy(pos..pos + r);
            let open_end = pos + r + "{::nomarkdown}".len();
            match kramdown_close(&b.src[open_end..end], "nomarkdown") {
                Some(close) => {
                    let closing_len = if b.src[open_end..open_end + close].ends_with("{:/}") {
                        4
                    } else {
                        "{:/nomarkdown}".len()
                    };
                    b.copy(open_end..open_end + close - closing_len);
                    pos = open_end + close;
                }
                None => {
                    b.copy(open_end..end);
                    pos = end;
                }
            }
            continue;
        }
        if let Some(c) = next_comment.filter(|&c| c < at) {
            // A span-level kramdown comment: removed up to its end on this line.
            b.copy(pos..pos + c);
            let open_end = pos + c + "{::comment}".len();
            pos = match kramdown_close(&b.src[open_end..end], "comment") {
                Some(close) => open_end + close,
                None => end,
            };
            continue;
        }
        b.copy(pos..pos + at);
        let tag_start = pos + at;
        if is_erb && b.src[tag_start..end].starts_with("<%%") {
            // ERB's escape: `<%%= x %>` writes `<%= x %>` (how tech-docs
            // pages show ERB in their code examples).
            b.insert("<%", tag_start);
            pos = tag_start + 3;
            continue;
        }
        if is_erb {
            match b.src[tag_start..end].find("%>") {
                Some(close) => {
                    let tag_end = tag_start + close + 2;
                    if options.erb_show {
                        let escaped = b.src[tag_start..tag_end].replace('<', "&lt;");
                        b.insert(&escaped, tag_start);
                    } else if let Some(value) = erb_value(&b.src[tag_start..tag_end], options) {
                        b.insert(&value, tag_start);
                    } else {
                        note_dropped_erb(tag_start..tag_end, notes);
                    }
                    pos = tag_end;
                }
                None => {
                    // Multi-line ERB tag: skip to its end on a later line.
                    note_dropped_erb(tag_start..end, notes);
                    *state = State::Erb;
                    pos = end;
                    b.insert("\n", tag_start);
                }
            }
            continue;
        }
        let (consumed, replacement) =
            liquid(&b.src[tag_start..end], options, tag_start, notes, state);
        match replacement {
            Some(text) => b.insert(&text, tag_start),
            None => b.copy(tag_start..tag_start + consumed),
        }
        pos = tag_start + consumed;
    }
    if pos < end {
        b.copy(pos..end);
    }
}
