//! Every page of the three real corpora, read as a browser reads it: the
//! article's HTML is balanced (no element the page opens stays open past
//! its parent, so nothing after it turns italic or bold), and its visible
//! text shows no Markdown or kramdown syntax that should have been rendered.
//!
//! Two independent readings of each built page's content are compared: the
//! tags as written (a stack of open elements, HTML's void elements and
//! optional end tags respected) and the tree an HTML5 parser (html5ever,
//! through `scraper`) builds from the whole page. A `<b>` left open shows in
//! the first as an element closed by its parent's end tag and in the second
//! as extra `<b>` elements the parser opens again in every later block.

use crate::common;

use crate::corpus_html_support;

use std::path::Path;

use corpus_html_support::{page_problems, Counts};

/// Builds a site into `out`: `args` say where its content is.
fn build(dir: &Path, args: &[&std::ffi::OsStr], out: &Path) {
    let result = common::handbook()
        .current_dir(dir)
        // The corpora are read-only material: no build cache beside them.
        .args(["build", "--quiet", "--no-cache"])
        .args(args)
        .arg("--output")
        .arg(out)
        .output()
        .expect("handbook runs");
    assert!(
        out.join("index.html").is_file(),
        "{}: the site was not built:\n{}",
        dir.display(),
        String::from_utf8_lossy(&result.stderr)
    );
}

/// Reads every built content page under `out`; returns what was counted
/// and every problem, as `page: problem`.
fn read_site(out: &Path) -> (Counts, Vec<String>) {
    let mut counts = Counts::default();
    let mut problems = Vec::new();
    for entry in walkdir::WalkDir::new(out)
        .into_iter()
        .filter_map(Result::ok)
    {
        if entry.path().extension().and_then(|e| e.to_str()) != Some("html") {
            continue;
        }
        let Ok(html) = std::fs::read_to_string(entry.path()) else {
            continue;
        };
        let name = entry
            .path()
            .strip_prefix(out)
            .unwrap_or(entry.path())
            .display()
            .to_string();
        if let Some(found) = page_problems(&html, &mut counts) {
            problems.extend(found.into_iter().map(|p| format!("{name}: {p}")));
        }
    }
    (counts, problems)
}

/// Markdown a page shows as text on purpose: `(page, what shows)`.
const MEANT_AS_TEXT: &[(&str, &str)] = &[
    // The Markdown guide's lesson that Markdown inside a raw HTML `<p>` is
    // not rendered (by kramdown neither): the example shows its `**`.
    ("handbook/markdown-guide/index.html", "`**markup**`"),
];

fn check(name: &str, counts: &Counts, problems: &[String], at_least: usize) {
    let meant = |p: &&String| {
        MEANT_AS_TEXT
            .iter()
            .any(|(page, what)| p.starts_with(&format!("{page}: {what}")))
    };
    let problems: Vec<String> = problems.iter().filter(|p| !meant(p)).cloned().collect();
    eprintln!(
        "{name}: {} pages, {} elements, {} text blocks read; {} problems; {} blocks with an author's Markdown typo; {} icon classes",
        counts.pages,
        counts.elements,
        counts.text_blocks,
        problems.len(),
        counts.typos,
        counts.icons.len()
    );
    assert!(
        counts.pages >= at_least,
        "{name}: only {} content pages were read",
        counts.pages
    );
    // The whole list, for reading: the assertion shows the first 40.
    let report = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("corpus-html-{name}.txt"));
    let _ = std::fs::write(&report, problems.join("\n"));
    let shown: Vec<&str> = problems.iter().take(40).map(String::as_str).collect();
    assert!(
        problems.is_empty(),
        "{name}: {} problems in the built pages (all of them in {}):\n{}",
        problems.len(),
        report.display(),
        shown.join("\n")
    );
}

#[test]
fn gitlab_handbook_pages_are_balanced_and_show_no_markup() {
    let Some(corpus) = common::corpus() else {
        return;
    };
    let out = tempfile::tempdir().expect("temp");
    let fixture = common::corpus_site();
    build(
        &common::project_root(),
        &[
            "--root".as_ref(),
            fixture.as_os_str(),
            "--content".as_ref(),
            corpus.as_os_str(),
        ],
        out.path(),
    );
    let (counts, problems) = read_site(out.path());
    check("gitlab-handbook", &counts, &problems, 1100);
    // Every icon class was looked up (page_problems fails on an unknown one);
    // the slice names some fifty.
    assert!(
        counts.icons.len() >= 40,
        "only {} Font Awesome icon classes found: {:?}",
        counts.icons.len(),
        counts.icons
    );
}

#[test]
fn mkdocs_playbook_pages_are_balanced_and_show_no_markup() {
    let Some(root) = common::shared_corpus("microsoft-playbook") else {
        return;
    };
    let out = tempfile::tempdir().expect("temp");
    build(&root, &[], out.path());
    let (counts, problems) = read_site(out.path());
    check("microsoft-playbook", &counts, &problems, 100);
}

#[test]
fn eleventy_handbook_pages_are_balanced_and_show_no_markup() {
    let Some(root) = common::shared_corpus("homeoffice-engineering") else {
        return;
    };
    let out = tempfile::tempdir().expect("temp");
    build(&root, &[], out.path());
    let (counts, problems) = read_site(out.path());
    check("homeoffice-engineering", &counts, &problems, 50);
}
