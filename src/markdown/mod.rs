//! Stage 2: render one page's Markdown to HTML, with its ids, TOC and links.
//!
//! kramdown syntax is first rewritten by [`kramdown::prepare`]; pulldown-cmark
//! parses the result; a few passes over the event list apply attribute lists,
//! give headings their ids, highlight code, rewrite links to source files and
//! collect every link with its position in the source file.

mod attr_lists;
mod autolink;
mod balance;
pub mod block_attrs;
mod callouts;
mod code_blocks;
mod events;
mod finish;
mod footnotes;
mod headings;
pub mod highlight;
pub mod html_links;
mod html_refs;
mod hugo_includes;
pub mod icons;
pub mod ids;
pub mod kramdown;
mod kramdown_spans;
mod limits;
mod lines;
pub mod math;
mod mdbook_links;
mod mdx;
mod needle;
mod options;
mod page_links;
mod partials;
mod plain_text;
pub mod raw_html;
mod rendered;
pub mod safety;
mod snippets;
pub mod templates;

use std::borrow::Cow;
use std::collections::HashMap;
use std::ops::Range;

use pulldown_cmark::{Event, Options, Parser};

use attr_lists::{
    apply_block_attrs, apply_list_item_attrs, apply_span_attrs, remove_ials_in_html,
    remove_leaked_ials,
};
use autolink::autolink;
use code_blocks::render_code_blocks;
use events::push_merging_text;
use finish::{finish_html, only_markers};
pub use finish::{places_own_toc, toc_html, toc_tree, TocEntry};
use footnotes::kramdown_footnotes;
use headings::assign_heading_ids;
use html_links::HtmlScanner;
use html_refs::HtmlRefs;
use ids::PageIds;
use kramdown::{Attrs, Prepared};
pub use options::RenderOptions;
use page_links::{collect_links, label_key, within};
use plain_text::collect_plain_text;
pub use rendered::{
    excerpt, AfterUse, BodyAt, BodyBytes, BodyInFile, BodyLost, Features, Heading, Link, LinkKind,
    RenderNote, Rendered, LEAD_CHARS,
};
pub use safety::{RawHtml, ScriptLinks};

/// The CommonMark extensions every page is parsed with (GFM tables, notes,
/// task lists, math); smart quotes when the site asks.
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
    let settled = Settled::new(body, options);
    if settled.maps.is_empty() {
        return render_body(body, body_offset, options, &[]);
    }
    // Partials can make a small page large.
    let mut out = match limits::oversized(&settled.text, 0) {
        Some(held_back) => held_back,
        None => render_body(&settled.text, 0, options, &settled.math_starts),
    };
    settled.move_to_file(&mut out, body_offset);
    out
}

/// A body with its partials, callout blocks and math delimiters settled,
/// with a map back to the body for each pass that changed it.
struct Settled<'a> {
    text: Cow<'a, str>,
    /// In the order the passes ran; empty when none changed the body.
    maps: Vec<kramdown::OffsetMap>,
    /// What the partials pass has to say, at offsets in the body.
    notes: Vec<kramdown::Note>,
    /// Where inline math made from `\\(` starts in `text`.
    math_starts: Vec<usize>,
}

