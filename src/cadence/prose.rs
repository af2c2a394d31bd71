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

/// Finds prose cadences in `text[body_start..]`, each under the last of the
/// page's rendered `headings` before it (by their offsets in the file: the
/// Markdown stage's headings, ids and all, not a second heading parser).
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
    let mut by_offset: Vec<&Heading> = headings.iter().collect();
    by_offset.sort_by_key(|h| h.offset);
    let mut next_heading = by_offset.iter().peekable();
    let mut heading: Option<&Heading> = None;
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
        while let Some(h) = next_heading.next_if(|h| h.offset < start) {
            heading = Some(h);
        }
        // A cheap byte check first: the regex runs on few lines.
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
            heading: heading.map(|h| {
                let id =
                    h.id.clone()
                        .unwrap_or_else(|| ids::base_id(&h.title, flavor));
                (h.title.clone(), id)
            }),
        });
    }
    found
}

/// Whether any line of `body` may be a prose cadence: a byte search, so
/// pages without one (nearly all) skip the line-by-line scan. [`scan`] finds
/// nothing in a body for which this is false: a build keeps the Markdown of
/// only the pages for which it is true.
pub fn has_prose_cadence(body: &str) -> bool {
    // Built once: this is asked of every page, and `memmem::find_iter`
    // builds its searcher again on each call.
    static ADENCE: std::sync::LazyLock<memchr::memmem::Finder<'static>> =
        std::sync::LazyLock::new(|| memchr::memmem::Finder::new(b"adence"));
    let bytes = body.as_bytes();
    ADENCE.find_iter(bytes).any(|at| {
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
    use crate::markdown::{self, RenderOptions};

    /// The prose cadences of `text`, under its rendered headings.
    fn scan_page(text: &str, vocabulary: &Vocabulary) -> Vec<ProseCadence> {
        let flavor = HeadingIdFlavor::KramdownGfm;
        let rendered = markdown::render(text, 0, &RenderOptions::standalone(flavor));
        scan(text, 0, &rendered.headings, flavor, vocabulary)
    }

    #[test]
    fn prose_forms() {
        let v = Vocabulary::default();
        let text = "## Account Reviews\n- _Cadence: Monthly / Ad-hoc_\n\n### Q&A: Calls {#calls}\n**Cadence:** 25min, bi-weekly (zoom)\n```\n_Cadence: Weekly_\n```\n* *Cadence*: whenever\n";
        let found = scan_page(text, &v);
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
        let found = scan_page(text, &v);
        assert_eq!(found.len(), 1, "{found:#?}");
        assert_eq!(found[0].heading, Some(("Real".into(), "real".into())));
    }

    #[test]
    fn suggestions_name_only_sections_the_page_has() {
        let v = Vocabulary::default();
        let text = "# \n- _Cadence: Weekly_\n## Kept\n- _Cadence: Monthly_\n";
        let found = scan_page(text, &v);
        let yaml = suggest_yaml(&found, &["kept".to_string()], &v);
        assert_eq!(
            yaml,
            "cadence:\n  - activity: Activity\n    every: weekly\n    # owner: the one accountable role\n  \
             - activity: Kept\n    every: monthly\n    section: kept\n    # owner: the one accountable role\n"
        );
    }
}
