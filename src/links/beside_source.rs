//! Relative links written against a page's source folder rather than its
//! URL: the generators whose pages are published at another depth than
//! their files (mdBook's `.html` files, Hugo's link render hook).

use percent_encoding::percent_decode_str;

use super::{normalize, split_scheme, SourceIndex};
use crate::config::RelativeLinks;
use crate::content::Page;

impl SourceIndex<'_> {
    /// The page a relative link names when it is written against the
    /// page's source folder rather than its URL: an `.html` file beside the
    /// source (mdBook), or, where links are read from the source
    /// (`links.relative_to = "source"`), a page's path.
    pub(super) fn beside_source(&self, page: &Page, path: &str) -> Option<usize> {
        self.html_beside_source(page, path)
            .or_else(|| self.page_beside_source(page, path))
    }

    /// `manager/` from `team/intro.md` (published at `/team/intro/`) is
    /// `team/manager.md` or `team/manager/_index.md`, as Hugo's link render
    /// hook finds it with `GetPage`.
    fn page_beside_source(&self, page: &Page, path: &str) -> Option<usize> {
        if self.relative_to != RelativeLinks::Source {
            return None;
        }
        let path = path.split('?').next().unwrap_or(path);
        let joined = from_source_folder(page, path)?;
        let joined = joined.trim_end_matches('/');
        let folder = if joined.is_empty() {
            String::new()
        } else {
            format!("{joined}/")
        };
        let leaf = (!joined.is_empty()).then(|| format!("{joined}.md"));
        leaf.into_iter()
            .chain(["_index.md", "index.md", "README.md"].map(|name| format!("{folder}{name}")))
            .find_map(|rel| self.by_source.get(rel.as_str()).copied())
    }

    /// The page a relative `.html` link names when it is read from the
    /// page's source file, as generators without folder URLs publish it
    /// (mdBook: `../cli/index.html` from `guide/creating.md` is
    /// `cli/README.md`; `setup.html` is `setup.md`). `None` for other links,
    /// and for pages whose URL keeps the source's folder, where the link
    /// resolves from the URL as it is.
    fn html_beside_source(&self, page: &Page, path: &str) -> Option<usize> {
        let path = path.split('?').next().unwrap_or(path);
        let stem = path.strip_suffix(".html")?;
        let joined = from_source_folder(page, stem)?;
        let joined = joined.as_str();
        let folder = match joined.strip_suffix("index") {
            Some(folder) if folder.is_empty() || folder.ends_with('/') => Some(folder),
            _ => None,
        };
        let candidates = [format!("{joined}.md"), format!("{joined}.markdown")];
        let folder_candidates = folder
            .into_iter()
            .flat_map(|f| ["README.md", "readme.md", "_index.md"].map(|name| format!("{f}{name}")));
        candidates
            .into_iter()
            .chain(folder_candidates)
            .find_map(|rel| self.by_source.get(rel.as_str()).copied())
    }
}

/// A relative link's path (without its query) read from the page's source
/// folder, as a path in the content folder (`../cli/index` from
/// `guide/setup.md` is `cli/index`). `None` for an empty, rooted or
/// absolute link, one that climbs out of the site, and on pages whose URL
/// keeps the source's folder, where the link resolves from the URL as it is.
fn from_source_folder(page: &Page, path: &str) -> Option<String> {
    if path.is_empty() || path.starts_with('/') || split_scheme(path).is_some() {
        return None;
    }
    let url_dir = &page.url.path[..page.url.path.rfind('/').map_or(0, |i| i + 1)];
    if url_dir.trim_matches('/') == page.dir() {
        return None;
    }
    let decoded = percent_decode_str(path).decode_utf8_lossy();
    let joined = normalize(&format!("{}/{decoded}", page.dir()))?;
    Some(joined.trim_start_matches('/').to_string())
}
