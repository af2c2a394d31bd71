//! The read-only part of the template languages that handbooks written for
//! other generators use inside their pages:
//!
//! - ERB (Middleman): `<%= current_page.data.KEY %>`, `<%= data.x.y %>`,
//!   `<%= partial "name", locals: { … } %>` and the helpers of
//!   [`erb_helpers`] (`warning_text`, `image_tag`, `link_to`);
//! - Liquid and Nunjucks (Jekyll, Eleventy): `{{ page.KEY }}`, `{{ KEY }}` of
//!   the front matter or the global data, `{{ site.KEY }}` and
//!   `{{ site.data.x }}`, `{% include x %}` with its parameters,
//!   `{% include_relative x %}`.
//!
//! A partial's text is expanded here (its own tags too, a few levels deep)
//! and goes into the page as Markdown where the tag stood. Anything else (a
//! loop over data only the original generator computes, a filter chain) is
//! left out of the page with one warning, never shown as template syntax.

use std::sync::OnceLock;

use serde_json::{Map, Value};

pub(super) mod erb_helpers;

use crate::content::includes::{IncludeFrom, Includes};
use erb_helpers::HelperOutput;

/// How deep partials may include partials: real sites nest two or three;
/// a partial that includes itself stops here.
const MAX_INCLUDE_DEPTH: usize = 8;

/// How much text one partial may expand to, nested partials included: a
/// partial that includes itself twice would otherwise double at every level.
const MAX_PARTIAL_OUTPUT: usize = 4 * 1024 * 1024;

/// What a page's template expressions can read.
pub struct TemplateValues<'a> {
    /// The page's front matter.
    pub page: &'a Map<String, Value>,
    /// The page's title (front matter or first heading).
    pub title: &'a str,
    /// Site settings, global data and partials.
    pub includes: &'a Includes,
    /// The page's folder, relative to the content folder (`""` at its root).
    pub page_dir: &'a str,
    /// A partial's `locals` or an include's parameters, while expanding it.
    pub locals: &'a Map<String, Value>,
}

/// What an ERB or Liquid tag puts into the page.
#[derive(Debug, PartialEq)]
pub enum TagOutput {
    /// A value, in the line where the tag stood.
    Value(String),
    /// A partial's expanded text: Markdown blocks when the tag stands alone
    /// on its line.
    Partial(String),
    /// A partial that could not be found: the page says so where it stood.
    Missing(String),
    /// Nothing (a tag only the original generator can compute).
    Nothing,
}

fn empty_map() -> &'static Map<String, Value> {
    static EMPTY: OnceLock<Map<String, Value>> = OnceLock::new();
    EMPTY.get_or_init(Map::new)
}

