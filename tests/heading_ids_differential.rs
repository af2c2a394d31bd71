//! Heading ids against the generators' own code. Each test renders real pages
//! (the corpora) with the real tool — kramdown, Python-Markdown, markdown-it
//! with markdown-it-anchor, remark with rehype-slug, Redcarpet with tech-docs'
//! id generator — through the small drivers in `tests/differential/` (Hugo
//! builds a throwaway site), and with
//! `handbook`'s own pipeline (`build::load`, or `markdown::render` for heading
//! lists), and compares the ids page by page. Disagreements are printed.
//!
//! The tools are installed by `.ci/run`; with `HANDBOOK_REQUIRE_DIFFERENTIAL=1`
//! (or `CI=true`) a missing one fails the test instead of skipping it.

use crate::common;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use handbook::config::{Config, HeadingIdFlavor, Overrides};
use handbook::diagnostics::Severity;
use handbook::markdown::{self, AfterUse, RenderOptions};

const REQUIRE: &str = "HANDBOOK_REQUIRE_DIFFERENTIAL";

fn drivers() -> PathBuf {
    common::project_root().join("tests/differential")
}

/// A driver, when its tool can run here; otherwise the skip policy decides.
fn driver(program: &str, args: &[&str], probe: &[&str], what: &str) -> Option<Command> {
    let works = Command::new(program)
        .args(probe)
        .current_dir(drivers())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !works {
        common::skip(REQUIRE, &format!("{what} is not installed ({program})"));
        return None;
    }
    let mut command = Command::new(program);
    command.args(args).current_dir(drivers());
    Some(command)
}

fn kramdown() -> Option<Command> {
    driver(
        "ruby",
        &["kramdown_ids.rb"],
        &["-e", "require 'kramdown'; require 'kramdown-parser-gfm'"],
        "kramdown with kramdown-parser-gfm (apt: ruby-kramdown ruby-kramdown-parser-gfm)",
    )
}

fn python_markdown() -> Option<Command> {
    driver(
        "python3",
        &["python_markdown_ids.py"],
        &["-c", "import markdown, pymdownx, mdx_truly_sane_lists, yaml"],
        "Python-Markdown with MkDocs' extensions (pip: Markdown pymdown-extensions mdx_truly_sane_lists)",
    )
}

fn node(mode: &str) -> Option<Command> {
    driver(
        "node",
        &["node_ids.mjs", mode],
        &[
            "-e",
            "import('markdown-it-anchor').then(() => import('rehype-slug'))",
        ],
        "markdown-it-anchor and rehype-slug (npm ci --prefix tests/differential)",
    )
}

fn redcarpet() -> Option<Command> {
    driver(
        "ruby",
        &["redcarpet_ids.rb"],
        &["-e", "require 'redcarpet'"],
        "Redcarpet (apt: ruby-redcarpet)",
    )
}

/// Each document's heading ids from a driver ("" for a heading without one).
fn tool_ids(mut command: Command, documents: &[&str]) -> Vec<Option<Vec<String>>> {
    let input = serde_json::to_vec(documents).expect("json");
    let mut child = command
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("driver starts");
    let mut stdin = child.stdin.take().expect("stdin");
    let writer = std::thread::spawn(move || stdin.write_all(&input));
    let output = child.wait_with_output().expect("driver runs");
    writer
        .join()
        .expect("writer")
        .expect("driver reads its input");
    assert!(output.status.success(), "driver {command:?} failed");
    let ids: Vec<Option<Vec<String>>> =
        serde_json::from_slice(&output.stdout).expect("driver prints JSON");
    assert_eq!(ids.len(), documents.len(), "one answer per document");
    ids
}

/// One page: its name, the text both renderers read, and handbook's ids.
struct Page {
    name: String,
    body: String,
    ids: Vec<String>,
}

