//! Site configuration: `site.toml` plus command-line overrides.
//!
//! Every setting has a default, so a folder of Markdown builds with no
//! `site.toml` at all.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::diagnostics::Diagnostic;
use vocabulary::{Recurrence, StartDate, Vocabulary};

pub mod detect;
mod redirect_maps;
pub mod review;
pub mod vocabulary;

pub const CONFIG_FILE: &str = "site.toml";

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct SiteConfig {
    pub title: String,
    pub description: String,
    /// Absolute URL the site is published at; its path part prefixes every URL.
    pub base_url: String,
    pub language: String,
    /// Content folder, relative to the site root.
    pub content_dir: PathBuf,
    /// Output folder, relative to the site root.
    pub output_dir: PathBuf,
    /// Theme name: `themes/NAME/` under the site root; `default` falls back to
    /// the theme built into the binary.
    pub theme: String,
    /// Prefix of "edit this page" links; the page's source path is appended.
    pub edit_url: String,
    /// Prefix of "view source" links; derived from a GitLab or GitHub
    /// `edit_url` when empty.
    pub source_url: String,
    /// Build pages marked `draft: true`.
    pub drafts: bool,
    pub markdown: MarkdownConfig,
    pub links: LinksConfig,
    /// The cadence vocabulary and the start of the rhythm (`docs/cadence.md`).
    pub cadence: CadenceConfig,
    /// Page reviews: default intervals and what overdue means (`docs/owners.md`).
    pub review: review::ReviewConfig,
    /// Free-form values for templates (`config.extra`).
    pub extra: toml::Table,
    /// Files and folders of the content folder that are not part of the
    /// site: glob patterns relative to it (`drafts/**`, `*.template.md`).
    pub exclude: Vec<String>,
    /// The build cache, relative to the site root (`""` turns it off).
    pub cache_dir: String,
    /// Entries one list of the sidebar shows before it ends with a link to
    /// its section (`0`: no limit). Every page of a section lists the
    /// section's pages: without a limit, a folder of 3,000 pages puts
    /// 3,000 links on each of them. 100 by default: a longer list is
    /// scrolled past rather than read, and every page of the site carries
    /// the top-level one (at 500 top-level sections, 200 entries were 12 KB
    /// of each page's 38 and made the output grow faster than the site).
    pub sidebar_limit: usize,
    /// Old paths of the site and where they now lead (`[redirects]`):
    /// `"/old/place/" = "/new/place/"`; a source file (`"old.md"`) stands
    /// for the URL it had; the target is a link written at the site root.
    pub redirects: std::collections::BTreeMap<String, String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, Default)]
#[serde(rename_all = "kebab-case")]
pub enum HeadingIdFlavor {
    /// kramdown with the GFM parser (the GitLab handbook, Jekyll, Middleman):
    /// text content, lowercased, all but letters, marks, digits, `_`, `-`,
    /// spaces and tabs dropped, spaces and tabs to `-` (no collapsing);
    /// duplicates `-1`, `-2` counted per base id.
    #[default]
    KramdownGfm,
    /// kramdown's own parser: leading characters up to the first ASCII
    /// letter dropped, only ASCII letters, digits, spaces and `-` kept,
    /// spaces to `-` (no collapsing), `section` when nothing is left.
    Kramdown,
    /// GitHub (github-slugger, as rehype-slug uses it; Docusaurus): text
    /// lowercased, the characters of github-slugger's Unicode table dropped,
    /// spaces to `-`; duplicates `-1`, `-2` until free.
    Github,
    /// Hugo's goldmark with `autoIDType = "github"` (its default): trimmed,
    /// letters, digits and `_` lowercased, `-` and spaces to `-`, the rest
    /// dropped (marks and emoji too), `heading` when nothing is left;
    /// duplicates `-1`, `-2` until free.
    Hugo,
    /// markdown-it-anchor's default (Eleventy, VitePress): trimmed,
    /// lowercased, runs of white space to `-`, then percent-encoded as
    /// `encodeURIComponent` does, so punctuation stays (`a,-b` is `a%2C-b`);
    /// duplicates `-1`, `-2` until free.
    MarkdownIt,
    /// Python-Markdown's toc extension (MkDocs): accents folded to ASCII,
    /// other non-ASCII dropped, punctuation dropped, runs of spaces and `-`
    /// to one `-`; duplicates (and empty ids) `_1`, `_2`.
    PythonMarkdown,
    /// docsify 4's `slugify`: the heading as marked writes it (`&` as
    /// `&amp;`, `'` as `&#39;`), ASCII capitals lowercased, tags and
    /// punctuation dropped (so `Q&A` is `qampa`), white space to `-`, runs
    /// of `-` to one, `_` before a leading digit; duplicates `-1`, `-2`
    /// counted per id.
    Docsify,
    /// mdBook's ids (0.5): trimmed, lowercased, letters, digits, `_` and
    /// `-` kept, each white space character to `-`, the rest dropped,
    /// `section` when nothing is left; duplicates `-1`, `-2` until free.
    MdBook,
    /// Zola's anchors (`slugify.anchors = "on"`, its default): the `slug`
    /// crate Zola uses (text transliterated to ASCII, lowercased, every run
    /// of other characters to one `-`, trimmed); ids written on the page
    /// are taken first, duplicates `-1`, `-2` until free.
    Zola,
    /// GOV.UK tech-docs' Redcarpet renderer: the heading's HTML lowercased,
    /// every run of characters outside `a-z0-9` to one `-` (`security.txt`
    /// is `security-txt`, `What's` is `what-39-s`); a duplicate is prefixed
    /// with its parent heading's id, then suffixed `-2`, `-3`.
    Redcarpet,
}

