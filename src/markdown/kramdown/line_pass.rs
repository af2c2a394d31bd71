//! The line pass itself: each line of the body in turn, in the state the
//! lines before it left (fence, comment, raw block, ERB, Liquid block), is
//! copied, rewritten or taken out, and what was taken out is recorded.
//!
//! A line outside those states is offered to each reading in turn (a fence
//! or comment opening, a kramdown extension or attribute list, the TOC
//! marker, heading attributes, block HTML); the first that claims it writes
//! it, and a line none claims is copied with its tags translated.

mod html_lines;

use std::ops::Range;

use super::erb_liquid::liquid_block_line;
use super::line_copy::copy_line;
use super::syntax::{
    block_ial, heading_attr_start, is_ald, is_closing_fence, is_toc_item, kramdown_close,
    opening_fence, raw_block_end, toc_ial,
};
use super::{
    lines, parse_attrs, AttrTarget, BlockAttr, Builder, PrepareOptions, Prepared, State,
    TocRequest, RAW_PLACEHOLDER, TOC_PLACEHOLDER,
};

/// Rewrites a body that [`super::needs_pass`] found may need it.
pub(super) fn rewrite(body: &str, options: &PrepareOptions) -> Prepared {
    LinePass::new(body, options).run()
}

/// One line of the body as the pass reads it.
struct Line<'a> {
    /// Where the line is in the body, its ending included.
    range: Range<usize>,
    /// The line with its ending.
    text: &'a str,
    /// The line without its ending.
    content: &'a str,
    /// The line without its ending and the whitespace around it.
    trimmed: &'a str,
    /// The width of the line's indentation, in bytes.
    indent: usize,
}

/// The pass under way: what it has written, what it has taken out, and the
/// state the lines so far leave it in.
struct LinePass<'a, 'o, 'v> {
    body: &'a str,
    options: &'o PrepareOptions<'v>,
    lines: Vec<Range<usize>>,
    /// The index of the line after the one being read.
    next: usize,
    out: Builder<'a>,
    prepared: Prepared,
    state: State,
    /// As the site sets it, until a `{::options parse_block_html="..."}`.
    parse_block_html: bool,
    /// Open elements that asked for Markdown with `markdown="1"`.
    markdown_blocks: usize,
    /// The outermost block HTML element around Markdown: where it began in
    /// the output and the index of its end tag's line.
    element: Option<(usize, usize)>,
    /// The `{::nomarkdown}` block read so far, a verbatim slice of the body
    /// from the block's start (so offsets into it map back by addition).
    raw_buffer: String,
    /// Whether the last line written counts as blank: an attribute list
    /// after a blank line is for the next block, otherwise the previous.
    previous_blank: bool,
}

impl<'a, 'o, 'v> LinePass<'a, 'o, 'v> {
    fn new(body: &'a str, options: &'o PrepareOptions<'v>) -> Self {
        LinePass {
            body,
            options,
            lines: lines(body),
            next: 0,
            out: Builder::new(body),
            prepared: Prepared {
                changed: true,
                ..Prepared::default()
            },
            state: State::Normal,
            parse_block_html: options.parse_block_html,
            markdown_blocks: 0,
            element: None,
            raw_buffer: String::new(),
            previous_blank: true,
        }
    }

    fn run(mut self) -> Prepared {
        while self.next < self.lines.len() {
            if self.copied_prose() {
                continue;
            }
            self.close_passed_element();
            let line = self.take_line();
            if !self.line_in_state(&line) {
                self.normal_line(&line);
            }
        }
        self.finish()
    }

    /// Copies the run of lines from the next one that are prose (see
    /// [`prose_line`]) in one piece, outside any construct; whether there
    /// was any. Most of a page is such lines, and each read on its own
    /// went through every reading below for nothing.
    fn copied_prose(&mut self) -> bool {
        if self.state != State::Normal || self.element.is_some() {
            return false;
        }
        let first = self.next;
        while let Some(blank) = self
            .lines
            .get(self.next)
            .and_then(|range| prose_line(&self.body[range.clone()], self.options.erb))
        {
            self.previous_blank = blank;
            self.next += 1;
        }
        if self.next == first {
            return false;
        }
        self.out
            .copy(self.lines[first].start..self.lines[self.next - 1].end);
        true
    }

