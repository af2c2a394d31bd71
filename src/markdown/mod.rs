//! Stage 2: render one page's Markdown to HTML, with its ids, TOC and links.
//!
//! kramdown syntax is first rewritten by [`kramdown::prepare`]; pulldown-cmark
//! parses the result; a few passes over the event list apply attribute lists,
//! give headings their ids, highlight code, rewrite links to source files and
//! collect every link with its position in the source file.

mod attr_lists;
mod balance;
pub mod block_attrs;
mod callouts;
mod finish;
mod footnotes;
pub mod highlight;
pub mod html_links;
pub mod icons;
pub mod ids;
pub mod kramdown;
mod kramdown_spans;
mod limits;
mod lines;
pub mod math;
mod needle;
mod options;
mod page_links;
mod partials;
pub mod raw_html;
mod rendered;
pub mod safety;
pub mod templates;

use std::collections::HashMap;
use std::ops::Range;

use pulldown_cmark::{CodeBlockKind, CowStr, Event, Options, Parser, Tag, TagEnd};

use attr_lists::{
    apply_block_attrs, apply_list_item_attrs, apply_span_attrs, push_merging_text,
    remove_ials_in_html, remove_leaked_ials,
};
use finish::{finish_html, only_markers};
pub use finish::{places_own_toc, toc_html, toc_tree, TocEntry};
use footnotes::kramdown_footnotes;
use html_links::HtmlScanner;
use ids::PageIds;
use kramdown::Attrs;
pub use options::RenderOptions;
use page_links::{autolink, collect_links, label_key, within, HtmlRefs};
pub use rendered::{
    excerpt, AfterUse, Features, Heading, Link, LinkKind, RenderNote, Rendered, LEAD_CHARS,
};
pub use safety::{RawHtml, ScriptLinks};

fn parser_options(smart: bool) -> Options {
    let mut options = Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_HEADING_ATTRIBUTES
        | Options::ENABLE_MATH
        | Options::ENABLE_GFM;
    if smart {
        options |= Options::ENABLE_SMART_PUNCTUATION;
    }
    options
}

/// Renders a page body. `body_offset` is where the body starts in the file, so
/// spans point into the whole file. Partials and includes go in first, then
/// callout blocks and math delimiters are settled; each step keeps a map
/// back to the body.
pub fn render(body: &str, body_offset: usize, options: &RenderOptions) -> Rendered {
    if let Some(held_back) = limits::oversized(body, body_offset) {
        return held_back;
    }
    let syntax = partials::TemplateSyntax {
        erb: options.erb && !options.erb_show,
        liquid: options.liquid,
    };
    let mut text = std::borrow::Cow::Borrowed(body);
    let mut maps: Vec<kramdown::OffsetMap> = Vec::new();
    let mut notes = Vec::new();
    if let Some(expanded) = options
        .templates
        .and_then(|values| partials::expand(body, values, syntax))
    {
        text = std::borrow::Cow::Owned(expanded.text);
        maps.push(expanded.map);
        notes = expanded.notes;
    }
    if let Some((rewritten, map)) = callouts::rewrite_blocks(&text) {
        text = std::borrow::Cow::Owned(rewritten);
        maps.push(map);
    }
    let mut math_starts = Vec::new();
    if let Some(delimited) = math::delimit(&text) {
        text = std::borrow::Cow::Owned(delimited.text);
        maps.push(delimited.map);
        math_starts = delimited.inline_starts;
    }
    if maps.is_empty() {
        return render_body(body, body_offset, options, &[]);
    }
    // Partials can make a small page large.
    let mut out = match limits::oversized(&text, 0) {
        Some(held_back) => held_back,
        None => render_body(&text, 0, options, &math_starts),
    };
    let to_body = |offset: usize| {
        maps.iter()
            .rev()
            .fold(offset, |at, map| map.to_original(at))
    };
    let to_file = |span: &Range<usize>| {
        let start = to_body(span.start);
        start + body_offset..to_body(span.end).max(start) + body_offset
    };
    for link in &mut out.links {
        link.span = to_file(&link.span);
    }
    for heading in &mut out.headings {
        heading.offset = to_file(&(heading.offset..heading.offset)).start;
    }
    for note in &mut out.notes {
        note.span = to_file(&note.span);
    }
    out.notes.extend(notes.into_iter().map(|note| RenderNote {
        span: note.at.start + body_offset..note.at.end + body_offset,
        message: note.message,
        help: note.help.into(),
    }));
    out
}

