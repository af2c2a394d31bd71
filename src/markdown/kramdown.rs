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

mod block_html;
mod syntax;
use block_html::{
    block_element_then_text, block_html_line, center_content, closes_block_element,
    closing_block_tag_then_text, is_lone_inline_tag, kind_of_markdown_attr, opening_tag_name,
    summary_end, summary_markdown, BlockHtml,
};
use syntax::{is_id_and_class_word, matching_end_line};

use std::ops::Range;

/// Attributes from an inline attribute list (IAL) or heading attribute block.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Attrs {
    pub id: Option<String>,
    pub classes: Vec<String>,
    pub pairs: Vec<(String, String)>,
}

impl Attrs {
    pub fn is_empty(&self) -> bool {
        self.id.is_none() && self.classes.is_empty() && self.pairs.is_empty()
    }
    pub fn has_class(&self, class: &str) -> bool {
        self.classes.iter().any(|c| c == class)
    }
    pub fn merge(&mut self, other: Attrs) {
        if other.id.is_some() {
            self.id = other.id;
        }
        for class in other.classes {
            if !self.classes.contains(&class) {
                self.classes.push(class);
            }
        }
        for (k, v) in other.pairs {
            match self.pairs.iter_mut().find(|(key, _)| *key == k) {
                Some(pair) => pair.1 = v,
                None => self.pairs.push((k, v)),
            }
        }
    }
}

/// Parses the inside of `{: ...}` / `{#id .class key="v"}`: `.class`, `.a.b`,
/// `#id`, `key="value"`, `key='value'`, `key=value`. Unknown words (ALD
/// references) are ignored.
pub fn parse_attrs(inner: &str) -> Attrs {
    let mut attrs = Attrs::default();
    let bytes = inner.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i].is_ascii_whitespace() {
            i += 1;
            continue;
        }
        let start = i;
        // A word runs to whitespace, except inside quotes.
        let mut quote = None;
        while i < bytes.len() {
            let b = bytes[i];
            match quote {
                Some(q) if b == q => quote = None,
                Some(_) => {}
                None if b == b'"' || b == b'\'' => quote = Some(b),
                None if b.is_ascii_whitespace() => break,
                None => {}
            }
            i += 1;
        }
        let word = &inner[start..i];
        if word.starts_with(['#', '.']) {
            // kramdown allows ids and classes run together: `#id.a.b`, `.a#id`,
            // and ignores the whole word when one id does not start with a
            // letter (`#1password`): the heading keeps its automatic id.
            if !is_id_and_class_word(word) {
                continue;
            }
            for (marker, name) in id_and_class_parts(word) {
                if marker == '#' {
                    attrs.id = Some(name.to_string());
                } else if !attrs.classes.iter().any(|c| c == name) {
                    attrs.classes.push(name.to_string());
                }
            }
        } else if let Some(eq) = word.find('=') {
            let key = &word[..eq];
            let value = word[eq + 1..].trim_matches(|c| c == '"' || c == '\'');
            if !key.is_empty()
                && key
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_' || b == b':')
            {
                attrs.pairs.push((key.to_string(), value.to_string()));
            }
        }
    }
    attrs
}

/// Splits `#id.a.b` into `('#', "id"), ('.', "a"), ('.', "b")`; empty names are skipped.
fn id_and_class_parts(word: &str) -> impl Iterator<Item = (char, &str)> {
    let starts: Vec<usize> = word.match_indices(['#', '.']).map(|(i, _)| i).collect();
    let ends: Vec<usize> = starts.iter().skip(1).copied().chain([word.len()]).collect();
    starts
        .into_iter()
        .zip(ends)
        .filter(|(start, end)| end - start > 1)
        .map(move |(start, end)| (char::from(word.as_bytes()[start]), &word[start + 1..end]))
}

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

