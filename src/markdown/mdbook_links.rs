//! mdBook's `{{#include}}` family, put into a chapter before anything else
//! reads it, as mdBook's `links` preprocessor does before its renderer:
//!
//! - `{{#include file}}`, with `file:3`, `file:3:`, `file::10`, `file:3:10`
//!   (lines, counted from 1) or `file:name` (the lines between
//!   `ANCHOR: name` and `ANCHOR_END: name`, other anchor lines left out);
//! - `{{#rustdoc_include file:...}}`: the same lines. mdBook also puts the
//!   rest of the file in, as hidden `# ` lines for rustdoc; readers see the
//!   lines named, and so does a `handbook` page;
//! - `{{#playground file attrs}}`: the file as a `rust,attrs` code block;
//! - `{{#title text}}`: taken out (mdBook shows it in the browser's title
//!   bar only);
//! - `\{{#include file}}`: the tag as text, without the backslash.
//!
//! The file is read relative to the chapter's folder, and an included
//! file's own tags relative to its folder, ten levels deep. Each line after
//! the first takes the text that stood before the tag on its line, so an
//! include inside a list item or a quote stays in it. Paths are read under
//! the publishing rule: never outside the book's folder. A file that is not
//! found leaves the page's note where its content belongs.

use std::sync::OnceLock;

use regex::{Captures, Regex};

use super::partials::{replace_tags, Expanded, MissingFile};
use super::templates::TemplateValues;
use crate::content::includes::IncludeFrom;

/// How deep included files may include others (mdBook's limit).
const MAX_DEPTH: usize = 10;

const MISSING_HELP: &str =
    "the path is read from the chapter's folder, as mdBook reads it; fix the path or remove the tag";

/// mdBook's own pattern: an escaped tag, or `{{#kind rest}}`.
fn tag_pattern() -> &'static Regex {
    static PATTERN: OnceLock<Regex> = OnceLock::new();
    PATTERN.get_or_init(|| {
        Regex::new(r"\\\{\{#.*\}\}|\{\{\s*#([a-zA-Z0-9_]+)\s+([^}]+)\}\}")
            .expect("the tag pattern is valid")
    })
}

/// The body with every mdBook tag replaced by what it names, or `None` when
/// it has none.
pub fn expand(body: &str, values: &TemplateValues) -> Option<Expanded> {
    memchr::memmem::find(body.as_bytes(), b"{{")?;
    replace_tags(body, tag_pattern(), |captures| {
        let at = captures.get(0)?.start();
        match replacement(captures, values.page_dir, values, 0) {
            Replacement::Text(text) => Some(Ok(with_prefix(&text, line_prefix(body, at)))),
            Replacement::Missing(name) => Some(Err(MissingFile {
                name,
                help: MISSING_HELP,
            })),
            Replacement::Unknown => None,
        }
    })
}

/// What one tag stands for.
enum Replacement {
    Text(String),
    /// The file the tag names (as written) could not be read.
    Missing(String),
    /// Not one of mdBook's tags: left as written.
    Unknown,
}

/// The text of one tag found in a file of folder `dir` (relative to the
/// content folder), its own tags done, `depth` levels down.
fn replacement(
    captures: &Captures,
    dir: &str,
    values: &TemplateValues,
    depth: usize,
) -> Replacement {
    let (Some(kind), Some(rest)) = (captures.get(1), captures.get(2)) else {
        // The escaped form: the tag as text.
        let whole = captures.get(0).map_or("", |m| m.as_str());
        return Replacement::Text(whole.get(1..).unwrap_or_default().to_string());
    };
    let rest = rest.as_str();
    let mut words = rest.split_whitespace();
    let Some(target) = words.next() else {
        return Replacement::Unknown;
    };
    let (path, lines) = match kind.as_str() {
        "title" => return Replacement::Text(String::new()),
        "include" | "rustdoc_include" => target.split_once(':').unwrap_or((target, "")),
        "playground" | "playpen" => (target, ""),
        _ => return Replacement::Unknown,
    };
    let Some(text) = values.includes.include(path, dir, IncludeFrom::PageFolder) else {
        return Replacement::Missing(path.to_string());
    };
    let taken = match kind.as_str() {
        "playground" | "playpen" => {
            let attributes: Vec<&str> = words.collect();
            let separator = if attributes.is_empty() { "" } else { "," };
            let newline = if text.ends_with('\n') { "" } else { "\n" };
            format!(
                "```rust{separator}{}\n{text}{newline}```\n",
                attributes.join(",")
            )
        }
        _ => take(&text, lines),
    };
    let folder = included_folder(dir, path);
    Replacement::Text(expand_nested(&taken, &folder, values, depth + 1))
}

