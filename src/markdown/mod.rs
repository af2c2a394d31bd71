//! Stage 2: render one page's Markdown to HTML, with its ids, TOC and links.
//!
//! kramdown syntax is first rewritten by [`kramdown::prepare`]; pulldown-cmark
//! parses the result; a few passes over the event list apply attribute lists,
//! give headings their ids, highlight code, rewrite links to source files and
//! collect every link with its position in the source file.

mod balance;
pub mod block_attrs;
mod callouts;
mod finish;
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
mod partials;
pub mod raw_html;
mod rendered;
pub mod safety;
pub mod templates;

use std::collections::{HashMap, HashSet};
use std::ops::Range;

use pulldown_cmark::{CodeBlockKind, CowStr, Event, LinkType, Options, Parser, Tag, TagEnd};

use crate::escape::html_into as escape_into;
use finish::{finish_html, only_markers};
pub use finish::{places_own_toc, toc_html, toc_tree, TocEntry};
use html_links::{HtmlRefKind, HtmlScanner};
use ids::PageIds;
use kramdown::{AttrTarget, Attrs, Prepared};
pub use options::RenderOptions;
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

/// Block-level tags that an attribute list can apply to.
fn is_block(tag: &Tag) -> bool {
    matches!(
        tag,
        Tag::Paragraph
            | Tag::Heading { .. }
            | Tag::BlockQuote(_)
            | Tag::CodeBlock(_)
            | Tag::HtmlBlock
            | Tag::List(_)
            | Tag::Item
            | Tag::Table(_)
            | Tag::FootnoteDefinition(_)
    )
}

fn block_spans(events: &[(Event, Range<usize>)]) -> Vec<block_attrs::BlockSpan> {
    let mut spans = Vec::new();
    let mut depth = 0;
    for (i, (event, range)) in events.iter().enumerate() {
        match event {
            Event::Start(tag) if is_block(tag) => {
                spans.push(block_attrs::BlockSpan {
                    start: i,
                    range: range.clone(),
                    depth,
                    is_heading: matches!(tag, Tag::Heading { .. }),
                });
                depth += 1;
            }
            Event::End(tag) if is_block_end(tag) => depth = depth.saturating_sub(1),
            Event::Rule => spans.push(block_attrs::BlockSpan {
                start: i,
                range: range.clone(),
                depth,
                is_heading: false,
            }),
            _ => {}
        }
    }
    spans
}

fn is_block_end(tag: &TagEnd) -> bool {
    matches!(
        tag,
        TagEnd::Paragraph
            | TagEnd::Heading(_)
            | TagEnd::BlockQuote(_)
            | TagEnd::CodeBlock
            | TagEnd::HtmlBlock
            | TagEnd::List(_)
            | TagEnd::Item
            | TagEnd::Table
            | TagEnd::FootnoteDefinition
    )
}

/// Applies `{: ...}` lines to the block they belong to. Headings take their
/// attributes directly (their id matters for the TOC); other blocks get a
/// marker that [`finish_html`] turns into attributes on the next tag.
fn apply_block_attrs(
    events: &mut Vec<(Event, Range<usize>)>,
    prepared: &Prepared,
    marker_attrs: &mut Vec<Attrs>,
    anchors: &mut Vec<String>,
) {
    if prepared.block_attrs.is_empty() {
        return;
    }
    let spans = block_spans(events);
    let questions: Vec<(usize, AttrTarget)> = prepared
        .block_attrs
        .iter()
        .map(|b| (b.at, b.target))
        .collect();
    let chosen_spans = block_attrs::choose_targets(&spans, &prepared.text, &questions);
    // (event index to mark, attrs); inserted from the back so indices hold.
    let mut markers: Vec<(usize, Attrs)> = Vec::new();
    for (block_attr, chosen) in prepared.block_attrs.iter().zip(chosen_spans) {
        let chosen = chosen.map(|i| &spans[i]);
        let Some(span) = chosen else { continue };
        let attrs = block_attr.attrs.clone();
        if let Some(id) = &attrs.id {
            anchors.push(id.clone());
        }
        if span.is_heading {
            if let (
                Event::Start(Tag::Heading {
                    id,
                    classes,
                    attrs: pairs,
                    ..
                }),
                _,
            ) = &mut events[span.start]
            {
                if let Some(new_id) = attrs.id {
                    *id = Some(CowStr::from(new_id));
                }
                for class in attrs.classes {
                    if !classes.iter().any(|c| c.as_ref() == class) {
                        classes.push(CowStr::from(class));
                    }
                }
                for (k, v) in attrs.pairs {
                    pairs.push((CowStr::from(k), Some(CowStr::from(v))));
                }
            }
        } else {
            markers.push((span.start, attrs));
        }
    }
    markers.sort_by_key(|m| std::cmp::Reverse(m.0));
    let mut inserts = Vec::with_capacity(markers.len());
    for (index, attrs) in markers {
        let range = events[index].1.clone();
        let n = marker_attrs.len();
        marker_attrs.push(attrs);
        inserts.push((
            index,
            (
                Event::Html(CowStr::from(format!("<!--hb:ial:{n}-->"))),
                range.start..range.start,
            ),
        ));
    }
    insert_in_one_pass(events, inserts);
}

