//! Partials and includes put into a page before anything else reads it, as
//! ERB and Liquid do: Middleman runs `<%= partial "x" %>` and Jekyll runs
//! `{% include x %}` over the page's text before Markdown sees it. The
//! partial's own tags are done first (see [`super::templates`]), so what
//! goes in is Markdown (or HTML) that the kramdown pass and the Markdown
//! parser then read as part of the page: its attribute lists, headings and
//! links belong to the page.
//!
//! A partial that stands alone on its line goes in as blocks of its own
//! (Middleman inserts the partial's rendered HTML, which is a block); one
//! inside a line of text goes into that line. Positions in the page map
//! back through an [`OffsetMap`]: anything inside a partial points at the
//! tag that brought it in.

use std::ops::Range;

use super::kramdown::{Builder, NextMatch, Note, OffsetMap};
use super::templates::erb_helpers;
use super::templates::{missing_html, missing_message, Placement, TagOutput, TemplateValues};
use crate::content::includes::IncludeFrom;

/// Which template languages of the page run.
#[derive(Debug, Clone, Copy)]
pub struct TemplateSyntax {
    /// ERB (`.erb` pages of Middleman sites).
    pub erb: bool,
    /// Liquid and Nunjucks (Jekyll and Eleventy sites).
    pub liquid: bool,
}

/// A page body with its partials put in.
pub struct Expanded {
    pub text: String,
    /// From offsets in `text` to offsets in the page body.
    pub map: OffsetMap,
    /// Partials not found, and partials nested too deep, at their tags.
    pub notes: Vec<Note>,
}

const MISSING_HELP: &str =
    "add the partial to the site (Middleman: `_name.html.md.erb` beside the page or under the content folder; Jekyll and Eleventy: `_includes/`), or remove the tag";

/// The body with every partial and include tag replaced by its content, or
/// `None` when it has none (the common case: the body is used as it is).
pub fn expand(body: &str, values: &TemplateValues, syntax: TemplateSyntax) -> Option<Expanded> {
    let bytes = body.as_bytes();
    let may_have_partial = syntax.erb
        && std::iter::once("partial")
            .chain(erb_helpers::HELPERS.iter().copied())
            .any(|name| memchr::memmem::find(bytes, name.as_bytes()).is_some());
    let may_have_include = syntax.liquid && memchr::memmem::find(bytes, b"include").is_some();
    if !may_have_partial && !may_have_include {
        return None;
    }
    let mut builder = Builder::new(body);
    let mut notes = Vec::new();
    // `copied`: the body is in the builder up to here; `pos`: tags are
    // looked for from here.
    let mut copied = 0;
    let mut pos = 0;
    let mut changed = false;
    let mut erb = NextMatch::new("<%=", may_have_partial);
    let mut liquid = NextMatch::new("{%", may_have_include);
    loop {
        let at_or_after = |found: Option<usize>| found.map(|i| pos + i);
        let next = match (
            at_or_after(erb.find(body, pos, body.len())),
            at_or_after(liquid.find(body, pos, body.len())),
        ) {
            (Some(e), Some(l)) => Some((e.min(l), e < l)),
            (Some(e), None) => Some((e, true)),
            (None, Some(l)) => Some((l, false)),
            (None, None) => None,
        };
        let Some((at, is_erb)) = next else { break };
        let (opener, close) = if is_erb { (3, "%>") } else { (2, "%}") };
        let Some(tag_end) = body[at + opener..].find(close).map(|i| at + opener + i + 2) else {
            pos = at + opener;
            continue;
        };
        let tag = at..tag_end;
        let mut messages = Vec::new();
        let output = if is_erb {
            let inner = &body[at + 3..tag_end - 2];
            match erb_helpers::called_helper(inner) {
                // A helper call that needs Ruby stays for the ERB pass,
                // which leaves it out with its warning.
                Some(helper) => match values.erb(inner, 0, &mut messages) {
                    TagOutput::Nothing if helper != "partial" => {
                        pos = tag_end;
                        continue;
                    }
                    output => output,
                },
                None => {
                    pos = tag_end;
                    continue;
                }
            }
        } else {
            let inner = body[at + 2..tag_end - 2].trim_matches('-').trim();
            match inner.split_once(char::is_whitespace) {
                Some(("include", args)) => {
                    values.liquid_include(args, IncludeFrom::IncludeFolders, 0, &mut messages)
                }
                Some(("include_relative", args)) => {
                    values.liquid_include(args, IncludeFrom::PageFolder, 0, &mut messages)
                }
                _ if inner == "raw" => {
                    // Nothing in a raw block runs.
                    pos = raw_end(body, tag_end);
                    continue;
                }
                _ => {
                    pos = tag_end;
                    continue;
                }
            }
        };
        builder.copy(copied..at);
        let placement = placement(body, &tag);
        for message in messages {
            notes.push(note(&tag, message));
        }
        match output {
            // A value (a helper's `<img>` or link) goes where the tag
            // stood, as ERB writes it: in a code block too.
            TagOutput::Value(text) => builder.insert(&text, at),
            TagOutput::Partial(text) => {
                let text = text.trim_end_matches(['\n', '\r']);
                match placement {
                    Placement::Block => builder.insert(&format!("\n\n{text}\n\n"), at),
                    Placement::Inline => builder.insert(text, at),
                }
            }
            TagOutput::Missing(name) => {
                notes.push(note(&tag, missing_message(&name)));
                builder.insert(&missing_html(&name, placement), at);
            }
            TagOutput::Nothing => {}
        }
        changed = true;
        pos = tag_end;
        copied = tag_end;
    }
    if !changed {
        return None;
    }
    builder.copy(copied..body.len());
    let (text, map) = builder.finish();
    Some(Expanded { text, map, notes })
}

