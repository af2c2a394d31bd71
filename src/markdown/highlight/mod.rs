//! Code highlighting with syntect, by CSS class, loaded once per process.

use crate::escape::html as escape;
use std::sync::OnceLock;

use syntect::highlighting::ThemeSet;
use syntect::html::{css_for_theme_with_class_style, ClassStyle};
use syntect::parsing::SyntaxSet;

mod line_memo;

const CLASS_STYLE: ClassStyle = ClassStyle::SpacedPrefixed { prefix: "hl-" };

fn syntaxes() -> &'static SyntaxSet {
    static SET: OnceLock<SyntaxSet> = OnceLock::new();
    // The precompiled dump that ships inside syntect: no parsing of grammars at start-up.
    SET.get_or_init(SyntaxSet::load_defaults_newlines)
}

/// Warms the syntax set on another thread while content loads.
pub fn preload() {
    std::thread::spawn(|| {
        syntaxes();
    });
}

/// Lets go of the blocks and lines highlighted so far, once a build has
/// rendered its Markdown: up to 4 MB a thread and the line memo's 24 MB,
/// which later stages would otherwise hold on to.
pub fn forget_highlighted() {
    rayon::broadcast(|_| {
        CACHE.with(|cache| *cache.borrow_mut() = HighlightCache::default());
        line_memo::forget();
    });
}

/// HTML for a fenced code block. `lang` is the info string's first word.
pub fn code_block(code: &str, lang: &str, highlight: bool) -> String {
    let lang = lang.trim();
    if lang.eq_ignore_ascii_case("mermaid") {
        return format!("<pre class=\"mermaid\">{}</pre>\n", escape(code));
    }
    let lang_attr = if lang.is_empty() {
        String::new()
    } else {
        format!(" data-lang=\"{}\"", escape(lang))
    };
    if highlight && !lang.is_empty() {
        if let Some(html) = highlighted(code, lang) {
            return format!("<pre class=\"code\"{lang_attr}><code>{html}</code></pre>\n");
        }
    }
    format!(
        "<pre class=\"code\"{lang_attr}><code>{}</code></pre>\n",
        escape(code)
    )
}

/// What one thread keeps of the blocks it highlighted: by a fingerprint of
/// (language, code), as handbooks repeat snippets across pages and grammars
/// are slow. Per thread, so there is no lock.
#[derive(Default)]
struct HighlightCache {
    blocks: std::collections::HashMap<u64, Option<String>>,
    bytes: usize,
}

thread_local! {
    static CACHE: std::cell::RefCell<HighlightCache> = std::cell::RefCell::default();
}

/// Blocks larger than this are not kept in the cache.
const CACHEABLE_BYTES: usize = 4096;

/// What a thread's cache may hold before it starts again: a site whose
/// blocks are all different must not keep every one of them in memory.
const CACHE_BUDGET_BYTES: usize = 4 << 20;

fn highlighted(code: &str, lang: &str) -> Option<String> {
    if code.len() > CACHEABLE_BYTES {
        return highlight_uncached(code, lang);
    }
    let key = xxhash_rust::xxh3::xxh3_64_with_seed(code.as_bytes(), block_seed(lang));
    if let Some(hit) = CACHE.with(|c| c.borrow().blocks.get(&key).cloned()) {
        return hit;
    }
    let html = highlight_uncached(code, lang);
    CACHE.with(|c| {
        let mut cache = c.borrow_mut();
        let size = html.as_ref().map_or(0, String::len) + 32;
        if cache.bytes + size > CACHE_BUDGET_BYTES {
            *cache = HighlightCache::default();
        }
        cache.bytes += size;
        cache.blocks.insert(key, html.clone());
    });
    html
}

/// The language in the fingerprint's seed, so `sql` and `text` blocks of
/// the same code are kept apart.
fn block_seed(lang: &str) -> u64 {
    xxhash_rust::xxh3::xxh3_64(lang.as_bytes())
}

