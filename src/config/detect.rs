//! Which generator a repository was written for, read from the files that
//! generator needs, so that `handbook build` in the root of an existing
//! handbook finds its pages with no flags and no `site.toml`: the content
//! folder, base URL, title and exclusions each generator declares.
//!
//! Only files are read, never executed: an Eleventy or Docusaurus config is
//! JavaScript, and its input folder is found in the common literal forms
//! (`dir: { input: "docs" }`).

use std::path::Path;

use serde_json::{Map, Value};

use super::review::ReviewConfig;
use super::{HeadingIdFlavor, RelativeLinks};

/// The generator a site was made for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Generator {
    MkDocs,
    Eleventy,
    /// Middleman, with GOV.UK's tech-docs gem when `config/tech-docs.yml` exists.
    Middleman,
    TechDocs,
    Jekyll,
    Hugo,
    /// Zola: `config.toml` (or `zola.toml`) with a `base_url`.
    Zola,
    /// mdBook: `book.toml`, chapters in `src/` listed by `SUMMARY.md`.
    MdBook,
    /// docsify: an `index.html` that loads docsify, at the root or in
    /// `docs/`, beside the Markdown it renders in the browser.
    Docsify,
    Docusaurus,
    /// A repository of Markdown files for GitHub or GitLab to show.
    PlainMarkdown,
}

impl Generator {
    pub fn name(self) -> &'static str {
        match self {
            Generator::MkDocs => "MkDocs",
            Generator::Eleventy => "Eleventy",
            Generator::Middleman => "Middleman",
            Generator::TechDocs => "Middleman (tech-docs)",
            Generator::Jekyll => "Jekyll",
            Generator::Hugo => "Hugo",
            Generator::Zola => "Zola",
            Generator::MdBook => "mdBook",
            Generator::Docsify => "docsify",
            Generator::Docusaurus => "Docusaurus",
            Generator::PlainMarkdown => "Markdown repository",
        }
    }

    /// How the generator's Markdown renderer gives headings their ids, so
    /// that links to `page#fragment` written for it keep working.
    pub fn heading_ids(self) -> HeadingIdFlavor {
        match self {
            // MkDocs: Python-Markdown's toc extension, default slugify.
            Generator::MkDocs => HeadingIdFlavor::PythonMarkdown,
            // Eleventy sites add markdown-it-anchor to markdown-it.
            Generator::Eleventy => HeadingIdFlavor::MarkdownIt,
            // tech-docs renders with Redcarpet and its own heading slugs.
            Generator::TechDocs => HeadingIdFlavor::Redcarpet,
            // Jekyll's kramdown reads GFM; so did the Middleman handbooks.
            Generator::Middleman | Generator::Jekyll => HeadingIdFlavor::KramdownGfm,
            Generator::Hugo => HeadingIdFlavor::Hugo,
            Generator::Zola => HeadingIdFlavor::Zola,
            Generator::MdBook => HeadingIdFlavor::MdBook,
            Generator::Docsify => HeadingIdFlavor::Docsify,
            // Docusaurus slugs with github-slugger, as GitHub shows READMEs.
            Generator::Docusaurus | Generator::PlainMarkdown => HeadingIdFlavor::Github,
        }
    }

    /// Whether the generator's renderer turns `'`, `"`, `--` and `...` into
    /// typographic characters by default. Where it does not (GitHub,
    /// markdown-it, Python-Markdown), the ids keep what the typographer would
    /// change: `a -- b` is `a----b` on GitHub, not `a--b`.
    pub fn smart_punctuation(self) -> bool {
        match self {
            Generator::MkDocs
            | Generator::Eleventy
            | Generator::Docusaurus
            | Generator::Zola
            | Generator::MdBook
            | Generator::Docsify
            | Generator::PlainMarkdown => false,
            // kramdown, goldmark's typographer, tech-docs' SmartyPants.
            Generator::TechDocs | Generator::Middleman | Generator::Jekyll | Generator::Hugo => {
                true
            }
        }
    }
}

