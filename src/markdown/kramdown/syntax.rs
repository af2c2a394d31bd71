//! What kramdown itself accepts, where `handbook` must agree with it: the
//! names in attribute lists, and how far a block HTML element runs.

use std::ops::Range;

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