    /// The next line, which the pass is then reading.
    fn take_line(&mut self) -> Line<'a> {
        let range = self.lines[self.next].clone();
        self.next += 1;
        let text = &self.body[range.clone()];
        let content = text.trim_end_matches(['\n', '\r']);
        let unindented = content.trim_start();
        Line {
            range,
            text,
            content,
            trimmed: unindented.trim_end(),
            indent: content.len() - unindented.len(),
        }
    }

    /// The line `index` lines after the one being read, trimmed; `None` past
    /// the end.
    fn line_after(&self, index: usize) -> Option<&'a str> {
        let body = self.body;
        self.lines
            .get(self.next + index)
            .map(|r| body[r.clone()].trim())
    }

    /// Copies `range` of the body with the tags in it translated.
    fn copy_line(&mut self, range: Range<usize>) {
        copy_line(
            &mut self.out,
            range,
            self.options,
            &mut self.state,
            &mut self.prepared.notes,
        );
    }

    /// Once the pass is past the end tag of the element around Markdown,
    /// the element's span is recorded.
    fn close_passed_element(&mut self) {
        if let Some((start, end_line)) = self.element {
            if self.next > end_line {
                self.prepared
                    .html_element_spans
                    .push(start..self.out.written());
                self.element = None;
            }
        }
    }

    /// Closes what the body left open and hands the result on.
    fn finish(mut self) -> Prepared {
        if let State::NoMarkdown { start } = self.state {
            let index = self.prepared.raw_blocks.len();
            let raw = std::mem::take(&mut self.raw_buffer);
            self.prepared.raw_blocks.push((start, raw));
            self.out
                .insert(&format!("\n{RAW_PLACEHOLDER}{index}-->\n"), start);
        }
        if let Some((start, _)) = self.element {
            self.prepared
                .html_element_spans
                .push(start..self.out.written());
        }
        let mut prepared = self.prepared;
        (prepared.text, prepared.map) = self.out.finish();
        prepared
    }

    /// A line inside a fence, comment, raw block, ERB tag or skipped Liquid
    /// block: copied or left out, and the state ended where the construct
    /// ends. False in the normal state, when nothing is done.
    fn line_in_state(&mut self, line: &Line) -> bool {
        let range = line.range.clone();
        let content = line.content;
        match self.state {
            State::Normal => return false,
            State::Fence { marker, len } => {
                if is_closing_fence(line.trimmed, marker, len)
                    || line.trimmed.starts_with("{% endhighlight")
                {
                    self.state = State::Normal;
                }
                self.copy_line(range);
                self.previous_blank = false;
            }
            State::HtmlComment => {
                if content.contains("-->") {
                    self.state = State::Normal;
                }
                self.out.copy(range);
            }
            State::KramdownComment => {
                if let Some(end) = kramdown_close(content, "comment") {
                    self.state = State::Normal;
                    if !content[end..].trim().is_empty() {
                        self.out.copy(range.start + end..range.end);
                    }
                }
            }
            State::NoMarkdown { start } => self.no_markdown_line(line, start),
            State::LiquidComment => {
                if content.contains("endcomment") {
                    self.state = State::Normal;
                }
            }
            State::LiquidBlock { end, depth } => {
                self.state = liquid_block_line(content, end, depth);
            }
            State::LiquidRaw => match raw_block_end(content) {
                Some((tag_start, tag_end)) => {
                    self.state = State::Normal;
                    self.out.copy(range.start..range.start + tag_start);
                    self.out.copy(range.start + tag_end..range.end);
                }
                None => self.out.copy(range),
            },
            State::Erb => {
                if let Some(end) = content.find("%>") {
                    self.state = State::Normal;
                    if !content[end + 2..].trim().is_empty() {
                        self.out.copy(range.start + end + 2..range.end);
                    }
                }
            }
        }
        true
    }

    /// A line of a `{::nomarkdown}` block: kept aside up to `{:/`, then the
    /// block is put back as one placeholder.
    fn no_markdown_line(&mut self, line: &Line, start: usize) {
        let Some(close) = line.content.find("{:/") else {
            self.raw_buffer.push_str(line.text);
            return;
        };
        self.raw_buffer.push_str(&line.content[..close]);
        self.state = State::Normal;
        let index = self.prepared.raw_blocks.len();
        let raw = std::mem::take(&mut self.raw_buffer);
        self.prepared.raw_blocks.push((start, raw));
        self.out
            .insert(&format!("\n{RAW_PLACEHOLDER}{index}-->\n\n"), start);
    }

    /// A line outside any construct: the first reading that claims it
    /// writes it; a line none claims is copied.
    fn normal_line(&mut self, line: &Line) {
        let claimed = self.opens_construct(line)
            || self.kramdown_line(line)
            || self.toc_marker(line)
            || self.heading_with_attrs(line)
            || self.block_html(line)
            || self.element_then_text(line)
            || self.ends_html_block(line);
        if !claimed {
            self.ordinary_line(line);
        }
    }

    /// A code fence or an HTML comment that runs on past this line.
    fn opens_construct(&mut self, line: &Line) -> bool {
        if let Some((marker, len)) = opening_fence(line.trimmed) {
            self.state = State::Fence { marker, len };
            self.copy_line(line.range.clone());
        } else if line.trimmed.starts_with("<!--") && !line.trimmed.contains("-->") {
            self.state = State::HtmlComment;
            self.out.copy(line.range.clone());
        } else {
            return false;
        }
        self.previous_blank = false;
        true
    }

    /// kramdown extensions (`{::name}`) and block attribute lists: lines
    /// that start with `{:`. All but `{::nomarkdown}` leave a blank line in
    /// their place.
    fn kramdown_line(&mut self, line: &Line) -> bool {
        if let Some(rest) = line.trimmed.strip_prefix("{::") {
            self.extension(line, rest);
        } else if let Some(inner) = line
            .trimmed
            .starts_with("{:")
            .then(|| block_ial(line.trimmed))
            .flatten()
        {
            self.block_attr_list(inner);
            self.out.insert("\n", line.range.start);
        } else {
            return false;
        }
        self.previous_blank = true;
        true
    }

    /// `{::comment}`, `{::nomarkdown}`, `{::options}`; any other extension
    /// is dropped, as kramdown drops it.
    fn extension(&mut self, line: &Line, rest: &str) {
        let name: String = rest
            .chars()
            .take_while(|c| c.is_ascii_alphabetic())
            .collect();
        let open_end = line.content.find('}').map_or(line.content.len(), |i| i + 1);
        match name.as_str() {
            // Its placeholder stands in for the line.
            "nomarkdown" => return self.no_markdown_opening(line, open_end),
            "comment" => self.comment_opening(line, open_end),
            "options" => self.options_line(rest),
            _ => {}
        }
        self.out.insert("\n", line.range.start);
    }

    /// `{::options parse_block_html="true" /}`: the option holds for the
    /// lines after it.
    fn options_line(&mut self, rest: &str) {
        let attrs = parse_attrs(
            rest.trim_start_matches("options")
                .trim_end_matches('}')
                .trim_end_matches('/'),
        );
        for (key, value) in &attrs.pairs {
            if key == "parse_block_html" {
                self.parse_block_html = value == "true";
            }
        }
    }

    /// `{::comment}`: left out up to its end, on this line or a later one.
    fn comment_opening(&mut self, line: &Line, open_end: usize) {
        let (content, range) = (line.content, &line.range);
        match kramdown_close(&content[open_end..], "comment") {
            Some(end) => {
                if !content[open_end + end..].trim().is_empty() {
                    self.out.copy(range.start + open_end + end..range.end);
                }
            }
            None => self.state = State::KramdownComment,
        }
    }

    /// `{::nomarkdown}`: a raw block, closed on this line or kept aside
    /// until it is.
    fn no_markdown_opening(&mut self, line: &Line, open_end: usize) {
        let range = &line.range;
        let after = &line.content[open_end..];
        if let Some(close) = after.find("{:/") {
            let index = self.prepared.raw_blocks.len();
            self.prepared
                .raw_blocks
                .push((range.start + open_end, after[..close].to_string()));
            self.out
                .insert(&format!("\n{RAW_PLACEHOLDER}{index}-->\n\n"), range.start);
            return;
        }
        self.raw_buffer.clear();
        let start = if after.trim().is_empty() {
            range.end
        } else {
            self.raw_buffer.push_str(&line.text[open_end..]);
            range.start + open_end
        };
        self.state = State::NoMarkdown { start };
    }

    /// `{: .class #id}` alone on a line: recorded for the block before or
    /// after it. Definitions (`{:name: .class}`) only name attributes for
    /// references, which are not supported: they are dropped.
    fn block_attr_list(&mut self, inner: &str) {
        if is_ald(inner) {
            return;
        }
        // kramdown: after a blank line the IAL waits for the next block
        // (even past another blank line); otherwise it is the previous one's.
        let target = if self.previous_blank {
            AttrTarget::Next
        } else {
            AttrTarget::Previous
        };
        self.prepared.block_attrs.push(BlockAttr {
            at: self.out.written(),
            target,
            attrs: parse_attrs(inner),
        });
    }

    /// `- TOC` followed by `{:toc ...}`: both lines become the TOC's place.
    fn toc_marker(&mut self, line: &Line) -> bool {
        if !is_toc_item(line.trimmed) {
            return false;
        }
        let Some(attrs) = self.line_after(0).and_then(toc_ial) else {
            return false;
        };
        self.prepared.toc.get_or_insert(TocRequest { attrs });
        self.out
            .insert(&format!("{TOC_PLACEHOLDER}\n"), line.range.start);
        self.next += 1;
        self.previous_blank = true;
        true
    }

    /// `## Heading {#id .class}` and `## Heading {: #id}`: the attributes
    /// are recorded for the heading and taken off its line.
    fn heading_with_attrs(&mut self, line: &Line) -> bool {
        let Some(attr_start) = heading_attr_start(line.content) else {
            return false;
        };
        let content = line.content;
        let inner = content[attr_start..]
            .trim_end()
            .trim_start_matches('{')
            .trim_start_matches(':')
            .trim_end_matches('}');
        self.prepared.block_attrs.push(BlockAttr {
            at: self.out.written(),
            target: AttrTarget::HeadingOnLine,
            attrs: parse_attrs(inner),
        });
        let keep_end = line.range.start + content[..attr_start].trim_end().len();
        self.out.copy(line.range.start..keep_end);
        self.out.insert("\n", keep_end);
        self.previous_blank = false;
        true
    }

    /// Any other line: copied with its tags translated. A line that held
    /// only tags that were removed is dropped, so tables and lists around
    /// it stay whole.
    fn ordinary_line(&mut self, line: &Line) {
        let trimmed = line.trimmed;
        let blank = trimmed.is_empty();
        let before = self.out.written();
        self.copy_line(line.range.clone());
        if self.state == State::Normal
            && memchr::memchr(b'{', trimmed.as_bytes()).is_some()
            && trimmed.contains("{% comment")
            && !trimmed.contains("endcomment")
        {
            self.state = State::LiquidComment;
        }
        let emitted_blank = self.out.written_since(before).trim().is_empty();
        if !blank && emitted_blank && self.out.written() > before {
            self.out.truncate(before);
            return;
        }
        self.previous_blank = blank;
    }
}

