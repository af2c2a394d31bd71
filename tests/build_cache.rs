//! The build cache: a build with nothing new to read leaves the site as the
//! last build wrote it and says so, with the same diagnostics; any change,
//! a missing output folder or an unusable cache means a full build.

use crate::common;

use std::path::Path;

use common::{handbook, site};

/// `handbook <command>` in the site `dir`, with the build cache in
/// `.handbook-cache` there: its exit code and what it printed on stderr.
pub(crate) fn run(dir: &Path, command: &str, extra: &[&str]) -> (i32, String) {
    let output = handbook()
        .current_dir(dir)
        .env("HANDBOOK_CACHE_DIR", ".handbook-cache")
        .arg(command)
        .args(extra)
        .output()
        .expect("handbook runs");
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

/// `handbook build` with the cache in `.handbook-cache`.
pub(crate) fn build(dir: &Path, extra: &[&str]) -> (i32, String) {
    run(dir, "build", extra)
}

/// A build without the cache into `clean/`, to compare with.
pub(crate) fn built_clean(dir: &Path) {
    let (code, out) = build(dir, &["--no-cache", "--output", "clean"]);
    assert_eq!(code, 0, "{out}");
}

/// `handbook build` with the cache, which must succeed: what it printed.
pub(crate) fn built(dir: &Path) -> String {
    let (code, out) = build(dir, &[]);
    assert_eq!(code, 0, "{out}");
    out
}

fn page(dir: &Path) -> String {
    std::fs::read_to_string(dir.join("public/a/index.html")).expect("page")
}

#[test]
fn nothing_changed_means_nothing_rebuilt_and_the_same_report() {
    let dir = site(&[
        ("content/index.md", "# Home\n\n[gone](/missing/)\n"),
        ("content/a.md", "# A\n\nFirst.\n"),
    ]);
    let (code, first) = build(dir.path(), &[]);
    assert_eq!(code, 0, "{first}");
    assert!(first.contains("Built 2 pages"), "{first}");
    let before = page(dir.path());

    let (code, second) = build(dir.path(), &[]);
    assert_eq!(code, 0, "{second}");
    assert!(second.contains("Up to date"), "{second}");
    assert!(
        second.contains("no page at `/missing/`"),
        "the warning is told again: {second}"
    );
    assert!(second.contains("1 warning(s)"), "{second}");
    assert_eq!(page(dir.path()), before);

    // A change to a page, a deleted output folder, --no-cache: a full build.
    std::fs::write(dir.path().join("content/a.md"), "# A\n\nSecond.\n").expect("edit");
    let (_, third) = build(dir.path(), &[]);
    assert!(third.contains("Built 2 pages"), "{third}");
    assert!(page(dir.path()).contains("Second."));
    std::fs::remove_dir_all(dir.path().join("public")).expect("rm");
    let (_, fourth) = build(dir.path(), &[]);
    assert!(fourth.contains("Built 2 pages"), "{fourth}");
    let (_, fifth) = build(dir.path(), &["--no-cache"]);
    assert!(fifth.contains("Built 2 pages"), "{fifth}");
    // A template or setting counts as much as a page.
    std::fs::write(dir.path().join("site.toml"), "title = \"Renamed\"\n").expect("toml");
    let (_, sixth) = build(dir.path(), &[]);
    assert!(sixth.contains("Built 2 pages"), "{sixth}");
    assert!(page(dir.path()).contains("Renamed"));
}

#[test]
fn an_unusable_cache_means_a_full_build_and_a_note() {
    let dir = site(&[("content/index.md", "# Home\n"), ("content/a.md", "# A\n")]);
    let record = dir.path().join(".handbook-cache/build.json");
    build(dir.path(), &[]);
    assert!(record.is_file(), "the cache is beside site.toml");

    std::fs::write(&record, b"{\"format\": 1, \"bin").expect("truncate");
    let out = built(dir.path());
    assert!(
        out.contains("could not be read; building everything"),
        "{out}"
    );
    assert!(out.contains("Built 2 pages"), "{out}");

    let text = std::fs::read_to_string(&record).expect("rewritten");
    let mut json: serde_json::Value = serde_json::from_str(&text).expect("json");
    json["binary"] = serde_json::json!(12345);
    std::fs::write(&record, json.to_string()).expect("foreign");
    let (_, out) = build(dir.path(), &[]);
    assert!(out.contains("written by another handbook binary"), "{out}");
    assert!(out.contains("Built 2 pages"), "{out}");
    let (_, out) = build(dir.path(), &[]);
    assert!(out.contains("Up to date"), "{out}");
}

/// The files of the page cache: its index and its parts.
fn page_cache_files(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut files: Vec<_> = std::fs::read_dir(dir.join(".handbook-cache/pages"))
        .expect("the page cache is written")
        .map(|e| e.expect("entry").path())
        .collect();
    files.sort();
    files
}

/// Every file below `dir` but the manifest, with its bytes.
pub(crate) fn output_tree(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut files: Vec<_> = walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let rel = e.path().strip_prefix(dir).expect("inside");
            (
                rel.to_string_lossy().into_owned(),
                std::fs::read(e.path()).expect("read"),
            )
        })
        .collect();
    files.sort();
    files
}

