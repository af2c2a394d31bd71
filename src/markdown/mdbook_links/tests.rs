//! Each case as mdBook 0.5's `links` preprocessor writes it (its own tests'
//! inputs where they exist: `take_lines`, anchors, escapes, `{{#title}}`).

use super::*;
use crate::content::includes::Includes;
use serde_json::Map;

/// A book folder (`book.toml`, `src/`) with `files`, and its includes.
fn book(files: &[(&str, &str)]) -> (tempfile::TempDir, Includes) {
    let mut book = vec![("book.toml", "[book]\ntitle = \"T\"\n"), ("src/.keep", "")];
    book.extend_from_slice(files);
    crate::markdown::partials::site_of(&book)
}

fn expanded(includes: &Includes, page_dir: &str, body: &str) -> Option<Expanded> {
    let page = Map::new();
    let values = TemplateValues::for_page(&page, "", includes, page_dir);
    expand(body, &values)
}

const LOREM: &str = "Lorem\nipsum\ndolor\nsit\namet\n";

#[test]
fn line_ranges_are_counted_from_one_as_mdbook_counts_them() {
    let (_dir, includes) = book(&[("src/guide/lorem.txt", LOREM)]);
    let cases = [
        ("lorem.txt", "Lorem\nipsum\ndolor\nsit\namet"),
        ("lorem.txt:2", "ipsum"),
        ("lorem.txt:2:3", "ipsum\ndolor"),
        ("lorem.txt:4:", "sit\namet"),
        ("lorem.txt::2", "Lorem\nipsum"),
        ("lorem.txt:5:4", ""),
        ("lorem.txt::100", "Lorem\nipsum\ndolor\nsit\namet"),
    ];
    for (target, lines) in cases {
        let body = format!("```\n{{{{#include {target}}}}}\n```\n");
        let page = expanded(&includes, "guide", &body).expect("expanded");
        assert_eq!(page.text, format!("```\n{lines}\n```\n"), "{target}");
        assert!(page.notes.is_empty());
    }
}

#[test]
fn anchors_take_their_lines_without_the_marker_lines() {
    let code = "fn main() {\n    // ANCHOR: all\n    // ANCHOR: setup\n    let x = 1;\n    // ANCHOR_END: setup\n    println!(\"{x}\");\n    // ANCHOR_END: all\n}\n";
    let (_dir, includes) = book(&[("listings/main.rs", code)]);
    let setup = expanded(&includes, "", "{{#include ../listings/main.rs:setup}}\n");
    assert_eq!(setup.expect("setup").text, "    let x = 1;\n");
    let all = expanded(
        &includes,
        "",
        "{{#rustdoc_include ../listings/main.rs:all}}\n",
    );
    assert_eq!(
        all.expect("all").text,
        "    let x = 1;\n    println!(\"{x}\");\n"
    );
    assert_eq!(anchored(code, "nothing"), "");
}

#[test]
fn each_following_line_takes_the_text_before_the_tag() {
    let (_dir, includes) = book(&[("src/steps.md", "one\ntwo\n")]);
    let page = expanded(&includes, "", "> {{#include steps.md}}\n").expect("quote");
    assert_eq!(page.text, "> one\n> two\n");
    // The text maps back to the tag.
    let two = page.text.find("two").expect("two");
    assert_eq!(page.map.to_original(two), 2);
}

#[test]
fn included_files_include_from_their_own_folder() {
    let (_dir, includes) = book(&[
        ("src/parts/outer.md", "Outer\n{{#include inner/deep.md}}\n"),
        ("src/parts/inner/deep.md", "Deep\n"),
        ("src/loop.md", "{{#include loop.md}}\n"),
    ]);
    let page = expanded(&includes, "", "{{#include parts/outer.md}}\n").expect("nested");
    assert_eq!(page.text, "Outer\nDeep\n");
    // A file that includes itself stops at mdBook's depth, its last tag
    // left as written.
    let looped = expanded(&includes, "", "{{#include loop.md}}\n").expect("loop");
    assert_eq!(looped.text, "{{#include loop.md}}\n");
}

#[test]
fn playground_title_and_escapes() {
    let (_dir, includes) = book(&[("src/hello.rs", "fn main() {}")]);
    let body = "{{#title Custom}}\n{{#playground hello.rs editable}}\n\\{{#include hello.rs}}\n{{#unknown x}}\n";
    let page = expanded(&includes, "", body).expect("expanded");
    assert_eq!(
        page.text,
        "\n```rust,editable\nfn main() {}\n```\n{{#include hello.rs}}\n{{#unknown x}}\n"
    );
}

#[test]
fn a_missing_file_leaves_a_note_at_the_tag_and_the_book_folder_is_the_limit() {
    let (dir, includes) = book(&[]);
    let book_name = dir
        .path()
        .file_name()
        .and_then(|n| n.to_str())
        .expect("name");
    let outside = dir
        .path()
        .parent()
        .expect("parent")
        .join(format!("{book_name}-secret.txt"));
    std::fs::write(&outside, "secret").expect("write");
    let name = outside.file_name().and_then(|n| n.to_str()).expect("name");
    let body = format!("Before\n{{{{#include ../../{name}}}}}\n{{{{#include gone.md}}}}\n");
    let page = expanded(&includes, "", &body).expect("expanded");
    assert!(!page.text.contains("secret\n"), "{}", page.text);
    assert_eq!(page.notes.len(), 2);
    assert_eq!(&body[page.notes[1].at.clone()], "{{#include gone.md}}");
    assert!(page.text.contains("class=\"missing-content\""));
    let _ = std::fs::remove_file(outside);
}

#[test]
fn pages_without_tags_are_left_alone() {
    let (_dir, includes) = book(&[]);
    assert!(expanded(&includes, "", "Plain {{ value }} text\n").is_none());
    assert!(expanded(&includes, "", "No braces\n").is_none());
}
