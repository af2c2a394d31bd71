//! The front matter fast path (`yaml::flat`) against the YAML parser: every
//! page of the three real corpora, the same front matter with hostile edits
//! at every kind of place, and a list of the shapes YAML reads in surprising
//! ways. Whatever the fast path answers must be exactly what the parser
//! gives, value for value and error for error (message, line, column).

use crate::common;

use std::path::Path;

use handbook::content::front_matter::{self, Format};
use handbook::yaml::{self, YamlError};

/// The YAML front matter of every Markdown page below `root`.
fn front_matters(root: &Path) -> Vec<(String, String)> {
    let mut found = Vec::new();
    for entry in walkdir::WalkDir::new(root).sort_by_file_name() {
        let Ok(entry) = entry else { continue };
        let name = entry.file_name().to_string_lossy();
        let is_page = [".md", ".markdown", ".md.erb", ".html.md", ".html.md.erb"]
            .iter()
            .any(|ext| name.ends_with(ext));
        if !entry.file_type().is_file() || !is_page {
            continue;
        }
        let Ok(text) = std::fs::read_to_string(entry.path()) else {
            continue;
        };
        let text = text.trim_start_matches('\u{feff}');
        let Ok(split) = front_matter::split(text) else {
            continue;
        };
        if split.format == Format::Yaml {
            found.push((
                entry.path().display().to_string(),
                text[split.front.clone()].to_string(),
            ));
        }
    }
    found
}

fn outcome(result: Result<serde_json::Value, YamlError>) -> Result<serde_json::Value, String> {
    result.map_err(|e| format!("{} at {:?}", e.message, e.location))
}

/// Both ways the same; whether the fast path answered.
fn assert_same(name: &str, text: &str) -> bool {
    let fast = yaml::flat::mapping(text);
    let answered = fast.is_some();
    let by_parser = outcome(yaml::to_json_by_parser(text));
    if let Some(map) = fast {
        assert_eq!(
            Ok(serde_json::Value::Object(map)),
            by_parser,
            "{name}: the fast path differs from the parser on\n{text}"
        );
    }
    assert_eq!(
        outcome(yaml::to_json(text)),
        by_parser,
        "{name}: to_json differs from the parser on\n{text}"
    );
    answered
}

const CORPORA: [&str; 3] = [
    "gitlab-handbook",
    "microsoft-playbook",
    "homeoffice-engineering",
];

#[test]
fn every_corpus_page_reads_the_same_both_ways() {
    let (mut pages, mut answered) = (0, 0);
    for corpus in CORPORA {
        let Some(root) = common::shared_corpus(corpus) else {
            return;
        };
        let fronts = front_matters(&root);
        let read_fast = fronts
            .iter()
            .filter(|(name, text)| assert_same(name, text))
            .count();
        eprintln!(
            "{corpus}: {read_fast} of {} front matters read by the fast path",
            fronts.len()
        );
        pages += fronts.len();
        answered += read_fast;
    }
    assert!(pages > 1000, "only {pages} pages with YAML front matter");
    // The fast path must carry the common shapes, or it is no use.
    assert!(
        answered * 10 > pages * 8,
        "the fast path read only {answered} of {pages}"
    );
}

/// The corpora's YAML files (MkDocs and Eleventy settings, data files, CI
/// definitions) go through the same reader.
#[test]
fn every_corpus_yaml_file_reads_the_same_both_ways() {
    let mut files = 0;
    for corpus in CORPORA {
        let Some(root) = common::shared_corpus(corpus) else {
            return;
        };
        for entry in walkdir::WalkDir::new(&root).sort_by_file_name() {
            let Ok(entry) = entry else { continue };
            let name = entry.file_name().to_string_lossy();
            if !(name.ends_with(".yml") || name.ends_with(".yaml")) {
                continue;
            }
            let Ok(text) = std::fs::read_to_string(entry.path()) else {
                continue;
            };
            assert_same(&entry.path().display().to_string(), &text);
            files += 1;
        }
    }
    assert!(files > 10, "only {files} YAML files");
}

/// Edits that YAML reads in ways of their own, put at every kind of place.
const HOSTILE: &[&str] = &[
    "\"",
    "'",
    "\\",
    "#",
    " #",
    ": ",
    ":",
    "-",
    "- ",
    "\t",
    "\r",
    "\r\n",
    "\u{85}",
    "\u{2028}",
    "\u{feff}",
    "\u{7f}",
    "\u{1}",
    "\u{a0}",
    "[",
    "]",
    "{",
    "}",
    ",",
    "&a ",
    "*a",
    "!tag ",
    "!!str ",
    "|",
    ">",
    "~",
    "yes",
    "No",
    "ON",
    "Null",
    "TRUE",
    "y",
    "0x1F",
    "007",
    "0",
    "-0",
    "+1",
    "1.5",
    "1e3",
    ".inf",
    "-.inf",
    ".NaN",
    "nan",
    "Infinity",
    "12:30",
    "2024-05-01",
    "2024-5-1",
    " ",
    "  ",
    "\n",
    "\n  ",
    "\n- ",
    "\n  - ",
    "\n---\n",
    "\n...\n",
    "%YAML 1.2\n",
    "@",
    "`",
    "?",
    "? ",
    "<<: ",
    "é",
    "日本",
    "😀",
    "\"\"",
    "''",
    "a\"b",
    "it's",
    "C#",
    "https://x.example/a?b=c#d",
    "99999999999999999999",
    "-9223372036854775808",
    "title",
    "title: x\n",
];

