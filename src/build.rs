//! The pipeline end to end: `build` and `check` call the stages in order.
//!
//! config -> content -> markdown -> site -> cadence -> links -> render -> output

mod body_store;
pub mod cache;
mod cadence_pages;
mod file_stats;
mod markdown_at_load;
mod markdown_pages;
mod owner_pages;
pub mod page_cache;
mod page_store;
mod pages;
mod reuse;
mod site_paths;
mod site_render;
mod tag_pages;

use markdown_at_load::MarkdownAtLoad;
use markdown_pages::SearchEntries;
pub use markdown_pages::{guarded, note_diagnostics, render_markdown};
use reuse::plan_reuse;
pub use reuse::PageReuse;
pub use site_paths::{link_index, reserved_outputs};
pub use site_render::SiteRender;

use std::collections::HashMap;
use std::time::{Duration, Instant};

use rayon::prelude::*;

use crate::cadence::{self, Rhythm};
use crate::config::{BrokenLinks, Config};
use crate::content::history::LastChange;
use crate::content::source::ReadAhead;
use crate::content::{self, Content};
use crate::diagnostics::{Diagnostic, Report, Severity};
use crate::links::{self, LinkMemo, LinkReport};
use crate::markdown::{self, AfterUse, Rendered};
use crate::output::reserved;
use crate::output::{self, redirects, OutputError, Sink, StagedDir};
use crate::render::memo::RenderMemo;
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
    /// What becomes of the build's working memory when it is done.
    pub at_end: AtEnd,
}

/// What becomes of a build's working memory (every page's data, the page
/// cache as read) when it is done.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum AtEnd {
    /// Freed: the process goes on (`serve`, tests).
    #[default]
    Free,
    /// Left to the process's exit, which comes next (`handbook build`):
    /// freeing it piece by piece is one thread's work, 0.15 s after a
    /// one-page edit of a 50,000-page handbook.
    LeaveToExit,
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
    /// Reviews overdue and pages without an owner, when the site has owners
    /// or reviews (and was built, not found up to date).
    pub coverage: Option<crate::owners::Coverage>,
    /// Every partial and included file the build read, and what it held.
    pub includes_read: Vec<(std::path::PathBuf, Option<u64>)>,
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
    /// The pages read back from the page cache: all but their HTML (see
    /// [`Rendered::html`]).
    pub hollow: Vec<bool>,
    /// Where the build cache keeps each page's packed body (none without
    /// the page cache).
    pub bodies: Vec<Option<body_store::BodyAt>>,
    /// What the page cache keeps of each page's checked links, and the
    /// fingerprint of the link index they were checked against (zero and
    /// none without the page cache).
    pub link_memos: Vec<Option<LinkMemo>>,
    pub link_index: u64,
    /// The search entries the Markdown stage made as it rendered each page,
    /// by key (see [`markdown_pages::SearchAsRendered`]); empty unless the
    /// run asked for them.
    pub search_entries: Vec<(u64, output::search::PageEntry)>,
}

/// Loads, renders the Markdown and resolves links: everything but templates and
/// output. `render_html` false (for `check`) skips highlighting and HTML: only
/// ids and links are needed. `bodies`: whether each page keeps its Markdown
/// once rendered (`serve`, which renders pages again) or lets it go.
pub fn load(
    config: &Config,
    render_html: bool,
    link_severity: Severity,
    static_paths: &[String],
    bodies: AfterUse,
) -> Loaded {
    let run = markdown_pages::MarkdownRun {
        config,
        render_html,
        bodies,
        search: SearchEntries::WhenIndexed,
    };
    load_reusing(run, link_severity, static_paths, (None, None)).0
}

