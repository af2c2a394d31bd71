//! What kramdown itself accepts, where `handbook` must agree with it: the
//! names in attribute lists, and how far a block HTML element runs.

use std::ops::Range;

use super::attrs::{parse_attrs, Attrs};
use super::block_html::tag_depth;

/// kramdown's `((#[A-Za-z][\w:-]*)|(\.[^\s.#]+))+`: ids start with an
/// ASCII letter and go on with ASCII letters, digits, `_`, `:` and `-`;
/// class names are not empty.
pub(super) fn is_id_and_class_word(word: &str) -> bool {
    let starts: Vec<usize> = word.match_indices(['#', '.']).map(|(i, _)| i).collect();
    let ends = starts.iter().skip(1).copied().chain([word.len()]);
    starts.iter().zip(ends).all(|(&start, end)| {
        let name = &word[start + 1..end];
        if word.as_bytes()[start] == b'.' {
            return !name.is_empty();
        }
        let mut bytes = name.bytes();
        bytes.next().is_some_and(|b| b.is_ascii_alphabetic())
            && bytes.all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b':' | b'-'))
    })
}

/// The index of the line holding the end tag that closes the `name` element
/// opened on line `open` (same-named elements nest); the last line when it
/// is never closed.
pub(super) fn matching_end_line(
    body: &str,
    lines: &[Range<usize>],
    open: usize,
    name: &str,
) -> usize {
    let mut depth = 0;
    for (index, range) in lines.iter().enumerate().skip(open) {
        depth = tag_depth(&body[range.clone()], name, depth);
        if depth == 0 {
            return index;
        }
    }
    lines.len().saturating_sub(1)
}

/// Where `{% endraw %}` starts and ends in `text`.
pub(super) fn raw_block_end(text: &str) -> Option<(usize, usize)> {
    let mut search = 0;
    while let Some(open) = text[search..].find("{%") {
        let at = search + open;
        // The end is looked for after the `{%`: in `{%}` the two overlap.
        let close = text[at + 2..].find("%}")? + 2;
        if text[at + 2..at + close].trim_matches('-').trim() == "endraw" {
            return Some((at, at + close + 2));
        }
        search = at + 2;
    }
    None
}

pub(super) fn kramdown_close(text: &str, name: &str) -> Option<usize> {
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
pub(super) fn block_ial(trimmed: &str) -> Option<&str> {
    let inner = trimmed.strip_prefix("{:")?.strip_suffix('}')?;
    if inner.starts_with(':') || inner.starts_with('/') || inner.contains('}') {
        return None;
    }
    if inner.trim_start().starts_with("toc") && !inner.trim_start().starts_with("toc-") {
        return None;
    }
    Some(inner)
}

pub(super) fn is_ald(inner: &str) -> bool {
    let word = inner.split_whitespace().next().unwrap_or("");
    word.ends_with(':') && word.len() > 1 && !word.starts_with(['.', '#'])
}

pub(super) fn is_toc_item(trimmed: &str) -> bool {
    let rest = trimmed.strip_prefix(['-', '*', '+']).or_else(|| {
        let digits = trimmed.bytes().take_while(u8::is_ascii_digit).count();
        (digits > 0)
            .then(|| &trimmed[digits..])
            .and_then(|r| r.strip_prefix('.'))
    });
    rest.is_some_and(|r| r.starts_with([' ', '\t']) && r.trim() == "TOC")
}

pub(super) fn toc_ial(trimmed: &str) -> Option<Attrs> {
    let inner = trimmed.strip_prefix("{:")?.strip_suffix('}')?.trim_start();
    let rest = inner.strip_prefix("toc")?;
    if !(rest.is_empty() || rest.starts_with([' ', '\t'])) {
        return None;
    }
    Some(parse_attrs(rest))
}

/// Byte offset of a trailing `{#id ...}` / `{: ...}` / `{.class}` on an ATX heading line.
pub(super) fn heading_attr_start(content: &str) -> Option<usize> {
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
mod tests {
    use super::*;

    #[test]
    fn ids_in_attribute_lists_start_with_a_letter() {
        assert!(is_id_and_class_word("#ok-id"));
        assert!(is_id_and_class_word("#a:b.c.d"));
        assert!(is_id_and_class_word(".class#id"));
        assert!(!is_id_and_class_word("#1password-update"));
        assert!(!is_id_and_class_word("#ok#1bad"));
        assert!(!is_id_and_class_word("#"));
        assert!(!is_id_and_class_word("#caf\u{e9}"));
    }

    #[test]
    fn elements_run_to_their_matching_end_tag() {
        let body = "<details markdown=\"1\">\n<details>\n</details>\n## In\n</details>\n## Out\n";
        let lines: Vec<Range<usize>> = {
            let mut start = 0;
            body.split_inclusive('\n')
                .map(|l| {
                    start += l.len();
                    start - l.len()..start
                })
                .collect()
        };
        assert_eq!(matching_end_line(body, &lines, 0, "details"), 4);
        assert_eq!(matching_end_line(body, &lines[..4], 0, "details"), 3);
    }
}
