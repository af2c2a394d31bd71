//! The page's HTML finished after the Markdown renderer: the placeholders
//! `kramdown::prepare` left become the TOC, raw blocks and attributes
//! (`{:.class}` lists), and the TOC for templates.

use super::kramdown::{self, Attrs, Prepared};
use super::{Heading, RawHtml};
use crate::escape::html_into as escape_into;

/// Whether raw HTML is nothing but the placeholders `kramdown::prepare`
/// leaves for the TOC, raw blocks and attribute lists (`<!--hb:toc-->`).
pub(super) fn only_markers(html: &str) -> bool {
    let mut rest = html.trim();
    while let Some(after) = rest.strip_prefix("<!--hb:") {
        let Some(end) = after.find("-->") else {
            return false;
        };
        rest = after[end + 3..].trim_start();
    }
    rest.is_empty()
}

/// How every marker `kramdown::prepare` leaves starts.
const MARKER_OPEN: &[u8] = b"<!--hb:";

/// Turns markers into attributes, and placeholders into the TOC and raw blocks.
pub(super) fn finish_html(
    html: String,
    marker_attrs: &[Attrs],
    prepared: &Prepared,
    headings: &[Heading],
    raw_html: RawHtml,
) -> String {
    // memmem rather than `str::find`: every page's whole HTML is searched,
    // and most have no marker.
    let marker = memchr::memmem::Finder::new(MARKER_OPEN);
    if marker.find(html.as_bytes()).is_none() {
        return html;
    }
    // Room for what the markers stand for (a TOC lists every heading), so
    // the page is not copied again as it grows.
    let mut out = String::with_capacity(html.len() + html.len() / 4 + 256);
    let mut rest = html.as_str();
    while let Some(p) = marker.find(rest.as_bytes()) {
        out.push_str(&rest[..p]);
        let after = &rest[p + MARKER_OPEN.len()..];
        let Some(close) = after.find("-->") else {
            out.push_str(&rest[p..]);
            rest = "";
            break;
        };
        let directive = &after[..close];
        rest = &after[close + 3..];
        if directive == "toc" {
            let attrs = prepared
                .toc
                .as_ref()
                .map(|t| t.attrs.clone())
                .unwrap_or_default();
            out.push_str(&toc_html(headings, &attrs));
        } else if let Some(n) = directive.strip_prefix("raw:") {
            if let Some((_, raw)) = n
                .parse::<usize>()
                .ok()
                .and_then(|n| prepared.raw_blocks.get(n))
            {
                match raw_html {
                    RawHtml::PassThrough => out.push_str(raw),
                    RawHtml::Escape => escape_into(raw, &mut out),
                }
            }
        } else if let Some(n) = directive.strip_prefix("ial:") {
            let Some(attrs) = n.parse::<usize>().ok().and_then(|n| marker_attrs.get(n)) else {
                continue;
            };
            // The element the attributes belong to is the next tag.
            let ws = rest.len() - rest.trim_start().len();
            out.push_str(&rest[..ws]);
            rest = &rest[ws..];
            if let Some(after) = rest.strip_prefix(kramdown::TOC_PLACEHOLDER) {
                // `{:.no_toc}` on its own line before `- TOC` belongs to the
                // TOC's list (kramdown puts its classes first).
                let mut merged = attrs.clone();
                if let Some(toc) = &prepared.toc {
                    merged.classes.extend(toc.attrs.classes.iter().cloned());
                    merged.pairs.extend(toc.attrs.pairs.iter().cloned());
                    merged.id = toc.attrs.id.clone().or(merged.id);
                }
                out.push_str(&toc_html(headings, &merged));
                rest = after;
            } else if rest.starts_with("<!") {
                // A comment or declaration takes no attributes.
            } else if rest.starts_with('<') && !rest.starts_with("</") {
                let end = tag_end(rest);
                out.push_str(&merge_attrs(&rest[..end], attrs));
                rest = &rest[end..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// Length of the start tag at the beginning of `html`, quotes respected.
fn tag_end(html: &str) -> usize {
    let mut quote = None;
    for (i, c) in html.char_indices() {
        match quote {
            Some(q) if c == q => quote = None,
            Some(_) => {}
            None if c == '"' || c == '\'' => quote = Some(c),
            None if c == '>' => return i + 1,
            None => {}
        }
    }
    html.len()
}

/// Adds attributes to a start tag, merging classes and replacing others.
fn merge_attrs(tag: &str, attrs: &Attrs) -> String {
    let self_closing = tag.ends_with("/>");
    let body = tag
        .trim_start_matches('<')
        .trim_end_matches('>')
        .trim_end_matches('/')
        .trim_end();
    let name_end = body.find(char::is_whitespace).unwrap_or(body.len());
    let name = &body[..name_end];
    let mut existing: Vec<(String, Option<String>)> = Vec::new();
    let mut rest = body[name_end..].trim_start();
    while !rest.is_empty() {
        let key_end = rest
            .find(|c: char| c == '=' || c.is_whitespace())
            .unwrap_or(rest.len());
        let key = rest[..key_end].to_string();
        rest = rest[key_end..].trim_start();
        if let Some(after) = rest.strip_prefix('=') {
            let after = after.trim_start();
            let (value, remaining) = match after.chars().next() {
                Some(q @ ('"' | '\'')) => {
                    let end = after[1..].find(q).map_or(after.len(), |e| e + 1);
                    (
                        after[1..end].to_string(),
                        after.get(end + 1..).unwrap_or(""),
                    )
                }
                _ => {
                    let end = after.find(char::is_whitespace).unwrap_or(after.len());
                    (after[..end].to_string(), &after[end..])
                }
            };
            existing.push((key, Some(value)));
            rest = remaining.trim_start();
        } else {
            existing.push((key, None));
        }
    }
    fn set(existing: &mut Vec<(String, Option<String>)>, key: &str, value: String) {
        match existing.iter_mut().find(|(k, _)| k == key) {
            Some(entry) => entry.1 = Some(value),
            None => existing.push((key.to_string(), Some(value))),
        }
    }
    if let Some(id) = &attrs.id {
        set(&mut existing, "id", escape_attr(id));
    }
    for (k, v) in &attrs.pairs {
        set(&mut existing, k, escape_attr(v));
    }
    if !attrs.classes.is_empty() {
        let mut classes: Vec<String> = existing
            .iter()
            .find(|(k, _)| k == "class")
            .and_then(|(_, v)| v.clone())
            .map(|v| v.split_whitespace().map(str::to_string).collect())
            .unwrap_or_default();
        for c in &attrs.classes {
            let c = escape_attr(c);
            if !classes.contains(&c) {
                classes.push(c);
            }
        }
        set(&mut existing, "class", classes.join(" "));
    }
    let mut out = format!("<{name}");
    for (k, v) in existing {
        match v {
            Some(v) => out.push_str(&format!(" {k}=\"{v}\"")),
            None => out.push_str(&format!(" {k}")),
        }
    }
    out.push_str(if self_closing { " />" } else { ">" });
    out
}

fn escape_attr(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    escape_into(value, &mut out);
    out
}

/// The id of kramdown's TOC list, and the start of its entries' ids.
const TOC_ID: &str = "markdown-toc";

/// Whether a page's body places its own table of contents (kramdown's
/// `{:toc}`): the theme then shows no second one beside it. Every entry of
/// that list has an id starting with [`TOC_ID`], whatever the list's own id.
pub fn places_own_toc(body_html: &str) -> bool {
    body_html
        .match_indices(TOC_ID)
        .any(|(at, _)| body_html[..at].ends_with("id=\""))
}

/// kramdown's TOC: nested `<ul>` of the headings with ids, `{:.no_toc}` left out.
pub fn toc_html(headings: &[Heading], attrs: &Attrs) -> String {
    let mut list_attrs = attrs.clone();
    if list_attrs.id.is_none() {
        list_attrs.id = Some(TOC_ID.into());
    }
    let entries: Vec<&Heading> = headings
        .iter()
        .filter(|h| h.in_toc && h.id.is_some())
        .collect();
    if entries.is_empty() {
        return String::new();
    }
    let mut out = merge_attrs("<ul>", &list_attrs);
    out.push('\n');
    let mut levels: Vec<u8> = Vec::new();
    for h in &entries {
        match levels.last() {
            None => levels.push(h.level),
            Some(&top) if h.level > top => {
                out.push_str("\n<ul>\n");
                levels.push(h.level);
            }
            Some(_) => {
                out.push_str("</li>\n");
                while levels.len() > 1 && levels.last().is_some_and(|&top| h.level < top) {
                    levels.pop();
                    out.push_str("</ul>\n</li>\n");
                }
            }
        }
        let id = h.id.as_deref().unwrap_or("");
        out.push_str("<li><a href=\"#");
        escape_into(id, &mut out);
        out.push_str("\" id=\"");
        out.push_str(TOC_ID);
        out.push('-');
        escape_into(id, &mut out);
        out.push_str("\">");
        escape_into(&h.title, &mut out);
        out.push_str("</a>");
    }
    out.push_str("</li>\n");
    for _ in 1..levels.len() {
        out.push_str("</ul>\n</li>\n");
    }
    out.push_str("</ul>\n");
    out
}

/// Nested TOC for templates: `{level, id, title, children}`.
#[derive(Debug, Clone, serde::Serialize)]
pub struct TocEntry {
    pub level: u8,
    pub id: String,
    pub title: String,
    pub children: Vec<TocEntry>,
}

pub fn toc_tree(headings: &[Heading]) -> Vec<TocEntry> {
    let mut roots: Vec<TocEntry> = Vec::new();
    // Path of open entries as indices, each level's children list.
    for h in headings.iter().filter(|h| h.in_toc && h.level >= 2) {
        let Some(id) = &h.id else { continue };
        let entry = TocEntry {
            level: h.level,
            id: id.clone(),
            title: h.title.clone(),
            children: Vec::new(),
        };
        let mut list = &mut roots;
        while list.last().is_some_and(|last| last.level < entry.level) {
            list = &mut list.last_mut().expect("checked above").children;
        }
        list.push(entry);
    }
    roots
}
