//! The floor under a build and a `check`: every Markdown file of a content
//! folder read and given to pulldown-cmark on all cores (rayon), with
//! nothing else: no front matter parsed (the opening `---` block is
//! skipped), no templates, no links resolved, no output written.
//!
//! ```text
//! cargo run --release --features bench-tools --example floor -- \
//!     <content folder> [html|events] [rounds]
//! ```
//! `html` (default) renders each page to HTML and drops it, the floor of a
//! build; `events` only walks the parser's events, the floor of `check`,
//! which needs each page's headings and links but no HTML. Each round
//! prints its wall time, the files and bytes read and the bytes made, so
//! `handbook`'s own figures can be read as a multiple of the floor on the
//! same machine and content (BENCHMARKS.md).

use std::path::PathBuf;
use std::time::Instant;

use pulldown_cmark::{html, Options, Parser};
use rayon::prelude::*;

#[derive(Clone, Copy, PartialEq)]
enum Mode {
    Html,
    Events,
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some(root) = args.first() else {
        eprintln!("usage: floor <content folder> [html|events] [rounds]");
        std::process::exit(2);
    };
    let mode = match args.get(1).map(String::as_str) {
        None | Some("html") => Mode::Html,
        Some("events") => Mode::Events,
        Some(other) => {
            eprintln!("floor: unknown mode `{other}`: html or events");
            std::process::exit(2);
        }
    };
    let rounds: usize = args.get(2).and_then(|n| n.parse().ok()).unwrap_or(1);
    for round in 1..=rounds {
        let started = Instant::now();
        // Walked again each round: the walk is part of what a tool does.
        let files = markdown_files(root);
        let (bytes_read, bytes_made) = files
            .par_iter()
            .map(|path| floor_of(path, mode))
            .reduce(|| (0, 0), |a, b| (a.0 + b.0, a.1 + b.1));
        println!(
            "round {round}: {:.0} ms, {} files, {} bytes read, {} made",
            started.elapsed().as_secs_f64() * 1e3,
            files.len(),
            bytes_read,
            bytes_made
        );
    }
}

fn markdown_files(root: &str) -> Vec<PathBuf> {
    walkdir::WalkDir::new(root)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|entry| entry.file_type().is_file())
        .map(walkdir::DirEntry::into_path)
        .filter(|path| path.extension().is_some_and(|ext| ext == "md"))
        .collect()
}

/// The bytes read and the bytes made (HTML, or one per event) of one file;
/// a file that cannot be read counts nothing.
fn floor_of(path: &PathBuf, mode: Mode) -> (usize, usize) {
    let Ok(text) = std::fs::read_to_string(path) else {
        return (0, 0);
    };
    let body = after_front_matter(&text);
    let parser = Parser::new_ext(body, Options::all());
    let made = match mode {
        Mode::Html => {
            let mut out = String::with_capacity(body.len() * 3 / 2);
            html::push_html(&mut out, parser);
            out.len()
        }
        Mode::Events => parser.into_offset_iter().count(),
    };
    (text.len(), made)
}

fn after_front_matter(text: &str) -> &str {
    let Some(rest) = text.strip_prefix("---\n") else {
        return text;
    };
    match rest.find("\n---\n") {
        Some(end) => &rest[end + 5..],
        None => text,
    }
}