/// What the generator's own files say about the site.
#[derive(Debug, Clone, Default)]
pub struct Detected {
    pub generator: Option<Generator>,
    /// Content folder relative to the root (`.` for the root itself).
    pub content_dir: Option<String>,
    pub title: Option<String>,
    pub description: Option<String>,
    pub base_url: Option<String>,
    pub edit_url: Option<String>,
    /// Content-relative glob patterns of files that are not pages.
    pub exclude: Vec<String>,
    /// How the generator reads owners and reviews (tech-docs' settings),
    /// when it says.
    pub review: Option<ReviewConfig>,
    /// What relative links are read from (the site root for docsify).
    pub relative_links: RelativeLinks,
    /// Redirects the generator's settings declare, as `[redirects]` takes
    /// them.
    pub redirects: std::collections::BTreeMap<String, String>,
}

/// The files of a site's root that [`detect`] reads: the other generators'
/// settings. A build is up to date only while they are unchanged, and
/// `serve` reloads the settings when one changes.
pub fn settings_files() -> impl Iterator<Item = &'static str> {
    SETTINGS_FILES.iter().chain(HUGO_SETTINGS_FILES).copied()
}

/// The settings files of the generators but Hugo ([`HUGO_SETTINGS_FILES`]).
const SETTINGS_FILES: &[&str] = &[
    "mkdocs.yml",
    "mkdocs.yaml",
    "eleventy.config.js",
    "eleventy.config.mjs",
    "eleventy.config.cjs",
    ".eleventy.js",
    ".eleventyignore",
    "config.rb",
    TECH_DOCS_CONFIG,
    "_config.yml",
    "book.toml",
    "zola.toml",
    "docusaurus.config.js",
    "docusaurus.config.ts",
];

/// An mdBook's table of contents, in its `src/`: the chapters in order.
pub const MDBOOK_SUMMARY: &str = "SUMMARY.md";

/// GOV.UK tech-docs' settings, beside `source/`.
pub const TECH_DOCS_CONFIG: &str = "config/tech-docs.yml";

/// Folders that hold tooling or another generator's output, never pages.
pub const ALWAYS_EXCLUDED_FOLDERS: &[&str] = &["node_modules", "_site"];

/// Reads the generator's files in `root`; `Detected::default()` when none
/// is recognised.
pub fn detect(root: &Path) -> Detected {
    let read = |name: &str| std::fs::read_to_string(root.join(name)).ok();
    let yaml = |name: &str| read(name).and_then(|t| crate::yaml::document(&t));
    if let Some(mkdocs) = yaml("mkdocs.yml").or_else(|| yaml("mkdocs.yaml")) {
        return mkdocs_site(&mkdocs);
    }
    let eleventy_config = [
        "eleventy.config.js",
        "eleventy.config.mjs",
        "eleventy.config.cjs",
        ".eleventy.js",
    ]
    .iter()
    .find_map(|name| read(name));
    if let Some(text) = eleventy_config {
        return eleventy_site(root, &text);
    }
    // tech-docs sites published with the tech-docs container image carry
    // no `config.rb` of their own: `config/tech-docs.yml` is enough.
    let middleman_config =
        root.join("config.rb").is_file() || root.join(TECH_DOCS_CONFIG).is_file();
    if middleman_config && root.join("source").is_dir() {
        return middleman_site(root);
    }
    if let Some(jekyll) = yaml("_config.yml") {
        return jekyll_site(&jekyll);
    }
    let toml_map = |name: &str| {
        read(name)
            .and_then(|t| toml::from_str::<toml::Table>(&t).ok())
            .and_then(|t| serde_json::to_value(t).ok())
            .and_then(|v| v.as_object().cloned())
    };
    if let Some(book) = toml_map("book.toml") {
        return mdbook_site(&book);
    }
    if let Some(docsify) = docsify_site(root) {
        return docsify;
    }
    // Zola's settings are `zola.toml` or `config.toml`, which Hugo reads
    // too: only Zola's have `base_url` (Hugo's key is `baseURL`).
    if let Some(zola) = ["zola.toml", "config.toml"]
        .iter()
        .find_map(|name| toml_map(name).filter(|map| map.contains_key("base_url")))
    {
        return zola_site(&zola);
    }
    if let Some(hugo) = hugo_settings(root) {
        return hugo_site(&hugo);
    }
    if ["docusaurus.config.js", "docusaurus.config.ts"]
        .iter()
        .any(|name| root.join(name).is_file())
        && root.join("docs").is_dir()
    {
        return Detected {
            generator: Some(Generator::Docusaurus),
            content_dir: Some("docs".into()),
            ..Detected::default()
        };
    }
    if !root.join("content").is_dir() && has_markdown(root) {
        return Detected {
            generator: Some(Generator::PlainMarkdown),
            content_dir: Some(".".into()),
            ..Detected::default()
        };
    }
    Detected::default()
}