/// The text of a `<summary>` opened alone on line `first - 1`, up to its end
/// tag: each line unindented (an indented one would be code), the end tag
/// after a blank line. Returns the index of the line after the end tag;
/// `None` (nothing copied) when it is not within a few lines.
fn copy_summary_text(
    b: &mut Builder,
    body: &str,
    all: &[Range<usize>],
    first: usize,
    options: &PrepareOptions,
    state: &mut State,
    notes: &mut Vec<Note>,
) -> Option<usize> {
    let last = (first..all.len().min(first + 12))
        .find(|&j| summary_end(&body[all[j].clone()]).is_some())?;
    for r in &all[first..=last] {
        let line = &body[r.clone()];
        let start = r.start + line.len() - line.trim_start().len();
        match summary_end(line) {
            Some(end) => {
                let end = r.start + end;
                copy_line(b, start.min(end)..end, options, state, notes);
                b.insert("\n\n", end);
                b.copy(end..r.end);
                // Text right after the end tag is a paragraph, not more of
                // the HTML block the end tag starts.
                let next_is_text = all
                    .get(last + 1)
                    .is_some_and(|n| !body[n.clone()].trim().is_empty());
                if next_is_text && body[r.clone()].ends_with('\n') {
                    b.insert("\n", r.end);
                }
            }
            None => copy_line(b, start..r.end, options, state, notes),
        }
    }
    Some(last + 1)
}

/// Copies one line, removing ERB tags and translating Liquid and shortcodes.
fn copy_line(
    b: &mut Builder,
    range: Range<usize>,
    options: &PrepareOptions,
    state: &mut State,
    notes: &mut Vec<Note>,
) {
    let line = &b.src[range.clone()];
    let bytes = line.as_bytes();
    if memchr::memchr(b'{', bytes).is_none()
        && !(options.erb && memchr::memchr(b'<', bytes).is_some())
    {
        b.copy(range);
        return;
    }
    let has_erb = options.erb && line.contains("<%");
    let has_liquid = line.contains("{%") || line.contains("{{");
    let has_comment = line.contains("{::comment}") || line.contains("{::nomarkdown}");
    if !has_erb && !has_liquid && !has_comment {
        b.copy(range);
        return;
    }
    let mut pos = range.start;
    let end = range.end;
    // Where each kind of tag next starts, found once and reused until passed:
    // searching the rest of the line again for every tag is quadratic on a
    // line of 100,000 tags.
    let mut erb = NextMatch::new("<%", has_erb);
    let mut liquid_tag = NextMatch::new("{%", has_liquid);
    let mut liquid_expression = NextMatch::new("{{", has_liquid);
    let mut comment = NextMatch::new("{::comment}", has_comment);
    let mut no_markdown = NextMatch::new("{::nomarkdown}", has_comment);
    while pos < end {
        let src = b.src;
        let next_erb = erb.find(src, pos, end);
        let next_liquid = match (
            liquid_tag.find(src, pos, end),
            liquid_expression.find(src, pos, end),
        ) {
            (Some(a), Some(c)) => Some(a.min(c)),
            (a, c) => a.or(c),
        };
        let next_raw = no_markdown.find(src, pos, end);
        let next_comment = match (comment.find(src, pos, end), next_raw) {
            (Some(c), Some(r)) => Some(c.min(r)),
            (c, r) => c.or(r),
        };
        let (at, is_erb) = match (next_erb, next_liquid) {
            (Some(e), Some(l)) if e <= l => (e, true),
            (Some(e), None) => (e, true),
            (_, Some(l)) => (l, false),
            (None, None) if next_comment.is_none() => break,
            (None, None) => (usize::MAX, false),
        };
        if let Some(r) = next_raw.filter(|&r| r < at && Some(r) == next_comment) {
            // Span-level `{::nomarkdown}<b>x</b>{:/}` (in a table cell, say):
            // its content goes to the page as it is, the markers do not.
            b.copy(pos..pos + r);
            let open_end = pos + r + "{::nomarkdown}".len();
            match kramdown_close(&b.src[open_end..end], "nomarkdown") {
                Some(close) => {
                    let closing_len = if b.src[open_end..open_end + close].ends_with("{:/}") {
                        4
                    } else {
                        "{:/nomarkdown}".len()
                    };
                    b.copy(open_end..open_end + close - closing_len);
                    pos = open_end + close;
                }
                None => {
                    b.copy(open_end..end);
                    pos = end;
                }
            }
            continue;
        }
        if let Some(c) = next_comment.filter(|&c| c < at) {
            // A span-level kramdown comment: removed up to its end on this line.
            b.copy(pos..pos + c);
            let open_end = pos + c + "{::comment}".len();
            pos = match kramdown_close(&b.src[open_end..end], "comment") {
                Some(close) => open_end + close,
                None => end,
            };
            continue;
        }
        b.copy(pos..pos + at);
        let tag_start = pos + at;
        if is_erb && b.src[tag_start..end].starts_with("<%%") {
            // ERB's escape: `<%%= x %>` writes `<%= x %>` (how tech-docs
            // pages show ERB in their code examples).
            b.insert("<%", tag_start);
            pos = tag_start + 3;
            continue;
        }
        if is_erb {
            match b.src[tag_start..end].find("%>") {
                Some(close) => {
                    let tag_end = tag_start + close + 2;
                    if options.erb_show {
                        let escaped = b.src[tag_start..tag_end].replace('<', "&lt;");
                        b.insert(&escaped, tag_start);
                    } else if let Some(value) = erb_value(&b.src[tag_start..tag_end], options) {
                        b.insert(&value, tag_start);
                    } else {
                        note_dropped_erb(tag_start..tag_end, notes);
                    }
                    pos = tag_end;
                }
                None => {
                    // Multi-line ERB tag: skip to its end on a later line.
                    note_dropped_erb(tag_start..end, notes);
                    *state = State::Erb;
                    pos = end;
                    b.insert("\n", tag_start);
                }
            }
            continue;
        }
        let (consumed, replacement) =
            liquid(&b.src[tag_start..end], options, tag_start, notes, state);
        match replacement {
            Some(text) => b.insert(&text, tag_start),
            None => b.copy(tag_start..tag_start + consumed),
        }
        pos = tag_start + consumed;
    }
    if pos < end {
        b.copy(pos..end);
    }
}

