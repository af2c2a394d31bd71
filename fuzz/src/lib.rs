//! The fuzz harnesses: each takes arbitrary bytes, drives one stage of
//! `handbook` the way `build` and `check` drive it, and asserts what must hold
//! for every input: no panic, every diagnostic renders and points inside its
//! file, no page is written outside the output folder.
//!
//! The targets in `fuzz_targets/` are one line each around these functions;
//! `tests/fuzz_regressions.rs` includes this file and replays every input that
//! once crashed, so a fixed bug stays fixed in a plain `cargo test`.
//!
//! Several harnesses read more than one file from one input: the parts are
//! separated by a NUL byte, which no page can contain (`build` rejects it).

use std::collections::HashSet;
use std::ops::Range;
use std::path::{Component, Path, PathBuf};
use std::sync::OnceLock;

use handbook::cadence::{self, ical, index::Filter, prose, schema};
use handbook::config::{Config, ConfigError, HeadingIdFlavor, Overrides, SiteConfig};
use handbook::content::site_urls::SiteUrls;
use handbook::content::{self, front_matter, url, Asset, Page};
use handbook::diagnostics::{render_human, Diagnostic, Location, Severity};
use handbook::links::{self, LinkIndex, SourceIndex};
use handbook::markdown::{self, RenderOptions, Rendered};
use handbook::site::Site;

