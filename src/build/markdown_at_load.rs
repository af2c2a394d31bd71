//! `check` with no page cache to take pages from: each page's Markdown is
//! read as soon as the load has the page, on the core that read it, and
//! its body let go then ([`BodiesAtLoad::ReadAtLoad`]), instead of the
//! site's Markdown being held until every page is loaded and read after. The
//! memory a page's text took is then used again by the next page: on the
//! 10,000-page benchmark sites, `check --no-cache` peaks at 92 MB instead
//! of 143 MB (80 MB of Markdown) and at 162 MB instead of 381 MB (the wide
//! shape, 300 MB), in the same time (BENCHMARKS.md).
//!
//! Links to `.md` sources become page URLs only once every page's URL is
//! known: a page read at load records its links as written, and
//! [`MarkdownAtLoad::into_stage`] rewrites them after the load, with the
//! same rule ([`rewritten_target`]). Without HTML that is all a rewrite
//! changes (what the link checker resolves), so the report is the one a
//! `check` that rendered after the load makes.
//!
//! [`BodiesAtLoad::ReadAtLoad`]: crate::content::source::BodiesAtLoad::ReadAtLoad

use std::sync::Mutex;

use rayon::prelude::*;
use rustc_hash::FxHashMap;

use super::markdown_pages::{
    guarded, notes_of, render_with_links, rewritten_target, LinkTargets, MarkdownStage,
};
use crate::config::Config;
use crate::content::includes::Includes;
use crate::content::site_urls::SiteUrls;
use crate::content::{Content, Page};
use crate::diagnostics::Diagnostic;
use crate::links::SourceIndex;
use crate::markdown::Rendered;

/// One page read at load: what its Markdown rendered to (or the error
/// that names it) and the renderer's notes as diagnostics.
type ReadPage = (Result<Rendered, Diagnostic>, Vec<Diagnostic>);

/// The Markdown stage of `check`, run page by page as the load reads them.
pub(super) struct MarkdownAtLoad<'a> {
    config: &'a Config,
    urls: SiteUrls,
    /// With their page paths, in the order read: the load drops pages
    /// after reading them (URL collisions), and orders them. Boxed and
    /// appended, not kept in a map: a `Rendered` is several hundred bytes,
    /// and a map of them copied each into new memory every time it grew.
    read: Mutex<Vec<(String, Box<ReadPage>)>>,
}

impl<'a> MarkdownAtLoad<'a> {
    pub fn new(config: &'a Config) -> MarkdownAtLoad<'a> {
        MarkdownAtLoad {
            config,
            urls: SiteUrls::of(config),
            read: Mutex::new(Vec::new()),
        }
    }

    /// Reads one page's Markdown, whole, as loaded: ids and links, no HTML.
    pub fn read(&self, page: &Page, includes: &Includes) {
        let text = page.text.as_str();
        let as_written = LinkTargets {
            urls: &self.urls,
            rewrite: &|_| None,
        };
        let outcome = guarded(&page.rel_path, || {
            render_with_links(self.config, as_written, includes, (page, text), false)
        });
        let notes = match &outcome {
            Ok(rendered) if !rendered.notes.is_empty() => notes_of(page, text, rendered),
            _ => Vec::new(),
        };
        let read_page = Box::new((outcome, notes));
        let mut read = self.read.lock().unwrap_or_else(|e| e.into_inner());
        read.push((page.rel_path.clone(), read_page));
    }

    /// What the pages read at load rendered to, in page order, with their
    /// links rewritten now that every page's URL is known.
    pub fn into_stage(self, content: &Content) -> MarkdownStage {
        let read = self.read.into_inner().unwrap_or_else(|e| e.into_inner());
        let mut read: FxHashMap<String, Box<ReadPage>> = read.into_iter().collect();
        let mut stage = MarkdownStage {
            rendered: Vec::with_capacity(content.pages.len()),
            failed: Vec::new(),
            notes: Vec::new(),
            bodies: vec![None; content.pages.len()],
            search_entries: Vec::new(),
        };
        for (i, page) in content.pages.iter().enumerate() {
            let (outcome, notes) = match read.remove(&page.rel_path) {
                Some(read_page) => *read_page,
                None => {
                    // Every page the load keeps was given to `read`.
                    let missed = Diagnostic::error("internal", "the page was not read at load")
                        .in_file(page.rel_path.clone())
                        .with_help("this is a bug in handbook: please report it");
                    (Err(missed), Vec::new())
                }
            };
            stage.notes.extend(notes);
            match outcome {
                Ok(rendered) => stage.rendered.push(rendered),
                Err(failed) => {
                    stage.failed.push((i, failed));
                    stage.rendered.push(Rendered::default());
                }
            }
        }
        let sources = SourceIndex::new(&content.pages, &content.assets, &content.urls)
            .relative_to(self.config.site.links.relative_to);
        stage
            .rendered
            .par_iter_mut()
            .zip(&content.pages)
            .for_each(|(rendered, page)| {
                for link in &mut rendered.found_links {
                    let rewritten = rewritten_target(&sources, page, &link.target);
                    link.set_rewritten(rewritten);
                }
            });
        stage
    }
}
