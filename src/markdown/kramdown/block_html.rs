//! Which lines of a page are block HTML, as kramdown reads them: the
//! block-level tags (CommonMark's HTML block type 6), the elements whose
//! content kramdown parses as Markdown under `parse_block_html` or
//! `markdown="1"`, and where a block element ends on its line.

use std::ops::Range;

/// `markdown="0"` -> Some(false); `markdown="1"`, `"block"`, `"span"` -> Some(true).
pub(super) fn kind_of_markdown_attr(tag_line: &str) -> Option<bool> {
    let at = tag_line.find("markdown=")?;
    let value = tag_line[at + 9..].trim_start_matches(['"', '\'']);
    Some(!value.starts_with('0'))
}

pub(super) enum BlockHtml {
    Open,
    Close,
    Summary,
}

/// CommonMark's block-level tags (HTML block type 6).
const BLOCK_TAGS: &[&str] = &[
    "address",
    "article",
    "aside",
    "base",
    "basefont",
    "blockquote",
    "body",
    "caption",
    "center",
    "col",
    "colgroup",
    "dd",
    "details",
    "dialog",
    "dir",
    "div",
    "dl",
    "dt",
    "fieldset",
    "figcaption",
    "figure",
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
    "hr",
    "html",
    "iframe",
    "legend",
    "li",
    "link",
    "main",
    "menu",
    "menuitem",
    "nav",
    "noframes",
    "ol",
    "optgroup",
    "option",
    "p",
    "param",
    "search",
    "section",
    "summary",
    "table",
    "tbody",
    "td",
    "tfoot",
    "th",
    "thead",
    "title",
    "tr",
    "track",
    "ul",
];

const VOID_BLOCK_TAGS: &[&str] = &[
    "base", "basefont", "col", "frame", "hr", "link", "param", "track",
];

/// A line that is one whole block-level element (`<iframe ...></iframe>`,
/// `<hr>`) or the end tag of one (`</div>`).
/// The length of a block element's end tag that starts the line and is
/// followed by text (not another tag): `</figure> text`.
pub(super) fn closing_block_tag_then_text(trimmed: &str) -> Option<usize> {
    let rest = trimmed.strip_prefix("</")?;
    let close = rest.find('>')?;
    let name = rest[..close].trim();
    if !BLOCK_TAGS.iter().any(|t| name.eq_ignore_ascii_case(t)) {
        return None;
    }
    let tag_len = 2 + close + 1;
    let after = trimmed[tag_len..].trim_start();
    (!after.is_empty() && !after.starts_with('<')).then_some(tag_len)
}

pub(super) fn closes_block_element(trimmed: &str) -> bool {
    if let Some(name) = trimmed.strip_prefix("</").and_then(|r| r.strip_suffix('>')) {
        return BLOCK_TAGS
            .iter()
            .any(|t| name.trim().eq_ignore_ascii_case(t));
    }
    let Some(tag) = opening_tag_name(trimmed) else {
        return false;
    };
    if !BLOCK_TAGS.iter().any(|t| tag.eq_ignore_ascii_case(t)) || !trimmed.ends_with('>') {
        return false;
    }
    VOID_BLOCK_TAGS.iter().any(|t| tag.eq_ignore_ascii_case(t)) || tag_depth(trimmed, tag, 0) == 0
}

/// A line that is one start or end tag of an inline element (`<br>`,
/// `<span class="x">`, `</a>`): CommonMark's HTML block type 7.
pub(super) fn is_lone_inline_tag(trimmed: &str) -> bool {
    let name = match trimmed.strip_prefix("</") {
        Some(rest) => rest.trim_end_matches('>').trim(),
        None => match opening_tag_name(trimmed) {
            Some(name) => name,
            None => return false,
        },
    };
    let is_one_tag = trimmed.ends_with('>') && trimmed[1..].find('<').is_none();
    let raw_text = ["script", "style", "pre", "textarea"];
    is_one_tag
        && !name.is_empty()
        && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
        && !BLOCK_TAGS.iter().any(|t| name.eq_ignore_ascii_case(t))
        && !raw_text.iter().any(|t| name.eq_ignore_ascii_case(t))
}

/// `div` in `<div class="x">`.
pub(super) fn opening_tag_name(trimmed: &str) -> Option<&str> {
    let rest = trimmed.strip_prefix('<')?;
    let len = rest
        .bytes()
        .take_while(|b| b.is_ascii_alphanumeric() || *b == b'-')
        .count();
    (len > 0 && rest.as_bytes()[0].is_ascii_alphabetic()).then(|| &rest[..len])
}

/// How many `tag` elements are open after `line`, given `depth` before it.
pub(super) fn tag_depth(line: &str, tag: &str, mut depth: usize) -> usize {
    let lower = line.to_ascii_lowercase();
    let tag = tag.to_ascii_lowercase();
    let bytes = lower.as_bytes();
    let mut i = 0;
    while let Some(lt) = lower[i..].find('<').map(|p| p + i) {
        i = lt + 1;
        let (closing, name_start) = match bytes.get(lt + 1) {
            Some(b'/') => (true, lt + 2),
            _ => (false, lt + 1),
        };
        let after = name_start + tag.len();
        let is_tag = lower[name_start..].starts_with(&tag)
            && bytes
                .get(after)
                .is_none_or(|b| b.is_ascii_whitespace() || matches!(b, b'>' | b'/'));
        if !is_tag {
            continue;
        }
        if closing {
            depth = depth.saturating_sub(1);
        } else if !lower[after..]
            .split('>')
            .next()
            .unwrap_or("")
            .ends_with('/')
        {
            depth += 1;
        }
    }
    depth
}

