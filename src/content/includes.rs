//! What a page's template tags may read besides its own front matter: the
//! site's partials and includes (Middleman's `_name` partials, Jekyll's and
//! Eleventy's `_includes/`), its global data files (`_data/*.yml|json`, and
//! Middleman's `data/`) and its settings (`{{ site.title }}`).
//!
//! Data files are read once per load. Partials are read the first time a
//! page names them and kept for the rest of the build, under the same
//! publishing rule as every other file: a partial name that climbs out of
//! the site (`../../etc/passwd`) or into a hidden folder reads nothing.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use serde_json::{Map, Value};

use crate::config::Config;
use crate::diagnostics::Diagnostic;

/// Extensions a Middleman partial may carry, tried in this order after the
/// name as written.
const PARTIAL_EXTENSIONS: &[&str] = &[
    ".html.md.erb",
    ".html.md",
    ".md.erb",
    ".md",
    ".html.erb",
    ".html",
    ".erb",
];

/// Global data folders, relative to the content folder and the site root.
const DATA_FOLDERS: &[&str] = &["_data", "data"];

/// Jekyll's and Eleventy's include folders, relative to the content folder
/// and the site root.
const INCLUDE_FOLDERS: &[&str] = &["_includes", "_partials", "partials"];

/// A data file larger than this is not read: data files hold navigation and
/// team lists, not bulk content, and every page build would carry it.
const MAX_DATA_FILE: u64 = 4 * 1024 * 1024;

/// The site-wide values and files that template tags in pages read.
#[derive(Debug, Default)]
pub struct Includes {
    /// `{{ site.KEY }}`: title, description, URL, `[extra]` settings, and
    /// `data` (the global data files).
    site: Map<String, Value>,
    /// Global data by file name (`_data/team.yml` is `team`).
    data: Map<String, Value>,
    content_dir: PathBuf,
    /// The site root.
    root: PathBuf,
    include_dirs: Vec<PathBuf>,
    roots: Vec<PathBuf>,
    cache: Mutex<HashMap<PathBuf, Option<Arc<str>>>>,
}

impl Includes {
    /// Reads the site's data files; partials are read when first named.
    pub fn load(config: &Config) -> (Includes, Vec<Diagnostic>) {
        let mut diagnostics = Vec::new();
        let mut data = Map::new();
        for folder in data_folders(config) {
            read_data_folder(config, &folder, &mut data, &mut diagnostics);
        }
        let mut site = site_values(config);
        site.insert("data".into(), Value::Object(data.clone()));
        let include_dirs = [&config.content_dir, &config.root]
            .iter()
            .flat_map(|base| INCLUDE_FOLDERS.iter().map(move |f| base.join(f)))
            .filter(|dir| dir.is_dir())
            .collect();
        let includes = Includes {
            site,
            data,
            content_dir: config.content_dir.clone(),
            root: config.root.clone(),
            include_dirs,
            roots: super::publish_roots(config),
            cache: Mutex::new(HashMap::new()),
        };
        (includes, diagnostics)
    }

    /// No data and no partials (tests, and tools that render one page).
    pub fn none() -> Includes {
        Includes::default()
    }

    /// Site settings and data, as `{{ site.KEY }}` reads them.
    pub fn site(&self) -> &Map<String, Value> {
        &self.site
    }

    /// Global data by file name.
    pub fn data(&self) -> &Map<String, Value> {
        &self.data
    }

    /// A Middleman partial: `name` relative to the page's folder or the
    /// content folder, its file name with or without the leading `_` and
    /// with any of the usual extensions.
    pub fn partial(&self, name: &str, page_dir: &str) -> Option<Arc<str>> {
        let name = name.trim().trim_start_matches('/');
        let (folder, file) = name.rsplit_once('/').unwrap_or(("", name));
        let page_folder = self.content_dir.join(page_dir);
        for base in [page_folder.as_path(), self.content_dir.as_path()] {
            for stem in [format!("_{file}"), file.to_string()] {
                if stem.starts_with("__") {
                    continue;
                }
                for extension in std::iter::once("").chain(PARTIAL_EXTENSIONS.iter().copied()) {
                    let path = base.join(folder).join(format!("{stem}{extension}"));
                    if let Some(text) = self.read(&path) {
                        return Some(text);
                    }
                }
            }
        }
        None
    }

