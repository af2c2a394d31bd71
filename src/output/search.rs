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

use std::collections::BTreeMap;
use std::hash::{Hash, Hasher};

use rayon::prelude::*;
use rustc_hash::FxHashMap;
use serde::Serialize;

use crate::markdown::Rendered;

/// Where the index lives in the output folder.
pub const DIR: &str = "search";
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
    pub title: &'a str,
    /// The page's URL as written in links (base path included).
    pub url: String,
    pub rendered: &'a Rendered,
    /// Who owns the page: searching an owner's name finds their pages.
    pub owners: &'a [String],
}

/// A section of a page: the text from one linkable heading to the next.
#[derive(Debug, PartialEq, Eq)]
struct Section<'a> {
    /// Heading text and anchor; `None` for the text before the first heading.
    heading: Option<(&'a str, &'a str)>,
    text: &'a str,
}

/// Cuts the page's text at its headings. Headings without an id cannot be
/// linked to and stay in the section before them; a leading `# Title`
/// belongs to the top of the page.
fn sections(rendered: &Rendered) -> Vec<Section<'_>> {
    let text = rendered.plain_text.as_str();
    let aligned = rendered.heading_offsets.len() == rendered.headings.len();
    let mut cuts: Vec<(usize, &str, &str)> = Vec::new();
    if aligned {
        for (i, (heading, &at)) in rendered
            .headings
            .iter()
            .zip(&rendered.heading_offsets)
            .enumerate()
        {
            let Some(id) = heading.id.as_deref() else {
                continue;
            };
            let leading_title = i == 0 && heading.level == 1 && text[..at].trim().is_empty();
            if leading_title || at > text.len() || !text.is_char_boundary(at) {
                continue;
            }
            cuts.push((at, heading.title.as_str(), id));
        }
    }
    let mut out = Vec::with_capacity(cuts.len() + 1);
    let first_end = cuts.first().map_or(text.len(), |c| c.0);
    out.push(Section {
        heading: None,
        text: &text[..first_end],
    });
    for (k, &(start, title, id)) in cuts.iter().enumerate() {
        let end = cuts.get(k + 1).map_or(text.len(), |c| c.0);
        let body = &text[start..end];
        // The heading's own words lead the section; the hit shows them apart.
        let body = body
            .trim_start()
            .strip_prefix(title)
            .unwrap_or(body)
            .trim_start();
        out.push(Section {
            heading: Some((title, id)),
            text: body,
        });
    }
    out
}

/// The words of `text` as the index and the script see them: lowercased
/// runs of letters and digits, 2 to 32 characters, stop words left out,
/// plurals folded. The script splits on `[^\p{Alphabetic}\p{N}]+` and
/// folds the same way.
pub fn tokens(text: &str) -> impl Iterator<Item = String> {
    let mut words = Vec::new();
    for_each_token(text, |w| words.push(w.to_string()));
    words.into_iter()
}

/// Calls `f` with each word of [`tokens`], without allocating a string per
/// ASCII word (the index sees every word of every page).
fn for_each_token(text: &str, mut f: impl FnMut(&str)) {
    let mut lower = String::new();
    let mut folded = String::new();
    for word in text.split(|c: char| !c.is_alphanumeric()) {
        if word.is_ascii() {
            if !(2..=MAX_TERM_CHARS).contains(&word.len()) {
                continue;
            }
            lower.clear();
            lower.extend(word.bytes().map(|b| char::from(b.to_ascii_lowercase())));
            if STOP_WORDS.contains(&lower.as_str()) {
                continue;
            }
            f(singular_ascii(&lower, &mut folded));
        } else {
            let n = word.chars().count();
            if !(2..=MAX_TERM_CHARS).contains(&n) {
                continue;
            }
            let word = word.to_lowercase();
            if STOP_WORDS.contains(&word.as_str()) {
                continue;
            }
            f(&singular(word));
        }
    }
}

