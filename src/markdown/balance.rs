//! A page's HTML balanced the way kramdown writes raw HTML back: every
//! element the page opens is closed inside its parent. A browser reads
//! HTML left open very differently: a `<b>` never closed is opened again in
//! every later block (a whole page turns bold), a stray `</div>` closes the
//! theme's content column, `<username>` in a sentence becomes an element
//! and the word disappears.
//!
//! What changes, and only where the page's HTML is unbalanced:
//! - an element left open is closed at its parent's end tag (kramdown's
//!   `<b>bold` becomes `<b>bold</b>` at the end of the paragraph);
//! - a start tag HTML does not know (`<username>`, `<TBC>`), or a block
//!   element opened inside a sentence (`an <h2> heading`), that is never
//!   closed is text, as kramdown writes a block tag in a paragraph;
//! - an end tag with nothing to close is left out;
//! - a block element a paragraph cannot hold (`<p><h4>`) ends the
//!   paragraph first, and a list item, row or cell the next one, as the
//!   HTML parser would, so the page's tags say what the browser builds;
//! - `<image>` is `<img>`, a cell written straight into a table gets its
//!   row, table parts outside a table are left out, a link in a link ends
//!   the first, `<i/>` is `<i></i>`, and a comment never ended ends with the
//!   content: the page's tags say what the HTML parser builds.
//!
//! Two linear passes: the first matches each start tag with its own end
//! tag, the second writes the page with the changes.

use std::collections::HashMap;
use std::ops::Range;

/// Elements without content or end tag.
const VOID: &[&str] = &[
    "area", "base", "br", "col", "embed", "hr", "img", "input", "keygen", "link", "meta", "param",
    "source", "track", "wbr", "basefont", "bgsound", "frame", "image",
];

/// Elements whose content is text up to their end tag.
const RAW_TEXT: &[&str] = &[
    "script",
    "style",
    "textarea",
    "title",
    "xmp",
    "iframe",
    "noembed",
    "noframes",
    "plaintext",
];

/// Start tags that end an open paragraph (HTML's "close a p element").
const ENDS_PARAGRAPH: &[&str] = &[
    "address",
    "article",
    "aside",
    "blockquote",
    "center",
    "details",
    "dialog",
    "dir",
    "div",
    "dl",
    "fieldset",
    "figcaption",
    "figure",
    "footer",
    "form",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "header",
    "hgroup",
    "hr",
    "li",
    "dd",
    "dt",
    "listing",
    "main",
    "menu",
    "nav",
    "ol",
    "p",
    "pre",
    "search",
    "section",
    "summary",
    "table",
    "ul",
];

/// Every element HTML knows, obsolete ones included (`center`, `font`).
const KNOWN: &[&str] = &[
    "a",
    "abbr",
    "acronym",
    "address",
    "applet",
    "area",
    "article",
    "aside",
    "audio",
    "b",
    "base",
    "basefont",
    "bdi",
    "bdo",
    "bgsound",
    "big",
    "blink",
    "blockquote",
    "body",
    "br",
    "button",
    "canvas",
    "caption",
    "center",
    "cite",
    "code",
    "col",
    "colgroup",
    "data",
    "datalist",
    "dd",
    "del",
    "details",
    "dfn",
    "dialog",
    "dir",
    "div",
    "dl",
    "dt",
    "em",
    "embed",
    "fieldset",
    "figcaption",
    "figure",
    "font",
    "footer",
    "form",
    "frame",
    "frameset",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "head",
    "header",
    "hgroup",
    "hr",
    "html",
    "i",
    "iframe",
    "image",
    "img",
    "input",
    "ins",
    "kbd",
    "keygen",
    "label",
    "legend",
    "li",
    "link",
    "listing",
    "main",
    "map",
    "mark",
    "marquee",
    "math",
    "menu",
    "menuitem",
    "meta",
    "meter",
    "nav",
    "nobr",
    "noembed",
    "noframes",
    "noscript",
    "object",
    "ol",
    "optgroup",
    "option",
    "output",
    "p",
    "param",
    "picture",
    "plaintext",
    "pre",
    "progress",
    "q",
    "rb",
    "rp",
    "rt",
    "rtc",
    "ruby",
    "s",
    "samp",
    "script",
    "search",
    "section",
    "select",
    "slot",
    "small",
    "source",
    "spacer",
    "span",
    "strike",
    "strong",
    "style",
    "sub",
    "summary",
    "sup",
    "svg",
    "table",
    "tbody",
    "td",
    "template",
    "textarea",
    "tfoot",
    "th",
    "thead",
    "time",
    "title",
    "tr",
    "track",
    "tt",
    "u",
    "ul",
    "var",
    "video",
    "wbr",
    "xmp",
];

