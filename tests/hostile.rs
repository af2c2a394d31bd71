//! Hostile and broken content: every case gets a clear message and a proper
//! exit code, never a panic (exit code 101), and the rest of the site builds.

use crate::common;

use common::handbook;
use predicates::prelude::*;
use predicates::str::contains;

fn site_with(files: Vec<(String, Vec<u8>)>) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp");
    std::fs::create_dir_all(dir.path().join("content")).expect("mkdir");
    std::fs::write(dir.path().join("content/index.md"), "# Home\n").expect("write");
    for (path, bytes) in files {
        let full = dir.path().join("content").join(path);
        std::fs::create_dir_all(full.parent().expect("parent")).expect("mkdir");
        std::fs::write(full, bytes).expect("write");
    }
    dir
}

fn build(dir: &tempfile::TempDir) -> assert_cmd::assert::Assert {
    handbook()
        .current_dir(dir.path())
        .args(["build", "--keep-going"])
        .timeout(std::time::Duration::from_secs(120))
        .assert()
}

fn one(path: &str, bytes: impl Into<Vec<u8>>) -> tempfile::TempDir {
    site_with(vec![(path.to_string(), bytes.into())])
}

#[test]
fn deep_nesting_does_not_overflow_the_stack() {
    let lists: String = (0..10_000)
        .map(|i| format!("{}- x\n", "  ".repeat(i)))
        .collect();
    let quotes = format!("{} deep\n", ">".repeat(10_000));
    let brackets = format!(
        "{}\n{}\n{}\n",
        "[".repeat(100_000),
        "<".repeat(100_000),
        "{:".repeat(50_000)
    );
    let dir = site_with(vec![
        ("lists.md".into(), lists.into_bytes()),
        ("quotes.md".into(), quotes.into_bytes()),
        ("brackets.md".into(), brackets.into_bytes()),
    ]);
    build(&dir).success();
    assert!(dir.path().join("public/quotes/index.html").is_file());
}

#[test]
fn huge_pages_many_headings_and_long_links() {
    let headings: String = (0..100_000).map(|i| format!("## H {}\n", i % 50)).collect();
    let big = "Text with a [link](/big/#h) and *emphasis*.\n\n## H\n\n".repeat(400_000);
    assert!(big.len() > 19_000_000);
    let long_link = format!("[x](/{}/)\n", "a".repeat(1_000_000));
    let dir = site_with(vec![
        ("headings.md".into(), headings.into_bytes()),
        ("big.md".into(), big.into_bytes()),
        ("long.md".into(), long_link.into_bytes()),
    ]);
    build(&dir)
        .success()
        .stderr(contains("--> long.md:1:5").and(contains("…")));
    let html = std::fs::read_to_string(dir.path().join("public/headings/index.html")).unwrap();
    assert!(
        html.contains("id=\"h-49-1998\""),
        "100,000 headings get unique ids"
    );
}

#[test]
fn byte_order_mark_crlf_and_empty_files() {
    let dir = site_with(vec![
        (
            "bom.md".into(),
            b"\xef\xbb\xbf---\r\ntitle: With BOM\r\n---\r\n## Hello\r\n".to_vec(),
        ),
        ("empty.md".into(), Vec::new()),
    ]);
    build(&dir).success();
    let html = std::fs::read_to_string(dir.path().join("public/bom/index.html")).unwrap();
    assert!(html.contains("<h1>With BOM</h1>") && html.contains("id=\"hello\""));
    assert!(dir.path().join("public/empty/index.html").is_file());
}

#[test]
fn broken_front_matter_cases_point_at_the_line() {
    let cases: Vec<(&str, &str, &str)> = vec![
        ("a.md", "---\ntitle: x\n", "--> a.md:1:1"),
        ("b.md", "---\ntitle: [a, b]\n---\n", "--> b.md:2:1"),
        ("c.md", "---\nweight: \"x\"\n---\n", "--> c.md:2:1"),
        ("d.md", "---\ntitle: \"unterminated\n---\n", "--> d.md:"),
        ("e.md", "---\n- just\n- a list\n---\n", "must be a mapping"),
        ("f.md", "---\ntitle: a: b: c\n---\n", "--> f.md:2:"),
    ];
    for (name, text, expected) in cases {
        let dir = one(name, text);
        build(&dir).code(1).stderr(contains(expected));
        assert!(
            dir.path().join("public/index.html").is_file(),
            "{name}: the rest builds"
        );
    }
}

