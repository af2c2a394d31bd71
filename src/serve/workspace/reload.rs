//! Whole-site reloads: a new `site.toml`, templates or theme files, a new
//! content folder; and the content loaded and rendered whole.

use super::*;

impl Workspace {
    /// Loads every page and renders its Markdown; checks every link.
    pub(super) fn load_content(&mut self) {
        // serve keeps every page's Markdown: it renders pages again on edits.
        let loaded = build::load(
            &self.config,
            true,
            self.severity(),
            &self.static_paths,
            AfterUse::Keep,
        );
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
                    build::note_diagnostics((page, &page.text), r).collect(),
                )
            })
            .collect();
        let (history, history_note) = build::read_history(&self.config, &loaded.content);
        // A note on the site as a whole, under no file.
        if let Some(note) = history_note {
            files.entry(String::new()).or_default().push(note);
        }
        self.diagnostics.files = files;
        self.diagnostics.links = by_file(loaded.links.diagnostics);
        self.diagnostics.cadence = loaded.rhythm.diagnostics.clone();
        self.history = history;
        self.content = loaded.content;
        self.rendered = loaded.rendered;
        self.site = loaded.site;
        self.rhythm = loaded.rhythm;
        self.kept_rhythm = KeptRhythm::default();
    }

    /// Renders the whole site into memory and publishes it, unless a page
    /// failed to render and there is a previous site to keep (then the
    /// errors are returned).
    pub(super) fn render_everything(&mut self) -> Result<usize, Vec<Diagnostic>> {
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

    pub(super) fn everything(&mut self, what: &str) -> Outcome {
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

    pub(super) fn reload_config(&mut self) -> Outcome {
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
    pub(super) fn reload_theme(&mut self, viewed: &HashSet<String>) -> Outcome {
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
        let site_urls = &self.content.urls;
        let change = Change::Pages(first.urls.iter().map(|u| site_urls.prefixed(u)).collect());
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

    pub(super) fn reload_content(&mut self) -> Outcome {
        self.load_content();
        self.everything("everything (content folders changed)")
    }

    /// A static file was added or removed: the theme's file list changes.
    pub(super) fn static_set_changed(&self, change: &Changed) -> bool {
        let Changed::Static(rel) = change else {
            return false;
        };
        let known = self.theme.static_files.contains_key(rel);
        let exists = self.static_source(rel).is_some();
        known != exists
    }

    /// The file on disk a static output comes from: the site's own `static/`
    /// wins over the theme's.
    pub(super) fn static_source(&self, rel: &str) -> Option<PathBuf> {
        [
            self.layout.root.join("static"),
            self.layout.theme.join("static"),
        ]
        .into_iter()
        .map(|dir| dir.join(rel))
        .find(|p| p.is_file())
    }

    pub(super) fn recheck_all_links(&mut self) {
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
}