/// [`load`] for `check`: without HTML, and taking each unchanged page's
/// Markdown output (ids, links, notes) from the page cache in `cache_dir`
/// (the site's build cache folder, or `None`): the one the last build left,
/// which a check never writes, or else check's own, which it writes back
/// ([`page_cache::for_check`]). A damaged or foreign cache means rendering
/// those pages, with the same report.
pub fn load_for_check(
    config: &Config,
    link_severity: Severity,
    static_paths: &[String],
    cache_dir: Option<&std::path::Path>,
) -> Loaded {
    let run = markdown_pages::MarkdownRun {
        config,
        render_html: false,
        bodies: AfterUse::Release,
        search: SearchEntries::WhenIndexed,
    };
    let cache = cache_dir.map(page_cache::for_check);
    let cache_ref = cache.as_ref().map(|(dir, parts)| (dir.as_path(), *parts));
    let (loaded, page_cache) = load_reusing(run, link_severity, static_paths, (cache_ref, None));
    let mut timings = Timings::start();
    if let (Some(cache), Some((_, page_cache::Parts::PagesOnly))) = (&page_cache, cache_ref) {
        cache.store(&page_cache::BuiltPages {
            config,
            content: &loaded.content,
            markdown_keys: &loaded.markdown_keys,
            rendered: &loaded.rendered,
            outputs: &vec![None; loaded.rendered.len()],
            links: &loaded.link_memos,
            link_index: loaded.link_index,
            bodies: &[],
            generated: None,
            renders: &[],
        });
        timings.mark("check: page cache");
    }
    loaded
}