/// [`singular`] of an ASCII word, borrowing it (or `buf` for `-ies` -> `-y`).
fn singular_ascii<'a>(word: &'a str, buf: &'a mut String) -> &'a str {
    match plural_ending(word, word.len()) {
        Some((cut, "")) => &word[..word.len() - cut],
        Some((cut, add)) => {
            buf.clear();
            buf.push_str(&word[..word.len() - cut]);
            buf.push_str(add);
            buf
        }
        None => word,
    }
}

/// Harman's "S" stemmer: `policies` -> `policy`, `expenses` -> `expense`,
/// `calls` -> `call`; `status`, `process`, `analysis` stay. Small enough to
/// write the same in the script, and it finds the plural for the singular
/// typed (and back) without the surprises of a full stemmer.
pub fn singular(word: String) -> String {
    // Lengths are counted in characters (as the script does); the endings
    // cut are ASCII, so cutting their bytes keeps the text whole.
    match plural_ending(&word, word.chars().count()) {
        Some((cut, add)) => {
            let mut out = word[..word.len() - cut].to_string();
            out.push_str(add);
            out
        }
        None => word,
    }
}

/// The plural ending [`singular`] folds in `word` (`chars` characters
/// long): how many bytes to cut, and what to put in their place.
fn plural_ending(word: &str, chars: usize) -> Option<(usize, &'static str)> {
    if chars > 4 && word.ends_with("ies") && !word.ends_with("eies") && !word.ends_with("aies") {
        return Some((3, "y"));
    }
    if chars > 3
        && word.ends_with("es")
        && !word.ends_with("aes")
        && !word.ends_with("ees")
        && !word.ends_with("oes")
    {
        return Some((1, ""));
    }
    if chars > 3
        && word.ends_with('s')
        && !word.ends_with("us")
        && !word.ends_with("ss")
        && !word.ends_with("is")
    {
        return Some((1, ""));
    }
    None
}

/// What one page says about one term.
#[derive(Default)]
struct TermInPage {
    /// Occurrences, the title and headings counted several times.
    weight: u32,
    in_title: bool,
    /// Occurrences per section.
    by_section: Vec<(u16, u32)>,
}

struct PageTerms {
    terms: FxHashMap<String, TermInPage>,
    length: u32,
    /// `1 + min(title words, 8) - 1 + 8 * min(URL depth, 7)`: what a term in
    /// the title tells about the page.
    title_info: u32,
}

fn page_terms(page: &SearchPage, sections: &[Section]) -> PageTerms {
    let mut terms: FxHashMap<String, TermInPage> = FxHashMap::default();
    let mut length = 0u32;
    let title_words = tokens(page.title).count().clamp(1, 8) as u32;
    let depth = page.url.split('/').filter(|s| !s.is_empty()).count().min(7) as u32;
    for word in tokens(page.title) {
        let entry = terms.entry(word).or_default();
        entry.weight += TITLE_WEIGHT;
        entry.in_title = true;
        length += TITLE_WEIGHT;
    }
    for (k, section) in sections.iter().enumerate() {
        let k = u16::try_from(k).unwrap_or(u16::MAX);
        let heading_words = section.heading.map(|(h, _)| h).unwrap_or("");
        let mut add = |word: &str, weight: u32| {
            let entry = match terms.get_mut(word) {
                Some(entry) => entry,
                None => terms.entry(word.to_string()).or_default(),
            };
            entry.weight += weight;
            length += weight;
            match entry.by_section.last_mut() {
                Some((s, n)) if *s == k => *n += weight,
                _ => entry.by_section.push((k, weight)),
            }
        };
        for_each_token(heading_words, |w| add(w, HEADING_WEIGHT));
        for_each_token(section.text, |w| add(w, 1));
        if k == 0 {
            for owner in page.owners {
                for_each_token(owner, |w| add(w, 1));
            }
        }
    }
    PageTerms {
        terms,
        length,
        title_info: 1 + (title_words - 1) + 8 * depth,
    }
}

/// The files of the index: `(path inside the output folder, bytes)`.
pub fn build(pages: &[SearchPage]) -> Vec<(String, Vec<u8>)> {
    let never = || false;
    build_unless(pages, &never).unwrap_or_default()
}

/// Pages read between two looks at `stop`.
const CHUNK: usize = 512;