impl<'a> Settled<'a> {
    fn new(body: &'a str, options: &RenderOptions) -> Settled<'a> {
        let mut settled = Settled {
            text: Cow::Borrowed(body),
            maps: Vec::new(),
            notes: Vec::new(),
            math_starts: Vec::new(),
        };
        let syntax = partials::TemplateSyntax {
            erb: options.erb && !options.erb_show,
            liquid: options.liquid,
        };
        let expanded = options.templates.and_then(|values| {
            if options.mdbook_includes {
                mdbook_links::expand(body, values)
            } else {
                partials::expand(body, values, syntax)
            }
        });
        if let Some(expanded) = expanded {
            settled.text = Cow::Owned(expanded.text);
            settled.maps.push(expanded.map);
            settled.notes = expanded.notes;
        }
        for expand in [hugo_includes::expand, snippets::expand] {
            let Some(expanded) = options
                .templates
                .and_then(|values| expand(&settled.text, values))
            else {
                continue;
            };
            // Notes at offsets in the text before this pass, made the body's.
            for mut note in expanded.notes {
                note.at = settled.to_body(note.at.start)..settled.to_body(note.at.end);
                settled.notes.push(note);
            }
            settled.text = Cow::Owned(expanded.text);
            settled.maps.push(expanded.map);
        }
        if options.mdx {
            if let Some((text, map)) = mdx::strip(&settled.text) {
                settled.text = Cow::Owned(text);
                settled.maps.push(map);
            }
        }
        if let Some((rewritten, map)) = callouts::rewrite_blocks(&settled.text) {
            settled.text = Cow::Owned(rewritten);
            settled.maps.push(map);
        }
        if let Some(delimited) = math::delimit(&settled.text) {
            settled.text = Cow::Owned(delimited.text);
            settled.maps.push(delimited.map);
            settled.math_starts = delimited.inline_starts;
        }
        settled
    }

    /// An offset in the settled text as an offset in the body.
    fn to_body(&self, offset: usize) -> usize {
        self.maps
            .iter()
            .rev()
            .fold(offset, |at, map| map.to_original(at))
    }

    /// Moves what was rendered from the settled text to the file's offsets,
    /// and adds the partials' notes.
    fn move_to_file(self, out: &mut Rendered, body_offset: usize) {
        let to_file = |span: &Range<usize>| {
            let start = self.to_body(span.start);
            start + body_offset..self.to_body(span.end).max(start) + body_offset
        };
        for link in &mut out.found_links {
            link.span = to_file(&link.span);
        }
        for heading in &mut out.headings {
            heading.offset = to_file(&(heading.offset..heading.offset)).start;
        }
        for note in &mut out.notes {
            note.span = to_file(&note.span);
        }
        out.notes.extend(
            self.notes
                .into_iter()
                .map(|note| note_in_file(note, body_offset)),
        );
    }
}

/// A note of a pre-pass, at offsets in the body, as a note of the page.
fn note_in_file(note: kramdown::Note, body_offset: usize) -> RenderNote {
    RenderNote {
        span: note.at.start + body_offset..note.at.end + body_offset,
        message: note.message,
        help: note.help.into(),
    }
}

/// A page's events: each with the range of the prepared text it comes from.
type Events<'a> = Vec<(Event<'a>, Range<usize>)>;

/// Renders a body whose partials and math delimiters are settled;
/// `math_starts` says where inline math made from `\\(` starts in it.
fn render_body(
    body: &str,
    body_offset: usize,
    options: &RenderOptions,
    math_starts: &[usize],
) -> Rendered {
    let mut prepared = kramdown::prepare(body, &options.prepare_options());
    let mut out = Rendered::default();
    let notes = std::mem::take(&mut prepared.notes);
    out.notes.extend(
        notes
            .into_iter()
            .map(|note| note_in_file(note, body_offset)),
    );
    let text = prepared.text.as_str();
    let changes = prepared.changed.then_some(&prepared.map);
    let to_file = |at: usize| body_offset + changes.map_or(at, |map| map.to_original(at));

    let (mut events, definitions) = parse(text, options.smart_punctuation);
    let authored_html = has_authored_html(&prepared, &events);
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

    let marker_attrs = apply_attribute_lists(&mut events, &prepared, &mut out.anchors);
    let mut page_ids = PageIds::new(options.flavor, &prepared.html_element_spans, text, &events);
    assign_heading_ids(&mut events, &mut page_ids, &mut out.headings);
    for heading in &mut out.headings {
        heading.offset = to_file(heading.offset);
    }
    collect_links(&mut events, text, &definitions, &to_file, options, &mut out);
    autolink(&mut events, text, &to_file, &mut out.found_links);
    callouts::github_alerts(&mut events);
    out.features.math = events
        .iter()
        .any(|(e, _)| matches!(e, Event::InlineMath(_) | Event::DisplayMath(_)));
    if options.html {
        out.features.diagrams = render_code_blocks(&mut events, options.highlight);
        collect_plain_text(&events, text.len(), &mut out);
    }

    kramdown_footnotes(&mut events, &mut out.anchors);
    for h in &out.headings {
        if let Some(id) = &h.id {
            out.anchors.push(id.clone());
        }
    }
    record_raw_block_links(&prepared, body_offset, options, &mut out);
    if options.html {
        let finish = Finish {
            marker_attrs: &marker_attrs,
            prepared: &prepared,
            authored_html,
        };
        write_html(events, &finish, options, &mut out);
    }
    keep_spans_in_file(&mut out, body_offset..body_offset + body.len());
    out
}