/// A site of `n` pages `content/pN.md` with the text `page(N)`, and a
/// home page.
fn site_of_pages(n: usize, page: impl Fn(usize) -> String) -> tempfile::TempDir {
    let files: Vec<(String, String)> = (0..n)
        .map(|i| (format!("content/p{i}.md"), page(i)))
        .chain([("content/index.md".to_string(), "# Home\n".to_string())])
        .collect();
    let borrowed: Vec<(&str, &str)> = files
        .iter()
        .map(|(p, t)| (p.as_str(), t.as_str()))
        .collect();
    site(&borrowed)
}

fn damaged(what: &str, whole: &[u8]) -> Vec<u8> {
    match what {
        "cut short" => whole[..whole.len() / 2].to_vec(),
        _ => whole
            .iter()
            .enumerate()
            .map(|(i, b)| if i > 64 { b ^ 0x5a } else { *b })
            .collect(),
    }
}

#[test]
fn a_cut_short_or_scrambled_page_cache_means_every_page_rendered_and_a_note() {
    let dir = site(&[
        ("content/index.md", "# Home\n\n[A](a/)\n"),
        ("content/a.md", "# A\n\nFirst.\n"),
    ]);
    build(dir.path(), &[]);
    for what in ["cut short", "scrambled"] {
        for file in page_cache_files(dir.path()) {
            let whole = std::fs::read(&file).expect("read");
            std::fs::write(&file, damaged(what, &whole)).expect("damage");
        }
        std::fs::write(dir.path().join("content/a.md"), format!("# A\n\n{what}.\n")).expect("edit");
        let (code, out) = build(dir.path(), &[]);
        assert_eq!(code, 0, "{what}: {out}");
        assert!(out.contains("could not be read"), "{what}: {out}");
        assert!(page(dir.path()).contains(&format!("{what}.")), "{what}");
        let home = std::fs::read_to_string(dir.path().join("public/index.html")).expect("home");
        assert!(home.contains("href=\"/a/\""), "{what}: {home}");
    }
}

/// One part of the page cache damaged, missing, or another part's file:
/// the pages it held are rendered again and the site is a clean build's.
#[test]
fn a_damaged_part_of_the_page_cache_means_its_pages_rendered_and_a_note() {
    let dir = site_of_pages(40, |i| {
        format!("# Page {i}\n\nSee [next](p{}.md#page-{}).\n", i + 1, i + 1)
    });
    built(dir.path());
    for (round, what) in ["cut short", "scrambled", "missing", "swapped"]
        .into_iter()
        .enumerate()
    {
        let shards: Vec<_> = page_cache_files(dir.path())
            .into_iter()
            .filter(|f| !f.ends_with("index.bin"))
            .collect();
        assert!(shards.len() > 4, "the cache is in parts: {shards:?}");
        let victim = &shards[round % shards.len()];
        match what {
            "missing" => std::fs::remove_file(victim).expect("remove"),
            "swapped" => {
                std::fs::copy(&shards[(round + 1) % shards.len()], victim).expect("swap");
            }
            _ => {
                let whole = std::fs::read(victim).expect("read");
                std::fs::write(victim, damaged(what, &whole)).expect("damage");
            }
        }
        // Every page's body changes, so none is found up to date.
        std::fs::write(
            dir.path().join("content/index.md"),
            format!("# Home\n\nRound {round}.\n"),
        )
        .expect("edit");
        let (code, out) = build(dir.path(), &[]);
        assert_eq!(code, 0, "{what}: {out}");
        assert!(out.contains("could not be read"), "{what}: {out}");
        built_clean(dir.path());
        assert!(
            output_tree(&dir.path().join("public")) == output_tree(&dir.path().join("clean")),
            "{what}: the site differs from a clean build"
        );
        // The next build reads the whole cache again.
        std::fs::write(
            dir.path().join("content/p3.md"),
            format!("# Page 3\n\n{what}\n"),
        )
        .expect("edit");
        let (code, out) = build(dir.path(), &[]);
        assert_eq!(code, 0, "{what}: {out}");
        assert!(!out.contains("could not be read"), "{what}: {out}");
    }
}

