//! The site's URLs: where a site path becomes a link or an absolute address,
//! and where the pages and files `handbook` generates live.
//!
//! A site path is root-relative and knows nothing of where the site is
//! published (`/a/b/`, `/tags/`). [`SiteUrls`] is the one thing that knows
//! the base path (`/handbook`, or empty at a domain's root) and the base URL
//! (`https://example.com/handbook`, no trailing slash): every link, every
//! absolute address in feeds and sitemaps, and every request path `serve`
//! maps back to a file goes through it. It is made once from the config
//! (the content stage holds it, see [`super::Content::urls`]) and handed
//! down. [`generated`] names the generated pages' and files' site paths,
//! which links, the reserved outputs and the writers all read.
//!
//! `tests/architecture.rs` fails on the base path or base URL written into a
//! string anywhere else in `src/`.

use super::url::encode_path;

/// The site paths of the pages and files `handbook` generates (without the
/// base path). Print one with [`SiteUrls`]; write its file at
/// [`generated::output_file`].
pub mod generated {
    /// The tag index.
    pub const TAGS: &str = "/tags/";
    /// The owners and reviews page; the review feeds live below it.
    pub const OWNERS: &str = "/owners/";
    /// The reviews due of the whole site.
    pub const OWNER_REVIEWS_ICS: &str = "/owners/reviews.ics";
    /// The cadence index; one page per cadence lives below it.
    pub const CADENCE: &str = "/cadence/";
    pub const CADENCE_CALENDAR: &str = "/cadence/calendar/";
    /// The cadence owners; one page and feed per owner live below it.
    pub const CADENCE_OWNERS: &str = "/cadence/owners/";
    pub const CADENCE_ICS: &str = "/cadence.ics";
    pub const CADENCE_JSON: &str = "/cadence.json";
    pub const SITEMAP: &str = "/sitemap.xml";
    /// The search index's manifest; its shards live beside it.
    pub const SEARCH_INDEX: &str = "/search/index.json";
    /// Every file in it is the search index's.
    pub const SEARCH_FOLDER: &str = "/search/";
    /// The Font Awesome icons the pages use, when any does.
    pub const ICONS_CSS: &str = "/vendor/fontawesome/icons.css";
    pub const FEED: &str = "/atom.xml";
    /// Netlify, GitLab Pages and Cloudflare Pages read redirects from it.
    pub const REDIRECTS: &str = "/_redirects";
    pub const SYNTAX_CSS: &str = "/syntax.css";
    pub const NOT_FOUND: &str = "/404.html";

    /// `/tags/NAME/`.
    pub fn tag(slug: &str) -> String {
        format!("{TAGS}{slug}/")
    }

    /// `/owners/SLUG.ics`: one owner's reviews.
    pub fn owner_reviews_ics(slug: &str) -> String {
        format!("{OWNERS}{slug}.ics")
    }

    /// `/search/t3.json`: a shard of the search index's terms.
    pub fn search_terms(shard: usize) -> String {
        format!("{SEARCH_FOLDER}t{shard}.json")
    }

    /// `/search/d3.json`: a shard of the search index's documents.
    pub fn search_docs(shard: usize) -> String {
        format!("{SEARCH_FOLDER}d{shard}.json")
    }

    /// `/cadence/monthly/`: the activities of one cadence.
    pub fn cadence(key: &str) -> String {
        format!("{CADENCE}{key}/")
    }

    /// `/cadence/owners/area-sales-manager/`.
    pub fn cadence_owner(slug: &str) -> String {
        format!("{CADENCE_OWNERS}{slug}/")
    }

    /// `/cadence/owners/area-sales-manager.ics`.
    pub fn cadence_owner_ics(slug: &str) -> String {
        format!("{CADENCE_OWNERS}{slug}.ics")
    }

    /// The output file of a generated site path: `/a/` is `a/index.html`,
    /// `/a.ics` is `a.ics`.
    pub fn output_file(path: &str) -> String {
        let rel = path.trim_start_matches('/');
        if rel.is_empty() || rel.ends_with('/') {
            format!("{rel}index.html")
        } else {
            rel.to_string()
        }
    }
}

