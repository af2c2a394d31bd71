//! A site's reading order, where the generator keeps it in a file of its
//! own rather than in each page's front matter:
//!
//! - mdBook's `SUMMARY.md`, docsify's `_sidebar.md` and MkDocs' `nav:` in
//!   `mkdocs.yml` list the pages in order (nested lists for sub-chapters);
//! - the MkDocs awesome-pages plugin's `.pages` files list one folder's
//!   pages and subfolders, `...` standing for the rest.
//!
//! Each listed page is weighted by its place, so the sidebar, the section
//! listings and previous / next follow the site; a page the list leaves out
//! comes after those it names (a folder's own page, before its first
//! chapter; in a `.pages` folder, where `...` is).

use std::collections::HashMap;

use crate::config::detect::{Generator, MDBOOK_SUMMARY};
use crate::config::Config;

use super::Page;

/// docsify's sidebar (`loadSidebar`), in the content folder.
const DOCSIFY_SIDEBAR: &str = "_sidebar.md";

/// The files of the content folder the order is read from (`.pages` in any
/// folder): none of them is a page, and an edit to one reorders the site.
pub const ORDER_FILES: &[&str] = &[".pages", MDBOOK_SUMMARY, DOCSIFY_SIDEBAR];

/// Each listed page's place in the reading order (from 1), by its path
/// relative to the content folder; empty when the site keeps no such file.
pub struct ReadingOrder {
    places: HashMap<String, i64>,
    /// MkDocs sites: the folders' `.pages` files, read on first use.
    folder_orders: Option<HashMap<String, Option<FolderOrder>>>,
    content_dir: std::path::PathBuf,
}

impl ReadingOrder {
    /// The order the site's generator declares, read from its file.
    pub fn of_site(config: &Config) -> ReadingOrder {
        let places = match config.detected {
            Some(Generator::MdBook) => {
                std::fs::read_to_string(config.content_dir.join(MDBOOK_SUMMARY))
                    .map(|summary| summary_places(&summary))
                    .unwrap_or_default()
            }
            Some(Generator::MkDocs) => mkdocs_nav_places(&config.root),
            // docsify's sidebar file is a list of links like mdBook's.
            Some(Generator::Docsify) => {
                std::fs::read_to_string(config.content_dir.join(DOCSIFY_SIDEBAR))
                    .map(|sidebar| summary_places(&sidebar))
                    .unwrap_or_default()
            }
            _ => HashMap::new(),
        };
        let folder_orders = (config.detected == Some(Generator::MkDocs)).then(HashMap::new);
        ReadingOrder {
            places,
            folder_orders,
            content_dir: config.content_dir.clone(),
        }
    }

    /// Gives `page` its weight in the order, when the site has one.
    pub fn apply(&mut self, page: &mut Page) {
        if let Some(weight) = self.folder_weight(page) {
            page.front.weight = weight;
            return;
        }
        if self.places.is_empty() {
            return;
        }
        page.front.weight = match self.places.get(page.rel_path.as_str()) {
            Some(&place) => place,
            // A folder's page the summary leaves out stands where the
            // folder's first listed chapter does.
            None if page.url.is_index => self.first_place_in(page.dir()),
            None => self.after_the_last(),
        };
    }

    fn first_place_in(&self, dir: &str) -> i64 {
        let prefix = format!("{dir}/");
        self.places
            .iter()
            .filter(|(rel, _)| dir.is_empty() || rel.starts_with(&prefix))
            .map(|(_, &place)| place)
            .min()
            .unwrap_or_else(|| self.after_the_last())
    }

    fn after_the_last(&self) -> i64 {
        self.places.len() as i64 + 1
    }
    /// The page's place in its folder's `.pages`; a folder's own page
    /// stands at the folder's place in its parent's. A folder without the
    /// file stands for all its pages where it stands itself, up to the
    /// first folder that has one. `None` when none has.
    fn folder_weight(&mut self, page: &Page) -> Option<i64> {
        let content_dir = &self.content_dir;
        let orders = self.folder_orders.as_mut()?;
        let split = |path: &str| match path.rfind('/') {
            Some(at) => (path[..at].to_string(), path[at + 1..].to_string()),
            None => (String::new(), path.to_string()),
        };
        let (mut folder, mut name) = match page.url.is_index {
            true if page.dir().is_empty() => return None,
            true => split(page.dir()),
            false => split(&page.rel_path),
        };
        loop {
            let order = orders
                .entry(folder.clone())
                .or_insert_with(|| FolderOrder::read(&content_dir.join(&folder)));
            if let Some(order) = order {
                return Some(order.weight_of(&name));
            }
            if folder.is_empty() {
                return None;
            }
            (folder, name) = split(&folder);
        }
    }
}

/// `./a/../b.md` as `b.md`, from the content folder; `None` when it climbs
/// above it.
fn content_relative(path: &str) -> Option<String> {
    let rooted = super::link_path::normalize(&format!("/{path}"))?;
    Some(rooted.trim_start_matches('/').to_string())
}

/// One folder's `.pages` (awesome-pages): the names it lists in order, and
/// where `...` (every other entry) stands.
struct FolderOrder {
    names: Vec<String>,
    rest_at: Option<usize>,
}

