//! What the search index knows of one page ([`PageEntry`]): its terms
//! with their weights and sections, and what a hit shows. Entries are made
//! per page and kept (`serve` in memory, `build` in the page cache) under
//! a fingerprint of what they read, so an edit costs the index one entry
//! and the site-wide scoring ([`super::index_files`]).

use std::sync::{Arc, Mutex};

use rustc_hash::FxHashMap;
use serde::{Deserialize, Serialize};
use xxhash_rust::xxh3::Xxh3;

use super::page_terms::PageTerms;
use super::tokenize::{for_each_token, for_each_word, tokens};
use super::{
    SearchPage, EXCERPT_CHARS, HEADING_WEIGHT, MIN_EXCERPT_CHARS, PAGE_EXCERPT_CHARS, TITLE_WEIGHT,
};
use crate::markdown::{excerpt, BodyAt, BodyInFile, Rendered};

/// A section of a page: the text from one linkable heading to the next.
#[derive(Debug, PartialEq, Eq)]
pub(super) struct Section<'a> {
    /// Heading text and anchor; `None` for the text before the first heading.
    pub(super) heading: Option<(&'a str, &'a str)>,
    pub(super) text: &'a str,
}

/// Cuts the page's text at its headings. Headings without an id cannot be
/// linked to and stay in the section before them; a leading `# Title`
/// belongs to the top of the page.
pub(super) fn sections<'a>(rendered: &'a Rendered, text: &'a str) -> Vec<Section<'a>> {
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

/// One page as the index sees it, packed: a large site holds millions of
/// (page, term) pairs, so there is no allocation per term.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct PageEntry {
    /// The page's terms, each ended by `\n` (a term is letters and digits).
    terms: String,
    /// Per term, in the order of `terms`: its weight, then `title + 2 x n`
    /// (`title` 1 when the term is in the page's title), then the `n`
    /// sections where it occurs most, ascending.
    postings: Vec<u32>,
    /// The page's length in weighted words (BM25's document length).
    pub(super) length: u32,
    /// `1 + min(title words, 8) - 1 + 8 * min(URL depth, 7)`: what a term in
    /// the title tells about the page.
    pub(super) title_info: u32,
    /// The JSON of what a hit shows (see the module comment of `search`).
    pub(super) doc: Doc,
}

/// Where a page's [`PageEntry::doc`] is kept. A build holds every page's
/// entry from the Markdown stage until the page cache is written, at its
/// busiest moment, and the JSON (excerpts of every section) is most of an
/// entry: 170 MB at 10,000 long pages.
#[derive(Clone, Serialize, Deserialize)]
pub(super) enum Doc {
    /// lz4-packed in memory: `serve`, and a build without a build cache.
    Packed(PackedDoc),
    /// In the build cache's body store ([`DocStore`]), as it was made:
    /// packing and unpacking it took a build longer than writing it there
    /// and reading it back.
    Stored(StoredDoc),
}

/// A hit's JSON in the build cache's body store: its place (what the page
/// cache records) and, once the store is open, where to read it from.
#[derive(Clone, Serialize, Deserialize)]
pub struct StoredDoc {
    pub at: BodyAt,
    #[serde(skip)]
    pub file: Option<BodyInFile>,
}

/// Where a build keeps the hit JSON of the entries it makes (the build
/// cache's body store).
pub trait DocStore: Sync {
    /// Keeps `json` (taking it: the store writes it from where it is); the
    /// JSON back when it cannot (it is then packed in memory).
    fn keep_doc(&self, json: String) -> Result<StoredDoc, String>;
}

/// A hit's JSON that could not be read back from the build cache (changed
/// or removed while the build ran).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct DocLost;

impl Doc {
    /// The JSON's length in bytes.
    pub(super) fn json_len(&self) -> usize {
        match self {
            Doc::Packed(packed) => packed.json_len(),
            Doc::Stored(stored) => stored.at.len as usize,
        }
    }

