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

mod attrs;
mod block_html;
mod erb_liquid;
mod line_copy;
mod syntax;
pub use attrs::{parse_attrs, Attrs};
use block_html::{
    block_element_then_text, block_html_line, center_content, closes_block_element,
    closing_block_tag_then_text, is_lone_inline_tag, kind_of_markdown_attr, opening_tag_name,
    summary_markdown, BlockHtml,
};
use erb_liquid::liquid_block_line;
pub(super) use erb_liquid::NextMatch;
use line_copy::{copy_line, copy_summary_text};
use syntax::matching_end_line;
use syntax::{
    block_ial, heading_attr_start, is_ald, is_toc_item, kramdown_close, raw_block_end, toc_ial,
};
pub(crate) use syntax::{is_closing_fence, opening_fence};

use std::ops::Range;

/// Where a block IAL applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AttrTarget {
    /// The block that ends just before `at` (the IAL line follows it).
    Previous,
    /// The block that starts at or after `at` (the IAL line precedes it).
    Next,
    /// The heading on the line that starts at `at` (`## Title {#id}`).
    HeadingOnLine,
}

#[derive(Debug, Clone)]
pub struct BlockAttr {
    /// Offset in the prepared text.
    pub at: usize,
    pub target: AttrTarget,
    pub attrs: Attrs,
}

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

/// Maps offsets in the prepared text back to offsets in the original body.
#[derive(Debug, Default, Clone)]
pub struct OffsetMap {
    /// (prepared start, original start, copied) — copied segments map one to
    /// one; inserted ones map to their anchor.
    segments: Vec<(usize, usize, bool)>,
}

impl OffsetMap {
    pub fn to_original(&self, prepared: usize) -> usize {
        let i = match self.segments.binary_search_by(|s| s.0.cmp(&prepared)) {
            Ok(i) => i,
            Err(0) => return prepared,
            Err(i) => i - 1,
        };
        let (p, o, copied) = self.segments[i];
        if copied {
            o + (prepared - p)
        } else {
            o
        }
    }
}

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

pub struct PrepareOptions<'a> {
    pub parse_block_html: bool,
    /// Remove ERB tags (`.erb` pages).
    pub erb: bool,
    /// Show ERB tags as text instead of removing them.
    pub erb_show: bool,
    /// Path prefix for Jekyll's `{{ site.baseurl }}`.
    pub base_path: &'a str,
    /// What ERB and Liquid/Nunjucks expressions may read.
    pub templates: Option<&'a super::templates::TemplateValues<'a>>,
    /// Liquid/Nunjucks renders (sites made for Jekyll or Eleventy): unknown
    /// expressions and loops are then left out. Otherwise `{{ }}` is text
    /// (kramdown sites use it as text).
    pub liquid: bool,
}

impl PrepareOptions<'_> {
    /// The values `{{ }}` reads, when Liquid renders on this site.
    fn liquid_values(&self) -> Option<&super::templates::TemplateValues<'_>> {
        self.templates.filter(|_| self.liquid)
    }
}

/// Writes a new text from slices of a source and inserted text, keeping the
/// map from the new text's offsets back to the source's.
pub(super) struct Builder<'a> {
    src: &'a str,
    out: String,
    map: OffsetMap,
}

