//! Source path -> URL and output path.
//!
//! The rules keep the links of Middleman, Jekyll, Hugo and GitHub handbooks
//! working: `a/b.md` -> `/a/b/`; `a/index.md`, `a/_index.md`,
//! `a/index.html.md`, `a/README.md` -> `/a/`; `a/b.html.md` -> `/a/b.html`;
//! `.erb` is stripped first (`a.html.md.erb` is `a.html.md`).
//!
//! A page's path is kept decoded (it names the output file and keys every
//! index); it is percent-encoded only where it is printed, by
//! [`encode_path`], the one place that encodes, which
//! [`super::site_urls::SiteUrls`] calls when it joins the path to the base.

use percent_encoding::{percent_decode_str, utf8_percent_encode, AsciiSet, CONTROLS};

/// What kind of source a file is, from its name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SourceKind {
    /// Markdown page.
    Markdown,
    /// Markdown page with ERB tags (`.md.erb`): tags are not executed.
    MarkdownErb,
    /// A page format `handbook` cannot render (HAML, Slim, bare ERB partials).
    Unsupported,
    /// Anything else: copied as is.
    Asset,
}

impl SourceKind {
    /// Whether the load reads a file of this kind as a page.
    pub fn is_page(self) -> bool {
        matches!(self, SourceKind::Markdown | SourceKind::MarkdownErb)
    }
}

pub fn source_kind(rel_path: &str) -> SourceKind {
    let name = rel_path.rsplit('/').next().unwrap_or(rel_path);
    let lower = name.to_ascii_lowercase();
    // `.mdx`: Docusaurus' Markdown with JSX (see `markdown::mdx`).
    if lower.ends_with(".md") || lower.ends_with(".markdown") || lower.ends_with(".mdx") {
        SourceKind::Markdown
    } else if lower.ends_with(".md.erb") || lower.ends_with(".markdown.erb") {
        SourceKind::MarkdownErb
    } else if lower.ends_with(".haml") || lower.ends_with(".slim") || lower.ends_with(".erb") {
        SourceKind::Unsupported
    } else {
        SourceKind::Asset
    }
}

/// Characters percent-encoded in a site path wherever one is printed: those
/// that would end an HTML attribute, start a tag, a query or a fragment,
/// or be read as an escape (`%`), plus controls and space. `/` stays (it
/// separates segments). Letters outside ASCII are written as UTF-8
/// escapes, as browsers send them.
pub const PATH_ESCAPES: &AsciiSet = &CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'\'')
    .add(b'<')
    .add(b'>')
    .add(b'`')
    .add(b'#')
    .add(b'?')
    .add(b'%')
    .add(b'\\')
    .add(b'^')
    .add(b'{')
    .add(b'|')
    .add(b'}')
    .add(0x7f);

/// A site path (decoded, as the page's identity) as it is written in a link.
pub fn encode_path(path: &str) -> String {
    utf8_percent_encode(path, PATH_ESCAPES).to_string()
}

/// A page's place in the site.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageUrl {
    /// Root-relative URL path, `/a/b/` or `/a/b.html`, decoded: the page's
    /// identity in indexes and link resolution. Print it with
    /// [`super::site_urls::SiteUrls::href`].
    pub path: String,
    /// Output file, relative to the output folder: `a/b/index.html`.
    pub output: String,
    /// True for the folder's index page (`index.md`, `_index.md`, `README.md`).
    pub is_index: bool,
}

/// Strips the page extensions: `a/b.html.md.erb` -> (`a/b`, html = true).
fn strip_page_extension(rel_path: &str) -> (&str, bool) {
    let mut stem = rel_path;
    if let Some(s) = strip_suffix_ci(stem, ".erb") {
        stem = s;
    }
    stem = strip_suffix_ci(stem, ".md")
        .or_else(|| strip_suffix_ci(stem, ".markdown"))
        .or_else(|| strip_suffix_ci(stem, ".mdx"))
        .unwrap_or(stem);
    match strip_suffix_ci(stem, ".html") {
        Some(s) => (s, true),
        None => (stem, false),
    }
}

/// `s` without `suffix`, compared without regard to ASCII case.
pub fn strip_suffix_ci<'a>(s: &'a str, suffix: &str) -> Option<&'a str> {
    let cut = s.len().checked_sub(suffix.len())?;
    (s.is_char_boundary(cut) && s[cut..].eq_ignore_ascii_case(suffix)).then(|| &s[..cut])
}

