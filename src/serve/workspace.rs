//! The site kept in memory between edits, and the incremental rebuild.
//!
//! A full build is the pipeline of `handbook build` into a [`MemorySink`].
//! After that, an edit to pages redoes only what the edit can change:
//!
//! - the edited pages are read and their Markdown rendered again;
//! - the site model (titles, sections, navigation) is rebuilt: it is a few
//!   map operations;
//! - when the edit changed nothing other pages show of it (title, weight,
//!   description, URL, date, front matter extras) and no page came or went,
//!   only the edited pages are rendered; otherwise every page whose *frame*
//!   (navigation, breadcrumbs, neighbours, section listing) changed is
//!   rendered too, found by comparing fingerprints;
//! - links are checked again on the edited pages; when their anchors changed,
//!   on the pages that link to them; when pages came or went, everywhere;
//! - the sitemap and search index are written again.
//!
//! A rebuild has two passes. [`Workspace::apply`] renders what the open tabs
//! need first (the edited pages, and when other pages change too, the pages
//! the tabs show) and publishes; everything else that may change is listed
//! as *stale*, and the server holds requests for stale files until
//! [`Workspace::finish`] has rendered the rest. So the tab reloads at once,
//! and no request ever gets a file of the previous build that this one
//! changes.
//!
//! A template change renders everything again (the open tabs' pages first);
//! a `site.toml` change, a new content folder, a new index page or a URL
//! collision load the content again. A page whose front matter breaks keeps
//! its last good version in the site until it is fixed; the diagnostics say
//! so.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use bytes::Bytes;
use rayon::prelude::*;

use super::http::Snapshot;
use super::reload::Change;
use super::watch::{Changed, Layout};
use crate::build::{self, SiteRender};
use crate::cadence::{self, Rhythm};
use crate::config::{BrokenLinks, Config, Overrides};
use crate::content::{self, url, Content, Page};
use crate::diagnostics::{Diagnostic, Severity};
use crate::links::{self, SourceIndex};
use crate::markdown::Rendered;
use crate::output::MemorySink;
use crate::render::{Renderer, Theme};
use crate::site::Site;

/// Files that list every page.
const INDEXES: [&str; 3] = ["sitemap.xml", "search/index.json", "atom.xml"];

/// Diagnostics by where they came from, so that a partial rebuild replaces
/// exactly the ones it recomputed.
#[derive(Default)]
struct Diagnostics {
    /// `site.toml`, theme and template loading: while there are any, the
    /// previous configuration and templates stay in use.
    setup: Vec<Diagnostic>,
    /// Reading and front matter, by source file.
    files: BTreeMap<String, Vec<Diagnostic>>,
    /// What the Markdown renderer noticed, by source file.
    notes: BTreeMap<String, Vec<Diagnostic>>,
    /// Broken links, by source file.
    links: BTreeMap<String, Vec<Diagnostic>>,
    /// Cadence declarations and the prose about them.
    cadence: Vec<Diagnostic>,
    /// Template errors and unknown layouts, by source file.
    render: BTreeMap<String, Vec<Diagnostic>>,
}

impl Diagnostics {
    fn all(&self) -> impl Iterator<Item = &Diagnostic> {
        self.setup
            .iter()
            .chain(self.files.values().flatten())
            .chain(self.notes.values().flatten())
            .chain(self.links.values().flatten())
            .chain(self.cadence.iter())
            .chain(self.render.values().flatten())
    }
}

