//! Heading ids, exactly as each generator makes them: the base id of a
//! heading's text here, the de-duplication of a page's ids in [`unique`].
//! Every rule is checked against the generator's own code by
//! `tests/heading_ids_differential.rs`.

mod github_slugger_table;
mod page;
pub mod unique;

use once_cell::sync::Lazy;
use regex::Regex;
use unicode_normalization::UnicodeNormalization;

use crate::config::HeadingIdFlavor;

pub use page::PageIds;
pub use unique::IdAllocator;

/// The base id of a heading's text content, before de-duplication. An empty
/// base id means the heading gets no id attribute (it still counts in the
/// flavours where an empty id is taken).
pub fn base_id(text: &str, flavor: HeadingIdFlavor) -> String {
    match flavor {
        HeadingIdFlavor::KramdownGfm => kramdown_gfm_id(text),
        HeadingIdFlavor::Kramdown => kramdown_id(text),
        HeadingIdFlavor::Github => github_slugger_id(text),
        HeadingIdFlavor::Hugo => hugo_id(text),
        HeadingIdFlavor::MarkdownIt => markdown_it_anchor_id(text),
        HeadingIdFlavor::PythonMarkdown => python_markdown_id(text),
        HeadingIdFlavor::Redcarpet => tech_docs_id(text),
        HeadingIdFlavor::Zola => slug::slugify(text),
        HeadingIdFlavor::MdBook => mdbook_id(text),
        HeadingIdFlavor::Docsify => docsify_id(text),
    }
}

/// Ruby's `String#downcase`: every character's full lowercase mapping, with
/// no final-sigma rule (`ΣΑΣ` is `σασ`).
fn ruby_downcase(text: &str) -> String {
    text.chars().flat_map(char::to_lowercase).collect()
}

/// kramdown-parser-gfm's `generate_gfm_header_id`: `downcase`, every
/// character outside `[\p{Word}\- \t]` removed, each space and tab turned
/// into `-` (no collapsing). Ruby's `\p{Word}` is the regex crate's Unicode
/// `\w` (letters and other alphabetic characters, marks such as the emoji
/// variation selector U+FE0F, decimal digits, connector punctuation) without
/// the joiners U+200C and U+200D.
fn kramdown_gfm_id(text: &str) -> String {
    if text.is_ascii() {
        return kramdown_gfm_ascii_id(&without_guillemet_spaces(text));
    }
    kramdown_gfm_unicode_id(text)
}

/// [`kramdown_gfm_id`] for any text: Ruby's `downcase` and `\p{Word}`.
fn kramdown_gfm_unicode_id(text: &str) -> String {
    static NON_WORD: Lazy<Regex> =
        Lazy::new(|| Regex::new(r"[\x{200C}\x{200D}[^\w\- \t]]").expect("valid regex"));
    NON_WORD
        .replace_all(&ruby_downcase(&without_guillemet_spaces(text)), "")
        .replace([' ', '\t'], "-")
}

/// [`kramdown_gfm_id`] of ASCII text without the regex and the Unicode
/// lowercase (most headings): on ASCII, `\p{Word}` is `[A-Za-z0-9_]`.
fn kramdown_gfm_ascii_id(text: &str) -> String {
    let mut id = String::with_capacity(text.len());
    for byte in text.bytes() {
        match byte {
            b' ' | b'\t' => id.push('-'),
            b'-' | b'_' => id.push(char::from(byte)),
            _ if byte.is_ascii_alphanumeric() => id.push(char::from(byte.to_ascii_lowercase())),
            _ => {}
        }
    }
    id
}

/// kramdown reads ` >>` and `<< ` as guillemets that take the space with
/// them, and the guillemet adds nothing to the id (`Watch >>` is `watch`).
fn without_guillemet_spaces(text: &str) -> std::borrow::Cow<'_, str> {
    // Most headings have neither bracket: one scan instead of two searches.
    let has_brackets = memchr::memchr2(b'<', b'>', text.as_bytes()).is_some();
    if has_brackets && (text.contains(" >>") || text.contains("<< ")) {
        std::borrow::Cow::Owned(text.replace(" >>", ">>").replace("<< ", "<<"))
    } else {
        std::borrow::Cow::Borrowed(text)
    }
}

