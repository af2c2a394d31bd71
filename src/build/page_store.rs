//! The page cache on disk (`pages/` in the build cache folder): an index
//! file and [`SHARDS`] shard files. A page lives in the shard of a hash of
//! its path, a search entry or a generated page's render in the shard of
//! its key. Each shard carries a key of what it holds (the pages' paths,
//! Markdown keys and files, the entries' and renders' keys), so a build
//! writes only the shards whose key changed: after a one-page edit, two or
//! three of them instead of the whole cache, and a build reads the shards
//! one at a time instead of one buffer the size of the cache.
//!
//! Every file has a header of three little-endian numbers (format, binary,
//! XXH3 of the rest); a shard's header adds its key, which must be the one
//! the index lists. A shard that is missing, damaged, another binary's or
//! not the index's counts as empty: its pages are rendered again (and the
//! build notes it), never taken from the wrong file.

use std::path::{Path, PathBuf};

use bincode::Options;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use xxhash_rust::xxh3::Xxh3;

use super::body_store::BodyAt;
use super::cache::{binary_fingerprint, replace_file, replace_file_with};
use super::page_cache::{StoredGroup, StoredOutput};
use crate::links::LinkMemo;
use crate::markdown::Rendered;
use crate::output::search::{DocShardPrint, PageEntry};

/// Bumped when a file's shape or meaning changes.
const FORMAT: u32 = 12;
/// The folder inside the build cache folder.
pub const DIR: &str = "pages";
const INDEX: &str = "index.bin";
/// The single file of earlier versions, removed when the folder is written.
const OLD_FILE: &str = "pages.bin";
/// How many shards: a one-page edit rewrites about 1/30 of the cache, and a
/// small site has few files that are mostly empty (empty shards are not
/// written).
pub const SHARDS: usize = 64;
const HEADER_BYTES: usize = 4 + 8 + 8;
const SHARD_HEADER_BYTES: usize = HEADER_BYTES + 8;

/// One page as the last build left it.
#[derive(Serialize, Deserialize)]
pub struct StoredPage {
    pub rel_path: String,
    pub markdown_key: u64,
    pub rendered: Rendered,
    pub output: Option<StoredOutput>,
    /// Its checked links, under [`Common::link_index`].
    pub links: Option<LinkMemo>,
    /// Where its packed body is ([`super::body_store`]).
    pub body: Option<BodyAt>,
}

/// One page to store (borrowed parts).
#[derive(Serialize)]
pub struct PageToStore<'a> {
    pub rel_path: &'a str,
    pub markdown_key: u64,
    pub rendered: &'a Rendered,
    pub output: Option<&'a StoredOutput>,
    pub links: Option<&'a LinkMemo>,
    pub body: Option<BodyAt>,
}

/// What the index file holds besides the shards' keys.
#[derive(Serialize, Deserialize, Default)]
pub struct Common {
    /// Partial and include paths looked up (found or not), relative to the
    /// site root: the next build's Markdown scope hashes what they hold then.
    pub includes_read: Vec<PathBuf>,
    pub generated: Option<StoredGroup>,
    /// The fingerprint of the link index the pages' links were checked
    /// against ([`crate::links::LinkIndex::fingerprint`]).
    pub link_index: u64,
    /// The search index's document shards, by the keys of their entries.
    pub doc_shards: Vec<(u64, DocShardPrint)>,
}

#[derive(Serialize, Deserialize)]
struct Index {
    common: Common,
    /// The key of each shard ([`SHARDS`] of them); [`EMPTY`] for a shard
    /// with nothing in it, which has no file.
    shards: Vec<u64>,
}

#[derive(Deserialize, Default)]
struct Shard {
    pages: Vec<StoredPage>,
    search: Vec<(u64, PageEntry)>,
    renders: Vec<(u64, String)>,
}

/// The first part of a shard: its pages ([`Parts::Pages`]).
#[derive(Deserialize, Default)]
struct ShardPages {
    pages: Vec<StoredPage>,
}

/// Which parts of the cache a run reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Parts {
    /// Everything: a build.
    All,
    /// The pages' Markdown output and nothing for the search index or the
    /// generated pages (`check` reading a build's cache, which it never
    /// writes back).
    Pages,
    /// Everything, of a page cache that holds nothing but pages: `check`'s
    /// own ([`super::page_cache::CHECK_DIR`]), read whole so that a check
    /// that changed nothing rewrites no part of it.
    PagesOnly,
}