/// [`load`], taking each page's Markdown output from the page cache when
/// the page and everything its Markdown reads are unchanged.
fn load_reusing(
    run: markdown_pages::MarkdownRun,
    link_severity: Severity,
    static_paths: &[String],
    (page_cache_at, read_ahead): (
        Option<(&std::path::Path, page_cache::Parts)>,
        Option<&ReadAhead>,
    ),
) -> (Loaded, Option<page_cache::PageCache>) {
    let config = run.config;
    if run.render_html {
        markdown::highlight::preload();
    }
    let mut timings = Timings::start();
    let mut report = Report::default();
    // With a page cache, most pages' Markdown is taken from it: a build
    // lets each body go as it reads the page and reads again the few it
    // renders (but keeps those with a prose cadence, which the cadence
    // stage scans), and does not read at all a file not written since the
    // last such build (its front matter is kept in the cache folder).
    // A first build keeps every body and records the front matter.
    let page_cache_dir = page_cache_at.map(|(dir, _)| dir);
    // A build writes its cache back, and so does `check` its own; `check`
    // reading a build's cache writes nothing.
    let records = page_cache_at.is_some_and(|(_, parts)| parts != page_cache::Parts::Pages);
    let heads = page_cache_dir
        .filter(|_| run.bodies == AfterUse::Release)
        .map(|dir| {
            let heads = file_stats::PageHeads::load(Some(dir), file_stats::heads());
            (heads, page_cache::PageCache::exists(dir))
        });
    let unless = &markdown_pages::read_after_markdown;
    let bodies = match &heads {
        Some((heads, true)) => content::source::BodiesAtLoad::LetGo {
            unless,
            known: Some(heads),
        },
        // `check` records as it reads each page at load (below).
        Some((heads, false)) if run.render_html => content::source::BodiesAtLoad::KeepRecording {
            unless,
            known: heads,
        },
        _ => content::source::BodiesAtLoad::Keep,
    };
    // `check` with no page cache reads each page's Markdown as it loads
    // (and lets its body go: a run that keeps bodies renders after).
    let at_load = (!run.render_html
        && run.bodies == AfterUse::Release
        && matches!(bodies, content::source::BodiesAtLoad::Keep))
    .then(|| MarkdownAtLoad::new(config));
    let read = at_load.as_ref().map(|at_load| {
        |page: &content::Page, includes: &content::includes::Includes| at_load.read(page, includes)
    });
    let bodies = match &read {
        Some(read) => content::source::BodiesAtLoad::ReadAtLoad {
            read,
            unless,
            known: heads
                .as_ref()
                .filter(|_| records)
                .map(|(heads, _)| heads as &dyn content::source::KnownHeads),
        },
        None => bodies,
    };
    let (mut content, mut page_cache) = rayon::join(
        || {
            let mut timings = Timings::start();
            let content = content::load_with(config, bodies, read_ahead);
            timings.mark("load: files");
            content
        },
        || {
            let mut timings = Timings::start();
            let cache = page_cache_at.map(|(dir, parts)| page_cache::PageCache::open(dir, parts));
            timings.mark("load: page cache");
            cache
        },
    );
    report.extend(content.diagnostics.iter().cloned());
    if let Some((heads, _)) = heads.filter(|_| records) {
        heads.save(page_cache_dir);
    }
    timings.mark("load content");

    let mut memo = page_cache
        .as_mut()
        .map(|cache| cache.markdown_memo(config, &content));
    let mut markdown_keys: Vec<u64> = match &memo {
        Some(memo) => content.pages.iter().map(|p| memo.key(p)).collect(),
        None => vec![0; content.pages.len()],
    };
    let mut reused: Vec<Option<Rendered>> = Vec::with_capacity(content.pages.len());
    let mut remembered_links: Vec<Option<LinkMemo>> = Vec::with_capacity(content.pages.len());
    let mut kept_bodies = Vec::with_capacity(content.pages.len());
    for (page, &key) in content.pages.iter().zip(&markdown_keys) {
        let remembered = memo
            .as_mut()
            .and_then(|memo| memo.take(&page.rel_path, key));
        let (rendered, links, body) = match remembered {
            Some(kept) => (Some(kept.rendered), kept.links, kept.body),
            None => (None, None, None),
        };
        reused.push(rendered);
        remembered_links.push(links);
        kept_bodies.push(body);
    }
    drop(memo);
    let hollow: Vec<bool> = reused.iter().map(Option::is_some).collect();
    let body_writer = page_cache.as_ref().and_then(|c| c.body_writer.as_ref());
    let owners = cadence::owners_of(config, &content.pages);
    let search = match run.search {
        SearchEntries::AsPagesRender => Some(markdown_pages::SearchAsRendered {
            urls: content.urls.clone(),
            owners: &owners,
            made: page_cache.as_ref().map(|cache| &cache.search),
        }),
        SearchEntries::WhenIndexed => None,
    };
    let stage = match at_load {
        Some(at_load) => at_load.into_stage(&content),
        None => {
            markdown_pages::render_pages(run, &mut content, reused, body_writer, search.as_ref())
        }
    };
    let bodies: Vec<Option<body_store::BodyAt>> = kept_bodies
        .into_iter()
        .zip(stage.bodies)
        .map(|(kept, made)| made.or(kept))
        .collect();
    for (i, failed) in stage.failed {
        report.push(failed);
        // Never kept by the page cache: the next build meets it again.
        if let Some(key) = markdown_keys.get_mut(i) {
            *key = 0;
        }
    }
    let rendered = stage.rendered;
    if run.render_html {
        markdown::highlight::forget_highlighted();
    }
    report.extend(stage.notes);
    timings.mark("markdown");
    let site = Site::build(
        &content.pages,
        &rendered,
        &content.urls,
        config.site.sidebar_limit,
    );
    timings.mark("site");
    let rhythm = cadence::collect(config, &content.pages, &rendered, &site, owners);
    report.extend(rhythm.diagnostics.iter().cloned());
    timings.mark("site + cadence");
    let index = link_index(config, &content, &rendered, &site, &rhythm, static_paths);
    timings.mark("links: index");
    // With the page cache, a page read back from it keeps its checked links
    // while the link index is the one they were checked against: a
    // one-page edit checks one page's links, not the site's.
    let (links, link_memos, link_index) = match &page_cache {
        Some(cache) => {
            let print = index.fingerprint();
            timings.mark("links: fingerprint");
            let remembered = match cache.link_index == print {
                true => remembered_links,
                false => Vec::new(),
            };
            let (links, memos) = links::check_all_remembering(
                &index,
                &content.pages,
                &rendered,
                link_severity,
                &remembered,
            );
            (links, memos, print)
        }
        None => (
            links::check_all(&index, &content.pages, &rendered, link_severity),
            Vec::new(),
            0,
        ),
    };
    report.extend(links.diagnostics.iter().cloned());
    timings.mark("links: check");
    let reserved = reserved_outputs(&rhythm, static_paths);
    report.extend(reserved::claims_on_reserved(
        &content.pages,
        &content.assets,
        &reserved,
    ));
    if redirects::any_declared(config, &content.pages) {
        let plan = redirects::plan(config, &content.pages, &index, &reserved, link_severity);
        report.extend(plan.diagnostics);
    }
    drop(index);
    timings.mark("links");
    let loaded = Loaded {
        content,
        rendered,
        site,
        rhythm,
        links,
        report,
        markdown_keys,
        hollow,
        bodies,
        link_memos,
        link_index,
        search_entries: stage.search_entries,
    };
    (loaded, page_cache)
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
            BuildError::Output(e @ OutputError::SearchEntryLost { page }) => {
                Diagnostic::error("cache", e.to_string())
                    .in_file(page.clone())
                    .with_help("build again")
            }
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
    let mut timings = Timings::start();
    // The page files the fingerprint reads (all of them on a first build)
    // are read once: the load takes them from here.
    let read_ahead = ReadAhead::default();
    // The load's walk of the content folder is made beside the
    // fingerprint: on a build that is not up to date, the load takes it.
    // The theme too (its templates compiled): one core's work.
    let (inputs, theme) = rayon::join(
        || {
            cache
                .as_ref()
                .map(|_| cache::inputs_fingerprint(config, options, &read_ahead))
        },
        || {
            if cache.is_some() {
                read_ahead.walk_content(config);
            }
            load_theme(config)
        },
    );
    timings.mark("inputs fingerprint");
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
    let page_cache_dir = cache.as_ref().map(|cache| cache.dir().to_path_buf());
    let mut summary = build_everything(
        config,
        options,
        (started, read_ahead, theme),
        page_cache_dir.as_deref(),
    )?;
    if let (Some(cache), Some(inputs)) = (&cache, inputs) {
        if summary.wrote_site {
            cache.store(config, inputs, &summary);
        }
    }
    summary.report.extend(cache_note);
    Ok(summary)
}