    /// Appends the JSON to `out`.
    pub(super) fn append_to(&self, out: &mut Vec<u8>) -> Result<(), DocLost> {
        match self {
            Doc::Packed(packed) => {
                packed.unpack_into(out);
                Ok(())
            }
            Doc::Stored(stored) => match stored.file.as_ref() {
                Some(file) if file.read_into(out) => Ok(()),
                _ => Err(DocLost),
            },
        }
    }
}

impl PartialEq for Doc {
    fn eq(&self, other: &Doc) -> bool {
        match (self, other) {
            (Doc::Packed(a), Doc::Packed(b)) => a == b,
            (Doc::Stored(a), Doc::Stored(b)) => a.at == b.at,
            _ => false,
        }
    }
}

impl Eq for Doc {}

impl std::fmt::Debug for Doc {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Doc::Packed(packed) => packed.fmt(f),
            Doc::Stored(stored) => f.debug_tuple("StoredDoc").field(&stored.at).finish(),
        }
    }
}

/// A hit's JSON, lz4-packed (a third of its size).
#[derive(Clone, Serialize, Deserialize, PartialEq, Eq)]
pub(super) struct PackedDoc(#[serde(with = "as_bytes")] Vec<u8>);

impl PackedDoc {
    fn pack(json: &str) -> PackedDoc {
        PackedDoc(lz4_flex::compress_prepend_size(json.as_bytes()))
    }

    /// The JSON's length in bytes (lz4_flex writes it first).
    fn json_len(&self) -> usize {
        self.0
            .first_chunk::<4>()
            .map_or(0, |size| u32::from_le_bytes(*size) as usize)
    }

    /// Appends the JSON to `out`. A damaged page cache has failed its
    /// checksum before its entries are used; the empty JSON is for what
    /// could still not unpack.
    fn unpack_into(&self, out: &mut Vec<u8>) {
        match lz4_flex::decompress_size_prepended(&self.0) {
            Ok(json) => out.extend_from_slice(&json),
            Err(_) => out.extend_from_slice(b"null"),
        }
    }
}

impl std::fmt::Debug for PackedDoc {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut json = Vec::new();
        self.unpack_into(&mut json);
        f.debug_tuple("PackedDoc")
            .field(&String::from_utf8_lossy(&json))
            .finish()
    }
}

/// Bytes as one piece in the page cache, not as a list of numbers.
mod as_bytes {
    use serde::{de, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(bytes: &[u8], serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_bytes(bytes)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Vec<u8>, D::Error> {
        deserializer.deserialize_byte_buf(Bytes)
    }

    struct Bytes;

    impl<'de> de::Visitor<'de> for Bytes {
        type Value = Vec<u8>;

        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("bytes")
        }

        fn visit_bytes<E: de::Error>(self, bytes: &[u8]) -> Result<Vec<u8>, E> {
            Ok(bytes.to_vec())
        }

        fn visit_byte_buf<E: de::Error>(self, bytes: Vec<u8>) -> Result<Vec<u8>, E> {
            Ok(bytes)
        }
    }
}

/// One term of a [`PageEntry`].
pub(super) struct TermOfPage<'a> {
    pub term: &'a str,
    pub weight: u32,
    pub in_title: bool,
    pub sections: &'a [u32],
}

impl PageEntry {
    /// Where the build cache keeps the entry's hit JSON, when it does.
    pub fn doc_place(&self) -> Option<BodyAt> {
        match &self.doc {
            Doc::Stored(stored) => Some(stored.at),
            Doc::Packed(_) => None,
        }
    }

    /// Opens the entry's hit JSON where the build cache keeps it (read back
    /// from the page cache, an entry has its place but no file); false when
    /// `open` finds it is not there. The caller checks that it is intact
    /// here, so that the index never meets a lost one: the page's text,
    /// which would make it again, is gone by then.
    pub fn open_doc(&mut self, open: impl FnOnce(BodyAt) -> Option<BodyInFile>) -> bool {
        match &mut self.doc {
            Doc::Stored(stored) => {
                stored.file = open(stored.at);
                stored.file.is_some()
            }
            Doc::Packed(_) => true,
        }
    }

