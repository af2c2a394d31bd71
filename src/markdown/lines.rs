//! A page body line by line, as the passes before the Markdown parser read
//! it: each line's range (with its line ending, so copies keep the text
//! whole), its content, and its indentation.

use std::ops::Range;

use super::kramdown::{is_closing_fence, opening_fence};

/// One line of a body.
pub struct Line<'a> {
    /// The line with its ending, as a range of the body.
    pub range: Range<usize>,
    /// The text after the indentation, without the line ending.
    pub trimmed: &'a str,
    /// Bytes of indentation (spaces and tabs) before `trimmed`.
    pub indent: usize,
}

/// Every line of `body`, the last one with or without an ending.
pub fn lines_of(body: &str) -> impl Iterator<Item = Line<'_>> {
    let bytes = body.as_bytes();
    let last = (!body.ends_with('\n') && !body.is_empty()).then_some(body.len());
    let mut start = 0;
    memchr::memchr_iter(b'\n', bytes)
        .map(|i| i + 1)
        .chain(last)
        .map(move |end| {
            let range = start..end;
            start = end;
            let content = body[range.clone()].trim_end_matches(['\n', '\r']);
            let trimmed = content.trim_start();
            Line {
                indent: content.len() - trimmed.len(),
                trimmed,
                range,
            }
        })
}

/// Which lines are fenced code, read line after line.
#[derive(Debug, Default)]
pub struct Fences {
    /// The open fence's marker and length.
    open: Option<(u8, usize)>,
}

impl Fences {
    /// Whether `line` belongs to a fenced code block: its opening line, its
    /// content or its closing line.
    pub fn is_code(&mut self, line: &Line) -> bool {
        if let Some((marker, len)) = self.open {
            if is_closing_fence(line.trimmed, marker, len) {
                self.open = None;
            }
            return true;
        }
        if line.indent < 4 {
            if let Some(opened) = opening_fence(line.trimmed) {
                self.open = Some(opened);
                return true;
            }
        }
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_keep_their_endings_and_indentation() {
        let lines: Vec<(std::ops::Range<usize>, &str, usize)> = lines_of("a\n  b\r\nc")
            .map(|l| (l.range, l.trimmed, l.indent))
            .collect();
        assert_eq!(lines, vec![(0..2, "a", 0), (2..7, "b", 2), (7..8, "c", 0)]);
        assert_eq!(lines_of("").count(), 0);
    }
}
