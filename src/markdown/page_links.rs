//! The links of a page as written: Markdown links and images, links in raw
//! HTML, autolinks and bare URLs, each with the span of its target in the
//! source file; links to source files rewritten to site URLs on the way.

use std::collections::{HashMap, HashSet};
use std::ops::Range;

use pulldown_cmark::{CowStr, Event, LinkType, Tag, TagEnd};

use super::attr_lists::is_block_end;
use super::html_links::{self, HtmlRefKind, HtmlScanner};
use super::{
    needle, rendered, safety, Link, LinkKind, RenderNote, RenderOptions, Rendered, ScriptLinks,
};
use crate::escape::html_into as escape_into;

/// Records every link with its source position, and rewrites links to source
/// files (`x.md`) into page URLs.
pub(super) fn collect_links(
    events: &mut [(Event, Range<usize>)],
    text: &str,
    definitions: &HashMap<String, (String, Range<usize>)>,
    to_file: &dyn Fn(usize) -> usize,
    options: &RenderOptions,
    out: &mut Rendered,
) {
    // Links in document (event) order: raw HTML ones are found first, then
    // merged in where their event is.
    let html_links = collect_html_links(events, text, to_file, options.rewrite_link, out);
    let mut markdown_links: Vec<(usize, Link)> = Vec::new();
    let mut used_definitions: HashSet<String> = HashSet::new();
    let mut in_code_block = false;
    let mut dropped: Vec<usize> = Vec::new();
    for (event_index, (event, range)) in events.iter_mut().enumerate() {
        match event {
            Event::Start(Tag::CodeBlock(_)) => in_code_block = true,
            Event::End(TagEnd::CodeBlock) => in_code_block = false,
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                id,
                ..
            })
            | Event::Start(Tag::Image {
                link_type,
                dest_url,
                id,
                ..
            }) => {
                if !id.is_empty() {
                    used_definitions.insert(label_key(id));
                }
                let is_image = text[range.clone()].starts_with('!');
                let span =
                    link_target_span(text, range.clone(), *link_type, id, dest_url, definitions);
                let target = rendered::link_target(*link_type, dest_url);
                let file_span = to_file(span.start)..to_file(span.start) + span.len().max(1);
                if let Some(scheme) = dropped_script_link(&target, is_image, options) {
                    dropped.push(event_index);
                    out.notes.push(RenderNote {
                        span: file_span,
                        message: format!("a link to a `{scheme}:` URL is dropped (its text stays)"),
                        help: "link to a page or an http(s) address; a site that trusts its authors can set `markdown.unsafe_links = true`".into(),
                    });
                    continue;
                }
                let href = match (options.rewrite_link)(&target) {
                    Some(rewritten) => {
                        *dest_url = CowStr::from(rewritten.clone());
                        rewritten
                    }
                    None => target.clone(),
                };
                markdown_links.push((
                    event_index,
                    Link {
                        target,
                        href,
                        span: file_span,
                        kind: if is_image {
                            LinkKind::Image
                        } else {
                            LinkKind::Link
                        },
                    },
                ));
            }
            Event::Html(html) | Event::InlineHtml(html)
                if !in_code_block && (html.contains(".md") || html.contains("=\"/")) =>
            {
                if let Some(rewritten) = rewrite_html_links(html, options.rewrite_link) {
                    *html = CowStr::from(rewritten);
                }
            }
            _ => {}
        }
    }
    unwrap_links(events, &dropped);
    let mut ordered: Vec<(usize, Link)> = markdown_links.into_iter().chain(html_links).collect();
    ordered.sort_by_key(|(event_index, _)| *event_index);
    out.links.extend(ordered.into_iter().map(|(_, link)| link));
    check_unused_definitions(
        definitions,
        &used_definitions,
        text,
        to_file,
        options.rewrite_link,
        &mut out.links,
    );
}

/// The scheme of a link that must not reach the page: a script URL, unless
/// the site keeps them, or an inline `data:image/` picture.
pub(super) fn dropped_script_link(
    target: &str,
    is_image: bool,
    options: &RenderOptions,
) -> Option<&'static str> {
    if options.script_links == ScriptLinks::Keep || (is_image && safety::is_inline_image(target)) {
        return None;
    }
    safety::script_scheme(target)
}

/// Removes the links (or images) that start at `starts`, keeping what is
/// inside them: links do not nest, so each one ends at the next link end.
pub(super) fn unwrap_links(events: &mut [(Event, Range<usize>)], starts: &[usize]) {
    for &start in starts {
        let is_image = matches!(events[start].0, Event::Start(Tag::Image { .. }));
        events[start].0 = Event::Text(CowStr::Borrowed(""));
        let end = events[start..].iter().position(|(e, _)| {
            matches!(e, Event::End(TagEnd::Link)) && !is_image
                || matches!(e, Event::End(TagEnd::Image)) && is_image
        });
        if let Some(offset) = end {
            events[start + offset].0 = Event::Text(CowStr::Borrowed(""));
        }
    }
}

