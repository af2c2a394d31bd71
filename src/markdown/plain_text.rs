//! The page as plain text, for the search index, the word count and
//! excerpts.

use std::ops::Range;

use pulldown_cmark::{Event, Tag, TagEnd};

use super::Rendered;

/// The page's text without markup (code blocks left out) and where each
/// heading starts in it; the word count read from it.
pub(super) fn collect_plain_text(events: &[(Event, Range<usize>)], out: &mut Rendered) {
    let mut text = String::new();
    let mut in_code_block = false;
    for (event, _) in events {
        match event {
            Event::Start(Tag::Heading { .. }) => out.heading_offsets.push(text.len()),
            Event::Text(t) | Event::Code(t) if !in_code_block => text.push_str(t),
            Event::Html(h) if h.starts_with("<pre") => in_code_block = false,
            Event::SoftBreak | Event::HardBreak => text.push(' '),
            Event::End(
                TagEnd::Paragraph | TagEnd::Heading(_) | TagEnd::Item | TagEnd::TableCell,
            ) => text.push(' '),
            _ => {}
        }
        let _ = &mut in_code_block;
    }
    out.word_count = text.split_whitespace().count();
    // Kept for the search index until the end of the build: not with the
    // spare room a growing string leaves.
    text.shrink_to_fit();
    out.plain_text = text;
    out.seal_text();
}