/// A build whose output folder is gone (a CI job that restored the cache
/// alone) makes every page's file again from the bodies the cache kept,
/// with a clean build's bytes; with the kept bodies damaged it renders
/// their Markdown again, says so, and still writes a clean build's bytes.
#[test]
fn a_missing_output_folder_is_made_again_from_the_kept_bodies() {
    let dir = site_of_pages(30, |i| {
        format!(
            "# Page {i}\n\n```ruby\nputs {i}\n```\n\nSee [next](p{}.md).\n",
            i + 1
        )
    });
    built(dir.path());
    built_clean(dir.path());
    let segments = || -> Vec<std::path::PathBuf> {
        std::fs::read_dir(dir.path().join(".handbook-cache/bodies"))
            .expect("the bodies are kept")
            .map(|e| e.expect("entry").path())
            .collect()
    };
    assert_eq!(segments().len(), 1);
    for what in ["intact", "cut short", "scrambled"] {
        if what != "intact" {
            // Every byte: a segment has no header, its first body is the
            // home page's few bytes.
            for segment in segments() {
                let whole = std::fs::read(&segment).expect("read");
                let damage: Vec<u8> = match what {
                    "cut short" => whole[..whole.len() / 2].to_vec(),
                    _ => whole.iter().map(|b| b ^ 0x5a).collect(),
                };
                std::fs::write(&segment, damage).expect("damage");
            }
        }
        std::fs::remove_dir_all(dir.path().join("public")).expect("remove the site");
        let (code, out) = build(dir.path(), &[]);
        assert_eq!(code, 0, "{what}: {out}");
        assert_eq!(
            out.contains("page bodies in the build cache could not be read"),
            what != "intact",
            "{what}: {out}"
        );
        assert!(
            output_tree(&dir.path().join("public")) == output_tree(&dir.path().join("clean")),
            "{what}: the site differs from a clean build"
        );
    }
    // The bodies rendered again were kept anew, and the damaged segment,
    // which no page refers to any more, removed.
    assert_eq!(segments().len(), 1, "{:?}", segments());
    std::fs::remove_dir_all(dir.path().join("public")).expect("remove the site");
    let out = built(dir.path());
    assert!(!out.contains("could not be read"), "{out}");
}

/// The search entries' hit JSON, kept beside the bodies: when it is lost
/// or damaged, a build renders those pages again (it no longer has their
/// text), says so, and writes a clean build's bytes; the next build finds
/// nothing amiss.
#[test]
fn lost_search_entries_have_their_pages_rendered_again() {
    let dir = site_of_pages(20, |i| {
        format!(
            "# Page {i}\n\nWords of page {i}.\n\nSee [next](p{}.md).\n",
            i + 1
        )
    });
    built(dir.path());
    built_clean(dir.path());
    for segment in std::fs::read_dir(dir.path().join(".handbook-cache/bodies")).expect("kept") {
        let segment = segment.expect("entry").path();
        let mut bytes = std::fs::read(&segment).expect("read");
        let mut from = 0;
        while let Some(at) = find(&bytes[from..], b"[\"Page ").map(|at| from + at) {
            bytes[at + 3] ^= 0x20;
            from = at + 1;
        }
        std::fs::write(&segment, bytes).expect("damage");
    }
    std::fs::remove_dir_all(dir.path().join("public")).expect("remove the site");
    let (code, out) = build(dir.path(), &[]);
    assert_eq!(code, 0, "{out}");
    assert!(
        out.contains("20 search entries in the build cache could not be read"),
        "{out}"
    );
    assert!(!out.contains("page bodies"), "{out}");
    assert!(
        output_tree(&dir.path().join("public")) == output_tree(&dir.path().join("clean")),
        "the site differs from a clean build"
    );
    std::fs::remove_dir_all(dir.path().join("public")).expect("remove the site");
    let out = built(dir.path());
    assert!(!out.contains("could not be read"), "{out}");
    assert!(
        output_tree(&dir.path().join("public")) == output_tree(&dir.path().join("clean")),
        "the site differs from a clean build"
    );
}

