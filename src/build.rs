//! The pipeline end to end: `build` and `check` call the stages in order.
//!
//! config -> content -> markdown -> links -> site -> render -> output

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use rayon::prelude::*;
use serde_json::Value;

use crate::config::{BrokenLinks, Config, ErbMode};
use crate::content::{self, Content, SourceKind};
use crate::diagnostics::{Diagnostic, Report, Severity};
use crate::links::{self, LinkIndex, LinkReport, SourceIndex};
use crate::markdown::{self, RenderOptions, Rendered};
use crate::output::{self, sitemap, OutputError, Sink, StagedDir};
use crate::render::context::{
    self, ConfigView, Listing, PageContext, PageView, SectionView, SiteView,
};
use crate::render::{Renderer, StaticSource, Theme};
use crate::site::{NavLink, Site};

#[derive(Debug, Clone, Default)]
pub struct BuildOptions {
    /// Broken links are errors.
    pub strict: bool,
    /// Write the site even when some pages have errors.
    pub keep_going: bool,
    /// Replace an output folder `handbook` did not make.
    pub force: bool,
    /// Report progress on a terminal.
    pub progress: bool,
}

/// What a build did.
#[derive(Debug, Default)]
pub struct BuildSummary {
    pub pages: usize,
    pub assets: usize,
    pub written: usize,
    pub unchanged: usize,
    pub elapsed: Duration,
    pub report: Report,
    /// Whether the output folder was replaced.
    pub wrote_site: bool,
}

/// The parsed and resolved site, shared by `build`, `check` and `serve`.
pub struct Loaded {
    pub content: Content,
    pub rendered: Vec<Rendered>,
    pub site: Site,
    pub links: LinkReport,
    pub report: Report,
}

/// Files `handbook` generates besides the pages.
const GENERATED_FILES: &[&str] = &["sitemap.xml", "search-index.json", "syntax.css", "404.html"];

/// Loads, renders the Markdown and resolves links: everything but templates and output.
pub fn load(
    config: &Config,
    highlight: bool,
    link_severity: Severity,
    static_paths: &[String],
) -> Loaded {
    if highlight {
        markdown::highlight::preload();
    }
    let mut report = Report::default();
    let content = content::load(config);
    report.extend(content.diagnostics.iter().cloned());

    let sources = SourceIndex::new(&content.pages, &config.base_path);
    let rendered: Vec<Rendered> = content
        .pages
        .par_iter()
        .map(|page| render_markdown(config, &sources, page, highlight))
        .collect();
    for (page, r) in content.pages.iter().zip(&rendered) {
        report.extend(note_diagnostics(page, r));
    }
    let site = Site::build(&content.pages, &rendered);
    let links = check_links(
        config,
        &content,
        &rendered,
        &site,
        static_paths,
        link_severity,
        None,
    );
    report.extend(links.diagnostics.iter().cloned());
    Loaded {
        content,
        rendered,
        site,
        links,
        report,
    }
}

/// Renders one page's Markdown with the site's options. `sources` rewrites
/// links to `.md` files into page URLs.
pub fn render_markdown(
    config: &Config,
    sources: &SourceIndex,
    page: &content::Page,
    highlight: bool,
) -> Rendered {
    let dir = page.dir();
    let rewrite = |target: &str| sources.rewrite(dir, target);
    let options = RenderOptions {
        flavor: config.site.markdown.heading_ids,
        highlight: highlight && config.site.markdown.highlight,
        smart_punctuation: config.site.markdown.smart_punctuation,
        parse_block_html: config.site.markdown.parse_block_html,
        erb: page.kind == SourceKind::MarkdownErb,
        erb_show: config.site.markdown.erb == ErbMode::Show,
        base_path: &config.base_path,
        rewrite_link: &rewrite,
    };
    markdown::render(page.body(), page.split.body_start, &options)
}

/// What the Markdown renderer noticed on a page (unsupported syntax), as warnings.
pub fn note_diagnostics<'a>(
    page: &'a content::Page,
    rendered: &'a Rendered,
) -> impl Iterator<Item = Diagnostic> + 'a {
    rendered.notes.iter().map(move |note| {
        Diagnostic::warning("unsupported", note.message.clone())
            .in_file(page.rel_path.clone())
            .at(&page.text, note.span.clone())
            .with_help(note.help)
    })
}

