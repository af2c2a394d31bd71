//! Each page's Markdown rendered with the site's options: heading ids,
//! highlighting, the dialect's template tags and partials, links to `.md`
//! sources rewritten to page URLs. Shared by `build`, `check` and `serve`.

use rayon::prelude::*;

use super::body_store::{self, BodyAt, BodyWriter};
use crate::cadence;
use crate::config::{Config, ErbMode};
use crate::content::includes::Includes;
use crate::content::site_urls::SiteUrls;
use crate::content::{self, Content, SourceKind};
use crate::diagnostics::Diagnostic;
use crate::links::SourceIndex;
use crate::markdown::{self, AfterUse, RenderOptions, Rendered};
use crate::output::extras::is_noindex;
use crate::output::search::{self, PageEntry};
use crate::owners::Owners;

/// What the Markdown stage made of the pages, in page order.
pub(super) struct MarkdownStage {
    pub rendered: Vec<Rendered>,
    /// Pages the stage failed on (their [`Rendered`] is empty): each with
    /// the error that names it.
    pub failed: Vec<(usize, Diagnostic)>,
    /// What the renderer noticed on the pages, as warnings.
    pub notes: Vec<Diagnostic>,
    /// Where the build cache now keeps the body of each page rendered here
    /// (`None` for the others, and without a body writer).
    pub bodies: Vec<Option<BodyAt>>,
    /// The search entries of the pages rendered here, by their keys
    /// ([`SearchAsRendered`]).
    pub search_entries: Vec<(u64, PageEntry)>,
}

/// How the stage renders.
#[derive(Clone, Copy)]
pub(super) struct MarkdownRun<'a> {
    pub config: &'a Config,
    /// false (for `check`): ids and links only, no highlighting or HTML.
    pub render_html: bool,
    /// What becomes of each page's body once it is rendered: a build lets
    /// it go (but for pages with a prose cadence, which the cadence stage
    /// reads), `serve` keeps it to render the page again.
    pub bodies: AfterUse,
    /// When each page's search entry is made.
    pub search: SearchEntries,
}

/// When the search index's entry of each page is made.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum SearchEntries {
    /// As the Markdown stage renders the page, which then lets the page's
    /// text go (a build: see [`SearchAsRendered`]).
    AsPagesRender,
    /// When the index is built, from the page's text (`serve`, which indexes
    /// again after edits, and `check`, which has no index).
    WhenIndexed,
}

/// What the search index reads of a page besides its Markdown: a build
/// makes each page's entry as soon as the page is rendered, and lets its
/// text go, instead of holding every page's text (packed) until the index
/// is built. The index finds the entries by their keys
/// ([`search::entry_key`]), as it finds those of an earlier build.
pub(super) struct SearchAsRendered<'a> {
    /// Where the pages' URLs are (a copy: the stage has the content
    /// borrowed mutably).
    pub urls: SiteUrls,
    pub owners: &'a Owners,
    /// The entries already made (the build cache's): not made again.
    pub made: Option<&'a search::SearchMemo>,
}

impl SearchAsRendered<'_> {
    /// Page `i`'s entry and its key, when the page is indexed and its entry
    /// is not made yet (its hit JSON kept by `store`); then the page's text
    /// is let go.
    fn index(
        &self,
        i: usize,
        page: &content::Page,
        rendered: &mut Rendered,
        store: Option<&dyn search::DocStore>,
    ) -> Option<(u64, PageEntry)> {
        if is_noindex(page) {
            return None;
        }
        let title = crate::site::page_title(page, rendered);
        let entry = {
            let page = search::SearchPage {
                source: &page.rel_path,
                title: &title,
                url: self.urls.href(&page.url.path),
                rendered,
                owners: &self.owners.of_page(i).owners,
            };
            let key = search::entry_key(&page);
            match self.made.is_some_and(|made| made.contains(key)) {
                true => None,
                false => Some((key, search::page_entry(&page, store))),
            }
        };
        rendered.let_go_of_text();
        entry
    }
}