impl<'a> TemplateValues<'a> {
    /// The values of a page, with no locals.
    pub fn for_page(
        page: &'a Map<String, Value>,
        title: &'a str,
        includes: &'a Includes,
        page_dir: &'a str,
    ) -> TemplateValues<'a> {
        TemplateValues {
            page,
            title,
            includes,
            page_dir,
            locals: empty_map(),
        }
    }

    /// The text of `{{ expression }}` or `<%= expression %>` when it names
    /// a value the page, its locals, the site or the data has (filters are
    /// not applied: an expression with one is unknown).
    pub fn lookup(&self, expression: &str) -> Option<String> {
        let expression = expression.trim();
        if expression.contains('|') || expression.contains('(') || expression.is_empty() {
            return None;
        }
        let path: Vec<&str> = ruby_path(expression);
        let (first, rest) = path.split_first()?;
        let value = match *first {
            "current_page" if rest.first() == Some(&"data") => self.page_value(&rest[1..]),
            "page" => self.page_value(rest),
            "include" | "locals" => walk(self.locals, rest),
            "site" => walk(self.includes.site(), rest),
            "data" if self.page.get("data").is_none() => walk(self.includes.data(), rest),
            _ => walk(self.locals, &path)
                .or_else(|| self.page_value(&path))
                .or_else(|| walk(self.includes.data(), &path)),
        };
        value
            .and_then(scalar_text)
            .or_else(|| self.lookup_title(expression))
    }

    fn page_value(&self, path: &[&str]) -> Option<&Value> {
        walk(self.page, path)
    }

    /// The title when an expression asks for it and the front matter has
    /// none (the page's first heading gave it).
    fn lookup_title(&self, expression: &str) -> Option<String> {
        let path = ruby_path(expression.trim());
        let asks_title = matches!(
            path.as_slice(),
            ["title"] | ["page", "title"] | ["current_page", "data", "title"]
        );
        (asks_title && !self.title.is_empty() && !self.page.contains_key("title"))
            .then(|| self.title.to_string())
    }

    /// What `<%= inner %>` writes (`inner` without `<%=` and `%>`).
    pub fn erb(&self, inner: &str, depth: usize, notes: &mut Vec<String>) -> TagOutput {
        let inner = inner.trim().trim_end_matches('-').trim();
        if let Some(call) = partial_call(inner) {
            return match self.includes.partial(&call.name, self.page_dir) {
                Some(text) => self.expand_partial(&text, &call.locals, depth, notes),
                None => TagOutput::Missing(call.name),
            };
        }
        match erb_helpers::run(inner) {
            Some(HelperOutput::Block(html)) => TagOutput::Partial(html),
            Some(HelperOutput::Inline(html)) => TagOutput::Value(html),
            None => self.value_output(inner),
        }
    }

    /// What `{% include name k="v" %}` writes (`tag` is the tag's words
    /// after `include`), for a site whose Liquid renders.
    pub fn liquid_include(
        &self,
        tag: &str,
        from: IncludeFrom,
        depth: usize,
        notes: &mut Vec<String>,
    ) -> TagOutput {
        let (name, parameters) = include_words(tag);
        let parameters: Map<String, Value> = parameters
            .into_iter()
            .map(|(key, value)| {
                let value = match value {
                    Argument::Text(text) => Value::String(text),
                    Argument::Name(name) => self.lookup(&name).map_or(Value::Null, Value::String),
                };
                (key, value)
            })
            .collect();
        match self.includes.include(&name, self.page_dir, from) {
            Some(text) => self.expand_partial(&text, &parameters, depth, notes),
            None => TagOutput::Missing(name),
        }
    }

    fn value_output(&self, expression: &str) -> TagOutput {
        match self.lookup(expression) {
            Some(value) => TagOutput::Value(value),
            None => TagOutput::Nothing,
        }
    }

    fn expand_partial(
        &self,
        text: &str,
        locals: &Map<String, Value>,
        depth: usize,
        notes: &mut Vec<String>,
    ) -> TagOutput {
        if depth >= MAX_INCLUDE_DEPTH {
            notes.push(format!(
                "partials nest more than {MAX_INCLUDE_DEPTH} deep; the innermost is left out"
            ));
            return TagOutput::Nothing;
        }
        let inner = TemplateValues { locals, ..*self };
        TagOutput::Partial(inner.expand(without_front_matter(text), depth + 1, notes))
    }

    /// A partial's text with its own tags done: values and nested partials
    /// in, everything else out.
    fn expand(&self, text: &str, depth: usize, notes: &mut Vec<String>) -> String {
        let mut out = String::with_capacity(text.len());
        let mut rest = text;
        while let Some(open) = next_tag(rest) {
            out.push_str(&rest[..open]);
            rest = &rest[open..];
            let (close, is_erb) = if rest.starts_with("<%") {
                ("%>", true)
            } else if rest.starts_with("{%") {
                ("%}", false)
            } else {
                ("}}", false)
            };
            let Some(end) = rest[2..].find(close).map(|i| i + 2 + close.len()) else {
                out.push_str(rest);
                return out;
            };
            let tag = &rest[..end];
            rest = &rest[end..];
            let output = if is_erb {
                match tag.strip_prefix("<%=") {
                    Some(inner) => self.erb(&inner[..inner.len() - 2], depth, notes),
                    None => TagOutput::Nothing,
                }
            } else if tag.starts_with("{{") {
                self.value_output(tag[2..tag.len() - 2].trim_matches('-'))
            } else {
                let words = tag[2..tag.len() - 2].trim_matches('-').trim();
                match words.split_once(char::is_whitespace) {
                    Some(("include", args)) => {
                        self.liquid_include(args, IncludeFrom::IncludeFolders, depth, notes)
                    }
                    Some(("include_relative", args)) => {
                        self.liquid_include(args, IncludeFrom::PageFolder, depth, notes)
                    }
                    _ => TagOutput::Nothing,
                }
            };
            if out.len() > MAX_PARTIAL_OUTPUT {
                notes.push(format!(
                    "partials expand to more than {} MB here; the rest is left out",
                    MAX_PARTIAL_OUTPUT / (1024 * 1024)
                ));
                return out;
            }
            match output {
                TagOutput::Value(text) | TagOutput::Partial(text) => out.push_str(&text),
                TagOutput::Missing(name) => {
                    notes.push(missing_message(&name));
                    out.push_str(&missing_html(&name, Placement::Inline));
                }
                TagOutput::Nothing => {}
            }
        }
        out.push_str(rest);
        out
    }
}

