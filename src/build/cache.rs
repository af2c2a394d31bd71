//! The build cache (`.handbook-cache/` beside `site.toml`, `cache_dir` in
//! `site.toml`, `--no-cache` to bypass): what the last build read and wrote,
//! so a build with nothing new to read (a CI job that restored the cache and
//! the output folder, a second `handbook build`) reports the last build's
//! diagnostics and leaves the site as it is.
//!
//! What a build reads is fingerprinted: the sources the binary was
//! compiled from (`build.rs`), the settings files of the site (and of the
//! generator it was made for), the command line, the year (the rhythm
//! starts on January 1 when `[cadence] start` is not set), the last commit
//! of the content folder (pages show their last commit's date), and every
//! file of the content folder, templates, static files, theme, data and
//! includes (small files by their bytes, so a fresh clone in CI still
//! matches; large ones by size and time). The output folder must still hold
//! what the last build wrote: its manifest is fingerprinted too.
//!
//! The cache is safe to delete. A cache that cannot be read, was cut short or
//! was written by another `handbook` binary means a full build and a note,
//! never a wrong site.

use std::hash::Hasher;
use std::path::{Path, PathBuf};

use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use xxhash_rust::xxh3::Xxh3;

use super::file_stats::FileStats;
use super::BuildSummary;
use crate::config::{detect, Config, CONFIG_FILE};
use crate::content::includes::{read_include_file, text_fingerprint};
use crate::content::publish_roots;
use crate::content::reading_order::ORDER_FILES;
use crate::content::source::ReadAhead;
use crate::diagnostics::{Diagnostic, Location, Report, Severity};

/// Bumped when the record's shape or meaning changes.
const FORMAT: u32 = 1;
const RECORD: &str = "build.json";
/// Folders beside the content whose files a build may read.
const SITE_FOLDERS: &[&str] = &["templates", "static", "_data", "data", "_includes"];
/// Files up to this size are fingerprinted by their bytes.
const HASHED_FILE_LIMIT: u64 = 1024 * 1024;

/// The cache of one site.
pub struct BuildCache {
    dir: PathBuf,
}

/// What the last build left, as stored.
#[derive(Serialize, Deserialize)]
struct Record {
    format: u32,
    binary: u64,
    inputs: u64,
    output_manifest: u64,
    pages: usize,
    assets: usize,
    diagnostics: Vec<StoredDiagnostic>,
    /// The partials and included files the build read, relative to the site
    /// root, and what each held (`None`: not there). They may lie outside
    /// every folder the inputs fingerprint reads (an mdBook's
    /// `{{#include ../listings/main.rs}}`), so each is read again.
    #[serde(default)]
    includes: Vec<(PathBuf, Option<u64>)>,
}

#[derive(Serialize, Deserialize)]
struct StoredDiagnostic {
    error: bool,
    file: Option<String>,
    location: Option<(usize, usize, String, usize, usize)>,
    message: String,
    label: Option<String>,
    help: Option<String>,
    code: String,
    target: Option<String>,
}

/// The last build, when nothing it read has changed.
pub struct UpToDate {
    pub pages: usize,
    pub assets: usize,
    pub report: Report,
}

/// What a lookup found.
pub enum Lookup {
    Hit(UpToDate),
    /// Something changed, or there is no cache yet.
    Miss,
    /// The cache was unreadable or another binary's: the note says which.
    Unusable(String),
}

impl BuildCache {
    /// The site's cache folder (`HANDBOOK_CACHE_DIR`, else `cache_dir` of
    /// `site.toml`, relative to the site root), or `None` when caching is off.
    pub fn for_site(config: &Config) -> Option<BuildCache> {
        let dir = cache_dir(config)?;
        Some(BuildCache { dir })
    }

    /// The cache folder.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Looks up a build whose inputs fingerprint to `inputs`.
    pub fn lookup(&self, config: &Config, inputs: u64) -> Lookup {
        let path = self.dir.join(RECORD);
        let Ok(bytes) = std::fs::read(&path) else {
            return Lookup::Miss;
        };
        let record: Record = match serde_json::from_slice(&bytes) {
            Ok(record) => record,
            Err(_) => {
                return Lookup::Unusable(format!(
                    "the build cache {} could not be read; building everything",
                    path.display()
                ))
            }
        };
        if record.format != FORMAT || record.binary != binary_fingerprint() {
            return Lookup::Unusable(format!(
                "the build cache {} was written by another handbook binary; building everything",
                self.dir.display()
            ));
        }
        if record.inputs != inputs
            || record.output_manifest != output_fingerprint(config)
            || includes_changed(config, &record.includes)
        {
            return Lookup::Miss;
        }
        let mut report = Report::default();
        for stored in record.diagnostics {
            report.push(stored.into_diagnostic());
        }
        Lookup::Hit(UpToDate {
            pages: record.pages,
            assets: record.assets,
            report,
        })
    }