/// Renders the Markdown of every page not `reused` (taken from the page
/// cache), each body set aside for the later stages: kept by
/// `body_writer` when there is one, packed otherwise. A build lets each
/// page's Markdown go as soon as it is rendered, so the site's Markdown
/// and its rendered pages are never all held at once.
pub(super) fn render_pages(
    run: MarkdownRun,
    content: &mut Content,
    reused: Vec<Option<Rendered>>,
    body_writer: Option<&BodyWriter>,
    search: Option<&SearchAsRendered>,
) -> MarkdownStage {
    // The texts are moved out of the pages (no copy) while the pages are
    // shared with the link rewriter, and put back, cut to their front
    // matter when let go.
    let texts: Vec<String> = content
        .pages
        .iter_mut()
        .map(|page| std::mem::take(&mut page.text))
        .collect();
    let sources = SourceIndex::new(&content.pages, &content.assets, &content.urls)
        .relative_to(run.config.site.links.relative_to);
    let render = |i: usize, page: &content::Page, text: &str| {
        guarded(&page.rel_path, || {
            let mut rendered = render_markdown(
                run.config,
                &sources,
                &content.includes,
                (page, text),
                run.render_html,
            );
            let store = body_writer.map(|writer| writer as &dyn search::DocStore);
            let entry = search.and_then(|search| search.index(i, page, &mut rendered, store));
            let body = body_store::set_aside(&mut rendered, body_writer);
            (rendered, body, entry)
        })
    };
    type Done = (
        Result<(Rendered, Option<BodyAt>, Option<(u64, PageEntry)>), Diagnostic>,
        Vec<Diagnostic>,
        String,
    );
    let done: Vec<Done> = content
        .pages
        .par_iter()
        .zip(texts)
        .zip(reused)
        .enumerate()
        // Pages take from microseconds to tens of milliseconds: taken a
        // few at a time, a core that finishes early takes the others'
        // last pages instead of waiting for a long run of them.
        .with_max_len(4)
        .map(|(i, ((page, text), reused))| {
            // What the load found of the body it held, for the text it held.
            let mut read_later = page.body_read_later;
            let (outcome, text) = match reused {
                Some(rendered) => (Ok((rendered, None, None)), text),
                // Let go at load: read again (and checked against its print).
                None if !page.is_whole(&text) => match page.read_source() {
                    Ok(whole) => {
                        read_later = None;
                        (render(i, page, &whole), whole)
                    }
                    Err(e) => (Err(source_error(page, &e)), text),
                },
                None => (render(i, page, &text), text),
            };
            let notes = match &outcome {
                Ok((rendered, ..)) if !rendered.notes.is_empty() => notes_of(page, &text, rendered),
                _ => Vec::new(),
            };
            (
                outcome,
                notes,
                let_go_unless_read_later(run, page, text, read_later),
            )
        })
        .collect();
    drop(sources);
    if let Some(writer) = body_writer {
        writer.flush();
    }
    let mut stage = MarkdownStage {
        rendered: Vec::with_capacity(done.len()),
        failed: Vec::new(),
        notes: Vec::new(),
        bodies: Vec::with_capacity(done.len()),
        search_entries: Vec::new(),
    };
    for (i, (page, (outcome, notes, text))) in content.pages.iter_mut().zip(done).enumerate() {
        page.text = text;
        stage.notes.extend(notes);
        match outcome {
            Ok((rendered, body, entry)) => {
                stage.rendered.push(rendered);
                stage.bodies.push(body);
                stage.search_entries.extend(entry);
            }
            Err(failed) => {
                stage.failed.push((i, failed));
                stage.rendered.push(Rendered::default());
                stage.bodies.push(None);
            }
        }
    }
    stage
}

/// The renderer's notes on a page as diagnostics, in its whole text (read
/// again when the page came from the page cache without it).
pub(super) fn notes_of(page: &content::Page, text: &str, rendered: &Rendered) -> Vec<Diagnostic> {
    if page.is_whole(text) {
        return note_diagnostics((page, text), rendered).collect();
    }
    let whole = page.read_source().unwrap_or_else(|_| text.to_string());
    note_diagnostics((page, &whole), rendered).collect()
}

/// A page whose text cannot be had again, as the error that names it.
pub(super) fn source_error(
    page: &content::Page,
    error: &content::source::SourceError,
) -> Diagnostic {
    Diagnostic::error("io", error.to_string())
        .in_file(page.rel_path.clone())
        .with_help("build again")
}

/// Whether a later stage reads this body although the build lets bodies
/// go: the cadence stage's prose scan. The one rule for letting a body go,
/// at load (with a page cache) and after rendering.
pub(super) fn read_after_markdown(body: &str) -> bool {
    cadence::prose::has_prose_cadence(body)
}

/// The page's text, cut to its front matter unless a later stage reads
/// the body: `serve`, or [`read_after_markdown`].
fn let_go_unless_read_later(
    run: MarkdownRun,
    page: &content::Page,
    mut text: String,
    read_later: Option<bool>,
) -> String {
    let body = text.get(page.split.body_start..).unwrap_or_default();
    let read_later = || read_later.unwrap_or_else(|| read_after_markdown(body));
    if run.bodies == AfterUse::Release && !read_later() {
        content::source::release_body(&mut text, page.split.body_start);
    }
    text
}

/// Root-relative links in content (`/sales/`) are written for a site at the
/// domain root; a site published under a path (`base_url = ".../docs"`) gets
/// the path prefixed, so the same content works in both places.
fn rebased_link(sources: &SourceIndex, target: &str) -> Option<String> {
    if !target.starts_with('/') || target.starts_with("//") {
        return None;
    }
    sources.urls().rebased(target)
}