/// Renders a body whose partials and math delimiters are settled;
/// `math_starts` says where inline math made from `\\(` starts in it.
fn render_body(
    body: &str,
    body_offset: usize,
    options: &RenderOptions,
    math_starts: &[usize],
) -> Rendered {
    let prepared = kramdown::prepare(
        body,
        &kramdown::PrepareOptions {
            parse_block_html: options.parse_block_html,
            erb: options.erb,
            erb_show: options.erb_show,
            base_path: options.base_path,
            templates: options.templates,
            liquid: options.liquid,
        },
    );
    let mut out = Rendered::default();
    for note in &prepared.notes {
        out.notes.push(RenderNote {
            span: note.at.start + body_offset..note.at.end + body_offset,
            message: note.message.clone(),
            help: note.help.into(),
        });
    }
    let text = prepared.text.as_str();
    let changes = prepared.changed.then_some(&prepared.map);
    let to_file = |at: usize| body_offset + changes.map_or(at, |map| map.to_original(at));

    let parser = Parser::new_ext(text, parser_options(options.smart_punctuation));
    let definitions: HashMap<String, (String, Range<usize>)> = parser
        .reference_definitions()
        .iter()
        .map(|(label, def)| (label_key(label), (def.dest.to_string(), def.span.clone())))
        .collect();
    // About one event per 32 bytes of source on handbook pages: sized once
    // rather than grown by doubling (5% of `check`'s instructions copied it).
    let mut events: Vec<(Event, Range<usize>)> = Vec::with_capacity(text.len() / 32 + 16);
    for (event, range) in parser.into_offset_iter() {
        push_merging_text(&mut events, event, range, text);
    }
    // Only the author's HTML can leave elements open: what the Markdown
    // renderer and the passes below write is balanced, so a page without
    // raw HTML skips the balancer (a sixth of a build's instructions).
    let authored_html = !prepared.raw_blocks.is_empty()
        || events.iter().any(|(e, _)| match e {
            Event::Html(html) | Event::InlineHtml(html) => !only_markers(html),
            _ => false,
        });
    match options.raw_html {
        RawHtml::Escape => safety::escape_raw_html(&mut events),
        RawHtml::PassThrough => raw_html::close_self_closed_events(&mut events),
    }
    if options.math == math::SingleDollar::Text {
        math::single_dollars_as_text(&mut events, &prepared, math_starts);
    }
    // Before anything reads links, ids or attribute lists off the events.
    if kramdown_spans::applies_to(options.flavor) {
        kramdown_spans::render(&mut events, text);
    }

    let mut marker_attrs: Vec<Attrs> = Vec::new();
    apply_block_attrs(&mut events, &prepared, &mut marker_attrs, &mut out.anchors);
    apply_span_attrs(&mut events, text, &mut marker_attrs, &mut out.anchors);
    apply_list_item_attrs(&mut events, text, &mut marker_attrs, &mut out.anchors);
    remove_leaked_ials(&mut events, text);
    remove_ials_in_html(&mut events);
    let mut page_ids = PageIds::new(options.flavor, &prepared.html_element_spans, text, &events);
    assign_heading_ids(&mut events, &mut page_ids, &mut out.headings);
    for heading in &mut out.headings {
        heading.offset = to_file(heading.offset);
    }
    collect_links(&mut events, text, &definitions, &to_file, options, &mut out);
    autolink(&mut events, text, &to_file, &mut out.links);
    callouts::github_alerts(&mut events);
    out.features.math = events
        .iter()
        .any(|(e, _)| matches!(e, Event::InlineMath(_) | Event::DisplayMath(_)));
    if options.html {
        out.features.diagrams = render_code_blocks(&mut events, options.highlight);
        collect_plain_text(&events, &mut out);
    }

    kramdown_footnotes(&mut events, &mut out.anchors);
    for h in &out.headings {
        if let Some(id) = &h.id {
            out.anchors.push(id.clone());
        }
    }
    for (offset, raw) in &prepared.raw_blocks {
        let mut found = Vec::new();
        HtmlScanner::default().scan(raw, &mut found);
        let base = offset + body_offset;
        let refs = HtmlRefs {
            to_file: &|p| base + p,
            rewrite: options.rewrite_link,
        };
        refs.record(found, &mut out.links, &mut out.anchors);
    }

    if options.html {
        let mut html = String::with_capacity(text.len() * 3 / 2);
        pulldown_cmark::html::push_html(&mut html, events.into_iter().map(|(e, _)| e));
        out.html = finish_html(
            html,
            &marker_attrs,
            &prepared,
            &out.headings,
            options.raw_html,
        );
        if options.raw_html == RawHtml::PassThrough && authored_html {
            out.html = balance::balanced(std::mem::take(&mut out.html));
        }
        out.read_html();
    }
    // A span is at least one byte, so it can be underlined; at the end of the
    // file that byte is not there. Every span stays inside the file.
    let file = body_offset..body_offset + body.len();
    for link in &mut out.links {
        link.span = within(link.span.clone(), &file);
    }
    for note in &mut out.notes {
        note.span = within(note.span.clone(), &file);
    }
    out
}