impl<'a> Builder<'a> {
    pub(super) fn new(src: &'a str) -> Builder<'a> {
        Builder {
            src,
            out: String::with_capacity(src.len() + 64),
            map: OffsetMap::default(),
        }
    }

    /// How many bytes have been written.
    pub(super) fn written(&self) -> usize {
        self.out.len()
    }

    /// The text written and its map.
    pub(super) fn finish(self) -> (String, OffsetMap) {
        (self.out, self.map)
    }

    pub(super) fn copy(&mut self, range: Range<usize>) {
        if range.is_empty() {
            return;
        }
        // A copy that continues the previous one (the next line, most often)
        // extends its segment: the map stays one entry per change.
        let continues = self
            .map
            .segments
            .last()
            .is_some_and(|&(p, o, copied)| copied && o + (self.out.len() - p) == range.start);
        if !continues {
            self.map.segments.push((self.out.len(), range.start, true));
        }
        self.out.push_str(&self.src[range]);
    }
    pub(super) fn insert(&mut self, text: &str, anchor: usize) {
        if text.is_empty() {
            return;
        }
        self.map.segments.push((self.out.len(), anchor, false));
        self.out.push_str(text);
    }
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
        || (options.erb && memchr::memmem::find(b, b"<%").is_some())
        || memchr::memmem::find(b, b"markdown=").is_some()
        || (options.parse_block_html && memchr::memchr(b'<', b).is_some())
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

pub fn prepare(body: &str, options: &PrepareOptions) -> Prepared {
    if !needs_pass(body, options) {
        return Prepared {
            text: body.to_string(),
            ..Prepared::default()
        };
    }
    let mut b = Builder {
        src: body,
        out: String::with_capacity(body.len() + 64),
        map: OffsetMap::default(),
    };
    let mut prepared = Prepared {
        changed: true,
        ..Prepared::default()
    };
    let mut parse_block_html = options.parse_block_html;
    // Open elements that asked for Markdown with `markdown="1"`.
    let mut markdown_blocks = 0usize;
    // The outermost block HTML element around Markdown: where it began in
    // the output and the index of its end tag's line.
    let mut element: Option<(usize, usize)> = None;
    let mut state = State::Normal;
    let mut raw_buffer = String::new();
    let all = lines(body);
    let mut i = 0;
    let mut previous_blank = true;
    while i < all.len() {
        if let Some((start, end_line)) = element {
            if i > end_line {
                prepared.html_element_spans.push(start..b.written());
                element = None;
            }
        }
        let range = all[i].clone();
        let line = &body[range.clone()];
        let content = line.trim_end_matches(['\n', '\r']);
        let trimmed = content.trim();
        i += 1;
        match state {
            State::Fence { marker, len } => {
                if is_closing_fence(trimmed, marker, len) || trimmed.starts_with("{% endhighlight")
                {
                    state = State::Normal;
                }
                copy_line(&mut b, range, options, &mut state, &mut prepared.notes);
                previous_blank = false;
                continue;
            }
            State::HtmlComment => {
                if content.contains("-->") {
                    state = State::Normal;
                }
                b.copy(range);
                continue;
            }
            State::KramdownComment => {
                if let Some(end) = kramdown_close(content, "comment") {
                    state = State::Normal;
                    let rest = &content[end..];
                    if !rest.trim().is_empty() {
                        b.copy(range.start + end..range.end);
                    }
                }
                continue;
            }
            State::NoMarkdown { start } => {
                if let Some(close) = content.find("{:/") {
                    raw_buffer.push_str(&content[..close]);
                    state = State::Normal;
                    let index = prepared.raw_blocks.len();
                    prepared
                        .raw_blocks
                        .push((start, std::mem::take(&mut raw_buffer)));
                    b.insert(&format!("\n{RAW_PLACEHOLDER}{index}-->\n\n"), start);
                } else {
                    raw_buffer.push_str(line);
                }
                continue;
            }
            State::LiquidComment => {
                if content.contains("endcomment") {
                    state = State::Normal;
                }
                continue;
            }
            State::LiquidBlock { end, depth } => {
                state = liquid_block_line(content, end, depth);
                continue;
            }
            State::LiquidRaw => {
                match raw_block_end(content) {
                    Some((tag_start, tag_end)) => {
                        state = State::Normal;
                        b.copy(range.start..range.start + tag_start);
                        b.copy(range.start + tag_end..range.end);
                    }
                    None => b.copy(range),
                }
                continue;
            }
            State::Erb => {
                if let Some(end) = content.find("%>") {
                    state = State::Normal;
                    let rest = &content[end + 2..];
                    if !rest.trim().is_empty() {
                        b.copy(range.start + end + 2..range.end);
                    }
                }
                continue;
            }
            State::Normal => {}
        }

        if let Some((marker, len)) = opening_fence(trimmed) {
            state = State::Fence { marker, len };
            copy_line(&mut b, range, options, &mut state, &mut prepared.notes);
            previous_blank = false;
            continue;
        }
        if trimmed.starts_with("<!--") && !trimmed.contains("-->") {
            state = State::HtmlComment;
            b.copy(range);
            previous_blank = false;
            continue;
        }

        // kramdown extensions and attribute lists: lines that start with `{:`.
        if trimmed.starts_with("{:") {
            if let Some(rest) = trimmed.strip_prefix("{::") {
                let name: String = rest
                    .chars()
                    .take_while(|c| c.is_ascii_alphabetic())
                    .collect();
                match name.as_str() {
                    "comment" => {
                        let open_end = content.find('}').map_or(content.len(), |i| i + 1);
                        match kramdown_close(&content[open_end..], "comment") {
                            Some(end) => {
                                let rest = &content[open_end + end..];
                                if !rest.trim().is_empty() {
                                    b.copy(range.start + open_end + end..range.end);
                                }
                            }
                            None => state = State::KramdownComment,
                        }
                        b.insert("\n", range.start);
                        previous_blank = true;
                        continue;
                    }
                    "nomarkdown" => {
                        let open_end = content.find('}').map_or(content.len(), |i| i + 1);
                        let after = &content[open_end..];
                        if let Some(close) = after.find("{:/") {
                            let index = prepared.raw_blocks.len();
                            prepared
                                .raw_blocks
                                .push((range.start + open_end, after[..close].to_string()));
                            b.insert(&format!("\n{RAW_PLACEHOLDER}{index}-->\n\n"), range.start);
                        } else {
                            // The buffer is a verbatim slice of the body from
                            // `start`, so offsets into it map back by addition.
                            raw_buffer.clear();
                            let start = if after.trim().is_empty() {
                                range.end
                            } else {
                                raw_buffer.push_str(&line[open_end..]);
                                range.start + open_end
                            };
                            state = State::NoMarkdown { start };
                        }
                        previous_blank = true;
                        continue;
                    }
                    "options" => {
                        let attrs = parse_attrs(
                            rest.trim_start_matches("options")
                                .trim_end_matches('}')
                                .trim_end_matches('/'),
                        );
                        for (key, value) in &attrs.pairs {
                            if key == "parse_block_html" {
                                parse_block_html = value == "true";
                            }
                        }
                        b.insert("\n", range.start);
                        previous_blank = true;
                        continue;
                    }
                    _ => {
                        // Unknown extension: dropped, as kramdown drops it.
                        b.insert("\n", range.start);
                        previous_blank = true;
                        continue;
                    }
                }
            }
            if let Some(inner) = block_ial(trimmed) {
                if is_ald(inner) {
                    // Attribute list definitions (`{:name: .class}`) only name
                    // attributes for references, which we do not support.
                    b.insert("\n", range.start);
                    previous_blank = true;
                    continue;
                }
                // kramdown: after a blank line the IAL waits for the next block
                // (even past another blank line); otherwise it is the previous one's.
                let target = if previous_blank {
                    AttrTarget::Next
                } else {
                    AttrTarget::Previous
                };
                prepared.block_attrs.push(BlockAttr {
                    at: b.out.len(),
                    target,
                    attrs: parse_attrs(inner),
                });
                b.insert("\n", range.start);
                previous_blank = true;
                continue;
            }
        }

        // `- TOC` followed by `{:toc ...}`.
        if is_toc_item(trimmed) {
            if let Some(next) = all.get(i) {
                let next_line = body[next.clone()].trim();
                if let Some(attrs) = toc_ial(next_line) {
                    prepared.toc.get_or_insert(TocRequest { attrs });
                    b.insert(&format!("{TOC_PLACEHOLDER}\n"), range.start);
                    i += 1;
                    previous_blank = true;
                    continue;
                }
            }
        }

        // `## Heading {#id .class}` and `## Heading {: #id}`.
        if let Some(attr_start) = heading_attr_start(content) {
            let inner = content[attr_start..]
                .trim_end()
                .trim_start_matches('{')
                .trim_start_matches(':')
                .trim_end_matches('}');
            prepared.block_attrs.push(BlockAttr {
                at: b.out.len(),
                target: AttrTarget::HeadingOnLine,
                attrs: parse_attrs(inner),
            });
            let keep_end = range.start + content[..attr_start].trim_end().len();
            b.copy(range.start..keep_end);
            b.insert("\n", keep_end);
            previous_blank = false;
            continue;
        }

        if let Some(kind) = block_html_line(trimmed) {
            // `markdown="0"` keeps an element raw even under parse_block_html;
            // `markdown="1"` parses it even without.
            let is_summary =
                opening_tag_name(trimmed).is_some_and(|n| n.eq_ignore_ascii_case("summary"));
            let parse_here = match (kind_of_markdown_attr(trimmed), &kind) {
                (Some(false), _) => false,
                // A summary's end tag is not a line of its own to count.
                (Some(true), _) if is_summary => true,
                (Some(true), _) => {
                    markdown_blocks += 1;
                    true
                }
                (None, BlockHtml::Close) if markdown_blocks > 0 => {
                    markdown_blocks -= 1;
                    true
                }
                (None, BlockHtml::Summary) if markdown_blocks > 0 => true,
                (None, _) => parse_block_html,
            };
            if parse_here && matches!(kind, BlockHtml::Open) && element.is_none() {
                // The element runs to its matching end tag, wherever the
                // lines between take this loop.
                if let Some(name) =
                    opening_tag_name(trimmed).filter(|n| !n.eq_ignore_ascii_case("summary"))
                {
                    let end_line = matching_end_line(body, &all, i - 1, name);
                    element = Some((b.written(), end_line));
                }
            }
            // Content that is itself HTML stays one HTML block: splitting it
            // would turn indented tags into a code block.
            let next_is_html = all[i..]
                .iter()
                .map(|r| body[r.clone()].trim())
                .find(|l| !l.is_empty())
                .is_some_and(|l| l.starts_with('<') && !l.starts_with("</"));
            if parse_here && !(matches!(kind, BlockHtml::Open) && next_is_html) {
                let lead = range.start + content.len() - content.trim_start().len();
                match kind {
                    // `<summary>[a link](/x/)</summary>`: the text is its
                    // own paragraph (the theme shows it inline).
                    BlockHtml::Summary if summary_markdown(trimmed).is_some() => {
                        let inner = summary_markdown(trimmed).unwrap_or_default();
                        b.copy(range.start..lead + inner.start);
                        b.insert("\n\n", lead + inner.start);
                        let text = lead + inner.start..lead + inner.end;
                        copy_line(&mut b, text, options, &mut state, &mut prepared.notes);
                        b.insert("\n\n", lead + inner.end);
                        b.copy(lead + inner.end..range.end);
                        b.insert(if line.ends_with('\n') { "\n" } else { "\n\n" }, range.end);
                    }
                    BlockHtml::Open | BlockHtml::Summary => {
                        b.copy(range.clone());
                        if !line.ends_with('\n') {
                            b.insert("\n", range.end);
                        }
                        b.insert("\n", range.end);
                        if is_summary && matches!(kind, BlockHtml::Open) {
                            let notes = &mut prepared.notes;
                            i = copy_summary_text(
                                &mut b, body, &all, i, options, &mut state, notes,
                            )
                            .unwrap_or(i);
                        }
                    }
                    BlockHtml::Close => {
                        b.insert("\n", range.start);
                        b.copy(range.clone());
                        // `</details>` then a line of text: kramdown reads
                        // the text as a paragraph.
                        let next_is_text = all
                            .get(i)
                            .is_some_and(|r| !body[r.clone()].trim().is_empty());
                        if next_is_text && line.ends_with('\n') {
                            b.insert("\n", range.end);
                        }
                    }
                }
                previous_blank = true;
                continue;
            }
        }

        // A block element that ends on its own line ends there, as in kramdown:
        // CommonMark would run its HTML block on through the next lines and
        // show the Markdown in them as text.
        // So does a lone inline tag starting a block (`<br>` before a heading):
        // kramdown reads it as part of a paragraph, CommonMark as an HTML block
        // that swallows the heading.
        let indent = content.len() - content.trim_start().len();
        // `</figure> [a link](/x/)!`: kramdown ends the element at its end
        // tag and reads the rest of the line as a paragraph; CommonMark would
        // keep the whole line, link syntax and all, in the HTML block.
        if let Some(inner) = center_content(trimmed).filter(|_| indent < 4) {
            let at = range.start + indent;
            b.copy(range.start..at + inner.start);
            b.insert("\n\n", at + inner.start);
            let text = at + inner.start..at + inner.end;
            copy_line(&mut b, text, options, &mut state, &mut prepared.notes);
            b.insert("\n\n", at + inner.end);
            b.copy(at + inner.end..range.end);
            previous_blank = false;
            continue;
        }
        let element_then_text =
            closing_block_tag_then_text(trimmed).or_else(|| block_element_then_text(trimmed));
        if let Some(tag_len) = element_then_text.filter(|_| indent < 4) {
            let split = range.start + indent + tag_len;
            b.copy(range.start..split);
            b.insert("\n\n", split);
            copy_line(
                &mut b,
                split..range.end,
                options,
                &mut state,
                &mut prepared.notes,
            );
            previous_blank = false;
            continue;
        }
        let ends_html_block =
            closes_block_element(trimmed) || (previous_blank && is_lone_inline_tag(trimmed));
        if indent < 4 && line.ends_with('\n') && ends_html_block {
            let next = all.get(i).map_or("", |r| body[r.clone()].trim());
            if !next.is_empty() && !next.starts_with('<') {
                copy_line(
                    &mut b,
                    range.clone(),
                    options,
                    &mut state,
                    &mut prepared.notes,
                );
                if state == State::Normal {
                    b.insert("\n", range.end);
                }
                previous_blank = true;
                continue;
            }
        }

        let blank = trimmed.is_empty();
        let before = b.out.len();
        copy_line(
            &mut b,
            range.clone(),
            options,
            &mut state,
            &mut prepared.notes,
        );
        if state == State::Normal
            && memchr::memchr(b'{', trimmed.as_bytes()).is_some()
            && trimmed.contains("{% comment")
            && !trimmed.contains("endcomment")
        {
            state = State::LiquidComment;
        }
        let emitted_blank = b.out[before..].trim().is_empty();
        if !blank && emitted_blank && b.out.len() > before {
            // The line held only tags that were removed: drop the line so
            // tables and lists around it stay whole.
            b.out.truncate(before);
            b.map.segments.retain(|s| s.0 < before);
            continue;
        }
        previous_blank = blank;
    }
    if let State::NoMarkdown { start } = state {
        let index = prepared.raw_blocks.len();
        prepared.raw_blocks.push((start, raw_buffer));
        b.insert(&format!("\n{RAW_PLACEHOLDER}{index}-->\n"), start);
    }
    if let Some((start, _)) = element {
        prepared.html_element_spans.push(start..b.out.len());
    }
    prepared.text = b.out;
    prepared.map = b.map;
    prepared
}

#[cfg(test)]
mod tests;