/// What one pass of a rebuild did.
#[derive(Debug)]
pub struct Outcome {
    /// What open tabs must do.
    pub change: Change,
    /// Whether the served site changed.
    pub published: bool,
    /// What was rebuilt, for the terminal: `sales/a.md`, `everything`.
    pub what: String,
    /// Pages rendered.
    pub rendered: usize,
    pub elapsed: Duration,
    /// Time per phase, for incremental rebuilds.
    pub phases: Vec<(&'static str, Duration)>,
}

impl Outcome {
    fn nothing(started: Instant) -> Outcome {
        Outcome {
            change: Change::None,
            published: false,
            what: String::new(),
            rendered: 0,
            elapsed: started.elapsed(),
            phases: Vec::new(),
        }
    }
}

/// Why a rebuild could not go on incrementally.
enum Escalate {
    /// Load all the content again (a new folder, a new index page, a URL clash).
    Content,
}

pub struct Workspace {
    root: PathBuf,
    overrides: Overrides,
    config: Config,
    layout: Layout,
    theme: Theme,
    renderer: Renderer,
    static_paths: Vec<String>,
    content: Content,
    rendered: Vec<Rendered>,
    site: Site,
    /// The frame fingerprint of every page, by output path.
    frames: HashMap<String, u64>,
    /// The operating rhythm: every page's cadence activities.
    rhythm: Rhythm,
    /// Outputs of the pages and files `handbook` generates (listings,
    /// cadence pages and feeds).
    generated: HashSet<String>,
    /// Site paths of the cadence pages, for the sitemap.
    cadence_pages: Vec<String>,
    /// When each page last changed: read once per full load, since saving
    /// a file changes no commit.
    history: build::History,
    files: HashMap<String, Bytes>,
    /// Outputs that the deferred pass may still change.
    stale: HashSet<String>,
    deferred: Option<Deferred>,
    diagnostics: Diagnostics,
}

/// The renderer of the site as loaded now. A macro rather than a method:
/// it borrows only the site's fields, so the workspace's others stay
/// writable while it is alive.
macro_rules! site_render {
    ($workspace:expr) => {
        $crate::build::SiteRender::new(
            &$workspace.config,
            &$workspace.renderer,
            &$workspace.content,
            &$workspace.rendered,
            &$workspace.site,
            &$workspace.rhythm,
            &$workspace.history,
        )
    };
}

mod edits;
mod finish;
use edits::signature;
use finish::Deferred;

impl Workspace {
    /// Loads and renders the whole site. An error here is fatal: there is no
    /// previous site to fall back on.
    pub fn open(root: &Path, overrides: &Overrides) -> Result<Workspace, Diagnostic> {
        let config = Config::load(root, overrides).map_err(|e| e.to_diagnostic())?;
        let (theme, renderer) = load_theme(&config)?;
        let static_paths = theme.static_files.keys().cloned().collect();
        let mut workspace = Workspace {
            root: root.to_path_buf(),
            overrides: overrides.clone(),
            layout: Layout::new(&config),
            config,
            theme,
            renderer,
            static_paths,
            content: Content::default(),
            rendered: Vec::new(),
            site: Site::build(&[], &[]),
            frames: HashMap::new(),
            rhythm: Rhythm::default(),
            generated: HashSet::new(),
            cadence_pages: Vec::new(),
            history: build::History::new(),
            files: HashMap::new(),
            stale: HashSet::new(),
            deferred: None,
            diagnostics: Diagnostics::default(),
        };
        workspace.load_content();
        build::register_rhythm(&mut workspace.renderer, &workspace.rhythm);
        workspace.render_everything().map_err(|errors| {
            errors
                .into_iter()
                .next()
                .unwrap_or_else(|| Diagnostic::error("output", "the site could not be rendered"))
        })?;
        Ok(workspace)
    }

    pub fn layout(&self) -> &Layout {
        &self.layout
    }

    pub fn config(&self) -> &Config {
        &self.config
    }

    pub fn page_count(&self) -> usize {
        self.content.pages.len()
    }

    /// The site as the server should see it now. Its `stale` files are
    /// those [`Workspace::finish`] may still change.
    pub fn snapshot(&self) -> Snapshot {
        Snapshot {
            files: self.files.clone(),
            sources: self
                .content
                .pages
                .iter()
                .map(|p| (p.url.output.clone(), p.rel_path.clone()))
                .collect(),
            base_path: self.config.base_path.clone(),
            stale: self.stale.clone(),
            ready: None,
        }
    }

    /// Every current diagnostic: setup, then per file.
    pub fn diagnostics(&self) -> Vec<&Diagnostic> {
        self.diagnostics.all().collect()
    }

    /// Whether a second pass is due ([`Workspace::finish`]).
    pub fn has_deferred(&self) -> bool {
        self.deferred.is_some()
    }

    /// Applies a batch of changed paths: the first pass. `viewed`: the
    /// source files of the pages open tabs show; they are rendered first.
    pub fn apply(&mut self, paths: &[PathBuf], viewed: &HashSet<String>) -> Outcome {
        let started = Instant::now();
        let changes: BTreeSet<Changed> = paths
            .iter()
            .filter_map(|p| self.layout.classify(p))
            .collect();
        if changes.is_empty() {
            return Outcome::nothing(started);
        }
        let whole_site = changes.contains(&Changed::Config)
            || changes.contains(&Changed::Template)
            || changes.iter().any(|c| self.static_set_changed(c))
            || changes.contains(&Changed::ContentFolder);
        // Work a stopped second pass left: a reload redoes it anyway; an
        // edit's first pass goes first and the work joins its own.
        let unfinished = self.deferred.take();
        if whole_site && unfinished.is_some() {
            self.stale.clear();
        }
        let mut outcome = if changes.contains(&Changed::Config) {
            self.reload_config()
        } else if changes.contains(&Changed::Template)
            || changes.iter().any(|c| self.static_set_changed(c))
        {
            self.reload_theme(viewed)
        } else if changes.contains(&Changed::ContentFolder) {
            self.reload_content()
        } else {
            self.apply_content_changes(&changes, viewed)
        };
        if let Some(earlier) = unfinished.filter(|_| !whole_site) {
            self.deferred = Some(match self.deferred.take() {
                Some(later) => Deferred::merged(earlier, later),
                None => earlier,
            });
        }
        outcome.elapsed = started.elapsed();
        outcome
    }

    fn severity(&self) -> Severity {
        match self.config.site.links.broken {
            BrokenLinks::Error => Severity::Error,
            BrokenLinks::Warning => Severity::Warning,
        }
    }

