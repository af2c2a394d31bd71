//! The first pass of an edit to pages, assets and static files: the pages
//! read and rendered again, the site model and rhythm updated, links
//! rechecked, and what the open tabs show rendered first.

use super::*;

impl Workspace {
    /// Pages, assets and static files changed, and nothing else: the first
    /// pass.
    pub(super) fn apply_content_changes(
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
        let change = delta.change(&self.content.urls);
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
    pub(super) fn update_pages(
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
                if r.links()
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
        self.site = Site::build(
            &self.content.pages,
            &self.rendered,
            &self.content.urls,
            self.config.site.sidebar_limit,
        );
        delta.clock.lap("site");
        // A title taken from the first heading shows on other pages too.
        shown_changed |= dirty.iter().any(|rel| {
            let i = self.index_of(rel);
            i.and_then(|i| self.site.titles.get(i)) != old_titles.get(rel)
        });
        let rhythm_changed = self.update_rhythm(&dirty);
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
    /// mentions cadences): on the `dirty` pages, and on every page the
    /// first time after a load. Returns whether what templates and badges
    /// show of it changed.
    pub(super) fn update_rhythm(&mut self, dirty: &BTreeSet<String>) -> bool {
        let pages = &self.content.pages;
        let kept = &self.kept_rhythm.by_page;
        let (rhythm, per_page) =
            cadence::collect_reusing(&self.config, pages, &self.rendered, &self.site, &|i| {
                match dirty.contains(&pages[i].rel_path) {
                    true => None,
                    false => kept.get(&pages[i].rel_path).cloned(),
                }
            });
        let by_page = pages
            .iter()
            .map(|p| p.rel_path.clone())
            .zip(per_page)
            .collect();
        self.diagnostics.cadence = rhythm.diagnostics.clone();
        let print = rhythm_fingerprint(&self.config, &rhythm);
        let last = self
            .kept_rhythm
            .print
            .unwrap_or_else(|| rhythm_fingerprint(&self.config, &self.rhythm));
        self.kept_rhythm = KeptRhythm {
            by_page,
            print: Some(print),
        };
        self.rhythm = rhythm;
        let changed = print != last;
        if changed {
            build::register_rhythm(&mut self.renderer, &self.rhythm);
        }
        changed
    }

    pub(super) fn index_of(&self, rel: &str) -> Option<usize> {
        self.content.pages.iter().position(|p| p.rel_path == rel)
    }

    /// Whether another page already has `page`'s output path.
    pub(super) fn url_taken(&self, page: &Page, except: Option<usize>) -> bool {
        self.content
            .pages
            .iter()
            .enumerate()
            .any(|(i, p)| Some(i) != except && p.url.output == page.url.output)
    }

    pub(super) fn remove_page(&mut self, i: usize, delta: &mut Delta) {
        let page = self.content.pages.remove(i);
        self.rendered.remove(i);
        self.frames.remove(&page.url.output);
        delta.removed.insert(page.url.output);
        // A tab showing the page reloads to the 404 page.
        delta.pages.push(page.url.path);
    }

    pub(super) fn forget(&mut self, rel: &str) {
        self.diagnostics.files.remove(rel);
        self.diagnostics.notes.remove(rel);
        self.diagnostics.links.remove(rel);
        self.diagnostics.render.remove(rel);
    }

    /// Renders the Markdown of `dirty` pages again. Returns the pages that
    /// gained or lost an anchor.
    pub(super) fn render_markdown(&mut self, dirty: &BTreeSet<String>) -> BTreeSet<String> {
        let sources = SourceIndex::new(
            &self.content.pages,
            &self.content.assets,
            &self.content.urls,
        )
        .relative_to(self.config.site.links.relative_to);
        let config = &self.config;
        let includes = &self.content.includes;
        let fresh: Vec<(usize, Result<Rendered, Diagnostic>)> = self
            .content
            .pages
            .par_iter()
            .enumerate()
            .filter(|(_, p)| dirty.contains(&p.rel_path))
            .map(|(i, page)| {
                let source = page.source_or_held();
                let render =
                    || build::render_markdown(config, &sources, includes, (page, &source), true);
                (i, build::guarded(&page.rel_path, render))
            })
            .collect();
        let mut anchors_changed = BTreeSet::new();
        for (i, outcome) in fresh {
            let page = &self.content.pages[i];
            let r = match outcome {
                Ok(r) => r,
                Err(failed) => {
                    // The page keeps its last good version until it renders.
                    self.diagnostics
                        .notes
                        .insert(page.rel_path.clone(), vec![failed]);
                    continue;
                }
            };
            let source = page.source_or_held();
            let notes: Vec<Diagnostic> = build::note_diagnostics((page, &source), &r).collect();
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
    pub(super) fn render_first(
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
        self.stale.extend(INDEXES.iter().map(|f| output_file(f)));
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
    pub(super) fn recheck_links(
        &mut self,
        dirty: &BTreeSet<String>,
        anchors_changed: &BTreeSet<String>,
    ) {
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
                    r.links().iter().any(|link| {
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
    pub(super) fn update_asset(&mut self, rel: &str, delta: &mut Delta) {
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
    pub(super) fn update_static(&mut self, rel: &str, delta: &mut Delta) {
        let mut roots = content::publish_roots(&self.config);
        roots.extend(self.layout.theme.canonicalize());
        let read = |path: PathBuf| content::read_publishable(&path, &roots).ok();
        if let Some(bytes) = self.static_source(rel).and_then(read) {
            delta.written.insert(rel.to_string(), Bytes::from(bytes));
            delta.note_file(rel);
        }
    }
}
