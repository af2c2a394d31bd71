//! Stage 1: load the content tree into pages and assets.
//!
//! Walks the content folder, reads and splits every page in parallel, parses its
//! front matter and gives it a URL. Problems are collected as diagnostics; a page
//! whose front matter cannot be parsed is left out of the site, the rest loads.

pub mod excluded;
pub mod front_matter;
pub mod history;
pub mod includes;
pub mod link_path;
mod page_file;
pub mod reading_order;
pub mod site_urls;
pub mod source;
pub mod url;

use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};

use rayon::prelude::*;
use serde_json::{Map, Value};

use crate::config::Config;
use crate::diagnostics::Diagnostic;
use front_matter::{FrontMatterError, Split};
use page_file::{load_letting_go, load_page, PageToLoad};
use site_urls::SiteUrls;
pub use url::{PageUrl, SourceKind};

/// Front matter keys `handbook` interprets; every other key goes to `extra`.
const KNOWN_KEYS: &[&str] = &[
    "title",
    "description",
    "layout",
    "draft",
    "weight",
    "date",
    "url",
    "permalink",
    "slug",
];

#[derive(Debug, Clone, Default)]
pub struct FrontMatter {
    pub title: Option<String>,
    pub description: String,
    pub layout: String,
    pub draft: bool,
    pub weight: i64,
    pub date: Option<String>,
    /// Every key `handbook` does not interpret itself (`cadence`, `redirect_to`, ...).
    pub extra: Map<String, Value>,
}

#[derive(Debug)]
pub struct Page {
    /// Path relative to the content folder, `/`-separated: the name users see.
    pub rel_path: String,
    pub abs_path: PathBuf,
    /// The whole file (a leading byte-order mark removed); only its front
    /// matter once a build let the body go ([`Page::release_body`]; the
    /// whole text is then [`Page::source`]).
    pub text: String,
    /// What the whole text was when the page was loaded.
    pub print: source::SourcePrint,
    pub kind: SourceKind,
    pub split: Split,
    pub front: FrontMatter,
    pub url: PageUrl,
    /// The file's modification time when it was read (`None` for pages
    /// made in memory): the last change of a page git does not know.
    pub modified: Option<std::time::SystemTime>,
    /// Whether a stage after the Markdown stage reads the body `text`
    /// holds (the prose cadence scan), when the load already looked, to
    /// decide which bodies to let go: the Markdown stage does not look
    /// again. `None` for a body the load let go.
    pub body_read_later: Option<bool>,
}

impl Page {
    /// The content-relative folder the page lives in (`""` at the top).
    pub fn dir(&self) -> &str {
        self.rel_path.rfind('/').map_or("", |i| &self.rel_path[..i])
    }
}

#[derive(Debug, Clone)]
pub struct Asset {
    pub rel_path: String,
    pub abs_path: PathBuf,
}

#[derive(Debug, Default)]
pub struct Content {
    pub pages: Vec<Page>,
    pub assets: Vec<Asset>,
    /// Partials, includes, global data and site values for template tags.
    pub includes: includes::Includes,
    pub diagnostics: Vec<Diagnostic>,
    /// The site's URLs under its base path, made once from the config:
    /// every later stage prints its links with them.
    pub urls: SiteUrls,
}

/// Loads every page and asset below the content folder.
pub fn load(config: &Config) -> Content {
    load_with(config, source::BodiesAtLoad::Keep, None)
}