    /// Records a build that wrote the site; a failure to write the cache
    /// only costs the next build its shortcut.
    pub fn store(&self, config: &Config, inputs: u64, summary: &BuildSummary) {
        let BuildSummary {
            pages,
            assets,
            report,
            includes_read,
            ..
        } = summary;
        let includes = includes_read
            .iter()
            .map(|(path, print)| {
                let relative = path.strip_prefix(&config.root).unwrap_or(path);
                (relative.to_path_buf(), *print)
            })
            .collect();
        let record = Record {
            format: FORMAT,
            binary: binary_fingerprint(),
            inputs,
            output_manifest: output_fingerprint(config),
            pages: *pages,
            assets: *assets,
            includes,
            diagnostics: report
                .diagnostics
                .iter()
                .map(StoredDiagnostic::from)
                .collect(),
        };
        let Ok(json) = serde_json::to_vec(&record) else {
            return;
        };
        if std::fs::create_dir_all(&self.dir).is_err() {
            return;
        }
        replace_file(&self.dir.join(RECORD), &[&json]);
    }
}

/// Whether a partial or included file the last build read holds something
/// else now.
fn includes_changed(config: &Config, includes: &[(PathBuf, Option<u64>)]) -> bool {
    if includes.is_empty() {
        return false;
    }
    let roots = publish_roots(config);
    includes.par_iter().any(|(path, print)| {
        let now = read_include_file(&config.root.join(path), &roots);
        now.as_deref().map(text_fingerprint) != *print
    })
}

/// Writes `parts` one after the other to a file beside `path`, then renames
/// it over `path`: a build stopped halfway leaves the old file or the new
/// one, never half of one. A failure only costs the next build a shortcut.
pub(super) fn replace_file(path: &Path, parts: &[&[u8]]) {
    replace_file_with(path, |file| {
        use std::io::Write;
        parts.iter().try_for_each(|part| file.write_all(part))
    });
}

/// [`replace_file`] with what `write` writes to the new file.
pub(super) fn replace_file_with(
    path: &Path,
    write: impl FnOnce(&mut std::fs::File) -> std::io::Result<()>,
) {
    let partial = path.with_extension("partial");
    let written = std::fs::File::create(&partial).and_then(|mut file| write(&mut file));
    if written.is_ok() {
        let _ = std::fs::rename(&partial, path);
    }
}

impl From<&Diagnostic> for StoredDiagnostic {
    fn from(d: &Diagnostic) -> Self {
        StoredDiagnostic {
            error: d.severity == Severity::Error,
            file: d.file.clone(),
            location: d.location.as_ref().map(|l| {
                (
                    l.line,
                    l.column,
                    l.source_line.clone(),
                    l.underline.start,
                    l.underline.end,
                )
            }),
            message: d.message.clone(),
            label: d.label.clone(),
            help: d.help.clone(),
            code: d.code.to_string(),
            target: d.target.clone(),
        }
    }
}

impl StoredDiagnostic {
    fn into_diagnostic(self) -> Diagnostic {
        let severity = if self.error {
            Severity::Error
        } else {
            Severity::Warning
        };
        let mut d = Diagnostic::new(severity, static_code(&self.code), self.message);
        d.file = self.file;
        d.location = self
            .location
            .map(|(line, column, source_line, start, end)| Location {
                line,
                column,
                source_line,
                underline: start..end,
            });
        d.label = self.label;
        d.help = self.help;
        d.target = self.target;
        d
    }
}

/// A diagnostic code as the `&'static str` diagnostics carry: each distinct
/// code read back from the cache is kept once for the rest of the run.
fn static_code(code: &str) -> &'static str {
    use std::collections::HashSet;
    use std::sync::{Mutex, OnceLock};
    static CODES: OnceLock<Mutex<HashSet<&'static str>>> = OnceLock::new();
    let codes = CODES.get_or_init(Mutex::default);
    let Ok(mut codes) = codes.lock() else {
        return "cached";
    };
    if let Some(known) = codes.get(code) {
        return known;
    }
    let leaked: &'static str = Box::leak(code.to_string().into_boxed_str());
    codes.insert(leaked);
    leaked
}