/// Resolves the links of the pages in `only` (every page when `None`).
pub fn check_links(
    config: &Config,
    content: &Content,
    rendered: &[Rendered],
    site: &Site,
    static_paths: &[String],
    severity: Severity,
    only: Option<&[usize]>,
) -> LinkReport {
    let index = link_index(config, content, rendered, site, static_paths);
    match only {
        None => links::check_all(&index, &content.pages, rendered, severity),
        Some(pages) => links::check_pages(&index, &content.pages, rendered, severity, pages),
    }
}

/// What links can point at: every page, asset, theme static file and
/// generated file.
pub fn link_index<'a>(
    config: &'a Config,
    content: &'a Content,
    rendered: &'a [Rendered],
    site: &Site,
    static_paths: &[String],
) -> LinkIndex<'a> {
    let mut asset_paths: Vec<String> = content
        .assets
        .iter()
        .map(|a| format!("/{}", a.rel_path))
        .collect();
    asset_paths.extend(static_paths.iter().map(|p| format!("/{p}")));
    asset_paths.extend(GENERATED_FILES.iter().map(|f| format!("/{f}")));
    let generated_pages = site.sections_without_index().map(|s| s.path.clone());
    LinkIndex::new(
        config,
        &content.pages,
        rendered,
        asset_paths,
        generated_pages,
    )
}

#[derive(Debug, thiserror::Error)]
pub enum BuildError {
    #[error(transparent)]
    Output(#[from] OutputError),
    #[error("{}", .0.message)]
    Diagnostic(Diagnostic),
}

impl BuildError {
    pub fn to_diagnostic(&self) -> Diagnostic {
        match self {
            BuildError::Output(e) => Diagnostic::error("output", e.to_string()),
            BuildError::Diagnostic(d) => d.clone(),
        }
    }
}

/// `handbook build`: the whole pipeline, written atomically to the output folder.
pub fn build(config: &Config, options: &BuildOptions) -> Result<BuildSummary, BuildError> {
    let started = Instant::now();
    output::check_output_dir(config, options.force)?;
    let theme = Theme::load(config)
        .map_err(|e| BuildError::Diagnostic(Diagnostic::error("theme", e.to_string())))?;
    let renderer = Renderer::new(&theme).map_err(BuildError::Diagnostic)?;
    let static_paths: Vec<String> = theme.static_files.keys().cloned().collect();
    let severity = if options.strict || config.site.links.broken == BrokenLinks::Error {
        Severity::Error
    } else {
        Severity::Warning
    };
    let loaded = load(config, true, severity, &static_paths);
    let mut summary = BuildSummary {
        pages: loaded.content.pages.len(),
        assets: loaded.content.assets.len(),
        report: loaded.report,
        ..BuildSummary::default()
    };
    if summary.report.errors() > 0 && !options.keep_going {
        summary.elapsed = started.elapsed();
        return Ok(summary);
    }
    let stage = StagedDir::begin(&config.output_dir)?;
    let render_errors = write_site(
        config,
        &renderer,
        &theme,
        &loaded.content,
        &loaded.rendered,
        &loaded.site,
        &stage,
        options.progress,
    )?;
    summary.report.extend(render_errors);
    if summary.report.errors() > 0 && !options.keep_going {
        summary.elapsed = started.elapsed();
        return Ok(summary);
    }
    summary.written = stage.written.load(std::sync::atomic::Ordering::Relaxed);
    summary.unchanged = stage.unchanged.load(std::sync::atomic::Ordering::Relaxed);
    stage.commit()?;
    summary.wrote_site = true;
    summary.elapsed = started.elapsed();
    Ok(summary)
}

/// Renders every page and writes it, with the assets and generated files.
/// Returns the diagnostics of rendering (template errors, unknown layouts).
#[allow(clippy::too_many_arguments)]
pub fn write_site(
    config: &Config,
    renderer: &Renderer,
    theme: &Theme,
    content: &Content,
    rendered: &[Rendered],
    site: &Site,
    sink: &dyn Sink,
    progress: bool,
) -> Result<Vec<Diagnostic>, BuildError> {
    let render = SiteRender::new(config, renderer, content, rendered, site);
    let all: Vec<usize> = (0..content.pages.len()).collect();
    let diagnostics = render.pages(&all, sink, progress)?;
    render.generated_pages(sink)?;
    render.fixed_files(sink)?;
    render.indexes(sink)?;
    copy_static(theme, content, sink)?;
    Ok(diagnostics)
}

/// Renders a loaded site: the whole of it for `build`, or the parts an edit
/// changed for `serve`.
pub struct SiteRender<'a> {
    pub config: &'a Config,
    pub renderer: &'a Renderer,
    pub content: &'a Content,
    pub rendered: &'a [Rendered],
    pub site: &'a Site,
    /// The template views shared by every page, serialized once.
    config_value: Value,
    site_view: SiteView,
}