/// [`load`], letting each page's body go as it is read unless `bodies`
/// keeps it, and taking the files `read_ahead` holds (and its walk of the
/// content folder) instead of reading them.
pub fn load_with(
    config: &Config,
    bodies: source::BodiesAtLoad,
    read_ahead: Option<&source::ReadAhead>,
) -> Content {
    let mut timings = crate::timings::Timings::start();
    let Walked {
        page_files,
        assets,
        mut diagnostics,
    } = read_ahead
        .and_then(source::ReadAhead::take_walk)
        .unwrap_or_else(|| Walked::of(config));
    let folders_with_index: HashSet<&str> = page_files
        .iter()
        .filter(|(rel, _, _)| url::is_index_name(rel))
        .map(|(rel, _, _)| rel.rfind('/').map_or("", |i| &rel[..i]))
        .collect();
    timings.mark("load: walk");
    // Before the pages: a page read at load may include partials.
    let (includes, data_diagnostics) = includes::Includes::load(config);
    let loaded: Vec<(Option<Page>, Vec<Diagnostic>)> = page_files
        .par_iter()
        // Small runs of files, so that no core waits at the end for
        // another's long run of them.
        .with_max_len(32)
        .map(|(rel, abs, kind)| {
            let dir = rel.rfind('/').map_or("", |i| &rel[..i]);
            let file = PageToLoad {
                rel,
                abs,
                kind: *kind,
                readme_is_index: !folders_with_index.contains(dir),
                drafts: config.site.drafts,
                read_ahead,
            };
            load_letting_go(&file, bodies, &includes)
        })
        .collect();
    timings.mark("load: pages");
    let mut pages = Vec::with_capacity(loaded.len());
    // The order a generator keeps in files of its own: map lookups, after
    // the pages are read on every core.
    let mut order = reading_order::ReadingOrder::of_site(config);
    for (page, diags) in loaded {
        diagnostics.extend(diags);
        pages.extend(page.map(|mut page| {
            order.apply(&mut page);
            page
        }));
    }
    timings.mark("load: order");
    check_url_collisions(&mut pages, &assets, &mut diagnostics);
    timings.mark("load: collisions");
    diagnostics.extend(data_diagnostics);
    Content {
        pages,
        assets,
        includes,
        diagnostics,
        urls: SiteUrls::of(config),
    }
}

type PageFile = (String, PathBuf, SourceKind);

/// The content folder's files as the load finds them: its page files and
/// assets, and what the walk had to say (excluded patterns, links out of
/// the site).
pub struct Walked {
    page_files: Vec<PageFile>,
    assets: Vec<Asset>,
    diagnostics: Vec<Diagnostic>,
}

impl Walked {
    pub fn of(config: &Config) -> Walked {
        let mut diagnostics = Vec::new();
        let excluded = excluded::Excluded::new(config, &mut diagnostics);
        let (page_files, assets) = walk(
            &config.content_dir,
            &config.root,
            &excluded,
            &mut diagnostics,
        );
        Walked {
            page_files,
            assets,
            diagnostics,
        }
    }
}

/// Walks the content folder. Symbolic links are followed (sites share
/// images and partials that way) as long as they stay inside the content
/// folder or the site root: a link to `/etc` or `~/.ssh` would otherwise
/// publish whatever it points at.
fn walk(
    root: &Path,
    site_root: &Path,
    excluded: &excluded::Excluded,
    diagnostics: &mut Vec<Diagnostic>,
) -> (Vec<PageFile>, Vec<Asset>) {
    let mut pages = Vec::new();
    let mut assets = Vec::new();
    let allowed: Vec<PathBuf> = [root, site_root]
        .iter()
        .filter_map(|p| p.canonicalize().ok())
        .collect();
    let escaping = std::cell::RefCell::new(Vec::new());
    let walker = walkdir::WalkDir::new(root)
        .follow_links(true)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| {
            if e.depth() == 0 {
                return true;
            }
            if is_skipped_name(&e.file_name().to_string_lossy())
                || excluded.contains(&relative(root, e.path()), e)
            {
                return false;
            }
            if e.path_is_symlink() && !points_inside(e.path(), &allowed) {
                escaping.borrow_mut().push(relative(root, e.path()));
                return false;
            }
            true
        });
    for entry in walker {
        let entry = match entry {
            Ok(entry) => entry,
            Err(err) => {
                let file = err
                    .path()
                    .map(|p| relative(root, p))
                    .unwrap_or_else(|| ".".into());
                let message = if err.loop_ancestor().is_some() {
                    "symbolic link loop; this folder is skipped".to_string()
                } else {
                    format!("cannot read: {}", io_message(&err))
                };
                diagnostics.push(Diagnostic::error("io", message).in_file(file));
                continue;
            }
        };
        if !entry.file_type().is_file() {
            continue;
        }
        let rel = relative(root, entry.path());
        match url::source_kind(&rel) {
            kind @ (SourceKind::Markdown | SourceKind::MarkdownErb) => {
                pages.push((rel, entry.into_path(), kind))
            }
            SourceKind::Unsupported => diagnostics.push(
                Diagnostic::warning(
                    "unsupported",
                    "this template language is not supported; the file is skipped",
                )
                .in_file(rel)
                .with_help("convert the page to Markdown (`.md`) to publish it"),
            ),
            SourceKind::Asset => assets.push(Asset {
                rel_path: rel,
                abs_path: entry.into_path(),
            }),
        }
    }
    for rel in escaping.into_inner() {
        diagnostics.push(
            Diagnostic::warning(
                "io",
                "symbolic link to a place outside the site or into a hidden folder; it is skipped",
            )
            .in_file(rel)
            .with_help("copy the file into the site, or link to a place inside the site root"),
        );
    }
    (pages, assets)
}

