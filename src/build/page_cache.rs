//! The page cache (`pages/` in the build cache folder): what each page's
//! Markdown rendered to, and which HTML file each page and generated page
//! came out as, keyed by fingerprints of exactly what they read. A build
//! after a change renders the pages the change reaches and links the other
//! files from the last build, with the bytes a clean build would write.
//!
//! The keys, from the inside out:
//! - **Markdown scope**: the binary, the settings, the set of page and asset
//!   paths (links to `.md` sources and source-relative assets are rewritten
//!   to URLs), the site's data files and every partial or include path the
//!   builds so far looked up, with what it held (a lookup that found
//!   nothing counts: a partial created there changes the scope).
//! - **Markdown key** of a page: the scope, the page's path and its bytes.
//!   Same key, same [`Rendered`].
//! - **Render scope**: the binary, the settings, the templates and theme
//!   files, and the operating rhythm (any template may call `cadence()`)
//!   with the CODEOWNERS file and the reviews' statuses on the build's day.
//! - **Output key** of a page: the render scope, its Markdown key and its
//!   frame ([`super::SiteRender::frame_fingerprint`]: template, navigation,
//!   breadcrumbs, neighbours, listing, dates, everything its template sees
//!   but its own body). A title edit changes the frame of the pages whose
//!   navigation shows that title, and only those are rendered again.
//! - **Generated pages** (listings, cadence and tag pages) as one group:
//!   the render scope and the site's shape (every page's URL, title, front
//!   matter and date, the section tree, the tags).
//! - **Checked links** of a page without broken links: its Markdown key and
//!   the link index's fingerprint ([`crate::links::LinkIndex::fingerprint`]:
//!   every page's path, URL and anchors, the assets and generated pages,
//!   the hosts, base path and ignore patterns). A page with a broken link
//!   is always checked again: the message and help read other pages.
//!
//! Why fingerprints of declared inputs and not a query engine (salsa, or
//! Zola's and Hugo's dependency trackers): every stage here is already a
//! function of the previous stage's data, run over all pages in one pass;
//! what is expensive per page (Markdown, templates, the search terms, link
//! resolution: a seventh of a one-page rebuild of 50,000 pages) is keyed,
//! and what is cheap and site-wide (the section tree, the rhythm) runs
//! again, so diagnostics stay those of a clean build without tracking them. `tests/build_incremental.rs` checks
//! the claim: a random series of edits, each build compared byte for byte
//! with a clean one.
//!
//! A cache that cannot be read, was cut short or was written by another
//! binary means rendering everything (and a note), never a wrong site.

use std::path::{Path, PathBuf};

use rayon::prelude::*;
use rustc_hash::FxHashMap;
use serde::{Deserialize, Serialize};
use xxhash_rust::xxh3::Xxh3;

use super::body_store::{self, BodyAt, BodyReader, BodyWriter};
use super::cache::binary_fingerprint;
pub use super::page_store::Parts;
use super::page_store::{self, PageToStore};
use crate::cadence::Rhythm;
use crate::config::Config;
use crate::content::{Content, Page};
use crate::links::LinkMemo;
use crate::markdown::Rendered;
use crate::output::search::SearchMemo;
use crate::output::Fingerprint;
use crate::render::memo::BufferedXxh3;
use crate::render::{StaticSource, Theme};

/// Bumped when the keys' meaning changes (the files have their own format,
/// [`super::page_store`]).
const FORMAT: u32 = 2;

/// A file the last build wrote, and the key of what it was made from.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct StoredOutput {
    pub key: u64,
    pub rel: String,
    pub print: Fingerprint,
    /// What the page's frame was made from ([`super::reuse`]'s frame
    /// inputs): while they stay, so does `key`, and the frame need not be
    /// made again to know it.
    pub frame_inputs: u64,
}

/// The generated pages as the last build left them.
#[derive(Serialize, Deserialize, Clone, Debug, Default)]
pub struct StoredGroup {
    pub key: u64,
    pub files: Vec<(String, Fingerprint)>,
    /// The cadence pages' site paths (the sitemap lists them).
    pub cadence_pages: Vec<String>,
}

