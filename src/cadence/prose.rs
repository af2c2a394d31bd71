//! Legacy prose cadences: `- _Cadence: Monthly / Ad-hoc_` lines under headings,
//! the way handbooks recorded the rhythm before front matter. `handbook check`
//! compares them with the front matter, and `handbook cadence --suggest`
//! turns them into front matter.

use std::fmt::Write as _;
use std::ops::Range;
use std::sync::LazyLock;

use regex::Regex;

use super::vocabulary::Vocabulary;
use crate::config::HeadingIdFlavor;
use crate::markdown::{ids, kramdown, Heading};

/// `_Cadence: X_`, `*Cadence:* X`, `**Cadence**: X`, as a line or a list item.
static PROSE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^\s{0,3}(?:[-*+]\s+)?[_*]{1,2}\s*cadence\s*(?::\s*[_*]{0,2}|[_*]{1,2}\s*:)\s*(?P<value>.*?)\s*$")
        .expect("the pattern is valid")
});

static ATX: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^\s{0,3}(?P<level>#{1,6})\s+(?P<title>.*?)\s*$").expect("the pattern is valid")
});

/// One prose cadence line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProseCadence {
    /// The value as written (`Monthly / Ad-hoc`).
    pub value: String,
    /// The cadences it names, as vocabulary indices, in the order written.
    pub every: Vec<usize>,
    /// Byte range of the line's value in the file.
    pub span: Range<usize>,
    /// The heading above it: its text and id.
    pub heading: Option<(String, String)>,
}

/// Finds prose cadences in `text[body_start..]`. `headings` are the rendered
/// headings of the page (for their ids); the source headings are matched to
/// them in order.
pub fn scan(
    text: &str,
    body_start: usize,
    headings: &[Heading],
    flavor: HeadingIdFlavor,
    vocabulary: &Vocabulary,
) -> Vec<ProseCadence> {
    let body = &text[body_start.min(text.len())..];
    if !has_prose_cadence(body) {
        return Vec::new();
    }
    let mut found = Vec::new();
    let mut heading: Option<(String, String)> = None;
    let mut rendered = headings
        .iter()
        .filter_map(|h| Some((h.title.as_str(), h.id.as_deref()?)));
    // An open code fence: marker and length (CommonMark: a line of as many
    // or more of the marker, and nothing else, closes it).
    let mut fence: Option<(u8, usize)> = None;
    let mut offset = body_start;
    for line in body.split_inclusive('\n') {
        let start = offset;
        offset += line.len();
        let trimmed = line.trim_start();
        if let Some((marker, len)) = fence {
            if kramdown::is_closing_fence(trimmed.trim_end(), marker, len) {
                fence = None;
            }
            continue;
        }
        if let Some(opened) = kramdown::opening_fence(trimmed) {
            fence = Some(opened);
            continue;
        }
        let line = line.trim_end_matches(['\n', '\r']);
        // Cheap byte checks first: the regexes run on few lines.
        if trimmed.starts_with('#') {
            if let Some(caps) = ATX.captures(line) {
                let title = caps.name("title").map_or("", |m| m.as_str());
                heading = Some(heading_id(title, &mut rendered, flavor));
            }
            continue;
        }
        if !may_be_prose_cadence(trimmed) {
            continue;
        }
        let Some(caps) = PROSE.captures(line) else {
            continue;
        };
        let Some(value) = caps.name("value") else {
            continue;
        };
        let cleaned = value.as_str().trim_end_matches(['_', '*']).trim();
        let every = cadences_in(cleaned, vocabulary);
        if every.is_empty() {
            continue;
        }
        found.push(ProseCadence {
            value: cleaned.to_string(),
            every,
            span: start + value.start()..start + value.start() + cleaned.len(),
            heading: heading.clone(),
        });
    }
    found
}

/// Whether any line of `body` may be a prose cadence: a byte search, so
/// pages without one (nearly all) skip the line-by-line scan.
fn has_prose_cadence(body: &str) -> bool {
    let bytes = body.as_bytes();
    memchr::memmem::find_iter(bytes, b"adence").any(|at| {
        let start = memchr::memrchr(b'\n', &bytes[..at]).map_or(0, |i| i + 1);
        let line = &body[start..];
        let line = &line[..memchr::memchr(b'\n', line.as_bytes()).unwrap_or(line.len())];
        may_be_prose_cadence(line.trim_start())
    })
}

