//! kramdown attribute lists (`{: .class #id}`) applied to the event list:
//! block lists to the block they follow or precede, span lists to the
//! element just before them, list-item lists to their item, and the lists
//! pulldown-cmark left in the text removed.

use std::ops::Range;

use pulldown_cmark::{CowStr, Event, Tag, TagEnd};

use super::events::insert_in_one_pass;
use super::kramdown::{self, AttrTarget, Attrs, Prepared};
use super::{block_attrs, needle};

/// Block-level tags that an attribute list can apply to.
pub(super) fn is_block(tag: &Tag) -> bool {
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

pub(super) fn block_spans(events: &[(Event, Range<usize>)]) -> Vec<block_attrs::BlockSpan> {
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

pub(super) fn is_block_end(tag: &TagEnd) -> bool {
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
pub(super) fn apply_block_attrs(
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

/// `[text](url){:target="_blank"}`, `![img](src){: .shadow}`, `*x*{: .c}`: the
/// attribute list right after an inline element applies to it.
pub(super) fn apply_span_attrs(
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
pub(super) fn apply_list_item_attrs(
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

pub(super) fn find_start(events: &[(Event, Range<usize>)], end_index: usize, end: TagEnd) -> usize {
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
pub(super) fn span_ial_at(text: &str, offset: usize) -> Option<usize> {
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
pub(super) fn swallow_source(
    events: &mut Vec<(Event, Range<usize>)>,
    from: usize,
    text: &str,
    end: usize,
) {
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
pub(super) fn remove_leaked_ials(events: &mut Vec<(Event, Range<usize>)>, text: &str) {
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
pub(super) fn remove_ials_in_html(events: &mut [(Event, Range<usize>)]) {
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
