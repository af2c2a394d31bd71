//! A bound on what one page may cost the build. The Markdown parser keeps a
//! node for every inline marker of a page until the page is done, so a page
//! made of markers (`*a_ ` repeated over 20 MB: ten million of them) would
//! take gigabytes. No handbook page comes near: the largest pages of a
//! 1,177-page handbook hold about 3,500. A page over [`MAX_INLINE_MARKERS`]
//! is shown as its source text, preformatted, with a warning, so the build's
//! memory stays a small multiple of the page.

use super::{RenderNote, Rendered};

/// Inline markers (emphasis, code, links, HTML, escapes, entities) one page
/// may hold: sixty times the most a real handbook page has.
pub const MAX_INLINE_MARKERS: usize = 200_000;

fn is_marker(byte: u8) -> bool {
    matches!(
        byte,
        b'*' | b'_' | b'`' | b'[' | b']' | b'<' | b'>' | b'!' | b'\\' | b'&' | b'~' | b'|' | b'$'
    )
}

/// The page as preformatted text when it holds more markers than a page
/// may; `None` for every ordinary page.
pub fn oversized(body: &str, body_offset: usize) -> Option<Rendered> {
    // Cheap first: a page shorter than the limit cannot exceed it.
    if body.len() <= MAX_INLINE_MARKERS {
        return None;
    }
    let markers = body.bytes().filter(|&b| is_marker(b)).count();
    if markers <= MAX_INLINE_MARKERS {
        return None;
    }
    let mut html = String::with_capacity(body.len() + body.len() / 8 + 64);
    html.push_str("<pre class=\"oversized-page\">");
    crate::escape::html_into(body, &mut html);
    html.push_str("</pre>\n");
    let first_line = body.find('\n').unwrap_or(body.len()).max(1);
    Some(Rendered {
        html,
        word_count: body.split_ascii_whitespace().count(),
        notes: vec![RenderNote {
            span: body_offset..body_offset + first_line.min(body.len()),
            message: format!(
                "this page holds {markers} inline Markdown markers (`*`, `_`, `[`, `<` ...), more than the {MAX_INLINE_MARKERS} a page may; it is shown as plain text"
            ),
            help: "split the page, or put long generated text in a code block or a file of its own".into(),
        }],
        ..Rendered::default()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_page_of_markers_is_held_back() {
        let ordinary = "A sentence with *some* emphasis and a [link](/x/).\n".repeat(10_000);
        assert!(oversized(&ordinary, 0).is_none());
        let markers = "*a_ ".repeat(MAX_INLINE_MARKERS);
        let rendered = oversized(&markers, 10).expect("held back");
        assert!(rendered
            .html
            .starts_with("<pre class=\"oversized-page\">*a_ *a_"));
        assert_eq!(rendered.notes.len(), 1);
        assert_eq!(rendered.notes[0].span.start, 10);
    }
}