/// A file a tag names that could not be read.
pub(super) struct MissingFile {
    /// The file as the tag names it.
    pub name: String,
    /// Where the tag's files are looked up, for the note.
    pub help: &'static str,
}

/// Replaces each tag `pattern` finds in `body` by what `replace` makes of
/// it: `Some(Ok(text))` puts the text in, `Some(Err(missing))` the reader's
/// note for a file not found (and a warning at the tag), `None` keeps the
/// tag as written. `None` when no tag was replaced.
pub(super) fn replace_tags(
    body: &str,
    pattern: &regex::Regex,
    mut replace: impl FnMut(&regex::Captures) -> Option<Result<String, MissingFile>>,
) -> Option<Expanded> {
    let mut builder = Builder::new(body);
    let mut notes = Vec::new();
    let mut copied = None;
    for captures in pattern.captures_iter(body) {
        let Some(whole) = captures.get(0) else {
            continue;
        };
        let Some(replaced) = replace(&captures) else {
            continue;
        };
        let output = match replaced {
            Ok(text) => text,
            Err(missing) => {
                notes.push(Note {
                    at: whole.range(),
                    message: format!(
                        "`{}` names a file that was not found; the page shows a note where its content belongs",
                        whole.as_str()
                    ),
                    help: missing.help,
                });
                missing_html(&missing.name, placement(body, &whole.range()))
            }
        };
        builder.copy(copied.unwrap_or(0)..whole.start());
        builder.insert(&output, whole.start());
        copied = Some(whole.end());
    }
    builder.copy(copied?..body.len());
    let (text, map) = builder.finish();
    Some(Expanded { text, map, notes })
}

fn note(tag: &Range<usize>, message: String) -> Note {
    Note {
        at: tag.clone(),
        message,
        help: MISSING_HELP,
    }
}

/// Whether the tag is all its line holds.
pub(super) fn placement(body: &str, tag: &Range<usize>) -> Placement {
    let line_start = body[..tag.start].rfind('\n').map_or(0, |i| i + 1);
    let line_end = body[tag.end..]
        .find('\n')
        .map_or(body.len(), |i| tag.end + i);
    let alone =
        body[line_start..tag.start].trim().is_empty() && body[tag.end..line_end].trim().is_empty();
    if alone {
        Placement::Block
    } else {
        Placement::Inline
    }
}

/// Where the text after `{% raw %}` resumes: after its `{% endraw %}`.
fn raw_end(body: &str, from: usize) -> usize {
    let mut search = from;
    while let Some(open) = body[search..].find("{%") {
        let at = search + open;
        let Some(close) = body[at..].find("%}") else {
            return body.len();
        };
        let words = body[at + 2..at + close].trim_matches('-').trim();
        if words == "endraw" {
            return at + close + 2;
        }
        search = at + 2;
    }
    body.len()
}