/// `a.b.c`, `a[:b]`, `a["b"]` and `a['b']` as `["a", "b", "c"]`.
fn ruby_path(expression: &str) -> Vec<&str> {
    expression
        .split(['.', '[', ']'])
        .map(|part| {
            part.trim()
                .trim_start_matches(':')
                .trim_matches(['"', '\''])
        })
        .filter(|part| !part.is_empty())
        .collect()
}

fn walk<'v>(map: &'v Map<String, Value>, path: &[&str]) -> Option<&'v Value> {
    let (first, rest) = path.split_first()?;
    let mut value = map.get(*first)?;
    for key in rest {
        value = match value {
            Value::Object(map) => map.get(*key)?,
            Value::Array(items) => items.get(key.parse::<usize>().ok()?)?,
            _ => return None,
        };
    }
    Some(value)
}

fn scalar_text(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// Where the next ERB or Liquid tag starts.
fn next_tag(text: &str) -> Option<usize> {
    ["<%", "{%", "{{"]
        .iter()
        .filter_map(|open| text.find(open))
        .min()
}

fn without_front_matter(text: &str) -> &str {
    let Some(rest) = text.strip_prefix("---\n") else {
        return text;
    };
    match rest.find("\n---\n") {
        Some(end) => &rest[end + 5..],
        None => text,
    }
}

/// `partial "name"`, `partial('name')`, `partial "name", locals: { k: 'v' }`.
struct PartialCall {
    name: String,
    locals: Map<String, Value>,
}

fn partial_call(inner: &str) -> Option<PartialCall> {
    let rest = inner.strip_prefix("partial")?;
    let rest = rest.trim_start().trim_start_matches('(').trim_start();
    let quote = rest.chars().next().filter(|c| *c == '"' || *c == '\'')?;
    let after_quote = &rest[1..];
    let end = after_quote.find(quote)?;
    let name = after_quote[..end].to_string();
    let locals = ruby_hash(&after_quote[end + 1..]);
    Some(PartialCall { name, locals })
}

/// The string and number values of a Ruby hash literal (`locals: { text:
/// 'a', :n => 2 }`); anything else in it is skipped.
fn ruby_hash(text: &str) -> Map<String, Value> {
    let mut locals = Map::new();
    let Some(open) = text.find('{') else {
        return locals;
    };
    let body = &text[open + 1..];
    let mut rest = body;
    while !rest.is_empty() {
        rest = rest.trim_start_matches(|c: char| c == ',' || c.is_whitespace());
        let key_text = rest.trim_start_matches(':');
        let key_len = key_text
            .find(|c: char| !(c.is_alphanumeric() || c == '_'))
            .unwrap_or(key_text.len());
        if key_len == 0 {
            break;
        }
        let key = &key_text[..key_len];
        let after_key = key_text[key_len..].trim_start();
        let Some(value_text) = after_key
            .strip_prefix("=>")
            .or_else(|| after_key.strip_prefix(':'))
            .map(str::trim_start)
        else {
            break;
        };
        let (value, consumed) = ruby_scalar(value_text);
        if let Some(value) = value {
            locals.insert(key.to_string(), value);
        }
        rest = &value_text[consumed..];
    }
    locals
}

/// A quoted string or a number at the start of `text`, and how many bytes
/// the value (whatever it is) covers up to the next `,` or `}`.
fn ruby_scalar(text: &str) -> (Option<Value>, usize) {
    if let Some(quote) = text.chars().next().filter(|c| *c == '"' || *c == '\'') {
        if let Some(end) = text[1..].find(quote) {
            return (Some(Value::String(text[1..1 + end].to_string())), end + 2);
        }
        return (None, text.len());
    }
    // Skip an array or nested hash whole.
    let mut depth = 0usize;
    for (i, c) in text.char_indices() {
        match c {
            '[' | '{' => depth += 1,
            ']' | '}' if depth > 0 => depth -= 1,
            ',' | '}' if depth == 0 => {
                let word = text[..i].trim();
                let value = word.parse::<i64>().ok().map(Value::from);
                return (value, i);
            }
            _ => {}
        }
    }
    (None, text.len())
}

/// An include's argument value.
enum Argument {
    Text(String),
    Name(String),
}

/// `name k="v" k2=var` (Jekyll) or `"name.njk"` (Nunjucks).
fn include_words(tag: &str) -> (String, Vec<(String, Argument)>) {
    let tag = tag.trim();
    let (name, mut rest) = match tag.chars().next() {
        Some(quote @ ('"' | '\'')) => match tag[1..].find(quote) {
            Some(end) => (tag[1..1 + end].to_string(), &tag[end + 2..]),
            None => (tag[1..].to_string(), ""),
        },
        _ => match tag.split_once(char::is_whitespace) {
            Some((name, rest)) => (name.to_string(), rest),
            None => (tag.to_string(), ""),
        },
    };
    let mut parameters = Vec::new();
    while let Some((key, after)) = rest.split_once('=') {
        let key = key.trim().to_string();
        let after = after.trim_start();
        let (value, next) = match after.chars().next() {
            Some(quote @ ('"' | '\'')) => match after[1..].find(quote) {
                Some(end) => (
                    Argument::Text(after[1..1 + end].to_string()),
                    &after[end + 2..],
                ),
                None => break,
            },
            _ => {
                let end = after.find(char::is_whitespace).unwrap_or(after.len());
                (Argument::Name(after[..end].to_string()), &after[end..])
            }
        };
        parameters.push((key, value));
        rest = next;
    }
    (name, parameters)
}

/// Where a missing partial's note stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Placement {
    /// Alone on its line: a block of its own.
    Block,
    /// Inside a line of text.
    Inline,
}

