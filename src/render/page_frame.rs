//! A content page as the default theme's `page.html` or `section.html`
//! (through `base.html`) writes it, in Rust: for sites whose templates are
//! the default theme's as they ship. Tera spent a tenth of a build looking
//! up the forty-odd values of each page's frame; this writes the same bytes
//! straight from the page's context. The test renders random contexts both
//! ways and compares. A site with templates of its own, and the pages this
//! does not cover (a sidebar given as data, `section.html` without a
//! section), go through Tera.

use serde_json::Value;

use super::context::{Nav, PageContext, PageView};
use super::nav::push_nav;
use super::section_markup::{section_listing_html, section_rhythm_html};
use crate::cadence::index::RhythmIndex;
use crate::content::site_urls::generated;
use crate::escape::html_into as escaped;

/// The default theme's page templates [`default_page_html`] writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layout {
    /// `page.html`, and `markdown_page.html`, which extends it unchanged.
    Page,
    /// `section.html`: the page, then the rhythm of its section and the
    /// listing of its subsections and pages.
    Section,
}

/// The page's HTML as the default theme's `layout` renders `context` (with
/// the site's `rhythm` for `cadence(section=...)`), or `None` when the
/// context holds what only the template writes: a sidebar as a tree of
/// links, or a section page without its listing.
pub fn default_page_html(
    context: &PageContext,
    layout: Layout,
    rhythm: &RhythmIndex,
    expected_len: usize,
) -> Option<String> {
    let page = &context.page;
    let has_toc_column = !page.toc.is_empty() && page.inline_toc;
    if has_toc_column && page.toc_html.is_empty() {
        return None;
    }
    let page_after = page_after(context, layout, rhythm)?;
    let sidebar = match &context.nav {
        Nav::Html {
            sidebar, current, ..
        } => (!sidebar.is_empty()).then_some((*sidebar, current.as_str())),
        Nav::Tree(tree) if tree.is_empty() => None,
        Nav::Tree(_) => return None,
    };
    let site = SiteText::of(context.config);
    let mut out = String::with_capacity(expected_len + sidebar.map_or(0, |(s, _)| s.len()));
    head(&mut out, &site, page);
    site_header(&mut out, &site, sidebar.is_some());
    out.push_str("\n<div class=\"layout");
    if sidebar.is_none() {
        out.push_str(" no-sidebar");
    }
    if has_toc_column {
        out.push_str(" has-toc");
    }
    out.push_str("\">");
    if let Some((sidebar, current)) = sidebar {
        out.push_str("\n  <nav class=\"sidebar\" id=\"site-sidebar\" aria-label=\"Sections\">\n    <div class=\"sidebar-inner\">");
        push_nav(&mut out, sidebar, current);
        out.push_str("\n    </div>\n  </nav>");
    }
    out.push_str("\n  <main id=\"main\" class=\"main\" tabindex=\"-1\">");
    article(&mut out, page, &page_after);
    out.push_str(&page.pager_html);
    out.push_str("\n\n  </main>\n");
    if has_toc_column {
        toc_column(&mut out, &page.toc_html);
        out.push('\n');
    }
    out.push_str("\n</div>");
    site_footer(&mut out, &site, context.site.page_count);
    Some(out)
}

/// The site's values `base.html` prints, from the `config` view.
struct SiteText<'a> {
    language: &'a str,
    base_path: &'a str,
    title: &'a str,
    description: &'a str,
}

