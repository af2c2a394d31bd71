//! The pipeline end to end: `build` and `check` call the stages in order.
//!
//! config -> content -> markdown -> site -> cadence -> links -> render -> output

pub mod cache;
mod cadence_pages;
mod markdown_pages;
pub mod page_cache;
mod pages;
mod reuse;
mod tag_pages;

use cadence_pages::write_cadence;
pub use markdown_pages::{note_diagnostics, render_markdown};
use pages::{choose_template, page_context, render_generated, render_listing};
pub use reuse::PageReuse;

use std::collections::{BTreeMap, HashMap};
use std::time::{Duration, Instant};

use rayon::prelude::*;
use serde_json::Value;

use crate::cadence::{self, Rhythm};
use crate::config::{BrokenLinks, Config};
use crate::content::history::LastChange;
use crate::content::{self, Content};
use crate::diagnostics::{Diagnostic, Report, Severity};
use crate::links::{self, LinkIndex, LinkReport, SourceIndex};
use crate::markdown::{self, Rendered};
use crate::output::extras::{Extras, Written};
use crate::output::reserved::{self, ReservedOutputs};
use crate::output::{self, redirects, OutputError, Sink, StagedDir};
use crate::render::context::{ConfigView, Nav, PageContext, SiteView};
use crate::render::nav::{NavSource, SectionNavs};
use crate::render::{Renderer, StaticSource, Theme};
use crate::site::Site;
use crate::timings::Timings;

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
    /// Skip the build when the cache says nothing changed (`--no-cache`
    /// turns it off).
    pub use_cache: bool,
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
    /// Nothing the build reads changed since the last one: the site in the
    /// output folder is that build's, and `report` its diagnostics.
    pub up_to_date: bool,
}

/// The parsed and resolved site, shared by `build`, `check` and `serve`.
pub struct Loaded {
    pub content: Content,
    pub rendered: Vec<Rendered>,
    pub site: Site,
    /// The operating rhythm: every page's `cadence` activities.
    pub rhythm: Rhythm,
    pub links: LinkReport,
    pub report: Report,
    /// Each page's Markdown key ([`page_cache`]), in page order; zero when
    /// loaded without the page cache.
    pub markdown_keys: Vec<u64>,
}

/// Files `handbook` generates besides the pages.
const GENERATED_FILES: &[&str] = &[
    "sitemap.xml",
    "search/index.json",
    "atom.xml",
    "_redirects",
    "syntax.css",
    "404.html",
];

/// Loads, renders the Markdown and resolves links: everything but templates and
/// output. `render_html` false (for `check`) skips highlighting and HTML: only
/// ids and links are needed.
pub fn load(
    config: &Config,
    render_html: bool,
    link_severity: Severity,
    static_paths: &[String],
) -> Loaded {
    load_reusing(config, render_html, link_severity, static_paths, None)
}

