//! A team's first run: `handbook build` and `handbook check` with no flags in
//! the root of a handbook written for another generator. The real corpora
//! beside the project are read only, so the output goes to a temporary folder;
//! everything else is what a new user types.

use crate::common;

use std::path::Path;

use common::handbook;

fn markdown_files(dir: &Path) -> usize {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| {
            let name = e.file_name().to_string_lossy().to_ascii_lowercase();
            e.file_type().is_file() && (name.ends_with(".md") || name.ends_with(".md.erb"))
        })
        .count()
}

/// What a reader would see wrong in the built pages: `(pages, problems)`.
fn read_pages(out: &Path, text: TemplateText) -> (usize, Vec<String>) {
    let mut pages = 0;
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
        let Some(main) = html
            .split("<main")
            .nth(1)
            .and_then(|m| m.split("</main>").next())
        else {
            continue;
        };
        pages += 1;
        let name = entry
            .path()
            .strip_prefix(out)
            .unwrap_or(entry.path())
            .display()
            .to_string();
        if main.matches("<h1").count() > 1 {
            problems.push(format!("{name}: more than one <h1>"));
        }
        let visible = visible_text(main);
        let syntaxes: &[&str] = match text {
            TemplateText::Never => &["{{", "{%", "<%"],
            TemplateText::DoubleBraces => &["{%", "<%"],
        };
        for syntax in syntaxes {
            if visible.contains(syntax) {
                problems.push(format!("{name}: `{syntax}` in the visible text"));
            }
        }
        for level in 1..=6 {
            if main.contains(&format!("></h{level}>")) && empty_heading(main, level) {
                problems.push(format!("{name}: an empty <h{level}>"));
            }
        }
    }
    (pages, problems)
}

/// The text outside tags, code and scripts.
fn visible_text(html: &str) -> String {
    let mut text = String::new();
    let mut rest = html;
    while let Some(open) = rest.find('<') {
        text.push_str(&rest[..open]);
        rest = &rest[open..];
        let skip_to = ["<pre", "<code", "<script", "<style"]
            .iter()
            .find(|t| rest.starts_with(*t))
            .map(|t| format!("</{}>", &t[1..]));
        let end = match skip_to {
            Some(close) => rest.find(&close).map_or(rest.len(), |i| i + close.len()),
            None => rest.find('>').map_or(rest.len(), |i| i + 1),
        };
        rest = &rest[end..];
    }
    text.push_str(rest);
    text
}

fn empty_heading(html: &str, level: usize) -> bool {
    html.split(&format!("<h{level}")).skip(1).any(|h| {
        let inner = h.split_once('>').map_or("", |(_, rest)| rest);
        let inner = inner.split(&format!("</h{level}>")).next().unwrap_or("");
        without_tags(inner).trim().is_empty() && !inner.contains("<img")
    })
}

/// The text of an element, code included.
fn without_tags(html: &str) -> String {
    let mut text = String::new();
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' => in_tag = false,
            c if !in_tag => text.push(c),
            _ => {}
        }
    }
    text
}

/// Which template syntax may show in a corpus's visible text.
#[derive(Clone, Copy, PartialEq)]
enum TemplateText {
    /// None: the site's templates render (Liquid, Nunjucks, ERB).
    Never,
    /// `{{ }}` is the authors' own text on a kramdown site (its generator
    /// shows it as written too); `{%` and `<%` still never show.
    DoubleBraces,
}

/// Builds and checks the corpus `name` with no flags but the output folder;
/// returns how many pages were built.
fn first_run(name: &str, expected_line: &str, text: TemplateText) -> Option<usize> {
    let root = common::shared_corpus(name)?;
    let out = tempfile::tempdir().expect("temp");
    let build = handbook()
        .current_dir(&root)
        // The corpora are read-only material: no build cache beside them.
        .args(["build", "--no-cache", "--output"])
        .arg(out.path())
        .output()
        .expect("build");
    let stderr = String::from_utf8_lossy(&build.stderr);
    assert_eq!(
        build.status.code(),
        Some(0),
        "{name}: build failed:\n{stderr}"
    );
    assert!(
        !root.join(".handbook-cache").exists(),
        "{name}: a build with --no-cache wrote a cache beside the corpus"
    );
    assert!(
        stderr.contains(expected_line),
        "{name}: says what it detected:\n{stderr}"
    );

    let check = handbook()
        .current_dir(&root)
        .args(["check", "--format", "json"])
        .output()
        .expect("check");
    let json: serde_json::Value =
        serde_json::from_slice(&check.stdout).expect("check prints its JSON contract");
    assert!(json["pages"].as_u64().unwrap_or(0) > 0, "{name}: {json}");
    assert_eq!(
        json["errors"].as_array().map(Vec::len),
        Some(0),
        "{name}: {json}"
    );

    let (pages, problems) = read_pages(out.path(), text);
    assert!(problems.is_empty(), "{name}: {problems:#?}");
    Some(pages)
}

#[test]
fn mkdocs_handbook_builds_from_its_root() {
    let Some(pages) = first_run(
        "microsoft-playbook",
        "MkDocs site: content in docs/",
        TemplateText::Never,
    ) else {
        return;
    };
    let sources =
        markdown_files(&common::project_root().join("../shared/corpus/microsoft-playbook/docs"));
    assert!(
        pages * 100 >= sources * 95,
        "{pages} pages for {sources} Markdown files"
    );
}

#[test]
fn eleventy_handbook_builds_from_its_root() {
    let Some(pages) = first_run(
        "homeoffice-engineering",
        "Eleventy site: content in docs/",
        TemplateText::Never,
    ) else {
        return;
    };
    let sources = markdown_files(
        &common::project_root().join("../shared/corpus/homeoffice-engineering/docs"),
    );
    assert!(
        pages * 100 >= sources * 95,
        "{pages} pages for {sources} Markdown files"
    );
}

#[test]
fn middleman_handbook_slice_builds_from_its_root() {
    let Some(pages) = first_run(
        "gitlab-handbook",
        "Markdown repository site: content in the site root",
        TemplateText::DoubleBraces,
    ) else {
        return;
    };
    let sources = markdown_files(&common::project_root().join("../shared/corpus/gitlab-handbook"));
    assert!(
        pages * 100 >= sources * 95,
        "{pages} pages for {sources} Markdown files"
    );
}