/// Every page of a site as `handbook` loads it (its real options: the
/// detected generator's, or the site.toml's).
fn handbook_pages(config: &Config, expected: HeadingIdFlavor) -> Vec<Page> {
    assert_eq!(config.site.markdown.heading_ids, expected);
    let loaded = handbook::build::load(config, false, Severity::Warning, &[], AfterUse::Keep);
    loaded
        .content
        .pages
        .iter()
        .zip(&loaded.rendered)
        .map(|(page, rendered)| Page {
            name: page.rel_path.clone(),
            body: page.held_body().unwrap_or_default().to_string(),
            ids: rendered
                .headings
                .iter()
                .map(|h| h.id.clone().unwrap_or_default())
                .collect(),
        })
        .collect()
}

/// Heading ids agreeing between the tool and handbook, page by page. The two
/// id lists are aligned on their longest common subsequence; in each gap
/// between agreeing ids, headings on both sides pair up as one heading with
/// two different ids, and the rest are headings only one side sees (where
/// `handbook` reads Markdown that the tool keeps as raw HTML, say), which
/// are counted and printed apart: they are no id rule's doing.
#[derive(Default)]
struct Agreement {
    agreed: usize,
    differing: usize,
    one_sided: usize,
    failed_documents: Vec<String>,
    disagreements: Vec<String>,
}

impl Agreement {
    fn add(&mut self, name: &str, tool: Option<&[String]>, ours: &[String]) {
        let Some(tool) = tool else {
            self.failed_documents.push(name.to_string());
            return;
        };
        let common = longest_common_subsequence(tool, ours);
        self.agreed += common.len();
        let mut lines = Vec::new();
        let (mut t, mut o) = (0, 0);
        for &(next_t, next_o) in common.iter().chain([&(tool.len(), ours.len())]) {
            let (gap_tool, gap_ours) = (&tool[t..next_t], &ours[o..next_o]);
            let pairs = gap_tool.len().min(gap_ours.len());
            self.differing += pairs;
            self.one_sided += gap_tool.len().max(gap_ours.len()) - pairs;
            for (a, b) in gap_tool.iter().zip(gap_ours) {
                lines.push(format!("    tool {a:?}, handbook {b:?}"));
            }
            if gap_tool.len() > pairs {
                lines.push(format!("    only the tool: {:?}", &gap_tool[pairs..]));
            }
            if gap_ours.len() > pairs {
                lines.push(format!("    only handbook: {:?}", &gap_ours[pairs..]));
            }
            (t, o) = (next_t + 1, next_o + 1);
        }
        if !lines.is_empty() {
            self.disagreements
                .push(format!("{name}\n{}", lines.join("\n")));
        }
    }

    /// Of the headings both sides see, the share with the same id.
    fn rate(&self) -> f64 {
        let compared = self.agreed + self.differing;
        if compared == 0 {
            return 1.0;
        }
        self.agreed as f64 / compared as f64
    }

    /// Prints the numbers and every disagreement; fails below `at_least`, or
    /// when more than 1% of the headings are seen by one side only.
    fn assert_at_least(&self, tool: &str, at_least: f64) {
        let compared = self.agreed + self.differing;
        eprintln!(
            "{tool}: {} of {compared} heading ids agree ({:.3}%); {} headings only one side sees; {} pages differ; {} documents the tool failed on",
            self.agreed,
            self.rate() * 100.0,
            self.one_sided,
            self.disagreements.len(),
            self.failed_documents.len()
        );
        for d in &self.disagreements {
            eprintln!("  {d}");
        }
        assert!(compared > 0, "{tool}: no headings compared");
        assert!(
            self.failed_documents.is_empty(),
            "{tool} failed on {:?}",
            self.failed_documents
        );
        assert!(
            self.rate() >= at_least,
            "{tool}: {:.3}% of heading ids agree, below {:.3}%",
            self.rate() * 100.0,
            at_least * 100.0
        );
        assert!(
            self.one_sided * 100 <= compared,
            "{tool}: {} headings seen by one side only",
            self.one_sided
        );
    }
}