/// The last build's pages, open for this build.
#[derive(Default)]
pub struct PageCache {
    /// The build cache folder.
    dir: PathBuf,
    includes_read: Vec<PathBuf>,
    markdown: FxHashMap<String, StoredMarkdown>,
    /// The link index the stored pages' links were checked against.
    pub link_index: u64,
    /// The last build's HTML file of each page, by page path.
    pub outputs: FxHashMap<String, StoredOutput>,
    /// The last build's generated pages.
    pub generated: Option<StoredGroup>,
    /// The last build's renders of generated pages.
    pub renders: Vec<(u64, String)>,
    /// The search index's entries: the last build's, then this one's.
    pub search: SearchMemo,
    /// The key of each part of the cache as read ([`page_store`]).
    shard_keys: Vec<Option<u64>>,
    /// Why the cache on disk was not used, for the build's report.
    pub note: Option<String>,
    /// Where this build keeps the bodies it renders (a build's cache only:
    /// `check` keeps none).
    pub body_writer: Option<BodyWriter>,
}

/// What the last build's Markdown stage left of one page: its Markdown
/// key, what it rendered to (all but the body), its checked links and
/// where its packed body is.
type StoredMarkdown = (u64, Rendered, Option<LinkMemo>, Option<BodyAt>);

/// The last build's Markdown output of one page, taken for this build.
pub struct Remembered {
    pub rendered: Rendered,
    pub links: Option<LinkMemo>,
    pub body: Option<BodyAt>,
}

/// What the Markdown stage reuses: the last build's output by page path.
pub struct MarkdownMemo {
    scope: u64,
    previous: FxHashMap<String, StoredMarkdown>,
}

impl MarkdownMemo {
    /// The Markdown key of a page: its path and the print of its text
    /// (taken when it was loaded, so the text need not be held).
    pub fn key(&self, page: &Page) -> u64 {
        markdown_key(self.scope, page)
    }

    /// The last build's output for a page, when its key is `key`, with its
    /// checked links (valid under the stored [`PageCache::link_index`]).
    pub fn take(&mut self, rel_path: &str, key: u64) -> Option<Remembered> {
        match self.previous.remove(rel_path) {
            Some((stored_key, rendered, links, body)) if stored_key == key => Some(Remembered {
                rendered,
                links,
                body,
            }),
            _ => None,
        }
    }
}

/// The folder in the build cache folder where `check` keeps a page cache
/// of its own while no build has left one: the pages' Markdown output
/// (ids, links, notes) and their checked links, no bodies. A build never
/// reads it (a check renders no HTML), and removes it once it has stored
/// its own cache, which `check` reads from then on.
pub const CHECK_DIR: &str = "check";

/// Where `check` takes pages from in the build cache folder `dir`, and
/// which parts it reads: a build's page cache when there is one this
/// binary can read (read, never written: a check would store pages without
/// their bodies over it), else its own, which it writes back. A pre-commit
/// hook or an editor that checks the site again and again then renders
/// only what changed since the last check, as it does after a build, and
/// so does a check after an upgrade, until the next build.
pub fn for_check(dir: &Path) -> (PathBuf, Parts) {
    if page_store::exists_for_this_binary(dir) {
        (dir.to_path_buf(), Parts::Pages)
    } else {
        (dir.join(CHECK_DIR), Parts::PagesOnly)
    }
}

impl PageCache {
    /// Whether the build cache folder `dir` holds a page cache.
    pub fn exists(dir: &Path) -> bool {
        page_store::exists(dir)
    }

    /// Removes `check`'s own page cache ([`CHECK_DIR`]) beside this one:
    /// once a build has stored its pages, `check` reads those.
    pub fn forget_check_store(&self) {
        let _ = std::fs::remove_dir_all(self.dir.join(CHECK_DIR));
    }