/// What the walk leaves out besides hidden files and partials: the site's
/// `exclude` patterns, folders of tooling (`node_modules`) and the output
/// folder itself when it lies inside the content folder (a repository whose
/// Markdown sits at its root).
/// Whether the symbolic link `path` may be published: it resolves inside one
/// of `allowed` (canonical paths), and nothing on the way from that folder to
/// the target is hidden (`.git`, `.env`). The rule judges where a link lands,
/// not its name. A dangling link resolves nowhere: not inside.
pub fn points_inside(path: &Path, allowed: &[PathBuf]) -> bool {
    publishable_target(path, allowed).is_some()
}

/// Where `path` really is (every link resolved) when [`points_inside`]
/// allows it. `serve` reads that path, so a link swapped in after the
/// server started is judged like one that was there when `build` ran.
pub fn publishable_target(path: &Path, allowed: &[PathBuf]) -> Option<PathBuf> {
    let target = path.canonicalize().ok()?;
    let below = allowed
        .iter()
        .filter_map(|root| target.strip_prefix(root).ok())
        .min_by_key(|below| below.components().count())?;
    let hidden = below
        .components()
        .any(|part| part.as_os_str().to_string_lossy().starts_with('.'));
    (!hidden).then_some(target)
}

/// Reads a file of the site the way `build` would publish it: a file that
/// resolves outside the site or into a hidden folder is not read.
pub fn read_publishable(path: &Path, allowed: &[PathBuf]) -> std::io::Result<Vec<u8>> {
    match publishable_target(path, allowed) {
        Some(target) => std::fs::read(target),
        None => Err(std::io::Error::new(
            std::io::ErrorKind::PermissionDenied,
            "outside the site or in a hidden folder",
        )),
    }
}

/// The folders whose files may be published for a site: its content folder
/// and its root, as canonical paths (the rule [`points_inside`] applies).
pub fn publish_roots(config: &Config) -> Vec<PathBuf> {
    [&config.content_dir, &config.root]
        .iter()
        .filter_map(|p| p.canonicalize().ok())
        .collect()
}

fn io_message(err: &walkdir::Error) -> String {
    err.io_error()
        .map_or_else(|| err.to_string(), |e| e.to_string())
}

/// Loads one page again (for `serve`, after an edit): the same reading, front
/// matter and URL rules as [`load`]. `readme_is_index`: the page's folder has
/// no `index` page, so a `README.md` there is the folder's page.
pub fn load_page_file(
    config: &Config,
    rel: &str,
    readme_is_index: bool,
) -> (Option<Page>, Vec<Diagnostic>) {
    let abs = config.content_dir.join(rel);
    if is_skipped_path(rel) || !points_inside(&abs, &publish_roots(config)) {
        let skipped = Diagnostic::warning(
            "io",
            "symbolic link to a place outside the site or into a hidden folder; it is skipped",
        )
        .in_file(rel);
        return (None, vec![skipped]);
    }
    let (mut page, diagnostics, _) = load_page(&PageToLoad {
        rel,
        abs: &abs,
        kind: url::source_kind(rel),
        readme_is_index,
        drafts: config.site.drafts,
        read_ahead: None,
    });
    if let Some(page) = &mut page {
        reading_order::ReadingOrder::of_site(config).apply(page);
    }
    (page, diagnostics)
}

/// Whether `load` skips this content-relative path (a hidden or partial file,
/// or one inside a hidden or partial folder).
pub fn is_skipped_path(rel: &str) -> bool {
    rel.split('/').any(is_skipped_name)
}

/// Hidden files, and `_name` partials (Middleman, Jekyll) other than `_index.*`.
fn is_skipped_name(name: &str) -> bool {
    name.starts_with('.') || (name.starts_with('_') && !name.starts_with("_index."))
}

