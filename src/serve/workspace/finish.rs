//! The second pass of a rebuild: what the first pass left for later (pages
//! whose frame changed, listings, the cadence pages, the sitemap, search
//! index and feed, links).
//!
//! An author saves again while this runs: the pass stops at the next page
//! chunk and leaves its work for the next rebuild, whose first pass then
//! serves the newer save at once. What it had rendered is thrown away, so
//! the workspace only ever holds the results of a finished pass.

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::time::{Duration, Instant};

use bytes::Bytes;

use super::{frames, render_pages, Clock, Outcome, Workspace};
use crate::content::url;
use crate::output::extras::Written;
use crate::output::MemorySink;
use crate::serve::reload::Change;

/// How many pages are rendered between two looks for a newer save: small
/// enough that a save waits tens of milliseconds, large enough to keep both
/// cores busy.
const CHUNK: usize = 256;

/// The second pass of a rebuild, left for [`Workspace::finish`].
#[derive(Default)]
pub(super) struct Deferred {
    /// Render every page again (templates changed).
    pub everything: bool,
    /// Pages came, went or changed what others show of them: render the
    /// pages whose frame changed, the listings and the sitemap.
    pub frames: bool,
    /// The rhythm changed: every page is rendered again (templates may
    /// call `cadence()` anywhere).
    pub rhythm: bool,
    /// Outputs the first pass rendered already.
    pub done: HashSet<String>,
    /// Pages whose Markdown was rendered again: their links are checked again.
    pub dirty: BTreeSet<String>,
    /// Edited pages whose anchors changed: links to them are checked again.
    pub anchors_changed: BTreeSet<String>,
    /// Check the links of every page again.
    pub relink_all: bool,
    /// The label of the rebuild, for the terminal.
    pub what: String,
}

impl Deferred {
    /// The work of an earlier rebuild that was not finished, and of the one
    /// after it. Outputs the earlier first pass rendered stay done unless
    /// the later change moved frames (then the frame comparison decides).
    pub fn merged(earlier: Deferred, later: Deferred) -> Deferred {
        let done = if later.frames {
            later.done
        } else {
            earlier.done.into_iter().chain(later.done).collect()
        };
        let what = match (earlier.what.is_empty(), later.what.is_empty()) {
            (true, _) => later.what,
            (_, true) => earlier.what,
            _ if earlier.what == later.what => later.what,
            _ => format!("{}, {}", earlier.what, later.what),
        };
        Deferred {
            everything: earlier.everything || later.everything,
            frames: earlier.frames || later.frames,
            rhythm: earlier.rhythm || later.rhythm,
            done,
            dirty: earlier.dirty.into_iter().chain(later.dirty).collect(),
            anchors_changed: earlier
                .anchors_changed
                .into_iter()
                .chain(later.anchors_changed)
                .collect(),
            relink_all: earlier.relink_all || later.relink_all,
            what,
        }
    }
}

impl Workspace {
    /// The second pass: renders what the first pass left, checks links, and
    /// clears the stale list.
    pub fn finish(&mut self) -> Outcome {
        let never = || false;
        self.finish_unless(&never)
            .unwrap_or_else(|| Outcome::nothing(Instant::now()))
    }

    /// The second pass, stopped when `newer` says another save arrived:
    /// `None` then, and the work stays for the next rebuild.
    pub fn finish_unless(&mut self, newer: &dyn Fn() -> bool) -> Option<Outcome> {
        let started = Instant::now();
        let Some(deferred) = self.deferred.take() else {
            return Some(Outcome::nothing(started));
        };
        let mut clock = Clock::default();
        let mut outcome = if deferred.everything {
            self.everything(&deferred.what)
        } else {
            match self.finish_incremental(&deferred, &mut clock, newer) {
                Some(outcome) => outcome,
                None => {
                    self.deferred = Some(deferred);
                    return None;
                }
            }
        };
        if deferred.relink_all {
            self.recheck_all_links();
        } else if !deferred.dirty.is_empty() {
            self.recheck_links(&deferred.dirty, &deferred.anchors_changed);
        }
        clock.lap("links");
        self.stale.clear();
        outcome.phases = clock.laps;
        outcome.elapsed = started.elapsed();
        Some(outcome)
    }

