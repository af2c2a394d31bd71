//! The files written beside the pages: `sitemap.xml`, the search index,
//! `atom.xml`, and the redirects (`_redirects` and one page per old URL).

use chrono::{DateTime, FixedOffset};
use serde_json::Value;

use super::{feed, redirects, search, sitemap, OutputError, Sink};
use crate::config::Config;
use crate::content::history::{last_modified_at, LastChange};
use crate::content::site_urls::generated::{self, output_file};
use crate::content::{Content, Page};
use crate::markdown::{AfterUse, Rendered};
use crate::site::Site;

/// What the extras are made from.
pub struct Extras<'a> {
    pub config: &'a Config,
    pub content: &'a Content,
    pub rendered: &'a [Rendered],
    pub site: &'a Site,
    /// The last change of each page, in page order.
    pub history: &'a [Option<LastChange>],
    /// Each page's `(date, datetime)` as
    /// [`crate::content::history::last_modified`] gives them, in
    /// page order.
    pub lastmods: &'a [(String, String)],
    pub redirects: &'a redirects::Plan,
    /// Site paths of the generated cadence pages (listed in the sitemap).
    pub cadence_pages: &'a [String],
    /// Each page's owners (searchable).
    pub owners: &'a crate::owners::Owners,
    /// The search entries of earlier builds (see [`search::SearchMemo`]).
    pub search_memo: Option<&'a search::SearchMemo>,
    /// Whether a page's text is let go once its search entry is made.
    pub after_use: AfterUse,
}

/// Whether every file was written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Written {
    All,
    /// Stopped before the end: the files are incomplete.
    Stopped,
}

impl Extras<'_> {
    /// Pages readers should find: not replaced by a redirect, not `noindex`.
    fn listed(&self) -> impl Iterator<Item = (usize, &Page)> + '_ {
        self.content
            .pages
            .iter()
            .enumerate()
            .filter(|(i, p)| !self.redirects.replaced.contains(i) && !is_noindex(p))
    }

    pub fn write(&self, sink: &dyn Sink) -> Result<(), OutputError> {
        let never = || false;
        self.write_unless(sink, &never).map(|_| ())
    }

    /// Writes the files; stops (`Ok(Stopped)`) when `stop` says they are no
    /// longer wanted, with some of them written to `sink`.
    pub fn write_unless(
        &self,
        sink: &dyn Sink,
        stop: &dyn Fn() -> bool,
    ) -> Result<Written, OutputError> {
        let mut timings = crate::timings::Timings::start();
        self.write_sitemap(sink)?;
        timings.mark("sitemap");
        if self.write_search(sink, stop)? == Written::Stopped {
            return Ok(Written::Stopped);
        }
        timings.mark("search index");
        self.write_feed(sink)?;
        timings.mark("feed");
        self.write_redirects(sink)?;
        if let Some(css) = super::icons::stylesheet(self.rendered) {
            sink.write(&output_file(generated::ICONS_CSS), css.as_bytes())?;
        }
        Ok(Written::All)
    }

    fn write_sitemap(&self, sink: &dyn Sink) -> Result<(), OutputError> {
        let entries: Vec<sitemap::SitemapEntry> = self
            .listed()
            .map(|(i, p)| sitemap::SitemapEntry {
                permalink: self.content.urls.permalink(&p.url.path),
                lastmod: self.lastmods.get(i).map_or("", |(date, _)| date),
            })
            .chain(self.cadence_pages.iter().map(|path| sitemap::SitemapEntry {
                permalink: self.content.urls.absolute(path),
                lastmod: "",
            }))
            .collect();
        sink.write(
            &output_file(generated::SITEMAP),
            sitemap::sitemap(&entries).as_bytes(),
        )
    }

    /// The pages the search index lists, with their page numbers.
    pub fn search_pages(&self) -> Vec<(usize, search::SearchPage<'_>)> {
        self.listed()
            .map(|(i, p)| {
                let page = search::SearchPage {
                    source: &p.rel_path,
                    title: &self.site.titles[i],
                    url: self.content.urls.href(&p.url.path),
                    rendered: &self.rendered[i],
                    owners: &self.owners.of_page(i).owners,
                };
                (i, page)
            })
            .collect()
    }

    fn write_search(
        &self,
        sink: &dyn Sink,
        stop: &dyn Fn() -> bool,
    ) -> Result<Written, OutputError> {
        let pages: Vec<search::SearchPage> = self
            .search_pages()
            .into_iter()
            .map(|(_, page)| page)
            .collect();
        let index = search::Index {
            memo: self.search_memo,
            after_use: self.after_use,
        };
        match search::write_unless(&pages, stop, index, sink)? {
            search::Indexed::All => Ok(Written::All),
            search::Indexed::Stopped => Ok(Written::Stopped),
        }
    }

    fn write_feed(&self, sink: &dyn Sink) -> Result<(), OutputError> {
        let (config, urls) = (self.config, &self.content.urls);
        let candidates = self.feed_candidates();
        let pages = candidates
            .iter()
            .map(|&(i, updated)| {
                let page = &self.content.pages[i];
                let summary = if page.front.description.trim().is_empty() {
                    self.rendered[i].lead.as_str()
                } else {
                    page.front.description.as_str()
                };
                feed::FeedPage {
                    title: &self.site.titles[i],
                    permalink: urls.permalink(&page.url.path),
                    summary,
                    updated,
                }
            })
            .collect();
        let site = feed::FeedSite {
            title: &config.site.title,
            description: &config.site.description,
            home: urls.absolute("/"),
            feed_url: urls.absolute(generated::FEED),
            language: &config.site.language,
        };
        sink.write(
            &output_file(generated::FEED),
            feed::atom(&site, pages).as_bytes(),
        )
    }

    /// The listed pages that may be among the feed's entries, with their
    /// last change ([`feed::keep_candidates`]): only these get a URL and a
    /// summary.
    fn feed_candidates(&self) -> Vec<(usize, DateTime<FixedOffset>)> {
        let mut dated: Vec<(usize, DateTime<FixedOffset>)> = self
            .listed()
            .filter_map(|(i, page)| {
                let change = self.history.get(i).and_then(Option::as_ref);
                Some((i, last_modified_at(page.front.date.as_deref(), change)?))
            })
            .collect();
        feed::keep_candidates(&mut dated);
        dated
    }

    fn write_redirects(&self, sink: &dyn Sink) -> Result<(), OutputError> {
        let list = &self.redirects.redirects;
        if list.is_empty() {
            return Ok(());
        }
        let urls = &self.content.urls;
        for r in list {
            let html = redirects::redirect_html(&r.to, urls, &self.config.site.language);
            sink.write(&r.output, html.as_bytes())?;
        }
        let file = redirects::redirects_file(list, urls);
        sink.write(&output_file(generated::REDIRECTS), file.as_bytes())
    }
}

/// `noindex: true` in front matter: kept out of search, sitemap and feed.
pub fn is_noindex(page: &Page) -> bool {
    match page.front.extra.get("noindex") {
        Some(Value::Bool(b)) => *b,
        Some(Value::String(s)) => s == "true",
        _ => false,
    }
}
