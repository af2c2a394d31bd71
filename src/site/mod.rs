//! Stage 4: the site model: sections from folders, titles, ordering,
//! navigation, breadcrumbs and previous/next.

use std::collections::HashMap;

use serde::Serialize;

pub mod tags;

use crate::content::site_urls::SiteUrls;
use crate::content::{url, Page};
use crate::markdown::Rendered;

/// A folder of pages.
#[derive(Debug, Clone)]
pub struct Section {
    /// Content-relative folder (`""` for the top).
    pub dir: String,
    pub title: String,
    /// URL path of the section (its index page's, or the folder's).
    pub path: String,
    pub index_page: Option<usize>,
    /// Non-index pages, ordered by weight then title.
    pub pages: Vec<usize>,
    /// Child sections, ordered by their index page's weight then title.
    pub subsections: Vec<usize>,
    pub parent: Option<usize>,
    pub weight: i64,
}

#[derive(Debug)]
pub struct Site {
    /// Title per page (front matter, else first heading, else file name).
    pub titles: Vec<String>,
    /// The shorter titles pages give themselves for navigation (Hugo's
    /// `linkTitle`, Docusaurus' `sidebar_label`), where they do.
    pub link_titles: HashMap<usize, String>,
    pub sections: Vec<Section>,
    /// The section each page belongs to (for an index page: the section it indexes).
    pub page_section: Vec<usize>,
    /// Previous and next page in reading order within the section.
    pub prev_next: Vec<(Option<usize>, Option<usize>)>,
    /// Tags from front matter, with their pages.
    pub tags: tags::Tags,
    /// The site's URLs: the sidebar and breadcrumbs link with them.
    pub urls: SiteUrls,
    /// Entries one list of the sidebar shows (`sidebar_limit`; 0: all).
    pub sidebar_limit: usize,
}