    /// Loads every page and renders its Markdown; checks every link.
    fn load_content(&mut self) {
        let loaded = build::load(&self.config, true, self.severity(), &self.static_paths);
        let mut files: BTreeMap<String, Vec<Diagnostic>> = BTreeMap::new();
        for d in &loaded.content.diagnostics {
            files
                .entry(d.file.clone().unwrap_or_default())
                .or_default()
                .push(d.clone());
        }
        self.diagnostics.notes = loaded
            .content
            .pages
            .iter()
            .zip(&loaded.rendered)
            .map(|(page, r)| {
                (
                    page.rel_path.clone(),
                    build::note_diagnostics(page, r).collect(),
                )
            })
            .collect();
        self.diagnostics.files = files;
        self.diagnostics.links = by_file(loaded.links.diagnostics);
        self.diagnostics.cadence = loaded.rhythm.diagnostics.clone();
        self.history = build::read_history(&self.config, &loaded.content);
        self.content = loaded.content;
        self.rendered = loaded.rendered;
        self.site = loaded.site;
        self.rhythm = loaded.rhythm;
    }

    /// Renders the whole site into memory and publishes it, unless a page
    /// failed to render and there is a previous site to keep (then the
    /// errors are returned).
    fn render_everything(&mut self) -> Result<usize, Vec<Diagnostic>> {
        let render = site_render!(self);
        let all: Vec<usize> = (0..self.content.pages.len()).collect();
        let mut pages = render_pages(&render, &all);
        let sink = MemorySink::default();
        let generated = MemorySink::default();
        let rest = render
            .generated_pages(&generated)
            .and_then(|cadence_pages| {
                render.fixed_files(&sink)?;
                render.indexes(&sink, &cadence_pages)?;
                build::copy_static(&self.theme, &self.content, &sink)?;
                Ok(cadence_pages)
            });
        let cadence_pages = match rest {
            Ok(paths) => paths,
            Err(e) => {
                pages
                    .diagnostics
                    .insert(String::new(), vec![e.to_diagnostic()]);
                Vec::new()
            }
        };
        let errors: Vec<Diagnostic> = pages
            .diagnostics
            .values()
            .flatten()
            .filter(|d| d.is_error())
            .cloned()
            .collect();
        self.diagnostics.render = pages.diagnostics;
        if !errors.is_empty() && !self.files.is_empty() {
            return Err(errors);
        }
        let generated = generated.files.into_inner().unwrap_or_default();
        self.generated = generated.keys().cloned().collect();
        self.cadence_pages = cadence_pages;
        let mut files: HashMap<String, Bytes> = pages.written.into_iter().collect();
        for (rel, bytes) in generated
            .into_iter()
            .chain(sink.files.into_inner().unwrap_or_default())
        {
            files.insert(rel, Bytes::from(bytes));
        }
        self.files = files;
        self.frames = frames(&render);
        Ok(self.content.pages.len())
    }

    fn everything(&mut self, what: &str) -> Outcome {
        let started = Instant::now();
        self.stale.clear();
        self.deferred = None;
        match self.render_everything() {
            Ok(rendered) => Outcome {
                change: Change::All,
                published: true,
                what: what.to_string(),
                rendered,
                elapsed: started.elapsed(),
                phases: Vec::new(),
            },
            Err(_) => Outcome {
                what: format!("{what} (kept the last good site)"),
                ..Outcome::nothing(started)
            },
        }
    }

    fn reload_config(&mut self) -> Outcome {
        let config = match Config::load(&self.root, &self.overrides) {
            Ok(config) => config,
            Err(e) => {
                self.diagnostics.setup = vec![e.to_diagnostic()];
                return Outcome {
                    what: "site.toml has errors (kept the last good site)".into(),
                    ..Outcome::nothing(Instant::now())
                };
            }
        };
        let (theme, renderer) = match load_theme(&config) {
            Ok(loaded) => loaded,
            Err(d) => {
                self.diagnostics.setup = vec![d];
                return Outcome {
                    what: "the theme has errors (kept the last good site)".into(),
                    ..Outcome::nothing(Instant::now())
                };
            }
        };
        self.diagnostics.setup.clear();
        self.layout = Layout::new(&config);
        self.static_paths = theme.static_files.keys().cloned().collect();
        self.config = config;
        self.theme = theme;
        self.renderer = renderer;
        self.load_content();
        build::register_rhythm(&mut self.renderer, &self.rhythm);
        self.everything("everything (site.toml changed)")
    }

