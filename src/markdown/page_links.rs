//! The links of a page as written: Markdown links and images (raw HTML's
//! are read by `html_refs.rs`), and reference definitions no link uses, each
//! with the span of its target in the source file; links to source files
//! rewritten to site URLs on the way, script URLs dropped with a note.

use std::collections::{HashMap, HashSet};
use std::ops::Range;

use pulldown_cmark::{CowStr, Event, LinkType, Tag, TagEnd};

use super::html_refs::{collect_html_links, rewrite_html_links};
use super::{rendered, safety, Link, LinkKind, RenderNote, RenderOptions, Rendered, ScriptLinks};

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
    let reader = LinkReader {
        text,
        definitions,
        to_file,
        options,
    };
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
                match reader.markdown_link(*link_type, dest_url, id, range) {
                    Ok(link) => markdown_links.push((event_index, link)),
                    Err(note) => {
                        dropped.push(event_index);
                        out.notes.push(note);
                    }
                }
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
    out.found_links
        .extend(ordered.into_iter().map(|(_, link)| link));
    check_unused_definitions(
        definitions,
        &used_definitions,
        text,
        to_file,
        options.rewrite_link,
        &mut out.found_links,
    );
}

/// What reading a Markdown link needs besides the link.
struct LinkReader<'a> {
    /// The prepared text the events were parsed from.
    text: &'a str,
    definitions: &'a HashMap<String, (String, Range<usize>)>,
    /// Offset in `text` -> offset in the file.
    to_file: &'a dyn Fn(usize) -> usize,
    options: &'a RenderOptions<'a>,
}

impl LinkReader<'_> {
    /// The link (or image) whose start event covers `range`, its destination
    /// rewritten in place when it goes to a source file; `Err` with a note
    /// when it is a script link that must be dropped.
    fn markdown_link(
        &self,
        link_type: LinkType,
        dest_url: &mut CowStr,
        id: &str,
        range: &Range<usize>,
    ) -> Result<Link, RenderNote> {
        let text = self.text;
        let is_image = text[range.clone()].starts_with('!');
        let span = link_target_span(
            text,
            range.clone(),
            link_type,
            id,
            dest_url,
            self.definitions,
        );
        let target = rendered::link_target(link_type, dest_url);
        let start = (self.to_file)(span.start);
        let file_span = start..start + span.len().max(1);
        if let Some(scheme) = dropped_script_link(&target, is_image, self.options) {
            return Err(RenderNote {
                span: file_span,
                message: format!("a link to a `{scheme}:` URL is dropped (its text stays)"),
                help: "link to a page or an http(s) address; a site that trusts its authors can set `markdown.unsafe_links = true`".into(),
            });
        }
        let rewritten = (self.options.rewrite_link)(&target);
        if let Some(href) = &rewritten {
            *dest_url = CowStr::from(href.clone());
        }
        let kind = if is_image {
            LinkKind::Image
        } else {
            LinkKind::Link
        };
        Ok(Link::new(target, rewritten, file_span, kind))
    }
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
        links.push(Link::new(
            dest.clone(),
            rewrite(dest),
            start..start + dest.len().max(1),
            LinkKind::Link,
        ));
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