/// The text `<%= current_page.data.KEY %>` (and the like) writes; `None`
/// for any other ERB tag, which is left out. Partials were put in before
/// this pass (see `partials.rs`).
fn erb_value(tag: &str, options: &PrepareOptions) -> Option<String> {
    let inner = tag.strip_prefix("<%=")?.strip_suffix("%>")?;
    let values = options.templates?;
    match values.erb(inner, 0, &mut Vec::new()) {
        super::templates::TagOutput::Value(value) => Some(value),
        _ => None,
    }
}

/// One warning per page for the ERB tags left out.
fn note_dropped_erb(at: Range<usize>, notes: &mut Vec<Note>) {
    const MESSAGE: &str = "ERB tags are not executed, except `<%= current_page.data.KEY %>`, `<%= partial \"name\" %>` and `warning_text`, `image_tag` and `link_to` with literal arguments; the others are left out of the page";
    if !notes.iter().any(|n| n.message == MESSAGE) {
        notes.push(Note {
            at,
            message: MESSAGE.to_string(),
            help: "write the content as Markdown, or move it into a partial",
        });
    }
}

/// The next place a needle occurs in a line, remembered until the scan
/// passes it.
pub(super) struct NextMatch {
    needle: &'static str,
    state: NextState,
}

enum NextState {
    /// Not searched since the last occurrence was passed.
    Unknown,
    /// The next occurrence, as an absolute offset.
    At(usize),
    /// None left on the line.
    Exhausted,
}

impl NextMatch {
    pub(super) fn new(needle: &'static str, present: bool) -> NextMatch {
        let state = if present {
            NextState::Unknown
        } else {
            NextState::Exhausted
        };
        NextMatch { needle, state }
    }

    /// The next occurrence at or after `pos`, relative to `pos`.
    pub(super) fn find(&mut self, src: &str, pos: usize, end: usize) -> Option<usize> {
        match self.state {
            NextState::Exhausted => return None,
            NextState::At(at) if at >= pos => return Some(at - pos),
            _ => {}
        }
        let found = memchr::memmem::find(&src.as_bytes()[pos..end], self.needle.as_bytes());
        self.state = found.map_or(NextState::Exhausted, |i| NextState::At(pos + i));
        found
    }
}

/// Handles one Liquid tag, `{{ }}` expression or Hugo shortcode at the start
/// of `text`. Returns how many bytes it covers and what replaces them (`None`:
/// keep as written).
/// A line inside a skipped `{% for %}` block: nested blocks of the same kind
/// count, and the block ends at its own end tag.
fn liquid_block_line(content: &str, end: &'static str, depth: usize) -> State {
    let start = &end[3..];
    let mut depth = depth;
    for tag in content.split("{%").skip(1) {
        let word = tag
            .trim_start_matches('-')
            .split_whitespace()
            .next()
            .unwrap_or("");
        if word == start {
            depth += 1;
        } else if word == end {
            if depth == 0 {
                return State::Normal;
            }
            depth -= 1;
        }
    }
    State::LiquidBlock { end, depth }
}