impl FolderOrder {
    fn read(folder: &std::path::Path) -> Option<FolderOrder> {
        let text = std::fs::read_to_string(folder.join(".pages")).ok()?;
        let document = crate::yaml::document(&text)?;
        let nav = document.get("nav")?.as_array()?;
        let mut names = Vec::new();
        let mut rest_at = None;
        for item in nav {
            let name = match item {
                serde_json::Value::String(name) => name.as_str(),
                // `Title: name` (the title is the plugin's, not ours).
                serde_json::Value::Object(entry) => match entry.values().next() {
                    Some(serde_json::Value::String(name)) => name.as_str(),
                    _ => continue,
                },
                _ => continue,
            };
            match name.trim() {
                "..." => rest_at = Some(names.len()),
                name => names.push(name.trim_end_matches('/').to_string()),
            }
        }
        Some(FolderOrder { names, rest_at })
    }

    /// Named entries by their place; the rest where `...` stands (after
    /// the named ones without it), in the order titles give them.
    fn weight_of(&self, name: &str) -> i64 {
        let rest = self.rest_at.unwrap_or(self.names.len());
        let place = self.names.iter().position(|n| n == name);
        match place {
            Some(at) if at < rest => at as i64 + 1,
            Some(at) => at as i64 + 2,
            None => rest as i64 + 1,
        }
    }
}

/// The pages MkDocs' `nav:` names, in order: `- page.md`, `- Title:
/// page.md` and `- Section: [...]`, paths from the docs folder.
fn mkdocs_nav_places(root: &std::path::Path) -> HashMap<String, i64> {
    let text = ["mkdocs.yml", "mkdocs.yaml"]
        .iter()
        .find_map(|name| std::fs::read_to_string(root.join(name)).ok());
    let Some(nav) = text
        .as_deref()
        .and_then(crate::yaml::document)
        .and_then(|document| document.get("nav").cloned())
    else {
        return HashMap::new();
    };
    let mut places = HashMap::new();
    collect_nav(&nav, &mut places);
    places
}

fn collect_nav(item: &serde_json::Value, places: &mut HashMap<String, i64>) {
    match item {
        serde_json::Value::String(path) if !path.contains("://") => {
            if let Some(normal) = content_relative(path.trim()) {
                let next = places.len() as i64 + 1;
                places.entry(normal).or_insert(next);
            }
        }
        serde_json::Value::Array(items) => items.iter().for_each(|i| collect_nav(i, places)),
        serde_json::Value::Object(entry) => entry.values().for_each(|v| collect_nav(v, places)),
        _ => {}
    }
}

/// The chapters `SUMMARY.md` links to, in order: `[Title](path/to.md)` on
/// list items and on the prefix and suffix chapters around them. A draft
/// chapter (`[Title]()`) and links to other sites name no page.
fn summary_places(summary: &str) -> HashMap<String, i64> {
    let mut places = HashMap::new();
    let mut rest = summary;
    while let Some(open) = rest.find("](") {
        let after = &rest[open + 2..];
        let Some(close) = after.find(')') else {
            break;
        };
        let target = after[..close].trim().trim_matches(['<', '>']);
        let path = target.split(['#', '?']).next().unwrap_or("");
        let path = percent_encoding::percent_decode_str(path).decode_utf8_lossy();
        if !path.is_empty() && !path.contains("://") {
            if let Some(normal) = content_relative(&path) {
                let next = places.len() as i64 + 1;
                places.entry(normal).or_insert(next);
            }
        }
        rest = &after[close..];
    }
    places
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_summary_lists_chapters_in_order() {
        let summary = "# Summary\n\n[Intro](README.md)\n\n# Guide\n\n- [Install](guide/install.md)\n    - [Linux](./guide/linux.md#top)\n    - [Draft]()\n- [Home page](https://example.com)\n- [Again](guide/install.md)\n- [Spaced](<with space.md>)\n";
        let places = summary_places(summary);
        let order = |rel: &str| places.get(rel).copied();
        assert_eq!(order("README.md"), Some(1));
        assert_eq!(order("guide/install.md"), Some(2));
        assert_eq!(order("guide/linux.md"), Some(3));
        assert_eq!(order("with space.md"), Some(4));
        assert_eq!(places.len(), 4);
    }

    #[test]
    fn a_folder_order_puts_the_rest_where_the_ellipsis_stands() {
        let order = FolderOrder {
            names: vec!["intro.md".into(), "setup".into(), "last.md".into()],
            rest_at: Some(2),
        };
        assert_eq!(order.weight_of("intro.md"), 1);
        assert_eq!(order.weight_of("setup"), 2);
        assert_eq!(order.weight_of("anything-else.md"), 3);
        assert_eq!(order.weight_of("last.md"), 4);
        let no_rest = FolderOrder {
            names: vec!["a.md".into()],
            rest_at: None,
        };
        assert_eq!(no_rest.weight_of("b.md"), 2, "unlisted entries come after");
    }

    #[test]
    fn mkdocs_nav_lists_pages_in_order_through_sections() {
        let dir = tempfile::tempdir().expect("temp");
        std::fs::write(
            dir.path().join("mkdocs.yml"),
            "site_name: T\nnav:\n  - index.md\n  - Guide:\n      - Start: guide/start.md\n      - guide/more.md\n  - Elsewhere: https://example.com/\n  - About: about.md\n",
        )
        .expect("write");
        let places = mkdocs_nav_places(dir.path());
        let order = |rel: &str| places.get(rel).copied();
        assert_eq!(order("index.md"), Some(1));
        assert_eq!(order("guide/start.md"), Some(2));
        assert_eq!(order("guide/more.md"), Some(3));
        assert_eq!(order("about.md"), Some(4));
        assert_eq!(places.len(), 4);
    }
}
