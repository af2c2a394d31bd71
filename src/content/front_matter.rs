//! Splits a page into front matter and body, and parses the front matter.
//!
//! YAML is read through `crate::yaml`, the one module that names `serde_yaml`
//! (deprecated upstream), so it can be swapped for another YAML parser in one
//! place. Everything it hands on is `serde_json::Value`, which the templates
//! consume anyway.

use std::ops::Range;

use serde_json::{Map, Value};

use crate::diagnostics::Diagnostic;

/// The raw split of a source file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Split {
    pub format: Format,
    /// Byte range of the front matter text (between the fences).
    pub front: Range<usize>,
    /// Byte offset where the Markdown body starts.
    pub body_start: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    None,
    Yaml,
    Toml,
}

#[derive(Debug, thiserror::Error)]
pub enum FrontMatterError {
    #[error("front matter starts with `{fence}` on line 1 but is never closed")]
    Unclosed {
        fence: &'static str,
        span: Range<usize>,
    },
    #[error("invalid YAML in front matter: {message}")]
    Yaml { message: String, span: Range<usize> },
    #[error("invalid TOML in front matter: {message}")]
    Toml { message: String, span: Range<usize> },
    #[error("front matter must be a mapping of keys to values, found {found}")]
    NotAMapping {
        found: &'static str,
        span: Range<usize>,
    },
}

impl FrontMatterError {
    pub fn span(&self) -> Range<usize> {
        match self {
            FrontMatterError::Unclosed { span, .. }
            | FrontMatterError::Yaml { span, .. }
            | FrontMatterError::Toml { span, .. }
            | FrontMatterError::NotAMapping { span, .. } => span.clone(),
        }
    }
}

/// Finds the front matter fences. A file that does not start with `---` or `+++`
/// has no front matter.
pub fn split(text: &str) -> Result<Split, FrontMatterError> {
    let (format, fence) = match first_line(text) {
        "---" => (Format::Yaml, "---"),
        "+++" => (Format::Toml, "+++"),
        _ => {
            return Ok(Split {
                format: Format::None,
                front: 0..0,
                body_start: 0,
            })
        }
    };
    let front_start = line_end(text, 0);
    let mut pos = front_start;
    while pos < text.len() {
        let next = line_end(text, pos);
        let line = text[pos..next].trim_end();
        // YAML also allows `...` to end a document.
        if line == fence || (format == Format::Yaml && line == "...") {
            return Ok(Split {
                format,
                front: front_start..pos,
                body_start: next,
            });
        }
        pos = next;
    }
    Err(FrontMatterError::Unclosed {
        fence,
        span: 0..fence.len(),
    })
}

fn first_line(text: &str) -> &str {
    text[..line_end(text, 0)].trim_end()
}

/// Offset just past the line that starts at `from` (past its `\n`).
fn line_end(text: &str, from: usize) -> usize {
    memchr::memchr(b'\n', &text.as_bytes()[from..]).map_or(text.len(), |i| from + i + 1)
}

/// The parsed front matter as a JSON map, with warnings (duplicate keys).
#[derive(Debug)]
pub struct Parsed {
    pub map: Map<String, Value>,
    pub warnings: Vec<(String, Range<usize>)>,
}

/// Parses the front matter text `text[split.front]`. Spans in errors and warnings
/// are offsets into `text`.
pub fn parse(text: &str, split: &Split) -> Result<Parsed, FrontMatterError> {
    let front = &text[split.front.clone()];
    let base = split.front.start;
    match split.format {
        Format::None => Ok(Parsed {
            map: Map::new(),
            warnings: Vec::new(),
        }),
        Format::Toml => {
            let table: toml::Table = toml::from_str(front).map_err(|e| FrontMatterError::Toml {
                message: e.message().to_string(),
                span: e
                    .span()
                    .map_or(base..base, |s| base + s.start..base + s.end),
            })?;
            let value = serde_json::to_value(table).unwrap_or(Value::Null);
            match value {
                Value::Object(map) => Ok(Parsed {
                    map,
                    warnings: Vec::new(),
                }),
                _ => Ok(Parsed {
                    map: Map::new(),
                    warnings: Vec::new(),
                }),
            }
        }
        Format::Yaml => parse_yaml(front, base),
    }
}