    /// Templates changed: the pages open tabs show are rendered and
    /// published first, the rest of the site in the second pass.
    fn reload_theme(&mut self, viewed: &HashSet<String>) -> Outcome {
        let started = Instant::now();
        let (theme, renderer) = match load_theme(&self.config) {
            Ok(loaded) => loaded,
            Err(d) => {
                self.diagnostics.setup = vec![d];
                return Outcome {
                    what: "a template has errors (kept the last good site)".into(),
                    ..Outcome::nothing(started)
                };
            }
        };
        self.diagnostics.setup.clear();
        let static_paths: Vec<String> = theme.static_files.keys().cloned().collect();
        let statics_changed = static_paths != self.static_paths;
        self.theme = theme;
        self.renderer = renderer;
        build::register_rhythm(&mut self.renderer, &self.rhythm);
        self.static_paths = static_paths;
        let what = "everything (templates changed)".to_string();
        let which: Vec<usize> = self
            .content
            .pages
            .iter()
            .enumerate()
            .filter(|(_, p)| viewed.contains(&p.rel_path))
            .map(|(i, _)| i)
            .collect();
        let first = {
            let render = site_render!(self);
            render_pages(&render, &which)
        };
        if which.is_empty()
            || statics_changed
            || first
                .diagnostics
                .values()
                .flatten()
                .any(Diagnostic::is_error)
        {
            // Nothing to show quickly: render everything now.
            if statics_changed {
                // Links to theme files may now resolve, or not.
                self.recheck_all_links();
            }
            return self.everything(&what);
        }
        let done: HashSet<String> = first.written.keys().cloned().collect();
        self.stale = self
            .files
            .keys()
            .filter(|f| !done.contains(*f))
            .cloned()
            .collect();
        let base = &self.config.base_path;
        let change = Change::Pages(first.urls.iter().map(|u| format!("{base}{u}")).collect());
        let rendered = first.urls.len();
        self.files.extend(first.written);
        self.deferred = Some(Deferred {
            everything: true,
            what: what.clone(),
            ..Deferred::default()
        });
        Outcome {
            change,
            published: true,
            what,
            rendered,
            elapsed: started.elapsed(),
            phases: Vec::new(),
        }
    }

    fn reload_content(&mut self) -> Outcome {
        self.load_content();
        self.everything("everything (content folders changed)")
    }

    /// A static file was added or removed: the theme's file list changes.
    fn static_set_changed(&self, change: &Changed) -> bool {
        let Changed::Static(rel) = change else {
            return false;
        };
        let known = self.theme.static_files.contains_key(rel);
        let exists = self.static_source(rel).is_some();
        known != exists
    }

    /// The file on disk a static output comes from: the site's own `static/`
    /// wins over the theme's.
    fn static_source(&self, rel: &str) -> Option<PathBuf> {
        [
            self.layout.root.join("static"),
            self.layout.theme.join("static"),
        ]
        .into_iter()
        .map(|dir| dir.join(rel))
        .find(|p| p.is_file())
    }

    fn recheck_all_links(&mut self) {
        let index = build::link_index(
            &self.config,
            &self.content,
            &self.rendered,
            &self.site,
            &self.rhythm,
            &self.static_paths,
        );
        let report =
            crate::links::check_all(&index, &self.content.pages, &self.rendered, self.severity());
        self.diagnostics.links = by_file(report.diagnostics);
    }

    /// Pages, assets and static files changed, and nothing else: the first
    /// pass.
    fn apply_content_changes(
        &mut self,
        changes: &BTreeSet<Changed>,
        viewed: &HashSet<String>,
    ) -> Outcome {
        let started = Instant::now();
        let mut what: Vec<String> = changes
            .iter()
            .filter_map(|c| match c {
                Changed::Page(rel) | Changed::Asset(rel) => Some(rel.clone()),
                Changed::Static(rel) => Some(format!("static/{rel}")),
                _ => None,
            })
            .collect();
        if what.len() > 5 {
            let more = what.len() - 4;
            what.truncate(4);
            what.push(format!("{more} more"));
        }
        let what = what.join(", ");
        let pages: Vec<&str> = changes
            .iter()
            .filter_map(|c| match c {
                Changed::Page(rel) => Some(rel.as_str()),
                _ => None,
            })
            .collect();
        let mut delta = Delta::default();
        if !pages.is_empty() {
            match self.update_pages(&pages, viewed, &mut delta) {
                Ok(()) => {}
                Err(Escalate::Content) => return self.reload_content(),
            }
        }
        for change in changes {
            match change {
                Changed::Asset(rel) => self.update_asset(rel, &mut delta),
                Changed::Static(rel) => self.update_static(rel, &mut delta),
                _ => {}
            }
        }
        let rendered = delta.pages_rendered;
        let change = delta.change(&self.config.base_path);
        let published = !delta.is_empty();
        for (rel, bytes) in std::mem::take(&mut delta.written) {
            self.files.insert(rel, bytes);
        }
        for rel in &delta.removed {
            self.files.remove(rel);
        }
        delta.clock.lap("publish");
        let needs_finish =
            delta.frames || delta.relink_all || !delta.dirty.is_empty() || delta.indexes;
        if needs_finish {
            self.deferred = Some(Deferred {
                everything: false,
                frames: delta.frames,
                rhythm: delta.rhythm,
                done: delta.done,
                dirty: delta.dirty,
                anchors_changed: delta.anchors_changed,
                relink_all: delta.relink_all,
                what: what.clone(),
            });
        }
        Outcome {
            change,
            published,
            what,
            rendered,
            elapsed: started.elapsed(),
            phases: delta.clock.laps,
        }
    }

