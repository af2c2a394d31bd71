//! The sidebar, rendered by the theme's `nav.html` and shared between pages.
//!
//! Every page of a section has the same sidebar except for the link marked
//! current, so it is rendered once per section. Rendering it from scratch per
//! section still costs (top-level entries x sections): on a 50,000-page site
//! with 500 top-level sections that is millions of Tera loop iterations. So
//! only the home section's sidebar (every top section closed) is rendered
//! whole; a section's sidebar is that one with its top section's entry
//! swapped for the opened entry. The entry's markup is found by rendering the
//! entry alone, closed and opened, and taking what differs. Templates for
//! which this does not hold (an entry's markup depends on its neighbours, say
//! `loop.index`) are caught by comparing the first composed sidebars with full
//! renders; on a mismatch every section is rendered whole. A `nav.html` that
//! uses `loop` is never composed. A top-level entry past `sidebar_limit` is
//! not in the home sidebar: its own sidebar is rendered whole, and those of
//! the sections under it are composed from that one.
//!
//! Pages get the sidebar after Tera: the page template sees a short
//! placeholder in `nav_html`, and [`insert_nav`] puts the section's sidebar in
//! its place with the page's link marked current. A 50 KB sidebar is then
//! copied once per page instead of four times (into the context, through
//! `safe`, into the output, and to mark the link).

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::OnceLock;

use memchr::memmem;
use serde_json::Value;

use crate::content::Page;
use crate::diagnostics::Diagnostic;
use crate::render::context::TemplateData;
use crate::render::Renderer;
use crate::site::{NavNode, Site};

/// What page templates see as `nav_html`; replaced after rendering. Made of
/// private-use characters and letters, so HTML escaping leaves it as is.
pub const NAV_MARKER: &str = "\u{E000}handbook-sidebar\u{E001}";

/// How many composed sidebars are compared with a full render per build.
const CHECKED_COMPOSITIONS: usize = 2;

/// Sidebars by section, rendered on first use (pages render in parallel).
pub struct SectionNavs {
    enabled: bool,
    home: OnceLock<Result<String, Diagnostic>>,
    /// Each section's sidebar, and a fingerprint of it for the pages'
    /// frame keys: a sidebar lists the top of the site on every page, so
    /// hashing it per page grew with the square of the site.
    rendered: Vec<OnceLock<Result<(String, u64), Diagnostic>>>,
    composing: AtomicBool,
    checks_left: AtomicUsize,
    composed: AtomicUsize,
}

/// What the sidebar of one section is built from.
pub struct NavSource<'a> {
    pub renderer: &'a Renderer,
    pub config: &'a Value,
    pub site: &'a Site,
    pub pages: &'a [Page],
}

impl NavSource<'_> {
    fn render(&self, nav: &[NavNode]) -> Result<String, Diagnostic> {
        if self.renderer.default_nav() {
            return Ok(super::nav_markup::default_nav_html(nav));
        }
        let mut data = TemplateData::default();
        data.insert_value("config", self.config.clone());
        data.insert("nav", nav);
        self.renderer.render("nav.html", &data.into_tera())
    }

    /// The sidebar of `section` rendered whole, as without composition.
    pub fn render_whole(&self, section: usize) -> Result<String, Diagnostic> {
        self.render(&self.site.section_nav(section, self.pages))
    }
}

impl SectionNavs {
    /// `enabled` when the theme has a `nav.html`; without one, templates get
    /// the sidebar as data (`nav`) and this cache stays unused.
    pub fn new(renderer: &Renderer, sections: usize) -> SectionNavs {
        SectionNavs {
            enabled: renderer.has_template("nav.html"),
            home: OnceLock::new(),
            rendered: (0..sections).map(|_| OnceLock::new()).collect(),
            composing: AtomicBool::new(renderer.sidebar_composable()),
            checks_left: AtomicUsize::new(CHECKED_COMPOSITIONS),
            composed: AtomicUsize::new(0),
        }
    }

    pub fn enabled(&self) -> bool {
        self.enabled
    }

    /// How many sidebars were composed rather than rendered whole.
    pub fn composed(&self) -> usize {
        self.composed.load(Ordering::Relaxed)
    }

    /// The sidebar of `section`, no page marked current, and its
    /// fingerprint.
    pub fn get(&self, source: &NavSource, section: usize) -> Result<(&str, u64), Diagnostic> {
        let slot = self
            .rendered
            .get(section)
            .ok_or_else(|| Diagnostic::error("template", "no such section"))?;
        let built = slot.get_or_init(|| {
            self.build(source, section).map(|html| {
                let key = xxhash_rust::xxh3::xxh3_64(html.as_bytes());
                (html, key)
            })
        });
        match built {
            Ok((html, key)) => Ok((html.as_str(), *key)),
            Err(e) => Err(e.clone()),
        }
    }

