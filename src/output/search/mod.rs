//! The full-text search index: built once per build, loaded in parts.
//!
//! A reader's browser fetches a small manifest, then only the term shards
//! that hold the words typed, then the document shards of the hits it shows.
//! Nothing grows with the site but the number of shards, so a 10,000-page
//! handbook loads about as much per query as a 100-page one (see
//! `docs/search.md` for the measurements and why this was chosen over
//! Pagefind). Every file is JSON under `search/`:
//!
//! ```text
//! index.json  {"v":1, "build":"<hash>", "pages":N, "stop":[stop words],
//!              "terms":[first term of each term shard], "docs":[first page of each doc shard]}
//! tN.json     {"term":[page delta, score, flags, section..., ...]}
//! dN.json     [[title, url, [[heading, anchor], ...], [section text, ...]], ...]
//! ```
//!
//! A page is cut into sections at its headings (section 0 is the text before
//! the first heading; section k starts at heading k-1), so a hit can link to
//! the heading whose section holds the words. Scores are BM25 with the title
//! and headings weighted up, quantised to 1..=255 at build time: the browser
//! only adds them up. `flags` is the number of sections listed (0..=3) plus,
//! when the term is in the page's title, 4 x (1 + title words - 1 + 8 x URL
//! depth), both capped at 7: among pages whose title holds every word typed,
//! the short title of a page high in the tree ranks first (`/values/` before
//! `/people/values-check-in/`).

mod entry;
mod page_terms;
mod tokenize;
mod top_sections;

use std::collections::BTreeMap;
use std::sync::Arc;

use rayon::prelude::*;
use rustc_hash::FxHashMap;
use serde::Serialize;

use super::{MemorySink, OutputError, Sink};
use crate::content::site_urls::generated::{self, output_file};
pub use crate::markdown::excerpt;
use crate::markdown::{AfterUse, Rendered};
pub use entry::{entry_key, page_entry, DocShardPrint, DocStore, PageEntry, SearchMemo, StoredDoc};
use entry::{Doc, DocLost};
pub use tokenize::{singular, tokens};

/// Version of the file format, checked by the theme's script.
pub const FORMAT_VERSION: u32 = 1;

/// A term shard is cut once it holds about this many bytes of JSON.
const TERM_SHARD_BYTES: usize = 32 * 1024;
/// A document shard is cut once it holds about this many bytes of JSON.
const DOC_SHARD_BYTES: usize = 16 * 1024;
/// Characters of each section kept for the excerpt under a hit.
const EXCERPT_CHARS: usize = 640;
/// Excerpt characters of one page in all: a page with many sections gets
/// shorter excerpts (down to `MIN_EXCERPT_CHARS`), so no document shard
/// balloons because of one long page.
const PAGE_EXCERPT_CHARS: usize = 24 * 1024;
const MIN_EXCERPT_CHARS: usize = 160;
/// Sections listed per (term, page): the ones where the term occurs most.
const SECTIONS_PER_POSTING: usize = 3;
/// Longer tokens are not words people type (hashes, base64, URLs).
const MAX_TERM_CHARS: usize = 32;

const TITLE_WEIGHT: u32 = 8;
const HEADING_WEIGHT: u32 = 3;
const BM25_K1: f64 = 1.2;
const BM25_B: f64 = 0.5;

/// Words too common to find anything with; the script drops them from
/// queries too (they are in the manifest).
pub const STOP_WORDS: &[&str] = &[
    "a", "an", "and", "are", "as", "at", "be", "by", "for", "from", "has", "have", "in", "is",
    "it", "its", "of", "on", "or", "that", "the", "this", "to", "was", "were", "will", "with",
];

/// One page to index.
pub struct SearchPage<'a> {
    /// The page's file, relative to the site root (named when its entry
    /// cannot be read back from the build cache).
    pub source: &'a str,
    pub title: &'a str,
    /// The page's URL as written in links (base path included).
    pub url: String,
    pub rendered: &'a Rendered,
    /// Who owns the page: searching an owner's name finds their pages.
    pub owners: &'a [String],
}

