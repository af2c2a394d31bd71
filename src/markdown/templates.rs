//! The read-only part of Liquid and Nunjucks that handbooks written for
//! Jekyll and Eleventy use in their pages: `{{ page.KEY }}`, `{{ KEY }}` of
//! the page's front matter and `{{ site.KEY }}`. Anything else (a loop over
//! data only the original generator computes, a filter chain) is left out
//! of the page with one warning, never shown as template syntax.

use serde_json::{Map, Value};

/// What a page's template expressions can read.
pub struct TemplateValues<'a> {
    /// The page's front matter.
    pub page: &'a Map<String, Value>,
    /// The page's title (front matter or first heading).
    pub title: &'a str,
    /// Site settings: `title`, `description`, `url` and `extra` values.
    pub site: &'a Map<String, Value>,
}

impl TemplateValues<'_> {
    /// The text of `{{ expression }}`, when it names a value the page or site
    /// has (filters are not applied: an expression with one is unknown).
    pub fn lookup(&self, expression: &str) -> Option<String> {
        let expression = expression.trim();
        if expression.contains('|') || expression.contains('(') {
            return None;
        }
        let (scope, key) = match expression.split_once('.') {
            Some(("page", key)) => (self.page, key),
            Some(("site", key)) => (self.site, key),
            Some(_) => return None,
            None => (self.page, expression),
        };
        if key == "title" && std::ptr::eq(scope, self.page) {
            return Some(self.title.to_string());
        }
        match scope.get(key)? {
            Value::String(s) => Some(s.clone()),
            Value::Number(n) => Some(n.to_string()),
            Value::Bool(b) => Some(b.to_string()),
            _ => None,
        }
    }
}

/// Block tags whose body only the original generator can render: the body
/// is left out up to the matching end tag.
pub fn skipped_block(tag: &str) -> Option<&'static str> {
    match tag {
        "for" => Some("endfor"),
        "tablerow" => Some("endtablerow"),
        "macro" => Some("endmacro"),
        "call" => Some("endcall"),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_and_site_values() {
        let page: Map<String, Value> =
            serde_json::from_str(r#"{"owner": "Sales", "weight": 3, "tags": ["a"]}"#)
                .expect("json");
        let site: Map<String, Value> =
            serde_json::from_str(r#"{"title": "Handbook"}"#).expect("json");
        let values = TemplateValues {
            page: &page,
            title: "Forecasting",
            site: &site,
        };
        assert_eq!(values.lookup(" page.owner ").as_deref(), Some("Sales"));
        assert_eq!(values.lookup("owner").as_deref(), Some("Sales"));
        assert_eq!(values.lookup("weight").as_deref(), Some("3"));
        assert_eq!(values.lookup("page.title").as_deref(), Some("Forecasting"));
        assert_eq!(values.lookup("site.title").as_deref(), Some("Handbook"));
        assert_eq!(values.lookup("tags"), None);
        assert_eq!(values.lookup("item.data.title | lower"), None);
        assert_eq!(values.lookup("siteRoot"), None);
    }
}