/// Whether the file is its folder's index page by name.
pub fn is_index_name(rel_path: &str) -> bool {
    let (stem, _) = strip_page_extension(rel_path);
    let name = stem.rsplit('/').next().unwrap_or(stem);
    name == "index" || name == "_index"
}

pub fn is_readme(rel_path: &str) -> bool {
    let (stem, _) = strip_page_extension(rel_path);
    stem.rsplit('/')
        .next()
        .unwrap_or(stem)
        .eq_ignore_ascii_case("readme")
}

/// URL of a page from its content-relative path (`/`-separated).
/// `readme_is_index`: the folder has no `index` page, so `README.md` takes its place.
pub fn page_url(rel_path: &str, readme_is_index: bool) -> PageUrl {
    let (stem, html) = strip_page_extension(rel_path);
    let (dir, name) = match stem.rfind('/') {
        Some(i) => (&stem[..i], &stem[i + 1..]),
        None => ("", stem),
    };
    let is_index = name == "index"
        || name == "_index"
        || (readme_is_index && name.eq_ignore_ascii_case("readme"));
    if is_index {
        return folder_url(dir);
    }
    if html {
        let path = format!("{}/{}.html", prefix(dir), name);
        let output = path.trim_start_matches('/').to_string();
        return PageUrl {
            path,
            output,
            is_index: false,
        };
    }
    let path = format!("{}/{}/", prefix(dir), name);
    PageUrl {
        output: format!("{}index.html", path.trim_start_matches('/')),
        path,
        is_index: false,
    }
}

/// The site path of a path inside the content, theme or output folder:
/// `img/a.png` -> `/img/a.png`, `a/b/` -> `/a/b/`.
pub fn site_path(rel_path: &str) -> String {
    format!("/{rel_path}")
}

/// The site path of a content folder: `a/b` -> `/a/b/`, `` -> `/`.
pub fn folder_path(dir: &str) -> String {
    if dir.is_empty() {
        "/".to_string()
    } else {
        format!("/{dir}/")
    }
}

fn folder_url(dir: &str) -> PageUrl {
    let path = folder_path(dir);
    PageUrl {
        output: format!("{}index.html", path.trim_start_matches('/')),
        path,
        is_index: true,
    }
}

fn prefix(dir: &str) -> String {
    if dir.is_empty() {
        String::new()
    } else {
        format!("/{dir}")
    }
}

/// A URL chosen in front matter (`url`, `permalink`): normalised to a
/// root-relative path that cannot leave the output folder. `None` when unsafe.
/// The URL is read as a URL: percent-escapes are decoded first, so `%2e%2e`
/// is `..` and refused like it.
pub fn custom_url(url: &str) -> Option<PageUrl> {
    let url = url.trim();
    if url.contains("://") {
        return None;
    }
    let url = percent_decode_str(url).decode_utf8().ok()?;
    if url.is_empty() || url.contains('\\') || url.chars().any(char::is_control) {
        return None;
    }
    let mut segments = Vec::new();
    for segment in url.split('/') {
        match segment {
            "" | "." => {}
            ".." => return None,
            s => segments.push(s),
        }
    }
    let joined = segments.join("/");
    let last = segments.last().copied().unwrap_or("");
    if last.ends_with(".html")
        || last.ends_with(".htm")
        || last.ends_with(".xml")
        || last.ends_with(".json")
    {
        return Some(PageUrl {
            path: format!("/{joined}"),
            output: joined,
            is_index: false,
        });
    }
    Some(folder_url(&joined))
}

/// The URL of a page whose last segment is replaced by `slug`.
/// A slug that starts with `/` is a whole site path (Docusaurus: `slug: /`);
/// one with inner `/` is relative to the parent folder. Never above the root.
pub fn with_slug(url: &PageUrl, slug: &str) -> Option<PageUrl> {
    let slug = slug.trim();
    if slug.starts_with('/') {
        return custom_url(slug);
    }
    let slug = slug.trim_matches('/');
    if slug.is_empty() || slug.split('/').any(|s| s == ".." || s == ".") {
        return None;
    }
    let trimmed = url.path.trim_end_matches('/');
    let parent = &trimmed[..trimmed.rfind('/').unwrap_or(0)];
    custom_url(&format!("{parent}/{slug}/"))
}