/// The files of the index: `(path inside the output folder, bytes)`.
pub fn build(pages: &[SearchPage]) -> Vec<(String, Vec<u8>)> {
    let never = || false;
    let files = MemorySink::default();
    let index = Index {
        memo: None,
        after_use: AfterUse::Keep,
    };
    // A sink in memory fails only on a path outside the site, which the
    // index never writes.
    let _ = write_unless(pages, &never, index, &files);
    let mut files: Vec<(String, Vec<u8>)> = files
        .files
        .into_inner()
        .unwrap_or_default()
        .into_iter()
        .collect();
    files.sort_by_key(|file| shard_order(&file.0));
    files
}

/// The manifest first, then the term shards, then the document shards,
/// each by number: the order [`write_index`] makes them in.
fn shard_order(path: &str) -> (u8, usize) {
    let name = path.rsplit('/').next().unwrap_or(path);
    let number = |prefix: &str| {
        name.strip_prefix(prefix)
            .and_then(|n| n.strip_suffix(".json"))
            .and_then(|n| n.parse().ok())
    };
    match (number("t"), number("d")) {
        (Some(n), _) => (1, n),
        (_, Some(n)) => (2, n),
        _ => (0, 0),
    }
}

/// Pages read between two looks at `stop`.
const CHUNK: usize = 512;

/// Whether the whole index was written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Indexed {
    All,
    /// `stop` said the work was no longer wanted: nothing was written.
    Stopped,
}

/// How the index is made.
#[derive(Clone, Copy)]
pub struct Index<'a> {
    /// With a memo, a page whose entry is kept there is not read again, and
    /// the memo keeps this index's entries.
    pub memo: Option<&'a SearchMemo>,
    /// Whether a page's text is let go once its entry is made.
    pub after_use: AfterUse,
}

/// Writes the index to `sink`, or nothing as soon as `stop` says the work is
/// no longer wanted (`serve`: the author saved again). `stop` is asked
/// between chunks of pages, on the calling thread.
pub fn write_unless(
    pages: &[SearchPage],
    stop: &dyn Fn() -> bool,
    index: Index,
    sink: &dyn Sink,
) -> Result<Indexed, OutputError> {
    let memo = index.memo;
    let mut tm = crate::timings::Timings::start();
    let kept = memo.map(SearchMemo::take).unwrap_or_default();
    let mut entries: Vec<(u64, Arc<PageEntry>)> = Vec::with_capacity(pages.len());
    for chunk in pages.chunks(CHUNK) {
        if stop() {
            if let Some(memo) = memo {
                memo.keep(kept);
            }
            return Ok(Indexed::Stopped);
        }
        entries.par_extend(chunk.par_iter().map(|page| {
            let key = if memo.is_some() { entry_key(page) } else { 0 };
            let entry = match kept.get(&key) {
                Some(entry) => Arc::clone(entry),
                None => Arc::new(page_entry(page, None)),
            };
            if index.after_use == AfterUse::Release {
                page.rendered.release_text();
            }
            (key, entry)
        }));
    }
    drop(kept);
    tm.mark("search: per page");
    let keys: Vec<u64> = entries.iter().map(|(key, _)| *key).collect();
    let shards = memo.map(|memo| DocShards { memo, keys: &keys });
    let written = write_index(
        entries.iter().map(|(_, entry)| entry.as_ref()),
        pages.iter().map(|page| page.source),
        sink,
        shards,
    );
    tm.mark("search: shards");
    if let Some(memo) = memo {
        memo.keep(entries.into_iter().collect());
    }
    written.map(|()| Indexed::All)
}

/// The last index's document shards, and the key of each entry of this one
/// (in page order): a shard of the entries of a shard the last index wrote
/// is kept when the sink still holds it.
#[derive(Clone, Copy)]
struct DocShards<'a> {
    memo: &'a SearchMemo,
    keys: &'a [u64],
}

impl DocShards<'_> {
    /// The key of the shard of the entries in `cut`.
    fn key(&self, cut: &std::ops::Range<usize>) -> u64 {
        let mut hasher = xxhash_rust::xxh3::Xxh3::new();
        for key in self.keys.get(cut.clone()).unwrap_or_default() {
            hasher.update(&key.to_le_bytes());
        }
        hasher.update(&(cut.len() as u64).to_le_bytes());
        hasher.digest()
    }
}

