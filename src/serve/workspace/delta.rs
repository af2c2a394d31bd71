//! What an edit changed (files, pages, the rhythm), the first pass's
//! clock, and the helpers both passes share: rendering pages into memory,
//! frame fingerprints, and which links a changed path could resolve.

use super::*;
use crate::content::site_urls::SiteUrls;

/// The outputs of the first pass of an incremental rebuild, and what it
/// leaves for the second.
#[derive(Default)]
pub(super) struct Delta {
    pub(super) written: BTreeMap<String, Bytes>,
    pub(super) removed: BTreeSet<String>,
    /// URL paths of re-rendered and removed pages.
    pub(super) pages: Vec<String>,
    pub(super) pages_rendered: usize,
    /// Output paths of the pages rendered.
    pub(super) done: HashSet<String>,
    /// Non-page files written (assets, static files).
    pub(super) files: Vec<String>,
    /// Tabs must reload whatever they show.
    pub(super) all: bool,
    /// Render the pages whose frame changed, and the listings.
    pub(super) frames: bool,
    /// Write the sitemap and search index again.
    pub(super) indexes: bool,
    /// The rhythm changed: render every page again.
    pub(super) rhythm: bool,
    /// Pages whose Markdown was rendered again: their links are checked again.
    pub(super) dirty: BTreeSet<String>,
    /// Check the links of every page again.
    pub(super) relink_all: bool,
    /// Edited pages whose anchors changed: links to them are checked again.
    pub(super) anchors_changed: BTreeSet<String>,
    pub(super) clock: Clock,
}

/// Time spent per phase of a rebuild (`HANDBOOK_SERVE_TRACE=1` prints it).
pub struct Clock {
    pub(super) last: Instant,
    pub laps: Vec<(&'static str, Duration)>,
}

impl Default for Clock {
    fn default() -> Self {
        Clock {
            last: Instant::now(),
            laps: Vec::new(),
        }
    }
}

impl Clock {
    pub(super) fn lap(&mut self, name: &'static str) {
        let now = Instant::now();
        self.laps.push((name, now - self.last));
        self.last = now;
    }
}

impl Delta {
    pub(super) fn is_empty(&self) -> bool {
        self.written.is_empty() && self.removed.is_empty()
    }

    pub(super) fn note_file(&mut self, rel: &str) {
        self.files.push(rel.to_string());
    }