fn highlight_uncached(code: &str, lang: &str) -> Option<String> {
    let set = syntaxes();
    let syntax = set
        .find_syntax_by_token(lang)
        .or_else(|| set.find_syntax_by_token(&lang.to_ascii_lowercase()))?;
    if syntax.name == "Plain Text" {
        return None;
    }
    line_memo::highlight_classed(code, syntax, set, CLASS_STYLE)
}

/// The stylesheet for highlighted code: a light theme, and a dark one for
/// `prefers-color-scheme: dark` and `data-theme="dark"`.
pub fn stylesheet(light: &str, dark: &str) -> Result<String, String> {
    let themes = ThemeSet::load_defaults();
    let get = |name: &str| {
        themes.themes.get(name).ok_or_else(|| {
            let known: Vec<&str> = themes.themes.keys().map(String::as_str).collect();
            format!(
                "unknown highlight theme `{name}`; known themes: {}",
                known.join(", ")
            )
        })
    };
    let light_css =
        css_for_theme_with_class_style(get(light)?, CLASS_STYLE).map_err(|e| e.to_string())?;
    let dark_css =
        css_for_theme_with_class_style(get(dark)?, CLASS_STYLE).map_err(|e| e.to_string())?;
    // Token colours are made readable (WCAG AA, 4.5:1) on the theme's code
    // backgrounds; the themes' own backgrounds are left to the theme. Dark
    // colours apply on screens only, so printed code stays dark on white.
    let light_css = readable_colors(&light_css, LIGHT_CODE_BACKGROUND);
    let dark_css = readable_colors(&dark_css, DARK_CODE_BACKGROUND);
    Ok(format!(
        "/* Code highlighting: generated by handbook from syntect themes `{light}` and `{dark}`. */\n{light_css}\n@media screen and (prefers-color-scheme: dark) {{\n{}\n}}\n@media screen {{\n{}\n}}\n",
        scope(&dark_css, "html:not([data-theme=\"light\"])"),
        scope(&dark_css, "html[data-theme=\"dark\"]"),
    ))
}

/// The code block backgrounds of the default theme (`--code-bg`).
const LIGHT_CODE_BACKGROUND: (u8, u8, u8) = (0xf6, 0xf7, 0xf9);
const DARK_CODE_BACKGROUND: (u8, u8, u8) = (0x17, 0x1a, 0x21);

/// Rewrites every `color: #rrggbb` so it reaches a 4.5:1 contrast with
/// `background`, moving it towards black or white; drops `background-color`.
fn readable_colors(css: &str, background: (u8, u8, u8)) -> String {
    let mut out = String::with_capacity(css.len());
    for line in css.lines() {
        let trimmed = line.trim_start();
        if trimmed.starts_with("background-color:") {
            continue;
        }
        let color = trimmed
            .strip_prefix("color:")
            .and_then(|v| parse_hex(v.trim().trim_end_matches(';')));
        match color {
            Some(color) => {
                let (r, g, b) = with_contrast(color, background, 4.5);
                out.push_str(&format!(" color: #{r:02x}{g:02x}{b:02x};\n"));
            }
            None => {
                out.push_str(line);
                out.push('\n');
            }
        }
    }
    out
}

fn parse_hex(value: &str) -> Option<(u8, u8, u8)> {
    let hex = value.strip_prefix('#')?;
    let channel = |i: usize| u8::from_str_radix(hex.get(i..i + 2)?, 16).ok();
    match hex.len() {
        6 | 8 => Some((channel(0)?, channel(2)?, channel(4)?)),
        _ => None,
    }
}

fn luminance((r, g, b): (u8, u8, u8)) -> f64 {
    let linear = |c: u8| {
        let c = f64::from(c) / 255.0;
        if c <= 0.03928 {
            c / 12.92
        } else {
            ((c + 0.055) / 1.055).powf(2.4)
        }
    };
    0.2126 * linear(r) + 0.7152 * linear(g) + 0.0722 * linear(b)
}