    /// The page's terms, in a fixed order.
    pub(super) fn terms(&self) -> impl Iterator<Item = TermOfPage<'_>> {
        let mut at = 0;
        self.terms.split_terminator('\n').map(move |term| {
            let weight = self.postings.get(at).copied().unwrap_or(0);
            let flags = self.postings.get(at + 1).copied().unwrap_or(0);
            let n = (flags >> 1) as usize;
            let sections = self.postings.get(at + 2..at + 2 + n).unwrap_or_default();
            at += 2 + n;
            TermOfPage {
                term,
                weight,
                in_title: flags & 1 == 1,
                sections,
            }
        })
    }
}

/// What [`page_entry`] reads of a page, as one number: the same number, the
/// same entry.
pub fn entry_key(page: &SearchPage) -> u64 {
    let mut hasher = Xxh3::with_seed(page.rendered.text_key);
    for part in [page.title, page.url.as_str()] {
        hasher.update(part.as_bytes());
        hasher.update(&[0]);
    }
    for owner in page.owners {
        hasher.update(owner.as_bytes());
        hasher.update(&[0]);
    }
    hasher.digest()
}

/// The index's entry for one page, its hit JSON kept by `store` (or
/// packed in memory without one).
pub fn page_entry(page: &SearchPage, store: Option<&dyn DocStore>) -> PageEntry {
    let text = page.rendered.text();
    let sections = sections(page.rendered, &text);
    let terms = count_terms(page, &sections);
    let json = doc_json(page, &sections);
    let kept = match store {
        Some(store) => store.keep_doc(json),
        None => Err(json),
    };
    let doc = match kept {
        Ok(stored) => Doc::Stored(stored),
        Err(json) => Doc::Packed(PackedDoc::pack(&json)),
    };
    let mut packed = PageEntry {
        terms: String::new(),
        postings: Vec::with_capacity(terms.len() * 4),
        length: terms.length,
        title_info: title_info(page),
        doc,
    };
    terms.for_each(|term, counted| {
        packed.terms.push_str(term);
        packed.terms.push('\n');
        packed.postings.push(counted.weight);
        // Flags (title, then twice the sections listed), then the sections.
        let flags_at = packed.postings.len();
        packed.postings.push(u32::from(counted.in_title));
        packed
            .postings
            .extend(counted.sections.in_page_order().map(u32::from));
        let listed = (packed.postings.len() - flags_at - 1) as u32;
        packed.postings[flags_at] += 2 * listed;
    });
    // Held from the Markdown stage to the page cache: no spare capacity.
    packed.terms.shrink_to_fit();
    packed.postings.shrink_to_fit();
    packed
}

fn title_info(page: &SearchPage) -> u32 {
    let title_words = tokens(page.title).count().clamp(1, 8) as u32;
    let depth = page.url.split('/').filter(|s| !s.is_empty()).count().min(7) as u32;
    1 + (title_words - 1) + 8 * depth
}

/// Every term of the page with its weight, and the page's weighted length.
fn count_terms(page: &SearchPage, sections: &[Section]) -> PageTerms {
    let mut terms = PageTerms::default();
    for_each_token(page.title, |term| terms.count_in_title(term, TITLE_WEIGHT));
    for (k, section) in sections.iter().enumerate() {
        let k = u16::try_from(k).unwrap_or(u16::MAX);
        let heading_words = section.heading.map(|(h, _)| h).unwrap_or("");
        for_each_word(heading_words, |w| terms.count(w, k, HEADING_WEIGHT));
        // Inlined into the reading of the words: called for every word.
        for_each_word(
            section.text,
            #[inline(always)]
            |w| terms.count(w, k, 1),
        );
        if k == 0 {
            for owner in page.owners {
                for_each_word(owner, |w| terms.count(w, k, 1));
            }
        }
    }
    terms
}