/// `Some(blank)` for a line no reading of [`LinePass::normal_line`] claims
/// and that holds no tag to translate, so it is copied as written: blank,
/// or starting with a letter (every reading wants its line to start with
/// one of `` ` ~ < { # - * + `` or a digit) and without `{` (nor `<` where
/// ERB runs). `None` for any other line.
fn prose_line(text: &str, erb: bool) -> Option<bool> {
    let Some(&first) = text.trim_start().as_bytes().first() else {
        return Some(true);
    };
    let bytes = text.as_bytes();
    let plain = first.is_ascii_alphabetic()
        && memchr::memchr(b'{', bytes).is_none()
        && !(erb && memchr::memchr(b'<', bytes).is_some());
    plain.then_some(false)
}

#[cfg(test)]
mod tests {
    use super::prose_line;

    #[test]
    fn prose_is_blank_or_starts_with_a_letter_and_holds_no_tag() {
        let erb_off = [
            ("\n", Some(true)),
            ("   \t\n", Some(true)),
            (
                "Plain words, a [link](x.md) and <b>bold</b>.\n",
                Some(false),
            ),
            ("    indented words\n", Some(false)),
            ("Words with {{ liquid }}\n", None),
            ("Words {: .class}\n", None),
            ("# Heading {#id}\n", None),
            ("- TOC\n", None),
            ("* item\n", None),
            ("+ item\n", None),
            ("1. item\n", None),
            ("```ruby\n", None),
            ("~~~\n", None),
            ("<div markdown=\"1\">\n", None),
            ("{:toc}\n", None),
            ("\u{c9}t\u{e9}\n", None),
        ];
        for (line, expected) in erb_off {
            assert_eq!(prose_line(line, false), expected, "{line:?}");
        }
        assert_eq!(prose_line("Hello <%= name %>\n", true), None);
        assert_eq!(prose_line("Hello <b>you</b>\n", false), Some(false));
    }
}