    /// Opens `parts` of the page cache in the build cache folder `dir` (an
    /// absent one is empty).
    pub fn open(dir: &Path, parts: Parts) -> PageCache {
        let mut timings = crate::timings::Timings::start();
        let mut back = page_store::read(dir, parts);
        timings.mark("load: page cache read");
        let reader = BodyReader::new(dir);
        let intact: Vec<bool> = back
            .search
            .par_iter_mut()
            .map(|(_, entry)| entry.open_doc(|at| reader.intact(at)))
            .collect();
        let lost = intact.iter().filter(|&&intact| !intact).count();
        let mut intact = intact.into_iter();
        back.search.retain(|_| intact.next().unwrap_or(false));
        if lost > 0 && back.note.is_none() {
            back.note = Some(format!(
                "{lost} search entries in the build cache could not be read; \
                 rendering their pages again"
            ));
        }
        let mut cache = PageCache {
            dir: dir.to_path_buf(),
            includes_read: back.common.includes_read,
            link_index: back.common.link_index,
            generated: back.common.generated,
            renders: back.renders,
            search: SearchMemo::new(back.search, back.common.doc_shards),
            shard_keys: back.shard_keys,
            note: back.note,
            body_writer: (parts == Parts::All).then(|| BodyWriter::new(dir)),
            ..PageCache::default()
        };
        cache.markdown.reserve(back.pages.len());
        for page in back.pages {
            if let Some(output) = page.output {
                cache.outputs.insert(page.rel_path.clone(), output);
            }
            cache.markdown.insert(
                page.rel_path,
                (page.markdown_key, page.rendered, page.links, page.body),
            );
        }
        cache
    }

    /// The Markdown stage's memo for this build (the stored outputs move
    /// into it). Reads the partials the last builds looked up, through
    /// `content.includes`, so the next store lists them again.
    pub fn markdown_memo(&mut self, config: &Config, content: &Content) -> MarkdownMemo {
        let scope = markdown_scope(config, content, &self.includes_read);
        MarkdownMemo {
            scope,
            previous: std::mem::take(&mut self.markdown),
        }
    }

    /// Removes the page cache from the build cache folder: the next build
    /// renders every page.
    pub fn discard(&self) {
        let _ = std::fs::remove_dir_all(self.dir.join(page_store::DIR));
    }

    /// Reads the bodies back of this build's pages, for the pages whose
    /// HTML is wanted.
    pub fn body_reader(&self) -> BodyReader {
        BodyReader::new(&self.dir)
    }

    /// Writes this build's pages (the parts of the cache that changed); a
    /// failure only costs the next build its shortcut.
    pub fn store(&self, build: &BuiltPages) {
        let places = self.keep_places(build.bodies);
        let bodies = &places[..build.bodies.len().min(places.len())];
        let search_entries = self.search.entries();
        // Relative to the site root, so a cache restored into another
        // checkout folder holds.
        let includes_read: Vec<PathBuf> = build
            .content
            .includes
            .looked_up()
            .into_iter()
            .map(|path| {
                path.strip_prefix(&build.config.root)
                    .unwrap_or(&path)
                    .to_path_buf()
            })
            .collect();
        let markdown_keys = self.keys_for_next_build(build, &includes_read);
        let pages = build
            .content
            .pages
            .iter()
            .zip(markdown_keys.as_deref().unwrap_or(build.markdown_keys))
            .zip(build.rendered)
            .zip(build.outputs)
            .enumerate()
            .map(
                |(i, (((page, &markdown_key), rendered), output))| PageToStore {
                    rel_path: &page.rel_path,
                    markdown_key,
                    rendered,
                    output: output.as_ref(),
                    links: build.links.get(i).and_then(Option::as_ref),
                    body: bodies.get(i).copied().flatten(),
                },
            )
            .collect();
        let record = page_store::ToStore {
            common: page_store::Common {
                includes_read,
                generated: build.generated.cloned(),
                link_index: build.link_index,
                doc_shards: self.search.doc_shards(),
            },
            pages,
            search: search_entries
                .iter()
                .map(|(key, entry)| (*key, entry.as_ref()))
                .collect(),
            renders: build.renders,
        };
        page_store::write(&self.dir, record, &self.shard_keys);
        body_store::remove_unreferenced(&self.dir, &places);
    }

