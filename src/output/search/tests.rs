use super::entry::sections;
use super::*;
use crate::markdown::Heading;
use crate::test_dice::Dice;

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
    let s = sections(&r, &r.plain_text);
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
        zola_shortcodes: false,
        mdbook_includes: false,
        mdx: false,
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
            source: "page.md",
            owners: &[],
            title: "Other",
            url: "/other/".into(),
            rendered: &b,
        },
        SearchPage {
            source: "page.md",
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

/// Pages `/p0/`, `/p1/`, ... of the given texts and titles.
fn numbered_pages<'a>(texts: &'a [Rendered], titles: &'a [String]) -> Vec<SearchPage<'a>> {
    texts
        .iter()
        .zip(titles)
        .enumerate()
        .map(|(i, (rendered, title))| SearchPage {
            source: "page.md",
            owners: &[],
            title,
            url: format!("/p{i}/"),
            rendered,
        })
        .collect()
}

#[test]
fn large_sites_are_split_into_many_small_shards() {
    let texts: Vec<Rendered> = (0..3000)
        .map(|i| rendered(&format!("word{i} common filler{} text ", i % 97), &[]))
        .collect();
    let titles: Vec<String> = (0..3000).map(|i| format!("Page {i}")).collect();
    let files = build(&numbered_pages(&texts, &titles));
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

/// The pages of a posting list `[page delta, score, flags, section...]`.
fn pages_of(list: &[serde_json::Value]) -> Vec<u64> {
    let (mut pages, mut at, mut page) = (Vec::new(), 0, 0);
    while at < list.len() {
        page += list[at].as_u64().unwrap();
        pages.push(page);
        let sections = list[at + 2].as_u64().unwrap() % 4;
        at += 3 + sections as usize;
    }
    pages
}

#[test]
fn posting_lists_made_on_many_cores_list_every_page_once_in_order() {
    // Enough pages that the lists are made in parts on every core and
    // joined: a part's first page must become a delta from the part before.
    let texts: Vec<Rendered> = (0..1000)
        .map(|i| rendered(&format!("common filler{} text ", i % 97), &[]))
        .collect();
    let pages: Vec<SearchPage> = texts
        .iter()
        .enumerate()
        .map(|(i, r)| SearchPage {
            source: "page.md",
            owners: &[],
            title: "Page",
            url: format!("/p{i}/"),
            rendered: r,
        })
        .collect();
    let files = build(&pages);
    let terms: serde_json::Map<String, serde_json::Value> = files
        .iter()
        .filter(|(name, _)| name.starts_with("search/t"))
        .flat_map(|(_, bytes)| {
            let shard: serde_json::Map<String, serde_json::Value> =
                serde_json::from_slice(bytes).unwrap();
            shard
        })
        .collect();
    let every: Vec<u64> = (0..1000).collect();
    assert_eq!(pages_of(terms["common"].as_array().unwrap()), every);
    let sevens: Vec<u64> = (0..1000).filter(|i| i % 97 == 7).collect();
    assert_eq!(pages_of(terms["filler7"].as_array().unwrap()), sevens);
}

#[test]
fn excerpts_cut_at_words() {
    assert_eq!(excerpt("a  b\n c dddd", 6), "a b c");
    assert_eq!(excerpt("ääää ää", 6), "ääää");
    assert_eq!(excerpt("a\u{b}b\u{c}c\u{85}d", 20), "a b c d");
}

/// `count` of `pieces`, picked by `dice` (the same texts on every run),
/// each followed by a space one time in two.
fn random_text(pieces: &[&str], count: usize, dice: &mut Dice) -> String {
    let mut text = String::new();
    for _ in 0..count {
        text.push_str(dice.pick(pieces));
        if dice.0 & 0x100 == 0 {
            text.push(' ');
        }
    }
    text
}

/// Excerpts as they were made before ASCII text had its own way: words
/// split by `char::is_whitespace`, counted in characters.
fn excerpt_by_characters(text: &str, max: usize) -> String {
    let mut words: Vec<&str> = Vec::new();
    let mut chars = 0;
    for word in text.split_whitespace() {
        let n = word.chars().count();
        if chars + n + 1 > max {
            break;
        }
        chars += n + usize::from(!words.is_empty());
        words.push(word);
    }
    words.join(" ")
}

#[test]
fn ascii_excerpts_are_the_excerpts_made_by_characters() {
    let pieces = [
        "word",
        " ",
        "  ",
        "\t",
        "\n",
        "\u{b}",
        "\u{c}",
        "\r",
        "longerword",
        "x",
        "é",
        "",
    ];
    // Prose already as an excerpt writes it (printable ASCII, single
    // spaces), which is copied whole up to the cut.
    let plain = ["word", " ", "x", "longerword", "ab", "a-b."];
    let mut dice = Dice(0x2545_f491_4f6c_dd1d);
    for round in 0..6000 {
        let text = match round % 2 {
            0 => random_text(&pieces, 16, &mut dice),
            _ => random_text(&plain, 16, &mut dice),
        };
        for max in [0, 1, 2, 4, 5, 9, 11, 20, 80] {
            assert_eq!(
                excerpt(&text, max),
                excerpt_by_characters(&text, max),
                "{text:?} {max}"
            );
        }
    }
}

/// The words as the index made them before its byte-level split: every
/// run of `char::is_alphanumeric`, the same filters and folding.
fn tokens_by_characters(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter_map(|word| {
            let n = word.chars().count();
            if !(2..=MAX_TERM_CHARS).contains(&n) {
                return None;
            }
            let word = word.to_lowercase();
            (!STOP_WORDS.contains(&word.as_str())).then(|| singular(word))
        })
        .collect()
}

#[test]
fn byte_level_split_finds_the_same_words() {
    // Mixed scripts, punctuation beyond ASCII between and inside words,
    // digits, and runs of every length around the limits.
    let pieces = [
        "The",
        "forecast",
        "—",
        "café",
        "naïve",
        "Straße",
        "İstanbul",
        "x",
        "a",
        "policies",
        "Q3",
        "2024",
        "東京",
        "·",
        "ÉTUDES",
        "’s",
        "e\u{301}",
        "\u{a0}",
        "-",
        "_",
        "٣٤",
        // Around 16 bytes, where a word stops being read as one number;
        // folded plurals that cross it; capitals at every place.
        "Abcdefghijklmnop",
        "abcdefghijklmnopQ",
        "ABCDEFGHIJKLMNOPs",
        "ABCDEFGHIJKLMNies",
        "abcdefghijklmnopqries",
        "ZeBrAs",
        "@[`{",
        "abcdefghijklmnopqrstuvwxyzabcdef",
        "abcdefghijklmnopqrstuvwxyzabcdefg",
        "ÄRGER",
        "is",
        "us",
        "bees",
        "\n",
        "§",
        "ǅ",
        "ﬁ",
        "𝔘𝔫𝔦",
        "And",
        "with",
        "WERE",
        "its",
        "From",
        "process",
        "Calls",
    ];
    let mut dice = Dice(0x9e37_79b9_7f4a_7c15);
    for round in 0..3000 {
        // Long texts too: words that cross the 64-byte blocks the text is
        // read in, and texts that end inside a word.
        let pieces_in_text = [12, 90][round % 2];
        let text = random_text(&pieces, pieces_in_text, &mut dice);
        assert_eq!(
            tokens(&text).collect::<Vec<_>>(),
            tokens_by_characters(&text),
            "{text:?}"
        );
    }
}

#[test]
fn no_stop_word_is_longer_than_the_shortcut_allows() {
    let longest = STOP_WORDS.iter().map(|w| w.len()).max().unwrap_or(0);
    assert!(longest <= super::tokenize::LONGEST_STOP_WORD, "{longest}");
}

/// A sink that holds the files of the last index it was given and keeps
/// one when asked for a file of the same fingerprint.
#[derive(Default)]
struct KeepingSink {
    last: std::collections::HashMap<String, Vec<u8>>,
    files: std::sync::Mutex<std::collections::HashMap<String, Vec<u8>>>,
    kept: std::sync::atomic::AtomicUsize,
}

impl Sink for KeepingSink {
    fn write(&self, rel: &str, bytes: &[u8]) -> Result<(), OutputError> {
        self.files
            .lock()
            .unwrap()
            .insert(rel.to_string(), bytes.to_vec());
        Ok(())
    }
    fn copy(&self, _: &str, _: &std::path::Path) -> Result<(), OutputError> {
        unreachable!("the index copies nothing")
    }
    fn keep(&self, rel: &str, print: crate::output::Fingerprint) -> Result<bool, OutputError> {
        match self.last.get(rel) {
            Some(bytes) if crate::output::fingerprint(bytes) == print => {
                self.kept.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                self.write(rel, &bytes.clone())?;
                Ok(true)
            }
            _ => Ok(false),
        }
    }
}

/// After a one-page edit, the document shards of entries the last index
/// joined are kept, not joined again, and the index is the one made from
/// nothing.
#[test]
fn document_shards_of_the_same_entries_are_kept() {
    // Sealed: an entry is kept under a key made of the text's print.
    let sealed = |text: &str| {
        let mut rendered = rendered(text, &[]);
        rendered.seal_text();
        rendered
    };
    let mut texts: Vec<Rendered> = (0..3000)
        .map(|i| sealed(&format!("word{i} common filler{} text ", i % 97)))
        .collect();
    let titles: Vec<String> = (0..3000).map(|i| format!("Page {i}")).collect();
    let memo = SearchMemo::default();
    let index = Index {
        memo: Some(&memo),
        after_use: AfterUse::Keep,
    };
    let write = |texts: &[Rendered], sink: &KeepingSink| {
        let pages = numbered_pages(texts, &titles);
        write_unless(&pages, &|| false, index, sink).unwrap();
        build(&pages)
    };
    let first = KeepingSink::default();
    write(&texts, &first);
    let doc_shards = first
        .files
        .lock()
        .unwrap()
        .keys()
        .filter(|f| f.contains("/d"))
        .count();
    assert!(doc_shards > 10, "{doc_shards}");
    texts[1500] = sealed("an edited page with other words");
    let second = KeepingSink {
        last: first.files.into_inner().unwrap(),
        ..KeepingSink::default()
    };
    let from_nothing = write(&texts, &second);
    let kept = second.kept.load(std::sync::atomic::Ordering::Relaxed);
    assert!(
        kept >= doc_shards - 2 && kept < doc_shards,
        "{kept} of {doc_shards}"
    );
    let mut written: Vec<(String, Vec<u8>)> =
        second.files.into_inner().unwrap().into_iter().collect();
    written.sort_by_key(|file| shard_order(&file.0));
    assert!(
        written == from_nothing,
        "the index differs from one made from nothing"
    );
}

/// Terms of up to 16 bytes are counted by their bytes as a number, longer
/// ones by their text: both come out whole, with their weights, at the
/// edges (16 and 17 bytes, two-byte characters) too.
#[test]
fn short_and_long_terms_come_out_whole() {
    let text = "ab ab abcdefghijklmnop abcdefghijklmnopq abcdefghi abcdefgh über überüber \
                eighteenletters1234 internationalization ab ";
    let a = rendered(text, &[]);
    let page = SearchPage {
        source: "page.md",
        owners: &[],
        title: "Überblick",
        url: "/a/".into(),
        rendered: &a,
    };
    let entry = page_entry(&page, None);
    let mut terms: Vec<(String, u32, bool)> = entry
        .terms()
        .map(|t| (t.term.to_string(), t.weight, t.in_title))
        .collect();
    terms.sort();
    let mut expected: Vec<(String, u32, bool)> = tokens(text)
        .fold(std::collections::BTreeMap::new(), |mut counts, word| {
            *counts.entry(word).or_insert(0) += 1;
            counts
        })
        .into_iter()
        .map(|(word, n)| (word, n, false))
        .collect();
    expected.push(("überblick".into(), TITLE_WEIGHT, true));
    expected.sort();
    assert_eq!(terms, expected);
    let lengths: Vec<usize> = terms.iter().map(|(t, _, _)| t.len()).collect();
    for edge in [2, 8, 9, 16, 17] {
        assert!(lengths.contains(&edge), "{lengths:?}");
    }
}

/// Hit JSON kept out of memory (a build keeps it in its body store) makes
/// the same index as JSON packed in memory; JSON lost on the way is an
/// error that names its page's file, not a hit that shows nothing.
#[test]
fn hit_json_kept_in_a_store_makes_the_same_index_and_a_lost_one_names_its_page() {
    use crate::markdown::{BodyAt, BodyBytes, BodyInFile};
    use std::sync::{Arc, Mutex};
    #[derive(Debug, Default)]
    struct Scratch(Mutex<Vec<u8>>);
    impl BodyBytes for Scratch {
        fn read_into(&self, offset: u64, len: usize, out: &mut Vec<u8>) -> bool {
            let bytes = self.0.lock().unwrap();
            match bytes.get(offset as usize..offset as usize + len) {
                Some(held) => out.extend_from_slice(held),
                None => return false,
            }
            true
        }
    }
    struct Store(Arc<Scratch>);
    impl DocStore for Store {
        fn keep_doc(&self, json: String) -> Result<StoredDoc, String> {
            let json = json.as_bytes();
            let mut bytes = self.0 .0.lock().unwrap();
            let (offset, len) = (bytes.len() as u64, json.len() as u32);
            bytes.extend_from_slice(json);
            let print = xxhash_rust::xxh3::xxh3_64(json);
            let at = BodyAt {
                segment: 0,
                offset,
                len,
                print,
            };
            let file = BodyInFile {
                file: Arc::clone(&self.0) as Arc<dyn BodyBytes>,
                offset,
                len,
                print,
            };
            Ok(StoredDoc {
                at,
                file: Some(file),
            })
        }
    }
    let texts: Vec<Rendered> = (0..300)
        .map(|i| {
            rendered(
                &format!("word{i} common \"quoted\" filler{} text ", i % 7),
                &[],
            )
        })
        .collect();
    let titles: Vec<String> = (0..300).map(|i| format!("Page {i}")).collect();
    let sources: Vec<String> = (0..300).map(|i| format!("area/p{i}.md")).collect();
    let mut pages = numbered_pages(&texts, &titles);
    for (page, source) in pages.iter_mut().zip(&sources) {
        page.source = source;
    }
    let scratch = Arc::new(Scratch::default());
    let store = Store(Arc::clone(&scratch));
    let entries: Vec<PageEntry> = pages
        .iter()
        .map(|page| page_entry(page, Some(&store)))
        .collect();
    assert!(entries.iter().all(|entry| entry.doc_place().is_some()));
    let write = || {
        let sink = MemorySink::default();
        let sources = pages.iter().map(|page| page.source);
        write_index(entries.iter(), sources, &sink, None).map(|()| {
            let mut files: Vec<(String, Vec<u8>)> =
                sink.files.into_inner().unwrap().into_iter().collect();
            files.sort_by_key(|file| shard_order(&file.0));
            files
        })
    };
    assert!(write().unwrap() == build(&pages), "the index differs");
    let lost = entries[123].doc_place().unwrap();
    scratch.0.lock().unwrap()[lost.offset as usize + 3] ^= 1;
    match write() {
        Err(OutputError::SearchEntryLost { page }) => assert_eq!(page, "area/p123.md"),
        other => panic!("{:?}", other.map(|files| files.len())),
    }
}