/// [`load`], taking each page's Markdown output from the page cache when
/// the page and everything its Markdown reads are unchanged.
fn load_reusing(
    config: &Config,
    render_html: bool,
    link_severity: Severity,
    static_paths: &[String],
    page_cache: Option<&mut page_cache::PageCache>,
) -> Loaded {
    if render_html {
        markdown::highlight::preload();
    }
    let mut timings = Timings::start();
    let mut report = Report::default();
    let content = content::load(config);
    report.extend(content.diagnostics.iter().cloned());
    timings.mark("load content");

    let sources = SourceIndex::new(&content.pages, &content.assets, &config.base_path);
    let mut memo = page_cache.map(|cache| cache.markdown_memo(config, &content));
    let markdown_keys: Vec<u64> = match &memo {
        Some(memo) => content
            .pages
            .iter()
            .map(|p| memo.key(&p.rel_path, &p.text))
            .collect(),
        None => vec![0; content.pages.len()],
    };
    let reused: Vec<Option<Rendered>> = match &mut memo {
        Some(memo) => content
            .pages
            .iter()
            .zip(&markdown_keys)
            .map(|(p, &key)| memo.take(&p.rel_path, key))
            .collect(),
        None => content.pages.iter().map(|_| None).collect(),
    };
    drop(memo);
    let rendered: Vec<Rendered> = content
        .pages
        .par_iter()
        .zip(reused)
        .map(|(page, reused)| {
            reused.unwrap_or_else(|| {
                render_markdown(config, &sources, &content.includes, page, render_html)
            })
        })
        .collect();
    for (page, r) in content.pages.iter().zip(&rendered) {
        report.extend(note_diagnostics(page, r));
    }
    timings.mark("markdown");
    let site = Site::build(&content.pages, &rendered);
    let rhythm = cadence::collect(config, &content.pages, &rendered, &site.titles);
    report.extend(rhythm.diagnostics.iter().cloned());
    timings.mark("site + cadence");
    let links = check_links(
        config,
        &content,
        &rendered,
        &site,
        &rhythm,
        static_paths,
        link_severity,
        None,
    );
    report.extend(links.diagnostics.iter().cloned());
    let reserved = reserved_outputs(&rhythm, static_paths);
    report.extend(reserved::claims_on_reserved(
        &content.pages,
        &content.assets,
        &reserved,
    ));
    if redirects::any_declared(&content.pages) {
        let index = link_index(config, &content, &rendered, &site, &rhythm, static_paths);
        let plan = redirects::plan(config, &content.pages, &index, &reserved, link_severity);
        report.extend(plan.diagnostics);
    }
    timings.mark("links");
    Loaded {
        content,
        rendered,
        site,
        rhythm,
        links,
        report,
        markdown_keys,
    }
}

/// Resolves the links of the pages in `only` (every page when `None`).
#[allow(clippy::too_many_arguments)]
pub fn check_links(
    config: &Config,
    content: &Content,
    rendered: &[Rendered],
    site: &Site,
    rhythm: &Rhythm,
    static_paths: &[String],
    severity: Severity,
    only: Option<&[usize]>,
) -> LinkReport {
    let index = link_index(config, content, rendered, site, rhythm, static_paths);
    match only {
        None => links::check_all(&index, &content.pages, rendered, severity),
        Some(pages) => links::check_pages(&index, &content.pages, rendered, severity, pages),
    }
}

/// What links can point at: every page, asset, theme static file and
/// generated page or file.
pub fn link_index<'a>(
    config: &'a Config,
    content: &'a Content,
    rendered: &'a [Rendered],
    site: &Site,
    rhythm: &Rhythm,
    static_paths: &[String],
) -> LinkIndex<'a> {
    let mut asset_paths: Vec<String> = content
        .assets
        .iter()
        .map(|a| format!("/{}", a.rel_path))
        .collect();
    asset_paths.extend(static_paths.iter().map(|p| format!("/{p}")));
    asset_paths.extend(GENERATED_FILES.iter().map(|f| format!("/{f}")));
    asset_paths.extend(rhythm.index.file_paths());
    let generated_pages = site
        .sections_without_index()
        .map(|s| s.path.clone())
        .chain(rhythm.index.page_paths())
        .chain(site.tags.page_paths())
        .chain(redirects::alias_paths(&content.pages));
    LinkIndex::new(
        config,
        &content.pages,
        rendered,
        asset_paths,
        generated_pages,
    )
}

/// What `handbook` writes of its own: the theme's files, the generated files
/// and the generated pages, which no content file or alias may replace.
/// Section listings are not among them: a page at a section's URL
/// (`patterns.md` beside `patterns/`) is that section's page by design.
pub fn reserved_outputs(rhythm: &Rhythm, static_paths: &[String]) -> ReservedOutputs {
    let mut reserved = ReservedOutputs::default();
    for rel in static_paths {
        reserved.add_theme_file(rel);
    }
    for file in GENERATED_FILES {
        reserved.add_generated_file(&format!("/{file}"));
    }
    for path in rhythm.index.file_paths() {
        reserved.add_generated_file(&path);
    }
    for path in rhythm.index.page_paths() {
        reserved.add_generated_page(&path);
    }
    reserved
}