/// A `site.toml` edit no Markdown reads (a sidebar's length, an edit link,
/// a redirect) makes every page's file again from the kept bodies, not its
/// Markdown: with the bodies damaged, the build says it could not read
/// them, which it would not if it rendered the Markdown. The site is a
/// clean build's either way.
#[test]
fn settings_no_markdown_reads_keep_the_pages_markdown() {
    let dir = site_of_pages(12, |i| {
        format!("# Page {i}\n\nSee [next](p{}.md).\n", i + 1)
    });
    std::fs::write(dir.path().join("site.toml"), "title = \"T\"\n").expect("site.toml");
    built(dir.path());
    // The pages' bodies, not the search entries' hit JSON beside them
    // (`["Page 3","/p3/",...]]`): a lost entry would have its page's
    // Markdown rendered again.
    let damage_bodies = || {
        let bodies = dir.path().join(".handbook-cache/bodies");
        let mut entries = 0;
        for segment in std::fs::read_dir(&bodies).expect("bodies kept") {
            let segment = segment.expect("entry").path();
            let mut bytes = std::fs::read(&segment).expect("read");
            let mut docs = Vec::new();
            let mut from = 0;
            while let Some(start) = find(&bytes[from..], b"[\"Page ").map(|at| from + at) {
                let end = start + find(&bytes[start..], b"]]").expect("a whole entry") + 2;
                docs.push(start..end);
                from = end;
            }
            entries += docs.len();
            for (at, byte) in bytes.iter_mut().enumerate() {
                if !docs.iter().any(|doc| doc.contains(&at)) {
                    *byte ^= 0x5a;
                }
            }
            std::fs::write(&segment, bytes).expect("damage");
        }
        assert_eq!(entries, 12, "the search entries are kept beside the bodies");
    };
    damage_bodies();
    std::fs::write(
        dir.path().join("site.toml"),
        "title = \"T\"\nsidebar_limit = 5\nedit_url = \"https://example.com/edit/\"\n\n\
         [redirects]\n\"/old/\" = \"/p1/\"\n",
    )
    .expect("site.toml");
    let out = built(dir.path());
    assert!(
        out.contains("page bodies in the build cache could not be read"),
        "the pages' Markdown was rendered again: {out}"
    );
    built_clean(dir.path());
    assert!(
        output_tree(&dir.path().join("public")) == output_tree(&dir.path().join("clean")),
        "the site differs from a clean build"
    );
    // A setting the Markdown reads renders it again: no body is read.
    damage_bodies();
    std::fs::write(
        dir.path().join("site.toml"),
        "title = \"T\"\n\n[markdown]\nsmart_punctuation = false\n",
    )
    .expect("site.toml");
    let out = built(dir.path());
    assert!(!out.contains("could not be read"), "{out}");
}

/// A page the page cache stands for has let go of its Markdown: its
/// warnings and broken links are still shown at their line and column with
/// their source line, read again from the file.
#[test]
fn a_page_from_the_page_cache_shows_its_warnings_where_they_are() {
    let dir = site(&[
        ("content/index.md", "# Home\n\n[a](/a/)\n"),
        (
            "content/a.html.md.erb",
            "---\ntitle: A\n---\n# A\n\nSome text.\n\n<% if x %>\n\nThen [gone](/missing-page/) here.\n",
        ),
        ("content/b.md", "# B\n\nFirst.\n"),
    ]);
    let (code, first) = build(dir.path(), &[]);
    assert_eq!(code, 0, "{first}");
    assert!(first.contains("a.html.md.erb:8:1"), "{first}");
    assert!(first.contains("a.html.md.erb:10:13"), "{first}");
    assert!(
        first.contains("Then [gone](/missing-page/) here."),
        "{first}"
    );

    // Another page changes: `a` comes from the page cache.
    std::fs::write(dir.path().join("content/b.md"), "# B\n\nSecond.\n").expect("edit");
    let (code, second) = build(dir.path(), &[]);
    assert_eq!(code, 0, "{second}");
    let without_summary = |report: &str| {
        report
            .lines()
            .filter(|l| !l.starts_with("Built ") && !l.starts_with("Preview "))
            .collect::<Vec<_>>()
            .join("\n")
    };
    assert_eq!(without_summary(&second), without_summary(&first));
}