    fn home(&self, source: &NavSource) -> Result<&str, Diagnostic> {
        let html = self.home.get_or_init(|| source.render_whole(0));
        html.as_deref().map_err(Clone::clone)
    }

    fn build(&self, source: &NavSource, section: usize) -> Result<String, Diagnostic> {
        let Some(branch) = source.site.section_branch(section, source.pages) else {
            return self.home(source).map(str::to_string);
        };
        if !self.composing.load(Ordering::Relaxed) {
            return source.render_whole(section);
        }
        let home = self.home(source)?;
        // The same entry closed, as the home sidebar has it (its children
        // are not cloned only to be dropped).
        let closed = NavNode {
            title: branch.title.clone(),
            url: branch.url.clone(),
            current: branch.current,
            open: false,
            has_children: branch.has_children,
            children: Vec::new(),
            more: false,
        };
        let closed = source.render(std::slice::from_ref(&closed))?;
        let opened = source.render(std::slice::from_ref(&branch))?;
        let composed = match compose(home, &closed, &opened, &branch.url) {
            Some(composed) => composed,
            None => match self.compose_past_the_limit(source, section, &opened, &branch.url)? {
                Some(composed) => composed,
                None => return source.render_whole(section),
            },
        };
        if self.take_check() {
            let whole = source.render_whole(section)?;
            if whole != composed {
                self.composing.store(false, Ordering::Relaxed);
                return Ok(whole);
            }
        }
        self.composed.fetch_add(1, Ordering::Relaxed);
        Ok(composed)
    }

    /// A section whose top-level entry the home sidebar does not list (it
    /// is past `sidebar_limit`): composed from the sidebar of that top
    /// section, which lists it, opened one level. Each such top section is
    /// rendered whole once, not each section under it. `None` when
    /// `section` is the top section itself, or composing fails.
    fn compose_past_the_limit(
        &self,
        source: &NavSource,
        section: usize,
        opened: &str,
        url: &str,
    ) -> Result<Option<String>, Diagnostic> {
        let site = source.site;
        let Some(top) = site.top_section(section).filter(|&top| top != section) else {
            return Ok(None);
        };
        let Some(top_entry) = site.section_branch(top, source.pages) else {
            return Ok(None);
        };
        let (base, _) = self.get(source, top)?;
        let closed = source.render(std::slice::from_ref(&top_entry))?;
        Ok(compose(base, &closed, opened, url))
    }

    fn take_check(&self) -> bool {
        self.checks_left
            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |n| n.checked_sub(1))
            .is_ok()
    }
}

/// `home` with the entry `closed` renders to replaced by the one `opened`
/// renders to. Both are one-entry sidebars, so they differ only inside the
/// entry. The part of `closed` that differs, widened to take in the entry's
/// `url` (so that it can only be found at that entry), is looked for in
/// `home`, and widened further until it occurs there exactly once. `None`
/// when it never does, or `closed` does not print the URL.
fn compose(home: &str, closed: &str, opened: &str, url: &str) -> Option<String> {
    let (c, o) = (closed.as_bytes(), opened.as_bytes());
    let prefix = c.iter().zip(o).take_while(|(a, b)| a == b).count();
    let suffix = c[prefix..]
        .iter()
        .rev()
        .zip(o[prefix..].iter().rev())
        .take_while(|(a, b)| a == b)
        .count();
    let (differs_from, differs_to) = (prefix, c.len() - suffix);
    // The smallest window over the difference and one printing of the URL.
    let (mut start, mut end) = memmem::find_iter(c, url.as_bytes())
        .map(|at| (at.min(differs_from), (at + url.len()).max(differs_to)))
        .min_by_key(|(start, end)| end - start)?;
    loop {
        let needle = &c[start..end];
        let mut found = memmem::find_iter(home.as_bytes(), needle);
        if let (Some(at), None) = (found.next(), found.next()) {
            // The same window in `opened`: its common prefix is as long, its
            // common suffix too.
            let opened_end = o.len() - (c.len() - end);
            let mut out = Vec::with_capacity(home.len() + opened.len());
            out.extend_from_slice(&home.as_bytes()[..at]);
            out.extend_from_slice(&o[start..opened_end]);
            out.extend_from_slice(&home.as_bytes()[at + needle.len()..]);
            return String::from_utf8(out).ok();
        }
        if start == 0 && end == c.len() {
            return None;
        }
        start = start.saturating_sub(16);
        end = (end + 16).min(c.len());
    }
}