/// A reference definition no link uses is not on the page, but it is still a
/// link someone will use: it is checked like the others.
pub(super) fn check_unused_definitions(
    definitions: &HashMap<String, (String, Range<usize>)>,
    used: &HashSet<String>,
    text: &str,
    to_file: &dyn Fn(usize) -> usize,
    rewrite: &(dyn Fn(&str) -> Option<String> + Sync),
    links: &mut Vec<Link>,
) {
    let mut unused: Vec<(&String, &Range<usize>)> = definitions
        .iter()
        .filter(|(label, _)| !used.contains(*label))
        .map(|(_, (dest, span))| (dest, span))
        .collect();
    unused.sort_by_key(|(_, span)| span.start);
    for (dest, span) in unused {
        let start = to_file(definition_target_start(text, span));
        links.push(Link {
            target: dest.clone(),
            href: rewrite(dest).unwrap_or_else(|| dest.clone()),
            span: start..start + dest.len().max(1),
            kind: LinkKind::Link,
        });
    }
}

/// Turns what the HTML scanner found into links and anchors of the page.
pub(super) struct HtmlRefs<'a> {
    /// Offset in the scanned text -> offset in the file.
    pub(super) to_file: &'a dyn Fn(usize) -> usize,
    pub(super) rewrite: &'a (dyn Fn(&str) -> Option<String> + Sync),
}

impl HtmlRefs<'_> {
    pub(super) fn record(
        &self,
        found: Vec<html_links::HtmlRef>,
        links: &mut Vec<Link>,
        anchors: &mut Vec<String>,
    ) {
        for r in found {
            let kind = match r.kind {
                HtmlRefKind::Href => LinkKind::HtmlHref,
                HtmlRefKind::Src => LinkKind::HtmlSrc,
                HtmlRefKind::Anchor => {
                    if !r.value.is_empty() {
                        anchors.push(r.value);
                    }
                    continue;
                }
            };
            let start = (self.to_file)(r.offset);
            links.push(Link {
                href: (self.rewrite)(&r.value).unwrap_or_else(|| r.value.clone()),
                target: r.value,
                span: start..start + r.len.max(1),
                kind,
            });
        }
    }
}

/// Links and anchors in raw HTML, block by block: the lines of one HTML block
/// are scanned together, so a comment or a tag spanning lines is understood,
/// and every position is mapped back to the file on its own.
pub(super) fn collect_html_links(
    events: &[(Event, Range<usize>)],
    text: &str,
    to_file: &dyn Fn(usize) -> usize,
    rewrite: &(dyn Fn(&str) -> Option<String> + Sync),
    out: &mut Rendered,
) -> Vec<(usize, Link)> {
    let mut found_links: Vec<(usize, Link)> = Vec::new();
    let mut inline_scanner = HtmlScanner::default();
    let mut in_code_block = false;
    let mut i = 0;
    while i < events.len() {
        match &events[i].0 {
            Event::Start(Tag::CodeBlock(_)) => in_code_block = true,
            Event::End(TagEnd::CodeBlock) => in_code_block = false,
            Event::Start(Tag::HtmlBlock) if !in_code_block => {
                let end = events[i..]
                    .iter()
                    .position(|(e, _)| matches!(e, Event::End(TagEnd::HtmlBlock)))
                    .map_or(events.len(), |p| i + p);
                let mut links = Vec::new();
                scan_html_block(
                    &events[i + 1..end],
                    text,
                    to_file,
                    rewrite,
                    &mut links,
                    &mut out.anchors,
                );
                found_links.extend(links.into_iter().map(|l| (i, l)));
                i = end;
            }
            Event::InlineHtml(html) if !in_code_block => {
                let range = &events[i].1;
                let mut found = Vec::new();
                inline_scanner.scan(html, &mut found);
                let exact = text.get(range.clone()) == Some(html.as_ref());
                let start = range.start;
                let refs = HtmlRefs {
                    to_file: &|p| to_file(if exact { start + p } else { start }),
                    rewrite,
                };
                let mut links = Vec::new();
                refs.record(found, &mut links, &mut out.anchors);
                found_links.extend(links.into_iter().map(|l| (i, l)));
            }
            Event::End(tag) if is_block_end(tag) => inline_scanner = HtmlScanner::default(),
            _ => {}
        }
        i += 1;
    }
    found_links
}

pub(super) fn scan_html_block(
    block: &[(Event, Range<usize>)],
    text: &str,
    to_file: &dyn Fn(usize) -> usize,
    rewrite: &(dyn Fn(&str) -> Option<String> + Sync),
    links: &mut Vec<Link>,
    anchors: &mut Vec<String>,
) {
    let lines: Vec<(&str, &Range<usize>)> = block
        .iter()
        .filter_map(|(e, r)| match e {
            Event::Html(h) if !r.is_empty() => Some((h.as_ref(), r)),
            _ => None,
        })
        .collect();
    let (Some(first), Some(last)) = (lines.first(), lines.last()) else {
        return;
    };
    let whole = first.1.start..last.1.end;
    let mut found = Vec::new();
    if lines
        .iter()
        .all(|(h, r)| text.get((*r).clone()) == Some(*h))
    {
        // The source of the block (container markers between lines are only text).
        HtmlScanner::default().scan(&text[whole.clone()], &mut found);
        let refs = HtmlRefs {
            to_file: &|p| to_file(whole.start + p),
            rewrite,
        };
        refs.record(found, links, anchors);
    } else {
        // The event text differs from its source (an attribute list was
        // removed): scan the text, positions as near as we can.
        let mut scanner = HtmlScanner::default();
        for (html, range) in lines {
            let mut found = Vec::new();
            scanner.scan(html, &mut found);
            let exact = text.get(range.clone()) == Some(html);
            let start = range.start;
            let refs = HtmlRefs {
                to_file: &|p| to_file(if exact { start + p } else { start }),
                rewrite,
            };
            refs.record(found, links, anchors);
        }
    }
}