#[derive(Debug, Clone, Serialize)]
pub struct NavLink {
    pub title: String,
    pub url: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct NavNode {
    pub title: String,
    pub url: String,
    pub current: bool,
    pub open: bool,
    pub has_children: bool,
    pub children: Vec<NavNode>,
    /// The last entry of a list cut at the sidebar limit: a link to the
    /// section, whose page lists every entry.
    pub more: bool,
}

/// A page's title: its front matter's, else its first heading, else one
/// made of its file name. The search index takes it as the Markdown stage
/// renders the page, before the site is built.
pub fn page_title(page: &Page, rendered: &Rendered) -> String {
    page.front
        .title
        .clone()
        .filter(|t| !t.trim().is_empty())
        .or_else(|| rendered.first_heading().map(str::to_string))
        .unwrap_or_else(|| url::title_from_path(&page.rel_path))
}

impl Site {
    pub fn build(
        pages: &[Page],
        rendered: &[Rendered],
        urls: &SiteUrls,
        sidebar_limit: usize,
    ) -> Site {
        let titles: Vec<String> = pages
            .iter()
            .zip(rendered)
            .map(|(page, rendered)| page_title(page, rendered))
            .collect();
        let link_titles = link_titles(pages);
        // What the sidebar and breadcrumbs call each page.
        let nav_titles: Vec<String> = (0..pages.len())
            .map(|i| link_titles.get(&i).unwrap_or(&titles[i]).clone())
            .collect();

        // One section per folder that holds pages, plus every ancestor folder.
        let mut by_dir: HashMap<String, usize> = HashMap::new();
        let mut sections: Vec<Section> = Vec::new();
        fn ensure(
            dir: &str,
            by_dir: &mut HashMap<String, usize>,
            sections: &mut Vec<Section>,
        ) -> usize {
            if let Some(&i) = by_dir.get(dir) {
                return i;
            }
            let parent = if dir.is_empty() {
                None
            } else {
                let parent_dir = dir.rfind('/').map_or("", |i| &dir[..i]);
                Some(ensure(parent_dir, by_dir, sections))
            };
            let i = sections.len();
            sections.push(Section {
                dir: dir.to_string(),
                title: url::title_from_path(&format!("{dir}/index.md")),
                path: url::folder_path(dir),
                index_page: None,
                pages: Vec::new(),
                subsections: Vec::new(),
                parent,
                weight: 0,
            });
            by_dir.insert(dir.to_string(), i);
            if let Some(p) = parent {
                sections[p].subsections.push(i);
            }
            i
        }
        ensure("", &mut by_dir, &mut sections);
        let mut page_section = vec![0; pages.len()];
        for (i, page) in pages.iter().enumerate() {
            let s = ensure(page.dir(), &mut by_dir, &mut sections);
            page_section[i] = s;
            if page.url.is_index && sections[s].index_page.is_none() {
                sections[s].index_page = Some(i);
                sections[s].title = nav_titles[i].clone();
                sections[s].path = page.url.path.clone();
                sections[s].weight = page.front.weight;
            } else {
                sections[s].pages.push(i);
            }
        }
        adopt_pages_beside_folders(pages, &nav_titles, &mut sections, &mut page_section);
        weigh_sections_by_their_first_entry(pages, &mut sections);
        let order = |a: &usize, b: &usize| {
            (pages[*a].front.weight, titles[*a].to_lowercase())
                .cmp(&(pages[*b].front.weight, titles[*b].to_lowercase()))
        };
        for s in 0..sections.len() {
            let mut list = std::mem::take(&mut sections[s].pages);
            list.sort_by(order);
            sections[s].pages = list;
            let mut subs = std::mem::take(&mut sections[s].subsections);
            subs.sort_by(|a, b| {
                (sections[*a].weight, sections[*a].title.to_lowercase())
                    .cmp(&(sections[*b].weight, sections[*b].title.to_lowercase()))
            });
            sections[s].subsections = subs;
        }
        let mut prev_next = vec![(None, None); pages.len()];
        for section in &sections {
            let reading: Vec<usize> = section
                .index_page
                .into_iter()
                .chain(section.pages.iter().copied())
                .collect();
            for (k, &p) in reading.iter().enumerate() {
                let prev = k.checked_sub(1).map(|j| reading[j]);
                let next = reading.get(k + 1).copied();
                // An index page belongs to its own section's reading order.
                prev_next[p] = (prev, next);
            }
        }
        Site {
            titles,
            link_titles,
            sections,
            page_section,
            prev_next,
            tags: tags::Tags::collect(pages),
            urls: urls.clone(),
            sidebar_limit,
        }
    }

    /// Ancestors of a page, from the top section down to its parent.
    pub fn breadcrumbs(&self, page: usize) -> Vec<NavLink> {
        let section = self.page_section[page];
        // An index page stands for its section: the crumbs start above it.
        let first = if self.sections[section].index_page == Some(page) {
            self.sections[section].parent
        } else {
            Some(section)
        };
        let mut chain: Vec<NavLink> = first
            .map(|s| self.ancestry(s))
            .unwrap_or_default()
            .into_iter()
            .rev()
            .map(|s| NavLink {
                title: self.sections[s].title.clone(),
                url: self.urls.href(&self.sections[s].path),
            })
            .collect();
        // The top section is the home page; keep it only when it has a page.
        if let Some(first) = chain.first() {
            if self.sections[0].index_page.is_none() && first.url == self.urls.home() {
                chain.remove(0);
            }
        }
        chain
    }

    /// The sidebar for one page: the top level, and the branch that leads to
    /// the page opened. Bytes per page stay flat as the site grows.
    pub fn nav(&self, page: usize, pages: &[Page]) -> Vec<NavNode> {
        let open_sections = self.ancestry(self.page_section[page]);
        self.section_children(0, page, &open_sections, pages)
    }