#[derive(Serialize, Default)]
struct ShardToStore<'a> {
    pages: Vec<PageToStore<'a>>,
    search: Vec<(u64, &'a PageEntry)>,
    renders: Vec<(u64, &'a str)>,
}

/// Everything the last build stored, read back.
#[derive(Default)]
pub struct ReadBack {
    pub common: Common,
    pub pages: Vec<StoredPage>,
    pub search: Vec<(u64, PageEntry)>,
    pub renders: Vec<(u64, String)>,
    /// The key of each shard read whole ([`SHARDS`] of them; `None` when
    /// the shard was not read): a shard whose key stays need not be written.
    pub shard_keys: Vec<Option<u64>>,
    /// Why some or all of the cache was not used.
    pub note: Option<String>,
}

/// The key of a shard that holds nothing.
const EMPTY: u64 = 0;

/// How the files are encoded: bincode with numbers as varints. Most of a
/// page's numbers (offsets, search postings) are small: as varints the
/// cache is a third smaller, and a build reads it back faster.
fn encoding() -> impl bincode::Options {
    bincode::DefaultOptions::new()
}

/// The shard a page's path falls in.
fn shard_of_path(rel_path: &str) -> usize {
    (xxhash_rust::xxh3::xxh3_64(rel_path.as_bytes()) % SHARDS as u64) as usize
}

/// The shard a search entry or render falls in, by its key.
fn shard_of_key(key: u64) -> usize {
    (key % SHARDS as u64) as usize
}

fn shard_file(dir: &Path, shard: usize) -> PathBuf {
    dir.join(format!("{shard:02}.bin"))
}

fn number(bytes: &[u8], at: usize, len: usize) -> Option<u64> {
    bytes.get(at..at + len).map(|b| {
        let mut word = [0u8; 8];
        word[..len].copy_from_slice(b);
        u64::from_le_bytes(word)
    })
}

/// The payload of a file with our header, when it is this binary's and
/// intact; `Err(true)` when another binary wrote it (no note: the build
/// cache's record says so), `Err(false)` when it is damaged.
fn payload(bytes: &[u8], header: usize) -> Result<&[u8], bool> {
    if !of_this_binary(bytes) {
        return Err(number(bytes, 0, 4).is_some());
    }
    let rest = bytes.get(header..).ok_or(false)?;
    if number(bytes, 12, 8) != Some(xxhash_rust::xxh3::xxh3_64(rest)) {
        return Err(false);
    }
    Ok(rest)
}

/// Whether a file's first bytes are the header of this binary's format
/// (its format, then the binary that wrote it).
fn of_this_binary(bytes: &[u8]) -> bool {
    number(bytes, 0, 4) == Some(u64::from(FORMAT))
        && number(bytes, 4, 8) == Some(binary_fingerprint())
}

/// Whether `cache_dir` holds a page cache (it may still be another
/// binary's or damaged: [`read`] says).
pub fn exists(cache_dir: &Path) -> bool {
    cache_dir.join(DIR).join(INDEX).is_file()
}

/// Whether `cache_dir` holds a page cache of this binary's format, going
/// by its index's header (it may still be damaged: [`read`] says).
pub fn exists_for_this_binary(cache_dir: &Path) -> bool {
    use std::io::Read;
    let mut head = [0u8; 12];
    let read = std::fs::File::open(cache_dir.join(DIR).join(INDEX))
        .and_then(|mut file| file.read_exact(&mut head));
    read.is_ok() && of_this_binary(&head)
}

/// Reads `parts` of the page cache in `cache_dir` (an absent one is empty).
pub fn read(cache_dir: &Path, parts: Parts) -> ReadBack {
    let dir = cache_dir.join(DIR);
    let mut back = ReadBack {
        shard_keys: vec![None; SHARDS],
        ..ReadBack::default()
    };
    let Ok(bytes) = std::fs::read(dir.join(INDEX)) else {
        return back;
    };
    let damaged = |what: &Path| {
        format!(
            "the page cache {} could not be read; rendering every page",
            what.display()
        )
    };
    let index = match payload(&bytes, HEADER_BYTES) {
        Ok(rest) => match encoding().deserialize::<Index>(rest) {
            Ok(index) if index.shards.len() == SHARDS => index,
            _ => {
                back.note = Some(damaged(&dir));
                return back;
            }
        },
        Err(true) => return back,
        Err(false) => {
            back.note = Some(damaged(&dir));
            return back;
        }
    };
    drop(bytes);
    back.common = index.common;
    // One shard at a time per thread: its bytes are dropped once read, so
    // the next shard's reuse the memory.
    let shards: Vec<Option<Shard>> = (0..SHARDS)
        .into_par_iter()
        .map(|s| read_shard(&dir, s, index.shards[s], parts))
        .collect();
    let mut unreadable = 0;
    for (s, shard) in shards.into_iter().enumerate() {
        let Some(shard) = shard else {
            unreadable += 1;
            continue;
        };
        // A shard read in part is not one whose key may stand for what the
        // next store would write.
        if parts != Parts::Pages {
            back.shard_keys[s] = Some(index.shards[s]);
        }
        back.pages.extend(shard.pages);
        back.search.extend(shard.search);
        back.renders.extend(shard.renders);
    }
    if unreadable > 0 {
        back.note = Some(format!(
            "{unreadable} of the page cache's {SHARDS} parts in {} could not be read; \
             rendering the pages they held",
            dir.display()
        ));
    }
    back
}

fn read_shard(dir: &Path, shard: usize, key: u64, parts: Parts) -> Option<Shard> {
    if key == EMPTY {
        return Some(Shard::default());
    }
    let bytes = std::fs::read(shard_file(dir, shard)).ok()?;
    let rest = payload(&bytes, SHARD_HEADER_BYTES).ok()?;
    if number(&bytes, HEADER_BYTES, 8) != Some(key) {
        return None;
    }
    match parts {
        Parts::All | Parts::PagesOnly => encoding().deserialize(rest).ok(),
        // The pages come first; what follows them is left unread.
        Parts::Pages => encoding()
            .allow_trailing_bytes()
            .deserialize::<ShardPages>(rest)
            .ok()
            .map(|only| Shard {
                pages: only.pages,
                ..Shard::default()
            }),
    }
}

/// What one build stores.
pub struct ToStore<'a> {
    pub common: Common,
    pub pages: Vec<PageToStore<'a>>,
    /// Sorted by key.
    pub search: Vec<(u64, &'a PageEntry)>,
    /// Sorted by key.
    pub renders: &'a [(u64, String)],
}

/// Writes the shards whose key is not `previous`'s, then the index. A
/// failure only costs the next build pages it could have kept. Each file is
/// written beside and renamed: a build stopped halfway leaves shards the
/// index does not list, which are then not read.
pub fn write(cache_dir: &Path, record: ToStore, previous: &[Option<u64>]) {
    let dir = cache_dir.join(DIR);
    if std::fs::create_dir_all(&dir).is_err() {
        return;
    }
    let _ = std::fs::remove_file(cache_dir.join(OLD_FILE));
    let mut shards: Vec<ShardToStore> = (0..SHARDS).map(|_| ShardToStore::default()).collect();
    for page in record.pages {
        shards[shard_of_path(page.rel_path)].pages.push(page);
    }
    for (key, entry) in record.search {
        shards[shard_of_key(key)].search.push((key, entry));
    }
    for (key, html) in record.renders {
        shards[shard_of_key(*key)].renders.push((*key, html));
    }
    let keys: Vec<u64> = shards
        .par_iter()
        .enumerate()
        .map(|(s, shard)| {
            let key = shard_key(shard);
            if previous.get(s).copied().flatten() != Some(key) {
                write_shard(&dir, s, key, shard);
            }
            key
        })
        .collect();
    let index = Index {
        common: record.common,
        shards: keys,
    };
    if let Ok(payload) = encoding().serialize(&index) {
        replace_file(&dir.join(INDEX), &[&header(&payload, None), &payload]);
    }
}

/// What a shard holds, as one number: a page's [`Rendered`] is what its
/// Markdown key stands for, an entry or render what its key stands for.
fn shard_key(shard: &ShardToStore) -> u64 {
    if shard.pages.is_empty() && shard.search.is_empty() && shard.renders.is_empty() {
        return EMPTY;
    }
    let mut hasher = Xxh3::new();
    for page in &shard.pages {
        hasher.update(page.rel_path.as_bytes());
        hasher.update(&[0]);
        hasher.update(&page.markdown_key.to_le_bytes());
        match page.output {
            Some(output) => {
                hasher.update(&[1]);
                hasher.update(&output.key.to_le_bytes());
                hasher.update(output.rel.as_bytes());
                hasher.update(&[0]);
                hasher.update(&output.print.0.to_le_bytes());
                hasher.update(&output.print.1.to_le_bytes());
                hasher.update(&output.frame_inputs.to_le_bytes());
            }
            None => hasher.update(&[0]),
        }
        match page.links {
            Some(links) => {
                hasher.update(&[1]);
                links.hash_into(&mut hasher);
            }
            None => hasher.update(&[0]),
        }
        hash_place(&mut hasher, page.body);
    }
    hasher.update(&(shard.pages.len() as u64).to_le_bytes());
    // An entry keeps its key when its hit JSON moves in the body store.
    for (key, entry) in &shard.search {
        hasher.update(&key.to_le_bytes());
        hash_place(&mut hasher, entry.doc_place());
    }
    hasher.update(&(shard.search.len() as u64).to_le_bytes());
    for (key, _) in &shard.renders {
        hasher.update(&key.to_le_bytes());
    }
    hasher.update(&(shard.renders.len() as u64).to_le_bytes());
    // Never the empty shard's key.
    hasher.digest().max(1)
}

/// A place in the body store as part of a shard's key.
fn hash_place(hasher: &mut Xxh3, place: Option<BodyAt>) {
    match place {
        Some(at) => {
            hasher.update(&[1]);
            hasher.update(&at.segment.to_le_bytes());
            hasher.update(&at.offset.to_le_bytes());
            hasher.update(&at.len.to_le_bytes());
            hasher.update(&at.print.to_le_bytes());
        }
        None => hasher.update(&[0]),
    }
}

fn write_shard(dir: &Path, shard: usize, key: u64, contents: &ShardToStore) {
    let path = shard_file(dir, shard);
    if key == EMPTY {
        let _ = std::fs::remove_file(&path);
        return;
    }
    replace_file_with(&path, |file| write_shard_file(file, key, contents));
}

/// Writes a shard's file as it is serialised, through a buffer that stays
/// in the core's cache (a shard is about a megabyte at 10,000 pages: made
/// whole first, it was a second pass to size it and a copy the size of
/// the page cache through memory), and its header last, once the
/// payload's hash is known.
fn write_shard_file(
    file: &mut std::fs::File,
    key: u64,
    contents: &ShardToStore,
) -> std::io::Result<()> {
    use std::io::{Seek, Write};
    file.write_all(&[0; SHARD_HEADER_BYTES])?;
    // Hashed as the buffer is written: bincode writes a few bytes at a
    // time, each too small to hash alone.
    let hashing = HashingWriter {
        inner: file,
        hasher: Xxh3::new(),
    };
    let mut payload = std::io::BufWriter::with_capacity(STREAM_BUFFER_BYTES, hashing);
    encoding()
        .serialize_into(&mut payload, contents)
        .map_err(std::io::Error::other)?;
    let hashing = payload.into_inner().map_err(|e| e.into_error())?;
    let (file, hash) = (hashing.inner, hashing.hasher.digest());
    file.seek(std::io::SeekFrom::Start(0))?;
    file.write_all(&header_with(hash, Some(key)))
}

/// Bytes serialised before they are written: well inside a core's cache.
const STREAM_BUFFER_BYTES: usize = 128 * 1024;

/// Passes bytes on to `inner`, hashing them on the way.
struct HashingWriter<W> {
    inner: W,
    hasher: Xxh3,
}

impl<W: std::io::Write> std::io::Write for HashingWriter<W> {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        let written = self.inner.write(bytes)?;
        self.hasher.update(&bytes[..written]);
        Ok(written)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

fn header(payload: &[u8], shard_key: Option<u64>) -> Vec<u8> {
    header_with(xxhash_rust::xxh3::xxh3_64(payload), shard_key)
}

/// The header of a file whose payload hashes to `payload_hash`.
fn header_with(payload_hash: u64, shard_key: Option<u64>) -> Vec<u8> {
    let mut header = Vec::with_capacity(SHARD_HEADER_BYTES);
    header.extend_from_slice(&FORMAT.to_le_bytes());
    header.extend_from_slice(&binary_fingerprint().to_le_bytes());
    header.extend_from_slice(&payload_hash.to_le_bytes());
    if let Some(key) = shard_key {
        header.extend_from_slice(&key.to_le_bytes());
    }
    header
}
