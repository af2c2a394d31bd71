//! Links and anchors in raw HTML: `href` and `src` attributes, `id` on any
//! element and `name` on `<a>`.
//!
//! A small tag-aware scanner rather than an attribute search, so that text that
//! only looks like an attribute is left alone: HTML comments (commented-out
//! links are not links), the bodies of `<script>` and `<style>` (JavaScript
//! building `src='" + s + "'` is not a link), and `href=` in plain text.
//! The scanner can be fed a block in pieces (pulldown-cmark gives inline HTML
//! one tag at a time); a comment or script left open continues in the next piece.

use memchr::memmem;

/// What an attribute found in HTML is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HtmlRefKind {
    Href,
    Src,
    /// `id=` on any element, `name=` on `<a>`: a fragment can land on it.
    Anchor,
}

/// One attribute value, with the byte offset of the value (inside its quotes)
/// in the scanned text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HtmlRef {
    pub kind: HtmlRefKind,
    /// The value with character references decoded.
    pub value: String,
    /// Offset of the raw value in the scanned text.
    pub offset: usize,
    /// Length of the raw value as written.
    pub len: usize,
}

/// Where the scanner is between two pieces of one HTML fragment.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum HtmlScanner {
    #[default]
    Text,
    /// Inside `<!-- ... -->`.
    Comment,
    /// Inside `<script>` or `<style>`, waiting for this closing tag (`</script`).
    RawText(&'static str),
}

impl HtmlScanner {
    /// Scans one piece of HTML, appending what it finds to `out`.
    pub fn scan(&mut self, html: &str, out: &mut Vec<HtmlRef>) {
        let mut i = 0;
        while i < html.len() {
            match std::mem::take(self) {
                HtmlScanner::Comment => match memmem::find(&html.as_bytes()[i..], b"-->") {
                    Some(end) => i += end + 3,
                    None => {
                        *self = HtmlScanner::Comment;
                        return;
                    }
                },
                HtmlScanner::RawText(close) => match find_ignore_case(&html[i..], close) {
                    Some(end) => i += end,
                    None => {
                        *self = HtmlScanner::RawText(close);
                        return;
                    }
                },
                HtmlScanner::Text => {
                    let Some(lt) = memchr::memchr(b'<', &html.as_bytes()[i..]) else {
                        return;
                    };
                    i += lt;
                    let rest = &html[i..];
                    if rest.starts_with("<!--") {
                        *self = HtmlScanner::Comment;
                        i += 4;
                    } else if rest.starts_with("<!")
                        || rest.starts_with("<?")
                        || rest.starts_with("</")
                    {
                        i += rest.find('>').map_or(rest.len(), |e| e + 1);
                    } else {
                        i += self.scan_tag(html, i, out);
                    }
                }
            }
        }
    }

    /// Scans the start tag at `at` (a `<`); returns how many bytes it spans.
    fn scan_tag(&mut self, html: &str, at: usize, out: &mut Vec<HtmlRef>) -> usize {
        let bytes = html.as_bytes();
        let name_start = at + 1;
        let name_len = bytes[name_start..]
            .iter()
            .take_while(|b| b.is_ascii_alphanumeric() || **b == b'-')
            .count();
        if name_len == 0 || !bytes[name_start].is_ascii_alphabetic() {
            return 1;
        }
        let tag = &html[name_start..name_start + name_len];
        let mut i = name_start + name_len;
        loop {
            while i < bytes.len() && (bytes[i].is_ascii_whitespace() || bytes[i] == b'/') {
                i += 1;
            }
            if i >= bytes.len() {
                return i - at;
            }
            if bytes[i] == b'>' {
                i += 1;
                break;
            }
            let attr_start = i;
            while i < bytes.len()
                && !bytes[i].is_ascii_whitespace()
                && !matches!(bytes[i], b'=' | b'>' | b'/' | b'"' | b'\'')
            {
                i += 1;
            }
            if i == attr_start {
                // A stray quote: skip it.
                i += 1;
                continue;
            }
            let attr = &html[attr_start..i];
            let mut j = i;
            while j < bytes.len() && bytes[j].is_ascii_whitespace() {
                j += 1;
            }
            if j >= bytes.len() || bytes[j] != b'=' {
                continue;
            }
            j += 1;
            while j < bytes.len() && bytes[j].is_ascii_whitespace() {
                j += 1;
            }
            let (value_start, value_end, next) = match bytes.get(j) {
                Some(&q @ (b'"' | b'\'')) => match memchr::memchr(q, &bytes[j + 1..]) {
                    Some(len) => (j + 1, j + 1 + len, j + 2 + len),
                    // An unterminated value: nothing after it is reliable.
                    None => return bytes.len() - at,
                },
                Some(_) => {
                    let len = bytes[j..]
                        .iter()
                        .take_while(|b| !b.is_ascii_whitespace() && **b != b'>')
                        .count();
                    (j, j + len, j + len)
                }
                None => return bytes.len() - at,
            };
            i = next;
            if let Some(kind) = attribute_kind(tag, attr) {
                let raw = &html[value_start..value_end];
                out.push(HtmlRef {
                    kind,
                    value: decode_character_references(raw),
                    offset: value_start,
                    len: raw.len(),
                });
            }
        }
        if tag.eq_ignore_ascii_case("script") {
            *self = HtmlScanner::RawText("</script");
        } else if tag.eq_ignore_ascii_case("style") {
            *self = HtmlScanner::RawText("</style");
        }
        i - at
    }
}

