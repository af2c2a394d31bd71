//! A contributor who means harm: what one page, file name or link may not do
//! to every reader of the site, or to the machine that builds it. Each test
//! is a reproducer of an attack, run on the real binary.

use crate::common;

use std::path::Path;

use common::{handbook, site};
use predicates::prelude::*;
use predicates::str::contains;

/// Every file the build wrote, with its text (binary files skipped).
fn written(out: &Path) -> Vec<(String, String)> {
    walkdir::WalkDir::new(out)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .filter(|e| e.file_name() != ".handbook-manifest")
        .filter_map(|e| {
            let text = std::fs::read_to_string(e.path()).ok()?;
            let rel = e.path().strip_prefix(out).ok()?.display().to_string();
            Some((rel, text))
        })
        .collect()
}

/// The markup an attacker tried to inject, anywhere in the site's HTML and
/// XML (JSON data files hold the page's path as a JSON string).
fn assert_no_injection(out: &Path, payloads: &[&str]) {
    for (rel, text) in written(out) {
        if rel.ends_with(".json") {
            continue;
        }
        for payload in payloads {
            assert!(
                !text.contains(payload),
                "{rel} contains the injected `{payload}`"
            );
        }
    }
}

#[test]
fn page_urls_file_names_and_slugs_cannot_inject_markup() {
    let dir = site(&[
        ("content/index.md", "---\ntitle: Home\n---\nHome\n"),
        (
            "content/a.md",
            "---\ntitle: A\nurl: \"/a\\\"><script>alert(1)</script>/\"\ncadence:\n  - activity: Review\n    every: weekly\n---\nA\n",
        ),
        (
            "content/f\"><img src=x onerror=alert(2)>.md",
            "---\ntitle: F\n---\nF\n",
        ),
        (
            "content/team/s.md",
            "---\ntitle: S\nslug: \"s'><svg onload=alert(3)>\"\n---\nS\n",
        ),
        ("content/team/index.md", "---\ntitle: Team\n---\nTeam\n"),
    ]);
    let out = dir.path().join("out");
    handbook()
        .current_dir(dir.path())
        .args(["build", "--output", "out"])
        .assert()
        .success();
    assert_no_injection(
        &out,
        &[
            "<script>alert(1)",
            "<img src=x onerror",
            "<svg onload",
            "'><svg",
            "\"><script",
        ],
    );
    let home = std::fs::read_to_string(out.join("index.html")).expect("home");
    assert!(
        home.contains("href=\"/a%22%3E%3Cscript%3Ealert(1)%3C/script%3E/\""),
        "the sidebar links to the encoded URL"
    );
    let cadence = std::fs::read_to_string(out.join("cadence/index.html")).expect("cadence");
    assert!(
        cadence.contains("/a%22%3E%3Cscript%3E"),
        "cadence pages too"
    );
    // The page is still where its URL says, for a server that decodes it.
    assert!(out
        .join("a\"><script>alert(1)</script>/index.html")
        .is_file());
}

#[test]
fn encoded_dot_segments_in_url_and_slug_are_refused() {
    for front in [
        "url: /a/%2e%2e/%2E%2E/b/",
        "url: /a/.%2e/b/",
        "slug: \"%2e%2e\"",
    ] {
        let dir = site(&[
            ("content/index.md", "# Home\n"),
            ("content/x.md", &format!("---\ntitle: X\n{front}\n---\nx\n")),
        ]);
        handbook()
            .current_dir(dir.path())
            .args(["build", "--output", "out"])
            .assert()
            .code(1)
            .stderr(contains("x.md:3:1"));
        assert!(!dir.path().join("out").exists(), "{front}: nothing written");
    }
}