/// Makes the rhythm available to templates as `cadence(...)`.
pub fn register_rhythm(renderer: &mut Renderer, rhythm: &Rhythm) {
    renderer.register_function(
        "cadence",
        cadence::index::TemplateFunction::new(std::sync::Arc::new(rhythm.index.clone())),
    );
}

#[derive(Debug, thiserror::Error)]
pub enum BuildError {
    #[error(transparent)]
    Output(#[from] OutputError),
    #[error("{}", .0.message)]
    Diagnostic(Box<Diagnostic>),
}

impl From<Diagnostic> for BuildError {
    fn from(d: Diagnostic) -> Self {
        BuildError::Diagnostic(Box::new(d))
    }
}

impl BuildError {
    pub fn to_diagnostic(&self) -> Diagnostic {
        match self {
            BuildError::Output(e) => Diagnostic::error("output", e.to_string()),
            BuildError::Diagnostic(d) => (**d).clone(),
        }
    }
}

/// `handbook build`: the whole pipeline, written atomically to the output folder.
pub fn build(config: &Config, options: &BuildOptions) -> Result<BuildSummary, BuildError> {
    let started = Instant::now();
    output::check_output_dir(config, options.force)?;
    let cache = cache::BuildCache::for_site(config).filter(|_| options.use_cache);
    let inputs = cache
        .as_ref()
        .map(|_| cache::inputs_fingerprint(config, options));
    let mut cache_note = None;
    if let (Some(cache), Some(inputs)) = (&cache, inputs) {
        match cache.lookup(config, inputs) {
            cache::Lookup::Hit(last) => {
                return Ok(BuildSummary {
                    pages: last.pages,
                    assets: last.assets,
                    report: last.report,
                    wrote_site: true,
                    up_to_date: true,
                    elapsed: started.elapsed(),
                    ..BuildSummary::default()
                })
            }
            cache::Lookup::Miss => {}
            cache::Lookup::Unusable(note) => cache_note = Some(Diagnostic::warning("cache", note)),
        }
    }
    let page_cache = cache
        .as_ref()
        .map(|cache| page_cache::PageCache::open(cache.dir()));
    if let Some(note) = page_cache.as_ref().and_then(|c| c.note.clone()) {
        cache_note = Some(Diagnostic::warning("cache", note));
    }
    let mut summary = build_everything(config, options, started, page_cache)?;
    if let (Some(cache), Some(inputs)) = (&cache, inputs) {
        if summary.wrote_site {
            cache.store(
                config,
                inputs,
                summary.pages,
                summary.assets,
                &summary.report,
            );
        }
    }
    summary.report.extend(cache_note);
    Ok(summary)
}

/// The build past the whole-site shortcut: every stage, the pages the page
/// cache cannot stand for rendered.
fn build_everything(
    config: &Config,
    options: &BuildOptions,
    started: Instant,
    mut page_cache: Option<page_cache::PageCache>,
) -> Result<BuildSummary, BuildError> {
    let theme = Theme::load(config)
        .map_err(|e| BuildError::from(Diagnostic::error("theme", e.to_string())))?;
    let mut renderer = Renderer::new(&theme).map_err(BuildError::from)?;
    let static_paths: Vec<String> = theme.static_files.keys().cloned().collect();
    let severity = if options.strict || config.site.links.broken == BrokenLinks::Error {
        Severity::Error
    } else {
        Severity::Warning
    };
    let loaded = load_reusing(config, true, severity, &static_paths, page_cache.as_mut());
    register_rhythm(&mut renderer, &loaded.rhythm);
    let mut summary = BuildSummary {
        pages: loaded.content.pages.len(),
        assets: loaded.content.assets.len(),
        report: loaded.report,
        ..BuildSummary::default()
    };
    summary.report.extend(theme.skipped_warnings());
    if summary.report.errors() > 0 && !options.keep_going {
        summary.elapsed = started.elapsed();
        return Ok(summary);
    }
    let mut timings = Timings::start();
    let stage = StagedDir::begin(&config.output_dir)?;
    let history = read_history(config, &loaded.content);
    timings.mark("history");
    let mut render = SiteRender::new(
        config,
        &renderer,
        &loaded.content,
        &loaded.rendered,
        &loaded.site,
        &loaded.rhythm,
        &history,
    );
    if let Some(cache) = &mut page_cache {
        let previous = loaded
            .content
            .pages
            .iter()
            .map(|p| cache.outputs.remove(&p.rel_path))
            .collect();
        render.reuse = Some(PageReuse::new(
            page_cache::render_scope(config, &theme, &loaded.rhythm),
            loaded.markdown_keys.clone(),
            previous,
            cache.generated.take(),
        ));
    }
    let render_errors = write_site(&render, &theme, &stage, options.progress)?;
    timings.mark("write site");
    summary.report.extend(render_errors);
    if summary.report.errors() > 0 && !options.keep_going {
        summary.elapsed = started.elapsed();
        return Ok(summary);
    }
    summary.written = stage.written.load(std::sync::atomic::Ordering::Relaxed);
    summary.unchanged = stage.unchanged.load(std::sync::atomic::Ordering::Relaxed);
    stage.commit()?;
    timings.mark("commit");
    if let (Some(cache), Some(reuse)) = (&page_cache, render.reuse.take()) {
        let outputs = reuse.outputs.into_inner().unwrap_or_default();
        let generated = reuse.generated.into_inner().unwrap_or_default();
        cache.store(&page_cache::BuiltPages {
            content: &loaded.content,
            markdown_keys: &loaded.markdown_keys,
            rendered: &loaded.rendered,
            outputs: &outputs,
            generated: generated.as_ref(),
        });
        timings.mark("page cache");
    }
    summary.wrote_site = true;
    summary.elapsed = started.elapsed();
    Ok(summary)
}

/// Renders every page and writes it, with the assets and generated files.
/// Returns the diagnostics of rendering (template errors, unknown layouts).
pub fn write_site(
    render: &SiteRender,
    theme: &Theme,
    sink: &dyn Sink,
    progress: bool,
) -> Result<Vec<Diagnostic>, BuildError> {
    let content = render.content;
    let all: Vec<usize> = (0..content.pages.len()).collect();
    // The generated pages and the indexes (sitemap, search, feed) are made
    // while the pages render: much of them is one thread's work, which would
    // leave the other cores idle if it came after.
    let (diagnostics, rest) = rayon::join(
        || {
            let mut timings = Timings::start();
            let diagnostics = render.pages(&all, sink, progress);
            timings.mark("pages");
            diagnostics
        },
        || -> Result<(), BuildError> {
            let mut timings = Timings::start();
            let cadence_pages = render.generated_pages_reusing(sink)?;
            timings.mark("generated pages");
            render.fixed_files(sink)?;
            render.indexes(sink, &cadence_pages)?;
            timings.mark("indexes");
            Ok(())
        },
    );
    let diagnostics = diagnostics?;
    rest?;
    copy_static(theme, content, sink)?;
    Ok(diagnostics)
}

/// When each page last changed, by source path (see [`content::history`]).
pub type History = HashMap<String, LastChange>;

/// Reads the last change of every page: one pass over git history per build
/// (and once per `serve` session, not per edit).
pub fn read_history(config: &Config, content: &Content) -> History {
    content::history::last_changes(&config.content_dir, &content.pages)
        .into_iter()
        .zip(&content.pages)
        .filter_map(|(change, page)| Some((page.rel_path.clone(), change?)))
        .collect()
}

/// Renders a loaded site: the whole of it for `build`, or the parts an edit
/// changed for `serve`.
pub struct SiteRender<'a> {
    pub config: &'a Config,
    pub renderer: &'a Renderer,
    pub content: &'a Content,
    pub rendered: &'a [Rendered],
    pub site: &'a Site,
    pub rhythm: &'a Rhythm,
    /// Each page's last change, in page order.
    history: Vec<Option<LastChange>>,
    /// `(date, RFC 3339)` of each page's last change, for templates.
    lastmods: Vec<(String, String)>,
    /// The redirects to write; pages replaced by one are not rendered.
    redirects: redirects::Plan,
    /// The template views shared by every page, serialized once.
    config_value: Value,
    site_view: SiteView,
    section_navs: SectionNavs,
    /// What `build` may keep of the last build (the page cache).
    pub reuse: Option<PageReuse>,
}