/// Gives every heading its id (explicit ids win; whether they count is the
/// flavour's rule, see `ids::unique`) and records the headings for the TOC.
fn assign_heading_ids(
    events: &mut [(Event, Range<usize>)],
    allocator: &mut PageIds,
    headings: &mut Vec<Heading>,
) {
    let mut i = 0;
    while i < events.len() {
        let Event::Start(Tag::Heading { level, .. }) = &events[i].0 else {
            i += 1;
            continue;
        };
        let level = *level as u8;
        let mut title = String::new();
        let mut j = i + 1;
        let mut image_depth = 0;
        while j < events.len() {
            match &events[j].0 {
                Event::End(TagEnd::Heading(_)) => break,
                Event::Start(Tag::Image { .. }) => image_depth += 1,
                Event::End(TagEnd::Image) => image_depth -= 1,
                Event::Text(t) | Event::Code(t) if image_depth == 0 => title.push_str(t),
                Event::SoftBreak | Event::HardBreak => title.push(' '),
                _ => {}
            }
            j += 1;
        }
        if j == i + 1 && matches!(&events[i].0, Event::Start(Tag::Heading { id: None, .. })) {
            // `###` with nothing after it: an empty heading a reader cannot
            // see, left out of the page and the TOC. Its id still counts,
            // as in kramdown, so the ids after it stay the same.
            let _ = allocator.allocate("", level, events[i].1.clone());
            events[i].0 = Event::Text(CowStr::Borrowed(""));
            events[j].0 = Event::Text(CowStr::Borrowed(""));
            i = j + 1;
            continue;
        }
        if let (Event::Start(Tag::Heading { id, classes, .. }), range) = &mut events[i] {
            let in_toc = !classes.iter().any(|c| c.as_ref() == "no_toc");
            let final_id = match id {
                Some(explicit) => {
                    allocator.explicit(explicit, level);
                    Some(explicit.to_string())
                }
                None => {
                    let new = allocator.allocate(&title, level, range.clone());
                    if let Some(new) = &new {
                        *id = Some(CowStr::from(new.clone()));
                    }
                    new
                }
            };
            headings.push(Heading {
                level,
                id: final_id,
                title: title.trim().to_string(),
                in_toc,
                offset: range.start,
            });
        }
        i = j + 1;
    }
}

/// Fenced and indented code: highlighted HTML in place of the events.
/// Returns whether a block is a diagram.
fn render_code_blocks(events: &mut Vec<(Event, Range<usize>)>, highlight: bool) -> bool {
    let mut diagrams = false;
    let mut i = 0;
    while i < events.len() {
        let Event::Start(Tag::CodeBlock(kind)) = &events[i].0 else {
            i += 1;
            continue;
        };
        let lang = match kind {
            CodeBlockKind::Fenced(info) => {
                info.split([' ', ',', '{']).next().unwrap_or("").to_string()
            }
            CodeBlockKind::Indented => String::new(),
        };
        let mut code = String::new();
        let mut j = i + 1;
        while j < events.len() && !matches!(events[j].0, Event::End(TagEnd::CodeBlock)) {
            if let Event::Text(t) = &events[j].0 {
                code.push_str(t);
            }
            j += 1;
        }
        diagrams |= lang.eq_ignore_ascii_case("mermaid");
        let html = highlight::code_block(&code, &lang, highlight);
        let range = events[i].1.clone();
        let end = (j + 1).min(events.len());
        events.splice(i..end, [(Event::Html(CowStr::from(html)), range)]);
        i += 1;
    }
    diagrams
}

fn collect_plain_text(events: &[(Event, Range<usize>)], out: &mut Rendered) {
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
    out.word_count = text.split_whitespace().count();
    // Kept for the search index until the end of the build: not with the
    // spare room a growing string leaves.
    text.shrink_to_fit();
    out.plain_text = text;
    out.seal_text();
}

#[cfg(test)]
mod tests;