/// Puts `nav` where the page template printed [`NAV_MARKER`], with the link
/// to `current` (a URL as the sidebar prints it) marked `aria-current`.
pub fn insert_nav(page: String, nav: &str, current: &str) -> String {
    let mut markers = memmem::find_iter(page.as_bytes(), NAV_MARKER).peekable();
    if markers.peek().is_none() {
        return page;
    }
    let mut out = String::with_capacity(page.len() + nav.len() + 24);
    let mut copied = 0;
    for at in markers {
        out.push_str(&page[copied..at]);
        push_nav(&mut out, nav, current);
        copied = at + NAV_MARKER.len();
    }
    out.push_str(&page[copied..]);
    out
}

/// Writes `nav` with the link to `current` marked `aria-current`.
pub fn push_nav(out: &mut String, nav: &str, current: &str) {
    let needle = format!("href=\"{current}\"");
    match memmem::find(nav.as_bytes(), needle.as_bytes()).map(|at| at + needle.len()) {
        Some(end) => {
            out.push_str(&nav[..end]);
            out.push_str(" aria-current=\"page\"");
            out.push_str(&nav[end..]);
        }
        None => out.push_str(nav),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compose_swaps_the_one_entry() {
        let home = "<ul><li><a href=\"/a/\">A</a></li><li><a href=\"/b/\">B</a></li></ul>";
        let closed = "<ul><li><a href=\"/b/\">B</a></li></ul>";
        let opened = "<ul><li class=\"open\"><a href=\"/b/\">B</a><ul><li>x</li></ul></li></ul>";
        assert_eq!(
            compose(home, closed, opened, "/b/").as_deref(),
            Some("<ul><li><a href=\"/a/\">A</a></li><li class=\"open\"><a href=\"/b/\">B</a><ul><li>x</li></ul></li></ul>")
        );
    }

    #[test]
    fn compose_grows_a_difference_that_is_not_unique() {
        // The entries differ only by an inserted list, at a place that looks
        // the same in every entry: the difference is grown to the link.
        let home = "<ul><li><a href=\"/a/\">A</a></li><li><a href=\"/b/\">B</a></li></ul>";
        let closed = "<ul><li><a href=\"/b/\">B</a></li></ul>";
        let opened = "<ul><li><a href=\"/b/\">B</a><ol></ol></li></ul>";
        assert_eq!(
            compose(home, closed, opened, "/b/").as_deref(),
            Some("<ul><li><a href=\"/a/\">A</a></li><li><a href=\"/b/\">B</a><ol></ol></li></ul>")
        );
    }

    #[test]
    fn compose_gives_up_when_the_entry_is_not_in_home() {
        let home = "<ul><li><a href=\"/a/\">A</a></li></ul>";
        let closed = "<ul><li><a href=\"/b/\">B</a></li></ul>";
        let opened = "<ul><li><a href=\"/b/\">B</a><ol></ol></li></ul>";
        assert_eq!(compose(home, closed, opened, "/b/"), None);
    }

    #[test]
    fn compose_never_swaps_an_entry_found_by_the_list_around_it() {
        // The entries differ only by a class before the link, and the
        // first grown difference (`">` of the list, then the class) occurs
        // once in `home`: at the first entry, not at `/b/`. Growing to the
        // URL finds the right one.
        let home = "<ul class=\"x\">\n<li class=\"c\"><a href=\"/a/\">A</a></li>\n<li class=\"c\"><a href=\"/b/\">B</a></li></ul>";
        let closed = "<ul class=\"x\">\n<li class=\"c\"><a href=\"/b/\">B</a></li></ul>";
        let opened = "<ul class=\"x\">\n<li class=\"o\"><a href=\"/b/\">B</a></li></ul>";
        assert_eq!(
            compose(home, closed, opened, "/b/").as_deref(),
            Some("<ul class=\"x\">\n<li class=\"c\"><a href=\"/a/\">A</a></li>\n<li class=\"o\"><a href=\"/b/\">B</a></li></ul>")
        );
    }

    #[test]
    fn insert_nav_marks_the_current_link_at_every_marker() {
        let page = format!("<body>{NAV_MARKER}<main>x</main>{NAV_MARKER}</body>");
        let nav = "<a href=\"/a/\">A</a><a href=\"/b/\">B</a>";
        let out = insert_nav(page, nav, "/b/");
        assert_eq!(
            out,
            "<body><a href=\"/a/\">A</a><a href=\"/b/\" aria-current=\"page\">B</a><main>x</main><a href=\"/a/\">A</a><a href=\"/b/\" aria-current=\"page\">B</a></body>"
        );
        assert_eq!(
            insert_nav("<p>no sidebar</p>".into(), nav, "/a/"),
            "<p>no sidebar</p>"
        );
    }
}
