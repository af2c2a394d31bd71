//! Heading ids, exactly as the handbook's original toolchain made them.
//!
//! The default flavour is kramdown's GFM parser (see `HEADING-IDS` in the
//! design notes): the heading's text content after inline parsing, lowercased,
//! every character that is not a letter, digit, `_`, `-`, space or tab dropped,
//! each space and tab turned into `-` with no collapsing, duplicates suffixed
//! `-1`, `-2`, ... per base id. An empty id gets no attribute but still counts.

use std::collections::HashMap;

use crate::config::HeadingIdFlavor;

/// The base id of a heading's text content, before de-duplication.
pub fn base_id(text: &str, flavor: HeadingIdFlavor) -> String {
    match flavor {
        HeadingIdFlavor::KramdownGfm | HeadingIdFlavor::Github | HeadingIdFlavor::Hugo => {
            gfm_id(text)
        }
        HeadingIdFlavor::Kramdown => kramdown_id(text),
        HeadingIdFlavor::MarkdownIt => markdown_it_anchor_id(text),
    }
}

/// Characters `encodeURIComponent` leaves as they are.
const URI_COMPONENT: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'!')
    .remove(b'~')
    .remove(b'*')
    .remove(b'\'')
    .remove(b'(')
    .remove(b')');

/// markdown-it-anchor's default slugify:
/// `encodeURIComponent(String(s).trim().toLowerCase().replace(/\s+/g, '-'))`.
fn markdown_it_anchor_id(text: &str) -> String {
    let lower = text.trim().to_lowercase();
    let mut dashed = String::with_capacity(lower.len());
    let mut in_space = false;
    for c in lower.chars() {
        if c.is_whitespace() {
            if !in_space {
                dashed.push('-');
            }
            in_space = true;
        } else {
            dashed.push(c);
            in_space = false;
        }
    }
    percent_encoding::utf8_percent_encode(&dashed, URI_COMPONENT).to_string()
}

fn gfm_id(text: &str) -> String {
    let mut id = String::with_capacity(text.len());
    for c in text.chars() {
        if c == ' ' || c == '\t' {
            id.push('-');
        } else if c == '_' || c == '-' || c.is_alphanumeric() || is_mark(c) {
            id.extend(c.to_lowercase());
        }
    }
    id
}

/// Combining marks belong to Ruby's `\p{Word}`, so kramdown keeps them.
fn is_mark(c: char) -> bool {
    matches!(c as u32, 0x0300..=0x036F | 0x1AB0..=0x1AFF | 0x1DC0..=0x1DFF | 0x20D0..=0x20FF | 0xFE20..=0xFE2F)
}

/// kramdown's own parser: leading characters up to the first ASCII letter
/// dropped, only ASCII letters, digits, space and `-` kept, spaces to `-`;
/// an empty result is `section`.
fn kramdown_id(text: &str) -> String {
    let start = text
        .char_indices()
        .find(|(_, c)| c.is_ascii_alphabetic())
        .map_or(text.len(), |(i, _)| i);
    let mut id = String::new();
    for c in text[start..].chars() {
        if c == ' ' {
            id.push('-');
        } else if c.is_ascii_alphanumeric() || c == '-' {
            id.push(c.to_ascii_lowercase());
        }
    }
    if id.is_empty() {
        id.push_str("section");
    }
    id
}

/// Hands out unique ids on one page.
#[derive(Default)]
pub struct IdAllocator {
    counts: HashMap<String, usize>,
}

impl IdAllocator {
    /// The id for a heading with this base id; `None` for an empty base id
    /// (which still counts, so a second empty one is `-1`).
    pub fn allocate(&mut self, base: &str) -> Option<String> {
        let count = self.counts.entry(base.to_string()).or_insert(0);
        let n = *count;
        *count += 1;
        match (base.is_empty(), n) {
            (true, 0) => None,
            (_, 0) => Some(base.to_string()),
            (_, n) => Some(format!("{base}-{n}")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markdown_it_anchor_rule() {
        // Values from markdown-it-anchor 9 with its default slugify.
        let cases = [
            (
                "Workflow, action step and scope block names",
                "workflow%2C-action-step-and-scope-block-names",
            ),
            (
                "  Use   “try” or ‘catch’ ",
                "use-%E2%80%9Ctry%E2%80%9D-or-%E2%80%98catch%E2%80%99",
            ),
            ("What's new (v2)?", "what's-new-(v2)%3F"),
            ("Café", "caf%C3%A9"),
        ];
        for (text, id) in cases {
            assert_eq!(base_id(text, HeadingIdFlavor::MarkdownIt), id, "{text}");
        }
    }

    #[test]
    fn gfm_rule_table() {
        let cases = [
            ("1. Deal Desk  Case SLAs", "1-deal-desk--case-slas"),
            (
                "The Performance/Growth Matrix",
                "the-performancegrowth-matrix",
            ),
            ("See the guide", "see-the-guide"),
            ("The team", "the-team"),
            ("The max_size key", "the-max_size-key"),
            ("Why we do it", "why-we-do-it"),
            ("Q&A \u{2013} process", "qa--process"),
            ("a  b", "a--b"),
            ("Foo ", "foo-"),
            ("Über uns", "über-uns"),
            ("Tab\there", "tab-here"),
            ("It\u{2019}s \u{201c}quoted\u{201d}", "its-quoted"),
            ("No\u{a0}break", "nobreak"),
            ("Ellipsis\u{2026}", "ellipsis"),
        ];
        for (text, id) in cases {
            assert_eq!(base_id(text, HeadingIdFlavor::KramdownGfm), id, "{text:?}");
        }
    }

    #[test]
    fn kramdown_rule() {
        assert_eq!(base_id("1. Intro", HeadingIdFlavor::Kramdown), "intro");
        assert_eq!(base_id("!!!", HeadingIdFlavor::Kramdown), "section");
    }

    #[test]
    fn duplicates_count_per_base_and_empty_counts() {
        let mut ids = IdAllocator::default();
        assert_eq!(ids.allocate("a").as_deref(), Some("a"));
        assert_eq!(ids.allocate("a").as_deref(), Some("a-1"));
        assert_eq!(ids.allocate("b").as_deref(), Some("b"));
        assert_eq!(ids.allocate("a").as_deref(), Some("a-2"));
        assert_eq!(ids.allocate(""), None);
        assert_eq!(ids.allocate("").as_deref(), Some("-1"));
    }
}