/// Reference labels match case-insensitively, with runs of whitespace as one space.
pub(super) fn label_key(label: &str) -> String {
    label
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

/// Where the destination of a reference definition (`[a]: <dest> "title"`) starts.
pub(super) fn definition_target_start(text: &str, definition: &Range<usize>) -> usize {
    let source = &text[definition.clone()];
    match source.find("]:") {
        Some(i) => {
            let after = &source[i + 2..];
            let trimmed = after.trim_start();
            let skip = after.len() - trimmed.len() + usize::from(trimmed.starts_with('<'));
            definition.start + i + 2 + skip
        }
        None => definition.start,
    }
}

/// Where the target of a Markdown link is written in the prepared text.
pub(super) fn link_target_span(
    text: &str,
    range: Range<usize>,
    link_type: LinkType,
    id: &str,
    dest: &str,
    definitions: &HashMap<String, (String, Range<usize>)>,
) -> Range<usize> {
    match link_type {
        LinkType::Inline => {
            let source = &text[range.clone()];
            // Where the destination after a `](` starts, past spaces and `<`.
            let dest_at = |i: usize| {
                let after = &source[i + 2..];
                let trimmed = after.trim_start();
                i + 2 + after.len() - trimmed.len() + usize::from(trimmed.starts_with('<'))
            };
            // The link text and the destination may both contain `](`: the
            // destination follows the first one it is written after; when it
            // is written escaped, the last one.
            let opens: Vec<usize> = source.match_indices("](").map(|(i, _)| i).collect();
            let at = opens
                .iter()
                .map(|&i| dest_at(i))
                .find(|&at| source[at..].starts_with(dest))
                .or_else(|| opens.last().map(|&i| dest_at(i)));
            match at {
                Some(at) => within(range.start + at..range.start + at + dest.len(), &range),
                None => range,
            }
        }
        LinkType::Reference
        | LinkType::Collapsed
        | LinkType::Shortcut
        | LinkType::ReferenceUnknown
        | LinkType::CollapsedUnknown
        | LinkType::ShortcutUnknown => match definitions.get(&label_key(id)) {
            Some((_, def)) => {
                let start = definition_target_start(text, def);
                within(start..start + dest.len(), def)
            }
            None => range,
        },
        LinkType::Autolink | LinkType::Email => {
            within(range.start + 1..range.end.saturating_sub(1), &range)
        }
        _ => range,
    }
}

/// `span` cut to lie inside `outer` (a destination is not always written as
/// parsed: escapes, entities, `mailto:`).
pub(super) fn within(span: Range<usize>, outer: &Range<usize>) -> Range<usize> {
    let start = span.start.clamp(outer.start, outer.end);
    start..span.end.clamp(start, outer.end)
}

pub(super) fn rewrite_html_links(
    html: &str,
    rewrite: &(dyn Fn(&str) -> Option<String> + Sync),
) -> Option<String> {
    // (value start, value end, replacement), in document order.
    let mut edits: Vec<(usize, usize, String)> = Vec::new();
    for attr in ["href=\"", "src=\""] {
        let mut search = 0;
        while let Some(p) = html[search..].find(attr).map(|p| p + search) {
            let start = p + attr.len();
            let Some(end) = html[start..].find('"').map(|e| e + start) else {
                break;
            };
            if let Some(new) = rewrite(&decode_entities(&html[start..end])) {
                edits.push((start, end, new));
            }
            search = end;
        }
    }
    if edits.is_empty() {
        return None;
    }
    edits.sort_by_key(|e| e.0);
    let mut out = String::with_capacity(html.len() + 16);
    let mut last = 0;
    for (start, end, new) in edits {
        out.push_str(&html[last..start]);
        escape_into(&new, &mut out);
        last = end;
    }
    out.push_str(&html[last..]);
    Some(out)
}

pub(super) fn decode_entities(value: &str) -> String {
    if !value.contains('&') {
        return value.to_string();
    }
    value
        .replace("&amp;", "&")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
}

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
                    links.push(Link {
                        target: url.clone(),
                        href: url.clone(),
                        span: to_file(at)..to_file(at) + url.len(),
                        kind: LinkKind::Link,
                    });
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
pub(super) fn html_anchor_tag(html: &str) -> Option<bool> {
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

pub(super) fn find_url(text: &str) -> Option<(usize, usize)> {
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