/// The one place a site path is joined to the base path or the base URL.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SiteUrls {
    base_path: String,
    base_url: String,
}

impl SiteUrls {
    pub fn of(config: &crate::config::Config) -> SiteUrls {
        SiteUrls::new(&config.base_path, &config.base_url)
    }

    pub fn new(base_path: &str, base_url: &str) -> SiteUrls {
        SiteUrls {
            base_path: base_path.to_string(),
            base_url: base_url.to_string(),
        }
    }

    /// For code that writes links only, from the base path alone: its
    /// absolute addresses would be root-relative.
    pub fn links_under(base_path: &str) -> SiteUrls {
        SiteUrls::new(base_path, "")
    }

    /// The base path as the Markdown stage takes it (ERB and Liquid print it
    /// as `site.baseurl`).
    pub fn base_path(&self) -> &str {
        &self.base_path
    }

    /// Whether the site is published at a domain's root (no base path).
    pub fn is_at_domain_root(&self) -> bool {
        self.base_path.is_empty()
    }

    /// The link to a decoded site path, percent-encoded.
    pub fn href(&self, path: &str) -> String {
        let mut href = String::with_capacity(self.base_path.len() + path.len());
        href.push_str(&self.base_path);
        href.push_str(&encode_path(path));
        href
    }

    /// The link to a site path already written as links take it (generated
    /// pages' paths, paths with a fragment or a query): the base path put in
    /// front.
    pub fn prefixed(&self, written: &str) -> String {
        format!("{}{written}", self.base_path)
    }

    /// The link to the site's home page.
    pub fn home(&self) -> String {
        self.prefixed("/")
    }

    /// The home page's address on a server at `origin` (`http://host:port`),
    /// as `serve` prints it.
    pub fn home_at(&self, origin: &str) -> String {
        format!("{origin}{}/", self.base_path)
    }

    /// The absolute address of a decoded site path, percent-encoded.
    pub fn permalink(&self, path: &str) -> String {
        format!("{}{}", self.base_url, encode_path(path))
    }

    /// The absolute address of a site path already written as links take it.
    pub fn absolute(&self, written: &str) -> String {
        format!("{}{written}", self.base_url)
    }

    /// A root-relative link written for a site at a domain's root, as a
    /// link of this site: the base path put in front, unless the link is
    /// already under it (`None`: the link stays as written).
    pub fn rebased(&self, rooted: &str) -> Option<String> {
        if self.is_at_domain_root() || self.is_under_base(rooted) {
            return None;
        }
        Some(self.prefixed(rooted))
    }

    /// The absolute address of a link as pages print it (root-relative,
    /// the base path in it already): the base URL's origin put in front.
    /// Other links (`https://...`, `//host/...`) stay as they are.
    pub fn absolute_link(&self, link: &str) -> String {
        if link.starts_with('/') && !link.starts_with("//") {
            format!("{}{link}", self.origin())
        } else {
            link.to_string()
        }
    }

    /// `https://example.com` of `https://example.com/docs`.
    fn origin(&self) -> &str {
        let url = self.base_url.as_str();
        let after_scheme = url.find("://").map_or(0, |i| i + 3);
        match url[after_scheme..].find('/') {
            Some(i) => &url[..after_scheme + i],
            None => url,
        }
    }

    /// Whether a root-relative link already starts with the base path (is
    /// the base path, or below it).
    pub fn is_under_base(&self, target: &str) -> bool {
        self.strip_base(target).is_some()
    }