    /// A Jekyll or Eleventy include: `name` inside an include folder, or
    /// (for `include_relative`) inside the page's folder.
    pub fn include(&self, name: &str, page_dir: &str, relative: IncludeFrom) -> Option<Arc<str>> {
        let name = name.trim().trim_start_matches('/');
        match relative {
            IncludeFrom::PageFolder => self.read(&self.content_dir.join(page_dir).join(name)),
            IncludeFrom::IncludeFolders => self
                .include_dirs
                .iter()
                .find_map(|dir| self.read(&dir.join(name))),
        }
    }

    /// A Hugo theme's `include` or `readfile` shortcode: `name` from the
    /// page's folder, the content folder, the site root, then `assets/`
    /// (Hugo's resources, where the GitLab handbook keeps its includes).
    pub fn hugo_file(&self, name: &str, page_dir: &str) -> Option<Arc<str>> {
        let name = name.trim().trim_start_matches('/');
        let page_folder = self.content_dir.join(page_dir);
        [
            page_folder.as_path(),
            self.content_dir.as_path(),
            self.root.as_path(),
            self.root.join("assets").as_path(),
        ]
        .iter()
        .find_map(|folder| self.read(&folder.join(name)))
    }

    /// Every partial and include path looked up so far (found or not), for
    /// the page cache.
    pub fn looked_up(&self) -> Vec<PathBuf> {
        let Ok(cache) = self.cache.lock() else {
            return Vec::new();
        };
        let mut read: Vec<PathBuf> = cache.keys().cloned().collect();
        read.sort();
        read
    }

    /// What a partial or include path holds now (`None`: nothing).
    pub fn fingerprint_of(&self, path: &Path) -> Option<u64> {
        self.read(path).as_deref().map(text_fingerprint)
    }

    /// A file's text under the publishing rule, read once per build.
    fn read(&self, path: &Path) -> Option<Arc<str>> {
        if let Ok(cache) = self.cache.lock() {
            if let Some(found) = cache.get(path) {
                return found.clone();
            }
        }
        let text = read_include_file(path, &self.roots);
        if let Ok(mut cache) = self.cache.lock() {
            cache.insert(path.to_path_buf(), text.clone());
        }
        text
    }
}

/// A partial or include file's text as a build reads it: a UTF-8 file under
/// the publishing rule (`roots`: [`super::publish_roots`]), else nothing.
pub fn read_include_file(path: &Path, roots: &[PathBuf]) -> Option<Arc<str>> {
    if !path.is_file() {
        return None;
    }
    super::read_publishable(path, roots)
        .ok()
        .and_then(|bytes| String::from_utf8(bytes).ok())
        .map(|text| Arc::from(text.as_str()))
}

/// What a partial or include file holds, as a number.
pub fn text_fingerprint(text: &str) -> u64 {
    xxhash_rust::xxh3::xxh3_64(text.as_bytes())
}

/// Where an include's name is looked up.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IncludeFrom {
    /// `{% include x %}`: the site's include folders.
    IncludeFolders,
    /// `{% include_relative x %}`: the page's own folder.
    PageFolder,
}

fn data_folders(config: &Config) -> Vec<PathBuf> {
    let mut folders: Vec<PathBuf> = Vec::new();
    for base in [&config.content_dir, &config.root] {
        for folder in DATA_FOLDERS {
            let path = base.join(folder);
            if path.is_dir() && !folders.contains(&path) {
                folders.push(path);
            }
        }
    }
    folders
}

/// Reads `*.yml`, `*.yaml` and `*.json` files of one data folder into
/// `data`, keyed by file name; a folder nests (`_data/team/sales.yml` is
/// `team.sales`).
fn read_data_folder(
    config: &Config,
    folder: &Path,
    data: &mut Map<String, Value>,
    diagnostics: &mut Vec<Diagnostic>,
) {
    let roots = super::publish_roots(config);
    for entry in walkdir::WalkDir::new(folder)
        .max_depth(4)
        .sort_by_file_name()
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
    {
        let path = entry.path();
        let Some((stem, kind)) = data_file(path) else {
            continue;
        };
        if entry.metadata().map_or(true, |m| m.len() > MAX_DATA_FILE) {
            continue;
        }
        let rel = path.strip_prefix(&config.root).unwrap_or(path);
        let Ok(bytes) = super::read_publishable(path, &roots) else {
            continue;
        };
        let text = String::from_utf8_lossy(&bytes);
        let value = match kind {
            DataKind::Json => serde_json::from_str::<Value>(&text).ok(),
            DataKind::Yaml => crate::yaml::value(&text),
        };
        let Some(value) = value else {
            diagnostics.push(
                Diagnostic::warning(
                    "data",
                    "this data file could not be read; pages see no value from it",
                )
                .in_file(rel.to_string_lossy().replace('\\', "/")),
            );
            continue;
        };
        let nesting = path
            .parent()
            .and_then(|p| p.strip_prefix(folder).ok())
            .map(|p| {
                p.components()
                    .map(|c| c.as_os_str().to_string_lossy().into_owned())
                    .collect::<Vec<_>>()
            })
            .unwrap_or_default();
        let mut target = &mut *data;
        for part in nesting {
            let slot = target
                .entry(part)
                .or_insert_with(|| Value::Object(Map::new()));
            if !slot.is_object() {
                *slot = Value::Object(Map::new());
            }
            let Value::Object(map) = slot else { return };
            target = map;
        }
        target.insert(stem, value);
    }
}

