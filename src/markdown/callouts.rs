//! Callouts as each generator writes them, shown as the theme's alerts:
//!
//! - GitHub: `> [!NOTE]` (also TIP, IMPORTANT, WARNING, CAUTION), from the
//!   parser's block quote kinds ([`github_alerts`]);
//! - MkDocs (admonition, pymdownx.details): `!!! note "Title"` with its
//!   content indented four spaces, `??? note` collapsed and `???+ note`
//!   open ([`rewrite_blocks`]);
//! - Docusaurus: `:::note Title` … `:::` ([`rewrite_blocks`]);
//! - Hugo's common shortcodes: `note`, `tip`, `warning`, `alert`, `callout`,
//!   `details`, `youtube` and `figure` ([`hugo_shortcode`]).
//!
//! The block forms are rewritten to HTML that opens and closes around the
//! content with blank lines, so the content stays Markdown; an offset map
//! keeps positions in the page true.

use pulldown_cmark::{BlockQuoteKind, CowStr, Event, Tag, TagEnd};

use super::kramdown::{Builder, OffsetMap};
use super::lines::{lines_of, Fences};
use super::needle;
use crate::escape::html as escape;

/// The theme's alert class and the title a callout type shows by default.
fn alert_style(kind: &str) -> (&'static str, String) {
    let kind = kind.to_ascii_lowercase();
    let class = match kind.as_str() {
        "tip" | "hint" | "important" | "success" | "check" | "done" => "alert alert-success",
        "warning" | "caution" | "attention" => "alert alert-warning",
        "danger" | "error" | "failure" | "fail" | "missing" | "bug" => "alert alert-danger",
        "example" | "quote" | "cite" => "alert panel",
        _ => "alert alert-info",
    };
    let mut title = kind;
    if let Some(first) = title.get(..1) {
        let upper = first.to_ascii_uppercase();
        title.replace_range(..1, &upper);
    }
    (class, title)
}

fn open_html(kind: &str, title: Option<&str>, collapsible: Collapsible) -> String {
    let (class, default_title) = alert_style(kind);
    let title = title.map_or(default_title, str::to_string);
    let kind_class = escape(&kind.to_ascii_lowercase());
    match collapsible {
        Collapsible::No => {
            let heading = if title.is_empty() {
                String::new()
            } else {
                format!("<p class=\"alert-title\">{}</p>\n", escape(&title))
            };
            format!(
                "<div class=\"{class} callout callout-{kind_class}\" role=\"note\">\n{heading}\n"
            )
        }
        Collapsible::Closed | Collapsible::Open => {
            let open = if collapsible == Collapsible::Open {
                " open"
            } else {
                ""
            };
            format!(
                "<details class=\"{class} callout callout-{kind_class}\"{open}>\n<summary>{}</summary>\n\n",
                escape(&title)
            )
        }
    }
}

