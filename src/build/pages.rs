//! What each page's template sees: the template chosen, the page context
//! (title, body, TOC, navigation, neighbours, tags, cadence badges) and the
//! contexts of the pages `handbook` generates (section listings, 404).

use serde_json::Value;

use super::{BuildError, SiteRender};
use crate::cadence::Rhythm;
use crate::config::Config;
use crate::content::site_urls::{generated, SiteUrls};
use crate::content::{self, Content};
use crate::diagnostics::Diagnostic;
use crate::markdown;
use crate::render::context::{self, Listing, Nav, PageContext, PageView, SectionView, SiteView};
use crate::render::{page_markup, Renderer};
use crate::site::{NavLink, Site};

/// The template for a page, and a warning when its layout is unknown.
pub(super) fn choose_template(
    renderer: &Renderer,
    page: &content::Page,
    site: &Site,
    index: usize,
) -> (String, Option<Diagnostic>) {
    let layout = page.front.layout.trim();
    if !layout.is_empty() {
        let name = format!("{layout}.html");
        if renderer.has_template(&name) && layout != "base" && layout != "macros" {
            return (name, None);
        }
        let warning = Diagnostic::warning("layout", format!("unknown layout `{layout}`"))
            .in_file(page.rel_path.clone())
            .with_target(layout.to_string());
        return ("page.html".into(), Some(warning));
    }
    let is_section = site.sections[site.page_section[index]].index_page == Some(index);
    let has_children = {
        let s = &site.sections[site.page_section[index]];
        !s.pages.is_empty() || !s.subsections.is_empty()
    };
    if is_section && has_children {
        ("section.html".into(), None)
    } else {
        ("page.html".into(), None)
    }
}

/// The sections a listing shows: its own, and for a generated home page
/// (a content tree without one) whose root holds a single folder (a
/// repository whose handbook sits in `handbook/`), that folder's too, down
/// to the first level with more than one folder, so the home lists where
/// to go rather than one lone card.
fn listed_sections(site: &Site, section: usize) -> Vec<usize> {
    let mut shown = vec![section];
    if section != 0 || site.sections[0].index_page.is_some() {
        return shown;
    }
    let mut current = section;
    while let [only] = site.sections[current].subsections.as_slice() {
        current = *only;
        shown.push(current);
    }
    shown
}

pub(super) fn section_view(content: &Content, site: &Site, section: usize) -> SectionView {
    let shown = listed_sections(site, section);
    let sec = &site.sections[shown[shown.len() - 1]];
    SectionView {
        pages: shown
            .iter()
            .flat_map(|&s| site.sections[s].pages.iter())
            .map(|&p| Listing {
                title: site.titles[p].clone(),
                url: content.urls.href(&content.pages[p].url.path),
                description: content.pages[p].front.description.clone(),
                page_count: 0,
            })
            .collect(),
        subsections: sec
            .subsections
            .iter()
            .map(|&s| {
                let sub = &site.sections[s];
                Listing {
                    title: sub.title.clone(),
                    url: content.urls.href(&sub.path),
                    description: sub
                        .index_page
                        .map(|p| content.pages[p].front.description.clone())
                        .unwrap_or_default(),
                    page_count: sub.pages.len(),
                }
            })
            .collect(),
    }
}

/// Whether a page's context carries its body: its HTML, its table of
/// contents and the id of the heading its title stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Body {
    Included,
    /// Left empty: the page's fingerprints stand for its body by its
    /// Markdown key, and unpacking every body only to hash what is around
    /// it was most of a cold page cache's planning.
    Omitted,
}

/// The parts of a page's context that [`Body::Omitted`] leaves empty.
pub(super) struct BodyParts<'a> {
    content: std::borrow::Cow<'a, str>,
    title_id: &'a str,
    toc: Vec<markdown::TocEntry>,
    toc_html: String,
    inline_toc: bool,
}

/// Takes the body out of a context made with [`Body::Included`], leaving
/// `page` as [`Body::Omitted`] makes it (the frame of a page rendered
/// anyway is hashed from the context it is rendered with).
pub(super) fn take_body<'a>(page: &mut PageView<'a>) -> BodyParts<'a> {
    BodyParts {
        content: std::mem::take(&mut page.content),
        title_id: std::mem::take(&mut page.title_id),
        toc: std::mem::take(&mut page.toc),
        toc_html: std::mem::take(&mut page.toc_html),
        inline_toc: std::mem::replace(&mut page.inline_toc, markdown::places_own_toc("")),
    }
}

/// Puts back what [`take_body`] took.
pub(super) fn put_back_body<'a>(page: &mut PageView<'a>, parts: BodyParts<'a>) {
    page.content = parts.content;
    page.title_id = parts.title_id;
    page.toc = parts.toc;
    page.toc_html = parts.toc_html;
    page.inline_toc = parts.inline_toc;
}