/// Template values for the Markdown harness: a page and a site with a few
/// keys, so expressions are both found and dropped.
static EMPTY_MAP: std::sync::LazyLock<serde_json::Map<String, serde_json::Value>> =
    std::sync::LazyLock::new(|| {
        serde_json::from_str(r#"{"owner": "Sales", "title": "T", "n": 3}"#).unwrap_or_default()
    });
static NO_INCLUDES: std::sync::LazyLock<handbook::content::includes::Includes> =
    std::sync::LazyLock::new(handbook::content::includes::Includes::none);
static TEMPLATE_VALUES: std::sync::LazyLock<markdown::templates::TemplateValues<'static>> =
    std::sync::LazyLock::new(|| {
        markdown::templates::TemplateValues::for_page(&EMPTY_MAP, "Page", &NO_INCLUDES, "")
    });

/// Separates the files of one input.
const SEPARATOR: u8 = 0;

// ---------------------------------------------------------------------------
// (a) front matter: split, parse, interpret, URL

/// One page file: decoded, split, front matter parsed and interpreted, URL
/// chosen (custom `url`, `slug`), every diagnostic rendered.
pub fn front_matter(data: &[u8]) {
    let rel = ["page.md", "docs/README.md", "team/a.html.md.erb"][data.len() % 3];
    let text = match content::decode(rel, data.to_vec()) {
        Ok(text) => text,
        Err(d) => return check_diagnostics(&[d]),
    };
    let outcome = front_matter::split(&text).and_then(|split| {
        check_split(&text, &split);
        front_matter::parse(&text, &split).map(|parsed| (split, parsed))
    });
    match outcome {
        Ok((split, parsed)) => {
            for (_, span) in &parsed.warnings {
                check_span(&text, span, "warning");
            }
            for key in parsed.map.keys().take(16) {
                let span = front_matter::key_span(&text, &split.front, key);
                check_span(&text, &span, "key");
            }
        }
        Err(error) => {
            check_span(&text, &error.span(), "front matter error");
            check_diagnostics(&[front_matter::error_diagnostic(rel, &text, &error)]);
        }
    }
    let (page, diagnostics) = page_from_text(rel, text, rel.starts_with("docs/"));
    check_diagnostics(&diagnostics);
    if let Some(page) = page {
        check_output_path(&page);
    }
}

fn check_split(text: &str, split: &front_matter::Split) {
    let front = &split.front;
    assert!(
        front.start <= front.end && front.end <= split.body_start && split.body_start <= text.len(),
        "split out of order: {split:?} in {} bytes",
        text.len()
    );
    for at in [front.start, front.end, split.body_start] {
        assert!(
            text.is_char_boundary(at),
            "split inside a character at {at}"
        );
    }
}

/// Paths from content never leave the output folder: the output file is a
/// relative path of plain names.
fn check_output_path(page: &Page) {
    let output = &page.url.output;
    assert!(
        !output.is_empty(),
        "empty output path for {}",
        page.rel_path
    );
    assert!(
        Path::new(output)
            .components()
            .all(|c| matches!(c, Component::Normal(_))),
        "output path {output:?} of {} is not a plain relative path",
        page.rel_path
    );
    assert!(
        !output.contains('\\') && !output.contains('\0'),
        "output path {output:?}"
    );
    assert!(page.url.path.starts_with('/'), "URL {:?}", page.url.path);
}

// ---------------------------------------------------------------------------
// (b) Markdown: kramdown extensions and the full render

/// Byte 0 and 1 choose the render options; the rest is a page (front matter
/// allowed). Links written to `.md` files are rewritten, as `build` does.
pub fn markdown(data: &[u8]) {
    let [flags, more, rest @ ..] = data else {
        return;
    };
    let text = String::from_utf8_lossy(rest);
    let body_start = front_matter::split(&text).map_or(0, |s| s.body_start);
    let base_path = if more & 1 != 0 { "/docs" } else { "" };
    let rewrite = |target: &str| rewrite_for_fuzzing(target, base_path);
    let options = RenderOptions {
        flavor: flavor(flags >> 6),
        highlight: flags & 0x10 != 0,
        smart_punctuation: flags & 0x08 != 0,
        parse_block_html: flags & 0x01 != 0,
        erb: flags & 0x02 != 0,
        erb_show: flags & 0x04 != 0,
        base_path,
        html: flags & 0x20 == 0,
        rewrite_link: &rewrite,
        raw_html: if more & 2 != 0 {
            markdown::RawHtml::Escape
        } else {
            markdown::RawHtml::PassThrough
        },
        script_links: if more & 4 != 0 {
            markdown::ScriptLinks::Keep
        } else {
            markdown::ScriptLinks::Drop
        },
        templates: (more & 8 != 0).then_some(&*TEMPLATE_VALUES),
        liquid: more & 16 != 0,
        zola_shortcodes: more & 32 != 0,
        mdbook_includes: more & 64 != 0,
        mdx: more & 128 != 0,
        math: handbook::markdown::math::SingleDollar::Text,
    };
    let rendered = markdown::render(&text[body_start..], body_start, &options);
    check_rendered("page.md", &text, &rendered);
    let _ = rendered.first_heading();
}

fn flavor(bits: u8) -> HeadingIdFlavor {
    match bits & 3 {
        0 => HeadingIdFlavor::KramdownGfm,
        1 => HeadingIdFlavor::Kramdown,
        2 => HeadingIdFlavor::Github,
        _ => HeadingIdFlavor::Hugo,
    }
}

/// What the build's rewrite does, in miniature: `x.md#a` becomes a page URL,
/// root-relative links get the base path; `q...` gets a URL that needs
/// escaping in HTML.
fn rewrite_for_fuzzing(target: &str, base_path: &str) -> Option<String> {
    let (path, fragment) = match target.split_once('#') {
        Some((path, fragment)) => (path, format!("#{fragment}")),
        None => (target, String::new()),
    };
    if let Some(stem) = path.strip_suffix(".md") {
        return Some(format!("{base_path}/{}/{fragment}", stem.trim_matches('/')));
    }
    if target.starts_with('q') {
        return Some(format!("/\"quoted\" <é>&{target}"));
    }
    if !base_path.is_empty() && target.starts_with('/') && !target.starts_with("//") {
        return Some(format!("{base_path}{target}"));
    }
    None
}

/// Every position the renderer reports lies inside the file, and turns into a
/// diagnostic that renders.
fn check_rendered(file: &str, text: &str, rendered: &Rendered) {
    let mut diagnostics = Vec::new();
    for link in rendered.links() {
        check_span(text, &link.span, "link");
        diagnostics.push(
            Diagnostic::warning("missing-page", format!("broken link: {}", link.target))
                .in_file(file)
                .at(text, link.span.clone())
                .with_label("no such page"),
        );
    }
    for note in &rendered.notes {
        check_span(text, &note.span, "note");
        diagnostics.push(
            Diagnostic::warning("unsupported", note.message.clone())
                .in_file(file)
                .at(text, note.span.clone())
                .with_help(note.help.clone()),
        );
    }
    check_diagnostics(&diagnostics);
}

// ---------------------------------------------------------------------------
// (c) links: extraction and resolution on a tiny site

/// Pages used when a part of the input does not name its own file.
const PAGE_NAMES: [&str; 6] = [
    "index.md",
    "docs/guide.md",
    "docs/README.md",
    "team/handbook.html.md.erb",
    "team/people/_index.md",
    "a.markdown",
];

const ASSETS: [&str; 3] = ["images/logo.png", "docs/diagram.svg", "team/file name.pdf"];

/// Byte 0 chooses the site (at a domain root or under `/docs`); the rest is up
/// to six pages separated by NUL. A page whose first line is `@path.md` is
/// that file. Every link of every page is resolved, then checked as `check`
/// does; every line of every page is also resolved as a link target.
pub fn links(data: &[u8]) {
    let [flags, rest @ ..] = data else {
        return;
    };
    let config = if flags & 1 != 0 {
        docs_config()
    } else {
        root_config()
    };
    let pages = site_pages(rest);
    let assets: Vec<Asset> = ASSETS
        .iter()
        .map(|rel| Asset {
            rel_path: rel.to_string(),
            abs_path: PathBuf::from(rel),
        })
        .collect();
    let urls = SiteUrls::of(config);
    let sources = SourceIndex::new(&pages, &assets, &urls);
    let rendered: Vec<Rendered> = pages
        .iter()
        .map(|page| {
            let rewrite = |target: &str| {
                sources
                    .rewrite(page, target)
                    .or_else(|| with_base_path(&urls, target))
            };
            let options = build_options(config, page, flags & 2 == 0, &rewrite);
            let rendered = markdown::render(
                page.held_body().unwrap_or_default(),
                page.split.body_start,
                &options,
            );
            check_rendered(&page.rel_path, &page.text, &rendered);
            rendered
        })
        .collect();
    let site = Site::build(&pages, &rendered, &urls, config.site.sidebar_limit);
    for i in 0..pages.len() {
        let _ = site.breadcrumbs(i);
        let _ = site.nav(i, &pages);
    }
    let asset_paths: Vec<String> = ASSETS
        .iter()
        .map(|a| format!("/{a}"))
        .chain(["/sitemap.xml".to_string(), "/404.html".to_string()])
        .collect();
    let generated: Vec<String> = site
        .sections_without_index()
        .map(|s| s.path.clone())
        .collect();
    let index = LinkIndex::new(config, &urls, &pages, &rendered, asset_paths, generated);
    for (i, (page, r)) in pages.iter().zip(&rendered).enumerate() {
        for link in r.links() {
            let _ = index.resolve(i, link.href());
            let _ = index.resolve(i, &link.target);
        }
        for line in page.text.lines().take(64) {
            let _ = index.resolve(i, line);
        }
    }
    let report = links::check_all(&index, &pages, &rendered, Severity::Warning);
    for broken in &report.broken {
        assert!(broken.line >= 1 && broken.column >= 1, "{broken:?}");
    }
    check_diagnostics(&report.diagnostics);
}

/// The pages of a site from NUL-separated parts, as `content::load` would
/// leave them: unique source paths, sorted, one page per output file.
fn site_pages(data: &[u8]) -> Vec<Page> {
    let mut parts: Vec<(String, &[u8])> = Vec::new();
    for (i, part) in data
        .split(|&b| b == SEPARATOR)
        .take(PAGE_NAMES.len())
        .enumerate()
    {
        let (name, bytes) = named_part(part, i);
        if !parts.iter().any(|(n, _)| *n == name) {
            parts.push((name, bytes));
        }
    }
    parts.sort_by(|a, b| a.0.cmp(&b.0));
    let folders_with_index: HashSet<&str> = parts
        .iter()
        .filter(|(rel, _)| url::is_index_name(rel))
        .map(|(rel, _)| folder_of(rel))
        .collect();
    let mut pages: Vec<Page> = Vec::new();
    for (rel, bytes) in &parts {
        let readme_is_index = !folders_with_index.contains(folder_of(rel));
        let text = match content::decode(rel, bytes.to_vec()) {
            Ok(text) => text,
            Err(d) => {
                check_diagnostics(&[d]);
                continue;
            }
        };
        let (page, diagnostics) = page_from_text(rel, text, readme_is_index);
        check_diagnostics(&diagnostics);
        if let Some(page) = page {
            check_output_path(&page);
            if !pages.iter().any(|p| p.url.output == page.url.output) {
                pages.push(page);
            }
        }
    }
    pages
}

/// `@dir/name.md\n...` names its file; other parts get a default name.
fn named_part(part: &[u8], i: usize) -> (String, &[u8]) {
    if let Some(named) = part.strip_prefix(b"@") {
        let end = named
            .iter()
            .position(|&b| b == b'\n')
            .unwrap_or(named.len());
        let name = String::from_utf8_lossy(&named[..end]);
        if is_plausible_source_path(&name) {
            let body = named.get(end + 1..).unwrap_or_default();
            return (name.into_owned(), body);
        }
    }
    (PAGE_NAMES[i % PAGE_NAMES.len()].to_string(), part)
}

/// What a walk of the content folder can produce: `/`-separated plain names,
/// ending in a page extension.
fn is_plausible_source_path(rel: &str) -> bool {
    !rel.is_empty()
        && rel
            .split('/')
            .all(|s| !s.is_empty() && s != "." && s != ".." && !s.contains('\u{FFFD}'))
        && matches!(
            url::source_kind(rel),
            content::SourceKind::Markdown | content::SourceKind::MarkdownErb
        )
}

fn folder_of(rel: &str) -> &str {
    rel.rfind('/').map_or("", |i| &rel[..i])
}

fn with_base_path(urls: &SiteUrls, target: &str) -> Option<String> {
    if !target.starts_with('/') || target.starts_with("//") {
        return None;
    }
    urls.rebased(target)
}

// ---------------------------------------------------------------------------
// (d) the cadence schema and everything built from it

/// `site.toml NUL page` or just a page. The page's `cadence` front matter is
/// validated and located (diagnostics), collected into the rhythm, and turned
/// into everything `build` writes from it: index, calendar, feeds, JSON. The
/// `cadence --suggest` output for the page's prose cadences must itself be
/// valid front matter.
pub fn cadence(data: &[u8]) {
    let (settings, page_bytes) = match data.iter().position(|&b| b == SEPARATOR) {
        Some(i) => (Some(&data[..i]), &data[i + 1..]),
        None => (None, data),
    };
    let custom;
    let config = match settings {
        None => root_config(),
        Some(settings) => match site_config_from_toml(&String::from_utf8_lossy(settings)) {
            Some(config) => {
                custom = config;
                &custom
            }
            None => return,
        },
    };
    let rel = "planning/forecasting.md";
    let text = match content::decode(rel, page_bytes.to_vec()) {
        Ok(text) => text,
        Err(d) => return check_diagnostics(&[d]),
    };
    let (page, diagnostics) = page_from_text(rel, text, false);
    check_diagnostics(&diagnostics);
    let Some(page) = page else {
        return;
    };
    let pages = vec![page];
    let keep = |_: &str| None;
    let rendered = vec![markdown::render(
        pages[0].held_body().unwrap_or_default(),
        pages[0].split.body_start,
        &build_options(config, &pages[0], true, &keep),
    )];
    let site = Site::build(
        &pages,
        &rendered,
        &SiteUrls::of(config),
        config.site.sidebar_limit,
    );
    let owners = cadence::owners_of(config, &pages);
    let rhythm = cadence::collect(config, &pages, &rendered, &site, owners);
    check_diagnostics(&rhythm.diagnostics);

    let vocabulary = &config.vocabulary;
    let index = &rhythm.index;
    let _ = index.view(&Filter::default());
    let owners: Vec<String> = index.owners().map(|(name, _)| name.to_string()).collect();
    for owner in owners.iter().take(8) {
        let view = index.view(&Filter {
            owner: Some(owner.clone()),
            ..Filter::default()
        });
        let _ = ical::calendar(&feed_info(config, &rhythm), &view.activities);
    }
    for (key, _) in index.cadences().iter().take(8) {
        let _ = index.view(&Filter {
            every: Some(key.clone()),
            ..Filter::default()
        });
    }
    let _ = index.calendar(&rhythm, vocabulary);
    let _ = ical::calendar(&feed_info(config, &rhythm), &index.views);
    let _ = cadence::index::to_json(index, vocabulary);

    check_suggestion(config, &pages[0], &rendered[0]);
}

fn feed_info<'a>(config: &'a Config, rhythm: &cadence::Rhythm) -> ical::FeedInfo<'a> {
    ical::FeedInfo {
        name: &config.site.title,
        description: &config.site.description,
        host: &config.internal_hosts[0],
        start: rhythm.start(),
    }
}