fn parse_yaml(front: &str, base: usize) -> Result<Parsed, FrontMatterError> {
    if let Some(at) = crate::yaml::too_deep_flow(front) {
        return Err(FrontMatterError::Yaml {
            message: format!(
                "lists or mappings nested more than {} deep",
                crate::yaml::MAX_FLOW_DEPTH
            ),
            span: base + at..base + at + 1,
        });
    }
    if front.trim().is_empty() {
        return Ok(Parsed {
            map: Map::new(),
            warnings: Vec::new(),
        });
    }
    // serde_yaml rejects duplicate keys; real handbooks have them, and the last
    // one is what Middleman and Jekyll used. Drop the earlier entries, warn.
    let duplicates = duplicate_top_level_keys(front);
    let mut warnings = Vec::new();
    let deduped;
    let source = if duplicates.is_empty() {
        front
    } else {
        let mut out = String::with_capacity(front.len());
        let mut last = 0;
        for (key, entry) in &duplicates {
            warnings.push((
                format!("duplicate front matter key `{key}`; the last one wins"),
                base + entry.start..base + entry.start + key.len(),
            ));
            out.push_str(&front[last..entry.start]);
            // Keep the line breaks so YAML error positions stay true.
            out.extend((0..yaml_line_breaks(&front[entry.clone()])).map(|_| "\n"));
            last = entry.end;
        }
        out.push_str(&front[last..]);
        deduped = out;
        &deduped
    };
    let value = crate::yaml::to_json(source).map_err(|e| {
        let span = e
            .location
            .map(|(line, column)| {
                let at = error_offset(front, offset_of(front, line, column));
                base + at..base + at
            })
            .unwrap_or(base..base);
        FrontMatterError::Yaml {
            message: e.message,
            span,
        }
    })?;
    match value {
        Value::Object(map) => Ok(Parsed { map, warnings }),
        Value::Null => Ok(Parsed {
            map: Map::new(),
            warnings,
        }),
        other => Err(FrontMatterError::NotAMapping {
            found: json_kind(&other),
            span: base..base + front.trim_end().len(),
        }),
    }
}

/// The parser reports an unclosed `[` or `{` where the text ends (the closing
/// fence); the last line with content is where the author must look.
fn error_offset(front: &str, at: usize) -> usize {
    let content_end = front.trim_end().len();
    if at < content_end {
        return at;
    }
    let line_start = front[..content_end].rfind('\n').map_or(0, |i| i + 1);
    let indent =
        front[line_start..content_end].len() - front[line_start..content_end].trim_start().len();
    line_start + indent
}

/// 1-based line and column, as the YAML parser counts them, to a byte offset
/// in `text`. libyaml ends a line at CR LF, CR, LF, NEL, LS and PS, and counts
/// columns in characters.
fn offset_of(text: &str, line: usize, column: usize) -> usize {
    let mut offset = 0;
    for _ in 1..line {
        match next_yaml_break(text, offset) {
            Some((_, next)) => offset = next,
            None => return text.len(),
        }
    }
    let end = next_yaml_break(text, offset).map_or(text.len(), |(at, _)| at);
    let line_text = &text[offset..end];
    offset
        + line_text
            .char_indices()
            .nth(column.saturating_sub(1))
            .map_or(line_text.len(), |(i, _)| i)
}

fn yaml_line_breaks(text: &str) -> usize {
    let mut count = 0;
    let mut pos = 0;
    while let Some((_, next)) = next_yaml_break(text, pos) {
        count += 1;
        pos = next;
    }
    count
}

fn is_yaml_break(c: char) -> bool {
    matches!(c, '\n' | '\r' | '\u{85}' | '\u{2028}' | '\u{2029}')
}

/// The first line break at or after `from`: where it starts, where the next
/// line starts.
fn next_yaml_break(text: &str, from: usize) -> Option<(usize, usize)> {
    let (at, c) = text[from..]
        .char_indices()
        .find(|&(_, c)| is_yaml_break(c))?;
    let at = from + at;
    let len = if text[at..].starts_with("\r\n") {
        2
    } else {
        c.len_utf8()
    };
    Some((at, at + len))
}

/// Top-level keys that appear more than once: each earlier entry's key and byte
/// range (from its line to the next top-level line).
fn duplicate_top_level_keys(front: &str) -> Vec<(String, Range<usize>)> {
    let mut entries: Vec<(String, usize)> = Vec::new();
    let mut pos = 0;
    while pos < front.len() {
        let next = line_end(front, pos);
        let line = &front[pos..next];
        let starts_entry = line
            .chars()
            .next()
            .is_some_and(|c| !c.is_whitespace() && c != '#' && c != '-');
        if starts_entry {
            if let Some(key) = top_level_key(line) {
                entries.push((key.to_string(), pos));
            } else {
                entries.push((String::new(), pos));
            }
        }
        pos = next;
    }
    let mut duplicates = Vec::new();
    for (i, (key, start)) in entries.iter().enumerate() {
        if key.is_empty() {
            continue;
        }
        if entries[i + 1..].iter().any(|(k, _)| k == key) {
            let end = entries.get(i + 1).map_or(front.len(), |(_, s)| *s);
            duplicates.push((key.clone(), *start..end));
        }
    }
    duplicates
}

fn top_level_key(line: &str) -> Option<&str> {
    let colon = line.find(':')?;
    let after = &line[colon + 1..];
    if !(after.is_empty() || after.starts_with([' ', '\t', '\n', '\r'])) {
        return None;
    }
    let key = line[..colon].trim();
    let key = key.trim_matches(|c| c == '"' || c == '\'');
    (!key.is_empty()).then_some(key)
}