    /// Reads the changed pages again and renders what they affect.
    fn update_pages(
        &mut self,
        rels: &[&str],
        viewed: &HashSet<String>,
        delta: &mut Delta,
    ) -> Result<(), Escalate> {
        let mut dirty: BTreeSet<String> = BTreeSet::new();
        // Pages came or went, or one moved to another URL.
        let mut page_set_changed = false;
        // Something other pages show of an edited page changed.
        let mut shown_changed = false;
        for &rel in rels {
            let known = self.index_of(rel);
            let exists = self.config.content_dir.join(rel).is_file();
            match (known, exists) {
                (Some(i), true) => {
                    let readme_is_index = self.content.pages[i].url.is_index && url::is_readme(rel);
                    let (page, diagnostics) =
                        content::load_page_file(&self.config, rel, readme_is_index);
                    let broken = diagnostics.iter().any(Diagnostic::is_error);
                    self.diagnostics.files.insert(rel.to_string(), diagnostics);
                    match page {
                        // Keep the last good version until the error is fixed.
                        None if broken => {}
                        None => {
                            // Now a draft: it leaves the site.
                            self.remove_page(i, delta);
                            page_set_changed = true;
                        }
                        Some(page) => {
                            let old = &self.content.pages[i];
                            if page.url != old.url {
                                if self.url_taken(&page, Some(i)) {
                                    return Err(Escalate::Content);
                                }
                                delta.removed.insert(old.url.output.clone());
                                page_set_changed = true;
                            }
                            shown_changed |= signature(old) != signature(&page);
                            self.content.pages[i] = page;
                            self.date_edit(rel);
                            dirty.insert(rel.to_string());
                        }
                    }
                }
                (Some(i), false) => {
                    if url::is_index_name(rel) || url::is_readme(rel) {
                        return Err(Escalate::Content);
                    }
                    self.remove_page(i, delta);
                    self.forget(rel);
                    page_set_changed = true;
                }
                (None, true) => {
                    if url::is_index_name(rel) || url::is_readme(rel) {
                        return Err(Escalate::Content);
                    }
                    let (page, diagnostics) = content::load_page_file(&self.config, rel, false);
                    self.diagnostics.files.insert(rel.to_string(), diagnostics);
                    if let Some(page) = page {
                        if self.url_taken(&page, None) {
                            return Err(Escalate::Content);
                        }
                        let at = self
                            .content
                            .pages
                            .partition_point(|p| p.rel_path.as_str() < rel);
                        self.content.pages.insert(at, page);
                        self.rendered.insert(at, Rendered::default());
                        self.date_edit(rel);
                        dirty.insert(rel.to_string());
                        page_set_changed = true;
                    }
                }
                // A page that never loaded (its front matter was broken) is gone.
                (None, false) => self.forget(rel),
            }
        }
        if page_set_changed {
            // Links to `.md` files are rewritten to page URLs while the
            // Markdown renders; the pages they point at may have come or gone.
            for (page, r) in self.content.pages.iter().zip(&self.rendered) {
                if r.links
                    .iter()
                    .any(|l| links::is_source_link(path_part(&l.target)))
                {
                    dirty.insert(page.rel_path.clone());
                }
            }
        }
        delta.clock.lap("read");
        let old_titles: HashMap<String, String> = dirty
            .iter()
            .filter_map(|rel| {
                let i = self.index_of(rel)?;
                Some((rel.clone(), self.site.titles.get(i)?.clone()))
            })
            .collect();
        let anchors_changed = self.render_markdown(&dirty);
        delta.clock.lap("markdown");
        self.site = Site::build(&self.content.pages, &self.rendered);
        delta.clock.lap("site");
        // A title taken from the first heading shows on other pages too.
        shown_changed |= dirty.iter().any(|rel| {
            let i = self.index_of(rel);
            i.and_then(|i| self.site.titles.get(i)) != old_titles.get(rel)
        });
        let rhythm_changed = self.update_rhythm();
        delta.clock.lap("rhythm");
        self.render_first(
            &dirty,
            viewed,
            page_set_changed || shown_changed || rhythm_changed,
            delta,
        );
        delta.rhythm |= rhythm_changed;
        // Links resolve against URLs and anchors: when pages came or went,
        // every link is checked again; when anchors changed, the links that
        // point at the edited pages are.
        delta.relink_all |= page_set_changed;
        delta.anchors_changed.extend(anchors_changed);
        delta.dirty.extend(dirty);
        Ok(())
    }

    /// Collects the rhythm again (cadence declarations, and the prose that
    /// mentions cadences, on every page). Returns whether what templates and
    /// badges show of it changed.
    fn update_rhythm(&mut self) -> bool {
        let rhythm = cadence::collect(
            &self.config,
            &self.content.pages,
            &self.rendered,
            &self.site.titles,
        );
        self.diagnostics.cadence = rhythm.diagnostics.clone();
        let changed = rhythm_fingerprint(&self.config, &rhythm)
            != rhythm_fingerprint(&self.config, &self.rhythm);
        self.rhythm = rhythm;
        if changed {
            build::register_rhythm(&mut self.renderer, &self.rhythm);
        }
        changed
    }

    fn index_of(&self, rel: &str) -> Option<usize> {
        self.content.pages.iter().position(|p| p.rel_path == rel)
    }

    /// Whether another page already has `page`'s output path.
    fn url_taken(&self, page: &Page, except: Option<usize>) -> bool {
        self.content
            .pages
            .iter()
            .enumerate()
            .any(|(i, p)| Some(i) != except && p.url.output == page.url.output)
    }

