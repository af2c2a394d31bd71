//! A page's content as written: its tags in order, each start tag matched to
//! its end tag on a stack of open elements. An end tag that closes an
//! element deeper in the stack leaves the ones above it open across their
//! parent's end (what HTML then does with them is the parser's business,
//! and rarely what the author meant); an end tag with nothing to close, or
//! an element still open at the end of the content, is unbalanced too.

use std::collections::BTreeMap;

/// Elements that never have content or an end tag.
const VOID: &[&str] = &[
    "area", "base", "br", "col", "embed", "hr", "img", "input", "keygen", "link", "meta", "param",
    "source", "track", "wbr",
];

/// Elements whose end tag HTML lets the author leave out: the next sibling
/// or the parent's end closes them, by the specification.
const OPTIONAL_END: &[&str] = &[
    "p", "li", "dt", "dd", "tr", "td", "th", "thead", "tbody", "tfoot", "option", "optgroup",
    "colgroup", "caption", "rb", "rt", "rp", "rtc",
];

/// Elements whose text is not HTML: everything up to their end tag is skipped.
const RAW_TEXT: &[&str] = &["script", "style", "textarea", "title", "xmp"];

/// What the tags say.
#[derive(Debug, Default)]
pub struct Written {
    /// Start tags by element name (lower case).
    pub elements: BTreeMap<String, usize>,
    pub problems: Vec<String>,
}

struct Open {
    name: String,
    /// The start tag, for the message.
    tag: String,
    /// Inside `<svg>` or `<math>`, where `<x/>` closes itself.
    foreign: bool,
}

pub fn read(html: &str) -> Written {
    let mut written = Written::default();
    let mut stack: Vec<Open> = Vec::new();
    let mut at = 0;
    while let Some(lt) = html[at..].find('<').map(|i| at + i) {
        let rest = &html[lt..];
        if rest.starts_with("<!-->") || rest.starts_with("<!--->") {
            // Whole (empty) comments to the parser.
            at = lt + rest.find('>').map_or(rest.len(), |i| i + 1);
            continue;
        }
        if let Some(comment) = rest.strip_prefix("<!--") {
            at = comment.find("-->").map_or(html.len(), |i| lt + 4 + i + 3);
            continue;
        }
        if rest.starts_with("<!") || rest.starts_with("<?") {
            at = rest.find('>').map_or(html.len(), |i| lt + i + 1);
            continue;
        }
        let closing = rest.starts_with("</");
        let name_start = if closing { 2 } else { 1 };
        let name: String = rest[name_start..]
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == ':')
            .collect::<String>()
            .to_ascii_lowercase();
        if name.is_empty() || !name.starts_with(|c: char| c.is_ascii_alphabetic()) {
            // `<` as text (the renderer escapes it, raw HTML may not).
            at = lt + 1;
            continue;
        }
        let end = tag_end(rest).map_or(html.len(), |i| lt + i);
        let tag = &html[lt..end];
        at = end;
        let foreign = stack.last().is_some_and(|o| o.foreign) || name == "svg" || name == "math";
        if closing {
            close(&name, tag, &mut stack, &mut written.problems);
            continue;
        }
        *written.elements.entry(name.clone()).or_default() += 1;
        let self_closed = tag.ends_with("/>");
        if VOID.contains(&name.as_str()) || (foreign && self_closed) {
            continue;
        }
        if self_closed {
            written.problems.push(format!(
                "`{}` is not an empty element in HTML: it stays open",
                short(tag)
            ));
        }
        if RAW_TEXT.contains(&name.as_str()) {
            let close_tag = format!("</{name}");
            at = html[at..]
                .to_ascii_lowercase()
                .find(&close_tag)
                .map_or(html.len(), |i| at + i);
        }
        stack.push(Open {
            name,
            tag: short(tag),
            foreign,
        });
    }
    for open in stack {
        if !OPTIONAL_END.contains(&open.name.as_str()) {
            written
                .problems
                .push(format!("`{}` is never closed", open.tag));
        }
    }
    written
}

fn close(name: &str, tag: &str, stack: &mut Vec<Open>, problems: &mut Vec<String>) {
    let Some(depth) = stack.iter().rposition(|o| o.name == name) else {
        // An end tag with nothing of the content's to close: a browser
        // closes an element of the theme around the content with it (or,
        // for `</p>` and `</br>`, makes an empty element).
        problems.push(format!("`{tag}` closes nothing the content opened"));
        return;
    };
    for open in stack.drain(depth + 1..) {
        if !OPTIONAL_END.contains(&open.name.as_str()) {
            problems.push(format!("`{}` is left open by `{tag}`", open.tag));
        }
    }
    stack.pop();
}

/// Length of the tag at the start of `html`, quotes respected.
fn tag_end(html: &str) -> Option<usize> {
    let mut quote = None;
    for (i, c) in html.char_indices().skip(1) {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '"' | '\'') => quote = Some(c),
            (None, '>') => return Some(i + 1),
            // A `<` before the `>`: the first was text.
            (None, '<') => return Some(i),
            _ => {}
        }
    }
    None
}

fn short(tag: &str) -> String {
    let mut s: String = tag.chars().take(80).collect();
    if s.len() < tag.len() {
        s.push('…');
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn balanced_content_has_no_problems() {
        let w =
            read("<p>a <b>b</b><br>c</p><ul><li>x<li>y</ul><svg><path d='M0'/></svg><!-- <i> -->");
        assert_eq!(w.problems, Vec::<String>::new());
        assert_eq!(w.elements["li"], 2);
    }

    #[test]
    fn an_element_left_open_is_named() {
        let w = read("<p>a <b>bold</p><p>more</p>");
        assert_eq!(w.problems, ["`<b>` is left open by `</p>`"]);
        let w = read("<i class=\"fas fa-x\"/> text");
        assert_eq!(w.problems.len(), 2);
        let w = read("<div>a</div></div>");
        assert_eq!(w.problems, ["`</div>` closes nothing the content opened"]);
    }
}
