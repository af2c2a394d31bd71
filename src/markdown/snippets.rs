//! Snippets of the pymdownx `snippets` extension (Material for MkDocs):
//! a line `--8<-- "includes/abbreviations.md"` is replaced by the file, each
//! of its lines indented as the marker was, before anything else reads the
//! page. The file is looked up from the page's folder, the content folder,
//! the site root (the extension's default `base_path`) and `assets/`; one
//! that is not found leaves the page's note where its content belongs.

use std::sync::OnceLock;

use regex::Regex;

use super::partials::{replace_tags, Expanded, MissingFile};
use super::templates::TemplateValues;

const MISSING_HELP: &str = "snippets are looked up from the page's folder, the content folder and the site root; fix the path or remove the line";

fn marker_pattern() -> &'static Regex {
    static PATTERN: OnceLock<Regex> = OnceLock::new();
    PATTERN.get_or_init(|| {
        Regex::new(r#"(?m)^([ \t]*)--8<--[ \t]+"([^"\n]+)"[ \t]*$"#)
            .expect("the snippet pattern is valid")
    })
}

/// Whether `bytes` hold `--8<--` anywhere: looked for from its `<`, rare in
/// prose (`-` is not), in one pass of `memchr` over every page.
fn has_marker(bytes: &[u8]) -> bool {
    memchr::memchr_iter(b'<', bytes)
        .any(|at| at >= 3 && bytes[at - 3..at] == *b"--8" && bytes[at + 1..].starts_with(b"--"))
}

/// The body with every snippet line replaced by its file, or `None` when
/// it has none.
pub fn expand(body: &str, values: &TemplateValues) -> Option<Expanded> {
    if !has_marker(body.as_bytes()) {
        return None;
    }
    replace_tags(body, marker_pattern(), |captures| {
        let indent = captures.get(1)?.as_str();
        let file = captures.get(2)?.as_str().trim();
        let Some(text) = values.includes.hugo_file(file, values.page_dir) else {
            return Some(Err(MissingFile {
                name: file.to_string(),
                help: MISSING_HELP,
            }));
        };
        let lines: Vec<String> = text
            .trim_end()
            .lines()
            .map(|line| format!("{indent}{line}"))
            .collect();
        Some(Ok(lines.join("\n")))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::Map;

    #[test]
    fn the_marker_is_found_where_a_substring_search_finds_it() {
        let bodies = [
            "",
            "<",
            "--8<--",
            "a --8<-- b",
            "-8<--",
            "--8<-",
            "--8 <--",
            "<--8<--",
            "--8<--8<",
            "x<y --9<-- --8<",
            "\u{e9}--8<--\u{e9}",
        ];
        for body in bodies {
            assert_eq!(
                has_marker(body.as_bytes()),
                memchr::memmem::find(body.as_bytes(), b"--8<--").is_some(),
                "{body:?}"
            );
        }
    }

    #[test]
    fn snippet_lines_become_their_files_indented_as_the_marker() {
        let (_dir, includes) = crate::markdown::partials::site_of(&[
            ("mkdocs.yml", "site_name: T\n"),
            ("includes/steps.md", "1. Plan\n2. Ship\n"),
            ("docs/index.md", "# Home\n"),
        ]);
        let page = Map::new();
        let values = TemplateValues::for_page(&page, "", &includes, "");
        let body = "Steps:\n\n--8<-- \"includes/steps.md\"\n\n!!! note\n    --8<-- \"includes/steps.md\"\n\n--8<-- \"gone.md\"\nWrite `--8<-- \"x\"` in a line.\n";
        let page = expand(body, &values).expect("expanded");
        assert!(
            page.text.starts_with(
                "Steps:\n\n1. Plan\n2. Ship\n\n!!! note\n    1. Plan\n    2. Ship\n\n"
            ),
            "{}",
            page.text
        );
        assert_eq!(page.notes.len(), 1);
        assert!(page.text.ends_with("Write `--8<-- \"x\"` in a line.\n"));
    }
}