    fn remove_page(&mut self, i: usize, delta: &mut Delta) {
        let page = self.content.pages.remove(i);
        self.rendered.remove(i);
        self.frames.remove(&page.url.output);
        delta.removed.insert(page.url.output);
        // A tab showing the page reloads to the 404 page.
        delta.pages.push(page.url.path);
    }

    fn forget(&mut self, rel: &str) {
        self.diagnostics.files.remove(rel);
        self.diagnostics.notes.remove(rel);
        self.diagnostics.links.remove(rel);
        self.diagnostics.render.remove(rel);
    }

    /// Renders the Markdown of `dirty` pages again. Returns the pages that
    /// gained or lost an anchor.
    fn render_markdown(&mut self, dirty: &BTreeSet<String>) -> BTreeSet<String> {
        let sources = SourceIndex::new(
            &self.content.pages,
            &self.content.assets,
            &self.config.base_path,
        );
        let config = &self.config;
        let includes = &self.content.includes;
        let fresh: Vec<(usize, Rendered)> = self
            .content
            .pages
            .par_iter()
            .enumerate()
            .filter(|(_, p)| dirty.contains(&p.rel_path))
            .map(|(i, page)| {
                (
                    i,
                    build::render_markdown(config, &sources, includes, page, true),
                )
            })
            .collect();
        let mut anchors_changed = BTreeSet::new();
        for (i, r) in fresh {
            let page = &self.content.pages[i];
            let notes: Vec<Diagnostic> = build::note_diagnostics(page, &r).collect();
            self.diagnostics.notes.insert(page.rel_path.clone(), notes);
            let old: HashSet<&str> = self.rendered[i]
                .anchors
                .iter()
                .map(String::as_str)
                .collect();
            let new: HashSet<&str> = r.anchors.iter().map(String::as_str).collect();
            if old != new {
                anchors_changed.insert(page.rel_path.clone());
            }
            self.rendered[i] = r;
        }
        anchors_changed
    }

    /// The first pass of rendering: the edited pages, and when other pages
    /// change too, the pages open tabs show. Everything else that may change
    /// becomes stale until [`Workspace::finish`].
    fn render_first(
        &mut self,
        dirty: &BTreeSet<String>,
        viewed: &HashSet<String>,
        structural: bool,
        delta: &mut Delta,
    ) {
        let render = site_render!(self);
        let which: Vec<usize> = self
            .content
            .pages
            .iter()
            .enumerate()
            .filter(|(_, p)| {
                dirty.contains(&p.rel_path) || (structural && viewed.contains(&p.rel_path))
            })
            .map(|(i, _)| i)
            .collect();
        let pages = render_pages(&render, &which);
        delta.clock.lap("render");
        delta.pages_rendered += pages.urls.len();
        delta.pages.extend(pages.urls);
        delta.done.extend(pages.written.keys().cloned());
        delta.written.extend(pages.written);
        // A page that failed keeps its last good output.
        self.diagnostics.render.extend(pages.diagnostics);
        delta.indexes = true;
        self.stale.extend(INDEXES.iter().map(|f| f.to_string()));
        if structural {
            delta.frames = true;
            self.stale.extend(
                self.content
                    .pages
                    .iter()
                    .map(|p| p.url.output.clone())
                    .chain(self.generated.iter().cloned())
                    .chain(listing_outputs(&self.site))
                    .filter(|output| !delta.done.contains(output)),
            );
        }
    }

    /// Checks the links of the edited pages again, and of the pages that
    /// link to an anchor of a page whose anchors changed.
    fn recheck_links(&mut self, dirty: &BTreeSet<String>, anchors_changed: &BTreeSet<String>) {
        let index = build::link_index(
            &self.config,
            &self.content,
            &self.rendered,
            &self.site,
            &self.rhythm,
            &self.static_paths,
        );
        let targets: Vec<usize> = anchors_changed
            .iter()
            .filter_map(|rel| self.index_of(rel))
            .collect();
        let keys: HashSet<String> = targets
            .iter()
            .flat_map(|&t| link_keys(&self.content.pages[t]))
            .collect();
        // The home page has no name of its own: any link may point at it.
        let any_link = targets
            .iter()
            .any(|&t| link_keys(&self.content.pages[t]).is_empty());
        let mut which: BTreeSet<usize> = self
            .content
            .pages
            .iter()
            .enumerate()
            .filter(|(_, p)| dirty.contains(&p.rel_path))
            .map(|(i, _)| i)
            .collect();
        if !targets.is_empty() {
            let referrers: Vec<usize> = self
                .rendered
                .par_iter()
                .enumerate()
                .filter(|(from, r)| {
                    r.links.iter().any(|link| {
                        let Some((path, _)) = link.target.split_once('#') else {
                            return false;
                        };
                        (any_link || could_name(path, &keys))
                            && matches!(index.resolve(*from, path),
                                links::Resolution::Page(to) if targets.contains(&to))
                    })
                })
                .map(|(from, _)| from)
                .collect();
            which.extend(referrers);
        }
        let which: Vec<usize> = which.into_iter().collect();
        let report = links::check_pages(
            &index,
            &self.content.pages,
            &self.rendered,
            self.severity(),
            &which,
        );
        for &i in &which {
            self.diagnostics
                .links
                .remove(&self.content.pages[i].rel_path);
        }
        self.diagnostics.links.extend(by_file(report.diagnostics));
    }

