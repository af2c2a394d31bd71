//! Copying one source line into the prepared text: the tags it holds
//! (ERB, Liquid and Hugo shortcodes, span-level `{::comment}` and
//! `{::nomarkdown}`) rewritten, and what could not be run noted. Lines
//! without any copy straight over.

use std::ops::Range;

use super::erb_liquid::{erb_value, liquid, note_dropped_erb, stays_in_code, NextMatch};
use super::syntax::kramdown_close;
use super::{Builder, Note, PrepareOptions, State};

/// Copies one line, removing ERB tags and translating Liquid and shortcodes.
pub(super) fn copy_line(
    b: &mut Builder,
    range: Range<usize>,
    options: &PrepareOptions,
    state: &mut State,
    notes: &mut Vec<Note>,
) {
    let src = b.src();
    let line = &src[range.clone()];
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
    // Tags in backticks, like those in fenced blocks, are examples to show
    // on most sites ([`stays_in_code`]).
    let code_spans = match has_liquid && !options.liquid {
        true => inline_code_spans(line),
        false => Vec::new(),
    };
    let in_code_span = |at: usize| {
        code_spans
            .iter()
            .any(|span| span.contains(&(at - range.start)))
    };
    let mut finder = TagFinder::new(has_erb, has_liquid, has_comment);
    while pos < end {
        let next = finder.next(src, pos, end);
        let (at, is_erb) = match next.tag {
            Some(tag) => tag,
            None if next.comment.is_none() => break,
            None => (usize::MAX, false),
        };
        if let Some(r) = next.raw.filter(|&r| r < at && Some(r) == next.comment) {
            b.copy(pos..pos + r);
            pos = span_no_markdown(b, pos + r, end);
            continue;
        }
        if let Some(c) = next.comment.filter(|&c| c < at) {
            b.copy(pos..pos + c);
            pos = span_comment_end(src, pos + c, end);
            continue;
        }
        b.copy(pos..pos + at);
        let tag_start = pos + at;
        let in_code = matches!(state, State::Fence { .. }) || in_code_span(tag_start);
        if !is_erb && in_code && stays_in_code(&src[tag_start..end], options) {
            b.copy(tag_start..tag_start + 2);
            pos = tag_start + 2;
            continue;
        }
        pos = if is_erb {
            erb_tag(b, tag_start..end, options, state, notes)
        } else {
            let (consumed, replacement) =
                liquid(&src[tag_start..end], options, tag_start, notes, state);
            match replacement {
                Some(text) => b.insert(&text, tag_start),
                None => b.copy(tag_start..tag_start + consumed),
            }
            tag_start + consumed
        };
    }
    if pos < end {
        b.copy(pos..end);
    }
}

/// Where the tags of each kind next start on a line, relative to where the
/// scan is.
struct NextTags {
    /// The next ERB or Liquid tag, and whether it is ERB (the earlier one;
    /// ERB when both start at once).
    tag: Option<(usize, bool)>,
    /// The next `{::comment}` or `{::nomarkdown}`.
    comment: Option<usize>,
    /// The next `{::nomarkdown}`.
    raw: Option<usize>,
}

/// Where each kind of tag next starts, found once and reused until passed:
/// searching the rest of the line again for every tag is quadratic on a
/// line of 100,000 tags.
struct TagFinder {
    erb: NextMatch,
    liquid_tag: NextMatch,
    liquid_expression: NextMatch,
    comment: NextMatch,
    no_markdown: NextMatch,
}

impl TagFinder {
    /// A finder for a line that has (or cannot have) each kind of tag.
    fn new(has_erb: bool, has_liquid: bool, has_comment: bool) -> TagFinder {
        TagFinder {
            erb: NextMatch::new("<%", has_erb),
            liquid_tag: NextMatch::new("{%", has_liquid),
            liquid_expression: NextMatch::new("{{", has_liquid),
            comment: NextMatch::new("{::comment}", has_comment),
            no_markdown: NextMatch::new("{::nomarkdown}", has_comment),
        }
    }

    /// The tags next after `pos`, on the line that ends at `end`.
    fn next(&mut self, src: &str, pos: usize, end: usize) -> NextTags {
        let next_erb = self.erb.find(src, pos, end);
        let next_liquid = earlier(
            self.liquid_tag.find(src, pos, end),
            self.liquid_expression.find(src, pos, end),
        );
        let raw = self.no_markdown.find(src, pos, end);
        let comment = earlier(self.comment.find(src, pos, end), raw);
        let tag = match (next_erb, next_liquid) {
            (Some(e), Some(l)) if e <= l => Some((e, true)),
            (Some(e), None) => Some((e, true)),
            (_, Some(l)) => Some((l, false)),
            (None, None) => None,
        };
        NextTags { tag, comment, raw }
    }
}

