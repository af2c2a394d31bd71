//! What a site holds besides its content pages, as the link checker and
//! the writer see it: the files `handbook` generates, what links can point
//! at, and the outputs no content file may replace.

use crate::cadence::Rhythm;
use crate::config::Config;
use crate::content::site_urls::generated;
use crate::content::{url, Content};
use crate::links::LinkIndex;
use crate::markdown::Rendered;
use crate::output::redirects;
use crate::output::reserved::ReservedOutputs;
use crate::site::Site;

/// Files `handbook` generates besides the pages.
const GENERATED_FILES: &[&str] = &[
    generated::SITEMAP,
    generated::SEARCH_INDEX,
    generated::FEED,
    generated::REDIRECTS,
    generated::SYNTAX_CSS,
    generated::NOT_FOUND,
];

/// What links can point at: every page, asset, theme static file and
/// generated page or file.
pub fn link_index<'a>(
    config: &'a Config,
    content: &'a Content,
    rendered: &'a [Rendered],
    site: &Site,
    rhythm: &Rhythm,
    static_paths: &[String],
) -> LinkIndex<'a> {
    let mut asset_paths: Vec<String> = content
        .assets
        .iter()
        .map(|a| url::site_path(&a.rel_path))
        .collect();
    asset_paths.extend(static_paths.iter().map(|p| url::site_path(p)));
    asset_paths.extend(GENERATED_FILES.iter().map(|f| f.to_string()));
    asset_paths.extend(rhythm.index.file_paths());
    asset_paths.extend(rhythm.owners.file_paths());
    let generated_pages = site
        .sections_without_index()
        .map(|s| s.path.clone())
        .chain(rhythm.index.page_paths())
        .chain(rhythm.owners.page_paths())
        .chain(site.tags.page_paths())
        .chain(redirects::alias_paths(config, &content.pages));
    LinkIndex::new(
        config,
        &content.urls,
        &content.pages,
        rendered,
        asset_paths,
        generated_pages,
    )
}

/// What `handbook` writes of its own: the theme's files, the generated files
/// and the generated pages, which no content file or alias may replace.
/// Section listings are not among them: a page at a section's URL
/// (`patterns.md` beside `patterns/`) is that section's page by design.
pub fn reserved_outputs(rhythm: &Rhythm, static_paths: &[String]) -> ReservedOutputs {
    let mut reserved = ReservedOutputs::default();
    for rel in static_paths {
        reserved.add_theme_file(rel);
    }
    for file in GENERATED_FILES {
        reserved.add_generated_file(file);
    }
    for path in rhythm
        .index
        .file_paths()
        .into_iter()
        .chain(rhythm.owners.file_paths())
    {
        reserved.add_generated_file(&path);
    }
    for path in rhythm
        .index
        .page_paths()
        .into_iter()
        .chain(rhythm.owners.page_paths())
    {
        reserved.add_generated_page(&path);
    }
    reserved
}
