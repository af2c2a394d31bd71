//! The page as plain text, for the search index, the word count and
//! excerpts.

use std::ops::Range;

use pulldown_cmark::{Event, Tag, TagEnd};

use super::Rendered;

/// The page's text without markup (code blocks left out) and where each
/// heading starts in it; the word count read from it.
///
/// `source_len` is the length of the Markdown the events came from: the
/// text is rarely longer, so it is made room for once rather than grown by
/// doubling (each step a copy of a long page's text).
pub(super) fn collect_plain_text(
    events: &[(Event, Range<usize>)],
    source_len: usize,
    out: &mut Rendered,
) {
    let mut text = String::with_capacity(source_len);
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
    // The ASCII characters `char::is_whitespace` takes: space, and tab to
    // carriage return. Written without branches, so the count of word
    // starts (a byte that is not a space after one that is) runs on whole
    // vectors of bytes.
    let is_space = |byte: u8| (byte == b' ') | (byte.wrapping_sub(b'\t') < 5);
    let bytes = text.as_bytes();
    let first = bytes
        .first()
        .map_or(0, |&byte| usize::from(!is_space(byte)));
    // Counted in bytes over stretches of at most 255 pairs, so that the
    // compiler adds up 16 or 32 of them at once.
    const STRETCH: usize = 255;
    let befores = bytes.chunks(STRETCH);
    let afters = bytes.get(1..).unwrap_or_default().chunks(STRETCH);
    let starts: usize = befores
        .zip(afters)
        .map(|(befores, afters)| {
            let in_stretch: u8 = befores
                .iter()
                .zip(afters)
                .map(|(&before, &byte)| u8::from(is_space(before) & !is_space(byte)))
                .fold(0, u8::wrapping_add);
            usize::from(in_stretch)
        })
        .sum();
    first + starts
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
            " \x0b\x0c\r\n\t\x08\x0e\x1f!",
        ] {
            assert_eq!(
                super::count_words(text),
                text.split_whitespace().count(),
                "{text:?}"
            );
        }
        // Every pair of ASCII characters, between words and at the ends.
        for a in 0..128u8 {
            for b in 0..128u8 {
                let text = String::from_utf8(vec![a, b, b'x', a, b]).unwrap();
                assert_eq!(
                    super::count_words(&text),
                    text.split_whitespace().count(),
                    "{text:?}"
                );
            }
        }
    }

    /// Texts longer than the stretches the count goes by, with words and
    /// spaces of every length across the stretches' edges.
    #[test]
    fn long_texts_are_counted_across_stretches() {
        let mut text = String::new();
        for n in 0..600 {
            text.push_str(&"w".repeat(n % 7 + 1));
            text.push_str(&" \t\n \x0b\r"[..n % 5 + 1]);
            for cut in [text.len(), text.len().saturating_sub(1)] {
                let part = &text[..cut];
                assert_eq!(
                    super::count_words(part),
                    part.split_whitespace().count(),
                    "{} bytes",
                    part.len()
                );
            }
        }
        assert!(text.len() > 4 * 255, "{}", text.len());
    }
}
