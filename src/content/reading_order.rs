//! A book's reading order, where the generator keeps it in a file of its
//! own rather than in each page's front matter: mdBook's `SUMMARY.md` lists
//! the chapters in order (nested lists for sub-chapters). Each listed page
//! is weighted by its place there, so the sidebar, the section listings and
//! previous / next follow the book; a page the summary does not list comes
//! after those it does (a folder's own page, before its first chapter).

use std::collections::HashMap;

use crate::config::detect::{Generator, MDBOOK_SUMMARY};
use crate::config::Config;

use super::Page;

/// Each listed page's place in the reading order (from 1), by its path
/// relative to the content folder; empty when the site keeps no such file.
pub struct ReadingOrder {
    places: HashMap<String, i64>,
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
            _ => HashMap::new(),
        };
        ReadingOrder { places }
    }

    /// Gives `page` its weight in the order, when the site has one.
    pub fn apply(&self, page: &mut Page) {
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
            if let Some(normal) = normal_path(&path) {
                let next = places.len() as i64 + 1;
                places.entry(normal).or_insert(next);
            }
        }
        rest = &after[close..];
    }
    places
}

/// `./a/../b.md` as `b.md`; `None` when it climbs above the folder.
fn normal_path(path: &str) -> Option<String> {
    let mut segments: Vec<&str> = Vec::new();
    for segment in path.split('/') {
        match segment {
            "" | "." => {}
            ".." => {
                segments.pop()?;
            }
            s => segments.push(s),
        }
    }
    Some(segments.join("/"))
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
}