/// What a hit shows: `[title, url, [[heading, anchor], ...], [excerpt, ...]]`,
/// as JSON. Written here rather than by serde: the excerpts are most of a
/// page's entry, and most have nothing to escape, which one look at their
/// bytes tells (see [`push_json_string`]).
fn doc_json(page: &SearchPage, sections: &[Section]) -> String {
    let per_section =
        (PAGE_EXCERPT_CHARS / sections.len().max(1)).clamp(MIN_EXCERPT_CHARS, EXCERPT_CHARS);
    let mut out = Vec::with_capacity(64 + sections.len() * (per_section + 64));
    out.push(b'[');
    push_json_string(&mut out, page.title);
    out.push(b',');
    push_json_string(&mut out, &page.url);
    out.extend_from_slice(b",[");
    let headings = sections.iter().skip(1).filter_map(|s| s.heading);
    for (i, (heading, anchor)) in headings.enumerate() {
        if i > 0 {
            out.push(b',');
        }
        out.push(b'[');
        push_json_string(&mut out, heading);
        out.push(b',');
        push_json_string(&mut out, anchor);
        out.push(b']');
    }
    out.extend_from_slice(b"],[");
    for (i, section) in sections.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        push_json_string(&mut out, &excerpt(section.text, per_section));
    }
    out.extend_from_slice(b"]]");
    // Only whole strings of UTF-8 and ASCII punctuation were written.
    String::from_utf8(out).unwrap_or_default()
}

/// `text` as a JSON string: copied between quotes when it has nothing to
/// escape (no quote, backslash or control character: a check the
/// compiler makes a few bytes at a time), else escaped by serde_json.
fn push_json_string(out: &mut Vec<u8>, text: &str) {
    let needs_escape = text.bytes().fold(false, |found, b| {
        found | (b < 0x20) | (b == b'"') | (b == b'\\')
    });
    if needs_escape {
        // Writing a `str` into a `Vec` cannot fail.
        let _ = serde_json::to_writer(&mut *out, text);
        return;
    }
    out.push(b'"');
    out.extend_from_slice(text.as_bytes());
    out.push(b'"');
}

/// Entries kept between builds, by [`entry_key`]: `serve` keeps one for the
/// session, `build` fills one from the page cache. With them, the
/// fingerprints of the last index's document shards, by the keys of the
/// entries each joined: a shard of the same entries is the same file, which
/// a build keeps instead of unpacking and joining it again.
#[derive(Default)]
pub struct SearchMemo {
    entries: Mutex<FxHashMap<u64, Arc<PageEntry>>>,
    doc_shards: Mutex<FxHashMap<u64, DocShardPrint>>,
}

/// A document shard as written: the fingerprint of its bytes (what the
/// output folder's manifest records) and its print in the index's build id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct DocShardPrint {
    pub file: crate::output::Fingerprint,
    pub print: u64,
}

impl SearchMemo {
    pub fn new(
        entries: Vec<(u64, PageEntry)>,
        doc_shards: Vec<(u64, DocShardPrint)>,
    ) -> SearchMemo {
        let entries = entries
            .into_iter()
            .map(|(key, entry)| (key, Arc::new(entry)))
            .collect();
        SearchMemo {
            entries: Mutex::new(entries),
            doc_shards: Mutex::new(doc_shards.into_iter().collect()),
        }
    }

    /// The document shards of the last index built, for the page cache.
    pub fn doc_shards(&self) -> Vec<(u64, DocShardPrint)> {
        let shards = self.doc_shards.lock().unwrap_or_else(|e| e.into_inner());
        let mut all: Vec<(u64, DocShardPrint)> = shards.iter().map(|(k, p)| (*k, *p)).collect();
        all.sort_by_key(|(key, _)| *key);
        all
    }

    /// The last index's document shard of the entries whose keys hash to
    /// `key`.
    pub(super) fn doc_shard(&self, key: u64) -> Option<DocShardPrint> {
        let shards = self.doc_shards.lock().unwrap_or_else(|e| e.into_inner());
        shards.get(&key).copied()
    }

    /// Keeps the document shards of the index just built in place of the
    /// last one's.
    pub(super) fn keep_doc_shards(&self, shards: FxHashMap<u64, DocShardPrint>) {
        *self.doc_shards.lock().unwrap_or_else(|e| e.into_inner()) = shards;
    }

