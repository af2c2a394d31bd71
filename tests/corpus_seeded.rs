//! Seeded breakage on a copy of the GitLab handbook slice: links that work are
//! broken on purpose (their target, in every syntax: inline, reference
//! definition, raw HTML, relative, absolute on the site's own domain, same
//! page), and new broken links are inserted above existing text. Each one
//! must be reported at its exact file, line and column, and every other
//! report must stay as it was (moved only by the edits themselves).
//!
//! The corpus is copied to a temporary folder: it is never modified.

use crate::common;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use handbook::config::{Config, Overrides};
use handbook::diagnostics::LineIndex;
use handbook::links::{LinkIndex, Resolution};
use serde_json::Value;

/// One reported broken link: (file, line, column, target, reason).
type Report = (String, u64, u64, String, String);

fn check(content: &Path) -> Vec<Report> {
    let output = common::handbook()
        .args(["check", "--format", "json", "--root"])
        .arg(common::corpus_site())
        .arg("--content")
        .arg(content)
        .output()
        .expect("run handbook");
    let json: Value = serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
        panic!(
            "not JSON ({e}): {}",
            String::from_utf8_lossy(&output.stderr)
        )
    });
    let mut reports: Vec<Report> = json["broken"]
        .as_array()
        .expect("broken")
        .iter()
        .map(|b| {
            (
                b["file"].as_str().unwrap_or("").to_string(),
                b["line"].as_u64().unwrap_or(0),
                b["column"].as_u64().unwrap_or(0),
                b["target"].as_str().unwrap_or("").to_string(),
                b["reason"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect();
    reports.sort();
    reports
}

/// How a link is written, judged from the source just before its target.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Syntax {
    InlineRooted,
    InlineRelative,
    InlineOwnDomain,
    InlineSamePage,
    ReferenceDefinition,
    RawHtml,
}

fn syntax_of(text: &str, start: usize, target: &str) -> Option<Syntax> {
    let before = &text[..start];
    let line = &before[before.rfind('\n').map_or(0, |i| i + 1)..];
    if before.ends_with("](") {
        return Some(
            if target.starts_with("https://about.gitlab.com/handbook/") {
                Syntax::InlineOwnDomain
            } else if target.starts_with("/handbook/") {
                Syntax::InlineRooted
            } else if target.starts_with('#') {
                Syntax::InlineSamePage
            } else if !target.is_empty() && !target.contains(':') {
                Syntax::InlineRelative
            } else {
                return None;
            },
        );
    }
    let is_definition = line.trim_start().starts_with('[')
        && line.trim_end().ends_with("]:")
        && target.starts_with("/handbook/");
    if is_definition {
        return Some(Syntax::ReferenceDefinition);
    }
    (before.ends_with("href=\"") && target.starts_with("/handbook/")).then_some(Syntax::RawHtml)
}

/// A change to one file: bytes `at..at + old_len` become `new`.
struct Edit {
    file: String,
    at: usize,
    old_len: usize,
    new: String,
}

#[test]
fn seeded_broken_links_are_reported_exactly_and_nothing_else_changes() {
    let Some(corpus) = common::corpus() else {
        return;
    };
    let temp = tempfile::tempdir().expect("temp dir");
    let copy = temp.path().join("corpus");
    common::copy_tree(&corpus, &copy);
    let pristine = check(&copy);
    assert!(
        pristine.len() > 100,
        "the slice links to sections it does not have"
    );

    let overrides = Overrides {
        content_dir: Some(copy.clone()),
        ..Overrides::default()
    };
    let config = Config::load(&common::corpus_site(), &overrides).expect("config");
    let result = handbook::check::check(&config, false);
    let pages = &result.loaded.content.pages;
    let rendered = &result.loaded.rendered;
    let urls = &result.loaded.content.urls;
    let index = LinkIndex::new(&config, urls, pages, rendered, Vec::new(), Vec::new());
    let pristine_at: BTreeSet<(String, u64, u64)> = pristine
        .iter()
        .map(|(f, l, c, _, _)| (f.clone(), *l, *c))
        .collect();

    // Pick, for each syntax and each kind of breakage, a working link in a
    // file not used yet; they must resolve to a page to be breakable.
    let wanted: Vec<(Syntax, &str)> = [
        Syntax::InlineRooted,
        Syntax::InlineRelative,
        Syntax::InlineOwnDomain,
        Syntax::ReferenceDefinition,
        Syntax::RawHtml,
    ]
    .iter()
    .flat_map(|s| [(*s, "missing-page"), (*s, "missing-anchor")])
    .chain([(Syntax::InlineSamePage, "missing-anchor")])
    .collect();
    // `check` let each page's body go once rendered: the whole texts, read
    // again from the files before any edit.
    let texts: Vec<String> = pages
        .iter()
        .map(|p| p.source().expect("the page's file, as loaded").into_owned())
        .collect();
    let mut used_files: BTreeSet<String> = BTreeSet::new();
    let mut edits: Vec<Edit> = Vec::new();
    let mut injected: Vec<Report> = Vec::new();
    for (syntax, reason) in wanted {
        let mut found = None;
        'pages: for (i, (page, r)) in pages.iter().zip(rendered).enumerate() {
            if used_files.contains(&page.rel_path) {
                continue;
            }
            let text = &texts[i];
            let lines = LineIndex::new(text);
            for link in r.links() {
                let start = link.span.start;
                if text.get(start..start + link.target.len()) != Some(link.target.as_str())
                    || syntax_of(text, start, &link.target) != Some(syntax)
                    || !matches!(index.resolve(i, link.href()), Resolution::Page(_))
                {
                    continue;
                }
                let (path, fragment) = match link.target.split_once('#') {
                    Some((p, f)) => (p, Some(f)),
                    None => (link.target.as_str(), None),
                };
                let new_target = if reason == "missing-page" {
                    if !path.ends_with('/') || path.contains('?') {
                        continue;
                    }
                    format!("{path}zz-seeded-missing/")
                } else {
                    match fragment {
                        Some(f) => format!("{path}#{f}-zz-seeded"),
                        None => format!("{path}#zz-seeded-anchor"),
                    }
                };
                let location = lines.location(text, link.span.clone());
                if pristine_at.contains(&(
                    page.rel_path.clone(),
                    location.line as u64,
                    location.column as u64,
                )) {
                    continue;
                }
                found = Some((page, start, link.target.clone(), new_target, location));
                break 'pages;
            }
        }
        let (page, start, old, new, location) =
            found.unwrap_or_else(|| panic!("no working {syntax:?} link to break in the corpus"));
        used_files.insert(page.rel_path.clone());
        injected.push((
            page.rel_path.clone(),
            location.line as u64,
            location.column as u64,
            new.clone(),
            reason.to_string(),
        ));
        edits.push(Edit {
            file: page.rel_path.clone(),
            at: start,
            old_len: old.len(),
            new,
        });
    }

    // New lines above existing text, in two more files: everything below moves down.
    let mut inserted = 0;
    for (page, source) in pages.iter().zip(&texts) {
        if inserted == 2 {
            break;
        }
        let body = &source[page.split.body_start..];
        if used_files.contains(&page.rel_path) || !body.starts_with("\n## ") {
            continue;
        }
        let text = if inserted == 0 {
            "\nSee [the seeded page](/handbook/zz-seeded-inserted/) first.\n"
        } else {
            "\nSee [the seeded section](/handbook/#zz-seeded-inserted) first.\n"
        };
        let at = page.split.body_start;
        let line = page.text[..at].matches('\n').count() as u64 + 2;
        let (target, reason) = if inserted == 0 {
            ("/handbook/zz-seeded-inserted/", "missing-page")
        } else {
            ("/handbook/#zz-seeded-inserted", "missing-anchor")
        };
        // The link's line starts after the inserted text's first newline.
        let column = text.find("](").expect("a link") + 2;
        injected.push((
            page.rel_path.clone(),
            line,
            column as u64,
            target.into(),
            reason.into(),
        ));
        used_files.insert(page.rel_path.clone());
        edits.push(Edit {
            file: page.rel_path.clone(),
            at,
            old_len: 0,
            new: text.to_string(),
        });
        inserted += 1;
    }
    assert_eq!(inserted, 2, "two files to insert into");

    for report in &injected {
        eprintln!("seeded: {report:?}");
    }
    let expected = apply_edits(&copy, &edits, &pristine, &injected);
    let after = check(&copy);
    let missing: Vec<&Report> = injected.iter().filter(|r| !after.contains(r)).collect();
    assert!(
        missing.is_empty(),
        "seeded links not reported exactly: {missing:#?}"
    );
    let unexpected: Vec<&Report> = after.iter().filter(|r| !expected.contains(r)).collect();
    let vanished: Vec<&Report> = expected.iter().filter(|r| !after.contains(r)).collect();
    assert!(
        unexpected.is_empty() && vanished.is_empty(),
        "other reports changed:\nnew: {unexpected:#?}\ngone: {vanished:#?}"
    );
    assert_eq!(after, expected);
    eprintln!(
        "{} seeded broken links reported exactly; the {} other reports unchanged",
        injected.len(),
        pristine.len()
    );
}

/// Writes the edits into the copy and returns the reports to expect: the
/// pristine ones, moved by the edits, plus the injected ones.
fn apply_edits(
    copy: &Path,
    edits: &[Edit],
    pristine: &[Report],
    injected: &[Report],
) -> Vec<Report> {
    let mut by_file: BTreeMap<&str, Vec<&Edit>> = BTreeMap::new();
    for edit in edits {
        by_file.entry(edit.file.as_str()).or_default().push(edit);
    }
    let mut expected: Vec<Report> = Vec::new();
    for report in pristine {
        let mut report = report.clone();
        if let Some(file_edits) = by_file.get(report.0.as_str()) {
            let path: PathBuf = copy.join(&report.0);
            let text = std::fs::read_to_string(&path).expect("read");
            let lines = LineIndex::new(&text);
            for edit in file_edits {
                let at = lines.location(&text, edit.at..edit.at);
                let (line, column) = (at.line as u64, at.column as u64);
                if edit.old_len == 0 {
                    // Inserted lines push everything at or below them down.
                    if report.1 >= line {
                        report.1 += edit.new.matches('\n').count() as u64;
                    }
                } else if report.1 == line && report.2 > column {
                    // A longer target on the same line moves what follows it.
                    let old = &text[edit.at..edit.at + edit.old_len];
                    let grown = edit.new.chars().count() as i64 - old.chars().count() as i64;
                    report.2 = (report.2 as i64 + grown) as u64;
                }
            }
        }
        expected.push(report);
    }
    for (file, file_edits) in by_file {
        let path = copy.join(file);
        let mut text = std::fs::read_to_string(&path).expect("read");
        let mut sorted = file_edits.clone();
        sorted.sort_by_key(|e| std::cmp::Reverse(e.at));
        for edit in sorted {
            text.replace_range(edit.at..edit.at + edit.old_len, &edit.new);
        }
        std::fs::write(&path, text).expect("write the copy");
    }
    expected.extend(injected.iter().cloned());
    expected.sort();
    expected
}
