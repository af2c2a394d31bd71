//! The readings of one built page for tests/corpus_html.rs: the content's
//! tags as written ([`tags`]) and the HTML5 parser's tree ([`tree`]).

pub mod tags;
pub mod tree;

use std::collections::BTreeSet;

use handbook::markdown::icons::{classes_in, IconClass};

/// What was read, over a whole site.
#[derive(Debug, Default)]
pub struct Counts {
    pub pages: usize,
    pub elements: usize,
    pub text_blocks: usize,
    /// Blocks with Markdown typos no renderer takes (`[a]](/b/)`).
    pub typos: usize,
    /// Every Font Awesome icon class the pages use (`fas` + `check`).
    pub icons: BTreeSet<IconClass>,
}

/// Where the theme puts a page's content (themes/default/templates/page.html):
/// from `<div class="doc-content">` to the `</div>` the template writes
/// before the tags, the section listing and the footer.
const CONTENT_START: &str = "<div class=\"doc-content\">\n";
const CONTENT_END: &str = "\n  </div>\n";
const FOOTER: &str = "<footer class=\"doc-footer\">";

/// The content of a content page, as written; `None` for the pages that
/// have none (redirects, generated listings).
pub fn content_region(html: &str) -> Option<&str> {
    let start = html.find(CONTENT_START)? + CONTENT_START.len();
    // Content pages end at their footer; generated ones (`/owners/`) with
    // their article.
    let footer = [FOOTER, "</article>"]
        .iter()
        .filter_map(|marker| html[start..].find(marker))
        .min()
        .map_or(html.len(), |i| start + i);
    let end = html[start..footer].rfind(CONTENT_END)? + start;
    Some(&html[start..end])
}

/// Everything wrong with one built page; `None` when it is not a content page.
pub fn page_problems(html: &str, counts: &mut Counts) -> Option<Vec<String>> {
    let region = content_region(html)?;
    counts.pages += 1;
    let written = tags::read(region);
    let mut problems = written.problems.clone();
    // A placeholder of the Markdown stage left in the page (`<!--hb:toc`)
    // opens a comment that hides the rest of the page from readers.
    if region.contains("<!--hb:") {
        problems.push("a Markdown placeholder (`<!--hb:`) is left in the page".into());
    }
    let parsed = tree::read(html);
    counts.elements += written.elements.values().sum::<usize>();
    counts.text_blocks += parsed.text_blocks.len();
    problems.extend(tree::compare_counts(&written.elements, &parsed.elements));
    let syntax = tree::visible_syntax(&parsed.text_blocks);
    counts.typos += parsed
        .text_blocks
        .iter()
        .filter(|block| tree::has_typo(block))
        .count()
        .saturating_sub(syntax.len());
    problems.extend(syntax);
    for icon in classes_in(region) {
        let known = handbook::output::icons::resolves(&icon)
            || handbook::markdown::icons::table::table().is_modifier(&icon.name);
        if !known {
            problems.push(format!(
                "the icon `{} fa-{}` is not in the icon table",
                icon.style, icon.name
            ));
        }
        counts.icons.insert(icon);
    }
    Some(problems)
}