/// Whether a (left-trimmed) line can be a prose cadence: an optional list
/// marker, then `_` or `*` and `cadence` within a few characters. Keeps the
/// regex off the long lines of large pages.
fn may_be_prose_cadence(trimmed: &str) -> bool {
    let rest = trimmed
        .strip_prefix(['-', '*', '+'])
        .filter(|r| r.starts_with([' ', '\t']))
        .map_or(trimmed, str::trim_start);
    if !rest.starts_with(['_', '*']) {
        return false;
    }
    let head = &rest.as_bytes()[..rest.len().min(12)];
    head.windows(7).any(|w| w.eq_ignore_ascii_case(b"cadence"))
}

/// The cadences a prose value names: `Monthly / Ad-hoc`, `25min, bi-weekly`.
pub fn cadences_in(value: &str, vocabulary: &Vocabulary) -> Vec<usize> {
    let mut out = Vec::new();
    if let Some(i) = vocabulary.resolve(value) {
        return vec![i];
    }
    let lowered = value.to_lowercase();
    let parts = lowered
        .split(['/', ',', ';', '&', '(', ')', '|', '+'])
        .flat_map(|p| p.split(" or "))
        .flat_map(|p| p.split(" and "));
    for part in parts {
        if let Some(i) = vocabulary.resolve(part.trim()) {
            if !out.contains(&i) {
                out.push(i);
            }
        }
    }
    out
}

/// The title and id of a source heading: its explicit `{#id}`, else the id of
/// the next rendered heading with the same text, else the id its text makes.
fn heading_id<'a>(
    source_title: &str,
    rendered: &mut impl Iterator<Item = (&'a str, &'a str)>,
    flavor: HeadingIdFlavor,
) -> (String, String) {
    let mut title = source_title.trim_end_matches('#').trim().to_string();
    let mut explicit = None;
    if let Some(open) = title.rfind("{#") {
        if title.ends_with('}') {
            explicit = Some(title[open + 2..title.len() - 1].trim().to_string());
            title = title[..open].trim().to_string();
        }
    }
    let plain = plain_text(&title);
    let key = compare_key(&plain);
    for (rendered_title, id) in rendered.by_ref() {
        if compare_key(rendered_title) == key {
            return (plain, explicit.unwrap_or_else(|| id.to_string()));
        }
    }
    let id = explicit.unwrap_or_else(|| ids::base_id(&plain, flavor));
    (plain, id)
}

/// Heading source text without Markdown: links to their text, emphasis and
/// code marks removed.
fn plain_text(title: &str) -> String {
    static LINK: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"!?\[([^\]]*)\]\([^)]*\)").expect("the pattern is valid"));
    LINK.replace_all(title, "$1")
        .chars()
        .filter(|c| !matches!(c, '*' | '`'))
        .collect::<String>()
        .trim()
        .to_string()
}

