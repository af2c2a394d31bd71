//! A page's table of contents as the default theme's `toc` macro writes it
//! (`macros.html`), written once in Rust: a Tera loop over the headings was
//! the dearest part of a page's template (2.4% of a build's instructions),
//! and every page with a table of contents pays it. Themes keep `page.toc`
//! as data for markup of their own.

use crate::escape::html_into;
use crate::markdown::TocEntry;

/// `<ul class="toc-list toc-depth-0">` with an item per entry, nested as
/// the `toc` macro nests them; empty for a page without entries.
pub fn toc_html(entries: &[TocEntry]) -> String {
    if entries.is_empty() {
        return String::new();
    }
    let mut out = String::with_capacity(128 * entries.len() + 64);
    write_list(entries, 0, &mut out);
    out
}

fn write_list(entries: &[TocEntry], depth: usize, out: &mut String) {
    out.push_str("<ul class=\"toc-list toc-depth-");
    out.push_str(&depth.to_string());
    out.push_str("\">");
    for entry in entries {
        out.push_str("\n  <li><a href=\"#");
        html_into(&entry.id, out);
        out.push_str("\" data-toc-id=\"");
        html_into(&entry.id, out);
        out.push_str("\">");
        html_into(&entry.title, out);
        out.push_str("</a>");
        if !entry.children.is_empty() {
            write_list(&entry.children, depth + 1, out);
        }
        out.push_str("</li>");
    }
    out.push_str("\n</ul>");
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(id: &str, title: &str, children: Vec<TocEntry>) -> TocEntry {
        TocEntry {
            level: 2,
            id: id.into(),
            title: title.into(),
            children,
        }
    }

    /// The default theme's `toc` macro, rendered by Tera.
    fn toc_macro(entries: &[TocEntry]) -> String {
        let mut context = tera::Context::new();
        context.insert("toc", entries);
        let call = r#"{% import "macros.html" as macros %}{{ macros::toc(items=toc) }}"#;
        crate::render::render_with_default_theme(&["macros.html"], call, &context)
    }

    #[test]
    fn the_toc_is_written_as_the_theme_macro_writes_it() {
        let titles = [
            "Plan",
            "A & B",
            "<One>",
            "\"Quoted\" 'too'",
            "a/b",
            "Ünïcode",
        ];
        let mut dice = crate::test_dice::Dice(0x9e37_79b9_7f4a_7c15);
        let mut next = |n: usize| dice.below(n);
        for round in 0..200 {
            let mut toc = Vec::new();
            for k in 0..next(5) {
                let mut children = Vec::new();
                for c in 0..next(4) {
                    let grandchildren = (0..next(3))
                        .map(|g| entry(&format!("g-{k}-{c}-{g}"), titles[next(6)], Vec::new()))
                        .collect();
                    children.push(entry(&format!("c-{k}-{c}"), titles[next(6)], grandchildren));
                }
                toc.push(entry(&format!("id-{round}-{k}"), titles[next(6)], children));
            }
            let expected = if toc.is_empty() {
                String::new()
            } else {
                toc_macro(&toc)
            };
            assert_eq!(toc_html(&toc), expected);
        }
        let nested = vec![entry("a", "A & B", vec![entry("a-1", "<One>", Vec::new())])];
        assert!(toc_html(&nested).contains(
            "<a href=\"#a\" data-toc-id=\"a\">A &amp; B</a><ul class=\"toc-list toc-depth-1\">"
        ));
    }
}
