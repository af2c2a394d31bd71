//! The icons of Font Awesome Free 7.3.1 (npm `@fortawesome/fontawesome-free`,
//! icons CC BY 4.0; the licence ships with the theme as
//! `vendor/fontawesome/LICENSE.txt`): each icon's SVG path per style, the
//! names Font Awesome 5 and 6 gave them, Font Awesome 4's names (the v4
//! shims) and the modifier classes. `fontawesome.txt.gz` is written by
//! `tools/fontawesome/generate.mjs` (its header says the line format); it is
//! read on first use, so a site without icons never unpacks it.

use std::collections::{HashMap, HashSet};
use std::io::Read;

use once_cell::sync::Lazy;

const PACKED: &[u8] = include_bytes!("fontawesome.txt.gz");

/// The three free styles.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Style {
    Solid,
    Regular,
    Brands,
}

impl Style {
    fn from_letter(letter: &str) -> Option<Style> {
        match letter {
            "s" => Some(Style::Solid),
            "r" => Some(Style::Regular),
            "b" => Some(Style::Brands),
            _ => None,
        }
    }
}

/// One drawn icon: a path in a viewBox `width` wide and 512 high.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Icon {
    pub width: u16,
    pub path: String,
}

/// A Font Awesome 4 name: what it became, and in which style when it moved.
#[derive(Debug)]
struct Shim {
    style: Option<Style>,
    name: String,
}

#[derive(Debug, Default)]
pub struct Table {
    icons: HashMap<(Style, String), Icon>,
    aliases: HashMap<String, String>,
    shims: HashMap<String, Shim>,
    modifiers: HashSet<String>,
    /// The `#` lines: the package, its version and its licence.
    pub header: Vec<String>,
}

static TABLE: Lazy<Table> = Lazy::new(|| {
    let mut text = String::new();
    let unpacked = flate2::read::GzDecoder::new(PACKED).read_to_string(&mut text);
    match unpacked {
        Ok(_) => Table::parse(&text),
        // The file is part of the binary and checked by the tests below; a
        // broken one leaves icons undrawn rather than stopping a build.
        Err(_) => Table::default(),
    }
});

/// The table, unpacked on first use.
pub fn table() -> &'static Table {
    &TABLE
}

impl Table {
    fn parse(text: &str) -> Table {
        let mut table = Table::default();
        for line in text.lines() {
            if let Some(comment) = line.strip_prefix("# ") {
                table.header.push(comment.to_string());
                continue;
            }
            let mut fields = line.splitn(5, ' ');
            match (fields.next(), fields.next(), fields.next(), fields.next()) {
                (Some("i"), Some(style), Some(name), Some(width)) => {
                    let (Some(style), Ok(width), Some(path)) =
                        (Style::from_letter(style), width.parse(), fields.next())
                    else {
                        continue;
                    };
                    let icon = Icon {
                        width,
                        path: path.to_string(),
                    };
                    table.icons.insert((style, name.to_string()), icon);
                }
                (Some("a"), Some(alias), Some(name), None) => {
                    table.aliases.insert(alias.to_string(), name.to_string());
                }
                (Some("v"), Some(old), Some(style), Some(name)) => {
                    let shim = Shim {
                        style: Style::from_letter(style),
                        name: name.to_string(),
                    };
                    table.shims.insert(old.to_string(), shim);
                }
                (Some("m"), Some(modifier), None, None) => {
                    table.modifiers.insert(modifier.to_string());
                }
                _ => {}
            }
        }
        table
    }

    /// Whether `fa-NAME` changes an icon (`fw`, `2x`, `spin`) rather than
    /// naming one.
    pub fn is_modifier(&self, name: &str) -> bool {
        self.modifiers.contains(name)
    }

    /// The icon `<i class="STYLE fa-NAME">` shows. Font Awesome 4's `fa`
    /// class reads its own names first (`fa-calendar` is today's
    /// `calendar-days`); then the name as it is, as an older name, as a
    /// Font Awesome 4 name. An icon the free set lacks in the style asked
    /// for (`far fa-tachometer-alt` is Pro) is drawn in another style rather
    /// than not at all.
    pub fn resolve(&self, style: Style, name: &str, font_awesome_4: bool) -> Option<&Icon> {
        let shim = self.shims.get(name);
        let shimmed = |shim: &Shim| self.icon(shim.style.unwrap_or(style), &shim.name);
        if font_awesome_4 {
            if let Some(icon) = shim.and_then(shimmed) {
                return Some(icon);
            }
        }
        let in_style = |style: Style| {
            self.icon(style, name)
                .or_else(|| self.icon(style, self.aliases.get(name)?))
        };
        in_style(style)
            .or_else(|| shim.and_then(shimmed))
            .or_else(|| {
                [Style::Solid, Style::Regular, Style::Brands]
                    .into_iter()
                    .find_map(in_style)
            })
    }

    fn icon(&self, style: Style, name: &str) -> Option<&Icon> {
        self.icons.get(&(style, name.to_string()))
    }

    /// Every icon of every style.
    pub fn icons(&self) -> impl Iterator<Item = &Icon> {
        self.icons.values()
    }

    /// How many icons the table draws, over all styles.
    pub fn len(&self) -> usize {
        self.icons.len()
    }

    pub fn is_empty(&self) -> bool {
        self.icons.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_packed_table_holds_every_free_icon_and_its_licence() {
        let table = table();
        // 1,422 solid + 169 regular + 572 brands in Font Awesome Free 7.3.1.
        assert_eq!(table.len(), 2163);
        assert!(table.header[0].starts_with("Font Awesome Free 7.3.1"));
        assert!(table.header[1].contains("CC BY 4.0"));
    }

    #[test]
    fn names_of_every_version_resolve() {
        let table = table();
        let check = table.resolve(Style::Solid, "check", false).unwrap();
        assert_eq!(check.width, 448);
        assert!(check.path.starts_with('M'));
        // Font Awesome 5's name for gauge-high.
        let gauge = table.resolve(Style::Solid, "gauge-high", false);
        assert_eq!(table.resolve(Style::Solid, "tachometer-alt", false), gauge);
        // Font Awesome 4's outlined map is today's regular map.
        let map = table.resolve(Style::Regular, "map", false);
        assert!(map.is_some());
        assert_eq!(table.resolve(Style::Solid, "map-o", true), map);
        // A brand asked for as solid, a Pro regular icon: drawn anyway.
        assert!(table.resolve(Style::Solid, "gitlab", false).is_some());
        assert!(table.resolve(Style::Regular, "toolbox", false).is_some());
        assert!(table.resolve(Style::Solid, "no-such-icon", false).is_none());
        assert!(table.is_modifier("fw") && table.is_modifier("2x"));
        assert!(!table.is_modifier("check"));
    }
}
