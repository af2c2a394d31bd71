//! The lines of block HTML, which CommonMark and kramdown read differently:
//! an element whose content is Markdown (`markdown="1"`, or under
//! `parse_block_html`) is set apart by blank lines so the Markdown inside is
//! parsed; an element and text on one line are split where kramdown ends
//! the element; a `<summary>`'s text becomes a paragraph of its own.

use super::super::block_html::{
    block_element_then_text, block_html_line, center_content, closes_block_element,
    closing_block_tag_then_text, is_lone_inline_tag, kind_of_markdown_attr, opening_tag_name,
    summary_end, summary_markdown, BlockHtml,
};
use super::super::syntax::matching_end_line;
use super::{Line, LinePass, State};

impl LinePass<'_, '_, '_> {
    /// A line of block HTML whose content is Markdown (`markdown="1"`, or
    /// `parse_block_html`): set apart by blank lines so the Markdown around
    /// and inside it is parsed, as kramdown does.
    pub(super) fn block_html(&mut self, line: &Line) -> bool {
        let trimmed = line.trimmed;
        let Some(kind) = block_html_line(trimmed) else {
            return false;
        };
        let is_summary =
            opening_tag_name(trimmed).is_some_and(|n| n.eq_ignore_ascii_case("summary"));
        let parse_here = self.parses_markdown_inside(trimmed, &kind, is_summary);
        let opens = matches!(kind, BlockHtml::Open);
        if parse_here && opens && self.element.is_none() {
            // The element runs to its matching end tag, wherever the lines
            // between take this pass.
            if let Some(name) =
                opening_tag_name(trimmed).filter(|n| !n.eq_ignore_ascii_case("summary"))
            {
                let end_line = matching_end_line(self.body, &self.lines, self.next - 1, name);
                self.element = Some((self.out.written(), end_line));
            }
        }
        // Content that is itself HTML stays one HTML block: splitting it
        // would turn indented tags into a code block.
        if !parse_here || (opens && self.next_is_html()) {
            return false;
        }
        match kind {
            // `<summary>[a link](/x/)</summary>`: the text is its own
            // paragraph (the theme shows it inline).
            BlockHtml::Summary if summary_markdown(trimmed).is_some() => {
                self.summary_on_its_line(line);
            }
            BlockHtml::Open | BlockHtml::Summary => {
                self.out.copy(line.range.clone());
                if !line.text.ends_with('\n') {
                    self.out.insert("\n", line.range.end);
                }
                self.out.insert("\n", line.range.end);
                if is_summary && opens {
                    if let Some(after) = self.copy_summary_text() {
                        self.next = after;
                    }
                }
            }
            BlockHtml::Close => {
                self.out.insert("\n", line.range.start);
                self.out.copy(line.range.clone());
                // `</details>` then a line of text: kramdown reads the text
                // as a paragraph.
                let next_is_text = self.line_after(0).is_some_and(|l| !l.is_empty());
                if next_is_text && line.text.ends_with('\n') {
                    self.out.insert("\n", line.range.end);
                }
            }
        }
        self.previous_blank = true;
        true
    }

    /// Whether the content of the block HTML on this line is Markdown:
    /// `markdown="0"` keeps an element raw even under `parse_block_html`,
    /// `markdown="1"` parses it even without. Counts the elements opened
    /// with `markdown="1"` so their end tags are known.
    fn parses_markdown_inside(
        &mut self,
        trimmed: &str,
        kind: &BlockHtml,
        is_summary: bool,
    ) -> bool {
        match (kind_of_markdown_attr(trimmed), kind) {
            (Some(false), _) => false,
            // A summary's end tag is not a line of its own to count.
            (Some(true), _) if is_summary => true,
            (Some(true), _) => {
                self.markdown_blocks += 1;
                true
            }
            (None, BlockHtml::Close) if self.markdown_blocks > 0 => {
                self.markdown_blocks -= 1;
                true
            }
            (None, BlockHtml::Summary) if self.markdown_blocks > 0 => true,
            (None, _) => self.parse_block_html,
        }
    }

    /// Whether the next line that is not blank starts with a tag (not an
    /// end tag).
    fn next_is_html(&self) -> bool {
        let body = self.body;
        self.lines[self.next..]
            .iter()
            .map(|r| body[r.clone()].trim())
            .find(|l| !l.is_empty())
            .is_some_and(|l| l.starts_with('<') && !l.starts_with("</"))
    }

    /// `<summary>[a link](/x/)</summary>` on one line: the text between the
    /// tags made a paragraph of its own.
    fn summary_on_its_line(&mut self, line: &Line) {
        let inner = summary_markdown(line.trimmed).unwrap_or_default();
        let range = &line.range;
        let lead = range.start + line.indent;
        self.out.copy(range.start..lead + inner.start);
        self.out.insert("\n\n", lead + inner.start);
        self.copy_line(lead + inner.start..lead + inner.end);
        self.out.insert("\n\n", lead + inner.end);
        self.out.copy(lead + inner.end..range.end);
        let ending = if line.text.ends_with('\n') {
            "\n"
        } else {
            "\n\n"
        };
        self.out.insert(ending, range.end);
    }

    /// The text of a `<summary>` opened alone on the line just read, up to
    /// its end tag: each line unindented (an indented one would be code),
    /// the end tag after a blank line. Returns the index of the line after
    /// the end tag; `None` (nothing copied) when it is not within a few
    /// lines.
    fn copy_summary_text(&mut self) -> Option<usize> {
        let body = self.body;
        let first = self.next;
        let last = (first..self.lines.len().min(first + 12))
            .find(|&j| summary_end(&body[self.lines[j].clone()]).is_some())?;
        for index in first..=last {
            let r = self.lines[index].clone();
            let line = &body[r.clone()];
            let start = r.start + line.len() - line.trim_start().len();
            let Some(end) = summary_end(line) else {
                self.copy_line(start..r.end);
                continue;
            };
            let end = r.start + end;
            self.copy_line(start.min(end)..end);
            self.out.insert("\n\n", end);
            self.out.copy(end..r.end);
            // Text right after the end tag is a paragraph, not more of the
            // HTML block the end tag starts.
            let next_is_text = self
                .lines
                .get(last + 1)
                .is_some_and(|n| !body[n.clone()].trim().is_empty());
            if next_is_text && line.ends_with('\n') {
                self.out.insert("\n", r.end);
            }
        }
        Some(last + 1)
    }

    /// An element and text on one line, where kramdown ends the element and
    /// reads the text as a paragraph but CommonMark would keep the whole
    /// line, link syntax and all, in the HTML block: `<center>text</center>`,
    /// `</figure> [a link](/x/)!`.
    pub(super) fn element_then_text(&mut self, line: &Line) -> bool {
        let indent = line.indent;
        if indent >= 4 {
            return false;
        }
        let range = &line.range;
        if let Some(inner) = center_content(line.trimmed) {
            let at = range.start + indent;
            self.out.copy(range.start..at + inner.start);
            self.out.insert("\n\n", at + inner.start);
            self.copy_line(at + inner.start..at + inner.end);
            self.out.insert("\n\n", at + inner.end);
            self.out.copy(at + inner.end..range.end);
        } else if let Some(tag_len) = closing_block_tag_then_text(line.trimmed)
            .or_else(|| block_element_then_text(line.trimmed))
        {
            let split = range.start + indent + tag_len;
            self.out.copy(range.start..split);
            self.out.insert("\n\n", split);
            self.copy_line(split..range.end);
        } else {
            return false;
        }
        self.previous_blank = false;
        true
    }

    /// A block element that ends on its own line ends there, as in kramdown:
    /// CommonMark would run its HTML block on through the next lines and
    /// show the Markdown in them as text. So does a lone inline tag starting
    /// a block (`<br>` before a heading): kramdown reads it as part of a
    /// paragraph, CommonMark as an HTML block that swallows the heading.
    pub(super) fn ends_html_block(&mut self, line: &Line) -> bool {
        let trimmed = line.trimmed;
        let ends_block =
            closes_block_element(trimmed) || (self.previous_blank && is_lone_inline_tag(trimmed));
        if line.indent >= 4 || !line.text.ends_with('\n') || !ends_block {
            return false;
        }
        let next = self.line_after(0).unwrap_or("");
        if next.is_empty() || next.starts_with('<') {
            return false;
        }
        self.copy_line(line.range.clone());
        if self.state == State::Normal {
            self.out.insert("\n", line.range.end);
        }
        self.previous_blank = true;
        true
    }
}
