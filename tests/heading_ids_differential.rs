//! Heading ids against the generators' own code. Each test renders real pages
//! (the corpora) with the real tool — kramdown, Python-Markdown, markdown-it
//! with markdown-it-anchor, remark with rehype-slug, Redcarpet with tech-docs'
//! id generator — through the small drivers in `tests/differential/`, and with
//! `handbook`'s own pipeline (`build::load`, or `markdown::render` for heading
//! lists), and compares the ids page by page. Disagreements are printed.
//!
//! The tools are installed by `.ci/run`; with `HANDBOOK_REQUIRE_DIFFERENTIAL=1`
//! (or `CI=true`) a missing one fails the test instead of skipping it.

mod common;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use handbook::config::{Config, HeadingIdFlavor, Overrides};
use handbook::diagnostics::Severity;
use handbook::markdown::{self, RenderOptions};

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
    let loaded = handbook::build::load(config, false, Severity::Warning, &[]);
    loaded
        .content
        .pages
        .iter()
        .zip(&loaded.rendered)
        .map(|(page, rendered)| Page {
            name: page.rel_path.clone(),
            body: page.body().to_string(),
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

fn other_corpus(name: &str) -> Option<PathBuf> {
    let path = common::project_root().join("../shared/corpus").join(name);
    if path.is_dir() {
        return Some(path);
    }
    common::skip(
        "HANDBOOK_REQUIRE_CORPUS",
        &format!("the corpus {} is absent", path.display()),
    );
    None
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
    let Some(root) = other_corpus("microsoft-playbook") else {
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
    let Some(root) = other_corpus("homeoffice-engineering") else {
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