fn close_html(collapsible: Collapsible) -> &'static str {
    match collapsible {
        Collapsible::No => "\n</div>\n",
        Collapsible::Open | Collapsible::Closed => "\n</details>\n",
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Collapsible {
    No,
    Closed,
    Open,
}

/// An MkDocs admonition line: `!!! type "title"`, `??? type`, `???+ type`.
fn admonition(trimmed: &str) -> Option<(String, Option<String>, Collapsible)> {
    let (rest, collapsible) = if let Some(rest) = trimmed.strip_prefix("!!!") {
        (rest, Collapsible::No)
    } else if let Some(rest) = trimmed.strip_prefix("???+") {
        (rest, Collapsible::Open)
    } else if let Some(rest) = trimmed.strip_prefix("???") {
        (rest, Collapsible::Closed)
    } else {
        return None;
    };
    if !rest.starts_with(' ') {
        return None;
    }
    let rest = rest.trim();
    let kind_end = rest
        .find(|c: char| c.is_whitespace() || c == '"')
        .unwrap_or(rest.len());
    let kind = rest[..kind_end].to_string();
    if kind.is_empty()
        || !kind
            .chars()
            .all(|c| c.is_alphanumeric() || c == '-' || c == '_')
    {
        return None;
    }
    let title = rest[kind_end..]
        .trim()
        .strip_prefix('"')
        .and_then(|t| t.strip_suffix('"'))
        .map(str::to_string);
    Some((kind, title, collapsible))
}

/// A Material for MkDocs content tab's title line: `=== "macOS"` (`===!`
/// starts a new set, `===+` is the one selected). Each tab shows as a
/// titled box, one after the other: every tab's content is there to read
/// and to search.
fn content_tab(trimmed: &str) -> Option<&str> {
    let rest = trimmed.strip_prefix("===")?;
    let rest = rest.strip_prefix(['!', '+']).unwrap_or(rest);
    rest.strip_prefix(' ')?
        .trim()
        .strip_prefix('"')?
        .strip_suffix('"')
}

/// A Docusaurus admonition opening line: `:::note` or `:::tip Title`, and
/// how many colons it has (its closing line has as many).
fn docusaurus_open(trimmed: &str) -> Option<(usize, String, Option<String>)> {
    let colons = trimmed.bytes().take_while(|&b| b == b':').count();
    if colons < 3 {
        return None;
    }
    let rest = &trimmed[colons..];
    let kind_end = rest
        .find(|c: char| c.is_whitespace() || c == '[' || c == '{')
        .unwrap_or(rest.len());
    let kind = &rest[..kind_end];
    if kind.is_empty() || !kind.chars().all(|c| c.is_ascii_alphabetic()) {
        return None;
    }
    let title = rest[kind_end..]
        .trim()
        .trim_start_matches('[')
        .trim_end_matches(']')
        .trim();
    Some((
        colons,
        kind.to_string(),
        (!title.is_empty()).then(|| title.to_string()),
    ))
}

/// MkDocs and Docusaurus callouts rewritten as HTML around their Markdown
/// content; `None` when the body has none.
pub fn rewrite_blocks(body: &str) -> Option<(String, OffsetMap)> {
    let bytes = body.as_bytes();
    let has_mkdocs = needle::contains(bytes, b"!!! ")
        || needle::contains(bytes, b"??? ")
        || needle::contains(bytes, b"???+ ")
        || needle::contains(bytes, b"=== \"");
    let has_docusaurus = needle::contains(bytes, b":::");
    if !has_mkdocs && !has_docusaurus {
        return None;
    }
    let mut builder = Builder::new(body);
    let mut changed = false;
    let mut fences = Fences::default();
    // The MkDocs callout or content tab being read: its indent, and the
    // HTML that closes it.
    let mut admonition_open: Option<(usize, &str)> = None;
    // Open Docusaurus callouts: their colon counts.
    let mut docusaurus: Vec<usize> = Vec::new();
    for whole in lines_of(body) {
        let (line, trimmed, indent) = (whole.range.clone(), whole.trimmed, whole.indent);
        if let Some((open_indent, closing)) = admonition_open {
            let inside = trimmed.is_empty() || indent >= open_indent + 4;
            if inside {
                let dedent = (open_indent + 4).min(indent + trimmed.len());
                builder.copy(line.start + if trimmed.is_empty() { 0 } else { dedent }..line.end);
                continue;
            }
            builder.insert(closing, line.start);
            admonition_open = None;
        }
        if fences.is_code(&whole) {
            builder.copy(line);
            continue;
        }
        if indent < 4 {
            if let Some((kind, title, collapsible)) = admonition(trimmed) {
                builder.insert(&open_html(&kind, title.as_deref(), collapsible), line.start);
                admonition_open = Some((indent, close_html(collapsible)));
                changed = true;
                continue;
            }
            if let Some(title) = content_tab(trimmed) {
                let title = escape(title);
                let open = format!(
                    "<div class=\"panel callout callout-tab\" role=\"group\">\n<p class=\"alert-title\">{title}</p>\n\n"
                );
                builder.insert(&open, line.start);
                admonition_open = Some((indent, close_html(Collapsible::No)));
                changed = true;
                continue;
            }
            if let Some(&colons) = docusaurus.last() {
                let closing = trimmed.bytes().all(|b| b == b':') && trimmed.len() >= colons;
                if closing {
                    builder.insert(close_html(Collapsible::No), line.start);
                    docusaurus.pop();
                    continue;
                }
            }
            if let Some((colons, kind, title)) = docusaurus_open(trimmed) {
                builder.insert(
                    &open_html(&kind, title.as_deref(), Collapsible::No),
                    line.start,
                );
                docusaurus.push(colons);
                changed = true;
                continue;
            }
        }
        builder.copy(line);
    }
    if let Some((_, closing)) = admonition_open {
        builder.insert(closing, body.len());
    }
    for _ in docusaurus {
        builder.insert(close_html(Collapsible::No), body.len());
    }
    changed.then(|| builder.finish())
}

/// GitHub's `> [!NOTE]` block quotes as the theme's alerts.
pub fn github_alerts(events: &mut [(Event, std::ops::Range<usize>)]) {
    for (event, _) in events.iter_mut() {
        let replacement = match event {
            Event::Start(Tag::BlockQuote(Some(kind))) => {
                let name = match kind {
                    BlockQuoteKind::Note => "note",
                    BlockQuoteKind::Tip => "tip",
                    BlockQuoteKind::Important => "important",
                    BlockQuoteKind::Warning => "warning",
                    BlockQuoteKind::Caution => "caution",
                };
                open_html(name, None, Collapsible::No)
            }
            Event::End(TagEnd::BlockQuote(Some(_))) => close_html(Collapsible::No).to_string(),
            _ => continue,
        };
        *event = Event::Html(CowStr::from(replacement));
    }
}

/// What a Hugo shortcode of the common set writes (`name` and its
/// arguments as written inside `{{< >}}`), or `None` for other shortcodes.
pub fn hugo_shortcode(inner: &str) -> Option<String> {
    let inner = inner.trim();
    if let Some(closing) = inner.strip_prefix('/') {
        return match closing.trim() {
            "note" | "tip" | "warning" | "info" | "alert" | "callout" | "hint" | "notice" => {
                Some(close_html(Collapsible::No).to_string())
            }
            "details" => Some(close_html(Collapsible::Closed).to_string()),
            // Docsy's and the GitLab handbook's boxes.
            "panel" | "card" => Some(close_html(Collapsible::No).to_string()),
            "cardpane" => Some("\n</div>\n".to_string()),
            _ => None,
        };
    }
    let name_end = inner.find(char::is_whitespace).unwrap_or(inner.len());
    let (name, args) = (&inner[..name_end], shortcode_args(&inner[name_end..]));
    let named = |key: &str| {
        args.iter()
            .find(|(k, _)| k.as_deref() == Some(key))
            .map(|(_, v)| v.as_str())
    };
    let first = args.first().map(|(_, v)| v.as_str());
    match name {
        "note" | "tip" | "warning" | "info" => {
            Some(open_html(name, named("title"), Collapsible::No))
        }
        "alert" | "callout" | "hint" | "notice" => {
            let kind = named("type")
                .or(named("color"))
                .or(args
                    .first()
                    .filter(|(k, _)| k.is_none())
                    .map(|(_, v)| v.as_str()))
                .unwrap_or("info");
            Some(open_html(alert_kind(kind), named("title"), Collapsible::No))
        }
        "panel" | "card" => {
            let kind = named("header-bg").map_or("info", alert_kind);
            let header = named("header").or(named("title")).map(without_emphasis);
            Some(open_html(kind, Some(header.unwrap_or("")), Collapsible::No))
        }
        "cardpane" => Some("<div class=\"cardpane\">\n\n".to_string()),
        // A GitLab issue label, as its name.
        "label" => named("name")
            .or(first)
            .map(|label| format!("<span class=\"label\">{}</span>", escape(label))),
        "details" => {
            let summary = named("summary")
                .or(named("title"))
                .or(first)
                .unwrap_or("Details");
            let open = if named("open").is_some_and(|v| v == "true") {
                Collapsible::Open
            } else {
                Collapsible::Closed
            };
            Some(format!(
                "<details class=\"callout\"{}>\n<summary>{}</summary>\n\n",
                if open == Collapsible::Open {
                    " open"
                } else {
                    ""
                },
                escape(summary)
            ))
        }
        "youtube" => {
            // `ID` or `ID?start=431`, as Hugo puts it into the address.
            let id = named("id").or(first)?;
            let (video, query) = id.split_once('?').unwrap_or((id, ""));
            let id_chars = |c: char| c.is_ascii_alphanumeric() || c == '-' || c == '_';
            if video.is_empty()
                || !video.chars().all(id_chars)
                || !query.chars().all(|c| id_chars(c) || c == '=' || c == '&')
            {
                return None;
            }
            let title = named("title").unwrap_or("YouTube video");
            Some(format!(
                "<figure class=\"video_container\"><iframe src=\"https://www.youtube-nocookie.com/embed/{}\" title=\"{}\" loading=\"lazy\" allowfullscreen></iframe></figure>",
                escape(id),
                escape(title)
            ))
        }
        "figure" => {
            let src = named("src")?;
            let alt = named("alt").or(named("caption")).unwrap_or("");
            let caption = named("caption")
                .or(named("title"))
                .map(|c| format!("<figcaption>{}</figcaption>", escape(c)))
                .unwrap_or_default();
            Some(format!(
                "<figure><img src=\"{}\" alt=\"{}\" loading=\"lazy\">{caption}</figure>",
                escape(src),
                escape(alt)
            ))
        }
        _ => None,
    }
}

/// The alert an alert's or panel's colour stands for.
fn alert_kind(color: &str) -> &str {
    match color {
        "primary" | "secondary" | "light" | "dark" => "info",
        "red" => "danger",
        "yellow" | "orange" => "warning",
        "green" => "success",
        other => other,
    }
}

/// A title written with Markdown emphasis around it (`**Notes**`), as text.
fn without_emphasis(title: &str) -> &str {
    title.trim().trim_matches(['*', '_']).trim()
}

/// `a "b c" key="v" key=w` as `[(None, a), (None, b c), (key, v), (key, w)]`.
pub(super) fn shortcode_args(text: &str) -> Vec<(Option<String>, String)> {
    let mut args = Vec::new();
    let mut rest = text.trim();
    while !rest.is_empty() {
        let (key, after_key) = match rest.find(['=', ' ', '"']) {
            Some(eq) if rest.as_bytes()[eq] == b'=' => {
                (Some(rest[..eq].to_string()), &rest[eq + 1..])
            }
            _ => (None, rest),
        };
        let (value, next) = match after_key.chars().next() {
            Some(quote @ ('"' | '`')) => match after_key[1..].find(quote) {
                Some(end) => (after_key[1..1 + end].to_string(), &after_key[end + 2..]),
                None => (after_key[1..].to_string(), ""),
            },
            _ => {
                let end = after_key
                    .find(char::is_whitespace)
                    .unwrap_or(after_key.len());
                (after_key[..end].to_string(), &after_key[end..])
            }
        };
        args.push((key, value));
        rest = next.trim_start();
    }
    args
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rewritten(body: &str) -> String {
        rewrite_blocks(body).map_or_else(|| body.to_string(), |(text, _)| text)
    }

    #[test]
    fn mkdocs_admonitions_become_alerts_around_their_markdown() {
        assert_eq!(
            rewritten("Intro\n\n!!! warning \"Mind the gap\"\n    Keep **clear**.\n\n    - a\n\nAfter\n"),
            "Intro\n\n<div class=\"alert alert-warning callout callout-warning\" role=\"note\">\n<p class=\"alert-title\">Mind the gap</p>\n\nKeep **clear**.\n\n- a\n\n\n</div>\nAfter\n"
        );
        let collapsed = rewritten("??? note\n    Hidden\n");
        assert!(collapsed.starts_with(
            "<details class=\"alert alert-info callout callout-note\">\n<summary>Note</summary>"
        ));
        assert!(collapsed.ends_with("Hidden\n\n</details>\n"));
        assert!(rewritten("???+ tip\n    Shown\n")
            .contains("<details class=\"alert alert-success callout callout-tip\" open>"));
    }

    #[test]
    fn mkdocs_content_tabs_become_titled_boxes() {
        let out = rewritten("Install:\n\n=== \"macOS\"\n\n    ```sh\n    brew install x\n    ```\n\n===+ \"Linux <x>\"\n    Use **apt**.\n\nAfter\n");
        assert_eq!(out.matches("callout-tab").count(), 2, "{out}");
        assert!(
            out.contains("<p class=\"alert-title\">macOS</p>\n\n\n```sh\nbrew install x\n```\n"),
            "{out}"
        );
        assert!(
            out.contains("<p class=\"alert-title\">Linux &lt;x&gt;</p>"),
            "{out}"
        );
        assert!(out.ends_with("Use **apt**.\n\n\n</div>\nAfter\n"), "{out}");
        // Not a tab: a paragraph line, or no quoted title.
        assert_eq!(rewritten("a\n=== b\n"), "a\n=== b\n");
    }

    #[test]
    fn docusaurus_admonitions_nest_by_colons() {
        let out = rewritten(":::tip Pro tip\nUse `x`.\n::::note\ninner\n::::\n:::\nafter\n");
        assert_eq!(out.matches("<div class=").count(), 2, "{out}");
        assert_eq!(out.matches("</div>").count(), 2, "{out}");
        assert!(out.contains("<p class=\"alert-title\">Pro tip</p>"));
        assert!(out.ends_with("</div>\nafter\n"), "{out}");
    }

    #[test]
    fn code_and_prose_stay() {
        let body = "```\n!!! note\n:::tip\n```\nWhat??? no.\nRatio 1:::2\n";
        assert_eq!(rewritten(body), body);
    }

    #[test]
    fn hugo_shortcodes() {
        assert!(
            hugo_shortcode(" alert type=\"warning\" ").is_some_and(|h| h.contains("alert-warning"))
        );
        assert_eq!(hugo_shortcode("/alert"), Some("\n</div>\n".into()));
        let video = hugo_shortcode("youtube id=\"dQw4w9WgXcQ\" title=\"Demo\"").expect("video");
        assert!(video.contains("embed/dQw4w9WgXcQ") && video.contains("title=\"Demo\""));
        assert!(hugo_shortcode("youtube \"x\\\" onload=alert(1)\"").is_none());
        let figure = hugo_shortcode("figure src=\"/img/a.png\" caption=\"A <b>\"").expect("figure");
        assert!(figure.contains("<figcaption>A &lt;b&gt;</figcaption>"));
        assert!(hugo_shortcode("details \"More\"")
            .is_some_and(|h| h.contains("<summary>More</summary>")));
        assert_eq!(hugo_shortcode("gist user 123"), None);
        // The start time goes along; nothing else than a query may.
        let at = hugo_shortcode("youtube \"S197ok0lBtw?start=431&t=1\"").expect("video");
        assert!(at.contains("embed/S197ok0lBtw?start=431&amp;t=1\""), "{at}");
        assert!(hugo_shortcode("youtube \"x?a=<b>\"").is_none());
    }

    /// The GitLab handbook's and Docsy's boxes and labels.
    #[test]
    fn panels_cards_and_labels() {
        let panel = hugo_shortcode("panel header=\"**Best Practices**\" header-bg=\"success\"")
            .expect("panel");
        assert!(panel.contains("alert-success"), "{panel}");
        assert!(
            panel.contains("<p class=\"alert-title\">Best Practices</p>"),
            "{panel}"
        );
        assert_eq!(hugo_shortcode("/panel"), Some("\n</div>\n".into()));
        let card = hugo_shortcode("card").expect("card");
        assert!(!card.contains("alert-title"), "no header, no title: {card}");
        assert_eq!(
            hugo_shortcode("cardpane").zip(hugo_shortcode("/cardpane")),
            Some(("<div class=\"cardpane\">\n\n".into(), "\n</div>\n".into()))
        );
        assert_eq!(
            hugo_shortcode("label name=\"section::<ops>\" color=\"#f0ad4e\""),
            Some("<span class=\"label\">section::&lt;ops&gt;</span>".into())
        );
    }
}