fn attribute_kind(tag: &str, attr: &str) -> Option<HtmlRefKind> {
    if attr.eq_ignore_ascii_case("href") {
        Some(HtmlRefKind::Href)
    } else if attr.eq_ignore_ascii_case("src") {
        Some(HtmlRefKind::Src)
    } else if attr.eq_ignore_ascii_case("id")
        || (attr.eq_ignore_ascii_case("name") && tag.eq_ignore_ascii_case("a"))
    {
        Some(HtmlRefKind::Anchor)
    } else {
        None
    }
}

fn find_ignore_case(haystack: &str, needle: &str) -> Option<usize> {
    haystack
        .as_bytes()
        .windows(needle.len())
        .position(|w| w.eq_ignore_ascii_case(needle.as_bytes()))
}

/// Decodes `&amp;`, `&quot;`, `&#39;`, `&#x2F;` ... in an attribute value.
pub fn decode_character_references(value: &str) -> String {
    if !value.contains('&') {
        return value.to_string();
    }
    let mut out = String::with_capacity(value.len());
    let mut rest = value;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        rest = &rest[amp..];
        let decoded = rest[1..]
            .find(';')
            .filter(|&end| end <= 10)
            .and_then(|end| {
                let name = &rest[1..1 + end];
                decode_reference(name).map(|c| (c, end + 2))
            });
        match decoded {
            Some((c, len)) => {
                out.push(c);
                rest = &rest[len..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

fn decode_reference(name: &str) -> Option<char> {
    if let Some(number) = name.strip_prefix('#') {
        let code = match number.strip_prefix(['x', 'X']) {
            Some(hex) => u32::from_str_radix(hex, 16).ok()?,
            None => number.parse().ok()?,
        };
        return char::from_u32(code);
    }
    Some(match name {
        "amp" => '&',
        "quot" => '"',
        "apos" => '\'',
        "lt" => '<',
        "gt" => '>',
        "nbsp" => '\u{a0}',
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scan(html: &str) -> Vec<(HtmlRefKind, String, usize)> {
        let mut out = Vec::new();
        HtmlScanner::default().scan(html, &mut out);
        out.into_iter()
            .map(|r| (r.kind, r.value, r.offset))
            .collect()
    }

    #[test]
    fn attributes_with_every_kind_of_quoting() {
        let html = r#"<a href="/a/" id=x><img src='/b.png' alt="a > b"><a HREF=/c/>"#;
        let at = |s: &str| html.find(s).unwrap_or(usize::MAX);
        assert_eq!(
            scan(html),
            [
                (HtmlRefKind::Href, "/a/".into(), at("/a/")),
                (HtmlRefKind::Anchor, "x".into(), at("x>")),
                (HtmlRefKind::Src, "/b.png".into(), at("/b.png")),
                (HtmlRefKind::Href, "/c/".into(), at("/c/")),
            ]
        );
    }

    #[test]
    fn comments_scripts_and_text_are_not_links() {
        let html = "<!-- <a href=\"/gone/\"> --><script>x = \"<img src='\" + s + \"'>\";</script>\
                    href=/text/ <style>a[href=\"/x\"]{}</style><a href=\"/real/\">";
        let found = scan(html);
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].1, "/real/");
    }

    #[test]
    fn name_is_an_anchor_only_on_a() {
        let found = scan("<a name=\"top-1\"></a><input name=\"q\"><meta name=\"x\">");
        assert_eq!(found, [(HtmlRefKind::Anchor, "top-1".into(), 9)]);
    }

    #[test]
    fn a_comment_continues_into_the_next_piece() {
        let mut scanner = HtmlScanner::default();
        let mut out = Vec::new();
        scanner.scan("<!-- start", &mut out);
        scanner.scan("<a href=\"/hidden/\">", &mut out);
        scanner.scan("-->", &mut out);
        scanner.scan("<a href=\"/shown/\">", &mut out);
        assert_eq!(out.len(), 1);
        assert_eq!(out[0].value, "/shown/");
    }

    #[test]
    fn character_references() {
        assert_eq!(
            decode_character_references("a&amp;b&#x2F;c&#47;&bogus;"),
            "a&b/c/&bogus;"
        );
        assert_eq!(scan("<a href=\"?a=1&amp;b=2\">")[0].1, "?a=1&b=2");
    }

    #[test]
    fn broken_markup_does_not_panic() {
        for html in [
            "<",
            "<a",
            "<a href",
            "<a href=",
            "<a href=\"x",
            "<1>",
            "<a =x>",
            "<!--",
            "<script>",
        ] {
            let _ = scan(html);
        }
    }
}
