//! Rendering a loaded site: the page contexts, templates and generated
//! pages, for the whole site (`build`) or the pages an edit reached
//! (`serve`).

use std::collections::BTreeMap;

use rayon::prelude::*;
use serde_json::Value;

use super::cadence_pages::write_cadence;
use super::pages::{choose_template, page_context, render_generated, render_listing, Body};
use super::reuse::{OutputRecord, PageOutcome};
use super::{link_index, reserved_outputs, tag_pages, BuildError, History, PageReuse};
use crate::cadence::Rhythm;
use crate::config::Config;
use crate::content::history::LastChange;
use crate::content::site_urls::generated::{self, output_file};
use crate::content::{self, Content};
use crate::diagnostics::{Diagnostic, Severity};
use crate::markdown::{self, AfterUse, Rendered};
use crate::output::extras::{Extras, Written};
use crate::output::search::{self, SearchMemo};
use crate::output::{fingerprint, redirects, Sink};
use crate::render::context::{ConfigView, Nav, PageContext, SiteView};
use crate::render::memo::BufferedXxh3;
use crate::render::nav::{NavSource, SectionNavs};
use crate::render::{page_frame, Renderer};
use crate::site::Site;

/// What a page's template writes besides its body, about: room made for
/// it up front (the sidebar is put in afterwards).
const FRAME_BYTES: usize = 16 * 1024;

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
    pub(super) history: Vec<Option<LastChange>>,
    /// `(date, RFC 3339)` of each page's last change, for templates.
    pub(super) lastmods: Vec<(String, String)>,
    /// The redirects to write; pages replaced by one are not rendered.
    pub(super) redirects: redirects::Plan,
    /// The template views shared by every page, serialized once.
    pub(super) config_value: Value,
    pub(super) site_view: SiteView,
    pub(super) section_navs: SectionNavs,
    /// What `build` may keep of the last build (the page cache).
    pub reuse: Option<PageReuse>,
    /// The search index's entries of earlier builds, and of this one.
    pub search_memo: Option<&'a SearchMemo>,
    /// What becomes of each page's packed HTML once the page is written,
    /// and of its text once the search index has read it.
    pub after_use: AfterUse,
}

/// What a render derives from the loaded site and its history alone: each
/// page's last change and dates, and the redirects. A build with the page
/// cache plans with one render and writes with another; the second takes
/// these from the first ([`SiteRender::into_facts`]) instead of making them
/// again.
pub(super) struct PageFacts {
    history: Vec<Option<LastChange>>,
    lastmods: Vec<(String, String)>,
    redirects: redirects::Plan,
}

impl PageFacts {
    fn new(
        config: &Config,
        (content, rendered): (&Content, &[Rendered]),
        (site, rhythm): (&Site, &Rhythm),
        history: &History,
    ) -> PageFacts {
        let history: Vec<Option<LastChange>> = content
            .pages
            .iter()
            .map(|p| history.get(&p.rel_path).cloned())
            .collect();
        let lastmods = content
            .pages
            .par_iter()
            .zip(&history)
            .map(|(page, change)| {
                content::history::last_modified(page.front.date.as_deref(), change.as_ref())
            })
            .collect();
        let redirects = if redirects::any_declared(config, &content.pages) {
            let index = link_index(config, content, rendered, site, rhythm, &[]);
            let reserved = reserved_outputs(rhythm, &[]);
            redirects::plan(config, &content.pages, &index, &reserved, Severity::Warning)
        } else {
            redirects::Plan::default()
        };
        PageFacts {
            history,
            lastmods,
            redirects,
        }
    }
}

impl<'a> SiteRender<'a> {
    /// The render of a site as [`super::load`] left it.
    pub(super) fn of_loaded(
        config: &'a Config,
        renderer: &'a Renderer,
        loaded: &'a super::Loaded,
        history: &History,
    ) -> Self {
        let facts = PageFacts::new(
            config,
            (&loaded.content, &loaded.rendered),
            (&loaded.site, &loaded.rhythm),
            history,
        );
        SiteRender::of_loaded_with(config, renderer, loaded, facts)
    }

    /// [`SiteRender::of_loaded`] with the facts an earlier render of the
    /// same loaded site made.
    pub(super) fn of_loaded_with(
        config: &'a Config,
        renderer: &'a Renderer,
        loaded: &'a super::Loaded,
        facts: PageFacts,
    ) -> Self {
        SiteRender::with_facts(
            config,
            renderer,
            (&loaded.content, &loaded.rendered),
            (&loaded.site, &loaded.rhythm),
            facts,
        )
    }

    /// What this render derived from the site and its history, for the
    /// next render of the same loaded site.
    pub(super) fn into_facts(self) -> PageFacts {
        PageFacts {
            history: self.history,
            lastmods: self.lastmods,
            redirects: self.redirects,
        }
    }