/// The index, or `None` as soon as `stop` says the work is no longer wanted
/// (`serve`: the author saved again). `stop` is asked between chunks of
/// pages, on the calling thread.
pub fn build_unless(
    pages: &[SearchPage],
    stop: &dyn Fn() -> bool,
) -> Option<Vec<(String, Vec<u8>)>> {
    let mut tm = crate::timings::Timings::start();
    let mut sectioned: Vec<Vec<Section>> = Vec::with_capacity(pages.len());
    let mut per_page: Vec<PageTerms> = Vec::with_capacity(pages.len());
    for chunk in pages.chunks(CHUNK) {
        if stop() {
            return None;
        }
        let chunk_sections: Vec<Vec<Section>> =
            chunk.par_iter().map(|p| sections(p.rendered)).collect();
        per_page.par_extend(
            chunk
                .par_iter()
                .zip(&chunk_sections)
                .map(|(p, s)| page_terms(p, s)),
        );
        sectioned.extend(chunk_sections);
    }
    if stop() {
        return None;
    }
    tm.mark("search: per page");
    let postings = postings(&per_page);
    tm.mark("search: postings");
    let (term_starts, term_files) = term_shards(&postings);
    tm.mark("search: term shards");
    let (doc_starts, doc_files) = doc_shards(pages, &sectioned);
    tm.mark("search: doc shards");

    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    for bytes in term_files.iter().chain(&doc_files) {
        bytes.hash(&mut hasher);
    }
    let manifest = Manifest {
        v: FORMAT_VERSION,
        build: format!("{:016x}", hasher.finish()),
        pages: pages.len(),
        stop: STOP_WORDS,
        terms: term_starts,
        docs: doc_starts,
    };
    let mut files = vec![(
        format!("{DIR}/index.json"),
        serde_json::to_vec(&manifest).unwrap_or_default(),
    )];
    for (i, bytes) in term_files.into_iter().enumerate() {
        files.push((format!("{DIR}/t{i}.json"), bytes));
    }
    for (i, bytes) in doc_files.into_iter().enumerate() {
        files.push((format!("{DIR}/d{i}.json"), bytes));
    }
    Some(files)
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
/// (page, term) pairs: about a million on a 1,000-page handbook).
fn postings(per_page: &[PageTerms]) -> BTreeMap<&str, Vec<u32>> {
    let n = per_page.len().max(1) as f64;
    let average_length =
        (per_page.iter().map(|p| u64::from(p.length)).sum::<u64>() as f64 / n).max(1.0);
    let mut ids: FxHashMap<&str, u32> = FxHashMap::default();
    let mut document_frequency: Vec<u32> = Vec::new();
    let numbered: Vec<Vec<(u32, &TermInPage)>> = per_page
        .iter()
        .map(|page| {
            page.terms
                .iter()
                .map(|(term, t)| {
                    let next = ids.len() as u32;
                    let id = *ids.entry(term.as_str()).or_insert(next);
                    if id == next {
                        document_frequency.push(0);
                    }
                    document_frequency[id as usize] += 1;
                    (id, t)
                })
                .collect()
        })
        .collect();
    let raw_score = |term: &TermInPage, id: u32, length: u32| {
        let df = f64::from(document_frequency[id as usize]);
        let idf = (1.0 + (n - df + 0.5) / (df + 0.5)).ln();
        let tf = f64::from(term.weight);
        let norm = BM25_K1 * (1.0 - BM25_B + BM25_B * f64::from(length) / average_length);
        idf * tf * (BM25_K1 + 1.0) / (tf + norm)
    };
    let max_score = numbered
        .par_iter()
        .zip(per_page)
        .flat_map_iter(|(terms, page)| {
            terms
                .iter()
                .map(move |&(id, t)| raw_score(t, id, page.length))
        })
        .reduce(|| f64::MIN_POSITIVE, f64::max);
    let mut lists: Vec<Vec<u32>> = vec![Vec::new(); ids.len()];
    let mut last_page: Vec<u32> = vec![0; ids.len()];
    for (page_id, (terms, page)) in numbered.iter().zip(per_page).enumerate() {
        let page_id = page_id as u32;
        for &(id, t) in terms {
            let score = (raw_score(t, id, page.length) / max_score * 255.0).round() as u32;
            let list = &mut lists[id as usize];
            list.push(page_id - last_page[id as usize]);
            last_page[id as usize] = page_id;
            list.push(score.clamp(1, 255));
            let mut best = t.by_section.clone();
            best.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
            best.truncate(SECTIONS_PER_POSTING);
            best.sort_by_key(|s| s.0);
            let title = if t.in_title { page.title_info } else { 0 };
            list.push(best.len() as u32 + 4 * title);
            list.extend(best.iter().map(|s| u32::from(s.0)));
        }
    }
    ids.into_iter()
        .map(|(term, id)| (term, std::mem::take(&mut lists[id as usize])))
        .collect()
}

/// Cuts the sorted terms into shards of about `TERM_SHARD_BYTES`; returns the
/// first term of each shard and the shards' JSON.
fn term_shards(postings: &BTreeMap<&str, Vec<u32>>) -> (Vec<String>, Vec<Vec<u8>>) {
    let mut starts = Vec::new();
    let mut files = Vec::new();
    let mut shard: BTreeMap<&str, &Vec<u32>> = BTreeMap::new();
    let mut size = 0;
    for (term, list) in postings {
        let entry_size = term.len() + 6 + list.iter().map(|n| digits(*n) + 1).sum::<usize>();
        if size > 0 && size + entry_size > TERM_SHARD_BYTES {
            files.push(serde_json::to_vec(&shard).unwrap_or_default());
            shard.clear();
            size = 0;
        }
        if shard.is_empty() {
            starts.push(term.to_string());
        }
        shard.insert(term, list);
        size += entry_size;
    }
    if !shard.is_empty() || files.is_empty() {
        if starts.is_empty() {
            starts.push(String::new());
        }
        files.push(serde_json::to_vec(&shard).unwrap_or_default());
    }
    (starts, files)
}

fn digits(n: u32) -> usize {
    n.checked_ilog10().map_or(1, |d| d as usize + 1)
}

/// What a hit shows: `[title, url, [[heading, anchor], ...], [excerpt, ...]]`.
#[derive(Serialize)]
struct DocEntry<'a>(&'a str, &'a str, Vec<(&'a str, &'a str)>, Vec<String>);

/// Groups pages into shards of about `DOC_SHARD_BYTES`; returns the first
/// page of each shard and the shards' JSON.
fn doc_shards(pages: &[SearchPage], sectioned: &[Vec<Section>]) -> (Vec<usize>, Vec<Vec<u8>>) {
    let mut starts = Vec::new();
    let mut files = Vec::new();
    let mut shard: Vec<Vec<u8>> = Vec::new();
    let mut size = 0;
    for (i, (page, sections)) in pages.iter().zip(sectioned).enumerate() {
        let per_section =
            (PAGE_EXCERPT_CHARS / sections.len().max(1)).clamp(MIN_EXCERPT_CHARS, EXCERPT_CHARS);
        let entry = DocEntry(
            page.title,
            &page.url,
            sections.iter().skip(1).filter_map(|s| s.heading).collect(),
            sections
                .iter()
                .map(|s| excerpt(s.text, per_section))
                .collect(),
        );
        let json = serde_json::to_vec(&entry).unwrap_or_default();
        if size > 0 && size + json.len() > DOC_SHARD_BYTES {
            files.push(join_array(&shard));
            shard.clear();
            size = 0;
        }
        if shard.is_empty() {
            starts.push(i);
        }
        size += json.len() + 1;
        shard.push(json);
    }
    if !shard.is_empty() || files.is_empty() {
        if starts.is_empty() {
            starts.push(0);
        }
        files.push(join_array(&shard));
    }
    (starts, files)
}

fn join_array(items: &[Vec<u8>]) -> Vec<u8> {
    let mut out = Vec::with_capacity(items.iter().map(|i| i.len() + 1).sum::<usize>() + 2);
    out.push(b'[');
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        out.extend_from_slice(item);
    }
    out.push(b']');
    out
}