    /// The sidebar shared by every page of a section: the branch to the
    /// section open, no page marked current.
    pub fn section_nav(&self, section: usize, pages: &[Page]) -> Vec<NavNode> {
        let open_sections = self.ancestry(section);
        self.section_children(0, usize::MAX, &open_sections, pages)
    }

    fn section_children(
        &self,
        section: usize,
        current: usize,
        open: &[usize],
        pages: &[Page],
    ) -> Vec<NavNode> {
        let in_order = self.entries_in_order(section, pages);
        let entries = in_order.len();
        let cut = self.sidebar_limit > 0 && entries > self.sidebar_limit;
        let mut nodes = Vec::with_capacity(entries.min(self.sidebar_limit.max(1)) + 1);
        let mut shown = 0;
        // Past the limit, only the entries on the way to the current page
        // are listed: the branch that leads to it always shows.
        let mut listed = |on_the_way: bool| {
            shown += 1;
            !cut || shown <= self.sidebar_limit || on_the_way
        };
        for entry in in_order {
            match entry {
                Entry::Section(sub) => {
                    let on_the_way =
                        open.contains(&sub) || self.sections[sub].index_page == Some(current);
                    if listed(on_the_way) {
                        nodes.push(self.section_node(sub, current, open, pages));
                    }
                }
                Entry::Page(p) => {
                    if listed(p == current) {
                        nodes.push(NavNode {
                            title: self.link_titles.get(&p).unwrap_or(&self.titles[p]).clone(),
                            url: self.urls.href(&pages[p].url.path),
                            current: p == current,
                            open: p == current,
                            has_children: false,
                            children: Vec::new(),
                            more: false,
                        });
                    }
                }
            }
        }
        if cut {
            let hidden = entries - nodes.len();
            nodes.push(self.more_node(section, hidden));
        }
        nodes
    }

    /// A section's subsections and pages as the sidebar lists them: by
    /// weight, and at equal weights subsections first (each list is sorted
    /// already), so a book or nav ordered entry by entry keeps its order.
    fn entries_in_order(&self, section: usize, pages: &[Page]) -> Vec<Entry> {
        let sec = &self.sections[section];
        let mut subsections = sec.subsections.iter().peekable();
        let mut section_pages = sec.pages.iter().peekable();
        let mut entries = Vec::with_capacity(sec.subsections.len() + sec.pages.len());
        loop {
            let entry = match (subsections.peek(), section_pages.peek()) {
                (Some(&&sub), Some(&&p)) if pages[p].front.weight < self.sections[sub].weight => {
                    section_pages.next();
                    Entry::Page(p)
                }
                (Some(&&sub), _) => {
                    subsections.next();
                    Entry::Section(sub)
                }
                (None, Some(&&p)) => {
                    section_pages.next();
                    Entry::Page(p)
                }
                (None, None) => break,
            };
            let page = match entry {
                Entry::Page(p) => Some(p),
                Entry::Section(sub) => self.sections[sub].index_page,
            };
            if page.is_some_and(|p| hidden_from_nav(&pages[p])) {
                continue;
            }
            entries.push(entry);
        }
        entries
    }

    /// The entry that ends a list cut at the sidebar limit: `hidden` more
    /// entries, on the section's own page.
    fn more_node(&self, section: usize, hidden: usize) -> NavNode {
        let sec = &self.sections[section];
        NavNode {
            title: format!("{} more in {}", thousands(hidden), sec.title),
            url: self.urls.href(&sec.path),
            current: false,
            open: false,
            has_children: false,
            children: Vec::new(),
            more: true,
        }
    }

    /// `section`, its parent, and so on up to the home section.
    fn ancestry(&self, section: usize) -> Vec<usize> {
        let mut chain = Vec::new();
        let mut s = Some(section);
        while let Some(i) = s {
            chain.push(i);
            s = self.sections[i].parent;
        }
        chain
    }

