//! Bare `https://` URLs in text become links, as on GitHub; not inside
//! links, code, or the text of a raw `<a>`.

use std::ops::Range;

use pulldown_cmark::{CowStr, Event, LinkType, Tag, TagEnd};

use super::{needle, Link, LinkKind};

/// Bare `https://` URLs in text become links, as on GitHub.
pub(super) fn autolink(
    events: &mut Vec<(Event, Range<usize>)>,
    text: &str,
    to_file: &dyn Fn(usize) -> usize,
    links: &mut Vec<Link>,
) {
    let mut link_depth = 0usize;
    let mut code_depth = 0usize;
    let mut i = 0;
    while i < events.len() {
        match &events[i].0 {
            Event::Start(Tag::Link { .. } | Tag::Image { .. }) => link_depth += 1,
            Event::End(TagEnd::Link | TagEnd::Image) => link_depth = link_depth.saturating_sub(1),
            Event::Start(Tag::CodeBlock(_)) => code_depth += 1,
            Event::End(TagEnd::CodeBlock) => code_depth = code_depth.saturating_sub(1),
            // The text of a raw `<a href>` is already a link.
            Event::InlineHtml(html) => match html_anchor_tag(html) {
                Some(true) => link_depth += 1,
                Some(false) => link_depth = link_depth.saturating_sub(1),
                None => {}
            },
            Event::End(TagEnd::Paragraph) => link_depth = 0,
            Event::Text(t)
                if link_depth == 0 && code_depth == 0 && needle::contains(t.as_bytes(), b"://") =>
            {
                let t = t.to_string();
                let range = events[i].1.clone();
                if let Some((start, end)) = find_url(&t) {
                    let url = t[start..end].to_string();
                    let exact = text.get(range.clone()) == Some(t.as_str());
                    let at = if exact {
                        range.start + start
                    } else {
                        range.start
                    };
                    links.push(Link::new(
                        url.clone(),
                        None,
                        to_file(at)..to_file(at) + url.len(),
                        LinkKind::Link,
                    ));
                    let link = Tag::Link {
                        link_type: LinkType::Autolink,
                        dest_url: CowStr::from(url.clone()),
                        title: CowStr::from(""),
                        id: CowStr::from(""),
                    };
                    let after_start = if exact {
                        range.start + end
                    } else {
                        range.start
                    };
                    let replacement = vec![
                        (
                            Event::Text(CowStr::from(t[..start].to_string())),
                            range.start..at,
                        ),
                        (Event::Start(link), at..at + url.len()),
                        (Event::Text(CowStr::from(url)), at..at + end - start),
                        (Event::End(TagEnd::Link), at..at + end - start),
                        (
                            Event::Text(CowStr::from(t[end..].to_string())),
                            after_start..range.end,
                        ),
                    ];
                    events.splice(i..i + 1, replacement);
                    i += 4; // continue with the remaining text
                    continue;
                }
            }
            _ => {}
        }
        i += 1;
    }
}

/// `Some(true)` for an `<a ...>` start tag, `Some(false)` for `</a>`.
fn html_anchor_tag(html: &str) -> Option<bool> {
    let bytes = html.as_bytes();
    let (closing, name_at) = match bytes.get(1) {
        Some(b'/') => (true, 2),
        _ => (false, 1),
    };
    let is_a = bytes.first() == Some(&b'<')
        && bytes
            .get(name_at)
            .is_some_and(|b| b.eq_ignore_ascii_case(&b'a'))
        && bytes
            .get(name_at + 1)
            .is_some_and(|b| b.is_ascii_whitespace() || *b == b'>');
    is_a.then_some(!closing)
}

/// The first bare `http(s)://` URL in `text`, as byte offsets: not part of
/// a longer word, trailing punctuation and unbalanced `)` left out.
fn find_url(text: &str) -> Option<(usize, usize)> {
    let mut search = 0;
    while let Some(p) = text[search..].find("://").map(|p| p + search) {
        search = p + 3;
        let start = if text[..p].ends_with("https") {
            p - 5
        } else if text[..p].ends_with("http") {
            p - 4
        } else {
            continue;
        };
        if start > 0
            && text[..start]
                .chars()
                .next_back()
                .is_some_and(|c| c.is_alphanumeric())
        {
            continue;
        }
        let rest = &text[start..];
        let mut end = rest
            .find(|c: char| c.is_whitespace() || c == '<' || c == '>' || c == '"' || c == '`')
            .unwrap_or(rest.len());
        while end > 0 {
            let last = rest[..end].chars().next_back().unwrap_or(' ');
            let unbalanced_paren =
                last == ')' && rest[..end].matches('(').count() < rest[..end].matches(')').count();
            if matches!(
                last,
                '.' | ',' | ':' | ';' | '!' | '?' | '\'' | '*' | '_' | '\u{201d}' | '\u{2019}'
            ) || unbalanced_paren
            {
                end -= last.len_utf8();
            } else {
                break;
            }
        }
        if end > p - start + 3 {
            return Some((start, start + end));
        }
    }
    None
}
