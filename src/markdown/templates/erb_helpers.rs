//! The view helpers Middleman and GOV.UK tech-docs pages call in ERB tags,
//! written as those helpers write them when every argument is a literal:
//! `warning_text('…')` (tech-docs), `image_tag "x.png", alt: "…"` and
//! `link_to 'text', '/page.html'` (Middleman). A call with any other
//! argument (a variable, `"#{interpolation}"`, a block) is not run: the tag
//! is left out with the ERB warning, as before.

use serde_json::Map;
use serde_json::Value;

use crate::escape::html as escape;

/// The helpers written here; an ERB tag that calls one of them (or
/// `partial`) is put in with the partials, before the page is read.
pub const HELPERS: &[&str] = &["warning_text", "image_tag", "link_to"];

/// Middleman's `images_dir`: `image_tag "x.png"` is `/images/x.png`.
const IMAGES_DIR: &str = "/images";

/// What a helper call writes.
#[derive(Debug, PartialEq)]
pub enum HelperOutput {
    /// Blocks of their own (`warning_text`).
    Block(String),
    /// Inline HTML (`image_tag`, `link_to`).
    Inline(String),
}

/// The name of the helper `inner` (an ERB tag's code) calls, when it calls
/// one of [`HELPERS`] or `partial`.
pub fn called_helper(inner: &str) -> Option<&'static str> {
    let inner = inner.trim_start();
    let name_end = inner
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .unwrap_or(inner.len());
    let name = &inner[..name_end];
    let after = inner[name_end..].chars().next();
    let is_call = matches!(after, None | Some(' ' | '\t' | '\n' | '\r' | '('));
    if !is_call {
        return None;
    }
    std::iter::once("partial")
        .chain(HELPERS.iter().copied())
        .find(|h| *h == name)
}

/// What `inner` writes when it calls a helper with literal arguments only.
pub fn run(inner: &str) -> Option<HelperOutput> {
    let inner = inner.trim();
    let name = called_helper(inner)?;
    let arguments = Arguments::parse(&inner[name.len()..])?;
    match (name, arguments.positional.as_slice()) {
        ("warning_text", [text]) if arguments.options.is_empty() => {
            Some(HelperOutput::Block(warning_text(text)))
        }
        ("image_tag", [source]) => {
            Some(HelperOutput::Inline(image_tag(source, &arguments.options)))
        }
        ("link_to", [text, url]) => {
            Some(HelperOutput::Inline(link_to(text, url, &arguments.options)))
        }
        _ => None,
    }
}

/// tech-docs' `warning_text`: the GOV.UK warning text, shown as the
/// theme's warning callout. The text is HTML, as tech-docs writes it; a
/// blank line in it would end the HTML block early, so lines are joined.
fn warning_text(text: &str) -> String {
    let text: Vec<&str> = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect();
    format!(
        "<div class=\"alert alert-warning callout callout-warning govuk-warning-text\" role=\"note\">\n\
         <p class=\"alert-title\"><span class=\"govuk-warning-text__icon\" aria-hidden=\"true\">!</span> Warning</p>\n\
         <p class=\"govuk-warning-text__text\">{}</p>\n\
         </div>",
        text.join("\n")
    )
}

/// Middleman's `image_tag`: a source without a leading `/` or a scheme is
/// in the images folder; options become attributes.
fn image_tag(source: &str, options: &Map<String, Value>) -> String {
    let source = source.trim();
    let src = if source.starts_with('/') || source.contains("://") {
        source.to_string()
    } else {
        format!("{IMAGES_DIR}/{source}")
    };
    let mut out = format!("<img src=\"{}\"", escape(&src));
    push_attributes(&mut out, options);
    out.push_str(" />");
    out
}

/// Middleman's `link_to text, url`.
fn link_to(text: &str, url: &str, options: &Map<String, Value>) -> String {
    let mut out = format!("<a href=\"{}\"", escape(url.trim()));
    push_attributes(&mut out, options);
    out.push('>');
    out.push_str(&escape(text));
    out.push_str("</a>");
    out
}

fn push_attributes(out: &mut String, options: &Map<String, Value>) {
    for (key, value) in options {
        let valid = !key.is_empty()
            && key
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
        let text = match value {
            Value::String(s) => s.clone(),
            Value::Number(n) => n.to_string(),
            _ => continue,
        };
        if valid && key != "src" && key != "href" {
            out.push_str(&format!(" {}=\"{}\"", key.replace('_', "-"), escape(&text)));
        }
    }
}

/// A call's arguments: string literals, then options (`alt: "x"`,
/// `:alt => 'x'`, `{ … }`), with or without parentheses.
#[derive(Debug, Default)]
struct Arguments {
    positional: Vec<String>,
    options: Map<String, Value>,
}

impl Arguments {
    /// `None` when an argument is not a literal.
    fn parse(text: &str) -> Option<Arguments> {
        let text = text.trim();
        let text = match text.strip_prefix('(') {
            Some(inner) => inner.trim_end().strip_suffix(')')?,
            None => text,
        };
        let mut arguments = Arguments::default();
        let mut rest = text.trim_start();
        while !rest.is_empty() {
            if let Some((literal, after)) = string_literal(rest) {
                if !arguments.options.is_empty() {
                    return None;
                }
                arguments.positional.push(literal);
                rest = after;
            } else if let Some(inner) = rest.strip_prefix('{') {
                let close = inner.rfind('}')?;
                options(&inner[..close], &mut arguments.options)?;
                rest = &inner[close + 1..];
            } else {
                // Options without braces come last and run to the end.
                options(rest, &mut arguments.options)?;
                rest = "";
            }
            rest = rest.trim_start();
            match rest.strip_prefix(',') {
                Some(after) => rest = after.trim_start(),
                None if rest.is_empty() => {}
                None => return None,
            }
        }
        Some(arguments)
    }
}