/// The first `max` characters of `text` (whitespace folded), cut at a word.
pub fn excerpt(text: &str, max: usize) -> String {
    let mut out = String::with_capacity(max.min(text.len()));
    let mut chars = 0;
    for word in text.split_whitespace() {
        let n = word.chars().count();
        if chars + n + 1 > max {
            break;
        }
        if !out.is_empty() {
            out.push(' ');
            chars += 1;
        }
        out.push_str(word);
        chars += n;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::markdown::Heading;

    fn rendered(text: &str, headings: &[(u8, Option<&str>, &str)]) -> Rendered {
        let mut offsets = Vec::new();
        let mut heads = Vec::new();
        for (level, id, title) in headings {
            offsets.push(text.find(title).unwrap());
            heads.push(Heading {
                level: *level,
                id: id.map(str::to_string),
                title: title.to_string(),
                in_toc: true,
                offset: 0,
            });
        }
        Rendered {
            plain_text: text.to_string(),
            headings: heads,
            heading_offsets: offsets,
            ..Rendered::default()
        }
    }

    fn parse(files: &[(String, Vec<u8>)], name: &str) -> serde_json::Value {
        let (_, bytes) = files.iter().find(|(n, _)| n == name).unwrap();
        serde_json::from_slice(bytes).unwrap()
    }

    #[test]
    fn pages_are_cut_into_sections_at_linkable_headings() {
        let r = rendered(
            "Title intro words Budget cycle we plan budgets Notes no id here Owners the VP ",
            &[
                (1, Some("title"), "Title"),
                (2, Some("budget-cycle"), "Budget cycle"),
                (3, None, "Notes"),
                (2, Some("owners"), "Owners"),
            ],
        );
        let s = sections(&r);
        assert_eq!(s.len(), 3, "{s:?}");
        assert_eq!(s[0].heading, None);
        assert!(s[0].text.starts_with("Title intro"));
        assert_eq!(s[1].heading, Some(("Budget cycle", "budget-cycle")));
        assert_eq!(s[1].text, "we plan budgets Notes no id here ");
        assert_eq!(s[2].heading, Some(("Owners", "owners")));
        assert_eq!(s[2].text, "the VP ");
    }

    #[test]
    fn markdown_heading_offsets_line_up_with_the_text() {
        let options = crate::markdown::RenderOptions {
            flavor: Default::default(),
            highlight: false,
            html: true,
            smart_punctuation: false,
            parse_block_html: false,
            erb: false,
            erb_show: false,
            base_path: "",
            rewrite_link: &|_| None,
            raw_html: crate::markdown::RawHtml::PassThrough,
            script_links: crate::markdown::ScriptLinks::Drop,
            templates: None,
            liquid: false,
            math: crate::markdown::math::SingleDollar::Text,
        };
        let r = crate::markdown::render(
            "Intro.\n\n## First `code` part\n\nBody one.\n\n### Second\n\nBody two.\n",
            0,
            &options,
        );
        assert_eq!(r.heading_offsets.len(), 2);
        for (h, &at) in r.headings.iter().zip(&r.heading_offsets) {
            assert!(r.plain_text[at..].starts_with(&h.title), "{h:?} at {at}");
        }
    }

    #[test]
    fn tokens_are_lowercase_words_without_stop_words() {
        let words: Vec<String> = tokens("The Forecast-calls, in Q3: ÄRGER a x 2024").collect();
        assert_eq!(words, ["forecast", "call", "q3", "ärger", "2024"]);
    }

    #[test]
    fn ascii_and_other_words_fold_alike() {
        // ASCII words take the allocation-free path, the others the general
        // one; both lowercase, drop stop words and short words, and fold
        // plurals by the same rules.
        let text = "The Forecast-calls, in Q3: ÄRGER a x 2024 policies Policies analysis \
                    statuses expenses ÉTUDES naïve cafés Straße İstanbul toes bees is us";
        assert_eq!(
            tokens(text).collect::<Vec<_>>(),
            [
                "forecast",
                "call",
                "q3",
                "ärger",
                "2024",
                "policy",
                "policy",
                "analysis",
                "statuse",
                "expense",
                "étude",
                "naïve",
                "café",
                "straße",
                "i\u{307}stanbul",
                "toe",
                "bee",
                "us"
            ]
        );
    }

    #[test]
    fn plurals_fold_to_the_singular() {
        let folded: Vec<String> = [
            "policies",
            "expenses",
            "calls",
            "status",
            "process",
            "analysis",
            "goes",
            "is",
            "bus",
            "series",
            "teamʼs",
            "employés",
        ]
        .iter()
        .map(|w| singular(w.to_string()))
        .collect();
        assert_eq!(
            folded,
            [
                "policy", "expense", "call", "status", "process", "analysis", "goe", "is", "bus",
                "sery", "teamʼ", "employé"
            ]
        );
    }

    #[test]
    fn a_body_word_points_at_its_page_and_section() {
        let a = rendered(
            "Pipeline Stages come first Hygiene weekly scrub of zeppelin deals ",
            &[
                (2, Some("stages"), "Stages"),
                (2, Some("hygiene"), "Hygiene"),
            ],
        );
        let b = rendered("Nothing about it ", &[]);
        let pages = [
            SearchPage {
                owners: &[],
                title: "Other",
                url: "/other/".into(),
                rendered: &b,
            },
            SearchPage {
                owners: &[],
                title: "Pipeline",
                url: "/pipeline/".into(),
                rendered: &a,
            },
        ];
        let files = build(&pages);
        let manifest = parse(&files, "search/index.json");
        assert_eq!(manifest["v"], 1);
        assert_eq!(manifest["pages"], 2);
        let shard = parse(&files, "search/t0.json");
        // page 1 (delta 1), a score, one section and not in the title, section 2
        let list = shard["zeppelin"].as_array().unwrap();
        assert_eq!(list[0], 1);
        assert!(list[1].as_u64().unwrap() >= 1);
        assert_eq!(list[2], 1);
        assert_eq!(list[3], 2);
        // a title word: one title word, URL depth 1, and one section (0)
        let list = shard["pipeline"].as_array().unwrap();
        assert_eq!(list[2].as_u64().unwrap(), 1 + 4 * (1 + 8));
        let docs = parse(&files, "search/d0.json");
        assert_eq!(docs[1][0], "Pipeline");
        assert_eq!(docs[1][2][1], serde_json::json!(["Hygiene", "hygiene"]));
        assert_eq!(docs[1][3][2], "weekly scrub of zeppelin deals");
    }

    #[test]
    fn large_sites_are_split_into_many_small_shards() {
        let texts: Vec<Rendered> = (0..3000)
            .map(|i| rendered(&format!("word{i} common filler{} text ", i % 97), &[]))
            .collect();
        let titles: Vec<String> = (0..3000).map(|i| format!("Page {i}")).collect();
        let pages: Vec<SearchPage> = texts
            .iter()
            .zip(&titles)
            .enumerate()
            .map(|(i, (r, t))| SearchPage {
                owners: &[],
                title: t,
                url: format!("/p{i}/"),
                rendered: r,
            })
            .collect();
        let files = build(&pages);
        let manifest = parse(&files, "search/index.json");
        let term_shards = manifest["terms"].as_array().unwrap().len();
        let doc_shards = manifest["docs"].as_array().unwrap().len();
        assert!(term_shards > 1 && doc_shards > 1, "{manifest}");
        for (name, bytes) in &files {
            assert!(
                bytes.len() < TERM_SHARD_BYTES.max(DOC_SHARD_BYTES) + 1024,
                "{name} is {} bytes",
                bytes.len()
            );
        }
        // Shard starts are sorted, so the script can find a term's shard by bisection.
        let starts: Vec<&str> = manifest["terms"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap())
            .collect();
        assert!(starts.windows(2).all(|w| w[0] < w[1]));
    }

    #[test]
    fn excerpts_cut_at_words() {
        assert_eq!(excerpt("a  b\n c dddd", 6), "a b c");
        assert_eq!(excerpt("ääää ää", 6), "ääää");
    }
}