/// The running binary: another version of `handbook` may render
/// differently. A hash of the sources it was compiled from (`build.rs`),
/// so no build reads the executable to know it.
pub fn binary_fingerprint() -> u64 {
    u64::from_str_radix(env!("HANDBOOK_SOURCE_ID"), 16).unwrap_or(0)
}

fn output_fingerprint(config: &Config) -> u64 {
    match std::fs::read(config.output_dir.join(crate::output::MANIFEST)) {
        Ok(bytes) => xxhash_rust::xxh3::xxh3_64(&bytes),
        Err(_) => 0,
    }
}

/// Everything a build of this site reads, and the options that change what
/// it writes, as one number.
/// The content folder's page files it reads are kept in `read_ahead`, for
/// the load to take.
pub fn inputs_fingerprint(
    config: &Config,
    options: &super::BuildOptions,
    read_ahead: &ReadAhead,
) -> u64 {
    let mut hasher = Xxh3::new();
    hasher.update(&FORMAT.to_le_bytes());
    // The settings of the site, or of the generator it was made for.
    let settings_files = std::iter::once(CONFIG_FILE).chain(detect::settings_files());
    for name in settings_files {
        hasher.update(name.as_bytes());
        if let Ok(bytes) = std::fs::read(config.root.join(name)) {
            hasher.update(&bytes);
        }
    }
    hasher.update(config.content_dir.to_string_lossy().as_bytes());
    hasher.update(config.output_dir.to_string_lossy().as_bytes());
    hasher.update(config.base_url.as_bytes());
    hasher.update(&[
        u8::from(config.site.drafts),
        u8::from(options.strict),
        u8::from(options.keep_going),
    ]);
    hasher.update(this_year().as_bytes());
    // Reviews fall due by the day; owners may come from a CODEOWNERS file
    // outside the content folder.
    hasher.update(config.today.to_string().as_bytes());
    if let Some((path, text)) = crate::owners::codeowners_file(config) {
        hasher.update(path.to_string_lossy().as_bytes());
        hasher.update(text.as_bytes());
    }
    let commit = last_content_commit(config);
    hasher.update(commit.as_bytes());
    if !commit.is_empty() {
        // Fetching more of a shallow clone's history dates more pages.
        hasher.update(&shallow_boundary(config));
    }
    // Without a git history, a page is dated by its file's time.
    let content_times = if commit.is_empty() {
        FileTimes::Count
    } else {
        FileTimes::Ignore
    };
    let cache_folder = cache_dir(config);
    let stats = FileStats::load(cache_folder.as_deref(), super::file_stats::HASHES);
    hash_tree(
        &mut hasher,
        config,
        (&config.content_dir, content_times),
        (&stats, Some(read_ahead)),
    );
    let theme = config.root.join("themes").join(&config.site.theme);
    let folders = SITE_FOLDERS
        .iter()
        .map(|f| config.root.join(f))
        .chain(std::iter::once(theme));
    for folder in folders {
        if folder != config.content_dir && folder.is_dir() {
            hash_tree(
                &mut hasher,
                config,
                (&folder, FileTimes::Ignore),
                (&stats, None),
            );
        }
    }
    stats.save(cache_folder.as_deref());
    hasher.digest()
}

/// Where the cache lives; `None` when it is off (an empty setting).
fn cache_dir(config: &Config) -> Option<PathBuf> {
    let setting =
        std::env::var("HANDBOOK_CACHE_DIR").unwrap_or_else(|_| config.site.cache_dir.clone());
    let setting = setting.trim();
    (!setting.is_empty()).then(|| config.root.join(setting))
}

fn this_year() -> String {
    use chrono::Datelike;
    chrono::Utc::now().year().to_string()
}

/// The last commit that changed the content folder, when the site is in a
/// git repository: pages show their last commit's date, and a commit that
/// changed only other files changes none of them.
fn last_content_commit(config: &Config) -> String {
    std::process::Command::new("git")
        .args(["log", "-1", "--format=%H", "--"])
        .arg(&config.content_dir)
        .current_dir(&config.root)
        .stderr(std::process::Stdio::null())
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
        .unwrap_or_default()
}

