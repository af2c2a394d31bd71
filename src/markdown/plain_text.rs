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
    out.word_count = count_words(&text);
    // Kept for the search index until the end of the build: not with the
    // spare room a growing string leaves.
    text.shrink_to_fit();
    out.plain_text = text;
    out.seal_text();
}

/// How many words `text` has, as `split_whitespace` counts them: byte by
/// byte when the text is ASCII (most pages; decoding characters was 4% of a
/// build of long pages).
fn count_words(text: &str) -> usize {
    if !text.is_ascii() {
        return text.split_whitespace().count();
    }
    let mut count = 0;
    let mut in_word = false;
    for &byte in text.as_bytes() {
        // The ASCII characters `char::is_whitespace` takes.
        let space = matches!(byte, b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r');
        count += usize::from(!space && !in_word);
        in_word = !space;
    }
    count
}

#[cfg(test)]
mod word_count_tests {
    #[test]
    fn words_are_counted_as_split_whitespace_counts_them() {
        for text in [
            "",
            " ",
            "one",
            "  two words  ",
            "tabs\tand\nnew\r\nlines\x0bvertical\x0cfeed",
            "a-b c_d (e) f.g",
            "caf\u{e9} na\u{ef}ve\u{a0}nbsp\u{2003}em space",
            "\u{85}next line\u{3000}ideographic",
        ] {
            assert_eq!(
                super::count_words(text),
                text.split_whitespace().count(),
                "{text:?}"
            );
        }
    }
}