/// Writes the index's files from the entries of the pages it lists, in
/// order. Each shard goes to `sink` as soon as it is made and is let go
/// then: a 10,000-page site's shards are 50 MB, which a build would
/// otherwise hold at its busiest moment. The manifest, which names the
/// build by a hash of every shard, is written last.
fn write_index<'a>(
    entries: impl Iterator<Item = &'a PageEntry> + Clone,
    sources: impl Iterator<Item = &'a str>,
    sink: &dyn Sink,
    doc_shards: Option<DocShards>,
) -> Result<(), OutputError> {
    let mut tm = crate::timings::Timings::start();
    let terms = postings(entries.clone());
    tm.mark("search: postings");
    let (term_starts, term_prints) = write_term_shards(terms, sink)?;
    tm.mark("search: term shards");
    let (doc_starts, doc_prints) = write_doc_shards(
        entries.clone().map(|entry| &entry.doc).zip(sources),
        sink,
        doc_shards,
    )?;
    tm.mark("search: doc shards");
    // XXH3 of each shard, then of those in order: the shards are hashed
    // where they are made, in parallel, and only their prints are kept.
    let mut hasher = xxhash_rust::xxh3::Xxh3::new();
    for print in term_prints.iter().chain(&doc_prints) {
        hasher.update(&print.to_le_bytes());
    }
    let manifest = Manifest {
        v: FORMAT_VERSION,
        build: format!("{:016x}", hasher.digest()),
        pages: entries.count(),
        stop: STOP_WORDS,
        terms: term_starts,
        docs: doc_starts,
    };
    let bytes = serde_json::to_vec(&manifest).unwrap_or_default();
    sink.write(&output_file(generated::SEARCH_INDEX), &bytes)
}

/// A shard's fingerprint in the build id: of its file's fingerprint (XXH3
/// of its bytes, and their length), which writing it made already, rather
/// than of its bytes hashed a second time.
fn shard_print((hash, len): super::Fingerprint) -> u64 {
    let mut both = [0u8; 16];
    both[..8].copy_from_slice(&len.to_le_bytes());
    both[8..].copy_from_slice(&hash.to_le_bytes());
    xxhash_rust::xxh3::xxh3_64(&both)
}

#[derive(Serialize)]
struct Manifest {
    v: u32,
    build: String,
    pages: usize,
    stop: &'static [&'static str],
    terms: Vec<String>,
    docs: Vec<usize>,
}