fn relative(root: &Path, path: &Path) -> String {
    let rel = path.strip_prefix(root).unwrap_or(path);
    // The walk joins plain names with `/`: such a path is already its own
    // components joined (asked twice for each of 10,000 files, so not
    // split and joined again).
    if let Some(plain) = rel.to_str().filter(|r| is_plain_relative(r)) {
        return plain.to_string();
    }
    let mut out = String::new();
    for (i, part) in rel.components().enumerate() {
        if i > 0 {
            out.push('/');
        }
        out.push_str(&part.as_os_str().to_string_lossy());
    }
    out
}

/// A relative path whose components joined with `/` are the path itself:
/// no empty, `.` or `..` part, no other separator.
fn is_plain_relative(rel: &str) -> bool {
    std::path::MAIN_SEPARATOR == '/'
        && !rel.is_empty()
        && rel
            .split('/')
            .all(|part| !part.is_empty() && part != "." && part != "..")
}

/// Makes a page from its decoded text: front matter, URL, diagnostics. Split
/// from reading the file so that tests and fuzz targets can build pages in
/// memory through the same path as `build`.
pub fn page_from_text(
    rel: &str,
    abs: &Path,
    text: String,
    kind: SourceKind,
    readme_is_index: bool,
    drafts: bool,
) -> (Option<Page>, Vec<Diagnostic>) {
    let mut diagnostics = Vec::new();
    let (split, parsed) = match front_matter::split(&text)
        .and_then(|split| front_matter::parse(&text, &split).map(|parsed| (split, parsed)))
    {
        Ok(ok) => ok,
        Err(error) => {
            diagnostics.push(front_matter::error_diagnostic(rel, &text, &error));
            if matches!(error, FrontMatterError::Unclosed { .. }) {
                return (None, diagnostics);
            }
            return (None, diagnostics);
        }
    };
    for (message, span) in parsed.warnings {
        diagnostics.push(
            Diagnostic::warning("front-matter", message)
                .in_file(rel)
                .at(&text, span),
        );
    }
    let front = interpret(rel, &text, &split, parsed.map, &mut diagnostics);
    if front.draft && !drafts {
        return (None, diagnostics);
    }
    let mut page_url = url::page_url(rel, readme_is_index);
    // Zola names a page's URL `path`, in its TOML front matter.
    let zola_path = || {
        let toml = split.format == front_matter::Format::Toml;
        toml.then(|| front.extra.get("path")).flatten()
    };
    let custom = front
        .extra
        .get("url")
        .or_else(|| front.extra.get("permalink"))
        .or_else(zola_path)
        .and_then(Value::as_str);
    if let Some(custom) = custom {
        match url::custom_url(custom) {
            Some(u) => page_url = u,
            None => diagnostics.push(
                Diagnostic::error("front-matter", format!("unsafe or invalid url `{custom}`"))
                    .in_file(rel)
                    .at(
                        &text,
                        key_span(&text, &split, &["url", "permalink", "path"]),
                    )
                    .with_help("use a site path such as `/sales/forecasting/`, without `..`"),
            ),
        }
    } else if let Some(slug) = front.extra.get("slug").and_then(Value::as_str) {
        match url::with_slug(&page_url, slug) {
            Some(u) => page_url = u,
            None => diagnostics.push(
                Diagnostic::error("front-matter", format!("invalid slug `{slug}`"))
                    .in_file(rel)
                    .at(&text, key_span(&text, &split, &["slug"])),
            ),
        }
    }
    let page = Page {
        rel_path: rel.to_string(),
        abs_path: abs.to_path_buf(),
        print: source::SourcePrint::of(&text),
        text,
        kind,
        split,
        front,
        url: page_url,
        modified: None,
        body_read_later: None,
    };
    (Some(page), diagnostics)
}

fn key_span(text: &str, split: &Split, keys: &[&str]) -> std::ops::Range<usize> {
    keys.iter()
        .map(|k| front_matter::key_span(text, &split.front, k))
        .find(|s| !s.is_empty())
        .unwrap_or(0..0)
}

