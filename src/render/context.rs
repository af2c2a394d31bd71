//! The serializable views templates see (documented in `docs/templates.md`).

use serde::Serialize;
use serde_json::{Map, Value};

use crate::config::Config;
use crate::content::site_urls::SiteUrls;
use crate::content::url::encode_path;
use crate::markdown::TocEntry;
use crate::site::{NavLink, NavNode};

#[derive(Debug, Clone, Serialize)]
pub struct ConfigView {
    pub title: String,
    pub description: String,
    pub language: String,
    pub base_url: String,
    pub base_path: String,
    pub extra: Value,
}

impl ConfigView {
    pub fn new(config: &Config) -> ConfigView {
        ConfigView {
            title: config.site.title.clone(),
            description: config.site.description.clone(),
            language: config.site.language.clone(),
            base_url: config.base_url.clone(),
            base_path: config.base_path.clone(),
            extra: serde_json::to_value(&config.site.extra).unwrap_or(Value::Null),
        }
    }
}

#[derive(Debug, Clone, Serialize, Default)]
pub struct CadenceBadge {
    pub activity: String,
    pub owner: String,
    pub every: Vec<CadenceLabel>,
    pub anchor: String,
}

/// A cadence as templates show it: its key and label.
pub use crate::cadence::index::CadenceLabel;

#[derive(Debug, Clone, Serialize, Default)]
pub struct PageView<'a> {
    pub title: &'a str,
    pub description: &'a str,
    pub path: &'a str,
    pub url: String,
    pub permalink: String,
    pub content: std::borrow::Cow<'a, str>,
    /// The id of the body's leading `# Heading` that the title replaces.
    pub title_id: &'a str,
    pub toc: Vec<TocEntry>,
    /// `toc` as the default theme's `toc` macro writes it
    /// ([`super::toc::toc_html`]), for `{{ page.toc_html | safe }}`.
    pub toc_html: String,
    /// The body places its own table of contents (kramdown's `{:toc}`).
    pub inline_toc: bool,
    pub layout: &'a str,
    pub extra: Option<&'a Map<String, Value>>,
    pub source: &'a str,
    pub edit_url: String,
    pub source_url: String,
    pub date: &'a str,
    /// Day of the last change (`2024-05-01`), from git or the file time.
    pub lastmod: &'a str,
    /// The same as RFC 3339, for `<time datetime>`.
    pub lastmod_datetime: &'a str,
    pub weight: i64,
    pub word_count: usize,
    pub reading_time: usize,
    pub is_section: bool,
    pub cadence: Vec<CadenceBadge>,
    /// The page's tags, each linking to its tag page.
    pub tags: Vec<NavLink>,
    /// Math and diagrams on the page: the theme loads KaTeX and mermaid
    /// only where they are used.
    pub features: crate::markdown::Features,
    /// Who owns the page, each linking to their entry on `/owners/`.
    pub owners: Vec<OwnerView>,
    /// The page's last review and next due date, when it has one.
    pub review: Option<ReviewView>,
    /// `owners` and `review` as the default theme shows them under the
    /// title, written once in Rust (as the sidebar is): a template loop over
    /// them cost every page more than the rest of the feature.
    pub ownership_html: String,
    /// `breadcrumbs`, `cadence` and the neighbouring pages (`prev`, `next`)
    /// as the default theme's macros write them
    /// ([`super::page_markup`]), for `{{ page.breadcrumbs_html | safe }}`
    /// and the like.
    pub breadcrumbs_html: String,
    pub cadence_html: String,
    pub pager_html: String,
}

/// One owner of a page.
#[derive(Debug, Clone, Serialize, Default)]
pub struct OwnerView {
    pub name: String,
    pub slug: String,
    /// Their entry on `/owners/`.
    pub url: String,
    /// `front matter`, `section` or `CODEOWNERS`.
    pub source: &'static str,
    /// The field, section index page or CODEOWNERS line it comes from.
    pub from: String,
}

/// A page's review as templates show it.
#[derive(Debug, Clone, Serialize, Default)]
pub struct ReviewView {
    /// `2024-10-21` (empty when only a due date is given).
    pub reviewed: String,
    /// `21 Oct 2024`.
    pub reviewed_text: String,
    pub due: String,
    pub due_text: String,
    /// `6 months` (empty when the due date is given as such).
    pub interval: String,
    /// `overdue`, `due-soon`, `current`, or empty without a due date.
    pub status: &'static str,
}

#[derive(Debug, Clone, Serialize)]
pub struct Listing {
    pub title: String,
    pub url: String,
    pub description: String,
    pub page_count: usize,
}

#[derive(Debug, Clone, Serialize, Default)]
pub struct SectionView {
    pub pages: Vec<Listing>,
    pub subsections: Vec<Listing>,
}

#[derive(Debug, Clone, Serialize)]
pub struct SiteView {
    pub page_count: usize,
}

