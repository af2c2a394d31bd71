//! Fenced and indented code blocks replaced by their highlighted HTML.

use std::ops::Range;

use pulldown_cmark::{CodeBlockKind, CowStr, Event, Tag, TagEnd};

use super::highlight;

/// Fenced and indented code: highlighted HTML in place of the events.
/// Returns whether a block is a diagram.
pub(super) fn render_code_blocks(events: &mut Vec<(Event, Range<usize>)>, highlight: bool) -> bool {
    let is_code_block = |event: &Event| matches!(event, Event::Start(Tag::CodeBlock(_)));
    if !events.iter().any(|(event, _)| is_code_block(event)) {
        return false;
    }
    let mut diagrams = false;
    // One pass into a new list: replacing each block in place moved every
    // event after it, once per block.
    let mut out = Vec::with_capacity(events.len());
    let mut rest = std::mem::take(events).into_iter();
    while let Some((event, range)) = rest.next() {
        let Event::Start(Tag::CodeBlock(kind)) = event else {
            out.push((event, range));
            continue;
        };
        let lang = match kind {
            CodeBlockKind::Fenced(info) => {
                info.split([' ', ',', '{']).next().unwrap_or("").to_string()
            }
            CodeBlockKind::Indented => String::new(),
        };
        let mut code = String::new();
        for (event, _) in rest.by_ref() {
            match event {
                Event::End(TagEnd::CodeBlock) => break,
                Event::Text(text) => code.push_str(&text),
                _ => {}
            }
        }
        diagrams |= lang.eq_ignore_ascii_case("mermaid");
        let html = highlight::code_block(&code, &lang, highlight);
        out.push((Event::Html(CowStr::from(html)), range));
    }
    *events = out;
    diagrams
}