/// UTF-8 with an optional byte-order mark; anything else is an error that
/// points at the first bad byte.
pub fn decode(rel: &str, mut bytes: Vec<u8>) -> Result<String, Diagnostic> {
    if bytes.starts_with(&[0xEF, 0xBB, 0xBF]) {
        bytes.drain(..3);
    }
    if memchr::memchr(0, &bytes).is_some() {
        return Err(
            Diagnostic::error("encoding", "this looks like a binary file, not Markdown")
                .in_file(rel)
                .with_help("rename it if it is an asset, or remove it"),
        );
    }
    String::from_utf8(bytes).map_err(|e| {
        let valid = e.utf8_error().valid_up_to();
        let lossy = String::from_utf8_lossy(e.as_bytes()).into_owned();
        // In the lossy text, the bad byte sits where the valid prefix ends.
        Diagnostic::error("encoding", "the file is not valid UTF-8")
            .in_file(rel)
            .at(&lossy, valid..valid + 1)
            .with_label("invalid byte here")
            .with_help("save the file as UTF-8")
    })
}

fn interpret(
    rel: &str,
    text: &str,
    split: &Split,
    mut map: Map<String, Value>,
    diagnostics: &mut Vec<Diagnostic>,
) -> FrontMatter {
    let mut type_error = |key: &str, expected: &str, found: &Value| {
        diagnostics.push(
            Diagnostic::error(
                "front-matter",
                format!(
                    "`{key}` must be {expected}, found {}",
                    front_matter::json_kind(found)
                ),
            )
            .in_file(rel)
            .at(text, front_matter::key_span(text, &split.front, key)),
        );
    };
    let mut front = FrontMatter::default();
    if let Some(v) = map.get("title") {
        match scalar_string(v) {
            Some(s) => front.title = Some(s),
            None if v.is_null() => {}
            None => type_error("title", "text", v),
        }
    }
    if let Some(v) = map.get("description") {
        match scalar_string(v) {
            Some(s) => front.description = s,
            None if v.is_null() => {}
            None => type_error("description", "text", v),
        }
    }
    if let Some(v) = map.get("layout") {
        match scalar_string(v) {
            Some(s) => front.layout = s,
            None if v.is_null() => {}
            None => type_error("layout", "a template name", v),
        }
    }
    if let Some(v) = map.get("draft") {
        match v {
            Value::Bool(b) => front.draft = *b,
            Value::String(s) if s == "true" || s == "false" => front.draft = s == "true",
            Value::Null => {}
            other => type_error("draft", "true or false", other),
        }
    }
    if let Some(v) = map.get("weight") {
        match v {
            Value::Number(n) if n.as_i64().is_some() => front.weight = n.as_i64().unwrap_or(0),
            Value::Number(n) => front.weight = n.as_f64().unwrap_or(0.0) as i64,
            Value::String(s) if s.trim().parse::<i64>().is_ok() => {
                front.weight = s.trim().parse().unwrap_or(0)
            }
            Value::Null => {}
            other => type_error("weight", "a whole number", other),
        }
    }
    // Other generators' ordering keys (Docusaurus, Just the Docs) stand in
    // for `weight` when it is absent.
    if !map.contains_key("weight") {
        let other = ["sidebar_position", "nav_order"]
            .iter()
            .find_map(|k| map.get(*k));
        if let Some(n) = other.and_then(Value::as_f64) {
            front.weight = n as i64;
        }
    }
    // Hugo's `lastmod` is when the page last changed, which is what `date`
    // says here (the later of it and the last commit is shown).
    if let Some(v) = map.get("lastmod").or_else(|| map.get("date")) {
        front.date = scalar_string(v);
    }
    // Keep url/permalink/slug in extra as well so templates can see them.
    for key in KNOWN_KEYS {
        if !matches!(*key, "url" | "permalink" | "slug") {
            map.remove(*key);
        }
    }
    front.extra = map;
    front
}