fn text(map: &Map<String, Value>, key: &str) -> Option<String> {
    map.get(key)
        .and_then(Value::as_str)
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
}

fn strings(map: &Map<String, Value>, key: &str) -> Vec<String> {
    match map.get(key) {
        Some(Value::Array(items)) => items
            .iter()
            .filter_map(|v| v.as_str().map(str::to_string))
            .collect(),
        Some(Value::String(s)) => s
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with('#'))
            .map(str::to_string)
            .collect(),
        _ => Vec::new(),
    }
}

fn mkdocs_site(mkdocs: &Map<String, Value>) -> Detected {
    let edit_url = match (text(mkdocs, "repo_url"), text(mkdocs, "edit_uri")) {
        (Some(repo), Some(edit)) => Some(format!(
            "{}/{}/",
            repo.trim_end_matches('/'),
            edit.trim_matches('/')
        )),
        _ => None,
    };
    Detected {
        generator: Some(Generator::MkDocs),
        content_dir: Some(text(mkdocs, "docs_dir").unwrap_or_else(|| "docs".into())),
        title: text(mkdocs, "site_name"),
        description: text(mkdocs, "site_description"),
        base_url: text(mkdocs, "site_url"),
        edit_url,
        exclude: strings(mkdocs, "exclude_docs"),
        redirects: super::redirect_maps::mkdocs(mkdocs),
        ..Detected::default()
    }
}

/// Eleventy's input folder from `dir: { input: "docs" }` (or `input: "docs"`
/// anywhere in the config); the root when it names none. `.eleventyignore`
/// lists root-relative patterns.
fn eleventy_site(root: &Path, config: &str) -> Detected {
    let input = quoted_value_after(config, "input").unwrap_or_else(|| ".".into());
    let input = input
        .trim_start_matches("./")
        .trim_end_matches('/')
        .to_string();
    let input = if input.is_empty() {
        ".".to_string()
    } else {
        input
    };
    let prefix = if input == "." {
        String::new()
    } else {
        format!("{input}/")
    };
    let exclude = std::fs::read_to_string(root.join(".eleventyignore"))
        .unwrap_or_default()
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .filter_map(|l| {
            let l = l.trim_start_matches("./");
            match l.strip_prefix(prefix.as_str()) {
                Some(inside) if !prefix.is_empty() => Some(inside.to_string()),
                _ if prefix.is_empty() => Some(l.to_string()),
                _ => None,
            }
        })
        .collect();
    Detected {
        generator: Some(Generator::Eleventy),
        content_dir: Some(input),
        exclude,
        ..Detected::default()
    }
}