/// Where a shallow clone's history stops (git's `shallow` file): empty for
/// a whole clone.
fn shallow_boundary(config: &Config) -> Vec<u8> {
    let path = std::process::Command::new("git")
        .args([
            "rev-parse",
            "--path-format=absolute",
            "--git-path",
            "shallow",
        ])
        .current_dir(&config.root)
        .stderr(std::process::Stdio::null())
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string());
    path.and_then(|p| std::fs::read(p).ok()).unwrap_or_default()
}

/// Every file below `folder` (hidden ones, tooling folders and the output
/// and cache folders left out): its path, and its bytes or size and time.
/// Whether a small file's modification time is part of its fingerprint.
#[derive(Clone, Copy, PartialEq, Eq)]
enum FileTimes {
    Count,
    Ignore,
}

fn hash_tree(
    hasher: &mut Xxh3,
    config: &Config,
    (folder, times): (&Path, FileTimes),
    (stats, read_ahead): (&FileStats<u64>, Option<&ReadAhead>),
) {
    let cache_dir = cache_dir(config).unwrap_or_default();
    let walker = walkdir::WalkDir::new(folder)
        .follow_links(true)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| {
            let name = e.file_name().to_string_lossy();
            e.depth() == 0
                || ORDER_FILES.contains(&name.as_ref())
                || !(name.starts_with('.')
                    || name == "node_modules"
                    || e.path() == config.output_dir
                    || e.path() == cache_dir)
        });
    // Files are read and hashed on every core as the walk finds them (a
    // 10,000-page handbook is 80 MB; the walk alone took a core 35 ms
    // before the first read began), then fed to the tree's hash in walk
    // order.
    let mut prints: Vec<(usize, walkdir::DirEntry, FilePrint)> = walker
        .filter_map(Result::ok)
        .filter(|entry| entry.file_type().is_file())
        .enumerate()
        .par_bridge()
        .map(|(order, entry)| {
            let print = file_print(&entry, times, (stats, read_ahead));
            (order, entry, print)
        })
        .collect();
    prints.sort_unstable_by_key(|(order, ..)| *order);
    for (_, entry, print) in prints {
        hasher.update(entry.path().to_string_lossy().as_bytes());
        match print {
            FilePrint::Unreadable => {}
            FilePrint::Bytes { hash, modified } => {
                hasher.write_u64(hash);
                if let Some(nanos) = modified {
                    hasher.write_u64(nanos);
                }
            }
            FilePrint::SizeAndTime { len, modified } => {
                hasher.write_u64(len);
                if let Some(nanos) = modified {
                    hasher.write_u64(nanos);
                }
            }
        }
    }
}

/// What one file adds to the tree's hash.
enum FilePrint {
    /// Its metadata could not be read: the path alone.
    Unreadable,
    /// A small file: the hash of its bytes, and its time when times count.
    Bytes { hash: u64, modified: Option<u64> },
    /// A large (or unreadable) file: its size and time.
    SizeAndTime { len: u64, modified: Option<u64> },
}

fn file_print(
    entry: &walkdir::DirEntry,
    times: FileTimes,
    (stats, read_ahead): (&FileStats<u64>, Option<&ReadAhead>),
) -> FilePrint {
    let Ok(metadata) = entry.metadata() else {
        return FilePrint::Unreadable;
    };
    if metadata.len() <= HASHED_FILE_LIMIT {
        let modified = (times == FileTimes::Count)
            .then(|| modified_nanos(&metadata))
            .flatten();
        let known = stats.known(entry.path(), &metadata).copied();
        let hash = known.or_else(|| {
            let bytes = std::fs::read(entry.path()).ok()?;
            let hash = xxhash_rust::xxh3::xxh3_64(&bytes);
            let is_page = || {
                let name = entry.file_name().to_string_lossy();
                crate::content::url::source_kind(&name).is_page()
            };
            if let Some(read_ahead) = read_ahead.filter(|_| is_page()) {
                read_ahead.keep(entry.path(), bytes, metadata.clone());
            }
            Some(hash)
        });
        if let Some(hash) = hash {
            stats.record(entry.path(), &metadata, hash);
            return FilePrint::Bytes { hash, modified };
        }
    }
    FilePrint::SizeAndTime {
        len: metadata.len(),
        modified: modified_nanos(&metadata),
    }
}

fn modified_nanos(metadata: &std::fs::Metadata) -> Option<u64> {
    let modified = metadata.modified().ok()?;
    let since = modified
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default();
    Some(since.as_nanos() as u64)
}
