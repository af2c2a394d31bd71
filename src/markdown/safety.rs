//! What a page may put into the HTML of the site beyond Markdown: links whose
//! URL runs a script (`javascript:`, `vbscript:`, `data:`) are dropped unless
//! the site allows them, and raw HTML is escaped when the site does not trust
//! its contributors (`markdown.raw_html = false`).

use pulldown_cmark::{CowStr, Event};
use std::ops::Range;

/// Whether raw HTML in a page reaches the site as HTML.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RawHtml {
    PassThrough,
    Escape,
}

/// Whether Markdown links to script URLs are kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScriptLinks {
    Drop,
    Keep,
}

/// The scheme of `url` when a browser would run it or load it as a document
/// instead of following a link: browsers ignore leading spaces and control
/// characters, and tabs and line breaks anywhere, and read schemes in any case.
pub fn script_scheme(url: &str) -> Option<&'static str> {
    let mut scheme = String::with_capacity(12);
    for c in url.chars() {
        if c == '\t' || c == '\n' || c == '\r' || (scheme.is_empty() && (c <= ' ')) {
            continue;
        }
        if c == ':' {
            break;
        }
        if scheme.len() >= 10 || !c.is_ascii_alphabetic() {
            return None;
        }
        scheme.push(c.to_ascii_lowercase());
    }
    ["javascript", "vbscript", "data"]
        .into_iter()
        .find(|s| *s == scheme)
}

/// Whether an image source is safe as it is: a `data:image/...` picture in an
/// `<img>` runs no script.
pub fn is_inline_image(url: &str) -> bool {
    url.trim_start()
        .get(..11)
        .is_some_and(|p| p.eq_ignore_ascii_case("data:image/"))
}

/// Raw HTML events become text, which the HTML writer escapes. Markers that
/// the renderer itself put in the source (`<!--hb:`) stay.
pub fn escape_raw_html(events: &mut [(Event, Range<usize>)]) {
    for (event, _) in events.iter_mut() {
        match event {
            Event::Html(html) | Event::InlineHtml(html) if !html.starts_with("<!--hb:") => {
                *event = Event::Text(CowStr::from(html.to_string()));
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn script_schemes_in_every_spelling() {
        for url in [
            "javascript:alert(1)",
            "JavaScript:alert(1)",
            " \u{1}java\tscript:alert(1)",
            "jav\nascript:x",
            "vbscript:msgbox",
            "data:text/html,<script>",
        ] {
            assert!(script_scheme(url).is_some(), "{url:?}");
        }
        for url in [
            "/a/",
            "https://x/",
            "mailto:a@b",
            "#javascript:",
            "x.md",
            "javascripts/a.js",
        ] {
            assert!(script_scheme(url).is_none(), "{url:?}");
        }
        assert!(is_inline_image("data:image/png;base64,AA"));
        assert!(!is_inline_image("data:text/html,x"));
    }
}
