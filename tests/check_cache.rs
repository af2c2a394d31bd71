//! `check` and the page cache: a check takes the pages unchanged since the
//! last build (or, with no build's cache there, since the last check) from
//! the cache and renders the others, with the report of a check from
//! nothing.

use std::path::Path;

use crate::build_cache::{build, built, built_clean, output_tree, run};
use crate::common::site;

/// `handbook check` with the cache the last build left, in `dir`.
fn check(dir: &Path, extra: &[&str]) -> (i32, String) {
    let (code, stderr) = run(dir, "check", extra);
    let report = stderr
        .lines()
        .map(|line| match line.split_once(" in ") {
            Some((summary, rest)) if line.starts_with("Checked ") => {
                format!("{summary} in _{}", &rest[rest.find(':').unwrap_or(0)..])
            }
            _ => line.to_string(),
        })
        .collect::<Vec<_>>()
        .join("\n");
    (code, report)
}

/// `check` takes the pages a build left unchanged from its page cache, and
/// renders the ones edited since: the report is the one of a check from
/// nothing, warnings at the same line and column.
#[test]
fn check_takes_unchanged_pages_from_the_page_cache_and_reads_edited_ones() {
    let dir = site(&[
        ("content/index.md", "# Home\n\n[a](/a/#first)\n"),
        ("content/a.md", "# A\n\n## First\n\nText.\n"),
        (
            "content/b.html.md.erb",
            "# B\n\n<% if x %>\n\nThen [gone](/missing-page/) here.\n",
        ),
    ]);
    let (code, built) = build(dir.path(), &[]);
    assert_eq!(code, 0, "{built}");

    let (code, cached) = check_matching_a_fresh_check(dir.path(), 3);
    assert_eq!(code, 1, "{cached}");
    assert!(cached.contains("b.html.md.erb:3:1"), "{cached}");
    assert!(cached.contains("b.html.md.erb:5:13"), "{cached}");

    // The anchor goes away after the build: check sees it.
    a_removed_anchor_is_reported(dir.path());
}

/// Renames the heading `First` of `content/a.md`, which `index.md` links
/// to at 3:5: `check` renders `a.md` again, takes the two other pages
/// from the cache, and reports the link.
fn a_removed_anchor_is_reported(dir: &Path) {
    std::fs::write(dir.join("content/a.md"), "# A\n\n## Second\n\nText.\n").expect("edit");
    let (_, report) = check_matching_a_fresh_check(dir, 2);
    assert!(report.contains("index.md:3:5"), "{report}");
    assert!(report.contains("#first"), "{report}");
}

/// `check --no-cache` reads each page's Markdown as the load reads the page
/// and rewrites links to `.md` sources once every page's URL is known;
/// `check` after an edit of every page renders them after the load, with
/// the URLs known. Both report the same: broken links and anchors through
/// rewritten links (to a page with a permalink, to a picture beside the
/// source) and a renderer's note.
#[test]
fn check_reading_pages_at_load_reports_what_rendering_after_the_load_does() {
    let pages = [
        // Published under a path: root-relative links get it.
        (
            "site.toml",
            "title = \"T\"\nbase_url = \"https://example.org/docs\"\n",
        ),
        (
            "content/index.md",
            "# Home\n\n[a](a.md#first) [b](sub/b.md) [gone](missing.md) [c](c.md)\n",
        ),
        (
            "content/a.md",
            "---\npermalink: /elsewhere/\n---\n# A\n\n## First\n\n[home](index.md#nowhere)\n",
        ),
        (
            "content/sub/b.md",
            "# B\n\n[up](../a.md#second) [me](b.md)\n\n![beside the source](pic.png)\n",
        ),
        ("content/sub/pic.png", "not really a picture"),
        ("content/c.md", "# C\n"),
        (
            "content/d.html.md.erb",
            "# D\n\n<% if x %>\n\n[a](/elsewhere/#first)\n",
        ),
    ];
    let dir = site(&pages);
    let (_, built) = build(dir.path(), &[]);
    assert!(dir.path().join(".handbook-cache/pages").is_dir(), "{built}");
    let (fresh_code, fresh) = check(dir.path(), &["--no-cache"]);
    for (path, text) in pages {
        std::fs::write(dir.path().join(path), format!("{text}\n")).expect("edit");
    }
    // With the page cache there (asserted above) and no page unchanged.
    let (code, after_load) = check(dir.path(), &[]);
    assert_eq!(after_load, fresh);
    assert_eq!(code, fresh_code);
    for expected in [
        "index.md:3:38",
        "missing.md",
        "a.md:8:8",
        "#nowhere",
        "sub/b.md:3:6",
        "#second",
        "d.html.md.erb:3:1",
    ] {
        assert!(fresh.contains(expected), "{expected} in {fresh}");
    }
    assert!(!fresh.contains("`#first`"), "{fresh}");
    assert!(!fresh.contains("pic.png"), "{fresh}");
}

/// `check` with the cache, asserting that `unchanged` of the pages came from
/// it and that its report is that of `check --no-cache` but for saying so.
fn check_matching_a_fresh_check(dir: &Path, unchanged: usize) -> (i32, String) {
    let (code, cached) = check(dir, &[]);
    let (fresh_code, fresh) = check(dir, &["--no-cache"]);
    let from_cache = format!(" ({unchanged} unchanged, taken from the cache)");
    assert!(
        cached.contains(&format!("on 3 pages{from_cache}")),
        "{cached}"
    );
    assert_eq!(cached.replace(&from_cache, ""), fresh);
    assert_eq!(code, fresh_code);
    (code, cached)
}