/// `handbook cadence --suggest` prints front matter to paste: it must parse,
/// and declare one valid activity per prose cadence it found.
fn check_suggestion(config: &Config, page: &Page, rendered: &Rendered) {
    let vocabulary = &config.vocabulary;
    let found = prose::scan(
        &page.text,
        page.split.body_start,
        &rendered.headings,
        config.site.markdown.heading_ids,
        vocabulary,
    );
    if found.is_empty() {
        return;
    }
    let yaml = prose::suggest_yaml(&found, &rendered.anchors, vocabulary);
    let text = format!("---\n{yaml}---\n");
    let parsed = front_matter::split(&text)
        .and_then(|split| front_matter::parse(&text, &split))
        .unwrap_or_else(|e| panic!("the suggestion is not valid front matter ({e}):\n{yaml}"));
    let anchors: HashSet<&str> = rendered.anchors.iter().map(String::as_str).collect();
    let facts = schema::PageFacts {
        title: "Page",
        anchors: &anchors,
        heading_ids: &[],
    };
    let value = parsed.map.get("cadence").cloned().unwrap_or_default();
    let (entries, errors) = schema::parse(&value, &facts, vocabulary);
    assert!(
        errors.is_empty() && entries.len() == found.len(),
        "the suggestion does not validate: {errors:?}\n{yaml}"
    );
}