impl<'a> SiteRender<'a> {
    pub fn new(
        config: &'a Config,
        renderer: &'a Renderer,
        content: &'a Content,
        rendered: &'a [Rendered],
        site: &'a Site,
        rhythm: &'a Rhythm,
        history: &History,
    ) -> Self {
        let history: Vec<Option<LastChange>> = content
            .pages
            .iter()
            .map(|p| history.get(&p.rel_path).cloned())
            .collect();
        let lastmods = content
            .pages
            .iter()
            .zip(&history)
            .map(|(page, change)| {
                content::history::last_modified(page.front.date.as_deref(), change.as_ref())
            })
            .collect();
        let redirects = if redirects::any_declared(&content.pages) {
            let index = link_index(config, content, rendered, site, rhythm, &[]);
            let reserved = reserved_outputs(rhythm, &[]);
            redirects::plan(config, &content.pages, &index, &reserved, Severity::Warning)
        } else {
            redirects::Plan::default()
        };
        SiteRender {
            config,
            renderer,
            content,
            rendered,
            site,
            rhythm,
            history,
            lastmods,
            redirects,
            config_value: serde_json::to_value(ConfigView::new(config)).unwrap_or(Value::Null),
            site_view: SiteView {
                page_count: content.pages.len(),
            },
            section_navs: SectionNavs::new(renderer, site.sections.len()),
            reuse: None,
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
                if self.redirects.replaced.contains(&i) {
                    return Ok(None); // written as a redirect by `indexes`
                }
                let key = match self.keep_page(i, sink)? {
                    reuse::PageOutcome::Kept(warning) => return Ok(warning),
                    reuse::PageOutcome::Render(key) => key,
                };
                let rendered = self.render_page(i);
                if let Some(bar) = &bar {
                    bar.inc(1);
                }
                let (html, warning) = rendered?;
                sink.write(&pages[i].url.output, html.as_bytes())?;
                self.record_page(i, key, &html);
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
                Err(BuildError::Diagnostic(d)) => diagnostics.push(*d),
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
    pub fn render_page(&self, i: usize) -> Result<(String, Option<Diagnostic>), BuildError> {
        let page = &self.content.pages[i];
        let (template, warning) = choose_template(self.renderer, page, self.site, i);
        let context = self.page_context(i)?;
        let html = self
            .renderer
            .render(&template, &context.to_tera())
            .map_err(|d| {
                BuildError::from(Diagnostic {
                    message: format!("{} (rendering {})", d.message, page.rel_path),
                    ..d
                })
            })?;
        Ok((context.finish(html), warning))
    }

    /// Pages `handbook` makes itself: listings for folders without an index
    /// page, and the cadence pages and feeds. Returns the site paths of the
    /// cadence pages written.
    pub fn generated_pages(&self, sink: &dyn Sink) -> Result<Vec<String>, BuildError> {
        let (config, content, site) = (self.config, self.content, self.site);
        for section in site.sections_without_index() {
            let html = render_listing(
                config,
                self.renderer,
                &self.config_value,
                &self.site_view,
                content,
                site,
                section,
                |index| self.nav(index, None),
            )?;
            let output = format!("{}index.html", section.path.trim_start_matches('/'));
            sink.write(&output, html.as_bytes())?;
        }
        let mut written = write_cadence(
            config,
            self.renderer,
            &self.config_value,
            &self.site_view,
            content,
            site,
            self.rhythm,
            sink,
        )?;
        written.extend(tag_pages::write_tag_pages(
            &tag_pages::TagPagesInput {
                config,
                renderer: self.renderer,
                config_value: &self.config_value,
                site_view: &self.site_view,
                content,
                site,
            },
            sink,
        )?);
        Ok(written)
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
        .map_err(|e| BuildError::from(Diagnostic::error("config", e)))?;
        sink.write("syntax.css", css.as_bytes())?;
        Ok(())
    }

    /// Files that list every page (the sitemap, the search index, the Atom
    /// feed) and the redirects. `cadence_pages`: what
    /// [`SiteRender::generated_pages`] returned.
    pub fn indexes(&self, sink: &dyn Sink, cadence_pages: &[String]) -> Result<(), BuildError> {
        let never = || false;
        self.indexes_unless(sink, cadence_pages, &never).map(|_| ())
    }

    /// The indexes, stopped when `stop` says they are no longer wanted.
    pub fn indexes_unless(
        &self,
        sink: &dyn Sink,
        cadence_pages: &[String],
        stop: &dyn Fn() -> bool,
    ) -> Result<Written, BuildError> {
        let extras = Extras {
            config: self.config,
            content: self.content,
            rendered: self.rendered,
            site: self.site,
            history: &self.history,
            redirects: &self.redirects,
            cadence_pages,
        };
        Ok(extras.write_unless(sink, stop)?)
    }

    /// A fingerprint of everything page `i`'s template sees except the page's
    /// own Markdown output: its template, navigation, breadcrumbs,
    /// neighbours, section listing and the site-wide views. `serve`
    /// re-renders a page whose fingerprint changed after an edit to another
    /// page.
    pub fn frame_fingerprint(&self, i: usize) -> u64 {
        self.frame(i).0
    }

    /// [`SiteRender::frame_fingerprint`], and the warning of an unknown
    /// layout.
    fn frame(&self, i: usize) -> (u64, Option<Diagnostic>) {
        use std::hash::Hasher;
        let Some(page) = self.content.pages.get(i) else {
            return (0, None);
        };
        let (template, warning) = choose_template(self.renderer, page, self.site, i);
        let mut hasher = HashWriter(xxhash_rust::xxh3::Xxh3::new());
        hasher.0.write(template.as_bytes());
        let Ok(mut context) = self.page_context(i) else {
            return (0, warning);
        };
        context.page.content = std::borrow::Cow::Borrowed("");
        context.page.toc = Vec::new();
        let _ = serde_json::to_writer(&mut hasher, &context.page);
        let _ = serde_json::to_writer(&mut hasher, &context.section);
        let _ = serde_json::to_writer(&mut hasher, &context.breadcrumbs);
        match &context.nav {
            Nav::Tree(nav) => {
                let _ = serde_json::to_writer(&mut hasher, nav);
            }
            Nav::Html { sidebar, current } => {
                hasher.0.write(sidebar.as_bytes());
                hasher.0.write(current.as_bytes());
            }
        }
        let _ = serde_json::to_writer(&mut hasher, &context.prev);
        let _ = serde_json::to_writer(&mut hasher, &context.next);
        let _ = serde_json::to_writer(&mut hasher, context.site);
        (hasher.0.finish(), warning)
    }

    fn page_context(&self, i: usize) -> Result<PageContext<'_>, BuildError> {
        let nav = self.nav(self.site.page_section[i], Some(i))?;
        let mut context = page_context(
            self.config,
            &self.config_value,
            &self.site_view,
            self.content,
            self.rendered,
            self.site,
            self.rhythm,
            i,
            nav,
        );
        if let Some((date, datetime)) = self.lastmods.get(i).filter(|(d, _)| !d.is_empty()) {
            context.page.lastmod = date;
            context.page.lastmod_datetime = datetime;
        }
        Ok(context)
    }
}

impl SiteRender<'_> {
    /// The sidebar of page `page` of `section`, or of the section's listing
    /// (`page` `None`): shared per section when the theme has a `nav.html`.
    fn nav(&self, section: usize, page: Option<usize>) -> Result<Nav<'_>, BuildError> {
        let (pages, base_path) = (&self.content.pages, &self.config.base_path);
        if !self.section_navs.enabled() {
            return Ok(Nav::Tree(match page {
                Some(i) => self.site.nav(i, pages, base_path),
                None => self.site.section_nav(section, pages, base_path),
            }));
        }
        let source = NavSource {
            renderer: self.renderer,
            config: &self.config_value,
            site: self.site,
            pages,
            base_path,
        };
        let sidebar = self.section_navs.get(&source, section)?;
        let current = page.map_or_else(String::new, |i| pages[i].url.href(base_path));
        Ok(Nav::Html { sidebar, current })
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
