//! Fenced and indented code blocks replaced by their highlighted HTML.

use std::ops::Range;

use pulldown_cmark::{CodeBlockKind, CowStr, Event, Tag, TagEnd};

use super::highlight;

/// Fenced and indented code: highlighted HTML in place of the events.
/// Returns whether a block is a diagram.
pub(super) fn render_code_blocks(events: &mut Vec<(Event, Range<usize>)>, highlight: bool) -> bool {
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