enum DataKind {
    Json,
    Yaml,
}

fn data_file(path: &Path) -> Option<(String, DataKind)> {
    let name = path.file_name()?.to_str()?;
    if name.starts_with('.') {
        return None;
    }
    let (stem, extension) = name.rsplit_once('.')?;
    let kind = match extension {
        "json" => DataKind::Json,
        "yml" | "yaml" => DataKind::Yaml,
        _ => return None,
    };
    Some((stem.to_string(), kind))
}

/// `{{ site.KEY }}` values: the site's title, description and URL, and
/// `extra` settings.
fn site_values(config: &Config) -> Map<String, Value> {
    let mut values: Map<String, Value> = config
        .site
        .extra
        .iter()
        .filter_map(|(k, v)| Some((k.clone(), serde_json::to_value(v).ok()?)))
        .collect();
    values.insert("title".into(), Value::String(config.site.title.clone()));
    values.insert(
        "description".into(),
        Value::String(config.site.description.clone()),
    );
    values.insert("url".into(), Value::String(config.base_url.clone()));
    values.insert("baseurl".into(), Value::String(config.base_path.clone()));
    values
}

#[cfg(test)]
mod tests {
    use super::*;

    fn site(files: &[(&str, &str)]) -> (tempfile::TempDir, Config) {
        let dir = tempfile::tempdir().expect("temp");
        for (path, text) in files {
            let path = dir.path().join(path);
            std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
            std::fs::write(path, text).expect("write");
        }
        std::fs::create_dir_all(dir.path().join("source")).expect("mkdir");
        std::fs::write(dir.path().join("site.toml"), "content_dir = \"source\"\n").expect("write");
        let config =
            Config::load(dir.path(), &crate::config::Overrides::default()).expect("config");
        (dir, config)
    }

    #[test]
    fn partials_are_found_as_middleman_finds_them() {
        let (_dir, config) = site(&[
            (
                "source/includes/_notice.html.md.erb",
                "**Work in progress**\n",
            ),
            ("source/team/_card.md", "card\n"),
        ]);
        let (includes, _) = Includes::load(&config);
        assert_eq!(
            includes.partial("includes/notice", "team").as_deref(),
            Some("**Work in progress**\n")
        );
        assert_eq!(
            includes
                .partial("includes/_notice.html.md.erb", "")
                .as_deref(),
            Some("**Work in progress**\n")
        );
        assert_eq!(includes.partial("card", "team").as_deref(), Some("card\n"));
        assert_eq!(includes.partial("missing", "team"), None);
    }

    #[test]
    fn a_partial_outside_the_site_reads_nothing() {
        let outside = tempfile::tempdir().expect("temp");
        std::fs::write(outside.path().join("_secret.md"), "key").expect("write");
        let (_dir, config) = site(&[("source/index.md", "x")]);
        let (includes, _) = Includes::load(&config);
        let climb = format!("../../../../../../../..{}/secret", outside.path().display());
        assert_eq!(includes.partial(&climb, ""), None);
    }

    #[test]
    fn data_files_nest_by_folder_and_name() {
        let (_dir, config) = site(&[
            ("_data/team.yml", "lead: Ada\n"),
            ("_data/regions/emea.json", "{\"head\": \"Lin\"}"),
            ("_data/broken.yml", "a: [\n"),
        ]);
        let (includes, diagnostics) = Includes::load(&config);
        assert_eq!(includes.data()["team"]["lead"], "Ada");
        assert_eq!(includes.data()["regions"]["emea"]["head"], "Lin");
        assert_eq!(includes.site()["data"]["team"]["lead"], "Ada");
        assert_eq!(diagnostics.len(), 1, "{diagnostics:?}");
    }
}