#[cfg(unix)]
#[test]
fn links_out_of_the_site_or_into_hidden_folders_publish_nothing() {
    use std::os::unix::fs::symlink;
    let outside = tempfile::tempdir().expect("temp");
    std::fs::create_dir_all(outside.path().join(".ssh")).expect("mkdir");
    std::fs::write(outside.path().join(".ssh/id_rsa"), "PRIVATE KEY").expect("write");
    let dir = site(&[
        ("content/index.md", "# Home\n"),
        ("content/sub/page.md", "# Page\n"),
        (".git/HEAD", "ref: refs/heads/main\n"),
        (".env", "SECRET=1\n"),
    ]);
    let root = dir.path();
    symlink(outside.path().join(".ssh"), root.join("static")).expect("link");
    symlink("../.git", root.join("content/gitdir")).expect("link");
    symlink("../../.env", root.join("content/sub/env.txt")).expect("link");
    handbook()
        .current_dir(root)
        .args(["build", "--output", "out"])
        .assert()
        .success()
        .stderr(contains("gitdir"))
        .stderr(contains("sub/env.txt"))
        .stderr(contains("static/id_rsa"));
    for (rel, text) in written(&root.join("out")) {
        assert!(!text.contains("PRIVATE KEY"), "{rel} holds the key");
        assert!(!text.contains("SECRET=1"), "{rel} holds .env");
        assert!(!rel.contains("gitdir") && !rel.contains("env.txt"), "{rel}");
    }
}

#[test]
fn content_cannot_replace_generated_or_theme_files() {
    let dir = site(&[
        ("content/index.md", "# Home\n"),
        ("content/js/handbook.js", "alert(1)"),
        ("content/sitemap.xml", "<x/>"),
        ("content/cadence.ics", "BEGIN:VCALENDAR"),
        ("content/syntax.css", "body{}"),
        ("content/404.html", "<p>gone</p>"),
        (
            "content/b.md",
            "---\ntitle: B\naliases: [\"/404.html\", \"/cadence/\"]\n---\nb\n",
        ),
    ]);
    let assert = handbook()
        .current_dir(dir.path())
        .args(["build", "--output", "out"])
        .assert()
        .code(1);
    let stderr = String::from_utf8_lossy(&assert.get_output().stderr).into_owned();
    for claim in [
        "js/handbook.js",
        "sitemap.xml",
        "cadence.ics",
        "syntax.css",
        "404.html",
    ] {
        assert!(
            stderr.contains(&format!("--> {claim}"))
                && stderr.contains(&format!("the generated file `/{claim}`"))
                    | stderr.contains(&format!("the theme's file `{claim}`")),
            "{claim} not reported with both claimants:\n{stderr}"
        );
    }
    assert!(stderr.contains("b.md:3:"), "{stderr}");
    assert!(
        stderr.contains("the generated page `/cadence/`"),
        "{stderr}"
    );
}

#[test]
fn script_urls_are_dropped_from_links_and_refused_in_redirects() {
    let dir = site(&[
        ("content/index.md", "# Home\n"),
        (
            "content/l.md",
            "# L\n\n[a](javascript:alert(1)) [b](< JaVa\tScRiPt:alert(2)>) [c](vbscript:x) [d](data:text/html,<script>x</script>) ![ok](data:image/png;base64,AA)\n",
        ),
    ]);
    handbook()
        .current_dir(dir.path())
        .args(["build", "--output", "out"])
        .assert()
        .success()
        .stderr(contains("l.md:3:5"))
        .stderr(contains("`javascript:` URL is dropped"));
    let page = std::fs::read_to_string(dir.path().join("out/l/index.html")).expect("page");
    let lower = page.to_ascii_lowercase();
    for scheme in ["javascript:", "java\tscript:", "vbscript:", "data:text"] {
        assert!(!lower.contains(&format!("href=\"{scheme}")), "{scheme}");
        assert!(!lower.contains(&format!("href=\" {scheme}")), "{scheme}");
    }
    assert!(page.contains("src=\"data:image/png;base64,AA\""));
    assert!(page.contains("a b c d"), "the link texts stay");

    std::fs::write(
        dir.path().join("site.toml"),
        "[markdown]\nunsafe_links = true\n",
    )
    .expect("w");
    handbook()
        .current_dir(dir.path())
        .args(["build", "--output", "out"])
        .assert()
        .success();
    let page = std::fs::read_to_string(dir.path().join("out/l/index.html")).expect("page");
    assert!(
        page.contains("href=\"javascript:alert(1)\""),
        "kept when allowed"
    );

    let dir = site(&[
        ("content/index.md", "# Home\n"),
        (
            "content/r.md",
            "---\ntitle: R\nredirect_to: \"javascript:alert(1)\"\n---\nr\n",
        ),
    ]);
    handbook()
        .current_dir(dir.path())
        .args(["build", "--output", "out"])
        .assert()
        .code(1)
        .stderr(contains("r.md:3:1"))
        .stderr(contains("`redirect_to` may not be a `javascript:` URL"));
}