/// The string literal after `key:` (`input: "docs"`, `input: 'docs'`).
fn quoted_value_after(code: &str, key: &str) -> Option<String> {
    let mut from = 0;
    while let Some(at) = code[from..].find(key) {
        let start = from + at + key.len();
        from = start;
        let before_ok = code[..start - key.len()]
            .chars()
            .next_back()
            .is_none_or(|c| !c.is_alphanumeric() && c != '_');
        let rest = code[start..]
            .trim_start()
            .trim_start_matches(['"', '\''])
            .trim_start();
        let Some(rest) = rest.strip_prefix(':') else {
            continue;
        };
        let rest = rest.trim_start();
        let Some(quote) = rest
            .chars()
            .next()
            .filter(|c| matches!(c, '"' | '\'' | '`'))
        else {
            continue;
        };
        if let Some(end) = rest[1..].find(quote) {
            if before_ok {
                return Some(rest[1..1 + end].to_string());
            }
        }
    }
    None
}

fn middleman_site(root: &Path) -> Detected {
    let tech_docs = std::fs::read_to_string(root.join("config/tech-docs.yml"))
        .ok()
        .and_then(|t| crate::yaml::document(&t));
    let mut detected = Detected {
        generator: Some(Generator::Middleman),
        content_dir: Some("source".into()),
        // Middleman's layouts are the pages' frame, never pages.
        exclude: vec!["layouts".into()],
        ..Detected::default()
    };
    if let Some(tech) = tech_docs {
        detected.generator = Some(Generator::TechDocs);
        detected.title = text(&tech, "service_name");
        detected.base_url = text(&tech, "host");
        detected.review = Some(tech_docs_review(&tech));
        if let Some(repo) = text(&tech, "github_repo") {
            let branch = text(&tech, "github_branch").unwrap_or_else(|| "main".into());
            detected.edit_url = Some(format!("https://github.com/{repo}/blob/{branch}/source/"));
        }
    }
    detected
}