pub fn contrast(a: (u8, u8, u8), b: (u8, u8, u8)) -> f64 {
    let (la, lb) = (luminance(a), luminance(b));
    (la.max(lb) + 0.05) / (la.min(lb) + 0.05)
}

/// Mixes `color` towards black (light background) or white (dark background)
/// in 5% steps until it reaches the wanted contrast.
fn with_contrast(color: (u8, u8, u8), background: (u8, u8, u8), wanted: f64) -> (u8, u8, u8) {
    let towards: f64 = if luminance(background) > 0.5 {
        0.0
    } else {
        255.0
    };
    let mut current = color;
    for step in 1..=20 {
        if contrast(current, background) >= wanted {
            break;
        }
        let t = f64::from(step) / 20.0;
        let mix = |c: u8| (f64::from(c) + (towards - f64::from(c)) * t).round() as u8;
        current = (mix(color.0), mix(color.1), mix(color.2));
    }
    current
}

/// Prefixes every selector of a flat stylesheet with `prefix`.
fn scope(css: &str, prefix: &str) -> String {
    let mut out = String::with_capacity(css.len() * 2);
    for rule in css.split_inclusive('}') {
        match rule.find('{') {
            Some(brace) => {
                let selectors = rule[..brace]
                    .split(',')
                    .map(|s| s.trim())
                    .filter(|s| !s.is_empty() && !s.starts_with("/*"))
                    .map(|s| format!("{prefix} {s}"))
                    .collect::<Vec<_>>()
                    .join(", ");
                let comment_end = rule[..brace].rfind("*/").map_or(0, |i| i + 2);
                let selectors = if selectors.is_empty() {
                    rule[comment_end..brace].trim().to_string()
                } else {
                    selectors
                };
                out.push_str(&selectors);
                out.push(' ');
                out.push_str(&rule[brace..]);
                out.push('\n');
            }
            None => out.push_str(rule),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_language_gets_classes() {
        let html = code_block("let x = 1;\n", "rust", true);
        assert!(
            html.starts_with("<pre class=\"code\" data-lang=\"rust\"><code>"),
            "{html}"
        );
        assert!(html.contains("class=\"hl-"), "{html}");
    }

    #[test]
    fn unknown_language_is_plain_and_escaped() {
        let html = code_block("<b>\n", "no-such-lang", true);
        assert_eq!(
            html,
            "<pre class=\"code\" data-lang=\"no-such-lang\"><code>&lt;b&gt;\n</code></pre>\n"
        );
    }

    #[test]
    fn mermaid_is_left_for_the_browser() {
        assert_eq!(
            code_block("a-->b\n", "mermaid", true),
            "<pre class=\"mermaid\">a--&gt;b\n</pre>\n"
        );
    }

    #[test]
    fn stylesheet_has_light_and_dark() {
        let css = stylesheet("InspiredGitHub", "base16-ocean.dark").unwrap();
        assert!(css.contains(".hl-"));
        assert!(css.contains("@media screen and (prefers-color-scheme: dark)"));
        assert!(stylesheet("nope", "base16-ocean.dark").is_err());
    }

    #[test]
    fn every_token_colour_is_readable() {
        let css = stylesheet("InspiredGitHub", "base16-ocean.dark").unwrap();
        let (light, dark) = css.split_once("@media screen and").unwrap();
        let mut checked = 0;
        for (part, background) in [(light, LIGHT_CODE_BACKGROUND), (dark, DARK_CODE_BACKGROUND)] {
            for value in part.lines().filter_map(|l| l.trim().strip_prefix("color:")) {
                let color = parse_hex(value.trim().trim_end_matches(';')).unwrap();
                assert!(contrast(color, background) >= 4.5, "{value}");
                checked += 1;
            }
        }
        assert!(checked > 20, "{checked}");
    }
}