/// Index pairs of a longest common subsequence of `a` and `b`.
fn longest_common_subsequence(a: &[String], b: &[String]) -> Vec<(usize, usize)> {
    let mut table = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for i in (0..a.len()).rev() {
        for j in (0..b.len()).rev() {
            table[i][j] = if a[i] == b[j] {
                table[i + 1][j + 1] + 1
            } else {
                table[i + 1][j].max(table[i][j + 1])
            };
        }
    }
    let (mut i, mut j, mut pairs) = (0, 0, Vec::new());
    while i < a.len() && j < b.len() {
        if a[i] == b[j] {
            pairs.push((i, j));
            i += 1;
            j += 1;
        } else if table[i + 1][j] >= table[i][j + 1] {
            i += 1;
        } else {
            j += 1;
        }
    }
    pairs
}

fn compare_pages(tool: Command, pages: &[Page]) -> Agreement {
    let documents: Vec<&str> = pages.iter().map(|p| p.body.as_str()).collect();
    let answers = tool_ids(tool, &documents);
    let mut agreement = Agreement::default();
    for (page, answer) in pages.iter().zip(&answers) {
        agreement.add(&page.name, answer.as_deref(), &page.ids);
    }
    agreement
}

#[test]
fn kramdown_gfm_ids_match_kramdown_on_the_gitlab_handbook() {
    let Some(corpus) = common::corpus() else {
        return;
    };
    let Some(tool) = kramdown() else {
        return;
    };
    let overrides = Overrides {
        content_dir: Some(corpus),
        ..Overrides::default()
    };
    let config = Config::load(&common::corpus_site(), &overrides).expect("corpus config");
    let pages = handbook_pages(&config, HeadingIdFlavor::KramdownGfm);
    assert!(pages.len() > 1000, "{} pages", pages.len());
    compare_pages(tool, &pages).assert_at_least("kramdown", 0.999);
}

#[test]
fn python_markdown_ids_match_python_markdown_on_the_mkdocs_playbook() {
    let Some(root) = common::shared_corpus("microsoft-playbook") else {
        return;
    };
    let Some(mut tool) = python_markdown() else {
        return;
    };
    tool.arg("--mkdocs").arg(root.join("mkdocs.yml"));
    let config = Config::load(&root, &Overrides::default()).expect("config");
    let pages = handbook_pages(&config, HeadingIdFlavor::PythonMarkdown);
    assert!(pages.len() > 200, "{} pages", pages.len());
    compare_pages(tool, &pages).assert_at_least("Python-Markdown", 0.99);
}

#[test]
fn markdown_it_ids_match_markdown_it_anchor_on_the_eleventy_handbook() {
    let Some(root) = common::shared_corpus("homeoffice-engineering") else {
        return;
    };
    let Some(tool) = node("markdown-it") else {
        return;
    };
    let config = Config::load(&root, &Overrides::default()).expect("config");
    let pages = handbook_pages(&config, HeadingIdFlavor::MarkdownIt);
    assert!(pages.len() > 50, "{} pages", pages.len());
    compare_pages(tool, &pages).assert_at_least("markdown-it-anchor", 0.99);
}

/// Headings that tell slug rules apart: punctuation, emoji, CJK, accents,
/// duplicates, and code, links, emphasis, images and HTML inside headings.
const EDGE_CASES: &str = "\
## Hello, World!
## Hello, World!
## hello-world
## What's new? (v2.0)
## Q&A \u{2013} \u{201c}quotes\u{201d} and \u{2018}single\u{2019}
## a -- b --- c ... d
## security.txt
## \u{1f389} Party time \u{1f389}
## Emoji \u{26a0}\u{fe0f} warning
## \u{1f469}\u{200d}\u{1f4bb} Developer
## \u{65e5}\u{672c}\u{8a9e}\u{306e}\u{898b}\u{51fa}\u{3057}
## \u{4e2d}\u{6587}\u{6807}\u{9898} and English
## \u{d55c}\u{ad6d}\u{c5b4}
## Caf\u{e9} cr\u{e8}me br\u{fb}l\u{e9}e
## Cafe\u{301} decomposed
## \u{dc}n\u{ef}c\u{f6}d\u{e9} \u{c4}ccents
## \u{3a3}\u{391}\u{3a3} \u{3c3}\u{3b1}\u{3c2}
## \u{130}stanbul
## `code` in heading
## Link to [docs](https://example.com) here
## *Emphasis* and **strong** and ~~strike~~
## Image ![alt text](i.png) inside
## <span>Raw HTML</span> heading
## Entity &amp; &lt;tag&gt; &quot;q&quot;
## Trailing spaces   
##   Leading spaces
## Tab\tseparated
## 1. Numbered heading
## 100%
## $price and #hash @at
## under_score and dash-ed
## Dots...and\u{2026}ellipsis
## C++ / C# / F#
## Version 1.2.3
## <<guillemets>>
## Non\u{a0}breaking space
## Zero\u{200b}width
## Duplicate
## Duplicate
### Duplicate
## Duplicate-1
## Duplicate
#### Deep
##### Deeper
###### Deepest
Setext heading
==============
Another one
-----------
";

