//! Footnotes numbered and placed as kramdown writes them.

use std::collections::HashMap;
use std::ops::Range;

use pulldown_cmark::{Event, Tag, TagEnd};

use crate::escape::html_into as escape_into;

/// A footnote definition: its label and its events.
pub(super) type Footnote<'a> = (String, Vec<(Event<'a>, Range<usize>)>);

/// Footnotes as kramdown writes them, so links to `#fn:name` and
/// `#fnref:name` keep working and footnote ids never collide with heading
/// ids: references become `<sup id="fnref:name"><a href="#fn:name">N</a></sup>`
/// numbered in order of first reference, and the definitions move to one
/// `<div class="footnotes">` list at the end, each with a link back.
pub(super) fn kramdown_footnotes(
    events: &mut Vec<(Event<'_>, Range<usize>)>,
    anchors: &mut Vec<String>,
) {
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