/// kramdown's own parser (`basic_generate_id`): leading characters up to the
/// first ASCII letter dropped, only ASCII letters, digits, space and `-`
/// kept, spaces to `-`, lowercased; an empty result is `section`.
fn kramdown_id(text: &str) -> String {
    let text = without_guillemet_spaces(text);
    let start = text
        .char_indices()
        .find(|(_, c)| c.is_ascii_alphabetic())
        .map_or(text.len(), |(i, _)| i);
    let mut id = String::new();
    for c in text[start..].chars() {
        if c == ' ' {
            id.push('-');
        } else if c.is_ascii_alphanumeric() || c == '-' {
            id.push(c.to_ascii_lowercase());
        }
    }
    if id.is_empty() {
        id.push_str("section");
    }
    id
}

/// github-slugger's `slug()` (rehype-slug, GitHub's own rendering):
/// JavaScript's `toLowerCase()` of the whole text (final sigma included),
/// the characters of its generated regex removed, each space turned into `-`.
fn github_slugger_id(text: &str) -> String {
    text.to_lowercase()
        .chars()
        .filter(|&c| !github_slugger_removes(c))
        .map(|c| if c == ' ' { '-' } else { c })
        .collect()
}

fn github_slugger_removes(c: char) -> bool {
    let code = c as u32;
    let table = github_slugger_table::REMOVED;
    let at = table.partition_point(|&(_, last)| last < code);
    table.get(at).is_some_and(|&(first, _)| first <= code)
}

/// docsify 4's `slugify` (`src/core/render/slugify.js`) of the heading as
/// marked renders it: text escaped (`&amp;`, `&lt;`, `&gt;`, `&quot;`,
/// `&#39;`), runs of `A-Z` lowercased, tags removed, the punctuation of
/// its table and of U+2000-U+206F and U+2E00-U+2E7F dropped, each white
/// space character to `-`, runs of `-` to one, `_` before a leading digit.
fn docsify_id(text: &str) -> String {
    let escaped = crate::escape::html(text.trim());
    let dropped = |c: char| {
        matches!(c, '\u{2000}'..='\u{206F}' | '\u{2E00}'..='\u{2E7F}')
            || "\\'!\"#$%&()*+,./:;<=>?@[]^`{|}~".contains(c)
    };
    let mut id = String::with_capacity(escaped.len());
    for c in escaped.chars() {
        match c {
            c if dropped(c) => {}
            c if c.is_whitespace() => {
                if !id.ends_with('-') {
                    id.push('-');
                }
            }
            '-' if id.ends_with('-') => {}
            c => id.push(c.to_ascii_lowercase()),
        }
    }
    if id.starts_with(|c: char| c.is_ascii_digit()) {
        id.insert(0, '_');
    }
    id
}

/// mdBook's `id_from_content` (`mdbook-html`, 0.5): trimmed, lowercased
/// (Rust's full mapping), alphanumeric characters, `_` and `-` kept, each
/// white space character to `-`, everything else dropped; `section` when
/// nothing is left.
fn mdbook_id(text: &str) -> String {
    let id: String = text
        .trim()
        .to_lowercase()
        .chars()
        .filter_map(|c| match c {
            c if c.is_alphanumeric() || c == '_' || c == '-' => Some(c),
            c if c.is_whitespace() => Some('-'),
            _ => None,
        })
        .collect();
    match id.is_empty() {
        true => "section".to_string(),
        false => id,
    }
}

/// Hugo's goldmark ids with `autoIDType = "github"` (its default;
/// `markup/goldmark/autoid.go`): white space trimmed, `-` and space to `-`,
/// letters, decimal digits and `_` lowercased (Go's single-character
/// `unicode.ToLower`), everything else dropped; a heading whose text leaves
/// nothing is `heading`. Empty text gets no id at all.
fn hugo_id(text: &str) -> String {
    static KEPT: Lazy<Regex> =
        Lazy::new(|| Regex::new(r"[^\p{L}\p{Nd}_ \-]").expect("valid regex"));
    if text.is_empty() {
        return String::new();
    }
    let trimmed = text.trim_matches(is_go_space);
    let id: String = KEPT
        .replace_all(trimmed, "")
        .chars()
        .map(|c| match c {
            ' ' => '-',
            // The simple case mapping: the first character of the full one
            // (U+0130 `İ` is `i`, as Go has it).
            c => c.to_lowercase().next().unwrap_or(c),
        })
        .collect();
    if id.is_empty() {
        "heading".to_string()
    } else {
        id
    }
}

