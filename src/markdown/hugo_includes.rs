//! The include shortcodes of Hugo themes, put into the page before anything
//! else reads it, as Hugo renders a `{{% %}}` shortcode's output as part of
//! the page's Markdown:
//!
//! - `{{% include "includes/notice.md" %}}` (the GitLab handbook's theme,
//!   Relearn; `file=` too): the file's Markdown;
//! - `{{% readfile file="x.md" %}}` (Docsy): the same, and with
//!   `code="true"` (and `lang="yaml"`) the file as a code block.
//!
//! The file is looked up from the page's folder, the content folder, the
//! site root and `assets/` (see [`Includes::hugo_file`]), under the
//! publishing rule. A file that is not found leaves the page's note where
//! its content belongs.
//!
//! [`Includes::hugo_file`]: crate::content::includes::Includes::hugo_file

use std::sync::OnceLock;

use regex::Regex;

use super::callouts::shortcode_args;
use super::partials::{placement, replace_tags, Expanded, MissingFile};
use super::templates::{Placement, TemplateValues};

const MISSING_HELP: &str = "the file is looked up from the page's folder, the content folder, the site root and assets/; fix the path or remove the shortcode";

fn shortcode_pattern() -> &'static Regex {
    static PATTERN: OnceLock<Regex> = OnceLock::new();
    PATTERN.get_or_init(|| {
        Regex::new(r"\{\{[<%]-?\s*(include|readfile)\s+([^}]*?)\s*-?[>%]\}\}")
            .expect("the shortcode pattern is valid")
    })
}

/// The body with every include shortcode replaced by its file, or `None`
/// when it has none.
pub fn expand(body: &str, values: &TemplateValues) -> Option<Expanded> {
    // `{` is rare in prose: found with `memchr`, not a substring searcher
    // built for each page.
    super::needle::find(body.as_bytes(), b"{{")?;
    replace_tags(body, shortcode_pattern(), |captures| {
        let (whole, kind, args) = (captures.get(0)?, captures.get(1)?, captures.get(2)?);
        let args = shortcode_args(args.as_str());
        let named = |key: &str| {
            args.iter()
                .find(|(k, _)| k.as_deref() == Some(key))
                .map(|(_, v)| v.as_str())
        };
        let positional = args
            .iter()
            .find(|(k, _)| k.is_none())
            .map(|(_, v)| v.as_str());
        let file = named("file").or(positional)?;
        let Some(text) = values.includes.hugo_file(file, values.page_dir) else {
            return Some(Err(MissingFile {
                name: file.to_string(),
                help: MISSING_HELP,
            }));
        };
        let output = if kind.as_str() == "readfile" && named("code") == Some("true") {
            let lang = named("lang").unwrap_or("");
            let newline = if text.ends_with('\n') { "" } else { "\n" };
            format!("\n\n```{lang}\n{text}{newline}```\n\n")
        } else {
            match placement(body, &whole.range()) {
                Placement::Block => format!("\n\n{}\n\n", text.trim_end()),
                Placement::Inline => text.trim_end().to_string(),
            }
        };
        Some(Ok(output))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::Map;

    #[test]
    fn include_and_readfile_put_their_files_in() {
        let (_dir, includes) = crate::markdown::partials::site_of(&[
            ("site.toml", "title = \"T\"\n"),
            ("assets/includes/spin.md", "Take GitLab for a **spin**.\n"),
            ("content/team/roles.yml", "lead: Ada\n"),
            ("content/team/index.md", "# Team\n"),
        ]);
        let page = Map::new();
        let values = TemplateValues::for_page(&page, "", &includes, "team");
        let body = "Intro\n{{% include \"includes/spin.md\" %}}\n{{< readfile file=\"roles.yml\" code=\"true\" lang=\"yaml\" >}}\n{{% include \"gone.md\" %}}\nShown: `{{</* include \"x\" */>}}`\n";
        let page = expand(body, &values).expect("expanded");
        assert!(
            page.text.starts_with(
                "Intro\n\n\nTake GitLab for a **spin**.\n\n\n\n\n```yaml\nlead: Ada\n```\n\n"
            ),
            "{}",
            page.text
        );
        assert!(
            page.text.contains("class=\"missing-content\""),
            "{}",
            page.text
        );
        assert_eq!(page.notes.len(), 1);
        assert!(page.text.ends_with("Shown: `{{</* include \"x\" */>}}`\n"));
        let spin = page.text.find("spin").expect("spin");
        assert_eq!(page.map.to_original(spin), body.find("{{%").expect("tag"));
    }
}