/// `key: 'v', :key => "v", "key" => 'v'` into `out`; `None` when a value
/// is not a literal.
fn options(text: &str, out: &mut Map<String, Value>) -> Option<()> {
    let mut rest = text.trim();
    while !rest.is_empty() {
        let (key, after_key) = if let Some((key, after)) = string_literal(rest) {
            (key, after.trim_start().strip_prefix("=>")?)
        } else {
            let symbol = rest.strip_prefix(':');
            let word = symbol.unwrap_or(rest);
            let end = word
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                .unwrap_or(word.len());
            if end == 0 {
                return None;
            }
            let after = word[end..].trim_start();
            let after = match symbol {
                Some(_) => after.strip_prefix("=>")?,
                None => after.strip_prefix(':')?,
            };
            (word[..end].to_string(), after)
        };
        let after_key = after_key.trim_start();
        let (value, after_value) = match string_literal(after_key) {
            Some((text, after)) => (Value::String(text), after),
            None => {
                let end = after_key.find(',').unwrap_or(after_key.len());
                let number = after_key[..end].trim().parse::<i64>().ok()?;
                (Value::from(number), &after_key[end..])
            }
        };
        out.insert(key, value);
        rest = after_value.trim_start();
        rest = rest.strip_prefix(',').unwrap_or(rest).trim_start();
    }
    Some(())
}

/// A Ruby string literal at the start of `text` and the text after it:
/// `'…'` (only `\'` and `\\` are escapes) or `"…"` without interpolation.
fn string_literal(text: &str) -> Option<(String, &str)> {
    let quote = text.chars().next().filter(|c| *c == '\'' || *c == '"')?;
    let mut out = String::new();
    let mut chars = text.char_indices().skip(1);
    while let Some((i, c)) = chars.next() {
        match c {
            c if c == quote => return Some((out, &text[i + 1..])),
            '\\' => {
                let (_, next) = chars.next()?;
                match (quote, next) {
                    (_, '\\') => out.push('\\'),
                    (q, n) if n == q => out.push(n),
                    ('"', 'n') => out.push('\n'),
                    ('"', 't') => out.push('\t'),
                    ('"', '#') => out.push('#'),
                    ('"', _) => return None,
                    (_, n) => {
                        out.push('\\');
                        out.push(n);
                    }
                }
            }
            '#' if quote == '"' && text[i + 1..].starts_with('{') => return None,
            c => out.push(c),
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn helpers_with_literal_arguments() {
        let Some(HelperOutput::Block(html)) =
            run("warning_text('Do not comment on PRs outside working hours.')")
        else {
            panic!("warning_text");
        };
        assert!(html.starts_with("<div class=\"alert alert-warning callout"));
        assert!(html.contains("<p class=\"govuk-warning-text__text\">Do not comment on PRs outside working hours.</p>"));
        assert_eq!(
            run("image_tag \"/images/expired-page.png\", { :alt => 'Banner that shows that page is expired' }"),
            Some(HelperOutput::Inline(
                "<img src=\"/images/expired-page.png\" alt=\"Banner that shows that page is expired\" />"
                    .into()
            ))
        );
        assert_eq!(
            run("image_tag \"spaniel.svg\",\n{ :alt => \"A \\\"spaniel\\\"\" }"),
            Some(HelperOutput::Inline(
                "<img src=\"/images/spaniel.svg\" alt=\"A &quot;spaniel&quot;\" />".into()
            ))
        );
        assert_eq!(
            run("image_tag('a.png', alt: 'x', width: 20)"),
            Some(HelperOutput::Inline(
                "<img src=\"/images/a.png\" alt=\"x\" width=\"20\" />".into()
            ))
        );
        assert_eq!(
            run("link_to 'Source <query>', '/search.html', class: \"govuk-link\""),
            Some(HelperOutput::Inline(
                "<a href=\"/search.html\" class=\"govuk-link\">Source &lt;query&gt;</a>".into()
            ))
        );
        // Ruby's single-quoted escapes: only \' and \\.
        let Some(HelperOutput::Block(html)) = run(r"warning_text('can\'t \d')") else {
            panic!("escapes");
        };
        assert!(html.contains(r"can't \d"), "{html}");
    }

    #[test]
    fn calls_that_need_ruby_are_not_run() {
        for code in [
            "link_to repo.team, slack_url(repo.team)",
            "link_to schema, \"/content-schemas/#{schema}.html\"",
            "warning_text(text)",
            "warning_text('a' + b)",
            "image_tag \"x.png\", alt: title",
            "warning_text('unterminated)",
            "warning_text",
            "current_page.data.title",
        ] {
            assert_eq!(run(code), None, "{code}");
        }
        assert_eq!(called_helper(" partial 'x'"), Some("partial"));
        assert_eq!(called_helper("warning_text('x')"), Some("warning_text"));
        assert_eq!(called_helper("link_to_github"), None);
        assert_eq!(called_helper("schema.link_to"), None);
    }

    #[test]
    fn blank_lines_do_not_end_the_warning_early() {
        let Some(HelperOutput::Block(html)) = run("warning_text(\"One.<br/><br/>\n\nTwo.\")")
        else {
            panic!("warning_text");
        };
        assert!(!html.contains("\n\n"), "{html}");
        assert!(html.contains("One.<br/><br/>\nTwo."), "{html}");
    }
}