const PARSED_BLOCK_TAGS: &[&str] = &[
    "div", "details", "section", "article", "aside", "figure", "center", "main", "header",
    "footer", "nav",
];

/// A line that is only a block-level opening or closing tag whose content
/// kramdown parses as Markdown under `parse_block_html`.
pub(super) fn block_html_line(trimmed: &str) -> Option<BlockHtml> {
    if let Some(rest) = trimmed.strip_prefix("</") {
        let name = rest.strip_suffix('>')?.trim();
        return PARSED_BLOCK_TAGS
            .iter()
            .any(|t| name.eq_ignore_ascii_case(t))
            .then_some(BlockHtml::Close);
    }
    let rest = trimmed.strip_prefix('<')?;
    if rest.starts_with("summary") || rest.starts_with("SUMMARY") {
        if trimmed.ends_with("</summary>") || trimmed.ends_with("</SUMMARY>") {
            return Some(BlockHtml::Summary);
        }
        // `<summary markdown="span">` alone on its line: its content follows.
        let tag_end = rest.find('>')?;
        return (tag_end == rest.len() - 1).then_some(BlockHtml::Open);
    }
    let name_len = rest.bytes().take_while(u8::is_ascii_alphanumeric).count();
    let name = &rest[..name_len];
    if !PARSED_BLOCK_TAGS
        .iter()
        .any(|t| name.eq_ignore_ascii_case(t))
    {
        return None;
    }
    // The whole line must be the opening tag.
    let tag_end = rest.find('>')?;
    (tag_end == rest.len() - 1 && !rest.ends_with("/>")).then_some(BlockHtml::Open)
}

/// The length of a block element that starts the line and ends on it,
/// followed by text: `<figure><iframe ...></iframe></figure>Below is a
/// guide ... [link](/x/)`. kramdown ends the element at its end tag and
/// reads the rest as a paragraph; CommonMark would keep the whole line,
/// link syntax and all, in the HTML block.
pub(super) fn block_element_then_text(trimmed: &str) -> Option<usize> {
    let name = opening_tag_name(trimmed)?;
    let is_block = BLOCK_TAGS.iter().any(|t| name.eq_ignore_ascii_case(t))
        && !VOID_BLOCK_TAGS.iter().any(|t| name.eq_ignore_ascii_case(t));
    if !is_block {
        return None;
    }
    let lower = trimmed.to_ascii_lowercase();
    let close = format!("</{}>", name.to_ascii_lowercase());
    let end = lower
        .match_indices(&close)
        .map(|(at, _)| at + close.len())
        .find(|&end| tag_depth(&trimmed[..end], name, 0) == 0)?;
    let after = trimmed[end..].trim_start();
    (!after.is_empty() && !after.starts_with('<')).then_some(end)
}

/// `<center>![logo](/logo.png)</center>` on one line: where the content
/// starts and ends. `<center>` only ever wraps what it centres, so its
/// content is read as Markdown (kramdown, without `parse_block_html`, shows
/// the image syntax as text).
pub(super) fn center_content(trimmed: &str) -> Option<Range<usize>> {
    // The tag name first: most lines are not HTML, and finding `>` scans
    // the whole line.
    let name = opening_tag_name(trimmed)?;
    let open_end = trimmed.find('>')? + 1;
    if !name.eq_ignore_ascii_case("center") {
        return None;
    }
    let close = trimmed.len().checked_sub("</center>".len())?;
    // Not a character boundary: the line does not end in the (ASCII) end tag.
    let tail = trimmed.get(close..)?;
    if !tail.eq_ignore_ascii_case("</center>") || close <= open_end {
        return None;
    }
    let inner = &trimmed[open_end..close];
    (!inner.trim().is_empty() && !inner.trim_start().starts_with('<')).then_some(open_end..close)
}

/// `<summary>[Public holidays](https://...)</summary>` on one line: where
/// its content is, when the content holds Markdown to render.
pub(super) fn summary_markdown(trimmed: &str) -> Option<Range<usize>> {
    let open_end = trimmed.find('>')? + 1;
    let close = trimmed.len().checked_sub("</summary>".len())?;
    // Not a character boundary: the line does not end in the (ASCII) end tag.
    let tail = trimmed.get(close..)?;
    if !tail.eq_ignore_ascii_case("</summary>") || close <= open_end {
        return None;
    }
    let inner = &trimmed[open_end..close];
    let has_markdown = inner.contains("](") || inner.contains("**") || inner.contains('`');
    (has_markdown && !inner.contains('<')).then_some(open_end..close)
}

/// Where `</summary>` starts in a line, if it is there.
pub(super) fn summary_end(line: &str) -> Option<usize> {
    line.to_ascii_lowercase().find("</summary>")
}