    /// The sidebar entry of section `sub`, with its children when it is open.
    fn section_node(&self, sub: usize, current: usize, open: &[usize], pages: &[Page]) -> NavNode {
        let child = &self.sections[sub];
        let is_open = open.contains(&sub);
        NavNode {
            title: child.title.clone(),
            url: self.urls.href(&child.path),
            current: child.index_page == Some(current),
            open: is_open,
            has_children: !child.pages.is_empty() || !child.subsections.is_empty(),
            children: if is_open {
                self.section_children(sub, current, open, pages)
            } else {
                Vec::new()
            },
            more: false,
        }
    }

    /// The one top-level entry of [`Site::section_nav`] that differs from
    /// the home section's sidebar: the top section that holds `section`,
    /// opened down to it. `None` for the home section itself.
    pub fn section_branch(&self, section: usize, pages: &[Page]) -> Option<NavNode> {
        let open_sections = self.ancestry(section);
        let top = self.top_section(section)?;
        Some(self.section_node(top, usize::MAX, &open_sections, pages))
    }

    /// The top-level section that holds `section` (itself when it is one);
    /// `None` for the home section.
    pub fn top_section(&self, section: usize) -> Option<usize> {
        // The chain ends at the home section; the one before it is the top.
        self.ancestry(section).iter().rev().nth(1).copied()
    }

    /// Sections that have no index page: `handbook` generates a listing for them.
    pub fn sections_without_index(&self) -> impl Iterator<Item = &Section> {
        self.sections.iter().filter(|s| s.index_page.is_none())
    }
}

/// One entry of a section's list in the sidebar.
enum Entry {
    Section(usize),
    Page(usize),
}

/// A section without an index page has no weight of its own: it takes its
/// lightest entry's, so that a book ordered page by page (mdBook's
/// summary) keeps its chapters in order. Sections are made parents first,
/// so going backwards weighs each one's subsections before it.
fn weigh_sections_by_their_first_entry(pages: &[Page], sections: &mut [Section]) {
    for s in (0..sections.len()).rev() {
        if sections[s].index_page.is_some() {
            continue;
        }
        let lightest = sections[s]
            .pages
            .iter()
            .map(|&p| pages[p].front.weight)
            .chain(
                sections[s]
                    .subsections
                    .iter()
                    .map(|&sub| sections[sub].weight),
            )
            .min();
        sections[s].weight = lightest.unwrap_or(0);
    }
}

/// `1234567` as `1,234,567`.
fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, digit) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(digit);
    }
    out
}

/// Front matter keys that leave a page (or, on a section's page, the
/// section) out of the sidebar: Docsy's `toc_hide`, Just the Docs'
/// `nav_exclude`. The page is still published, listed and searchable.
const HIDDEN_FROM_NAV_KEYS: &[&str] = &["toc_hide", "nav_exclude"];

fn hidden_from_nav(page: &Page) -> bool {
    HIDDEN_FROM_NAV_KEYS.iter().any(|key| {
        page.front
            .extra
            .get(*key)
            .and_then(serde_json::Value::as_bool)
            == Some(true)
    })
}

/// Front matter keys naming a page's title in navigation.
const LINK_TITLE_KEYS: &[&str] = &["linkTitle", "linktitle", "sidebar_label"];

/// Each page's navigation title, where its front matter gives one.
fn link_titles(pages: &[Page]) -> HashMap<usize, String> {
    pages
        .iter()
        .enumerate()
        .filter_map(|(i, page)| {
            let title = LINK_TITLE_KEYS
                .iter()
                .find_map(|key| page.front.extra.get(*key)?.as_str())?
                .trim();
            (!title.is_empty()).then(|| (i, title.to_string()))
        })
        .collect()
}