    /// Stylesheets alone are swapped in place; pages reload when they are
    /// the ones that changed; anything else reloads every tab.
    pub(super) fn change(&self, urls: &SiteUrls) -> Change {
        if self.all {
            return Change::All;
        }
        let css_only = self.pages.is_empty()
            && !self.files.is_empty()
            && self
                .files
                .iter()
                .all(|f| f.to_ascii_lowercase().ends_with(".css"));
        if css_only {
            return Change::Css;
        }
        if !self.files.is_empty() {
            return Change::All;
        }
        if self.pages.is_empty() {
            return Change::None;
        }
        Change::Pages(self.pages.iter().map(|p| urls.prefixed(p)).collect())
    }
}

/// Rendered pages: their outputs, and diagnostics by source file (an empty
/// list for a page that rendered cleanly, so that it replaces old ones).
pub(super) struct PageResults {
    pub(super) written: BTreeMap<String, Bytes>,
    pub(super) diagnostics: BTreeMap<String, Vec<Diagnostic>>,
    /// URL paths of the pages written.
    pub(super) urls: Vec<String>,
}

/// A page's HTML and layout warning, or its template error.
type PageResult = Result<(String, Option<Diagnostic>), Diagnostic>;

pub(super) fn render_pages(render: &SiteRender, which: &[usize]) -> PageResults {
    let results: Vec<(usize, PageResult)> = which
        .par_iter()
        .map(|&i| (i, render.render_page(i).map_err(|e| e.to_diagnostic())))
        .collect();
    let mut out = PageResults {
        written: BTreeMap::new(),
        diagnostics: BTreeMap::new(),
        urls: Vec::new(),
    };
    for (i, result) in results {
        let page = &render.content.pages[i];
        let diagnostics = match result {
            Ok((html, warning)) => {
                out.written
                    .insert(page.url.output.clone(), Bytes::from(html));
                out.urls.push(page.url.path.clone());
                warning.into_iter().collect()
            }
            Err(error) => vec![error],
        };
        out.diagnostics.insert(page.rel_path.clone(), diagnostics);
    }
    out
}

pub(super) fn frames(render: &SiteRender) -> HashMap<String, u64> {
    render
        .content
        .pages
        .par_iter()
        .enumerate()
        .map(|(i, p)| (p.url.output.clone(), render.frame_fingerprint(i)))
        .collect()
}

/// What pages and cadence pages show of the rhythm: its export and which
/// activities each page declares.
pub(super) fn rhythm_fingerprint(config: &Config, rhythm: &Rhythm) -> u64 {
    // XXH3, not the standard library's SipHash: the index's JSON is
    // megabytes at 50,000 pages, hashed on every edit.
    let mut hasher = xxhash_rust::xxh3::Xxh3::new();
    hasher.update(cadence::index::to_json(&rhythm.index, &config.vocabulary).as_bytes());
    let mut by_page: Vec<(usize, usize, usize)> = rhythm
        .by_page
        .iter()
        .map(|(page, range)| (*page, range.start, range.end))
        .collect();
    by_page.sort_unstable();
    for (page, start, end) in by_page {
        for number in [page, start, end] {
            hasher.update(&(number as u64).to_le_bytes());
        }
    }
    hasher.digest()
}

pub(super) fn listing_outputs(site: &Site) -> HashSet<String> {
    site.sections_without_index()
        .map(|s| format!("{}index.html", s.path.trim_start_matches('/')))
        .collect()
}

/// A link target without its query and fragment.
pub(super) fn path_part(target: &str) -> &str {
    target.split(['#', '?']).next().unwrap_or(target)
}

/// The names a link to `page` ends with: the last segment of its URL, and
/// of its source file (a folder's name for an index page).
pub(super) fn link_keys(page: &Page) -> Vec<String> {
    let mut keys = vec![link_key(&page.url.path)];
    keys.push(link_key(&page.rel_path));
    keys.retain(|k| !k.is_empty());
    keys
}

/// The last meaningful segment of a path: extensions and index names
/// dropped (`a/b/index.html.md` and `/a/b/` both give `b`); empty when the
/// path names a folder only by `.`, `..` or nothing.
pub(super) fn link_key(path: &str) -> String {
    let decoded = percent_encoding::percent_decode_str(path).decode_utf8_lossy();
    let mut segments: Vec<&str> = decoded
        .split('/')
        .filter(|s| !s.is_empty() && *s != ".")
        .collect();
    while let Some(last) = segments.pop() {
        let mut name = last;
        for ext in [".erb", ".md", ".mdx", ".markdown", ".html", ".htm"] {
            if let Some(stem) = name.strip_suffix(ext) {
                name = stem;
            }
        }
        let is_index = ["index", "_index", "readme"]
            .iter()
            .any(|n| name.eq_ignore_ascii_case(n));
        if name == ".." {
            return String::new();
        }
        if !is_index && !name.is_empty() {
            return name.to_string();
        }
    }
    String::new()
}

/// Whether a link's path could resolve to a page with one of `keys`: its
/// key is one of them, or it names a folder relatively (`./`, `../`, ``).
/// Cheap, and never wrong in the "no" direction; [`LinkIndex::resolve`]
/// decides.
pub(super) fn could_name(path: &str, keys: &HashSet<String>) -> bool {
    let path = path_part(path);
    let key = link_key(path);
    key.is_empty() || keys.contains(&key)
}

pub(super) fn by_file(diagnostics: Vec<Diagnostic>) -> BTreeMap<String, Vec<Diagnostic>> {
    let mut map: BTreeMap<String, Vec<Diagnostic>> = BTreeMap::new();
    for d in diagnostics {
        map.entry(d.file.clone().unwrap_or_default())
            .or_default()
            .push(d);
    }
    map
}

pub(super) fn load_theme(config: &Config) -> Result<(Theme, Renderer), Diagnostic> {
    let theme = Theme::load(config).map_err(|e| Diagnostic::error("theme", e.to_string()))?;
    let renderer = Renderer::new(&theme)?;
    Ok((theme, renderer))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    pub(super) fn link_keys_name_the_page_whatever_the_spelling() {
        for path in [
            "/handbook/values/",
            "https://about.gitlab.com/handbook/values/",
            "../values/index.html.md",
            "values.md",
            "/handbook/values/index.html",
            "values",
        ] {
            assert_eq!(link_key(path), "values", "{path}");
        }
        for folder_only in ["", "./", "../", "index.md", "./README.md", "/", "../.."] {
            assert_eq!(link_key(folder_only), "", "{folder_only}");
        }
        assert_eq!(link_key("/a/b%20c/"), "b c");
    }

    #[test]
    pub(super) fn only_plausible_links_are_resolved() {
        let keys: HashSet<String> = ["values".to_string()].into_iter().collect();
        assert!(could_name("/handbook/values/", &keys));
        assert!(could_name("./", &keys));
        assert!(could_name("index.html.md", &keys));
        assert!(!could_name("/handbook/communication/", &keys));
    }
}