/// Term -> flat posting list `[page delta, score, flags, section...]`, pages
/// ascending (see the module comment for `flags`).
///
/// Terms are numbered once, so the per-posting work indexes vectors instead
/// of hashing or comparing strings (this ran as often as there are
/// (page, term) pairs: about a million on a 1,000-page handbook). Every
/// step runs on all cores, on runs of pages ([`PageRuns`]): a one-page edit
/// of a 50,000-page site makes the whole index again, and on one core this
/// was a fifth of its time. Term ids are in no particular order: the lists
/// come out sorted by term.
fn postings<'a>(entries: impl Iterator<Item = &'a PageEntry> + Clone) -> Vec<(&'a str, Vec<u32>)> {
    let per_page: Vec<&PageEntry> = entries.collect();
    let n = per_page.len().max(1) as f64;
    let average_length =
        (per_page.iter().map(|p| u64::from(p.length)).sum::<u64>() as f64 / n).max(1.0);
    let runs = PageRuns::of(&per_page);
    // Each page's term ids, in the order of its terms: the terms themselves
    // are read again from the packed entries, not held twice.
    let (ids, numbered) = number_terms(&runs);
    let document_frequency = count_pages_per_term(&numbered, ids.len());
    // Per term, not per posting: a logarithm for each of a site's millions
    // of (page, term) pairs, twice, was most of this function's time.
    let inverse_document_frequency: Vec<f64> = document_frequency
        .iter()
        .map(|&df| {
            let df = f64::from(df);
            (1.0 + (n - df + 0.5) / (df + 0.5)).ln()
        })
        .collect();
    let raw_score = |weight: u32, id: u32, length: u32| {
        let idf = inverse_document_frequency[id as usize];
        let tf = f64::from(weight);
        let norm = BM25_K1 * (1.0 - BM25_B + BM25_B * f64::from(length) / average_length);
        idf * tf * (BM25_K1 + 1.0) / (tf + norm)
    };
    let max_score = numbered
        .par_iter()
        .zip(&per_page)
        .flat_map_iter(|(ids, page)| {
            ids.iter()
                .zip(page.terms())
                .map(move |(&id, t)| raw_score(t.weight, id, page.length))
        })
        .reduce(|| f64::MIN_POSITIVE, f64::max);
    // Each run of pages makes its part of every term's list, the first
    // page of a part as a page number (not a delta): parts are joined below.
    let parts: Vec<RunLists> = runs
        .ranges
        .par_iter()
        .map(|range| {
            let mut run = RunLists {
                lists: vec![Vec::new(); ids.len()],
                last_page: vec![0; ids.len()],
            };
            for page_id in range.clone() {
                let (page, term_ids) = (per_page[page_id], &numbered[page_id]);
                let page_id = page_id as u32;
                for (&id, t) in term_ids.iter().zip(page.terms()) {
                    let score =
                        (raw_score(t.weight, id, page.length) / max_score * 255.0).round() as u32;
                    let list = &mut run.lists[id as usize];
                    list.push(page_id - run.last_page[id as usize]);
                    run.last_page[id as usize] = page_id;
                    list.push(score.clamp(1, 255));
                    let title = if t.in_title { page.title_info } else { 0 };
                    list.push(t.sections.len() as u32 + 4 * title);
                    list.extend_from_slice(t.sections);
                }
            }
            run
        })
        .collect();
    drop(numbered);
    // Each term's parts, in page order, then the terms in order: moves of
    // vectors, not copies of their postings.
    let mut parts_by_term: Vec<Vec<ListPart>> = (0..ids.len()).map(|_| Vec::new()).collect();
    for run in parts {
        for (id, (list, last_page)) in run.lists.into_iter().zip(run.last_page).enumerate() {
            if !list.is_empty() {
                parts_by_term[id].push(ListPart { list, last_page });
            }
        }
    }
    let mut by_term: Vec<(&str, u32)> = ids.into_iter().collect();
    by_term.par_sort_unstable_by(|a, b| a.0.cmp(b.0));
    let in_term_order: Vec<(&str, Vec<ListPart>)> = by_term
        .into_iter()
        .map(|(term, id)| (term, std::mem::take(&mut parts_by_term[id as usize])))
        .collect();
    in_term_order
        .into_par_iter()
        .map(|(term, parts)| (term, join_parts(parts)))
        .collect()
}

/// The pages cut into a few runs of consecutive pages, one piece of work
/// each: enough runs to keep every core busy, few enough that each run's
/// vector per term stays small.
struct PageRuns<'p, 'a> {
    pages: &'p [&'a PageEntry],
    ranges: Vec<std::ops::Range<usize>>,
}

impl<'p, 'a> PageRuns<'p, 'a> {
    fn of(pages: &'p [&'a PageEntry]) -> Self {
        let runs = (rayon::current_num_threads() * 2).clamp(1, 64);
        let size = pages.len().div_ceil(runs).max(1);
        let ranges = (0..pages.len())
            .step_by(size)
            .map(|start| start..(start + size).min(pages.len()))
            .collect();
        PageRuns { pages, ranges }
    }
}

