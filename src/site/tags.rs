//! Tags from front matter (`tags: [forecasting, pipeline]`, or one tag as a
//! string): a page per tag at `/tags/NAME/` listing its pages, and an index
//! at `/tags/`, as Eleventy, Jekyll and Hugo sites have them. The name in the
//! URL is the tag lowercased with every run of other characters made one `-`
//! (`Build, release and deploy` is `build-release-and-deploy`), as their
//! slug filters do.

use std::collections::BTreeMap;

use serde_json::Value;

use crate::content::site_urls::generated;
use crate::content::Page;

/// One tag and the pages that carry it, in page order.
#[derive(Debug, Clone)]
pub struct Tag {
    /// As first written.
    pub name: String,
    pub slug: String,
    pub pages: Vec<usize>,
}

/// Every tag of the site, by slug.
#[derive(Debug, Default, Clone)]
pub struct Tags {
    pub by_slug: BTreeMap<String, Tag>,
    /// Page index -> the slugs of its tags.
    pub of_page: Vec<Vec<String>>,
}

impl Tags {
    pub fn collect(pages: &[Page]) -> Tags {
        let mut tags = Tags {
            by_slug: BTreeMap::new(),
            of_page: vec![Vec::new(); pages.len()],
        };
        for (i, page) in pages.iter().enumerate() {
            // Zola keeps them under `[taxonomies]`.
            let names = page.front.extra.get("tags").or_else(|| {
                page.front
                    .extra
                    .get("taxonomies")
                    .and_then(|taxonomies| taxonomies.get("tags"))
            });
            for name in tag_names(names) {
                let slug = tag_slug(&name);
                if slug.is_empty() || tags.of_page[i].contains(&slug) {
                    continue;
                }
                tags.by_slug
                    .entry(slug.clone())
                    .or_insert_with(|| Tag {
                        name,
                        slug: slug.clone(),
                        pages: Vec::new(),
                    })
                    .pages
                    .push(i);
                tags.of_page[i].push(slug);
            }
        }
        tags
    }

    /// Site paths of the tag pages and the index (none without tags).
    pub fn page_paths(&self) -> Vec<String> {
        if self.by_slug.is_empty() {
            return Vec::new();
        }
        std::iter::once(generated::TAGS.to_string())
            .chain(self.by_slug.keys().map(|slug| generated::tag(slug)))
            .collect()
    }
}

fn tag_names(value: Option<&Value>) -> Vec<String> {
    let names: Vec<String> = match value {
        Some(Value::String(s)) => s.split(',').map(str::to_string).collect(),
        Some(Value::Array(items)) => items
            .iter()
            .filter_map(|v| match v {
                Value::String(s) => Some(s.clone()),
                Value::Number(n) => Some(n.to_string()),
                _ => None,
            })
            .collect(),
        _ => Vec::new(),
    };
    names
        .into_iter()
        .map(|n| n.trim().to_string())
        .filter(|n| !n.is_empty())
        .collect()
}

/// Lowercase letters and digits, any other run one `-`.
pub fn tag_slug(name: &str) -> String {
    let mut slug = String::with_capacity(name.len());
    for c in name.chars() {
        if c.is_alphanumeric() {
            slug.extend(c.to_lowercase());
        } else if !slug.is_empty() && !slug.ends_with('-') {
            slug.push('-');
        }
    }
    slug.trim_end_matches('-').to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tag_slugs_as_static_site_generators_make_them() {
        assert_eq!(
            tag_slug("Artificial intelligence (AI)"),
            "artificial-intelligence-ai"
        );
        assert_eq!(
            tag_slug("Build, release and deploy"),
            "build-release-and-deploy"
        );
        assert_eq!(tag_slug("Low code"), "low-code");
        assert_eq!(tag_slug("  "), "");
        assert_eq!(tag_names(Some(&Value::String("a, b".into()))), ["a", "b"]);
    }
}
