//! One page's heading ids: the flavour's base rule and de-duplication, and
//! kramdown's second rule for headings inside block HTML elements.

use std::ops::Range;

use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};

use super::{base_id, IdAllocator};
use crate::config::HeadingIdFlavor;

/// Gives the headings of one page their ids, in page order.
pub struct PageIds<'a> {
    flavor: HeadingIdFlavor,
    allocator: IdAllocator,
    /// kramdown-gfm only: the Markdown inside block HTML elements
    /// (`<details markdown="1">`), as byte ranges of the parsed text.
    /// kramdown's GFM parser gives those headings no id, so its HTML
    /// converter does, by kramdown's own rule (`1. Intro` is `intro`) and
    /// with a counter of its own.
    html_elements: &'a [Range<usize>],
    in_html_elements: IdAllocator,
    /// The text the page's events point into.
    source: &'a str,
}

impl<'a> PageIds<'a> {
    /// For the page whose events (in `source`) these are.
    pub fn new(
        flavor: HeadingIdFlavor,
        html_elements: &'a [Range<usize>],
        source: &'a str,
        events: &[(Event, Range<usize>)],
    ) -> Self {
        let mut allocator = IdAllocator::new(flavor);
        if allocator.reserves_explicit_ids_first() {
            for (event, _) in events {
                if let Event::Start(Tag::Heading {
                    level,
                    id: Some(id),
                    ..
                }) = event
                {
                    allocator.explicit(id, *level as u8);
                }
            }
        }
        PageIds {
            flavor,
            allocator,
            html_elements,
            in_html_elements: IdAllocator::new(HeadingIdFlavor::Kramdown),
            source,
        }
    }

    /// A heading with an id written on the page, in page order (an id
    /// reserved ahead is taken already; taking it again changes nothing).
    pub fn explicit(&mut self, id: &str, level: u8) {
        if !self.allocator.reserves_explicit_ids_first() {
            self.allocator.explicit(id, level);
        }
    }

    /// The id of the heading whose source is `at`, with this text content;
    /// `None` for a heading without one.
    pub fn allocate(&mut self, text: &str, level: u8, at: Range<usize>) -> Option<String> {
        // The spans are in page order and do not overlap.
        let in_element = self.flavor == HeadingIdFlavor::KramdownGfm && {
            let next = self.html_elements.partition_point(|r| r.end <= at.start);
            self.html_elements
                .get(next)
                .is_some_and(|r| r.contains(&at.start))
        };
        if in_element {
            let base = base_id(text, HeadingIdFlavor::Kramdown);
            return self.in_html_elements.allocate(&base, level);
        }
        let typed;
        let text = if self.flavor == HeadingIdFlavor::Redcarpet && has_typographic(text) {
            // tech-docs makes ids before SmartyPants: from the quotes as
            // typed, while one typed as `’` stays `’`.
            typed = self
                .source
                .get(at)
                .map_or_else(|| text.to_string(), text_as_typed);
            typed.as_str()
        } else {
            text
        };
        self.allocator.allocate(&base_id(text, self.flavor), level)
    }
}

/// Characters a typographer (smart punctuation) writes.
fn has_typographic(text: &str) -> bool {
    text.contains([
        '\u{2018}', '\u{2019}', '\u{201c}', '\u{201d}', '\u{2013}', '\u{2014}', '\u{2026}',
    ])
}

/// The text content of a heading's source, parsed again without the
/// typographer; images' alternative text is left out, as in the page's.
fn text_as_typed(heading_source: &str) -> String {
    let options = Options::ENABLE_TABLES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_MATH
        | Options::ENABLE_GFM;
    let mut text = String::new();
    let mut image_depth = 0usize;
    for event in Parser::new_ext(heading_source, options) {
        match event {
            Event::Start(Tag::Image { .. }) => image_depth += 1,
            Event::End(TagEnd::Image) => image_depth = image_depth.saturating_sub(1),
            Event::Text(t) | Event::Code(t) if image_depth == 0 => text.push_str(&t),
            Event::SoftBreak | Event::HardBreak => text.push(' '),
            _ => {}
        }
    }
    text
}