#[test]
fn raw_html_can_be_escaped_for_untrusted_sites() {
    let page = "# P\n\n<b onclick=\"x()\">bold</b>\n\n<div><script>alert(1)</script></div>\n";
    let dir = site(&[("content/index.md", "# Home\n"), ("content/p.md", page)]);
    handbook()
        .current_dir(dir.path())
        .args(["build", "--output", "out"])
        .assert()
        .success();
    let html = std::fs::read_to_string(dir.path().join("out/p/index.html")).expect("page");
    assert!(
        html.contains("<script>alert(1)</script>"),
        "passes by default"
    );

    std::fs::write(
        dir.path().join("site.toml"),
        "[markdown]\nraw_html = false\n",
    )
    .expect("w");
    handbook()
        .current_dir(dir.path())
        .args(["build", "--output", "out"])
        .assert()
        .success();
    let html = std::fs::read_to_string(dir.path().join("out/p/index.html")).expect("page");
    assert!(!html.contains("<script>alert(1)"), "escaped");
    assert!(!html.contains("<b onclick"), "escaped");
    assert!(
        html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"),
        "shown as text"
    );
}

#[test]
fn two_pages_claiming_one_redirect_is_a_warning_unless_strict() {
    let dir = site(&[
        ("content/index.md", "# Home\n"),
        (
            "content/a.md",
            "---\ntitle: A\nredirect_from: [/old/]\n---\na\n",
        ),
        (
            "content/b.md",
            "---\ntitle: B\nredirect_from: [/old/]\n---\nb\n",
        ),
    ]);
    handbook()
        .current_dir(dir.path())
        .args(["build", "--output", "out"])
        .assert()
        .success()
        .stderr(contains("b.md:3:"))
        .stderr(contains("also an alias of `a.md`, whose redirect wins"));
    let old = std::fs::read_to_string(dir.path().join("out/old/index.html")).expect("redirect");
    assert!(old.contains("/a/"));
    handbook()
        .current_dir(dir.path())
        .args(["build", "--output", "out", "--strict"])
        .assert()
        .code(1);
}

/// Parses `text` as XML to the end, or fails naming `what`.
fn assert_well_formed_xml(what: &str, text: &str) {
    let mut reader = quick_xml::Reader::from_str(text);
    loop {
        match reader.read_event() {
            Ok(quick_xml::events::Event::Eof) => break,
            Ok(_) => {}
            Err(e) => panic!("{what} is not well-formed XML: {e}\n{text}"),
        }
    }
}