pub(super) fn page_context<'a>(
    render: &'a SiteRender,
    i: usize,
    nav: Nav<'a>,
    with_body: Body,
) -> Result<PageContext<'a>, Diagnostic> {
    let (config, content, rendered, site, rhythm) = (
        render.config,
        render.content,
        render.rendered,
        render.site,
        render.rhythm,
    );
    let (config_value, site_view) = (&render.config_value, &render.site_view);
    let page = &content.pages[i];
    let r = &rendered[i];
    let section = site.page_section[i];
    let is_section = site.sections[section].index_page == Some(i);
    let link = |p: usize| NavLink {
        title: site.titles[p].clone(),
        url: content.urls.href(&content.pages[p].url.path),
    };
    let (prev, next) = site.prev_next[i];
    let edit_url = if config.site.edit_url.is_empty() {
        String::new()
    } else {
        format!(
            "{}{}",
            config.site.edit_url,
            content::url::encode_path(&page.rel_path)
        )
    };
    let body = match with_body {
        Body::Included => crate::render::body::page_body(page.front.title.as_deref(), r)
            .map_err(|lost| Diagnostic::error("cache", lost.to_string()).in_file(&page.rel_path))?,
        Body::Omitted => crate::render::body::PageBody {
            html: std::borrow::Cow::Borrowed(""),
            title_id: None,
        },
    };
    let inline_toc = markdown::places_own_toc(&body.html);
    let toc = match with_body {
        Body::Included => markdown::toc_tree(&r.headings),
        Body::Omitted => Vec::new(),
    };
    let owners = super::owner_pages::page_owners(content, &rhythm.owners, i);
    let review = super::owner_pages::page_review(&rhythm.owners, i);
    let (prev, next) = (prev.map(link), next.map(link));
    let breadcrumbs = site.breadcrumbs(i);
    let cadence = cadence_badges(config, rhythm, i);
    Ok(PageContext {
        config: config_value,
        page: PageView {
            title: &site.titles[i],
            description: &page.front.description,
            path: &page.url.path,
            url: content.urls.href(&page.url.path),
            permalink: content.urls.permalink(&page.url.path),
            content: body.html,
            title_id: body.title_id.unwrap_or(""),
            toc_html: crate::render::toc::toc_html(&toc),
            toc,
            inline_toc,
            layout: &page.front.layout,
            extra: Some(&page.front.extra),
            source: &page.rel_path,
            source_url: context::source_url(&config.site, &page.rel_path),
            edit_url,
            date: page.front.date.as_deref().unwrap_or(""),
            // Replaced by `last_modified` (the later of this and the history).
            lastmod: page.front.date.as_deref().unwrap_or(""),
            lastmod_datetime: page.front.date.as_deref().unwrap_or(""),
            weight: page.front.weight,
            word_count: r.word_count,
            reading_time: context::reading_time(r.word_count),
            is_section,
            breadcrumbs_html: page_markup::breadcrumbs_html(&breadcrumbs, &site.titles[i]),
            cadence_html: page_markup::cadence_html(
                &cadence,
                &content.urls.prefixed(generated::CADENCE),
            ),
            pager_html: page_markup::pager_html(prev.as_ref(), next.as_ref()),
            cadence,
            tags: page_tags(site, i),
            features: r.features,
            ownership_html: if config.review.show_on_pages {
                super::owner_pages::ownership_html(&owners, review.as_ref())
            } else {
                String::new()
            },
            owners,
            review,
        },
        section: is_section.then(|| section_view(content, site, section)),
        breadcrumbs,
        nav,
        prev,
        next,
        site: site_view,
    })
}

pub(super) fn render_listing<'a>(
    render: &'a SiteRender,
    section: &crate::site::Section,
    nav: impl FnOnce(usize) -> Result<Nav<'a>, BuildError>,
) -> Result<String, BuildError> {
    let (config, renderer, content, site) =
        (render.config, render.renderer, render.content, render.site);
    let (config_value, site_view) = (&render.config_value, &render.site_view);
    let index = site
        .sections
        .iter()
        .position(|s| std::ptr::eq(s, section))
        .unwrap_or(0);
    let title = if section.dir.is_empty() {
        config.site.title.clone()
    } else {
        section.title.clone()
    };
    let context = PageContext {
        config: config_value,
        page: PageView {
            title: &title,
            path: &section.path,
            url: content.urls.href(&section.path),
            permalink: content.urls.permalink(&section.path),
            is_section: true,
            ..PageView::default()
        },
        section: Some(section_view(content, site, index)),
        breadcrumbs: Vec::new(),
        nav: nav(index)?,
        prev: None,
        next: None,
        site: site_view,
    };
    let html = renderer.render_memoized("section.html", context.to_data())?;
    Ok(context.finish(html))
}

pub(super) fn render_generated(
    renderer: &Renderer,
    template: &str,
    config_value: &Value,
    site_view: &SiteView,
    urls: &SiteUrls,
    title: &str,
    path: &str,
) -> Result<String, BuildError> {
    let context = PageContext {
        config: config_value,
        page: PageView::generated(title, "", path, urls),
        section: None,
        breadcrumbs: Vec::new(),
        nav: Nav::Tree(Vec::new()),
        prev: None,
        next: None,
        site: site_view,
    };
    renderer
        .render_memoized(template, context.to_data())
        .map_err(BuildError::from)
}

/// The tags of page `i`, linking to their pages.
pub(super) fn page_tags(site: &Site, i: usize) -> Vec<NavLink> {
    site.tags.of_page[i]
        .iter()
        .filter_map(|slug| site.tags.by_slug.get(slug))
        .map(|tag| NavLink {
            title: tag.name.clone(),
            url: site.urls.href(&generated::tag(&tag.slug)),
        })
        .collect()
}

/// The cadence badges of page `i`: one per activity it declares.
pub(super) fn cadence_badges(
    config: &Config,
    rhythm: &Rhythm,
    i: usize,
) -> Vec<context::CadenceBadge> {
    rhythm
        .of_page(i)
        .iter()
        .map(|a| context::CadenceBadge {
            activity: a.name.clone(),
            owner: a.owner.clone(),
            every: a
                .every
                .iter()
                .map(|&c| context::CadenceLabel {
                    key: config.vocabulary.get(c).key.clone(),
                    label: config.vocabulary.get(c).label.clone(),
                })
                .collect(),
            anchor: a.section.clone(),
        })
        .collect()
}