    /// The site path a root-relative path under the base path names: the
    /// base path taken off (`/docs/a/` -> `/a/`, `/docs` -> `/`). `None`
    /// when the path is not under it. At a domain's root, the path itself.
    pub fn strip_base<'p>(&self, path: &'p str) -> Option<&'p str> {
        let rest = path.strip_prefix(self.base_path.as_str())?;
        if rest.is_empty() {
            Some("/")
        } else {
            rest.starts_with('/').then_some(rest)
        }
    }

    /// Whether the path of an absolute URL on the site's own host (a query
    /// or a fragment may follow it) lies within the site: another site may
    /// share the host under another path.
    pub fn holds_url_path(&self, path: &str) -> bool {
        if self.is_at_domain_root() {
            return true;
        }
        path.strip_prefix(self.base_path.as_str())
            .is_some_and(|rest| rest.is_empty() || rest.starts_with(['/', '?', '#']))
    }

    /// A request's decoded path segments with the base path's taken off;
    /// `None` when the request is not under the base path.
    pub fn strip_base_segments<'s, S: AsRef<str>>(&self, segments: &'s [S]) -> Option<&'s [S]> {
        let mut rest = segments;
        for base in self.base_path.split('/').filter(|s| !s.is_empty()) {
            let (first, tail) = rest.split_first()?;
            if first.as_ref() != base {
                return None;
            }
            rest = tail;
        }
        Some(rest)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_and_addresses_under_a_base_path() {
        let urls = SiteUrls::new("/docs", "https://x.example/docs");
        assert_eq!(urls.href("/a b/"), "/docs/a%20b/");
        assert_eq!(urls.prefixed("/a/#b"), "/docs/a/#b");
        assert_eq!(urls.home(), "/docs/");
        assert_eq!(urls.permalink("/é/"), "https://x.example/docs/%C3%A9/");
        assert_eq!(
            urls.absolute(generated::FEED),
            "https://x.example/docs/atom.xml"
        );
        assert_eq!(
            urls.home_at("http://127.0.0.1:1"),
            "http://127.0.0.1:1/docs/"
        );
        assert_eq!(urls.absolute_link("/docs/b/"), "https://x.example/docs/b/");
        assert_eq!(urls.absolute_link("//cdn.example/x"), "//cdn.example/x");
        let at_root = SiteUrls::new("", "https://x.example");
        assert_eq!(at_root.absolute_link("/b/"), "https://x.example/b/");
        let root = SiteUrls::default();
        assert_eq!(root.href("/a/"), "/a/");
        assert_eq!(root.home(), "/");
        assert!(root.is_at_domain_root() && !urls.is_at_domain_root());
    }

    #[test]
    fn the_base_path_taken_off() {
        let urls = SiteUrls::links_under("/docs");
        assert_eq!(urls.strip_base("/docs/a/"), Some("/a/"));
        assert_eq!(urls.strip_base("/docs"), Some("/"));
        assert_eq!(urls.strip_base("/docsx/"), None);
        assert_eq!(urls.strip_base("/a/"), None);
        assert_eq!(SiteUrls::default().strip_base("/a/"), Some("/a/"));
        assert!(urls.holds_url_path("/docs?x") && urls.holds_url_path("/docs#y"));
        assert!(!urls.holds_url_path("/docsx") && !urls.holds_url_path("/other/"));
        assert_eq!(urls.rebased("/a/"), Some("/docs/a/".into()));
        assert_eq!(urls.rebased("/docs/a/"), None);
        assert_eq!(SiteUrls::default().rebased("/a/"), None);
        let segments = ["docs", "a", "b"];
        assert_eq!(urls.strip_base_segments(&segments), Some(&segments[1..]));
        assert_eq!(urls.strip_base_segments(&segments[1..]), None);
        assert_eq!(urls.strip_base_segments::<&str>(&[]), None);
    }

    #[test]
    fn generated_paths_and_their_files() {
        assert_eq!(generated::tag("q3"), "/tags/q3/");
        assert_eq!(generated::cadence("monthly"), "/cadence/monthly/");
        assert_eq!(
            generated::cadence_owner_ics("cfo"),
            "/cadence/owners/cfo.ics"
        );
        assert_eq!(generated::output_file(generated::TAGS), "tags/index.html");
        assert_eq!(generated::output_file(generated::SITEMAP), "sitemap.xml");
        assert_eq!(generated::output_file("/"), "index.html");
    }
}
