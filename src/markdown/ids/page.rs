//! One page's heading ids: the flavour's base rule and de-duplication, and
//! kramdown's second rule for headings inside block HTML elements.

use std::ops::Range;

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
}

impl<'a> PageIds<'a> {
    pub fn new(flavor: HeadingIdFlavor, html_elements: &'a [Range<usize>]) -> Self {
        PageIds {
            flavor,
            allocator: IdAllocator::new(flavor),
            html_elements,
            in_html_elements: IdAllocator::new(HeadingIdFlavor::Kramdown),
        }
    }

    /// See [`IdAllocator::reserves_explicit_ids_first`].
    pub fn reserves_explicit_ids_first(&self) -> bool {
        self.allocator.reserves_explicit_ids_first()
    }

    /// A heading with an id written on the page.
    pub fn explicit(&mut self, id: &str, level: u8) {
        self.allocator.explicit(id, level);
    }

    /// The id of the heading at `offset` with this text content; `None` for
    /// a heading without one.
    pub fn allocate(&mut self, text: &str, level: u8, offset: usize) -> Option<String> {
        let in_element = self.flavor == HeadingIdFlavor::KramdownGfm
            && self.html_elements.iter().any(|r| r.contains(&offset));
        if in_element {
            let base = base_id(text, HeadingIdFlavor::Kramdown);
            self.in_html_elements.allocate(&base, level)
        } else {
            self.allocator.allocate(&base_id(text, self.flavor), level)
        }
    }
}