/// Elements that hold text: a block element opened inside one that is
/// never closed was meant as text.
const HOLDS_TEXT: &[&str] = &[
    "p", "h1", "h2", "h3", "h4", "h5", "h6", "a", "abbr", "b", "bdi", "bdo", "big", "cite", "code",
    "dfn", "em", "font", "i", "ins", "del", "kbd", "label", "mark", "q", "s", "samp", "small",
    "span", "strike", "strong", "sub", "sup", "tt", "u", "var",
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Start,
    End,
    /// A comment (`<!--`) or declaration (`<!x`) never ended: a browser
    /// reads the rest of the document, theme and all, as part of it.
    Unended,
}

#[derive(Debug)]
struct Tag {
    kind: Kind,
    /// Lower case.
    name: String,
    range: Range<usize>,
    self_closed: bool,
}

/// `html` balanced; the same string when it already was.
pub fn balanced(html: String) -> String {
    match edits(&html) {
        Some(edits) => apply(&html, &edits),
        None => html,
    }
}

/// The tags of `html` in order: comments, doctypes and the text of raw
/// text elements (`<script>`, `<textarea>`) skipped.
fn tags(html: &str) -> Vec<Tag> {
    let bytes = html.as_bytes();
    let mut tags = Vec::new();
    let mut at = 0;
    while let Some(lt) = memchr::memchr(b'<', &bytes[at..]).map(|i| at + i) {
        let rest = &html[lt..];
        let (opener, closer) = match rest.as_bytes().get(1) {
            Some(b'!') if rest.starts_with("<!--") => ("<!--", "-->"),
            Some(b'!' | b'?') => ("<!", ">"),
            _ => ("", ""),
        };
        // `<!-->` and `<!--->` are whole (empty) comments to the parser.
        if rest.starts_with("<!-->") || rest.starts_with("<!--->") {
            at = lt + rest.find('>').map_or(rest.len(), |i| i + 1);
            continue;
        }
        if !opener.is_empty() {
            match rest[opener.len()..].find(closer) {
                Some(i) => at = lt + opener.len() + i + closer.len(),
                None => {
                    tags.push(Tag {
                        kind: Kind::Unended,
                        name: closer.to_string(),
                        range: lt..html.len(),
                        self_closed: false,
                    });
                    at = html.len();
                }
            }
            continue;
        }
        let kind = if rest.starts_with("</") {
            Kind::End
        } else {
            Kind::Start
        };
        let name_start = lt + if kind == Kind::End { 2 } else { 1 };
        let name_len = bytes[name_start..]
            .iter()
            .take_while(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b':' | b'_'))
            .count();
        if name_len == 0 || !bytes[name_start].is_ascii_alphabetic() {
            at = lt + 1;
            continue;
        }
        let end = tag_end(html, lt);
        let name = html[name_start..name_start + name_len].to_ascii_lowercase();
        let self_closed = html[..end].ends_with("/>");
        at = end;
        if kind == Kind::Start && RAW_TEXT.contains(&name.as_str()) {
            let close = format!("</{name}");
            let text_end = find_ignoring_case(html, end, &close).unwrap_or(html.len());
            tags.push(Tag {
                kind,
                name: name.clone(),
                range: lt..end,
                self_closed,
            });
            at = text_end;
            continue;
        }
        tags.push(Tag {
            kind,
            name,
            range: lt..end,
            self_closed,
        });
    }
    tags
}