/// The sidebar: as data for the templates, or already rendered by the
/// theme's `nav.html` (once per section; see [`crate::render::nav`]).
pub enum Nav<'a> {
    Tree(Vec<NavNode>),
    /// The section's sidebar, put into the rendered page by
    /// [`PageContext::finish`] with the link to `current` marked.
    Html {
        sidebar: &'a str,
        /// A fingerprint of `sidebar`.
        sidebar_key: u64,
        current: String,
    },
}

/// What a template is rendered with, by name. Tera's own context converts
/// every value it is given through serde, a second copy of each page body
/// and of the large generated pages' data; this map is moved into it.
#[derive(Default)]
pub struct TemplateData {
    values: serde_json::Map<String, Value>,
}

impl TemplateData {
    pub fn insert<T: Serialize + ?Sized>(&mut self, name: &str, value: &T) {
        let value = serde_json::to_value(value).unwrap_or(Value::Null);
        self.values.insert(name.to_string(), value);
    }

    pub fn insert_value(&mut self, name: &str, value: Value) {
        self.values.insert(name.to_string(), value);
    }

    pub fn values(&self) -> &serde_json::Map<String, Value> {
        &self.values
    }

    pub fn into_tera(self) -> tera::Context {
        // An object is all `from_value` asks for, and this is one.
        tera::Context::from_value(Value::Object(self.values)).unwrap_or_default()
    }
}

/// Everything one page template gets.
pub struct PageContext<'a> {
    pub config: &'a Value,
    pub page: PageView<'a>,
    pub section: Option<SectionView>,
    pub breadcrumbs: Vec<NavLink>,
    pub nav: Nav<'a>,
    pub prev: Option<NavLink>,
    pub next: Option<NavLink>,
    pub site: &'a SiteView,
}

impl PageContext<'_> {
    /// What the page template gets, as named values: [`TemplateData::into_tera`]
    /// moves them into Tera's context without serializing them again.
    pub fn to_data(&self) -> TemplateData {
        let mut data = TemplateData::default();
        data.insert_value("config", self.config.clone());
        data.insert("page", &self.page);
        if let Some(section) = &self.section {
            data.insert("section", section);
        }
        data.insert("breadcrumbs", &self.breadcrumbs);
        // `has_nav` spares templates `{% if nav_html %}`: Tera escapes a
        // string to test it, which on a large sidebar cost more than the rest
        // of the page.
        let has_nav = match &self.nav {
            Nav::Tree(nav) => {
                data.insert("nav", nav);
                !nav.is_empty()
            }
            Nav::Html { sidebar, .. } => {
                data.insert_value("nav_html", Value::from(super::nav::NAV_MARKER));
                !sidebar.is_empty()
            }
        };
        data.insert_value("has_nav", Value::Bool(has_nav));
        if let Some(prev) = &self.prev {
            data.insert("prev", prev);
        }
        if let Some(next) = &self.next {
            data.insert("next", next);
        }
        data.insert("site", self.site);
        data
    }

    pub fn to_tera(&self) -> tera::Context {
        self.to_data().into_tera()
    }

    /// The page as rendered from [`PageContext::to_tera`], with the sidebar
    /// in place of its placeholder.
    pub fn finish(&self, rendered: String) -> String {
        match &self.nav {
            Nav::Tree(_) => rendered,
            Nav::Html {
                sidebar, current, ..
            } => super::nav::insert_nav(rendered, sidebar, current),
        }
    }
}

impl<'a> PageView<'a> {
    /// The page variables of a page `handbook` generates (a listing, the
    /// cadence and tag pages, 404) at the site path `path`.
    pub fn generated(title: &'a str, description: &'a str, path: &'a str, urls: &SiteUrls) -> Self {
        PageView {
            title,
            description,
            path,
            url: urls.href(path),
            permalink: urls.permalink(path),
            ..PageView::default()
        }
    }
}

/// Link to view a page's source: `source_url` + path, or, when only
/// `edit_url` is set and it is a GitLab or GitHub edit link, the matching
/// "blob" link. Empty when neither gives one.
pub fn source_url(site: &crate::config::SiteConfig, rel_path: &str) -> String {
    if !site.source_url.is_empty() {
        return format!("{}{}", site.source_url, encode_path(rel_path));
    }
    let edit = site.edit_url.as_str();
    let derived = if edit.contains("/-/edit/") {
        edit.replacen("/-/edit/", "/-/blob/", 1)
    } else if edit.contains("/edit/") {
        edit.replacen("/edit/", "/blob/", 1)
    } else {
        return String::new();
    };
    format!("{derived}{}", encode_path(rel_path))
}

/// Minutes to read `words` at 220 words a minute, at least one.
pub fn reading_time(words: usize) -> usize {
    words.div_ceil(220).max(1)
}