/// The site's theme and its templates, compiled.
fn load_theme(config: &Config) -> Result<(Theme, Renderer), BuildError> {
    let mut timings = Timings::start();
    let theme = Theme::load(config)
        .map_err(|e| BuildError::from(Diagnostic::error("theme", e.to_string())))?;
    let renderer = Renderer::new(&theme).map_err(BuildError::from)?;
    timings.mark("theme");
    Ok((theme, renderer))
}

/// The build past the whole-site shortcut: every stage, the pages the page
/// cache cannot stand for rendered.
fn build_everything(
    config: &Config,
    options: &BuildOptions,
    (started, read_ahead, theme): (Instant, ReadAhead, Result<(Theme, Renderer), BuildError>),
    page_cache_dir: Option<&std::path::Path>,
) -> Result<BuildSummary, BuildError> {
    let (theme, mut renderer) = theme?;
    let static_paths: Vec<String> = theme.static_files.keys().cloned().collect();
    let severity = if options.strict || config.site.links.broken == BrokenLinks::Error {
        Severity::Error
    } else {
        Severity::Warning
    };
    let run = markdown_pages::MarkdownRun {
        config,
        render_html: true,
        bodies: AfterUse::Release,
        search: SearchEntries::AsPagesRender,
    };
    let (mut loaded, mut page_cache) = load_reusing(
        run,
        severity,
        &static_paths,
        (
            page_cache_dir.map(|dir| (dir, page_cache::Parts::All)),
            Some(&read_ahead),
        ),
    );
    // What the load did not take (files it does not read as pages).
    drop(read_ahead);
    // The entries made as the pages rendered, where the index (and the
    // page cache's plan, which looks there for the entries it needs) finds
    // the entries of earlier builds.
    let own_search_memo = output::search::SearchMemo::default();
    page_cache
        .as_ref()
        .map_or(&own_search_memo, |cache| &cache.search)
        .add(std::mem::take(&mut loaded.search_entries));
    register_rhythm(&mut renderer, &loaded.rhythm);
    let mut summary = BuildSummary {
        pages: loaded.content.pages.len(),
        assets: loaded.content.assets.len(),
        report: std::mem::take(&mut loaded.report),
        coverage: loaded.rhythm.owners.coverage(),
        ..BuildSummary::default()
    };
    if let Some(note) = page_cache.as_ref().and_then(|c| c.note.clone()) {
        summary.report.push(Diagnostic::warning("cache", note));
    }
    summary.report.extend(theme.skipped_warnings());
    if summary.report.errors() > 0 && !options.keep_going {
        summary.elapsed = started.elapsed();
        return Ok(summary);
    }
    let mut timings = Timings::start();
    let stage = StagedDir::begin(&config.output_dir)?;
    let (history, history_note) = read_history(config, &loaded.content);
    summary.report.extend(history_note);
    timings.mark("history");
    let planned = page_cache.as_mut().map(|cache| {
        let render_scope = page_cache::render_scope(config, &theme, &loaded.rhythm);
        let renders = std::mem::take(&mut cache.renders);
        renderer.set_memo(RenderMemo::new(render_scope, renders));
        plan_reuse(
            config,
            &renderer,
            render_scope,
            cache,
            &mut loaded,
            &history,
            &stage,
        )
    });
    // A page read again from its file may have changed since it was loaded.
    summary
        .report
        .extend(std::mem::take(&mut loaded.report).diagnostics);
    release_page_bodies(&mut loaded.content);
    timings.mark("plan");
    let (reuse, facts) = planned.unzip();
    // The plan's render made the pages' dates and the redirects already.
    let mut render = match facts {
        Some(facts) => SiteRender::of_loaded_with(config, &renderer, &loaded, facts),
        None => SiteRender::of_loaded(config, &renderer, &loaded, &history),
    };
    render.reuse = reuse;
    render.search_memo = Some(
        page_cache
            .as_ref()
            .map_or(&own_search_memo, |cache| &cache.search),
    );
    // Each page is rendered once, and its text indexed once.
    render.after_use = AfterUse::Release;
    let render_errors = write_site(&render, &theme, &stage, options.progress).inspect_err(|e| {
        // What the page cache refers to is damaged: the next build starts
        // without it instead of meeting the same error.
        if let (BuildError::Output(OutputError::SearchEntryLost { .. }), Some(cache)) =
            (e, &page_cache)
        {
            cache.discard();
        }
    })?;
    timings.mark("write site");
    summary.report.extend(render_errors);
    if summary.report.errors() > 0 && !options.keep_going {
        summary.elapsed = started.elapsed();
        return Ok(summary);
    }
    summary.written = stage.written.load(std::sync::atomic::Ordering::Relaxed);
    summary.unchanged = stage.unchanged.load(std::sync::atomic::Ordering::Relaxed);
    // The page cache is written while the site is swapped in: a cache
    // that outlives a failed swap is still right, as every file it keeps
    // is checked against the output folder's manifest.
    let reuse = render.reuse.take();
    drop(render);
    let renders = renderer
        .take_memo()
        .map(|memo| memo.into_used().1)
        .unwrap_or_default();
    let (committed, ()) = rayon::join(
        || stage.commit(),
        || {
            if let (Some(cache), Some(reuse)) = (&page_cache, reuse) {
                let outputs = reuse.outputs.into_inner().unwrap_or_default();
                let generated = reuse.generated.into_inner().unwrap_or_default();
                cache.store(&page_cache::BuiltPages {
                    config,
                    content: &loaded.content,
                    markdown_keys: &loaded.markdown_keys,
                    rendered: &loaded.rendered,
                    outputs: &outputs,
                    links: &loaded.link_memos,
                    link_index: loaded.link_index,
                    bodies: &loaded.bodies,
                    generated: generated.as_ref(),
                    renders: &renders,
                });
                cache.forget_check_store();
            }
        },
    );
    committed?;
    timings.mark("commit + page cache");
    summary.wrote_site = true;
    let includes = &loaded.content.includes;
    summary.includes_read = includes
        .looked_up()
        .into_iter()
        .map(|path| {
            let print = includes.fingerprint_of(&path);
            (path, print)
        })
        .collect();
    summary.elapsed = started.elapsed();
    if options.at_end == AtEnd::LeaveToExit {
        std::mem::forget((loaded, page_cache, history));
    }
    Ok(summary)
}