/// A first build keys its pages under the partials it looked up, so the
/// `check` after it takes every page from the cache (the first build's
/// own scope had hashed none); an edited partial still renders them again.
#[test]
fn check_after_a_first_build_with_partials_takes_every_page_from_the_cache() {
    let dir = site(&[
        ("_config.yml", "title: Field Guide\n"),
        (
            "_includes/callout.html",
            "<div class=\"callout\">{{ include.text }}</div>\n",
        ),
        (
            "index.md",
            "---\ntitle: Home\n---\n# Home\n\n{% include callout.html text=\"Read first\" %}\n\n[a](/a/#first)\n",
        ),
        ("a.md", "---\ntitle: A\n---\n# A\n\n## First\n\nText.\n"),
    ]);
    let first = built(dir.path());
    assert!(!first.contains("unchanged"), "{first}");
    let (code, report) = check(dir.path(), &[]);
    assert_eq!(code, 0, "{report}");
    assert!(
        report.contains("(2 unchanged, taken from the cache)"),
        "{report}"
    );
    std::fs::write(
        dir.path().join("_includes/callout.html"),
        "<div class=\"callout\">{{ include.text }}!</div>\n",
    )
    .expect("edit");
    let (code, report) = check(dir.path(), &[]);
    assert_eq!(code, 0, "{report}");
    assert!(!report.contains("unchanged"), "{report}");
}

/// `check` on a site no build has left a cache for keeps a page cache of
/// its own: the next check takes the unchanged pages from it with the
/// report of a check from nothing (a renderer's note and broken links at
/// their line and column), an edited page is rendered again and kept,
/// `--no-cache` neither reads nor writes it, and a build does not take
/// pages from it (its site is the one a build without the cache writes)
/// and removes it.
#[test]
fn check_without_a_build_keeps_a_page_cache_of_its_own() {
    let dir = site(&[
        (
            "content/index.md",
            "# Home\n\n[a](/a/#first) [gone](/missing/)\n",
        ),
        ("content/a.md", "# A\n\n## First\n\nText.\n"),
        ("content/b.html.md.erb", "# B\n\n<% if x %>\n\n[home](/)\n"),
    ]);
    let cache = dir.path().join(".handbook-cache");
    let (fresh_code, fresh) = check(dir.path(), &["--no-cache"]);
    assert!(!cache.exists(), "--no-cache wrote a cache: {fresh}");
    let (code, first) = check(dir.path(), &[]);
    assert_eq!((code, &first), (fresh_code, &fresh));
    assert!(cache.join("check/pages").is_dir(), "{first}");

    let (_, again) = check_matching_a_fresh_check(dir.path(), 3);
    assert!(again.contains("index.md:3:23"), "{again}");
    assert!(again.contains("b.html.md.erb:3:1"), "{again}");

    a_removed_anchor_is_reported(dir.path());
    check_matching_a_fresh_check(dir.path(), 3);

    let out = built(dir.path());
    assert!(!out.contains("unchanged"), "{out}");
    assert!(
        !cache.join("check").exists(),
        "the build left check's cache"
    );
    built_clean(dir.path());
    assert!(
        output_tree(&dir.path().join("public")) == output_tree(&dir.path().join("clean")),
        "a build after checks differs from a clean build"
    );
    let (_, after_build) = check(dir.path(), &[]);
    assert!(
        !cache.join("check").exists(),
        "a check wrote over a build's cache"
    );
    assert!(
        after_build.contains("(3 unchanged, taken from the cache)"),
        "{after_build}"
    );
}

/// A build's page cache that another binary wrote (an upgrade since the
/// last build) is of no use to `check`: it keeps its own until the next
/// build, which removes it.
#[test]
fn check_keeps_its_own_cache_beside_another_binarys() {
    let dir = site(&[
        ("content/index.md", "# Home\n\n[a](/a/#first)\n"),
        ("content/a.md", "# A\n\n## First\n\nText.\n"),
        ("content/b.md", "# B\n\n[home](/)\n"),
    ]);
    built(dir.path());
    let index = dir.path().join(".handbook-cache/pages/index.bin");
    let mut bytes = std::fs::read(&index).expect("the build's page cache");
    // The header: format (4 bytes), then the binary that wrote it.
    bytes[4..12].copy_from_slice(&12345u64.to_le_bytes());
    std::fs::write(&index, bytes).expect("foreign");
    let own = dir.path().join(".handbook-cache/check/pages");
    let (code, first) = check(dir.path(), &[]);
    assert_eq!(code, 0, "{first}");
    assert!(!first.contains("unchanged"), "{first}");
    assert!(own.is_dir(), "{first}");
    let (_, again) = check_matching_a_fresh_check(dir.path(), 3);
    assert!(again.contains("0 broken"), "{again}");
    // Built again (not up to date): its cache replaces check's.
    std::fs::write(dir.path().join("content/b.md"), "# B\n\nEdited.\n").expect("edit");
    built(dir.path());
    assert!(!own.exists(), "the build left check's cache");
    let (_, after_build) = check(dir.path(), &[]);
    assert!(after_build.contains("(3 unchanged"), "{after_build}");
    assert!(!own.exists(), "a check wrote beside a build's cache");
}
