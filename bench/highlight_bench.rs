//! Time spent highlighting code: every fenced code block of a content
//! folder highlighted with the grammars `handbook` ships, on one thread,
//! several rounds, without the build's memo of lines and blocks already
//! highlighted. Each round prints its time and the size of the HTML made,
//! which must not change between versions of the highlighter.
//!
//! ```text
//! cargo run --release --features bench-tools --example highlight-bench -- \
//!     <content folder> [rounds] [--no-prefilter]
//! ```
//! One thread and one process make it steadier than a whole build on a
//! busy machine: it measures a change to the highlighter
//! (`vendor/syntect/PATCHED.md`) by itself. `--no-prefilter` searches with
//! Oniguruma alone.

use std::time::Instant;

use syntect::html::{ClassStyle, ClassedHTMLGenerator};
use syntect::parsing::{set_dfa_prefilter, SyntaxSet};
use syntect::util::LinesWithEndings;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some(root) = args.first() else {
        eprintln!("usage: highlight-bench <content folder> [rounds] [--no-prefilter]");
        std::process::exit(2);
    };
    let rounds = args.get(1).and_then(|n| n.parse().ok()).unwrap_or(5);
    set_dfa_prefilter(!args.iter().any(|arg| arg == "--no-prefilter"));
    let blocks = code_blocks(root);
    let set = SyntaxSet::load_defaults_newlines();
    let lines: usize = blocks.iter().map(|(_, code)| code.lines().count()).sum();
    println!("{} code blocks, {lines} lines", blocks.len());
    // The first round builds what the grammars build on first use.
    highlight_all(&set, &blocks);
    for _ in 0..rounds {
        let started = Instant::now();
        let html_bytes = highlight_all(&set, &blocks);
        let seconds = started.elapsed().as_secs_f64();
        println!("{seconds:.3} s, {html_bytes} bytes of HTML");
    }
}

/// The (language, code) of every fenced block of the Markdown files under
/// `root`, as the Markdown parser the build uses finds them.
fn code_blocks(root: &str) -> Vec<(String, String)> {
    use pulldown_cmark::{CodeBlockKind, Event, Parser, Tag, TagEnd};
    let mut blocks = Vec::new();
    for entry in walkdir::WalkDir::new(root).sort_by_file_name() {
        let Ok(entry) = entry else { continue };
        if !entry.file_type().is_file() {
            continue;
        }
        let Ok(text) = std::fs::read_to_string(entry.path()) else {
            eprintln!("skipped (not UTF-8 text): {}", entry.path().display());
            continue;
        };
        let mut open: Option<(String, String)> = None;
        for event in Parser::new(&text) {
            match (event, &mut open) {
                (Event::Start(Tag::CodeBlock(CodeBlockKind::Fenced(info))), None) => {
                    open = Some((info.trim().to_string(), String::new()));
                }
                (Event::Text(code), Some((_, block))) => block.push_str(&code),
                (Event::End(TagEnd::CodeBlock), Some(_)) => blocks.extend(open.take()),
                _ => {}
            }
        }
    }
    blocks
}

/// Highlights every block; the bytes of HTML made.
fn highlight_all(set: &SyntaxSet, blocks: &[(String, String)]) -> usize {
    let mut html_bytes = 0;
    for (language, code) in blocks {
        let syntax = set
            .find_syntax_by_token(language)
            .unwrap_or_else(|| set.find_syntax_plain_text());
        let mut html = ClassedHTMLGenerator::new_with_class_style(syntax, set, ClassStyle::Spaced);
        for line in LinesWithEndings::from(code) {
            // A line a grammar cannot parse is left out, as the build
            // leaves the block unhighlighted.
            let _ = html.parse_html_for_line_which_includes_newline(line);
        }
        html_bytes += html.finalize().len();
    }
    html_bytes
}
