//! A page body line by line, as the passes before the Markdown parser read
//! it: each line's range (with its line ending, so copies keep the text
//! whole), its content, and its indentation.

use std::ops::Range;

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
