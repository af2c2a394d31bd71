//! What the line pass is given and what it hands to the renderer: the
//! prepared text with its offset map, and what it took out of the page
//! (attribute lists, the TOC request, raw blocks, notes for the author).

use std::ops::Range;

use super::{Attrs, BlockAttr, OffsetMap};

/// A `{:toc}` request: where the list was and the attributes on it.
#[derive(Debug, Clone, Default)]
pub struct TocRequest {
    pub attrs: Attrs,
}

/// Something the author should know about (Liquid or shortcodes we could not run).
#[derive(Debug, Clone)]
pub struct Note {
    /// Offset in the original body.
    pub at: Range<usize>,
    pub message: String,
    pub help: &'static str,
}

pub const TOC_PLACEHOLDER: &str = "<!--hb:toc-->";

pub const RAW_PLACEHOLDER: &str = "<!--hb:raw:";

/// The prepared Markdown and what was taken out of it.
#[derive(Debug, Default)]
pub struct Prepared {
    pub text: String,
    pub map: OffsetMap,
    pub block_attrs: Vec<BlockAttr>,
    pub toc: Option<TocRequest>,
    /// `{::nomarkdown}` contents, emitted as they are: (original offset, text).
    pub raw_blocks: Vec<(usize, String)>,
    /// The Markdown inside block HTML elements (`<details markdown="1">`),
    /// as ranges of `text`: kramdown gives headings there ids by another rule
    /// (see `ids::PageIds`).
    pub html_element_spans: Vec<std::ops::Range<usize>>,
    pub notes: Vec<Note>,
    /// Whether the text holds anything this pass could have changed. When
    /// false, `text` is the body unchanged.
    pub changed: bool,
}

/// The site's settings that change what the line pass does.
pub struct PrepareOptions<'a> {
    pub parse_block_html: bool,
    /// Remove ERB tags (`.erb` pages).
    pub erb: bool,
    /// Show ERB tags as text instead of removing them.
    pub erb_show: bool,
    /// Path prefix for Jekyll's `{{ site.baseurl }}`.
    pub base_path: &'a str,
    /// What ERB and Liquid/Nunjucks expressions may read.
    pub templates: Option<&'a crate::markdown::templates::TemplateValues<'a>>,
    /// Liquid/Nunjucks renders (sites made for Jekyll or Eleventy): unknown
    /// expressions and loops are then left out. Otherwise `{{ }}` is text
    /// (kramdown sites use it as text).
    pub liquid: bool,
    /// Zola's shortcodes run (see `markdown.zola_shortcodes`).
    pub zola_shortcodes: bool,
}

impl PrepareOptions<'_> {
    /// The values `{{ }}` reads, when Liquid renders on this site.
    pub(super) fn liquid_values(&self) -> Option<&crate::markdown::templates::TemplateValues<'_>> {
        self.templates.filter(|_| self.liquid)
    }
}