/// Appends an event, joining a text event to the text event before it when
/// both are the source text side by side. The parser splits text at every
/// delimiter it could not match (`*a_ *a_ ...` is four events per four
/// bytes); joined, a page's events stay proportional to its structure.
fn push_merging_text<'a>(
    events: &mut Vec<(Event<'a>, Range<usize>)>,
    event: Event<'a>,
    range: Range<usize>,
    text: &'a str,
) {
    if let (
        Event::Text(CowStr::Borrowed(next)),
        Some((Event::Text(CowStr::Borrowed(prev)), prev_range)),
    ) = (&event, events.last_mut())
    {
        // The same bytes of the source, not merely equal text (escapes and
        // entities make text that is not its source): compared by address.
        let is_source = |s: &str, r: &Range<usize>| {
            text.get(r.clone())
                .is_some_and(|t| std::ptr::eq(t.as_ptr(), s.as_ptr()) && t.len() == s.len())
        };
        let adjacent =
            prev_range.end == range.start && is_source(prev, prev_range) && is_source(next, &range);
        if adjacent {
            let joined = prev_range.start..range.end;
            *prev = &text[joined.clone()];
            *prev_range = joined;
            return;
        }
    }
    events.push((event, range));
}

/// Inserts each `(index, event)` before the event at `index`, as if inserted
/// one by one in the order given (a later one at the same index goes first),
/// but moving the events once instead of once per insertion.
fn insert_in_one_pass<'a>(
    events: &mut Vec<(Event<'a>, Range<usize>)>,
    inserts: Vec<(usize, (Event<'a>, Range<usize>))>,
) {
    if inserts.is_empty() {
        return;
    }
    let mut inserts: Vec<(usize, usize, (Event<'a>, Range<usize>))> = inserts
        .into_iter()
        .enumerate()
        .map(|(seq, (index, event))| (index, seq, event))
        .collect();
    inserts.sort_by_key(|(index, seq, _)| (*index, std::cmp::Reverse(*seq)));
    let old = std::mem::take(events);
    events.reserve(old.len() + inserts.len());
    let mut pending = inserts.into_iter().peekable();
    for (i, event) in old.into_iter().enumerate() {
        while let Some((_, _, inserted)) = pending.next_if(|(index, _, _)| *index == i) {
            events.push(inserted);
        }
        events.push(event);
    }
    events.extend(pending.map(|(_, _, inserted)| inserted));
}

/// `[text](url){:target="_blank"}`, `![img](src){: .shadow}`, `*x*{: .c}`: the
/// attribute list right after an inline element applies to it.
fn apply_span_attrs(
    events: &mut Vec<(Event, Range<usize>)>,
    text: &str,
    marker_attrs: &mut Vec<Attrs>,
    anchors: &mut Vec<String>,
) {
    let mut i = 0;
    while i + 1 < events.len() {
        let is_inline_end = matches!(
            events[i].0,
            Event::End(
                TagEnd::Link
                    | TagEnd::Image
                    | TagEnd::Emphasis
                    | TagEnd::Strong
                    | TagEnd::Strikethrough
            ) | Event::Code(_)
        );
        if !is_inline_end {
            i += 1;
            continue;
        }
        let next_start = events[i + 1].1.start;
        let Some(ial_end) = span_ial_at(text, next_start) else {
            i += 1;
            continue;
        };
        if !matches!(events[i + 1].0, Event::Text(_)) {
            i += 1;
            continue;
        }
        let inner = &text[next_start + 2..ial_end - 1];
        let attrs = kramdown::parse_attrs(inner);
        if let Some(id) = &attrs.id {
            anchors.push(id.clone());
        }
        swallow_source(events, i + 1, text, ial_end);
        // Find the element's start to put the marker before it.
        let start_index = match &events[i].0 {
            Event::Code(_) => i,
            Event::End(end) => find_start(events, i, *end),
            _ => i,
        };
        let n = marker_attrs.len();
        marker_attrs.push(attrs);
        let at = events[start_index].1.start;
        events.insert(
            start_index,
            (
                Event::InlineHtml(CowStr::from(format!("<!--hb:ial:{n}-->"))),
                at..at,
            ),
        );
        i += 2;
    }
}

/// `- {:#id .class} text`: an attribute list at the start of a list item's
/// text belongs to the item (kramdown), so `#id` links land on it.
fn apply_list_item_attrs(
    events: &mut Vec<(Event, Range<usize>)>,
    text: &str,
    marker_attrs: &mut Vec<Attrs>,
    anchors: &mut Vec<String>,
) {
    let mut i = 0;
    while i < events.len() {
        if !matches!(events[i].0, Event::Start(Tag::Item)) {
            i += 1;
            continue;
        }
        let mut first = i + 1;
        if matches!(events.get(first), Some((Event::Start(Tag::Paragraph), _))) {
            first += 1;
        }
        let Some((Event::Text(_), range)) = events.get(first) else {
            i += 1;
            continue;
        };
        let Some(ial_end) = span_ial_at(text, range.start) else {
            i += 1;
            continue;
        };
        let attrs = kramdown::parse_attrs(&text[range.start + 2..ial_end - 1]);
        if let Some(id) = &attrs.id {
            anchors.push(id.clone());
        }
        let rest = &text[ial_end..];
        let end = ial_end + (rest.len() - rest.trim_start_matches([' ', '\t']).len());
        swallow_source(events, first, text, end);
        let n = marker_attrs.len();
        marker_attrs.push(attrs);
        let at = events[i].1.start;
        events.insert(
            i,
            (
                Event::Html(CowStr::from(format!("<!--hb:ial:{n}-->"))),
                at..at,
            ),
        );
        i += 2;
    }
}

fn find_start(events: &[(Event, Range<usize>)], end_index: usize, end: TagEnd) -> usize {
    let mut depth = 0;
    for j in (0..end_index).rev() {
        match &events[j].0 {
            Event::End(e) if *e == end => depth += 1,
            Event::Start(tag) if tag.to_end() == end => {
                if depth == 0 {
                    return j;
                }
                depth -= 1;
            }
            _ => {}
        }
    }
    end_index
}

/// If an IAL `{:...}` starts at `offset` in the source, the offset just past its `}`.
fn span_ial_at(text: &str, offset: usize) -> Option<usize> {
    let rest = text.get(offset..)?;
    if !rest.starts_with("{:") || rest.starts_with("{::") {
        return None;
    }
    let line_end = rest.find('\n').unwrap_or(rest.len());
    let close = rest[..line_end].find('}')?;
    Some(offset + close + 1)
}

/// Removes the source range `[events[from].start, end)` from the text events
/// starting at `from` (smart punctuation may have split it into several).
fn swallow_source(events: &mut Vec<(Event, Range<usize>)>, from: usize, text: &str, end: usize) {
    let j = from;
    while j < events.len() {
        let range = events[j].1.clone();
        if range.start >= end || !matches!(events[j].0, Event::Text(_)) {
            break;
        }
        if range.end <= end {
            events.remove(j);
            continue;
        }
        // Keep the part of this event after the IAL, when its text is its source.
        if let Event::Text(t) = &events[j].0 {
            if text.get(range.clone()) == Some(t.as_ref()) {
                let keep = text[end..range.end].to_string();
                events[j] = (Event::Text(CowStr::from(keep)), end..range.end);
            }
        }
        break;
    }
}

/// Any IAL still in the text (after something we do not attach attributes to)
/// is removed: kramdown syntax never leaks into the page.
fn remove_leaked_ials(events: &mut Vec<(Event, Range<usize>)>, text: &str) {
    let mut i = 0;
    while i < events.len() {
        let (Event::Text(t), range) = &events[i] else {
            i += 1;
            continue;
        };
        let Some(pos) = needle::find(t.as_bytes(), b"{:") else {
            i += 1;
            continue;
        };
        let source = &text[range.clone()];
        if source != t.as_ref() {
            // The event's text differs from its source (escapes, entities):
            // find the IAL in the source instead.
            if let Some(spos) = source.find("{:") {
                if let Some(end) = span_ial_at(text, range.start + spos) {
                    let before = t[..pos].to_string();
                    let range = range.clone();
                    events[i] = (
                        Event::Text(CowStr::from(before)),
                        range.start..range.start + spos,
                    );
                    events.insert(
                        i + 1,
                        (Event::Text(CowStr::from("")), range.start + spos..range.end),
                    );
                    swallow_source(events, i + 1, text, end);
                }
            }
            i += 1;
            continue;
        }
        let at = range.start + pos;
        match span_ial_at(text, at) {
            Some(end) => {
                let range = range.clone();
                let before = t[..pos].to_string();
                events[i] = (Event::Text(CowStr::from(before)), range.start..at);
                events.insert(
                    i + 1,
                    (
                        Event::Text(CowStr::from(text[at..range.end].to_string())),
                        at..range.end,
                    ),
                );
                swallow_source(events, i + 1, text, end);
                i += 1;
            }
            None => i += 1,
        }
    }
}

/// IALs written inside raw HTML (`<center>![x](y){: .c}</center>`) are not
/// applied by kramdown either; they are removed so they do not show as text.
fn remove_ials_in_html(events: &mut [(Event, Range<usize>)]) {
    for (event, _) in events.iter_mut() {
        let (Event::Html(html) | Event::InlineHtml(html)) = event else {
            continue;
        };
        if !html.contains("{:") {
            continue;
        }
        let mut out = String::with_capacity(html.len());
        let mut in_tag = false;
        let mut rest = html.as_ref();
        while let Some(c) = rest.chars().next() {
            if !in_tag && rest.starts_with("{:") {
                let line_end = rest.find('\n').unwrap_or(rest.len());
                if let Some(close) = rest[..line_end].find('}') {
                    rest = &rest[close + 1..];
                    continue;
                }
            }
            match c {
                '<' => in_tag = true,
                '>' => in_tag = false,
                _ => {}
            }
            out.push(c);
            rest = &rest[c.len_utf8()..];
        }
        *html = CowStr::from(out);
    }
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

/// Records every link with its source position, and rewrites links to source
/// files (`x.md`) into page URLs.
fn collect_links(
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
fn dropped_script_link(
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
fn unwrap_links(events: &mut [(Event, Range<usize>)], starts: &[usize]) {
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
fn check_unused_definitions(
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
struct HtmlRefs<'a> {
    /// Offset in the scanned text -> offset in the file.
    to_file: &'a dyn Fn(usize) -> usize,
    rewrite: &'a (dyn Fn(&str) -> Option<String> + Sync),
}

impl HtmlRefs<'_> {
    fn record(
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
fn collect_html_links(
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

/// Reference labels match case-insensitively, with runs of whitespace as one space.
fn label_key(label: &str) -> String {
    label
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

/// Where the destination of a reference definition (`[a]: <dest> "title"`) starts.
fn definition_target_start(text: &str, definition: &Range<usize>) -> usize {
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
fn link_target_span(
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
fn within(span: Range<usize>, outer: &Range<usize>) -> Range<usize> {
    let start = span.start.clamp(outer.start, outer.end);
    start..span.end.clamp(start, outer.end)
}

fn rewrite_html_links(
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

/// Bare `https://` URLs in text become links, as on GitHub.
fn autolink(
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

/// A footnote definition: its label and its events.
type Footnote<'a> = (String, Vec<(Event<'a>, Range<usize>)>);

/// Footnotes as kramdown writes them, so links to `#fn:name` and
/// `#fnref:name` keep working and footnote ids never collide with heading
/// ids: references become `<sup id="fnref:name"><a href="#fn:name">N</a></sup>`
/// numbered in order of first reference, and the definitions move to one
/// `<div class="footnotes">` list at the end, each with a link back.
fn kramdown_footnotes(events: &mut Vec<(Event<'_>, Range<usize>)>, anchors: &mut Vec<String>) {
    let has_footnotes = events.iter().any(|(e, _)| {
        matches!(
            e,
            Event::FootnoteReference(_) | Event::Start(Tag::FootnoteDefinition(_))
        )
    });
    if !has_footnotes {
        return;
    }
    let mut numbers: HashMap<String, usize> = HashMap::new();
    let mut references: HashMap<String, usize> = HashMap::new();
    let mut body = Vec::with_capacity(events.len());
    let mut definitions: Vec<Footnote<'_>> = Vec::new();
    let mut open: Option<Footnote<'_>> = None;
    let mut depth = 0usize;
    for (event, range) in events.drain(..) {
        if let Some((_, inner)) = open.as_mut() {
            match &event {
                Event::Start(Tag::FootnoteDefinition(_)) => depth += 1,
                Event::End(TagEnd::FootnoteDefinition) if depth == 0 => {
                    if let Some(done) = open.take() {
                        definitions.push(done);
                    }
                    continue;
                }
                Event::End(TagEnd::FootnoteDefinition) => depth -= 1,
                _ => {}
            }
            inner.push((event, range));
            continue;
        }
        match event {
            Event::Start(Tag::FootnoteDefinition(label)) => {
                open = Some((label.to_string(), Vec::new()));
                depth = 0;
            }
            Event::FootnoteReference(label) => {
                let next = numbers.len() + 1;
                let number = *numbers.entry(label.to_string()).or_insert(next);
                let seen = references.entry(label.to_string()).or_insert(0);
                let id = if *seen == 0 {
                    format!("fnref:{label}")
                } else {
                    format!("fnref:{label}:{seen}")
                };
                *seen += 1;
                let mut html = String::from("<sup id=\"");
                escape_into(&id, &mut html);
                html.push_str("\" role=\"doc-noteref\"><a href=\"#fn:");
                escape_into(&label, &mut html);
                html.push_str(&format!(
                    "\" class=\"footnote\" rel=\"footnote\">{number}</a></sup>"
                ));
                anchors.push(id);
                body.push((Event::InlineHtml(html.into()), range));
            }
            other => body.push((other, range)),
        }
    }
    if let Some(unclosed) = open.take() {
        definitions.push(unclosed);
    }
    // Referenced notes in the order of their numbers, then the rest as written.
    definitions.sort_by_key(|(label, _)| numbers.get(label).copied().unwrap_or(usize::MAX));
    if !definitions.is_empty() {
        let end = body.last().map_or(0..0, |(_, r)| r.end..r.end);
        body.push((
            Event::Html("<div class=\"footnotes\" role=\"doc-endnotes\">\n<ol>\n".into()),
            end.clone(),
        ));
        for (label, mut inner) in definitions {
            let mut open_li = String::from("<li id=\"fn:");
            escape_into(&label, &mut open_li);
            open_li.push_str("\" role=\"doc-endnote\">");
            let mut back = String::from(" <a href=\"#fnref:");
            escape_into(&label, &mut back);
            back.push_str("\" class=\"reversefootnote\" role=\"doc-backlink\">&#8617;</a>");
            // The link back goes inside the last paragraph, as kramdown puts it.
            let at = match inner.last() {
                Some((Event::End(TagEnd::Paragraph), _)) => inner.len() - 1,
                _ => inner.len(),
            };
            if numbers.contains_key(&label) {
                let range = inner
                    .get(at.saturating_sub(1))
                    .map_or(end.clone(), |(_, r)| r.clone());
                inner.insert(at, (Event::InlineHtml(back.into()), range));
            }
            anchors.push(format!("fn:{label}"));
            body.push((Event::Html(open_li.into()), end.clone()));
            body.extend(inner);
            body.push((Event::Html("</li>\n".into()), end.clone()));
        }
        body.push((Event::Html("</ol>\n</div>\n".into()), end));
    }
    *events = body;
}

#[cfg(test)]
mod tests;
