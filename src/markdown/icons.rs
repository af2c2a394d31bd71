//! Font Awesome icons named in a page's HTML: `<i class="fas fa-check">`,
//! `<span class="fa fa-map-o">`, `<i class="fa-brands fa-gitlab">`. Handbooks
//! written for Middleman or Jekyll sites that loaded Font Awesome use them as
//! legends ("a red icon marks a required step"); without the font they show
//! nothing. The page only records which icons it names; the output stage
//! writes one stylesheet with those icons (`output/icons.rs`), drawn from the
//! table in [`table`].

pub mod table;

use memchr::memmem;

/// One icon as a page names it: the style class and the `fa-` name, as
/// written (`fas` + `check`, `fa` + `map-o`).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct IconClass {
    pub style: &'static str,
    pub name: String,
}

impl IconClass {
    /// `fas check`: how [`crate::markdown::Rendered::icons`] keeps it.
    pub fn key(&self) -> String {
        format!("{} {}", self.style, self.name)
    }

    /// The icon of a [`IconClass::key`].
    pub fn from_key(key: &str) -> Option<IconClass> {
        let (style, name) = key.split_once(' ')?;
        let style = STYLE_CLASSES.iter().find(|(class, _)| *class == style)?.0;
        Some(IconClass {
            style,
            name: name.to_string(),
        })
    }
}

/// The classes that make an element a Font Awesome icon, and the style each
/// asks for. `fa` is Font Awesome 4's (and 5's solid); light, thin and
/// duotone are Pro styles, drawn with the nearest free one.
pub const STYLE_CLASSES: &[(&str, table::Style)] = &[
    ("fa", table::Style::Solid),
    ("fas", table::Style::Solid),
    ("fa-solid", table::Style::Solid),
    ("far", table::Style::Regular),
    ("fa-regular", table::Style::Regular),
    ("fab", table::Style::Brands),
    ("fa-brands", table::Style::Brands),
    ("fal", table::Style::Regular),
    ("fa-light", table::Style::Regular),
    ("fat", table::Style::Regular),
    ("fa-thin", table::Style::Regular),
    ("fad", table::Style::Solid),
    ("fa-duotone", table::Style::Solid),
];

/// Every (style class, `fa-` name) pair on an element whose classes hold a
/// style class, sorted and without repeats. Modifiers (`fa-fw`, `fa-2x`) are
/// among the names: only the table knows them apart from icons.
pub fn classes_in(html: &str) -> Vec<IconClass> {
    let mut found = Vec::new();
    // Every pair has a name token `fa-...`: a page without one has no
    // icon, and its class attributes (many, in highlighted code) are not read.
    if memmem::find(html.as_bytes(), b"fa-").is_none() {
        return found;
    }
    for value in class_values(html) {
        let tokens: Vec<&str> = value.split_ascii_whitespace().collect();
        let Some(style) = tokens.iter().find_map(|token| style_class(token)) else {
            continue;
        };
        for token in &tokens {
            let Some(name) = token.strip_prefix("fa-") else {
                continue;
            };
            if style_class(token).is_none() && is_icon_name(name) {
                found.push(IconClass {
                    style,
                    name: name.to_string(),
                });
            }
        }
    }
    found.sort();
    found.dedup();
    found
}

fn style_class(token: &str) -> Option<&'static str> {
    STYLE_CLASSES
        .iter()
        .find(|(class, _)| *class == token)
        .map(|(class, _)| *class)
}

/// Font Awesome's names are lower-case words joined by `-`; anything else is
/// not looked up (and never reaches a CSS selector).
fn is_icon_name(name: &str) -> bool {
    !name.is_empty()
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

/// The values of the `class` attributes in `html`. Text in HTML written by
/// the Markdown renderer has its `<` and quotes escaped, so a `class=` with
/// a quote after it belongs to a tag.
fn class_values(html: &str) -> impl Iterator<Item = &str> + '_ {
    let bytes = html.as_bytes();
    memmem::find_iter(bytes, b"class=").filter_map(move |at| {
        let before = at.checked_sub(1).map(|i| bytes[i])?;
        if !before.is_ascii_whitespace() {
            return None;
        }
        let start = at + "class=".len();
        let quote = *bytes.get(start)?;
        let rest = &html[start + 1..];
        match quote {
            b'"' | b'\'' => rest.find(quote as char).map(|end| &rest[..end]),
            _ => None,
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(html: &str) -> Vec<(String, String)> {
        classes_in(html)
            .into_iter()
            .map(|c| (c.style.to_string(), c.name))
            .collect()
    }

    #[test]
    fn an_element_with_a_style_class_names_its_icons_and_modifiers() {
        let html = r#"<p><i class="fas fa-tachometer-alt fa-fw"></i> and <span class='fab fa-gitlab'></span></p>"#;
        assert_eq!(
            names(html),
            [
                ("fab".into(), "gitlab".into()),
                ("fas".into(), "fw".into()),
                ("fas".into(), "tachometer-alt".into()),
            ]
        );
    }

    #[test]
    fn classes_without_a_style_class_and_escaped_text_are_not_icons() {
        assert!(classes_in(r#"<i class="fa-check"></i><div class="faq">"#).is_empty());
        assert!(classes_in("<p>class=&quot;fas fa-check&quot;</p>").is_empty());
        assert!(classes_in(r#"<i class="fas fa-Check fa-x{y}"></i>"#).is_empty());
        assert!(classes_in("<p>no icons</p>").is_empty());
        // A style class without any `fa-` name anywhere on the page.
        assert!(classes_in(r#"<i class="fa fas"></i>"#).is_empty());
    }
}
