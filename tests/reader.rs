//! The reader's side of a built site, end to end on the real binary:
//! redirects, last-updated dates from git, the Atom feed, edit and source
//! links, and the search index (also on the GitLab corpus).

use crate::common;

use std::path::Path;
use std::process::Command;

use common::{handbook, site};
use predicates::str::contains;

fn read(dir: &Path, rel: &str) -> String {
    std::fs::read_to_string(dir.join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

fn json(dir: &Path, rel: &str) -> serde_json::Value {
    serde_json::from_str(&read(dir, rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

/// stderr of a build, for snapshots: the temporary folder's name removed.
fn stderr_of(output: &std::process::Output, dir: &Path) -> String {
    String::from_utf8_lossy(&output.stderr)
        .replace(&dir.display().to_string(), "[site]")
        .lines()
        .filter(|l| !l.starts_with("Built ") && !l.starts_with("Did not build "))
        .collect::<Vec<_>>()
        .join("\n")
}

const SITE: &str = "title = \"Handbook\"\nbase_url = \"https://hb.example/docs\"\n";

#[test]
fn redirects_become_pages_and_a_redirects_file() {
    let dir = site(&[
        ("site.toml", SITE),
        ("content/index.md", "# Home\n"),
        (
            "content/sales/forecasting.md",
            "---\ntitle: Forecasting\naliases: [/old/forecast/, legacy.html]\nredirect_from: /older/forecasting\n---\n## Calls\n",
        ),
        (
            "content/sales/moved.md",
            "---\nredirect_to: ../forecasting/#calls\n---\nGone.\n",
        ),
        (
            "content/sales/elsewhere.md",
            "---\nredirect_to: https://other.example/page\n---\n",
        ),
        (
            "content/sales/linked.md",
            "See the [old page](/old/forecast/).\n",
        ),
    ]);
    handbook()
        .current_dir(dir.path())
        .args(["build", "--strict"])
        .assert()
        .success();
    let out = dir.path().join("public");

    // An alias: a page at the old URL that sends readers (and search engines) on.
    let alias = read(&out, "old/forecast/index.html");
    assert!(
        alias.contains(r#"<meta http-equiv="refresh" content="0; url=/docs/sales/forecasting/">"#),
        "{alias}"
    );
    assert!(alias
        .contains(r#"<link rel="canonical" href="https://hb.example/docs/sales/forecasting/">"#));
    // A relative alias is read from the page's folder; a path without a slash gets one.
    assert!(read(&out, "sales/legacy.html").contains("url=/docs/sales/forecasting/"));
    assert!(read(&out, "older/forecasting/index.html").contains("url=/docs/sales/forecasting/"));
    // `redirect_to` replaces the page, resolved like a link written on it.
    let moved = read(&out, "sales/moved/index.html");
    assert!(
        moved.contains("url=/docs/sales/forecasting/#calls"),
        "{moved}"
    );
    assert!(!moved.contains("Gone."));
    assert!(read(&out, "sales/elsewhere/index.html").contains("url=https://other.example/page"));

    let redirects = read(&out, "_redirects");
    for line in [
        "/docs/old/forecast/ /docs/sales/forecasting/ 301",
        "/docs/older/forecasting /docs/sales/forecasting/ 301",
        "/docs/sales/legacy.html /docs/sales/forecasting/ 301",
        "/docs/sales/moved/ /docs/sales/forecasting/#calls 301",
        "/docs/sales/elsewhere/ https://other.example/page 301",
    ] {
        assert!(
            redirects.lines().any(|l| l == line),
            "{line} in\n{redirects}"
        );
    }
    // Redirects are not pages readers should find.
    let sitemap = read(&out, "sitemap.xml");
    assert!(!sitemap.contains("/sales/moved/"));
    assert!(sitemap.contains("/sales/forecasting/"));
    assert!(!read(&out, "atom.xml").contains("/sales/moved/"));
}

/// `[redirects]` in `site.toml`: old paths (or old source files) to pages,
/// files and other sites; a page's own alias wins; a missing target is
/// reported at its line of `site.toml`; links to an old path are not broken.
#[test]
fn the_sites_redirects_table_leads_old_paths_on() {
    let settings = format!(
        "{SITE}\n[redirects]\n\"/old/plan/\" = \"sales/plan.md#q3\"\n\"retired.md\" = \"/files/sheet.csv\"\n\"/away.html\" = \"https://other.example/\"\n\"/old/gone/\" = \"/nowhere/\"\n\"/sales/plan/\" = \"/\"\n"
    );
    let dir = site(&[
        ("site.toml", settings.as_str()),
        (
            "content/index.md",
            "# Home\n\nSee [the old plan](/old/plan/) and [away](/away.html).\n",
        ),
        ("content/sales/plan.md", "# Plan\n\n## Q3\n"),
        ("content/files/sheet.csv", "a,b\n"),
    ]);
    let output = handbook()
        .current_dir(dir.path())
        .args(["build"])
        .output()
        .expect("runs");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stderr}");
    assert!(
        stderr.contains("a redirect points at a missing page") && stderr.contains("site.toml:8:3"),
        "{stderr}"
    );
    assert!(
        stderr.contains("`/sales/plan/` is the URL of `sales/plan.md`"),
        "{stderr}"
    );
    assert!(!stderr.contains("broken link"), "{stderr}");
    let out = dir.path().join("public");
    let redirects = read(&out, "_redirects");
    for line in [
        "/docs/old/plan/ /docs/sales/plan/#q3 301",
        "/docs/retired/ /docs/files/sheet.csv 301",
        "/docs/away.html https://other.example/ 301",
    ] {
        assert!(
            redirects.lines().any(|l| l == line),
            "{line} in\n{redirects}"
        );
    }
    assert!(!redirects.contains("/old/gone/"), "{redirects}");
    let old_plan = read(&out, "old/plan/index.html");
    assert!(old_plan.contains("url=/docs/sales/plan/#q3"), "{old_plan}");
    assert!(read(&out, "sales/plan/index.html").contains("<h2"));
}

#[test]
fn a_redirect_to_a_missing_page_is_reported_at_its_key() {
    let dir = site(&[
        ("site.toml", SITE),
        ("content/index.md", "# Home\n"),
        (
            "content/team/old.md",
            "---\ntitle: Old\nredirect_to: /team/nowhere/\n---\n",
        ),
        ("content/team/here.md", "---\ntitle: Here\n---\n"),
    ]);
    let output = handbook()
        .current_dir(dir.path())
        .args(["build", "--strict"])
        .output()
        .expect("runs");
    assert_eq!(output.status.code(), Some(1));
    insta::assert_snapshot!(stderr_of(&output, dir.path()));

    // Without --strict it is a warning, like a broken link, and `check` says it too.
    handbook()
        .current_dir(dir.path())
        .args(["check"])
        .assert()
        .stderr(contains("team/old.md:3:1"))
        .stderr(contains("`redirect_to` points at a missing page"));
}

#[test]
fn aliases_cannot_leave_the_site_or_cover_a_page() {
    let dir = site(&[
        ("site.toml", SITE),
        ("content/index.md", "# Home\n"),
        (
            "content/a/page.md",
            "---\ntitle: Page\naliases:\n  - ../../../etc/passwd\n  - https://evil.example/x\n  - /a/other/\n  - /a/../../up/\n---\n",
        ),
        ("content/a/other.md", "---\ntitle: Other\n---\n"),
    ]);
    let output = handbook()
        .current_dir(dir.path())
        .args(["build"])
        .output()
        .expect("runs");
    assert_eq!(output.status.code(), Some(1));
    insta::assert_snapshot!(stderr_of(&output, dir.path()));
    assert!(!dir.path().join("etc").exists());
    assert!(!dir.path().join("public").exists(), "nothing is written");
}

fn git(dir: &Path, args: &[&str], date: &str) -> bool {
    Command::new("git")
        .current_dir(dir)
        .args(["-c", "user.name=T", "-c", "user.email=t@example.com"])
        .args([
            "-c",
            "commit.gpgsign=false",
            "-c",
            "init.defaultBranch=main",
        ])
        .args(args)
        .env("GIT_AUTHOR_DATE", date)
        .env("GIT_COMMITTER_DATE", date)
        .output()
        .is_ok_and(|o| o.status.success())
}

#[test]
fn last_updated_comes_from_git_history_and_falls_back_to_file_time() {
    let dir = site(&[
        (
            "site.toml",
            "title = \"H\"\nbase_url = \"https://hb.example\"\nedit_url = \"https://git.example/h/-/edit/main/content/\"\n",
        ),
        ("content/index.md", "# Home\n"),
        ("content/old.md", "---\ntitle: Old page\n---\nOld.\n"),
        ("content/new.md", "---\ntitle: New page\n---\nNew.\n"),
        // `date` in front matter: the later of it and the history shows.
        ("content/ahead.md", "---\ntitle: Ahead\ndate: 2024-05-06\n---\nA.\n"),
        ("content/behind.md", "---\ntitle: Behind\ndate: 2019-01-02\n---\nB.\n"),
    ]);
    let root = dir.path();
    if !first_commit(root, "2021-03-04T10:00:00+01:00") {
        return;
    }
    std::fs::write(
        root.join("content/new.md"),
        "---\ntitle: New page\n---\nNewer.\n",
    )
    .unwrap();
    assert!(git(
        root,
        &["commit", "-qam", "second"],
        "2023-07-08T09:10:11Z"
    ));
    // Not committed: its file time counts.
    std::fs::write(root.join("content/draft.md"), "---\ntitle: Draft\n---\n").unwrap();
    let when = std::time::UNIX_EPOCH + std::time::Duration::from_secs(1_600_000_000); // 2020-09-13
    std::fs::File::options()
        .write(true)
        .open(root.join("content/draft.md"))
        .unwrap()
        .set_modified(when)
        .unwrap();

    handbook()
        .current_dir(root)
        .args(["build"])
        .assert()
        .success();
    let out = root.join("public");
    let old = read(&out, "old/index.html");
    assert!(
        old.contains(r#"Updated <time datetime="2021-03-04T10:00:00+01:00">2021-03-04</time>"#),
        "{old}"
    );
    assert!(read(&out, "new/index.html").contains(">2023-07-08</time>"));
    assert!(read(&out, "draft/index.html").contains(">2020-09-13</time>"));
    assert!(read(&out, "ahead/index.html").contains(">2024-05-06</time>"));
    assert!(read(&out, "behind/index.html").contains(">2021-03-04</time>"));
    let sitemap = read(&out, "sitemap.xml");
    assert!(sitemap
        .contains("<url><loc>https://hb.example/new/</loc><lastmod>2023-07-08</lastmod></url>"));
    assert!(sitemap.contains("<loc>https://hb.example/old/</loc><lastmod>2021-03-04</lastmod>"));
    assert!(sitemap.contains("<loc>https://hb.example/ahead/</loc><lastmod>2024-05-06</lastmod>"));
    assert!(sitemap.contains("<loc>https://hb.example/behind/</loc><lastmod>2021-03-04</lastmod>"));

    // Edit and source links.
    assert!(old.contains(r#"href="https://git.example/h/-/edit/main/content/old.md""#));
    assert!(old.contains(r#"href="https://git.example/h/-/blob/main/content/old.md""#));

    // The feed: valid Atom, newest first.
    let feed: atom_syndication::Feed = read(&out, "atom.xml").parse().expect("valid Atom");
    let entries: Vec<(&str, String)> = feed
        .entries()
        .iter()
        .map(|e| (e.title().as_str(), e.updated().to_rfc3339()))
        .collect();
    assert_eq!(
        entries,
        [
            ("Ahead", "2024-05-06T00:00:00+00:00".to_string()),
            ("New page", "2023-07-08T09:10:11+00:00".to_string()),
            ("Home", "2021-03-04T10:00:00+01:00".to_string()),
            ("Behind", "2021-03-04T10:00:00+01:00".to_string()),
            ("Old page", "2021-03-04T10:00:00+01:00".to_string()),
            ("Draft", "2020-09-13T12:26:40+00:00".to_string()),
        ]
    );
    assert_eq!(feed.id(), "https://hb.example/atom.xml");
    assert_eq!(feed.updated().to_rfc3339(), "2024-05-06T00:00:00+00:00");
    assert!(feed
        .links()
        .iter()
        .any(|l| l.rel() == "self" && l.href() == "https://hb.example/atom.xml"));
    assert_eq!(
        feed.entries()[1].links()[0].href(),
        "https://hb.example/new/"
    );
    assert!(read(&out, "index.html").contains(r#"type="application/atom+xml""#));
}

/// Makes the site a git repository, everything in a first commit at
/// `date`; false (with the skip message) when git is not available.
fn first_commit(root: &Path, date: &str) -> bool {
    if !git(root, &["init", "-q"], "2020-01-01T00:00:00Z") {
        common::skip("HANDBOOK_REQUIRE_GIT", "git is not available");
        return false;
    }
    assert!(git(root, &["add", "."], date));
    assert!(git(root, &["commit", "-qm", "first"], date));
    true
}

/// Commits `content/FILE` with `text` at `date`.
fn commit_page(root: &Path, file: &str, text: &str, date: &str) {
    std::fs::write(root.join("content").join(file), text).unwrap();
    assert!(git(root, &["add", "."], date));
    assert!(git(root, &["commit", "-qm", file], date));
}

#[test]
fn a_shallow_clone_dates_only_the_pages_its_history_reaches() {
    let origin = site(&[
        (
            "site.toml",
            "title = \"H\"\nbase_url = \"https://hb.example\"\n",
        ),
        ("content/index.md", "# Home\n"),
        ("content/old.md", "---\ntitle: Old\n---\nOld.\n"),
        ("content/middle.md", "---\ntitle: Middle\n---\nM.\n"),
        (
            "content/dated.md",
            "---\ntitle: Dated\ndate: 2020-02-02\n---\nD.\n",
        ),
        ("content/new.md", "---\ntitle: New\n---\nN.\n"),
    ]);
    let root = origin.path();
    if !first_commit(root, "2021-01-01T00:00:00Z") {
        return;
    }
    commit_page(
        root,
        "middle.md",
        "---\ntitle: Middle\n---\nM2.\n",
        "2022-02-02T00:00:00Z",
    );
    commit_page(
        root,
        "new.md",
        "---\ntitle: New\n---\nN2.\n",
        "2023-03-03T00:00:00Z",
    );

    // Two commits, as a CI checkout fetches them: the older of the two
    // seems to add every file.
    let clones = tempfile::tempdir().unwrap();
    let clone = clones.path().join("clone");
    let origin_url = format!("file://{}", root.display());
    let clone_arg = clone.to_string_lossy().to_string();
    assert!(git(
        clones.path(),
        &["clone", "-q", "--depth", "2", &origin_url, &clone_arg],
        "2024-01-01T00:00:00Z"
    ));
    let stderr = common::build_in(&clone, common::BuildCache::On);
    assert!(
        stderr.contains("the repository is a shallow clone: 4 pages changed last before"),
        "{stderr}"
    );
    assert!(stderr.contains("`fetch-depth: 0`"), "{stderr}");
    let out = clone.join("public");
    assert!(read(&out, "new/index.html").contains(">2023-03-03</time>"));
    assert!(read(&out, "dated/index.html").contains(">2020-02-02</time>"));
    for undated in ["old/index.html", "middle/index.html", "index.html"] {
        assert!(!read(&out, undated).contains("Updated <time"), "{undated}");
    }
    let sitemap = read(&out, "sitemap.xml");
    assert!(
        sitemap.contains("<url><loc>https://hb.example/old/</loc></url>"),
        "{sitemap}"
    );
    let feed = read(&out, "atom.xml");
    assert!(!feed.contains("https://hb.example/old/"), "{feed}");

    // The whole history fetched: the next build dates every page (the
    // build cache knows the history grew).
    assert!(git(
        &clone,
        &["fetch", "-q", "--unshallow"],
        "2024-01-01T00:00:00Z"
    ));
    let stderr = common::build_in(&clone, common::BuildCache::On);
    assert!(!stderr.contains("shallow"), "{stderr}");
    assert!(read(&out, "old/index.html").contains(">2021-01-01</time>"));
    assert!(read(&out, "middle/index.html").contains(">2022-02-02</time>"));
}

/// Finds a term's posting list the way the browser does: the last shard
/// whose first term is not after it.
fn postings(out: &Path, term: &str) -> Vec<u64> {
    let manifest = json(out, "search/index.json");
    let starts: Vec<&str> = manifest["terms"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    let shard = starts.iter().rposition(|s| *s <= term).unwrap_or(0);
    let shard = json(out, &format!("search/t{shard}.json"));
    shard[term]
        .as_array()
        .unwrap_or_else(|| panic!("`{term}` is not in its shard"))
        .iter()
        .map(|v| v.as_u64().unwrap())
        .collect()
}

/// `(page id, sections)` of every posting.
fn hits(list: &[u64]) -> Vec<(u64, Vec<u64>)> {
    let mut out = Vec::new();
    let (mut i, mut page) = (0, 0);
    while i + 2 < list.len() {
        page += list[i];
        // flags: sections listed (0..=3) + 4 x title information
        let count = (list[i + 2] & 3) as usize;
        out.push((page, list[i + 3..i + 3 + count].to_vec()));
        i += 3 + count;
    }
    out
}

/// The document entry of page `id`.
fn doc(out: &Path, id: u64) -> serde_json::Value {
    let manifest = json(out, "search/index.json");
    let starts: Vec<u64> = manifest["docs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_u64().unwrap())
        .collect();
    let shard = starts.iter().rposition(|s| *s <= id).unwrap();
    json(out, &format!("search/d{shard}.json"))[(id - starts[shard]) as usize].clone()
}

#[test]
fn a_body_word_leads_to_its_page_and_heading() {
    let dir = site(&[
        ("site.toml", SITE),
        ("content/index.md", "# Home\n\nWelcome.\n"),
        (
            "content/ops/review.md",
            "---\ntitle: Review\n---\nIntro.\n\n## Agenda\n\nWe walk the board.\n\n## Follow-up\n\nSend the minutes to the quokka channel.\n",
        ),
        (
            "content/ops/noindex.md",
            "---\ntitle: Hidden\nnoindex: true\n---\nAnother quokka.\n",
        ),
    ]);
    handbook()
        .current_dir(dir.path())
        .args(["build"])
        .assert()
        .success();
    let out = dir.path().join("public");
    let found = hits(&postings(&out, "quokka"));
    assert_eq!(found.len(), 1, "noindex pages are not searched: {found:?}");
    let (page, sections) = &found[0];
    let entry = doc(&out, *page);
    assert_eq!(entry[0], "Review");
    assert_eq!(entry[1], "/docs/ops/review/");
    let section = sections[0] as usize;
    assert_eq!(
        entry[2][section - 1],
        serde_json::json!(["Follow-up", "follow-up"])
    );
    assert!(entry[3][section]
        .as_str()
        .unwrap()
        .contains("quokka channel"));
}

#[test]
fn the_corpus_index_is_small_and_sharded() {
    let Some(corpus) = common::corpus() else {
        return;
    };
    let out = tempfile::tempdir().expect("temp");
    let output = out.path().join("public");
    handbook()
        .args(["build", "--quiet", "--no-cache", "--root"])
        .arg(common::corpus_site())
        .arg("--content")
        .arg(&corpus)
        .arg("--output")
        .arg(&output)
        .assert()
        .success();
    let mut total = 0;
    let mut largest = (0, String::new());
    for entry in std::fs::read_dir(output.join("search")).expect("search/") {
        let entry = entry.expect("entry");
        let size = entry.metadata().expect("meta").len();
        total += size;
        if size > largest.0 {
            largest = (size, entry.file_name().to_string_lossy().into_owned());
        }
    }
    let manifest = std::fs::metadata(output.join("search/index.json"))
        .unwrap()
        .len();
    eprintln!(
        "corpus search index: {total} bytes; largest file {largest:?}; manifest {manifest} bytes"
    );
    assert!(
        manifest < 8 * 1024,
        "the manifest every search loads stays small"
    );
    assert!(largest.0 < 64 * 1024, "no shard is large: {largest:?}");
    // 12 MB for 20 MB of Markdown (3.9 MB gzipped); a query loads a few shards of it.
    assert!(total < 16 * 1024 * 1024, "{total} bytes in all");

    // A word from deep in a long page's body finds that page, at the right heading.
    let manifest = json(&output, "search/index.json");
    assert_eq!(
        manifest["pages"].as_u64(),
        Some(1167),
        "every page but the 10 noindex ones"
    );
    let found = hits(&postings(&output, "aforementioned"));
    let urls: Vec<(String, Vec<String>)> = found
        .iter()
        .map(|(page, sections)| {
            let entry = doc(&output, *page);
            let anchors = sections
                .iter()
                .map(|&s| {
                    if s == 0 {
                        String::new()
                    } else {
                        entry[2][s as usize - 1][1].as_str().unwrap().to_string()
                    }
                })
                .collect();
            (entry[1].as_str().unwrap().to_string(), anchors)
        })
        .collect();
    assert!(
        urls.iter()
            .any(|(url, anchors)| url == "/handbook/paid-time-off/"
                && anchors == &["requesting-and-documenting-new-pto-by-deel-features"]),
        "{urls:?}"
    );
}