/// Go's `unicode.IsSpace`, which `bytes.TrimSpace` trims.
fn is_go_space(c: char) -> bool {
    matches!(
        c,
        '\t' | '\n' | '\u{b}' | '\u{c}' | '\r' | ' ' | '\u{85}' | '\u{a0}'
    ) || (c as u32 > 0xff && c.is_whitespace())
}

/// Characters `encodeURIComponent` leaves as they are.
const URI_COMPONENT: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'!')
    .remove(b'~')
    .remove(b'*')
    .remove(b'\'')
    .remove(b'(')
    .remove(b')');

/// markdown-it-anchor's default slugify:
/// `encodeURIComponent(String(s).trim().toLowerCase().replace(/\s+/g, '-'))`.
fn markdown_it_anchor_id(text: &str) -> String {
    let lower = text.trim_matches(is_js_space).to_lowercase();
    let mut dashed = String::with_capacity(lower.len());
    let mut in_space = false;
    for c in lower.chars() {
        if is_js_space(c) {
            if !in_space {
                dashed.push('-');
            }
            in_space = true;
        } else {
            dashed.push(c);
            in_space = false;
        }
    }
    percent_encoding::utf8_percent_encode(&dashed, URI_COMPONENT).to_string()
}

/// JavaScript's `\s` and `trim()`: white space, line terminators and the
/// BOM, but not U+0085 (NEL), which Unicode calls white space.
fn is_js_space(c: char) -> bool {
    (c.is_whitespace() && c != '\u{85}') || c == '\u{feff}'
}

/// Python-Markdown's toc `slugify` (MkDocs' default): NFKD, then only the
/// ASCII characters kept (`žlutý` is `zluty`), everything but `\w`, white
/// space and `-` removed, stripped, lowercased, runs of `-` and white space
/// to one `-`.
fn python_markdown_id(text: &str) -> String {
    let ascii: String = text
        .nfkd()
        .filter(|c| c.is_ascii())
        .filter(|&c| c.is_ascii_alphanumeric() || c == '_' || c == '-' || is_python_space(c))
        .collect();
    let mut id = String::with_capacity(ascii.len());
    let mut in_separator = false;
    for c in ascii.trim_matches(is_python_space).chars() {
        if c == '-' || is_python_space(c) {
            if !in_separator {
                id.push('-');
            }
            in_separator = true;
        } else {
            id.push(c.to_ascii_lowercase());
            in_separator = false;
        }
    }
    id
}

/// Python's `\s` and `str.strip()` on ASCII text (the separators
/// U+001C..U+001F count as white space).
fn is_python_space(c: char) -> bool {
    matches!(c, '\t'..='\r' | '\u{1c}'..='\u{1f}' | ' ')
}

/// GOV.UK tech-docs' `heading_slug` (`UniqueIdentifierGenerator`, its
/// Redcarpet renderer's `header`), over the HTML Redcarpet renders for the
/// heading: `downcase`, `strip`, tags removed, every run of characters
/// outside `[0-9a-z]` to one `-`, dashes at either end removed. Redcarpet
/// escapes `&`, `<`, `>`, `"` and `'` as `&amp;`, `&lt;`, `&gt;`, `&quot;`
/// and `&#39;`, so `What's new` is `what-39-s-new` and `Q&A` is `q-amp-a`.
fn tech_docs_id(text: &str) -> String {
    let mut html = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\'' => html.push_str("&#39;"),
            '"' => html.push_str("&quot;"),
            '&' => html.push_str("&amp;"),
            '<' => html.push_str("&lt;"),
            '>' => html.push_str("&gt;"),
            c => html.push(c),
        }
    }
    let lower = ruby_downcase(&html);
    let mut id = String::with_capacity(lower.len());
    for c in lower.trim_matches(is_ruby_strip_space).chars() {
        if c.is_ascii_lowercase() || c.is_ascii_digit() {
            id.push(c);
        } else if !id.ends_with('-') {
            id.push('-');
        }
    }
    id.trim_matches('-').to_string()
}

/// What Ruby's `String#strip` removes: ASCII white space and NUL.
fn is_ruby_strip_space(c: char) -> bool {
    matches!(c, '\0' | '\t'..='\r' | ' ')
}

#[cfg(test)]
mod tests;