/// Where the tag starting at `lt` ends (after its `>`), quotes respected;
/// a `<` before any `>` ends it too (the first `<` was text).
fn tag_end(html: &str, lt: usize) -> usize {
    let bytes = html.as_bytes();
    let mut quote = None;
    for (i, &b) in bytes.iter().enumerate().skip(lt + 1) {
        match (quote, b) {
            (Some(q), b) if b == q => quote = None,
            (Some(_), _) => {}
            // Quotes only open an attribute value after `=`.
            (None, b'"' | b'\'') if bytes[..i].ends_with(b"=") => quote = Some(b),
            (None, b'>') => return i + 1,
            (None, b'<') => return i,
            _ => {}
        }
    }
    html.len()
}

fn find_ignoring_case(html: &str, from: usize, needle: &str) -> Option<usize> {
    let needle = needle.as_bytes();
    html.as_bytes()
        .get(from..)?
        .windows(needle.len())
        .position(|w| w.eq_ignore_ascii_case(needle))
        .map(|i| from + i)
}

fn is_void(tag: &Tag) -> bool {
    VOID.contains(&tag.name.as_str())
}

/// For each tag, whether it is a start tag closed by its own end tag (the
/// plain reading, before any change).
fn closed_by_own_end(tags: &[Tag]) -> Vec<bool> {
    let mut closed = vec![false; tags.len()];
    let mut stack: Vec<usize> = Vec::new();
    let mut open_by_name: HashMap<&str, usize> = HashMap::new();
    for (i, tag) in tags.iter().enumerate() {
        match tag.kind {
            Kind::Start if !is_void(tag) && !tag.self_closed => {
                stack.push(i);
                *open_by_name.entry(&tag.name).or_default() += 1;
            }
            Kind::Start | Kind::Unended => {}
            Kind::End => {
                if open_by_name.get(tag.name.as_str()).copied().unwrap_or(0) == 0 {
                    continue;
                }
                while let Some(open) = stack.pop() {
                    let name = tags[open].name.as_str();
                    if let Some(count) = open_by_name.get_mut(name) {
                        *count -= 1;
                    }
                    if name == tag.name {
                        closed[open] = true;
                        break;
                    }
                }
            }
        }
    }
    closed
}

struct Open<'a> {
    name: &'a str,
    /// Inside `<svg>` or `<math>`: other rules, left as written.
    foreign: bool,
}

