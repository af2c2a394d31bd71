//! Redirects a site declares in its settings rather than in a page: the
//! tables of the generators `handbook` reads, as `[redirects]` entries of
//! `site.toml` (old path = target):
//!
//! - mdBook's `[output.html.redirect]`: `"old/place.html" = "new.html"`, the
//!   old path from the book's root, the target read from the old path's
//!   folder (or another site's URL);
//! - the MkDocs redirects plugin's `redirect_maps`: `old.md: new.md`, both
//!   source files of `docs/` (the old one's URL is redirected), or a URL.
//!
//! Entries are written as `site.toml` takes them: the old path from the
//! site root (a source file `old.md` stands for the URL it had), the target
//! as a link written at the site root.

use std::collections::BTreeMap;

use serde_json::{Map, Value};

/// mdBook's `[output.html.redirect]` table.
pub fn mdbook(book_toml: &Map<String, Value>) -> BTreeMap<String, String> {
    let table = book_toml
        .get("output")
        .and_then(|output| output.get("html"))
        .and_then(|html| html.get("redirect"))
        .and_then(Value::as_object);
    let Some(table) = table else {
        return BTreeMap::new();
    };
    table
        .iter()
        .filter_map(|(old, target)| {
            let old = format!("/{}", old.trim().trim_start_matches('/'));
            let target = target.as_str()?.trim();
            let folder = &old[..old.rfind('/').map_or(0, |i| i + 1)];
            let target = if is_rooted_or_url(target) {
                target.to_string()
            } else {
                format!("{folder}{target}")
            };
            Some((old, target))
        })
        .collect()
}

/// The MkDocs redirects plugin's `redirect_maps` (in `plugins:`, a list of
/// names and one-key maps).
pub fn mkdocs(mkdocs_yml: &Map<String, Value>) -> BTreeMap<String, String> {
    let Some(Value::Array(plugins)) = mkdocs_yml.get("plugins") else {
        return BTreeMap::new();
    };
    let maps = plugins
        .iter()
        .filter_map(|plugin| plugin.get("redirects")?.get("redirect_maps")?.as_object())
        .next();
    let Some(maps) = maps else {
        return BTreeMap::new();
    };
    maps.iter()
        .filter_map(|(old, target)| {
            let target = target.as_str()?.trim();
            let target = if is_rooted_or_url(target) {
                target.to_string()
            } else {
                format!("/{target}")
            };
            Some((old.trim().trim_start_matches('/').to_string(), target))
        })
        .collect()
}

fn is_rooted_or_url(target: &str) -> bool {
    target.starts_with('/') || target.contains("://")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn json(text: &str) -> Map<String, Value> {
        serde_json::from_str(text).expect("json")
    }

    #[test]
    fn mdbook_targets_are_read_from_the_old_paths_folder() {
        let book = json(
            r#"{"output": {"html": {"redirect": {
                "ch17-00-oop.html": "ch18-00-oop.html",
                "/infra/old.html": "../guide/new.html",
                "/gone.html": "https://example.com/gone"
            }}}}"#,
        );
        let table = mdbook(&book);
        assert_eq!(table["/ch17-00-oop.html"], "/ch18-00-oop.html");
        assert_eq!(table["/infra/old.html"], "/infra/../guide/new.html");
        assert_eq!(table["/gone.html"], "https://example.com/gone");
        assert!(mdbook(&json("{}")).is_empty());
    }

    #[test]
    fn mkdocs_redirect_maps_name_source_files() {
        let mkdocs_yml = json(
            r#"{"plugins": ["search", {"redirects": {"redirect_maps": {
                "old/setup.md": "guide/setup.md#install",
                "legacy.md": "https://example.com/"
            }}}]}"#,
        );
        let table = mkdocs(&mkdocs_yml);
        assert_eq!(table["old/setup.md"], "/guide/setup.md#install");
        assert_eq!(table["legacy.md"], "https://example.com/");
        assert!(mkdocs(&json(r#"{"plugins": ["search"]}"#)).is_empty());
    }
}