fn scalar_string(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// Two sources for one URL is an error naming both; the first (in path order)
/// keeps the URL so the rest of the site still builds.
fn check_url_collisions(
    pages: &mut Vec<Page>,
    assets: &[Asset],
    diagnostics: &mut Vec<Diagnostic>,
) {
    pages.sort_by(|a, b| a.rel_path.cmp(&b.rel_path));
    // Output path -> the page written there; borrowed, not copied: this
    // runs over every page of every load.
    let mut seen: rustc_hash::FxHashMap<&str, &str> =
        rustc_hash::FxHashMap::with_capacity_and_hasher(pages.len(), Default::default());
    let mut dropped = HashSet::new();
    for (i, page) in pages.iter().enumerate() {
        if let Some(first) = seen.get(page.url.output.as_str()) {
            diagnostics.push(
                Diagnostic::error(
                    "url-collision",
                    format!(
                        "`{}` and `{first}` both map to the URL {}",
                        page.rel_path, page.url.path
                    ),
                )
                .in_file(page.rel_path.clone())
                .with_help("rename one of them, or give one a `url:` in its front matter"),
            );
            dropped.insert(i);
        } else {
            seen.insert(&page.url.output, &page.rel_path);
        }
    }
    for asset in assets {
        if let Some(page) = seen.get(asset.rel_path.as_str()) {
            diagnostics.push(
                Diagnostic::warning(
                    "url-collision",
                    format!("the page `{page}` is written where this file would be copied; the page wins"),
                )
                .in_file(asset.rel_path.clone()),
            );
        }
    }
    if !dropped.is_empty() {
        let mut i = 0;
        pages.retain(|_| {
            i += 1;
            !dropped.contains(&(i - 1))
        });
    }
}

/// Maps content-relative source paths to page indices: used to rewrite links
/// to `.md` files into page URLs.
pub fn source_index(pages: &[Page]) -> BTreeMap<&str, usize> {
    pages
        .iter()
        .enumerate()
        .map(|(i, p)| (p.rel_path.as_str(), i))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_paths_are_their_components_joined() {
        let root = Path::new("/site/content");
        for path in [
            "a/b.md",
            "a//b.md",
            "a/./b.md",
            "./a.md",
            "a/../b.md",
            "a/",
            "x",
            "",
        ] {
            let full = root.join(path);
            let joined: Vec<String> = full
                .strip_prefix(root)
                .unwrap_or(&full)
                .components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect();
            assert_eq!(relative(root, &full), joined.join("/"), "{path:?}");
        }
        assert_eq!(
            relative(root, Path::new("/elsewhere/a.md")),
            "//elsewhere/a.md"
        );
    }

    #[test]
    fn skipped_names() {
        assert!(is_skipped_name(".git"));
        assert!(is_skipped_name("_partial.md"));
        assert!(!is_skipped_name("_index.md"));
        assert!(!is_skipped_name("page.md"));
    }

    #[test]
    fn invalid_utf8_points_at_the_byte() {
        let d = decode("a.md", b"ok\nab\xffcd\n".to_vec()).unwrap_err();
        let loc = d.location.unwrap();
        assert_eq!((loc.line, loc.column), (2, 3));
    }

    #[test]
    fn bom_is_removed() {
        assert_eq!(
            decode("a.md", b"\xEF\xBB\xBF---\n".to_vec()).unwrap(),
            "---\n"
        );
    }

    #[test]
    fn binary_files_are_rejected() {
        assert!(decode("a.md", vec![0x89, b'P', 0, 0]).is_err());
    }

    #[test]
    fn wrong_types_are_errors_at_the_key() {
        let text = "---\ntitle: [a, b]\nweight: \"x\"\n---\n";
        let split = front_matter::split(text).unwrap();
        let parsed = front_matter::parse(text, &split).unwrap();
        let mut diags = Vec::new();
        let front = interpret("a.md", text, &split, parsed.map, &mut diags);
        assert_eq!(front.title, None);
        assert_eq!(diags.len(), 2);
        assert_eq!(diags[0].line(), 2);
        assert_eq!(diags[1].line(), 3);
        assert!(diags[1].message.contains("whole number"));
    }

    /// Hugo's `lastmod` is the date shown; `date` when there is none.
    #[test]
    fn lastmod_is_the_pages_date() {
        let front = |text: &str| {
            let split = front_matter::split(text).unwrap();
            let parsed = front_matter::parse(text, &split).unwrap();
            interpret("a.md", text, &split, parsed.map, &mut Vec::new()).date
        };
        let both = front("---\ndate: 2024-01-02\nlastmod: 2025-03-04\n---\n");
        assert_eq!(both.as_deref(), Some("2025-03-04"));
        let date = front("---\ndate: 2024-01-02\n---\n");
        assert_eq!(date.as_deref(), Some("2024-01-02"));
    }
}
