//! A page's rendered Markdown as the theme shows it under the page title:
//! the theme prints the title as the page's one `<h1>`, so
//!
//! - a body that opens with an `# h1` equal to the title (or a page whose
//!   title comes from that heading, as GitHub shows a README) loses that
//!   heading, and the theme puts the heading's id on its title so links to
//!   `#heading` still land there;
//! - a body that still holds `# h1` headings after that (handbook pages often
//!   use `#` for their top sections) has every heading moved one level down,
//!   `h1` to `h2` and so on (`h6` stays), so the outline keeps its shape and
//!   the page keeps one `<h1>`. Ids, the TOC and links are unchanged.

use std::borrow::Cow;

use crate::markdown::{BodyLost, Rendered};

/// The body HTML and the id of the heading the title stands for.
pub struct PageBody<'a> {
    pub html: Cow<'a, str>,
    pub title_id: Option<&'a str>,
}

/// The body of a page whose front matter title is `title` (when it has one);
/// an error when the body was set aside in a file that lost it.
pub fn page_body<'a>(
    title: Option<&str>,
    rendered: &'a Rendered,
) -> Result<PageBody<'a>, BodyLost> {
    let html = rendered.body_html()?;
    let (kept, title_id) = without_title_heading(title, &html, rendered);
    let html = match html {
        Cow::Borrowed(all) => Cow::Borrowed(&all[kept]),
        Cow::Owned(mut all) => {
            all.truncate(kept.end);
            all.drain(..kept.start);
            Cow::Owned(all)
        }
    };
    let html = if has_heading_one(&html) {
        Cow::Owned(demote_headings(&html))
    } else {
        html
    };
    Ok(PageBody { html, title_id })
}

/// The part of `html` the page shows under its title, and the id of the
/// heading the title stands for.
fn without_title_heading<'a>(
    title: Option<&str>,
    html: &str,
    rendered: &'a Rendered,
) -> (std::ops::Range<usize>, Option<&'a str>) {
    let whole = 0..html.len();
    let trimmed = html.trim_start();
    let Some(first) = rendered.headings.first().filter(|h| h.level == 1) else {
        return (whole, None);
    };
    let same_as_title =
        title.is_none_or(|title| title.trim().eq_ignore_ascii_case(first.title.trim()));
    if !same_as_title || !trimmed.starts_with("<h1") {
        return (whole, None);
    }
    match trimmed.find("</h1>") {
        Some(end) => {
            let after = &trimmed[end + 5..];
            let kept = after.trim_start_matches('\n');
            (html.len() - kept.len()..html.len(), first.id.as_deref())
        }
        None => (whole, None),
    }
}

/// Whether the HTML holds an `<h1>` element (Markdown or raw HTML).
fn has_heading_one(html: &str) -> bool {
    memchr::memmem::find_iter(html.as_bytes(), b"<h1")
        .any(|at| is_tag_end(html.as_bytes().get(at + 3).copied()))
}

fn is_tag_end(byte: Option<u8>) -> bool {
    matches!(byte, Some(b'>' | b' ' | b'\t' | b'\n' | b'/'))
}

/// Every `<hN>`/`</hN>` tag one level down (`h6` stays). Text never holds a
/// literal `<h1`: the renderer escapes `<` outside tags.
fn demote_headings(html: &str) -> String {
    let bytes = html.as_bytes();
    let mut out = String::with_capacity(html.len() + 16);
    let mut copied = 0;
    for at in memchr::memchr_iter(b'<', bytes) {
        let name_at = if bytes.get(at + 1) == Some(&b'/') {
            at + 2
        } else {
            at + 1
        };
        let is_heading = matches!(bytes.get(name_at), Some(b'h' | b'H'))
            && matches!(bytes.get(name_at + 1), Some(b'1'..=b'5'))
            && is_tag_end(bytes.get(name_at + 2).copied());
        if !is_heading {
            continue;
        }
        out.push_str(&html[copied..name_at + 1]);
        out.push(char::from(bytes[name_at + 1] + 1));
        copied = name_at + 2;
    }
    out.push_str(&html[copied..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::markdown::Heading;

    fn rendered(html: &str, headings: &[(u8, &str)]) -> Rendered {
        Rendered {
            html: html.to_string(),
            headings: headings
                .iter()
                .map(|(level, title)| Heading {
                    level: *level,
                    id: Some(title.to_lowercase()),
                    title: title.to_string(),
                    in_toc: true,
                    offset: 0,
                })
                .collect(),
            ..Rendered::default()
        }
    }

    #[test]
    fn the_title_heading_goes_and_lends_its_id() {
        let r = rendered("<h1 id=\"guide\">Guide</h1>\n<p>x</p>\n", &[(1, "Guide")]);
        let body = page_body(Some("guide"), &r).expect("held");
        assert_eq!(body.html, "<p>x</p>\n");
        assert_eq!(body.title_id, Some("guide"));
        let other = page_body(Some("Another"), &r).expect("held");
        assert_eq!(other.title_id, None);
        assert!(other.html.starts_with("<h2 id=\"guide\">Guide</h2>"));
    }

    #[test]
    fn more_h1_sections_move_every_heading_one_level_down() {
        let r = rendered(
            "<h1 id=\"a\">A</h1>\n<h2>B</h2>\n<h6>F</h6>\n<header>x</header><hr><H1 class=\"x\">C</H1>\n<p>&lt;h1&gt;</p>",
            &[(1, "Title"), (2, "B"), (1, "C")],
        );
        let body = page_body(Some("Page"), &r).expect("held");
        assert_eq!(
            body.html,
            "<h2 id=\"a\">A</h2>\n<h3>B</h3>\n<h6>F</h6>\n<header>x</header><hr><H2 class=\"x\">C</H2>\n<p>&lt;h1&gt;</p>"
        );
        let plain = rendered("<h2>B</h2>", &[(2, "B")]);
        assert!(matches!(
            page_body(Some("P"), &plain).expect("held").html,
            Cow::Borrowed(_)
        ));
    }
}