    /// A content file other than a page changed.
    fn update_asset(&mut self, rel: &str, delta: &mut Delta) {
        let path = self.config.content_dir.join(rel);
        let known = self.content.assets.iter().position(|a| a.rel_path == rel);
        let is_page_output = self.content.pages.iter().any(|p| p.url.output == rel);
        match (
            known,
            content::read_publishable(&path, &content::publish_roots(&self.config)),
        ) {
            (Some(_), Ok(bytes)) => {
                if !is_page_output {
                    delta.written.insert(rel.to_string(), Bytes::from(bytes));
                    delta.note_file(rel);
                }
            }
            (None, Ok(bytes)) => {
                self.content.assets.push(content::Asset {
                    rel_path: rel.to_string(),
                    abs_path: path,
                });
                if !is_page_output {
                    delta.written.insert(rel.to_string(), Bytes::from(bytes));
                }
                delta.all = true;
                delta.relink_all = true;
            }
            (Some(i), Err(_)) => {
                self.content.assets.remove(i);
                if !is_page_output {
                    delta.removed.insert(rel.to_string());
                }
                delta.all = true;
                delta.relink_all = true;
            }
            (None, Err(_)) => {}
        }
    }

    /// A theme or site static file changed (it existed and still does).
    fn update_static(&mut self, rel: &str, delta: &mut Delta) {
        let mut roots = content::publish_roots(&self.config);
        roots.extend(self.layout.theme.canonicalize());
        let read = |path: PathBuf| content::read_publishable(&path, &roots).ok();
        if let Some(bytes) = self.static_source(rel).and_then(read) {
            delta.written.insert(rel.to_string(), Bytes::from(bytes));
            delta.note_file(rel);
        }
    }
}

/// The outputs of the first pass of an incremental rebuild, and what it
/// leaves for the second.
#[derive(Default)]
struct Delta {
    written: BTreeMap<String, Bytes>,
    removed: BTreeSet<String>,
    /// URL paths of re-rendered and removed pages.
    pages: Vec<String>,
    pages_rendered: usize,
    /// Output paths of the pages rendered.
    done: HashSet<String>,
    /// Non-page files written (assets, static files).
    files: Vec<String>,
    /// Tabs must reload whatever they show.
    all: bool,
    /// Render the pages whose frame changed, and the listings.
    frames: bool,
    /// Write the sitemap and search index again.
    indexes: bool,
    /// The rhythm changed: render every page again.
    rhythm: bool,
    /// Pages whose Markdown was rendered again: their links are checked again.
    dirty: BTreeSet<String>,
    /// Check the links of every page again.
    relink_all: bool,
    /// Edited pages whose anchors changed: links to them are checked again.
    anchors_changed: BTreeSet<String>,
    clock: Clock,
}

/// Time spent per phase of a rebuild (`HANDBOOK_SERVE_TRACE=1` prints it).
pub struct Clock {
    last: Instant,
    pub laps: Vec<(&'static str, Duration)>,
}

impl Default for Clock {
    fn default() -> Self {
        Clock {
            last: Instant::now(),
            laps: Vec::new(),
        }
    }
}

impl Clock {
    fn lap(&mut self, name: &'static str) {
        let now = Instant::now();
        self.laps.push((name, now - self.last));
        self.last = now;
    }
}

impl Delta {
    fn is_empty(&self) -> bool {
        self.written.is_empty() && self.removed.is_empty()
    }

    fn note_file(&mut self, rel: &str) {
        self.files.push(rel.to_string());
    }