#[test]
fn a_control_character_in_one_page_keeps_every_xml_file_readable() {
    let dir = site(&[
        ("content/index.md", "# Home\n"),
        (
            "content/t.md",
            "---\ntitle: \"Bad \\x01 title \\x0b here\"\n---\nBody <a href=\"/x\u{1}y/\">raw</a>\n",
        ),
        ("content/u\u{2}.md", "# U\n"),
        ("site.toml", "base_url = \"https://example.com\"\n"),
    ]);
    let assert = handbook()
        .current_dir(dir.path())
        .args(["build", "--output", "out"])
        .assert();
    assert_eq!(assert.get_output().status.code(), Some(0));
    for file in ["atom.xml", "sitemap.xml"] {
        let text = std::fs::read_to_string(dir.path().join("out").join(file)).expect(file);
        assert_well_formed_xml(file, &text);
    }
    let junit = handbook()
        .current_dir(dir.path())
        .args(["check", "--format", "junit"])
        .output()
        .expect("check");
    let text = String::from_utf8_lossy(&junit.stdout);
    assert!(
        text.contains("<failure"),
        "the broken link is reported: {text}"
    );
    assert_well_formed_xml("the JUnit report", &text);
}

#[test]
fn every_error_appears_in_every_report_format() {
    let dir = site(&[
        ("content/index.md", "# Home\n"),
        ("content/bad.md", "---\ntitle: [unclosed\n---\nBody\n"),
    ]);
    let run = |format: &str| {
        let out = handbook()
            .current_dir(dir.path())
            .args(["check", "--format", format])
            .output()
            .expect("check");
        assert_eq!(out.status.code(), Some(1), "{format}");
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    let json: serde_json::Value = serde_json::from_str(&run("json")).expect("json");
    let errors = json["errors"].as_array().expect("errors");
    assert_eq!(errors.len(), 1, "{json}");
    assert_eq!(errors[0]["file"], "bad.md");
    assert_eq!(errors[0]["line"], 2);

    let junit = run("junit");
    assert_well_formed_xml("junit", &junit);
    assert!(
        junit.contains("failures=\"1\"") && junit.contains("bad.md:2:"),
        "{junit}"
    );

    let quality: serde_json::Value = serde_json::from_str(&run("codequality")).expect("cq");
    let issues = quality.as_array().expect("array");
    assert_eq!(issues.len(), 1, "{quality}");
    assert_eq!(issues[0]["location"]["path"], "content/bad.md");
    assert_eq!(issues[0]["location"]["lines"]["begin"], 2);
}

fn owner_page(owner: &str) -> String {
    format!("---\ntitle: P\ncadence:\n  - activity: Review by {owner}\n    every: weekly\n    owner: \"{owner}\"\n---\nBody\n")
}

#[test]
fn owner_feeds_are_unique_and_never_reassigned() {
    let dir = site(&[
        ("content/index.md", "# Home\n"),
        ("content/a.md", &owner_page("sales team")),
        ("content/b.md", &owner_page("Sales Team 2")),
    ]);
    handbook()
        .current_dir(dir.path())
        .args(["build", "--output", "out"])
        .assert()
        .success();
    let feed =
        |name: &str| std::fs::read_to_string(dir.path().join("out/cadence/owners").join(name));
    assert!(feed("sales-team.ics")
        .expect("first")
        .contains("Review by sales team"));
    assert!(feed("sales-team-2.ics")
        .expect("second")
        .contains("Review by Sales Team 2"));

    // A newcomer whose name slugs like an existing owner's is an error at the
    // newcomer, naming the owner whose feed it would take.
    std::fs::write(dir.path().join("content/c.md"), owner_page("Sales  Team!")).expect("w");
    handbook()
        .current_dir(dir.path())
        .args(["build", "--output", "out"])
        .assert()
        .code(1)
        .stderr(contains("c.md:6:").or(contains("a.md:6:")))
        .stderr(contains(
            "would share the page and calendar feed `sales-team`",
        ))
        .stderr(contains("`Sales  Team!`").and(contains("`sales team`")));
    assert!(feed("sales-team.ics")
        .expect("kept")
        .contains("Review by sales team"));
}

/// Builds one generated page in a new site and gives the exit code; the
/// bound is minutes, not seconds: it catches a pass gone quadratic (these
/// inputs took from 26 s to over two minutes), never a slow machine.
fn build_within_bound(files: &[(&str, &str)]) -> Option<i32> {
    let dir = site(files);
    let assert = handbook()
        .current_dir(dir.path())
        .args(["build", "--quiet", "--keep-going", "--output", "out"])
        .timeout(std::time::Duration::from_secs(90))
        .assert();
    assert.get_output().status.code()
}

#[test]
fn hostile_pages_build_in_linear_time() {
    let home = ("content/index.md", "# Home\n");
    let block_ials = "p\n{: .c}\n".repeat(100_000);
    assert_eq!(
        build_within_bound(&[home, ("content/a.md", &block_ials)]),
        Some(0)
    );
    let liquid = "{{ x }} ".repeat(125_000);
    assert_eq!(
        build_within_bound(&[home, ("content/a.md", &liquid)]),
        Some(0)
    );
    let links: Vec<String> = (0..200_000).map(|i| format!("[a](/missing{i}/)")).collect();
    let links = links.join(" ");
    assert_eq!(
        build_within_bound(&[home, ("content/a.md", &links)]),
        Some(0)
    );
    let brackets = format!("---\nx: {}\n---\nbody\n", "[".repeat(100_000));
    assert_eq!(
        build_within_bound(&[home, ("content/a.md", &brackets)]),
        Some(1)
    );
}

#[test]
fn many_cadence_owners_build_in_reasonable_time() {
    let pages: Vec<(String, String)> = (0..1_000)
        .map(|i| {
            (
                format!("content/p{i}.md"),
                owner_page(&format!("Owner {i}")),
            )
        })
        .collect();
    let mut files: Vec<(&str, &str)> = pages
        .iter()
        .map(|(p, t)| (p.as_str(), t.as_str()))
        .collect();
    files.push(("content/index.md", "# Home\n"));
    assert_eq!(build_within_bound(&files), Some(0));
}

/// Builds `dir` with its address space capped, so a build that needs
/// gigabytes fails instead of passing on a machine that has them.
fn build_in_bounded_memory(dir: &Path, limit_mb: u64) -> std::process::Output {
    let binary = assert_cmd::cargo::cargo_bin("handbook");
    std::process::Command::new("bash")
        .arg("-c")
        .arg(format!(
            "ulimit -v {} && exec \"$0\" build --quiet --output out",
            limit_mb * 1024
        ))
        .arg(binary)
        .current_dir(dir)
        .output()
        .expect("bash runs")
}

#[test]
fn a_page_of_markers_builds_in_bounded_memory() {
    // 20 MB of `*a_ `: the parser would keep ten million nodes (2.2 GB).
    let markers = "*a_ ".repeat(5_000_000);
    let dir = site(&[("content/index.md", "# Home\n"), ("content/a.md", &markers)]);
    let run = build_in_bounded_memory(dir.path(), 1024);
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert_eq!(run.status.code(), Some(0), "{stderr}");
    assert!(stderr.contains("inline Markdown markers"), "{stderr}");
    let page = std::fs::read_to_string(dir.path().join("out/a/index.html")).expect("page");
    assert!(page.contains("<pre class=\"oversized-page\">*a_ *a_"));

    // A partial that includes itself twice doubles at every level.
    let half_mb = "x".repeat(512 * 1024);
    let bomb = format!("{half_mb}\n<%= partial \"bomb\" %>\n<%= partial \"bomb\" %>\n");
    let dir = site(&[
        (
            "content/index.html.md.erb",
            "# Home\n\n<%= partial \"bomb\" %>\n",
        ),
        ("content/_bomb.md", &bomb),
    ]);
    let run = build_in_bounded_memory(dir.path(), 1024);
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert_eq!(run.status.code(), Some(0), "{stderr}");
    assert!(stderr.contains("partials expand to more than"), "{stderr}");
}