/// The ATX headings of every Markdown file of a corpus (outside code
/// fences, without kramdown attributes or template tags, which only
/// `handbook` and kramdown read), one document per file.
fn heading_lines_of(corpus: &Path) -> Vec<String> {
    let mut documents = Vec::new();
    let mut files: Vec<PathBuf> = walk(corpus);
    files.sort();
    for file in files {
        let Ok(text) = std::fs::read_to_string(&file) else {
            continue;
        };
        let mut in_fence = false;
        let mut document = String::new();
        for line in text.lines() {
            let trimmed = line.trim_start();
            if trimmed.starts_with("```") || trimmed.starts_with("~~~") {
                in_fence = !in_fence;
                continue;
            }
            let hashes = line.bytes().take_while(|&b| b == b'#').count();
            let is_heading = (1..=6).contains(&hashes) && line[hashes..].starts_with(' ');
            let templated = ["{:", "{#", "{%", "{{", "<%", "{."]
                .iter()
                .any(|t| line.contains(t));
            if !in_fence && is_heading && !templated {
                document.push_str(line);
                document.push_str("\n\n");
            }
        }
        if !document.is_empty() {
            documents.push(document);
        }
    }
    documents
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return out;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let name = entry.file_name().to_string_lossy().to_string();
        if path.is_dir() && name != "node_modules" && !name.starts_with('.') {
            out.extend(walk(&path));
        } else if name.ends_with(".md") || name.ends_with(".md.erb") {
            out.push(path);
        }
    }
    out
}

/// The heading lists of all three corpora (those present) and the edge cases.
fn heading_documents() -> Vec<String> {
    let mut documents = vec![EDGE_CASES.to_string()];
    for name in [
        "gitlab-handbook",
        "microsoft-playbook",
        "homeoffice-engineering",
    ] {
        if let Some(corpus) = common::shared_corpus(name) {
            documents.extend(heading_lines_of(&corpus));
        }
    }
    documents
}

/// `handbook`'s ids for each document, rendered on its own.
fn rendered_ids(
    documents: &[String],
    flavor: HeadingIdFlavor,
    smart_punctuation: bool,
) -> Vec<Vec<String>> {
    let rewrite = |_: &str| None;
    let options = RenderOptions {
        flavor,
        highlight: false,
        smart_punctuation,
        parse_block_html: false,
        erb: false,
        erb_show: false,
        base_path: "",
        html: false,
        rewrite_link: &rewrite,
        raw_html: markdown::RawHtml::PassThrough,
        script_links: markdown::ScriptLinks::Drop,
        templates: None,
        liquid: false,
        zola_shortcodes: false,
        mdbook_includes: false,
        mdx: false,
        math: markdown::math::SingleDollar::Text,
    };
    documents
        .iter()
        .map(|d| {
            markdown::render(d, 0, &options)
                .headings
                .iter()
                .map(|h| h.id.clone().unwrap_or_default())
                .collect()
        })
        .collect()
}