    /// Stylesheets alone are swapped in place; pages reload when they are
    /// the ones that changed; anything else reloads every tab.
    fn change(&self, base_path: &str) -> Change {
        if self.all {
            return Change::All;
        }
        let css_only = self.pages.is_empty()
            && !self.files.is_empty()
            && self
                .files
                .iter()
                .all(|f| f.to_ascii_lowercase().ends_with(".css"));
        if css_only {
            return Change::Css;
        }
        if !self.files.is_empty() {
            return Change::All;
        }
        if self.pages.is_empty() {
            return Change::None;
        }
        Change::Pages(
            self.pages
                .iter()
                .map(|p| format!("{base_path}{p}"))
                .collect(),
        )
    }
}

/// Rendered pages: their outputs, and diagnostics by source file (an empty
/// list for a page that rendered cleanly, so that it replaces old ones).
struct PageResults {
    written: BTreeMap<String, Bytes>,
    diagnostics: BTreeMap<String, Vec<Diagnostic>>,
    /// URL paths of the pages written.
    urls: Vec<String>,
}

/// A page's HTML and layout warning, or its template error.
type PageResult = Result<(String, Option<Diagnostic>), Diagnostic>;

fn render_pages(render: &SiteRender, which: &[usize]) -> PageResults {
    let results: Vec<(usize, PageResult)> = which
        .par_iter()
        .map(|&i| (i, render.render_page(i).map_err(|e| e.to_diagnostic())))
        .collect();
    let mut out = PageResults {
        written: BTreeMap::new(),
        diagnostics: BTreeMap::new(),
        urls: Vec::new(),
    };
    for (i, result) in results {
        let page = &render.content.pages[i];
        let diagnostics = match result {
            Ok((html, warning)) => {
                out.written
                    .insert(page.url.output.clone(), Bytes::from(html));
                out.urls.push(page.url.path.clone());
                warning.into_iter().collect()
            }
            Err(error) => vec![error],
        };
        out.diagnostics.insert(page.rel_path.clone(), diagnostics);
    }
    out
}

fn frames(render: &SiteRender) -> HashMap<String, u64> {
    render
        .content
        .pages
        .par_iter()
        .enumerate()
        .map(|(i, p)| (p.url.output.clone(), render.frame_fingerprint(i)))
        .collect()
}

/// What pages and cadence pages show of the rhythm: its export and which
/// activities each page declares.
fn rhythm_fingerprint(config: &Config, rhythm: &Rhythm) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    cadence::index::to_json(&rhythm.index, &config.vocabulary).hash(&mut hasher);
    let mut by_page: Vec<(usize, usize, usize)> = rhythm
        .by_page
        .iter()
        .map(|(page, range)| (*page, range.start, range.end))
        .collect();
    by_page.sort_unstable();
    by_page.hash(&mut hasher);
    hasher.finish()
}

fn listing_outputs(site: &Site) -> HashSet<String> {
    site.sections_without_index()
        .map(|s| format!("{}index.html", s.path.trim_start_matches('/')))
        .collect()
}

/// A link target without its query and fragment.
fn path_part(target: &str) -> &str {
    target.split(['#', '?']).next().unwrap_or(target)
}

/// The names a link to `page` ends with: the last segment of its URL, and
/// of its source file (a folder's name for an index page).
fn link_keys(page: &Page) -> Vec<String> {
    let mut keys = vec![link_key(&page.url.path)];
    keys.push(link_key(&page.rel_path));
    keys.retain(|k| !k.is_empty());
    keys
}

/// The last meaningful segment of a path: extensions and index names
/// dropped (`a/b/index.html.md` and `/a/b/` both give `b`); empty when the
/// path names a folder only by `.`, `..` or nothing.
fn link_key(path: &str) -> String {
    let decoded = percent_encoding::percent_decode_str(path).decode_utf8_lossy();
    let mut segments: Vec<&str> = decoded
        .split('/')
        .filter(|s| !s.is_empty() && *s != ".")
        .collect();
    while let Some(last) = segments.pop() {
        let mut name = last;
        for ext in [".erb", ".md", ".markdown", ".html", ".htm"] {
            if let Some(stem) = name.strip_suffix(ext) {
                name = stem;
            }
        }
        let is_index = ["index", "_index", "readme"]
            .iter()
            .any(|n| name.eq_ignore_ascii_case(n));
        if name == ".." {
            return String::new();
        }
        if !is_index && !name.is_empty() {
            return name.to_string();
        }
    }
    String::new()
}

/// Whether a link's path could resolve to a page with one of `keys`: its
/// key is one of them, or it names a folder relatively (`./`, `../`, ``).
/// Cheap, and never wrong in the "no" direction; [`LinkIndex::resolve`]
/// decides.
fn could_name(path: &str, keys: &HashSet<String>) -> bool {
    let path = path_part(path);
    let key = link_key(path);
    key.is_empty() || keys.contains(&key)
}

fn by_file(diagnostics: Vec<Diagnostic>) -> BTreeMap<String, Vec<Diagnostic>> {
    let mut map: BTreeMap<String, Vec<Diagnostic>> = BTreeMap::new();
    for d in diagnostics {
        map.entry(d.file.clone().unwrap_or_default())
            .or_default()
            .push(d);
    }
    map
}

fn load_theme(config: &Config) -> Result<(Theme, Renderer), Diagnostic> {
    let theme = Theme::load(config).map_err(|e| Diagnostic::error("theme", e.to_string()))?;
    let renderer = Renderer::new(&theme)?;
    Ok((theme, renderer))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn link_keys_name_the_page_whatever_the_spelling() {
        for path in [
            "/handbook/values/",
            "https://about.gitlab.com/handbook/values/",
            "../values/index.html.md",
            "values.md",
            "/handbook/values/index.html",
            "values",
        ] {
            assert_eq!(link_key(path), "values", "{path}");
        }
        for folder_only in ["", "./", "../", "index.md", "./README.md", "/", "../.."] {
            assert_eq!(link_key(folder_only), "", "{folder_only}");
        }
        assert_eq!(link_key("/a/b%20c/"), "b c");
    }

    #[test]
    fn only_plausible_links_are_resolved() {
        let keys: HashSet<String> = ["values".to_string()].into_iter().collect();
        assert!(could_name("/handbook/values/", &keys));
        assert!(could_name("./", &keys));
        assert!(could_name("index.html.md", &keys));
        assert!(!could_name("/handbook/communication/", &keys));
    }
}