impl<'a> SiteRender<'a> {
    pub fn new(
        config: &'a Config,
        renderer: &'a Renderer,
        content: &'a Content,
        rendered: &'a [Rendered],
        site: &'a Site,
    ) -> Self {
        SiteRender {
            config,
            renderer,
            content,
            rendered,
            site,
            config_value: serde_json::to_value(ConfigView::new(config)).unwrap_or(Value::Null),
            site_view: SiteView {
                page_count: content.pages.len(),
            },
        }
    }

    /// Renders and writes the pages at the indices `which`. Returns template
    /// errors and one warning per unknown layout; a page whose template fails
    /// is not written.
    pub fn pages(
        &self,
        which: &[usize],
        sink: &dyn Sink,
        progress: bool,
    ) -> Result<Vec<Diagnostic>, BuildError> {
        let pages = &self.content.pages;
        let bar = progress_bar(progress, which.len());
        let results: Vec<Result<Option<Diagnostic>, BuildError>> = which
            .par_iter()
            .filter(|&&i| i < pages.len())
            .map(|&i| {
                let rendered = self.render_page(i);
                if let Some(bar) = &bar {
                    bar.inc(1);
                }
                let (html, warning) = rendered.map_err(BuildError::Diagnostic)?;
                sink.write(&pages[i].url.output, html.as_bytes())?;
                Ok(warning)
            })
            .collect();
        if let Some(bar) = bar {
            bar.finish_and_clear();
        }
        let mut diagnostics = Vec::new();
        let mut unknown_layouts: BTreeMap<String, (String, usize)> = BTreeMap::new();
        for result in results {
            match result {
                Ok(Some(d)) => {
                    let layout = d.target.clone().unwrap_or_default();
                    let entry = unknown_layouts
                        .entry(layout)
                        .or_insert((d.file.clone().unwrap_or_default(), 0));
                    entry.1 += 1;
                }
                Ok(None) => {}
                Err(BuildError::Diagnostic(d)) => diagnostics.push(d),
                Err(e) => return Err(e),
            }
        }
        for (layout, (file, count)) in unknown_layouts {
            diagnostics.push(
                Diagnostic::warning(
                    "layout",
                    format!("unknown layout `{layout}` on {count} page(s); using page.html"),
                )
                .in_file(file)
                .with_help(format!(
                    "add templates/{layout}.html to the site to give these pages their own layout"
                )),
            );
        }
        Ok(diagnostics)
    }

    /// Renders page `i` (which must exist): its HTML, and a warning when its
    /// layout is unknown; a template error names the page.
    pub fn render_page(&self, i: usize) -> Result<(String, Option<Diagnostic>), Diagnostic> {
        let page = &self.content.pages[i];
        let (template, warning) = choose_template(self.renderer, page, self.site, i);
        let context = self.page_context(i);
        let html = self
            .renderer
            .render(&template, &context.to_tera())
            .map_err(|d| Diagnostic {
                message: format!("{} (rendering {})", d.message, page.rel_path),
                ..d
            })?;
        Ok((html, warning))
    }

    /// Pages `handbook` makes itself: listings for folders without an index page.
    pub fn generated_pages(&self, sink: &dyn Sink) -> Result<(), BuildError> {
        for section in self.site.sections_without_index() {
            let html = render_listing(
                self.config,
                self.renderer,
                &self.config_value,
                &self.site_view,
                self.content,
                self.site,
                section,
            )?;
            let output = format!("{}index.html", section.path.trim_start_matches('/'));
            sink.write(&output, html.as_bytes())?;
        }
        Ok(())
    }

