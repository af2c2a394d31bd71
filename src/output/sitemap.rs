//! `sitemap.xml` and the search index.

use serde::Serialize;

use crate::markdown::highlight::escape;

pub struct SitemapEntry<'a> {
    pub permalink: String,
    pub lastmod: &'a str,
}

pub fn sitemap(entries: &[SitemapEntry]) -> String {
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n");
    for entry in entries {
        out.push_str("  <url><loc>");
        out.push_str(&escape(&entry.permalink));
        out.push_str("</loc>");
        if !entry.lastmod.is_empty() {
            out.push_str("<lastmod>");
            out.push_str(&escape(entry.lastmod));
            out.push_str("</lastmod>");
        }
        out.push_str("</url>\n");
    }
    out.push_str("</urlset>\n");
    out
}

/// One page in the search index: title, URL, headings with anchors, body excerpt.
#[derive(Serialize)]
pub struct SearchEntry<'a> {
    pub t: &'a str,
    pub u: String,
    pub h: Vec<(&'a str, &'a str)>,
    pub b: String,
}

#[derive(Serialize)]
pub struct SearchIndex<'a> {
    pub pages: Vec<SearchEntry<'a>>,
}

/// The first `max` bytes of `text` at a character boundary, whitespace folded.
pub fn excerpt(text: &str, max: usize) -> String {
    let mut out = String::with_capacity(max.min(text.len()));
    for word in text.split_whitespace() {
        if out.len() + word.len() + 1 > max {
            break;
        }
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sitemap_escapes() {
        let xml = sitemap(&[SitemapEntry {
            permalink: "https://x/a&b/".into(),
            lastmod: "",
        }]);
        assert!(xml.contains("<loc>https://x/a&amp;b/</loc>"));
    }

    #[test]
    fn excerpt_folds_whitespace_and_cuts_at_words() {
        assert_eq!(excerpt("a  b\n c dddd", 6), "a b c");
    }
}
