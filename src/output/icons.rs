//! `vendor/fontawesome/icons.css`: the Font Awesome icons the site's pages
//! name, and only those, each as a CSS mask drawn in the text colour. A
//! stylesheet of every free icon would weigh about 1.5 MB; a handbook uses a
//! few dozen (the GitLab handbook about 50, some 40 KB). The theme links it
//! from the pages that name an icon (`page.features.icons`); the licence
//! (`LICENSE.txt`) is a theme file beside it.

use std::collections::BTreeSet;
use std::fmt::Write;

use crate::markdown::icons::table::{self, Style};
use crate::markdown::icons::{IconClass, STYLE_CLASSES};
use crate::markdown::Rendered;

/// What every icon shares: box, sizes, modifiers.
const BASE_CSS: &str = include_str!("icons.css");

/// The stylesheet for these pages; `None` when no page names an icon.
pub fn stylesheet(rendered: &[Rendered]) -> Option<String> {
    let used: BTreeSet<IconClass> = rendered
        .iter()
        .flat_map(|r| r.icons.iter().filter_map(|key| IconClass::from_key(key)))
        .collect();
    if used.is_empty() {
        return None;
    }
    Some(stylesheet_for(&used))
}

/// The stylesheet drawing each of `used` that the table knows.
pub fn stylesheet_for(used: &BTreeSet<IconClass>) -> String {
    let table = table::table();
    let mut css = String::with_capacity(BASE_CSS.len() + used.len() * 1024);
    css.push_str("/*!\n");
    for line in &table.header {
        let _ = writeln!(css, " * {line}");
    }
    css.push_str(
        " * The icons this site's pages name; the licence is LICENSE.txt beside this file.\n */\n",
    );
    css.push_str(BASE_CSS);
    for class in used {
        if let Some(svg) = mask_url(class) {
            let _ = writeln!(
                css,
                ".{style}.fa-{name}{{--fa-icon:{svg}}}",
                style = class.style,
                name = class.name
            );
        }
    }
    css
}

/// Whether `class` names an icon the table draws (not a modifier, not an
/// unknown name).
pub fn resolves(class: &IconClass) -> bool {
    icon(class).is_some()
}

fn icon(class: &IconClass) -> Option<&'static table::Icon> {
    let table = table::table();
    if table.is_modifier(&class.name) {
        return None;
    }
    let style = STYLE_CLASSES
        .iter()
        .find(|(name, _)| *name == class.style)
        .map_or(Style::Solid, |(_, style)| *style);
    let font_awesome_4 = class.style == "fa";
    table.resolve(style, &class.name, font_awesome_4)
}

/// The icon as a `url("data:image/svg+xml,...")`. The table's paths hold
/// only letters, digits, `.`, `-`, `,` and spaces; any other character
/// (which the generator would have to have let through) is not put in CSS.
fn mask_url(class: &IconClass) -> Option<String> {
    let icon = icon(class)?;
    if !is_plain(&icon.path) {
        return None;
    }
    Some(format!(
        "url(\"data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 {} 512'%3E%3Cpath d='{}'/%3E%3C/svg%3E\")",
        icon.width, icon.path
    ))
}

fn is_plain(path: &str) -> bool {
    path.bytes()
        .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b',' | b' '))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn class(style: &'static str, name: &str) -> IconClass {
        IconClass {
            style,
            name: name.to_string(),
        }
    }

    #[test]
    fn only_the_icons_named_are_drawn_by_their_classes() {
        let used: BTreeSet<IconClass> = [
            class("fas", "check"),
            class("fas", "fw"),
            class("fa", "map-o"),
            class("far", "no-such-icon"),
        ]
        .into();
        let css = stylesheet_for(&used);
        assert!(css.starts_with("/*!\n * Font Awesome Free 7.3.1"));
        assert!(css.contains(".fas.fa-check{--fa-icon:url(\"data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 448 512'%3E%3Cpath d='M"));
        assert!(css.contains(".fa.fa-map-o{--fa-icon:url("));
        assert!(!css.contains(".fas.fa-fw{"));
        assert!(!css.contains("no-such-icon"));
        assert_eq!(css.matches("--fa-icon:url(").count(), 2);
    }

    #[test]
    fn every_path_in_the_table_goes_into_css_as_it_is() {
        for icon in table::table().icons() {
            assert!(is_plain(&icon.path), "{}", icon.path);
        }
        assert!(!resolves(&class("fas", "2x")));
        assert!(resolves(&class("far", "hand-point-right")));
    }

    #[test]
    fn a_site_without_icons_gets_no_stylesheet() {
        assert_eq!(stylesheet(&[Rendered::default()]), None);
    }
}
