//! kramdown and friends, before pulldown-cmark sees the text.
//!
//! Real handbooks are written in kramdown (and some in Jekyll's Liquid or with
//! Hugo shortcodes). This pass rewrites what CommonMark does not know into what
//! it does, line by line, and records what it removed so the renderer can apply
//! it: block attribute lists (`{: .class #id}`), heading ids (`{#id}`), the
//! `{:toc}` list, `{::options}`, `{::comment}`, `{::nomarkdown}`,
//! `parse_block_html`, ERB tags and Liquid tags. Every byte of the output maps
//! back to the source through an [`OffsetMap`], so diagnostics keep their
//! line and column. Fenced code and HTML comments are copied untouched.
//!
//! The parts: `line_pass.rs` walks the lines; `line_copy.rs` and
//! `erb_liquid.rs` handle the tags inside a line; `syntax.rs` and
//! `block_html.rs` recognise what a line is; `attrs.rs` reads attribute
//! lists; `prepared.rs` is what the pass hands on; `offset_map.rs` is the
//! text-rewriting tool every pre-pass shares.

mod attrs;
mod block_html;
mod erb_liquid;
mod line_copy;
mod line_pass;
mod offset_map;
mod prepared;
mod syntax;

use std::ops::Range;

pub use attrs::{parse_attrs, AttrTarget, Attrs, BlockAttr};
pub(super) use erb_liquid::NextMatch;
pub(super) use offset_map::Builder;
pub use offset_map::OffsetMap;
pub use prepared::{Note, PrepareOptions, Prepared, TocRequest, RAW_PLACEHOLDER, TOC_PLACEHOLDER};
pub(crate) use syntax::{is_closing_fence, opening_fence};

/// Rewrites a page body for pulldown-cmark (see the module header); a body
/// with nothing to rewrite is handed on as it is.
pub fn prepare(body: &str, options: &PrepareOptions) -> Prepared {
    if !needs_pass(body, options) {
        return Prepared {
            text: body.to_string(),
            ..Prepared::default()
        };
    }
    line_pass::rewrite(body, options)
}

/// Lines of `text` with their ranges, each including its line ending.
fn lines(text: &str) -> Vec<Range<usize>> {
    let mut out = Vec::with_capacity(text.len() / 40 + 1);
    let mut start = 0;
    for nl in memchr::memchr_iter(b'\n', text.as_bytes()) {
        out.push(start..nl + 1);
        start = nl + 1;
    }
    if start < text.len() {
        out.push(start..text.len());
    }
    out
}

/// Quick test: could this body need the pass at all?
fn needs_pass(body: &str, options: &PrepareOptions) -> bool {
    let b = body.as_bytes();
    // Every `{` tag at once.
    memchr::memchr_iter(b'{', b)
        .any(|at| matches!(b.get(at + 1), Some(b':' | b'#' | b'%' | b'{' | b'.')))
        || (memchr::memchr(b'<', b).is_some() && needs_pass_for_html(b, options))
}

/// [`needs_pass`] for a body that holds a `<`: ERB, or HTML the pass
/// reads (`markdown=` is an attribute of a tag). Most pages hold none, and
/// one look for `<` spares them the searches for each.
fn needs_pass_for_html(b: &[u8], options: &PrepareOptions) -> bool {
    (options.erb && memchr::memmem::find(b, b"<%").is_some())
        || memchr::memmem::find(b, b"markdown=").is_some()
        || options.parse_block_html
        || memchr::memmem::find(b, b"\n<").is_some()
        || b.first() == Some(&b'<')
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum State {
    Normal,
    Fence {
        marker: u8,
        len: usize,
    },
    HtmlComment,
    KramdownComment,
    NoMarkdown {
        start: usize,
    },
    LiquidComment,
    /// Inside `{% raw %}` of a site whose templates render: copied as
    /// written up to `{% endraw %}`.
    LiquidRaw,
    /// Inside `{% for %}` (and the like) of a site whose templates render:
    /// skipped up to the end tag named.
    LiquidBlock {
        end: &'static str,
        depth: usize,
    },
    Erb,
}

#[cfg(test)]
mod tests;
