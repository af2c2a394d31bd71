//! The parts of a link's target the links stage reads first: its
//! fragment, its scheme, whether it names a Markdown source, and a
//! relative target joined to its page's URL. Byte searches: they run for
//! every link of the site.

use crate::content::url::strip_suffix_ci;

/// The target before its first `#`, and what follows it.
pub(super) fn split_fragment(target: &str) -> (&str, Option<&str>) {
    match memchr::memchr(b'#', target.as_bytes()) {
        Some(i) => (&target[..i], Some(&target[i + 1..])),
        None => (target, None),
    }
}

/// The scheme of an absolute URL (lowercased) and what follows it, `//`
/// left out. A scheme is ASCII letters, digits, `+`, `-` and `.` before
/// the first `:`; a path has a `/` first.
pub(super) fn split_scheme(target: &str) -> Option<(String, &str)> {
    let scheme_end = target
        .bytes()
        .position(|b| !(b.is_ascii_alphanumeric() || b == b'+' || b == b'-' || b == b'.'))?;
    if scheme_end == 0 || target.as_bytes()[scheme_end] != b':' {
        return None;
    }
    let scheme = &target[..scheme_end];
    let rest = &target[scheme_end + 1..];
    Some((
        scheme.to_ascii_lowercase(),
        rest.strip_prefix("//").unwrap_or(rest),
    ))
}

/// Links to Markdown sources, which are rewritten to page URLs.
pub fn is_source_link(path: &str) -> bool {
    [".md", ".md.erb", ".markdown", ".mdx"]
        .iter()
        .any(|suffix| strip_suffix_ci(path, suffix).is_some())
}

/// Resolves a relative URL against the URL of the page it is written on.
pub(super) fn join_url(page_url: &str, relative: &str) -> String {
    let dir = match page_url.rfind('/') {
        Some(i) => &page_url[..=i],
        None => "/",
    };
    format!("{dir}{relative}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_urls_join_like_a_browser() {
        assert_eq!(join_url("/a/b/", "../c/"), "/a/b/../c/");
        assert_eq!(join_url("/a/b.html", "c.html"), "/a/c.html");
    }

    /// The byte searches that split a link find what the text searches
    /// they replaced found, on links of every kind.
    #[test]
    fn links_split_as_text_searches_split_them() {
        fn scheme_by_text(target: &str) -> Option<(String, &str)> {
            let colon = target.find(':')?;
            let scheme = &target[..colon];
            let valid = |b: u8| b.is_ascii_alphanumeric() || b == b'+' || b == b'-' || b == b'.';
            if scheme.is_empty() || !scheme.bytes().all(valid) {
                return None;
            }
            let rest = &target[colon + 1..];
            Some((
                scheme.to_ascii_lowercase(),
                rest.strip_prefix("//").unwrap_or(rest),
            ))
        }
        let links = [
            "",
            ":",
            "#",
            "a:b",
            "HTTPS://Example.com/x#y",
            "mailto:x@y",
            "/a/b:c",
            "a/b:c",
            "c++:x",
            "a.b-c+d:rest",
            "-:x",
            "é:x",
            "x:",
            "//host/p",
            "../x.MD#h",
            "x.md.erb",
            "y.Markdown?q#f",
            "z.mdx",
            "w.md/",
            ".md",
            "md",
            "p.txt",
            "a#b#c",
            "#frag",
        ];
        for link in links {
            assert_eq!(split_scheme(link), scheme_by_text(link), "{link:?}");
            let by_text = match link.find('#') {
                Some(i) => (&link[..i], Some(&link[i + 1..])),
                None => (link, None),
            };
            assert_eq!(split_fragment(link), by_text, "{link:?}");
            let lower = link.to_ascii_lowercase();
            let source = [".md", ".md.erb", ".markdown", ".mdx"]
                .iter()
                .any(|suffix| lower.ends_with(suffix));
            assert_eq!(is_source_link(link), source, "{link:?}");
        }
    }
}
