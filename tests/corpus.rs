//! The real GitLab handbook slice (1,177 pages) builds faithfully.

use crate::common;

use std::collections::HashSet;

use handbook::config::{Config, Overrides};
use handbook::diagnostics::Severity;
use handbook::links::{LinkIndex, Resolution};
use handbook::markdown::AfterUse;

fn corpus_config(corpus: &std::path::Path) -> Config {
    let overrides = Overrides {
        content_dir: Some(corpus.to_path_buf()),
        ..Overrides::default()
    };
    Config::load(&common::corpus_site(), &overrides).expect("corpus config")
}

/// Heading ids as a naive reader of the source would make them: kramdown's
/// rule on the raw heading line. Used only to decide which fragment links
/// point at a heading that exists, independently of the renderer.
fn source_heading_ids(text: &str) -> HashSet<String> {
    let mut ids = HashSet::new();
    let mut in_fence = false;
    for line in text.lines() {
        let trimmed = line.trim_start();
        if trimmed.starts_with("```") || trimmed.starts_with("~~~") {
            in_fence = !in_fence;
            continue;
        }
        if in_fence || !trimmed.starts_with('#') {
            continue;
        }
        let heading = trimmed.trim_start_matches('#').trim();
        if let Some(start) = heading.find("{#") {
            if let Some(end) = heading[start..].find('}') {
                ids.insert(heading[start + 2..start + end].to_string());
            }
        }
        let id: String = heading
            .to_lowercase()
            .chars()
            .filter(|c| c.is_alphanumeric() || matches!(c, '_' | '-' | ' ' | '\t'))
            .map(|c| if c == ' ' || c == '\t' { '-' } else { c })
            .collect();
        ids.insert(id);
    }
    ids
}

#[test]
fn corpus_builds_every_page_at_its_url_without_kramdown_leaks() {
    let Some(corpus) = common::corpus() else {
        return;
    };
    let out = tempfile::tempdir().expect("temp");
    let output = out.path().join("public");
    common::handbook()
        .args(["build", "--quiet", "--no-cache", "--root"])
        .arg(common::corpus_site())
        .arg("--content")
        .arg(&corpus)
        .arg("--output")
        .arg(&output)
        .assert()
        .success();

    let config = corpus_config(&corpus);
    let content = handbook::content::load(&config);
    assert_eq!(content.pages.len(), 1177, "every corpus page is a page");
    let mut leaks = Vec::new();
    for page in &content.pages {
        let file = output.join(&page.url.output);
        let html = std::fs::read_to_string(&file)
            .unwrap_or_else(|e| panic!("{} did not land at {}: {e}", page.rel_path, page.url.path));
        assert!(
            html.contains("</html>"),
            "{} is a whole page",
            page.rel_path
        );
        if let Some(text) = leaked_kramdown(&html) {
            leaks.push(format!("{}: {text}", page.rel_path));
        }
    }
    assert!(
        leaks.is_empty(),
        "kramdown syntax leaked into the text:\n{}",
        leaks.join("\n")
    );
}

/// `{:` or `{::` in the page's text, outside `<pre>`, `<code>` and tags.
fn leaked_kramdown(html: &str) -> Option<String> {
    let mut rest = html;
    let mut depth_code = 0usize;
    while let Some(lt) = rest.find('<') {
        let text = &rest[..lt];
        if depth_code == 0 {
            if let Some(i) = text.find("{:") {
                return Some(text[i..].chars().take(60).collect());
            }
        }
        let tag_end = rest[lt..].find('>').map_or(rest.len(), |e| lt + e + 1);
        let tag = &rest[lt..tag_end];
        if tag.starts_with("<pre") || tag.starts_with("<code") {
            depth_code += 1;
        } else if tag.starts_with("</pre") || tag.starts_with("</code") {
            depth_code = depth_code.saturating_sub(1);
        }
        rest = &rest[tag_end..];
    }
    None
}

#[test]
fn corpus_fragment_links_land_on_their_headings() {
    let Some(corpus) = common::corpus() else {
        return;
    };
    let config = corpus_config(&corpus);
    // As a build loads it: each page's body let go once rendered, and read
    // again from its file here.
    let loaded = handbook::build::load(&config, false, Severity::Warning, &[], AfterUse::Release);
    let pages = &loaded.content.pages;
    let let_go = pages.iter().filter(|p| !p.holds_body()).count();
    assert!(
        let_go > 1100,
        "{let_go} of {} pages let go of their body",
        pages.len()
    );
    let urls = &loaded.content.urls;
    let index = LinkIndex::new(
        &config,
        urls,
        pages,
        &loaded.rendered,
        Vec::new(),
        Vec::new(),
    );
    let source_ids: Vec<HashSet<String>> = pages
        .iter()
        .map(|p| source_heading_ids(&body_read_again(p)))
        .collect();
    let (mut considered, mut landed) = (0usize, 0usize);
    let mut misses = Vec::new();
    for (from, rendered) in loaded.rendered.iter().enumerate() {
        for link in rendered.links() {
            let Some((path, fragment)) = link.target.split_once('#') else {
                continue;
            };
            if fragment.is_empty() {
                continue;
            }
            let Resolution::Page(to) = index.resolve(from, path) else {
                continue;
            };
            let fragment = percent_encoding::percent_decode_str(fragment).decode_utf8_lossy();
            let found = loaded.rendered[to].anchors.iter().any(|a| *a == fragment);
            if !(found || source_ids[to].contains(fragment.as_ref())) {
                continue; // no such heading in the source either: genuinely broken
            }
            considered += 1;
            if found {
                landed += 1;
            } else {
                misses.push(format!(
                    "{} -> {}#{fragment}",
                    pages[from].rel_path, pages[to].url.path
                ));
            }
        }
    }
    let ratio = landed as f64 / considered as f64;
    eprintln!(
        "{landed} of {considered} fragment links land ({:.1}%)",
        ratio * 100.0
    );
    assert!(
        considered > 500,
        "the corpus has many fragment links, found {considered}"
    );
    assert!(
        ratio >= 0.95,
        "only {:.1}% land; misses:\n{}",
        ratio * 100.0,
        misses.join("\n")
    );
}

#[test]
fn corpus_check_is_clean_of_content_errors() {
    let Some(corpus) = common::corpus() else {
        return;
    };
    let config = corpus_config(&corpus);
    let result = handbook::check::check(&config, false);
    let content_errors: Vec<String> = result
        .report()
        .diagnostics
        .iter()
        .filter(|d| {
            d.is_error() && !matches!(d.code, "missing-page" | "missing-anchor" | "missing-asset")
        })
        .map(|d| format!("{:?}: {}", d.file, d.message))
        .collect();
    assert!(content_errors.is_empty(), "{content_errors:#?}");
    assert!(
        result.loaded.links.links_checked > 10_000,
        "{}",
        result.loaded.links.links_checked
    );
}

/// A page's body read again from its file (checked against what was loaded).
fn body_read_again(page: &handbook::content::Page) -> String {
    let source = page.source().expect("the page's file, as loaded");
    source[page.split.body_start..].to_string()
}