/// `standards.md` beside a `standards/` folder (as Eleventy, MkDocs and
/// Jekyll sites write a section's page) is that folder's index: its URL is
/// the folder's, so the folder gets no listing of its own at the same
/// address, and the page's sidebar opens on the folder's pages.
fn adopt_pages_beside_folders(
    pages: &[Page],
    titles: &[String],
    sections: &mut [Section],
    page_section: &mut [usize],
) {
    let by_path: HashMap<&str, usize> = pages
        .iter()
        .enumerate()
        .filter(|(_, page)| !page.url.is_index)
        .map(|(i, page)| (page.url.path.as_str(), i))
        .collect();
    for s in 0..sections.len() {
        if sections[s].index_page.is_some() {
            continue;
        }
        let Some(&i) = by_path.get(sections[s].path.as_str()) else {
            continue;
        };
        let beside = page_section[i];
        sections[beside].pages.retain(|&p| p != i);
        page_section[i] = s;
        let section = &mut sections[s];
        section.index_page = Some(i);
        section.title = titles[i].clone();
        section.weight = pages[i].front.weight;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::content::front_matter::{Format, Split};
    use crate::content::{FrontMatter, SourceKind};

    fn page(rel: &str, title: &str, weight: i64) -> Page {
        Page {
            rel_path: rel.into(),
            abs_path: rel.into(),
            text: String::new(),
            print: Default::default(),
            modified: None,
            body_read_later: None,
            kind: SourceKind::Markdown,
            split: Split {
                format: Format::None,
                front: 0..0,
                body_start: 0,
            },
            front: FrontMatter {
                title: Some(title.into()),
                weight,
                ..FrontMatter::default()
            },
            url: url::page_url(rel, false),
        }
    }

    #[test]
    fn counts_print_with_thousands_separators() {
        for (n, printed) in [
            (0, "0"),
            (7, "7"),
            (999, "999"),
            (1000, "1,000"),
            (1234567, "1,234,567"),
        ] {
            assert_eq!(thousands(n), printed);
        }
    }

    #[test]
    fn sections_nav_and_order() {
        let pages = vec![
            page("index.md", "Home", 0),
            page("sales/_index.md", "Sales", 0),
            page("sales/b.md", "Bravo", 1),
            page("sales/a.md", "Alpha", 2),
            page("people/x.md", "X", 0),
        ];
        let rendered: Vec<Rendered> = pages.iter().map(|_| Rendered::default()).collect();
        let site = Site::build(&pages, &rendered, &SiteUrls::default(), 0);
        let sales = site.page_section[2];
        assert_eq!(site.sections[sales].pages, vec![2, 3]);
        assert_eq!(site.prev_next[2], (Some(1), Some(3)));
        let crumbs = site.breadcrumbs(3);
        assert_eq!(
            crumbs.iter().map(|c| c.title.as_str()).collect::<Vec<_>>(),
            ["Home", "Sales"]
        );
        let nav = site.nav(3, &pages);
        let sales_node = nav.iter().find(|n| n.title == "Sales").unwrap();
        assert!(sales_node.open);
        assert_eq!(sales_node.children.len(), 2);
        assert!(sales_node.children[1].current);
        let people = nav.iter().find(|n| n.title == "People").unwrap();
        assert!(!people.open && people.children.is_empty() && people.has_children);
    }

    #[test]
    fn a_page_beside_its_folder_is_the_folders_index() {
        let pages = vec![
            page("index.md", "Home", 0),
            page("standards.md", "Standards", 0),
            page("standards/api.md", "API", 0),
            page("other.md", "Other", 0),
        ];
        let rendered: Vec<Rendered> = pages.iter().map(|_| Rendered::default()).collect();
        let site = Site::build(&pages, &rendered, &SiteUrls::default(), 0);
        let standards = site.page_section[2];
        assert_eq!(site.page_section[1], standards);
        assert_eq!(site.sections[standards].index_page, Some(1));
        assert_eq!(site.sections[standards].title, "Standards");
        assert_eq!(site.sections[0].pages, vec![3]);
        assert_eq!(site.sections_without_index().count(), 0);
    }
}
