//! Footnotes written as kramdown writes them, so links to `#fn:name` and
//! `#fnref:name` keep working and footnote ids never collide with heading
//! ids.

use std::collections::HashMap;
use std::ops::Range;

use pulldown_cmark::{Event, Tag, TagEnd};

use crate::escape::html_into as escape_into;

/// A footnote definition: its label and its events.
type Footnote<'a> = (String, Vec<(Event<'a>, Range<usize>)>);

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
    let mut notes = Notes::default();
    let mut body = notes.take_out(std::mem::take(events), anchors);
    notes.append(&mut body, anchors);
    *events = body;
}

/// The page's footnotes as the references are numbered and the definitions
/// taken out of the text.
#[derive(Default)]
struct Notes<'a> {
    /// Each referenced label's number, in order of first reference.
    numbers: HashMap<String, usize>,
    /// How often each label has been referenced so far.
    references: HashMap<String, usize>,
    definitions: Vec<Footnote<'a>>,
}

impl<'a> Notes<'a> {
    /// The events without the definitions (kept aside) and with each
    /// reference written as kramdown writes it.
    fn take_out(
        &mut self,
        events: Vec<(Event<'a>, Range<usize>)>,
        anchors: &mut Vec<String>,
    ) -> Vec<(Event<'a>, Range<usize>)> {
        let mut body = Vec::with_capacity(events.len());
        let mut open: Option<Footnote<'a>> = None;
        let mut depth = 0usize;
        for (event, range) in events {
            if let Some((_, inner)) = open.as_mut() {
                match &event {
                    Event::Start(Tag::FootnoteDefinition(_)) => depth += 1,
                    Event::End(TagEnd::FootnoteDefinition) if depth == 0 => {
                        if let Some(done) = open.take() {
                            self.definitions.push(done);
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
                    let html = self.reference(&label, anchors);
                    body.push((Event::InlineHtml(html.into()), range));
                }
                other => body.push((other, range)),
            }
        }
        if let Some(unclosed) = open.take() {
            self.definitions.push(unclosed);
        }
        body
    }

    /// A reference to `label`, numbered, with an id of its own for the
    /// link back (`fnref:label`, then `fnref:label:1`, ...).
    fn reference(&mut self, label: &str, anchors: &mut Vec<String>) -> String {
        let next = self.numbers.len() + 1;
        let number = *self.numbers.entry(label.to_string()).or_insert(next);
        let seen = self.references.entry(label.to_string()).or_insert(0);
        let id = if *seen == 0 {
            format!("fnref:{label}")
        } else {
            format!("fnref:{label}:{seen}")
        };
        *seen += 1;
        let mut html = String::from("<sup id=\"");
        escape_into(&id, &mut html);
        html.push_str("\" role=\"doc-noteref\"><a href=\"#fn:");
        escape_into(label, &mut html);
        html.push_str(&format!(
            "\" class=\"footnote\" rel=\"footnote\">{number}</a></sup>"
        ));
        anchors.push(id);
        html
    }

    /// The definitions as one list at the end of the page: referenced
    /// notes in the order of their numbers, then the rest as written.
    fn append(mut self, body: &mut Vec<(Event<'a>, Range<usize>)>, anchors: &mut Vec<String>) {
        let numbers = &self.numbers;
        self.definitions
            .sort_by_key(|(label, _)| numbers.get(label).copied().unwrap_or(usize::MAX));
        if self.definitions.is_empty() {
            return;
        }
        let end = body.last().map_or(0..0, |(_, r)| r.end..r.end);
        body.push((
            Event::Html("<div class=\"footnotes\" role=\"doc-endnotes\">\n<ol>\n".into()),
            end.clone(),
        ));
        for (label, mut inner) in std::mem::take(&mut self.definitions) {
            if self.numbers.contains_key(&label) {
                link_back(&label, &mut inner, &end);
            }
            let mut open_li = String::from("<li id=\"fn:");
            escape_into(&label, &mut open_li);
            open_li.push_str("\" role=\"doc-endnote\">");
            anchors.push(format!("fn:{label}"));
            body.push((Event::Html(open_li.into()), end.clone()));
            body.extend(inner);
            body.push((Event::Html("</li>\n".into()), end.clone()));
        }
        body.push((Event::Html("</ol>\n</div>\n".into()), end));
    }
}

/// The link back to the first reference, inside the definition's last
/// paragraph, as kramdown puts it.
fn link_back(label: &str, inner: &mut Vec<(Event<'_>, Range<usize>)>, end: &Range<usize>) {
    let mut back = String::from(" <a href=\"#fnref:");
    escape_into(label, &mut back);
    back.push_str("\" class=\"reversefootnote\" role=\"doc-backlink\">&#8617;</a>");
    let at = match inner.last() {
        Some((Event::End(TagEnd::Paragraph), _)) => inner.len() - 1,
        _ => inner.len(),
    };
    let range = inner
        .get(at.saturating_sub(1))
        .map_or(end.clone(), |(_, r)| r.clone());
    inner.insert(at, (Event::InlineHtml(back.into()), range));
}
