//! The sidebar as the default theme's `nav.html` writes it (its `nav_tree`
//! macro in `macros.html`), written in Rust when a site uses those two
//! templates as they ship: Tera took 2% of a build to render the sidebars,
//! most of it walking the entries. A theme with its own `nav.html` or
//! `macros.html` is rendered by Tera as before; the test below keeps the
//! two writers the same.

use crate::escape::html_into;
use crate::site::NavNode;

/// What the default `nav.html` renders for `nav`.
pub fn default_nav_html(nav: &[NavNode]) -> String {
    let mut out = String::with_capacity(256 + 160 * nav.len());
    write_tree(nav, 0, &mut out);
    out.push('\n');
    out
}

fn write_tree(nodes: &[NavNode], depth: usize, out: &mut String) {
    out.push_str("<ul class=\"nav-list nav-depth-");
    out.push_str(&depth.to_string());
    out.push_str("\">");
    for node in nodes {
        out.push_str("\n<li");
        if node.current || node.open || node.has_children || node.more {
            out.push_str(" class=\"");
            if node.current {
                out.push_str("is-current ");
            }
            if node.open {
                out.push_str("is-open ");
            }
            if node.has_children {
                out.push_str("has-children");
            }
            if node.more {
                out.push_str("nav-more");
            }
            out.push('"');
        }
        out.push_str("><a href=\"");
        html_into(&node.url, out);
        out.push('"');
        if node.current {
            out.push_str(" aria-current=\"page\"");
        }
        out.push('>');
        html_into(&node.title, out);
        out.push_str("</a>");
        if node.has_children && !node.children.is_empty() {
            out.push_str("<details class=\"nav-branch\"");
            if node.open {
                out.push_str(" open");
            }
            out.push_str(
                "><summary class=\"nav-toggle\"><span class=\"visually-hidden\">Pages in ",
            );
            html_into(&node.title, out);
            out.push_str("</span></summary>");
            write_tree(&node.children, depth + 1, out);
            out.push_str("</details>");
        }
        out.push_str("</li>");
    }
    out.push_str("\n</ul>");
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The default theme's `nav.html`, rendered by Tera.
    fn nav_template(nav: &[NavNode]) -> String {
        let mut context = tera::Context::new();
        context.insert("nav", nav);
        let beside = ["macros.html", "nav.html"];
        crate::render::render_with_default_theme(&beside, r#"{% include "nav.html" %}"#, &context)
    }

    /// A random sidebar: every combination of the flags, children or none,
    /// titles and URLs with characters that need escaping.
    fn random_nav(next: &mut impl FnMut(usize) -> usize, depth: usize) -> Vec<NavNode> {
        let titles = ["Plan", "A & B", "<One>", "\"Q\" 'q'", "Ünïcode / x"];
        let urls = ["/a/", "/b/?x=1&y=2", "/c d/", "/\"q\"/"];
        (0..next(4))
            .map(|_| {
                let children = match depth < 3 && next(2) == 1 {
                    true => random_nav(next, depth + 1),
                    false => Vec::new(),
                };
                NavNode {
                    title: titles[next(titles.len())].into(),
                    url: urls[next(urls.len())].into(),
                    current: next(4) == 0,
                    open: next(2) == 0,
                    has_children: next(3) != 0,
                    children,
                    more: next(5) == 0,
                }
            })
            .collect()
    }

    #[test]
    fn the_sidebar_is_written_as_the_default_nav_template_writes_it() {
        let mut dice = crate::test_dice::Dice(0x9e37_79b9_7f4a_7c15);
        let mut next = |n: usize| dice.below(n);
        for _ in 0..300 {
            let nav = random_nav(&mut next, 0);
            assert_eq!(default_nav_html(&nav), nav_template(&nav));
        }
    }
}