pub fn json_kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "nothing",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "a mapping",
    }
}

/// Byte range of `key:` on a top-level line of the front matter, for pointing
/// diagnostics at a field. Falls back to the front matter's start.
pub fn key_span(text: &str, front: &Range<usize>, key: &str) -> Range<usize> {
    let mut pos = front.start;
    while pos < front.end {
        let next = line_end(text, pos).min(front.end);
        let line = &text[pos..next];
        if top_level_key(line) == Some(key) && !line.starts_with([' ', '\t']) {
            let start = pos + line.find(key).unwrap_or(0);
            return start..start + key.len();
        }
        pos = next;
    }
    front.start..front.start
}

/// Converts a front matter error into a diagnostic for `file`.
pub fn error_diagnostic(file: &str, text: &str, error: &FrontMatterError) -> Diagnostic {
    let help = match error {
        FrontMatterError::Unclosed { fence, .. } => Some(format!(
            "add a line with `{fence}` after the last front matter line"
        )),
        FrontMatterError::Yaml { message, .. } if message.contains("mapping values") => Some(
            "a value that contains `: ` must be quoted, e.g. title: \"Q&A: how we work\"".into(),
        ),
        _ => None,
    };
    let d = Diagnostic::error("front-matter", error.to_string())
        .in_file(file)
        .at(text, error.span());
    match help {
        Some(help) => d.with_help(help),
        None => d,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_text(text: &str) -> Result<Parsed, FrontMatterError> {
        parse(text, &split(text)?)
    }

    #[test]
    fn splits_yaml_and_body() {
        let text = "---\ntitle: A\n---\n# Body\n";
        let s = split(text).unwrap();
        assert_eq!(s.format, Format::Yaml);
        assert_eq!(&text[s.front.clone()], "title: A\n");
        assert_eq!(&text[s.body_start..], "# Body\n");
    }

    #[test]
    fn crlf_and_trailing_spaces_on_fences() {
        let text = "--- \r\ntitle: A\r\n---\r\nbody";
        let s = split(text).unwrap();
        assert_eq!(&text[s.body_start..], "body");
        let p = parse(text, &s).unwrap();
        assert_eq!(p.map["title"], "A");
    }

    #[test]
    fn no_front_matter() {
        let s = split("# Hello\n---\n").unwrap();
        assert_eq!(s.format, Format::None);
        assert_eq!(s.body_start, 0);
    }

    #[test]
    fn unclosed_front_matter_is_an_error() {
        assert!(matches!(
            split("---\ntitle: x\n# body\n"),
            Err(FrontMatterError::Unclosed { .. })
        ));
    }

    #[test]
    fn yaml_error_points_at_the_line() {
        let text = "---\ntitle: ok\nbad: [1, 2\n---\n";
        let err = parse_text(text).unwrap_err();
        let span = err.span();
        let line = text[..span.start].matches('\n').count() + 1;
        assert!(line >= 3, "line {line}: {err}");
        assert!(err.to_string().starts_with("invalid YAML"), "{err}");
    }

    #[test]
    fn yaml_error_positions_count_lone_carriage_returns_as_line_breaks() {
        // libyaml ends a line at a lone CR: its line 3 is `* l` (an alias
        // without a name), not the blank line that is the third line by LF.
        let text = "---\nSe\r#ri\n* l\n\n:\n---\n";
        let err = parse_text(text).unwrap_err();
        assert_eq!(err.span().start, text.find("* l").unwrap() + 1, "{err}");
        // Also after a duplicate key is dropped.
        let text = "---\na: 1\rb: 2\na: 3\n\n:\n---\n";
        let err = parse_text(text).unwrap_err();
        assert_eq!(err.span().start, text.find("\n:").unwrap() + 1, "{err}");
    }

    #[test]
    fn duplicate_keys_warn_and_last_wins() {
        let text = "---\ntitle: First\ndescription: d\ntitle: Second\n---\n";
        let p = parse_text(text).unwrap();
        assert_eq!(p.map["title"], "Second");
        assert_eq!(p.warnings.len(), 1);
        assert_eq!(&text[p.warnings[0].1.clone()], "title");
    }

    #[test]
    fn toml_front_matter() {
        let p = parse_text("+++\ntitle = \"T\"\nweight = 3\n+++\nbody").unwrap();
        assert_eq!(p.map["title"], "T");
        assert_eq!(p.map["weight"], 3);
    }

    #[test]
    fn scalar_front_matter_is_not_a_mapping() {
        assert!(matches!(
            parse_text("---\njust text\n---\n"),
            Err(FrontMatterError::NotAMapping { .. })
        ));
    }

    #[test]
    fn key_span_finds_top_level_keys() {
        let text = "---\nlayout: x\nweight: \"x\"\n---\n";
        let s = split(text).unwrap();
        assert_eq!(&text[key_span(text, &s.front, "weight")], "weight");
    }
}