/// Front matter as the benchmark handbook and cadence pages write it.
const SYNTHETIC: &[&str] = &[
    "title: \"Close weekly 0 9999\"\nweight: 9\n",
    "title: \"Outcome 0 9996\"\nweight: 6\ncadence:\n  - activity: Outcome 0\n    every: annual\n    owner: Owner 1\n    section: outcome-0\n",
    "title: Team page\ntags:\n- handbook\n- people\ndate: 2024-05-01\n",
];

/// A small deterministic generator (xorshift), so a failure replays.
struct Rng(u64);
impl Rng {
    fn next(&mut self, below: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % below as u64) as usize
    }
}

/// Where an edit goes: any character boundary of the text.
fn boundary(text: &str, rng: &mut Rng) -> usize {
    let boundaries: Vec<usize> = text
        .char_indices()
        .map(|(i, _)| i)
        .chain([text.len()])
        .collect();
    boundaries[rng.next(boundaries.len())]
}

#[test]
fn hostile_edits_of_corpus_front_matter_read_the_same_both_ways() {
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let mut edited = 0;
    let mut answered = 0;
    for corpus in CORPORA {
        let Some(root) = common::shared_corpus(corpus) else {
            return;
        };
        let mut sources = front_matters(&root);
        // The shapes of the benchmark handbook and of cadence pages, edited
        // more often than any one corpus page.
        for _ in 0..100 {
            sources.extend(
                SYNTHETIC
                    .iter()
                    .map(|t| ("synthetic".to_string(), t.to_string())),
            );
        }
        for (name, text) in sources {
            // One, two or three edits per page, in every page.
            for _ in 0..3 {
                let mut text = text.clone();
                for _ in 0..=rng.next(3) {
                    let at = boundary(&text, &mut rng);
                    text.insert_str(at, HOSTILE[rng.next(HOSTILE.len())]);
                }
                if assert_same(&name, &text) {
                    answered += 1;
                }
                edited += 1;
            }
        }
    }
    eprintln!("{answered} of {edited} edited front matters read by the fast path");
}

#[test]
fn shapes_yaml_reads_its_own_way_read_the_same_both_ways() {
    let values = HOSTILE.iter().copied().chain([
        "plain words",
        "two  spaces",
        "/a/path/",
        "Don't panic",
        "a: b",
        "a:b",
        "ends with:",
        "a [b] {c}, d",
        "\"quoted\"",
        "'single'",
        "\"esc\\\"aped\"",
        "'it''s'",
        "\"a\" trailing",
        "\"unclosed",
        "42",
        "-42",
        "123456789012345678",
        "1234567890123456789",
        "-0",
        "00",
        "2024-05-01",
        "2024-05-01T10:00:00Z",
        "true",
        "True",
        "off",
        "~",
        "",
    ]);
    let mut texts = Vec::new();
    for value in values {
        texts.push(format!("title: {value}\n"));
        texts.push(format!("title: {value}"));
        texts.push(format!("a: 1\ntitle: {value}\nb: two\n"));
        texts.push(format!("tags:\n  - {value}\n  - b\n"));
        texts.push(format!("tags:\n- {value}\n"));
        texts.push(format!("{value}: x\n"));
        texts.push(format!("key{value}: x\n"));
    }
    texts.extend(
        [
            "title: a\ntitle: b\n",
            "tags:\n  - a\n - b\n",
            "tags:\n  - a\n    - b\n",
            "tags:\n  - a\n  b\n",
            "tags:\n\n  - a\n# note\n  - b\nnext: 1\n",
            "tags:\n  -\n",
            "tags:\n  - \n",
            "empty:\nnext: x\n",
            "cadence:\n  - activity: Review\n    every: annual\n    owner: Owner 1\n",
            "cadence:\n- activity: Review\n  every: annual\ntitle: x\n",
            "cadence:\n  - activity: A\n    every: month\n  - activity: B\n    weight: 3\n",
            "cadence:\n  - activity: A\n      every: month\n",
            "cadence:\n  - activity: A\n   every: month\n",
            "cadence:\n  -  activity: A\n     every: month\n",
            "cadence:\n  - activity: A\n    activity: B\n",
            "cadence:\n  - activity: A\n    every:\n      - month\n",
            "cadence:\n  - activity: A\n\n    every: month\n",
            "cadence:\n  - activity: A\n    # note\n    every: month\n",
            "cadence:\n  - y: A\n",
            "cadence:\n  - activity: A\n    - b\n",
            "cadence:\n  - activity:\n    every: month\n",
            "empty:",
            "# only a comment\n",
            "  # indented comment\ntitle: x\n",
            "title: x\n  continued\n",
            "title: x\n\n",
            "\n\ntitle: x",
            "title:  extra spaces before",
            "title:x",
            "title : x",
            " title: x",
            "y: 1",
            "Y: 1",
            "_private: 1",
            "with-dash: 1",
            "9lives: 1",
        ]
        .map(String::from),
    );
    texts.push(format!("{}: long key\n", "k".repeat(1100)));
    texts.push(format!("title: {}\n", "word ".repeat(2000).trim_end()));
    let mut answered = 0;
    for text in &texts {
        if assert_same("shape", text) {
            answered += 1;
        }
    }
    assert!(answered > 100, "the fast path read only {answered} shapes");
    for text in SYNTHETIC {
        assert!(
            yaml::flat::mapping(text).is_some(),
            "not read fast:\n{text}"
        );
    }
}