/// Lets go of the Markdown the Markdown stage kept (pages with a prose
/// cadence, which the cadence stage reads) once every page that will be
/// rendered has been (the page cache's plan renders the ones it read back
/// hollow). The template stages read only front matter.
fn release_page_bodies(content: &mut Content) {
    for page in &mut content.pages {
        page.release_body();
    }
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
/// (and once per `serve` session, not per edit). The note says how many
/// pages have no date because a shallow clone's history stops before it.
pub fn read_history(config: &Config, content: &Content) -> (History, Option<Diagnostic>) {
    let read = content::history::last_changes(&config.content_dir, &content.pages);
    let history = read
        .changes
        .into_iter()
        .zip(&content.pages)
        .filter_map(|(change, page)| Some((page.rel_path.clone(), change?)))
        .collect();
    (history, shallow_history_note(read.beyond_history))
}

fn shallow_history_note(pages_without_date: usize) -> Option<Diagnostic> {
    if pages_without_date == 0 {
        return None;
    }
    let pages = match pages_without_date {
        1 => "1 page".to_string(),
        n => format!("{n} pages"),
    };
    let note = Diagnostic::warning(
        "history",
        format!(
            "the repository is a shallow clone: {pages} changed last before its \
             oldest fetched commit, so their \"Updated\" date is left out"
        ),
    );
    Some(note.with_help(
        "fetch the whole history: `fetch-depth: 0` in GitHub's actions/checkout, \
         `GIT_DEPTH: 0` in GitLab CI (docs/ci.md)",
    ))
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