    /// Everything but the links; `None` when a newer save stopped it, with
    /// the workspace as it was.
    fn finish_incremental(
        &mut self,
        deferred: &Deferred,
        clock: &mut Clock,
        newer: &dyn Fn() -> bool,
    ) -> Option<Outcome> {
        let render = site_render!(self);
        let mut written: BTreeMap<String, Bytes> = BTreeMap::new();
        let mut removed: Vec<String> = Vec::new();
        let mut urls = Vec::new();
        let mut rendered = 0;
        let mut page_diagnostics = BTreeMap::new();
        let mut generated_result = None;
        let mut new_frames = None;
        if deferred.frames {
            let frames_now = frames(&render);
            clock.lap("frames");
            // A new rhythm shows wherever templates call `cadence()`.
            let which: Vec<usize> = self
                .content
                .pages
                .iter()
                .enumerate()
                .filter(|(_, p)| {
                    !deferred.done.contains(&p.url.output)
                        && (deferred.rhythm
                            || self.frames.get(&p.url.output) != frames_now.get(&p.url.output))
                })
                .map(|(i, _)| i)
                .collect();
            for chunk in which.chunks(CHUNK) {
                if newer() {
                    return None;
                }
                let pages = render_pages(&render, chunk);
                rendered += pages.urls.len();
                urls.extend(pages.urls);
                written.extend(pages.written);
                page_diagnostics.extend(pages.diagnostics);
            }
            clock.lap("render");
            if newer() {
                return None;
            }
            let generated = MemorySink::default();
            generated_result = Some(render.generated_pages(&generated));
            let generated = generated.files.into_inner().unwrap_or_default();
            let outputs: HashSet<String> = generated.keys().cloned().collect();
            removed.extend(self.generated.difference(&outputs).cloned());
            urls.extend(
                outputs
                    .iter()
                    .filter_map(|o| o.strip_suffix("index.html"))
                    .map(url::site_path),
            );
            for (rel, bytes) in generated {
                written.insert(rel, Bytes::from(bytes));
            }
            new_frames = Some((frames_now, outputs));
        }
        if newer() {
            return None;
        }
        let cadence_pages = match &generated_result {
            Some(Ok(pages)) => pages,
            _ => &self.cadence_pages,
        };
        // The 404 page shows the page count too.
        let sink = MemorySink::default();
        let fixed = if deferred.frames {
            render.fixed_files(&sink)
        } else {
            Ok(())
        };
        let rest = match fixed.and_then(|()| render.indexes_unless(&sink, cadence_pages, newer)) {
            Ok(Written::Stopped) => return None,
            Ok(Written::All) => Ok(()),
            Err(e) => Err(e),
        };
        clock.lap("indexes");

        // Nothing was stopped: the results go in.
        self.diagnostics.render.extend(page_diagnostics);
        match generated_result {
            Some(Ok(pages)) => self.cadence_pages = pages,
            Some(Err(e)) => {
                self.diagnostics
                    .render
                    .insert(String::new(), vec![e.to_diagnostic()]);
            }
            None => {}
        }
        if let Some((frames_now, outputs)) = new_frames {
            self.frames = frames_now;
            self.generated = outputs;
        }
        if let Err(e) = rest {
            self.diagnostics
                .render
                .insert(String::new(), vec![e.to_diagnostic()]);
        }
        for (rel, bytes) in sink.files.into_inner().unwrap_or_default() {
            written.insert(rel, Bytes::from(bytes));
        }
        self.files.extend(written);
        for rel in removed {
            self.files.remove(&rel);
        }
        let site_urls = &self.content.urls;
        Some(Outcome {
            change: if urls.is_empty() {
                Change::None
            } else {
                Change::Pages(urls.iter().map(|u| site_urls.prefixed(u)).collect())
            },
            published: true,
            what: deferred.what.clone(),
            rendered,
            elapsed: Duration::ZERO,
            phases: Vec::new(),
        })
    }
}