    /// Files that depend on the configuration and templates only: the 404
    /// page and the highlighting stylesheet.
    pub fn fixed_files(&self, sink: &dyn Sink) -> Result<(), BuildError> {
        let not_found = render_generated(
            self.renderer,
            "404.html",
            &self.config_value,
            &self.site_view,
            self.config,
            "Page not found",
            "/404.html",
        )?;
        sink.write("404.html", not_found.as_bytes())?;
        let css = markdown::highlight::stylesheet(
            &self.config.site.markdown.highlight_theme,
            &self.config.site.markdown.highlight_theme_dark,
        )
        .map_err(|e| BuildError::Diagnostic(Diagnostic::error("config", e)))?;
        sink.write("syntax.css", css.as_bytes())?;
        Ok(())
    }

    /// Files that list every page: the sitemap and the search index.
    pub fn indexes(&self, sink: &dyn Sink) -> Result<(), BuildError> {
        let (config, pages, site) = (self.config, &self.content.pages, self.site);
        let entries: Vec<sitemap::SitemapEntry> = pages
            .iter()
            .map(|p| sitemap::SitemapEntry {
                permalink: format!("{}{}", config.base_url, p.url.path),
                lastmod: p.front.date.as_deref().unwrap_or(""),
            })
            .collect();
        sink.write("sitemap.xml", sitemap::sitemap(&entries).as_bytes())?;

        let search = sitemap::SearchIndex {
            pages: pages
                .iter()
                .zip(self.rendered)
                .enumerate()
                .map(|(i, (p, r))| sitemap::SearchEntry {
                    t: &site.titles[i],
                    u: format!("{}{}", config.base_path, p.url.path),
                    h: r.headings
                        .iter()
                        .filter_map(|h| Some((h.title.as_str(), h.id.as_deref()?)))
                        .collect(),
                    b: sitemap::excerpt(&r.plain_text, 600),
                })
                .collect(),
        };
        sink.write(
            "search-index.json",
            &serde_json::to_vec(&search).unwrap_or_default(),
        )?;
        Ok(())
    }

    /// A fingerprint of everything page `i`'s template sees except the page's
    /// own Markdown output: its navigation, breadcrumbs, neighbours, section
    /// listing and the site-wide views. `serve` re-renders a page whose
    /// fingerprint changed after an edit to another page.
    pub fn frame_fingerprint(&self, i: usize) -> u64 {
        use std::hash::Hasher;
        let Some(page) = self.content.pages.get(i) else {
            return 0;
        };
        let (template, _) = choose_template(self.renderer, page, self.site, i);
        let mut context = self.page_context(i);
        context.page.content = "";
        context.page.toc = Vec::new();
        let mut hasher = HashWriter(std::collections::hash_map::DefaultHasher::new());
        hasher.0.write(template.as_bytes());
        let _ = serde_json::to_writer(&mut hasher, &context.page);
        let _ = serde_json::to_writer(&mut hasher, &context.section);
        let _ = serde_json::to_writer(&mut hasher, &context.breadcrumbs);
        let _ = serde_json::to_writer(&mut hasher, &context.nav);
        let _ = serde_json::to_writer(&mut hasher, &context.prev);
        let _ = serde_json::to_writer(&mut hasher, &context.next);
        let _ = serde_json::to_writer(&mut hasher, context.site);
        hasher.0.finish()
    }

    fn page_context(&self, i: usize) -> PageContext<'_> {
        page_context(
            self.config,
            &self.config_value,
            &self.site_view,
            self.content,
            self.rendered,
            self.site,
            i,
        )
    }
}

/// Feeds serialized bytes to a hasher without building a string.
struct HashWriter<H>(H);

