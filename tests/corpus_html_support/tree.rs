//! A built page as the HTML5 parser (html5ever, through `scraper`) builds
//! it: the elements inside the theme's content `<div>`, and the text a
//! reader sees there, block by block.

use std::collections::BTreeMap;

use once_cell::sync::Lazy;
use regex::Regex;
use scraper::{ElementRef, Html, Node, Selector};

/// What the parser made of the content.
#[derive(Debug, Default)]
pub struct Parsed {
    /// Elements by name (lower case), as in [`super::tags::Written`].
    pub elements: BTreeMap<String, usize>,
    /// The visible text of each block (paragraph, list item, cell, heading),
    /// code, scripts and styles left out.
    pub text_blocks: Vec<String>,
}

/// Elements whose text is code or not shown: Markdown-looking text in them
/// is what the author meant.
const NOT_PROSE: &[&str] = &[
    "code", "pre", "kbd", "samp", "script", "style", "textarea", "template", "svg", "math",
];

/// Elements that start a new line of text.
const BLOCKS: &[&str] = &[
    "p",
    "li",
    "td",
    "th",
    "dt",
    "dd",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "div",
    "blockquote",
    "figcaption",
    "summary",
    "details",
    "section",
    "table",
    "tr",
    "ul",
    "ol",
    "dl",
    "figure",
    "br",
    "hr",
];

/// Elements the parser adds where HTML implies them (`<tbody>` around
/// table rows written straight into `<table>`).
const IMPLIED: &[&str] = &["tbody", "html", "head", "body"];

static CONTENT: Lazy<Selector> =
    Lazy::new(|| Selector::parse("article.doc > div.doc-content").expect("a valid selector"));

pub fn read(html: &str) -> Parsed {
    let document = Html::parse_document(html);
    let mut parsed = Parsed::default();
    let Some(content) = document.select(&CONTENT).next() else {
        return parsed;
    };
    let mut line = String::new();
    walk(content, &mut parsed, &mut line, false);
    finish_block(&mut parsed, &mut line);
    parsed
}

fn walk(element: ElementRef, parsed: &mut Parsed, line: &mut String, hidden: bool) {
    for child in element.children() {
        match child.value() {
            Node::Text(text) if !hidden => line.push_str(text),
            Node::Element(e) => {
                let Some(child) = ElementRef::wrap(child) else {
                    continue;
                };
                let name = e.name().to_ascii_lowercase();
                *parsed.elements.entry(name.clone()).or_default() += 1;
                let block = BLOCKS.contains(&name.as_str());
                if block {
                    finish_block(parsed, line);
                } else {
                    line.push(ELEMENT_EDGE);
                }
                let hidden = hidden || NOT_PROSE.contains(&name.as_str());
                walk(child, parsed, line, hidden);
                if block {
                    finish_block(parsed, line);
                } else {
                    line.push(ELEMENT_EDGE);
                }
            }
            _ => {}
        }
    }
}

/// Where an inline element starts or ends in a block's text: a link's URL
/// never spans one (`[a](<a href=...><img></a>)` is HTML pasted where the
/// URL goes, shown as written by kramdown too).
const ELEMENT_EDGE: char = '\u{1}';

fn finish_block(parsed: &mut Parsed, line: &mut String) {
    if !line
        .trim_matches(|c: char| c.is_whitespace() || c == ELEMENT_EDGE)
        .is_empty()
    {
        parsed.text_blocks.push(line.trim().to_string());
    }
    line.clear();
}

/// Where the parser's elements and the written tags disagree: an element
/// the parser made more of was reopened (a formatting element left open,
/// `<b>` again in every block), one it made fewer of was dropped or closed
/// out of the content (a stray end tag).
pub fn compare_counts(
    written: &BTreeMap<String, usize>,
    parsed: &BTreeMap<String, usize>,
) -> Vec<String> {
    let mut problems = Vec::new();
    let names: std::collections::BTreeSet<&String> = written.keys().chain(parsed.keys()).collect();
    for name in names {
        if IMPLIED.contains(&name.as_str()) {
            continue;
        }
        let w = written.get(name).copied().unwrap_or(0);
        let p = parsed.get(name).copied().unwrap_or(0);
        if w != p {
            problems.push(format!("<{name}>: {w} written, {p} in the browser's tree"));
        }
    }
    problems
}

/// Markdown a renderer should have turned into HTML: a link or image
/// (`[text](url)`, `![alt](url)`), strong emphasis as kramdown reads it
/// (`**text**`, no space inside the delimiters), and kramdown's extensions
/// (`{: .class}`, `{::nomarkdown}`, `{:/}`). A stray `](` with no `[text`
/// before it (`[Elevate]](/x/)`, `page](/x/)`) or `**` with a space inside
/// (`**Note **`) is the author's typo, shown as text by kramdown as well:
/// counted, not failed.
static SYNTAX: Lazy<Regex> = Lazy::new(|| {
    Regex::new(r"!?\[[^\[\]]+\]\([^()\x01]*\)|\*\*[^\s*](?:[^*]*[^\s*])?\*\*|\{:")
        .expect("a valid regex")
});

/// The typos of [`SYNTAX`]'s comment.
static TYPO: Lazy<Regex> = Lazy::new(|| Regex::new(r"\]\(|\*\*[^*]+\*\*").expect("a valid regex"));

/// Whether a block holds Markdown that no renderer took (a typo of the
/// author's, see [`SYNTAX`]).
pub fn has_typo(block: &str) -> bool {
    TYPO.is_match(block)
}

pub fn visible_syntax(blocks: &[String]) -> Vec<String> {
    let mut problems = Vec::new();
    for block in blocks {
        if let Some(found) = SYNTAX.find(block) {
            let start = block[..found.start()]
                .char_indices()
                .rev()
                .nth(30)
                .map_or(0, |(i, _)| i);
            let shown: String = block[start..]
                .chars()
                .filter(|c| *c != ELEMENT_EDGE)
                .take(90)
                .collect();
            let found = found.as_str().replace(ELEMENT_EDGE, "");
            problems.push(format!("`{found}` shows in the text: {shown:?}"));
        }
    }
    problems
}