/// What to change, in order: each range of `html` replaced by the text.
fn edits(html: &str) -> Option<Vec<(Range<usize>, String)>> {
    memchr::memchr(b'<', html.as_bytes())?;
    let tags = tags(html);
    let closed = closed_by_own_end(&tags);
    let mut edits: Vec<(Range<usize>, String)> = Vec::new();
    let mut stack: Vec<Open> = Vec::new();
    let mut open_by_name: HashMap<&str, usize> = HashMap::new();
    let close = |open: Open, at: usize, edits: &mut Vec<(Range<usize>, String)>| {
        edits.push((at..at, format!("</{}>", open.name)));
    };
    for (i, tag) in tags.iter().enumerate() {
        let name = tag.name.as_str();
        let foreign = stack.last().is_some_and(|o| o.foreign);
        let at = tag.range.start;
        if tag.kind == Kind::Unended {
            // Ended with the content, so the page's own end stays out of it.
            edits.push((html.len()..html.len(), tag.name.clone()));
            continue;
        }
        // Table parts outside a table: the parser leaves the tags out.
        let table_part = matches!(
            name,
            "td" | "th" | "tr" | "tbody" | "thead" | "tfoot" | "caption" | "col" | "colgroup"
        );
        if table_part && !foreign && open_by_name.get("table").copied().unwrap_or(0) == 0 {
            edits.push((tag.range.clone(), String::new()));
            continue;
        }
        if tag.kind == Kind::End {
            if open_by_name.get(name).copied().unwrap_or(0) == 0 {
                // Nothing to close: `</br>` is a line break to the parser,
                // any other is left out.
                if name != "br" {
                    edits.push((tag.range.clone(), String::new()));
                }
                continue;
            }
            while let Some(open) = stack.pop() {
                if let Some(count) = open_by_name.get_mut(open.name) {
                    *count -= 1;
                }
                if open.name == name {
                    break;
                }
                close(open, at, &mut edits);
            }
            continue;
        }
        if foreign || name == "svg" || name == "math" {
            if !tag.self_closed {
                stack.push(Open {
                    name,
                    foreign: true,
                });
                *open_by_name.entry(name).or_default() += 1;
            }
            continue;
        }
        if name == "image" {
            edits.push((at + 1..at + 1 + "image".len(), "img".to_string()));
        }
        if is_void(tag) {
            continue;
        }
        // `<i class="icon"/>`: HTML ignores the `/` and the element stays
        // open; written empty, as kramdown writes it.
        if tag.self_closed {
            let slash = tag.range.end - 2;
            edits.push((slash..tag.range.end, format!("></{name}>")));
            continue;
        }
        // A link inside a link: the parser ends the first one there.
        if name == "a" && open_by_name.get("a").copied().unwrap_or(0) > 0 {
            while let Some(open) = stack.pop() {
                if let Some(count) = open_by_name.get_mut(open.name) {
                    *count -= 1;
                }
                let was_link = open.name == "a";
                close(open, at, &mut edits);
                if was_link {
                    break;
                }
            }
        }
        let in_text = stack.last().is_some_and(|o| HOLDS_TEXT.contains(&o.name));
        let unknown = !KNOWN.contains(&name);
        let block = ENDS_PARAGRAPH.contains(&name) && name != "p";
        if !closed[i] && (unknown || (block && in_text)) {
            edits.push((
                tag.range.clone(),
                crate::escape::html(&html[tag.range.clone()]),
            ));
            continue;
        }
        // A block in a paragraph ends it, and the inline elements open in
        // it (`<p><b>bold <div>`): the parser would close them there and
        // open them again inside the block.
        if ENDS_PARAGRAPH.contains(&name) {
            let inline = |o: &Open| HOLDS_TEXT.contains(&o.name) && !is_text_block(o.name);
            let paragraph = stack.iter().rposition(|o| !inline(o));
            if let Some(p) = paragraph.filter(|&p| stack[p].name == "p" && p + 1 < stack.len()) {
                for open in stack.drain(p + 1..).rev().collect::<Vec<_>>() {
                    if let Some(count) = open_by_name.get_mut(open.name) {
                        *count -= 1;
                    }
                    close(open, at, &mut edits);
                }
            }
        }
        // What the new element ends, as the HTML parser ends it.
        while let Some(top) = stack.last() {
            let ends_top = match top.name {
                "p" => ENDS_PARAGRAPH.contains(&name),
                "li" => name == "li",
                "dt" | "dd" => name == "dt" || name == "dd",
                "td" | "th" => name == "td" || name == "th" || name == "tr",
                "tr" => name == "tr",
                "option" => name == "option" || name == "optgroup",
                _ => false,
            };
            if !ends_top {
                break;
            }
            if let Some(open) = stack.pop() {
                if let Some(count) = open_by_name.get_mut(open.name) {
                    *count -= 1;
                }
                close(open, at, &mut edits);
            }
        }
        // A cell written straight into a table is in a row the parser adds.
        let in_table = stack
            .last()
            .is_some_and(|o| matches!(o.name, "table" | "tbody" | "thead" | "tfoot"));
        if in_table && (name == "td" || name == "th") {
            edits.push((at..at, "<tr>".to_string()));
            stack.push(Open {
                name: "tr",
                foreign: false,
            });
            *open_by_name.entry("tr").or_default() += 1;
        }
        stack.push(Open {
            name,
            foreign: false,
        });
        *open_by_name.entry(name).or_default() += 1;
    }
    while let Some(open) = stack.pop() {
        close(open, html.len(), &mut edits);
    }
    (!edits.is_empty()).then_some(edits)
}