impl HeadingIdFlavor {
    /// The name `site.toml` spells it with.
    pub fn name(self) -> &'static str {
        match self {
            HeadingIdFlavor::KramdownGfm => "kramdown-gfm",
            HeadingIdFlavor::Kramdown => "kramdown",
            HeadingIdFlavor::Github => "github",
            HeadingIdFlavor::Hugo => "hugo",
            HeadingIdFlavor::MarkdownIt => "markdown-it",
            HeadingIdFlavor::PythonMarkdown => "python-markdown",
            HeadingIdFlavor::Redcarpet => "redcarpet",
            HeadingIdFlavor::Zola => "zola",
            HeadingIdFlavor::MdBook => "mdbook",
            HeadingIdFlavor::Docsify => "docsify",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum ErbMode {
    /// Remove `<% %>` tags (the text between them stays).
    #[default]
    Drop,
    /// Show the tags as written, escaped.
    Show,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct MarkdownConfig {
    pub heading_ids: HeadingIdFlavor,
    /// Highlight fenced code blocks with syntect.
    pub highlight: bool,
    pub highlight_theme: String,
    pub highlight_theme_dark: String,
    /// Typographic quotes and dashes (kramdown does this by default).
    pub smart_punctuation: bool,
    /// kramdown's `parse_block_html` default, before any `{::options}`.
    pub parse_block_html: bool,
    pub erb: ErbMode,
    /// Raw HTML in pages passes through (`true`, as kramdown and GitHub);
    /// `false` escapes it, for sites that do not trust every contributor.
    pub raw_html: bool,
    /// Keep Markdown links to `javascript:`, `vbscript:` and `data:` URLs;
    /// by default they are dropped with a warning.
    pub unsafe_links: bool,
    /// Render `{{ page.KEY }}`, `{{ KEY }}` and `{{ site.KEY }}` and leave
    /// other Liquid/Nunjucks syntax out of pages (Jekyll and Eleventy sites,
    /// set when one is detected); otherwise `{{ }}` is text.
    pub liquid: bool,
    /// Zola's shortcodes (set when a Zola site is detected): `{{ name(...) }}`
    /// renders the common ones (`youtube`, `figure`) and leaves others out;
    /// `{% name(...) %}` and `{% end %}` are left out, their body stays.
    pub zola_shortcodes: bool,
    /// mdBook's `{{#include file}}`, `{{#rustdoc_include}}`,
    /// `{{#playground}}` and `{{#title}}` (set when an mdBook is detected).
    pub mdbook_includes: bool,
    /// `$x$` is inline math (MkDocs arithmatex, KaTeX auto-render sites);
    /// otherwise `$` is a dollar sign and math is `$$`, `\(` or `\[`.
    pub math_single_dollar: bool,
}

impl Default for MarkdownConfig {
    fn default() -> Self {
        MarkdownConfig {
            heading_ids: HeadingIdFlavor::default(),
            highlight: true,
            highlight_theme: "InspiredGitHub".into(),
            highlight_theme_dark: "base16-ocean.dark".into(),
            smart_punctuation: true,
            parse_block_html: false,
            erb: ErbMode::default(),
            raw_html: true,
            unsafe_links: false,
            liquid: false,
            zola_shortcodes: false,
            mdbook_includes: false,
            math_single_dollar: false,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum BrokenLinks {
    #[default]
    Warning,
    Error,
}

#[derive(Debug, Clone, Deserialize, Serialize, Default)]
#[serde(default, deny_unknown_fields)]
pub struct LinksConfig {
    /// Other domains whose URLs are this site's pages (besides `base_url`'s).
    pub internal_domains: Vec<String>,
    /// Regexes: internal targets matching one are not checked (they live elsewhere).
    pub ignore: Vec<String>,
    /// Regexes: external URLs matching one are never fetched by `--external`.
    pub external_ignore: Vec<String>,
    /// What a broken internal link is in `handbook build`.
    pub broken: BrokenLinks,
    /// How `handbook check --external` fetches external links.
    pub external: ExternalConfig,
    /// What a relative link (`setup.md`, `../ops/`) is read from: the page
    /// (every generator's default), the site root (docsify's, unless its
    /// `relativePath` is set), or the page's source folder first (Hugo's
    /// link render hook: `manager/` from `team/intro.md` is `team/manager.md`).
    pub relative_to: RelativeLinks,
}

/// `links.relative_to`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum RelativeLinks {
    #[default]
    Page,
    Root,
    /// Page paths from the source folder (the page's URL for the rest).
    Source,
}

/// `[links.external]`: limits and the cache of `handbook check --external`.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct ExternalConfig {
    /// Requests in flight at once, over all hosts.
    pub concurrency: usize,
    /// Requests in flight at once to one host.
    pub per_host: usize,
    /// Seconds before a request (connect, send, first bytes) is given up.
    pub timeout_secs: u64,
    /// Tries after the first for timeouts, connection errors, 429 and 5xx.
    pub retries: u32,
    /// Redirects followed before a link counts as broken.
    pub max_redirects: u32,
    /// Longest wait a `Retry-After` header may ask for, in seconds.
    pub max_retry_after_secs: u64,
    /// Statuses that count as working besides 2xx (e.g. 403 from sites that
    /// turn robots away).
    pub accept_status: Vec<u16>,
    /// Cache file, relative to the site root; `""` turns the cache off.
    pub cache: PathBuf,
    /// How long a cached result is trusted, in hours.
    pub cache_ttl_hours: f64,
    /// `User-Agent` sent with every request.
    pub user_agent: String,
}

impl Default for ExternalConfig {
    fn default() -> Self {
        ExternalConfig {
            concurrency: 16,
            per_host: 2,
            timeout_secs: 15,
            retries: 2,
            max_redirects: 5,
            max_retry_after_secs: 30,
            accept_status: Vec::new(),
            cache: PathBuf::from(".handbook-cache/external.json"),
            cache_ttl_hours: 24.0,
            user_agent: concat!("handbook/", env!("CARGO_PKG_VERSION"), " (link checker)").into(),
        }
    }
}

/// `[cadence]`: the operating rhythm's settings (see `docs/cadence.md`).
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct CadenceConfig {
    /// First day of the (fiscal) year: anchors every recurrence, the quarters
    /// and the calendar. Default: January 1 of the current year.
    pub start: Option<StartDate>,
    /// Keep the built-in cadences (daily ... ongoing); `false` starts from none.
    pub defaults: bool,
    /// Cadences to change or add, by key (`[cadence.vocabulary.bi-weekly]`).
    pub vocabulary: BTreeMap<String, CadenceSetting>,
}

impl Default for CadenceConfig {
    fn default() -> Self {
        CadenceConfig {
            start: None,
            defaults: true,
            vocabulary: BTreeMap::new(),
        }
    }
}

/// One `[cadence.vocabulary.KEY]` table; every field is optional for a
/// built-in cadence.
#[derive(Debug, Clone, Deserialize, Serialize, Default)]
#[serde(default, deny_unknown_fields)]
pub struct CadenceSetting {
    pub label: Option<String>,
    /// Listing order, most frequent first (the built-ins use 10, 20, ... 90).
    pub order: Option<i64>,
    /// `FREQ=...;INTERVAL=...` (an RRULE subset), or `none`.
    pub rule: Option<Recurrence>,
    /// More spellings `every:` accepts.
    pub aliases: Vec<String>,
}

impl Default for SiteConfig {
    fn default() -> Self {
        SiteConfig {
            title: "Handbook".into(),
            description: String::new(),
            base_url: "http://localhost".into(),
            language: "en".into(),
            content_dir: "content".into(),
            output_dir: "public".into(),
            theme: "default".into(),
            edit_url: String::new(),
            source_url: String::new(),
            drafts: false,
            markdown: MarkdownConfig::default(),
            links: LinksConfig::default(),
            cadence: CadenceConfig::default(),
            review: review::ReviewConfig::default(),
            extra: toml::Table::new(),
            exclude: Vec::new(),
            cache_dir: ".handbook-cache".into(),
            sidebar_limit: 100,
            redirects: Default::default(),
        }
    }
}

/// Values given on the command line; they win over `site.toml`.
#[derive(Debug, Clone, Default)]
pub struct Overrides {
    pub content_dir: Option<PathBuf>,
    pub output_dir: Option<PathBuf>,
    pub base_url: Option<String>,
    pub drafts: bool,
    /// The day reviews are measured against (`--today`); the clock's date
    /// when not given.
    pub today: Option<chrono::NaiveDate>,
}

/// The configuration with every path made absolute or root-relative, ready to use.
#[derive(Debug, Clone)]
pub struct Config {
    pub root: PathBuf,
    pub site: SiteConfig,
    pub content_dir: PathBuf,
    pub output_dir: PathBuf,
    /// `base_url` without a trailing slash.
    pub base_url: String,
    /// The path part of `base_url`, without a trailing slash (`""` at a domain root).
    pub base_path: String,
    /// Hosts whose absolute URLs are internal links (from `base_url` and `links.internal_domains`).
    pub internal_hosts: Vec<String>,
    /// Whether the config came from a `site.toml`.
    pub from_file: bool,
    /// The cadence vocabulary built from the defaults and `[cadence]`.
    pub vocabulary: Vocabulary,
    /// The generator the site was made for, when it has no `site.toml`.
    pub detected: Option<detect::Generator>,
    /// `[review]` read and checked.
    pub review: review::ReviewSettings,
    /// The day reviews are due or overdue against: `--today`, else the
    /// clock's date when the configuration was loaded (the one place the
    /// build reads it).
    pub today: chrono::NaiveDate,
}

impl Config {
    /// The file whose `redirects` the site has: `site.toml`, or the
    /// detected generator's settings (`book.toml`, `mkdocs.yml`).
    pub fn redirects_file(&self) -> &'static str {
        match self.detected {
            _ if self.from_file => CONFIG_FILE,
            Some(detect::Generator::MdBook) => "book.toml",
            Some(detect::Generator::MkDocs) if self.root.join("mkdocs.yaml").is_file() => {
                "mkdocs.yaml"
            }
            Some(detect::Generator::MkDocs) => "mkdocs.yml",
            _ => CONFIG_FILE,
        }
    }

    /// One line saying what was detected and how to choose otherwise, or
    /// `None` for a site with a `site.toml`.
    pub fn detection_summary(&self) -> Option<String> {
        let generator = self.detected?;
        let content = self
            .content_dir
            .strip_prefix(&self.root)
            .unwrap_or(&self.content_dir)
            .display()
            .to_string();
        let content = match content.as_str() {
            "" | "." | "./" => "the site root".to_string(),
            dir => format!("{}/", dir.trim_end_matches('/')),
        };
        let base = if self.site.base_url == SiteConfig::default().base_url {
            String::new()
        } else {
            format!(", base URL {}", self.base_url)
        };
        Some(format!(
            "{} site: content in {content}{base}, heading ids as {} (a site.toml, --content or --base-url overrides this)",
            generator.name(),
            self.site.markdown.heading_ids.name()
        ))
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("invalid {path}")]
    Parse {
        path: PathBuf,
        text: String,
        error: toml::de::Error,
    },
    #[error("{0}")]
    Invalid(String),
}

impl ConfigError {
    pub fn to_diagnostic(&self) -> Diagnostic {
        match self {
            ConfigError::Parse { path, text, error } => {
                let d = Diagnostic::error(
                    "config",
                    format!("invalid site configuration: {}", error.message()),
                )
                .in_file(path.display().to_string());
                match error.span() {
                    Some(span) => d.at(text, span),
                    None => d,
                }
            }
            other => Diagnostic::error("config", other.to_string()),
        }
    }
}

impl Config {
    /// Reads `ROOT/site.toml` when present and applies the overrides.
    pub fn load(root: &Path, overrides: &Overrides) -> Result<Config, ConfigError> {
        let path = root.join(CONFIG_FILE);
        let (site, from_file) = if path.is_file() {
            let text = std::fs::read_to_string(&path).map_err(|source| ConfigError::Read {
                path: path.clone(),
                source,
            })?;
            let site = toml::from_str::<SiteConfig>(&text).map_err(|error| ConfigError::Parse {
                path: path.clone(),
                text: text.clone(),
                error,
            })?;
            (site, true)
        } else if root.is_dir() {
            let mut site = SiteConfig::default();
            let generator = adopt_other_generator(root, overrides, &mut site);
            let mut config = Config::from_site(root, site, overrides, false)?;
            config.detected = generator;
            return Ok(config);
        } else {
            return Err(ConfigError::Invalid(format!(
                "site root {} is not a folder",
                root.display()
            )));
        };
        Config::from_site(root, site, overrides, from_file)
    }

    /// Only `ROOT/site.toml` (or the defaults), without checking the folders:
    /// for commands that read a single file.
    pub fn load_settings(root: &Path) -> Result<SiteConfig, ConfigError> {
        let path = root.join(CONFIG_FILE);
        if !path.is_file() {
            return Ok(SiteConfig::default());
        }
        let text = std::fs::read_to_string(&path).map_err(|source| ConfigError::Read {
            path: path.clone(),
            source,
        })?;
        toml::from_str::<SiteConfig>(&text).map_err(|error| ConfigError::Parse {
            path,
            text,
            error,
        })
    }

    pub fn from_site(
        root: &Path,
        mut site: SiteConfig,
        overrides: &Overrides,
        from_file: bool,
    ) -> Result<Config, ConfigError> {
        if let Some(url) = &overrides.base_url {
            site.base_url = url.clone();
        }
        if overrides.drafts {
            site.drafts = true;
        }
        // Paths given on the command line are relative to the working folder;
        // paths in site.toml are relative to the site root.
        let content_dir = match &overrides.content_dir {
            Some(dir) => dir.clone(),
            None => root.join(&site.content_dir),
        };
        let output_dir = match &overrides.output_dir {
            Some(dir) => dir.clone(),
            None => root.join(&site.output_dir),
        };
        if !content_dir.is_dir() {
            return Err(ConfigError::Invalid(format!(
                "content folder {} does not exist",
                content_dir.display()
            )));
        }
        let (base_url, host, base_path) = split_base_url(&site.base_url)?;
        let mut internal_hosts = vec![host];
        for domain in &site.links.internal_domains {
            let domain = domain
                .trim_start_matches("https://")
                .trim_start_matches("http://")
                .trim_end_matches('/')
                .to_ascii_lowercase();
            if !internal_hosts.contains(&domain) {
                internal_hosts.push(domain);
            }
        }
        for pattern in site.links.ignore.iter().chain(&site.links.external_ignore) {
            if let Err(e) = regex::Regex::new(pattern) {
                return Err(ConfigError::Invalid(format!(
                    "invalid regex `{pattern}` in [links]: {e}"
                )));
            }
        }
        let vocabulary = Vocabulary::from_config(&site.cadence)
            .map_err(|e| ConfigError::Invalid(e.to_string()))?;
        let review =
            review::ReviewSettings::from_config(&site.review).map_err(ConfigError::Invalid)?;
        let today = overrides
            .today
            .unwrap_or_else(|| chrono::Utc::now().date_naive());
        Ok(Config {
            vocabulary,
            review,
            today,
            root: root.to_path_buf(),
            site,
            content_dir,
            output_dir,
            base_url,
            base_path,
            internal_hosts,
            from_file,
            detected: None,
        })
    }
}

/// `https://Example.com/docs/` -> (`https://example.com/docs`, `example.com`, `/docs`).
fn split_base_url(url: &str) -> Result<(String, String, String), ConfigError> {
    let trimmed = url.trim().trim_end_matches('/');
    let rest = trimmed
        .strip_prefix("https://")
        .or_else(|| trimmed.strip_prefix("http://"))
        .ok_or_else(|| {
            ConfigError::Invalid(format!(
                "base_url `{url}` must start with http:// or https://"
            ))
        })?;
    let (host, path) = match rest.find('/') {
        Some(i) => (&rest[..i], &rest[i..]),
        None => (rest, ""),
    };
    if host.is_empty() {
        return Err(ConfigError::Invalid(format!(
            "base_url `{url}` has no host"
        )));
    }
    let scheme = &trimmed[..trimmed.len() - rest.len()];
    let host = host.to_ascii_lowercase();
    Ok((format!("{scheme}{host}{path}"), host, path.to_string()))
}

/// Without a `site.toml`, a site made for another generator keeps its name,
/// address and layout: [`detect`] reads the generator's own files in the
/// site root (or the content folder given on the command line) for the
/// content folder, title, description, base URL, edit links and exclusions.
/// Unreadable files are ignored: the defaults apply, as they would without
/// them. Returns what was detected, for the one line that says so.
fn adopt_other_generator(
    root: &Path,
    overrides: &Overrides,
    site: &mut SiteConfig,
) -> Option<detect::Generator> {
    let mut detected = detect::detect(root);
    if detected.generator.is_none() {
        if let Some(content) = &overrides.content_dir {
            detected = detect::detect(content);
            // The content folder is given; its own generator's folder is not.
            detected.content_dir = None;
        }
    }
    set(&mut site.title, detected.title);
    set(&mut site.description, detected.description);
    set_url(&mut site.base_url, detected.base_url);
    set(&mut site.edit_url, detected.edit_url);
    if let Some(dir) = detected.content_dir {
        site.content_dir = dir.into();
    }
    site.exclude.extend(detected.exclude);
    site.redirects.extend(detected.redirects);
    site.links.relative_to = detected.relative_links;
    if let Some(review) = detected.review {
        site.review = review;
    }
    if let Some(generator) = detected.generator {
        site.markdown.heading_ids = generator.heading_ids();
        site.markdown.smart_punctuation = generator.smart_punctuation();
    }
    site.markdown.liquid = matches!(
        detected.generator,
        Some(detect::Generator::Jekyll | detect::Generator::Eleventy)
    );
    site.markdown.zola_shortcodes = detected.generator == Some(detect::Generator::Zola);
    site.markdown.mdbook_includes = detected.generator == Some(detect::Generator::MdBook);
    detected.generator
}

fn set(field: &mut String, value: Option<String>) {
    if let Some(value) = value {
        *field = value;
    }
}

/// Sets `base_url` only to a URL `handbook` accepts; anything else (a bare
/// host, a relative path) keeps the default rather than failing the build
/// over a file the user never wrote for `handbook`.
fn set_url(field: &mut String, value: Option<String>) {
    set(field, value.filter(|url| split_base_url(url).is_ok()));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_url_splits_into_host_and_path() {
        let (url, host, path) = split_base_url("https://Example.com/docs/").unwrap();
        assert_eq!(url, "https://example.com/docs");
        assert_eq!(host, "example.com");
        assert_eq!(path, "/docs");
        let (_, _, path) = split_base_url("http://localhost:1111").unwrap();
        assert_eq!(path, "");
        assert!(split_base_url("example.com").is_err());
    }

    #[test]
    fn unknown_keys_are_errors_with_a_position() {
        let text = "title = \"x\"\ntitel = \"y\"\n";
        let err = toml::from_str::<SiteConfig>(text).unwrap_err();
        assert!(err.message().contains("titel"), "{}", err.message());
        assert_eq!(err.span().map(|s| &text[s]), Some("titel"));
    }
}