fn compare_headings(
    tool: Command,
    tool_name: &str,
    flavor: HeadingIdFlavor,
    smart_punctuation: bool,
) {
    let documents = heading_documents();
    let texts: Vec<&str> = documents.iter().map(String::as_str).collect();
    let answers = tool_ids(tool, &texts);
    let ours = rendered_ids(&documents, flavor, smart_punctuation);
    let mut agreement = Agreement::default();
    for (index, (answer, ours)) in answers.iter().zip(&ours).enumerate() {
        let name = if index == 0 {
            "edge cases".to_string()
        } else {
            format!(
                "headings of corpus file {index}: {}",
                texts[index].lines().next().unwrap_or("")
            )
        };
        agreement.add(&name, answer.as_deref(), ours);
    }
    // The edge cases alone must agree entirely.
    let mut edge = Agreement::default();
    edge.add("edge cases", answers[0].as_deref(), &ours[0]);
    agreement.assert_at_least(tool_name, 0.999);
    edge.assert_at_least(&format!("{tool_name} (edge cases)"), 1.0);
}

#[test]
fn github_ids_match_rehype_slug_on_corpus_headings_and_edge_cases() {
    let Some(tool) = node("rehype-slug") else {
        return;
    };
    // GitHub renders quotes and dashes as typed.
    compare_headings(tool, "rehype-slug", HeadingIdFlavor::Github, false);
}

#[test]
fn redcarpet_ids_match_tech_docs_on_corpus_headings_and_edge_cases() {
    let Some(tool) = redcarpet() else {
        return;
    };
    // tech-docs pages get SmartyPants, after the ids are made.
    compare_headings(
        tool,
        "tech-docs (Redcarpet)",
        HeadingIdFlavor::Redcarpet,
        true,
    );
}

/// What a tool's id rule makes of every single code point, as its driver's
/// `--characters` mode writes it.
#[derive(serde::Deserialize)]
struct CharacterRule {
    removed: Vec<(u32, u32)>,
    changed: std::collections::HashMap<String, String>,
    /// Code points the tool's Unicode tables leave unassigned: versions
    /// differ there, and no heading uses them.
    unassigned: Vec<(u32, u32)>,
}

fn in_ranges(ranges: &[(u32, u32)], code: u32) -> bool {
    let at = ranges.partition_point(|&(_, last)| last < code);
    ranges.get(at).is_some_and(|&(first, _)| first <= code)
}

/// `handbook`'s base id of every assigned code point against the tool's
/// (`command` is the driver in its `--characters` mode).
fn compare_characters(mut command: Command, tool: &str, flavor: HeadingIdFlavor) {
    let output = command
        .stderr(Stdio::inherit())
        .output()
        .expect("driver runs");
    assert!(output.status.success(), "{tool} --characters failed");
    let rule: CharacterRule = serde_json::from_slice(&output.stdout).expect("driver prints JSON");
    let mut checked = 0usize;
    let mut differing = Vec::new();
    for c in (0..=0x10ffffu32).filter_map(char::from_u32) {
        let code = c as u32;
        if in_ranges(&rule.unassigned, code) {
            continue;
        }
        let expected = if in_ranges(&rule.removed, code) {
            String::new()
        } else {
            rule.changed
                .get(&code.to_string())
                .cloned()
                .unwrap_or_else(|| c.to_string())
        };
        let ours = handbook::markdown::ids::base_id(&c.to_string(), flavor);
        checked += 1;
        if ours != expected {
            differing.push(format!(
                "U+{code:04X} {c:?}: {tool} {expected:?}, handbook {ours:?}"
            ));
        }
    }
    eprintln!(
        "{tool}: {} of {checked} assigned code points give the same id",
        checked - differing.len()
    );
    assert!(checked > 100_000, "{checked} code points checked");
    assert!(
        differing.is_empty(),
        "{} code points differ:\n{}",
        differing.len(),
        differing.join("\n")
    );
}

#[test]
fn kramdown_gfm_rule_matches_kramdown_on_every_code_point() {
    if let Some(mut tool) = kramdown() {
        tool.arg("--characters");
        compare_characters(tool, "kramdown", HeadingIdFlavor::KramdownGfm);
    }
}