/// The warning for a partial that was not found.
pub fn missing_message(name: &str) -> String {
    format!("partial `{name}` was not found; the page shows a note where its content belongs")
}

/// The note a reader sees where a partial's content is missing.
pub fn missing_html(name: &str, placement: Placement) -> String {
    let name = crate::escape::html(name);
    match placement {
        Placement::Block => format!(
            "\n\n<div class=\"missing-content\" role=\"note\">Content missing here: \
             the partial <code>{name}</code> was not found when this page was built.</div>\n\n"
        ),
        Placement::Inline => format!(
            "<span class=\"missing-content\" role=\"note\">(content missing: <code>{name}</code>)</span>"
        ),
    }
}

/// Block tags whose body only the original generator can render: the body
/// is left out up to the matching end tag.
pub fn skipped_block(tag: &str) -> Option<&'static str> {
    match tag {
        "for" => Some("endfor"),
        "tablerow" => Some("endtablerow"),
        "macro" => Some("endmacro"),
        "call" => Some("endcall"),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn map(json: &str) -> Map<String, Value> {
        serde_json::from_str(json).expect("json")
    }

    #[test]
    fn page_and_site_values() {
        let page =
            map(r#"{"owner": "Sales", "weight": 3, "tags": ["a"], "team": {"lead": "Ada"}}"#);
        let includes = Includes::none();
        let values = TemplateValues::for_page(&page, "Forecasting", &includes, "");
        assert_eq!(values.lookup(" page.owner ").as_deref(), Some("Sales"));
        assert_eq!(values.lookup("owner").as_deref(), Some("Sales"));
        assert_eq!(values.lookup("weight").as_deref(), Some("3"));
        assert_eq!(values.lookup("page.team.lead").as_deref(), Some("Ada"));
        assert_eq!(values.lookup("tags.0").as_deref(), Some("a"));
        assert_eq!(
            values.lookup("current_page.data.owner").as_deref(),
            Some("Sales")
        );
        assert_eq!(
            values.lookup("current_page.data[:owner]").as_deref(),
            Some("Sales")
        );
        assert_eq!(values.lookup("tags"), None);
        assert_eq!(values.lookup("item.data.title | lower"), None);
        assert_eq!(values.lookup("siteRoot"), None);
        let mut notes = Vec::new();
        assert_eq!(
            values.erb(" current_page.data.title ", 0, &mut notes),
            TagOutput::Value("Forecasting".into())
        );
        assert_eq!(
            values.erb("link_to 'x', '/y'", 0, &mut notes),
            TagOutput::Value("<a href=\"/y\">x</a>".into())
        );
        assert_eq!(
            values.erb("link_to page.title, page.url", 0, &mut notes),
            TagOutput::Nothing
        );
    }

    #[test]
    fn partial_calls_and_their_locals() {
        let call = partial_call(
            r#"partial "includes/blog/tweet", locals: { text: 'Ship it', author: "Ada", n: 2, list: ["a", "b"] }"#,
        )
        .expect("call");
        assert_eq!(call.name, "includes/blog/tweet");
        assert_eq!(call.locals["text"], "Ship it");
        assert_eq!(call.locals["author"], "Ada");
        assert_eq!(call.locals["n"], 2);
        assert!(!call.locals.contains_key("list"));
        let call = partial_call(r#"partial("a/_b.html.md.erb")"#).expect("call");
        assert_eq!(call.name, "a/_b.html.md.erb");
        let call = partial_call(r#"partial "../skus_table", :locals => { :include_stages=>1 }"#)
            .expect("call");
        assert_eq!(call.locals["include_stages"], 1);
        assert!(partial_call("partials_count").is_none());
    }

    #[test]
    fn include_parameters() {
        let (name, parameters) = include_words(r#"note.html content="Read this" level=page.level"#);
        assert_eq!(name, "note.html");
        assert_eq!(parameters.len(), 2);
        assert!(matches!(&parameters[0].1, Argument::Text(t) if t == "Read this"));
        assert!(matches!(&parameters[1].1, Argument::Name(n) if n == "page.level"));
        let (name, parameters) = include_words(r#""partials/card.njk""#);
        assert_eq!(name, "partials/card.njk");
        assert!(parameters.is_empty());
    }

    #[test]
    fn a_partial_that_includes_itself_stops() {
        let dir = tempfile::tempdir().expect("temp");
        std::fs::create_dir_all(dir.path().join("content")).expect("mkdir");
        std::fs::write(
            dir.path().join("content/_loop.md"),
            "again <%= partial \"loop\" %> <%= text %>",
        )
        .expect("write");
        let config = crate::config::Config::load(dir.path(), &Default::default()).expect("config");
        let (includes, _) = Includes::load(&config);
        let page = Map::new();
        let values = TemplateValues::for_page(&page, "", &includes, "");
        let mut notes = Vec::new();
        let TagOutput::Partial(text) =
            values.erb(r#"partial "loop", locals: { text: 'x' }"#, 0, &mut notes)
        else {
            panic!("expected a partial");
        };
        assert_eq!(text.matches("again").count(), MAX_INCLUDE_DEPTH);
        assert!(text.ends_with(" x"), "{text}");
        assert_eq!(notes.len(), 1, "{notes:?}");
    }
}