/// A configuration from `site.toml` text; its errors must render.
fn site_config_from_toml(text: &str) -> Option<Config> {
    let site = match toml::from_str::<SiteConfig>(text) {
        Ok(site) => site,
        Err(error) => {
            let e = ConfigError::Parse {
                path: PathBuf::from("site.toml"),
                text: text.to_string(),
                error,
            };
            check_diagnostics(&[e.to_diagnostic()]);
            return None;
        }
    };
    let root = std::env::temp_dir();
    let overrides = Overrides {
        content_dir: Some(root.clone()),
        ..Overrides::default()
    };
    match Config::from_site(&root, site, &overrides, false) {
        Ok(config) => Some(config),
        Err(e) => {
            check_diagnostics(&[e.to_diagnostic()]);
            None
        }
    }
}

// ---------------------------------------------------------------------------
// (e) diagnostics: arbitrary spans of arbitrary text

/// Bytes 0..8: span start and end (u16 each), flags, a line number (u24);
/// the rest is the file's text. The span may be reversed, empty, past the
/// end or inside a character; the diagnostic must still render and point
/// inside the file.
pub fn diagnostics(data: &[u8]) {
    let [a0, a1, b0, b1, flags, l0, l1, l2, rest @ ..] = data else {
        return;
    };
    let text = String::from_utf8_lossy(rest);
    let span =
        usize::from(u16::from_le_bytes([*a0, *a1]))..usize::from(u16::from_le_bytes([*b0, *b1]));
    let severity = if flags & 1 != 0 {
        Severity::Error
    } else {
        Severity::Warning
    };
    let first_line = text.lines().next().unwrap_or_default();
    let message = if flags & 2 != 0 { &text } else { "broken link" };
    let file = if flags & 4 != 0 {
        first_line
    } else {
        "docs/é page.md"
    };
    let mut d = Diagnostic::new(severity, "fuzz", message)
        .in_file(file)
        .at(&text, span.clone());
    if flags & 8 != 0 {
        d = d.with_label(first_line);
    }
    if flags & 16 != 0 {
        d = d.with_help(&*text);
    }
    check_diagnostics(&[d]);

    // A location made by hand (`Diagnostic::at_location`): an arbitrary line
    // number and underline over a line of the text.
    let line = usize::from(*l0) | usize::from(*l1) << 8 | usize::from(*l2) << 16;
    let location = Location {
        line,
        column: span.start,
        source_line: if flags & 32 != 0 {
            text.to_string()
        } else {
            first_line.to_string()
        },
        underline: span,
    };
    let d = Diagnostic::error("fuzz", "by hand")
        .in_file("a.md")
        .at_location(location);
    let _ = render_human(&d, flags & 64 != 0);
    // A file without a position.
    let _ = render_human(&Diagnostic::error("fuzz", message).in_file(file), false);
}

