//! Links and anchors written in raw HTML: found by the HTML scanner, block
//! by block, each mapped back to its place in the file; and `href`/`src`
//! values rewritten like Markdown links.

use std::ops::Range;

use pulldown_cmark::{Event, Tag, TagEnd};

use super::attr_lists::is_block_end;
use super::html_links::{self, HtmlRefKind, HtmlScanner};
use super::{Link, LinkKind, Rendered};
use crate::escape::html_into as escape_into;

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
            let rewritten = (self.rewrite)(&r.value);
            links.push(Link::new(
                r.value,
                rewritten,
                start..start + r.len.max(1),
                kind,
            ));
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

/// The links and anchors of one HTML block (its `Html` events).
fn scan_html_block(
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

/// `href="..."` and `src="..."` values in raw HTML that the site rewrites
/// (links to source files), escaped again; `None` when none change.
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

/// The entities HTML escaping writes, read back into their characters.
fn decode_entities(value: &str) -> String {
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