fn compare_key(text: &str) -> String {
    text.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

/// Front matter YAML for the prose cadences of a page: one activity per
/// heading, named after it, ready to paste. `anchors` are the ids of the
/// rendered page: a heading the page does not have (in a code block, say) is
/// not named as the `section`.
pub fn suggest_yaml(found: &[ProseCadence], anchors: &[String], vocabulary: &Vocabulary) -> String {
    let mut out = String::from("cadence:\n");
    for prose in found {
        let name = prose
            .heading
            .as_ref()
            .map(|(title, _)| title.as_str())
            .filter(|title| !title.trim().is_empty())
            .unwrap_or("Activity");
        let _ = writeln!(out, "  - activity: {}", yaml_scalar(name));
        let keys: Vec<String> = prose
            .every
            .iter()
            .map(|&i| yaml_scalar(&vocabulary.get(i).key))
            .collect();
        if keys.len() == 1 {
            let _ = writeln!(out, "    every: {}", keys[0]);
        } else {
            let _ = writeln!(out, "    every: [{}]", keys.join(", "));
        }
        if let Some((_, id)) = &prose.heading {
            // As the schema reads `section`: trimmed, without a leading `#`.
            let as_read = id.trim().trim_start_matches('#');
            if !id.is_empty() && as_read == id && anchors.iter().any(|a| a == id) {
                let _ = writeln!(out, "    section: {}", yaml_scalar(id));
            }
        }
        out.push_str("    # owner: the one accountable role\n");
    }
    out
}

/// A YAML scalar that reads back as `text`, in a block or in a flow list: a
/// plain scalar when it is a letter then letters, digits, spaces and a few
/// safe marks (and no word YAML reads as a boolean, null or number), else a
/// double-quoted one with every character YAML does not take as it is
/// escaped.
fn yaml_scalar(text: &str) -> String {
    let plain = text.starts_with(char::is_alphabetic)
        && !text.ends_with(char::is_whitespace)
        && text.chars().all(|c| {
            c.is_alphanumeric() || matches!(c, ' ' | '-' | '_' | '.' | '(' | ')' | '&' | '/' | '\'')
        })
        && !matches!(
            text.to_lowercase().as_str(),
            "true"
                | "false"
                | "yes"
                | "no"
                | "y"
                | "n"
                | "null"
                | "on"
                | "off"
                | "inf"
                | "infinity"
                | "nan"
        );
    if plain {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            ' '..='~' => out.push(c),
            // YAML's printable characters, less line breaks (NEL, LS, PS)
            // and the byte order mark.
            '\u{a0}'..='\u{d7ff}' | '\u{e000}'..='\u{fffd}' | '\u{10000}'..
                if !matches!(c, '\u{2028}' | '\u{2029}' | '\u{feff}') =>
            {
                out.push(c)
            }
            c => {
                let _ = write!(out, "\\U{:08x}", u32::from(c));
            }
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prose_forms() {
        let v = Vocabulary::default();
        let text = "## Account Reviews\n- _Cadence: Monthly / Ad-hoc_\n\n### Q&A: Calls {#calls}\n**Cadence:** 25min, bi-weekly (zoom)\n```\n_Cadence: Weekly_\n```\n* *Cadence*: whenever\n";
        let found = scan(text, 0, &[], HeadingIdFlavor::KramdownGfm, &v);
        assert_eq!(found.len(), 2, "{found:#?}");
        assert_eq!(found[0].value, "Monthly / Ad-hoc");
        assert_eq!(&text[found[0].span.clone()], "Monthly / Ad-hoc");
        assert_eq!(
            found[0].heading,
            Some(("Account Reviews".into(), "account-reviews".into()))
        );
        let keys: Vec<&str> = found[0]
            .every
            .iter()
            .map(|&i| v.get(i).key.as_str())
            .collect();
        assert_eq!(keys, ["monthly", "ad-hoc"]);
        assert_eq!(
            found[1].heading,
            Some(("Q&A: Calls".into(), "calls".into()))
        );
        assert_eq!(v.get(found[1].every[0]).key, "bi-weekly");
    }

    #[test]
    fn suggested_yaml_quotes_what_needs_it() {
        assert_eq!(yaml_scalar("Account Reviews"), "Account Reviews");
        assert_eq!(yaml_scalar("Q&A: calls"), "\"Q&A: calls\"");
        assert_eq!(yaml_scalar("2024"), "\"2024\"");
        assert_eq!(yaml_scalar("yes"), "\"yes\"");
        assert_eq!(yaml_scalar("0x1f"), "\"0x1f\"");
        assert_eq!(yaml_scalar("a, b"), "\"a, b\"");
        assert_eq!(
            yaml_scalar("a\u{7f}\u{2028}\"\\"),
            "\"a\\U0000007f\\U00002028\\\"\\\\\""
        );
        for text in [
            "",
            " x",
            "#x",
            "a: b",
            "~",
            "é\t\u{85}\u{feff}",
            "[x]",
            "Q&A / 1:1's",
        ] {
            let yaml = format!("k: {}\n", yaml_scalar(text));
            let value = crate::yaml::to_json(&yaml).expect("YAML");
            assert_eq!(value["k"].as_str(), Some(text), "{yaml}");
        }
    }

    #[test]
    fn fenced_code_ends_only_at_a_closing_fence() {
        // An info string does not close a fence; the headings and the
        // cadence below are inside it.
        let v = Vocabulary::default();
        let text = "## Real\n- _Cadence: Weekly_\n```markdown\n## Week\n```markdown\n## In code\n- _Cadence: Daily_\n```\n";
        let found = scan(text, 0, &[], HeadingIdFlavor::KramdownGfm, &v);
        assert_eq!(found.len(), 1, "{found:#?}");
        assert_eq!(found[0].heading, Some(("Real".into(), "real".into())));
    }

    #[test]
    fn suggestions_name_only_sections_the_page_has() {
        let v = Vocabulary::default();
        let text = "# \n- _Cadence: Weekly_\n## Kept\n- _Cadence: Monthly_\n";
        let found = scan(text, 0, &[], HeadingIdFlavor::KramdownGfm, &v);
        let yaml = suggest_yaml(&found, &["kept".to_string()], &v);
        assert_eq!(
            yaml,
            "cadence:\n  - activity: Activity\n    every: weekly\n    # owner: the one accountable role\n  \
             - activity: Kept\n    every: monthly\n    section: kept\n    # owner: the one accountable role\n"
        );
    }
}
