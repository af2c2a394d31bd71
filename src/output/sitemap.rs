//! `sitemap.xml`.

use crate::escape::xml as escape;

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
}