/// Tags inside an included file, read from that file's folder.
fn expand_nested(text: &str, dir: &str, values: &TemplateValues, depth: usize) -> String {
    if depth >= MAX_DEPTH || !text.contains("{{") {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len());
    let mut copied = 0;
    for captures in tag_pattern().captures_iter(text) {
        let Some(whole) = captures.get(0) else {
            continue;
        };
        let replaced = match replacement(&captures, dir, values, depth) {
            Replacement::Text(replaced) => replaced,
            Replacement::Missing(_) | Replacement::Unknown => continue,
        };
        out.push_str(&text[copied..whole.start()]);
        let prefix = line_prefix(&out, out.len());
        out.push_str(&with_prefix(&replaced, prefix));
        copied = whole.end();
    }
    out.push_str(&text[copied..]);
    out
}

/// The folder of `path` read from `dir`, relative to the content folder.
fn included_folder(dir: &str, path: &str) -> String {
    let joined = if dir.is_empty() {
        path.to_string()
    } else {
        format!("{dir}/{path}")
    };
    joined
        .rsplit_once('/')
        .map_or(String::new(), |(folder, _)| folder.to_string())
}

/// The lines a tag's `:...` part names, joined without a final newline as
/// mdBook joins them.
fn take(text: &str, lines: &str) -> String {
    let mut parts = lines.splitn(2, ':');
    let first = parts.next().unwrap_or("");
    let start = match first.parse::<usize>() {
        Ok(line) => Some(line.saturating_sub(1)),
        Err(_) if first.is_empty() => None,
        Err(_) => return anchored(text, first),
    };
    let end = parts.next().map(str::parse::<usize>);
    let (skip, count) = match (start, end) {
        (Some(start), Some(Ok(end))) => (start, Some(end.saturating_sub(start))),
        (Some(start), Some(Err(_))) => (start, None),
        (Some(start), None) => (start, Some(1)),
        (None, Some(Ok(end))) => (0, Some(end)),
        (None, None | Some(Err(_))) => (0, None),
    };
    let taken = text.lines().skip(skip);
    match count {
        Some(count) => taken.take(count).collect::<Vec<_>>().join("\n"),
        None => taken.collect::<Vec<_>>().join("\n"),
    }
}

/// The lines between `ANCHOR: name` and `ANCHOR_END: name`, without the
/// lines of other anchors.
fn anchored(text: &str, name: &str) -> String {
    let mut kept = Vec::new();
    let mut inside = false;
    for line in text.lines() {
        if inside {
            match anchor_name(line, "ANCHOR_END:") {
                Some(end) if end == name => break,
                Some(_) => {}
                None if anchor_name(line, "ANCHOR:").is_none() => kept.push(line),
                None => {}
            }
        } else if anchor_name(line, "ANCHOR:") == Some(name) {
            inside = true;
        }
    }
    kept.join("\n")
}

/// The name after `marker` on a line (`// ANCHOR: setup` is `setup`), as
/// mdBook's `ANCHOR:\s*([\w_-]+)` reads it.
fn anchor_name<'l>(line: &'l str, marker: &str) -> Option<&'l str> {
    let mut search = 0;
    while let Some(found) = line[search..].find(marker) {
        let after = &line[search + found + marker.len()..];
        let name = after.trim_start();
        let end = name
            .find(|c: char| !(c.is_alphanumeric() || c == '_' || c == '-'))
            .unwrap_or(name.len());
        if end > 0 {
            return Some(&name[..end]);
        }
        search += found + marker.len();
    }
    None
}

/// The text before `at` on its line.
fn line_prefix(text: &str, at: usize) -> &str {
    let start = text[..at].rfind('\n').map_or(0, |i| i + 1);
    &text[start..at]
}

/// Each line after the first begins with `prefix`, as mdBook writes an
/// include that stands after a list marker or a quote.
fn with_prefix(text: &str, prefix: &str) -> String {
    text.lines()
        .collect::<Vec<_>>()
        .join(&format!("\n{prefix}"))
}

#[cfg(test)]
mod tests;
