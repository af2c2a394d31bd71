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
use crate::content::site_urls::generated::{self, output_file};
use crate::content::{self, url, Content, Page};
use crate::diagnostics::{Diagnostic, Severity};
use crate::links::{self, SourceIndex};
use crate::markdown::{AfterUse, Rendered};
use crate::output::MemorySink;
use crate::render::{Renderer, Theme};
use crate::site::Site;

/// Files that list every page.
const INDEXES: [&str; 3] = [generated::SITEMAP, generated::SEARCH_INDEX, generated::FEED];

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
    /// What an edit reuses of the rhythm as it was collected last.
    kept_rhythm: KeptRhythm,
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
    /// The search index's page entries: an edit reads one page again.
    search_memo: crate::output::search::SearchMemo,
}

/// Each page's part of the rhythm as last collected, by page path (a page
/// an edit did not touch has the same part: it reads only the page), and
/// the fingerprint of the rhythm they made. Empty until the first edit
/// after a load.
#[derive(Default)]
struct KeptRhythm {
    by_page: HashMap<String, cadence::PageRhythm>,
    print: Option<u64>,
}

/// The renderer of the site as loaded now. A macro rather than a method:
/// it borrows only the site's fields, so the workspace's others stay
/// writable while it is alive.
macro_rules! site_render {
    ($workspace:expr) => {{
        let mut render = $crate::build::SiteRender::new(
            &$workspace.config,
            &$workspace.renderer,
            &$workspace.content,
            &$workspace.rendered,
            &$workspace.site,
            &$workspace.rhythm,
            &$workspace.history,
        );
        render.search_memo = Some(&$workspace.search_memo);
        render
    }};
}

mod delta;
mod edits;
mod finish;
mod pages;
mod reload;
use delta::*;
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
            site: Site::build(&[], &[], &content::site_urls::SiteUrls::default(), 0),
            frames: HashMap::new(),
            rhythm: Rhythm::default(),
            kept_rhythm: KeptRhythm::default(),
            generated: HashSet::new(),
            cadence_pages: Vec::new(),
            history: build::History::new(),
            files: HashMap::new(),
            stale: HashSet::new(),
            deferred: None,
            diagnostics: Diagnostics::default(),
            search_memo: Default::default(),
        };
        workspace.load_content();
        workspace
            .layout
            .note_included(workspace.content.includes.looked_up());
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

    /// The site's URLs under its base path.
    pub fn urls(&self) -> &content::site_urls::SiteUrls {
        &self.content.urls
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
            urls: self.content.urls.clone(),
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
        self.layout.note_included(self.content.includes.looked_up());
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
}