/// A readable title from a file name: `sales-calls.md` -> `Sales calls`.
pub fn title_from_path(rel_path: &str) -> String {
    let (stem, _) = strip_page_extension(rel_path);
    let mut parts = stem.rsplit('/');
    let mut name = parts.next().unwrap_or(stem);
    if name == "index" || name == "_index" || name.eq_ignore_ascii_case("readme") {
        name = parts.next().unwrap_or("Home");
    }
    let words = name.replace(['-', '_'], " ");
    let mut chars = words.trim().chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => "Home".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::content::site_urls::SiteUrls;

    #[test]
    fn url_rules() {
        let cases = [
            ("a/b.md", "/a/b/", "a/b/index.html"),
            ("a/index.md", "/a/", "a/index.html"),
            ("a/_index.md", "/a/", "a/index.html"),
            ("a/index.html.md", "/a/", "a/index.html"),
            ("a/b.html.md", "/a/b.html", "a/b.html"),
            ("a/b.html.md.erb", "/a/b.html", "a/b.html"),
            ("a/index.html.md.erb", "/a/", "a/index.html"),
            ("index.md", "/", "index.html"),
            ("top.md", "/top/", "top/index.html"),
            ("a/README.md", "/a/README/", "a/README/index.html"),
        ];
        for (source, path, output) in cases {
            let url = page_url(source, false);
            assert_eq!(
                (url.path.as_str(), url.output.as_str()),
                (path, output),
                "{source}"
            );
        }
        assert_eq!(page_url("a/README.md", true).path, "/a/");
    }

    #[test]
    fn custom_urls_cannot_escape() {
        assert_eq!(custom_url("/x/y").unwrap().path, "/x/y/");
        assert_eq!(custom_url("x/feed.xml").unwrap().output, "x/feed.xml");
        assert!(custom_url("../../etc/passwd").is_none());
        assert!(custom_url("/a/../../b").is_none());
        assert!(custom_url("https://evil.example/").is_none());
        assert_eq!(custom_url("/").unwrap().output, "index.html");
        assert!(custom_url("/a/%2e%2e/%2E%2e/x/").is_none());
        assert!(custom_url("/a/.%2e/x/").is_none());
        assert!(custom_url("/a/%2E./x/").is_none());
        assert!(custom_url("/a/%01/").is_none());
        assert_eq!(custom_url("/a%20b/").unwrap().output, "a b/index.html");
    }

    #[test]
    fn printed_paths_are_encoded() {
        let url = custom_url("/a\"><script>alert(1)</script>/").unwrap();
        let urls = SiteUrls::links_under("/docs");
        let href = urls.href(&url.path);
        assert_eq!(href, "/docs/a%22%3E%3Cscript%3Ealert(1)%3C/script%3E/");
        let file = page_url("f\"><img src=x onerror=alert(2)>.md", false);
        assert!(!encode_path(&file.path).contains(['"', '<', '>', ' ']));
        assert_eq!(file.output, "f\"><img src=x onerror=alert(2)>/index.html");
        assert_eq!(encode_path(&page_url("a b%.md", false).path), "/a%20b%25/");
        assert_eq!(
            SiteUrls::new("", "https://x").permalink(&page_url("é.md", false).path),
            "https://x/%C3%A9/"
        );
    }

    #[test]
    fn slugs_replace_the_last_segment() {
        let url = page_url("a/b.md", false);
        assert_eq!(with_slug(&url, "c").unwrap().path, "/a/c/");
        assert!(with_slug(&url, "../x").is_none());
        assert_eq!(with_slug(&url, "/").unwrap().path, "/");
        assert_eq!(with_slug(&url, "/intro").unwrap().path, "/intro/");
        assert_eq!(with_slug(&url, "c/d").unwrap().path, "/a/c/d/");
    }

    #[test]
    fn kinds_and_titles() {
        assert_eq!(source_kind("a/b.html.md.erb"), SourceKind::MarkdownErb);
        assert_eq!(source_kind("a/b.html.haml"), SourceKind::Unsupported);
        assert_eq!(source_kind("a/b.png"), SourceKind::Asset);
        assert_eq!(title_from_path("sales/sales-calls.md"), "Sales calls");
        assert_eq!(title_from_path("sales/_index.md"), "Sales");
    }
}