impl<'a> SiteText<'a> {
    fn of(config: &'a Value) -> SiteText<'a> {
        let text = |key: &str| config.get(key).and_then(Value::as_str).unwrap_or("");
        SiteText {
            language: text("language"),
            base_path: text("base_path"),
            title: text("title"),
            description: text("description"),
        }
    }
}

fn head(out: &mut String, site: &SiteText, page: &PageView) {
    out.push_str("<!doctype html>\n<html lang=\"");
    escaped(site.language, out);
    out.push_str("\" data-base-path=\"");
    escaped(site.base_path, out);
    out.push_str("\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>");
    if page.path != "/" {
        escaped(page.title, out);
        out.push_str(" · ");
    }
    escaped(site.title, out);
    out.push_str("</title>");
    let description = if page.description.is_empty() {
        site.description
    } else {
        page.description
    };
    if !description.is_empty() {
        out.push_str("\n<meta name=\"description\" content=\"");
        escaped(description, out);
        out.push_str("\">");
    }
    if !page.permalink.is_empty() {
        out.push_str("\n<link rel=\"canonical\" href=\"");
        escaped(&page.permalink, out);
        out.push_str("\">\n<meta property=\"og:url\" content=\"");
        escaped(&page.permalink, out);
        out.push_str("\">");
    }
    out.push_str("\n<meta property=\"og:site_name\" content=\"");
    escaped(site.title, out);
    out.push_str("\">");
    if !page.title.is_empty() {
        out.push_str("\n<meta property=\"og:title\" content=\"");
        escaped(page.title, out);
        out.push_str("\">");
    }
    out.push_str("\n<meta name=\"color-scheme\" content=\"light dark\">\n<meta name=\"generator\" content=\"handbook\">");
    // `before`, then a file of the site at `path` under the base path, then
    // `after`.
    let site_file = |out: &mut String, before: &str, path: &str, after: &str| {
        out.push_str(before);
        escaped(site.base_path, out);
        out.push_str(path);
        out.push_str(after);
    };
    let (stylesheet, script) = ("\n<link rel=\"stylesheet\" href=\"", "\n<script src=\"");
    let (link_end, script_end) = ("\">", "\" defer></script>");
    site_file(
        out,
        "\n<link rel=\"icon\" href=\"",
        "/favicon.svg",
        "\" type=\"image/svg+xml\">",
    );
    out.push_str("\n<link rel=\"alternate\" type=\"application/atom+xml\" title=\"");
    escaped(site.title, out);
    site_file(out, ": recent changes\" href=\"", generated::FEED, link_end);
    site_file(out, stylesheet, generated::SYNTAX_CSS, link_end);
    site_file(out, stylesheet, "/css/handbook.css", link_end);
    out.push_str("\n<script>(function(d){d.classList.add(\"js\");try{var t=localStorage.getItem(\"handbook-theme\");if(t===\"dark\"||t===\"light\")d.setAttribute(\"data-theme\",t)}catch(e){}})(document.documentElement);</script>");
    site_file(out, script, "/js/handbook.js", script_end);
    let features = page.features;
    if features.math {
        site_file(out, stylesheet, "/vendor/katex/katex.min.css", link_end);
        site_file(out, script, "/vendor/katex/katex.min.js", script_end);
    }
    if features.icons {
        site_file(out, stylesheet, generated::ICONS_CSS, link_end);
    }
    if features.colours {
        site_file(out, script, "/js/page-colours.js", script_end);
    }
    if features.diagrams {
        site_file(out, script, "/vendor/mermaid/mermaid.min.js", script_end);
    }
    out.push_str("\n</head>");
}

fn site_header(out: &mut String, site: &SiteText, has_nav: bool) {
    out.push_str("\n<body>\n<a class=\"skip-link\" href=\"#main\">Skip to content</a>\n<header class=\"site-header\">\n  <div class=\"site-header-inner\">");
    if has_nav {
        out.push_str("\n    <button type=\"button\" class=\"icon-button menu-toggle\" aria-expanded=\"false\" aria-controls=\"site-sidebar\" aria-label=\"Menu\">\n      <svg viewBox=\"0 0 24 24\" width=\"22\" height=\"22\" aria-hidden=\"true\" focusable=\"false\"><path d=\"M3 6h18M3 12h18M3 18h18\" fill=\"none\" stroke=\"currentColor\" stroke-width=\"2\" stroke-linecap=\"round\"/></svg>\n    </button>");
    }
    out.push_str("\n    <a class=\"site-title\" href=\"");
    escaped(site.base_path, out);
    out.push_str("/\">");
    escaped(site.title, out);
    out.push_str("</a>");
    out.push_str(concat!(
        "\n    <div class=\"search\" role=\"search\">",
        "\n      <svg class=\"search-icon\" viewBox=\"0 0 24 24\" width=\"18\" height=\"18\" aria-hidden=\"true\" focusable=\"false\"><circle cx=\"10.5\" cy=\"10.5\" r=\"6.5\" fill=\"none\" stroke=\"currentColor\" stroke-width=\"2\"/><path d=\"M15.5 15.5 21 21\" fill=\"none\" stroke=\"currentColor\" stroke-width=\"2\" stroke-linecap=\"round\"/></svg>",
        "\n      <input type=\"search\" id=\"search-input\" placeholder=\"Search\" aria-label=\"Search\" autocomplete=\"off\" spellcheck=\"false\">",
        "\n      <kbd class=\"search-key\" aria-hidden=\"true\">/</kbd>",
        "\n      <div id=\"search-results\" hidden></div>",
        "\n    </div>",
        "\n    <button type=\"button\" class=\"icon-button theme-toggle\" aria-pressed=\"false\" aria-label=\"Dark mode\" title=\"Toggle dark mode\">",
        "\n      <svg class=\"icon-moon\" viewBox=\"0 0 24 24\" width=\"20\" height=\"20\" aria-hidden=\"true\" focusable=\"false\"><path d=\"M20 14.5A8.5 8.5 0 0 1 9.5 4a8.5 8.5 0 1 0 10.5 10.5Z\" fill=\"none\" stroke=\"currentColor\" stroke-width=\"2\" stroke-linejoin=\"round\"/></svg>",
        "\n      <svg class=\"icon-sun\" viewBox=\"0 0 24 24\" width=\"20\" height=\"20\" aria-hidden=\"true\" focusable=\"false\"><circle cx=\"12\" cy=\"12\" r=\"4.5\" fill=\"none\" stroke=\"currentColor\" stroke-width=\"2\"/><path d=\"M12 2v2.5M12 19.5V22M2 12h2.5M19.5 12H22M4.9 4.9l1.8 1.8M17.3 17.3l1.8 1.8M4.9 19.1l1.8-1.8M17.3 6.7l1.8-1.8\" fill=\"none\" stroke=\"currentColor\" stroke-width=\"2\" stroke-linecap=\"round\"/></svg>",
        "\n    </button>",
        "\n  </div>",
        "\n</header>",
    ));
}

/// What the layout's `page_after` block writes under the body: for
/// `page.html`, the listing of a section page that has nothing to list
/// (section pages with pages use `section.html`); for `section.html`, the
/// rhythm of the section (but the home page's) and its listing.
fn page_after(context: &PageContext, layout: Layout, rhythm: &RhythmIndex) -> Option<String> {
    let listing = |section: &super::context::SectionView| {
        section_listing_html(&section.subsections, &section.pages)
    };
    match (layout, &context.section) {
        (Layout::Page, None) => Some(String::new()),
        (Layout::Page, Some(section)) => Some(format!("\n  {}", listing(section))),
        (Layout::Section, None) => None,
        (Layout::Section, Some(section)) => {
            let path = context.page.path;
            let mut after = String::new();
            if path != "/" {
                after.push('\n');
                after.push_str(&section_rhythm_html(
                    rhythm.in_section(path),
                    &rhythm.urls(),
                ));
            }
            after.push('\n');
            after.push_str(&listing(section));
            Some(after)
        }
    }
}

/// `page.html`'s `content` block up to the pager, with `page_after` under
/// the body.
fn article(out: &mut String, page: &PageView, page_after: &str) {
    out.push_str("\n<article class=\"doc\">\n  ");
    out.push_str(&page.breadcrumbs_html);
    out.push_str("\n  <header class=\"doc-header\">\n    <h1");
    if !page.title_id.is_empty() {
        out.push_str(" id=\"");
        escaped(page.title_id, out);
        out.push('"');
    }
    out.push('>');
    escaped(page.title, out);
    out.push_str("</h1>");
    if !page.description.is_empty() {
        out.push_str("\n    <p class=\"lead\">");
        escaped(page.description, out);
        out.push_str("</p>");
    }
    doc_meta(out, page);
    out.push_str("\n    ");
    out.push_str(&page.ownership_html);
    out.push_str("\n    ");
    out.push_str(&page.cadence_html);
    out.push_str("\n  </header>\n  <div class=\"doc-content\">\n");
    out.push_str(&page.content);
    out.push_str("\n  </div>");
    if !page.tags.is_empty() {
        out.push_str("\n  <p class=\"doc-tags\">Tags: ");
        for (i, tag) in page.tags.iter().enumerate() {
            if i > 0 {
                out.push_str(", ");
            }
            out.push_str("<a class=\"doc-tag\" href=\"");
            escaped(&tag.url, out);
            out.push_str("\">");
            escaped(&tag.title, out);
            out.push_str("</a>");
        }
        out.push_str("</p>");
    }
    out.push_str(page_after);
    out.push_str("\n  <footer class=\"doc-footer\">");
    if !page.edit_url.is_empty() {
        out.push_str("\n    <a class=\"edit-link\" href=\"");
        escaped(&page.edit_url, out);
        out.push_str("\">\n      <svg viewBox=\"0 0 24 24\" width=\"16\" height=\"16\" aria-hidden=\"true\" focusable=\"false\"><path d=\"M4 20h4L19 9l-4-4L4 16v4ZM13.5 6.5l4 4\" fill=\"none\" stroke=\"currentColor\" stroke-width=\"2\" stroke-linejoin=\"round\"/></svg>\n      Edit this page</a>");
    }
    if !page.source_url.is_empty() {
        out.push_str("\n    <a class=\"source-link\" href=\"");
        escaped(&page.source_url, out);
        out.push_str("\">\n      <svg viewBox=\"0 0 24 24\" width=\"16\" height=\"16\" aria-hidden=\"true\" focusable=\"false\"><path d=\"M8 7l-5 5 5 5M16 7l5 5-5 5\" fill=\"none\" stroke=\"currentColor\" stroke-width=\"2\" stroke-linecap=\"round\" stroke-linejoin=\"round\"/></svg>\n      View source</a>");
    }
    out.push_str(
        "\n    <a class=\"back-to-top\" href=\"#\">Back to top</a>\n  </footer>\n</article>\n",
    );
}

/// Reading time and the day of the last change, under the title.
fn doc_meta(out: &mut String, page: &PageView) {
    let has_time = page.reading_time != 0;
    let has_lastmod = !page.lastmod.is_empty();
    if !has_time && !has_lastmod {
        return;
    }
    out.push_str("\n    <p class=\"doc-meta\">");
    if has_time {
        out.push_str("<span>");
        out.push_str(&page.reading_time.to_string());
        out.push_str(" min read</span>");
    }
    if has_time && has_lastmod {
        out.push_str("<span aria-hidden=\"true\"> · </span>");
    }
    if has_lastmod {
        out.push_str("<span>Updated <time datetime=\"");
        escaped(page.lastmod_datetime, out);
        out.push_str("\">");
        escaped(page.lastmod, out);
        out.push_str("</time></span>");
    }
    out.push_str("</p>");
}

/// The `toc_column` macro given the TOC's markup.
fn toc_column(out: &mut String, toc_html: &str) {
    out.push_str("<aside class=\"toc-column\">\n  <nav class=\"page-toc\" aria-label=\"On this page\">\n    <p class=\"page-toc-title\">On this page</p>\n    ");
    out.push_str(toc_html);
    out.push_str("\n    <p class=\"page-toc-top\"><a class=\"back-to-top\" href=\"#\">Back to top</a></p>\n  </nav>\n</aside>");
}

fn site_footer(out: &mut String, site: &SiteText, page_count: usize) {
    out.push_str(
        "\n<footer class=\"site-footer\">\n  <div class=\"site-footer-inner\">\n    <p><a href=\"",
    );
    escaped(site.base_path, out);
    out.push_str("/\">");
    escaped(site.title, out);
    out.push_str("</a>");
    if !site.description.is_empty() {
        out.push_str(" · ");
        escaped(site.description, out);
    }
    out.push_str("</p>\n    <p class=\"site-footer-meta\">Built with handbook");
    if page_count != 0 {
        out.push_str(" · ");
        out.push_str(&page_count.to_string());
        out.push_str(if page_count == 1 { " page" } else { " pages" });
    }
    out.push_str("</p>\n  </div>\n</footer>\n</body>\n</html>\n");
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cadence::index::{ActivityView, TemplateFunction};
    use crate::markdown::{Features, TocEntry};
    use crate::render::context::{ConfigView, Listing, SectionView, SiteView};
    use crate::site::NavLink;
    use crate::test_dice::{random_activity, Dice};

    fn config(dice: &mut Dice) -> Value {
        let view = ConfigView {
            title: dice.string(),
            description: dice.string(),
            language: dice.pick(&["en", "de", ""]).to_string(),
            base_url: "https://example.com/hb".to_string(),
            base_path: dice.pick(&["", "/hb", "/a&b"]).to_string(),
            extra: Value::Null,
        };
        serde_json::to_value(view).unwrap()
    }

    fn page<'a>(dice: &mut Dice) -> PageView<'a> {
        let toc: Vec<TocEntry> = (0..dice.below(3))
            .map(|_| TocEntry {
                level: 2,
                id: dice.string(),
                title: dice.string(),
                children: Vec::new(),
            })
            .collect();
        let tags = (0..dice.below(3))
            .map(|_| NavLink {
                title: dice.string(),
                url: format!("/tags/{}/", dice.text()),
            })
            .collect();
        let lastmod = dice.pick(&["", "2024-05-01"]);
        PageView {
            title: dice.text(),
            description: dice.text(),
            path: dice.pick(&["/", "/a/", "/a & b/"]),
            permalink: dice.string(),
            content: format!("<p>{}</p>", dice.text()).into(),
            title_id: dice.text(),
            toc_html: crate::render::toc::toc_html(&toc),
            toc,
            inline_toc: dice.coin(),
            edit_url: dice.string(),
            source_url: dice.string(),
            lastmod,
            lastmod_datetime: if lastmod.is_empty() { "" } else { dice.text() },
            reading_time: dice.below(3),
            tags,
            features: Features {
                math: dice.coin(),
                diagrams: dice.coin(),
                icons: dice.coin(),
                colours: dice.coin(),
            },
            ownership_html: dice.pick(&["", "\n<p class=\"owners\">x</p>"]).to_string(),
            breadcrumbs_html: dice.pick(&["", "\n<nav>crumbs</nav>"]).to_string(),
            cadence_html: dice.pick(&["", "\n<ul>badges</ul>"]).to_string(),
            pager_html: dice
                .pick(&["", "\n<nav class=\"pager\">x</nav>"])
                .to_string(),
            ..PageView::default()
        }
    }

    fn nav<'a>(dice: &mut Dice) -> Nav<'a> {
        let sidebar = dice.pick(&["", "<ul><li><a href=\"/a/\">A</a></li></ul>"]);
        Nav::Html {
            sidebar,
            sidebar_key: 1,
            current: dice.pick(&["/a/", "/b/"]).to_string(),
        }
    }

    fn section(dice: &mut Dice) -> SectionView {
        let listing = |dice: &mut Dice| Listing {
            title: dice.string(),
            url: format!("/{}/", dice.text()),
            description: dice.string(),
            page_count: dice.pick(&[0, 1, 2]),
        };
        SectionView {
            pages: (0..dice.below(3)).map(|_| listing(dice)).collect(),
            subsections: (0..dice.below(3)).map(|_| listing(dice)).collect(),
        }
    }

    /// Activities on pages in and out of `/a/`.
    fn activities(dice: &mut Dice) -> Vec<ActivityView> {
        (0..dice.below(4))
            .map(|_| {
                let path = dice.pick(&["/a/", "/a/b/", "/c/"]);
                let mut view = random_activity(dice, path);
                view.url = format!("/a/#{}", dice.text());
                view.when = dice.string();
                view
            })
            .collect()
    }

    /// What Tera writes of `template` with the default theme and `rhythm`
    /// as `cadence()`.
    fn tera_page(template: &str, context: &PageContext, rhythm: &RhythmIndex) -> String {
        let beside = [
            "base.html",
            "page.html",
            "markdown_page.html",
            "section.html",
            "macros.html",
            "cadence/macros.html",
        ];
        let extends = format!("{{% extends \"{template}\" %}}");
        let mut tera = crate::render::default_theme_tera(&beside, &extends);
        let function = TemplateFunction::new(std::sync::Arc::new(rhythm.clone()));
        tera.register_function("cadence", function);
        let html = tera.render("rendered.html", &context.to_tera()).unwrap();
        context.finish(html)
    }

    #[test]
    fn pages_are_written_as_the_default_theme_writes_them() {
        let mut dice = Dice(0x51_7cc1_b727_220a);
        let mut by_layout = [0, 0];
        for round in 0..600 {
            let config = config(&mut dice);
            let site = SiteView {
                page_count: dice.pick(&[0, 1, 2, 1111]),
            };
            let (template, layout) = [
                ("page.html", Layout::Page),
                ("markdown_page.html", Layout::Page),
                ("section.html", Layout::Section),
            ][round % 3];
            let with_section = layout == Layout::Section || dice.below(4) == 0;
            let rhythm = RhythmIndex::of_views(activities(&mut dice));
            let context = PageContext {
                config: &config,
                page: page(&mut dice),
                section: with_section.then(|| section(&mut dice)),
                breadcrumbs: Vec::new(),
                nav: nav(&mut dice),
                prev: None,
                next: None,
                site: &site,
            };
            let html = default_page_html(&context, layout, &rhythm, 0).expect("written");
            assert_eq!(
                html,
                tera_page(template, &context, &rhythm),
                "round {round}"
            );
            by_layout[usize::from(layout == Layout::Section)] += 1;
        }
        assert_eq!(by_layout, [400, 200]);
    }

    #[test]
    fn what_only_the_template_writes_goes_to_tera() {
        let config = Value::Null;
        let site = SiteView { page_count: 1 };
        let rhythm = RhythmIndex::default();
        let context = |section: Option<SectionView>, nav: Nav<'static>| PageContext {
            config: &config,
            page: PageView::default(),
            section,
            breadcrumbs: Vec::new(),
            nav,
            prev: None,
            next: None,
            site: &site,
        };
        let tree = vec![crate::site::NavNode {
            title: "A".into(),
            url: "/a/".into(),
            current: false,
            open: false,
            has_children: false,
            children: Vec::new(),
            more: false,
        }];
        let written =
            |context: &PageContext, layout| default_page_html(context, layout, &rhythm, 0);
        assert!(written(&context(None, Nav::Tree(tree)), Layout::Page).is_none());
        assert!(written(&context(None, Nav::Tree(Vec::new())), Layout::Section).is_none());
        assert!(written(&context(None, Nav::Tree(Vec::new())), Layout::Page).is_some());
    }
}