    /// The pages' Markdown keys under the scope the next build will make,
    /// when this build looked up partials its own scope did not hash (a
    /// first build hashes none: without this, the next `check` or build
    /// would take no page from the cache). `Includes` reads each file once
    /// per build, so that scope hashes what this build's renders read; a
    /// page taken from the cache read only partials the last build looked
    /// up, which this build looked up again. A page whose key is 0 (its
    /// render failed) keeps it. `None`: the keys stand.
    fn keys_for_next_build(
        &self,
        build: &BuiltPages,
        includes_read: &[PathBuf],
    ) -> Option<Vec<u64>> {
        if includes_read == self.includes_read.as_slice() {
            return None;
        }
        let scope = markdown_scope(build.config, build.content, includes_read);
        let keys = build
            .content
            .pages
            .iter()
            .zip(build.markdown_keys)
            .map(|(page, &key)| {
                if key == 0 {
                    0
                } else {
                    markdown_key(scope, page)
                }
            })
            .collect();
        Some(keys)
    }

    /// Where the body store keeps this build's bodies and search entries'
    /// hit JSON once it has merged its segments and forgotten what it could
    /// not write: the bodies' places (in page order), then the entries'.
    /// The search memo's entries take their new places; an entry whose
    /// JSON is lost is dropped (its page is rendered again next time).
    fn keep_places(&self, bodies: &[Option<BodyAt>]) -> Vec<Option<BodyAt>> {
        let docs = self.search.doc_places();
        let mut places = bodies.to_vec();
        places.extend(docs.iter().map(|&(_, at)| Some(at)));
        if let Some(writer) = &self.body_writer {
            body_store::merge_if_many(&self.dir, &mut places, writer);
            writer.forget_unwritten(&mut places);
        }
        let reader = self.body_reader();
        let moved = docs.iter().zip(&places[bodies.len()..]);
        self.search
            .move_docs(moved.map(|(&(key, _), &place)| (key, place)), |at| {
                reader.in_file(at)
            });
        places
    }
}

/// The Markdown key of `page` under `scope` ([`MarkdownMemo::key`]).
fn markdown_key(scope: u64, page: &Page) -> u64 {
    let mut hasher = Xxh3::with_seed(scope);
    hasher.update(page.rel_path.as_bytes());
    hasher.update(&[0]);
    hasher.update(&page.print.hash().to_le_bytes());
    hasher.update(&(page.print.len() as u64).to_le_bytes());
    hasher.digest()
}

/// What a build made of its pages, for [`PageCache::store`].
pub struct BuiltPages<'a> {
    /// The site's settings (its root among them).
    pub config: &'a Config,
    pub content: &'a Content,
    pub markdown_keys: &'a [u64],
    pub rendered: &'a [Rendered],
    pub outputs: &'a [Option<StoredOutput>],
    /// Each page's checked links, and the link index they were checked
    /// against.
    pub links: &'a [Option<LinkMemo>],
    pub link_index: u64,
    /// Where each page's packed body is kept ([`body_store`]).
    pub bodies: &'a [Option<BodyAt>],
    pub generated: Option<&'a StoredGroup>,
    pub renders: &'a [(u64, String)],
}

/// The settings as the stages see them: `site.toml` (or the settings of
/// the generator it was detected from) with the command line's overrides.
pub fn config_fingerprint(config: &Config) -> u64 {
    settings_fingerprint(config, &config.site)
}

/// [`config_fingerprint`] without the settings no Markdown reads: where
/// pages link to edit or view their source, how long sidebar lists are,
/// the redirects (the links and output stages read them), and where the
/// output and the cache go. A change to those makes every page's file again
/// (the render scope holds them) from the bodies the build cache kept,
/// instead of rendering every page's Markdown.
fn markdown_settings_fingerprint(config: &Config) -> u64 {
    let mut site = config.site.clone();
    site.edit_url.clear();
    site.source_url.clear();
    site.sidebar_limit = 0;
    site.redirects.clear();
    site.cache_dir.clear();
    site.output_dir = PathBuf::new();
    settings_fingerprint(config, &site)
}

fn settings_fingerprint(config: &Config, site: &crate::config::SiteConfig) -> u64 {
    let mut hasher = Xxh3::new();
    hasher.update(&serde_json::to_vec(site).unwrap_or_default());
    for part in [
        config.base_url.as_str(),
        config.base_path.as_str(),
        // Relative, so a cache restored into another checkout folder holds.
        &relative_to_root(config, &config.content_dir),
        &format!("{:?}", config.detected),
        &config.internal_hosts.join(" "),
    ] {
        hasher.update(part.as_bytes());
        hasher.update(&[0]);
    }
    hasher.digest()
}