/// A paragraph or heading: text, but a block.
fn is_text_block(name: &str) -> bool {
    matches!(name, "p" | "h1" | "h2" | "h3" | "h4" | "h5" | "h6")
}

fn apply(html: &str, edits: &[(Range<usize>, String)]) -> String {
    let mut out = String::with_capacity(html.len() + edits.len() * 8);
    let mut at = 0;
    for (range, text) in edits {
        if range.start < at {
            continue;
        }
        out.push_str(&html[at..range.start]);
        out.push_str(text);
        at = range.end;
    }
    out.push_str(&html[at..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn b(html: &str) -> String {
        balanced(html.to_string())
    }

    #[test]
    fn balanced_html_stays_as_it_is() {
        let html = "<p>a <b>b</b><br>c</p>\n<ul>\n<li>x</li>\n</ul>\n<svg><path d='M0'/></svg><!-- <i> --><script>if (a<b) {}</script>";
        assert_eq!(b(html), html);
    }

    #[test]
    fn an_element_left_open_closes_with_its_parent() {
        assert_eq!(
            b("<p>A <b>bold start</p>\n<p>Next.</p>"),
            "<p>A <b>bold start</b></p>\n<p>Next.</p>"
        );
        assert_eq!(
            b("<li>Total <ins>Attrition<ins> applied</li>"),
            "<li>Total <ins>Attrition<ins> applied</ins></ins></li>"
        );
        assert_eq!(
            b("<details><summary>x"),
            "<details><summary>x</summary></details>"
        );
    }

    #[test]
    fn placeholders_and_block_tags_in_a_sentence_are_text() {
        assert_eq!(
            b("<p>Replace <username> with yours.</p>"),
            "<p>Replace &lt;username&gt; with yours.</p>"
        );
        assert_eq!(
            b("<p><em>or an <h2>, you set up</em></p>"),
            "<p><em>or an &lt;h2&gt;, you set up</em></p>"
        );
        // A custom element the page closes is the page's business.
        assert_eq!(b("<x-card>a</x-card>"), "<x-card>a</x-card>");
    }

    #[test]
    fn stray_end_tags_are_left_out() {
        assert_eq!(b("<div>a</div></div><p>b</p>"), "<div>a</div><p>b</p>");
        assert_eq!(b("a</span> b</br>"), "a b</br>");
    }

    #[test]
    fn a_paragraph_ends_before_a_block_as_the_parser_ends_it() {
        assert_eq!(
            b("<p class=\"c\">\n<h4>Title</h4>\n</p>"),
            "<p class=\"c\">\n</p><h4>Title</h4>\n"
        );
        assert_eq!(b("<ul><li>a<li>b</ul>"), "<ul><li>a</li><li>b</li></ul>");
        assert_eq!(
            b("<table><tr><td>a</table></div>"),
            "<table><tr><td>a</td></tr></table>"
        );
        assert_eq!(
            b("<table><tr><td>a</td></tr><td>b</td></tr></table>"),
            "<table><tr><td>a</td></tr><tr><td>b</td></tr></table>"
        );
    }

    #[test]
    fn what_the_parser_would_read_otherwise_is_written_as_it_reads_it() {
        assert_eq!(
            b("<p>a <!-- never ended</p>"),
            "<p>a <!-- never ended</p>--></p>"
        );
        assert_eq!(b("<p>a <!--> <b>b</b></p>"), "<p>a <!--> <b>b</b></p>");
        assert_eq!(
            b("<p>a <i class=\"x\"/> b</p>"),
            "<p>a <i class=\"x\"></i> b</p>"
        );
        assert_eq!(b("<p><td>cell</td></p>"), "<p>cell</p>");
        assert_eq!(
            b("<a href=a>one <a href=b>two</a></a>"),
            "<a href=a>one </a><a href=b>two</a>"
        );
        assert_eq!(
            b("<p><b>bold <div>block</div> more</b></p>"),
            "<p><b>bold </b></p><div>block</div> more"
        );
    }

    #[test]
    fn image_is_img() {
        assert_eq!(b("<image src=\"a.png\">"), "<img src=\"a.png\">");
    }
}