    pub fn new(
        config: &'a Config,
        renderer: &'a Renderer,
        content: &'a Content,
        rendered: &'a [Rendered],
        site: &'a Site,
        rhythm: &'a Rhythm,
        history: &History,
    ) -> Self {
        let facts = PageFacts::new(config, (content, rendered), (site, rhythm), history);
        SiteRender::with_facts(config, renderer, (content, rendered), (site, rhythm), facts)
    }

    fn with_facts(
        config: &'a Config,
        renderer: &'a Renderer,
        (content, rendered): (&'a Content, &'a [Rendered]),
        (site, rhythm): (&'a Site, &'a Rhythm),
        facts: PageFacts,
    ) -> Self {
        let PageFacts {
            history,
            lastmods,
            redirects,
        } = facts;
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
            search_memo: None,
            after_use: AfterUse::Keep,
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
            // A few pages at a time, so that no core waits at the end for
            // another's long run of pages (as in the Markdown stage).
            .with_max_len(4)
            .filter(|&&i| i < pages.len())
            .map(|&i| {
                if self.redirects.replaced.contains(&i) {
                    return Ok(None); // written as a redirect by `indexes`
                }
                let record = match self.keep_page(i, sink)? {
                    PageOutcome::Kept(warning) => return Ok(warning),
                    PageOutcome::Render(record) => record,
                };
                let rendered = match record {
                    OutputRecord::KeyOfItsFrame => self
                        .render_page_and_frame(i)
                        .map(|(html, warning, frame)| (html, warning, Some(frame))),
                    _ => self
                        .render_page(i)
                        .map(|(html, warning)| (html, warning, None)),
                };
                if let Some(bar) = &bar {
                    bar.inc(1);
                }
                let (html, warning, frame) = rendered?;
                if self.after_use == AfterUse::Release {
                    self.rendered[i].release_html();
                }
                let print = fingerprint(html.as_bytes());
                sink.write_printed(&pages[i].url.output, html.as_bytes(), print)?;
                self.record_page(i, record, frame, print);
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
        self.render_page_with(i, |_, _| ())
            .map(|(html, warning, ())| (html, warning))
    }

    /// [`SiteRender::render_page`], and the page's frame fingerprint
    /// ([`SiteRender::frame_fingerprint`]) hashed from the context it is
    /// rendered with: a page with no file to keep is planned without its
    /// frame, which would otherwise be made twice.
    pub(super) fn render_page_and_frame(
        &self,
        i: usize,
    ) -> Result<(String, Option<Diagnostic>, u64), BuildError> {
        self.render_page_with(i, |template, context| {
            let body = super::pages::take_body(&mut context.page);
            let frame = frame_of(template, context);
            super::pages::put_back_body(&mut context.page, body);
            frame
        })
    }

    /// Renders page `i`, calling `also` with its template and context
    /// first.
    fn render_page_with<T>(
        &self,
        i: usize,
        also: impl FnOnce(&str, &mut PageContext) -> T,
    ) -> Result<(String, Option<Diagnostic>, T), BuildError> {
        let page = &self.content.pages[i];
        let (template, warning) = choose_template(self.renderer, page, self.site, i);
        let mut context = self.page_context(i)?;
        let also = also(&template, &mut context);
        let expected_len = context.page.content.len() + FRAME_BYTES;
        let written = self
            .renderer
            .writes_default_page(&template)
            .and_then(|layout| {
                page_frame::default_page_html(&context, layout, &self.rhythm.index, expected_len)
            });
        if let Some(html) = written {
            return Ok((html, warning, also));
        }
        let html = self
            .renderer
            .render_sized(&template, &context.to_tera(), expected_len)
            .map_err(|d| {
                BuildError::from(Diagnostic {
                    message: format!("{} (rendering {})", d.message, page.rel_path),
                    ..d
                })
            })?;
        Ok((context.finish(html), warning, also))
    }

    /// Pages `handbook` makes itself: listings for folders without an index
    /// page, and the cadence pages and feeds. Returns the site paths of the
    /// cadence pages written.
    pub fn generated_pages(&self, sink: &dyn Sink) -> Result<Vec<String>, BuildError> {
        let (config, content, site) = (self.config, self.content, self.site);
        let mut timings = crate::timings::Timings::start();
        for section in site.sections_without_index() {
            let html = render_listing(self, section, |index| self.nav(index, None))?;
            let output = format!("{}index.html", section.path.trim_start_matches('/'));
            sink.write(&output, html.as_bytes())?;
        }
        timings.mark("generated: listings");
        let mut written = write_cadence(self, sink)?;
        timings.mark("generated: cadence");
        written.extend(tag_pages::write_tag_pages(
            &tag_pages::TagPagesInput {
                renderer: self.renderer,
                config_value: &self.config_value,
                site_view: &self.site_view,
                content,
                site,
            },
            sink,
        )?);
        timings.mark("generated: tags");
        written.extend(super::owner_pages::write_owner_pages(
            &super::owner_pages::OwnerPagesInput {
                config,
                renderer: self.renderer,
                config_value: &self.config_value,
                site_view: &self.site_view,
                content,
                site,
                rhythm: self.rhythm,
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
            &self.content.urls,
            "Page not found",
            generated::NOT_FOUND,
        )?;
        sink.write(&output_file(generated::NOT_FOUND), not_found.as_bytes())?;
        let css = markdown::highlight::stylesheet(
            &self.config.site.markdown.highlight_theme,
            &self.config.site.markdown.highlight_theme_dark,
        )
        .map_err(|e| BuildError::from(Diagnostic::error("config", e)))?;
        sink.write(&output_file(generated::SYNTAX_CSS), css.as_bytes())?;
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
        Ok(self.extras(cadence_pages).write_unless(sink, stop)?)
    }

    fn extras<'b>(&'b self, cadence_pages: &'b [String]) -> Extras<'b> {
        Extras {
            config: self.config,
            content: self.content,
            rendered: self.rendered,
            site: self.site,
            history: &self.history,
            lastmods: &self.lastmods,
            redirects: &self.redirects,
            cadence_pages,
            owners: &self.rhythm.owners,
            search_memo: self.search_memo,
            after_use: self.after_use,
        }
    }

    /// Pages the search index lists whose entry is not in the memo: their
    /// Markdown's text is needed (the page cache does not keep it).
    pub(super) fn pages_missing_search_entries(&self) -> Vec<usize> {
        let Some(memo) = self.search_memo else {
            return Vec::new();
        };
        self.extras(&[])
            .search_pages()
            .into_iter()
            .filter(|(_, page)| !memo.contains(search::entry_key(page)))
            .map(|(i, _)| i)
            .collect()
    }

    /// A fingerprint of everything page `i`'s template sees except the page's
    /// own Markdown output: its template, navigation, breadcrumbs,
    /// neighbours, section listing and the site-wide views. `serve`
    /// re-renders a page whose fingerprint changed after an edit to another
    /// page.
    pub fn frame_fingerprint(&self, i: usize) -> u64 {
        self.frame(i).0
    }

    /// Page `i`'s template, and the warning of an unknown layout.
    pub(super) fn template(&self, i: usize) -> (String, Option<Diagnostic>) {
        choose_template(self.renderer, &self.content.pages[i], self.site, i)
    }

    /// [`SiteRender::frame_fingerprint`], and the warning of an unknown
    /// layout.
    pub(super) fn frame(&self, i: usize) -> (u64, Option<Diagnostic>) {
        let Some(page) = self.content.pages.get(i) else {
            return (0, None);
        };
        let (template, warning) = choose_template(self.renderer, page, self.site, i);
        // The body, its table of contents and the title's id come from the
        // page's own Markdown, which its Markdown key stands for.
        match self.page_context_with(i, Body::Omitted) {
            Ok(context) => (frame_of(&template, &context), warning),
            Err(_) => (0, warning),
        }
    }

    pub(super) fn page_context(&self, i: usize) -> Result<PageContext<'_>, BuildError> {
        self.page_context_with(i, Body::Included)
    }

    fn page_context_with(&self, i: usize, body: Body) -> Result<PageContext<'_>, BuildError> {
        let nav = self.nav(self.site.page_section[i], Some(i))?;
        let mut context = page_context(self, i, nav, body)?;
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
    pub(super) fn nav(&self, section: usize, page: Option<usize>) -> Result<Nav<'_>, BuildError> {
        let pages = &self.content.pages;
        if !self.section_navs.enabled() {
            return Ok(Nav::Tree(match page {
                Some(i) => self.site.nav(i, pages),
                None => self.site.section_nav(section, pages),
            }));
        }
        let source = NavSource {
            renderer: self.renderer,
            config: &self.config_value,
            site: self.site,
            pages,
        };
        let (sidebar, sidebar_key) = self.section_navs.get(&source, section)?;
        let current = page.map_or_else(String::new, |i| self.site.urls.href(&pages[i].url.path));
        Ok(Nav::Html {
            sidebar,
            sidebar_key,
            current,
        })
    }
}

/// The frame fingerprint of a page rendered with `template` and `context`
/// (made with [`Body::Omitted`], or its body taken out).
fn frame_of(template: &str, context: &PageContext) -> u64 {
    // serde writes a few bytes at a time: hashed through a buffer.
    let mut hasher = BufferedXxh3::new(xxhash_rust::xxh3::Xxh3::new());
    hasher.update(template.as_bytes());
    let _ = serde_json::to_writer(&mut hasher, &context.page);
    let _ = serde_json::to_writer(&mut hasher, &context.section);
    let _ = serde_json::to_writer(&mut hasher, &context.breadcrumbs);
    match &context.nav {
        Nav::Tree(nav) => {
            let _ = serde_json::to_writer(&mut hasher, nav);
        }
        Nav::Html {
            sidebar_key,
            current,
            ..
        } => {
            hasher.update(&sidebar_key.to_le_bytes());
            hasher.update(current.as_bytes());
        }
    }
    let _ = serde_json::to_writer(&mut hasher, &context.prev);
    let _ = serde_json::to_writer(&mut hasher, &context.next);
    let _ = serde_json::to_writer(&mut hasher, context.site);
    hasher.digest()
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