/// Leaves an expression or tag out of a page whose templates render, with one
/// warning for the page.
fn drop_template_syntax(at: usize, end: usize, notes: &mut Vec<Note>) -> (usize, Option<String>) {
    const MESSAGE: &str = "template expressions that only the original generator can compute are left out of the page";
    if !notes.iter().any(|n| n.message == MESSAGE) {
        notes.push(Note {
            at: at..at + end,
            message: MESSAGE.to_string(),
            help: "handbook renders `{{ page.KEY }}`, `{{ KEY }}` and `{{ site.KEY }}`; write the rest as Markdown",
        });
    }
    (end, Some(String::new()))
}

fn liquid(
    text: &str,
    options: &PrepareOptions,
    at: usize,
    notes: &mut Vec<Note>,
    state: &mut State,
) -> (usize, Option<String>) {
    let base_path = options.base_path;
    let (close, is_tag) = if text.starts_with("{%") {
        ("%}", true)
    } else if text.starts_with("{{<") {
        (">}}", false)
    } else if text.starts_with("{{%") {
        ("%}}", false)
    } else {
        ("}}", false)
    };
    let Some(end) = text[2..].find(close).map(|i| i + 2 + close.len()) else {
        return (2, None);
    };
    let inner = text[2..end - close.len()]
        .trim_matches(|c: char| c == '-' || c == '<' || c == '%' || c.is_whitespace());
    let mut words = inner.split_whitespace();
    let first = words.next().unwrap_or("");
    let unquote = |s: &str| s.trim_matches(|c| c == '"' || c == '\'').to_string();
    if is_tag {
        return match first {
            "raw" if options.liquid_values().is_some() => {
                // Nothing up to `{% endraw %}` runs: the text is copied as written.
                match raw_block_end(&text[end..]) {
                    Some((tag_start, tag_end)) => {
                        (end + tag_end, Some(text[end..end + tag_start].to_string()))
                    }
                    None => {
                        *state = State::LiquidRaw;
                        (text.len(), Some(text[end..].to_string()))
                    }
                }
            }
            "raw" | "endraw" | "endcomment" => (end, Some(String::new())),
            "comment" => {
                *state = State::LiquidComment;
                (end, Some(String::new()))
            }
            "highlight" => {
                let lang = words.next().unwrap_or("");
                *state = State::Fence {
                    marker: b'`',
                    len: 3,
                };
                (end, Some(format!("```{lang}")))
            }
            "endhighlight" => (end, Some("```".into())),
            "link" | "post_url" => (end, words.next().map(unquote)),
            tag if options.liquid_values().is_some() => {
                if let Some(end_tag) = super::templates::skipped_block(tag) {
                    *state = State::LiquidBlock {
                        end: end_tag,
                        depth: 0,
                    };
                }
                drop_template_syntax(at, end, notes)
            }
            _ => {
                notes.push(Note {
                    at: at..at + end,
                    message: format!(
                        "Liquid tag `{{% {first} %}}` is not executed; it is left out"
                    ),
                    help: "handbook renders Markdown only; replace the tag with its content",
                });
                (end, Some(String::new()))
            }
        };
    }
    if text.starts_with("{{<") || text.starts_with("{{%") {
        if let Some(html) = super::callouts::hugo_shortcode(inner) {
            return (end, Some(html));
        }
        return match first {
            "ref" | "relref" => (end, words.next().map(unquote)),
            _ => {
                notes.push(Note {
                    at: at..at + end,
                    message: format!(
                        "Hugo shortcode `{first}` is not rendered; it is shown as written"
                    ),
                    help: "replace the shortcode with Markdown or HTML",
                });
                (end, None)
            }
        };
    }
    match inner {
        "site.baseurl" | "site.base_url" | "base_path" => (end, Some(base_path.to_string())),
        expression => match options.liquid_values() {
            Some(values) => match values.lookup(expression) {
                Some(value) => (end, Some(value)),
                None => drop_template_syntax(at, end, notes),
            },
            // A site that is not made for Liquid: `{{ }}` is text.
            None => (end, None),
        },
    }
}