#[test]
fn binary_and_non_utf8_files() {
    let dir = site_with(vec![
        ("bin.md".into(), vec![0x7f, b'E', b'L', b'F', 0, 1, 2]),
        ("latin1.md".into(), b"# Caf\xe9\n".to_vec()),
    ]);
    build(&dir)
        .code(1)
        .stderr(contains("--> bin.md").and(contains("--> latin1.md:1:6")));
}

#[test]
fn symlink_loops_and_unreadable_files() {
    let dir = one("ok.md", "# Ok\n");
    std::os::unix::fs::symlink("..", dir.path().join("content/loop")).unwrap();
    build(&dir).code(1).stderr(contains("symbolic link loop"));
    assert!(dir.path().join("public/ok/index.html").is_file());
}

#[test]
fn symlinks_out_of_the_site_are_not_published() {
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(outside.path().join("secret.txt"), "top secret").unwrap();
    std::fs::create_dir(outside.path().join("keys")).unwrap();
    std::fs::write(outside.path().join("keys/id.md"), "# Key\n\nprivate").unwrap();
    let dir = one("ok.md", "# Ok\n");
    let content = dir.path().join("content");
    std::os::unix::fs::symlink(
        outside.path().join("secret.txt"),
        content.join("secret.txt"),
    )
    .unwrap();
    std::os::unix::fs::symlink(outside.path().join("keys"), content.join("keys")).unwrap();
    // Links inside the site are fine: shared images, say.
    std::fs::create_dir(dir.path().join("shared")).unwrap();
    std::fs::write(dir.path().join("shared/logo.svg"), "<svg/>").unwrap();
    std::os::unix::fs::symlink(dir.path().join("shared"), content.join("images")).unwrap();
    build(&dir)
        .success()
        .stderr(contains("secret.txt").and(contains("outside the site")))
        .stderr(contains("keys"));
    let public = dir.path().join("public");
    assert!(!public.join("secret.txt").exists());
    assert!(!public.join("keys").exists());
    assert!(public.join("images/logo.svg").is_file());
}

#[test]
fn two_sources_for_one_url_name_both() {
    let dir = site_with(vec![
        ("a/index.md".into(), b"A\n".to_vec()),
        ("a.md".into(), b"A too\n".to_vec()),
    ]);
    build(&dir).code(1).stderr(
        contains("a.md")
            .and(contains("a/index.md"))
            .and(contains("both map to the URL /a/")),
    );
}

#[test]
fn paths_from_front_matter_never_escape_the_output() {
    let dir = site_with(vec![
        ("x.md".into(), b"---\nurl: ../../outside/\n---\n".to_vec()),
        ("y.md".into(), b"---\nslug: ../../etc\n---\n".to_vec()),
    ]);
    build(&dir)
        .code(1)
        .stderr(contains("unsafe or invalid url").and(contains("invalid slug")));
    assert!(!dir.path().join("outside").exists());
    assert!(!dir.path().parent().unwrap().join("outside").exists());
}

#[test]
fn missing_theme_and_template_errors() {
    let dir = one("p.md", "x\n");
    std::fs::write(dir.path().join("site.toml"), "theme = \"nope\"\n").unwrap();
    handbook()
        .current_dir(dir.path())
        .args(["build"])
        .assert()
        .code(2)
        .stderr(contains("theme `nope` not found"));
    std::fs::write(dir.path().join("site.toml"), "").unwrap();
    std::fs::create_dir_all(dir.path().join("templates")).unwrap();
    std::fs::write(dir.path().join("templates/page.html"), "{% if %}").unwrap();
    handbook()
        .current_dir(dir.path())
        .args(["build"])
        .assert()
        .code(2)
        .stderr(contains("page.html"));
}