fn markdown_scope(config: &Config, content: &Content, includes_read: &[PathBuf]) -> u64 {
    let mut hasher = Xxh3::new();
    hasher.update(&FORMAT.to_le_bytes());
    hasher.update(&binary_fingerprint().to_le_bytes());
    hasher.update(&markdown_settings_fingerprint(config).to_le_bytes());
    for page in &content.pages {
        hasher.update(page.rel_path.as_bytes());
        hasher.update(&[0]);
        hasher.update(page.url.path.as_bytes());
        hasher.update(&[0]);
    }
    hasher.update(&[1]);
    for asset in &content.assets {
        hasher.update(asset.rel_path.as_bytes());
        hasher.update(&[0]);
    }
    hasher.update(&serde_json::to_vec(content.includes.site()).unwrap_or_default());
    // What each partial path looked up so far holds now (not whether it
    // changed since: two edits in a row must give two scopes).
    for path in includes_read {
        hasher.update(path.to_string_lossy().as_bytes());
        let now = content.includes.fingerprint_of(&config.root.join(path));
        hasher.update(&now.map_or([0; 9], |print| {
            let mut bytes = [1; 9];
            bytes[1..].copy_from_slice(&print.to_le_bytes());
            bytes
        }));
    }
    hasher.digest()
}

fn relative_to_root(config: &Config, path: &Path) -> String {
    path.strip_prefix(&config.root)
        .unwrap_or(path)
        .to_string_lossy()
        .into_owned()
}

/// The render scope: what every page's template may see besides its own
/// context.
pub fn render_scope(config: &Config, theme: &Theme, rhythm: &Rhythm) -> u64 {
    let mut hasher = Xxh3::new();
    hasher.update(&FORMAT.to_le_bytes());
    hasher.update(&binary_fingerprint().to_le_bytes());
    hasher.update(&config_fingerprint(config).to_le_bytes());
    for (name, (origin, text)) in &theme.templates {
        for part in [name, origin, text] {
            hasher.update(part.as_bytes());
            hasher.update(&[0]);
        }
    }
    for (rel, source) in &theme.static_files {
        hasher.update(rel.as_bytes());
        match source {
            StaticSource::Embedded(bytes) => hasher.update(bytes),
            StaticSource::File(path) => hasher.update(&file_stamp(path).to_le_bytes()),
        }
    }
    hash_debug(&mut hasher, &rhythm.index);
    // The generated owner pages read the CODEOWNERS file and each review's
    // status on the build's day (the pages' own owners and reviews are in
    // their frames).
    hasher.update(&rhythm.owners.fingerprint.to_le_bytes());
    hasher.digest()
}

/// Feeds `value`'s debug form to the hasher as it is written, through a
/// buffer: the rhythm of a large site prints to tens of megabytes, which
/// need not be held at once, in millions of pieces of a few bytes, which
/// are slow to hash one by one.
pub(super) fn hash_debug(hasher: &mut Xxh3, value: &impl std::fmt::Debug) {
    use std::fmt::Write;
    let mut feed = BufferedXxh3::new(hasher);
    // Writing into a hasher cannot fail.
    let _ = write!(feed, "{value:?}");
    feed.finish();
}

/// A file's size and modification time, as one number.
fn file_stamp(path: &Path) -> u64 {
    let Ok(meta) = std::fs::metadata(path) else {
        return 0;
    };
    let mtime = meta
        .modified()
        .ok()
        .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
        .map_or(0, |d| d.as_nanos() as u64);
    xxhash_rust::xxh3::xxh3_64(&[meta.len().to_le_bytes(), mtime.to_le_bytes()].concat())
}

/// Whether the previous build's files of a group can stand for this one's.
/// Checks every file before keeping any, so a group is kept whole or
/// written whole.
pub fn keep_group(group: &StoredGroup, sink: &dyn crate::output::Sink) -> bool {
    group
        .files
        .iter()
        .all(|(rel, print)| sink.can_keep(rel, *print))
        && group
            .files
            .iter()
            .all(|(rel, print)| sink.keep(rel, *print).unwrap_or(false))
}