/// Every term of the pages, numbered, and each page's terms as those
/// numbers, in the order of its terms. Each run numbers its own terms in one
/// pass on its own core; the runs' terms are then numbered for the whole
/// site, and each run's numbers mapped to those: every (page, term) pair is
/// hashed once, not twice (15 million pairs at 50,000 pages).
fn number_terms<'a>(runs: &PageRuns<'_, 'a>) -> (FxHashMap<&'a str, u32>, Vec<Vec<u32>>) {
    let numbered_runs: Vec<(Vec<&'a str>, Vec<Vec<u32>>)> = runs
        .ranges
        .par_iter()
        .map(|range| number_run(&runs.pages[range.clone()]))
        .collect();
    let mut ids: FxHashMap<&'a str, u32> = FxHashMap::default();
    let site_ids: Vec<Vec<u32>> = numbered_runs
        .iter()
        .map(|(terms, _)| {
            terms
                .iter()
                .map(|term| {
                    let next = ids.len() as u32;
                    *ids.entry(term).or_insert(next)
                })
                .collect()
        })
        .collect();
    let numbered = numbered_runs
        .into_par_iter()
        .zip(site_ids)
        .flat_map_iter(|((_, pages), site_ids)| {
            pages.into_iter().map(move |mut page| {
                for id in &mut page {
                    *id = site_ids[*id as usize];
                }
                page
            })
        })
        .collect();
    (ids, numbered)
}

/// One run's terms, numbered in the order met, and each page's terms as
/// those numbers.
fn number_run<'a>(pages: &[&'a PageEntry]) -> (Vec<&'a str>, Vec<Vec<u32>>) {
    let mut ids: FxHashMap<&'a str, u32> = FxHashMap::default();
    let mut terms: Vec<&'a str> = Vec::new();
    let mut numbered = Vec::with_capacity(pages.len());
    for page in pages {
        let mut page_ids = Vec::new();
        for term in page.terms() {
            let id = *ids.entry(term.term).or_insert_with(|| {
                terms.push(term.term);
                (terms.len() - 1) as u32
            });
            page_ids.push(id);
        }
        numbered.push(page_ids);
    }
    (terms, numbered)
}

/// How many pages hold each term.
fn count_pages_per_term(numbered: &[Vec<u32>], terms: usize) -> Vec<u32> {
    numbered
        .par_iter()
        .fold(
            || vec![0u32; terms],
            |mut counts, ids| {
                for &id in ids {
                    counts[id as usize] += 1;
                }
                counts
            },
        )
        .reduce(
            || vec![0u32; terms],
            |mut a, b| {
                for (x, y) in a.iter_mut().zip(b) {
                    *x += y;
                }
                a
            },
        )
}

/// One run of pages' part of every term's posting list.
struct RunLists {
    lists: Vec<Vec<u32>>,
    /// The last page of the run that holds each term.
    last_page: Vec<u32>,
}

/// One run's part of one term's posting list: its first page is a page
/// number, not a delta.
struct ListPart {
    list: Vec<u32>,
    last_page: u32,
}

/// A term's posting list from its parts in page order: each part's first
/// page number made a delta from the last page of the parts before it.
fn join_parts(parts: Vec<ListPart>) -> Vec<u32> {
    let total: usize = parts.iter().map(|part| part.list.len()).sum();
    let mut parts = parts.into_iter();
    let Some(first) = parts.next() else {
        return Vec::new();
    };
    let (mut list, mut last_page) = (first.list, first.last_page);
    list.reserve_exact(total - list.len());
    for part in parts {
        let Some((&first_page, rest)) = part.list.split_first() else {
            continue;
        };
        list.push(first_page - last_page);
        list.extend_from_slice(rest);
        last_page = part.last_page;
    }
    list
}

/// Cuts the sorted terms into shards of about `TERM_SHARD_BYTES` and writes
/// them (`tN.json`), each term's list let go once its shard is written;
/// returns the first term of each shard and each shard's print. The cuts
/// are made first, so the shards are made in parallel.
fn write_term_shards(
    terms: Vec<(&str, Vec<u32>)>,
    sink: &dyn Sink,
) -> Result<(Vec<String>, Vec<u64>), OutputError> {
    let mut shards: Vec<Vec<(&str, Vec<u32>)>> = Vec::new();
    let mut shard = Vec::new();
    let mut size = 0;
    for (term, list) in terms {
        let entry_size = term.len() + 6 + list.iter().map(|n| digits(*n) + 1).sum::<usize>();
        if size > 0 && size + entry_size > TERM_SHARD_BYTES {
            shards.push(std::mem::take(&mut shard));
            size = 0;
        }
        size += entry_size;
        shard.push((term, list));
    }
    if !shard.is_empty() || shards.is_empty() {
        shards.push(shard);
    }
    let starts = shards
        .iter()
        .map(|shard| shard.first().map_or_else(String::new, |t| t.0.to_string()))
        .collect();
    let prints = shards
        .into_par_iter()
        .enumerate()
        .map(|(i, shard)| {
            let bytes = term_shard_json(&shard);
            drop(shard);
            let file = super::fingerprint(&bytes);
            sink.write_printed(&output_file(&generated::search_terms(i)), &bytes, file)?;
            Ok(shard_print(file))
        })
        .collect::<Result<Vec<u64>, OutputError>>()?;
    Ok((starts, prints))
}