/// Where `{% endraw %}` starts and ends in `text`.
fn raw_block_end(text: &str) -> Option<(usize, usize)> {
    let mut search = 0;
    while let Some(open) = text[search..].find("{%") {
        let at = search + open;
        let close = text[at..].find("%}")?;
        if text[at + 2..at + close].trim_matches('-').trim() == "endraw" {
            return Some((at, at + close + 2));
        }
        search = at + 2;
    }
    None
}

fn kramdown_close(text: &str, name: &str) -> Option<usize> {
    let full = format!("{{:/{name}}}");
    if let Some(i) = text.find(&full) {
        return Some(i + full.len());
    }
    text.find("{:/}").map(|i| i + 4)
}

/// A code fence opening line (left-trimmed): its marker and length.
pub(crate) fn opening_fence(trimmed: &str) -> Option<(u8, usize)> {
    let marker = *trimmed.as_bytes().first()?;
    if marker != b'`' && marker != b'~' {
        return None;
    }
    let len = trimmed.bytes().take_while(|&b| b == marker).count();
    if len < 3 {
        return None;
    }
    if marker == b'`' && trimmed[len..].contains('`') {
        return None;
    }
    Some((marker, len))
}

/// Whether a (left-trimmed) line closes a fence opened with `len` `marker`s:
/// as many or more, and nothing after them.
pub(crate) fn is_closing_fence(trimmed: &str, marker: u8, len: usize) -> bool {
    let n = trimmed.bytes().take_while(|&b| b == marker).count();
    n >= len && trimmed[n..].trim().is_empty()
}

/// `{: .class}` / `{:.class #id}` / `{:name: ...}` alone on a line: the inside.
fn block_ial(trimmed: &str) -> Option<&str> {
    let inner = trimmed.strip_prefix("{:")?.strip_suffix('}')?;
    if inner.starts_with(':') || inner.starts_with('/') || inner.contains('}') {
        return None;
    }
    if inner.trim_start().starts_with("toc") && !inner.trim_start().starts_with("toc-") {
        return None;
    }
    Some(inner)
}

fn is_ald(inner: &str) -> bool {
    let word = inner.split_whitespace().next().unwrap_or("");
    word.ends_with(':') && word.len() > 1 && !word.starts_with(['.', '#'])
}

fn is_toc_item(trimmed: &str) -> bool {
    let rest = trimmed.strip_prefix(['-', '*', '+']).or_else(|| {
        let digits = trimmed.bytes().take_while(u8::is_ascii_digit).count();
        (digits > 0)
            .then(|| &trimmed[digits..])
            .and_then(|r| r.strip_prefix('.'))
    });
    rest.is_some_and(|r| r.starts_with([' ', '\t']) && r.trim() == "TOC")
}

fn toc_ial(trimmed: &str) -> Option<Attrs> {
    let inner = trimmed.strip_prefix("{:")?.strip_suffix('}')?.trim_start();
    let rest = inner.strip_prefix("toc")?;
    if !(rest.is_empty() || rest.starts_with([' ', '\t'])) {
        return None;
    }
    Some(parse_attrs(rest))
}

/// Byte offset of a trailing `{#id ...}` / `{: ...}` / `{.class}` on an ATX heading line.
fn heading_attr_start(content: &str) -> Option<usize> {
    let trimmed = content.trim_start();
    let indent = content.len() - trimmed.len();
    if indent > 3 || !trimmed.starts_with('#') {
        return None;
    }
    let hashes = trimmed.bytes().take_while(|&b| b == b'#').count();
    if hashes > 6 || !trimmed[hashes..].starts_with([' ', '\t']) {
        return None;
    }
    let end = content.trim_end();
    if !end.ends_with('}') {
        return None;
    }
    let open = end.rfind('{')?;
    let inner = &end[open + 1..end.len() - 1];
    let inner = inner.strip_prefix(':').unwrap_or(inner).trim();
    let looks_like_attrs = !inner.is_empty()
        && inner.split_whitespace().all(|w| {
            (w.starts_with('#') && w.len() > 1)
                || (w.starts_with('.') && w.len() > 1)
                || w.contains('=')
        });
    looks_like_attrs.then_some(open)
}

#[cfg(test)]
mod tests;