// ---------------------------------------------------------------------------
// Shared

/// Every diagnostic renders in both styles, names its position when it has
/// one, and its underline lies inside the line it shows.
fn check_diagnostics(diagnostics: &[Diagnostic]) {
    for d in diagnostics {
        let plain = render_human(d, false);
        let _ = render_human(d, true);
        let (Some(file), Some(location)) = (&d.file, &d.location) else {
            continue;
        };
        check_location(location);
        let position = format!("{file}:{}:{}", location.line, location.column);
        assert!(
            plain.contains(&position),
            "the output does not name {position}:\n{plain}"
        );
    }
}

fn check_location(location: &Location) {
    assert!(location.line >= 1 && location.column >= 1, "{location:?}");
    let line = &location.source_line;
    let underline = &location.underline;
    assert!(
        underline.start <= underline.end && underline.end <= line.len(),
        "underline {underline:?} outside the line ({} bytes)",
        line.len()
    );
    assert!(
        line.is_char_boundary(underline.start) && line.is_char_boundary(underline.end),
        "underline {underline:?} inside a character of {line:?}"
    );
    assert!(!line.contains('\n'), "a source line with a line break");
}

fn check_span(text: &str, span: &Range<usize>, what: &str) {
    assert!(
        span.start <= span.end && span.end <= text.len(),
        "{what} span {span:?} outside the file ({} bytes)",
        text.len()
    );
}