/// A site of `files` in a temporary folder, and what its pages' tags may
/// include (the include passes' tests).
#[cfg(test)]
pub(super) fn site_of(
    files: &[(&str, &str)],
) -> (tempfile::TempDir, crate::content::includes::Includes) {
    let dir = tempfile::tempdir().expect("temp");
    for (path, text) in files {
        let path = dir.path().join(path);
        std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        std::fs::write(path, text).expect("write");
    }
    let config = crate::config::Config::load(dir.path(), &Default::default()).expect("config");
    let (includes, _) = crate::content::includes::Includes::load(&config);
    (dir, includes)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::content::includes::Includes;
    use serde_json::Map;

    fn site(files: &[(&str, &str)]) -> (tempfile::TempDir, Includes) {
        let mut with_content = vec![("content/.keep", "")];
        with_content.extend_from_slice(files);
        site_of(&with_content)
    }

    const ERB: TemplateSyntax = TemplateSyntax {
        erb: true,
        liquid: false,
    };
    const LIQUID: TemplateSyntax = TemplateSyntax {
        erb: false,
        liquid: true,
    };

    #[test]
    fn a_partial_alone_on_its_line_becomes_blocks_that_map_to_the_tag() {
        let (_dir, includes) = site(&[(
            "content/includes/_notice.html.md.erb",
            "Work in progress, see [epic](https://example.com/e).\n{: .alert}\n",
        )]);
        let page = Map::new();
        let values = TemplateValues::for_page(&page, "", &includes, "team");
        let body = "Intro\n<%= partial(\"includes/_notice.html.md.erb\") %>\nMore\n";
        let expanded = expand(body, &values, ERB).expect("expanded");
        assert_eq!(
            expanded.text,
            "Intro\n\n\nWork in progress, see [epic](https://example.com/e).\n{: .alert}\n\n\nMore\n"
        );
        let inside = expanded.text.find("epic").expect("epic");
        assert_eq!(
            expanded.map.to_original(inside),
            body.find("<%=").expect("tag")
        );
        let more = expanded.text.find("More").expect("more");
        assert_eq!(
            expanded.map.to_original(more),
            body.find("More").expect("more")
        );
        assert!(expanded.notes.is_empty());
    }

    #[test]
    fn a_missing_partial_leaves_a_note_for_the_reader_and_a_warning() {
        let (_dir, includes) = site(&[]);
        let page = Map::new();
        let values = TemplateValues::for_page(&page, "", &includes, "");
        let body = "See <%= partial \"includes/<b>calc\" %> here.\n";
        let expanded = expand(body, &values, ERB).expect("expanded");
        assert!(expanded.text.contains("<span class=\"missing-content\""));
        assert!(expanded.text.contains("includes/&lt;b&gt;calc"));
        assert_eq!(expanded.notes.len(), 1);
        assert_eq!(expanded.notes[0].at, 4..body.find(" here").expect("end"));
    }

    #[test]
    fn liquid_includes_take_parameters_and_raw_blocks_stay() {
        let (_dir, includes) = site(&[(
            "_includes/note.html",
            "<aside>{{ include.content }} by {{ page.owner }}</aside>",
        )]);
        let page: Map<String, serde_json::Value> =
            serde_json::from_str(r#"{"owner": "Ada"}"#).expect("json");
        let values = TemplateValues::for_page(&page, "", &includes, "");
        let body = "{% raw %}{% include note.html %}{% endraw %}\n{% include note.html content=\"Read\" %}\n";
        let expanded = expand(body, &values, LIQUID).expect("expanded");
        assert!(expanded
            .text
            .starts_with("{% raw %}{% include note.html %}{% endraw %}\n"));
        assert!(
            expanded.text.contains("<aside>Read by Ada</aside>"),
            "{}",
            expanded.text
        );
    }

    #[test]
    fn pages_without_partials_are_left_alone() {
        let (_dir, includes) = site(&[]);
        let page = Map::new();
        let values = TemplateValues::for_page(&page, "", &includes, "");
        assert!(expand("<%= current_page.data.title %>\n", &values, ERB).is_none());
        assert!(expand("partial <% x %>", &values, ERB).is_none());
        assert!(expand("{% if include %}", &values, LIQUID).is_none());
        // A tag opener at the very end of the page.
        assert!(expand("include {%", &values, LIQUID).is_none());
        assert!(expand("partial <%=", &values, ERB).is_none());
    }
}