/// tech-docs' review settings: a page is owned by its `owner_slack`, else
/// by `default_owner_slack` (no section or CODEOWNERS owners); the review
/// line shows unless `show_review_banner: false`; owners link to Slack in
/// `owner_slack_workspace`.
fn tech_docs_review(tech: &Map<String, Value>) -> ReviewConfig {
    let flag = |key: &str| match tech.get(key) {
        Some(Value::Bool(on)) => Some(*on),
        Some(Value::String(s)) => match s.trim() {
            "true" => Some(true),
            "false" => Some(false),
            _ => None,
        },
        _ => None,
    };
    let default = ReviewConfig::default();
    ReviewConfig {
        default_owner: text(tech, "default_owner_slack").unwrap_or_default(),
        inherit_owners: false,
        show_on_pages: flag("show_review_banner").unwrap_or(default.show_on_pages),
        slack_workspace: text(tech, "owner_slack_workspace")
            .filter(|w| w.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'))
            .unwrap_or_default(),
        ..default
    }
}

fn jekyll_site(jekyll: &Map<String, Value>) -> Detected {
    // `url` is the origin, `baseurl` the path the site lives under.
    let base_url = text(jekyll, "url").map(|origin| {
        let path = text(jekyll, "baseurl").unwrap_or_default();
        format!(
            "{}/{}",
            origin.trim_end_matches('/'),
            path.trim_matches('/')
        )
        .trim_end_matches('/')
        .to_string()
    });
    Detected {
        generator: Some(Generator::Jekyll),
        content_dir: Some(text(jekyll, "source").unwrap_or_else(|| ".".into())),
        title: text(jekyll, "title"),
        description: text(jekyll, "description"),
        base_url,
        exclude: strings(jekyll, "exclude"),
        ..Detected::default()
    }
}

/// Where Hugo looks for its settings, in its order: `hugo.*`, then
/// `config.*` at the root, then the configuration folder's `_default`.
const HUGO_SETTINGS_FILES: &[&str] = &[
    "hugo.toml",
    "hugo.yaml",
    "hugo.yml",
    "hugo.json",
    "config.toml",
    "config.yaml",
    "config.yml",
    "config.json",
    "config/_default/hugo.toml",
    "config/_default/hugo.yaml",
    "config/_default/hugo.yml",
    "config/_default/hugo.json",
    "config/_default/config.toml",
    "config/_default/config.yaml",
    "config/_default/config.yml",
    "config/_default/config.json",
];

/// A Hugo site's settings. A `config.yaml` or `config.json` at the root is
/// Hugo's only beside the content folder it names (`content/` by default):
/// other tools keep one too.
fn hugo_settings(root: &Path) -> Option<Map<String, Value>> {
    HUGO_SETTINGS_FILES.iter().find_map(|name| {
        let source = std::fs::read_to_string(root.join(name)).ok()?;
        let map = match name.rsplit('.').next()? {
            "toml" => serde_json::to_value(toml::from_str::<toml::Table>(&source).ok()?).ok()?,
            "json" => serde_json::from_str::<Value>(&source).ok()?,
            _ => Value::Object(crate::yaml::document(&source)?),
        };
        let map = map.as_object()?.clone();
        let content = text(&map, "contentDir").unwrap_or_else(|| "content".into());
        let shared_name = matches!(*name, "config.yaml" | "config.yml" | "config.json");
        (!shared_name || root.join(content).is_dir()).then_some(map)
    })
}

fn hugo_site(hugo: &Map<String, Value>) -> Detected {
    let params = hugo.get("params").and_then(Value::as_object);
    // Hugo's own link render hook, when the site turns it on, finds a
    // relative link's page from the page's source folder.
    let link_hook = hugo
        .get("markup")
        .and_then(|markup| markup.pointer("/goldmark/renderHooks/link/useEmbedded"))
        .and_then(Value::as_str);
    let relative_links = match link_hook {
        Some("always" | "fallback") => RelativeLinks::Source,
        _ => RelativeLinks::Page,
    };
    Detected {
        relative_links,
        generator: Some(Generator::Hugo),
        content_dir: Some(text(hugo, "contentDir").unwrap_or_else(|| "content".into())),
        title: text(hugo, "title"),
        description: params.and_then(|p| text(p, "description")),
        base_url: text(hugo, "baseURL").or_else(|| text(hugo, "baseurl")),
        ..Detected::default()
    }
}

/// docsify: the folder whose `index.html` loads it (the root or `docs/`),
/// the `name` of its `window.$docsify` settings, and whether links are read
/// from the page (`relativePath: true`) or from the root (its default).
fn docsify_site(root: &Path) -> Option<Detected> {
    let (folder, page) = ["", "docs"].iter().find_map(|folder| {
        let page = std::fs::read_to_string(root.join(folder).join("index.html")).ok()?;
        page.contains("$docsify").then_some((*folder, page))
    })?;
    let relative_path = page.split("relativePath").nth(1).is_some_and(|after| {
        after
            .trim_start()
            .trim_start_matches([':', ' '])
            .starts_with("true")
    });
    Some(Detected {
        generator: Some(Generator::Docsify),
        content_dir: Some(if folder.is_empty() { "." } else { folder }.to_string()),
        title: quoted_value_after(&page, "name"),
        relative_links: match relative_path {
            true => RelativeLinks::Page,
            false => RelativeLinks::Root,
        },
        ..Detected::default()
    })
}

/// mdBook reads `[book] src` (`src/` by default); `SUMMARY.md` there is the
/// table of contents, not a chapter. `[output.html] site-url` is the path
/// the book is published under.
fn mdbook_site(book_toml: &Map<String, Value>) -> Detected {
    let book = book_toml.get("book").and_then(Value::as_object);
    let html = book_toml
        .get("output")
        .and_then(|output| output.get("html"))
        .and_then(Value::as_object);
    let field = |map: Option<&Map<String, Value>>, key: &str| map.and_then(|m| text(m, key));
    let src = field(book, "src").unwrap_or_else(|| "src".into());
    let site_path = field(html, "site-url").map(|path| {
        let path = path.trim_matches('/');
        match path.is_empty() {
            true => "http://localhost".to_string(),
            false => format!("http://localhost/{path}"),
        }
    });
    let edit_url = field(html, "edit-url-template")
        .and_then(|template| template.strip_suffix("{path}").map(str::to_string));
    Detected {
        generator: Some(Generator::MdBook),
        content_dir: Some(
            src.trim_start_matches("./")
                .trim_end_matches('/')
                .to_string(),
        ),
        title: field(book, "title"),
        description: field(book, "description"),
        base_url: site_path,
        edit_url,
        // The table of contents, and the text of mdBook's own 404 page
        // (the theme makes that page here).
        exclude: vec![MDBOOK_SUMMARY.into(), "404.md".into()],
        redirects: super::redirect_maps::mdbook(book_toml),
        ..Detected::default()
    }
}

/// Zola reads `content/`; `ignored_content` lists content-relative globs.
fn zola_site(zola: &Map<String, Value>) -> Detected {
    Detected {
        generator: Some(Generator::Zola),
        content_dir: Some("content".into()),
        title: text(zola, "title"),
        description: text(zola, "description"),
        base_url: text(zola, "base_url"),
        exclude: strings(zola, "ignored_content"),
        ..Detected::default()
    }
}

/// Whether the folder holds a Markdown file (not looking into subfolders).
fn has_markdown(root: &Path) -> bool {
    std::fs::read_dir(root).is_ok_and(|entries| {
        entries.filter_map(Result::ok).any(|e| {
            let name = e.file_name().to_string_lossy().to_ascii_lowercase();
            name.ends_with(".md") || name.ends_with(".markdown")
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn eleventy_input_folders_in_the_common_forms() {
        assert_eq!(
            quoted_value_after("dir: { data: '../_data', input: 'docs' }", "input").as_deref(),
            Some("docs")
        );
        assert_eq!(
            quoted_value_after("return {dir:{\"input\": \"src\"}}", "input").as_deref(),
            Some("src")
        );
        assert_eq!(
            quoted_value_after("const userInput = x; input: `site`", "input").as_deref(),
            Some("site")
        );
        assert_eq!(quoted_value_after("inputs: 'x'", "input"), None);
    }

    #[test]
    fn each_generator_from_its_files() {
        let dir = tempfile::tempdir().expect("temp");
        let root = dir.path();
        std::fs::write(
            root.join("mkdocs.yml"),
            "site_name: Play\nsite_url: https://x.example/play\n",
        )
        .expect("w");
        std::fs::write(root.join("_config.yml"), "theme: slate\n").expect("w");
        let d = detect(root);
        assert_eq!(
            d.generator,
            Some(Generator::MkDocs),
            "mkdocs.yml wins over a GitHub Pages _config.yml"
        );
        assert_eq!(d.content_dir.as_deref(), Some("docs"));
        assert_eq!(d.base_url.as_deref(), Some("https://x.example/play"));

        std::fs::remove_file(root.join("mkdocs.yml")).expect("rm");
        std::fs::write(
            root.join("_config.yml"),
            "source: src\nurl: https://a.example\nbaseurl: /hb\nexclude: [vendor, drafts/]\n",
        )
        .expect("w");
        let d = detect(root);
        assert_eq!(d.generator, Some(Generator::Jekyll));
        assert_eq!(d.content_dir.as_deref(), Some("src"));
        assert_eq!(d.base_url.as_deref(), Some("https://a.example/hb"));
        assert_eq!(d.exclude, ["vendor", "drafts/"]);

        std::fs::write(
            root.join(".eleventy.js"),
            "module.exports = () => ({ dir: { input: \"docs\" } })",
        )
        .expect("w");
        std::fs::write(
            root.join(".eleventyignore"),
            "README.md\ndocs/*/*.template.md\n",
        )
        .expect("w");
        let d = detect(root);
        assert_eq!(d.generator, Some(Generator::Eleventy));
        assert_eq!(d.content_dir.as_deref(), Some("docs"));
        assert_eq!(d.exclude, ["*/*.template.md"]);
    }

    #[test]
    fn tech_docs_without_config_rb_and_its_review_settings() {
        let dir = tempfile::tempdir().expect("temp");
        let root = dir.path();
        std::fs::create_dir_all(root.join("source")).expect("source");
        std::fs::create_dir_all(root.join("config")).expect("config");
        std::fs::write(root.join("README.md"), "# Repo\n").expect("w");
        std::fs::write(
            root.join(TECH_DOCS_CONFIG),
            "host: https://guide.example.gov.uk\nservice_name: Platform Guide\n\
             github_repo: org/guide\ngithub_branch: main\nshow_review_banner: false\n\
             owner_slack_workspace: \"mojdt\"\ndefault_owner_slack: \"#platform\"\n",
        )
        .expect("w");
        let d = detect(root);
        assert_eq!(d.generator, Some(Generator::TechDocs));
        assert_eq!(d.content_dir.as_deref(), Some("source"));
        assert_eq!(d.title.as_deref(), Some("Platform Guide"));
        assert_eq!(d.base_url.as_deref(), Some("https://guide.example.gov.uk"));
        assert_eq!(
            d.edit_url.as_deref(),
            Some("https://github.com/org/guide/blob/main/source/")
        );
        assert_eq!(d.exclude, ["layouts"]);
        let review = d.review.expect("tech-docs review settings");
        assert_eq!(review.default_owner, "#platform");
        assert!(!review.inherit_owners);
        assert!(!review.show_on_pages);
        assert_eq!(review.slack_workspace, "mojdt");
        let settings = crate::config::review::ReviewSettings::from_config(&review).expect("valid");
        assert_eq!(
            settings.slack_url("#platform").as_deref(),
            Some("https://mojdt.slack.com/messages/platform")
        );
        assert_eq!(
            settings.slack_url("@nila.patel").as_deref(),
            Some("https://mojdt.slack.com/messages/nila.patel")
        );
        assert_eq!(settings.slack_url("Platform team"), None);

        // The banner shows by default; no workspace, no links.
        std::fs::write(root.join(TECH_DOCS_CONFIG), "service_name: Guide\n").expect("w");
        let review = detect(root).review.expect("tech-docs review settings");
        assert!(review.show_on_pages);
        assert_eq!(review.default_owner, "");
        assert_eq!(review.slack_workspace, "");

        // Neither file: not Middleman.
        std::fs::remove_file(root.join(TECH_DOCS_CONFIG)).expect("rm");
        assert_eq!(detect(root).generator, Some(Generator::PlainMarkdown));
    }

    #[test]
    fn each_generator_gets_its_renderers_heading_ids() {
        let cases = [
            (Generator::MkDocs, HeadingIdFlavor::PythonMarkdown, false),
            (Generator::Eleventy, HeadingIdFlavor::MarkdownIt, false),
            (Generator::TechDocs, HeadingIdFlavor::Redcarpet, true),
            (Generator::Middleman, HeadingIdFlavor::KramdownGfm, true),
            (Generator::Jekyll, HeadingIdFlavor::KramdownGfm, true),
            (Generator::Hugo, HeadingIdFlavor::Hugo, true),
            (Generator::Zola, HeadingIdFlavor::Zola, false),
            (Generator::MdBook, HeadingIdFlavor::MdBook, false),
            (Generator::Docsify, HeadingIdFlavor::Docsify, false),
            (Generator::Docusaurus, HeadingIdFlavor::Github, false),
            (Generator::PlainMarkdown, HeadingIdFlavor::Github, false),
        ];
        for (generator, ids, smart) in cases {
            assert_eq!(generator.heading_ids(), ids, "{generator:?}");
            assert_eq!(generator.smart_punctuation(), smart, "{generator:?}");
        }
    }

    #[test]
    fn zola_and_hugo_share_config_toml_but_not_its_keys() {
        let dir = tempfile::tempdir().expect("temp");
        let root = dir.path();
        std::fs::write(
            root.join("config.toml"),
            "base_url = \"https://ops.example.org\"\ntitle = \"Ops\"\n\
             ignored_content = [\"*.xlsx\"]\n",
        )
        .expect("w");
        let d = detect(root);
        assert_eq!(d.generator, Some(Generator::Zola));
        assert_eq!(d.content_dir.as_deref(), Some("content"));
        assert_eq!(d.title.as_deref(), Some("Ops"));
        assert_eq!(d.base_url.as_deref(), Some("https://ops.example.org"));
        assert_eq!(d.exclude, ["*.xlsx"]);

        std::fs::write(
            root.join("config.toml"),
            "baseURL = \"https://x.example\"\n",
        )
        .expect("w");
        assert_eq!(detect(root).generator, Some(Generator::Hugo));
        std::fs::remove_file(root.join("config.toml")).expect("rm");

        // Hugo's configuration folder; a `config.yaml` only beside `content/`.
        std::fs::write(root.join("config.yaml"), "title: Not Hugo's\n").expect("w");
        assert_eq!(detect(root).generator, None);
        std::fs::create_dir_all(root.join("config/_default")).expect("mkdir");
        std::fs::write(
            root.join("config/_default/config.yaml"),
            "title: Handbook\ncontentDir: pages\n",
        )
        .expect("w");
        let d = detect(root);
        assert_eq!(d.generator, Some(Generator::Hugo));
        assert_eq!(d.title.as_deref(), Some("Handbook"));
        assert_eq!(d.content_dir.as_deref(), Some("pages"));
        std::fs::create_dir(root.join("content")).expect("mkdir");
        assert_eq!(detect(root).title.as_deref(), Some("Not Hugo's"));
        std::fs::write(
            root.join("config.toml"),
            "baseURL = \"https://x.example\"\n",
        )
        .expect("w");

        // A book: `book.toml` wins.
        std::fs::write(
            root.join("book.toml"),
            "[book]\ntitle = \"Ops Book\"\nsrc = \"./chapters/\"\n\n[output.html]\nsite-url = \"/ops/\"\n",
        )
        .expect("w");
        let d = detect(root);
        assert_eq!(d.generator, Some(Generator::MdBook));
        assert_eq!(d.content_dir.as_deref(), Some("chapters"));
        assert_eq!(d.title.as_deref(), Some("Ops Book"));
        assert_eq!(d.base_url.as_deref(), Some("http://localhost/ops"));
        assert_eq!(d.exclude, ["SUMMARY.md", "404.md"]);
        std::fs::remove_file(root.join("book.toml")).expect("rm");

        // docsify: its `index.html`, in `docs/`.
        std::fs::remove_file(root.join("config.toml")).expect("rm");
        std::fs::create_dir_all(root.join("docs")).expect("docs");
        let docsify = "<script>window.$docsify = { name: \"Team\", relativePath: true };</script>";
        std::fs::write(root.join("docs/index.html"), docsify).expect("w");
        let d = detect(root);
        assert_eq!(d.generator, Some(Generator::Docsify));
        assert_eq!(d.content_dir.as_deref(), Some("docs"));
        assert_eq!(d.title.as_deref(), Some("Team"));
        assert_eq!(d.relative_links, RelativeLinks::Page, "relativePath: true");
        std::fs::write(
            root.join("docs/index.html"),
            "<script>window.$docsify = {}</script>",
        )
        .expect("w");
        assert_eq!(
            detect(root).relative_links,
            RelativeLinks::Root,
            "docsify's default"
        );
        std::fs::remove_dir_all(root.join("docs")).expect("rm");

        // Zola 0.19 and later read `zola.toml` first.

        std::fs::write(root.join("zola.toml"), "base_url = \"https://z.example\"\n").expect("w");
        assert_eq!(detect(root).generator, Some(Generator::Zola));
    }
}