/// The byte ranges of a line's code spans, backticks included: a run of
/// backticks up to the next run of the same length (CommonMark's rule,
/// within one line).
fn inline_code_spans(line: &str) -> Vec<Range<usize>> {
    let bytes = line.as_bytes();
    let run_at = |at: usize| bytes[at..].iter().take_while(|&&b| b == b'`').count();
    let mut spans = Vec::new();
    let mut at = 0;
    while let Some(offset) = memchr::memchr(b'`', &bytes[at..]) {
        let open = at + offset;
        let len = run_at(open);
        let mut search = open + len;
        let mut closed = None;
        while let Some(offset) = memchr::memchr(b'`', &bytes[search..]) {
            let candidate = search + offset;
            let candidate_len = run_at(candidate);
            if candidate_len == len {
                closed = Some(candidate + len);
                break;
            }
            search = candidate + candidate_len;
        }
        match closed {
            Some(close) => {
                spans.push(open..close);
                at = close;
            }
            None => at = open + len,
        }
    }
    spans
}

/// The earlier of two places, either of which may be missing.
fn earlier(a: Option<usize>, b: Option<usize>) -> Option<usize> {
    match (a, b) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}

/// Span-level `{::nomarkdown}<b>x</b>{:/}` (in a table cell, say) opening
/// at `open_at`: its content goes to the page as it is, the markers do not.
/// Returns where the scan goes on.
fn span_no_markdown(b: &mut Builder, open_at: usize, end: usize) -> usize {
    let src = b.src();
    let open_end = open_at + "{::nomarkdown}".len();
    let Some(close) = kramdown_close(&src[open_end..end], "nomarkdown") else {
        b.copy(open_end..end);
        return end;
    };
    let closing_len = if src[open_end..open_end + close].ends_with("{:/}") {
        "{:/}".len()
    } else {
        "{:/nomarkdown}".len()
    };
    b.copy(open_end..open_end + close - closing_len);
    open_end + close
}

/// A span-level kramdown comment opening at `open_at`: left out up to its
/// end on this line. Returns where the scan goes on.
fn span_comment_end(src: &str, open_at: usize, end: usize) -> usize {
    let open_end = open_at + "{::comment}".len();
    match kramdown_close(&src[open_end..end], "comment") {
        Some(close) => open_end + close,
        None => end,
    }
}

/// The ERB tag that starts `rest` (the rest of the line): shown, replaced by
/// its value, or left out with a note; one that runs on past the line puts
/// the pass in the ERB state. Returns where the scan goes on.
fn erb_tag(
    b: &mut Builder,
    rest: Range<usize>,
    options: &PrepareOptions,
    state: &mut State,
    notes: &mut Vec<Note>,
) -> usize {
    let src = b.src();
    let (tag_start, end) = (rest.start, rest.end);
    if src[rest.clone()].starts_with("<%%") {
        // ERB's escape: `<%%= x %>` writes `<%= x %>` (how tech-docs pages
        // show ERB in their code examples).
        b.insert("<%", tag_start);
        return tag_start + 3;
    }
    let Some(close) = src[rest].find("%>") else {
        // Multi-line ERB tag: skip to its end on a later line.
        note_dropped_erb(tag_start..end, notes);
        *state = State::Erb;
        b.insert("\n", tag_start);
        return end;
    };
    let tag_end = tag_start + close + 2;
    let tag = &src[tag_start..tag_end];
    if options.erb_show {
        b.insert(&tag.replace('<', "&lt;"), tag_start);
    } else if let Some(value) = erb_value(tag, options) {
        b.insert(&value, tag_start);
    } else {
        note_dropped_erb(tag_start..tag_end, notes);
    }
    tag_end
}

#[cfg(test)]
mod tests {
    use super::inline_code_spans;

    #[test]
    fn code_spans_pair_runs_of_the_same_length() {
        assert_eq!(inline_code_spans("a `b` c ``d`e`` f"), vec![2..5, 8..15]);
        assert_eq!(
            inline_code_spans("an ` alone"),
            Vec::<std::ops::Range<usize>>::new()
        );
        assert_eq!(
            inline_code_spans("``` x `"),
            Vec::<std::ops::Range<usize>>::new()
        );
        assert_eq!(inline_code_spans("`{% x %}` and {% y %}"), vec![0..9]);
    }
}
