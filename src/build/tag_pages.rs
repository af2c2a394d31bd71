//! The tag index (`/tags/`) and one page per tag (`/tags/NAME/`), rendered
//! with the theme's `tags/index.html` and `tags/tag.html`. A content page at
//! one of those URLs wins, as it does over every generated page.

use serde::Serialize;
use serde_json::Value;

use super::BuildError;
use crate::content::site_urls::generated::{self, output_file};
use crate::content::Content;
use crate::output::Sink;
use crate::render::context::{Nav, PageContext, PageView, SiteView};
use crate::render::Renderer;
use crate::site::tags::Tag;
use crate::site::{NavLink, Site};

/// What the tag pages are rendered from.
pub struct TagPagesInput<'a> {
    pub renderer: &'a Renderer,
    pub config_value: &'a Value,
    pub site_view: &'a SiteView,
    pub content: &'a Content,
    pub site: &'a Site,
}

/// A tag as templates see it.
#[derive(Serialize)]
struct TagView {
    name: String,
    url: String,
    pages: Vec<NavLink>,
}

/// Writes the tag pages; returns their site paths.
pub fn write_tag_pages(input: &TagPagesInput, sink: &dyn Sink) -> Result<Vec<String>, BuildError> {
    let tags = &input.site.tags;
    if tags.by_slug.is_empty() {
        return Ok(Vec::new());
    }
    let views: Vec<TagView> = tags
        .by_slug
        .values()
        .map(|tag| tag_view(input, tag))
        .collect();
    let index_link = NavLink {
        title: "Tags".into(),
        url: input.site.urls.href(generated::TAGS),
    };
    let mut written = Vec::new();
    let all = serde_json::to_value(&views).unwrap_or(Value::Null);
    if write_page(
        input,
        sink,
        generated::TAGS,
        "tags/index.html",
        "Tags",
        Vec::new(),
        ("tags", all),
    )? {
        written.push(generated::TAGS.to_string());
    }
    for (tag, view) in tags.by_slug.values().zip(&views) {
        let path = generated::tag(&tag.slug);
        let value = serde_json::to_value(view).unwrap_or(Value::Null);
        let title = format!("Pages tagged “{}”", view.name);
        if write_page(
            input,
            sink,
            &path,
            "tags/tag.html",
            &title,
            vec![index_link.clone()],
            ("tag", value),
        )? {
            written.push(path);
        }
    }
    Ok(written)
}

/// The sidebar of the top of the site, as on a listing page.
fn top_sidebar(input: &TagPagesInput) -> Vec<crate::site::NavNode> {
    let site = input.site;
    match site.sections.iter().position(|s| s.dir.is_empty()) {
        Some(top) => site.section_nav(top, &input.content.pages),
        None => Vec::new(),
    }
}

fn tag_view(input: &TagPagesInput, tag: &Tag) -> TagView {
    TagView {
        name: tag.name.clone(),
        url: input.site.urls.href(&generated::tag(&tag.slug)),
        pages: tag
            .pages
            .iter()
            .map(|&p| NavLink {
                title: input.site.titles[p].clone(),
                url: input.site.urls.href(&input.content.pages[p].url.path),
            })
            .collect(),
    }
}

/// Renders one generated page unless a content page has its URL; whether it
/// was written.
fn write_page(
    input: &TagPagesInput,
    sink: &dyn Sink,
    path: &str,
    template: &str,
    title: &str,
    breadcrumbs: Vec<NavLink>,
    (name, value): (&str, Value),
) -> Result<bool, BuildError> {
    if input.content.pages.iter().any(|p| p.url.path == path) {
        return Ok(false);
    }
    let context = PageContext {
        config: input.config_value,
        page: PageView::generated(title, "", path, &input.site.urls),
        section: None,
        breadcrumbs,
        nav: Nav::Tree(top_sidebar(input)),
        prev: None,
        next: None,
        site: input.site_view,
    };
    let mut data = context.to_data();
    data.insert_value(name, value);
    let html = input
        .renderer
        .render_memoized(template, data)
        .map_err(BuildError::from)?;
    sink.write(&output_file(path), html.as_bytes())?;
    Ok(true)
}