    /// The entries of the last index built, for the page cache.
    pub fn entries(&self) -> Vec<(u64, Arc<PageEntry>)> {
        let entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        let mut all: Vec<(u64, Arc<PageEntry>)> =
            entries.iter().map(|(k, e)| (*k, Arc::clone(e))).collect();
        all.sort_by_key(|(key, _)| *key);
        all
    }

    /// Whether an entry is kept under `key`.
    pub fn contains(&self, key: u64) -> bool {
        self.entries
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .contains_key(&key)
    }

    /// Keeps entries made before the index is built: a build makes each
    /// page's as the Markdown stage renders the page, and lets its text go
    /// instead of holding it for the index (packing the texts and reading
    /// them back cost a build 4% of its instructions).
    pub fn add(&self, made: Vec<(u64, PageEntry)>) {
        let mut entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        for (key, entry) in made {
            entries.entry(key).or_insert_with(|| Arc::new(entry));
        }
    }

    /// The entries whose hit JSON is in the build cache, by key, with its
    /// place: the store moves what it keeps ([`SearchMemo::move_docs`]).
    pub fn doc_places(&self) -> Vec<(u64, BodyAt)> {
        let entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        let mut places: Vec<(u64, BodyAt)> = entries
            .iter()
            .filter_map(|(key, entry)| Some((*key, entry.doc_place()?)))
            .collect();
        places.sort_by_key(|(key, _)| *key);
        places
    }

    /// Gives the entries of `moved` (key, new place) their hit JSON's new
    /// place in the build cache, opened with `open`; an entry whose JSON
    /// the store lost (`None`) is dropped: its page is rendered again when
    /// next indexed.
    pub fn move_docs(
        &self,
        moved: impl Iterator<Item = (u64, Option<BodyAt>)>,
        open: impl Fn(BodyAt) -> Option<BodyInFile>,
    ) {
        let mut entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        for (key, place) in moved {
            let Some(entry) = entries.get_mut(&key) else {
                continue;
            };
            if entry.doc_place() == place {
                continue;
            }
            match place {
                Some(at) => {
                    let entry = Arc::make_mut(entry);
                    entry.doc = Doc::Stored(StoredDoc { at, file: open(at) });
                }
                None => {
                    entries.remove(&key);
                }
            }
        }
    }

    /// Takes what is kept, for one index build.
    pub(super) fn take(&self) -> FxHashMap<u64, Arc<PageEntry>> {
        std::mem::take(&mut *self.entries.lock().unwrap_or_else(|e| e.into_inner()))
    }

    /// Keeps `entries` (the index just built) in place of what was taken.
    pub(super) fn keep(&self, entries: FxHashMap<u64, Arc<PageEntry>>) {
        *self.entries.lock().unwrap_or_else(|e| e.into_inner()) = entries;
    }
}

#[cfg(test)]
mod tests {
    use super::push_json_string;

    /// The same bytes as serde_json on text with and without what JSON
    /// escapes: quotes, backslashes, every control character, non-ASCII.
    #[test]
    fn json_strings_are_written_as_serde_writes_them() {
        let pieces = [
            "plain words",
            "\"",
            "\\",
            "é ü",
            "€",
            "\u{7f}",
            "/",
            "'",
            "<&>",
        ];
        let controls: Vec<String> = (0u8..0x20).map(|b| char::from(b).to_string()).collect();
        let mut dice = crate::test_dice::Dice(0x9e37_79b9_7f4a_7c15);
        let mut escaped = 0;
        for _ in 0..2000 {
            let mut text = String::new();
            for _ in 0..6 {
                let pick = dice.below(48);
                match pieces.get(pick) {
                    Some(piece) => text.push_str(piece),
                    None if pick < 12 => text.push_str(&controls[(dice.0 >> 8) as usize % 32]),
                    None => {}
                }
            }
            let mut out = Vec::new();
            push_json_string(&mut out, &text);
            assert_eq!(
                String::from_utf8(out).unwrap(),
                serde_json::to_string(&text).unwrap()
            );
            escaped += usize::from(serde_json::to_string(&text).unwrap().contains('\\'));
        }
        assert!((200..1800).contains(&escaped), "{escaped}");
    }
}