#[test]
fn github_rule_matches_github_slugger_on_every_code_point() {
    if let Some(tool) = node("--characters") {
        compare_characters(tool, "github-slugger", HeadingIdFlavor::Github);
    }
}

#[test]
fn python_markdown_rule_matches_python_markdown_on_every_code_point() {
    if let Some(mut tool) = python_markdown() {
        tool.arg("--characters");
        compare_characters(tool, "Python-Markdown", HeadingIdFlavor::PythonMarkdown);
    }
}

/// Hugo's ids: each document becomes a page of a bare Hugo site (goldmark
/// with its defaults, a layout that prints only the content), and the ids
/// are read from the pages Hugo writes.
fn hugo_ids(documents: &[String]) -> Vec<Option<Vec<String>>> {
    let site = tempfile::tempdir().expect("temp dir");
    let root = site.path();
    std::fs::create_dir_all(root.join("content")).expect("mkdir");
    std::fs::create_dir_all(root.join("layouts/_default")).expect("mkdir");
    std::fs::write(
        root.join("config.toml"),
        "baseURL = \"http://example.com/\"\ndisableKinds = [\"taxonomy\", \"term\", \"RSS\", \"sitemap\", \"robotsTXT\", \"404\", \"home\", \"section\"]\n",
    )
    .expect("config");
    std::fs::write(root.join("layouts/_default/single.html"), "{{ .Content }}").expect("layout");
    for (index, document) in documents.iter().enumerate() {
        std::fs::write(
            root.join(format!("content/p{index}.md")),
            format!("---\ntitle: p{index}\n---\n{document}"),
        )
        .expect("page");
    }
    let status = Command::new("hugo")
        .args(["--quiet", "--destination", "out"])
        .current_dir(root)
        .status()
        .expect("hugo runs");
    assert!(status.success(), "hugo failed");
    let id = regex::Regex::new(r#"<h[1-6] id="([^"]*)""#).expect("regex");
    (0..documents.len())
        .map(|index| {
            let html =
                std::fs::read_to_string(root.join(format!("out/p{index}/index.html"))).ok()?;
            Some(id.captures_iter(&html).map(|c| c[1].to_string()).collect())
        })
        .collect()
}

/// Headings whose text is their source line: Debian's Hugo (0.111) makes
/// ids from the heading's source line, today's Hugo from its text after the
/// typographer (which `handbook` follows); for these the two agree.
fn is_plain_text_heading(line: &str) -> bool {
    let text = line.trim_start_matches('#');
    !text.contains(['[', '<', '&', '\\'])
        && !text.contains("--")
        && !text.contains("...")
        && !text.contains(" _")
        && !text.starts_with(" _")
        && !text.contains("_ ")
        && !text.trim_end().ends_with('_')
}

#[test]
fn hugo_ids_match_hugo_on_corpus_headings_and_edge_cases() {
    let hugo_works = Command::new("hugo")
        .arg("version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !hugo_works {
        common::skip(REQUIRE, "Hugo is not installed (apt: hugo)");
        return;
    }
    let documents: Vec<String> = heading_documents()
        .iter()
        .map(|d| {
            d.split_inclusive('\n')
                .filter(|line| !line.starts_with('#') || is_plain_text_heading(line))
                .collect::<String>()
        })
        .collect();
    let answers = hugo_ids(&documents);
    // Hugo's typographer is on by default.
    let ours = rendered_ids(&documents, HeadingIdFlavor::Hugo, true);
    let mut agreement = Agreement::default();
    for (index, (answer, ours)) in answers.iter().zip(&ours).enumerate() {
        let name = format!(
            "document {index}: {}",
            documents[index].lines().next().unwrap_or("")
        );
        agreement.add(&name, answer.as_deref(), ours);
    }
    let mut edge = Agreement::default();
    edge.add("edge cases", answers[0].as_deref(), &ours[0]);
    agreement.assert_at_least("Hugo", 0.999);
    edge.assert_at_least("Hugo (edge cases)", 1.0);
}