/// The fingerprint takes a file that has not changed since the last build
/// at the hash it had then, without reading it: an edit that keeps the
/// file's size and modification time (an editor or tool that restores it)
/// still moves its change time, and is built.
#[test]
fn an_edit_that_keeps_the_size_and_time_of_a_file_is_built() {
    let dir = site(&[
        ("content/index.md", "# Home\n\n[a](/a/)\n"),
        ("content/a.md", "# A\n\nFirst.\n"),
    ]);
    let (code, first) = build(dir.path(), &[]);
    assert_eq!(code, 0, "{first}");
    // Past the two seconds after which a recorded file is trusted.
    std::thread::sleep(std::time::Duration::from_millis(2500));
    let (_, second) = build(dir.path(), &[]);
    assert!(second.contains("Up to date"), "{second}");

    let file = dir.path().join("content/a.md");
    let modified = std::fs::metadata(&file)
        .and_then(|m| m.modified())
        .expect("mtime");
    std::fs::write(&file, "# A\n\nFirsT.\n").expect("edit");
    std::fs::File::options()
        .write(true)
        .open(&file)
        .and_then(|f| f.set_modified(modified))
        .expect("set mtime");
    let (code, third) = build(dir.path(), &[]);
    assert_eq!(code, 0, "{third}");
    assert!(third.contains("Built 2 pages"), "{third}");
    assert!(page(dir.path()).contains("FirsT."));
}

/// A build with the page cache keeps the checked links of unchanged pages
/// only while what they point at is unchanged: an anchor or a page that
/// goes away breaks the links of pages that were not edited.
#[test]
fn unchanged_pages_have_their_links_checked_again_when_their_targets_change() {
    let dir = site(&[
        ("content/index.md", "# Home\n\n[a](/a/#first)\n"),
        ("content/a.md", "# A\n\n## First\n\nText.\n"),
        ("content/b.md", "# B\n\nText.\n"),
        ("content/c.md", "# C\n\nSee [b](/b/).\n"),
    ]);
    let (code, built) = build(dir.path(), &[]);
    assert_eq!(code, 0, "{built}");
    assert!(built.contains("0 warning(s)"), "{built}");
    // Builds again after giving `a.md` the heading `heading`.
    let build_with_heading = |heading: &str| {
        let text = format!("# A\n\n## {heading}\n\nText.\n");
        std::fs::write(dir.path().join("content/a.md"), text).expect("edit");
        build(dir.path(), &[]).1
    };

    let built = build_with_heading("Second");
    assert!(built.contains("index.md:3:5"), "{built}");
    assert!(built.contains("#first"), "{built}");

    let built = build_with_heading("First");
    assert!(built.contains("0 warning(s)"), "{built}");

    std::fs::remove_file(dir.path().join("content/b.md")).expect("delete");
    let (_, built) = build(dir.path(), &[]);
    assert!(built.contains("c.md:3:9"), "{built}");
    assert!(built.contains("no page at `/b/`"), "{built}");
}

#[test]
fn the_order_files_and_other_generators_settings_are_read_by_the_cache() {
    // An MkDocs site ordered by `.pages`, and a book whose title is in
    // `book.toml`: an edit to either file is a build, not "Up to date".
    let mkdocs = site(&[
        ("mkdocs.yml", "site_name: Runbook\n"),
        ("docs/index.md", "# Runbook\n"),
        ("docs/.pages", "nav:\n  - index.md\n  - b.md\n  - ...\n"),
        ("docs/a.md", "# A\n"),
        ("docs/b.md", "# B\n"),
    ]);
    let book = site(&[
        ("book.toml", "[book]\ntitle = \"First\"\n"),
        ("src/README.md", "# Intro\n"),
    ]);
    for dir in [mkdocs.path(), book.path()] {
        let (code, first) = build(dir, &[]);
        assert_eq!(code, 0, "{first}");
        let (_, again) = build(dir, &[]);
        assert!(again.contains("Up to date"), "{again}");
    }
    std::fs::write(
        mkdocs.path().join("docs/.pages"),
        "nav:\n  - index.md\n  - a.md\n  - ...\n",
    )
    .expect("write");
    std::fs::write(
        book.path().join("book.toml"),
        "[book]\ntitle = \"Second\"\n",
    )
    .expect("write");
    for dir in [mkdocs.path(), book.path()] {
        let (code, after_edit) = build(dir, &[]);
        assert_eq!(code, 0, "{after_edit}");
        assert!(!after_edit.contains("Up to date"), "{after_edit}");
    }
    let home = std::fs::read_to_string(book.path().join("public/index.html")).expect("home");
    assert!(home.contains("<title>Second"), "{home}");
}

/// Where `needle` first is in `haystack`.
fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}
