//! The output paths that `handbook` itself writes: theme files, generated
//! files (sitemap, feeds, search index, `404.html`) and generated pages (the
//! cadence pages, section listings). A content file or an alias that lands on
//! one of them would silently replace it on every page of the site (a
//! `content/js/handbook.js` is loaded by every page), so each such claim is an
//! error that names both claimants.

use std::collections::HashMap;

use crate::content::site_urls::generated::{self, output_file};
use crate::content::{front_matter, Asset, Page};
use crate::diagnostics::Diagnostic;

/// Folders whose every file is generated.
const GENERATED_FOLDERS: &[&str] = &[generated::SEARCH_FOLDER];

/// Output-relative path (`js/handbook.js`, `cadence/index.html`) -> what
/// writes it, in words for a diagnostic.
#[derive(Debug, Default)]
pub struct ReservedOutputs {
    claimants: HashMap<String, String>,
}

impl ReservedOutputs {
    /// A file the theme ships (`css/handbook.css`).
    pub fn add_theme_file(&mut self, rel: &str) {
        self.claimants
            .insert(rel.to_string(), format!("the theme's file `{rel}`"));
    }

    /// A generated file, by its site path (`/sitemap.xml`).
    pub fn add_generated_file(&mut self, site_path: &str) {
        let rel = site_path.trim_start_matches('/');
        self.claimants
            .insert(rel.to_string(), format!("the generated file `{site_path}`"));
    }

    /// A generated page, by its site path (`/cadence/owners/sales/`).
    pub fn add_generated_page(&mut self, site_path: &str) {
        self.claimants.insert(
            page_output(site_path),
            format!("the generated page `{site_path}`"),
        );
    }

    /// What already writes `output` (a path inside the output folder), if
    /// anything does.
    pub fn claimant(&self, output: &str) -> Option<String> {
        if let Some(who) = self.claimants.get(output) {
            return Some(who.clone());
        }
        if output == output_file(generated::ICONS_CSS) {
            return Some(format!("the generated file `{}`", generated::ICONS_CSS));
        }
        GENERATED_FOLDERS
            .iter()
            .find(|folder| output.starts_with(folder.trim_start_matches('/')))
            .map(|folder| format!("the generated folder `{folder}`"))
    }
}

/// Every page and content file written where `handbook` writes something
/// of its own, as errors naming both.
pub fn claims_on_reserved(
    pages: &[Page],
    assets: &[Asset],
    reserved: &ReservedOutputs,
) -> Vec<Diagnostic> {
    let mut diagnostics = Vec::new();
    for page in pages {
        if let Some(who) = reserved.claimant(&page.url.output) {
            let url_key = ["url", "permalink", "slug"]
                .into_iter()
                .find(|k| page.front.extra.contains_key(*k));
            let mut d = Diagnostic::error(
                "url-collision",
                format!(
                    "this page is written to `{}`, which is {who}",
                    page.url.output
                ),
            )
            .in_file(page.rel_path.clone())
            .with_help("give the page another `url:`, or rename it");
            if let Some(key) = url_key {
                d = d.at(
                    &page.text,
                    front_matter::key_span(&page.text, &page.split.front, key),
                );
            }
            diagnostics.push(d);
        }
    }
    for asset in assets {
        if let Some(who) = reserved.claimant(&asset.rel_path) {
            diagnostics.push(
                Diagnostic::error(
                    "url-collision",
                    format!("this file would replace {who}"),
                )
                .in_file(asset.rel_path.clone())
                .with_help("rename or move the file; to change a theme file, put it in the site's `static/` folder"),
            );
        }
    }
    diagnostics
}

/// The file a page at `site_path` is written to: `/a/` -> `a/index.html`.
fn page_output(site_path: &str) -> String {
    let rel = site_path.trim_start_matches('/');
    if rel.is_empty() || rel.ends_with('/') {
        format!("{rel}index.html")
    } else {
        rel.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_what_writes_each_path() {
        let mut reserved = ReservedOutputs::default();
        reserved.add_theme_file("js/handbook.js");
        reserved.add_generated_file("/404.html");
        reserved.add_generated_page("/cadence/owners/sales/");
        assert_eq!(
            reserved.claimant("js/handbook.js").as_deref(),
            Some("the theme's file `js/handbook.js`")
        );
        assert!(reserved.claimant("404.html").is_some());
        assert!(reserved
            .claimant("cadence/owners/sales/index.html")
            .is_some());
        assert!(reserved.claimant("search/t3.json").is_some());
        assert!(reserved.claimant("vendor/fontawesome/icons.css").is_some());
        assert!(reserved.claimant("sales/index.html").is_none());
    }
}