/// Renders one page's Markdown with the site's options (shared by `load`
/// and `serve`). `source` is the page's whole text (held, or
/// [`content::Page::source`]); `sources` rewrites links to `.md` files into
/// page URLs; `render_html` false skips highlighting and HTML.
pub fn render_markdown(
    config: &Config,
    sources: &SourceIndex,
    includes: &Includes,
    (page, source): (&content::Page, &str),
    render_html: bool,
) -> Rendered {
    let rewrite = |target: &str| rewritten_target(sources, page, target);
    let links = LinkTargets {
        urls: sources.urls(),
        rewrite: &rewrite,
    };
    render_with_links(config, links, includes, (page, source), render_html)
}

/// What a link to `target` on `page` is rewritten to (`None`: it stays as
/// written): a link to a `.md` source becomes its page's URL, a
/// root-relative link gets the base path.
pub(super) fn rewritten_target(
    sources: &SourceIndex,
    page: &content::Page,
    target: &str,
) -> Option<String> {
    sources
        .rewrite(page, target)
        .or_else(|| rebased_link(sources, target))
}

/// The site's URLs, and what the page's links are rewritten to.
pub(super) struct LinkTargets<'a> {
    pub urls: &'a SiteUrls,
    pub rewrite: &'a (dyn Fn(&str) -> Option<String> + Sync),
}

/// [`render_markdown`], with the page's links rewritten by `links`.
pub(super) fn render_with_links(
    config: &Config,
    links: LinkTargets,
    includes: &Includes,
    (page, source): (&content::Page, &str),
    render_html: bool,
) -> Rendered {
    let page_dir = page.rel_path.rfind('/').map_or("", |i| &page.rel_path[..i]);
    let values = markdown::templates::TemplateValues::for_page(
        &page.front.extra,
        page.front.title.as_deref().unwrap_or(""),
        includes,
        page_dir,
    );
    let options = RenderOptions {
        flavor: config.site.markdown.heading_ids,
        highlight: render_html && config.site.markdown.highlight,
        smart_punctuation: config.site.markdown.smart_punctuation,
        parse_block_html: config.site.markdown.parse_block_html,
        erb: page.kind == SourceKind::MarkdownErb,
        erb_show: config.site.markdown.erb == ErbMode::Show,
        base_path: links.urls.base_path(),
        html: render_html,
        rewrite_link: links.rewrite,
        raw_html: if config.site.markdown.raw_html {
            markdown::RawHtml::PassThrough
        } else {
            markdown::RawHtml::Escape
        },
        script_links: if config.site.markdown.unsafe_links {
            markdown::ScriptLinks::Keep
        } else {
            markdown::ScriptLinks::Drop
        },
        templates: Some(&values),
        liquid: config.site.markdown.liquid,
        zola_shortcodes: config.site.markdown.zola_shortcodes,
        mdbook_includes: config.site.markdown.mdbook_includes,
        mdx: config.detected == Some(crate::config::detect::Generator::Docusaurus)
            || page.rel_path.to_ascii_lowercase().ends_with(".mdx"),
        math: if config.site.markdown.math_single_dollar {
            markdown::math::SingleDollar::Math
        } else {
            markdown::math::SingleDollar::Text
        },
    };
    let body = source.get(page.split.body_start..).unwrap_or_default();
    markdown::render(body, page.split.body_start, &options)
}

/// `work` on the page at `rel_path`, or the error that names the page when
/// `work` panics:
/// a bug in a Markdown pass costs the page it met, not the whole build.
/// (The tests fuzz the passes for panics; this is what a user meets if one
/// is left.)
pub fn guarded<T>(rel_path: &str, work: impl FnOnce() -> T) -> Result<T, Diagnostic> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(work)).map_err(|payload| {
        let why = payload
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_default();
        Diagnostic::error(
            "internal",
            format!("handbook failed on this page and left it out: {why}"),
        )
        .in_file(rel_path)
        .with_help("this is a bug in handbook: please report it with the page (the rest of the site built)")
    })
}

/// What the Markdown renderer noticed on a page (unsupported syntax), as
/// warnings. `source` is the page's whole text.
pub fn note_diagnostics<'a>(
    (page, source): (&'a content::Page, &'a str),
    rendered: &'a Rendered,
) -> impl Iterator<Item = Diagnostic> + 'a {
    rendered.notes.iter().map(move |note| {
        Diagnostic::warning("unsupported", note.message.clone())
            .in_file(page.rel_path.clone())
            .at(source, note.span.clone())
            .with_help(note.help.clone())
    })
}

#[cfg(test)]
mod tests {
    use super::guarded;
    use crate::diagnostics::Severity;

    #[test]
    fn a_panic_on_a_page_is_an_error_that_names_it() {
        let failed = guarded("team/broken.md", || -> usize {
            panic!("slice inside a character")
        })
        .expect_err("the panic is caught");
        assert_eq!(failed.severity, Severity::Error);
        assert_eq!(failed.file.as_deref(), Some("team/broken.md"));
        assert!(
            failed.message.contains("slice inside a character"),
            "{}",
            failed.message
        );
        assert_eq!(guarded("team/fine.md", || 7).ok(), Some(7));
    }
}