impl<H: std::hash::Hasher> std::io::Write for HashWriter<H> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.write(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Copies the theme's static files and the content's assets.
pub fn copy_static(theme: &Theme, content: &Content, sink: &dyn Sink) -> Result<(), BuildError> {
    for (rel, source) in &theme.static_files {
        match source {
            StaticSource::Embedded(bytes) => sink.write(rel, bytes)?,
            StaticSource::File(path) => sink.copy(rel, path)?,
        }
    }
    let page_outputs: std::collections::HashSet<&str> = content
        .pages
        .iter()
        .map(|p| p.url.output.as_str())
        .collect();
    content
        .assets
        .par_iter()
        .filter(|a| !page_outputs.contains(a.rel_path.as_str()))
        .try_for_each(|asset| sink.copy(&asset.rel_path, &asset.abs_path))?;
    Ok(())
}

fn progress_bar(enabled: bool, len: usize) -> Option<indicatif::ProgressBar> {
    if !enabled || len < 500 {
        return None;
    }
    let bar = indicatif::ProgressBar::new(len as u64);
    bar.set_style(
        indicatif::ProgressStyle::with_template("{spinner} rendering {pos}/{len} pages {wide_bar}")
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
    );
    Some(bar)
}

/// The template for a page, and a warning when its layout is unknown.
fn choose_template(
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

fn section_view(config: &Config, content: &Content, site: &Site, section: usize) -> SectionView {
    let sec = &site.sections[section];
    SectionView {
        pages: sec
            .pages
            .iter()
            .map(|&p| Listing {
                title: site.titles[p].clone(),
                url: format!("{}{}", config.base_path, content.pages[p].url.path),
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
                    url: format!("{}{}", config.base_path, sub.path),
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

fn page_context<'a>(
    config: &'a Config,
    config_value: &'a Value,
    site_view: &'a SiteView,
    content: &'a Content,
    rendered: &'a [Rendered],
    site: &'a Site,
    i: usize,
) -> PageContext<'a> {
    let page = &content.pages[i];
    let r = &rendered[i];
    let section = site.page_section[i];
    let is_section = site.sections[section].index_page == Some(i);
    let link = |p: usize| NavLink {
        title: site.titles[p].clone(),
        url: format!("{}{}", config.base_path, content.pages[p].url.path),
    };
    let (prev, next) = site.prev_next[i];
    let edit_url = if config.site.edit_url.is_empty() {
        String::new()
    } else {
        format!("{}{}", config.site.edit_url, page.rel_path)
    };
    PageContext {
        config: config_value,
        page: PageView {
            title: &site.titles[i],
            description: &page.front.description,
            path: &page.url.path,
            url: format!("{}{}", config.base_path, page.url.path),
            permalink: format!("{}{}", config.base_url, page.url.path),
            content: &r.html,
            toc: markdown::toc_tree(&r.headings),
            layout: &page.front.layout,
            extra: Some(&page.front.extra),
            source: &page.rel_path,
            edit_url,
            date: page.front.date.as_deref().unwrap_or(""),
            lastmod: page.front.date.as_deref().unwrap_or(""),
            weight: page.front.weight,
            word_count: r.word_count,
            reading_time: context::reading_time(r.word_count),
            is_section,
            cadence: Vec::new(),
        },
        section: is_section.then(|| section_view(config, content, site, section)),
        breadcrumbs: site.breadcrumbs(i, &content.pages, &config.base_path),
        nav: site.nav(i, &content.pages, &config.base_path),
        prev: prev.map(link),
        next: next.map(link),
        site: site_view,
    }
}

fn render_listing(
    config: &Config,
    renderer: &Renderer,
    config_value: &Value,
    site_view: &SiteView,
    content: &Content,
    site: &Site,
    section: &crate::site::Section,
) -> Result<String, BuildError> {
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
            url: format!("{}{}", config.base_path, section.path),
            permalink: format!("{}{}", config.base_url, section.path),
            is_section: true,
            ..PageView::default()
        },
        section: Some(section_view(config, content, site, index)),
        breadcrumbs: Vec::new(),
        nav: section_nav(site, content, config, index),
        prev: None,
        next: None,
        site: site_view,
    };
    renderer
        .render("section.html", &context.to_tera())
        .map_err(BuildError::Diagnostic)
}

/// The sidebar of a generated listing: that of its first page, if any.
fn section_nav(
    site: &Site,
    content: &Content,
    config: &Config,
    section: usize,
) -> Vec<crate::site::NavNode> {
    match site.sections[section].pages.first() {
        Some(&p) => site.nav(p, &content.pages, &config.base_path),
        None if !content.pages.is_empty() => site.nav(0, &content.pages, &config.base_path),
        None => Vec::new(),
    }
}

fn render_generated(
    renderer: &Renderer,
    template: &str,
    config_value: &Value,
    site_view: &SiteView,
    config: &Config,
    title: &str,
    path: &str,
) -> Result<String, BuildError> {
    let context = PageContext {
        config: config_value,
        page: PageView {
            title,
            path,
            url: format!("{}{}", config.base_path, path),
            permalink: format!("{}{}", config.base_url, path),
            ..PageView::default()
        },
        section: None,
        breadcrumbs: Vec::new(),
        nav: Vec::new(),
        prev: None,
        next: None,
        site: site_view,
    };
    renderer
        .render(template, &context.to_tera())
        .map_err(BuildError::Diagnostic)
}