/// One term shard's JSON: `{"term":[...],...}`, terms in the order given.
fn term_shard_json(shard: &[(&str, Vec<u32>)]) -> Vec<u8> {
    let map: BTreeMap<&str, &Vec<u32>> = shard.iter().map(|(t, l)| (*t, l)).collect();
    serde_json::to_vec(&map).unwrap_or_default()
}

fn digits(n: u32) -> usize {
    n.checked_ilog10().map_or(1, |d| d as usize + 1)
}

/// Groups the pages' hit JSON into shards of about `DOC_SHARD_BYTES` and
/// writes them (`dN.json`, joined in parallel once the cuts are made), or
/// keeps the last index's file of a shard of the same entries; returns the
/// first page of each shard and each shard's print. `docs` pairs each
/// page's JSON with the page's file, named when the JSON is lost.
fn write_doc_shards<'a>(
    docs: impl Iterator<Item = (&'a Doc, &'a str)>,
    sink: &dyn Sink,
    memo: Option<DocShards>,
) -> Result<(Vec<usize>, Vec<u64>), OutputError> {
    let docs: Vec<(&Doc, &str)> = docs.collect();
    let mut cuts: Vec<std::ops::Range<usize>> = Vec::new();
    let (mut start, mut size) = (0, 0);
    for (i, (doc, _)) in docs.iter().enumerate() {
        let json_len = doc.json_len();
        if size > 0 && size + json_len > DOC_SHARD_BYTES {
            cuts.push(start..i);
            (start, size) = (i, 0);
        }
        size += json_len + 1;
    }
    if start < docs.len() || cuts.is_empty() {
        cuts.push(start..docs.len());
    }
    let starts = cuts.iter().map(|cut| cut.start).collect();
    let made = cuts
        .par_iter()
        .enumerate()
        .map(|(i, cut)| {
            let rel = output_file(&generated::search_docs(i));
            let key = memo.map(|memo| memo.key(cut));
            let last = memo
                .zip(key)
                .and_then(|(memo, key)| memo.memo.doc_shard(key));
            if let Some(last) = last {
                if sink.keep(&rel, last.file)? {
                    return Ok((key, last));
                }
            }
            let shard = &docs[cut.clone()];
            let bytes = join_array(shard).map_err(|lost| OutputError::SearchEntryLost {
                page: shard[lost].1.to_string(),
            })?;
            let file = super::fingerprint(&bytes);
            sink.write_printed(&rel, &bytes, file)?;
            let made = DocShardPrint {
                file,
                print: shard_print(file),
            };
            Ok((key, made))
        })
        .collect::<Result<Vec<(Option<u64>, DocShardPrint)>, OutputError>>()?;
    if let Some(memo) = memo {
        let kept = made.iter().filter_map(|(key, made)| Some(((*key)?, *made)));
        memo.memo.keep_doc_shards(kept.collect());
    }
    Ok((
        starts,
        made.into_iter().map(|(_, made)| made.print).collect(),
    ))
}

/// The JSON array of the documents of one shard; the place in `docs` of
/// the first whose JSON is lost.
fn join_array(docs: &[(&Doc, &str)]) -> Result<Vec<u8>, usize> {
    let mut out = Vec::with_capacity(docs.iter().map(|d| d.0.json_len() + 1).sum::<usize>() + 2);
    out.push(b'[');
    for (i, (doc, _)) in docs.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        doc.append_to(&mut out).map_err(|DocLost| i)?;
    }
    out.push(b']');
    Ok(out)
}

#[cfg(test)]
mod tests;