/// The prepared text's events and its reference definitions (by label key:
/// destination and where the definition is written).
fn parse(text: &str, smart: bool) -> (Events<'_>, HashMap<String, (String, Range<usize>)>) {
    let parser = Parser::new_ext(text, parser_options(smart));
    let definitions = parser
        .reference_definitions()
        .iter()
        .map(|(label, def)| (label_key(label), (def.dest.to_string(), def.span.clone())))
        .collect();
    // About one event per 32 bytes of source on handbook pages: sized once
    // rather than grown by doubling (5% of `check`'s instructions copied it).
    let mut events: Events = Vec::with_capacity(text.len() / 32 + 16);
    for (event, range) in parser.into_offset_iter() {
        push_merging_text(&mut events, event, range, text);
    }
    (events, definitions)
}

/// Whether the author wrote raw HTML. Only the author's HTML can leave
/// elements open: what the Markdown renderer and the passes write is
/// balanced, so a page without raw HTML skips the balancer (a sixth of a
/// build's instructions).
fn has_authored_html(prepared: &Prepared, events: &Events) -> bool {
    !prepared.raw_blocks.is_empty()
        || events.iter().any(|(e, _)| match e {
            Event::Html(html) | Event::InlineHtml(html) => !only_markers(html),
            _ => false,
        })
}

/// Applies every kind of attribute list and takes out the ones that apply
/// to nothing. Returns the attributes the `<!--hb:ial:N-->` markers left in
/// the events stand for; ids are recorded as anchors.
fn apply_attribute_lists(
    events: &mut Events,
    prepared: &Prepared,
    anchors: &mut Vec<String>,
) -> Vec<Attrs> {
    let text = prepared.text.as_str();
    let mut marker_attrs: Vec<Attrs> = Vec::new();
    apply_block_attrs(events, prepared, &mut marker_attrs, anchors);
    apply_span_attrs(events, text, &mut marker_attrs, anchors);
    apply_list_item_attrs(events, text, &mut marker_attrs, anchors);
    remove_leaked_ials(events, text);
    remove_ials_in_html(events);
    marker_attrs
}

/// Links and anchors in `{::nomarkdown}` blocks, which go to the page as
/// written.
fn record_raw_block_links(
    prepared: &Prepared,
    body_offset: usize,
    options: &RenderOptions,
    out: &mut Rendered,
) {
    for (offset, raw) in &prepared.raw_blocks {
        let mut found = Vec::new();
        HtmlScanner::default().scan(raw, &mut found);
        let base = offset + body_offset;
        let refs = HtmlRefs {
            to_file: &|p| base + p,
            rewrite: options.rewrite_link,
        };
        refs.record(found, &mut out.found_links, &mut out.anchors);
    }
}

/// What the HTML is finished with, besides the events.
struct Finish<'a> {
    marker_attrs: &'a [Attrs],
    prepared: &'a Prepared,
    authored_html: bool,
}

/// The page's HTML: the events written, the placeholders filled in, the
/// author's HTML balanced.
fn write_html(events: Events, finish: &Finish, options: &RenderOptions, out: &mut Rendered) {
    let mut html = String::with_capacity(finish.prepared.text.len() * 3 / 2);
    pulldown_cmark::html::push_html(&mut html, events.into_iter().map(|(e, _)| e));
    out.html = finish_html(
        html,
        finish.marker_attrs,
        finish.prepared,
        &out.headings,
        options.raw_html,
    );
    if options.raw_html == RawHtml::PassThrough && finish.authored_html {
        out.html = balance::balanced(std::mem::take(&mut out.html));
    }
    out.read_html();
}

/// A span is at least one byte, so it can be underlined; at the end of the
/// file that byte is not there. Every span stays inside the file.
fn keep_spans_in_file(out: &mut Rendered, file: Range<usize>) {
    for link in &mut out.found_links {
        link.span = within(link.span.clone(), &file);
    }
    for note in &mut out.notes {
        note.span = within(note.span.clone(), &file);
    }
}

#[cfg(test)]
mod tests;