fn page_from_text(
    rel: &str,
    text: String,
    readme_is_index: bool,
) -> (Option<Page>, Vec<Diagnostic>) {
    content::page_from_text(
        rel,
        Path::new(rel),
        text,
        url::source_kind(rel),
        readme_is_index,
        true,
    )
}

/// The render options `build` uses for `page`.
fn build_options<'a>(
    config: &'a Config,
    page: &Page,
    html: bool,
    rewrite: &'a (dyn Fn(&str) -> Option<String> + Sync),
) -> RenderOptions<'a> {
    let markdown = &config.site.markdown;
    RenderOptions {
        flavor: markdown.heading_ids,
        // syntect is fuzzed by the markdown target; here it would only slow the run.
        highlight: false,
        smart_punctuation: markdown.smart_punctuation,
        parse_block_html: markdown.parse_block_html,
        erb: page.kind == content::SourceKind::MarkdownErb,
        erb_show: false,
        base_path: &config.base_path,
        html,
        rewrite_link: rewrite,
        raw_html: markdown::RawHtml::PassThrough,
        script_links: markdown::ScriptLinks::Drop,
        templates: None,
        liquid: false,
        zola_shortcodes: false,
        mdbook_includes: false,
        mdx: false,
        math: handbook::markdown::math::SingleDollar::Text,
    }
}

/// A site at a domain root.
fn root_config() -> &'static Config {
    static CONFIG: OnceLock<Config> = OnceLock::new();
    CONFIG.get_or_init(|| fuzz_config("https://handbook.example.com"))
}

/// A site published under a path, with another internal domain and an
/// ignore pattern.
fn docs_config() -> &'static Config {
    static CONFIG: OnceLock<Config> = OnceLock::new();
    CONFIG.get_or_init(|| fuzz_config("https://example.com/docs"))
}

fn fuzz_config(base_url: &str) -> Config {
    let text = format!(
        "base_url = \"{base_url}\"\n[links]\ninternal_domains = [\"about.example.com\"]\nignore = [\"^/ignored/\"]\n[cadence]\nstart = 2025-02-01\n"
    );
    site_config_from_toml(&text).unwrap_or_else(|| panic!("the fuzz site config is valid: {text}"))
}

// ---------------------------------------------------------------------------
// (f) URLs: every link `handbook` prints for a page is a well-formed attribute

/// A file path, a `url:` and a `slug:` from one input (NUL-separated): each
/// URL made from them is either refused or printed as a link that holds no
/// character that could end an HTML attribute or start a tag, that decodes
/// back to the page's path, and whose output file stays inside the output.
pub fn urls(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let mut parts = text.split('\0');
    let file = parts.next().unwrap_or("");
    let custom = parts.next().unwrap_or("");
    let slug = parts.next().unwrap_or("");
    let rel = format!("{}.md", file.trim_start_matches('/'));
    let from_file = url::page_url(&rel, false);
    check_printed_url(&from_file);
    if let Some(u) = url::custom_url(custom) {
        check_printed_url(&u);
    }
    if let Some(u) = url::with_slug(&from_file, slug) {
        check_printed_url(&u);
    }
}

fn check_printed_url(page: &url::PageUrl) {
    for base in ["", "/docs"] {
        let href = SiteUrls::links_under(base).href(&page.path);
        assert!(
            !href.chars().any(|c| c.is_control()
                || c.is_whitespace()
                || matches!(c, '"' | '\'' | '<' | '>' | '`' | '\\')
                || !c.is_ascii()),
            "unsafe character in {href:?}"
        );
        let decoded = percent_encoding::percent_decode_str(&href[base.len()..])
            .decode_utf8()
            .expect("an encoded path decodes");
        assert_eq!(decoded, page.path, "{href:?} does not decode to the path");
    }
    assert!(
        !Path::new(&page.output).components().any(|c| matches!(
            c,
            Component::ParentDir | Component::RootDir | Component::Prefix(_)
        )),
        "output {:?} leaves the output folder",
        page.output
    );
}
