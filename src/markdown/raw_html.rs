//! Raw HTML as browsers will read it. `<i class="fa fa-x"/>` is not an empty
//! element in HTML: the `/` is ignored and the `<i>` stays open, so the rest
//! of the page turns italic (kramdown parses raw HTML and writes such a tag
//! back as `<i ...></i>`). Self-closed elements that HTML does not allow to
//! be empty are written open and closed, as kramdown does.

use std::ops::Range;

use pulldown_cmark::{CowStr, Event};

impl super::Rendered {
    /// What the page's HTML asks of the theme: icons (and which), colours
    /// of its own.
    pub(super) fn read_html(&mut self) {
        let icons = super::icons::classes_in(&self.html);
        self.features.icons = !icons.is_empty();
        self.features.colours = sets_colours(&self.html);
        self.icons = icons.iter().map(super::icons::IconClass::key).collect();
    }
}

/// Whether a tag in `html` sets a colour (`style="color: #393939"`,
/// `style="background-color: ..."`, `bgcolor=`, `<font color=>`).
pub fn sets_colours(html: &str) -> bool {
    let bytes = html.as_bytes();
    memchr::memmem::find_iter(bytes, b"color").any(|at| {
        // Inside a tag: the last `<` before it comes after the last `>`.
        let before = &bytes[..at];
        let open = memchr::memrchr(b'<', before);
        let close = memchr::memrchr(b'>', before);
        open.is_some_and(|o| close.is_none_or(|c| o > c))
    })
}

/// Elements written as `<x/>` in pages that HTML reads as still open.
const NEVER_SELF_CLOSING: &[&str] = &[
    "a", "abbr", "b", "center", "code", "div", "em", "font", "i", "label", "li", "ol", "p", "s",
    "section", "small", "span", "strong", "sub", "sup", "td", "th", "u", "ul",
];

/// `<i class="icon"/>` in the raw HTML of a page's events written as
/// `<i ...></i>`.
pub(super) fn close_self_closed_events(events: &mut [(Event, Range<usize>)]) {
    for (event, _) in events.iter_mut() {
        if let Event::Html(html) | Event::InlineHtml(html) = event {
            if let Some(fixed) = close_self_closed(html) {
                *html = CowStr::from(fixed);
            }
        }
    }
}

/// `html` with every `<x .../>` of [`NEVER_SELF_CLOSING`] written as
/// `<x ...></x>`; `None` when there is none.
pub fn close_self_closed(html: &str) -> Option<String> {
    if !html.contains("/>") {
        return None;
    }
    let mut out = String::with_capacity(html.len() + 16);
    let mut rest = html;
    let mut changed = false;
    while let Some(open) = rest.find('<') {
        out.push_str(&rest[..open]);
        rest = &rest[open..];
        let Some(end) = tag_end(rest) else {
            break;
        };
        let tag = &rest[..end];
        match self_closed_name(tag) {
            Some(name) => {
                out.push_str(tag[..tag.len() - 2].trim_end());
                out.push_str("></");
                out.push_str(name);
                out.push('>');
                changed = true;
            }
            None => out.push_str(tag),
        }
        rest = &rest[end..];
    }
    out.push_str(rest);
    changed.then_some(out)
}

/// The end of the tag at the start of `text` (after its `>`), minding quoted
/// attribute values.
fn tag_end(text: &str) -> Option<usize> {
    let mut quote = None;
    for (i, c) in text.char_indices().skip(1) {
        match (quote, c) {
            (None, '"' | '\'') => quote = Some(c),
            (Some(q), c) if c == q => quote = None,
            (None, '>') => return Some(i + 1),
            (None, '<') => return None,
            _ => {}
        }
    }
    None
}

/// The element name of a self-closed tag that HTML reads as open.
fn self_closed_name(tag: &str) -> Option<&'static str> {
    if !tag.ends_with("/>") {
        return None;
    }
    let name: String = tag[1..]
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric())
        .collect::<String>()
        .to_ascii_lowercase();
    NEVER_SELF_CLOSING.iter().copied().find(|n| *n == name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn self_closed_inline_elements_are_closed() {
        assert_eq!(
            close_self_closing_or_same(r#"a <i class="fas fa-filter" style="font-size: 5em;"/> b"#),
            r#"a <i class="fas fa-filter" style="font-size: 5em;"></i> b"#
        );
        assert_eq!(close_self_closing_or_same("<p/>"), "<p></p>");
        assert_eq!(
            close_self_closing_or_same("<SPAN a='x/>'/>"),
            "<SPAN a='x/>'></span>"
        );
        // Void and foreign elements are left alone.
        for same in [
            "<br/>",
            "<img src=x />",
            "<svg><path d='M0'/></svg>",
            "a/>b",
            "<i>x</i>",
        ] {
            assert_eq!(close_self_closing_or_same(same), same);
        }
    }

    fn close_self_closing_or_same(html: &str) -> String {
        close_self_closed(html).unwrap_or_else(|| html.to_string())
    }
}
